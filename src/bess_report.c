/* bess_report.c - `dctwin bess-report`: the BESS compliance report.
 *
 * The report runs a set of test scenarios against the site with
 * `dctwin simulate` (each into OUT/runs/NAME, its stimulus profile and
 * scenario written to OUT/inputs first), evaluates each check of the
 * criteria file on the traces (sigproc.h: ramps, FFT bands, step
 * response, rainflow, ageing), draws one plot per check (plot.h, the xy
 * template) and writes report.json and a self-contained report.html.
 * The checks, their scenarios and metrics are described in
 * dctwin-bess-report(1); the thresholds and their bases live in the
 * criteria file (models/criteria/default.xml).
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
 *             bursts) at 10 s
 */
#include "config.h"
#include "suggest.h"
#include "atomic_file.h"
#include "cli.h"
#include "component.h"
#include "criteria.h"
#include "datapath.h"
#include "diag.h"
#include "escape.h"
#include "fsutil.h"
#include "plot.h"
#include "rundir.h"
#include "sigproc.h"
#include "textout.h"
#include "site.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>
#include <openssl/evp.h>

int dct_cmd_simulate(int argc, char **argv);

#define MAX_IDS 16
#define MAX_SETS 64   /* --set options */
#define PATH_N 4096
#define DR_CAP_NONE "9e9W"   /* peak-shave cap far above any load */
/* [s] the report's stimuli start after this hold at their first level:
 * a run settles on the mean load of its first minute */
#define T_HOLD 62.0
/* the 24 h profile's training level: the mean of a square wave of duty
 * 0.5 between 1 and 0.3 [A] */
#define DAY_U_TRAIN 0.65

enum run_id {
    RUN_TRAIN, RUN_SLOW, RUN_FAST, RUN_UPS, RUN_RAMP, RUN_STEP, RUN_DR_FAST, RUN_DR_SLOW, RUN_DIP,
    RUN_LOSS, RUN_GEN, RUN_ISLAND, RUN_LIMIT, RUN_DAY, N_RUNS
};

static const struct run_def {
    const char *name, *title, *what;
} run_defs[N_RUNS] = {
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

static const struct check_def {
    const char *id;
    int run, run2;
} check_defs[] = {
    {"t4-ramp-pct", RUN_TRAIN, -1},      {"t4-ramp-mw", RUN_TRAIN, -1},
    {"t4-ramp-stimulus", RUN_RAMP, -1},  {"t4-tracking", RUN_TRAIN, -1},
    {"t6-dr-fast", RUN_DR_FAST, -1},     {"t6-dr-slow", RUN_DR_SLOW, -1},
    {"t11-soc-min", RUN_DAY, -1},        {"t11-soc-max", RUN_DAY, -1},
    {"t11-soc-drift", RUN_DAY, -1},      {"t2-bus-deviation", RUN_ISLAND, -1},
    {"t2-bus-settling", RUN_ISLAND, -1}, {"t3-limit-cycle", RUN_LIMIT, -1},
    {"t7-dip", RUN_DIP, -1},             {"t8-bus-min", RUN_LOSS, -1},
    {"t8-ride-through", RUN_LOSS, -1},   {"t9-gen-osc", RUN_GEN, -1},
    {"t10-black-start", RUN_ISLAND, -1}, {"osc-0.1-2", RUN_TRAIN, -1},
    {"osc-2-3", RUN_TRAIN, -1},          {"osc-3-30", RUN_TRAIN, -1},
    {"osc-0.1-20", RUN_TRAIN, -1},       {"dev-1s", RUN_TRAIN, -1},
    {"step-t90", RUN_STEP, -1},          {"c-rate", RUN_TRAIN, -1},
    {"overload-time", RUN_LIMIT, -1},    {"rte", RUN_TRAIN, -1},
    {"t-cell", RUN_TRAIN, -1},           {"ageing", RUN_DAY, RUN_TRAIN},
};
#define N_CHECKS (sizeof check_defs / sizeof check_defs[0])

enum { ST_PASS, ST_FAIL, ST_NOT_SIM };
static const char *const status_word[] = {"pass", "fail", "not-simulated"};

typedef struct result {
    const dct_criterion *c;
    int run;                  /* -1: not simulated */
    int status;
    double measured, threshold, margin;
    char note[600];
    char plot[256];           /* relative to the report directory */
    const dct_comp *site_thr; /* the site's <criterion>, or NULL */
} result;

/* A CSV table, column-major. */
typedef struct table {
    size_t nr, nc;
    char **names;
    double *v;                /* v[c * nr + r] */
} table;

typedef struct runinfo {
    int needed, done, rc;
    char dir[PATH_N], profile[PATH_N], scenario[PATH_N];
    char cmd[8192];
    table tab;
    /* solver statistics from run.json */
    double wall_s, realtime, closure;
    long n_steps, n_rhs;
} runinfo;

typedef struct rpt {
    const char *site_path, *bess_id, *crit_path, *profile, *out, *fmt;
    char *sets[MAX_SETS];
    int n_sets, quiet;
    unsigned long seed;
    dct_site *site;
    dct_criteria *cr;
    const dct_comp *bess, *bus;
    const char *grids[MAX_IDS], *rects[MAX_IDS], *gens[MAX_IDS];
    int n_grids, n_rects, n_gens, rect_count[MAX_IDS];
    double p_bess, e_bess, q_cell, soc_min, overload, c_rate_max, t_cell_max;
    double contract, ramp_limit, v_nom, band_low, gen_rating;
    size_t n_racks;
    double p_idle_sum, p_max_sum;
    double day_train_s;       /* seconds of training in the day profile */
    runinfo run[N_RUNS];
    result *res;              /* one per check of the criteria file */
    size_t n_res;
    int no_gnuplot;
    dct_diag d;
} rpt;

/* --------------------------------------------------------------- tables */

static void table_free(table *t)
{
    for (size_t c = 0; c < t->nc; c++)
        free(t->names[c]);
    free(t->names);
    free(t->v);
    memset(t, 0, sizeof *t);
}

/* Read the CSV file PATH (a header line of names, then numbers). */
static int table_read(table *t, const char *path)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t cap = 0;
    char *line = NULL;
    int rc = -1;
    if (getline(&line, &cap, f) < 0)
        goto done;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *s = line, *e;; s = e + 1) {
        e = strchr(s, ',');
        if (e)
            *e = '\0';
        char **p = realloc(t->names, (t->nc + 1) * sizeof *p);
        if (!p)
            goto done;
        t->names = p;
        if (!(t->names[t->nc++] = strdup(s)))
            goto done;
        if (!e)
            break;
    }
    long start = ftell(f);
    size_t nr = 0;
    int ch, last = '\n';
    while ((ch = getc(f)) != EOF) {
        if (ch == '\n')
            nr++;
        last = ch;
    }
    if (last != '\n')
        nr++;
    if (fseek(f, start, SEEK_SET) != 0)
        goto done;
    t->v = calloc(nr * t->nc + 1, sizeof *t->v);
    if (!t->v)
        goto done;
    size_t r = 0;
    while (r < nr && getline(&line, &cap, f) >= 0) {
        char *s = line;
        for (size_t c = 0; c < t->nc; c++) {
            char *end;
            t->v[c * nr + r] = strtod(s, &end);
            if (end == s)
                t->v[c * nr + r] = NAN;
            s = strchr(end, ',');
            if (!s)
                break;
            s++;
        }
        r++;
    }
    t->nr = r;
    if (r != nr) {
        /* repack to the rows actually read */
        for (size_t c = 1; c < t->nc; c++)
            memmove(t->v + c * r, t->v + c * nr, r * sizeof *t->v);
    }
    rc = 0;
done:
    free(line);
    fclose(f);
    if (rc)
        table_free(t);
    return rc;
}

static int table_find(const table *t, const char *name)
{
    for (size_t c = 0; c < t->nc; c++)
        if (strcmp(t->names[c], name) == 0)
            return (int)c;
    return -1;
}

static const double *table_col(const table *t, const char *name)
{
    int c = table_find(t, name);
    return c < 0 ? NULL : t->v + (size_t)c * t->nr;
}

/* Column QUANTITY ("P_kW", "soc", ...) of the battery in table T, or
 * NULL. */
static const double *bess_col(const rpt *R, const table *t,
                              const char *quantity)
{
    char name[300];
    snprintf(name, sizeof name, "%s.%s", R->bess_id, quantity);
    return table_col(t, name);
}

/* Sum of the columns "ID.QUANTITY" of IDS into a new array (NULL when one
 * is missing or N is 0). */
static double *table_sum(const table *t, const char *const *ids, int n,
                         const char *quantity)
{
    if (n <= 0 || t->nr == 0)
        return NULL;
    double *s = calloc(t->nr, sizeof *s);
    for (int k = 0; s && k < n; k++) {
        char name[300];
        snprintf(name, sizeof name, "%s.%s", ids[k], quantity);
        const double *c = table_col(t, name);
        if (!c) {
            free(s);
            return NULL;
        }
        for (size_t i = 0; i < t->nr; i++)
            s[i] += c[i];
    }
    return s;
}

/* First index with t[i] >= T0. */
static size_t index_at(const double *t, size_t n, double t0)
{
    size_t i = 0;
    while (i < n && t[i] < t0 - 1e-9)
        i++;
    return i;
}

static double max_of(const double *x, size_t i0, size_t i1)
{
    double m = -INFINITY;
    for (size_t i = i0; i < i1; i++)
        if (x[i] > m)
            m = x[i];
    return m;
}

static double min_of(const double *x, size_t i0, size_t i1)
{
    double m = INFINITY;
    for (size_t i = i0; i < i1; i++)
        if (x[i] < m)
            m = x[i];
    return m;
}

static double mean_of(const double *x, size_t i0, size_t i1)
{
    double s = 0;
    for (size_t i = i0; i < i1; i++)
        s += x[i];
    return i1 > i0 ? s / (double)(i1 - i0) : NAN;
}

/* ------------------------------------------------------------- results */

static result *result_of(rpt *R, const char *id)
{
    for (size_t i = 0; i < R->n_res; i++)
        if (strcmp(R->res[i].c->id, id) == 0)
            return &R->res[i];
    return NULL;
}

/* Threshold of C for this site: its own number, or the site's value SITE
 * (NAN: none) before the file's threshold-default. */
static double threshold_of(const dct_criterion *c, double site)
{
    if (!c->from_site)
        return c->threshold;
    return isfinite(site) ? site : c->threshold_default;
}

/* Record the measured value X of check ID (when the criteria list it),
 * the plot PLOT and a note. */
static void measured(rpt *R, const char *id, double x, const char *plot,
                     const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void measured(rpt *R, const char *id, double x, const char *plot,
                     const char *fmt, ...)
{
    result *r = result_of(R, id);
    if (!r)
        return;
    r->measured = x;
    if (plot)
        snprintf(r->plot, sizeof r->plot, "%s", plot);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->note, sizeof r->note, fmt, ap);
        va_end(ap);
    }
}

