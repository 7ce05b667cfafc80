/* scenario.c - read and check a scenario file (scenario.h). */
#include "config.h"
#include "scenario.h"
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/* Component types a scenario may fail and restore. */
static int is_failable(dct_type t)
{
    return t == DCT_T_GRID || t == DCT_T_RECTIFIER || t == DCT_T_BUSWAY ||
           t == DCT_T_BESS || t == DCT_T_GENERATOR || t == DCT_T_CDU ||
           t == DCT_T_HEAT_REJECTION;
}

typedef struct err_ctx {
    dct_diag *d;
    const char *file;
    int n;
} err_ctx;

static void on_error(void *ud, const xmlError *e)
{
    err_ctx *x = ud;
    if (!e || e->level < XML_ERR_ERROR || x->n++ >= 20)
        return;
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "bad XML");
    size_t l = strlen(msg);
    while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
        msg[--l] = '\0';
    dct_error(x->d, x->file, e->line, "%s", msg);
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
            dct_error(d, path, line, "set=\"%s\": '%s' is not a component "
                      "of site %s", text, id, s->name ? s->name : "?");
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

static int cmp_event(const void *a, const void *b)
{
    const dct_event *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->line < y->line ? -1 : (x->line > y->line);
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

dct_scenario *dct_scenario_load(const char *path, const dct_site *s,
                                dct_diag *d)
{
    size_t errs = d->n_errors;
    dct_scenario *sc = calloc(1, sizeof *sc);
    char *buf = NULL;
    xmlDocPtr doc = NULL;
    FILE *f = NULL;
    if (!sc || !(sc->file = strdup(path)))
        goto oom;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
        !(f = fopen(path, "rb"))) {
        dct_error(d, path, 0, "cannot read the scenario file");
        goto fail;
    }
    if (st.st_size > DCT_MAX_FILE_BYTES) {
        dct_error(d, path, 0, "the file is %lld bytes, more than the %ld "
                  "allowed", (long long)st.st_size, DCT_MAX_FILE_BYTES);
        goto fail;
    }
    size_t len = (size_t)st.st_size;
    if (!(buf = malloc(len + 1)))
        goto oom;
    if (fread(buf, 1, len, f) != len) {
        dct_error(d, path, 0, "read error");
        goto fail;
    }
    buf[len] = '\0';
    if (strstr(buf, "<!DOCTYPE") || strstr(buf, "<!ENTITY")) {
        dct_error(d, path, 1, "DOCTYPE and ENTITY declarations are not "
                  "allowed (no DTDs, no entities)");
        goto fail;
    }
    err_ctx ex = {d, path, 0};
    xmlSetStructuredErrorFunc(&ex, (xmlStructuredErrorFunc)on_error);
    doc = xmlReadMemory(buf, (int)len, path, NULL,
                        XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc) {
        if (!ex.n)
            dct_error(d, path, 0, "not a well-formed XML document");
        goto fail;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "scenario") != 0) {
        dct_error(d, path, root ? xmlGetLineNo(root) : 1,
                  "the root element of a scenario must be <scenario>");
        goto fail;
    }
    for (xmlAttrPtr a = root->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "name") != 0 &&
            strcmp((const char *)a->name, "description") != 0)
            dct_error(d, path, xmlGetLineNo(root),
                      "<scenario> has no attribute '%s' (expected name, "
                      "description)", (const char *)a->name);
    sc->name = attr(root, "name");
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
                strcmp(an, "set"))
                dct_error(d, path, line, "<event> has no attribute '%s' "
                          "(expected t, fail, restore, units, set)", an);
        }
        char *t = attr(n, "t"), *fa = attr(n, "fail"), *re = attr(n, "restore");
        char *un = attr(n, "units"), *se = attr(n, "set");
        long units = 0;
        if (un) {
            char *end = NULL;
            units = strtol(un, &end, 10);
            if (!*un || *end || units < 1 || units > 100000)
                dct_error(d, path, line, "units=\"%s\": expected a whole "
                          "number from 1 to 100000", un);
            free(un);
        }
        double ts = 0;
        char err[160];
        if (!t)
            dct_error(d, path, line, "<event> needs a time t");
        else if (dct_quantity_parse(t, "s", &ts, err, sizeof err) != 0)
            dct_error(d, path, line, "t=\"%s\": %s", t, err);
        else if (ts < 0)
            dct_error(d, path, line, "t=\"%s\": must not be negative", t);
        if (!!fa + !!re + !!se != 1)
            dct_error(d, path, line,
                      "<event> needs exactly one of fail=, restore= or set=");
        if (se && units)
            dct_error(d, path, line, "units= goes with fail= or restore=");
        const char *id = fa ? fa : re;
        if (id) {
            const dct_comp *c = dct_site_get(s, id);
            if (!c)
                dct_error(d, path, line, "'%s' is not a component of site "
                          "%s", id, s->name ? s->name : "?");
            else if (!is_failable(c->type))
                dct_error(d, path, line, "'%s' cannot fail: only a grid, "
                          "rectifier, busway, bess, generator, cdu or "
                          "heat-rejection can", id);
        }
        if (sc->n_ev == cap) {
            size_t nc = cap ? 2 * cap : 8;
            dct_event *nv = realloc(sc->ev, nc * sizeof *nv);
            if (!nv) {
                free(t), free(fa), free(re), free(se);
                goto oom;
            }
            sc->ev = nv;
            cap = nc;
        }
        dct_event *e = &sc->ev[sc->n_ev++];
        e->t = ts;
        e->kind = fa ? DCT_EV_FAIL : re ? DCT_EV_RESTORE : DCT_EV_SET;
        e->units = (int)units;
        e->target = id ? strdup(id) : NULL;
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
        if (is_oom)
            goto oom;
    }
    if (d->n_errors != errs)
        goto fail;
    qsort(sc->ev, sc->n_ev, sizeof *sc->ev, cmp_event);
    xmlFreeDoc(doc);
    free(buf);
    fclose(f);
    return sc;
oom:
    dct_error(d, path, 0, "out of memory");
fail:
    xmlFreeDoc(doc);
    free(buf);
    if (f)
        fclose(f);
    dct_scenario_free(sc);
    return NULL;
}

void dct_scenario_free(dct_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_ev; i++)
        free(sc->ev[i].target);
    free(sc->ev);
    free(sc->name);
    free(sc->file);
    free(sc);
}
