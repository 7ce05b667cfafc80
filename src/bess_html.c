/* bess_html.c - report.json and report.html of `dctwin bess-report`.
 * Every input text goes through escape.h (HTML) or textout.h (JSON).
 */
#include "config.h"
#include "bess_report.h"
#include "atomic_file.h"
#include "buildinfo.h"
#include "cli.h"
#include "escape.h"
#include "fsutil.h"
#include "textout.h"
#include "units.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

extern char **environ;

/* ------------------------------------------------------------ writing */

/* Every input text in the report goes through escape.h. */
static void html_str(FILE *f, const char *s)
{
    dct_esc_html(f, s);
}

/* The citation keys of SOURCE (each "[KEY]" of dctwin-sources(7): a
 * capital, then capitals, digits and hyphens, at least one hyphen and
 * two characters before the first, as tests/sources.sh), each once,
 * space-separated, for the Basis column; nothing when it cites none. */
static void html_keys(FILE *f, const char *source)
{
    int n = 0;
    for (const char *p = source ? source : ""; *p; p++) {
        if (p[0] != '[' || !(p[1] >= 'A' && p[1] <= 'Z'))
            continue;
        size_t len = 1;
        int hyphens = 0;
        while ((p[len] >= 'A' && p[len] <= 'Z') ||
               (p[len] >= '0' && p[len] <= '9') || p[len] == '-')
            hyphens += p[len++] == '-';
        if (p[len] != ']' || !hyphens || p[2] == '-' || p[len - 1] == '-')
            continue;
        len++; /* with the ']' */
        int seen = 0;
        for (const char *q = source; q < p && !seen; q++)
            seen = !strncmp(q, p, len);
        if (seen)
            continue;
        fprintf(f, "%s%.*s", n++ ? " " : "<br/><small>", (int)len, p);
    }
    if (n)
        fputs("</small>", f);
}

/* X by the report's formatter (bess_format.c). */
static void html_num(FILE *f, double x)
{
    char b[128];
    html_str(f, dct_bess_fmt(b, sizeof b, x, NULL, NAN));
}

/* X followed by its unit; an infinite time is "not reached within the
 * run (RUN_S s)". */
static void html_qty(FILE *f, double x, const char *unit, double run_s)
{
    char b[256];
    html_str(f, dct_bess_fmt(b, sizeof b, x, unit, run_s));
}

/* The margin M of R against its threshold as a percentage of the
 * threshold, explained where that is not a number. */
static void html_margin_pct(FILE *f, const result *r)
{
    if (!isfinite(r->margin))
        return;
    if (r->threshold == 0) {
        fputs(" (the limit is 0: no percentage of it)", f);
        return;
    }
    char b[64];
    fprintf(f, " (%s %% of the limit)",
            dct_bess_fmt(b, sizeof b, 100 * r->margin / fabs(r->threshold),
                         NULL, NAN));
}

/* The input files and their SHA-256 digests (site files, criteria,
 * generated profiles and scenarios). */
typedef struct input {
    char path[PATH_N];
    char hex[65];
} input;

static size_t list_inputs(rpt *R, input *in, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < R->site->n_files && n < cap; i++)
        snprintf(in[n++].path, PATH_N, "%s", R->site->files[i]);
    if (n < cap)
        snprintf(in[n++].path, PATH_N, "%s", R->cr->file);
    if (R->profile && n < cap)
        snprintf(in[n++].path, PATH_N, "%s", R->profile);
    for (int k = 0; k < N_RUNS; k++) {
        if (R->run[k].profile[0] && n < cap)
            snprintf(in[n++].path, PATH_N, "%s", R->run[k].profile);
        if (R->run[k].scenario[0] && n < cap)
            snprintf(in[n++].path, PATH_N, "%s", R->run[k].scenario);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (dct_sha256_file(in[i].path, in[i].hex) == 0)
            in[m++] = in[i];
    return m;
}

/* How many checks passed, failed and were not simulated. */
static void count_status(const rpt *R, int *n_pass, int *n_fail, int *n_ns)
{
    *n_pass = *n_fail = *n_ns = 0;
    for (size_t i = 0; i < R->n_res; i++) {
        *n_pass += R->res[i].status == ST_PASS;
        *n_fail += R->res[i].status == ST_FAIL;
        *n_ns += R->res[i].status == ST_NOT_SIM;
    }
}

int dct_bess_all_pass(const rpt *R)
{
    for (size_t i = 0; i < R->n_res; i++)
        if (R->res[i].status == ST_FAIL)
            return 0;
    return 1;
}