static void judge(result *r)
{
    if (r->run < 0) {
        r->status = ST_NOT_SIM;
        return;
    }
    if (isnan(r->measured) || isnan(r->threshold)) {
        r->status = ST_FAIL;
        r->margin = NAN;
        return;
    }
    r->margin = r->c->sense == DCT_SENSE_MAX ? r->threshold - r->measured
                                             : r->measured - r->threshold;
    r->status = r->margin >= 0 ? ST_PASS : ST_FAIL;
    if (!isfinite(r->margin))     /* a response never reached: no number */
        r->margin = NAN;
}

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
static int read_site(rpt *R)
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

static int write_text(const char *path, const char *text)
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
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
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
             R->out, run_defs[k].name);
    sbuf b = {0};
    sb_printf(&b, "t_s,%s\n", is_watts ? "P_W" : "u");
    for (size_t i = 0; i < n; i++)
        sb_printf(&b, "%.9g,%.9g\n", t[i], x[i]);
    int rc = b.oom ? -1 : write_text(ri->profile, b.s);
    free(b.s);
    return rc;
}

/* Write the scenario of run K from its events (XML text of <event>
 * elements) to OUT/inputs/NAME-scenario.xml. */
static int write_scenario(rpt *R, int k, const char *events)
{
    runinfo *ri = &R->run[k];
    snprintf(ri->scenario, sizeof ri->scenario, "%s/inputs/%s-scenario.xml",
             R->out, run_defs[k].name);
    sbuf b = {0};
    sb_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<!-- written by dctwin bess-report -->\n"
                  "<scenario name=\"bess-report-%s\" description=\"%s\">\n"
                  "%s</scenario>\n",
              run_defs[k].name, run_defs[k].title, events);
    int rc = b.oom ? -1 : write_text(ri->scenario, b.s);
    free(b.s);
    return rc;
}

