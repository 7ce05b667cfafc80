/* weather.c - weather files: EPW, NSRDB TMY3 and dctwin's CSV
 * (weather.h). */
#include "config.h"
#include "weather.h"
#include "datapath.h"
#include "fsutil.h"
#include "psychro.h"
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_interp.h>

#define C2K(x) ((x) + 273.15)
/* Most records of a weather file. */
#define MAX_ROWS 1000000
/* The longest line of a weather file [bytes]. */
#define LINE_MAX_B 4096
/* Most comma-separated fields of a line. */
#define MAX_FIELDS 128
/* The fields of an EPW data record [EPLUS-AUXPROGS]. */
#define EPW_FIELDS 35

const char dct_weather_design_names[] =
    "cooling-0.4|cooling-1|cooling-2|extreme-5y|extreme-10y|extreme-20y|"
    "extreme-50y";

/* The columns a record gives. */
enum { C_DB, C_DP, C_RH, C_P, NCOL };
static const char *const col_name[NCOL] = {
    "dry bulb", "dew point", "relative humidity", "station pressure"};

/* What the readers collect before the time series is built. */
typedef struct rd {
    const char *path;
    dct_diag *d;
    size_t n, cap;
    double *t;                /* [n] calendar time [s] */
    double *v[NCOL];          /* [n] as in the file; NAN: missing */
    long *line;               /* [n] */
    int *mo, *da, *hh, *mi;   /* [n] month, day, hour 1-24 and minute
                                 1-60 of the interval's end */
} rd;

static int rd_push(rd *r, long ln)
{
    if (r->n >= MAX_ROWS) {
        dct_error(r->d, r->path, ln, "more than %d records", MAX_ROWS);
        return -1;
    }
    if (r->n == r->cap) {
        size_t c = r->cap ? 2 * r->cap : 1024;
        double *a = realloc(r->t, c * sizeof *a);
        if (!a)
            goto oom;
        r->t = a;
        for (int k = 0; k < NCOL; k++) {
            a = realloc(r->v[k], c * sizeof *a);
            if (!a)
                goto oom;
            r->v[k] = a;
        }
        long *l = realloc(r->line, c * sizeof *l);
        if (!l)
            goto oom;
        r->line = l;
        int **iv[4] = {&r->mo, &r->da, &r->hh, &r->mi};
        for (int k = 0; k < 4; k++) {
            int *q = realloc(*iv[k], c * sizeof *q);
            if (!q)
                goto oom;
            *iv[k] = q;
        }
        r->cap = c;
    }
    r->line[r->n] = ln;
    for (int k = 0; k < NCOL; k++)
        r->v[k][r->n] = NAN;
    r->n++;
    return 0;
oom:
    dct_error(r->d, r->path, ln, "out of memory");
    return -1;
}

static void rd_free(rd *r)
{
    free(r->t);
    for (int k = 0; k < NCOL; k++)
        free(r->v[k]);
    free(r->line);
    free(r->mo);
    free(r->da);
    free(r->hh);
    free(r->mi);
}

/* Split LINE (its newline removed) at commas into F (at most MAX_FIELDS);
 * the number of fields. */
static int split(char *line, char **f)
{
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == MAX_FIELDS)
            return n;
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            return n;
        *c = '\0';
        p = c + 1;
    }
}

/* The number in field S (spaces around allowed) into *V; -1 if none. */
static int num(const char *s, double *v)
{
    s += strspn(s, " \t");
    const char *end;
    if (dct_number_parse(s, &end, v))
        return -1;
    return end[strspn(end, " \t")] ? -1 : 0;
}

static int is_blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/* The day of the year (0-based) of MONTH/DAY, -1 if no such date. */
static int day_of_year(int month, int day, int is_leap)
{
    if (month < 1 || month > 12 || day < 1)
        return -1;
    int len = mdays[month - 1] + (month == 2 && is_leap);
    if (day > len)
        return -1;
    int k = 0;
    for (int i = 0; i < month - 1; i++)
        k += mdays[i] + (i == 1 && is_leap);
    return k + day - 1;
}

/* The next line of F that is not blank, split at commas into FL (its
 * line number in *LN): the number of fields, 0 at the end of the file,
 * -1 on a read error (recorded in D). */
static int next_record(FILE *f, char **buf, size_t *bcap, const char *path,
                       long *ln, char **fl, dct_diag *d)
{
    for (;;) {
        ssize_t len = dct_text_line(buf, bcap, f, LINE_MAX_B, path, *ln + 1,
                                    d);
        if (len == -1)
            return 0;
        (*ln)++;
        if (len < 0)
            return -1;
        if (!is_blank(*buf))
            return split(*buf, fl);
    }
}

/* ------------------------------------------------------- dctwin's CSV */

/* dctwin's CSV "t_s,T_db_degC" or "t_s,T_db_degC,T_wb_degC" (line 1 in
 * BUF) into W. */
