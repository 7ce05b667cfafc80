/* escape.c - text from an input written into HTML or onto a terminal
 * (escape.h). */
#include "config.h"
#include "escape.h"

#include <string.h>

size_t dct_utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    unsigned lo = 0x80, hi = 0xBF;   /* range of the second byte */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (len == 0 || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if (p[k] < 0x80 || p[k] > 0xBF)
            return 0;
    return len;
}

/* The code point of the valid sequence P of LEN bytes. */
static unsigned long code_point(const unsigned char *p, size_t len)
{
    if (len == 1)
        return p[0];
    unsigned long cp = p[0] & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++)
        cp = cp << 6 | (p[k] & 0x3Fu);
    return cp;
}

/* Nonzero for a code point a terminal must not receive as itself. */
static int is_term_unsafe(unsigned long cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0xFEFF;
}

void dct_esc_html(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t len = dct_utf8_len(p);
        if (len == 0 || (len == 1 && ((*p < 0x20 && *p != '\t' &&
                                       *p != '\n') || *p == 0x7F))) {
            fputs("&#xFFFD;", f);
            p++;
            continue;
        }
        switch (*p) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fwrite(p, 1, len, f);
        }
        p += len;
    }
}

void dct_esc_html_id(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    if (!*p) {
        putc('_', f);
        return;
    }
    for (; *p; p++) {
        unsigned c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
            putc((int)c, f);
        else
            fprintf(f, "~%02X", c);
    }
}

/* Append the LEN bytes at P escaped (ESC) or as they are to BUF at *AT;
 * 0, or -1 when they do not fit in N - 4 bytes (room kept for "..."). */
static int put(char *buf, size_t n, size_t *at, const unsigned char *p,
               size_t len, int esc)
{
    size_t need = esc ? 4 * len : len;
    if (*at + need + 4 > n)
        return -1;
    for (size_t k = 0; k < len; k++) {
        if (esc) {
            static const char hex[] = "0123456789ABCDEF";
            buf[(*at)++] = '\\';
            buf[(*at)++] = 'x';
            buf[(*at)++] = hex[p[k] >> 4];
            buf[(*at)++] = hex[p[k] & 15];
        } else {
            buf[(*at)++] = (char)p[k];
        }
    }
    return 0;
}

char *dct_esc_term(char *buf, size_t n, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t at = 0;
    if (n == 0)
        return buf;
    while (*p) {
        size_t len = dct_utf8_len(p);
        int esc = len == 0 || is_term_unsafe(code_point(p, len));
        if (len == 0)
            len = 1;
        if (put(buf, n, &at, p, len, esc) != 0) {
            if (n >= 4)
                memcpy(buf + at, "...", 3), at += 3;
            break;
        }
        p += len;
    }
    buf[at < n ? at : n - 1] = '\0';
    return buf;
}

int dct_esc_term_needed(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t len = dct_utf8_len(p);
        if (len == 0 || is_term_unsafe(code_point(p, len)))
            return 1;
        p += len;
    }
    return 0;
}
