/* fuzz_units.c - fuzz target of the unit and quantity parser
 * (src/units.c): the first byte picks the expected unit (one of those the
 * component table uses), the rest is the text, given to
 * dct_quantity_parse, and also read as a unit expression by
 * dct_unit_parse, dct_unit_dim_name and dct_unit_from_si.  A quantity
 * that parses must be finite. */
#include "config.h"
#include "fuzzlib.h"
#include "units.h"

#include <math.h>
#include <stdlib.h>

static const char *const expects[] = {
    "", "1", "degC", "K", "s", "W", "m3", "W/s", "V", "1/K", "Pa", "Ohm",
    "K/W", "J/K", "F", "m3/s", "kg/s", "A", "1/s", "m3/s/W", "m", "Ohm/m",
    "K*m3/s/W", "K*m/W", "J/K/m", "J", "C", "%", "L/min", "kW", "Wh", "bar",
};
#define N_EXPECTS (sizeof expects / sizeof expects[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *expect = expects[data[0] % N_EXPECTS];
    char *text = fz_strndup(data + 1, size - 1);
    char err[256];
    double si = NAN;
    if (dct_quantity_parse(text, expect, &si, err, sizeof err) == 0 &&
        !isfinite(si))
        abort(); /* units.h: the result is always finite */
    dct_dim dim;
    double scale, offset;
    if (dct_unit_parse(text, &dim, &scale, &offset, err, sizeof err) == 0) {
        volatile double x = dct_unit_from_si(2.385, text);
        (void)x;
        (void)dct_unit_dim_name(text);
    }
    free(text);
    return 0;
}
