/* evsum.c - events.csv summarised (see evsum.h). */
#include "config.h"
#include "evsum.h"
#include "fsutil.h"
#include "textout.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Longest line of events.csv read. */
#define EVSUM_LINE_MAX (1u << 20)

typedef struct evkind {
    char *name;          /* owned */
    long count;
    size_t comps;        /* distinct components */
    long flag;           /* the flag whose upward event it is, or -1 */
} evkind;

typedef struct evflag {
    const char *up, *down;   /* the model's strings */
    double set_s;
} evflag;

typedef struct evopen {  /* a flag set on a component */
    char *comp;          /* owned */
    size_t flag;
    double t;
} evopen;

typedef struct evpair {  /* a (kind, component) seen, for the counts */
    size_t kind;
    char *comp;          /* owned */
} evpair;

struct dct_evsum {
    evflag *flag;
    size_t n_flag;
    evkind *kind;
    size_t n_kind;
    evopen *open;
    size_t n_open;
    evpair *pair;
    size_t n_pair;
};

dct_evsum *dct_evsum_new(const dct_model *m)
{
    dct_evsum *e = calloc(1, sizeof *e);
    size_t nr = dct_model_ode(m)->nroots;
    if (!e || !(e->flag = malloc((nr ? nr : 1) * sizeof *e->flag))) {
        free(e);
        return NULL;
    }
    for (size_t i = 0; i < nr; i++) {
        const char *c, *up = NULL, *down = NULL;
        if (!dct_model_root_event(m, i, +1, 0, &c, &up) ||
            !dct_model_root_event(m, i, -1, 0, &c, &down))
            continue;
        size_t k = 0;
        while (k < e->n_flag && (strcmp(e->flag[k].up, up) != 0 ||
                                 strcmp(e->flag[k].down, down) != 0))
            k++;
        if (k == e->n_flag)
            e->flag[e->n_flag++] = (evflag){up, down, 0};
    }
    return e;
}

void dct_evsum_free(dct_evsum *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_kind; i++)
        free(e->kind[i].name);
    for (size_t i = 0; i < e->n_open; i++)
        free(e->open[i].comp);
    for (size_t i = 0; i < e->n_pair; i++)
        free(e->pair[i].comp);
    free(e->kind);
    free(e->open);
    free(e->pair);
    free(e->flag);
    free(e);
}

/* Split the events.csv row LINE in place into its 3 fields (RFC 4180
 * quotes).  Returns 0, or -1 when it has not 3 fields. */
