/* cmd_margins.c - `dctwin margins`: a run's margin table, of a new run
 * or of a run directory; and the helpers margins and capacity share.
 */
#include "config.h"
#include "sim.h"
#include "cli.h"
#include "fsutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --plot or --plot-format[=FMT]: refused by margins and capacity, whose
 * run directories are temporary. */
int sim_is_plot_option(const char *a)
{
    return strcmp(a, "--plot") == 0 || strcmp(a, "--plot-format") == 0 ||
           strncmp(a, "--plot-format=", 14) == 0;
}

/* Margins' and capacity's default: quasi-static electrical states
 * (dctwin(1)), unless the options AV[1..AC) choose --electrical. */
void sim_default_quasi_static(dct_run_opts *o, char *const *av, int ac)
{
    for (int i = 1; i < ac; i++)
        if (strcmp(av[i], "--electrical") == 0 ||
            strncmp(av[i], "--electrical=", 13) == 0)
            return;
    o->electrical = DCT_ELEC_QUASI_STATIC;
}

/* Print FILE of run directory DIR on stdout.  Returns 0 when the run met
 * every margin, 1 when not (margins.json's all_ok), 3 when the directory
 * holds no run. */
static int print_run_table(const char *dir, const char *file)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char why[200];
    FILE *f = dct_open_regular(path, DCT_MAX_CSV_BYTES, why, sizeof why);
    if (!f) {
        fprintf(stderr, "dctwin: %s: %s\n", path, why);
        return DCT_EXIT_INPUT;
    }
    int c;
    while ((c = getc(f)) != EOF)
        putchar(c);
    fclose(f);
    snprintf(path, sizeof path, "%s/margins.json", dir);
    if (!(f = dct_open_regular(path, DCT_MAX_CSV_BYTES, why, sizeof why))) {
        fprintf(stderr, "dctwin: %s: %s\n", path, why);
        return DCT_EXIT_INPUT;
    }
    char buf[256];
    int is_ok = -1;
    /* "all_ok" is on the last line */
    while (fgets(buf, sizeof buf, f))
        if (strstr(buf, "\"all_ok\":true"))
            is_ok = 1;
        else if (strstr(buf, "\"all_ok\":false"))
            is_ok = 0;
    fclose(f);
    if (is_ok < 0) {
        fprintf(stderr, "dctwin: %s: no all_ok\n", path);
        return DCT_EXIT_INPUT;
    }
    return is_ok ? DCT_EXIT_OK : DCT_EXIT_MARGIN;
}

/* `dctwin margins`: a run into a temporary directory, then its margin
 * table on stdout (margins.txt, .json or .csv); or, given a run directory,
 * that run's table.  Exit status: the run's. */
int dct_cmd_margins(int argc, char **argv)
{
    const char *format = "text";
    char **av = calloc((size_t)argc + 1, sizeof *av);
    int ac = 0;
    if (!av)
        return DCT_EXIT_USAGE;
    av[ac++] = "simulate";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("Usage: dctwin margins SITE|RUNDIR [--format "
                   "text|json|csv] [SIMULATE OPTION]...\n"
                   "Simulate SITE (any option of 'dctwin simulate' but "
                   "--out, --wide included) and\nprint its margin table, "
                   "binding margin first; or print the table of the run\n"
                   "in RUNDIR.  The run is quasi-static "
                   "(--electrical=dynamic for the dynamic\nDC plant).\n"
                   "Exit status: 0 all margins met, 1 some margin "
                   "negative, 2 usage, 3 input\nerror, 4 solver failure, "
                   "5 output failure.\n");
            free(av);
            return DCT_EXIT_OK;
        }
        if (strncmp(argv[i], "--format=", 9) == 0) {
            format = argv[i] + 9;
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            format = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 ||
                   strncmp(argv[i], "--out=", 6) == 0 ||
                   sim_is_plot_option(argv[i])) {
            /* the run directory is temporary: nothing to keep there */
            fprintf(stderr, "dctwin: margins: %.*s is not an option here "
                            "(use dctwin simulate)\n",
                    (int)strcspn(argv[i], "="), argv[i]);
            free(av);
            return DCT_EXIT_USAGE;
        } else {
            av[ac++] = argv[i];
        }
    }
    const char *file = strcmp(format, "text") == 0   ? "margins.txt"
                       : strcmp(format, "json") == 0 ? "margins.json"
                       : strcmp(format, "csv") == 0  ? "margins.csv"
                                                     : NULL;
    if (!file) {
        fprintf(stderr, "dctwin: margins: --format '%s': expected text, "
                        "json or csv\n", format);
        free(av);
        return DCT_EXIT_USAGE;
    }
    /* a run directory: print its table; the status follows all_ok */
    struct stat st;
    if (ac == 3 && strcmp(av[2], "--wide") == 0 && stat(av[1], &st) == 0 &&
        S_ISDIR(st.st_mode)) {
        /* the run's table was written when it ran */
        fprintf(stderr, "dctwin: margins: --wide applies to a new run; "
                        "every column of %s is in its margins.csv (--format "
                        "csv)\n", av[1]);
        free(av);
        return DCT_EXIT_USAGE;
    }
    if (ac == 2 && stat(av[1], &st) == 0 && S_ISDIR(st.st_mode)) {
        dct_diag d;
        dct_diag_init(&d);
        int lock = -1;
        int rc = dct_rundir_check(av[1], &lock, 0, &d) == 0
                     ? print_run_table(av[1], file)
                     : DCT_EXIT_INPUT;
        dct_rundir_unlock(lock);
        dct_diag_print(&d, stderr);
        dct_diag_clear(&d);
        free(av);
        return rc;
    }
    /* a new run, in-process: its table straight to stdout */
    dct_run_opts o;
    char **buf = NULL;
    int verbosity = 0;
    int rc = sim_parse_args(&o, &buf, ac, av, &verbosity);
    if (rc < 0) {
        sim_default_quasi_static(&o, av, ac);
        dct_verbosity = 0;   /* no progress, no table but this one */
        o.verbosity = 0;
        o.table = stdout;
        o.table_format = strcmp(format, "json") == 0  ? DCT_RUN_TABLE_JSON
                         : strcmp(format, "csv") == 0 ? DCT_RUN_TABLE_CSV
                                                      : DCT_RUN_TABLE_TEXT;
        rc = dct_run(&o, NULL);
    }
    free(buf);
    free(av);
    return rc;
}
