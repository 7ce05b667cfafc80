/* study_cmd.c - `dctwin contingency` and `dctwin sweep`: their options,
 * their cases, and their tables.  The running is study.c's.
 *
 * contingency: every single failure of the site (DEPTH 1) or every pair
 * (DEPTH 2), from the component types' declarations (dct_etype.fail),
 * each run from a settled start and failed at --at; the table is ranked
 * worst first.  sweep: the full factorial of the --vary values (and
 * profiles and scenarios), or a Latin hypercube of --samples; one row per
 * case, then which input moves the binding margin most (Spearman's rank
 * correlation, GSL).
 *
 * Exit status: 0 every case met its margins, 1 some case violated one, 2
 * usage (an empty enumeration, too many cases), 3 input (the site, the
 * base scenario, a --vary argument), 4 some case failed to run (and none
 * violated), 5 output.
 */
#include "config.h"
#include "study.h"
#include "atomic_file.h"
#include "cli.h"
#include "textout.h"
#include "units.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

int dct_cmd_contingency(int argc, char **argv);
int dct_cmd_sweep(int argc, char **argv);

/* Defaults (also in --help and dctwin(1)). */
#define CT_AT_S 60.0
#define CT_DURATION_S 600.0
#define CT_MAX_CASES 2000L

enum { FMT_TEXT, FMT_CSV, FMT_JSON };

/* Options common to both studies. */
typedef struct study_opts {
    const char *cmd;
    const char *site_path, *profile, *scenario, *out, *only;
    double duration, at;
    int depth, jobs, format, is_quiet, is_resume;
    long max_cases;
    unsigned long seed;
    char **sets;
    size_t n_sets;
    /* sweep */
    char **vary;
    size_t n_vary;
    long samples;
    unsigned long lhs_seed;
    int has_samples;
} study_opts;

static int parse_time(const char *cmd, const char *opt, const char *text,
                      double *s)
{
    char err[256];
    if (dct_quantity_parse(text, "s", s, err, sizeof err) != 0) {
        fprintf(stderr, "dctwin: %s: --%s '%s': %s; write a time with its "
                        "unit, e.g. '60 s' or '10min'\n", cmd, opt, text,
                err);
        return -1;
    }
    return 0;
}

static int parse_long(const char *cmd, const char *opt, const char *text,
                      long lo, long hi, long *v)
{
    char *end = NULL;
    errno = 0;
    long x = strtol(text, &end, 10);
    if (errno || end == text || *end || x < lo || x > hi) {
        fprintf(stderr, "dctwin: %s: --%s '%s': expected a whole number "
                        "from %ld to %ld\n", cmd, opt, text, lo, hi);
        return -1;
    }
    *v = x;
    return 0;
}

enum {
    O_DEPTH = 256, O_AT, O_DURATION, O_PROFILE, O_SCENARIO, O_ONLY,
    O_MAX_CASES, O_OUT, O_FORMAT, O_RESUME, O_SET, O_SEED, O_VARY,
    O_SAMPLES
};

