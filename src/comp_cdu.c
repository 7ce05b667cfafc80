/* comp_cdu.c - a liquid-to-liquid coolant distribution unit.
 *
 * States: T_r (return header), T_s (supply header = HX secondary outlet
 * volume), T_p (HX primary outlet volume), y_v (valve position), x_i (valve
 * PI integrator), w (pump speed fraction).
 *
 *   C_r dT_r/dt = mdot_s c_s (T_ret,mix - T_r) + P_pump
 *   C_s dT_s/dt = mdot_s c_s (T_r - T_s) - Q_hx
 *   C_p dT_p/dt = mdot_p c_w (T_fws - T_p) + Q_hx
 *   Q_hx = eps(NTU, C_r) C_min (T_r - T_fws)         counterflow eps-NTU
 *   1/UA = 1/hA_s + 1/hA_p,  hA_i = hA_i,nom (mdot_i / mdot_i,nom)^0.8
 *   mdot_p = mdot_p,max / sqrt((1 - a) + a / phi^2),  phi = R^(y_v - 1)
 *   u = k e + x_i,  e = T_s - T_set,  y_cmd = sat[0,1](u)
 *   dx_i/dt = (k / T_i) e + (y_cmd - u) / T_i         (back-calculation)
 *   dy_v/dt = sat[+-1/t_stroke]((y_cmd - y_v) / tau_act)
 *   dw/dt   = sat[+-1/t_rise]((w_cmd - w) / tau_p)
 *   w_cmd = sat[w_min, max(a_pump, w_min)](mdot_des,grp / (n_cdu mdot_s,rated))
 *   w_eff = min(max(w, 0), a_pump)   (a_pump: the pumps in service)
 *   mdot_s = w_eff mdot_s,rated,  P_pump = (mdot_s/rho) dp_rated w_eff^2 / eta
 * Pumps whose supply is lost (feed=, dctwin-models(7), AUXILIARY FEEDS)
 * draw nothing and coast down: dw/dt = -w / tau_p; the facility water
 * stops when the loop's pumps lose theirs, and with fewer of the loop's
 * pumps in service than it needs the valve passes the fraction
 * a_loop = run / need of mdot_p (comp_plant.c).
 *
 * Equations and sources: dctwin-models(7). */
#include "config.h"
#include "model_impl.h"
#include "redundancy.h"

#include <stdlib.h>
#include <string.h>

enum { S_TR, S_TS, S_TP, S_YV, S_XI, S_W, N_S };

#define TAU_ACT 2.0   /* [s] valve actuator time constant [LBNL-MBL-2026] */
#define TAU_PUMP 1.0  /* [s] pump speed loop [LBNL-MBL-2026] */
#define W_MIN 0.15    /* pump minimum speed (Vertiv CoolChip) */

typedef struct cdu {
    double cap, approach, ms_rated, mp_rated, dp_rated, eta;
    double t_rise, t_stroke, range, auth, kp, ti, t_set;
    double c_r, c_s, c_p;       /* [J/K] */
    double ha_s, ha_p;          /* [W/K] at rated flows */
    double t_sup_min, t_sup_max;
    int pumps, spares;
    double failover;          /* [s] standby pump start after a failure */
    int n_need;               /* CDUs the group needs (first CDU only) */
    dct_group *g;
    dct_mcomp *loop;
    /* scratch */
    double q_hx, t_fws, y_cmd, u;
} cdu;

int dct_cdu_dep_secondary(dct_model *m, const dct_mcomp *a, long as,
                          const dct_mcomp *u)
{
    return dct_model_dep_row(m, a, as, u, S_TS) ||
           dct_model_dep_row(m, a, as, u, S_W);
}

int dct_cdu_dep_primary(dct_model *m, const dct_mcomp *a, const dct_mcomp *u)
{
    return dct_model_dep(m, a, u, S_TP) || dct_model_dep(m, a, u, S_YV);
}

