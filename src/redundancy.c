/* redundancy.c - installed against needed for every redundant group of a
 * site.  See redundancy.h. */
#include "config.h"
#include "redundancy.h"
#include "model_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int dct_cdu_units_needed(double heat, double mdot, double cap, double ms)
{
    /* 1e-9: a load exactly at a whole number of units needs that many */
    return (int)fmax(ceil(heat / cap - 1e-9), ceil(mdot / ms - 1e-9));
}

static void add(dct_rgroup *out, size_t max, size_t *n, const dct_rgroup *g)
{
    if (out && *n < max)
        out[*n] = *g;
    (*n)++;
}

/* Rack totals of the site: IT at p-max, its liquid and air shares. */
static void rack_totals(const dct_site *s, double *it, double *liq,
                        double *air)
{
    *it = *liq = *air = 0;
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *r = s->comps[i];
        if (r->type != DCT_T_RACK || r->is_model)
            continue;
        double p = r->q[DCT_RACK_P_MAX], f = r->q[DCT_RACK_F_LIQ];
        *it += p;
        *liq += f * p;
        *air += (1 - f) * p;
    }
}

/* A group of COUNT units of RATING carrying LOAD, with redundancy WORD. */
static dct_rgroup unit_group(const dct_comp *c, const char *kind, int count,
                             double rating, double load, const char *word)
{
    dct_rgroup g = {{0}, c, count, 0, 0, word, load, NAN};
    snprintf(g.what, sizeof g.what, "%s (%s)", c->id ? c->id : "?", kind);
    g.needed = (int)ceil(load / rating - 1e-9);
    g.spares = dct_redundancy_spares(word, count);
    return g;
}

size_t dct_redundancy_groups(const dct_site *s, dct_rgroup *out, size_t max)
{
    size_t n = 0;
    double it, liq, air;
    rack_totals(s, &it, &liq, &air);
    /* CDU groups: the first row listing a first CDU stands for the rows
     * listing the same CDUs (the model refuses rows that share some) */
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *row = s->comps[i];
        if (row->type != DCT_T_ROW || row->is_model ||
            !row->ref[DCT_ROW_CDU].n)
            continue;
        const dct_comp *c0 = row->ref[DCT_ROW_CDU].v[0];
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++) {
            const dct_comp *o = s->comps[k];
            seen = o->type == DCT_T_ROW && !o->is_model &&
                   o->ref[DCT_ROW_CDU].n && o->ref[DCT_ROW_CDU].v[0] == c0;
        }
        if (seen)
            continue;
        double heat = 0, mdot = 0;
        const char *word = NULL;
        for (size_t k = i; k < s->n_comps; k++) {
            const dct_comp *o = s->comps[k];
            if (o->type == DCT_T_ROW && !o->is_model &&
                o->ref[DCT_ROW_CDU].n && o->ref[DCT_ROW_CDU].v[0] == c0 &&
                !word)
                word = o->s[DCT_ROW_CDU_REDUNDANCY];
            if (o->type != DCT_T_RACK || o->is_model || !o->parent ||
                !o->parent->ref[DCT_ROW_CDU].n ||
                o->parent->ref[DCT_ROW_CDU].v[0] != c0)
                continue;
            heat += o->q[DCT_RACK_F_LIQ] * o->q[DCT_RACK_P_MAX];
            mdot += o->q[DCT_RACK_FLOW] * DCT_RHO_TCS;
        }
        int count = (int)row->ref[DCT_ROW_CDU].n;
        dct_rgroup g = {{0}, row, count, 0, 0, word, heat, mdot};
        snprintf(g.what, sizeof g.what, "CDU group of %.60s", c0->id);
        g.needed = dct_cdu_units_needed(heat, mdot, c0->q[DCT_CDU_CAPACITY],
                                        c0->q[DCT_CDU_FLOW_SECONDARY]);
        g.spares = dct_redundancy_spares(word, count);
        add(out, max, &n, &g);
    }
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *c = s->comps[i];
        if (c->is_model)
            continue;
        dct_rgroup g;
        switch (c->type) {
        case DCT_T_CDU: {
            /* CDUs alike in pumps and redundancy make one line: "pumps
             * of each of cdu-ab1 ... (6 CDUs)" */
            int p = (int)c->q[DCT_CDU_PUMPS];
            const char *w = c->s[DCT_CDU_REDUNDANCY];
            if (i > 0 && s->comps[i - 1]->type == DCT_T_CDU &&
                !s->comps[i - 1]->is_model &&
                (int)s->comps[i - 1]->q[DCT_CDU_PUMPS] == p &&
                !strcmp(s->comps[i - 1]->s[DCT_CDU_REDUNDANCY]
                            ? s->comps[i - 1]->s[DCT_CDU_REDUNDANCY] : "",
                        w ? w : ""))
                continue;
            size_t k = i + 1;
            while (k < s->n_comps && s->comps[k]->type == DCT_T_CDU &&
                   !s->comps[k]->is_model &&
                   (int)s->comps[k]->q[DCT_CDU_PUMPS] == p &&
                   !strcmp(s->comps[k]->s[DCT_CDU_REDUNDANCY]
                               ? s->comps[k]->s[DCT_CDU_REDUNDANCY] : "",
                           w ? w : ""))
                k++;
            g = (dct_rgroup){{0}, c, p, 0, 0, w, NAN, NAN};
            if (k - i > 1)
                snprintf(g.what, sizeof g.what, "pumps of %.20s .. %.20s, "
                         "each", c->id, s->comps[k - 1]->id);
            else
                snprintf(g.what, sizeof g.what, "pumps of %.60s", c->id);
            g.spares = dct_redundancy_spares(w, p);
            g.needed = p - g.spares;
            break;
        }
        case DCT_T_FACILITY_LOOP: {
            /* a loop of one pump (the default) has no group to show */
            int p = (int)c->q[DCT_FACILITY_LOOP_PUMPS];
            const char *w = c->s[DCT_FACILITY_LOOP_REDUNDANCY];
            if (p < 2)
                continue;
            g = (dct_rgroup){{0}, c, p, 0, 0, w, NAN, NAN};
            snprintf(g.what, sizeof g.what, "pumps of %.60s", c->id);
            g.spares = dct_redundancy_spares(w, p);
            g.needed = p - g.spares;
            break;
        }
        case DCT_T_HEAT_REJECTION:
            g = unit_group(c, "heat rejection",
                           (int)c->q[DCT_HEAT_REJECTION_COUNT],
                           c->q[DCT_HEAT_REJECTION_RATING], liq,
                           c->s[DCT_HEAT_REJECTION_REDUNDANCY]);
            break;
        case DCT_T_CRAH:
            g = unit_group(c->parent && c->parent->id ? c->parent : c,
                           "CRAHs", (int)c->q[DCT_CRAH_COUNT],
                           c->q[DCT_CRAH_CAPACITY], air,
                           c->s[DCT_CRAH_REDUNDANCY]);
            break;
        case DCT_T_RECTIFIER:
            g = unit_group(c, "rectifiers", (int)c->q[DCT_RECTIFIER_COUNT],
                           c->q[DCT_RECTIFIER_RATING], it,
                           c->s[DCT_RECTIFIER_REDUNDANCY]);
            break;
        case DCT_T_GENERATOR:
            g = unit_group(c, "generators", (int)c->q[DCT_GENERATOR_COUNT],
                           c->q[DCT_GENERATOR_RATING], it, NULL);
            break;
        default:
            continue;
        }
        add(out, max, &n, &g);
    }
    return n;
}

