/* compare.c - `dctwin compare RUNDIR RUNDIR...`: runs side by side.
 *
 * Reads each run directory's margins.csv and run.json and prints, margin
 * by margin (matched by id), each run's worst value, margin, time of the
 * worst and first violation with the difference from the first run; then
 * the energy ledger (run.json "energy") side by side; and draws overlay
 * plots of chosen timeseries.csv columns, one file per column, every run a
 * line (plots/overlay.gp, through dct_plot_render).
 *
 * Exit status: 0 compared, 2 usage, 3 a directory holds no run, 5 an
 * output (a plot) could not be written.
 */
#include "config.h"
#include "cli.h"
#include "diag.h"
#include "fsutil.h"
#include "plot.h"
#include "textout.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Most runs compared, and most columns plotted. */
#define CMP_MAX_RUNS 16
#define CMP_MAX_PLOTS 24

typedef struct cmp_margin {
    char *id, *unit;
    double worst, margin, pct, t_worst, t_viol;
} cmp_margin;

typedef struct cmp_run {
    const char *dir;
    cmp_margin *mg;
    size_t n_mg;
    char **ekey;          /* energy ledger: keys and values */
    double *eval;
    size_t n_e;
} cmp_run;

/* Split LINE in place into at most MAX CSV fields (quotes removed). */
static int split_csv(char *line, char **fld, int max)
{
    int nf = 0;
    char *w = line, *p = line;
    fld[nf++] = w;
    int in_q = 0;
    for (; *p; p++) {
        if (*p == '"') {
            if (in_q && p[1] == '"') {
                *w++ = '"';
                p++;
            } else {
                in_q = !in_q;
            }
        } else if (*p == ',' && !in_q) {
            *w++ = '\0';
            if (nf == max)
                return nf;
            fld[nf++] = w;
        } else if (*p != '\r' && *p != '\n') {
            *w++ = *p;
        }
    }
    *w = '\0';
    return nf;
}

static double num(const char *s)
{
    char *end = NULL;
    double v = strtod(s, &end);
    return end == s ? NAN : v;
}

static int read_margins(cmp_run *r)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/margins.csv", r->dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "dctwin: compare: %s: %s (not a run directory?)\n",
                path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, mcap = 0;
    int is_head = 1, rc = 0;
    while (getline(&line, &cap, f) > 0) {
        char *fld[12];
        int nf = split_csv(line, fld, 12);
        if (is_head) {
            is_head = 0;
            if (nf < 12 || strcmp(fld[0], "id") != 0) {
                fprintf(stderr, "dctwin: compare: %s: not a margins "
                                "table\n", path);
                rc = -1;
                break;
            }
            continue;
        }
        if (nf < 12)
            continue;
        if (r->n_mg == mcap) {
            size_t nc = mcap ? 2 * mcap : 64;
            cmp_margin *v = realloc(r->mg, nc * sizeof *v);
            if (!v) {
                rc = -1;
                break;
            }
            r->mg = v;
            mcap = nc;
        }
        cmp_margin *m = &r->mg[r->n_mg];
        if (!(m->id = strdup(fld[0])) || !(m->unit = strdup(fld[3]))) {
            free(m->id);
            rc = -1;
            break;
        }
        m->worst = num(fld[6]);
        m->margin = num(fld[7]);
        m->pct = num(fld[8]);
        m->t_worst = num(fld[9]);
        m->t_viol = num(fld[10]);
        r->n_mg++;
    }
    free(line);
    fclose(f);
    return rc;
}

