/* comp_plant.c - facility water loop, heat rejection and hall air.
 *
 * Facility loop: return and supply pipes as tanks in series (transport
 * delay) between the CDUs' primary outlets and the heat rejection, and an
 * optional stratified storage tank (n mixed layers in series) between the
 * heat rejection and the supply pipe:
 *   C_k dT_k/dt = mdot c_w (T_{k-1} - T_k)   (+ pump heat in the first)
 * with mdot the sum of the CDUs' valve flows and the return mixed from
 * their primary outlets.  The loop's pumps (pumps=, redundancy=) hold
 * the valves' differential pressure while those in service are at least
 * the pumps needed (pumps - spares); fewer, each valve passes the
 * fraction a = run / need of its flow; a failed pump's standby starts
 * failover= after the failure.
 *
 * Heat rejection (n running units sharing the flow, n_f of them with their
 * fans stopped), outlet volume:
 *   C dT_hr/dt = mdot c_w (T_in - T_hr) - Q
 *   Q = (n - n_f) Q_unit(a) + n_f Q_unit(f_free)
 * dry cooler / cooling tower: Q_unit = eps_xf(NTU, C_r) C_min (T_in - T_a),
 * crossflow both unmixed, UA from the rating point, hA_air ~ a^0.8 with the
 * air-flow fraction a = f_free + (1 - f_free) y_f, fan PI on the outlet,
 * P_fan = (n - n_f) P_fan,rated y_f^3; T_a = dry bulb (wet bulb for a
 * tower; wet bulb + approach in adiabatic mode).  Chiller:
 * Q = sat[0, Q_cap](Q_req), Q_req = mdot c_w (T_in - T_set)
 * + C (T_hr - T_set) / 60 s, COP = eta_C T_ev / max(T_cd + 2 K - T_ev, 10 K),
 * T_ev = T_hr - 2 K, T_cd = T_db + 5 K.
 *
 * Hall air: C_hall dT/dt = sum Q_air - Q_crah (Q_air: the racks' air-side
 * heat, 0 for a tripped rack, and the busway conductors' losses),
 *   Q_crah = n_in Q_rated sat[0,1]((T - T_chw) / (T_rated - T_chw)),
 *   n_in the units in service.
 * An auxiliary whose supply is lost (feed=, dctwin-models(7), AUXILIARY
 * FEEDS) stops: the loop's pumps (no facility water flows), the fans of
 * dry coolers and towers (free convection only, the fan PI held), a
 * chiller's compressor, the CRAH units.
 * Equations and sources: dctwin-models(7). */
#include "config.h"
#include "model_impl.h"
#include "psychro.h"
#include "redundancy.h"

#include <stdlib.h>
#include <string.h>

/* heat rejection states: outlet volume temperature, fan PI integrator */
enum { H_T, H_X, H_N };

/* ------------------------------------------------------- facility loop */

typedef struct loop {
    int nseg, ntank;            /* pipe segments each way; tank layers */
    double c_tank;              /* [J/K] one tank layer */
    double c_seg, head, eta, mdot_design, t_set, t_class;
    dct_mcomp **cdu;
    size_t n_cdu;
    dct_mcomp *hr;
    double t_ret_mix;
    double t_need;              /* [s] ride-through required, 0: none */
    double c_store;             /* [J/K] loop, CDUs and racks */
    const dct_group **grp;      /* the groups its CDUs serve, each once;
                                   NULL until the first ride-through */
    size_t n_grp;
    int pumps, spares;          /* pumps installed; of them spares */
    double failover;            /* [s] standby pump start */
    int k_pumps;                /* margin index of pumps_available, -1 */
} loop;

static const char *w_classes[] = {"W17", "W27", "W32", "W40", "W45"};
static const double w_limits[] = {17, 27, 32, 40, 45};

