/* check_units.c - unit tests for src/units.c (quantities with units). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* Relative tolerance for conversions that are exact up to rounding. */
#define REL 1e-12

static double rel_tol(double expected)
{
    return fabs(expected) * REL + 1e-300;
}

/* Parse TEXT against EXPECT, which must succeed, and compare with WANT. */
#define OK(text, expect, want)                                              \
    do {                                                                    \
        double si_ = -12345.678;                                            \
        char err_[256] = "";                                                \
        int rc_ = dct_quantity_parse((text), (expect), &si_, err_,          \
                                     sizeof err_);                          \
        ck_assert_msg(rc_ == 0, "'%s' as '%s' failed: %s", (text),          \
                      (expect), err_);                                      \
        ck_assert_double_eq_tol(si_, (want), rel_tol(want));                \
    } while (0)

/* Parse TEXT against EXPECT, which must fail with a message holding PHRASE. */
#define BAD(text, expect, phrase)                                           \
    do {                                                                    \
        double si_ = -12345.678;                                            \
        char err_[256] = "";                                                \
        int rc_ = dct_quantity_parse((text), (expect), &si_, err_,          \
                                     sizeof err_);                          \
        ck_assert_msg(rc_ == -1, "'%s' as '%s' accepted (%g)", (text),      \
                      (expect), si_);                                       \
        ck_assert_msg(strstr(err_, (phrase)) != NULL,                       \
                      "'%s' as '%s': message '%s' lacks '%s'", (text),      \
                      (expect), err_, (phrase));                            \
    } while (0)

/* --- dct_unit_parse: every symbol ------------------------------------------ */

typedef struct sym_case {
    const char *unit;
    double scale;
    signed char e[5];   /* m, kg, s, A, K */
} sym_case;

static const sym_case SYM_CASES[] = {
    { "m",    1.0,            {  1,  0,  0,  0,  0 } },
    { "g",    1e-3,           {  0,  1,  0,  0,  0 } },
    { "kg",   1.0,            {  0,  1,  0,  0,  0 } },
    { "s",    1.0,            {  0,  0,  1,  0,  0 } },
    { "min",  60.0,           {  0,  0,  1,  0,  0 } },
    { "h",    3600.0,         {  0,  0,  1,  0,  0 } },
    { "A",    1.0,            {  0,  0,  0,  1,  0 } },
    { "K",    1.0,            {  0,  0,  0,  0,  1 } },
    { "W",    1.0,            {  2,  1, -3,  0,  0 } },
    { "J",    1.0,            {  2,  1, -2,  0,  0 } },
    { "Wh",   3600.0,         {  2,  1, -2,  0,  0 } },
    { "V",    1.0,            {  2,  1, -3, -1,  0 } },
    { "F",    1.0,            { -2, -1,  4,  2,  0 } },
    { "Ohm",  1.0,            {  2,  1, -3, -2,  0 } },
    { "Pa",   1.0,            { -1,  1, -2,  0,  0 } },
    { "bar",  1e5,            { -1,  1, -2,  0,  0 } },
    { "psi",  6894.757293168, { -1,  1, -2,  0,  0 } },
    { "L",    1e-3,           {  3,  0,  0,  0,  0 } },
    { "Hz",   1.0,            {  0,  0, -1,  0,  0 } },
    { "N",    1.0,            {  1,  1, -2,  0,  0 } },
    { "C",    1.0,            {  0,  0,  1,  1,  0 } },
    { "Ah",   3600.0,         {  0,  0,  1,  1,  0 } },
    { "%",    0.01,           {  0,  0,  0,  0,  0 } },
    { "1",    1.0,            {  0,  0,  0,  0,  0 } },
    /* compound ones */
    { "L/min",     1e-3 / 60.0,          {  3,  0, -1,  0,  0 } },
    { "m3/h",      1.0 / 3600.0,         {  3,  0, -1,  0,  0 } },
    { "m^3/h",     1.0 / 3600.0,         {  3,  0, -1,  0,  0 } },
    { "kg/s",      1.0,                  {  0,  1, -1,  0,  0 } },
    { "MW/s",      1e6,                  {  2,  1, -4,  0,  0 } },
    { "K/W",       1.0,                  { -2, -1,  3,  0,  1 } },
    { "J/K",       1.0,                  {  2,  1, -2,  0, -1 } },
    { "kW/K",      1e3,                  {  2,  1, -3,  0, -1 } },
    { "W/m/K",     1.0,                  {  1,  1, -3,  0, -1 } },
    { "K*L/min/W", 1e-3 / 60.0,          {  1, -1,  2,  0,  1 } },
    { "L/min/kW",  1e-3 / 60.0 / 1e3,    {  1, -1,  2,  0,  0 } },
    { "1/h",       1.0 / 3600.0,         {  0,  0, -1,  0,  0 } },
    { "s^-1",      1.0,                  {  0,  0, -1,  0,  0 } },
    { "km2",       1e6,                  {  2,  0,  0,  0,  0 } },
    { "km^2",      1e6,                  {  2,  0,  0,  0,  0 } },
    { "cm3",       1e-6,                 {  3,  0,  0,  0,  0 } },
    { "ms^-2",     1e6,                  {  0,  0, -2,  0,  0 } },
    { "kg*m/s2",   1.0,                  {  1,  1, -2,  0,  0 } },
    { " kg / s ",  1.0,                  {  0,  1, -1,  0,  0 } },
    { "kWh",       3.6e6,                {  2,  1, -2,  0,  0 } },
    { "mAh",       3.6,                  {  0,  0,  1,  1,  0 } },
    { "mOhm",      1e-3,                 {  2,  1, -3, -2,  0 } },
    { "mmin",      0.06,                 {  0,  0,  1,  0,  0 } },
    { "",          1.0,                  {  0,  0,  0,  0,  0 } },
};

