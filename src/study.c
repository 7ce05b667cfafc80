/* study.c - the engine of the studies (dctwin contingency, dctwin sweep):
 * the single failures of a site from its component types' declarations,
 * the cases run by worker processes or MPI ranks, the journal.
 *
 * Workers.  On one machine the study forks ST->jobs workers; each reads
 * case numbers from a pipe, runs the case in-process (dct_run) with its
 * stderr captured to a file, and writes the result back as one journal
 * line.  Under mpirun (more than one rank) rank 0 hands out case numbers,
 * two in flight at each other rank, and runs cases itself while no result
 * waits; MPI and fork are not mixed.  Cases are handed out as workers
 * finish (dynamic): a slow case holds only its worker.
 *
 * Journal.  DIR/journal.tsv: a header with the study's fingerprint, then
 * one line per finished case, appended and flushed to disk as it arrives,
 * in the order cases finish.  --resume reads the lines of a journal with
 * the same fingerprint and runs only the cases it lacks; a line cut short
 * by a kill is ignored (the case runs again).
 */
#include "config.h"
#include "study.h"
#include "cli.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_MPI
#include <mpi.h>
#endif

/* Most cases of one study (a journal line each). */
#define STUDY_MAX_CASES 1000000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------- enumeration */

/* Whether component C refers to D in one of its REF/REFS parameters. */
static int refers_to(const dct_comp *c, const dct_comp *d)
{
    if (!c->ref)
        return 0;
    const dct_etype *e = &dct_etypes[c->type];
    for (size_t k = 0; k < e->n_params; k++)
        for (size_t j = 0; j < c->ref[k].n; j++)
            if (c->ref[k].v[j] == d)
                return 1;
    return 0;
}

/* Whether A and B are identical for a failure: the same type and
 * parameters (the id apart), the same components referring to them.  A
 * failure of one is then the failure of the other, mirrored. */
static int is_identical(const dct_site *s, const dct_comp *a,
                        const dct_comp *b)
{
    if (a->type != b->type || a->is_model || b->is_model)
        return 0;
    const dct_etype *e = &dct_etypes[a->type];
    for (size_t k = 0; k < e->n_params; k++) {
        if (e->params[k].kind == DCT_PK_ID)
            continue;
        double x = a->q[k], y = b->q[k];
        if (!(x == y || (isnan(x) && isnan(y))))
            return 0;
        const char *sa = a->s[k], *sb = b->s[k];
        if ((sa == NULL) != (sb == NULL) || (sa && strcmp(sa, sb) != 0))
            return 0;
    }
    if ((a->model_name == NULL) != (b->model_name == NULL) ||
        (a->model_name && strcmp(a->model_name, b->model_name) != 0))
        return 0;
    /* children (a hall-air's CRAHs) and referrers */
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *c = s->comps[i];
        if (c == a || c == b)
            continue;
        if ((c->parent == a) != (c->parent == b))
            return 0;
        if (refers_to(c, a) != refers_to(c, b))
            return 0;
    }
    return 1;
}

/* A single failure of one component: whole, one unit, one unit's fans. */
typedef struct member {
    const dct_comp *c;
    int mode;           /* DCT_FAIL_* */
    int n;              /* units (UNITS, FANS): the choices of one */
    size_t cls;         /* class: identical members share one */
    size_t n_cls;       /* members of its class */
} member;

static int type_wanted(dct_type t, const char *only)
{
    if (!only)
        return 1;
    const char *name = dct_etypes[t].name;
    size_t l = strlen(name);
    for (const char *p = only; *p;) {
        size_t k = strcspn(p, ",");
        if (k == l && strncmp(p, name, l) == 0)
            return 1;
        p += k + (p[k] == ',');
    }
    return 0;
}

static const char *mode_word(int mode)
{
    return mode == DCT_FAIL_WHOLE ? "whole" : mode == DCT_FAIL_UNITS
                                                  ? "unit" : "fans";
}

/* "cdu-ab1 (CDU)", "cdu-ab1: 1 pump of 2", "dry: fans of 1 unit of 17" */
static void member_text(const member *m, int k, char *buf, size_t n)
{
    const dct_failable *f = &dct_etypes[m->c->type].fail;
    if (m->mode == DCT_FAIL_WHOLE)
        snprintf(buf, n, "%s (%s)", m->c->id, f->whole);
    else if (m->mode == DCT_FAIL_UNITS)
        snprintf(buf, n, "%s: %d %s%s of %d", m->c->id, k, f->unit,
                 k > 1 ? "s" : "", m->n);
    else
        snprintf(buf, n, "%s: fans of %d %s%s of %d", m->c->id, k, f->unit,
                 k > 1 ? "s" : "", m->n);
}

static void set_fail(dct_study_fail *f, const member *m, int k)
{
    f->c = m->c;
    f->units = m->mode == DCT_FAIL_UNITS ? k : 0;
    f->fans = m->mode == DCT_FAIL_FANS ? k : 0;
}

static int add_case(dct_study_case **cases, size_t *n, size_t *cap,
                    const char *what, const char *key, unsigned long mult)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        dct_study_case *v = realloc(*cases, nc * sizeof *v);
        if (!v)
            return -1;
        *cases = v;
        *cap = nc;
    }
    dct_study_case *c = &(*cases)[*n];
    memset(c, 0, sizeof *c);
    if (!(c->what = strdup(what)) || !(c->key = strdup(key))) {
        free(c->what);
        return -1;
    }
    c->mult = mult;
    (*n)++;
    return 0;
}

static unsigned long choose2(unsigned long n)
{
    return n * (n - 1) / 2;
}