static int loop_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const double *q = c->sc->q;
    loop *l = calloc(1, sizeof *l);
    if (!l)
        return -1;
    c->data = l;
    l->nseg = (int)q[DCT_FACILITY_LOOP_SEGMENTS];
    l->c_seg = q[DCT_FACILITY_LOOP_VOLUME] / (2.0 * l->nseg) * DCT_RHO_W *
               DCT_CP_W;
    l->head = q[DCT_FACILITY_LOOP_PUMP_HEAD];
    l->eta = q[DCT_FACILITY_LOOP_PUMP_EFFICIENCY];
    l->t_set = q[DCT_FACILITY_LOOP_SUPPLY_SETPOINT];
    l->pumps = (int)q[DCT_FACILITY_LOOP_PUMPS];
    l->spares = dct_redundancy_spares(c->sc->s[DCT_FACILITY_LOOP_REDUNDANCY],
                                      l->pumps);
    l->failover = q[DCT_FACILITY_LOOP_FAILOVER];
    l->k_pumps = -1;
    l->t_class = 45 + DCT_T0;
    const char *wc = c->sc->s[DCT_FACILITY_LOOP_W_CLASS];
    for (size_t i = 0; wc && i < 5; i++)
        if (strcmp(wc, w_classes[i]) == 0)
            l->t_class = w_limits[i] + DCT_T0;
    double v_tank = q[DCT_FACILITY_LOOP_TANK_VOLUME];
    l->ntank = v_tank > 0 ? (int)q[DCT_FACILITY_LOOP_TANK_NODES] : 0;
    l->c_tank = l->ntank ? v_tank / l->ntank * DCT_RHO_W * DCT_CP_W : 0;
    c->n_states = (size_t)(2 * l->nseg + l->ntank);
    c->n_temp = c->n_states;
    l->cdu = calloc(m->n_comp, sizeof *l->cdu);
    if (!l->cdu)
        return -1;
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *o = &m->comp[i];
        if (o->ct == &dct_ctype_cdu &&
            o->sc->ref[DCT_CDU_LOOP].v[0] == c->sc) {
            l->cdu[l->n_cdu++] = o;
            l->mdot_design += o->sc->q[DCT_CDU_FLOW_PRIMARY];
            if (dct_cdu_dep_primary(m, c, o))
                return -1;
        }
    }
    /* tanks in series; the heat rejection's outlet (its first state)
     * feeds the tank or supply pipe */
    c->own_chain = 1;
    l->hr = dct_model_find(m, c->sc->ref[DCT_FACILITY_LOOP_HEAT_REJECTION].v[0]);
    if (!l->hr || dct_model_dep(m, c, l->hr, H_T))
        return -1;
    if (!l->n_cdu)
        dct_warning(d, c->sc->file, c->sc->line,
                    "facility loop %s serves no CDU", c->id);
    /* the pumps' power follows the CDUs' valve flows */
    if (dct_aux_setup(m, c, DCT_FACILITY_LOOP_FEED, l->cdu, l->n_cdu))
        return -1;
    const char *outs[] = {"T_supply_degC", "T_return_degC", "flow_Lpm",
                          "P_pump_kW"};
    for (size_t i = 0; i < 4; i++)
        if (dct_model_add_output(m, c, outs[i]))
            return -1;
    char lab[64];
    snprintf(lab, sizeof lab, "facility supply within ASHRAE %s",
             wc ? wc : "W45");
    if (dct_model_add_margin(m, c, "T_supply", "degC", lab,
                             l->t_class - DCT_T0, 1, "w-class"))
        return -1;
    dct_model_margin_nominal(m, c, "T_supply", l->t_set - DCT_T0);
    l->t_need = q[DCT_FACILITY_LOOP_RIDE_THROUGH];
    if (l->t_need > 0 && l->n_cdu &&
        dct_model_add_margin(m, c, "ride_through", "s",
                             "time the stored heat capacity carries the IT "
                             "heat to the GPUs' soft throttle with the heat "
                             "rejection lost",
                             l->t_need, 0, "heat-rejection-loss"))
        return -1;
    dct_model_margin_design(m, c, "ride_through");
    /* with spares, the pumps in service against the pumps needed */
    if (l->spares > 0) {
        l->k_pumps = l->t_need > 0 && l->n_cdu ? 2 : 1;
        if (dct_model_add_margin(m, c, "pumps_available", "",
                                 "facility pumps in service at least the "
                                 "pumps needed",
                                 (double)(l->pumps - l->spares), 0,
                                 "redundancy"))
            return -1;
    }
    return 0;
}

double dct_loop_pump_capacity(const dct_mcomp *c, double t)
{
    const loop *l = c->data;
    return dct_pumps_capacity(c, l->pumps, l->spares, l->failover, t);
}

/* The standby pump's start after a pump failure is a discontinuity. */
static int loop_next_bp(const dct_model *m, const dct_mcomp *c, double t,
                        double *tb)
{
    const loop *l = c->data;
    (void)m;
    return dct_pumps_next_bp(c, l->failover, t, tb);
}

static double hr_heat_capacity(const dct_mcomp *hr);

/* The groups served by the loop's CDUs, each once, into G (at most
 * n_cdu); returns how many. */
static size_t loop_groups(const loop *l, const dct_group **g)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n_cdu; i++) {
        const dct_group *gi = dct_cdu_group(l->cdu[i]);
        size_t k = 0;
        while (k < n && g[k] != gi)
            k++;
        if (gi && k == n)
            g[n++] = gi;
    }
    return n;
}

/* Ride-through after a loss of heat rejection, the pumps running [s]:
 * the heat capacity of the loop's water (pipes, tank, heat-rejection
 * units), its CDUs and its racks' coolant times the smallest headroom of
 * a hot GPU to its soft throttle, over the heat the CDUs move: the whole
 * water warming as one (dctwin-models(7), MARGINS). */
static double loop_ride_through(dct_model *m, loop *l, const double *y)
{
    if (!l->grp) {
        /* the first time: the groups and the heat capacity (the racks
         * are set up after the loop) */
        if (!(l->grp = calloc(l->n_cdu ? l->n_cdu : 1, sizeof *l->grp)))
            return 0;
        l->n_grp = loop_groups(l, l->grp);
        double cs = 2.0 * l->nseg * l->c_seg + l->ntank * l->c_tank +
                    hr_heat_capacity(l->hr);
        for (size_t i = 0; i < l->n_cdu; i++)
            cs += dct_cdu_heat_capacity(l->cdu[i]);
        for (size_t k = 0; k < l->n_grp; k++)
            for (size_t i = 0; i < l->grp[k]->n_rack; i++)
                cs += dct_rack_coolant_capacity(l->grp[k]->rack[i]);
        l->c_store = cs;
    }
    double dt = INFINITY, q = 0;
    for (size_t k = 0; k < l->n_grp; k++)
        for (size_t i = 0; i < l->grp[k]->n_rack; i++)
            dt = fmin(dt, dct_rack_soft_headroom(l->grp[k]->rack[i], y));
    for (size_t i = 0; i < l->n_cdu; i++) {
        const dct_mcomp *u = l->cdu[i]->rep ? l->cdu[i]->rep : l->cdu[i];
        q += u->port.Q;
    }
    (void)m;
    if (!(dt > 0))
        return 0;
    return q > 0 ? fmin(l->c_store * dt / q, 1e9) : 1e9;
}