START_TEST(test_unit_symbols)
{
    const sym_case *c = &SYM_CASES[_i];
    dct_dim d;
    double scale = -1.0, offset = -1.0;
    char err[128] = "";
    int k;

    ck_assert_msg(dct_unit_parse(c->unit, &d, &scale, &offset, err,
                                 sizeof err) == 0,
                  "unit '%s' refused: %s", c->unit, err);
    ck_assert_double_eq_tol(scale, c->scale, rel_tol(c->scale));
    ck_assert_double_eq(offset, 0.0);
    ck_assert_int_eq(d.is_abs_temp, 0);
    for (k = 0; k < 5; k++)
        ck_assert_msg(d.e[k] == c->e[k], "unit '%s': exponent %d is %d, "
                      "not %d", c->unit, k, d.e[k], c->e[k]);
}
END_TEST

START_TEST(test_unit_degc)
{
    dct_dim d;
    double scale = -1.0, offset = -1.0;

    ck_assert_int_eq(dct_unit_parse("degC", &d, &scale, &offset, NULL, 0), 0);
    ck_assert_int_eq(d.is_abs_temp, 1);
    ck_assert_int_eq(d.e[0], 0);
    ck_assert_int_eq(d.e[1], 0);
    ck_assert_int_eq(d.e[2], 0);
    ck_assert_int_eq(d.e[3], 0);
    ck_assert_int_eq(d.e[4], 1);
    ck_assert_double_eq_tol(scale, 1.0, 1e-15);
    ck_assert_double_eq_tol(offset, 273.15, 1e-12);
}
END_TEST

/* --- customary units and degree signs (NIST SP 811, 2008, App. B) -------- */

