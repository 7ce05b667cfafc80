/* plot.h - plots of runs and reports through gnuplot templates.
 *
 * The templates are gnuplot scripts in plots/ (installed to
 * $(pkgdatadir)/plots).  dctwin decides what to draw; a template decides
 * how.  Every input reaches gnuplot as a string variable on its command
 * line (`gnuplot -e "name='value';..." TEMPLATE.gp`), written as a
 * single-quoted gnuplot string with ' doubled, in which gnuplot expands
 * neither backslashes, backquotes nor @macros.  gnuplot is started
 * without a shell (posix_spawn, arguments as argv), with stdin and stdout
 * on /dev/null, and killed after DCT_PLOT_TIMEOUT_S.
 *
 * Where things are found:
 *   gnuplot    $DCTWIN_GNUPLOT (a path, or a name searched on PATH), else
 *              "gnuplot" on PATH;
 *   templates  the plots search path of datapath.h: $DCTWIN_PLOTS_PATH,
 *              then the source tree's plots/ (a build tree), then the
 *              installed plots directory.
 *
 * A missing gnuplot is not an error: the functions return
 * DCT_PLOT_NO_GNUPLOT and record, once per process, the warning
 *   gnuplot not found; plots skipped, data kept in DIR
 * in the diag.  Every output file is written by gnuplot to a temporary
 * name (atomic_file.h) and renamed into place only when gnuplot exited 0
 * and wrote a whole file (PNG signature and IEND chunk, SVG </svg>, PDF
 * %PDF- and %%EOF: gnuplot exits 0 after a full disk).  gnuplot runs in
 * a process group of its own, tracked by atomic_file.h's signal handler,
 * which kills the group on SIGINT/SIGTERM.  Library code: nothing is printed; errors
 * and warnings go to the dct_diag.
 */
#ifndef DCT_PLOT_H
#define DCT_PLOT_H

#include "diag.h"

#include <stddef.h>

/* [s] gnuplot is killed when one plot takes longer. */
#define DCT_PLOT_TIMEOUT_S 120

/* Return values of the functions below. */
enum {
    DCT_PLOT_OK = 0,
    DCT_PLOT_NO_GNUPLOT = 1, /* gnuplot not found; warning recorded once */
    DCT_PLOT_EINVAL = -1,    /* bad argument: format, template or var name */
    DCT_PLOT_EINPUT = -2,    /* run directory, its files, or a template
                                missing or malformed */
    DCT_PLOT_EOUTPUT = -3,   /* an output could not be created or renamed,
                                or gnuplot left it incomplete */
    DCT_PLOT_EGNUPLOT = -4   /* gnuplot failed, timed out or wrote nothing */
};

/* Nonzero when FORMAT is one of "png", "svg", "pdf". */
int dct_plot_is_format(const char *format);

/* S as a gnuplot single-quoted string literal ('it''s'), malloc'd: caller
 * frees with free().  NULL when S holds a control character (a newline
 * would end gnuplot's command) or on out of memory. */
char *dct_plot_quote(const char *s);

/* Render template TEMPLATE_NAME ("xy" or "xy.gp"; letters, digits, '_',
 * '-') to OUT_FILE in FORMAT ("png", "svg" or "pdf").
 *
 * VARS[0..NVARS-1] are "name=value" strings (borrowed): each becomes the
 * gnuplot string variable NAME (a gnuplot identifier) with the text VALUE,
 * quoted by dct_plot_quote; numbers are passed as text too (the templates
 * convert with real()).  A name ending in "file" (datafile, bandfile, ...)
 * holds a file name: a relative one is passed as "./NAME" so that gnuplot
 * never reads it as a pipe ('<cmd') or a special file ('-', '+').  The
 * variables plotsdir, outfile and fmt are set by this function and may not
 * be given.  See plots/xy.gp for a generic template of one CSV file.
 *
 * Returns DCT_PLOT_OK when OUT_FILE was written, DCT_PLOT_NO_GNUPLOT
 * (warning recorded once, nothing written), or a negative DCT_PLOT_E*
 * with an error recorded in D; OUT_FILE is then untouched. */
int dct_plot_render(const char *template_name, const char *const *vars,
                    size_t nvars, const char *out_file, const char *format,
                    dct_diag *d);

/* Plot the run directory RUNDIR written by `dctwin simulate` (refused
 * with DCT_PLOT_EINPUT unless complete: rundir.h): one file
 * per template that has data, named after it (temperatures, coolant, cdu,
 * bus, busway, grid, bess, margins) with the extension FORMAT, into
 * OUTDIR (created when missing; NULL for RUNDIR).  The columns of
 * timeseries.csv are chosen by their names (component id and quantity
 * with unit); many components of a kind are drawn as a min/mean/max band
 * with the worst few as lines; limits come from margins.csv; grid.csv,
 * when present, is drawn at its own resolution.
 *
 * Returns DCT_PLOT_OK, DCT_PLOT_NO_GNUPLOT (checked after RUNDIR was
 * found readable, before any work), or a negative DCT_PLOT_E* with the
 * error in D (the plots written before the error stay). */
int dct_plot_run(const char *rundir, const char *format, const char *outdir,
                 dct_diag *d);

/* dct_plot_run with SHOWN, not RUNDIR, as the run's name in the plot
 * titles: simulate --plot draws its run before it is published. */
int dct_plot_run_as(const char *rundir, const char *shown,
                    const char *format, const char *outdir, dct_diag *d);

/* Read RUNDIR as dct_plot_run does (timeseries.csv twice, margins.csv,
 * grid.csv, run.json) and check it, without gnuplot and writing nothing:
 * for the fuzz target of the run-directory readers.  Returns DCT_PLOT_OK
 * or a negative DCT_PLOT_E* with the error in D. */
int dct_plot_read_run(const char *rundir, dct_diag *d);

/* `dctwin plot RUNDIR [--format png|svg|pdf] [--out DIR]` (cli.c). */
int dct_cmd_plot(int argc, char **argv);

#endif
