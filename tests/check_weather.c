/* check_weather.c - unit tests for src/psychro.c (ASHRAE Handbook--
 * Fundamentals 2017, chapter 1 [ASHRAE-HOF-2017]) and src/weather.c (EPW,
 * NSRDB TMY3 and CSV weather files), on the shipped weather/ files and on
 * broken copies of them. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "psychro.h"
#include "weather.h"
#include "annual.h"

#ifndef C2K
#define C2K(x) ((x) + 273.15)
#endif
#define EPW "weather/USA_VA_Sterling-Washington.Dulles.Intl.AP.724030_TMY3.first48h.epw"
#define TMY3 "weather/723170TYA.CSV"

static char *src(const char *rel)
{
    static char buf[4][1024];
    static int k;
    const char *top = getenv("top_srcdir");
    char *b = buf[k++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", top ? top : ".", rel);
    return b;
}

/* ------------------------------------------------------ psychrometrics */

/* Saturation pressure against Table 3 of chapter 1 [ASHRAE-HOF-2017]
 * (the Handbook states the formulas within 300 ppm of it). */
START_TEST(test_pws_table3)
{
    static const struct {
        double t_degC, p_Pa;
    } tab[] = {{-20, 103.24}, {-5, 401.74}, {5, 872.6}, {25, 3169.7},
               {50, 12351.3}, {100, 101418.0}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        ck_assert_double_eq_tol(dct_psychro_pws(C2K(tab[i].t_degC)),
                                tab[i].p_Pa, 3e-4 * tab[i].p_Pa);
}
END_TEST

/* The standard atmosphere against Table 1 of chapter 1. */
START_TEST(test_p_std_table1)
{
    ck_assert_double_eq_tol(dct_psychro_p_std(0), 101325, 1);
    ck_assert_double_eq_tol(dct_psychro_p_std(500), 95461, 1);
    ck_assert_double_eq_tol(dct_psychro_p_std(1000), 89875, 1);
    ck_assert_double_eq_tol(dct_psychro_p_std(4000), 61640, 1);
}
END_TEST

/* Saturation humidity ratio against Table 2 of chapter 1 (0.5 %), and
 * the wet bulb of saturated air is its dry bulb (within 0.1 K). */
START_TEST(test_saturation_table2)
{
    double ws = dct_psychro_w_from_dew(C2K(25), 101325);
    ck_assert_double_eq_tol(ws, 0.020173, 0.005 * 0.020173);
    ck_assert_double_eq_tol(dct_psychro_wb(C2K(25), 0.020173, 101325),
                            C2K(25), 0.1);
    ws = dct_psychro_w_from_dew(C2K(5), 101325);
    ck_assert_double_eq_tol(ws, 0.005425, 0.005 * 0.005425);
    ck_assert_double_eq_tol(dct_psychro_wb(C2K(5), 0.005425, 101325),
                            C2K(5), 0.1);
    /* below freezing, over ice (eq. 35) */
    ck_assert_double_eq_tol(dct_psychro_wb(C2K(-5), 0.0024863, 101325),
                            C2K(-5), 0.1);
}
END_TEST

/* Example 1 of chapter 1: air at 40 degC dry bulb, 20 degC thermodynamic
 * wet bulb, 101.325 kPa has W = 0.0065 and h = 56.7 kJ/kg; back from
 * W = 0.0065 (its dew point) the wet bulb is 20 degC within 0.1 K. */
START_TEST(test_example1)
{
    double W = dct_psychro_w_from_wb(C2K(40), C2K(20), 101325);
    ck_assert_double_eq_tol(W, 0.0065, 0.0001);
    ck_assert_double_eq_tol(dct_psychro_enthalpy(C2K(40), W), 56.7e3, 100);
    ck_assert_double_eq_tol(dct_psychro_wb(C2K(40), 0.0065, 101325),
                            C2K(20), 0.1);
    /* the same air given by its dew point, then by its relative humidity */
    double pw = 0.0065 * 101325 / (0.621945 + 0.0065);
    double rh = pw / dct_psychro_pws(C2K(40));
    double T_dew = dct_psychro_dew_from_rh(C2K(40), rh);
    ck_assert_double_eq_tol(dct_psychro_pws(T_dew), pw, 1e-6 * pw);
    double W2 = dct_psychro_w_from_dew(T_dew, 101325);
    ck_assert_double_eq_tol(W2, 0.0065, 1e-9);
    ck_assert_double_eq_tol(rh, 0.14, 0.01);   /* the Handbook's 14 % */
}
END_TEST

/* The Dulles design record pairs the 0.4 % dew point 23.6 degC with the
 * humidity ratio 18.6 g/kg at the station (82 m, standard atmosphere). */
START_TEST(test_dulles_dew_point)
{
    double p = dct_psychro_p_std(82);
    ck_assert_double_eq_tol(dct_psychro_w_from_dew(C2K(23.6), p), 0.0186,
                            0.00005);
}
END_TEST

/* h_fg at 25 degC: 2442 kJ/kg (IAPWS steam tables 2441.7 kJ/kg). */
START_TEST(test_h_fg)
{
    ck_assert_double_eq_tol(dct_psychro_h_fg(C2K(25)), 2441.7e3, 2.5e3);
}
END_TEST

/* ------------------------------------------------------------ readers */

static dct_weather *load(const char *path, dct_diag *d)
{
    dct_diag_init(d);
    return dct_weather_load(path, NULL, 0, d);
}

/* The first recorded message of D holds PHRASE, at LINE. */
static void expect_msg(const dct_diag *d, dct_severity sev, long line,
                       const char *phrase)
{
    for (size_t i = 0; i < d->n_msg; i++)
        if (d->msg[i].sev == sev && strstr(d->msg[i].text, phrase)) {
            ck_assert_msg(d->msg[i].line == line, "'%s' at line %ld, not "
                          "%ld", d->msg[i].text, d->msg[i].line, line);
            return;
        }
    ck_abort_msg("no %s with '%s' (%zu messages; first: %s)",
                 sev == DCT_ERROR ? "error" : "warning", phrase, d->n_msg,
                 d->n_msg ? d->msg[0].text : "-");
}

START_TEST(test_epw_dulles)
{
    dct_diag d;
    dct_weather *w = load(src(EPW), &d);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->format, DCT_WX_EPW);
    ck_assert_str_eq(w->station, "Washington Dc Dulles IntL Ar");
    ck_assert_double_eq_tol(w->elevation, 82.0, 1e-12);
    ck_assert_uint_eq(w->n_records, 48);
    ck_assert_int_eq(w->is_leap, 0);
    ck_assert_int_eq(w->is_year, 0);
    ck_assert_uint_eq(w->n_filled, 0);
    /* a partial file: records for January 1-2 of a whole-year period */
    expect_msg(&d, DCT_WARNING, 56, "part of the data period");
    ck_assert_uint_eq(d.n_errors, 0);
    /* hour ending: record 1 (hour 1) is at 01:00, the last at 48:00 */
    ck_assert_double_eq_tol(w->t[0], 3600, 1e-9);
    ck_assert_double_eq_tol(w->t[47], 48 * 3600, 1e-9);
    ck_assert_double_eq_tol(w->t_lo, 0, 1e-9);
    ck_assert_double_eq_tol(w->t_hi, 48 * 3600, 1e-9);
    ck_assert_double_eq_tol(w->db[0], C2K(0.0), 1e-9);
    ck_assert_double_eq_tol(w->db[47], C2K(9.4), 1e-9);
    /* half way between 02:00 (0.0 degC) and 03:00 (-0.6 degC) */
    double db, wb = 0;
    dct_weather_at(w, 2.5 * 3600, &db, &wb);
    ck_assert_double_eq_tol(db, C2K(-0.3), 1e-9);
    ck_assert(wb < db && wb > C2K(-6));
    /* the design conditions, field positions per [EPLUS-AUXPROGS] */
    const dct_weather_design *g = &w->design;
    ck_assert_int_eq(g->has, 1);
    ck_assert_int_eq(g->line, 2);
    ck_assert_str_eq(g->source, "Climate Design Data 2009 ASHRAE Handbook");
    ck_assert_double_eq_tol(g->cool_db[0], C2K(34.1), 1e-9);
    ck_assert_double_eq_tol(g->cool_wb[0], C2K(23.9), 1e-9);
    ck_assert_double_eq_tol(g->cool_db[1], C2K(32.7), 1e-9);
    ck_assert_double_eq_tol(g->cool_wb[1], C2K(23.5), 1e-9);
    ck_assert_double_eq_tol(g->cool_db[2], C2K(31.2), 1e-9);
    ck_assert_double_eq_tol(g->cool_wb[2], C2K(22.8), 1e-9);
    ck_assert_double_eq_tol(g->ext_wb, C2K(28.9), 1e-9);
    ck_assert_double_eq_tol(g->ext_db[0], C2K(37.5), 1e-9);
    ck_assert_double_eq_tol(g->ext_db[1], C2K(38.7), 1e-9);
    ck_assert_double_eq_tol(g->ext_db[2], C2K(39.7), 1e-9);
    ck_assert_double_eq_tol(g->ext_db[3], C2K(41.1), 1e-9);
    char err[256];
    double t_db, t_wb;
    ck_assert_int_eq(dct_weather_design_get(w, "cooling-0.4", &t_db, &t_wb,
                                            err, sizeof err), 0);
    ck_assert_double_eq_tol(t_db, C2K(34.1), 1e-9);
    ck_assert_double_eq_tol(t_wb, C2K(23.9), 1e-9);
    ck_assert_int_eq(dct_weather_design_get(w, "extreme-50y", &t_db, &t_wb,
                                            err, sizeof err), 0);
    ck_assert_double_eq_tol(t_db, C2K(41.1), 1e-9);
    ck_assert_double_eq_tol(t_wb, C2K(28.9), 1e-9);
    ck_assert_int_eq(dct_weather_design_get(w, "cooling-3", &t_db, &t_wb,
                                            err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cooling-0.4|cooling-1"));
    /* coverage */
    ck_assert_int_eq(dct_weather_covers(w, 0, 48 * 3600, err, sizeof err),
                     0);
    ck_assert_int_eq(dct_weather_covers(w, 0, 49 * 3600, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "01-01 00:00 to 01-03 00:00"));
    dct_weather_free(w);
    dct_diag_clear(&d);
}
END_TEST

START_TEST(test_tmy3_greensboro)
{
    dct_diag d;
    dct_weather *w = load(src(TMY3), &d);
    ck_assert_ptr_nonnull(w);
    ck_assert_uint_eq(d.n_msg, 0);
    ck_assert_int_eq(w->format, DCT_WX_TMY3);
    ck_assert_str_eq(w->station, "GREENSBORO PIEDMONT TRIAD INT");
    ck_assert_double_eq_tol(w->elevation, 273, 1e-12);
    ck_assert_uint_eq(w->n_records, 8760);
    ck_assert_int_eq(w->is_year, 1);
    ck_assert_double_eq_tol(w->period, 8760 * 3600.0, 1e-6);
    /* the file's extremes and mean dry bulb (weather/README) */
    double lo = 1e9, hi = -1e9, s = 0;
    for (size_t i = 1; i < w->n; i++) {
        lo = fmin(lo, w->db[i]);
        hi = fmax(hi, w->db[i]);
        s += w->db[i];
        ck_assert(w->wb[i] <= w->db[i] + 1e-9);
    }
    ck_assert_double_eq_tol(lo, C2K(-16.7), 1e-9);
    ck_assert_double_eq_tol(hi, C2K(35.6), 1e-9);
    ck_assert_double_eq_tol(s / 8760, C2K(14.4), 0.05);
    /* record 1: 01/01 01:00, 10.0 degC, dew point 6.1 degC, 993 mbar */
    double db, wb;
    dct_weather_at(w, 3600, &db, &wb);
    ck_assert_double_eq_tol(db, C2K(10.0), 1e-9);
    double W = dct_psychro_w_from_dew(C2K(6.1), 99300);
    ck_assert_double_eq_tol(wb, dct_psychro_wb(C2K(10.0), W, 99300), 1e-6);
    ck_assert(wb > C2K(6.1) && wb < C2K(10.0));
    /* t = 0 is 24:00 on December 31 (2.2 degC), and the year repeats */
    dct_weather_at(w, 0, &db, &wb);
    ck_assert_double_eq_tol(db, C2K(2.2), 1e-9);
    double db2;
    dct_weather_at(w, w->period + 3600, &db2, &wb);
    ck_assert_double_eq_tol(db2, C2K(10.0), 1e-9);
    double tb;
    ck_assert_int_eq(dct_weather_next(w, 0, &tb), 1);
    ck_assert_double_eq_tol(tb, 3600, 1e-9);
    ck_assert_int_eq(dct_weather_next(w, w->period - 1, &tb), 1);
    ck_assert_double_eq_tol(tb, w->period, 1e-9);
    char err[256];
    ck_assert_int_eq(dct_weather_covers(w, 1e6, 1e9, err, sizeof err), 0);
    ck_assert_int_eq(dct_weather_design_get(w, "cooling-0.4", &db, &wb,
                                            err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "--set ambient.dry-bulb"));
    dct_weather_free(w);
    dct_diag_clear(&d);
}
END_TEST

/* ------------------------------------------- broken copies of the files */

static char tmp[64];

/* Write TEXT to a temporary file; its path. */
static const char *put(const char *text)
{
    snprintf(tmp, sizeof tmp, "/tmp/check_weather.XXXXXX");
    int fd = mkstemp(tmp);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return tmp;
}

/* The file PATH with each line passed through EDIT (line number, text
 * without newline, output buffer); a malloc'd string. */
static char *edited(const char *path,
                    void (*edit)(long ln, char *line, char *out, size_t n))
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t cap = 4 << 20, len = 0;
    char *all = malloc(cap), line[4096], out[4096];
    long ln = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        edit(ln, line, out, sizeof out);
        size_t k = strlen(out);
        ck_assert(len + k + 2 < cap);
        memcpy(all + len, out, k);
        len += k;
        if (out[0] || ln > 0)
            all[len++] = '\n';
    }
    all[len] = '\0';
    fclose(f);
    return all;
}

