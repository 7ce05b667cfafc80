/* check_model.c - unit tests of the thermal model (src/model.c,
 * src/comp_*.c) against closed-form answers:
 *   - the GPU junction/plate RC network of one rack under a power step with
 *     its coolant inlet held fixed, against the analytic two-node solution;
 *   - counterflow and crossflow effectiveness at known NTU and Cr, and the
 *     inverse functions;
 *   - the steady state of sites/gb200-row.xml against the design-point
 *     formula of dctwin-models(7)
 *     (T_j = T_sup + f_man dT + P_gpu (R_ci + R_jc));
 *   - energy closure of a whole run under synchronous training.
 * Data through $top_srcdir so that make distcheck works.
 */
#include "config.h"
#include "model.h"
#include "model_impl.h"
#include "site.h"
#include "solver.h"

#include "profile.h"

#include <check.h>
#include <gsl/gsl_fft_real.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 273.15

static char *data_path(const char *rel)
{
    const char *top = getenv("top_srcdir");
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", top ? top : ".", rel);
    return buf;
}

typedef struct fixture {
    dct_diag d;
    dct_site *site;
    dct_model *m;
    const dct_ode *ode;
    double *y, *out;
} fixture;

/* 1: build models with --no-aggregate (every rack its own states) */
static int fx_no_aggregate;
/* dense-row threshold of the Jacobian (0: the model's default) */
static size_t fx_dense_row;

static void fx_open(fixture *f, const char *rel, const char *profile)
{
    memset(f, 0, sizeof *f);
    dct_diag_init(&f->d);
    f->site = dct_site_load(data_path(rel), &f->d);
    if (!f->site)
        dct_diag_print(&f->d, stderr);
    ck_assert_ptr_nonnull(f->site);
    dct_model_opts o = {profile, 1, NULL, fx_no_aggregate, fx_dense_row, 0};
    f->m = dct_model_build(f->site, &o, &f->d);
    if (!f->m)
        dct_diag_print(&f->d, stderr);
    ck_assert_ptr_nonnull(f->m);
    f->ode = dct_model_ode(f->m);
    f->y = calloc(f->ode->n, sizeof *f->y);
    f->out = calloc(dct_model_n_outputs(f->m), sizeof *f->out);
    ck_assert(f->y && f->out);
    dct_model_initial_state(f->m, f->y);
}

static void fx_close(fixture *f)
{
    free(f->y);
    free(f->out);
    dct_model_free(f->m);
    dct_site_free(f->site);
    dct_diag_clear(&f->d);
}

static double output(fixture *f, double t, const double *y, const char *name)
{
    dct_model_outputs(f->m, t, y, f->out);
    for (size_t i = 0; i < dct_model_n_outputs(f->m); i++)
        if (strcmp(dct_model_output_name(f->m, i), name) == 0)
            return f->out[i];
    ck_abort_msg("no output column %s", name);
    return NAN;
}

/* The model's sparsity pattern with another RHS and nothing else: no
 * Jacobian, quadratures, roots or breakpoints. */
static dct_ode plain_ode(const dct_ode *m,
                         int (*rhs)(double, const double *, double *, void *),
                         void *ctx)
{
    return (dct_ode){.n = m->n, .colptr = m->colptr, .rowind = m->rowind,
                     .rhs = rhs, .ctx = ctx};
}

/* ------------------------------------------------- RC step of one rack */

/* The model's ODE with every state frozen except the first rack's GPU
 * junction and plate temperatures (states 0..3: T_j, T_case, T_j_hot,
 * T_case_hot): the coolant ahead of the plates is then held fixed. */
typedef struct frozen {
    const dct_ode *ode;
} frozen;

static int frozen_rhs(double t, const double *y, double *ydot, void *ctx)
{
    const frozen *fz = ctx;
    int rc = fz->ode->rhs(t, y, ydot, fz->ode->ctx);
    for (size_t i = 4; i < fz->ode->n; i++)
        ydot[i] = 0;
    return rc;
}

