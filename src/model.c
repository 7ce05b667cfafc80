/* model.c - assembly: one state vector for the whole facility, the Jacobian
 * sparsity pattern from declared couplings, the two-phase RHS, outputs,
 * margins and root functions (see model.h and model_impl.h).
 *
 * Component order (and so state order): racks, CDUs, facility loops, heat
 * rejection, hall air.  The 800 V DC components register here the same
 * way. */
#include "config.h"
#include "model_impl.h"
#include "weather.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

/* -------------------------------------------------------------- curves */

int dct_curve_init(dct_curve *c, dct_comp *const *pts, size_t n_pts, int xi,
                   int yi, int is_linear, const char *what, dct_diag *d)
{
    memset(c, 0, sizeof *c);
    if (!(c->x = malloc(n_pts * sizeof *c->x)) ||
        !(c->y = malloc(n_pts * sizeof *c->y)))
        return -2;
    for (size_t i = 0; i < n_pts; i++) {
        c->x[i] = pts[i]->q[xi];
        c->y[i] = pts[i]->q[yi];
        if (i && !(c->x[i] > c->x[i - 1])) {
            dct_error(d, pts[i]->file, pts[i]->line,
                      "%s points must be in increasing order", what);
            return -1;
        }
    }
    c->n = n_pts;
    /* steffen: monotone between the points, no overshoot on a flat
     * stretch (the LFP plateau) */
    c->interp = gsl_interp_alloc(n_pts >= 3 && !is_linear
                                     ? gsl_interp_steffen
                                     : gsl_interp_linear,
                                 n_pts);
    c->acc = gsl_interp_accel_alloc();
    if (!c->interp || !c->acc)
        return -2;
    return gsl_interp_init(c->interp, c->x, c->y, n_pts) == GSL_SUCCESS
               ? 0
               : -2;
}

double dct_curve_eval(const dct_curve *c, double x)
{
    double xc = dct_clamp(x, c->x[0], c->x[c->n - 1]);
    return gsl_interp_eval(c->interp, c->x, c->y, xc, c->acc);
}

void dct_curve_free(dct_curve *c)
{
    if (!c)
        return;
    gsl_interp_free(c->interp);
    gsl_interp_accel_free(c->acc);
    free(c->x);
    free(c->y);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------ heat exchangers */

double dct_eps_counterflow(double ntu, double cr)
{
    if (ntu <= 0)
        return 0;
    if (fabs(1 - cr) < 1e-9)
        return ntu / (1 + ntu);
    double e = exp(-ntu * (1 - cr));
    return (1 - e) / (1 - cr * e);
}

double dct_ntu_counterflow(double eps, double cr)
{
    if (eps <= 0)
        return 0;
    if (fabs(1 - cr) < 1e-9)
        return eps < 1 ? eps / (1 - eps) : -1;
    if (eps >= 1 || eps * cr >= 1)
        return -1;
    return log((1 - eps * cr) / (1 - eps)) / (1 - cr);
}

double dct_eps_crossflow(double ntu, double cr)
{
    if (ntu <= 0)
        return 0;
    if (cr < 1e-9)
        return 1 - exp(-ntu);
    return 1 - exp(pow(ntu, 0.22) / cr * (exp(-cr * pow(ntu, 0.78)) - 1));
}

typedef struct eps_target {
    double eps, cr;
} eps_target;

static double eps_resid(double ln_ntu, void *p)
{
    const eps_target *e = p;
    return dct_eps_crossflow(exp(ln_ntu), e->cr) - e->eps;
}

double dct_ntu_crossflow(double eps, double cr)
{
    if (eps <= 0)
        return 0;
    eps_target tg = {eps, cr};
    double lo = log(1e-6), hi = log(1e3);
    if (eps_resid(hi, &tg) <= 0)
        return -1;
    gsl_function f = {eps_resid, &tg};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s || gsl_root_fsolver_set(s, &f, lo, hi) != GSL_SUCCESS) {
        gsl_root_fsolver_free(s);
        return -1;
    }
    double x = lo;
    for (int it = 0; it < 200; it++) {
        gsl_root_fsolver_iterate(s);
        x = gsl_root_fsolver_root(s);
        double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(a, b, 0, 1e-12) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    return exp(x);
}

/* ------------------------------------------------------------ registry */

int dct_model_dep(dct_model *m, const dct_mcomp *a, const dct_mcomp *b,
                  long bs)
{
    return dct_model_dep_row(m, a, DCT_DEP_ALL, b, bs);
}

int dct_model_dep_row(dct_model *m, const dct_mcomp *a, long as,
                      const dct_mcomp *b, long bs)
{
    if (m->n_dep == m->cap_dep) {
        size_t nc = m->cap_dep ? 2 * m->cap_dep : 256;
        struct dep *v = realloc(m->dep, nc * sizeof *v);
        if (!v)
            return -1;
        m->dep = v;
        m->cap_dep = nc;
    }
    m->dep[m->n_dep++] = (struct dep){(size_t)(a - m->comp),
                                      (size_t)(b - m->comp), bs, as};
    return 0;
}

static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? 2 * *cap : 64;
    void *v = realloc(*p, nc * sz);
    if (!v)
        return -1;
    *p = v;
    *cap = nc;
    return 0;
}

/* "A.B" in the model's text arena (blocks of ARENA_BLOCK bytes, freed
 * with the model): the names of 10,000 racks' outputs and margins without
 * one allocation each.  NULL when out of memory. */
#define ARENA_BLOCK 65536
static char *arena_join(dct_model *m, const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    if (len > ARENA_BLOCK)
        return NULL;
    if (m->n_blocks == 0 || m->block_used + len > ARENA_BLOCK) {
        if (grow((void **)&m->blocks, &m->cap_blocks, m->n_blocks,
                 sizeof *m->blocks))
            return NULL;
        char *blk = malloc(ARENA_BLOCK);
        if (!blk)
            return NULL;
        m->blocks[m->n_blocks++] = blk;
        m->block_used = 0;
    }
    char *s = m->blocks[m->n_blocks - 1] + m->block_used;
    snprintf(s, len, "%s.%s", a, b);
    m->block_used += len;
    return s;
}

int dct_model_add_output(dct_model *m, dct_mcomp *c, const char *name)
{
    size_t cap = m->cap_out;
    if (grow((void **)&m->out_name, &cap, m->n_out, sizeof *m->out_name))
        return -1;
    cap = m->cap_out;
    if (grow((void **)&m->out_comp, &cap, m->n_out, sizeof *m->out_comp))
        return -1;
    m->cap_out = cap;
    char *s = arena_join(m, c->id, name);
    if (!s)
        return -1;
    if (c->n_out == 0)
        c->out0 = m->n_out;
    c->n_out++;
    m->out_name[m->n_out] = s;
    m->out_comp[m->n_out++] = c;
    return 0;
}

/* S kept once by the model: margin definitions borrow the copy.  NULL
 * when out of memory. */
static const char *intern(dct_model *m, const char *s)
{
    for (size_t i = 0; i < m->n_strs; i++)
        if (strcmp(m->strs[i], s) == 0)
            return m->strs[i];
    if (grow((void **)&m->strs, &m->cap_strs, m->n_strs, sizeof *m->strs))
        return NULL;
    char *c = strdup(s);
    if (c)
        m->strs[m->n_strs++] = c;
    return c;
}

