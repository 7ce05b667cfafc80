/* cmd_capacity.c - `dctwin capacity`: how many more racks fit, by runs
 * of `dctwin simulate` with racks added.
 */
#include "config.h"
#include "sim.h"
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

/* ------------------------------------------------------ dctwin capacity */

/* One capacity trial: simulate with N racks added into DIR (made and
 * emptied here), each at SCALE of its model's power and flow.  Returns
 * the run's exit status. */
static int capacity_run_scaled(int ac, char *const *av0, long n,
                               double scale, const char *dir)
{
    /* a fresh argv each run: getopt_long permutes the one it is given */
    char **av = calloc((size_t)ac + 8, sizeof *av);
    if (!av)
        return DCT_EXIT_USAGE;
    memcpy(av, av0, (size_t)ac * sizeof *av);
    char count[32], sc[40];
    snprintf(count, sizeof count, "%ld", n);
    snprintf(sc, sizeof sc, "%.17g", scale);
    av[ac++] = "--add-count";
    av[ac++] = count;
    if (scale < 1) {
        av[ac++] = "--add-scale";
        av[ac++] = sc;
    }
    av[ac++] = "--out";
    av[ac++] = (char *)dir;
    av[ac++] = "-q";
    int rc = dct_cmd_simulate(ac, av);
    free(av);
    return rc;
}

static int capacity_run(int ac, char *const *av0, long n, const char *dir)
{
    return capacity_run_scaled(ac, av0, n, 1.0, dir);
}

/* The margin ID (NULL: the binding one, the first row) of the run in DIR
 * in percent of its limit, from margins.csv; NAN when it is not there or
 * has no percentage.  Returns -1 when the file cannot be read. */
