/* bess_report.c - `dctwin bess-report`: the BESS compliance report.
 *
 * The report runs a set of test scenarios against the site with
 * `dctwin simulate` (bess_runs.c: each into OUT/runs/NAME, its stimulus
 * profile and scenario written to OUT/inputs first), evaluates each check
 * of the criteria file on the traces (bess_checks.c; sigproc.h: ramps,
 * FFT bands, step response, rainflow, ageing), draws one plot per check
 * (bess_plots.c) and writes report.json and a self-contained report.html
 * (bess_html.c).  The checks, their scenarios and metrics are described
 * in dctwin-bess-report(1); the thresholds and their bases live in the
 * criteria file (models/criteria/default.xml).  This file is the
 * command: its options, the criteria, the order of the work and the
 * summary on stdout.
 */
#include "config.h"
#include "bess_report.h"
#include "suggest.h"
#include "cli.h"
#include "datapath.h"
#include "escape.h"
#include "fsutil.h"
#include "plot.h"
#include "rundir.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#define N_CHECKS dct_bess_n_checks

/* ------------------------------------------------------------- command */

static void help(void)
{
    printf("Usage: dctwin bess-report SITE --bess ID [OPTION]...\n"
           "Run the BESS compliance checks of a criteria file against the "
           "battery ID of\nSITE and write report.html, report.json, the "
           "evidence and the plots to DIR.\n\n"
           "  --bess=ID            the battery (<bess> id) to qualify\n"
           "  --criteria=FILE      criteria file (default: "
           "models/criteria/default.xml)\n"
           "  --profile=NAME|FILE  AI load profile of the training runs "
           "(default: each\n"
           "                       rack's own)\n"
           "  --set=ID.PARAM=VALUE override a site or model parameter "
           "(repeatable)\n"
           "  --seed=N             seed of the random parts (default 1)\n"
           "  --format=png|svg|pdf plots (default png)\n"
           "  --out=DIR            report directory (default "
           "./bess-report-SITENAME)\n"
           "  --keep-runs          keep every run's full directory in "
           "DIR/runs\n"
           "  --pdf                also write report.pdf (weasyprint)\n"
           "  -q, --quiet          no progress, no summary on stdout\n"
           "  -h, --help           print this help and exit\n\n"
           "Exit status: 0 no check failed, 1 some check failed, 2 usage, "
           "3 input error,\n5 output failure.  See "
           "dctwin-bess-report(1).\n");
}

static int is_readable(const char *path)
{
    char why[200];
    FILE *f = dct_open_regular(path, 0, why, sizeof why);
    if (f)
        fclose(f);
    return f != NULL;
}

/* The default criteria file: DCTWIN_MODELS_PATH's criteria/default.xml,
 * else the one beside the model libraries SITE includes, else the one of
 * the models search path (datapath.h: a build tree's models/, the
 * installed models); NULL with an error in D naming the directories
 * searched when there is none. */
static const char *default_criteria(const dct_site *site, char *buf,
                                    size_t n, dct_diag *d)
{
    const char *mp = getenv("DCTWIN_MODELS_PATH");
    if (mp && *mp) {
        char tmp[PATH_N];
        snprintf(tmp, sizeof tmp, "%s", mp);
        char *save = NULL;
        for (char *dir = strtok_r(tmp, ":", &save); dir;
             dir = strtok_r(NULL, ":", &save)) {
            snprintf(buf, n, "%s/criteria/default.xml", dir);
            if (is_readable(buf))
                return buf;
        }
    }
    /* files[0] is the site; the others are the libraries it includes */
    for (size_t i = 1; site && i < site->n_files; i++) {
        const char *f = site->files[i];
        const char *sl = strrchr(f, '/');
        int dl = sl ? (int)(sl - f) : 1;
        snprintf(buf, n, "%.*s/criteria/default.xml", dl, sl ? f : ".");
        if (is_readable(buf))
            return buf;
    }
    char *found = dct_datapath_find(DCT_DATA_MODELS, "criteria/default.xml");
    if (found && strlen(found) < n) {
        snprintf(buf, n, "%s", found);
        free(found);
        return buf;
    }
    free(found);
    char *dirs = dct_datapath(DCT_DATA_MODELS, ", ");
    dct_error(d, NULL, 0,
              "no criteria file given and no criteria/default.xml found "
              "beside the site's model libraries or in %s (give --criteria "
              "FILE or set DCTWIN_MODELS_PATH)",
              dirs ? dirs : "(out of memory)");
    free(dirs);
    return NULL;
}

