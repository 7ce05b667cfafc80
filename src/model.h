/* model.h - assembly of one ODE model of a whole facility.
 *
 * dct_model_build lays out one state vector for every component of a site
 * (racks, CDUs, facility loops and heat rejection, hall air; the 800 V DC
 * plant plugs in through the same component-type table), records the
 * sparsity pattern of the Jacobian from the components' declared couplings,
 * and presents the system as a dct_ode for the solver.  It also names the
 * output columns (probes), the margins with their limits, and the events
 * that root functions report.  All values inside are SI; the output and
 * margin functions convert to the display unit named in each column.
 *
 * Ownership: the model borrows the site (which must outlive it).  Caller
 * frees the model with dct_model_free.  No allocation happens in the RHS.
 */
#ifndef DCT_MODEL_H
#define DCT_MODEL_H

#include <stddef.h>
#include "diag.h"
#include "site.h"
#include "solver.h"

typedef struct dct_model dct_model;

typedef struct dct_scenario dct_scenario;

typedef struct dct_model_opts {
    const char *profile;      /* --profile: a profile id of the site, a
                                 built-in name (constant, llm-training), or
                                 a CSV file; NULL: each rack's own */
    unsigned long seed;       /* seed of random profile parts */
    const dct_scenario *scenario; /* timed events (borrowed), or NULL */
    int no_aggregate;         /* 1: every rack has its own states
                                 (--no-aggregate); 0: identical racks
                                 share one set */
    size_t dense_row;         /* Jacobian rows of buses, loops, heat
                                 rejection and hall air with more columns
                                 than this are filled column by column,
                                 not coloured; 0: the default, 32 */
    int electrical;           /* DCT_ELEC_DYNAMIC (0): the DC buses'
                                 voltages and the sources' current loops
                                 are states; DCT_ELEC_QUASI_STATIC: they
                                 are solved algebraically in the RHS
                                 (--electrical, dctwin-models(7)) */
} dct_model_opts;

enum { DCT_ELEC_DYNAMIC, DCT_ELEC_QUASI_STATIC };

/* --electrical TEXT ("dynamic" or "quasi-static") of command CMD into
 * *MODE.  Returns 0, or -1 with a message on stderr. */
int dct_model_electrical_parse(const char *cmd, const char *text, int *mode);

/* The whole-site energy ledger (dctwin-models(7), ENERGY LEDGER): what
 * the sources delivered equals what IT, the auxiliaries and the losses
 * used plus what went into storage.  Each term is a kind:
 * X(TAG, "json name", DCT_LK_..., "what it counts").  Components add
 * their part through their type's ledger operation (model_impl.h): power
 * flows [W], integrated with the state as the quadratures
 * DCT_Q_LEDGER + k of the ODE ([J] since the start of the run). */
enum { DCT_LK_SOURCE, DCT_LK_IT, DCT_LK_AUX, DCT_LK_LOSS, DCT_LK_UNSERVED,
       DCT_LK_STORAGE };
#define DCT_LEDGER_TERMS(X)                                                 \
    X(GRID, "grid", DCT_LK_SOURCE, "grid import: the rectifiers' AC input " \
      "and the auxiliaries the grid carries")                               \
    X(HOLDUP, "rectifier_holdup", DCT_LK_SOURCE, "what a rectifier still "  \
      "delivers as its current decays after its input is lost")             \
    X(GENERATOR, "generator", DCT_LK_SOURCE, "generator output: into the "  \
      "DC bus and to the auxiliaries on its board")                         \
    X(BATTERY, "battery", DCT_LK_SOURCE, "net energy out of the battery "   \
      "cells' terminals (negative: net charge)")                            \
    X(IT, "it", DCT_LK_IT, "the racks' electrical power (after "            \
      "throttling)")                                                        \
    X(CDU_PUMPS, "cdu_pumps", DCT_LK_AUX, "CDU pumps")                      \
    X(FACILITY_PUMPS, "facility_pumps", DCT_LK_AUX, "facility-loop pumps")  \
    X(FANS, "heat_rejection_fans", DCT_LK_AUX, "dry-cooler and tower fans") \
    X(CHILLERS, "chillers", DCT_LK_AUX, "chiller compressors")              \
    X(CRAH, "crah", DCT_LK_AUX, "CRAH fans and their chilled water")        \
    X(LOSS_RECTIFIER, "rectifier_loss", DCT_LK_LOSS, "rectifier losses")    \
    X(LOSS_BUSWAY, "busway_loss", DCT_LK_LOSS, "busway conductor I^2 R")    \
    X(LOSS_BATTERY, "battery_converter_loss", DCT_LK_LOSS,                  \
      "battery converter losses")                                           \
    X(LOSS_AUX, "aux_converter_loss", DCT_LK_LOSS, "losses of the "         \
      "converter feeding the UPS-fed auxiliaries from the bus")             \
    X(UNSERVED, "unserved", DCT_LK_UNSERVED, "demand of racks and "         \
      "auxiliaries the bus did not deliver (below the constant-power "      \
      "breakpoint), counted negative")                                      \
    X(BUS, "bus_capacitors", DCT_LK_STORAGE, "into the DC bus capacitors, " \
      "V C dV/dt")                                                          \
    X(SHELVES, "power_shelves", DCT_LK_STORAGE, "into the racks' "          \
      "power-shelf capacitor banks, P_in - P_el")