/* Events failing (IS_FAIL) or restoring every id of IDS at time T. */
static void sb_events(sbuf *b, const char *const *ids, int n, double t,
                      int is_fail)
{
    for (int k = 0; k < n; k++)
        sb_printf(b, "  <event t=\"%.9g s\" %s=\"%s\"/>\n", t,
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
    snprintf(ri->dir, sizeof ri->dir, "%s/runs/%s", R->out,
             run_defs[k].name);
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
    for (int i = 0; i < ac && cn < sizeof ri->cmd; i++)
        cn += (size_t)snprintf(ri->cmd + cn, sizeof ri->cmd - cn, " %s",
                               av[i]);
    if (!R->quiet)
        fprintf(stderr, "dctwin: bess-report: run %s ...\n",
                run_defs[k].name);
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
        table_read(&ri->tab, path) != 0) {
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

static int run_ok(const runinfo *ri)
{
    return ri->done && (ri->rc == DCT_EXIT_OK || ri->rc == DCT_EXIT_MARGIN);
}

/* ------------------------------------------------------------- plots */

/* Plot columns YCOLS (names; NULL-ended) of CSV against its column XCOL
 * into OUT/plots/NAME.png; THR (NAN: none) a threshold line.  Sets REL to
 * the plot's path relative to the report directory, "" when not drawn. */
static void plot_xy2(rpt *R, const char *name, const char *csv,
                     const char *title, const char *xlabel,
                     const char *ylabel, const char *xcol,
                     const char *const *ycols, const char *const *ytitles,
                     double xscale, double yscale, const double thr[2],
                     const char *const thr_name[2], char rel[256])
{
    rel[0] = '\0';
    if (R->no_gnuplot)
        return;
    table t;
    if (table_read(&t, csv) != 0)
        return;
    char ycs[256] = "", xc[16], xs[32], ys[32], th[32];
    int xi = table_find(&t, xcol);
    size_t yn = 0;
    char *vars[40];
    int nv = 0, n_found = 0;
    char buf[8][300];
    /* the columns found, with their titles in the same order */
    for (int k = 0; ycols[k] && k < 8; k++) {
        int c = table_find(&t, ycols[k]);
        if (c < 0)
            continue;
        yn += (size_t)snprintf(ycs + yn, sizeof ycs - yn, "%s%d",
                               yn ? " " : "", c + 1);
        n_found++;
        snprintf(buf[k], sizeof buf[k], "ytitle%d=%s", n_found, ytitles[k]);
        vars[nv++] = buf[k];
    }
    table_free(&t);
    if (xi < 0 || n_found == 0)
        return;
    char path[PATH_N + 64];
    snprintf(path, sizeof path, "%s/plots/%s.%s", R->out, name, R->fmt);
    snprintf(xc, sizeof xc, "x=%d", xi + 1);
    char datafile[PATH_N + 16], ycolv[300], titlev[400], xl[200], yl[200];
    snprintf(datafile, sizeof datafile, "datafile=%s", csv);
    snprintf(ycolv, sizeof ycolv, "ycols=%s", ycs);
    snprintf(titlev, sizeof titlev, "title=%s", title);
    snprintf(xl, sizeof xl, "xlabel=%s", xlabel);
    snprintf(yl, sizeof yl, "ylabel=%s", ylabel);
    snprintf(xs, sizeof xs, "xscale=%.9g", xscale);
    snprintf(ys, sizeof ys, "yscale=%.9g", yscale);
    vars[nv++] = datafile;
    vars[nv++] = xc;
    vars[nv++] = ycolv;
    vars[nv++] = titlev;
    vars[nv++] = xl;
    vars[nv++] = yl;
    vars[nv++] = xs;
    vars[nv++] = ys;
    char thn[200], th2[32], thn2[200];
    if (isfinite(thr[0])) {
        snprintf(th, sizeof th, "threshold=%.9g", thr[0]);
        snprintf(thn, sizeof thn, "thresholdname=%s",
                 thr_name[0] ? thr_name[0] : "threshold");
        vars[nv++] = th;
        vars[nv++] = thn;
        if (isfinite(thr[1])) {
            snprintf(th2, sizeof th2, "threshold2=%.9g", thr[1]);
            snprintf(thn2, sizeof thn2, "threshold2name=%s",
                     thr_name[1] ? thr_name[1] : "threshold");
            vars[nv++] = th2;
            vars[nv++] = thn2;
        }
    }
    int rc = dct_plot_render("xy", (const char *const *)vars, (size_t)nv,
                             path, R->fmt, &R->d);
    if (rc == DCT_PLOT_NO_GNUPLOT) {
        R->no_gnuplot = 1;
        return;
    }
    if (rc == DCT_PLOT_OK)
        snprintf(rel, 256, "plots/%s.%s", name, R->fmt);
}

/* plot_xy2 with at most one threshold line THR (NAN: none). */
static void plot_xy(rpt *R, const char *name, const char *csv,
                    const char *title, const char *xlabel,
                    const char *ylabel, const char *xcol,
                    const char *const *ycols, const char *const *ytitles,
                    double xscale, double yscale, double thr,
                    const char *thr_name, char rel[256])
{
    const double t2[2] = {thr, NAN};
    const char *const n2[2] = {thr_name, NULL};
    plot_xy2(R, name, csv, title, xlabel, ylabel, xcol, ycols, ytitles,
             xscale, yscale, t2, n2, rel);
}

/* Write the columns X and Y (N values) as a two-column CSV evidence file
 * OUT/evidence/NAME.csv with header "XN,YN"; its path into PATH. */
static int write_xy(rpt *R, const char *name, const char *xn,
                    const char *yn, const double *x, const double *y,
                    size_t n, char path[PATH_N + 64])
{
    snprintf(path, PATH_N + 64, "%s/evidence/%s.csv", R->out, name);
    sbuf b = {0};
    sb_printf(&b, "%s,%s\n", xn, yn);
    for (size_t i = 0; i < n; i++)
        sb_printf(&b, "%.9g,%.9g\n", x[i], y[i]);
    int rc = b.oom ? -1 : write_text(path, b.s);
    free(b.s);
    return rc;
}

/* The amplitude spectrum S (kW) as the evidence file EV_NAME.csv and its
 * plot PLOT_NAME with the threshold line THR; the plot's path into REL. */
static void spectrum_plot(rpt *R, const dct_sig_spectrum *s,
                          const char *ev_name, const char *plot_name,
                          const char *title, const char *ytitle, double thr,
                          const char *thr_name, char rel[256])
{
    char ev[PATH_N + 64];
    double *f = malloc(s->n_bins * sizeof *f);
    rel[0] = '\0';
    if (!f)
        return;
    for (size_t k = 0; k < s->n_bins; k++)
        f[k] = (double)k * s->df;
    if (write_xy(R, ev_name, "f_Hz", "amplitude_kW", f, s->amp, s->n_bins,
                 ev) == 0) {
        const char *ys[] = {"amplitude_kW", NULL};
        const char *yts[] = {ytitle, NULL};
        plot_xy(R, plot_name, ev, title, "f [Hz]", "amplitude [kW]", "f_Hz",
                ys, yts, 1, 1, thr, thr_name, rel);
    }
    free(f);
}

/* -------------------------------------------------------------- checks */

/* Spectrum band amplitude of X (N samples DT apart) in [F0, F1]; NAN on
 * error. */
static double band_amp(const dct_sig_spectrum *s, double f0, double f1)
{
    dct_sig_band b;
    dct_diag d = {0};
    double a = dct_sig_band_eval(s, f0, f1, &b, &d) == 0 ? b.amplitude : NAN;
    dct_diag_clear(&d);
    return a;
}

/* Largest |dP/dt| of P (kW, DT apart, from I0) after a 100 ms moving
 * average, in kW/s; NAN when too short. */
static double max_ramp(const double *p, size_t n, double dt)
{
    size_t m = (size_t)lround(0.1 / dt);
    if (m < 1)
        m = 1;
    double dmax;
    dct_diag d = {0};
    int rc = dct_sig_max_ramp(p, n, m, 1, &dmax, NULL, &d);
    dct_diag_clear(&d);
    return rc == 0 ? dmax / dt : NAN;
}

/* Record X for check ID when it is worse than what an earlier training
 * run of the sweep gave (by the check's sense). */
static void worst(rpt *R, int k, const char *id, double x, const char *plot,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void worst(rpt *R, int k, const char *id, double x, const char *plot,
                  const char *fmt, ...)
{
    result *r = result_of(R, id);
    if (!r)
        return;
    int is_max = r->c->sense == DCT_SENSE_MAX;
    if (!isnan(r->measured) && !isnan(x) &&
        (is_max ? x <= r->measured : x >= r->measured))
        return;
    if (isnan(x) && !isnan(r->measured))
        return;
    r->measured = x;
    snprintf(r->plot, sizeof r->plot, "%s", plot ? plot : "");
    int n = snprintf(r->note, sizeof r->note, "worst of the training runs: "
                     "%s; ", run_defs[k].name);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof r->note)
        vsnprintf(r->note + n, sizeof r->note - (size_t)n, fmt, ap);
    va_end(ap);
}

static void eval_train(rpt *R, int k)
{
    runinfo *ri = &R->run[k];
    const table *t = &ri->tab;
    const double *ts = table_col(t, "t_s");
    double *pg = table_sum(t, R->grids, R->n_grids, "P_kW");
    const double *pb = bess_col(R, t, "P_kW");
    const double *pr = bess_col(R, t, "P_ref_kW");
    const double *pl = bess_col(R, t, "P_load_kW");
    const double *ic = bess_col(R, t, "I_cell_A");
    const double *tc = bess_col(R, t, "T_cell_degC");
    const double *soc = bess_col(R, t, "soc");
    if (!ts || !pg || !pb || !pr || !pl || !ic || !tc || !soc ||
        t->nr < 200) {
        free(pg);
        return;
    }
    size_t n = t->nr, i0 = index_at(ts, n, 20.0), m = n - i0;
    double dt = ts[1] - ts[0];
    char csv[PATH_N + 32], plot_p[256], plot_s[256], plot_tr[256];
    snprintf(csv, sizeof csv, "%s/timeseries.csv", ri->dir);
    char gcol[300], bcol[300], lcol[300], rcol[300];
    snprintf(gcol, sizeof gcol, "%s.P_kW", R->grids[0]);
    snprintf(bcol, sizeof bcol, "%s.P_kW", R->bess_id);
    snprintf(lcol, sizeof lcol, "%s.P_load_kW", R->bess_id);
    snprintf(rcol, sizeof rcol, "%s.P_ref_kW", R->bess_id);
    const char *yc[] = {gcol, lcol, bcol, NULL};
    const char *yt[] = {"grid import", "bus load", "battery", NULL};
    char pname[3][96];
    snprintf(pname[0], sizeof pname[0], "%s-power", run_defs[k].name);
    snprintf(pname[1], sizeof pname[1], "%s-tracking", run_defs[k].name);
    snprintf(pname[2], sizeof pname[2], "%s-spectrum", run_defs[k].name);
    char title[3][160];
    snprintf(title[0], sizeof title[0], "%s: power", run_defs[k].title);
    snprintf(title[1], sizeof title[1], "%s: battery command and power",
             run_defs[k].title);
    snprintf(title[2], sizeof title[2], "%s: spectrum of the grid import",
             run_defs[k].title);
    plot_xy(R, pname[0], csv, title[0],
            "t [s]", "P [kW]", "t_s", yc, yt, 1, 1, NAN, NULL, plot_p);
    const char *yc2[] = {rcol, bcol, NULL};
    const char *yt2[] = {"command P_ref", "battery P", NULL};
    plot_xy(R, pname[1], csv, title[1], "t [s]", "P [kW]", "t_s", yc2, yt2,
            1, 1, NAN, NULL, plot_tr);
    /* ramps */
    double ramp = max_ramp(pg + i0, m, dt);
    double it = mean_of(pl, i0, n);
    worst(R, k, "t4-ramp-pct", 100 * ramp / it, plot_p,
             "largest grid-side ramp %.4g MW/s against a mean IT (bus) "
             "load of %.4g MW", ramp / 1e3, it / 1e3);
    worst(R, k, "t4-ramp-mw", ramp / 1e3, plot_p,
             "grid contract %.4g MW", R->contract / 1e6);
    /* tracking */
    double rms;
    dct_diag d = {0};
    if (dct_sig_rms_difference(pr + i0, pb + i0, m, &rms, &d) == 0)
        worst(R, k, "t4-tracking", 100 * rms * 1e3 / R->p_bess, plot_tr,
                 "RMS of P_ref - P %.4g kW, rating %.4g MW", rms,
                 R->p_bess / 1e6);
    dct_diag_clear(&d);
    /* oscillation bands */
    dct_sig_spectrum *s = dct_sig_spectrum_new(
        pg + i0, dct_sig_fft_good_length(m), dt, DCT_SIG_HANN,
        DCT_SIG_DETREND_LINEAR, &d);
    dct_diag_clear(&d);
    if (s) {
        char ename[96];
        snprintf(ename, sizeof ename, "%s-grid-spectrum", run_defs[k].name);
        spectrum_plot(R, s, ename, pname[2],
                      title[2], "grid import amplitude", 0.01 * R->contract / 1e3,
                      "1 % of contract", plot_s);
        static const struct {
            const char *id;
            double f0, f1;
        } bands[] = {{"osc-0.1-2", 0.1, 2},
                     {"osc-2-3", 2, 3},
                     {"osc-3-30", 3, 30},
                     {"osc-0.1-20", 0.1, 20}};
        for (size_t b = 0; b < 4; b++) {
            double a = band_amp(s, bands[b].f0, bands[b].f1);
            double fp = NAN;
            dct_sig_dominant_frequency(s, bands[b].f0, bands[b].f1, &fp, &d);
            dct_diag_clear(&d);
            worst(R, k, bands[b].id, 100 * a * 1e3 / R->contract, plot_s,
                     "band amplitude %.4g kW (dominant %.3g Hz) over %.0f s "
                     "at %.3g s steps; contract %.4g MW",
                     a, fp, (double)s->n * dt, dt, R->contract / 1e6);
        }
        dct_sig_spectrum_free(s);
    }
    /* short-term deviation */
    double range;
    size_t w = (size_t)lround(1.0 / dt);
    if (w <= m && dct_sig_max_window_range(pg + i0, m, w, &range, NULL,
                                           &d) == 0)
        worst(R, k, "dev-1s", 100 * range * 1e3 / R->contract, plot_p,
                 "largest change of the grid import in 1 s: %.4g kW",
                 range);
    dct_diag_clear(&d);
    /* C-rate, cell temperature */
    double imax = 0;
    for (size_t i = i0; i < n; i++)
        imax = fmax(imax, fabs(ic[i]));
    worst(R, k, "c-rate", imax * 3600 / R->q_cell, plot_p,
             "largest cell current %.4g A on %.4g Ah cells", imax,
             R->q_cell / 3600);
    worst(R, k, "t-cell", max_of(tc, i0, n), plot_p, "%s",
          "coolant and cell heat per the battery model");
    /* round trip: energy out over energy in, the stored change on its
     * side */
    double e_out = 0, e_in = 0;
    for (size_t i = i0 + 1; i < n; i++) {
        double h = ts[i] - ts[i - 1];
        double a = 0.5 * (pb[i] + pb[i - 1]) * 1e3 * h;
        if (a > 0)
            e_out += a;
        else
            e_in -= a;
    }
    double de = (soc[n - 1] - soc[i0]) * R->e_bess;
    double num = e_out + fmax(de, 0), den = e_in + fmax(-de, 0);
    if (den > 0)
        worst(R, k, "rte", 100 * num / den, plot_p,
                 "out %.4g kWh, in %.4g kWh, stored change %+.4g kWh over "
                 "%.0f s", e_out / 3.6e6, e_in / 3.6e6, de / 3.6e6,
                 ts[n - 1] - ts[i0]);
    else
        worst(R, k, "rte", NAN, plot_p, "%s", "the battery took no energy: "
              "no round trip to measure");
    free(pg);
}

static void eval_ramp(rpt *R)
{
    runinfo *ri = &R->run[RUN_RAMP];
    const double *ts = table_col(&ri->tab, "t_s");
    double *pg = table_sum(&ri->tab, R->grids, R->n_grids, "P_kW");
    if (ts && pg && ri->tab.nr > 50) {
        size_t n = ri->tab.nr, i0 = index_at(ts, n, T_HOLD - 1);
        double dt = ts[1] - ts[0];
        double ramp = max_ramp(pg + i0, n - i0, dt);
        char csv[PATH_N + 32], plot[256], gcol[300], bcol[300], lcol[300];
        snprintf(csv, sizeof csv, "%s/timeseries.csv", ri->dir);
        snprintf(gcol, sizeof gcol, "%s.P_kW", R->grids[0]);
        snprintf(bcol, sizeof bcol, "%s.P_kW", R->bess_id);
        snprintf(lcol, sizeof lcol, "%s.P_load_kW", R->bess_id);
        const char *yc[] = {gcol, lcol, bcol, NULL};
        const char *yt[] = {"grid import", "bus load", "battery", NULL};
        plot_xy(R, "ramp-power", csv, "20 %/s IT ramp: power", "t [s]",
                "P [kW]", "t_s", yc, yt, 1, 1, NAN, NULL, plot);
        measured(R, "t4-ramp-stimulus", 100 * ramp * 1e3 / R->p_max_sum,
                 plot, "largest grid-side ramp %.4g MW/s; peak IT %.4g MW "
                 "ramping at %.4g MW/s", ramp / 1e3, R->p_max_sum / 1e6,
                 0.2 * R->p_max_sum / 1e6);
    }
    free(pg);
}

static void eval_step(rpt *R)
{
    runinfo *ri = &R->run[RUN_STEP];
    const double *ts = table_col(&ri->tab, "t_s");
    const double *pb = bess_col(R, &ri->tab, "P_kW");
    const double *pl = bess_col(R, &ri->tab, "P_load_kW");
    size_t n = ri->tab.nr;
    if (!ts || !pb || !pl || n < 100)
        return;
    size_t ib = index_at(ts, n, T_HOLD - 0.01);
    size_t ia = index_at(ts, n, T_HOLD + 1.5);
    double dl = mean_of(pl, ia, n) - pl[ib];
    double x0 = pb[ib], tr = INFINITY;
    dct_diag d = {0};
    if (dl > 0)
        dct_sig_time_to_fraction(ts, pb, n, T_HOLD, x0, x0 + dl, 0.9, &tr,
                                 &d);
    dct_diag_clear(&d);
    /* evidence: the first half second after the step */
    size_t i1 = index_at(ts, n, T_HOLD + 0.5);
    char ev[PATH_N + 64], plot[256];
    sbuf b = {0};
    sb_printf(&b, "t_s,load_kW,battery_kW\n");
    for (size_t i = ib; i < i1; i++)
        sb_printf(&b, "%.9g,%.9g,%.9g\n", ts[i], pl[i], pb[i]);
    snprintf(ev, sizeof ev, "%s/evidence/step-response.csv", R->out);
    if (!b.oom && write_text(ev, b.s) == 0) {
        const char *yc[] = {"load_kW", "battery_kW", NULL};
        const char *yt[] = {"bus load", "battery", NULL};
        plot_xy(R, "step-response", ev, "Load step: battery response",
                "t [s]", "P [kW]", "t_s", yc, yt, 1, 1, x0 + 0.9 * dl,
                "90 % of the step", plot);
    } else {
        plot[0] = '\0';
    }
    free(b.s);
    if (isfinite(tr))
        measured(R, "step-t90", tr - T_HOLD, plot, "step of %.4g kW at the bus",
                 dl);
    else
        measured(R, "step-t90", INFINITY, plot, "the battery never carried "
                 "90 %% of the %.4g kW step", dl);
}

/* Time from T_REQ until the series (TS, PG) is at or below LEVEL for good
 * (up to T_END); INFINITY when it is above at T_END. */
static double time_below(const double *ts, const double *pg, size_t n,
                         double t_req, double t_end, double level)
{
    double last_above = t_req;
    int seen = 0;
    for (size_t i = 0; i < n && ts[i] <= t_end + 1e-9; i++) {
        if (ts[i] < t_req)
            continue;
        seen = 1;
        if (pg[i] > level)
            last_above = ts[i];
    }
    if (!seen)
        return NAN;
    size_t ie = index_at(ts, n, t_end);
    if (ie >= n)
        ie = n - 1;
    if (ie > 0 && ts[ie] > t_end + 1e-9)
        ie--;
    return pg[ie] > level ? INFINITY : last_above - t_req;
}

static void eval_dr(rpt *R, int k, const char *id, double frac,
                    double t_end)
{
    runinfo *ri = &R->run[k];
    const double *ts = table_col(&ri->tab, "t_s");
    double *pg = table_sum(&ri->tab, R->grids, R->n_grids, "P_kW");
    size_t n = ri->tab.nr;
    if (!ts || !pg || n < 10) {
        free(pg);
        return;
    }
    double p0 = mean_of(pg, index_at(ts, n, 9.0), index_at(ts, n, 10.0));
    double req = frac * R->p_max_sum / 1e3;          /* kW */
    double level = p0 - 0.9 * req;
    double tt = time_below(ts, pg, n, 10.0, t_end, level);
    char csv[PATH_N + 32], plot[256], gcol[300], name[64];
    snprintf(csv, sizeof csv, "%s/timeseries.csv", ri->dir);
    snprintf(gcol, sizeof gcol, "%s.P_kW", R->grids[0]);
    snprintf(name, sizeof name, "%s-grid", run_defs[k].name);
    const char *yc[] = {gcol, NULL};
    const char *yt[] = {"grid import", NULL};
    plot_xy(R, name, csv, run_defs[k].title, "t [s]", "P [kW]", "t_s", yc,
            yt, 1, 1, R->n_grids == 1 ? level : NAN,
            "90 % of the requested cut", plot);
    size_t ie = index_at(ts, n, t_end);
    double at_end = pg[ie < n ? ie : n - 1];
    measured(R, id, tt, plot, "import %.4g kW before the request, %.4g kW "
             "requested cut, %.4g kW at %.0f s (level %.4g kW)", p0, req,
             at_end, t_end, level);
    free(pg);
}

/* The bus voltage and time of run K (NULL when missing or shorter than
 * N_MIN rows), plotted as PLOT_NAME with the band's lower edge. */
static const double *bus_trace(rpt *R, int k, size_t n_min,
                               const char *plot_name, const char *title,
                               const double **ts, size_t *n, char plot[256])
{
    runinfo *ri = &R->run[k];
    char col[300], csv[PATH_N + 32];
    snprintf(col, sizeof col, "%s.V_V", R->bus->id);
    *ts = table_col(&ri->tab, "t_s");
    const double *v = table_col(&ri->tab, col);
    *n = ri->tab.nr;
    plot[0] = '\0';
    if (!*ts || !v || *n < n_min)
        return NULL;
    snprintf(csv, sizeof csv, "%s/timeseries.csv", ri->dir);
    const char *yc[] = {col, NULL};
    const char *yt[] = {"bus voltage", NULL};
    plot_xy(R, plot_name, csv, title, "t [s]", "V [V]", "t_s", yc, yt, 1, 1,
            R->band_low, "band-low", plot);
    return v;
}

static void eval_dip(rpt *R)
{
    const double *ts;
    size_t n;
    char plot[256];
    const double *v = bus_trace(R, RUN_DIP, 10, "dip-bus",
                                "Grid dip: DC bus voltage", &ts, &n, plot);
    if (!v)
        return;
    size_t i0 = index_at(ts, n, 5.0);
    measured(R, "t7-dip", min_of(v, i0, n), plot, "%d rectifier group(s) at "
             "40 %% of their units from 5.0 to 5.5 s", R->n_rects);
}

/* Energy not served [kWh] over the run: the integral of every busway's
 * P_unserved_kW. */
static double unserved_kwh(const table *t)
{
    const double *ts = table_col(t, "t_s");
    double e = 0;
    if (!ts)
        return 0;
    for (size_t c = 0; c < t->nc; c++) {
        size_t l = strlen(t->names[c]);
        if (l < 14 || strcmp(t->names[c] + l - 14, ".P_unserved_kW") != 0)
            continue;
        const double *u = t->v + c * t->nr;
        for (size_t i = 1; i < t->nr; i++)
            e += 0.5 * (u[i] + u[i - 1]) * (ts[i] - ts[i - 1]);
    }
    return e / 3600;
}

static void eval_loss(rpt *R)
{
    runinfo *ri = &R->run[RUN_LOSS];
    const double *ts;
    size_t n;
    char scol[300], csv[PATH_N + 32], plot_v[256], plot_p[256];
    const double *v = bus_trace(R, RUN_LOSS, 10, "loss-bus",
                                "Grid loss and return: DC bus voltage", &ts,
                                &n, plot_v);
    snprintf(scol, sizeof scol, "%s.soc", R->bess_id);
    const double *soc = table_col(&ri->tab, scol);
    if (!v || !soc)
        return;
    size_t i0 = index_at(ts, n, 10.0);
    snprintf(csv, sizeof csv, "%s/timeseries.csv", ri->dir);
    char bcol[300], gcol[300], ecol[300];
    snprintf(bcol, sizeof bcol, "%s.P_kW", R->bess_id);
    snprintf(gcol, sizeof gcol, "%s.P_kW", R->grids[0]);
    snprintf(ecol, sizeof ecol, "%s.P_kW", R->n_gens ? R->gens[0] : "-");
    const char *yc2[] = {gcol, bcol, R->n_gens ? ecol : NULL, NULL};
    const char *yt2[] = {"grid import", "battery", "generators", NULL};
    plot_xy(R, "loss-power", csv, "Grid loss and return: sources", "t [s]",
            "P [kW]", "t_s", yc2, yt2, 1, 1, NAN, NULL, plot_p);
    double unserved = unserved_kwh(&ri->tab);
    measured(R, "t8-bus-min", min_of(v, i0, n), plot_v,
             "energy not served %.4g kWh", unserved);
    /* the energy the outage needs from the battery: the bus load from
     * the loss until the generators carry 90 % of it (or the grid is
     * back), against the energy above the SOC window at the loss */
    char lcol[300];
    snprintf(lcol, sizeof lcol, "%s.P_load_kW", R->bess_id);
    const double *pl = table_col(&ri->tab, lcol);
    double *pgen = table_sum(&ri->tab, R->gens, R->n_gens, "P_kW");
    double need = 0, t_end = 60;
    for (size_t i = i0 + 1; pl && i < n && ts[i] <= 60 + 1e-9; i++) {
        if (pgen && pgen[i] >= 0.9 * pl[i]) {
            t_end = ts[i];
            break;
        }
        need += 0.5 * (pl[i] + pl[i - 1]) * 1e3 * (ts[i] - ts[i - 1]);
    }
    free(pgen);
    double avail = fmax(soc[i0] - R->soc_min, 0) * R->e_bess;
    if (need > 0)
        measured(R, "t8-ride-through", 100 * (avail - need) / need, plot_p,
                 "%.4g kWh needed from the loss at 10 s to %s at %.4g s; "
                 "%.4g kWh above the SOC window (SOC %.4g %%, edge %.4g %%); "
                 "lowest SOC %.4g %%",
                 need / 3.6e6, R->n_gens ? "the generators" : "grid return",
                 t_end, avail / 3.6e6, 100 * soc[i0], 100 * R->soc_min,
                 100 * min_of(soc, i0, n));
}

static void eval_gen(rpt *R)
{
    runinfo *ri = &R->run[RUN_GEN];
    const double *ts = table_col(&ri->tab, "t_s");
    double *pg = table_sum(&ri->tab, R->gens, R->n_gens, "P_kW");
    size_t n = ri->tab.nr;
    if (!ts || !pg || n < 100) {
        free(pg);
        return;
    }
    size_t i0 = index_at(ts, n, 50.0);
    double dt = ts[1] - ts[0];
    dct_diag d = {0};
    dct_sig_spectrum *s = dct_sig_spectrum_new(
        pg + i0, dct_sig_fft_good_length(n - i0), dt, DCT_SIG_HANN,
        DCT_SIG_DETREND_LINEAR, &d);
    dct_diag_clear(&d);
    char plot[256] = "";
    if (s) {
        spectrum_plot(R, s, "gen-spectrum", "gen-spectrum",
                      "Generator following: spectrum of the generators' "
                      "power", "generator power amplitude",
                      0.01 * R->gen_rating / 1e3, "1 % of rating", plot);
        double a = band_amp(s, 1, 30);
        measured(R, "t9-gen-osc", 100 * a * 1e3 / R->gen_rating, plot,
                 "1-30 Hz amplitude %.4g kW over %.0f s; generators %.4g MW",
                 a, (double)s->n * dt, R->gen_rating / 1e6);
        dct_sig_spectrum_free(s);
    }
    free(pg);
}

static void eval_island(rpt *R)
{
    const double *ts;
    size_t n;
    char plot[256];
    const double *v = bus_trace(R, RUN_ISLAND, 100, "island-bus",
                                "Island load pick-up: DC bus voltage", &ts,
                                &n, plot);
    if (!v)
        return;
    measured(R, "t10-black-start", min_of(v, index_at(ts, n, T_HOLD), n), plot,
             "%s", "steps of 10, 25, 50 % of the battery's rating");
    double dev = 0, settle = 0;
    int never = 0;
    static const double steps[] = {T_HOLD + 3, T_HOLD + 8, T_HOLD + 13};
    for (size_t k = 0; k < 3; k++) {
        size_t a = index_at(ts, n, steps[k]);
        size_t b = index_at(ts, n, steps[k] + 4.5);
        size_t e = index_at(ts, n, steps[k] + 5.0);
        if (e > n)
            e = n;
        double vs = mean_of(v, b, e);
        for (size_t i = a; i < e; i++)
            dev = fmax(dev, fabs(v[i] - vs));
        double tsl;
        dct_diag d = {0};
        if (dct_sig_settling_time(ts, v, e, steps[k], vs, 0.01 * R->v_nom,
                                  &tsl, &d) == 0)
            settle = fmax(settle, tsl - steps[k]);
        else
            never = 1;
        dct_diag_clear(&d);
    }
    measured(R, "t2-bus-deviation", 100 * dev / R->v_nom, plot,
             "largest deviation %.4g V from the settled voltage", dev);
    measured(R, "t2-bus-settling", never ? INFINITY : settle, plot, "%s",
             never ? "the bus did not settle within 1 % of nominal"
                   : "band 1 % of nominal around the settled voltage");
}

static void eval_limit(rpt *R)
{
    runinfo *ri = &R->run[RUN_LIMIT];
    char col[300], rcol[300];
    snprintf(col, sizeof col, "%s.P_kW", R->bess_id);
    snprintf(rcol, sizeof rcol, "%s.P_ref_kW", R->bess_id);
    const double *ts = table_col(&ri->tab, "t_s");
    const double *pb = table_col(&ri->tab, col);
    const double *pr = table_col(&ri->tab, rcol);
    size_t n = ri->tab.nr;
    if (!ts || !pb || !pr || n < 100)
        return;
    char csv[PATH_N + 32], plot[256];
    snprintf(csv, sizeof csv, "%s/timeseries.csv", ri->dir);
    const char *yc[] = {col, rcol, NULL};
    const char *yt[] = {"battery P", "command P_ref", NULL};
    plot_xy(R, "limit-power", csv, "Operation at the power limit", "t [s]",
            "P [kW]", "t_s", yc, yt, 1, 1, R->p_bess / 1e3, "rating", plot);
    double dt = ts[1] - ts[0];
    /* the stretch the command is held at its largest value */
    size_t i0 = index_at(ts, n, T_HOLD + 0.5), i1 = i0;
    double pmax = max_of(pr, i0, n);
    while (i1 < n && pr[i1] >= 0.98 * pmax)
        i1++;
    if (i1 - i0 < (size_t)(2.0 / dt))
        i1 = index_at(ts, n, T_HOLD + 5.5);
    double a = NAN;
    dct_diag d = {0};
    dct_sig_spectrum *s = dct_sig_spectrum_new(pb + i0, i1 - i0, dt,
                                               DCT_SIG_HANN,
                                               DCT_SIG_DETREND_LINEAR, &d);
    if (s) {
        a = band_amp(s, 0.1, 30);
        dct_sig_spectrum_free(s);
    }
    dct_diag_clear(&d);
    double plim = fmin(R->overload * R->p_bess,
                       R->c_rate_max * R->e_bess / 3600) / 1e3;
    measured(R, "t3-limit-cycle", 100 * a * 1e3 / R->p_bess, plot,
             "0.1-30 Hz amplitude %.4g kW from %.1f to %.1f s, command %.4g "
             "kW%s", a, ts[i0], ts[i1 - 1], pmax,
             pmax < 0.98 * plim ? "; the racks' swing does not reach the "
                                  "battery's limit: the limit is not "
                                  "exercised" : " (at the limit)");
    double *ab = malloc(n * sizeof *ab);
    double dur = NAN, t_start;
    if (ab) {
        for (size_t i = 0; i < n; i++)
            ab[i] = fabs(pb[i]);
        if (dct_sig_longest_above(ts, ab, n, R->p_bess / 1e3, &dur, &t_start,
                                  &d) != 0)
            dur = NAN;
        dct_diag_clear(&d);
        free(ab);
    }
    measured(R, "overload-time", dur, plot, "largest |P| %.4g kW, rating "
             "%.4g kW, short-time overload %.3g", max_of(pb, 0, n),
             R->p_bess / 1e3, R->overload);
}

static void eval_day(rpt *R)
{
    runinfo *ri = &R->run[RUN_DAY];
    char scol[300];
    snprintf(scol, sizeof scol, "%s.soc", R->bess_id);
    const double *ts = table_col(&ri->tab, "t_s");
    const double *soc = bess_col(R, &ri->tab, "soc");
    const double *tc = bess_col(R, &ri->tab, "T_cell_degC");
    size_t n = ri->tab.nr;
    if (!ts || !soc || !tc || n < 10)
        return;
    char csv[PATH_N + 32], plot[256];
    snprintf(csv, sizeof csv, "%s/timeseries.csv", ri->dir);
    const char *yc[] = {scol, NULL};
    const char *yt[] = {"SOC", NULL};
    /* the window of the SOC checks, from the criteria */
    const result *lo = result_of(R, "t11-soc-min");
    const result *hi = result_of(R, "t11-soc-max");
    double thr[2] = {NAN, NAN};
    const char *thn[2] = {NULL, NULL};
    int nt = 0;
    if (lo && isfinite(lo->threshold))
        thr[nt] = lo->threshold, thn[nt++] = "t11-soc-min";
    if (hi && isfinite(hi->threshold))
        thr[nt] = hi->threshold, thn[nt++] = "t11-soc-max";
    plot_xy2(R, "day-soc", csv, "24 h combined profile: state of charge",
             "t [h]", "SOC [%]", "t_s", yc, yt, 3600, 100, thr, thn, plot);
    measured(R, "t11-soc-min", 100 * min_of(soc, 0, n), plot, NULL);
    measured(R, "t11-soc-max", 100 * max_of(soc, 0, n), plot, NULL);
    measured(R, "t11-soc-drift", 100 * fabs(soc[n - 1] - soc[0]), plot,
             "SOC %.4g %% at 0 h, %.4g %% at 24 h", 100 * soc[0],
             100 * soc[n - 1]);
    /* ageing: the day's slow cycles, plus the training micro-cycles for
     * the hours of training in the day */
    if (!result_of(R, "ageing"))
        return;
    dct_ageing_params p;
    dct_ageing_params_lfp(&p);
    dct_ageing_result day, micro = {0};
    dct_diag d = {0};
    double *tk = malloc(n * sizeof *tk);
    int ok = tk != NULL;
    for (size_t i = 0; ok && i < n; i++)
        tk[i] = tc[i] + C2K(0);
    ok = ok && dct_ageing_eval(ts, soc, tk, 0, n, 10, &p, &day, &d) == 0;
    free(tk);
    dct_diag_clear(&d);
    const runinfo *rt = &R->run[RUN_TRAIN];
    const double *tt = table_col(&rt->tab, "t_s");
    const double *st = bess_col(R, &rt->tab, "soc");
    const double *ct = bess_col(R, &rt->tab, "T_cell_degC");
    int has_micro = 0;
    if (ok && tt && st && ct && rt->tab.nr > 100) {
        size_t i0 = index_at(tt, rt->tab.nr, 20.0), m = rt->tab.nr - i0;
        has_micro = dct_ageing_eval(tt + i0, st + i0, NULL,
                                    mean_of(ct, i0, rt->tab.nr) + C2K(0), m,
                                    10, &p, &micro, &d) == 0;
        dct_diag_clear(&d);
    }
    if (!ok) {
        measured(R, "ageing", NAN, plot, "the ageing model could not be "
                 "evaluated on the 24 h SOC");
        return;
    }
    /* micro-cycles per day of the day profile's training hours */
    double efc_micro = has_micro ? micro.efc_profile / micro.duration_s *
                                       R->day_train_s : 0;
    double efc_day = day.efc_per_day, efc_tot = (efc_day + efc_micro) *
                                                day.t_days;
    double k_cyc = efc_day + efc_micro > 0
                       ? (day.k_cyc * efc_day +
                          (has_micro ? micro.k_cyc : 0) * efc_micro) /
                             (efc_day + efc_micro)
                       : day.k_cyc;
    double q_cyc = dct_ageing_cycle_fade(&p, k_cyc, efc_tot);
    double cap = 100 * (1 - day.q_cal - q_cyc);
    measured(R, "ageing", cap, plot,
             "calendar fade %.3g %%, cycle fade %.3g %% over 10 years; "
             "%.3g EFC/day (%.3g from the day's cycles by rainflow, %.3g "
             "from training micro-cycles, %.3g h of training a day); mean "
             "cell %.3g degC%s",
             100 * day.q_cal, 100 * q_cyc, efc_day + efc_micro, efc_day,
             efc_micro, R->day_train_s / 3600, day.t_mean - C2K(0),
             day.is_extrapolated || (has_micro && micro.is_extrapolated)
                 ? "; the cycles lie outside the model's fitted range "
                   "(DOD 0.8-1, at most 1 C): an extrapolation"
                 : "");
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
static int do_run(rpt *R, int k)
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
        sb_printf(&ev, "  <event t=\"10 s\" set=\"%s.peak-cap=%.9gW\"/>\n",
                  R->bess_id, (1 - frac) * R->p_max_sum);
        if (!is_fast)
            sb_printf(&ev, "  <event t=\"130 s\" set=\"%s.peak-cap=%s\"/>\n",
                      R->bess_id, DR_CAP_NONE);
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, is_fast ? "40s" : "135s", "10ms");
        break;
    }
    case RUN_DIP:
        for (int g = 0; g < R->n_rects; g++) {
            int u = (int)ceil(0.6 * R->rect_count[g]);
            sb_printf(&ev, "  <event t=\"5 s\" fail=\"%s\" units=\"%d\"/>\n"
                           "  <event t=\"5.5 s\" restore=\"%s\" "
                           "units=\"%d\"/>\n",
                      R->rects[g], u, R->rects[g], u);
        }
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, "8s", "1ms");
        break;
    case RUN_LOSS:
        sb_events(&ev, R->grids, R->n_grids, 10, 1);
        sb_events(&ev, R->grids, R->n_grids, 60, 0);
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
        sb_printf(&ev, "  <event t=\"14 h\" set=\"%s.peak-cap=%.9gW\"/>\n"
                       "  <event t=\"15 h\" set=\"%s.peak-cap=%s\"/>\n",
                  R->bess_id, fmax(pl - 0.3 * R->p_max_sum, 0), R->bess_id,
                  DR_CAP_NONE);
        rc = ev.oom || write_scenario(R, k, ev.s) ? DCT_EXIT_OUTPUT
             : simulate(R, k, "24h", "10s");
        break;
    }
    }
    free(ev.s);
    return rc;
}

