/* cmd_simulate.c - `dctwin simulate`: its options, then the run
 * (sim_execute in sim_run.c).
 */
#include "config.h"
#include "sim.h"
#include "cli.h"
#include "plot.h"
#include "suggest.h"
#include "units.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ options */

static void help(void)
{
    printf(
        "Usage: dctwin simulate SITE [OPTION]...\n"
        "Simulate the facility described by the site file SITE and write "
        "the results\nto a run directory.\n\n"
        "  --profile=NAME|FILE  load profile of every rack: a profile id of "
        "the site,\n"
        "                       a built-in name (constant, llm-training) "
        "or a CSV file\n"
        "                       (default: each rack's own profile)\n"
        "  --duration=T         simulated time, with a unit: 600s, 10min, "
        "2h\n"
        "                       (default 1 h)\n"
        "  --output-step=T      time between rows of timeseries.csv "
        "(default 1 s);\n"
        "                       at most 10^7 rows\n"
        "  --probe=PATTERN      write only the columns whose name matches "
        "the glob\n"
        "                       PATTERN ('A01.*', '*.T_j_hot_degC', "
        "'cdu-*');\n"
        "                       repeatable, or comma-separated "
        "(default: all columns)\n"
        "  --out=DIR            run directory, created when missing\n"
        "                       (default ./run-SITENAME)\n"
        "  --electrical=MODE    dynamic: the DC bus voltage and the "
        "sources' current\n"
        "                       loops are states (the default); "
        "quasi-static: solved\n"
        "                       in the right-hand side, dynamic for 1 s "
        "after events\n"
        "  --rtol=X             relative tolerance of the solver "
        "(default 1e-5;\n"
        "                       1e-6 with --electrical=quasi-static)\n"
        "  --atol=X             absolute tolerance in state units: K, "
        "fraction, ...\n"
        "                       (default 1e-4)\n"
        "  --seed=N             seed of the random parts of profiles "
        "(default 1)\n"
        "  --scenario=FILE      timed events: fail and restore components "
        "(the grid,\n"
        "                       rectifiers, busways, batteries, generators, "
        "CDUs, ...)\n"
        "  --set=ID.PARAM=VALUE override a parameter of a component, a "
        "glob of\n"
        "                       component ids or a model, with its unit "
        "(repeatable):\n"
        "                       --set cdu-1.supply-setpoint=40degC\n"
        "  --add=MODEL          add racks of rack model MODEL to a row "
        "(what-if)\n"
        "  --add-count=N        how many (default 1)\n"
        "  --add-scale=S        scale the added racks' p-max, p-idle and "
        "flow by S in\n"
        "                       (0, 1] (the continuous search of capacity)\n"
        "  --row=ID             the row to add them to (default the first)\n"
        "  --grid-trace=FILE    write the grid import at every --grid-step "
        "to FILE\n"
        "  --grid-step=T        step of the grid trace (default 10 ms)\n"
        "  --plot               plot the results into DIR with gnuplot "
        "(dctwin plot);\n"
        "                       without gnuplot a warning, the data stays\n"
        "  --plot-format=FMT    png, svg or pdf (default png; implies "
        "--plot)\n"
        "  --init=steady|design start from the steady state under the mean "
        "load of\n"
        "                       the first minute (steady, the default), or "
        "from the\n"
        "                       design-point estimate with controllers "
        "half open\n"
        "  --no-aggregate       give every rack and CDU its own states (by "
        "default\n"
        "                       identical ones share one set: same results, "
        "faster)\n"
        "  --wide               the margin table with every column and "
        "full labels\n"
        "                       (by default it fits 100 columns)\n"
        "  --weather=FILE       the ambient follows the weather file FILE "
        "(EPW, TMY3\n"
        "                       CSV or t_s,T_db_degC[,T_wb_degC]), found as "
        "given or in\n"
        "                       the weather directories; the output step "
        "defaults to 1 h\n"
        "  --start=MM-DD[Thh]   the date (and hour) of the weather file at "
        "t = 0\n"
        "                       (default: its first record's)\n"
        "  --design=NAME        a steady ambient at the design condition "
        "NAME of the\n"
        "                       EPW given with --weather: cooling-0.4, "
        "cooling-1,\n"
        "                       cooling-2, extreme-5y, extreme-10y, "
        "extreme-20y,\n"
        "                       extreme-50y\n"
        "  -q, --quiet          no progress, no margin table on stdout\n"
        "  -v, --verbose        print solver statistics to stderr\n"
        "  -h, --help           print this help and exit\n\n"
        "Files in DIR, written only when the run completes: timeseries.csv, "
        "extremes.csv,\nevents.csv, margins.json, margins.txt, margins.csv, "
        "margins-over-time.csv, run.json,\nsummary.html (and the plots with "
        "--plot).  "
        "The margin table is printed on "
        "stdout.\n\n"
        "Exit status: 0 all margins met, 1 some margin negative, 2 usage, "
        "3 input error,\n4 solver failure, 5 output failure.\n");
}

