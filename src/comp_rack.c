/* comp_rack.c - a liquid-cooled rack: mean GPU and hot GPU junction and
 * case temperatures, rack liquid in 1-3 segments, throttling.
 *
 * States (per rack): T_j, T_c (mean GPU junction and cold-plate case),
 * T_jh, T_ch (the hot GPU: the plate with the least flow), T_l[k] (rack
 * liquid segments, tanks in series; the last is the rack outlet).
 *
 *   C_j  dT_j/dt  = g(T_j) P_gpu - (T_j - T_c)/R_jc
 *   C_cp dT_c/dt  = (T_j - T_c)/R_jc - (T_c - T_pin)/R_ci(V_plate)
 *   R_ci(V) = a + b/V                       (OCP cold-plate fit, K/W)
 *   T_pin = T_in + f_man (T_out - T_in)     (manifold pre-heat)
 *   T_pin,hot = T_in + f_man,hot (T_out - T_in)   (the hot GPU's plate)
 *   C_seg dT_k/dt = mdot c_p (T_{k-1} - T_k) + Q_liq / n_seg
 *   Q_liq = (N-1)(T_c - T_pin)/R_ci(V) + (T_ch - T_pin)/R_ci(m V) + Q_oth
 *   Q_oth = f_liq P_dem - N P_gpu_dem,  Q_air = (1 - f_liq) P_dem
 *
 * g(T) is 1 below t-soft, falls linearly to 0.5 at t-slow and to 0 at
 * t-trip (dctwin-models(7)).  Equations and sources: dctwin-models(7). */
#include "config.h"
#include "model_impl.h"

#include <stdlib.h>
#include <string.h>

enum { S_TJ, S_TC, S_TJH, S_TCH, S_TL };

typedef struct rack {
    size_t k;              /* index among the site's racks (profiles) */
    int nseg;
    double p_max, p_idle, n_gpu, p_gpu, f_liq;
    double mdot_design;    /* [kg/s] */
    double v_plate_design; /* [m3/s] per plate at design flow */
    double a, b, r_jc, c_j, c_cp, c_seg, f_man, f_man_hot, mal;
    double t_soft, t_slow, t_trip, t_sup_min, t_sup_max, t_ret_max;
    /* required flow per watt vs supply temperature (GSL linear interp) */
    dct_curve req;         /* required flow per watt against T_supply */
    int has_req;
    dct_group *g;
    unsigned char *own;    /* own block of the Jacobian pattern */
    /* capacitor tier of the power shelves (cap-energy > 0): states
     * x[s_cap] stored energy [J] and x[s_cap + 1] input power [W] */
    int has_cap;
    size_t s_cap;
    /* the share of its busways in service (dct_busway_feeds); -1 when
     * its row lists no busway.  0: every feed has failed, the rack is
     * dark */
    double feed;
    double e_bank, tau_cap;  /* [J] whole rack, [s] */
    /* per-evaluation scratch, filled by ports() */
    double p_settle;           /* [W] mean demand of the settling window */
    double p_dem, p_gpu_dem, g_mean, g_hot, mdot, t_in, t_pin, r_ci, r_ci_h;
    double p_want;             /* [W] its demand, dark or not */
} rack;

/* Throttle factor g(T) of GPU power (piecewise linear, continuous). */
static double throttle(const rack *r, double T)
{
    if (T <= r->t_soft)
        return 1.0;
    if (T <= r->t_slow)
        return 1.0 - 0.5 * (T - r->t_soft) / (r->t_slow - r->t_soft);
    if (T <= r->t_trip)
        return 0.5 * (r->t_trip - T) / (r->t_trip - r->t_slow);
    return 0.0;
}

static double rci(const rack *r, double v)
{
    double vmin = 1e-3 * r->v_plate_design;
    return r->a + r->b / (v > vmin ? v : vmin);
}

static int own_pattern(dct_mcomp *c, rack *r);

