/* solver.h - the only SUNDIALS user: integrates a dct_ode with CVODE.
 *
 * Method: CVODE BDF with Newton iteration; the linear systems are solved by
 * the KLU sparse direct solver on the model's sparsity pattern.  The Jacobian
 * is the model's analytic one when it gives one, otherwise it is built by
 * finite differences over groups of structurally independent columns (a
 * greedy column colouring of the pattern), so that one right-hand-side
 * evaluation fills many columns.
 *
 * The solver runs in CVODE's one-step mode, with CVodeSetStopTime at every
 * breakpoint the model announces (load steps, profile edges, scenario
 * events), so that a discontinuity is never stepped over: at a breakpoint
 * the model's at_breakpoint hook runs (it may change discrete state and
 * the state vector) and CVODE is re-initialised from there.  Root functions
 * report limit crossings to the caller.
 *
 * Ownership: the solver borrows the dct_ode (it must outlive the solver).
 * SUNDIALS types never leave solver.c.
 */
#ifndef DCT_SOLVER_H
#define DCT_SOLVER_H

#include <stddef.h>
#include "diag.h"

/* The ODE system dy/dt = f(t, y), as a model presents it.  All callbacks
 * return 0 on success, > 0 for a recoverable failure (CVODE retries with a
 * smaller step), < 0 for a fatal one. */
typedef struct dct_ode {
    size_t n;                 /* number of states (> 0) */
    /* Sparsity pattern of df/dy in compressed sparse column form, the
     * diagonal included: column j has row indices
     * rowind[colptr[j]] .. rowind[colptr[j+1]-1], sorted ascending. */
    const long *colptr;       /* n + 1 entries */
    const long *rowind;       /* colptr[n] entries */
    int (*rhs)(double t, const double *y, double *ydot, void *ctx);
    /* Optional analytic Jacobian: fills VALUES (colptr[n] entries, in the
     * pattern's order) with df/dy at (t, y).  NULL: colored differences. */
    int (*jac)(double t, const double *y, const double *fy, double *values,
               void *ctx);
    /* Quadratures q' = g(t, y) integrated alongside (energy totals); their
     * values are available through dct_solver_quad.  nq may be 0. */
    size_t nq;
    int (*qrhs)(double t, const double *y, double *qdot, void *ctx);
    /* Root functions g_i(t, y), i < nroots; a sign change is reported to
     * the on_root callback of dct_solver_run.  nroots may be 0. */
    size_t nroots;
    int (*roots)(double t, const double *y, double *g, void *ctx);
    /* Smallest breakpoint strictly greater than T, stored in *TB; returns 1
     * when there is one, 0 when there is none.  May be NULL (none). */
    int (*next_breakpoint)(double t, double *tb, void *ctx);
    /* Called when the integration reaches a breakpoint TB exactly; may
     * change discrete state and Y in place.  May be NULL. */
    int (*at_breakpoint)(double tb, double *y, void *ctx);
    /* Optional: 1 when f is continuous across the breakpoint TB (only its
     * slope changes, as at the corner of a load ramp).  The solver then
     * stops there but keeps CVODE's history (no restart at order 1, no
     * new Jacobian).  NULL: every breakpoint restarts. */
    int (*is_smooth_bp)(double tb, void *ctx);
    /* Optional, for the coloured differences: rows left out of the
     * colouring (fd_skip[i] = 1; dense rows, which would otherwise force
     * every column they hold into its own colour).  fd_begin runs before
     * the colours at (T, Y); after the RHS of each colour (perturbed
     * columns COLS[0..N_COLS-1], increments INC[j]) fd_fill stores the
     * entries of the left-out rows of those columns in VALUES, given
     * F0 = f(t, y).  NULL: every row is coloured. */
    const unsigned char *fd_skip;
    int (*fd_begin)(double t, const double *y, void *ctx);
    int (*fd_fill)(double t, const double *y, const double *f0,
                   const size_t *cols, size_t n_cols, const double *inc,
                   double *values, void *ctx);
    void *ctx;                /* passed to every callback */
    /* Optional: the reference of each state's error control (n entries).
     * State i is weighed as 1 / (rtol |y_i - y_ref_i| + atol): a
     * temperature is controlled on its rise above a reference, not on
     * absolute kelvin (NUMERICS in dctwin-models(7)).  NULL: all 0, the
     * usual rtol |y_i| + atol. */
    const double *y_ref;
    /* Optional: told of the roots found at T before on_root (FOUND[i]
     * +1 up, -1 down, 0 none), also in a run without callbacks, so that
     * a root function may depend on which side of it the system last
     * crossed to (a hysteresis).  NULL: none. */
    void (*roots_crossed)(double t, const int *found, void *ctx);
    /* Optional: a factor on each state's error weight (n entries), the
     * weight becoming w_scale_i / (rtol |y_i - y_ref_i| + atol): a block
     * of K states weighed sqrt(N / K) in the RMS norm over N entries has
     * its own RMS error within the tolerance (NUMERICAL METHOD in
     * dctwin-models(7)).  NULL: all 1. */
    const double *w_scale;
} dct_ode;

