/* simulate.c - `dctwin simulate`: one run of a site, written to a run
 * directory.
 *
 * Loads the site, builds its model, integrates it with the solver and
 * follows the run through the solver's callbacks: every output time becomes
 * a row of timeseries.csv (streamed to a temporary file), every internal
 * step, root and output time updates each margin's worst value, first
 * violation and time below zero, and root events and first violations are
 * streamed to events.csv.  After a successful run margins.json,
 * margins.txt and run.json are written; all of it goes into a temporary
 * directory that is sealed with a manifest and published as the run
 * directory in one rename (rundir.h): a failed or interrupted run leaves
 * no partial file and no partial directory.  Nothing is allocated inside
 * the callbacks.
 *
 * Exit status: 0 all margins met, 1 a margin is negative, 2 usage, 3 input,
 * 4 solver (including a non-finite output), 5 output.
 */
#include "config.h"
#include "atomic_file.h"
#include "fsutil.h"
#include "rundir.h"
#include "textout.h"
#include "cli.h"
#include "diag.h"
#include "envelope.h"
#include "model.h"
#include "plot.h"
#include "site.h"
#include "solver.h"
#include "units.h"
#include "scenario.h"
#include "suggest.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <openssl/evp.h>

int dct_cmd_simulate(int argc, char **argv);

/* Defaults (also in --help and dctwin(1)). */
#define SIM_DURATION_S 3600.0
#define SIM_OUTPUT_STEP_S 1.0
#define SIM_GRID_STEP_S 0.01
/* [s] the grid ramp is the slope of a moving average over this window
 * (the grid-side ramp checks of dctwin-bess-report(1)) */
#define RAMP_WINDOW_S 0.1
#define SIM_RTOL 1e-5
#define SIM_ATOL 1e-4
#define SIM_SEED 1UL
/* Most rows of timeseries.csv. */
#define SIM_MAX_ROWS 10000000.0
/* Progress: first update after this wall time [s], then at most every
 * SIM_PROGRESS_DT [s]. */
#define SIM_PROGRESS_FIRST 1.0
#define SIM_PROGRESS_DT 0.1

/* Settling (INITIAL STATE in dctwin-models(7)): integrate in chunks of
 * SETTLE_CHUNK_S until no state moves more than the solver's tolerance,
 * SETTLE_TOL (rtol |y - y_ref| + atol, dct_solver_state_tol) over a
 * chunk, for at most SETTLE_MAX_S. */
#define SETTLE_CHUNK_S 1800.0
#define SETTLE_PREROLL_S 2.0
/* Ten tolerances: a controller may hunt by a few (a fan PI on a loop with
 * transport delay does, by ~3e-4 of its range). */
#define SETTLE_TOL 10.0
#define SETTLE_MAX_S (7 * 86400.0)

/* Callback stops (dct_solver_run returns them). */
enum { CB_NONFINITE = 2, CB_WRITE = 3 };

/* Output files, in the order they are committed. */
enum { F_TS, F_EV, F_MJ, F_MT, F_MC, F_MO, F_RUN, F_GT, N_FILES };
static const char *const file_names[N_FILES] = {
    "timeseries.csv", "events.csv", "margins.json", "margins.txt",
    "margins.csv", "margins-over-time.csv", "run.json", "grid.csv"};

/* What is followed of one margin during the run; margins in the unit of
 * the margin's definition. */
typedef struct sim_margin {
    const dct_margin_def *def;
    double worst_val;    /* value with the smallest margin */
    double worst;        /* that margin; +inf before the first sample */
    double t_worst;      /* [s] */
    double t_viol;       /* [s] first time below zero, NAN when never */
    double violated_s;   /* [s] total time below zero */
    double prev_t, prev_m;   /* the last sample; prev_t NAN before it */
    double vmin, vmax;   /* the value's range over the run */
} sim_margin;

typedef struct sim_input {
    char *file;          /* owned */
    char sha256[65];
} sim_input;

typedef struct sim {
    /* options */
    const char *site_path;
    const char *profile;
    double duration, out_step, rtol, atol;
    int is_cold_start;   /* --init=design: no settling */
    const char *scenario_path;  /* --scenario */
    char **sets;         /* --set ID.PARAM=VALUE, borrowed from argv */
    size_t n_sets;
    const char *add_model, *add_row;   /* --add, --row */
    long n_add;          /* --add-count */
    double add_scale;    /* --add-scale, (0, 1]; 1 by default */
    int has_add_count;
    dct_scenario *scenario;
    size_t next_sev;     /* first scenario event not yet in events.csv */
    double t_fail;       /* [s] the event the time to throttle counts
                            from: the first failure, else the first
                            scenario event of any kind; or -1 */
    const char *fail_id; /* its target (borrowed from the scenario) */
    char fail_what[160]; /* "failed", or what the event did */
    int is_fail_ev;      /* t_fail is a failure */
    double t_throttle;   /* [s] first GPU throttle at or after it, or -1 */
    const char *throttle_id;  /* the rack that throttled first */
    long n_rack_trips;   /* racks shut down by over-temperature (rack-trip) */
    long n_rack_restarts;
    double t_rack_trip;  /* [s] the first, or -1 */
    const char *rack_trip_id;
    const char *grid_trace;     /* --grid-trace FILE, or NULL */
    const char *plot_format;    /* --plot: png, svg or pdf; NULL: no plots */
    double grid_step;    /* [s] its step */
    long out_every;      /* timeseries row every out_every solver outputs */
    long n_calls;        /* solver outputs so far */
    size_t *grid_col;    /* output columns of the grids' power */
    size_t n_grid;
    double gt_prev_t, gt_prev_p, ramp_max;  /* [s], [W], [W/s] */
    double settle_s;     /* [s] simulated time spent settling */
    double settle_wall_s;   /* [s] wall time it took */
    int is_settled;      /* settling met its tolerance */
    unsigned long seed;
    int no_aggregate;    /* --no-aggregate */
    int is_wide;         /* --wide: the margin table with every column */
    char *out_dir;       /* owned */
    dct_rundir *rd;      /* the run directory being written */
    int is_gt_in_run;    /* --grid-trace names a file of the run directory */
    char **probe_args;   /* owned copies, split in place at ',' */
    size_t n_probe_args;
    /* objects */
    dct_diag *d;
    dct_site *site;
    dct_model *model;
    dct_envelope *env;   /* the models' validity envelope */
    dct_solver *solver;
    const dct_ode *ode;
    sim_input *inputs;
    size_t n_inputs;
    size_t n_y, n_out, n_sel, n_mg;
    size_t n_mg_model;   /* the model's margins come first in mg */
    size_t *own;         /* [n_own] the model's margins that are their
                            own source (dct_model_margin_source), the
                            only ones sampled: an aggregated member's
                            record is its representative's */
    size_t n_own;
    dct_margin_def *ramp_def;   /* [n_grid] the grids' ramp margins */
    size_t *ramp_of;     /* [n_grid] their index in mg, or SIZE_MAX */
    double *ring, *ma;   /* [n_grid][n_win] last grid powers [kW], and
                            [n_grid] their moving average */
    size_t n_win;        /* samples in RAMP_WINDOW_S */
    size_t *sel;         /* selected output columns, model order */
    double *y0;
    double *out;         /* [n_out] */
    double *mval;        /* [n_mg] */
    /* margins over time: the smallest margin of each kind, % of limit */
    size_t *mkind;       /* [n_mg] kind of each margin (kind_of) */
    size_t n_kind;
    unsigned char *kind_col;  /* [n_kind] 1: a column (a limit not 0) */
    double *kmin;        /* [n_kind] at the current row */
    sim_margin *mg;      /* [n_mg] */
    size_t *order;       /* [n_mg] margins sorted, binding first */
    dct_afile *f[N_FILES];
    /* run state */
    long n_rows;
    double u0;           /* [J] stored energy at t = 0 */
    double last_sample_t;   /* [s] time of the last margin sample */
    int has_sample;
    int has_members;     /* some margin is an aggregated member's */
    double w0, dw;       /* [J] bus capacitor energy at t = 0, its change */
    double wall0, wall_s, last_progress;
    int show_progress, is_progress_shown;
} sim;

/* ------------------------------------------------------------ helpers */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}



/* --------------------------------------------------------- the run */

/* Whether a breakpoint lies in (previous sample, T], into *TB: found
 * once per sample, when a margin below zero needs it (*IS_JUMP -1 until
 * then). */
static int jump_of(sim *S, double t, int *is_jump, double *tb)
{
    if (*is_jump < 0)
        *is_jump = S->has_sample && S->ode->next_breakpoint &&
                   S->ode->next_breakpoint(S->last_sample_t, tb,
                                           S->ode->ctx) &&
                   *tb <= t;
    return *is_jump;
}

/* Update margin G with its value V at T; *IS_JUMP (jump_of): a
 * breakpoint *TB lies in (previous sample, T]. */
static int update_margin(sim *S, sim_margin *g, double t, double v,
                         int *is_jump, double *tb)
{
    if (!isfinite(v)) {
        dct_error(S->d, NULL, 0,
                  "margin %s: the value of %s is not finite at t = %.9g "
                  "s (the model has failed)",
                  g->def->id, g->def->quantity, t);
        return CB_NONFINITE;
    }
    double m = g->def->is_upper ? g->def->limit - v : v - g->def->limit;
    if (v < g->vmin)
        g->vmin = v;
    if (v > g->vmax)
        g->vmax = v;
    if (m < g->worst) {
        g->worst = m;
        g->worst_val = v;
        g->t_worst = t;
    }
    double t_cross = t;
    int has_prev = !isnan(g->prev_t);
    int is_ordered = !has_prev || t >= g->prev_t;
    if (has_prev && is_ordered && (m < 0 || g->prev_m < 0)) {
        /* linear interpolation of the margin between the samples */
        double dt = t - g->prev_t, m0 = g->prev_m;
        if (jump_of(S, t, is_jump, tb)) {
            if (m0 < 0)
                g->violated_s += *tb - g->prev_t + (m < 0 ? t - *tb : 0);
            else if (m < 0)
                t_cross = *tb;
        } else if (m0 < 0 && m < 0) {
            g->violated_s += dt;
        } else if (m0 < 0) {
            g->violated_s += dt * -m0 / (m - m0);
        } else if (m < 0) {
            g->violated_s += dt * -m / (m0 - m);
            t_cross = g->prev_t + dt * m0 / (m0 - m);
        }
    }
    if (m < 0 && isnan(g->t_viol)) {
        g->t_viol = t_cross;
        FILE *f = dct_afile_fp(S->f[F_EV]);
        fprintf(f, "%.9g,", t_cross);
        dct_csv_field(f, g->def->component);
        fputs(",margin-violated:", f);
        dct_csv_field(f, g->def->id);
        if (putc('\n', f) == EOF || ferror(f))
            return CB_WRITE;
    }
    if (is_ordered) {
        g->prev_t = t;
        g->prev_m = m;
    }
    return 0;
}

/* Update every margin of the model with the sample at (t, y). */
static int member_violations(sim *S, size_t i);

static int sample_margins(sim *S, double t, const double *y, int all)
{
    if (S->n_mg_model == 0)
        return 0;
    /* a member of an aggregated group has its representative's values:
     * its record is copied at the end (copy_margin_sources); all values
     * for the rows of margins-over-time.csv */
    if (all)
        dct_model_margin_values(S->model, t, y, S->mval);
    else
        dct_model_margin_values_of(S->model, t, y, S->own, S->n_own,
                                   S->mval);
    /* a sample at a breakpoint follows a discontinuity (a load step, a
     * failure): a margin that changed sign since the last sample did so
     * there, not somewhere between the samples */
    double tb = 0;
    int is_jump = -1;
    for (size_t k = 0; k < S->n_own; k++) {
        size_t i = S->own[k];
        int was_ok = isnan(S->mg[i].t_viol);
        int rc = update_margin(S, &S->mg[i], t, S->mval[i], &is_jump, &tb);
        if (rc)
            return rc;
        if (was_ok && !isnan(S->mg[i].t_viol) && S->has_members &&
            (rc = member_violations(S, i)) != 0)
            return rc;
    }
    S->last_sample_t = t;
    S->has_sample = 1;
    return 0;
}

/* The margin-violated events of the members of margin I's group. */
static int member_violations(sim *S, size_t i)
{
    FILE *f = dct_afile_fp(S->f[F_EV]);
    for (size_t k = i + 1; k < S->n_mg_model; k++) {
        if (dct_model_margin_source(S->model, k) != i)
            continue;
        const dct_margin_def *d = S->mg[k].def;
        fprintf(f, "%.9g,", S->mg[i].t_viol);
        dct_csv_field(f, d->component);
        fputs(",margin-violated:", f);
        dct_csv_field(f, d->id);
        if (putc('\n', f) == EOF || ferror(f))
            return CB_WRITE;
    }
    return 0;
}

/* Give each member of an aggregated group its representative's record
 * (worst value and time, first violation, time violated). */
static void copy_margin_sources(sim *S)
{
    for (size_t i = 0; i < S->n_mg_model; i++) {
        size_t src = dct_model_margin_source(S->model, i);
        if (src != i) {
            const dct_margin_def *d = S->mg[i].def;
            S->mg[i] = S->mg[src];
            S->mg[i].def = d;
        }
    }
}

static void progress(sim *S, double t, int is_final)
{
    if (!S->show_progress)
        return;
    double w = now_s();
    if (!is_final && (w - S->wall0 < SIM_PROGRESS_FIRST ||
                      w - S->last_progress < SIM_PROGRESS_DT))
        return;
    if (is_final && !S->is_progress_shown)
        return;
    S->last_progress = w;
    S->is_progress_shown = 1;
    int pct = (int)(100.0 * t / S->duration);
    fprintf(stderr, "\rdctwin: simulating %3d%% (t = %.0f s of %.0f s)", pct,
            t, S->duration);
    if (is_final)
        fputc('\n', stderr);
    fflush(stderr);
}

static int flush_scenario(sim *S, double t);

/* One row of margins-over-time.csv at T: for each kind of margin with a
 * column, the smallest margin of its kind in % of its range (a range of
 * 0 has no %: such kinds have no column). */
