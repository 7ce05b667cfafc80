/* margin_track.c - the margin tracker: each margin's worst value, its
 * first violation and its time below zero, followed from the samples of
 * the run (MARGINS in dctwin-models(7)); their order, binding first, and
 * their kinds (one row of the margin table each).
 */
#include "config.h"
#include "sim.h"
#include "textout.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ samples */

/* Whether a breakpoint lies in (previous sample, T], into *TB: found
 * once per sample, when a margin below zero needs it (*IS_JUMP -1 until
 * then). */
static int jump_of(sim *S, double t, int *is_jump, double *tb)
{
    if (*is_jump < 0)
        *is_jump = S->has_sample && S->ode->next_breakpoint &&
                   S->ode->next_breakpoint(S->last_sample_t, tb,
                                           S->ode->ctx) &&
                   *tb <= t;
    return *is_jump;
}

/* Update margin G with its value V at T; *IS_JUMP (jump_of): a
 * breakpoint *TB lies in (previous sample, T]. */
int sim_update_margin(sim *S, sim_margin *g, double t, double v,
                         int *is_jump, double *tb)
{
    if (!isfinite(v)) {
        dct_error(S->d, NULL, 0,
                  "margin %s: the value of %s is not finite at t = %.9g "
                  "s (the model has failed)",
                  g->def->id, g->def->quantity, t);
        return CB_NONFINITE;
    }
    double m = sim_margin_of(g->def, v);
    if (v < g->vmin)
        g->vmin = v;
    if (v > g->vmax)
        g->vmax = v;
    if (m < g->worst) {
        g->worst = m;
        g->worst_val = v;
        g->t_worst = t;
    }
    double t_cross = t;
    int has_prev = !isnan(g->prev_t);
    int is_ordered = !has_prev || t >= g->prev_t;
    if (has_prev && is_ordered && (m < 0 || g->prev_m < 0)) {
        /* linear interpolation of the margin between the samples */
        double dt = t - g->prev_t, m0 = g->prev_m;
        if (jump_of(S, t, is_jump, tb)) {
            if (m0 < 0)
                g->violated_s += *tb - g->prev_t + (m < 0 ? t - *tb : 0);
            else if (m < 0)
                t_cross = *tb;
        } else if (m0 < 0 && m < 0) {
            g->violated_s += dt;
        } else if (m0 < 0) {
            g->violated_s += dt * -m0 / (m - m0);
        } else if (m < 0) {
            g->violated_s += dt * -m / (m0 - m);
            t_cross = g->prev_t + dt * m0 / (m0 - m);
        }
    }
    if (m < 0 && isnan(g->t_viol)) {
        g->t_viol = t_cross;
        FILE *f = dct_afile_fp(S->f[F_EV]);
        fprintf(f, "%.9g,", t_cross);
        dct_csv_field(f, g->def->component);
        fputs(",margin-violated:", f);
        dct_csv_field(f, g->def->id);
        if (putc('\n', f) == EOF || ferror(f))
            return CB_WRITE;
    }
    if (is_ordered) {
        g->prev_t = t;
        g->prev_m = m;
    }
    return 0;
}

/* Update every margin of the model with the sample at (t, y). */

static int member_violations(sim *S, size_t i);

int sim_sample_margins(sim *S, double t, const double *y, int all)
{
    if (S->n_mg_model == 0)
        return 0;
    /* a member of an aggregated group has its representative's values:
     * its record is copied at the end (copy_margin_sources); all values
     * for the rows of margins-over-time.csv */
    if (all)
        dct_model_margin_values(S->model, t, y, S->mval);
    else
        dct_model_margin_values_of(S->model, t, y, S->own, S->n_own,
                                   S->mval);
    if (S->ext)
        dct_extremes_sample(S->ext, S->mval);
    /* a sample at a breakpoint follows a discontinuity (a load step, a
     * failure): a margin that changed sign since the last sample did so
     * there, not somewhere between the samples */
    double tb = 0;
    int is_jump = -1;
    for (size_t k = 0; k < S->n_own; k++) {
        size_t i = S->own[k];
        int was_ok = isnan(S->mg[i].t_viol);
        int rc = sim_update_margin(S, &S->mg[i], t, S->mval[i], &is_jump, &tb);
        if (rc)
            return rc;
        if (was_ok && !isnan(S->mg[i].t_viol) && S->has_members &&
            (rc = member_violations(S, i)) != 0)
            return rc;
    }
    S->last_sample_t = t;
    S->has_sample = 1;
    return 0;
}

/* The margin-violated events of the members of margin I's group. */
static int member_violations(sim *S, size_t i)
{
    FILE *f = dct_afile_fp(S->f[F_EV]);
    for (size_t k = i + 1; k < S->n_mg_model; k++) {
        if (dct_model_margin_source(S->model, k) != i)
            continue;
        const dct_margin_def *d = S->mg[k].def;
        fprintf(f, "%.9g,", S->mg[i].t_viol);
        dct_csv_field(f, d->component);
        fputs(",margin-violated:", f);
        dct_csv_field(f, d->id);
        if (putc('\n', f) == EOF || ferror(f))
            return CB_WRITE;
    }
    return 0;
}

/* Give each member of an aggregated group its representative's record
 * (worst value and time, first violation, time violated). */
void sim_copy_margin_sources(sim *S)
{
    for (size_t i = 0; i < S->n_mg_model; i++) {
        size_t src = dct_model_margin_source(S->model, i);
        if (src != i) {
            const dct_margin_def *d = S->mg[i].def;
            S->mg[i] = S->mg[src];
            S->mg[i].def = d;
        }
    }
}

/* One row of margins-over-time.csv at T: for each kind of margin with a
 * column, the smallest margin of its kind in % of its range (a range of
 * 0 has no %: such kinds have no column). */
