/* solver.c - integrates a dct_ode with CVODE BDF + KLU (see solver.h).
 *
 * Quadratures: the Debian CVODE library (libsundials_cvode) has no
 * quadrature interface (CVodeQuadInit is CVODES only), so the NQ quadrature
 * variables are appended to the CVODE state: the integrated system has
 * N = n + nq states, the last nq with derivative qrhs(t, y).  They are kept
 * out of the error test (absolute tolerance 1e20, i.e. a weight of ~0, as
 * CVODES does with CVodeSetQuadErrCon off) and their Jacobian rows are left
 * zero (dq'/dq = 0 exactly; dq'/dy is ignored, which only makes the Newton
 * iteration on the q rows a fixed-point update that converges with y).
 * The model only ever sees the first n entries.
 *
 * Linear systems: CVODE's Newton matrix M = I - gamma J is assembled
 * here (CVodeSetLinSysFn) on the fixed pattern, from the Jacobian's values
 * kept in jval: one pass over the nonzeros, where CVLS's own assembly
 * zeroes M, copies the Jacobian to and from a saved matrix and scales it
 * (three passes and a copy of the pattern).  The Jacobian is recomputed
 * exactly when CVLS would (its jok); M is the same to the last bit.
 *
 * Run loop: one-step mode; stop time at min(next breakpoint, t_end); after
 * each return of CVode the return is "processed" in phases (outputs up to
 * t, then on_step/on_root, then the breakpoint), and the phase is kept in
 * the solver so that a run stopped by a callback resumes exactly where it
 * stopped on the next dct_solver_run.
 */
#include "config.h"
#include "solver.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

/* Quadrature components are not error controlled: huge absolute tolerance
 * (energies stay below 1e15 J, so 1e20 leaves their weight at 1e-20 and
 * their share of the error norm below 1e-10).  Not 1e300 or 1e100: the
 * squares of weight x value in CVODE's norms then fall in the subnormal
 * range, which is slow (1e300 -> 1e20: B1 about 15 % faster). */
#define QUAD_ATOL 1e20
/* Relative tolerance for snapping output times onto t_end. */
#define OUT_RTOL 1e-9
/* Most breakpoints coinciding (within rounding) at one time. */
#define MAX_COINCIDENT_BP 1000
/* CVODE error test failures allowed in one step (CVODE: 7) */
#define MAX_ERR_TEST_FAILS 30

enum { PH_IDLE, PH_CALLBACK, PH_BREAKPOINT };
enum { RET_STEP, RET_ROOT };

struct dct_solver {
    const dct_ode *ode;
    size_t n, nq, N;            /* model states, quadratures, N = n + nq */
    long nnz;                   /* model pattern nonzeros */
    dct_solver_opts opts;
    double t0;                  /* creation time: origin of the output grid */
    double t;                   /* current time (last return of CVode) */

    /* --- SUNDIALS handles, in creation order --- */
    SUNContext sunctx;
    void *cvode;
    N_Vector y;                 /* state at t (N) */
    N_Vector atolv;             /* absolute tolerances (N) */
    N_Vector ewt;               /* error weights for the FD Jacobian (N) */
    N_Vector dky;               /* interpolated output state (N) */
    SUNMatrix A;
    SUNLinearSolver LS;

    /* --- plain workspaces, sized at creation --- */
    int *rootsfound;            /* nroots */
    double *ypert, *fpert, *inc;/* FD Jacobian: n each */
    double *f0;                 /* n: f(t, y) for dct_solver_fd_jacobian */
    double *jval;               /* nnz + nq: the Jacobian's values on
                                   the pattern (linsys_wrap) */
    size_t *diag;               /* N: the position of each diagonal
                                   entry in the pattern, or SIZE_MAX */
    int is_pattern_set;         /* A holds the pattern */
    size_t *color_ptr;          /* n_colors + 1 */
    size_t *color_cols;         /* n: columns grouped by colour */
    long n_colors;

    /* --- run state --- */
    int phase;                  /* PH_*: processing of the last return */
    int ret_kind;               /* RET_STEP / RET_ROOT */
    int bp_pending;             /* a breakpoint at t waits for its hook */
    double out_lo;              /* outputs up to here are handled */
    int out_lo_incl;            /* ... except t == out_lo itself */
    long long next_k;           /* next output index of the current run */
    long steps_since;           /* steps since the last output / start */
    dct_diag *d;                /* diag of the current run (warnings) */

    /* --- statistics --- */
    dct_solver_stats acc;       /* counters accumulated over ReInits */
    long n_fd_rhs;              /* rhs evaluations of the FD Jacobian */
    long n_roots, n_breakpoints, n_smooth_bp;
    double last_h;

    char cv_msg[512];           /* last CVODE error message */
    int nf_seen;                /* last non-finite derivative seen */
    size_t nf_i;
    double nf_t, nf_v;
};

/* ------------------------------------------------------------------------ */
/* CVODE callbacks                                                           */

static void err_handler(int error_code, const char *module,
                        const char *function, char *msg, void *user_data)
{
    dct_solver *s = user_data;
    if (error_code < 0 || !s->d) {
        snprintf(s->cv_msg, sizeof s->cv_msg, "%s", msg ? msg : "");
        return;
    }
    dct_warning(s->d, NULL, 0, "solver: %s (%s): %s", function ? function : "",
                module ? module : "", msg ? msg : "");
}

