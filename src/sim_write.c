/* sim_write.c - the output writers of a run: margins.csv, margins.json,
 * the margin table (margins.txt and stdout), run.json with its energy
 * ledger, the solver statistics, and the commit of the run directory.
 */
#include "config.h"
#include "sim.h"
#include "textout.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* margins.csv: the rows of margins.json, smallest margin % first. */
static void write_margins_csv(FILE *f, const sim *S)
{
    fputs("id,component,quantity,unit,kind,limit,worst,margin,margin_pct,"
          "t_worst_s,t_violation_s,violated_s,class,range,label\n", f);
    for (size_t k = 0; k < S->n_mg; k++) {
        const sim_margin *g = &S->mg[S->order[k]];
        const dct_margin_def *md = g->def;
        dct_csv_field(f, md->id);
        putc(',', f);
        dct_csv_field(f, md->component);
        putc(',', f);
        dct_csv_field(f, md->quantity);
        putc(',', f);
        dct_csv_field(f, md->unit);
        fprintf(f, ",%s,%.9g,%.9g,%.9g,", md->is_upper ? "upper" : "lower",
                md->limit, g->worst_val, g->worst);
        double p = sim_margin_pct(g);
        if (isfinite(p))
            fprintf(f, "%.6g", p);
        fprintf(f, ",%.9g,", g->t_worst);
        if (!isnan(g->t_viol))
            fprintf(f, "%.9g", g->t_viol);
        fprintf(f, ",%.9g,%s,%.9g,", g->violated_s,
                md->is_design ? "design" : "run", md->range);
        dct_csv_field(f, md->label);
        putc('\n', f);
    }
}

static void write_margins_json(FILE *f, const sim *S)
{
    fputs("{\"margins\":[", f);
    for (size_t k = 0; k < S->n_mg; k++) {
        const sim_margin *g = &S->mg[S->order[k]];
        const dct_margin_def *md = g->def;
        fputs(k ? ",\n  {" : "\n  {", f);
        fputs("\"id\":", f);
        dct_json_str(f, md->id);
        fputs(",\"component\":", f);
        dct_json_str(f, md->component);
        fputs(",\"quantity\":", f);
        dct_json_str(f, md->quantity);
        fputs(",\"label\":", f);
        dct_json_str(f, md->label);
        fputs(",\"unit\":", f);
        dct_json_str(f, md->unit);
        fprintf(f, ",\"kind\":\"%s\",\"class\":\"%s\",\"limit\":",
                md->is_upper ? "upper" : "lower",
                md->is_design ? "design" : "run");
        dct_json_num(f, md->limit);
        fputs(",\"range\":", f);
        dct_json_num(f, md->range);
        fputs(",\"worst\":", f);
        dct_json_num(f, g->worst_val);
        fputs(",\"margin\":", f);
        dct_json_num(f, g->worst);
        fputs(",\"margin_pct\":", f);
        dct_json_num(f, sim_margin_pct(g));
        fputs(",\"t_worst_s\":", f);
        dct_json_num(f, g->t_worst);
        fputs(",\"t_violation_s\":", f);
        dct_json_num(f, g->t_viol);
        fputs(",\"violated_s\":", f);
        dct_json_num(f, g->violated_s);
        fputs("}", f);
    }
    fputs(S->n_mg ? "\n ],\n \"binding\":" : "],\n \"binding\":", f);
    size_t b = sim_binding(S), bd = sim_binding_of_class(S, 1);
    dct_json_str(f, b != SIZE_MAX ? S->mg[b].def->id : NULL);
    fputs(",\n \"binding_design\":", f);
    dct_json_str(f, bd != SIZE_MAX ? S->mg[bd].def->id : NULL);
    fprintf(f, ",\n \"all_ok\":%s}\n", sim_is_all_ok(S) ? "true" : "false");
}

/* ------------------------------------------------ the margin table */

/* Text for people, at most |WIDTH| display columns (UTF-8 counted as
 * one column per character; 0: no limit), cut with "~" when longer; for
 * WIDTH > 0 padded to WIDTH on the left (IS_RIGHT) or right.  Control
 * characters shown as '?'. */