int dct_model_add_margin(dct_model *m, dct_mcomp *c, const char *quantity,
                         const char *unit, const char *label, double limit,
                         int is_upper, const char *suffix)
{
    size_t cap = m->cap_mar;
    if (grow((void **)&m->mar, &cap, m->n_mar, sizeof *m->mar))
        return -1;
    cap = m->cap_mar;
    if (grow((void **)&m->mar_comp, &cap, m->n_mar, sizeof *m->mar_comp))
        return -1;
    m->cap_mar = cap;
    dct_margin_def *d = &m->mar[m->n_mar];
    memset(d, 0, sizeof *d);
    char qs[160];
    snprintf(qs, sizeof qs, "%s.%s", quantity, suffix);
    if (!(d->id = arena_join(m, c->id, qs)))
        return -1;
    d->component = c->id;
    d->type = c->ct->name;
    /* the callers' texts may live on their stack (a label with a number) */
    if (!(d->quantity = intern(m, quantity)) || !(d->unit = intern(m, unit)) ||
        !(d->label = intern(m, label)))
        return -1;
    d->limit = limit;
    d->is_upper = is_upper;
    d->range = fabs(limit);
    if (c->n_margins == 0)
        c->mar0 = m->n_mar;
    c->n_margins++;
    m->mar_comp[m->n_mar++] = c;
    return 0;
}

void dct_model_margin_nominal(dct_model *m, const dct_mcomp *c,
                              const char *quantity, double nominal)
{
    for (size_t i = c->mar0; c->n_margins && i < c->mar0 + c->n_margins;
         i++)
        if (strcmp(m->mar[i].quantity, quantity) == 0)
            m->mar[i].range = fabs(m->mar[i].limit - nominal);
}

void dct_model_margin_design_last(dct_model *m)
{
    if (m->n_mar)
        m->mar[m->n_mar - 1].is_design = 1;
}

void dct_model_margin_design(dct_model *m, const dct_mcomp *c,
                             const char *quantity)
{
    for (size_t i = c->mar0; c->n_margins && i < c->mar0 + c->n_margins;
         i++)
        if (strcmp(m->mar[i].quantity, quantity) == 0)
            m->mar[i].is_design = 1;
}

void dct_model_margin_magnitude(dct_model *m, const dct_mcomp *c,
                                const char *quantity)
{
    for (size_t i = c->mar0; c->n_margins && i < c->mar0 + c->n_margins;
         i++)
        if (strcmp(m->mar[i].quantity, quantity) == 0)
            m->mar[i].is_magnitude = 1;
}

int dct_model_add_root(dct_model *m, dct_mcomp *c)
{
    if (grow((void **)&m->root_comp, &m->cap_root, m->n_root,
             sizeof *m->root_comp))
        return -1;
    if (c->n_roots == 0)
        c->root0 = m->n_root;
    c->n_roots++;
    m->root_comp[m->n_root++] = c;
    return 0;
}

dct_group *dct_model_group_of(dct_model *m, const dct_mcomp *c)
{
    for (size_t g = 0; g < m->n_group; g++) {
        dct_group *gr = &m->group[g];
        for (size_t i = 0; i < gr->n_cdu; i++)
            if (gr->cdu[i] == c)
                return gr;
        for (size_t i = 0; i < gr->n_rack; i++)
            if (gr->rack[i] == c)
                return gr;
    }
    return NULL;
}

dct_mcomp *dct_model_find(dct_model *m, const dct_comp *sc)
{
    for (size_t i = 0; i < m->n_comp; i++)
        if (m->comp[i].sc == sc)
            return &m->comp[i];
    return NULL;
}

/* ----------------------------------------------------------------- RHS */

static void mix_groups(dct_model *m)
{
    for (size_t g = 0; g < m->n_group; g++) {
        dct_group *gr = &m->group[g];
        double md = 0, h = 0;
        size_t run = 0;
        for (size_t i = 0; i < gr->n_cdu; i++) {
            const dct_mcomp *c = gr->cdu[i];
            md += c->port.mdot;
            h += c->port.mdot * c->port.T;
            run += !c->failed;
        }
        gr->mdot = md;
        gr->n_running = run;
        if (md > 0) {
            gr->T_supply = h / md;
        } else { /* no flow: plain mean, no enthalpy moves anyway */
            double s = 0;
            for (size_t i = 0; i < gr->n_cdu; i++)
                s += gr->cdu[i]->port.T;
            gr->T_supply = s / (double)gr->n_cdu;
        }
        double hr = 0, mr = 0, sr = 0;
        for (size_t i = 0; i < gr->n_rack; i++) {
            const dct_mcomp *r = gr->rack[i];
            double w = r->sc->q[DCT_RACK_FLOW];
            hr += w * r->port.T;
            mr += w;
            sr += r->port.T;
        }
        gr->T_return = mr > 0 ? hr / mr : sr / (double)gr->n_rack;
    }
}

/* The ambient from the weather file at T (--weather, or a scenario's
 * weather=); settling takes the weather at t = 0, the start it settles
 * to. */
static void model_weather(dct_model *m, double t)
{
    double tw = m->is_settling ? 0 : t;
    if (m->weather)
        dct_weather_at(m->weather, m->weather_t0 + tw, &m->T_db,
                       &m->T_wb);
    else
        dct_scenario_weather(m->scenario, tw, &m->T_db, &m->T_wb);
}

static int model_rhs(double t, const double *y, double *ydot, void *ctx)
{
    dct_model *m = ctx;
    m->n_rhs_calls++;
    model_weather(m, t);
    /* an aggregated rack's ports are its representative's, which comes
     * earlier in component order; the sums over racks (CDU group mixing,
     * busways, hall air, energy totals) then count every member */
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (c->rep)
            c->port = c->rep->port;
        else
            c->ct->ports(m, c, t, y);
    }
    mix_groups(m);
    for (size_t i = 0; i < m->n_comp; i++)
        if (!m->comp[i].rep)
            m->comp[i].ct->derivs(m, &m->comp[i], t, y, ydot);
    return 0;
}

/* Called by the solver right after model_rhs at the same (t, y): the
 * ports hold that point's values. */
static int model_qrhs(double t, const double *y, double *q, void *ctx)
{
    dct_model *m = ctx;
    double e_in = 0, e_out = 0, aux = 0, it = 0, grid = 0, gen = 0;
    double bess = 0, loss = 0, src = 0, sink = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *c = &m->comp[i];
        const dct_ctype *ct = c->ct;
        if (ct == &dct_ctype_rack)
            it += c->port.P_el;
        e_in += c->port.P_heat;
        aux += c->port.P_aux;
        loss += c->port.P_loss;
        if (ct == &dct_ctype_heatrej || ct == &dct_ctype_hall)
            e_out += c->port.Q;
        /* the busways' losses (rack converters, conductor I^2 R) are heat
         * into the thermal network: hall air and conductors */
        if (ct == &dct_ctype_busway)
            e_in += c->port.P_loss;
        if (ct == &dct_ctype_grid)
            grid += c->port.P_el;
        double p_bus = c->port.I_bus * c->port.V_bus;
        if (ct == &dct_ctype_generator)
            gen += p_bus;
        if (ct == &dct_ctype_bess)
            bess += p_bus;
        if (ct == &dct_ctype_rectifier || ct == &dct_ctype_generator ||
            ct == &dct_ctype_bess)
            src += p_bus;
        if (ct == &dct_ctype_busway || c->feed == DCT_FEED_UPS)
            sink -= p_bus;   /* the busways and the UPS-fed auxiliaries */
    }
    q[DCT_Q_E_IN] = it + e_in;
    q[DCT_Q_E_OUT] = e_out;
    q[DCT_Q_E_AUX] = aux;
    q[DCT_Q_E_IT] = it;
    q[DCT_Q_E_GRID] = grid;
    q[DCT_Q_E_GEN] = gen;
    q[DCT_Q_E_BESS] = bess;
    q[DCT_Q_E_LOSS] = loss;
    q[DCT_Q_E_SRC] = src;
    q[DCT_Q_E_SINK] = sink;
    /* the whole-site ledger: each component's flows, at these ports (an
     * aggregated member's are its representative's copy) */
    double *l = q + DCT_Q_LEDGER;
    for (size_t k = 0; k < DCT_NL; k++)
        l[k] = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *c = &m->comp[i];
        if (c->ct->ledger)
            c->ct->ledger(m, c, l);
    }
    (void)t, (void)y;
    return 0;
}

