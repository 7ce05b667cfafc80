/* bess_runs.c - the scenarios of `dctwin bess-report` and their runs.
 *
 * Each check of the report is evaluated on one of these runs
 * (bess_checks.c); this file writes their inputs and makes them.
 *
 * What the runs are:
 *   training  the site's AI load profile (or --profile), 120 s at 10 ms
 *   training-0.2hz, training-3hz, ups-test   the sweep: square waves with
 *             every rack in phase; the training checks take the worst
 *   ramp      every rack from idle to peak at 20 % of peak IT per second
 *   step      every rack from idle to peak in 1 ms, sampled at 1 ms
 *   dr-fast   a demand-response cap 10 % of peak IT below the load
 *   dr-slow   the same by 30 % of peak IT, held for 120 s
 *   (ramp, step, island and limit start after a 62 s hold: a run settles
 *   on the mean load of its first minute)
 *   dip       60 % of each rectifier group's units lost for 0.5 s
 *   loss      grid lost at 10 s, back at 60 s (generators between)
 *   gen       grid lost for good at 2 s: the generators carry the load
 *   island    generators and grid out; the battery alone picks up load in
 *             steps of 10, 25 and 50 % of its rating
 *   limit     a load step of 130 % of the battery's rating
 *   day       24 h combined profile (jobs, checkpoints, a fault, a
 *             demand-response hour, an evening of inference with seeded
 *
 * Each run's stimulus profile and scenario are written to OUT/inputs,
 * then the run is made by `dctwin simulate` into OUT/runs/NAME and its
 * timeseries.csv read into the run's table.
 */
#include "config.h"
#include "bess_report.h"
#include "atomic_file.h"
#include "cli.h"
#include "component.h"
#include "rundir.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>


#define DR_CAP_NONE "9e9W"   /* peak-shave cap far above any load */
/* the 24 h profile's training level: the mean of a square wave of duty
 * 0.5 between 1 and 0.3 [A] */
#define DAY_U_TRAIN 0.65

const dct_bess_run_def dct_bess_runs[N_RUNS] = {
    {"training", "Synchronous training",
     "every rack on the site's AI load profile (or --profile) for 120 s, "
     "sampled every 10 ms; the metrics are taken from 20 s on"},
    {"training-0.2hz", "Synchronous training at 0.2 Hz",
     "as training, every rack in phase on a square wave of 5 s period "
     "between 100 and 30 % with 50 ms edges: the slow end of the 0.2-3 Hz "
     "sweep"},
    {"training-3hz", "Synchronous training at 3 Hz",
     "as training, every rack in phase on a 3 Hz square wave between 100 "
     "and 30 % with 50 ms edges: the fast end of the 0.2-3 Hz sweep"},
    {"ups-test", "UPS test profile",
     "as training, every rack in phase on the UPS test: 2 s at 90 %, 2 s at "
     "50 %, 50 ms edges"},
    {"ramp", "20 %/s IT load ramp",
     "every rack idle for 62 s, then from idle to peak at 20 % of the peak "
     "IT load per second, then held; sampled every 10 ms"},
    {"step", "Load step",
     "every rack idle for 62 s, then from idle to peak in 1 ms; sampled "
     "every 1 ms"},
    {"dr-fast", "Demand response, fast",
     "every rack at peak, the battery on the site's controller; at 10 s a "
     "demand-response cap lowers the grid-side load by 10 % of the peak IT "
     "load"},
    {"dr-slow", "Demand response, slow",
     "every rack at peak, the battery on the site's controller; from 10 s "
     "to 130 s a demand-response cap lowers the grid-side load by 30 % of "
     "the peak IT load"},
    {"dip", "Grid dip",
     "the site's profile; at 5 s each rectifier group on the bus loses 60 % "
     "of its units for 0.5 s (a grid dip seen as reduced rectifier "
     "capability), sampled every 1 ms"},
    {"loss", "Grid loss, generators, grid return",
     "the site's profile; the grid is lost at 10 s and returns at 60 s; "
     "the battery holds the bus until the generators carry it"},
    {"gen", "Generator following",
     "the site's profile; the grid is lost at 2 s for good and the "
     "generators with the battery carry the AI load; the generators' "
     "power is analysed from 50 s"},
    {"island", "Island load pick-up",
     "generators out, a load of 2 % of the battery's rating, the grid lost "
     "at 62 s: the battery alone forms the bus and picks up load in steps "
     "of 10, 25 and 50 % of its rating at 65, 70 and 75 s; sampled every "
     "2 ms"},
    {"limit", "Operation at the power limit",
     "every rack idle for 62 s, then a load step of 130 % of the battery's "
     "rating (or the largest the racks can make): the converter runs at "
     "its limit; sampled every 10 ms"},
    {"day", "24 h combined profile",
     "24 h: training at its mean level with checkpoint dips every 30 min, "
     "a job end and a new job's start ramp, a fault and restart, a "
     "demand-response hour (grid import cut by 30 % of peak IT from 14 to "
     "15 h), an evening of inference with seeded bursts; sampled every "
     "10 s"},
};

