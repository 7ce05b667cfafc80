/* bess_format.c - the one number formatter of `dctwin bess-report`: every
 * number in report.html, in the notes of report.json and in the summary
 * on stdout is written by it, so that one value reads the same wherever
 * it appears.
 *
 * Engineering precision: P significant digits (4 by default), written
 * without an exponent from 0.0001 to 999,999 (trailing zeros dropped:
 * 760, 0.5, 268.3), with one outside that range (1.627e-07); a value
 * that is not a number is a dash; an infinite time is "not reached within
 * the run (N s)".
 */
#include "config.h"
#include "bess_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* X with P significant digits into BUF (N bytes). */
static void fmt_sig(char *buf, size_t n, double x, int p)
{
    if (p < 1)
        p = 1;
    if (p > 15)
        p = 15;
    double a = fabs(x);
    if (!isfinite(x)) {
        snprintf(buf, n, "%g", x);
        return;
    }
    if (a == 0) {
        snprintf(buf, n, "0");
        return;
    }
    /* the magnitude after rounding to P digits (9999.7 is 1.000e4) */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, a);
    int e = atoi(strchr(tmp, 'e') + 1);
    if (e < -4 || e >= 6) {
        snprintf(buf, n, "%.*e", p - 1, x);
        return;
    }
    int dec = p - 1 - e;
    snprintf(buf, n, "%.*f", dec > 0 ? dec : 0, x);
    if (dec > 0 && strchr(buf, '.')) {
        char *z = buf + strlen(buf) - 1;
        while (*z == '0')
            *z-- = '\0';
        if (*z == '.')
            *z = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, n, "0");
}

const char *dct_bess_path_shown(const rpt *R, const char *path, char *buf,
                                size_t n)
{
    size_t lo = R->out ? strlen(R->out) : 0;
    if (!path)
        path = "";
    if (lo && strncmp(path, R->out, lo) == 0 && path[lo] == '/') {
        snprintf(buf, n, "%s", path + lo + 1);
        return buf;
    }
    const char *sl = strrchr(path, '/');
    if (sl && (path[0] == '/' || (lo && strcmp(path, R->out) == 0) ||
               access(path, F_OK) == 0)) {
        snprintf(buf, n, "%s", sl[1] ? sl + 1 : path);
        return buf;
    }
    snprintf(buf, n, "%s", path);
    return buf;
}

const char *dct_bess_fmt(char *buf, size_t n, double x, const char *unit,
                         double run_s)
{
    if (isnan(x)) {
        snprintf(buf, n, "%s", "\xe2\x80\x93");   /* an en dash */
        return buf;
    }
    if (isinf(x)) {
        char r[64] = "";
        if (isfinite(run_s))
            fmt_sig(r, sizeof r, run_s, 4);
        if (x > 0 && isfinite(run_s))
            snprintf(buf, n, "not reached within the run (%s s)", r);
        else
            snprintf(buf, n, "%s", x > 0 ? "not reached" : "-infinite");
        return buf;
    }
    char v[64];
    fmt_sig(v, sizeof v, x, 4);
    if (unit && *unit)
        snprintf(buf, n, "%s %s", v, unit);
    else
        snprintf(buf, n, "%s", v);
    return buf;
}

int dct_bess_vformat(char *buf, size_t n, const char *fmt, va_list ap)
{
    size_t k = 0;
    if (n == 0)
        return -1;
    buf[0] = '\0';
    for (const char *p = fmt; *p; p++) {
        char piece[128];
        if (*p != '%') {
            piece[0] = *p;
            piece[1] = '\0';
        } else if (p[1] == '%') {
            snprintf(piece, sizeof piece, "%%");
            p++;
        } else {
            /* one conversion: flags, width, precision, length, type */
            const char *q = p + 1;
            while (*q && strchr("+- #0", *q))
                q++;
            while (*q >= '0' && *q <= '9')
                q++;
            int prec = -1;
            if (*q == '.') {
                prec = atoi(q + 1);
                q++;
                while (*q >= '0' && *q <= '9')
                    q++;
            }
            while (*q && strchr("hlzjt", *q))
                q++;
            char spec[32];
            size_t sl = (size_t)(q - p) + 1;
            if (!*q || sl >= sizeof spec)
                return -1;
            memcpy(spec, p, sl);
            spec[sl] = '\0';
            switch (*q) {
            case 'g': {
                double x = va_arg(ap, double);
                char v[64];
                fmt_sig(v, sizeof v, x, prec < 0 ? 6 : prec);
                if (isnan(x))
                    snprintf(v, sizeof v, "%s", "\xe2\x80\x93");
                else if (isinf(x))
                    snprintf(v, sizeof v, "%s", x > 0 ? "infinite"
                                                      : "-infinite");
                else if (spec[1] == '+' && x >= 0)
                    memmove(v + 1, v, strlen(v) + 1), v[0] = '+';
                snprintf(piece, sizeof piece, "%s", v);
                break;
            }
            case 'f':
            case 'e':
                snprintf(piece, sizeof piece, spec, va_arg(ap, double));
                break;
            case 'd':
            case 'i':
                if (strchr(spec, 'l'))
                    snprintf(piece, sizeof piece, spec, va_arg(ap, long));
                else if (strchr(spec, 'z'))
                    snprintf(piece, sizeof piece, spec, va_arg(ap, size_t));
                else
                    snprintf(piece, sizeof piece, spec, va_arg(ap, int));
                break;
            case 'u':
                if (strchr(spec, 'l'))
                    snprintf(piece, sizeof piece, spec,
                             va_arg(ap, unsigned long));
                else if (strchr(spec, 'z'))
                    snprintf(piece, sizeof piece, spec, va_arg(ap, size_t));
                else
                    snprintf(piece, sizeof piece, spec,
                             va_arg(ap, unsigned));
                break;
            case 's': {
                const char *s = va_arg(ap, const char *);
                size_t len = strlen(s ? s : "(null)");
                if (k + len >= n)
                    len = n - 1 - k;
                memcpy(buf + k, s ? s : "(null)", len);
                k += len;
                buf[k] = '\0';
                p = q;
                continue;
            }
            default:
                return -1;
            }
            p = q;
        }
        size_t len = strlen(piece);
        if (k + len >= n)
            len = n - 1 - k;
        memcpy(buf + k, piece, len);
        k += len;
        buf[k] = '\0';
    }
    return (int)k;
}

int dct_bess_format(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = dct_bess_vformat(buf, n, fmt, ap);
    va_end(ap);
    return k;
}