START_TEST(test_customary)
{
    /* Fahrenheit: 95 degF = 35 degC; -40 is the same on both scales;
     * 32 degF freezes water. */
    OK("95 degF", "degC", 308.15);
    OK("-40degF", "degC", 233.15);
    OK("32 \xc2\xb0" "F", "degC", 273.15);
    OK("212 \xe2\x84\x89", "degC", 373.15);
    OK("35 \xc2\xb0" "C", "degC", 308.15);
    OK("35\xe2\x84\x83", "degC", 308.15);
    /* flows: a US gallon is 231 in3 = 3.785411784 L; a foot 0.3048 m */
    OK("264.172052358 gpm", "L/min", 1000.0 / 60000.0 * 1.0);
    OK("1 gpm", "m3/s", 3.785411784e-3 / 60.0);
    OK("1000 CFM", "m3/s", 1000.0 * 0.028316846592 / 60.0);
    OK("1 ft3/min", "m3/s", 0.028316846592 / 60.0);
    OK("2 gal/min", "m3/s", 2.0 * 3.785411784e-3 / 60.0);
    /* refrigeration: 1 ton = 12,000 Btu/h = 3.516853 kW */
    OK("1 ton", "W", 3516.8528420666667);
    OK("12000 BTU/h", "W", 3516.8528420666667);
    OK("0.5 psi", "Pa", 3447.378646584);
    /* a temperature difference takes K, not a degree */
    BAD("5 degF", "K", "absolute temperature");
    BAD("5 \xc2\xb0" "C", "K", "absolute temperature");
    BAD("3 ton", "L/min", "wrong dimension");
}
END_TEST

/* --- dct_unit_parse: refused expressions ------------------------------------ */

typedef struct bad_unit {
    const char *unit;
    const char *phrase;
} bad_unit;

static const bad_unit BAD_UNITS[] = {
    { "kWW",      "unknown unit 'kWW'" },
    { "kdegC",    "'degC' takes no prefix" },
    { "degC2",    "'degC' takes no prefix" },
    { "degC^2",   "'degC' takes no prefix" },
    { "degC/s",   "'degC' takes no prefix" },
    { "W*degC",   "'degC' takes no prefix" },
    { "DEGC",     "unknown unit" },
    { "kdegF",    "'degF' takes no prefix" },
    { "degF/W",   "'degF' takes no prefix" },
    { "\xc2\xb0" "C/W", "a degree sign" },
    { "W/\xc2\xb0" "C", "a degree sign" },
    { "kgpm",     "unknown unit" },
    { "kton",     "unknown unit" },
    { "gal2",     "takes no power" },
    { "w",        "unknown unit 'w'" },      /* case-sensitive */
    { "ohm",      "unknown unit" },
    { "D",        "unknown unit 'D'" },      /* the day is d */
    { "k%",       "unknown unit" },
    { "k",        "unknown unit 'k'" },
    { "kW junk",  "expected '*' or '/' before 'junk'" },
    { "kW/",      "missing at the end" },
    { "*W",       "expected a unit symbol" },
    { "W//s",     "expected a unit symbol" },
    { "m^",       "'^' must be followed by an integer power" },
    { "m^x",      "'^' must be followed by an integer power" },
    { "m0",       "a power must be between 1 and 9" },
    { "m10",      "a power must be between 1 and 9" },
    { "m^-12",    "a power must be between 1 and 9" },
    { "m^99999999999999999999999", "a power must be between 1 and 9" },
    { "%2",       "takes no power" },
    { "W\xc2\xb7s", "expected '*' or '/'" },  /* no middle dot */
    { "m9*m9*m9", "exponent out of range" },
    { "12",       "takes no power" },
    { "1h",       "unknown unit" },
    { "0123456789012345678901234567890123456789012345678901234567890123W",
      "too long" },
};

START_TEST(test_unit_bad)
{
    const bad_unit *c = &BAD_UNITS[_i];
    dct_dim d;
    double scale = 0.0, offset = 0.0;
    char err[256] = "";

    ck_assert_msg(dct_unit_parse(c->unit, &d, &scale, &offset, err,
                                 sizeof err) == -1,
                  "unit '%s' accepted", c->unit);
    ck_assert_msg(strstr(err, c->phrase) != NULL,
                  "unit '%s': message '%s' lacks '%s'", c->unit, err,
                  c->phrase);
}
END_TEST