/* ----------------------------------------------------------- the site */

/* Add ID to the list V of *N ids (at most MAX_IDS) unless there; sets
 * *IS_FULL when it does not fit. */
static void add_id(const char **v, int *n, const char *id, int *is_full)
{
    for (int k = 0; k < *n; k++)
        if (strcmp(v[k], id) == 0)
            return;
    if (*n < MAX_IDS)
        v[(*n)++] = id;
    else
        *is_full = 1;
}

/* Cell OCV at SOC from the battery's table (linear). */
static double ocv_at(const dct_comp *b, double soc)
{
    const dct_comp *tab = b->n_pts ? b : b->model;
    if (!tab || tab->n_pts == 0)
        return 3.2;
    const dct_comp *const *p = (const dct_comp *const *)tab->pts;
    size_t n = tab->n_pts;
    if (soc <= p[0]->q[DCT_OCV_SOC])
        return p[0]->q[DCT_OCV_VOLTAGE];
    for (size_t k = 1; k < n; k++) {
        double s0 = p[k - 1]->q[DCT_OCV_SOC], s1 = p[k]->q[DCT_OCV_SOC];
        if (soc <= s1 && s1 > s0) {
            double v0 = p[k - 1]->q[DCT_OCV_VOLTAGE];
            double v1 = p[k]->q[DCT_OCV_VOLTAGE];
            return v0 + (v1 - v0) * (soc - s0) / (s1 - s0);
        }
    }
    return p[n - 1]->q[DCT_OCV_VOLTAGE];
}

/* The facts of the site the scenarios need.  Returns 0 or an exit
 * status (message printed). */
