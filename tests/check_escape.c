/* check_escape.c - text from inputs on its way out and in: the escaping
 * of escape.h (HTML text and ids, the terminal) and textout.h (JSON, CSV),
 * the bounded readers of fsutil.h (regular files only, bounded lines),
 * the number grammar of the CSV readers (units.h) and the XML shape limits
 * and message translation of xmlread.h. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "fsutil.h"
#include "textout.h"
#include "units.h"
#include "xmlread.h"

/* What FN writes for S, in a static buffer. */
static const char *out_of(void (*fn)(FILE *, const char *), const char *s)
{
    static char res[4096];
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    ck_assert_ptr_nonnull(f);
    fn(f, s);
    fclose(f);
    snprintf(res, sizeof res, "%s", p);
    free(p);
    return res;
}

/* --- HTML -------------------------------------------------------------- */

static const struct {
    const char *in, *html, *id;
} HTML[] = {
    {"t4-ramp", "t4-ramp", "t4-ramp"},
    {"<script>alert(1)</script>",
     "&lt;script&gt;alert(1)&lt;/script&gt;",
     "~3Cscript~3Ealert~281~29~3C~2Fscript~3E"},
    {"a\"b'c&d", "a&quot;b&#39;c&amp;d", "a~22b~27c~26d"},
    {"osc-0.1-2", "osc-0.1-2", "osc-0.1-2"},
    {"x\x01y\x7f", "x&#xFFFD;y&#xFFFD;", "x~01y~7F"},
    {"caf\xc3\xa9", "caf\xc3\xa9", "caf~C3~A9"},
    {"bad\xff\xc3", "bad&#xFFFD;&#xFFFD;", "bad~FF~C3"},
    {"", "", "_"},
};

START_TEST(test_html)
{
    ck_assert_str_eq(out_of(dct_esc_html, HTML[_i].in), HTML[_i].html);
    ck_assert_str_eq(out_of(dct_esc_html_id, HTML[_i].in), HTML[_i].id);
}
END_TEST

/* Two ids that differ give anchors that differ: '~' is escaped too. */
START_TEST(test_html_id_distinct)
{
    char a[64];
    snprintf(a, sizeof a, "%s", out_of(dct_esc_html_id, "a~3C"));
    ck_assert_str_eq(a, "a~7E3C");
    ck_assert_str_ne(a, out_of(dct_esc_html_id, "a<"));
}
END_TEST

/* --- terminal ---------------------------------------------------------- */

static const struct {
    const char *in, *out;
} TERM[] = {
    {"t_s,u", "t_s,u"},
    {"\x1b[31mred\x1b[0m", "\\x1B[31mred\\x1B[0m"},
    {"\xef\xbb\xbft_s,u", "\\xEF\\xBB\\xBFt_s,u"},          /* BOM */
    {"line\nfake: error", "line\\x0Afake: error"},
    {"\xe2\x80\xae" "evil", "\\xE2\\x80\\xAE" "evil"},       /* RLO */
    {"\xc2\x9b" "1m", "\\xC2\\x9B" "1m"},                    /* CSI (C1) */
    {"50 \xc2\xb0" "C", "50 \xc2\xb0" "C"},                  /* degree */
    {"\xff", "\\xFF"},
    {"back\\slash", "back\\slash"},
};

START_TEST(test_term)
{
    char buf[256];
    ck_assert_str_eq(dct_esc_term(buf, sizeof buf, TERM[_i].in), TERM[_i].out);
    ck_assert_int_eq(dct_esc_term_needed(TERM[_i].in),
                     strcmp(TERM[_i].in, TERM[_i].out) != 0);
}
END_TEST

START_TEST(test_term_truncates)
{
    char buf[12];
    dct_esc_term(buf, sizeof buf, "abcdefghijklmnopqrstuvwxyz");
    ck_assert_str_eq(buf, "abcdefgh...");
    dct_esc_term(buf, sizeof buf, "\x1b\x1b\x1b\x1b");
    ck_assert_str_eq(buf, "\\x1B\\x1B...");   /* never half an escape */
    ck_assert_uint_lt(strlen(buf), sizeof buf);
}
END_TEST

/* --- JSON and CSV (textout.h) ------------------------------------------ */

static void csv_field(FILE *f, const char *s) { dct_csv_field(f, s); }
static void json_str(FILE *f, const char *s) { dct_json_str(f, s); }

