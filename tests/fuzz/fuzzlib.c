/* fuzzlib.c - the fuzz targets' shared set-up (see fuzzlib.h). */
#include "config.h"
#include "paths.h"
#include "fuzzlib.h"
#include "diag.h"
#include "site.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <libxml/parser.h>

static char dir[256];

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p) != 0 && 0;
}

/* Remove the private directory (links in it are not followed). */
static void rm_dir(void)
{
    if (dir[0])
        nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

void fz_init(void)
{
    if (dir[0])
        return;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/dctwin-fuzz.XXXXXX",
             tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(rm_dir);
    char p[512];
    snprintf(p, sizeof p, "%s/sites", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/run", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/models", dir);
    if (symlink(DCT_SRCDIR "/models", p) != 0)
        perror("fuzz: symlink models");
    setenv("DCTWIN_MODELS_PATH", DCT_SRCDIR "/models", 1);
    setenv("DCTWIN_PLOTS_PATH", DCT_SRCDIR "/plots", 1);
    /* no gnuplot: nothing a target reaches may start one */
    setenv("DCTWIN_GNUPLOT", "/nonexistent/gnuplot", 1);
    int nul = open("/dev/null", O_WRONLY);
    if (nul >= 0) {
        fflush(stdout);
        dup2(nul, 1);
        close(nul);
    }
    dct_verbosity = 0;
    gsl_set_error_handler_off();
    xmlInitParser();
}

const char *fz_dir(void)
{
    return dir;
}

const char *fz_write(const char *rel, const uint8_t *data, size_t size,
                     char *path, size_t n)
{
    if (snprintf(path, n, "%s/%s", dir, rel) >= (int)n)
        return NULL;
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    size_t w = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) != 0 || w != size)
        return NULL;
    return path;
}

char *fz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void fz_diag_done(dct_diag *d)
{
    FILE *nul = fopen("/dev/null", "w");
    if (nul) {
        dct_diag_print(d, nul);
        fclose(nul);
    }
    dct_diag_clear(d);
}

static dct_site *site;

static void drop_site(void)
{
    dct_site_free(site);
}

const dct_site *fz_site(const char *rel)
{
    if (site)
        return site;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", DCT_SRCDIR, rel);
    dct_diag d;
    dct_diag_init(&d);
    site = dct_site_load(path, &d);
    if (!site) {
        dct_diag_print(&d, stderr);
        abort();
    }
    dct_diag_clear(&d);
    atexit(drop_site);
    return site;
}