const dct_ledger_term dct_ledger_terms[DCT_NL] = {
#define X(tag, name, kind, doc) {name, kind, doc},
    DCT_LEDGER_TERMS(X)
#undef X
};

static int refresh(dct_model *m, double t, const double *y);

static int model_roots(double t, const double *y, double *g, void *ctx)
{
    dct_model *m = ctx;
    /* a root may read what the RHS computes (a busway's current): at
     * (t, y), not at the last point the solver evaluated, which during
     * the root search is another time */
    if (refresh(m, t, y))
        return -1;
    for (size_t i = 0; i < m->n_root; i++) {
        dct_mcomp *c = m->root_comp[i];
        g[i] = c->ct->root(m, c, i - c->root0, t, y);
    }
    return 0;
}

void dct_model_root_crossed(dct_model *m, size_t i, int dir)
{
    if (i < m->n_root && dir)
        m->root_on[i] = dir > 0;
}

static void model_roots_crossed(double t, const int *found, void *ctx)
{
    dct_model *m = ctx;
    (void)t;
    for (size_t i = 0; i < m->n_root; i++)
        dct_model_root_crossed(m, i, found[i]);
}

int dct_model_root_is_on(const dct_model *m, const dct_mcomp *c, size_t k)
{
    return m->root_on && c->root0 + k < m->n_root && m->root_on[c->root0 + k];
}

static int model_next_bp(double t, double *tb, void *ctx)
{
    dct_model *m = ctx;
    if (m->is_settling)
        return 0;
    double tp;
    int has = dct_profile_next_breakpoint(m->profiles, t, &tp);
    /* the first scenario event after T (binary search: the answer does
     * not depend on which events were applied) */
    const dct_scenario *sc = m->scenario;
    if (sc && sc->n_ev) {
        size_t lo = 0, hi = sc->n_ev;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sc->ev[mid].t > t)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (lo < sc->n_ev && (!has || sc->ev[lo].t < tp)) {
            tp = sc->ev[lo].t;
            has = 1;
        }
    }
    double tw;
    const dct_weather *w = m->weather;
    int has_w = w ? dct_weather_next(w, m->weather_t0 + t, &tw)
                  : dct_scenario_weather_next(sc, t, &tw);
    if (has_w && w)
        tw -= m->weather_t0;
    if (has_w && (!has || tw < tp)) {
        tp = tw;
        has = 1;
    }
    for (size_t i = 0; i < m->n_comp; i++) {
        double tc;
        const dct_mcomp *c = &m->comp[i];
        if (c->ct->next_bp && c->ct->next_bp(m, c, t, &tc) &&
            (!has || tc < tp)) {
            tp = tc;
            has = 1;
        }
    }
    if (m->qs_resume > t && (!has || m->qs_resume < tp)) {
        tp = m->qs_resume;
        has = 1;
    }
    if (has)
        *tb = tp;
    return has;
}

/* Apply the scenario events up to time T (inclusive). */
static void apply_events(dct_model *m, double t)
{
    const dct_scenario *sc = m->scenario;
    m->fresh_call = 0;   /* the model changes: refresh again */
    int feeds = 0;
    while (sc && m->next_event < sc->n_ev && sc->ev[m->next_event].t <= t) {
        const dct_event *e = &sc->ev[m->next_event++];
        /* profile and scale events live in the profile set; the weather
         * file is read at every RHS call (model_rhs) */
        if (e->kind == DCT_EV_PROFILE || e->kind == DCT_EV_SCALE ||
            e->kind == DCT_EV_WEATHER)
            continue;
        if (e->kind == DCT_EV_SET && strcmp(e->target, "ambient") == 0) {
            if (e->param == DCT_AMBIENT_DRY_BULB)
                m->T_db = e->value;
            else if (e->param == DCT_AMBIENT_WET_BULB)
                m->T_wb = e->value;
            continue;
        }
        const dct_comp *rec = dct_site_get(m->site, e->target);
        dct_mcomp *c = rec ? dct_model_find(m, rec) : NULL;
        if (!c)
            continue;
        if (e->kind == DCT_EV_SET) {
            if (c->ct == &dct_ctype_cdu)
                dct_cdu_set_setpoint(c, e->value);
            else if (c->ct == &dct_ctype_loop)
                dct_loop_set_setpoint(m, c, e->value);
            else if (c->ct == &dct_ctype_bess)
                dct_bess_set_peak_cap(c, e->value);
            continue;
        }
        int is_fail = e->kind == DCT_EV_FAIL;
        if (c->ct == &dct_ctype_busway)
            feeds = 1;
        if (e->fans > 0) {
            c->fans_out += is_fail ? e->fans : -e->fans;
            if (c->fans_out < 0)
                c->fans_out = 0;
            continue;
        }
        if (e->units > 0) {
            c->units_out += is_fail ? e->units : -e->units;
            if (c->units_out < 0)
                c->units_out = 0;
            if (is_fail)
                c->t_unit_out = e->t;
            else {
                c->t_unit_in = e->t;
                c->units_in = e->units;
            }
            continue;
        }
        if (c->ct == &dct_ctype_grid) {
            if (is_fail && !c->failed)
                m->grid_lost_at = e->t;
            else if (!is_fail)
                m->grid_lost_at = -1;
        }
        c->failed = is_fail;
    }
    if (feeds)
        dct_busway_feeds(m);
}

/* 1 when a load jumps at TB, a scenario event falls there, or a
 * component has a discontinuity there. */
static int bp_jumps(dct_model *m, double tb)
{
    double tol = 1e-9 * fmax(1.0, fabs(tb));
    if (dct_profile_jumps_at(m->profiles, tb))
        return 1;
    const dct_scenario *sc = m->scenario;
    for (size_t i = 0; sc && i < sc->n_ev; i++)
        if (fabs(sc->ev[i].t - tb) <= tol)
            return 1;
    for (size_t i = 0; i < m->n_comp; i++) {
        double tc;
        const dct_mcomp *c = &m->comp[i];
        if (c->ct->next_bp && c->ct->next_bp(m, c, tb - 2 * tol, &tc) &&
            fabs(tc - tb) <= tol)
            return 1;
    }
    return 0;
}

/* Each cooling auxiliary whose supply went or came back at TB (after
 * the events there: a grid loss or return, a generator's breaker
 * closing or its failure), queued for events.csv (AUXILIARY FEEDS in
 * dctwin-models(7)).  Returns 0, -1 out of memory. */
static int aux_supply_check(dct_model *m, double tb)
{
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (c->feed == DCT_FEED_NONE)
            continue;
        int on = dct_aux_powered(m, c, tb);
        if (on == c->aux_on)
            continue;
        if (grow((void **)&m->aux_ev, &m->cap_aux_ev, m->n_aux_ev,
                 sizeof *m->aux_ev))
            return -1;
        m->aux_ev[m->n_aux_ev++] = (struct dct_aux_ev){tb, i, on};
        c->aux_on = on;
        if (on)
            c->t_aux_on = tb;
    }
    return 0;
}