static int read_csv(dct_weather *w, FILE *f, char **buf, size_t *bcap,
                    dct_diag *d)
{
    const char *path = w->path;
    size_t cap = 0;
    long ln = 1;
    char *b = *buf;
    b[strcspn(b, "\r\n")] = '\0';
    if (strcmp(b, "t_s,T_db_degC,T_wb_degC") == 0) {
        w->has_wb = 1;
    } else if (strcmp(b, "t_s,T_db_degC") != 0) {
        int is_bom = memcmp(b, "\xEF\xBB\xBF", 3) == 0;
        dct_error(d, path, 1, "weather header must be 't_s,T_db_degC' or "
                  "'t_s,T_db_degC,T_wb_degC' (or an EPW or TMY3 file), "
                  "found '%.80s'%s", b,
                  is_bom ? " (it starts with a UTF-8 byte order mark: save "
                           "the file without one)" : "");
        return -1;
    }
    for (;;) {
        ssize_t len = dct_text_line(buf, bcap, f, LINE_MAX_B, path, ln + 1,
                                    d);
        b = *buf;
        if (len == -1)
            break;
        ln++;
        if (len < 0)
            return -1;
        if (is_blank(b))
            continue;
        double v[3] = {0, 0, 0};
        const char *p = b, *end;
        int nv = w->has_wb ? 3 : 2, bad = 0;
        for (int i = 0; i < nv && !bad; i++) {
            if (dct_number_parse(p, &end, &v[i]) ||
                (i + 1 < nv ? *end != ',' : end[strspn(end, " \t\r\n")] != 0))
                bad = 1;
            else
                p = end + 1;
        }
        if (bad) {
            dct_error(d, path, ln, "expected %s with decimal numbers",
                      w->has_wb ? "'time,dry-bulb,wet-bulb'"
                                : "'time,dry-bulb'");
            return -1;
        }
        if (w->n && v[0] <= w->t[w->n - 1]) {
            dct_error(d, path, ln, "times must increase strictly");
            return -1;
        }
        if (v[1] < -50 || v[1] > 60 ||
            (w->has_wb && (v[2] < -50 || v[2] > v[1]))) {
            dct_error(d, path, ln, "dry bulb %g degC outside -50..60, or wet "
                      "bulb above it", v[1]);
            return -1;
        }
        if (w->n >= MAX_ROWS) {
            dct_error(d, path, ln, "more than %d rows", MAX_ROWS);
            return -1;
        }
        if (w->n == cap) {
            cap = cap ? 2 * cap : 64;
            double *a = realloc(w->t, cap * sizeof *a);
            if (a)
                w->t = a;
            double *c = a ? realloc(w->db, cap * sizeof *c) : NULL;
            if (c)
                w->db = c;
            double *e = c ? realloc(w->wb, cap * sizeof *e) : NULL;
            if (e)
                w->wb = e;
            if (!e) {
                dct_error(d, path, ln, "out of memory");
                return -1;
            }
        }
        w->t[w->n] = v[0];
        w->db[w->n] = C2K(v[1]);
        w->wb[w->n] = C2K(v[2]);
        w->n++;
    }
    if (w->n < 2) {
        dct_error(d, path, ln, "a weather file needs at least two rows");
        return -1;
    }
    if (!w->has_wb) {
        free(w->wb);
        w->wb = NULL;
    }
    w->n_records = w->n;
    w->t_lo = w->t[0];
    w->t_hi = w->t[w->n - 1];
    return 0;
}

/* ---------------------------------------------------------------- EPW */

/* The number in field F[I] of N as kelvin into *V (empty: NAN). */
static void design_val(char **f, int n, int i, double *v)
{
    double x;
    *v = NAN;
    if (i < n && !is_blank(f[i]) && num(f[i], &x) == 0)
        *v = C2K(x);
}

/* The DESIGN CONDITIONS record (fields F[0..N-1]) at line LN: field
 * positions as in [EPLUS-AUXPROGS]: after the source and "Heating", the
 * heating fields; after "Cooling": 1 hottest month, 2 daily range, 3 the
 * 0.4 % dry bulb, 4 its mean coincident wet bulb, 5-6 the 1 %, 7-8 the
 * 2 % pair; after "Extremes": 1-3 wind speeds, 4 the extreme maximum wet
 * bulb, 5-8 the mean and standard deviation of the extreme annual minimum
 * and maximum dry bulb, then the minimum and maximum for return periods
 * of 5 (9-10), 10 (11-12), 20 (13-14) and 50 years (15-16). */
static int epw_design(dct_weather *w, char **f, int n, long ln, dct_diag *d)
{
    dct_weather_design *g = &w->design;
    g->line = ln;
    double nd;
    if (n < 2 || num(f[1], &nd) || nd < 0 || nd != floor(nd)) {
        dct_error(d, w->path, ln, "DESIGN CONDITIONS: expected the number "
                  "of design conditions (0 or 1) in field 1");
        return -1;
    }
    if (nd == 0)
        return 0;
    int ic = -1, ie = -1;
    for (int i = 2; i < n; i++) {
        const char *s = f[i] + strspn(f[i], " ");
        if (strcmp(s, "Cooling") == 0 && ic < 0)
            ic = i;
        else if (strcmp(s, "Extremes") == 0 && ie < 0)
            ie = i;
    }
    if (ic < 0 || ie < 0) {
        dct_error(d, w->path, ln, "DESIGN CONDITIONS: no '%s' section "
                  "(expected the ASHRAE format of the EnergyPlus weather "
                  "converter)", ic < 0 ? "Cooling" : "Extremes");
        return -1;
    }
    g->has = 1;
    g->source = strdup(n > 2 ? f[2] : "");
    for (int k = 0; k < 3; k++) {
        design_val(f, n, ic + 3 + 2 * k, &g->cool_db[k]);
        design_val(f, n, ic + 4 + 2 * k, &g->cool_wb[k]);
    }
    design_val(f, n, ie + 4, &g->ext_wb);
    for (int k = 0; k < 4; k++)
        design_val(f, n, ie + 10 + 2 * k, &g->ext_db[k]);
    return 0;
}