/* A time with its unit into *S_OUT [s].  Returns 0 or -1 (message printed). */
static int parse_time(const char *opt, const char *text, double *s_out)
{
    char err[256];
    if (dct_quantity_parse(text, "s", s_out, err, sizeof err) != 0) {
        fprintf(stderr,
                "dctwin: simulate: --%s '%s': %s; write a time with its "
                "unit, e.g. '600 s', '10min' or '2h'\n",
                opt, text, err);
        return -1;
    }
    return 0;
}

static int parse_pos(const char *opt, const char *text, double *x)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || !(v > 0)) {
        fprintf(stderr, "dctwin: simulate: --%s '%s': expected a positive "
                        "number\n", opt, text);
        return -1;
    }
    *x = v;
    return 0;
}

static int parse_seed(const char *text, unsigned long *seed)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || strchr(text, '-')) {
        fprintf(stderr, "dctwin: simulate: --seed '%s': expected a "
                        "non-negative integer\n", text);
        return -1;
    }
    *seed = v;
    return 0;
}

enum {
    O_PROFILE = 256, O_DURATION, O_OUTPUT_STEP, O_PROBE, O_OUT, O_RTOL,
    O_ATOL, O_SEED, O_INIT, O_SCENARIO, O_GRID_TRACE, O_GRID_STEP, O_SET,
    O_ADD, O_ADD_COUNT, O_ROW, O_PLOT, O_PLOT_FORMAT, O_ADD_SCALE,
    O_NO_AGGREGATE, O_WIDE, O_WEATHER, O_START, O_DESIGN, O_ELECTRICAL
};