static void evaluate(rpt *R, int k)
{
    switch (k) {
    case RUN_TRAIN:
    case RUN_SLOW:
    case RUN_FAST:
    case RUN_UPS: eval_train(R, k); break;
    case RUN_RAMP: eval_ramp(R); break;
    case RUN_STEP: eval_step(R); break;
    case RUN_DR_FAST: eval_dr(R, k, "t6-dr-fast", 0.10, 40); break;
    case RUN_DR_SLOW: eval_dr(R, k, "t6-dr-slow", 0.30, 130); break;
    case RUN_DIP: eval_dip(R); break;
    case RUN_LOSS: eval_loss(R); break;
    case RUN_GEN: eval_gen(R); break;
    case RUN_ISLAND: eval_island(R); break;
    case RUN_LIMIT: eval_limit(R); break;
    case RUN_DAY: eval_day(R); break;
    }
}

/* ------------------------------------------------------------ writing */

/* Every input text in the report goes through escape.h. */
static void html_str(FILE *f, const char *s)
{
    dct_esc_html(f, s);
}

/* The citation keys of SOURCE (each "[KEY]" of dctwin-sources(7): a
 * capital, then capitals, digits and hyphens, at least one hyphen and
 * two characters before the first, as tests/sources.sh), each once,
 * space-separated, for the Basis column; nothing when it cites none. */
