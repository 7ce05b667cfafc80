/* bess_report.h - what the files of `dctwin bess-report` share.
 * Not a public interface: only bess_*.c include it.
 *
 * The report is one command (bess_report.c: options, criteria, the order
 * of the work, the summary on stdout) over four parts:
 *   bess_runs.c    the site's facts, the scenarios (profiles and scenario
 *                  files in OUT/inputs) and the runs of `dctwin simulate`
 *   bess_checks.c  the runs' tables and the evaluation of each check on
 *                  them; the verdicts
 *   bess_plots.c   the plots of the checks and their evidence files
 *   bess_html.c    report.json and report.html
 * One rpt holds the whole report; every part borrows it.
 */
#ifndef DCT_BESS_REPORT_H
#define DCT_BESS_REPORT_H

#include "component.h"
#include "criteria.h"
#include "diag.h"
#include "sigproc.h"
#include "site.h"

#include <stdarg.h>
#include <stddef.h>

#define MAX_IDS 16
#define MAX_SETS 64   /* --set options */
#define PATH_N 4096
/* [s] the report's stimuli start after this hold at their first level:
 * a run settles on the mean load of its first minute */
#define T_HOLD 62.0
/* [s] the loss run: the grid lost at T_LOSS, back at T_RETURN */
#define T_LOSS 10.0
#define T_RETURN 60.0

enum run_id {
    RUN_TRAIN,
    RUN_SLOW,
    RUN_FAST,
    RUN_UPS,
    RUN_RAMP,
    RUN_STEP,
    RUN_DR_FAST,
    RUN_DR_SLOW,
    RUN_DIP,
    RUN_LOSS,
    RUN_GEN,
    RUN_ISLAND,
    RUN_LIMIT,
    RUN_DAY,
    N_RUNS
};

/* The runs: their directory name, title and what they are. */
typedef struct dct_bess_run_def {
    const char *name, *title, *what;
} dct_bess_run_def;
extern const dct_bess_run_def dct_bess_runs[N_RUNS];

/* The simulated checks and the run (and second run, or -1) each needs. */
typedef struct dct_bess_check_def {
    const char *id;
    int run, run2;
} dct_bess_check_def;
extern const dct_bess_check_def dct_bess_checks[];
extern const size_t dct_bess_n_checks;

enum { ST_PASS, ST_FAIL, ST_NOT_SIM };
extern const char *const dct_bess_status_word[];

typedef struct result {
    const dct_criterion *c;
    int run;                  /* -1: not simulated */
    int status;
    double measured, threshold, margin;
    char note[600];
    char plot[256];           /* relative to the report directory */
    const dct_comp *site_thr; /* the site's <criterion>, or NULL */
} result;

/* A CSV table, column-major. */
typedef struct table {
    size_t nr, nc;
    char **names;
    double *v;                /* v[c * nr + r] */
} table;

typedef struct runinfo {
    int needed, done, rc;
    char dir[PATH_N], profile[PATH_N], scenario[PATH_N];
    char cmd[8192];
    double duration_s;        /* [s] the run's length */
    table tab;
    /* solver statistics from run.json */
    double wall_s, realtime, closure;
    long n_steps, n_rhs;
} runinfo;

typedef struct rpt {
    const char *site_path, *bess_id, *crit_path, *profile, *out, *fmt;
    char *sets[MAX_SETS];
    int argc;                 /* the command line (borrowed) */
    char **argv;
    char doc_id[32];          /* the document id (bess_html.c) */
    int n_sets, quiet;
    int keep_runs;            /* --keep-runs: the runs' directories stay */
    int want_pdf;             /* --pdf */
    const char *out_final;    /* --out; R->out is its temporary while the
                                 report is made (rundir.h) */
    unsigned long seed;
    dct_site *site;
    dct_criteria *cr;
    const dct_comp *bess, *bus;
    const char *grids[MAX_IDS], *rects[MAX_IDS], *gens[MAX_IDS];
    int n_grids, n_rects, n_gens, rect_count[MAX_IDS];
    double p_bess, e_bess, q_cell, soc_min, overload, c_rate_max, t_cell_max;
    double contract, ramp_limit, v_nom, band_low, gen_rating;
    size_t n_racks;
    double p_idle_sum, p_max_sum;
    double day_train_s;       /* seconds of training in the day profile */
    runinfo run[N_RUNS];
    result *res;              /* one per check of the criteria file */
    size_t n_res;
    int no_gnuplot;
    dct_diag d;
} rpt;

