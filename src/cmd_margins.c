/* cmd_margins.c - `dctwin margins`: a run's margin table, of a new run
 * or of a run directory; and the helpers margins and capacity share.
 */
#include "config.h"
#include "sim.h"
#include "cli.h"
#include "fsutil.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --plot or --plot-format[=FMT]: refused by margins and capacity, whose
 * run directories are temporary. */
int sim_is_plot_option(const char *a)
{
    return strcmp(a, "--plot") == 0 || strcmp(a, "--plot-format") == 0 ||
           strncmp(a, "--plot-format=", 14) == 0;
}

/* Append --electrical=quasi-static to the simulate options AV (AC of
 * them) unless they choose the mode: the default of margins and
 * capacity (dctwin(1)). */
void sim_default_quasi_static(char **av, int *ac)
{
    for (int i = 1; i < *ac; i++)
        if (strcmp(av[i], "--electrical") == 0 ||
            strncmp(av[i], "--electrical=", 13) == 0)
            return;
    av[(*ac)++] = "--electrical=quasi-static";
}

/* A new private directory "$TMPDIR/dctwin-WHAT.PID.XXXXXX" in BUF,
 * removed with what it holds (DEPTH levels) by SIGINT/SIGTERM: its
 * atomic_file.h slot in *SLOT.  Such directories of processes that are
 * gone (SIGKILL) are removed first.  Returns 0, or -1 with a message. */
int sim_make_tmp_dir(const char *what, char *buf, size_t n, int depth,
                        int *slot)
{
    const char *tmp = getenv("TMPDIR");
    tmp = tmp && *tmp ? tmp : "/tmp";
    char prefix[64];
    snprintf(prefix, sizeof prefix, "dctwin-%s", what);
    dct_rundir_remove_stale(tmp, prefix, depth);
    snprintf(buf, n, "%s/%s.%ld.XXXXXX", tmp, prefix, (long)getpid());
    /* tracked before a signal can come */
    sigset_t old;
    dct_afile_block_signals(&old);
    int is_made = mkdtemp(buf) != NULL;
    int e = errno;
    if (is_made && (*slot = dct_afile_track_dir(buf, depth)) < 0) {
        e = errno;
        rmdir(buf);
        is_made = 0;
    }
    dct_afile_unblock_signals(&old);
    if (is_made)
        return 0;
    fprintf(stderr, "dctwin: %s: cannot make a temporary directory: %s\n",
            what, strerror(e));
    return -1;
}

/* Print FILE of run directory DIR on stdout.  Returns 0 when the run met
 * every margin, 1 when not (margins.json's all_ok), 3 when the directory
 * holds no run. */
int sim_print_run_table(const char *dir, const char *file)
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
    char **av = calloc((size_t)argc + 6, sizeof *av);
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
                     ? sim_print_run_table(av[1], file)
                     : DCT_EXIT_INPUT;
        dct_rundir_unlock(lock);
        dct_diag_print(&d, stderr);
        dct_diag_clear(&d);
        free(av);
        return rc;
    }
    char tdir[4096];
    int slot = -1;
    if (sim_make_tmp_dir("margins", tdir, sizeof tdir, 1, &slot) != 0) {
        free(av);
        return DCT_EXIT_OUTPUT;
    }
    sim_default_quasi_static(av, &ac);
    av[ac++] = "--out";
    av[ac++] = tdir;
    av[ac++] = "-q";
    int rc = dct_cmd_simulate(ac, av);
    if ((rc == DCT_EXIT_OK || rc == DCT_EXIT_MARGIN) &&
        sim_print_run_table(tdir, file) >= DCT_EXIT_USAGE)
        rc = DCT_EXIT_OUTPUT;
    dct_rundir_remove(tdir);
    dct_afile_untrack_dir(slot);
    free(av);
    return rc;
}
