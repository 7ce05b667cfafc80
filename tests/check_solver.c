/* check_solver.c - unit tests of src/solver.c against closed-form solutions.
 *
 * Output-time convention tested here: a run continued from t_end does NOT
 * repeat the output at its start time (already emitted by the previous run).
 */
#include "config.h"
#include "solver.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXREC 4096
#define DCT_PI 3.14159265358979323846

/* ------------------------------------------------------------------------ */
/* helpers                                                                   */

/* Recorded callbacks. */
typedef struct rec {
    size_t n_out, n_step, n_root;
    double t_out[MAXREC], y_out[MAXREC][3];
    double t_step[MAXREC];
    double t_root[16];
    int found[16][4];
    size_t out_before_root[16];  /* n_out when on_root was called */
    size_t stop_out_at;          /* on_output returns 7 at this call (1-based) */
    size_t stop_step_at;         /* on_step returns 9 at this call */
    size_t ny;                   /* entries of y recorded */
} rec;

static int on_output(double t, const double *y, void *ud)
{
    rec *r = ud;
    if (r->n_out < MAXREC) {
        r->t_out[r->n_out] = t;
        for (size_t i = 0; i < r->ny && i < 3; i++)
            r->y_out[r->n_out][i] = y[i];
    }
    r->n_out++;
    return r->stop_out_at && r->n_out == r->stop_out_at ? 7 : 0;
}

static int on_step(double t, const double *y, void *ud)
{
    (void)y;
    rec *r = ud;
    if (r->n_step < MAXREC)
        r->t_step[r->n_step] = t;
    r->n_step++;
    return r->stop_step_at && r->n_step == r->stop_step_at ? 9 : 0;
}

static int on_root(double t, const double *y, const int *found, void *ud)
{
    (void)y;
    rec *r = ud;
    if (r->n_root < 16) {
        r->t_root[r->n_root] = t;
        memcpy(r->found[r->n_root], found, 2 * sizeof *found);
        r->out_before_root[r->n_root] = r->n_out;
    }
    r->n_root++;
    return 0;
}

static dct_solver_cb make_cb(rec *r, size_t ny)
{
    memset(r, 0, sizeof *r);
    r->ny = ny;
    dct_solver_cb cb = { on_output, on_step, on_root, r };
    return cb;
}

/* Diagonal pattern / full pattern builders (caller frees). */
static void pattern_diag(size_t n, long **cp, long **ri)
{
    *cp = malloc((n + 1) * sizeof **cp);
    *ri = malloc(n * sizeof **ri);
    ck_assert(*cp && *ri);
    for (size_t j = 0; j <= n; j++)
        (*cp)[j] = (long)j;
    for (size_t j = 0; j < n; j++)
        (*ri)[j] = (long)j;
}

static dct_solver_opts tight_opts(double rtol, double atol)
{
    dct_solver_opts o;
    dct_solver_opts_default(&o);
    o.rtol = rtol;
    o.atol = atol;
    return o;
}

/* ------------------------------------------------------------------------ */
/* 1. RC step response with a breakpoint                                     */

#define RC_R 0.0213
#define RC_C 387.0
#define RC_TIN 308.15
#define RC_P1 1234.5
#define RC_TB 10.0

typedef struct rc_model {
    double P;
    int n_hook;
    double t_hook;
    long n_jac;
} rc_model;

static int rc_rhs(double t, const double *y, double *ydot, void *ctx)
{
    (void)t;
    rc_model *m = ctx;
    ydot[0] = (m->P - (y[0] - RC_TIN) / RC_R) / RC_C;
    return 0;
}

static int rc_jac(double t, const double *y, const double *fy, double *v,
                  void *ctx)
{
    (void)t;
    (void)y;
    (void)fy;
    rc_model *m = ctx;
    m->n_jac++;
    v[0] = -1.0 / (RC_R * RC_C);
    return 0;
}

static int rc_next_bp(double t, double *tb, void *ctx)
{
    (void)ctx;
    if (t < RC_TB) {
        *tb = RC_TB;
        return 1;
    }
    return 0;
}

static int rc_at_bp(double tb, double *y, void *ctx)
{
    (void)y;
    rc_model *m = ctx;
    m->n_hook++;
    m->t_hook = tb;
    m->P = RC_P1;
    return 0;
}

static double rc_exact(double t)
{
    if (t <= RC_TB)
        return RC_TIN;
    return RC_TIN + RC_P1 * RC_R * (1.0 - exp(-(t - RC_TB) / (RC_R * RC_C)));
}

