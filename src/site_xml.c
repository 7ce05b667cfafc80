/* site_xml.c - the only libxml2 user: facility XML to struct dct_site.
 *
 * Untrusted input.  The file size is checked with stat() and capped
 * (DCT_MAX_FILE_BYTES) before the file is opened.  The text is then
 * pre-scanned: it must be UTF-8 without NUL bytes, and a DOCTYPE or ENTITY
 * declaration is refused at its line before libxml2 sees any of it (so no
 * DTD is loaded and no entity expanded, whatever the encoding).  libxml2
 * runs with XML_PARSE_NONET and without XML_PARSE_NOENT, DTDLOAD,
 * XINCLUDE or HUGE; a DOCTYPE that still reached the tree is refused too.
 * XInclude is never processed (an xi:include is reported as such).  Racks
 * (DCT_MAX_RACKS), records (DCT_MAX_COMPS) and include depth are capped.
 *
 * The document is walked against the component table (component.h):
 * unknown elements and attributes, missing required attributes, missing
 * units, wrong dimensions and out-of-range values are reported with the
 * file and line -- the line of the attribute at fault, found by a pass
 * over the text, since libxml2 only keeps the line where a start tag
 * ends -- and the walk goes on so that every error is found.  After a
 * clean walk the document is also validated against the RelaxNG schema
 * generated from the same table (schema.c) as a second line.
 */
#include "config.h"
#include "site.h"
#include "datapath.h"
#include "fsutil.h"
#include "suggest.h"
#include "xmlread.h"
#include "schema.h"
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fnmatch.h>
#include <strings.h>
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
    const dct_comp *row;         /* row of the racks being read */
    long row_racks;              /* racks of that row so far */
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
        /* reference lists only for the types that have references (a
         * rack has none: 10,000 racks would carry 4.8 MB of them) */
        int has_ref = 0;
        for (size_t i = 0; i < np; i++)
            has_ref |= dct_etypes[t].params[i].kind == DCT_PK_REF ||
                       dct_etypes[t].params[i].kind == DCT_PK_REFS;
        c->q = malloc(np * sizeof *c->q);
        c->s = calloc(np, sizeof *c->s);
        c->given = calloc(np, 1);
        c->ref = has_ref ? calloc(np, sizeof *c->ref) : NULL;
        if (!c->q || !c->s || !c->given || (has_ref && !c->ref)) {
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
        if (c->ref)
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
    free(s->idx);
    free(s->name), free(s->description), free(s->file);
    free(s);
}

/* ----------------------------------------------------- pre-scan of text */

/* Length of the UTF-8 sequence at P (N bytes left), or 0 when it is not
 * valid UTF-8 (overlong forms and surrogates included). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if (p[k] < 0x80 || p[k] > 0xBF)
            return 0;
    return len;
}

/* Check the raw text before libxml2 sees any of it: it must be UTF-8
 * without NUL bytes, and hold no DOCTYPE or ENTITY declaration outside
 * comments (so that no DTD is ever read and no entity ever expanded, even
 * in an encoding libxml2 would switch to).  Returns the 1-based line of
 * the first problem with a message in MSG, or 0. */
static long prescan(const char *text, size_t n, char *msg, size_t msglen)
{
    const unsigned char *buf = (const unsigned char *)text;
    long line = 1;
    /* An XML declaration naming another encoding would make libxml2
     * decode the text otherwise than checked here ("+ADw-!DOCTYPE" is a
     * DOCTYPE in UTF-7): refused, and libxml2 is told to ignore it. */
    if (n > 5 && memcmp(buf, "<?xml", 5) == 0) {
        const char *end = NULL;
        for (size_t i = 5; i + 1 < n && buf[i] != '<'; i++)
            if (buf[i] == '?' && buf[i + 1] == '>') {
                end = text + i;
                break;
            }
        const char *e = end ? text + 5 : NULL;
        while (e && e < end && (e = strstr(e, "encoding")) && e < end) {
            const char *v = e + 8;
            while (v < end && (*v == ' ' || *v == '\t' || *v == '\r' ||
                               *v == '\n' || *v == '='))
                v++;
            if (v >= end || (*v != '"' && *v != '\'')) {
                e = v;
                continue;
            }
            const char *ve = memchr(v + 1, *v, (size_t)(end - v - 1));
            size_t vl = ve ? (size_t)(ve - v - 1) : 0;
            if (ve && !((vl == 5 && strncasecmp(v + 1, "UTF-8", 5) == 0) ||
                        (vl == 4 && strncasecmp(v + 1, "UTF8", 4) == 0) ||
                        (vl == 8 && strncasecmp(v + 1, "US-ASCII", 8) == 0) ||
                        (vl == 5 && strncasecmp(v + 1, "ASCII", 5) == 0))) {
                snprintf(msg, msglen,
                         "the XML declaration gives encoding '%.*s': "
                         "expected UTF-8",
                         (int)(vl < 40 ? vl : 40), v + 1);
                for (const char *q = text; q < v; q++)
                    line += *q == '\n';
                return line;
            }
            break;
        }
    }
    size_t bol = 0; /* offset of the start of the line */
    int in_comment = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = buf[i];
        if (i == 0 && n >= 2 &&
            ((c == 0xFF && buf[1] == 0xFE) || (c == 0xFE && buf[1] == 0xFF))) {
            snprintf(msg, msglen, "the file is UTF-16 (it starts with a "
                     "byte-order mark): expected UTF-8 text");
            return line;
        }
        if (c == '\0') {
            snprintf(msg, msglen,
                     "NUL byte at column %zu: expected UTF-8 text (this "
                     "looks like a binary file or UTF-16)",
                     i - bol + 1);
            return line;
        }
        if (c >= 0x80) {
            size_t k = utf8_len(buf + i, n - i);
            if (!k) {
                snprintf(msg, msglen,
                         "byte 0x%02X at column %zu is not valid UTF-8: "
                         "expected UTF-8 text",
                         c, i - bol + 1);
                return line;
            }
            i += k;
            continue;
        }
        if (c == '\n') {
            line++;
            bol = ++i;
            continue;
        }
        if (in_comment) {
            if (c == '-' && i + 3 <= n && memcmp(buf + i, "-->", 3) == 0) {
                in_comment = 0;
                i += 3;
            } else {
                i++;
            }
            continue;
        }
        if (c == '<' && i + 1 < n && buf[i + 1] == '!') {
            if (i + 4 <= n && memcmp(buf + i, "<!--", 4) == 0) {
                in_comment = 1;
                i += 4;
                continue;
            }
            if (i + 9 <= n && memcmp(buf + i, "<!DOCTYPE", 9) == 0) {
                snprintf(msg, msglen,
                         "<!DOCTYPE ...> found: DTDs and entity "
                         "declarations are not allowed; expected the "
                         "root element directly after the XML "
                         "declaration");
                return line;
            }
            if (i + 8 <= n && memcmp(buf + i, "<!ENTITY", 8) == 0) {
                snprintf(msg, msglen,
                         "<!ENTITY ...> found: entity declarations are "
                         "not allowed");
                return line;
            }
        }
        i++;
    }
    return 0;
}

