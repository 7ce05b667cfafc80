/* component.h - the component-type table: every element of the facility
 * format, its attributes (parameters) with unit, range, default and doc.
 *
 * This table is the single source of truth for the XML parser (which
 * attributes an element takes and how each is checked), for the RelaxNG
 * schema (generated from it: `dctwin doc schema`, shipped as
 * models/dctwin-site.rng), and for the element reference of dctwin-site(5)
 * (`dctwin doc site`).  Tests check that the shipped copies match.
 *
 * Each element type has a parameter list; parameter I of type T is addressed
 * by the enum constant from the type's X-macro list (e.g. DCT_RACK_P_MAX).
 * "Modelled" types (rack, cdu, rectifier, ...) also have a model element
 * "<type>-model" in model libraries: it takes `name`, `source` and every
 * parameter flagged DCT_PF_MODEL; an instance takes `model=` and may
 * override any of those parameters.
 */
#ifndef DCT_COMPONENT_H
#define DCT_COMPONENT_H

#include <math.h>
#include <stddef.h>

typedef enum dct_pkind {
    DCT_PK_Q,      /* quantity with a unit (unit = expected expression) */
    DCT_PK_INT,    /* integer */
    DCT_PK_STR,    /* free string (names, file names) */
    DCT_PK_ID,     /* identifier: [A-Za-z0-9_.-]+ */
    DCT_PK_IDS,    /* identifier or a range "A01..A18" */
    DCT_PK_REF,    /* reference to the id of an element named in extra */
    DCT_PK_REFS,   /* space-separated list of such references */
    DCT_PK_ENUM    /* one of the words in extra, separated by '|' */
} dct_pkind;

enum {
    DCT_PF_MODEL = 1u << 0, /* physical parameter: in X-model, overridable */
    DCT_PF_REQ = 1u << 1    /* required (after applying the model) */
};

typedef struct dct_param {
    const char *name;   /* XML attribute name */
    dct_pkind kind;
    const char *unit;   /* Q: expected unit expression, "" dimensionless */
    double min, max;    /* Q, INT: allowed range in SI (inclusive) */
    double def;         /* Q, INT: default in SI; NAN = none */
    const char *extra;  /* ENUM: "a|b|c" (first is the default);
                           REF/REFS: target element name */
    unsigned flags;
    const char *doc;    /* one line */
} dct_param;

/* X-macro: X(ENUMTAG, "xml-name", kind, "unit", min, max, default, extra,
 *            flags, "doc") */
#define DCT_INF HUGE_VAL

#define DCT_TYPES(X)                                                        \
    X(SITE, "site")                                                         \
    X(LIBRARY, "library")                                                   \
    X(INCLUDE, "include")                                                   \
    X(AMBIENT, "ambient")                                                   \
    X(PROFILE, "profile")                                                   \
    X(POWER, "power")                                                       \
    X(GRID, "grid")                                                         \
    X(RECTIFIER, "rectifier")                                               \
    X(EFFICIENCY, "efficiency")                                             \
    X(DC_BUS, "dc-bus")                                                     \
    X(BUSWAY, "busway")                                                     \
    X(BESS, "bess")                                                         \
    X(OCV, "ocv")                                                           \
    X(GENERATOR, "generator")                                               \
    X(COOLING, "cooling")                                                   \
    X(HEAT_REJECTION, "heat-rejection")                                     \
    X(FACILITY_LOOP, "facility-loop")                                       \
    X(CDU, "cdu")                                                           \
    X(HALL_AIR, "hall-air")                                                 \
    X(CRAH, "crah")                                                         \
    X(ROW, "row")                                                           \
    X(RACK, "rack")                                                         \
    X(FLOW_REQ, "flow-req")                                                 \
    X(CRITERION, "criterion")

typedef enum dct_type {
#define X(tag, name) DCT_T_##tag,
    DCT_TYPES(X)
#undef X
    DCT_N_TYPES
} dct_type;

/* ---- parameter lists ------------------------------------------------ */
#define C2K(c) ((c) + 273.15)
#define LPM (1e-3 / 60.0)

#define DCT_SITE_PARAMS(X)                                                  \
    X(NAME, "name", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ,             \
      "name of the site; names the default run directory")                  \
    X(DESCRIPTION, "description", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,       \
      "free text shown by validate")

#define DCT_LIBRARY_PARAMS(X)                                               \
    X(NAME, "name", DCT_PK_ID, "", 0, 0, NAN, NULL, 0,                      \
      "name of the model library")                                          \
    X(DESCRIPTION, "description", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,       \
      "free text")

#define DCT_INCLUDE_PARAMS(X)                                               \
    X(HREF, "href", DCT_PK_STR, "", 0, 0, NAN, NULL, DCT_PF_REQ,            \
      "model library to read: relative to the including file, then each "   \
      "directory of DCTWIN_MODELS_PATH, then the source tree's models (a "  \
      "build tree), then the installed models")

#define DCT_AMBIENT_PARAMS(X)                                               \
    X(DRY_BULB, "dry-bulb", DCT_PK_Q, "degC", C2K(-50), C2K(60), C2K(25),   \
      NULL, 0, "outdoor dry-bulb air temperature")                          \
    X(WET_BULB, "wet-bulb", DCT_PK_Q, "degC", C2K(-50), C2K(45), C2K(18),   \
      NULL, 0, "outdoor wet-bulb temperature (cooling towers, adiabatic "   \
      "assist)")                                                            \
    X(DEW_POINT, "dew-point", DCT_PK_Q, "degC", C2K(-50), C2K(40), C2K(12), \
      NULL, 0, "hall dew point; the TCS supply must stay 3 K above it")

