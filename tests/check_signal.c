/* check_signal.c - unit tests for src/sigproc.c: band amplitudes of known
 * sinusoids, rainflow against the ASTM E1049 worked example, LFP ageing
 * against closed forms, ramps and step-response times of known signals. */
#include "config.h"

#include <check.h>
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "sigproc.h"

#define TWO_PI (2.0 * M_PI)

/* Relative tolerance R of WANT. */
static double rel(double want, double r)
{
    return fabs(want) * r + 1e-300;
}

/* Sum of sinusoids: amplitudes A, frequencies F [Hz], phases PH, plus a DC
 * offset and a slope [unit/s], sampled every DT. */
static double *tones(size_t n, double dt, size_t nt, const double *a,
                     const double *f, const double *ph, double dc,
                     double slope)
{
    double *x = malloc(n * sizeof *x);
    size_t j, k;

    ck_assert_ptr_nonnull(x);
    for (j = 0; j < n; j++) {
        double t = (double)j * dt;

        x[j] = dc + slope * t;
        for (k = 0; k < nt; k++)
            x[j] += a[k] * cos(TWO_PI * f[k] * t + ph[k]);
    }
    return x;
}

/* An error in D whose text holds PHRASE. */
static void expect_error(dct_diag *d, const char *phrase)
{
    ck_assert_uint_ge(d->n_errors, 1);
    ck_assert_msg(strstr(d->msg[d->n_msg - 1].text, phrase) != NULL,
                  "message '%s' lacks '%s'", d->msg[d->n_msg - 1].text,
                  phrase);
    dct_diag_clear(d);
}

/* --- spectrum ------------------------------------------------------------ */

/* The half-complex unpacking against a direct DFT, odd and even n. */
START_TEST(test_fft_layout)
{
    static const size_t ns[] = { 16, 17, 30, 45 };
    size_t c;

    for (c = 0; c < sizeof ns / sizeof ns[0]; c++) {
        size_t n = ns[c], j, k;
        double *x = malloc(n * sizeof *x), mean = 0.0;
        dct_diag d;
        dct_sig_spectrum *s;

        dct_diag_init(&d);
        for (j = 0; j < n; j++) {
            x[j] = sin(2.385 * (double)j * (double)j + 0.71) + 0.3;
            mean += x[j] / (double)n;
        }
        s = dct_sig_spectrum_new(x, n, 0.01, DCT_SIG_RECT,
                                 DCT_SIG_DETREND_MEAN, &d);
        ck_assert_ptr_nonnull(s);
        ck_assert_uint_eq(s->n_bins, n / 2 + 1);
        ck_assert_double_eq_tol(s->df, 1.0 / ((double)n * 0.01), 1e-12);
        for (k = 0; k < s->n_bins; k++) {
            double complex z = 0.0;
            double want;
            int edge = k == 0 || (n % 2 == 0 && k == n / 2);

            for (j = 0; j < n; j++)
                z += (x[j] - mean) *
                     cexp(-I * TWO_PI * (double)(j * k) / (double)n);
            want = (edge ? 1.0 : 2.0) * cabs(z) / (double)n;
            ck_assert_double_eq_tol(s->amp[k], want, 1e-12);
            ck_assert_double_eq_tol(s->power[k],
                                    (edge ? 1.0 : 2.0) * cabs(z) * cabs(z) /
                                        ((double)n * (double)n),
                                    1e-12);
        }
        dct_sig_spectrum_free(s);
        free(x);
    }
}
END_TEST

/* Exactly on a bin, Hann gives the amplitude in the peak bin and in the
 * power sum. */