static void loop_ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    loop *l = c->data;
    const double *x = y + c->off;
    c->port.T = x[c->n_states - 1];   /* supply to the CDUs */
    c->port.T2 = x[l->nseg - 1];      /* return to the heat rejection */
    (void)m, (void)t;
}

static void loop_derivs(dct_model *m, dct_mcomp *c, double t, const double *y,
                        double *ydot)
{
    loop *l = c->data;
    const double *x = y + c->off;
    double *dx = ydot + c->off;
    double mdot = 0, h = 0;
    for (size_t i = 0; i < l->n_cdu; i++) {
        mdot += l->cdu[i]->port.mdot2;
        h += l->cdu[i]->port.mdot2 * l->cdu[i]->port.T2;
    }
    double t_mix = mdot > 0 ? h / mdot : x[0];
    double fr = l->mdot_design > 0 ? mdot / l->mdot_design : 0;
    double p_pump = mdot / DCT_RHO_W * l->head * fr * fr / l->eta;
    c->port.mdot = mdot;
    /* unpowered, the CDUs' valves pass no flow (comp_cdu.c): p_pump = 0 */
    dct_aux_draw(m, c, p_pump, y);
    c->port.P_heat = p_pump;
    double cw = mdot * DCT_CP_W;
    double prev = t_mix;
    for (int k = 0; k < l->nseg; k++) {
        dx[k] = (cw * (prev - x[k]) + (k == 0 ? p_pump : 0)) / l->c_seg;
        prev = x[k];
    }
    prev = l->hr->port.T;
    for (int k = l->nseg; k < l->nseg + l->ntank; k++) {
        dx[k] = cw * (prev - x[k]) / l->c_tank;
        prev = x[k];
    }
    for (int k = l->nseg + l->ntank; k < (int)c->n_states; k++) {
        dx[k] = cw * (prev - x[k]) / l->c_seg;
        prev = x[k];
    }
    l->t_ret_mix = t_mix;
    (void)m, (void)t;
}

static void loop_init(dct_model *m, dct_mcomp *c, double *y)
{
    loop *l = c->data;
    double *x = y + c->off;
    /* return at the setpoint plus the t = 0 heat over the half-open
     * valves' flow, supply at the setpoint */
    double q = 0, mdot = 0;
    for (size_t i = 0; i < l->n_cdu; i++) {
        const double *cq = l->cdu[i]->sc->q;
        mdot += 0.5 * cq[DCT_CDU_FLOW_PRIMARY];
    }
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *r = &m->comp[i];
        if (r->ct != &dct_ctype_rack)
            continue;
        dct_group *g = dct_model_group_of(m, r);
        if (!g || !g->n_cdu || g->cdu[0]->sc->ref[DCT_CDU_LOOP].v[0] != c->sc)
            continue;
        const double *rq = r->sc->q;
        q += rq[DCT_RACK_F_LIQ] *
             dct_profile_power(m->profiles, r->tindex, 0, rq[DCT_RACK_P_IDLE],
                               rq[DCT_RACK_P_MAX]);
    }
    double tr = l->t_set + (mdot > 0 ? q / (mdot * DCT_CP_W) : 0);
    for (int k = 0; k < l->nseg; k++)
        x[k] = tr;
    for (int k = l->nseg; k < (int)c->n_states; k++)
        x[k] = l->t_set;
}

static double loop_stored(const dct_model *m, const dct_mcomp *c,
                          const double *y)
{
    const loop *l = c->data;
    double u = 0;
    for (size_t k = 0; k < c->n_states; k++)
        u += (k >= (size_t)l->nseg && k < (size_t)(l->nseg + l->ntank)
                  ? l->c_tank
                  : l->c_seg) *
             y[c->off + k];
    (void)m;
    return u;
}

static double loop_output(dct_model *m, dct_mcomp *c, size_t k, double t,
                          const double *y)
{
    loop *l = c->data;
    const double *x = y + c->off;
    (void)m, (void)t;
    switch (k) {
    case 0: return x[c->n_states - 1] - DCT_T0;
    case 1: return l->t_ret_mix - DCT_T0;
    case 2: return c->port.mdot / DCT_RHO_W * 60e3;
    case 3: return c->port.P_aux / 1e3;
    }
    return 0;
}

static double loop_margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                          const double *y)
{
    const loop *l = c->data;
    (void)t;
    if ((int)k == l->k_pumps)
        return (double)(l->pumps - c->units_out);
    if (k == 1)
        return loop_ride_through(m, c->data, y);
    return y[c->off + c->n_states - 1] - DCT_T0;
}

static void loop_free(dct_mcomp *c)
{
    loop *l = c->data;
    if (l) {
        free(l->cdu);
        free(l->grp);
    }
    free(l);
}