int dct_study_enumerate(const dct_site *s, int depth, const char *only,
                        dct_study_case **cases_out, size_t *n_out,
                        size_t *n_single, dct_diag *d)
{
    member *m = NULL;
    size_t nm = 0, cap_m = 0;
    dct_study_case *cases = NULL;
    size_t n = 0, cap = 0;
    int any_type = 0;
    *cases_out = NULL;
    *n_out = 0;
    for (int t = 0; only && t < DCT_N_TYPES; t++)
        any_type |= dct_etypes[t].fail.single && type_wanted(t, only);
    if (only && !any_type) {
        char tl[256];
        dct_fail_types(DCT_FAIL_WHOLE, tl, sizeof tl);
        dct_error(d, NULL, 0, "--only '%s': names no type that can fail "
                  "(%s)", only, tl);
        return -1;
    }
    for (size_t i = 0; i < s->n_comps; i++) {
        const dct_comp *c = s->comps[i];
        const dct_failable *f = &dct_etypes[c->type].fail;
        if (c->is_model || !f->single || !type_wanted(c->type, only))
            continue;
        static const int modes[] = {DCT_FAIL_WHOLE, DCT_FAIL_UNITS,
                                    DCT_FAIL_FANS};
        for (int k = 0; k < 3; k++) {
            if (!(f->single & modes[k]))
                continue;
            int nu = modes[k] == DCT_FAIL_UNITS ? dct_fail_units(s, c)
                     : modes[k] == DCT_FAIL_FANS ? dct_fail_fans(s, c)
                                                 : 1;
            if (nu < 1)
                continue;
            if (nm == cap_m) {
                size_t nc = cap_m ? 2 * cap_m : 32;
                member *v = realloc(m, nc * sizeof *v);
                if (!v)
                    goto oom;
                m = v;
                cap_m = nc;
            }
            m[nm].c = c;
            m[nm].mode = modes[k];
            m[nm].n = nu;
            m[nm].cls = nm;
            m[nm].n_cls = 1;
            nm++;
        }
    }
    /* classes of identical members: the first of a class is its own */
    for (size_t i = 0; i < nm; i++)
        for (size_t j = 0; j < i; j++)
            if (m[j].cls == j && m[j].mode == m[i].mode &&
                is_identical(s, m[j].c, m[i].c)) {
                m[i].cls = j;
                m[j].n_cls++;
                break;
            }
    *n_single = 0;
    for (size_t i = 0; i < nm; i++)
        *n_single += m[i].mode == DCT_FAIL_WHOLE ? 1 : (size_t)m[i].n;
    char what[600], a[280], b[280], key[600];
    if (depth <= 1) {
        for (size_t i = 0; i < nm; i++) {
            if (m[i].cls != i)
                continue;
            member_text(&m[i], 1, a, sizeof a);
            snprintf(key, sizeof key, "%s:%s", m[i].c->id,
                     mode_word(m[i].mode));
            unsigned long mult = (unsigned long)m[i].n_cls *
                                 (unsigned long)(m[i].mode == DCT_FAIL_WHOLE
                                                     ? 1 : m[i].n);
            if (add_case(&cases, &n, &cap, a, key, mult) != 0)
                goto oom;
            set_fail(&cases[n - 1].fail[0], &m[i], 1);
            cases[n - 1].n_fail = 1;
        }
    } else {
        /* every pair of single failures, a pair mirrored by identical
         * members taken once: the key of a pair is its two classes and
         * whether the two are on one component */
        for (size_t i = 0; i < nm; i++) {
            /* two units (or two units' fans) of one component */
            if (m[i].mode != DCT_FAIL_WHOLE && m[i].n >= 2 &&
                m[i].cls == i) {
                member_text(&m[i], 2, a, sizeof a);
                snprintf(key, sizeof key, "%s:%s2", m[i].c->id,
                         mode_word(m[i].mode));
                if (add_case(&cases, &n, &cap, a, key,
                             m[i].n_cls * choose2((unsigned long)m[i].n)))
                    goto oom;
                set_fail(&cases[n - 1].fail[0], &m[i], 2);
                cases[n - 1].n_fail = 1;
            }
            for (size_t j = i + 1; j < nm; j++) {
                int same = m[i].c == m[j].c;
                /* a part of a component lost whole is no second failure */
                if (same && (m[i].mode == DCT_FAIL_WHOLE ||
                             m[j].mode == DCT_FAIL_WHOLE))
                    continue;
                unsigned long mult =
                    (unsigned long)(m[i].mode == DCT_FAIL_WHOLE ? 1
                                                                : m[i].n) *
                    (unsigned long)(m[j].mode == DCT_FAIL_WHOLE ? 1
                                                                : m[j].n);
                if (same)   /* a unit, and the fans of another */
                    mult = (unsigned long)m[i].n *
                           (unsigned long)(m[i].n - 1);
                if (same && m[i].n < 2)
                    continue;
                size_t ci = m[i].cls, cj = m[j].cls;
                if (ci > cj) {
                    size_t t = ci;
                    ci = cj;
                    cj = t;
                }
                snprintf(key, sizeof key, "%s:%s+%s:%s%s",
                         m[ci].c->id, mode_word(m[ci].mode), m[cj].c->id,
                         mode_word(m[cj].mode), same ? "/same" : "");
                size_t k = 0;
                while (k < n && strcmp(cases[k].key, key) != 0)
                    k++;
                if (k < n) {
                    cases[k].mult += mult;
                    continue;
                }
                member_text(&m[i], 1, a, sizeof a);
                member_text(&m[j], 1, b, sizeof b);
                snprintf(what, sizeof what, "%s + %s", a, b);
                if (add_case(&cases, &n, &cap, what, key, mult))
                    goto oom;
                set_fail(&cases[n - 1].fail[0], &m[i], 1);
                set_fail(&cases[n - 1].fail[1], &m[j], 1);
                cases[n - 1].n_fail = 2;
            }
        }
    }
    free(m);
    *cases_out = cases;
    *n_out = n;
    return 0;
oom:
    free(m);
    dct_study_cases_free(cases, n);
    dct_error(d, NULL, 0, "out of memory");
    return -1;
}