static void write_json(FILE *f, rpt *R, const input *in, size_t n_in)
{
    char libs[256];
    fprintf(f, "{\"report\":\"dctwin bess-report\",\"document_id\":");
    dct_json_str(f, R->doc_id);
    fprintf(f, ",\"dctwin_version\":");
    dct_json_str(f, PACKAGE_VERSION);
    fprintf(f, ",\"source_revision\":");
    dct_json_str(f, dct_build_revision());
    fprintf(f, ",\"libraries\":");
    dct_json_str(f, dct_build_libraries(libs, sizeof libs));
    fprintf(f, ",\n \"site\":{\"file\":");
    char sh[PATH_N];
    dct_json_str(f, dct_bess_path_shown(R, R->site_path, sh, sizeof sh));
    fprintf(f, ",\"name\":");
    dct_json_str(f, R->site->name);
    fprintf(f, "},\"bess\":");
    dct_json_str(f, R->bess_id);
    fprintf(f, ",\"criteria\":{\"file\":");
    dct_json_str(f, dct_bess_path_shown(R, R->cr->file, sh, sizeof sh));
    fprintf(f, ",\"name\":");
    dct_json_str(f, R->cr->name);
    fprintf(f, "},\n \"sets\":[");
    for (int i = 0; i < R->n_sets; i++) {
        fprintf(f, "%s", i ? "," : "");
        dct_json_str(f, R->sets[i]);
    }
    fprintf(f, "],\"seed\":%lu,\n \"checks\":[", R->seed);
    for (size_t i = 0; i < R->n_res; i++) {
        const result *r = &R->res[i];
        const dct_criterion *c = r->c;
        fprintf(f, "%s\n  {\"id\":", i ? "," : "");
        dct_json_str(f, c->id);
        fprintf(f, ",\"name\":");
        dct_json_str(f, c->name);
        fprintf(f, ",\"nvidia_test\":");
        if (c->nvidia_test)
            fprintf(f, "%d", c->nvidia_test);
        else
            fputs("null", f);
        fprintf(f, ",\"metric\":");
        dct_json_str(f, c->metric);
        fprintf(f, ",\"unit\":");
        dct_json_str(f, c->unit ? c->unit : "");
        fprintf(f, ",\"measured\":");
        dct_json_num(f, r->measured);
        fprintf(f, ",\"threshold\":");
        if (r->status == ST_NOT_SIM)
            dct_json_str(f, c->criterion);
        else
            dct_json_num(f, r->threshold);
        fprintf(f, ",\"threshold_from\":\"%s\"",
                r->site_thr ? "site" : c->from_site ? "site-model"
                                                     : "criteria");
        fprintf(f, ",\"sense\":\"%s\",\"status\":\"%s\",\"margin\":",
                c->not_simulated ? "" : c->sense == DCT_SENSE_MAX ? "max"
                                                                  : "min",
                dct_bess_status_word[r->status]);
        dct_json_num(f, r->margin);
        fprintf(f, ",\"source\":");
        dct_json_str(f, c->source);
        fprintf(f, ",\"basis\":");
        dct_json_str(f, c->basis);
        fprintf(f, ",\"plot\":");
        if (r->plot[0])
            dct_json_str(f, r->plot);
        else
            fputs("null", f);
        fprintf(f, ",\"run\":");
        if (r->run >= 0)
            dct_json_str(f, dct_bess_runs[r->run].name);
        else
            fputs("null", f);
        fprintf(f, ",\"note\":");
        dct_json_str(f, r->note);
        fputc('}', f);
    }
    fprintf(f, "],\n \"runs\":[");
    int first = 1;
    for (int k = 0; k < N_RUNS; k++) {
        const runinfo *ri = &R->run[k];
        if (!ri->done)
            continue;
        fprintf(f, "%s\n  {\"name\":\"%s\",\"exit_status\":%d,\"dir\":",
                first ? "" : ",", dct_bess_runs[k].name, ri->rc);
        first = 0;
        dct_json_str(f, dct_bess_path_shown(R, ri->dir, sh, sizeof sh));
        fprintf(f, ",\"scenario\":");
        dct_json_str(f, dct_bess_runs[k].what);
        fprintf(f, ",\"command\":");
        dct_json_str(f, ri->cmd);
        fprintf(f, ",\"wall_s\":");
        dct_json_num(f, ri->wall_s);
        fprintf(f, ",\"n_steps\":%ld,\"n_rhs\":%ld,\"energy_closure_rel\":",
                ri->n_steps, ri->n_rhs);
        dct_json_num(f, ri->closure);
        fputc('}', f);
    }
    fprintf(f, "],\n \"inputs\":[");
    for (size_t i = 0; i < n_in; i++) {
        fprintf(f, "%s\n  {\"file\":", i ? "," : "");
        dct_json_str(f, dct_bess_path_shown(R, in[i].path, sh, sizeof sh));
        fprintf(f, ",\"sha256\":\"%s\"}", in[i].hex);
    }
    int n_fail, n_pass, n_ns;
    count_status(R, &n_pass, &n_fail, &n_ns);
    fprintf(f, "],\n \"n_pass\":%d,\"n_fail\":%d,\"n_not_simulated\":%d,"
               "\n \"all_pass\":%s}\n",
            n_pass, n_fail, n_ns, dct_bess_all_pass(R) ? "true" : "false");
}