static void loop_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    dct_aux_ledger(m, c, DCT_L_FACILITY_PUMPS, p);
}

const dct_ctype dct_ctype_loop = {
    "facility-loop", loop_setup, loop_init, loop_ports, loop_derivs,
    loop_stored, loop_output, loop_margin, NULL, NULL, loop_free,
    loop_next_bp, loop_ledger,
};

/* ------------------------------------------------------ heat rejection */

enum { HR_DRY, HR_TOWER, HR_CHILLER };

typedef struct heatrej {
    int kind, n, spares, adiabatic, is_standby;
    double rating, c_vol, p_fan, f_free, fan_min, kp, ti;
    double mdot_r, ca_r, ha_w, ha_a;  /* per unit at rating */
    double t_air_r, adi_app, eta_c, cap_slope;
    double t_set;
    dct_mcomp *loop;
    /* scratch */
    double q, y_f, t_air, p_chiller, cop;
    double byp;        /* fraction of the flow bypassing the units */
    double restart_delay;      /* [s] chiller: supply back to running */
} heatrej;

/* [J/K] the water of the heat rejection's units */
static double hr_heat_capacity(const dct_mcomp *hr)
{
    const heatrej *h = hr && hr->ct == &dct_ctype_heatrej ? hr->data : NULL;
    return h ? h->c_vol : 0;
}

/* [s] chiller capacity loop ([LBNL-MBL-2026] Carnot.mo) */
#define CHILLER_TAU 60.0
#define REFRIG_APPROACH 2.0 /* [K] evaporator/condenser approach */
#define AIR_APPROACH 5.0    /* [K] air-cooled condenser approach */

static int hr_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const dct_comp *sc = c->sc;
    const double *q = sc->q;
    heatrej *h = calloc(1, sizeof *h);
    if (!h)
        return -1;
    c->data = h;
    c->n_states = H_N;
    c->n_temp = 1;           /* H_T */
    const char *ty = sc->s[DCT_HEAT_REJECTION_TYPE];
    h->kind = strcmp(ty, "dry-cooler") == 0
                  ? HR_DRY
                  : (strcmp(ty, "cooling-tower") == 0 ? HR_TOWER : HR_CHILLER);
    h->n = (int)q[DCT_HEAT_REJECTION_COUNT];
    h->spares = dct_redundancy_spares(sc->s[DCT_HEAT_REJECTION_REDUNDANCY],
                                      h->n);
    h->is_standby = sc->s[DCT_HEAT_REJECTION_SPARES] &&
                    strcmp(sc->s[DCT_HEAT_REJECTION_SPARES], "standby") == 0;
    h->rating = q[DCT_HEAT_REJECTION_RATING];
    h->c_vol = h->n * q[DCT_HEAT_REJECTION_VOLUME] * DCT_RHO_W * DCT_CP_W;
    h->p_fan = q[DCT_HEAT_REJECTION_FAN_POWER];
    h->f_free = q[DCT_HEAT_REJECTION_FREE_CONVECTION];
    h->fan_min = q[DCT_HEAT_REJECTION_FAN_MIN];
    h->kp = q[DCT_HEAT_REJECTION_FAN_GAIN];
    h->ti = q[DCT_HEAT_REJECTION_FAN_TI];
    h->t_air_r = q[DCT_HEAT_REJECTION_T_AIR_RATED];
    h->adiabatic = sc->s[DCT_HEAT_REJECTION_ADIABATIC] &&
                   strcmp(sc->s[DCT_HEAT_REJECTION_ADIABATIC], "on") == 0;
    h->adi_app = q[DCT_HEAT_REJECTION_ADIABATIC_APPROACH];
    h->eta_c = q[DCT_HEAT_REJECTION_ETA_CARNOT];
    h->cap_slope = q[DCT_HEAT_REJECTION_CAP_SLOPE];
    h->restart_delay = q[DCT_HEAT_REJECTION_RESTART_DELAY];
    double tin = q[DCT_HEAT_REJECTION_T_IN_RATED];
    double tout = q[DCT_HEAT_REJECTION_T_OUT_RATED];
    h->mdot_r = h->rating / (DCT_CP_W * (tin - tout));
    if (h->kind != HR_CHILLER) {
        double cw = h->mdot_r * DCT_CP_W;
        h->ca_r = q[DCT_HEAT_REJECTION_AIR_RATIO] * cw;
        double cmin = fmin(cw, h->ca_r), cr = cmin / fmax(cw, h->ca_r);
        double eps = h->rating / (cmin * (tin - h->t_air_r));
        double ntu = dct_ntu_crossflow(eps, cr);
        if (ntu <= 0) {
            dct_error(d, sc->file, sc->line,
                      "heat-rejection %s: the rating needs an effectiveness "
                      "of %.3f, which a crossflow exchanger with capacity "
                      "ratio %.2f cannot reach",
                      c->id, eps, cr);
            return -1;
        }
        double ua = ntu * cmin;
        h->ha_w = h->ha_a = 2 * ua; /* equal film resistances [A] */
    }
    /* the loop this unit serves */
    for (size_t i = 0; i < m->n_comp; i++) {
        dct_mcomp *o = &m->comp[i];
        if (o->ct == &dct_ctype_loop &&
            o->sc->ref[DCT_FACILITY_LOOP_HEAT_REJECTION].v[0] == sc) {
            if (h->loop) {
                dct_error(d, o->sc->file, o->sc->line,
                          "heat-rejection %s serves two facility loops",
                          c->id);
                return -1;
            }
            h->loop = o;
        }
    }
    if (!h->loop) {
        dct_error(d, sc->file, sc->line,
                  "heat-rejection %s serves no facility loop", c->id);
        return -1;
    }
    h->t_set = h->loop->sc->q[DCT_FACILITY_LOOP_SUPPLY_SETPOINT];
    /* the loop's return (its last return segment) and its flow, the sum
     * of its CDUs' valve flows */
    const loop *l = h->loop->data;
    if (dct_model_dep(m, c, h->loop, l->nseg - 1))
        return -1;
    for (size_t i = 0; i < l->n_cdu; i++)
        if (dct_cdu_dep_primary(m, c, l->cdu[i]))
            return -1;
    /* fans: their own states; a chiller's compressor also the loop's
     * return and flow */
    dct_mcomp *hd[1] = {h->loop};
    if (dct_aux_setup(m, c, DCT_HEAT_REJECTION_FEED, hd,
                      h->kind == HR_CHILLER ? 1 : 0))
        return -1;
    for (size_t i = 0; h->kind == HR_CHILLER && i < l->n_cdu; i++) {
        dct_mcomp *a = dct_aux_target(m, c);
        if (a && dct_cdu_dep_primary(m, a, l->cdu[i]))
            return -1;
    }
    const char *outs[] = {"T_out_degC", "Q_kW", "fan_pct", "P_kW",
                          "T_air_degC", "bypass_pct"};
    for (size_t i = 0; i < 6; i++)
        if (dct_model_add_output(m, c, outs[i]))
            return -1;
    if (dct_model_add_margin(m, c, "T_out", "degC",
                             "facility supply held within 1 K of setpoint",
                             h->t_set + 1.0 - DCT_T0, 1, "setpoint") ||
        dct_model_add_margin(m, c, "Q", "kW",
                             "heat rejected within the rating without "
                             "spares",
                             (h->n - h->spares) * h->rating / 1e3, 1,
                             "capacity"))
        return -1;
    if ((h->kind != HR_CHILLER || h->cap_slope > 0) &&
        dct_model_add_margin(m, c, "T_air_headroom", "K",
                             h->kind == HR_CHILLER
                                 ? "dry bulb the running chillers' capacity "
                                   "allows at this load, less the dry bulb"
                                 : "air temperature at which the running "
                                   "units at full fan hold the setpoint, "
                                   "less the air temperature",
                             0, 0, "ambient"))
        return -1;
    dct_model_margin_nominal(m, c, "T_out", h->t_set - DCT_T0);
    dct_model_margin_design(m, c, "T_air_headroom");
    if (dct_model_add_root(m, c))
        return -1;
    return 0;
}