int dct_model_take_aux_event(dct_model *m, double t, double *te,
                             const char **component, const char **event)
{
    if (m->next_aux_ev >= m->n_aux_ev || m->aux_ev[m->next_aux_ev].t > t)
        return 0;
    const struct dct_aux_ev *a = &m->aux_ev[m->next_aux_ev++];
    *te = a->t;
    *component = m->comp[a->k].id;
    *event = a->on ? "aux-supply-restored" : "aux-supply-lost";
    return 1;
}

/* f is continuous across TB unless it jumps there (bp_jumps) or the
 * electrical equations switch there. */
static int model_is_smooth_bp(double tb, void *ctx)
{
    dct_model *m = ctx;
    double tol = 1e-9 * fmax(1.0, fabs(tb));
    return !bp_jumps(m, tb) &&
           !(m->qs_switch >= 0 && fabs(tb - m->qs_switch) <= tol);
}

static int refresh(dct_model *m, double t, const double *y);

static int model_at_bp(double tb, double *y, void *ctx)
{
    dct_model *m = ctx;
    /* a quasi-static run resolves the DC plant dynamically for
     * DCT_QS_WINDOW after every jump (dctwin-models(7), POWER) */
    if (m->opts.electrical == DCT_ELEC_QUASI_STATIC && !m->is_settling) {
        double tol = 1e-9 * fmax(1.0, fabs(tb));
        if (bp_jumps(m, tb)) {
            if (m->elec_qs) {
                /* the quasi-static values before the jump */
                if (refresh(m, tb, y))
                    return -1;
                dct_power_quasi_static(m, 0, y);
                m->qs_switch = tb;
            }
            m->qs_resume = tb + DCT_QS_WINDOW;
        } else if (m->qs_resume >= 0 && tb >= m->qs_resume - tol) {
            if (dct_power_ramping(m, tb, y)) {
                m->qs_resume = tb + DCT_QS_WINDOW;
            } else {
                dct_power_quasi_static(m, 1, y);
                m->qs_resume = -1;
                m->qs_switch = tb;
            }
        }
    }
    apply_events(m, tb);
    return m->is_settling ? 0 : aux_supply_check(m, tb);
}

void dct_model_start(dct_model *m)
{
    m->fresh_call = 0;
    m->next_event = 0;
    if (m->root_on)
        memset(m->root_on, 0, m->n_root);
    m->grid_lost_at = -1;
    m->qs_resume = m->qs_switch = -1;
    dct_power_quasi_static(m, m->opts.electrical == DCT_ELEC_QUASI_STATIC,
                           NULL);
    /* the setpoints and ambient of the site, whatever a run changed */
    const dct_comp *amb = m->site->ambient;
    m->T_db = amb ? amb->q[DCT_AMBIENT_DRY_BULB] : C2K(25);
    m->T_wb = amb ? amb->q[DCT_AMBIENT_WET_BULB] : C2K(18);
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (c->ct == &dct_ctype_cdu)
            dct_cdu_set_setpoint(c, c->sc->q[DCT_CDU_SUPPLY_SETPOINT]);
        else if (c->ct == &dct_ctype_loop)
            dct_loop_set_setpoint(
                m, c, c->sc->q[DCT_FACILITY_LOOP_SUPPLY_SETPOINT]);
        else if (c->ct == &dct_ctype_bess)
            dct_bess_set_peak_cap(c, c->sc->q[DCT_BESS_PEAK_CAP]);
    }
    for (size_t i = 0; i < m->n_comp; i++) {
        m->comp[i].failed = 0;
        m->comp[i].units_out = 0;
        m->comp[i].t_unit_out = -1;
        m->comp[i].fans_out = 0;
        m->comp[i].t_unit_in = -1;
        m->comp[i].units_in = 0;
    }
    dct_busway_feeds(m);
    apply_events(m, 0.0);
    /* the auxiliaries' supplies from t = 0: a scenario that opens with a
     * grid loss gives its events at 0 */
    m->n_aux_ev = m->next_aux_ev = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        m->comp[i].aux_on = 1;
        m->comp[i].t_aux_on = -INFINITY;
    }
    if (aux_supply_check(m, 0.0))
        m->n_aux_ev = 0;   /* out of memory: not fatal here; none queued */
}

/* ------------------------------------------------ dense Jacobian rows */

/* A row of a DC bus, a facility loop, a heat rejection or the hall air
 * that holds more than this many columns is left out of the colouring (it
 * would put every one of them in a colour of its own) and filled column
 * by column instead (model_fd_fill). */
#define DCT_DENSE_ROW 32

/* The base point of a Jacobian: ports and state at (T, Y). */
static int model_fd_begin(double t, const double *y, void *ctx)
{
    dct_model *m = ctx;
    int rc = model_rhs(t, y, m->fd_f, m);
    for (size_t i = 0; i < m->n_comp; i++)
        m->port0[i] = m->comp[i].port;
    memcpy(m->fd_y, y, m->n * sizeof *y);
    return rc;
}

/* Set component K's port to PORT, and its aliases' (they copy it). */
static void fd_set_port(dct_model *m, size_t k, const dct_port *ports)
{
    m->comp[k].port = ports[k];
    for (size_t a = m->alias_first[k]; a; a = m->alias_next[a - 1])
        m->comp[a - 1].port = ports[a - 1];
}

/* The left-out rows of the columns COLS, after the RHS at the colour's
 * point.  They are rows of DC buses, facility loops, heat rejection and
 * hall air, whose derivatives read only their own states, their own and
 * each other's ports, and other components' phase-1 ports (currents into
 * a bus, heat into the air, the CDUs' primary flows).  For column j the
 * components whose rows hold j are the only ones whose ports can move
 * with y_j (a port is computed from what its component's rows depend on),
 * and no other column of the colour shares a row with them: so with every
 * port at the base point except theirs at the colour's point, and the
 * left-out components re-evaluated at y + h e_j, their derivatives are
 * f(y + h e_j) as plain differences give it (check_model compares). */
static int model_fd_fill(double t, const double *y, const double *f0,
                         const size_t *cols, size_t n_cols, const double *inc,
                         double *val, void *ctx)
{
    dct_model *m = ctx;
    for (size_t i = 0; i < m->n_comp; i++) {
        m->port1[i] = m->comp[i].port;
        m->comp[i].port = m->port0[i];
    }
    for (size_t p = 0; p < n_cols; p++) {
        size_t j = cols[p];
        long q0 = m->colptr[j], q1 = m->colptr[j + 1];
        int has = 0;
        for (long q = q0; q < q1 && !has; q++)
            has = m->fd_skip[m->rowind[q]];
        if (!has)
            continue;
        /* the components of the rows of column j: those with left-out
         * rows (re-evaluated, listed first in state order) and the
         * others (their ports at the colour's point) */
        size_t nl = 0, nd = 0;
        for (long q = q0; q < q1; q++) {
            size_t i = (size_t)m->rowind[q], k = m->owner[i];
            if (m->fd_mark[k])
                continue;
            m->fd_mark[k] = 1;
            m->fd_list[nl++] = k;
            if (!m->comp[k].fd_dense)
                fd_set_port(m, k, m->port1);
        }
        m->fd_y[j] = y[j] + inc[j];
        for (size_t a = 0; a < nl; a++) {
            dct_mcomp *d = &m->comp[m->fd_list[a]];
            if (d->fd_dense) {
                d->ct->ports(m, d, t, m->fd_y);
                nd++;
            }
        }
        for (size_t a = 0; a < nl && nd; a++) {
            dct_mcomp *d = &m->comp[m->fd_list[a]];
            if (d->fd_dense)
                d->ct->derivs(m, d, t, m->fd_y, m->fd_f);
        }
        for (long q = q0; q < q1; q++) {
            size_t i = (size_t)m->rowind[q];
            if (m->fd_skip[i])
                val[q] = (m->fd_f[i] - f0[i]) / inc[j];
        }
        m->fd_y[j] = y[j];
        for (size_t a = 0; a < nl; a++) {
            fd_set_port(m, m->fd_list[a], m->port0);
            m->fd_mark[m->fd_list[a]] = 0;
        }
    }
    return 0;
}

