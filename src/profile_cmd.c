/* profile_cmd.c - `dctwin profile list | show | export`: the load profiles
 * a rack can run, their parameters and sources, and u(t) (and, with a
 * site, the rack's power) as CSV on stdout. */
#include "config.h"
#include "suggest.h"
#include "cli.h"
#include "component.h"
#include "datapath.h"
#include "diag.h"
#include "profile.h"
#include "site.h"
#include "units.h"

#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Most rows an export writes. */
#define EXPORT_MAX_ROWS 10000000.0
/* Most library files read from the models path. */
#define MAX_LIBS 64

/* The libraries of the models path: the XML files of DIR (rack models) and
 * of DIR/profiles (the profile library), for each DIR of the models
 * search path (datapath.h). */
typedef struct libs {
    dct_site *lib[MAX_LIBS];
    size_t n;
} libs;

static void libs_scan(libs *L, const char *dir)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        size_t l = strlen(nm);
        if (l > 4 && strcmp(nm + l - 4, ".xml") == 0 && L->n < MAX_LIBS) {
            char file[4096];
            snprintf(file, sizeof file, "%s/%s", dir, nm);
            dct_diag d;
            dct_diag_init(&d);
            dct_site *lib = dct_site_load_library(file, &d);
            if (lib)
                L->lib[L->n++] = lib;
            dct_diag_clear(&d);
        }
        free(ents[i]);
    }
    free(ents);
}

