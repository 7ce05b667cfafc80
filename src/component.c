/* component.c - the element and parameter tables (see component.h).
 *
 * Every number here is a default or a range check; the cited values of real
 * equipment live in the XML files of models/.  Defaults that come from the literature
 * name their source in dctwin-site(5) through the doc strings, by the
 * keys of dctwin-sources(7); the others are assumptions.
 */
#include "config.h"
#include "component.h"
#include "site.h"
#include "suggest.h"

#include <string.h>

#define PARAM(tag, name, kind, unit, mn, mx, def, extra, flags, doc)         \
    {name, kind, unit, mn, mx, def, extra, flags, doc},

#define TABLE(T)                                                            \
    static const dct_param T##_params[] = {DCT_##T##_PARAMS(PARAM)};

TABLE(SITE)
TABLE(LIBRARY)
TABLE(INCLUDE)
TABLE(AMBIENT)
TABLE(PROFILE)
TABLE(GRID)
TABLE(RECTIFIER)
TABLE(EFFICIENCY)
TABLE(DC_BUS)
TABLE(BUSWAY)
TABLE(BESS)
TABLE(OCV)
TABLE(GENERATOR)
TABLE(HEAT_REJECTION)
TABLE(FACILITY_LOOP)
TABLE(CDU)
TABLE(HALL_AIR)
TABLE(CRAH)
TABLE(ROW)
TABLE(RACK)
TABLE(FLOW_REQ)
TABLE(CRITERION)

#define P(T) T##_params, sizeof T##_params / sizeof T##_params[0]
#define MODELS                                                              \
    "rack-model cdu-model heat-rejection-model crah-model "                 \
    "rectifier-model busway-model bess-model generator-model"

