/* escape.h - text from an input written into HTML or onto a terminal.
 *
 * dctwin writes strings that came from someone else's file (ids, names,
 * descriptions, CSV headers) into its outputs.  Each destination has one
 * escaping function, used everywhere that destination receives input text:
 *
 *   HTML text and double-quoted attribute values   dct_esc_html()
 *   an HTML id / URL fragment                       dct_esc_html_id()
 *   the terminal (stderr, stdout summaries)         dct_esc_term()
 *   JSON strings, CSV fields                        textout.h
 *   gnuplot single-quoted strings                   dct_plot_quote() (plot.h)
 *
 * All of them read bytes that are not valid UTF-8 as single bytes and never
 * copy them through, so the output stays valid text whatever the input held.
 */
#ifndef DCT_ESCAPE_H
#define DCT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* S as HTML text or as a double-quoted attribute value: & < > " ' as
 * character references; control characters other than tab and line feed,
 * and bytes that are not UTF-8, as U+FFFD.  NULL writes nothing. */
void dct_esc_html(FILE *f, const char *s);

/* S as an HTML id (and the fragment of an href="#..." to it): ASCII letters,
 * digits, '-', '_' and '.' are kept, every other byte (and '~') is written
 * as "~" and two hex digits, so distinct strings give distinct ids and the
 * result needs no further escaping in an attribute or a URL.  An empty S
 * gives "_". */
void dct_esc_html_id(FILE *f, const char *s);

/* S made safe for a terminal into BUF (N bytes, N >= 1, always
 * NUL-terminated, truncated with "..." when too long): control characters
 * (C0, DEL, C1), bytes that are not UTF-8 and the invisible format
 * characters (U+200B-U+200F, U+2028-U+202E, U+2060-U+2064, U+2066-U+2069,
 * U+FEFF: zero widths, bidirectional overrides, the byte order mark) are
 * written as \xHH per byte; a backslash as itself.  Returns BUF. */
char *dct_esc_term(char *buf, size_t n, const char *s);

/* Nonzero when dct_esc_term() would change S. */
int dct_esc_term_needed(const char *s);

/* Length of the valid UTF-8 sequence at P (1 to 4), or 0 when P does not
 * start one (a stray continuation byte, an overlong form, a surrogate, a
 * code point above U+10FFFF, a truncated sequence). P[0] must not be NUL. */
size_t dct_utf8_len(const unsigned char *p);

#endif
