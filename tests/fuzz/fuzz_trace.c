/* fuzz_trace.c - fuzz target of the trace reader (a CSV load profile,
 * --profile FILE or <profile type="csv" file=...>, src/profile.c): the
 * input is the trace file, read as a one-rack profile set, then its load
 * and power sampled at and between its breakpoints. */
#include "config.h"
#include "fuzzlib.h"
#include "diag.h"
#include "profile.h"

#include <math.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    char path[512];
    if (!fz_write("sites/trace.csv", data, size, path, sizeof path))
        return 0;
    dct_diag d;
    dct_diag_init(&d);
    dct_profile_set *ps = dct_profile_set_single(NULL, path, 1, &d);
    if (ps) {
        double t = -1, tb;
        (void)dct_profile_u(ps, 0, -1);
        for (int i = 0; i < 256 && dct_profile_next_breakpoint(ps, t, &tb);
             i++) {
            (void)dct_profile_u(ps, 0, tb);
            (void)dct_profile_power(ps, 0, 0.5 * (t + tb), 13.2e3, 132e3);
            (void)dct_profile_jumps_at(ps, tb);
            t = tb;
        }
        (void)dct_profile_u(ps, 0, 1e12);
        (void)dct_profile_name(ps, 0);
        dct_profile_set_free(ps);
    }
    fz_diag_done(&d);
    return 0;
}
