/* envelope.h - the validity envelope of the models: the ranges of
 * temperature, voltage and state of charge inside which their equations
 * and constant properties hold (dctwin-models(7), VALIDITY ENVELOPE).
 *
 * The run checks every output sample against the envelope of its
 * component.  Leaving it is not an error: the run goes on (a margin may
 * be what the user studies), but the first time a component leaves one
 * range it gets an event in events.csv ("outside-validity:KIND") and a
 * warning, and the run's summary and run.json say that the model left its
 * valid range.
 */
#ifndef DCT_ENVELOPE_H
#define DCT_ENVELOPE_H

#include <stdio.h>

#include "diag.h"
#include "model.h"
#include "site.h"

typedef struct dct_envelope dct_envelope;

/* The checks for the outputs of model M of site S (both borrowed; they
 * must outlive the envelope).  Caller frees with dct_envelope_free.
 * NULL when out of memory. */
dct_envelope *dct_envelope_new(const dct_site *s, const dct_model *m);
void dct_envelope_free(dct_envelope *e);

/* Check the outputs OUT (as dct_model_outputs gives them) at time T.  A
 * component that leaves a range for the first time gets a row
 * "T,COMPONENT,outside-validity:KIND" in EVENTS (when not NULL) and a
 * warning in D.  Returns 0, or -1 when writing EVENTS failed. */
int dct_envelope_check(dct_envelope *e, double t, const double *out,
                       FILE *events, dct_diag *d);

/* How many (component, kind) pairs left their range so far. */
size_t dct_envelope_n_left(const dct_envelope *e);

/* The envelope's record as a JSON object:
 *   {"left":BOOL,"n":N,"first":{"t_s":..,"component":..,"kind":..,
 *    "value":..,"unit":..,"low":..,"high":..}|null} */
void dct_envelope_json(FILE *f, const dct_envelope *e);

/* One line for people when the model left its range ("" otherwise):
 * "warning: the model left its valid range: ..." without a newline. */
void dct_envelope_summary(const dct_envelope *e, char *buf, size_t n);

#endif
