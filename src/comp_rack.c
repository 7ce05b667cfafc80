/* comp_rack.c - a liquid-cooled rack: mean GPU and hot GPU junction and
 * case temperatures, rack liquid in 1-3 segments, throttling.
 *
 * States (per rack): T_j, T_c (mean GPU junction and cold-plate case),
 * T_jh, T_ch (the hot GPU: the plate with the least flow), T_l[k] (rack
 * liquid segments, tanks in series; the last is the rack outlet), z (the
 * trip latch), and with a capacitor tier E (bank energy), P_c (input
 * command) and P_m (the load's running mean).
 *
 *   P_gpu_dem = P_gpu P_dem / P_max       (one GPU's demand)
 *   C_j  dT_j/dt  = g(T_j) P_gpu_dem - (T_j - T_c)/R_jc
 *   C_cp dT_c/dt  = (T_j - T_c)/R_jc - (T_c - T_pin)/R_ci(V)
 *   (the hot GPU likewise with T_jh, T_ch, T_pin,hot and R_ci(m V))
 *   R_ci(V) = a + b/V                       ([OCP-OAI-LC-2023] fit, K/W)
 *   T_pin = T_in + f_man (T_out - T_in)     (manifold pre-heat)
 *   T_pin,hot = T_in + f_man,hot (T_out - T_in)   (the hot GPU's plate)
 *   C_seg dT_k/dt = mdot c_p (T_{k-1} - T_k) + Q_liq / n_seg
 *   Q_liq = (N-1)(T_c - T_pin)/R_ci(V) + (T_ch - T_pin,hot)/R_ci(m V)
 *           + Q_oth
 *   Q_oth = f_liq P_dem - N P_gpu_dem,  Q_air = (1 - f_liq) P_dem
 *
 * g(T) is 1 below t-soft, falls linearly to 0.5 at t-slow and to 0 at
 * t-trip (dctwin-models(7)).
 *
 * Rack trip (BMC/PSU over-temperature shutdown): a latch z in [0, 1],
 * P_dem scaled by 1 - s(z), s(z) = z^2 (3 - 2 z),
 *   tau_z dz/dt = (1 - c)(max(a, h(z)) - z) - c tau_z min(1, z/z0)/t_rs
 *   a = max(ramp((T_jh - T_trip)/dT + 1), ramp((T_out - T_ct)/dT))
 *   h(z) = ramp((z - z0)/z0)   (the latch: above z0 the trip completes)
 *   c = [t_rs > 0] ramp((T_soft - T_jh)/dT) ramp((T_ret,max - T_out)/dT)
 * with ramp(x) = min(max(x, 0), 1).
 *
 * Capacitor tier (power-shelf storage): a rate-limited input command
 * P_c, the bank covering the difference within its energy window,
 *   dP_c/dt = clamp((P_t - P_c)/tau_f, -r, r),
 *   P_t = clamp(P_el + (E_ref - E)/tau_E, 0, P_max)
 *   E_ref = E_bank (1/2 - (1/2 - 2 b) tanh((P_el - P_m) / (0.05 P_max)))
 *   dP_m/dt = (P_el - P_m) / tau_m   (the load's running mean)
 *   P_in = min(P_el - w (P_el - P_c), max(P_el, P_max)),
 *   dE/dt = P_in - P_el
 *   w = ramp(E / E_band) when discharging, ramp((E_bank - E)/E_band)
 *       when charging: an empty or full bank hands the load to the input.
 * Equations and sources: dctwin-models(7). */
#include "config.h"
#include "model_impl.h"

#include <stdlib.h>
#include <string.h>

enum { S_TJ, S_TC, S_TJH, S_TCH, S_TL };

/* rack trip: temperature band of the trip and restart ramps [K], time
 * constant of the shutdown [s], latch threshold (dctwin-models(7), Rack
 * trip) [A] */
