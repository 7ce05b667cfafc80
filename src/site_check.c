/* site_check.c - semantic checks of a parsed site: models applied, ids
 * unique, references resolved, required parameters present, consistency
 * of related parameters, topology.  Every error is recorded (file:line of
 * the element at fault) and the checks go on.
 *
 * A site may hold DCT_MAX_COMPS records, so nothing here is quadratic in
 * their number: ids and model names are looked up in a hash index built
 * once, and the topology checks mark what they find in one pass. */
#include "config.h"
#include "site.h"
#include "suggest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ id index */

/* Hash of an instance id (T < 0) or of the model name ID of type T. */
static size_t id_hash(const char *id, int t)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    if (t >= 0)
        h ^= (uint64_t)(t + 1) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    return (size_t)h;
}

static int index_ok(const dct_site *s)
{
    return s->idx && s->idx_n == s->n_comps;
}

/* Build the index of every record with an id, in document order, so that
 * a probe meets equal keys in that order.  Returns 0, or -1 without
 * memory (the lookups then search linearly). */
static int build_index(dct_site *s)
{
    size_t cap = 64;
    while (cap < 2 * s->n_comps + 1)
        cap *= 2;
    size_t *v = calloc(cap, sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *c = s->comps[i];
        if (!c->id)
            continue;
        size_t h = id_hash(c->id, c->is_model ? (int)c->type : -1);
        size_t k = h & (cap - 1);
        while (v[k])
            k = (k + 1) & (cap - 1);
        v[k] = i + 1;
    }
    free(s->idx);
    s->idx = v;
    s->idx_cap = cap;
    s->idx_n = s->n_comps;
    return 0;
}

/* First record (document order) that is an instance with id ID (T < 0),
 * or a model of type T named ID. */
static const dct_comp *lookup(const dct_site *s, const char *id, int t)
{
    if (index_ok(s)) {
        size_t k = id_hash(id, t) & (s->idx_cap - 1);
        for (; s->idx[k]; k = (k + 1) & (s->idx_cap - 1)) {
            const dct_comp *c = s->comps[s->idx[k] - 1];
            if (strcmp(c->id, id) == 0 &&
                (t < 0 ? !c->is_model
                       : c->is_model && c->type == (dct_type)t))
                return c;
        }
        return NULL;
    }
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *c = s->comps[i];
        if (c->id && strcmp(c->id, id) == 0 &&
            (t < 0 ? !c->is_model : c->is_model && c->type == (dct_type)t))
            return c;
    }
    return NULL;
}

/* How records are named in messages: a rack of a range or a count by
 * what its element says (so that the racks of one element give one
 * message), others by their id; "?" when there is none. */
static const char *label(const dct_comp *c, char *buf, size_t n)
{
    if (c->type == DCT_T_RACK && !c->is_model) {
        if (c->s[DCT_RACK_ID])
            return c->s[DCT_RACK_ID];
        if (c->s[DCT_RACK_COUNT]) {
            snprintf(buf, n, "count=%s of row %s", c->s[DCT_RACK_COUNT],
                     c->parent && c->parent->id ? c->parent->id : "?");
            return buf;
        }
    }
    return c->id ? c->id : "?";
}

/* "<type id=LABEL>", or "<type>" for a record without an id. */
static const char *elem_label(const dct_comp *c, char *buf, size_t n)
{
    char lb[128];
    const char *nm = label(c, lb, sizeof lb);
    if (strcmp(nm, "?") == 0)
        snprintf(buf, n, "<%s>", dct_etypes[c->type].name);
    else
        snprintf(buf, n, "<%s id=%s>", dct_etypes[c->type].name, nm);
    return buf;
}

size_t dct_site_find(const dct_site *s, dct_type t, const dct_comp **out,
                     size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *c = s->comps[i];
        if (c->type == t && !c->is_model) {
            if (out && n < max)
                out[n] = c;
            n++;
        }
    }
    return n;
}

