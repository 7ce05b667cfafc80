/* datapath.c - the search path of dctwin's data (see datapath.h). */
#include "config.h"
#include "paths.h"
#include "datapath.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Most directories in one search path, and the longest path kept. */
#define MAX_DIRS 64
#define PATH_N 4096

typedef struct dirlist {
    char *dir[MAX_DIRS];
    size_t n;
    int is_bad; /* out of memory */
} dirlist;

static int same_dir(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISDIR(sa.st_mode) &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Append DIR (N bytes) unless it is empty, too long or already listed. */
static void add(dirlist *L, const char *dir, size_t n)
{
    if (n == 0 || n >= PATH_N || L->n == MAX_DIRS)
        return;
    char *s = strndup(dir, n);
    if (!s) {
        L->is_bad = 1;
        return;
    }
    for (size_t i = 0; i < L->n; i++)
        if (same_dir(L->dir[i], s)) {
            free(s);
            return;
        }
    L->dir[L->n++] = s;
}

static void add_join(dirlist *L, const char *a, const char *b)
{
    char buf[PATH_N];
    int k = snprintf(buf, sizeof buf, "%s/%s", a, b);
    if (k > 0 && (size_t)k < sizeof buf)
        add(L, buf, (size_t)k);
}

/* The directory of the running executable into BUF; 0 or -1. */
static int exe_dir(char *buf, size_t n)
{
    ssize_t k = readlink("/proc/self/exe", buf, n - 1);
    if (k <= 0)
        return -1;
    buf[k] = '\0';
    char *sl = strrchr(buf, '/');
    if (!sl)
        return -1;
    *sl = '\0';
    if (buf[0] == '\0')
        strcpy(buf, "/");
    return 0;
}

/* Split the absolute path P into its components (no "", no ".") in C;
 * returns their number, or -1 when P is not absolute, has "..", or has
 * more than MAX components. */
static int split(char *p, char **c, int max)
{
    if (p[0] != '/')
        return -1;
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(p, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (strcmp(t, ".") == 0)
            continue;
        if (strcmp(t, "..") == 0 || n == max)
            return -1;
        c[n++] = t;
    }
    return n;
}

/* Directory TO (absolute) as reached from directory HERE when directory
 * FROM (absolute) is moved to HERE, into BUF: with the default layout,
 * FROM = PREFIX/bin and TO = PREFIX/share/dctwin, HERE/../share/dctwin
 * written without the "..".  0, or -1 when it cannot be formed. */
static int relocate(const char *from, const char *to, const char *here,
                    char *buf, size_t n)
{
    char f[PATH_N], t[PATH_N];
    char *fc[128], *tc[128];
    if (snprintf(f, sizeof f, "%s", from) >= (int)sizeof f ||
        snprintf(t, sizeof t, "%s", to) >= (int)sizeof t)
        return -1;
    int nf = split(f, fc, 128), nt = split(t, tc, 128);
    if (nf < 0 || nt < 0)
        return -1;
    int k = 0;
    while (k < nf && k < nt && strcmp(fc[k], tc[k]) == 0)
        k++;
    if (snprintf(buf, n, "%s", here) >= (int)n)
        return -1;
    for (int i = k; i < nf; i++) {
        char *sl = strrchr(buf, '/');
        if (!sl)
            return -1;
        *sl = '\0';
    }
    for (int i = k; i < nt; i++) {
        size_t len = strlen(buf);
        if (snprintf(buf + len, n - len, "/%s", tc[i]) >= (int)(n - len))
            return -1;
    }
    if (buf[0] == '\0')
        snprintf(buf, n, "/");
    return 0;
}

static void build(dirlist *L, dct_data_kind kind)
{
    const char *sub = kind == DCT_DATA_PLOTS ? "plots"
                      : kind == DCT_DATA_WEATHER ? "weather" : "models";
    const char *env = getenv(kind == DCT_DATA_PLOTS ? "DCTWIN_PLOTS_PATH"
                             : kind == DCT_DATA_WEATHER
                             ? "DCTWIN_WEATHER_PATH" : "DCTWIN_MODELS_PATH");
    for (const char *p = env ? env : ""; *p;) {
        size_t k = strcspn(p, ":");
        add(L, p, k);
        p += k;
        if (*p == ':')
            p++;
    }
    char exe[PATH_N];
    if (exe_dir(exe, sizeof exe) == 0) {
        int is_build = same_dir(exe, DCT_BUILDDIR);
        if (is_build)
            add_join(L, DCT_SRCDIR, sub);
        char here[PATH_N], reloc[PATH_N];
        if (snprintf(here, sizeof here, "%s/%s", exe, sub) < (int)sizeof here &&
            is_dir(here))
            add(L, here, strlen(here));
        /* a build tree is not an installed tree: no relocated guess */
        if (!is_build && relocate(DCT_BINDIR, DCT_PKGDATADIR, exe, reloc,
                                  sizeof reloc) == 0)
            add_join(L, reloc, sub);
    }
    add_join(L, DCT_PKGDATADIR, sub);
}

static void dirlist_free(dirlist *L)
{
    for (size_t i = 0; i < L->n; i++)
        free(L->dir[i]);
    L->n = 0;
}

char *dct_datapath(dct_data_kind kind, const char *sep)
{
    dirlist L = {{0}, 0, 0};
    build(&L, kind);
    size_t len = 1;
    for (size_t i = 0; i < L.n; i++)
        len += strlen(L.dir[i]) + strlen(sep);
    char *s = L.is_bad ? NULL : malloc(len);
    if (s) {
        s[0] = '\0';
        for (size_t i = 0; i < L.n; i++) {
            if (i)
                strcat(s, sep);
            strcat(s, L.dir[i]);
        }
    }
    dirlist_free(&L);
    return s;
}

char *dct_datapath_find(dct_data_kind kind, const char *rel)
{
    dirlist L = {{0}, 0, 0};
    build(&L, kind);
    char *found = NULL;
    for (size_t i = 0; i < L.n && !found; i++) {
        char buf[PATH_N];
        struct stat st;
        if (snprintf(buf, sizeof buf, "%s/%s", L.dir[i], rel) <
                (int)sizeof buf &&
            stat(buf, &st) == 0 && S_ISREG(st.st_mode))
            found = strdup(buf);
    }
    dirlist_free(&L);
    return found;
}