START_TEST(test_on_bin)
{
    const size_t n = 12000;
    const double dt = 0.005, a = 3.7, f = 137.0 / 60.0, ph = 0.4;
    double *x = tones(n, dt, 1, &a, &f, &ph, 0.0, 0.0);
    dct_diag d;
    dct_sig_spectrum *s;
    dct_sig_band b;

    dct_diag_init(&d);
    s = dct_sig_spectrum_new(x, n, dt, DCT_SIG_HANN, DCT_SIG_DETREND_MEAN,
                             &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_double_eq_tol(s->amp[137], a, 1e-9);
    ck_assert_int_eq(dct_sig_band_eval(s, 2.0, 3.0, &b, &d), 0);
    ck_assert_double_eq_tol(b.peak, a, 1e-9);
    ck_assert_double_eq_tol(b.amplitude, a, 1e-9);
    ck_assert_double_eq_tol(b.rms, a / sqrt(2.0), 1e-9);
    ck_assert_double_eq_tol(b.f_peak, f, 1e-9);
    ck_assert_uint_eq(b.k_lo, 120);
    ck_assert_uint_eq(b.k_hi, 180);
    dct_sig_spectrum_free(s);
    free(x);
}
END_TEST

/* Sinusoids on and between bins inside the report's bands: 60 s at 5 ms
 * (df = 1/60 Hz). */
typedef struct tone_case {
    double f_lo, f_hi, f;
} tone_case;

static const tone_case TONES[] = {
    { 0.1, 2.0, 0.5 + 0.37 / 60.0 },
    { 0.1, 2.0, 1.2345 },
    { 0.1, 2.0, 1.85 + 0.5 / 60.0 },
    { 2.0, 3.0, 2.2 + 0.5 / 60.0 },
    { 2.0, 3.0, 2.5 },
    { 2.0, 3.0, 2.71828 },
    { 3.0, 30.0, 3.5 + 0.25 / 60.0 },
    { 3.0, 30.0, 12.3456 },
    { 3.0, 30.0, 27.5 + 0.5 / 60.0 },
    { 0.1, 20.0, 7.77 },
};

START_TEST(test_band_between_bins)
{
    const tone_case *c = &TONES[_i];
    const size_t n = 12000;
    const double dt = 0.005, a = 2.385, ph = 1.1;
    double *x = tones(n, dt, 1, &a, &c->f, &ph, 0.0, 0.0);
    dct_diag d;
    dct_sig_spectrum *s;
    dct_sig_band b;
    double f_dom;

    dct_diag_init(&d);
    /* the one-call form: Hann, power sum; the header promises 0.5 % */
    ck_assert_int_eq(dct_sig_band_amplitude(x, n, dt, c->f_lo, c->f_hi, &b,
                                            &d), 0);
    ck_assert_msg(fabs(b.amplitude - a) <= 0.005 * a,
                  "f %g Hz: band amplitude %g, want %g +- 0.5 %%", c->f,
                  b.amplitude, a);
    /* the Hann peak bin scallops, by at most 1.42 dB */
    ck_assert_msg(b.peak <= a * 1.0001 && b.peak >= a * 0.84,
                  "f %g: Hann peak %g", c->f, b.peak);
    /* frequency refined between bins to a tenth of a bin */
    ck_assert_msg(fabs(b.f_peak - c->f) <= 0.1 / 60.0, "f %g: f_peak %g",
                  c->f, b.f_peak);

    /* flat top: the peak bin itself is within 0.2 % (0.01 dB) */
    s = dct_sig_spectrum_new(x, n, dt, DCT_SIG_FLATTOP, DCT_SIG_DETREND_MEAN,
                             &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dct_sig_band_eval(s, c->f_lo, c->f_hi, &b, &d), 0);
    ck_assert_msg(fabs(b.peak - a) <= 0.002 * a, "f %g: flat-top peak %g",
                  c->f, b.peak);
    ck_assert_msg(fabs(b.amplitude - a) <= 0.005 * a,
                  "f %g: flat-top band amplitude %g", c->f, b.amplitude);
    ck_assert_int_eq(dct_sig_dominant_frequency(s, c->f_lo, c->f_hi, &f_dom,
                                                &d), 0);
    ck_assert_double_eq_tol(f_dom, b.f_peak, 1e-12);
    ck_assert_msg(fabs(f_dom - c->f) <= 0.5 / 60.0 + 1e-12, "f %g: %g",
                  c->f, f_dom);
    dct_sig_spectrum_free(s);
    free(x);
    ck_assert_uint_eq(d.n_errors, 0);
}
END_TEST

/* Two tones in different bands come out separated; a large DC offset and,
 * with linear detrending, a drift do not reach the bands. */
START_TEST(test_two_tones)
{
    const size_t n = 12000;
    const double dt = 0.005;
    const double a[2] = { 2.5, 0.4 }, f[2] = { 0.7071, 11.3 },
                 ph[2] = { 0.3, 2.0 };
    double *x = tones(n, dt, 2, a, f, ph, 1000.0, 0.0);
    double *y = tones(n, dt, 2, a, f, ph, 1000.0, 3.3);
    dct_diag d;
    dct_sig_spectrum *s;
    dct_sig_band lo, mid, hi;

    dct_diag_init(&d);
    s = dct_sig_spectrum_new(x, n, dt, DCT_SIG_HANN, DCT_SIG_DETREND_MEAN,
                             &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dct_sig_band_eval(s, 0.1, 2.0, &lo, &d), 0);
    ck_assert_int_eq(dct_sig_band_eval(s, 2.0, 3.0, &mid, &d), 0);
    ck_assert_int_eq(dct_sig_band_eval(s, 3.0, 30.0, &hi, &d), 0);
    ck_assert_double_eq_tol(lo.amplitude, 2.5, 0.02 * 2.5);
    ck_assert_double_eq_tol(hi.amplitude, 0.4, 0.02 * 0.4);
    ck_assert_double_lt(mid.amplitude, 1e-3);
    ck_assert_double_eq_tol(lo.f_peak, 0.7071, 0.1 / 60.0);
    ck_assert_double_eq_tol(hi.f_peak, 11.3, 0.1 / 60.0);
    dct_sig_spectrum_free(s);
    /* the offset of 1000 changes nothing */
    {
        double *z = tones(n, dt, 2, a, f, ph, 0.0, 0.0);
        dct_sig_band lo0;

        ck_assert_int_eq(dct_sig_band_amplitude(z, n, dt, 0.1, 2.0, &lo0,
                                                &d), 0);
        ck_assert_double_eq_tol(lo0.amplitude, lo.amplitude, 1e-9);
        free(z);
    }

    /* a drift of 3.3 /s (198 over the record) with linear detrending */
    s = dct_sig_spectrum_new(y, n, dt, DCT_SIG_HANN, DCT_SIG_DETREND_LINEAR,
                             &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dct_sig_band_eval(s, 0.1, 2.0, &lo, &d), 0);
    ck_assert_int_eq(dct_sig_band_eval(s, 3.0, 30.0, &hi, &d), 0);
    ck_assert_double_eq_tol(lo.amplitude, 2.5, 0.02 * 2.5);
    ck_assert_double_eq_tol(hi.amplitude, 0.4, 0.02 * 0.4);
    dct_sig_spectrum_free(s);
    free(x);
    free(y);
}
END_TEST

START_TEST(test_spectrum_errors)
{
    double x[64], nan_x[64];
    dct_diag d;
    dct_sig_spectrum *s;
    dct_sig_band b;
    double f;
    size_t j;

    dct_diag_init(&d);
    for (j = 0; j < 64; j++)
        x[j] = nan_x[j] = sin(0.37 * (double)j);
    nan_x[17] = NAN;
    ck_assert_ptr_null(dct_sig_spectrum_new(x, 0, 0.01, DCT_SIG_HANN,
                                            DCT_SIG_DETREND_MEAN, &d));
    expect_error(&d, "0 samples, at least 16");
    ck_assert_ptr_null(dct_sig_spectrum_new(x, 15, 0.01, DCT_SIG_HANN,
                                            DCT_SIG_DETREND_MEAN, &d));
    expect_error(&d, "15 samples, at least 16");
    ck_assert_ptr_null(dct_sig_spectrum_new(NULL, 64, 0.01, DCT_SIG_HANN,
                                            DCT_SIG_DETREND_MEAN, &d));
    expect_error(&d, "no data");
    ck_assert_ptr_null(dct_sig_spectrum_new(x, 64, 0.0, DCT_SIG_HANN,
                                            DCT_SIG_DETREND_MEAN, &d));
    expect_error(&d, "sample step 0 s");
    ck_assert_ptr_null(dct_sig_spectrum_new(x, 64, NAN, DCT_SIG_HANN,
                                            DCT_SIG_DETREND_MEAN, &d));
    expect_error(&d, "sample step");
    ck_assert_ptr_null(dct_sig_spectrum_new(nan_x, 64, 0.01, DCT_SIG_HANN,
                                            DCT_SIG_DETREND_MEAN, &d));
    expect_error(&d, "sample 17 is not a finite number");
    ck_assert_ptr_null(dct_sig_spectrum_new(x, 64, 0.01, (dct_sig_window)7,
                                            DCT_SIG_DETREND_MEAN, &d));
    expect_error(&d, "unknown window");

    /* 64 samples at 10 ms: df = 1.5625 Hz, Nyquist 50 Hz */
    s = dct_sig_spectrum_new(x, 64, 0.01, DCT_SIG_HANN, DCT_SIG_DETREND_MEAN,
                             &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dct_sig_band_eval(s, 3.0, 60.0, &b, &d), -1);
    expect_error(&d, "above the Nyquist frequency 50 Hz");
    ck_assert_int_eq(dct_sig_band_eval(s, 3.0, 2.0, &b, &d), -1);
    expect_error(&d, "expected 0 <= low <= high");
    ck_assert_int_eq(dct_sig_band_eval(s, -1.0, 2.0, &b, &d), -1);
    expect_error(&d, "expected 0 <= low <= high");
    ck_assert_int_eq(dct_sig_band_eval(s, 2.0, 3.0, &b, &d), -1);
    expect_error(&d, "no frequency bin inside");
    ck_assert_int_eq(dct_sig_dominant_frequency(s, 2.0, 3.0, &f, &d), -1);
    expect_error(&d, "no frequency bin inside");
    ck_assert_int_eq(dct_sig_band_eval(s, 0.0, 50.0, &b, &d), 0);
    ck_assert_uint_eq(b.k_lo, 0);
    ck_assert_uint_eq(b.k_hi, 32);
    dct_sig_spectrum_free(s);
    dct_sig_spectrum_free(NULL);
    ck_assert_int_eq(dct_sig_band_amplitude(x, 8, 0.01, 0.1, 2.0, &b, &d),
                     -1);
    expect_error(&d, "8 samples");
}
END_TEST

START_TEST(test_good_length)
{
    ck_assert_uint_eq(dct_sig_fft_good_length(0), 0);
    ck_assert_uint_eq(dct_sig_fft_good_length(1), 1);
    ck_assert_uint_eq(dct_sig_fft_good_length(7), 6);
    ck_assert_uint_eq(dct_sig_fft_good_length(12000), 12000);
    ck_assert_uint_eq(dct_sig_fft_good_length(12001), 12000);
    ck_assert_uint_eq(dct_sig_fft_good_length(60001), 60000);
    ck_assert_uint_eq(dct_sig_fft_good_length(1021), 1000);
}
END_TEST

START_TEST(test_resample)
{
    /* a line is reproduced exactly from a non-uniform grid */
    static const double t[] = { 0.0, 0.013, 0.05, 0.051, 0.2, 0.35, 0.5 };
    double x[7], *y;
    static const double tj[] = { 0.0, 1.0, 1.0, 2.0, 3.0 };
    static const double xj[] = { 0.0, 0.0, 5.0, 5.0, 6.0 };
    static const double tbad[] = { 0.0, 1.0, 0.5 };
    size_t n_out, k;
    dct_diag d;

    dct_diag_init(&d);
    for (k = 0; k < 7; k++)
        x[k] = 2.385 * t[k] - 0.75;
    y = dct_sig_resample_linear(t, x, 7, 0.01, &n_out, &d);
    ck_assert_ptr_nonnull(y);
    ck_assert_uint_eq(n_out, 51);
    for (k = 0; k < n_out; k++)
        ck_assert_double_eq_tol(y[k], 2.385 * 0.01 * (double)k - 0.75,
                                1e-12);
    free(y);

    /* a jump recorded twice at t = 1: right-continuous */
    y = dct_sig_resample_linear(tj, xj, 5, 0.5, &n_out, &d);
    ck_assert_ptr_nonnull(y);
    ck_assert_uint_eq(n_out, 7);
    ck_assert_double_eq_tol(y[1], 0.0, 1e-15);
    ck_assert_double_eq_tol(y[2], 5.0, 1e-15);
    ck_assert_double_eq_tol(y[3], 5.0, 1e-15);
    ck_assert_double_eq_tol(y[5], 5.5, 1e-15);
    ck_assert_double_eq_tol(y[6], 6.0, 1e-15);
    free(y);

    ck_assert_ptr_null(dct_sig_resample_linear(tbad, xj, 3, 0.1, &n_out,
                                               &d));
    expect_error(&d, "time 0.5 s at sample 2 is not after 1 s");
    ck_assert_ptr_null(dct_sig_resample_linear(t, x, 1, 0.1, &n_out, &d));
    expect_error(&d, "1 samples, at least 2");
    ck_assert_ptr_null(dct_sig_resample_linear(t, x, 7, -1.0, &n_out, &d));
    expect_error(&d, "sample step -1 s");
    ck_assert_ptr_null(dct_sig_resample_linear(t, x, 7, 1e-9, &n_out, &d));
    expect_error(&d, "at most");
    ck_assert_uint_eq(n_out, 0);
}
END_TEST

/* --- rainflow ------------------------------------------------------------ */

/* ASTM E1049-85 (2017) Fig. 6 / Table 4: the load sequence A..I.
 * Expected (range: cycles) 3: 0.5, 4: 1.5, 6: 0.5, 8: 1.0, 9: 0.5, as
 * tabulated in the standard and reproduced by independent
 * implementations (Python rainflow, qats, R rainflow). */
static const double ASTM[] = { -2, 1, -3, 5, -1, 3, -4, 4, -2 };

START_TEST(test_astm_e1049)
{
    static const struct { double range, mean, count; size_t a, b; } want[] = {
        { 3, -0.5, 0.5, 0, 1 },     /* A-B, includes the start */
        { 4, -1.0, 0.5, 1, 2 },     /* B-C, includes the start */
        { 4, 1.0, 1.0, 4, 5 },      /* E-F, a full cycle */
        { 8, 1.0, 0.5, 2, 3 },      /* C-D, includes the start */
        { 9, 0.5, 0.5, 3, 6 },      /* residue D-G */
        { 8, 0.0, 0.5, 6, 7 },      /* residue G-H */
        { 6, 1.0, 0.5, 7, 8 },      /* residue H-I */
    };
    static const dct_rainflow_bin hist[] = {
        { 3, 0.5 }, { 4, 1.5 }, { 6, 0.5 }, { 8, 1.0 }, { 9, 0.5 },
    };
    dct_diag d;
    dct_rainflow *r;
    dct_rainflow_bin *b;
    size_t i, nb;

    dct_diag_init(&d);
    r = dct_rainflow_count(ASTM, 9, &d);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->n_cycles, 7);
    for (i = 0; i < 7; i++) {
        ck_assert_double_eq(r->cycle[i].range, want[i].range);
        ck_assert_double_eq(r->cycle[i].mean, want[i].mean);
        ck_assert_double_eq(r->cycle[i].count, want[i].count);
        ck_assert_uint_eq(r->cycle[i].i_from, want[i].a);
        ck_assert_uint_eq(r->cycle[i].i_to, want[i].b);
    }
    ck_assert_double_eq(r->total_count, 4.0);
    /* half the path length 3+4+8+6+4+7+8+6 = 46 */
    ck_assert_double_eq(r->total_range, 23.0);
    b = dct_rainflow_aggregate(r, 0.0, &nb, &d);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(nb, 5);
    for (i = 0; i < nb; i++) {
        ck_assert_double_eq(b[i].range, hist[i].range);
        ck_assert_double_eq(b[i].count, hist[i].count);
    }
    free(b);
    /* a tolerance of 1 merges 3 with 4 and 8 with 9 */
    b = dct_rainflow_aggregate(r, 1.0, &nb, &d);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(nb, 3);
    ck_assert_double_eq_tol(b[0].range, (3 * 0.5 + 4 * 1.5) / 2.0, 1e-15);
    ck_assert_double_eq(b[0].count, 2.0);
    ck_assert_double_eq(b[1].count, 0.5);
    ck_assert_double_eq(b[2].count, 1.5);
    free(b);
    dct_rainflow_free(r);
}
END_TEST

