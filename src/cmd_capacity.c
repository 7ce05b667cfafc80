/* cmd_capacity.c - `dctwin capacity`: how many more racks fit, by runs
 * of the site with racks added (dct_run, in-process).
 */
#include "config.h"
#include "sim.h"
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

/* One run of the search: its exit status, its margins (binding first)
 * and its margin table (margins.txt). */
typedef struct cap_run {
    int rc;
    dct_run_result res;
    char *table;       /* malloc'd text, or NULL */
} cap_run;

static void cap_run_free(cap_run *r)
{
    dct_run_result_free(&r->res);
    free(r->table);
    r->table = NULL;
}

/* Move FROM into TO (freeing what TO held); FROM is left empty. */
static void cap_run_move(cap_run *to, cap_run *from)
{
    cap_run_free(to);
    *to = *from;
    memset(from, 0, sizeof *from);
}

/* One capacity trial into R: the site with N racks added, each at SCALE
 * of its model's power and flow.  Returns the run's exit status. */
static int capacity_run_scaled(const dct_run_opts *base, long n,
                               double scale, cap_run *r)
{
    dct_run_opts o = *base;
    o.n_add = n;
    o.has_add_count = 1;
    o.add_scale = scale < 1 ? scale : 1;
    o.is_margins_only = 1;
    o.table_format = DCT_RUN_TABLE_TEXT;
    size_t len = 0;
    cap_run_free(r);
    if (!(o.table = open_memstream(&r->table, &len))) {
        fprintf(stderr, "dctwin: capacity: out of memory\n");
        return r->rc = DCT_EXIT_OUTPUT;
    }
    r->rc = dct_run(&o, &r->res);
    if (fclose(o.table) != 0 && (r->rc == DCT_EXIT_OK ||
                                 r->rc == DCT_EXIT_MARGIN)) {
        fprintf(stderr, "dctwin: capacity: out of memory\n");
        r->rc = DCT_EXIT_OUTPUT;
    }
    return r->rc;
}

static int capacity_run(const dct_run_opts *base, long n, cap_run *r)
{
    return capacity_run_scaled(base, n, 1.0, r);
}

/* Margin ID of R (NULL: the first, the smallest) in percent of its
 * range; NAN when it is not there or has no percentage. */
static double run_margin_pct(const cap_run *r, const char *id)
{
    for (size_t i = 0; i < r->res.n_mg; i++) {
        const dct_run_margin *m = &r->res.mg[i];
        if (!id || strcmp(m->id, id) == 0)
            return isfinite(m->pct) ? m->pct : NAN;
    }
    return NAN;
}

/* The first (smallest) margin of R in %, 0 when it has none. */
static double binding_pct(const cap_run *r)
{
    double p = run_margin_pct(r, NULL);
    return isnan(p) ? 0 : p;
}

/* Every kind of margin violated in R (worst first), each with its worst
 * member and how many members violate it: what must change for one more
 * rack. */
static void print_violated(const cap_run *r, long n_added)
{
    enum { MAXK = 64 };
    struct {
        char kind[96], id[128], unit[16];
        double margin;
        int n;
    } k[MAXK];
    int nk = 0, more = 0;
    for (size_t i = 0; i < r->res.n_mg; i++) {
        const dct_run_margin *m = &r->res.mg[i];
        if (!(m->margin < 0))
            continue;
        /* the kind: the id less its component ("A01.T_j_hot.throttle" ->
         * "T_j_hot.throttle") */
        const char *kind = m->id;
        size_t lc = strlen(m->component);
        if (strncmp(kind, m->component, lc) == 0)
            kind += lc;
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
            snprintf(k[j].id, sizeof k[j].id, "%.127s", m->id);
            k[j].margin = m->margin;
            snprintf(k[j].unit, sizeof k[j].unit, "%.15s", m->unit);
            k[j].n = 0;
            nk++;
        }
        k[j].n++;
    }
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
    const dct_run_opts *base;
    cap_run *r_try;
    int n_runs;
    int rc;            /* first exit status other than 0 or 1 */
    double x_known[2], f_known[2];  /* the bracket's ends, already run */
    char target[128];  /* the margin that binds at the failing end */
    double x_fail;     /* the smallest failing x so far */
} cap_fn;

/* The id of the first (smallest) margin of R into BUF. */
static void first_id(const cap_run *r, char *buf, size_t n)
{
    if (r->res.n_mg)
        snprintf(buf, n, "%s", r->res.mg[0].id);
}

/* f(x) [%]: on a passing run, the margin that failed at the smallest
 * failing x so far (a continuous function of x when that margin is); on
 * a failing run, its smallest margin; its sign forced to the run's
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
    int r = capacity_run_scaled(c->base, n, x / (double)n, c->r_try);
    c->n_runs++;
    if (r != DCT_EXIT_OK && r != DCT_EXIT_MARGIN) {
        if (!c->rc)
            c->rc = r;
        return NAN;
    }
    double pct = binding_pct(c->r_try), pt = NAN;
    if (r == DCT_EXIT_MARGIN) {
        /* the margin that failed at the smallest failing x so far is the
         * one to follow: it binds nearest the root */
        if (x < c->x_fail)
            first_id(c->r_try, c->target, sizeof c->target);
        c->x_fail = fmin(c->x_fail, x);
    } else if (*c->target &&
               isfinite(pt = run_margin_pct(c->r_try, c->target))) {
        pct = pt;
    }
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