int dct_bess_site_read(rpt *R)
{
    dct_site *s = R->site;
    const dct_comp *b = dct_site_get(s, R->bess_id);
    if (!b || b->type != DCT_T_BESS) {
        fprintf(stderr, "dctwin: bess-report: %s: no battery '%s' in the "
                        "site (its <bess> ids:", R->site_path, R->bess_id);
        for (size_t i = 0; i < s->n_comps; i++)
            if (s->comps[i]->type == DCT_T_BESS && !s->comps[i]->is_model)
                fprintf(stderr, " %s", s->comps[i]->id);
        fprintf(stderr, ")\n");
        return DCT_EXIT_INPUT;
    }
    R->bess = b;
    R->bus = b->ref[DCT_BESS_BUS].v[0];
    const double *q = b->q;
    double count = q[DCT_BESS_COUNT];
    R->p_bess = count * q[DCT_BESS_POWER];
    R->q_cell = q[DCT_BESS_CAPACITY];
    R->e_bess = count * q[DCT_BESS_SERIES] * q[DCT_BESS_PARALLEL] *
                R->q_cell * ocv_at(b, 0.5);
    R->soc_min = q[DCT_BESS_SOC_MIN];
    R->overload = q[DCT_BESS_OVERLOAD];
    R->c_rate_max = q[DCT_BESS_C_RATE_MAX];
    R->t_cell_max = q[DCT_BESS_T_CELL_MAX] - C2K(0);
    R->v_nom = R->bus->q[DCT_DC_BUS_NOMINAL];
    R->band_low = R->bus->q[DCT_DC_BUS_BAND_LOW];
    R->contract = 0;
    R->ramp_limit = NAN;
    int is_full = 0;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *c = s->comps[i];
        if (c->is_model)
            continue;
        if (c->type == DCT_T_RECTIFIER &&
            c->ref[DCT_RECTIFIER_BUS].v[0] == R->bus) {
            const dct_comp *g = c->ref[DCT_RECTIFIER_GRID].v[0];
            int n0 = R->n_grids;
            add_id(R->grids, &R->n_grids, g->id, &is_full);
            if (R->n_grids > n0) {
                R->contract += g->q[DCT_GRID_CONTRACT];
                double rl = g->q[DCT_GRID_RAMP_LIMIT];
                if (isfinite(rl))
                    R->ramp_limit = isnan(R->ramp_limit)
                                        ? rl : R->ramp_limit + rl;
            }
            if (R->n_rects < MAX_IDS) {
                R->rect_count[R->n_rects] = (int)c->q[DCT_RECTIFIER_COUNT];
                R->rects[R->n_rects++] = c->id;
            } else {
                is_full = 1;
            }
        }
        if (c->type == DCT_T_GENERATOR &&
            c->ref[DCT_GENERATOR_BUS].v[0] == R->bus) {
            add_id(R->gens, &R->n_gens, c->id, &is_full);
            R->gen_rating +=
                c->q[DCT_GENERATOR_COUNT] * c->q[DCT_GENERATOR_RATING];
        }
        if (c->type == DCT_T_RACK) {
            R->n_racks++;
            R->p_idle_sum += c->q[DCT_RACK_P_IDLE];
            R->p_max_sum += c->q[DCT_RACK_P_MAX];
        }
    }
    if (is_full) {
        fprintf(stderr, "dctwin: bess-report: %s: bus '%s' has more than %d "
                        "grids, rectifier groups or generators; the report "
                        "handles at most %d of each\n",
                R->site_path, R->bus->id, MAX_IDS, MAX_IDS);
        return DCT_EXIT_INPUT;
    }
    if (R->n_grids == 0 || R->n_racks == 0) {
        fprintf(stderr, "dctwin: bess-report: %s: battery '%s' is on bus "
                        "'%s', which needs a rectifier from a grid and "
                        "racks for the report's scenarios\n",
                R->site_path, R->bess_id, R->bus->id);
        return DCT_EXIT_INPUT;
    }
    if (!(R->contract > 0))
        R->contract = R->p_max_sum;
    return 0;
}

/* ----------------------------------------------------- writing inputs */