START_TEST(test_unit_length_limit)
{
    char u[80];
    dct_dim d;
    double scale, offset;
    int k;

    /* 64 characters: "m2/m*m/m...": exponent 2 - 16 + 15 = 1. */
    strcpy(u, "m2");
    for (k = 0; k < 31; k++)
        strcat(u, k % 2 ? "*m" : "/m");
    ck_assert_uint_eq(strlen(u), 64);
    ck_assert_int_eq(dct_unit_parse(u, &d, &scale, &offset, NULL, 0), 0);
    ck_assert_int_eq(d.e[0], 1);
    ck_assert_double_eq_tol(scale, 1.0, 1e-15);
    /* 65 characters: "m/m*m/m...", also of exponent 1, refused for length. */
    strcpy(u, "m");
    for (k = 0; k < 32; k++)
        strcat(u, k % 2 ? "*m" : "/m");
    ck_assert_uint_eq(strlen(u), 65);
    ck_assert_int_eq(dct_unit_parse(u, &d, &scale, &offset, NULL, 0), -1);
}
END_TEST

/* --- dct_quantity_parse: prefixes ------------------------------------------ */

START_TEST(test_prefixes)
{
    OK("2.385 nW", "W", 2.385e-9);
    OK("2.385 uW", "W", 2.385e-6);
    OK("2.385 mW", "W", 2.385e-3);
    OK("2.385 cW", "W", 2.385e-2);
    OK("2.385 kW", "W", 2385.0);
    OK("2.385 MW", "W", 2.385e6);
    OK("2.385 GW", "W", 2.385e9);
    OK("2.385 TW", "W", 2.385e12);
    OK("7.31 cm", "m", 0.0731);
    OK("7.31 mm", "m", 0.00731);
    OK("7.31 um", "m", 7.31e-6);
    OK("7.31 nm", "m", 7.31e-9);
    OK("7.31 km", "m", 7310.0);
    OK("7.31 mg", "kg", 7.31e-6);
    OK("7.31 g", "kg", 7.31e-3);
    OK("7.31 kg", "kg", 7.31);
    OK("7.31 ms", "s", 7.31e-3);
    OK("7.31 uF", "F", 7.31e-6);
    OK("7.31 mA", "A", 7.31e-3);
    OK("7.31 kV", "V", 7310.0);
    OK("7.31 kPa", "Pa", 7310.0);
    OK("7.31 MPa", "Pa", 7.31e6);
    OK("7.31 GJ", "J", 7.31e9);
    OK("7.31 kHz", "Hz", 7310.0);
    OK("7.31 kN", "N", 7310.0);
    OK("7.31 mC", "C", 7.31e-3);
    OK("7.31 mL", "m3", 7.31e-6);
    /* The prefix is raised with the symbol: km2 = (1e3 m)^2. */
    OK("2.385 km2", "m2", 2.385e6);
    OK("2.385 cm^3", "m3", 2.385e-6);
    OK("2.385 mm^2", "m2", 2.385e-6);
}
END_TEST

/* --- dct_quantity_parse: the quantities of the brief ------------------------ */