/* A growing string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

/* bess_runs.c */
/* The facts of the site the scenarios need.  Returns 0 or an exit
 * status (message printed). */
int dct_bess_site_read(rpt *R);
/* Write the inputs of run K and run it; returns its exit status. */
int dct_bess_run(rpt *R, int k);
/* Nonzero when the run RI was made and wrote a complete run directory. */
int dct_bess_run_ok(const runinfo *ri);
/* TEXT into the file PATH (atomic_file.h); 0, or -1 with a message. */
int dct_bess_write_text(const char *path, const char *text);
void dct_bess_sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* bess_checks.c */
void dct_bess_table_free(table *t);
int dct_bess_table_read(table *t, const char *path);
int dct_bess_table_find(const table *t, const char *name);
const double *dct_bess_table_col(const table *t, const char *name);
result *dct_bess_result_of(rpt *R, const char *id);
double dct_bess_threshold_of(const dct_criterion *c, double site);
void dct_bess_judge(result *r);
/* Evaluate the checks of run K on its table. */
void dct_bess_evaluate(rpt *R, int k);

/* bess_format.c */
/* X with its UNIT (NULL or "": none) into BUF (N bytes), returned: four
 * significant digits, no exponent from 0.0001 to 999,999; NAN a dash
 * (the unit left off); +INFINITY "not reached within the run (RUN_S s)".
 */
const char *dct_bess_fmt(char *buf, size_t n, double x, const char *unit,
                         double run_s);
/* vsnprintf for the notes: every %g conversion (%.4g, %+.3g) by the same
 * rules as dct_bess_fmt with its precision as significant digits; %s,
 * %d, %i, %u (l, z), %f, %e and %% as printf, without widths for %s.
 * Returns the length written, or -1 for a conversion it does not know. */
int dct_bess_vformat(char *buf, size_t n, const char *fmt, va_list ap);
int dct_bess_format(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* PATH as the report shows it (into BUF, N bytes, returned): relative
 * to the report directory when it lies in it, else by its file name when
 * it is an absolute path or names a file, else as given: no path of the
 * machine that made the report appears in it. */
const char *dct_bess_path_shown(const rpt *R, const char *path, char *buf,
                                size_t n);

/* bess_plots.c */
/* The plot of a check (bess_plots.c): the judged quantity against its
 * limit, with the worst point marked. */
typedef struct dct_bess_pl {
    const char *name;         /* plots/NAME.FMT, evidence/NAME.csv */
    const char *title, *xlabel, *ylabel;
    const char *xcol;         /* the evidence file's x column, with unit */
    const double *x;          /* [n] */
    size_t n;
    double xscale;            /* x / xscale on the axis (0: 1) */
    int ny;                   /* 1 to 4 series */
    const double *y[4];       /* [n] each */
    const char *ycol[4];      /* their evidence columns, with units */
    const char *ytitle[4];    /* their titles in the key */
    double thr[2];            /* horizontal limits (NAN: none) */
    const char *thr_name[2];
    double xthr[4];           /* vertical limits at these x */
    int n_xthr;
    const char *xthr_name;
    double wx, wy;            /* the worst point (NAN: none) */
    const char *wlabel;
    int logy;
} dct_bess_pl;

/* Write the evidence file OUT/evidence/NAME.csv of P (the series,
 * reduced to at most about 4000 rows keeping each bucket's extremes so
 * that peaks survive, and the limits as constant columns "limit",
 * "limit2", "xlimit") and draw it with plots/check.gp.  REL gets the
 * plot's path relative to the report ("" when not drawn: no gnuplot, or
 * an error, recorded in R->d). */
void dct_bess_plot_check(rpt *R, const dct_bess_pl *p, char rel[256]);

/* bess_html.c */
/* Nonzero when no check failed. */
int dct_bess_all_pass(const rpt *R);
/* Write report.json and report.html.  Returns 0 or an exit status. */
int dct_bess_write_report(rpt *R);
/* Convert report.html to report.pdf with weasyprint ($DCTWIN_WEASYPRINT,
 * a path or a name searched on PATH, else "weasyprint"), started without
 * a shell and killed after DCT_BESS_PDF_TIMEOUT_S.  A missing or failing
 * converter is a warning on stderr: the HTML stays, nothing else
 * changes.  Returns 0 when report.pdf was written. */
#define DCT_BESS_PDF_TIMEOUT_S 300
int dct_bess_write_pdf(rpt *R);

#endif
