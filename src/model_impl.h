/* model_impl.h - what model.c shares with the component files (comp_*.c).
 * Not a public interface: only model.c and comp_*.c include it.
 *
 * A component type (dct_ctype) is a table entry: how many states an
 * instance has, how to estimate its initial state, its port values (the
 * quantities others read: temperatures, flows, heat), its derivatives, its
 * stored heat, its output columns, margins and root functions.  The RHS runs
 * in two phases so that components may read each other's ports without an
 * ordering problem: phase 1 computes every component's ports from its own
 * states (and time); then the CDU groups mix the flows of their members;
 * phase 2 computes every derivative from the ports.
 */
#ifndef DCT_MODEL_IMPL_H
#define DCT_MODEL_IMPL_H

#include "model.h"
#include "profile.h"
#include "scenario.h"

#include <gsl/gsl_interp.h>

/* Fluids (SI).  TCS: propylene glycol 25 % at 35 degC; facility water at
 * 35 degC; air at 25 degC.  Sources in dctwin-models(7). */
#define DCT_CP_TCS 3957.0     /* J/(kg K), PG25 at 35 degC [MELINDER-2010] */
#define DCT_RHO_TCS 1012.5    /* kg/m3, PG25 at 35 degC */
#define DCT_CP_W 4180.0       /* J/(kg K), water */
#define DCT_RHO_W 994.0       /* kg/m3, water at 35 degC */
#define DCT_CP_AIR 1006.0     /* J/(kg K) */
#define DCT_RHO_AIR 1.16      /* kg/m3 at 25 degC */
#define DCT_T0 273.15

typedef struct dct_mcomp dct_mcomp;
typedef struct dct_group dct_group;

/* Port values a component offers to others (SI). */
typedef struct dct_port {
    double T;        /* [K] outlet / supply temperature */
    double T2;       /* [K] second outlet (CDU primary side) */
    double mdot;     /* [kg/s] flow offered (CDU secondary, loop) */
    double mdot2;    /* [kg/s] second flow (CDU primary) */
    double Q;        /* [W] heat: rack to liquid, CDU duty, HR rejected */
    double Q_air;    /* [W] heat to hall air */
    double P_el;     /* [W] electrical power drawn (IT, after throttling) */
    double P_in;     /* [W] a rack's power at its 800 V input (P_el, or
                        less what its capacitor tier supplies) */
    double P_aux;    /* [W] auxiliary electrical power (pumps, fans) */
    double P_heat;   /* [W] auxiliary power that ends as heat in a fluid */
    double I_bus;    /* [A] current injected into its DC bus (< 0: drawn) */
    double V_bus;    /* [V] voltage of its DC bus */
    double P_loss;   /* [W] electrical losses (conversion, feeder) */
} dct_port;

typedef struct dct_ctype {
    const char *name;
    /* Derived parameters, state count (set c->n_states), couplings
     * (dct_model_dep*), outputs, margins and roots (dct_model_add_*). */
    int (*setup)(dct_model *m, dct_mcomp *c, dct_diag *d);
    void (*init)(dct_model *m, dct_mcomp *c, double *y);
    void (*ports)(dct_model *m, dct_mcomp *c, double t, const double *y);
    void (*derivs)(dct_model *m, dct_mcomp *c, double t, const double *y,
                   double *ydot);
    double (*stored)(const dct_model *m, const dct_mcomp *c,
                     const double *y);
    /* Output column K of this component (K < c->n_out). */
    double (*output)(dct_model *m, dct_mcomp *c, size_t k, double t,
                     const double *y);
    /* Margin quantity K (K < c->n_margins), in the margin's unit. */
    double (*margin)(dct_model *m, dct_mcomp *c, size_t k, double t,
                     const double *y);
    /* Root function K (K < c->n_roots). */
    double (*root)(dct_model *m, dct_mcomp *c, size_t k, double t,
                   const double *y);
    const char *(*root_event)(const dct_mcomp *c, size_t k, int dir);
    void (*free)(dct_mcomp *c);
    /* Optional: the component's next discontinuity strictly after T (a
     * generator's breaker closing), stored in *TB; returns 1 when there
     * is one.  NULL: none. */
    int (*next_bp)(const dct_model *m, const dct_mcomp *c, double t,
                   double *tb);
    /* Optional: the component's part of the energy ledger (model.h,
     * DCT_LEDGER_TERMS): adds its power flows [W] at the point of the
     * last RHS evaluation (its ports and scratch) to P[DCT_L_*]: what it
     * draws from or delivers to sources, what it uses, loses, or puts
     * into its storage (a storage term is the power into it).  Called for
     * an aggregated member too (its ports are its representative's).
     * NULL: nothing. */
    void (*ledger)(const dct_model *m, const dct_mcomp *c, double *p);
} dct_ctype;

