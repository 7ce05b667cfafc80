/* bess_checks.c - the checks of `dctwin bess-report`: each run's table
 * (its timeseries.csv) and the metric of every check evaluated on it,
 * with its plot and evidence; then each check's verdict against its
 * threshold.  The metrics are defined in dctwin-bess-report(1).
 */
#include "config.h"
#include "bess_report.h"
#include "component.h"
#include "units.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const dct_bess_check_def dct_bess_checks[] = {
    {"t4-ramp-pct", RUN_TRAIN, -1},      {"t4-ramp-mw", RUN_TRAIN, -1},
    {"t4-ramp-stimulus", RUN_RAMP, -1},  {"t4-tracking", RUN_TRAIN, -1},
    {"t6-dr-fast", RUN_DR_FAST, -1},     {"t6-dr-slow", RUN_DR_SLOW, -1},
    {"t11-soc-min", RUN_DAY, -1},        {"t11-soc-max", RUN_DAY, -1},
    {"t11-soc-drift", RUN_DAY, -1},      {"t2-bus-deviation", RUN_ISLAND, -1},
    {"t2-bus-settling", RUN_ISLAND, -1}, {"t3-limit-cycle", RUN_LIMIT, -1},
    {"t7-dip", RUN_DIP, -1},             {"t8-bus-min", RUN_LOSS, -1},
    {"t8-ride-through", RUN_LOSS, -1},   {"t9-gen-osc", RUN_GEN, -1},
    {"t10-black-start", RUN_ISLAND, -1}, {"osc-0.1-2", RUN_TRAIN, -1},
    {"osc-2-3", RUN_TRAIN, -1},          {"osc-3-30", RUN_TRAIN, -1},
    {"osc-0.1-20", RUN_TRAIN, -1},       {"dev-1s", RUN_TRAIN, -1},
    {"step-t90", RUN_STEP, -1},          {"c-rate", RUN_TRAIN, -1},
    {"overload-time", RUN_LIMIT, -1},    {"rte", RUN_TRAIN, -1},
    {"t-cell", RUN_TRAIN, -1},           {"ageing", RUN_DAY, RUN_TRAIN},
};
const size_t dct_bess_n_checks =
    sizeof dct_bess_checks / sizeof dct_bess_checks[0];

/* [kW] load unserved above this ends a ride-through (1 W: the
 * solver's rounding of a served load is far below) */
#define UNSERVED_KW 1e-3

const char *const dct_bess_status_word[] = {"pass", "fail",
                                            "not-simulated"};

/* --------------------------------------------------------------- tables */

void dct_bess_table_free(table *t)
{
    for (size_t c = 0; c < t->nc; c++)
        free(t->names[c]);
    free(t->names);
    free(t->v);
    memset(t, 0, sizeof *t);
}

/* Read the CSV file PATH (a header line of names, then numbers). */
int dct_bess_table_read(table *t, const char *path)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t cap = 0;
    char *line = NULL;
    int rc = -1;
    if (getline(&line, &cap, f) < 0)
        goto done;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *s = line, *e;; s = e + 1) {
        e = strchr(s, ',');
        if (e)
            *e = '\0';
        char **p = realloc(t->names, (t->nc + 1) * sizeof *p);
        if (!p)
            goto done;
        t->names = p;
        if (!(t->names[t->nc++] = strdup(s)))
            goto done;
        if (!e)
            break;
    }
    long start = ftell(f);
    size_t nr = 0;
    int ch, last = '\n';
    while ((ch = getc(f)) != EOF) {
        if (ch == '\n')
            nr++;
        last = ch;
    }
    if (last != '\n')
        nr++;
    if (fseek(f, start, SEEK_SET) != 0)
        goto done;
    t->v = calloc(nr * t->nc + 1, sizeof *t->v);
    if (!t->v)
        goto done;
    size_t r = 0;
    while (r < nr && getline(&line, &cap, f) >= 0) {
        char *s = line;
        for (size_t c = 0; c < t->nc; c++) {
            char *end;
            t->v[c * nr + r] = strtod(s, &end);
            if (end == s)
                t->v[c * nr + r] = NAN;
            s = strchr(end, ',');
            if (!s)
                break;
            s++;
        }
        r++;
    }
    t->nr = r;
    if (r != nr) {
        /* repack to the rows actually read */
        for (size_t c = 1; c < t->nc; c++)
            memmove(t->v + c * r, t->v + c * nr, r * sizeof *t->v);
    }
    rc = 0;
done:
    free(line);
    fclose(f);
    if (rc)
        dct_bess_table_free(t);
    return rc;
}

int dct_bess_table_find(const table *t, const char *name)
{
    for (size_t c = 0; c < t->nc; c++)
        if (strcmp(t->names[c], name) == 0)
            return (int)c;
    return -1;
}

const double *dct_bess_table_col(const table *t, const char *name)
{
    int c = dct_bess_table_find(t, name);
    return c < 0 ? NULL : t->v + (size_t)c * t->nr;
}

/* Column QUANTITY ("P_kW", "soc", ...) of the battery in table T, or
 * NULL. */
static const double *bess_col(const rpt *R, const table *t,
                              const char *quantity)
{
    char name[300];
    snprintf(name, sizeof name, "%s.%s", R->bess_id, quantity);
    return dct_bess_table_col(t, name);
}

/* Sum of the columns "ID.QUANTITY" of IDS into a new array (NULL when one
 * is missing or N is 0). */
static double *table_sum(const table *t, const char *const *ids, int n,
                         const char *quantity)
{
    if (n <= 0 || t->nr == 0)
        return NULL;
    double *s = calloc(t->nr, sizeof *s);
    for (int k = 0; s && k < n; k++) {
        char name[300];
        snprintf(name, sizeof name, "%s.%s", ids[k], quantity);
        const double *c = dct_bess_table_col(t, name);
        if (!c) {
            free(s);
            return NULL;
        }
        for (size_t i = 0; i < t->nr; i++)
            s[i] += c[i];
    }
    return s;
}

/* First index with t[i] >= T0. */
static size_t index_at(const double *t, size_t n, double t0)
{
    size_t i = 0;
    while (i < n && t[i] < t0 - 1e-9)
        i++;
    return i;
}

static double max_of(const double *x, size_t i0, size_t i1)
{
    double m = -INFINITY;
    for (size_t i = i0; i < i1; i++)
        if (x[i] > m)
            m = x[i];
    return m;
}

static double min_of(const double *x, size_t i0, size_t i1)
{
    double m = INFINITY;
    for (size_t i = i0; i < i1; i++)
        if (x[i] < m)
            m = x[i];
    return m;
}

static double mean_of(const double *x, size_t i0, size_t i1)
{
    double s = 0;
    for (size_t i = i0; i < i1; i++)
        s += x[i];
    return i1 > i0 ? s / (double)(i1 - i0) : NAN;
}

/* ------------------------------------------------------------- results */

result *dct_bess_result_of(rpt *R, const char *id)
{
    for (size_t i = 0; i < R->n_res; i++)
        if (strcmp(R->res[i].c->id, id) == 0)
            return &R->res[i];
    return NULL;
}

/* Threshold of C for this site: its own number, or the site's value SITE
 * (NAN: none) before the file's threshold-default. */
double dct_bess_threshold_of(const dct_criterion *c, double site)
{
    if (!c->from_site)
        return c->threshold;
    return isfinite(site) ? site : c->threshold_default;
}

