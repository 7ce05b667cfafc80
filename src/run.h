/* run.h - the run API: one simulation of a site, in-process.
 *
 * dct_run() loads the site (with its --set overrides), its scenario (a
 * file, or a scenario built in memory), builds the model, settles it,
 * integrates it and follows its margins: the work of `dctwin simulate`,
 * which is a thin command over it, as are `dctwin margins`, `dctwin
 * capacity` and the studies (contingency, sweep).  It keeps no state
 * between calls: many cases run one after another in one process, and in
 * parallel processes.  Messages (warnings, errors) go to stderr; a study's
 * worker process captures them per case.
 *
 * The run writes its run directory (dctwin-run(5)) to OUT_DIR, or, when
 * OUT_DIR is NULL, to a private temporary directory that is removed
 * before dct_run returns: in $TMPDIR, else in /dev/shm (a tmpfs, where
 * the files' syncs cost nothing), else in /tmp.
 */
#ifndef DCT_RUN_H
#define DCT_RUN_H

#include <stddef.h>
#include <stdio.h>
#include "model.h"
#include "scenario.h"

typedef struct dct_run_opts {
    const char *site_path;
    const char *profile;      /* NULL: each rack's own */
    double duration;          /* [s]; <= 0: 1 h */
    double out_step;          /* [s]; <= 0: 1 s */
    char *const *sets;        /* "ID.PARAM=VALUE" overrides (borrowed) */
    size_t n_sets;
    const char *scenario_path;      /* a scenario file, or NULL */
    const dct_scenario *scenario;   /* or one in memory, checked against
                                       the site by the caller (borrowed;
                                       wins over scenario_path) */
    const char *out_dir;      /* NULL: a temporary directory, removed */
    unsigned long seed;       /* of the profiles' random parts */
    int electrical;           /* DCT_ELEC_DYNAMIC (0) or
                                 DCT_ELEC_QUASI_STATIC (model.h) */
    int verbosity;            /* 0: nothing on stdout (the default for
                                 the API), 1: the margin table */
    /* the rest of `dctwin simulate`'s options; zero: its default */
    double rtol, atol;        /* <= 0: rtol 1e-5 (dynamic) or 1e-6
                                 (quasi-static), atol 1e-4 */
    int is_cold_start;        /* --init=design: no settling */
    const char *add_model;    /* --add: racks of this model added */
    const char *add_row;      /* --row: to this row; NULL: the first */
    long n_add;               /* --add-count; 0 and !has_add_count: 1 */
    int has_add_count;
    double add_scale;         /* --add-scale, (0, 1]; <= 0: 1 */
    const char *grid_trace;   /* --grid-trace FILE, or NULL */
    double grid_step;         /* [s] its step; <= 0: 10 ms */
    const char *plot_format;  /* --plot: png, svg or pdf; NULL: none */
    char *const *probes;      /* --probe patterns (borrowed) */
    size_t n_probes;
    int no_aggregate;         /* --no-aggregate */
    const char *weather;      /* --weather FILE, or NULL (weather.h) */
    const char *weather_start;    /* --start MM-DD[Thh], or NULL */
    const char *design;       /* --design NAME, or NULL */
    int is_wide;              /* --wide */
    /* The margin table of the run, written to TABLE (borrowed; NULL:
     * none) in TABLE_FORMAT when the run completes: what margins.txt,
     * margins.json or margins.csv hold. */
    FILE *table;
    int table_format;         /* DCT_RUN_TABLE_* */
    int is_margins_only;      /* the result's status and margins only:
                                 nothing read back from the run
                                 directory (n_events, unserved_J) */
} dct_run_opts;

enum { DCT_RUN_TABLE_TEXT, DCT_RUN_TABLE_JSON, DCT_RUN_TABLE_CSV };

/* One margin of a run, as followed over the whole run. */
typedef struct dct_run_margin {
    char *id, *component, *quantity, *label, *unit;   /* owned */
    int is_upper;
    double limit;             /* in unit */
    double worst;             /* the value with the smallest margin */
    double margin;            /* that margin */
    double pct;               /* in % of its range; NAN when the range
                                 is 0 */
    int is_design;            /* class: a design margin (under a
                                 hypothetical event), not what the run
                                 did */
    double t_worst;           /* [s] */
    double t_viol;            /* [s] first time below zero; NAN: never */
    double violated_s;        /* [s] total time below zero */
} dct_run_margin;

/* What one run gives back.  Zero it before the first dct_run; free with
 * dct_run_result_free. */
typedef struct dct_run_result {
    int status;               /* exit class: 0 margins met, 1 violated,
                                 2 usage, 3 input, 4 solver, 5 output */
    dct_run_margin *mg;       /* [n_mg] binding first (owned) */
    size_t n_mg;
    size_t n_events;          /* rows of events.csv */
    size_t n_rack_trips;      /* racks shut down by over-temperature
                                 (run.json rack_trips) */
    double t_fail;            /* [s] first scenario failure; NAN: none */
    double time_to_throttle;  /* [s] from it to the first GPU throttle;
                                 NAN: none */
    char throttle_id[128];    /* the rack that throttled first */
    double unserved_J;        /* IT demand not served (dark racks) [J] */
    double q[DCT_NQ];         /* the energy ledger, DCT_Q_* [J] */
    double stored_change_J;   /* thermal stored energy, end less start */
    double wall_s;            /* wall time of the run, settling apart */
} dct_run_result;

/* Run one case.  Fills RES (freeing what it held; NULL: no result) and
 * returns its status (RES->status). */
int dct_run(const dct_run_opts *o, dct_run_result *res);

/* Free what RES holds and zero it; NULL is a no-op. */
void dct_run_result_free(dct_run_result *res);

/* The binding margin of RES: the first (smallest %), or NULL when the run
 * has none. */
const dct_run_margin *dct_run_binding(const dct_run_result *res);

/* The margin that binds what the run did, for people: the first violated
 * margin of the run's class, else the first violated design margin, else
 * the first of the run's class, else the first; NULL when the run has
 * none: the margin that made a failing run fail, and of the run itself
 * before its design margins. */
const dct_run_margin *dct_run_binding_run(const dct_run_result *res);

/* Read what the run directory DIR holds beyond the margins: the number of
 * events (events.csv) and the unserved energy
 * (timeseries.csv, columns *.P_unserved_kW, trapezoidal).  Returns 0 or
 * -1 when a file cannot be read. */
int dct_run_read_dir(const char *dir, dct_run_result *res);

#endif
