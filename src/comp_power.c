/* comp_power.c - the 800 V DC plant: grid, rectifiers/SSTs, DC buses,
 * busways, battery energy storage and generators.
 *
 * DC bus (state V):   C dV/dt = sum I_in - sum I_out
 * Rectifier group of n units in service (state I, total output current):
 *   I_ref = sat[0, n I_lim, n P_r / V](n (P_r / V_set) (V_set - V) /
 *                                      (droop V_set))
 *   dI/dt = (I_ref - I) / tau;  P_ac = V I / eta(V I / (n P_r))
 *   eta: the efficiency table as a dct_curve (GSL steffen).
 * Busway (state T_c, conductor temperature), a constant-power load P at
 * the far end of a feeder of resistance R = r' L (1 + alpha (T_c - T_ref)):
 *   I = (V - sqrt(V^2 - 4 R P)) / (2 R);  collapse when 4 R P > V^2
 *   below V_brk = 0.7 V_nom at the racks the load turns to a constant
 *   conductance G = P / V_brk^2: I = V G / (1 + G R) (PSS/E PQBRAK)
 *   C' L dT_c/dt = I^2 R - L (T_c - T_hall) / R'_th
 *   P = sum over its racks of P_in (shared between the row's busways): a
 *   rack's power is taken at its 800 V input, its own conversion losses
 *   included (they are in its heat split, f_liq to the liquid); P_in is
 *   P_el less what its power-shelf capacitor bank delivers.
 * BESS (states SOC, V_1, V_2, T_cell, P_c converter power, x controller):
 *   cell current i from P_b = N_cell i (OCV(SOC) - V_1 - V_2 - i R_0)
 *   dSOC/dt = -i / Q;  dV_k/dt = i / C_k - V_k / (R_k C_k)
 *   C_th dT/dt = i^2 R_0 + V_1^2 / R_1 + V_2^2 / R_2 - (T - T_cool) / R_th
 *   dP_c/dt = (P_ref - P_c) / tau_conv, P_b = P_c / eta (discharge) or
 *   P_c eta (charge); the controller sets P_ref (dctwin-models(7)).
 * Generator (state P_a, available power): online at t_loss + delay, then
 *   dP_a/dt = ramp up to n P_rated; a droop source on the bus like a
 *   rectifier, limited to P_a.
 * Grid: no state; P_grid = sum P_ac + auxiliary power of the cooling.
 *
 * Equations and sources: dctwin-models(7), POWER. */
#include "config.h"
#include "model_impl.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>


/* Droop setpoints as fractions of the bus nominal: rectifiers at their
 * v-set (800 V, down to 792 V at rating with 1 % droop), generators below
 * them (784 V to 776 V), batteries forming the bus below both (776 V down):
 * each source carries the bus only when those above it cannot
 * (dctwin-models(7), POWER). */
#define GEN_V_FRACTION 0.98
#define BACKUP_V_FRACTION 0.97
/* Racks draw constant power down to this fraction of the bus nominal at
 * their input, a constant conductance below: PSS/E's PQBRAK, default
 * 0.7 pu [A] (dctwin-models(7), POWER). */
#define LOAD_V_BREAK 0.7
#define GEN_TAU 0.5          /* [s] generator power loop [A] */
#define GEN_I_LIMIT 1.1      /* current limit, x rated current [A] */
#define GEN_I_TAU 0.005      /* [s] the sets' rectifier current loop: the
                                engine's slowness is in P_a's ramp [A] */
#define SOC_RESTORE_GAIN 1.0 /* [1/unit SOC] of rated power [A] */
#define RAMP_TRACK_TAU 0.2   /* [s] ramp-limit reference tracking [A] */
/* [s] a rate-limited ramp ends on this first-order approach to its target
 * (a continuous right-hand side: no chattering at the target) */
#define RAMP_END_TAU 0.1
#define SOFT_START_S 1.0     /* [s] rectifier restart, 0 to full power, when
                                the grid has no ramp limit [A] */

/* ------------------------------------------------------------- shared */

/* [V] width of the rounded corner where a droop source starts to conduct */
#define DROOP_SMOOTH_V 0.5

/* max(x, 0) with its corner rounded over a width W (softplus,
 * W ln(1 + e^(x/W))): a continuous derivative, so that the solver does not
 * chatter where a source starts to conduct; off by W ln 2 at x = 0 and by
 * less than W e^(-|x|/W) elsewhere. */
static double smooth_pos(double x, double w)
{
    double z = x / w;
    return z > 30 ? x : w * log1p(exp(z));
}

typedef struct dcbus {
    double c, v_nom, lo, hi;
    double p_in;              /* [W] V sum I: power into the capacitors */
    dct_mcomp **src;          /* every component with a port on this bus */
    size_t n_src;
    /* quasi-static (dctwin-models(7), POWER, Quasi-static electrical
     * states): V
     * is not a state but the node balance's root, solved in the RHS */
    int qs;
    double v;                 /* [V] the last solution (the next guess) */
    gsl_root_fsolver *fs;
    dct_model *m;             /* the balance's point, for bus_balance */
    double t;
    const double *y;
} dcbus;

/* 1 while the model's DC buses and current loops are quasi-static (a
 * quasi-static run, outside its dynamic windows after events). */
static int is_qs(const dct_model *m)
{
    return m->elec_qs;
}

static double bus_voltage(const dct_mcomp *bus, const double *y)
{
    const dcbus *b = bus->data;
    return b->qs ? b->v : y[bus->off];
}

/* The model component of the DC bus record referenced by parameter I. */
static dct_mcomp *bus_of(dct_model *m, const dct_comp *sc, int i)
{
    return sc->ref[i].n ? dct_model_find(m, sc->ref[i].v[0]) : NULL;
}

/* ------------------------------------------------------------------ grid */

typedef struct grid {
    double contract, ramp_limit;
    double p;                 /* [W] import, set by the dc-bus derivs */
} grid;

static int grid_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    grid *g = calloc(1, sizeof *g);
    if (!g)
        return -1;
    c->data = g;
    c->n_states = 0;
    g->contract = c->sc->q[DCT_GRID_CONTRACT];
    g->ramp_limit = c->sc->q[DCT_GRID_RAMP_LIMIT];
    if (dct_model_add_output(m, c, "P_kW") ||
        dct_model_add_margin(m, c, "P", "kW", "grid import within the "
                             "contract", g->contract / 1e3, 1, "contract"))
        return -1;
    (void)d;
    return 0;
}

static void grid_none(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    (void)m, (void)c, (void)t, (void)y;
}

static void grid_init(dct_model *m, dct_mcomp *c, double *y)
{
    (void)m, (void)c, (void)y;
}

static void grid_derivs(dct_model *m, dct_mcomp *c, double t,
                        const double *y, double *ydot)
{
    /* import: every rectifier fed from this grid, plus the auxiliary
     * power of the cooling auxiliaries that are not on the DC bus
     * (carried by the first grid; dctwin-models(7), AUXILIARY FEEDS) */
    grid *g = c->data;
    double p = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *o = &m->comp[i];
        if (o->ct == &dct_ctype_rectifier &&
            o->sc->ref[DCT_RECTIFIER_GRID].v[0] == c->sc)
            p += o->port.P_el;
    }
    if (c->tindex == 0)
        for (size_t i = 0; i < m->n_comp; i++)
            if (m->comp[i].feed == DCT_FEED_GRID ||
                m->comp[i].feed == DCT_FEED_GEN)
                p += m->comp[i].port.P_aux;
    g->p = c->failed ? 0 : p;
    c->port.P_el = g->p;
    (void)t, (void)y, (void)ydot;
}

static double grid_value(dct_model *m, dct_mcomp *c, size_t k, double t,
                         const double *y)
{
    const grid *g = c->data;
    (void)m, (void)k, (void)t, (void)y;
    return g->p / 1e3;
}

static double grid_stored(const dct_model *m, const dct_mcomp *c,
                          const double *y)
{
    (void)m, (void)c, (void)y;
    return 0;
}

static void plain_free(dct_mcomp *c)
{
    free(c->data);
}

const dct_ctype dct_ctype_grid = {
    "grid", grid_setup, grid_init, grid_none, grid_derivs, grid_stored,
    grid_value, grid_value, NULL, NULL, plain_free, NULL, NULL,
};

/* ------------------------------------------------------------- rectifier */

enum { R_I, R_PA, R_N };

typedef struct rect {
    int n, spares;
    double rating, v_set, droop, tau, i_lim, restart;
    double ramp;              /* [W/s] ramp limiter, inf: none */
    dct_mcomp *bus, *grid;
    dct_curve eta;            /* efficiency against load fraction */
    int has_eta;              /* 0: the constant eta0 */
    double eta0;
    double p_dc, p_ac, load;  /* scratch [W], [W], fraction */
} rect;