/* Record the measured value X of check ID (when the criteria list it),
 * the plot PLOT and a note. */
static void measured(rpt *R, const char *id, double x, const char *plot,
                     const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void measured(rpt *R, const char *id, double x, const char *plot,
                     const char *fmt, ...)
{
    result *r = dct_bess_result_of(R, id);
    if (!r)
        return;
    r->measured = x;
    if (plot)
        snprintf(r->plot, sizeof r->plot, "%s", plot);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        dct_bess_vformat(r->note, sizeof r->note, fmt, ap);
        va_end(ap);
    }
}

void dct_bess_judge(result *r)
{
    if (r->run < 0) {
        r->status = ST_NOT_SIM;
        return;
    }
    if (isnan(r->measured) || isnan(r->threshold)) {
        r->status = ST_FAIL;
        r->margin = NAN;
        return;
    }
    r->margin = r->c->sense == DCT_SENSE_MAX ? r->threshold - r->measured
                                             : r->measured - r->threshold;
    r->status = r->margin >= 0 ? ST_PASS : ST_FAIL;
    if (!isfinite(r->margin))     /* a response never reached: no number */
        r->margin = NAN;
}

/* -------------------------------------------------------------- checks */

/* Spectrum band amplitude of X (N samples DT apart) in [F0, F1]; NAN on
 * error. */
static double band_amp(const dct_sig_spectrum *s, double f0, double f1)
{
    dct_sig_band b;
    dct_diag d = {0};
    double a = dct_sig_band_eval(s, f0, f1, &b, &d) == 0 ? b.amplitude : NAN;
    dct_diag_clear(&d);
    return a;
}

/* Largest |dP/dt| of P (kW, DT apart, from I0) after a 100 ms moving
 * average, in kW/s; NAN when too short. */
static double max_ramp(const double *p, size_t n, double dt)
{
    size_t m = (size_t)lround(0.1 / dt);
    if (m < 1)
        m = 1;
    double dmax;
    dct_diag d = {0};
    int rc = dct_sig_max_ramp(p, n, m, 1, &dmax, NULL, &d);
    dct_diag_clear(&d);
    return rc == 0 ? dmax / dt : NAN;
}

/* Record X for check ID when it is worse than what an earlier training
 * run of the sweep gave (by the check's sense). */
static void worst(rpt *R, int k, const char *id, double x, const char *plot,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void worst(rpt *R, int k, const char *id, double x, const char *plot,
                  const char *fmt, ...)
{
    result *r = dct_bess_result_of(R, id);
    if (!r)
        return;
    int is_max = r->c->sense == DCT_SENSE_MAX;
    if (!isnan(r->measured) && !isnan(x) &&
        (is_max ? x <= r->measured : x >= r->measured))
        return;
    if (isnan(x) && !isnan(r->measured))
        return;
    r->measured = x;
    snprintf(r->plot, sizeof r->plot, "%s", plot ? plot : "");
    int n = snprintf(r->note, sizeof r->note, "worst of the training runs: "
                     "%s; ", dct_bess_runs[k].name);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof r->note)
        dct_bess_vformat(r->note + n, sizeof r->note - (size_t)n, fmt, ap);
    va_end(ap);
}

/* The threshold of check ID, NAN when the criteria do not list it. */
static double thr_of(rpt *R, const char *id)
{
    result *r = dct_bess_result_of(R, id);
    return r ? r->threshold : NAN;
}

/* P for a time plot NAME (TITLE) of one series Y [N] over X [s], with
 * the axis label YLABEL, the evidence column YCOL and the key title
 * YTITLE; no limit and no worst point yet. */
static void pl_time(dct_bess_pl *p, const char *name, const char *title,
                    const char *ylabel, const double *x, size_t n,
                    const double *y, const char *ycol, const char *ytitle)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    p->title = title;
    p->xlabel = "t [s]";
    p->ylabel = ylabel;
    p->xcol = "t_s";
    p->x = x;
    p->n = n;
    p->ny = 1;
    p->y[0] = y;
    p->ycol[0] = ycol;
    p->ytitle[0] = ytitle;
    p->thr[0] = p->thr[1] = p->wx = p->wy = NAN;
}

/* Draw one series Y (N points over X, XSCALE on the axis) of a check
 * with the horizontal limit THR (NAN: none) and the worst point (WX, WY)
 * labelled WL into plots/NAME; the plot's path into the local PLOT. */
#define PLOT1(name_, title_, xl_, yl_, x_, n_, xs_, y_, ycol_, yt_, thr_,   \
              thrn_, wx_, wy_, wl_)                                         \
    do {                                                                    \
        dct_bess_pl p_;                                                     \
        pl_time(&p_, (name_), (title_), (yl_), (x_), (n_), (y_), (ycol_),   \
                (yt_));                                                     \
        p_.xlabel = (xl_);                                                  \
        p_.xcol = strcmp((xl_), "f [Hz]") == 0 ? "f_Hz" : "t_s";            \
        p_.xscale = (xs_);                                                  \
        p_.thr[0] = (thr_);                                                 \
        p_.thr_name[0] = (thrn_);                                           \
        p_.wx = (wx_);                                                      \
        p_.wy = (wy_);                                                      \
        p_.wlabel = (wl_);                                                  \
        dct_bess_plot_check(R, &p_, plot);                                  \
    } while (0)