int dct_bess_write_text(const char *path, const char *text)
{
    dct_afile *af = dct_afile_open(path);
    if (!af) {
        fprintf(stderr, "dctwin: bess-report: %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    fputs(text, dct_afile_fp(af));
    if (dct_afile_commit(af) != 0) {
        fprintf(stderr, "dctwin: bess-report: %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* A growing string. */

void dct_bess_sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || b->oom)
        return;
    if (b->n + (size_t)k + 1 > b->cap) {
        size_t nc = (b->cap ? 2 * b->cap : 4096) + (size_t)k;
        char *p = realloc(b->s, nc);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = nc;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* Write a profile "t_s,u" (or "t_s,P_W" when IS_WATTS) of the N points
 * (T[i], X[i]) to OUT/inputs/NAME-profile.csv, its path into DST. */
static int write_profile(rpt *R, int k, const double *t, const double *x,
                         size_t n, int is_watts)
{
    runinfo *ri = &R->run[k];
    snprintf(ri->profile, sizeof ri->profile, "%s/inputs/%s-profile.csv",
             R->out, dct_bess_runs[k].name);
    sbuf b = {0};
    dct_bess_sb_printf(&b, "t_s,%s\n", is_watts ? "P_W" : "u");
    for (size_t i = 0; i < n; i++)
        dct_bess_sb_printf(&b, "%.9g,%.9g\n", t[i], x[i]);
    int rc = b.oom ? -1 : dct_bess_write_text(ri->profile, b.s);
    free(b.s);
    return rc;
}

/* Write the scenario of run K from its events (XML text of <event>
 * elements) to OUT/inputs/NAME-scenario.xml. */
static int write_scenario(rpt *R, int k, const char *events)
{
    runinfo *ri = &R->run[k];
    snprintf(ri->scenario, sizeof ri->scenario, "%s/inputs/%s-scenario.xml",
             R->out, dct_bess_runs[k].name);
    sbuf b = {0};
    dct_bess_sb_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<!-- written by dctwin bess-report -->\n"
                  "<scenario name=\"bess-report-%s\" description=\"%s\">\n"
                  "%s</scenario>\n",
              dct_bess_runs[k].name, dct_bess_runs[k].title, events);
    int rc = b.oom ? -1 : dct_bess_write_text(ri->scenario, b.s);
    free(b.s);
    return rc;
}

/* Events failing (IS_FAIL) or restoring every id of IDS at time T. */
static void sb_events(sbuf *b, const char *const *ids, int n, double t,
                      int is_fail)
{
    for (int k = 0; k < n; k++)
        dct_bess_sb_printf(b, "  <event t=\"%.9g s\" %s=\"%s\"/>\n", t,
                  is_fail ? "fail" : "restore", ids[k]);
}

/* ---------------------------------------------------------- the runs */

/* Run `dctwin simulate` for run K over DURATION, a row every STEP, with
 * its generated profile and scenario and the user's --set.  Returns the
 * exit status. */
static int simulate(rpt *R, int k, const char *duration, const char *step)
{
    runinfo *ri = &R->run[k];
    char *av[24 + 2 * MAX_SETS];   /* 21 fixed at most, 2 per --set */
    int ac = 0;
    char probe[2048];
    size_t pn = 0;
    pn += (size_t)snprintf(probe + pn, sizeof probe - pn, "%s.*,%s.V_V",
                           R->bess_id, R->bus->id);
    for (int g = 0; g < R->n_grids && pn < sizeof probe; g++)
        pn += (size_t)snprintf(probe + pn, sizeof probe - pn, ",%s.P_kW",
                               R->grids[g]);
    for (int g = 0; g < R->n_gens && pn < sizeof probe; g++)
        pn += (size_t)snprintf(probe + pn, sizeof probe - pn, ",%s.P_kW",
                               R->gens[g]);
    if (k == RUN_LOSS && pn < sizeof probe)
        pn += (size_t)snprintf(probe + pn, sizeof probe - pn,
                               ",*.P_unserved_kW");
    if (pn >= sizeof probe) {
        fprintf(stderr, "dctwin: bess-report: the ids of the bus's grids "
                        "and generators are longer than the %zu bytes of a "
                        "probe list\n", sizeof probe - 1);
        return DCT_EXIT_INPUT;
    }
    char *unit;
    ri->duration_s = strtod(duration, &unit);
    if (*unit == 'h')
        ri->duration_s *= 3600;
    snprintf(ri->dir, sizeof ri->dir, "%s/runs/%s", R->out,
             dct_bess_runs[k].name);
    av[ac++] = "simulate";
    av[ac++] = (char *)R->site_path;
    av[ac++] = "--out";
    av[ac++] = ri->dir;
    av[ac++] = "-q";
    av[ac++] = "--duration";
    av[ac++] = (char *)duration;
    av[ac++] = "--output-step";
    av[ac++] = (char *)step;
    av[ac++] = "--probe";
    av[ac++] = probe;
    char seed[32];
    snprintf(seed, sizeof seed, "%lu", R->seed);
    av[ac++] = "--seed";
    av[ac++] = seed;
    if (ri->profile[0]) {
        av[ac++] = "--profile";
        av[ac++] = ri->profile;
    } else if (R->profile) {
        av[ac++] = "--profile";
        av[ac++] = (char *)R->profile;
    }
    if (ri->scenario[0]) {
        av[ac++] = "--scenario";
        av[ac++] = ri->scenario;
    }
    for (int i = 0; i < R->n_sets; i++) {
        av[ac++] = "--set";
        av[ac++] = R->sets[i];
    }
    av[ac] = NULL;
    size_t cn = 0;
    cn += (size_t)snprintf(ri->cmd, sizeof ri->cmd, "dctwin");
    for (int i = 0; i < ac && cn < sizeof ri->cmd; i++) {
        char sh[PATH_N];
        cn += (size_t)snprintf(ri->cmd + cn, sizeof ri->cmd - cn, " %s",
                               dct_bess_path_shown(R, av[i], sh, sizeof sh));
    }
    if (!R->quiet)
        fprintf(stderr, "dctwin: bess-report: run %s ...\n",
                dct_bess_runs[k].name);
    optind = 0;
    ri->rc = dct_cmd_simulate(ac, av);
    ri->done = 1;
    if (ri->rc == DCT_EXIT_OK || ri->rc == DCT_EXIT_MARGIN) {
        /* only a complete run directory is read */
        dct_diag dd;
        dct_diag_init(&dd);
        if (dct_rundir_check(ri->dir, NULL, 0, &dd) != 0) {
            dct_diag_print(&dd, stderr);
            ri->rc = DCT_EXIT_INPUT;
        }
        dct_diag_clear(&dd);
    }
    char path[PATH_N + 32];
    snprintf(path, sizeof path, "%s/timeseries.csv", ri->dir);
    if ((ri->rc == DCT_EXIT_OK || ri->rc == DCT_EXIT_MARGIN) &&
        dct_bess_table_read(&ri->tab, path) != 0) {
        fprintf(stderr, "dctwin: bess-report: %s: cannot read\n", path);
        ri->rc = DCT_EXIT_OUTPUT;
    }
    /* solver statistics for the report */
    snprintf(path, sizeof path, "%s/run.json", ri->dir);
    FILE *f = fopen(path, "r");
    if (f) {
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            char *p;
            if ((p = strstr(line, "\"wall_s\":")))
                ri->wall_s = strtod(p + 9, NULL);
            if ((p = strstr(line, "\"realtime_ratio\":")))
                ri->realtime = strtod(p + 17, NULL);
            if ((p = strstr(line, "\"energy_closure_rel\":")))
                ri->closure = strtod(p + 21, NULL);
            if ((p = strstr(line, "\"n_steps\":")))
                ri->n_steps = strtol(p + 10, NULL, 10);
            if ((p = strstr(line, "\"n_rhs\":")))
                ri->n_rhs = strtol(p + 8, NULL, 10);
        }
        fclose(f);
    }
    return ri->rc;
}

int dct_bess_run_ok(const runinfo *ri)
{
    return ri->done && (ri->rc == DCT_EXIT_OK || ri->rc == DCT_EXIT_MARGIN);
}

/* -------------------------------------------------- setting the runs up */

/* The 24 h combined profile (u) with its seeded parts; the seconds of
 * training go to R->day_train_s. */
static int day_profile(rpt *R)
{
    double *t = malloc(4096 * sizeof *t), *u = malloc(4096 * sizeof *u);
    size_t n = 0;
    if (!t || !u) {
        free(t);
        free(u);
        return -1;
    }
#define PT(tt, uu)                                                          \
    do {                                                                    \
        if (n < 4096) {                                                     \
            t[n] = (tt);                                                    \
            u[n++] = (uu);                                                  \
        }                                                                   \
    } while (0)
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        free(t);
        free(u);
        return -1;
    }
    gsl_rng_set(rng, R->seed);
    const double ut = DAY_U_TRAIN;
    double train = 0;
    /* 0-6 h: training, checkpoint dips (to 0.05 for 60 s, 5 s edges)
     * every 30 min */
    PT(0, ut);
    for (double c = 1800; c < 6 * 3600; c += 1800) {
        PT(c, ut);
        PT(c + 5, 0.05);
        PT(c + 65, 0.05);
        PT(c + 70, ut);
    }
    train += 6 * 3600;
    /* 6 h: end of job, ramp down over 60 s; idle; 7 h: new job, start
     * ramp over 120 s */
    PT(6 * 3600, ut);
    PT(6 * 3600 + 60, 0);
    PT(7 * 3600, 0);
    PT(7 * 3600 + 120, ut);
    for (double c = 7 * 3600 + 1800; c < 12 * 3600; c += 1800) {
        PT(c, ut);
        PT(c + 5, 0.05);
        PT(c + 65, 0.05);
        PT(c + 70, ut);
    }
    train += 5 * 3600;
    /* 12 h: a fault drops the job in 1 s; restart 10 min later */
    PT(12 * 3600, ut);
    PT(12 * 3600 + 1, 0);
    PT(12 * 3600 + 600, 0);
    PT(12 * 3600 + 720, ut);
    for (double c = 12 * 3600 + 1800; c < 18 * 3600; c += 1800) {
        PT(c, ut);
        PT(c + 5, 0.05);
        PT(c + 65, 0.05);
        PT(c + 70, ut);
    }
    train += 6 * 3600 - 720;
    /* 18-24 h: inference, a level drawn every 5 min in [0.2, 0.6] with
     * 10 s edges */
    PT(18 * 3600, ut);
    double lvl = 0.4;
    PT(18 * 3600 + 10, lvl);
    for (double c = 18 * 3600 + 300; c < 24 * 3600; c += 300) {
        PT(c, lvl);
        lvl = 0.2 + 0.4 * gsl_rng_uniform(rng);
        PT(c + 10, lvl);
    }
    PT(24 * 3600, lvl);
#undef PT
    gsl_rng_free(rng);
    R->day_train_s = train;
    int rc = write_profile(R, RUN_DAY, t, u, n, 0);
    free(t);
    free(u);
    return rc;
}

/* The square waves of the training sweep (every rack in phase: the worst
 * case at the grid), as u traces for 125 s: 0.2 and 3 Hz between 1 and
 * 0.3 with 50 ms edges, and the UPS test, 2 s at 0.9 and 2 s at 0.5. */
static int sweep_profile(rpt *R, int k)
{
    double period = k == RUN_SLOW ? 5.0 : k == RUN_FAST ? 1.0 / 3 : 4.0;
    double hi = k == RUN_UPS ? 0.9 : 1.0, lo = k == RUN_UPS ? 0.5 : 0.3;
    double edge = 0.05;
    size_t cap = 4 * (size_t)(125 / period + 2) + 2, n = 0;
    double *t = malloc(cap * sizeof *t), *u = malloc(cap * sizeof *u);
    int rc = -1;
    if (t && u) {
        for (double c = 0; c < 125 && n + 4 <= cap; c += period) {
            t[n] = c, u[n++] = hi;
            t[n] = c + period / 2 - edge, u[n++] = hi;
            t[n] = c + period / 2, u[n++] = lo;
            t[n] = c + period - edge, u[n++] = lo;
        }
        rc = write_profile(R, k, t, u, n, 0);
    }
    free(t);
    free(u);
    return rc;
}

/* Write the inputs of run K and run it. */
int dct_bess_run(rpt *R, int k)
{
    double t[16], x[16];
    sbuf ev = {0};
    int rc = 0;
    double u_swing = R->p_max_sum - R->p_idle_sum;
    switch (k) {
    case RUN_TRAIN:
        return simulate(R, k, "120s", "10ms");
    case RUN_SLOW:
    case RUN_FAST:
    case RUN_UPS:
        if (sweep_profile(R, k))
            return DCT_EXIT_OUTPUT;
        return simulate(R, k, "120s", "10ms");
    case RUN_RAMP: {
        double tr = fmax((u_swing / R->p_max_sum) / 0.2, 0.01);
        t[0] = 0, x[0] = 0;
        t[1] = T_HOLD, x[1] = 0;
        t[2] = T_HOLD + tr, x[2] = 1;
        t[3] = T_HOLD + 100, x[3] = 1;
        if (write_profile(R, k, t, x, 4, 0))
            return DCT_EXIT_OUTPUT;
        return simulate(R, k, "75s", "10ms");
    }
    case RUN_STEP:
        t[0] = 0, x[0] = 0;
        t[1] = T_HOLD, x[1] = 0;
        t[2] = T_HOLD + 0.001, x[2] = 1;
        t[3] = T_HOLD + 100, x[3] = 1;
        if (write_profile(R, k, t, x, 4, 0))
            return DCT_EXIT_OUTPUT;
        return simulate(R, k, "64s", "1ms");
    case RUN_DR_FAST:
    case RUN_DR_SLOW: {
        int is_fast = k == RUN_DR_FAST;
        double frac = is_fast ? 0.10 : 0.30;
        t[0] = 0, x[0] = 1;
        t[1] = 1000, x[1] = 1;
        if (write_profile(R, k, t, x, 2, 0))
            return DCT_EXIT_OUTPUT;
        dct_bess_sb_printf(&ev,
                           "  <event t=\"10 s\" set=\"%s.peak-cap=%.9gW\"/>\n",
                           R->bess_id, (1 - frac) * R->p_max_sum);
        if (!is_fast)
            dct_bess_sb_printf(
                &ev, "  <event t=\"130 s\" set=\"%s.peak-cap=%s\"/>\n",
                R->bess_id, DR_CAP_NONE);
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, is_fast ? "40s" : "135s", "10ms");
        break;
    }
    case RUN_DIP:
        for (int g = 0; g < R->n_rects; g++) {
            int u = (int)ceil(0.6 * R->rect_count[g]);
            dct_bess_sb_printf(&ev,
                               "  <event t=\"5 s\" fail=\"%s\" units=\"%d\"/>\n"
                               "  <event t=\"5.5 s\" restore=\"%s\" "
                               "units=\"%d\"/>\n",
                               R->rects[g], u, R->rects[g], u);
        }
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, "8s", "1ms");
        break;
    case RUN_LOSS:
        sb_events(&ev, R->grids, R->n_grids, T_LOSS, 1);
        sb_events(&ev, R->grids, R->n_grids, T_RETURN, 0);
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, "80s", "10ms");
        break;
    case RUN_GEN:
        sb_events(&ev, R->grids, R->n_grids, 2, 1);
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, "100s", "10ms");
        break;
    case RUN_ISLAND: {
        double per = R->p_bess / (double)R->n_racks;
        static const double lv[] = {0.02, 0.12, 0.37, 0.87};
        size_t m = 0;
        t[m] = 0, x[m++] = lv[0] * per;
        for (int s = 1; s < 4; s++) {
            t[m] = T_HOLD + 3 + 5.0 * (s - 1), x[m++] = lv[s - 1] * per;
            t[m] = T_HOLD + 3.001 + 5.0 * (s - 1), x[m++] = lv[s] * per;
        }
        t[m] = T_HOLD + 100, x[m++] = lv[3] * per;
        if (write_profile(R, k, t, x, m, 1))
            return DCT_EXIT_OUTPUT;
        sb_events(&ev, R->gens, R->n_gens, 0, 1);
        sb_events(&ev, R->grids, R->n_grids, T_HOLD, 1);
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, "80s", "2ms");
        break;
    }
    case RUN_LIMIT: {
        /* a step from idle (u = 0) of 1.3 x the battery's power: u is a
         * fraction of p-max (dctwin-models(7), LOAD PROFILES) */
        double us = u_swing > 0
                        ? fmin(1, (R->p_idle_sum + 1.3 * R->p_bess) /
                                      R->p_max_sum)
                        : 1;
        t[0] = 0, x[0] = 0;
        t[1] = T_HOLD, x[1] = 0;
        t[2] = T_HOLD + 0.001, x[2] = us;
        t[3] = T_HOLD + 100, x[3] = us;
        if (write_profile(R, k, t, x, 4, 0))
            return DCT_EXIT_OUTPUT;
        return simulate(R, k, "85s", "10ms");
    }
    case RUN_DAY: {
        if (day_profile(R))
            return DCT_EXIT_OUTPUT;
        /* a demand-response hour: the grid import cut by 30 % of the
         * peak IT load from 14 to 15 h */
        double pl = fmax(R->p_idle_sum, DAY_U_TRAIN * R->p_max_sum);
        dct_bess_sb_printf(&ev,
                           "  <event t=\"14 h\" set=\"%s.peak-cap=%.9gW\"/>\n"
                           "  <event t=\"15 h\" set=\"%s.peak-cap=%s\"/>\n",
                           R->bess_id, fmax(pl - 0.3 * R->p_max_sum, 0),
                           R->bess_id, DR_CAP_NONE);
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, "24h", "10s");
        break;
    }
    }
    free(ev.s);
    return rc;
}
