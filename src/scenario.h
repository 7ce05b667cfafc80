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
    DCT_EV_SET     /* set="ID.PARAM=VALUE": a setpoint or the ambient */
} dct_event_kind;

typedef struct dct_event {
    double t;                 /* [s] */
    dct_event_kind kind;
    char *target;             /* component id (owned) */
    int units;                /* units of the component: 0, all of it */
    int param;                /* DCT_EV_SET: parameter index of the
                                 target's type (ambient: DCT_AMBIENT_*) */
    double value;             /* DCT_EV_SET: the new value, SI */
    long line;
} dct_event;

typedef struct dct_scenario {
    char *name;               /* owned */
    char *file;               /* owned */
    dct_event *ev;            /* [n_ev], sorted by t (stable) */
    size_t n_ev;
} dct_scenario;

/* Most events in one scenario. */
#define DCT_MAX_EVENTS 100000

/* Read the scenario file PATH and check it against the site S.  Every
 * problem is recorded in D as "FILE:LINE: error: ..."; returns the
 * scenario or NULL.  Caller frees with dct_scenario_free. */
dct_scenario *dct_scenario_load(const char *path, const dct_site *s,
                                dct_diag *d);
void dct_scenario_free(dct_scenario *sc);

#endif