static void eval_train(rpt *R, int k)
{
    runinfo *ri = &R->run[k];
    const table *t = &ri->tab;
    const double *ts = dct_bess_table_col(t, "t_s");
    double *pg = table_sum(t, R->grids, R->n_grids, "P_kW");
    const double *pb = bess_col(R, t, "P_kW");
    const double *pr = bess_col(R, t, "P_ref_kW");
    const double *pl = bess_col(R, t, "P_load_kW");
    const double *ic = bess_col(R, t, "I_cell_A");
    const double *tc = bess_col(R, t, "T_cell_degC");
    const double *soc = bess_col(R, t, "soc");
    if (!ts || !pg || !pb || !pr || !pl || !ic || !tc || !soc ||
        t->nr < 200) {
        free(pg);
        return;
    }
    size_t n = t->nr, i0 = index_at(ts, n, 20.0), m = n - i0;
    double dt = ts[1] - ts[0];
    const char *rn = dct_bess_runs[k].name, *rt = dct_bess_runs[k].title;
    const double *x = ts + i0;
    double *y = calloc(m, sizeof *y), *y2 = calloc(m, sizeof *y2);
    if (!y || !y2) {
        free(y);
        free(y2);
        free(pg);
        return;
    }
    char name[96], title[200], wl[200], plot[256];
    /* ramps: |dP/dt| of the grid import's 100 ms moving average, as the
     * check takes it, in % of the mean IT load per second and in MW/s */
    double ramp = max_ramp(pg + i0, m, dt);
    double it = mean_of(pl, i0, n);
    size_t mw = (size_t)lround(0.1 / dt);
    dct_diag d = {0};
    if (dct_sig_moving_average(pg + i0, m, mw ? mw : 1, y2, &d) == 0)
        for (size_t i = 1; i < m; i++)
            y[i] = i >= mw ? fabs(y2[i] - y2[i - 1]) / dt : 0;
    dct_diag_clear(&d);
    size_t iw = 0;
    for (size_t i = 0; i < m; i++)
        if (y[i] > y[iw])
            iw = i;
    for (size_t i = 0; i < m; i++)
        y2[i] = 100 * y[i] / it;
    snprintf(name, sizeof name, "%s-ramp", rn);
    snprintf(title, sizeof title, "%s: grid-side ramp rate", rt);
    dct_bess_format(wl, sizeof wl, "largest %.4g %%/s at %.4g s",
                    100 * ramp / it, x[iw]);
    PLOT1(name, title, "t [s]", "ramp [% of mean IT load per s]", x, m, 1,
          y2, "grid_ramp_pct_per_s", "|dP/dt| of the grid import",
          thr_of(R, "t4-ramp-pct"), "limit (t4-ramp-pct)", x[iw], y2[iw],
          wl);
    worst(R, k, "t4-ramp-pct", 100 * ramp / it, plot,
          "largest grid-side ramp %.4g MW/s against a mean IT (bus) "
          "load of %.4g MW", ramp / 1e3, it / 1e3);
    for (size_t i = 0; i < m; i++)
        y2[i] = y[i] / 1e3;
    snprintf(name, sizeof name, "%s-ramp-mw", rn);
    dct_bess_format(wl, sizeof wl, "largest %.4g MW/s at %.4g s", ramp / 1e3,
                    x[iw]);
    PLOT1(name, title, "t [s]", "ramp [MW/s]", x, m, 1, y2,
          "grid_ramp_MW_per_s", "|dP/dt| of the grid import",
          thr_of(R, "t4-ramp-mw"), "limit (t4-ramp-mw)", x[iw], y2[iw], wl);
    worst(R, k, "t4-ramp-mw", ramp / 1e3, plot, "grid contract %.4g MW",
          R->contract / 1e6);
    /* tracking: the error, in % of the rating, against the limit on its
     * RMS */
    double rms;
    iw = 0;
    for (size_t i = 0; i < m; i++) {
        y[i] = 100 * (pr[i0 + i] - pb[i0 + i]) * 1e3 / R->p_bess;
        if (fabs(y[i]) > fabs(y[iw]))
            iw = i;
    }
    if (dct_sig_rms_difference(pr + i0, pb + i0, m, &rms, &d) == 0) {
        double tr = 100 * rms * 1e3 / R->p_bess;
        snprintf(name, sizeof name, "%s-tracking", rn);
        snprintf(title, sizeof title, "%s: tracking error", rt);
        dct_bess_format(wl, sizeof wl, "largest %.4g %% (RMS %.4g %%)",
                        y[iw], tr);
        PLOT1(name, title, "t [s]", "P_ref - P [% of rating]", x, m, 1, y,
              "tracking_error_pct", "command - battery power",
              thr_of(R, "t4-tracking"), "limit on the RMS (t4-tracking)",
              x[iw], y[iw], wl);
        worst(R, k, "t4-tracking", tr, plot,
              "RMS of P_ref - P %.4g kW, rating %.4g MW", rms,
              R->p_bess / 1e6);
    }
    dct_diag_clear(&d);
    /* oscillation bands: the grid import's spectrum in % of the contract
     * against the band limit */
    dct_sig_spectrum *s = dct_sig_spectrum_new(
        pg + i0, dct_sig_fft_good_length(m), dt, DCT_SIG_HANN,
        DCT_SIG_DETREND_LINEAR, &d);
    dct_diag_clear(&d);
    if (s) {
        static const struct {
            const char *id;
            double f0, f1;
        } bands[] = {{"osc-0.1-2", 0.1, 2},
                     {"osc-2-3", 2, 3},
                     {"osc-3-30", 3, 30},
                     {"osc-0.1-20", 0.1, 20}};
        double a[4], fp[4];
        size_t bw = 0;
        for (size_t b = 0; b < 4; b++) {
            a[b] = band_amp(s, bands[b].f0, bands[b].f1);
            fp[b] = NAN;
            dct_sig_dominant_frequency(s, bands[b].f0, bands[b].f1, &fp[b],
                                       &d);
            dct_diag_clear(&d);
            if (!(a[b] <= a[bw]))
                bw = b;
        }
        size_t nb = 0;
        double *f = malloc(s->n_bins * sizeof *f);
        double *am = malloc(s->n_bins * sizeof *am);
        for (size_t j = 0; f && am && j < s->n_bins; j++)
            if ((double)j * s->df <= 30 + 1e-9) {
                f[nb] = (double)j * s->df;
                am[nb++] = 100 * s->amp[j] * 1e3 / R->contract;
            }
        snprintf(name, sizeof name, "%s-spectrum", rn);
        snprintf(title, sizeof title, "%s: spectrum of the grid import", rt);
        dct_bess_format(wl, sizeof wl, "%s: %.4g %% (dominant %.3g Hz)",
                        bands[bw].id, 100 * a[bw] * 1e3 / R->contract,
                        fp[bw]);
        double wy = NAN;
        for (size_t j = 1; f && j < nb; j++)
            if (isfinite(fp[bw]) && fabs(f[j] - fp[bw]) < 0.5 * s->df)
                wy = am[j];
        plot[0] = '\0';
        if (f && am)
            PLOT1(name, title, "f [Hz]", "amplitude [% of grid contract]",
                  f, nb, 1, am, "amplitude_pct_of_contract",
                  "grid import amplitude", thr_of(R, bands[bw].id),
                  "band limit (osc-*)", fp[bw], wy, wl);
        free(f);
        free(am);
        for (size_t b = 0; b < 4; b++)
            worst(R, k, bands[b].id, 100 * a[b] * 1e3 / R->contract, plot,
                  "band amplitude %.4g kW (dominant %.3g Hz) over %.0f s "
                  "at %.3g s steps; contract %.4g MW",
                  a[b], fp[b], (double)s->n * dt, dt, R->contract / 1e6);
        dct_sig_spectrum_free(s);
    }
    /* short-term deviation: the range of the grid import over the last
     * second, in % of the contract */
    double range;
    size_t w = (size_t)lround(1.0 / dt);
    if (w >= 1 && w <= m &&
        dct_sig_max_window_range(pg + i0, m, w, &range, NULL, &d) == 0) {
        iw = 0;
        for (size_t i = 0; i < m; i++) {
            double lo = INFINITY, hi = -INFINITY;
            for (size_t j = i + 1 >= w ? i + 1 - w : 0; j <= i; j++)
                lo = fmin(lo, pg[i0 + j]), hi = fmax(hi, pg[i0 + j]);
            y[i] = 100 * (hi - lo) * 1e3 / R->contract;
            if (y[i] > y[iw])
                iw = i;
        }
        snprintf(name, sizeof name, "%s-dev-1s", rn);
        snprintf(title, sizeof title, "%s: change of the grid import in 1 s",
                 rt);
        dct_bess_format(wl, sizeof wl, "largest %.4g %% at %.4g s",
                        100 * range * 1e3 / R->contract, x[iw]);
        PLOT1(name, title, "t [s]", "max - min over 1 s [% of contract]", x,
              m, 1, y, "range_1s_pct_of_contract", "grid import range",
              thr_of(R, "dev-1s"), "limit (dev-1s)", x[iw], y[iw], wl);
        worst(R, k, "dev-1s", 100 * range * 1e3 / R->contract, plot,
              "largest change of the grid import in 1 s: %.4g kW", range);
    }
    dct_diag_clear(&d);
    /* C-rate, cell temperature */
    double imax = 0;
    iw = 0;
    for (size_t i = 0; i < m; i++) {
        y[i] = fabs(ic[i0 + i]) * 3600 / R->q_cell;
        if (y[i] > y[iw])
            iw = i;
        imax = fmax(imax, fabs(ic[i0 + i]));
    }
    snprintf(name, sizeof name, "%s-c-rate", rn);
    snprintf(title, sizeof title, "%s: cell C-rate", rt);
    dct_bess_format(wl, sizeof wl, "largest %.4g C at %.4g s", y[iw], x[iw]);
    PLOT1(name, title, "t [s]", "C-rate [1/h]", x, m, 1, y, "c_rate_per_h",
          "|cell current| / capacity", thr_of(R, "c-rate"),
          "limit (c-rate)", x[iw], y[iw], wl);
    worst(R, k, "c-rate", imax * 3600 / R->q_cell, plot,
          "largest cell current %.4g A on %.4g Ah cells", imax,
          R->q_cell / 3600);
    iw = 0;
    for (size_t i = 0; i < m; i++)
        if (tc[i0 + i] > tc[i0 + iw])
            iw = i;
    snprintf(name, sizeof name, "%s-t-cell", rn);
    snprintf(title, sizeof title, "%s: cell temperature", rt);
    dct_bess_format(wl, sizeof wl, "highest %.4g degC", tc[i0 + iw]);
    PLOT1(name, title, "t [s]", "T_cell [degC]", x, m, 1, tc + i0,
          "T_cell_degC", "cell temperature", thr_of(R, "t-cell"),
          "limit (t-cell)", x[iw], tc[i0 + iw], wl);
    worst(R, k, "t-cell", max_of(tc, i0, n), plot, "%s",
          "coolant and cell heat per the battery model");
    free(y);
    free(y2);
    /* round trip: energy out over energy in, the stored change on its
     * side */
    double e_out = 0, e_in = 0;
    for (size_t i = i0 + 1; i < n; i++) {
        double h = ts[i] - ts[i - 1];
        double a = 0.5 * (pb[i] + pb[i - 1]) * 1e3 * h;
        if (a > 0)
            e_out += a;
        else
            e_in -= a;
    }
    double de = (soc[n - 1] - soc[i0]) * R->e_bess;
    double num = e_out + fmax(de, 0), den = e_in + fmax(-de, 0);
    if (den > 0)
        worst(R, k, "rte", 100 * num / den, NULL,
                 "out %.4g kWh, in %.4g kWh, stored change %+.4g kWh over "
                 "%.0f s", e_out / 3.6e6, e_in / 3.6e6, de / 3.6e6,
                 ts[n - 1] - ts[i0]);
    else
        worst(R, k, "rte", NAN, NULL, "%s", "the battery took no energy: "
              "no round trip to measure");
    free(pg);
}

