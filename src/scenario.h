/* scenario.h - timed events applied to a site during a run: fail or
 * restore a component (the grid, a rectifier group, a busway, a battery, a
 * generator, a CDU, a heat-rejection plant).
 *
 * A scenario file is XML (dctwin-site(5), SCENARIOS):
 *   <scenario name="grid-loss" description="...">
 *     <event t="60 s" fail="utility"/>
 *     <event t="20 min" restore="utility"/>
 *     <event t="1 h" set="ambient.dry-bulb=38degC"/>
 *     <event t="2 h" set="cdu-1.supply-setpoint=38degC"/>
 *     <event t="5 min" profile="job-start" target="A"/>
 *     <event t="10 min" scale="0.8"/>
 *     <event t="0 s" weather="hot-day.csv"/>
 *   </scenario>
 * It is read with the same rules as a site (no network, no DTD, no
 * entities, a size cap) and checked against the site: every target must
 * exist and be of a kind that can fail.  Events are kept sorted by time.
 * libxml2 types never leave scenario.c.
 */
#ifndef DCT_SCENARIO_H
#define DCT_SCENARIO_H

#include <stddef.h>
#include "diag.h"
#include "site.h"

typedef enum dct_event_kind {
    DCT_EV_FAIL,
    DCT_EV_RESTORE,
    DCT_EV_SET,    /* set="ID.PARAM=VALUE": a setpoint or the ambient */
    DCT_EV_PROFILE,  /* profile="NAME" [scale=] [target=]: switch profile */
    DCT_EV_SCALE,  /* scale="S" [target=]: scale the racks' load */
    DCT_EV_WEATHER /* weather="FILE": the ambient follows a weather file */
} dct_event_kind;

typedef struct dct_event {
    double t;                 /* [s] */
    dct_event_kind kind;
    char *target;             /* component id (owned); profile and scale
                                 events: a row or rack, NULL for all */
    int units;                /* units of the component: 0, all of it */
    int fans;                 /* heat-rejection units whose fans stop
                                 (fans=); 0: none */
    int param;                /* DCT_EV_SET: parameter index of the
                                 target's type (ambient: DCT_AMBIENT_*) */
    double value;             /* DCT_EV_SET: the new value, SI */
    char *profile;            /* DCT_EV_PROFILE: profile name (owned) */
    double scale;             /* profile, scale: factor on u; NAN: none */
    long line;
} dct_event;

typedef struct dct_scenario {
    char *name;               /* owned */
    char *file;               /* owned */
    dct_event *ev;            /* [n_ev], sorted by t (stable) */
    size_t n_ev;
    /* weather= (at most one): from t_wx on, the dry bulb (and the wet
     * bulb, if the file has it) follow the weather file (weather.h):
     * a CSV's times relative to t_wx; an EPW or TMY3 file from the start
     * of its records */
    double t_wx;              /* [s] */
    struct dct_weather *wx;   /* owned; NULL: none */
} dct_scenario;

/* Most events in one scenario. */
#define DCT_MAX_EVENTS 100000

/* Read the scenario file PATH and check it against the site S.  Every
 * problem is recorded in D as "FILE:LINE: error: ..."; returns the
 * scenario or NULL.  Caller frees with dct_scenario_free. */
dct_scenario *dct_scenario_load(const char *path, const dct_site *s,
                                dct_diag *d);
void dct_scenario_free(dct_scenario *sc);

struct dct_profile_set;
/* Apply the profile= and scale= events of SC to the racks of S in the
 * profile set PS (in time order).  Returns 0, or -1 with errors in D. */
int dct_scenario_apply_profiles(const dct_scenario *sc, const dct_site *s,
                                struct dct_profile_set *ps, dct_diag *d);
/* The ambient from the weather file at time T: sets *T_DB (and *T_WB when
 * the file has it) [K] once T >= t_wx; otherwise leaves them.  SC may be
 * NULL. */
void dct_scenario_weather(const dct_scenario *sc, double t, double *t_db,
                          double *t_wb);
/* The first row time of the weather file strictly after T: its
 * breakpoints.  Returns 0 if none. */
int dct_scenario_weather_next(const dct_scenario *sc, double t, double *tb);

#endif