/* run.json's "energy":{...}: its keys and numbers. */
static int read_ledger(cmp_run *r)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/run.json", r->dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "dctwin: compare: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, len = 0;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            size_t nc = (len + n + 1) * 2;
            char *nb = realloc(buf, nc);
            if (!nb) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
            cap = nc;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (!buf)
        return -1;
    buf[len] = '\0';
    char *p = strstr(buf, "\"energy\":{");
    if (p) {
        p += 10;
        char *end = strchr(p, '}');
        size_t ecap = 0;
        while (end && p < end) {
            char *k0 = strchr(p, '"');
            if (!k0 || k0 > end)
                break;
            char *k1 = strchr(k0 + 1, '"');
            if (!k1 || k1 > end || k1[1] != ':')
                break;
            if (r->n_e == ecap) {
                size_t nc = ecap ? 2 * ecap : 16;
                char **nk = realloc(r->ekey, nc * sizeof *nk);
                if (!nk)
                    break;
                r->ekey = nk;
                double *nv = realloc(r->eval, nc * sizeof *nv);
                if (!nv)
                    break;
                r->eval = nv;
                ecap = nc;
            }
            r->ekey[r->n_e] = strndup(k0 + 1, (size_t)(k1 - k0 - 1));
            r->eval[r->n_e] = strncmp(k1 + 2, "null", 4) == 0
                                  ? NAN : num(k1 + 2);
            if (r->ekey[r->n_e])
                r->n_e++;
            p = strchr(k1 + 2, ',');
            if (!p || p > end)
                break;
            p++;
        }
    }
    free(buf);
    return 0;
}

static void run_free(cmp_run *r)
{
    for (size_t i = 0; i < r->n_mg; i++) {
        free(r->mg[i].id);
        free(r->mg[i].unit);
    }
    free(r->mg);
    for (size_t i = 0; i < r->n_e; i++)
        free(r->ekey[i]);
    free(r->ekey);
    free(r->eval);
}

static const cmp_margin *find_margin(const cmp_run *r, const char *id,
                                     size_t hint)
{
    if (hint < r->n_mg && strcmp(r->mg[hint].id, id) == 0)
        return &r->mg[hint];
    for (size_t i = 0; i < r->n_mg; i++)
        if (strcmp(r->mg[i].id, id) == 0)
            return &r->mg[i];
    return NULL;
}

/* Same value: both NAN, or equal. */
static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static void cell(FILE *f, const char *fmt, double x, int w)
{
    if (isnan(x))
        fprintf(f, " %*s", w, "-");
    else
        fprintf(f, fmt, w, x);
}

/* The ids of every margin of every run, the first run's order first. */
static char **all_ids(const cmp_run *r, size_t nr, size_t *n)
{
    size_t cap = 0;
    char **ids = NULL;
    *n = 0;
    for (size_t k = 0; k < nr; k++)
        for (size_t i = 0; i < r[k].n_mg; i++) {
            const char *id = r[k].mg[i].id;
            int seen = k == 0 ? 0 : find_margin(&r[0], id, i) != NULL;
            for (size_t j = 1; j < k && !seen; j++)
                seen = find_margin(&r[j], id, i) != NULL;
            if (seen)
                continue;
            if (*n == cap) {
                size_t nc = cap ? 2 * cap : 256;
                char **v = realloc(ids, nc * sizeof *v);
                if (!v) {
                    free(ids);
                    return NULL;
                }
                ids = v;
                cap = nc;
            }
            ids[(*n)++] = (char *)id;
        }
    return ids;
}

/* Whether margin ID differs between the runs. */
static int differs(const cmp_run *r, size_t nr, const char *id, size_t hint)
{
    const cmp_margin *a = find_margin(&r[0], id, hint);
    for (size_t k = 1; k < nr; k++) {
        const cmp_margin *b = find_margin(&r[k], id, hint);
        if (!a || !b)
            return 1;
        if (!same(a->worst, b->worst) || !same(a->margin, b->margin) ||
            !same(a->t_worst, b->t_worst) || !same(a->t_viol, b->t_viol))
            return 1;
    }
    return 0;
}

