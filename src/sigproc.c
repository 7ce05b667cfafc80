/* sigproc.c - the numbers behind the BESS report's oscillation, ageing,
 * ramp and response checks.
 *
 * Four independent parts, all pure functions over borrowed arrays (see
 * sigproc.h): a windowed single-sided spectrum with band amplitudes (GSL
 * mixed-radix real FFT), ASTM E1049 rainflow counting, the NREL
 * BLAST-Lite LFP capacity-fade laws evaluated on a repeated SOC profile,
 * and small time-domain helpers (moving average, ramp, window range,
 * rise and settling times).  Equations and sources: dctwin-models(7),
 * "BESS REPORT ANALYSIS".
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_interp.h>

#include "sigproc.h"

/* ---------------------------------------------------------------------- */
/* Input checks                                                             */
/* ---------------------------------------------------------------------- */

/* X[0..N-1] present, N within [NMIN, DCT_SIG_N_MAX], every value finite. */
static int check_series(const double *x, size_t n, size_t nmin,
                        const char *what, dct_diag *d)
{
    size_t i;

    if (n < nmin) {
        dct_error(d, NULL, 0, "%s: %zu samples, at least %zu needed", what,
                  n, nmin);
        return -1;
    }
    if (n > DCT_SIG_N_MAX) {
        dct_error(d, NULL, 0, "%s: %zu samples, at most %zu allowed", what,
                  n, DCT_SIG_N_MAX);
        return -1;
    }
    if (x == NULL) {
        dct_error(d, NULL, 0, "%s: no data", what);
        return -1;
    }
    for (i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            dct_error(d, NULL, 0, "%s: sample %zu is not a finite number",
                      what, i);
            return -1;
        }
    return 0;
}

/* T strictly increasing (STRICT) or non-decreasing. */
static int check_time(const double *t, size_t n, int strict, const char *what,
                      dct_diag *d)
{
    size_t i;

    if (check_series(t, n, 1, what, d) != 0)
        return -1;
    for (i = 1; i < n; i++)
        if (t[i] < t[i - 1] || (strict && t[i] == t[i - 1])) {
            dct_error(d, NULL, 0,
                      "%s: time %.9g s at sample %zu is not after %.9g s",
                      what, t[i], i, t[i - 1]);
            return -1;
        }
    return 0;
}

