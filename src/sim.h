/* sim.h - the internals shared by the run driver (sim_run.c), the margin
 * tracker (margin_track.c), the output writers (sim_write.c) and the
 * commands over them (cmd_simulate.c, cmd_margins.c, cmd_capacity.c).
 *
 * Private to those files: the public face of a run is run.h (dct_run).
 * A `sim` is one run: its options, the objects it builds (site, model,
 * solver), the margins it follows and the files it streams.  It is owned
 * by whoever declares it (dct_cmd_simulate, dct_run) and freed by
 * sim_execute.
 */
#ifndef DCT_SIM_H
#define DCT_SIM_H

#include <stddef.h>
#include <stdio.h>

#include "atomic_file.h"
#include "diag.h"
#include "envelope.h"
#include "evsum.h"
#include "extremes.h"
#include "model.h"
#include "rundir.h"
#include "run.h"
#include "scenario.h"
#include "weather.h"
#include "annual.h"
#include "site.h"
#include "solver.h"

/* Defaults (also in --help and dctwin(1)). */
#define SIM_DURATION_S 3600.0
#define SIM_OUTPUT_STEP_S 1.0
/* [s] the default output step of a run on a weather file (--weather) */
#define SIM_WEATHER_STEP_S 3600.0
#define SIM_GRID_STEP_S 0.01
#define SIM_RTOL 1e-5
/* ... of a run with quasi-static electrical states (dctwin-models(7),
 * POWER: the thermal states then hold the error test) */
#define SIM_RTOL_QS 1e-6
#define SIM_ATOL 1e-4
#define SIM_SEED 1UL
/* Most rows of timeseries.csv. */
#define SIM_MAX_ROWS 10000000.0
/* Callback stops (dct_solver_run returns them). */
enum { CB_NONFINITE = 2, CB_WRITE = 3 };

/* Output files, in the order they are committed. */
enum { F_TS, F_EX, F_EV, F_MJ, F_MT, F_MC, F_MO, F_RUN, F_SUM, F_GT,
       N_FILES };
extern const char *const sim_file_names[N_FILES];

/* What is followed of one margin during the run; margins in the unit of
 * the margin's definition. */
typedef struct sim_margin {
    const dct_margin_def *def;
    double worst_val;    /* value with the smallest margin */
    double worst;        /* that margin; +inf before the first sample */
    double t_worst;      /* [s] */
    double t_viol;       /* [s] first time below zero, NAN when never */
    double violated_s;   /* [s] total time below zero */
    double prev_t, prev_m;   /* the last sample; prev_t NAN before it */
    double vmin, vmax;   /* the value's range over the run */
} sim_margin;

typedef struct sim_input {
    char *file;          /* owned */
    char sha256[65];
} sim_input;