static double air_temp(const dct_model *m, const heatrej *h)
{
    if (h->kind == HR_TOWER)
        return m->T_wb;
    if (h->adiabatic && m->T_db > h->t_air_r)
        return fmin(m->T_db, m->T_wb + h->adi_app);
    return m->T_db;
}

static void hr_ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    c->port.T = y[c->off + H_T];
    (void)m, (void)t;
}

/* eps C_min [W/K] of one unit with water flow MU through it and air-flow
 * fraction A: crossflow eps-NTU, both streams unmixed; its heat is this
 * times (T_in - T_air). */
static double hr_unit_k(const heatrej *h, double mu, double a)
{
    double cw = mu * DCT_CP_W, ca = h->ca_r * a;
    double haw = h->ha_w * pow(mu / h->mdot_r, 0.8);
    double haa = h->ha_a * pow(a, 0.8);
    double ua = 1 / (1 / haw + 1 / haa);
    double cmin = fmin(cw, ca), cr = cmin / fmax(cw, ca);
    return dct_eps_crossflow(ua / cmin, cr) * cmin;
}

static double hr_unit_q(const heatrej *h, double mu, double a, double t_in)
{
    return hr_unit_k(h, mu, a) * (t_in - h->t_air);
}

/* Units in service: spares on standby run only to replace a failed
 * unit; none while the plant has failed. */
static int hr_running(const dct_mcomp *c, const heatrej *h)
{
    int n = h->n - c->units_out;
    if (h->is_standby && n > h->n - h->spares)
        n = h->n - h->spares;
    return c->failed || n < 0 ? 0 : n;
}

/* Ambient headroom [K] (dctwin-models(7), HEAT REJECTION), for the
 * margin only: the air temperature at which the running units, fans at
 * full speed (chillers: their capacity), would carry the load - the heat
 * the water brings back over its supply - with the water leaving at its
 * setpoint, less the air temperature now. */
static double hr_headroom(const dct_model *m, const dct_mcomp *c,
                          const heatrej *h)
{
    int n = hr_running(c, h);
    double mdot = h->loop->port.mdot, t_in = h->loop->port.T2;
    double cw_all = mdot * DCT_CP_W;
    double load = cw_all * (t_in - h->loop->port.T);
    if (h->kind == HR_CHILLER)
        return n > 0 && h->cap_slope > 0
                   ? h->t_air_r + (1 - load / (n * h->rating)) / h->cap_slope -
                         m->T_db
                   : h->t_set - t_in;
    if (n == 0)
        return h->t_set - t_in;
    if (!(mdot > 0))
        return t_in - h->t_air;
    double mu = mdot / n;
    int nf = c->fans_out < n ? c->fans_out : n;
    double k_full = (n - nf) * hr_unit_k(h, mu, 1.0) +
                    (nf ? nf * hr_unit_k(h, mu, h->f_free) : 0);
    return h->t_set + load / cw_all - load / k_full - h->t_air;
}