START_TEST(test_json_csv)
{
    ck_assert_str_eq(out_of(json_str, "a\"b\\\n\x01\xff"),
                     "\"a\\\"b\\\\\\n\\u0001\\ufffd\"");
    ck_assert_str_eq(out_of(csv_field, "plain"), "plain");
    ck_assert_str_eq(out_of(csv_field, "a,\"b\"\n"), "\"a,\"\"b\"\"\n\"");
}
END_TEST

/* --- number grammar (units.h) ------------------------------------------ */

static const struct {
    const char *in;
    int ok;
    double v;
    size_t used;
} NUMS[] = {
    {"2.385", 1, 2.385, 5},   {"-4.5e3,", 1, -4500, 6}, {".5", 1, 0.5, 2},
    {"7.", 1, 7, 2},          {"+3e-2 ", 1, 0.03, 5},   {"1e", 1, 1, 1},
    {"0x1p3", 1, 0, 1},       /* "0", then x: the caller refuses the rest */
    {"inf", 0, 0, 0},         {"nan", 0, 0, 0},         {"1e999", 0, 0, 0},
    {" 1", 0, 0, 0},          {".", 0, 0, 0},           {"-", 0, 0, 0},
    {"", 0, 0, 0},
};

START_TEST(test_number)
{
    const char *end = NULL;
    double v = -1;
    int rc = dct_number_parse(NUMS[_i].in, &end, &v);
    ck_assert_int_eq(rc == 0, NUMS[_i].ok);
    if (NUMS[_i].ok) {
        ck_assert_double_eq_tol(v, NUMS[_i].v, 1e-12);
        ck_assert_uint_eq((size_t)(end - NUMS[_i].in), NUMS[_i].used);
    }
}
END_TEST

/* A quantity "10/K" reads as 10 K^-1, as "10 1/K" does. */
START_TEST(test_reciprocal_unit)
{
    double a = 0, b = 0;
    char err[160];
    ck_assert_int_eq(dct_quantity_parse("0.25/K", "1/K", &a, err, sizeof err),
                     0);
    ck_assert_int_eq(dct_quantity_parse("0.25 1/K", "1/K", &b, err,
                                        sizeof err), 0);
    ck_assert_double_eq_tol(a, 0.25, 1e-15);
    ck_assert_double_eq_tol(a, b, 1e-15);
    ck_assert_int_eq(dct_quantity_parse("2/min", "1/s", &a, err, sizeof err),
                     0);
    ck_assert_double_eq_tol(a, 2.0 / 60, 1e-15);
    ck_assert_int_ne(dct_quantity_parse("10/K", "K", &a, err, sizeof err), 0);
    ck_assert_int_ne(dct_quantity_parse("10//K", "1/K", &a, err, sizeof err),
                     0);
}
END_TEST

