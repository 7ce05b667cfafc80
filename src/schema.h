/* schema.h - RelaxNG schema and dctwin-site(5) reference, generated from
 * the component table so that the parser, the schema and the manual
 * cannot drift apart. */
#ifndef DCT_SCHEMA_H
#define DCT_SCHEMA_H

#include <stdio.h>

/* The RelaxNG schema of the facility format as a NUL-terminated string.
 * Caller frees with free().  NULL when out of memory. */
char *dct_schema_rng(void);

/* Write the ELEMENTS section of dctwin-site(5) (roff) to F. */
void dct_schema_man(FILE *f);

#endif