static int parse_args(rpt *R, int argc, char **argv)
{
    static const struct option lo[] = {
        {"bess", required_argument, NULL, 'b'},
        {"criteria", required_argument, NULL, 'c'},
        {"profile", required_argument, NULL, 'p'},
        {"set", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'e'},
        {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"keep-runs", no_argument, NULL, 'k'},
        {"pdf", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":qh", lo, NULL)) != -1) {
        switch (ch) {
        case 'b': R->bess_id = optarg; break;
        case 'c': R->crit_path = optarg; break;
        case 'p': R->profile = optarg; break;
        case 's':
            if (R->n_sets >= MAX_SETS) {
                fprintf(stderr, "dctwin: bess-report: more than %d --set\n",
                        MAX_SETS);
                return DCT_EXIT_USAGE;
            }
            R->sets[R->n_sets++] = optarg;
            break;
        case 'e': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!*optarg || *end || errno || optarg[0] == '-' ||
                v > 0xffffffffULL) {
                fprintf(stderr, "dctwin: bess-report: --seed '%s': expected "
                                "an integer 0 to 4294967295\n", optarg);
                return DCT_EXIT_USAGE;
            }
            R->seed = (unsigned long)v;
            break;
        }
        case 'f': R->fmt = optarg; break;
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "dctwin: bess-report: --out '': expected a "
                                "directory name\n");
                return DCT_EXIT_USAGE;
            }
            R->out = optarg;
            break;
        case 'q': R->quiet = 1; break;
        case 'k': R->keep_runs = 1; break;
        case 'P': R->want_pdf = 1; break;
        case 'h': help(); return -1;
        case ':':
            fprintf(stderr, "dctwin: bess-report: option '%s' needs a "
                            "value\n", argv[optind - 1]);
            return DCT_EXIT_USAGE;
        default:
            fprintf(stderr, "dctwin: bess-report: unknown option '%s' (see "
                            "'dctwin bess-report --help')\n",
                    argv[optind - 1]);
            dct_suggest_option_hint("bess-report", lo, argv[optind - 1]);
            return DCT_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "dctwin: bess-report: expected one SITE (see "
                        "'dctwin bess-report --help')\n");
        return DCT_EXIT_USAGE;
    }
    R->site_path = argv[optind];
    if (!R->bess_id) {
        fprintf(stderr, "dctwin: bess-report: --bess ID is required (the "
                        "<bess> to qualify)\n");
        return DCT_EXIT_USAGE;
    }
    if (!dct_plot_is_format(R->fmt)) {
        fprintf(stderr, "dctwin: bess-report: --format '%s': expected png, "
                        "svg or pdf\n", R->fmt);
        return DCT_EXIT_USAGE;
    }
    return 0;
}

/* Remove the plots and evidence files no check shows (those of the
 * training runs that were not the worst for any check). */