static int write_margin_row(sim *S, double t)
{
    if (!S->f[F_MO] || !S->n_kind)
        return 0;
    for (size_t k = 0; k < S->n_kind; k++)
        S->kmin[k] = INFINITY;
    for (size_t i = 0; i < S->n_mg_model; i++) {
        const dct_margin_def *d = S->mg[i].def;
        if (!(d->range > 0))
            continue;
        double v = S->mval[i];
        double m = d->is_upper ? d->limit - v : v - d->limit;
        double pct = 100.0 * m / d->range;
        if (pct < S->kmin[S->mkind[i]])
            S->kmin[S->mkind[i]] = pct;
    }
    FILE *f = dct_afile_fp(S->f[F_MO]);
    fprintf(f, "%.9g", t);
    for (size_t k = 0; k < S->n_kind; k++)
        if (S->kind_col[k])
            fprintf(f, ",%.6g", S->kmin[k]);
    return putc('\n', f) == EOF || ferror(f) ? CB_WRITE : 0;
}

static int on_output(double t, const double *y, void *ud)
{
    sim *S = ud;
    long call = S->n_calls++;
    dct_model_outputs(S->model, t, y, S->out);
    if (flush_scenario(S, t) != 0)
        return CB_WRITE;
    if (S->n_grid) {
        /* the point of connection at the fine step: grid.csv, and the
         * largest ramp between two of its rows */
        double p = 0;
        FILE *g = S->f[F_GT] ? dct_afile_fp(S->f[F_GT]) : NULL;
        if (g)
            fprintf(g, "%.9g", t);
        for (size_t k = 0; k < S->n_grid; k++) {
            double pk = S->out[S->grid_col[k]];
            p += pk * 1e3;
            if (g)
                fprintf(g, ",%.9g", pk);
            /* ramp margin: the slope of the power's moving average over
             * RAMP_WINDOW_S (as the bess-report ramp checks), from the grid
             * trace */
            size_t r = S->ramp_of[k];
            if (r == SIZE_MAX || !S->grid_trace)
                continue;
            double *ring = S->ring + k * S->n_win;
            double ma_old = S->ma[k];
            S->ma[k] += (pk - ring[call % S->n_win]) / (double)S->n_win;
            ring[call % S->n_win] = pk;
            if (call >= (long)S->n_win) {
                double ramp = fabs(S->ma[k] - ma_old) * 1e3 /
                              S->grid_step / 1e6;
                int no_jump = 0;
                double tb = 0;
                int rc = update_margin(S, &S->mg[r], t, ramp, &no_jump, &tb);
                if (rc)
                    return rc;
            }
        }
        if (g && (putc('\n', g) == EOF || ferror(g)))
            return CB_WRITE;
        if (call > 0 && t > S->gt_prev_t)
            S->ramp_max = fmax(S->ramp_max, fabs(p - S->gt_prev_p) /
                                                (t - S->gt_prev_t));
        S->gt_prev_t = t;
        S->gt_prev_p = p;
    }
    if (call % S->out_every != 0)
        return sample_margins(S, t, y, 0);
    for (size_t i = 0; i < S->n_out; i++)
        if (!isfinite(S->out[i])) {
            dct_error(S->d, NULL, 0,
                      "output %s is not finite at t = %.9g s (the model has "
                      "failed; no results written)",
                      dct_model_output_name(S->model, i), t);
            return CB_NONFINITE;
        }
    if (dct_envelope_check(S->env, t, S->out, dct_afile_fp(S->f[F_EV]),
                           S->d) != 0)
        return CB_WRITE;
    FILE *f = dct_afile_fp(S->f[F_TS]);
    fprintf(f, "%.9g", t);
    for (size_t k = 0; k < S->n_sel; k++)
        fprintf(f, ",%.6g", S->out[S->sel[k]]);
    if (putc('\n', f) == EOF || ferror(f))
        return CB_WRITE;
    S->n_rows++;
    int rc = sample_margins(S, t, y, 1);
    return rc ? rc : write_margin_row(S, t);
}

/* Scenario events up to time T into events.csv (they are breakpoints, so
 * the run passes each exactly). */
static int flush_scenario(sim *S, double t)
{
    FILE *f = dct_afile_fp(S->f[F_EV]);
    const dct_scenario *sc = S->scenario;
    while (sc && S->next_sev < sc->n_ev && sc->ev[S->next_sev].t <= t) {
        const dct_event *e = &sc->ev[S->next_sev++];
        const dct_comp *c = e->target ? dct_site_get(S->site, e->target)
                                      : NULL;
        int is_grid = c && c->type == DCT_T_GRID;
        char what[160];
        if (e->kind == DCT_EV_PROFILE && !isnan(e->scale))
            snprintf(what, sizeof what, "profile-%.100s-scale-%g",
                     e->profile, e->scale);
        else if (e->kind == DCT_EV_PROFILE)
            snprintf(what, sizeof what, "profile-%.100s", e->profile);
        else if (e->kind == DCT_EV_SCALE)
            snprintf(what, sizeof what, "scale-%g", e->scale);
        else if (e->kind == DCT_EV_WEATHER)
            snprintf(what, sizeof what, "weather-file");
        else if (e->kind == DCT_EV_SET) {
            /* the new value, in the parameter's own unit */
            const dct_param *pp = &dct_etypes[is_grid ? DCT_T_GRID
                                              : !c ? DCT_T_AMBIENT
                                                   : c->type]
                                       .params[e->param];
            snprintf(what, sizeof what, "set-%s=%.6g%s%s", pp->name,
                     pp->unit && *pp->unit
                         ? dct_unit_from_si(e->value, pp->unit)
                         : e->value,
                     pp->unit && *pp->unit ? " " : "",
                     pp->unit ? pp->unit : "");
        }
        else if (e->fans > 0)
            snprintf(what, sizeof what, "%s-%d",
                     e->kind == DCT_EV_FAIL ? "fans-stopped"
                                            : "fans-restarted", e->fans);
        else
            snprintf(what, sizeof what, "%s",
                     e->kind == DCT_EV_FAIL
                         ? (is_grid ? "grid-loss" : "unit-trip")
                         : (is_grid ? "grid-return" : "unit-restored"));
        /* time to throttle: from the first failure, or from the first
         * event of any kind (a heat wave, a profile) when none fails
         * before the first throttle */
        int is_fail = e->kind == DCT_EV_FAIL;
        if (S->t_throttle < 0 &&
            (S->t_fail < 0 || (is_fail && !S->is_fail_ev))) {
            S->t_fail = e->t;
            S->is_fail_ev = is_fail;
            S->fail_id = e->target ? e->target
                         : e->kind == DCT_EV_WEATHER ? "ambient"
                                                     : "all-racks";
            snprintf(S->fail_what, sizeof S->fail_what, "%s",
                     is_fail ? "failed" : what);
        }
        fprintf(f, "%.9g,", e->t);
        dct_csv_field(f, e->target ? e->target
                     : e->kind == DCT_EV_WEATHER ? "ambient" : "all-racks");
        fprintf(f, ",%s\n", what);
        if (ferror(f))
            return CB_WRITE;
    }
    return 0;
}

static int on_step(double t, const double *y, void *ud)
{
    sim *S = ud;
    progress(S, t, 0);
    return sample_margins(S, t, y, 0);
}

static int on_root(double t, const double *y, const int *found, void *ud)
{
    sim *S = ud;
    FILE *f = dct_afile_fp(S->f[F_EV]);
    if (flush_scenario(S, t) != 0)
        return CB_WRITE;
    for (size_t i = 0; i < S->ode->nroots; i++) {
        const char *comp = NULL, *ev = NULL;
        for (size_t k = 0; found[i] &&
                           dct_model_root_event(S->model, i, found[i], k,
                                                &comp, &ev);
             k++) {
            fprintf(f, "%.9g,", t);
            dct_csv_field(f, comp ? comp : "");
            putc(',', f);
            dct_csv_field(f, ev ? ev : "");
            if (putc('\n', f) == EOF || ferror(f))
                return CB_WRITE;
            /* rack trips (dctwin-models(7), Rack trip), for run.json */
            if (ev && strcmp(ev, "rack-trip") == 0 && S->n_rack_trips++ == 0) {
                S->t_rack_trip = t;
                S->rack_trip_id = comp;
            }
            if (ev && strcmp(ev, "rack-restart") == 0)
                S->n_rack_restarts++;
            /* time to throttle: the first GPU throttle after the
             * scenario's first failure, or its first event */
            if (S->t_fail >= 0 && S->t_throttle < 0 && ev &&
                strcmp(ev, "throttle") == 0) {
                S->t_throttle = t;
                S->throttle_id = comp;
                fprintf(f, "%.9g,", t);
                dct_csv_field(f, comp ? comp : "");
                fprintf(f, ",time-to-throttle:%.6g s\n", t - S->t_fail);
                if (ferror(f))
                    return CB_WRITE;
            }
        }
    }
    return sample_margins(S, t, y, 0);
}

/* Replace the initial estimate in S->y0 by the steady state under the
 * settling load (dct_model_set_settling).  Returns 0, or -1 with the
 * reason in S->d. */
static int settle(sim *S, const dct_solver_opts *so)
{
    int rc = -1;
    double *prev = malloc(S->n_y * sizeof *prev);
    dct_solver *sv = NULL;
    if (!prev) {
        dct_error(S->d, NULL, 0, "simulate: out of memory");
        return -1;
    }
    dct_model_set_settling(S->model, 1);
    sv = dct_solver_new(S->ode, S->y0, 0.0, so, S->d);
    if (!sv)
        goto out;
    memcpy(prev, S->y0, S->n_y * sizeof *prev);
    double t = 0;
    S->is_settled = 0;
    while (t < SETTLE_MAX_S && !S->is_settled) {
        t += SETTLE_CHUNK_S;
        if (dct_solver_run(sv, t, SETTLE_CHUNK_S, NULL, S->d) != 0)
            goto out;
        const double *y = dct_solver_state(sv);
        /* the change over the chunk in units of the solver's own
         * tolerance, rtol |y - y_ref| + atol (as CVODE weighs its
         * errors) */
        double dmax = 0;
        for (size_t i = 0; i < S->n_y; i++) {
            double w = dct_solver_state_tol(S->ode, so->rtol, so->atol, i,
                                            y[i]);
            dmax = fmax(dmax, fabs(y[i] - prev[i]) / w);
            prev[i] = y[i];
        }
        S->is_settled = dmax <= SETTLE_TOL;
    }
    /* pre-roll: the load of t = 0 for SETTLE_PREROLL_S, so that the run
     * does not open with a step from the mean load */
    dct_solver_free(sv);
    dct_model_set_settling(S->model, 2);
    if (!(sv = dct_solver_new(S->ode, prev, 0.0, so, S->d)) ||
        dct_solver_run(sv, SETTLE_PREROLL_S, SETTLE_PREROLL_S, NULL,
                       S->d) != 0)
        goto out;
    memcpy(S->y0, dct_solver_state(sv), S->n_y * sizeof *prev);
    S->settle_s = t + SETTLE_PREROLL_S;
    if (!S->is_settled)
        dct_warning(S->d, NULL, 0,
                 "simulate: no steady state after %.0f h of settling; the "
                 "run starts from where settling stopped",
                 SETTLE_MAX_S / 3600);
    rc = 0;
out:
    dct_model_set_settling(S->model, 0);
    dct_solver_free(sv);
    free(prev);
    return rc;
}

/* Conditions already true in the initial state (a rack that starts
 * throttled, a valve that starts saturated) are events at t = 0: each root
 * function above zero is reported as its upward crossing. */
static int initial_events(sim *S)
{
    if (!S->ode->nroots)
        return 0;
    double *g = calloc(S->ode->nroots, sizeof *g);
    int *found = calloc(S->ode->nroots, sizeof *found);
    int rc = CB_WRITE;
    if (!g || !found)
        goto out;
    if (S->ode->roots(0.0, S->y0, g, S->ode->ctx) != 0) {
        for (size_t i = 0; i < S->n_y; i++)
            if (!isfinite(S->y0[i])) {
                dct_error(S->d, NULL, 0, "the initial state is not finite "
                          "(state %zu = %g): an input drives the model "
                          "outside what it can represent", i, S->y0[i]);
                break;
            }
        if (!S->d->n_errors)
            dct_error(S->d, NULL, 0, "the events at t = 0 cannot be "
                      "evaluated (the model has failed)");
        rc = CB_NONFINITE;
        goto out;
    }
    for (size_t i = 0; i < S->ode->nroots; i++)
        found[i] = g[i] > 0;
    rc = on_root(0.0, S->y0, found, S);
out:
    free(g);
    free(found);
    return rc;
}

/* -------------------------------------------------------- the results */

/* The margin in % of its allowed range (MARGINS in dctwin-models(7)):
 * |limit - nominal|; NAN when the range is 0. */
static double margin_pct(const sim_margin *g)
{
    return g->def->range > 0 ? 100.0 * g->worst / g->def->range : NAN;
}

/* Sort key: margin %, or the margin itself when the range is 0. */
static double margin_key(const sim_margin *g)
{
    double p = margin_pct(g);
    return isnan(p) ? g->worst : p;
}

typedef struct key_idx {
    double key;
    size_t i;
} key_idx;

