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

/* Limits on the shape of an XML input, checked before libxml2 parses it
 * (its duplicate-attribute check is quadratic in the attributes of one
 * element: 10^5 of them took 16 s): attributes of one element, depth of
 * nesting, elements in one file. */
#define DCT_XML_MAX_ATTRS 256
#define DCT_XML_MAX_DEPTH 64
#define DCT_XML_MAX_ELEMENTS 1000000L

/* Check the text BUF (N bytes) of an XML file against the limits above
 * with a lexical scan (comments, CDATA sections, processing instructions
 * and quoted attribute values skipped).  Returns 0, or the line of the
 * first element over a limit with a message in MSG (MSGLEN bytes). */
long dct_xml_check_shape(const char *buf, size_t n, char *msg,
                         size_t msglen);

/* Write libxml2's message TEXT into MSG (MSGLEN bytes) on one line, with
 * its advice to use XML_PARSE_HUGE (an option of the library, not one a
 * dctwin user can set) replaced by what the limit means for the file. */
void dct_xml_message(const char *text, char *msg, size_t msglen);

/* Attribute NAME of N as a malloc'ed string, or NULL when absent. */
char *dct_xml_attr(xmlNodePtr n, const char *name);

#endif