static int rect_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const dct_comp *sc = c->sc;
    const double *q = sc->q;
    rect *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    c->data = r;
    c->n_states = R_N;
    r->n = (int)q[DCT_RECTIFIER_COUNT];
    r->spares = dct_redundancy_spares(sc->s[DCT_RECTIFIER_REDUNDANCY], r->n);
    r->rating = q[DCT_RECTIFIER_RATING];
    r->v_set = q[DCT_RECTIFIER_V_SET];
    r->droop = q[DCT_RECTIFIER_DROOP];
    r->tau = q[DCT_RECTIFIER_TAU];
    r->i_lim = q[DCT_RECTIFIER_CURRENT_LIMIT];
    if (isnan(r->i_lim))
        r->i_lim = 1.1 * r->rating / r->v_set;
    if (r->droop <= 0) {
        dct_error(d, sc->file, sc->line,
                  "rectifier %s: droop must be above 0 to share load",
                  c->id);
        return -1;
    }
    r->bus = bus_of(m, sc, DCT_RECTIFIER_BUS);
    r->grid = sc->ref[DCT_RECTIFIER_GRID].n
                  ? dct_model_find(m, sc->ref[DCT_RECTIFIER_GRID].v[0])
                  : NULL;
    if (!r->bus || !r->grid)
        return -1;
    /* restart after a grid loss: at the grid's ramp limit (soft start) */
    double rl = r->grid->sc->q[DCT_GRID_RAMP_LIMIT];
    r->restart = isfinite(rl) && rl > 0 ? rl
                                        : r->n * r->rating / SOFT_START_S;
    /* the group's own limiter, when given, also paces its restart */
    r->ramp = q[DCT_RECTIFIER_RAMP_LIMIT];
    if (isfinite(r->ramp))
        r->restart = fmin(r->restart, r->ramp);
    /* efficiency table: the instance's own points, else its model's */
    const dct_comp *tab = sc->n_pts ? sc : sc->model;
    size_t np = tab ? tab->n_pts : 0;
    r->eta0 = 0.975;
    if (np == 1) {
        r->eta0 = tab->pts[0]->q[DCT_EFFICIENCY_ETA];
    } else if (np >= 2) {
        int rc = dct_curve_init(&r->eta, tab->pts, np, DCT_EFFICIENCY_LOAD,
                                DCT_EFFICIENCY_ETA, 0, "efficiency", d);
        if (rc)
            return -1;
        r->has_eta = 1;
    }
    if (dct_model_dep(m, c, r->bus, -1) || dct_model_dep(m, r->bus, c, -1))
        return -1;
    const char *outs[] = {"P_kW", "I_A", "P_ac_kW", "load_pct"};
    for (size_t i = 0; i < 4; i++)
        if (dct_model_add_output(m, c, outs[i]))
            return -1;
    /* N: the units that carry the load by design (spares excluded);
     * N-1: one unit out of all installed, the redundancy check */
    if (dct_model_add_margin(m, c, "P", "kW", "load within the units "
                             "without spares (N)",
                             (r->n - r->spares) * r->rating / 1e3, 1, "N") ||
        (r->n > 1 &&
         dct_model_add_margin(m, c, "P", "kW", "load with one installed "
                              "unit out (N-1)",
                              (r->n - 1) * r->rating / 1e3, 1, "N-1")))
        return -1;
    if (r->n > 1)   /* N-1: as if one unit failed */
        dct_model_margin_design_last(m);
    return 0;
}

/* Efficiency at LOAD (fraction of the running units' rating), clamped to
 * the table's range. */
static double rect_eta(const rect *r, double load)
{
    return r->has_eta ? dct_curve_eval(&r->eta, load) : r->eta0;
}

static int rect_running(const dct_mcomp *c, const rect *r)
{
    int n = r->n - c->units_out;
    return c->failed || r->grid->failed || n < 0 ? 0 : n;
}

/* The units running as a continuous count: units a scenario restores
 * soft-start, their share of the droop gain and of the rating rising
 * linearly over SOFT_START_S (a breakpoint at its end). */
static double rect_units(const dct_mcomp *c, const rect *r, double t)
{
    int n = rect_running(c, r);
    double ne = n;
    if (n > 0 && c->units_in > 0 && c->t_unit_in >= 0 &&
        t < c->t_unit_in + SOFT_START_S) {
        double f = dct_clamp((t - c->t_unit_in) / SOFT_START_S, 0, 1);
        ne = fmax(n - c->units_in * (1 - f), 0);
    }
    return ne;
}

static int rect_next_bp(const dct_model *m, const dct_mcomp *c, double t,
                        double *tb)
{
    double te = c->t_unit_in + SOFT_START_S;
    (void)m;
    if (c->units_in <= 0 || c->t_unit_in < 0 || !(te > t))
        return 0;
    *tb = te;
    return 1;
}

static double rect_iref(const dct_mcomp *c, const rect *r, double t,
                        const double *y, double v, double *iref_free);

static void rect_ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    rect *r = c->data;
    double v = bus_voltage(r->bus, y);
    double i = is_qs(m) ? rect_iref(c, r, t, y, v, NULL) : y[c->off + R_I];
    int n = rect_running(c, r);
    r->p_dc = v * i;
    c->port.V_bus = v;
    r->load = n ? r->p_dc / (n * r->rating) : 0;
    double eta = rect_eta(r, r->load);
    r->p_ac = r->p_dc > 0 ? r->p_dc / eta : 0;
    c->port.I_bus = i;
    c->port.P_el = r->p_ac;          /* drawn from the grid */
    c->port.P_loss = r->p_ac - r->p_dc;
    (void)m, (void)t;
}

/* The current the group's loop asks for at bus voltage V: its droop
 * line within [0, I_max], I_max the current limit and the available
 * power P_a over V; *IREF_FREE (when not NULL): the droop line alone. */
static double rect_iref(const dct_mcomp *c, const rect *r, double t,
                        const double *y, double v, double *iref_free)
{
    double pa = y[c->off + R_PA];
    double n = rect_units(c, r, t);
    double pmax = n * r->rating;
    double i_r = n * r->rating / r->v_set;
    double iref = i_r * (r->v_set - v) / (r->droop * r->v_set);
    if (iref_free)
        *iref_free = iref;
    double imax = n * r->i_lim;
    if (v > 1)
        imax = fmin(imax, fmin(pmax, fmax(pa, 0)) / v);
    return dct_clamp(iref, 0, imax);
}

static void rect_derivs(dct_model *m, dct_mcomp *c, double t,
                        const double *y, double *ydot)
{
    rect *r = c->data;
    const double *x = y + c->off;
    double v = bus_voltage(r->bus, y);
    double n = rect_units(c, r, t);
    /* available power: 0 without input, restored at the restart rate;
     * with a ramp limiter it follows the power the droop asks for (plus
     * 2 % of rating of headroom) and rises at most at the limit */
    double pmax = n * r->rating;
    double iref;
    double ic = rect_iref(c, r, t, y, v, &iref);
    double target = pmax;
    if (isfinite(r->ramp))
        target = fmin(pmax, fmax(iref, 0) * v + 0.02 * pmax);
    ydot[c->off + R_PA] = n > 0 ? fmin(r->restart,
                                   (target - x[R_PA]) / RAMP_END_TAU)
                            : -x[R_PA] / r->tau;
    /* quasi-static: the state rests until a dynamic window */
    ydot[c->off + R_I] = is_qs(m) ? 0 : (ic - x[R_I]) / r->tau;
}

static void rect_init(dct_model *m, dct_mcomp *c, double *y)
{
    rect *r = c->data;
    y[c->off + R_I] = 0; /* the bus init sets the share of the load */
    y[c->off + R_PA] = r->n * r->rating;
}

static double rect_stored(const dct_model *m, const dct_mcomp *c,
                          const double *y)
{
    (void)m, (void)c, (void)y;
    return 0;
}

static double rect_output(dct_model *m, dct_mcomp *c, size_t k, double t,
                          const double *y)
{
    rect *r = c->data;
    (void)m, (void)t;
    switch (k) {
    case 0: return r->p_dc / 1e3;
    case 1: return is_qs(m) ? c->port.I_bus : y[c->off + R_I];
    case 2: return r->p_ac / 1e3;
    case 3: return 100 * r->load;
    }
    return 0;
}

static double rect_margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                          const double *y)
{
    rect *r = c->data;
    (void)m, (void)k, (void)t, (void)y;
    return r->p_dc / 1e3;
}

static void rect_free(dct_mcomp *c)
{
    rect *r = c->data;
    if (r)
        dct_curve_free(&r->eta);
    free(r);
}

/* The AC input from the grid; with no input (grid lost, units failed)
 * what the current still delivers as it decays is hold-up. */
static void rect_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    const rect *r = c->data;
    p[rect_running(c, r) ? DCT_L_GRID : DCT_L_HOLDUP] += r->p_ac;
    p[DCT_L_LOSS_RECTIFIER] += r->p_ac - r->p_dc;
    (void)m;
}

const dct_ctype dct_ctype_rectifier = {
    "rectifier", rect_setup, rect_init, rect_ports, rect_derivs, rect_stored,
    rect_output, rect_margin, NULL, NULL, rect_free, rect_next_bp,
    rect_ledger,
};

/* ---------------------------------------------------------------- busway */

typedef struct busway {
    double r_per_m, length, alpha, t_ref, t_max, ampacity, c_th, r_th;
    dct_mcomp *bus, *hall;
    dct_mcomp **rack;         /* racks it feeds */
    double *share;            /* fraction of each rack's power it carries
                                 with every busway of the row in service */
    double *scale;            /* the fraction now: share / the rack's feed,
                                 0 while this busway has failed */
    size_t n_rack;
    double v_brk;             /* [V] constant power down to here */
    /* scratch */
    double p, i, r, v_end, collapse;
    int is_cpl;               /* the racks draw constant power */
} busway;

