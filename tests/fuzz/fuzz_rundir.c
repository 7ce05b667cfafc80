/* fuzz_rundir.c - fuzz target of the run-directory readers: what
 * `dctwin margins DIR` and `dctwin plot DIR` read from a run directory
 * (timeseries.csv, margins.csv, margins.txt, margins.json, run.json,
 * grid.csv, ...).
 *
 * The input holds the files, each after a line "@@ NAME" (NAME one of
 * those below; text before the first such line is ignored, a file not
 * given is absent), e.g.
 *   @@ timeseries.csv
 *   t_s,A01.T_j_degC
 *   0,60
 *   @@ margins.csv
 *   ...
 * They are written into a run directory with a manifest.sha256 of them
 * (so that a reader that checks the run is complete reads on), then the
 * directory is read as `dctwin plot` does, drawing nothing
 * (dct_plot_read_run), and printed by `dctwin margins DIR` in its three
 * formats. */
#include "config.h"
#include "fuzzlib.h"
#include "cli.h"
#include "diag.h"
#include "fsutil.h"
#include "plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const names[] = {
    "timeseries.csv", "margins.csv", "margins.txt", "margins.json",
    "run.json", "grid.csv", "events.csv", "margins-over-time.csv",
};
#define N_NAMES (sizeof names / sizeof names[0])

/* The file named by the header line at P (after "@@ "), or -1. */
static int name_at(const uint8_t *p, const uint8_t *end)
{
    for (size_t i = 0; i < N_NAMES; i++) {
        size_t l = strlen(names[i]);
        if ((size_t)(end - p) >= l + 1 && memcmp(p, names[i], l) == 0 &&
            p[l] == '\n')
            return (int)i;
    }
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/run", fz_dir());
    for (size_t i = 0; i < N_NAMES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    /* split at the lines "@@ NAME" */
    const uint8_t *end = data + size;
    int cur = -1;
    const uint8_t *start = NULL;
    int written[N_NAMES] = {0};
    for (const uint8_t *p = data; p <= end;) {
        const uint8_t *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        const uint8_t *next = nl ? nl + 1 : end;
        int k = -1;
        if (p == end || (end - p >= 3 && memcmp(p, "@@ ", 3) == 0 &&
                         (k = name_at(p + 3, end)) >= 0)) {
            if (cur >= 0) {
                char rel[64];
                snprintf(rel, sizeof rel, "run/%s", names[cur]);
                if (fz_write(rel, start, (size_t)(p - start), path,
                             sizeof path))
                    written[cur] = 1;
            }
            if (p == end)
                break;
            cur = k;
            start = next;
        }
        p = next;
    }
    /* the manifest, in sha256sum(1) format */
    snprintf(path, sizeof path, "%s/manifest.sha256", dir);
    FILE *mf = fopen(path, "w");
    for (size_t i = 0; mf && i < N_NAMES; i++) {
        char file[600], hex[65];
        snprintf(file, sizeof file, "%s/%s", dir, names[i]);
        if (written[i] && dct_sha256_file(file, hex) == 0)
            fprintf(mf, "%s  %s\n", hex, names[i]);
    }
    if (mf)
        fclose(mf);

    dct_diag d;
    dct_diag_init(&d);
    (void)dct_plot_read_run(dir, &d);
    fz_diag_done(&d);
    static const char *const formats[] = {"text", "json", "csv"};
    for (size_t i = 0; i < 3; i++) {
        char *argv[] = {"dctwin", "margins", dir, "--format",
                        (char *)formats[i], NULL};
        dct_cli_main(5, argv);
    }
    return 0;
}
