/* units.h - physical quantities with units, converted to SI.
 *
 * Every quantity in a dctwin input carries a unit ("132 kW", "35 degC",
 * "1.2 L/min", "2 MW/s", "0.00839 K*L/min/W").  A unit expression is a
 * product of factors read left to right: FACTOR { ('*' | '/') FACTOR }, where a
 * factor is an optional SI prefix, a unit symbol and an optional integer power
 * written directly after it ("m3", "s2") or with a caret ("m^3").  '/' divides
 * by the single factor that follows it, so "K*L/min/W" is K·L·min⁻¹·W⁻¹.
 *
 * A dimension is the vector of exponents of the SI base units
 * (m, kg, s, A, K).  Absolute temperature is kept apart from a temperature
 * difference: "degC" and "degF" (also written with the degree sign) are
 * only accepted where an absolute temperature is expected (affine units:
 * T[K] = T[degC] + 273.15 = (T[degF] + 459.67) 5/9), while "K" is accepted
 * for both.  "%" is the dimensionless factor 0.01.  US customary units for
 * plant data sheets: ft, gal, gpm, CFM, BTU, ton (of refrigeration).
 */
#ifndef DCT_UNITS_H
#define DCT_UNITS_H

#include <stddef.h>

/* Dimension: exponents of m, kg, s, A, K and a flag for absolute temperature. */
typedef struct dct_dim {
    signed char e[5];   /* m, kg, s, A, K */
    int is_abs_temp;    /* 1 for an absolute temperature: dct_unit_parse sets
                           it for "degC" only, since "K" alone may be either;
                           dct_quantity_parse reads K as absolute when EXPECT
                           is "degC" */
} dct_dim;

/* Parse a unit expression UNIT (e.g. "kW", "L/min", "degC") into its
 * dimension DIM, SI scale factor *SCALE and offset *OFFSET, so that
 * value_SI = value * scale + offset.  An offset is non-zero only for an
 * absolute temperature scale (degC, degF).
 * Returns 0, or -1 with a message (at most ERRLEN bytes, NUL-terminated)
 * in ERR saying what is wrong ("unknown unit 'kWW'"). */
int dct_unit_parse(const char *unit, dct_dim *dim, double *scale,
                   double *offset, char *err, size_t errlen);

/* Parse a quantity TEXT ("132 kW", "35degC", "-4.5e3 W", "0.6") whose
 * expected dimension is given by the unit expression EXPECT (e.g. "W", "K",
 * "degC" for an absolute temperature, "" or "1" for a dimensionless number).
 * White space between the number and the unit is optional.  A dimensionless
 * expectation accepts a bare number or "%" ; every other expectation needs a
 * unit.  On success stores the SI value in *SI and returns 0.  On failure
 * returns -1 and writes a message to ERR such as
 *   "missing unit (expected a power, e.g. 'W')"
 *   "unit 'kg' has the wrong dimension (expected a power, e.g. 'W')"
 *   "unknown unit 'kWW'"            "not a number: 'abc'"
 * The result is always finite (NaN and infinities are refused). */
int dct_quantity_parse(const char *text, const char *expect, double *si,
                       char *err, size_t errlen);

/* Parse the plain decimal number at the start of TEXT: an optional sign,
 * digits with at most one '.', an optional exponent ("-4.5e3", ".5",
 * "7.").  No leading white space, hexadecimal, NaN or infinities: the
 * grammar of the number in dct_quantity_parse, for the CSV readers.  On
 * success stores the value in *V, the end of the number in *END and
 * returns 0; returns -1, with *END at TEXT, when TEXT does not start with
 * such a number or the value overflows. */
int dct_number_parse(const char *text, const char **end, double *v);

/* Human name of the dimension of unit expression UNIT ("power",
 * "temperature", "temperature difference", "volume flow", ...), or
 * "quantity" when it has no common name.  Never NULL. */
const char *dct_unit_dim_name(const char *unit);

/* Convert an SI value to the display unit UNIT (inverse of the parse):
 * returns (si - offset) / scale.  UNIT must be a valid unit expression;
 * on an invalid one returns si unchanged. */
double dct_unit_from_si(double si, const char *unit);

#endif