static int bw_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const dct_comp *sc = c->sc;
    const double *q = sc->q;
    busway *b = calloc(1, sizeof *b);
    if (!b)
        return -1;
    c->data = b;
    c->n_states = 1;
    c->n_temp = 1;           /* the conductor */
    b->r_per_m = q[DCT_BUSWAY_RESISTANCE];
    b->length = q[DCT_BUSWAY_LENGTH];
    b->alpha = q[DCT_BUSWAY_ALPHA];
    b->t_ref = q[DCT_BUSWAY_T_REF];
    b->t_max = q[DCT_BUSWAY_T_MAX];
    b->ampacity = q[DCT_BUSWAY_AMPACITY];
    b->c_th = q[DCT_BUSWAY_C_TH];
    b->r_th = q[DCT_BUSWAY_R_TH];
    if (isnan(b->c_th) || isnan(b->r_th)) {
        dct_error(d, sc->file, sc->line,
                  "busway %s: c-th and r-th are needed (here or in the "
                  "model) for the conductor temperature",
                  c->id);
        return -1;
    }
    b->bus = bus_of(m, sc, DCT_BUSWAY_BUS);
    if (!b->bus)
        return -1;
    b->v_brk = LOAD_V_BREAK * b->bus->sc->q[DCT_DC_BUS_NOMINAL];
    for (size_t i = 0; i < m->n_comp; i++)
        if (m->comp[i].ct == &dct_ctype_hall)
            b->hall = &m->comp[i];
    /* the racks of the rows that list this busway: counted first, so
     * that memory grows with the racks fed, not with the site */
    size_t nr = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *r = &m->comp[i];
        if (r->ct != &dct_ctype_rack || !r->sc->parent)
            continue;
        const dct_reflist *bl = &r->sc->parent->ref[DCT_ROW_BUSWAY];
        for (size_t k = 0; k < bl->n; k++)
            nr += bl->v[k] == sc;
    }
    b->rack = calloc(nr + 1, sizeof *b->rack);
    b->share = calloc(nr + 1, sizeof *b->share);
    b->scale = calloc(nr + 1, sizeof *b->scale);
    if (!b->rack || !b->share || !b->scale)
        return -1;
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *r = &m->comp[i];
        if (r->ct != &dct_ctype_rack || !r->sc->parent)
            continue;
        const dct_reflist *bl = &r->sc->parent->ref[DCT_ROW_BUSWAY];
        for (size_t k = 0; k < bl->n; k++)
            if (bl->v[k] == sc) {
                b->rack[b->n_rack] = r;
                b->scale[b->n_rack] = 1.0 / (double)bl->n;
                b->share[b->n_rack++] = 1.0 / (double)bl->n;
                if (dct_rack_dep_power(m, c, r) ||
                    dct_rack_dep_power(m, b->bus, r))
                    return -1;
            }
    }
    if (dct_model_dep(m, c, b->bus, -1) || dct_model_dep(m, b->bus, c, -1) ||
        (b->hall && (dct_model_dep(m, c, b->hall, -1) ||
                     dct_model_dep(m, b->hall, c, -1))))
        return -1;
    const char *outs[] = {"I_A", "T_degC", "V_end_V", "P_loss_kW",
                          "P_unserved_kW"};
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
        if (dct_model_add_output(m, c, outs[i]))
            return -1;
    if (dct_model_add_margin(m, c, "I", "A", "current within ampacity",
                             b->ampacity, 1, "ampacity") ||
        dct_model_add_margin(m, c, "T", "degC",
                             "conductor temperature within its maximum",
                             b->t_max - DCT_T0, 1, "max") ||
        dct_model_add_margin(m, c, "collapse", "%",
                             "load below the voltage-collapse point",
                             100, 1, "voltage-collapse") ||
        dct_model_add_margin(m, c, "P_unserved", "kW",
                             "all the load served (power not served)", 0,
                             1, "served"))
        return -1;
    /* the conductor's range above the air its thermal model starts from */
    dct_model_margin_nominal(m, c, "T", 25);
    if (dct_model_add_root(m, c) || dct_model_add_root(m, c))
        return -1;
    return 0;
}

void dct_busway_feeds(dct_model *m)
{
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (c->ct != &dct_ctype_busway)
            continue;
        busway *b = c->data;
        for (size_t k = 0; k < b->n_rack; k++)
            dct_rack_feed_clear(b->rack[k]);
    }
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (c->ct != &dct_ctype_busway || c->failed)
            continue;
        busway *b = c->data;
        for (size_t k = 0; k < b->n_rack; k++)
            dct_rack_feed_add(b->rack[k], b->share[k]);
    }
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (c->ct != &dct_ctype_busway)
            continue;
        busway *b = c->data;
        for (size_t k = 0; k < b->n_rack; k++) {
            double f = dct_rack_feed(b->rack[k]);
            b->scale[k] = c->failed || f <= 0 ? 0 : b->share[k] / f;
        }
    }
}

/* The current a feeder of resistance R draws from a bus at V for its
 * racks' power P; *IS_CPL: whether the racks draw constant power. */
static double bw_current(const busway *b, double p, double r, double v,
                         int *is_cpl)
{
    double disc = v * v - 4 * r * p;
    double i = 0;
    *is_cpl = 1;
    if (p > 0 && v > 0) {
        /* constant power while the racks' input stays above v_brk;
         * below, a constant conductance (continuous at v_brk) */
        if (disc > 0)
            i = 2 * p / (v + sqrt(disc)); /* = (v - sqrt(disc)) / (2 r) */
        if (disc <= 0 || v - i * r < b->v_brk) {
            double g = p / (b->v_brk * b->v_brk);
            i = v * g / (1 + g * r);
            *is_cpl = 0;
        }
    } else if (p > 0) {
        *is_cpl = 0;
    }
    return i;
}

static void bw_ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    busway *b = c->data;
    double p = 0;
    for (size_t k = 0; k < b->n_rack; k++)
        p += b->scale[k] * b->rack[k]->port.P_in;
    double v = c->failed ? 0 : bus_voltage(b->bus, y);
    double tc = y[c->off];
    double r = b->r_per_m * b->length * (1 + b->alpha * (tc - b->t_ref));
    r = fmax(r, 1e-12);
    /* past the collapse point the ratio only says there is no
     * operating point: capped at 2, the value of a bus at 0 V */
    b->collapse = v > 0 ? fmin(4 * r * p / (v * v), 2) : (p > 0 ? 2 : 0);
    double i = bw_current(b, p, r, v, &b->is_cpl);
    b->p = p;
    b->i = i;
    b->r = r;
    b->v_end = v - i * r;
    c->port.I_bus = -i;
    c->port.V_bus = v;
    /* the feeder's I^2 R heats the conductor (its state), which the hall
     * air cools */
    double t_air = b->hall ? y[b->hall->off] : DCT_T0 + 25;
    double q_cool = b->length * (tc - t_air) / b->r_th;
    c->port.Q_air = q_cool;
    c->port.P_loss = i * i * r;
    c->port.Q = q_cool;
    (void)m, (void)t;
}

static void bw_derivs(dct_model *m, dct_mcomp *c, double t, const double *y,
                      double *ydot)
{
    busway *b = c->data;
    ydot[c->off] =
        (b->i * b->i * b->r - c->port.Q) / (b->c_th * b->length);
    (void)m, (void)t, (void)y;
}

static void bw_init(dct_model *m, dct_mcomp *c, double *y)
{
    busway *b = c->data;
    /* steady conductor temperature at the t = 0 load and nominal voltage */
    double p = 0;
    for (size_t k = 0; k < b->n_rack; k++) {
        const dct_mcomp *r = b->rack[k];
        const double *rq = r->sc->q;
        p += b->share[k] *
             dct_profile_power(m->profiles, r->tindex, 0, rq[DCT_RACK_P_IDLE],
                               rq[DCT_RACK_P_MAX]);
    }
    double v = b->bus->sc->q[DCT_DC_BUS_NOMINAL];
    double i = p / v;
    double t_air = DCT_T0 + 25;
    double r = b->r_per_m * b->length;
    y[c->off] = t_air + i * i * r * b->r_th / b->length;
}

static double bw_stored(const dct_model *m, const dct_mcomp *c,
                        const double *y)
{
    const busway *b = c->data;
    (void)m;
    return b->c_th * b->length * y[c->off];
}

/* The power not served [kW]: below the break voltage the racks draw
 * less than their demand (with constant power drawn it is served, 0
 * exactly rather than the rounding of P - I V_end), and the racks left
 * dark when every busway of their row has failed (this one's share of
 * them). */
static double bw_unserved(const busway *b)
{
    double dark = 0;
    for (size_t j = 0; j < b->n_rack; j++)
        dark += b->share[j] * dct_rack_dark_demand(b->rack[j]);
    return ((b->is_cpl ? 0 : fmax(b->p - b->i * b->v_end, 0)) + dark) / 1e3;
}

static double bw_output(dct_model *m, dct_mcomp *c, size_t k, double t,
                        const double *y)
{
    busway *b = c->data;
    (void)m, (void)t;
    switch (k) {
    case 0: return b->i;
    case 1: return y[c->off] - DCT_T0;
    case 2: return b->v_end;
    case 3: return c->port.P_loss / 1e3;
    case 4: return bw_unserved(b);
    }
    return 0;
}

static double bw_margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                        const double *y)
{
    busway *b = c->data;
    (void)m, (void)t;
    switch (k) {
    case 0: return b->i;
    case 1: return y[c->off] - DCT_T0;
    case 2: return 100 * b->collapse;
    case 3: return bw_unserved(b);
    }
    return 0;
}

static double bw_root(dct_model *m, dct_mcomp *c, size_t k, double t,
                      const double *y)
{
    busway *b = c->data;
    (void)m, (void)t, (void)y;
    return k == 0 ? b->i - b->ampacity : b->collapse - 1;
}

