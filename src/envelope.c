/* envelope.c - the validity envelope of the models (envelope.h).
 *
 * One table, RULES, says for each component type and output which range
 * the model is valid in and why; dctwin-models(7) (VALIDITY ENVELOPE)
 * documents the same table.  The checks are built once per run from the
 * model's output names ("A01.T_return_degC": component id, then quantity
 * and unit after the last '.'), and cost one comparison per checked output
 * and sample.
 */
#include "config.h"
#include "envelope.h"
#include "component.h"
#include "textout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A range of one output of one component type.  Bounds in the output's
 * unit; with IS_PER_NOMINAL, fractions of the dc-bus's nominal voltage. */
static const struct rule {
    dct_type type;
    const char *output;   /* quantity_unit after the component id */
    const char *kind;     /* event suffix and warning word */
    double lo, hi;
    int is_per_nominal;
    const char *what;     /* why the model stops holding outside */
} RULES[] = {
    /* the TCS coolant, PG25: liquid from its freezing point (-9.8 degC,
     * [MELINDER-2010]) to the boiling point of water at atmospheric
     * pressure (100 degC; the mixture boils above it) */
    {DCT_T_RACK, "T_return_degC", "coolant", -9.8, 100, 0,
     "PG25 coolant outside its liquid range"},
    {DCT_T_CDU, "T_supply_degC", "coolant", -9.8, 100, 0,
     "PG25 coolant outside its liquid range"},
    {DCT_T_CDU, "T_return_degC", "coolant", -9.8, 100, 0,
     "PG25 coolant outside its liquid range"},
    /* facility water: liquid from 0 to 100 degC at atmospheric pressure */
    {DCT_T_CDU, "T_primary_out_degC", "facility-water", 0, 100, 0,
     "facility water outside its liquid range"},
    {DCT_T_FACILITY_LOOP, "T_supply_degC", "facility-water", 0, 100, 0,
     "facility water outside its liquid range"},
    {DCT_T_FACILITY_LOOP, "T_return_degC", "facility-water", 0, 100, 0,
     "facility water outside its liquid range"},
    {DCT_T_HEAT_REJECTION, "T_out_degC", "facility-water", 0, 100, 0,
     "facility water outside its liquid range"},
    /* the package: from the coolant's freezing point to 150 degC, far
     * above every trip temperature of models/racks.xml (92 degC); an
     * assumption: the linear resistances and constant heat capacities of
     * the RC model are not meant beyond */
    {DCT_T_RACK, "T_j_degC", "junction", -9.8, 150, 0,
     "GPU junction outside the thermal model's range"},
    {DCT_T_RACK, "T_j_hot_degC", "junction", -9.8, 150, 0,
     "GPU junction outside the thermal model's range"},
    /* hall air: constant properties at 25 degC, an assumption held from
     * -20 to 60 degC (ASHRAE's widest allowable class, A4, ends at 45) */
    {DCT_T_HALL_AIR, "T_degC", "air", -20, 60, 0,
     "hall air outside the air model's range"},
    /* the bus: constant-power loads draw I = P/V, so at half the nominal
     * voltage they draw twice the current and nothing in the model trips;
     * an assumption: 0.5 to 1.5 times nominal */
    {DCT_T_DC_BUS, "V_V", "bus-voltage", 0.5, 1.5, 1,
     "bus voltage outside the power model's range"},
    /* the battery: a state of charge is a fraction from 0 to 1; the cell
     * model holds from -20 to 60 degC (an assumption: the discharge range
     * of LFP cell datasheets) */
    {DCT_T_BESS, "soc", "soc", 0, 1, 0,
     "state of charge outside 0 to 1"},
    {DCT_T_BESS, "T_cell_degC", "cell-temperature", -20, 60, 0,
     "battery cell temperature outside the cell model's range"},
};
#define N_RULES (sizeof RULES / sizeof RULES[0])

typedef struct check {
    size_t out;             /* output index */
    const struct rule *r;
    const char *comp;       /* borrowed: the component's id */
    double lo, hi;          /* in the output's unit */
    int has_left;
} check;

struct dct_envelope {
    check *c;
    size_t n;
    size_t n_left;
    /* the first departure */
    double t1, v1;
    const check *first;
};

