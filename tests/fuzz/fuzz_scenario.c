/* fuzz_scenario.c - fuzz target of the scenario reader (src/scenario.c):
 * the input is a scenario file, read against the shipped reference hall
 * (loaded once, read-only), its profile events applied to the site's
 * profiles and its weather (a weather= event reaches the shipped
 * weather-hot.csv beside it) sampled. */
#include "config.h"
#include "paths.h"
#include "fuzzlib.h"
#include "diag.h"
#include "profile.h"
#include "scenario.h"
#include "site.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Copy the shipped file SRC to REL in the private directory. */
static void copy_in(const char *src, const char *rel)
{
    FILE *f = fopen(src, "rb");
    if (!f)
        abort();
    static uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char path[512];
    if (!fz_write(rel, buf, n, path, sizeof path))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    static int is_ready;
    const dct_site *site = fz_site("sites/reference-hall.xml");
    if (!is_ready) {
        copy_in(DCT_SRCDIR "/tests/data/weather-hot.csv",
                "sites/weather-hot.csv");
        is_ready = 1;
    }
    char path[512];
    if (!fz_write("sites/scenario.xml", data, size, path, sizeof path))
        return 0;
    dct_diag d;
    dct_diag_init(&d);
    dct_scenario *sc = dct_scenario_load(path, site, &d);
    if (sc) {
        dct_profile_set *ps = dct_profile_set_new(site, NULL, 1, &d);
        if (ps && dct_scenario_apply_profiles(sc, site, ps, &d) == 0) {
            double t = 0, tb;
            for (int i = 0; i < 64 && dct_profile_next_breakpoint(ps, t, &tb);
                 i++) {
                (void)dct_profile_u(ps, 0, tb);
                t = tb;
            }
        }
        dct_profile_set_free(ps);
        double db = 300, wb = 290, t = -1, tb;
        dct_scenario_weather(sc, 0, &db, &wb);
        for (int i = 0; i < 64 && dct_scenario_weather_next(sc, t, &tb); i++) {
            dct_scenario_weather(sc, tb, &db, &wb);
            t = tb;
        }
        dct_scenario_free(sc);
    }
    fz_diag_done(&d);
    return 0;
}
