/* profile.c - load profiles u(t) and their breakpoints (see profile.h).
 *
 * Racks that share a profile and a phase share one instance, so the cost of
 * finding the next breakpoint grows with the number of distinct phases, not
 * with the number of racks. */
#include "config.h"
#include "profile.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_interp.h>
#include <gsl/gsl_rng.h>

#define MAX_TRACE_ROWS 10000000L

enum shape { SH_CONSTANT, SH_STEP, SH_TRAIN, SH_CSV };

typedef struct trace {
    double *t, *v;
    size_t n;
    int is_watts;
    gsl_interp *interp;
} trace;

typedef struct inst {
    enum shape shape;
    const char *name;
    double level, period, low, duty, edge, phase, t_step, before, after;
    const trace *tr;
} inst;

struct dct_profile_set {
    inst *inst;
    size_t n_inst;
    size_t *rack_inst;   /* [n_racks] */
    size_t n_racks;
    trace *traces;
    size_t n_traces;
};

static void trace_free(trace *t)
{
    free(t->t);
    free(t->v);
    if (t->interp)
        gsl_interp_free(t->interp);
}

/* Read a CSV trace "t_s,u" or "t_s,P_W" (header required). */
static int trace_read(trace *tr, const char *path, const char *from,
                      long line, dct_diag *d)
{
    memset(tr, 0, sizeof *tr);
    FILE *f = fopen(path, "r");
    if (!f) {
        dct_error(d, from, line, "cannot open profile trace '%s': %s", path,
                  strerror(errno));
        return -1;
    }
    char buf[512];
    long ln = 1;
    if (!fgets(buf, sizeof buf, f)) {
        dct_error(d, path, 1, "empty trace file");
        goto fail;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    if (strcmp(buf, "t_s,u") == 0)
        tr->is_watts = 0;
    else if (strcmp(buf, "t_s,P_W") == 0)
        tr->is_watts = 1;
    else {
        dct_error(d, path, 1,
                  "trace header must be 't_s,u' or 't_s,P_W', found '%s'",
                  buf);
        goto fail;
    }
    size_t cap = 0;
    while (fgets(buf, sizeof buf, f)) {
        ln++;
        if (buf[strspn(buf, " \t\r\n")] == '\0')
            continue;
        char *e1, *e2;
        double t = strtod(buf, &e1);
        if (e1 == buf || *e1 != ',') {
            dct_error(d, path, ln, "expected 'time,value'");
            goto fail;
        }
        double v = strtod(e1 + 1, &e2);
        if (e2 == e1 + 1 || e2[strspn(e2, " \t\r\n")] != '\0' ||
            !isfinite(t) || !isfinite(v)) {
            dct_error(d, path, ln, "expected 'time,value' with finite "
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
}

static void from_comp(inst *in, const dct_comp *p)
{
    const char *ty = p->s[DCT_PROFILE_TYPE];
    in->name = p->id;
    in->level = p->q[DCT_PROFILE_LEVEL];
    in->period = p->q[DCT_PROFILE_PERIOD];
    in->low = p->q[DCT_PROFILE_LOW];
    in->duty = p->q[DCT_PROFILE_DUTY];
    in->edge = p->q[DCT_PROFILE_EDGE];
    in->t_step = p->q[DCT_PROFILE_T_STEP];
    in->before = p->q[DCT_PROFILE_BEFORE];
    in->after = p->q[DCT_PROFILE_AFTER];
    if (strcmp(ty, "constant") == 0)
        in->shape = SH_CONSTANT;
    else if (strcmp(ty, "step") == 0)
        in->shape = SH_STEP;
    else if (strcmp(ty, "llm-training") == 0)
        in->shape = SH_TRAIN;
    else
        in->shape = SH_CSV;
}

static size_t add_inst(dct_profile_set *ps, const inst *in)
{
    for (size_t i = 0; i < ps->n_inst; i++) {
        const inst *o = &ps->inst[i];
        if (o->shape == in->shape && o->name == in->name &&
            o->phase == in->phase && o->tr == in->tr && o->level == in->level)
            return i;
    }
    ps->inst[ps->n_inst] = *in;
    return ps->n_inst++;
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

dct_profile_set *dct_profile_set_new(const dct_site *s, const char *override,
                                     unsigned long seed, dct_diag *d)
{
    size_t nr = dct_site_find(s, DCT_T_RACK, NULL, 0);
    dct_profile_set *ps = calloc(1, sizeof *ps);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!ps || !rng)
        goto oom;
    gsl_rng_set(rng, seed);
    ps->n_racks = nr;
    ps->inst = calloc(nr ? nr : 1, sizeof *ps->inst);
    ps->rack_inst = calloc(nr ? nr : 1, sizeof *ps->rack_inst);
    /* at most one trace per profile element plus the override */
    size_t n_prof = dct_site_find(s, DCT_T_PROFILE, NULL, 0);
    ps->traces = calloc(n_prof + 1, sizeof *ps->traces);
    if (!ps->inst || !ps->rack_inst || !ps->traces)
        goto oom;
    /* the override, when it is a file */
    const trace *override_tr = NULL;
    const dct_comp *override_comp = NULL;
    if (override && strcmp(override, "constant") != 0 &&
        strcmp(override, "llm-training") != 0) {
        override_comp = dct_site_get(s, override);
        if (!override_comp || override_comp->type != DCT_T_PROFILE) {
            override_comp = NULL;
            if (trace_read(&ps->traces[ps->n_traces], override, NULL, 0, d))
                goto fail;
            override_tr = &ps->traces[ps->n_traces++];
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *r = s->comps[i];
        if (r->type != DCT_T_RACK || r->is_model)
            continue;
        inst in = {0};
        const char *pname = override ? override : r->s[DCT_RACK_PROFILE];
        const dct_comp *pc = NULL;
        if (override_tr) {
            in.shape = SH_CSV;
            in.name = override;
            in.tr = override_tr;
        } else if (!pname || strcmp(pname, "constant") == 0) {
            in.shape = SH_CONSTANT;
            in.name = "constant";
            in.level = 1;
        } else if (strcmp(pname, "llm-training") == 0) {
            set_train_defaults(&in);
            in.name = "llm-training";
        } else {
            pc = override_comp ? override_comp : dct_site_get(s, pname);
            if (!pc || pc->type != DCT_T_PROFILE) {
                dct_error(d, r->file, r->line, "rack %s: unknown profile '%s'",
                          r->id, pname);
                goto fail;
            }
            from_comp(&in, pc);
            if (in.shape == SH_CSV) {
                /* one trace per profile element */
                const trace *tr = NULL;
                for (size_t j = 0; j < k && !tr; j++)
                    if (ps->inst[ps->rack_inst[j]].name == pc->id)
                        tr = ps->inst[ps->rack_inst[j]].tr;
                if (!tr) {
                    char *path = sibling_path(pc->file, pc->s[DCT_PROFILE_FILE]);
                    if (!path)
                        goto oom;
                    int rc = trace_read(&ps->traces[ps->n_traces], path,
                                        pc->file, pc->line, d);
                    free(path);
                    if (rc)
                        goto fail;
                    tr = &ps->traces[ps->n_traces++];
                }
                in.tr = tr;
            }
        }
        in.phase = r->q[DCT_RACK_PHASE];
        if (in.shape == SH_TRAIN && pc && pc->q[DCT_PROFILE_JITTER] > 0)
            in.phase += gsl_rng_uniform(rng) * pc->q[DCT_PROFILE_JITTER];
        ps->rack_inst[k++] = add_inst(ps, &in);
    }
    gsl_rng_free(rng);
    return ps;
oom:
    dct_error(d, NULL, 0, "out of memory building profiles");
fail:
    gsl_rng_free(rng);
    dct_profile_set_free(ps);
    return NULL;
}

size_t dct_profile_instance(const dct_profile_set *ps, size_t k)
{
    return ps->rack_inst[k];
}

dct_profile_set *dct_profile_set_builtin(const char *name, dct_diag *d)
{
    inst in = {0};
    if (strcmp(name, "llm-training") == 0) {
        set_train_defaults(&in);
    } else if (strcmp(name, "constant") == 0) {
        in.shape = SH_CONSTANT;
        in.level = 1;
    } else {
        dct_error(d, NULL, 0, "no built-in profile '%s' (expected constant "
                  "or llm-training; a site's profiles need --site)", name);
        return NULL;
    }
    in.name = name;
    dct_profile_set *ps = calloc(1, sizeof *ps);
    if (!ps || !(ps->inst = calloc(1, sizeof *ps->inst)) ||
        !(ps->rack_inst = calloc(1, sizeof *ps->rack_inst))) {
        dct_error(d, NULL, 0, "out of memory");
        dct_profile_set_free(ps);
        return NULL;
    }
    ps->inst[0] = in;
    ps->n_inst = ps->n_racks = 1;
    return ps;
}

void dct_profile_set_free(dct_profile_set *ps)
{
    if (!ps)
        return;
    for (size_t i = 0; i < ps->n_traces; i++)
        trace_free(&ps->traces[i]);
    free(ps->traces);
    free(ps->inst);
    free(ps->rack_inst);
    free(ps);
}

/* Position within the period of a training profile, in [0, period). */
static double cycle_pos(const inst *in, double t)
{
    double x = fmod(t + in->phase, in->period);
    return x < 0 ? x + in->period : x;
}

static double inst_u(const inst *in, double t)
{
    switch (in->shape) {
    case SH_CONSTANT:
        return in->level;
    case SH_STEP:
        return t < in->t_step ? in->before : in->after;
    case SH_TRAIN: {
        /* rise over [0, e), high until duty*T, fall over [dT, dT + e),
         * low until T */
        double x = cycle_pos(in, t), e = in->edge, hi = in->level,
               lo = in->low * in->level, th = in->duty * in->period;
        if (e > 0 && x < e)
            return lo + (hi - lo) * x / e;
        if (x < th)
            return hi;
        if (e > 0 && x < th + e)
            return hi - (hi - lo) * (x - th) / e;
        return lo;
    }
    case SH_CSV:
        return in->tr->is_watts ? 0 : trace_eval(in->tr, t);
    }
    return 0;
}

double dct_profile_u(const dct_profile_set *ps, size_t k, double t)
{
    return inst_u(&ps->inst[ps->rack_inst[k]], t);
}

double dct_profile_power(const dct_profile_set *ps, size_t k, double t,
                         double p_idle, double p_max)
{
    const inst *in = &ps->inst[ps->rack_inst[k]];
    if (in->shape == SH_CSV && in->tr->is_watts)
        return trace_eval(in->tr, t);
    return p_idle + inst_u(in, t) * (p_max - p_idle);
}

static int inst_next(const inst *in, double t, double *tb)
{
    switch (in->shape) {
    case SH_CONSTANT:
        return 0;
    case SH_STEP:
        if (in->t_step > t) {
            *tb = in->t_step;
            return 1;
        }
        return 0;
    case SH_TRAIN: {
        double T = in->period, th = in->duty * T, e = in->edge;
        double marks[4] = {0, e, th, th + e};
        /* cycle start at or before t */
        double k0 = floor((t + in->phase) / T);
        double best = INFINITY;
        for (int c = 0; c < 2; c++)
            for (int j = 0; j < 4; j++) {
                double b = (k0 + c) * T - in->phase + marks[j];
                /* guard against float noise just at t */
                if (b > t + 1e-12 * fmax(1.0, fabs(t)) && b < best)
                    best = b;
            }
        *tb = best;
        return isfinite(best);
    }
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
        if (lo < tr->n) {
            *tb = tr->t[lo];
            return 1;
        }
        return 0;
    }
    }
    return 0;
}

int dct_profile_next_breakpoint(const dct_profile_set *ps, double t,
                                double *tb)
{
    int found = 0;
    double best = INFINITY;
    for (size_t i = 0; i < ps->n_inst; i++) {
        double b;
        if (inst_next(&ps->inst[i], t, &b) && b < best) {
            best = b;
            found = 1;
        }
    }
    if (found)
        *tb = best;
    return found;
}

/* Whether instance IN's u(t) jumps at TB (a step; a training edge of zero
 * width); kinks of a piecewise-linear u are not jumps. */
static int inst_jumps(const inst *in, double tb)
{
    double tol = 1e-9 * fmax(1.0, fabs(tb));
    switch (in->shape) {
    case SH_STEP:
        return fabs(tb - in->t_step) <= tol;
    case SH_TRAIN: {
        if (in->edge > 0)
            return 0;
        double x = cycle_pos(in, tb), th = in->duty * in->period;
        return x <= tol || fabs(x - th) <= tol ||
               fabs(x - in->period) <= tol;
    }
    default:
        return 0;
    }
}

int dct_profile_jumps_at(const dct_profile_set *ps, double tb)
{
    for (size_t i = 0; i < ps->n_inst; i++)
        if (inst_jumps(&ps->inst[i], tb))
            return 1;
    return 0;
}

const char *dct_profile_name(const dct_profile_set *ps, size_t k)
{
    return ps->inst[ps->rack_inst[k]].name;
}
