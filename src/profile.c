/* profile.c - load profiles u(t) and their breakpoints (see profile.h).
 *
 * A rack runs a list of "uses": an instance of a profile over a window of
 * time [from, to), on a time base that starts at origin, scaled by a
 * factor.  A run without a scenario has one use per rack; profile= and
 * scale= events of a scenario close a use and open the next.  Racks that
 * share a profile, a phase and an event history share their uses, so the
 * cost of finding the next breakpoint grows with the number of distinct
 * phases, not with the number of racks.
 *
 * Shapes (dctwin-models(7), LOAD PROFILES):
 *   constant, step, csv      as before;
 *   llm-training             a square wave (period, duty, low, linear
 *                            edges, per-rack phase jitter), optionally
 *                            through a GPU power-smoothing limiter (floor,
 *                            ramp rates, hysteresis), with checkpoint dips,
 *                            and a job envelope r(t): start with a ramp
 *                            up, seeded Poisson faults (down for hold,
 *                            then a restart ramp), end with a ramp down;
 *                            u = idle + (w(t) - idle) r(t);
 *   job                      the same envelope around a constant level;
 *   inference                a 24 h piecewise-linear diurnal shape with
 *                            seeded Poisson bursts per rack;
 *   mix                      a share of the racks on each of several
 *                            profiles.
 * Random parts use GSL's mt19937 seeded from --seed, so the same seed
 * gives the same loads. */
#include "config.h"
#include "profile.h"
#include "fsutil.h"
#include "units.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_interp.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define MAX_TRACE_ROWS 10000000L
/* the longest line of a trace file [bytes] */
#define TRACE_LINE_MAX 4096
/* The largest power a trace in watts may give one rack [W]: 1 GW, three
 * orders of magnitude above the largest rack dctwin models (the 1 MW
 * Kyber rack of sites/kyber-1mw.xml).  An assumption: it only keeps a
 * mistyped exponent (1e300 W) from driving every power and energy of the
 * run to infinity. */
#define MAX_TRACE_W 1e9
/* Most random events (faults of a job, bursts of a rack) drawn. */
#define MAX_RANDOM_EVENTS 100000
/* Most profiles in a mix. */
#define MAX_MIX 16

enum shape { SH_CONSTANT, SH_STEP, SH_TRAIN, SH_JOB, SH_INFER, SH_CSV };

typedef struct trace {
    double *t, *v;
    size_t n;
    int is_watts;
    gsl_interp *interp;
} trace;

/* A piecewise-linear function through vertices (t_i, v_i), t_i
 * non-decreasing; two vertices at one time are a jump (the value is
 * right-continuous).  Before the first vertex: v_0; after the last: v_n-1. */
typedef struct pwl {
    double *t, *v;
    size_t n, cap;
} pwl;

typedef struct inst {
    enum shape shape;
    const char *name;
    double level, period, low, duty, edge, phase, t_step, before, after;
    const trace *tr;
    /* llm-training, job */
    double idle, ck_every, ck_dur, ck_level, start;
    const pwl *env;     /* job envelope r(t); NULL: r = 1 */
    const pwl *cyc;     /* smoothed wave over one period; NULL: raw */
    /* inference */
    double ptt;
    const pwl *bursts;  /* burst on/off as a step function; NULL: none */
    double burst_level;
} inst;

typedef struct use {
    size_t inst;
    double origin, from, to, scale;
} use;

typedef struct rack_uses {
    size_t *u;          /* indices into the set's uses, by from */
    size_t n;
} rack_uses;

struct dct_profile_set {
    inst *inst;
    size_t n_inst, cap_inst;
    use *use;
    size_t n_use, cap_use;
    rack_uses *rack;    /* [n_racks] */
    size_t n_racks;
    trace **traces;
    size_t n_traces;
    pwl **pwls;         /* envelopes, cycles and burst lists (owned) */
    size_t n_pwls;
    gsl_rng *rng;       /* phase jitter, in rack order */
    gsl_rng *rng_burst; /* bursts, in rack order */
    unsigned long seed;
    /* job-wide parts of a profile, built once (see from_comp) */
    struct pcache *cache;
    size_t n_cache;
    /* mixes: racks given to each profile so far (see mix_pick) */
    struct mixstate *mix;
    size_t n_mix;
    char mix_names[MAX_MIX][128];
};

static void trace_free(trace *t)
{
    free(t->t);
    free(t->v);
    if (t->interp)
        gsl_interp_free(t->interp);
    memset(t, 0, sizeof *t);
}

/* Read a CSV trace "t_s,u" or "t_s,P_W" (header required).  The file
 * must be a regular file of at most DCT_MAX_CSV_BYTES, its lines at most
 * TRACE_LINE_MAX bytes; numbers as dct_number_parse reads them (the XML's
 * grammar: decimal, no hexadecimal); powers at most MAX_TRACE_W. */
