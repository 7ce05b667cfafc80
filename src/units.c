/* units.c - physical quantities with units, converted to SI.  See units.h. */
#include "config.h"
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_MAX 64         /* longest unit expression accepted, in bytes */
#define POWER_MAX 9         /* largest |power| written on one factor */
#define EXP_MAX 24          /* largest |exponent| of a base unit overall */
#define DEGC_OFFSET 273.15

/* --- tables ---------------------------------------------------------------- */

typedef struct unit_sym {
    const char *sym;
    double scale;           /* SI value of one unit */
    signed char e[5];       /* m, kg, s, A, K */
    int prefixable;
} unit_sym;

static const unit_sym SYMS[] = {
    { "m",    1.0,            {  1,  0,  0,  0,  0 }, 1 },
    { "g",    1e-3,           {  0,  1,  0,  0,  0 }, 1 },
    { "s",    1.0,            {  0,  0,  1,  0,  0 }, 1 },
    { "min",  60.0,           {  0,  0,  1,  0,  0 }, 1 },
    { "h",    3600.0,         {  0,  0,  1,  0,  0 }, 1 },
    { "A",    1.0,            {  0,  0,  0,  1,  0 }, 1 },
    { "K",    1.0,            {  0,  0,  0,  0,  1 }, 1 },
    { "W",    1.0,            {  2,  1, -3,  0,  0 }, 1 },
    { "J",    1.0,            {  2,  1, -2,  0,  0 }, 1 },
    { "Wh",   3600.0,         {  2,  1, -2,  0,  0 }, 1 },
    { "V",    1.0,            {  2,  1, -3, -1,  0 }, 1 },
    { "F",    1.0,            { -2, -1,  4,  2,  0 }, 1 },
    { "Ohm",  1.0,            {  2,  1, -3, -2,  0 }, 1 },
    { "Pa",   1.0,            { -1,  1, -2,  0,  0 }, 1 },
    { "bar",  1e5,            { -1,  1, -2,  0,  0 }, 1 },
    { "psi",  6894.757293168, { -1,  1, -2,  0,  0 }, 1 },
    { "L",    1e-3,           {  3,  0,  0,  0,  0 }, 1 },
    { "Hz",   1.0,            {  0,  0, -1,  0,  0 }, 1 },
    { "N",    1.0,            {  1,  1, -2,  0,  0 }, 1 },
    { "C",    1.0,            {  0,  0,  1,  1,  0 }, 1 },
    { "Ah",   3600.0,         {  0,  0,  1,  1,  0 }, 1 },
    { "%",    0.01,           {  0,  0,  0,  0,  0 }, 0 },
    { "1",    1.0,            {  0,  0,  0,  0,  0 }, 0 },
};

typedef struct unit_prefix {
    char c;
    double scale;
} unit_prefix;

static const unit_prefix PREFIXES[] = {
    { 'n', 1e-9 }, { 'u', 1e-6 }, { 'm', 1e-3 }, { 'c', 1e-2 },
    { 'k', 1e3 },  { 'M', 1e6 },  { 'G', 1e9 },  { 'T', 1e12 },
};

typedef struct dim_name {
    const char *name;
    signed char e[5];
    int is_abs_temp;
} dim_name;

static const dim_name DIM_NAMES[] = {
    { "dimensionless number",      {  0,  0,  0,  0,  0 }, 0 },
    { "power",                     {  2,  1, -3,  0,  0 }, 0 },
    { "energy",                    {  2,  1, -2,  0,  0 }, 0 },
    { "temperature",               {  0,  0,  0,  0,  1 }, 1 },
    { "temperature difference",    {  0,  0,  0,  0,  1 }, 0 },
    { "voltage",                   {  2,  1, -3, -1,  0 }, 0 },
    { "current",                   {  0,  0,  0,  1,  0 }, 0 },
    { "capacitance",               { -2, -1,  4,  2,  0 }, 0 },
    { "resistance",                {  2,  1, -3, -2,  0 }, 0 },
    { "volume flow",               {  3,  0, -1,  0,  0 }, 0 },
    { "mass flow",                 {  0,  1, -1,  0,  0 }, 0 },
    { "pressure",                  { -1,  1, -2,  0,  0 }, 0 },
    { "time",                      {  0,  0,  1,  0,  0 }, 0 },
    { "length",                    {  1,  0,  0,  0,  0 }, 0 },
    { "area",                      {  2,  0,  0,  0,  0 }, 0 },
    { "volume",                    {  3,  0,  0,  0,  0 }, 0 },
    { "mass",                      {  0,  1,  0,  0,  0 }, 0 },
    { "frequency",                 {  0,  0, -1,  0,  0 }, 0 },
    { "speed",                     {  1,  0, -1,  0,  0 }, 0 },
    { "force",                     {  1,  1, -2,  0,  0 }, 0 },
    { "power ramp rate",           {  2,  1, -4,  0,  0 }, 0 },
    { "thermal resistance",        { -2, -1,  3,  0,  1 }, 0 },
    { "thermal capacitance",       {  2,  1, -2,  0, -1 }, 0 },
    { "thermal conductance",       {  2,  1, -3,  0, -1 }, 0 },
    { "thermal conductivity",      {  1,  1, -3,  0, -1 }, 0 },
    { "specific heat capacity",    {  2,  0, -2,  0, -1 }, 0 },
    { "charge",                    {  0,  0,  1,  1,  0 }, 0 },
};