static void txt_cell(FILE *f, const char *s, int width, int is_right)
{
    int is_pad = width > 0;
    width = abs(width);
    int n = 0;
    for (const char *p = s; *p; p++)
        n += ((unsigned char)*p & 0xc0) != 0x80;
    int cut = width > 0 && n > width;
    int pad = is_pad && width > n ? width - n : 0;
    if (is_right)
        for (int i = 0; i < pad; i++)
            putc(' ', f);
    int k = 0;
    for (const char *p = s; *p; p++) {
        int is_start = ((unsigned char)*p & 0xc0) != 0x80;
        if (cut && is_start && ++k > width - 1)
            break;
        putc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, f);
    }
    if (cut)
        putc('~', f);
    if (!is_right)
        for (int i = 0; i < pad; i++)
            putc(' ', f);
}

/* X at engineering precision into BUF: 4 significant digits, at most 4
 * decimals, an exponent only outside [1e-3, 1e6); 0 within NOISE of 0. */
static void eng(char *buf, size_t n, double x, double noise)
{
    double a = fabs(x);
    if (isnan(x))
        snprintf(buf, n, "-");
    else if (a <= noise)
        snprintf(buf, n, "0");
    else if (a >= 1e6 || a < 1e-3)
        snprintf(buf, n, "%.3e", x);
    else {
        snprintf(buf, n, "%.*f", a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2
                                 : a >= 1 ? 3 : 4, x);
        /* no trailing zeros: 85, not 85.00 */
        char *p = strchr(buf, '.');
        if (p) {
            char *e = p + strlen(p) - 1;
            while (e > p && *e == '0')
                *e-- = '\0';
            if (e == p)
                *p = '\0';
        }
    }
}

/* Solver noise of margin G's quantity: 1e-6 of its scale (the limit or
 * the range, whichever is larger; 1e-9 when both are 0).  A rounding
 * far below any tolerance the solver keeps. */
static double noise_of(const sim_margin *g)
{
    double s = fmax(fabs(g->def->limit), g->def->range);
    return s > 0 ? 1e-6 * s : 1e-9;
}

/* A duration [s] for people: "0", "42 s", "3.5 min", "1.25 h". */
static void dur(char *buf, size_t n, double s)
{
    if (!(s > 0))
        snprintf(buf, n, "0");
    else if (s < 120)
        snprintf(buf, n, "%.3g s", s);
    else if (s < 7200)
        snprintf(buf, n, "%.3g min", s / 60);
    else
        snprintf(buf, n, "%.4g h", s / 3600);
}

/* The margin % for people: one decimal, capped at +-999. */
static void pct_txt(char *buf, size_t n, double p)
{
    if (isnan(p))
        snprintf(buf, n, "-");
    else if (p > 999)
        snprintf(buf, n, ">999");
    else if (p < -999)
        snprintf(buf, n, "<-999");
    else
        snprintf(buf, n, "%.1f", p);
}

/* Column widths of the table: the narrow one fits 100 columns. */
enum { TW_LABEL = 33, TW_WHERE = 10, TW_NUM = 8, TW_UNIT = 4, TW_PCT = 6,
       TW_VIOL = 8, TW_OF = 6 };

static void txt_header(FILE *f, int is_wide, int w_id, int w_label)
{
    if (is_wide) {
        txt_cell(f, "id", w_id, 0);
        fputs("  ", f);
        txt_cell(f, "margin", w_label, 0);
        fprintf(f, "  %11s %11s %11s  %-6s %8s %9s %11s %17s  %s\n",
                "worst", "limit", "margin", "unit", "margin %", "violated",
                "t_worst_s", "first_violation_s", "of");
        return;
    }
    txt_cell(f, "margin", TW_LABEL, 0);
    putc(' ', f);
    txt_cell(f, "where", TW_WHERE, 0);
    fprintf(f, " %*s %*s %*s %-*s %*s %*s %*s\n", TW_NUM, "worst", TW_NUM,
            "limit", TW_NUM, "margin", TW_UNIT, "unit", TW_PCT, "%", TW_VIOL,
            "violated", TW_OF, "of");
}

/* One row: the worst margin G of its kind, N_KIND members, N_BAD of them
 * violated. */
