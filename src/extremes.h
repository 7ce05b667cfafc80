/* extremes.h - the extremes of the margin quantities between two output
 * rows, written as extremes.csv beside timeseries.csv.
 *
 * timeseries.csv holds samples at the output step; a peak between two
 * samples is missed by a plot of them, while the margins (margins.csv)
 * follow their quantities at every solver step, root and breakpoint.  For
 * every column of timeseries.csv that is the quantity of a margin of
 * class run (same component, quantity and unit, and not a magnitude of
 * the column's signed value: A01.T_j_hot_degC and
 * A01.T_j_hot.throttle; a unitless fraction and a margin in %, soc, at
 * 1/100), extremes.csv has the columns COL_min and COL_max: at each row of
 * timeseries.csv, the smallest and largest value the margins saw over the
 * closed interval from the previous row to this one (the first row: its
 * own sample).  The margin's worst value is the largest COL_max (upper
 * limit) or smallest COL_min (lower limit) of its column, within the 6
 * significant digits of the file; a plot that draws the band from COL_min
 * to COL_max shows the peak the margin table states.
 *
 * Usage: dct_extremes_new once the columns are chosen; dct_extremes_sample
 * at every margin sample (after dct_model_margin_values or its _of
 * variant: only the margins that are their own source are read);
 * dct_extremes_row at every output row, after the row's sample. */
#ifndef DCT_EXTREMES_H
#define DCT_EXTREMES_H

#include "model.h"

#include <stdio.h>

typedef struct dct_extremes dct_extremes;

/* The extremes of the columns SEL[0..N_SEL-1] (model order, the columns
 * of timeseries.csv after t_s) that have a margin.  NULL when out of
 * memory.  M is borrowed and must outlive the result. */
dct_extremes *dct_extremes_new(const dct_model *m, const size_t *sel,
                               size_t n_sel);
void dct_extremes_free(dct_extremes *x);

/* The number of columns with extremes (0: no file is needed). */
size_t dct_extremes_n(const dct_extremes *x);

/* Whether SEL[K] (of dct_extremes_new) has extremes: 1 or 0. */
int dct_extremes_has(const dct_extremes *x, size_t k);

/* Widen the current interval with the margin values VAL (as
 * dct_model_margin_values gives them). */
void dct_extremes_sample(dct_extremes *x, const double *val);

/* Write the header "t_s,COL_min,COL_max,..." to F. */
void dct_extremes_header(const dct_extremes *x, FILE *f);

/* Write the row at T (the extremes since the previous row, this row's
 * sample included) to F and start the next interval at this row's
 * values.  Returns 0, or -1 on a write error. */
int dct_extremes_row(dct_extremes *x, double t, FILE *f);

#endif