#define DCT_PROFILE_PARAMS(X)                                               \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ,                 \
      "profile name that racks refer to with profile=")                     \
    X(TYPE, "type", DCT_PK_ENUM, "", 0, 0, NAN,                             \
      "constant|step|llm-training|job|inference|mix|csv", DCT_PF_REQ,       \
      "shape of the load fraction u(t)")                                    \
    X(SOURCE, "source", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,                 \
      "where the profile's numbers come from (shown by dctwin profile "     \
      "show)")                                                              \
    X(LEVEL, "level", DCT_PK_Q, "", 0, 1, 1, NULL, 0,                       \
      "u of a constant profile; high level of llm-training")                \
    X(PERIOD, "period", DCT_PK_Q, "s", 0.01, 3600, 2, NULL, 0,              \
      "llm-training: period of one compute + communication cycle")          \
    X(LOW, "low", DCT_PK_Q, "", 0, 1, 0.3, NULL, 0,                         \
      "llm-training: communication-phase power as a fraction of level")     \
    X(DUTY, "duty", DCT_PK_Q, "", 0.01, 0.99, 0.5, NULL, 0,                 \
      "llm-training: fraction of the period at full power")                 \
    X(EDGE, "edge", DCT_PK_Q, "s", 0, 10, 0.05, NULL, 0,                    \
      "llm-training: duration of each linear power edge")                   \
    X(JITTER, "jitter", DCT_PK_Q, "s", 0, 10, 0, NULL, 0,                   \
      "llm-training: largest per-rack phase offset (seeded, uniform)")      \
    X(SEED, "seed", DCT_PK_INT, "", 0, 4294967295.0, 1, NULL, 0,            \
      "seed of the random parts (GSL mt19937)")                             \
    X(T_STEP, "t-step", DCT_PK_Q, "s", 0, 1e9, 60, NULL, 0,                 \
      "step: time of the step")                                             \
    X(BEFORE, "before", DCT_PK_Q, "", 0, 1, 0.3, NULL, 0,                   \
      "step: u before the step")                                            \
    X(AFTER, "after", DCT_PK_Q, "", 0, 1, 1, NULL, 0,                       \
      "step: u after the step")                                             \
    X(FILE, "file", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,                     \
      "csv: trace file (t_s,u or t_s,P_W), relative to the site file")     \
    X(CHECKPOINT_EVERY, "checkpoint-every", DCT_PK_Q, "s", 0, 1e9, 0, NULL, \
      0, "llm-training, job: time between checkpoint dips (0: none)")       \
    X(CHECKPOINT_DURATION, "checkpoint-duration", DCT_PK_Q, "s", 0, 3600,   \
      12, NULL, 0, "llm-training, job: length of a checkpoint dip")         \
    X(CHECKPOINT_LEVEL, "checkpoint-level", DCT_PK_Q, "", 0, 1, 0.15, NULL, \
      0, "llm-training, job: u during a dip, as a fraction of level")       \
    X(START, "start", DCT_PK_Q, "s", 0, 1e9, 0, NULL, 0,                    \
      "llm-training, job: job start; u = idle before it")                   \
    X(RAMP_UP, "ramp-up", DCT_PK_Q, "s", 0, 3600, 0, NULL, 0,               \
      "llm-training, job: linear ramp from idle at a (re)start")            \
    X(END, "end", DCT_PK_Q, "s", 0, DCT_INF, DCT_INF, NULL, 0,              \
      "llm-training, job: end of the job (default: none)")                  \
    X(RAMP_DOWN, "ramp-down", DCT_PK_Q, "s", 0, 3600, 0, NULL, 0,           \
      "llm-training, job: linear ramp to idle at the end or a fault")       \
    X(IDLE, "idle", DCT_PK_Q, "", 0, 1, 0.1, NULL, 0,                       \
      "llm-training, job: u outside the job and while it is down")          \
    X(FAULTS, "faults", DCT_PK_Q, "1/s", 0, 1, 0, NULL, 0,                  \
      "llm-training, job: rate of job interruptions (Poisson, seeded), "    \
      "e.g. 0.325 1/h")                                                       \
    X(HOLD, "hold", DCT_PK_Q, "s", 0, 1e6, 600, NULL, 0,                    \
      "llm-training, job: time at idle after an interruption")              \
    X(FLOOR, "floor", DCT_PK_Q, "", 0, 0.9, 0, NULL, 0,                     \
      "llm-training: GPU power-smoothing floor, fraction of TDP, 0.2-0.9 "  \
      "(0: off)")                                                           \
    X(RAMP_UP_RATE, "ramp-up-rate", DCT_PK_Q, "W/s", 0, 1e9, DCT_INF, NULL, \
      0, "llm-training: power-smoothing ramp-up rate per GPU")              \
    X(RAMP_DOWN_RATE, "ramp-down-rate", DCT_PK_Q, "W/s", 0, 1e9, DCT_INF,   \
      NULL, 0, "llm-training: power-smoothing ramp-down rate per GPU")      \
    X(HYSTERESIS, "hysteresis", DCT_PK_Q, "s", 0, 60, 0, NULL, 0,           \
      "llm-training: power-smoothing delay before a ramp down")             \
    X(GPU_TDP, "gpu-tdp", DCT_PK_Q, "W", 1, 1e5, 1200, NULL, 0,             \
      "llm-training: GPU TDP that the ramp rates are relative to")          \
    X(PEAK_TO_TROUGH, "peak-to-trough", DCT_PK_Q, "", 1, 100, 2, NULL, 0,   \
      "inference: ratio of the diurnal peak to the night trough")           \
    X(BURSTS, "bursts", DCT_PK_Q, "1/s", 0, 1, 0, NULL, 0,                  \
      "inference: rate of load bursts per rack (Poisson, seeded)")          \
    X(BURST_DURATION, "burst-duration", DCT_PK_Q, "s", 0, 3600, 30, NULL,   \
      0, "inference: length of a burst")                                    \
    X(BURST_LEVEL, "burst-level", DCT_PK_Q, "", 0, 1, 1, NULL, 0,           \
      "inference: u during a burst")                                        \
    X(HORIZON, "horizon", DCT_PK_Q, "s", 1, 1e8, 604800, NULL, 0,           \
      "random events (faults, bursts) are drawn up to this time")           \
    X(PROFILES, "profiles", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,             \
      "mix: the profiles of the mix, space-separated")                      \
    X(FRACTIONS, "fractions", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,           \
      "mix: the fraction of racks on each, space-separated, sum 1")

#define DCT_GRID_PARAMS(X)                                                  \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(CONTRACT, "contract", DCT_PK_Q, "W", 0, 1e10, NAN, NULL, DCT_PF_REQ,  \
      "contracted import power at the point of connection")                 \
    X(RAMP_LIMIT, "ramp-limit", DCT_PK_Q, "W/s", 0, 1e10, DCT_INF, NULL, 0, \
      "largest allowed rate of change of import power")

#define DCT_RECTIFIER_PARAMS(X)                                             \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(GRID, "grid", DCT_PK_REF, "", 0, 0, NAN, "grid", DCT_PF_REQ,          \
      "grid connection feeding the unit")                                   \
    X(BUS, "bus", DCT_PK_REF, "", 0, 0, NAN, "dc-bus", DCT_PF_REQ,          \
      "DC bus the unit feeds")                                              \
    X(COUNT, "count", DCT_PK_INT, "", 1, 1000, 1, NULL, 0,                  \
      "number of identical units in parallel")                              \
    X(REDUNDANCY, "redundancy", DCT_PK_ENUM, "", 0, 0, NAN, "N|N+1|N+2|2N", \
      0, "how many of the units are spares")                                \
    X(RATING, "rating", DCT_PK_Q, "W", 1e3, 1e9, NAN, NULL,                 \
      DCT_PF_MODEL | DCT_PF_REQ, "rated DC output power of one unit")       \
    X(V_SET, "v-set", DCT_PK_Q, "V", 100, 2000, 800, NULL, DCT_PF_MODEL,    \
      "no-load output voltage setpoint")                                    \
    X(DROOP, "droop", DCT_PK_Q, "", 0, 0.2, 0.01, NULL, DCT_PF_MODEL,       \
      "voltage droop at rated current, fraction of v-set")                  \
    X(TAU, "tau", DCT_PK_Q, "s", 1e-5, 10, 0.005, NULL, DCT_PF_MODEL,       \
      "time constant of the current control loop")                          \
    X(CURRENT_LIMIT, "current-limit", DCT_PK_Q, "A", 1, 1e6, NAN, NULL,     \
      DCT_PF_MODEL, "output current limit (default: 1.1 x rated current)")  \
    X(RAMP_LIMIT, "ramp-limit", DCT_PK_Q, "W/s", 1, 1e10, DCT_INF, NULL, 0, \
      "grid-side ramp limiter: largest rise of the group's power")