static void txt_row(FILE *f, const sim_margin *g, size_t n_kind,
                    size_t n_bad, int is_wide, int w_id, int w_label)
{
    const dct_margin_def *md = g->def;
    double noise = noise_of(g);
    char worst[32], limit[32], margin[32], pct[16], viol[32], of[32];
    /* a quantity that never moved off zero (a battery at rest, a
     * capacitor tier never drawn): no worst value to show */
    if (g->vmax - g->vmin <= noise && fabs(g->worst_val) <= noise)
        snprintf(worst, sizeof worst, "\u2014");
    else
        eng(worst, sizeof worst, g->worst_val, noise);
    eng(limit, sizeof limit, md->limit, noise);
    eng(margin, sizeof margin, g->worst, noise);
    pct_txt(pct, sizeof pct, fabs(g->worst) <= noise ? 0 : sim_margin_pct(g));
    dur(viol, sizeof viol, g->violated_s);
    if (n_kind > 1)
        snprintf(of, sizeof of, "%zu/%zu", n_bad, n_kind);
    else
        snprintf(of, sizeof of, "%s", n_bad ? "1/1" : "");
    const char *unit = md->unit[0] ? md->unit : "-";
    if (is_wide) {
        txt_cell(f, md->id, w_id, 0);
        fputs("  ", f);
        txt_cell(f, md->label, w_label, 0);
        fprintf(f, "  %11s %11s %11s  ", worst, limit, margin);
        txt_cell(f, unit, 6, 0);
        fprintf(f, " %8s %9s %11.6g ", pct, viol, g->t_worst);
        if (isnan(g->t_viol))
            fprintf(f, "%17s", "-");
        else
            fprintf(f, "%17.6g", g->t_viol);
        /* no trailing blanks: the count only when there is one */
        if (*of)
            fprintf(f, "  %s", of);
        putc('\n', f);
        return;
    }
    const struct { const char *s; int width, is_right; } cell[] = {
        {md->label, TW_LABEL, 0}, {md->component, TW_WHERE, 0},
        {worst, TW_NUM, 1},       {limit, TW_NUM, 1},
        {margin, TW_NUM, 1},      {unit, TW_UNIT, 0},
        {pct, TW_PCT, 1},         {viol, TW_VIOL, 1},
        {of, TW_OF, 1}};
    size_t n_cell = sizeof cell / sizeof cell[0];
    /* no trailing blanks: the last column (right-aligned) only when it
     * has a count */
    if (!*of)
        n_cell--;
    for (size_t k = 0; k < n_cell; k++) {
        if (k)
            putc(' ', f);
        txt_cell(f, cell[k].s, cell[k].width, cell[k].is_right);
    }
    putc('\n', f);
}

/* The margin table (margins.txt and stdout): a title, the time to
 * throttle after the scenario's first event, then one row per kind of
 * margin, its worst member, binding first: first the margins of what the
 * run did, then the design margins (under a hypothetical event); a last
 * line with the verdict and the binding margin.  At most 100 columns
 * unless --wide (every column, nothing cut). */
