/* fuzz_weather.c - fuzz target of the weather readers (a scenario's
 * weather= file, src/weather.c: dctwin's CSV, EPW or NSRDB TMY3 CSV):
 * the input is the file, read through a
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

static char scn[512];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_init();
    const dct_site *site = fz_site("sites/gb200-row.xml");
    if (!scn[0]) {
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
    fz_diag_done(&d);
    return 0;
}
