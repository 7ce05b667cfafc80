/* site_xml.c - the only libxml2 user: facility XML to struct dct_site.
 *
 * Untrusted input: the file size is capped before reading; a DOCTYPE or
 * ENTITY declaration is refused before libxml2 sees the text (so no DTD is
 * loaded and no entity expanded); libxml2 runs with XML_PARSE_NONET and
 * without XML_PARSE_NOENT / DTDLOAD; XInclude is never processed (an
 * xi:include is just an unknown element).  The document is walked against
 * the component table (component.h): unknown elements and attributes,
 * missing units, wrong dimensions and out-of-range values are reported with
 * the file and line, and the walk goes on so that every error is found.
 * After a clean walk the document is also validated against the RelaxNG
 * schema generated from the same table (schema.c) as a second line.
 */
#include "config.h"
#include "site.h"
#include "schema.h"
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

typedef struct parse_ctx {
    dct_site *site;
    dct_diag *d;
    const char *file;            /* current file (borrowed from site) */
    char *stack[DCT_MAX_INCLUDE_DEPTH + 1]; /* realpaths being read */
    int depth;
    long n_racks;
    int too_many;                /* the component cap was hit */
} parse_ctx;

/* ---------------------------------------------------------------- utils */

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static const char *intern_file(dct_site *s, const char *path)
{
    for (size_t i = 0; i < s->n_files; i++)
        if (strcmp(s->files[i], path) == 0)
            return s->files[i];
    char **nf = realloc(s->files, (s->n_files + 1) * sizeof *nf);
    if (!nf)
        return NULL;
    s->files = nf;
    s->files[s->n_files] = strdup(path);
    if (!s->files[s->n_files])
        return NULL;
    return s->files[s->n_files++];
}

dct_comp *dct_site_add(dct_site *s, dct_type t, int is_model,
                       const char *file, long line)
{
    if (s->n_comps >= (size_t)DCT_MAX_COMPS)
        return NULL;
    if (s->n_comps == s->cap_comps) {
        size_t nc = s->cap_comps ? 2 * s->cap_comps : 64;
        dct_comp **v = realloc(s->comps, nc * sizeof *v);
        if (!v)
            return NULL;
        s->comps = v;
        s->cap_comps = nc;
    }
    size_t np = dct_etypes[t].n_params;
    dct_comp *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->type = t;
    c->is_model = is_model;
    c->file = file;
    c->line = line;
    if (np) {
        c->q = malloc(np * sizeof *c->q);
        c->s = calloc(np, sizeof *c->s);
        c->given = calloc(np, 1);
        c->ref = calloc(np, sizeof *c->ref);
        if (!c->q || !c->s || !c->given || !c->ref) {
            free(c->q), free(c->s), free(c->given), free(c->ref), free(c);
            return NULL;
        }
        for (size_t i = 0; i < np; i++)
            c->q[i] = NAN;
    }
    c->index = s->n_comps;
    s->comps[s->n_comps++] = c;
    return c;
}

static void comp_free(dct_comp *c)
{
    if (!c)
        return;
    size_t np = dct_etypes[c->type].n_params;
    for (size_t i = 0; i < np; i++) {
        free(c->s[i]);
        free(c->ref[i].v);
    }
    free(c->q), free(c->s), free(c->given), free(c->ref);
    free(c->id), free(c->model_name), free(c->source), free(c->pts);
    free(c);
}

void dct_site_free(dct_site *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_comps; i++)
        comp_free(s->comps[i]);
    free(s->comps);
    for (size_t i = 0; i < s->n_files; i++)
        free(s->files[i]);
    free(s->files);
    free(s->name), free(s->description), free(s->file);
    free(s);
}

/* ----------------------------------------------------- pre-scan of text */

/* Refuse DOCTYPE and ENTITY declarations before libxml2 parses anything:
 * returns the 1-based line of the first one outside comments, or 0. */