/* Read PATH into a NUL-terminated buffer, refusing files over the cap
 * before reading them.  Errors are reported at FROM_FILE:FROM_LINE (the
 * include) when given, else on PATH itself. */
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
        dct_error(d, ef, el, "'%s' is not a regular file: expected an XML "
                  "file", path);
        return NULL;
    }
    if (st.st_size > DCT_MAX_FILE_BYTES) {
        dct_error(d, ef, el,
                  "'%s' is %.1f MiB: site and model files are limited to "
                  "%ld MiB",
                  path, (double)st.st_size / 1048576.0,
                  DCT_MAX_FILE_BYTES / 1048576);
        return NULL;
    }
    /* opened without blocking and checked again: the file named may have
     * been replaced by a FIFO since stat */
    char why[200];
    FILE *f = dct_open_regular(path, DCT_MAX_FILE_BYTES, why, sizeof why);
    if (!f) {
        dct_error(d, ef, el, "cannot open '%s': %s", path, why);
        return NULL;
    }
    /* Read at most the size seen by stat (plus one byte to notice a file
     * that grew meanwhile): never more than the cap. */
    size_t cap = (size_t)st.st_size;
    char *buf = malloc(cap + 2);
    size_t n = buf ? fread(buf, 1, cap + 1, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        dct_error(d, ef, el, "cannot read '%s'", path);
        return NULL;
    }
    if (n > cap) {
        free(buf);
        dct_error(d, ef, el, "'%s' changed while it was read", path);
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
    const char *prefix;          /* what kind of problem the messages are */
    int n;
} xml_err_ctx;

#define XML_ERR_MAX 20           /* libxml2 messages kept per document */