#define DCT_EFFICIENCY_PARAMS(X)                                            \
    X(LOAD, "load", DCT_PK_Q, "", 0, 2, NAN, NULL, DCT_PF_REQ,              \
      "load as a fraction of rating")                                       \
    X(ETA, "eta", DCT_PK_Q, "", 0.5, 1, NAN, NULL, DCT_PF_REQ,              \
      "efficiency at that load")

#define DCT_DC_BUS_PARAMS(X)                                                \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(NOMINAL, "nominal", DCT_PK_Q, "V", 10, 2000, 800, NULL, 0,            \
      "nominal bus voltage")                                                \
    X(CAPACITANCE, "capacitance", DCT_PK_Q, "F", 0.01, 1e3, 0.5, NULL, 0,   \
      "total bus capacitance (its minimum: dctwin-models(7), DC bus)")     \
    X(BAND_LOW, "band-low", DCT_PK_Q, "V", 0, 2000, 760, NULL, 0,           \
      "lower edge of the operating band")                                   \
    X(BAND_HIGH, "band-high", DCT_PK_Q, "V", 0, 2000, 840, NULL, 0,         \
      "upper edge of the operating band")                                   \
    X(AUX_EFFICIENCY, "aux-efficiency", DCT_PK_Q, "", 0.5, 1, 0.97, NULL,   \
      0, "efficiency of the converter feeding the auxiliaries on "          \
      "feed=\"ups\" from the bus")

#define DCT_BUSWAY_PARAMS(X)                                                \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(BUS, "bus", DCT_PK_REF, "", 0, 0, NAN, "dc-bus", DCT_PF_REQ,          \
      "DC bus feeding the busway")                                          \
    X(LENGTH, "length", DCT_PK_Q, "m", 0.1, 1000, 40, NULL, 0,              \
      "length from the bus to the farthest tap (the feeder resistance "     \
      "counts the whole length)")                                           \
    X(AMPACITY, "ampacity", DCT_PK_Q, "A", 1, 1e5, NAN, NULL,               \
      DCT_PF_MODEL | DCT_PF_REQ, "rated continuous current")                \
    X(RESISTANCE, "resistance", DCT_PK_Q, "Ohm/m", 1e-9, 1, NAN, NULL,      \
      DCT_PF_MODEL | DCT_PF_REQ,                                            \
      "loop (out and back) resistance per metre at t-ref")                  \
    X(ALPHA, "alpha", DCT_PK_Q, "1/K", 0, 0.01, 0.00403, NULL,              \
      DCT_PF_MODEL, "temperature coefficient of resistance")                \
    X(T_REF, "t-ref", DCT_PK_Q, "degC", C2K(-20), C2K(100), C2K(20), NULL,  \
      DCT_PF_MODEL, "temperature at which resistance is given")             \
    X(T_MAX, "t-max", DCT_PK_Q, "degC", C2K(40), C2K(200), C2K(105), NULL,  \
      DCT_PF_MODEL, "highest allowed conductor temperature")                \
    X(C_TH, "c-th", DCT_PK_Q, "J/K/m", 1, 1e6, NAN, NULL, DCT_PF_MODEL,     \
      "conductor heat capacity per metre")                                  \
    X(R_TH, "r-th", DCT_PK_Q, "K*m/W", 1e-4, 100, NAN, NULL, DCT_PF_MODEL,  \
      "conductor-to-air thermal resistance of one metre")

#define DCT_BESS_PARAMS(X)                                                  \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(BUS, "bus", DCT_PK_REF, "", 0, 0, NAN, "dc-bus", DCT_PF_REQ,          \
      "DC bus the converter connects to")                                   \
    X(SOC, "soc", DCT_PK_Q, "", 0, 1, 0.6, NULL, 0,                         \
      "initial state of charge")                                            \
    X(CONTROL, "control", DCT_PK_ENUM, "", 0, 0, NAN,                       \
      "none|smoothing|ramp-limit|peak-shave|backup", 0,                     \
      "controller of the battery converter")                                \
    X(TAU_SMOOTH, "tau-smooth", DCT_PK_Q, "s", 0.01, 3600, 10, NULL, 0,     \
      "smoothing: time constant of the low-pass the grid follows")          \
    X(RAMP_LIMIT, "ramp-limit", DCT_PK_Q, "W/s", 0, 1e10, DCT_INF, NULL, 0, \
      "ramp-limit: largest grid-side ramp")                                 \
    X(PEAK_CAP, "peak-cap", DCT_PK_Q, "W", 0, 1e10, DCT_INF, NULL, 0,       \
      "cap on the bus load the grid carries: peak-shave's cap, or a "       \
      "demand-response cap over the other controllers")                     \
    X(COUNT, "count", DCT_PK_INT, "", 1, 1000, 1, NULL, 0,                  \
      "number of identical containers in parallel")                         \
    X(SERIES, "series", DCT_PK_INT, "", 1, 10000, NAN, NULL,                \
      DCT_PF_MODEL | DCT_PF_REQ, "cells in series in one string")           \
    X(PARALLEL, "parallel", DCT_PK_INT, "", 1, 100000, NAN, NULL,           \
      DCT_PF_MODEL | DCT_PF_REQ, "strings in parallel")                     \
    X(CAPACITY, "capacity", DCT_PK_Q, "C", 1, 1e8, NAN, NULL,               \
      DCT_PF_MODEL | DCT_PF_REQ, "cell capacity (e.g. 280 Ah)")             \
    X(R0, "r0", DCT_PK_Q, "Ohm", 0, 10, NAN, NULL,                          \
      DCT_PF_MODEL | DCT_PF_REQ, "cell series resistance")                  \
    X(R1, "r1", DCT_PK_Q, "Ohm", 0, 10, 0, NULL, DCT_PF_MODEL,              \
      "cell first RC pair resistance (0: no pair)")                         \
    X(C1, "c1", DCT_PK_Q, "F", 0, 1e7, 0, NULL, DCT_PF_MODEL,               \
      "cell first RC pair capacitance")                                     \
    X(R2, "r2", DCT_PK_Q, "Ohm", 0, 10, 0, NULL, DCT_PF_MODEL,              \
      "cell second RC pair resistance (0: no pair)")                        \
    X(C2, "c2", DCT_PK_Q, "F", 0, 1e8, 0, NULL, DCT_PF_MODEL,               \
      "cell second RC pair capacitance")                                    \
    X(C_TH, "c-th", DCT_PK_Q, "J/K", 1, 1e6, NAN, NULL, DCT_PF_MODEL,       \
      "cell heat capacity")                                                 \
    X(R_TH, "r-th", DCT_PK_Q, "K/W", 1e-3, 100, NAN, NULL, DCT_PF_MODEL,    \
      "cell-to-coolant thermal resistance")                                 \
    X(T_COOLANT, "t-coolant", DCT_PK_Q, "degC", C2K(0), C2K(50), C2K(25),   \
      NULL, DCT_PF_MODEL, "temperature of the container's cooling")         \
    X(POWER, "power", DCT_PK_Q, "W", 1e3, 1e9, NAN, NULL,                   \
      DCT_PF_MODEL | DCT_PF_REQ, "converter power rating")                  \
    X(OVERLOAD, "overload", DCT_PK_Q, "", 1, 3, 1.2, NULL, DCT_PF_MODEL,    \
      "short-time overload as a fraction of power")                         \
    X(C_RATE_MAX, "c-rate-max", DCT_PK_Q, "", 0.01, 20, 1, NULL,            \
      DCT_PF_MODEL, "largest continuous C-rate (per hour)")                 \
    X(SOC_MIN, "soc-min", DCT_PK_Q, "", 0, 1, 0.1, NULL, DCT_PF_MODEL,      \
      "lower edge of the SOC window")                                       \
    X(SOC_MAX, "soc-max", DCT_PK_Q, "", 0, 1, 0.95, NULL, DCT_PF_MODEL,     \
      "upper edge of the SOC window")                                       \
    X(T_CELL_MIN, "t-cell-min", DCT_PK_Q, "degC", C2K(-40), C2K(40),        \
      C2K(0), NULL, DCT_PF_MODEL, "lowest allowed cell temperature")        \
    X(T_CELL_MAX, "t-cell-max", DCT_PK_Q, "degC", C2K(20), C2K(80),         \
      C2K(55), NULL, DCT_PF_MODEL, "highest allowed cell temperature")      \
    X(ETA_CONV, "eta-conv", DCT_PK_Q, "", 0.5, 1, 0.98, NULL, DCT_PF_MODEL, \
      "converter efficiency")                                               \
    X(TAU_CONV, "tau-conv", DCT_PK_Q, "s", 1e-5, 10, 0.01, NULL,            \
      DCT_PF_MODEL, "converter power-loop time constant")

