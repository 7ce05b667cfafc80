/* suggest.c - "did you mean".  See suggest.h. */
#include "config.h"
#include "suggest.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

size_t dct_edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > DCT_SUGGEST_MAX || nb > DCT_SUGGEST_MAX)
        return (size_t)-1;
    /* three rows of the dynamic programme: i-2, i-1, i */
    size_t r0[DCT_SUGGEST_MAX + 1], r1[DCT_SUGGEST_MAX + 1],
        r2[DCT_SUGGEST_MAX + 1];
    size_t *pp = r0, *p = r1, *c = r2;
    for (size_t j = 0; j <= nb; j++)
        p[j] = j;
    for (size_t i = 1; i <= na; i++) {
        c[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = p[j - 1] + cost;
            if (p[j] + 1 < v)
                v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
        }
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[nb];
}

void dct_suggest_init(dct_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->dist = (size_t)-1;
}

void dct_suggest_add(dct_suggest *s, const char *cand)
{
    if (!cand || !s->word)
        return;
    size_t d = dct_edit_distance(s->word, cand);
    if (d != 0 && d < s->dist) {
        s->dist = d;
        s->best = cand;
    }
}

const char *dct_suggest_best(const dct_suggest *s)
{
    if (!s->best)
        return NULL;
    size_t n = strlen(s->word);
    size_t max = n <= 3 ? 1 : n <= 6 ? 2 : 3;
    return s->dist <= max ? s->best : NULL;
}

const char *dct_suggest_text(char *buf, size_t n, const char *best)
{
    if (n == 0)
        return "";
    if (best)
        snprintf(buf, n, "; did you mean '%s'?", best);
    else
        buf[0] = '\0';
    return buf;
}

const char *dct_suggest_option(const struct option *opts, const char *arg)
{
    char word[DCT_SUGGEST_MAX + 1];
    if (!arg || strncmp(arg, "--", 2) != 0)
        return NULL;
    size_t n = strcspn(arg + 2, "=");
    if (n == 0 || n > DCT_SUGGEST_MAX)
        return NULL;
    memcpy(word, arg + 2, n);
    word[n] = '\0';
    dct_suggest s;
    dct_suggest_init(&s, word);
    for (const struct option *o = opts; o && o->name; o++)
        dct_suggest_add(&s, o->name);
    return dct_suggest_best(&s);
}

void dct_suggest_option_hint(const char *cmd, const struct option *opts,
                             const char *arg)
{
    const char *best = dct_suggest_option(opts, arg);
    if (best)
        fprintf(stderr, "dctwin: %s: did you mean '--%s'?\n", cmd, best);
}