void sim_write_margins_txt(FILE *f, const sim *S)
{
    int is_wide = S->is_wide;
    const char *file = S->site->file;
    const char *base = strrchr(file, '/');
    fputs("site ", f);
    txt_cell(f, S->site->name ? S->site->name : "?", is_wide ? 0 : -40, 0);
    fputs(" (", f);
    txt_cell(f, is_wide || !base ? file : base + 1, is_wide ? 0 : -48, 0);
    fputs(")\n", f);
    char d[32];
    dur(d, sizeof d, S->duration);
    fprintf(f, "duration %s, profile ", d);
    txt_cell(f, S->profile ? S->profile : "(each rack's own)",
             is_wide ? 0 : -30, 0);
    if (S->scenario) {
        fputs(", scenario ", f);
        txt_cell(f, S->scenario->name ? S->scenario->name
                                      : S->scenario->file,
                 is_wide ? 0 : -30, 0);
    }
    fputc('\n', f);
    if (S->t_throttle >= 0) {
        fprintf(f, "time to throttle: %.6g s (", S->t_throttle - S->t_fail);
        txt_cell(f, S->throttle_id ? S->throttle_id : "?", is_wide ? 0 : -20,
                 0);
        fprintf(f, " at %.6g s, after ", S->t_throttle);
        txt_cell(f, S->fail_id, is_wide ? 0 : -20, 0);
        fprintf(f, " %s at %.6g s)\n", S->fail_what, S->t_fail);
    } else if (S->t_fail >= 0) {
        fputs("time to throttle: none (no GPU throttled after ", f);
        txt_cell(f, S->fail_id, is_wide ? 0 : -20, 0);
        fprintf(f, " %s at %.6g s)\n", S->fail_what, S->t_fail);
    }
    if (S->n_rack_trips > 0)
        fprintf(f, "rack trips: %ld (the first %s at %.6g s), restarts: "
                   "%ld\n", S->n_rack_trips,
                S->rack_trip_id ? S->rack_trip_id : "?", S->t_rack_trip,
                S->n_rack_restarts);
    if (S->evs)
        dct_evsum_text(S->evs, f, is_wide ? 1 << 20 : 100);
    if (S->n_mg == 0) {
        fputs("no margins\n", f);
        return;
    }
    size_t *kind = malloc(S->n_mg * sizeof *kind);
    size_t nk = kind ? sim_kind_of(S, kind) : 0;
    size_t *n_kind = calloc(nk ? nk : 1, sizeof *n_kind);
    size_t *n_bad = calloc(nk ? nk : 1, sizeof *n_bad);
    unsigned char *seen = calloc(nk ? nk : 1, 1);
    if (!kind || !nk || !n_kind || !n_bad || !seen) {
        free(kind);
        free(n_kind);
        free(n_bad);
        free(seen);
        fputs("out of memory\n", f);
        return;
    }
    for (size_t i = 0; i < S->n_mg; i++) {
        n_kind[kind[i]]++;
        n_bad[kind[i]] += S->mg[i].worst < 0;
    }
    /* the first margin of each kind in binding order is its worst */
    int w_id = 2, w_label = 6;
    size_t n_rows = 0, n_design = 0;
    for (size_t k = 0; k < S->n_mg; k++) {
        const dct_margin_def *md = S->mg[S->order[k]].def;
        if (seen[kind[S->order[k]]])
            continue;
        seen[kind[S->order[k]]] = 1;
        n_rows++;
        n_design += md->is_design;
        int l = (int)strlen(md->id), ll = (int)strlen(md->label);
        w_id = l > w_id ? l : w_id;
        w_label = ll > w_label ? ll : w_label;
    }
    for (int cls = 0; cls < 2; cls++) {
        if (cls == 1 && n_design == 0)
            break;
        if (cls == 0 && n_design == n_rows)
            continue;
        fputs(cls ? "\ndesign margins (hold under a hypothetical event: "
                    "ride-through, N-1, ambient):\n"
                  : "\nwhat the run did, binding first:\n", f);
        txt_header(f, is_wide, w_id, w_label);
        memset(seen, 0, nk);
        for (size_t k = 0; k < S->n_mg; k++) {
            const sim_margin *g = &S->mg[S->order[k]];
            size_t kk = kind[S->order[k]];
            if (seen[kk] || g->def->is_design != cls)
                continue;
            seen[kk] = 1;
            txt_row(f, g, n_kind[kk], n_bad[kk], is_wide, w_id, w_label);
        }
    }
    free(kind);
    free(n_kind);
    free(n_bad);
    free(seen);
    fputc('\n', f);
    size_t b = sim_binding(S), bd = sim_binding_of_class(S, 1);
    int is_run_ok = S->mg[b].worst >= 0;
    if (sim_is_all_ok(S))
        fprintf(f, "all %zu margins met (%zu kinds); binding: ", S->n_mg,
                n_rows);
    else if (!is_run_ok)
        fputs("MARGIN VIOLATED; binding: ", f);
    else
        fputs("DESIGN MARGIN VIOLATED; binding: ", f);
    txt_cell(f, S->mg[b].def->id, 0, 0);
    fputc('\n', f);
    if (bd != SIZE_MAX && bd != b && !(S->mg[bd].worst >= 0)) {
        fputs("design margin violated: ", f);
        txt_cell(f, S->mg[bd].def->id, 0, 0);
        fputc('\n', f);
    }
}

void sim_write_table(FILE *f, const sim *S, int format)
{
    if (format == DCT_RUN_TABLE_JSON)
        write_margins_json(f, S);
    else if (format == DCT_RUN_TABLE_CSV)
        write_margins_csv(f, S);
    else
        sim_write_margins_txt(f, S);
}

/* The whole-site ledger (dctwin-models(7), ENERGY LEDGER): the terms by
 * kind, the totals, the residual and its value relative to the sources. */
