/* scenario.c - read and check a scenario file (scenario.h). */
#include "config.h"
#include "scenario.h"
#include "fsutil.h"
#include "suggest.h"
#include "profile.h"
#include "units.h"
#include "weather.h"
#include "xmlread.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/* The whole number of units of attribute NAME (TEXT; NULL: 0). */
static long unit_count(const char *name, const char *text, const char *path,
                       long line, dct_diag *d)
{
    if (!text)
        return 0;
    char *end = NULL;
    long n = strtol(text, &end, 10);
    if (!*text || *end || n < 1 || n > 100000) {
        dct_error(d, path, line, "%s=\"%s\": expected a whole number from "
                  "1 to 100000", name, text);
        return 0;
    }
    return n;
}

/* What set= may change while a run goes on: the outdoor conditions and
 * the supply setpoints of CDUs and facility loops. */
static const struct settable {
    dct_type type;
    int param;
} settables[] = {
    {DCT_T_AMBIENT, DCT_AMBIENT_DRY_BULB},
    {DCT_T_AMBIENT, DCT_AMBIENT_WET_BULB},
    {DCT_T_CDU, DCT_CDU_SUPPLY_SETPOINT},
    {DCT_T_FACILITY_LOOP, DCT_FACILITY_LOOP_SUPPLY_SETPOINT},
    {DCT_T_BESS, DCT_BESS_PEAK_CAP},
};

/* Parse set="ID.PARAM=VALUE" into E; errors at LINE of PATH. */
static void parse_set(dct_event *e, const char *text, const dct_site *s,
                      const char *path, long line, dct_diag *d)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    char *eq = strchr(buf, '='), *dot = NULL;
    for (char *q = buf; eq && q < eq; q++)
        if (*q == '.')
            dot = q;
    if (!eq || !dot || dot == buf) {
        dct_error(d, path, line, "set=\"%s\": expected ID.PARAM=VALUE, "
                  "e.g. ambient.dry-bulb=38degC", text);
        return;
    }
    *dot = *eq = '\0';
    const char *id = buf, *pname = dot + 1, *val = eq + 1;
    dct_type t;
    if (strcmp(id, "ambient") == 0) {
        t = DCT_T_AMBIENT;
    } else {
        const dct_comp *c = dct_site_get(s, id);
        if (!c) {
            char hint[DCT_SUGGEST_MAX + 32];
            dct_error(d, path, line, "set=\"%s\": '%s' is not a component "
                      "of site %s%s", text, id, s->name ? s->name : "?",
                      dct_suggest_text(hint, sizeof hint,
                                       dct_site_suggest_id(s, id)));
            return;
        }
        t = c->type;
    }
    int i = dct_param_lookup(t, pname);
    size_t k = 0;
    for (; k < sizeof settables / sizeof settables[0]; k++)
        if (settables[k].type == t && settables[k].param == i)
            break;
    if (i < 0 || k == sizeof settables / sizeof settables[0]) {
        dct_error(d, path, line, "set=\"%s\": '%s' cannot change during "
                  "a run (expected ambient.dry-bulb, ambient.wet-bulb, "
                  "the supply-setpoint of a cdu or facility-loop, or the "
                  "peak-cap of a bess)", text,
                  pname);
        return;
    }
    const dct_param *p = &dct_etypes[t].params[i];
    char err[160];
    if (dct_quantity_parse(val, p->unit, &e->value, err, sizeof err) != 0) {
        dct_error(d, path, line, "set=\"%s\": %s", text, err);
        return;
    }
    if (e->value < p->min || e->value > p->max) {
        dct_error(d, path, line, "set=\"%s\": out of range (expected "
                  "%g to %g %s)", text, dct_unit_from_si(p->min, p->unit),
                  dct_unit_from_si(p->max, p->unit), p->unit);
        return;
    }
    e->param = i;
    free(e->target);
    e->target = strdup(id);
}

static char *sibling(const char *base, const char *name)
{
    char buf[PATH_MAX];
    if (name[0] == '/')
        return strdup(name);
    char *dup = strdup(base);
    if (!dup)
        return NULL;
    snprintf(buf, sizeof buf, "%s/%s", dirname(dup), name);
    free(dup);
    return strdup(buf);
}

/* Whether NAME is a profile a rack can switch to. */
static int is_profile(const dct_site *s, const char *name)
{
    if (strcmp(name, "constant") == 0 || strcmp(name, "llm-training") == 0)
        return 1;
    const dct_comp *c = dct_site_get(s, name);
    return c && c->type == DCT_T_PROFILE;
}

static int cmp_event(const void *a, const void *b)
{
    const dct_event *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->line < y->line ? -1 : (x->line > y->line);
}