/* The image file REL (relative to the report) inline as base64. */
static void html_img(FILE *f, rpt *R, const char *rel, const char *alt)
{
    char path[PATH_N + 300];
    snprintf(path, sizeof path, "%s/%s", R->out, rel);
    FILE *in = fopen(path, "rb");
    if (!in)
        return;
    const char *mime = strcmp(R->fmt, "svg") == 0 ? "image/svg+xml"
                       : strcmp(R->fmt, "pdf") == 0 ? NULL
                                                    : "image/png";
    if (!mime) {
        fclose(in);
        fprintf(f, "<p><a href=\"");
        html_str(f, rel);
        fprintf(f, "\">");
        html_str(f, rel);
        fprintf(f, "</a></p>\n");
        return;
    }
    fprintf(f, "<figure><img alt=\"");
    html_str(f, alt);
    fprintf(f, "\" src=\"data:%s;base64,", mime);
    unsigned char buf[3 * 1024];
    unsigned char out[4 * 1024 + 8];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        int k = EVP_EncodeBlock(out, buf, (int)n);
        fwrite(out, 1, (size_t)k, f);
    }
    fclose(in);
    fprintf(f, "\"/><figcaption>");
    html_str(f, rel);
    fprintf(f, "</figcaption></figure>\n");
}

/* The report's style: screen, then print (page breaks that keep
 * headings with what follows, tables that fit, digests that break). */
static const char css_screen[] =
    "body{font-family:sans-serif;max-width:60em;margin:1em auto;"
    "padding:0 1em;color:#111}\n"
    "table{border-collapse:collapse;width:100%;font-size:90%}\n"
    "td,th{border:1px solid #999;padding:.2em .4em;vertical-align:top;"
    "text-align:left}\nth{background:#eee}\n"
    ".pass{background:#d7f5d7}.fail{background:#f8d0d0}"
    ".not-simulated{background:#eee}\n"
    "figure{margin:.5em 0}img{max-width:100%}\n"
    "code{font-size:85%;overflow-wrap:anywhere}\n"
    "code.digest{font-family:monospace;word-break:break-all}\n"
    ".note{border-left:4px solid #c80;padding:.3em .8em;"
    "background:#fff8e8}\n"
    ".override{border:3px solid #b00;padding:.3em .8em;"
    "background:#fde8e8;font-size:110%}\n"
    "table.front th{width:14em}\n"
    "table.signoff td{height:2.5em}\n"
    ".keep{break-inside:avoid;page-break-inside:avoid}\n"
    "h1,h2,h3{break-after:avoid;page-break-after:avoid}\n";
static const char css_print[] =
    "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}"
    "h1{font-size:16pt}h2{font-size:13pt}h3{font-size:11pt}"
    "section{break-inside:avoid;page-break-inside:avoid}"
    "tr,figure,img{break-inside:avoid;page-break-inside:avoid}"
    "table{font-size:8.5pt}thead{display:table-header-group}"
    "code.digest{font-size:7pt}"
    "a{color:inherit;text-decoration:none}"
    "img{max-height:9cm}}\n";