static int cmp_key(const void *a, const void *b)
{
    const key_idx *x = a, *y = b;
    if (x->key < y->key)
        return -1;
    if (x->key > y->key)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int sort_margins(sim *S)
{
    key_idx *k = malloc((S->n_mg ? S->n_mg : 1) * sizeof *k);
    if (!k)
        return -1;
    for (size_t i = 0; i < S->n_mg; i++) {
        k[i].key = margin_key(&S->mg[i]);
        if (isnan(k[i].key))
            k[i].key = INFINITY;
        k[i].i = i;
    }
    if (S->n_mg > 1)
        qsort(k, S->n_mg, sizeof *k, cmp_key);
    for (size_t i = 0; i < S->n_mg; i++)
        S->order[i] = k[i].i;
    free(k);
    return 0;
}

/* The binding margin of one class (IS_DESIGN 0: what the run did, 1:
 * the design margins): the first of its class in binding order, or
 * SIZE_MAX when there is none. */
static size_t binding_of_class(const sim *S, int is_design)
{
    for (size_t k = 0; k < S->n_mg; k++)
        if (S->mg[S->order[k]].def->is_design == is_design)
            return S->order[k];
    return SIZE_MAX;
}

/* The binding margin of the run: the worst of what the run did; the
 * worst design margin only when the run has no other. */
static size_t binding(const sim *S)
{
    size_t b = binding_of_class(S, 0);
    return b != SIZE_MAX ? b : S->n_mg ? S->order[0] : SIZE_MAX;
}

static int is_all_ok(const sim *S)
{
    for (size_t i = 0; i < S->n_mg; i++)
        if (!(S->mg[i].worst >= 0))
            return 0;
    return 1;
}

/* margins.csv: the rows of margins.json, smallest margin % first. */
static void write_margins_csv(FILE *f, const sim *S)
{
    fputs("id,component,quantity,unit,kind,limit,worst,margin,margin_pct,"
          "t_worst_s,t_violation_s,violated_s,class,range,label\n", f);
    for (size_t k = 0; k < S->n_mg; k++) {
        const sim_margin *g = &S->mg[S->order[k]];
        const dct_margin_def *md = g->def;
        dct_csv_field(f, md->id);
        putc(',', f);
        dct_csv_field(f, md->component);
        putc(',', f);
        dct_csv_field(f, md->quantity);
        putc(',', f);
        dct_csv_field(f, md->unit);
        fprintf(f, ",%s,%.9g,%.9g,%.9g,", md->is_upper ? "upper" : "lower",
                md->limit, g->worst_val, g->worst);
        double p = margin_pct(g);
        if (isfinite(p))
            fprintf(f, "%.6g", p);
        fprintf(f, ",%.9g,", g->t_worst);
        if (!isnan(g->t_viol))
            fprintf(f, "%.9g", g->t_viol);
        fprintf(f, ",%.9g,%s,%.9g,", g->violated_s,
                md->is_design ? "design" : "run", md->range);
        dct_csv_field(f, md->label);
        putc('\n', f);
    }
}

static void write_margins_json(FILE *f, const sim *S)
{
    fputs("{\"margins\":[", f);
    for (size_t k = 0; k < S->n_mg; k++) {
        const sim_margin *g = &S->mg[S->order[k]];
        const dct_margin_def *md = g->def;
        fputs(k ? ",\n  {" : "\n  {", f);
        fputs("\"id\":", f);
        dct_json_str(f, md->id);
        fputs(",\"component\":", f);
        dct_json_str(f, md->component);
        fputs(",\"quantity\":", f);
        dct_json_str(f, md->quantity);
        fputs(",\"label\":", f);
        dct_json_str(f, md->label);
        fputs(",\"unit\":", f);
        dct_json_str(f, md->unit);
        fprintf(f, ",\"kind\":\"%s\",\"class\":\"%s\",\"limit\":",
                md->is_upper ? "upper" : "lower",
                md->is_design ? "design" : "run");
        dct_json_num(f, md->limit);
        fputs(",\"range\":", f);
        dct_json_num(f, md->range);
        fputs(",\"worst\":", f);
        dct_json_num(f, g->worst_val);
        fputs(",\"margin\":", f);
        dct_json_num(f, g->worst);
        fputs(",\"margin_pct\":", f);
        dct_json_num(f, margin_pct(g));
        fputs(",\"t_worst_s\":", f);
        dct_json_num(f, g->t_worst);
        fputs(",\"t_violation_s\":", f);
        dct_json_num(f, g->t_viol);
        fputs(",\"violated_s\":", f);
        dct_json_num(f, g->violated_s);
        fputs("}", f);
    }
    fputs(S->n_mg ? "\n ],\n \"binding\":" : "],\n \"binding\":", f);
    size_t b = binding(S), bd = binding_of_class(S, 1);
    dct_json_str(f, b != SIZE_MAX ? S->mg[b].def->id : NULL);
    fputs(",\n \"binding_design\":", f);
    dct_json_str(f, bd != SIZE_MAX ? S->mg[bd].def->id : NULL);
    fprintf(f, ",\n \"all_ok\":%s}\n", is_all_ok(S) ? "true" : "false");
}

/* Margins of one kind (the same label, quantity and suffix on components
 * of one type: "A01.T_j_hot.throttle" and "B07.T_j_hot.throttle") are one
 * row of margins.txt, the worst of them, with their count: a hall of 72
 * racks reads as ~20 rows, not 400.  margins.json keeps every margin. */
static int same_kind(const dct_margin_def *a, const dct_margin_def *b)
{
    const char *ta = a->id + strlen(a->component);
    const char *tb = b->id + strlen(b->component);
    return strcmp(ta, tb) == 0 && strcmp(a->label, b->label) == 0;
}

/* qsort order of margin indices by kind (same_kind), for kind_of */
static const sim *kind_sim;
static int cmp_kind(const void *a, const void *b)
{
    const dct_margin_def *x = kind_sim->mg[*(const size_t *)a].def;
    const dct_margin_def *y = kind_sim->mg[*(const size_t *)b].def;
    int c = strcmp(x->id + strlen(x->component), y->id + strlen(y->component));
    return c ? c : strcmp(x->label, y->label);
}

/* KIND[i]: the kind (same_kind class) of margin i, numbered 0..; sorting
 * keeps this O(n log n) for sites of 10,000 racks.  Returns the number of
 * kinds, or 0 when out of memory. */
static size_t kind_of(const sim *S, size_t *kind)
{
    size_t *idx = malloc(S->n_mg * sizeof *idx);
    if (!idx)
        return 0;
    for (size_t i = 0; i < S->n_mg; i++)
        idx[i] = i;
    kind_sim = S;
    if (S->n_mg > 1)
        qsort(idx, S->n_mg, sizeof *idx, cmp_kind);
    size_t nk = 0;
    for (size_t i = 0; i < S->n_mg; i++) {
        if (i && !same_kind(S->mg[idx[i - 1]].def, S->mg[idx[i]].def))
            nk++;
        kind[idx[i]] = nk;
    }
    free(idx);
    return nk + 1;
}

/* ------------------------------------------------ the margin table */

/* Text for people, at most |WIDTH| display columns (UTF-8 counted as
 * one column per character; 0: no limit), cut with "~" when longer; for
 * WIDTH > 0 padded to WIDTH on the left (IS_RIGHT) or right.  Control
 * characters shown as '?'. */
static void txt_cell(FILE *f, const char *s, int width, int is_right)
{
    int is_pad = width > 0;
    width = abs(width);
    int n = 0;
    for (const char *p = s; *p; p++)
        n += ((unsigned char)*p & 0xc0) != 0x80;
    int cut = width > 0 && n > width;
    int pad = is_pad && width > n ? width - n : 0;
    if (is_right)
        for (int i = 0; i < pad; i++)
            putc(' ', f);
    int k = 0;
    for (const char *p = s; *p; p++) {
        int is_start = ((unsigned char)*p & 0xc0) != 0x80;
        if (cut && is_start && ++k > width - 1)
            break;
        putc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, f);
    }
    if (cut)
        putc('~', f);
    if (!is_right)
        for (int i = 0; i < pad; i++)
            putc(' ', f);
}

/* X at engineering precision into BUF: 4 significant digits, at most 4
 * decimals, an exponent only outside [1e-3, 1e6); 0 within NOISE of 0. */
static void eng(char *buf, size_t n, double x, double noise)
{
    double a = fabs(x);
    if (isnan(x))
        snprintf(buf, n, "-");
    else if (a <= noise)
        snprintf(buf, n, "0");
    else if (a >= 1e6 || a < 1e-3)
        snprintf(buf, n, "%.3e", x);
    else {
        snprintf(buf, n, "%.*f", a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2
                                 : a >= 1 ? 3 : 4, x);
        /* no trailing zeros: 85, not 85.00 */
        char *p = strchr(buf, '.');
        if (p) {
            char *e = p + strlen(p) - 1;
            while (e > p && *e == '0')
                *e-- = '\0';
            if (e == p)
                *p = '\0';
        }
    }
}

/* Solver noise of margin G's quantity: 1e-6 of its scale (the limit or
 * the range, whichever is larger; 1e-9 when both are 0).  A rounding
 * far below any tolerance the solver keeps. */
static double noise_of(const sim_margin *g)
{
    double s = fmax(fabs(g->def->limit), g->def->range);
    return s > 0 ? 1e-6 * s : 1e-9;
}

/* A duration [s] for people: "0", "42 s", "3.5 min", "1.25 h". */
static void dur(char *buf, size_t n, double s)
{
    if (!(s > 0))
        snprintf(buf, n, "0");
    else if (s < 120)
        snprintf(buf, n, "%.3g s", s);
    else if (s < 7200)
        snprintf(buf, n, "%.3g min", s / 60);
    else
        snprintf(buf, n, "%.4g h", s / 3600);
}

/* The margin % for people: one decimal, capped at +-999. */
static void pct_txt(char *buf, size_t n, double p)
{
    if (isnan(p))
        snprintf(buf, n, "-");
    else if (p > 999)
        snprintf(buf, n, ">999");
    else if (p < -999)
        snprintf(buf, n, "<-999");
    else
        snprintf(buf, n, "%.1f", p);
}

/* Column widths of the table: the narrow one fits 100 columns. */
enum { TW_LABEL = 33, TW_WHERE = 10, TW_NUM = 8, TW_UNIT = 4, TW_PCT = 6,
       TW_VIOL = 8, TW_OF = 6 };

static void txt_header(FILE *f, int is_wide, int w_id, int w_label)
{
    if (is_wide) {
        txt_cell(f, "id", w_id, 0);
        fputs("  ", f);
        txt_cell(f, "margin", w_label, 0);
        fprintf(f, "  %11s %11s %11s  %-6s %8s %9s %11s %17s  %s\n",
                "worst", "limit", "margin", "unit", "margin %", "violated",
                "t_worst_s", "first_violation_s", "of");
        return;
    }
    txt_cell(f, "margin", TW_LABEL, 0);
    putc(' ', f);
    txt_cell(f, "where", TW_WHERE, 0);
    fprintf(f, " %*s %*s %*s %-*s %*s %*s %*s\n", TW_NUM, "worst", TW_NUM,
            "limit", TW_NUM, "margin", TW_UNIT, "unit", TW_PCT, "%", TW_VIOL,
            "violated", TW_OF, "of");
}

/* One row: the worst margin G of its kind, N_KIND members, N_BAD of them
 * violated. */
static void txt_row(FILE *f, const sim_margin *g, size_t n_kind,
                    size_t n_bad, int is_wide, int w_id, int w_label)
{
    const dct_margin_def *md = g->def;
    double noise = noise_of(g);
    char worst[32], limit[32], margin[32], pct[16], viol[32], of[32];
    /* a quantity that never moved off zero (a battery at rest, a
     * capacitor tier never drawn): no worst value to show */
    if (g->vmax - g->vmin <= noise && fabs(g->worst_val) <= noise)
        snprintf(worst, sizeof worst, "\u2014");
    else
        eng(worst, sizeof worst, g->worst_val, noise);
    eng(limit, sizeof limit, md->limit, noise);
    eng(margin, sizeof margin, g->worst, noise);
    pct_txt(pct, sizeof pct, fabs(g->worst) <= noise ? 0 : margin_pct(g));
    dur(viol, sizeof viol, g->violated_s);
    if (n_kind > 1)
        snprintf(of, sizeof of, "%zu/%zu", n_bad, n_kind);
    else
        snprintf(of, sizeof of, "%s", n_bad ? "1/1" : "");
    const char *unit = md->unit[0] ? md->unit : "-";
    if (is_wide) {
        txt_cell(f, md->id, w_id, 0);
        fputs("  ", f);
        txt_cell(f, md->label, w_label, 0);
        fprintf(f, "  %11s %11s %11s  ", worst, limit, margin);
        txt_cell(f, unit, 6, 0);
        fprintf(f, " %8s %9s %11.6g ", pct, viol, g->t_worst);
        if (isnan(g->t_viol))
            fprintf(f, "%17s", "-");
        else
            fprintf(f, "%17.6g", g->t_viol);
        fprintf(f, "  %s\n", of);
        return;
    }
    const struct { const char *s; int width, is_right; } cell[] = {
        {md->label, TW_LABEL, 0}, {md->component, TW_WHERE, 0},
        {worst, TW_NUM, 1},       {limit, TW_NUM, 1},
        {margin, TW_NUM, 1},      {unit, TW_UNIT, 0},
        {pct, TW_PCT, 1},         {viol, TW_VIOL, 1},
        {of, TW_OF, 1}};
    for (size_t k = 0; k < sizeof cell / sizeof cell[0]; k++) {
        if (k)
            putc(' ', f);
        txt_cell(f, cell[k].s, cell[k].width, cell[k].is_right);
    }
    putc('\n', f);
}

/* The margin table (margins.txt and stdout): a title, the time to
 * throttle after the scenario's first event, then one row per kind of
 * margin, its worst member, binding first: first the margins of what the
 * run did, then the design margins (under a hypothetical event); a last
 * line with the verdict and the binding margin.  At most 100 columns
 * unless --wide (every column, nothing cut). */