#define DCT_OCV_PARAMS(X)                                                   \
    X(SOC, "soc", DCT_PK_Q, "", 0, 1, NAN, NULL, DCT_PF_REQ,                \
      "state of charge")                                                    \
    X(VOLTAGE, "voltage", DCT_PK_Q, "V", 0.5, 10, NAN, NULL, DCT_PF_REQ,    \
      "cell open-circuit voltage at that SOC")

#define DCT_GENERATOR_PARAMS(X)                                             \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(BUS, "bus", DCT_PK_REF, "", 0, 0, NAN, "dc-bus", DCT_PF_REQ,          \
      "DC bus the generator's rectifier feeds")                             \
    X(COUNT, "count", DCT_PK_INT, "", 1, 100, 1, NULL, 0,                   \
      "number of identical sets")                                           \
    X(RATING, "rating", DCT_PK_Q, "W", 1e3, 1e9, NAN, NULL,                 \
      DCT_PF_MODEL | DCT_PF_REQ, "rated power of one set")                  \
    X(START_DELAY, "start-delay", DCT_PK_Q, "s", 0, 600, 10, NULL,          \
      DCT_PF_MODEL, "time from grid loss to breaker closing")               \
    X(RAMP, "ramp", DCT_PK_Q, "W/s", 1, 1e10, NAN, NULL,                    \
      DCT_PF_MODEL | DCT_PF_REQ, "load pick-up rate once online")

#define DCT_HEAT_REJECTION_PARAMS(X)                                        \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(COUNT, "count", DCT_PK_INT, "", 1, 1000, 1, NULL, 0,                  \
      "number of identical units in parallel, spares included")      \
    X(REDUNDANCY, "redundancy", DCT_PK_ENUM, "", 0, 0, NAN, "N|N+1|N+2|2N", \
      0, "how many of the units are spares")                                \
    X(SPARES, "spares", DCT_PK_ENUM, "", 0, 0, NAN, "running|standby", 0,   \
      "whether the spare units run and share the load, or stand by until "  \
      "a unit fails")                                                       \
    X(TYPE, "type", DCT_PK_ENUM, "", 0, 0, NAN,                             \
      "dry-cooler|cooling-tower|chiller", DCT_PF_MODEL | DCT_PF_REQ,        \
      "kind of heat rejection")                                             \
    X(RATING, "rating", DCT_PK_Q, "W", 1e3, 1e9, NAN, NULL,                 \
      DCT_PF_MODEL | DCT_PF_REQ, "rated heat rejection of one unit")        \
    X(T_AIR_RATED, "t-air-rated", DCT_PK_Q, "degC", C2K(-20), C2K(55),      \
      C2K(35), NULL, DCT_PF_MODEL,                                          \
      "rating air temperature (dry bulb; wet bulb for a tower; condenser "  \
      "air for a chiller)")                                                 \
    X(T_IN_RATED, "t-in-rated", DCT_PK_Q, "degC", C2K(0), C2K(90), NAN,     \
      NULL, DCT_PF_MODEL | DCT_PF_REQ, "rating fluid entering temperature") \
    X(T_OUT_RATED, "t-out-rated", DCT_PK_Q, "degC", C2K(0), C2K(90), NAN,   \
      NULL, DCT_PF_MODEL | DCT_PF_REQ, "rating fluid leaving temperature")  \
    X(FAN_POWER, "fan-power", DCT_PK_Q, "W", 0, 1e7, 0, NULL,               \
      DCT_PF_MODEL, "fan power of one unit at full speed")                  \
    X(FREE_CONVECTION, "free-convection", DCT_PK_Q, "", 0, 1, 0.125, NULL,  \
      DCT_PF_MODEL, "capacity with fans stopped, fraction of rated")        \
    X(AIR_RATIO, "air-ratio", DCT_PK_Q, "", 0.1, 10, 1, NULL, DCT_PF_MODEL, \
      "air-to-fluid capacity-rate ratio at rating")                         \
    X(VOLUME, "volume", DCT_PK_Q, "m3", 1e-3, 100, 0.5, NULL, DCT_PF_MODEL, \
      "fluid volume of one unit")                                           \
    X(FAN_MIN, "fan-min", DCT_PK_Q, "", 0, 1, 0.1, NULL, DCT_PF_MODEL,      \
      "lowest fan speed")                                                   \
    X(FAN_TI, "fan-ti", DCT_PK_Q, "s", 1, 3600, 120, NULL, DCT_PF_MODEL,    \
      "integral time of the fan PI on facility supply temperature")         \
    X(FAN_GAIN, "fan-gain", DCT_PK_Q, "1/K", 0.001, 10, 0.1, NULL,          \
      DCT_PF_MODEL, "proportional gain of the fan PI")                      \
    X(ADIABATIC, "adiabatic", DCT_PK_ENUM, "", 0, 0, NAN, "off|on",         \
      DCT_PF_MODEL, "dry cooler: adiabatic pre-cooling of the inlet air "   \
      "when the dry bulb is above t-air-rated")                             \
    X(ADIABATIC_APPROACH, "adiabatic-approach", DCT_PK_Q, "K", 0, 20, 6,    \
      NULL, DCT_PF_MODEL,                                                   \
      "adiabatic mode: inlet air temperature above the wet bulb")           \
    X(ETA_CARNOT, "eta-carnot", DCT_PK_Q, "", 0.05, 0.9, 0.3, NULL,         \
      DCT_PF_MODEL, "chiller: fraction of the Carnot COP")                  \
    X(CAP_SLOPE, "cap-slope", DCT_PK_Q, "1/K", 0, 0.2, 0.01, NULL,          \
      DCT_PF_MODEL, "chiller: capacity lost per K of condenser air above "  \
      "rating")                                                            \
    X(RESTART_DELAY, "restart-delay", DCT_PK_Q, "s", 0, 3600, 45, NULL,     \
      DCT_PF_MODEL, "chiller: time from the return of its supply to its "  \
      "compressors running again (controller boot, restart inhibit)")      \
    X(FEED, "feed", DCT_PK_ENUM, "", 0, 0, NAN, "generator|ups|grid", 0,    \
      "supply of the fans or chillers: generator-backed board, the DC "     \
      "bus (UPS), or the grid alone")