static const char *bw_root_event(const dct_mcomp *c, size_t k, int dir)
{
    (void)c;
    if (k == 0)
        return dir > 0 ? "ampacity-exceeded" : "ampacity-restored";
    return dir > 0 ? "voltage-collapse" : "voltage-recovered";
}

static void bw_free(dct_mcomp *c)
{
    busway *b = c->data;
    if (b) {
        free(b->rack);
        free(b->share);
        free(b->scale);
    }
    free(b);
}

/* I^2 R, and the racks' power the feeder did not deliver (below the
 * break voltage: P - I V_end; 0 under constant power, where
 * I (V - I R) = P). */
static void bw_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    const busway *b = c->data;
    p[DCT_L_LOSS_BUSWAY] += c->port.P_loss;
    p[DCT_L_UNSERVED] -= b->p - b->i * b->v_end;
    (void)m;
}

const dct_ctype dct_ctype_busway = {
    "busway", bw_setup, bw_init, bw_ports, bw_derivs, bw_stored, bw_output,
    bw_margin, bw_root, bw_root_event, bw_free, NULL, bw_ledger,
};

/* ----------------------------------------------------------- generator */

typedef struct gen {
    int n;
    double rating, delay, ramp, v_set, droop;
    dct_mcomp *bus;
    double p_out;             /* scratch [W] */
} gen;

enum { G_PA, G_I, G_N };

static int gen_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const double *q = c->sc->q;
    gen *g = calloc(1, sizeof *g);
    if (!g)
        return -1;
    c->data = g;
    c->n_states = G_N;
    g->n = (int)q[DCT_GENERATOR_COUNT];
    g->rating = q[DCT_GENERATOR_RATING];
    g->delay = q[DCT_GENERATOR_START_DELAY];
    g->ramp = q[DCT_GENERATOR_RAMP];
    g->bus = bus_of(m, c->sc, DCT_GENERATOR_BUS);
    if (!g->bus)
        return -1;
    g->v_set = GEN_V_FRACTION * g->bus->sc->q[DCT_DC_BUS_NOMINAL];
    g->droop = 0.01;
    if (dct_model_dep(m, c, g->bus, -1) || dct_model_dep(m, g->bus, c, -1))
        return -1;
    if (dct_model_add_output(m, c, "P_kW") ||
        dct_model_add_output(m, c, "P_available_kW"))
        return -1;
    if (dct_model_add_root(m, c))
        return -1;
    (void)d;
    return 0;
}

static double gen_iref(dct_model *m, const dct_mcomp *c, const double *y,
                       double v);

static void gen_ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    gen *g = c->data;
    double i = is_qs(m) ? gen_iref(m, c, y, bus_voltage(g->bus, y))
                        : y[c->off + G_I];
    g->p_out = bus_voltage(g->bus, y) * i;
    c->port.I_bus = i;
    c->port.V_bus = bus_voltage(g->bus, y);
    (void)m, (void)t;
}

static void gen_derivs(dct_model *m, dct_mcomp *c, double t,
                       const double *y, double *ydot)
{
    gen *g = c->data;
    const double *x = y + c->off;
    double *dx = ydot + c->off;
    int n_sets = c->units_out < g->n ? g->n - c->units_out : 0;
    double pmax = c->failed ? 0 : n_sets * g->rating;
    int is_online = m->grid_lost_at >= 0 && t >= m->grid_lost_at + g->delay &&
                    !c->failed;
    /* available power: ramps up once online, falls back when the grid
     * returns (the set is stopped) */
    if (is_online)
        dx[G_PA] = fmin(g->ramp * n_sets, (pmax - x[G_PA]) / RAMP_END_TAU);
    else
        dx[G_PA] = -x[G_PA] / GEN_TAU;
    dx[G_I] = is_qs(m) ? 0
                       : (gen_iref(m, c, y, bus_voltage(g->bus, y)) - x[G_I]) /
                             GEN_I_TAU;
}

/* The current the sets' loop asks for at bus voltage V: a droop line
 * within the current limit and the available power left for the bus. */
static double gen_iref(dct_model *m, const dct_mcomp *c, const double *y,
                       double v)
{
    const gen *g = c->data;
    const double *x = y + c->off;
    int n_sets = c->units_out < g->n ? g->n - c->units_out : 0;
    double iref = 0;
    /* the first generator's AC board (the generator-fed auxiliaries) is
     * served first: the bus gets what is left of P_a */
    double p_bus = x[G_PA];
    if (c == m->aux_gen)
        p_bus -= dct_aux_board_load(m);
    if (v > 1 && p_bus > 0) {
        double ir = g->n * g->rating / g->v_set;
        /* the sets' rectifiers limit their current as the rectifiers do
         * (1.1 x rated current): a set closing onto a collapsed bus
         * recharges it at that current, not at P_a / V */
        double imax = fmin(GEN_I_LIMIT * n_sets * g->rating / g->v_set,
                           p_bus / v);
        iref = dct_clamp(ir * (g->v_set - v) / (g->droop * g->v_set), 0,
                         imax);
    }
    return iref;
}

static void gen_init(dct_model *m, dct_mcomp *c, double *y)
{
    y[c->off + G_PA] = 0;
    y[c->off + G_I] = 0;
    (void)m;
}

static double gen_stored(const dct_model *m, const dct_mcomp *c,
                         const double *y)
{
    (void)m, (void)c, (void)y;
    return 0;
}

static double gen_output(dct_model *m, dct_mcomp *c, size_t k, double t,
                         const double *y)
{
    gen *g = c->data;
    (void)m, (void)t;
    return k == 0 ? g->p_out / 1e3 : y[c->off + G_PA] / 1e3;
}

static double gen_root(dct_model *m, dct_mcomp *c, size_t k, double t,
                       const double *y)
{
    gen *g = c->data;
    (void)m, (void)k, (void)t;
    /* carrying half of its first set's rating: "online" */
    return y[c->off + G_PA] - 0.5 * g->rating;
}

static const char *gen_root_event(const dct_mcomp *c, size_t k, int dir)
{
    (void)c, (void)k;
    return dir > 0 ? "generator-online" : "generator-offline";
}

/* The breaker closes start-delay after a grid loss: a discontinuity. */
static int gen_next_bp(const dct_model *m, const dct_mcomp *c, double t,
                       double *tb)
{
    const gen *g = c->data;
    double t_on = m->grid_lost_at + g->delay;
    if (m->grid_lost_at < 0 || !(t_on > t))
        return 0;
    *tb = t_on;
    return 1;
}

/* Into the bus; its board's auxiliaries count their own part
 * (dct_aux_ledger). */
static void gen_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    const gen *g = c->data;
    p[DCT_L_GENERATOR] += g->p_out;
    (void)m;
}

int dct_gen_board_on(const dct_model *m, double t)
{
    const dct_mcomp *c = m->aux_gen;
    if (!c || c->failed || m->grid_lost_at < 0)
        return 0;
    const gen *g = c->data;
    return c->units_out < g->n && t >= m->grid_lost_at + g->delay;
}

const dct_ctype dct_ctype_generator = {
    "generator", gen_setup, gen_init, gen_ports, gen_derivs, gen_stored,
    gen_output, NULL, gen_root, gen_root_event, plain_free, gen_next_bp,
    gen_ledger,
};

/* ------------------------------------------------------------------ BESS */

enum { B_SOC, B_V1, B_V2, B_T, B_PC, B_X, B_N };
enum { CTL_NONE, CTL_SMOOTH, CTL_RAMP, CTL_PEAK, CTL_BACKUP };

typedef struct bess {
    int ctl;
    double n_cell, q_cell;    /* cells in all containers; [C] per cell */
    double r0, r1, c1, r2, c2, c_th, r_th, t_cool;
    double p_rated, overload, c_rate, soc_min, soc_max, t_min, t_max;
    double eta, tau, tau_s, ramp, cap, soc0, v_back, droop;
    double e_nom;             /* [J] cells' energy at the OCV of 50 % */
    double t_need;            /* [s] ride-through needed: generators'
                                 start-delay + design load / their ramp */
    dct_mcomp *bus;
    dct_curve ocv;            /* cell OCV against SOC */
    /* scratch */
    double i, p_b, p_load, p_ref, ocv_v;
    double pc;                /* [W] converter power P_c now */
} bess;

static double bess_ocv(const bess *b, double soc);

