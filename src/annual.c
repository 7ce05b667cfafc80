/* annual.c - PUE, energy by subsystem, peak demand, chiller hours and the
 * warmest hours of a run, for run.json and summary.html (annual.h). */
#include "config.h"
#include "annual.h"
#include "escape.h"
#include "textout.h"
#include "weather.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct dct_annual {
    double duration;          /* [s] */
    const dct_weather *w;     /* borrowed, NULL */
    double t0;                /* [s] file time at t = 0 */
    int has_cal;              /* times are calendar times */
    int has_prev;
    double t_prev, led_prev[DCT_NL];
    size_t n_h;               /* hours kept */
    double *it_h, *fac_h, *chil_h;   /* [n_h] [J] */
    double *db_h, *dt_h;      /* [n_h] integral of T_db dt [K s], [s] */
    double *bind_h;           /* [n_h] smallest binding margin [%] */
    const char **bind_id;     /* [n_h] its label (borrowed) */
    double mon_it[12], mon_fac[12];   /* [J] by calendar month */
    double peak_W, t_peak;    /* highest mean source power over a row */
    /* cooling-tower water: the last row's rates, the integrals */
    int has_tw;
    double tw_t, tw_prev[4];  /* q, q_lat, evap, flow at tw_t */
    double tw_int[4];         /* [J], [J], [kg], [kg] */
    size_t n_towers;
};

/* The terms a PUE counts: IT, auxiliaries, losses. */
static int is_facility(int kind)
{
    return kind == DCT_LK_IT || kind == DCT_LK_AUX || kind == DCT_LK_LOSS;
}

/* The IT energy and the facility's (IT, auxiliaries, losses) of the
 * ledger LED [J]. */
static void ledger_sums(const double *led, double *it, double *fac)
{
    *it = *fac = 0;
    for (size_t k = 0; k < DCT_NL; k++) {
        int kd = dct_ledger_terms[k].kind;
        if (kd == DCT_LK_IT)
            *it += led[k];
        if (is_facility(kd))
            *fac += led[k];
    }
}

double dct_annual_pue(const double *led)
{
    double it, fac;
    ledger_sums(led, &it, &fac);
    return it > 0 ? fac / it : NAN;
}

