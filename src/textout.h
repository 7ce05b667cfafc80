/* textout.h - values written into JSON and CSV outputs. */
#ifndef DCT_TEXTOUT_H
#define DCT_TEXTOUT_H

#include <stdio.h>

/* A JSON string: escapes, and U+FFFD for bytes that are not UTF-8, so the
 * document stays valid whatever the input held.  NULL gives null. */
void dct_json_str(FILE *f, const char *s);

/* A JSON number, or null when not finite. */
void dct_json_num(FILE *f, double x);

/* X as printf's "%.PRECg" into BUF, which holds at least DCT_FMT_G_MAX
 * bytes; returns the length.  The same text, byte for byte, as snprintf
 * (the digits correctly rounded), at a small part of its cost: the
 * digits of a PREC <= 12 come from one scaling by an exact power of ten,
 * and snprintf writes the rare value whose scaled fraction lies too near
 * a half to round safely, and every value outside the fast range. */
#define DCT_FMT_G_MAX 32
int dct_fmt_g(char *buf, double x, int prec);

/* A CSV field, quoted when it holds a comma, quote or line break. */
void dct_csv_field(FILE *f, const char *s);

/* TEXT on F, indented by INDENT spaces and wrapped at spaces so that no
 * line is longer than WIDTH columns (a word longer than that stands on a
 * line of its own), then a newline. */
void dct_text_wrap(FILE *f, const char *text, int indent, int width);

#endif
