/* cli.c - subcommands, options and exit status; wiring only.
 *
 * Each subcommand is one entry of the command table; `dctwin --help` is
 * printed from that table.  Library code fills a dct_diag; only this file
 * prints it and chooses the exit status. */
#include "config.h"
#include "cli.h"
#include "escape.h"
#include "study.h"
#include "component.h"
#include "datapath.h"
#include "diag.h"
#include "model.h"
#include "plot.h"
#include "redundancy.h"
#include "schema.h"
#include "site.h"
#include "suggest.h"
#include "textout.h"
#include "units.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <libxml/parser.h>

typedef struct dct_cmd {
    const char *name;
    const char *args;
    const char *doc;
    int (*run)(int argc, char **argv);
} dct_cmd;

static int cmd_validate(int argc, char **argv);
static int cmd_models(int argc, char **argv);
static int cmd_doc(int argc, char **argv);

static const dct_cmd commands[] = {
    {"validate", "FILE...",
     "check site files and print a summary of each", cmd_validate},
    {"simulate", "SITE [options]",
     "simulate a site and write its results (see --help of simulate)",
     dct_cmd_simulate},
    {"margins", "SITE|RUNDIR [options]",
     "simulate and print the margin table, binding first (--format "
     "text|json|csv)",
     dct_cmd_margins},
    {"capacity", "SITE --add MODEL",
     "how many more racks of MODEL fit before a margin binds",
     dct_cmd_capacity},
    {"contingency", "SITE [options]",
     "every single (or double) failure, ranked worst first (-j, mpirun)",
     dct_cmd_contingency},
    {"sweep", "SITE --vary ID.PARAM=LIST",
     "runs over a grid or Latin hypercube of parameters; what moves the "
     "margin",
     dct_cmd_sweep},
    {"compare", "RUNDIR RUNDIR...",
     "runs side by side: margins, energy ledger, overlay plots",
     dct_cmd_compare},
    {"outputs", "SITE [options]",
     "list the output columns and margins a run of SITE would produce",
     dct_cmd_outputs},
    {"bess-report", "SITE --bess ID",
     "BESS compliance checks: report.html, report.json, evidence, plots",
     dct_cmd_bess_report},
    {"plot", "RUNDIR [options]",
     "plot a run directory with gnuplot (--format png|svg|pdf, --out DIR)",
     dct_cmd_plot},
    {"profile", "list | show | export",
     "the load profiles: list, parameters and sources, u(t) as CSV",
     dct_cmd_profile},
    {"models", "list | show NAME",
     "list the model library, or show one model's parameters", cmd_models},
    {"doc", "schema | site",
     "print the RelaxNG schema or the element reference of dctwin-site(5)",
     cmd_doc},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "Usage: dctwin [--help] [--version] COMMAND [ARGS]\n\n"
               "A digital twin of an AI factory's power and cooling plant.\n"
               "\nCommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-11s %-18s %s\n", commands[i].name, commands[i].args,
                commands[i].doc);
    fprintf(f, "\nExit status: 0 ok, 1 a margin or check failed, 2 usage, "
               "3 input error,\n4 solver failure, 5 output failure.\n"
               "See dctwin(1), dctwin-bess-report(1) (the BESS report), "
               "dctwin-site(5),\ndctwin-models(7) and dctwin-sources(7) "
               "(the bibliography).\n");
}

/* ------------------------------------------------------------ validate */

static double sum_q(const dct_site *s, dct_type t, int qi, int count_i,
                    int spares_i, double *n_minus)
{
    double tot = 0, tn = 0;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *c = s->comps[i];
        if (c->is_model || c->type != t)
            continue;
        double n = count_i >= 0 ? c->q[count_i] : 1;
        int sp = spares_i >= 0 ? dct_redundancy_spares(c->s[spares_i], (int)n)
                               : 0;
        tot += n * c->q[qi];
        tn += (n - sp) * c->q[qi];
    }
    if (n_minus)
        *n_minus = tn;
    return tot;
}

static double bess_energy(const dct_comp *b)
{
    /* mean OCV over the curve x series x parallel x capacity */
    double v = 0;
    for (size_t k = 0; k < b->n_pts; k++)
        v += b->pts[k]->q[DCT_OCV_VOLTAGE];
    v = b->n_pts ? v / (double)b->n_pts : 0;
    return b->q[DCT_BESS_COUNT] * b->q[DCT_BESS_SERIES] *
           b->q[DCT_BESS_PARALLEL] * b->q[DCT_BESS_CAPACITY] * v;
}