static void run_rc(int analytic, int split)
{
    static const long cp[] = { 0, 1 }, ri[] = { 0 };
    rc_model m = { 0 };
    dct_ode ode = { .n = 1, .colptr = cp, .rowind = ri, .rhs = rc_rhs,
                    .jac = analytic ? rc_jac : NULL,
                    .next_breakpoint = rc_next_bp, .at_breakpoint = rc_at_bp,
                    .ctx = &m };
    dct_diag d;
    dct_diag_init(&d);
    dct_solver_opts o = tight_opts(1e-8, 1e-8);
    double y0 = RC_TIN;
    dct_solver *s = dct_solver_new(&ode, &y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    static rec r;
    dct_solver_cb cb = make_cb(&r, 1);
    if (split) {   /* t_end on the breakpoint: the hook runs in run 2 */
        ck_assert_int_eq(dct_solver_run(s, RC_TB, 0.5, &cb, &d), 0);
        ck_assert_int_eq(m.n_hook, 0);
        ck_assert_double_eq(dct_solver_state(s)[0], RC_TIN);
        ck_assert_uint_eq(r.n_out, 21);
    }
    ck_assert_int_eq(dct_solver_run(s, 60.0, 0.5, &cb, &d), 0);
    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_uint_eq(r.n_out, 121);
    double maxrel = 0.0;
    for (size_t k = 0; k < r.n_out; k++) {
        double t = r.t_out[k], T = r.y_out[k][0];
        ck_assert_double_eq(t, 0.5 * (double)k);
        if (t <= RC_TB)   /* before (and at, left limit) the step: exact */
            ck_assert_double_eq(T, RC_TIN);
        double rel = fabs(T - rc_exact(t)) / (RC_P1 * RC_R);
        if (rel > maxrel)
            maxrel = rel;
        ck_assert_double_eq_tol(T, rc_exact(t), 1e-4 * RC_P1 * RC_R);
    }
    /* a step ended exactly at the breakpoint, none stepped over it */
    int hit = 0;
    for (size_t k = 0; k < r.n_step && k < MAXREC; k++) {
        if (r.t_step[k] == RC_TB)
            hit++;
        if (k > 0)
            ck_assert(!(r.t_step[k - 1] < RC_TB && r.t_step[k] > RC_TB));
    }
    ck_assert_int_eq(hit, 1);
    ck_assert_int_eq(m.n_hook, 1);
    ck_assert_double_eq(m.t_hook, RC_TB);
    dct_solver_stats st;
    dct_solver_get_stats(s, &st);
    ck_assert_int_eq(st.n_breakpoints, 1);
    ck_assert_int_eq(st.n_steps, (long)r.n_step);
    ck_assert_int_gt(st.n_jac, 0);
    ck_assert_double_gt(st.last_h, 0.0);
    ck_assert_double_eq(dct_solver_time(s), 60.0);
    ck_assert_double_eq_tol(dct_solver_state(s)[0], rc_exact(60.0), 1e-5);
    if (analytic)
        ck_assert_int_eq(m.n_jac, st.n_jac);
    else
        ck_assert_int_eq(st.n_colors, 1);
    fprintf(stderr, "rc (%s jac): max error / (P R) = %.3g, %ld steps\n",
            analytic ? "analytic" : "FD", maxrel, st.n_steps);
    dct_solver_free(s);
    dct_diag_clear(&d);
}

START_TEST(test_rc_step)
{
    run_rc(0, 0);
}
END_TEST

START_TEST(test_rc_bp_at_t_end)
{
    run_rc(0, 1);
}
END_TEST

START_TEST(test_rc_analytic_jac)
{
    run_rc(1, 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* 2. Stiff 3x3 linear system A = -Q diag(lambda) Q, Q a Householder matrix  */

static const double lam3[3] = { 1e-3, 1.0, 1e4 };
static double Q3[3][3];

static void make_q3(void)
{
    const double v[3] = { 1.0, 2.0, 3.0 };
    const double vv = 14.0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            Q3[i][j] = (i == j) - 2.0 * v[i] * v[j] / vv;
}

static int stiff_rhs(double t, const double *y, double *ydot, void *ctx)
{
    (void)t;
    (void)ctx;
    double z[3];
    for (int i = 0; i < 3; i++) {   /* z = Q y (Q symmetric orthogonal) */
        z[i] = 0.0;
        for (int j = 0; j < 3; j++)
            z[i] += Q3[i][j] * y[j];
        z[i] *= -lam3[i];
    }
    for (int i = 0; i < 3; i++) {
        ydot[i] = 0.0;
        for (int j = 0; j < 3; j++)
            ydot[i] += Q3[i][j] * z[j];
    }
    return 0;
}

static void stiff_exact(double t, const double *y0, double *y)
{
    double z[3];
    for (int i = 0; i < 3; i++) {
        z[i] = 0.0;
        for (int j = 0; j < 3; j++)
            z[i] += Q3[i][j] * y0[j];
        z[i] *= exp(-lam3[i] * t);
    }
    for (int i = 0; i < 3; i++) {
        y[i] = 0.0;
        for (int j = 0; j < 3; j++)
            y[i] += Q3[i][j] * z[j];
    }
}

START_TEST(test_stiff_dense)
{
    static const long cp[] = { 0, 3, 6, 9 };
    static const long ri[] = { 0, 1, 2, 0, 1, 2, 0, 1, 2 };
    make_q3();
    dct_ode ode = { .n = 3, .colptr = cp, .rowind = ri, .rhs = stiff_rhs };
    dct_diag d;
    dct_diag_init(&d);
    dct_solver_opts o = tight_opts(1e-8, 1e-10);
    const double y0[3] = { 1.0, -0.5, 2.0 };
    dct_solver *s = dct_solver_new(&ode, y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    static rec r;
    dct_solver_cb cb = make_cb(&r, 3);
    ck_assert_int_eq(dct_solver_run(s, 1000.0, 50.0, &cb, &d), 0);
    ck_assert_uint_eq(r.n_out, 21);
    double maxerr = 0.0;
    for (size_t k = 0; k < r.n_out; k++) {
        double ye[3];
        stiff_exact(r.t_out[k], y0, ye);
        for (int i = 0; i < 3; i++) {
            maxerr = fmax(maxerr, fabs(r.y_out[k][i] - ye[i]));
            ck_assert_double_eq_tol(r.y_out[k][i], ye[i], 1e-6);
        }
    }
    dct_solver_stats st;
    dct_solver_get_stats(s, &st);
    ck_assert_int_eq(st.n_colors, 3);
    ck_assert_int_gt(st.n_jac, 0);
    /* stiffness ratio 1e7 over 1000 s: only an implicit method with a
     * correct Jacobian gets through in few steps */
    ck_assert_int_lt(st.n_steps, 3000);
    fprintf(stderr, "stiff 3x3: max abs error %.3g, %ld steps, %ld jac\n",
            maxerr, st.n_steps, st.n_jac);
    dct_solver_free(s);
    dct_diag_clear(&d);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* 3a. 500 decoupled RC nodes: diagonal pattern, one colour                  */

#define NDIAG 500

static double diag_tau(size_t i) { return 0.05 + 0.01 * (double)i; }
static double diag_a(size_t i) { return 300.0 + 0.1 * (double)i; }

static int diag_rhs(double t, const double *y, double *ydot, void *ctx)
{
    (void)t;
    (void)ctx;
    for (size_t i = 0; i < NDIAG; i++)
        ydot[i] = -(y[i] - diag_a(i)) / diag_tau(i);
    return 0;
}

START_TEST(test_diag_500)
{
    long *cp, *ri;
    pattern_diag(NDIAG, &cp, &ri);
    dct_ode ode = { .n = NDIAG, .colptr = cp, .rowind = ri, .rhs = diag_rhs };
    dct_diag d;
    dct_diag_init(&d);
    dct_solver_opts o = tight_opts(1e-8, 1e-8);
    static double y0[NDIAG];
    for (size_t i = 0; i < NDIAG; i++)
        y0[i] = 290.0 + 0.05 * (double)i;
    dct_solver *s = dct_solver_new(&ode, y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dct_solver_run(s, 5.0, 1.0, NULL, &d), 0);
    const double *y = dct_solver_state(s);
    double maxerr = 0.0;
    for (size_t i = 0; i < NDIAG; i++) {
        double ye = diag_a(i) + (y0[i] - diag_a(i)) * exp(-5.0 / diag_tau(i));
        maxerr = fmax(maxerr, fabs(y[i] - ye));
        ck_assert_double_eq_tol(y[i], ye, 1e-5);
    }
    dct_solver_stats st;
    dct_solver_get_stats(s, &st);
    ck_assert_int_eq(st.n_colors, 1);
    fprintf(stderr, "diag 500: max abs error %.3g K, %ld steps\n", maxerr,
            st.n_steps);
    dct_solver_free(s);
    dct_diag_clear(&d);
    free(cp);
    free(ri);
}
END_TEST

/* 3b. 200-node conduction chain y' = -k L y (L = tridiag(-1, 2, -1),
 * Dirichlet ends): closed form through the sine eigenvectors. */

#define NCH 200
#define KCH 50.0

static int chain_rhs(double t, const double *y, double *ydot, void *ctx)
{
    (void)t;
    (void)ctx;
    for (size_t i = 0; i < NCH; i++) {
        double l = i > 0 ? y[i - 1] : 0.0, r = i + 1 < NCH ? y[i + 1] : 0.0;
        ydot[i] = KCH * (l - 2.0 * y[i] + r);
    }
    return 0;
}

static void chain_exact(double t, const double *y0, double *y)
{
    const double h = DCT_PI / (NCH + 1);
    for (size_t i = 0; i < NCH; i++)
        y[i] = 0.0;
    for (size_t m = 1; m <= NCH; m++) {
        double c = 0.0;
        for (size_t j = 0; j < NCH; j++)
            c += y0[j] * sin((double)((j + 1) * m) * h);
        c *= 2.0 / (NCH + 1);
        double lam = KCH * (2.0 - 2.0 * cos((double)m * h));
        double e = exp(-lam * t);
        for (size_t i = 0; i < NCH; i++)
            y[i] += c * e * sin((double)((i + 1) * m) * h);
    }
}

START_TEST(test_chain_200)
{
    static long cp[NCH + 1], ri[3 * NCH];
    long p = 0;
    for (size_t j = 0; j < NCH; j++) {
        cp[j] = p;
        if (j > 0)
            ri[p++] = (long)j - 1;
        ri[p++] = (long)j;
        if (j + 1 < NCH)
            ri[p++] = (long)j + 1;
    }
    cp[NCH] = p;
    dct_ode ode = { .n = NCH, .colptr = cp, .rowind = ri, .rhs = chain_rhs };
    dct_diag d;
    dct_diag_init(&d);
    dct_solver_opts o = tight_opts(1e-8, 1e-10);
    static double y0[NCH], ye[NCH];
    for (size_t i = 0; i < NCH; i++)   /* a hot spot plus a ramp */
        y0[i] = (i >= 90 && i < 110 ? 10.0 : 0.0) + 0.01 * (double)i;
    dct_solver *s = dct_solver_new(&ode, y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dct_solver_run(s, 2.0, 1.0, NULL, &d), 0);
    chain_exact(2.0, y0, ye);
    const double *y = dct_solver_state(s);
    double maxerr = 0.0;
    for (size_t i = 0; i < NCH; i++) {
        maxerr = fmax(maxerr, fabs(y[i] - ye[i]));
        ck_assert_double_eq_tol(y[i], ye[i], 1e-6);
    }
    dct_solver_stats st;
    dct_solver_get_stats(s, &st);
    ck_assert_int_le(st.n_colors, 3);
    ck_assert_int_ge(st.n_colors, 3);  /* distance-2 colouring of a chain */
    fprintf(stderr, "chain 200: max abs error %.3g, %ld steps, %ld colours\n",
            maxerr, st.n_steps, st.n_colors);
    dct_solver_free(s);
    dct_diag_clear(&d);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* 4. Quadrature q' = y, y = exp(-t/tau), y doubled at a breakpoint at 5 s   */

#define QTAU 2.0

static int q_rhs(double t, const double *y, double *ydot, void *ctx)
{
    (void)t;
    (void)ctx;
    ydot[0] = -y[0] / QTAU;
    return 0;
}

static int q_qrhs(double t, const double *y, double *qdot, void *ctx)
{
    (void)t;
    (void)ctx;
    qdot[0] = y[0];
    qdot[1] = 2.0;   /* q1 = 2 t */
    return 0;
}

static int q_next_bp(double t, double *tb, void *ctx)
{
    (void)ctx;
    if (t < 5.0) {
        *tb = 5.0;
        return 1;
    }
    return 0;
}

static int q_at_bp(double tb, double *y, void *ctx)
{
    (void)tb;
    (void)ctx;
    y[0] *= 2.0;
    return 0;
}

static double q_exact(double t)
{
    if (t <= 5.0)
        return QTAU * (1.0 - exp(-t / QTAU));
    return QTAU * (1.0 - exp(-5.0 / QTAU)) +
           2.0 * QTAU * (exp(-5.0 / QTAU) - exp(-t / QTAU));
}

START_TEST(test_quadrature)
{
    static const long cp[] = { 0, 1 }, ri[] = { 0 };
    dct_ode ode = { .n = 1, .colptr = cp, .rowind = ri, .rhs = q_rhs,
                    .nq = 2, .qrhs = q_qrhs, .next_breakpoint = q_next_bp,
                    .at_breakpoint = q_at_bp };
    dct_diag d;
    dct_diag_init(&d);
    dct_solver_opts o = tight_opts(1e-8, 1e-10);
    double y0 = 1.0, q[2] = { -1.0, -1.0 };
    dct_solver *s = dct_solver_new(&ode, &y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    dct_solver_quad(s, q);
    ck_assert_double_eq(q[0], 0.0);
    ck_assert_double_eq(q[1], 0.0);
    ck_assert_int_eq(dct_solver_run(s, 3.0, 1.0, NULL, &d), 0);
    dct_solver_quad(s, q);
    double e3 = fabs(q[0] - q_exact(3.0));
    ck_assert_double_eq_tol(q[0], q_exact(3.0), 1e-6);
    ck_assert_double_eq_tol(q[1], 6.0, 1e-9);
    /* continue across the breakpoint, where y doubles */
    ck_assert_int_eq(dct_solver_run(s, 12.0, 1.0, NULL, &d), 0);
    dct_solver_quad(s, q);
    double e12 = fabs(q[0] - q_exact(12.0));
    ck_assert_double_eq_tol(q[0], q_exact(12.0), 1e-6);
    ck_assert_double_eq_tol(q[1], 24.0, 1e-9);
    ck_assert_double_eq_tol(dct_solver_state(s)[0], 2.0 * exp(-6.0), 1e-8);
    dct_solver_stats st;
    dct_solver_get_stats(s, &st);
    ck_assert_int_eq(st.n_breakpoints, 1);
    fprintf(stderr, "quadrature: error %.3g at 3 s, %.3g at 12 s\n", e3, e12);
    dct_solver_free(s);
    dct_diag_clear(&d);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* 5. Roots: cos(2t) crossing zero, and a linear ramp crossing a limit       */

#define OMEGA 2.0
#define RAMP_T0 300.0
#define RAMP_RATE 0.5
#define RAMP_LIMIT 301.234

static int osc_rhs(double t, const double *y, double *ydot, void *ctx)
{
    (void)t;
    (void)ctx;
    ydot[0] = y[1];
    ydot[1] = -OMEGA * OMEGA * y[0];
    ydot[2] = RAMP_RATE;
    return 0;
}

static int osc_roots(double t, const double *y, double *g, void *ctx)
{
    (void)t;
    (void)ctx;
    g[0] = y[0];
    g[1] = y[2] - RAMP_LIMIT;
    return 0;
}

START_TEST(test_roots)
{
    static const long cp[] = { 0, 2, 4, 5 }, ri[] = { 0, 1, 0, 1, 2 };
    dct_ode ode = { .n = 3, .colptr = cp, .rowind = ri, .rhs = osc_rhs,
                    .nroots = 2, .roots = osc_roots };
    dct_diag d;
    dct_diag_init(&d);
    dct_solver_opts o = tight_opts(1e-10, 1e-12);
    const double y0[3] = { 1.0, 0.0, RAMP_T0 };
    dct_solver *s = dct_solver_new(&ode, y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    static rec r;
    dct_solver_cb cb = make_cb(&r, 3);
    int rc = dct_solver_run(s, 4.0, 0.5, &cb, &d);
    if (rc)
        dct_diag_print(&d, stderr);
    ck_assert_int_eq(rc, 0);
    /* cos(2t) = 0 at pi/4 (down), 3pi/4 (up), 5pi/4 (down); ramp at
     * (limit - T0)/rate = 2.468 (up) */
    const double tr[4] = { DCT_PI / 4, 3 * DCT_PI / 4,
                           (RAMP_LIMIT - RAMP_T0) / RAMP_RATE, 5 * DCT_PI / 4 };
    const int f0[4] = { -1, 1, 0, -1 }, f1[4] = { 0, 0, 1, 0 };
    ck_assert_uint_eq(r.n_root, 4);
    double maxerr = 0.0;
    for (int k = 0; k < 4; k++) {
        maxerr = fmax(maxerr, fabs(r.t_root[k] - tr[k]));
        ck_assert_double_eq_tol(r.t_root[k], tr[k], 1e-6);
        ck_assert_int_eq(r.found[k][0], f0[k]);
        ck_assert_int_eq(r.found[k][1], f1[k]);
        /* every output time <= the root was emitted before on_root */
        size_t expect = (size_t)floor(tr[k] / 0.5) + 1;
        ck_assert_uint_eq(r.out_before_root[k], expect);
    }
    ck_assert_uint_eq(r.n_out, 9);
    for (size_t k = 0; k < r.n_out; k++)
        ck_assert_double_eq_tol(r.y_out[k][0], cos(OMEGA * r.t_out[k]), 1e-7);
    dct_solver_stats st;
    dct_solver_get_stats(s, &st);
    ck_assert_int_eq(st.n_roots, 4);
    fprintf(stderr, "roots: max time error %.3g s\n", maxerr);
    dct_solver_free(s);
    dct_diag_clear(&d);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* 6. Failures                                                               */

typedef struct fail_model {
    int mode;        /* 0 fatal after 5 s, 1 NaN after 3 s, 2 one hiccup */
    int hiccups;
} fail_model;

static int fail_rhs(double t, const double *y, double *ydot, void *ctx)
{
    fail_model *m = ctx;
    ydot[0] = -y[0];
    if (m->mode == 0 && t > 5.0)
        return -1;
    if (m->mode == 1 && t > 3.0)
        ydot[0] = NAN;
    if (m->mode == 2 && t > 2.0 && m->hiccups == 0) {
        m->hiccups++;
        return 1;
    }
    return 0;
}

static void run_fail(int mode, int expect_rc, const char *needle)
{
    static const long cp[] = { 0, 1 }, ri[] = { 0 };
    fail_model m = { mode, 0 };
    dct_ode ode = { .n = 1, .colptr = cp, .rowind = ri, .rhs = fail_rhs,
                    .ctx = &m };
    dct_diag d;
    dct_diag_init(&d);
    double y0 = 1.0;
    dct_solver_opts o = tight_opts(1e-8, 1e-10);
    dct_solver *s = dct_solver_new(&ode, &y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    static rec r;
    dct_solver_cb cb = make_cb(&r, 1);
    int rc = dct_solver_run(s, 10.0, 1.0, &cb, &d);
    ck_assert_int_eq(rc, expect_rc);
    if (expect_rc == 0) {
        ck_assert_uint_eq(d.n_errors, 0);
        ck_assert_int_eq(m.hiccups, 1);
        ck_assert_double_eq_tol(dct_solver_state(s)[0], exp(-10.0), 1e-5);
    } else {
        ck_assert_uint_eq(d.n_errors, 1);
        const char *text = NULL;   /* warnings may precede the error */
        for (size_t k = 0; k < d.n_msg; k++)
            if (d.msg[k].sev == DCT_ERROR)
                text = d.msg[k].text;
        ck_assert_ptr_nonnull(text);
        fprintf(stderr, "error mode %d (%zu warnings): %s\n", mode,
                d.n_warnings, text);
        ck_assert_ptr_nonnull(strstr(text, "solver:"));
        ck_assert_ptr_nonnull(strstr(text, needle));
        /* the outputs before the failure were delivered */
        ck_assert_uint_ge(r.n_out, (mode == 0 ? 5u : 3u));
        ck_assert_double_lt(dct_solver_time(s), (mode == 0 ? 5.5 : 3.5));
    }
    dct_solver_free(s);
    dct_diag_clear(&d);
}

START_TEST(test_fatal_rhs)
{
    run_fail(0, -1, "CV_RHSFUNC_FAIL");
}
END_TEST

START_TEST(test_nan_rhs)
{
    run_fail(1, -1, "non-finite");
}
END_TEST

START_TEST(test_recoverable_rhs)
{
    run_fail(2, 0, NULL);
}
END_TEST

START_TEST(test_bad_input)
{
    static const long cp[] = { 0, 1, 2 }, ri_nodiag[] = { 1, 0 };
    dct_ode ode = { .n = 2, .colptr = cp, .rowind = ri_nodiag,
                    .rhs = q_rhs };
    dct_diag d;
    dct_diag_init(&d);
    const double y0[2] = { 1.0, 1.0 };
    ck_assert_ptr_null(dct_solver_new(&ode, y0, 0.0, NULL, &d));
    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "diagonal"));
    dct_diag_clear(&d);
    dct_solver_opts o;
    dct_solver_opts_default(&o);
    ck_assert_double_eq(o.rtol, 1e-5);
    ck_assert_double_eq(o.atol, 1e-4);
    ck_assert_int_eq(o.max_steps, 100000);
    ck_assert_double_eq(o.h_max, 0.0);
    ck_assert_double_eq(o.h_init, 0.0);
    o.rtol = -1.0;
    static const long cp1[] = { 0, 1 }, ri1[] = { 0 };
    dct_ode ode1 = { .n = 1, .colptr = cp1, .rowind = ri1, .rhs = q_rhs };
    ck_assert_ptr_null(dct_solver_new(&ode1, y0, 0.0, &o, &d));
    ck_assert_uint_eq(d.n_errors, 1);
    dct_diag_clear(&d);
    dct_solver_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* 7./8. Output times, continuation, stopping callbacks                      */

static int decay_rhs(double t, const double *y, double *ydot, void *ctx)
{
    (void)t;
    (void)ctx;
    ydot[0] = -y[0];
    return 0;
}

static dct_solver *new_decay(dct_diag *d)
{
    static const long cp[] = { 0, 1 }, ri[] = { 0 };
    static const dct_ode ode = { .n = 1, .colptr = cp, .rowind = ri,
                                 .rhs = decay_rhs };
    dct_solver_opts o = tight_opts(1e-8, 1e-10);
    double y0 = 1.0;
    dct_solver *s = dct_solver_new(&ode, &y0, 0.0, &o, d);
    ck_assert_ptr_nonnull(s);
    return s;
}

START_TEST(test_output_times)
{
    dct_diag d;
    dct_diag_init(&d);
    dct_solver *s = new_decay(&d);
    static rec r;
    dct_solver_cb cb = make_cb(&r, 1);
    ck_assert_int_eq(dct_solver_run(s, 2.0, 0.25, &cb, &d), 0);
    ck_assert_uint_eq(r.n_out, 9);
    for (size_t k = 0; k < 9; k++) {
        ck_assert_double_eq(r.t_out[k], 0.25 * (double)k);
        ck_assert_double_eq_tol(r.y_out[k][0], exp(-r.t_out[k]), 1e-7);
    }
    /* continue: 2.25 .. 3.0, t = 2.0 is not repeated */
    ck_assert_int_eq(dct_solver_run(s, 3.0, 0.25, &cb, &d), 0);
    ck_assert_uint_eq(r.n_out, 13);
    for (size_t k = 9; k < 13; k++)
        ck_assert_double_eq(r.t_out[k], 0.25 * (double)k);
    ck_assert_double_eq_tol(r.y_out[12][0], exp(-3.0), 1e-7);
    ck_assert_uint_eq(d.n_errors, 0);
    dct_solver_free(s);

    /* 0.1 is inexact in binary: 7 * 0.1 != 0.7, the last output must be
     * t_end exactly, with no extra or missing output */
    s = new_decay(&d);
    cb = make_cb(&r, 1);
    ck_assert_int_eq(dct_solver_run(s, 0.7, 0.1, &cb, &d), 0);
    ck_assert_uint_eq(r.n_out, 8);
    ck_assert_double_eq(r.t_out[7], 0.7);
    ck_assert_double_eq(r.t_out[3], 0.0 + 3 * 0.1);
    dct_solver_free(s);
    dct_diag_clear(&d);
}
END_TEST

START_TEST(test_callback_stop)
{
    dct_diag d;
    dct_diag_init(&d);
    dct_solver *s = new_decay(&d);
    static rec r;
    dct_solver_cb cb = make_cb(&r, 1);
    r.stop_out_at = 3;
    ck_assert_int_eq(dct_solver_run(s, 2.0, 0.25, &cb, &d), 7);
    ck_assert_uint_eq(r.n_out, 3);
    ck_assert_double_eq(r.t_out[2], 0.5);
    ck_assert_double_le(dct_solver_time(s), 2.0);
    /* resuming delivers the rest, nothing repeated, nothing lost */
    r.stop_out_at = 0;
    ck_assert_int_eq(dct_solver_run(s, 2.0, 0.25, &cb, &d), 0);
    ck_assert_uint_eq(r.n_out, 9);
    for (size_t k = 0; k < 9; k++) {
        ck_assert_double_eq(r.t_out[k], 0.25 * (double)k);
        ck_assert_double_eq_tol(r.y_out[k][0], exp(-r.t_out[k]), 1e-7);
    }
    /* on_step stopping */
    size_t steps = r.n_step;
    r.stop_step_at = steps + 2;
    ck_assert_int_eq(dct_solver_run(s, 4.0, 0.25, &cb, &d), 9);
    ck_assert_uint_eq(r.n_step, steps + 2);
    ck_assert_uint_eq(d.n_errors, 0);
    dct_solver_free(s);
    dct_diag_clear(&d);
}
END_TEST

/* Breakpoints at 1, 1 + 1 ulp (coincident by rounding) and 2: the hook
 * runs for each, the integration restarts twice. */
typedef struct bp_model {
    int n_hook;
    double y_at_hook[4];
} bp_model;

static double bp_times[3];

static int bp_next(double t, double *tb, void *ctx)
{
    (void)ctx;
    for (int k = 0; k < 3; k++)
        if (bp_times[k] > t) {
            *tb = bp_times[k];
            return 1;
        }
    return 0;
}

static int bp_hook(double tb, double *y, void *ctx)
{
    (void)tb;
    bp_model *m = ctx;
    if (m->n_hook < 4)
        m->y_at_hook[m->n_hook] = y[0];
    m->n_hook++;
    y[0] += 1.0;
    return 0;
}

START_TEST(test_coincident_bp)
{
    static const long cp[] = { 0, 1 }, ri[] = { 0 };
    bp_times[0] = 1.0;
    bp_times[1] = nextafter(1.0, 2.0);
    bp_times[2] = 2.0;
    bp_model m = { 0 };
    dct_ode ode = { .n = 1, .colptr = cp, .rowind = ri, .rhs = decay_rhs,
                    .next_breakpoint = bp_next, .at_breakpoint = bp_hook,
                    .ctx = &m };
    dct_diag d;
    dct_diag_init(&d);
    dct_solver_opts o = tight_opts(1e-8, 1e-10);
    double y0 = 1.0;
    dct_solver *s = dct_solver_new(&ode, &y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dct_solver_run(s, 3.0, 1.0, NULL, &d), 0);
    ck_assert_int_eq(m.n_hook, 3);
    dct_solver_stats st;
    dct_solver_get_stats(s, &st);
    ck_assert_int_eq(st.n_breakpoints, 2);
    /* y = e^-1 at 1, +2 from two hooks, decays to 2, +1, decays to 3 */
    double y1 = exp(-1.0), y2 = (y1 + 2.0) * exp(-1.0);
    ck_assert_double_eq_tol(m.y_at_hook[0], y1, 1e-7);
    ck_assert_double_eq_tol(m.y_at_hook[1], y1 + 1.0, 1e-7);
    ck_assert_double_eq_tol(m.y_at_hook[2], y2, 1e-7);
    ck_assert_double_eq_tol(dct_solver_state(s)[0], (y2 + 1.0) * exp(-1.0),
                            1e-7);
    dct_solver_free(s);
    dct_diag_clear(&d);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* a smooth breakpoint: y' = -k (y - g(t)), g a ramp with corners at 1 and
 * 2.5 s (continuous, its slope jumps); closed form per piece */

#define KINK_K 3.7

static double kink_g(double t)
{
    return t < 1 ? 0 : (t < 2.5 ? 0.8 * (t - 1) : 1.2);
}

static int kink_rhs(double t, const double *y, double *ydot, void *ctx)
{
    (void)ctx;
    ydot[0] = -KINK_K * (y[0] - kink_g(t));
    return 0;
}

static int kink_next(double t, double *tb, void *ctx)
{
    (void)ctx;
    if (t < 1) { *tb = 1; return 1; }
    if (t < 2.5) { *tb = 2.5; return 1; }
    return 0;
}

static int kink_smooth(double tb, void *ctx)
{
    (void)tb, (void)ctx;
    return 1;
}

/* y for y(0) = 0: 0 until 1 s; on the ramp (slope a = 0.8) the response
 * a (s - (1 - e^{-k s}) / k), s = t - 1; then the decay to 1.2 */
static double kink_exact(double t)
{
    const double a = 0.8, k = KINK_K;
    if (t <= 1)
        return 0;
    double s = fmin(t, 2.5) - 1;
    double y = a * (s - (1 - exp(-k * s)) / k);
    if (t <= 2.5)
        return y;
    return 1.2 + (y - 1.2) * exp(-k * (t - 2.5));
}

typedef struct kink_rec { double err; size_t n; } kink_rec;

static int kink_out(double t, const double *y, void *ud)
{
    kink_rec *r = ud;
    r->err = fmax(r->err, fabs(y[0] - kink_exact(t)));
    r->n++;
    return 0;
}

START_TEST(test_smooth_bp)
{
    static const long colptr[] = {0, 1}, rowind[] = {0};
    dct_ode ode = {.n = 1, .colptr = colptr, .rowind = rowind,
                   .rhs = kink_rhs, .next_breakpoint = kink_next,
                   .is_smooth_bp = kink_smooth};
    double y0 = 0;
    dct_diag d;
    dct_diag_init(&d);
    dct_solver_opts o;
    dct_solver_opts_default(&o);
    o.rtol = 1e-9;
    o.atol = 1e-12;
    dct_solver *s = dct_solver_new(&ode, &y0, 0.0, &o, &d);
    ck_assert_ptr_nonnull(s);
    kink_rec r = {0, 0};
    dct_solver_cb cb = {kink_out, NULL, NULL, &r};
    int rc = dct_solver_run(s, 5.0, 0.125, &cb, &d);
    if (rc)
        dct_diag_print(&d, stderr);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(r.n, 41);
    ck_assert_double_le(r.err, 1e-7);
    dct_solver_stats st;
    dct_solver_get_stats(s, &st);
    /* both corners were stopped at, neither restarted CVODE */
    ck_assert_int_eq(st.n_breakpoints, 2);
    ck_assert_int_eq(st.n_smooth_bp, 2);
    dct_solver_free(s);
    dct_diag_clear(&d);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *solver_suite(void)
{
    Suite *su = suite_create("solver");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_rc_step);
    tcase_add_test(tc, test_rc_analytic_jac);
    tcase_add_test(tc, test_rc_bp_at_t_end);
    tcase_add_test(tc, test_coincident_bp);
    tcase_add_test(tc, test_stiff_dense);
    tcase_add_test(tc, test_diag_500);
    tcase_add_test(tc, test_chain_200);
    tcase_add_test(tc, test_quadrature);
    tcase_add_test(tc, test_roots);
    tcase_add_test(tc, test_fatal_rhs);
    tcase_add_test(tc, test_nan_rhs);
    tcase_add_test(tc, test_recoverable_rhs);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_output_times);
    tcase_add_test(tc, test_callback_stop);
    tcase_add_test(tc, test_smooth_bp);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(solver_suite());
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