enum {
#define X(tag, ...) DCT_L_##tag,
    DCT_LEDGER_TERMS(X)
#undef X
    DCT_NL
};

typedef struct dct_ledger_term {
    const char *name;
    int kind;           /* DCT_LK_* */
    const char *doc;
} dct_ledger_term;
extern const dct_ledger_term dct_ledger_terms[DCT_NL];

/* Quadratures (energy totals) integrated with the state, [J]. */
enum {
    DCT_Q_E_IN = 0,   /* IT power + pump heat into the coolant and air */
    DCT_Q_E_OUT,      /* heat removed by heat rejection and CRAHs */
    DCT_Q_E_AUX,      /* auxiliary electrical energy (pumps, fans, chillers) */
    DCT_Q_E_IT,       /* IT electrical energy (after throttling) */
    DCT_Q_E_GRID,     /* energy imported from the grid (rectifier AC input
                         and the cooling's auxiliary power) */
    DCT_Q_E_GEN,      /* energy the generators delivered to DC buses */
    DCT_Q_E_BESS,     /* energy the batteries delivered to DC buses
                         (< 0: net charge) */
    DCT_Q_E_LOSS,     /* electrical losses: rectifiers, feeders, rack and
                         battery converters */
    DCT_Q_E_SRC,      /* energy the sources put into DC buses */
    DCT_Q_E_SINK,     /* energy the busways drew from DC buses */
    DCT_Q_LEDGER,     /* the ledger's terms: DCT_Q_LEDGER + DCT_L_* */
    DCT_NQ = DCT_Q_LEDGER + DCT_NL
};


/* One margin: a quantity with a limit.  margin = limit - worst for an
 * upper limit, worst - limit for a lower one, in UNIT. */
typedef struct dct_margin_def {
    char *id;             /* "A01.T_j_hot.throttle" (in the model's text
                             arena, or owned by the run for its ramp
                             margins) */
    /* borrowed, valid while the model lives: the component's id, and
     * texts the model keeps once for all its margins */
    const char *component;
    const char *type;     /* the component's type: "rack", "cdu", ... */
    const char *quantity; /* "T_j_hot" */
    const char *unit;     /* "degC", "kW", "%", "" */
    const char *label;    /* what it means, for people */
    double limit;         /* in UNIT */
    int is_upper;         /* 1: value must stay <= limit */
    /* the allowed range the margin's percentage is taken against, in
     * UNIT: |limit - nominal| (MARGINS in dctwin-models(7)); 0: none */
    double range;
    /* 1: a design margin, one that holds under a hypothetical event (a
     * ride-through, N-1, the ambient headroom); 0: a margin of what the
     * run did */
    int is_design;
    /* 1: the value is the magnitude of a signed quantity (a battery's
     * |P|), not the output column of the same name (extremes.h) */
    int is_magnitude;
} dct_margin_def;

dct_model *dct_model_build(const dct_site *s, const dct_model_opts *o,
                           dct_diag *d);
void dct_model_free(dct_model *m);

/* The ODE (borrowed; valid while the model lives) and its initial state
 * (Y0 has n entries): a consistent estimate of the steady state at the
 * loads of t = 0. */
const dct_ode *dct_model_ode(const dct_model *m);
void dct_model_initial_state(dct_model *m, double *y0);

/* Settling mode IS_ON: 1, every rack draws the mean of its demand over
 * the first DCT_SETTLE_WINDOW (60 s) of its profile; 2, every rack draws
 * its demand at t = 0; 0, off.  While on, the ODE announces no
 * breakpoints.  Integrating in mode 1 from the initial estimate finds the
 * steady state of the slow plant (loops, controllers); a short pre-roll in
 * mode 2 then brings the fast electrical states to the load of t = 0. */
void dct_model_set_settling(dct_model *m, int is_on);
/* The cooling towers now (after dct_model_outputs at that time): their
 * heat [W], its latent part [W], the water they evaporate [kg/s] and
 * circulate [kg/s] (dctwin-models(7), COOLING-TOWER WATER). */
