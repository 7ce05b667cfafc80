/* evsum.h - events.csv summarised for people: each kind of event with
 * its count, and for the flags the total time they were set.
 *
 * The kind of an event is its text up to the first ':' or '='
 * (margin-violated:A01.T_j_hot.throttle is a margin-violated,
 * set-dry-bulb=35 degC a set-dry-bulb).  A flag is the pair of events of
 * one root function of the model (EVENTS in dctwin-models(7)): its upward
 * event sets it on a component (valve-saturated), its downward one clears
 * it (valve-unsaturated); the time set is summed over the components,
 * up to the end of the run for a flag still set then.  The summary is
 * read back from events.csv itself, so that it cannot disagree with it.
 */
#ifndef DCT_EVSUM_H
#define DCT_EVSUM_H

#include "model.h"

#include <stdio.h>

typedef struct dct_evsum dct_evsum;

/* An empty summary that knows the flags of model M (borrowed; only used
 * here).  NULL when out of memory. */
dct_evsum *dct_evsum_new(const dct_model *m);
void dct_evsum_free(dct_evsum *e);

/* Read events.csv from F (its header first) into E, for a run that ended
 * at T_END [s].  Returns 0, or -1 when F cannot be read, a row is
 * malformed or memory runs out. */
int dct_evsum_read(dct_evsum *e, FILE *f, double t_end);

/* The summary as a JSON array, the kinds in the order of their first
 * event: [{"event":"ampacity-exceeded","count":8,"components":8,
 * "set_s":2438.9},...]; set_s only for the upward event of a flag. */
void dct_evsum_json(const dct_evsum *e, FILE *f);

/* The summary as text, "events: 1 grid-loss, 8 ampacity-exceeded (8
 * components, set 2,439 s in all), ...", wrapped at WIDTH columns;
 * nothing when there was no event. */
void dct_evsum_text(const dct_evsum *e, FILE *f, int width);

#endif