/* The same sequence drawn with intermediate samples and plateaus counts
 * the same: only the turning points matter. */
START_TEST(test_astm_dense)
{
    double x[200];
    size_t n = 0, i, k, nb;
    dct_diag d;
    dct_rainflow *r;
    dct_rainflow_bin *b;

    dct_diag_init(&d);
    for (i = 0; i + 1 < 9; i++)
        for (k = 0; k < 7; k++) {
            x[n++] = ASTM[i] + (ASTM[i + 1] - ASTM[i]) * (double)k / 7.0;
            if (k == 0 && i % 2 == 1)
                x[n++] = ASTM[i];   /* a plateau at the turning point */
        }
    x[n++] = ASTM[8];
    x[n++] = ASTM[8];
    r = dct_rainflow_count(x, n, &d);
    ck_assert_ptr_nonnull(r);
    b = dct_rainflow_aggregate(r, 1e-12, &nb, &d);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(nb, 5);
    ck_assert_double_eq_tol(b[0].range, 3, 1e-12);
    ck_assert_double_eq(b[0].count, 0.5);
    ck_assert_double_eq_tol(b[1].range, 4, 1e-12);
    ck_assert_double_eq(b[1].count, 1.5);
    ck_assert_double_eq_tol(b[2].range, 6, 1e-12);
    ck_assert_double_eq(b[2].count, 0.5);
    ck_assert_double_eq_tol(b[3].range, 8, 1e-12);
    ck_assert_double_eq(b[3].count, 1.0);
    ck_assert_double_eq_tol(b[4].range, 9, 1e-12);
    ck_assert_double_eq(b[4].count, 0.5);
    free(b);
    dct_rainflow_free(r);
}
END_TEST