static void print_text(FILE *f, const cmp_run *r, size_t nr, char **ids,
                       size_t n_ids, int all)
{
    for (size_t k = 0; k < nr; k++)
        fprintf(f, "run %c: %s\n", (int)('A' + k), r[k].dir);
    size_t n_diff = 0;
    for (size_t i = 0; i < n_ids; i++)
        n_diff += differs(r, nr, ids[i], i);
    fprintf(f, "\nmargins: %zu of %zu differ%s\n", n_diff, n_ids,
            n_diff && !all ? " (those shown; --all for every one)" : "");
    if (n_diff || all) {
        int w_id = 2;
        for (size_t i = 0; i < n_ids; i++)
            if (all || differs(r, nr, ids[i], i)) {
                int l = (int)strlen(ids[i]);
                w_id = l > w_id ? l : w_id;
            }
        fprintf(f, "%-*s %-6s", w_id, "id", "unit");
        for (size_t k = 0; k < nr; k++)
            fprintf(f, " %10s%c %8s%c %9s%c %9s%c", "margin", 'A' + (int)k,
                    "%", 'A' + (int)k, "t_worst", 'A' + (int)k, "t_viol",
                    'A' + (int)k);
        for (size_t k = 1; k < nr; k++)
            fprintf(f, " %9s%c-A", "margin", 'A' + (int)k);
        fputc('\n', f);
        for (size_t i = 0; i < n_ids; i++) {
            if (!all && !differs(r, nr, ids[i], i))
                continue;
            const cmp_margin *a = find_margin(&r[0], ids[i], i);
            const char *unit = a ? a->unit : "";
            for (size_t k = 1; !*unit && k < nr; k++) {
                const cmp_margin *b = find_margin(&r[k], ids[i], i);
                unit = b ? b->unit : "";
            }
            fprintf(f, "%-*s %-6s", w_id, ids[i], *unit ? unit : "-");
            for (size_t k = 0; k < nr; k++) {
                const cmp_margin *b = find_margin(&r[k], ids[i], i);
                cell(f, " %*.5g", b ? b->margin : NAN, 11);
                cell(f, " %*.1f", b ? b->pct : NAN, 9);
                cell(f, " %*.6g", b ? b->t_worst : NAN, 10);
                cell(f, " %*.6g", b ? b->t_viol : NAN, 10);
            }
            /* the differences from run A */
            for (size_t k = 1; k < nr; k++) {
                const cmp_margin *b = find_margin(&r[k], ids[i], i);
                double dm = a && b ? b->margin - a->margin : NAN;
                cell(f, " %+*.5g", dm, 11);
            }
            fputc('\n', f);
        }
    }
    /* the energy ledger, by the first run's keys */
    size_t n_ed = 0;
    for (size_t j = 0; j < r[0].n_e; j++)
        for (size_t k = 1; k < nr; k++)
            if (j >= r[k].n_e || strcmp(r[k].ekey[j], r[0].ekey[j]) != 0 ||
                !same(r[k].eval[j], r[0].eval[j])) {
                n_ed++;
                break;
            }
    fprintf(f, "\nenergy ledger [MJ]: %zu of %zu differ\n", n_ed, r[0].n_e);
    fprintf(f, "%-22s", "quantity");
    for (size_t k = 0; k < nr; k++)
        fprintf(f, " %14c", 'A' + (int)k);
    for (size_t k = 1; k < nr; k++)
        fprintf(f, " %12c-A", 'A' + (int)k);
    fputc('\n', f);
    for (size_t j = 0; j < r[0].n_e; j++) {
        fprintf(f, "%-22s", r[0].ekey[j]);
        for (size_t k = 0; k < nr; k++)
            cell(f, " %*.9g", j < r[k].n_e ? r[k].eval[j] / 1e6 : NAN, 14);
        for (size_t k = 1; k < nr; k++)
            cell(f, " %+*.6g",
                 j < r[k].n_e ? (r[k].eval[j] - r[0].eval[j]) / 1e6 : NAN,
                 14);
        fputc('\n', f);
    }
}

