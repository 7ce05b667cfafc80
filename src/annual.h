/* annual.h - the results a planner reads of a long run (a year on a
 * weather file): PUE (whole run, by month, the distribution of hourly
 * values), energy by subsystem from the energy ledger, peak demand,
 * chiller and free-cooling hours, the warmest hours and what bound then
 * (dctwin-models(7), ANNUAL RESULTS), for run.json and summary.html.
 *
 * The run feeds it at every output row with the ledger's cumulative
 * terms (model.h, DCT_Q_LEDGER: [J] since t = 0); it keeps per-hour
 * sums (an interval (t_prev, t] goes to the hour of its midpoint, whole:
 * exact when the output step divides an hour).  Caller owns the result
 * of dct_annual_new and frees it with dct_annual_free. */
#ifndef DCT_ANNUAL_H
#define DCT_ANNUAL_H

#include <stddef.h>
#include <stdio.h>
#include "model.h"

struct dct_weather;
typedef struct dct_annual dct_annual;

/* Most hours kept (longer runs keep the whole-run totals only). */
#define DCT_ANNUAL_MAX_HOURS 1000000
/* The warmest hours listed. */
#define DCT_ANNUAL_N_WARM 10

/* A run of DURATION [s]; W (borrowed, may be NULL) and T0 its file time
 * at t = 0: times print as calendar dates when W has them.  NULL when
 * out of memory. */
dct_annual *dct_annual_new(double duration, const struct dct_weather *w,
                           double t0);
void dct_annual_free(dct_annual *a);

/* A row at time T [s]: LED[DCT_NL] the ledger's terms [J] since t = 0,
 * T_DB the ambient dry bulb [K], BIND the binding margin's label (NULL:
 * none; borrowed while A lives) and BIND_PCT its margin [% of its range]
 * at T.  Rows come in increasing T; the first may be t = 0. */
void dct_annual_sample(dct_annual *a, double t, const double *led,
                       double t_db, const char *bind, double bind_pct);
/* The cooling towers at the same row (model.h), integrated by the
 * trapezoidal rule between rows: evaporation, drift (DCT_DRIFT_FRAC of
 * the circulating water) and blowdown at DCT_CYCLES cycles of
 * concentration.  Rows without it count as no tower water. */
void dct_annual_towers(dct_annual *a, double t, const dct_towers *tw);
/* Drift, as a fraction of the circulating water: 0.005 %, the upper
 * figure of modern drift eliminators (an assumption). */
#define DCT_DRIFT_FRAC 5e-5
/* Cycles of concentration of the tower water (an assumption: 4). */
#define DCT_CYCLES 4.0
/* [kg/m3] density of water at 25 degC ([IAPWS-IF97-2007]): litres of the
 * water figures. */
#define DCT_RHO_WATER 997.0

/* PUE of the run [ISO-30134-2-2016]: (IT + auxiliaries + losses) / IT
 * of the ledger LED
 * [J] (its DCT_LK_IT, DCT_LK_AUX and DCT_LK_LOSS terms); NAN without
 * IT energy. */
double dct_annual_pue(const double *led);

/* T [s of the run] for a reader into BUF: with a calendar, the date and
 * hour ("07-15 14:00"); else in the unit that fits (s, min, h or d). */
void dct_annual_when(const dct_annual *a, double t, char *buf, size_t n);
/* A duration S [s] in the unit that fits: "42 s", "7.5 min", "3.25 h",
 * "12.4 d". */
void dct_fmt_duration(char *buf, size_t n, double s);

struct dct_annual_margin;
/* ",\n \"annual\":{...}" for run.json: LED the final ledger [J]; MG[N_MG]
 * the margins, whose hours over the limit it lists (those above 0). */
void dct_annual_json(FILE *f, const dct_annual *a, const double *led,
                     const struct dct_annual_margin *mg, size_t n_mg);

/* One paragraph for the terminal (after simulate's margin table, on a
 * weather file): PUE (with the range of the monthly values), WUE, peak
 * demand and when, chiller hours. */
void dct_annual_print(FILE *f, const dct_annual *a, const double *led);

/* A margin's row of the summary. */
typedef struct dct_annual_margin {
    const char *id, *label, *unit;
    double limit, worst, margin_pct;   /* margin_pct NAN: none */
    double violated_s;                 /* [s] time in violation */
} dct_annual_margin;

/* An event kind and its count, for the summary. */
typedef struct dct_annual_event {
    const char *kind;
    long count;
} dct_annual_event;

/* The events of the events.csv at PATH ("t_s,component,event,...")
 * counted by their event column (up to a ':', so that every
 * "margin-violated:ID" is one kind), in order of first appearance, into
 * *EV[*N] (malloc'd; the kinds owned: free with dct_annual_events_free).
 * Returns 0, or -1 when the file cannot be read. */
int dct_annual_events_read(const char *path, dct_annual_event **ev,
                           size_t *n);
void dct_annual_events_free(dct_annual_event *ev, size_t n);

/* summary.html: a self-contained printable page (no script, no external
 * file) with the run's identity (SITE name, its FILE, WEATHER file or
 * NULL), PUE, energy by subsystem, peak demand, chiller hours, hourly
 * PUE distribution (inline SVG), the margins MG[N_MG] with their labels
 * and hours in violation, the warmest hours and the events EV[N_EV] by
 * kind.  Every input string is escaped (escape.h).  Returns 0, or -1 on
 * a write error (ferror). */
int dct_annual_html(FILE *f, const dct_annual *a, const double *led,
                    const char *site, const char *site_file,
                    const char *weather, const dct_annual_margin *mg,
                    size_t n_mg, const dct_annual_event *ev, size_t n_ev);

#endif