#define DCT_FACILITY_LOOP_PARAMS(X)                                         \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(HEAT_REJECTION, "heat-rejection", DCT_PK_REF, "", 0, 0, NAN,          \
      "heat-rejection", DCT_PF_REQ, "heat rejection plant of the loop")     \
    X(SUPPLY_SETPOINT, "supply-setpoint", DCT_PK_Q, "degC", C2K(5),         \
      C2K(60), NAN, NULL, DCT_PF_REQ,                                       \
      "facility supply temperature the heat rejection controls to")         \
    X(VOLUME, "volume", DCT_PK_Q, "m3", 0.01, 1e4, 10, NULL, 0,             \
      "water volume of the supply and return pipes together")              \
    X(SEGMENTS, "segments", DCT_PK_INT, "", 1, 50, 5, NULL, 0,              \
      "tanks in series per pipe (transport delay)")                         \
    X(W_CLASS, "w-class", DCT_PK_ENUM, "", 0, 0, NAN,                       \
      "W45|W40|W32|W27|W17", 0,                                             \
      "ASHRAE facility water class [ASHRAE-TG-2021]: largest supply "       \
      "temperature")                                                        \
    X(PUMP_HEAD, "pump-head", DCT_PK_Q, "Pa", 0, 1e7, 250e3, NULL, 0,       \
      "facility pump head at design flow")                                  \
    X(PUMP_EFFICIENCY, "pump-efficiency", DCT_PK_Q, "", 0.05, 1, 0.7, NULL, \
      0, "facility pump wire-to-water efficiency")                          \
    X(TANK_VOLUME, "tank-volume", DCT_PK_Q, "m3", 0, 1e4, 0, NULL, 0,       \
      "chilled-water storage tank in the supply line (0: none)")            \
    X(TANK_NODES, "tank-nodes", DCT_PK_INT, "", 1, 20, 4, NULL, 0,          \
      "mixed layers of the stratified tank, in series")                    \
    X(RIDE_THROUGH, "ride-through", DCT_PK_Q, "s", 0, 86400, 0, NULL, 0,    \
      "time the loop must carry the IT heat on its stored heat after its "  \
      "heat rejection is lost, its pumps running (0: no margin)")           \
    X(FEED, "feed", DCT_PK_ENUM, "", 0, 0, NAN, "ups|generator|grid", 0,    \
      "supply of the facility pumps: the DC bus (UPS), a generator-backed " \
      "board, or the grid alone")                                           \
    X(PUMPS, "pumps", DCT_PK_INT, "", 1, 16, 1, NULL, 0,                    \
      "facility pumps installed in parallel, spares included")              \
    X(REDUNDANCY, "redundancy", DCT_PK_ENUM, "", 0, 0, NAN, "N|N+1|N+2|2N", \
      0, "how many of the facility pumps are spares")                      \
    X(FAILOVER, "failover", DCT_PK_Q, "s", 0, 60, 5, NULL, 0,               \
      "time for a standby facility pump to take over")

#define DCT_CDU_PARAMS(X)                                                   \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(LOOP, "loop", DCT_PK_REF, "", 0, 0, NAN, "facility-loop", DCT_PF_REQ, \
      "facility loop on the primary side")                                  \
    X(SUPPLY_SETPOINT, "supply-setpoint", DCT_PK_Q, "degC", C2K(10),        \
      C2K(60), C2K(35), NULL, 0, "TCS supply temperature setpoint")         \
    X(GROUP, "group", DCT_PK_ID, "", 0, 0, NAN, NULL, 0,                    \
      "redundancy group: CDUs of a group share the racks of its rows")      \
    X(REDUNDANCY, "redundancy", DCT_PK_ENUM, "", 0, 0, NAN, "N|N+1|N+2|2N", \
      0, "pump redundancy")                                                 \
    X(CAPACITY, "capacity", DCT_PK_Q, "W", 1e3, 1e8, NAN, NULL,             \
      DCT_PF_MODEL | DCT_PF_REQ, "rated heat transfer at the rated "        \
      "approach")                                                           \
    X(APPROACH, "approach", DCT_PK_Q, "K", 0.5, 30, 4, NULL, DCT_PF_MODEL,  \
      "rated approach: TCS supply minus facility supply")                   \
    X(FLOW_SECONDARY, "flow-secondary", DCT_PK_Q, "kg/s", 0.1, 1000, NAN,   \
      NULL, DCT_PF_MODEL | DCT_PF_REQ, "rated TCS (secondary) flow")        \
    X(FLOW_PRIMARY, "flow-primary", DCT_PK_Q, "kg/s", 0.1, 1000, NAN, NULL, \
      DCT_PF_MODEL | DCT_PF_REQ, "facility (primary) flow, valve open")     \
    X(PUMPS, "pumps", DCT_PK_INT, "", 1, 16, 2, NULL, DCT_PF_MODEL,         \
      "pumps installed")                                                    \
    X(PUMP_HEAD, "pump-head", DCT_PK_Q, "Pa", 1e3, 1e7, 300e3, NULL,        \
      DCT_PF_MODEL, "pump head at rated flow")                              \
    X(PUMP_EFFICIENCY, "pump-efficiency", DCT_PK_Q, "", 0.05, 1, 0.7, NULL, \
      DCT_PF_MODEL, "pump wire-to-water efficiency")                        \
    X(PUMP_RISE, "pump-rise", DCT_PK_Q, "s", 0.1, 600, 30, NULL,            \
      DCT_PF_MODEL, "pump speed ramp time from 0 to 100 %")                 \
    X(FAILOVER, "failover", DCT_PK_Q, "s", 0, 60, 5, NULL, DCT_PF_MODEL,    \
      "time for a standby pump to take over")                               \
    X(VALVE_STROKE, "valve-stroke", DCT_PK_Q, "s", 1, 600, 120, NULL,       \
      DCT_PF_MODEL, "valve full-stroke time")                               \
    X(VALVE_RANGE, "valve-rangeability", DCT_PK_Q, "", 2, 500, 50, NULL,    \
      DCT_PF_MODEL, "equal-percentage valve rangeability")                  \
    X(VALVE_AUTHORITY, "valve-authority", DCT_PK_Q, "", 0.05, 1, 0.5, NULL, \
      DCT_PF_MODEL, "valve authority")                                      \
    X(PI_GAIN, "pi-gain", DCT_PK_Q, "1/K", 0.001, 10, 0.1, NULL,            \
      DCT_PF_MODEL, "valve PI proportional gain")                           \
    X(PI_TI, "pi-ti", DCT_PK_Q, "s", 1, 3600, 120, NULL, DCT_PF_MODEL,      \
      "valve PI integral time")                                             \
    X(VOLUME_SECONDARY, "volume-secondary", DCT_PK_Q, "m3", 1e-3, 100,      \
      0.2, NULL, DCT_PF_MODEL, "TCS fluid volume in the CDU (each header "  \
      "holds half)")                                                        \
    X(VOLUME_PRIMARY, "volume-primary", DCT_PK_Q, "m3", 1e-3, 100, 0.1,     \
      NULL, DCT_PF_MODEL, "facility-side fluid volume in the CDU")          \
    X(T_SUPPLY_MIN, "t-supply-min", DCT_PK_Q, "degC", C2K(0), C2K(60),      \
      C2K(17), NULL, DCT_PF_MODEL, "lowest allowed TCS supply")             \
    X(T_SUPPLY_MAX, "t-supply-max", DCT_PK_Q, "degC", C2K(0), C2K(70),      \
      C2K(45), NULL, DCT_PF_MODEL, "highest allowed TCS supply")            \
    X(FEED, "feed", DCT_PK_ENUM, "", 0, 0, NAN, "ups|generator|grid", 0,    \
      "supply of the pumps: the DC bus (UPS), a generator-backed board, "   \
      "or the grid alone")