static int setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const double *q = c->sc->q;
    rack *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    c->data = r;
    r->k = c->tindex;
    r->feed = -1;
    r->nseg = (int)q[DCT_RACK_SEGMENTS];
    r->p_max = q[DCT_RACK_P_MAX];
    r->p_idle = q[DCT_RACK_P_IDLE];
    /* mean demand over the settling window (dctwin-models(7), INITIAL
     * STATE): the midpoint rule on DCT_SETTLE_SAMPLES points */
    r->p_settle = 0;
    for (int i = 0; i < DCT_SETTLE_SAMPLES; i++)
        r->p_settle += dct_profile_power(m->profiles, r->k,
                                         (i + 0.5) * DCT_SETTLE_WINDOW /
                                             DCT_SETTLE_SAMPLES,
                                         r->p_idle, r->p_max);
    r->p_settle /= DCT_SETTLE_SAMPLES;
    r->n_gpu = q[DCT_RACK_N_GPU];
    r->p_gpu = q[DCT_RACK_P_GPU];
    r->f_liq = q[DCT_RACK_F_LIQ];
    r->mdot_design = q[DCT_RACK_FLOW] * DCT_RHO_TCS;
    r->v_plate_design = q[DCT_RACK_PLATE_FLOW];
    r->a = q[DCT_RACK_R_CI_A];
    r->b = q[DCT_RACK_R_CI_B];
    r->r_jc = q[DCT_RACK_R_JC];
    r->c_j = q[DCT_RACK_C_J];
    r->c_cp = q[DCT_RACK_C_CP];
    r->c_seg = DCT_RHO_TCS * q[DCT_RACK_VOLUME] * DCT_CP_TCS / r->nseg;
    r->f_man = q[DCT_RACK_F_MAN];
    r->f_man_hot = q[DCT_RACK_F_MAN_HOT];
    r->mal = q[DCT_RACK_MALDISTRIBUTION];
    r->t_soft = q[DCT_RACK_T_SOFT];
    r->t_slow = q[DCT_RACK_T_SLOW];
    r->t_trip = q[DCT_RACK_T_TRIP];
    r->t_sup_min = q[DCT_RACK_T_SUPPLY_MIN];
    r->t_sup_max = q[DCT_RACK_T_SUPPLY_MAX];
    r->t_ret_max = q[DCT_RACK_T_RETURN_MAX];
    if (c->sc->n_pts >= 2) {
        /* linear between the table's points */
        if (dct_curve_init(&r->req, c->sc->pts, c->sc->n_pts,
                           DCT_FLOW_REQ_T_SUPPLY, DCT_FLOW_REQ_FLOW, 1,
                           "flow-req", d))
            return -1;
        r->has_req = 1;
    }
    c->n_states = (size_t)(S_TL + r->nseg);
    /* the capacitor tier: E_bank = cap-energy x n-gpu.  A step dP of the
     * load moves the bank by at most 2 tau dP / e = 0.736 tau dP from half
     * charge; tau = 0.6 E_bank / (P_max - P_idle) keeps a full idle-to-peak
     * step inside the bank (0.44 E_bank) */
    r->e_bank = q[DCT_RACK_CAP_ENERGY] * r->n_gpu;
    if (r->e_bank > 0 && r->p_max > r->p_idle) {
        r->has_cap = 1;
        r->s_cap = c->n_states;
        r->tau_cap = 0.6 * r->e_bank / (r->p_max - r->p_idle);
        c->n_states += 2;
    }
    if (own_pattern(c, r))
        return -1;
    r->g = dct_model_group_of(m, c);
    if (!r->g) {
        dct_error(d, c->sc->file, c->sc->line, "rack %s has no CDU group",
                  c->id);
        return -1;
    }
    /* the group's flow and mixed supply (the CDUs' secondary ports) set
     * the plates' inlet and resistance and the liquid segments' flow */
    for (size_t i = 0; i < r->g->n_cdu; i++) {
        const dct_mcomp *u = r->g->cdu[i];
        if (dct_cdu_dep_secondary(m, c, S_TC, u) ||
            dct_cdu_dep_secondary(m, c, S_TCH, u))
            return -1;
        for (int k = 0; k < r->nseg; k++)
            if (dct_cdu_dep_secondary(m, c, S_TL + k, u))
                return -1;
    }
    const char *outs[] = {"T_j_degC",      "T_j_hot_degC", "T_case_degC",
                          "T_return_degC", "P_kW",         "flow_Lpm",
                          "gpu_power_pct"};
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
        if (dct_model_add_output(m, c, outs[i]))
            return -1;
    if (r->has_cap && (dct_model_add_output(m, c, "P_in_kW") ||
                       dct_model_add_output(m, c, "E_cap_pct")))
        return -1;
    if (dct_model_add_margin(m, c, "T_j_hot", "degC",
                             "GPU junction below the throttle point",
                             r->t_soft - DCT_T0, 1, "throttle") ||
        dct_model_add_margin(m, c, "T_j_hot", "degC",
                             "GPU junction below the trip point",
                             r->t_trip - DCT_T0, 1, "trip") ||
        dct_model_add_margin(m, c, "T_supply", "degC",
                             "TCS supply at most the rack's maximum",
                             r->t_sup_max - DCT_T0, 1, "max") ||
        dct_model_add_margin(m, c, "T_return", "degC",
                             "TCS return at most the rack's maximum",
                             r->t_ret_max - DCT_T0, 1, "max"))
        return -1;
    if (r->has_cap &&
        (dct_model_add_margin(m, c, "E_cap", "%", "capacitor bank above "
                              "empty", 0, 0, "empty") ||
         dct_model_add_margin(m, c, "E_cap", "%", "capacitor bank below "
                              "full", 100, 1, "full")))
        return -1;
    if (r->has_req && dct_model_add_margin(m, c, "flow", "%",
                                       "rack flow over the flow required at "
                                       "its supply temperature",
                                       100, 0, "required"))
        return -1;
    /* roots: hot GPU crossing t-soft, t-slow and t-trip */
    for (int i = 0; i < 3; i++)
        if (dct_model_add_root(m, c))
            return -1;
    return 0;
}