/* Replace field K (1-based) of an EPW data line with V. */
static void set_field(char *line, int k, const char *v, char *out, size_t n)
{
    char *p = line;
    for (int i = 1; i < k; i++)
        p = strchr(p, ',') + 1;
    char *e = strchr(p, ',');
    snprintf(out, n, "%.*s%s%s", (int)(p - line), line, v, e ? e : "");
}

static long g_line;   /* the line an edit touches */

static void e_truncate(long ln, char *line, char *out, size_t n)
{
    snprintf(out, n, "%.*s", ln == 56 ? 40 : (int)n - 1, line);
}
static void e_swap_time(long ln, char *line, char *out, size_t n)
{
    if (ln == 20 || ln == 21)
        set_field(line, 4, ln == 20 ? "13" : "12", out, n);
    else
        snprintf(out, n, "%s", line);
}
static void e_dup_time(long ln, char *line, char *out, size_t n)
{
    if (ln == 21)
        set_field(line, 4, "12", out, n);
    else
        snprintf(out, n, "%s", line);
}
static void e_all_missing(long ln, char *line, char *out, size_t n)
{
    if (ln > 8)
        set_field(line, 7, "99.9", out, n);
    else
        snprintf(out, n, "%s", line);
}
static void e_isolated(long ln, char *line, char *out, size_t n)
{
    if (ln == 12 || ln == 30)
        set_field(line, 7, "99.9", out, n);
    else if (ln == 31)
        set_field(line, 10, "999999", out, n);
    else
        snprintf(out, n, "%s", line);
}
static void e_gap(long ln, char *line, char *out, size_t n)
{
    if (ln >= g_line && ln < g_line + DCT_WEATHER_GAP_MAX + 1)
        set_field(line, 8, "99.9", out, n);
    else
        snprintf(out, n, "%s", line);
}
static void e_leap(long ln, char *line, char *out, size_t n)
{
    if (ln == 9) {
        set_field(line, 2, "2", out, n);
        char tmp2[4096];
        snprintf(tmp2, sizeof tmp2, "%s", out);
        set_field(tmp2, 3, "29", out, n);
    } else {
        snprintf(out, n, "%s", line);
    }
}
static void e_swap_tmy3(long ln, char *line, char *out, size_t n)
{
    if (ln == 2) {   /* the names swapped, the values not */
        char *a = strstr(line, "Dry-bulb (C)"), *b = strstr(line,
                                                             "Dew-point (C)");
        snprintf(out, n, "%.*sDew-point (C)%.*sDry-bulb (C)%s",
                 (int)(a - line), line, (int)(b - a - 12), a + 12, b + 13);
    } else {
        snprintf(out, n, "%s", line);
    }
}
/* TMY3 with the dry bulb's three columns after the dew point's (both
 * names and values): the same weather */