static int run_margin_pct(const char *dir, const char *id, double *pct)
{
    char path[4200], line[1024];
    snprintf(path, sizeof path, "%s/margins.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    *pct = NAN;
    int is_head = 1;
    while (fgets(line, sizeof line, f)) {
        if (is_head) {
            is_head = 0;
            continue;
        }
        size_t l = strcspn(line, ",");
        if (id && (strlen(id) != l || strncmp(line, id, l) != 0))
            continue;
        char *p = line;
        for (int k = 0; k < 8 && p; k++) /* field 8: margin_pct */
            if ((p = strchr(p, ',')))
                p++;
        char *end = NULL;
        double v = p ? strtod(p, &end) : NAN;
        if (p && end != p && isfinite(v))
            *pct = v;
        break;
    }
    fclose(f);
    return 0;
}

static int binding_pct(const char *dir, double *pct)
{
    int rc = run_margin_pct(dir, NULL, pct);
    if (!rc && isnan(*pct))
        *pct = 0;
    return rc;
}

/* Split LINE in place at its commas into at most MAX fields. */
static int split_csv(char *line, char **fld, int max)
{
    int nf = 0;
    fld[nf++] = line;
    for (char *p = line; *p && nf < max; p++)
        if (*p == ',') {
            *p = '\0';
            fld[nf++] = p + 1;
        }
    return nf;
}

/* Every kind of margin violated in the run in DIR (margins.csv, worst
 * first), each with its worst member and how many members violate it:
 * what must change for one more rack. */
static void print_violated(const char *dir, long n_added)
{
    char path[4200], line[1024];
    snprintf(path, sizeof path, "%s/margins.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    enum { MAXK = 64 };
    struct {
        char kind[96], id[128], unit[16];
        double margin;
        int n;
    } k[MAXK];
    int nk = 0, more = 0;
    int is_head = 1;
    while (fgets(line, sizeof line, f)) {
        if (is_head) {
            is_head = 0;
            continue;
        }
        line[strcspn(line, "\r\n")] = '\0';
        char *fld[12];
        int nf = split_csv(line, fld, 12);
        char *end = NULL;
        double mg = nf >= 8 ? strtod(fld[7], &end) : NAN;
        if (!end || end == fld[7] || !(mg < 0))
            continue;
        /* the kind: the id less its component ("A01.T_j_hot.throttle" ->
         * "T_j_hot.throttle") */
        const char *kind = fld[0] + strlen(fld[1]);
        kind += *kind == '.';
        int j = 0;
        while (j < nk && strcmp(k[j].kind, kind) != 0)
            j++;
        if (j == nk) {
            if (nk == MAXK) {
                more = 1;
                continue;
            }
            snprintf(k[j].kind, sizeof k[j].kind, "%.95s", kind);
            snprintf(k[j].id, sizeof k[j].id, "%.127s", fld[0]);
            k[j].margin = mg;
            snprintf(k[j].unit, sizeof k[j].unit, "%.15s", fld[3]);
            k[j].n = 0;
            nk++;
        }
        k[j].n++;
    }
    fclose(f);
    if (nk == 0)
        return;
    printf("violated with %ld added (%d kind%s%s):\n", n_added, nk,
           nk == 1 ? "" : "s", more ? ", and more" : "");
    for (int j = 0; j < nk; j++) {
        printf("  %-36s margin %.5g%s%s", k[j].id, k[j].margin,
               *k[j].unit ? " " : "", k[j].unit);
        if (k[j].n > 1)
            printf("  (%d components)", k[j].n);
        printf("\n");
    }
}

/* The continuous search: f(x) for x racks' worth added, ceil(x) racks at
 * x / ceil(x) of their power and flow. */
typedef struct cap_fn {
    int ac;
    char *const *av;
    const char *d_try;
    int n_runs;
    int rc;            /* first exit status other than 0 or 1 */
    double x_known[2], f_known[2];  /* the bracket's ends, already run */
    char target[128];  /* the margin that binds at the failing end */
    double x_fail;     /* the smallest failing x so far */
} cap_fn;

/* The id of the first (binding) margin of the run in DIR into BUF. */
static void first_id(const char *dir, char *buf, size_t n)
{
    char path[4200], line[1024];
    snprintf(path, sizeof path, "%s/margins.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(line, sizeof line, f) && fgets(line, sizeof line, f))
        snprintf(buf, n, "%.*s", (int)strcspn(line, ","), line);
    fclose(f);
}

/* f(x) [%]: on a passing run, the margin that failed at the smallest
 * failing x so far (a continuous function of x when that margin is); on
 * a failing run, its binding margin; its sign forced to the run's
 * verdict (a pass at a margin of exactly 0, such as a count of units, is
 * still a pass), so the root of f is where the runs turn from passing to
 * failing.  NAN after a run that neither passed nor failed a margin (GSL
 * then stops with GSL_EBADFUNC). */
static double capacity_f(double x, void *ctx)
{
    cap_fn *c = ctx;
    for (int k = 0; k < 2; k++)
        if (x == c->x_known[k])
            return c->f_known[k];
    long n = (long)ceil(x - 1e-12);
    if (n < 1)
        n = 1;
    int r = capacity_run_scaled(c->ac, c->av, n, x / (double)n, c->d_try);
    c->n_runs++;
    double pct = 0;
    if ((r != DCT_EXIT_OK && r != DCT_EXIT_MARGIN) ||
        binding_pct(c->d_try, &pct) != 0) {
        if (!c->rc)
            c->rc = r != DCT_EXIT_OK && r != DCT_EXIT_MARGIN
                        ? r : DCT_EXIT_OUTPUT;
        dct_rundir_remove(c->d_try);
        return NAN;
    }
    double pt = NAN;
    if (r == DCT_EXIT_MARGIN) {
        /* the margin that failed at the smallest failing x so far is the
         * one to follow: it binds nearest the root */
        if (x < c->x_fail)
            first_id(c->d_try, c->target, sizeof c->target);
        c->x_fail = fmin(c->x_fail, x);
    } else if (*c->target &&
               run_margin_pct(c->d_try, c->target, &pt) == 0 &&
               isfinite(pt)) {
        pct = pt;
    }
    dct_rundir_remove(c->d_try);
    /* 1e-6 %: far below any margin a table shows */
    return r == DCT_EXIT_OK ? fmax(pct, 1e-6) : fmin(pct, -1e-6);
}

/* Brent's method (GSL) on f over [LO, HI], f(LO) >= 0 > f(HI), to half
 * a rack.  Returns 0 with the root in *X, or an exit status. */
static int capacity_brent(cap_fn *c, double lo, double hi, double *x)
{
    gsl_function fn = {capacity_f, c};
    gsl_root_fsolver *so = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!so)
        return DCT_EXIT_USAGE;
    int st = gsl_root_fsolver_set(so, &fn, lo, hi);
    for (int it = 0; st == GSL_SUCCESS && it < 40; it++) {
        st = gsl_root_fsolver_iterate(so);
        if (st != GSL_SUCCESS)
            break;
        double a = gsl_root_fsolver_x_lower(so);
        double b = gsl_root_fsolver_x_upper(so);
        if (gsl_root_test_interval(a, b, 0.5, 0) == GSL_SUCCESS)
            break;
    }
    *x = gsl_root_fsolver_root(so);
    gsl_root_fsolver_free(so);
    if (c->rc)
        return c->rc;
    return st == GSL_SUCCESS ? 0 : DCT_EXIT_SOLVER;
}

/* The binding margin of the run in DIR: "ID (MARGIN UNIT)" into BUF. */
static void binding_of(const char *dir, char *buf, size_t n)
{
    char path[4200], line[1024], id[128] = "";
    snprintf(buf, n, "?");
    snprintf(path, sizeof path, "%s/margins.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    /* the first data row is the binding margin */
    if (fgets(line, sizeof line, f) && fgets(line, sizeof line, f)) {
        char *fld[12];
        int nf = split_csv(line, fld, 12);
        if (nf >= 8) {
            /* ids are at most 95 characters (dct_margin_def) */
            snprintf(id, sizeof id, "%.100s", fld[0]);
            snprintf(buf, n, "%s (margin %.30s%s%.15s)", id, fld[7],
                     *fld[3] ? " " : "", fld[3]);
        }
    }
    fclose(f);
}

/* Run count N: a pass moves its run to D_PASS and raises *LO, a margin
 * failure moves it to D_FAIL and lowers *HI.  Returns 0, or the exit
 * status of a run that neither passed nor failed a margin. */
static int capacity_try(int ac, char *const *av, long n, const char *d_try,
                        const char *d_pass, const char *d_fail, long *lo,
                        long *hi)
{
    int r = capacity_run(ac, av, n, d_try);
    if (r != DCT_EXIT_OK && r != DCT_EXIT_MARGIN)
        return r;
    const char *keep = r == DCT_EXIT_OK ? d_pass : d_fail;
    dct_rundir_remove(keep);
    rename(d_try, keep);
    if (r == DCT_EXIT_OK)
        *lo = n;
    else
        *hi = n;
    return 0;
}

int dct_cmd_capacity(int argc, char **argv)
{
    const char *model = NULL, *row = NULL;
    long max = 1000;
    char **av = calloc((size_t)argc + 8, sizeof *av);
    int ac = 0;
    if (!av)
        return DCT_EXIT_USAGE;
    av[ac++] = "simulate";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf("Usage: dctwin capacity SITE --add MODEL [--row ID] "
                   "[--max N] [SIMULATE OPTION]...\n"
                   "How many more racks of rack model MODEL fit in the row "
                   "(default the first):\nthe largest count for which "
                   "every margin holds, found by doubling, then Brent's method\n"
                   "on the binding margin over a continuous count (ceil(x) "
                   "racks at x/ceil(x) of\ntheir power and flow), then "
                   "the integer count; each a full run with the simulate "
                   "options given (--scenario,\n--duration, --profile, "
                   "--set ...).  Prints the count, the margin that binds\n"
                   "at one more rack, and the margin table at the count.\n"
                   "The runs are quasi-static (--electrical=dynamic for "
                   "the dynamic DC plant).\n"
                   "Exit status: 0 answered, 1 the site fails with none "
                   "added, 2 usage,\n3 input error, 4 solver failure, "
                   "5 output failure.\n");
            free(av);
            return DCT_EXIT_OK;
        }
        if (strcmp(a, "--add") == 0 && v) {
            model = v;
            i++;
        } else if (strncmp(a, "--add=", 6) == 0) {
            model = a + 6;
        } else if (strcmp(a, "--row") == 0 && v) {
            row = v;
            i++;
        } else if (strncmp(a, "--row=", 6) == 0) {
            row = a + 6;
        } else if ((strcmp(a, "--max") == 0 && v) ||
                   strncmp(a, "--max=", 6) == 0) {
            const char *t = a[5] == '=' ? a + 6 : v;
            char *end = NULL;
            max = strtol(t, &end, 10);
            if (!*t || *end || max < 1 || max > 100000) {
                fprintf(stderr, "dctwin: capacity: --max '%s': expected a "
                                "whole number from 1 to 100000\n", t);
                free(av);
                return DCT_EXIT_USAGE;
            }
            if (a[5] != '=')
                i++;
        } else if (strcmp(a, "--out") == 0 || strncmp(a, "--out=", 6) == 0 ||
                   strncmp(a, "--add-count", 11) == 0 || sim_is_plot_option(a)) {
            fprintf(stderr, "dctwin: capacity: %s is not an option here\n",
                    a);
            free(av);
            return DCT_EXIT_USAGE;
        } else {
            av[ac++] = argv[i];
        }
    }
    if (!model) {
        fprintf(stderr, "dctwin: capacity: --add MODEL is required (see "
                        "'dctwin capacity --help')\n");
        free(av);
        return DCT_EXIT_USAGE;
    }
    sim_default_quasi_static(av, &ac);
    av[ac++] = "--add";
    av[ac++] = (char *)model;
    if (row) {
        av[ac++] = "--row";
        av[ac++] = (char *)row;
    }
    char base[4096];
    int slot = -1;
    if (sim_make_tmp_dir("capacity", base, sizeof base, 2, &slot) != 0) {
        free(av);
        return DCT_EXIT_OUTPUT;
    }
    char d_pass[4120], d_fail[4120];
    snprintf(d_pass, sizeof d_pass, "%s/pass", base);
    snprintf(d_fail, sizeof d_fail, "%s/fail", base);
    char d_try[4120];
    snprintf(d_try, sizeof d_try, "%s/try", base);
    int rc = capacity_run(ac, av, 0, d_pass);
    long lo = 0, hi = -1;
    int n_runs = 1;
    if (rc == DCT_EXIT_MARGIN) {
        char b[256];
        binding_of(d_pass, b, sizeof b);
        printf("capacity: the site fails with no rack added; binding: "
               "%s\n", b);
        sim_print_run_table(d_pass, "margins.txt");
        goto out;
    }
    if (rc != DCT_EXIT_OK)
        goto out;
    /* doubling to a failing count; then Brent's method on the binding
     * margin over a continuous count of added racks (capacity_f); then
     * the integer count around its root, by full runs: margins fall as
     * racks are added, so the passing counts are 0..N */
    for (long n = 1; hi < 0 && lo < max; n = n * 2 > max ? max : n * 2) {
        if ((rc = capacity_try(ac, av, n, d_try, d_pass, d_fail, &lo, &hi)))
            goto out;
        n_runs++;
    }
    double x_root = NAN;
    if (hi > 0 && hi - lo > 1) {
        /* the bracket's ends were run as whole counts: their verdicts
         * and binding margins are in d_pass and d_fail */
        double f_lo = 0, f_hi = 0;
        cap_fn cf = {ac, av, d_try, 0, 0, {(double)lo, (double)hi},
                     {0, 0}, "", (double)hi};
        first_id(d_fail, cf.target, sizeof cf.target);
        double pt = NAN;
        if (binding_pct(d_pass, &f_lo) || binding_pct(d_fail, &f_hi) ||
            run_margin_pct(d_pass, cf.target, &pt)) {
            rc = DCT_EXIT_OUTPUT;
            goto out;
        }
        if (isfinite(pt))
            f_lo = pt;
        cf.f_known[0] = fmax(f_lo, 1e-6);
        cf.f_known[1] = fmin(f_hi, -1e-6);
        rc = capacity_brent(&cf, (double)lo, (double)hi, &x_root);
        n_runs += cf.n_runs;
        if (rc)
            goto out;
        long n = (long)floor(x_root);
        n = n < lo ? lo : n >= hi ? hi - 1 : n;
        /* floor(x) and floor(x) + 1; step on while they disagree with
         * the continuous answer */
        while (hi - lo > 1) {
            long k = n > lo ? n : n + 1;
            if (k >= hi)
                break;
            if ((rc = capacity_try(ac, av, k, d_try, d_pass, d_fail, &lo,
                                   &hi)))
                goto out;
            n_runs++;
            n = lo == k ? k + 1 : k - 1;
        }
    }
    if (hi < 0) {
        printf("capacity: at least %ld racks of %s fit (the --max); no "
               "margin binds yet (%d runs)\n", lo, model, n_runs);
    } else {
        char b[256];
        binding_of(d_fail, b, sizeof b);
        printf("capacity: %ld more rack%s of %s fit%s%s; at %ld the "
               "binding margin is %s (%d runs",
               lo, lo == 1 ? "" : "s", model, row ? " in row " : "",
               row ? row : "", lo + 1, b, n_runs);
        if (isfinite(x_root))
            printf("; continuous root %.3g racks", x_root);
        printf(")\n");
        print_violated(d_fail, lo + 1);
    }
    printf("\nmargins with %ld added:\n", lo);
    sim_print_run_table(d_pass, "margins.txt");
    rc = DCT_EXIT_OK;
out:
    dct_rundir_remove(d_try);
    dct_rundir_remove(d_pass);
    dct_rundir_remove(d_fail);
    rmdir(base);
    dct_afile_untrack_dir(slot);
    free(av);
    return rc;
}
