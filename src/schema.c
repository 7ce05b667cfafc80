/* schema.c - generate the RelaxNG schema and the element reference of
 * dctwin-site(5) from the component table (component.h). */
#include "config.h"
#include "schema.h"
#include "component.h"
#include "units.h"

#include <stdlib.h>
#include <string.h>

/* Emit the <choice> of child element refs of type T (model or not). */
static void emit_children(FILE *f, int t, int is_model)
{
    const char *list = dct_etypes[t].children;
    if (!list || !*list)
        return;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", list);
    int n = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (!dct_etype_allows_child((dct_type)t, is_model, w))
            continue;
        if (!n++)
            fputs("      <zeroOrMore><choice>\n", f);
        fprintf(f, "        <ref name=\"%s\"/>\n", w);
    }
    if (n)
        fputs("      </choice></zeroOrMore>\n", f);
}

static void emit_attr(FILE *f, const dct_param *p, int required)
{
    fputs(required ? "      " : "      <optional>", f);
    fprintf(f, "<attribute name=\"%s\">", p->name);
    if (p->kind == DCT_PK_ENUM) {
        fputs("<choice>", f);
        char buf[256];
        snprintf(buf, sizeof buf, "%s", p->extra);
        char *save = NULL;
        for (char *w = strtok_r(buf, "|", &save); w;
             w = strtok_r(NULL, "|", &save))
            fprintf(f, "<value>%s</value>", w);
        fputs("</choice>", f);
    } else {
        fputs("<text/>", f);
    }
    fputs("</attribute>", f);
    fputs(required ? "\n" : "</optional>\n", f);
}

static void emit_type(FILE *f, int t, int is_model)
{
    const dct_etype *e = &dct_etypes[t];
    fprintf(f, "  <define name=\"%s%s\">\n    <element name=\"%s%s\">\n",
            e->name, is_model ? "-model" : "", e->name,
            is_model ? "-model" : "");
    /* The attributes go in one <interleave>: libxml2 validates a plain
     * group of many <optional> attributes by backtracking, exponential in
     * their number (minutes for a rack model); an interleave of them is
     * validated in linear time. */
    size_t n_attr = is_model || e->has_model;
    for (size_t i = 0; i < e->n_params; i++)
        n_attr += !is_model || (e->params[i].flags & DCT_PF_MODEL);
    if (n_attr)
        fputs("      <interleave>\n", f);
    if (is_model) {
        fputs("      <attribute name=\"name\"><text/></attribute>\n", f);
        fputs("      <optional><attribute name=\"source\"><text/>"
              "</attribute></optional>\n",
              f);
    } else if (e->has_model) {
        fputs("      <optional><attribute name=\"model\"><text/>"
              "</attribute></optional>\n",
              f);
    }
    for (size_t i = 0; i < e->n_params; i++) {
        const dct_param *p = &e->params[i];
        int model_param = (p->flags & DCT_PF_MODEL) != 0;
        if (is_model && !model_param)
            continue;
        int required = !is_model && (p->flags & DCT_PF_REQ) &&
                       !(e->has_model && model_param);
        emit_attr(f, p, required);
    }
    if (n_attr)
        fputs("      </interleave>\n", f);
    emit_children(f, t, is_model);
    fputs("    </element>\n  </define>\n", f);
}

char *dct_schema_rng(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<!-- dctwin facility format: generated from the component table "
          "by 'dctwin doc schema'; do not edit. -->\n"
          "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\">\n"
          "  <start><choice><ref name=\"site\"/><ref name=\"library\"/>"
          "</choice></start>\n"
          "  <define name=\"include\">\n    <element name=\"include\">\n"
          "      <attribute name=\"href\"><text/></attribute>\n"
          "    </element>\n  </define>\n",
          f);
    for (int t = 0; t < DCT_N_TYPES; t++) {
        if (t == DCT_T_INCLUDE)
            continue;
        emit_type(f, t, 0);
        if (dct_etypes[t].has_model)
            emit_type(f, t, 1);
    }
    fputs("</grammar>\n", f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* roff-escape S (backslashes and leading dots/quotes). */
static void roff(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else
            fputc(*s, f);
    }
}

static void man_default(FILE *f, const dct_param *p)
{
    if (p->kind == DCT_PK_ENUM) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", p->extra);
        char *bar = strchr(buf, '|');
        if (bar)
            *bar = '\0';
        fputs(" (the default: ", f);
        roff(f, buf);
        fputs(")", f);
        return;
    }
    if (p->kind != DCT_PK_Q && p->kind != DCT_PK_INT)
        return;
    if (isnan(p->def))
        return;
    if (isinf(p->def)) {
        fputs(" (the default: unlimited)", f);
        return;
    }
    char buf[64];
    const char *u = p->unit;
    if (p->kind == DCT_PK_Q && u && *u)
        snprintf(buf, sizeof buf, "%.6g %s", dct_unit_from_si(p->def, u), u);
    else
        snprintf(buf, sizeof buf, "%.6g", p->def);
    fputs(" (the default: ", f);
    roff(f, buf);
    fputs(")", f);
}