/* Supplies of a cooling auxiliary (feed=): the DC bus through a converter
 * (a UPS: backed by the batteries and generators on the bus), an AC board
 * that a transfer switch moves to the generators, or the grid alone. */
enum { DCT_FEED_NONE, DCT_FEED_UPS, DCT_FEED_GEN, DCT_FEED_GRID };

/* A component instance in the model. */
struct dct_mcomp {
    const dct_ctype *ct;
    const dct_comp *sc;        /* site record (borrowed) */
    const char *id;
    size_t off;                /* first state index */
    size_t n_states;
    /* its temperature states [K], k in [temp0, temp0 + n_temp): their
     * error is controlled on their rise above the design ambient dry
     * bulb (NUMERICS in dctwin-models(7)); set by setup */
    size_t temp0, n_temp;
    /* its GPU junction temperatures: bit k set for state k (k < 32);
     * they form the junction block of the error norm (NUMERICAL METHOD
     * in dctwin-models(7)); set by setup */
    unsigned long junc_mask;
    int aux_on;                /* its auxiliary supply is live (feed=) */
    double t_aux_on;           /* [s] when it last came back (-inf: not
                                  lost in this run) */
    dct_port port;
    size_t out0, n_out;        /* output columns */
    size_t mar0, n_margins;    /* margins */
    size_t root0, n_roots;     /* root functions */
    void *data;                /* type-specific, owned (freed by ct->free) */
    size_t tindex;             /* index among components of its type */
    int failed;                /* out of service (scenario event) */
    int units_out;             /* units out of service (scenario events
                                  with units=): rectifiers, heat-rejection
                                  units, CDU pumps, generator sets, BESS
                                  containers */
    double t_unit_out;         /* [s] time of the last unit failure */
    double t_unit_in;          /* [s] time of the last unit restore */
    int units_in;              /* the units that restore brought back */
    int fans_out;              /* heat-rejection units without their fans
                                  (scenario events with fans=) */
    int feed;                  /* DCT_FEED_* of a cooling auxiliary,
                                  DCT_FEED_NONE for the others */
    /* Exact aggregation (dctwin-models(7), NUMERICAL METHOD): a rack
     * identical to an earlier one (same parameters, profile and phase,
     * CDU group and busways), or a CDU identical to an earlier one of its
     * group, has no states of its own; it is an alias of that
     * representative: its ports are a copy of the representative's, its
     * outputs, margins and roots the representative's values under its
     * own id.  NULL: the component has its own states. */
    dct_mcomp *rep;
    /* Own block of the Jacobian pattern: 0 dense; 1 a chain (state k
     * depends on states k - 1 and k only: tanks in series). */
    int own_chain;
    /* or, when not NULL, own[a * n_states + b] = 1 where state a depends
     * on state b (owned by the component's data) */
    const unsigned char *own;
    int fd_dense;              /* has rows filled by model_fd_fill */
};

/* CDUs sharing a supply and return header, and the racks they serve. */
struct dct_group {
    dct_mcomp **cdu;
    size_t n_cdu;
    dct_mcomp **rack;
    size_t n_rack;
    double mdot_design;        /* [kg/s] sum of the racks' design flows */
    /* mixed values, computed between the two RHS phases */
    double mdot;               /* [kg/s] total secondary flow */
    double T_supply;           /* [K] mixed CDU supply */
    double T_return;           /* [K] mixed rack return */
    size_t n_running;          /* CDUs in service */
};

