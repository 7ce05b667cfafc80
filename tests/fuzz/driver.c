/* driver.c - a plain main() for a fuzz target, built with the normal
 * compiler (and its sanitizers) so that `make check` replays the fuzz
 * regression corpus: every file of tests/fuzz/regress/TARGET (or of the
 * files and directories given) is fed to LLVMFuzzerTestOneInput once.
 * An input that crashes fails the test (the sanitizer's report or the
 * signal says why), and so does one that runs longer than
 * FUZZ_INPUT_TIMEOUT_S.  TARGET (FUZZ_TARGET) is set by the makefile. */
#include "config.h"
#include "fuzzlib.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target (e.g. -DFUZZ_TARGET='\"site\"')"
#endif
/* Longest one input may run: a hang is a failure. */
#define FUZZ_INPUT_TIMEOUT_S 20

static int n_run;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    fprintf(stderr, "fuzz-%s: %s (%zu bytes)\n", FUZZ_TARGET, path, n);
    alarm(FUZZ_INPUT_TIMEOUT_S);
    LLVMFuzzerTestOneInput(buf, n);
    alarm(0);
    free(buf);
    n_run++;
    return 0;
}

static int sel(const struct dirent *e)
{
    return e->d_name[0] != '.' && strcmp(e->d_name, "README") != 0;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    struct dirent **ents = NULL;
    int n = scandir(path, &ents, sel, alphasort);
    if (n < 0) {
        perror(path);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, ents[i]->d_name);
        if (run_path(p) != 0)
            rc = -1;
        free(ents[i]);
    }
    free(ents);
    return rc;
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "fuzz: an input ran longer than the limit "
                              "(a hang)\n";
    if (write(2, msg, sizeof msg - 1) < 0)
        _exit(3);
    _exit(3);
}

int main(int argc, char **argv)
{
    signal(SIGALRM, on_alarm);
    int rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (run_path(argv[i]) != 0)
                rc = 1;
    } else {
        const char *top = getenv("top_srcdir");
        char p[4096];
        snprintf(p, sizeof p, "%s/tests/fuzz/regress/%s", top ? top : ".",
                 FUZZ_TARGET);
        if (run_path(p) != 0)
            rc = 1;
    }
    fprintf(stderr, "fuzz-%s: %d inputs run\n", FUZZ_TARGET, n_run);
    return rc ? 1 : n_run ? 0 : 77;
}