START_TEST(test_turning_points)
{
    static const double x[] = { 0, 1, 1, 2, 2, 1, 3, 3, 3, 0, 0 };
    static const size_t want[] = { 0, 3, 5, 6, 9 };
    static const double flat[] = { 1.5, 1.5, 1.5 };
    size_t idx[11], m, i;

    m = dct_rainflow_turning_points(x, 11, idx);
    ck_assert_uint_eq(m, 5);
    for (i = 0; i < m; i++)
        ck_assert_uint_eq(idx[i], want[i]);
    ck_assert_uint_eq(dct_rainflow_turning_points(flat, 3, idx), 1);
    ck_assert_uint_eq(dct_rainflow_turning_points(x, 0, idx), 0);
}
END_TEST

START_TEST(test_rainflow_edges)
{
    static const double one[] = { 4.2 };
    static const double flat[] = { 1.5, 1.5, 1.5 };
    static const double two[] = { 0.25, 0.75 };
    static const double bad[] = { 0.0, NAN, 1.0 };
    dct_diag d;
    dct_rainflow *r;
    size_t nb = 99;

    dct_diag_init(&d);
    r = dct_rainflow_count(one, 1, &d);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->n_cycles, 0);
    ck_assert_ptr_null(dct_rainflow_aggregate(r, 0.0, &nb, &d));
    ck_assert_uint_eq(nb, 0);
    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_ptr_null(dct_rainflow_aggregate(r, -1.0, &nb, &d));
    expect_error(&d, "expected >= 0");
    dct_rainflow_free(r);
    r = dct_rainflow_count(flat, 3, &d);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->n_cycles, 0);
    dct_rainflow_free(r);
    r = dct_rainflow_count(two, 2, &d);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->n_cycles, 1);
    ck_assert_double_eq(r->cycle[0].count, 0.5);
    ck_assert_double_eq(r->cycle[0].range, 0.5);
    ck_assert_double_eq(r->cycle[0].mean, 0.5);
    dct_rainflow_free(r);
    ck_assert_ptr_null(dct_rainflow_count(bad, 3, &d));
    expect_error(&d, "sample 1 is not a finite number");
    ck_assert_ptr_null(dct_rainflow_count(bad, 0, &d));
    expect_error(&d, "0 samples");
    dct_rainflow_free(NULL);
}
END_TEST