dct_envelope *dct_envelope_new(const dct_site *s, const dct_model *m)
{
    dct_envelope *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    size_t n_out = dct_model_n_outputs(m), cap = 0;
    char id[512];
    for (size_t i = 0; i < n_out; i++) {
        const char *name = dct_model_output_name(m, i);
        const char *dot = strrchr(name, '.');
        if (!dot || (size_t)(dot - name) >= sizeof id)
            continue;
        memcpy(id, name, (size_t)(dot - name));
        id[dot - name] = '\0';
        const dct_comp *c = dct_site_get(s, id);
        if (!c)
            continue;
        for (size_t k = 0; k < N_RULES; k++) {
            const struct rule *r = &RULES[k];
            if (r->type != c->type || strcmp(r->output, dot + 1) != 0)
                continue;
            if (e->n == cap) {
                cap = cap ? 2 * cap : 64;
                check *nc = realloc(e->c, cap * sizeof *nc);
                if (!nc) {
                    dct_envelope_free(e);
                    return NULL;
                }
                e->c = nc;
            }
            double scale = r->is_per_nominal ? c->q[DCT_DC_BUS_NOMINAL] : 1;
            e->c[e->n++] = (check){i, r, c->id, r->lo * scale,
                                   r->hi * scale, 0};
        }
    }
    return e;
}

void dct_envelope_free(dct_envelope *e)
{
    if (!e)
        return;
    free(e->c);
    free(e);
}

/* The unit of an output quantity "T_return_degC": after the last '_'. */
static const char *unit_of(const struct rule *r)
{
    const char *u = strrchr(r->output, '_');
    return u && strcmp(u + 1, "soc") != 0 ? u + 1 : "";
}

int dct_envelope_check(dct_envelope *e, double t, const double *out,
                       FILE *events, dct_diag *d)
{
    for (size_t i = 0; i < e->n; i++) {
        check *c = &e->c[i];
        double v = out[c->out];
        if (c->has_left || (v >= c->lo && v <= c->hi) || isnan(v))
            continue;
        /* once per component and kind: its other outputs of the kind
         * (T_j and T_j_hot) are taken as left too; a component's outputs
         * are next to each other */
        for (size_t k = i; k < e->n && e->c[k].comp == c->comp; k++)
            e->c[k].has_left |= e->c[k].r->kind == c->r->kind;
        for (size_t k = i; k-- > 0 && e->c[k].comp == c->comp;)
            e->c[k].has_left |= e->c[k].r->kind == c->r->kind;
        if (!e->n_left++) {
            e->first = c;
            e->t1 = t;
            e->v1 = v;
        }
        dct_warning(d, NULL, 0, "%s %s = %.6g %s at t = %.9g s: %s (the "
                    "model is valid from %g to %g %s; see dctwin-models(7), "
                    "VALIDITY ENVELOPE)", c->r->kind, c->comp, v,
                    unit_of(c->r), t, c->r->what, c->lo, c->hi,
                    unit_of(c->r));
        if (events) {
            fprintf(events, "%.9g,", t);
            dct_csv_field(events, c->comp);
            fprintf(events, ",outside-validity:%s\n", c->r->kind);
            if (ferror(events))
                return -1;
        }
    }
    return 0;
}

size_t dct_envelope_n_left(const dct_envelope *e)
{
    return e ? e->n_left : 0;
}

void dct_envelope_json(FILE *f, const dct_envelope *e)
{
    size_t n = dct_envelope_n_left(e);
    fprintf(f, "{\"left\":%s,\"n\":%zu,\"first\":", n ? "true" : "false", n);
    if (!n) {
        fputs("null}", f);
        return;
    }
    const check *c = e->first;
    fputs("{\"t_s\":", f);
    dct_json_num(f, e->t1);
    fputs(",\"component\":", f);
    dct_json_str(f, c->comp);
    fputs(",\"kind\":", f);
    dct_json_str(f, c->r->kind);
    fputs(",\"value\":", f);
    dct_json_num(f, e->v1);
    fputs(",\"unit\":", f);
    dct_json_str(f, unit_of(c->r));
    fputs(",\"low\":", f);
    dct_json_num(f, c->lo);
    fputs(",\"high\":", f);
    dct_json_num(f, c->hi);
    fputs("}}", f);
}

void dct_envelope_summary(const dct_envelope *e, char *buf, size_t n)
{
    size_t k = dct_envelope_n_left(e);
    if (!k) {
        snprintf(buf, n, "%s", "");
        return;
    }
    const check *c = e->first;
    snprintf(buf, n, "warning: the model left its valid range (%zu "
             "range%s of components left; first %s %s = %.4g %s at t = "
             "%.6g s): results beyond are outside what it represents "
             "(events.csv)", k, k == 1 ? "" : "s", c->r->kind, c->comp,
             e->v1, unit_of(c->r), e->t1);
}