struct dct_model {
    const dct_site *site;
    dct_model_opts opts;
    dct_mcomp *comp;
    size_t n_comp;
    dct_group *group;
    size_t n_group;
    size_t n;                  /* states */
    /* ambient */
    double T_db, T_wb, T_dew;  /* [K] */
    /* sparsity: couplings as (row comp, col comp, col state or -1 = all) */
    struct dep { size_t a, b; long bs, as; } *dep;  /* as: row of a, -1 all */
    size_t n_dep, cap_dep;
    long *colptr, *rowind;
    /* outputs */
    char **out_name;
    dct_mcomp **out_comp;
    size_t n_out, cap_out;
    /* margins */
    dct_margin_def *mar;
    dct_mcomp **mar_comp;
    size_t n_mar, cap_mar;
    char **blocks;             /* text arena: output names, margin ids */
    size_t n_blocks, cap_blocks, block_used;
    char **strs;               /* margin quantities, units and labels, each
                                  text once (dct_margin_def borrows them) */
    size_t n_strs, cap_strs;
    /* roots */
    dct_mcomp **root_comp;
    size_t n_root, cap_root;
    unsigned char *root_on;    /* [n_root] 1: the last crossing of root i
                                  was upward (dct_model_root_is_on) */
    /* profiles: one instance per rack */
    dct_profile_set *profiles;
    dct_ode ode;
    double *scratch;           /* [n] RHS scratch for outputs/margins */
    double *fresh_y;           /* [n] the state of the last refresh */
    double fresh_t;            /* [s] and its time */
    unsigned long n_rhs_calls; /* RHS evaluations so far */
    unsigned long fresh_call;  /* the last refresh's; 0: none */
    double *y_ref;             /* [n] the states' error references
                                  (dct_ode.y_ref) */
    double *w_scale;           /* [n] the states' weight factors
                                  (dct_ode.w_scale) */
    int is_settling;           /* 1: racks draw their mean power, 2: their
                                  t = 0 power; no breakpoints
                                  (dct_model_set_settling) */
    const struct dct_weather *weather;  /* --weather (borrowed), NULL */
    double weather_t0;         /* [s] its file time at t = 0 */
    double grid_lost_at;       /* [s] time of the last grid loss, -1 when
                                  the grid is up */
    /* the auxiliaries' supplies: the first grid, DC bus and generator
     * (NULL: none), and the efficiency of the bus converter [1] */
    dct_mcomp *aux_grid, *aux_bus, *aux_gen;
    double aux_eta;
    /* changes of the auxiliaries' supplies for events.csv, in time order
     * (dct_model_take_aux_event): time, component index, 1 restored or
     * 0 lost; the first not yet taken */
    struct dct_aux_ev { double t; size_t k; int on; } *aux_ev;
    size_t n_aux_ev, cap_aux_ev, next_aux_ev;
    const dct_scenario *scenario;   /* borrowed, or NULL */
    size_t next_event;         /* first scenario event not yet applied */
    size_t n_alias;            /* racks and CDUs aggregated into another */
    /* dense rows of the Jacobian, filled column by column (fd_fill in
     * model.c): rows left out of the colouring, the component owning
     * each state, the ports at the base point and at a colour's point,
     * scratch state and derivative vectors, per-component marks, and
     * each representative's aliases (first, next; index + 1, 0: none) */
    unsigned char *fd_skip;
    size_t *owner;
    dct_port *port0, *port1;
    double *fd_y, *fd_f;
    unsigned char *fd_mark;
    size_t *fd_list;
    size_t *alias_first, *alias_next;
    size_t *mar_src;           /* dct_model_margin_source, per margin */
    /* quasi-static electrical states (dct_model_opts.electrical): 1
     * while they are; the end of the dynamic window after the last
     * event (-1: none) and the time of the last switch (-1: none) */
    int elec_qs;
    double qs_resume, qs_switch;
};