/* Returns -1 to go on, else the exit status. */
static int parse_opts(study_opts *o, int argc, char **argv,
                      void (*help)(void))
{
    static const struct option opts[] = {
        {"depth", required_argument, 0, O_DEPTH},
        {"at", required_argument, 0, O_AT},
        {"duration", required_argument, 0, O_DURATION},
        {"profile", required_argument, 0, O_PROFILE},
        {"scenario", required_argument, 0, O_SCENARIO},
        {"only", required_argument, 0, O_ONLY},
        {"max-cases", required_argument, 0, O_MAX_CASES},
        {"out", required_argument, 0, O_OUT},
        {"format", required_argument, 0, O_FORMAT},
        {"resume", no_argument, 0, O_RESUME},
        {"set", required_argument, 0, O_SET},
        {"seed", required_argument, 0, O_SEED},
        {"vary", required_argument, 0, O_VARY},
        {"samples", required_argument, 0, O_SAMPLES},
        {"jobs", required_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int is_sweep = strcmp(o->cmd, "sweep") == 0;
    int c, bad = 0;
    long v = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "j:qh", opts, NULL)) != -1) {
        switch (c) {
        case O_DEPTH:
            if (is_sweep)
                goto unknown;
            bad = parse_long(o->cmd, "depth", optarg, 1, 2, &v);
            o->depth = (int)v;
            break;
        case O_AT:
            if (is_sweep)
                goto unknown;
            bad = parse_time(o->cmd, "at", optarg, &o->at);
            break;
        case O_DURATION:
            bad = parse_time(o->cmd, "duration", optarg, &o->duration);
            break;
        case O_PROFILE:
            o->profile = optarg;
            break;
        case O_SCENARIO:
            o->scenario = optarg;
            break;
        case O_ONLY:
            if (is_sweep)
                goto unknown;
            o->only = optarg;
            break;
        case O_MAX_CASES:
            bad = parse_long(o->cmd, "max-cases", optarg, 1, 1000000,
                             &o->max_cases);
            break;
        case O_OUT:
            o->out = optarg;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o->format = FMT_TEXT;
            else if (strcmp(optarg, "csv") == 0)
                o->format = FMT_CSV;
            else if (strcmp(optarg, "json") == 0)
                o->format = FMT_JSON;
            else {
                fprintf(stderr, "dctwin: %s: --format '%s': expected text, "
                                "csv or json\n", o->cmd, optarg);
                bad = 1;
            }
            break;
        case O_RESUME:
            o->is_resume = 1;
            break;
        case O_SET:
            o->sets[o->n_sets++] = optarg;
            break;
        case O_SEED:
            bad = parse_long(o->cmd, "seed", optarg, 0, 2147483647L, &v);
            o->seed = (unsigned long)v;
            o->lhs_seed = (unsigned long)v;
            break;
        case O_VARY:
            if (!is_sweep)
                goto unknown;
            o->vary[o->n_vary++] = optarg;
            break;
        case O_SAMPLES:
            if (!is_sweep)
                goto unknown;
            bad = parse_long(o->cmd, "samples", optarg, 2, 100000,
                             &o->samples);
            o->has_samples = 1;
            break;
        case 'j':
            bad = parse_long(o->cmd, "jobs", optarg, 1, 4096, &v);
            o->jobs = (int)v;
            break;
        case 'q':
            o->is_quiet = 1;
            break;
        case 'h':
            help();
            return DCT_EXIT_OK;
        default:
        unknown:
            fprintf(stderr, "dctwin: %s: see 'dctwin %s --help'\n", o->cmd,
                    o->cmd);
            return DCT_EXIT_USAGE;
        }
    }
    if (bad)
        return DCT_EXIT_USAGE;
    if (optind != argc - 1) {
        fprintf(stderr, "dctwin: %s: %s (see 'dctwin %s --help')\n", o->cmd,
                optind >= argc ? "no SITE given" : "more than one SITE given",
                o->cmd);
        return DCT_EXIT_USAGE;
    }
    o->site_path = argv[optind];
    if (!(o->duration > 0)) {
        fprintf(stderr, "dctwin: %s: --duration must be > 0 s\n", o->cmd);
        return DCT_EXIT_USAGE;
    }
    if (!is_sweep && !(o->at >= 0 && o->at < o->duration)) {
        fprintf(stderr, "dctwin: %s: --at %g s: must be from 0 to before "
                        "the end of the run (--duration %g s)\n", o->cmd,
                o->at, o->duration);
        return DCT_EXIT_USAGE;
    }
    return -1;
}

/* Default study directory: ./CMD-<site name>, the name made safe. */
static char *default_dir(const char *cmd, const char *name)
{
    if (!name || !*name)
        name = "site";
    size_t n = strlen(name), lc = strlen(cmd);
    char *p = malloc(n + lc + 4);
    if (!p)
        return NULL;
    int k = snprintf(p, n + lc + 4, "./%s-", cmd);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        p[(size_t)k + i] = ok ? c : '_';
    }
    p[(size_t)k + n] = '\0';
    return p;
}

/* ---------------------------------------------------------- the tables */

/* A text field for people: control characters as '?', padded to W. */
static void txt(FILE *f, const char *s, int w, int is_right)
{
    int n = (int)strlen(s ? s : "");
    if (is_right)
        for (int k = n; k < w; k++)
            putc(' ', f);
    for (; s && *s; s++)
        putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
    if (!is_right)
        for (int k = n; k < w; k++)
            putc(' ', f);
}