static void summary(const dct_site *s)
{
    size_t n_rows = dct_site_find(s, DCT_T_ROW, NULL, 0);
    size_t n_cdu = dct_site_find(s, DCT_T_CDU, NULL, 0);
    double it = sum_q(s, DCT_T_RACK, DCT_RACK_P_MAX, -1, -1, NULL);
    double cdu_n, cdu = sum_q(s, DCT_T_CDU, DCT_CDU_CAPACITY, -1, -1, &cdu_n);
    double hr_n, hr = sum_q(s, DCT_T_HEAT_REJECTION, DCT_HEAT_REJECTION_RATING,
                            DCT_HEAT_REJECTION_COUNT,
                            DCT_HEAT_REJECTION_REDUNDANCY, &hr_n);
    double rc_n, rc = sum_q(s, DCT_T_RECTIFIER, DCT_RECTIFIER_RATING,
                            DCT_RECTIFIER_COUNT, DCT_RECTIFIER_REDUNDANCY,
                            &rc_n);
    double gen = sum_q(s, DCT_T_GENERATOR, DCT_GENERATOR_RATING,
                       DCT_GENERATOR_COUNT, -1, NULL);
    double crah_n, crah = sum_q(s, DCT_T_CRAH, DCT_CRAH_CAPACITY,
                                DCT_CRAH_COUNT, DCT_CRAH_REDUNDANCY, &crah_n);
    double e = 0;
    size_t n_bess = 0;
    for (size_t i = 0; i < s->n_comps; i++)
        if (!s->comps[i]->is_model && s->comps[i]->type == DCT_T_BESS) {
            e += bess_energy(s->comps[i]);
            n_bess++;
        }
    /* the file's own words, made safe for a terminal: a description with
     * "&#10;" must not add lines to the summary */
    char fb[1024], nb[1024], db[4096];
    printf("%s: site %s: valid\n", dct_esc_term(fb, sizeof fb, s->file),
           dct_esc_term(nb, sizeof nb, s->name ? s->name : "?"));
    if (s->description)   /* wrapped to the 100 columns of the summary */
        dct_text_wrap(stdout, dct_esc_term(db, sizeof db, s->description),
                      2, 100);
    printf("  racks              %zu in %zu row%s\n", s->n_racks, n_rows,
           n_rows == 1 ? "" : "s");
    printf("  IT power           %.3f MW at full load\n", it / 1e6);
    printf("  CDUs               %zu, %.3f MW rated\n", n_cdu, cdu / 1e6);
    printf("  heat rejection     %.3f MW rated, %.3f MW without spares\n",
           hr / 1e6, hr_n / 1e6);
    printf("  hall air (CRAH)    %.3f MW rated, %.3f MW without spares\n",
           crah / 1e6, crah_n / 1e6);
    printf("  rectifiers         %.3f MW rated, %.3f MW without spares\n",
           rc / 1e6, rc_n / 1e6);
    printf("  BESS               %zu, %.3f MWh\n", n_bess, e / 3.6e9);
    printf("  generators         %.3f MW\n", gen / 1e6);
    /* what can fail, from the component types' declarations (the same
     * enumeration as dctwin contingency) */
    dct_study_case *cases = NULL;
    size_t n_cases = 0, n_single = 0;
    dct_diag d;
    dct_diag_init(&d);
    if (dct_study_enumerate(s, 1, NULL, &cases, &n_cases, &n_single,
                            &d) == 0)
        printf("  single failures    %zu (%zu cases of dctwin "
               "contingency)\n", n_single, n_cases);
    dct_study_cases_free(cases, n_cases);
    dct_diag_clear(&d);
}

static int cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"set", required_argument, 0, 's'},
                                         {0, 0, 0, 0}};
    int quiet = 0, c;
    char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t n_sets = 0;
    if (!sets)
        return DCT_EXIT_USAGE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("Usage: dctwin validate [-q] [--set ID.PARAM=VALUE]... "
                   "FILE...\n"
                   "Check each site file; print a summary (not with -q).\n"
                   "--set overrides a parameter of a component or model, "
                   "with its unit.\n"
                   "Exit status 0 when all are valid, 3 otherwise.\n");
            free(sets);
            return DCT_EXIT_OK;
        }
        if (c == 'q') {
            quiet = 1;
        } else if (c == 's') {
            sets[n_sets++] = optarg;
        } else {
            dct_suggest_option_hint("validate", opts, argv[optind - 1]);
            free(sets);
            return DCT_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "dctwin: validate: no FILE given\n");
        free(sets);
        return DCT_EXIT_USAGE;
    }
    int rc = DCT_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        dct_diag d;
        dct_diag_init(&d);
        dct_site *s = dct_site_load_set(argv[i], sets, n_sets, &d);
        if (s)
            dct_rack_design_points(s, &d);
        dct_diag_print(&d, stderr);
        if (!s) {
            fprintf(stderr, "dctwin: %s: %zu error%s\n", argv[i], d.n_errors,
                    d.n_errors == 1 ? "" : "s");
            rc = DCT_EXIT_INPUT;
        } else {
            if (!quiet)
                summary(s);
            fflush(stdout);
            dct_redundancy_print(quiet ? NULL : stdout, stderr, s);
        }
        dct_site_free(s);
        dct_diag_clear(&d);
    }
    free(sets);
    return rc;
}