void dct_study_cases_free(dct_study_case *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].what);
        free(c[i].key);
        for (size_t k = 0; k < c[i].n_sets; k++)
            free(c[i].sets[k]);
        free(c[i].sets);
        free(c[i].x);
    }
    free(c);
}

/* ------------------------------------------------------------ one case */

/* Journal text: tabs and line breaks become spaces. */
static void put_field(FILE *f, const char *s)
{
    for (; s && *s; s++)
        putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
    putc('\t', f);
}

static void put_num(FILE *f, double x)
{
    fprintf(f, "%.9g\t", x);
}

typedef struct kind_pct {
    const char *kind;
    double pct;
} kind_pct;

static int cmp_kind(const void *a, const void *b)
{
    return strcmp(((const kind_pct *)a)->kind, ((const kind_pct *)b)->kind);
}

/* "KIND=PCT;..." of R, the worst % of each kind, kinds sorted. */
static void put_kinds(FILE *f, const dct_run_result *r)
{
    kind_pct *k = malloc((r->n_mg ? r->n_mg : 1) * sizeof *k);
    size_t nk = 0;
    if (!k) {
        putc('\t', f);
        return;
    }
    for (size_t i = 0; i < r->n_mg; i++) {
        const dct_run_margin *g = &r->mg[i];
        if (isnan(g->pct))
            continue;
        const char *kind = g->id + strlen(g->component);
        kind += *kind == '.';
        k[nk].kind = kind;
        k[nk].pct = g->pct;
        nk++;
    }
    qsort(k, nk, sizeof *k, cmp_kind);
    for (size_t i = 0; i < nk;) {
        size_t j = i;
        double w = k[i].pct;
        while (j < nk && strcmp(k[j].kind, k[i].kind) == 0)
            w = fmin(w, k[j++].pct);
        for (const char *p = k[i].kind; *p; p++)
            putc(*p == ';' || *p == '=' || *p == '\t' || *p == '\n' ? '_'
                                                                     : *p,
                 f);
        fprintf(f, "=%.6g%s", w, j < nk ? ";" : "");
        i = j;
    }
    free(k);
    putc('\t', f);
}

/* The first "error:" line of the case's messages, less "dctwin: ". */
static void read_error(FILE *ef, char *buf, size_t n)
{
    char line[1024];
    *buf = '\0';
    rewind(ef);
    while (fgets(line, sizeof line, ef)) {
        if (!strstr(line, "error"))
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        const char *p = strncmp(line, "dctwin: ", 8) == 0 ? line + 8 : line;
        snprintf(buf, n, "%.500s", p);
        return;
    }
}

/* Run case I of ST; its journal line (without the index) into *LINE
 * (malloc'd).  EF: where the case's stderr goes (NULL: left alone). */
static int run_case(const dct_study *st, size_t i, FILE *ef, char **line)
{
    const dct_study_case *c = &st->cases[i];
    dct_run_opts o = st->base;
    char **sets = calloc(o.n_sets + c->n_sets + 1, sizeof *sets);
    dct_event *ev = NULL;
    dct_scenario sc;
    if (!sets)
        return -1;
    for (size_t k = 0; k < o.n_sets; k++)
        sets[k] = o.sets[k];
    for (size_t k = 0; k < c->n_sets; k++)
        sets[o.n_sets + k] = c->sets[k];
    o.sets = sets;
    o.n_sets += c->n_sets;
    if (c->profile)
        o.profile = c->profile;
    if (c->scenario_path) {
        o.scenario_path = c->scenario_path;
        o.scenario = NULL;
    }
    if (c->n_fail) {
        /* the base scenario's events, the failures after those at or
         * before t_at (the order of events at one time is kept) */
        const dct_scenario *b = st->base_sc;
        size_t nb = b ? b->n_ev : 0, ne = 0;
        if (!(ev = calloc(nb + c->n_fail, sizeof *ev))) {
            free(sets);
            return -1;
        }
        size_t kb = 0;
        for (; kb < nb && b->ev[kb].t <= st->t_at; kb++)
            ev[ne++] = b->ev[kb];
        for (size_t k = 0; k < c->n_fail; k++) {
            dct_event *e = &ev[ne++];
            e->t = st->t_at;
            e->kind = DCT_EV_FAIL;
            e->target = c->fail[k].c->id;
            e->units = c->fail[k].units;
            e->fans = c->fail[k].fans;
            e->scale = NAN;
        }
        for (; kb < nb; kb++)
            ev[ne++] = b->ev[kb];
        memset(&sc, 0, sizeof sc);
        if (b)
            sc = *b;
        sc.name = c->what;
        sc.file = b ? b->file : NULL;
        sc.ev = ev;
        sc.n_ev = ne;
        o.scenario = &sc;
        o.scenario_path = NULL;
    }
    o.out_dir = NULL;
    o.verbosity = 0;
    if (ef) {
        fflush(stderr);
        rewind(ef);
        if (ftruncate(fileno(ef), 0) != 0)
            clearerr(ef);
    }
    dct_run_result r;
    memset(&r, 0, sizeof r);
    double w0 = now_s();
    int status = dct_run(&o, &r);
    double wall = now_s() - w0;
    fflush(stderr);
    char err[512] = "";
    if (status >= DCT_EXIT_USAGE) {
        if (ef)
            read_error(ef, err, sizeof err);
        if (!*err)
            snprintf(err, sizeof err, "the run ended with exit status %d",
                     status);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        const dct_run_margin *g = dct_run_binding(&r);
        put_field(f, c->key);
        fprintf(f, "%d\t", status);
        put_field(f, g ? g->id : "");
        put_field(f, g ? g->label : "");
        put_num(f, g ? g->worst : NAN);
        put_field(f, g ? g->unit : "");
        put_num(f, g ? g->margin : NAN);
        put_num(f, g ? g->pct : NAN);
        put_num(f, r.time_to_throttle);
        put_field(f, r.throttle_id);
        put_num(f, r.unserved_J);
        fprintf(f, "%zu\t%zu\t", r.n_rack_trips, r.n_events);
        put_num(f, wall);
        put_kinds(f, &r);
        put_field(f, err);
        fclose(f);
        /* the last tab becomes the line's end */
        if (len)
            buf[len - 1] = '\n';
    }
    dct_run_result_free(&r);
    free(ev);
    free(sets);
    *line = buf;
    return buf ? 0 : -1;
}

