/* bess_plots.c - the plots of `dctwin bess-report` (plot.h, the xy
 * template) and the evidence files they draw from.
 */
#include "config.h"
#include "bess_report.h"
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- plots */

/* Plot columns YCOLS (names; NULL-ended) of CSV against its column XCOL
 * into OUT/plots/NAME.png; THR (NAN: none) a threshold line.  Sets REL to
 * the plot's path relative to the report directory, "" when not drawn. */
void dct_bess_plot_xy2(rpt *R, const char *name, const char *csv,
                     const char *title, const char *xlabel,
                     const char *ylabel, const char *xcol,
                     const char *const *ycols, const char *const *ytitles,
                     double xscale, double yscale, const double thr[2],
                     const char *const thr_name[2], char rel[256])
{
    rel[0] = '\0';
    if (R->no_gnuplot)
        return;
    table t;
    if (dct_bess_table_read(&t, csv) != 0)
        return;
    char ycs[256] = "", xc[16], xs[32], ys[32], th[32];
    int xi = dct_bess_table_find(&t, xcol);
    size_t yn = 0;
    char *vars[40];
    int nv = 0, n_found = 0;
    char buf[8][300];
    /* the columns found, with their titles in the same order */
    for (int k = 0; ycols[k] && k < 8; k++) {
        int c = dct_bess_table_find(&t, ycols[k]);
        if (c < 0)
            continue;
        yn += (size_t)snprintf(ycs + yn, sizeof ycs - yn, "%s%d",
                               yn ? " " : "", c + 1);
        n_found++;
        snprintf(buf[k], sizeof buf[k], "ytitle%d=%s", n_found, ytitles[k]);
        vars[nv++] = buf[k];
    }
    dct_bess_table_free(&t);
    if (xi < 0 || n_found == 0)
        return;
    char path[PATH_N + 64];
    snprintf(path, sizeof path, "%s/plots/%s.%s", R->out, name, R->fmt);
    snprintf(xc, sizeof xc, "x=%d", xi + 1);
    char datafile[PATH_N + 16], ycolv[300], titlev[400], xl[200], yl[200];
    snprintf(datafile, sizeof datafile, "datafile=%s", csv);
    snprintf(ycolv, sizeof ycolv, "ycols=%s", ycs);
    snprintf(titlev, sizeof titlev, "title=%s", title);
    snprintf(xl, sizeof xl, "xlabel=%s", xlabel);
    snprintf(yl, sizeof yl, "ylabel=%s", ylabel);
    snprintf(xs, sizeof xs, "xscale=%.9g", xscale);
    snprintf(ys, sizeof ys, "yscale=%.9g", yscale);
    vars[nv++] = datafile;
    vars[nv++] = xc;
    vars[nv++] = ycolv;
    vars[nv++] = titlev;
    vars[nv++] = xl;
    vars[nv++] = yl;
    vars[nv++] = xs;
    vars[nv++] = ys;
    char thn[200], th2[32], thn2[200];
    if (isfinite(thr[0])) {
        snprintf(th, sizeof th, "threshold=%.9g", thr[0]);
        snprintf(thn, sizeof thn, "thresholdname=%s",
                 thr_name[0] ? thr_name[0] : "threshold");
        vars[nv++] = th;
        vars[nv++] = thn;
        if (isfinite(thr[1])) {
            snprintf(th2, sizeof th2, "threshold2=%.9g", thr[1]);
            snprintf(thn2, sizeof thn2, "threshold2name=%s",
                     thr_name[1] ? thr_name[1] : "threshold");
            vars[nv++] = th2;
            vars[nv++] = thn2;
        }
    }
    int rc = dct_plot_render("xy", (const char *const *)vars, (size_t)nv,
                             path, R->fmt, &R->d);
    if (rc == DCT_PLOT_NO_GNUPLOT) {
        R->no_gnuplot = 1;
        return;
    }
    if (rc == DCT_PLOT_OK)
        snprintf(rel, 256, "plots/%s.%s", name, R->fmt);
}

/* dct_bess_plot_xy2 with at most one threshold line THR (NAN: none). */
void dct_bess_plot_xy(rpt *R, const char *name, const char *csv,
                    const char *title, const char *xlabel,
                    const char *ylabel, const char *xcol,
                    const char *const *ycols, const char *const *ytitles,
                    double xscale, double yscale, double thr,
                    const char *thr_name, char rel[256])
{
    const double t2[2] = {thr, NAN};
    const char *const n2[2] = {thr_name, NULL};
    dct_bess_plot_xy2(R, name, csv, title, xlabel, ylabel, xcol, ycols, ytitles,
             xscale, yscale, t2, n2, rel);
}

/* Write the columns X and Y (N values) as a two-column CSV evidence file
 * OUT/evidence/NAME.csv with header "XN,YN"; its path into PATH. */
int dct_bess_write_xy(rpt *R, const char *name, const char *xn,
                    const char *yn, const double *x, const double *y,
                    size_t n, char path[PATH_N + 64])
{
    snprintf(path, PATH_N + 64, "%s/evidence/%s.csv", R->out, name);
    sbuf b = {0};
    dct_bess_sb_printf(&b, "%s,%s\n", xn, yn);
    for (size_t i = 0; i < n; i++)
        dct_bess_sb_printf(&b, "%.9g,%.9g\n", x[i], y[i]);
    int rc = b.oom ? -1 : dct_bess_write_text(path, b.s);
    free(b.s);
    return rc;
}

/* The amplitude spectrum S (kW) as the evidence file EV_NAME.csv and its
 * plot PLOT_NAME with the threshold line THR; the plot's path into REL. */
void dct_bess_spectrum_plot(rpt *R, const dct_sig_spectrum *s,
                          const char *ev_name, const char *plot_name,
                          const char *title, const char *ytitle, double thr,
                          const char *thr_name, char rel[256])
{
    char ev[PATH_N + 64];
    double *f = malloc(s->n_bins * sizeof *f);
    rel[0] = '\0';
    if (!f)
        return;
    for (size_t k = 0; k < s->n_bins; k++)
        f[k] = (double)k * s->df;
    if (dct_bess_write_xy(R, ev_name, "f_Hz", "amplitude_kW", f, s->amp,
                          s->n_bins, ev) == 0) {
        const char *ys[] = {"amplitude_kW", NULL};
        const char *yts[] = {ytitle, NULL};
        dct_bess_plot_xy(R, plot_name, ev, title, "f [Hz]", "amplitude [kW]",
                         "f_Hz", ys, yts, 1, 1, thr, thr_name, rel);
    }
    free(f);
}