dct_annual *dct_annual_new(double duration, const dct_weather *w, double t0)
{
    dct_annual *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->duration = duration;
    a->w = w;
    a->t0 = t0;
    a->has_cal = w && w->has_calendar;
    a->peak_W = -INFINITY;
    double nh = ceil(duration / 3600 - 1e-9);
    a->n_h = nh < 1 ? 1 : nh > DCT_ANNUAL_MAX_HOURS ? 0 : (size_t)nh;
    if (a->n_h) {
        size_t n = a->n_h;
        a->it_h = calloc(n, sizeof *a->it_h);
        a->fac_h = calloc(n, sizeof *a->fac_h);
        a->chil_h = calloc(n, sizeof *a->chil_h);
        a->db_h = calloc(n, sizeof *a->db_h);
        a->dt_h = calloc(n, sizeof *a->dt_h);
        a->bind_h = malloc(n * sizeof *a->bind_h);
        a->bind_id = calloc(n, sizeof *a->bind_id);
        if (!a->it_h || !a->fac_h || !a->chil_h || !a->db_h || !a->dt_h ||
            !a->bind_h || !a->bind_id) {
            dct_annual_free(a);
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            a->bind_h[i] = INFINITY;
    }
    return a;
}

void dct_annual_free(dct_annual *a)
{
    if (!a)
        return;
    free(a->it_h);
    free(a->fac_h);
    free(a->chil_h);
    free(a->db_h);
    free(a->dt_h);
    free(a->bind_h);
    free(a->bind_id);
    free(a);
}

/* The calendar month (0-11) of run time T. */
static int month_of(const dct_annual *a, double t)
{
    char buf[32];
    dct_weather_calendar(a->t0 + t, a->w->is_leap, buf, sizeof buf);
    int m = atoi(buf) - 1;
    return m < 0 ? 0 : m > 11 ? 11 : m;
}

void dct_annual_sample(dct_annual *a, double t, const double *led,
                       double t_db, const char *bind, double bind_pct)
{
    if (!a->has_prev) {
        a->t_prev = 0;
        memset(a->led_prev, 0, sizeof a->led_prev);
        a->has_prev = 1;
    }
    double dt = t - a->t_prev;
    if (dt > 0) {
        double it = 0, fac = 0, src = 0;
        for (size_t k = 0; k < DCT_NL; k++) {
            double dl = led[k] - a->led_prev[k];
            int kd = dct_ledger_terms[k].kind;
            if (kd == DCT_LK_IT)
                it += dl;
            if (is_facility(kd))
                fac += dl;
            if (kd == DCT_LK_SOURCE)
                src += dl;
        }
        double mid = 0.5 * (a->t_prev + t);
        if (src / dt > a->peak_W) {
            a->peak_W = src / dt;
            a->t_peak = mid;
        }
        if (a->n_h) {
            double hh = floor(mid / 3600);
            size_t h = hh < 0 ? 0 : hh >= (double)a->n_h ? a->n_h - 1
                                                          : (size_t)hh;
            a->it_h[h] += it;
            a->fac_h[h] += fac;
            a->chil_h[h] += led[DCT_L_CHILLERS] -
                            a->led_prev[DCT_L_CHILLERS];
            a->db_h[h] += t_db * dt;
            a->dt_h[h] += dt;
        }
        if (a->has_cal) {
            int m = month_of(a, mid);
            a->mon_it[m] += it;
            a->mon_fac[m] += fac;
        }
    }
    if (a->n_h && bind && isfinite(bind_pct)) {
        double hh = floor((t > 0 ? t - 1e-9 * fmax(1, t) : 0) / 3600);
        size_t h = hh < 0 ? 0 : hh >= (double)a->n_h ? a->n_h - 1
                                                     : (size_t)hh;
        if (bind_pct < a->bind_h[h]) {
            a->bind_h[h] = bind_pct;
            a->bind_id[h] = bind;
        }
    }
    a->t_prev = t;
    memcpy(a->led_prev, led, sizeof a->led_prev);
}

void dct_annual_towers(dct_annual *a, double t, const dct_towers *tw)
{
    double v[4] = {tw->q, tw->q_lat, tw->evap, tw->flow};
    if (tw->n > a->n_towers)
        a->n_towers = tw->n;
    if (a->has_tw && t > a->tw_t)
        for (int k = 0; k < 4; k++)
            a->tw_int[k] += 0.5 * (v[k] + a->tw_prev[k]) * (t - a->tw_t);
    memcpy(a->tw_prev, v, sizeof v);
    a->tw_t = t;
    a->has_tw = 1;
}

/* The water figures: evaporation, drift, blowdown, total [kg]. */
static void water(const dct_annual *a, double *ev, double *dr, double *bd,
                  double *tot)
{
    *ev = a->tw_int[2];
    *dr = DCT_DRIFT_FRAC * a->tw_int[3];
    *bd = fmax(*ev / (DCT_CYCLES - 1) - *dr, 0);
    *tot = *ev + *dr + *bd;
}

void dct_fmt_duration(char *buf, size_t n, double s)
{
    double x = fabs(s);
    if (x < 120)
        snprintf(buf, n, "%.3g s", s);
    else if (x < 7200)
        snprintf(buf, n, "%.3g min", s / 60);
    else if (x < 2 * 86400)
        snprintf(buf, n, "%.3g h", s / 3600);
    else
        snprintf(buf, n, "%.3g d", s / 86400);
}

void dct_annual_when(const dct_annual *a, double t, char *buf, size_t n)
{
    if (a->has_cal)
        dct_weather_calendar(a->t0 + t, a->w->is_leap, buf, n);
    else
        dct_fmt_duration(buf, n, t);
}

static int cmp_dbl(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The hourly PUE values (hours with IT energy and a whole hour of rows),
 * sorted, into a malloc'd array; their number in *N. */
static double *hourly_pue(const dct_annual *a, size_t *n)
{
    *n = 0;
    double *v = a->n_h ? malloc(a->n_h * sizeof *v) : NULL;
    if (!v)
        return NULL;
    for (size_t h = 0; h < a->n_h; h++)
        if (a->it_h[h] > 0 && a->dt_h[h] >= 3600 * (1 - 1e-9))
            v[(*n)++] = a->fac_h[h] / a->it_h[h];
    qsort(v, *n, sizeof *v, cmp_dbl);
    return v;
}

/* The P-quantile (nearest rank) of the sorted V[N]. */
static double quantile(const double *v, size_t n, double p)
{
    if (!n)
        return NAN;
    double r = ceil(p * (double)n);
    size_t k = r < 1 ? 0 : (size_t)r - 1;
    return v[k < n ? k : n - 1];
}

/* Hours with chiller energy, and hours kept. */
static void chiller_hours(const dct_annual *a, double *chil, double *all)
{
    *chil = *all = 0;
    for (size_t h = 0; h < a->n_h; h++) {
        if (a->dt_h[h] <= 0)
            continue;
        *all += a->dt_h[h] / 3600;
        if (a->chil_h[h] > 0)
            *chil += a->dt_h[h] / 3600;
    }
}

/* The indices of the DCT_ANNUAL_N_WARM warmest hours into IDX; their
 * number. */
static size_t warmest(const dct_annual *a, size_t *idx)
{
    size_t n = 0;
    for (size_t h = 0; h < a->n_h; h++) {
        if (a->dt_h[h] <= 0)
            continue;
        double x = a->db_h[h] / a->dt_h[h];
        size_t k = n < DCT_ANNUAL_N_WARM ? n++ : DCT_ANNUAL_N_WARM;
        while (k > 0 && a->db_h[idx[k - 1]] / a->dt_h[idx[k - 1]] < x) {
            if (k < DCT_ANNUAL_N_WARM)
                idx[k] = idx[k - 1];
            k--;
        }
        if (k < DCT_ANNUAL_N_WARM)
            idx[k] = h;
    }
    return n;
}

/* Histogram of the sorted hourly PUE V[N] into COUNT: about 20 bins of
 * a width 1, 2 or 5 times a power of ten (at least 1e-4) from LO, at
 * most 100; the number of bins. */
static size_t histogram(const double *v, size_t n, double *lo, double *w,
                        long *count)
{
    if (!n)
        return 0;
    double span = v[n - 1] - v[0], raw = fmax(span / 20, 1e-4);
    double p10 = pow(10, floor(log10(raw))), m = raw / p10;
    *w = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p10;
    *lo = floor(v[0] / *w) * *w;
    size_t nb = (size_t)floor((v[n - 1] - *lo) / *w) + 1;
    if (nb > 100)
        nb = 100;
    memset(count, 0, nb * sizeof *count);
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)floor((v[i] - *lo) / *w);
        count[b < nb ? b : nb - 1]++;
    }
    return nb;
}