START_TEST(test_quantities)
{
    OK("132 kW", "W", 132000.0);
    OK("132kW", "W", 132000.0);
    OK("-4.5e3 W", "W", -4500.0);
    OK("+17.25 kW", "kW", 17250.0);  /* EXPECT fixes the dimension only */
    OK("1.2 L/min", "m3/s", 2e-5);
    OK("1.2 L/min", "L/min", 2e-5);
    OK("4 MWh", "J", 1.44e10);
    OK("3.717 kWh", "J", 1.33812e7);
    OK("2 MW/s", "W/s", 2e6);
    OK("0.5 F", "F", 0.5);
    OK("30 mOhm", "Ohm", 0.03);
    OK("2 bar", "Pa", 2e5);
    OK("40 psi", "Pa", 275790.29172672);
    OK("10 min", "s", 600.0);
    OK("1 h", "s", 3600.0);
    OK("2.75 h", "s", 9900.0);
    OK("7d", "s", 604800.0);               /* the day unit (issue 16) */
    OK("365d", "s", 31536000.0);
    OK("1y", "s", 8760.0 * 3600.0);        /* a typical year: 8,760 h */
    OK("0.5 y", "s", 4380.0 * 3600.0);
    OK("2.385 1/d", "Hz", 2.385 / 86400.0);
    BAD("7 kd", "s", "unknown unit 'kd'");   /* no kilo-day */
    BAD("3 d", "W", "wrong dimension");
    OK("7.3 Ah", "C", 26280.0);
    OK("0.00839 K*L/min/W", "K*L/min/W", 0.00839e-3 / 60.0);
    OK("1.5 L/min/kW", "m3/s/W", 1.5e-3 / 60.0 / 1e3);
    OK("3.25 K/W", "K/W", 3.25);
    OK("4.2 kJ/K", "J/K", 4200.0);
    OK("6.5 kW/K", "W/K", 6500.0);
    OK("0.597 W/m/K", "W/m/K", 0.597);
    OK("14.4 m3/h", "m3/s", 0.004);
    OK("0.8 kg/s", "kg/s", 0.8);
    OK("2.5 1/h", "Hz", 2.5 / 3600.0);
    OK("  61.3   kW  ", "W", 61300.0);
    OK(".25 kW", "W", 250.0);
    OK("2.5e-310 W", "W", 2.5e-310);    /* underflow is not an error */
}
END_TEST

/* --- temperatures -------------------------------------------------------- */

START_TEST(test_temperatures)
{
    OK("35 degC", "degC", 308.15);
    OK("35degC", "degC", 308.15);
    OK("-12.4 degC", "degC", 260.75);
    OK("308.15 K", "degC", 308.15);  /* K read as an absolute temperature */
    OK("293.7 K", "degC", 293.7);
    OK("8 K", "K", 8.0);
    OK("-3.7 K", "K", -3.7);
    OK("8.6 mK", "K", 8.6e-3);
    BAD("8 degC", "K", "unit 'degC' is an absolute temperature; a "
        "temperature difference takes 'K'");
    BAD("8 degC", "K/W", "has the wrong dimension");
    BAD("8 degC", "W", "unit 'degC' has the wrong dimension (expected a "
        "power, e.g. 'W')");
    BAD("35", "degC", "missing unit (expected a temperature, e.g. 'degC')");
    BAD("8", "K", "missing unit (expected a temperature difference, "
        "e.g. 'K')");
    BAD("35 kdegC", "degC", "'degC' takes no prefix");
    BAD("35 degC2", "degC", "'degC' takes no prefix");
    BAD("35 W", "degC", "unit 'W' has the wrong dimension (expected a "
        "temperature, e.g. 'degC')");
    BAD("-300 degC", "degC", "below absolute zero");
    BAD("-0.5 K", "degC", "below absolute zero");
}
END_TEST

/* --- dimensionless ------------------------------------------------------- */

START_TEST(test_dimensionless)
{
    OK("60 %", "", 0.6);
    OK("60%", "1", 0.6);
    OK("0.6", "", 0.6);
    OK("0.6", "1", 0.6);
    OK("  0.873  ", "", 0.873);
    OK("2.5 W/kW", "", 2.5e-3);
    OK("37.5 %", "%", 0.375);   /* "%" is a dimensionless expectation too */
    OK("0.375", "%", 0.375);
    BAD("60 W", "", "unit 'W' has the wrong dimension (expected a "
        "dimensionless number, e.g. '1')");
    BAD("60 K", "1", "(expected a dimensionless number, e.g. '1')");
    BAD("60 degC", "", "has the wrong dimension");
}
END_TEST

/* --- errors -------------------------------------------------------------- */

