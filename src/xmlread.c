/* xmlread.c - small untrusted XML files (xmlread.h). */
#include "config.h"
#include "xmlread.h"
#include "site.h"
#include "fsutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>

typedef struct err_ctx {
    dct_diag *d;
    const char *file;
    int n;
} err_ctx;

void dct_xml_message(const char *text, char *msg, size_t msglen)
{
    snprintf(msg, msglen, "%s", text ? text : "bad XML");
    size_t l = strlen(msg);
    while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
        msg[--l] = '\0';
    for (char *q = msg; *q; q++)
        if (*q == '\n' || *q == '\r' || *q == '\t')
            *q = ' ';
    char *h = strstr(msg, "XML_PARSE_HUGE");
    if (!h)
        return;
    /* "... 256 use XML_PARSE_HUGE option": cut from "use" (or ", use") */
    char *cut = h;
    while (cut > msg && cut[-1] == ' ')
        cut--;
    if (cut - msg >= 3 && strncmp(cut - 3, "use", 3) == 0)
        cut -= 3;
    while (cut > msg && (cut[-1] == ' ' || cut[-1] == ','))
        cut--;
    *cut = '\0';
    l = strlen(msg);
    snprintf(msg + l, msglen - l, "%s(over a limit of the XML parser: "
             "the file is too deeply nested or holds a name or text too "
             "long)", l ? " " : "");
}

static void on_error(void *ud, const xmlError *e)
{
    err_ctx *x = ud;
    if (!e || e->level < XML_ERR_ERROR || x->n++ >= 20)
        return;
    char msg[512];
    dct_xml_message(e->message, msg, sizeof msg);
    dct_error(x->d, x->file, e->line, "%s", msg);
}

/* Skip from BUF[*I] past the first END (of LEN bytes), counting lines. */
static int skip_past(const char *buf, size_t n, size_t *i, const char *end,
                     size_t len, long *line)
{
    for (; *i + len <= n; (*i)++) {
        if (memcmp(buf + *i, end, len) == 0) {
            *i += len;
            return 0;
        }
        if (buf[*i] == '\n')
            (*line)++;
    }
    *i = n;
    return -1;
}

long dct_xml_check_shape(const char *buf, size_t n, char *msg,
                         size_t msglen)
{
    long line = 1, depth = 0, n_elem = 0;
    size_t i = 0;
    while (i < n) {
        if (buf[i] == '\n')
            line++;
        if (buf[i] != '<') {
            i++;
            continue;
        }
        if (i + 4 <= n && memcmp(buf + i, "<!--", 4) == 0) {
            i += 4;
            skip_past(buf, n, &i, "-->", 3, &line);
        } else if (i + 9 <= n && memcmp(buf + i, "<![CDATA[", 9) == 0) {
            i += 9;
            skip_past(buf, n, &i, "]]>", 3, &line);
        } else if (i + 2 <= n && buf[i + 1] == '?') {
            i += 2;
            skip_past(buf, n, &i, "?>", 2, &line);
        } else if (i + 2 <= n && (buf[i + 1] == '!' || buf[i + 1] == '/')) {
            if (buf[i + 1] == '/')
                depth--;
            i += 2;
            skip_past(buf, n, &i, ">", 1, &line);
        } else {
            /* a start tag: count its attributes ('=' outside quotes) */
            long at = line, n_attr = 0;
            char q = 0, prev = 0;
            for (i++; i < n; i++) {
                char c = buf[i];
                if (c == '\n')
                    line++;
                if (q) {
                    if (c == q)
                        q = 0;
                } else if (c == '"' || c == '\'') {
                    q = c;
                } else if (c == '=') {
                    n_attr++;
                } else if (c == '>') {
                    break;
                }
                if (!isspace((unsigned char)c))
                    prev = c;
            }
            i++;
            if (n_attr > DCT_XML_MAX_ATTRS) {
                snprintf(msg, msglen, "an element with %ld attributes: at "
                         "most %d are allowed", n_attr, DCT_XML_MAX_ATTRS);
                return at;
            }
            if (++n_elem > DCT_XML_MAX_ELEMENTS) {
                snprintf(msg, msglen, "more than %ld elements in one file",
                         DCT_XML_MAX_ELEMENTS);
                return at;
            }
            if (prev != '/' && ++depth > DCT_XML_MAX_DEPTH) {
                snprintf(msg, msglen, "elements nested more than %d deep",
                         DCT_XML_MAX_DEPTH);
                return at;
            }
        }
    }
    return 0;
}

xmlDocPtr dct_xml_read(const char *path, const char *root, const char *what,
                       dct_diag *d)
{
    char *buf = NULL;
    xmlDocPtr doc = NULL;
    FILE *f = NULL;
    struct stat st;
    char why[200] = "cannot get its size";
    if (!(f = dct_open_regular(path, DCT_MAX_FILE_BYTES, why, sizeof why)) ||
        fstat(fileno(f), &st) != 0) {
        dct_error(d, path, 0, "cannot read the %s file: %s", what, why);
        goto done;
    }
    size_t len = (size_t)st.st_size;
    if (!(buf = malloc(len + 1))) {
        dct_error(d, path, 0, "out of memory");
        goto done;
    }
    if (fread(buf, 1, len, f) != len) {
        dct_error(d, path, 0, "read error");
        goto done;
    }
    buf[len] = '\0';
    if (strstr(buf, "<!DOCTYPE") || strstr(buf, "<!ENTITY")) {
        dct_error(d, path, 1, "DOCTYPE and ENTITY declarations are not "
                  "allowed (no DTDs, no entities)");
        goto done;
    }
    char msg[256];
    long bad_line = dct_xml_check_shape(buf, len, msg, sizeof msg);
    if (bad_line) {
        dct_error(d, path, bad_line, "%s", msg);
        goto done;
    }
    err_ctx ex = {d, path, 0};
    xmlSetStructuredErrorFunc(&ex, (xmlStructuredErrorFunc)on_error);
    doc = xmlReadMemory(buf, (int)len, path, NULL,
                        XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc) {
        if (!ex.n)
            dct_error(d, path, 0, "not a well-formed XML document");
        goto done;
    }
    xmlNodePtr r = xmlDocGetRootElement(doc);
    if (!r || strcmp((const char *)r->name, root) != 0) {
        dct_error(d, path, r ? xmlGetLineNo(r) : 1,
                  "the root element of a %s file must be <%s>", what, root);
        xmlFreeDoc(doc);
        doc = NULL;
    }
done:
    free(buf);
    if (f)
        fclose(f);
    return doc;
}

char *dct_xml_attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}