/* A date "M/D" (spaces allowed: " 1/ 1") into *M, *D; -1 if not one. */
static int epw_date(const char *s, int *m, int *dd)
{
    char c;
    if (sscanf(s, " %d / %d %c", m, dd, &c) != 2)
        return -1;
    return 0;
}

static const char *const epw_header[8] = {
    "LOCATION", "DESIGN CONDITIONS", "TYPICAL/EXTREME PERIODS",
    "GROUND TEMPERATURES", "HOLIDAYS/DAYLIGHT SAVINGS", "COMMENTS 1",
    "COMMENTS 2", "DATA PERIODS"};

/* An EPW file (line 1 in *BUF): header records, then the data. */
static int read_epw(dct_weather *w, rd *r, FILE *f, char **buf,
                    size_t *bcap, dct_diag *d)
{
    char *fl[MAX_FIELDS];
    const char *path = w->path;
    long ln = 1;
    int p_m0 = 1, p_d0 = 1, p_m1 = 12, p_d1 = 31;
    for (int h = 0; h < 8; h++) {
        if (h) {
            ssize_t len = dct_text_line(buf, bcap, f, LINE_MAX_B, path,
                                        ln + 1, d);
            if (len == -1) {
                dct_error(d, path, ln, "truncated EPW header: expected the "
                          "'%s' record next", epw_header[h]);
                return -1;
            }
            ln++;
            if (len < 0)
                return -1;
        }
        int n = split(*buf, fl);
        if (strcmp(fl[0], epw_header[h]) != 0) {
            dct_error(d, path, ln, "expected the EPW header record '%s', "
                      "found '%.40s'", epw_header[h], fl[0]);
            return -1;
        }
        if (h == 0) {
            if (n < 10 || num(fl[9], &w->elevation)) {
                dct_error(d, path, ln, "LOCATION: expected 9 fields (city, "
                          "state, country, source, WMO, latitude, "
                          "longitude, time zone, elevation)");
                return -1;
            }
            w->station = strdup(fl[1]);
        } else if (h == 1) {
            if (epw_design(w, fl, n, ln, d))
                return -1;
        } else if (h == 4) {
            const char *s = n > 1 ? fl[1] + strspn(fl[1], " ") : "";
            if (strcmp(s, "Yes") == 0 || strcmp(s, "yes") == 0 ||
                strcmp(s, "Y") == 0)
                w->is_leap = 1;
            else if (strcmp(s, "No") && strcmp(s, "no") && strcmp(s, "N")) {
                dct_error(d, path, ln, "HOLIDAYS/DAYLIGHT SAVINGS: field 1 "
                          "(leap year observed) must be Yes or No, found "
                          "'%.20s'", s);
                return -1;
            }
        } else if (h == 7) {
            double np, x;
            if (n < 7 || num(fl[1], &np) || np < 1 || num(fl[2], &x) ||
                x < 1 || x > 60 || x != floor(x) ||
                epw_date(fl[5], &p_m0, &p_d0) ||
                epw_date(fl[6], &p_m1, &p_d1)) {
                dct_error(d, path, ln, "DATA PERIODS: expected the number "
                          "of periods, records per hour (1-60), and a "
                          "period's name, start weekday, start and end "
                          "date (M/D)");
                return -1;
            }
            if (np > 1)
                dct_warning(d, path, ln, "DATA PERIODS: %g periods; the "
                            "records are read as one series", np);
        }
    }
    int n;
    while ((n = next_record(f, buf, bcap, path, &ln, fl, d)) > 0) {
        if (n < EPW_FIELDS) {
            dct_error(d, path, ln, "truncated record: %d of the %d fields "
                      "of an EPW data record", n, EPW_FIELDS);
            return -1;
        }
        double x[5];
        for (int i = 1; i < 5; i++)
            if (num(fl[i], &x[i]) || x[i] != floor(x[i])) {
                dct_error(d, path, ln, "field %d (%s): expected a whole "
                          "number, found '%.20s'", i + 1,
                          i == 1 ? "month" : i == 2 ? "day" : i == 3
                          ? "hour" : "minute", fl[i]);
                return -1;
            }
        if (x[1] < 1 || x[1] > 12 || x[2] < 1 || x[2] > 31) {
            dct_error(d, path, ln, "month %g, day %g: expected a month "
                      "1-12 and a day 1-31", x[1], x[2]);
            return -1;
        }
        if (x[3] < 1 || x[3] > 24 || x[4] < 0 || x[4] > 60) {
            dct_error(d, path, ln, "hour %g, minute %g: expected an hour "
                      "1-24 (the hour ending) and a minute 0-60", x[3],
                      x[4]);
            return -1;
        }
        if (rd_push(r, ln))
            return -1;
        size_t i = r->n - 1;
        r->mo[i] = (int)x[1];
        r->da[i] = (int)x[2];
        r->hh[i] = (int)x[3];
        r->mi[i] = (int)x[4];
        /* fields 7-10; missing at or above 99.9, 99.9, 999, 999999 */
        static const double miss[NCOL] = {99.9, 99.9, 999, 999999};
        for (int k = 0; k < NCOL; k++) {
            double v;
            const char *s = fl[6 + k];
            if (is_blank(s))
                continue;
            if (num(s, &v)) {
                dct_error(d, path, ln, "field %d (%s): not a number: "
                          "'%.20s'", 7 + k, col_name[k], s);
                return -1;
            }
            if (v < miss[k])
                r->v[k][i] = k == C_DB || k == C_DP ? C2K(v) : v;
        }
    }
    if (n < 0)
        return -1;
    if (!r->n) {
        dct_error(d, path, ln, "no data records after the header");
        return -1;
    }
    /* keep the declared period for the partial-file warning */
    int e0 = day_of_year(p_m0, p_d0, w->is_leap),
        e1 = day_of_year(p_m1, p_d1, w->is_leap);
    if (e0 >= 0 && e1 >= 0) {
        w->t_lo = e0 * 86400.0;
        w->t_hi = (e1 + 1) * 86400.0;   /* checked against the records */
    }
    return 0;
}