/* --- ageing -------------------------------------------------------------- */

/* A day sampled every 60 s; SOC a triangle wave between LO and HI with
 * period PERIOD [s], starting at LO. */
static void sawtooth(double *t, double *soc, size_t n, double lo, double hi,
                     double period)
{
    size_t i;

    for (i = 0; i < n; i++) {
        double ph = fmod(60.0 * (double)i, period) / period;

        t[i] = 60.0 * (double)i;
        soc[i] = lo + (hi - lo) * (ph < 0.5 ? 2.0 * ph : 2.0 - 2.0 * ph);
    }
}

/* Reference values computed independently (Python, math module) from the
 * BLAST-Lite equations with the coefficients of dct_ageing_params_lfp. */
START_TEST(test_ageing_calendar_only)
{
    const size_t n = 145;          /* 24 h every 600 s */
    double t[145], soc[145];
    dct_ageing_params p;
    dct_ageing_result r;
    dct_diag d;
    size_t i;

    dct_diag_init(&d);
    dct_ageing_params_lfp(&p);
    for (i = 0; i < n; i++) {
        t[i] = 600.0 * (double)i;
        soc[i] = 0.5;
    }
    ck_assert_double_eq_tol(dct_ageing_ua(0.5), 0.1233036767, 1e-9);
    ck_assert_double_eq_tol(dct_ageing_ua(0.9), 0.0881845099, 1e-9);
    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, n, 10.0, &p, &r,
                                     &d), 0);
    ck_assert_double_eq(r.efc_profile, 0.0);
    ck_assert_double_eq(r.efc_rainflow, 0.0);
    ck_assert_double_eq(r.efc_total, 0.0);
    ck_assert_double_eq(r.q_cyc, 0.0);
    ck_assert_double_eq(r.crate, 0.0);
    ck_assert_double_eq_tol(r.k_cal, 4.9462330971e-04, rel(4.946e-4, 1e-9));
    ck_assert_double_eq_tol(r.q_cal, 0.0369862777, 1e-9);
    ck_assert_double_eq_tol(r.capacity, 1.0 - 0.0369862777, 1e-9);
    ck_assert_double_eq_tol(r.t_mean, 298.15, 1e-9);
    ck_assert_int_eq(r.is_extrapolated, 0);
    /* the closed form q = k t^0.526 */
    ck_assert_double_eq_tol(dct_ageing_calendar_fade(&p, r.k_cal, 3650.0),
                            r.q_cal, 1e-15);
    ck_assert_double_eq(dct_ageing_calendar_fade(&p, r.k_cal, 0.0), 0.0);

    /* a temperature series equal to the constant gives the same */
    {
        double tk[145];
        dct_ageing_result r2;

        for (i = 0; i < n; i++)
            tk[i] = 298.15;
        ck_assert_int_eq(dct_ageing_eval(t, soc, tk, -1.0, n, 10.0, &p, &r2,
                                         &d), 0);
        ck_assert_double_eq_tol(r2.q_cal, r.q_cal, 1e-15);
    }
    /* at 90 % SOC (lower anode potential) calendar fade is faster */
    for (i = 0; i < n; i++)
        soc[i] = 0.9;
    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, n, 10.0, &p, &r,
                                     &d), 0);
    ck_assert_double_eq_tol(r.q_cal, 0.0562541775, 1e-9);
}
END_TEST

/* 30-70 % triangle with a 4 h period: 6 cycles a day of range 0.4, so
 * EFC 2.4 a day exactly, DOD 0.4, C-rate 0.4 per 2 h = 0.2 /h. */