static void remove_unused(rpt *R)
{
    static const char *const sub[] = {"plots", "evidence"};
    for (size_t s = 0; s < 2; s++) {
        char dir[PATH_N + 16];
        snprintf(dir, sizeof dir, "%s/%s", R->out, sub[s]);
        DIR *dp = opendir(dir);
        struct dirent *e;
        while (dp && (e = readdir(dp))) {
            const char *dot = strrchr(e->d_name, '.');
            if (e->d_name[0] == '.' || !dot)
                continue;
            size_t bl = (size_t)(dot - e->d_name);
            int is_used = 0;
            for (size_t i = 0; i < R->n_res && !is_used; i++) {
                const char *p = R->res[i].plot;
                /* "plots/BASE.FMT" */
                is_used = strncmp(p, "plots/", 6) == 0 &&
                          strncmp(p + 6, e->d_name, bl) == 0 &&
                          p[6 + bl] == '.';
            }
            /* without gnuplot every evidence file stays */
            if (!is_used && !(s == 1 && R->no_gnuplot)) {
                char path[2 * PATH_N];
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                unlink(path);
            }
        }
        if (dp)
            closedir(dp);
    }
}

static void print_summary(const rpt *R)
{
    char sb[512], cb[512];
    printf("BESS report: battery %s on site %s (criteria %s)\n", R->bess_id,
           dct_esc_term(sb, sizeof sb, R->site->name ? R->site->name : "?"),
           dct_esc_term(cb, sizeof cb, R->cr->name ? R->cr->name
                                                   : R->cr->file));
    printf("%-18s %-5s %-16s %-16s %-16s %s\n", "check", "test",
           "measured", "threshold", "margin", "status");
    for (size_t i = 0; i < R->n_res; i++) {
        const result *r = &R->res[i];
        char test[8] = "-";
        if (r->c->nvidia_test)
            snprintf(test, sizeof test, "T%d", r->c->nvidia_test);
        if (r->status == ST_NOT_SIM) {
            printf("%-18s %-5s %-16s %-16s %-16s %s\n", r->c->id, test, "-",
                   "-", "-", dct_bess_status_word[r->status]);
            continue;
        }
        /* the numbers as in the report (bess_format.c); a dash for none */
        char m[128], t[64], g[64];
        dct_bess_fmt(m, sizeof m, r->measured, r->c->unit,
                     R->run[r->run].duration_s);
        dct_bess_fmt(t, sizeof t, r->threshold, r->c->unit, NAN);
        if (isnan(r->margin))
            snprintf(g, sizeof g, "-");
        else
            dct_bess_fmt(g, sizeof g, r->margin, r->c->unit, NAN);
        if (isnan(r->measured))
            snprintf(m, sizeof m, "-");
        printf("%-18s %-5s %-16s %-16s %-16s %s\n", r->c->id, test, m, t, g,
               dct_bess_status_word[r->status]);
    }
    int n_fail = 0;
    for (size_t i = 0; i < R->n_res; i++)
        n_fail += R->res[i].status == ST_FAIL;
    printf("%s: %d of %zu checks failed; report in %s/report.html\n",
           n_fail ? "FAIL" : "PASS", n_fail, R->n_res, R->out);
}