/* --- helpers --------------------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
        || c == '\v';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static const unit_sym *find_sym(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof SYMS / sizeof SYMS[0]; i++)
        if (strlen(SYMS[i].sym) == len && memcmp(SYMS[i].sym, name, len) == 0)
            return &SYMS[i];
    return NULL;
}

static const unit_prefix *find_prefix(char c)
{
    size_t i;

    for (i = 0; i < sizeof PREFIXES / sizeof PREFIXES[0]; i++)
        if (PREFIXES[i].c == c)
            return &PREFIXES[i];
    return NULL;
}

static int same_e(const signed char *a, const signed char *b)
{
    return memcmp(a, b, 5) == 0;
}

static const dim_name *find_dim_name(const dct_dim *d)
{
    size_t i;

    for (i = 0; i < sizeof DIM_NAMES / sizeof DIM_NAMES[0]; i++)
        if (same_e(DIM_NAMES[i].e, d->e)
            && DIM_NAMES[i].is_abs_temp == (d->is_abs_temp != 0))
            return &DIM_NAMES[i];
    return NULL;
}

/* Copy S without leading and trailing white space into BUF (UNIT_MAX + 1
 * bytes).  Returns -1 when it does not fit. */
static int trim_copy(const char *s, char *buf)
{
    const char *end;
    size_t len;

    while (is_space(*s))
        s++;
    end = s + strlen(s);
    while (end > s && is_space(end[-1]))
        end--;
    len = (size_t)(end - s);
    if (len > UNIT_MAX)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return 0;
}

/* Parse one factor at *PP in unit expression WHOLE and fold it into ACC and
 * *SCALE with exponent sign SIGN (+1 after '*' or at the start, -1 after
 * '/').  Advances *PP past the factor. */
static int parse_factor(const char **pp, const char *whole, int sign,
                        int acc[5], double *scale, char *err, size_t errlen)
{
    const char *p = *pp;
    const char *name = p;
    size_t len;
    const unit_sym *sym;
    const unit_prefix *pre = NULL;
    long power = 1;
    double f;
    int i;

    if (*p == '%' || *p == '1') {
        p++;
    } else if (is_alpha(*p)) {
        while (is_alpha(*p))
            p++;
    } else {
        if (*p == '\0')
            set_err(err, errlen, "bad unit '%s': a unit symbol is missing "
                    "at the end", whole);
        else
            set_err(err, errlen, "bad unit '%s': expected a unit symbol at "
                    "'%s'", whole, p);
        return -1;
    }
    len = (size_t)(p - name);

    sym = find_sym(name, len);
    if (sym == NULL && len > 1 && (pre = find_prefix(name[0])) != NULL)
        sym = find_sym(name + 1, len - 1);
    if (sym == NULL) {
        if ((len == 4 && memcmp(name, "degC", 4) == 0)
            || (len == 5 && find_prefix(name[0]) != NULL
                && memcmp(name + 1, "degC", 4) == 0)) {
            set_err(err, errlen, "bad unit '%s': 'degC' takes no prefix or "
                    "power and cannot be combined with other units", whole);
            return -1;
        }
        set_err(err, errlen, "unknown unit '%s'", whole);
        return -1;
    }
    if (pre != NULL && !sym->prefixable) {
        set_err(err, errlen, "unknown unit '%s'", whole);
        return -1;
    }

    /* Optional power: "m3" or "m^3", "s^-1". */
    if (*p == '^' || is_digit(*p)) {
        int neg = 0;
        int caret = (*p == '^');

        if (!sym->prefixable) {
            set_err(err, errlen, "bad unit '%s': '%s' takes no power",
                    whole, sym->sym);
            return -1;
        }
        if (caret) {
            p++;
            if (*p == '-' || *p == '+') {
                neg = (*p == '-');
                p++;
            }
        }
        if (!is_digit(*p)) {
            set_err(err, errlen, "bad unit '%s': '^' must be followed by an "
                    "integer power", whole);
            return -1;
        }
        power = 0;
        while (is_digit(*p)) {
            power = power * 10 + (*p - '0');
            if (power > POWER_MAX)
                break;
            p++;
        }
        if (power == 0 || power > POWER_MAX) {
            set_err(err, errlen, "bad unit '%s': a power must be between 1 "
                    "and %d", whole, POWER_MAX);
            return -1;
        }
        if (neg)
            power = -power;
    }
    if (is_alpha(*p) || *p == '%' || *p == '^' || *p == '.') {
        set_err(err, errlen, "unknown unit '%s'", whole);
        return -1;
    }

    power *= sign;
    for (i = 0; i < 5; i++) {
        acc[i] += (int)(sym->e[i] * power);
        if (acc[i] > EXP_MAX || acc[i] < -EXP_MAX) {
            set_err(err, errlen, "bad unit '%s': exponent out of range",
                    whole);
            return -1;
        }
    }
    f = pow(sym->scale * (pre != NULL ? pre->scale : 1.0), (double)power);
    *scale *= f;
    if (!isfinite(*scale) || *scale == 0.0) {
        set_err(err, errlen, "bad unit '%s': scale out of range", whole);
        return -1;
    }
    *pp = p;
    return 0;
}