static int setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const dct_comp *sc = c->sc;
    const double *q = sc->q;
    cdu *u = calloc(1, sizeof *u);
    if (!u)
        return -1;
    c->data = u;
    c->n_states = N_S;
    c->n_temp = S_YV;        /* T_r, T_s, T_p */
    u->cap = q[DCT_CDU_CAPACITY];
    u->approach = q[DCT_CDU_APPROACH];
    u->ms_rated = q[DCT_CDU_FLOW_SECONDARY];
    u->mp_rated = q[DCT_CDU_FLOW_PRIMARY];
    u->dp_rated = q[DCT_CDU_PUMP_HEAD];
    u->eta = q[DCT_CDU_PUMP_EFFICIENCY];
    u->t_rise = q[DCT_CDU_PUMP_RISE];
    u->t_stroke = q[DCT_CDU_VALVE_STROKE];
    u->range = q[DCT_CDU_VALVE_RANGE];
    u->auth = q[DCT_CDU_VALVE_AUTHORITY];
    u->kp = q[DCT_CDU_PI_GAIN];
    u->ti = q[DCT_CDU_PI_TI];
    u->t_set = q[DCT_CDU_SUPPLY_SETPOINT];
    u->t_sup_min = q[DCT_CDU_T_SUPPLY_MIN];
    u->t_sup_max = q[DCT_CDU_T_SUPPLY_MAX];
    u->pumps = (int)q[DCT_CDU_PUMPS];
    u->spares = dct_redundancy_spares(sc->s[DCT_CDU_REDUNDANCY], u->pumps);
    u->failover = q[DCT_CDU_FAILOVER];
    double vs = q[DCT_CDU_VOLUME_SECONDARY];
    u->c_r = 0.5 * vs * DCT_RHO_TCS * DCT_CP_TCS;
    u->c_s = 0.5 * vs * DCT_RHO_TCS * DCT_CP_TCS;
    u->c_p = q[DCT_CDU_VOLUME_PRIMARY] * DCT_RHO_W * DCT_CP_W;
    /* UA at rating: Q = C_s (T_s,in - T_s,out), T_s,out - T_p,in = approach
     * => eps = Q / (C_min (Q / C_s + approach)) */
    double cs = u->ms_rated * DCT_CP_TCS, cp = u->mp_rated * DCT_CP_W;
    double cmin = fmin(cs, cp), cr = cmin / fmax(cs, cp);
    double eps = u->cap / (cmin * (u->cap / cs + u->approach));
    double ntu = dct_ntu_counterflow(eps, cr);
    if (ntu <= 0) {
        dct_error(d, sc->file, sc->line,
                  "cdu %s: the rating (%.0f kW at %.1f K approach with these "
                  "flows) needs an effectiveness of %.3f, which a counterflow "
                  "exchanger cannot reach",
                  c->id, u->cap / 1e3, u->approach, eps);
        return -1;
    }
    double ua = ntu * cmin;
    u->ha_s = u->ha_p = 2 * ua; /* equal film resistances [A] */
    u->g = dct_model_group_of(m, c);
    const dct_comp *lp = sc->ref[DCT_CDU_LOOP].v[0];
    u->loop = dct_model_find(m, lp);
    if (!u->g || !u->loop) {
        dct_error(d, sc->file, sc->line, "cdu %s serves no racks", c->id);
        return -1;
    }
    /* the group's mixed return (the racks' outlets) and the facility
     * supply (the loop's last state); nothing of the other CDUs */
    for (size_t i = 0; i < u->g->n_rack; i++) {
        const dct_mcomp *r = u->g->rack[i];
        if (dct_rack_dep_outlet(m, c, S_TR, r))
            return -1;
    }
    if (dct_model_dep(m, c, u->loop, DCT_DEP_LAST) ||
        dct_aux_setup(m, c, DCT_CDU_FEED, NULL, 0))
        return -1;
    const char *outs[] = {"T_supply_degC", "T_return_degC", "Q_kW",
                          "valve_pct",     "pump_speed_pct", "flow_Lpm",
                          "P_pump_kW",     "T_primary_out_degC",
                          "flow_primary_Lpm"};
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
        if (dct_model_add_output(m, c, outs[i]))
            return -1;
    double t_min = fmax(u->t_sup_min, m->T_dew + 3.0);
    if (dct_model_add_margin(m, c, "T_supply", "degC",
                             "TCS supply at most its maximum",
                             u->t_sup_max - DCT_T0, 1, "max") ||
        dct_model_add_margin(m, c, "T_supply", "degC",
                             "TCS supply at least max(minimum, dew point + "
                             "3 K)",
                             t_min - DCT_T0, 0, "min") ||
        dct_model_add_margin(m, c, "Q", "kW", "heat duty within rating",
                             u->cap / 1e3, 1, "capacity") ||
        dct_model_add_margin(m, c, "valve", "%",
                             "primary valve below fully open", 100, 1,
                             "saturation") ||
        dct_model_add_margin(m, c, "pumps_available", "",
                             "pumps in service at least the pumps needed",
                             (double)(u->pumps - u->spares), 0, "redundancy"))
        return -1;
    dct_model_margin_nominal(m, c, "T_supply", u->t_set - DCT_T0);
    /* the group's redundancy, on its first CDU: CDUs in service against
     * those its racks need, by heat (liquid share of p-max over capacity)
     * and by flow (design flow over rated secondary flow) */
    if (u->g->cdu[0] == c) {
        double heat = 0;
        for (size_t i = 0; i < u->g->n_rack; i++) {
            const double *rq = u->g->rack[i]->sc->q;
            heat += rq[DCT_RACK_F_LIQ] * rq[DCT_RACK_P_MAX];
        }
        u->n_need = dct_cdu_units_needed(heat, u->g->mdot_design, u->cap,
                                         u->ms_rated);
        char lab[64];
        snprintf(lab, sizeof lab, "CDUs of the group in service, %d needed",
                 u->n_need);
        if (dct_model_add_margin(m, c, "cdus_running", "", lab,
                                 (double)u->n_need, 0, "group"))
            return -1;
    }
    /* roots: valve saturation, supply above setpoint + 1 K */
    if (dct_model_add_root(m, c) || dct_model_add_root(m, c))
        return -1;
    return 0;
}

