/* sim_run.c - the run driver: one run of a site, written to a run
 * directory, and the run API over it (dct_run, run.h).
 *
 * Loads the site, builds its model, settles it, integrates it with the
 * solver and follows the run through the solver's callbacks: every output
 * time becomes a row of timeseries.csv (streamed to a temporary file),
 * every internal step, root and output time updates each margin
 * (margin_track.c), and root events and first violations are streamed to
 * events.csv.  After a successful run the result files are written
 * (sim_write.c); all of it goes into a temporary directory that is sealed
 * with a manifest and published as the run directory in one rename
 * (rundir.h): a failed or interrupted run leaves no partial file and no
 * partial directory.  Nothing is allocated inside the callbacks.
 *
 * Exit status: 0 all margins met, 1 a margin is negative, 2 usage, 3 input,
 * 4 solver (including a non-finite output), 5 output.
 */
#include "config.h"
#include "sim.h"
#include "cli.h"
#include "fsutil.h"
#include "plot.h"
#include "textout.h"
#include "units.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* [s] the grid ramp is the slope of a moving average over this window
 * (the grid-side ramp checks of dctwin-bess-report(1)) */
#define RAMP_WINDOW_S 0.1
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
/* Highest BDF order of a run (CVODE's default is 5).  The DC bus's
 * droop-controlled rectifiers on the bus capacitance ring (on the
 * reference hall -4990 +- 5440i 1/s, 47.5 degrees off the negative real
 * axis); per step BDF5 damps such a mode by only 0.89-0.97 at
 * |h lambda| = 1-5, BDF4 by 0.76-0.81, BDF3 by 0.54-0.68 (the spectral
 * radius of the amplification), so at orders 4-5 the rectifier current's
 * error after each load corner decays slowly and holds the step small
 * (NUMERICAL METHOD in dctwin-models(7)). */
#define SIM_MAX_ORDER 3

const char *const sim_file_names[N_FILES] = {
    "timeseries.csv", "extremes.csv", "events.csv", "margins.json",
    "margins.txt", "margins.csv", "margins-over-time.csv", "run.json",
    "summary.html", "grid.csv"};

/* ------------------------------------------------------------ helpers */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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
    /* the auxiliaries whose supply went or came back (AUXILIARY FEEDS) */
    double te;
    const char *id, *ev;
    while (dct_model_take_aux_event(S->model, t, &te, &id, &ev)) {
        fprintf(f, "%.9g,", te);
        dct_csv_field(f, id);
        fprintf(f, ",%s\n", ev);
        if (ferror(f))
            return CB_WRITE;
    }
    return 0;
}

/* The row at T into the annual results: the ledger's quadratures (after
 * the states in Y), the ambient, the binding margin, the towers. */
static void annual_row(sim *S, double t, const double *y)
{
    double led[DCT_NL] = {0};
    if (S->ode->nq >= DCT_NQ)
        memcpy(led, y + S->ode->n + DCT_Q_LEDGER, sizeof led);
    const char *bind = NULL;
    double pct = INFINITY;
    for (size_t i = 0; i < S->n_mg_model; i++) {
        const dct_margin_def *d = S->mg[i].def;
        if (!(d->range > 0))
            continue;
        double p = sim_margin_pct_of(d, S->mval[i]);
        if (p < pct) {
            pct = p;
            bind = d->id;
        }
    }
    double t_db, t_wb;
    dct_model_ambient(S->model, &t_db, &t_wb);
    dct_annual_sample(S->annual, t, led, t_db, bind, pct);
    dct_towers tw;
    dct_model_towers(S->model, &tw);
    dct_annual_towers(S->annual, t, &tw);
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
        char *o = S->line;
        if (g)
            o += dct_fmt_g(o, t, 9);
        for (size_t k = 0; k < S->n_grid; k++) {
            double pk = S->out[S->grid_col[k]];
            p += pk * 1e3;
            if (g) {
                *o++ = ',';
                o += dct_fmt_g(o, pk, 9);
            }
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
                int rc = sim_update_margin(S, &S->mg[r], t, ramp, &no_jump, &tb);
                if (rc)
                    return rc;
            }
        }
        if (g) {
            *o++ = '\n';
            size_t len = (size_t)(o - S->line);
            if (fwrite(S->line, 1, len, g) != len || ferror(g))
                return CB_WRITE;
        }
        if (call > 0 && t > S->gt_prev_t)
            S->ramp_max = fmax(S->ramp_max, fabs(p - S->gt_prev_p) /
                                                (t - S->gt_prev_t));
        S->gt_prev_t = t;
        S->gt_prev_p = p;
    }
    if (call % S->out_every != 0)
        return sim_sample_margins(S, t, y, 0);
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
    /* the row: the time at 9 digits, the outputs at 6 (dct_fmt_g: what
     * printf's %g writes, faster) */
    FILE *f = dct_afile_fp(S->f[F_TS]);
    char *o = S->line;
    o += dct_fmt_g(o, t, 9);
    for (size_t k = 0; k < S->n_sel; k++) {
        *o++ = ',';
        o += dct_fmt_g(o, S->out[S->sel[k]], 6);
    }
    *o++ = '\n';
    size_t len = (size_t)(o - S->line);
    if (fwrite(S->line, 1, len, f) != len || ferror(f))
        return CB_WRITE;
    S->n_rows++;
    int rc = sim_sample_margins(S, t, y, 1);
    if (!rc && S->f[F_EX] &&
        dct_extremes_row(S->ext, t, dct_afile_fp(S->f[F_EX])) != 0)
        rc = CB_WRITE;
    if (!rc)
        annual_row(S, t, y);
    return rc ? rc : sim_write_margin_row(S, t);
}