#define DCT_HALL_AIR_PARAMS(X)                                              \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ, "identifier")   \
    X(VOLUME, "volume", DCT_PK_Q, "m3", 1, 1e7, 800, NULL, 0,               \
      "air volume of the hall")                                             \
    X(MASS_FACTOR, "mass-factor", DCT_PK_Q, "", 1, 100, 5, NULL, 0,         \
      "heat capacity of air and equipment over that of the air alone")      \
    X(T_RECOMMENDED, "t-recommended", DCT_PK_Q, "degC", C2K(10), C2K(45),   \
      C2K(27), NULL, 0,                                                     \
      "ASHRAE recommended inlet maximum [ASHRAE-TG-2021] (margin limit)")   \
    X(T_ALLOWED, "t-allowed", DCT_PK_Q, "degC", C2K(10), C2K(50), C2K(35),  \
      NULL, 0, "ASHRAE allowable inlet maximum [ASHRAE-TG-2021]")                            \
    X(FEED, "feed", DCT_PK_ENUM, "", 0, 0, NAN, "generator|ups|grid", 0,    \
      "supply of the CRAH fans and chilled water: generator-backed board, " \
      "the DC bus (UPS), or the grid alone")

#define DCT_CRAH_PARAMS(X)                                                  \
    X(COUNT, "count", DCT_PK_INT, "", 1, 1000, 1, NULL, 0,                  \
      "number of units")                                                    \
    X(REDUNDANCY, "redundancy", DCT_PK_ENUM, "", 0, 0, NAN, "N|N+1|N+2|2N", \
      0, "how many of the units are spares")                                \
    X(CAPACITY, "capacity", DCT_PK_Q, "W", 100, 1e8, NAN, NULL,             \
      DCT_PF_MODEL | DCT_PF_REQ, "rated sensible cooling of one unit")      \
    X(T_CHW, "t-chw", DCT_PK_Q, "degC", C2K(5), C2K(30), C2K(18), NULL,     \
      DCT_PF_MODEL, "chilled water supply temperature")                     \
    X(T_RATED, "t-rated", DCT_PK_Q, "degC", C2K(15), C2K(45), C2K(27),      \
      NULL, DCT_PF_MODEL, "hall temperature at which a unit removes its "   \
      "capacity")                                                           \
    X(FAN_POWER, "fan-power", DCT_PK_Q, "W", 0, 1e6, 0, NULL, DCT_PF_MODEL, \
      "fan power of one unit at full capacity")                             \
    X(COP, "cop", DCT_PK_Q, "", 0.5, 20, 4, NULL, DCT_PF_MODEL,             \
      "coefficient of performance of the chilled-water supply")

#define DCT_ROW_PARAMS(X)                                                   \
    X(ID, "id", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ,                 \
      "row name; generated rack ids start with it")                        \
    X(CDU, "cdu", DCT_PK_REFS, "", 0, 0, NAN, "cdu", DCT_PF_REQ,            \
      "CDU (or CDUs, sharing the flow) feeding the row's racks")            \
    X(BUSWAY, "busway", DCT_PK_REFS, "", 0, 0, NAN, "busway", 0,            \
      "busway (or busways, sharing the current) feeding the row")          \
    X(PROFILE, "profile", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,               \
      "load profile of the row's racks that name none")                    \
    X(CDU_REDUNDANCY, "cdu-redundancy", DCT_PK_ENUM, "", 0, 0, NAN,         \
      "N|N+1|N+2|2N", 0, "redundancy of the row's CDU group: spare CDUs "   \
      "beyond those its racks need by heat and by flow")