#define TRIP_DT 0.5
#define TRIP_TAU 1.0
#define TRIP_Z0 0.05
/* capacitor tier: input tracking time constant [s], bank recharge time
 * constant [s], share of the bank over which an emptying or filling bank
 * hands the load to the input (dctwin-models(7), Capacitor tier) [A] */
#define CAP_TAU_F 0.005
#define CAP_TAU_E 1.0
#define CAP_BAND 0.05
/* the running mean of the load [s], and the width of the load's excess
 * over it [share of p-max] over which the bank's reference charge moves
 * from nearly full (load below its mean) to nearly empty (above) [A] */
#define CAP_TAU_M 10.0
#define CAP_DP_S 0.05

typedef struct rack {
    size_t k;              /* index among the site's racks (profiles) */
    int nseg;
    double p_max, p_idle, n_gpu, p_gpu, f_liq;
    double mdot_design;    /* [kg/s] */
    double v_plate_design; /* [m3/s] per plate at design flow */
    double a, b, r_jc, c_j, c_cp, c_seg, f_man, f_man_hot, mal;
    double t_soft, t_slow, t_trip, t_sup_min, t_sup_max, t_ret_max;
    double t_ct, t_restart;  /* [K] coolant trip, [s] restart (0: none) */
    size_t s_trip;           /* the trip latch z (0 running, 1 off) */
    /* required flow per watt vs supply temperature (GSL linear interp) */
    dct_curve req;         /* required flow per watt against T_supply */
    int has_req;
    dct_group *g;
    unsigned char *own;    /* own block of the Jacobian pattern */
    /* capacitor tier of the power shelves (cap-energy > 0): states
     * x[s_cap] stored energy [J] and x[s_cap + 1] the input command P_c
     * [W] */
    int has_cap;
    size_t s_cap;
    /* the share of its busways in service (dct_busway_feeds); -1 when
     * its row lists no busway.  0: every feed has failed, the rack is
     * dark */
    double feed;
    double e_bank, ramp;     /* [J] whole rack, [W/s] input rate limit */
    /* per-evaluation scratch, filled by ports() */
    double p_settle;           /* [W] mean demand of the settling window */
    double p_dem, p_gpu_dem, g_mean, g_hot, mdot, t_in, t_pin, r_ci, r_ci_h;
    double p_want;             /* [W] its demand, dark or not */
    double on;                 /* 1 - z: the share not tripped */
    double p_bank;             /* [W] what the capacitor bank delivers */
    /* the first margin of each optional group (setup) */
    size_t mk_cap, mk_req, mk_trip;
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
    r->t_ct = q[DCT_RACK_T_COOLANT_TRIP];
    r->t_restart = q[DCT_RACK_TRIP_RESTART];
    if (c->sc->n_pts >= 2) {
        /* linear between the table's points */
        if (dct_curve_init(&r->req, c->sc->pts, c->sc->n_pts,
                           DCT_FLOW_REQ_T_SUPPLY, DCT_FLOW_REQ_FLOW, 1,
                           "flow-req", d))
            return -1;
        r->has_req = 1;
    }
    r->s_trip = (size_t)(S_TL + r->nseg);
    c->n_states = r->s_trip + 1;
    c->n_temp = r->s_trip;   /* the trip latch and capacitor tier follow */
    c->junc_mask = 1ul << S_TJ | 1ul << S_TJH;
    /* the capacitor tier: E_bank = cap-energy x n-gpu.  An idle-to-peak
     * step dP taken at the rate r costs the bank dP^2 / (2 r); the default
     * r = 2 dP^2 / E_bank makes that a quarter of the bank, half of what
     * it holds at its reference charge E_bank / 2 */
    r->e_bank = q[DCT_RACK_CAP_ENERGY] * r->n_gpu;
    if (r->e_bank > 0 && r->p_max > r->p_idle) {
        double dp = r->p_max - r->p_idle;
        r->has_cap = 1;
        r->s_cap = c->n_states;
        r->ramp = q[DCT_RACK_CAP_RAMP_RATE] > 0
                      ? q[DCT_RACK_CAP_RAMP_RATE]
                      : 2 * dp * dp / r->e_bank;
        c->n_states += 3;
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
                       dct_model_add_output(m, c, "E_cap_pct") ||
                       dct_model_add_output(m, c, "E_cap_J")))
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
    r->mk_cap = c->n_margins;
    if (r->has_cap &&
        (dct_model_add_margin(m, c, "E_cap", "%", "capacitor bank above "
                              "empty", 0, 0, "empty") ||
         dct_model_add_margin(m, c, "E_cap", "%", "capacitor bank below "
                              "full", 100, 1, "full") ||
         dct_model_add_margin(m, c, "P_in", "kW", "rack input at most its "
                              "p-max", r->p_max / 1e3, 1, "p-max")))
        return -1;
    /* temperatures: the range above the supply setpoint of the rack's
     * CDUs, the coolant the rack is designed for; the capacitor tier:
     * either way from half charge, where it rests */
    if (r->g->n_cdu) {
        double t_sup = r->g->cdu[0]->sc->q[DCT_CDU_SUPPLY_SETPOINT] - DCT_T0;
        dct_model_margin_nominal(m, c, "T_j_hot", t_sup);
        dct_model_margin_nominal(m, c, "T_supply", t_sup);
        dct_model_margin_nominal(m, c, "T_return", t_sup);
    }
    dct_model_margin_nominal(m, c, "E_cap", 50);
    r->mk_req = c->n_margins;
    if (r->has_req && dct_model_add_margin(m, c, "flow", "%",
                                       "rack flow over the flow required at "
                                       "its supply temperature",
                                       100, 0, "required"))
        return -1;
    r->mk_trip = c->n_margins;
    if (dct_model_add_margin(m, c, "T_return", "degC", "rack coolant below "
                             "its over-temperature shutdown",
                             r->t_ct - DCT_T0, 1, "trip") ||
        dct_model_add_margin(m, c, "in_service", "%", "rack in service, "
                             "not shut down by its BMC/PSU (100 % running, "
                             "0 % tripped)", 50, 0, "trip"))
        return -1;
    /* roots: hot GPU crossing t-soft, t-slow and t-trip; the rack trip
     * latch crossing 1/2 */
    for (int i = 0; i < 4; i++)
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
    if (r->has_cap && (dct_model_dep(m, a, rc, (long)r->s_cap) ||
                       dct_model_dep(m, a, rc, (long)r->s_cap + 1)))
        return -1;
    return dct_model_dep(m, a, rc, S_TJ) || dct_model_dep(m, a, rc, S_TJH) ||
           dct_model_dep(m, a, rc, (long)r->s_trip);
}

