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
#include "weather.h"
#include "study.h"
#include "atomic_file.h"
#include "cli.h"
#include "textout.h"
#include "units.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>


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
    const char *weather, *weather_start, *design;  /* as simulate */
    /* sweep */
    char **vary;
    size_t n_vary;
    long samples;
    unsigned long lhs_seed;
    int has_samples;
    int electrical;           /* DCT_ELEC_*; 0 until --electrical */
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
    O_SAMPLES, O_WEATHER, O_START, O_DESIGN, O_ELECTRICAL
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
        {"weather", required_argument, 0, O_WEATHER},
        {"start", required_argument, 0, O_START},
        {"design", required_argument, 0, O_DESIGN},
        {"electrical", required_argument, 0, O_ELECTRICAL},
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
        case O_WEATHER:
            o->weather = optarg;
            break;
        case O_START:
            o->weather_start = optarg;
            break;
        case O_DESIGN:
            o->design = optarg;
            break;
        case O_ELECTRICAL:
            bad = dct_model_electrical_parse(o->cmd, optarg, &o->electrical);
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

/* --weather, --start, --design checked once before the cases (each
 * case reads the file again), and, unless quiet, the design condition
 * the study is at said on stdout.  Returns -1 to go on, else the exit
 * status. */
static int check_weather(const study_opts *o)
{
    if (!o->weather && !o->weather_start && !o->design)
        return -1;
    dct_weather_opt wo = {.file = o->weather, .start = o->weather_start,
                          .design = o->design};
    dct_diag d;
    dct_diag_init(&d);
    int rc = dct_weather_opt_resolve(&wo, o->duration, &d);
    dct_diag_print(&d, stderr);
    dct_diag_clear(&d);
    char what[600];
    dct_weather_opt_describe(&wo, what, sizeof what);
    if (!rc && *what && !o->is_quiet)
        printf("%s at the %s\n", o->cmd, what);
    dct_weather_opt_free(&wo);
    return rc ? rc : -1;
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

/* The binding margin's cells of a CSV row: binding, value, unit, margin,
 * margin_pct, time_to_throttle_s (the two tables share them). */
static void csv_binding(FILE *f, const dct_study_row *r)
{
    dct_csv_field(f, r->mg_id ? r->mg_id : "");
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
}

static void cont_csv(FILE *f, const cont_table *t)
{
    const dct_study *st = t->st;
    /* the texts that may hold commas last: awk -F, reads the rest */
    fputs("rank,case,failed,multiplicity,exit,binding,value,unit,"
          "margin,margin_pct,time_to_throttle_s,throttle_rack,"
          "unserved_kWh,rack_trips,events,label,error\n", f);
    for (size_t k = 0; k < st->n_cases; k++) {
        size_t i = t->order[k];
        const dct_study_row *r = &st->rows[i];
        fprintf(f, "%zu,%zu,", k + 1, i + 1);
        dct_csv_field(f, st->cases[i].what);
        fprintf(f, ",%lu,%d,", st->cases[i].mult, r->status);
        csv_binding(f, r);
        putc(',', f);
        dct_csv_field(f, r->throttle_id ? r->throttle_id : "");
        putc(',', f);
        csv_num(f, r->unserved_J / 3.6e6, "%.9g");
        fprintf(f, ",%ld,%ld,", r->rack_trips, r->n_events);
        dct_csv_field(f, r->mg_label ? r->mg_label : "");
        putc(',', f);
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
        "unit, facility-loop pump,\ngenerator set, battery, the grid) at "
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
        "  --weather=FILE     the ambient of every run follows a weather "
        "file; with\n"
        "  --start=MM-DD[Thh] from this date, or\n"
        "  --design=NAME      at the file's design condition (as "
        "simulate)\n"
        "  --only=TYPES       only these types (comma-separated element "
        "names: cdu,\n"
        "                     busway, rectifier, heat-rejection, "
        "hall-air, ...)\n"
        "  --max-cases=N      refuse a study of more cases (default 2000)\n"
        "  --electrical=MODE  quasi-static (default) or dynamic (as "
        "simulate)\n"
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
    st->base.weather = o->weather;
    st->base.weather_start = o->weather_start;
    st->base.design = o->design;
    st->base.electrical = o->electrical;
    st->jobs = o->jobs;
    st->is_quiet = o->is_quiet;
    st->is_resume = o->is_resume;
}

int dct_cmd_contingency(int argc, char **argv)
{
    study_opts o = {0};
    o.electrical = DCT_ELEC_QUASI_STATIC;   /* the studies' default */
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
    if (rc < 0)
        rc = check_weather(&o);
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

/* ------------------------------------------------------------- sweep */

/* One input of a sweep: a parameter (--vary), the profile or the
 * scenario. */
typedef struct axis {
    const char *arg;      /* the --vary argument as given */
    char *target;         /* "cdu-1.supply-setpoint" (owned) */
    const char *unit;     /* the parameter's unit (the component table's) */
    char disp[32];        /* the unit the values were written in */
    double *v;            /* [n] values, SI (owned) */
    size_t n;
    int is_range;         /* A..B/STEP: Latin hypercube samples in [A, B] */
    double lo, hi;
    char **names;         /* profile or scenario axis: the names (owned) */
    int kind;             /* 0 parameter, 1 profile, 2 scenario */
} axis;

static void sweep_help(void)
{
    printf(
        "Usage: dctwin sweep SITE --vary ID.PARAM=VALUES [--vary ...] "
        "[OPTION]...\n"
        "Run SITE over every combination of the values (full factorial), "
        "or over\n--samples N points of a Latin hypercube; one row per "
        "case with its inputs and\nits margins, then how strongly each "
        "input moves the binding margin\n(Spearman's rank correlation).\n\n"
        "  --vary=ID.PARAM=VALUES  a parameter (as --set) and its values: "
        "a list\n"
        "                     '25,35degC' or a range 'A..B/STEP' "
        "('30..40degC/2K');\n"
        "                     a value without a unit takes the last "
        "one's\n"
        "  --profile=LIST     profiles to run, comma-separated (an input)\n"
        "  --scenario=LIST    scenario files to run, comma-separated "
        "(an input)\n"
        "  --samples=N        N points of a Latin hypercube instead of "
        "every\n"
        "                     combination (ranges sampled in [A, B])\n"
        "  --seed=S           seed of the hypercube and of the profiles "
        "(default 1)\n"
        "  --duration=T       each run (default 10 min)\n"
        "  --set=ID.PARAM=V   a fixed override (repeatable)\n"
        "  --weather=FILE     the ambient of every run follows a weather "
        "file; with\n"
        "  --start=MM-DD[Thh] from this date, or\n"
        "  --design=NAME      at the file's design condition (as "
        "simulate)\n"
        "  --electrical=MODE  quasi-static (default) or dynamic (as "
        "simulate)\n"
        "  -j, --jobs=N       worker processes (default: the cores)\n"
        "  --out=DIR          the study directory (default "
        "./sweep-SITENAME)\n"
        "  --resume           run only the cases DIR's journal lacks\n"
        "  --max-cases=N      refuse a sweep of more cases (default 2000)\n"
        "  --format=FMT       text (default), csv or json on stdout\n"
        "  -q, --quiet        no progress, no case count\n"
        "  -h, --help         print this help and exit\n\n"
        "Exit status: 0 every case met its margins, 1 some case violated "
        "one, 2 usage,\n3 input error (a --vary target or unit), 4 some "
        "case failed to run,\n5 output failure.\n");
}

/* The parameter TARGET ("ID.PARAM") of site S: its unit, or NULL with a
 * message in ERR. */
static const char *param_unit(const dct_site *s, const char *target,
                              char *err, size_t n)
{
    const char *dot = strrchr(target, '.');
    if (!dot || dot == target || !dot[1]) {
        snprintf(err, n, "expected ID.PARAM=VALUES");
        return NULL;
    }
    size_t li = (size_t)(dot - target);
    for (size_t k = 0; k < s->n_comps; k++) {
        const dct_comp *c = s->comps[k];
        int hit = strncmp(target, "ambient", li) == 0 && li == 7
                      ? c->type == DCT_T_AMBIENT
                      : c->id && strlen(c->id) == li &&
                            strncmp(c->id, target, li) == 0;
        if (!hit)
            continue;
        int i = dct_param_lookup(c->type, dot + 1);
        if (i < 0) {
            snprintf(err, n, "<%s> %.*s has no parameter '%s'",
                     dct_etypes[c->type].name, (int)li, target, dot + 1);
            return NULL;
        }
        const dct_param *p = &dct_etypes[c->type].params[i];
        if (p->kind != DCT_PK_Q && p->kind != DCT_PK_INT) {
            snprintf(err, n, "'%s' is not a number or quantity", dot + 1);
            return NULL;
        }
        return p->unit;
    }
    if (li == 7 && strncmp(target, "ambient", 7) == 0) {
        int i = dct_param_lookup(DCT_T_AMBIENT, dot + 1);
        if (i >= 0)
            return dct_etypes[DCT_T_AMBIENT].params[i].unit;
    }
    snprintf(err, n, "the site has no component or model named '%.*s'",
             (int)li, target);
    return NULL;
}

/* The unit letters at the end of TEXT ("40degC" -> "degC"), or "". */
static const char *unit_of(const char *text)
{
    const char *e = text + strlen(text);
    while (e > text && !(e[-1] >= '0' && e[-1] <= '9') && e[-1] != '.')
        e--;
    while (*e == ' ')
        e++;
    return e;
}

static int is_temp(const char *unit)
{
    return strcmp(unit, "degC") == 0 || strcmp(unit, "K") == 0;
}

/* One value TEXT of axis A (the unit DEF when it has none) into *SI. */
static int parse_value(const axis *a, const char *text, const char *def,
                       double *si, char *err, size_t n)
{
    char buf[128];
    if (!*unit_of(text) && *def)
        snprintf(buf, sizeof buf, "%s%s", text, def);
    else
        snprintf(buf, sizeof buf, "%s", text);
    return dct_quantity_parse(buf, a->unit, si, err, n);
}

/* Parse "--vary ID.PARAM=VALUES" against site S into A.  Returns 0, or -1
 * with the reason in ERR. */
static int parse_vary(axis *a, const char *arg, const dct_site *s,
                      char *err, size_t n)
{
    const char *eq = strchr(arg, '=');
    a->arg = arg;
    if (!eq || eq == arg || !eq[1]) {
        snprintf(err, n, "expected ID.PARAM=VALUES, e.g. "
                         "cdu-1.supply-setpoint=30..40degC/2K");
        return -1;
    }
    if (!(a->target = strndup(arg, (size_t)(eq - arg))))
        return -1;
    if (!(a->unit = param_unit(s, a->target, err, n)))
        return -1;
    const char *vals = eq + 1, *dd = strstr(vals, "..");
    if (dd) {
        /* A..B/STEP: A takes B's unit when it has none */
        const char *sl = strchr(dd, '/');
        if (!sl || !sl[1]) {
            snprintf(err, n, "a range needs a step: A..B/STEP");
            return -1;
        }
        char ta[64], tb[64], ts[64];
        snprintf(ta, sizeof ta, "%.*s", (int)(dd - vals), vals);
        snprintf(tb, sizeof tb, "%.*s", (int)(sl - dd - 2), dd + 2);
        snprintf(ts, sizeof ts, "%s", sl + 1);
        snprintf(a->disp, sizeof a->disp, "%.31s", unit_of(tb));
        double lo, hi, st;
        /* a temperature step is a difference (K) */
        const char *su = is_temp(a->unit) ? "K" : a->unit;
        if (parse_value(a, tb, "", &hi, err, n) ||
            parse_value(a, ta, a->disp, &lo, err, n) ||
            dct_quantity_parse(ts, su, &st, err, n))
            return -1;
        if (is_temp(a->unit) && strstr(ts, "degC")) {
            snprintf(err, n, "a temperature step is a difference: write "
                             "it in K ('2K')");
            return -1;
        }
        if (!(st > 0) || !(hi >= lo)) {
            snprintf(err, n, "expected A <= B and a step > 0");
            return -1;
        }
        double k = floor((hi - lo) / st * (1 + 1e-12) + 1e-9);
        if (k > 10000) {
            snprintf(err, n, "%.0f values; at most 10001", k + 1);
            return -1;
        }
        a->n = (size_t)k + 1;
        if (!(a->v = malloc(a->n * sizeof *a->v)))
            return -1;
        for (size_t i = 0; i < a->n; i++)
            a->v[i] = lo + (double)i * st;
        a->is_range = 1;
        a->lo = lo;
        a->hi = hi;
        return 0;
    }
    /* a list: a value without a unit takes the last value's */
    char *copy = strdup(vals);
    if (!copy)
        return -1;
    size_t cap = 1;
    for (const char *p = vals; *p; p++)
        cap += *p == ',';
    if (!(a->v = malloc(cap * sizeof *a->v))) {
        free(copy);
        return -1;
    }
    char *save = NULL, *items[10001];
    size_t ni = 0;
    for (char *t = strtok_r(copy, ",", &save); t && ni < 10001;
         t = strtok_r(NULL, ",", &save))
        items[ni++] = t;
    snprintf(a->disp, sizeof a->disp, "%.31s",
             ni ? unit_of(items[ni - 1]) : "");
    int rc = ni ? 0 : -1;
    if (!ni)
        snprintf(err, n, "no values");
    for (size_t i = 0; i < ni && !rc; i++)
        rc = parse_value(a, items[i], a->disp, &a->v[a->n++], err, n);
    free(copy);
    return rc;
}

/* A comma-separated LIST into axis A of KIND (profile, scenario). */
static int list_axis(axis *a, const char *list, int kind)
{
    a->kind = kind;
    a->arg = list;
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += *p == ',';
    if (!(a->names = calloc(cap, sizeof *a->names)) ||
        !(a->v = calloc(cap, sizeof *a->v)))
        return -1;
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        if (k && !(a->names[a->n] = strndup(p, k)))
            return -1;
        if (k) {
            a->v[a->n] = (double)a->n;
            a->n++;
        }
        p += k + (p[k] == ',');
    }
    return 0;
}

static void axes_free(axis *ax, size_t n)
{
    for (size_t i = 0; ax && i < n; i++) {
        free(ax[i].target);
        free(ax[i].v);
        for (size_t k = 0; ax[i].names && k < ax[i].n; k++)
            free(ax[i].names[k]);
        free(ax[i].names);
    }
    free(ax);
}

/* "--set" text of value X of parameter axis A, in the table's unit. */
static void set_text(const axis *a, double x, char *buf, size_t n)
{
    snprintf(buf, n, "%s=%.12g%s", a->target, dct_unit_from_si(x, a->unit),
             a->unit);
}

/* Display text of input K of case C. */
static void input_text(const axis *a, double x, char *buf, size_t n)
{
    if (a->kind)
        snprintf(buf, n, "%s", a->names[(size_t)x]);
    else
        snprintf(buf, n, "%.6g", dct_unit_from_si(x, *a->disp ? a->disp
                                                              : a->unit));
}

/* Make case I with inputs X [n_ax] (SI, or an index for a list axis). */
static int make_case(dct_study_case *c, const axis *ax, size_t n_ax,
                     const double *x)
{
    char what[2048] = "", key[2048] = "", b[512];
    size_t lw = 0, lk = 0;
    memset(c, 0, sizeof *c);
    c->mult = 1;
    if (!(c->x = malloc((n_ax ? n_ax : 1) * sizeof *c->x)) ||
        !(c->sets = calloc(n_ax ? n_ax : 1, sizeof *c->sets)))
        return -1;
    for (size_t k = 0; k < n_ax; k++) {
        const axis *a = &ax[k];
        c->x[k] = x[k];
        if (a->kind == 1)
            c->profile = a->names[(size_t)x[k]];
        else if (a->kind == 2)
            c->scenario_path = a->names[(size_t)x[k]];
        else {
            set_text(a, x[k], b, sizeof b);
            if (!(c->sets[c->n_sets++] = strdup(b)))
                return -1;
        }
        char v[256];
        input_text(a, x[k], v, sizeof v);
        int w = snprintf(what + lw, sizeof what - lw, "%s%s=%s%s",
                         k ? " " : "",
                         a->kind == 1 ? "profile"
                         : a->kind == 2 ? "scenario" : a->target,
                         v, a->kind ? "" : a->disp);
        lw += w > 0 && (size_t)w < sizeof what - lw ? (size_t)w : 0;
        w = snprintf(key + lk, sizeof key - lk, "%s%zu=%.17g", k ? ";" : "",
                     k, x[k]);
        lk += w > 0 && (size_t)w < sizeof key - lk ? (size_t)w : 0;
    }
    if (!(c->what = strdup(what)) || !(c->key = strdup(key)))
        return -1;
    return 0;
}

/* Every combination (first axis slowest), or N Latin hypercube samples. */
static int sweep_cases(dct_study *st, const axis *ax, size_t n_ax,
                       const study_opts *o)
{
    size_t n = 1;
    if (o->has_samples) {
        n = (size_t)o->samples;
    } else {
        for (size_t k = 0; k < n_ax; k++) {
            if (n > (size_t)o->max_cases)
                break;
            n *= ax[k].n;
        }
    }
    if ((long)n > o->max_cases) {
        fprintf(stderr, "dctwin: sweep: %s%zu cases, more than --max-cases "
                        "%ld\n", o->has_samples ? "" : "at least ", n,
                o->max_cases);
        return DCT_EXIT_USAGE;
    }
    double *x = malloc((n_ax ? n_ax : 1) * sizeof *x);
    double *u = NULL;
    size_t *perm = NULL;
    if (!x || !(st->cases = calloc(n, sizeof *st->cases))) {
        free(x);
        return DCT_EXIT_OUTPUT;
    }
    st->n_cases = n;
    int rc = 0;
    if (o->has_samples) {
        /* a Latin hypercube: axis k's N strata in a random order, one
         * uniform point in each (GSL's Mersenne twister) */
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        u = malloc(n * (n_ax ? n_ax : 1) * sizeof *u);
        perm = malloc(n * sizeof *perm);
        if (!r || !u || !perm) {
            gsl_rng_free(r);
            rc = DCT_EXIT_OUTPUT;
            goto out;
        }
        gsl_rng_set(r, o->lhs_seed);
        for (size_t k = 0; k < n_ax; k++) {
            for (size_t i = 0; i < n; i++)
                perm[i] = i;
            gsl_ran_shuffle(r, perm, n, sizeof *perm);
            for (size_t i = 0; i < n; i++)
                u[i * n_ax + k] = ((double)perm[i] + gsl_rng_uniform(r)) /
                                  (double)n;
        }
        gsl_rng_free(r);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        size_t rem = i;
        for (size_t k = n_ax; k-- > 0;) {
            const axis *a = &ax[k];
            if (o->has_samples) {
                double q = u[i * n_ax + k];
                if (a->is_range)
                    x[k] = a->lo + q * (a->hi - a->lo);
                else {
                    size_t j = (size_t)(q * (double)a->n);
                    x[k] = a->v[j < a->n ? j : a->n - 1];
                }
            } else {
                x[k] = a->v[rem % a->n];
                rem /= a->n;
            }
        }
        if (make_case(&st->cases[i], ax, n_ax, x) != 0)
            rc = DCT_EXIT_OUTPUT;
    }
out:
    free(u);
    free(perm);
    free(x);
    return rc;
}

typedef struct sweep_table {
    const dct_study *st;
    const axis *ax;
    size_t n_ax;
    const char *site_name;
    char **kinds;         /* the union of the rows' margin kinds, sorted */
    size_t n_kinds;
    double *rho;          /* [n_ax] binding margin % vs input; NAN */
    size_t *n_rho;        /* cases in it */
    char **best_kind;     /* [n_ax] the kind the input moves most */
    double *best_rho;
} sweep_table;

static void axis_head(const axis *a, char *b, size_t n)
{
    if (a->kind)
        snprintf(b, n, "%s", a->kind == 1 ? "profile" : "scenario");
    else
        snprintf(b, n, "%s_%s", a->target, *a->disp ? a->disp : a->unit);
}

static void sens_text(FILE *f, const sweep_table *t)
{
    int any = 0;
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < t->n_ax; k++) {
        if (isnan(t->rho[k]) && !t->best_kind[k])
            continue;
        if (!any)
            fprintf(f, "sensitivity (Spearman rank correlation over the "
                       "cases that ran):\n");
        any = 1;
        char h[160];
        axis_head(&t->ax[k], h, sizeof h);
        fprintf(f, "  %-32s binding margin %%: ", h);
        if (isnan(t->rho[k]))
            fprintf(f, "%6s", "-");
        else
            fprintf(f, "rho %+.3f", t->rho[k]);
        if (t->best_kind[k])
            fprintf(f, "; moves %s most (rho %+.3f)", t->best_kind[k],
                    t->best_rho[k]);
        fputc('\n', f);
        if (!isnan(t->rho[k]) &&
            (best == SIZE_MAX || fabs(t->rho[k]) > fabs(t->rho[best])))
            best = k;
    }
    if (best != SIZE_MAX) {
        char h[160];
        axis_head(&t->ax[best], h, sizeof h);
        fprintf(f, "the binding margin moves most with %s\n", h);
    }
}

static void sweep_text(FILE *f, const void *vt)
{
    const sweep_table *t = vt;
    const dct_study *st = t->st;
    fputs("sweep of site ", f);
    txt(f, t->site_name, 0, 0);
    fprintf(f, ": %zu case%s\n", st->n_cases, st->n_cases == 1 ? "" : "s");
    int *w = calloc(t->n_ax ? t->n_ax : 1, sizeof *w);
    int w_id = 14;
    if (!w)
        return;
    char b[256];
    for (size_t k = 0; k < t->n_ax; k++) {
        axis_head(&t->ax[k], b, sizeof b);
        w[k] = (int)strlen(b);
        for (size_t i = 0; i < st->n_cases; i++) {
            input_text(&t->ax[k], st->cases[i].x[k], b, sizeof b);
            w[k] = (int)strlen(b) > w[k] ? (int)strlen(b) : w[k];
        }
    }
    for (size_t i = 0; i < st->n_cases; i++) {
        const char *id = st->rows[i].mg_id;
        int l = id ? (int)strlen(id) : 1;
        w_id = l > w_id ? l : w_id;
    }
    fprintf(f, "%5s", "case");
    for (size_t k = 0; k < t->n_ax; k++) {
        axis_head(&t->ax[k], b, sizeof b);
        fputs("  ", f);
        txt(f, b, w[k], 1);
    }
    fprintf(f, " %4s  ", "exit");
    txt(f, "binding margin", w_id, 0);
    fprintf(f, " %9s %11s\n", "margin %", "throttle_s");
    for (size_t i = 0; i < st->n_cases; i++) {
        const dct_study_row *r = &st->rows[i];
        fprintf(f, "%5zu", i + 1);
        for (size_t k = 0; k < t->n_ax; k++) {
            input_text(&t->ax[k], st->cases[i].x[k], b, sizeof b);
            fputs("  ", f);
            txt(f, b, w[k], 1);
        }
        fprintf(f, " %4d  ", r->status);
        if (r->status >= DCT_EXIT_USAGE) {
            fputs("error: ", f);
            txt(f, r->error ? r->error : "?", 0, 0);
            fputc('\n', f);
            continue;
        }
        char p[32], tt[32];
        fmt_num(p, sizeof p, "%.1f", r->mg_pct);
        fmt_num(tt, sizeof tt, "%.4g", r->time_to_throttle);
        txt(f, r->mg_id ? r->mg_id : "-", w_id, 0);
        fprintf(f, " %9s %11s\n", p, tt);
    }
    free(w);
    sens_text(f, t);
}

static void sweep_csv(FILE *f, const void *vt)
{
    const sweep_table *t = vt;
    const dct_study *st = t->st;
    char b[256];
    fputs("case", f);
    for (size_t k = 0; k < t->n_ax; k++) {
        axis_head(&t->ax[k], b, sizeof b);
        putc(',', f);
        dct_csv_field(f, b);
    }
    fputs(",exit,binding,value,unit,margin,margin_pct,time_to_throttle_s,"
          "unserved_kWh,rack_trips", f);
    for (size_t j = 0; j < t->n_kinds; j++) {
        snprintf(b, sizeof b, "%s_pct", t->kinds[j]);
        putc(',', f);
        dct_csv_field(f, b);
    }
    /* the texts that may hold commas last: awk -F, reads the rest */
    fputs(",label,error\n", f);
    for (size_t i = 0; i < st->n_cases; i++) {
        const dct_study_row *r = &st->rows[i];
        fprintf(f, "%zu", i + 1);
        for (size_t k = 0; k < t->n_ax; k++) {
            input_text(&t->ax[k], st->cases[i].x[k], b, sizeof b);
            putc(',', f);
            dct_csv_field(f, b);
        }
        fprintf(f, ",%d,", r->status);
        csv_binding(f, r);
        putc(',', f);
        csv_num(f, r->unserved_J / 3.6e6, "%.9g");
        fprintf(f, ",%ld", r->rack_trips);
        for (size_t j = 0; j < t->n_kinds; j++) {
            putc(',', f);
            csv_num(f, dct_study_kind_pct(r, t->kinds[j]), "%.6g");
        }
        putc(',', f);
        dct_csv_field(f, r->mg_label ? r->mg_label : "");
        putc(',', f);
        dct_csv_field(f, r->error ? r->error : "");
        putc('\n', f);
    }
}

static void sweep_json(FILE *f, const void *vt)
{
    const sweep_table *t = vt;
    const dct_study *st = t->st;
    char b[256];
    fputs("{\"site\":", f);
    dct_json_str(f, t->site_name);
    fputs(",\"cases\":[", f);
    for (size_t i = 0; i < st->n_cases; i++) {
        const dct_study_row *r = &st->rows[i];
        fprintf(f, "%s\n  {\"case\":%zu,\"inputs\":{", i ? "," : "", i + 1);
        for (size_t k = 0; k < t->n_ax; k++) {
            axis_head(&t->ax[k], b, sizeof b);
            fputs(k ? "," : "", f);
            dct_json_str(f, b);
            putc(':', f);
            if (t->ax[k].kind) {
                input_text(&t->ax[k], st->cases[i].x[k], b, sizeof b);
                dct_json_str(f, b);
            } else {
                dct_json_num(f, dct_unit_from_si(
                                    st->cases[i].x[k],
                                    *t->ax[k].disp ? t->ax[k].disp
                                                   : t->ax[k].unit));
            }
        }
        fprintf(f, "},\"exit\":%d,\"binding\":", r->status);
        dct_json_str(f, r->mg_id);
        fputs(",\"margin_pct\":", f);
        dct_json_num(f, r->mg_pct);
        fputs(",\"time_to_throttle_s\":", f);
        dct_json_num(f, r->time_to_throttle);
        fputs(",\"error\":", f);
        dct_json_str(f, r->error);
        fputs(",\"margins_pct\":{", f);
        for (size_t j = 0; j < t->n_kinds; j++) {
            fputs(j ? "," : "", f);
            dct_json_str(f, t->kinds[j]);
            putc(':', f);
            dct_json_num(f, dct_study_kind_pct(r, t->kinds[j]));
        }
        fputs("}}", f);
    }
    fputs(st->n_cases ? "\n ],\"sensitivity\":[" : "],\"sensitivity\":[",
          f);
    for (size_t k = 0; k < t->n_ax; k++) {
        axis_head(&t->ax[k], b, sizeof b);
        fputs(k ? ",\n  {\"input\":" : "\n  {\"input\":", f);
        dct_json_str(f, b);
        fputs(",\"spearman_binding\":", f);
        dct_json_num(f, t->rho[k]);
        fputs(",\"moves_most\":", f);
        dct_json_str(f, t->best_kind[k]);
        fputs(",\"spearman_most\":", f);
        dct_json_num(f, t->best_rho[k]);
        fputs("}", f);
    }
    fputs("]}\n", f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kinds of margin of every row, sorted, once. */
static int collect_kinds(sweep_table *t)
{
    size_t cap = 0;
    for (size_t i = 0; i < t->st->n_cases; i++) {
        const char *p = t->st->rows[i].kinds;
        while (p && *p) {
            size_t k = strcspn(p, "=");
            size_t j = 0;
            while (j < t->n_kinds && (strlen(t->kinds[j]) != k ||
                                      strncmp(t->kinds[j], p, k) != 0))
                j++;
            if (j == t->n_kinds) {
                if (t->n_kinds == cap) {
                    size_t nc = cap ? 2 * cap : 32;
                    char **v = realloc(t->kinds, nc * sizeof *v);
                    if (!v)
                        return -1;
                    t->kinds = v;
                    cap = nc;
                }
                if (!(t->kinds[t->n_kinds] = strndup(p, k)))
                    return -1;
                t->n_kinds++;
            }
            p += strcspn(p, ";");
            p += *p == ';';
        }
    }
    if (t->n_kinds)
        qsort(t->kinds, t->n_kinds, sizeof *t->kinds, cmp_str);
    return 0;
}

/* Spearman's rho of X and Y over N points (GSL); NAN when either is
 * constant or N < 3. */
static double spearman(const double *x, const double *y, size_t n,
                       double *work)
{
    if (n < 3)
        return NAN;
    int cx = 1, cy = 1;
    for (size_t i = 1; i < n; i++) {
        cx &= x[i] == x[0];
        cy &= y[i] == y[0];
    }
    if (cx || cy)
        return NAN;
    return gsl_stats_spearman(x, 1, y, 1, n, work);
}

static int sensitivity(sweep_table *t)
{
    const dct_study *st = t->st;
    size_t n = st->n_cases;
    double *x = malloc((n ? n : 1) * sizeof *x);
    double *y = malloc((n ? n : 1) * sizeof *y);
    double *w = malloc(2 * (n ? n : 1) * sizeof *w);
    t->rho = calloc(t->n_ax ? t->n_ax : 1, sizeof *t->rho);
    t->best_rho = calloc(t->n_ax ? t->n_ax : 1, sizeof *t->best_rho);
    t->best_kind = calloc(t->n_ax ? t->n_ax : 1, sizeof *t->best_kind);
    if (!x || !y || !w || !t->rho || !t->best_rho || !t->best_kind) {
        free(x), free(y), free(w);
        return -1;
    }
    for (size_t k = 0; k < t->n_ax; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (st->rows[i].status <= DCT_EXIT_MARGIN &&
                !isnan(st->rows[i].mg_pct)) {
                x[m] = st->cases[i].x[k];
                y[m++] = st->rows[i].mg_pct;
            }
        t->rho[k] = t->ax[k].kind ? NAN : spearman(x, y, m, w);
        t->best_rho[k] = NAN;
        for (size_t j = 0; j < t->n_kinds && !t->ax[k].kind; j++) {
            m = 0;
            for (size_t i = 0; i < n; i++) {
                double v = dct_study_kind_pct(&st->rows[i], t->kinds[j]);
                if (st->rows[i].status <= DCT_EXIT_MARGIN && !isnan(v)) {
                    x[m] = st->cases[i].x[k];
                    y[m++] = v;
                }
            }
            double r = spearman(x, y, m, w);
            if (!isnan(r) && (isnan(t->best_rho[k]) ||
                              fabs(r) > fabs(t->best_rho[k]) + 1e-12)) {
                t->best_rho[k] = r;
                t->best_kind[k] = t->kinds[j];
            }
        }
    }
    free(x);
    free(y);
    free(w);
    return 0;
}

int dct_cmd_sweep(int argc, char **argv)
{
    study_opts o = {0};
    o.electrical = DCT_ELEC_QUASI_STATIC;   /* the studies' default */
    o.cmd = "sweep";
    o.duration = CT_DURATION_S;
    o.max_cases = CT_MAX_CASES;
    o.seed = o.lhs_seed = 1;
    dct_study st = {0};
    dct_site *s = NULL;
    axis *ax = NULL;
    size_t n_ax = 0;
    char *dir = NULL;
    sweep_table t = {0};
    int rank = 0;
    if (!(o.sets = calloc((size_t)argc + 1, sizeof *o.sets)) ||
        !(o.vary = calloc((size_t)argc + 1, sizeof *o.vary))) {
        free(o.sets);
        return DCT_EXIT_USAGE;
    }
    int rc = parse_opts(&o, argc, argv, sweep_help);
    if (rc < 0)
        rc = check_weather(&o);
    if (rc >= 0)
        goto out;
    const char *prof_list = o.profile, *scen_list = o.scenario;
    o.profile = NULL;
    o.scenario = NULL;
    if (!o.n_vary && !(prof_list && strchr(prof_list, ',')) &&
        !(scen_list && strchr(scen_list, ','))) {
        fprintf(stderr, "dctwin: sweep: nothing varies: give --vary "
                        "ID.PARAM=VALUES, or lists to --profile or "
                        "--scenario\n");
        rc = DCT_EXIT_USAGE;
        goto out;
    }
    dct_study_mpi_size(&rank);
    if (rank > 0)
        o.is_quiet = 1;
    if ((rc = load_site(&o, &s, NULL)) != 0)
        goto out;
    if (!(ax = calloc(o.n_vary + 2, sizeof *ax)))
        goto oom;
    for (size_t i = 0; i < o.n_vary; i++) {
        char err[300] = "";
        if (parse_vary(&ax[n_ax++], o.vary[i], s, err, sizeof err) != 0) {
            fprintf(stderr, "dctwin: sweep: --vary '%s': %s\n", o.vary[i],
                    *err ? err : "out of memory");
            rc = DCT_EXIT_INPUT;
            goto out;
        }
    }
    if (prof_list && list_axis(&ax[n_ax++], prof_list, 1) != 0)
        goto oom;
    if (scen_list && list_axis(&ax[n_ax++], scen_list, 2) != 0)
        goto oom;
    /* every value is checked like --set before any case runs */
    for (size_t k = 0; k < n_ax; k++) {
        for (size_t i = 0; i < ax[k].n && !ax[k].kind; i++) {
            char b[512];
            set_text(&ax[k], ax[k].v[i], b, sizeof b);
            o.sets[o.n_sets] = b;
            dct_diag d;
            dct_diag_init(&d);
            dct_site_opts so = {o.sets, o.n_sets + 1, NULL, NULL, 0, 1};
            dct_site *sv = dct_site_load_opts(o.site_path, &so, &d);
            o.sets[o.n_sets] = NULL;
            if (!sv) {
                dct_diag_print(&d, stderr);
                fprintf(stderr, "dctwin: sweep: --vary '%s': the value "
                                "%.6g %s is refused (above)\n", ax[k].arg,
                        dct_unit_from_si(ax[k].v[i], ax[k].unit),
                        ax[k].unit);
                dct_diag_clear(&d);
                rc = DCT_EXIT_INPUT;
                goto out;
            }
            dct_site_free(sv);
            dct_diag_clear(&d);
        }
        for (size_t i = 0; i < ax[k].n && ax[k].kind == 2; i++) {
            dct_diag d;
            dct_diag_init(&d);
            dct_scenario *sc = dct_scenario_load(ax[k].names[i], s, &d);
            if (!sc) {
                dct_diag_print(&d, stderr);
                dct_diag_clear(&d);
                rc = DCT_EXIT_INPUT;
                goto out;
            }
            dct_scenario_free(sc);
            dct_diag_clear(&d);
        }
    }
    if ((rc = sweep_cases(&st, ax, n_ax, &o)) != 0)
        goto out;
    if (!(dir = o.out ? strdup(o.out) : default_dir("sweep", s->name)))
        goto oom;
    st.cmd = "sweep";
    base_opts(&st, &o);
    st.dir = dir;
    if (!o.is_quiet)
        fprintf(stderr, "dctwin: sweep: %zu case%s (%s) in %s\n", st.n_cases,
                st.n_cases == 1 ? "" : "s",
                o.has_samples ? "Latin hypercube" : "full factorial", dir);
    if ((rc = dct_study_run(&st)) != 0 || rank > 0)
        goto out;
    t.st = &st;
    t.ax = ax;
    t.n_ax = n_ax;
    t.site_name = s->name ? s->name : "?";
    if (collect_kinds(&t) != 0 || sensitivity(&t) != 0)
        goto oom;
    table_fn fns[3] = {sweep_text, sweep_csv, sweep_json};
    if (write_tables("sweep", dir, o.format, 1, fns, &t) != 0) {
        rc = DCT_EXIT_OUTPUT;
        goto out;
    }
    rc = study_status(&st);
    goto out;
oom:
    fprintf(stderr, "dctwin: sweep: out of memory\n");
    rc = DCT_EXIT_OUTPUT;
out:
    for (size_t j = 0; j < t.n_kinds; j++)
        free(t.kinds[j]);
    free(t.kinds);
    free(t.rho);
    free(t.best_rho);
    free(t.best_kind);
    dct_study_rows_free(&st);
    dct_study_cases_free(st.cases, st.n_cases);
    axes_free(ax, n_ax);
    dct_site_free(s);
    free(dir);
    free(o.sets);
    free(o.vary);
    dct_study_mpi_end();
    return rc;
}