const dct_comp *dct_site_get(const dct_site *s, const char *id)
{
    return id ? lookup(s, id, -1) : NULL;
}

const char *dct_site_suggest_id(const dct_site *s, const char *id)
{
    dct_suggest sg;
    dct_suggest_init(&sg, id);
    for (size_t i = 0; i < s->n_comps; i++)
        dct_suggest_add(&sg, s->comps[i]->id);
    dct_suggest_add(&sg, "ambient");   /* --set and set= reach <ambient> */
    return dct_suggest_best(&sg);
}

const dct_comp *dct_site_model(const dct_site *s, dct_type t,
                               const char *name)
{
    return name ? lookup(s, name, (int)t) : NULL;
}

int dct_redundancy_spares(const char *word, int count)
{
    if (!word || strcmp(word, "N") == 0)
        return 0;
    if (strcmp(word, "N+1") == 0)
        return 1;
    if (strcmp(word, "N+2") == 0)
        return 2;
    if (strcmp(word, "2N") == 0)
        return count / 2;
    return 0;
}

/* Apply the model to instance C: every parameter not given on C takes the
 * model's value, else the table default. */
static void apply_model(dct_site *s, dct_comp *c, dct_diag *d)
{
    const dct_etype *e = &dct_etypes[c->type];
    dct_comp *m = NULL;
    char lb[128];
    if (c->model_name) {
        m = (dct_comp *)dct_site_model(s, c->type, c->model_name);
        if (!m)
            dct_error(d, c->file, c->line,
                      "<%s> refers to model '%s', which is not defined: "
                      "expected a <%s-model name=\"%s\"> in the site or an "
                      "included library",
                      e->name, c->model_name, e->name, c->model_name);
        c->model = m;
        if (m && !c->n_pts && m->n_pts) {
            c->pts = malloc(m->n_pts * sizeof *c->pts);
            if (c->pts) {
                memcpy(c->pts, m->pts, m->n_pts * sizeof *c->pts);
                c->n_pts = m->n_pts;
            }
        }
    }
    for (size_t i = 0; i < e->n_params; i++) {
        const dct_param *p = &e->params[i];
        if (c->given[i])
            continue;
        if (m && m->given[i]) {
            c->q[i] = m->q[i];
            free(c->s[i]);
            c->s[i] = m->s[i] ? strdup(m->s[i]) : NULL;
        } else if (p->kind == DCT_PK_ENUM && !c->s[i]) {
            char buf[64];
            snprintf(buf, sizeof buf, "%s", p->extra);
            char *bar = strchr(buf, '|');
            if (bar)
                *bar = '\0';
            c->s[i] = strdup(buf);
        } else {
            c->q[i] = p->def;
        }
        int missing = (p->flags & DCT_PF_REQ) &&
                      ((p->kind == DCT_PK_Q || p->kind == DCT_PK_INT)
                           ? isnan(c->q[i])
                           : !c->s[i]);
        /* A missing model was reported above: what it would have given
         * is not missing on top. */
        if (missing && c->model_name && !m && (p->flags & DCT_PF_MODEL))
            missing = 0;
        if (missing)
            dct_error(d, c->file, c->line,
                      "%s needs attribute '%s'%s (%s)",
                      elem_label(c, lb, sizeof lb), p->name,
                      (p->flags & DCT_PF_MODEL) && e->has_model
                          ? " here or in its model"
                          : "",
                      p->doc);
    }
}