double dct_solver_state_tol(const dct_ode *ode, double rtol, double atol,
                            size_t i, double y)
{
    return (rtol * fabs(ode->y_ref ? y - ode->y_ref[i] : y) + atol) /
           (ode->w_scale ? ode->w_scale[i] : 1.0);
}

/* CVODE's error weights (CVodeWFtolerances): w_scale / (rtol |y - y_ref|
 * + atol) on the model's states, 1 / (rtol |q| + QUAD_ATOL) on the
 * quadratures. */
static int ewt_fn(N_Vector y, N_Vector ewt, void *user_data)
{
    const dct_solver *s = user_data;
    const double *yy = N_VGetArrayPointer(y);
    const double *at = N_VGetArrayPointer(s->atolv);
    const double *ref = s->ode->y_ref, *ws = s->ode->w_scale;
    double *w = N_VGetArrayPointer(ewt);
    double rtol = s->opts.rtol;
    for (size_t i = 0; i < s->N; i++) {
        double v = ref && i < s->n ? yy[i] - ref[i] : yy[i];
        w[i] = (ws && i < s->n ? ws[i] : 1.0) / (rtol * fabs(v) + at[i]);
    }
    return 0;
}

static int rhs_wrap(realtype t, N_Vector y, N_Vector ydot, void *user_data)
{
    dct_solver *s = user_data;
    const dct_ode *o = s->ode;
    const double *yy = N_VGetArrayPointer(y);
    double *yd = N_VGetArrayPointer(ydot);
    int rc = o->rhs(t, yy, yd, o->ctx);
    if (rc == 0 && s->nq > 0)
        rc = o->qrhs(t, yy, yd + s->n, o->ctx);
    if (rc != 0)
        return rc;
    /* A non-finite derivative is a recoverable failure (CVODE retries with
     * a smaller step, as for an overshooting Newton iterate); if it
     * persists CVODE gives up, and the error says where it came from. */
    for (size_t i = 0; i < s->N; i++)
        if (!isfinite(yd[i])) {
            s->nf_t = t;
            s->nf_i = i;
            s->nf_v = yd[i];
            s->nf_seen = 1;
            return 1;
        }
    return 0;
}

/* An exactly zero g_i is reported as the smallest positive number.  CVODE
 * fails with CV_ILL_INPUT ("Root found at and very near t") when g_i is
 * exactly 0 both at a root it returned and 100 ulp of t later, which does
 * happen for limit functions like g = T - 301.234 K on a slow ramp (T
 * moves by less than an ulp of T in 100 ulp of t).  With the mapping a
 * root is located where g becomes > 0 (upward) or < 0 (downward). */
static int roots_wrap(realtype t, N_Vector y, realtype *g, void *user_data)
{
    dct_solver *s = user_data;
    int rc = s->ode->roots(t, N_VGetArrayPointer(y), g, s->ode->ctx);
    for (size_t i = 0; i < s->ode->nroots; i++)
        if (g[i] == 0.0)
            g[i] = DBL_MIN;
    return rc;
}

/* The augmented CSC pattern into IP (N + 1) and IV (nnz + nq): the model's
 * pattern, then one diagonal entry per quadrature. */
static void set_pattern(const dct_solver *s, sunindextype *ip,
                        sunindextype *iv)
{
    const dct_ode *o = s->ode;
    size_t n = s->n, nnz = (size_t)s->nnz;
    for (size_t j = 0; j <= n; j++)
        ip[j] = (sunindextype)o->colptr[j];
    for (size_t p = 0; p < nnz; p++)
        iv[p] = (sunindextype)o->rowind[p];
    for (size_t k = 0; k < s->nq; k++) {   /* quadratures: diagonal only */
        iv[nnz + k] = (sunindextype)(n + k);
        ip[n + k + 1] = (sunindextype)(nnz + k + 1);
    }
}

/* The Jacobian's values on the pattern by finite differences over the
 * colours: one RHS evaluation per colour, column j perturbed by
 * max(sqrt(eps) |y_j|, sqrt(eps) / w_j) (CVODE's increment; w_j the error
 * weight EW[j], or sqrt(eps) max(|y_j|, 1) when EW is NULL). */
static int fd_jacobian(dct_solver *s, double t, const double *yy,
                       const double *f0, const double *ew, double *val)
{
    const dct_ode *o = s->ode;
    const size_t n = s->n;
    const double srur = sqrt(DBL_EPSILON);
    const unsigned char *skip = o->fd_fill ? o->fd_skip : NULL;
    if (skip && o->fd_begin) {
        int rc = o->fd_begin(t, yy, o->ctx);
        if (rc != 0)
            return rc;
    }
    memcpy(s->ypert, yy, n * sizeof *yy);
    for (long c = 0; c < s->n_colors; c++) {
        for (size_t p = s->color_ptr[c]; p < s->color_ptr[c + 1]; p++) {
            size_t j = s->color_cols[p];
            double a = fabs(yy[j]), h;
            if (ew && ew[j] > 0.0)
                h = fmax(srur * a, srur / ew[j]);
            else
                h = srur * fmax(a, 1.0);
            s->ypert[j] = yy[j] + h;
            s->inc[j] = s->ypert[j] - yy[j];    /* exactly representable */
        }
        int rc = o->rhs(t, s->ypert, s->fpert, o->ctx);
        s->n_fd_rhs++;
        if (rc != 0)
            return rc;
        for (size_t p = s->color_ptr[c]; p < s->color_ptr[c + 1]; p++) {
            size_t j = s->color_cols[p];
            double rinc = 1.0 / s->inc[j];
            for (long q = o->colptr[j]; q < o->colptr[j + 1]; q++) {
                size_t i = (size_t)o->rowind[q];
                if (!skip || !skip[i])
                    val[q] = (s->fpert[i] - f0[i]) * rinc;
            }
        }
        if (skip) {
            size_t c0 = s->color_ptr[c];
            rc = o->fd_fill(t, yy, f0, s->color_cols + c0,
                            s->color_ptr[c + 1] - c0, s->inc, val, o->ctx);
            if (rc != 0)
                return rc;
        }
        for (size_t p = s->color_ptr[c]; p < s->color_ptr[c + 1]; p++)
            s->ypert[s->color_cols[p]] = yy[s->color_cols[p]];
    }
    return 0;
}

