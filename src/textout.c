/* textout.c - values written into JSON and CSV outputs (textout.h). */
#include "config.h"
#include "textout.h"
#include "escape.h"

#include <math.h>
#include <string.h>

/* A JSON string: escapes, and U+FFFD for bytes that are not UTF-8, so the
 * document stays valid whatever the input held.  NULL gives null. */
void dct_json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    putc('"', f);
    while (*p) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c == '"' || c == '\\')
                fprintf(f, "\\%c", (int)c);
            else if (c == '\n')
                fputs("\\n", f);
            else if (c == '\t')
                fputs("\\t", f);
            else if (c == '\r')
                fputs("\\r", f);
            else if (c < 0x20)
                fprintf(f, "\\u%04x", c);
            else
                putc((int)c, f);
            p++;
            continue;
        }
        size_t len = dct_utf8_len(p);
        int is_ok = len > 0;
        if (!is_ok) {
            fputs("\\ufffd", f);
            p++;
            continue;
        }
        fwrite(p, 1, len, f);
        p += len;
    }
    putc('"', f);
}

/* A JSON number, or null when not finite. */
void dct_json_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.10g", x);
    else
        fputs("null", f);
}

/* A CSV field, quoted when it holds a comma, quote or line break. */
void dct_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

void dct_text_wrap(FILE *f, const char *text, int indent, int width)
{
    int col = 0;
    const char *p = text;
    while (*p == ' ')
        p++;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (col > indent && col + 1 + (int)n > width) {
            putc('\n', f);
            col = 0;
        }
        if (col == 0)
            col = fprintf(f, "%*s", indent, "");
        else
            col += fprintf(f, " ");
        col += fprintf(f, "%.*s", (int)n, p);
        p += n;
        while (*p == ' ')
            p++;
    }
    putc('\n', f);
}