static void e_reorder_tmy3(long ln, char *line, char *out, size_t n)
{
    if (ln == 1) {
        snprintf(out, n, "%s", line);
        return;
    }
    char *f[80];
    int nf = 0;
    for (char *p = line; nf < 80;) {
        f[nf++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    /* columns 31-33 (0-based) dry bulb, 34-36 dew point */
    int ord[80];
    for (int i = 0; i < nf; i++)
        ord[i] = i;
    for (int i = 0; i < 3; i++) {
        ord[31 + i] = 34 + i;
        ord[34 + i] = 31 + i;
    }
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < nf; i++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "",
                                f[ord[i]]);
}

static void expect_error(const char *text, long line, const char *phrase)
{
    dct_diag d;
    const char *p = put(text);
    dct_weather *w = load(p, &d);
    unlink(p);
    ck_assert_msg(w == NULL, "accepted, expected '%s'", phrase);
    expect_msg(&d, DCT_ERROR, line, phrase);
    dct_diag_clear(&d);
}

START_TEST(test_epw_truncated)
{
    char *t = edited(src(EPW), e_truncate);
    expect_error(t, 56, "truncated record: ");
    free(t);
}
END_TEST

START_TEST(test_epw_unsorted)
{
    char *t = edited(src(EPW), e_swap_time);
    expect_error(t, 21, "comes before the record before it");
    free(t);
    t = edited(src(EPW), e_dup_time);
    expect_error(t, 21, "01-01 12:00 repeats");
    free(t);
}
END_TEST

START_TEST(test_epw_all_missing)
{
    char *t = edited(src(EPW), e_all_missing);
    expect_error(t, 9, "the dry bulb is missing in every record");
    free(t);
}
END_TEST

START_TEST(test_epw_isolated_missing)
{
    char *t = edited(src(EPW), e_isolated);
    dct_diag d;
    const char *p = put(t);
    dct_weather *w = load(p, &d);
    unlink(p);
    free(t);
    ck_assert_ptr_nonnull(w);
    ck_assert_uint_eq(w->n_filled, 3);
    expect_msg(&d, DCT_WARNING, 0, "3 missing values filled in");
    expect_msg(&d, DCT_WARNING, 0, "dry bulb 2, dew point 0, relative "
               "humidity 0, station pressure 1");
    /* line 12 is record 4 (04:00): half way between 03:00 and 05:00 */
    dct_diag d0;
    dct_weather *w0 = load(src(EPW), &d0);
    ck_assert_ptr_nonnull(w0);
    ck_assert_double_eq_tol(w->db[3], 0.5 * (w0->db[2] + w0->db[4]), 1e-9);
    ck_assert_double_eq(w->db[4], w0->db[4]);
    dct_weather_free(w0);
    dct_diag_clear(&d0);
    dct_weather_free(w);
    dct_diag_clear(&d);
}
END_TEST

START_TEST(test_epw_gap)
{
    g_line = 20;
    char *t = edited(src(EPW), e_gap);
    expect_error(t, 20, "the dew point is missing in 7 records in a row");
    free(t);
}
END_TEST

START_TEST(test_epw_leap)
{
    char *t = edited(src(EPW), e_leap);
    expect_error(t, 9, "no date 02-29 in a year (the header's leap-year "
                 "field says No)");
    free(t);
}
END_TEST

START_TEST(test_tmy3_swapped)
{
    char *t = edited(src(TMY3), e_swap_tmy3);
    expect_error(t, 3, "above the dry bulb (dry bulb 6.1 degC): columns "
                 "swapped?");
    free(t);
}
END_TEST

START_TEST(test_tmy3_by_name)
{
    char *t = edited(src(TMY3), e_reorder_tmy3);
    dct_diag d;
    const char *p = put(t);
    dct_weather *w = load(p, &d);
    unlink(p);
    free(t);
    ck_assert_ptr_nonnull(w);
    dct_diag d0;
    dct_weather *w0 = load(src(TMY3), &d0);
    ck_assert_ptr_nonnull(w0);
    ck_assert_uint_eq(w->n, w0->n);
    for (size_t i = 0; i < w->n; i++) {
        ck_assert_double_eq(w->db[i], w0->db[i]);
        ck_assert_double_eq(w->wb[i], w0->wb[i]);
    }
    dct_weather_free(w);
    dct_weather_free(w0);
    dct_diag_clear(&d);
    dct_diag_clear(&d0);
}
END_TEST

START_TEST(test_tmy3_no_column)
{
    expect_error("723170,\"X\",NC,-5.0,36.1,-79.95,273\n"
                 "Date (MM/DD/YYYY),Time (HH:MM),Dry-bulb (F)\n"
                 "01/01/1988,01:00,50\n", 2, "no 'Dry-bulb (C)' column");
}
END_TEST

START_TEST(test_start_and_calendar)
{
    double t;
    char err[160], buf[32];
    ck_assert_int_eq(dct_weather_start_parse("07-15", 0, &t, err,
                                             sizeof err), 0);
    ck_assert_double_eq_tol(t, 195 * 86400.0, 1e-9);
    ck_assert_int_eq(dct_weather_start_parse("07-15T14", 0, &t, err,
                                             sizeof err), 0);
    ck_assert_double_eq_tol(t, 195 * 86400.0 + 14 * 3600.0, 1e-9);
    ck_assert_int_eq(dct_weather_start_parse("03-01", 1, &t, err,
                                             sizeof err), 0);
    ck_assert_double_eq_tol(t, 60 * 86400.0, 1e-9);
    ck_assert_int_eq(dct_weather_start_parse("02-29", 0, &t, err,
                                             sizeof err), -1);
    ck_assert_int_eq(dct_weather_start_parse("13-01", 0, &t, err,
                                             sizeof err), -1);
    ck_assert_int_eq(dct_weather_start_parse("07-15T24", 0, &t, err,
                                             sizeof err), -1);
    ck_assert_int_eq(dct_weather_start_parse("7-15", 0, &t, err,
                                             sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "MM-DD or MM-DDThh"));
    dct_weather_calendar(195 * 86400.0 + 14 * 3600.0, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "07-15 14:00");
    dct_weather_calendar(8760 * 3600.0, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "01-01 00:00");
    dct_weather_calendar(59 * 86400.0, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "02-29 00:00");
}
END_TEST

/* ------------------------------------------------------------ annual */

/* A synthetic year on the Greensboro TMY3 calendar: IT 1 MW, fans
 * 20 kW + 2 kW/K above 10 degC of the file's dry bulb, rectifier loss
 * 3 %, chillers 150 kW in the hours above 30 degC; rows every 15 min. */
START_TEST(test_annual_synthetic)
{
    dct_diag d;
    dct_weather *w = load(src(TMY3), &d);
    ck_assert_ptr_nonnull(w);
    double dur = 8760 * 3600.0, step = 900;
    dct_annual *a = dct_annual_new(dur, w, 0);
    ck_assert_ptr_nonnull(a);
    double led[DCT_NL] = {0}, it_m[12] = {0}, fac_m[12] = {0};
    long chil_hours = 0, hot_q = 0;
    double tmax = -1, t_hot = 0;
    for (double t = step; t <= dur + 1; t += step) {
        double db, wb, tm = t - 0.5 * step;
        dct_weather_at(w, tm, &db, &wb);
        double fan = 20e3 + 2e3 * fmax(0, db - C2K(10));
        double chil = db > C2K(30) ? 150e3 : 0;
        double e_it = 1e6 * step, e_aux = (fan + chil) * step,
               e_loss = 0.03e6 * step;
        led[DCT_L_IT] += e_it;
        led[DCT_L_FANS] += fan * step;
        led[DCT_L_CHILLERS] += chil * step;
        led[DCT_L_LOSS_RECTIFIER] += e_loss;
        led[DCT_L_GRID] += e_it + e_aux + e_loss;
        hot_q += chil > 0;
        char buf[32];
        dct_weather_calendar(tm, 0, buf, sizeof buf);
        int m = atoi(buf) - 1;
        it_m[m] += e_it;
        fac_m[m] += e_it + e_aux + e_loss;
        if (db > tmax) {
            tmax = db;
            t_hot = tm;
        }
        dct_annual_sample(a, t, led, db, "dry.T_out.setpoint",
                          100 * (C2K(36) - db) / 10);
    }
    (void)chil_hours;
    (void)t_hot;
    double pue = (led[DCT_L_IT] + led[DCT_L_FANS] + led[DCT_L_CHILLERS] +
                  led[DCT_L_LOSS_RECTIFIER]) / led[DCT_L_IT];
    ck_assert_double_eq_tol(dct_annual_pue(led), pue, 1e-9 * pue);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    dct_annual_margin m2[2] = {{"m.ok", "fine", "K", 1, 2, 50, 0},
                               {"m.bad", "over", "K", 1, 0, -5, 5400}};
    dct_annual_json(f, a, led, m2, 2);
    fclose(f);
    /* the run's PUE, and each month's from the same rows */
    char key[64];
    snprintf(key, sizeof key, "\"pue\":%.17g", pue);
    ck_assert_ptr_nonnull(buf);
    double got = atof(strstr(buf, "\"pue\":") + 6);
    ck_assert_double_eq_tol(got, pue, 1e-9 * pue);
    const char *p = strstr(buf, "\"monthly\":[");
    ck_assert_ptr_nonnull(p);
    for (int m = 0; m < 12; m++) {
        char mk[32];
        snprintf(mk, sizeof mk, "{\"month\":%d,", m + 1);
        const char *q = strstr(p, mk);
        ck_assert_ptr_nonnull(q);
        double pm = atof(strstr(q, "\"pue\":") + 6);
        ck_assert_double_eq_tol(pm, fac_m[m] / it_m[m], 1e-9);
    }
    /* chillers ran in the quarter hours above 30 degC: whole hours with
     * any chiller energy */
    double ch = atof(strstr(buf, "\"chiller_hours\":") + 16);
    ck_assert(ch >= hot_q / 4.0 && ch <= hot_q);
    double fc = atof(strstr(buf, "\"free_cooling_hours\":") + 21);
    ck_assert_double_eq_tol(ch + fc, 8760, 1e-6);
    /* the warmest hour holds the hottest quarter hour of the file: it is
     * the 35.6 degC record's neighbourhood */
    const char *wh = strstr(buf, "\"warmest_hours\":[");
    ck_assert_ptr_nonnull(wh);
    double t_first = atof(strstr(wh, "\"T_db_degC\":") + 12);
    ck_assert(t_first > 34.5 && t_first <= 35.6);
    ck_assert_ptr_nonnull(strstr(wh, "\"binding\":\"dry.T_out.setpoint\""));
    /* hours over the limit: the violated margin only, in h */
    ck_assert_ptr_nonnull(strstr(buf, "\"hours_over_limit\":{\"m.bad\":1.5}"));
    /* 8760 whole hours in the distribution */
    ck_assert_ptr_nonnull(strstr(buf, "\"hourly_pue\":{\"hours\":8760,"));
    free(buf);
    /* the page: self-contained, its strings escaped */
    buf = NULL;
    f = open_memstream(&buf, &len);
    dct_annual_margin mg = {"x<y", "a \"label\" & more", "degC", 32, 33,
                            -10, 7200};
    dct_annual_event ev = {"valve-<sat>", 3};
    ck_assert_int_eq(dct_annual_html(f, a, led, "site <1>", "s.xml",
                                     "w.csv", &mg, 1, &ev, 1), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "site &lt;1&gt;"));
    ck_assert_ptr_nonnull(strstr(buf, "a &quot;label&quot; &amp; more"));
    ck_assert_ptr_nonnull(strstr(buf, "valve-&lt;sat&gt;"));
    ck_assert_ptr_nonnull(strstr(buf, "<td class=\"n\">2.0 h</td>"));
    ck_assert_ptr_nonnull(strstr(buf, "aria-label=\"daily PUE and dry bulb "
                                      "over the run\""));
    ck_assert_ptr_nonnull(strstr(buf, "aria-label=\"hourly PUE histogram\""));
    ck_assert_ptr_null(strstr(buf, "<script"));
    ck_assert_ptr_null(strstr(buf, "src=\""));
    ck_assert_ptr_nonnull(strstr(buf, "GREENSBORO PIEDMONT TRIAD INT"));
    free(buf);
    dct_annual_free(a);
    dct_weather_free(w);
    dct_diag_clear(&d);
}
END_TEST