static int bess_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const dct_comp *sc = c->sc;
    const double *q = sc->q;
    bess *b = calloc(1, sizeof *b);
    if (!b)
        return -1;
    c->data = b;
    c->n_states = B_N;
    c->temp0 = B_T;
    c->n_temp = 1;
    static const char *ctl[] = {"none", "smoothing", "ramp-limit",
                                "peak-shave", "backup"};
    const char *cw = sc->s[DCT_BESS_CONTROL];
    for (int k = 0; cw && k < 5; k++)
        if (strcmp(cw, ctl[k]) == 0)
            b->ctl = k;
    double count = q[DCT_BESS_COUNT];
    b->n_cell = count * q[DCT_BESS_SERIES] * q[DCT_BESS_PARALLEL];
    b->q_cell = q[DCT_BESS_CAPACITY];
    b->r0 = q[DCT_BESS_R0];
    b->r1 = q[DCT_BESS_R1];
    b->c1 = q[DCT_BESS_C1];
    b->r2 = q[DCT_BESS_R2];
    b->c2 = q[DCT_BESS_C2];
    b->c_th = q[DCT_BESS_C_TH];
    b->r_th = q[DCT_BESS_R_TH];
    b->t_cool = q[DCT_BESS_T_COOLANT];
    b->p_rated = count * q[DCT_BESS_POWER];
    b->overload = q[DCT_BESS_OVERLOAD];
    b->c_rate = q[DCT_BESS_C_RATE_MAX];
    b->soc_min = q[DCT_BESS_SOC_MIN];
    b->soc_max = q[DCT_BESS_SOC_MAX];
    b->t_min = q[DCT_BESS_T_CELL_MIN];
    b->t_max = q[DCT_BESS_T_CELL_MAX];
    b->eta = q[DCT_BESS_ETA_CONV];
    b->tau = q[DCT_BESS_TAU_CONV];
    b->tau_s = q[DCT_BESS_TAU_SMOOTH];
    b->ramp = q[DCT_BESS_RAMP_LIMIT];
    b->cap = q[DCT_BESS_PEAK_CAP];
    b->soc0 = q[DCT_BESS_SOC];
    if ((b->r1 > 0 && !(b->c1 > 0)) || (b->r2 > 0 && !(b->c2 > 0))) {
        dct_error(d, sc->file, sc->line,
                  "bess %s: an RC pair with a resistance needs a "
                  "capacitance", c->id);
        return -1;
    }
    if (isnan(b->c_th) || isnan(b->r_th)) {
        dct_error(d, sc->file, sc->line,
                  "bess %s: c-th and r-th are needed for the cell "
                  "temperature", c->id);
        return -1;
    }
    const dct_comp *tab = sc->n_pts ? sc : sc->model;
    size_t np = tab ? tab->n_pts : 0;
    if (np < 2) {
        dct_error(d, sc->file, sc->line,
                  "bess %s: its model needs an OCV table of at least two "
                  "<ocv> points", c->id);
        return -1;
    }
    if (dct_curve_init(&b->ocv, tab->pts, np, DCT_OCV_SOC, DCT_OCV_VOLTAGE, 0,
                       "ocv", d))
        return -1;
    b->bus = bus_of(m, sc, DCT_BESS_BUS);
    if (!b->bus)
        return -1;
    b->v_back = BACKUP_V_FRACTION * b->bus->sc->q[DCT_DC_BUS_NOMINAL];
    b->droop = 0.01;
    /* the controller reads the bus load: every busway on the bus, and so
     * the power of the racks they feed */
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *o = &m->comp[i];
        if (o->ct != &dct_ctype_busway ||
            o->sc->ref[DCT_BUSWAY_BUS].v[0] != b->bus->sc)
            continue;
        const busway *w = o->data;
        if (dct_model_dep(m, c, o, -1))
            return -1;
        for (size_t k = 0; k < w->n_rack; k++)
            if (dct_rack_dep_power(m, c, w->rack[k]))
                return -1;
    }
    if (dct_model_dep(m, c, b->bus, -1) || dct_model_dep(m, b->bus, c, -1))
        return -1;
    b->e_nom = b->n_cell * b->q_cell * bess_ocv(b, 0.5);
    /* ride-through needed: until the bus's generators carry its design
     * load (every rack at p-max, and the auxiliaries below) */
    double p_design = 0, ramp = 0, delay = 0;
    int has_gen = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *o = &m->comp[i];
        if (o->ct == &dct_ctype_busway &&
            o->sc->ref[DCT_BUSWAY_BUS].v[0] == b->bus->sc) {
            const busway *w = o->data;
            for (size_t k = 0; k < w->n_rack; k++)
                p_design += w->share[k] * w->rack[k]->sc->q[DCT_RACK_P_MAX];
        }
        if (o->ct == &dct_ctype_generator &&
            o->sc->ref[DCT_GENERATOR_BUS].v[0] == b->bus->sc) {
            const double *gq = o->sc->q;
            has_gen = 1;
            ramp += gq[DCT_GENERATOR_RAMP] * gq[DCT_GENERATOR_COUNT];
            delay = fmax(delay, gq[DCT_GENERATOR_START_DELAY]);
        }
    }
    /* and the auxiliaries they carry at design: those on this bus (UPS,
     * through the converter) and the first generator's board when the
     * bus has it (the sets serve it first) */
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *o = &m->comp[i];
        if (o->feed == DCT_FEED_UPS && m->aux_bus == b->bus)
            p_design += dct_aux_design_power(m, o) / m->aux_eta;
        else if (o->feed == DCT_FEED_GEN && m->aux_gen &&
                 m->aux_gen->sc->ref[DCT_GENERATOR_BUS].v[0] == b->bus->sc)
            p_design += dct_aux_design_power(m, o);
    }
    b->t_need = has_gen && ramp > 0 ? delay + p_design / ramp : NAN;
    const char *outs[] = {"P_kW", "soc", "T_cell_degC", "I_cell_A",
                          "V_cell_V", "P_ref_kW", "P_load_kW"};
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
        if (dct_model_add_output(m, c, outs[i]))
            return -1;
    if (dct_model_add_margin(m, c, "soc", "%", "SOC above the window's "
                             "lower edge", 100 * b->soc_min, 0, "min") ||
        dct_model_add_margin(m, c, "soc", "%", "SOC below the window's "
                             "upper edge", 100 * b->soc_max, 1, "max") ||
        dct_model_add_margin(m, c, "P", "kW", "converter power within its "
                             "short-time overload rating",
                             b->overload * b->p_rated / 1e3, 1, "overload") ||
        dct_model_add_margin(m, c, "C_rate", "1/h", "cell current within "
                             "the C-rate limit", b->c_rate, 1, "max") ||
        dct_model_add_margin(m, c, "T_cell", "degC", "cell temperature "
                             "within its maximum", b->t_max - DCT_T0, 1,
                             "max") ||
        dct_model_add_margin(m, c, "T_cell", "degC", "cell temperature "
                             "above its minimum", b->t_min - DCT_T0, 0,
                             "min"))
        return -1;
    dct_model_margin_nominal(m, c, "T_cell", b->t_cool - DCT_T0);
    dct_model_margin_nominal(m, c, "soc", 50 * (b->soc_min + b->soc_max));
    /* |P_c| and |i| (POWER, Battery): P_kW is signed */
    dct_model_margin_magnitude(m, c, "P");
    dct_model_margin_magnitude(m, c, "C_rate");
    if (b->ctl != CTL_NONE && !isnan(b->t_need) &&
        dct_model_add_margin(m, c, "ride_through", "s", "battery energy "
                             "above the SOC window carries the bus load "
                             "until the generators do", b->t_need, 0,
                             "generators"))
        return -1;
    dct_model_margin_design(m, c, "ride_through");
    if (dct_model_add_root(m, c) || dct_model_add_root(m, c))
        return -1;
    return 0;
}

void dct_bess_set_peak_cap(dct_mcomp *c, double cap)
{
    bess *b = c->data;
    b->cap = cap;
}

static double bess_ocv(const bess *b, double soc)
{
    return dct_curve_eval(&b->ocv, soc);
}

/* Bus load the controller sees: the power drawn by the bus's busways. */
static double bess_bus_load(dct_model *m, const bess *b)
{
    double p = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *o = &m->comp[i];
        if (o->ct == &dct_ctype_busway &&
            o->sc->ref[DCT_BUSWAY_BUS].v[0] == b->bus->sc)
            p -= o->port.I_bus * o->port.V_bus;
    }
    return p;
}

static double bess_pref(dct_model *m, const dct_mcomp *c, const double *x,
                        double v, double pl, double *dx_x);
static double bess_bus_load(dct_model *m, const bess *b);

static void bess_ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    bess *b = c->data;
    const double *x = y + c->off;
    double v = bus_voltage(b->bus, y);
    double e = bess_ocv(b, x[B_SOC]) - x[B_V1] - x[B_V2];
    b->ocv_v = e + x[B_V1] + x[B_V2];
    /* quasi-static: the converter delivers its reference at once */
    b->pc = is_qs(m) ? bess_pref(m, c, x, v, bess_bus_load(m, b), NULL)
                     : x[B_PC];
    double pc = c->failed ? 0 : b->pc;
    /* battery-side power: the converter's losses on either direction */
    double pb = pc >= 0 ? pc / b->eta : pc * b->eta;
    double p = pb / b->n_cell;            /* per cell [W] */
    double disc = e * e - 4 * b->r0 * p;
    double i;
    if (b->r0 <= 0)
        i = e > 0 ? p / e : 0;
    else if (disc >= 0)
        i = 2 * p / (e + sqrt(disc));
    else
        i = e / (2 * b->r0);              /* beyond the cell's maximum */
    b->i = i;
    b->p_b = pb;
    c->port.I_bus = v > 1 ? pc / v : 0;
    c->port.V_bus = v;
    c->port.P_loss = fabs(pb - pc);
    (void)m, (void)t;
}

static void bess_derivs(dct_model *m, dct_mcomp *c, double t,
                        const double *y, double *ydot)
{
    bess *b = c->data;
    const double *x = y + c->off;
    double *dx = ydot + c->off;
    double i = b->i;
    dx[B_SOC] = -i / b->q_cell;
    dx[B_V1] = b->r1 > 0 ? i / b->c1 - x[B_V1] / (b->r1 * b->c1) : -x[B_V1];
    dx[B_V2] = b->r2 > 0 ? i / b->c2 - x[B_V2] / (b->r2 * b->c2) : -x[B_V2];
    double heat = i * i * b->r0 +
                  (b->r1 > 0 ? x[B_V1] * x[B_V1] / b->r1 : 0) +
                  (b->r2 > 0 ? x[B_V2] * x[B_V2] / b->r2 : 0);
    dx[B_T] = (heat - (x[B_T] - b->t_cool) / b->r_th) / b->c_th;
    double pref = bess_pref(m, c, x, bus_voltage(b->bus, y),
                            bess_bus_load(m, b), &dx[B_X]);
    dx[B_PC] = is_qs(m) ? 0 : (pref - x[B_PC]) / b->tau;
    (void)t;
}