typedef struct sim {
    /* options */
    const char *site_path;
    const char *profile;
    double duration, out_step, rtol, atol;
    int is_cold_start;   /* --init=design: no settling */
    const char *scenario_path;  /* --scenario */
    char **sets;         /* --set ID.PARAM=VALUE, borrowed from argv */
    size_t n_sets;
    dct_weather_opt wx;  /* --weather, --start, --design */
    dct_annual *annual;  /* PUE, energy, water of the run (annual.h) */
    const char *add_model, *add_row;   /* --add, --row */
    long n_add;          /* --add-count */
    double add_scale;    /* --add-scale, (0, 1]; 1 by default */
    int has_add_count;
    dct_scenario *scenario;
    size_t next_sev;     /* first scenario event not yet in events.csv */
    double t_fail;       /* [s] the event the time to throttle counts
                            from: the first failure, else the first
                            scenario event of any kind; or -1 */
    const char *fail_id; /* its target (borrowed from the scenario) */
    char fail_what[160]; /* "failed", or what the event did */
    int is_fail_ev;      /* t_fail is a failure */
    double t_throttle;   /* [s] first GPU throttle at or after it, or -1 */
    const char *throttle_id;  /* the rack that throttled first */
    long n_rack_trips;   /* racks shut down by over-temperature (rack-trip) */
    long n_rack_restarts;
    double t_rack_trip;  /* [s] the first, or -1 */
    const char *rack_trip_id;
    const char *grid_trace;     /* --grid-trace FILE, or NULL */
    const char *plot_format;    /* --plot: png, svg or pdf; NULL: no plots */
    double grid_step;    /* [s] its step */
    long out_every;      /* timeseries row every out_every solver outputs */
    long n_calls;        /* solver outputs so far */
    size_t *grid_col;    /* output columns of the grids' power */
    size_t n_grid;
    double gt_prev_t, gt_prev_p, ramp_max;  /* [s], [W], [W/s] */
    double settle_s;     /* [s] simulated time spent settling */
    double settle_wall_s;   /* [s] wall time it took */
    int is_settled;      /* settling met its tolerance */
    unsigned long seed;
    int no_aggregate;    /* --no-aggregate */
    int electrical;      /* --electrical: DCT_ELEC_* */
    int has_rtol;        /* --rtol given (else the mode's default) */
    int is_wide;         /* --wide: the margin table with every column */
    char *out_dir;       /* owned */
    dct_rundir *rd;      /* the run directory being written */
    int is_gt_in_run;    /* --grid-trace names a file of the run directory */
    char **probe_args;   /* owned copies, split in place at ',' */
    size_t n_probe_args;
    /* objects */
    dct_diag *d;
    dct_site *site;
    dct_model *model;
    dct_envelope *env;   /* the models' validity envelope */
    dct_evsum *evs;      /* events.csv summarised, after the run */
    dct_extremes *ext;   /* extremes.csv: the margin quantities' extremes
                            between output rows; NULL before the columns
                            are chosen */
    dct_solver *solver;
    const dct_ode *ode;
    sim_input *inputs;
    size_t n_inputs;
    size_t n_y, n_out, n_sel, n_mg;
    size_t n_mg_model;   /* the model's margins come first in mg */
    size_t *own;         /* [n_own] the model's margins that are their
                            own source (dct_model_margin_source), the
                            only ones sampled: an aggregated member's
                            record is its representative's */
    size_t n_own;
    dct_margin_def *ramp_def;   /* [n_grid] the grids' ramp margins */
    size_t *ramp_of;     /* [n_grid] their index in mg, or SIZE_MAX */
    double *ring, *ma;   /* [n_grid][n_win] last grid powers [kW], and
                            [n_grid] their moving average */
    size_t n_win;        /* samples in RAMP_WINDOW_S */
    size_t *sel;         /* selected output columns, model order */
    double *y0;
    double *out;         /* [n_out] */
    double *mval;        /* [n_mg] */
    char *line;          /* a CSV row being written: (the most columns
                            of a file + 1) x (DCT_FMT_G_MAX + 1) + 2 */
    /* margins over time: the smallest margin of each kind, % of limit */
    size_t *mkind;       /* [n_mg] kind of each margin (kind_of) */
    size_t n_kind;
    unsigned char *kind_col;  /* [n_kind] 1: a column (a limit not 0) */
    double *kmin;        /* [n_kind] at the current row */
    sim_margin *mg;      /* [n_mg] */
    size_t *order;       /* [n_mg] margins sorted, binding first */
    dct_afile *f[N_FILES];
    /* run state */
    long n_rows;
    double u0;           /* [J] stored energy at t = 0 */
    double last_sample_t;   /* [s] time of the last margin sample */
    int has_sample;
    int has_members;     /* some margin is an aggregated member's */
    double w0, dw;       /* [J] bus capacitor energy at t = 0, its change */
    /* the whole-site ledger (model.h) at the end: each term [J], the
     * sources' and the uses' totals */
    double led[DCT_NL], led_src, led_use;
    double wall0, wall_s, last_progress;
    int show_progress, is_progress_shown;
    int verbosity;       /* 0 quiet, 1 the table on stdout, 2 statistics */
    FILE *table;         /* the margin table also here (borrowed), or NULL */
    int table_format;    /* DCT_RUN_TABLE_* */
    int is_scenario_borrowed;   /* scenario is the caller's (dct_run) */
    dct_run_result *res; /* dct_run: the results go here */
} sim;