static void man_range(FILE *f, const dct_param *p)
{
    if (p->kind != DCT_PK_Q && p->kind != DCT_PK_INT)
        return;
    const char *u = p->kind == DCT_PK_Q ? p->unit : "";
    char a[64], b[64];
    snprintf(a, sizeof a, "%.6g", u && *u ? dct_unit_from_si(p->min, u) : p->min);
    if (isinf(p->max))
        snprintf(b, sizeof b, "unlimited");
    else
        snprintf(b, sizeof b, "%.6g",
                 u && *u ? dct_unit_from_si(p->max, u) : p->max);
    fputs(" Range ", f);
    roff(f, a);
    fputs(" to ", f);
    roff(f, b);
    if (u && *u) {
        fputs(" ", f);
        roff(f, u);
    }
    fputs(".", f);
}

static const char *kind_word(const dct_param *p)
{
    switch (p->kind) {
    case DCT_PK_Q:
        return p->unit && *p->unit ? dct_unit_dim_name(p->unit)
                                   : "number or percentage";
    case DCT_PK_INT:
        return "whole number";
    case DCT_PK_STR:
        return "text";
    case DCT_PK_ID:
        return "name";
    case DCT_PK_IDS:
        return "name or range";
    case DCT_PK_REF:
        return "reference";
    case DCT_PK_REFS:
        return "references";
    case DCT_PK_ENUM:
        return "keyword";
    }
    return "";
}

static void man_type(FILE *f, int t, int is_model)
{
    const dct_etype *e = &dct_etypes[t];
    fprintf(f, ".SS \"<%s%s>\"\n", e->name, is_model ? "-model" : "");
    roff(f, e->doc);
    fputc('\n', f);
    if (is_model)
        fputs("Found in model libraries and sites; an instance names it "
              "with \\fBmodel\\fR.\n",
              f);
    if (e->children && *e->children) {
        fputs("It may contain:", f);
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", e->children);
        char *save = NULL;
        for (char *w = strtok_r(buf, " ", &save); w;
             w = strtok_r(NULL, " ", &save))
            if (dct_etype_allows_child((dct_type)t, is_model, w)) {
                fputs(" <", f);
                roff(f, w);
                fputs(">", f);
            }
        fputs(".\n", f);
    }
    if (is_model) {
        fputs(".TP\n.B name\nname of the model (required).\n"
              ".TP\n.B source\nwhere its figures come from.\n",
              f);
    } else if (e->has_model) {
        fputs(".TP\n.B model\nname of a <", f);
        roff(f, e->name);
        fputs("\\-model>; its parameters are the defaults of this "
              "element, and any of them may be given here to override "
              "it.\n",
              f);
    }
    if (t == DCT_T_INCLUDE)
        return;
    for (size_t i = 0; i < e->n_params; i++) {
        const dct_param *p = &e->params[i];
        int mp = (p->flags & DCT_PF_MODEL) != 0;
        if (is_model && !mp)
            continue;
        fputs(".TP\n.B ", f);
        roff(f, p->name);
        fputc('\n', f);
        roff(f, kind_word(p));
        if (p->kind == DCT_PK_Q && p->unit && *p->unit) {
            fputs(" (", f);
            roff(f, p->unit);
            fputs(")", f);
        }
        if (p->kind == DCT_PK_ENUM) {
            fputs(": ", f);
            roff(f, p->extra);
        }
        if (p->kind == DCT_PK_REF || p->kind == DCT_PK_REFS) {
            fputs(" to <", f);
            roff(f, p->extra);
            fputs(">", f);
        }
        fputs(": ", f);
        roff(f, p->doc);
        fputs(".", f);
        man_range(f, p);
        man_default(f, p);
        if (p->flags & DCT_PF_REQ)
            fputs(mp && !is_model ? " Required, here or in the model."
                                  : " Required.",
                  f);
        else if (!is_model && mp && e->has_model)
            fputs(" May come from the model.", f);
        fputc('\n', f);
    }
}

void dct_schema_man(FILE *f)
{
    fputs(".\\\" Generated from the component table by 'dctwin doc site'; "
          "edit src/component.h, not this section.\n",
          f);
    for (int t = 0; t < DCT_N_TYPES; t++) {
        man_type(f, t, 0);
        if (dct_etypes[t].has_model)
            man_type(f, t, 1);
    }
}