/* --- bounded readers (fsutil.h) ---------------------------------------- */

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "%s", "/tmp/check_escape.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_open_regular)
{
    char path[128], why[200];
    make_dir();
    /* a FIFO is refused at once (a plain open would block) */
    snprintf(path, sizeof path, "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_ptr_null(dct_open_regular(path, 0, why, sizeof why));
    ck_assert_str_eq(why, "is a FIFO, not a regular file");
    ck_assert_ptr_null(dct_open_regular(dir, 0, why, sizeof why));
    ck_assert_str_eq(why, "is a directory, not a regular file");
    ck_assert_ptr_null(dct_open_regular("/dev/zero", 0, why, sizeof why));
    ck_assert_str_eq(why, "is a character device, not a regular file");
    snprintf(path, sizeof path, "%s/none", dir);
    ck_assert_ptr_null(dct_open_regular(path, 0, why, sizeof why));
    ck_assert_int_eq(errno, ENOENT);
    /* a size cap */
    snprintf(path, sizeof path, "%s/big", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(ftruncate(fileno(f), 3 << 20), 0);
    fclose(f);
    ck_assert_ptr_null(dct_open_regular(path, 1 << 20, why, sizeof why));
    ck_assert_str_eq(why, "is 3.0 MiB, more than the 1 MiB allowed");
    f = dct_open_regular(path, 4 << 20, why, sizeof why);
    ck_assert_ptr_nonnull(f);
    /* the stream blocks again: reads are not cut short with EAGAIN */
    ck_assert_int_eq(fcntl(fileno(f), F_GETFL) & O_NONBLOCK, 0);
    fclose(f);
    remove_dir();
}
END_TEST

START_TEST(test_getline_max)
{
    char *line = NULL;
    size_t cap = 0;
    static const char text[] = "ab\n0123456789012\nx\0y\nlast";
    FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(dct_getline_max(&line, &cap, f, 10), 3);
    ck_assert_str_eq(line, "ab\n");
    ck_assert_int_eq(dct_getline_max(&line, &cap, f, 10), -2);
    ck_assert_uint_le(cap, 12);        /* never grown past the cap */
    fclose(f);
    f = fmemopen((void *)(text + 17), sizeof text - 18, "r");
    ck_assert_int_eq(dct_getline_max(&line, &cap, f, 10), -3);
    ck_assert_int_eq(dct_getline_max(&line, &cap, f, 10), 4);
    ck_assert_str_eq(line, "last");
    ck_assert_int_eq(dct_getline_max(&line, &cap, f, 10), -1);
    fclose(f);
    free(line);
}
END_TEST

/* --- XML shape and messages (xmlread.h) -------------------------------- */

START_TEST(test_xml_shape)
{
    char msg[256];
    static const char ok[] =
        "<?xml version=\"1.0\"?>\n<!-- a <b c=1 d=2> -->\n"
        "<site name=\"a=b\" x='>'>\n<![CDATA[<<<===]]>\n<r/></site>\n";
    ck_assert_int_eq(dct_xml_check_shape(ok, sizeof ok - 1, msg, sizeof msg),
                     0);
    /* 257 attributes on line 3 */
    size_t n = 0, cap = 8192;
    char *buf = malloc(cap);
    n += (size_t)snprintf(buf + n, cap - n, "<site>\n\n<hall");
    for (int i = 0; i < DCT_XML_MAX_ATTRS + 1; i++)
        n += (size_t)snprintf(buf + n, cap - n, " a%d=\"1\"", i);
    n += (size_t)snprintf(buf + n, cap - n, "/></site>");
    ck_assert_int_eq(dct_xml_check_shape(buf, n, msg, sizeof msg), 3);
    ck_assert_str_eq(msg, "an element with 257 attributes: at most 256 are "
                          "allowed");
    /* depth */
    n = 0;
    for (int i = 0; i < DCT_XML_MAX_DEPTH + 1; i++)
        n += (size_t)snprintf(buf + n, cap - n, "<a>");
    ck_assert_int_eq(dct_xml_check_shape(buf, n, msg, sizeof msg), 1);
    ck_assert_str_eq(msg, "elements nested more than 64 deep");
    /* siblings do not add up to depth */
    n = 0;
    for (int i = 0; i < 3 * DCT_XML_MAX_DEPTH; i++)
        n += (size_t)snprintf(buf + n, cap - n, "<a></a><b/>");
    ck_assert_int_eq(dct_xml_check_shape(buf, n, msg, sizeof msg), 0);
    free(buf);
}
END_TEST

START_TEST(test_xml_message)
{
    char msg[256];
    dct_xml_message("Excessive depth in document: 256 use XML_PARSE_HUGE "
                    "option\n", msg, sizeof msg);
    ck_assert_ptr_null(strstr(msg, "XML_PARSE_HUGE"));
    ck_assert_str_eq(msg, "Excessive depth in document: 256 (over a limit "
                          "of the XML parser: the file is too deeply nested "
                          "or holds a name or text too long)");
    dct_xml_message("xmlParseElementChildrenContentDecl : depth 129 too "
                    "deep, use XML_PARSE_HUGE\n", msg, sizeof msg);
    ck_assert_ptr_null(strstr(msg, "XML_PARSE_HUGE"));
    ck_assert_ptr_null(strstr(msg, ", ("));
    dct_xml_message("Opening and ending tag mismatch: a\nand b\n", msg,
                    sizeof msg);
    ck_assert_str_eq(msg, "Opening and ending tag mismatch: a and b");
}
END_TEST

/* --- the fast %g of the CSV outputs ------------------------------------ */

/* dct_fmt_g (X, PREC) is snprintf's "%.PRECg", byte for byte; and it
 * round-trips: strtod of the text printed again gives the same text, and
 * lies within half a unit of its last digit of X. */
static void fmt_g_check(double x, int prec)
{
    char a[DCT_FMT_G_MAX], b[DCT_FMT_G_MAX], c[DCT_FMT_G_MAX];
    int n = dct_fmt_g(a, x, prec);
    snprintf(b, sizeof b, "%.*g", prec, x);
    ck_assert_msg(strcmp(a, b) == 0 && n == (int)strlen(b),
                  "%%.%dg of %a: '%s' (%d), snprintf '%s'", prec, x, a, n,
                  b);
    if (!isfinite(x))
        return;
    double back = strtod(a, NULL);
    if (!isfinite(back))
        return;     /* DBL_MAX at %.1g: 2e+308 */
    dct_fmt_g(c, back, prec);
    ck_assert_msg(strcmp(a, c) == 0, "%%.%dg of %a: '%s' reads back as "
                  "%a, printed '%s'", prec, x, a, back, c);
    if (x != 0) {
        /* half a unit of the last printed digit, and the error of
         * strtod's nearest double (an ulp) */
        double e = floor(log10(fabs(back)));
        double half = 0.5 * pow(10, e - prec + 1);
        ck_assert_msg(fabs(back - x) <=
                          half * (1 + 1e-9) + fabs(back) * DBL_EPSILON,
                      "%%.%dg of %a: '%s' is %g away", prec, x, a,
                      fabs(back - x));
    }
}

START_TEST(test_fmt_g_cases)
{
    /* halves that are exact in binary (round half to even), halves that
     * are not, decade boundaries, and the edges of the fast range */
    static const double X[] = {
        0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 2.675, 1.0000005, 9.999995,
        9.9999949999, 999999.5, 999999.4999999, 1234565, 123456.5,
        1.234565e-5, 1e-5, 0.0001, 0.000123456789, 99999.95, 0.1, 0.7,
        85.00000000000001, 35.000000000000007, 1e21, 1e22, 1e23, 1e-22,
        123456789012.0, -3.141592653589793, 1e-300, 9.99e-301, 1e300,
        5e-324, DBL_MAX, -DBL_MIN, 1.0 / 3, 2.0 / 3, 1e6, 999999.0,
        1e15, 4503599627370496.5, 0.00009999995, 1e-4 - 1e-20};
    for (size_t i = 0; i < sizeof X / sizeof X[0]; i++)
        for (int prec = 1; prec <= 17; prec++)
            fmt_g_check(X[i], prec);
    char b[DCT_FMT_G_MAX];
    dct_fmt_g(b, INFINITY, 6);
    ck_assert_str_eq(b, "inf");
    dct_fmt_g(b, -NAN, 6);
    ck_assert_str_eq(b, "-nan");
}
END_TEST

/* xorshift64*: high-entropy test values, the same every run */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

START_TEST(test_fmt_g_random)
{
    uint64_t st = 0x9e3779b97f4a7c15ULL;
    static const int P[] = {1, 3, 6, 9, 12};
    for (int i = 0; i < 200000; i++) {
        uint64_t r = rng_next(&st);
        /* a random mantissa at a random binary exponent in 2^-90..2^90 */
        double m = (double)(r >> 11) / 9007199254740992.0 + 0.5;
        double x = ldexp(m, (int)(rng_next(&st) % 181) - 90);
        if (r & 1)
            x = -x;
        /* and decimal halves: (k + 1/2) 10^j, the hardest to round */
        int j = (int)(rng_next(&st) % 30) - 15;
        double h = ((double)(rng_next(&st) % 1000000) + 0.5) * pow(10, j);
        for (size_t k = 0; k < sizeof P / sizeof P[0]; k++) {
            fmt_g_check(x, P[k]);
            fmt_g_check(h, P[k]);
        }
    }
}
END_TEST

static Suite *escape_suite(void)
{
    Suite *s = suite_create("escape");
    TCase *te = tcase_create("escaping");
    tcase_add_loop_test(te, test_html, 0, (int)(sizeof HTML / sizeof HTML[0]));
    tcase_add_test(te, test_html_id_distinct);
    tcase_add_loop_test(te, test_term, 0, (int)(sizeof TERM / sizeof TERM[0]));
    tcase_add_test(te, test_term_truncates);
    tcase_add_test(te, test_json_csv);
    suite_add_tcase(s, te);
    TCase *tn = tcase_create("numbers");
    tcase_add_loop_test(tn, test_number, 0, (int)(sizeof NUMS / sizeof NUMS[0]));
    tcase_add_test(tn, test_reciprocal_unit);
    tcase_add_test(tn, test_fmt_g_cases);
    tcase_add_test(tn, test_fmt_g_random);
    suite_add_tcase(s, tn);
    TCase *tr = tcase_create("readers");
    tcase_add_test(tr, test_open_regular);
    tcase_add_test(tr, test_getline_max);
    tcase_add_test(tr, test_xml_shape);
    tcase_add_test(tr, test_xml_message);
    suite_add_tcase(s, tr);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(escape_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