static int trace_read(trace *tr, const char *path, const char *from,
                      long line, dct_diag *d)
{
    memset(tr, 0, sizeof *tr);
    char why[200];
    FILE *f = dct_open_regular(path, DCT_MAX_CSV_BYTES, why, sizeof why);
    if (!f) {
        dct_error(d, from, line, "cannot read profile trace '%s': %s", path,
                  why);
        return -1;
    }
    char *buf = NULL;
    size_t bcap = 0;
    long ln = 1;
    ssize_t len = dct_text_line(&buf, &bcap, f, TRACE_LINE_MAX, path, 1, d);
    if (len < 0) {
        if (len == -1)
            dct_error(d, path, 1, "empty trace file");
        goto fail;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    if (strcmp(buf, "t_s,u") == 0)
        tr->is_watts = 0;
    else if (strcmp(buf, "t_s,P_W") == 0)
        tr->is_watts = 1;
    else {
        int is_bom = memcmp(buf, "\xEF\xBB\xBF", 3) == 0;
        dct_error(d, path, 1,
                  "trace header must be 't_s,u' or 't_s,P_W', found '%.80s'%s",
                  buf, is_bom ? " (it starts with a UTF-8 byte order mark: "
                                "save the file without one)" : "");
        goto fail;
    }
    size_t cap = 0;
    for (;;) {
        len = dct_text_line(&buf, &bcap, f, TRACE_LINE_MAX, path, ln + 1, d);
        if (len == -1)
            break;
        ln++;
        if (len < 0)
            goto fail;
        if (buf[strspn(buf, " \t\r\n")] == '\0')
            continue;
        const char *e1, *e2;
        double t, v;
        if (dct_number_parse(buf, &e1, &t) || *e1 != ',') {
            dct_error(d, path, ln, "expected 'time,value' with decimal "
                                   "numbers");
            goto fail;
        }
        if (dct_number_parse(e1 + 1, &e2, &v) ||
            e2[strspn(e2, " \t\r\n")] != '\0') {
            dct_error(d, path, ln, "expected 'time,value' with decimal "
                                   "numbers");
            goto fail;
        }
        if (tr->n && t <= tr->t[tr->n - 1]) {
            dct_error(d, path, ln, "times must increase strictly");
            goto fail;
        }
        if (!tr->is_watts && (v < 0 || v > 1)) {
            dct_error(d, path, ln, "u = %g is outside [0, 1]", v);
            goto fail;
        }
        if (tr->is_watts && v < 0) {
            dct_error(d, path, ln, "negative power %g W", v);
            goto fail;
        }
        if (tr->is_watts && v > MAX_TRACE_W) {
            dct_error(d, path, ln, "power %g W is above the %g W a trace "
                      "may give one rack", v, MAX_TRACE_W);
            goto fail;
        }
        if ((long)tr->n >= MAX_TRACE_ROWS) {
            dct_error(d, path, ln, "trace longer than %ld rows",
                      MAX_TRACE_ROWS);
            goto fail;
        }
        if (tr->n == cap) {
            cap = cap ? 2 * cap : 256;
            double *nt = realloc(tr->t, cap * sizeof *nt);
            if (!nt)
                goto fail;
            tr->t = nt;
            double *nv = realloc(tr->v, cap * sizeof *nv);
            if (!nv)
                goto fail;
            tr->v = nv;
        }
        tr->t[tr->n] = t;
        tr->v[tr->n] = v;
        tr->n++;
    }
    free(buf);
    buf = NULL;
    fclose(f);
    f = NULL;
    if (tr->n < 2) {
        dct_error(d, path, ln, "a trace needs at least two rows");
        goto fail;
    }
    tr->interp = gsl_interp_alloc(gsl_interp_linear, tr->n);
    if (!tr->interp || gsl_interp_init(tr->interp, tr->t, tr->v, tr->n))
        goto fail;
    return 0;
fail:
    free(buf);
    if (f)
        fclose(f);
    trace_free(tr);
    return -1;
}

static double trace_eval(const trace *tr, double t)
{
    if (t <= tr->t[0])
        return tr->v[0];
    if (t >= tr->t[tr->n - 1])
        return tr->v[tr->n - 1];
    return gsl_interp_eval(tr->interp, tr->t, tr->v, t, NULL);
}


/* ------------------------------------------------------------- pwl */

static int pwl_add(pwl *p, double t, double v)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? 2 * p->cap : 16;
        double *nt = realloc(p->t, nc * sizeof *nt);
        if (!nt)
            return -1;
        p->t = nt;
        double *nv = realloc(p->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        p->v = nv;
        p->cap = nc;
    }
    p->t[p->n] = t;
    p->v[p->n] = v;
    p->n++;
    return 0;
}