typedef struct rec_rc {
    fixture *f;
    double t_pin, p, r_jc, r_ci, c_j, c_cp;
    double err_max;     /* [K] largest |T_j - analytic| */
    size_t n;
} rec_rc;

/* Analytic response of  C_j dTj/dt = P - (Tj - Tc)/R_jc,
 *                       C_cp dTc/dt = (Tj - Tc)/R_jc - (Tc - T_pin)/R_ci
 * from Tj = Tc = T_pin at t = 0 with P switched on at t = 0. */
static double rc_analytic(const rec_rc *r, double t)
{
    double a00 = -1 / (r->c_j * r->r_jc), a01 = 1 / (r->c_j * r->r_jc);
    double a10 = 1 / (r->c_cp * r->r_jc);
    double a11 = -1 / (r->c_cp * r->r_jc) - 1 / (r->c_cp * r->r_ci);
    double tr = a00 + a11, det = a00 * a11 - a01 * a10;
    double disc = sqrt(tr * tr / 4 - det);
    double l1 = tr / 2 + disc, l2 = tr / 2 - disc;
    /* eigenvectors v_k = (a01, l_k - a00) */
    double v1[2] = {a01, l1 - a00}, v2[2] = {a01, l2 - a00};
    /* theta(0) - theta_ss = -(P (R_jc + R_ci), P R_ci) = c1 v1 + c2 v2 */
    double d0 = -r->p * (r->r_jc + r->r_ci), d1 = -r->p * r->r_ci;
    double den = v1[0] * v2[1] - v2[0] * v1[1];
    double c1 = (d0 * v2[1] - v2[0] * d1) / den;
    double c2 = (v1[0] * d1 - d0 * v1[1]) / den;
    return r->t_pin + r->p * (r->r_jc + r->r_ci) + c1 * v1[0] * exp(l1 * t) +
           c2 * v2[0] * exp(l2 * t);
}

static int rc_on_output(double t, const double *y, void *ud)
{
    rec_rc *r = ud;
    double e = fabs(y[0] - rc_analytic(r, t));
    if (e > r->err_max)
        r->err_max = e;
    r->n++;
    return 0;
}

START_TEST(test_rack_rc_step)
{
    fixture f;
    fx_open(&f, "tests/data/one-rack.xml", "constant");
    /* the layout assumption: state 0 is A01's mean junction [K] */
    ck_assert_double_eq_tol(output(&f, 0, f.y, "A01.T_j_degC"), f.y[0] - T0,
                            1e-12);
    /* the plate inlet, from the frozen coolant states (A.1: f_man 0.25) */
    double t_sup = output(&f, 0, f.y, "cdu-1.T_supply_degC") + T0;
    double t_ret = output(&f, 0, f.y, "A01.T_return_degC") + T0;
    double flow = output(&f, 0, f.y, "A01.flow_Lpm");
    rec_rc r = {0};
    r.f = &f;
    r.t_pin = t_sup + 0.25 * (t_ret - t_sup);
    r.p = 1200;                              /* [W] p-gpu at u = 1 */
    r.r_jc = 0.010;                          /* [K/W] */
    double v = 1.5 * flow / 158.0;           /* [L/min] per plate */
    r.r_ci = 0.01617 + 0.00839 / v;          /* [K/W] OCP fit */
    r.c_j = 80;                              /* [J/K] */
    r.c_cp = 300;                            /* [J/K] */
    /* the GPU starts cold: junction and plate at the plate inlet */
    for (int i = 0; i < 4; i++)
        f.y[i] = r.t_pin;
    frozen fz = {f.ode};
    dct_ode ode = plain_ode(f.ode, frozen_rhs, &fz);
    dct_solver_opts so;
    dct_solver_opts_default(&so);
    so.rtol = 1e-8;
    so.atol = 1e-8;
    dct_solver *sv = dct_solver_new(&ode, f.y, 0.0, &so, &f.d);
    ck_assert_ptr_nonnull(sv);
    dct_solver_cb cb = {rc_on_output, NULL, NULL, &r};
    ck_assert_int_eq(dct_solver_run(sv, 200.0, 0.25, &cb, &f.d), 0);
    ck_assert_uint_eq(r.n, 801);
    /* 38 K of rise followed to 1 mK */
    ck_assert_double_le(r.err_max, 1e-3);
    const double *y = dct_solver_state(sv);
    ck_assert_double_eq_tol(y[0], r.t_pin + 1200 * (r.r_jc + r.r_ci), 1e-3);
    dct_solver_free(sv);
    fx_close(&f);
}
END_TEST