/* ------------------------------------------------------------- rows */

static char *dup_or_null(const char *s)
{
    return *s ? strdup(s) : NULL;
}

static void row_free(dct_study_row *r)
{
    free(r->mg_id);
    free(r->mg_label);
    free(r->mg_unit);
    free(r->error);
    free(r->throttle_id);
    free(r->kinds);
    memset(r, 0, sizeof *r);
}

void dct_study_rows_free(dct_study *st)
{
    for (size_t i = 0; st->rows && i < st->n_cases; i++)
        row_free(&st->rows[i]);
    free(st->rows);
    st->rows = NULL;
}

/* The case of KEY, or SIZE_MAX. */
static size_t case_of(const dct_study *st, const char *key)
{
    for (size_t i = 0; i < st->n_cases; i++)
        if (strcmp(st->cases[i].key, key) == 0)
            return i;
    return SIZE_MAX;
}

/* Parse journal line LINE (a copy is cut in place) into its case's row.
 * Returns the case, or SIZE_MAX when the line is not one of ST's. */
static size_t parse_line(dct_study *st, char *line)
{
    enum { NF = 16 };
    char *fld[NF];
    int nf = 0;
    size_t l = strlen(line);
    if (l == 0 || line[l - 1] != '\n')
        return SIZE_MAX;   /* cut short */
    line[l - 1] = '\0';
    fld[nf++] = line;
    for (char *p = line; *p && nf < NF; p++)
        if (*p == '\t') {
            *p = '\0';
            fld[nf++] = p + 1;
        }
    if (nf != NF)
        return SIZE_MAX;
    size_t i = case_of(st, fld[0]);
    if (i == SIZE_MAX)
        return SIZE_MAX;
    dct_study_row *r = &st->rows[i];
    row_free(r);
    r->icase = i;
    r->status = atoi(fld[1]);
    r->mg_id = dup_or_null(fld[2]);
    r->mg_label = dup_or_null(fld[3]);
    r->mg_value = strtod(fld[4], NULL);
    r->mg_unit = dup_or_null(fld[5]);
    r->mg_margin = strtod(fld[6], NULL);
    r->mg_pct = strtod(fld[7], NULL);
    r->time_to_throttle = strtod(fld[8], NULL);
    r->throttle_id = dup_or_null(fld[9]);
    r->unserved_J = strtod(fld[10], NULL);
    r->rack_trips = atol(fld[11]);
    r->n_events = atol(fld[12]);
    r->wall_s = strtod(fld[13], NULL);
    r->kinds = dup_or_null(fld[14]);
    r->error = dup_or_null(fld[15]);
    r->is_done = 1;
    return i;
}

double dct_study_kind_pct(const dct_study_row *row, const char *kind)
{
    size_t l = strlen(kind);
    for (const char *p = row->kinds; p && *p;) {
        size_t k = strcspn(p, ";");
        if (k > l && strncmp(p, kind, l) == 0 && p[l] == '=')
            return strtod(p + l + 1, NULL);
        p += k + (p[k] == ';');
    }
    return NAN;
}

/* ----------------------------------------------------------- journal */

/* FNV-1a over the study's definition: a journal of another study is not
 * resumed. */
static uint64_t fingerprint(const dct_study *st)
{
    uint64_t h = 1469598103934665603ULL;
    char buf[512];
#define MIX(s)                                                              \
    for (const char *p_ = (s); p_ && *p_; p_++)                             \
        h = (h ^ (unsigned char)*p_) * 1099511628211ULL;                    \
    h = (h ^ 0xff) * 1099511628211ULL
    snprintf(buf, sizeof buf, "%s|%.9g|%.9g|%.9g|%lu", st->cmd,
             st->base.duration, st->base.out_step, st->t_at, st->base.seed);
    MIX(buf);
    MIX(st->base.site_path);
    MIX(st->base.profile);
    MIX(st->base.scenario_path);
    MIX(st->base.weather);
    MIX(st->base.weather_start);
    MIX(st->base.design);
    for (size_t i = 0; i < st->base.n_sets; i++) {
        MIX(st->base.sets[i]);
    }
    for (size_t i = 0; i < st->n_cases; i++) {
        MIX(st->cases[i].key);
    }
#undef MIX
    return h;
}

/* Read the journal's finished cases into ST->rows. */
static void read_journal(dct_study *st, const char *path, uint64_t fp)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    char head[64];
    snprintf(head, sizeof head, "# dctwin journal %016llx\n",
             (unsigned long long)fp);
    if (n > 0 && strcmp(line, head) == 0)
        while ((n = getline(&line, &cap, f)) > 0)
            parse_line(st, line);
    else if (!st->is_quiet)
        fprintf(stderr, "dctwin: %s: %s is another study's journal (or "
                        "none); every case runs\n", st->cmd, path);
    free(line);
    fclose(f);
}