/* Index of the last vertex with t_i <= t, or -1. */
static long pwl_find(const pwl *p, double t)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->t[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

static double pwl_eval(const pwl *p, double t)
{
    long i = pwl_find(p, t);
    if (i < 0)
        return p->v[0];
    if ((size_t)i + 1 >= p->n)
        return p->v[p->n - 1];
    double t0 = p->t[i], t1 = p->t[i + 1];
    return p->v[i] + (p->v[i + 1] - p->v[i]) * (t - t0) / (t1 - t0);
}

static int pwl_next(const pwl *p, double t, double *tb)
{
    long i = pwl_find(p, t + 1e-12 * fmax(1.0, fabs(t)));
    if ((size_t)(i + 1) >= p->n)
        return 0;
    *tb = p->t[i + 1];
    return 1;
}

static int pwl_jumps(const pwl *p, double tb)
{
    double tol = 1e-9 * fmax(1.0, fabs(tb));
    long i = pwl_find(p, tb + tol);
    for (long j = i; j > 0 && p->t[j] >= tb - tol; j--)
        if (fabs(p->t[j] - p->t[j - 1]) <= tol && p->v[j] != p->v[j - 1])
            return 1;
    return 0;
}

static pwl *set_pwl(dct_profile_set *ps)
{
    pwl **np = realloc(ps->pwls, (ps->n_pwls + 1) * sizeof *np);
    if (!np)
        return NULL;
    ps->pwls = np;
    pwl *p = calloc(1, sizeof *p);
    if (p)
        ps->pwls[ps->n_pwls++] = p;
    return p;
}

/* ------------------------------------------------------- instances */

/* Defaults of the built-in llm-training profile: the values of the
 * <profile> table (component.h). */
static void set_train_defaults(inst *in)
{
    in->shape = SH_TRAIN;
    in->level = 1;
    in->period = 2;
    in->low = 0.3;
    in->duty = 0.5;
    in->edge = 0.05;
    in->idle = 0.1;
    in->ck_level = 0.15;
}

/* The smoothed wave over one period [0, T]: the square wave between
 * lo' = max(low level, floor) and hi' = max(level, floor) through a rate
 * limiter (ramp up RU, ramp down RD [1/s]) that waits HYST [s] before a
 * ramp down, in its periodic steady state (the map from the value at the
 * start of one period to the next is iterated to its fixed point). */
static int smooth_cycle(pwl *p, double hi, double lo, double fl, double T,
                        double duty, double ru, double rd, double hyst)
{
    double h = fmax(hi, fl), l = fmax(lo, fl), th = duty * T;
    double y0 = l;
    for (int it = 0; it < 100000; it++) {
        double y1 = isinf(ru) ? h : fmin(h, y0 + ru * th);
        double tdown = T - th - hyst;
        double y2 = tdown <= 0 ? y1 : isinf(rd) ? l : fmax(l, y1 - rd * tdown);
        int done = fabs(y2 - y0) <= 1e-14;
        y0 = y2;
        if (done)
            break;
    }
    double y1 = isinf(ru) ? h : fmin(h, y0 + ru * th);
    int rc = pwl_add(p, 0, y0);
    if (isinf(ru))
        rc |= pwl_add(p, 0, h);
    else if ((h - y0) / ru < th)
        rc |= pwl_add(p, (h - y0) / ru, h);
    rc |= pwl_add(p, th, y1);
    double t_hold = th + hyst;
    if (t_hold < T) {
        if (hyst > 0)
            rc |= pwl_add(p, t_hold, y1);
        if (isinf(rd)) {
            rc |= pwl_add(p, t_hold, l);
        } else if (t_hold + (y1 - l) / rd < T) {
            rc |= pwl_add(p, t_hold + (y1 - l) / rd, l);
        }
    }
    rc |= pwl_add(p, T, y0);
    return rc ? -1 : 0;
}

/* The job envelope r(t) of profile PC: 0 before start, a ramp up, seeded
 * Poisson interruptions (ramp down, hold, ramp up), the end with a ramp
 * down.  NULL in *ENV when the profile has no envelope. */
static int job_envelope(dct_profile_set *ps, const dct_comp *pc,
                        const pwl **env, dct_diag *d)
{
    const double *q = pc->q;
    double st = q[DCT_PROFILE_START], ru = q[DCT_PROFILE_RAMP_UP];
    double en = q[DCT_PROFILE_END], rd = q[DCT_PROFILE_RAMP_DOWN];
    double lam = q[DCT_PROFILE_FAULTS], hold = q[DCT_PROFILE_HOLD];
    double hz = q[DCT_PROFILE_HORIZON];
    *env = NULL;
    if (!(st > 0 || ru > 0 || isfinite(en) || lam > 0))
        return 0;
    if (isfinite(en) && en < st + ru) {
        dct_error(d, pc->file, pc->line, "profile %s: end (%g s) before the "
                  "start ramp is over (%g s)", pc->id, en, st + ru);
        return -1;
    }
    if (lam > 0 && hold < rd) {
        dct_error(d, pc->file, pc->line, "profile %s: hold (%g s) shorter "
                  "than ramp-down (%g s)", pc->id, hold, rd);
        return -1;
    }
    pwl *p = set_pwl(ps);
    if (!p)
        return -1;
    int rc = pwl_add(p, st, 0) | pwl_add(p, st + ru, 1);
    double t = st + ru;
    int is_over = 0;
    if (lam > 0) {
        /* the job's own stream: the same faults on every rack of it */
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!r)
            return -1;
        gsl_rng_set(r, ps->seed + 1000003UL *
                                      (unsigned long)q[DCT_PROFILE_SEED]);
        for (int k = 0; k < MAX_RANDOM_EVENTS && !is_over; k++) {
            double tf = t + gsl_ran_exponential(r, 1 / lam);
            if (tf >= hz || tf >= en)
                break;
            rc |= pwl_add(p, tf, 1) | pwl_add(p, tf + rd, 0);
            if (tf + hold + ru >= en) {
                is_over = 1;
                break;
            }
            rc |= pwl_add(p, tf + hold, 0) | pwl_add(p, tf + hold + ru, 1);
            t = tf + hold + ru;
        }
        gsl_rng_free(r);
    }
    if (isfinite(en) && !is_over)
        rc |= pwl_add(p, en, 1) | pwl_add(p, en + rd, 0);
    *env = p;
    return rc ? -1 : 0;
}

/* Seeded Poisson bursts of one rack, as a 0/1 step function. */
static int burst_list(dct_profile_set *ps, const dct_comp *pc,
                      const pwl **out)
{
    const double *q = pc->q;
    double lam = q[DCT_PROFILE_BURSTS], dur = q[DCT_PROFILE_BURST_DURATION];
    *out = NULL;
    if (!(lam > 0) || !(dur > 0))
        return 0;
    pwl *p = set_pwl(ps);
    if (!p)
        return -1;
    int rc = pwl_add(p, 0, 0);
    double t = 0;
    for (int k = 0; k < MAX_RANDOM_EVENTS; k++) {
        double ts = t + gsl_ran_exponential(ps->rng_burst, 1 / lam);
        if (ts >= q[DCT_PROFILE_HORIZON])
            break;
        rc |= pwl_add(p, ts, 0) | pwl_add(p, ts, 1) |
              pwl_add(p, ts + dur, 1) | pwl_add(p, ts + dur, 0);
        t = ts + dur;
    }
    *out = p;
    return rc ? -1 : 0;
}

/* The diurnal shape of inference load, s(h) in [0, 1] against the hour of
 * the day: night trough 03-06 h, morning rise, small midday dip,
 * afternoon peak at 16 h, evening fall (an assumed shape: the values
 * are our proposal [A]; dctwin-models(7) LOAD PROFILES). */
static const double DIURNAL_H[] = {0, 3, 6, 9, 12, 13, 14, 16, 18, 21, 24};
static const double DIURNAL_S[] = {0.25, 0, 0, 0.7, 0.85, 0.75, 0.85,
                                   1, 0.9, 0.5, 0.25};