/* ------------------------------------------------------------- eps-NTU */

START_TEST(test_eps_ntu)
{
    /* counterflow (Incropera eq. 11.29a), values worked by hand */
    ck_assert_double_eq_tol(dct_eps_counterflow(1.0, 0.5), 0.564733, 1e-6);
    ck_assert_double_eq_tol(dct_eps_counterflow(2.0, 0.75), 0.721827, 1e-6);
    /* Cr = 1: eps = NTU / (1 + NTU) */
    ck_assert_double_eq_tol(dct_eps_counterflow(2.385, 1.0),
                            2.385 / 3.385, 1e-12);
    /* Cr = 0: eps = 1 - exp(-NTU), any arrangement */
    ck_assert_double_eq_tol(dct_eps_counterflow(1.7, 0.0), 1 - exp(-1.7),
                            1e-12);
    ck_assert_double_eq_tol(dct_eps_crossflow(1.7, 0.0), 1 - exp(-1.7),
                            1e-12);
    /* crossflow, both fluids unmixed (Incropera eq. 11.32) */
    ck_assert_double_eq_tol(dct_eps_crossflow(1.0, 1.0), 0.468536, 1e-6);
    /* against the exact series solution (Incropera fig. 11.19: ~0.90) */
    ck_assert_double_eq_tol(dct_eps_crossflow(3.0, 0.25), 0.90, 0.01);
    ck_assert_double_eq(dct_eps_counterflow(0, 0.4), 0);
    /* the inverses return the NTU */
    const double ntu[] = {0.137, 0.83, 2.385, 5.91};
    const double cr[] = {0.0, 0.291, 0.637, 0.997};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++) {
            double e = dct_eps_counterflow(ntu[i], cr[j]);
            ck_assert_double_eq_tol(dct_ntu_counterflow(e, cr[j]), ntu[i],
                                    1e-9 * (1 + ntu[i]));
            double ex = dct_eps_crossflow(ntu[i], cr[j]);
            ck_assert_double_eq_tol(dct_ntu_crossflow(ex, cr[j]), ntu[i],
                                    1e-6 * (1 + ntu[i]));
        }
    /* an effectiveness no exchanger reaches */
    ck_assert_double_lt(dct_ntu_counterflow(0.9, 1.2), 0);
    ck_assert_double_lt(dct_ntu_counterflow(1.0, 0.5), 0);
}
END_TEST

/* ------------------------------------------------ A.1 steady state */