static void on_xml_error(void *ud, xmlErrorPtr e)
{
    xml_err_ctx *x = ud;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    if (x->n++ >= XML_ERR_MAX) {
        if (x->n == XML_ERR_MAX + 1)
            dct_error(x->d, x->file, e->line > 0 ? e->line : 0,
                      "%s: more errors follow, not shown", x->prefix);
        return;
    }
    /* libxml2 messages may hold newlines ("...!\nBytes: 0x.."): keep the
     * diagnostic on one line. */
    char msg[512];
    dct_xml_message(e->message ? e->message : "XML error", msg, sizeof msg);
    dct_error(x->d, x->file, e->line > 0 ? e->line : 0, "%s: %s", x->prefix,
              msg);
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
        if (!val[strspn(val, " \t\r\n")]) {
            dct_error(p->d, p->file, line,
                      "<%s> attribute '%s' is empty: expected %s", elem,
                      pr->name,
                      pr->kind == DCT_PK_REF    ? "the id of an element"
                      : pr->kind == DCT_PK_REFS ? "one or more ids"
                      : pr->kind == DCT_PK_IDS  ? "an id or a range "
                                                  "such as A01..A18"
                                                : "some text");
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
    if (p->row != first->parent) {
        p->row = first->parent;
        p->row_racks = 0;
    }
    if (ids) {
        const char *dots = strstr(ids, "..");
        if (!dots) {
            if (!is_id(ids)) {
                dct_error(p->d, p->file, line,
                          "<rack> id '%s' is not valid: expected a name of "
                          "letters, digits, '_', '-', '.' or a range such "
                          "as A01..A18",
                          ids);
                return -1;
            }
            first->id = strdup(ids);
            p->n_racks++;
            p->row_racks++;
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
        long have = p->row_racks;
        a = have + 1;
        b = have + count;
        if (b > 99)
            width = b > 999 ? (b > 9999 ? 6 : 4) : 3;
    }
    if (b - a + 1 > DCT_MAX_RACKS - p->n_racks) {
        dct_error(p->d, p->file, line,
                  "too many racks: %ld here after %ld before; a site may "
                  "have at most %ld",
                  b - a + 1, p->n_racks, DCT_MAX_RACKS);
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
                          "too many elements: a site with its libraries may "
                          "have at most %ld (racks of a range count one "
                          "each)",
                          DCT_MAX_COMPS);
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
        if (!c->id) {
            dct_error(p->d, p->file, line, "out of memory");
            p->too_many = 1;
            return -1;
        }
        p->n_racks++;
        p->row_racks++;
    }
    return 0;
bad_range:
    dct_error(p->d, p->file, line,
              "<rack> id range '%s' is not valid: expected the form "
              "A01..A18 (same prefix, increasing numbers of at most 9 "
              "digits)",
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
    return dct_datapath_find(DCT_DATA_MODELS, href);
}

/* ------------------------------------------------- source line numbers */

/* libxml2 gives an element the line where its start tag *ends* and keeps
 * no line for attributes, so an error in a start tag written over several
 * lines would point below it.  After parsing, one pass over the text
 * (which has no DTD, so every element and attribute in the tree is
 * written out in it, in document order) finds where each start tag, each
 * attribute and each run of text begins, and keeps the line in the
 * node's _private field.  When the text and the tree ever disagree the
 * pass stops and libxml2's lines are used from there on. */

typedef struct src_scan {
    const char *buf;
    size_t n, pos;
    long line;
    int lost;                    /* text and tree disagree: stop */
} src_scan;

static void scan_to(src_scan *s, size_t to)
{
    if (to > s->n)
        to = s->n;
    for (; s->pos < to; s->pos++)
        if (s->buf[s->pos] == '\n')
            s->line++;
}

static int scan_at(const src_scan *s, const char *lit)
{
    size_t l = strlen(lit);
    return s->n - s->pos >= l && memcmp(s->buf + s->pos, lit, l) == 0;
}

/* Move past the next occurrence of LIT (or to the end). */
static void scan_past(src_scan *s, const char *lit)
{
    size_t l = strlen(lit);
    size_t i = s->pos;
    while (i + l <= s->n && memcmp(s->buf + i, lit, l) != 0)
        i++;
    scan_to(s, i + l <= s->n ? i + l : s->n);
}

/* Skip white space, comments, processing instructions and end tags;
 * stop at a start tag, a CDATA section, text or the end. */
static void scan_skip_markup(src_scan *s)
{
    for (;;) {
        while (s->pos < s->n && isspace((unsigned char)s->buf[s->pos]))
            scan_to(s, s->pos + 1);
        if (scan_at(s, "<!--"))
            scan_past(s, "-->");
        else if (scan_at(s, "<?"))
            scan_past(s, "?>");
        else if (scan_at(s, "</"))
            scan_past(s, ">");
        else
            return;
    }
}

/* Move to the '<' of the next start tag.  Returns 0 at the end. */
static int scan_next_tag(src_scan *s)
{
    for (;;) {
        while (s->pos < s->n && s->buf[s->pos] != '<')
            scan_to(s, s->pos + 1);
        if (s->pos >= s->n)
            return 0;
        if (scan_at(s, "<!--"))
            scan_past(s, "-->");
        else if (scan_at(s, "<![CDATA["))
            scan_past(s, "]]>");
        else if (scan_at(s, "<?"))
            scan_past(s, "?>");
        else if (scan_at(s, "</") || scan_at(s, "<!"))
            scan_past(s, ">");
        else
            return 1;
    }
}

static int is_name_end(char c)
{
    return c == '/' || c == '>' || c == '=' || isspace((unsigned char)c);
}

static void set_line(void **priv, long line)
{
    *priv = (void *)(intptr_t)line;
}

/* Read the start tag of element N at the scanner (on its '<'): its line
 * and the line of each attribute. */
static void scan_start_tag(src_scan *s, xmlNodePtr n)
{
    char qname[256];
    snprintf(qname, sizeof qname, "%s%s%s",
             n->ns && n->ns->prefix ? (const char *)n->ns->prefix : "",
             n->ns && n->ns->prefix ? ":" : "", (const char *)n->name);
    size_t ql = strlen(qname);
    if (s->n - s->pos < ql + 2 ||
        memcmp(s->buf + s->pos + 1, qname, ql) != 0 ||
        !is_name_end(s->buf[s->pos + 1 + ql])) {
        s->lost = 1;
        return;
    }
    set_line(&n->_private, s->line);
    scan_to(s, s->pos + 1 + ql);
    xmlAttrPtr a = n->properties;
    for (;;) {
        while (s->pos < s->n && isspace((unsigned char)s->buf[s->pos]))
            scan_to(s, s->pos + 1);
        if (s->pos >= s->n || s->buf[s->pos] == '>' ||
            s->buf[s->pos] == '/')
            break;
        size_t name = s->pos;
        long line = s->line;
        while (s->pos < s->n && !is_name_end(s->buf[s->pos]))
            scan_to(s, s->pos + 1);
        size_t nl = s->pos - name;
        while (s->pos < s->n && s->buf[s->pos] != '"' &&
               s->buf[s->pos] != '\'')
            scan_to(s, s->pos + 1);
        if (s->pos >= s->n)
            break;
        char q[2] = {s->buf[s->pos], '\0'};
        scan_to(s, s->pos + 1);
        scan_past(s, q);
        int is_nsdecl = nl >= 5 && memcmp(s->buf + name, "xmlns", 5) == 0 &&
                        (nl == 5 || s->buf[name + 5] == ':');
        if (is_nsdecl)
            continue;
        if (!a) {
            s->lost = 1;
            return;
        }
        set_line(&a->_private, line);
        a = a->next;
    }
    if (scan_at(s, "/>"))
        scan_to(s, s->pos + 2);
    else if (scan_at(s, ">"))
        scan_to(s, s->pos + 1);
}

static void scan_nodes(src_scan *s, xmlNodePtr n)
{
    for (; n && !s->lost; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            if (!scan_next_tag(s)) {
                s->lost = 1;
                return;
            }
            scan_start_tag(s, n);
            scan_nodes(s, n->children);
        } else if (n->type == XML_TEXT_NODE ||
                   n->type == XML_CDATA_SECTION_NODE) {
            scan_skip_markup(s);
            if (scan_at(s, "<![CDATA["))
                scan_to(s, s->pos + 9);
            while (s->pos < s->n && isspace((unsigned char)s->buf[s->pos]))
                scan_to(s, s->pos + 1);
            set_line(&n->_private, s->line);
            /* past the text and any CDATA sections merged into it */
            for (;;) {
                while (s->pos < s->n && s->buf[s->pos] != '<')
                    scan_to(s, s->pos + 1);
                if (!scan_at(s, "<![CDATA["))
                    break;
                scan_past(s, "]]>");
            }
        }
    }
}

/* Line of node N: its first line in the text when the pre-pass found
 * it, else libxml2's. */
static long line_of(xmlNodePtr n)
{
    return n->_private ? (long)(intptr_t)n->_private : xmlGetLineNo(n);
}

/* Line of attribute A of element N. */
static long attr_line(xmlAttrPtr a, xmlNodePtr n)
{
    return a->_private ? (long)(intptr_t)a->_private : line_of(n);
}

/* The child elements allowed inside PTYPE, as "<a>, <b>, ..." in BUF. */
static const char *allowed_children(dct_type ptype, int pmodel, char *buf,
                                    size_t n)
{
    char list[1024];
    snprintf(list, sizeof list, "%s",
             dct_etypes[ptype].children ? dct_etypes[ptype].children : "");
    size_t len = 0;
    buf[0] = '\0';
    char *save = NULL;
    for (char *w = strtok_r(list, " ", &save); w && len < n;
         w = strtok_r(NULL, " ", &save)) {
        if (!dct_etype_allows_child(ptype, pmodel, w))
            continue;
        int k = snprintf(buf + len, n - len, "%s<%s>", len ? ", " : "", w);
        if (k < 0)
            break;
        len += (size_t)k;
    }
    if (!buf[0])
        snprintf(buf, n, "no child elements");
    return buf;
}

/* The attributes an element of type T (a model element when IS_MODEL)
 * takes, as "a, b, c" in BUF, or NULL when there are too many to list. */
static const char *allowed_attrs(dct_type t, int is_model, char *buf,
                                 size_t n)
{
    const dct_etype *et = &dct_etypes[t];
    size_t len = 0, count = 0;
    buf[0] = '\0';
    if (is_model)
        len += (size_t)snprintf(buf, n, "name, source");
    else if (et->has_model)
        len += (size_t)snprintf(buf, n, "model");
    for (size_t i = 0; i < et->n_params && len < n; i++) {
        if (is_model && !(et->params[i].flags & DCT_PF_MODEL))
            continue;
        if (++count > 8)
            return NULL;
        int k = snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
                         et->params[i].name);
        if (k < 0)
            break;
        len += (size_t)k;
    }
    return buf[0] && len < n ? buf : NULL;
}