int sim_write_margin_row(sim *S, double t)
{
    if (!S->f[F_MO] || !S->n_kind)
        return 0;
    for (size_t k = 0; k < S->n_kind; k++)
        S->kmin[k] = INFINITY;
    for (size_t i = 0; i < S->n_mg_model; i++) {
        const dct_margin_def *d = S->mg[i].def;
        if (!(d->range > 0))
            continue;
        double pct = sim_margin_pct_of(d, S->mval[i]);
        if (pct < S->kmin[S->mkind[i]])
            S->kmin[S->mkind[i]] = pct;
    }
    FILE *f = dct_afile_fp(S->f[F_MO]);
    char *o = S->line;
    o += dct_fmt_g(o, t, 9);
    for (size_t k = 0; k < S->n_kind; k++)
        if (S->kind_col[k]) {
            *o++ = ',';
            o += dct_fmt_g(o, S->kmin[k], 6);
        }
    *o++ = '\n';
    size_t len = (size_t)(o - S->line);
    return fwrite(S->line, 1, len, f) != len || ferror(f) ? CB_WRITE : 0;
}

/* ------------------------------------------------ order and binding */

/* The margin in % of its allowed range (MARGINS in dctwin-models(7)):
 * |limit - nominal|; NAN when the range is 0. */
double sim_margin_of(const dct_margin_def *d, double v)
{
    return d->is_upper ? d->limit - v : v - d->limit;
}

double sim_margin_pct_of(const dct_margin_def *d, double v)
{
    return d->range > 0 ? 100.0 * sim_margin_of(d, v) / d->range : NAN;
}

double sim_margin_pct(const sim_margin *g)
{
    return g->def->range > 0 ? 100.0 * g->worst / g->def->range : NAN;
}

/* Sort key: margin %, or the margin itself when the range is 0. */
static double margin_key(const sim_margin *g)
{
    double p = sim_margin_pct(g);
    return isnan(p) ? g->worst : p;
}

typedef struct key_idx {
    double key;
    size_t i;
} key_idx;

static int cmp_key(const void *a, const void *b)
{
    const key_idx *x = a, *y = b;
    if (x->key < y->key)
        return -1;
    if (x->key > y->key)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int sim_sort_margins(sim *S)
{
    key_idx *k = malloc((S->n_mg ? S->n_mg : 1) * sizeof *k);
    if (!k)
        return -1;
    for (size_t i = 0; i < S->n_mg; i++) {
        k[i].key = margin_key(&S->mg[i]);
        if (isnan(k[i].key))
            k[i].key = INFINITY;
        k[i].i = i;
    }
    if (S->n_mg > 1)
        qsort(k, S->n_mg, sizeof *k, cmp_key);
    for (size_t i = 0; i < S->n_mg; i++)
        S->order[i] = k[i].i;
    free(k);
    return 0;
}

/* The binding margin of one class (IS_DESIGN 0: what the run did, 1:
 * the design margins): the first of its class in binding order, or
 * SIZE_MAX when there is none. */
size_t sim_binding_of_class(const sim *S, int is_design)
{
    for (size_t k = 0; k < S->n_mg; k++)
        if (S->mg[S->order[k]].def->is_design == is_design)
            return S->order[k];
    return SIZE_MAX;
}

/* The binding margin of the run: the worst of what the run did; the
 * worst design margin only when the run has no other. */
size_t sim_binding(const sim *S)
{
    size_t b = sim_binding_of_class(S, 0);
    return b != SIZE_MAX ? b : S->n_mg ? S->order[0] : SIZE_MAX;
}

int sim_is_all_ok(const sim *S)
{
    for (size_t i = 0; i < S->n_mg; i++)
        if (!(S->mg[i].worst >= 0))
            return 0;
    return 1;
}

/* Margins of one kind (the same label, quantity and suffix on components
 * of one type: "A01.T_j_hot.throttle" and "B07.T_j_hot.throttle") are one
 * row of margins.txt, the worst of them, with their count: a hall of 72
 * racks reads as ~20 rows, not 400.  margins.json keeps every margin. */
static int same_kind(const dct_margin_def *a, const dct_margin_def *b)
{
    const char *ta = a->id + strlen(a->component);
    const char *tb = b->id + strlen(b->component);
    return strcmp(ta, tb) == 0 && strcmp(a->label, b->label) == 0;
}

/* qsort order of margin indices by kind (same_kind), for kind_of */
static const sim *kind_sim;
static int cmp_kind(const void *a, const void *b)
{
    const dct_margin_def *x = kind_sim->mg[*(const size_t *)a].def;
    const dct_margin_def *y = kind_sim->mg[*(const size_t *)b].def;
    int c = strcmp(x->id + strlen(x->component), y->id + strlen(y->component));
    return c ? c : strcmp(x->label, y->label);
}

/* KIND[i]: the kind (same_kind class) of margin i, numbered 0..; sorting
 * keeps this O(n log n) for sites of 10,000 racks.  Returns the number of
 * kinds, or 0 when out of memory. */
size_t sim_kind_of(const sim *S, size_t *kind)
{
    size_t *idx = malloc(S->n_mg * sizeof *idx);
    if (!idx)
        return 0;
    for (size_t i = 0; i < S->n_mg; i++)
        idx[i] = i;
    kind_sim = S;
    if (S->n_mg > 1)
        qsort(idx, S->n_mg, sizeof *idx, cmp_kind);
    size_t nk = 0;
    for (size_t i = 0; i < S->n_mg; i++) {
        if (i && !same_kind(S->mg[idx[i - 1]].def, S->mg[idx[i]].def))
            nk++;
        kind[idx[i]] = nk;
    }
    free(idx);
    return nk + 1;
}