/* The converter's power reference at bus voltage V and bus load PL
 * (the busways' draw): the controller, bus forming, SOC restoring and
 * the limits; *DX_X (when not NULL): the controller state's
 * derivative.  Sets the scratch p_load and p_ref. */
static double bess_pref(dct_model *m, const dct_mcomp *c, const double *x,
                        double v, double pl, double *dx_x)
{
    bess *b = c->data;
    double pref = 0, dxx = 0;
    switch (b->ctl) {
    case CTL_SMOOTH:   /* x: the low-pass of the load the grid follows */
        dxx = (pl - x[B_X]) / b->tau_s;
        pref = pl - x[B_X];
        break;
    case CTL_RAMP:     /* x: grid-side reference, rate-limited */
        dxx = dct_clamp((pl - x[B_X]) / RAMP_TRACK_TAU, -b->ramp,
                        b->ramp);
        pref = pl - x[B_X];
        break;
    case CTL_PEAK:
        pref = fmax(0, pl - b->cap);
        break;
    default:
        break;
    }

    /* SOC restoring term: drift back to the initial SOC, only while the
     * controller is active and not carrying the bus */
    /* bus forming (backup, and every controller but none): below the
     * backup setpoint the converter droops to hold the bus */
    double p_form = 0;
    if (b->ctl != CTL_NONE) {
        double ir = b->p_rated / b->v_back;
        p_form = ir * v * smooth_pos(b->v_back - v, DROOP_SMOOTH_V) /
                 (b->droop * b->v_back);
        pref += p_form;
    }
    /* the SOC-restoring term fades out while the battery forms the bus
     * (halved when it forms 1 % of its rating): no recharging from the
     * generators during an outage */
    if (b->ctl != CTL_NONE)
        pref -= SOC_RESTORE_GAIN * (b->soc0 - x[B_SOC]) * b->p_rated /
                (1 + p_form / (0.01 * b->p_rated));
    /* a grid-side cap (peak-shave's, or demand response over any other
     * controller) holds over the restoring term: the battery carries at
     * least what the cap leaves over */
    if (b->ctl != CTL_NONE && isfinite(b->cap))
        pref = fmax(pref, pl - b->cap);
    /* limits: power (with overload), C-rate, SOC window */
    double pmax = b->p_rated * b->overload;
    double pcell = b->c_rate * b->q_cell / 3600 * b->ocv_v * b->n_cell;
    pmax = fmin(pmax, pcell);
    double hi = x[B_SOC] > b->soc_min ? pmax : 0;
    double lo = x[B_SOC] < b->soc_max ? -pmax : 0;
    if (c->failed)
        hi = lo = 0;
    pref = dct_clamp(pref, lo, hi);
    b->p_load = pl;
    b->p_ref = pref;
    if (dx_x)
        *dx_x = dxx;
    (void)m;
    return pref;
}

static void bess_init(dct_model *m, dct_mcomp *c, double *y)
{
    bess *b = c->data;
    double *x = y + c->off;
    x[B_SOC] = b->soc0;
    x[B_V1] = x[B_V2] = 0;
    x[B_T] = b->t_cool;
    x[B_PC] = 0;
    /* the low-pass and the ramp reference start at the t = 0 load */
    double p = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *r = &m->comp[i];
        if (r->ct != &dct_ctype_rack)
            continue;
        const double *rq = r->sc->q;
        p += dct_profile_power(m->profiles, r->tindex, 0, rq[DCT_RACK_P_IDLE],
                               rq[DCT_RACK_P_MAX]);
    }
    x[B_X] = b->ctl == CTL_SMOOTH || b->ctl == CTL_RAMP ? p : 0;
}

static double bess_stored(const dct_model *m, const dct_mcomp *c,
                          const double *y)
{
    /* the cells' heat goes to the container's own cooling, outside the
     * hall's thermal network and its energy closure */
    (void)m, (void)c, (void)y;
    return 0;
}

static double bess_output(dct_model *m, dct_mcomp *c, size_t k, double t,
                          const double *y)
{
    bess *b = c->data;
    const double *x = y + c->off;
    (void)m, (void)t;
    switch (k) {
    case 0: return b->pc / 1e3;
    case 1: return x[B_SOC];
    case 2: return x[B_T] - DCT_T0;
    case 3: return b->i;
    case 4: return b->ocv_v - x[B_V1] - x[B_V2] - b->i * b->r0;
    case 5: return b->p_ref / 1e3;
    case 6: return b->p_load / 1e3;
    }
    return 0;
}

static double bess_margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                          const double *y)
{
    bess *b = c->data;
    const double *x = y + c->off;
    (void)m, (void)t;
    switch (k) {
    case 0:
    case 1: return 100 * x[B_SOC];
    case 2: return fabs(b->pc) / 1e3;
    case 3: return fabs(b->i) * 3600 / b->q_cell;
    case 4:
    case 5: return x[B_T] - DCT_T0;
    case 6: {
        /* seconds the energy above soc-min carries the present bus load,
         * the busways' and the UPS-fed auxiliaries'; none when the
         * converter cannot deliver that load */
        double pl = b->p_load;
        for (size_t i = 0; i < m->n_comp; i++) {
            const dct_mcomp *o = &m->comp[i];
            if (o->feed == DCT_FEED_UPS && m->aux_bus == b->bus)
                pl -= o->port.I_bus * o->port.V_bus;
        }
        pl = fmax(pl, 1.0);
        double pcell = b->c_rate * b->q_cell / 3600 * b->ocv_v * b->n_cell;
        if (fmin(b->overload * b->p_rated, pcell) < pl)
            return 0;
        return fmin(fmax(x[B_SOC] - b->soc_min, 0) * b->e_nom / pl, 1e7);
    }
    }
    return 0;
}

static double bess_root(dct_model *m, dct_mcomp *c, size_t k, double t,
                        const double *y)
{
    bess *b = c->data;
    const double *x = y + c->off;
    (void)m, (void)t;
    if (k == 0)
        return b->soc_min - x[B_SOC];
    return fabs(is_qs(m) ? b->pc : x[B_PC]) - b->p_rated;
}

static const char *bess_root_event(const dct_mcomp *c, size_t k, int dir)
{
    (void)c;
    if (k == 0)
        return dir > 0 ? "bess-soc-limit" : "bess-soc-restored";
    return dir > 0 ? "bess-power-limit" : "bess-power-within-rating";
}

static void bess_free(dct_mcomp *c)
{
    bess *b = c->data;
    if (b)
        dct_curve_free(&b->ocv);
    free(b);
}

/* At the cells' terminals (P_b), and the converter's loss. */
static void bess_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    const bess *b = c->data;
    p[DCT_L_BATTERY] += b->p_b;
    p[DCT_L_LOSS_BATTERY] += c->port.P_loss;
    (void)m;
}

const dct_ctype dct_ctype_bess = {
    "bess", bess_setup, bess_init, bess_ports, bess_derivs, bess_stored,
    bess_output, bess_margin, bess_root, bess_root_event, bess_free, NULL,
    bess_ledger,
};

/* ---------------------------------------------------------------- DC bus */

static void bus_collect(dct_model *m, dct_mcomp *c);
static double aux_current(const dct_model *m, const dct_mcomp *bus, double p,
                          double v);

static int bus_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const double *q = c->sc->q;
    dcbus *b = calloc(1, sizeof *b);
    if (!b)
        return -1;
    c->data = b;
    c->n_states = 1;
    b->qs = m->elec_qs;
    b->c = q[DCT_DC_BUS_CAPACITANCE];
    b->v_nom = q[DCT_DC_BUS_NOMINAL];
    b->lo = q[DCT_DC_BUS_BAND_LOW];
    b->hi = q[DCT_DC_BUS_BAND_HIGH];
    if (!(b->lo < b->v_nom && b->v_nom < b->hi)) {
        dct_error(d, c->sc->file, c->sc->line,
                  "dc-bus %s: the band %.0f V .. %.0f V must contain the "
                  "nominal %.0f V", c->id, b->lo, b->hi, b->v_nom);
        return -1;
    }
    b->src = calloc(m->n_comp, sizeof *b->src);
    if (!b->src)
        return -1;
    bus_collect(m, c);
    b->v = b->v_nom;
    if (m->opts.electrical == DCT_ELEC_QUASI_STATIC) {
        b->fs = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
        if (!b->fs)
            return -1;
        /* the rows that read V (rectifiers' P_a with a ramp limiter,
         * busways, batteries) on the states of the bus's sources, through
         * V; a battery also on the UPS-fed auxiliaries it carries when it
         * forms the bus.  The smaller couplings through V (on the loads'
         * states beyond those a row reads itself) are left out: the
         * Newton iteration runs on that approximate Jacobian
         * (dctwin-models(7), POWER, Quasi-static electrical states). */
        for (size_t i = 0; i < b->n_src; i++) {
            dct_mcomp *a = b->src[i];
            if (a->ct != &dct_ctype_rectifier && a->ct != &dct_ctype_busway &&
                a->ct != &dct_ctype_bess)
                continue;
            for (size_t k = 0; k < b->n_src; k++) {
                dct_mcomp *o = b->src[k];
                if (o == a ||
                    !(o->ct == &dct_ctype_rectifier ||
                      o->ct == &dct_ctype_generator ||
                      o->ct == &dct_ctype_bess ||
                      (a->ct == &dct_ctype_bess && o->feed == DCT_FEED_UPS)))
                    continue;
                if (dct_model_dep(m, a, o->rep ? o->rep : o, DCT_DEP_ALL))
                    return -1;
            }
        }
    }
    if (dct_model_add_output(m, c, "V_V") ||
        dct_model_add_margin(m, c, "V", "V", "bus voltage above the band's "
                             "lower edge", b->lo, 0, "band-low") ||
        dct_model_add_margin(m, c, "V", "V", "bus voltage below the band's "
                             "upper edge", b->hi, 1, "band-high") ||
        dct_model_add_root(m, c) || dct_model_add_root(m, c))
        return -1;
    dct_model_margin_nominal(m, c, "V", b->v_nom);
    return 0;
}

