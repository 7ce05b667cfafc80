/* diag.h - diagnostics: collected errors and warnings, and logging.
 *
 * Library code never prints and never exits.  It records what went wrong in
 * a dct_diag, which the caller (in the end main) prints as
 *   dctwin: FILE:LINE: error: MESSAGE
 * and maps to an exit status.  A dct_diag keeps going after the first error
 * so that a parser can report every problem of an input at once; it stops
 * recording (but keeps counting) after DCT_DIAG_MAX messages.
 */
#ifndef DCT_DIAG_H
#define DCT_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define DCT_DIAG_MAX 200

typedef enum dct_severity { DCT_WARNING, DCT_ERROR } dct_severity;

typedef struct dct_diag_msg {
    dct_severity sev;
    char *file;         /* owned; NULL when not about a file */
    long line;          /* 0 when unknown */
    char *text;         /* owned */
} dct_diag_msg;

typedef struct dct_diag {
    dct_diag_msg msg[DCT_DIAG_MAX];
    size_t n_msg;       /* recorded */
    size_t n_errors;    /* counted, including the ones not recorded */
    size_t n_warnings;
} dct_diag;

/* Initialise an empty diag (all zero is also a valid empty diag). */
void dct_diag_init(dct_diag *d);
/* Free the recorded messages; the diag is empty afterwards.  NULL is a no-op. */
void dct_diag_clear(dct_diag *d);

/* Record an error or warning.  FILE may be NULL, LINE 0.  printf-style. */
void dct_error(dct_diag *d, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void dct_warning(dct_diag *d, const char *file, long line, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));
void dct_verror(dct_diag *d, dct_severity sev, const char *file, long line,
                const char *fmt, va_list ap);

/* Print every recorded message to F, one per line, in the order recorded:
 * "dctwin: FILE:LINE: error: TEXT" (or without FILE:LINE when unknown),
 * and a final line "dctwin: N more errors not shown" when some were dropped. */
void dct_diag_print(const dct_diag *d, FILE *f);

/* Logging verbosity for progress and information messages on stderr:
 * 0 quiet (-q), 1 normal, 2 verbose (-v). */
extern int dct_verbosity;
void dct_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dct_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