static void write_ledger_json(FILE *f, const sim *S)
{
    static const char *const kinds[] = {"sources_J", "it_J", "aux_J",
                                        "losses_J", "unserved_J",
                                        "storage_change_J"};
    fputs(",\n \"ledger\":{", f);
    for (int kd = DCT_LK_SOURCE; kd <= DCT_LK_STORAGE; kd++) {
        int n = 0;
        for (size_t k = 0; k < DCT_NL; k++)
            n += dct_ledger_terms[k].kind == kd;
        fprintf(f, "%s\"%s\":", kd ? "," : "", kinds[kd]);
        if (n > 1)
            fputc('{', f);
        int first = 1;
        for (size_t k = 0; k < DCT_NL; k++) {
            if (dct_ledger_terms[k].kind != kd)
                continue;
            if (n > 1) {
                fprintf(f, "%s\"%s\":", first ? "" : ",",
                        dct_ledger_terms[k].name);
                first = 0;
            }
            dct_json_num(f, S->led[k]);
        }
        if (n > 1)
            fputc('}', f);
    }
    fputs(",\"total_sources_J\":", f);
    dct_json_num(f, S->led_src);
    fputs(",\"total_uses_J\":", f);
    dct_json_num(f, S->led_use);
    fputs(",\"residual_J\":", f);
    dct_json_num(f, S->led_src - S->led_use);
    fputs("},\n \"ledger_closure_rel\":", f);
    dct_json_num(f, fabs(S->led_src) > 0
                        ? fabs(S->led_src - S->led_use) / fabs(S->led_src)
                        : NAN);
}

/* ",\n \"weather\":{...}": the weather file of --weather, or null. */
static void write_weather_json(FILE *f, const sim *S)
{
    const dct_weather_opt *o = &S->wx;
    fputs(",\n \"weather\":", f);
    if (!o->w) {
        fputs("null", f);
        return;
    }
    static const char *const fmt[] = {"csv", "epw", "tmy3"};
    fputs("{\"file\":", f);
    dct_json_str(f, o->path);
    fprintf(f, ",\"format\":\"%s\",\"station\":", fmt[o->w->format]);
    dct_json_str(f, o->w->station);
    fprintf(f, ",\"records\":%zu,\"filled_values\":%zu,\"design\":",
            o->w->n_records, o->w->n_filled);
    dct_json_str(f, o->design);
    fputs(",\"T_db_degC\":", f);
    dct_json_num(f, o->design ? o->t_db - 273.15 : NAN);
    fputs(",\"T_wb_degC\":", f);
    dct_json_num(f, o->design ? o->t_wb - 273.15 : NAN);
    char when[32];
    dct_weather_calendar(o->t0, o->w->is_leap, when, sizeof when);
    fputs(",\"start\":", f);
    dct_json_str(f, o->is_series && o->w->has_calendar ? when : NULL);
    fputs(",\"t0_s\":", f);
    dct_json_num(f, o->is_series ? o->t0 : NAN);
    fputc('}', f);
}

/* The margins for the summary and run.json, binding first (malloc'd;
 * NULL when out of memory). */
static dct_annual_margin *annual_margins(const sim *S)
{
    dct_annual_margin *mg = calloc(S->n_mg + 1, sizeof *mg);
    for (size_t k = 0; mg && k < S->n_mg; k++) {
        const sim_margin *g = &S->mg[S->order ? S->order[k] : k];
        mg[k] = (dct_annual_margin){g->def->id, g->def->label,
                                    g->def->unit, g->def->limit,
                                    isfinite(g->worst) ? g->worst_val : NAN,
                                    sim_margin_pct(g), g->violated_s};
    }
    return mg;
}

/* summary.html into the temporary run directory, after the other files
 * (its event counts are read from events.csv there). */
static int write_summary(sim *S)
{
    if (!S->annual || sim_open_out(S, F_SUM) != 0)
        return -1;
    const char *dir = dct_rundir_tmp(S->rd);
    size_t n = strlen(dir) + 16;
    char *ev_path = malloc(n);
    dct_annual_event *ev = NULL;
    size_t n_ev = 0;
    if (ev_path) {
        snprintf(ev_path, n, "%s/events.csv", dir);
        dct_annual_events_read(ev_path, &ev, &n_ev);
    }
    free(ev_path);
    dct_annual_margin *mg = annual_margins(S);
    int rc = mg ? dct_annual_html(dct_afile_fp(S->f[F_SUM]), S->annual,
                                  S->led, S->site->name, S->site->file,
                                  S->wx.path, mg, S->n_mg, ev, n_ev)
                : -1;
    free(mg);
    dct_annual_events_free(ev, n_ev);
    if (rc == 0 && dct_afile_finish(S->f[F_SUM]) != 0)
        rc = -1;
    if (rc == 0) {
        rc = dct_afile_commit(S->f[F_SUM]);
        S->f[F_SUM] = NULL;
    }
    if (rc)
        fprintf(stderr, "dctwin: %s/summary.html: write error: %s\n",
                S->out_dir, strerror(errno));
    return rc;
}