/* -------------------------------------------------------------- models */

typedef int (*lib_fn)(const dct_site *lib, const char *file, void *ud);

/* Whether a file named NM was met in an earlier directory of the models
 * path (PATH, the directories walked so far, NUL-separated up to END). */
static int is_shadowed(const char *path, const char *end, const char *nm)
{
    for (const char *dir = path; dir < end; dir += strlen(dir) + 1) {
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", dir, nm);
        if (access(file, F_OK) == 0)
            return 1;
    }
    return 0;
}

/* Call FN for every library file in the models path (first of a name
 * wins, as for an include).  Returns the number of errors. */
static int each_library(lib_fn fn, void *ud)
{
    char *path = dct_datapath(DCT_DATA_MODELS, ":");
    if (!path)
        return 1;
    int errs = 0;
    char *save = NULL;
    for (char *dir = strtok_r(path, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        struct dirent **ents = NULL;
        int n = scandir(dir, &ents, NULL, alphasort);
        for (int i = 0; i < n; i++) {
            const char *nm = ents[i]->d_name;
            size_t l = strlen(nm);
            if (l > 4 && strcmp(nm + l - 4, ".xml") == 0 &&
                !is_shadowed(path, dir, nm)) {
                char file[4096];
                snprintf(file, sizeof file, "%s/%s", dir, nm);
                dct_diag d;
                dct_diag_init(&d);
                dct_site *lib = dct_site_load_library(file, &d);
                if (lib)
                    errs += fn(lib, file, ud);
                else if (d.n_errors) {
                    dct_diag_print(&d, stderr);
                    errs++;
                }
                dct_site_free(lib);
                dct_diag_clear(&d);
            }
            free(ents[i]);
        }
        free(ents);
    }
    free(path);
    return errs;
}

static int list_one(const dct_site *lib, const char *file, void *ud)
{
    size_t *n_listed = ud;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    for (size_t i = 0; i < lib->n_comps; i++) {
        const dct_comp *c = lib->comps[i];
        if (!c->is_model)
            continue;
        char kind[64];
        snprintf(kind, sizeof kind, "%s-model", dct_etypes[c->type].name);
        printf("%-22s %-22s %-20s %s\n", c->id, kind, base,
               c->source ? c->source : "");
        ++*n_listed;
    }
    return 0;
}

/* The value of model parameter I of C as given, or its table default
 * marked "(default)", into BUF (always terminated). */
static void format_value(char *buf, size_t n, const dct_param *p,
                         const dct_comp *c, int i)
{
    if (p->kind == DCT_PK_Q && c->s[i])
        snprintf(buf, n, "%s", c->s[i]);
    else if (p->kind == DCT_PK_Q && !isnan(p->def)) {
        if (isinf(p->def))
            snprintf(buf, n, "unlimited (default)");
        else
            snprintf(buf, n, "%.6g %s (default)",
                     dct_unit_from_si(p->def, p->unit), p->unit);
    } else if (c->s[i])
        snprintf(buf, n, "%s", c->s[i]);
    else if (p->kind == DCT_PK_INT && !isnan(p->def))
        snprintf(buf, n, "%g (default)", p->def);
    else
        snprintf(buf, n, "-");
}

typedef struct show_ctx {
    const char *name;
    int found;
} show_ctx;

static int show_one(const dct_site *lib, const char *file, void *ud)
{
    show_ctx *sc = ud;
    for (size_t i = 0; i < lib->n_comps && !sc->found; i++) {
        const dct_comp *c = lib->comps[i];
        if (!c->is_model || strcmp(c->id, sc->name) != 0)
            continue;
        sc->found = 1;
        const dct_etype *e = &dct_etypes[c->type];
        printf("%s (%s-model)\n  file:   %s:%ld\n", c->id, e->name, file,
               c->line);
        if (c->source)
            printf("  source: %s\n", c->source);
        /* name, value, meaning (the doc of the component table): the
         * columns as wide as their widest entry */
        int w_name = 0, w_val = 0;
        char val[128];
        for (size_t k = 0; k < e->n_params; k++) {
            const dct_param *p = &e->params[k];
            if (!(p->flags & DCT_PF_MODEL))
                continue;
            format_value(val, sizeof val, p, c, (int)k);
            int ln = (int)strlen(p->name), lv = (int)strlen(val);
            w_name = ln > w_name ? ln : w_name;
            w_val = lv > w_val ? lv : w_val;
        }
        for (size_t k = 0; k < e->n_params; k++) {
            const dct_param *p = &e->params[k];
            if (!(p->flags & DCT_PF_MODEL))
                continue;
            format_value(val, sizeof val, p, c, (int)k);
            printf("  %-*s  %-*s  %s\n", w_name, p->name, w_val, val,
                   p->doc ? p->doc : "");
        }
        for (size_t k = 0; k < c->n_pts; k++) {
            const dct_comp *pt = c->pts[k];
            const dct_etype *pe = &dct_etypes[pt->type];
            printf("  <%s", pe->name);
            for (size_t j = 0; j < pe->n_params; j++)
                if (pt->s[j])
                    printf(" %s=\"%s\"", pe->params[j].name, pt->s[j]);
            printf("/>\n");
        }
    }
    return 0;
}

static int cmd_models(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "list") == 0 && argc == 2) {
        printf("%-22s %-22s %-20s %s\n", "NAME", "KIND", "FILE", "SOURCE");
        size_t n_listed = 0;
        int errs = each_library(list_one, &n_listed);
        if (n_listed == 0) {
            char *dirs = dct_datapath(DCT_DATA_MODELS, ", ");
            fprintf(stderr, "dctwin: models: warning: no model libraries "
                            "found; looked in %s (set DCTWIN_MODELS_PATH)\n",
                    dirs ? dirs : "(out of memory)");
            free(dirs);
        }
        return errs ? DCT_EXIT_INPUT : DCT_EXIT_OK;
    }
    if (argc == 3 && strcmp(argv[1], "show") == 0) {
        show_ctx sc = {argv[2], 0};
        int errs = each_library(show_one, &sc);
        if (!sc.found) {
            char *dirs = dct_datapath(DCT_DATA_MODELS, ", ");
            fprintf(stderr, "dctwin: models: no model named '%s' in the "
                            "libraries of %s (see 'dctwin models list')\n",
                    argv[2], dirs ? dirs : "(out of memory)");
            free(dirs);
            return DCT_EXIT_INPUT;
        }
        return errs ? DCT_EXIT_INPUT : DCT_EXIT_OK;
    }
    fprintf(stderr, "Usage: dctwin models list | dctwin models show NAME\n");
    return (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
                          strcmp(argv[1], "-h") == 0))
               ? DCT_EXIT_OK
               : DCT_EXIT_USAGE;
}

