/* textout.c - values written into JSON and CSV outputs (textout.h). */
#include "config.h"
#include "textout.h"
#include "escape.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
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

/* Powers of ten exactly representable as doubles. */
static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int dct_fmt_g(char *buf, double x, int prec)
{
    double a = fabs(x);
    /* outside the fast range: snprintf (zero, tiny, huge, not finite) */
    if (prec < 1 || prec > 12 || !(a >= 1e-300 && a <= 1e300))
        return snprintf(buf, DCT_FMT_G_MAX, "%.*g", prec, x);
    int e = (int)floor(log10(a));
    uint64_t r = 0, lo = 1, hi;
    for (int k = 1; k < prec; k++)
        lo *= 10;
    hi = lo * 10;
    for (int tries = 0;; tries++) {
        int p = prec - 1 - e;
        if (tries > 2 || p > 22 || p < -22)
            return snprintf(buf, DCT_FMT_G_MAX, "%.*g", prec, x);
        /* M = a 10^p, within half an ulp: the digits are floor(M)
         * rounded by its fraction, unless that fraction lies within the
         * scaling's error of a half (then snprintf, which rounds the
         * exact binary value) */
        double m = p >= 0 ? a * pow10_exact[p] : a / pow10_exact[-p];
        double fl = floor(m), frac = m - fl;
        if (fabs(frac - 0.5) <= 4 * DBL_EPSILON * m)
            return snprintf(buf, DCT_FMT_G_MAX, "%.*g", prec, x);
        r = (uint64_t)fl + (frac > 0.5);
        if (r >= hi)
            e++;            /* rounded up to the next decade, or log10
                               was low */
        else if (r < lo)
            e--;            /* log10 was high */
        else
            break;
    }
    /* the PREC digits of r, then without trailing zeros */
    char d[16];
    for (int k = prec - 1; k >= 0; k--) {
        d[k] = (char)('0' + r % 10);
        r /= 10;
    }
    int nd = prec;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    char *o = buf;
    if (x < 0)
        *o++ = '-';
    if (e < -4 || e >= prec) {
        /* d.ddde+XX */
        *o++ = d[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        int ae = e < 0 ? -e : e;
        if (ae >= 100)
            *o++ = (char)('0' + ae / 100);
        *o++ = (char)('0' + ae / 10 % 10);
        *o++ = (char)('0' + ae % 10);
    } else if (e >= 0) {
        /* the integer part: e + 1 digits (e < prec), then the rest */
        memcpy(o, d, (size_t)e + 1);
        o += e + 1;
        if (nd > e + 1) {
            *o++ = '.';
            memcpy(o, d + e + 1, (size_t)(nd - e - 1));
            o += nd - e - 1;
        }
    } else {
        /* 0.000ddd */
        *o++ = '0';
        *o++ = '.';
        for (int k = 0; k < -e - 1; k++)
            *o++ = '0';
        memcpy(o, d, (size_t)nd);
        o += nd;
    }
    *o = '\0';
    return (int)(o - buf);
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