/* The margin that binds what run R did (dct_run_binding_run: a violated
 * margin of the run itself before a violated design margin): "ID (margin
 * MARGIN UNIT)" into BUF. */
static void binding_of(const cap_run *r, char *buf, size_t n)
{
    const dct_run_margin *m = dct_run_binding_run(&r->res);
    if (!m) {
        snprintf(buf, n, "?");
        return;
    }
    /* ids are at most 95 characters (dct_margin_def) */
    snprintf(buf, n, "%.100s (margin %.9g%s%.15s)", m->id, m->margin,
             *m->unit ? " " : "", m->unit);
}

/* Run count N into R_TRY: a pass becomes PASS and raises *LO, a margin
 * failure becomes FAIL and lowers *HI.  Returns 0, or the exit status of
 * a run that neither passed nor failed a margin. */
static int capacity_try(const dct_run_opts *base, long n, cap_run *r_try,
                        cap_run *pass, cap_run *fail, long *lo, long *hi)
{
    int r = capacity_run(base, n, r_try);
    if (r != DCT_EXIT_OK && r != DCT_EXIT_MARGIN)
        return r;
    cap_run_move(r == DCT_EXIT_OK ? pass : fail, r_try);
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
    char **av = calloc((size_t)argc + 1, sizeof *av);
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
                   "--set, --weather, --design ...).  Prints the count, the "
                   "margin that binds\n"
                   "what the run at one more rack did (a violated margin "
                   "of the run before a\nviolated design margin), and the "
                   "margin table at the count.\n"
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
                   strncmp(a, "--add-count", 11) == 0 ||
                   strncmp(a, "--add-scale", 11) == 0 || sim_is_plot_option(a)) {
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
    dct_run_opts base;
    char **buf = NULL;
    int verbosity = 0;
    int rc = sim_parse_args(&base, &buf, ac, av, &verbosity);
    if (rc >= 0) {
        free(buf);
        free(av);
        return rc;
    }
    if (base.weather) {
        /* say what ambient the answer is at (each run reads the file
         * again) */
        dct_weather_opt wo = {.file = base.weather,
                              .start = base.weather_start,
                              .design = base.design};
        dct_diag d;
        dct_diag_init(&d);
        rc = dct_weather_opt_resolve(&wo, base.duration, &d);
        dct_diag_print(&d, stderr);
        dct_diag_clear(&d);
        if (rc) {
            dct_weather_opt_free(&wo);
            free(buf);
            free(av);
            return rc;
        }
        char what[600];
        dct_weather_opt_describe(&wo, what, sizeof what);
        if (*what)
            printf("capacity at the %s\n", what);
        else
            printf("capacity on the weather of %s\n", wo.path);
        dct_weather_opt_free(&wo);
        rc = -1;
    }
    sim_default_quasi_static(&base, av, ac);
    dct_verbosity = 0;   /* no progress; the tables are printed here */
    base.verbosity = 0;
    base.add_model = model;
    base.add_row = row;
    cap_run pass = {0}, fail = {0}, r_try = {0};
    rc = capacity_run(&base, 0, &pass);
    long lo = 0, hi = -1;
    int n_runs = 1;
    if (rc == DCT_EXIT_MARGIN) {
        char b[256];
        binding_of(&pass, b, sizeof b);
        printf("capacity: the site fails with no rack added; binding: "
               "%s\n", b);
        fputs(pass.table ? pass.table : "", stdout);
        goto out;
    }
    if (rc != DCT_EXIT_OK)
        goto out;
    /* doubling to a failing count; then Brent's method on the binding
     * margin over a continuous count of added racks (capacity_f); then
     * the integer count around its root, by full runs: margins fall as
     * racks are added, so the passing counts are 0..N */
    for (long n = 1; hi < 0 && lo < max; n = n * 2 > max ? max : n * 2) {
        if ((rc = capacity_try(&base, n, &r_try, &pass, &fail, &lo, &hi)))
            goto out;
        n_runs++;
    }
    double x_root = NAN;
    if (hi > 0 && hi - lo > 1) {
        /* the bracket's ends were run as whole counts: their verdicts
         * and margins are in pass and fail */
        cap_fn cf = {&base, &r_try, 0, 0, {(double)lo, (double)hi},
                     {0, 0}, "", (double)hi};
        first_id(&fail, cf.target, sizeof cf.target);
        double f_lo = binding_pct(&pass), f_hi = binding_pct(&fail);
        double pt = run_margin_pct(&pass, cf.target);
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
            if ((rc = capacity_try(&base, k, &r_try, &pass, &fail, &lo,
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
        binding_of(&fail, b, sizeof b);
        printf("capacity: %ld more rack%s of %s fit%s%s; at %ld the "
               "binding margin is %s (%d runs",
               lo, lo == 1 ? "" : "s", model, row ? " in row " : "",
               row ? row : "", lo + 1, b, n_runs);
        if (isfinite(x_root))
            printf("; continuous root %.3g racks", x_root);
        printf(")\n");
        print_violated(&fail, lo + 1);
    }
    printf("\nmargins with %ld added:\n", lo);
    fputs(pass.table ? pass.table : "", stdout);
    rc = DCT_EXIT_OK;
out:
    cap_run_free(&pass);
    cap_run_free(&fail);
    cap_run_free(&r_try);
    free(buf);
    free(av);
    return rc;
}