/* Append LINE to the journal and make it durable. */
static int journal_add(int fd, const char *line)
{
    size_t n = strlen(line), off = 0;
    while (off < n) {
        ssize_t w = write(fd, line + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return fdatasync(fd) == 0 || errno == EINVAL ? 0 : -1;
}

/* ---------------------------------------------------------- progress */

typedef struct progress {
    int is_on;
    size_t total, done, failed, done0;
    double t0, last;
} progress;

static void progress_show(progress *p, const char *cmd, int is_final)
{
    if (!p->is_on)
        return;
    double t = now_s();
    if (!is_final && t - p->last < 0.2)
        return;
    p->last = t;
    fprintf(stderr, "\rdctwin: %s: %zu of %zu cases done, %zu failed", cmd,
            p->done, p->total, p->failed);
    size_t run = p->done - p->done0;
    if (!is_final && run > 0 && p->done < p->total)
        fprintf(stderr, ", about %.0f s left   ",
                (t - p->t0) / (double)run * (double)(p->total - p->done));
    else
        fputs("                 ", stderr);
    if (is_final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* ------------------------------------------------------------- workers */

/* A worker: case numbers from RFD, journal lines ("I\tLINE") to WFD. */
static void worker_loop(const dct_study *st, int rfd, int wfd)
{
    FILE *in = fdopen(rfd, "r");
    FILE *ef = tmpfile();
    int saved = dup(2);
    if (!in)
        _exit(DCT_EXIT_OUTPUT);
    if (ef) {
        fflush(stderr);
        dup2(fileno(ef), 2);
    }
    char buf[64];
    while (fgets(buf, sizeof buf, in)) {
        size_t i = (size_t)strtoull(buf, NULL, 10);
        char *line = NULL;
        if (i >= st->n_cases || run_case(st, i, ef, &line) != 0)
            _exit(DCT_EXIT_OUTPUT);
        char head[32];
        int hl = snprintf(head, sizeof head, "%zu\t", i);
        size_t n = strlen(line);
        char *msg = malloc((size_t)hl + n);
        if (!msg)
            _exit(DCT_EXIT_OUTPUT);
        memcpy(msg, head, (size_t)hl);
        memcpy(msg + hl, line, n);
        size_t off = 0, tot = (size_t)hl + n;
        while (off < tot) {
            ssize_t w = write(wfd, msg + off, tot - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                _exit(DCT_EXIT_OUTPUT);
            off += (size_t)w;
        }
        free(msg);
        free(line);
    }
    /* the end: stderr back (a sanitizer's report at exit goes there), and
     * exit() rather than _exit() so that its checks run; stdout's buffer
     * was empty at the fork */
    fclose(in);
    if (ef)
        fclose(ef);
    if (saved >= 0) {
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
    }
    close(wfd);
    exit(0);
}

typedef struct worker {
    pid_t pid;
    int wfd, rfd;       /* to it, from it */
    size_t icase;       /* the case it runs; SIZE_MAX: idle */
    char *buf;          /* what it sent, not yet a whole line */
    size_t len, cap;
} worker;

/* The master's part for one result line LINE ("I\t..."): the row, the
 * journal.  Returns 0, or -1 when the journal cannot be written. */
static int take_line(dct_study *st, char *line, int jfd, progress *pg)
{
    char *tab = strchr(line, '\t');
    if (!tab)
        return 0;
    char *rest = tab + 1;
    if (jfd >= 0 && journal_add(jfd, rest) != 0)
        return -1;
    size_t i = parse_line(st, rest);
    if (i != SIZE_MAX) {
        pg->done++;
        pg->failed += st->rows[i].status >= DCT_EXIT_USAGE;
    }
    progress_show(pg, st->cmd, 0);
    return 0;
}

/* A row for case I, which its worker did not finish (it died). */
static int lost_case(dct_study *st, size_t i, int jfd, progress *pg,
                     const char *why)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -1;
    fprintf(f, "%zu\t%s\t%d\t\t\tnan\t\tnan\tnan\tnan\t\tnan\t0\t0\tnan\t\t"
               "%s\n", i, st->cases[i].key, DCT_EXIT_SOLVER, why);
    fclose(f);
    int rc = take_line(st, buf, jfd, pg);
    free(buf);
    return rc;
}

static int send_case(worker *w, size_t i)
{
    char b[32];
    int n = snprintf(b, sizeof b, "%zu\n", i);
    w->icase = i;
    return write(w->wfd, b, (size_t)n) == n ? 0 : -1;
}

static int run_fork(dct_study *st, const size_t *todo, size_t n_todo,
                    int jfd, progress *pg)
{
    int nw = st->jobs < 1 ? 1 : st->jobs;
    if ((size_t)nw > n_todo)
        nw = (int)n_todo;
    worker *w = calloc((size_t)nw, sizeof *w);
    if (!w)
        return DCT_EXIT_OUTPUT;
    int rc = 0;
    size_t next = 0;
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
    fflush(NULL);
    for (int k = 0; k < nw; k++) {
        int a[2], b[2];
        w[k].pid = -1;
        w[k].wfd = w[k].rfd = -1;
        w[k].icase = SIZE_MAX;
        if (pipe(a) != 0 || pipe(b) != 0) {
            fprintf(stderr, "dctwin: %s: pipe: %s\n", st->cmd,
                    strerror(errno));
            rc = DCT_EXIT_OUTPUT;
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "dctwin: %s: fork: %s\n", st->cmd,
                    strerror(errno));
            close(a[0]), close(a[1]), close(b[0]), close(b[1]);
            rc = DCT_EXIT_OUTPUT;
            break;
        }
        if (pid == 0) {
            signal(SIGPIPE, SIG_DFL);
            for (int j = 0; j < k; j++) {
                close(w[j].wfd);
                close(w[j].rfd);
            }
            if (jfd >= 0)
                close(jfd);
            close(a[1]);
            close(b[0]);
            /* the child's copies of the parent's lists */
            free(w);
            free((void *)todo);
            worker_loop(st, a[0], b[1]);
        }
        close(a[0]);
        close(b[1]);
        fcntl(a[1], F_SETFD, FD_CLOEXEC);
        fcntl(b[0], F_SETFD, FD_CLOEXEC);
        w[k].pid = pid;
        w[k].wfd = a[1];
        w[k].rfd = b[0];
    }
    for (int k = 0; k < nw && !rc; k++) {
        if (next < n_todo && send_case(&w[k], todo[next]) == 0)
            next++;
    }
    struct pollfd *pf = calloc((size_t)nw, sizeof *pf);
    if (!pf)
        rc = DCT_EXIT_OUTPUT;
    for (;;) {
        int n_live = 0;
        for (int k = 0; k < nw; k++) {
            pf[k].fd = w[k].rfd;
            pf[k].events = POLLIN;
            n_live += w[k].rfd >= 0;
        }
        if (!n_live || rc)
            break;
        if (poll(pf, (nfds_t)nw, -1) < 0) {
            if (errno == EINTR)
                continue;
            rc = DCT_EXIT_OUTPUT;
            break;
        }
        for (int k = 0; k < nw && !rc; k++) {
            worker *x = &w[k];
            if (x->rfd < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (x->len + 4096 > x->cap) {
                size_t nc = x->cap ? 2 * x->cap : 8192;
                char *nb = realloc(x->buf, nc);
                if (!nb) {
                    rc = DCT_EXIT_OUTPUT;
                    break;
                }
                x->buf = nb;
                x->cap = nc;
            }
            ssize_t got = read(x->rfd, x->buf + x->len, x->cap - x->len - 1);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                /* the worker is gone: its case is a row with the reason */
                close(x->rfd);
                close(x->wfd);
                x->rfd = x->wfd = -1;
                int ws = 0;
                waitpid(x->pid, &ws, 0);
                x->pid = -1;
                if (x->icase != SIZE_MAX) {
                    char why[96];
                    if (WIFSIGNALED(ws))
                        snprintf(why, sizeof why, "the worker process died "
                                 "(signal %d)", WTERMSIG(ws));
                    else
                        snprintf(why, sizeof why, "the worker process "
                                 "exited with status %d", WEXITSTATUS(ws));
                    if (lost_case(st, x->icase, jfd, pg, why) != 0)
                        rc = DCT_EXIT_OUTPUT;
                    x->icase = SIZE_MAX;
                }
                continue;
            }
            x->len += (size_t)got;
            char *nl;
            while (!rc && (nl = memchr(x->buf, '\n', x->len))) {
                size_t ll = (size_t)(nl - x->buf) + 1;
                char save = x->buf[ll];
                x->buf[ll] = '\0';
                if (take_line(st, x->buf, jfd, pg) != 0) {
                    fprintf(stderr, "dctwin: %s: journal: write error: "
                                    "%s\n", st->cmd, strerror(errno));
                    rc = DCT_EXIT_OUTPUT;
                }
                x->buf[ll] = save;
                memmove(x->buf, x->buf + ll, x->len - ll);
                x->len -= ll;
                x->icase = SIZE_MAX;
                if (next < n_todo) {
                    if (send_case(x, todo[next]) == 0)
                        next++;
                } else if (x->wfd >= 0) {
                    close(x->wfd);   /* no more: the worker ends */
                    x->wfd = -1;
                }
            }
        }
        /* cases no live worker will take */
        int any = 0;
        for (int k = 0; k < nw; k++)
            any |= w[k].rfd >= 0;
        if (!any)
            for (; next < n_todo && !rc; next++)
                if (lost_case(st, todo[next], jfd, pg,
                              "no worker process left") != 0)
                    rc = DCT_EXIT_OUTPUT;
    }
    for (int k = 0; k < nw; k++) {
        if (w[k].wfd >= 0)
            close(w[k].wfd);
        if (w[k].rfd >= 0)
            close(w[k].rfd);
        if (w[k].pid > 0) {
            if (rc)
                kill(w[k].pid, SIGTERM);
            waitpid(w[k].pid, NULL, 0);
        }
        free(w[k].buf);
    }
    free(pf);
    free(w);
    signal(SIGPIPE, old_pipe);
    return rc;
}

/* ----------------------------------------------------------------- MPI */

#ifdef HAVE_MPI
static int mpi_is_init;
#endif

int dct_study_mpi_size(int *rank)
{
    *rank = 0;
#ifdef HAVE_MPI
    /* only when started by a launcher: a plain `dctwin` never starts MPI */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") &&
        !getenv("PMI_RANK"))
        return 1;
    if (!mpi_is_init) {
        int ok = 0;
        MPI_Initialized(&ok);
        if (!ok && MPI_Init(NULL, NULL) != MPI_SUCCESS)
            return 1;
        mpi_is_init = 1;
    }
    int size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
#else
    return 1;
#endif
}

void dct_study_mpi_end(void)
{
#ifdef HAVE_MPI
    if (mpi_is_init) {
        MPI_Finalize();
        mpi_is_init = 0;
    }
#endif
}

#ifdef HAVE_MPI
enum { TAG_CASE = 1, TAG_LINE = 2, TAG_STOP = 3 };

/* Cases in flight at each worker rank: one running, one waiting, so that
 * a rank never waits for rank 0 (which runs cases too) between cases. */
#define MPI_DEPTH 2

/* Wait for a message from SRC with tag TAG (MPI_ANY_*) into *S without
 * spinning: Open MPI's blocking calls poll at full speed, which takes a
 * core from the cases on a machine with as many ranks as cores. */
static void mpi_wait(int src, int tag, MPI_Status *s)
{
    int flag = 0;
    struct timespec ts = {0, 500000};   /* 0.5 ms */
    for (;;) {
        MPI_Iprobe(src, tag, MPI_COMM_WORLD, &flag, s);
        if (flag)
            return;
        nanosleep(&ts, NULL);
    }
}

/* Sends not yet complete, each with the buffer it owns.  A blocking
 * MPI_Send does not return, even for a message of a few bytes, until
 * the receiver has taken it (Open MPI's shared-memory transport): a rank
 * sending to one busy running a case would spin in it for the length of
 * that case (measured: a worker 40 % of its time).  Sends are posted and
 * the rank goes on; they are completed as it passes, and waited for,
 * sleeping between tests, only before the rank ends. */
typedef struct pending {
    MPI_Request *req;
    void **buf;
    size_t n, cap;
} pending;

/* Post BUF (malloc'd, N items of TYPE; owned from here) to rank DEST. */
static void pend_send(pending *p, void *buf, int n, MPI_Datatype type,
                      int dest, int tag)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? 2 * p->cap : 16;
        MPI_Request *r = realloc(p->req, nc * sizeof *r);
        if (r)
            p->req = r;
        void **b = r ? realloc(p->buf, nc * sizeof *b) : NULL;
        if (!b)
            MPI_Abort(MPI_COMM_WORLD, DCT_EXIT_OUTPUT);
        p->buf = b;
        p->cap = nc;
    }
    MPI_Isend(buf, n, type, dest, tag, MPI_COMM_WORLD, &p->req[p->n]);
    p->buf[p->n++] = buf;
}