typedef struct dct_towers {
    size_t n;                 /* towers rejecting heat */
    double q, q_lat, evap, flow;
} dct_towers;
/* [Pa] the air pressure of the towers' psychrometrics: the standard
 * atmosphere at sea level (an assumption; the wet bulb carries the
 * site's pressure) */
#define DCT_P_ATM_TOWER 101325.0
void dct_model_towers(const dct_model *m, dct_towers *tw);
/* The ambient dry bulb and wet bulb [K] of the last evaluation. */
void dct_model_ambient(const dct_model *m, double *t_db, double *t_wb);
struct dct_weather;
/* From t = 0 on, the ambient follows the weather file W (borrowed; valid
 * while M lives) at file time T0 + t (--weather, --start), instead of a
 * scenario's weather=; settling takes the weather at t = 0.  W NULL:
 * none. */
void dct_model_set_weather(dct_model *m, const struct dct_weather *w,
                           double t0);

/* Begin a run: every component in service, then the scenario's events at
 * t <= 0 applied.  Later events apply when the solver reaches them (they
 * are breakpoints). */
void dct_model_start(dct_model *m);

/* Output columns: names carry the unit ("A01.T_j_degC", "cdu-1.Q_kW",
 * "t_s" is not one of them).  Values are computed in those units. */
size_t dct_model_n_outputs(const dct_model *m);
const char *dct_model_output_name(const dct_model *m, size_t i);
void dct_model_outputs(dct_model *m, double t, const double *y, double *out);

/* Margins: definitions, and the current value of each margin's quantity
 * (in its unit) at (t, y). */
size_t dct_model_n_margins(const dct_model *m);
const dct_margin_def *dct_model_margin(const dct_model *m, size_t i);
void dct_model_margin_values(dct_model *m, double t, const double *y,
                             double *val);

/* The same for the N_IDX margins IDX[k] only, each its own source
 * (dct_model_margin_source): VAL[IDX[k]] is set, nothing else. */
void dct_model_margin_values_of(dct_model *m, double t, const double *y,
                                const size_t *idx, size_t n_idx,
                                double *val);

/* The margin whose value margin I always has: for a member of an
 * aggregated group (NUMERICAL METHOD in dctwin-models(7)) the same margin
 * of its representative, which comes earlier; otherwise I itself. */
size_t dct_model_margin_source(const dct_model *m, size_t i);

/* Event for a sign change of root function I in direction DIR (+1 up,
 * -1 down), for MEMBER 0, 1, ... of the root's component (0: itself;
 * then the members aggregated with it, whose roots cross with it): sets
 * *COMPONENT and *EVENT (static or model-owned strings) and returns 1, or
 * returns 0 when that crossing is not an event or there is no such
 * member. */
int dct_model_root_event(const dct_model *m, size_t i, int dir,
                         size_t member, const char **component,
                         const char **event);

/* Tell the model that root I crossed in direction DIR (+1 up, -1 down):
 * the root functions with a deadband switch their threshold (EVENTS in
 * dctwin-models(7)).  The solver does it through dct_ode.roots_crossed;
 * a caller that reports a condition already true at t = 0 as an upward
 * crossing calls it too. */
void dct_model_root_crossed(dct_model *m, size_t i, int dir);
/* The next change of a cooling auxiliary's supply at or before T not yet
 * taken (AUXILIARY FEEDS in dctwin-models(7)): sets *TE, *COMPONENT (its
 * id) and *EVENT ("aux-supply-lost" or "aux-supply-restored") and
 * returns 1; 0 when there is none.  Changes are found at breakpoints
 * and at the start of a run (dct_model_start), which clears them. */
int dct_model_take_aux_event(dct_model *m, double t, double *te,
                             const char **component, const char **event);

/* Warn (in D) for every row whose racks' hot GPU would exceed t-soft at
 * full load at the design point: the CDU group's supply setpoint and the
 * rack's share of the group's rated flow (dctwin-models(7), Design
 * point).  Returns the number of warnings. */
size_t dct_rack_design_points(const dct_site *s, dct_diag *d);

/* Racks that have their own states (one per group of identical racks,
 * or every rack with no_aggregate). */
size_t dct_model_n_rack_groups(const dct_model *m);

/* Heat stored in every thermal capacitance, sum of C_i T_i [J] (relative
 * to 0 K); the energy closure of a run is
 * |E_in - E_out - (U(t) - U(0))| / E_in. */
double dct_model_stored_energy(const dct_model *m, const double *y);

/* Electrical energy held in the DC bus capacitors, 1/2 C V^2 [J]; the
 * electrical closure of a run is
 * |E_src - E_sink - (W(t) - W(0))| / E_src. */
double dct_model_electric_energy(const dct_model *m, const double *y);

#endif
