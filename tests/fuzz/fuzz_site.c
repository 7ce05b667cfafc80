/* fuzz_site.c - fuzz target of the site reader: the input is a site file
 * (or a model library), read through the real loader (size and shape
 * limits, libxml2 without DTD or network, the generated RELAX NG schema,
 * includes of the shipped models, then every check), printed as
 * validate's errors would be; a site that loads is built into a model
 * and summarised as `dctwin validate` does. */
#include "config.h"
#include "fuzzlib.h"
#include "cli.h"
#include "diag.h"
#include "model.h"
#include "site.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    char path[512];
    if (!fz_write("sites/site.xml", data, size, path, sizeof path))
        return 0;
    dct_diag d;
    dct_diag_init(&d);
    dct_site *s = dct_site_load(path, &d);
    fz_diag_done(&d);
    if (s) {
        dct_model *m = dct_model_build(s, NULL, &d);
        if (m) {
            /* the initial steady-state estimate, its right-hand side,
             * outputs and margins at t = 0 */
            const dct_ode *ode = dct_model_ode(m);
            size_t nm = dct_model_n_margins(m), no = dct_model_n_outputs(m);
            double *y = calloc(ode->n, sizeof *y);
            double *yd = calloc(ode->n, sizeof *yd);
            double *out = calloc(no + 1, sizeof *out);
            double *mg = calloc(nm + 1, sizeof *mg);
            if (y && yd && out && mg) {
                dct_model_initial_state(m, y);
                dct_model_start(m);
                ode->rhs(0, y, yd, ode->ctx);
                dct_model_outputs(m, 0, y, out);
                dct_model_margin_values(m, 0, y, mg);
            }
            free(y), free(yd), free(out), free(mg);
        }
        dct_model_free(m);
        dct_diag_clear(&d);
        dct_site_free(s);
        /* the whole command: the summary of a site that loads */
        char *argv[] = {"dctwin", "validate", path, NULL};
        dct_cli_main(3, argv);
    }
    dct_site_free(dct_site_load_library(path, &d));
    dct_diag_clear(&d);
    return 0;
}
