/* fuzzlib.h - what the fuzz targets of tests/fuzz share.
 *
 * Every target defines LLVMFuzzerTestOneInput (libFuzzer's entry point,
 * also driven by AFL++'s libAFLDriver and by driver.c, the plain main()
 * of `make check`).  A reader that takes a path gets the input written
 * to a file of a private directory made once per process (removed at
 * exit):
 *   DIR/sites/   the file under test (a site's "../models/x.xml" include
 *                then reaches DIR/models, a link to the source tree's
 *                models/, as it does for the shipped sites);
 *   DIR/run/     the run directory of the rundir target.
 * Nothing is kept between inputs: each target frees what it made and
 * leaves no state behind, so that a crash reproduces from its input
 * alone. */
#ifndef DCT_FUZZLIB_H
#define DCT_FUZZLIB_H

#include <stddef.h>
#include <stdint.h>

/* Once per process: the private directory, DCTWIN_MODELS_PATH and
 * DCTWIN_PLOTS_PATH set to the source tree's, standard output to
 * /dev/null (the commands' tables), quiet logging, libxml2 set up. */
void fz_init(void);

/* The private directory (fz_init first). */
const char *fz_dir(void);

/* Write DATA (SIZE bytes) to REL under the private directory, replacing
 * it; returns its path (a static buffer of the caller's: PATH, N bytes),
 * or NULL when it could not be written. */
const char *fz_write(const char *rel, const uint8_t *data, size_t size,
                     char *path, size_t n);

/* DATA as a NUL-terminated string (malloc'd; embedded NULs stay, so
 * the text ends at the first). */
char *fz_strndup(const uint8_t *data, size_t size);

struct dct_diag;
struct dct_site;
/* Format D's messages (to /dev/null: the formatting is under test, not
 * the text) and clear D. */
void fz_diag_done(struct dct_diag *d);

/* The shipped site REL (e.g. "sites/gb200-row.xml"; one per process),
 * loaded on the first call and kept, read-only, until exit; aborts when
 * it does not load. */
const struct dct_site *fz_site(const char *rel);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
