/* criteria.c - read and check a criteria file (criteria.h). */
#include "config.h"
#include "criteria.h"
#include "units.h"
#include "xmlread.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

const char *const dct_criteria_bases[4] = {"nvidia-v1.0",
                                           "nvidia-v0.4-reading", "utility",
                                           "dctwin"};

static const char *const check_attrs[] = {
    "id",     "name",      "nvidia-test", "metric",    "unit",
    "sense",  "threshold", "threshold-default",        "basis",
    "source", "status",    "criterion",
};
#define N_CHECK_ATTRS (sizeof check_attrs / sizeof check_attrs[0])

/* A number that is the whole of TEXT. */
static int parse_num(const char *text, double *x)
{
    const char *end;
    if (!text)
        return -1;
    text += strspn(text, " ");
    if (dct_number_parse(text, &end, x))   /* decimal, no hex or inf */
        return -1;
    while (*end == ' ')
        end++;
    return *end ? -1 : 0;
}

static void free_one(dct_criterion *c)
{
    free(c->id);
    free(c->name);
    free(c->metric);
    free(c->unit);
    free(c->basis);
    free(c->source);
    free(c->criterion);
}

#define MAX_ID_LEN 64

/* A check id: it names a section of report.html and a line of the
 * summary, so it is kept to a plain word. */
static int is_check_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-' &&
            s[n] != '.')
            return 0;
    return n >= 1 && n <= MAX_ID_LEN;
}

/* Fill C from the <check> element N; errors at LINE of PATH. */
static void read_check(dct_criterion *c, xmlNodePtr n, const char *path,
                       const char *const *known, size_t n_known,
                       dct_diag *d)
{
    long line = c->line;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        size_t k = 0;
        while (k < N_CHECK_ATTRS &&
               strcmp((const char *)a->name, check_attrs[k]) != 0)
            k++;
        if (k == N_CHECK_ATTRS)
            dct_error(d, path, line, "<check> has no attribute '%s'",
                      (const char *)a->name);
    }
    c->id = dct_xml_attr(n, "id");
    c->name = dct_xml_attr(n, "name");
    c->metric = dct_xml_attr(n, "metric");
    c->unit = dct_xml_attr(n, "unit");
    c->basis = dct_xml_attr(n, "basis");
    c->source = dct_xml_attr(n, "source");
    c->criterion = dct_xml_attr(n, "criterion");
    char *test = dct_xml_attr(n, "nvidia-test");
    char *sense = dct_xml_attr(n, "sense");
    char *thr = dct_xml_attr(n, "threshold");
    char *thd = dct_xml_attr(n, "threshold-default");
    char *status = dct_xml_attr(n, "status");
    const char *id = c->id ? c->id : "?";
    if (!c->id || !c->name || !c->metric || !c->basis || !c->source)
        dct_error(d, path, line, "<check %s> needs id, name, metric, basis "
                  "and source", id);
    if (status && strcmp(status, "not-simulated") != 0)
        dct_error(d, path, line, "<check %s>: status '%s' (expected "
                  "not-simulated, or no status for a simulated check)", id,
                  status);
    c->not_simulated = status != NULL;
    if (c->id && !is_check_id(c->id)) {
        dct_error(d, path, line, "<check> id '%.64s' (expected 1 to %d "
                  "letters, digits, '.', '-' or '_')", c->id, MAX_ID_LEN);
        c->not_simulated = 1;   /* no more messages quoting it */
        id = "?";
    }
    size_t b = 0;
    while (c->basis && b < 4 && strcmp(c->basis, dct_criteria_bases[b]))
        b++;
    if (c->basis && b == 4)
        dct_error(d, path, line, "<check %s>: basis '%s' (expected "
                  "nvidia-v1.0, nvidia-v0.4-reading, utility or dctwin)",
                  id, c->basis);
    double x;
    if (test && (parse_num(test, &x) || x != floor(x) || x < 1 || x > 12))
        dct_error(d, path, line, "<check %s>: nvidia-test '%s' (expected "
                  "a test number 1 to 12)", id, test);
    else
        c->nvidia_test = test ? (int)x : 0;
    c->threshold = NAN;
    c->threshold_default = NAN;
    if (c->not_simulated) {
        if (!c->criterion)
            dct_error(d, path, line, "<check %s>: a not-simulated check "
                      "needs criterion= (its published criterion)", id);
    } else {
        size_t k = 0;
        while (c->id && k < n_known && strcmp(c->id, known[k]) != 0)
            k++;
        if (c->id && k == n_known)
            dct_error(d, path, line, "<check %s>: no such simulated check "
                      "(see dctwin-bess-report(1) for the list)", id);
        if (!c->unit || !sense || !thr)
            dct_error(d, path, line, "<check %s>: a simulated check needs "
                      "unit, sense and threshold", id);
        if (sense && strcmp(sense, "max") == 0)
            c->sense = DCT_SENSE_MAX;
        else if (sense && strcmp(sense, "min") == 0)
            c->sense = DCT_SENSE_MIN;
        else if (sense)
            dct_error(d, path, line, "<check %s>: sense '%s' (expected max "
                      "or min)", id, sense);
        if (thr && strcmp(thr, "site") == 0)
            c->from_site = 1;
        else if (thr && parse_num(thr, &c->threshold))
            dct_error(d, path, line, "<check %s>: threshold '%s' is not a "
                      "number (in %s) or 'site'", id, thr,
                      c->unit ? c->unit : "its unit");
        if (thd && parse_num(thd, &c->threshold_default))
            dct_error(d, path, line, "<check %s>: threshold-default '%s' "
                      "is not a number", id, thd);
    }
    free(test);
    free(sense);
    free(thr);
    free(thd);
    free(status);
}