/* The tolerance of state I of ODE at the value Y, rtol |Y - y_ref_I| +
 * atol, in the state's unit: what the solver's error weight is the
 * inverse of. */
double dct_solver_state_tol(const dct_ode *ode, double rtol, double atol,
                            size_t i, double y);

typedef struct dct_solver_opts {
    double rtol;              /* relative tolerance (default 1e-5) */
    double atol;              /* absolute tolerance in state units, i.e. K,
                                 fraction, ... (default 1e-4) */
    long max_steps;           /* max internal steps between two returns
                                 (default 100000) */
    int max_order;            /* highest BDF order, 1-5 (default 5) */
    double h_max;             /* max step [s]; 0 = unlimited */
    double h_init;            /* first step [s]; 0 = CVODE's estimate */
} dct_solver_opts;

/* Solver statistics for run.json. */
typedef struct dct_solver_stats {
    long n_steps, n_rhs, n_jac, n_lin_setups, n_err_test_fails,
         n_nonlin_iters, n_nonlin_conv_fails, n_roots, n_breakpoints,
         n_smooth_bp, n_colors;
    double last_h;
} dct_solver_stats;

typedef struct dct_solver dct_solver;

/* Callbacks of dct_solver_run; each returns 0 to go on, non-zero to stop the
 * run (dct_solver_run then returns that value).
 * on_output: at every output time t_k = t0 + k*out_step (k = 0, 1, ...,
 *            up to t_end), with Y interpolated to that time.
 * on_step:   after every internal step, with the solution at that step.
 * on_root:   when root functions changed sign; FOUND[i] is +1/-1 for a
 *            crossing of g_i upwards/downwards, 0 otherwise. */
typedef struct dct_solver_cb {
    int (*on_output)(double t, const double *y, void *ud);
    int (*on_step)(double t, const double *y, void *ud);
    int (*on_root)(double t, const double *y, const int *found, void *ud);
    void *ud;
} dct_solver_cb;

/* Default options. */
void dct_solver_opts_default(dct_solver_opts *o);

/* Create a solver for ODE from state Y0 at time T0.  Returns NULL on
 * failure with the reason in D.  Caller frees with dct_solver_free. */
dct_solver *dct_solver_new(const dct_ode *ode, const double *y0, double t0,
                           const dct_solver_opts *opts, dct_diag *d);

/* Integrate to T_END, calling CB as described above.  Returns 0 on
 * success, the non-zero value a callback returned, or -1 on a solver
 * failure (message in D, e.g. "solver: CV_CONV_FAILURE at t = 12.5 s:
 * the corrector did not converge ..."). */
int dct_solver_run(dct_solver *s, double t_end, double out_step,
                   const dct_solver_cb *cb, dct_diag *d);

/* Current time, state (borrowed; valid until the next run) and the
 * quadratures at the current time (copied into Q, nq entries). */
double dct_solver_time(const dct_solver *s);
const double *dct_solver_state(const dct_solver *s);
void dct_solver_quad(const dct_solver *s, double *q);
void dct_solver_get_stats(const dct_solver *s, dct_solver_stats *st);

/* The Jacobian df/dy at (T, Y) on the ODE's pattern (VALUES: colptr[n]
 * entries, in the pattern's order) by the coloured finite differences the
 * solver uses, with increments sqrt(eps) max(|y_j|, 1); and the number of
 * colours.  For tests against plain differences.  Returns 0, -1 when the
 * ODE has an analytic Jacobian, or the RHS's non-zero value. */
int dct_solver_fd_jacobian(dct_solver *s, double t, const double *y,
                           double *values);
long dct_solver_n_colors(const dct_solver *s);

/* Free everything; NULL is a no-op. */
void dct_solver_free(dct_solver *s);

#endif