static void eval_ramp(rpt *R)
{
    runinfo *ri = &R->run[RUN_RAMP];
    const double *ts = dct_bess_table_col(&ri->tab, "t_s");
    double *pg = table_sum(&ri->tab, R->grids, R->n_grids, "P_kW");
    if (ts && pg && ri->tab.nr > 50) {
        size_t n = ri->tab.nr, i0 = index_at(ts, n, T_HOLD - 1);
        double dt = ts[1] - ts[0];
        double ramp = max_ramp(pg + i0, n - i0, dt);
        /* |dP/dt| of the 100 ms moving average, % of peak IT per s */
        size_t m = n - i0, mw = (size_t)lround(0.1 / dt), iw = 0;
        double *y = calloc(m, sizeof *y), *ma = calloc(m, sizeof *ma);
        char plot[256] = "", wl[200];
        dct_diag d = {0};
        if (y && ma &&
            dct_sig_moving_average(pg + i0, m, mw ? mw : 1, ma, &d) == 0) {
            for (size_t i = 1; i < m; i++) {
                y[i] = i >= mw ? 100 * fabs(ma[i] - ma[i - 1]) / dt * 1e3 /
                                     R->p_max_sum
                               : 0;
                if (y[i] > y[iw])
                    iw = i;
            }
            dct_bess_format(wl, sizeof wl, "largest %.4g %%/s at %.4g s",
                            100 * ramp * 1e3 / R->p_max_sum, ts[i0 + iw]);
            PLOT1("ramp-rate", "20 %/s IT ramp: grid-side ramp rate",
                  "t [s]", "ramp [% of peak IT load per s]", ts + i0, m, 1,
                  y, "grid_ramp_pct_per_s", "|dP/dt| of the grid import",
                  thr_of(R, "t4-ramp-stimulus"), "limit (t4-ramp-stimulus)",
                  ts[i0 + iw], y[iw], wl);
        }
        dct_diag_clear(&d);
        free(y);
        free(ma);
        measured(R, "t4-ramp-stimulus", 100 * ramp * 1e3 / R->p_max_sum,
                 plot, "largest grid-side ramp %.4g MW/s; peak IT %.4g MW "
                 "ramping at %.4g MW/s", ramp / 1e3, R->p_max_sum / 1e6,
                 0.2 * R->p_max_sum / 1e6);
    }
    free(pg);
}

static void eval_step(rpt *R)
{
    runinfo *ri = &R->run[RUN_STEP];
    const double *ts = dct_bess_table_col(&ri->tab, "t_s");
    const double *pb = bess_col(R, &ri->tab, "P_kW");
    const double *pl = bess_col(R, &ri->tab, "P_load_kW");
    size_t n = ri->tab.nr;
    if (!ts || !pb || !pl || n < 100)
        return;
    size_t ib = index_at(ts, n, T_HOLD - 0.01);
    size_t ia = index_at(ts, n, T_HOLD + 1.5);
    double dl = mean_of(pl, ia, n) - pl[ib];
    double x0 = pb[ib], tr = INFINITY;
    dct_diag d = {0};
    if (dl > 0)
        dct_sig_time_to_fraction(ts, pb, n, T_HOLD, x0, x0 + dl, 0.9, &tr,
                                 &d);
    dct_diag_clear(&d);
    /* evidence: the first half second after the step, against the 90 %
     * level and the time limit */
    size_t i1 = index_at(ts, n, T_HOLD + 0.5);
    char plot[256] = "", wl[200];
    double t90 = thr_of(R, "step-t90");
    dct_bess_pl p;
    pl_time(&p, "step-response", "Load step: battery response", "P [kW]",
            ts + ib, i1 > ib ? i1 - ib : 0, pl + ib, "load_kW", "bus load");
    p.ny = 2;
    p.y[1] = pb + ib, p.ycol[1] = "battery_kW", p.ytitle[1] = "battery";
    p.thr[0] = dl > 0 ? x0 + 0.9 * dl : NAN;
    p.thr_name[0] = "90 % of the step";
    if (isfinite(t90)) {
        p.xthr[0] = T_HOLD + t90;
        p.n_xthr = 1;
        p.xthr_name = "t90 limit (step-t90)";
    }
    p.wx = isfinite(tr) ? tr : NAN;
    p.wy = x0 + 0.9 * dl;
    dct_bess_format(wl, sizeof wl, "90 %% at %.4g s after the step",
                    tr - T_HOLD);
    p.wlabel = wl;
    dct_bess_plot_check(R, &p, plot);
    if (isfinite(tr))
        measured(R, "step-t90", tr - T_HOLD, plot, "step of %.4g kW at the bus",
                 dl);
    else
        measured(R, "step-t90", INFINITY, plot, "the battery never carried "
                 "90 %% of the %.4g kW step", dl);
}