static void html_keys(FILE *f, const char *source)
{
    int n = 0;
    for (const char *p = source ? source : ""; *p; p++) {
        if (p[0] != '[' || !(p[1] >= 'A' && p[1] <= 'Z'))
            continue;
        size_t len = 1;
        int hyphens = 0;
        while ((p[len] >= 'A' && p[len] <= 'Z') ||
               (p[len] >= '0' && p[len] <= '9') || p[len] == '-')
            hyphens += p[len++] == '-';
        if (p[len] != ']' || !hyphens || p[2] == '-' || p[len - 1] == '-')
            continue;
        len++; /* with the ']' */
        int seen = 0;
        for (const char *q = source; q < p && !seen; q++)
            seen = !strncmp(q, p, len);
        if (seen)
            continue;
        fprintf(f, "%s%.*s", n++ ? " " : "<br/><small>", (int)len, p);
    }
    if (n)
        fputs("</small>", f);
}

static void html_num(FILE *f, double x)
{
    if (isnan(x))
        fputs("&#8211;", f);
    else if (isinf(x))
        fputs("never", f);
    else
        fprintf(f, "%.4g", x);
}

/* X followed by its unit. */
static void html_qty(FILE *f, double x, const char *unit)
{
    html_num(f, x);
    fputc(' ', f);
    html_str(f, unit);
}