START_TEST(test_gb200_row_steady)
{
    fixture f;
    fx_open(&f, "sites/gb200-row.xml", NULL);
    dct_solver_opts so;
    dct_solver_opts_default(&so);
    dct_solver *sv = dct_solver_new(f.ode, f.y, 0.0, &so, &f.d);
    ck_assert_ptr_nonnull(sv);
    ck_assert_int_eq(dct_solver_run(sv, 7200.0, 7200.0, NULL, &f.d), 0);
    const double *y = dct_solver_state(sv);
    /* A.1: T_sup 35 degC held by the CDU; rack rise f_liq P / (mdot c_p)
     * at 158 L/min of PG25; plate at 1.5 L/min. */
    double mdot = 158.0 / 60e3 * DCT_RHO_TCS;
    double dt = 0.87 * 132e3 / (mdot * DCT_CP_TCS);
    double tj = 35 + 0.25 * dt + 1200 * (0.01617 + 0.00839 / 1.5 + 0.010);
    ck_assert_double_eq_tol(output(&f, 7200, y, "cdu-1.T_supply_degC"), 35,
                            0.01);
    ck_assert_double_eq_tol(output(&f, 7200, y, "A01.T_return_degC"),
                            35 + dt, 0.02);
    ck_assert_double_eq_tol(output(&f, 7200, y, "A01.T_j_degC"), tj, 0.02);
    ck_assert_double_eq_tol(output(&f, 7200, y, "A08.T_j_degC"), tj, 0.02);
    /* the gb200-row design point (hand calculation): 75.8 degC, within 1.5 K */
    ck_assert_double_eq_tol(output(&f, 7200, y, "A01.T_j_degC"), 75.8, 1.5);
    /* the facility loop at its 31 degC setpoint, CDU duty = liquid heat
     * plus its pump heat */
    ck_assert_double_eq_tol(output(&f, 7200, y, "fws.T_supply_degC"), 31,
                            0.01);
    double q = output(&f, 7200, y, "cdu-1.Q_kW");
    double pump = output(&f, 7200, y, "cdu-1.P_pump_kW");
    ck_assert_double_eq_tol(q, 8 * 0.87 * 132 + pump, 0.5);
    dct_solver_free(sv);
    fx_close(&f);
}
END_TEST

/* ---------------------------------------------------- energy closure */

typedef struct rec_e {
    double u0;
    fixture *f;
} rec_e;

/* gb200-row, and one rack of it with a 15 m3 storage tank (A.1 TES) */
static const char *const closure_sites[] = {"sites/gb200-row.xml",
                                            "tests/data/one-rack.xml"};
static const double closure_racks[] = {8, 1};

START_TEST(test_energy_closure_training)
{
    fixture f;
    fx_open(&f, closure_sites[_i], "training");
    double u0 = dct_model_stored_energy(f.m, f.y);
    dct_solver_opts so;
    dct_solver_opts_default(&so);
    dct_solver *sv = dct_solver_new(f.ode, f.y, 0.0, &so, &f.d);
    ck_assert_ptr_nonnull(sv);
    /* from the design estimate: a large transient plus 2 s square waves */
    ck_assert_int_eq(dct_solver_run(sv, 300.0, 300.0, NULL, &f.d), 0);
    double q[DCT_NQ];
    dct_solver_quad(sv, q);
    double du = dct_model_stored_energy(f.m, dct_solver_state(sv)) - u0;
    double rel = fabs(q[DCT_Q_E_IN] - q[DCT_Q_E_OUT] - du) / q[DCT_Q_E_IN];
    ck_assert_double_le(rel, 1e-4);
    /* the IT energy is that of the square wave: 300 s of a 2 s period,
     * level 1 / 0.3 with 50 ms edges, between P_idle and P_max */
    double nr = closure_racks[_i];
    ck_assert_double_gt(q[DCT_Q_E_IT], nr * 300 * 40e3);
    ck_assert_double_lt(q[DCT_Q_E_IT], nr * 300 * 132e3);
    /* input energy is IT energy plus pump heat */
    ck_assert_double_gt(q[DCT_Q_E_IN], q[DCT_Q_E_IT]);
    dct_solver_free(sv);
    fx_close(&f);
}
END_TEST

/* --------------------------------------- constant-current discharge */

/* Only the battery's cell states move (SOC, V1, V2, T: the last six states
 * of bess-cc.xml are the battery's SOC, V1, V2, T, P_c, x); the converter
 * power P_c is held, so the cell current is constant. */
typedef struct cc_frozen {
    const dct_ode *ode;
    size_t b;                 /* index of SOC */
} cc_frozen;

