/* check_profile.c - unit tests of the load profiles (src/profile.c)
 * against closed forms: the breakpoints and values of the shipped library
 * profiles (models/profiles/ai-loads.xml) and of test profiles
 * (tests/data/profiles-test.xml): the FFT fundamental at the set
 * frequency, GPU power smoothing's periodic cycle, the job envelope and
 * checkpoint dips, seeded faults and bursts (same seed, same loads;
 * another seed, other loads), the diurnal shape, the mix's shares, and
 * scenario switches and scales.  Data through $top_srcdir. */
#include "config.h"
#include "profile.h"
#include "site.h"

#include <check.h>
#include <gsl/gsl_fft_real.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *data_path(const char *rel)
{
    const char *top = getenv("top_srcdir");
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", top ? top : ".", rel);
    return buf;
}

static dct_site *lib_load(const char *rel)
{
    dct_diag d;
    dct_diag_init(&d);
    dct_site *s = dct_site_load_library(data_path(rel), &d);
    if (!s)
        dct_diag_print(&d, stderr);
    ck_assert_ptr_nonnull(s);
    dct_diag_clear(&d);
    return s;
}

static dct_profile_set *one(const dct_site *s, const char *name,
                            unsigned long seed)
{
    dct_diag d;
    dct_diag_init(&d);
    dct_profile_set *ps = dct_profile_set_single(s, name, seed, &d);
    if (!ps)
        dct_diag_print(&d, stderr);
    ck_assert_ptr_nonnull(ps);
    dct_diag_clear(&d);
    return ps;
}

/* Frequency [Hz] of the largest FFT bin (DC removed) of u sampled every
 * DT for N samples. */
static double fundamental(const dct_profile_set *ps, int n, double dt)
{
    double *x = calloc((size_t)n, sizeof *x), mean = 0;
    ck_assert_ptr_nonnull(x);
    for (int i = 0; i < n; i++)
        mean += (x[i] = dct_profile_u(ps, 0, i * dt)) / n;
    for (int i = 0; i < n; i++)
        x[i] -= mean;
    gsl_fft_real_wavetable *wt = gsl_fft_real_wavetable_alloc((size_t)n);
    gsl_fft_real_workspace *ws = gsl_fft_real_workspace_alloc((size_t)n);
    ck_assert(wt && ws);
    ck_assert_int_eq(gsl_fft_real_transform(x, 1, (size_t)n, wt, ws), 0);
    int kmax = 0;
    double amax = 0;
    for (int k = 1; k < n / 2; k++) { /* halfcomplex: re x[2k-1], im x[2k] */
        double a = hypot(x[2 * k - 1], x[2 * k]);
        if (a > amax) {
            amax = a;
            kmax = k;
        }
    }
    gsl_fft_real_wavetable_free(wt);
    gsl_fft_real_workspace_free(ws);
    free(x);
    return kmax / (n * dt);
}

static void expect_bps(const dct_profile_set *ps, double t,
                       const double *want, size_t n)
{
    double tb;
    for (size_t i = 0; i < n; i++) {
        ck_assert(dct_profile_next_breakpoint(ps, t, &tb));
        ck_assert_double_eq_tol(tb, want[i], 1e-9);
        t = tb;
    }
}

START_TEST(test_training_library)
{
    dct_site *lib = lib_load("models/profiles/ai-loads.xml");
    /* sync-training: 1.5 s period, duty 0.6, 5 ms edges */
    dct_profile_set *ps = one(lib, "sync-training", 1);
    const double want[] = {0.005, 0.9, 0.905, 1.5, 1.505, 2.4};
    expect_bps(ps, 0, want, sizeof want / sizeof want[0]);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 0.5), 1, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 1.2), 0.3, 1e-12);
    /* 60 s at 5 ms: 12000 samples, bins of 1/60 Hz; 1/1.5 = 40/60 Hz */
    ck_assert_double_eq_tol(fundamental(ps, 12000, 0.005), 1 / 1.5, 1e-12);
    dct_profile_set_free(ps);
    /* the ends of the 0.2-3 Hz sweep */
    ps = one(lib, "training-0.2hz", 1);
    ck_assert_double_eq_tol(fundamental(ps, 12000, 0.005), 0.2, 1e-12);
    dct_profile_set_free(ps);
    ps = one(lib, "training-3hz", 1);
    ck_assert_double_eq_tol(fundamental(ps, 12000, 0.005), 3.0, 1e-3);
    dct_profile_set_free(ps);
    /* the UPS test: 2 s at 0.9, 2 s at 0.5, steps (jumps) */
    ps = one(lib, "ups-test", 1);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 1), 0.9, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 3), 0.5, 1e-6);
    const double ups[] = {2, 4, 6};
    expect_bps(ps, 0.5, ups, 3);
    ck_assert(dct_profile_jumps_at(ps, 2));
    ck_assert_double_eq_tol(fundamental(ps, 12000, 0.005), 0.25, 1e-12);
    dct_profile_set_free(ps);
    /* job start: idle 0.1 to full in 0.3 s */
    ps = one(lib, "training-start", 1);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 0.15), 0.55, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 0.5), 1, 1e-12);
    dct_profile_set_free(ps);
    /* checkpoint dips every 30 min for 12 s at 0.15 */
    ps = one(lib, "training-checkpoint", 1);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 1805), 0.15, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 1800.5 + 12), 1, 1e-12);
    const double ck[] = {1800, 1800.005};
    expect_bps(ps, 1799.9, ck, 2);
    ck_assert(dct_profile_jumps_at(ps, 1812));
    dct_profile_set_free(ps);
    dct_site_free(lib);
}
END_TEST