#define N_DIURNAL (sizeof DIURNAL_H / sizeof DIURNAL_H[0])

static double diurnal(double t)
{
    double h = fmod(t / 3600, 24);
    if (h < 0)
        h += 24;
    size_t i = 0;
    while (i + 2 < N_DIURNAL && DIURNAL_H[i + 1] <= h)
        i++;
    return DIURNAL_S[i] + (DIURNAL_S[i + 1] - DIURNAL_S[i]) *
                              (h - DIURNAL_H[i]) /
                              (DIURNAL_H[i + 1] - DIURNAL_H[i]);
}

static int diurnal_next(double t, double *tb)
{
    double day = floor(t / 86400) * 86400;
    for (int k = 0; k < 2; k++, day += 86400)
        for (size_t i = 0; i < N_DIURNAL; i++) {
            double b = day + DIURNAL_H[i] * 3600;
            if (b > t + 1e-12 * fmax(1.0, fabs(t))) {
                *tb = b;
                return 1;
            }
        }
    return 0;
}

/* Envelopes and smoothed cycles are per profile (job-wide): a cache. */
typedef struct pcache {
    const dct_comp *pc;
    const pwl *env, *cyc;
} pcache;

static void *grow(void *p, size_t n, size_t size)
{
    return realloc(p, (n + 1) * size);
}

static int from_comp(dct_profile_set *ps, inst *in, const dct_comp *p,
                     dct_diag *d)
{
    const char *ty = p->s[DCT_PROFILE_TYPE];
    const double *q = p->q;
    in->name = p->id;
    in->level = q[DCT_PROFILE_LEVEL];
    in->period = q[DCT_PROFILE_PERIOD];
    in->low = q[DCT_PROFILE_LOW];
    in->duty = q[DCT_PROFILE_DUTY];
    in->edge = q[DCT_PROFILE_EDGE];
    in->t_step = q[DCT_PROFILE_T_STEP];
    in->before = q[DCT_PROFILE_BEFORE];
    in->after = q[DCT_PROFILE_AFTER];
    in->idle = q[DCT_PROFILE_IDLE];
    in->ck_every = q[DCT_PROFILE_CHECKPOINT_EVERY];
    in->ck_dur = q[DCT_PROFILE_CHECKPOINT_DURATION];
    in->ck_level = q[DCT_PROFILE_CHECKPOINT_LEVEL] * in->level;
    in->start = q[DCT_PROFILE_START];
    in->ptt = q[DCT_PROFILE_PEAK_TO_TROUGH];
    in->burst_level = q[DCT_PROFILE_BURST_LEVEL];
    if (strcmp(ty, "constant") == 0)
        in->shape = SH_CONSTANT;
    else if (strcmp(ty, "step") == 0)
        in->shape = SH_STEP;
    else if (strcmp(ty, "llm-training") == 0)
        in->shape = SH_TRAIN;
    else if (strcmp(ty, "job") == 0)
        in->shape = SH_JOB;
    else if (strcmp(ty, "inference") == 0)
        in->shape = SH_INFER;
    else
        in->shape = SH_CSV;
    if (in->shape == SH_INFER)
        return burst_list(ps, p, &in->bursts);
    if (in->shape != SH_TRAIN && in->shape != SH_JOB)
        return 0;
    /* job-wide parts, once per profile */
    for (size_t i = 0; i < ps->n_cache; i++)
        if (ps->cache[i].pc == p) {
            in->env = ps->cache[i].env;
            in->cyc = ps->cache[i].cyc;
            return 0;
        }
    if (job_envelope(ps, p, &in->env, d))
        return -1;
    double fl = q[DCT_PROFILE_FLOOR], tdp = q[DCT_PROFILE_GPU_TDP];
    double ru = q[DCT_PROFILE_RAMP_UP_RATE] / tdp;
    double rd = q[DCT_PROFILE_RAMP_DOWN_RATE] / tdp;
    double hy = q[DCT_PROFILE_HYSTERESIS];
    if (in->shape == SH_TRAIN &&
        (fl > 0 || isfinite(ru) || isfinite(rd) || hy > 0)) {
        if (fl > 0 && fl < 0.2) {
            dct_error(d, p->file, p->line, "profile %s: floor %g is below "
                      "the 0.2 of TDP that GPU power smoothing allows",
                      p->id, fl);
            return -1;
        }
        if (!(ru > 0) || !(rd > 0)) {
            dct_error(d, p->file, p->line, "profile %s: smoothing ramp "
                      "rates must be > 0", p->id);
            return -1;
        }
        pwl *c = set_pwl(ps);
        if (!c || smooth_cycle(c, in->level, in->low * in->level, fl,
                               in->period, in->duty, ru, rd, hy))
            return -1;
        in->cyc = c;
        in->ck_level = fmax(in->ck_level, fl);
    }
    pcache *nc = realloc(ps->cache, (ps->n_cache + 1) * sizeof *nc);
    if (!nc)
        return -1;
    ps->cache = nc;
    ps->cache[ps->n_cache++] = (pcache){p, in->env, in->cyc};
    return 0;
}

static int inst_same(const inst *a, const inst *b)
{
    return a->shape == b->shape && a->name == b->name &&
           a->phase == b->phase && a->tr == b->tr && a->level == b->level &&
           a->env == b->env && a->cyc == b->cyc && a->bursts == b->bursts;
}

static long add_inst(dct_profile_set *ps, const inst *in)
{
    for (size_t i = 0; i < ps->n_inst; i++)
        if (inst_same(&ps->inst[i], in))
            return (long)i;
    if (ps->n_inst == ps->cap_inst) {
        size_t nc = ps->cap_inst ? 2 * ps->cap_inst : 16;
        inst *ni = realloc(ps->inst, nc * sizeof *ni);
        if (!ni)
            return -1;
        ps->inst = ni;
        ps->cap_inst = nc;
    }
    ps->inst[ps->n_inst] = *in;
    return (long)ps->n_inst++;
}

