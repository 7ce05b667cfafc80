/* outputs_cmd.c - `dctwin outputs SITE`: the columns of timeseries.csv and
 * the margins a run of SITE would produce, before running it.
 *
 * Loads the site (with the same --set, --profile, --scenario and
 * --no-aggregate as simulate, since they change what is built) and builds
 * its model; nothing is integrated and nothing is written but stdout.  The
 * names, units, limits and labels are the model's own (model.h), so the
 * listing cannot drift from what simulate writes. */
#include "config.h"
#include "cli.h"
#include "diag.h"
#include "extremes.h"
#include "model.h"
#include "scenario.h"
#include "site.h"
#include "suggest.h"
#include "textout.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Width of the text listing. */
#define LINE_MAX_COLS 100

static void help(FILE *f)
{
    fprintf(f,
        "Usage: dctwin outputs SITE [OPTION]...\n"
        "List the output columns (timeseries.csv) and the margins (id, "
        "limit, unit,\nlabel) that `dctwin simulate SITE` with the same "
        "options would produce,\nand the columns whose extremes between "
        "rows go to extremes.csv.\n\n"
        "  --set=ID.PARAM=VALUE  override a parameter (repeatable), as in "
        "simulate\n"
        "  --profile=NAME|FILE   load profile, as in simulate\n"
        "  --scenario=FILE       timed events, as in simulate\n"
        "  --no-aggregate        every rack with its own states\n"
        "  --format=text|csv     text (the default) or CSV\n"
        "  -h, --help            print this help and exit\n\n"
        "With --grid-trace, simulate adds one margin GRID.ramp.limit per "
        "grid that\nhas a ramp-limit.\n");
}

/* Split NAME "A01.T_j_hot_degC" at its last '.' and last '_' into the
 * component, quantity and unit (the unit is the last '_' part). */
static void split_name(const char *name, char *comp, char *qty, char *unit,
                       size_t n)
{
    const char *dot = strrchr(name, '.');
    const char *us = strrchr(name, '_');
    const char *q = dot ? dot + 1 : name;
    snprintf(comp, n, "%.*s", dot ? (int)(dot - name) : 0, name);
    if (us && us > q) {
        snprintf(qty, n, "%.*s", (int)(us - q), q);
        snprintf(unit, n, "%s", us + 1);
    } else {
        snprintf(qty, n, "%s", q);
        unit[0] = '\0';
    }
}

static void list_text(const dct_model *m, const dct_extremes *x,
                      const char *site)
{
    size_t n_out = dct_model_n_outputs(m), n_mg = dct_model_n_margins(m);
    char comp[256], qty[256], unit[256];
    printf("%s:\n  %zu output columns (timeseries.csv, after t_s), %zu "
           "margins;\n  %zu columns with their extremes between rows "
           "(extremes.csv: COLUMN_min, COLUMN_max)\n\n"
           "COLUMN                                   UNIT    EXTREMES\n",
           site, n_out, n_mg, dct_extremes_n(x));
    for (size_t i = 0; i < n_out; i++) {
        const char *name = dct_model_output_name(m, i);
        split_name(name, comp, qty, unit, sizeof comp);
        if (dct_extremes_has(x, i))
            printf("%-40s %-7s min,max\n", name, *unit ? unit : "-");
        else
            printf("%-40s %s\n", name, *unit ? unit : "-");
    }
    printf("\nMARGIN                                 LIMIT        UNIT    "
           "LABEL\n");
    for (size_t i = 0; i < n_mg; i++) {
        const dct_margin_def *g = dct_model_margin(m, i);
        char lim[32];
        snprintf(lim, sizeof lim, "%s %.6g", g->is_upper ? "<=" : ">=",
                 g->limit);
        char row[160];
        int w = snprintf(row, sizeof row, "%-38s %-12s %-7s", g->id, lim,
                         g->unit && *g->unit ? g->unit : "-");
        char lb[512];
        snprintf(lb, sizeof lb, "%s%s", g->is_design ? "(design) " : "",
                 g->label ? g->label : "");
        const char *label = lb;
        /* the table fits 100 columns: a long label goes on its own
         * lines, wrapped at words */
        if (w + 1 + (int)strlen(label) <= LINE_MAX_COLS) {
            printf("%s %s\n", row, label);
            continue;
        }
        while (w > 0 && row[w - 1] == ' ')
            row[--w] = '\0';
        printf("%s\n", row);
        dct_text_wrap(stdout, label, 4, LINE_MAX_COLS);
    }
}