/* The input files and their SHA-256 digests (site files, criteria,
 * generated profiles and scenarios). */
typedef struct input {
    char path[PATH_N];
    char hex[65];
} input;

static size_t list_inputs(rpt *R, input *in, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < R->site->n_files && n < cap; i++)
        snprintf(in[n++].path, PATH_N, "%s", R->site->files[i]);
    if (n < cap)
        snprintf(in[n++].path, PATH_N, "%s", R->cr->file);
    if (R->profile && n < cap)
        snprintf(in[n++].path, PATH_N, "%s", R->profile);
    for (int k = 0; k < N_RUNS; k++) {
        if (R->run[k].profile[0] && n < cap)
            snprintf(in[n++].path, PATH_N, "%s", R->run[k].profile);
        if (R->run[k].scenario[0] && n < cap)
            snprintf(in[n++].path, PATH_N, "%s", R->run[k].scenario);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (dct_sha256_file(in[i].path, in[i].hex) == 0)
            in[m++] = in[i];
    return m;
}

static int all_pass(const rpt *R)
{
    for (size_t i = 0; i < R->n_res; i++)
        if (R->res[i].status == ST_FAIL)
            return 0;
    return 1;
}

static void write_json(FILE *f, rpt *R, const input *in, size_t n_in)
{
    fprintf(f, "{\"report\":\"dctwin bess-report\",\"dctwin_version\":");
    dct_json_str(f, PACKAGE_VERSION);
    fprintf(f, ",\n \"site\":{\"file\":");
    dct_json_str(f, R->site_path);
    fprintf(f, ",\"name\":");
    dct_json_str(f, R->site->name);
    fprintf(f, "},\"bess\":");
    dct_json_str(f, R->bess_id);
    fprintf(f, ",\"criteria\":{\"file\":");
    dct_json_str(f, R->cr->file);
    fprintf(f, ",\"name\":");
    dct_json_str(f, R->cr->name);
    fprintf(f, "},\n \"sets\":[");
    for (int i = 0; i < R->n_sets; i++) {
        fprintf(f, "%s", i ? "," : "");
        dct_json_str(f, R->sets[i]);
    }
    fprintf(f, "],\"seed\":%lu,\n \"checks\":[", R->seed);
    for (size_t i = 0; i < R->n_res; i++) {
        const result *r = &R->res[i];
        const dct_criterion *c = r->c;
        fprintf(f, "%s\n  {\"id\":", i ? "," : "");
        dct_json_str(f, c->id);
        fprintf(f, ",\"name\":");
        dct_json_str(f, c->name);
        fprintf(f, ",\"nvidia_test\":");
        if (c->nvidia_test)
            fprintf(f, "%d", c->nvidia_test);
        else
            fputs("null", f);
        fprintf(f, ",\"metric\":");
        dct_json_str(f, c->metric);
        fprintf(f, ",\"unit\":");
        dct_json_str(f, c->unit ? c->unit : "");
        fprintf(f, ",\"measured\":");
        dct_json_num(f, r->measured);
        fprintf(f, ",\"threshold\":");
        if (r->status == ST_NOT_SIM)
            dct_json_str(f, c->criterion);
        else
            dct_json_num(f, r->threshold);
        fprintf(f, ",\"threshold_from\":\"%s\"",
                r->site_thr ? "site" : c->from_site ? "site-model"
                                                     : "criteria");
        fprintf(f, ",\"sense\":\"%s\",\"status\":\"%s\",\"margin\":",
                c->not_simulated ? "" : c->sense == DCT_SENSE_MAX ? "max"
                                                                  : "min",
                status_word[r->status]);
        dct_json_num(f, r->margin);
        fprintf(f, ",\"source\":");
        dct_json_str(f, c->source);
        fprintf(f, ",\"basis\":");
        dct_json_str(f, c->basis);
        fprintf(f, ",\"plot\":");
        if (r->plot[0])
            dct_json_str(f, r->plot);
        else
            fputs("null", f);
        fprintf(f, ",\"run\":");
        if (r->run >= 0)
            dct_json_str(f, run_defs[r->run].name);
        else
            fputs("null", f);
        fprintf(f, ",\"note\":");
        dct_json_str(f, r->note);
        fputc('}', f);
    }
    fprintf(f, "],\n \"runs\":[");
    int first = 1;
    for (int k = 0; k < N_RUNS; k++) {
        const runinfo *ri = &R->run[k];
        if (!ri->done)
            continue;
        fprintf(f, "%s\n  {\"name\":\"%s\",\"exit_status\":%d,\"dir\":",
                first ? "" : ",", run_defs[k].name, ri->rc);
        first = 0;
        dct_json_str(f, ri->dir);
        fprintf(f, ",\"scenario\":");
        dct_json_str(f, run_defs[k].what);
        fprintf(f, ",\"command\":");
        dct_json_str(f, ri->cmd);
        fprintf(f, ",\"wall_s\":");
        dct_json_num(f, ri->wall_s);
        fprintf(f, ",\"n_steps\":%ld,\"n_rhs\":%ld,\"energy_closure_rel\":",
                ri->n_steps, ri->n_rhs);
        dct_json_num(f, ri->closure);
        fputc('}', f);
    }
    fprintf(f, "],\n \"inputs\":[");
    for (size_t i = 0; i < n_in; i++) {
        fprintf(f, "%s\n  {\"file\":", i ? "," : "");
        dct_json_str(f, in[i].path);
        fprintf(f, ",\"sha256\":\"%s\"}", in[i].hex);
    }
    int n_fail = 0, n_pass = 0, n_ns = 0;
    for (size_t i = 0; i < R->n_res; i++)
        n_fail += R->res[i].status == ST_FAIL,
            n_pass += R->res[i].status == ST_PASS,
            n_ns += R->res[i].status == ST_NOT_SIM;
    fprintf(f, "],\n \"n_pass\":%d,\"n_fail\":%d,\"n_not_simulated\":%d,"
               "\n \"all_pass\":%s}\n",
            n_pass, n_fail, n_ns, all_pass(R) ? "true" : "false");
}

/* The image file REL (relative to the report) inline as base64. */
static void html_img(FILE *f, rpt *R, const char *rel, const char *alt)
{
    char path[PATH_N + 300];
    snprintf(path, sizeof path, "%s/%s", R->out, rel);
    FILE *in = fopen(path, "rb");
    if (!in)
        return;
    const char *mime = strcmp(R->fmt, "svg") == 0 ? "image/svg+xml"
                       : strcmp(R->fmt, "pdf") == 0 ? NULL
                                                    : "image/png";
    if (!mime) {
        fclose(in);
        fprintf(f, "<p><a href=\"");
        html_str(f, rel);
        fprintf(f, "\">");
        html_str(f, rel);
        fprintf(f, "</a></p>\n");
        return;
    }
    fprintf(f, "<figure><img alt=\"");
    html_str(f, alt);
    fprintf(f, "\" src=\"data:%s;base64,", mime);
    unsigned char buf[3 * 1024];
    unsigned char out[4 * 1024 + 8];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        int k = EVP_EncodeBlock(out, buf, (int)n);
        fwrite(out, 1, (size_t)k, f);
    }
    fclose(in);
    fprintf(f, "\"/><figcaption>");
    html_str(f, rel);
    fprintf(f, "</figcaption></figure>\n");
}