static void resolve_refs(dct_site *s, dct_comp *c, dct_diag *d)
{
    const dct_etype *e = &dct_etypes[c->type];
    for (size_t i = 0; i < e->n_params; i++) {
        const dct_param *p = &e->params[i];
        if ((p->kind != DCT_PK_REF && p->kind != DCT_PK_REFS) || !c->s[i])
            continue;
        char *list = strdup(c->s[i]);
        if (!list)
            return;
        char *save = NULL;
        size_t n = 0;
        for (char *w = strtok_r(list, " \t\n", &save); w;
             w = strtok_r(NULL, " \t\n", &save)) {
            if (p->kind == DCT_PK_REF && n == 1) {
                dct_error(d, c->file, c->line,
                          "<%s> attribute '%s' = '%s' names several ids: "
                          "expected one",
                          e->name, p->name, c->s[i]);
                break;
            }
            const dct_comp *t = dct_site_get(s, w);
            if (!t) {
                dct_error(d, c->file, c->line,
                          "<%s> attribute '%s' refers to '%s', which is "
                          "not defined: expected the id of a <%s>",
                          e->name, p->name, w, p->extra);
                continue;
            }
            if (strcmp(dct_etypes[t->type].name, p->extra) != 0) {
                dct_error(d, c->file, c->line,
                          "<%s> attribute '%s' refers to '%s', which is a "
                          "<%s> (expected a <%s>, defined at %s:%ld)",
                          e->name, p->name, w, dct_etypes[t->type].name,
                          p->extra, t->file, t->line);
                continue;
            }
            dct_comp **v = realloc(c->ref[i].v, (n + 1) * sizeof *v);
            if (!v)
                break;
            c->ref[i].v = v;
            c->ref[i].v[n++] = (dct_comp *)t;
            c->ref[i].n = n;
        }
        free(list);
    }
}

/* Check that a model's table points increase strictly in X and number at
 * least two. */
static void check_points(const dct_comp *m, int xi, const char *what,
                         dct_diag *d)
{
    if (m->n_pts == 1)
        dct_error(d, m->file, m->line, "<%s-model name=%s> has one <%s> "
                  "point; a curve needs at least two",
                  dct_etypes[m->type].name, m->id ? m->id : "?", what);
    for (size_t k = 1; k < m->n_pts; k++)
        if (!(m->pts[k]->q[xi] > m->pts[k - 1]->q[xi]))
            dct_error(d, m->pts[k]->file, m->pts[k]->line,
                      "<%s> points must be in strictly increasing order of "
                      "'%s'",
                      what, dct_etypes[m->pts[k]->type].params[xi].name);
}

static void order3(const dct_comp *c, int a, int b, int k, dct_diag *d)
{
    const dct_param *p = dct_etypes[c->type].params;
    char lb[160];
    if (c->q[a] >= c->q[b] || (k >= 0 && c->q[b] >= c->q[k]))
        dct_error(d, c->file, c->line, "%s: '%s' must be below '%s'%s%s",
                  elem_label(c, lb, sizeof lb), p[a].name, p[b].name,
                  k >= 0 ? ", and that below " : "", k >= 0 ? p[k].name : "");
}