/* Time from T_REQ until the series (TS, PG) is at or below LEVEL for good
 * (up to T_END); INFINITY when it is above at T_END. */
static double time_below(const double *ts, const double *pg, size_t n,
                         double t_req, double t_end, double level)
{
    double last_above = t_req;
    int seen = 0;
    for (size_t i = 0; i < n && ts[i] <= t_end + 1e-9; i++) {
        if (ts[i] < t_req)
            continue;
        seen = 1;
        if (pg[i] > level)
            last_above = ts[i];
    }
    if (!seen)
        return NAN;
    size_t ie = index_at(ts, n, t_end);
    if (ie >= n)
        ie = n - 1;
    if (ie > 0 && ts[ie] > t_end + 1e-9)
        ie--;
    return pg[ie] > level ? INFINITY : last_above - t_req;
}

static void eval_dr(rpt *R, int k, const char *id, double frac,
                    double t_end)
{
    runinfo *ri = &R->run[k];
    const double *ts = dct_bess_table_col(&ri->tab, "t_s");
    double *pg = table_sum(&ri->tab, R->grids, R->n_grids, "P_kW");
    size_t n = ri->tab.nr;
    if (!ts || !pg || n < 10) {
        free(pg);
        return;
    }
    double p0 = mean_of(pg, index_at(ts, n, 9.0), index_at(ts, n, 10.0));
    double req = frac * R->p_max_sum / 1e3;          /* kW */
    double level = p0 - 0.9 * req;
    double tt = time_below(ts, pg, n, 10.0, t_end, level);
    char plot[256] = "", name[64], wl[200];
    snprintf(name, sizeof name, "%s-grid", dct_bess_runs[k].name);
    double lim = thr_of(R, id);
    dct_bess_pl p;
    pl_time(&p, name, dct_bess_runs[k].title,
            "P [kW]", ts, n, pg,
            "grid_import_kW", "grid import");
    p.thr[0] = level, p.thr[1] = NAN;
    p.thr_name[0] = "90 % of the requested cut";
    if (isfinite(lim)) {
        p.xthr[0] = 10.0 + lim;
        p.n_xthr = 1;
        p.xthr_name = "time limit";
    }
    p.wx = isfinite(tt) ? 10.0 + tt : NAN;
    p.wy = level;
    dct_bess_format(wl, sizeof wl, "held from %.4g s after the request", tt);
    p.wlabel = wl;
    dct_bess_plot_check(R, &p, plot);
    size_t ie = index_at(ts, n, t_end);
    double at_end = pg[ie < n ? ie : n - 1];
    measured(R, id, tt, plot, "import %.4g kW before the request, %.4g kW "
             "requested cut, %.4g kW at %.0f s (level %.4g kW)", p0, req,
             at_end, t_end, level);
    free(pg);
}

/* The bus voltage and time of run K (NULL when missing or shorter than
 * N_MIN rows), plotted as PLOT_NAME against the threshold of check ID,
 * its lowest point from T0 on marked. */
static const double *bus_trace(rpt *R, int k, size_t n_min,
                               const char *plot_name, const char *title,
                               const char *id, double t0, const double **ts,
                               size_t *n, char plot[256])
{
    runinfo *ri = &R->run[k];
    char col[300], wl[200], thn[200];
    snprintf(col, sizeof col, "%s.V_V", R->bus->id);
    *ts = dct_bess_table_col(&ri->tab, "t_s");
    const double *v = dct_bess_table_col(&ri->tab, col);
    *n = ri->tab.nr;
    plot[0] = '\0';
    if (!*ts || !v || *n < n_min)
        return NULL;
    size_t i0 = index_at(*ts, *n, t0), iw = i0;
    for (size_t i = i0; i < *n; i++)
        if (v[i] < v[iw])
            iw = i;
    dct_bess_format(wl, sizeof wl, "lowest %.4g V at %.4g s",
                    iw < *n ? v[iw] : NAN, iw < *n ? (*ts)[iw] : NAN);
    snprintf(thn, sizeof thn, "limit (%s)", id);
    PLOT1(plot_name, title, "t [s]", "bus voltage [V]", *ts, *n, 1, v,
          "V_bus_V", "DC bus voltage", thr_of(R, id), thn,
          iw < *n ? (*ts)[iw] : NAN, iw < *n ? v[iw] : NAN, wl);
    return v;
}

static void eval_dip(rpt *R)
{
    const double *ts;
    size_t n;
    char plot[256];
    const double *v = bus_trace(R, RUN_DIP, 10, "dip-bus",
                                "Grid dip: DC bus voltage", "t7-dip", 5.0,
                                &ts, &n, plot);
    if (!v)
        return;
    size_t i0 = index_at(ts, n, 5.0);
    measured(R, "t7-dip", min_of(v, i0, n), plot, "%d rectifier group(s) at "
             "40 %% of their units from 5.0 to 5.5 s", R->n_rects);
}

/* The power not served [kW] at each row: the sum of every busway's
 * P_unserved_kW (NULL when the table has none, or out of memory). */
static double *unserved_kw(const table *t)
{
    double *s = NULL;
    for (size_t c = 0; c < t->nc; c++) {
        size_t l = strlen(t->names[c]);
        if (l < 14 || strcmp(t->names[c] + l - 14, ".P_unserved_kW") != 0)
            continue;
        if (!s && !(s = calloc(t->nr ? t->nr : 1, sizeof *s)))
            return NULL;
        for (size_t i = 0; i < t->nr; i++)
            s[i] += t->v[c * t->nr + i];
    }
    return s;
}

/* Energy not served [kWh] over the run: the integral of every busway's
 * P_unserved_kW. */
static double unserved_kwh(const table *t)
{
    const double *ts = dct_bess_table_col(t, "t_s");
    double e = 0;
    if (!ts)
        return 0;
    for (size_t c = 0; c < t->nc; c++) {
        size_t l = strlen(t->names[c]);
        if (l < 14 || strcmp(t->names[c] + l - 14, ".P_unserved_kW") != 0)
            continue;
        const double *u = t->v + c * t->nr;
        for (size_t i = 1; i < t->nr; i++)
            e += 0.5 * (u[i] + u[i - 1]) * (ts[i] - ts[i - 1]);
    }
    return e / 3600;
}