const dct_etype dct_etypes[DCT_N_TYPES] = {
    [DCT_T_SITE] = {"site", P(SITE),
                    "include ambient profile power cooling row criterion "
                    MODELS, 0,
                    0, "The root element of a facility description."},
    [DCT_T_LIBRARY] = {"library", P(LIBRARY), "include profile " MODELS, 0, 0,
                       "The root element of a model library file, read "
                       "with include."},
    [DCT_T_INCLUDE] = {"include", P(INCLUDE), "", 0, 0,
                       "Reads the models of a library file.  Include "
                       "cycles are an error."},
    [DCT_T_AMBIENT] = {"ambient", P(AMBIENT), "", 0, 0,
                       "Outdoor and hall air conditions."},
    [DCT_T_PROFILE] = {"profile", P(PROFILE), "", 0, 0,
                       "A named load profile u(t) in [0, 1], a fraction of "
                       "p-max; rack power is max(p-idle, u p-max)."},
    [DCT_T_POWER] = {"power", NULL, 0,
                     "grid rectifier dc-bus busway bess generator", 0, 0,
                     "Container of the electrical plant."},
    [DCT_T_GRID] = {"grid", P(GRID), "", 0, 0,
                    "The utility point of connection.",
                    {DCT_FAIL_WHOLE, DCT_FAIL_WHOLE, "grid", NULL, -1, -1,
                     -1, NULL}},
    [DCT_T_RECTIFIER] = {"rectifier", P(RECTIFIER), "efficiency", 1, 0,
                         "A rectifier or solid-state transformer feeding a "
                         "DC bus from the grid, with droop control.",
                         {DCT_FAIL_WHOLE | DCT_FAIL_UNITS, DCT_FAIL_UNITS,
                          "rectifiers", "unit", DCT_RECTIFIER_COUNT, -1, -1,
                          NULL}},
    [DCT_T_EFFICIENCY] = {"efficiency", P(EFFICIENCY), "", 0, 1,
                          "One point of a rectifier efficiency curve; "
                          "points are interpolated with a spline."},
    [DCT_T_DC_BUS] = {"dc-bus", P(DC_BUS), "", 0, 0,
                      "An 800 V DC bus: its capacitance and band."},
    [DCT_T_BUSWAY] = {"busway", P(BUSWAY), "", 1, 0,
                      "A DC busway from a bus to the racks of a row.",
                      {DCT_FAIL_WHOLE, DCT_FAIL_WHOLE, "busway", NULL, -1, -1,
                       -1, NULL}},
    [DCT_T_BESS] = {"bess", P(BESS), "ocv", 1, 0,
                    "A battery energy storage system on a DC bus.",
                    {DCT_FAIL_WHOLE, DCT_FAIL_WHOLE, "battery", NULL, -1, -1,
                     -1, NULL}},
    [DCT_T_OCV] = {"ocv", P(OCV), "", 0, 1,
                   "One point of a cell open-circuit-voltage curve."},
    [DCT_T_GENERATOR] = {"generator", P(GENERATOR), "", 1, 0,
                         "A standby generator that picks up on grid loss.",
                         {DCT_FAIL_WHOLE | DCT_FAIL_UNITS, DCT_FAIL_UNITS,
                          "generators", "set", DCT_GENERATOR_COUNT, -1, -1,
                          NULL}},
    [DCT_T_COOLING] = {"cooling", NULL, 0,
                       "heat-rejection facility-loop cdu hall-air", 0, 0,
                       "Container of the cooling plant."},
    [DCT_T_HEAT_REJECTION] = {"heat-rejection", P(HEAT_REJECTION), "", 1, 0,
                              "Dry coolers, cooling towers or chillers "
                              "rejecting the facility loop's heat.",
                              {DCT_FAIL_WHOLE | DCT_FAIL_UNITS |
                                   DCT_FAIL_FANS,
                               DCT_FAIL_UNITS | DCT_FAIL_FANS,
                               "heat rejection", "unit",
                               DCT_HEAT_REJECTION_COUNT, -1,
                               DCT_HEAT_REJECTION_TYPE, "chiller"}},
    [DCT_T_FACILITY_LOOP] = {"facility-loop", P(FACILITY_LOOP), "", 0, 0,
                             "The facility water system (FWS) between the "
                             "CDUs and the heat rejection.",
                             {DCT_FAIL_WHOLE | DCT_FAIL_UNITS,
                              DCT_FAIL_UNITS, "facility-loop pumps", "pump",
                              DCT_FACILITY_LOOP_PUMPS, -1, -1, NULL}},
    [DCT_T_CDU] = {"cdu", P(CDU), "", 1, 0,
                   "A liquid-to-liquid coolant distribution unit between "
                   "the facility loop and the racks' TCS.",
                   {DCT_FAIL_WHOLE | DCT_FAIL_UNITS,
                    DCT_FAIL_WHOLE | DCT_FAIL_UNITS, "CDU", "pump",
                    DCT_CDU_PUMPS, -1, -1, NULL}},
    [DCT_T_HALL_AIR] = {"hall-air", P(HALL_AIR), "crah", 0, 0,
                        "The hall air node; receives the racks' air-side "
                        "heat.",
                        {DCT_FAIL_WHOLE | DCT_FAIL_UNITS, DCT_FAIL_UNITS,
                         "hall air", "CRAH unit", DCT_CRAH_COUNT, DCT_T_CRAH,
                         -1, NULL}},
    [DCT_T_CRAH] = {"crah", P(CRAH), "", 1, 0,
                    "Computer-room air handlers cooling the hall air."},
    [DCT_T_ROW] = {"row", P(ROW), "rack", 0, 0,
                   "A row of racks sharing CDUs and busways."},
    [DCT_T_RACK] = {"rack", P(RACK), "flow-req", 1, 0,
                    "A liquid-cooled rack, or a range of identical racks."},
    [DCT_T_FLOW_REQ] = {"flow-req", P(FLOW_REQ), "", 0, 1,
                        "One point of the rack's required flow against "
                        "TCS supply temperature."},
    [DCT_T_CRITERION] = {"criterion", P(CRITERION), "", 0, 0,
                         "The site's own threshold for a check of dctwin "
                         "bess-report, over the criteria file's (see "
                         "dctwin-bess-report(1))."},
};