static void write_run_json(FILE *f, const sim *S, const double *q,
                           double du, int status)
{
    dct_solver_stats st;
    dct_solver_get_stats(S->solver, &st);
    fputs("{\"dctwin_version\":", f);
    dct_json_str(f, PACKAGE_VERSION);
    fputs(",\n \"site\":{\"file\":", f);
    dct_json_str(f, S->site->file);
    fputs(",\"name\":", f);
    dct_json_str(f, S->site->name);
    fputs("},\n \"inputs\":[", f);
    for (size_t i = 0; i < S->n_inputs; i++) {
        fputs(i ? ",\n  {\"file\":" : "\n  {\"file\":", f);
        dct_json_str(f, S->inputs[i].file);
        fputs(",\"sha256\":", f);
        dct_json_str(f, S->inputs[i].sha256);
        fputs("}", f);
    }
    fputs("],\n \"profile\":", f);
    dct_json_str(f, S->profile);
    fputs(",\n \"duration_s\":", f);
    dct_json_num(f, S->duration);
    fputs(",\"output_step_s\":", f);
    dct_json_num(f, S->out_step);
    fputs(",\"rows\":", f);
    fprintf(f, "%ld", S->n_rows);
    fputs(",\"rtol\":", f);
    dct_json_num(f, S->rtol);
    fputs(",\"atol\":", f);
    dct_json_num(f, S->atol);
    fprintf(f, ",\"electrical\":\"%s\"",
            S->electrical == DCT_ELEC_QUASI_STATIC ? "quasi-static"
                                                   : "dynamic");
    fputs(",\n \"validity\":", f);
    dct_envelope_json(f, S->env);
    fprintf(f, ",\n \"model\":{\"n_states\":%zu,\"n_outputs\":%zu,"
               "\"n_margins\":%zu,\"n_racks\":%zu,\"n_rack_groups\":%zu}",
            S->n_y, S->n_out, S->n_mg, S->site->n_racks,
            dct_model_n_rack_groups(S->model));
    fprintf(f, ",\"seed\":%lu,\n \"init\":{\"mode\":\"%s\",\"settle_s\":",
            S->seed, S->is_cold_start ? "design" : "steady");
    dct_json_num(f, S->settle_s);
    fputs(",\"settle_wall_s\":", f);
    dct_json_num(f, S->settle_wall_s);
    fprintf(f, ",\"settled\":%s},\n \"wall_s\":",
            S->is_cold_start ? "null" : S->is_settled ? "true" : "false");
    dct_json_num(f, S->wall_s);
    fputs(",\"realtime_ratio\":", f);
    dct_json_num(f, S->wall_s > 0 ? S->duration / S->wall_s : NAN);
    fputs(",\n \"energy\":{\"in_J\":", f);
    dct_json_num(f, q[DCT_Q_E_IN]);
    fputs(",\"out_J\":", f);
    dct_json_num(f, q[DCT_Q_E_OUT]);
    fputs(",\"aux_J\":", f);
    dct_json_num(f, q[DCT_Q_E_AUX]);
    fputs(",\"it_J\":", f);
    dct_json_num(f, q[DCT_Q_E_IT]);
    fputs(",\"stored_change_J\":", f);
    dct_json_num(f, du);
    fputs(",\"grid_J\":", f);
    dct_json_num(f, q[DCT_Q_E_GRID]);
    fputs(",\"generator_J\":", f);
    dct_json_num(f, q[DCT_Q_E_GEN]);
    fputs(",\"bess_J\":", f);
    dct_json_num(f, q[DCT_Q_E_BESS]);
    fputs(",\"electrical_loss_J\":", f);
    dct_json_num(f, q[DCT_Q_E_LOSS]);
    fputs(",\"bus_sources_J\":", f);
    dct_json_num(f, q[DCT_Q_E_SRC]);
    fputs(",\"bus_loads_J\":", f);
    dct_json_num(f, q[DCT_Q_E_SINK]);
    fputs(",\"bus_stored_change_J\":", f);
    dct_json_num(f, S->dw);
    fputs("},\n \"energy_closure_rel\":", f);
    double e_in = q[DCT_Q_E_IN];
    dct_json_num(f, e_in > 0 ? fabs(e_in - q[DCT_Q_E_OUT] - du) / e_in : NAN);
    /* the DC buses: what the sources put in is what the busways drew
     * plus the change of the capacitors' energy */
    double e_src = q[DCT_Q_E_SRC];
    fputs(",\n \"electrical_closure_rel\":", f);
    dct_json_num(f, e_src > 0 ? fabs(e_src - q[DCT_Q_E_SINK] - S->dw) / e_src
                          : NAN);
    write_ledger_json(f, S);
    write_weather_json(f, S);
    dct_annual_margin *mg = S->annual ? annual_margins(S) : NULL;
    if (mg)
        dct_annual_json(f, S->annual, S->led, mg, S->n_mg);
    free(mg);
    fputs(",\n \"grid\":{\"ramp_max_W_per_s\":", f);
    dct_json_num(f, S->n_grid ? S->ramp_max : NAN);
    fputs(",\"ramp_step_s\":", f);
    dct_json_num(f, S->n_grid ? (S->grid_trace ? S->grid_step : S->out_step)
                          : NAN);
    fputs(",\"trace\":", f);
    dct_json_str(f, S->grid_trace);
    fputs(",\"scenario\":", f);
    dct_json_str(f, S->scenario_path);
    fputs("}", f);
    fputs(",\n \"scenario\":{\"name\":", f);
    dct_json_str(f, S->scenario ? S->scenario->name : NULL);
    fputs(",\"file\":", f);
    dct_json_str(f, S->scenario_path);
    fputs(",\"t_first_failure_s\":", f);
    dct_json_num(f, S->t_fail >= 0 && S->is_fail_ev ? S->t_fail : NAN);
    /* what the time to throttle counts from */
    char trig[400];
    snprintf(trig, sizeof trig, "%s %s", S->fail_id ? S->fail_id : "",
             S->fail_what);
    fputs(",\"trigger\":", f);
    dct_json_str(f, S->t_fail >= 0 ? trig : NULL);
    fputs(",\"t_trigger_s\":", f);
    dct_json_num(f, S->t_fail >= 0 ? S->t_fail : NAN);
    fputs(",\"time_to_throttle_s\":", f);
    dct_json_num(f, S->t_throttle >= 0 ? S->t_throttle - S->t_fail : NAN);
    fputs("}", f);
    fprintf(f, ",\n \"rack_trips\":%ld,\"rack_restarts\":%ld,"
               "\"t_first_rack_trip_s\":",
            S->n_rack_trips, S->n_rack_restarts);
    dct_json_num(f, S->t_rack_trip >= 0 ? S->t_rack_trip : NAN);
    fputs(",\n \"events\":", f);
    if (S->evs)
        dct_evsum_json(S->evs, f);
    else
        fputs("[]", f);
    fprintf(f,
            ",\n \"solver\":{\"n_steps\":%ld,\"n_rhs\":%ld,\"n_jac\":%ld,"
            "\"n_lin_setups\":%ld,\"n_err_test_fails\":%ld,"
            "\"n_nonlin_iters\":%ld,\"n_nonlin_conv_fails\":%ld,"
            "\"n_roots\":%ld,\"n_breakpoints\":%ld,"
            "\"n_smooth_breakpoints\":%ld,\"n_colors\":%ld,\"last_h\":",
            st.n_steps, st.n_rhs, st.n_jac, st.n_lin_setups,
            st.n_err_test_fails, st.n_nonlin_iters, st.n_nonlin_conv_fails,
            st.n_roots, st.n_breakpoints, st.n_smooth_bp, st.n_colors);
    dct_json_num(f, st.last_h);
    fprintf(f, "},\n \"exit_status\":%d}\n", status);
}