#define DCT_RACK_PARAMS(X)                                                  \
    X(ID, "id", DCT_PK_IDS, "", 0, 0, NAN, NULL, 0,                         \
      "rack id, or a range such as A01..A18 (one rack per id)")             \
    X(COUNT, "count", DCT_PK_INT, "", 1, 100000, NAN, NULL, 0,              \
      "number of racks, named ROW01, ROW02, ... (instead of id)")           \
    X(PROFILE, "profile", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,               \
      "load profile: a profile id, or constant or llm-training (default: " \
      "the row's)")            \
    X(PHASE, "phase", DCT_PK_Q, "s", 0, 3600, 0, NULL, 0,                   \
      "time offset of the rack's profile")                                  \
    X(P_MAX, "p-max", DCT_PK_Q, "W", 1e3, 1e7, NAN, NULL,                   \
      DCT_PF_MODEL | DCT_PF_REQ, "rack power at full load (u = 1)")         \
    X(P_IDLE, "p-idle", DCT_PK_Q, "W", 0, 1e7, NAN, NULL,                   \
      DCT_PF_MODEL | DCT_PF_REQ, "rack power at idle, the least it draws")   \
    X(N_GPU, "n-gpu", DCT_PK_INT, "", 1, 10000, NAN, NULL,                  \
      DCT_PF_MODEL | DCT_PF_REQ, "accelerator packages per rack")           \
    X(P_GPU, "p-gpu", DCT_PK_Q, "W", 1, 1e5, NAN, NULL,                     \
      DCT_PF_MODEL | DCT_PF_REQ, "accelerator power at full load")          \
    X(F_LIQ, "f-liq", DCT_PK_Q, "", 0.1, 1, 0.87, NULL, DCT_PF_MODEL,       \
      "fraction of rack power captured by the liquid")                      \
    X(FLOW, "flow", DCT_PK_Q, "m3/s", 1e-6, 1, NAN, NULL,                   \
      DCT_PF_MODEL | DCT_PF_REQ, "design coolant flow of the rack")         \
    X(PLATE_FLOW, "plate-flow", DCT_PK_Q, "m3/s", 1e-7, 1e-2, NAN, NULL,    \
      DCT_PF_MODEL | DCT_PF_REQ, "coolant flow per cold plate at design "   \
      "rack flow")                                                          \
    X(R_CI_A, "r-ci-a", DCT_PK_Q, "K/W", 0, 1, 0.01617, NULL, DCT_PF_MODEL, \
      "case-to-inlet resistance R_ci = a + b/V: constant term")             \
    X(R_CI_B, "r-ci-b", DCT_PK_Q, "K*m3/s/W", 0, 1e-3, 0.00839 * LPM, NULL, \
      DCT_PF_MODEL, "R_ci = a + b/V: flow term (V in volume flow)")         \
    X(R_JC, "r-jc", DCT_PK_Q, "K/W", 1e-5, 1, 0.010, NULL, DCT_PF_MODEL,    \
      "junction-to-case resistance")                                        \
    X(C_J, "c-j", DCT_PK_Q, "J/K", 0.1, 1e5, 80, NULL, DCT_PF_MODEL,        \
      "heat capacity of one die and package")                               \
    X(C_CP, "c-cp", DCT_PK_Q, "J/K", 1, 1e6, 300, NULL, DCT_PF_MODEL,       \
      "heat capacity of one cold plate")                                    \
    X(VOLUME, "volume", DCT_PK_Q, "m3", 1e-4, 10, 0.030, NULL,              \
      DCT_PF_MODEL, "coolant volume of the rack")                           \
    X(SEGMENTS, "segments", DCT_PK_INT, "", 1, 3, 1, NULL, DCT_PF_MODEL,    \
      "liquid segments (tanks in series) of the rack")                      \
    X(F_MAN, "f-man", DCT_PK_Q, "", 0, 1, 0.25, NULL, DCT_PF_MODEL,         \
      "manifold pre-heat ahead of the GPU plates, fraction of the rack "    \
      "rise")                                                               \
    X(F_MAN_HOT, "f-man-hot", DCT_PK_Q, "", 0, 1, 0.5, NULL, DCT_PF_MODEL, \
      "pre-heat ahead of the hot GPU's plate, fraction of the rack rise "   \
      "(the hot GPU sits last on its tray's coolant path)")                \
    X(MALDISTRIBUTION, "maldistribution", DCT_PK_Q, "", 0.1, 1, 0.9, NULL,  \
      DCT_PF_MODEL, "plate flow of the hot GPU over the mean plate flow")   \
    X(DP, "dp", DCT_PK_Q, "Pa", 1e3, 1e6, 70e3, NULL, DCT_PF_MODEL,         \
      "rack pressure drop at design flow")                                  \
    X(T_SOFT, "t-soft", DCT_PK_Q, "degC", C2K(40), C2K(120), C2K(85), NULL, \
      DCT_PF_MODEL, "junction temperature where power capping starts")      \
    X(T_SLOW, "t-slow", DCT_PK_Q, "degC", C2K(40), C2K(120), C2K(89), NULL, \
      DCT_PF_MODEL, "hardware slowdown: GPU power at 50 %")                 \
    X(T_TRIP, "t-trip", DCT_PK_Q, "degC", C2K(40), C2K(130), C2K(92), NULL, \
      DCT_PF_MODEL, "shutdown temperature: GPU power at 0")                 \
    X(T_SUPPLY_MIN, "t-supply-min", DCT_PK_Q, "degC", C2K(0), C2K(60),      \
      C2K(17), NULL, DCT_PF_MODEL, "lowest allowed TCS supply")             \
    X(T_SUPPLY_MAX, "t-supply-max", DCT_PK_Q, "degC", C2K(0), C2K(70),      \
      C2K(45), NULL, DCT_PF_MODEL, "highest allowed TCS supply")            \
    X(T_RETURN_MAX, "t-return-max", DCT_PK_Q, "degC", C2K(20), C2K(90),     \
      C2K(65), NULL, DCT_PF_MODEL, "highest allowed rack return")           \
    X(CONVERTER_EFF, "converter-eff", DCT_PK_Q, "", 0.5, 1, 0.975, NULL,    \
      DCT_PF_MODEL, "800 V to 50 V rack power conversion efficiency")       \
    X(CAP_ENERGY, "cap-energy", DCT_PK_Q, "J", 0, 1e4, 0, NULL,             \
      DCT_PF_MODEL, "energy buffer per GPU in the power shelf (0: none)")   \
    X(CAP_RAMP_RATE, "cap-ramp-rate", DCT_PK_Q, "W/s", 0, 1e12, 0, NULL,    \
      DCT_PF_MODEL, "rate limit of the rack input with a capacitor tier "   \
      "(0: 2 (p-max - p-idle)^2 / bank energy)")                            \
    X(T_COOLANT_TRIP, "t-coolant-trip", DCT_PK_Q, "degC", C2K(20),          \
      C2K(100), C2K(70), NULL, DCT_PF_MODEL, "rack coolant (return) "       \
      "temperature at which the rack shuts down")                           \
    X(TRIP_RESTART, "trip-restart", DCT_PK_Q, "s", 0, 1e6, 0, NULL,         \
      DCT_PF_MODEL, "after a rack trip, time to restart once cooled "       \
      "(0: stays off)")

#define DCT_FLOW_REQ_PARAMS(X)                                              \
    X(T_SUPPLY, "t-supply", DCT_PK_Q, "degC", C2K(0), C2K(70), NAN, NULL,   \
      DCT_PF_REQ, "TCS supply temperature")                                 \
    X(FLOW, "flow", DCT_PK_Q, "m3/s/W", 0, 1e-6, NAN, NULL, DCT_PF_REQ,     \
      "required flow per watt of rack power at that supply (L/min/kW)")

#define DCT_CRITERION_PARAMS(X)                                             \
    X(CHECK, "check", DCT_PK_ID, "", 0, 0, NAN, NULL, DCT_PF_REQ,           \
      "id of a check of the bess-report criteria file")                    \
    X(THRESHOLD, "threshold", DCT_PK_Q, "", -1e12, 1e12, NAN, NULL,         \
      DCT_PF_REQ, "the site's threshold, a number in the check's unit")     \
    X(NOTE, "note", DCT_PK_STR, "", 0, 0, NAN, NULL, 0,                     \
      "why the site departs from the criteria file")