/* The Jacobian's values at (t, y) on the pattern into VAL (nnz + nq),
 * FY = f(t, y): the model's own, or by finite differences. */
static int jacobian(dct_solver *s, double t, N_Vector y, N_Vector fy,
                    double *val)
{
    const dct_ode *o = s->ode;
    const double *yy = N_VGetArrayPointer(y);
    const double *f0 = N_VGetArrayPointer(fy);
    for (size_t k = 0; k < s->nq; k++)
        val[s->nnz + (long)k] = 0.0;    /* dq'/dq = 0 */
    if (o->jac)
        return o->jac(t, yy, f0, val, o->ctx);
    const double *ew = NULL;
    if (CVodeGetErrWeights(s->cvode, s->ewt) == CV_SUCCESS)
        ew = N_VGetArrayPointer(s->ewt);
    return fd_jacobian(s, t, yy, f0, ew, val);
}

static int jac_wrap(realtype t, N_Vector y, N_Vector fy, SUNMatrix J,
                    void *user_data, N_Vector tmp1, N_Vector tmp2,
                    N_Vector tmp3)
{
    (void)tmp1;
    (void)tmp2;
    (void)tmp3;
    dct_solver *s = user_data;
    sunindextype *ip = SM_INDEXPTRS_S(J), *iv = SM_INDEXVALS_S(J);
    double *val = SM_DATA_S(J);

    /* CVLS zeroes the whole matrix, pattern included: restore it from
     * the model's, the quadratures' diagonal after it */
    set_pattern(s, ip, iv);
    return jacobian(s, t, y, fy, val);
}

/* CVODE's linear system M = I - GAMMA J on the pattern (CVLsLinSysFn):
 * J recomputed unless JOK (CVLS's own test of a Jacobian that may be
 * reused), else the one kept in jval.  The same operations as CVLS's
 * SUNMatScaleAddI on a copy of the saved Jacobian: -gamma J, then + 1 on
 * the diagonal. */
static int linsys_wrap(realtype t, N_Vector y, N_Vector fy, SUNMatrix M,
                       booleantype jok, booleantype *jcur, realtype gamma,
                       void *user_data, N_Vector tmp1, N_Vector tmp2,
                       N_Vector tmp3)
{
    dct_solver *s = user_data;
    const size_t nz = (size_t)s->nnz + s->nq;
    if (!s->is_pattern_set) {
        set_pattern(s, SM_INDEXPTRS_S(M), SM_INDEXVALS_S(M));
        s->is_pattern_set = 1;
    }
    if (!jok) {
        int rc = jacobian(s, t, y, fy, s->jval);   /* CVLS counts it */
        if (rc != 0)
            return rc;
        *jcur = SUNTRUE;
    } else {
        *jcur = SUNFALSE;
    }
    double *val = SM_DATA_S(M);
    const double *jv = s->jval;
    const double c = -gamma;
    for (size_t k = 0; k < nz; k++)
        val[k] = c * jv[k];
    for (size_t j = 0; j < s->N; j++)
        val[s->diag[j]] += 1.0;
    return 0;
}

/* The position of each diagonal entry in the pattern into s->diag.
 * Returns 0, or -1 when one is missing (then CVLS assembles M). */