static char *sibling_path(const char *base_file, const char *name)
{
    char buf[PATH_MAX];
    if (name[0] == '/')
        return strdup(name);
    char *dup = strdup(base_file);
    if (!dup)
        return NULL;
    snprintf(buf, sizeof buf, "%s/%s", dirname(dup), name);
    free(dup);
    return strdup(buf);
}

static trace *new_trace(dct_profile_set *ps)
{
    trace **nt = realloc(ps->traces, (ps->n_traces + 1) * sizeof *nt);
    if (!nt)
        return NULL;
    ps->traces = nt;
    trace *t = calloc(1, sizeof *t);
    if (t)
        ps->traces[ps->n_traces++] = t;
    return t;
}

/* The trace of csv profile PC, read once. */
static const trace *profile_trace(dct_profile_set *ps, const dct_comp *pc,
                                  dct_diag *d)
{
    for (size_t i = 0; i < ps->n_inst; i++)
        if (ps->inst[i].shape == SH_CSV && ps->inst[i].name == pc->id)
            return ps->inst[i].tr;
    char *path = sibling_path(pc->file, pc->s[DCT_PROFILE_FILE]);
    trace *tr = path ? new_trace(ps) : NULL;
    if (!tr) {
        free(path);
        return NULL;
    }
    int rc = trace_read(tr, path, pc->file, pc->line, d);
    free(path);
    return rc ? NULL : tr;
}

/* A mix: the next rack goes to the profile furthest behind its share
 * (largest remainder), so every prefix of racks is as close to the
 * fractions as whole racks allow. */
typedef struct mixstate {
    const dct_comp *pc;
    size_t n, counts[MAX_MIX];
} mixstate;

static int mix_parse(const dct_comp *pc, char (*names)[128], double *fr,
                     size_t *n, dct_diag *d)
{
    const char *ps = pc->s[DCT_PROFILE_PROFILES];
    const char *fs = pc->s[DCT_PROFILE_FRACTIONS];
    *n = 0;
    if (!ps || !fs) {
        dct_error(d, pc->file, pc->line, "profile %s: type 'mix' needs "
                  "profiles= and fractions=", pc->id);
        return -1;
    }
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", ps);
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t\n", &save); w;
         w = strtok_r(NULL, " \t\n", &save)) {
        if (*n >= MAX_MIX) {
            dct_error(d, pc->file, pc->line, "profile %s: more than %d "
                      "profiles in a mix", pc->id, MAX_MIX);
            return -1;
        }
        snprintf(names[(*n)++], 128, "%s", w);
    }
    size_t nf = 0;
    double sum = 0;
    const char *p = fs;
    while (*p) {
        const char *end;
        double v;
        p += strspn(p, " \t\n");
        if (dct_number_parse(p, &end, &v))   /* decimal, as in the XML */
            break;
        if (nf < MAX_MIX)
            fr[nf] = v;
        nf++;
        sum += v;
        if (!(v >= 0 && v <= 1)) {
            dct_error(d, pc->file, pc->line, "profile %s: fraction %g is "
                      "outside [0, 1]", pc->id, v);
            return -1;
        }
        p = end;
    }
    if (p[strspn(p, " \t\n")] != '\0' || nf != *n || *n == 0 ||
        fabs(sum - 1) > 1e-6) {
        dct_error(d, pc->file, pc->line, "profile %s: expected one fraction "
                  "per profile (%zu), each in [0, 1], summing to 1; found "
                  "'%s'", pc->id, *n, fs);
        return -1;
    }
    return 0;
}

static const char *mix_pick(dct_profile_set *ps, const dct_comp *pc,
                            dct_diag *d)
{
    double fr[MAX_MIX];
    size_t n;
    if (mix_parse(pc, ps->mix_names, fr, &n, d))
        return NULL;
    mixstate *m = NULL;
    for (size_t i = 0; i < ps->n_mix && !m; i++)
        if (ps->mix[i].pc == pc)
            m = &ps->mix[i];
    if (!m) {
        mixstate *nm = grow(ps->mix, ps->n_mix, sizeof *nm);
        if (!nm)
            return NULL;
        ps->mix = nm;
        m = &ps->mix[ps->n_mix++];
        memset(m, 0, sizeof *m);
        m->pc = pc;
    }
    size_t best = 0;
    double bv = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double v = fr[i] * (double)(m->n + 1) - (double)m->counts[i];
        if (v > bv + 1e-12) {
            bv = v;
            best = i;
        }
    }
    m->counts[best]++;
    m->n++;
    return ps->mix_names[best];
}

/* The instance of profile PNAME for rack R (NULL: a virtual rack at phase
 * 0), added to the set; its index, or -1 with errors in D.  FILE, LINE:
 * where PNAME was named. */