int dct_cmd_bess_report(int argc, char **argv)
{
    rpt *R = calloc(1, sizeof *R);
    if (!R)
        return DCT_EXIT_OUTPUT;
    R->fmt = "png";
    R->seed = 1;
    /* the command line as given (getopt permutes ARGV) */
    char **argv0 = calloc((size_t)argc + 1, sizeof *argv0);
    if (!argv0) {
        free(R);
        return DCT_EXIT_OUTPUT;
    }
    memcpy(argv0, argv, (size_t)argc * sizeof *argv0);
    R->argc = argc;
    R->argv = argv0;
    int rc = parse_args(R, argc, argv);
    char crit[PATH_N], out[PATH_N];
    dct_rundir *rd = NULL;
    if (rc) {
        free(argv0);
        free(R);
        return rc < 0 ? DCT_EXIT_OK : rc;
    }
    const char *known[N_CHECKS];
    for (size_t i = 0; i < N_CHECKS; i++)
        known[i] = dct_bess_checks[i].id;
    R->site = dct_site_load_set(R->site_path, R->sets, (size_t)R->n_sets,
                                &R->d);
    if (R->site && !R->crit_path)
        R->crit_path = default_criteria(R->site, crit, sizeof crit, &R->d);
    if (R->site && R->crit_path)
        R->cr = dct_criteria_load(R->crit_path, known, N_CHECKS, &R->d);
    if (!R->cr || !R->site) {
        dct_diag_print(&R->d, stderr);
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    if ((rc = dct_bess_site_read(R)))
        goto done;
    /* the checks of the file, in its order; thresholds from the site */
    if (!(R->res = calloc(R->cr->n ? R->cr->n : 1, sizeof *R->res))) {
        fprintf(stderr, "dctwin: bess-report: out of memory\n");
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    for (size_t i = 0; i < R->cr->n; i++) {
        const dct_criterion *c = &R->cr->c[i];
        result *r = &R->res[R->n_res++];
        memset(r, 0, sizeof *r);
        r->c = c;
        r->run = -1;
        r->measured = r->margin = NAN;
        if (c->not_simulated)
            continue;
        for (size_t k = 0; k < N_CHECKS; k++)
            if (strcmp(dct_bess_checks[k].id, c->id) == 0) {
                r->run = dct_bess_checks[k].run;
                R->run[r->run].needed = 1;
                if (r->run == RUN_TRAIN && strcmp(c->id, "ageing") != 0)
                    R->run[RUN_SLOW].needed = R->run[RUN_FAST].needed =
                        R->run[RUN_UPS].needed = 1;
                if (dct_bess_checks[k].run2 >= 0)
                    R->run[dct_bess_checks[k].run2].needed = 1;
            }
        double site = NAN;
        if (strcmp(c->id, "t4-ramp-mw") == 0)
            site = R->ramp_limit / 1e6;
        else if (strcmp(c->id, "c-rate") == 0)
            site = R->c_rate_max;
        else if (strcmp(c->id, "t-cell") == 0)
            site = R->t_cell_max;
        else if (strcmp(c->id, "t7-dip") == 0 ||
                 strcmp(c->id, "t8-bus-min") == 0 ||
                 strcmp(c->id, "t10-black-start") == 0)
            site = R->band_low;
        r->threshold = dct_bess_threshold_of(c, site);
        if (isnan(r->threshold)) {
            fprintf(stderr, "dctwin: %s:%ld: error: check %s: threshold "
                            "'site', but the site gives none and there is no "
                            "threshold-default\n",
                    R->cr->file, c->line, c->id);
            rc = DCT_EXIT_INPUT;
            goto done;
        }
    }
    /* the site's own thresholds (<criterion check= threshold=>) */
    for (size_t i = 0; i < R->site->n_comps; i++) {
        const dct_comp *c = R->site->comps[i];
        if (c->type != DCT_T_CRITERION)
            continue;
        const char *id = c->s[DCT_CRITERION_CHECK];
        result *r = id ? dct_bess_result_of(R, id) : NULL;
        if (!r || r->run < 0) {
            fprintf(stderr, "dctwin: %s:%ld: error: <criterion check=\"%s\">: "
                            "%s\n", c->file, c->line, id ? id : "",
                    r ? "a not-simulated check has no threshold"
                      : "no such check in the criteria file");
            rc = DCT_EXIT_INPUT;
            goto done;
        }
        r->threshold = c->q[DCT_CRITERION_THRESHOLD];
        r->site_thr = c;
    }
    if (!R->out) {
        snprintf(out, sizeof out, "bess-report-%s",
                 R->site->name ? R->site->name : "site");
        R->out = out;
    }
    /* the report is made in a temporary directory and published whole
     * (rundir.h): runs/NAME/ is three levels below the report */
    static const char *const names[] = {"report.html", "report.json",
                                        "report.pdf", "runs/", "inputs/",
                                        "evidence/", "plots/"};
    int st;
    R->out_final = R->out;
    rd = dct_rundir_begin_tree(R->out, names, 7, 4, &st, &R->d);
    if (!rd) {
        dct_diag_print(&R->d, stderr);
        rc = st;
        goto done;
    }
    R->out = dct_rundir_tmp(rd);
    static const char *const subdirs[] = {"/runs", "/inputs", "/evidence",
                                          "/plots"};
    for (size_t i = 0; i < 4; i++) {
        char dir[PATH_N + 16];
        int made;
        snprintf(dir, sizeof dir, "%s%s", R->out, subdirs[i]);
        if (dct_mkdir_p(dir, &made) != 0) {
            fprintf(stderr, "dctwin: bess-report: %s: %s\n", dir,
                    strerror(errno));
            rc = DCT_EXIT_OUTPUT;
            goto done;
        }
    }
    /* the runs the checks need (the training run before the day's
     * ageing), then the checks */
    for (int k = 0; k < N_RUNS; k++) {
        if (!R->run[k].needed)
            continue;
        if ((k == RUN_GEN) && R->n_gens == 0) {
            for (size_t i = 0; i < R->n_res; i++)
                if (R->res[i].run == k)
                    snprintf(R->res[i].note, sizeof R->res[i].note,
                             "the bus has no generator: nothing to follow");
            continue;
        }
        int src = dct_bess_run(R, k);
        if (src == DCT_EXIT_OUTPUT && !R->run[k].done) {
            rc = src;
            goto done;
        }
        if (dct_bess_run_ok(&R->run[k]))
            dct_bess_evaluate(R, k);
        /* the evidence is written: the run's full trace goes unless
         * --keep-runs */
        if (!R->keep_runs && R->run[k].done)
            dct_rundir_remove(R->run[k].dir);
        if (!dct_bess_run_ok(&R->run[k]))
            for (size_t i = 0; i < R->n_res; i++)
                if (R->res[i].run == k && !R->res[i].note[0])
                    snprintf(R->res[i].note, sizeof R->res[i].note,
                             "the simulation of run %s failed (exit status "
                             "%d)", dct_bess_runs[k].name, R->run[k].rc);
    }
    for (size_t i = 0; i < R->n_res; i++) {
        result *r = &R->res[i];
        /* a generator check on a bus without generators is not
         * simulated, not failed */
        if (r->run == RUN_GEN && R->n_gens == 0)
            r->run = -1;
        dct_bess_judge(r);
    }
    if (R->no_gnuplot || R->d.n_warnings || R->d.n_errors)
        dct_diag_print(&R->d, stderr);
    if (!R->keep_runs) {
        char dir[PATH_N + 16];
        snprintf(dir, sizeof dir, "%s/runs", R->out);
        rmdir(dir);
    }
    remove_unused(R);
    if ((rc = dct_bess_write_report(R)))
        goto done;
    if (R->want_pdf)
        dct_bess_write_pdf(R);
    if (dct_rundir_seal(rd, &R->d) != 0) {
        dct_diag_print(&R->d, stderr);
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    R->out = R->out_final;
    int crc = dct_rundir_commit(rd, &R->d);   /* frees RD in every case */
    rd = NULL;
    if (crc != 0) {
        dct_diag_print(&R->d, stderr);
        rc = DCT_EXIT_OUTPUT;
        goto done;
    }
    if (!R->quiet)
        print_summary(R);
    rc = dct_bess_all_pass(R) ? DCT_EXIT_OK : DCT_EXIT_MARGIN;
done:
    dct_rundir_abort(rd);
    for (int k = 0; k < N_RUNS; k++)
        dct_bess_table_free(&R->run[k].tab);
    dct_criteria_free(R->cr);
    dct_site_free(R->site);
    dct_diag_clear(&R->d);
    free(R->res);
    free(R->argv);
    free(R);
    return rc;
}