/* Choose the dense rows and allocate what model_fd_fill needs.  Returns
 * 0 (also when there is none), -1 out of memory. */
static int setup_dense_rows(dct_model *m)
{
    size_t *cnt = calloc(m->n, sizeof *cnt);
    if (!cnt)
        return -1;
    for (long q = 0; q < m->colptr[m->n]; q++)
        cnt[m->rowind[q]]++;
    size_t n_skip = 0;
    m->fd_skip = calloc(m->n, 1);
    m->owner = malloc(m->n * sizeof *m->owner);
    if (!m->fd_skip || !m->owner) {
        free(cnt);
        return -1;
    }
    for (size_t k = 0; k < m->n_comp; k++) {
        dct_mcomp *c = &m->comp[k];
        for (size_t i = c->off; i < c->off + c->n_states; i++) {
            m->owner[i] = k;
            if ((c->ct == &dct_ctype_dcbus || c->ct == &dct_ctype_hall ||
                 c->ct == &dct_ctype_loop || c->ct == &dct_ctype_heatrej) &&
                cnt[i] > (m->opts.dense_row ? m->opts.dense_row
                                            : DCT_DENSE_ROW)) {
                m->fd_skip[i] = 1;
                m->comp[k].fd_dense = 1;
                n_skip++;
            }
        }
    }
    free(cnt);
    if (!n_skip)
        return 0;
    m->port0 = malloc(m->n_comp * sizeof *m->port0);
    m->port1 = malloc(m->n_comp * sizeof *m->port1);
    m->fd_y = malloc(m->n * sizeof *m->fd_y);
    m->fd_f = malloc(m->n * sizeof *m->fd_f);
    m->fd_mark = calloc(m->n_comp, 1);
    m->fd_list = malloc(m->n_comp * sizeof *m->fd_list);
    if (!m->port0 || !m->port1 || !m->fd_y || !m->fd_f || !m->fd_mark ||
        !m->fd_list)
        return -1;
    m->ode.fd_skip = m->fd_skip;
    m->ode.fd_begin = model_fd_begin;
    m->ode.fd_fill = model_fd_fill;
    return 0;
}

/* ------------------------------------------------------------- pattern */

static int cmp_pair(const void *a, const void *b)
{
    const long *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : (x[1] > y[1]);
}

/* Build the CSC pattern: (col, row) pairs from own blocks and deps. */
static int build_pattern(dct_model *m)
{
    size_t np = 0, cap = 0;
    long *pr = NULL;
#define PUSH(col, row)                                                      \
    do {                                                                    \
        if (np == cap) {                                                    \
            cap = cap ? 2 * cap : 4096;                                     \
            long *v_ = realloc(pr, 2 * cap * sizeof *v_);                   \
            if (!v_) {                                                      \
                free(pr);                                                   \
                return -1;                                                  \
            }                                                               \
            pr = v_;                                                        \
        }                                                                   \
        pr[2 * np] = (long)(col);                                           \
        pr[2 * np + 1] = (long)(row);                                       \
        np++;                                                               \
    } while (0)
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *c = &m->comp[i];
        for (size_t a = 0; a < c->n_states; a++)
            for (size_t b = 0; b < c->n_states; b++)
                if (c->own ? c->own[a * c->n_states + b]
                           : !c->own_chain || b == a || b + 1 == a)
                    PUSH(c->off + b, c->off + a);
    }
    for (size_t k = 0; k < m->n_dep; k++) {
        const dct_mcomp *a = &m->comp[m->dep[k].a], *b = &m->comp[m->dep[k].b];
        long bs = m->dep[k].bs;
        if (!b->n_states)
            continue;
        if (bs == DCT_DEP_LAST)
            bs = (long)b->n_states - 1;
        size_t b0 = bs < 0 ? 0 : (size_t)bs;
        size_t b1 = bs < 0 ? b->n_states : b0 + 1;
        long as = m->dep[k].as;
        size_t r0 = as < 0 ? 0 : (size_t)as;
        size_t r1 = as < 0 ? a->n_states : r0 + 1;
        if (r1 > a->n_states)
            continue;
        for (size_t r = r0; r < r1; r++)
            for (size_t cc = b0; cc < b1; cc++)
                PUSH(b->off + cc, a->off + r);
    }
#undef PUSH
    if (np > 1)
        qsort(pr, np, 2 * sizeof *pr, cmp_pair);
    m->colptr = calloc(m->n + 1, sizeof *m->colptr);
    m->rowind = malloc((np ? np : 1) * sizeof *m->rowind);
    if (!m->colptr || !m->rowind) {
        free(pr);
        return -1;
    }
    size_t nnz = 0;
    for (size_t k = 0; k < np; k++) {
        if (k && pr[2 * k] == pr[2 * k - 2] && pr[2 * k + 1] == pr[2 * k - 1])
            continue;
        m->rowind[nnz++] = pr[2 * k + 1];
        m->colptr[pr[2 * k] + 1]++;
    }
    for (size_t j = 0; j < m->n; j++)
        m->colptr[j + 1] += m->colptr[j];
    free(pr);
    return 0;
}

/* --------------------------------------------------------- aggregation */