static int split3(char *line, char **fld)
{
    char *p = line;
    for (int k = 0; k < 3; k++) {
        char *w = p;
        fld[k] = w;
        if (*p == '"') {
            for (p++; *p; p++) {
                if (*p == '"' && p[1] != '"')
                    break;
                *w++ = *p;
                p += *p == '"';
            }
            if (*p++ != '"')
                return -1;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        int is_end = *p != ',';
        *w = '\0';
        if (is_end != (k == 2) || (is_end && *p))
            return -1;
        p++;
    }
    return 0;
}

static void *grow(void *v, size_t n, size_t size)
{
    /* powers of two: grown when N reaches one */
    if (n & (n - 1))
        return v;
    return realloc(v, (n ? 2 * n : 1) * size);
}

/* The kind named by the first N bytes of EV, added when new; SIZE_MAX
 * when out of memory. */
static size_t kind_of(dct_evsum *e, const char *ev, size_t n)
{
    for (size_t i = 0; i < e->n_kind; i++)
        if (strlen(e->kind[i].name) == n &&
            strncmp(e->kind[i].name, ev, n) == 0)
            return i;
    evkind *k = grow(e->kind, e->n_kind, sizeof *k);
    if (!k)
        return SIZE_MAX;
    e->kind = k;
    char *name = strndup(ev, n);
    if (!name)
        return SIZE_MAX;
    long flag = -1;
    for (size_t f = 0; f < e->n_flag && flag < 0; f++)
        if (strcmp(e->flag[f].up, name) == 0)
            flag = (long)f;
    e->kind[e->n_kind] = (evkind){name, 0, 0, flag};
    return e->n_kind++;
}

/* The flags of COMP: set by UP, cleared by DOWN, at T. */
static int flag_event(dct_evsum *e, const char *comp, const char *ev,
                      double t)
{
    for (size_t f = 0; f < e->n_flag; f++) {
        if (strcmp(e->flag[f].up, ev) == 0) {
            int is_set = 0;
            for (size_t i = 0; i < e->n_open && !is_set; i++)
                is_set = e->open[i].flag == f &&
                         strcmp(e->open[i].comp, comp) == 0;
            if (is_set)
                continue;
            evopen *o = grow(e->open, e->n_open, sizeof *o);
            char *c = o ? strdup(comp) : NULL;
            if (!c)
                return -1;
            e->open = o;
            e->open[e->n_open++] = (evopen){c, f, t};
        } else if (strcmp(e->flag[f].down, ev) == 0) {
            for (size_t i = 0; i < e->n_open; i++)
                if (e->open[i].flag == f &&
                    strcmp(e->open[i].comp, comp) == 0) {
                    e->flag[f].set_s += t - e->open[i].t;
                    free(e->open[i].comp);
                    e->open[i] = e->open[--e->n_open];
                    break;
                }
        }
    }
    return 0;
}

static int cmp_pair(const void *a, const void *b)
{
    const evpair *x = a, *y = b;
    if (x->kind != y->kind)
        return (x->kind > y->kind) - (x->kind < y->kind);
    return strcmp(x->comp, y->comp);
}

int dct_evsum_read(dct_evsum *e, FILE *f, double t_end)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    long ln = 0;
    ssize_t len;
    while (rc == 0 &&
           (len = dct_getline_max(&line, &cap, f, EVSUM_LINE_MAX)) >= 0) {
        if (++ln == 1)
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *fld[3], *end;
        double t;
        if (split3(line, fld) != 0 ||
            (t = strtod(fld[0], &end), end == fld[0] || *end)) {
            rc = -1;
            break;
        }
        size_t k = kind_of(e, fld[2], strcspn(fld[2], ":="));
        evpair *p = k == SIZE_MAX ? NULL
                                  : grow(e->pair, e->n_pair, sizeof *p);
        if (p)
            e->pair = p;
        if (!p || !(e->pair[e->n_pair].comp = strdup(fld[1])) ||
            flag_event(e, fld[1], fld[2], t) != 0) {
            rc = -1;
            break;
        }
        e->pair[e->n_pair++].kind = k;
        e->kind[k].count++;
    }
    if (len < -1)
        rc = -1;
    free(line);
    /* the flags still set at the end */
    for (size_t i = 0; i < e->n_open; i++) {
        e->flag[e->open[i].flag].set_s += t_end - e->open[i].t;
        free(e->open[i].comp);
    }
    e->n_open = 0;
    if (e->n_pair > 1)
        qsort(e->pair, e->n_pair, sizeof *e->pair, cmp_pair);
    for (size_t i = 0; i < e->n_pair; i++)
        if (i == 0 || cmp_pair(&e->pair[i - 1], &e->pair[i]) != 0)
            e->kind[e->pair[i].kind].comps++;
    return rc;
}

void dct_evsum_json(const dct_evsum *e, FILE *f)
{
    putc('[', f);
    for (size_t i = 0; i < e->n_kind; i++) {
        const evkind *k = &e->kind[i];
        fputs(i ? ",\n  {\"event\":" : "\n  {\"event\":", f);
        dct_json_str(f, k->name);
        fprintf(f, ",\"count\":%ld,\"components\":%zu", k->count, k->comps);
        if (k->flag >= 0) {
            fputs(",\"set_s\":", f);
            dct_json_num(f, e->flag[k->flag].set_s);
        }
        putc('}', f);
    }
    putc(']', f);
}

/* A duration for people: s up to 2 h, then h. */
static void dur(char *buf, size_t n, double s)
{
    if (s < 7200)
        snprintf(buf, n, "%.4g s", s);
    else
        snprintf(buf, n, "%.4g h", s / 3600);
}

void dct_evsum_text(const dct_evsum *e, FILE *f, int width)
{
    if (!e->n_kind)
        return;
    size_t cap = 64;
    for (size_t i = 0; i < e->n_kind; i++)
        cap += strlen(e->kind[i].name) + 96;
    char *s = malloc(cap);
    if (!s)
        return;
    size_t n = (size_t)snprintf(s, cap, "events:");
    for (size_t i = 0; i < e->n_kind; i++) {
        const evkind *k = &e->kind[i];
        n += (size_t)snprintf(s + n, cap - n, "%s %ld %s", i ? "," : "",
                              k->count, k->name);
        if (k->flag >= 0) {
            char d[32];
            dur(d, sizeof d, e->flag[k->flag].set_s);
            n += (size_t)snprintf(s + n, cap - n, " (%zu component%s, set "
                                                  "%s in all)",
                                  k->comps, k->comps == 1 ? "" : "s", d);
        }
    }
    dct_text_wrap(f, s, 0, width);
    free(s);
}