START_TEST(test_ageing_sawtooth)
{
    const size_t n = 1441;
    double *t = malloc(n * sizeof *t), *soc = malloc(n * sizeof *soc);
    dct_ageing_params p;
    dct_ageing_result r;
    dct_diag d;

    dct_diag_init(&d);
    dct_ageing_params_lfp(&p);
    sawtooth(t, soc, n, 0.3, 0.7, 4 * 3600.0);
    ck_assert_double_eq_tol(dct_ageing_efc(soc, n), 2.4, 1e-12);
    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, n, 1.0, &p, &r,
                                     &d), 0);
    ck_assert_double_eq_tol(r.duration_s, 86400.0, 1e-9);
    ck_assert_double_eq_tol(r.efc_profile, 2.4, 1e-12);
    ck_assert_double_eq_tol(r.efc_rainflow, 2.4, 1e-12);
    ck_assert_double_eq_tol(r.n_cycles, 6.0, 1e-12);
    ck_assert_double_eq_tol(r.efc_per_day, 2.4, 1e-12);
    ck_assert_double_eq_tol(r.dod, 0.4, 1e-12);
    ck_assert_double_eq_tol(r.dod_cycle, 0.4, 1e-12);
    ck_assert_double_eq_tol(r.crate, 0.2, 1e-12);
    ck_assert_double_eq_tol(r.efc_total, 2.4 * 365.0, 1e-9);
    ck_assert_double_eq_tol(r.k_cyc, 1.2948748468e-04, rel(1.29e-4, 1e-9));
    ck_assert_double_eq_tol(r.q_cyc, 0.0353688708, 1e-9);
    ck_assert_double_eq_tol(r.capacity, 1.0 - r.q_cal - r.q_cyc, 1e-15);
    ck_assert_int_eq(r.is_extrapolated, 1);    /* DOD 0.4 < 0.8 */
    ck_assert_double_eq_tol(dct_ageing_cycle_fade(&p, r.k_cyc, 2.4 * 3650.0),
                            0.2380242441, 1e-9);
    free(t);
    free(soc);
}
END_TEST

/* More years, deeper cycles, more cycles and more heat all lose capacity. */
START_TEST(test_ageing_monotone)
{
    const size_t n = 1441;
    double *t = malloc(n * sizeof *t), *soc = malloc(n * sizeof *soc);
    static const double years[] = { 0.0, 0.5, 1.0, 5.0, 10.0, 20.0 };
    dct_ageing_params p;
    dct_ageing_result r, r2;
    dct_diag d;
    double prev = 2.0;
    size_t i;

    dct_diag_init(&d);
    dct_ageing_params_lfp(&p);
    sawtooth(t, soc, n, 0.3, 0.7, 4 * 3600.0);
    for (i = 0; i < sizeof years / sizeof years[0]; i++) {
        ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, n, years[i],
                                         &p, &r, &d), 0);
        ck_assert_double_lt(r.capacity, prev);
        prev = r.capacity;
    }
    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, n, 0.0, &p, &r,
                                     &d), 0);
    ck_assert_double_eq(r.capacity, 1.0);

    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, n, 10.0, &p, &r,
                                     &d), 0);
    sawtooth(t, soc, n, 0.1, 0.9, 4 * 3600.0);      /* deeper */
    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, n, 10.0, &p, &r2,
                                     &d), 0);
    ck_assert_double_lt(r2.capacity, r.capacity);
    ck_assert_double_eq_tol(r2.efc_per_day, 4.8, 1e-12);
    ck_assert_int_eq(r2.is_extrapolated, 0);        /* DOD 0.8, 0.4 C */
    sawtooth(t, soc, n, 0.3, 0.7, 2 * 3600.0);      /* twice as often */
    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, n, 10.0, &p, &r2,
                                     &d), 0);
    ck_assert_double_lt(r2.capacity, r.capacity);
    ck_assert_double_eq_tol(r2.efc_per_day, 4.8, 1e-12);
    sawtooth(t, soc, n, 0.3, 0.7, 4 * 3600.0);      /* hotter: calendar */
    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 308.15, n, 10.0, &p, &r2,
                                     &d), 0);
    ck_assert_double_gt(r2.q_cal, r.q_cal);
    free(t);
    free(soc);
}
END_TEST

START_TEST(test_ageing_errors)
{
    double t[3] = { 0.0, 10.0, 20.0 }, soc[3] = { 0.5, 1.2, 0.5 };
    double tdup[3] = { 0.0, 10.0, 10.0 }, ok[3] = { 0.5, 0.6, 0.5 };
    dct_ageing_params p;
    dct_ageing_result r;
    dct_diag d;

    dct_diag_init(&d);
    dct_ageing_params_lfp(&p);
    ck_assert_int_eq(dct_ageing_eval(t, soc, NULL, 298.15, 3, 1.0, &p, &r,
                                     &d), -1);
    expect_error(&d, "SOC 1.2 at sample 1 outside [0, 1]");
    ck_assert_int_eq(dct_ageing_eval(tdup, ok, NULL, 298.15, 3, 1.0, &p, &r,
                                     &d), -1);
    expect_error(&d, "not after");
    ck_assert_int_eq(dct_ageing_eval(t, ok, NULL, 298.15, 1, 1.0, &p, &r,
                                     &d), -1);
    expect_error(&d, "1 samples, at least 2");
    ck_assert_int_eq(dct_ageing_eval(t, ok, NULL, 0.0, 3, 1.0, &p, &r, &d),
                     -1);
    expect_error(&d, "temperature 0 K");
    ck_assert_int_eq(dct_ageing_eval(t, ok, NULL, 298.15, 3, -1.0, &p, &r,
                                     &d), -1);
    expect_error(&d, "-1 years");
    ck_assert_int_eq(dct_ageing_eval(t, ok, NULL, 298.15, 3, 1.0, NULL, &r,
                                     &d), -1);
    expect_error(&d, "no parameters");
}
END_TEST

/* --- ramps, windows, step response --------------------------------------- */