dct_scenario *dct_scenario_load(const char *path, const dct_site *s,
                                dct_diag *d)
{
    size_t errs = d->n_errors;
    dct_scenario *sc = calloc(1, sizeof *sc);
    xmlDocPtr doc = NULL;
    if (!sc || !(sc->file = strdup(path)))
        goto oom;
    if (!(doc = dct_xml_read(path, "scenario", "scenario", d)))
        goto fail;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlAttrPtr a = root->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "name") != 0 &&
            strcmp((const char *)a->name, "description") != 0)
            dct_error(d, path, xmlGetLineNo(root),
                      "<scenario> has no attribute '%s' (expected name, "
                      "description)", (const char *)a->name);
    sc->name = dct_xml_attr(root, "name");
    size_t cap = 0;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        long line = xmlGetLineNo(n);
        if (strcmp((const char *)n->name, "event") != 0) {
            dct_error(d, path, line, "unknown element <%s> in a scenario "
                      "(expected <event>)", (const char *)n->name);
            continue;
        }
        if (sc->n_ev >= DCT_MAX_EVENTS) {
            dct_error(d, path, line, "more than %d events", DCT_MAX_EVENTS);
            break;
        }
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
            const char *an = (const char *)a->name;
            if (strcmp(an, "t") && strcmp(an, "fail") &&
                strcmp(an, "restore") && strcmp(an, "units") &&
                strcmp(an, "fans") &&
                strcmp(an, "set") && strcmp(an, "profile") &&
                strcmp(an, "scale") && strcmp(an, "target") &&
                strcmp(an, "weather"))
                dct_error(d, path, line, "<event> has no attribute '%s' "
                          "(expected t, fail, restore, units, fans, set, "
                          "profile, scale, target, weather)", an);
        }
        char *t = dct_xml_attr(n, "t"), *fa = dct_xml_attr(n, "fail"), *re = dct_xml_attr(n, "restore");
        char *un = dct_xml_attr(n, "units"), *se = dct_xml_attr(n, "set");
        char *fn = dct_xml_attr(n, "fans");
        char *pr = dct_xml_attr(n, "profile"), *scl = dct_xml_attr(n, "scale");
        char *tg = dct_xml_attr(n, "target"), *wx = dct_xml_attr(n, "weather");
        double scale = NAN;
        if (scl) {
            const char *end = scl;
            if (dct_number_parse(scl, &end, &scale))
                scale = NAN;
            if (*end || !(scale >= 0 && scale <= 1))
                dct_error(d, path, line, "scale=\"%s\": expected a number "
                          "from 0 to 1", scl);
            free(scl);
        }
        if (pr && !is_profile(s, pr))
            dct_error(d, path, line, "profile=\"%s\": not a profile of site "
                      "%s (nor constant or llm-training; library profiles "
                      "need <include href=\"../models/profiles/ai-loads.xml\"/> "
                      "in the site)", pr, s->name ? s->name : "?");
        if (tg) {
            const dct_comp *c = dct_site_get(s, tg);
            if (!pr && isnan(scale))
                dct_error(d, path, line, "target= goes with profile= or "
                          "scale=");
            else if (!c || (c->type != DCT_T_ROW && c->type != DCT_T_RACK))
                dct_error(d, path, line, "target=\"%s\": not a row or rack "
                          "of site %s", tg, s->name ? s->name : "?");
        }
        long units = unit_count("units", un, path, line, d);
        long fans = unit_count("fans", fn, path, line, d);
        free(un);
        free(fn);
        if (fans && units)
            dct_error(d, path, line, "fans= and units= together: a unit "
                      "is either lost or loses its fans");
        double ts = 0;
        char err[160];
        if (!t)
            dct_error(d, path, line, "<event> needs a time t");
        else if (dct_quantity_parse(t, "s", &ts, err, sizeof err) != 0)
            dct_error(d, path, line, "t=\"%s\": %s", t, err);
        else if (ts < 0)
            dct_error(d, path, line, "t=\"%s\": must not be negative", t);
        int is_scale = !isnan(scale) && !pr;
        if (!!fa + !!re + !!se + !!pr + is_scale + !!wx != 1)
            dct_error(d, path, line,
                      "<event> needs exactly one of fail=, restore=, set=, "
                      "profile= (with scale= if wanted), scale= or "
                      "weather=");
        if (wx) {
            if (sc->wx)
                dct_error(d, path, line, "a second weather= event (one "
                          "weather file per scenario)");
            else {
                char *wp = sibling(path, wx);
                if (!wp)
                    dct_error(d, path, line, "out of memory");
                else if ((sc->wx = dct_weather_load(wp, path, line, d)))
                    sc->t_wx = ts;
                free(wp);
            }
        }
        if ((se || pr || wx || is_scale) && (units || fans))
            dct_error(d, path, line, "%s goes with fail= or restore=",
                      units ? "units=" : "fans=");
        const char *id = fa ? fa : re;
        if (id) {
            const dct_comp *c = dct_site_get(s, id);
            char hint[DCT_SUGGEST_MAX + 32];
            if (!c)
                dct_error(d, path, line, "'%s' is not a component of site "
                          "%s%s", id, s->name ? s->name : "?",
                          dct_suggest_text(hint, sizeof hint,
                                           dct_site_suggest_id(s, id)));
            else if (!dct_etypes[c->type].fail.what) {
                char tl[200];
                dct_fail_types(DCT_FAIL_WHOLE, tl, sizeof tl);
                dct_error(d, path, line, "'%s' cannot fail: only %s can",
                          id, tl);
            } else if (fans && !dct_fail_fans(s, c))
                dct_error(d, path, line, "fans= with '%s': only the units "
                          "of a dry cooler or cooling tower have fans to "
                          "lose", id);
            else if (units &&
                     !(dct_etypes[c->type].fail.what & DCT_FAIL_UNITS)) {
                char tl[200];
                dct_fail_types(DCT_FAIL_UNITS, tl, sizeof tl);
                dct_error(d, path, line, "units= with '%s': a %s fails "
                          "whole (units= goes with %s)", id,
                          dct_etypes[c->type].name, tl);
            } else if (units) {
                /* the units the type declares: a CDU's pumps, the CRAHs
                 * of a hall, the count of the others */
                int n_inst = dct_fail_units(s, c);
                if (n_inst > 0 && units > n_inst)
                    dct_error(d, path, line, "units=\"%ld\": '%s' has %d "
                              "installed", units, id, n_inst);
            }
        }
        if (sc->n_ev == cap) {
            size_t nc = cap ? 2 * cap : 8;
            dct_event *nv = realloc(sc->ev, nc * sizeof *nv);
            if (!nv) {
                free(t), free(fa), free(re), free(se);
                free(pr), free(tg), free(wx);
                goto oom;
            }
            sc->ev = nv;
            cap = nc;
        }
        dct_event *e = &sc->ev[sc->n_ev++];
        e->t = ts;
        e->kind = fa ? DCT_EV_FAIL : re ? DCT_EV_RESTORE : se ? DCT_EV_SET
                  : pr ? DCT_EV_PROFILE : wx ? DCT_EV_WEATHER : DCT_EV_SCALE;
        e->units = (int)units;
        e->fans = (int)fans;
        e->target = id ? strdup(id) : tg;
        if (id)
            free(tg);
        e->profile = pr;
        e->scale = scale;
        tg = pr = NULL;
        e->line = line;
        e->param = -1;
        e->value = 0;
        if (se)
            parse_set(e, se, s, path, line, d);
        int is_oom = (id || (se && e->param >= 0)) && !e->target;
        free(se);
        free(t);
        free(fa);
        free(re);
        free(wx);
        if (is_oom)
            goto oom;
    }
    if (d->n_errors != errs)
        goto fail;
    if (sc->n_ev > 1)   /* no events: sc->ev may be NULL */
        qsort(sc->ev, sc->n_ev, sizeof *sc->ev, cmp_event);
    xmlFreeDoc(doc);
    return sc;