/* The share of a rack's busways in service: cleared to 0, then the
 * share of each busway in service added (dct_busway_feeds). */
void dct_rack_feed_clear(dct_mcomp *c)
{
    rack *r = c->data;
    if (r)
        r->feed = 0;
}

void dct_rack_feed_add(dct_mcomp *c, double share)
{
    rack *r = c->data;
    if (r)
        r->feed += share;
}

double dct_rack_feed(const dct_mcomp *c)
{
    const rack *r = c->data;
    return r ? r->feed : -1;
}

double dct_rack_coolant_capacity(const dct_mcomp *c)
{
    const rack *r = (c->rep ? c->rep : c)->data;
    return r ? r->c_seg * r->nseg : 0;
}

double dct_rack_soft_headroom(const dct_mcomp *c, const double *y)
{
    const dct_mcomp *s = c->rep ? c->rep : c;
    const rack *r = s->data;
    return r ? r->t_soft - y[s->off + S_TJH] : 0;
}

/* The demand a dark rack does not get (an aggregated member's is its
 * representative's). */
double dct_rack_dark_demand(const dct_mcomp *c)
{
    const rack *r = (c->rep ? c->rep : c)->data;
    return r && r->feed == 0 ? r->p_want : 0;
}

int dct_rack_dep_outlet(dct_model *m, const dct_mcomp *a, long as,
                        const dct_mcomp *rc)
{
    const rack *r = rc->data;
    return dct_model_dep_row(m, a, as, rc, S_TL + r->nseg - 1);
}

int dct_rack_dep_power(dct_model *m, const dct_mcomp *a, const dct_mcomp *rc)
{
    const rack *r = rc->data;
    if (r->has_cap)
        return dct_model_dep(m, a, rc, (long)r->s_cap + 1);
    return dct_model_dep(m, a, rc, S_TJ) || dct_model_dep(m, a, rc, S_TJH);
}

/* The rack's own Jacobian block: which of its states each derivative
 * reads (derivs below; check_model tests it against plain differences).
 * The plates read their junction, themselves and the outlet (the
 * manifold pre-heat); the liquid reads both plates, its upstream segment,
 * itself and the outlet; the capacitor tier reads the throttled power
 * (both junctions). */
static int own_pattern(dct_mcomp *c, rack *r)
{
    size_t n = c->n_states, out = S_TL + (size_t)r->nseg - 1;
    r->own = calloc(n * n, 1);
    if (!r->own)
        return -1;
#define DEP(a, b) (r->own[(size_t)(a) * n + (size_t)(b)] = 1)
    DEP(S_TJ, S_TJ), DEP(S_TJ, S_TC);
    DEP(S_TC, S_TJ), DEP(S_TC, S_TC), DEP(S_TC, out);
    DEP(S_TJH, S_TJH), DEP(S_TJH, S_TCH);
    DEP(S_TCH, S_TJH), DEP(S_TCH, S_TCH), DEP(S_TCH, out);
    for (size_t k = S_TL; k <= out; k++) {
        DEP(k, S_TC), DEP(k, S_TCH), DEP(k, k), DEP(k, out);
        if (k > S_TL)
            DEP(k, k - 1);
    }
    if (r->has_cap)
        for (size_t a = r->s_cap; a < r->s_cap + 2; a++) {
            DEP(a, S_TJ), DEP(a, S_TJH);
            DEP(a, r->s_cap), DEP(a, r->s_cap + 1);
        }
#undef DEP
    c->own = r->own;
    return 0;
}