/* Two numbers equal, NAN equal to NAN (a parameter absent on both). */
static int same_q(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Whether racks A and B obey the same ODE: every parameter but the id
 * and count, the flow-requirement points, the profile instance (profile,
 * phase, jitter), the CDU group and the busways of their rows. */
static int same_rack(dct_model *m, const dct_mcomp *a, const dct_mcomp *b)
{
    const dct_comp *x = a->sc, *y = b->sc;
    for (int k = 0; k < DCT_RACK_NP; k++)
        if (k != DCT_RACK_ID && k != DCT_RACK_COUNT &&
            !same_q(x->q[k], y->q[k]))
            return 0;
    if (x->n_pts != y->n_pts)
        return 0;
    for (size_t i = 0; i < x->n_pts; i++)
        for (int k = 0; k < DCT_FLOW_REQ_NP; k++)
            if (!same_q(x->pts[i]->q[k], y->pts[i]->q[k]))
                return 0;
    if (!dct_profile_same(m->profiles, a->tindex, b->tindex))
        return 0;
    if (dct_model_group_of(m, a) != dct_model_group_of(m, b))
        return 0;
    const dct_reflist *ba = &x->parent->ref[DCT_ROW_BUSWAY],
                      *bb = &y->parent->ref[DCT_ROW_BUSWAY];
    if (ba->n != bb->n)
        return 0;
    for (size_t i = 0; i < ba->n; i++)
        if (ba->v[i] != bb->v[i])
            return 0;
    return 1;
}

/* Whether CDUs A and B obey the same ODE: every parameter but the id and
 * group (numbers equal, text equal where there is no number: the
 * redundancy), the same facility loop and the same CDU group. */
static int same_cdu(dct_model *m, const dct_mcomp *a, const dct_mcomp *b)
{
    const dct_comp *x = a->sc, *y = b->sc;
    for (int k = 0; k < DCT_CDU_NP; k++) {
        if (k == DCT_CDU_ID || k == DCT_CDU_GROUP)
            continue;
        if (!same_q(x->q[k], y->q[k]))
            return 0;
        if (isnan(x->q[k]) && k != DCT_CDU_LOOP &&
            (!x->s[k] != !y->s[k] || (x->s[k] && strcmp(x->s[k], y->s[k]))))
            return 0;
    }
    return x->ref[DCT_CDU_LOOP].v[0] == y->ref[DCT_CDU_LOOP].v[0] &&
           dct_model_group_of(m, a) == dct_model_group_of(m, b);
}

/* Whether a scenario event names component C (it must keep its own
 * states: the event makes it differ from its twins). */
static int is_scenario_target(const dct_model *m, const dct_mcomp *c)
{
    const dct_scenario *sc = m->scenario;
    /* profile= and scale= events are in the racks' profile uses, which
     * aggregation compares (dct_profile_same) */
    for (size_t i = 0; sc && i < sc->n_ev; i++)
        if (sc->ev[i].kind != DCT_EV_PROFILE &&
            sc->ev[i].kind != DCT_EV_SCALE && sc->ev[i].target &&
            strcmp(sc->ev[i].target, c->id) == 0)
            return 1;
    return 0;
}

/* Hash of the numeric parameters (but the first, the id), the type, and
 * for a rack its profile instance and its row's busways, so that a
 * component is compared with few candidates. */
static size_t comp_hash(dct_model *m, const dct_mcomp *c)
{
    const dct_comp *x = c->sc;
    int is_rack = c->ct == &dct_ctype_rack;
    int np = is_rack ? DCT_RACK_NP : DCT_CDU_NP;
    size_t h = 1469598103934665603u ^ (size_t)is_rack;
    for (int k = 1; k < np; k++) {
        if ((is_rack && k == DCT_RACK_COUNT) || isnan(x->q[k]))
            continue;
        unsigned char b[sizeof(double)];
        memcpy(b, &x->q[k], sizeof b);
        for (size_t i = 0; i < sizeof b; i++)
            h = (h ^ b[i]) * 1099511628211u;
    }
    if (!is_rack)
        return h;
    h = (h ^ dct_profile_key(m->profiles, c->tindex)) * 1099511628211u;
    const dct_reflist *bl = &x->parent->ref[DCT_ROW_BUSWAY];
    for (size_t i = 0; i < bl->n; i++)
        h = (h ^ bl->v[i]->index) * 1099511628211u;
    return h;
}

/* Whether C may be aggregated at all: a rack in a row, or a CDU that is
 * not its group's first (which alone carries the group's redundancy
 * margin); and no scenario event names it. */
static int may_aggregate(dct_model *m, const dct_mcomp *c)
{
    if (c->ct == &dct_ctype_rack)
        return c->sc->parent && !is_scenario_target(m, c);
    if (c->ct != &dct_ctype_cdu)
        return 0;
    const dct_group *g = dct_model_group_of(m, c);
    return g && g->cdu[0] != c && !is_scenario_target(m, c);
}

/* Exact aggregation of identical racks and CDUs: each one identical to an
 * earlier one becomes an alias of the first of them (dctwin-models(7),
 * NUMERICAL METHOD).  Those named by a scenario event stay on their own.
 * Returns 0, or -1 out of memory. */
static int aggregate(dct_model *m)
{
    size_t nb = 1;
    while (nb < 2 * m->n_comp)
        nb *= 2;
    /* open addressing over the representatives: slot = comp index + 1 */
    size_t *tab = calloc(nb, sizeof *tab);
    size_t *hs = calloc(m->n_comp ? m->n_comp : 1, sizeof *hs);
    if (!tab || !hs) {
        free(tab);
        free(hs);
        return -1;
    }
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (!may_aggregate(m, c))
            continue;
        size_t h = hs[i] = comp_hash(m, c), s = h & (nb - 1);
        for (; tab[s]; s = (s + 1) & (nb - 1)) {
            dct_mcomp *r = &m->comp[tab[s] - 1];
            if (hs[tab[s] - 1] == h && r->ct == c->ct &&
                (c->ct == &dct_ctype_rack ? same_rack(m, c, r)
                                          : same_cdu(m, c, r))) {
                c->rep = r;
                m->n_alias++;
                break;
            }
        }
        if (!c->rep)
            tab[s] = i + 1;
    }
    free(tab);
    free(hs);
    return 0;
}

/* --------------------------------------------------------------- build */

static int link_aliases(dct_model *m);

static int build_groups(dct_model *m, dct_diag *d)
{
    const dct_site *s = m->site;
    size_t n_rows = dct_site_find(s, DCT_T_ROW, NULL, 0);
    m->group = calloc(n_rows ? n_rows : 1, sizeof *m->group);
    if (!m->group)
        return -1;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *row = s->comps[i];
        if (row->type != DCT_T_ROW || row->is_model)
            continue;
        const dct_reflist *cl = &row->ref[DCT_ROW_CDU];
        dct_group *g = NULL;
        for (size_t k = 0; k < m->n_group && !g; k++) {
            dct_group *o = &m->group[k];
            int same = o->n_cdu == cl->n, shared = 0;
            for (size_t a = 0; a < cl->n; a++) {
                int in = 0;
                for (size_t b = 0; b < o->n_cdu; b++)
                    in |= o->cdu[b]->sc == cl->v[a];
                same &= in;
                shared |= in;
            }
            if (same)
                g = o;
            else if (shared) {
                dct_error(d, row->file, row->line,
                          "row %s shares a CDU with another row but lists "
                          "different CDUs; rows sharing CDUs must list the "
                          "same ones (one CDU group)",
                          row->id);
                return -1;
            }
        }
        if (!g) {
            g = &m->group[m->n_group++];
            g->cdu = calloc(cl->n, sizeof *g->cdu);
            if (!g->cdu)
                return -1;
            for (size_t a = 0; a < cl->n; a++)
                g->cdu[g->n_cdu++] = dct_model_find(m, cl->v[a]);
        }
        /* room for this row's racks (not every rack of the site per
         * group: that is quadratic in memory on a 10,000-rack site) */
        size_t nr = 0;
        for (size_t k = 0; k < m->n_comp; k++)
            nr += m->comp[k].ct == &dct_ctype_rack &&
                  m->comp[k].sc->parent == row;
        dct_mcomp **v = realloc(g->rack, (g->n_rack + nr + 1) * sizeof *v);
        if (!v)
            return -1;
        g->rack = v;
        for (size_t k = 0; k < m->n_comp; k++) {
            dct_mcomp *r = &m->comp[k];
            if (r->ct == &dct_ctype_rack && r->sc->parent == row) {
                g->rack[g->n_rack++] = r;
                g->mdot_design += r->sc->q[DCT_RACK_FLOW] * DCT_RHO_TCS;
            }
        }
    }
    for (size_t k = 0; k < m->n_group; k++)
        m->group[k].n_running = m->group[k].n_cdu;
    return 0;
}