static void hr_derivs(dct_model *m, dct_mcomp *c, double t, const double *y,
                      double *ydot)
{
    heatrej *h = c->data;
    const double *x = y + c->off;
    double *dx = ydot + c->off;
    double mdot = h->loop->port.mdot, t_in = h->loop->port.T2;
    int n = hr_running(c, h);
    int is_powered = dct_aux_powered(m, c, t);
    double cw_all = mdot * DCT_CP_W;
    double q = 0, p = 0;
    double e = x[H_T] - h->t_set;
    h->t_air = air_temp(m, h);
    if (h->kind == HR_CHILLER) {
        /* capacity loop: pull the outlet volume to the setpoint */
        double t_cd = m->T_db + AIR_APPROACH;
        /* after a loss of supply the compressors run again restart-delay
         * after it returns (a breakpoint, hr_next_bp) */
        if (t < c->t_aux_on + h->restart_delay)
            is_powered = 0;
        double cap = is_powered * n * h->rating *
                     dct_clamp(1 - h->cap_slope * (m->T_db - h->t_air_r), 0, 2);
        double req = cw_all * (t_in - h->t_set) + h->c_vol * e / CHILLER_TAU;
        q = dct_clamp(req, 0, cap);
        double t_ev = x[H_T] - REFRIG_APPROACH;
        double lift = fmax(t_cd + REFRIG_APPROACH - t_ev, 10.0);
        h->cop = h->eta_c * t_ev / lift;
        p = q / h->cop;
        dx[H_X] = -x[H_X]; /* unused state kept at zero */
        h->y_f = cap > 0 ? q / cap : 0;
    } else {
        /* split range (dctwin-models(7), HEAT REJECTION): u in
         * [f_min, 1] the fan speed; in [0, f_min) the fans cycle at
         * f_min, on for the duty u / f_min of the time; in [-1, 0) the
         * fans are off and the bypass valve sends -u of the flow round
         * the units */
        double uu = h->kp * e + x[H_X];
        double uc = n == 0 || !is_powered ? 0 : dct_clamp(uu, -1, 1);
        /* without supply the PI is held: the fans restart at its command */
        dx[H_X] = is_powered ? (h->kp / h->ti) * e + (uc - uu) / h->ti : 0;
        double speed = fmax(uc, h->fan_min);
        double duty = uc >= h->fan_min ? 1 : uc > 0 ? uc / h->fan_min : 0;
        h->byp = uc < 0 ? -uc : 0;
        /* units whose fans have stopped (fans=, or no supply) stay in the
         * water path on free convection alone */
        int nf = c->fans_out < n ? c->fans_out : n;
        if (!is_powered)
            nf = n;
        double a = h->f_free + (1 - h->f_free) * speed;
        if (n > 0 && mdot > 0 && h->byp < 1) {
            double mu = (1 - h->byp) * mdot / n;
            /* one unit on free convection: only when some unit is */
            double q_off = duty < 1 || nf > 0
                               ? hr_unit_q(h, mu, h->f_free, t_in) : 0;
            q = (n - nf) * (duty * hr_unit_q(h, mu, a, t_in) +
                            (1 - duty) * q_off) +
                nf * q_off;
        }
        p = (n - nf) * h->p_fan * duty * speed * speed * speed;
        h->y_f = duty * speed;
    }
    dx[H_T] = (cw_all * (t_in - x[H_T]) - q) / h->c_vol;
    h->q = q;
    c->port.Q = q;
    dct_aux_draw(m, c, p, y);
}

static void hr_init(dct_model *m, dct_mcomp *c, double *y)
{
    heatrej *h = c->data;
    double *x = y + c->off;
    x[H_T] = h->t_set;
    x[H_X] = h->kind == HR_CHILLER ? 0 : 0.5;
    (void)m;
}

static double hr_stored(const dct_model *m, const dct_mcomp *c,
                        const double *y)
{
    const heatrej *h = c->data;
    (void)m;
    return h->c_vol * y[c->off + H_T];
}

static double hr_output(dct_model *m, dct_mcomp *c, size_t k, double t,
                        const double *y)
{
    heatrej *h = c->data;
    (void)m, (void)t;
    switch (k) {
    case 0: return y[c->off + H_T] - DCT_T0;
    case 1: return h->q / 1e3;
    case 2: return 100 * h->y_f;
    case 3: return c->port.P_aux / 1e3;
    case 4: return h->t_air - DCT_T0;
    case 5: return 100 * h->byp;
    }
    return 0;
}

static double hr_margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                        const double *y)
{
    heatrej *h = c->data;
    (void)m, (void)t;
    return k == 0 ? y[c->off + H_T] - DCT_T0
           : k == 1 ? h->q / 1e3 : hr_headroom(m, c, h);
}

