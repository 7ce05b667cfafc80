/* check_rundir.c - run directories published whole (rundir.h) and the
 * file-system helpers under them (fsutil.h): a run into a new and into
 * an existing directory, the lock, what an existing directory may hold,
 * abort, the manifest and its reader, stale temporaries of a dead
 * process, the rename fault hook, and dct_fs_remove_tree's depth. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "rundir.h"

/* --- helpers ----------------------------------------------------------- */

static char base[64];
static char out[128];

static void setup(void)
{
    snprintf(base, sizeof base, "%s", "/tmp/check_rundir.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(out, sizeof out, "%s/run", base);
}

static void teardown(void)
{
    dct_fs_remove_tree(base, 4);
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static int exists(const char *dir, const char *name)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &st) == 0;
}

/* The number of entries of DIR other than . and .. */
static int n_entries(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static const char *const names[] = {"a.csv", "b.json"};

/* One whole run of TEXT into OUT. */
static void one_run(const char *text)
{
    dct_diag d;
    dct_diag_init(&d);
    int status = -1;
    dct_rundir *rd = dct_rundir_begin(out, names, 2, &status, &d);
    ck_assert_ptr_nonnull(rd);
    ck_assert_int_eq(status, 0);
    put(dct_rundir_tmp(rd), "a.csv", text);
    put(dct_rundir_tmp(rd), "b.json", "{}\n");
    ck_assert_int_eq(dct_rundir_seal(rd, &d), 0);
    ck_assert_int_eq(dct_rundir_commit(rd, &d), 0);
    ck_assert_uint_eq(d.n_errors, 0);
    dct_diag_clear(&d);
}

/* --- publishing ---------------------------------------------------------- */

START_TEST(test_new_and_replace)
{
    dct_diag d;
    dct_diag_init(&d);
    one_run("t_s\n0\n");
    ck_assert_int_eq(n_entries(out), 3);   /* a.csv b.json manifest */
    ck_assert_int_eq(n_entries(base), 1);  /* no temporary beside it */
    ck_assert_int_eq(dct_rundir_check(out, NULL, 0, &d), 0);
    /* the manifest: sha256sum's format, names sorted; the digest of
     * "{}\n" is that of sha256sum(1) */
    char p[256], line[200];
    snprintf(p, sizeof p, "%s/manifest.sha256", out);
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line + 64, "  a.csv\n");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "ca3d163bab055381827226140568f3bef7eaac187cebd768"
                           "78e0b63e9e442356  b.json\n");
    fclose(f);
    /* a second run replaces the first as a whole: a plot of the first
     * goes with it */
    put(out, "temperatures.png", "x");
    ck_assert_int_eq(chmod(out, 0750), 0);
    one_run("t_s\n1\n");
    ck_assert(!exists(out, "temperatures.png"));
    struct stat st;
    ck_assert_int_eq(stat(out, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0750);   /* its permissions kept */
    ck_assert_int_eq(n_entries(out), 3);
    ck_assert_int_eq(n_entries(base), 1);
    dct_diag_clear(&d);
}
END_TEST

START_TEST(test_abort)
{
    dct_diag d;
    dct_diag_init(&d);
    int status;
    /* new: nothing is left */
    dct_rundir *rd = dct_rundir_begin(out, names, 2, &status, &d);
    ck_assert_ptr_nonnull(rd);
    put(dct_rundir_tmp(rd), "a.csv", "half");
    dct_rundir_abort(rd);
    ck_assert_int_eq(n_entries(base), 0);
    /* existing: left as it was */
    one_run("t_s\n0\n");
    rd = dct_rundir_begin(out, names, 2, &status, &d);
    ck_assert_ptr_nonnull(rd);
    put(dct_rundir_tmp(rd), "a.csv", "half");
    ck_assert_int_eq(dct_rundir_seal(rd, &d), 0);
    dct_rundir_abort(rd);
    dct_rundir_abort(NULL);
    ck_assert_int_eq(n_entries(base), 1);
    ck_assert_int_eq(dct_rundir_check(out, NULL, 0, &d), 0);
    dct_diag_clear(&d);
}
END_TEST

/* The exchange that publishes a run fails (DCTWIN_FAULT): the earlier
 * run stays whole.  A run renames twice: seal its manifest into place,
 * commit exchanges the directories; the variable is read at the first
 * rename of the process (each test is a process of its own). */