START_TEST(test_smoothing_cycle)
{
    dct_site *lib = lib_load("tests/data/profiles-test.xml");
    dct_profile_set *ps = one(lib, "smooth", 1);
    /* closed form: y0 = 0.6, up at 0.5/s to 1 at 0.8 s, hold to 1.2 s,
     * down at 0.5/s to 0.6 at 2 s */
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 0.0), 0.6, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 0.4), 0.8, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 1.1), 1.0, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 1.6), 0.8, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 4.4), 0.8, 1e-12);
    const double want[] = {0.8, 1.0, 1.2, 2.0, 2.8};
    expect_bps(ps, 0, want, 5);
    /* the floor lifts the 0.3 of the raw wave */
    for (double t = 0; t < 6; t += 0.01)
        ck_assert(dct_profile_u(ps, 0, t) >= 0.5);
    ck_assert_int_eq(dct_profile_jumps_at(ps, 1.0), 0);
    dct_profile_set_free(ps);
    dct_site_free(lib);
}
END_TEST

START_TEST(test_job_envelope)
{
    dct_site *lib = lib_load("tests/data/profiles-test.xml");
    dct_profile_set *ps = one(lib, "job1", 1);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 5), 0.1, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 11), 0.55, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 20), 1, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 42), 0.2, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 46), 1, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 99), 1, 1e-12);
    /* the end ramp during the third dip: 0.1 + (0.2 - 0.1) 0.5 */
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 100.5), 0.15, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 102), 0.1, 1e-12);
    const double want[] = {10, 12, 40, 45, 70, 75, 100, 101};
    expect_bps(ps, 0, want, sizeof want / sizeof want[0]);
    ck_assert(dct_profile_jumps_at(ps, 40));
    ck_assert(dct_profile_jumps_at(ps, 45));
    ck_assert_int_eq(dct_profile_jumps_at(ps, 10), 0);
    dct_profile_set_free(ps);
    dct_site_free(lib);
}
END_TEST

/* Breakpoints of the first N after 0 into BP. */
static void bps(const dct_profile_set *ps, double *bp, int n)
{
    double t = 0;
    for (int i = 0; i < n; i++) {
        ck_assert(dct_profile_next_breakpoint(ps, t, &bp[i]));
        t = bp[i];
    }
}

START_TEST(test_seeded_faults)
{
    dct_site *lib = lib_load("tests/data/profiles-test.xml");
    dct_profile_set *a = one(lib, "faulty", 7), *b = one(lib, "faulty", 7);
    dct_profile_set *c = one(lib, "faulty", 8);
    double ba[40], bb[40], bc[40];
    bps(a, ba, 40);
    bps(b, bb, 40);
    bps(c, bc, 40);
    int same = 1, diff = 0;
    for (int i = 0; i < 40; i++) {
        same &= ba[i] == bb[i];
        diff |= ba[i] != bc[i];
    }
    ck_assert_msg(same, "the same seed gave other faults");
    ck_assert_msg(diff, "another seed gave the same faults");
    /* the first fault: down in 0.5 s, idle for its 10 s hold */
    double tf = ba[0];
    ck_assert_double_eq_tol(ba[1], tf + 0.5, 1e-9);
    ck_assert_double_eq_tol(ba[2], tf + 10, 1e-9);
    ck_assert_double_eq_tol(dct_profile_u(a, 0, tf + 5), 0.1, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(a, 0, tf - 1e-3), 1, 1e-12);
    /* the rate: a fault every 60 s of running plus 10 s down, over 100 h:
     * 360000 / 70 = 5143 faults, Poisson sd 72 (5 sd: 360) */
    double t = 0, tb;
    long n_bp = 0;
    while (dct_profile_next_breakpoint(a, t, &tb)) {
        n_bp++;
        t = tb;
    }
    /* three distinct breakpoints per fault: t_f, the end of the ramp
     * down, and the restart (no ramp up: held and up coincide) */
    double n_f = (double)n_bp / 3;
    ck_assert_msg(fabs(n_f - 5143) < 360, "%g faults in 100 h", n_f);
    dct_profile_set_free(a);
    dct_profile_set_free(b);
    dct_profile_set_free(c);
    dct_site_free(lib);
}
END_TEST