/* Free the sends that have completed. */
static void pend_test(pending *p)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        int done = 0;
        MPI_Test(&p->req[i], &done, MPI_STATUS_IGNORE);
        if (done) {
            free(p->buf[i]);
        } else {
            p->req[k] = p->req[i];
            p->buf[k++] = p->buf[i];
        }
    }
    p->n = k;
}

/* Complete every send, sleeping between tests (see mpi_wait). */
static void pend_finish(pending *p)
{
    struct timespec ts = {0, 500000};   /* 0.5 ms */
    for (pend_test(p); p->n; pend_test(p))
        nanosleep(&ts, NULL);
    free(p->req);
    free(p->buf);
    memset(p, 0, sizeof *p);
}

/* The journal line "I\t..." of case I run here, LINE its part. */
static char *with_index(unsigned long long i, const char *line)
{
    char *msg = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&msg, &len);
    if (!f)
        return NULL;
    fprintf(f, "%llu\t%s", i, line);
    fclose(f);
    return msg;
}

/* Ranks 1..size-1: run the cases rank 0 sends, in the order sent. */
static int mpi_worker(const dct_study *st)
{
    FILE *ef = tmpfile();
    if (ef) {
        fflush(stderr);
        dup2(fileno(ef), 2);
    }
    unsigned long long q[MPI_DEPTH + 1];
    size_t nq = 0;
    pending ps = {0};
    for (;;) {
        MPI_Status s;
        pend_test(&ps);
        int flag = nq == 0;   /* nothing queued: wait for a message */
        if (flag)
            mpi_wait(0, MPI_ANY_TAG, &s);
        else
            MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &s);
        if (flag) {
            unsigned long long i;
            MPI_Recv(&i, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_ANY_TAG,
                     MPI_COMM_WORLD, &s);
            if (s.MPI_TAG == TAG_STOP)
                break;
            if (nq <= MPI_DEPTH)
                q[nq++] = i;
            continue;
        }
        unsigned long long i = q[0];
        memmove(q, q + 1, --nq * sizeof *q);
        char *line = NULL, *msg = NULL;
        if (i >= st->n_cases || run_case(st, (size_t)i, ef, &line) != 0 ||
            !(msg = with_index(i, line)))
            MPI_Abort(MPI_COMM_WORLD, DCT_EXIT_OUTPUT);
        pend_send(&ps, msg, (int)strlen(msg), MPI_CHAR, 0, TAG_LINE);
        free(line);
    }
    pend_finish(&ps);
    if (ef)
        fclose(ef);
    return 0;
}