START_TEST(test_fault)
{
    dct_diag d;
    dct_diag_init(&d);
    setenv("DCTWIN_FAULT", "rename:4", 1);
    one_run("t_s\n0\n");                    /* renames 1 and 2 */
    int status;
    dct_rundir *rd = dct_rundir_begin(out, names, 2, &status, &d);
    ck_assert_ptr_nonnull(rd);
    put(dct_rundir_tmp(rd), "a.csv", "t_s\n9\n");
    put(dct_rundir_tmp(rd), "b.json", "{}\n");
    ck_assert_int_eq(dct_rundir_seal(rd, &d), 0);       /* rename 3 */
    ck_assert_int_eq(dct_rundir_commit(rd, &d), -1);    /* rename 4 */
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "cannot publish"));
    ck_assert_int_eq(n_entries(base), 1);
    ck_assert_int_eq(dct_rundir_check(out, NULL, 0, &d), 0);
    char p[256], line[64] = "";
    snprintf(p, sizeof p, "%s/a.csv", out);
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    ck_assert_str_eq(line, "0\n");   /* the earlier run */
    dct_diag_clear(&d);
}
END_TEST

/* --- refusals ------------------------------------------------------------- */

START_TEST(test_lock)
{
    dct_diag d;
    dct_diag_init(&d);
    int status;
    dct_rundir *rd = dct_rundir_begin(out, names, 2, &status, &d);
    ck_assert_ptr_nonnull(rd);
    /* flock belongs to the open file description: a second begin, even
     * in this process, finds it taken */
    ck_assert_ptr_null(dct_rundir_begin(out, names, 2, &status, &d));
    ck_assert_int_eq(status, 5);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "it is locked"));
    dct_diag_clear(&d);
    int fd = -1;
    ck_assert_int_eq(dct_rundir_check(out, &fd, 0, &d), -1);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "it is locked"));
    ck_assert_int_eq(fd, -1);
    dct_diag_clear(&d);
    /* the refused begin did not remove what the first one made */
    ck_assert(exists(base, "run"));
    dct_rundir_abort(rd);
    ck_assert_int_eq(n_entries(base), 0);
}
END_TEST

START_TEST(test_refused_out)
{
    dct_diag d;
    dct_diag_init(&d);
    int status;
    /* a file no run writes */
    one_run("t_s\n0\n");
    put(out, "notes.txt", "mine");
    ck_assert_ptr_null(dct_rundir_begin(out, names, 2, &status, &d));
    ck_assert_int_eq(status, 5);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "holds 'notes.txt'"));
    ck_assert(exists(out, "notes.txt"));
    dct_diag_clear(&d);
    /* a symbolic link */
    char link[160];
    snprintf(link, sizeof link, "%s/link", base);
    ck_assert_int_eq(symlink(out, link), 0);
    ck_assert_ptr_null(dct_rundir_begin(link, names, 2, &status, &d));
    ck_assert_int_eq(status, 5);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "symbolic link"));
    dct_diag_clear(&d);
    /* names that are no directory's own */
    const char *bad[] = {"", ".", "..", "/", "x/.", "x/../"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_null(dct_rundir_begin(bad[i], names, 2, &status, &d));
        ck_assert_int_eq(status, 2);
        dct_diag_clear(&d);
    }
    /* a file */
    char file[160];
    snprintf(file, sizeof file, "%s/file", base);
    put(base, "file", "x");
    ck_assert_ptr_null(dct_rundir_begin(file, names, 2, &status, &d));
    ck_assert_int_eq(status, 5);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "not a directory"));
    dct_diag_clear(&d);
}
END_TEST

/* --- the reader ----------------------------------------------------------- */