START_TEST(test_moving_average)
{
    double x[10], y[10];
    static const double want[10] = { 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9 };
    dct_diag d;
    size_t i;

    dct_diag_init(&d);
    for (i = 0; i < 10; i++)
        x[i] = (double)(i + 1);
    ck_assert_int_eq(dct_sig_moving_average(x, 10, 3, y, &d), 0);
    for (i = 0; i < 10; i++)
        ck_assert_double_eq_tol(y[i], want[i], 1e-14);
    /* in place */
    ck_assert_int_eq(dct_sig_moving_average(x, 10, 3, x, &d), 0);
    for (i = 0; i < 10; i++)
        ck_assert_double_eq_tol(x[i], want[i], 1e-14);
    ck_assert_int_eq(dct_sig_moving_average(x, 10, 0, y, &d), -1);
    expect_error(&d, "length 0");
    ck_assert_int_eq(dct_sig_moving_average(x, 10, 11, y, &d), -1);
    expect_error(&d, "length 11");
}
END_TEST

START_TEST(test_max_ramp)
{
    double x[400];
    double delta;
    size_t i, at;
    dct_diag d;

    dct_diag_init(&d);
    /* a ramp of 2.5 per sample from 100 to 200 */
    for (i = 0; i < 400; i++)
        x[i] = i < 100 ? 0.0 : (i < 200 ? 2.5 * (double)(i - 100) : 250.0);
    ck_assert_int_eq(dct_sig_max_ramp(x, 400, 10, 5, &delta, &at, &d), 0);
    ck_assert_double_eq_tol(delta, 12.5, 1e-12);
    /* a step of 7 at 100: averaged over 4 samples, 1.75 per sample */
    for (i = 0; i < 400; i++)
        x[i] = i < 100 ? 3.0 : 10.0;
    ck_assert_int_eq(dct_sig_max_ramp(x, 400, 4, 1, &delta, &at, &d), 0);
    ck_assert_double_eq_tol(delta, 1.75, 1e-12);
    ck_assert_uint_ge(at, 100);
    ck_assert_uint_le(at, 103);
    /* over a window longer than the average the whole step shows */
    ck_assert_int_eq(dct_sig_max_ramp(x, 400, 4, 10, &delta, NULL, &d), 0);
    ck_assert_double_eq_tol(delta, 7.0, 1e-12);
    ck_assert_int_eq(dct_sig_max_ramp(x, 10, 8, 3, &delta, NULL, &d), -1);
    expect_error(&d, "need more than the 10 given");
}
END_TEST

START_TEST(test_window_range)
{
    static const double x[] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3 };
    double r;
    size_t at;
    dct_diag d;

    dct_diag_init(&d);
    ck_assert_int_eq(dct_sig_max_window_range(x, 10, 3, &r, &at, &d), 0);
    ck_assert_double_eq(r, 8.0);
    ck_assert_uint_eq(at, 3);
    ck_assert_int_eq(dct_sig_max_window_range(x, 10, 2, &r, &at, &d), 0);
    ck_assert_double_eq(r, 7.0);    /* 9 -> 2 */
    ck_assert_uint_eq(at, 5);
    ck_assert_int_eq(dct_sig_max_window_range(x, 10, 10, &r, &at, &d), 0);
    ck_assert_double_eq(r, 8.0);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(dct_sig_max_window_range(x, 10, 1, &r, NULL, &d), 0);
    ck_assert_double_eq(r, 0.0);
    ck_assert_int_eq(dct_sig_max_window_range(x, 10, 11, &r, NULL, &d), -1);
    expect_error(&d, "window of 11");
}
END_TEST

/* First-order step response x = x0 + (x1 - x0)(1 - exp(-(t - 1)/tau))
 * after t = 1 s: t90 = tau ln 10, settling into +-5 % at tau ln 20. */
START_TEST(test_step_response)
{
    const size_t n = 20001;
    const double tau = 0.0237, x0 = 4.0, x1 = -2.0;
    double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x), tr;
    dct_diag d;
    size_t i;

    dct_diag_init(&d);
    for (i = 0; i < n; i++) {
        t[i] = 0.9 + 1e-4 * (double)i;
        x[i] = t[i] < 1.0 ? x0
                          : x0 + (x1 - x0) * (1.0 - exp(-(t[i] - 1.0) / tau));
    }
    ck_assert_int_eq(dct_sig_time_to_fraction(t, x, n, 1.0, x0, x1, 0.9,
                                              &tr, &d), 0);
    ck_assert_double_eq_tol(tr - 1.0, tau * log(10.0), 1e-6);
    ck_assert_int_eq(dct_sig_time_to_fraction(t, x, n, 1.0, x0, x1, 0.1,
                                              &tr, &d), 0);
    ck_assert_double_eq_tol(tr - 1.0, tau * log(10.0 / 9.0), 1e-6);
    ck_assert_int_eq(dct_sig_settling_time(t, x, n, 1.0, x1,
                                           0.05 * fabs(x1 - x0), &tr, &d),
                     0);
    ck_assert_double_eq_tol(tr - 1.0, tau * log(20.0), 1e-6);
    /* never reaches 100.01 % */
    ck_assert_int_eq(dct_sig_time_to_fraction(t, x, n, 1.0, x0, x1, 1.0001,
                                              &tr, &d), 1);
    ck_assert(isinf(tr));
    ck_assert_int_eq(dct_sig_time_to_fraction(t, x, n, 1.0, x0, x0, 0.9,
                                              &tr, &d), -1);
    expect_error(&d, "bad arguments");
    free(t);
    free(x);
}
END_TEST

