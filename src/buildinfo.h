/* buildinfo.h - what this dctwin was built from: its version, the source
 * revision (from git at build time, when the source tree is a git
 * checkout) and the versions of the libraries it was compiled against.
 * For reports that must say exactly which program produced them.
 */
#ifndef DCT_BUILDINFO_H
#define DCT_BUILDINFO_H

#include <stddef.h>

/* The source revision: `git describe --always --dirty` of the source
 * tree at build time ("v0.1.0-12-gabc1234", "abc1234-dirty"), or
 * "release VERSION" when the tree was not a git checkout (a tarball).
 * Static string. */
const char *dct_build_revision(void);

/* The libraries' versions as one line, e.g. "SUNDIALS 6.4.1 (CVODE),
 * SuiteSparse 5.12.0 (KLU 1.3.9), GSL 2.7.1, libxml2 2.9.14", into BUF
 * (N bytes), returned. */
const char *dct_build_libraries(char *buf, size_t n);

#endif