static void print_csv(FILE *f, const cmp_run *r, size_t nr, char **ids,
                      size_t n_ids)
{
    fputs("section,id,unit", f);
    for (size_t k = 0; k < nr; k++)
        fprintf(f, ",worst_%c,margin_%c,margin_pct_%c,t_worst_s_%c,"
                   "t_violation_s_%c", 'A' + (int)k, 'A' + (int)k,
                'A' + (int)k, 'A' + (int)k, 'A' + (int)k);
    for (size_t k = 1; k < nr; k++)
        fprintf(f, ",margin_%c_minus_A", 'A' + (int)k);
    fputc('\n', f);
    for (size_t i = 0; i < n_ids; i++) {
        const cmp_margin *a = find_margin(&r[0], ids[i], i);
        fputs("margin,", f);
        dct_csv_field(f, ids[i]);
        putc(',', f);
        dct_csv_field(f, a ? a->unit : "");
        for (size_t k = 0; k < nr; k++) {
            const cmp_margin *b = find_margin(&r[k], ids[i], i);
            double v[5] = {b ? b->worst : NAN, b ? b->margin : NAN,
                           b ? b->pct : NAN, b ? b->t_worst : NAN,
                           b ? b->t_viol : NAN};
            for (int j = 0; j < 5; j++) {
                putc(',', f);
                if (!isnan(v[j]))
                    fprintf(f, "%.9g", v[j]);
            }
        }
        for (size_t k = 1; k < nr; k++) {
            const cmp_margin *b = find_margin(&r[k], ids[i], i);
            putc(',', f);
            if (a && b && !isnan(b->margin - a->margin))
                fprintf(f, "%.9g", b->margin - a->margin);
        }
        fputc('\n', f);
    }
    for (size_t j = 0; j < r[0].n_e; j++) {
        fputs("energy,", f);
        dct_csv_field(f, r[0].ekey[j]);
        fputs(",J", f);
        for (size_t k = 0; k < nr; k++) {
            double v = j < r[k].n_e ? r[k].eval[j] : NAN;
            fputs(",", f);
            if (!isnan(v))
                fprintf(f, "%.9g", v);
            fputs(",,,,", f);
        }
        for (size_t k = 1; k < nr; k++) {
            double v = j < r[k].n_e ? r[k].eval[j] - r[0].eval[j] : NAN;
            putc(',', f);
            if (!isnan(v))
                fprintf(f, "%.9g", v);
        }
        fputc('\n', f);
    }
}

/* The header of DIR/timeseries.csv, split: *NAMES (owned, one buffer). */
static char **ts_header(const char *dir, size_t *n, char **mem)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    FILE *f = fopen(path, "r");
    *n = 0;
    *mem = NULL;
    if (!f)
        return NULL;
    size_t cap = 0;
    ssize_t l = getline(mem, &cap, f);
    fclose(f);
    if (l <= 0)
        return NULL;
    size_t nf = 1;
    for (char *p = *mem; *p; p++)
        nf += *p == ',';
    char **v = malloc(nf * sizeof *v);
    if (!v)
        return NULL;
    *n = (size_t)split_csv(*mem, v, (int)nf);
    return v;
}

/* Overlay plots of the columns matching PATTERNS into OUTDIR.  Returns 0,
 * 1 without gnuplot, or -1 (message printed). */