static long rack_inst(dct_profile_set *ps, const dct_site *s,
                      const char *pname, const dct_comp *r, const char *file,
                      long line, int depth, dct_diag *d)
{
    inst in = {0};
    const dct_comp *pc = NULL;
    in.idle = 0.1;
    if (!pname || strcmp(pname, "constant") == 0) {
        in.shape = SH_CONSTANT;
        in.name = "constant";
        in.level = 1;
    } else if (strcmp(pname, "llm-training") == 0) {
        set_train_defaults(&in);
        in.name = "llm-training";
    } else {
        pc = s ? dct_site_get(s, pname) : NULL;
        if (pc && pc->type != DCT_T_PROFILE)
            pc = NULL;
        if (!pc) {
            /* a CSV trace file named directly (--profile FILE) */
            for (size_t i = 0; i < ps->n_inst; i++)
                if (ps->inst[i].shape == SH_CSV &&
                    strcmp(ps->inst[i].name, pname) == 0)
                    in = ps->inst[i];
            if (in.shape != SH_CSV) {
                trace *tr = new_trace(ps);
                if (!tr)
                    return -1;
                if (trace_read(tr, pname, file, line, d))
                    return -1;
                in.shape = SH_CSV;
                in.name = pname;
                in.tr = tr;
            }
        } else if (strcmp(pc->s[DCT_PROFILE_TYPE], "mix") == 0) {
            if (depth > 0) {
                dct_error(d, pc->file, pc->line, "profile %s: a mix inside "
                          "a mix", pc->id);
                return -1;
            }
            const char *pick = mix_pick(ps, pc, d);
            if (!pick)
                return -1;
            return rack_inst(ps, s, pick, r, pc->file, pc->line, 1, d);
        } else {
            if (from_comp(ps, &in, pc, d))
                return -1;
            if (in.shape == SH_CSV &&
                !(in.tr = profile_trace(ps, pc, d)))
                return -1;
        }
    }
    in.phase = r ? r->q[DCT_RACK_PHASE] : 0;
    if (in.shape == SH_TRAIN && pc && pc->q[DCT_PROFILE_JITTER] > 0)
        in.phase += gsl_rng_uniform(ps->rng) * pc->q[DCT_PROFILE_JITTER];
    return add_inst(ps, &in);
}

/* ------------------------------------------------------------- uses */

static long add_use(dct_profile_set *ps, use u)
{
    if (ps->n_use == ps->cap_use) {
        size_t nc = ps->cap_use ? 2 * ps->cap_use : 16;
        use *nu = realloc(ps->use, nc * sizeof *nu);
        if (!nu)
            return -1;
        ps->use = nu;
        ps->cap_use = nc;
    }
    ps->use[ps->n_use] = u;
    return (long)ps->n_use++;
}

static int rack_push(rack_uses *ru, size_t u)
{
    size_t *n = realloc(ru->u, (ru->n + 1) * sizeof *n);
    if (!n)
        return -1;
    ru->u = n;
    ru->u[ru->n++] = u;
    return 0;
}

/* Merge equal uses (racks with the same history share them). */
static int dedup_uses(dct_profile_set *ps)
{
    use *nu = malloc((ps->n_use ? ps->n_use : 1) * sizeof *nu);
    if (!nu)
        return -1;
    size_t n = 0;
    for (size_t k = 0; k < ps->n_racks; k++)
        for (size_t j = 0; j < ps->rack[k].n; j++) {
            const use *u = &ps->use[ps->rack[k].u[j]];
            size_t i = 0;
            while (i < n && memcmp(&nu[i], u, sizeof *u) != 0)
                i++;
            if (i == n)
                nu[n++] = *u;
            ps->rack[k].u[j] = i;
        }
    free(ps->use);
    ps->use = nu;
    ps->n_use = ps->cap_use = n ? n : 1;
    ps->n_use = n;
    return 0;
}

static dct_profile_set *set_alloc(size_t n_racks, unsigned long seed)
{
    dct_profile_set *ps = calloc(1, sizeof *ps);
    if (!ps)
        return NULL;
    ps->seed = seed;
    ps->n_racks = n_racks;
    ps->rack = calloc(n_racks ? n_racks : 1, sizeof *ps->rack);
    ps->rng = gsl_rng_alloc(gsl_rng_mt19937);
    ps->rng_burst = gsl_rng_alloc(gsl_rng_mt19937);
    if (!ps->rack || !ps->rng || !ps->rng_burst) {
        dct_profile_set_free(ps);
        return NULL;
    }
    gsl_rng_set(ps->rng, seed);
    /* an independent stream for the bursts [A] */
    gsl_rng_set(ps->rng_burst, seed ^ 0x5bd1e995UL);
    return ps;
}

static const char *rack_profile_name(const dct_comp *r)
{
    if (r->s[DCT_RACK_PROFILE])
        return r->s[DCT_RACK_PROFILE];
    if (r->parent && r->parent->type == DCT_T_ROW)
        return r->parent->s[DCT_ROW_PROFILE];
    return NULL;
}

dct_profile_set *dct_profile_set_new(const dct_site *s, const char *override,
                                     unsigned long seed, dct_diag *d)
{
    size_t nr = dct_site_find(s, DCT_T_RACK, NULL, 0);
    dct_profile_set *ps = set_alloc(nr, seed);
    if (!ps) {
        dct_error(d, NULL, 0, "out of memory building profiles");
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n_comps && k < nr; i++) {
        const dct_comp *r = s->comps[i];
        if (r->type != DCT_T_RACK || r->is_model)
            continue;
        const char *pname = override ? override : rack_profile_name(r);
        long ii = rack_inst(ps, s, pname, r, r->file, r->line, 0, d);
        if (ii < 0)
            goto fail;
        long u = add_use(ps, (use){(size_t)ii, 0, -INFINITY, INFINITY, 1});
        if (u < 0 || rack_push(&ps->rack[k], (size_t)u))
            goto fail;
        k++;
    }
    if (dedup_uses(ps))
        goto fail;
    return ps;
fail:
    if (!d->n_errors)
        dct_error(d, NULL, 0, "out of memory building profiles");
    dct_profile_set_free(ps);
    return NULL;
}

dct_profile_set *dct_profile_set_single(const dct_site *s, const char *name,
                                        unsigned long seed, dct_diag *d)
{
    dct_profile_set *ps = set_alloc(1, seed);
    if (!ps) {
        dct_error(d, NULL, 0, "out of memory");
        return NULL;
    }
    long ii = rack_inst(ps, s, name, NULL, NULL, 0, 0, d);
    long u = ii < 0 ? -1
                    : add_use(ps, (use){(size_t)ii, 0, -INFINITY, INFINITY, 1});
    if (u < 0 || rack_push(&ps->rack[0], (size_t)u)) {
        if (!d->n_errors)
            dct_error(d, NULL, 0, "out of memory");
        dct_profile_set_free(ps);
        return NULL;
    }
    return ps;
}

