/* profile_cmd.c - `dctwin profile list | show | export`: the load profiles
 * a rack can run, their parameters and sources, and u(t) (and, with a
 * site, the rack's power) as CSV on stdout. */
#include "config.h"
#include "cli.h"
#include "component.h"
#include "diag.h"
#include "profile.h"
#include "site.h"
#include "units.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dct_cmd_profile(int argc, char **argv);

/* Most rows an export writes. */
#define EXPORT_MAX_ROWS 10000000.0

static const struct builtin {
    const char *name, *doc, *source;
} builtins[] = {
    {"constant", "full power, u = 1",
     "DESIGN.md 5.7 (the design condition of every shipped site)"},
    {"llm-training",
     "synchronous training: a square wave, compute phase at full power, "
     "communication phase at 30 % of it, period 2 s (0.5 Hz), duty 50 %, "
     "50 ms linear edges",
     "DESIGN.md 5.7; electrical.md 1.10 (30 % <-> 100 % in milliseconds), "
     "3.1-3.3 and 6 T1 (0.2-3 Hz, every 1-2 s)"},
};
#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

static const struct builtin *find_builtin(const char *name)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

static void usage(FILE *f)
{
    fputs("Usage: dctwin profile list [--site SITE]\n"
          "       dctwin profile show NAME [--site SITE]\n"
          "       dctwin profile export NAME [--site SITE] [--rack ID] "
          "[--duration T]\n"
          "                             [--step T] [--seed N]\n"
          "List the load profiles, show one's parameters and sources, or "
          "write u(t)\n(and, with a site, the rack's power) as CSV on "
          "stdout: t_s,u[,P_kW].\nDefaults: --duration 60s, --step 10ms, "
          "the first rack of the site.\n",
          f);
}

static int parse_t(const char *opt, const char *text, double *s)
{
    char err[160];
    if (dct_quantity_parse(text, "s", s, err, sizeof err) != 0 || *s <= 0) {
        fprintf(stderr, "dctwin: profile: --%s '%s': %s\n", opt, text,
                *err ? err : "must be > 0");
        return -1;
    }
    return 0;
}

static void show_param(const dct_param *p, double v)
{
    printf("  %-10s ", p->name);
    if (p->kind == DCT_PK_Q && p->unit && *p->unit)
        printf("%-12.6g %-4s", dct_unit_from_si(v, p->unit), p->unit);
    else
        printf("%-12.6g %-4s", v, "");
    printf(" %s\n", p->doc);
}