static int cc_rhs(double t, const double *y, double *ydot, void *ctx)
{
    const cc_frozen *fz = ctx;
    int rc = fz->ode->rhs(t, y, ydot, fz->ode->ctx);
    for (size_t i = 0; i < fz->ode->n; i++)
        if (i < fz->b || i > fz->b + 3)
            ydot[i] = 0;
    return rc;
}

typedef struct cc_rec {
    fixture *f;
    double i, soc0, q, err_soc, err_v, v_term;
    size_t n;
} cc_rec;

static int cc_out(double t, const double *y, void *ud)
{
    cc_rec *r = ud;
    double soc = output(r->f, t, y, "bess.soc");
    double v = output(r->f, t, y, "bess.V_cell_V");
    double i = output(r->f, t, y, "bess.I_cell_A");
    r->err_soc = fmax(r->err_soc, fabs(soc - (r->soc0 - r->i * t / r->q)));
    r->err_v = fmax(r->err_v, fabs(v - r->v_term));
    r->err_v = fmax(r->err_v, fabs(i - r->i) * 1e-3);
    r->n++;
    return 0;
}

START_TEST(test_bess_constant_current)
{
    fixture f;
    fx_open(&f, "tests/data/bess-cc.xml", NULL);
    size_t b = f.ode->n - 6;
    ck_assert_double_eq_tol(f.y[b], 0.8, 1e-15);    /* the layout */
    /* 40 kW at the bus: 40 kW / 0.95 from 200 cells at E = 3.3 V with
     * R0 = 2 mOhm: p = i (E - i R0), the smaller root */
    const double p_bus = 40e3, eta = 0.95, n = 200, e = 3.3, r0 = 2e-3;
    double p = p_bus / eta / n;
    double i = (e - sqrt(e * e - 4 * r0 * p)) / (2 * r0);
    f.y[b + 4] = p_bus;
    cc_rec r = {0};
    r.f = &f;
    r.i = i;
    r.soc0 = 0.8;
    r.q = 50 * 3600.0;
    r.v_term = e - i * r0;
    cc_frozen fz = {f.ode, b};
    dct_ode ode = plain_ode(f.ode, cc_rhs, &fz);
    dct_solver_opts so;
    dct_solver_opts_default(&so);
    so.rtol = 1e-10;
    so.atol = 1e-10;
    dct_solver *sv = dct_solver_new(&ode, f.y, 0.0, &so, &f.d);
    ck_assert_ptr_nonnull(sv);
    dct_solver_cb cb = {cc_out, NULL, NULL, &r};
    /* 20 min: 61 A for 1200 s takes 0.41 of the 50 Ah */
    ck_assert_int_eq(dct_solver_run(sv, 1200.0, 60.0, &cb, &f.d), 0);
    ck_assert_uint_eq(r.n, 21);
    ck_assert_double_le(r.err_soc, 1e-8);
    ck_assert_double_le(r.err_v, 1e-9);
    ck_assert_double_gt(0.8 - dct_solver_state(sv)[b], 0.4);
    /* the cell heats by i^2 R0 toward T_cool + i^2 R0 R_th */
    double t_end = dct_solver_state(sv)[b + 3];
    double t_inf = 298.15 + i * i * r0 * 2.0;
    double t_exp = t_inf + (298.15 - t_inf) * exp(-1200.0 / (1000 * 2.0));
    ck_assert_double_eq_tol(t_end, t_exp, 1e-6);
    dct_solver_free(sv);
    fx_close(&f);
}
END_TEST

/* ------------------------------------------------------------ profiles */