static int check_step(double dt, const char *what, dct_diag *d)
{
    if (!(dt > 0.0) || !isfinite(dt)) {
        dct_error(d, NULL, 0, "%s: sample step %g s, expected > 0", what, dt);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* 1. Spectrum                                                              */
/* ---------------------------------------------------------------------- */

/* Cosine-sum window coefficients: w_j = sum_m (-1)^m a_m cos(2 pi m j/n).
 * Hann: Harris 1978; flat top: D'Antona and Ferrero 2006 (SciPy flattop,
 * MATLAB flattopwin). */
static const double HANN_A[] = { 0.5, 0.5 };
static const double FLATTOP_A[] = { 0.21557895, 0.41663158, 0.277263158,
                                    0.083578947, 0.006947368 };
static const double RECT_A[] = { 1.0 };

static double window_value(dct_sig_window w, size_t j, size_t n)
{
    const double *a = RECT_A;
    size_t na = 1, m;
    double v = 0.0, ph = 2.0 * M_PI * (double)j / (double)n;

    if (w == DCT_SIG_HANN) {
        a = HANN_A;
        na = 2;
    } else if (w == DCT_SIG_FLATTOP) {
        a = FLATTOP_A;
        na = 5;
    }
    for (m = 0; m < na; m++)
        v += ((m % 2) ? -a[m] : a[m]) * cos((double)m * ph);
    return v;
}

/* Subtract the mean, or the least-squares line through (j, y_j). */
static void detrend(double *y, size_t n, dct_sig_detrend how)
{
    size_t j;

    if (how == DCT_SIG_DETREND_LINEAR) {
        double *jx = malloc(n * sizeof *jx);
        double c0, c1, c00, c01, c11, ss;

        if (jx != NULL) {
            for (j = 0; j < n; j++)
                jx[j] = (double)j;
            gsl_fit_linear(jx, 1, y, 1, n, &c0, &c1, &c00, &c01, &c11, &ss);
            free(jx);
            for (j = 0; j < n; j++)
                y[j] -= c0 + c1 * (double)j;
            return;
        }
        /* out of memory for the abscissae: fall back to the mean */
    }
    {
        double mean = 0.0;

        for (j = 0; j < n; j++)
            mean += (y[j] - mean) / (double)(j + 1);
        for (j = 0; j < n; j++)
            y[j] -= mean;
    }
}

dct_sig_spectrum *dct_sig_spectrum_new(const double *x, size_t n, double dt,
                                       dct_sig_window window,
                                       dct_sig_detrend how, dct_diag *d)
{
    dct_sig_spectrum *s = NULL;
    double *y = NULL;
    gsl_fft_real_wavetable *wt = NULL;
    gsl_fft_real_workspace *ws = NULL;
    double s1 = 0.0, s2 = 0.0;
    size_t j, k;

    if (check_series(x, n, DCT_SIG_N_MIN, "spectrum", d) != 0 ||
        check_step(dt, "spectrum", d) != 0)
        return NULL;
    if (window != DCT_SIG_HANN && window != DCT_SIG_FLATTOP &&
        window != DCT_SIG_RECT) {
        dct_error(d, NULL, 0, "spectrum: unknown window %d", (int)window);
        return NULL;
    }
    s = calloc(1, sizeof *s);
    y = malloc(n * sizeof *y);
    if (s == NULL || y == NULL)
        goto nomem;
    s->n = n;
    s->n_bins = n / 2 + 1;
    s->dt = dt;
    s->df = 1.0 / ((double)n * dt);
    s->window = window;
    s->amp = malloc(s->n_bins * sizeof *s->amp);
    s->power = malloc(s->n_bins * sizeof *s->power);
    wt = gsl_fft_real_wavetable_alloc(n);
    ws = gsl_fft_real_workspace_alloc(n);
    if (s->amp == NULL || s->power == NULL || wt == NULL || ws == NULL)
        goto nomem;

    memcpy(y, x, n * sizeof *y);
    detrend(y, n, how);
    for (j = 0; j < n; j++) {
        double w = window_value(window, j, n);

        y[j] *= w;
        s1 += w;
        s2 += w * w;
    }
    if (gsl_fft_real_transform(y, 1, n, wt, ws) != 0) {
        dct_error(d, NULL, 0, "spectrum: FFT of %zu samples failed", n);
        goto fail;
    }
    /* Mixed-radix half-complex layout: z_0 = y[0]; z_k = y[2k-1] + i y[2k]
     * for 0 < k < n/2; z_{n/2} = y[n-1] for even n. */
    for (k = 0; k < s->n_bins; k++) {
        double re, im = 0.0, mag2;
        int edge = (k == 0) || (n % 2 == 0 && k == n / 2);

        if (k == 0)
            re = y[0];
        else if (n % 2 == 0 && k == n / 2)
            re = y[n - 1];
        else {
            re = y[2 * k - 1];
            im = y[2 * k];
        }
        mag2 = re * re + im * im;
        s->amp[k] = (edge ? 1.0 : 2.0) * sqrt(mag2) / s1;
        s->power[k] = (edge ? 1.0 : 2.0) * mag2 / ((double)n * s2);
    }
    gsl_fft_real_wavetable_free(wt);
    gsl_fft_real_workspace_free(ws);
    free(y);
    return s;

nomem:
    dct_error(d, NULL, 0, "spectrum: out of memory for %zu samples", n);
fail:
    if (wt != NULL)
        gsl_fft_real_wavetable_free(wt);
    if (ws != NULL)
        gsl_fft_real_workspace_free(ws);
    free(y);
    dct_sig_spectrum_free(s);
    return NULL;
}

void dct_sig_spectrum_free(dct_sig_spectrum *s)
{
    if (s == NULL)
        return;
    free(s->amp);
    free(s->power);
    free(s);
}

/* |X_k| up to the common factor 1/S1: undo the single-sided doubling. */
static double bin_mag(const dct_sig_spectrum *s, size_t k)
{
    int edge = (k == 0) || (s->n % 2 == 0 && k == s->n / 2);

    return edge ? s->amp[k] : 0.5 * s->amp[k];
}

/* Frequency of the component at peak bin K.  For Hann the main lobe is
 * |W(delta)| ~ sin(pi delta)/(pi delta (1 - delta^2)), so the ratio of the
 * larger neighbour to the peak is a = (1 + delta)/(2 - delta), which
 * gives delta = (2a - 1)/(1 + a) (Grandke 1983). */
static double refine_frequency(const dct_sig_spectrum *s, size_t k)
{
    double m0 = bin_mag(s, k), ml = 0.0, mr = 0.0, a, delta;
    int side;

    if (s->window != DCT_SIG_HANN || m0 <= 0.0)
        return (double)k * s->df;
    if (k > 0)
        ml = bin_mag(s, k - 1);
    if (k + 1 < s->n_bins)
        mr = bin_mag(s, k + 1);
    side = mr >= ml ? 1 : -1;
    a = (side > 0 ? mr : ml) / m0;
    delta = (2.0 * a - 1.0) / (1.0 + a);
    if (delta < 0.0)
        delta = 0.0;
    if (delta > 1.0)
        delta = 1.0;
    return ((double)k + side * delta) * s->df;
}

int dct_sig_band_eval(const dct_sig_spectrum *s, double f_lo, double f_hi,
                      dct_sig_band *out, dct_diag *d)
{
    double f_nyq, sum = 0.0, best = -1.0;
    size_t k, k_lo, k_hi, k_best = 0;

    if (s == NULL || out == NULL) {
        dct_error(d, NULL, 0, "band: no spectrum");
        return -1;
    }
    f_nyq = 0.5 / s->dt;
    if (!isfinite(f_lo) || !isfinite(f_hi) || f_lo < 0.0 || f_hi < f_lo) {
        dct_error(d, NULL, 0,
                  "band %g-%g Hz: expected 0 <= low <= high frequency",
                  f_lo, f_hi);
        return -1;
    }
    if (f_hi > f_nyq * (1.0 + 1e-12)) {
        dct_error(d, NULL, 0,
                  "band %g-%g Hz: above the Nyquist frequency %g Hz "
                  "(sample step %g s); sample faster", f_lo, f_hi, f_nyq,
                  s->dt);
        return -1;
    }
    /* a small allowance so that band edges on a bin include the bin */
    k_lo = (size_t)ceil(f_lo / s->df - 1e-9);
    k_hi = (size_t)floor(f_hi / s->df + 1e-9);
    if (k_hi > s->n_bins - 1)
        k_hi = s->n_bins - 1;
    if (k_lo > k_hi) {
        dct_error(d, NULL, 0,
                  "band %g-%g Hz: no frequency bin inside (resolution %g Hz "
                  "from a %g s record); use a longer record", f_lo, f_hi,
                  s->df, (double)s->n * s->dt);
        return -1;
    }
    for (k = k_lo; k <= k_hi; k++) {
        sum += s->power[k];
        if (s->amp[k] > best) {
            best = s->amp[k];
            k_best = k;
        }
    }
    out->f_lo = f_lo;
    out->f_hi = f_hi;
    out->k_lo = k_lo;
    out->k_hi = k_hi;
    out->amplitude = sqrt(2.0 * sum);
    out->rms = sqrt(sum);
    out->peak = best;
    out->f_peak = refine_frequency(s, k_best);
    return 0;
}

int dct_sig_band_amplitude(const double *x, size_t n, double dt, double f_lo,
                           double f_hi, dct_sig_band *out, dct_diag *d)
{
    dct_sig_spectrum *s = dct_sig_spectrum_new(x, n, dt, DCT_SIG_HANN,
                                               DCT_SIG_DETREND_MEAN, d);
    int rc;

    if (s == NULL)
        return -1;
    rc = dct_sig_band_eval(s, f_lo, f_hi, out, d);
    dct_sig_spectrum_free(s);
    return rc;
}

int dct_sig_dominant_frequency(const dct_sig_spectrum *s, double f_lo,
                               double f_hi, double *f, dct_diag *d)
{
    dct_sig_band b;

    if (f == NULL) {
        dct_error(d, NULL, 0, "dominant frequency: no output");
        return -1;
    }
    if (dct_sig_band_eval(s, f_lo, f_hi, &b, d) != 0)
        return -1;
    *f = b.f_peak;
    return 0;
}

size_t dct_sig_fft_good_length(size_t n)
{
    size_t m;

    for (m = n; m > 0; m--) {
        size_t r = m;

        while (r % 2 == 0)
            r /= 2;
        while (r % 3 == 0)
            r /= 3;
        while (r % 5 == 0)
            r /= 5;
        if (r == 1)
            return m;
    }
    return 0;
}

double *dct_sig_resample_linear(const double *t, const double *x, size_t n,
                                double dt, size_t *n_out, dct_diag *d)
{
    double *y = NULL, span, steps;
    gsl_interp_accel *acc = NULL;
    size_t seg, k = 0, ny;

    if (n_out == NULL) {
        dct_error(d, NULL, 0, "resample: no output");
        return NULL;
    }
    *n_out = 0;
    if (check_time(t, n, 0, "resample", d) != 0 ||
        check_series(x, n, 2, "resample", d) != 0 ||
        check_step(dt, "resample", d) != 0)
        return NULL;
    span = t[n - 1] - t[0];
    if (!(span > 0.0)) {
        dct_error(d, NULL, 0, "resample: the record has no duration");
        return NULL;
    }
    steps = floor(span / dt * (1.0 + 1e-12));
    if (steps + 1.0 > (double)DCT_SIG_N_MAX) {
        dct_error(d, NULL, 0,
                  "resample: %.0f samples of %g s over %g s, at most %zu",
                  steps + 1.0, dt, span, DCT_SIG_N_MAX);
        return NULL;
    }
    ny = (size_t)steps + 1;
    y = malloc(ny * sizeof *y);
    acc = gsl_interp_accel_alloc();
    if (y == NULL || acc == NULL)
        goto nomem;
    /* A repeated instant is a jump: the series is cut there into segments
     * of strictly increasing time, each interpolated on its own, and a
     * grid point at the jump belongs to the later segment
     * (right-continuous).  A grid point never falls on a one-sample
     * segment except at the very end. */
    for (seg = 0; seg < n;) {
        size_t end = seg + 1, m;
        gsl_interp *interp = NULL;
        int is_last;

        while (end < n && t[end] > t[end - 1])
            end++;
        m = end - seg;
        is_last = end == n;
        if (m >= 2) {
            interp = gsl_interp_alloc(gsl_interp_linear, m);
            if (interp == NULL)
                goto nomem;
            gsl_interp_init(interp, t + seg, x + seg, m);
            gsl_interp_accel_reset(acc);
        }
        for (; k < ny; k++) {
            double tk = t[0] + (double)k * dt;

            if (tk > t[n - 1])      /* rounding at the last grid point */
                tk = t[n - 1];
            if (!is_last && tk >= t[end - 1])
                break;
            if (tk < t[seg])
                tk = t[seg];
            y[k] = m >= 2 ? gsl_interp_eval(interp, t + seg, x + seg, tk,
                                            acc)
                          : x[seg];
        }
        if (interp != NULL)
            gsl_interp_free(interp);
        seg = end;
    }
    gsl_interp_accel_free(acc);
    *n_out = ny;
    return y;

nomem:
    dct_error(d, NULL, 0, "resample: out of memory");
    if (acc != NULL)
        gsl_interp_accel_free(acc);
    free(y);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* 2. Rainflow                                                              */
/* ---------------------------------------------------------------------- */

size_t dct_rainflow_turning_points(const double *x, size_t n, size_t *idx)
{
    size_t i, m = 0, last = 0;  /* LAST: the extreme of the current run */
    int dir = 0;                /* direction of the current run */

    if (n == 0 || x == NULL || idx == NULL)
        return 0;
    idx[m++] = 0;
    for (i = 1; i < n; i++) {
        int s;

        if (x[i] == x[last])
            continue;               /* a plateau: keep its first sample */
        s = x[i] > x[last] ? 1 : -1;
        if (dir != 0 && s != dir)
            idx[m++] = last;        /* the run reversed at LAST */
        dir = s;
        last = i;
    }
    if (last != idx[m - 1])
        idx[m++] = last;
    return m;
}

/* Append one cycle between input indices A and B. */
static int add_cycle(dct_rainflow *r, size_t *cap, const double *x, size_t a,
                     size_t b, double count)
{
    dct_rainflow_cycle *c;

    if (r->n_cycles == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        dct_rainflow_cycle *p = realloc(r->cycle, nc * sizeof *p);

        if (p == NULL)
            return -1;
        r->cycle = p;
        *cap = nc;
    }
    c = &r->cycle[r->n_cycles++];
    c->range = fabs(x[a] - x[b]);
    c->mean = 0.5 * (x[a] + x[b]);
    c->count = count;
    c->i_from = a;
    c->i_to = b;
    r->total_count += count;
    r->total_range += count * c->range;
    return 0;
}

/* ASTM E1049-85 §5.4.4.  The stack holds turning points not yet counted;
 * its bottom is the starting point S.  X is the range of the two newest
 * points, Y the one before.  While X >= Y: if Y includes S (the stack has
 * three points), Y is half a cycle and S moves on; otherwise Y is a full
 * cycle and both its points leave the stack.  What stays at the end (the
 * residue) is counted as half cycles. */
dct_rainflow *dct_rainflow_count(const double *x, size_t n, dct_diag *d)
{
    dct_rainflow *r = NULL;
    size_t *tp = NULL, *st = NULL, ntp, ns = 0, cap = 0, i;

    if (check_series(x, n, 1, "rainflow", d) != 0)
        return NULL;
    r = calloc(1, sizeof *r);
    tp = malloc(n * sizeof *tp);
    st = malloc(n * sizeof *st);
    if (r == NULL || tp == NULL || st == NULL)
        goto nomem;
    ntp = dct_rainflow_turning_points(x, n, tp);
    for (i = 0; i < ntp; i++) {
        st[ns++] = tp[i];
        while (ns >= 3) {
            double rx = fabs(x[st[ns - 1]] - x[st[ns - 2]]);
            double ry = fabs(x[st[ns - 2]] - x[st[ns - 3]]);

            if (rx < ry)
                break;
            if (ns == 3) {
                if (add_cycle(r, &cap, x, st[0], st[1], 0.5) != 0)
                    goto nomem;
                st[0] = st[1];
                st[1] = st[2];
                ns = 2;
            } else {
                if (add_cycle(r, &cap, x, st[ns - 3], st[ns - 2], 1.0) != 0)
                    goto nomem;
                st[ns - 3] = st[ns - 1];
                ns -= 2;
            }
        }
    }
    for (i = 0; i + 1 < ns; i++)
        if (add_cycle(r, &cap, x, st[i], st[i + 1], 0.5) != 0)
            goto nomem;
    free(tp);
    free(st);
    return r;

nomem:
    dct_error(d, NULL, 0, "rainflow: out of memory for %zu samples", n);
    free(tp);
    free(st);
    dct_rainflow_free(r);
    return NULL;
}

void dct_rainflow_free(dct_rainflow *r)
{
    if (r == NULL)
        return;
    free(r->cycle);
    free(r);
}

static int cmp_bin(const void *a, const void *b)
{
    double ra = ((const dct_rainflow_bin *)a)->range;
    double rb = ((const dct_rainflow_bin *)b)->range;

    return (ra > rb) - (ra < rb);
}

dct_rainflow_bin *dct_rainflow_aggregate(const dct_rainflow *r, double tol,
                                         size_t *n_bins, dct_diag *d)
{
    dct_rainflow_bin *b;
    size_t i, m = 0;

    if (n_bins != NULL)
        *n_bins = 0;
    if (r == NULL || n_bins == NULL || !(tol >= 0.0) || !isfinite(tol)) {
        dct_error(d, NULL, 0, "rainflow histogram: bad arguments "
                  "(tolerance %g, expected >= 0)", tol);
        return NULL;
    }
    if (r->n_cycles == 0)
        return NULL;
    b = malloc(r->n_cycles * sizeof *b);
    if (b == NULL) {
        dct_error(d, NULL, 0, "rainflow histogram: out of memory");
        return NULL;
    }
    for (i = 0; i < r->n_cycles; i++) {
        b[i].range = r->cycle[i].range;
        b[i].count = r->cycle[i].count;
    }
    if (r->n_cycles > 1)
        qsort(b, r->n_cycles, sizeof *b, cmp_bin);
    for (i = 0; i < r->n_cycles;) {
        double lo = b[i].range, sum_c = 0.0, sum_rc = 0.0;

        for (; i < r->n_cycles && b[i].range - lo <= tol; i++) {
            sum_c += b[i].count;
            sum_rc += b[i].count * b[i].range;
        }
        b[m].range = sum_rc / sum_c;
        b[m].count = sum_c;
        m++;
    }
    *n_bins = m;
    return b;
}

/* ---------------------------------------------------------------------- */
/* 3. Ageing                                                                */
/* ---------------------------------------------------------------------- */

void dct_ageing_params_lfp(dct_ageing_params *p)
{
    /* NREL BLAST-Lite blast/models/lfp_gr_250AhPrismatic_2019.py
     * (_params_life and experimental_range). */
    p->p1 = 8.37e4;
    p->p2 = -5.21e3;
    p->p3 = -3.56e3;
    p->p_cal = 0.526;
    p->p4 = 4.38e-8;
    p->p5 = 1.55e-8;
    p->p6 = 1.68e-7;
    p->p7 = 2.19e3;
    p->p8 = 1.55e5;
    p->p_cyc = 0.828;
    p->crate_floor = 1e-2;  /* BLAST-Lite degradation_model.py */
    p->t_fit_lo = 273.15 + 10.0;
    p->t_fit_hi = 273.15 + 45.0;
    p->dod_fit_lo = 0.8;
    p->crate_fit_hi = 1.0;  /* discharge; charge was <= 0.65 C */
}

double dct_ageing_ua(double soc)
{
    double xa = 8.5e-3 + soc * (0.78 - 8.5e-3);

    return 0.6379 + 0.5416 * exp(-305.5309 * xa) +
           0.044 * tanh(-(xa - 0.1958) / 0.1088) -
           0.1978 * tanh((xa - 1.0571) / 0.0854) -
           0.6875 * tanh((xa + 0.0117) / 0.0529) -
           0.0175 * tanh((xa - 0.5692) / 0.0875);
}

double dct_ageing_calendar_fade(const dct_ageing_params *p, double k_cal,
                                double t_days)
{
    return t_days > 0.0 ? k_cal * pow(t_days, p->p_cal) : 0.0;
}

double dct_ageing_cycle_fade(const dct_ageing_params *p, double k_cyc,
                             double efc)
{
    return efc > 0.0 ? k_cyc * pow(efc, p->p_cyc) : 0.0;
}

double dct_ageing_efc(const double *soc, size_t n)
{
    double s = 0.0;
    size_t i;

    for (i = 1; i < n; i++)
        s += fabs(soc[i] - soc[i - 1]);
    return 0.5 * s;
}

static double k_cal_at(const dct_ageing_params *p, double temp, double soc)
{
    return fabs(p->p1) * exp(p->p2 / temp) *
           exp(p->p3 * dct_ageing_ua(soc) / temp);
}

static double k_cyc_at(const dct_ageing_params *p, double temp, double dod,
                       double crate)
{
    return (p->p4 + p->p5 * dod + p->p6 * crate) *
           (exp(p->p7 / temp) + exp(-p->p8 / temp));
}

int dct_ageing_eval(const double *t_s, const double *soc,
                    const double *temp_k, double temp_const_k, size_t n,
                    double years, const dct_ageing_params *p,
                    dct_ageing_result *out, dct_diag *d)
{
    dct_rainflow *rf;
    double lo, hi, dur, moved = 0.0, kc = 0.0, ky = 0.0, tm = 0.0;
    double w_sum = 0.0, w2_sum = 0.0;
    size_t i;

    if (p == NULL || out == NULL) {
        dct_error(d, NULL, 0, "ageing: no parameters or no output");
        return -1;
    }
    if (check_time(t_s, n, 1, "ageing", d) != 0 ||
        check_series(soc, n, 2, "ageing", d) != 0)
        return -1;
    if (temp_k != NULL && check_series(temp_k, n, 2, "ageing", d) != 0)
        return -1;
    if (!isfinite(years) || years < 0.0) {
        dct_error(d, NULL, 0, "ageing: %g years, expected >= 0", years);
        return -1;
    }
    for (i = 0; i < n; i++) {
        double tk = temp_k != NULL ? temp_k[i] : temp_const_k;

        if (soc[i] < 0.0 || soc[i] > 1.0) {
            dct_error(d, NULL, 0,
                      "ageing: SOC %g at sample %zu outside [0, 1]", soc[i],
                      i);
            return -1;
        }
        if (!(tk > 0.0) || !isfinite(tk)) {
            dct_error(d, NULL, 0,
                      "ageing: temperature %g K at sample %zu, expected > 0",
                      tk, i);
            return -1;
        }
    }
    rf = dct_rainflow_count(soc, n, d);
    if (rf == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    dur = t_s[n - 1] - t_s[0];
    out->duration_s = dur;
    out->efc_profile = dct_ageing_efc(soc, n);
    out->efc_rainflow = rf->total_range;
    out->n_cycles = rf->total_count;
    for (i = 0; i < rf->n_cycles; i++) {
        double w = rf->cycle[i].count * rf->cycle[i].range;

        w_sum += w;
        w2_sum += w * rf->cycle[i].range;
    }
    out->dod_cycle = w_sum > 0.0 ? w2_sum / w_sum : 0.0;
    dct_rainflow_free(rf);

    lo = hi = soc[0];
    for (i = 1; i < n; i++) {
        double ds = fabs(soc[i] - soc[i - 1]);
        double dt_h = (t_s[i] - t_s[i - 1]) / 3600.0;

        if (soc[i] < lo)
            lo = soc[i];
        if (soc[i] > hi)
            hi = soc[i];
        if (ds / dt_h >= p->crate_floor)
            moved += ds;
    }
    out->dod = hi - lo;
    out->crate = moved / (dur / 3600.0);

    /* time means by the trapezoidal rule */
    for (i = 1; i < n; i++) {
        double h = t_s[i] - t_s[i - 1];
        double ta = temp_k != NULL ? temp_k[i - 1] : temp_const_k;
        double tb = temp_k != NULL ? temp_k[i] : temp_const_k;

        kc += 0.5 * h * (k_cal_at(p, ta, soc[i - 1]) +
                         k_cal_at(p, tb, soc[i]));
        ky += 0.5 * h * (k_cyc_at(p, ta, out->dod, out->crate) +
                         k_cyc_at(p, tb, out->dod, out->crate));
        tm += 0.5 * h * (ta + tb);
    }
    out->k_cal = kc / dur;
    out->k_cyc = ky / dur;
    out->t_mean = tm / dur;

    out->efc_per_day = out->efc_profile * 86400.0 / dur;
    out->years = years;
    out->t_days = 365.0 * years;
    out->efc_total = out->efc_per_day * out->t_days;
    out->q_cal = dct_ageing_calendar_fade(p, out->k_cal, out->t_days);
    out->q_cyc = dct_ageing_cycle_fade(p, out->k_cyc, out->efc_total);
    out->capacity = 1.0 - out->q_cal - out->q_cyc;
    out->is_extrapolated =
        out->efc_profile > 0.0 &&
        (out->dod < p->dod_fit_lo || out->dod_cycle < p->dod_fit_lo ||
         out->crate > p->crate_fit_hi || out->t_mean < p->t_fit_lo ||
         out->t_mean > p->t_fit_hi);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* 4. Ramps, windows, step response                                         */
/* ---------------------------------------------------------------------- */

int dct_sig_moving_average(const double *x, size_t n, size_t m, double *y,
                           dct_diag *d)
{
    double *ring, sum = 0.0;
    size_t i;

    if (check_series(x, n, 1, "moving average", d) != 0)
        return -1;
    if (y == NULL || m == 0 || m > n) {
        dct_error(d, NULL, 0,
                  "moving average: length %zu, expected 1..%zu samples", m,
                  n);
        return -1;
    }
    /* the inputs leaving the window, kept because Y may overwrite X */
    ring = malloc(m * sizeof *ring);
    if (ring == NULL) {
        dct_error(d, NULL, 0, "moving average: out of memory");
        return -1;
    }
    for (i = 0; i < n; i++) {
        double xi = x[i];

        if (i >= m)
            sum -= ring[i % m];
        ring[i % m] = xi;
        sum += xi;
        y[i] = sum / (double)(i + 1 < m ? i + 1 : m);
    }
    free(ring);
    return 0;
}

int dct_sig_max_ramp(const double *x, size_t n, size_t m, size_t w,
                     double *max_delta, size_t *at, dct_diag *d)
{
    double *y, best = 0.0;
    size_t i, i_best;

    if (max_delta == NULL || m == 0 || w == 0 || n < m + w) {
        dct_error(d, NULL, 0,
                  "ramp: average over %zu and difference over %zu samples "
                  "need more than the %zu given", m, w, n);
        return -1;
    }
    if (check_series(x, n, 1, "ramp", d) != 0)
        return -1;
    y = malloc(n * sizeof *y);
    if (y == NULL) {
        dct_error(d, NULL, 0, "ramp: out of memory");
        return -1;
    }
    if (dct_sig_moving_average(x, n, m, y, d) != 0) {
        free(y);
        return -1;
    }
    i_best = m - 1 + w;
    for (i = m - 1 + w; i < n; i++) {
        double dy = fabs(y[i] - y[i - w]);

        if (dy > best) {
            best = dy;
            i_best = i;
        }
    }
    free(y);
    *max_delta = best;
    if (at != NULL)
        *at = i_best;
    return 0;
}

int dct_sig_max_window_range(const double *x, size_t n, size_t w,
                             double *range, size_t *at, dct_diag *d)
{
    size_t *qmax, *qmin, hmax = 0, tmax = 0, hmin = 0, tmin = 0, i, best_at = 0;
    double best = -1.0;

    if (check_series(x, n, 1, "window range", d) != 0)
        return -1;
    if (range == NULL || w == 0 || w > n) {
        dct_error(d, NULL, 0,
                  "window range: window of %zu, expected 1..%zu samples", w,
                  n);
        return -1;
    }
    qmax = malloc(n * sizeof *qmax);
    qmin = malloc(n * sizeof *qmin);
    if (qmax == NULL || qmin == NULL) {
        free(qmax);
        free(qmin);
        dct_error(d, NULL, 0, "window range: out of memory");
        return -1;
    }
    /* qmax holds indices of decreasing values, qmin of increasing ones;
     * their heads are the window's max and min. */
    for (i = 0; i < n; i++) {
        while (tmax > hmax && x[qmax[tmax - 1]] <= x[i])
            tmax--;
        qmax[tmax++] = i;
        while (tmin > hmin && x[qmin[tmin - 1]] >= x[i])
            tmin--;
        qmin[tmin++] = i;
        if (i + 1 < w)
            continue;
        while (qmax[hmax] + w <= i)
            hmax++;
        while (qmin[hmin] + w <= i)
            hmin++;
        if (x[qmax[hmax]] - x[qmin[hmin]] > best) {
            best = x[qmax[hmax]] - x[qmin[hmin]];
            best_at = i + 1 - w;
        }
    }
    free(qmax);
    free(qmin);
    *range = best;
    if (at != NULL)
        *at = best_at;
    return 0;
}

int dct_sig_time_to_fraction(const double *t, const double *x, size_t n,
                             double t0, double x0, double x1, double frac,
                             double *t_reach, dct_diag *d)
{
    double gp = 0.0;
    size_t i;
    int have_prev = 0;

    if (t_reach == NULL || !isfinite(t0) || !isfinite(x0) ||
        !isfinite(x1) || !isfinite(frac) || x1 == x0) {
        dct_error(d, NULL, 0,
                  "step response: bad arguments (from %g to %g, fraction "
                  "%g)", x0, x1, frac);
        return -1;
    }
    if (check_time(t, n, 1, "step response", d) != 0 ||
        check_series(x, n, 1, "step response", d) != 0)
        return -1;
    *t_reach = INFINITY;
    for (i = 0; i < n; i++) {
        double g = (x[i] - x0) / (x1 - x0);

        if (t[i] < t0) {
            gp = g;
            have_prev = 1;
            continue;
        }
        if (g >= frac) {
            double tc = t[i];

            if (i > 0 && have_prev && gp < frac && g > gp)
                tc = t[i - 1] + (frac - gp) / (g - gp) * (t[i] - t[i - 1]);
            *t_reach = tc > t0 ? tc : t0;
            return 0;
        }
        gp = g;
        have_prev = 1;
    }
    return 1;
}

int dct_sig_settling_time(const double *t, const double *x, size_t n,
                          double t0, double target, double band,
                          double *t_settle, dct_diag *d)
{
    size_t i0, j, jmin;

    if (t_settle == NULL || !isfinite(t0) || !isfinite(target) ||
        !isfinite(band) || band < 0.0) {
        dct_error(d, NULL, 0,
                  "settling: bad arguments (target %g, band %g)", target,
                  band);
        return -1;
    }
    if (check_time(t, n, 1, "settling", d) != 0 ||
        check_series(x, n, 1, "settling", d) != 0)
        return -1;
    if (t[n - 1] < t0) {
        dct_error(d, NULL, 0, "settling: no sample at or after %g s", t0);
        return -1;
    }
    *t_settle = INFINITY;
    if (fabs(x[n - 1] - target) > band)
        return 1;
    for (i0 = 0; t[i0] < t0; i0++)
        ;
    /* last sample out of band, from the one just before t0 on; the last
     * sample is in band */
    jmin = i0 > 0 ? i0 - 1 : 0;
    for (j = n - 1; j-- > jmin;) {
        if (fabs(x[j] - target) > band) {
            double b = target + (x[j] > target ? band : -band);
            double tc = t[j] + (b - x[j]) / (x[j + 1] - x[j]) *
                               (t[j + 1] - t[j]);

            *t_settle = tc > t0 ? tc : t0;
            return 0;
        }
    }
    *t_settle = t0;
    return 0;
}

int dct_sig_rms_difference(const double *a, const double *b, size_t n,
                           double *rms, dct_diag *d)
{
    double sum = 0.0;
    size_t i;

    if (rms == NULL) {
        dct_error(d, NULL, 0, "rms difference: no output");
        return -1;
    }
    if (check_series(a, n, 1, "rms difference", d) != 0 ||
        check_series(b, n, 1, "rms difference", d) != 0)
        return -1;
    for (i = 0; i < n; i++)
        sum += (a[i] - b[i]) * (a[i] - b[i]);
    *rms = sqrt(sum / (double)n);
    return 0;
}

/* Time at which the segment from (ta, xa) to (tb, xb) crosses LIMIT. */
static double crossing(double ta, double xa, double tb, double xb,
                       double limit)
{
    return ta + (limit - xa) / (xb - xa) * (tb - ta);
}

int dct_sig_longest_above(const double *t, const double *x, size_t n,
                          double limit, double *duration, double *t_start,
                          dct_diag *d)
{
    double best = 0.0, best_start = NAN, start = 0.0;
    int above;
    size_t i;

    if (duration == NULL || !isfinite(limit)) {
        dct_error(d, NULL, 0, "time above: bad arguments (limit %g)",
                  limit);
        return -1;
    }
    if (check_time(t, n, 1, "time above", d) != 0 ||
        check_series(x, n, 1, "time above", d) != 0)
        return -1;
    above = x[0] > limit;
    if (above)
        start = t[0];
    for (i = 1; i < n; i++) {
        int now = x[i] > limit;

        if (now && !above) {
            start = crossing(t[i - 1], x[i - 1], t[i], x[i], limit);
        } else if (!now && above) {
            double end = crossing(t[i - 1], x[i - 1], t[i], x[i], limit);

            if (end - start > best || isnan(best_start)) {
                best = end - start;
                best_start = start;
            }
        }
        above = now;
    }
    if (above && (t[n - 1] - start > best || isnan(best_start))) {
        best = t[n - 1] - start;
        best_start = start;
    }
    *duration = best;
    if (t_start != NULL)
        *t_start = best_start;
    return 0;
}