static int is_xinclude(const xmlNs *ns)
{
    const char *h = ns && ns->href ? (const char *)ns->href : "";
    return strcmp(h, "http://www.w3.org/2001/XInclude") == 0 ||
           strcmp(h, "http://www.w3.org/2003/XInclude") == 0;
}

/* Report element NODE in a namespace. */
static void namespaced_element(parse_ctx *p, xmlNodePtr node, long line)
{
    const char *pre = node->ns->prefix ? (const char *)node->ns->prefix : "";
    const char *name = (const char *)node->name;
    if (is_xinclude(node->ns))
        dct_error(p->d, p->file, line,
                  "<%s%s%s> is an XInclude, which is never processed: "
                  "expected <include href=\"...\"/> of a model library",
                  pre, *pre ? ":" : "", name);
    else
        dct_error(p->d, p->file, line,
                  "element <%s%s%s> is in namespace '%s': expected "
                  "elements without a namespace (see dctwin-site(5))",
                  pre, *pre ? ":" : "", name,
                  node->ns->href ? (const char *)node->ns->href : "");
}

static void walk(parse_ctx *p, xmlNodePtr node, dct_type ptype,
                 int pmodel, dct_comp *parent);

/* Required attributes of an element of type T (IS_MODEL: a model
 * element) that C lacks; the same rule as the generated schema. */