int dct_cmd_profile(int argc, char **argv)
{
    static const struct option opts[] = {
        {"site", required_argument, 0, 's'},
        {"rack", required_argument, 0, 'r'},
        {"duration", required_argument, 0, 'd'},
        {"step", required_argument, 0, 't'},
        {"seed", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *site_path = NULL, *rack_id = NULL;
    double duration = 60, step = 0.01;
    unsigned long seed = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': site_path = optarg; break;
        case 'r': rack_id = optarg; break;
        case 'd':
            if (parse_t("duration", optarg, &duration))
                return DCT_EXIT_USAGE;
            break;
        case 't':
            if (parse_t("step", optarg, &step))
                return DCT_EXIT_USAGE;
            break;
        case 'S': {
            char *end = NULL;
            seed = strtoul(optarg, &end, 10);
            if (!*optarg || *end) {
                fprintf(stderr, "dctwin: profile: --seed '%s': expected "
                                "a whole number\n", optarg);
                return DCT_EXIT_USAGE;
            }
            break;
        }
        case 'h': usage(stdout); return DCT_EXIT_OK;
        default: usage(stderr); return DCT_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return DCT_EXIT_USAGE;
    }
    const char *verb = argv[optind];
    const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
    int is_list = strcmp(verb, "list") == 0;
    if ((!is_list && strcmp(verb, "show") && strcmp(verb, "export")) ||
        (is_list ? optind + 1 != argc : optind + 2 != argc)) {
        usage(stderr);
        return DCT_EXIT_USAGE;
    }
    dct_diag d;
    dct_diag_init(&d);
    dct_site *s = NULL;
    dct_profile_set *ps = NULL;
    int rc = DCT_EXIT_OK;
    if (site_path && !(s = dct_site_load(site_path, &d))) {
        dct_diag_print(&d, stderr);
        rc = DCT_EXIT_INPUT;
        goto out;
    }
    const dct_etype *pe = &dct_etypes[DCT_T_PROFILE];
    if (is_list) {
        for (size_t i = 0; i < N_BUILTINS; i++)
            printf("%-16s built-in  %s\n", builtins[i].name, builtins[i].doc);
        for (size_t i = 0; s && i < s->n_comps; i++) {
            const dct_comp *p = s->comps[i];
            if (p->type == DCT_T_PROFILE && !p->is_model)
                printf("%-16s %-9s %s:%ld\n", p->id,
                       p->s[DCT_PROFILE_TYPE], p->file, p->line);
        }
        goto out;
    }
    const dct_comp *pc = s ? dct_site_get(s, name) : NULL;
    if (pc && pc->type != DCT_T_PROFILE)
        pc = NULL;
    const struct builtin *b = find_builtin(name);
    if (!pc && !b && strcmp(verb, "show") == 0) {
        fprintf(stderr, "dctwin: profile: no profile '%s'%s (see 'dctwin "
                        "profile list')\n",
                name, s ? " in the site or built in" : " built in");
        rc = DCT_EXIT_INPUT;
        goto out;
    }
    if (strcmp(verb, "show") == 0) {
        printf("%s: %s\n", name, pc ? "site profile" : b->doc);
        printf("source: %s\n", pc ? pc->file : b->source);
        if (pc) {
            printf("  %-10s %s\n", "type", pc->s[DCT_PROFILE_TYPE]);
            for (size_t i = 2; i < pe->n_params; i++)
                if (pc->given[i] && pe->params[i].kind == DCT_PK_STR)
                    printf("  %-10s %s\n", pe->params[i].name, pc->s[i]);
                else if (pc->given[i])
                    show_param(&pe->params[i], pc->q[i]);
        } else if (strcmp(name, "llm-training") == 0) {
            static const int shown[] = {DCT_PROFILE_LEVEL, DCT_PROFILE_PERIOD,
                                        DCT_PROFILE_LOW, DCT_PROFILE_DUTY,
                                        DCT_PROFILE_EDGE, DCT_PROFILE_JITTER};
            for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
                show_param(&pe->params[shown[i]],
                           pe->params[shown[i]].def);
            printf("A site changes them with <profile type=\"llm-training\" "
                   "...> (dctwin-site(5)).\n");
        }
        goto out;
    }
    /* export */
    double rows = floor(duration / step * (1 + 1e-12)) + 1;
    if (rows > EXPORT_MAX_ROWS) {
        fprintf(stderr, "dctwin: profile: %g s in steps of %g s would give "
                        "%.0f rows; at most %.0f\n",
                duration, step, rows, EXPORT_MAX_ROWS);
        rc = DCT_EXIT_USAGE;
        goto out;
    }
    size_t k = 0;
    const dct_comp *rack = NULL;
    if (s) {
        size_t ir = 0;
        for (size_t i = 0; i < s->n_comps; i++) {
            const dct_comp *r = s->comps[i];
            if (r->type != DCT_T_RACK || r->is_model)
                continue;
            if (!rack_id ? ir == 0 : strcmp(r->id, rack_id) == 0) {
                rack = r;
                k = ir;
                break;
            }
            ir++;
        }
        if (!rack) {
            fprintf(stderr, "dctwin: profile: %s has no rack '%s'\n",
                    site_path, rack_id ? rack_id : "");
            rc = DCT_EXIT_INPUT;
            goto out;
        }
        ps = dct_profile_set_new(s, name, seed, &d);
    } else {
        if (rack_id) {
            fprintf(stderr, "dctwin: profile: --rack needs --site\n");
            rc = DCT_EXIT_USAGE;
            goto out;
        }
        ps = dct_profile_set_builtin(name, &d);
    }
    if (!ps) {
        dct_diag_print(&d, stderr);
        rc = DCT_EXIT_INPUT;
        goto out;
    }
    fputs(rack ? "t_s,u,P_kW\n" : "t_s,u\n", stdout);
    long n = (long)rows;
    for (long i = 0; i < n; i++) {
        double t = (double)i * step;
        printf("%.9g,%.9g", t, dct_profile_u(ps, k, t));
        if (rack)
            printf(",%.9g", dct_profile_power(ps, k, t,
                                              rack->q[DCT_RACK_P_IDLE],
                                              rack->q[DCT_RACK_P_MAX]) /
                                1e3);
        putchar('\n');
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "dctwin: profile: write error\n");
        rc = DCT_EXIT_OUTPUT;
    }
out:
    dct_profile_set_free(ps);
    dct_site_free(s);
    dct_diag_clear(&d);
    return rc;
}