int dct_rack_dep_trip(dct_model *m, const dct_mcomp *a, const dct_mcomp *rc)
{
    const rack *r = rc->data;
    return dct_model_dep(m, a, rc, (long)r->s_trip);
}

double dct_rack_cap_energy(const dct_mcomp *c, const double *y)
{
    const dct_mcomp *s = c->rep ? c->rep : c;
    const rack *r = s->data;
    return r && r->has_cap ? y[s->off + r->s_cap] : 0;
}

/* The rack's own Jacobian block: which of its states each derivative
 * reads (derivs below; check_model tests it against plain differences).
 * The plates read their junction, themselves and the outlet (the
 * manifold pre-heat); the liquid reads both plates, its upstream segment,
 * itself and the outlet; the trip latch reads the hot GPU and the outlet,
 * and every power the latch; the capacitor tier reads the throttled power
 * (both junctions, the latch) and itself. */
static int own_pattern(dct_mcomp *c, rack *r)
{
    size_t n = c->n_states, out = S_TL + (size_t)r->nseg - 1;
    r->own = calloc(n * n, 1);
    if (!r->own)
        return -1;
#define DEP(a, b) (r->own[(size_t)(a) * n + (size_t)(b)] = 1)
    size_t z = r->s_trip;
    DEP(S_TJ, S_TJ), DEP(S_TJ, S_TC), DEP(S_TJ, z);
    DEP(S_TC, S_TJ), DEP(S_TC, S_TC), DEP(S_TC, out);
    DEP(S_TJH, S_TJH), DEP(S_TJH, S_TCH), DEP(S_TJH, z);
    DEP(S_TCH, S_TJH), DEP(S_TCH, S_TCH), DEP(S_TCH, out);
    for (size_t k = S_TL; k <= out; k++) {
        DEP(k, S_TC), DEP(k, S_TCH), DEP(k, k), DEP(k, out), DEP(k, z);
        if (k > S_TL)
            DEP(k, k - 1);
    }
    DEP(z, S_TJH), DEP(z, out), DEP(z, z);
    if (r->has_cap)
        for (size_t a = r->s_cap; a < r->s_cap + 3; a++) {
            DEP(a, S_TJ), DEP(a, S_TJH), DEP(a, z);
            DEP(a, r->s_cap), DEP(a, r->s_cap + 1), DEP(a, r->s_cap + 2);
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
    /* tripped by its BMC/PSU: the whole rack's power goes, through the
     * smoothstep s(z) = z^2 (3 - 2 z), flat at both ends (a running or a
     * tripped rack does not feel the latch's solver noise) */
    {
        double z = dct_clamp(x[r->s_trip], 0, 1);
        r->on = 1 - z * z * (3 - 2 * z);
    }
    r->p_dem *= r->on;
    r->p_gpu_dem = r->p_gpu * r->p_dem / r->p_max;
    r->g_mean = throttle(r, x[S_TJ]);
    r->g_hot = throttle(r, x[S_TJH]);
    double cut = (r->n_gpu - 1) * (1 - r->g_mean) * r->p_gpu_dem +
                 (1 - r->g_hot) * r->p_gpu_dem;
    c->port.P_el = r->p_dem - cut;
    c->port.Q_air = (1 - r->f_liq) * r->p_dem;
    /* what the rack draws at its 800 V input: the IT power, less what the
     * capacitor bank delivers (its share w of the gap between the load
     * and the rate-limited command P_c; an emptying or filling bank hands
     * the load to the input) */
    r->p_bank = 0;
    if (r->has_cap && r->feed != 0) {
        double e = x[r->s_cap], gap = c->port.P_el - x[r->s_cap + 1];
        double band = CAP_BAND * r->e_bank;
        double w = gap > 0 ? dct_clamp(e / band, 0, 1)
                           : dct_clamp((r->e_bank - e) / band, 0, 1);
        r->p_bank = w * gap;
        /* the input is limited at the rack's rating, the bank covering
         * the rest (the command P_c approaches p-max from below; this
         * keeps the solver's overshoot of it out of the input) */
        double lim = fmax(c->port.P_el, r->p_max);
        if (c->port.P_el - r->p_bank > lim)
            r->p_bank = c->port.P_el - lim;
    }
    c->port.P_in = c->port.P_el - r->p_bank;
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
    /* the trip latch: towards max(a, h(z)), or back to 0 over the restart
     * time once cooled (dctwin-models(7), Rack trip) */
    {
        double z = x[r->s_trip];
        /* the GPUs shut down at t-trip (g = 0 there), the coolant limit
         * is passed above t-coolant-trip */
        double a = fmax(dct_clamp((x[S_TJH] - r->t_trip) / TRIP_DT + 1, 0, 1),
                        dct_clamp((t_out - r->t_ct) / TRIP_DT, 0, 1));
        double h = dct_clamp((z - TRIP_Z0) / TRIP_Z0, 0, 1);
        double cool = r->t_restart > 0
                          ? dct_clamp((r->t_soft - x[S_TJH]) / TRIP_DT, 0, 1) *
                                dct_clamp((r->t_ret_max - t_out) / TRIP_DT, 0, 1)
                          : 0;
        dx[r->s_trip] = (1 - cool) * (fmax(a, h) - z) / TRIP_TAU -
                        (cool > 0 ? cool * fmin(1, fmax(z, 0) / TRIP_Z0) /
                                        r->t_restart
                                  : 0);
    }
    if (r->has_cap) {
        /* dE/dt = P_in - P_el; the command P_c tracks the load plus the
         * bank's recharge, at most p-max, at most at the ramp rate */
        double e = x[r->s_cap], pc = x[r->s_cap + 1], pm = x[r->s_cap + 2];
        /* the charge management: the bank's reference charge is high
         * while the load is below its running mean (it charges in
         * low-demand periods) and low while above (it discharges in the
         * peaks), half at the mean */
        double e_ref = r->e_bank *
                       (0.5 - (0.5 - 2 * CAP_BAND) *
                                  tanh((c->port.P_el - pm) /
                                       (CAP_DP_S * r->p_max)));
        double want = dct_clamp(c->port.P_el + (e_ref - e) / CAP_TAU_E, 0,
                                r->p_max);
        dx[r->s_cap] = -r->p_bank;
        dx[r->s_cap + 2] = (c->port.P_el - pm) / CAP_TAU_M;
        dx[r->s_cap + 1] = dct_clamp((want - pc) / CAP_TAU_F, -r->ramp,
                                     r->ramp);
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
    x[r->s_trip] = 0;
    if (r->has_cap) {
        x[r->s_cap] = 0.5 * r->e_bank;
        x[r->s_cap + 1] = p;
        x[r->s_cap + 2] = p;
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
    case 9: return x[r->s_cap];
    }
    (void)m, (void)t;
    return 0;
}

static double margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                     const double *y)
{
    rack *r = c->data;
    const double *x = y + c->off;
    if (r->has_cap && (k == r->mk_cap || k == r->mk_cap + 1))
        return 100 * x[r->s_cap] / r->e_bank;
    if (r->has_cap && k == r->mk_cap + 2)
        return c->port.P_in / 1e3;
    if (r->has_req && k == r->mk_req) {
        /* required flow [m3/s] = table(T_in) [m3/s/W] x rack power */
        double need = dct_curve_eval(&r->req, r->t_in) *
                      c->port.P_el;
        double have = r->mdot / DCT_RHO_TCS;
        return need > 0 ? 100 * have / need : 1e3;
    }
    if (k == r->mk_trip)
        return x[S_TL + r->nseg - 1] - DCT_T0;
    if (k == r->mk_trip + 1)
        return 100 * (1 - x[r->s_trip]);
    switch (k) {
    case 0:
    case 1: return x[S_TJH] - DCT_T0;
    case 2: return r->t_in - DCT_T0;
    case 3: return x[S_TL + r->nseg - 1] - DCT_T0;
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
    if (k == 3)
        return y[c->off + r->s_trip] - 0.5;
    return k == 0 ? T - r->t_soft : (k == 1 ? T - r->t_slow : T - r->t_trip);
}

static const char *root_event(const dct_mcomp *c, size_t k, int dir)
{
    static const char *up[] = {"throttle", "hw-slowdown", "trip",
                               "rack-trip"};
    static const char *down[] = {"throttle-end", "hw-slowdown-end",
                                 "trip-end", "rack-restart"};
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
 * shelves' capacitor bank, P_in - P_el = -p_bank (its integral is the
 * bank's change of energy). */
static void rack_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    const rack *r = c->data;
    p[DCT_L_IT] += c->port.P_el;
    p[DCT_L_SHELVES] -= r->p_bank;  /* dE/dt of the bank (0 without) */
    (void)m;
}

const dct_ctype dct_ctype_rack = {
    "rack", setup, init, ports, derivs, stored, output, margin, root,
    root_event, rack_free, NULL, rack_ledger,
};

/* ----------------------------------------------------- design point */

/* The hot GPU's steady junction temperature [K] of rack SC at full load,
 * supply T_IN [K] and coolant flow MDOT [kg/s], unthrottled: the closed
 * form of init() (dctwin-models(7), Design point). */
static double design_tjh(const dct_comp *sc, double t_in, double mdot)
{
    const double *q = sc->q;
    double mdot_des = q[DCT_RACK_FLOW] * DCT_RHO_TCS;
    double v = q[DCT_RACK_PLATE_FLOW] * (mdot_des > 0 ? mdot / mdot_des : 0);
    double vmin = 1e-3 * q[DCT_RACK_PLATE_FLOW];
    double vh = q[DCT_RACK_MALDISTRIBUTION] * v;
    double rch = q[DCT_RACK_R_CI_A] + q[DCT_RACK_R_CI_B] / (vh > vmin ? vh : vmin);
    double dt = mdot > 0 ? q[DCT_RACK_F_LIQ] * q[DCT_RACK_P_MAX] /
                               (mdot * DCT_CP_TCS)
                         : 0;
    return t_in + q[DCT_RACK_F_MAN_HOT] * dt +
           q[DCT_RACK_P_GPU] * (rch + q[DCT_RACK_R_JC]);
}

/* Whether rows A and B share a CDU (are in one CDU group). */
static int share_cdu(const dct_comp *a, const dct_comp *b)
{
    const dct_reflist *x = &a->ref[DCT_ROW_CDU], *y = &b->ref[DCT_ROW_CDU];
    for (size_t i = 0; i < x->n; i++)
        for (size_t j = 0; j < y->n; j++)
            if (x->v[i] == y->v[j])
                return 1;
    return 0;
}

size_t dct_rack_design_points(const dct_site *s, dct_diag *d)
{
    size_t n_warn = 0;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *row = s->comps[i];
        if (row->is_model || row->type != DCT_T_ROW ||
            row->ref[DCT_ROW_CDU].n == 0)
            continue;
        /* the group's rated flow over its racks' design flow */
        double avail = 0, need = 0;
        const dct_reflist *cl = &row->ref[DCT_ROW_CDU];
        for (size_t j = 0; j < cl->n; j++)
            avail += cl->v[j]->q[DCT_CDU_FLOW_SECONDARY];
        for (size_t j = 0; j < s->n_comps; j++) {
            const dct_comp *r = s->comps[j];
            if (!r->is_model && r->type == DCT_T_RACK && r->parent &&
                r->parent->type == DCT_T_ROW && share_cdu(r->parent, row))
                need += r->q[DCT_RACK_FLOW] * DCT_RHO_TCS;
        }
        double share = need > avail && need > 0 ? avail / need : 1;
        const dct_comp *cdu = cl->v[0];
        double t_in = cdu->q[DCT_CDU_SUPPLY_SETPOINT];
        const dct_comp *worst = NULL;
        double tw = 0, mw = 0;
        size_t n = 0;
        for (size_t j = 0; j < s->n_comps; j++) {
            const dct_comp *r = s->comps[j];
            if (r->is_model || r->type != DCT_T_RACK || r->parent != row)
                continue;
            double mdot = share * r->q[DCT_RACK_FLOW] * DCT_RHO_TCS;
            double t = design_tjh(r, t_in, mdot);
            if (t > r->q[DCT_RACK_T_SOFT]) {
                n++;
                if (!worst || t > tw)
                    worst = r, tw = t, mw = mdot;
            }
        }
        if (!worst)
            continue;
        dct_warning(d, row->file, row->line,
                    "row %s: %zu rack%s would throttle at full load: at "
                    "%s's supply setpoint %.2f degC and %.1f L/min a rack, "
                    "the hot GPU of %s (%s) reaches %.2f degC, above its "
                    "t-soft %.2f degC (design point, dctwin-models(7)); "
                    "a lower supply setpoint or more flow avoids it",
                    row->id, n, n == 1 ? "" : "s", cdu->id, t_in - DCT_T0,
                    mw / DCT_RHO_TCS * 60e3, worst->id,
                    worst->model_name ? worst->model_name : "inline",
                    tw - DCT_T0, worst->q[DCT_RACK_T_SOFT] - DCT_T0);
        n_warn++;
    }
    return n_warn;
}