START_TEST(test_errors)
{
    BAD("132", "W", "missing unit (expected a power, e.g. 'W')");
    BAD("4", "J", "missing unit (expected an energy, e.g. 'J')");
    BAD("1.2", "L/min", "missing unit (expected a volume flow, "
        "e.g. 'L/min')");
    BAD("132 kWW", "W", "unknown unit 'kWW'");
    BAD("5 kg", "W", "unit 'kg' has the wrong dimension (expected a power, "
        "e.g. 'W')");
    BAD("5 W", "J", "unit 'W' has the wrong dimension (expected an energy, "
        "e.g. 'J')");
    BAD("5 L/min", "kg/s", "(expected a mass flow, e.g. 'kg/s')");
    BAD("5 K*L/min/W", "K/W", "(expected a thermal resistance, e.g. 'K/W')");
    BAD("nan W", "W", "not a number: 'nan W'");
    BAD("NAN W", "W", "not a number");
    BAD("inf W", "W", "not a number: 'inf W'");
    BAD("-infinity W", "W", "not a number");
    BAD("0x1p4 W", "W", "not a number");
    BAD("-0X10 W", "W", "not a number");
    BAD("1e999 W", "W", "number out of range: '1e999 W'");
    BAD("-1e400 W", "W", "number out of range");
    BAD("1e300 TW", "W", "number out of range");  /* overflows once scaled */
    BAD("", "W", "not a number: ''");
    BAD("   ", "W", "not a number");
    BAD("abc", "W", "not a number: 'abc'");
    BAD("kW", "W", "not a number: 'kW'");
    BAD(".", "", "not a number");
    BAD("- 5 W", "W", "not a number");
    BAD("12 kW junk", "W", "expected '*' or '/' before 'junk'");
    BAD("12 kW 5", "W", "expected '*' or '/' before '5'");
    BAD("12 W", "Wx", "bad expected unit: unknown unit 'Wx'");
    BAD("12 k%", "", "unknown unit");
    BAD("12 ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN",
        "W", "too long");
}
END_TEST

START_TEST(test_error_buffer)
{
    char err[8];
    double si = 4.25;

    memset(err, 'x', sizeof err);
    ck_assert_int_eq(dct_quantity_parse("5 kg", "W", &si, err, sizeof err),
                     -1);
    ck_assert_uint_eq(strlen(err), sizeof err - 1);
    ck_assert_str_eq(err, "unit 'k");
    /* No error buffer at all is allowed. */
    ck_assert_int_eq(dct_quantity_parse("5 kg", "W", &si, NULL, 0), -1);
    ck_assert_int_eq(dct_quantity_parse("5 kW", "W", &si, NULL, 0), 0);
    ck_assert_double_eq_tol(si, 5000.0, 1e-9);
}
END_TEST

/* --- dct_unit_dim_name ----------------------------------------------------- */

typedef struct name_case {
    const char *unit;
    const char *name;
} name_case;

static const name_case NAME_CASES[] = {
    { "W",      "power" },
    { "kW",     "power" },
    { "J",      "energy" },
    { "MWh",    "energy" },
    { "degC",   "temperature" },
    { "K",      "temperature difference" },
    { "V",      "voltage" },
    { "A",      "current" },
    { "F",      "capacitance" },
    { "Ohm",    "resistance" },
    { "m3/s",   "volume flow" },
    { "L/min",  "volume flow" },
    { "kg/s",   "mass flow" },
    { "Pa",     "pressure" },
    { "bar",    "pressure" },
    { "s",      "time" },
    { "h",      "time" },
    { "m",      "length" },
    { "m3",     "volume" },
    { "L",      "volume" },
    { "kg",     "mass" },
    { "Hz",     "frequency" },
    { "1/s",    "frequency" },
    { "W/s",    "power ramp rate" },
    { "MW/s",   "power ramp rate" },
    { "K/W",    "thermal resistance" },
    { "J/K",    "thermal capacitance" },
    { "W/K",    "thermal conductance" },
    { "C",      "charge" },
    { "Ah",     "charge" },
    { "",       "dimensionless number" },
    { "1",      "dimensionless number" },
    { "%",      "dimensionless number" },
    { "K*L/min/W", "quantity" },
    { "m^5",    "quantity" },
    { "kWW",    "quantity" },
};

START_TEST(test_dim_name)
{
    const name_case *c = &NAME_CASES[_i];
    const char *n = dct_unit_dim_name(c->unit);

    ck_assert_ptr_nonnull(n);
    ck_assert_msg(strcmp(n, c->name) == 0, "dim name of '%s' is '%s', not "
                  "'%s'", c->unit, n, c->name);
}
END_TEST