/* --------------------------------------------------------------- TMY3 */

/* The column names a TMY3 file must have, in the order of NCOL. */
static const char *const tmy3_col[NCOL] = {
    "Dry-bulb (C)", "Dew-point (C)", "RHum (%)", "Pressure (mbar)"};

static int read_tmy3(dct_weather *w, rd *r, FILE *f, char **buf,
                     size_t *bcap, dct_diag *d)
{
    char *fl[MAX_FIELDS];
    const char *path = w->path;
    /* line 1: id, "name", state, time zone, latitude, longitude,
     * elevation [m] */
    int n = split(*buf, fl);
    if (n < 7 || num(fl[6], &w->elevation)) {
        dct_error(d, path, 1, "TMY3 station line: expected 7 fields (id, "
                  "name, state, time zone, latitude, longitude, "
                  "elevation)");
        return -1;
    }
    const char *nm = fl[1];
    size_t l = strlen(nm);
    if (l >= 2 && nm[0] == '"' && nm[l - 1] == '"')
        w->station = strndup(nm + 1, l - 2);
    else
        w->station = strdup(nm);
    long ln = 2;
    ssize_t len = dct_text_line(buf, bcap, f, LINE_MAX_B, path, 2, d);
    if (len == -1) {
        dct_error(d, path, 1, "truncated TMY3 file: no line of column "
                  "names");
        return -1;
    }
    if (len < 0)
        return -1;
    int nc = split(*buf, fl);
    int col[NCOL], c_date = -1, c_time = -1;
    for (int k = 0; k < NCOL; k++)
        col[k] = -1;
    for (int i = 0; i < nc; i++) {
        if (strcmp(fl[i], "Date (MM/DD/YYYY)") == 0)
            c_date = i;
        else if (strcmp(fl[i], "Time (HH:MM)") == 0)
            c_time = i;
        for (int k = 0; k < NCOL; k++)
            if (strcmp(fl[i], tmy3_col[k]) == 0) {
                if (col[k] >= 0) {
                    dct_error(d, path, 2, "column '%s' given twice "
                              "(columns %d and %d)", tmy3_col[k],
                              col[k] + 1, i + 1);
                    return -1;
                }
                col[k] = i;
            }
    }
    if (c_date < 0 || c_time < 0 || col[C_DB] < 0 ||
        (col[C_DP] < 0 && col[C_RH] < 0)) {
        dct_error(d, path, 2, "TMY3 column names: no '%s' column (expected "
                  "'Date (MM/DD/YYYY)', 'Time (HH:MM)', 'Dry-bulb (C)' and "
                  "'Dew-point (C)' or 'RHum (%%)')",
                  c_date < 0 ? "Date (MM/DD/YYYY)" : c_time < 0
                  ? "Time (HH:MM)" : col[C_DB] < 0 ? "Dry-bulb (C)"
                  : "Dew-point (C)");
        return -1;
    }
    int nf;
    while ((nf = next_record(f, buf, bcap, path, &ln, fl, d)) > 0) {
        if (nf < nc) {
            dct_error(d, path, ln, "truncated record: %d of the %d columns "
                      "named on line 2", nf, nc);
            return -1;
        }
        int mo, da, yr, hh, mm;
        char c;
        if (sscanf(fl[c_date], "%d/%d/%d%c", &mo, &da, &yr, &c) != 3 ||
            sscanf(fl[c_time], "%d:%d%c", &hh, &mm, &c) != 2 || hh < 0 ||
            hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm) ||
            (hh == 0 && mm == 0)) {
            dct_error(d, path, ln, "expected a date MM/DD/YYYY and a time "
                      "HH:MM from 00:01 to 24:00 (the interval ending), "
                      "found '%.12s,%.8s'", fl[c_date], fl[c_time]);
            return -1;
        }
        if (rd_push(r, ln))
            return -1;
        size_t i = r->n - 1;
        r->mo[i] = mo;
        r->da[i] = da;
        /* as an EPW hour (1-24) and minute (1-60): the interval's end */
        r->hh[i] = mm ? hh + 1 : hh;
        r->mi[i] = mm ? mm : 60;
        for (int k = 0; k < NCOL; k++) {
            double v;
            if (col[k] < 0)
                continue;
            const char *s = fl[col[k]];
            if (is_blank(s))
                continue;
            if (num(s, &v)) {
                dct_error(d, path, ln, "column %d '%s': not a number: "
                          "'%.20s'", col[k] + 1, tmy3_col[k], s);
                return -1;
            }
            if (v > -9900)   /* -9900: missing */
                r->v[k][i] = k == C_DB || k == C_DP ? C2K(v)
                           : k == C_P ? 100 * v : v;
        }
    }
    if (nf < 0)
        return -1;
    if (!r->n) {
        dct_error(d, path, ln, "no data records after the column names");
        return -1;
    }
    return 0;
}