static const char *const month_name[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec"};

void dct_annual_json(FILE *f, const dct_annual *a, const double *led,
                     const dct_annual_margin *mg, size_t n_mg)
{
    char when[48];
    fputs(",\n \"annual\":{\"pue\":", f);
    dct_json_num(f, dct_annual_pue(led));
    fputs(",\"pue_definition\":\"(it + aux + losses) / it of the "
          "ledger\"", f);
    double it, fac;
    ledger_sums(led, &it, &fac);
    fputs(",\"it_J\":", f);
    dct_json_num(f, it);
    fputs(",\"facility_J\":", f);
    dct_json_num(f, fac);
    fputs(",\"energy_by_subsystem_J\":{", f);
    int first = 1;
    for (size_t k = 0; k < DCT_NL; k++) {
        if (!is_facility(dct_ledger_terms[k].kind))
            continue;
        fprintf(f, "%s\"%s\":", first ? "" : ",", dct_ledger_terms[k].name);
        dct_json_num(f, led[k]);
        first = 0;
    }
    fputs("},\"peak_demand_W\":", f);
    dct_json_num(f, isfinite(a->peak_W) ? a->peak_W : NAN);
    fputs(",\"t_peak_s\":", f);
    dct_json_num(f, isfinite(a->peak_W) ? a->t_peak : NAN);
    dct_annual_when(a, a->t_peak, when, sizeof when);
    fputs(",\"peak_when\":", f);
    dct_json_str(f, isfinite(a->peak_W) ? when : NULL);
    double ch, all;
    chiller_hours(a, &ch, &all);
    fputs(",\"hours\":", f);
    dct_json_num(f, a->n_h ? all : NAN);
    fputs(",\"chiller_hours\":", f);
    dct_json_num(f, a->n_h ? ch : NAN);
    fputs(",\"free_cooling_hours\":", f);
    dct_json_num(f, a->n_h ? all - ch : NAN);
    double ev, dr, bd, tot;
    water(a, &ev, &dr, &bd, &tot);
    fputs(",\n  \"water\":{\"cooling_towers\":", f);
    fprintf(f, "%zu", a->n_towers);
    fputs(",\"tower_heat_J\":", f);
    dct_json_num(f, a->tw_int[0]);
    fputs(",\"latent_heat_J\":", f);
    dct_json_num(f, a->tw_int[1]);
    fputs(",\"evaporation_L\":", f);
    dct_json_num(f, 1e3 * ev / DCT_RHO_WATER);
    fputs(",\"drift_L\":", f);
    dct_json_num(f, 1e3 * dr / DCT_RHO_WATER);
    fputs(",\"blowdown_L\":", f);
    dct_json_num(f, 1e3 * bd / DCT_RHO_WATER);
    fputs(",\"total_L\":", f);
    dct_json_num(f, 1e3 * tot / DCT_RHO_WATER);
    fputs(",\"cycles_of_concentration\":", f);
    dct_json_num(f, DCT_CYCLES);
    fputs(",\"drift_fraction\":", f);
    dct_json_num(f, DCT_DRIFT_FRAC);
    fputs(",\"wue_L_per_kWh\":", f);
    dct_json_num(f, it > 0 ? 1e3 * tot / DCT_RHO_WATER / (it / 3.6e6) : NAN);
    fputs("}", f);
    fputs(",\n  \"monthly\":[", f);
    first = 1;
    for (int m = 0; a->has_cal && m < 12; m++) {
        if (a->mon_it[m] <= 0 && a->mon_fac[m] <= 0)
            continue;
        fprintf(f, "%s{\"month\":%d,\"it_J\":", first ? "" : ",", m + 1);
        dct_json_num(f, a->mon_it[m]);
        fputs(",\"facility_J\":", f);
        dct_json_num(f, a->mon_fac[m]);
        fputs(",\"pue\":", f);
        dct_json_num(f, a->mon_it[m] > 0 ? a->mon_fac[m] / a->mon_it[m]
                                         : NAN);
        fputc('}', f);
        first = 0;
    }
    size_t n;
    double *v = hourly_pue(a, &n);
    fputs("],\n  \"hourly_pue\":{\"hours\":", f);
    fprintf(f, "%zu", n);
    static const double ps[5] = {0, 0.5, 0.9, 0.99, 1};
    static const char *const pn[5] = {"min", "p50", "p90", "p99", "max"};
    for (int i = 0; i < 5; i++) {
        fprintf(f, ",\"%s\":", pn[i]);
        dct_json_num(f, v ? quantile(v, n, ps[i]) : NAN);
    }
    long count[100];
    double lo = NAN, w = NAN;
    size_t nb = v ? histogram(v, n, &lo, &w, count) : 0;
    fputs(",\"histogram\":{\"lo\":", f);
    dct_json_num(f, nb ? lo : NAN);
    fputs(",\"width\":", f);
    dct_json_num(f, nb ? w : NAN);
    fputs(",\"counts\":[", f);
    for (size_t b = 0; b < nb; b++)
        fprintf(f, "%s%ld", b ? "," : "", count[b]);
    fputs("]}}", f);
    free(v);
    fputs(",\n  \"warmest_hours\":[", f);
    size_t idx[DCT_ANNUAL_N_WARM];
    size_t nw = warmest(a, idx);
    for (size_t i = 0; i < nw; i++) {
        size_t h = idx[i];
        fputs(i ? ",\n   {\"t_s\":" : "\n   {\"t_s\":", f);
        dct_json_num(f, h * 3600.0);
        dct_annual_when(a, h * 3600.0, when, sizeof when);
        fputs(",\"when\":", f);
        dct_json_str(f, when);
        fputs(",\"T_db_degC\":", f);
        dct_json_num(f, a->db_h[h] / a->dt_h[h] - 273.15);
        fputs(",\"binding\":", f);
        dct_json_str(f, a->bind_id[h]);
        fputs(",\"margin_pct\":", f);
        dct_json_num(f, a->bind_id[h] ? a->bind_h[h] : NAN);
        fputc('}', f);
    }
    fputs("],\n  \"hours_over_limit\":{", f);
    for (size_t i = 0, k = 0; i < n_mg; i++) {
        if (!(mg[i].violated_s > 0))
            continue;
        fputs(k++ ? "," : "", f);
        dct_json_str(f, mg[i].id);
        fputc(':', f);
        dct_json_num(f, mg[i].violated_s / 3600);
    }
    fputs("}}", f);
}

void dct_annual_print(FILE *f, const dct_annual *a, const double *led)
{
    double lo = INFINITY, hi = -INFINITY, it = 0;
    for (int m = 0; a->has_cal && m < 12; m++)
        if (a->mon_it[m] > 0) {
            lo = fmin(lo, a->mon_fac[m] / a->mon_it[m]);
            hi = fmax(hi, a->mon_fac[m] / a->mon_it[m]);
        }
    double fac;
    ledger_sums(led, &it, &fac);
    double ev, dr, bd, tot;
    water(a, &ev, &dr, &bd, &tot);
    char when[48], ch_s[32];
    double ch, all;
    chiller_hours(a, &ch, &all);
    fprintf(f, "PUE %.4f", dct_annual_pue(led));
    if (isfinite(lo))
        fprintf(f, " (months %.4f to %.4f)", lo, hi);
    fprintf(f, ", WUE %.3g L/kWh (%zu cooling tower%s, %.4g m3 of water)",
            it > 0 ? 1e3 * tot / DCT_RHO_WATER / (it / 3.6e6) : NAN,
            a->n_towers, a->n_towers == 1 ? "" : "s",
            tot / DCT_RHO_WATER);
    if (isfinite(a->peak_W)) {
        dct_annual_when(a, a->t_peak, when, sizeof when);
        fprintf(f, ", peak demand %.4g kW at %s", a->peak_W / 1e3, when);
    }
    snprintf(ch_s, sizeof ch_s, "%.0f", ch);
    fprintf(f, ", chillers running %s h of %.0f\n", a->n_h ? ch_s : "-",
            all);
}

/* --------------------------------------------------------- summary.html */

static void td_num(FILE *f, const char *fmt, double x)
{
    fputs("<td class=\"n\">", f);
    if (isfinite(x))
        fprintf(f, fmt, x);
    else
        fputs("&ndash;", f);
    fputs("</td>", f);
}

/* Energy [J] as MWh (or kWh below 1 MWh). */
static void td_energy(FILE *f, double j)
{
    double kwh = j / 3.6e6;
    fputs("<td class=\"n\">", f);
    if (fabs(kwh) >= 1000)
        fprintf(f, "%.4g MWh", kwh / 1000);
    else
        fprintf(f, "%.4g kWh", kwh);
    fputs("</td>", f);
}

static void pue_svg(FILE *f, const double *v, size_t n)
{
    long count[100];
    double lo, w;
    size_t nb = histogram(v, n, &lo, &w, count);
    if (!nb)
        return;
    long cmax = 1;
    for (size_t b = 0; b < nb; b++)
        if (count[b] > cmax)
            cmax = count[b];
    double W = 640, H = 200, x0 = 50, y0 = 170, bw = (W - x0 - 10) /
                                                     (double)nb;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" "
               "height=\"%g\" role=\"img\" aria-label=\"hourly PUE "
               "histogram\">\n", W, H);
    fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" "
               "stroke=\"#000\"/>\n", x0, y0, W - 10, y0);
    for (size_t b = 0; b < nb; b++) {
        double h = 150.0 * (double)count[b] / (double)cmax;
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\" fill=\"#4a7ab0\"><title>PUE %.4f-%.4f: "
                   "%ld h</title></rect>\n",
                x0 + bw * (double)b, y0 - h, bw * 0.9, h, lo + w * (double)b,
                lo + w * (double)(b + 1), count[b]);
    }
    for (size_t b = 0; b <= nb; b += (nb + 4) / 5)
        fprintf(f, "<text x=\"%.1f\" y=\"%g\" font-size=\"11\" "
                   "text-anchor=\"middle\">%.4g</text>\n",
                x0 + bw * (double)b, y0 + 15, lo + w * (double)b);
    fprintf(f, "<text x=\"%g\" y=\"15\" font-size=\"11\">hours (max "
               "%ld)</text>\n</svg>\n", x0, cmax);
}