START_TEST(test_check)
{
    dct_diag d;
    dct_diag_init(&d);
    ck_assert_int_eq(mkdir(out, 0777), 0);
    put(out, "a.csv", "t_s\n");
    ck_assert_int_eq(dct_rundir_check(out, NULL, 0, &d), -1);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "no manifest.sha256"));
    dct_diag_clear(&d);
    put(out, "manifest.sha256",
        "0000000000000000000000000000000000000000000000000000000000000000"
        "  a.csv\nnot a line\n");
    ck_assert_int_eq(dct_rundir_check(out, NULL, 0, &d), -1);
    ck_assert_int_eq(d.msg[0].line, 2);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "expected 'SHA256  NAME'"));
    dct_diag_clear(&d);
    put(out, "manifest.sha256",
        "0000000000000000000000000000000000000000000000000000000000000000"
        "  ../a.csv\n");
    ck_assert_int_eq(dct_rundir_check(out, NULL, 0, &d), -1);
    dct_diag_clear(&d);
    put(out, "manifest.sha256", "");
    ck_assert_int_eq(dct_rundir_check(out, NULL, 0, &d), -1);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "lists no file"));
    dct_diag_clear(&d);
    put(out, "manifest.sha256",
        "0000000000000000000000000000000000000000000000000000000000000000"
        "  a.csv\n"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "  b.json\n");
    ck_assert_int_eq(dct_rundir_check(out, NULL, 0, &d), -1);
    ck_assert_ptr_nonnull(strstr(d.msg[0].text, "b.json, listed in"));
    dct_diag_clear(&d);
    put(out, "b.json", "{}");
    int fd = -1;
    ck_assert_int_eq(dct_rundir_check(out, &fd, 0, &d), 0);
    ck_assert_int_ge(fd, 0);
    /* a shared lock: another reader may read, a run may not start */
    int fd2 = -1, status;
    ck_assert_int_eq(dct_rundir_check(out, &fd2, 0, &d), 0);
    ck_assert_ptr_null(dct_rundir_begin(out, names, 2, &status, &d));
    dct_rundir_unlock(fd2);
    dct_rundir_unlock(fd);
    dct_rundir_unlock(-1);
    dct_diag_clear(&d);
}
END_TEST

/* --- leftovers ------------------------------------------------------------ */

START_TEST(test_stale)
{
    /* a process that is gone: a child, reaped */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    char p[200];
    snprintf(p, sizeof p, "%s/.run.tmp.%ld", base, (long)pid);
    ck_assert_int_eq(mkdir(p, 0777), 0);
    put(p, "timeseries.csv.tmp.1", "half");
    /* a live one (this process's parent) stays */
    snprintf(p, sizeof p, "%s/.run.tmp.%ld", base, (long)getppid());
    ck_assert_int_eq(mkdir(p, 0777), 0);
    one_run("t_s\n");
    ck_assert_int_eq(n_entries(base), 2);
    ck_assert(exists(base, "run"));
    ck_assert(exists(p, ""));
    /* the private directories of margins and capacity */
    snprintf(p, sizeof p, "%s/dctwin-margins.%ld.abcdef", base, (long)pid);
    ck_assert_int_eq(mkdir(p, 0777), 0);
    put(p, "a.csv", "x");
    snprintf(p, sizeof p, "%s/.dctwin-margins.%ld.abcdef.tmp.%ld", base,
             (long)pid, (long)pid);
    ck_assert_int_eq(mkdir(p, 0777), 0);
    dct_rundir_remove_stale(base, "dctwin-margins", 1);
    ck_assert_int_eq(n_entries(base), 2);
}
END_TEST

START_TEST(test_remove_tree)
{
    char p[200];
    ck_assert_int_eq(mkdir(out, 0777), 0);
    snprintf(p, sizeof p, "%s/sub", out);
    ck_assert_int_eq(mkdir(p, 0777), 0);
    put(p, "f", "x");
    put(out, "g", "y");
    /* one level: the subdirectory is not emptied, so OUT stays */
    ck_assert_int_eq(dct_fs_remove_tree(out, 1), -1);
    ck_assert(exists(out, "sub/f"));
    ck_assert(!exists(out, "g"));
    /* links are removed, never followed */
    char link[200];
    snprintf(link, sizeof link, "%s/lnk", out);
    ck_assert_int_eq(symlink(p, link), 0);
    ck_assert_int_eq(dct_fs_remove_tree(out, 2), 0);
    ck_assert_int_eq(n_entries(base), 0);
    ck_assert_int_eq(dct_fs_remove_tree(out, 2), 0);   /* missing: fine */
}
END_TEST

static Suite *rundir_suite(void)
{
    Suite *s = suite_create("rundir");
    TCase *tp = tcase_create("publish");
    tcase_add_checked_fixture(tp, setup, teardown);
    tcase_add_test(tp, test_new_and_replace);
    tcase_add_test(tp, test_abort);
    tcase_add_test(tp, test_fault);
    suite_add_tcase(s, tp);
    TCase *tr = tcase_create("refuse");
    tcase_add_checked_fixture(tr, setup, teardown);
    tcase_add_test(tr, test_lock);
    tcase_add_test(tr, test_refused_out);
    tcase_add_test(tr, test_check);
    suite_add_tcase(s, tr);
    TCase *tl = tcase_create("leftovers");
    tcase_add_checked_fixture(tl, setup, teardown);
    tcase_add_test(tl, test_stale);
    tcase_add_test(tl, test_remove_tree);
    suite_add_tcase(s, tl);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rundir_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