START_TEST(test_inference)
{
    dct_site *lib = lib_load("tests/data/profiles-test.xml");
    dct_profile_set *ps = one(lib, "day", 1);
    /* u = 1/2 + s(h)/2: trough 0.5 at 04 h, peak 1 at 16 h */
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 4 * 3600.0), 0.5, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 16 * 3600.0), 1, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 10.5 * 3600), 0.8875,
                            1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 40 * 3600.0), 1, 1e-12);
    const double want[] = {3 * 3600.0, 6 * 3600.0, 9 * 3600.0};
    expect_bps(ps, 0, want, 3);
    dct_profile_set_free(ps);
    /* bursts: seeded, jumps to 1 */
    dct_profile_set *a = one(lib, "bursty", 3), *b = one(lib, "bursty", 3);
    dct_profile_set *c = one(lib, "bursty", 4);
    int same = 1, diff = 0, n_hi = 0;
    for (double t = 0; t < 36000; t += 1) {
        double ua = dct_profile_u(a, 0, t);
        same &= ua == dct_profile_u(b, 0, t);
        diff |= ua != dct_profile_u(c, 0, t);
        n_hi += ua == 1.0;
    }
    ck_assert(same);
    ck_assert(diff);
    /* 20 bursts an hour of 30 s over 10 h: about 200 x 30 s = 6000 s */
    ck_assert_msg(n_hi > 4500 && n_hi < 7500, "%d s of bursts", n_hi);
    dct_profile_set_free(a);
    dct_profile_set_free(b);
    dct_profile_set_free(c);
    dct_site_free(lib);
}
END_TEST

START_TEST(test_mix_and_errors)
{
    dct_diag d;
    dct_diag_init(&d);
    dct_site *s = dct_site_load(data_path("sites/gb200-row.xml"), &d);
    ck_assert_ptr_nonnull(s);
    dct_profile_set *ps = dct_profile_set_new(s, "campus-mix", 1, &d);
    ck_assert_ptr_nonnull(ps);
    /* 8 racks at 0.6 / 0.4: 5 training, 3 inference */
    int n_tr = 0, n_in = 0;
    for (size_t k = 0; k < 8; k++) {
        const char *nm = dct_profile_name(ps, k);
        n_tr += strcmp(nm, "training-checkpoint") == 0;
        n_in += strcmp(nm, "inference-diurnal") == 0;
    }
    ck_assert_int_eq(n_tr, 5);
    ck_assert_int_eq(n_in, 3);
    dct_profile_set_free(ps);
    dct_site_free(s);
    /* fractions that do not sum to 1 */
    dct_site *lib = lib_load("tests/data/profiles-test.xml");
    ck_assert_ptr_null(dct_profile_set_single(lib, "bad-mix", 1, &d));
    ck_assert_uint_eq(d.n_errors, 1);
    dct_site_free(lib);
    dct_diag_clear(&d);
}
END_TEST

START_TEST(test_switch_and_scale)
{
    dct_diag d;
    dct_diag_init(&d);
    dct_profile_set *ps = dct_profile_set_single(NULL, "constant", 1, &d);
    ck_assert_ptr_nonnull(ps);
    ck_assert_int_eq(dct_profile_set_event(ps, NULL, 0, NULL, 10, NULL, 0.5,
                                           "x", 1, &d), 0);
    ck_assert_int_eq(dct_profile_set_event(ps, NULL, 0, NULL, 20,
                                           "llm-training", NAN, "x", 2, &d),
                     0);
    ck_assert_int_eq(dct_profile_set_finish(ps), 0);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 5), 1, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 15), 0.5, 1e-12);
    /* the new profile on its own time base: high at 0.5 s after 20 s */
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 20.5), 1, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 21.5), 0.3, 1e-12);
    /* u is a fraction of p-max, and a rack draws at least p-idle:
     * max(40, 0.5 x 132) = 66 kW; max(40, 0.3 x 132 = 39.6) = 40 kW */
    ck_assert_double_eq_tol(dct_profile_power(ps, 0, 15, 40e3, 132e3),
                            66e3, 1e-6);
    ck_assert_double_eq_tol(dct_profile_power(ps, 0, 21.5, 40e3, 132e3),
                            40e3, 1e-6);
    ck_assert_double_eq_tol(dct_profile_power(ps, 0, 21.5, 30e3, 132e3),
                            39.6e3, 1e-6);
    const double want[] = {10, 20, 20.05, 21, 21.05};
    expect_bps(ps, 0, want, 5);
    ck_assert(dct_profile_jumps_at(ps, 10));
    dct_profile_set_free(ps);
    dct_diag_clear(&d);
}
END_TEST

static Suite *profile_suite(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("shapes");
    tcase_add_test(tc, test_training_library);
    tcase_add_test(tc, test_smoothing_cycle);
    tcase_add_test(tc, test_job_envelope);
    tcase_add_test(tc, test_seeded_faults);
    tcase_add_test(tc, test_inference);
    tcase_add_test(tc, test_mix_and_errors);
    tcase_add_test(tc, test_switch_and_scale);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(profile_suite());
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