static int on_step(double t, const double *y, void *ud)
{
    sim *S = ud;
    progress(S, t, 0);
    return sim_sample_margins(S, t, y, 0);
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
    return sim_sample_margins(S, t, y, 0);
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
    for (size_t i = 0; i < S->ode->nroots; i++) {
        found[i] = g[i] > 0;
        /* a flag set from the start clears below its deadband */
        dct_model_root_crossed(S->model, i, found[i]);
    }
    rc = on_root(0.0, S->y0, found, S);
out:
    free(g);
    free(found);
    return rc;
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
    /* a row of timeseries.csv, grid.csv or margins-over-time.csv: at
     * most n_out or n_mg values and the time */
    S->line = malloc(((S->n_out > S->n_mg ? S->n_out : S->n_mg) + 1) *
                         (DCT_FMT_G_MAX + 1) + 2);
    S->env = dct_envelope_new(S->site, S->model);
    if (!S->y0 || !S->out || !S->sel || !S->mval || !S->mg || !S->order ||
        !S->grid_col || !S->line || !S->env)
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
            !(S->n_kind = sim_kind_of(S, S->mkind)) ||
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
int sim_open_out(sim *S, int k)
{
    const char *dir = dct_rundir_tmp(S->rd);
    size_t n = strlen(dir) + strlen(sim_file_names[k]) + 2;
    char *path = malloc(n);
    if (!path)
        return -1;
    snprintf(path, n, "%s/%s", dir, sim_file_names[k]);
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

/* ------------------------------------------------------------ the run */

void sim_opts_default(dct_run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->duration = SIM_DURATION_S;
    o->out_step = SIM_OUTPUT_STEP_S;
    o->grid_step = SIM_GRID_STEP_S;
    o->rtol = 0;   /* the electrical mode's default (sim_execute) */
    o->atol = SIM_ATOL;
    o->seed = SIM_SEED;
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

/* S's options from O.  Returns 0, or -1 when out of memory. */
static int sim_from_opts(sim *S, const dct_run_opts *o)
{
    S->t_fail = S->t_throttle = S->t_rack_trip = -1;
    S->out_every = 1;
    S->site_path = o->site_path;
    S->profile = o->profile;
    /* zero: the default (sim_opts_default) */
    S->duration = o->duration > 0 ? o->duration : SIM_DURATION_S;
    S->out_step = o->out_step > 0 ? o->out_step : SIM_OUTPUT_STEP_S;
    S->rtol = o->rtol > 0 ? o->rtol : SIM_RTOL;
    S->has_rtol = o->rtol > 0;   /* else the electrical mode's default */
    S->electrical = o->electrical;
    S->atol = o->atol > 0 ? o->atol : SIM_ATOL;
    S->grid_step = o->grid_step > 0 ? o->grid_step : SIM_GRID_STEP_S;
    S->seed = o->seed;
    S->verbosity = o->verbosity;
    S->is_cold_start = o->is_cold_start;
    S->scenario_path = o->scenario ? NULL : o->scenario_path;
    S->scenario = (dct_scenario *)o->scenario;
    S->is_scenario_borrowed = o->scenario != NULL;
    S->add_model = o->add_model;
    S->add_row = o->add_row;
    S->n_add = o->n_add;
    S->has_add_count = o->has_add_count;
    S->add_scale = o->add_scale;
    S->grid_trace = o->grid_trace;
    S->plot_format = o->plot_format;
    S->no_aggregate = o->no_aggregate;
    S->is_wide = o->is_wide;
    S->table = o->table;
    S->table_format = o->table_format;
    S->wx.file = o->weather;
    S->wx.start = o->weather_start;
    S->wx.design = o->design;
    /* a timeseries row every out_every grid-trace rows (the command
     * checked that the output step is a whole multiple) */
    if (S->grid_trace)
        S->out_every = (long)fmax(1, floor(S->out_step / S->grid_step + 0.5));
    if (!(S->sets = calloc(o->n_sets + 1, sizeof *S->sets)))
        return -1;
    for (size_t i = 0; i < o->n_sets; i++)
        S->sets[S->n_sets++] = o->sets[i];
    for (size_t i = 0; i < o->n_probes; i++)
        if (add_probe(S, o->probes[i]) != 0)
            return -1;
    if (o->out_dir && !(S->out_dir = strdup(o->out_dir)))
        return -1;
    return 0;
}

/* ------------------------------------------------------- the run API */

/* S's results into S->res (dct_run), after a run that completed with
 * STATUS (0 or 1) and wrote its directory. */
static void sim_result(sim *S, int status)
{
    dct_run_result *R = S->res;
    R->status = status;
    R->mg = calloc(S->n_mg ? S->n_mg : 1, sizeof *R->mg);
    if (R->mg) {
        R->n_mg = S->n_mg;
        for (size_t k = 0; k < S->n_mg; k++) {
            const sim_margin *g = &S->mg[S->order[k]];
            const dct_margin_def *md = g->def;
            dct_run_margin *m = &R->mg[k];
            m->id = strdup(md->id);
            m->component = strdup(md->component);
            m->quantity = strdup(md->quantity);
            m->label = strdup(md->label ? md->label : "");
            m->unit = strdup(md->unit);
            m->is_upper = md->is_upper;
            m->is_design = md->is_design;
            m->limit = md->limit;
            m->worst = g->worst_val;
            m->margin = g->worst;
            m->pct = sim_margin_pct(g);
            m->t_worst = g->t_worst;
            m->t_viol = g->t_viol;
            m->violated_s = g->violated_s;
        }
    }
    R->n_rack_trips = (size_t)S->n_rack_trips;
    R->t_fail = S->t_fail >= 0 ? S->t_fail : NAN;
    R->time_to_throttle = S->t_throttle >= 0 ? S->t_throttle - S->t_fail
                                             : NAN;
    snprintf(R->throttle_id, sizeof R->throttle_id, "%s",
             S->t_throttle >= 0 && S->throttle_id ? S->throttle_id : "");
    if (S->ode->nq) {
        size_t nq = S->ode->nq > DCT_NQ ? S->ode->nq : DCT_NQ;
        double *q = calloc(nq, sizeof *q);
        if (q) {
            dct_solver_quad(S->solver, q);
            memcpy(R->q, q, sizeof R->q);
            free(q);
        }
    }
    R->stored_change_J = dct_model_stored_energy(
                             S->model, dct_solver_state(S->solver)) - S->u0;
    R->wall_s = S->wall_s;
}

/* The run described by S's options, its results written (and, from
 * dct_run, returned in S->res); then everything S holds is freed.  RC >= 0:
 * only the freeing, and RC returned (the options were refused). */
static int sim_execute(sim *S, int rc)
{
    dct_diag d;
    dct_diag_init(&d);
    S->d = &d;
    int r = 0;
    if (rc >= 0)
        goto done;
    rc = DCT_EXIT_OK;
    if (dct_afile_install_signal_handlers() != 0) {
        fprintf(stderr, "dctwin: simulate: cannot install signal handlers: "
                        "%s\n", strerror(errno));
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }

    /* input: the weather file first (--design adds to the --set list) */
    if ((rc = dct_weather_opt_resolve(&S->wx, S->duration, &d)) != 0) {
        dct_diag_print(&d, stderr);
        goto done;
    }
    dct_diag_print(&d, stderr);   /* its warnings (filled values) */
    dct_diag_clear(&d);
    rc = DCT_EXIT_OK;
    if (S->wx.design) {
        char **sets = realloc(S->sets, (S->n_sets + 3) * sizeof *sets);
        if (!sets) {
            rc = DCT_EXIT_INPUT;
            goto done;
        }
        S->sets = sets;
        S->sets[S->n_sets++] = S->wx.set_db;
        S->sets[S->n_sets++] = S->wx.set_wb;
        S->sets[S->n_sets] = NULL;
        if (S->verbosity >= 1) {
            char what[600];
            dct_weather_opt_describe(&S->wx, what, sizeof what);
            printf("%s\n", what);
        }
    }
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
    dct_model_opts mo = {S->profile, S->seed, S->scenario, S->no_aggregate, 0,
                         S->electrical};
    if (!S->has_rtol)
        S->rtol = S->electrical == DCT_ELEC_QUASI_STATIC ? SIM_RTOL_QS
                                                         : SIM_RTOL;
    S->model = dct_model_build(S->site, &mo, &d);
    dct_diag_print(&d, stderr);   /* warnings of load and build too */
    dct_diag_clear(&d);
    if (!S->model) {
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    if (S->wx.is_series)
        dct_model_set_weather(S->model, S->wx.w, S->wx.t0);
    if (!(S->annual = dct_annual_new(S->duration,
                                     S->wx.is_series ? S->wx.w : NULL,
                                     S->wx.t0))) {
        fprintf(stderr, "dctwin: simulate: out of memory\n");
        rc = DCT_EXIT_SOLVER;
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
    if (!(S->ext = dct_extremes_new(S->model, S->sel, S->n_sel))) {
        fprintf(stderr, "dctwin: simulate: out of memory\n");
        rc = DCT_EXIT_SOLVER;
        goto done;
    }

    /* output directory and the streamed files */
    if (!S->out_dir && !(S->out_dir = default_out_dir(S->site->name))) {
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    /* the names a run writes, the grid trace's when it goes there */
    const char *names[N_FILES + 1];
    memcpy(names, sim_file_names, sizeof sim_file_names);
    names[N_FILES] = S->grid_trace && strrchr(S->grid_trace, '/')
                         ? strrchr(S->grid_trace, '/') + 1
                         : S->grid_trace ? S->grid_trace : "grid.csv";
    S->rd = dct_rundir_begin(S->out_dir, names, N_FILES + 1, &rc, &d);
    if (!S->rd) {
        dct_diag_print(&d, stderr);
        goto done;
    }
    if (sim_open_out(S, F_TS) != 0 || sim_open_out(S, F_EV) != 0 ||
        sim_open_out(S, F_MO) != 0 ||
        (dct_extremes_n(S->ext) && sim_open_out(S, F_EX) != 0)) {
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    if (S->f[F_EX])
        dct_extremes_header(S->ext, dct_afile_fp(S->f[F_EX]));
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
    so.max_order = SIM_MAX_ORDER;
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
    S->show_progress = S->verbosity >= 1 && isatty(2);
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
    sim_copy_margin_sources(S);
    if (sim_sort_margins(S) != 0) {
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    int status = sim_is_all_ok(S) ? DCT_EXIT_OK : DCT_EXIT_MARGIN;
    if (sim_write_results(S, status) != 0) {
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
    if (S->res)
        sim_result(S, status);
    if (S->verbosity >= 2)
        sim_print_stats(S);
    if (S->verbosity >= 1) {
        sim_write_margins_txt(stdout, S);
        if (S->wx.is_series)
            dct_annual_print(stdout, S->annual, S->led);
        char env[400];
        dct_envelope_summary(S->env, env, sizeof env);
        if (*env)
            printf("%s\n", env);
        fflush(stdout);
    }
    rc = status;
    if (S->table) {
        errno = 0;
        sim_write_table(S->table, S, S->table_format);
        if (fflush(S->table) != 0 || ferror(S->table)) {
            fprintf(stderr, "dctwin: the margin table: write error: %s\n",
                    errno ? strerror(errno) : "the output stream failed");
            rc = DCT_EXIT_OUTPUT;
        }
    }

done:
    for (int k = 0; k < N_FILES; k++)
        dct_afile_abort(S->f[k]);
    dct_rundir_abort(S->rd);   /* a run that did not finish */
    dct_solver_free(S->solver);
    dct_envelope_free(S->env);
    dct_extremes_free(S->ext);
    dct_evsum_free(S->evs);
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
    free(S->line);
    free(S->sets);
    for (size_t i = 0; S->ramp_def && i < S->n_mg - S->n_mg_model; i++)
        free(S->ramp_def[i].id);
    free(S->ramp_def);
    free(S->ramp_of);
    free(S->ma);
    free(S->ring);
    if (!S->is_scenario_borrowed)
        dct_scenario_free(S->scenario);
    dct_weather_opt_free(&S->wx);
    dct_annual_free(S->annual);
    dct_diag_clear(&d);
    return rc;
}

int sim_simulate(const dct_run_opts *o)
{
    sim S0 = {0};
    if (sim_from_opts(&S0, o) != 0) {
        fprintf(stderr, "dctwin: simulate: out of memory\n");
        return sim_execute(&S0, DCT_EXIT_USAGE);
    }
    return sim_execute(&S0, -1);
}

int dct_run(const dct_run_opts *o, dct_run_result *res)
{
    dct_run_result own = {0};
    int is_read_back = res && !o->is_margins_only;
    if (!res)
        res = &own;
    dct_run_result_free(res);
    res->status = DCT_EXIT_USAGE;
    res->t_fail = res->time_to_throttle = NAN;
    sim S0 = {0}, *S = &S0;
    char tdir[4096] = "";
    int slot = -1, is_run = 0;
    int rc = sim_from_opts(S, o) != 0 ? DCT_EXIT_USAGE : -1;
    S->res = res;
    if (rc < 0 && (!o->site_path || S->out_step > S->duration ||
                   floor(S->duration / S->out_step) + 1 > SIM_MAX_ROWS)) {
        fprintf(stderr, "dctwin: run: no site, or an output step %g s "
                        "longer than the duration %g s or too short\n",
                S->out_step, S->duration);
        rc = DCT_EXIT_USAGE;
    }
    if (rc >= 0)
        goto out;
    if (!o->out_dir) {
        /* in memory when the system has a tmpfs at /dev/shm: the files are
         * read back once and removed, so their syncs cost nothing there;
         * named and tracked as make_tmp_dir's (a killed study's are
         * removed by the next) */
        const char *tmp = getenv("TMPDIR");
        if (!tmp || !*tmp)
            tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
        dct_rundir_remove_stale(tmp, "dctwin-run", 1);
        snprintf(tdir, sizeof tdir, "%s/dctwin-run.%ld.XXXXXX", tmp,
                 (long)getpid());
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        sigprocmask(SIG_BLOCK, &block, &old);
        int is_made = mkdtemp(tdir) != NULL;
        if (is_made && (slot = dct_afile_track_dir(tdir, 1)) < 0) {
            rmdir(tdir);
            is_made = 0;
        }
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (!is_made) {
            fprintf(stderr, "dctwin: run: cannot make a temporary "
                            "directory in %s: %s\n", tmp, strerror(errno));
            *tdir = '\0';
            rc = DCT_EXIT_OUTPUT;
            goto out;
        }
        if (!(S->out_dir = strdup(tdir))) {
            rc = DCT_EXIT_OUTPUT;
            goto out;
        }
    }
    rc = sim_execute(S, -1);
    is_run = 1;
    if (is_read_back && (rc == DCT_EXIT_OK || rc == DCT_EXIT_MARGIN) &&
        dct_run_read_dir(o->out_dir ? o->out_dir : tdir, res) != 0)
        rc = DCT_EXIT_OUTPUT;
out:
    if (!is_run)
        rc = sim_execute(S, rc);   /* only frees what S holds */
    if (*tdir)
        dct_rundir_remove(tdir);
    dct_afile_untrack_dir(slot);
    res->status = rc;
    dct_run_result_free(&own);
    return rc;
}