static void check_consistency(dct_comp *c, dct_diag *d)
{
    const double *q = c->q;
    char lb[128];
    switch (c->type) {
    case DCT_T_RACK: {
        const char *nm = label(c, lb, sizeof lb);
        if (q[DCT_RACK_P_IDLE] > q[DCT_RACK_P_MAX])
            dct_error(d, c->file, c->line,
                      "rack %s: p-idle exceeds p-max", nm);
        if (q[DCT_RACK_N_GPU] * q[DCT_RACK_P_GPU] >
            q[DCT_RACK_F_LIQ] * q[DCT_RACK_P_MAX] * (1 + 1e-9))
            dct_error(d, c->file, c->line,
                      "rack %s: n-gpu x p-gpu (%g W) exceeds the liquid "
                      "share f-liq x p-max (%g W)",
                      nm, q[DCT_RACK_N_GPU] * q[DCT_RACK_P_GPU],
                      q[DCT_RACK_F_LIQ] * q[DCT_RACK_P_MAX]);
        order3(c, DCT_RACK_T_SOFT, DCT_RACK_T_SLOW, DCT_RACK_T_TRIP, d);
        order3(c, DCT_RACK_T_SUPPLY_MIN, DCT_RACK_T_SUPPLY_MAX, -1, d);
        order3(c, DCT_RACK_T_RETURN_MAX, DCT_RACK_T_COOLANT_TRIP, -1, d);
        if (q[DCT_RACK_PLATE_FLOW] > q[DCT_RACK_FLOW])
            dct_error(d, c->file, c->line,
                      "rack %s: plate-flow exceeds the rack flow", nm);
        /* R_ci = a + b/V is a resistance between the cold plate and its
         * coolant: zero would be an infinite heat transfer */
        if (!(q[DCT_RACK_R_CI_A] > 0) && !(q[DCT_RACK_R_CI_B] > 0))
            dct_error(d, c->file, c->line,
                      "rack %s: r-ci-a and r-ci-b are both 0: the "
                      "case-to-inlet resistance a + b/V must be positive",
                      nm);
        break;
    }
    case DCT_T_DC_BUS:
        order3(c, DCT_DC_BUS_BAND_LOW, DCT_DC_BUS_NOMINAL,
               DCT_DC_BUS_BAND_HIGH, d);
        break;
    case DCT_T_BESS:
        order3(c, DCT_BESS_SOC_MIN, DCT_BESS_SOC_MAX, -1, d);
        order3(c, DCT_BESS_T_CELL_MIN, DCT_BESS_T_CELL_MAX, -1, d);
        if (c->n_pts < 2)
            dct_error(d, c->file, c->line,
                      "bess %s: its model needs an <ocv> curve of at least "
                      "two points",
                      c->id);
        if (c->s[DCT_BESS_CONTROL] &&
            strcmp(c->s[DCT_BESS_CONTROL], "ramp-limit") == 0 &&
            !c->given[DCT_BESS_RAMP_LIMIT])
            dct_error(d, c->file, c->line,
                      "bess %s: control 'ramp-limit' needs 'ramp-limit'",
                      c->id);
        if (c->s[DCT_BESS_CONTROL] &&
            strcmp(c->s[DCT_BESS_CONTROL], "peak-shave") == 0 &&
            !c->given[DCT_BESS_PEAK_CAP])
            dct_error(d, c->file, c->line,
                      "bess %s: control 'peak-shave' needs 'peak-cap'", c->id);
        break;
    case DCT_T_HEAT_REJECTION:
        if (q[DCT_HEAT_REJECTION_T_IN_RATED] <=
            q[DCT_HEAT_REJECTION_T_OUT_RATED])
            dct_error(d, c->file, c->line,
                      "heat-rejection %s: t-in-rated must be above "
                      "t-out-rated",
                      c->id);
        else if (c->s[DCT_HEAT_REJECTION_TYPE] &&
                 strcmp(c->s[DCT_HEAT_REJECTION_TYPE], "chiller") != 0 &&
                 q[DCT_HEAT_REJECTION_T_OUT_RATED] <=
                     q[DCT_HEAT_REJECTION_T_AIR_RATED])
            dct_error(d, c->file, c->line,
                      "heat-rejection %s: t-out-rated must be above "
                      "t-air-rated (no heat rejection without a "
                      "temperature difference)",
                      c->id);
        {
            int n = (int)q[DCT_HEAT_REJECTION_COUNT];
            if (dct_redundancy_spares(c->s[DCT_HEAT_REJECTION_REDUNDANCY], n) >= n)
                dct_error(d, c->file, c->line,
                          "heat-rejection %s: redundancy %s needs more than "
                          "%d unit(s)",
                          c->id, c->s[DCT_HEAT_REJECTION_REDUNDANCY], n);
        }
        break;
    case DCT_T_CDU: {
        int n = (int)q[DCT_CDU_PUMPS];
        if (dct_redundancy_spares(c->s[DCT_CDU_REDUNDANCY], n) >= n)
            dct_error(d, c->file, c->line,
                      "cdu %s: pump redundancy %s needs more than %d "
                      "pump(s)",
                      c->id, c->s[DCT_CDU_REDUNDANCY], n);
        order3(c, DCT_CDU_T_SUPPLY_MIN, DCT_CDU_T_SUPPLY_MAX, -1, d);
        break;
    }
    case DCT_T_FACILITY_LOOP: {
        int n = (int)q[DCT_FACILITY_LOOP_PUMPS];
        if (dct_redundancy_spares(c->s[DCT_FACILITY_LOOP_REDUNDANCY], n) >= n)
            dct_error(d, c->file, c->line,
                      "facility-loop %s: pump redundancy %s needs more "
                      "than %d pump(s)",
                      c->id, c->s[DCT_FACILITY_LOOP_REDUNDANCY], n);
        break;
    }
    case DCT_T_RECTIFIER: {
        int n = (int)q[DCT_RECTIFIER_COUNT];
        if (dct_redundancy_spares(c->s[DCT_RECTIFIER_REDUNDANCY], n) >= n)
            dct_error(d, c->file, c->line,
                      "rectifier %s: redundancy %s needs more than %d "
                      "unit(s)",
                      c->id, c->s[DCT_RECTIFIER_REDUNDANCY], n);
        break;
    }
    case DCT_T_PROFILE:
        if (c->s[DCT_PROFILE_TYPE] &&
            strcmp(c->s[DCT_PROFILE_TYPE], "csv") == 0 &&
            !c->s[DCT_PROFILE_FILE])
            dct_error(d, c->file, c->line,
                      "profile %s: type 'csv' needs a 'file'", c->id);
        if (c->s[DCT_PROFILE_TYPE] &&
            strcmp(c->s[DCT_PROFILE_TYPE], "mix") == 0 &&
            (!c->s[DCT_PROFILE_PROFILES] || !c->s[DCT_PROFILE_FRACTIONS]))
            dct_error(d, c->file, c->line,
                      "profile %s: type 'mix' needs profiles= and "
                      "fractions=", c->id);
        if (q[DCT_PROFILE_FLOOR] > 0 && q[DCT_PROFILE_FLOOR] < 0.2)
            dct_error(d, c->file, c->line,
                      "profile %s: floor %g is below the 0.2 of TDP that GPU "
                      "power smoothing allows (0 turns it off)",
                      c->id, q[DCT_PROFILE_FLOOR]);
        if (q[DCT_PROFILE_END] < q[DCT_PROFILE_START] + q[DCT_PROFILE_RAMP_UP])
            dct_error(d, c->file, c->line,
                      "profile %s: end (%g s) before the start ramp is over "
                      "(%g s)", c->id, q[DCT_PROFILE_END],
                      q[DCT_PROFILE_START] + q[DCT_PROFILE_RAMP_UP]);
        if (q[DCT_PROFILE_FAULTS] > 0 &&
            q[DCT_PROFILE_HOLD] < q[DCT_PROFILE_RAMP_DOWN])
            dct_error(d, c->file, c->line,
                      "profile %s: hold (%g s) shorter than ramp-down (%g s)",
                      c->id, q[DCT_PROFILE_HOLD], q[DCT_PROFILE_RAMP_DOWN]);
        if (c->s[DCT_PROFILE_TYPE] &&
            strcmp(c->s[DCT_PROFILE_TYPE], "llm-training") == 0 &&
            2 * q[DCT_PROFILE_EDGE] >= q[DCT_PROFILE_PERIOD] *
                                           fmin(q[DCT_PROFILE_DUTY],
                                                1 - q[DCT_PROFILE_DUTY]) * 2)
            dct_error(d, c->file, c->line,
                      "profile %s: the edges (2 x edge) do not fit in a "
                      "phase of the period",
                      c->id);
        break;
    default:
        break;
    }
}

