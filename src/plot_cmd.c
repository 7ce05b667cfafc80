/* plot_cmd.c - `dctwin plot RUNDIR [--format png|svg|pdf] [--out DIR]`:
 * the plots of a run directory (plot.h does the work). */
#include "config.h"
#include "suggest.h"
#include "atomic_file.h"
#include "cli.h"
#include "diag.h"
#include "plot.h"
#include "rundir.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void help(void)
{
    printf("Usage: dctwin plot RUNDIR [OPTION]...\n"
           "Plot the run directory RUNDIR written by 'dctwin simulate': "
           "temperatures,\ncoolant, cdu, bus, busway, grid, bess and "
           "margins, each with data in the run.\n\n"
           "  --format=png|svg|pdf  output format (default png)\n"
           "  --out=DIR             where the plots go (default RUNDIR)\n"
           "  -q, --quiet           no warning when gnuplot is missing\n"
           "  -h, --help            print this help and exit\n\n"
           "Needs gnuplot ($DCTWIN_GNUPLOT or on PATH) and the templates "
           "($DCTWIN_PLOTS_PATH\nor the installed ones).  Without gnuplot: "
           "a warning, exit status 0.\n\n"
           "Exit status: 0 plotted (or gnuplot missing), 2 usage, 3 no run "
           "directory or a\nmalformed one, 5 a plot could not be "
           "written.\n");
}

/* The exit status of a dct_plot_* result. */
static int plot_status(int r)
{
    switch (r) {
    case DCT_PLOT_OK:
    case DCT_PLOT_NO_GNUPLOT:
        return DCT_EXIT_OK;
    case DCT_PLOT_EINVAL:
        return DCT_EXIT_USAGE;
    case DCT_PLOT_EINPUT:
        return DCT_EXIT_INPUT;
    default:
        return DCT_EXIT_OUTPUT;
    }
}

int dct_cmd_plot(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, 0, 'f'},
        {"out", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *format = "png", *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            if (!dct_plot_is_format(format)) {
                fprintf(stderr, "dctwin: plot: --format '%s': expected png, "
                                "svg or pdf\n",
                        format);
                return DCT_EXIT_USAGE;
            }
            break;
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "dctwin: plot: --out '': expected a "
                                "directory name\n");
                return DCT_EXIT_USAGE;
            }
            out = optarg;
            break;
        case 'q':
            dct_verbosity = 0;
            break;
        case 'h':
            help();
            return DCT_EXIT_OK;
        default:
            dct_suggest_option_hint("plot", opts, argv[optind - 1]);
            fprintf(stderr, "dctwin: plot: see 'dctwin plot --help'\n");
            return DCT_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "dctwin: plot: %s (see 'dctwin plot --help')\n",
                optind >= argc ? "no RUNDIR given"
                               : "more than one RUNDIR given");
        return DCT_EXIT_USAGE;
    }
    if (dct_afile_install_signal_handlers() != 0) {
        fprintf(stderr, "dctwin: plot: cannot install signal handlers: %s\n",
                strerror(errno));
        return DCT_EXIT_OUTPUT;
    }
    struct stat st;
    if (out && lstat(out, &st) == 0 && S_ISLNK(st.st_mode)) {
        fprintf(stderr, "dctwin: %s: error: the plot directory is a "
                        "symbolic link; links are not followed (give the "
                        "directory it points to)\n", out);
        return DCT_EXIT_OUTPUT;
    }
    dct_diag d;
    dct_diag_init(&d);
    /* the run directory locked while it is read (and written, when the
     * plots go into it): a run being written into it is refused */
    int lock = -1;
    int is_into = !out || strcmp(out, argv[optind]) == 0;
    if (dct_rundir_check(argv[optind], &lock, is_into, &d) != 0) {
        dct_diag_print(&d, stderr);
        dct_diag_clear(&d);
        return DCT_EXIT_INPUT;
    }
    int r = dct_plot_run(argv[optind], format, out, &d);
    dct_rundir_unlock(lock);
    if (r != DCT_PLOT_NO_GNUPLOT || dct_verbosity >= 1)
        dct_diag_print(&d, stderr);
    dct_diag_clear(&d);
    return plot_status(r);
}
