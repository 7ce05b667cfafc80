/* xmlread.c - small untrusted XML files (xmlread.h). */
#include "config.h"
#include "xmlread.h"
#include "site.h"
#include "fsutil.h"

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

static void on_error(void *ud, const xmlError *e)
{
    err_ctx *x = ud;
    if (!e || e->level < XML_ERR_ERROR || x->n++ >= 20)
        return;
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "bad XML");
    size_t l = strlen(msg);
    while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
        msg[--l] = '\0';
    dct_error(x->d, x->file, e->line, "%s", msg);
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