/* A time plot (inline SVG) of the hourly PUE and dry bulb, as daily
 * means when the run is longer than 10 days. */
static void time_svg(FILE *f, const dct_annual *a)
{
    size_t per = a->n_h > 240 ? 24 : 1, np = (a->n_h + per - 1) / per;
    if (np < 2)
        return;
    double *pue = malloc(np * sizeof *pue), *db = malloc(np * sizeof *db);
    if (!pue || !db) {
        free(pue);
        free(db);
        return;
    }
    double plo = INFINITY, phi = -INFINITY, dlo = INFINITY, dhi = -INFINITY;
    for (size_t k = 0; k < np; k++) {
        double it = 0, fac = 0, dbt = 0, dt = 0;
        for (size_t h = k * per; h < (k + 1) * per && h < a->n_h; h++) {
            it += a->it_h[h];
            fac += a->fac_h[h];
            dbt += a->db_h[h];
            dt += a->dt_h[h];
        }
        pue[k] = it > 0 ? fac / it : NAN;
        db[k] = dt > 0 ? dbt / dt - 273.15 : NAN;
        if (isfinite(pue[k])) {
            plo = fmin(plo, pue[k]);
            phi = fmax(phi, pue[k]);
        }
        if (isfinite(db[k])) {
            dlo = fmin(dlo, db[k]);
            dhi = fmax(dhi, db[k]);
        }
    }
    if (!isfinite(plo) || !isfinite(dlo)) {
        free(pue);
        free(db);
        return;
    }
    if (phi - plo < 1e-4)
        phi = plo + 1e-4;
    if (dhi - dlo < 0.1)
        dhi = dlo + 0.1;
    double W = 640, x0 = 50, x1 = 590, y0 = 20, y1 = 170;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" "
               "height=\"200\" role=\"img\" aria-label=\"%s PUE and dry "
               "bulb over the run\">\n<rect x=\"%g\" y=\"%g\" "
               "width=\"%g\" height=\"%g\" fill=\"none\" "
               "stroke=\"#000\"/>\n", W, per > 1 ? "daily" : "hourly", x0,
            y0, x1 - x0, y1 - y0);
    for (int c = 0; c < 2; c++) {
        const double *v = c ? db : pue;
        double lo = c ? dlo : plo, hi = c ? dhi : phi;
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" "
                   "stroke-width=\"1.2\" points=\"",
                c ? "#c0392b" : "#2c5aa0");
        for (size_t k = 0; k < np; k++)
            if (isfinite(v[k]))
                fprintf(f, "%.1f,%.1f ",
                        x0 + (x1 - x0) * (double)k / (double)(np - 1),
                        y1 - (y1 - y0) * (v[k] - lo) / (hi - lo));
        fputs("\"/>\n", f);
        fprintf(f, "<text x=\"%g\" y=\"%g\" font-size=\"11\" "
                   "fill=\"%s\"%s>%.4g</text>\n<text x=\"%g\" y=\"%g\" "
                   "font-size=\"11\" fill=\"%s\"%s>%.4g</text>\n",
                c ? x1 + 4 : x0 - 4, y0 + 4, c ? "#c0392b" : "#2c5aa0",
                c ? "" : " text-anchor=\"end\"", hi, c ? x1 + 4 : x0 - 4,
                y1, c ? "#c0392b" : "#2c5aa0",
                c ? "" : " text-anchor=\"end\"", lo);
    }
    char b0[48], b1[48];
    dct_annual_when(a, 0, b0, sizeof b0);
    dct_annual_when(a, a->duration, b1, sizeof b1);
    fprintf(f, "<text x=\"%g\" y=\"188\" font-size=\"11\">%s</text>\n"
               "<text x=\"%g\" y=\"188\" font-size=\"11\" "
               "text-anchor=\"end\">%s</text>\n"
               "<text x=\"%g\" y=\"14\" font-size=\"11\">"
               "<tspan fill=\"#2c5aa0\">PUE</tspan> and <tspan "
               "fill=\"#c0392b\">dry bulb [&deg;C]</tspan>, %s means"
               "</text>\n</svg>\n", x0, b0, x1, b1, x0 + 100,
            per > 1 ? "daily" : "hourly");
    free(pue);
    free(db);
}