START_TEST(test_durations)
{
    char b[32];
    dct_fmt_duration(b, sizeof b, 42);
    ck_assert_str_eq(b, "42 s");
    dct_fmt_duration(b, sizeof b, 450);
    ck_assert_str_eq(b, "7.5 min");
    dct_fmt_duration(b, sizeof b, 3.25 * 3600);
    ck_assert_str_eq(b, "3.25 h");
    dct_fmt_duration(b, sizeof b, 1.74962e7);
    ck_assert_str_eq(b, "203 d");   /* was printed as 1.74962e+07 s */
}
END_TEST

START_TEST(test_options)
{
    dct_diag d;
    dct_diag_init(&d);
    /* found by its bare name in DCTWIN_WEATHER_PATH */
    setenv("DCTWIN_WEATHER_PATH", src("weather"), 1);
    dct_weather_opt o = {.file = "USA_VA_Sterling-Washington.Dulles.Intl."
                                 "AP.724030_TMY3.first48h.epw",
                         .design = "cooling-0.4"};
    ck_assert_int_eq(dct_weather_opt_resolve(&o, 3600, &d), 0);
    ck_assert_int_eq(o.is_series, 0);
    ck_assert_double_eq_tol(o.t_db, C2K(34.1), 1e-9);
    ck_assert_str_eq(o.set_db, "ambient.dry-bulb=307.25K");
    char buf[400];
    dct_weather_opt_describe(&o, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "design condition cooling-0.4 of ") &&
                  strstr(buf, ": dry bulb 34.1 degC, mean coincident wet "
                              "bulb 23.9 degC (Climate Design Data 2009 "
                              "ASHRAE Handbook, line 2)"), "%s", buf);
    dct_weather_opt_free(&o);
    /* a run on the excerpt: 48 h fit, 49 h do not */
    dct_weather_opt s = {.file = o.file, .start = "01-01T00"};
    ck_assert_int_eq(dct_weather_opt_resolve(&s, 48 * 3600.0, &d), 0);
    ck_assert_int_eq(s.is_series, 1);
    ck_assert_double_eq(s.t0, 0);
    dct_weather_opt_free(&s);
    s.start = "01-01T01";
    ck_assert_int_eq(dct_weather_opt_resolve(&s, 48 * 3600.0, &d), 3);
    expect_msg(&d, DCT_ERROR, 0, "the records cover 01-01 00:00 to 01-03 "
               "00:00 (48 h), not the 48 h of the run from its start");
    dct_weather_opt_free(&s);
    dct_diag_clear(&d);
    /* usage */
    dct_weather_opt u = {.start = "07-01"};
    ck_assert_int_eq(dct_weather_opt_resolve(&u, 0, &d), 2);
    expect_msg(&d, DCT_ERROR, 0, "--start needs --weather FILE");
    u = (dct_weather_opt){.file = o.file, .design = "cooling-9"};
    ck_assert_int_eq(dct_weather_opt_resolve(&u, 0, &d), 2);
    dct_weather_opt_free(&u);
    u = (dct_weather_opt){.file = "723170TYA.CSV", .design = "cooling-1"};
    ck_assert_int_eq(dct_weather_opt_resolve(&u, 0, &d), 3);
    expect_msg(&d, DCT_ERROR, 0, "has no design conditions");
    dct_weather_opt_free(&u);
    u = (dct_weather_opt){.file = "nosuch.epw"};
    ck_assert_int_eq(dct_weather_opt_resolve(&u, 0, &d), 3);
    expect_msg(&d, DCT_ERROR, 0, "cannot read weather file 'nosuch.epw'");
    dct_weather_opt_free(&u);
    /* a TMY3 year from July 1 for a year: it wraps */
    u = (dct_weather_opt){.file = "723170TYA.CSV", .start = "07-01T06"};
    ck_assert_int_eq(dct_weather_opt_resolve(&u, 8760 * 3600.0, &d), 0);
    ck_assert_double_eq_tol(u.t0, 181 * 86400.0 + 6 * 3600, 1e-9);
    dct_weather_opt_free(&u);
    dct_diag_clear(&d);
}
END_TEST