dct_model *dct_model_build(const dct_site *s, const dct_model_opts *o,
                           dct_diag *d)
{
    dct_model *m = calloc(1, sizeof *m);
    if (!m)
        goto oom;
    m->site = s;
    if (o)
        m->opts = *o;
    const dct_comp *amb = s->ambient;
    m->T_db = amb ? amb->q[DCT_AMBIENT_DRY_BULB] : C2K(25);
    m->T_wb = amb ? amb->q[DCT_AMBIENT_WET_BULB] : C2K(18);
    m->T_dew = amb ? amb->q[DCT_AMBIENT_DEW_POINT] : C2K(12);
    if (m->T_wb > m->T_db) {
        dct_error(d, amb->file, amb->line,
                  "ambient wet bulb is above the dry bulb");
        goto fail;
    }
    m->grid_lost_at = -1;
    m->elec_qs = m->opts.electrical == DCT_ELEC_QUASI_STATIC;
    m->qs_resume = m->qs_switch = -1;
    m->scenario = m->opts.scenario;
    m->profiles = dct_profile_set_new(s, m->opts.profile, m->opts.seed, d);
    if (m->profiles &&
        dct_scenario_apply_profiles(m->opts.scenario, s, m->profiles, d)) {
        dct_profile_set_free(m->profiles);
        m->profiles = NULL;
    }
    if (!m->profiles)
        goto fail;
    /* components, in state order */
    static const struct {
        dct_type t;
        const dct_ctype *ct;
    } order[] = {{DCT_T_RACK, &dct_ctype_rack},
                 {DCT_T_CDU, &dct_ctype_cdu},
                 {DCT_T_FACILITY_LOOP, &dct_ctype_loop},
                 {DCT_T_HEAT_REJECTION, &dct_ctype_heatrej},
                 {DCT_T_HALL_AIR, &dct_ctype_hall},
                 /* power after cooling: the grid reads the cooling's
                  * auxiliary power in the same RHS phase */
                 {DCT_T_DC_BUS, &dct_ctype_dcbus},
                 {DCT_T_RECTIFIER, &dct_ctype_rectifier},
                 {DCT_T_BUSWAY, &dct_ctype_busway},
                 {DCT_T_BESS, &dct_ctype_bess},
                 {DCT_T_GENERATOR, &dct_ctype_generator},
                 {DCT_T_GRID, &dct_ctype_grid}};
    size_t n = 0;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        n += dct_site_find(s, order[k].t, NULL, 0);
    m->comp = calloc(n ? n : 1, sizeof *m->comp);
    if (!m->comp)
        goto oom;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        size_t ti = 0;
        for (size_t i = 0; i < s->n_comps; i++) {
            const dct_comp *sc = s->comps[i];
            if (sc->type != order[k].t || sc->is_model)
                continue;
            dct_mcomp *c = &m->comp[m->n_comp++];
            c->ct = order[k].ct;
            c->sc = sc;
            c->id = sc->id;
            c->tindex = ti++;
        }
    }
    if (build_groups(m, d))
        goto fail;
    /* the auxiliaries' supplies, known before any setup */
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (c->ct == &dct_ctype_grid && !m->aux_grid)
            m->aux_grid = c;
        else if (c->ct == &dct_ctype_dcbus && !m->aux_bus) {
            m->aux_bus = c;
            m->aux_eta = c->sc->q[DCT_DC_BUS_AUX_EFFICIENCY];
        } else if (c->ct == &dct_ctype_generator && !m->aux_gen)
            m->aux_gen = c;
    }
    if (!m->opts.no_aggregate && aggregate(m))
        goto oom;
    size_t errs = d->n_errors;
    for (size_t i = 0; i < m->n_comp; i++) {
        if (m->comp[i].ct->setup(m, &m->comp[i], d) && d->n_errors == errs)
            goto oom;
        /* an alias keeps its outputs, margins and roots but no states;
         * couplings to it then add nothing to the pattern */
        if (m->comp[i].rep)
            m->comp[i].n_states = 0;
    }
    if (d->n_errors != errs)
        goto fail;
    for (size_t i = 0; i < m->n_comp; i++) {
        m->comp[i].off = m->n;
        m->n += m->comp[i].n_states;
    }
    if (m->n == 0) {
        dct_error(d, s->file, 0, "the site has nothing to simulate");
        goto fail;
    }
    if (build_pattern(m) || link_aliases(m))
        goto oom;
    /* error control: a temperature on its rise above the site's design
     * ambient dry bulb, the sink every heat path ends in (NUMERICS in
     * dctwin-models(7)) */
    if (!(m->y_ref = calloc(m->n, sizeof *m->y_ref)))
        goto oom;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *c = &m->comp[i];
        for (size_t k = c->temp0; k < c->temp0 + c->n_temp &&
                                  k < c->n_states; k++)
            m->y_ref[c->off + k] = m->T_db;
    }
    /* the junction block: the K junction states weighed sqrt(N / K) in
     * CVODE's RMS norm over N = n + nq entries, so that the norm's bound
     * holds on the block's own RMS (NUMERICAL METHOD in dctwin-models(7)) */
    if (!(m->w_scale = malloc(m->n * sizeof *m->w_scale)))
        goto oom;
    for (size_t i = 0; i < m->n_comp; i++) {   /* dct_model_start */
        m->comp[i].aux_on = 1;
        m->comp[i].t_aux_on = -INFINITY;
    }
    {
        size_t k_j = 0;
        for (size_t i = 0; i < m->n; i++)
            m->w_scale[i] = 1;
        for (size_t i = 0; i < m->n_comp; i++)
            for (size_t k = 0; k < m->comp[i].n_states && k < 32; k++)
                k_j += m->comp[i].junc_mask >> k & 1;
        double f = k_j ? sqrt((double)(m->n + DCT_NQ) / (double)k_j) : 1;
        for (size_t i = 0; i < m->n_comp; i++)
            for (size_t k = 0; k < m->comp[i].n_states && k < 32; k++)
                if (m->comp[i].junc_mask >> k & 1)
                    m->w_scale[m->comp[i].off + k] = f;
    }
    /* the dependencies served the pattern only; the margin tables are
     * final: give back what the doubling left over */
    free(m->dep);
    m->dep = NULL;
    m->n_dep = m->cap_dep = 0;
    if (m->n_mar && m->n_mar < m->cap_mar) {
        dct_margin_def *md = realloc(m->mar, m->n_mar * sizeof *md);
        dct_mcomp **mc = realloc(m->mar_comp, m->n_mar * sizeof *mc);
        if (md)
            m->mar = md;
        if (mc)
            m->mar_comp = mc;
        m->cap_mar = m->n_mar;    /* safe for both, shrunk or not */
    }
    m->ode = (dct_ode){
        .n = m->n,
        .colptr = m->colptr,
        .rowind = m->rowind,
        .rhs = model_rhs,
        .jac = NULL,
        .nq = DCT_NQ,
        .qrhs = model_qrhs,
        .nroots = m->n_root,
        .roots = m->n_root ? model_roots : NULL,
        .roots_crossed = m->n_root ? model_roots_crossed : NULL,
        .next_breakpoint = model_next_bp,
        .at_breakpoint = model_at_bp,
        .is_smooth_bp = model_is_smooth_bp,
        .ctx = m,
        .y_ref = m->y_ref,
        .w_scale = m->w_scale,
    };
    if (setup_dense_rows(m))
        goto oom;
    if (m->n_root && !(m->root_on = calloc(m->n_root, 1)))
        goto oom;
    return m;
oom:
    dct_error(d, NULL, 0, "out of memory building the model");
fail:
    dct_model_free(m);
    return NULL;
}

void dct_model_free(dct_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_comp; i++)
        if (m->comp[i].ct->free && m->comp[i].data)
            m->comp[i].ct->free(&m->comp[i]);
    free(m->comp);
    for (size_t g = 0; g < m->n_group; g++) {
        free(m->group[g].cdu);
        free(m->group[g].rack);
    }
    free(m->group);
    free(m->dep);
    free(m->colptr);
    free(m->rowind);
    free(m->fd_skip);
    free(m->owner);
    free(m->port0);
    free(m->port1);
    free(m->fd_y);
    free(m->fd_f);
    free(m->fd_mark);
    free(m->fd_list);
    free(m->alias_first);
    free(m->alias_next);
    free(m->out_name);
    free(m->out_comp);
    for (size_t i = 0; i < m->n_blocks; i++)
        free(m->blocks[i]);
    free(m->blocks);
    for (size_t i = 0; i < m->n_strs; i++)
        free(m->strs[i]);
    free(m->strs);
    free(m->mar);
    free(m->mar_comp);
    free(m->mar_src);
    free(m->root_comp);
    free(m->root_on);
    free(m->scratch);
    free(m->fresh_y);
    free(m->y_ref);
    free(m->w_scale);
    free(m->aux_ev);
    dct_profile_set_free(m->profiles);
    free(m);
}