static void check_required(parse_ctx *p, const dct_comp *c, dct_type t,
                           int is_model, const char *id, long line)
{
    const dct_etype *et = &dct_etypes[t];
    if (is_model)
        return; /* a model element requires only its name */
    for (size_t i = 0; i < et->n_params; i++) {
        const dct_param *pr = &et->params[i];
        int model_param = (pr->flags & DCT_PF_MODEL) != 0;
        if (!(pr->flags & DCT_PF_REQ) || (et->has_model && model_param) ||
            c->given[i])
            continue;
        dct_error(p->d, p->file, line,
                  "<%s%s%s> needs attribute '%s' (%s)", et->name,
                  id ? " id=" : "", id ? id : "", pr->name, pr->doc);
    }
}

/* Handle one element NODE whose parent has type PTYPE. */
static void element(parse_ctx *p, xmlNodePtr node, dct_type ptype,
                    int pmodel, dct_comp *parent)
{
    const char *name = (const char *)node->name;
    long line = line_of(node);
    int is_model = 0;
    char list[1024];
    if (node->ns) {
        namespaced_element(p, node, line);
        return;
    }
    int t = dct_etype_lookup(name, &is_model);
    if (t < 0) {
        dct_error(p->d, p->file, line,
                  "unknown element <%s> inside <%s%s>: expected %s", name,
                  dct_etypes[ptype].name, pmodel ? "-model" : "",
                  allowed_children(ptype, pmodel, list, sizeof list));
        return;
    }
    if (t == DCT_T_SITE || t == DCT_T_LIBRARY) {
        dct_error(p->d, p->file, line,
                  "<%s> inside <%s%s>: <%s> may only be the root element",
                  name, dct_etypes[ptype].name, pmodel ? "-model" : "",
                  name);
        return;
    }
    if (!dct_etype_allows_child(ptype, pmodel, name)) {
        int point_here = dct_etypes[t].is_point && !pmodel &&
                         dct_etypes[ptype].has_model &&
                         dct_etype_allows_child(ptype, 1, name);
        dct_error(p->d, p->file, line,
                  "element <%s> is not allowed inside <%s%s>: expected %s%s"
                  "%s%s",
                  name, dct_etypes[ptype].name, pmodel ? "-model" : "",
                  allowed_children(ptype, pmodel, list, sizeof list),
                  point_here ? " (table points belong in a <" : "",
                  point_here ? dct_etypes[ptype].name : "",
                  point_here ? "-model>)" : "");
        return;
    }
    if (t == DCT_T_INCLUDE) {
        xmlChar *href = xmlGetNoNsProp(node, (const xmlChar *)"href");
        for (xmlAttrPtr a = node->properties; a; a = a->next)
            if (a->ns || strcmp((const char *)a->name, "href") != 0)
                dct_error(p->d, p->file, attr_line(a, node),
                          "unknown attribute '%s' on <include>: expected "
                          "only href",
                          (const char *)a->name);
        if (!href || !href[strspn((const char *)href, " \t\r\n")]) {
            dct_error(p->d, p->file, line,
                      "<include> needs an href attribute (the model "
                      "library file to read)");
            xmlFree(href);
            return;
        }
        char *path = resolve_include((const char *)href, p->file);
        if (!path) {
            char *dirs = dct_datapath(DCT_DATA_MODELS, ", ");
            dct_error(p->d, p->file, line,
                      "cannot find include '%s': looked next to this file "
                      "and in %s (set DCTWIN_MODELS_PATH to the directory "
                      "of the model libraries)",
                      (const char *)href, dirs ? dirs : "(out of memory)");
            free(dirs);
        } else
            read_file(p, path, 0, p->file, line);
        free(path);
        xmlFree(href);
        return;
    }
    dct_comp *c = dct_site_add(p->site, (dct_type)t, is_model, p->file, line);
    if (!c) {
        if (!p->too_many)
            dct_error(p->d, p->file, line,
                      "too many elements: a site with its libraries may "
                      "have at most %ld",
                      DCT_MAX_COMPS);
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
    int has_name = 0, bad_rack = 0;
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        long al = attr_line(a, node);
        xmlChar *v = xmlNodeListGetString(node->doc, a->children, 1);
        const char *val = v ? (const char *)v : "";
        if (a->ns) {
            dct_error(p->d, p->file, al,
                      "attribute '%s:%s' in a namespace on <%s>: expected "
                      "attributes without a namespace",
                      a->ns->prefix ? (const char *)a->ns->prefix : "", an,
                      name);
        } else if (is_model && strcmp(an, "name") == 0) {
            has_name = 1;
            if (!is_id(val))
                dct_error(p->d, p->file, al,
                          "<%s> name '%s' is not valid: expected letters, "
                          "digits, '_', '-', '.'",
                          name, val);
            else
                c->id = strdup(val);
        } else if (is_model && strcmp(an, "source") == 0) {
            free(c->source);
            c->source = strdup(val);
        } else if (!is_model && et->has_model && strcmp(an, "model") == 0) {
            if (!is_id(val))
                dct_error(p->d, p->file, al,
                          "<%s> model '%s' is not valid: expected the name "
                          "of a <%s-model>",
                          name, val, name);
            else {
                free(c->model_name);
                c->model_name = strdup(val);
            }
        } else {
            int i = dct_param_lookup((dct_type)t, an);
            if (i < 0 ||
                (is_model && !(et->params[i].flags & DCT_PF_MODEL))) {
                const char *ok = allowed_attrs((dct_type)t, is_model, list,
                                               sizeof list);
                dct_error(p->d, p->file, al,
                          "unknown attribute '%s' on <%s>: expected %s%s",
                          an, name, ok ? "one of " : "",
                          ok ? ok : "one of those listed in dctwin-site(5)");
            } else if (set_param(p, c, i, name, val, al) == 0) {
                if (et->params[i].kind == DCT_PK_ID &&
                    strcmp(an, "id") == 0) {
                    free(c->id);
                    c->id = strdup(val);
                }
                if (t == DCT_T_RACK && i == DCT_RACK_ID)
                    ids = c->s[i];
            } else if (t == DCT_T_RACK &&
                       (i == DCT_RACK_ID || i == DCT_RACK_COUNT)) {
                bad_rack = 1;
            }
        }
        xmlFree(v);
    }
    if (is_model && !has_name)
        dct_error(p->d, p->file, line,
                  "<%s> needs a name attribute (the name instances give as "
                  "model=)",
                  name);
    check_required(p, c, (dct_type)t, is_model, c->id, line);
    if (t == DCT_T_AMBIENT) {
        if (p->site->ambient)
            dct_error(p->d, p->file, line,
                      "<ambient> given twice: expected one (the first is at "
                      "%s:%ld)",
                      p->site->ambient->file, p->site->ambient->line);
        else
            p->site->ambient = c;
    }
    if (t == DCT_T_RACK && !is_model && !bad_rack) {
        int has_count = c->given[DCT_RACK_COUNT];
        if (ids && has_count)
            dct_error(p->d, p->file, line,
                      "<rack> has both id and count: expected one of them");
        else if (!ids && !has_count)
            dct_error(p->d, p->file, line,
                      "<rack> has neither id nor count: expected an id, an "
                      "id range such as A01..A18, or a count");
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
            if (s && *s) {
                /* quote the text up to 30 bytes, whole characters */
                size_t k = 0, len = strlen((const char *)s);
                while (len > 0 && isspace(s[len - 1]))
                    len--;
                while (k < len && k < 30)
                    k++;
                while (k > 0 && k < len && (s[k] & 0xC0) == 0x80)
                    k--;
                char q[40];
                for (size_t j = 0; j < k; j++)
                    q[j] = isspace(s[j]) ? ' ' : (char)s[j];
                q[k] = '\0';
                dct_error(p->d, p->file, line_of(n),
                          "unexpected text '%s%s' inside <%s%s>: expected "
                          "only elements and comments",
                          q, k < len ? "..." : "", dct_etypes[ptype].name,
                          pmodel ? "-model" : "");
            }
            break;
        }
        case XML_ENTITY_REF_NODE:
            dct_error(p->d, p->file, line_of(n),
                      "entity reference '&%s;' found: entities are not "
                      "allowed",
                      (const char *)n->name);
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
    xml_err_ctx ex = {p->d, p->file, "does not match the schema", 0};
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
        dct_error(p->d, p->file, 0,
                  "the document does not match the schema of "
                  "dctwin-site(5)");
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
                      "include cycle: '%s' is already being read (it "
                      "includes itself through this include); expected "
                      "libraries that do not include each other",
                      path);
            return -1;
        }
    if (p->depth >= DCT_MAX_INCLUDE_DEPTH) {
        dct_error(p->d, from_file, from_line,
                  "includes nested deeper than %d levels",
                  DCT_MAX_INCLUDE_DEPTH);
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
    if (!file) {
        dct_error(p->d, from_file ? from_file : path, from_line,
                  "out of memory");
        return -1;
    }
    size_t len = 0;
    char *buf = read_capped(path, &len, p->d, from_file, from_line);
    if (!buf)
        return -1;
    if (len == 0) {
        dct_error(p->d, file, 1, "the file is empty: expected an XML "
                  "document with the root element <%s>",
                  want_site ? "site" : "library");
        free(buf);
        return -1;
    }
    char msg[256];
    long bad_line = prescan(buf, len, msg, sizeof msg);
    if (!bad_line)
        bad_line = dct_xml_check_shape(buf, len, msg, sizeof msg);
    if (bad_line) {
        dct_error(p->d, file, bad_line, "%s", msg);
        free(buf);
        return -1;
    }
    const char *saved = p->file;
    p->file = file;
    p->stack[p->depth++] = real;
    xml_err_ctx ex = {p->d, file, "not well-formed XML", 0};
    xmlSetStructuredErrorFunc(&ex, on_xml_error);
    /* No XML_PARSE_NOENT (entities are not substituted), no DTDLOAD,
     * DTDATTR or DTDVALID, no XINCLUDE, no HUGE (libxml2's own limits on
     * depth and text size stay on), no network, and the text is read as
     * the UTF-8 the pre-scan checked, whatever it declares. */
    xmlDocPtr doc = xmlReadMemory(buf, (int)len, file, NULL,
                                  XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                      XML_PARSE_NOCDATA |
                                      XML_PARSE_IGNORE_ENC);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (doc) {
        src_scan sc = {buf, len, 0, 1, 0};
        scan_nodes(&sc, doc->children);
    }
    free(buf);
    int rc = -1;
    if (!doc) {
        if (ex.n == 0)
            dct_error(p->d, file, 1, "not a well-formed XML document");
        goto out;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset) { /* the pre-scan missed it */
        dct_error(p->d, file, 1, "<!DOCTYPE ...> found: DTDs and entity "
                  "declarations are not allowed");
        goto out;
    }
    const char *want = want_site ? "site" : "library";
    if (!root) {
        dct_error(p->d, file, 1, "no root element: expected <%s>", want);
        goto out;
    }
    if (root->ns) {
        namespaced_element(p, root, line_of(root));
        goto out;
    }
    if (strcmp((const char *)root->name, want) != 0) {
        dct_error(p->d, file, line_of(root),
                  "the root element is <%s>: expected <%s>%s",
                  (const char *)root->name, want,
                  want_site ? " (a facility description)"
                            : " in an included model library");
        goto out;
    }
    size_t errs_before = p->d->n_errors;
    dct_type rt = want_site ? DCT_T_SITE : DCT_T_LIBRARY;
    dct_comp *rc_comp = dct_site_add(p->site, rt, 0, file, line_of(root));
    if (!rc_comp) {
        if (!p->too_many)
            dct_error(p->d, file, line_of(root),
                      "too many elements: a site with its libraries may "
                      "have at most %ld",
                      DCT_MAX_COMPS);
        p->too_many = 1;
        goto out;
    }
    for (xmlAttrPtr a = root->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        xmlChar *v = xmlNodeListGetString(doc, a->children, 1);
        int i = a->ns ? -1 : dct_param_lookup(rt, an);
        if (i < 0)
            dct_error(p->d, file, attr_line(a, root),
                      "unknown attribute '%s%s%s' on <%s>: expected name, "
                      "description",
                      a->ns && a->ns->prefix ? (const char *)a->ns->prefix
                                             : "",
                      a->ns && a->ns->prefix ? ":" : "", an, want);
        else
            set_param(p, rc_comp, i, want, v ? (const char *)v : "",
                      attr_line(a, root));
        xmlFree(v);
    }
    if (want_site) {
        p->site->name = xstrdup(rc_comp->s[DCT_SITE_NAME]);
        p->site->description = xstrdup(rc_comp->s[DCT_SITE_DESCRIPTION]);
        if (!rc_comp->s[DCT_SITE_NAME])
            dct_error(p->d, file, line_of(root),
                      "<site> needs attribute 'name' (%s)",
                      dct_etypes[DCT_T_SITE].params[DCT_SITE_NAME].doc);
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

/* Apply one "--set TARGET.PARAM=VALUE": TARGET is an instance id (or a
 * glob over them) or a model name; the value is checked like the XML
 * attribute.  Runs before the checks, so that a model's new value reaches
 * every instance that does not give its own. */
static void apply_set(parse_ctx *p, const char *assign)
{
    char buf[512];
    p->file = "--set";
    if (snprintf(buf, sizeof buf, "%s", assign) >= (int)sizeof buf) {
        dct_error(p->d, p->file, 0, "'%.40s...' is too long", assign);
        return;
    }
    char *eq = strchr(buf, '='), *dot = NULL;
    for (char *q = buf; eq && q < eq; q++)
        if (*q == '.')
            dot = q;   /* the last dot before '=': ids may hold dots */
    if (!eq || !dot || dot == buf || dot + 1 == eq) {
        dct_error(p->d, p->file, 0, "'%s': expected ID.PARAM=VALUE, e.g. "
                  "cdu-1.supply-setpoint=40degC", assign);
        return;
    }
    *eq = '\0';
    *dot = '\0';
    const char *target = buf, *param = dot + 1, *val = eq + 1;
    int is_glob = strpbrk(target, "*?[") != NULL;
    /* "ambient" is the site's <ambient> element, which has no id; a site
     * without one gets one (its other attributes at their defaults) */
    int is_amb = strcmp(target, "ambient") == 0;
    if (is_amb) {
        size_t k = 0;
        while (k < p->site->n_comps &&
               (p->site->comps[k]->type != DCT_T_AMBIENT ||
                p->site->comps[k]->is_model))
            k++;
        if (k == p->site->n_comps &&
            !dct_site_add(p->site, DCT_T_AMBIENT, 0, p->site->file, 0)) {
            dct_error(p->d, p->file, 0, "out of memory");
            return;
        }
    }
    size_t n_hit = 0;
    for (size_t k = 0; k < p->site->n_comps; k++) {
        dct_comp *c = p->site->comps[k];
        if (is_amb ? c->type != DCT_T_AMBIENT || c->is_model
                   : !c->id || (is_glob ? c->is_model ||
                                              fnmatch(target, c->id, 0)
                                        : strcmp(c->id, target)))
            continue;
        const dct_etype *e = &dct_etypes[c->type];
        char elem[64];
        snprintf(elem, sizeof elem, "%s%s", e->name,
                 c->is_model ? "-model" : "");
        n_hit++;
        int i = dct_param_lookup(c->type, param);
        const dct_param *pr = i >= 0 ? &e->params[i] : NULL;
        if (!pr || (c->is_model && !(pr->flags & DCT_PF_MODEL))) {
            char hint[DCT_SUGGEST_MAX + 32];
            dct_error(p->d, p->file, 0, "'%s': <%s> %s has no parameter "
                      "'%s' (see dctwin-site(5))%s",
                      assign, elem, c->id ? c->id : "", param,
                      dct_suggest_text(hint, sizeof hint,
                                       dct_param_suggest(c->type, param)));
            return;
        }
        if (pr->kind == DCT_PK_REF || pr->kind == DCT_PK_REFS ||
            pr->kind == DCT_PK_IDS || pr->kind == DCT_PK_ID) {
            dct_error(p->d, p->file, 0, "'%s': '%s' names or links "
                      "components and cannot be changed with --set",
                      assign, param);
            return;
        }
        if (c->type == DCT_T_RACK && i == DCT_RACK_COUNT) {
            /* racks are expanded while the file is read: one record per
             * rack, each its own component by now */
            dct_error(p->d, p->file, 0, "'%s': a <rack>'s count is the "
                      "number of racks the element stands for, fixed when "
                      "the site is read; it cannot be changed with --set "
                      "(edit the site, or see dctwin capacity)", assign);
            return;
        }
        if (set_param(p, c, i, elem, val, 0) != 0)
            return;
    }
    if (!n_hit) {
        char hint[DCT_SUGGEST_MAX + 32];
        dct_error(p->d, p->file, 0, "'%s': the site has no component or "
                  "model named '%s'%s", assign, target,
                  dct_suggest_text(hint, sizeof hint,
                                   is_glob ? NULL
                                           : dct_site_suggest_id(p->site,
                                                                 target)));
    }
}

/* Add N racks of MODEL to ROW (NULL: the first row), named
 * "<row>-add01"...; each runs the profile and phase of the row's last
 * rack.  For `dctwin capacity`. */
static void add_racks(parse_ctx *p, const char *model, const char *row,
                      long n)
{
    dct_comp *rw = NULL, *last = NULL;
    for (size_t k = 0; k < p->site->n_comps; k++) {
        dct_comp *c = p->site->comps[k];
        if (!rw && c->type == DCT_T_ROW && !c->is_model &&
            (!row || strcmp(c->id, row) == 0))
            rw = c;
        if (rw && c->type == DCT_T_RACK && c->parent == rw)
            last = c;
    }
    p->file = "--add";
    if (!rw) {
        dct_error(p->d, p->file, 0, row ? "the site has no row '%s'"
                                        : "the site has no row%s",
                  row ? row : "");
        return;
    }
    if (n > DCT_MAX_RACKS) {
        dct_error(p->d, p->file, 0, "%ld racks: at most %ld", n,
                  DCT_MAX_RACKS);
        return;
    }
    for (long k = 1; k <= n; k++) {
        dct_comp *c = dct_site_add(p->site, DCT_T_RACK, 0, rw->file,
                                   rw->line);
        char buf[160];
        snprintf(buf, sizeof buf, "%s-add%02ld", rw->id, k);
        if (!c || !(c->id = strdup(buf)) ||
            !(c->model_name = strdup(model))) {
            dct_error(p->d, p->file, 0, "too many elements, or out of "
                      "memory, adding rack %ld", k);
            return;
        }
        c->parent = rw;
        if (last)
            for (int i = DCT_RACK_PROFILE; i <= DCT_RACK_PHASE; i++) {
                c->q[i] = last->q[i];
                c->given[i] = last->given[i];
                c->s[i] = xstrdup(last->s[i]);
            }
    }
}

static dct_site *load(const char *path, int want_site,
                      const dct_site_opts *o, dct_diag *d)
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
    for (size_t k = 0; o && k < o->n_sets && d->n_errors == before; k++)
        apply_set(&p, o->sets[k]);
    size_t first_added = s->n_comps;
    if (o && o->add_model && o->n_add > 0 && d->n_errors == before)
        add_racks(&p, o->add_model, o->add_row, o->n_add);
    if (d->n_errors == before)
        dct_site_check(s, d);
    /* the continuous relaxation of dctwin capacity: the added racks at a
     * fraction of their model's power and flow (same heat per flow) */
    if (o && o->add_scale > 0 && o->add_scale < 1 && d->n_errors == before)
        for (size_t k = first_added; k < s->n_comps; k++) {
            dct_comp *c = s->comps[k];
            if (c->type != DCT_T_RACK)
                continue;
            c->q[DCT_RACK_P_MAX] *= o->add_scale;
            c->q[DCT_RACK_P_IDLE] *= o->add_scale;
            c->q[DCT_RACK_FLOW] *= o->add_scale;
        }
    if (d->n_errors != before) {
        dct_site_free(s);
        return NULL;
    }
    return s;
}

dct_site *dct_site_load(const char *path, dct_diag *d)
{
    return load(path, 1, NULL, d);
}

dct_site *dct_site_load_set(const char *path, char *const *sets,
                            size_t n_sets, dct_diag *d)
{
    dct_site_opts o = {sets, n_sets, NULL, NULL, 0, 1};
    return load(path, 1, &o, d);
}

dct_site *dct_site_load_opts(const char *path, const dct_site_opts *o,
                             dct_diag *d)
{
    return load(path, 1, o, d);
}

dct_site *dct_site_load_library(const char *path, dct_diag *d)
{
    return load(path, 0, NULL, d);
}