static double hr_root(dct_model *m, dct_mcomp *c, size_t k, double t,
                      const double *y)
{
    heatrej *h = c->data;
    (void)t;
    if (h->kind == HR_CHILLER)
        return y[c->off + H_T] - (h->t_set + 1.0);
    /* the fans' demand at 1 (full speed); below it by the deadband to
     * clear (EVENTS in dctwin-models(7)) */
    return h->kp * (y[c->off + H_T] - h->t_set) + y[c->off + H_X] - 1.0 +
           (dct_model_root_is_on(m, c, k) ? DCT_EVENT_DEADBAND : 0);
}

static const char *hr_root_event(const dct_mcomp *c, size_t k, int dir)
{
    const heatrej *h = c->data;
    (void)k;
    if (h->kind == HR_CHILLER)
        return dir > 0 ? "capacity-exhausted" : "capacity-restored";
    return dir > 0 ? "fans-saturated" : "fans-unsaturated";
}

static void hr_free(dct_mcomp *c)
{
    free(c->data);
}

static void hr_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    const heatrej *h = c->data;
    dct_aux_ledger(m, c, h->kind == HR_CHILLER ? DCT_L_CHILLERS : DCT_L_FANS,
                   p);
}

/* A chiller's restart, restart-delay after its supply returned. */
static int hr_next_bp(const dct_model *m, const dct_mcomp *c, double t,
                      double *tb)
{
    const heatrej *h = c->data;
    double te = c->t_aux_on + h->restart_delay;
    (void)m;
    if (h->kind != HR_CHILLER || !(te > t) || !isfinite(te))
        return 0;
    *tb = te;
    return 1;
}

const dct_ctype dct_ctype_heatrej = {
    "heat-rejection", hr_setup, hr_init, hr_ports, hr_derivs, hr_stored,
    hr_output, hr_margin, hr_root, hr_root_event, hr_free, hr_next_bp,
    hr_ledger,
};

void dct_model_towers(const dct_model *m, dct_towers *tw)
{
    memset(tw, 0, sizeof *tw);
    double p = DCT_P_ATM_TOWER;
    double w_in = dct_psychro_w_from_wb(m->T_db, fmin(m->T_wb, m->T_db), p);
    double h_in = dct_psychro_enthalpy(m->T_db, w_in);
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *c = &m->comp[i];
        const heatrej *h = c->ct == &dct_ctype_heatrej ? c->data : NULL;
        if (!h || h->kind != HR_TOWER || h->q <= 0)
            continue;
        /* the air leaves saturated at the water's outlet temperature
         * (dctwin-models(7), COOLING-TOWER WATER) */
        double t_ex = fmax(c->port.T, m->T_wb);
        double w_ex = dct_psychro_w_from_dew(t_ex, p);
        double dh = dct_psychro_enthalpy(t_ex, w_ex) - h_in;
        double hfg = dct_psychro_h_fg(t_ex);
        double f = dh > 1.0 ? hfg * fmax(w_ex - w_in, 0) / dh : 1.0;
        tw->q += h->q;
        tw->q_lat += f * h->q;
        tw->evap += f * h->q / hfg;
        tw->flow += h->loop ? h->loop->port.mdot : 0;
        tw->n++;
    }
}

void dct_loop_set_setpoint(dct_model *m, dct_mcomp *c, double t_set)
{
    loop *l = c->data;
    l->t_set = t_set;
    if (l->hr && l->hr->ct == &dct_ctype_heatrej) {
        heatrej *h = l->hr->data;
        h->t_set = t_set;
    }
    (void)m;
}

/* ------------------------------------------------------------ hall air */

typedef struct hall {
    double c_air, n_cap, n_cap_n, t_chw, t_rated, p_fan, cop;
    double n_units;             /* CRAH units of all the hall's groups */
    double t_rec, t_allowed;
    double q_crah, q_in;
} hall;