static int plot_columns(const cmp_run *r, size_t nr, char **pat,
                        size_t n_pat, const char *outdir, const char *fmt,
                        int is_quiet)
{
    size_t nh[CMP_MAX_RUNS];
    char **h[CMP_MAX_RUNS], *mem[CMP_MAX_RUNS];
    int rc = 0, n_plots = 0;
    for (size_t k = 0; k < nr; k++)
        h[k] = ts_header(r[k].dir, &nh[k], &mem[k]);
    for (size_t k = 0; k < nr; k++)
        if (!h[k]) {
            fprintf(stderr, "dctwin: compare: %s/timeseries.csv: cannot "
                            "read its header\n", r[k].dir);
            rc = -1;
        }
    int made = 0;
    if (!rc && dct_mkdir_p(outdir, &made) != 0) {
        fprintf(stderr, "dctwin: compare: %s: cannot create: %s\n", outdir,
                strerror(errno));
        rc = -1;
    }
    dct_diag d;
    dct_diag_init(&d);
    for (size_t p = 0; p < n_pat && !rc; p++) {
        int hit = 0;
        for (size_t c = 1; c < nh[0] && !rc && n_plots < CMP_MAX_PLOTS;
             c++) {
            if (fnmatch(pat[p], h[0][c], 0) != 0)
                continue;
            hit = 1;
            /* the same column in every run */
            char vbuf[CMP_MAX_RUNS * 3 + 4][4400];
            const char *vars[CMP_MAX_RUNS * 3 + 4];
            size_t nv = 0;
            snprintf(vbuf[nv], sizeof vbuf[nv], "nruns=%zu", nr);
            vars[nv] = vbuf[nv];
            nv++;
            snprintf(vbuf[nv], sizeof vbuf[nv], "title=%s", h[0][c]);
            vars[nv] = vbuf[nv];
            nv++;
            snprintf(vbuf[nv], sizeof vbuf[nv], "ylabel=%s", h[0][c]);
            vars[nv] = vbuf[nv];
            nv++;
            int ok = 1;
            for (size_t k = 0; k < nr && ok; k++) {
                size_t ck = 1;
                while (ck < nh[k] && strcmp(h[k][ck], h[0][c]) != 0)
                    ck++;
                if (ck == nh[k]) {
                    ok = 0;
                    break;
                }
                snprintf(vbuf[nv], sizeof vbuf[nv], "run%zufile=%s/"
                         "timeseries.csv", k + 1, r[k].dir);
                vars[nv] = vbuf[nv];
                nv++;
                snprintf(vbuf[nv], sizeof vbuf[nv], "ycol%zu=%zu", k + 1,
                         ck + 1);
                vars[nv] = vbuf[nv];
                nv++;
                snprintf(vbuf[nv], sizeof vbuf[nv], "ytitle%zu=%c: %s",
                         k + 1, 'A' + (int)k, r[k].dir);
                vars[nv] = vbuf[nv];
                nv++;
            }
            if (!ok) {
                fprintf(stderr, "dctwin: compare: column %s is not in "
                                "every run; not plotted\n", h[0][c]);
                continue;
            }
            char out[4400], name[256];
            snprintf(name, sizeof name, "%s", h[0][c]);
            for (char *q = name; *q; q++)
                if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                      (*q >= '0' && *q <= '9') || *q == '.' || *q == '-' ||
                      *q == '_'))
                    *q = '_';
            snprintf(out, sizeof out, "%s/%s.%s", outdir, name, fmt);
            int pr = dct_plot_render("overlay", vars, nv, out, fmt, &d);
            if (pr == DCT_PLOT_NO_GNUPLOT) {
                rc = 1;
                break;
            }
            if (pr < 0) {
                rc = -1;
                break;
            }
            n_plots++;
            if (!is_quiet)
                fprintf(stderr, "dctwin: compare: wrote %s\n", out);
        }
        if (!hit && !rc) {
            fprintf(stderr, "dctwin: compare: --column '%s' matches no "
                            "column of %s/timeseries.csv\n", pat[p],
                    r[0].dir);
            rc = -2;
        }
    }
    if (d.n_msg && (rc || !is_quiet))
        dct_diag_print(&d, stderr);
    dct_diag_clear(&d);
    for (size_t k = 0; k < nr; k++) {
        free(h[k]);
        free(mem[k]);
    }
    return rc;
}

static void help(void)
{
    printf(
        "Usage: dctwin compare RUNDIR RUNDIR... [OPTION]...\n"
        "Compare runs (run directories of dctwin simulate): margin by "
        "margin (margin,\n%% of the limit, time of the worst, first "
        "violation) with the differences from\nthe first run, the energy "
        "ledger side by side, and overlay plots of chosen\ncolumns.\n\n"
        "  --column=PATTERN  plot the timeseries.csv columns matching the "
        "glob, every\n"
        "                    run a line (repeatable; default "
        "'*.T_j_hot_degC' and\n"
        "                    '*.T_supply_degC', the first of each)\n"
        "  --out=DIR         where the plots go (default ./compare)\n"
        "  --plot-format=FMT png (default), svg or pdf\n"
        "  --no-plot         no plots\n"
        "  --all             every margin in the text table, not only "
        "those that differ\n"
        "  --format=FMT      text (default) or csv\n"
        "  -q, --quiet       no messages about the plots\n"
        "  -h, --help        print this help and exit\n\n"
        "Exit status: 0 compared, 2 usage, 3 a directory holds no run, 5 "
        "a plot could\nnot be written.\n");
}