static void write_html(FILE *f, rpt *R, const input *in, size_t n_in)
{
    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
               "<meta charset=\"utf-8\"/>\n<title>BESS report: ");
    html_str(f, R->bess_id);
    fprintf(f, " on ");
    html_str(f, R->site->name);
    fprintf(f, "</title>\n<style>\n"
               "body{font-family:sans-serif;max-width:60em;margin:1em auto;"
               "padding:0 1em;color:#111}\n"
               "table{border-collapse:collapse;width:100%%;font-size:90%%}\n"
               "td,th{border:1px solid #999;padding:.2em .4em;"
               "vertical-align:top}\nth{background:#eee}\n"
               ".pass{background:#d7f5d7}.fail{background:#f8d0d0}"
               ".not-simulated{background:#eee}\n"
               "figure{margin:.5em 0}img{max-width:100%%}\n"
               "code{font-size:85%%;word-break:break-all}\n"
               ".note{border-left:4px solid #c80;padding:.3em .8em;"
               "background:#fff8e8}\n"
               "@media print{section{page-break-inside:avoid}}\n"
               "</style>\n</head>\n<body>\n");
    fprintf(f, "<h1>BESS compliance report: battery <code>");
    html_str(f, R->bess_id);
    fprintf(f, "</code> on site <code>");
    html_str(f, R->site->name);
    fprintf(f, "</code></h1>\n<p>dctwin %s, %s. Criteria: <code>",
            PACKAGE_VERSION, date);
    html_str(f, R->cr->name);
    fprintf(f, "</code> (");
    html_str(f, R->cr->file);
    fprintf(f, ").</p>\n<div class=\"note\"><p><b>What this report is.</b> "
               "NVIDIA's BESS Self-Qualification Guidelines (DA-12516 v1.0) "
               "qualify an AC-connected battery at its AC terminals, PCS "
               "included. This battery sits on the 800&#160;V DC bus of the "
               "site; this report is site-level simulation evidence for that "
               "battery, with DC-side analogues of NVIDIA's tests where a DC "
               "bus simulator can evaluate them. It is not a certificate and "
               "not an NVIDIA qualification. Thresholds marked "
               "<i>nvidia-v0.4-reading</i> come from third-party readings of "
               "the v0.4 guidelines and are unverified; <i>dctwin</i> marks "
               "our own proposals. Keys in brackets, such as "
               "[NVIDIA-BESSQ-2026], are the sources listed in "
               "dctwin-sources(7).</p></div>\n");
    int n_fail = 0, n_pass = 0, n_ns = 0;
    for (size_t i = 0; i < R->n_res; i++)
        n_fail += R->res[i].status == ST_FAIL,
            n_pass += R->res[i].status == ST_PASS,
            n_ns += R->res[i].status == ST_NOT_SIM;
    fprintf(f, "<h2>Summary</h2>\n<p><b>%s</b>: %d passed, %d failed, %d "
               "not simulated (vendor evidence required).</p>\n",
            n_fail ? "FAIL" : "PASS", n_pass, n_fail, n_ns);
    fprintf(f, "<table>\n<tr><th>Check</th><th>NVIDIA test</th>"
               "<th>Measured</th><th>Threshold</th><th>Margin</th>"
               "<th>Status</th><th>Basis</th></tr>\n");
    for (size_t i = 0; i < R->n_res; i++) {
        const result *r = &R->res[i];
        fprintf(f, "<tr class=\"%s\"><td><a href=\"#",
                status_word[r->status]);
        dct_esc_html_id(f, r->c->id);
        fprintf(f, "\">");
        html_str(f, r->c->name);
        fprintf(f, "</a></td><td>");
        if (r->c->nvidia_test)
            fprintf(f, "Test %d", r->c->nvidia_test);
        else
            fprintf(f, "&#8211;");
        fprintf(f, "</td><td>");
        if (r->status == ST_NOT_SIM) {
            fprintf(f, "&#8211;</td><td>");
            html_str(f, r->c->criterion);
            fprintf(f, "</td><td>&#8211;");
        } else {
            html_qty(f, r->measured, r->c->unit);
            fprintf(f, "</td><td>%s ", r->c->sense == DCT_SENSE_MAX
                                            ? "&#8804;" : "&#8805;");
            html_qty(f, r->threshold, r->c->unit);
            fprintf(f, "</td><td>");
            html_qty(f, r->margin, r->c->unit);
        }
        fprintf(f, "</td><td>%s</td><td>", status_word[r->status]);
        html_str(f, r->c->basis);
        html_keys(f, r->c->source);
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
    /* one section per check */
    fprintf(f, "<h2>Checks</h2>\n");
    for (size_t i = 0; i < R->n_res; i++) {
        const result *r = &R->res[i];
        fprintf(f, "<section id=\"");
        dct_esc_html_id(f, r->c->id);
        fprintf(f, "\">\n<h3>");
        html_str(f, r->c->name);
        fprintf(f, " <small>(");
        html_str(f, r->c->id);
        fprintf(f, ": %s)</small></h3>\n<p><b>Metric.</b> ",
                status_word[r->status]);
        html_str(f, r->c->metric);
        fprintf(f, "</p>\n<p><b>Basis.</b> ");
        html_str(f, r->c->basis);
        fprintf(f, ": ");
        html_str(f, r->c->source);
        fprintf(f, "</p>\n");
        if (r->status == ST_NOT_SIM) {
            fprintf(f, "<p><b>Published criterion.</b> ");
            html_str(f, r->c->criterion);
            fprintf(f, "</p>\n<p>Not simulated: vendor evidence is "
                       "required.</p>\n</section>\n");
            continue;
        }
        fprintf(f, "<p><b>Result.</b> measured ");
        html_qty(f, r->measured, r->c->unit);
        fprintf(f, " against %s ", r->c->sense == DCT_SENSE_MAX
                                        ? "at most" : "at least");
        html_qty(f, r->threshold, r->c->unit);
        fprintf(f, ": margin ");
        html_qty(f, r->margin, r->c->unit);
        fprintf(f, ", <b>%s</b>.", status_word[r->status]);
        if (r->site_thr) {
            const char *why = r->site_thr->s[DCT_CRITERION_NOTE];
            fprintf(f, " The threshold is the site's (%s:%ld)",
                    r->site_thr->file, r->site_thr->line);
            if (why) {
                fprintf(f, ": ");
                html_str(f, why);
            }
            fprintf(f, ".");
        }
        if (r->note[0]) {
            fprintf(f, " ");
            html_str(f, r->note);
            fprintf(f, ".");
        }
        fprintf(f, "</p>\n<p><b>Scenario.</b> ");
        html_str(f, run_defs[r->run].what);
        fprintf(f, ". Run <code>");
        html_str(f, R->run[r->run].dir);
        fprintf(f, "</code>, exit status %d.</p>\n", R->run[r->run].rc);
        if (r->plot[0])
            html_img(f, R, r->plot, r->c->name);
        fprintf(f, "</section>\n");
    }
    fprintf(f, "<h2>Runs and solver</h2>\n<p>CVODE BDF with KLU, relative "
               "tolerance 1e-5 and absolute tolerance 1e-4 (the dctwin "
               "defaults), seed %lu.</p>\n<table>\n<tr><th>Run</th>"
               "<th>Command</th><th>Exit</th><th>Steps</th><th>RHS</th>"
               "<th>Wall [s]</th><th>Energy closure</th></tr>\n",
            R->seed);
    for (int k = 0; k < N_RUNS; k++) {
        const runinfo *ri = &R->run[k];
        if (!ri->done)
            continue;
        fprintf(f, "<tr><td>%s</td><td><code>", run_defs[k].name);
        html_str(f, ri->cmd);
        fprintf(f, "</code></td><td>%d</td><td>%ld</td><td>%ld</td><td>",
                ri->rc, ri->n_steps, ri->n_rhs);
        html_num(f, ri->wall_s);
        fprintf(f, "</td><td>");
        html_num(f, ri->closure);
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n<h2>Inputs</h2>\n<table>\n<tr><th>File</th>"
               "<th>SHA-256</th></tr>\n");
    for (size_t i = 0; i < n_in; i++) {
        fprintf(f, "<tr><td><code>");
        html_str(f, in[i].path);
        fprintf(f, "</code></td><td><code>%s</code></td></tr>\n", in[i].hex);
    }
    fprintf(f, "</table>\n");
    if (R->n_sets) {
        fprintf(f, "<p>Overrides (--set):");
        for (int i = 0; i < R->n_sets; i++) {
            fprintf(f, " <code>");
            html_str(f, R->sets[i]);
            fprintf(f, "</code>");
        }
        fprintf(f, "</p>\n");
    }
    fprintf(f, "<h2>Model assumptions</h2>\n<ul>\n"
               "<li>The battery is an equivalent circuit (OCV table, R0 and "
               "two RC pairs per cell) behind a DC/DC converter with a "
               "first-order power loop, power, overload and C-rate limits "
               "and an SOC window (dctwin-models(7), POWER).</li>\n"
               "<li>No AC quantities: the grid point is the rectifiers' AC "
               "input as power; no voltage phasors, frequency, reactive "
               "power or EMT. Grid dips are modelled as lost rectifier "
               "capability.</li>\n"
               "<li>Racks draw constant power down to 0.7 of the bus "
               "nominal and a constant conductance below.</li>\n"
               "<li>The converter has no overload timer: the overload "
               "duration is measured, not enforced.</li>\n"
               "<li>The 24 h profile carries the training load at its mean "
               "level; the training micro-cycles are counted for ageing "
               "from the training run.</li>\n"
               "<li>Ageing: NREL BLAST-Lite LFP model fitted to deep, slow "
               "cycles; micro-cycles are an extrapolation.</li>\n"
               "</ul>\n</body>\n</html>\n");
}

/* Write report.json and report.html.  Returns 0 or an exit status. */
static int write_report(rpt *R)
{
    input *in = calloc(96, sizeof *in);
    if (!in)
        return DCT_EXIT_OUTPUT;
    size_t n_in = list_inputs(R, in, 96);
    char pj[PATH_N + 32], ph[PATH_N + 32];
    snprintf(pj, sizeof pj, "%s/report.json", R->out);
    snprintf(ph, sizeof ph, "%s/report.html", R->out);
    dct_afile *aj = dct_afile_open(pj), *ah = aj ? dct_afile_open(ph) : NULL;
    int rc = 0;
    if (!aj || !ah) {
        fprintf(stderr, "dctwin: bess-report: %s: %s\n", aj ? ph : pj,
                strerror(errno));
        dct_afile_abort(aj);
        free(in);
        return DCT_EXIT_OUTPUT;
    }
    write_json(dct_afile_fp(aj), R, in, n_in);
    write_html(dct_afile_fp(ah), R, in, n_in);
    if (dct_afile_finish(aj) || dct_afile_finish(ah) ||
        dct_afile_commit(aj) || (aj = NULL, dct_afile_commit(ah))) {
        fprintf(stderr, "dctwin: bess-report: cannot write the report in "
                        "%s: %s\n", R->out, strerror(errno));
        rc = DCT_EXIT_OUTPUT;
        if (aj)
            dct_afile_abort(aj);
    }
    free(in);
    return rc;
}

/* ------------------------------------------------------------- command */

static void help(void)
{
    printf("Usage: dctwin bess-report SITE --bess ID [OPTION]...\n"
           "Run the BESS compliance checks of a criteria file against the "
           "battery ID of\nSITE and write report.html, report.json, the "
           "evidence and the plots to DIR.\n\n"
           "  --bess=ID            the battery (<bess> id) to qualify\n"
           "  --criteria=FILE      criteria file (default: "
           "models/criteria/default.xml)\n"
           "  --profile=NAME|FILE  AI load profile of the training runs "
           "(default: each\n"
           "                       rack's own)\n"
           "  --set=ID.PARAM=VALUE override a site or model parameter "
           "(repeatable)\n"
           "  --seed=N             seed of the random parts (default 1)\n"
           "  --format=png|svg|pdf plots (default png)\n"
           "  --out=DIR            report directory (default "
           "./bess-report-SITENAME)\n"
           "  -q, --quiet          no progress, no summary on stdout\n"
           "  -h, --help           print this help and exit\n\n"
           "Exit status: 0 no check failed, 1 some check failed, 2 usage, "
           "3 input error,\n5 output failure.  See "
           "dctwin-bess-report(1).\n");
}

static int is_readable(const char *path)
{
    char why[200];
    FILE *f = dct_open_regular(path, 0, why, sizeof why);
    if (f)
        fclose(f);
    return f != NULL;
}

/* The default criteria file: DCTWIN_MODELS_PATH's criteria/default.xml,
 * else the one beside the model libraries SITE includes, else the one of
 * the models search path (datapath.h: a build tree's models/, the
 * installed models); NULL with an error in D naming the directories
 * searched when there is none. */
static const char *default_criteria(const dct_site *site, char *buf,
                                    size_t n, dct_diag *d)
{
    const char *mp = getenv("DCTWIN_MODELS_PATH");
    if (mp && *mp) {
        char tmp[PATH_N];
        snprintf(tmp, sizeof tmp, "%s", mp);
        char *save = NULL;
        for (char *dir = strtok_r(tmp, ":", &save); dir;
             dir = strtok_r(NULL, ":", &save)) {
            snprintf(buf, n, "%s/criteria/default.xml", dir);
            if (is_readable(buf))
                return buf;
        }
    }
    /* files[0] is the site; the others are the libraries it includes */
    for (size_t i = 1; site && i < site->n_files; i++) {
        const char *f = site->files[i];
        const char *sl = strrchr(f, '/');
        int dl = sl ? (int)(sl - f) : 1;
        snprintf(buf, n, "%.*s/criteria/default.xml", dl, sl ? f : ".");
        if (is_readable(buf))
            return buf;
    }
    char *found = dct_datapath_find(DCT_DATA_MODELS, "criteria/default.xml");
    if (found && strlen(found) < n) {
        snprintf(buf, n, "%s", found);
        free(found);
        return buf;
    }
    free(found);
    char *dirs = dct_datapath(DCT_DATA_MODELS, ", ");
    dct_error(d, NULL, 0,
              "no criteria file given and no criteria/default.xml found "
              "beside the site's model libraries or in %s (give --criteria "
              "FILE or set DCTWIN_MODELS_PATH)",
              dirs ? dirs : "(out of memory)");
    free(dirs);
    return NULL;
}