void sim_print_stats(const sim *S)
{
    dct_solver_stats st;
    dct_solver_get_stats(S->solver, &st);
    fprintf(stderr,
            "dctwin: solver: %ld steps, %ld rhs, %ld jacobians (%ld colours), "
            "%ld linear setups\n"
            "dctwin: solver: %ld nonlinear iterations, %ld convergence "
            "failures, %ld error test failures\n"
            "dctwin: solver: %ld roots, %ld breakpoints, last step %.3g s\n"
            "dctwin: %ld rows in %.3f s wall, %.4g x real time\n",
            st.n_steps, st.n_rhs, st.n_jac, st.n_colors, st.n_lin_setups,
            st.n_nonlin_iters, st.n_nonlin_conv_fails, st.n_err_test_fails,
            st.n_roots, st.n_breakpoints, st.last_h, S->n_rows, S->wall_s,
            S->wall_s > 0 ? S->duration / S->wall_s : 0.0);
    fprintf(stderr,
            "dctwin: energy ledger: sources %.6g MWh, uses %.6g MWh, "
            "residual %.3g J (%.3g relative)\n",
            S->led_src / 3.6e9, S->led_use / 3.6e9, S->led_src - S->led_use,
            S->led_src != 0 ? fabs(S->led_src - S->led_use) / fabs(S->led_src)
                            : 0.0);
}