static Suite *weather_suite(void)
{
    Suite *s = suite_create("weather");
    TCase *tc = tcase_create("psychrometrics");
    tcase_add_test(tc, test_pws_table3);
    tcase_add_test(tc, test_p_std_table1);
    tcase_add_test(tc, test_saturation_table2);
    tcase_add_test(tc, test_example1);
    tcase_add_test(tc, test_dulles_dew_point);
    tcase_add_test(tc, test_h_fg);
    suite_add_tcase(s, tc);
    tc = tcase_create("readers");
    tcase_add_test(tc, test_epw_dulles);
    tcase_add_test(tc, test_tmy3_greensboro);
    tcase_add_test(tc, test_epw_truncated);
    tcase_add_test(tc, test_epw_unsorted);
    tcase_add_test(tc, test_epw_all_missing);
    tcase_add_test(tc, test_epw_isolated_missing);
    tcase_add_test(tc, test_epw_gap);
    tcase_add_test(tc, test_epw_leap);
    tcase_add_test(tc, test_tmy3_swapped);
    tcase_add_test(tc, test_tmy3_by_name);
    tcase_add_test(tc, test_tmy3_no_column);
    tcase_add_test(tc, test_start_and_calendar);
    tcase_add_test(tc, test_options);
    suite_add_tcase(s, tc);
    tc = tcase_create("annual");
    tcase_add_test(tc, test_annual_synthetic);
    tcase_add_test(tc, test_durations);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(weather_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