static void write_margins_txt(FILE *f, const sim *S)
{
    int is_wide = S->is_wide;
    const char *file = S->site->file;
    const char *base = strrchr(file, '/');
    fputs("site ", f);
    txt_cell(f, S->site->name ? S->site->name : "?", is_wide ? 0 : -40, 0);
    fputs(" (", f);
    txt_cell(f, is_wide || !base ? file : base + 1, is_wide ? 0 : -48, 0);
    fputs(")\n", f);
    char d[32];
    dur(d, sizeof d, S->duration);
    fprintf(f, "duration %s, profile ", d);
    txt_cell(f, S->profile ? S->profile : "(each rack's own)",
             is_wide ? 0 : -30, 0);
    if (S->scenario) {
        fputs(", scenario ", f);
        txt_cell(f, S->scenario->name ? S->scenario->name
                                      : S->scenario->file,
                 is_wide ? 0 : -30, 0);
    }
    fputc('\n', f);
    if (S->t_throttle >= 0) {
        fprintf(f, "time to throttle: %.6g s (", S->t_throttle - S->t_fail);
        txt_cell(f, S->throttle_id ? S->throttle_id : "?", is_wide ? 0 : -20,
                 0);
        fprintf(f, " at %.6g s, after ", S->t_throttle);
        txt_cell(f, S->fail_id, is_wide ? 0 : -20, 0);
        fprintf(f, " %s at %.6g s)\n", S->fail_what, S->t_fail);
    } else if (S->t_fail >= 0) {
        fputs("time to throttle: none (no GPU throttled after ", f);
        txt_cell(f, S->fail_id, is_wide ? 0 : -20, 0);
        fprintf(f, " %s at %.6g s)\n", S->fail_what, S->t_fail);
    }
    if (S->n_rack_trips > 0)
        fprintf(f, "rack trips: %ld (the first %s at %.6g s), restarts: "
                   "%ld\n", S->n_rack_trips,
                S->rack_trip_id ? S->rack_trip_id : "?", S->t_rack_trip,
                S->n_rack_restarts);
    if (S->n_mg == 0) {
        fputs("no margins\n", f);
        return;
    }
    size_t *kind = malloc(S->n_mg * sizeof *kind);
    size_t nk = kind ? kind_of(S, kind) : 0;
    size_t *n_kind = calloc(nk ? nk : 1, sizeof *n_kind);
    size_t *n_bad = calloc(nk ? nk : 1, sizeof *n_bad);
    unsigned char *seen = calloc(nk ? nk : 1, 1);
    if (!kind || !nk || !n_kind || !n_bad || !seen) {
        free(kind);
        free(n_kind);
        free(n_bad);
        free(seen);
        fputs("out of memory\n", f);
        return;
    }
    for (size_t i = 0; i < S->n_mg; i++) {
        n_kind[kind[i]]++;
        n_bad[kind[i]] += S->mg[i].worst < 0;
    }
    /* the first margin of each kind in binding order is its worst */
    int w_id = 2, w_label = 6;
    size_t n_rows = 0, n_design = 0;
    for (size_t k = 0; k < S->n_mg; k++) {
        const dct_margin_def *md = S->mg[S->order[k]].def;
        if (seen[kind[S->order[k]]])
            continue;
        seen[kind[S->order[k]]] = 1;
        n_rows++;
        n_design += md->is_design;
        int l = (int)strlen(md->id), ll = (int)strlen(md->label);
        w_id = l > w_id ? l : w_id;
        w_label = ll > w_label ? ll : w_label;
    }
    for (int cls = 0; cls < 2; cls++) {
        if (cls == 1 && n_design == 0)
            break;
        if (cls == 0 && n_design == n_rows)
            continue;
        fputs(cls ? "\ndesign margins (hold under a hypothetical event: "
                    "ride-through, N-1, ambient):\n"
                  : "\nwhat the run did, binding first:\n", f);
        txt_header(f, is_wide, w_id, w_label);
        memset(seen, 0, nk);
        for (size_t k = 0; k < S->n_mg; k++) {
            const sim_margin *g = &S->mg[S->order[k]];
            size_t kk = kind[S->order[k]];
            if (seen[kk] || g->def->is_design != cls)
                continue;
            seen[kk] = 1;
            txt_row(f, g, n_kind[kk], n_bad[kk], is_wide, w_id, w_label);
        }
    }
    free(kind);
    free(n_kind);
    free(n_bad);
    free(seen);
    fputc('\n', f);
    size_t b = binding(S), bd = binding_of_class(S, 1);
    int is_run_ok = S->mg[b].worst >= 0;
    if (is_all_ok(S))
        fprintf(f, "all %zu margins met (%zu kinds); binding: ", S->n_mg,
                n_rows);
    else if (!is_run_ok)
        fputs("MARGIN VIOLATED; binding: ", f);
    else
        fputs("DESIGN MARGIN VIOLATED; binding: ", f);
    txt_cell(f, S->mg[b].def->id, 0, 0);
    fputc('\n', f);
    if (bd != SIZE_MAX && bd != b && !(S->mg[bd].worst >= 0)) {
        fputs("design margin violated: ", f);
        txt_cell(f, S->mg[bd].def->id, 0, 0);
        fputc('\n', f);
    }
}

static void write_run_json(FILE *f, const sim *S, const double *q,
                           double du, int status)
{
    dct_solver_stats st;
    dct_solver_get_stats(S->solver, &st);
    fputs("{\"dctwin_version\":", f);
    dct_json_str(f, PACKAGE_VERSION);
    fputs(",\n \"site\":{\"file\":", f);
    dct_json_str(f, S->site->file);
    fputs(",\"name\":", f);
    dct_json_str(f, S->site->name);
    fputs("},\n \"inputs\":[", f);
    for (size_t i = 0; i < S->n_inputs; i++) {
        fputs(i ? ",\n  {\"file\":" : "\n  {\"file\":", f);
        dct_json_str(f, S->inputs[i].file);
        fputs(",\"sha256\":", f);
        dct_json_str(f, S->inputs[i].sha256);
        fputs("}", f);
    }
    fputs("],\n \"profile\":", f);
    dct_json_str(f, S->profile);
    fputs(",\n \"duration_s\":", f);
    dct_json_num(f, S->duration);
    fputs(",\"output_step_s\":", f);
    dct_json_num(f, S->out_step);
    fputs(",\"rows\":", f);
    fprintf(f, "%ld", S->n_rows);
    fputs(",\"rtol\":", f);
    dct_json_num(f, S->rtol);
    fputs(",\"atol\":", f);
    dct_json_num(f, S->atol);
    fputs(",\n \"validity\":", f);
    dct_envelope_json(f, S->env);
    fprintf(f, ",\n \"model\":{\"n_states\":%zu,\"n_outputs\":%zu,"
               "\"n_margins\":%zu,\"n_racks\":%zu,\"n_rack_groups\":%zu}",
            S->n_y, S->n_out, S->n_mg, S->site->n_racks,
            dct_model_n_rack_groups(S->model));
    fprintf(f, ",\"seed\":%lu,\n \"init\":{\"mode\":\"%s\",\"settle_s\":",
            S->seed, S->is_cold_start ? "design" : "steady");
    dct_json_num(f, S->settle_s);
    fputs(",\"settle_wall_s\":", f);
    dct_json_num(f, S->settle_wall_s);
    fprintf(f, ",\"settled\":%s},\n \"wall_s\":",
            S->is_cold_start ? "null" : S->is_settled ? "true" : "false");
    dct_json_num(f, S->wall_s);
    fputs(",\"realtime_ratio\":", f);
    dct_json_num(f, S->wall_s > 0 ? S->duration / S->wall_s : NAN);
    fputs(",\n \"energy\":{\"in_J\":", f);
    dct_json_num(f, q[DCT_Q_E_IN]);
    fputs(",\"out_J\":", f);
    dct_json_num(f, q[DCT_Q_E_OUT]);
    fputs(",\"aux_J\":", f);
    dct_json_num(f, q[DCT_Q_E_AUX]);
    fputs(",\"it_J\":", f);
    dct_json_num(f, q[DCT_Q_E_IT]);
    fputs(",\"stored_change_J\":", f);
    dct_json_num(f, du);
    fputs(",\"grid_J\":", f);
    dct_json_num(f, q[DCT_Q_E_GRID]);
    fputs(",\"generator_J\":", f);
    dct_json_num(f, q[DCT_Q_E_GEN]);
    fputs(",\"bess_J\":", f);
    dct_json_num(f, q[DCT_Q_E_BESS]);
    fputs(",\"electrical_loss_J\":", f);
    dct_json_num(f, q[DCT_Q_E_LOSS]);
    fputs(",\"bus_sources_J\":", f);
    dct_json_num(f, q[DCT_Q_E_SRC]);
    fputs(",\"bus_loads_J\":", f);
    dct_json_num(f, q[DCT_Q_E_SINK]);
    fputs(",\"bus_stored_change_J\":", f);
    dct_json_num(f, S->dw);
    fputs("},\n \"energy_closure_rel\":", f);
    double e_in = q[DCT_Q_E_IN];
    dct_json_num(f, e_in > 0 ? fabs(e_in - q[DCT_Q_E_OUT] - du) / e_in : NAN);
    /* the DC buses: what the sources put in is what the busways drew
     * plus the change of the capacitors' energy */
    double e_src = q[DCT_Q_E_SRC];
    fputs(",\n \"electrical_closure_rel\":", f);
    dct_json_num(f, e_src > 0 ? fabs(e_src - q[DCT_Q_E_SINK] - S->dw) / e_src
                          : NAN);
    fputs(",\n \"grid\":{\"ramp_max_W_per_s\":", f);
    dct_json_num(f, S->n_grid ? S->ramp_max : NAN);
    fputs(",\"ramp_step_s\":", f);
    dct_json_num(f, S->n_grid ? (S->grid_trace ? S->grid_step : S->out_step)
                          : NAN);
    fputs(",\"trace\":", f);
    dct_json_str(f, S->grid_trace);
    fputs(",\"scenario\":", f);
    dct_json_str(f, S->scenario_path);
    fputs("}", f);
    fputs(",\n \"scenario\":{\"name\":", f);
    dct_json_str(f, S->scenario ? S->scenario->name : NULL);
    fputs(",\"file\":", f);
    dct_json_str(f, S->scenario_path);
    fputs(",\"t_first_failure_s\":", f);
    dct_json_num(f, S->t_fail >= 0 && S->is_fail_ev ? S->t_fail : NAN);
    /* what the time to throttle counts from */
    char trig[400];
    snprintf(trig, sizeof trig, "%s %s", S->fail_id ? S->fail_id : "",
             S->fail_what);
    fputs(",\"trigger\":", f);
    dct_json_str(f, S->t_fail >= 0 ? trig : NULL);
    fputs(",\"t_trigger_s\":", f);
    dct_json_num(f, S->t_fail >= 0 ? S->t_fail : NAN);
    fputs(",\"time_to_throttle_s\":", f);
    dct_json_num(f, S->t_throttle >= 0 ? S->t_throttle - S->t_fail : NAN);
    fputs("}", f);
    fprintf(f, ",\n \"rack_trips\":%ld,\"rack_restarts\":%ld,"
               "\"t_first_rack_trip_s\":",
            S->n_rack_trips, S->n_rack_restarts);
    dct_json_num(f, S->t_rack_trip >= 0 ? S->t_rack_trip : NAN);
    fprintf(f,
            ",\n \"solver\":{\"n_steps\":%ld,\"n_rhs\":%ld,\"n_jac\":%ld,"
            "\"n_lin_setups\":%ld,\"n_err_test_fails\":%ld,"
            "\"n_nonlin_iters\":%ld,\"n_nonlin_conv_fails\":%ld,"
            "\"n_roots\":%ld,\"n_breakpoints\":%ld,"
            "\"n_smooth_breakpoints\":%ld,\"n_colors\":%ld,\"last_h\":",
            st.n_steps, st.n_rhs, st.n_jac, st.n_lin_setups,
            st.n_err_test_fails, st.n_nonlin_iters, st.n_nonlin_conv_fails,
            st.n_roots, st.n_breakpoints, st.n_smooth_bp, st.n_colors);
    dct_json_num(f, st.last_h);
    fprintf(f, "},\n \"exit_status\":%d}\n", status);
}

static void print_stats(const sim *S)
{
    dct_solver_stats st;
    dct_solver_get_stats(S->solver, &st);
    fprintf(stderr,
            "dctwin: solver: %ld steps, %ld rhs, %ld jacobians (%ld colours), "
            "%ld linear setups\n"
            "dctwin: solver: %ld nonlinear iterations, %ld convergence "
            "failures, %ld error test failures\n"
            "dctwin: solver: %ld roots, %ld breakpoints, last step %.3g s\n"
            "dctwin: %ld rows in %.3f s wall, %.4g x real time\n",
            st.n_steps, st.n_rhs, st.n_jac, st.n_colors, st.n_lin_setups,
            st.n_nonlin_iters, st.n_nonlin_conv_fails, st.n_err_test_fails,
            st.n_roots, st.n_breakpoints, st.last_h, S->n_rows, S->wall_s,
            S->wall_s > 0 ? S->duration / S->wall_s : 0.0);
}

/* ------------------------------------------------------------ options */

static void help(void)
{
    printf(
        "Usage: dctwin simulate SITE [OPTION]...\n"
        "Simulate the facility described by the site file SITE and write "
        "the results\nto a run directory.\n\n"
        "  --profile=NAME|FILE  load profile of every rack: a profile id of "
        "the site,\n"
        "                       a built-in name (constant, llm-training) "
        "or a CSV file\n"
        "                       (default: each rack's own profile)\n"
        "  --duration=T         simulated time, with a unit: 600s, 10min, "
        "2h\n"
        "                       (default 1 h)\n"
        "  --output-step=T      time between rows of timeseries.csv "
        "(default 1 s);\n"
        "                       at most 10^7 rows\n"
        "  --probe=PATTERN      write only the columns whose name matches "
        "the glob\n"
        "                       PATTERN ('A01.*', '*.T_j_hot_degC', "
        "'cdu-*');\n"
        "                       repeatable, or comma-separated "
        "(default: all columns)\n"
        "  --out=DIR            run directory, created when missing\n"
        "                       (default ./run-SITENAME)\n"
        "  --rtol=X             relative tolerance of the solver "
        "(default 1e-5)\n"
        "  --atol=X             absolute tolerance in state units: K, "
        "fraction, ...\n"
        "                       (default 1e-4)\n"
        "  --seed=N             seed of the random parts of profiles "
        "(default 1)\n"
        "  --scenario=FILE      timed events: fail and restore components "
        "(the grid,\n"
        "                       rectifiers, busways, batteries, generators, "
        "CDUs, ...)\n"
        "  --set=ID.PARAM=VALUE override a parameter of a component, a "
        "glob of\n"
        "                       component ids or a model, with its unit "
        "(repeatable):\n"
        "                       --set cdu-1.supply-setpoint=40degC\n"
        "  --add=MODEL          add racks of rack model MODEL to a row "
        "(what-if)\n"
        "  --add-count=N        how many (default 1)\n"
        "  --add-scale=S        scale the added racks' p-max, p-idle and "
        "flow by S in\n"
        "                       (0, 1] (the continuous search of capacity)\n"
        "  --row=ID             the row to add them to (default the first)\n"
        "  --grid-trace=FILE    write the grid import at every --grid-step "
        "to FILE\n"
        "  --grid-step=T        step of the grid trace (default 10 ms)\n"
        "  --plot               plot the results into DIR with gnuplot "
        "(dctwin plot);\n"
        "                       without gnuplot a warning, the data stays\n"
        "  --plot-format=FMT    png, svg or pdf (default png; implies "
        "--plot)\n"
        "  --init=steady|design start from the steady state under the mean "
        "load of\n"
        "                       the first minute (steady, the default), or "
        "from the\n"
        "                       design-point estimate with controllers "
        "half open\n"
        "  --no-aggregate       give every rack and CDU its own states (by "
        "default\n"
        "                       identical ones share one set: same results, "
        "faster)\n"
        "  --wide               the margin table with every column and "
        "full labels\n"
        "                       (by default it fits 100 columns)\n"
        "  -q, --quiet          no progress, no margin table on stdout\n"
        "  -v, --verbose        print solver statistics to stderr\n"
        "  -h, --help           print this help and exit\n\n"
        "Files in DIR, written only when the run completes: timeseries.csv, "
        "events.csv,\nmargins.json, margins.txt, margins.csv, "
        "margins-over-time.csv, run.json\n(and the plots with --plot).  "
        "The margin table is printed on "
        "stdout.\n\n"
        "Exit status: 0 all margins met, 1 some margin negative, 2 usage, "
        "3 input error,\n4 solver failure, 5 output failure.\n");
}