/* The sources and loads of a bus: every rectifier, busway, battery and
 * generator that names it (their records are known before any setup),
 * and the auxiliaries it feeds (set up before it). */
static void bus_collect(dct_model *m, dct_mcomp *c)
{
    dcbus *b = c->data;
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *o = &m->comp[i];
        const dct_comp *ref = NULL;
        if (o->ct == &dct_ctype_rectifier)
            ref = o->sc->ref[DCT_RECTIFIER_BUS].v[0];
        else if (o->ct == &dct_ctype_busway)
            ref = o->sc->ref[DCT_BUSWAY_BUS].v[0];
        else if (o->ct == &dct_ctype_bess)
            ref = o->sc->ref[DCT_BESS_BUS].v[0];
        else if (o->ct == &dct_ctype_generator)
            ref = o->sc->ref[DCT_GENERATOR_BUS].v[0];
        else if (dct_aux_target(m, o) == c)  /* an auxiliary on UPS */
            ref = c->sc;
        if (ref == c->sc)
            b->src[b->n_src++] = o;
    }
}

static void bus_ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    c->port.V_bus = bus_voltage(c, y);
    (void)m, (void)t;
}

/* The node balance of a quasi-static bus at voltage V [A]: what its
 * sources inject (the rectifiers' and generators' droop currents, the
 * batteries' converter power over V) less what the busways and the
 * UPS-fed auxiliaries draw, each at V.  Its busways' power and
 * resistance are those of the ports phase (they do not depend on V). */
static double bus_balance(double v, void *ctx)
{
    const dct_mcomp *c = ctx;
    const dcbus *b = c->data;
    dct_model *m = b->m;
    double i = 0, pl = 0;
    for (size_t k = 0; k < b->n_src; k++) {
        const dct_mcomp *o = b->src[k];
        if (o->ct == &dct_ctype_busway) {
            const busway *w = o->data;
            int cpl;
            double ib = o->failed ? 0 : bw_current(w, w->p, w->r, v, &cpl);
            i -= ib;
            pl += ib * v;
        } else if (o->feed == DCT_FEED_UPS) {
            i -= aux_current(m, c, o->port.P_aux, v);
        }
    }
    for (size_t k = 0; k < b->n_src; k++) {
        const dct_mcomp *o = b->src[k];
        if (o->ct == &dct_ctype_rectifier) {
            i += rect_iref(o, o->data, b->t, b->y, v, NULL);
        } else if (o->ct == &dct_ctype_generator) {
            i += gen_iref(m, o, b->y, v);
        } else if (o->ct == &dct_ctype_bess && !o->failed && v > 1) {
            i += bess_pref(m, o, b->y + o->off, v, pl, NULL) / v;
        }
    }
    return i;
}

/* Relative width [1] of the bracket at which a quasi-static bus's
 * voltage is taken as solved: ~45 ulp of the voltage. */
#define BUS_V_TOL 1e-14

/* Solve the node balance of a quasi-static bus for its voltage: the root
 * of bus_balance next to the last one (bracketed by steps out from it,
 * growing fourfold from 0.1 % of the nominal), refined by Brent's method
 * (GSL); 0 when nothing holds the bus up, 2 V_nom when the sources
 * would drive it above that. */
static double bus_solve(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    dcbus *b = c->data;
    b->m = m;
    b->t = t;
    b->y = y;
    double v0 = b->v, f0 = bus_balance(v0, c);
    double d = 1e-3 * b->v_nom, vmax = 2 * b->v_nom, lo = v0, hi = v0;
    if (f0 == 0)
        return v0;
    if (f0 > 0) {            /* the root lies above */
        for (;;) {
            hi = fmin(lo + d, vmax);
            if (bus_balance(hi, c) <= 0)
                break;
            if (hi >= vmax)
                return vmax;
            lo = hi;
            d *= 4;
        }
    } else {                 /* below */
        for (;;) {
            lo = fmax(hi - d, 0);
            if (bus_balance(lo, c) > 0)
                break;
            if (lo <= 0)
                return 0;
            hi = lo;
            d *= 4;
        }
    }
    gsl_function f = {bus_balance, c};
    if (gsl_root_fsolver_set(b->fs, &f, lo, hi) != GSL_SUCCESS)
        return 0.5 * (lo + hi);
    double v = 0.5 * (lo + hi);
    for (int it = 0; it < 100; it++) {
        if (gsl_root_fsolver_iterate(b->fs) != GSL_SUCCESS)
            break;
        v = gsl_root_fsolver_root(b->fs);
        lo = gsl_root_fsolver_x_lower(b->fs);
        hi = gsl_root_fsolver_x_upper(b->fs);
        if (gsl_root_test_interval(lo, hi, 0, BUS_V_TOL) == GSL_SUCCESS)
            break;
    }
    return v;
}

static void bus_derivs(dct_model *m, dct_mcomp *c, double t, const double *y,
                       double *ydot)
{
    dcbus *b = c->data;
    if (b->qs) {
        /* the bus's voltage, then its sources' and busways' ports at it */
        b->v = bus_solve(m, c, t, y);
        c->port.V_bus = b->v;
        for (size_t k = 0; k < b->n_src; k++) {
            dct_mcomp *o = b->src[k];
            if (o->ct == &dct_ctype_rectifier || o->ct == &dct_ctype_busway ||
                o->ct == &dct_ctype_bess || o->ct == &dct_ctype_generator)
                o->ct->ports(m, o, t, y);
        }
    }
    double v = bus_voltage(c, y);
    double i = 0;
    for (size_t k = 0; k < b->n_src; k++) {
        dct_mcomp *o = b->src[k];
        o->port.V_bus = v;
        if (o->feed == DCT_FEED_UPS)
            o->port.I_bus = -aux_current(m, c, o->port.P_aux, v);
        i += o->port.I_bus;
    }
    ydot[c->off] = b->qs ? 0 : i / b->c;
    b->p_in = v * i;
    (void)m, (void)t;
}

static void bus_init(dct_model *m, dct_mcomp *c, double *y)
{
    dcbus *b = c->data;
    /* the rectifiers' droop operating point for the t = 0 load, shared in
     * proportion to their rating; bus voltage from the droop line */
    double p = 0, ir_sum = 0, droop = 0.01;
    for (size_t k = 0; k < b->n_src; k++) {
        const dct_mcomp *o = b->src[k];
        if (o->ct == &dct_ctype_busway) {
            const busway *w = o->data;
            for (size_t j = 0; j < w->n_rack; j++) {
                const double *rq = w->rack[j]->sc->q;
                p += w->share[j] *
                     dct_profile_power(m->profiles, w->rack[j]->tindex, 0,
                                       rq[DCT_RACK_P_IDLE],
                                       rq[DCT_RACK_P_MAX]);
            }
        } else if (o->ct == &dct_ctype_rectifier) {
            const rect *r = o->data;
            ir_sum += rect_running(o, r) * r->rating / r->v_set;
            droop = r->droop;
        }
    }
    double v = b->v_nom;
    if (ir_sum > 0) /* V = V_set (1 - droop I / I_r), I = P / V: iterate */
        for (int it = 0; it < 20; it++)
            v = b->v_nom * (1 - droop * (p / v) / ir_sum);
    b->v = v;
    y[c->off] = v;
    for (size_t k = 0; k < b->n_src; k++) {
        const dct_mcomp *o = b->src[k];
        if (o->ct == &dct_ctype_rectifier && ir_sum > 0) {
            const rect *r = o->data;
            y[o->off + R_I] = (p / v) * rect_running(o, r) * r->rating /
                              r->v_set / ir_sum;
        }
    }
}

static double bus_stored(const dct_model *m, const dct_mcomp *c,
                         const double *y)
{
    (void)m, (void)c, (void)y;
    return 0; /* electrical, not heat: see dct_model_electric_energy */
}

static double bus_output(dct_model *m, dct_mcomp *c, size_t k, double t,
                         const double *y)
{
    (void)m, (void)k, (void)t;
    return bus_voltage(c, y);
}

/* (quasi-static: V of the last RHS evaluation, as a busway's current) */
static double bus_root(dct_model *m, dct_mcomp *c, size_t k, double t,
                       const double *y)
{
    dcbus *b = c->data;
    double v = bus_voltage(c, y);
    (void)m, (void)t;
    return k == 0 ? b->lo - v : v - b->hi;
}

static const char *bus_root_event(const dct_mcomp *c, size_t k, int dir)
{
    (void)c;
    if (k == 0)
        return dir > 0 ? "voltage-below-band" : "voltage-in-band";
    return dir > 0 ? "voltage-above-band" : "voltage-in-band";
}

static void bus_free(dct_mcomp *c)
{
    dcbus *b = c->data;
    if (b) {
        free(b->src);
        gsl_root_fsolver_free(b->fs);
    }
    free(b);
}

