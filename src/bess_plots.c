/* bess_plots.c - the plots of `dctwin bess-report` (plot.h, the check
 * template plots/check.gp) and the evidence files they draw from: each
 * check's plot shows the quantity the check judges against its limit,
 * with the worst point marked, from a reduced evidence CSV that keeps
 * every bucket's extremes, so the report needs no run's full trace.
 */
#include "config.h"
#include "bess_report.h"
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- check plots */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The rows of P kept in its evidence file into ROWS (at most CAP): all
 * of them when few, else each bucket's first and last row and the rows
 * of each series' extremes in it, in order.  Returns their number. */
static size_t keep_rows(const dct_bess_pl *p, size_t *rows, size_t cap)
{
    const size_t max_rows = 4000, n_buckets = 400;
    if (p->n <= max_rows) {
        size_t m = p->n < cap ? p->n : cap;
        for (size_t i = 0; i < m; i++)
            rows[i] = i;
        return m;
    }
    size_t bs = (p->n + n_buckets - 1) / n_buckets, m = 0;
    for (size_t b0 = 0; b0 < p->n; b0 += bs) {
        size_t b1 = b0 + bs < p->n ? b0 + bs : p->n, first = m;
        rows[m++] = b0;
        rows[m++] = b1 - 1;
        for (int k = 0; k < p->ny; k++) {
            size_t lo = b0, hi = b0;
            for (size_t i = b0; i < b1; i++) {
                if (p->y[k][i] < p->y[k][lo])
                    lo = i;
                if (p->y[k][i] > p->y[k][hi])
                    hi = i;
            }
            rows[m++] = lo;
            rows[m++] = hi;
        }
        qsort(rows + first, m - first, sizeof *rows, cmp_size);
        size_t u = first;
        for (size_t i = first; i < m; i++)
            if (i == first || rows[i] != rows[u - 1])
                rows[u++] = rows[i];
        m = u;
    }
    return m;
}

void dct_bess_plot_check(rpt *R, const dct_bess_pl *p, char rel[256])
{
    rel[0] = '\0';
    if (p->n < 2 || p->ny < 1 || p->ny > 4)
        return;
    size_t cap = p->n > 4000 ? 400 * (2 + 2 * 4) + 8 : p->n;
    size_t *rows = malloc(cap * sizeof *rows);
    if (!rows)
        return;
    size_t m = keep_rows(p, rows, cap);
    char ev[PATH_N + 64];
    snprintf(ev, sizeof ev, "%s/evidence/%s.csv", R->out, p->name);
    sbuf b = {0};
    dct_bess_sb_printf(&b, "%s", p->xcol);
    for (int k = 0; k < p->ny; k++)
        dct_bess_sb_printf(&b, ",%s", p->ycol[k]);
    int has1 = isfinite(p->thr[0]), has2 = has1 && isfinite(p->thr[1]);
    if (has1)
        dct_bess_sb_printf(&b, ",limit");
    if (has2)
        dct_bess_sb_printf(&b, ",limit2");
    if (p->n_xthr > 0)
        dct_bess_sb_printf(&b, ",xlimit");
    dct_bess_sb_printf(&b, "\n");
    for (size_t j = 0; j < m; j++) {
        size_t i = rows[j];
        dct_bess_sb_printf(&b, "%.9g", p->x[i]);
        for (int k = 0; k < p->ny; k++)
            dct_bess_sb_printf(&b, ",%.9g", p->y[k][i]);
        if (has1)
            dct_bess_sb_printf(&b, ",%.9g", p->thr[0]);
        if (has2)
            dct_bess_sb_printf(&b, ",%.9g", p->thr[1]);
        if (p->n_xthr > 0)
            dct_bess_sb_printf(&b, ",%.9g", p->xthr[0]);
        dct_bess_sb_printf(&b, "\n");
    }
    free(rows);
    int rc = b.oom ? -1 : dct_bess_write_text(ev, b.s);
    free(b.s);
    if (rc != 0 || R->no_gnuplot)
        return;
    /* the template's inputs */
    static char v[24][PATH_N + 80];
    static const char *vars[24];
    int nv = 0;
#define VAR(...)                                                            \
    do {                                                                    \
        snprintf(v[nv], sizeof v[nv], __VA_ARGS__);                         \
        vars[nv] = v[nv];                                                   \
        nv++;                                                               \
    } while (0)
    char wl[200];
    VAR("datafile=%s", ev);
    VAR("ny=%d", p->ny);
    VAR("title=%s", p->title);
    VAR("xlabel=%s", p->xlabel);
    VAR("ylabel=%s", p->ylabel);
    VAR("xscale=%.9g", p->xscale > 0 ? p->xscale : 1);
    for (int k = 0; k < p->ny; k++)
        VAR("ytitle%d=%s", k + 1, p->ytitle[k]);
    if (has1) {
        VAR("threshold=%.9g", p->thr[0]);
        VAR("thresholdname=%s", p->thr_name[0] ? p->thr_name[0] : "limit");
    }
    if (has2) {
        VAR("threshold2=%.9g", p->thr[1]);
        VAR("threshold2name=%s", p->thr_name[1] ? p->thr_name[1] : "limit");
    }
    if (p->n_xthr > 0) {
        char xs[160] = "";
        size_t xn = 0;
        for (int k = 0; k < p->n_xthr && k < 4; k++)
            xn += (size_t)snprintf(xs + xn, sizeof xs - xn, "%s%.9g",
                                   k ? " " : "", p->xthr[k]);
        VAR("xthresholds=%s", xs);
        VAR("xthresholdname=%s", p->xthr_name ? p->xthr_name : "limit");
    }
    if (isfinite(p->wx) && isfinite(p->wy)) {
        VAR("worstx=%.9g", p->wx);
        VAR("worsty=%.9g", p->wy);
        snprintf(wl, sizeof wl, "%s", p->wlabel ? p->wlabel : "worst");
        VAR("worstlabel=%s", wl);
    }
    if (p->logy)
        VAR("logy=1");
#undef VAR
    char path[PATH_N + 64];
    snprintf(path, sizeof path, "%s/plots/%s.%s", R->out, p->name, R->fmt);
    rc = dct_plot_render("check", vars, (size_t)nv, path, R->fmt, &R->d);
    if (rc == DCT_PLOT_NO_GNUPLOT) {
        R->no_gnuplot = 1;
        return;
    }
    if (rc == DCT_PLOT_OK)
        snprintf(rel, 256, "plots/%s.%s", p->name, R->fmt);
}
