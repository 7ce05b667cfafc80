/* fuzz_weather.c - fuzz target of the weather reader (a scenario's
 * weather= CSV, src/scenario.c): the input is the CSV file, read through a
 * fixed scenario against the shipped gb200-row site (loaded once,
 * read-only), then sampled at every row time. */
#include "config.h"
#include "paths.h"
#include "fuzzlib.h"
#include "diag.h"
#include "scenario.h"
#include "site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dct_site *site;
static char scn[512];

static void drop_site(void)
{
    dct_site_free(site);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    if (!site) {
        dct_diag d;
        dct_diag_init(&d);
        site = dct_site_load(DCT_SRCDIR "/sites/gb200-row.xml", &d);
        if (!site) {
            dct_diag_print(&d, stderr);
            abort();
        }
        dct_diag_clear(&d);
        atexit(drop_site);
        static const char text[] =
            "<scenario name=\"fuzz-weather\">\n"
            "  <event t=\"10 s\" weather=\"weather.csv\"/>\n"
            "</scenario>\n";
        if (!fz_write("sites/weather-scenario.xml", (const uint8_t *)text,
                      strlen(text), scn, sizeof scn))
            abort();
    }
    char path[512];
    if (!fz_write("sites/weather.csv", data, size, path, sizeof path))
        return 0;
    dct_diag d;
    dct_diag_init(&d);
    dct_scenario *sc = dct_scenario_load(scn, site, &d);
    if (sc) {
        double db = 300, wb = 290, t = -1, tb;
        for (int i = 0; i < 256 && dct_scenario_weather_next(sc, t, &tb);
             i++) {
            dct_scenario_weather(sc, tb, &db, &wb);
            dct_scenario_weather(sc, 0.5 * (t + tb), &db, &wb);
            t = tb;
        }
        dct_scenario_weather(sc, 1e12, &db, &wb);
        dct_scenario_free(sc);
    }
    FILE *nul = fopen("/dev/null", "w");
    if (nul) {
        dct_diag_print(&d, nul);
        fclose(nul);
    }
    dct_diag_clear(&d);
    return 0;
}