/* Settling window [s] and the samples of its mean rack power. */
/* [s] a quasi-static run's dynamic window after each jump of the
 * right-hand side (a load step, a scenario event, a breaker closing):
 * 200 times the slowest of the fast time constants (the generators'
 * 5 ms current loop) [A] (dctwin-models(7), POWER). */
#define DCT_QS_WINDOW 1.0

#define DCT_SETTLE_WINDOW 60.0
#define DCT_SETTLE_SAMPLES 6000

/* Declare that the states of A depend on state BS of B (BS = DCT_DEP_ALL:
 * on all of B's states; DCT_DEP_LAST: on its last state, whatever B's
 * state count turns out to be).  Used to build the Jacobian pattern,
 * which must hold every entry that can be non-zero (check_model tests it
 * against plain finite differences): the solver's column colouring relies
 * on it. */
#define DCT_DEP_ALL (-1L)
#define DCT_DEP_LAST (-2L)
/* The same for state AS of A only (its derivative alone reads B). */
int dct_model_dep_row(dct_model *m, const dct_mcomp *a, long as,
                      const dct_mcomp *b, long bs);
int dct_model_dep(dct_model *m, const dct_mcomp *a, const dct_mcomp *b,
                  long bs);
/* Add an output column "<id>.<NAME>" of component C (in order K = 0..). */
int dct_model_add_output(dct_model *m, dct_mcomp *c, const char *name);
/* Add a margin of C. */
int dct_model_add_margin(dct_model *m, dct_mcomp *c, const char *quantity,
                         const char *unit, const char *label, double limit,
                         int is_upper, const char *suffix);
/* The range of C's margins of QUANTITY (so far): |limit - NOMINAL|,
 * the headroom their percentage is taken against (by default |limit|,
 * for quantities with a physical zero). */
void dct_model_margin_nominal(dct_model *m, const dct_mcomp *c,
                              const char *quantity, double nominal);
/* Mark C's margins of QUANTITY (so far) as design margins: they hold
 * under a hypothetical event, not what the run did. */
void dct_model_margin_design(dct_model *m, const dct_mcomp *c,
                             const char *quantity);
/* Mark C's margins of QUANTITY (so far) as of its magnitude: their value
 * is |QUANTITY|, while its output column is signed. */
void dct_model_margin_magnitude(dct_model *m, const dct_mcomp *c,
                                const char *quantity);
/* ... the margin added last. */
void dct_model_margin_design_last(dct_model *m);
int dct_model_add_root(dct_model *m, dct_mcomp *c);
/* 1 when root K of C last crossed upward (its condition holds), 0 when
 * downward or never since dct_model_start: for a root with a deadband
 * (EVENTS in dctwin-models(7)), which clears below its threshold minus
 * the band. */
int dct_model_root_is_on(const dct_model *m, const dct_mcomp *c, size_t k);
/* The deadband of the saturation flags of controller outputs (a CDU's
 * valve, the heat rejection's fans), as a fraction of the output's range:
 * 1 %, the smallest of the deadbands [EEMUA-191-2013] recommends for
 * process alarms (EVENTS in dctwin-models(7)). */
#define DCT_EVENT_DEADBAND 0.01

/* Declare that the states of A depend on what a rack's port P_in (and
 * P_el) depends on: its GPU junction states through the throttle, its
 * trip latch and its capacitor tier's states. */
int dct_rack_dep_power(dct_model *m, const dct_mcomp *a, const dct_mcomp *rack);
/* ... what its port Q_air depends on: the trip latch. */
int dct_rack_dep_trip(dct_model *m, const dct_mcomp *a, const dct_mcomp *rack);
/* The energy [J] in a rack's power-shelf capacitor bank (0: none), for
 * the site's energy ledger (an aggregated member's is its
 * representative's). */
double dct_rack_cap_energy(const dct_mcomp *rack, const double *y);
/* For the facility loop's ride-through margin: a CDU's group and heat
 * capacity [J/K]; a rack's coolant heat capacity [J/K] and its hot GPU's
 * headroom to the soft throttle [K] (an aggregated member's are its
 * representative's). */