/* A CSV row of KIND for output NAME, named NAME then SUFFIX. */
static void column_row(const char *kind, const char *name,
                       const char *suffix)
{
    char comp[256], qty[256], unit[256];
    split_name(name, comp, qty, unit, sizeof comp);
    printf("%s,", kind);
    dct_csv_field(stdout, name);
    fputs(suffix, stdout);
    putchar(',');
    dct_csv_field(stdout, comp);
    putchar(',');
    dct_csv_field(stdout, qty);
    putchar(',');
    dct_csv_field(stdout, unit);
    fputs(",,,,,\n", stdout);
}

static void list_csv(const dct_model *m, const dct_extremes *x)
{
    size_t n_out = dct_model_n_outputs(m), n_mg = dct_model_n_margins(m);
    puts("kind,name,component,quantity,unit,bound,limit,class,range,label");
    for (size_t i = 0; i < n_out; i++)
        column_row("column", dct_model_output_name(m, i), "");
    /* the columns of extremes.csv, after its t_s */
    for (size_t i = 0; i < n_out; i++)
        if (dct_extremes_has(x, i)) {
            column_row("extremes", dct_model_output_name(m, i), "_min");
            column_row("extremes", dct_model_output_name(m, i), "_max");
        }
    for (size_t i = 0; i < n_mg; i++) {
        const dct_margin_def *g = dct_model_margin(m, i);
        fputs("margin,", stdout);
        dct_csv_field(stdout, g->id);
        putchar(',');
        dct_csv_field(stdout, g->component);
        putchar(',');
        dct_csv_field(stdout, g->quantity);
        putchar(',');
        dct_csv_field(stdout, g->unit);
        printf(",%s,%.9g,%s,", g->is_upper ? "upper" : "lower", g->limit,
               g->is_design ? "design" : "run");
        if (g->range > 0)
            printf("%.9g", g->range);
        putchar(',');
        dct_csv_field(stdout, g->label);
        putchar('\n');
    }
}

int dct_cmd_outputs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"set", required_argument, 0, 's'},
        {"profile", required_argument, 0, 'p'},
        {"scenario", required_argument, 0, 'S'},
        {"no-aggregate", no_argument, 0, 'n'},
        {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *profile = NULL, *scn_path = NULL, *fmt = "text";
    int no_agg = 0, c, rc = DCT_EXIT_OK;
    char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t n_sets = 0;
    if (!sets)
        return DCT_EXIT_USAGE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': sets[n_sets++] = optarg; break;
        case 'p': profile = optarg; break;
        case 'S': scn_path = optarg; break;
        case 'n': no_agg = 1; break;
        case 'f': fmt = optarg; break;
        case 'h':
            help(stdout);
            free(sets);
            return DCT_EXIT_OK;
        default:
            dct_suggest_option_hint("outputs", opts, argv[optind - 1]);
            fprintf(stderr, "dctwin: outputs: see 'dctwin outputs --help'\n");
            free(sets);
            return DCT_EXIT_USAGE;
        }
    }
    int is_csv = strcmp(fmt, "csv") == 0;
    if (!is_csv && strcmp(fmt, "text") != 0) {
        fprintf(stderr, "dctwin: outputs: --format '%s': expected text or "
                        "csv\n", fmt);
        free(sets);
        return DCT_EXIT_USAGE;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "dctwin: outputs: expected one SITE (see 'dctwin "
                        "outputs --help')\n");
        free(sets);
        return DCT_EXIT_USAGE;
    }
    dct_diag d;
    dct_diag_init(&d);
    dct_site_opts so = {sets, n_sets, NULL, NULL, 0, 1};
    dct_site *site = dct_site_load_opts(argv[optind], &so, &d);
    dct_scenario *scn = NULL;
    dct_model *m = NULL;
    dct_extremes *x = NULL;
    size_t *all = NULL;
    if (!site ||
        (scn_path && !(scn = dct_scenario_load(scn_path, site, &d)))) {
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    dct_model_opts mo = {profile, 1, scn, no_agg, 0, 0};
    if (!(m = dct_model_build(site, &mo, &d))) {
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    size_t n_out = dct_model_n_outputs(m);
    all = malloc((n_out ? n_out : 1) * sizeof *all);
    for (size_t i = 0; all && i < n_out; i++)
        all[i] = i;
    if (!all || !(x = dct_extremes_new(m, all, n_out))) {
        fprintf(stderr, "dctwin: outputs: out of memory\n");
        rc = DCT_EXIT_INPUT;
        goto done;
    }
    if (is_csv)
        list_csv(m, x);
    else
        list_text(m, x, argv[optind]);
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = DCT_EXIT_OUTPUT;
done:
    dct_extremes_free(x);
    free(all);
    dct_diag_print(&d, stderr);
    dct_diag_clear(&d);
    dct_model_free(m);
    dct_scenario_free(scn);
    dct_site_free(site);
    free(sets);
    return rc;
}