/* Rack index K among the site's racks is its order of appearance. */
static void ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    rack *r = c->data;
    const double *x = y + c->off;
    /* settling: the mean of the first minute, then the load of t = 0 */
    r->p_dem = m->is_settling == 1
                   ? r->p_settle
                   : dct_profile_power(m->profiles, r->k,
                                       m->is_settling ? 0 : t, r->p_idle,
                                       r->p_max);
    /* every busway of its row has failed: no power, no heat */
    r->p_want = r->p_dem;
    if (r->feed == 0)
        r->p_dem = 0;
    r->p_gpu_dem = r->p_gpu * r->p_dem / r->p_max;
    r->g_mean = throttle(r, x[S_TJ]);
    r->g_hot = throttle(r, x[S_TJH]);
    double cut = (r->n_gpu - 1) * (1 - r->g_mean) * r->p_gpu_dem +
                 (1 - r->g_hot) * r->p_gpu_dem;
    c->port.P_el = r->p_dem - cut;
    c->port.Q_air = (1 - r->f_liq) * r->p_dem;
    /* what the rack draws at its 800 V input: the IT power, or with the
     * capacitor tier its low-passed input power */
    c->port.P_in = r->has_cap ? x[r->s_cap + 1] : c->port.P_el;
    c->port.T = x[S_TL + r->nseg - 1];
}

static void derivs(dct_model *m, dct_mcomp *c, double t, const double *y,
                   double *ydot)
{
    rack *r = c->data;
    const double *x = y + c->off;
    double *dx = ydot + c->off;
    const dct_group *g = r->g;
    double share = g->mdot_design > 0 ? r->mdot_design / g->mdot_design : 0;
    double mdot = g->mdot * share;
    double t_in = g->T_supply;
    double t_out = x[S_TL + r->nseg - 1];
    double t_pin = t_in + r->f_man * (t_out - t_in);
    double t_pin_h = t_in + r->f_man_hot * (t_out - t_in);
    double v = r->v_plate_design * (r->mdot_design > 0 ? mdot / r->mdot_design : 0);
    double rc = rci(r, v), rch = rci(r, r->mal * v);
    double pg = r->g_mean * r->p_gpu_dem, pgh = r->g_hot * r->p_gpu_dem;
    double q_jc = (x[S_TJ] - x[S_TC]) / r->r_jc;
    double q_ci = (x[S_TC] - t_pin) / rc;
    double q_jch = (x[S_TJH] - x[S_TCH]) / r->r_jc;
    double q_cih = (x[S_TCH] - t_pin_h) / rch;
    dx[S_TJ] = (pg - q_jc) / r->c_j;
    dx[S_TC] = (q_jc - q_ci) / r->c_cp;
    dx[S_TJH] = (pgh - q_jch) / r->c_j;
    dx[S_TCH] = (q_jch - q_cih) / r->c_cp;
    double q_oth = r->f_liq * r->p_dem - r->n_gpu * r->p_gpu_dem;
    double q_liq = (r->n_gpu - 1) * q_ci + q_cih + q_oth;
    double prev = t_in;
    for (int k = 0; k < r->nseg; k++) {
        double tk = x[S_TL + k];
        dx[S_TL + k] =
            (mdot * DCT_CP_TCS * (prev - tk) + q_liq / r->nseg) / r->c_seg;
        prev = tk;
    }
    if (r->has_cap) {
        /* dE/dt = P_in - P_el; the input follows the IT power with the
         * bank's time constant and pulls the bank back to half charge:
         * e'' + e'/tau + e/(4 tau^2) = 0 for a constant load, critically
         * damped (dctwin-models(7), RACK) */
        double e = x[r->s_cap] - 0.5 * r->e_bank;
        double pin = x[r->s_cap + 1];
        /* dark, the bank gets nothing from its feeds */
        dx[r->s_cap] = (r->feed == 0 ? 0 : pin) - c->port.P_el;
        dx[r->s_cap + 1] = (c->port.P_el - pin) / r->tau_cap -
                           e / (4 * r->tau_cap * r->tau_cap);
    }
    r->mdot = mdot;
    r->t_in = t_in;
    r->t_pin = t_pin;
    (void)m, (void)t;
}

