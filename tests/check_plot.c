/* check_plot.c - the plot API (plot.h): gnuplot string quoting, argument
 * checks, a missing gnuplot (warned once), the generic xy template with a
 * real gnuplot (when there is one on PATH), a failing gnuplot leaving no
 * file, and dct_plot_run's input errors.
 *
 * Environment (set by make check): DCTWIN_PLOTS_PATH. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot.h"

/* --- helpers ----------------------------------------------------------- */

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "%s", "/tmp/check_plot.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Number of entries of DIR whose name holds ".tmp.". */
static int n_tmp(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

static char *in_dir(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static int has_gnuplot(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

static void write_csv(const char *path)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("t_s,a_W,b_W\n0,1,2\n1,2.385,3.5\n2,1.5,2.25\n", f);
    fclose(f);
}

/* --- quoting ------------------------------------------------------------- */

static const struct {
    const char *in, *out;
} QUOTES[] = {
    {"plain", "'plain'"},
    {"", "''"},
    {"it's", "'it''s'"},
    {"''", "''''''"},
    {"a\\b", "'a\\b'"},           /* backslash is literal in '...' */
    {"`rm -rf x`", "'`rm -rf x`'"}, /* no command substitution in '...' */
    {"@macro \"q\"", "'@macro \"q\"'"},
    {"x';system('id');'", "'x'';system(''id'');'''"},
};

START_TEST(test_quote)
{
    char *q = dct_plot_quote(QUOTES[_i].in);
    ck_assert_ptr_nonnull(q);
    ck_assert_str_eq(q, QUOTES[_i].out);
    free(q);
}
END_TEST

START_TEST(test_quote_control)
{
    /* a newline would end gnuplot's command: refused */
    ck_assert_ptr_null(dct_plot_quote("a\nb"));
    ck_assert_ptr_null(dct_plot_quote("tab\there"));
    ck_assert_ptr_null(dct_plot_quote("\x7f"));
}
END_TEST

START_TEST(test_formats)
{
    ck_assert(dct_plot_is_format("png"));
    ck_assert(dct_plot_is_format("svg"));
    ck_assert(dct_plot_is_format("pdf"));
    ck_assert(!dct_plot_is_format("PNG"));
    ck_assert(!dct_plot_is_format("jpeg"));
    ck_assert(!dct_plot_is_format(""));
    ck_assert(!dct_plot_is_format(NULL));
}
END_TEST

/* --- argument checks ------------------------------------------------------ */

static const struct {
    const char *tpl, *var, *fmt;
    int rc;
} BAD_ARGS[] = {
    {"xy", "datafile=x.csv", "gif", DCT_PLOT_EINVAL},
    {"../plots/xy", "datafile=x.csv", "png", DCT_PLOT_EINVAL},
    {"", "datafile=x.csv", "png", DCT_PLOT_EINVAL},
    {"xy", "no-equals", "png", DCT_PLOT_EINVAL},
    {"xy", "1x=2", "png", DCT_PLOT_EINVAL},
    {"xy", "a b=2", "png", DCT_PLOT_EINVAL},
    {"xy", "outfile=/tmp/other.png", "png", DCT_PLOT_EINVAL},
    {"xy", "plotsdir=/tmp", "png", DCT_PLOT_EINVAL},
    {"xy", "fmt=svg", "png", DCT_PLOT_EINVAL},
    {"no-such-template", "datafile=x.csv", "png", DCT_PLOT_EINPUT},
};

START_TEST(test_bad_args)
{
    dct_diag d;
    dct_diag_init(&d);
    make_dir();
    const char *v[] = {BAD_ARGS[_i].var};
    int rc = dct_plot_render(BAD_ARGS[_i].tpl, v, 1, in_dir("o.png"),
                             BAD_ARGS[_i].fmt, &d);
    ck_assert_int_eq(rc, BAD_ARGS[_i].rc);
    ck_assert_uint_eq(d.n_errors, 1);
    if (rc == DCT_PLOT_EINPUT)
        ck_assert_ptr_nonnull(strstr(d.msg[0].text, "DCTWIN_PLOTS_PATH"));
    ck_assert_int_ne(access(in_dir("o.png"), F_OK), 0);
    ck_assert_int_eq(n_tmp(), 0);
    remove_dir();
    dct_diag_clear(&d);
}
END_TEST

START_TEST(test_control_char_value)
{
    dct_diag d;
    dct_diag_init(&d);
    make_dir();
    write_csv(in_dir("d.csv"));
    char dv[300];
    snprintf(dv, sizeof dv, "datafile=%s", in_dir("d.csv"));
    const char *v[] = {dv, "title=two\nlines"};
    /* with gnuplot present this is refused before it runs; without, the
     * missing gnuplot is reported first */
    int rc = dct_plot_render("xy", v, 2, in_dir("o.png"), "png", &d);
    ck_assert(rc == DCT_PLOT_EINVAL || rc == DCT_PLOT_NO_GNUPLOT);
    ck_assert_int_ne(access(in_dir("o.png"), F_OK), 0);
    ck_assert_int_eq(n_tmp(), 0);
    remove_dir();
    dct_diag_clear(&d);
}
END_TEST

/* --- gnuplot missing --------------------------------------------------- */

START_TEST(test_no_gnuplot)
{
    dct_diag d;
    dct_diag_init(&d);
    make_dir();
    setenv("DCTWIN_GNUPLOT", "/nonexistent/gnuplot", 1);
    write_csv(in_dir("d.csv"));
    char dv[300], want[400];
    snprintf(dv, sizeof dv, "datafile=%s", in_dir("d.csv"));
    const char *v[] = {dv};
    int rc = dct_plot_render("xy", v, 1, in_dir("o.png"), "png", &d);
    ck_assert_int_eq(rc, DCT_PLOT_NO_GNUPLOT);
    ck_assert_uint_eq(d.n_errors, 0);
    ck_assert_uint_eq(d.n_warnings, 1);
    snprintf(want, sizeof want,
             "gnuplot not found; plots skipped, data kept in %s", dir);
    ck_assert_str_eq(d.msg[0].text, want);
    /* warned once per process */
    rc = dct_plot_render("xy", v, 1, in_dir("o2.png"), "png", &d);
    ck_assert_int_eq(rc, DCT_PLOT_NO_GNUPLOT);
    ck_assert_uint_eq(d.n_warnings, 1);
    ck_assert_int_ne(access(in_dir("o.png"), F_OK), 0);
    ck_assert_int_eq(n_tmp(), 0);
    unsetenv("DCTWIN_GNUPLOT");
    remove_dir();
    dct_diag_clear(&d);
}
END_TEST

/* --- the xy template through a real gnuplot ------------------------------ */

START_TEST(test_xy_png)
{
    if (!has_gnuplot())
        return;   /* nothing to run; the missing case is tested above */
    dct_diag d;
    dct_diag_init(&d);
    make_dir();
    write_csv(in_dir("d.csv"));
    char dv[300];
    snprintf(dv, sizeof dv, "datafile=%s", in_dir("d.csv"));
    const char *v[] = {dv,
                       "ycols=2 3",
                       "ytitle1=first 'a'",
                       "title=it's a \\ title `id` @x",
                       "ylabel=P [W]",
                       "threshold=2.5",
                       "thresholdname=limit's",
                       "style=linespoints"};
    int rc = dct_plot_render("xy", v, sizeof v / sizeof v[0],
                             in_dir("o.png"), "png", &d);
    dct_diag_print(&d, stderr);
    ck_assert_int_eq(rc, DCT_PLOT_OK);
    FILE *f = fopen(in_dir("o.png"), "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char m[8] = {0};
    ck_assert_uint_eq(fread(m, 1, 8, f), 8);
    fclose(f);
    ck_assert_mem_eq(m, "\x89PNG\r\n\x1a\n", 8);
    ck_assert_int_eq(n_tmp(), 0);
    remove_dir();
    dct_diag_clear(&d);
}
END_TEST

START_TEST(test_xy_gnuplot_fails)
{
    if (!has_gnuplot())
        return;
    dct_diag d;
    dct_diag_init(&d);
    make_dir();
    /* a data file that does not exist: gnuplot stops with an error */
    char dv[300];
    snprintf(dv, sizeof dv, "datafile=%s", in_dir("missing.csv"));
    const char *v[] = {dv};
    fclose(freopen("/dev/null", "w", stderr)); /* gnuplot's own message */
    int rc = dct_plot_render("xy", v, 1, in_dir("o.svg"), "svg", &d);
    ck_assert_int_eq(rc, DCT_PLOT_EGNUPLOT);
    ck_assert_uint_eq(d.n_errors, 1);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "gnuplot failed"));
    ck_assert_int_ne(access(in_dir("o.svg"), F_OK), 0);
    ck_assert_int_eq(n_tmp(), 0);
    remove_dir();
    dct_diag_clear(&d);
}
END_TEST

/* --- dct_plot_run's input errors ----------------------------------------- */

START_TEST(test_run_errors)
{
    dct_diag d;
    dct_diag_init(&d);
    ck_assert_int_eq(dct_plot_run("/nonexistent/run", "png", NULL, &d),
                     DCT_PLOT_EINPUT);
    ck_assert_str_eq(d.msg[0].file, "/nonexistent/run");
    dct_diag_clear(&d);
    ck_assert_int_eq(dct_plot_run("/tmp", "tiff", NULL, &d),
                     DCT_PLOT_EINVAL);
    dct_diag_clear(&d);
    make_dir();
    FILE *f = fopen(in_dir("timeseries.csv"), "w");
    ck_assert_ptr_nonnull(f);
    fputs("time,x\n0,1\n", f);
    fclose(f);
    /* without a manifest the directory is incomplete */
    ck_assert_int_eq(dct_plot_run(dir, "png", NULL, &d), DCT_PLOT_EINPUT);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "no manifest.sha256"));
    dct_diag_clear(&d);
    f = fopen(in_dir("manifest.sha256"), "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%064d  timeseries.csv\n", 0);
    fclose(f);
    ck_assert_int_eq(dct_plot_run(dir, "png", NULL, &d), DCT_PLOT_EINPUT);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "expected t_s"));
    ck_assert_int_eq(d.msg[0].line, 1);
    remove_dir();
    dct_diag_clear(&d);
}
END_TEST

static Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tq = tcase_create("quoting");
    tcase_add_loop_test(tq, test_quote, 0,
                        (int)(sizeof QUOTES / sizeof QUOTES[0]));
    tcase_add_test(tq, test_quote_control);
    tcase_add_test(tq, test_formats);
    suite_add_tcase(s, tq);
    TCase *tr = tcase_create("render");
    tcase_add_loop_test(tr, test_bad_args, 0,
                        (int)(sizeof BAD_ARGS / sizeof BAD_ARGS[0]));
    tcase_add_test(tr, test_control_char_value);
    tcase_add_test(tr, test_no_gnuplot);
    tcase_add_test(tr, test_xy_png);
    tcase_add_test(tr, test_xy_gnuplot_fails);
    suite_add_tcase(s, tr);
    TCase *tu = tcase_create("run");
    tcase_add_test(tu, test_run_errors);
    suite_add_tcase(s, tu);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(plot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