static int find_diagonal(dct_solver *s)
{
    const dct_ode *o = s->ode;
    for (size_t j = 0; j < s->n; j++) {
        s->diag[j] = SIZE_MAX;
        for (long q = o->colptr[j]; q < o->colptr[j + 1]; q++)
            if ((size_t)o->rowind[q] == j)
                s->diag[j] = (size_t)q;
        if (s->diag[j] == SIZE_MAX)
            return -1;
    }
    for (size_t k = 0; k < s->nq; k++)
        s->diag[s->n + k] = (size_t)s->nnz + k;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */

void dct_solver_opts_default(dct_solver_opts *o)
{
    o->rtol = 1e-5;
    o->atol = 1e-4;
    o->max_steps = 100000;
    o->max_order = 5;
    o->h_max = 0.0;
    o->h_init = 0.0;
}

static int check_ode(const dct_ode *o, dct_diag *d)
{
    if (o->n == 0 || !o->rhs || !o->colptr || !o->rowind) {
        dct_error(d, NULL, 0, "solver: the ODE needs n > 0, rhs and a "
                  "sparsity pattern");
        return -1;
    }
    if (o->nq > 0 && !o->qrhs) {
        dct_error(d, NULL, 0, "solver: %zu quadratures but no qrhs", o->nq);
        return -1;
    }
    if (o->nroots > 0 && !o->roots) {
        dct_error(d, NULL, 0, "solver: %zu root functions but no roots "
                  "callback", o->nroots);
        return -1;
    }
    if (o->nroots > INT32_MAX || o->n > (size_t)INT32_MAX) {
        dct_error(d, NULL, 0, "solver: system too large");
        return -1;
    }
    if (o->colptr[0] != 0) {
        dct_error(d, NULL, 0, "solver: sparsity pattern: colptr[0] = %ld, "
                  "not 0", o->colptr[0]);
        return -1;
    }
    for (size_t j = 0; j < o->n; j++) {
        long b = o->colptr[j], e = o->colptr[j + 1];
        int diag = 0;
        if (e < b) {
            dct_error(d, NULL, 0, "solver: sparsity pattern: colptr "
                      "decreases at column %zu", j);
            return -1;
        }
        for (long p = b; p < e; p++) {
            long i = o->rowind[p];
            if (i < 0 || (size_t)i >= o->n || (p > b && i <= o->rowind[p - 1])) {
                dct_error(d, NULL, 0, "solver: sparsity pattern: column %zu: "
                          "row index %ld out of range or not ascending", j, i);
                return -1;
            }
            if ((size_t)i == j)
                diag = 1;
        }
        if (!diag) {
            dct_error(d, NULL, 0, "solver: sparsity pattern: column %zu has "
                      "no diagonal entry", j);
            return -1;
        }
    }
    return 0;
}

static int check_opts(const dct_solver_opts *o, dct_diag *d)
{
    if (!(o->rtol > 0.0 && isfinite(o->rtol)) ||
        !(o->atol > 0.0 && isfinite(o->atol)) || o->max_steps <= 0 ||
        o->max_order < 1 || o->max_order > 5 ||
        !(o->h_max >= 0.0 && isfinite(o->h_max)) ||
        !(o->h_init >= 0.0 && isfinite(o->h_init))) {
        dct_error(d, NULL, 0, "solver: invalid options (rtol %g, atol %g, "
                  "max_steps %ld, max_order %d, h_max %g, h_init %g)",
                  o->rtol, o->atol, o->max_steps, o->max_order, o->h_max,
                  o->h_init);
        return -1;
    }
    return 0;
}

/* Greedy column colouring of the pattern: columns that share no row get
 * the same colour (rows the ODE fills itself, fd_skip, not counted).  Fills color_ptr/color_cols; temporaries freed here. */
static int color_columns(dct_solver *s)
{
    const dct_ode *o = s->ode;
    const size_t n = s->n;
    const size_t nnz = (size_t)s->nnz;
    int rc = -1;
    size_t *rptr = calloc(n + 1, sizeof *rptr);
    size_t *rcol = malloc((nnz ? nnz : 1) * sizeof *rcol);
    size_t *fill = malloc(n * sizeof *fill);
    size_t *color = malloc(n * sizeof *color);
    size_t *forbid = malloc(n * sizeof *forbid);  /* last column marking */
    if (!rptr || !rcol || !fill || !color || !forbid)
        goto done;

    /* row -> columns lists (the transpose pattern) */
    for (size_t p = 0; p < nnz; p++)
        rptr[o->rowind[p] + 1]++;
    for (size_t i = 0; i < n; i++)
        rptr[i + 1] += rptr[i];
    memcpy(fill, rptr, n * sizeof *fill);
    for (size_t j = 0; j < n; j++)
        for (long p = o->colptr[j]; p < o->colptr[j + 1]; p++)
            rcol[fill[o->rowind[p]]++] = j;

    size_t ncol = 0;
    for (size_t c = 0; c < n; c++)
        forbid[c] = SIZE_MAX;
    const unsigned char *skip = o->fd_fill ? o->fd_skip : NULL;
    for (size_t j = 0; j < n; j++) {
        for (long p = o->colptr[j]; p < o->colptr[j + 1]; p++) {
            size_t i = (size_t)o->rowind[p];
            if (skip && skip[i])
                continue;   /* filled by fd_fill, column by column */
            for (size_t q = rptr[i]; q < rptr[i + 1]; q++) {
                size_t k = rcol[q];
                if (k < j)
                    forbid[color[k]] = j;
            }
        }
        size_t c = 0;
        while (forbid[c] == j)
            c++;
        color[j] = c;
        if (c + 1 > ncol)
            ncol = c + 1;
    }

    s->color_ptr = calloc(ncol + 1, sizeof *s->color_ptr);
    if (!s->color_ptr)
        goto done;
    for (size_t j = 0; j < n; j++)
        s->color_ptr[color[j] + 1]++;
    for (size_t c = 0; c < ncol; c++)
        s->color_ptr[c + 1] += s->color_ptr[c];
    memcpy(fill, s->color_ptr, ncol * sizeof *fill);
    for (size_t j = 0; j < n; j++)
        s->color_cols[fill[color[j]]++] = j;
    s->n_colors = (long)ncol;
    rc = 0;
done:
    free(forbid);
    free(color);
    free(fill);
    free(rcol);
    free(rptr);
    return rc;
}

/* Report a failed SUNDIALS call during creation. */
static void cv_fail(dct_solver *s, dct_diag *d, const char *what, int flag)
{
    char *name = CVodeGetReturnFlagName(flag);
    dct_error(d, NULL, 0, "solver: %s failed: %s%s%s", what,
              name ? name : "unknown error", s->cv_msg[0] ? ": " : "",
              s->cv_msg);
    free(name);
}

dct_solver *dct_solver_new(const dct_ode *ode, const double *y0, double t0,
                           const dct_solver_opts *opts, dct_diag *d)
{
    dct_solver_opts def;
    if (!opts) {
        dct_solver_opts_default(&def);
        opts = &def;
    }
    if (!ode || !y0 || check_ode(ode, d) || check_opts(opts, d))
        return NULL;
    if (!isfinite(t0)) {
        dct_error(d, NULL, 0, "solver: initial time is not finite");
        return NULL;
    }
    for (size_t i = 0; i < ode->n; i++)
        if (!isfinite(y0[i])) {
            dct_error(d, NULL, 0, "solver: initial state y[%zu] = %g is not "
                      "finite", i, y0[i]);
            return NULL;
        }

    dct_solver *s = calloc(1, sizeof *s);
    if (!s) {
        dct_error(d, NULL, 0, "solver: out of memory");
        return NULL;
    }
    s->ode = ode;
    s->n = ode->n;
    s->nq = ode->nq;
    s->N = ode->n + ode->nq;
    s->nnz = ode->colptr[ode->n];
    s->opts = *opts;
    s->t0 = s->t = t0;
    s->phase = PH_IDLE;
    s->out_lo = t0;
    s->out_lo_incl = 1;
    const size_t n = s->n, N = s->N, nnz = (size_t)s->nnz;
    int flag;

    /* plain workspaces */
    s->rootsfound = malloc((ode->nroots ? ode->nroots : 1) *
                           sizeof *s->rootsfound);
    s->ypert = malloc(n * sizeof *s->ypert);
    s->fpert = malloc(n * sizeof *s->fpert);
    s->inc = malloc(n * sizeof *s->inc);
    s->f0 = malloc(n * sizeof *s->f0);
    s->color_cols = malloc(n * sizeof *s->color_cols);
    if (!s->rootsfound || !s->ypert || !s->fpert || !s->inc || !s->f0 ||
        !s->color_cols)
        goto oom;
    if (!ode->jac && color_columns(s))
        goto oom;

    /* SUNDIALS objects */
    if (SUNContext_Create(NULL, &s->sunctx) != 0) {
        s->sunctx = NULL;
        dct_error(d, NULL, 0, "solver: SUNContext_Create failed");
        goto fail;
    }
    s->cvode = CVodeCreate(CV_BDF, s->sunctx);
    if (!s->cvode) {
        dct_error(d, NULL, 0, "solver: CVodeCreate failed");
        goto fail;
    }
    if ((flag = CVodeSetErrHandlerFn(s->cvode, err_handler, s)) != CV_SUCCESS) {
        cv_fail(s, d, "CVodeSetErrHandlerFn", flag);
        goto fail;
    }
    s->y = N_VNew_Serial((sunindextype)N, s->sunctx);
    s->atolv = N_VNew_Serial((sunindextype)N, s->sunctx);
    s->ewt = N_VNew_Serial((sunindextype)N, s->sunctx);
    s->dky = N_VNew_Serial((sunindextype)N, s->sunctx);
    if (!s->y || !s->atolv || !s->ewt || !s->dky)
        goto oom;
    {
        double *yy = N_VGetArrayPointer(s->y);
        double *at = N_VGetArrayPointer(s->atolv);
        memcpy(yy, y0, n * sizeof *yy);
        for (size_t i = 0; i < n; i++)
            at[i] = opts->atol;
        for (size_t k = 0; k < s->nq; k++) {
            yy[n + k] = 0.0;
            at[n + k] = QUAD_ATOL;
        }
    }
    if ((flag = CVodeInit(s->cvode, rhs_wrap, t0, s->y)) != CV_SUCCESS) {
        cv_fail(s, d, "CVodeInit", flag);
        goto fail;
    }
    if ((flag = CVodeSetUserData(s->cvode, s)) != CV_SUCCESS ||
        (flag = CVodeWFtolerances(s->cvode, ewt_fn)) != CV_SUCCESS ||
        (flag = CVodeSetMaxNumSteps(s->cvode, opts->max_steps)) != CV_SUCCESS ||
        (flag = CVodeSetMaxOrd(s->cvode, opts->max_order)) != CV_SUCCESS ||
        /* room for CVODE to drop to order 1 and re-size its step at the
         * corner of a load ramp that it passes without a restart */
        (flag = CVodeSetMaxErrTestFails(s->cvode, MAX_ERR_TEST_FAILS)) !=
            CV_SUCCESS ||
        (opts->h_max > 0 &&
         (flag = CVodeSetMaxStep(s->cvode, opts->h_max)) != CV_SUCCESS) ||
        (opts->h_init > 0 &&
         (flag = CVodeSetInitStep(s->cvode, opts->h_init)) != CV_SUCCESS)) {
        cv_fail(s, d, "setting CVODE options", flag);
        goto fail;
    }
    if (ode->nroots > 0 &&
        (flag = CVodeRootInit(s->cvode, (int)ode->nroots, roots_wrap)) !=
            CV_SUCCESS) {
        cv_fail(s, d, "CVodeRootInit", flag);
        goto fail;
    }
    s->A = SUNSparseMatrix((sunindextype)N, (sunindextype)N,
                           (sunindextype)(nnz + s->nq), CSC_MAT, s->sunctx);
    if (!s->A)
        goto oom;
    s->LS = SUNLinSol_KLU(s->y, s->A, s->sunctx);
    if (!s->LS) {
        dct_error(d, NULL, 0, "solver: SUNLinSol_KLU failed");
        goto fail;
    }
    if ((flag = CVodeSetLinearSolver(s->cvode, s->LS, s->A)) != CV_SUCCESS) {
        cv_fail(s, d, "attaching the KLU linear solver", flag);
        goto fail;
    }
    /* M = I - gamma J assembled here when the pattern holds every
     * diagonal entry; else by CVLS from jac_wrap's J */
    s->jval = malloc((nnz + s->nq ? nnz + s->nq : 1) * sizeof *s->jval);
    s->diag = malloc((N ? N : 1) * sizeof *s->diag);
    if (!s->jval || !s->diag)
        goto oom;
    if (find_diagonal(s) == 0)
        flag = CVodeSetLinSysFn(s->cvode, linsys_wrap);
    else
        flag = CVodeSetJacFn(s->cvode, jac_wrap);
    if (flag != CV_SUCCESS) {
        cv_fail(s, d, "attaching the linear system", flag);
        goto fail;
    }
    return s;

oom:
    dct_error(d, NULL, 0, "solver: out of memory");
fail:
    dct_solver_free(s);
    return NULL;
}

void dct_solver_free(dct_solver *s)
{
    if (!s)
        return;
    if (s->LS)
        SUNLinSolFree(s->LS);
    if (s->A)
        SUNMatDestroy(s->A);
    if (s->dky)
        N_VDestroy(s->dky);
    if (s->ewt)
        N_VDestroy(s->ewt);
    if (s->atolv)
        N_VDestroy(s->atolv);
    if (s->y)
        N_VDestroy(s->y);
    if (s->cvode)
        CVodeFree(&s->cvode);
    if (s->sunctx)
        SUNContext_Free(&s->sunctx);
    free(s->color_ptr);
    free(s->color_cols);
    free(s->inc);
    free(s->f0);
    free(s->jval);
    free(s->diag);
    free(s->fpert);
    free(s->ypert);
    free(s->rootsfound);
    free(s);
}

/* ------------------------------------------------------------------------ */
/* Statistics                                                                */

static void read_counters(const dct_solver *s, dct_solver_stats *st)
{
    long v;
    memset(st, 0, sizeof *st);
    if (CVodeGetNumSteps(s->cvode, &v) == CV_SUCCESS) st->n_steps = v;
    if (CVodeGetNumRhsEvals(s->cvode, &v) == CV_SUCCESS) st->n_rhs = v;
    if (CVodeGetNumJacEvals(s->cvode, &v) == CV_SUCCESS) st->n_jac = v;
    if (CVodeGetNumLinSolvSetups(s->cvode, &v) == CV_SUCCESS)
        st->n_lin_setups = v;
    if (CVodeGetNumErrTestFails(s->cvode, &v) == CV_SUCCESS)
        st->n_err_test_fails = v;
    if (CVodeGetNumNonlinSolvIters(s->cvode, &v) == CV_SUCCESS)
        st->n_nonlin_iters = v;
    if (CVodeGetNumNonlinSolvConvFails(s->cvode, &v) == CV_SUCCESS)
        st->n_nonlin_conv_fails = v;
}

/* CVodeReInit resets CVODE's counters: bank them first. */
static void bank_counters(dct_solver *s)
{
    dct_solver_stats c;
    read_counters(s, &c);
    s->acc.n_steps += c.n_steps;
    s->acc.n_rhs += c.n_rhs;
    s->acc.n_jac += c.n_jac;
    s->acc.n_lin_setups += c.n_lin_setups;
    s->acc.n_err_test_fails += c.n_err_test_fails;
    s->acc.n_nonlin_iters += c.n_nonlin_iters;
    s->acc.n_nonlin_conv_fails += c.n_nonlin_conv_fails;
}

void dct_solver_get_stats(const dct_solver *s, dct_solver_stats *st)
{
    dct_solver_stats c;
    read_counters(s, &c);
    st->n_steps = s->acc.n_steps + c.n_steps;
    st->n_rhs = s->acc.n_rhs + c.n_rhs + s->n_fd_rhs;
    st->n_jac = s->acc.n_jac + c.n_jac;
    st->n_lin_setups = s->acc.n_lin_setups + c.n_lin_setups;
    st->n_err_test_fails = s->acc.n_err_test_fails + c.n_err_test_fails;
    st->n_nonlin_iters = s->acc.n_nonlin_iters + c.n_nonlin_iters;
    st->n_nonlin_conv_fails =
        s->acc.n_nonlin_conv_fails + c.n_nonlin_conv_fails;
    st->n_roots = s->n_roots;
    st->n_breakpoints = s->n_breakpoints;
    st->n_smooth_bp = s->n_smooth_bp;
    st->n_colors = s->n_colors;
    st->last_h = s->last_h;
}

double dct_solver_time(const dct_solver *s)
{
    return s->t;
}

const double *dct_solver_state(const dct_solver *s)
{
    return N_VGetArrayPointer(s->y);
}

void dct_solver_quad(const dct_solver *s, double *q)
{
    if (s->nq > 0)
        memcpy(q, N_VGetArrayPointer(s->y) + s->n, s->nq * sizeof *q);
}

/* ------------------------------------------------------------------------ */
/* Run                                                                       */

static double out_tol(double t)
{
    return OUT_RTOL * fmax(1.0, fabs(t));
}

/* "solver: WHAT at t = T s: MESSAGE (last non-finite derivative ...)" */
static void fail_msg(dct_solver *s, dct_diag *d, const char *what, double t,
                     const char *msg)
{
    char extra[160] = "";
    if (s->nf_seen)
        snprintf(extra, sizeof extra, " (last non-finite derivative: %s "
                 "%zu = %g at t = %.17g s)",
                 s->nf_i < s->n ? "state" : "quadrature",
                 s->nf_i < s->n ? s->nf_i : s->nf_i - s->n, s->nf_v, s->nf_t);
    dct_error(d, NULL, 0, "solver: %s at t = %g s: %s%s", what, t, msg,
              extra);
}

static void fail_flag(dct_solver *s, dct_diag *d, int flag, double t)
{
    char *name = CVodeGetReturnFlagName(flag);
    fail_msg(s, d, name ? name : "CVODE failure", t,
             s->cv_msg[0] ? s->cv_msg : "(no message)");
    free(name);
}

/* Smallest breakpoint > t (beyond rounding), 1 if there is one. */
static int next_bp(const dct_solver *s, double t, double *tb)
{
    const dct_ode *o = s->ode;
    if (!o->next_breakpoint)
        return 0;
    double cur = t;
    for (int guard = 0; guard < MAX_COINCIDENT_BP; guard++) {
        double b;
        if (!o->next_breakpoint(cur, &b, o->ctx) || !isfinite(b))
            return 0;
        /* skip breakpoints at or (by rounding) before t */
        if (b > t + 4.0 * DBL_EPSILON * fmax(1.0, fabs(t))) {
            *tb = b;
            return 1;
        }
        if (!(b > cur))   /* model gives no progress: give up */
            return 0;
        cur = b;
    }
    return 0;
}

/* Run the model's breakpoint hook(s) at s->t and restart CVODE there. */
static int do_breakpoint(dct_solver *s, dct_diag *d)
{
    const dct_ode *o = s->ode;
    double tb = s->t, *yy = N_VGetArrayPointer(s->y);
    s->bp_pending = 0;
    s->n_breakpoints++;
    if (o->at_breakpoint) {
        /* the hook at tb, and at breakpoints coinciding within rounding */
        double b = tb;
        for (int k = 0; k < MAX_COINCIDENT_BP; k++) {
            int rc = o->at_breakpoint(b, yy, o->ctx);
            if (rc != 0) {
                dct_error(d, NULL, 0, "solver: the breakpoint hook failed "
                          "(%d) at t = %g s", rc, b);
                return -1;
            }
            double nb;
            if (!o->next_breakpoint || !o->next_breakpoint(b, &nb, o->ctx) ||
                !(nb > b) ||
                nb > tb + 4.0 * DBL_EPSILON * fmax(1.0, fabs(tb)))
                break;
            b = nb;
        }
    }
    for (size_t i = 0; i < s->n; i++)
        if (!isfinite(yy[i])) {
            dct_error(d, NULL, 0, "solver: non-finite state y[%zu] = %g "
                      "after the breakpoint at t = %g s", i, yy[i], tb);
            return -1;
        }
    if (o->is_smooth_bp && o->is_smooth_bp(tb, o->ctx)) {
        s->n_smooth_bp++;
        return 0;   /* f is continuous there: CVODE goes on as it is */
    }
    bank_counters(s);
    s->cv_msg[0] = '\0';
    int flag = CVodeReInit(s->cvode, tb, s->y);
    if (flag != CV_SUCCESS) {
        fail_flag(s, d, flag, tb);
        return -1;
    }
    s->steps_since = 0;
    return 0;
}

/* First output index after what has been handled. */
static long long first_k(const dct_solver *s, double out_step)
{
    double x = floor((s->out_lo - s->t0) / out_step) - 1.0;
    long long k = x > 0 ? (long long)x : 0;
    for (;; k++) {
        double tk = s->t0 + (double)k * out_step;
        if (s->out_lo_incl ? tk >= s->out_lo - out_tol(s->out_lo)
                           : tk > s->out_lo + out_tol(s->out_lo))
            return k;
    }
}

/* Emit the outputs t_k <= s->t (and <= t_end). */
static int emit_outputs(dct_solver *s, double t_end, double out_step,
                        const dct_solver_cb *cb, dct_diag *d)
{
    if (!cb || !cb->on_output) {
        s->out_lo = s->t;
        s->out_lo_incl = 1;
        return 0;
    }
    for (;;) {
        double te = s->t0 + (double)s->next_k * out_step;
        if (fabs(te - t_end) <= out_tol(t_end))
            te = t_end;
        if (te > t_end || te > s->t)
            break;
        const double *yo;
        if (te == s->t) {
            yo = N_VGetArrayPointer(s->y);
        } else {
            int flag = CVodeGetDky(s->cvode, te, 0, s->dky);
            if (flag != CV_SUCCESS) {
                fail_flag(s, d, flag, te);
                return -1;
            }
            yo = N_VGetArrayPointer(s->dky);
        }
        s->next_k++;
        s->out_lo = te;
        s->out_lo_incl = 0;
        s->steps_since = 0;
        int rc = cb->on_output(te, yo, cb->ud);
        if (rc != 0)
            return rc;
    }
    s->out_lo = s->t;
    s->out_lo_incl = 0;
    return 0;
}

/* Process the last return of CVode, resuming at s->phase. */
static int process_return(dct_solver *s, double t_end, double out_step,
                          const dct_solver_cb *cb, dct_diag *d)
{
    int rc = emit_outputs(s, t_end, out_step, cb, d);
    if (rc != 0)
        return rc;
    if (s->phase == PH_CALLBACK) {
        s->phase = PH_BREAKPOINT;
        const double *yy = N_VGetArrayPointer(s->y);
        if (s->ret_kind == RET_ROOT && s->ode->roots_crossed)
            s->ode->roots_crossed(s->t, s->rootsfound, s->ode->ctx);
        if (s->ret_kind == RET_ROOT) {
            if (cb && cb->on_root &&
                (rc = cb->on_root(s->t, yy, s->rootsfound, cb->ud)) != 0)
                return rc;
        } else if (cb && cb->on_step &&
                   (rc = cb->on_step(s->t, yy, cb->ud)) != 0) {
            return rc;
        }
    }
    if (s->phase == PH_BREAKPOINT) {
        /* a breakpoint at t_end waits for the run that goes beyond it */
        if (s->bp_pending && s->t < t_end && do_breakpoint(s, d))
            return -1;
        if (!s->bp_pending)
            s->phase = PH_IDLE;
    }
    return 0;
}

int dct_solver_run(dct_solver *s, double t_end, double out_step,
                   const dct_solver_cb *cb, dct_diag *d)
{
    if (!isfinite(t_end) || t_end < s->t) {
        dct_error(d, NULL, 0, "solver: end time %g s is before the current "
                  "time %g s", t_end, s->t);
        return -1;
    }
    if (cb && cb->on_output) {
        if (!(out_step > 0.0) || !isfinite(out_step) ||
            (t_end - s->t0) / out_step > 1e15) {
            dct_error(d, NULL, 0, "solver: invalid output step %g s",
                      out_step);
            return -1;
        }
        s->next_k = first_k(s, out_step);
    }
    s->d = d;
    s->steps_since = 0;
    int rc = process_return(s, t_end, out_step, cb, d);
    while (rc == 0 && s->t < t_end) {
        double tb, tstop = t_end;
        int at_bp = 0;
        if (next_bp(s, s->t, &tb) && tb <= t_end) {
            tstop = tb;
            at_bp = 1;
        }
        s->cv_msg[0] = '\0';
        s->nf_seen = 0;
        int flag = CVodeSetStopTime(s->cvode, tstop);
        double tret = s->t;
        if (flag == CV_SUCCESS)
            flag = CVode(s->cvode, tstop, s->y, &tret, CV_ONE_STEP);
        if (flag < 0) {
            fail_flag(s, d, flag, tret);
            rc = -1;
            break;
        }
        const double *yy = N_VGetArrayPointer(s->y);
        for (size_t i = 0; i < s->N; i++)
            if (!isfinite(yy[i])) {
                dct_error(d, NULL, 0, "solver: non-finite %s %zu (%g) at "
                          "t = %g s", i < s->n ? "state" : "quadrature",
                          i < s->n ? i : i - s->n, yy[i], tret);
                rc = -1;
                break;
            }
        if (rc)
            break;
        double h;
        if (CVodeGetLastStep(s->cvode, &h) == CV_SUCCESS && h != 0.0)
            s->last_h = h;
        if (flag == CV_TSTOP_RETURN)
            tret = tstop;
        double told = s->t;
        s->t = tret;
        s->bp_pending = flag == CV_TSTOP_RETURN && at_bp;
        if (flag == CV_ROOT_RETURN) {
            s->ret_kind = RET_ROOT;
            s->n_roots++;
            if (CVodeGetRootInfo(s->cvode, s->rootsfound) != CV_SUCCESS)
                memset(s->rootsfound, 0,
                       s->ode->nroots * sizeof *s->rootsfound);
        } else {
            s->ret_kind = RET_STEP;
            /* CVODE only warns when t + h == t and goes on without
             * progress; that is a failure here */
            if (!(tret > told)) {
                fail_msg(s, d, "step size underflow", tret,
                         "the step size is below the resolution of t");
                rc = -1;
                break;
            }
            if (++s->steps_since > s->opts.max_steps) {
                dct_error(d, NULL, 0, "solver: more than %ld steps without "
                          "an output, at t = %g s (step %g s)",
                          s->opts.max_steps, s->t, s->last_h);
                rc = -1;
                break;
            }
        }
        s->phase = PH_CALLBACK;
        rc = process_return(s, t_end, out_step, cb, d);
    }
    s->d = NULL;
    return rc;
}

int dct_solver_fd_jacobian(dct_solver *s, double t, const double *y,
                           double *values)
{
    if (!s->color_ptr)
        return -1;
    int rc = s->ode->rhs(t, y, s->f0, s->ode->ctx);
    return rc ? rc : fd_jacobian(s, t, y, s->f0, NULL, values);
}

long dct_solver_n_colors(const dct_solver *s)
{
    return s->n_colors;
}