START_TEST(test_profile_llm_training)
{
    dct_diag d;
    dct_diag_init(&d);
    dct_profile_set *ps = dct_profile_set_builtin("llm-training", &d);
    ck_assert_ptr_nonnull(ps);
    /* the shape: low 0.3, high 1, 50 ms edges, 1 s high then 1 s low */
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 0.0), 0.3, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 0.025), 0.65, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 0.5), 1.0, 1e-12);
    ck_assert_double_eq_tol(dct_profile_u(ps, 0, 1.5), 0.3, 1e-12);
    ck_assert_double_eq_tol(dct_profile_power(ps, 0, 0.5, 40e3, 132e3),
                            132e3, 1e-6);
    /* breakpoints exactly at the corners */
    const double want[] = {0.05, 1.0, 1.05, 2.0, 2.05, 3.0};
    double t = 0, tb;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert(dct_profile_next_breakpoint(ps, t, &tb));
        ck_assert_double_eq_tol(tb, want[i], 1e-12);
        t = tb;
    }
    /* the corners are kinks, not jumps */
    ck_assert_int_eq(dct_profile_jumps_at(ps, 1.0), 0);
    /* the fundamental of 60 s at 10 ms is the 0.5 Hz of the 2 s period */
    enum { N = 6000 };
    static double x[N];
    double mean = 0;
    for (int i = 0; i < N; i++)
        mean += (x[i] = dct_profile_u(ps, 0, i * 0.01)) / N;
    for (int i = 0; i < N; i++)
        x[i] -= mean;
    gsl_fft_real_wavetable *wt = gsl_fft_real_wavetable_alloc(N);
    gsl_fft_real_workspace *ws = gsl_fft_real_workspace_alloc(N);
    ck_assert(wt && ws);
    ck_assert_int_eq(gsl_fft_real_transform(x, 1, N, wt, ws), 0);
    /* halfcomplex: bin k at x[2k-1] (re), x[2k] (im) */
    int kmax = 0;
    double amax = 0;
    for (int k = 1; k < N / 2; k++) {
        double a = hypot(x[2 * k - 1], x[2 * k]);
        if (a > amax) {
            amax = a;
            kmax = k;
        }
    }
    ck_assert_double_eq_tol(kmax / 60.0, 0.5, 1e-12);
    /* a square wave of swing 0.7: fundamental amplitude 2 0.7 / pi, less
     * a little for the 50 ms edges (sinc(pi f e) = 0.999) */
    ck_assert_double_eq_tol(2 * amax / N, 2 * 0.7 / M_PI * 0.9990, 2e-3);
    gsl_fft_real_wavetable_free(wt);
    gsl_fft_real_workspace_free(ws);
    dct_profile_set_free(ps);
    ck_assert_ptr_null(dct_profile_set_builtin("nosuch", &d));
    ck_assert_uint_eq(d.n_errors, 1);
    dct_diag_clear(&d);
}
END_TEST

/* ------------------------------------------- Jacobian: pattern and values */

/* The component owning state I (for messages). */
static const char *state_owner(const dct_model *m, size_t i)
{
    for (size_t k = 0; k < m->n_comp; k++)
        if (i >= m->comp[k].off && i < m->comp[k].off + m->comp[k].n_states)
            return m->comp[k].id;
    return "?";
}

/* Compare the solver's coloured finite-difference Jacobian at (T, Y) with
 * plain one-column-at-a-time differences of the same increment: every
 * entry that changes must lie in the pattern (else the colouring mixes
 * columns), and the coloured values must equal the plain ones. */