dct_criteria *dct_criteria_load(const char *path, const char *const *known,
                                size_t n_known, dct_diag *d)
{
    size_t errs = d->n_errors;
    xmlDocPtr doc = dct_xml_read(path, "criteria", "criteria", d);
    if (!doc)
        return NULL;
    dct_criteria *cr = calloc(1, sizeof *cr);
    if (!cr || !(cr->file = strdup(path))) {
        dct_error(d, path, 0, "out of memory");
        free(cr);
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlAttrPtr a = root->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "name") != 0 &&
            strcmp((const char *)a->name, "description") != 0)
            dct_error(d, path, xmlGetLineNo(root),
                      "<criteria> has no attribute '%s' (expected name, "
                      "description)", (const char *)a->name);
    cr->name = dct_xml_attr(root, "name");
    cr->description = dct_xml_attr(root, "description");
    size_t cap = 0;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        long line = xmlGetLineNo(n);
        if (strcmp((const char *)n->name, "check") != 0) {
            dct_error(d, path, line, "unknown element <%s> in a criteria "
                      "file (expected <check>)", (const char *)n->name);
            continue;
        }
        if (cr->n == cap) {
            size_t nc = cap ? 2 * cap : 32;
            dct_criterion *p = nc < 4096 ? realloc(cr->c, nc * sizeof *p)
                                         : NULL;
            if (!p) {
                dct_error(d, path, line, "too many checks");
                break;
            }
            cr->c = p;
            cap = nc;
        }
        dct_criterion *c = &cr->c[cr->n++];
        memset(c, 0, sizeof *c);
        c->line = line;
        read_check(c, n, path, known, n_known, d);
        for (size_t k = 0; c->id && k + 1 < cr->n; k++)
            if (cr->c[k].id && strcmp(cr->c[k].id, c->id) == 0)
                dct_error(d, path, line, "check '%s' is listed twice (first "
                          "at line %ld)", c->id, cr->c[k].line);
    }
    if (cr->n == 0)
        dct_error(d, path, xmlGetLineNo(root), "no <check> in the file");
    xmlFreeDoc(doc);
    if (d->n_errors != errs) {
        dct_criteria_free(cr);
        return NULL;
    }
    return cr;
}

void dct_criteria_free(dct_criteria *cr)
{
    if (!cr)
        return;
    for (size_t i = 0; i < cr->n; i++)
        free_one(&cr->c[i]);
    free(cr->c);
    free(cr->file);
    free(cr->name);
    free(cr->description);
    free(cr);
}

dct_criterion *dct_criteria_get(dct_criteria *cr, const char *id)
{
    for (size_t i = 0; cr && i < cr->n; i++)
        if (cr->c[i].id && strcmp(cr->c[i].id, id) == 0)
            return &cr->c[i];
    return NULL;
}