int dct_cmd_compare(int argc, char **argv)
{
    enum { O_COLUMN = 256, O_OUT, O_PLOT_FORMAT, O_NO_PLOT, O_ALL,
           O_FORMAT };
    static const struct option opts[] = {
        {"column", required_argument, 0, O_COLUMN},
        {"out", required_argument, 0, O_OUT},
        {"plot-format", required_argument, 0, O_PLOT_FORMAT},
        {"no-plot", no_argument, 0, O_NO_PLOT},
        {"all", no_argument, 0, O_ALL},
        {"format", required_argument, 0, O_FORMAT},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    char **pat = calloc((size_t)argc + 2, sizeof *pat);
    size_t n_pat = 0;
    const char *out = "./compare", *fmt = "png";
    int no_plot = 0, all = 0, is_csv = 0, is_quiet = 0, c;
    if (!pat)
        return DCT_EXIT_USAGE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case O_COLUMN:
            pat[n_pat++] = optarg;
            break;
        case O_OUT:
            out = optarg;
            break;
        case O_PLOT_FORMAT:
            fmt = optarg;
            if (!dct_plot_is_format(fmt)) {
                fprintf(stderr, "dctwin: compare: --plot-format '%s': "
                                "expected png, svg or pdf\n", fmt);
                free(pat);
                return DCT_EXIT_USAGE;
            }
            break;
        case O_NO_PLOT:
            no_plot = 1;
            break;
        case O_ALL:
            all = 1;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "csv") == 0)
                is_csv = 1;
            else if (strcmp(optarg, "text") != 0) {
                fprintf(stderr, "dctwin: compare: --format '%s': expected "
                                "text or csv\n", optarg);
                free(pat);
                return DCT_EXIT_USAGE;
            }
            break;
        case 'q':
            is_quiet = 1;
            break;
        case 'h':
            help();
            free(pat);
            return DCT_EXIT_OK;
        default:
            fprintf(stderr, "dctwin: compare: see 'dctwin compare "
                            "--help'\n");
            free(pat);
            return DCT_EXIT_USAGE;
        }
    }
    size_t nr = (size_t)(argc - optind);
    if (nr < 2 || nr > CMP_MAX_RUNS) {
        fprintf(stderr, "dctwin: compare: give 2 to %d run directories "
                        "(see 'dctwin compare --help')\n", CMP_MAX_RUNS);
        free(pat);
        return DCT_EXIT_USAGE;
    }
    cmp_run r[CMP_MAX_RUNS];
    memset(r, 0, sizeof r);
    int rc = DCT_EXIT_OK;
    for (size_t k = 0; k < nr && !rc; k++) {
        r[k].dir = argv[optind + (int)k];
        if (read_margins(&r[k]) != 0 || read_ledger(&r[k]) != 0)
            rc = DCT_EXIT_INPUT;
    }
    size_t n_ids = 0;
    char **ids = rc ? NULL : all_ids(r, nr, &n_ids);
    if (!rc && !ids && n_ids == 0 && r[0].n_mg)
        rc = DCT_EXIT_OUTPUT;
    if (!rc) {
        if (is_csv)
            print_csv(stdout, r, nr, ids, n_ids);
        else
            print_text(stdout, r, nr, ids, n_ids, all);
        if (fflush(stdout) != 0)
            rc = DCT_EXIT_OUTPUT;
    }
    if (!rc && !no_plot) {
        static char d1[] = "*.T_j_hot_degC", d2[] = "*.T_supply_degC";
        int is_default = n_pat == 0;
        if (is_default) {
            pat[n_pat++] = d1;
            pat[n_pat++] = d2;
        }
        /* the defaults: the first matching column of each */
        char first[2][256];
        if (is_default) {
            size_t nh;
            char *mem;
            char **h = ts_header(r[0].dir, &nh, &mem);
            size_t kept = 0;
            for (size_t p = 0; p < 2; p++)
                for (size_t i = 1; h && i < nh; i++)
                    if (fnmatch(pat[p], h[i], 0) == 0) {
                        snprintf(first[kept], sizeof first[kept], "%s",
                                 h[i]);
                        pat[kept] = first[kept];
                        kept++;
                        break;
                    }
            n_pat = kept;
            free(h);
            free(mem);
        }
        int pr = plot_columns(r, nr, pat, n_pat, out, fmt, is_quiet);
        if (pr == -2)
            rc = DCT_EXIT_USAGE;
        else if (pr < 0)
            rc = DCT_EXIT_OUTPUT;
        else if (pr == 1 && !is_quiet)
            fprintf(stderr, "dctwin: compare: gnuplot not found; no "
                            "plots\n");
    }
    free(ids);
    for (size_t k = 0; k < nr; k++)
        run_free(&r[k]);
    free(pat);
    return rc;
}