const dct_group *dct_cdu_group(const dct_mcomp *cdu);
double dct_cdu_heat_capacity(const dct_mcomp *cdu);
double dct_rack_coolant_capacity(const dct_mcomp *rack);
double dct_rack_soft_headroom(const dct_mcomp *rack, const double *y);
/* A rack's feed: the share of its row's busways in service (-1: none). */
void dct_rack_feed_clear(dct_mcomp *rack);
void dct_rack_feed_add(dct_mcomp *rack, double share);
double dct_rack_feed(const dct_mcomp *rack);
double dct_rack_dark_demand(const dct_mcomp *rack);
/* After a busway fails or is restored: each rack's feed, and each
 * busway's part of its racks' power (a failed busway's share moves to
 * the row's others; a rack with none left is dark). */
void dct_busway_feeds(dct_model *m);
/* ... state AS of A (DCT_DEP_ALL: all) on a rack's outlet temperature
 * (its last liquid segment, not its last state when it has a capacitor
 * tier). */
int dct_rack_dep_outlet(dct_model *m, const dct_mcomp *a, long as,
                        const dct_mcomp *rack);
/* ... state AS of A (DCT_DEP_ALL: all) on a CDU's secondary ports
 * (supply T, flow mdot); A on its primary ports (outlet T2, valve flow
 * mdot2). */
int dct_cdu_dep_secondary(dct_model *m, const dct_mcomp *a, long as,
                          const dct_mcomp *u);
int dct_cdu_dep_primary(dct_model *m, const dct_mcomp *a, const dct_mcomp *u);

/* Switch the DC plant's equations: ON = 1 quasi-static (each bus's
 * root search then starts from its state V in Y, when Y is not NULL),
 * 0 dynamic (the fast states in Y take the quasi-static values of the
 * last RHS evaluation: the bus's root, the loops' currents and the
 * batteries' converter power).  dctwin-models(7), POWER. */
void dct_power_quasi_static(dct_model *m, int on, double *y);
/* 1 while a rectifier group's or generator's available power P_a is
 * still ramping at its rate limit (a restart, a generator's run-up or
 * stop): a quasi-static run's dynamic window then goes on. */
int dct_power_ramping(const dct_model *m, double t, const double *y);

/* The group a rack or CDU belongs to. */
dct_group *dct_model_group_of(dct_model *m, const dct_mcomp *c);
/* The model component of a site record, or NULL. */
dct_mcomp *dct_model_find(dct_model *m, const dct_comp *sc);

/* Heat exchanger effectiveness.  Counterflow; crossflow with both streams
 * unmixed (ESDU approximation).  CR = C_min / C_max in [0, 1]. */
double dct_eps_counterflow(double ntu, double cr);
double dct_eps_crossflow(double ntu, double cr);
/* NTU for a given effectiveness: counterflow in closed form, crossflow by
 * GSL's Brent solver.  Return -1 when EPS is not reachable. */
double dct_ntu_counterflow(double eps, double cr);
double dct_ntu_crossflow(double eps, double cr);

/* A curve through a model's table points (efficiency, OCV, required
 * flow): GSL interpolation, held flat beyond its ends. */
typedef struct dct_curve {
    double *x, *y;
    size_t n;
    gsl_interp *interp;
    gsl_interp_accel *acc;
} dct_curve;

/* Fill C from the N_PTS (>= 2) points PTS, abscissa parameter XI and
 * ordinate YI: linear between the points when IS_LINEAR or with two
 * points, else a Steffen (monotone) cubic.  Abscissae must increase; an
 * error at the point that breaks the order names WHAT.  Returns 0, -1 on
 * an error recorded in D, -2 out of memory.  Free with dct_curve_free
 * (also after a failure). */
int dct_curve_init(dct_curve *c, dct_comp *const *pts, size_t n_pts, int xi,
                   int yi, int is_linear, const char *what, dct_diag *d);
double dct_curve_eval(const dct_curve *c, double x);
void dct_curve_free(dct_curve *c);

static inline double dct_clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