/* A time with its unit into *S_OUT [s].  Returns 0 or -1 (message printed). */
static int parse_time(const char *opt, const char *text, double *s_out)
{
    char err[256];
    if (dct_quantity_parse(text, "s", s_out, err, sizeof err) != 0) {
        fprintf(stderr,
                "dctwin: simulate: --%s '%s': %s; write a time with its "
                "unit, e.g. '600 s', '10min' or '2h'\n",
                opt, text, err);
        return -1;
    }
    return 0;
}

static int parse_pos(const char *opt, const char *text, double *x)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || !(v > 0)) {
        fprintf(stderr, "dctwin: simulate: --%s '%s': expected a positive "
                        "number\n", opt, text);
        return -1;
    }
    *x = v;
    return 0;
}

static int parse_seed(const char *text, unsigned long *seed)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || strchr(text, '-')) {
        fprintf(stderr, "dctwin: simulate: --seed '%s': expected a "
                        "non-negative integer\n", text);
        return -1;
    }
    *seed = v;
    return 0;
}

static int add_probe(sim *S, const char *arg)
{
    char **v = realloc(S->probe_args, (S->n_probe_args + 1) * sizeof *v);
    if (!v)
        return -1;
    S->probe_args = v;
    if (!(v[S->n_probe_args] = strdup(arg)))
        return -1;
    S->n_probe_args++;
    return 0;
}