#define DCT_EMPTY_PARAMS(X)

/* Parameter index enums, e.g. DCT_RACK_P_MAX; DCT_RACK_NP counts them. */
#define X(tag, ...) DCT_SITE_##tag,
enum { DCT_SITE_PARAMS(X) DCT_SITE_NP };
#undef X
#define X(tag, ...) DCT_LIBRARY_##tag,
enum { DCT_LIBRARY_PARAMS(X) DCT_LIBRARY_NP };
#undef X
#define X(tag, ...) DCT_INCLUDE_##tag,
enum { DCT_INCLUDE_PARAMS(X) DCT_INCLUDE_NP };
#undef X
#define X(tag, ...) DCT_AMBIENT_##tag,
enum { DCT_AMBIENT_PARAMS(X) DCT_AMBIENT_NP };
#undef X
#define X(tag, ...) DCT_PROFILE_##tag,
enum { DCT_PROFILE_PARAMS(X) DCT_PROFILE_NP };
#undef X
#define X(tag, ...) DCT_GRID_##tag,
enum { DCT_GRID_PARAMS(X) DCT_GRID_NP };
#undef X
#define X(tag, ...) DCT_RECTIFIER_##tag,
enum { DCT_RECTIFIER_PARAMS(X) DCT_RECTIFIER_NP };
#undef X
#define X(tag, ...) DCT_EFFICIENCY_##tag,
enum { DCT_EFFICIENCY_PARAMS(X) DCT_EFFICIENCY_NP };
#undef X
#define X(tag, ...) DCT_DC_BUS_##tag,
enum { DCT_DC_BUS_PARAMS(X) DCT_DC_BUS_NP };
#undef X
#define X(tag, ...) DCT_BUSWAY_##tag,
enum { DCT_BUSWAY_PARAMS(X) DCT_BUSWAY_NP };
#undef X
#define X(tag, ...) DCT_BESS_##tag,
enum { DCT_BESS_PARAMS(X) DCT_BESS_NP };
#undef X
#define X(tag, ...) DCT_OCV_##tag,
enum { DCT_OCV_PARAMS(X) DCT_OCV_NP };
#undef X
#define X(tag, ...) DCT_GENERATOR_##tag,
enum { DCT_GENERATOR_PARAMS(X) DCT_GENERATOR_NP };
#undef X
#define X(tag, ...) DCT_HEAT_REJECTION_##tag,
enum { DCT_HEAT_REJECTION_PARAMS(X) DCT_HEAT_REJECTION_NP };
#undef X
#define X(tag, ...) DCT_FACILITY_LOOP_##tag,
enum { DCT_FACILITY_LOOP_PARAMS(X) DCT_FACILITY_LOOP_NP };
#undef X
#define X(tag, ...) DCT_CDU_##tag,
enum { DCT_CDU_PARAMS(X) DCT_CDU_NP };
#undef X
#define X(tag, ...) DCT_HALL_AIR_##tag,
enum { DCT_HALL_AIR_PARAMS(X) DCT_HALL_AIR_NP };
#undef X
#define X(tag, ...) DCT_CRAH_##tag,
enum { DCT_CRAH_PARAMS(X) DCT_CRAH_NP };
#undef X
#define X(tag, ...) DCT_ROW_##tag,
enum { DCT_ROW_PARAMS(X) DCT_ROW_NP };
#undef X
#define X(tag, ...) DCT_RACK_##tag,
enum { DCT_RACK_PARAMS(X) DCT_RACK_NP };
#undef X
#define X(tag, ...) DCT_FLOW_REQ_##tag,
enum { DCT_FLOW_REQ_PARAMS(X) DCT_FLOW_REQ_NP };
#undef X
#define X(tag, ...) DCT_CRITERION_##tag,
enum { DCT_CRITERION_PARAMS(X) DCT_CRITERION_NP };
#undef X

/* ---- failable units ---------------------------------------------------- */
/* What of a component a scenario may fail (dct_etype.fail.what), and which
 * of those are one single failure that `dctwin contingency` enumerates
 * (.single).  Scenarios (fail=, units=, fans=), the contingency study and
 * validate's summary all read this declaration. */
enum {
    DCT_FAIL_WHOLE = 1,   /* fail="ID": the whole component */
    DCT_FAIL_UNITS = 2,   /* fail="ID" units="n": n of its units */
    DCT_FAIL_FANS = 4     /* fail="ID" fans="n": the fans of n units */
};
typedef struct dct_failable {
    unsigned what;            /* DCT_FAIL_* a scenario may fail; 0: none */
    unsigned single;          /* of those, the single failures */
    const char *whole;        /* the whole, in a study's table ("CDU") */
    const char *unit;         /* one of its units ("pump"); NULL: none */
    int count_param;          /* parameter with the number of units */
    int child_type;           /* >= 0: the units are children of this
                                 type (hall-air's crah), count_param
                                 theirs; -1: the component's own */
    int no_fans_param;        /* fans: not when string parameter */
    const char *no_fans;      /* no_fans_param has this value (chiller) */
} dct_failable;

/* ---- element types ---------------------------------------------------- */
typedef struct dct_etype {
    const char *name;          /* element name */
    const dct_param *params;
    size_t n_params;
    const char *children;      /* allowed child elements, space-separated */
    int has_model;             /* 1: "<name>-model" exists; model= allowed */
    int is_point;              /* 1: a table row inside a model (ocv, ...) */
    const char *doc;           /* one paragraph for dctwin-site(5) */
    dct_failable fail;         /* what can fail (zero: nothing) */
} dct_etype;

extern const dct_etype dct_etypes[DCT_N_TYPES];

/* Element type by element name ("rack"); *IS_MODEL set to 1 when NAME is
 * "<type>-model".  Returns -1 for an unknown name. */
int dct_etype_lookup(const char *name, int *is_model);

/* Index of parameter NAME in type T, or -1. */
int dct_param_lookup(dct_type t, const char *name);
/* The parameter of type T nearest to the misspelt NAME (suggest.h), or
 * NULL. */
const char *dct_param_suggest(dct_type t, const char *name);

struct dct_comp;
struct dct_site;
/* The number of units of component C of site S that can fail one by one
 * (DCT_FAIL_UNITS; 0 when its type has none), and of units whose fans can
 * stop (DCT_FAIL_FANS; 0 when it has none, e.g. a chiller plant). */
int dct_fail_units(const struct dct_site *s, const struct dct_comp *c);
int dct_fail_fans(const struct dct_site *s, const struct dct_comp *c);

/* "a grid, rectifier, ... or hall-air": the element names of the types
 * whose components can fail with WHAT (DCT_FAIL_*), into BUF. */
void dct_fail_types(unsigned what, char *buf, size_t n);

/* Whether CHILD may appear inside PARENT (model elements included). */
int dct_etype_allows_child(dct_type parent, int parent_is_model,
                           const char *child);

#endif