static int use_same(const use *a, const use *b)
{
    return a->inst == b->inst && a->origin == b->origin &&
           a->from == b->from && a->to == b->to && a->scale == b->scale;
}

int dct_profile_same(const dct_profile_set *ps, size_t a, size_t b)
{
    const rack_uses *x = &ps->rack[a], *y = &ps->rack[b];
    if (x->n != y->n)
        return 0;
    for (size_t i = 0; i < x->n; i++)
        if (!use_same(&ps->use[x->u[i]], &ps->use[y->u[i]]))
            return 0;
    return 1;
}

size_t dct_profile_key(const dct_profile_set *ps, size_t k)
{
    /* FNV-1a over the uses: equal for racks dct_profile_same calls
     * equal */
    size_t h = 14695981039346656037u;
    const rack_uses *x = &ps->rack[k];
    for (size_t i = 0; i < x->n; i++) {
        const use *u = &ps->use[x->u[i]];
        double v[4] = {u->origin, u->from, u->to, u->scale};
        h = (h ^ u->inst) * 1099511628211u;
        const unsigned char *p = (const unsigned char *)v;
        for (size_t j = 0; j < sizeof v; j++)
            h = (h ^ p[j]) * 1099511628211u;
    }
    return h;
}

dct_profile_set *dct_profile_set_builtin(const char *name, dct_diag *d)
{
    if (strcmp(name, "llm-training") != 0 && strcmp(name, "constant") != 0) {
        dct_error(d, NULL, 0, "no built-in profile '%s' (expected constant "
                  "or llm-training; a site's profiles need --site)", name);
        return NULL;
    }
    return dct_profile_set_single(NULL, name, 1, d);
}

int dct_profile_set_event(dct_profile_set *ps, const dct_site *s, size_t k,
                          const dct_comp *r, double t, const char *name,
                          double scale, const char *file, long line,
                          dct_diag *d)
{
    rack_uses *ru = &ps->rack[k];
    const use *last = &ps->use[ru->u[ru->n - 1]];
    use nu = *last;
    nu.from = t;
    nu.to = INFINITY;
    if (name) {
        long ii = rack_inst(ps, s, name, r, file, line, 0, d);
        if (ii < 0)
            return -1;
        nu.inst = (size_t)ii;
        nu.origin = t;
        nu.scale = 1;
    }
    if (!isnan(scale))
        nu.scale = scale;
    /* close the rack's current use on a copy: others may share it */
    use closed = *last;
    closed.to = t;
    long c = add_use(ps, closed);
    long n = c < 0 ? -1 : add_use(ps, nu);
    if (n < 0)
        return -1;
    ru->u[ru->n - 1] = (size_t)c;
    return rack_push(ru, (size_t)n);
}

int dct_profile_set_finish(dct_profile_set *ps)
{
    return dedup_uses(ps);
}

void dct_profile_set_free(dct_profile_set *ps)
{
    if (!ps)
        return;
    for (size_t i = 0; i < ps->n_traces; i++) {
        trace_free(ps->traces[i]);
        free(ps->traces[i]);
    }
    free(ps->traces);
    for (size_t i = 0; i < ps->n_pwls; i++) {
        free(ps->pwls[i]->t);
        free(ps->pwls[i]->v);
        free(ps->pwls[i]);
    }
    free(ps->pwls);
    for (size_t k = 0; k < ps->n_racks && ps->rack; k++)
        free(ps->rack[k].u);
    free(ps->rack);
    free(ps->inst);
    free(ps->use);
    free(ps->cache);
    free(ps->mix);
    gsl_rng_free(ps->rng);
    gsl_rng_free(ps->rng_burst);
    free(ps);
}

/* ------------------------------------------------------- evaluation */

/* Position within the period of a training profile, in [0, period). */
static double cycle_pos(const inst *in, double t)
{
    double x = fmod(t + in->phase, in->period);
    return x < 0 ? x + in->period : x;
}

static double raw_wave(const inst *in, double t)
{
    /* rise over [0, e), high until duty*T, fall over [dT, dT + e),
     * low until T */
    double x = cycle_pos(in, t), e = in->edge, hi = in->level,
           lo = in->low * in->level, th = in->duty * in->period;
    if (in->cyc)
        return pwl_eval(in->cyc, x);
    if (e > 0 && x < e)
        return lo + (hi - lo) * x / e;
    if (x < th)
        return hi;
    if (e > 0 && x < th + e)
        return hi - (hi - lo) * (x - th) / e;
    return lo;
}

static int in_dip(const inst *in, double t)
{
    if (!(in->ck_every > 0))
        return 0;
    double pos = t - in->start;
    if (pos < in->ck_every)
        return 0;
    return fmod(pos, in->ck_every) < in->ck_dur;
}

static double inst_u(const inst *in, double t)
{
    switch (in->shape) {
    case SH_CONSTANT:
        return in->level;
    case SH_STEP:
        return t < in->t_step ? in->before : in->after;
    case SH_TRAIN:
    case SH_JOB: {
        double w = in->shape == SH_TRAIN ? raw_wave(in, t) : in->level;
        if (in_dip(in, t))
            w = in->ck_level;
        if (!in->env)
            return w;
        return in->idle + (w - in->idle) * pwl_eval(in->env, t);
    }
    case SH_INFER:
        if (in->bursts && pwl_eval(in->bursts, t) > 0.5)
            return in->burst_level;
        return in->level * (1 / in->ptt + (1 - 1 / in->ptt) * diurnal(t));
    case SH_CSV:
        return in->tr->is_watts ? 0 : trace_eval(in->tr, t);
    }
    return 0;
}

/* The use of rack K at time T. */
static const use *use_at(const dct_profile_set *ps, size_t k, double t)
{
    const rack_uses *ru = &ps->rack[k];
    size_t j = ru->n - 1;
    while (j > 0 && ps->use[ru->u[j]].from > t)
        j--;
    return &ps->use[ru->u[j]];
}