static double primary_flow(const cdu *u, double yv)
{
    double phi = pow(u->range, dct_clamp(yv, 0, 1) - 1);
    return u->mp_rated / sqrt((1 - u->auth) + u->auth / (phi * phi));
}

/* Pump capacity as a fraction of the rated flow: the pumps running over
 * the pumps needed (pumps - spares), at most 1.  A failed pump's standby
 * starts FAILOVER after the failure (a breakpoint). */
double dct_pumps_capacity(const dct_mcomp *c, int pumps, int spares,
                          double failover, double t)
{
    int need = pumps - spares;
    int up = pumps - c->units_out;
    int run = up < need ? up : need;
    if (c->units_out > 0 && t < c->t_unit_out + failover)
        run = need - c->units_out < run ? need - c->units_out : run;
    if (c->failed || run <= 0 || need <= 0)
        return 0;
    return (double)run / need;
}

int dct_pumps_next_bp(const dct_mcomp *c, double failover, double t,
                      double *tb)
{
    double ts = c->t_unit_out + failover;
    if (c->units_out <= 0 || c->t_unit_out < 0 || !(ts > t))
        return 0;
    *tb = ts;
    return 1;
}

static double pump_capacity(const dct_mcomp *c, const cdu *u, double t)
{
    return dct_pumps_capacity(c, u->pumps, u->spares, u->failover, t);
}

static void ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    cdu *u = c->data;
    const double *x = y + c->off;
    double w = fmin(fmax(x[S_W], 0), pump_capacity(c, u, t));
    c->port.T = x[S_TS];
    c->port.mdot = w * u->ms_rated;
    c->port.T2 = x[S_TP];
    /* a failed CDU, or a facility loop whose pumps stopped, moves no
     * facility water */
    c->port.mdot2 = c->failed || u->loop->failed ||
                            !dct_aux_powered(m, u->loop, t)
                        ? 0
                        : dct_loop_pump_capacity(u->loop, t) *
                              primary_flow(u, x[S_YV]);
    /* unpowered, the coasting pumps draw nothing */
    double vdot = c->port.mdot / DCT_RHO_TCS;
    double p = dct_aux_powered(m, c, t) ? vdot * u->dp_rated * w * w / u->eta
                                        : 0;
    dct_aux_draw(m, c, p, y);
    c->port.P_heat = p;
}