static void init(dct_model *m, dct_mcomp *c, double *y)
{
    /* steady state at the design flow and the t = 0 load, with the CDU
     * supply at its setpoint */
    rack *r = c->data;
    double *x = y + c->off;
    const dct_mcomp *cdu = r->g->cdu[0];
    double t_in = cdu->sc->q[DCT_CDU_SUPPLY_SETPOINT];
    double p = dct_profile_power(m->profiles, r->k, 0, r->p_idle, r->p_max);
    double pg = r->p_gpu * p / r->p_max;
    double q_liq = r->f_liq * p;
    double dt = r->mdot_design > 0 ? q_liq / (r->mdot_design * DCT_CP_TCS) : 0;
    double t_pin = t_in + r->f_man * dt;
    x[S_TC] = t_pin + pg * rci(r, r->v_plate_design);
    x[S_TJ] = x[S_TC] + pg * r->r_jc;
    x[S_TCH] = t_in + r->f_man_hot * dt + pg * rci(r, r->mal * r->v_plate_design);
    x[S_TJH] = x[S_TCH] + pg * r->r_jc;
    for (int k = 0; k < r->nseg; k++)
        x[S_TL + k] = t_in + dt * (k + 1) / r->nseg;
    if (r->has_cap) {
        x[r->s_cap] = 0.5 * r->e_bank;
        x[r->s_cap + 1] = p;
    }
}

static double stored(const dct_model *m, const dct_mcomp *c, const double *y)
{
    const rack *r = c->data;
    const double *x = y + c->off;
    double u = (r->n_gpu - 1) * (r->c_j * x[S_TJ] + r->c_cp * x[S_TC]) +
               r->c_j * x[S_TJH] + r->c_cp * x[S_TCH];
    for (int k = 0; k < r->nseg; k++)
        u += r->c_seg * x[S_TL + k];
    (void)m;
    return u;
}

static double output(dct_model *m, dct_mcomp *c, size_t k, double t,
                     const double *y)
{
    rack *r = c->data;
    const double *x = y + c->off;
    switch (k) {
    case 0: return x[S_TJ] - DCT_T0;
    case 1: return x[S_TJH] - DCT_T0;
    case 2: return x[S_TC] - DCT_T0;
    case 3: return x[S_TL + r->nseg - 1] - DCT_T0;
    case 4: return c->port.P_el / 1e3;
    case 5: return r->mdot / DCT_RHO_TCS * 60e3;
    case 6: {
        double gpu = r->n_gpu * r->p_gpu_dem;
        double eff = ((r->n_gpu - 1) * r->g_mean + r->g_hot) * r->p_gpu_dem;
        return gpu > 0 ? 100 * eff / gpu : 100;
    }
    case 7: return c->port.P_in / 1e3;
    case 8: return 100 * x[r->s_cap] / r->e_bank;
    }
    (void)m, (void)t;
    return 0;
}

static double margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                     const double *y)
{
    rack *r = c->data;
    const double *x = y + c->off;
    if (r->has_cap && (k == 4 || k == 5))
        return 100 * x[r->s_cap] / r->e_bank;
    if (r->has_cap && k == 6)
        k = 4;
    switch (k) {
    case 0:
    case 1: return x[S_TJH] - DCT_T0;
    case 2: return r->t_in - DCT_T0;
    case 3: return x[S_TL + r->nseg - 1] - DCT_T0;
    case 4: {
        /* required flow [m3/s] = table(T_in) [m3/s/W] x rack power */
        double need = dct_curve_eval(&r->req, r->t_in) *
                      c->port.P_el;
        double have = r->mdot / DCT_RHO_TCS;
        return need > 0 ? 100 * have / need : 1e3;
    }
    }
    (void)m, (void)t;
    return 0;
}

static double root(dct_model *m, dct_mcomp *c, size_t k, double t,
                   const double *y)
{
    rack *r = c->data;
    double T = y[c->off + S_TJH];
    (void)m, (void)t;
    return k == 0 ? T - r->t_soft : (k == 1 ? T - r->t_slow : T - r->t_trip);
}

static const char *root_event(const dct_mcomp *c, size_t k, int dir)
{
    static const char *up[] = {"throttle", "hw-slowdown", "trip"};
    static const char *down[] = {"throttle-end", "hw-slowdown-end",
                                 "trip-end"};
    (void)c;
    return dir > 0 ? up[k] : down[k];
}

static void rack_free(dct_mcomp *c)
{
    rack *r = c->data;
    if (!r)
        return;
    dct_curve_free(&r->req);
    free(r->own);
    free(r);
}

/* The whole-site ledger: the IT power, and the power into the power
 * shelves' capacitor bank (what the rack draws at its input and the GPUs
 * do not use; its integral is the bank's change of energy). */
static void rack_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    const rack *r = c->data;
    p[DCT_L_IT] += c->port.P_el;
    if (r->has_cap && r->feed != 0)
        p[DCT_L_SHELVES] += c->port.P_in - c->port.P_el;
    (void)m;
}

const dct_ctype dct_ctype_rack = {
    "rack", setup, init, ports, derivs, stored, output, margin, root,
    root_event, rack_free, NULL, rack_ledger,
};