static void check_jacobian_at(fixture *f, dct_solver *sv, double t,
                              const double *y, const char *what)
{
    const dct_ode *o = f->ode;
    size_t n = o->n;
    long nnz = o->colptr[n];
    double *jc = calloc((size_t)nnz, sizeof *jc);
    double *f0 = calloc(n, sizeof *f0), *f1 = calloc(n, sizeof *f1);
    double *yp = malloc(n * sizeof *yp);
    double *rowmax = calloc(n, sizeof *rowmax);
    double *jp = calloc((size_t)nnz, sizeof *jp);
    ck_assert(jc && f0 && f1 && yp && rowmax && jp);
    ck_assert_int_eq(dct_solver_fd_jacobian(sv, t, y, jc), 0);
    ck_assert_int_eq(o->rhs(t, y, f0, o->ctx), 0);
    memcpy(yp, y, n * sizeof *yp);
    size_t n_out = 0;
    for (size_t j = 0; j < n; j++) {
        double h = sqrt(DBL_EPSILON) * fmax(fabs(y[j]), 1.0);
        yp[j] = y[j] + h;
        h = yp[j] - y[j];
        ck_assert_int_eq(o->rhs(t, yp, f1, o->ctx), 0);
        yp[j] = y[j];
        long q = o->colptr[j];
        for (size_t i = 0; i < n; i++) {
            double df = f1[i] - f0[i];
            int in = q < o->colptr[j + 1] && (size_t)o->rowind[q] == i;
            if (in) {
                jp[q++] = df / h;
                rowmax[i] = fmax(rowmax[i], fabs(df / h));
            } else if (fabs(df) > 1e-13 * fmax(fabs(f0[i]), 1e-300)) {
                if (n_out++ < 10)
                    fprintf(stderr, "%s: d f[%zu] (%s) / d y[%zu] (%s) = %g "
                                    "outside the pattern\n",
                            what, i, state_owner(f->m, i), j,
                            state_owner(f->m, j), df / h);
            }
        }
    }
    ck_assert_msg(n_out == 0, "%s: %zu Jacobian entries outside the pattern",
                  what, n_out);
    double worst = 0;
    for (size_t j = 0; j < n; j++)
        for (long q = o->colptr[j]; q < o->colptr[j + 1]; q++) {
            size_t i = (size_t)o->rowind[q];
            double e = fabs(jc[q] - jp[q]) / (fabs(jp[q]) + 1e-6 * rowmax[i] +
                                              1e-300);
            if (e > worst)
                worst = e;
            if (e > 1e-6)
                fprintf(stderr, "%s: J[%zu (%s)][%zu (%s)] coloured %g, "
                                "plain %g\n", what, i, state_owner(f->m, i),
                        j, state_owner(f->m, j), jc[q], jp[q]);
        }
    ck_assert_msg(worst <= 1e-6, "%s: coloured Jacobian differs from plain "
                  "differences by %g (relative)", what, worst);
    free(jc);
    free(jp);
    free(f0);
    free(f1);
    free(yp);
    free(rowmax);
}

/* reference-hall aggregated, then with every rack on its own; the next
 * three again with a dense-row threshold of 2, so that the bus, loop,
 * heat rejection and hall rows are all filled column by column */
static const char *const jac_sites[] = {
    "tests/data/one-rack.xml", "sites/gb200-row.xml", "sites/bess-qual.xml",
    "sites/reference-hall.xml", "sites/reference-hall.xml",
    "sites/bess-qual.xml", "sites/reference-hall.xml",
    "sites/reference-hall.xml",
    /* racks with the capacitor tier (GB300) */
    "tests/data/gb300-row.xml"};

START_TEST(test_jacobian_fd)
{
    fixture f;
    fx_no_aggregate = _i == 4 || _i == 7;
    fx_dense_row = _i >= 5 && _i <= 7 ? 2 : 0;
    fx_open(&f, jac_sites[_i], "llm-training");
    fx_no_aggregate = 0;
    fx_dense_row = 0;
    dct_model_start(f.m);
    dct_solver *sv = dct_solver_new(f.ode, f.y, 0.0, NULL, &f.d);
    if (!sv)
        dct_diag_print(&f.d, stderr);
    ck_assert_ptr_nonnull(sv);
    check_jacobian_at(&f, sv, 0.0, f.y, jac_sites[_i]);
    /* and inside a run: 2.5 s of training, mid-edge and mid-plateau
     * states */
    ck_assert_int_eq(dct_solver_run(sv, 2.525, 2.525, NULL, &f.d), 0);
    double *y = malloc(f.ode->n * sizeof *y);
    ck_assert_ptr_nonnull(y);
    memcpy(y, dct_solver_state(sv), f.ode->n * sizeof *y);
    check_jacobian_at(&f, sv, dct_solver_time(sv), y, jac_sites[_i]);
    fprintf(stderr, "%s: %zu states, %ld nonzeros, %ld colours\n",
            jac_sites[_i], f.ode->n, f.ode->colptr[f.ode->n],
            dct_solver_n_colors(sv));
    free(y);
    dct_solver_free(sv);
    fx_close(&f);
}
END_TEST