static void derivs(dct_model *m, dct_mcomp *c, double t, const double *y,
                   double *ydot)
{
    cdu *u = c->data;
    const double *x = y + c->off;
    double *dx = ydot + c->off;
    double ms = c->port.mdot, mp = c->port.mdot2;
    double t_fws = u->loop->port.T;
    double t_rin = u->g->T_return;
    double cs = ms * DCT_CP_TCS, cp = mp * DCT_CP_W;
    double q = 0;
    if (cs > 0 && cp > 0) {
        double has = u->ha_s * pow(ms / u->ms_rated, 0.8);
        double hap = u->ha_p * pow(mp / u->mp_rated, 0.8);
        double ua = 1 / (1 / has + 1 / hap);
        double cmin = fmin(cs, cp), cr = cmin / fmax(cs, cp);
        q = dct_eps_counterflow(ua / cmin, cr) * cmin * (x[S_TR] - t_fws);
    }
    dx[S_TR] = (cs * (t_rin - x[S_TR]) + c->port.P_heat) / u->c_r;
    dx[S_TS] = (cs * (x[S_TR] - x[S_TS]) - q) / u->c_s;
    dx[S_TP] = (cp * (t_fws - x[S_TP]) + q) / u->c_p;
    double e = x[S_TS] - u->t_set;
    double uu = u->kp * e + x[S_XI];
    double ycmd = dct_clamp(uu, 0, 1);
    dx[S_XI] = (u->kp / u->ti) * e + (ycmd - uu) / u->ti;
    double rate = 1 / u->t_stroke;
    dx[S_YV] = dct_clamp((ycmd - x[S_YV]) / TAU_ACT, -rate, rate);
    /* pump speed command: the group's design flow shared by the running
     * CDUs; a failed CDU's pumps stop */
    double wcmd = 0;
    if (!c->failed && u->g->n_running > 0)
        wcmd = dct_clamp(u->g->mdot_design /
                             ((double)u->g->n_running * u->ms_rated),
                         W_MIN, fmax(pump_capacity(c, u, t), W_MIN));
    double wr = 1 / u->t_rise;
    if (dct_aux_powered(m, c, t))
        dx[S_W] = dct_clamp((wcmd - x[S_W]) / TAU_PUMP, -wr, wr);
    else    /* no supply: the drive's ramp is gone, the pumps coast */
        dx[S_W] = -x[S_W] / TAU_PUMP;
    u->q_hx = q;
    u->t_fws = t_fws;
    u->y_cmd = ycmd;
    u->u = uu;
    c->port.Q = q;
    (void)m, (void)t;
}

static void init(dct_model *m, dct_mcomp *c, double *y)
{
    cdu *u = c->data;
    double *x = y + c->off;
    const dct_group *g = u->g;
    double w = g->n_running
                   ? dct_clamp(g->mdot_design /
                                   ((double)g->n_running * u->ms_rated),
                               W_MIN, 1)
                   : 0;
    /* heat per CDU at t = 0 and the return it implies */
    double q = 0;
    for (size_t i = 0; i < g->n_rack; i++) {
        const dct_mcomp *r = g->rack[i];
        const double *q_r = r->sc->q;
        q += q_r[DCT_RACK_F_LIQ] *
             dct_profile_power(m->profiles, r->tindex, 0,
                               q_r[DCT_RACK_P_IDLE], q_r[DCT_RACK_P_MAX]);
    }
    q /= (double)(g->n_running ? g->n_running : 1);
    double ms = w * u->ms_rated;
    x[S_TS] = u->t_set;
    x[S_TR] = u->t_set + (ms > 0 ? q / (ms * DCT_CP_TCS) : 0);
    x[S_TP] = c->sc->ref[DCT_CDU_LOOP].v[0]->q[DCT_FACILITY_LOOP_SUPPLY_SETPOINT] +
              q / (0.5 * u->mp_rated * DCT_CP_W);
    x[S_YV] = 0.5;
    x[S_XI] = 0.5;
    x[S_W] = c->failed ? 0 : w;
}