enum {
    O_PROFILE = 256, O_DURATION, O_OUTPUT_STEP, O_PROBE, O_OUT, O_RTOL,
    O_ATOL, O_SEED, O_INIT, O_SCENARIO, O_GRID_TRACE, O_GRID_STEP, O_SET,
    O_ADD, O_ADD_COUNT, O_ROW, O_PLOT, O_PLOT_FORMAT, O_ADD_SCALE,
    O_NO_AGGREGATE, O_WIDE
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(sim *S, int argc, char **argv, int *verbosity)
{
    static const struct option opts[] = {
        {"profile", required_argument, 0, O_PROFILE},
        {"duration", required_argument, 0, O_DURATION},
        {"output-step", required_argument, 0, O_OUTPUT_STEP},
        {"probe", required_argument, 0, O_PROBE},
        {"out", required_argument, 0, O_OUT},
        {"rtol", required_argument, 0, O_RTOL},
        {"atol", required_argument, 0, O_ATOL},
        {"seed", required_argument, 0, O_SEED},
        {"init", required_argument, 0, O_INIT},
        {"scenario", required_argument, 0, O_SCENARIO},
        {"set", required_argument, 0, O_SET},
        {"add", required_argument, 0, O_ADD},
        {"add-count", required_argument, 0, O_ADD_COUNT},
        {"add-scale", required_argument, 0, O_ADD_SCALE},
        {"row", required_argument, 0, O_ROW},
        {"grid-trace", required_argument, 0, O_GRID_TRACE},
        {"grid-step", required_argument, 0, O_GRID_STEP},
        {"plot", no_argument, 0, O_PLOT},
        {"plot-format", required_argument, 0, O_PLOT_FORMAT},
        {"no-aggregate", no_argument, 0, O_NO_AGGREGATE},
        {"wide", no_argument, 0, O_WIDE},
        {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int c, bad = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
        switch (c) {
        case O_PROFILE:
            S->profile = optarg;
            break;
        case O_WIDE:
            S->is_wide = 1;
            break;
        case O_NO_AGGREGATE:
            S->no_aggregate = 1;
            break;
        case O_DURATION:
            bad = parse_time("duration", optarg, &S->duration);
            break;
        case O_OUTPUT_STEP:
            bad = parse_time("output-step", optarg, &S->out_step);
            break;
        case O_PROBE:
            if (add_probe(S, optarg)) {
                fprintf(stderr, "dctwin: simulate: out of memory\n");
                return DCT_EXIT_USAGE;
            }
            break;
        case O_OUT:
            if (!*optarg) {
                fprintf(stderr, "dctwin: simulate: --out '': expected a "
                                "directory name\n");
                return DCT_EXIT_USAGE;
            }
            free(S->out_dir);
            if (!(S->out_dir = strdup(optarg))) {
                fprintf(stderr, "dctwin: simulate: out of memory\n");
                return DCT_EXIT_USAGE;
            }
            break;
        case O_RTOL:
            bad = parse_pos("rtol", optarg, &S->rtol);
            break;
        case O_ATOL:
            bad = parse_pos("atol", optarg, &S->atol);
            break;
        case O_SEED:
            bad = parse_seed(optarg, &S->seed);
            break;
        case O_SCENARIO:
            S->scenario_path = optarg;
            break;
        case O_SET:
            S->sets[S->n_sets++] = optarg;
            break;
        case O_ADD:
            S->add_model = optarg;
            break;
        case O_ROW:
            S->add_row = optarg;
            break;
        case O_ADD_COUNT: {
            char *end = NULL;
            S->has_add_count = 1;
            S->n_add = strtol(optarg, &end, 10);
            if (!*optarg || *end || S->n_add < 0 || S->n_add > 100000) {
                fprintf(stderr, "dctwin: simulate: --add-count '%s': "
                                "expected a whole number from 0 to "
                                "100000\n", optarg);
                bad = 1;
            }
            break;
        }
        case O_ADD_SCALE: {
            char *end = NULL;
            S->add_scale = strtod(optarg, &end);
            if (!*optarg || *end || !(S->add_scale > 0) ||
                S->add_scale > 1) {
                fprintf(stderr, "dctwin: simulate: --add-scale '%s': "
                                "expected a number in (0, 1]\n", optarg);
                bad = 1;
            }
            break;
        }
        case O_GRID_TRACE:
            S->grid_trace = optarg;
            break;
        case O_GRID_STEP:
            bad = parse_time("grid-step", optarg, &S->grid_step);
            break;
        case O_PLOT:
            if (!S->plot_format)
                S->plot_format = "png";
            break;
        case O_PLOT_FORMAT:
            S->plot_format = optarg;
            if (!dct_plot_is_format(optarg)) {
                fprintf(stderr, "dctwin: simulate: --plot-format '%s': "
                                "expected png, svg or pdf\n",
                        optarg);
                bad = 1;
            }
            break;
        case O_INIT:
            if (strcmp(optarg, "steady") == 0) {
                S->is_cold_start = 0;
            } else if (strcmp(optarg, "design") == 0) {
                S->is_cold_start = 1;
            } else {
                fprintf(stderr, "dctwin: simulate: --init '%s': expected "
                                "steady or design\n",
                        optarg);
                bad = 1;
            }
            break;
        case 'q':
            *verbosity = 0;
            break;
        case 'v':
            *verbosity = 2;
            break;
        case 'h':
            help();
            return DCT_EXIT_OK;
        default:
            dct_suggest_option_hint("simulate", opts, argv[optind - 1]);
            fprintf(stderr, "dctwin: simulate: see 'dctwin simulate "
                            "--help'\n");
            return DCT_EXIT_USAGE;
        }
    }
    if (bad)
        return DCT_EXIT_USAGE;
    if (optind != argc - 1) {
        fprintf(stderr, "dctwin: simulate: %s (see 'dctwin simulate "
                        "--help')\n",
                optind >= argc ? "no SITE given" : "more than one SITE given");
        return DCT_EXIT_USAGE;
    }
    S->site_path = argv[optind];
    if (!(S->duration > 0)) {
        fprintf(stderr, "dctwin: simulate: --duration must be > 0 s\n");
        return DCT_EXIT_USAGE;
    }
    if (!(S->out_step > 0) || S->out_step > S->duration) {
        fprintf(stderr, "dctwin: simulate: --output-step %g s: must be > 0 "
                        "and at most the duration (%g s)\n",
                S->out_step, S->duration);
        return DCT_EXIT_USAGE;
    }
    S->out_every = 1;
    if (S->grid_trace) {
        double k = S->out_step / S->grid_step;
        if (!(S->grid_step > 0) || k < 1 - 1e-9 ||
            fabs(k - floor(k + 0.5)) > 1e-6 * k) {
            fprintf(stderr, "dctwin: simulate: --output-step %g s must be a "
                            "whole multiple of --grid-step %g s\n",
                    S->out_step, S->grid_step);
            return DCT_EXIT_USAGE;
        }
        S->out_every = (long)floor(k + 0.5);
    }
    double rows = floor(S->duration / (S->grid_trace ? S->grid_step
                                                     : S->out_step) *
                        (1 + 1e-12)) + 1;
    if (rows > SIM_MAX_ROWS) {
        fprintf(stderr, "dctwin: simulate: %g s in steps of %g s would give "
                        "%.0f rows; at most %.0f are written (use a longer "
                        "%s)\n",
                S->duration, S->grid_trace ? S->grid_step : S->out_step,
                rows, SIM_MAX_ROWS,
                S->grid_trace ? "--grid-step" : "--output-step");
        return DCT_EXIT_USAGE;
    }
    return -1;
}

/* Select the output columns from the --probe patterns.  Returns 0, or an
 * exit status (message printed). */
static int select_columns(sim *S)
{
    unsigned char *is_sel = calloc(S->n_out ? S->n_out : 1, 1);
    if (!is_sel)
        return DCT_EXIT_OUTPUT;
    int rc = 0;
    for (size_t a = 0; a < S->n_probe_args && !rc; a++) {
        int n_pat = 0;
        char *save = NULL;
        for (char *pat = strtok_r(S->probe_args[a], ",", &save); pat;
             pat = strtok_r(NULL, ",", &save)) {
            n_pat++;
            int hit = 0;
            for (size_t i = 0; i < S->n_out; i++)
                if (fnmatch(pat, dct_model_output_name(S->model, i), 0) ==
                    0) {
                    is_sel[i] = 1;
                    hit = 1;
                }
            if (!hit) {
                fprintf(stderr, "dctwin: simulate: --probe '%s' matches no "
                                "output column (%zu columns, e.g. '%s')\n",
                        pat, S->n_out,
                        S->n_out ? dct_model_output_name(S->model, 0) : "");
                rc = DCT_EXIT_USAGE;
                break;
            }
        }
        if (!rc && n_pat == 0) {
            fprintf(stderr, "dctwin: simulate: --probe: empty pattern\n");
            rc = DCT_EXIT_USAGE;
        }
    }
    S->n_sel = 0;
    for (size_t i = 0; i < S->n_out && !rc; i++)
        if (!S->n_probe_args || is_sel[i])
            S->sel[S->n_sel++] = i;
    free(is_sel);
    return rc;
}

/* Digests of every input file.  Returns 0 or -1 (message printed). */
static int hash_inputs(sim *S)
{
    size_t n = S->site->n_files;
    struct stat st;
    int has_profile_file = S->profile && stat(S->profile, &st) == 0 &&
                           S_ISREG(st.st_mode);
    S->inputs = calloc(n + 1, sizeof *S->inputs);
    if (!S->inputs) {
        fprintf(stderr, "dctwin: simulate: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < n + (size_t)has_profile_file; i++) {
        const char *file = i < n ? S->site->files[i] : S->profile;
        if (!(S->inputs[i].file = strdup(file))) {
            fprintf(stderr, "dctwin: simulate: out of memory\n");
            return -1;
        }
        S->n_inputs++;
        if (dct_sha256_file(file, S->inputs[i].sha256) != 0) {
            fprintf(stderr, "dctwin: %s: cannot read: %s\n", file,
                    strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Default run directory: ./run-<site name>, the name made safe. */
static char *default_out_dir(const char *name)
{
    if (!name || !*name)
        name = "site";
    size_t n = strlen(name);
    char *p = malloc(n + 7);
    if (!p)
        return NULL;
    memcpy(p, "./run-", 6);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        p[6 + i] = ok ? c : '_';
    }
    p[6 + n] = '\0';
    return p;
}

/* Allocate everything the callbacks use. */
static int alloc_run(sim *S)
{
    S->n_y = S->ode->n;
    S->n_out = dct_model_n_outputs(S->model);
    S->n_mg_model = dct_model_n_margins(S->model);
    /* one ramp margin per grid with a ramp limit */
    size_t n_ramp = 0;
    for (size_t i = 0; i < S->site->n_comps; i++) {
        const dct_comp *c = S->site->comps[i];
        n_ramp += S->grid_trace && c->type == DCT_T_GRID && !c->is_model &&
                  isfinite(c->q[DCT_GRID_RAMP_LIMIT]);
    }
    S->n_mg = S->n_mg_model + n_ramp;
    S->ramp_def = calloc(n_ramp ? n_ramp : 1, sizeof *S->ramp_def);
    S->ramp_of = calloc(S->n_out ? S->n_out : 1, sizeof *S->ramp_of);
    S->n_win = S->grid_trace
                   ? (size_t)fmax(1, floor(RAMP_WINDOW_S / S->grid_step + 0.5))
                   : 1;
    S->ma = calloc(S->n_out ? S->n_out : 1, sizeof *S->ma);
    S->ring = calloc((S->n_out ? S->n_out : 1) * S->n_win, sizeof *S->ring);
    if (!S->ramp_def || !S->ramp_of || !S->ma || !S->ring)
        return -1;
    S->y0 = calloc(S->n_y ? S->n_y : 1, sizeof *S->y0);
    S->out = calloc(S->n_out ? S->n_out : 1, sizeof *S->out);
    S->sel = calloc(S->n_out ? S->n_out : 1, sizeof *S->sel);
    S->mval = calloc(S->n_mg ? S->n_mg : 1, sizeof *S->mval);
    S->mg = calloc(S->n_mg ? S->n_mg : 1, sizeof *S->mg);
    S->order = calloc(S->n_mg ? S->n_mg : 1, sizeof *S->order);
    S->grid_col = calloc(S->n_out ? S->n_out : 1, sizeof *S->grid_col);
    S->env = dct_envelope_new(S->site, S->model);
    if (!S->y0 || !S->out || !S->sel || !S->mval || !S->mg || !S->order ||
        !S->grid_col || !S->env)
        return -1;
    /* the grids' power columns: "<grid id>.P_kW" of every grid record */
    size_t k_ramp = 0;
    for (size_t i = 0; i < S->site->n_comps; i++) {
        const dct_comp *c = S->site->comps[i];
        if (c->type != DCT_T_GRID || c->is_model)
            continue;
        char name[160];
        snprintf(name, sizeof name, "%s.P_kW", c->id);
        for (size_t k = 0; k < S->n_out; k++)
            if (strcmp(dct_model_output_name(S->model, k), name) == 0) {
                size_t r = SIZE_MAX;
                double lim = c->q[DCT_GRID_RAMP_LIMIT];
                if (S->grid_trace && isfinite(lim)) {
                    r = S->n_mg_model + k_ramp;
                    dct_margin_def *d = &S->ramp_def[k_ramp++];
                    char id[256];
                    snprintf(id, sizeof id, "%s.ramp.limit", c->id);
                    if (!(d->id = strdup(id)))
                        return -1;
                    d->component = c->id;
                    d->type = "grid";
                    d->quantity = "ramp";
                    d->unit = "MW/s";
                    d->label = "grid ramp (100 ms average) within the limit";
                    d->limit = lim / 1e6;
                    d->is_upper = 1;
                }
                S->ramp_of[S->n_grid] = r;
                S->grid_col[S->n_grid++] = k;
            }
    }
    if (!(S->own = malloc((S->n_mg_model ? S->n_mg_model : 1) *
                          sizeof *S->own)))
        return -1;
    for (size_t i = 0; i < S->n_mg_model; i++) {
        int is_own = dct_model_margin_source(S->model, i) == i;
        S->has_members |= !is_own;
        if (is_own)
            S->own[S->n_own++] = i;
    }
    for (size_t i = 0; i < S->n_mg; i++) {
        sim_margin *g = &S->mg[i];
        g->def = i < S->n_mg_model
                     ? dct_model_margin(S->model, i)
                     : &S->ramp_def[i - S->n_mg_model];
        g->worst = INFINITY;
        g->prev_t = NAN;
        g->worst_val = NAN;
        g->t_worst = NAN;
        g->t_viol = NAN;
        g->vmin = INFINITY;
        g->vmax = -INFINITY;
    }
    /* the kinds of margins over time */
    if (S->n_mg) {
        if (!(S->mkind = malloc(S->n_mg * sizeof *S->mkind)) ||
            !(S->n_kind = kind_of(S, S->mkind)) ||
            !(S->kind_col = calloc(S->n_kind, 1)) ||
            !(S->kmin = malloc(S->n_kind * sizeof *S->kmin)))
            return -1;
        for (size_t i = 0; i < S->n_mg_model; i++)
            if (S->mg[i].def->range > 0)
                S->kind_col[S->mkind[i]] = 1;
    }
    return 0;
}

/* Open a temporary for file K of the run directory. */
static int open_out(sim *S, int k)
{
    const char *dir = dct_rundir_tmp(S->rd);
    size_t n = strlen(dir) + strlen(file_names[k]) + 2;
    char *path = malloc(n);
    if (!path)
        return -1;
    snprintf(path, n, "%s/%s", dir, file_names[k]);
    S->f[k] = dct_afile_open(path);
    if (!S->f[k])
        fprintf(stderr, "dctwin: %s: cannot create: %s\n", path,
                strerror(errno));
    free(path);
    return S->f[k] ? 0 : -1;
}

/* The file --grid-trace writes to, malloc'd: in the temporary run
 * directory when it names a file of the run directory (rundir/grid.csv,
 * which the plots draw), so that it is published with the run. */
static char *grid_trace_path(sim *S)
{
    const char *gt = S->grid_trace, *sl = strrchr(gt, '/');
    char *dir = sl ? strndup(gt, (size_t)(sl - gt) + 1) : strdup(".");
    struct stat a, b;
    S->is_gt_in_run = dir && stat(dir, &a) == 0 &&
                      stat(S->out_dir, &b) == 0 && a.st_dev == b.st_dev &&
                      a.st_ino == b.st_ino;
    free(dir);
    if (!S->is_gt_in_run)
        return strdup(gt);
    const char *tmp = dct_rundir_tmp(S->rd), *base = sl ? sl + 1 : gt;
    size_t n = strlen(tmp) + strlen(base) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", tmp, base);
    return p;
}

/* Write the result files after the run and commit all.  Returns 0 or -1
 * (message printed). */
static int write_results(sim *S, int status)
{
    size_t nq = S->ode->nq > DCT_NQ ? S->ode->nq : DCT_NQ;
    double *q = calloc(nq, sizeof *q);
    if (!q)
        return -1;
    if (S->ode->nq)
        dct_solver_quad(S->solver, q);
    double du = dct_model_stored_energy(S->model,
                                        dct_solver_state(S->solver)) -
                S->u0;
    S->dw = dct_model_electric_energy(S->model,
                                      dct_solver_state(S->solver)) -
            S->w0;
    int rc = 0;
    for (int k = F_MJ; k <= F_RUN && !rc; k++)
        if (!S->f[k])        /* margins-over-time.csv is open since the start */
            rc = open_out(S, k);
    if (!rc) {
        write_margins_json(dct_afile_fp(S->f[F_MJ]), S);
        write_margins_txt(dct_afile_fp(S->f[F_MT]), S);
        write_margins_csv(dct_afile_fp(S->f[F_MC]), S);
        write_run_json(dct_afile_fp(S->f[F_RUN]), S, q, du, status);
    }
    free(q);
    /* make every file durable before any of them appears */
    for (int k = 0; k < N_FILES && !rc; k++)
        if (S->f[k] && dct_afile_finish(S->f[k]) != 0) {
            fprintf(stderr, "dctwin: %s: write error: %s\n",
                    dct_afile_path(S->f[k]), strerror(errno));
            rc = -1;
        }
    for (int k = 0; k < N_FILES && !rc; k++) {
        if (!S->f[k] || (k == F_GT && !S->is_gt_in_run))
            continue;   /* --grid-trace elsewhere: after the directory */
        char *path = strdup(dct_afile_path(S->f[k]));
        int c = dct_afile_commit(S->f[k]);
        S->f[k] = NULL;
        if (c != 0) {
            fprintf(stderr, "dctwin: %s: cannot rename into place: %s\n",
                    path ? path : file_names[k], strerror(errno));
            rc = -1;
        }
        free(path);
    }
    if (!rc && dct_rundir_seal(S->rd, S->d) != 0) {
        dct_diag_print(S->d, stderr);
        dct_diag_clear(S->d);
        rc = -1;
    }
    return rc;
}

/* ---------------------------------------------------------------- main */

int dct_cmd_simulate(int argc, char **argv)
{
    dct_diag d;
    dct_diag_init(&d);
    sim S0 = {0}, *S = &S0;
    S->d = &d;
    S->duration = SIM_DURATION_S;
    S->out_step = SIM_OUTPUT_STEP_S;
    S->grid_step = SIM_GRID_STEP_S;
    S->rtol = SIM_RTOL;
    S->atol = SIM_ATOL;
    S->seed = SIM_SEED;
    S->t_fail = S->t_throttle = S->t_rack_trip = -1;
    int rc = DCT_EXIT_OK;

    S->sets = calloc((size_t)argc + 1, sizeof *S->sets);
    if (!S->sets) {
        fprintf(stderr, "dctwin: simulate: out of memory\n");
        return DCT_EXIT_USAGE;
    }
    int verbosity = dct_verbosity;
    int r = parse_args(S, argc, argv, &verbosity);
    if (r >= 0) {
        rc = r;
        goto done;
    }
    dct_verbosity = verbosity;
    if (dct_afile_install_signal_handlers() != 0) {
        fprintf(stderr, "dctwin: simulate: cannot install signal handlers: "
                        "%s\n", strerror(errno));
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }

    /* input */
    if (S->add_model && S->n_add == 0 && !S->has_add_count)
        S->n_add = 1;
    dct_site_opts so_site = {S->sets, S->n_sets, S->add_model, S->add_row,
                             S->add_model ? S->n_add : 0,
                             S->add_scale > 0 ? S->add_scale : 1};
    S->site = dct_site_load_opts(S->site_path, &so_site, &d);
    if (!S->site) {
        dct_diag_print(&d, stderr);
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    if (S->scenario_path &&
        !(S->scenario = dct_scenario_load(S->scenario_path, S->site, &d))) {
        dct_diag_print(&d, stderr);
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    dct_model_opts mo = {S->profile, S->seed, S->scenario, S->no_aggregate, 0};
    S->model = dct_model_build(S->site, &mo, &d);
    dct_diag_print(&d, stderr);   /* warnings of load and build too */
    dct_diag_clear(&d);
    if (!S->model) {
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    if (hash_inputs(S) != 0) {
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    S->ode = dct_model_ode(S->model);
    if (alloc_run(S) != 0) {
        fprintf(stderr, "dctwin: simulate: out of memory\n");
        rc = DCT_EXIT_SOLVER;
        goto done;
    }
    if ((rc = select_columns(S)) != 0)
        goto done;

    /* output directory and the streamed files */
    if (!S->out_dir && !(S->out_dir = default_out_dir(S->site->name))) {
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    /* the names a run writes, the grid trace's when it goes there */
    const char *names[N_FILES + 1];
    memcpy(names, file_names, sizeof file_names);
    names[N_FILES] = S->grid_trace && strrchr(S->grid_trace, '/')
                         ? strrchr(S->grid_trace, '/') + 1
                         : S->grid_trace ? S->grid_trace : "grid.csv";
    S->rd = dct_rundir_begin(S->out_dir, names, N_FILES + 1, &rc, &d);
    if (!S->rd) {
        dct_diag_print(&d, stderr);
        goto done;
    }
    if (open_out(S, F_TS) != 0 || open_out(S, F_EV) != 0 ||
        open_out(S, F_MO) != 0) {
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    if (S->grid_trace) {
        char *gt = grid_trace_path(S);
        if (!gt || !(S->f[F_GT] = dct_afile_open(gt))) {
            fprintf(stderr, "dctwin: %s: cannot create: %s\n",
                    S->grid_trace, strerror(errno));
            free(gt);
            rc = DCT_EXIT_OUTPUT;
            goto done;
        }
        free(gt);
        FILE *g = dct_afile_fp(S->f[F_GT]);
        fputs("t_s", g);
        for (size_t k = 0; k < S->n_grid; k++) {
            putc(',', g);
            dct_csv_field(g, dct_model_output_name(S->model, S->grid_col[k]));
        }
        putc('\n', g);
    }
    FILE *ts = dct_afile_fp(S->f[F_TS]);
    fputs("t_s", ts);
    for (size_t k = 0; k < S->n_sel; k++) {
        putc(',', ts);
        dct_csv_field(ts, dct_model_output_name(S->model, S->sel[k]));
    }
    putc('\n', ts);
    fputs("t_s,component,event\n", dct_afile_fp(S->f[F_EV]));
    FILE *mof = dct_afile_fp(S->f[F_MO]);
    fputs("t_s", mof);
    for (size_t k = 0, i = 0; k < S->n_kind; k++) {
        if (!S->kind_col[k])
            continue;
        while (i < S->n_mg_model &&
               (S->mkind[i] != k || !(S->mg[i].def->range > 0)))
            i++;
        /* the kind's name: the component type, then its margin id
         * after the component's: "rack.T_j_hot.throttle_pct" */
        const dct_margin_def *md = S->mg[i].def;
        char name[200];
        snprintf(name, sizeof name, "%s.%s_pct", md->type,
                 md->id + strlen(md->component) + 1);
        putc(',', mof);
        dct_csv_field(mof, name);
        i = 0;
    }
    putc('\n', mof);

    /* the run */
    dct_model_initial_state(S->model, S->y0);
    dct_solver_opts so;
    dct_solver_opts_default(&so);
    so.rtol = S->rtol;
    so.atol = S->atol;
    S->wall0 = now_s();
    if (!S->is_cold_start && settle(S, &so) != 0) {
        dct_diag_print(&d, stderr);
        fprintf(stderr, "dctwin: simulate: settling to the initial steady "
                        "state failed; try --init=design\n");
        rc = DCT_EXIT_SOLVER;
        goto done;
    }
    dct_diag_print(&d, stderr);
    dct_diag_clear(&d);
    /* wall_s and the real-time ratio are the run's; settling apart */
    S->settle_wall_s = now_s() - S->wall0;
    S->wall0 = now_s();
    dct_model_start(S->model);
    S->u0 = dct_model_stored_energy(S->model, S->y0);
    S->w0 = dct_model_electric_energy(S->model, S->y0);
    errno = 0;
    if ((r = initial_events(S)) != 0) {
        dct_diag_print(&d, stderr);
        if (r != CB_WRITE) {
            fprintf(stderr, "dctwin: simulate: the run cannot start; no "
                            "results written\n");
            rc = DCT_EXIT_SOLVER;
            goto done;
        }
        fprintf(stderr, "dctwin: %s: write error: %s\n", S->out_dir,
                errno ? strerror(errno) : "the output stream failed");
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    S->show_progress = dct_verbosity >= 1 && isatty(2);
    S->solver = dct_solver_new(S->ode, S->y0, 0.0, &so, &d);
    if (!S->solver) {
        dct_diag_print(&d, stderr);
        rc = DCT_EXIT_SOLVER;
        goto done;
    }
    dct_solver_cb cb = {on_output, on_step, on_root, S};
    r = dct_solver_run(S->solver, S->duration,
                       S->grid_trace ? S->grid_step : S->out_step, &cb, &d);
    if (r == 0 && flush_scenario(S, S->duration) != 0)
        r = CB_WRITE;
    progress(S, dct_solver_time(S->solver), 1);
    S->wall_s = now_s() - S->wall0;
    if (r == CB_WRITE) {
        fprintf(stderr, "dctwin: %s: write error: %s\n", S->out_dir,
                errno ? strerror(errno) : "the output stream failed");
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    if (r != 0) {
        dct_diag_print(&d, stderr);
        fprintf(stderr, "dctwin: simulate: the run stopped at t = %.9g s; "
                        "no results written\n",
                dct_solver_time(S->solver));
        rc = DCT_EXIT_SOLVER;
        goto done;
    }

    /* results; the warnings of the run (the validity envelope) first */
    dct_diag_print(&d, stderr);
    dct_diag_clear(&d);
    copy_margin_sources(S);
    if (sort_margins(S) != 0) {
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    int status = is_all_ok(S) ? DCT_EXIT_OK : DCT_EXIT_MARGIN;
    if (write_results(S, status) != 0) {
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    if (S->plot_format) {
        /* the plots are part of the run: one that fails publishes
         * nothing; a missing gnuplot is only a warning */
        int p = dct_plot_run_as(dct_rundir_tmp(S->rd), S->out_dir,
                                S->plot_format, NULL, &d);
        dct_diag_print(&d, stderr);
        dct_diag_clear(&d);
        if (p < 0) {
            fprintf(stderr, "dctwin: %s: nothing written (a plot failed)\n",
                    S->out_dir);
            rc = DCT_EXIT_OUTPUT;
            goto done;
        }
    }
    int c = dct_rundir_commit(S->rd, &d);
    S->rd = NULL;
    if (c == 0 && S->f[F_GT]) {
        c = dct_afile_commit(S->f[F_GT]);
        S->f[F_GT] = NULL;
        if (c != 0)
            dct_error(&d, S->grid_trace, 0, "cannot rename into place: %s",
                      strerror(errno));
    }
    if (c != 0) {
        dct_diag_print(&d, stderr);
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    if (dct_verbosity >= 2)
        print_stats(S);
    if (dct_verbosity >= 1) {
        write_margins_txt(stdout, S);
        char env[400];
        dct_envelope_summary(S->env, env, sizeof env);
        if (*env)
            printf("%s\n", env);
        fflush(stdout);
    }
    rc = status;

done:
    for (int k = 0; k < N_FILES; k++)
        dct_afile_abort(S->f[k]);
    dct_rundir_abort(S->rd);   /* a run that did not finish */
    dct_solver_free(S->solver);
    dct_envelope_free(S->env);
    if (S->model)
        dct_model_free(S->model);
    dct_site_free(S->site);
    for (size_t i = 0; i < S->n_inputs; i++)
        free(S->inputs[i].file);
    free(S->inputs);
    for (size_t i = 0; i < S->n_probe_args; i++)
        free(S->probe_args[i]);
    free(S->probe_args);
    free(S->out_dir);
    free(S->y0);
    free(S->out);
    free(S->sel);
    free(S->mval);
    free(S->mkind);
    free(S->own);
    free(S->kind_col);
    free(S->kmin);
    free(S->mg);
    free(S->order);
    free(S->grid_col);
    free(S->sets);
    for (size_t i = 0; S->ramp_def && i < S->n_mg - S->n_mg_model; i++)
        free(S->ramp_def[i].id);
    free(S->ramp_def);
    free(S->ramp_of);
    free(S->ma);
    free(S->ring);
    dct_scenario_free(S->scenario);
    dct_diag_clear(&d);
    return rc;
}

/* --plot or --plot-format[=FMT]: refused by margins and capacity, whose
 * run directories are temporary. */
static int is_plot_option(const char *a)
{
    return strcmp(a, "--plot") == 0 || strcmp(a, "--plot-format") == 0 ||
           strncmp(a, "--plot-format=", 14) == 0;
}

/* Remove the files of a run directory DIR and the directory (a no-op for
 * what is missing). */
static void remove_run(const char *dir)
{
    dct_rundir_remove(dir);
}

/* A new private directory "$TMPDIR/dctwin-WHAT.PID.XXXXXX" in BUF,
 * removed with what it holds (DEPTH levels) by SIGINT/SIGTERM: its
 * atomic_file.h slot in *SLOT.  Such directories of processes that are
 * gone (SIGKILL) are removed first.  Returns 0, or -1 with a message. */
static int make_tmp_dir(const char *what, char *buf, size_t n, int depth,
                        int *slot)
{
    const char *tmp = getenv("TMPDIR");
    tmp = tmp && *tmp ? tmp : "/tmp";
    char prefix[64];
    snprintf(prefix, sizeof prefix, "dctwin-%s", what);
    dct_rundir_remove_stale(tmp, prefix, depth);
    snprintf(buf, n, "%s/%s.%ld.XXXXXX", tmp, prefix, (long)getpid());
    /* tracked before a signal can come */
    sigset_t old;
    dct_afile_block_signals(&old);
    int is_made = mkdtemp(buf) != NULL;
    int e = errno;
    if (is_made && (*slot = dct_afile_track_dir(buf, depth)) < 0) {
        e = errno;
        rmdir(buf);
        is_made = 0;
    }
    dct_afile_unblock_signals(&old);
    if (is_made)
        return 0;
    fprintf(stderr, "dctwin: %s: cannot make a temporary directory: %s\n",
            what, strerror(e));
    return -1;
}

/* Print FILE of run directory DIR on stdout.  Returns 0 when the run met
 * every margin, 1 when not (margins.json's all_ok), 3 when the directory
 * holds no run. */
static int print_run_table(const char *dir, const char *file)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char why[200];
    FILE *f = dct_open_regular(path, DCT_MAX_CSV_BYTES, why, sizeof why);
    if (!f) {
        fprintf(stderr, "dctwin: %s: %s\n", path, why);
        return DCT_EXIT_INPUT;
    }
    int c;
    while ((c = getc(f)) != EOF)
        putchar(c);
    fclose(f);
    snprintf(path, sizeof path, "%s/margins.json", dir);
    if (!(f = dct_open_regular(path, DCT_MAX_CSV_BYTES, why, sizeof why))) {
        fprintf(stderr, "dctwin: %s: %s\n", path, why);
        return DCT_EXIT_INPUT;
    }
    char buf[256];
    int is_ok = -1;
    /* "all_ok" is on the last line */
    while (fgets(buf, sizeof buf, f))
        if (strstr(buf, "\"all_ok\":true"))
            is_ok = 1;
        else if (strstr(buf, "\"all_ok\":false"))
            is_ok = 0;
    fclose(f);
    if (is_ok < 0) {
        fprintf(stderr, "dctwin: %s: no all_ok\n", path);
        return DCT_EXIT_INPUT;
    }
    return is_ok ? DCT_EXIT_OK : DCT_EXIT_MARGIN;
}

/* `dctwin margins`: a run into a temporary directory, then its margin
 * table on stdout (margins.txt, .json or .csv); or, given a run directory,
 * that run's table.  Exit status: the run's. */
int dct_cmd_margins(int argc, char **argv);
int dct_cmd_margins(int argc, char **argv)
{
    const char *format = "text";
    char **av = calloc((size_t)argc + 6, sizeof *av);
    int ac = 0;
    if (!av)
        return DCT_EXIT_USAGE;
    av[ac++] = "simulate";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("Usage: dctwin margins SITE|RUNDIR [--format "
                   "text|json|csv] [SIMULATE OPTION]...\n"
                   "Simulate SITE (any option of 'dctwin simulate' but "
                   "--out, --wide included) and\nprint its margin table, "
                   "binding margin first; or print the table of the run\n"
                   "in RUNDIR.\n"
                   "Exit status: 0 all margins met, 1 some margin "
                   "negative, 2 usage, 3 input\nerror, 4 solver failure, "
                   "5 output failure.\n");
            free(av);
            return DCT_EXIT_OK;
        }
        if (strncmp(argv[i], "--format=", 9) == 0) {
            format = argv[i] + 9;
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            format = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 ||
                   strncmp(argv[i], "--out=", 6) == 0 ||
                   is_plot_option(argv[i])) {
            /* the run directory is temporary: nothing to keep there */
            fprintf(stderr, "dctwin: margins: %.*s is not an option here "
                            "(use dctwin simulate)\n",
                    (int)strcspn(argv[i], "="), argv[i]);
            free(av);
            return DCT_EXIT_USAGE;
        } else {
            av[ac++] = argv[i];
        }
    }
    const char *file = strcmp(format, "text") == 0   ? "margins.txt"
                       : strcmp(format, "json") == 0 ? "margins.json"
                       : strcmp(format, "csv") == 0  ? "margins.csv"
                                                     : NULL;
    if (!file) {
        fprintf(stderr, "dctwin: margins: --format '%s': expected text, "
                        "json or csv\n", format);
        free(av);
        return DCT_EXIT_USAGE;
    }
    /* a run directory: print its table; the status follows all_ok */
    struct stat st;
    if (ac == 3 && strcmp(av[2], "--wide") == 0 && stat(av[1], &st) == 0 &&
        S_ISDIR(st.st_mode)) {
        /* the run's table was written when it ran */
        fprintf(stderr, "dctwin: margins: --wide applies to a new run; "
                        "every column of %s is in its margins.csv (--format "
                        "csv)\n", av[1]);
        free(av);
        return DCT_EXIT_USAGE;
    }
    if (ac == 2 && stat(av[1], &st) == 0 && S_ISDIR(st.st_mode)) {
        dct_diag d;
        dct_diag_init(&d);
        int lock = -1;
        int rc = dct_rundir_check(av[1], &lock, 0, &d) == 0
                     ? print_run_table(av[1], file)
                     : DCT_EXIT_INPUT;
        dct_rundir_unlock(lock);
        dct_diag_print(&d, stderr);
        dct_diag_clear(&d);
        free(av);
        return rc;
    }
    char tdir[4096];
    int slot = -1;
    if (make_tmp_dir("margins", tdir, sizeof tdir, 1, &slot) != 0) {
        free(av);
        return DCT_EXIT_OUTPUT;
    }
    av[ac++] = "--out";
    av[ac++] = tdir;
    av[ac++] = "-q";
    int rc = dct_cmd_simulate(ac, av);
    if ((rc == DCT_EXIT_OK || rc == DCT_EXIT_MARGIN) &&
        print_run_table(tdir, file) >= DCT_EXIT_USAGE)
        rc = DCT_EXIT_OUTPUT;
    remove_run(tdir);
    dct_afile_untrack_dir(slot);
    free(av);
    return rc;
}

/* ------------------------------------------------------ dctwin capacity */

/* One capacity trial: simulate with N racks added into DIR (made and
 * emptied here), each at SCALE of its model's power and flow.  Returns
 * the run's exit status. */
static int capacity_run_scaled(int ac, char *const *av0, long n,
                               double scale, const char *dir)
{
    /* a fresh argv each run: getopt_long permutes the one it is given */
    char **av = calloc((size_t)ac + 8, sizeof *av);
    if (!av)
        return DCT_EXIT_USAGE;
    memcpy(av, av0, (size_t)ac * sizeof *av);
    char count[32], sc[40];
    snprintf(count, sizeof count, "%ld", n);
    snprintf(sc, sizeof sc, "%.17g", scale);
    av[ac++] = "--add-count";
    av[ac++] = count;
    if (scale < 1) {
        av[ac++] = "--add-scale";
        av[ac++] = sc;
    }
    av[ac++] = "--out";
    av[ac++] = (char *)dir;
    av[ac++] = "-q";
    int rc = dct_cmd_simulate(ac, av);
    free(av);
    return rc;
}

static int capacity_run(int ac, char *const *av0, long n, const char *dir)
{
    return capacity_run_scaled(ac, av0, n, 1.0, dir);
}

/* The margin ID (NULL: the binding one, the first row) of the run in DIR
 * in percent of its limit, from margins.csv; NAN when it is not there or
 * has no percentage.  Returns -1 when the file cannot be read. */
static int run_margin_pct(const char *dir, const char *id, double *pct)
{
    char path[4200], line[1024];
    snprintf(path, sizeof path, "%s/margins.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    *pct = NAN;
    int is_head = 1;
    while (fgets(line, sizeof line, f)) {
        if (is_head) {
            is_head = 0;
            continue;
        }
        size_t l = strcspn(line, ",");
        if (id && (strlen(id) != l || strncmp(line, id, l) != 0))
            continue;
        char *p = line;
        for (int k = 0; k < 8 && p; k++) /* field 8: margin_pct */
            if ((p = strchr(p, ',')))
                p++;
        char *end = NULL;
        double v = p ? strtod(p, &end) : NAN;
        if (p && end != p && isfinite(v))
            *pct = v;
        break;
    }
    fclose(f);
    return 0;
}

static int binding_pct(const char *dir, double *pct)
{
    int rc = run_margin_pct(dir, NULL, pct);
    if (!rc && isnan(*pct))
        *pct = 0;
    return rc;
}

/* Split LINE in place at its commas into at most MAX fields. */
static int split_csv(char *line, char **fld, int max)
{
    int nf = 0;
    fld[nf++] = line;
    for (char *p = line; *p && nf < max; p++)
        if (*p == ',') {
            *p = '\0';
            fld[nf++] = p + 1;
        }
    return nf;
}

/* Every kind of margin violated in the run in DIR (margins.csv, worst
 * first), each with its worst member and how many members violate it:
 * what must change for one more rack. */
static void print_violated(const char *dir, long n_added)
{
    char path[4200], line[1024];
    snprintf(path, sizeof path, "%s/margins.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    enum { MAXK = 64 };
    struct {
        char kind[96], id[128], unit[16];
        double margin;
        int n;
    } k[MAXK];
    int nk = 0, more = 0;
    int is_head = 1;
    while (fgets(line, sizeof line, f)) {
        if (is_head) {
            is_head = 0;
            continue;
        }
        line[strcspn(line, "\r\n")] = '\0';
        char *fld[12];
        int nf = split_csv(line, fld, 12);
        char *end = NULL;
        double mg = nf >= 8 ? strtod(fld[7], &end) : NAN;
        if (!end || end == fld[7] || !(mg < 0))
            continue;
        /* the kind: the id less its component ("A01.T_j_hot.throttle" ->
         * "T_j_hot.throttle") */
        const char *kind = fld[0] + strlen(fld[1]);
        kind += *kind == '.';
        int j = 0;
        while (j < nk && strcmp(k[j].kind, kind) != 0)
            j++;
        if (j == nk) {
            if (nk == MAXK) {
                more = 1;
                continue;
            }
            snprintf(k[j].kind, sizeof k[j].kind, "%.95s", kind);
            snprintf(k[j].id, sizeof k[j].id, "%.127s", fld[0]);
            k[j].margin = mg;
            snprintf(k[j].unit, sizeof k[j].unit, "%.15s", fld[3]);
            k[j].n = 0;
            nk++;
        }
        k[j].n++;
    }
    fclose(f);
    if (nk == 0)
        return;
    printf("violated with %ld added (%d kind%s%s):\n", n_added, nk,
           nk == 1 ? "" : "s", more ? ", and more" : "");
    for (int j = 0; j < nk; j++) {
        printf("  %-36s margin %.5g%s%s", k[j].id, k[j].margin,
               *k[j].unit ? " " : "", k[j].unit);
        if (k[j].n > 1)
            printf("  (%d components)", k[j].n);
        printf("\n");
    }
}

/* The continuous search: f(x) for x racks' worth added, ceil(x) racks at
 * x / ceil(x) of their power and flow. */
typedef struct cap_fn {
    int ac;
    char *const *av;
    const char *d_try;
    int n_runs;
    int rc;            /* first exit status other than 0 or 1 */
    double x_known[2], f_known[2];  /* the bracket's ends, already run */
    char target[128];  /* the margin that binds at the failing end */
    double x_fail;     /* the smallest failing x so far */
} cap_fn;

/* The id of the first (binding) margin of the run in DIR into BUF. */
static void first_id(const char *dir, char *buf, size_t n)
{
    char path[4200], line[1024];
    snprintf(path, sizeof path, "%s/margins.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(line, sizeof line, f) && fgets(line, sizeof line, f))
        snprintf(buf, n, "%.*s", (int)strcspn(line, ","), line);
    fclose(f);
}

/* f(x) [%]: on a passing run, the margin that failed at the smallest
 * failing x so far (a continuous function of x when that margin is); on
 * a failing run, its binding margin; its sign forced to the run's
 * verdict (a pass at a margin of exactly 0, such as a count of units, is
 * still a pass), so the root of f is where the runs turn from passing to
 * failing.  NAN after a run that neither passed nor failed a margin (GSL
 * then stops with GSL_EBADFUNC). */
static double capacity_f(double x, void *ctx)
{
    cap_fn *c = ctx;
    for (int k = 0; k < 2; k++)
        if (x == c->x_known[k])
            return c->f_known[k];
    long n = (long)ceil(x - 1e-12);
    if (n < 1)
        n = 1;
    int r = capacity_run_scaled(c->ac, c->av, n, x / (double)n, c->d_try);
    c->n_runs++;
    double pct = 0;
    if ((r != DCT_EXIT_OK && r != DCT_EXIT_MARGIN) ||
        binding_pct(c->d_try, &pct) != 0) {
        if (!c->rc)
            c->rc = r != DCT_EXIT_OK && r != DCT_EXIT_MARGIN
                        ? r : DCT_EXIT_OUTPUT;
        remove_run(c->d_try);
        return NAN;
    }
    double pt = NAN;
    if (r == DCT_EXIT_MARGIN) {
        /* the margin that failed at the smallest failing x so far is the
         * one to follow: it binds nearest the root */
        if (x < c->x_fail)
            first_id(c->d_try, c->target, sizeof c->target);
        c->x_fail = fmin(c->x_fail, x);
    } else if (*c->target &&
               run_margin_pct(c->d_try, c->target, &pt) == 0 &&
               isfinite(pt)) {
        pct = pt;
    }
    remove_run(c->d_try);
    /* 1e-6 %: far below any margin a table shows */
    return r == DCT_EXIT_OK ? fmax(pct, 1e-6) : fmin(pct, -1e-6);
}

/* Brent's method (GSL) on f over [LO, HI], f(LO) >= 0 > f(HI), to half
 * a rack.  Returns 0 with the root in *X, or an exit status. */
static int capacity_brent(cap_fn *c, double lo, double hi, double *x)
{
    gsl_function fn = {capacity_f, c};
    gsl_root_fsolver *so = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!so)
        return DCT_EXIT_USAGE;
    int st = gsl_root_fsolver_set(so, &fn, lo, hi);
    for (int it = 0; st == GSL_SUCCESS && it < 40; it++) {
        st = gsl_root_fsolver_iterate(so);
        if (st != GSL_SUCCESS)
            break;
        double a = gsl_root_fsolver_x_lower(so);
        double b = gsl_root_fsolver_x_upper(so);
        if (gsl_root_test_interval(a, b, 0.5, 0) == GSL_SUCCESS)
            break;
    }
    *x = gsl_root_fsolver_root(so);
    gsl_root_fsolver_free(so);
    if (c->rc)
        return c->rc;
    return st == GSL_SUCCESS ? 0 : DCT_EXIT_SOLVER;
}

/* The binding margin of the run in DIR: "ID (MARGIN UNIT)" into BUF. */
static void binding_of(const char *dir, char *buf, size_t n)
{
    char path[4200], line[1024], id[128] = "";
    snprintf(buf, n, "?");
    snprintf(path, sizeof path, "%s/margins.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    /* the first data row is the binding margin */
    if (fgets(line, sizeof line, f) && fgets(line, sizeof line, f)) {
        char *fld[12];
        int nf = split_csv(line, fld, 12);
        if (nf >= 8) {
            /* ids are at most 95 characters (dct_margin_def) */
            snprintf(id, sizeof id, "%.100s", fld[0]);
            snprintf(buf, n, "%s (margin %.30s%s%.15s)", id, fld[7],
                     *fld[3] ? " " : "", fld[3]);
        }
    }
    fclose(f);
}

/* Run count N: a pass moves its run to D_PASS and raises *LO, a margin
 * failure moves it to D_FAIL and lowers *HI.  Returns 0, or the exit
 * status of a run that neither passed nor failed a margin. */
static int capacity_try(int ac, char *const *av, long n, const char *d_try,
                        const char *d_pass, const char *d_fail, long *lo,
                        long *hi)
{
    int r = capacity_run(ac, av, n, d_try);
    if (r != DCT_EXIT_OK && r != DCT_EXIT_MARGIN)
        return r;
    const char *keep = r == DCT_EXIT_OK ? d_pass : d_fail;
    remove_run(keep);
    rename(d_try, keep);
    if (r == DCT_EXIT_OK)
        *lo = n;
    else
        *hi = n;
    return 0;
}

int dct_cmd_capacity(int argc, char **argv);
int dct_cmd_capacity(int argc, char **argv)
{
    const char *model = NULL, *row = NULL;
    long max = 1000;
    char **av = calloc((size_t)argc + 8, sizeof *av);
    int ac = 0;
    if (!av)
        return DCT_EXIT_USAGE;
    av[ac++] = "simulate";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf("Usage: dctwin capacity SITE --add MODEL [--row ID] "
                   "[--max N] [SIMULATE OPTION]...\n"
                   "How many more racks of rack model MODEL fit in the row "
                   "(default the first):\nthe largest count for which "
                   "every margin holds, found by doubling, then Brent's method\n"
                   "on the binding margin over a continuous count (ceil(x) "
                   "racks at x/ceil(x) of\ntheir power and flow), then "
                   "the integer count; each a full run with the simulate "
                   "options given (--scenario,\n--duration, --profile, "
                   "--set ...).  Prints the count, the margin that binds\n"
                   "at one more rack, and the margin table at the count.\n"
                   "Exit status: 0 answered, 1 the site fails with none "
                   "added, 2 usage,\n3 input error, 4 solver failure, "
                   "5 output failure.\n");
            free(av);
            return DCT_EXIT_OK;
        }
        if (strcmp(a, "--add") == 0 && v) {
            model = v;
            i++;
        } else if (strncmp(a, "--add=", 6) == 0) {
            model = a + 6;
        } else if (strcmp(a, "--row") == 0 && v) {
            row = v;
            i++;
        } else if (strncmp(a, "--row=", 6) == 0) {
            row = a + 6;
        } else if ((strcmp(a, "--max") == 0 && v) ||
                   strncmp(a, "--max=", 6) == 0) {
            const char *t = a[5] == '=' ? a + 6 : v;
            char *end = NULL;
            max = strtol(t, &end, 10);
            if (!*t || *end || max < 1 || max > 100000) {
                fprintf(stderr, "dctwin: capacity: --max '%s': expected a "
                                "whole number from 1 to 100000\n", t);
                free(av);
                return DCT_EXIT_USAGE;
            }
            if (a[5] != '=')
                i++;
        } else if (strcmp(a, "--out") == 0 || strncmp(a, "--out=", 6) == 0 ||
                   strncmp(a, "--add-count", 11) == 0 || is_plot_option(a)) {
            fprintf(stderr, "dctwin: capacity: %s is not an option here\n",
                    a);
            free(av);
            return DCT_EXIT_USAGE;
        } else {
            av[ac++] = argv[i];
        }
    }
    if (!model) {
        fprintf(stderr, "dctwin: capacity: --add MODEL is required (see "
                        "'dctwin capacity --help')\n");
        free(av);
        return DCT_EXIT_USAGE;
    }
    av[ac++] = "--add";
    av[ac++] = (char *)model;
    if (row) {
        av[ac++] = "--row";
        av[ac++] = (char *)row;
    }
    char base[4096];
    int slot = -1;
    if (make_tmp_dir("capacity", base, sizeof base, 2, &slot) != 0) {
        free(av);
        return DCT_EXIT_OUTPUT;
    }
    char d_pass[4120], d_fail[4120];
    snprintf(d_pass, sizeof d_pass, "%s/pass", base);
    snprintf(d_fail, sizeof d_fail, "%s/fail", base);
    char d_try[4120];
    snprintf(d_try, sizeof d_try, "%s/try", base);
    int rc = capacity_run(ac, av, 0, d_pass);
    long lo = 0, hi = -1;
    int n_runs = 1;
    if (rc == DCT_EXIT_MARGIN) {
        char b[256];
        binding_of(d_pass, b, sizeof b);
        printf("capacity: the site fails with no rack added; binding: "
               "%s\n", b);
        print_run_table(d_pass, "margins.txt");
        goto out;
    }
    if (rc != DCT_EXIT_OK)
        goto out;
    /* doubling to a failing count; then Brent's method on the binding
     * margin over a continuous count of added racks (capacity_f); then
     * the integer count around its root, by full runs: margins fall as
     * racks are added, so the passing counts are 0..N */
    for (long n = 1; hi < 0 && lo < max; n = n * 2 > max ? max : n * 2) {
        if ((rc = capacity_try(ac, av, n, d_try, d_pass, d_fail, &lo, &hi)))
            goto out;
        n_runs++;
    }
    double x_root = NAN;
    if (hi > 0 && hi - lo > 1) {
        /* the bracket's ends were run as whole counts: their verdicts
         * and binding margins are in d_pass and d_fail */
        double f_lo = 0, f_hi = 0;
        cap_fn cf = {ac, av, d_try, 0, 0, {(double)lo, (double)hi},
                     {0, 0}, "", (double)hi};
        first_id(d_fail, cf.target, sizeof cf.target);
        double pt = NAN;
        if (binding_pct(d_pass, &f_lo) || binding_pct(d_fail, &f_hi) ||
            run_margin_pct(d_pass, cf.target, &pt)) {
            rc = DCT_EXIT_OUTPUT;
            goto out;
        }
        if (isfinite(pt))
            f_lo = pt;
        cf.f_known[0] = fmax(f_lo, 1e-6);
        cf.f_known[1] = fmin(f_hi, -1e-6);
        rc = capacity_brent(&cf, (double)lo, (double)hi, &x_root);
        n_runs += cf.n_runs;
        if (rc)
            goto out;
        long n = (long)floor(x_root);
        n = n < lo ? lo : n >= hi ? hi - 1 : n;
        /* floor(x) and floor(x) + 1; step on while they disagree with
         * the continuous answer */
        while (hi - lo > 1) {
            long k = n > lo ? n : n + 1;
            if (k >= hi)
                break;
            if ((rc = capacity_try(ac, av, k, d_try, d_pass, d_fail, &lo,
                                   &hi)))
                goto out;
            n_runs++;
            n = lo == k ? k + 1 : k - 1;
        }
    }
    if (hi < 0) {
        printf("capacity: at least %ld racks of %s fit (the --max); no "
               "margin binds yet (%d runs)\n", lo, model, n_runs);
    } else {
        char b[256];
        binding_of(d_fail, b, sizeof b);
        printf("capacity: %ld more rack%s of %s fit%s%s; at %ld the "
               "binding margin is %s (%d runs",
               lo, lo == 1 ? "" : "s", model, row ? " in row " : "",
               row ? row : "", lo + 1, b, n_runs);
        if (isfinite(x_root))
            printf("; continuous root %.3g racks", x_root);
        printf(")\n");
        print_violated(d_fail, lo + 1);
    }
    printf("\nmargins with %ld added:\n", lo);
    print_run_table(d_pass, "margins.txt");
    rc = DCT_EXIT_OK;
out:
    remove_run(d_try);
    remove_run(d_pass);
    remove_run(d_fail);
    rmdir(base);
    dct_afile_untrack_dir(slot);
    free(av);
    return rc;
}