/* --- dct_unit_from_si ---------------------------------------------------- */

START_TEST(test_from_si)
{
    ck_assert_double_eq_tol(dct_unit_from_si(308.15, "degC"), 35.0, 1e-12);
    ck_assert_double_eq_tol(dct_unit_from_si(308.15, "K"), 308.15, 1e-12);
    ck_assert_double_eq_tol(dct_unit_from_si(2e-5, "L/min"), 1.2, 1e-14);
    ck_assert_double_eq_tol(dct_unit_from_si(132000.0, "kW"), 132.0, 1e-12);
    ck_assert_double_eq_tol(dct_unit_from_si(1.44e10, "MWh"), 4.0, 1e-14);
    ck_assert_double_eq_tol(dct_unit_from_si(0.6, "%"), 60.0, 1e-12);
    ck_assert_double_eq_tol(dct_unit_from_si(2.385e6, "km2"), 2.385, 1e-14);
    /* An invalid unit leaves the value alone. */
    ck_assert_double_eq(dct_unit_from_si(17.43, "kWW"), 17.43);
    ck_assert_double_eq(dct_unit_from_si(17.43, "kdegC"), 17.43);
}
END_TEST

START_TEST(test_round_trip)
{
    static const char *const units[] = {
        "kW", "degC", "L/min", "MWh", "bar", "psi", "mOhm", "K*L/min/W",
        "L/min/kW", "m3/h", "uF", "kAh",
    };
    size_t i;

    for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        char text[128];
        double si = 0.0;
        char err[128] = "";

        snprintf(text, sizeof text, "%.17g %s", 47.913, units[i]);
        ck_assert_msg(dct_quantity_parse(text, units[i], &si, err,
                                         sizeof err) == 0,
                      "'%s': %s", text, err);
        ck_assert_double_eq_tol(dct_unit_from_si(si, units[i]), 47.913,
                                47.913 * 1e-12);
    }
}
END_TEST

/* dct_number_parse leaves *END at TEXT when it refuses, as strtod does:
 * a CSV reader that steps past *END after a refused field (the weather
 * reader did, found by fuzzing) then stays inside its line. */
START_TEST(test_number_end_on_error)
{
    static const char *const bad[] = {"", "T,15", "-", ".", "+e5", "0x1p3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *end = "sentinel";
        double v = 47.913;
        if (i == 5) { /* "0x1p3": the 0 is read, the x ends it */
            ck_assert_int_eq(dct_number_parse(bad[i], &end, &v), 0);
            ck_assert_ptr_eq(end, bad[i] + 1);
            continue;
        }
        ck_assert_int_eq(dct_number_parse(bad[i], &end, &v), -1);
        ck_assert_msg(end == bad[i], "'%s': end not at the text", bad[i]);
    }
    const char *end = NULL;
    double v = 0;
    ck_assert_int_eq(dct_number_parse("1e999,2", &end, &v), -1);
    ck_assert_msg(end != NULL && *end == '1', "overflow: end at the text");
}
END_TEST

/* --- the suite ------------------------------------------------------------ */

static Suite *units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_unit_symbols, 0,
                        (int)(sizeof SYM_CASES / sizeof SYM_CASES[0]));
    tcase_add_test(tc, test_unit_degc);
    tcase_add_test(tc, test_customary);
    tcase_add_loop_test(tc, test_unit_bad, 0,
                        (int)(sizeof BAD_UNITS / sizeof BAD_UNITS[0]));
    tcase_add_test(tc, test_unit_length_limit);
    tcase_add_test(tc, test_prefixes);
    tcase_add_test(tc, test_quantities);
    tcase_add_test(tc, test_temperatures);
    tcase_add_test(tc, test_dimensionless);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_error_buffer);
    tcase_add_loop_test(tc, test_dim_name, 0,
                        (int)(sizeof NAME_CASES / sizeof NAME_CASES[0]));
    tcase_add_test(tc, test_from_si);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_number_end_on_error);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(units_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