static int is_builtin_profile(const char *name)
{
    return strcmp(name, "constant") == 0 || strcmp(name, "llm-training") == 0;
}

/* Every profile of mix C is a profile of the site or a built-in one, and
 * not a mix. */
static void check_mix(const dct_site *s, const dct_comp *c, dct_diag *d)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", c->s[DCT_PROFILE_PROFILES]);
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t\n", &save); w;
         w = strtok_r(NULL, " \t\n", &save)) {
        if (is_builtin_profile(w))
            continue;
        const dct_comp *p = dct_site_get(s, w);
        if (!p || p->type != DCT_T_PROFILE)
            dct_error(d, c->file, c->line,
                      "profile %s: '%s' in profiles= is neither a <profile> "
                      "id nor a built-in profile", c->id, w);
        else if (p->s[DCT_PROFILE_TYPE] &&
                 strcmp(p->s[DCT_PROFILE_TYPE], "mix") == 0)
            dct_error(d, c->file, c->line,
                      "profile %s: '%s' is a mix; a mix may not hold a mix",
                      c->id, w);
    }
}

int dct_site_check(dct_site *s, dct_diag *d)
{
    size_t before = d->n_errors;
    char lb[128];
    build_index(s);
    /* unique ids among instances; unique model names per type: the first
     * record of an id in document order is the one the index finds */
    for (size_t i = 0; i < s->n_comps; i++) {
        dct_comp *c = s->comps[i];
        if (!c->id)
            continue;
        const dct_comp *o =
            lookup(s, c->id, c->is_model ? (int)c->type : -1);
        if (o && o != c)
            dct_error(d, c->file, c->line,
                      "duplicate %s '%s' (first defined at %s:%ld): "
                      "expected each %s once",
                      c->is_model ? "model name" : "id", c->id, o->file,
                      o->line, c->is_model ? "model name" : "id");
    }
    /* models: table points */
    for (size_t i = 0; i < s->n_comps; i++) {
        dct_comp *c = s->comps[i];
        if (!c->is_model)
            continue;
        if (c->type == DCT_T_BESS)
            check_points(c, DCT_OCV_SOC, "ocv", d);
        else if (c->type == DCT_T_RECTIFIER)
            check_points(c, DCT_EFFICIENCY_LOAD, "efficiency", d);
        else if (c->type == DCT_T_RACK)
            check_points(c, DCT_FLOW_REQ_T_SUPPLY, "flow-req", d);
    }
    /* instances: model, defaults, references */
    for (size_t i = 0; i < s->n_comps; i++) {
        dct_comp *c = s->comps[i];
        if (c->is_model || dct_etypes[c->type].is_point ||
            c->type == DCT_T_SITE || c->type == DCT_T_LIBRARY)
            continue;
        apply_model(s, c, d);
        resolve_refs(s, c, d);
    }
    if (d->n_errors != before)
        return -1;
    /* DC buses fed by a rectifier or a generator, marked in one pass */
    unsigned char *fed = calloc(s->n_comps ? s->n_comps : 1, 1);
    if (!fed) {
        dct_error(d, s->file, 0, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *o = s->comps[i];
        const dct_reflist *r =
            o->is_model                      ? NULL
            : o->type == DCT_T_RECTIFIER ? &o->ref[DCT_RECTIFIER_BUS]
            : o->type == DCT_T_GENERATOR ? &o->ref[DCT_GENERATOR_BUS]
                                         : NULL;
        if (r && r->n)
            fed[r->v[0]->index] = 1;
    }
    s->n_racks = 0;
    for (size_t i = 0; i < s->n_comps; i++) {
        dct_comp *c = s->comps[i];
        if (!c->is_model && !dct_etypes[c->type].is_point)
            check_consistency(c, d);
        if (c->type == DCT_T_PROFILE && c->s[DCT_PROFILE_TYPE] &&
            strcmp(c->s[DCT_PROFILE_TYPE], "mix") == 0 &&
            c->s[DCT_PROFILE_PROFILES])
            check_mix(s, c, d);
        if (c->type == DCT_T_RACK && !c->is_model) {
            s->n_racks++;
            const char *nm = label(c, lb, sizeof lb);
            const char *pr = c->s[DCT_RACK_PROFILE];
            if (!pr && c->parent && c->parent->type == DCT_T_ROW)
                pr = c->parent->s[DCT_ROW_PROFILE];
            if (pr && !is_builtin_profile(pr)) {
                const dct_comp *p = dct_site_get(s, pr);
                if (!p || p->type != DCT_T_PROFILE)
                    dct_error(d, c->file, c->line,
                              "rack %s: profile '%s' is neither a <profile> "
                              "id nor a built-in profile (constant, "
                              "llm-training)",
                              nm, pr);
            }
            const dct_comp *row = c->parent;
            if (!row || row->type != DCT_T_ROW || !row->ref[DCT_ROW_CDU].n)
                dct_error(d, c->file, c->line,
                          "rack %s has no CDU: expected its <row> to name "
                          "one with cdu=",
                          nm);
            if (!row || row->type != DCT_T_ROW || !row->ref[DCT_ROW_BUSWAY].n)
                dct_error(d, c->file, c->line,
                          "rack %s has no busway: expected its <row> to "
                          "name one with busway=",
                          nm);
        }
        if (c->type == DCT_T_DC_BUS && !c->is_model && !fed[c->index])
            dct_error(d, c->file, c->line,
                      "dc-bus %s has no source: expected a <rectifier> or "
                      "<generator> with bus=\"%s\"",
                      c->id, c->id);
    }
    free(fed);
    /* an auxiliary named onto a generator board needs a generator; the
     * default (feed not given) falls back to the grid without one */
    size_t n_gen = dct_site_find(s, DCT_T_GENERATOR, NULL, 0);
    for (size_t i = 0; i < s->n_comps && !n_gen; i++) {
        const dct_comp *c = s->comps[i];
        int fp = c->type == DCT_T_CDU              ? DCT_CDU_FEED
                 : c->type == DCT_T_FACILITY_LOOP  ? DCT_FACILITY_LOOP_FEED
                 : c->type == DCT_T_HEAT_REJECTION ? DCT_HEAT_REJECTION_FEED
                 : c->type == DCT_T_HALL_AIR       ? DCT_HALL_AIR_FEED
                                                   : -1;
        if (fp >= 0 && !c->is_model && c->given[fp] && c->s[fp] &&
            strcmp(c->s[fp], "generator") == 0)
            dct_error(d, c->file, c->line,
                      "%s: feed=\"generator\" but the site has no "
                      "<generator>: expected one in <power>, or feed=\"ups\" "
                      "or \"grid\"",
                      elem_label(c, lb, sizeof lb));
    }
    if (s->comps && s->n_comps && s->comps[0]->type == DCT_T_SITE &&
        s->n_racks == 0)
        dct_error(d, s->comps[0]->file, s->comps[0]->line,
                  "the site has no racks: expected at least one <rack> in "
                  "a <row>");
    /* one hall air node takes the racks' air-side heat and the busways'
     * losses: none would lose that heat, two would count it twice */
    if (s->comps && s->n_comps && s->comps[0]->type == DCT_T_SITE &&
        s->n_racks > 0) {
        const dct_comp *halls[2];
        size_t n_hall = dct_site_find(s, DCT_T_HALL_AIR, halls, 2);
        if (n_hall == 0)
            dct_error(d, s->comps[0]->file, s->comps[0]->line,
                      "the site has no <hall-air>: expected one in "
                      "<cooling> to take the racks' air-side heat");
        else if (n_hall > 1)
            dct_error(d, halls[1]->file, halls[1]->line,
                      "a second <hall-air>: a site has one hall air node");
    }
    return d->n_errors == before ? 0 : -1;
}