static int hall_setup(dct_model *m, dct_mcomp *c, dct_diag *d)
{
    const double *q = c->sc->q;
    hall *h = calloc(1, sizeof *h);
    if (!h)
        return -1;
    c->data = h;
    c->n_states = 1;
    c->n_temp = 1;
    h->c_air = DCT_RHO_AIR * DCT_CP_AIR * q[DCT_HALL_AIR_VOLUME] *
               q[DCT_HALL_AIR_MASS_FACTOR];
    h->t_rec = q[DCT_HALL_AIR_T_RECOMMENDED];
    h->t_allowed = q[DCT_HALL_AIR_T_ALLOWED];
    h->t_chw = 18 + DCT_T0;
    h->t_rated = 27 + DCT_T0;
    h->cop = 4;
    /* CRAH units: children of this hall-air element */
    for (size_t i = 0; i < m->site->n_comps; i++) {
        const dct_comp *cr = m->site->comps[i];
        if (cr->type != DCT_T_CRAH || cr->is_model || cr->parent != c->sc)
            continue;
        double n = cr->q[DCT_CRAH_COUNT];
        int sp = dct_redundancy_spares(cr->s[DCT_CRAH_REDUNDANCY], (int)n);
        h->n_units += n;
        h->n_cap += n * cr->q[DCT_CRAH_CAPACITY];
        h->n_cap_n += (n - sp) * cr->q[DCT_CRAH_CAPACITY];
        h->p_fan += n * cr->q[DCT_CRAH_FAN_POWER];
        h->t_chw = cr->q[DCT_CRAH_T_CHW];
        h->t_rated = cr->q[DCT_CRAH_T_RATED];
        h->cop = cr->q[DCT_CRAH_COP];
    }
    if (h->t_rated <= h->t_chw) {
        dct_error(d, c->sc->file, c->sc->line,
                  "hall-air %s: the CRAH t-rated must be above t-chw", c->id);
        return -1;
    }
    if (dct_aux_setup(m, c, DCT_HALL_AIR_FEED, NULL, 0))
        return -1;
    /* the racks' air-side heat goes with their trip latch */
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *r = &m->comp[i];
        if (r->ct == &dct_ctype_rack &&
            dct_rack_dep_trip(m, c, r->rep ? r->rep : r))
            return -1;
    }
    const char *outs[] = {"T_degC", "Q_crah_kW", "P_crah_kW"};
    for (size_t i = 0; i < 3; i++)
        if (dct_model_add_output(m, c, outs[i]))
            return -1;
    if (dct_model_add_margin(m, c, "T", "degC",
                             "hall air within the ASHRAE recommended range",
                             h->t_rec - DCT_T0, 1, "recommended") ||
        dct_model_add_margin(m, c, "T", "degC",
                             "hall air within the ASHRAE allowable range",
                             h->t_allowed - DCT_T0, 1, "allowed") ||
        dct_model_add_margin(m, c, "Q_crah", "kW",
                             "CRAH duty within the rating without spares",
                             h->n_cap_n / 1e3, 1, "capacity"))
        return -1;
    dct_model_margin_nominal(m, c, "T", h->t_chw - DCT_T0);
    return 0;
}

/* The CRAH units in service as a fraction of all of them: a scenario's
 * fail= of the hall-air stops them all (the chilled water is lost), with
 * units= that many (of the mean capacity). */
static double crah_avail(const dct_mcomp *c, const hall *h)
{
    if (c->failed || h->n_units <= 0)
        return 0;
    return fmax(h->n_units - c->units_out, 0) / h->n_units;
}

static double crah_q(const hall *h, double avail, double T)
{
    return avail * h->n_cap *
           dct_clamp((T - h->t_chw) / (h->t_rated - h->t_chw), 0, 1);
}

static void hall_ports(dct_model *m, dct_mcomp *c, double t, const double *y)
{
    c->port.T = y[c->off];
    (void)m, (void)t;
}

static void hall_derivs(dct_model *m, dct_mcomp *c, double t, const double *y,
                        double *ydot)
{
    hall *h = c->data;
    double q_in = 0;
    for (size_t i = 0; i < m->n_comp; i++)
        q_in += m->comp[i].port.Q_air;
    double a = dct_aux_powered(m, c, t) ? crah_avail(c, h) : 0;
    double q = crah_q(h, a, y[c->off]);
    /* fan power of the units running, each at its share of the duty */
    double fr = a > 0 && h->n_cap > 0 ? q / (a * h->n_cap) : 0;
    c->port.Q = q;
    dct_aux_draw(m, c, a * h->p_fan * fr * fr * fr + q / h->cop, y);
    h->q_crah = q;
    h->q_in = q_in;
    ydot[c->off] = (q_in - q) / h->c_air;
}

static void hall_init(dct_model *m, dct_mcomp *c, double *y)
{
    hall *h = c->data;
    double q_in = 0;
    for (size_t i = 0; i < m->n_comp; i++) {
        const dct_mcomp *r = &m->comp[i];
        if (r->ct != &dct_ctype_rack)
            continue;
        const double *rq = r->sc->q;
        q_in += (1 - rq[DCT_RACK_F_LIQ]) *
                dct_profile_power(m->profiles, r->tindex, 0,
                                  rq[DCT_RACK_P_IDLE], rq[DCT_RACK_P_MAX]);
    }
    double fr = h->n_cap > 0 ? dct_clamp(q_in / h->n_cap, 0, 1) : 1;
    y[c->off] = h->t_chw + fr * (h->t_rated - h->t_chw);
}

static double hall_stored(const dct_model *m, const dct_mcomp *c,
                          const double *y)
{
    const hall *h = c->data;
    (void)m;
    return h->c_air * y[c->off];
}

static double hall_output(dct_model *m, dct_mcomp *c, size_t k, double t,
                          const double *y)
{
    hall *h = c->data;
    (void)m, (void)t;
    switch (k) {
    case 0: return y[c->off] - DCT_T0;
    case 1: return h->q_crah / 1e3;
    case 2: return c->port.P_aux / 1e3;
    }
    return 0;
}

static double hall_margin(dct_model *m, dct_mcomp *c, size_t k, double t,
                          const double *y)
{
    hall *h = c->data;
    (void)m, (void)t;
    return k < 2 ? y[c->off] - DCT_T0 : h->q_crah / 1e3;
}

static void hall_free(dct_mcomp *c)
{
    free(c->data);
}

static void hall_ledger(const dct_model *m, const dct_mcomp *c, double *p)
{
    dct_aux_ledger(m, c, DCT_L_CRAH, p);
}

const dct_ctype dct_ctype_hall = {
    "hall-air", hall_setup, hall_init, hall_ports, hall_derivs, hall_stored,
    hall_output, hall_margin, NULL, NULL, hall_free, NULL, hall_ledger,
};