oom:
    dct_error(d, path, 0, "out of memory");
fail:
    xmlFreeDoc(doc);
    dct_scenario_free(sc);
    return NULL;
}

void dct_scenario_free(dct_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_ev; i++) {
        free(sc->ev[i].target);
        free(sc->ev[i].profile);
    }
    free(sc->ev);
    dct_weather_free(sc->wx);
    free(sc->name);
    free(sc->file);
    free(sc);
}

int dct_scenario_apply_profiles(const dct_scenario *sc, const dct_site *s,
                                struct dct_profile_set *ps, dct_diag *d)
{
    int any = 0;
    for (size_t i = 0; sc && i < sc->n_ev; i++) {
        const dct_event *e = &sc->ev[i];
        if (e->kind != DCT_EV_PROFILE && e->kind != DCT_EV_SCALE)
            continue;
        any = 1;
        size_t k = 0;
        for (size_t j = 0; j < s->n_comps; j++) {
            const dct_comp *r = s->comps[j];
            if (r->type != DCT_T_RACK || r->is_model)
                continue;
            int hit = !e->target || strcmp(r->id, e->target) == 0 ||
                      (r->parent && r->parent->id &&
                       strcmp(r->parent->id, e->target) == 0);
            if (hit && dct_profile_set_event(ps, s, k, r, e->t, e->profile,
                                             e->scale, sc->file, e->line, d))
                return -1;
            k++;
        }
    }
    return any ? dct_profile_set_finish(ps) : 0;
}

/* The file time of the weather at run time T: a CSV's own times from
 * t_wx on; a calendar file (EPW, TMY3) from the start of its records. */
static double wx_time(const dct_scenario *sc, double t)
{
    return t - sc->t_wx + (sc->wx->has_calendar ? sc->wx->t_lo : 0);
}

void dct_scenario_weather(const dct_scenario *sc, double t, double *t_db,
                          double *t_wb)
{
    if (!sc || !sc->wx || t < sc->t_wx)
        return;
    dct_weather_at(sc->wx, wx_time(sc, t), t_db, t_wb);
}

int dct_scenario_weather_next(const dct_scenario *sc, double t, double *tb)
{
    if (!sc || !sc->wx)
        return 0;
    if (!dct_weather_next(sc->wx, wx_time(sc, t), tb))
        return 0;
    *tb -= wx_time(sc, 0);   /* back to run time */
    return 1;
}
