/* xmlread.h - read a small untrusted XML file (scenario, criteria) with
 * libxml2: size-capped, no DTD, no entities, no network, line numbers
 * kept; errors as "FILE:LINE: error: ...". */
#ifndef DCT_XMLREAD_H
#define DCT_XMLREAD_H

#include <libxml/tree.h>
#include "diag.h"

/* Parse PATH (at most DCT_MAX_FILE_BYTES) and check that its root element
 * is ROOT; WHAT names the kind of file in messages ("scenario").  Returns
 * the document (free with xmlFreeDoc) or NULL with errors in D. */
xmlDocPtr dct_xml_read(const char *path, const char *root, const char *what,
                       dct_diag *d);

/* Attribute NAME of N as a malloc'ed string, or NULL when absent. */
char *dct_xml_attr(xmlNodePtr n, const char *name);

#endif
