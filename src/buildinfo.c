/* buildinfo.c - the program's version, source revision and library
 * versions (buildinfo.h).  The library versions are those of the headers
 * compiled against (the shared libraries of one Debian release match
 * them); only their version macros are used here.
 */
#include "config.h"
#include "buildinfo.h"
#include "revision.h"

#include <stdio.h>

#include <gsl/gsl_version.h>
#include <klu.h>
#include <libxml/xmlversion.h>
#include <sundials/sundials_config.h>

const char *dct_build_revision(void)
{
    return DCT_REVISION[0] ? DCT_REVISION : "release " PACKAGE_VERSION;
}

const char *dct_build_libraries(char *buf, size_t n)
{
    snprintf(buf, n,
             "SUNDIALS %s (CVODE), SuiteSparse %d.%d.%d (KLU %d.%d.%d), "
             "GSL %s, libxml2 %s",
             SUNDIALS_VERSION, SUITESPARSE_MAIN_VERSION,
             SUITESPARSE_SUB_VERSION, SUITESPARSE_SUBSUB_VERSION,
             KLU_MAIN_VERSION, KLU_SUB_VERSION, KLU_SUBSUB_VERSION,
             GSL_VERSION, LIBXML_DOTTED_VERSION);
    return buf;
}