/* Write the result files after the run and commit all.  Returns 0 or -1
 * (message printed). */
int sim_write_results(sim *S, int status)
{
    size_t nq = S->ode->nq > DCT_NQ ? S->ode->nq : DCT_NQ;
    double *q = calloc(nq, sizeof *q);
    if (!q)
        return -1;
    if (S->ode->nq)
        dct_solver_quad(S->solver, q);
    double du = dct_model_stored_energy(S->model,
                                        dct_solver_state(S->solver)) -
                S->u0;
    S->dw = dct_model_electric_energy(S->model,
                                      dct_solver_state(S->solver)) -
            S->w0;
    /* the ledger, from its quadratures */
    S->led_src = S->led_use = 0;
    for (size_t k = 0; k < DCT_NL; k++) {
        S->led[k] = S->ode->nq >= DCT_NQ ? q[DCT_Q_LEDGER + k] : 0;
        if (dct_ledger_terms[k].kind == DCT_LK_SOURCE)
            S->led_src += S->led[k];
        else
            S->led_use += S->led[k];
    }
    /* events.csv summarised, read back from what was written */
    int rc = 0;
    FILE *ev = dct_afile_fp(S->f[F_EV]);
    FILE *evr = fflush(ev) == 0 ? fopen(dct_afile_tmp_path(S->f[F_EV]), "r")
                                : NULL;
    if (!evr || !(S->evs = dct_evsum_new(S->model)) ||
        dct_evsum_read(S->evs, evr, dct_solver_time(S->solver)) != 0) {
        fprintf(stderr, "dctwin: %s: cannot read back: %s\n",
                dct_afile_tmp_path(S->f[F_EV]),
                errno ? strerror(errno) : "out of memory or malformed");
        rc = -1;
    }
    if (evr)
        fclose(evr);
    for (int k = F_MJ; k <= F_RUN && !rc; k++)
        if (!S->f[k])        /* margins-over-time.csv is open since the start */
            rc = sim_open_out(S, k);
    if (!rc) {
        write_margins_json(dct_afile_fp(S->f[F_MJ]), S);
        sim_write_margins_txt(dct_afile_fp(S->f[F_MT]), S);
        write_margins_csv(dct_afile_fp(S->f[F_MC]), S);
        write_run_json(dct_afile_fp(S->f[F_RUN]), S, q, du, status);
    }
    free(q);
    /* make every file durable before any of them appears */
    for (int k = 0; k < N_FILES && !rc; k++)
        if (S->f[k] && dct_afile_finish(S->f[k]) != 0) {
            fprintf(stderr, "dctwin: %s: write error: %s\n",
                    dct_afile_path(S->f[k]), strerror(errno));
            rc = -1;
        }
    for (int k = 0; k < N_FILES && !rc; k++) {
        if (!S->f[k] || (k == F_GT && !S->is_gt_in_run))
            continue;   /* --grid-trace elsewhere: after the directory */
        char *path = strdup(dct_afile_path(S->f[k]));
        int c = dct_afile_commit(S->f[k]);
        S->f[k] = NULL;
        if (c != 0) {
            fprintf(stderr, "dctwin: %s: cannot rename into place: %s\n",
                    path ? path : sim_file_names[k], strerror(errno));
            rc = -1;
        }
        free(path);
    }
    if (!rc && write_summary(S) != 0)
        rc = -1;
    if (!rc && dct_rundir_seal(S->rd, S->d) != 0) {
        dct_diag_print(S->d, stderr);
        dct_diag_clear(S->d);
        rc = -1;
    }
    return rc;
}