/* ----------------------------------------------------------------- doc */

static int cmd_doc(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "schema") == 0) {
        char *rng = dct_schema_rng();
        if (!rng)
            return DCT_EXIT_OUTPUT;
        fputs(rng, stdout);
        free(rng);
        return DCT_EXIT_OK;
    }
    if (argc == 2 && strcmp(argv[1], "site") == 0) {
        dct_schema_man(stdout);
        return DCT_EXIT_OK;
    }
    fprintf(stderr, "Usage: dctwin doc schema | dctwin doc site\n");
    return DCT_EXIT_USAGE;
}

/* ---------------------------------------------------------------- main */

int dct_cli_main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return DCT_EXIT_USAGE;
    }
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        usage(stdout);
        return DCT_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
        printf("dctwin %s\n"
               "License GPLv3+: GNU GPL version 3 or later "
               "<https://gnu.org/licenses/gpl.html>.\n"
               "This is free software: you are free to change and "
               "redistribute it.\n"
               "There is NO WARRANTY, to the extent permitted by law.\n",
               PACKAGE_VERSION);
        return DCT_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(a, commands[i].name) == 0) {
            int rc = commands[i].run(argc - 1, argv + 1);
            xmlCleanupParser();
            return rc;
        }
    dct_suggest sg;
    dct_suggest_init(&sg, a);
    for (size_t i = 0; i < N_COMMANDS; i++)
        dct_suggest_add(&sg, commands[i].name);
    char hint[DCT_SUGGEST_MAX + 32];
    fprintf(stderr, "dctwin: unknown command '%s'%s (see dctwin --help)\n",
            a, dct_suggest_text(hint, sizeof hint, dct_suggest_best(&sg)));
    return DCT_EXIT_USAGE;
}