static int parse_args(rpt *R, int argc, char **argv)
{
    static const struct option lo[] = {
        {"bess", required_argument, NULL, 'b'},
        {"criteria", required_argument, NULL, 'c'},
        {"profile", required_argument, NULL, 'p'},
        {"set", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'e'},
        {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":qh", lo, NULL)) != -1) {
        switch (ch) {
        case 'b': R->bess_id = optarg; break;
        case 'c': R->crit_path = optarg; break;
        case 'p': R->profile = optarg; break;
        case 's':
            if (R->n_sets >= MAX_SETS) {
                fprintf(stderr, "dctwin: bess-report: more than %d --set\n",
                        MAX_SETS);
                return DCT_EXIT_USAGE;
            }
            R->sets[R->n_sets++] = optarg;
            break;
        case 'e': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!*optarg || *end || errno || optarg[0] == '-' ||
                v > 0xffffffffULL) {
                fprintf(stderr, "dctwin: bess-report: --seed '%s': expected "
                                "an integer 0 to 4294967295\n", optarg);
                return DCT_EXIT_USAGE;
            }
            R->seed = (unsigned long)v;
            break;
        }
        case 'f': R->fmt = optarg; break;
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "dctwin: bess-report: --out '': expected a "
                                "directory name\n");
                return DCT_EXIT_USAGE;
            }
            R->out = optarg;
            break;
        case 'q': R->quiet = 1; break;
        case 'h': help(); return -1;
        case ':':
            fprintf(stderr, "dctwin: bess-report: option '%s' needs a "
                            "value\n", argv[optind - 1]);
            return DCT_EXIT_USAGE;
        default:
            fprintf(stderr, "dctwin: bess-report: unknown option '%s' (see "
                            "'dctwin bess-report --help')\n",
                    argv[optind - 1]);
            dct_suggest_option_hint("bess-report", lo, argv[optind - 1]);
            return DCT_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "dctwin: bess-report: expected one SITE (see "
                        "'dctwin bess-report --help')\n");
        return DCT_EXIT_USAGE;
    }
    R->site_path = argv[optind];
    if (!R->bess_id) {
        fprintf(stderr, "dctwin: bess-report: --bess ID is required (the "
                        "<bess> to qualify)\n");
        return DCT_EXIT_USAGE;
    }
    if (!dct_plot_is_format(R->fmt)) {
        fprintf(stderr, "dctwin: bess-report: --format '%s': expected png, "
                        "svg or pdf\n", R->fmt);
        return DCT_EXIT_USAGE;
    }
    return 0;
}

static void print_summary(const rpt *R)
{
    char sb[512], cb[512];
    printf("BESS report: battery %s on site %s (criteria %s)\n", R->bess_id,
           dct_esc_term(sb, sizeof sb, R->site->name ? R->site->name : "?"),
           dct_esc_term(cb, sizeof cb, R->cr->name ? R->cr->name
                                                   : R->cr->file));
    printf("%-18s %-5s %12s %12s %12s %-7s %s\n", "check", "test",
           "measured", "threshold", "margin", "unit", "status");
    for (size_t i = 0; i < R->n_res; i++) {
        const result *r = &R->res[i];
        char test[8] = "-";
        if (r->c->nvidia_test)
            snprintf(test, sizeof test, "T%d", r->c->nvidia_test);
        if (r->status == ST_NOT_SIM) {
            printf("%-18s %-5s %12s %12s %12s %-7s %s\n", r->c->id, test,
                   "-", "-", "-", "", status_word[r->status]);
            continue;
        }
        if (isinf(r->measured)) {
            printf("%-18s %-5s %12s %12.5g %12s %-7s %s\n", r->c->id, test,
                   "never", r->threshold, "-", r->c->unit,
                   status_word[r->status]);
            continue;
        }
        printf("%-18s %-5s %12.5g %12.5g %12.5g %-7s %s\n", r->c->id, test,
               r->measured, r->threshold, r->margin, r->c->unit,
               status_word[r->status]);
    }
    int n_fail = 0;
    for (size_t i = 0; i < R->n_res; i++)
        n_fail += R->res[i].status == ST_FAIL;
    printf("%s: %d of %zu checks failed; report in %s/report.html\n",
           n_fail ? "FAIL" : "PASS", n_fail, R->n_res, R->out);
}

int dct_cmd_bess_report(int argc, char **argv);
int dct_cmd_bess_report(int argc, char **argv)
{
    rpt *R = calloc(1, sizeof *R);
    if (!R)
        return DCT_EXIT_OUTPUT;
    R->fmt = "png";
    R->seed = 1;
    int rc = parse_args(R, argc, argv);
    char crit[PATH_N], out[PATH_N];
    if (rc) {
        free(R);
        return rc < 0 ? DCT_EXIT_OK : rc;
    }
    const char *known[N_CHECKS];
    for (size_t i = 0; i < N_CHECKS; i++)
        known[i] = check_defs[i].id;
    R->site = dct_site_load_set(R->site_path, R->sets, (size_t)R->n_sets,
                                &R->d);
    if (R->site && !R->crit_path)
        R->crit_path = default_criteria(R->site, crit, sizeof crit, &R->d);
    if (R->site && R->crit_path)
        R->cr = dct_criteria_load(R->crit_path, known, N_CHECKS, &R->d);
    if (!R->cr || !R->site) {
        dct_diag_print(&R->d, stderr);
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    if ((rc = read_site(R)))
        goto done;
    /* the checks of the file, in its order; thresholds from the site */
    if (!(R->res = calloc(R->cr->n ? R->cr->n : 1, sizeof *R->res))) {
        fprintf(stderr, "dctwin: bess-report: out of memory\n");
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    for (size_t i = 0; i < R->cr->n; i++) {
        const dct_criterion *c = &R->cr->c[i];
        result *r = &R->res[R->n_res++];
        memset(r, 0, sizeof *r);
        r->c = c;
        r->run = -1;
        r->measured = r->margin = NAN;
        if (c->not_simulated)
            continue;
        for (size_t k = 0; k < N_CHECKS; k++)
            if (strcmp(check_defs[k].id, c->id) == 0) {
                r->run = check_defs[k].run;
                R->run[r->run].needed = 1;
                if (r->run == RUN_TRAIN && strcmp(c->id, "ageing") != 0)
                    R->run[RUN_SLOW].needed = R->run[RUN_FAST].needed =
                        R->run[RUN_UPS].needed = 1;
                if (check_defs[k].run2 >= 0)
                    R->run[check_defs[k].run2].needed = 1;
            }
        double site = NAN;
        if (strcmp(c->id, "t4-ramp-mw") == 0)
            site = R->ramp_limit / 1e6;
        else if (strcmp(c->id, "c-rate") == 0)
            site = R->c_rate_max;
        else if (strcmp(c->id, "t-cell") == 0)
            site = R->t_cell_max;
        else if (strcmp(c->id, "t7-dip") == 0 ||
                 strcmp(c->id, "t8-bus-min") == 0 ||
                 strcmp(c->id, "t10-black-start") == 0)
            site = R->band_low;
        r->threshold = threshold_of(c, site);
        if (isnan(r->threshold)) {
            fprintf(stderr, "dctwin: %s:%ld: error: check %s: threshold "
                            "'site', but the site gives none and there is no "
                            "threshold-default\n",
                    R->cr->file, c->line, c->id);
            rc = DCT_EXIT_INPUT;
            goto done;
        }
    }
    /* the site's own thresholds (<criterion check= threshold=>) */
    for (size_t i = 0; i < R->site->n_comps; i++) {
        const dct_comp *c = R->site->comps[i];
        if (c->type != DCT_T_CRITERION)
            continue;
        const char *id = c->s[DCT_CRITERION_CHECK];
        result *r = id ? result_of(R, id) : NULL;
        if (!r || r->run < 0) {
            fprintf(stderr, "dctwin: %s:%ld: error: <criterion check=\"%s\">: "
                            "%s\n", c->file, c->line, id ? id : "",
                    r ? "a not-simulated check has no threshold"
                      : "no such check in the criteria file");
            rc = DCT_EXIT_INPUT;
            goto done;
        }
        r->threshold = c->q[DCT_CRITERION_THRESHOLD];
        r->site_thr = c;
    }
    if (!R->out) {
        snprintf(out, sizeof out, "bess-report-%s",
                 R->site->name ? R->site->name : "site");
        R->out = out;
    }
    static const char *const subdirs[] = {"", "/runs", "/inputs",
                                          "/evidence", "/plots"};
    for (size_t i = 0; i < 5; i++) {
        char dir[PATH_N + 16];
        int made;
        snprintf(dir, sizeof dir, "%s%s", R->out, subdirs[i]);
        if (dct_mkdir_p(dir, &made) != 0) {
            fprintf(stderr, "dctwin: bess-report: %s: %s\n", dir,
                    strerror(errno));
            rc = DCT_EXIT_OUTPUT;
            goto done;
        }
    }
    /* the runs the checks need (the training run before the day's
     * ageing), then the checks */
    for (int k = 0; k < N_RUNS; k++) {
        if (!R->run[k].needed)
            continue;
        if ((k == RUN_GEN) && R->n_gens == 0) {
            for (size_t i = 0; i < R->n_res; i++)
                if (R->res[i].run == k)
                    snprintf(R->res[i].note, sizeof R->res[i].note,
                             "the bus has no generator: nothing to follow");
            continue;
        }
        int src = do_run(R, k);
        if (src == DCT_EXIT_OUTPUT && !R->run[k].done) {
            rc = src;
            goto done;
        }
        if (run_ok(&R->run[k]))
            evaluate(R, k);
        else
            for (size_t i = 0; i < R->n_res; i++)
                if (R->res[i].run == k && !R->res[i].note[0])
                    snprintf(R->res[i].note, sizeof R->res[i].note,
                             "the simulation of run %s failed (exit status "
                             "%d)", run_defs[k].name, R->run[k].rc);
    }
    for (size_t i = 0; i < R->n_res; i++) {
        result *r = &R->res[i];
        /* a generator check on a bus without generators is not
         * simulated, not failed */
        if (r->run == RUN_GEN && R->n_gens == 0)
            r->run = -1;
        judge(r);
    }
    if (R->no_gnuplot || R->d.n_warnings)
        dct_diag_print(&R->d, stderr);
    if ((rc = write_report(R)))
        goto done;
    if (!R->quiet)
        print_summary(R);
    rc = all_pass(R) ? DCT_EXIT_OK : DCT_EXIT_MARGIN;
done:
    for (int k = 0; k < N_RUNS; k++)
        table_free(&R->run[k].tab);
    dct_criteria_free(R->cr);
    dct_site_free(R->site);
    dct_diag_clear(&R->d);
    free(R->res);
    free(R);
    return rc;
}