const dct_ode *dct_model_ode(const dct_model *m)
{
    return &m->ode;
}

void dct_model_initial_state(dct_model *m, double *y0)
{
    /* ports of the initial estimate are not needed: each init uses the
     * design values and the t = 0 load */
    for (size_t i = 0; i < m->n_comp; i++)
        if (!m->comp[i].rep)
            m->comp[i].ct->init(m, &m->comp[i], y0);
}

size_t dct_model_n_rack_groups(const dct_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_comp; i++)
        n += m->comp[i].ct == &dct_ctype_rack && !m->comp[i].rep;
    return n;
}

double dct_model_electric_energy(const dct_model *m, const double *y)
{
    return dct_model_bus_energy(m, y);
}

int dct_model_electrical_parse(const char *cmd, const char *text, int *mode)
{
    if (strcmp(text, "dynamic") == 0) {
        *mode = DCT_ELEC_DYNAMIC;
    } else if (strcmp(text, "quasi-static") == 0) {
        *mode = DCT_ELEC_QUASI_STATIC;
    } else {
        fprintf(stderr, "dctwin: %s: --electrical '%s': expected dynamic "
                        "or quasi-static\n", cmd, text);
        return -1;
    }
    return 0;
}

void dct_model_set_settling(dct_model *m, int is_on)
{
    m->is_settling = is_on;
    m->fresh_call = 0;
}

void dct_model_ambient(const dct_model *m, double *t_db, double *t_wb)
{
    *t_db = m->T_db;
    *t_wb = m->T_wb;
}

void dct_model_set_weather(dct_model *m, const dct_weather *w, double t0)
{
    m->weather = w;
    m->weather_t0 = t0;
}

size_t dct_model_n_outputs(const dct_model *m)
{
    return m->n_out;
}

const char *dct_model_output_name(const dct_model *m, size_t i)
{
    return m->out_name[i];
}

/* Evaluate the RHS at (t, y) into scratch so that every scratch value of
 * the components (flows, duties, throttle) belongs to that point; not
 * again when the last evaluation was this refresh's of the same (t, y)
 * (an output row's outputs, then its margins). */
static int refresh(dct_model *m, double t, const double *y)
{
    if (!m->scratch) {
        m->scratch = malloc(m->n * sizeof *m->scratch);
        m->fresh_y = malloc(m->n * sizeof *m->fresh_y);
        if (!m->scratch || !m->fresh_y)
            return -1;
    }
    if (m->fresh_call && m->fresh_call == m->n_rhs_calls &&
        m->fresh_t == t && memcmp(m->fresh_y, y, m->n * sizeof *y) == 0)
        return 0;
    int rc = model_rhs(t, y, m->scratch, m);
    m->fresh_call = rc == 0 ? m->n_rhs_calls : 0;
    m->fresh_t = t;
    memcpy(m->fresh_y, y, m->n * sizeof *y);
    return rc;
}

void dct_model_outputs(dct_model *m, double t, const double *y, double *out)
{
    if (refresh(m, t, y))
        return;
    for (size_t i = 0; i < m->n_out; i++) {
        dct_mcomp *c = m->out_comp[i];
        dct_mcomp *src = c->rep ? c->rep : c;
        out[i] = src->ct->output(m, src, i - c->out0, t, y);
    }
}

size_t dct_model_n_margins(const dct_model *m)
{
    return m->n_mar;
}

const dct_margin_def *dct_model_margin(const dct_model *m, size_t i)
{
    return &m->mar[i];
}

void dct_model_margin_values(dct_model *m, double t, const double *y,
                             double *val)
{
    if (refresh(m, t, y))
        return;
    for (size_t i = 0; i < m->n_mar; i++) {
        dct_mcomp *c = m->mar_comp[i];
        size_t src = dct_model_margin_source(m, i);
        val[i] = src < i ? val[src] : c->ct->margin(m, c, i - c->mar0, t, y);
    }
}

void dct_model_margin_values_of(dct_model *m, double t, const double *y,
                                const size_t *idx, size_t n_idx,
                                double *val)
{
    if (refresh(m, t, y))
        return;
    for (size_t k = 0; k < n_idx; k++) {
        size_t i = idx[k];
        dct_mcomp *c = m->mar_comp[i];
        val[i] = c->ct->margin(m, c, i - c->mar0, t, y);
    }
}

size_t dct_model_margin_source(const dct_model *m, size_t i)
{
    return m->mar_src[i];
}

int dct_model_root_event(const dct_model *m, size_t i, int dir,
                         size_t member, const char **component,
                         const char **event)
{
    if (i >= m->n_root)
        return 0;
    const dct_mcomp *c = m->root_comp[i];
    const char *e = c->ct->root_event ? c->ct->root_event(c, i - c->root0, dir)
                                      : NULL;
    if (!e)
        return 0;
    /* member 0 is the component itself, then its aliases in order */
    size_t k = (size_t)(c - m->comp);
    for (size_t a = m->alias_first[k]; member > 0; member--) {
        if (!a)
            return 0;
        c = &m->comp[a - 1];
        a = m->alias_next[a - 1];
    }
    *component = c->id;
    *event = e;
    return 1;
}

/* The aliases of each representative (alias_first/next), the margin each
 * margin copies (mar_src: an alias's from its representative), and the root
 * functions of the components with states only: an alias's roots cross
 * with its representative's, and its events are reported with them
 * (dct_model_root_event).  Returns 0, -1 out of memory. */
static int link_aliases(dct_model *m)
{
    m->alias_first = calloc(m->n_comp ? m->n_comp : 1, sizeof *m->alias_first);
    m->alias_next = calloc(m->n_comp ? m->n_comp : 1, sizeof *m->alias_next);
    if (!m->alias_first || !m->alias_next)
        return -1;
    for (size_t k = m->n_comp; k-- > 0;) {
        const dct_mcomp *c = &m->comp[k];
        if (!c->rep)
            continue;
        size_t r = (size_t)(c->rep - m->comp);
        m->alias_next[k] = m->alias_first[r];
        m->alias_first[r] = k + 1;
    }
    m->mar_src = malloc((m->n_mar ? m->n_mar : 1) * sizeof *m->mar_src);
    if (!m->mar_src)
        return -1;
    for (size_t i = 0; i < m->n_mar; i++) {
        const dct_mcomp *c = m->mar_comp[i];
        m->mar_src[i] = c->rep ? c->rep->mar0 + (i - c->mar0) : i;
    }
    size_t nr = 0;
    for (size_t k = 0; k < m->n_comp; k++) {
        dct_mcomp *c = &m->comp[k];
        if (!c->n_roots || c->rep)
            continue;
        size_t r0 = c->root0;
        c->root0 = nr;
        for (size_t i = 0; i < c->n_roots; i++)
            m->root_comp[nr++] = m->root_comp[r0 + i];
    }
    m->n_root = nr;
    return 0;
}

double dct_model_stored_energy(const dct_model *m, const double *y)
{
    double u = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *c = &m->comp[i];
        const dct_mcomp *src = c->rep ? c->rep : c;
        u += src->ct->stored(m, src, y);
    }
    return u;
}