static void libs_load(libs *L)
{
    char *path = dct_datapath(DCT_DATA_MODELS, ":");
    if (!path)
        return;
    char *save = NULL;
    for (char *dir = strtok_r(path, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/profiles", dir);
        libs_scan(L, sub);
        libs_scan(L, dir);
    }
    free(path);
}

static void libs_free(libs *L)
{
    for (size_t i = 0; i < L->n; i++)
        dct_site_free(L->lib[i]);
    L->n = 0;
}

/* The library holding profile NAME, or NULL. */
static const dct_site *libs_profile(const libs *L, const char *name,
                                    const dct_comp **pc)
{
    for (size_t i = 0; i < L->n; i++) {
        const dct_comp *c = dct_site_get(L->lib[i], name);
        if (c && c->type == DCT_T_PROFILE) {
            *pc = c;
            return L->lib[i];
        }
    }
    return NULL;
}

static const dct_comp *libs_rack_model(const libs *L, const char *name)
{
    for (size_t i = 0; i < L->n; i++) {
        const dct_comp *c = dct_site_model(L->lib[i], DCT_T_RACK, name);
        if (c)
            return c;
    }
    return NULL;
}

static const struct builtin {
    const char *name, *doc, *source;
} builtins[] = {
    {"constant", "full power, u = 1",
     "the design condition of every shipped site [A]"},
    {"llm-training",
     "synchronous training: a square wave, compute phase at full power "
     "(p-max), communication phase at 30 % of p-max (or p-idle when "
     "higher), period 2 s (0.5 Hz), duty 50 %, 50 ms linear edges",
     "[NVIDIA-800VDC-2025] (30 % <-> 100 % in milliseconds); "
     "[MSFT-PWRSTAB-2025] (0.2-3 Hz); [UPTIME-UII382-2025] (every 1-2 s); "
     "keys of dctwin-sources(7)"},
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
          "[--model MODEL]\n"
          "                             [--duration T] [--step T] "
          "[--seed N]\n"
          "List the load profiles (built in, the profile library of the "
          "models path,\nthe site's), show one's parameters and sources, "
          "or write u(t) (and, with a\nsite or a rack model, the rack's "
          "power) as CSV on stdout: t_s,u[,P_kW].\n"
          "Defaults: --duration 60s, --step 10ms, the first rack of the "
          "site.\n",
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
    printf("  %-19s ", p->name);
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
        {"model", required_argument, 0, 'm'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *site_path = NULL, *rack_id = NULL, *model = NULL;
    double duration = 60, step = 0.01;
    unsigned long seed = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': site_path = optarg; break;
        case 'r': rack_id = optarg; break;
        case 'm': model = optarg; break;
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
        default:
            dct_suggest_option_hint("profile", opts, argv[optind - 1]);
            usage(stderr);
            return DCT_EXIT_USAGE;
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
    libs L = {0};
    if (site_path && !(s = dct_site_load(site_path, &d))) {
        dct_diag_print(&d, stderr);
        rc = DCT_EXIT_INPUT;
        goto out;
    }
    libs_load(&L);
    const dct_etype *pe = &dct_etypes[DCT_T_PROFILE];
    if (is_list) {
        for (size_t i = 0; i < N_BUILTINS; i++)
            printf("%-20s built-in      %s\n", builtins[i].name,
                   builtins[i].doc);
        for (size_t j = 0; j < L.n; j++)
            for (size_t i = 0; i < L.lib[j]->n_comps; i++) {
                const dct_comp *p = L.lib[j]->comps[i];
                if (p->type == DCT_T_PROFILE && !p->is_model)
                    printf("%-20s %-13s %s:%ld\n", p->id,
                           p->s[DCT_PROFILE_TYPE], p->file, p->line);
            }
        for (size_t i = 0; s && i < s->n_comps; i++) {
            const dct_comp *p = s->comps[i];
            if (p->type == DCT_T_PROFILE && !p->is_model)
                printf("%-20s %-13s %s:%ld\n", p->id,
                       p->s[DCT_PROFILE_TYPE], p->file, p->line);
        }
        goto out;
    }
    const dct_comp *pc = s ? dct_site_get(s, name) : NULL;
    if (pc && pc->type != DCT_T_PROFILE)
        pc = NULL;
    const dct_site *lib = NULL;
    if (!pc)
        lib = libs_profile(&L, name, &pc);
    const struct builtin *b = find_builtin(name);
    if (!pc && !b && strcmp(verb, "show") == 0) {
        fprintf(stderr, "dctwin: profile: no profile '%s' in the site, the "
                        "profile library or built in (see 'dctwin "
                        "profile list')\n", name);
        rc = DCT_EXIT_INPUT;
        goto out;
    }
    if (strcmp(verb, "show") == 0) {
        if (pc) {
            printf("%s: %s profile (%s:%ld)\n", name,
                   pc->s[DCT_PROFILE_TYPE], pc->file, pc->line);
            printf("source: %s\n", pc->s[DCT_PROFILE_SOURCE]
                                       ? pc->s[DCT_PROFILE_SOURCE]
                                       : "(not given)");
            for (size_t i = 2; i < pe->n_params; i++) {
                if (i == DCT_PROFILE_SOURCE || !pc->given[i])
                    continue;
                if (pe->params[i].kind == DCT_PK_STR)
                    printf("  %-19s %s\n", pe->params[i].name, pc->s[i]);
                else
                    show_param(&pe->params[i], pc->q[i]);
            }
        } else {
            printf("%s: %s\n", name, b->doc);
            printf("source: %s\n", b->source);
        }
        printf("u is a fraction of a rack's p-max: rack power = "
               "max(p-idle, u p-max) (dctwin-models(7))\n");
        if (!pc && strcmp(name, "llm-training") == 0) {
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
    if (model && !(rack = libs_rack_model(&L, model)) &&
        !(s && (rack = dct_site_model(s, DCT_T_RACK, model)))) {
        fprintf(stderr, "dctwin: profile: --model: no rack model '%s' in "
                        "the models path%s\n", model, s ? " or the site" : "");
        rc = DCT_EXIT_INPUT;
        goto out;
    }
    if (s && !lib && !model) {
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
            fprintf(stderr, "dctwin: profile: --rack needs --site (and a "
                            "profile of the site)\n");
            rc = DCT_EXIT_USAGE;
            goto out;
        }
        if (!pc && !b) {
            fprintf(stderr, "dctwin: profile: no profile '%s' in the "
                            "profile library or built in (a site's "
                            "profiles need --site)\n", name);
            rc = DCT_EXIT_INPUT;
            goto out;
        }
        ps = dct_profile_set_single(lib ? lib : s, name, seed, &d);
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
    libs_free(&L);
    dct_profile_set_free(ps);
    dct_site_free(s);
    dct_diag_clear(&d);
    return rc;
}