/* ARG of a command line, quoted for a POSIX shell when it needs it. */
static void html_arg(FILE *f, const char *arg)
{
    int is_plain = *arg != '\0';
    for (const char *p = arg; *p; p++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789-_.,/=:+@%", *p))
            is_plain = 0;
    if (is_plain) {
        html_str(f, arg);
        return;
    }
    fputc('\'', f);
    for (const char *p = arg; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", f);
        else {
            char c[2] = {*p, '\0'};
            html_str(f, c);
        }
    }
    fputc('\'', f);
}

/* The front matter: what is qualified, the document's identity, how it
 * was made, every override, and an empty sign-off block. */
static void write_front(FILE *f, rpt *R, const input *in, size_t n_in)
{
    char sh[PATH_N], date[96], libs[256];
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t now = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %Z (UTC%z)", &tm);
    fprintf(f, "<header id=\"front\">\n<h1>BESS compliance report: "
               "battery <code>");
    html_str(f, R->bess_id);
    fprintf(f, "</code> on site <code>");
    html_str(f, R->site->name);
    fprintf(f, "</code></h1>\n");
    if (R->n_sets) {
        fprintf(f, "<div class=\"override\" id=\"override\"><p><b>Modified "
                   "from the site file:</b></p>\n<ul>\n");
        for (int i = 0; i < R->n_sets; i++) {
            const char *eq = strchr(R->sets[i], '=');
            fprintf(f, "<li><code>");
            if (eq) {
                char name[512];
                snprintf(name, sizeof name, "%.*s",
                         (int)(eq - R->sets[i]), R->sets[i]);
                html_str(f, name);
                fprintf(f, " = ");
                html_str(f, eq + 1);
            } else {
                html_str(f, R->sets[i]);
            }
            fprintf(f, "</code></li>\n");
        }
        fprintf(f, "</ul>\n<p>Every run of this report used these values "
                   "(--set); the site file itself says otherwise.</p>"
                   "</div>\n");
    }
    fprintf(f, "<table class=\"front\">\n<tr><th>Site</th><td><code>");
    html_str(f, R->site->name);
    fprintf(f, "</code>, file <code>");
    html_str(f, dct_bess_path_shown(R, R->site_path, sh, sizeof sh));
    fprintf(f, "</code></td></tr>\n<tr><th>Battery under test</th><td>"
               "<code>");
    html_str(f, R->bess_id);
    fprintf(f, "</code> (see Unit under test)</td></tr>\n"
               "<tr><th>Criteria</th><td><code>");
    html_str(f, R->cr->name);
    fprintf(f, "</code>, file <code>");
    html_str(f, dct_bess_path_shown(R, R->cr->file, sh, sizeof sh));
    fprintf(f, "</code></td></tr>\n<tr><th>Document id</th><td><code>%s"
               "</code> (a digest of the inputs, criteria, options and "
               "dctwin version)</td></tr>\n"
               "<tr><th>Date</th><td>",
            R->doc_id);
    html_str(f, date);
    fprintf(f, "</td></tr>\n<tr><th>dctwin</th><td>%s, source revision "
               "<code>",
            PACKAGE_VERSION);
    html_str(f, dct_build_revision());
    fprintf(f, "</code></td></tr>\n<tr><th>Libraries</th><td>");
    html_str(f, dct_build_libraries(libs, sizeof libs));
    fprintf(f, "</td></tr>\n<tr><th>Command line</th><td><code>dctwin");
    for (int i = 0; i < R->argc; i++) {
        fputc(' ', f);
        html_arg(f, dct_bess_path_shown(R, R->argv[i], sh, sizeof sh));
    }
    fprintf(f, "</code></td></tr>\n<tr><th>Inputs</th><td>%zu files with "
               "their SHA-256 (see Inputs)</td></tr>\n</table>\n",
            n_in);
    (void)in;
    fprintf(f, "<div class=\"keep\"><h2>Sign-off</h2>\n"
               "<table class=\"signoff\">\n<tr><th>Role</th><th>Name</th>"
               "<th>Signature</th><th>Date</th></tr>\n"
               "<tr><td>Prepared by</td><td></td><td></td><td></td></tr>\n"
               "<tr><td>Reviewed by</td><td></td><td></td><td></td></tr>\n"
               "</table></div>\n</header>\n");
}

/* Where parameter I of the battery B comes from: a --set, the site file,
 * its model, or the default. */
static const char *param_from(const rpt *R, const dct_comp *b, int i,
                              char *buf, size_t n)
{
    const char *pn = dct_etypes[DCT_T_BESS].params[i].name;
    for (int k = 0; k < R->n_sets; k++) {
        const char *dot = strrchr(R->sets[k], '.');
        const char *eq = strchr(R->sets[k], '=');
        if (!dot || !eq || eq < dot)
            continue;
        /* the parameter's name, then "=": the override names it */
        size_t pl = (size_t)(eq - dot - 1);
        if (pl == strlen(pn) && strncmp(dot + 1, pn, pl) == 0) {
            size_t il = (size_t)(dot - R->sets[k]);
            if ((strlen(b->id) == il && !strncmp(R->sets[k], b->id, il)) ||
                (b->model && strlen(b->model->id) == il &&
                 !strncmp(R->sets[k], b->model->id, il)))
                return "--set";
        }
    }
    if (b->given[i]) {
        snprintf(buf, n, "site file, line %ld", b->line);
        return buf;
    }
    if (b->model && b->model->given[i]) {
        snprintf(buf, n, "model %s", b->model->id);
        return buf;
    }
    return "default";
}

/* The unit under test: every rating and model parameter of the battery,
 * its converter and controller, with units and the model's sources. */
static void write_uut(FILE *f, rpt *R)
{
    const dct_comp *b = R->bess;
    const dct_etype *et = &dct_etypes[DCT_T_BESS];
    char v[256], from[128];
    fprintf(f, "<section id=\"unit-under-test\">\n<h2>Unit under test"
               "</h2>\n<p>Battery <code>");
    html_str(f, b->id);
    fprintf(f, "</code>");
    if (b->model) {
        fprintf(f, ", model <code>");
        html_str(f, b->model->id);
        fprintf(f, "</code>");
    }
    fprintf(f, ", on the DC bus <code>");
    html_str(f, R->bus->id);
    fprintf(f, "</code> (nominal %s): ",
            dct_bess_fmt(v, sizeof v, R->v_nom, "V", NAN));
    fprintf(f, "%s container(s), ",
            dct_bess_fmt(v, sizeof v, b->q[DCT_BESS_COUNT], NULL, NAN));
    fprintf(f, "converter rating %s in all, ",
            dct_bess_fmt(v, sizeof v, R->p_bess / 1e6, "MW", NAN));
    fprintf(f, "energy %s at the mid-SOC cell voltage, ",
            dct_bess_fmt(v, sizeof v, R->e_bess / 3.6e9, "MWh", NAN));
    fprintf(f, "power-loop lag %s, controller <code>",
            dct_bess_fmt(v, sizeof v, b->q[DCT_BESS_TAU_CONV] * 1e3, "ms",
                         NAN));
    html_str(f, b->s[DCT_BESS_CONTROL]
                    ? b->s[DCT_BESS_CONTROL]
                    : (b->model && b->model->s[DCT_BESS_CONTROL])
                          ? b->model->s[DCT_BESS_CONTROL] : "none");
    fprintf(f, "</code>, SOC window %s",
            dct_bess_fmt(v, sizeof v, 100 * R->soc_min, NULL, NAN));
    fprintf(f, " to %s. The cells are an equivalent circuit (OCV table, "
               "R0 and two RC pairs, a lumped thermal node: "
               "dctwin-models(7), POWER).</p>\n",
            dct_bess_fmt(v, sizeof v, 100 * b->q[DCT_BESS_SOC_MAX], "%",
                         NAN));
    if (b->model && b->model->source) {
        fprintf(f, "<p><b>Sources of the model's numbers.</b> ");
        html_str(f, b->model->source);
        fprintf(f, " (keys of dctwin-sources(7); [A] an assumption, [D] "
                   "derived).</p>\n");
    }
    fprintf(f, "<table>\n<thead><tr><th>Parameter</th><th>Value</th>"
               "<th>Meaning</th><th>From</th></tr></thead>\n");
    for (size_t i = 0; i < et->n_params; i++) {
        const dct_param *p = &et->params[i];
        if (p->kind == DCT_PK_ID)
            continue;
        const char *txt = b->s[i] ? b->s[i]
                          : b->model && b->model->s[i] ? b->model->s[i]
                                                        : NULL;
        if (p->kind == DCT_PK_REF)
            txt = R->bus->id;
        else if (!txt && p->kind == DCT_PK_ENUM)
            txt = "(the first of its values)";
        else if (!txt) {
            double x = b->q[i];
            if (p->unit && strcmp(p->unit, "degC") == 0)
                x = dct_unit_from_si(x, "degC");
            txt = isinf(x) ? "none (no limit)"
                           : dct_bess_fmt(v, sizeof v, x, p->unit, NAN);
        }
        fprintf(f, "<tr><td><code>%s</code></td><td>", p->name);
        html_str(f, txt);
        fprintf(f, "</td><td>");
        html_str(f, p->doc);
        fprintf(f, "</td><td>");
        html_str(f, param_from(R, b, (int)i, from, sizeof from));
        fprintf(f, "</td></tr>\n");
    }
    const dct_comp *tab = b->model && b->model->n_pts ? b->model : b;
    if (tab->n_pts) {
        const dct_comp *const *pt = (const dct_comp *const *)tab->pts;
        fprintf(f, "<tr><td><code>ocv</code></td><td>%zu points, ",
                tab->n_pts);
        fprintf(f, "%s", dct_bess_fmt(v, sizeof v, pt[0]->q[DCT_OCV_VOLTAGE],
                                      "V", NAN));
        fprintf(f, " at SOC %s",
                dct_bess_fmt(v, sizeof v, pt[0]->q[DCT_OCV_SOC], NULL, NAN));
        fprintf(f, " to %s", dct_bess_fmt(v, sizeof v,
                                          pt[tab->n_pts - 1]->q[DCT_OCV_VOLTAGE],
                                          "V", NAN));
        fprintf(f, " at SOC %s</td><td>cell open-circuit voltage table"
                   "</td><td>",
                dct_bess_fmt(v, sizeof v, pt[tab->n_pts - 1]->q[DCT_OCV_SOC],
                             NULL, NAN));
        if (tab == b)
            fprintf(f, "site file");
        else {
            fprintf(f, "model ");
            html_str(f, tab->id);
        }
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n</section>\n");
}

static void write_html(FILE *f, rpt *R, const input *in, size_t n_in)
{
    char sh[PATH_N];
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\" "
               "xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
               "<meta charset=\"utf-8\"/>\n<title>BESS report: ");
    html_str(f, R->bess_id);
    fprintf(f, " on ");
    html_str(f, R->site->name);
    fprintf(f, "</title>\n<style>\n%s", css_screen);
    /* print: the document id and the page in every page's footer */
    fprintf(f, "@page{size:A4;margin:16mm 14mm 18mm;"
               "@bottom-left{content:\"%s\";font-size:8pt;"
               "font-family:monospace}"
               "@bottom-right{content:\"page \" counter(page) \" of \" "
               "counter(pages);font-size:8pt}}\n%s",
            R->doc_id, css_print);
    fprintf(f, "</style>\n</head>\n<body>\n");
    write_front(f, R, in, n_in);
    fprintf(f, "<div class=\"note\"><p><b>What this report is.</b> "
               "NVIDIA's BESS Self-Qualification Guidelines (DA-12516 v1.0) "
               "qualify an AC-connected battery at its AC terminals, PCS "
               "included. This battery sits on the 800&#160;V DC bus of "
               "the site; this report is site-level simulation evidence for "
               "that battery, with DC-side analogues of NVIDIA's tests "
               "where a DC bus simulator can evaluate them. It is not a "
               "certificate and not an NVIDIA qualification. Thresholds "
               "marked <i>nvidia-v0.4-reading</i> come from third-party "
               "readings of the v0.4 guidelines and are unverified; "
               "<i>dctwin</i> marks our own proposals. Keys in brackets, "
               "such as [NVIDIA-BESSQ-2026], are the sources listed in "
               "dctwin-sources(7).</p></div>\n");
    write_uut(f, R);
    int n_fail, n_pass, n_ns;
    count_status(R, &n_pass, &n_fail, &n_ns);
    fprintf(f, "<h2>Summary</h2>\n<p><b>%s</b>: %d passed, %d failed, %d "
               "not simulated (vendor evidence required).</p>\n",
            n_fail ? "FAIL" : "PASS", n_pass, n_fail, n_ns);
    fprintf(f, "<table>\n<tr><th>Check</th><th>NVIDIA test</th>"
               "<th>Measured</th><th>Threshold</th><th>Margin</th>"
               "<th>Status</th><th>Basis</th></tr>\n");
    for (size_t i = 0; i < R->n_res; i++) {
        const result *r = &R->res[i];
        fprintf(f, "<tr class=\"%s\"><td><a href=\"#",
                dct_bess_status_word[r->status]);
        dct_esc_html_id(f, r->c->id);
        fprintf(f, "\">");
        html_str(f, r->c->name);
        fprintf(f, "</a></td><td>");
        if (r->c->nvidia_test)
            fprintf(f, "Test %d", r->c->nvidia_test);
        else
            fprintf(f, "&#8211;");
        fprintf(f, "</td><td>");
        if (r->status == ST_NOT_SIM) {
            fprintf(f, "&#8211;</td><td>");
            html_str(f, r->c->criterion);
            fprintf(f, "</td><td>&#8211;");
        } else {
            double run_s = R->run[r->run].duration_s;
            html_qty(f, r->measured, r->c->unit, run_s);
            fprintf(f, "</td><td>%s ", r->c->sense == DCT_SENSE_MAX
                                            ? "&#8804;" : "&#8805;");
            html_qty(f, r->threshold, r->c->unit, NAN);
            fprintf(f, "</td><td>");
            html_qty(f, r->margin, r->c->unit, NAN);
        }
        fprintf(f, "</td><td>%s</td><td>", dct_bess_status_word[r->status]);
        html_str(f, r->c->basis);
        html_keys(f, r->c->source);
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
    /* one section per check */
    fprintf(f, "<h2>Checks</h2>\n");
    for (size_t i = 0; i < R->n_res; i++) {
        const result *r = &R->res[i];
        fprintf(f, "<section id=\"");
        dct_esc_html_id(f, r->c->id);
        fprintf(f, "\">\n<h3>");
        html_str(f, r->c->name);
        fprintf(f, " <small>(");
        html_str(f, r->c->id);
        fprintf(f, ": %s)</small></h3>\n<p><b>Metric.</b> ",
                dct_bess_status_word[r->status]);
        html_str(f, r->c->metric);
        fprintf(f, "</p>\n<p><b>Basis.</b> ");
        html_str(f, r->c->basis);
        fprintf(f, ": ");
        html_str(f, r->c->source);
        fprintf(f, "</p>\n");
        if (r->status == ST_NOT_SIM) {
            fprintf(f, "<p><b>Published criterion.</b> ");
            html_str(f, r->c->criterion);
            fprintf(f, "</p>\n<p>Not simulated: vendor evidence is "
                       "required.</p>\n</section>\n");
            continue;
        }
        fprintf(f, "<p><b>Result.</b> measured ");
        html_qty(f, r->measured, r->c->unit, R->run[r->run].duration_s);
        fprintf(f, " against %s ", r->c->sense == DCT_SENSE_MAX
                                        ? "at most" : "at least");
        html_qty(f, r->threshold, r->c->unit, NAN);
        fprintf(f, ": margin ");
        html_qty(f, r->margin, r->c->unit, NAN);
        html_margin_pct(f, r);
        fprintf(f, ", <b>%s</b>.", dct_bess_status_word[r->status]);
        if (r->site_thr) {
            const char *why = r->site_thr->s[DCT_CRITERION_NOTE];
            fprintf(f, " The threshold is the site's (");
            html_str(f, dct_bess_path_shown(R, r->site_thr->file, sh,
                                            sizeof sh));
            fprintf(f, ":%ld)", r->site_thr->line);
            if (why) {
                fprintf(f, ": ");
                html_str(f, why);
            }
            fprintf(f, ".");
        }
        if (r->note[0]) {
            fprintf(f, " ");
            html_str(f, r->note);
            fprintf(f, ".");
        }
        fprintf(f, "</p>\n<p><b>Scenario.</b> ");
        html_str(f, dct_bess_runs[r->run].what);
        fprintf(f, ". Run <code>");
        html_str(f, dct_bess_path_shown(R, R->run[r->run].dir, sh,
                                        sizeof sh));
        fprintf(f, "</code>%s, exit status %d.</p>\n",
                R->keep_runs ? "" : " (its full trace not kept: "
                                    "--keep-runs keeps it)",
                R->run[r->run].rc);
        if (r->plot[0])
            html_img(f, R, r->plot, r->c->name);
        fprintf(f, "</section>\n");
    }
    fprintf(f, "<h2>Runs and solver</h2>\n<p>CVODE BDF with KLU, relative "
               "tolerance 1e-5 and absolute tolerance 1e-4 (the dctwin "
               "defaults), seed %lu.</p>\n<table>\n<tr><th>Run</th>"
               "<th>Command</th><th>Exit</th><th>Steps</th><th>RHS</th>"
               "<th>Wall [s]</th><th>Energy closure</th></tr>\n",
            R->seed);
    for (int k = 0; k < N_RUNS; k++) {
        const runinfo *ri = &R->run[k];
        if (!ri->done)
            continue;
        fprintf(f, "<tr><td>%s</td><td><code>", dct_bess_runs[k].name);
        html_str(f, ri->cmd);
        fprintf(f, "</code></td><td>%d</td><td>%ld</td><td>%ld</td><td>",
                ri->rc, ri->n_steps, ri->n_rhs);
        html_num(f, ri->wall_s);
        fprintf(f, "</td><td>");
        html_num(f, ri->closure);
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n<h2>Inputs</h2>\n<table>\n<tr><th>File</th>"
               "<th>SHA-256</th></tr>\n");
    for (size_t i = 0; i < n_in; i++) {
        fprintf(f, "<tr><td><code>");
        html_str(f, dct_bess_path_shown(R, in[i].path, sh, sizeof sh));
        fprintf(f, "</code></td><td><code>%s</code></td></tr>\n", in[i].hex);
    }
    fprintf(f, "</table>\n");
    if (R->n_sets) {
        fprintf(f, "<p>Overrides (--set):");
        for (int i = 0; i < R->n_sets; i++) {
            fprintf(f, " <code>");
            html_str(f, R->sets[i]);
            fprintf(f, "</code>");
        }
        fprintf(f, "</p>\n");
    }
    fprintf(f, "<h2>Model assumptions</h2>\n<ul>\n"
               "<li>The battery is an equivalent circuit (OCV table, R0 and "
               "two RC pairs per cell) behind a DC/DC converter with a "
               "first-order power loop, power, overload and C-rate limits "
               "and an SOC window (dctwin-models(7), POWER).</li>\n"
               "<li>No AC quantities: the grid point is the rectifiers' AC "
               "input as power; no voltage phasors, frequency, reactive "
               "power or EMT. Grid dips are modelled as lost rectifier "
               "capability.</li>\n"
               "<li>Racks draw constant power down to 0.7 of the bus "
               "nominal and a constant conductance below.</li>\n"
               "<li>The converter has no overload timer: the overload "
               "duration is measured, not enforced.</li>\n"
               "<li>The 24 h profile carries the training load at its mean "
               "level; the training micro-cycles are counted for ageing "
               "from the training run.</li>\n"
               "<li>Ageing: NREL BLAST-Lite LFP model fitted to deep, slow "
               "cycles; micro-cycles are an extrapolation.</li>\n"
               "</ul>\n</body>\n</html>\n");
}

/* The document id into R->doc_id: "BR-" and the first 64 bits of the
 * SHA-256 of what determines the report's content: the dctwin version
 * and revision, every input (shown name and digest), the battery, the
 * overrides, the seed, the profile and the plot format. */
static void doc_id(rpt *R, const input *in, size_t n_in)
{
    char sh[PATH_N];
    sbuf b = {0};
    dct_bess_sb_printf(&b, "dctwin %s %s\n", PACKAGE_VERSION,
                       dct_build_revision());
    for (size_t i = 0; i < n_in; i++)
        dct_bess_sb_printf(&b, "input %s %s\n",
                           dct_bess_path_shown(R, in[i].path, sh, sizeof sh),
                           in[i].hex);
    dct_bess_sb_printf(&b, "bess %s\n", R->bess_id);
    for (int i = 0; i < R->n_sets; i++)
        dct_bess_sb_printf(&b, "set %s\n", R->sets[i]);
    dct_bess_sb_printf(&b, "seed %lu\nprofile %s\nformat %s\n", R->seed,
                       R->profile ? dct_bess_path_shown(R, R->profile, sh,
                                                        sizeof sh)
                                  : "",
                       R->fmt);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (b.oom || !EVP_Digest(b.s, b.n, md, &n, EVP_sha256(), NULL) || n < 8)
        snprintf(R->doc_id, sizeof R->doc_id, "BR-unknown");
    else
        snprintf(R->doc_id, sizeof R->doc_id,
                 "BR-%02X%02X-%02X%02X-%02X%02X-%02X%02X", md[0], md[1],
                 md[2], md[3], md[4], md[5], md[6], md[7]);
    free(b.s);
}

/* Write report.json and report.html.  Returns 0 or an exit status. */
int dct_bess_write_report(rpt *R)
{
    input *in = calloc(96, sizeof *in);
    if (!in)
        return DCT_EXIT_OUTPUT;
    size_t n_in = list_inputs(R, in, 96);
    doc_id(R, in, n_in);
    char pj[PATH_N + 32], ph[PATH_N + 32];
    snprintf(pj, sizeof pj, "%s/report.json", R->out);
    snprintf(ph, sizeof ph, "%s/report.html", R->out);
    dct_afile *aj = dct_afile_open(pj), *ah = aj ? dct_afile_open(ph) : NULL;
    int rc = 0;
    if (!aj || !ah) {
        fprintf(stderr, "dctwin: bess-report: %s: %s\n", aj ? ph : pj,
                strerror(errno));
        dct_afile_abort(aj);
        free(in);
        return DCT_EXIT_OUTPUT;
    }
    write_json(dct_afile_fp(aj), R, in, n_in);
    write_html(dct_afile_fp(ah), R, in, n_in);
    if (dct_afile_finish(aj) || dct_afile_finish(ah) ||
        dct_afile_commit(aj) || (aj = NULL, dct_afile_commit(ah))) {
        fprintf(stderr, "dctwin: bess-report: cannot write the report in "
                        "%s: %s\n", R->out, strerror(errno));
        rc = DCT_EXIT_OUTPUT;
        if (aj)
            dct_afile_abort(aj);
    }
    free(in);
    return rc;
}

/* ---------------------------------------------------------------- PDF */

/* Is the file PATH a whole PDF (%PDF- at its start, %%EOF near its
 * end)? */
static int is_whole_pdf(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char head[5], tail[64];
    int ok = fread(head, 1, 5, f) == 5 && memcmp(head, "%PDF-", 5) == 0;
    if (ok && fseek(f, -(long)sizeof tail, SEEK_END) != 0)
        ok = fseek(f, 0, SEEK_SET) == 0;
    size_t n = ok ? fread(tail, 1, sizeof tail, f) : 0;
    ok = ok && n >= 5;
    int has_eof = 0;
    for (size_t i = 0; ok && i + 5 <= n; i++)
        if (memcmp(tail + i, "%%EOF", 5) == 0)
            has_eof = 1;
    fclose(f);
    return ok && has_eof;
}

int dct_bess_write_pdf(rpt *R)
{
    const char *conv = getenv("DCTWIN_WEASYPRINT");
    if (!conv || !*conv)
        conv = "weasyprint";
    char html[PATH_N + 32], pdf[PATH_N + 32];
    snprintf(html, sizeof html, "%s/report.html", R->out);
    snprintf(pdf, sizeof pdf, "%s/report.pdf", R->out);
    char *const argv[] = {(char *)conv, html, pdf, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&at);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    pid_t pid;
    sigset_t old;
    dct_afile_block_signals(&old);
    int e = strchr(conv, '/') ? posix_spawn(&pid, conv, &fa, &at, argv,
                                            environ)
                              : posix_spawnp(&pid, conv, &fa, &at, argv,
                                             environ);
    if (e == 0)
        dct_afile_track_child((int)pid);
    dct_afile_unblock_signals(&old);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (e != 0) {
        fprintf(stderr, "dctwin: bess-report: warning: %s not found (%s); "
                        "report.pdf not written, report.html kept (install "
                        "weasyprint, or set DCTWIN_WEASYPRINT)\n",
                conv, strerror(e));
        return -1;
    }
    int status = 0, is_done = 0;
    for (long ms = 0; ms < DCT_BESS_PDF_TIMEOUT_S * 1000L; ms += 50) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR)) {
            is_done = w == pid;
            break;
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (!is_done) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    dct_afile_untrack_child((int)pid);
    if (!is_done || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        !is_whole_pdf(pdf)) {
        unlink(pdf);
        fprintf(stderr, "dctwin: bess-report: warning: %s %s; report.pdf "
                        "not written, report.html kept\n",
                conv, !is_done ? "timed out"
                      : WIFEXITED(status) && WEXITSTATUS(status) == 127
                          ? "could not be started"
                          : "failed");
        return -1;
    }
    return 0;
}
