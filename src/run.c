/* run.c - the run API's results: freeing them, the binding margin, and
 * what is read back from a run directory (events, rack trips, unserved
 * energy).  dct_run() itself is in sim_run.c, beside the run driver it
 * wraps.
 */
#include "config.h"
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dct_run_result_free(dct_run_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_mg; i++) {
        dct_run_margin *m = &res->mg[i];
        free(m->id);
        free(m->component);
        free(m->quantity);
        free(m->label);
        free(m->unit);
    }
    free(res->mg);
    memset(res, 0, sizeof *res);
}

const dct_run_margin *dct_run_binding(const dct_run_result *res)
{
    return res && res->n_mg ? &res->mg[0] : NULL;
}

/* Lines of at most this many bytes are read whole (a header of 10,000
 * racks' columns is ~1 MB); longer ones fail the read. */
#define LINE_MAX_BYTES (64u << 20)

/* Read one line of F into *BUF (grown); returns its length or -1 at end. */
static long get_line(FILE *f, char **buf, size_t *cap)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (n + 2 > *cap) {
            size_t nc = *cap ? 2 * *cap : 4096;
            if (nc > LINE_MAX_BYTES)
                return -2;
            char *nb = realloc(*buf, nc);
            if (!nb)
                return -2;
            *buf = nb;
            *cap = nc;
        }
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return -1;
    if (!*buf)
        return -1;
    (*buf)[n] = '\0';
    return (long)n;
}

/* DIR/NAME opened for reading, or NULL. */
static FILE *open_in(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return fopen(path, "r");
}

/* events.csv: its rows. */
static int read_events(const char *dir, dct_run_result *res)
{
    FILE *f = open_in(dir, "events.csv");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    long n;
    int is_head = 1;
    res->n_events = 0;
    while ((n = get_line(f, &line, &cap)) >= 0) {
        if (is_head) {
            is_head = 0;
            continue;
        }
        res->n_events++;
    }
    free(line);
    fclose(f);
    return n == -2 ? -1 : 0;
}

/* timeseries.csv: the integral of the *.P_unserved_kW columns [J]. */
static int read_unserved(const char *dir, dct_run_result *res)
{
    static const char sfx[] = ".P_unserved_kW";
    const size_t ls = sizeof sfx - 1;
    FILE *f = open_in(dir, "timeseries.csv");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0, n_col = 0, n_sel = 0;
    size_t *sel = NULL;
    int rc = -1;
    long n = get_line(f, &line, &cap);
    if (n < 0)
        goto out;
    /* the header: which columns */
    for (char *p = line, *q; p; p = q ? q + 1 : NULL, n_col++) {
        q = strchr(p, ',');
        size_t l = q ? (size_t)(q - p) : strlen(p);
        if (l > ls && memcmp(p + l - ls, sfx, ls) == 0) {
            size_t *ns = realloc(sel, (n_sel + 1) * sizeof *ns);
            if (!ns)
                goto out;
            sel = ns;
            sel[n_sel++] = n_col;
        }
    }
    res->unserved_J = 0;
    double t_prev = NAN, p_prev = 0;
    while (n_sel && (n = get_line(f, &line, &cap)) >= 0) {
        double t = strtod(line, NULL), p = 0;
        size_t col = 0, k = 0;
        for (char *s = line; s && k < n_sel; col++) {
            if (col == sel[k]) {
                p += strtod(s, NULL) * 1e3;
                k++;
            }
            s = strchr(s, ',');
            s = s ? s + 1 : NULL;
        }
        if (!isnan(t_prev))
            res->unserved_J += 0.5 * (p + p_prev) * (t - t_prev);
        t_prev = t;
        p_prev = p;
    }
    rc = n == -2 ? -1 : 0;
out:
    free(sel);
    free(line);
    fclose(f);
    return rc;
}

int dct_run_read_dir(const char *dir, dct_run_result *res)
{
    return read_events(dir, res) != 0 || read_unserved(dir, res) != 0 ? -1
                                                                       : 0;
}