static void eval_loss(rpt *R)
{
    runinfo *ri = &R->run[RUN_LOSS];
    const double *ts;
    size_t n;
    char scol[300], plot_v[256], plot[256];
    const double *v = bus_trace(R, RUN_LOSS, 10, "loss-bus",
                                "Grid loss and return: DC bus voltage",
                                "t8-bus-min", T_LOSS, &ts, &n, plot_v);
    snprintf(scol, sizeof scol, "%s.soc", R->bess_id);
    const double *soc = dct_bess_table_col(&ri->tab, scol);
    if (!v || !soc)
        return;
    size_t i0 = index_at(ts, n, T_LOSS);
    double unserved = unserved_kwh(&ri->tab);
    if (unserved * 3600 > UNSERVED_KW * (ts[n - 1] - ts[0]))
        measured(R, "t8-bus-min", min_of(v, i0, n), plot_v,
                 "energy not served %.4g kWh", unserved);
    else
        measured(R, "t8-bus-min", min_of(v, i0, n), plot_v, "%s",
                 "every load served");
    /* ride-through: the time from the loss that the bus stayed in its
     * band with every load served, up to the grid's return */
    double lo = R->band_low, hi = R->bus->q[DCT_DC_BUS_BAND_HIGH];
    double *pu = unserved_kw(&ri->tab);
    double t_out = T_LOSS, why_v = NAN;
    const char *why = NULL;
    for (size_t i = i0; i < n && ts[i] <= T_RETURN + 1e-9; i++) {
        t_out = ts[i];
        if (v[i] < lo || v[i] > hi) {
            why = v[i] < lo ? "the bus fell below band-low"
                            : "the bus rose above band-high";
            why_v = v[i];
            break;
        }
        if (pu && pu[i] > UNSERVED_KW) {
            why = "load went unserved";
            why_v = pu[i];
            break;
        }
    }
    free(pu);
    double held = fmin(t_out, T_RETURN) - T_LOSS;
    /* the energy the outage needs from the battery: the bus load from
     * the loss until the generators carry 90 % of it (or the grid is
     * back), against the energy above the SOC window at the loss */
    char lcol[300];
    snprintf(lcol, sizeof lcol, "%s.P_load_kW", R->bess_id);
    const double *pl = dct_bess_table_col(&ri->tab, lcol);
    double *pgen = table_sum(&ri->tab, R->gens, R->n_gens, "P_kW");
    double need = 0, t_end = T_RETURN;
    for (size_t i = i0 + 1; pl && i < n && ts[i] <= T_RETURN + 1e-9; i++) {
        if (pgen && pgen[i] >= 0.9 * pl[i]) {
            t_end = ts[i];
            break;
        }
        need += 0.5 * (pl[i] + pl[i - 1]) * 1e3 * (ts[i] - ts[i - 1]);
    }
    free(pgen);
    double avail = fmax(soc[i0] - R->soc_min, 0) * R->e_bess;
    char held_s[200];
    if (why)
        dct_bess_format(held_s, sizeof held_s, "%s at %.4g s (%.4g %s)", why,
                 t_out, why_v, why[0] == 'l' ? "kW unserved" : "V");
    else
        dct_bess_format(held_s, sizeof held_s,
                        "the bus stayed in band (%.4g-%.4g "
                        "V) with every load served until the grid's return at "
                        "%.4g s",
                        lo, hi, T_RETURN);
    /* its plot: the bus in its band, the end of the time required, the
     * first exit marked */
    double req = thr_of(R, "t8-ride-through");
    dct_bess_pl p;
    char wl[200];
    pl_time(&p, "loss-ride-through", "Grid loss and return: ride-through",
            "bus voltage [V]", ts, n, v,
            "V_bus_V", "DC bus voltage");
    p.thr[0] = lo, p.thr[1] = hi;
    p.thr_name[0] = "band-low", p.thr_name[1] = "band-high";
    if (isfinite(req)) {
        p.xthr[0] = T_LOSS + req;
        p.n_xthr = 1;
        p.xthr_name = "end of the time required (t8-ride-through)";
    }
    size_t ix = index_at(ts, n, t_out);
    p.wx = why && ix < n ? ts[ix] : NAN;
    p.wy = why && ix < n ? v[ix] : NAN;
    dct_bess_format(wl, sizeof wl, "held %.4g s: %s", held,
                    why ? why : "to the grid's return");
    p.wlabel = wl;
    dct_bess_plot_check(R, &p, plot);
    measured(R, "t8-ride-through", held, plot,
             "%s; %s carried 90 %% of the bus load at %.4g s; %.4g kWh "
             "needed from the battery until then, %.4g kWh above the SOC "
             "window at the loss (SOC %.4g %%, edge %.4g %%); lowest SOC "
             "%.4g %%",
             held_s, R->n_gens ? "the generators" : "the grid's return",
             t_end, need / 3.6e6, avail / 3.6e6, 100 * soc[i0],
             100 * R->soc_min, 100 * min_of(soc, i0, n));
}

/* The spectrum S as a percentage of BASE [W] up to 30 Hz, against the
 * threshold of check ID, the dominant frequency of [F0, F1] marked with
 * the band amplitude A [kW]; the plot's path into PLOT. */
static void spec_plot(rpt *R, const dct_sig_spectrum *s, const char *name,
                      const char *title, const char *ytitle, double base,
                      const char *id, double f0, double f1, double a,
                      char plot[256])
{
    double fp = NAN, wy = NAN;
    char wl[200], thn[100];
    dct_diag d = {0};
    dct_sig_dominant_frequency(s, f0, f1, &fp, &d);
    dct_diag_clear(&d);
    size_t nb = 0;
    double *f = malloc(s->n_bins * sizeof *f);
    double *am = malloc(s->n_bins * sizeof *am);
    plot[0] = '\0';
    for (size_t j = 0; f && am && j < s->n_bins; j++)
        if ((double)j * s->df <= 30 + 1e-9) {
            f[nb] = (double)j * s->df;
            am[nb] = 100 * s->amp[j] * 1e3 / base;
            if (isfinite(fp) && fabs(f[nb] - fp) < 0.5 * s->df)
                wy = am[nb];
            nb++;
        }
    dct_bess_format(wl, sizeof wl, "%.4g-%.4g Hz: %.4g %% (dominant %.3g Hz)",
                    f0, f1, 100 * a * 1e3 / base, fp);
    snprintf(thn, sizeof thn, "limit (%s)", id);
    if (f && am)
        PLOT1(name, title, "f [Hz]", "amplitude [%]", f, nb, 1, am,
              "amplitude_pct", ytitle, thr_of(R, id), thn, fp, wy, wl);
    free(f);
    free(am);
}

static void eval_gen(rpt *R)
{
    runinfo *ri = &R->run[RUN_GEN];
    const double *ts = dct_bess_table_col(&ri->tab, "t_s");
    double *pg = table_sum(&ri->tab, R->gens, R->n_gens, "P_kW");
    size_t n = ri->tab.nr;
    if (!ts || !pg || n < 100) {
        free(pg);
        return;
    }
    size_t i0 = index_at(ts, n, 50.0);
    double dt = ts[1] - ts[0];
    dct_diag d = {0};
    dct_sig_spectrum *s = dct_sig_spectrum_new(
        pg + i0, dct_sig_fft_good_length(n - i0), dt, DCT_SIG_HANN,
        DCT_SIG_DETREND_LINEAR, &d);
    dct_diag_clear(&d);
    char plot[256] = "";
    if (s) {
        double a = band_amp(s, 1, 30);
        spec_plot(R, s, "gen-spectrum",
                  "Generator following: spectrum of the generators' power",
                  "generator power, % of rating", R->gen_rating,
                  "t9-gen-osc", 1, 30, a, plot);
        measured(R, "t9-gen-osc", 100 * a * 1e3 / R->gen_rating, plot,
                 "1-30 Hz amplitude %.4g kW over %.0f s; generators %.4g MW",
                 a, (double)s->n * dt, R->gen_rating / 1e6);
        dct_sig_spectrum_free(s);
    }
    free(pg);
}