static double stored(const dct_model *m, const dct_mcomp *c, const double *y)
{
    const cdu *u = c->data;
    const double *x = y + c->off;
    (void)m;
    return u->c_r * x[S_TR] + u->c_s * x[S_TS] + u->c_p * x[S_TP];
}

static double output(dct_model *m, dct_mcomp *c, size_t k, double t,
                     const double *y)
{
    cdu *u = c->data;
    const double *x = y + c->off;
    (void)m;
    switch (k) {
    case 0: return x[S_TS] - DCT_T0;
    case 1: return x[S_TR] - DCT_T0;
    case 2: return u->q_hx / 1e3;
    case 3: return 100 * x[S_YV];
    case 4: /* the speed the pumps run at: 0 once they have stopped */
        return 100 * fmin(fmax(x[S_W], 0), pump_capacity(c, u, t));
    case 5: return c->port.mdot / DCT_RHO_TCS * 60e3;
    case 6: return c->port.P_aux / 1e3;
    case 7: return x[S_TP] - DCT_T0;
    case 8: return c->port.mdot2 / DCT_RHO_W * 60e3;
    }
    return 0;
}

static double margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                     const double *y)
{
    cdu *u = c->data;
    const double *x = y + c->off;
    (void)m, (void)t;
    switch (k) {
    case 0:
    case 1: return x[S_TS] - DCT_T0;
    case 2: return u->q_hx / 1e3;
    case 3: return 100 * x[S_YV];
    case 4: /* a failed CDU's own pumps are not the question: the group
             * margin is */
        return (double)(u->pumps - c->units_out);
    case 5: return (double)u->g->n_running;
    }
    return 0;
}

static double root(dct_model *m, dct_mcomp *c, size_t k, double t,
                   const double *y)
{
    cdu *u = c->data;
    const double *x = y + c->off;
    (void)m, (void)t;
    /* saturated at 99.5 % of travel, unsaturated again below it by the
     * deadband (EVENTS in dctwin-models(7)) */
    if (k == 0)
        return x[S_YV] - (0.995 - (dct_model_root_is_on(m, c, 0)
                                       ? DCT_EVENT_DEADBAND
                                       : 0));
    return x[S_TS] - (u->t_set + 1.0);
}

static const char *root_event(const dct_mcomp *c, size_t k, int dir)
{
    (void)c;
    if (k == 0)
        return dir > 0 ? "valve-saturated" : "valve-unsaturated";
    return dir > 0 ? "supply-above-setpoint" : "supply-at-setpoint";
}

static void cdu_free(dct_mcomp *c)
{
    free(c->data);
}

const dct_group *dct_cdu_group(const dct_mcomp *c)
{
    const cdu *u = c->data;
    return u ? u->g : NULL;
}

double dct_cdu_heat_capacity(const dct_mcomp *c)
{
    const cdu *u = c->data;
    return u ? u->c_r + u->c_s + u->c_p : 0;
}

void dct_cdu_set_setpoint(dct_mcomp *c, double t_set)
{
    cdu *u = c->data;
    u->t_set = t_set;
}

/* The standby pump's start after a pump failure is a discontinuity. */
static int cdu_next_bp(const dct_model *m, const dct_mcomp *c, double t,
                       double *tb)
{
    const cdu *u = c->data;
    (void)m;
    return dct_pumps_next_bp(c, u->failover, t, tb);
}

static void cdu_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    dct_aux_ledger(m, c, DCT_L_CDU_PUMPS, p);
}

const dct_ctype dct_ctype_cdu = {
    "cdu", setup, init, ports, derivs, stored, output, margin, root,
    root_event, cdu_free, cdu_next_bp, cdu_ledger,
};