START_TEST(test_settling)
{
    static const double t[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    static const double x[] = { 0, 2, 0.5, 1.2, 0.95, 1.02, 1, 1, 1, 1, 1 };
    static const double tbad[] = { 0, 1, 1 };
    double ts;
    dct_diag d;

    dct_diag_init(&d);
    /* last out of band: 1.2 at t = 3; back inside 1.1 at 3 + 0.1/0.25 */
    ck_assert_int_eq(dct_sig_settling_time(t, x, 11, 0.0, 1.0, 0.1, &ts,
                                           &d), 0);
    ck_assert_double_eq_tol(ts, 3.4, 1e-12);
    /* a tighter band: 1.02 at t = 5 is out of +-0.01 */
    ck_assert_int_eq(dct_sig_settling_time(t, x, 11, 0.0, 1.0, 0.01, &ts,
                                           &d), 0);
    ck_assert_double_eq_tol(ts, 5.5, 1e-12);
    /* from t0 = 7 on it is in band: settled at t0 */
    ck_assert_int_eq(dct_sig_settling_time(t, x, 11, 7.0, 1.0, 0.1, &ts,
                                           &d), 0);
    ck_assert_double_eq(ts, 7.0);
    /* t0 between samples, after the last excursion's crossing */
    ck_assert_int_eq(dct_sig_settling_time(t, x, 11, 3.7, 1.0, 0.1, &ts,
                                           &d), 0);
    ck_assert_double_eq(ts, 3.7);
    /* never settles: the end is out of band */
    ck_assert_int_eq(dct_sig_settling_time(t, x, 11, 0.0, 1.5, 0.1, &ts,
                                           &d), 1);
    ck_assert(isinf(ts));
    ck_assert_int_eq(dct_sig_settling_time(t, x, 11, 11.0, 1.0, 0.1, &ts,
                                           &d), -1);
    expect_error(&d, "no sample at or after 11 s");
    ck_assert_int_eq(dct_sig_settling_time(tbad, x, 3, 0.0, 1.0, 0.1, &ts,
                                           &d), -1);
    expect_error(&d, "not after");
    ck_assert_int_eq(dct_sig_settling_time(t, x, 11, 0.0, 1.0, -0.1, &ts,
                                           &d), -1);
    expect_error(&d, "band -0.1");
}
END_TEST

START_TEST(test_rms_difference)
{
    static const double a[] = { 1.0, 2.0, 3.0, 4.0 };
    static const double b[] = { 1.5, 1.5, 3.5, 3.5 };
    double r;
    dct_diag d;

    dct_diag_init(&d);
    ck_assert_int_eq(dct_sig_rms_difference(a, b, 4, &r, &d), 0);
    ck_assert_double_eq_tol(r, 0.5, 1e-15);
    ck_assert_int_eq(dct_sig_rms_difference(a, a, 4, &r, &d), 0);
    ck_assert_double_eq(r, 0.0);
    ck_assert_int_eq(dct_sig_rms_difference(a, b, 0, &r, &d), -1);
    expect_error(&d, "0 samples");
}
END_TEST

START_TEST(test_longest_above)
{
    /* two humps over 5: 0.5..1.5 (1 s) and 3.2..5.8 (2.6 s) */
    static const double t[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    static const double x[] = { 0, 10, 0, 4, 9, 9, 4, 0 };
    static const double hi[] = { 6, 7, 6 };
    double dur, t0;
    dct_diag d;

    dct_diag_init(&d);
    ck_assert_int_eq(dct_sig_longest_above(t, x, 8, 5.0, &dur, &t0, &d), 0);
    ck_assert_double_eq_tol(dur, 2.6, 1e-12);
    ck_assert_double_eq_tol(t0, 3.2, 1e-12);
    /* above from the first to the last sample */
    ck_assert_int_eq(dct_sig_longest_above(t, hi, 3, 5.0, &dur, &t0, &d), 0);
    ck_assert_double_eq(dur, 2.0);
    ck_assert_double_eq(t0, 0.0);
    /* never above */
    ck_assert_int_eq(dct_sig_longest_above(t, x, 8, 10.0, &dur, &t0, &d), 0);
    ck_assert_double_eq(dur, 0.0);
    ck_assert(isnan(t0));
    ck_assert_int_eq(dct_sig_longest_above(t, x, 8, NAN, &dur, &t0, &d), -1);
    expect_error(&d, "bad arguments");
}
END_TEST

/* --- the suite ----------------------------------------------------------- */

static Suite *signal_suite(void)
{
    Suite *s = suite_create("signal");
    TCase *spec = tcase_create("spectrum");
    TCase *rf = tcase_create("rainflow");
    TCase *age = tcase_create("ageing");
    TCase *tim = tcase_create("time-domain");

    tcase_add_test(spec, test_fft_layout);
    tcase_add_test(spec, test_on_bin);
    tcase_add_loop_test(spec, test_band_between_bins, 0,
                        (int)(sizeof TONES / sizeof TONES[0]));
    tcase_add_test(spec, test_two_tones);
    tcase_add_test(spec, test_spectrum_errors);
    tcase_add_test(spec, test_good_length);
    tcase_add_test(spec, test_resample);
    suite_add_tcase(s, spec);

    tcase_add_test(rf, test_astm_e1049);
    tcase_add_test(rf, test_astm_dense);
    tcase_add_test(rf, test_turning_points);
    tcase_add_test(rf, test_rainflow_edges);
    suite_add_tcase(s, rf);

    tcase_add_test(age, test_ageing_calendar_only);
    tcase_add_test(age, test_ageing_sawtooth);
    tcase_add_test(age, test_ageing_monotone);
    tcase_add_test(age, test_ageing_errors);
    suite_add_tcase(s, age);

    tcase_add_test(tim, test_moving_average);
    tcase_add_test(tim, test_max_ramp);
    tcase_add_test(tim, test_window_range);
    tcase_add_test(tim, test_step_response);
    tcase_add_test(tim, test_settling);
    tcase_add_test(tim, test_rms_difference);
    tcase_add_test(tim, test_longest_above);
    suite_add_tcase(s, tim);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(signal_suite());
    int failed;

    gsl_set_error_handler_off();
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