static void eval_island(rpt *R)
{
    const double *ts;
    size_t n;
    char plot[256];
    const double *v = bus_trace(R, RUN_ISLAND, 100, "island-bus",
                                "Island load pick-up: DC bus voltage",
                                "t10-black-start", T_HOLD, &ts, &n, plot);
    if (!v)
        return;
    measured(R, "t10-black-start", min_of(v, index_at(ts, n, T_HOLD), n), plot,
             "%s", "steps of 10, 25, 50 % of the battery's rating");
    double dev = 0, settle = 0;
    int never = 0;
    static const double steps[] = {T_HOLD + 3, T_HOLD + 8, T_HOLD + 13};
    /* the deviation from each step's settled voltage, % of nominal */
    size_t is = index_at(ts, n, steps[0]), iw = is;
    double *dv = calloc(n, sizeof *dv);
    for (size_t k = 0; k < 3; k++) {
        size_t a = index_at(ts, n, steps[k]);
        size_t b = index_at(ts, n, steps[k] + 4.5);
        size_t e = index_at(ts, n, steps[k] + 5.0);
        if (e > n)
            e = n;
        double vs = mean_of(v, b, e);
        for (size_t i = a; i < e; i++) {
            dev = fmax(dev, fabs(v[i] - vs));
            if (dv) {
                dv[i] = 100 * fabs(v[i] - vs) / R->v_nom;
                if (dv[i] > dv[iw])
                    iw = i;
            }
        }
        double tsl;
        dct_diag d = {0};
        if (dct_sig_settling_time(ts, v, e, steps[k], vs, 0.01 * R->v_nom,
                                  &tsl, &d) == 0)
            settle = fmax(settle, tsl - steps[k]);
        else
            never = 1;
        dct_diag_clear(&d);
    }
    char pd[256] = "", ps[256] = "", wl[200];
    if (dv && is < n) {
        dct_bess_format(wl, sizeof wl, "largest %.4g %% at %.4g s",
                        dv[iw], ts[iw]);
        PLOT1("island-deviation",
              "Island load pick-up: deviation from the settled voltage",
              "t [s]", "|V - V_settled| [% of nominal]", ts + is, n - is, 1,
              dv + is, "deviation_pct_of_nominal", "bus voltage deviation",
              thr_of(R, "t2-bus-deviation"), "limit (t2-bus-deviation)",
              ts[iw], dv[iw], wl);
        snprintf(pd, sizeof pd, "%s", plot);
        /* settling: the 1 % band and the time allowed after each step */
        double lim = thr_of(R, "t2-bus-settling");
        dct_bess_pl p;
        pl_time(&p, "island-settling", "Island load pick-up: settling after each step",
                "|V - V_settled| [% of nominal]", ts + is, n - is, dv + is,
                "deviation_pct_of_nominal", "bus voltage deviation");
        p.thr[0] = 1, p.thr[1] = NAN;
        p.thr_name[0] = "settling band, 1 % of nominal";
        for (int k = 0; isfinite(lim) && k < 3; k++)
            p.xthr[p.n_xthr++] = steps[k] + lim;
        p.xthr_name = "time allowed after each step (t2-bus-settling)";
        p.wx = p.wy = NAN;
        dct_bess_plot_check(R, &p, ps);
    }
    free(dv);
    measured(R, "t2-bus-deviation", 100 * dev / R->v_nom, pd,
             "largest deviation %.4g V from the settled voltage", dev);
    measured(R, "t2-bus-settling", never ? INFINITY : settle, ps, "%s",
             never ? "the bus did not settle within 1 % of nominal"
                   : "band 1 % of nominal around the settled voltage");
}

static void eval_limit(rpt *R)
{
    runinfo *ri = &R->run[RUN_LIMIT];
    char col[300], rcol[300];
    snprintf(col, sizeof col, "%s.P_kW", R->bess_id);
    snprintf(rcol, sizeof rcol, "%s.P_ref_kW", R->bess_id);
    const double *ts = dct_bess_table_col(&ri->tab, "t_s");
    const double *pb = dct_bess_table_col(&ri->tab, col);
    const double *pr = dct_bess_table_col(&ri->tab, rcol);
    size_t n = ri->tab.nr;
    if (!ts || !pb || !pr || n < 100)
        return;
    char plot[256] = "", plot_o[256] = "";
    double dt = ts[1] - ts[0];
    /* the stretch the command is held at its largest value */
    size_t i0 = index_at(ts, n, T_HOLD + 0.5), i1 = i0;
    double pmax = max_of(pr, i0, n);
    while (i1 < n && pr[i1] >= 0.98 * pmax)
        i1++;
    if (i1 - i0 < (size_t)(2.0 / dt))
        i1 = index_at(ts, n, T_HOLD + 5.5);
    double a = NAN;
    dct_diag d = {0};
    dct_sig_spectrum *s = dct_sig_spectrum_new(pb + i0, i1 - i0, dt,
                                               DCT_SIG_HANN,
                                               DCT_SIG_DETREND_LINEAR, &d);
    if (s) {
        a = band_amp(s, 0.1, 30);
        spec_plot(R, s, "limit-spectrum",
                  "Operation at the power limit: spectrum of the battery "
                  "power", "battery power, % of rating", R->p_bess,
                  "t3-limit-cycle", 0.1, 30, a, plot);
        dct_sig_spectrum_free(s);
    }
    dct_diag_clear(&d);
    double plim = fmin(R->overload * R->p_bess,
                       R->c_rate_max * R->e_bess / 3600) / 1e3;
    measured(R, "t3-limit-cycle", 100 * a * 1e3 / R->p_bess, plot,
             "0.1-30 Hz amplitude %.4g kW from %.1f to %.1f s, command %.4g "
             "kW%s", a, ts[i0], ts[i1 - 1], pmax,
             pmax < 0.98 * plim ? "; the racks' swing does not reach the "
                                  "battery's limit: the limit is not "
                                  "exercised" : " (at the limit)");
    double *ab = malloc(n * sizeof *ab);
    double dur = NAN, t_start = NAN;
    if (ab) {
        size_t iw = 0;
        for (size_t i = 0; i < n; i++) {
            ab[i] = fabs(pb[i]);
            if (ab[i] > ab[iw])
                iw = i;
        }
        if (dct_sig_longest_above(ts, ab, n, R->p_bess / 1e3, &dur, &t_start,
                                  &d) != 0)
            dur = NAN;
        dct_diag_clear(&d);
        /* |P| against the rating, and the time allowed above it from
         * the start of the longest stretch */
        double lim = thr_of(R, "overload-time");
        char wl[200];
        dct_bess_pl p;
        pl_time(&p, "limit-overload", "Operation at the power limit: time above the rating",
                "|P| [kW]", ts, n, ab,
                "abs_P_kW", "|battery power|");
        p.thr[0] = R->p_bess / 1e3, p.thr[1] = NAN;
        p.thr_name[0] = "rating";
        if (isfinite(lim)) {
            p.xthr[0] = (isfinite(t_start) && dur > 0 ? t_start : T_HOLD) +
                        lim;
            p.n_xthr = 1;
            p.xthr_name = "time allowed above the rating (overload-time)";
        }
        p.wx = ts[iw], p.wy = ab[iw];
        dct_bess_format(wl, sizeof wl, "largest %.4g kW; %.4g s above the "
                        "rating", ab[iw], dur);
        p.wlabel = wl;
        dct_bess_plot_check(R, &p, plot_o);
        free(ab);
    }
    measured(R, "overload-time", dur, plot_o, "largest |P| %.4g kW, rating "
             "%.4g kW, short-time overload %.3g", max_of(pb, 0, n),
             R->p_bess / 1e3, R->overload);
}

