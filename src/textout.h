/* textout.h - values written into JSON and CSV outputs. */
#ifndef DCT_TEXTOUT_H
#define DCT_TEXTOUT_H

#include <stdio.h>

/* A JSON string: escapes, and U+FFFD for bytes that are not UTF-8, so the
 * document stays valid whatever the input held.  NULL gives null. */
void dct_json_str(FILE *f, const char *s);

/* A JSON number, or null when not finite. */
void dct_json_num(FILE *f, double x);

/* A CSV field, quoted when it holds a comma, quote or line break. */
void dct_csv_field(FILE *f, const char *s);

/* TEXT on F, indented by INDENT spaces and wrapped at spaces so that no
 * line is longer than WIDTH columns (a word longer than that stands on a
 * line of its own), then a newline. */
void dct_text_wrap(FILE *f, const char *text, int indent, int width);

#endif
