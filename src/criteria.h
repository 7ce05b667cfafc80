/* criteria.h - the criteria file of `dctwin bess-report`.
 *
 * A criteria file (models/criteria/NAME.xml) lists the checks the report
 * runs, each with its metric, threshold, unit, the NVIDIA BESS
 * self-qualification test it corresponds to and the basis of its
 * threshold:
 *
 *   <criteria name="..." description="...">
 *     <check id="t4-ramp-pct" name="..." nvidia-test="4" metric="..."
 *            unit="%/s" sense="max" threshold="20"
 *            basis="nvidia-v0.4-reading" source="..."/>
 *     <check id="t1-telemetry" ... status="not-simulated"
 *            criterion="P and Q error <= 0.5 % of reading ..."/>
 *   </criteria>
 *
 * threshold is a number in UNIT, or "site" (the value comes from the site
 * or its battery model, e.g. the grid's ramp-limit or the cells'
 * t-cell-max; the number given with threshold-default= applies when the
 * site has none).  sense "max": the measured value must not exceed the
 * threshold; "min": must not fall below it.  Ids are checked against the
 * checks the report knows (KNOWN); the file is untrusted XML (no DTD, no
 * entities, no network).
 */
#ifndef DCT_CRITERIA_H
#define DCT_CRITERIA_H

#include <stddef.h>
#include "diag.h"

typedef enum { DCT_SENSE_MAX, DCT_SENSE_MIN } dct_sense;

typedef struct dct_criterion {
    char *id, *name, *metric, *unit, *basis, *source, *criterion;
    int nvidia_test;          /* 1..12, or 0: none */
    dct_sense sense;
    double threshold;         /* in UNIT; NAN when from the site */
    int from_site;            /* threshold="site" */
    double threshold_default; /* with from_site: when the site has none */
    int not_simulated;        /* status="not-simulated" */
    long line;
} dct_criterion;

typedef struct dct_criteria {
    char *file, *name, *description;
    dct_criterion *c;
    size_t n;
} dct_criteria;

/* Read the criteria file PATH.  KNOWN (N_KNOWN ids) are the simulated
 * checks the caller implements; a simulated check with another id is an
 * error.  Returns NULL with errors in D ("FILE:LINE: error: ..."). */
dct_criteria *dct_criteria_load(const char *path, const char *const *known,
                                size_t n_known, dct_diag *d);
void dct_criteria_free(dct_criteria *cr);

/* The criterion with id ID, or NULL. */
dct_criterion *dct_criteria_get(dct_criteria *cr, const char *id);

/* The accepted bases of a threshold, in the order of their weight. */
extern const char *const dct_criteria_bases[4];

#endif