int sim_parse_args(dct_run_opts *o, char ***buf, int argc, char **argv,
                   int *verbosity)
{
    static const struct option opts[] = {
        {"profile", required_argument, 0, O_PROFILE},
        {"duration", required_argument, 0, O_DURATION},
        {"output-step", required_argument, 0, O_OUTPUT_STEP},
        {"probe", required_argument, 0, O_PROBE},
        {"out", required_argument, 0, O_OUT},
        {"rtol", required_argument, 0, O_RTOL},
        {"atol", required_argument, 0, O_ATOL},
        {"seed", required_argument, 0, O_SEED},
        {"init", required_argument, 0, O_INIT},
        {"scenario", required_argument, 0, O_SCENARIO},
        {"set", required_argument, 0, O_SET},
        {"add", required_argument, 0, O_ADD},
        {"add-count", required_argument, 0, O_ADD_COUNT},
        {"add-scale", required_argument, 0, O_ADD_SCALE},
        {"row", required_argument, 0, O_ROW},
        {"grid-trace", required_argument, 0, O_GRID_TRACE},
        {"grid-step", required_argument, 0, O_GRID_STEP},
        {"plot", no_argument, 0, O_PLOT},
        {"plot-format", required_argument, 0, O_PLOT_FORMAT},
        {"no-aggregate", no_argument, 0, O_NO_AGGREGATE},
        {"wide", no_argument, 0, O_WIDE},
        {"weather", required_argument, 0, O_WEATHER},
        {"start", required_argument, 0, O_START},
        {"design", required_argument, 0, O_DESIGN},
        {"electrical", required_argument, 0, O_ELECTRICAL},
        {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int c, bad = 0, has_out_step = 0;
    char **sets = calloc(2 * (size_t)argc + 2, sizeof *sets);
    char **probes = sets + argc + 1;
    *buf = sets;
    if (!sets) {
        fprintf(stderr, "dctwin: simulate: out of memory\n");
        return DCT_EXIT_USAGE;
    }
    sim_opts_default(o);
    o->sets = sets;
    o->probes = probes;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
        switch (c) {
        case O_PROFILE:
            o->profile = optarg;
            break;
        case O_WIDE:
            o->is_wide = 1;
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
        case O_NO_AGGREGATE:
            o->no_aggregate = 1;
            break;
        case O_DURATION:
            bad = parse_time("duration", optarg, &o->duration);
            break;
        case O_OUTPUT_STEP:
            bad = parse_time("output-step", optarg, &o->out_step);
            has_out_step = 1;
            break;
        case O_PROBE:
            probes[o->n_probes++] = optarg;
            break;
        case O_OUT:
            if (!*optarg) {
                fprintf(stderr, "dctwin: simulate: --out '': expected a "
                                "directory name\n");
                return DCT_EXIT_USAGE;
            }
            o->out_dir = optarg;
            break;
        case O_RTOL:
            bad = parse_pos("rtol", optarg, &o->rtol);
            break;
        case O_ELECTRICAL:
            bad = dct_model_electrical_parse("simulate", optarg,
                                             &o->electrical);
            break;
        case O_ATOL:
            bad = parse_pos("atol", optarg, &o->atol);
            break;
        case O_SEED:
            bad = parse_seed(optarg, &o->seed);
            break;
        case O_SCENARIO:
            o->scenario_path = optarg;
            break;
        case O_SET:
            sets[o->n_sets++] = optarg;
            break;
        case O_ADD:
            o->add_model = optarg;
            break;
        case O_ROW:
            o->add_row = optarg;
            break;
        case O_ADD_COUNT: {
            char *end = NULL;
            o->has_add_count = 1;
            o->n_add = strtol(optarg, &end, 10);
            if (!*optarg || *end || o->n_add < 0 || o->n_add > 100000) {
                fprintf(stderr, "dctwin: simulate: --add-count '%s': "
                                "expected a whole number from 0 to "
                                "100000\n", optarg);
                bad = 1;
            }
            break;
        }
        case O_ADD_SCALE: {
            char *end = NULL;
            o->add_scale = strtod(optarg, &end);
            if (!*optarg || *end || !(o->add_scale > 0) ||
                o->add_scale > 1) {
                fprintf(stderr, "dctwin: simulate: --add-scale '%s': "
                                "expected a number in (0, 1]\n", optarg);
                bad = 1;
            }
            break;
        }
        case O_GRID_TRACE:
            o->grid_trace = optarg;
            break;
        case O_GRID_STEP:
            bad = parse_time("grid-step", optarg, &o->grid_step);
            break;
        case O_PLOT:
            if (!o->plot_format)
                o->plot_format = "png";
            break;
        case O_PLOT_FORMAT:
            o->plot_format = optarg;
            if (!dct_plot_is_format(optarg)) {
                fprintf(stderr, "dctwin: simulate: --plot-format '%s': "
                                "expected png, svg or pdf\n",
                        optarg);
                bad = 1;
            }
            break;
        case O_INIT:
            if (strcmp(optarg, "steady") == 0) {
                o->is_cold_start = 0;
            } else if (strcmp(optarg, "design") == 0) {
                o->is_cold_start = 1;
            } else {
                fprintf(stderr, "dctwin: simulate: --init '%s': expected "
                                "steady or design\n",
                        optarg);
                bad = 1;
            }
            break;
        case 'q':
            *verbosity = 0;
            break;
        case 'v':
            *verbosity = 2;
            break;
        case 'h':
            help();
            return DCT_EXIT_OK;
        default:
            dct_suggest_option_hint("simulate", opts, argv[optind - 1]);
            fprintf(stderr, "dctwin: simulate: see 'dctwin simulate "
                            "--help'\n");
            return DCT_EXIT_USAGE;
        }
    }
    if (bad)
        return DCT_EXIT_USAGE;
    if (optind != argc - 1) {
        fprintf(stderr, "dctwin: simulate: %s (see 'dctwin simulate "
                        "--help')\n",
                optind >= argc ? "no SITE given" : "more than one SITE given");
        return DCT_EXIT_USAGE;
    }
    o->site_path = argv[optind];
    if (!(o->duration > 0)) {
        fprintf(stderr, "dctwin: simulate: --duration must be > 0 s\n");
        return DCT_EXIT_USAGE;
    }
    /* a run on a weather file: hourly rows, as the file's records */
    if (o->weather && !o->design && !has_out_step &&
        o->duration >= 2 * SIM_WEATHER_STEP_S && !o->grid_trace)
        o->out_step = SIM_WEATHER_STEP_S;
    if (!(o->out_step > 0) || o->out_step > o->duration) {
        fprintf(stderr, "dctwin: simulate: --output-step %g s: must be > 0 "
                        "and at most the duration (%g s)\n",
                o->out_step, o->duration);
        return DCT_EXIT_USAGE;
    }
    if (o->grid_trace) {
        double k = o->out_step / o->grid_step;
        if (!(o->grid_step > 0) || k < 1 - 1e-9 ||
            fabs(k - floor(k + 0.5)) > 1e-6 * k) {
            fprintf(stderr, "dctwin: simulate: --output-step %g s must be a "
                            "whole multiple of --grid-step %g s\n",
                    o->out_step, o->grid_step);
            return DCT_EXIT_USAGE;
        }
    }
    double rows = floor(o->duration / (o->grid_trace ? o->grid_step
                                                     : o->out_step) *
                        (1 + 1e-12)) + 1;
    if (rows > SIM_MAX_ROWS) {
        fprintf(stderr, "dctwin: simulate: %g s in steps of %g s would give "
                        "%.0f rows; at most %.0f are written (use a longer "
                        "%s)\n",
                o->duration, o->grid_trace ? o->grid_step : o->out_step,
                rows, SIM_MAX_ROWS,
                o->grid_trace ? "--grid-step" : "--output-step");
        return DCT_EXIT_USAGE;
    }
    return -1;
}

int dct_cmd_simulate(int argc, char **argv)
{
    dct_run_opts o;
    char **buf = NULL;
    int verbosity = dct_verbosity;
    int r = sim_parse_args(&o, &buf, argc, argv, &verbosity);
    if (r < 0) {
        dct_verbosity = verbosity;
        o.verbosity = verbosity;
        r = sim_simulate(&o);
    }
    free(buf);
    return r;
}