/* --- public ---------------------------------------------------------------- */

int dct_unit_parse(const char *unit, dct_dim *dim, double *scale,
                   double *offset, char *err, size_t errlen)
{
    char buf[UNIT_MAX + 1];
    const char *p;
    int acc[5] = { 0, 0, 0, 0, 0 };
    double sc = 1.0;
    int sign = 1;
    int i;

    if (unit == NULL) {
        set_err(err, errlen, "no unit given");
        return -1;
    }
    if (trim_copy(unit, buf) != 0) {
        set_err(err, errlen, "unit '%.*s...' is too long (at most %d "
                "characters)", 32, unit, UNIT_MAX);
        return -1;
    }

    if (strcmp(buf, "degC") == 0) {
        memset(dim, 0, sizeof *dim);
        dim->e[4] = 1;
        dim->is_abs_temp = 1;
        *scale = 1.0;
        *offset = DEGC_OFFSET;
        return 0;
    }

    if (buf[0] != '\0') {
        p = buf;
        for (;;) {
            if (parse_factor(&p, buf, sign, acc, &sc, err, errlen) != 0)
                return -1;
            while (is_space(*p))
                p++;
            if (*p == '\0')
                break;
            if (*p == '*')
                sign = 1;
            else if (*p == '/')
                sign = -1;
            else {
                set_err(err, errlen, "bad unit '%s': expected '*' or '/' "
                        "before '%s'", buf, p);
                return -1;
            }
            p++;
            while (is_space(*p))
                p++;
        }
    }

    memset(dim, 0, sizeof *dim);
    for (i = 0; i < 5; i++)
        dim->e[i] = (signed char)acc[i];
    dim->is_abs_temp = 0;
    *scale = sc;
    *offset = 0.0;
    return 0;
}

static const char *article(const char *name)
{
    return strchr("aeiou", name[0]) != NULL ? "an" : "a";
}

