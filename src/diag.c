/* diag.c - collected diagnostics and stderr logging (see diag.h). */
#include "config.h"
#include "diag.h"
#include "escape.h"

#include <stdlib.h>
#include <string.h>

int dct_verbosity = 1;

void dct_diag_init(dct_diag *d)
{
    memset(d, 0, sizeof *d);
}

void dct_diag_clear(dct_diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_msg; i++) {
        free(d->msg[i].file);
        free(d->msg[i].text);
    }
    dct_diag_init(d);
}

/* Whether the same message was recorded already (same severity, file,
 * line and text): the racks of one id range share their element's line,
 * and one message per element says it all. */
static int is_repeat(const dct_diag *d, dct_severity sev, const char *file,
                     long line, const char *text)
{
    for (size_t i = d->n_msg; i-- > 0;) {
        const dct_diag_msg *m = &d->msg[i];
        if (m->sev == sev && m->line == line &&
            (m->file && file ? strcmp(m->file, file) == 0
                             : m->file == file) &&
            strcmp(m->text, text) == 0)
            return 1;
    }
    return 0;
}

void dct_verror(dct_diag *d, dct_severity sev, const char *file, long line,
                const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    if (is_repeat(d, sev, file, line, buf))
        return;
    if (sev == DCT_ERROR)
        d->n_errors++;
    else
        d->n_warnings++;
    if (d->n_msg >= DCT_DIAG_MAX)
        return;
    dct_diag_msg *m = &d->msg[d->n_msg];
    m->sev = sev;
    m->file = file ? strdup(file) : NULL;
    m->line = line;
    m->text = strdup(buf);
    if (!m->text || (file && !m->file)) { /* out of memory: count only */
        free(m->file);
        free(m->text);
        return;
    }
    d->n_msg++;
}

void dct_error(dct_diag *d, const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dct_verror(d, DCT_ERROR, file, line, fmt, ap);
    va_end(ap);
}

void dct_warning(dct_diag *d, const char *file, long line, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    dct_verror(d, DCT_WARNING, file, line, fmt, ap);
    va_end(ap);
}

void dct_diag_print(const dct_diag *d, FILE *f)
{
    /* file names and messages quote inputs: made safe for a terminal */
    char file[4 * 1024 + 8], text[4 * 1024 + 8];
    for (size_t i = 0; i < d->n_msg; i++) {
        const dct_diag_msg *m = &d->msg[i];
        const char *sev = m->sev == DCT_ERROR ? "error" : "warning";
        dct_esc_term(text, sizeof text, m->text);
        if (m->file)
            dct_esc_term(file, sizeof file, m->file);
        if (m->file && m->line > 0)
            fprintf(f, "dctwin: %s:%ld: %s: %s\n", file, m->line, sev, text);
        else if (m->file)
            fprintf(f, "dctwin: %s: %s: %s\n", file, sev, text);
        else
            fprintf(f, "dctwin: %s: %s\n", sev, text);
    }
    size_t total = d->n_errors + d->n_warnings;
    if (total > d->n_msg)
        fprintf(f, "dctwin: %zu more messages not shown\n", total - d->n_msg);
}

void dct_info(const char *fmt, ...)
{
    if (dct_verbosity < 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("dctwin: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void dct_debug(const char *fmt, ...)
{
    if (dct_verbosity < 2)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("dctwin: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