extern const dct_ctype dct_ctype_rack, dct_ctype_cdu, dct_ctype_loop,
    dct_ctype_heatrej, dct_ctype_hall, dct_ctype_dcbus, dct_ctype_rectifier,
    dct_ctype_busway, dct_ctype_bess, dct_ctype_generator, dct_ctype_grid;

/* Supply setpoints changed by a scenario (set=) [K]: a CDU's TCS supply;
 * a facility loop's supply, which its heat rejection controls to. */
void dct_cdu_set_setpoint(dct_mcomp *c, double t_set);
void dct_loop_set_setpoint(dct_model *m, dct_mcomp *c, double t_set);
/* The facility loop's pumps in service over the pumps it needs, at most
 * 1 (0 when it has failed): the fraction of each CDU's valve flow the
 * loop's differential pressure still drives. */
double dct_loop_pump_capacity(const dct_mcomp *loop, double t);
/* Pumps of component C (a CDU's, a facility loop's): those in service,
 * at most the pumps needed (PUMPS - SPARES), over the pumps needed; for
 * FAILOVER after a unit failure the failed pumps' standbys have not yet
 * started (C->units_out, C->t_unit_out; 0 when C has failed).  Their
 * start is a breakpoint: dct_pumps_next_bp gives it after T into *TB,
 * returns 1, or 0 when there is none. */
double dct_pumps_capacity(const dct_mcomp *c, int pumps, int spares,
                          double failover, double t);
int dct_pumps_next_bp(const dct_mcomp *c, double failover, double t,
                      double *tb);
/* Demand response: the grid-side cap of a peak-shave battery [W]. */
void dct_bess_set_peak_cap(dct_mcomp *c, double cap);

/* Auxiliary feeds (dctwin-models(7), AUXILIARY FEEDS).  dct_aux_setup
 * reads parameter FEED_PARAM of C's record into c->feed (a generator feed
 * on a site without a generator is a grid feed) and declares that the
 * bus or generator feeding it reads C's states (C's P_aux depends on no
 * other component's states than those it names: pass them as DEPS, N_DEP
 * components whose states all count).  Returns 0, -1 out of memory. */
int dct_aux_setup(dct_model *m, dct_mcomp *c, int feed_param,
                  dct_mcomp *const *deps, size_t n_deps);
/* The component whose row reads C's auxiliary power (the DC bus or the
 * generator feeding it), or NULL. */
dct_mcomp *dct_aux_target(const dct_model *m, const dct_mcomp *c);
/* Whether C's supply is live at T: UPS always; the grid while the first
 * grid is up; a generator board also once the generator has closed onto
 * it after a grid loss (its start-delay). */
int dct_aux_powered(const dct_model *m, const dct_mcomp *c, double t);
/* Set C's ports for auxiliary power P [W] (0 when unpowered): P_aux, and
 * on a UPS feed the current it draws from the bus (I_bus < 0, V_bus) and
 * the converter's loss (P_loss), from the bus voltage in Y. */
void dct_aux_draw(const dct_model *m, dct_mcomp *c, double p, const double *y);
/* The ledger part of an auxiliary of kind TERM (DCT_L_*): its power,
 * the converter's loss and what the bus did not deliver, and for the
 * grid or a generator board the source. */
void dct_aux_ledger(const dct_model *m, const dct_mcomp *c, int term,
                    double *p);
/* C's auxiliary power at design [W] (for the battery's ride-through
 * need): CDU pumps at the group's design flow, facility pumps with every
 * valve open, fans at full speed, chillers at their rating, CRAHs at
 * full duty. */
double dct_aux_design_power(const dct_model *m, const dct_mcomp *c);
/* Auxiliary power on the generator's board now [W] (the ports of the
 * last RHS phase 1 and 2). */
double dct_aux_board_load(const dct_model *m);
/* Whether the first generator has taken its board (grid lost and the
 * set's breaker closed at T). */
int dct_gen_board_on(const dct_model *m, double t);

/* Electrical energy stored in the DC bus capacitors, sum 1/2 C V^2 [J]. */
double dct_model_bus_energy(const dct_model *m, const double *y);

#endif
