/* fuzz_criteria.c - fuzz target of the criteria reader (src/criteria.c)
 * and of what bess-report does with a criteria file before it simulates:
 * the input is a criteria file, read with dct_criteria_load (the ids of
 * the shipped criteria as the known checks), then given to
 * `dctwin bess-report` on the shipped BESS site, which reads it, sizes its
 * results, applies the site's thresholds and then stops, because its
 * --out (below /dev/null) cannot be made. */
#include "config.h"
#include "paths.h"
#include "fuzzlib.h"
#include "cli.h"
#include "criteria.h"
#include "diag.h"

#include <stdio.h>

/* The simulated checks of models/criteria/default.xml. */
static const char *const known[] = {
    "t4-ramp-pct", "t4-ramp-mw", "t4-ramp-stimulus", "t4-tracking",
    "t6-dr-fast", "t6-dr-slow", "t11-soc-min", "t11-soc-max",
    "t11-soc-drift", "t2-bus-deviation", "t2-bus-settling",
    "t3-limit-cycle", "t7-dip", "t8-bus-min", "t8-ride-through",
    "t9-gen-osc", "t10-black-start", "osc-0.1-2", "osc-2-3", "osc-3-30",
    "osc-0.1-20", "dev-1s", "step-t90", "c-rate", "overload-time", "rte",
    "t-cell", "ageing",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    char path[512];
    if (!fz_write("sites/criteria.xml", data, size, path, sizeof path))
        return 0;
    dct_diag d;
    dct_diag_init(&d);
    dct_criteria *cr = dct_criteria_load(
        path, known, sizeof known / sizeof known[0], &d);
    if (cr) {
        (void)dct_criteria_get(cr, "t7-dip");
        dct_criteria_free(cr);
        char *argv[] = {"dctwin", "bess-report",
                        DCT_SRCDIR "/sites/bess-qual.xml", "--bess", "bess-1",
                        "--criteria", path, "--out", "/dev/null/report",
                        "-q", NULL};
        dct_cli_main(10, argv);
    }
    fz_diag_done(&d);
    return 0;
}