int dct_redundancy_print(FILE *f, FILE *warn, const dct_site *s)
{
    size_t n = dct_redundancy_groups(s, NULL, 0);
    if (!n)
        return 0;
    dct_rgroup *g = calloc(n, sizeof *g);
    if (!g)
        return 0;
    dct_redundancy_groups(s, g, n);
    if (f)
        fprintf(f, "  redundant groups (full IT load)        installed  "
                   "needed  redundancy  load\n");
    int bad = 0;
    for (size_t i = 0; f && i < n; i++) {
        char load[48] = "";
        if (isfinite(g[i].flow))
            snprintf(load, sizeof load, "%.3f MW, %.1f kg/s",
                     g[i].load / 1e6, g[i].flow);
        else if (isfinite(g[i].load))
            snprintf(load, sizeof load, "%.3f MW", g[i].load / 1e6);
        char row[160];
        int w = snprintf(row, sizeof row, "    %-36.36s %9d  %6d  %-10s  %s",
                         g[i].what, g[i].installed, g[i].needed,
                         g[i].declared ? g[i].declared : "-", load);
        while (w > 0 && w < (int)sizeof row && row[w - 1] == ' ')
            row[--w] = '\0';
        fprintf(f, "%s\n", row);
    }
    for (size_t i = 0; i < n; i++) {
        if (g[i].installed - g[i].spares >= g[i].needed)
            continue;
        bad++;
        fprintf(warn, "dctwin: %s:%ld: warning: %s: %d installed%s%s, %d "
                   "needed: %s\n",
                g[i].at->file, g[i].at->line, g[i].what, g[i].installed,
                g[i].declared ? " as " : "",
                g[i].declared ? g[i].declared : "", g[i].needed,
                g[i].installed < g[i].needed
                    ? "too few units to carry the full IT load"
                    : "the declared spares are not there");
    }
    free(g);
    return bad;
}