/* The power into the capacitors, V C dV/dt = V sum I: its integral is
 * 1/2 C V^2 (end) - 1/2 C V^2 (start) up to the integration error, which
 * electrical_closure_rel measures. */
static void bus_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    const dcbus *b = c->data;
    p[DCT_L_BUS] += b->p_in;
    (void)m;
}

const dct_ctype dct_ctype_dcbus = {
    "dc-bus", bus_setup, bus_init, bus_ports, bus_derivs, bus_stored,
    bus_output, bus_output, bus_root, bus_root_event, bus_free, NULL,
    bus_ledger,
};

void dct_power_quasi_static(dct_model *m, int on, double *y)
{
    m->elec_qs = on;
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *c = &m->comp[i];
        if (c->ct == &dct_ctype_dcbus) {
            dcbus *b = c->data;
            b->qs = on;
            if (on && y)
                b->v = y[c->off];
            else if (!on && y)
                y[c->off] = b->v;
        } else if (on || !y) {
            continue;
        } else if (c->ct == &dct_ctype_rectifier) {
            y[c->off + R_I] = c->port.I_bus;
        } else if (c->ct == &dct_ctype_generator) {
            y[c->off + G_I] = c->port.I_bus;
        } else if (c->ct == &dct_ctype_bess) {
            y[c->off + B_PC] = ((const bess *)c->data)->pc;
        }
    }
}

int dct_power_ramping(const dct_model *m, double t, const double *y)
{
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *c = &m->comp[i];
        if (c->ct == &dct_ctype_rectifier) {
            /* P_a climbing at its restart rate, short of its target */
            const rect *r = c->data;
            double n = rect_units(c, r, t), pa = y[c->off + R_PA];
            if (n > 0 && pa < n * r->rating - r->restart * RAMP_END_TAU)
                return 1;
        } else if (c->ct == &dct_ctype_generator) {
            /* online: P_a short of the sets' rating at their ramp;
             * stopped: P_a still above 1 % of one set's rating */
            const gen *g = c->data;
            int n_sets = c->units_out < g->n ? g->n - c->units_out : 0;
            double pa = y[c->off + G_PA];
            int is_online = m->grid_lost_at >= 0 &&
                            t >= m->grid_lost_at + g->delay && !c->failed;
            if (is_online ? pa < n_sets * g->rating -
                                     g->ramp * n_sets * RAMP_END_TAU
                          : pa > 0.01 * g->rating)
                return 1;
        }
    }
    return 0;
}

/* Electrical energy stored in bus capacitors, 1/2 C V^2 [J]. */
double dct_model_bus_energy(const dct_model *m, const double *y)
{
    double e = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *c = &m->comp[i];
        if (c->ct == &dct_ctype_dcbus) {
            const dcbus *b = c->data;
            e += 0.5 * b->c * y[c->off] * y[c->off];
        }
    }
    return e;
}

/* ----------------------------------------------------- auxiliary feeds */

dct_mcomp *dct_aux_target(const dct_model *m, const dct_mcomp *c)
{
    if (c->feed == DCT_FEED_UPS)
        return m->aux_bus;
    if (c->feed == DCT_FEED_GEN)
        return m->aux_gen;
    return NULL;
}

int dct_aux_setup(dct_model *m, dct_mcomp *c, int feed_param,
                  dct_mcomp *const *deps, size_t n_deps)
{
    const char *w = c->sc->s[feed_param];
    c->feed = !w                             ? DCT_FEED_UPS
              : strcmp(w, "generator") == 0 ? DCT_FEED_GEN
              : strcmp(w, "grid") == 0      ? DCT_FEED_GRID
                                            : DCT_FEED_UPS;
    /* site_check refuses feed="generator" given on a site without one;
     * the default falls back to the grid */
    if ((c->feed == DCT_FEED_GEN && !m->aux_gen) ||
        (c->feed == DCT_FEED_UPS && !m->aux_bus))
        c->feed = DCT_FEED_GRID;
    dct_mcomp *a = dct_aux_target(m, c);
    if (!a)
        return 0;
    if (dct_model_dep(m, a, c->rep ? c->rep : c, DCT_DEP_ALL))
        return -1;
    for (size_t i = 0; i < n_deps; i++)
        if (dct_model_dep(m, a, deps[i]->rep ? deps[i]->rep : deps[i],
                          DCT_DEP_ALL))
            return -1;
    return 0;
}

int dct_aux_powered(const dct_model *m, const dct_mcomp *c, double t)
{
    if (c->feed == DCT_FEED_UPS || c->feed == DCT_FEED_NONE)
        return 1;
    if (!m->aux_grid || !m->aux_grid->failed)
        return 1;
    return c->feed == DCT_FEED_GEN && dct_gen_board_on(m, t);
}

void dct_aux_draw(const dct_model *m, dct_mcomp *c, double p, const double *y)
{
    c->port.P_aux = p;
    c->port.I_bus = 0;     /* a UPS feed's: set by its bus (bus_derivs) */
    c->port.P_loss = c->feed == DCT_FEED_UPS ? p / m->aux_eta - p : 0;
    (void)y;
}

/* The current a UPS-fed auxiliary of power P draws from a bus at V: a
 * constant power behind a converter of efficiency eta, a constant
 * conductance below the break voltage, as the racks (continuous there).
 * Computed by the bus, so that the auxiliary's port does not depend on
 * the bus voltage (nor its Jacobian rows on the bus's column). */
static double aux_current(const dct_model *m, const dct_mcomp *bus, double p,
                          double v)
{
    double v_brk = LOAD_V_BREAK * bus->sc->q[DCT_DC_BUS_NOMINAL];
    double pd = p / m->aux_eta;
    return v >= v_brk ? pd / v : (v > 0 ? pd * v / (v_brk * v_brk) : 0);
}

void dct_aux_ledger(const dct_model *m, const dct_mcomp *c, int term,
                    double *p)
{
    double pa = c->port.P_aux;
    p[term] += pa;
    if (c->feed == DCT_FEED_UPS) {
        double pd = pa / m->aux_eta;
        p[DCT_L_LOSS_AUX] += pd - pa;
        p[DCT_L_UNSERVED] -= pd + c->port.I_bus * c->port.V_bus;
    } else if (c->feed == DCT_FEED_GEN && m->aux_grid &&
               m->aux_grid->failed) {
        p[DCT_L_GENERATOR] += pa;  /* unpowered: pa is 0 */
    } else {
        p[DCT_L_GRID] += pa;
    }
}

double dct_aux_design_power(const dct_model *m, const dct_mcomp *c)
{
    const double *q = c->sc->q;
    if (c->ct == &dct_ctype_cdu) {
        /* the pumps at the group's design flow, shared by its CDUs */
        const dct_group *g = dct_model_group_of((dct_model *)m, c);
        double ms = q[DCT_CDU_FLOW_SECONDARY];
        double w = g && g->n_cdu
                       ? fmin(g->mdot_design / ((double)g->n_cdu * ms), 1)
                       : 1;
        return w * ms / DCT_RHO_TCS * q[DCT_CDU_PUMP_HEAD] * w * w /
               q[DCT_CDU_PUMP_EFFICIENCY];
    }
    if (c->ct == &dct_ctype_loop) {
        /* every CDU's valve open */
        double md = 0;
        for (size_t i = 0; i < m->n_comp; i++) {
            const dct_mcomp *u = &m->comp[i];
            if (u->ct == &dct_ctype_cdu &&
                u->sc->ref[DCT_CDU_LOOP].v[0] == c->sc)
                md += u->sc->q[DCT_CDU_FLOW_PRIMARY];
        }
        return md / DCT_RHO_W * q[DCT_FACILITY_LOOP_PUMP_HEAD] /
               q[DCT_FACILITY_LOOP_PUMP_EFFICIENCY];
    }
    if (c->ct == &dct_ctype_heatrej) {
        double n = q[DCT_HEAT_REJECTION_COUNT];
        const char *ty = c->sc->s[DCT_HEAT_REJECTION_TYPE];
        if (!ty || strcmp(ty, "chiller") != 0)
            return n * q[DCT_HEAT_REJECTION_FAN_POWER];
        /* the chillers' COP at their rating point (comp_plant.c: 2 K
         * refrigerant approaches, 5 K air-cooled condenser) */
        double t_ev = q[DCT_HEAT_REJECTION_T_OUT_RATED] - 2.0;
        double lift = fmax(q[DCT_HEAT_REJECTION_T_AIR_RATED] + 7.0 - t_ev,
                           10.0);
        return n * q[DCT_HEAT_REJECTION_RATING] /
               (q[DCT_HEAT_REJECTION_ETA_CARNOT] * t_ev / lift);
    }
    if (c->ct == &dct_ctype_hall) {
        double p = 0;
        for (size_t i = 0; i < m->site->n_comps; i++) {
            const dct_comp *cr = m->site->comps[i];
            if (cr->type != DCT_T_CRAH || cr->is_model || cr->parent != c->sc)
                continue;
            p += cr->q[DCT_CRAH_COUNT] *
                 (cr->q[DCT_CRAH_FAN_POWER] +
                  cr->q[DCT_CRAH_CAPACITY] / cr->q[DCT_CRAH_COP]);
        }
        return p;
    }
    return 0;
}

double dct_aux_board_load(const dct_model *m)
{
    if (!m->aux_grid || !m->aux_grid->failed)
        return 0;
    double p = 0;
    for (size_t i = 0; i < m->n_comp; i++)
        if (m->comp[i].feed == DCT_FEED_GEN)
            p += m->comp[i].port.P_aux;
    return p;
}