int dct_annual_html(FILE *f, const dct_annual *a, const double *led,
                    const char *site, const char *site_file,
                    const char *weather, const dct_annual_margin *mg,
                    size_t n_mg, const dct_annual_event *ev, size_t n_ev)
{
    char buf[64];
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>dctwin run summary: ", f);
    dct_esc_html(f, site);
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;max-width:60em;margin:1em auto;"
          "color:#000;background:#fff}\n"
          "table{border-collapse:collapse;margin:0.5em 0}\n"
          "td,th{border:1px solid #999;padding:2px 6px;text-align:left}\n"
          "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
          "tr.bad td{background:#fdd}\n"
          "h2{border-bottom:1px solid #999;page-break-after:avoid}\n"
          "table,svg{page-break-inside:avoid}\n"
          "@media print{body{max-width:none}}\n"
          "</style>\n</head>\n<body>\n<h1>Run summary: ", f);
    dct_esc_html(f, site);
    fputs("</h1>\n<p>Site file <code>", f);
    dct_esc_html(f, site_file);
    fputs("</code>", f);
    if (weather) {
        fputs(", weather <code>", f);
        dct_esc_html(f, weather);
        fputs("</code>", f);
        if (a->w && a->w->station) {
            fputs(" (", f);
            dct_esc_html(f, a->w->station);
            fputs(")", f);
        }
    }
    dct_fmt_duration(buf, sizeof buf, a->duration);
    fprintf(f, "; %s simulated", buf);
    if (a->has_cal) {
        dct_annual_when(a, 0, buf, sizeof buf);
        fprintf(f, " from %s", buf);
    }
    fputs(".</p>\n", f);

    /* PUE and energy */
    double it, fac;
    ledger_sums(led, &it, &fac);
    fputs("<h2>Power usage effectiveness</h2>\n<table>\n<tr><th>PUE "
          "(IT + auxiliaries + losses) / IT</th>", f);
    td_num(f, "%.4f", dct_annual_pue(led));
    fputs("</tr>\n<tr><th>IT energy</th>", f);
    td_energy(f, it);
    fputs("</tr>\n<tr><th>Facility energy</th>", f);
    td_energy(f, fac);
    fputs("</tr>\n<tr><th>Peak demand (mean over an output step)</th>", f);
    td_num(f, "%.4g kW", isfinite(a->peak_W) ? a->peak_W / 1e3 : NAN);
    fputs("</tr>\n<tr><th>&hellip; at</th><td class=\"n\">", f);
    dct_annual_when(a, a->t_peak, buf, sizeof buf);
    fputs(isfinite(a->peak_W) ? buf : "&ndash;", f);
    fputs("</td></tr>\n", f);
    double ch, all;
    chiller_hours(a, &ch, &all);
    fputs("<tr><th>Hours with chillers running</th>", f);
    td_num(f, "%.0f h", a->n_h ? ch : NAN);
    fputs("</tr>\n<tr><th>Free-cooling hours (no chiller energy)</th>", f);
    td_num(f, "%.0f h", a->n_h ? all - ch : NAN);
    fputs("</tr>\n</table>\n", f);

    double evap, dr, bd, tot;
    water(a, &evap, &dr, &bd, &tot);
    fprintf(f, "<h2>Water</h2>\n<table>\n<tr><th>Cooling towers</th>"
               "<td class=\"n\">%zu</td></tr>\n", a->n_towers);
    fputs("<tr><th>Evaporation (latent heat / h<sub>fg</sub>)</th>", f);
    td_num(f, "%.4g L", 1e3 * evap / DCT_RHO_WATER);
    fputs("</tr>\n<tr><th>Drift</th>", f);
    td_num(f, "%.4g L", 1e3 * dr / DCT_RHO_WATER);
    fprintf(f, "</tr>\n<tr><th>Blowdown (%g cycles of concentration)</th>",
            DCT_CYCLES);
    td_num(f, "%.4g L", 1e3 * bd / DCT_RHO_WATER);
    /* [TGG-WUE-2011] */
    fputs("</tr>\n<tr><th>WUE (water / IT energy)</th>", f);
    td_num(f, "%.4g L/kWh", it > 0 ? 1e3 * tot / DCT_RHO_WATER /
                                     (it / 3.6e6) : NAN);
    fputs("</tr>\n</table>\n", f);

    fputs("<h2>Energy by subsystem</h2>\n<table>\n<tr><th>subsystem</th>"
          "<th>energy</th><th>share of facility</th></tr>\n", f);
    for (size_t k = 0; k < DCT_NL; k++) {
        if (!is_facility(dct_ledger_terms[k].kind))
            continue;
        fputs("<tr><td>", f);
        dct_esc_html(f, dct_ledger_terms[k].doc);
        fputs("</td>", f);
        td_energy(f, led[k]);
        td_num(f, "%.2f %%", fac > 0 ? 100 * led[k] / fac : NAN);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);

    if (a->has_cal) {
        fputs("<h2>PUE by month</h2>\n<table>\n<tr><th>month</th>"
              "<th>IT energy</th><th>facility energy</th><th>PUE</th>"
              "</tr>\n", f);
        for (int m = 0; m < 12; m++) {
            if (a->mon_it[m] <= 0 && a->mon_fac[m] <= 0)
                continue;
            fprintf(f, "<tr><td>%s</td>", month_name[m]);
            td_energy(f, a->mon_it[m]);
            td_energy(f, a->mon_fac[m]);
            td_num(f, "%.4f", a->mon_it[m] > 0 ? a->mon_fac[m] /
                                                 a->mon_it[m] : NAN);
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    size_t n;
    double *v = hourly_pue(a, &n);
    if (v && n) {
        fprintf(f, "<h2>Hourly PUE</h2>\n<p>%zu whole hours: minimum "
                   "%.4f, median %.4f, 99th percentile %.4f, maximum "
                   "%.4f.</p>\n", n, quantile(v, n, 0),
                quantile(v, n, 0.5), quantile(v, n, 0.99),
                quantile(v, n, 1));
        pue_svg(f, v, n);
    }
    if (a->n_h > 1) {
        fputs("<h2>PUE and weather over the run</h2>\n", f);
        time_svg(f, a);
    }
    free(v);

    fputs("<h2>Margins</h2>\n<table>\n<tr><th>margin</th><th>what</th>"
          "<th>limit</th><th>worst</th><th>margin</th>"
          "<th>time over the limit</th></tr>\n", f);
    for (size_t i = 0; i < n_mg; i++) {
        const dct_annual_margin *g = &mg[i];
        fputs(g->violated_s > 0 ? "<tr class=\"bad\"><td>" : "<tr><td>", f);
        dct_esc_html(f, g->id);
        fputs("</td><td>", f);
        dct_esc_html(f, g->label);
        fputs("</td>", f);
        fputs("<td class=\"n\">", f);
        fprintf(f, "%.4g ", g->limit);
        dct_esc_html(f, g->unit);
        fputs("</td><td class=\"n\">", f);
        if (isfinite(g->worst)) {
            fprintf(f, "%.4g ", g->worst);
            dct_esc_html(f, g->unit);
        } else {
            fputs("&ndash;", f);
        }
        fputs("</td>", f);
        td_num(f, "%.1f %%", g->margin_pct);
        fputs("<td class=\"n\">", f);
        if (g->violated_s >= 7200)  /* hours, as a planner counts them */
            snprintf(buf, sizeof buf, "%.1f h", g->violated_s / 3600);
        else if (g->violated_s > 0)
            dct_fmt_duration(buf, sizeof buf, g->violated_s);
        else
            snprintf(buf, sizeof buf, "0");
        fputs(buf, f);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);

    size_t idx[DCT_ANNUAL_N_WARM];
    size_t nw = warmest(a, idx);
    if (nw) {
        fputs("<h2>Warmest hours</h2>\n<table>\n<tr><th>hour from</th>"
              "<th>mean dry bulb</th><th>binding margin</th>"
              "<th>its margin</th></tr>\n", f);
        for (size_t i = 0; i < nw; i++) {
            size_t h = idx[i];
            dct_annual_when(a, h * 3600.0, buf, sizeof buf);
            fprintf(f, "<tr><td>%s</td>", buf);
            td_num(f, "%.1f &deg;C", a->db_h[h] / a->dt_h[h] - 273.15);
            fputs("<td>", f);
            if (a->bind_id[h])
                dct_esc_html(f, a->bind_id[h]);
            else
                fputs("&ndash;", f);
            fputs("</td>", f);
            td_num(f, "%.1f %%", a->bind_id[h] ? a->bind_h[h] : NAN);
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }

    fputs("<h2>Events</h2>\n", f);
    if (!n_ev) {
        fputs("<p>None.</p>\n", f);
    } else {
        fputs("<table>\n<tr><th>kind</th><th>count</th></tr>\n", f);
        for (size_t i = 0; i < n_ev; i++) {
            fputs("<tr><td>", f);
            dct_esc_html(f, ev[i].kind);
            fputs("</td>", f);
            fprintf(f, "<td class=\"n\">%ld</td></tr>\n", ev[i].count);
        }
        fputs("</table>\n", f);
    }
    fputs("<p>Written by dctwin " PACKAGE_VERSION "; the same numbers are "
          "in run.json (\"annual\", \"ledger\") and margins.csv.</p>\n"
          "</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}

/* ----------------------------------------------------------- events */

/* Most kinds of event listed (the rest counted under "other"). */
#define MAX_KINDS 200

int dct_annual_events_read(const char *path, dct_annual_event **ev,
                           size_t *n)
{
    *ev = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    dct_annual_event *e = calloc(MAX_KINDS + 1, sizeof *e);
    char *line = NULL;
    size_t cap = 0;
    long ln = 0;
    int rc = e ? 0 : -1;
    while (!rc && getline(&line, &cap, f) > 0) {
        if (ln++ == 0)
            continue;   /* the header */
        line[strcspn(line, "\r\n")] = '\0';
        char *c1 = strchr(line, ',');
        char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c2)
            continue;
        char *kind = c2 + 1;
        /* "margin-violated:ID" counts as margin-violated */
        kind[strcspn(kind, ",:")] = '\0';
        size_t k = 0;
        while (k < *n && strcmp(e[k].kind, kind) != 0)
            k++;
        if (k == *n) {
            if (*n == MAX_KINDS)
                k = MAX_KINDS - 1;
            else if (!(e[k].kind = strdup(kind)))
                rc = -1;
            else
                (*n)++;
        }
        if (!rc)
            e[k].count++;
    }
    free(line);
    if (ferror(f))
        rc = -1;
    fclose(f);
    if (rc) {
        dct_annual_events_free(e, *n);
        *n = 0;
        return -1;
    }
    *ev = e;
    return 0;
}

void dct_annual_events_free(dct_annual_event *ev, size_t n)
{
    for (size_t i = 0; ev && i < n; i++)
        free((char *)ev[i].kind);
    free(ev);
}