double dct_profile_u(const dct_profile_set *ps, size_t k, double t)
{
    const use *u = use_at(ps, k, t);
    double v = u->scale * inst_u(&ps->inst[u->inst], t - u->origin);
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

double dct_profile_power(const dct_profile_set *ps, size_t k, double t,
                         double p_idle, double p_max)
{
    const use *u = use_at(ps, k, t);
    const inst *in = &ps->inst[u->inst];
    if (in->shape == SH_CSV && in->tr->is_watts)
        return u->scale * trace_eval(in->tr, t - u->origin);
    return dct_profile_level_power(dct_profile_u(ps, k, t), p_idle, p_max);
}

double dct_profile_level_power(double u, double p_idle, double p_max)
{
    /* u is a fraction of p-max; a running rack draws at least its idle
     * power (dctwin-models(7), LOAD PROFILES) */
    return fmax(p_idle, u * p_max);
}

static void take(double b, double t, double *best)
{
    if (b > t + 1e-12 * fmax(1.0, fabs(t)) && b < *best)
        *best = b;
}

static void wave_next(const inst *in, double t, double *best)
{
    double T = in->period;
    if (in->cyc) {
        double x = cycle_pos(in, t), tb;
        if (pwl_next(in->cyc, x, &tb) && tb < T)
            take(t + (tb - x), t, best);
        else
            take(t + (T - x), t, best);
        return;
    }
    double th = in->duty * T, e = in->edge;
    double marks[4] = {0, e, th, th + e};
    /* cycle start at or before t */
    double k0 = floor((t + in->phase) / T);
    for (int c = 0; c < 2; c++)
        for (int j = 0; j < 4; j++)
            take((k0 + c) * T - in->phase + marks[j], t, best);
}

static int inst_next(const inst *in, double t, double *tb)
{
    double best = INFINITY, b;
    switch (in->shape) {
    case SH_CONSTANT:
        return 0;
    case SH_STEP:
        take(in->t_step, t, &best);
        break;
    case SH_TRAIN:
    case SH_JOB:
        if (in->shape == SH_TRAIN)
            wave_next(in, t, &best);
        if (in->ck_every > 0) {
            double pos = t - in->start, N = in->ck_every;
            double k = pos < N ? 1 : floor(pos / N);
            take(in->start + k * N, t, &best);
            take(in->start + k * N + in->ck_dur, t, &best);
            take(in->start + (k + 1) * N, t, &best);
        }
        if (in->env && pwl_next(in->env, t, &b))
            take(b, t, &best);
        break;
    case SH_INFER:
        if (diurnal_next(t, &b))
            take(b, t, &best);
        if (in->bursts && pwl_next(in->bursts, t, &b))
            take(b, t, &best);
        break;
    case SH_CSV: {
        const trace *tr = in->tr;
        size_t lo = 0, hi = tr->n;
        while (lo < hi) { /* first sample strictly after t */
            size_t mid = (lo + hi) / 2;
            if (tr->t[mid] <= t)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < tr->n)
            take(tr->t[lo], t - 1, &best);
        break;
    }
    }
    *tb = best;
    return isfinite(best);
}

int dct_profile_next_breakpoint(const dct_profile_set *ps, double t,
                                double *tb)
{
    double best = INFINITY;
    for (size_t i = 0; i < ps->n_use; i++) {
        const use *u = &ps->use[i];
        if (u->to <= t)
            continue;
        if (isfinite(u->from))
            take(u->from, t, &best);
        double tt = fmax(t, u->from), b;
        if (inst_next(&ps->inst[u->inst], tt - u->origin, &b) &&
            b + u->origin < u->to)
            take(b + u->origin, t, &best);
    }
    if (isfinite(best))
        *tb = best;
    return isfinite(best);
}

/* Whether instance IN's u(t) jumps at TB (a step; a training edge of zero
 * width; a checkpoint dip; a zero-width ramp of the job envelope; a
 * burst); kinks of a piecewise-linear u are not jumps. */
static int inst_jumps(const inst *in, double tb)
{
    double tol = 1e-9 * fmax(1.0, fabs(tb));
    switch (in->shape) {
    case SH_STEP:
        return fabs(tb - in->t_step) <= tol;
    case SH_TRAIN:
    case SH_JOB: {
        if (in->env && pwl_jumps(in->env, tb))
            return 1;
        if (in->ck_every > 0 && tb - in->start >= in->ck_every - tol) {
            double x = fmod(tb - in->start + tol, in->ck_every);
            if (x <= 2 * tol || fabs(x - tol - in->ck_dur) <= tol)
                return 1;
        }
        if (in->shape == SH_JOB)
            return 0;
        double x = cycle_pos(in, tb);
        if (in->cyc) {
            if (in->period - x <= tol)
                x = 0;
            return pwl_jumps(in->cyc, x);
        }
        if (in->edge > 0)
            return 0;
        double th = in->duty * in->period;
        return x <= tol || fabs(x - th) <= tol ||
               fabs(x - in->period) <= tol;
    }
    case SH_INFER:
        return in->bursts && pwl_jumps(in->bursts, tb);
    default:
        return 0;
    }
}

int dct_profile_jumps_at(const dct_profile_set *ps, double tb)
{
    double tol = 1e-9 * fmax(1.0, fabs(tb));
    for (size_t i = 0; i < ps->n_use; i++) {
        const use *u = &ps->use[i];
        if (tb < u->from - tol || tb > u->to + tol)
            continue;
        if (isfinite(u->from) && fabs(tb - u->from) <= tol)
            return 1;
        if (inst_jumps(&ps->inst[u->inst], tb - u->origin))
            return 1;
    }
    return 0;
}

const char *dct_profile_name(const dct_profile_set *ps, size_t k)
{
    return ps->inst[ps->use[ps->rack[k].u[0]].inst].name;
}