/* --- the run driver (sim_run.c) ----------------------------------------- */

/* The run of O (dctwin simulate): written to O->out_dir, or to
 * ./run-SITENAME when it is NULL.  Returns its exit status. */
int sim_simulate(const dct_run_opts *o);
/* O zeroed, then simulate's defaults (SIM_*: duration, steps,
 * tolerances, seed 1). */
void sim_opts_default(dct_run_opts *o);
/* Open a temporary for file K of the run directory. */
int sim_open_out(sim *S, int k);

/* --- the margin tracker (margin_track.c) -------------------------------- */

/* Update margin G with its value V at T; *IS_JUMP (-1 until known): a
 * breakpoint *TB lies in (previous sample, T].  Returns 0 or CB_*. */
int sim_update_margin(sim *S, sim_margin *g, double t, double v,
                      int *is_jump, double *tb);
/* Update every margin of the model with the sample at (t, y); ALL: the
 * values of every margin into S->mval (for margins-over-time.csv), not
 * only of those sampled. */
int sim_sample_margins(sim *S, double t, const double *y, int all);
/* Give each member of an aggregated group its representative's record. */
void sim_copy_margin_sources(sim *S);
/* One row of margins-over-time.csv at T. */
int sim_write_margin_row(sim *S, double t);
/* The margin of value V under D (limit - V for an upper limit, V - limit
 * for a lower one), and the same in % of D's allowed range, NAN when the
 * range is 0 (MARGINS in dctwin-models(7)). */
double sim_margin_of(const dct_margin_def *d, double v);
double sim_margin_pct_of(const dct_margin_def *d, double v);
/* The worst margin of G in % of its allowed range; NAN when the range
 * is 0. */
double sim_margin_pct(const sim_margin *g);
/* S->order: the margins sorted, binding first.  Returns 0 or -1. */
int sim_sort_margins(sim *S);
/* The binding margin of one class (IS_DESIGN 0: what the run did, 1: the
 * design margins), or SIZE_MAX. */
size_t sim_binding_of_class(const sim *S, int is_design);
/* The binding margin of the run, or SIZE_MAX when it has none. */
size_t sim_binding(const sim *S);
/* Whether every margin is met. */
int sim_is_all_ok(const sim *S);
/* KIND[i]: the kind of margin i (one row of margins.txt).  Returns the
 * number of kinds, or 0 when out of memory. */
size_t sim_kind_of(const sim *S, size_t *kind);

/* --- the output writers (sim_write.c) ----------------------------------- */

/* The margin table (margins.txt and stdout). */
void sim_write_margins_txt(FILE *f, const sim *S);
/* The margins in FORMAT (DCT_RUN_TABLE_*): margins.txt, .json or .csv. */
void sim_write_table(FILE *f, const sim *S, int format);
/* Write the result files after the run and commit all.  Returns 0 or -1
 * (message printed). */
int sim_write_results(sim *S, int status);
/* Solver statistics and the energy ledger on stderr (-v). */
void sim_print_stats(const sim *S);

/* --- the commands (cmd_*.c) --------------------------------------------- */

/* `dctwin simulate`'s options in ARGV (ARGV[0] the command's name) into
 * O; the arrays O borrows (--set, --probe) in *BUF, which the caller
 * frees.  *VERBOSITY: -q 0, -v 2.  Returns -1 to
 * go on, else the exit status (--help, or a message printed). */
int sim_parse_args(dct_run_opts *o, char ***buf, int argc, char **argv,
                   int *verbosity);
/* --plot or --plot-format[=FMT]: refused by margins and capacity. */
int sim_is_plot_option(const char *a);
/* Margins' and capacity's default: quasi-static electrical states,
 * unless the options AV[1..AC) choose --electrical. */
void sim_default_quasi_static(dct_run_opts *o, char *const *av, int ac);

#endif