static void eval_day(rpt *R)
{
    runinfo *ri = &R->run[RUN_DAY];
    const double *ts = dct_bess_table_col(&ri->tab, "t_s");
    const double *soc = bess_col(R, &ri->tab, "soc");
    const double *tc = bess_col(R, &ri->tab, "T_cell_degC");
    size_t n = ri->tab.nr;
    if (!ts || !soc || !tc || n < 10)
        return;
    char plot[256] = "", plot_d[256] = "", wl[200];
    /* the window of the SOC checks, from the criteria */
    const result *lo = dct_bess_result_of(R, "t11-soc-min");
    const result *hi = dct_bess_result_of(R, "t11-soc-max");
    double thr[2] = {NAN, NAN};
    const char *thn[2] = {NULL, NULL};
    int nt = 0;
    if (lo && isfinite(lo->threshold))
        thr[nt] = lo->threshold, thn[nt++] = "t11-soc-min";
    if (hi && isfinite(hi->threshold))
        thr[nt] = hi->threshold, thn[nt++] = "t11-soc-max";
    double *sp = malloc(n * sizeof *sp), *dr = malloc(n * sizeof *dr);
    if (sp && dr) {
        size_t iw = 0;
        for (size_t i = 0; i < n; i++) {
            sp[i] = 100 * soc[i];
            dr[i] = 100 * (soc[i] - soc[0]);
            if (sp[i] < sp[iw])
                iw = i;
        }
        dct_bess_pl p;
        pl_time(&p, "day-soc", "24 h combined profile: state of charge",
                "SOC [%]", ts, n, sp, "soc_pct", "SOC");
        p.xlabel = "t [h]";
        p.xscale = 3600;
        p.thr[0] = thr[0], p.thr[1] = thr[1];
        p.thr_name[0] = thn[0], p.thr_name[1] = thn[1];
        p.wx = ts[iw], p.wy = sp[iw];
        dct_bess_format(wl, sizeof wl, "lowest %.4g %% at %.4g h", sp[iw],
                        ts[iw] / 3600);
        p.wlabel = wl;
        dct_bess_plot_check(R, &p, plot);
        /* the drift from the start against its limit either way */
        double lim = thr_of(R, "t11-soc-drift");
        p.name = "day-soc-drift";
        p.title = "24 h combined profile: SOC drift from the start";
        p.ylabel = "SOC - SOC(0) [% of capacity]";
        p.y[0] = dr, p.ycol[0] = "soc_drift_pct", p.ytitle[0] = "SOC drift";
        p.thr[0] = lim, p.thr[1] = -lim;
        p.thr_name[0] = "limit (t11-soc-drift)";
        p.thr_name[1] = "limit (t11-soc-drift), below";
        p.wx = ts[n - 1], p.wy = dr[n - 1];
        dct_bess_format(wl, sizeof wl, "%+.4g %% at 24 h", dr[n - 1]);
        dct_bess_plot_check(R, &p, plot_d);
    }
    free(sp);
    free(dr);
    measured(R, "t11-soc-min", 100 * min_of(soc, 0, n), plot, NULL);
    measured(R, "t11-soc-max", 100 * max_of(soc, 0, n), plot, NULL);
    measured(R, "t11-soc-drift", 100 * fabs(soc[n - 1] - soc[0]), plot_d,
             "SOC %.4g %% at 0 h, %.4g %% at 24 h", 100 * soc[0],
             100 * soc[n - 1]);
    /* ageing: the day's slow cycles, plus the training micro-cycles for
     * the hours of training in the day */
    if (!dct_bess_result_of(R, "ageing"))
        return;
    dct_ageing_params p;
    dct_ageing_params_lfp(&p);
    dct_ageing_result day, micro = {0};
    dct_diag d = {0};
    double *tk = malloc(n * sizeof *tk);
    int ok = tk != NULL;
    for (size_t i = 0; ok && i < n; i++)
        tk[i] = tc[i] + C2K(0);
    ok = ok && dct_ageing_eval(ts, soc, tk, 0, n, 10, &p, &day, &d) == 0;
    free(tk);
    dct_diag_clear(&d);
    const runinfo *rt = &R->run[RUN_TRAIN];
    const double *tt = dct_bess_table_col(&rt->tab, "t_s");
    const double *st = bess_col(R, &rt->tab, "soc");
    const double *ct = bess_col(R, &rt->tab, "T_cell_degC");
    int has_micro = 0;
    if (ok && tt && st && ct && rt->tab.nr > 100) {
        size_t i0 = index_at(tt, rt->tab.nr, 20.0), m = rt->tab.nr - i0;
        has_micro = dct_ageing_eval(tt + i0, st + i0, NULL,
                                    mean_of(ct, i0, rt->tab.nr) + C2K(0), m,
                                    10, &p, &micro, &d) == 0;
        dct_diag_clear(&d);
    }
    if (!ok) {
        measured(R, "ageing", NAN, NULL, "the ageing model could not be "
                 "evaluated on the 24 h SOC");
        return;
    }
    /* micro-cycles per day of the day profile's training hours */
    double efc_micro = has_micro ? micro.efc_profile / micro.duration_s *
                                       R->day_train_s : 0;
    double efc_day = day.efc_per_day, efc_tot = (efc_day + efc_micro) *
                                                day.t_days;
    double k_cyc = efc_day + efc_micro > 0
                       ? (day.k_cyc * efc_day +
                          (has_micro ? micro.k_cyc : 0) * efc_micro) /
                             (efc_day + efc_micro)
                       : day.k_cyc;
    double q_cyc = dct_ageing_cycle_fade(&p, k_cyc, efc_tot);
    double cap = 100 * (1 - day.q_cal - q_cyc);
    measured(R, "ageing", cap, NULL,
             "calendar fade %.3g %%, cycle fade %.3g %% over 10 years; "
             "%.3g EFC/day (%.3g from the day's cycles by rainflow, %.3g "
             "from training micro-cycles, %.3g h of training a day); mean "
             "cell %.3g degC%s",
             100 * day.q_cal, 100 * q_cyc, efc_day + efc_micro, efc_day,
             efc_micro, R->day_train_s / 3600, day.t_mean - C2K(0),
             day.is_extrapolated || (has_micro && micro.is_extrapolated)
                 ? "; the cycles lie outside the model's fitted range "
                   "(DOD 0.8-1, at most 1 C): an extrapolation"
                 : "");
}

void dct_bess_evaluate(rpt *R, int k)
{
    switch (k) {
    case RUN_TRAIN:
    case RUN_SLOW:
    case RUN_FAST:
    case RUN_UPS: eval_train(R, k); break;
    case RUN_RAMP: eval_ramp(R); break;
    case RUN_STEP: eval_step(R); break;
    case RUN_DR_FAST: eval_dr(R, k, "t6-dr-fast", 0.10, 40); break;
    case RUN_DR_SLOW: eval_dr(R, k, "t6-dr-slow", 0.30, 130); break;
    case RUN_DIP: eval_dip(R); break;
    case RUN_LOSS: eval_loss(R); break;
    case RUN_GEN: eval_gen(R); break;
    case RUN_ISLAND: eval_island(R); break;
    case RUN_LIMIT: eval_limit(R); break;
    case RUN_DAY: eval_day(R); break;
    }
}
