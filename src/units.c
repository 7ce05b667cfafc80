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
/* degree Fahrenheit: T[K] = (T[degF] + 459.67) * 5/9 (NIST SP 811, 2008,
 * B.9, [NIST-SP811-2008] of dctwin-sources(7)) */
#define DEGF_SCALE (5.0 / 9.0)
#define DEGF_OFFSET (459.67 * 5.0 / 9.0)

/* --- tables ---------------------------------------------------------------- */

typedef struct unit_sym {
    const char *sym;
    double scale;           /* SI value of one unit */
    signed char e[5];       /* m, kg, s, A, K */
    unsigned char flags;    /* U_PREFIX, U_POWER */
} unit_sym;

#define U_PREFIX 1          /* takes an SI prefix */
#define U_POWER 2           /* takes a power */
#define U_ALL (U_PREFIX | U_POWER)

/* Customary units (US gallon, foot, BTU, ton of refrigeration): NIST
 * SP 811 (2008), Appendix B.8-B.9 [NIST-SP811-2008]: 1 ft = 0.3048 m; 1 gal (US) =
 * 3.785411784e-3 m3; 1 Btu_IT = 1055.05585262 J; 1 ton of refrigeration =
 * 12,000 Btu_IT/h = 3516.853 W. */
#define FT_M 0.3048
#define GAL_M3 3.785411784e-3
#define BTU_J 1055.05585262

static const unit_sym SYMS[] = {
    { "m",    1.0,            {  1,  0,  0,  0,  0 }, U_ALL },
    { "g",    1e-3,           {  0,  1,  0,  0,  0 }, U_ALL },
    { "s",    1.0,            {  0,  0,  1,  0,  0 }, U_ALL },
    { "min",  60.0,           {  0,  0,  1,  0,  0 }, U_ALL },
    { "h",    3600.0,         {  0,  0,  1,  0,  0 }, U_ALL },
    /* the day (86,400 s) and the year of a typical-year weather file:
     * 365 days, 8,760 h (not the Julian year) */
    { "d",    86400.0,        {  0,  0,  1,  0,  0 }, U_POWER },
    { "y",    8760.0 * 3600.0, {  0,  0,  1,  0,  0 }, U_POWER },
    { "A",    1.0,            {  0,  0,  0,  1,  0 }, U_ALL },
    { "K",    1.0,            {  0,  0,  0,  0,  1 }, U_ALL },
    { "W",    1.0,            {  2,  1, -3,  0,  0 }, U_ALL },
    { "J",    1.0,            {  2,  1, -2,  0,  0 }, U_ALL },
    { "Wh",   3600.0,         {  2,  1, -2,  0,  0 }, U_ALL },
    { "V",    1.0,            {  2,  1, -3, -1,  0 }, U_ALL },
    { "F",    1.0,            { -2, -1,  4,  2,  0 }, U_ALL },
    { "Ohm",  1.0,            {  2,  1, -3, -2,  0 }, U_ALL },
    { "Pa",   1.0,            { -1,  1, -2,  0,  0 }, U_ALL },
    { "bar",  1e5,            { -1,  1, -2,  0,  0 }, U_ALL },
    { "psi",  6894.757293168, { -1,  1, -2,  0,  0 }, U_ALL },
    { "L",    1e-3,           {  3,  0,  0,  0,  0 }, U_ALL },
    { "Hz",   1.0,            {  0,  0, -1,  0,  0 }, U_ALL },
    { "N",    1.0,            {  1,  1, -2,  0,  0 }, U_ALL },
    { "C",    1.0,            {  0,  0,  1,  1,  0 }, U_ALL },
    { "Ah",   3600.0,         {  0,  0,  1,  1,  0 }, U_ALL },
    { "ft",   FT_M,           {  1,  0,  0,  0,  0 }, U_POWER },
    { "gal",  GAL_M3,         {  3,  0,  0,  0,  0 }, 0 },
    { "gpm",  GAL_M3 / 60.0,  {  3,  0, -1,  0,  0 }, 0 },
    { "CFM",  FT_M * FT_M * FT_M / 60.0, {  3,  0, -1,  0,  0 }, 0 },
    { "BTU",  BTU_J,          {  2,  1, -2,  0,  0 }, 0 },
    { "ton",  12000.0 * BTU_J / 3600.0, {  2,  1, -3,  0,  0 }, 0 },
    { "%",    0.01,           {  0,  0,  0,  0,  0 }, 0 },
    { "1",    1.0,            {  0,  0,  0,  0,  0 }, 0 },
};

/* Absolute temperature scales: affine, whole-expression units only. */
typedef struct unit_affine {
    const char *sym;
    double scale, offset;   /* T[K] = T * scale + offset */
} unit_affine;

static const unit_affine AFFINE[] = {
    { "degC", 1.0, DEGC_OFFSET },
    { "\xc2\xb0" "C", 1.0, DEGC_OFFSET },        /* U+00B0 'C' */
    { "\xe2\x84\x83", 1.0, DEGC_OFFSET },         /* U+2103 */
    { "degF", DEGF_SCALE, DEGF_OFFSET },
    { "\xc2\xb0" "F", DEGF_SCALE, DEGF_OFFSET },  /* U+00B0 'F' */
    { "\xe2\x84\x89", DEGF_SCALE, DEGF_OFFSET },  /* U+2109 */
};

static const unit_affine *find_affine(const char *s)
{
    size_t i;

    for (i = 0; i < sizeof AFFINE / sizeof AFFINE[0]; i++)
        if (strcmp(AFFINE[i].sym, s) == 0)
            return &AFFINE[i];
    return NULL;
}

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
    } else if ((unsigned char)*p >= 0x80) {
        /* a degree sign: only whole-expression temperatures take it */
        set_err(err, errlen, "bad unit '%s': a degree sign ('\xc2\xb0" "C', "
                "'\xc2\xb0" "F') stands alone as an absolute temperature; "
                "other units use 'K'", whole);
        return -1;
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
        const char *deg = len >= 4 ? name + len - 4 : NULL;

        if (deg != NULL && (memcmp(deg, "degC", 4) == 0
                            || memcmp(deg, "degF", 4) == 0)
            && (len == 4 || (len == 5 && find_prefix(name[0]) != NULL))) {
            set_err(err, errlen, "bad unit '%s': '%.4s' takes no prefix or "
                    "power and cannot be combined with other units", whole,
                    deg);
            return -1;
        }
        set_err(err, errlen, "unknown unit '%s'", whole);
        return -1;
    }
    if (pre != NULL && !(sym->flags & U_PREFIX)) {
        set_err(err, errlen, "unknown unit '%s'", whole);
        return -1;
    }

    /* Optional power: "m3" or "m^3", "s^-1". */
    if (*p == '^' || is_digit(*p)) {
        int neg = 0;
        int caret = (*p == '^');

        if (!(sym->flags & U_POWER)) {
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

    const unit_affine *aff = find_affine(buf);
    if (aff != NULL) {
        memset(dim, 0, sizeof *dim);
        dim->e[4] = 1;
        dim->is_abs_temp = 1;
        *scale = aff->scale;
        *offset = aff->offset;
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
    *end = text;   /* refused: at the text, as strtod leaves it */
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