int dct_quantity_parse(const char *text, const char *expect, double *si,
                       char *err, size_t errlen)
{
    dct_dim edim, udim;
    double escale, eoffset, uscale, uoffset, v, r;
    const char *p, *num, *ustr;
    const dim_name *dn;
    const char *ename;
    char *end;
    char ebuf[UNIT_MAX + 1];
    char estr[UNIT_MAX + 1];
    char ubuf[UNIT_MAX + 1];
    int dimensionless;

    if (expect == NULL)
        expect = "";
    if (dct_unit_parse(expect, &edim, &escale, &eoffset, ebuf,
                       sizeof ebuf) != 0) {
        set_err(err, errlen, "bad expected unit: %s", ebuf);
        return -1;
    }
    (void)trim_copy(expect, estr);  /* fits: dct_unit_parse checked it */
    if (estr[0] == '\0')
        strcpy(estr, "1");
    dn = find_dim_name(&edim);
    ename = dn != NULL ? dn->name : "quantity";
    dimensionless = edim.e[0] == 0 && edim.e[1] == 0 && edim.e[2] == 0
        && edim.e[3] == 0 && edim.e[4] == 0;

    if (text == NULL) {
        set_err(err, errlen, "not a number: ''");
        return -1;
    }

    /* The number: decimal only, no hex floats, NaN or infinities. */
    p = text;
    while (is_space(*p))
        p++;
    num = p;
    if (*p == '+' || *p == '-')
        p++;
    if (!(is_digit(*p) || (*p == '.' && is_digit(p[1])))
        || (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))) {
        set_err(err, errlen, "not a number: '%.64s'", text);
        return -1;
    }
    errno = 0;
    v = strtod(num, &end);
    if (end == num) {
        set_err(err, errlen, "not a number: '%.64s'", text);
        return -1;
    }
    if (*end == '.' || *end == ',') {
        /* "12..5 kW", "1.2.3 W", "12,5 kW": a malformed number, not a
         * unit that starts with a dot or a comma. */
        set_err(err, errlen, "not a number: '%.64s' (expected digits with "
                "at most one '.' as the decimal point)", text);
        return -1;
    }
    if ((errno == ERANGE && fabs(v) > 1.0) || !isfinite(v)) {
        set_err(err, errlen, "number out of range: '%.64s'", text);
        return -1;
    }

    ustr = end;
    if (trim_copy(ustr, ubuf) != 0) {
        set_err(err, errlen, "unit '%.32s...' is too long (at most %d "
                "characters)", ustr + strspn(ustr, " \t\r\n\f\v"), UNIT_MAX);
        return -1;
    }

    if (ubuf[0] == '\0') {
        if (dimensionless) {
            *si = v;
            return 0;
        }
        set_err(err, errlen, "missing unit (expected %s %s, e.g. '%s')",
                article(ename), ename, estr);
        return -1;
    }

    if (ubuf[0] == '/') {
        /* "10/K": a number per unit, read as "10 1/K" */
        char rbuf[UNIT_MAX + 2];
        snprintf(rbuf, sizeof rbuf, "1%s", ubuf);
        if (dct_unit_parse(rbuf, &udim, &uscale, &uoffset, err, errlen) != 0)
            return -1;
    } else if (dct_unit_parse(ubuf, &udim, &uscale, &uoffset, err,
                              errlen) != 0) {
        return -1;
    }

    if (edim.is_abs_temp) {
        /* An absolute temperature: degC, or K read as absolute. */
        if (!same_e(udim.e, edim.e)) {
            set_err(err, errlen, "unit '%s' has the wrong dimension "
                    "(expected %s %s, e.g. '%s')", ubuf, article(ename),
                    ename, estr);
            return -1;
        }
    } else if (udim.is_abs_temp) {
        if (same_e(udim.e, edim.e))
            set_err(err, errlen, "unit '%s' is an absolute temperature; a "
                    "temperature difference takes 'K'", ubuf);
        else
            set_err(err, errlen, "unit '%s' has the wrong dimension "
                    "(expected %s %s, e.g. '%s')", ubuf, article(ename),
                    ename, estr);
        return -1;
    } else if (!same_e(udim.e, edim.e)) {
        set_err(err, errlen, "unit '%s' has the wrong dimension (expected "
                "%s %s, e.g. '%s')", ubuf, article(ename), ename, estr);
        return -1;
    }

    r = v * uscale + uoffset;
    if (!isfinite(r)) {
        set_err(err, errlen, "number out of range: '%.64s'", text);
        return -1;
    }
    if (edim.is_abs_temp && r < 0.0) {
        set_err(err, errlen, "temperature '%.64s' is below absolute zero",
                text);
        return -1;
    }
    *si = r;
    return 0;
}

int dct_number_parse(const char *text, const char **end, double *v)
{
    const char *p = text;
    size_t n_digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    while (is_digit(*p))
        p++, n_digits++;
    if (*p == '.') {
        p++;
        while (is_digit(*p))
            p++, n_digits++;
    }
    if (n_digits == 0)
        return -1;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (is_digit(*q)) {
            while (is_digit(*q))
                q++;
            p = q;
        }
    }
    char buf[128];
    if ((size_t)(p - text) >= sizeof buf)
        return -1;
    memcpy(buf, text, (size_t)(p - text));
    buf[p - text] = '\0';
    errno = 0;
    double x = strtod(buf, NULL);
    if ((errno == ERANGE && fabs(x) > 1.0) || !isfinite(x))
        return -1;
    *v = x;
    *end = p;
    return 0;
}

const char *dct_unit_dim_name(const char *unit)
{
    dct_dim d;
    double scale, offset;
    const dim_name *dn;

    if (dct_unit_parse(unit, &d, &scale, &offset, NULL, 0) != 0)
        return "quantity";
    dn = find_dim_name(&d);
    return dn != NULL ? dn->name : "quantity";
}

double dct_unit_from_si(double si, const char *unit)
{
    dct_dim d;
    double scale, offset;

    if (dct_unit_parse(unit, &d, &scale, &offset, NULL, 0) != 0)
        return si;
    return (si - offset) / scale;
}