static void mpi_send_case(pending *ps, int rank, unsigned long long i,
                          int tag)
{
    unsigned long long *b = malloc(sizeof *b);
    if (!b)
        MPI_Abort(MPI_COMM_WORLD, DCT_EXIT_OUTPUT);
    *b = i;
    pend_send(ps, b, 1, MPI_UNSIGNED_LONG_LONG, rank, tag);
}

/* Rank 0: hand out the cases as ranks finish them (MPI_DEPTH in flight
 * at each), run cases itself between results, take every result.  The
 * rows do not depend on who ran what. */
static int mpi_master(dct_study *st, const size_t *todo, size_t n_todo,
                      int size, int jfd, progress *pg)
{
    int rc = 0;
    size_t next = 0;
    int *inflight = calloc((size_t)size, sizeof *inflight);
    pending ps = {0};
    FILE *ef = tmpfile();
    int saved = dup(2);
    if (!inflight)
        MPI_Abort(MPI_COMM_WORLD, DCT_EXIT_OUTPUT);
    for (int k = 0; k < MPI_DEPTH; k++)
        for (int r = 1; r < size && next < n_todo; r++) {
            mpi_send_case(&ps, r, todo[next++], TAG_CASE);
            inflight[r]++;
        }
    for (int r = 1; r < size; r++)
        if (!inflight[r])
            mpi_send_case(&ps, r, 0, TAG_STOP);
    for (;;) {
        int busy = 0;
        for (int r = 1; r < size; r++)
            busy += inflight[r];
        if (!busy && next >= n_todo)
            break;
        MPI_Status s;
        int flag = 0;
        pend_test(&ps);
        if (next < n_todo)
            MPI_Iprobe(MPI_ANY_SOURCE, TAG_LINE, MPI_COMM_WORLD, &flag, &s);
        else {
            mpi_wait(MPI_ANY_SOURCE, TAG_LINE, &s);
            flag = 1;
        }
        if (flag) {
            int n = 0;
            MPI_Get_count(&s, MPI_CHAR, &n);
            char *buf = malloc((size_t)n + 1);
            if (!buf)
                MPI_Abort(MPI_COMM_WORLD, DCT_EXIT_OUTPUT);
            MPI_Recv(buf, n, MPI_CHAR, s.MPI_SOURCE, TAG_LINE,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            buf[n] = '\0';
            if (!rc && take_line(st, buf, jfd, pg) != 0) {
                fprintf(stderr, "dctwin: %s: journal: write error: %s\n",
                        st->cmd, strerror(errno));
                rc = DCT_EXIT_OUTPUT;
            }
            free(buf);
            int r = s.MPI_SOURCE;
            inflight[r]--;
            if (next < n_todo && !rc) {
                mpi_send_case(&ps, r, todo[next++], TAG_CASE);
                inflight[r]++;
            } else if (!inflight[r]) {
                mpi_send_case(&ps, r, 0, TAG_STOP);
            }
            continue;
        }
        /* no result waiting: run the next case here */
        unsigned long long i = todo[next++];
        char *line = NULL, *msg = NULL;
        if (ef && saved >= 0) {
            fflush(stderr);
            dup2(fileno(ef), 2);
        }
        int bad = run_case(st, (size_t)i, ef, &line) != 0 ||
                  !(msg = with_index(i, line));
        if (ef && saved >= 0) {
            fflush(stderr);
            dup2(saved, 2);
        }
        if (bad)
            MPI_Abort(MPI_COMM_WORLD, DCT_EXIT_OUTPUT);
        if (!rc && take_line(st, msg, jfd, pg) != 0) {
            fprintf(stderr, "dctwin: %s: journal: write error: %s\n",
                    st->cmd, strerror(errno));
            rc = DCT_EXIT_OUTPUT;
            next = n_todo;
        }
        free(msg);
        free(line);
    }
    pend_finish(&ps);
    if (saved >= 0)
        close(saved);
    if (ef)
        fclose(ef);
    free(inflight);
    return rc;
}
#endif

/* ------------------------------------------------------------- the run */

static long n_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

int dct_study_run(dct_study *st)
{
    int rank = 0, size = dct_study_mpi_size(&rank);
    (void)size;
    if (st->n_cases > STUDY_MAX_CASES) {
        fprintf(stderr, "dctwin: %s: %zu cases; at most %d\n", st->cmd,
                st->n_cases, STUDY_MAX_CASES);
        return DCT_EXIT_USAGE;
    }
    if (!(st->rows = calloc(st->n_cases ? st->n_cases : 1,
                            sizeof *st->rows)))
        return DCT_EXIT_OUTPUT;
#ifdef HAVE_MPI
    if (size > 1 && rank > 0)
        return mpi_worker(st);
#endif
    if (st->jobs <= 0)
        st->jobs = (int)n_cores();
    double w0 = now_s();
    int is_made = 0;
    if (dct_mkdir_p(st->dir, &is_made) != 0) {
        fprintf(stderr, "dctwin: %s: cannot create the study directory: "
                        "%s\n", st->dir, strerror(errno));
        return DCT_EXIT_OUTPUT;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/journal.tsv", st->dir);
    uint64_t fp = fingerprint(st);
    if (st->is_resume)
        read_journal(st, path, fp);
    size_t *todo = malloc((st->n_cases ? st->n_cases : 1) * sizeof *todo);
    size_t n_todo = 0;
    if (!todo)
        return DCT_EXIT_OUTPUT;
    for (size_t i = 0; i < st->n_cases; i++)
        if (!st->rows[i].is_done)
            todo[n_todo++] = i;
    /* the journal: rewritten with what is kept, then appended to */
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s/journal.tsv.tmp", st->dir);
    FILE *jf = fopen(tmp, "w");
    int jfd = -1;
    if (jf) {
        fprintf(jf, "# dctwin journal %016llx\n", (unsigned long long)fp);
        /* kept lines are re-made from the rows in their journal form: the
         * simplest is to keep the old file's valid lines as they were */
        FILE *old = st->is_resume ? fopen(path, "r") : NULL;
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        if (old && getline(&line, &cap, old) > 0)
            while ((n = getline(&line, &cap, old)) > 0) {
                if (line[n - 1] != '\n')
                    break;
                char *tab = strchr(line, '\t');
                if (!tab)
                    continue;
                *tab = '\0';
                size_t i = case_of(st, line);
                *tab = '\t';
                if (i != SIZE_MAX && st->rows[i].is_done)
                    fputs(line, jf);
            }
        free(line);
        if (old)
            fclose(old);
        if (fflush(jf) != 0 || fsync(fileno(jf)) != 0 ||
            rename(tmp, path) != 0) {
            fclose(jf);
            jf = NULL;
        } else {
            jfd = dup(fileno(jf));
            fclose(jf);
        }
    }
    if (jfd < 0) {
        fprintf(stderr, "dctwin: %s: cannot write the journal: %s\n", path,
                strerror(errno));
        unlink(tmp);
        free(todo);
        return DCT_EXIT_OUTPUT;
    }
    progress pg = {0};
    pg.is_on = !st->is_quiet && isatty(2);
    pg.total = st->n_cases;
    pg.done = pg.done0 = st->n_cases - n_todo;
    for (size_t i = 0; i < st->n_cases; i++)
        pg.failed += st->rows[i].is_done &&
                     st->rows[i].status >= DCT_EXIT_USAGE;
    pg.t0 = now_s();
    int rc = 0;
    if (n_todo) {
#ifdef HAVE_MPI
        if (size > 1)
            rc = mpi_master(st, todo, n_todo, size, jfd, &pg);
        else
#endif
            rc = run_fork(st, todo, n_todo, jfd, &pg);
    }
#ifdef HAVE_MPI
    else if (size > 1)
        rc = mpi_master(st, todo, 0, size, jfd, &pg);
#endif
    progress_show(&pg, st->cmd, 1);
    close(jfd);
    free(todo);
    st->wall_s = now_s() - w0;
    return rc;
}
