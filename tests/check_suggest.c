/* check_suggest.c - unit tests for src/suggest.c (edit distance and the
 * choice of a suggestion). */
#include "config.h"

#include <check.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

typedef struct dist_case {
    const char *a, *b;
    size_t d;
} dist_case;

/* Distances worked by hand (optimal string alignment). */
static const dist_case DIST[] = {
    { "", "", 0 },
    { "", "abc", 3 },
    { "simulat", "simulate", 1 },        /* one insertion */
    { "valdiate", "validate", 1 },       /* one transposition */
    { "supplysetpoint", "supply-setpoint", 1 },
    { "kitten", "sitting", 3 },          /* the textbook pair */
    { "ca", "abc", 3 },                  /* OSA, not full Damerau (2) */
    { "margins", "margins", 0 },
    { "dration", "duration", 1 },
};

START_TEST(test_distance)
{
    const dist_case *c = &DIST[_i];
    ck_assert_uint_eq(dct_edit_distance(c->a, c->b), c->d);
    ck_assert_uint_eq(dct_edit_distance(c->b, c->a), c->d);
}
END_TEST

START_TEST(test_too_long)
{
    char big[DCT_SUGGEST_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_uint_eq(dct_edit_distance(big, "a"), (size_t)-1);
    big[DCT_SUGGEST_MAX] = '\0';   /* exactly the longest compared */
    ck_assert_uint_eq(dct_edit_distance(big, big), 0);
}
END_TEST

START_TEST(test_best)
{
    static const char *const cmds[] = { "validate", "simulate", "margins",
                                        "capacity", "plot", "profile" };
    dct_suggest s;
    dct_suggest_init(&s, "simulat");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        dct_suggest_add(&s, cmds[i]);
    ck_assert_str_eq(dct_suggest_best(&s), "simulate");
    /* too far: four edits on a seven-letter word */
    dct_suggest_init(&s, "zzzzzzz");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        dct_suggest_add(&s, cmds[i]);
    ck_assert_ptr_null(dct_suggest_best(&s));
    /* short words: one edit at most ("plt" -> "plot", not "pl" -> ...) */
    dct_suggest_init(&s, "plt");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        dct_suggest_add(&s, cmds[i]);
    ck_assert_str_eq(dct_suggest_best(&s), "plot");
    dct_suggest_init(&s, "xy");
    dct_suggest_add(&s, "plot");
    ck_assert_ptr_null(dct_suggest_best(&s));
    /* an exact word is not a misspelling */
    dct_suggest_init(&s, "plot");
    dct_suggest_add(&s, "plot");
    ck_assert_ptr_null(dct_suggest_best(&s));
    /* NULL candidates (components without an id) are passed over */
    dct_suggest_add(&s, NULL);
    ck_assert_ptr_null(dct_suggest_best(&s));
}
END_TEST

START_TEST(test_option)
{
    static const struct option opts[] = {
        { "duration", required_argument, 0, 'd' },
        { "output-step", required_argument, 0, 'o' },
        { "profile", required_argument, 0, 'p' },
        { 0, 0, 0, 0 } };
    ck_assert_str_eq(dct_suggest_option(opts, "--dration"), "duration");
    ck_assert_str_eq(dct_suggest_option(opts, "--profle=constant"),
                     "profile");
    ck_assert_str_eq(dct_suggest_option(opts, "--output-setp=1s"),
                     "output-step");
    ck_assert_ptr_null(dct_suggest_option(opts, "-x"));
    ck_assert_ptr_null(dct_suggest_option(opts, "--"));
    ck_assert_ptr_null(dct_suggest_option(opts, "--nothing-like-it"));
    char buf[64];
    ck_assert_str_eq(dct_suggest_text(buf, sizeof buf, "plot"),
                     "; did you mean 'plot'?");
    ck_assert_str_eq(dct_suggest_text(buf, sizeof buf, NULL), "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("suggest");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_distance, 0,
                        (int)(sizeof DIST / sizeof DIST[0]));
    tcase_add_test(tc, test_too_long);
    tcase_add_test(tc, test_best);
    tcase_add_test(tc, test_option);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