/* ----------------------------------------- from records to the series */

/* Fill the missing values of column K (runs of at most
 * DCT_WEATHER_GAP_MAX) by linear interpolation in time; NEEDED: a
 * column missing everywhere is an error.  Returns the number filled, -1
 * on error, -2 when the whole column is missing and not NEEDED. */
static long fill(rd *r, int k, int is_needed)
{
    double *v = r->v[k];
    size_t n = r->n, nf = 0;
    size_t i = 0;
    size_t n_ok = 0;
    for (size_t j = 0; j < n; j++)
        n_ok += !isnan(v[j]);
    if (!n_ok) {
        if (!is_needed)
            return -2;
        dct_error(r->d, r->path, r->line[0], "the %s is missing in every "
                  "record", col_name[k]);
        return -1;
    }
    while (i < n) {
        if (!isnan(v[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && isnan(v[j]))
            j++;
        if (j - i > DCT_WEATHER_GAP_MAX) {
            dct_error(r->d, r->path, r->line[i], "the %s is missing in %zu "
                      "records in a row (lines %ld to %ld; at most %d are "
                      "filled in)", col_name[k], j - i, r->line[i],
                      r->line[j - 1], DCT_WEATHER_GAP_MAX);
            return -1;
        }
        for (size_t q = i; q < j; q++) {
            if (i == 0)
                v[q] = v[j];
            else if (j == n)
                v[q] = v[i - 1];
            else
                v[q] = v[i - 1] + (v[j] - v[i - 1]) *
                       (r->t[q] - r->t[i - 1]) / (r->t[j] - r->t[i - 1]);
            nf++;
        }
        i = j;
    }
    return (long)nf;
}

/* The calendar times of the records, their order, the missing values,
 * the wet bulb; W's series from R. */
static int build(dct_weather *w, rd *r, dct_diag *d)
{
    const int *month = r->mo, *day = r->da, *hour = r->hh, *minute = r->mi;
    const char *path = w->path;
    if (w->format == DCT_WX_TMY3)
        for (size_t i = 0; i < r->n; i++)
            if (month[i] == 2 && day[i] == 29)
                w->is_leap = 1;
    w->period = (w->is_leap ? 366 : 365) * 86400.0;
    for (size_t i = 0; i < r->n; i++) {
        int doy = day_of_year(month[i], day[i], w->is_leap);
        if (doy < 0) {
            dct_error(d, path, r->line[i], "no date %02d-%02d in a%s year%s",
                      month[i], day[i], w->is_leap ? " leap" : "",
                      month[i] == 2 && day[i] == 29
                      ? " (the header's leap-year field says No)" : "");
            return -1;
        }
        r->t[i] = doy * 86400.0 + (hour[i] - 1) * 3600.0 +
                  (minute[i] ? minute[i] : 60) * 60.0;
        if (i && r->t[i] <= r->t[i - 1]) {
            char a[32], b[32];
            dct_weather_calendar(r->t[i], w->is_leap, a, sizeof a);
            dct_weather_calendar(r->t[i - 1], w->is_leap, b, sizeof b);
            dct_error(d, path, r->line[i], "time %s %s the record before "
                      "it (%s, line %ld): the records must be in time "
                      "order, each once", a, r->t[i] == r->t[i - 1]
                      ? "repeats" : "comes before", b, r->line[i - 1]);
            return -1;
        }
    }
    if (r->n < 2) {
        dct_error(d, path, r->line[0], "a weather file needs at least two "
                  "records");
        return -1;
    }
    /* the missing values */
    long nf[NCOL] = {0, 0, 0, 0};
    if ((nf[C_DB] = fill(r, C_DB, 1)) < 0)
        return -1;
    nf[C_DP] = fill(r, C_DP, 0);
    if (nf[C_DP] == -1)
        return -1;
    int has_dp = nf[C_DP] >= 0;
    if (!has_dp) {
        nf[C_DP] = 0;
        nf[C_RH] = fill(r, C_RH, 1);
        if (nf[C_RH] < 0) {
            dct_error(d, path, r->line[0], "no humidity: the dew point and "
                      "the relative humidity are missing in every record");
            return -1;
        }
    }
    nf[C_P] = fill(r, C_P, 0);
    if (nf[C_P] == -1)
        return -1;
    int has_p = nf[C_P] >= 0;
    if (!has_p) {
        nf[C_P] = 0;
        dct_warning(d, path, r->line[0], "the station pressure is missing "
                    "in every record: the standard atmosphere at the "
                    "station's elevation (%g m) is used", w->elevation);
    }
    size_t n_filled = 0;
    for (int k = 0; k < NCOL; k++)
        n_filled += (size_t)nf[k];
    if (n_filled)
        dct_warning(d, path, 0, "%zu missing values filled in by linear "
                    "interpolation in time (dry bulb %ld, dew point %ld, "
                    "relative humidity %ld, station pressure %ld)",
                    n_filled, nf[C_DB], nf[C_DP], nf[C_RH], nf[C_P]);
    w->n_filled = n_filled;
    /* ranges, the wet bulb */
    int is_year = r->t[0] == r->t[1] - r->t[0] &&
                  r->t[r->n - 1] == w->period;
    size_t off = is_year ? 1 : 0, n = r->n + off;
    w->t = malloc(n * sizeof *w->t);
    w->db = malloc(n * sizeof *w->db);
    w->wb = malloc(n * sizeof *w->wb);
    if (!w->t || !w->db || !w->wb) {
        dct_error(d, path, 0, "out of memory");
        return -1;
    }
    double p_std = dct_psychro_p_std(w->elevation);
    for (size_t i = 0; i < r->n; i++) {
        double db = r->v[C_DB][i], dp = r->v[C_DP][i], p = r->v[C_P][i];
        if (!has_p)
            p = p_std;
        if (!(db > C2K(-70) && db < C2K(70))) {
            dct_error(d, path, r->line[i], "dry bulb %g degC: expected "
                      "-70 to 70 degC", db - 273.15);
            return -1;
        }
        if (!(p >= 31000 && p <= 120000)) {
            dct_error(d, path, r->line[i], "station pressure %g Pa: "
                      "expected 31000 to 120000 Pa", p);
            return -1;
        }
        if (!has_dp) {
            double rh = r->v[C_RH][i];
            if (!(rh >= 0 && rh <= 110)) {
                dct_error(d, path, r->line[i], "relative humidity %g %%: "
                          "expected 0 to 110 %%", rh);
                return -1;
            }
            dp = dct_psychro_dew_from_rh(db, rh / 100);
        }
        /* a dew point a little above the dry bulb is rounding in the
         * file; more is not weather (columns swapped?) */
        if (!(dp > C2K(-70)) || dp > db + 1.0) {
            dct_error(d, path, r->line[i], "dew point %g degC %s (dry bulb "
                      "%g degC): columns swapped?", dp - 273.15,
                      dp > db ? "above the dry bulb" : "below -70 degC",
                      db - 273.15);
            return -1;
        }
        if (dp > db)
            dp = db;
        double W = dct_psychro_w_from_dew(dp, p);
        w->t[i + off] = r->t[i];
        w->db[i + off] = db;
        w->wb[i + off] = dct_psychro_wb(db, W, p);
    }
    if (is_year) {   /* 24:00 on December 31 is January 1, 00:00 */
        w->t[0] = 0;
        w->db[0] = w->db[n - 1];
        w->wb[0] = w->wb[n - 1];
    }
    w->n = n;
    w->n_records = r->n;
    w->is_year = is_year;
    w->has_wb = 1;
    double step = r->t[1] - r->t[0];
    double lo = r->t[0] - step, hi = r->t[r->n - 1];
    if (w->format == DCT_WX_EPW && w->t_hi > 0 && !is_year &&
        (hi < w->t_hi || lo > w->t_lo)) {
        char a[32], b[32];
        dct_weather_calendar(lo, w->is_leap, a, sizeof a);
        dct_weather_calendar(hi, w->is_leap, b, sizeof b);
        dct_warning(d, path, r->line[r->n - 1], "the records cover %s to "
                    "%s only, part of the data period of the header: a "
                    "run must stay within them", a, b);
    }
    w->t_lo = is_year ? 0 : lo;
    w->t_hi = is_year ? w->period : hi;
    return 0;
}

/* ------------------------------------------------------------- public */

dct_weather *dct_weather_load(const char *path, const char *from,
                              long from_line, dct_diag *d)
{
    char why[200];
    FILE *f = dct_open_regular(path, DCT_MAX_CSV_BYTES, why, sizeof why);
    if (!f) {
        dct_error(d, from, from ? from_line : 0,
                  "cannot read weather file '%s': %s", path, why);
        return NULL;
    }
    dct_weather *w = calloc(1, sizeof *w);
    rd r = {.path = path, .d = d};
    char *buf = NULL;
    size_t bcap = 0;
    int rc = -1;
    if (!w || !(w->path = strdup(path))) {
        dct_error(d, path, 0, "out of memory");
        goto out;
    }
    for (int k = 0; k < 3; k++)
        w->design.cool_db[k] = w->design.cool_wb[k] = NAN;
    w->design.ext_wb = NAN;
    for (int k = 0; k < 4; k++)
        w->design.ext_db[k] = NAN;
    r.path = w->path;
    ssize_t len = dct_text_line(&buf, &bcap, f, LINE_MAX_B, path, 1, d);
    if (len < 0) {
        if (len == -1)
            dct_error(d, path, 1, "empty weather file");
        goto out;
    }
    if (strncmp(buf, "LOCATION,", 9) == 0) {
        w->format = DCT_WX_EPW;
        w->has_calendar = 1;
        if (read_epw(w, &r, f, &buf, &bcap, d) || build(w, &r, d))
            goto out;
    } else {
        /* TMY3: line 2 names the columns */
        char *c = strchr(buf, ',');
        int is_tmy3 = c && c != buf && strspn(buf, "0123456789") ==
                      (size_t)(c - buf) && c[1] == '"';
        if (is_tmy3) {
            w->format = DCT_WX_TMY3;
            w->has_calendar = 1;
            if (read_tmy3(w, &r, f, &buf, &bcap, d) || build(w, &r, d))
                goto out;
        } else {
            w->format = DCT_WX_CSV;
            if (read_csv(w, f, &buf, &bcap, d))
                goto out;
        }
    }
    for (int k = 0; k < (w->wb ? 2 : 1); k++) {
        gsl_interp *g = gsl_interp_alloc(gsl_interp_linear, w->n);
        w->interp[k] = g;
        if (!g || gsl_interp_init(g, w->t, k ? w->wb : w->db, w->n)) {
            dct_error(d, path, 0, "cannot interpolate the weather file");
            goto out;
        }
    }
    rc = 0;
out:
    rd_free(&r);
    free(buf);
    fclose(f);
    if (rc) {
        dct_weather_free(w);
        return NULL;
    }
    return w;
}

void dct_weather_free(dct_weather *w)
{
    if (!w)
        return;
    for (int k = 0; k < 2; k++)
        if (w->interp[k])
            gsl_interp_free(w->interp[k]);
    free(w->path);
    free(w->station);
    free(w->design.source);
    free(w->t);
    free(w->db);
    free(w->wb);
    free(w);
}

/* File time T brought into the records' range. */
static double wrap(const dct_weather *w, double t)
{
    if (w->is_year) {
        t = fmod(t, w->period);
        if (t < 0)
            t += w->period;
    }
    if (t < w->t[0])
        t = w->t[0];
    if (t > w->t[w->n - 1])
        t = w->t[w->n - 1];
    return t;
}

void dct_weather_at(const dct_weather *w, double t, double *t_db,
                    double *t_wb)
{
    double x = wrap(w, t);
    *t_db = gsl_interp_eval(w->interp[0], w->t, w->db, x, NULL);
    if (w->wb)
        *t_wb = gsl_interp_eval(w->interp[1], w->t, w->wb, x, NULL);
}

int dct_weather_next(const dct_weather *w, double t, double *tb)
{
    double base = 0, x = t;
    if (w->is_year) {
        base = floor(t / w->period) * w->period;
        x = t - base;
    }
    size_t lo = 0, hi = w->n;
    while (lo < hi) { /* the first point strictly after x */
        size_t mid = (lo + hi) / 2;
        if (w->t[mid] <= x + 1e-12 * fmax(1.0, fabs(t)))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= w->n) {
        if (!w->is_year)
            return 0;
        *tb = base + w->period + w->t[1];
        return 1;
    }
    *tb = base + w->t[lo];
    return 1;
}

int dct_weather_covers(const dct_weather *w, double t0, double dur,
                       char *err, size_t n)
{
    if (w->is_year)
        return 0;
    double tol = 1e-9 * fmax(1.0, w->t_hi);
    if (t0 >= w->t_lo - tol && t0 + dur <= w->t_hi + tol)
        return 0;
    if (w->has_calendar) {
        char a[32], b[32];
        dct_weather_calendar(w->t_lo, w->is_leap, a, sizeof a);
        dct_weather_calendar(w->t_hi, w->is_leap, b, sizeof b);
        snprintf(err, n, "the records cover %s to %s (%g h), not the "
                 "%g h of the run from its start", a, b,
                 (w->t_hi - w->t_lo) / 3600, dur / 3600);
    } else {
        snprintf(err, n, "the records cover t = %g s to %g s, not the "
                 "%g s of the run", w->t_lo, w->t_hi, dur);
    }
    return -1;
}

int dct_weather_design_get(const dct_weather *w, const char *name,
                           double *t_db, double *t_wb, char *err, size_t n)
{
    static const char *const cool[3] = {"cooling-0.4", "cooling-1",
                                        "cooling-2"};
    static const char *const ext[4] = {"extreme-5y", "extreme-10y",
                                       "extreme-20y", "extreme-50y"};
    int ic = -1, ie = -1;
    for (int k = 0; k < 3; k++)
        if (strcmp(name, cool[k]) == 0)
            ic = k;
    for (int k = 0; k < 4; k++)
        if (strcmp(name, ext[k]) == 0)
            ie = k;
    if (ic < 0 && ie < 0) {
        snprintf(err, n, "unknown design condition '%s' (expected %s)",
                 name, dct_weather_design_names);
        return -1;
    }
    const dct_weather_design *g = &w->design;
    if (!g->has) {
        snprintf(err, n, "%s has no design conditions (an EPW file's "
                 "DESIGN CONDITIONS record): give the dry bulb with --set "
                 "ambient.dry-bulb=... instead", w->path);
        return -1;
    }
    double db = ic >= 0 ? g->cool_db[ic] : g->ext_db[ie];
    double wb = ic >= 0 ? g->cool_wb[ic] : g->ext_wb;
    if (isnan(db) || isnan(wb)) {
        snprintf(err, n, "the design conditions of %s (line %ld) leave "
                 "the %s %s empty", w->path, g->line, name,
                 isnan(db) ? "dry bulb" : "wet bulb");
        return -1;
    }
    *t_db = db;
    *t_wb = fmin(wb, db);
    return 0;
}

int dct_weather_start_parse(const char *text, int is_leap, double *t,
                            char *err, size_t n)
{
    int mo, da, hh = 0, k = 0;
    size_t l = strlen(text);
    int ok = (l == 5 && sscanf(text, "%2d-%2d%n", &mo, &da, &k) == 2 &&
              k == 5) ||
             (l == 8 && sscanf(text, "%2d-%2dT%2d%n", &mo, &da, &hh, &k) == 3
              && k == 8);
    ok = ok && text[0] >= '0' && text[0] <= '9' && text[3] >= '0' &&
         text[3] <= '9' && (l == 5 || (text[6] >= '0' && text[6] <= '9'));
    int doy = ok ? day_of_year(mo, da, is_leap) : -1;
    if (!ok || doy < 0 || hh < 0 || hh > 23) {
        snprintf(err, n, "--start '%s': expected MM-DD or MM-DDThh (hour "
                 "00-23), a date of the weather file's %syear", text,
                 is_leap ? "leap " : "");
        return -1;
    }
    *t = doy * 86400.0 + hh * 3600.0;
    return 0;
}

void dct_weather_calendar(double t, int is_leap, char *buf, size_t n)
{
    double period = (is_leap ? 366 : 365) * 86400.0;
    t = fmod(t, period);
    if (t < 0)
        t += period;
    long s = lround(t);
    if (s >= (long)period)
        s -= (long)period;
    long doy = s / 86400, sod = s % 86400;
    int mo = 0;
    while (mo < 11 && doy >= mdays[mo] + (mo == 1 && is_leap)) {
        doy -= mdays[mo] + (mo == 1 && is_leap);
        mo++;
    }
    snprintf(buf, n, "%02d-%02ld %02ld:%02ld", mo + 1, doy + 1, sod / 3600,
             sod % 3600 / 60);
}

/* ------------------------------------------------------------ options */

int dct_weather_opt_resolve(dct_weather_opt *o, double duration,
                            dct_diag *d)
{
    char err[400];
    if (!o->file) {
        if (o->start || o->design) {
            dct_error(d, NULL, 0, "%s needs --weather FILE",
                      o->start ? "--start" : "--design");
            return 2;
        }
        return 0;
    }
    if (o->start && o->design) {
        dct_error(d, NULL, 0, "--start goes with a run on the weather "
                  "file, --design with a steady design condition: give "
                  "one of them");
        return 2;
    }
    /* as given, else in the weather directories */
    if (access(o->file, F_OK) == 0 || strchr(o->file, '/'))
        o->path = strdup(o->file);
    else if (!(o->path = dct_datapath_find(DCT_DATA_WEATHER, o->file))) {
        char *dirs = dct_datapath(DCT_DATA_WEATHER, ", ");
        dct_error(d, NULL, 0, "cannot read weather file '%s': no such file "
                  "here or in the weather directories (%s)", o->file,
                  dirs ? dirs : "?");
        free(dirs);
        return 3;
    }
    if (!o->path) {
        dct_error(d, NULL, 0, "out of memory");
        return 3;
    }
    /* a design condition is read from the header: the records' warnings
     * (filled values, a partial file) are not about it */
    dct_diag ld;
    dct_diag_init(&ld);
    o->w = dct_weather_load(o->path, NULL, 0, &ld);
    for (size_t i = 0; i < ld.n_msg; i++) {
        const dct_diag_msg *m = &ld.msg[i];
        if (m->sev == DCT_ERROR)
            dct_error(d, m->file, m->line, "%s", m->text);
        else if (!o->design)
            dct_warning(d, m->file, m->line, "%s", m->text);
    }
    dct_diag_clear(&ld);
    if (!o->w)
        return 3;
    if (o->design) {
        if (dct_weather_design_get(o->w, o->design, &o->t_db, &o->t_wb, err,
                                   sizeof err)) {
            dct_error(d, NULL, 0, "--design: %s", err);
            return strstr(err, "unknown design") ? 2 : 3;
        }
        snprintf(o->set_db, sizeof o->set_db, "ambient.dry-bulb=%.17gK",
                 o->t_db);
        snprintf(o->set_wb, sizeof o->set_wb, "ambient.wet-bulb=%.17gK",
                 o->t_wb);
        return 0;
    }
    o->is_series = 1;
    o->t0 = o->w->has_calendar ? o->w->t_lo : 0;
    if (o->start) {
        if (!o->w->has_calendar) {
            dct_error(d, NULL, 0, "--start %s: %s has no dates (a dctwin "
                      "CSV); --start needs an EPW or TMY3 file", o->start,
                      o->path);
            return 2;
        }
        if (dct_weather_start_parse(o->start, o->w->is_leap, &o->t0, err,
                                    sizeof err)) {
            dct_error(d, NULL, 0, "%s", err);
            return 2;
        }
    }
    if (duration > 0 && dct_weather_covers(o->w, o->t0, duration, err,
                                           sizeof err)) {
        dct_error(d, o->path, 0, "%s", err);
        return 3;
    }
    return 0;
}

void dct_weather_opt_free(dct_weather_opt *o)
{
    dct_weather_free(o->w);
    o->w = NULL;
    free(o->path);
    o->path = NULL;
}

void dct_weather_opt_describe(const dct_weather_opt *o, char *buf, size_t n)
{
    if (!o->w || !o->design) {
        snprintf(buf, n, "%s", "");
        return;
    }
    snprintf(buf, n, "design condition %s of %s: dry bulb %.1f degC, %s "
             "wet bulb %.1f degC (%s, line %ld)", o->design, o->path,
             o->t_db - 273.15, strncmp(o->design, "cooling", 7) == 0
             ? "mean coincident" : "extreme maximum", o->t_wb - 273.15,
             o->w->design.source && o->w->design.source[0]
             ? o->w->design.source : "DESIGN CONDITIONS",
             o->w->design.line);
}