/* The deadband of the saturation flags (EVENTS in dctwin-models(7)): the
 * root of a CDU's valve (y_v - 0.995) and of the dry cooler's fans is
 * 0.01 higher once it crossed upward, so that it clears 1 % of the
 * range below where it set; the busways' ampacity and the racks' limits
 * have none.  dct_model_start clears the state. */
START_TEST(test_root_deadband)
{
    fixture f;
    fx_open(&f, "sites/gb200-row.xml", "llm-training");
    dct_model_start(f.m);
    size_t nr = f.ode->nroots;
    double *g0 = malloc(nr * sizeof *g0), *g1 = malloc(nr * sizeof *g1);
    ck_assert(g0 && g1);
    dct_mcomp *cdu = NULL;
    for (size_t i = 0; i < f.m->n_comp; i++)
        if (f.m->comp[i].ct == &dct_ctype_cdu && !cdu)
            cdu = &f.m->comp[i];
    ck_assert_ptr_nonnull(cdu);
    size_t iv = cdu->root0;   /* its root 0: the valve */
    /* the valve at 99.03 % of travel: below 99.5 %, not saturated */
    f.y[cdu->off + 3] = 0.9903;
    ck_assert_int_eq(f.ode->roots(0.0, f.y, g0, f.ode->ctx), 0);
    ck_assert_double_eq_tol(g0[iv], 0.9903 - 0.995, 1e-12);
    /* once saturated, it stays so down to 98.5 % */
    for (size_t i = 0; i < nr; i++)
        dct_model_root_crossed(f.m, i, +1);
    ck_assert_int_eq(f.ode->roots(0.0, f.y, g1, f.ode->ctx), 0);
    ck_assert_double_eq_tol(g1[iv], 0.9903 - 0.985, 1e-12);
    size_t n_band = 0;
    for (size_t i = 0; i < nr; i++) {
        const dct_mcomp *c = f.m->root_comp[i];
        double dg = g1[i] - g0[i];
        int has_band = c->ct == &dct_ctype_cdu ? i == c->root0
                       : c->ct == &dct_ctype_heatrej;
        ck_assert_msg(fabs(dg - (has_band ? 0.01 : 0)) < 1e-12,
                      "root %zu of %s: moved by %g", i, c->id, dg);
        n_band += has_band;
    }
    ck_assert_uint_eq(n_band, 2);   /* cdu-1's valve, dry's fans */
    /* crossing down clears it; so does a new run */
    dct_model_root_crossed(f.m, iv, -1);
    ck_assert_int_eq(f.ode->roots(0.0, f.y, g1, f.ode->ctx), 0);
    ck_assert_double_eq_tol(g1[iv], g0[iv], 1e-15);
    dct_model_start(f.m);
    ck_assert_int_eq(f.ode->roots(0.0, f.y, g1, f.ode->ctx), 0);
    for (size_t i = 0; i < nr; i++)
        ck_assert_double_eq_tol(g1[i], g0[i], 1e-15);
    free(g0);
    free(g1);
    fx_close(&f);
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("closed-form");
    tcase_add_test(tc, test_rack_rc_step);
    tcase_add_test(tc, test_eps_ntu);
    tcase_add_test(tc, test_profile_llm_training);
    tcase_add_test(tc, test_gb200_row_steady);
    tcase_add_test(tc, test_bess_constant_current);
    tcase_add_test(tc, test_root_deadband);
    tcase_add_loop_test(tc, test_energy_closure_training, 0, 2);
    tcase_add_loop_test(tc, test_jacobian_fd, 0,
                        (int)(sizeof jac_sites / sizeof jac_sites[0]));
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(model_suite());
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