int dct_etype_lookup(const char *name, int *is_model)
{
    size_t len = strlen(name);
    static const char sfx[] = "-model";
    size_t ls = sizeof sfx - 1;
    int model = len > ls && strcmp(name + len - ls, sfx) == 0;
    for (int t = 0; t < DCT_N_TYPES; t++) {
        const char *en = dct_etypes[t].name;
        if (model) {
            if (dct_etypes[t].has_model && strlen(en) == len - ls &&
                strncmp(en, name, len - ls) == 0) {
                if (is_model)
                    *is_model = 1;
                return t;
            }
        } else if (strcmp(en, name) == 0) {
            if (is_model)
                *is_model = 0;
            return t;
        }
    }
    return -1;
}

int dct_param_lookup(dct_type t, const char *name)
{
    const dct_etype *e = &dct_etypes[t];
    for (size_t i = 0; i < e->n_params; i++)
        if (strcmp(e->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *dct_param_suggest(dct_type t, const char *name)
{
    const dct_etype *e = &dct_etypes[t];
    dct_suggest s;
    dct_suggest_init(&s, name);
    for (size_t i = 0; i < e->n_params; i++)
        dct_suggest_add(&s, e->params[i].name);
    return dct_suggest_best(&s);
}

/* Whether WORD is one of the space-separated words of LIST. */
static int has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        while (*p == ' ')
            p++;
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && len > 0 && strncmp(p, word, n) == 0)
            return 1;
        p = e;
    }
    return 0;
}

int dct_etype_allows_child(dct_type parent, int parent_is_model,
                           const char *child)
{
    const dct_etype *e = &dct_etypes[parent];
    if (!has_word(e->children, child))
        return 0;
    /* Table points (efficiency, ocv, flow-req) belong to models only. */
    int is_model = 0;
    int ct = dct_etype_lookup(child, &is_model);
    if (ct >= 0 && dct_etypes[ct].is_point && e->has_model)
        return parent_is_model;
    return 1;
}

/* ------------------------------------------------------ failable units */

int dct_fail_units(const dct_site *s, const dct_comp *c)
{
    const dct_failable *f = &dct_etypes[c->type].fail;
    if (c->is_model || !(f->what & DCT_FAIL_UNITS))
        return 0;
    if (f->child_type < 0)
        return (int)c->q[f->count_param];
    double n = 0;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *k = s->comps[i];
        if ((int)k->type == f->child_type && !k->is_model && k->parent == c)
            n += k->q[f->count_param];
    }
    return (int)n;
}

int dct_fail_fans(const dct_site *s, const dct_comp *c)
{
    const dct_failable *f = &dct_etypes[c->type].fail;
    if (c->is_model || !(f->what & DCT_FAIL_FANS))
        return 0;
    if (f->no_fans && c->s[f->no_fans_param] &&
        strcmp(c->s[f->no_fans_param], f->no_fans) == 0)
        return 0;
    return dct_fail_units(s, c);
}

void dct_fail_types(unsigned what, char *buf, size_t n)
{
    int k = 0, nk = 0;
    for (int t = 0; t < DCT_N_TYPES; t++)
        nk += (dct_etypes[t].fail.what & what) != 0;
    size_t l = 0;
    buf[0] = '\0';
    for (int t = 0; t < DCT_N_TYPES && l < n; t++) {
        if (!(dct_etypes[t].fail.what & what))
            continue;
        k++;
        int w = snprintf(buf + l, n - l, "%s%s%s",
                         k == 1 ? "a " : k == nk ? " or " : ", ",
                         dct_etypes[t].name, "");
        l += w > 0 ? (size_t)w : 0;
    }
}
