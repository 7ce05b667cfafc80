/* extremes.c - the extremes of the margin quantities between two output
 * rows (see extremes.h).
 *
 * Each column with extremes reads the value of one margin: the first
 * margin of class run, in the model's order, whose component, quantity
 * and unit name the column; through dct_model_margin_source, so that an
 * aggregated member reads its representative, whose value the solver
 * steps sample. */
#include "config.h"
#include "extremes.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct xcol {
    size_t sel;          /* index into the columns given to _new */
    size_t margin;       /* the margin whose value it is */
    double scale;        /* margin unit -> column unit */
    double lo, hi, cur;  /* this interval's extremes, the last value */
} xcol;

struct dct_extremes {
    const dct_model *m;
    const size_t *sel;   /* borrowed */
    size_t n_sel;
    xcol *col;           /* [n] in the order of sel */
    size_t n;
    unsigned char *has;  /* [n_sel] */
};

typedef struct xname {   /* a selected column by name, for the search */
    const char *name;
    size_t k;
} xname;

static int cmp_xname(const void *a, const void *b)
{
    const xname *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->k > y->k) - (x->k < y->k);
}

/* The selected column named NAME in the sorted BY[N], or SIZE_MAX. */
static size_t find(const xname *by, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(by[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(by[lo].name, name) == 0 ? by[lo].k : SIZE_MAX;
}

static int cmp_col(const void *a, const void *b)
{
    const xcol *x = a, *y = b;
    return (x->sel > y->sel) - (x->sel < y->sel);
}

dct_extremes *dct_extremes_new(const dct_model *m, const size_t *sel,
                               size_t n_sel)
{
    dct_extremes *x = calloc(1, sizeof *x);
    xname *by = malloc((n_sel ? n_sel : 1) * sizeof *by);
    size_t n_mg = dct_model_n_margins(m);
    if (!x || !by ||
        !(x->has = calloc(n_sel ? n_sel : 1, sizeof *x->has)) ||
        !(x->col = malloc((n_mg ? n_mg : 1) * sizeof *x->col))) {
        free(by);
        dct_extremes_free(x);
        return NULL;
    }
    x->m = m;
    x->sel = sel;
    x->n_sel = n_sel;
    for (size_t k = 0; k < n_sel; k++) {
        by[k].name = dct_model_output_name(m, sel[k]);
        by[k].k = k;
    }
    if (n_sel > 1)
        qsort(by, n_sel, sizeof *by, cmp_xname);
    for (size_t i = 0; i < n_mg; i++) {
        const dct_margin_def *g = dct_model_margin(m, i);
        if (g->is_design || g->is_magnitude)
            continue;
        /* the column's name: COMP.QTY_UNIT, % written pct; a margin in
         * % may also be of a fraction, COMP.QTY */
        const char *u = strcmp(g->unit, "%") == 0 ? "pct" : g->unit;
        size_t len = strlen(g->component) + strlen(g->quantity) +
                     strlen(u) + 3;
        char *name = malloc(len);
        if (!name) {
            free(by);
            dct_extremes_free(x);
            return NULL;
        }
        snprintf(name, len, "%s.%s%s%s", g->component, g->quantity,
                 *u ? "_" : "", u);
        double scale = 1;
        size_t k = find(by, n_sel, name);
        if (k == SIZE_MAX && strcmp(g->unit, "%") == 0) {
            snprintf(name, len, "%s.%s", g->component, g->quantity);
            k = find(by, n_sel, name);
            scale = 0.01;
        }
        free(name);
        if (k == SIZE_MAX || x->has[k])
            continue;
        x->has[k] = 1;
        xcol *c = &x->col[x->n++];
        c->sel = k;
        c->margin = dct_model_margin_source(m, i);
        c->scale = scale;
        c->lo = INFINITY;
        c->hi = -INFINITY;
        c->cur = NAN;
    }
    free(by);
    if (x->n > 1)
        qsort(x->col, x->n, sizeof *x->col, cmp_col);
    return x;
}

void dct_extremes_free(dct_extremes *x)
{
    if (!x)
        return;
    free(x->col);
    free(x->has);
    free(x);
}

size_t dct_extremes_n(const dct_extremes *x)
{
    return x->n;
}

int dct_extremes_has(const dct_extremes *x, size_t k)
{
    return k < x->n_sel && x->has[k];
}

void dct_extremes_sample(dct_extremes *x, const double *val)
{
    for (size_t i = 0; i < x->n; i++) {
        xcol *c = &x->col[i];
        double v = c->scale * val[c->margin];
        if (v < c->lo)
            c->lo = v;
        if (v > c->hi)
            c->hi = v;
        c->cur = v;
    }
}

void dct_extremes_header(const dct_extremes *x, FILE *f)
{
    fputs("t_s", f);
    for (size_t i = 0; i < x->n; i++) {
        const char *name = dct_model_output_name(x->m, x->sel[x->col[i].sel]);
        fprintf(f, ",%s_min,%s_max", name, name);
    }
    putc('\n', f);
}

int dct_extremes_row(dct_extremes *x, double t, FILE *f)
{
    fprintf(f, "%.9g", t);
    for (size_t i = 0; i < x->n; i++) {
        xcol *c = &x->col[i];
        fprintf(f, ",%.6g,%.6g", c->lo, c->hi);
        /* the next interval is closed at this row: it starts here */
        c->lo = c->hi = c->cur;
    }
    return putc('\n', f) == EOF || ferror(f) ? -1 : 0;
}