static void fmt_num(char *b, size_t n, const char *fmt, double x)
{
    if (isnan(x))
        snprintf(b, n, "-");
    else
        snprintf(b, n, fmt, x);
}

/* Rank: cases that failed to run, then violations, then the rest; each
 * by margin %, then time to throttle, then case number. */
static const dct_study *rank_st;
static int rank_class(int status)
{
    return status >= DCT_EXIT_USAGE ? 0 : status == DCT_EXIT_MARGIN ? 1 : 2;
}

static int cmp_nan_last(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

static int cmp_rank(const void *pa, const void *pb)
{
    const dct_study_row *a = &rank_st->rows[*(const size_t *)pa];
    const dct_study_row *b = &rank_st->rows[*(const size_t *)pb];
    int c = rank_class(a->status) - rank_class(b->status);
    if (!c)
        c = cmp_nan_last(a->mg_pct, b->mg_pct);
    if (!c)
        c = cmp_nan_last(a->time_to_throttle, b->time_to_throttle);
    if (!c)
        c = (a->icase > b->icase) - (a->icase < b->icase);
    return c;
}

typedef struct cont_table {
    const dct_study *st;
    const study_opts *o;
    const char *site_name;
    size_t n_single;
    const size_t *order;
} cont_table;

static void cont_text(FILE *f, const cont_table *t)
{
    const dct_study *st = t->st;
    fprintf(f, "contingency of site ");
    txt(f, t->site_name, 0, 0);
    fprintf(f, ": %zu case%s for %zu single failure%s, depth %d, failures "
               "at %g s, runs of %g s\n", st->n_cases,
            st->n_cases == 1 ? "" : "s", t->n_single,
            t->n_single == 1 ? "" : "s", t->o->depth, t->o->at,
            t->o->duration);
    int w_what = 6, w_id = 14;
    for (size_t i = 0; i < st->n_cases; i++) {
        int l = (int)strlen(st->cases[i].what);
        w_what = l > w_what ? l : w_what;
        const dct_study_row *r = &st->rows[i];
        l = r->mg_id ? (int)strlen(r->mg_id) : 1;
        w_id = l > w_id ? l : w_id;
    }
    fprintf(f, "%4s %5s  ", "rank", "case");
    txt(f, "failed", w_what, 0);
    fprintf(f, " %6s %4s  ", "x", "exit");
    txt(f, "binding margin", w_id, 0);
    fprintf(f, " %10s %-6s %9s %11s %13s %6s  %s\n", "value", "unit",
            "margin %", "throttle_s", "unserved_kWh", "trips", "margin");
    size_t n_viol = 0, n_err = 0;
    for (size_t k = 0; k < st->n_cases; k++) {
        size_t i = t->order[k];
        const dct_study_row *r = &st->rows[i];
        char v[32], p[32], tt[32], u[32];
        n_viol += r->status == DCT_EXIT_MARGIN;
        n_err += r->status >= DCT_EXIT_USAGE;
        fmt_num(v, sizeof v, "%.5g", r->mg_value);
        fmt_num(p, sizeof p, "%.1f", r->mg_pct);
        fmt_num(tt, sizeof tt, "%.4g", r->time_to_throttle);
        fmt_num(u, sizeof u, "%.3f", r->unserved_J / 3.6e6);
        fprintf(f, "%4zu %5zu  ", k + 1, i + 1);
        txt(f, st->cases[i].what, w_what, 0);
        fprintf(f, " %6lu %4d  ", st->cases[i].mult, r->status);
        if (r->status >= DCT_EXIT_USAGE) {
            fputs("error: ", f);
            txt(f, r->error ? r->error : "?", 0, 0);
            fputc('\n', f);
            continue;
        }
        txt(f, r->mg_id ? r->mg_id : "-", w_id, 0);
        fprintf(f, " %10s ", v);
        txt(f, r->mg_unit ? r->mg_unit : "-", 6, 0);
        fprintf(f, " %9s %11s %13s %6ld  ", p, tt, u, r->rack_trips);
        txt(f, r->mg_label ? r->mg_label : "", 0, 0);
        fputc('\n', f);
    }
    fprintf(f, "%zu case%s: %zu violate%s a margin, %zu failed to run\n",
            st->n_cases, st->n_cases == 1 ? "" : "s", n_viol,
            n_viol == 1 ? "s" : "", n_err);
}

static void csv_num(FILE *f, double x, const char *fmt)
{
    if (!isnan(x))
        fprintf(f, fmt, x);
}

static void cont_csv(FILE *f, const cont_table *t)
{
    const dct_study *st = t->st;
    fputs("rank,case,failed,multiplicity,exit,binding,label,value,unit,"
          "margin,margin_pct,time_to_throttle_s,throttle_rack,"
          "unserved_kWh,rack_trips,events,error\n", f);
    for (size_t k = 0; k < st->n_cases; k++) {
        size_t i = t->order[k];
        const dct_study_row *r = &st->rows[i];
        fprintf(f, "%zu,%zu,", k + 1, i + 1);
        dct_csv_field(f, st->cases[i].what);
        fprintf(f, ",%lu,%d,", st->cases[i].mult, r->status);
        dct_csv_field(f, r->mg_id ? r->mg_id : "");
        putc(',', f);
        dct_csv_field(f, r->mg_label ? r->mg_label : "");
        putc(',', f);
        csv_num(f, r->mg_value, "%.9g");
        putc(',', f);
        dct_csv_field(f, r->mg_unit ? r->mg_unit : "");
        putc(',', f);
        csv_num(f, r->mg_margin, "%.9g");
        putc(',', f);
        csv_num(f, r->mg_pct, "%.6g");
        putc(',', f);
        csv_num(f, r->time_to_throttle, "%.9g");
        putc(',', f);
        dct_csv_field(f, r->throttle_id ? r->throttle_id : "");
        putc(',', f);
        csv_num(f, r->unserved_J / 3.6e6, "%.9g");
        fprintf(f, ",%ld,%ld,", r->rack_trips, r->n_events);
        dct_csv_field(f, r->error ? r->error : "");
        putc('\n', f);
    }
}

static void cont_json(FILE *f, const cont_table *t)
{
    const dct_study *st = t->st;
    fputs("{\"site\":", f);
    dct_json_str(f, t->site_name);
    fprintf(f, ",\"depth\":%d,\"at_s\":", t->o->depth);
    dct_json_num(f, t->o->at);
    fputs(",\"duration_s\":", f);
    dct_json_num(f, t->o->duration);
    fprintf(f, ",\"n_single\":%zu,\"cases\":[", t->n_single);
    for (size_t k = 0; k < st->n_cases; k++) {
        size_t i = t->order[k];
        const dct_study_row *r = &st->rows[i];
        fprintf(f, "%s\n  {\"rank\":%zu,\"case\":%zu,\"failed\":",
                k ? "," : "", k + 1, i + 1);
        dct_json_str(f, st->cases[i].what);
        fprintf(f, ",\"multiplicity\":%lu,\"exit\":%d,\"binding\":",
                st->cases[i].mult, r->status);
        dct_json_str(f, r->mg_id);
        fputs(",\"label\":", f);
        dct_json_str(f, r->mg_label);
        fputs(",\"value\":", f);
        dct_json_num(f, r->mg_value);
        fputs(",\"unit\":", f);
        dct_json_str(f, r->mg_unit);
        fputs(",\"margin\":", f);
        dct_json_num(f, r->mg_margin);
        fputs(",\"margin_pct\":", f);
        dct_json_num(f, r->mg_pct);
        fputs(",\"time_to_throttle_s\":", f);
        dct_json_num(f, r->time_to_throttle);
        fputs(",\"throttle_rack\":", f);
        dct_json_str(f, r->throttle_id);
        fputs(",\"unserved_kWh\":", f);
        dct_json_num(f, r->unserved_J / 3.6e6);
        fprintf(f, ",\"rack_trips\":%ld,\"events\":%ld,\"error\":",
                r->rack_trips, r->n_events);
        dct_json_str(f, r->error);
        fputs("}", f);
    }
    fputs(st->n_cases ? "\n ]}\n" : "]}\n", f);
}

/* Write the table in FMT to stdout and all three to the study directory
 * (table.txt, table.csv, table.json).  Returns 0 or -1. */
typedef void (*table_fn)(FILE *, const void *);
static int write_tables(const char *cmd, const char *dir, int fmt,
                        int to_stdout, table_fn fns[3], const void *t)
{
    static const char *names[3] = {"table.txt", "table.csv", "table.json"};
    int rc = 0;
    for (int k = 0; k < 3 && !rc; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        dct_afile *af = dct_afile_open(path);
        if (!af) {
            rc = -1;
            break;
        }
        fns[k](dct_afile_fp(af), t);
        if (dct_afile_finish(af) != 0 || dct_afile_commit(af) != 0)
            rc = -1;
    }
    if (rc)
        fprintf(stderr, "dctwin: %s: %s: cannot write the tables: %s\n", cmd,
                dir, strerror(errno));
    if (to_stdout) {
        fns[fmt](stdout, t);
        if (fflush(stdout) != 0)
            rc = -1;
    }
    return rc;
}

static void cont_text_v(FILE *f, const void *t) { cont_text(f, t); }
static void cont_csv_v(FILE *f, const void *t) { cont_csv(f, t); }
static void cont_json_v(FILE *f, const void *t) { cont_json(f, t); }

/* The exit status of a finished study. */
static int study_status(const dct_study *st)
{
    int viol = 0, err = 0;
    for (size_t i = 0; i < st->n_cases; i++) {
        viol |= st->rows[i].status == DCT_EXIT_MARGIN;
        err |= st->rows[i].status >= DCT_EXIT_USAGE;
    }
    return viol ? DCT_EXIT_MARGIN : err ? DCT_EXIT_SOLVER : DCT_EXIT_OK;
}

/* ------------------------------------------------------- contingency */

static void cont_help(void)
{
    printf(
        "Usage: dctwin contingency SITE [OPTION]...\n"
        "Fail every single failable unit of SITE (each CDU, CDU pump, "
        "rectifier unit,\nbusway, heat-rejection unit and its fans, CRAH "
        "unit, facility-loop pumps,\ngenerator set, battery, the grid) at "
        "--at after a settled start, one run\neach, and rank the runs worst "
        "first; with --depth 2, every pair.  Identical\nunits run once, "
        "with their multiplicity.\n\n"
        "  --depth=1|2        single failures (default) or pairs\n"
        "  --at=T             when the failure happens (default 60 s)\n"
        "  --duration=T       each run (default 10 min)\n"
        "  --profile=P        load profile of every rack (as simulate)\n"
        "  --scenario=FILE    the base scenario the failures are added to\n"
        "  --set=ID.PARAM=V   override a parameter (as simulate; "
        "repeatable)\n"
        "  --only=TYPES       only these types (comma-separated element "
        "names: cdu,\n"
        "                     busway, rectifier, heat-rejection, "
        "hall-air, ...)\n"
        "  --max-cases=N      refuse a study of more cases (default 2000)\n"
        "  -j, --jobs=N       worker processes (default: the cores)\n"
        "  --out=DIR          the study directory: journal.tsv, table.txt, "
        ".csv, .json\n"
        "                     (default ./contingency-SITENAME)\n"
        "  --resume           run only the cases DIR's journal lacks\n"
        "  --format=FMT       text (default), csv or json on stdout\n"
        "  --seed=N           seed of the profiles' random parts "
        "(default 1)\n"
        "  -q, --quiet        no progress, no case count\n"
        "  -h, --help         print this help and exit\n\n"
        "Under mpirun, rank 0 hands the cases to the other ranks.\n"
        "Exit status: 0 every case met its margins, 1 some case violated "
        "one, 2 usage\n(nothing to fail, too many cases), 3 input error, "
        "4 some case failed to run,\n5 output failure.\n");
}

static int load_site(const study_opts *o, dct_site **s, dct_scenario **sc)
{
    dct_diag d;
    dct_diag_init(&d);
    dct_site_opts so = {o->sets, o->n_sets, NULL, NULL, 0, 1};
    *s = dct_site_load_opts(o->site_path, &so, &d);
    if (*s && o->scenario && sc)
        *sc = dct_scenario_load(o->scenario, *s, &d);
    int bad = !*s || (o->scenario && sc && !*sc);
    if (bad || !o->is_quiet)
        dct_diag_print(&d, stderr);
    dct_diag_clear(&d);
    return bad ? DCT_EXIT_INPUT : 0;
}

static void base_opts(dct_study *st, const study_opts *o)
{
    st->base.site_path = o->site_path;
    st->base.profile = o->profile;
    st->base.duration = o->duration;
    st->base.sets = o->sets;
    st->base.n_sets = o->n_sets;
    st->base.scenario_path = o->scenario;
    st->base.seed = o->seed;
    st->jobs = o->jobs;
    st->is_quiet = o->is_quiet;
    st->is_resume = o->is_resume;
}

int dct_cmd_contingency(int argc, char **argv)
{
    study_opts o = {0};
    o.cmd = "contingency";
    o.depth = 1;
    o.at = CT_AT_S;
    o.duration = CT_DURATION_S;
    o.max_cases = CT_MAX_CASES;
    o.seed = 1;
    dct_study st = {0};
    dct_site *s = NULL;
    dct_scenario *sc = NULL;
    char *dir = NULL;
    size_t *order = NULL, n_single = 0;
    int rank = 0;
    if (!(o.sets = calloc((size_t)argc + 1, sizeof *o.sets)))
        return DCT_EXIT_USAGE;
    int rc = parse_opts(&o, argc, argv, cont_help);
    if (rc >= 0)
        goto out;
    int is_mpi = dct_study_mpi_size(&rank) > 1;
    if (rank > 0)
        o.is_quiet = 1;
    if ((rc = load_site(&o, &s, &sc)) != 0)
        goto out;
    dct_diag d;
    dct_diag_init(&d);
    if (dct_study_enumerate(s, o.depth, o.only, &st.cases, &st.n_cases,
                            &n_single, &d) != 0) {
        dct_diag_print(&d, stderr);
        dct_diag_clear(&d);
        rc = DCT_EXIT_USAGE;
        goto out;
    }
    if (st.n_cases == 0) {
        fprintf(stderr, "dctwin: contingency: %s: nothing to fail: no "
                        "component of a type that can fail%s%s\n",
                o.site_path, o.only ? " among --only " : "",
                o.only ? o.only : "");
        rc = DCT_EXIT_USAGE;
        goto out;
    }
    if ((long)st.n_cases > o.max_cases) {
        fprintf(stderr, "dctwin: contingency: %zu cases at depth %d, more "
                        "than --max-cases %ld; narrow with --only or raise "
                        "--max-cases\n", st.n_cases, o.depth, o.max_cases);
        rc = DCT_EXIT_USAGE;
        goto out;
    }
    if (!(dir = o.out ? strdup(o.out) : default_dir("contingency", s->name)))
        goto oom;
    st.cmd = "contingency";
    base_opts(&st, &o);
    st.base_sc = sc;
    st.t_at = o.at;
    st.dir = dir;
    if (!o.is_quiet)
        fprintf(stderr, "dctwin: contingency: %zu case%s (%zu single "
                        "failure%s, depth %d) in %s%s\n", st.n_cases,
                st.n_cases == 1 ? "" : "s", n_single,
                n_single == 1 ? "" : "s", o.depth, dir,
                is_mpi ? " over MPI" : "");
    if ((rc = dct_study_run(&st)) != 0 || rank > 0)
        goto out;
    if (!(order = malloc(st.n_cases * sizeof *order)))
        goto oom;
    for (size_t i = 0; i < st.n_cases; i++)
        order[i] = i;
    rank_st = &st;
    qsort(order, st.n_cases, sizeof *order, cmp_rank);
    cont_table t = {&st, &o, s->name ? s->name : "?", n_single, order};
    table_fn fns[3] = {cont_text_v, cont_csv_v, cont_json_v};
    if (write_tables("contingency", dir, o.format, 1, fns, &t) != 0) {
        rc = DCT_EXIT_OUTPUT;
        goto out;
    }
    if (!o.is_quiet)
        fprintf(stderr, "dctwin: contingency: %zu cases in %.1f s wall\n",
                st.n_cases, st.wall_s);
    rc = study_status(&st);
    goto out;
oom:
    fprintf(stderr, "dctwin: contingency: out of memory\n");
    rc = DCT_EXIT_OUTPUT;
out:
    dct_study_rows_free(&st);
    dct_study_cases_free(st.cases, st.n_cases);
    dct_scenario_free(sc);
    dct_site_free(s);
    free(order);
    free(dir);
    free(o.sets);
    dct_study_mpi_end();
    return rc;
}
int dct_cmd_sweep(int argc, char **argv) { (void)argc; (void)argv; return DCT_EXIT_USAGE; }