static long find_doctype(const char *buf, size_t n, const char **what)
{
    long line = 1;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            line++;
            continue;
        }
        if (buf[i] != '<' || i + 1 >= n || buf[i + 1] != '!')
            continue;
        if (i + 4 <= n && memcmp(buf + i, "<!--", 4) == 0) {
            const char *e = NULL;
            for (size_t j = i + 4; j + 3 <= n; j++)
                if (memcmp(buf + j, "-->", 3) == 0) {
                    e = buf + j;
                    break;
                }
            size_t stop = e ? (size_t)(e - buf) + 3 : n;
            for (size_t j = i; j < stop; j++)
                if (buf[j] == '\n')
                    line++;
            i = stop - 1;
            continue;
        }
        if (i + 9 <= n && memcmp(buf + i, "<!DOCTYPE", 9) == 0) {
            *what = "DOCTYPE";
            return line;
        }
        if (i + 8 <= n && memcmp(buf + i, "<!ENTITY", 8) == 0) {
            *what = "ENTITY";
            return line;
        }
    }
    return 0;
}

/* Read PATH into a NUL-terminated buffer, refusing files over the cap
 * before reading them. */
static char *read_capped(const char *path, size_t *len, dct_diag *d,
                         const char *from_file, long from_line)
{
    struct stat st;
    const char *ef = from_file ? from_file : path;
    long el = from_file ? from_line : 0;
    if (stat(path, &st) != 0) {
        dct_error(d, ef, el, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        dct_error(d, ef, el, "'%s' is not a regular file", path);
        return NULL;
    }
    if (st.st_size > DCT_MAX_FILE_BYTES) {
        dct_error(d, path, 0,
                  "file is %.1f MB; site and model files are limited to "
                  "%ld MB",
                  (double)st.st_size / 1048576.0,
                  DCT_MAX_FILE_BYTES / 1048576);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        dct_error(d, ef, el, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    int bad = !buf || ferror(f) || n > (size_t)DCT_MAX_FILE_BYTES;
    fclose(f);
    if (bad) {
        free(buf);
        dct_error(d, path, 0, "cannot read the file");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---------------------------------------------------- libxml2 errors */

typedef struct xml_err_ctx {
    dct_diag *d;
    const char *file;
    int n;
} xml_err_ctx;

static void on_xml_error(void *ud, xmlErrorPtr e)
{
    xml_err_ctx *x = ud;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    if (x->n++ > 20)
        return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    size_t l = strlen(msg);
    while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
        msg[--l] = '\0';
    dct_error(x->d, x->file, e->line > 0 ? e->line : 0, "%s", msg);
}

/* ------------------------------------------------------- value parsing */

static int is_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
            *s != '.')
            return 0;
    return 1;
}

static int enum_has(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, w, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* Format an SI value in the parameter's unit for messages. */
static void fmt_q(char *buf, size_t n, double si, const char *unit)
{
    if (isinf(si)) {
        snprintf(buf, n, "unlimited");
        return;
    }
    if (!unit || !*unit) {
        snprintf(buf, n, "%g", si);
        return;
    }
    snprintf(buf, n, "%g %s", dct_unit_from_si(si, unit), unit);
}

/* Parse one attribute value into C->q/s[i].  Returns 0 or -1 (error
 * recorded). */
static int set_param(parse_ctx *p, dct_comp *c, int i, const char *elem,
                     const char *val, long line)
{
    const dct_param *pr = &dct_etypes[c->type].params[i];
    char err[256];
    c->given[i] = 1;
    free(c->s[i]);
    c->s[i] = xstrdup(val);
    if (!c->s[i])
        return -1;
    switch (pr->kind) {
    case DCT_PK_Q: {
        double v;
        if (dct_quantity_parse(val, pr->unit, &v, err, sizeof err) != 0) {
            dct_error(p->d, p->file, line, "<%s> attribute '%s': %s", elem,
                      pr->name, err);
            return -1;
        }
        if (v < pr->min || v > pr->max) {
            char a[64], b[64];
            fmt_q(a, sizeof a, pr->min, pr->unit);
            fmt_q(b, sizeof b, pr->max, pr->unit);
            dct_error(p->d, p->file, line,
                      "<%s> attribute '%s' = '%s' is out of range "
                      "(expected %s to %s)",
                      elem, pr->name, val, a, b);
            return -1;
        }
        c->q[i] = v;
        return 0;
    }
    case DCT_PK_INT: {
        char *end;
        errno = 0;
        long long v = strtoll(val, &end, 10);
        while (*end == ' ')
            end++;
        if (end == val || *end || errno) {
            dct_error(p->d, p->file, line,
                      "<%s> attribute '%s' = '%s' is not a whole number",
                      elem, pr->name, val);
            return -1;
        }
        if ((double)v < pr->min || (double)v > pr->max) {
            dct_error(p->d, p->file, line,
                      "<%s> attribute '%s' = '%s' is out of range "
                      "(expected %g to %g)",
                      elem, pr->name, val, pr->min, pr->max);
            return -1;
        }
        c->q[i] = (double)v;
        return 0;
    }
    case DCT_PK_ID:
        if (!is_id(val)) {
            dct_error(p->d, p->file, line,
                      "<%s> attribute '%s' = '%s' is not a valid name "
                      "(letters, digits, '_', '-', '.')",
                      elem, pr->name, val);
            return -1;
        }
        return 0;
    case DCT_PK_ENUM:
        if (!enum_has(pr->extra, val)) {
            dct_error(p->d, p->file, line,
                      "<%s> attribute '%s' = '%s' is not one of %s", elem,
                      pr->name, val, pr->extra);
            return -1;
        }
        return 0;
    case DCT_PK_IDS:
    case DCT_PK_STR:
    case DCT_PK_REF:
    case DCT_PK_REFS:
        if (!*val) {
            dct_error(p->d, p->file, line, "<%s> attribute '%s' is empty",
                      elem, pr->name);
            return -1;
        }
        return 0;
    }
    return 0;
}

/* --------------------------------------------------------- rack ranges */

/* Split "A07" into prefix "A" and number 7 with WIDTH digits. */
static int split_num(const char *s, size_t *plen, long *num, int *width)
{
    size_t n = strlen(s), k = n;
    while (k > 0 && isdigit((unsigned char)s[k - 1]))
        k--;
    if (k == n || n - k > 9)
        return -1;
    *plen = k;
    *num = strtol(s + k, NULL, 10);
    *width = (int)(n - k);
    return 0;
}

/* Add rack records for an id range or a count; the first is FIRST, which
 * holds the parsed attributes and is copied. */
static int expand_racks(parse_ctx *p, dct_comp *first, const char *ids,
                        long count, const char *row_id, long line)
{
    char prefix[128];
    long a = 1, b = count;
    int width = 2;
    if (ids) {
        const char *dots = strstr(ids, "..");
        if (!dots) {
            if (!is_id(ids)) {
                dct_error(p->d, p->file, line,
                          "<rack> id '%s' is not a valid name", ids);
                return -1;
            }
            first->id = strdup(ids);
            p->n_racks++;
            return first->id ? 0 : -1;
        }
        char lo[128], hi[128];
        size_t ll = (size_t)(dots - ids);
        if (ll >= sizeof lo || strlen(dots + 2) >= sizeof hi)
            goto bad_range;
        memcpy(lo, ids, ll);
        lo[ll] = '\0';
        strcpy(hi, dots + 2);
        size_t pl1, pl2;
        long n1, n2;
        int w1, w2;
        if (split_num(lo, &pl1, &n1, &w1) || split_num(hi, &pl2, &n2, &w2) ||
            pl1 != pl2 || strncmp(lo, hi, pl1) != 0 || n2 < n1 || !is_id(lo))
            goto bad_range;
        memcpy(prefix, lo, pl1);
        prefix[pl1] = '\0';
        a = n1;
        b = n2;
        width = w1;
    } else {
        snprintf(prefix, sizeof prefix, "%s", row_id ? row_id : "R");
        /* continue the numbering of the row's racks so far */
        long have = 0;
        for (size_t i = 0; i < p->site->n_comps; i++) {
            dct_comp *c = p->site->comps[i];
            if (c->type == DCT_T_RACK && !c->is_model &&
                c->parent == first->parent && c != first)
                have++;
        }
        a = have + 1;
        b = have + count;
        if (b > 99)
            width = b > 999 ? (b > 9999 ? 6 : 4) : 3;
    }
    if (b - a + 1 > DCT_MAX_RACKS - p->n_racks) {
        dct_error(p->d, p->file, line,
                  "too many racks: %ld more would exceed the limit of %ld",
                  b - a + 1, DCT_MAX_RACKS);
        p->too_many = 1;
        return -1;
    }
    size_t np = dct_etypes[DCT_T_RACK].n_params;
    for (long k = a; k <= b; k++) {
        dct_comp *c = first;
        if (k != a) {
            c = dct_site_add(p->site, DCT_T_RACK, 0, first->file, line);
            if (!c) {
                dct_error(p->d, p->file, line,
                          "too many components (limit %ld)", DCT_MAX_COMPS);
                p->too_many = 1;
                return -1;
            }
            c->parent = first->parent;
            c->model_name = xstrdup(first->model_name);
            for (size_t i = 0; i < np; i++) {
                c->q[i] = first->q[i];
                c->given[i] = first->given[i];
                c->s[i] = xstrdup(first->s[i]);
            }
        }
        char buf[160];
        snprintf(buf, sizeof buf, "%s%0*ld", prefix, width, k);
        c->id = strdup(buf);
        if (!c->id)
            return -1;
        p->n_racks++;
    }
    return 0;
bad_range:
    dct_error(p->d, p->file, line,
              "<rack> id range '%s' is not of the form A01..A18 (same "
              "prefix, increasing numbers)",
              ids);
    return -1;
}

/* ------------------------------------------------------------ the walk */

static int read_file(parse_ctx *p, const char *path, int want_site,
                     const char *from_file, long from_line);

static char *resolve_include(const char *href, const char *from)
{
    char buf[PATH_MAX];
    if (href[0] == '/')
        return access(href, R_OK) == 0 ? strdup(href) : NULL;
    char *dup = strdup(from);
    if (!dup)
        return NULL;
    snprintf(buf, sizeof buf, "%s/%s", dirname(dup), href);
    free(dup);
    if (access(buf, R_OK) == 0)
        return strdup(buf);
    const char *mp = getenv("DCTWIN_MODELS_PATH");
    if (mp && *mp) {
        char *list = strdup(mp);
        if (!list)
            return NULL;
        char *save = NULL;
        for (char *dir = strtok_r(list, ":", &save); dir;
             dir = strtok_r(NULL, ":", &save)) {
            snprintf(buf, sizeof buf, "%s/%s", dir, href);
            if (access(buf, R_OK) == 0) {
                free(list);
                return strdup(buf);
            }
        }
        free(list);
    }
    snprintf(buf, sizeof buf, "%s/models/%s", DCT_PKGDATADIR, href);
    if (access(buf, R_OK) == 0)
        return strdup(buf);
    return NULL;
}

static long line_of(xmlNodePtr n)
{
    return xmlGetLineNo(n);
}

static void walk(parse_ctx *p, xmlNodePtr node, dct_type ptype,
                 int pmodel, dct_comp *parent);

/* Handle one element NODE whose parent has type PTYPE. */
static void element(parse_ctx *p, xmlNodePtr node, dct_type ptype,
                    int pmodel, dct_comp *parent)
{
    const char *name = (const char *)node->name;
    long line = line_of(node);
    int is_model = 0;
    int t = dct_etype_lookup(name, &is_model);
    if (node->ns) {
        dct_error(p->d, p->file, line,
                  "element <%s:%s> in a namespace is not allowed",
                  node->ns->prefix ? (const char *)node->ns->prefix : "",
                  name);
        return;
    }
    if (t < 0) {
        dct_error(p->d, p->file, line,
                  "unknown element <%s> inside <%s> (see dctwin-site(5))",
                  name, dct_etypes[ptype].name);
        return;
    }
    if (!dct_etype_allows_child(ptype, pmodel, name)) {
        dct_error(p->d, p->file, line,
                  "element <%s> is not allowed inside <%s%s>", name,
                  dct_etypes[ptype].name, pmodel ? "-model" : "");
        return;
    }
    if (t == DCT_T_INCLUDE) {
        xmlChar *href = xmlGetProp(node, (const xmlChar *)"href");
        for (xmlAttrPtr a = node->properties; a; a = a->next)
            if (strcmp((const char *)a->name, "href") != 0)
                dct_error(p->d, p->file, line,
                          "unknown attribute '%s' on <include>",
                          (const char *)a->name);
        if (!href || !*href) {
            dct_error(p->d, p->file, line,
                      "<include> needs an href attribute");
            xmlFree(href);
            return;
        }
        char *path = resolve_include((const char *)href, p->file);
        if (!path)
            dct_error(p->d, p->file, line,
                      "cannot find include '%s' (looked next to the file, "
                      "in DCTWIN_MODELS_PATH and in %s/models)",
                      (const char *)href, DCT_PKGDATADIR);
        else
            read_file(p, path, 0, p->file, line);
        free(path);
        xmlFree(href);
        return;
    }
    if (t == DCT_T_SITE || t == DCT_T_LIBRARY) {
        dct_error(p->d, p->file, line, "<%s> may only be the root element",
                  name);
        return;
    }
    dct_comp *c = dct_site_add(p->site, (dct_type)t, is_model, p->file, line);
    if (!c) {
        if (!p->too_many)
            dct_error(p->d, p->file, line,
                      "too many components (limit %ld)", DCT_MAX_COMPS);
        p->too_many = 1;
        return;
    }
    c->parent = parent;
    if (dct_etypes[t].is_point && parent) {
        dct_comp **v = realloc(parent->pts, (parent->n_pts + 1) * sizeof *v);
        if (v) {
            parent->pts = v;
            parent->pts[parent->n_pts++] = c;
        }
    }
    const dct_etype *et = &dct_etypes[t];
    const char *ids = NULL;
    int has_name = 0;
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        xmlChar *v = xmlNodeListGetString(node->doc, a->children, 1);
        const char *val = v ? (const char *)v : "";
        if (a->ns) {
            dct_error(p->d, p->file, line,
                      "attribute '%s' in a namespace is not allowed on <%s>",
                      an, name);
        } else if (is_model && strcmp(an, "name") == 0) {
            has_name = 1;
            if (!is_id(val))
                dct_error(p->d, p->file, line,
                          "<%s> name '%s' is not a valid name", name, val);
            else
                c->id = strdup(val);
        } else if (is_model && strcmp(an, "source") == 0) {
            c->source = strdup(val);
        } else if (!is_model && et->has_model && strcmp(an, "model") == 0) {
            c->model_name = strdup(val);
        } else {
            int i = dct_param_lookup((dct_type)t, an);
            if (i < 0 ||
                (is_model && !(et->params[i].flags & DCT_PF_MODEL))) {
                dct_error(p->d, p->file, line,
                          "unknown attribute '%s' on <%s> (see "
                          "dctwin-site(5))",
                          an, name);
            } else if (set_param(p, c, i, name, val, line) == 0) {
                if (et->params[i].kind == DCT_PK_ID &&
                    strcmp(an, "id") == 0)
                    c->id = strdup(val);
                if (t == DCT_T_RACK && i == DCT_RACK_ID)
                    ids = c->s[i];
            }
        }
        xmlFree(v);
    }
    if (is_model && !has_name)
        dct_error(p->d, p->file, line, "<%s> needs a name attribute", name);
    if (t == DCT_T_AMBIENT) {
        if (p->site->ambient)
            dct_error(p->d, p->file, line,
                      "<ambient> given twice (first at line %ld)",
                      p->site->ambient->line);
        else
            p->site->ambient = c;
    }
    if (t == DCT_T_RACK && !is_model) {
        int has_count = c->given[DCT_RACK_COUNT];
        if (ids && has_count)
            dct_error(p->d, p->file, line,
                      "<rack> takes either id or count, not both");
        else if (!ids && !has_count)
            dct_error(p->d, p->file, line, "<rack> needs an id or a count");
        else
            expand_racks(p, c, ids,
                         has_count ? (long)c->q[DCT_RACK_COUNT] : 0,
                         parent ? parent->id : NULL, line);
        if (p->too_many)
            return;
    }
    walk(p, node->children, (dct_type)t, is_model, c);
}

static void walk(parse_ctx *p, xmlNodePtr node, dct_type ptype, int pmodel,
                 dct_comp *parent)
{
    for (xmlNodePtr n = node; n && !p->too_many; n = n->next) {
        switch (n->type) {
        case XML_ELEMENT_NODE:
            element(p, n, ptype, pmodel, parent);
            break;
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE: {
            const xmlChar *s = n->content;
            while (s && *s && isspace(*s))
                s++;
            if (s && *s)
                dct_error(p->d, p->file, line_of(n),
                          "unexpected text inside <%s>",
                          dct_etypes[ptype].name);
            break;
        }
        case XML_ENTITY_REF_NODE:
            dct_error(p->d, p->file, line_of(n),
                      "entity references are not allowed");
            break;
        default: /* comments, processing instructions */
            break;
        }
    }
}

static int validate_schema(parse_ctx *p, xmlDocPtr doc)
{
    char *rng = dct_schema_rng();
    if (!rng)
        return -1;
    xml_err_ctx ex = {p->d, p->file, 0};
    xmlSetStructuredErrorFunc(&ex, on_xml_error);
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewMemParserCtxt(rng, (int)strlen(rng));
    xmlRelaxNGPtr schema = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGValidCtxtPtr vc = schema ? xmlRelaxNGNewValidCtxt(schema) : NULL;
    int rc = -1;
    if (vc) {
        xmlRelaxNGSetValidStructuredErrors(vc, on_xml_error, &ex);
        rc = xmlRelaxNGValidateDoc(vc, doc) == 0 ? 0 : -1;
    } else {
        dct_error(p->d, NULL, 0, "internal error: the built-in schema does "
                                 "not compile");
    }
    xmlRelaxNGFreeValidCtxt(vc);
    xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(pc);
    xmlSetStructuredErrorFunc(NULL, NULL);
    free(rng);
    if (rc != 0 && ex.n == 0)
        dct_error(p->d, p->file, 0, "the document does not match the schema");
    return rc;
}

static int read_file(parse_ctx *p, const char *path, int want_site,
                     const char *from_file, long from_line)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        dct_error(p->d, from_file ? from_file : path, from_line,
                  "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    for (int i = 0; i < p->depth; i++)
        if (strcmp(p->stack[i], real) == 0) {
            dct_error(p->d, from_file, from_line,
                      "include cycle: '%s' includes itself through this "
                      "include",
                      path);
            return -1;
        }
    if (p->depth >= DCT_MAX_INCLUDE_DEPTH) {
        dct_error(p->d, from_file, from_line,
                  "includes nested deeper than %d", DCT_MAX_INCLUDE_DEPTH);
        return -1;
    }
    /* A library included twice (not a cycle) is read once. */
    if (!want_site)
        for (size_t i = 1; i < p->site->n_files; i++) {
            char r2[PATH_MAX];
            if (realpath(p->site->files[i], r2) && strcmp(r2, real) == 0)
                return 0;
        }
    const char *file = intern_file(p->site, path);
    if (!file)
        return -1;
    size_t len = 0;
    char *buf = read_capped(path, &len, p->d, from_file, from_line);
    if (!buf)
        return -1;
    const char *what = NULL;
    long dl = find_doctype(buf, len, &what);
    if (dl) {
        dct_error(p->d, file, dl,
                  "%s declarations are not allowed (no DTDs, no entities)",
                  what);
        free(buf);
        return -1;
    }
    const char *saved = p->file;
    p->file = file;
    p->stack[p->depth++] = real;
    xml_err_ctx ex = {p->d, file, 0};
    xmlSetStructuredErrorFunc(&ex, on_xml_error);
    xmlDocPtr doc = xmlReadMemory(buf, (int)len, file, NULL,
                                  XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                      XML_PARSE_NOCDATA);
    xmlSetStructuredErrorFunc(NULL, NULL);
    free(buf);
    int rc = -1;
    if (!doc) {
        if (ex.n == 0)
            dct_error(p->d, file, 0, "not a well-formed XML document");
        goto out;
    }
    if (doc->intSubset || doc->extSubset) {
        dct_error(p->d, file, 1, "DOCTYPE declarations are not allowed");
        goto out;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *want = want_site ? "site" : "library";
    if (!root || strcmp((const char *)root->name, want) != 0) {
        dct_error(p->d, file, root ? line_of(root) : 1,
                  "the root element must be <%s>%s", want,
                  want_site ? "" : " in an included model library");
        goto out;
    }
    size_t errs_before = p->d->n_errors;
    dct_type rt = want_site ? DCT_T_SITE : DCT_T_LIBRARY;
    dct_comp *rc_comp = dct_site_add(p->site, rt, 0, file, line_of(root));
    if (!rc_comp)
        goto out;
    for (xmlAttrPtr a = root->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        xmlChar *v = xmlNodeListGetString(doc, a->children, 1);
        int i = dct_param_lookup(rt, an);
        if (i < 0)
            dct_error(p->d, file, line_of(root),
                      "unknown attribute '%s' on <%s>", an, want);
        else
            set_param(p, rc_comp, i, want, v ? (const char *)v : "",
                      line_of(root));
        xmlFree(v);
    }
    if (want_site) {
        p->site->name = xstrdup(rc_comp->s[DCT_SITE_NAME]);
        p->site->description = xstrdup(rc_comp->s[DCT_SITE_DESCRIPTION]);
        if (!rc_comp->s[DCT_SITE_NAME])
            dct_error(p->d, file, line_of(root),
                      "<site> needs a name attribute");
    }
    walk(p, root->children, rt, 0, NULL);
    if (p->d->n_errors == errs_before)
        validate_schema(p, doc);
    rc = p->d->n_errors == errs_before ? 0 : -1;
out:
    xmlFreeDoc(doc);
    p->depth--;
    p->file = saved;
    return rc;
}

static dct_site *load(const char *path, int want_site, dct_diag *d)
{
    dct_site *s = calloc(1, sizeof *s);
    if (!s) {
        dct_error(d, path, 0, "out of memory");
        return NULL;
    }
    s->file = strdup(path);
    parse_ctx p = {.site = s, .d = d};
    size_t before = d->n_errors;
    xmlInitParser();
    read_file(&p, path, want_site, NULL, 0);
    if (d->n_errors == before)
        dct_site_check(s, d);
    if (d->n_errors != before) {
        dct_site_free(s);
        return NULL;
    }
    return s;
}

dct_site *dct_site_load(const char *path, dct_diag *d)
{
    return load(path, 1, d);
}

dct_site *dct_site_load_library(const char *path, dct_diag *d)
{
    return load(path, 0, d);
}
