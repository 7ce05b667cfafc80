/* plot.c - plots through gnuplot templates (see plot.h).
 *
 * Two layers.  dct_plot_render runs one template: it finds the template
 * and gnuplot, quotes every variable as a gnuplot single-quoted string,
 * starts gnuplot with posix_spawn (no shell), waits for it with a timeout
 * and renames its output into place.  dct_plot_run plots a run directory:
 * it reads the header of timeseries.csv, sorts the columns into the panels
 * of the templates by component kind and quantity, and reads the rows
 * twice: first for each series' extremes (which pick the worst few of a
 * large group), then to write the plot data, a narrow temporary CSV next
 * to the plots with only the series drawn and the min/mean/max bands of
 * the large groups (gnuplot reads it once per plot element, so a 700
 * column timeseries.csv would cost it dearly); the temporary is removed
 * afterwards.  Limits come from margins.csv.  When the run has
 * extremes.csv (extremes.h), a column with extremes is drawn with the band
 * of its extremes between samples, and a large group's band spans them:
 * the plotted peak is then the worst value of the margin table.
 */
#include "config.h"
#include "plot.h"
#include "atomic_file.h"
#include "datapath.h"
#include "rundir.h"
#include "fsutil.h"
#include "textout.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A group of more than PLOT_MAX_LINES series is drawn as a min/mean/max
 * band plus its worst series (the panel's n_worst of the table). */
#define PLOT_MAX_LINES 4
/* Most limit lines in one panel, and most bars of the margin chart. */
#define PLOT_MAX_LIMITS 4
#define PLOT_NBARS 25
/* Most event markers on a time-series plot. */
#define PLOT_MAX_EVENTS 8
/* An event label grows (events sharing a marker) up to this length. */
#define PLOT_EVENT_LABEL 28
/* Caps on what is read from a run directory. */
#define PLOT_MAX_COLS 1000000
#define PLOT_MAX_VARS 256

/* ------------------------------------------------------------ strings */

typedef struct sbuf {
    char *s;
    size_t n, cap;
    int is_bad;         /* out of memory or a value that cannot be quoted */
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->is_bad)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->is_bad = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->is_bad = 1;
    else
        sb_addn(b, tmp, (size_t)n);
}

/* Append S quoted for gnuplot: inside '...' only ' is special, written
 * ''.  Control characters cannot be passed (a newline ends the command):
 * the buffer is marked bad. */
static void sb_quote(sbuf *b, const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            b->is_bad = 1;
            return;
        }
    sb_add(b, "'");
    for (const char *p = s; *p; p++)
        sb_addn(b, *p == '\'' ? "''" : p, *p == '\'' ? 2 : 1);
    sb_add(b, "'");
}

char *dct_plot_quote(const char *s)
{
    sbuf b = {0};
    sb_quote(&b, s);
    if (b.is_bad) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* A file name that gnuplot reads as a file: relative names get "./" so
 * that none starts with '<' or '|' (pipes), '-' or '+' (special files). */
static void sb_quote_path(sbuf *b, const char *path)
{
    if (path[0] == '/') {
        sb_quote(b, path);
        return;
    }
    sbuf t = {0};
    sb_add(&t, "./");
    sb_add(&t, path);
    if (t.is_bad)
        b->is_bad = 1;
    else
        sb_quote(b, t.s);
    free(t.s);
}

/* Nonzero when the N first characters of S end with SUF. */
static int has_suffix_n(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && strncmp(s + n - k, suf, k) == 0;
}

static int has_suffix(const char *s, const char *suf)
{
    return has_suffix_n(s, strlen(s), suf);
}

int dct_plot_is_format(const char *format)
{
    return format && (strcmp(format, "png") == 0 ||
                      strcmp(format, "svg") == 0 ||
                      strcmp(format, "pdf") == 0);
}

/* ------------------------------------------------ finding the programs */

static int is_warned;   /* the missing-gnuplot warning was recorded */

static int no_gnuplot(dct_diag *d, const char *dir)
{
    if (!is_warned) {
        dct_warning(d, NULL, 0,
                    "gnuplot not found; plots skipped, data kept in %s", dir);
        is_warned = 1;
    }
    return DCT_PLOT_NO_GNUPLOT;
}

static int is_exec(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           access(path, X_OK) == 0;
}

/* The gnuplot to run, malloc'd, or NULL when there is none. */
static char *find_gnuplot(void)
{
    const char *name = getenv("DCTWIN_GNUPLOT");
    if (!name || !*name)
        name = "gnuplot";
    if (strchr(name, '/'))
        return is_exec(name) ? strdup(name) : NULL;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;; p++) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        sbuf b = {0};
        sb_addn(&b, n ? p : ".", n ? n : 1);
        sb_add(&b, "/");
        sb_add(&b, name);
        if (!b.is_bad && is_exec(b.s))
            return b.s;
        free(b.s);
        if (!e)
            break;
        p = e;
    }
    return NULL;
}

/* Template NAME.gp: its path, malloc'd, and its directory in *DIR
 * (malloc'd); NULL with an error recorded when it is nowhere. */
static char *find_template(const char *name, char **dir, dct_diag *d)
{
    char *path = dct_datapath(DCT_DATA_PLOTS, ":");
    if (!path) {
        dct_error(d, NULL, 0, "out of memory");
        return NULL;
    }
    char *save = NULL, *found = NULL;
    for (char *t = strtok_r(path, ":", &save); t && !found;
         t = strtok_r(NULL, ":", &save)) {
        sbuf b = {0};
        sb_printf(&b, "%s/%s.gp", t, name);
        struct stat st;
        if (!b.is_bad && stat(b.s, &st) == 0 && S_ISREG(st.st_mode)) {
            found = b.s;
            *dir = strdup(t);
            if (!*dir) {
                free(found);
                found = NULL;
            }
        } else {
            free(b.s);
        }
    }
    if (!found) {
        char *list = dct_datapath(DCT_DATA_PLOTS, ", ");
        dct_error(d, NULL, 0,
                  "plot template '%s.gp' not found: looked in %s (set "
                  "DCTWIN_PLOTS_PATH to the directory of the templates)",
                  name, list ? list : "(out of memory)");
        free(list);
    }
    free(path);
    return found;
}

/* ------------------------------------------------------ running gnuplot */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What gnuplot wrote on stderr (at most the first 400 bytes, one line)
 * from the unlinked temporary FD, into BUF; "" when nothing. */
static void child_message(int fd, char *buf, size_t n)
{
    buf[0] = '\0';
    if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0)
        return;
    ssize_t k = read(fd, buf, n - 1);
    buf[k > 0 ? k : 0] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

/* Run EXE with ARGV, stdin and stdout on /dev/null, stderr kept in an
 * unlinked temporary file: gnuplot's warnings (an empty y range on a flat
 * series) are not the user's business, its message is when it fails.
 * Returns 0 when it exited with status 0, else DCT_PLOT_EGNUPLOT with an
 * error recorded. */
static int run_child(const char *exe, char *const argv[], const char *what,
                     dct_diag *d)
{
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        dct_error(d, NULL, 0, "out of memory");
        return DCT_PLOT_EGNUPLOT;
    }
    char errpath[4096];
    const char *tmpd = getenv("TMPDIR");
    snprintf(errpath, sizeof errpath, "%s/dctwin-gnuplot.XXXXXX",
             tmpd && *tmpd ? tmpd : "/tmp");
    int efd = mkstemp(errpath);
    if (efd >= 0)
        unlink(errpath);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (efd >= 0)
        posix_spawn_file_actions_adddup2(&fa, efd, 2);
    /* its own process group, tracked for the signal handler (which
     * kills the group: gnuplot's own children too); SIGINT and SIGTERM
     * blocked from the spawn until it is tracked, and restored in it */
    posix_spawnattr_t at;
    sigset_t old;
    dct_afile_block_signals(&old);
    pid_t pid;
    int e = posix_spawnattr_init(&at);
    if (e == 0) {
        posix_spawnattr_setpgroup(&at, 0);
        posix_spawnattr_setsigmask(&at, &old);
        posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
                                          POSIX_SPAWN_SETSIGMASK);
        e = posix_spawn(&pid, exe, &fa, &at, argv, environ);
        posix_spawnattr_destroy(&at);
    }
    posix_spawn_file_actions_destroy(&fa);
    if (e == 0 && dct_afile_track_child((int)pid) != 0) {
        kill(-pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        e = EMFILE;
        pid = 0;
    }
    dct_afile_unblock_signals(&old);
    if (e != 0) {
        if (efd >= 0)
            close(efd);
        dct_error(d, NULL, 0, "cannot start %s: %s", exe, strerror(e));
        return DCT_PLOT_EGNUPLOT;
    }
    char msg[400];
    double t0 = now_s();
    int st = 0, is_timeout = 0;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            dct_error(d, NULL, 0, "waiting for %s: %s", exe,
                      strerror(errno));
            kill(-pid, SIGKILL);
            dct_afile_untrack_child((int)pid);
            if (efd >= 0)
                close(efd);
            return DCT_PLOT_EGNUPLOT;
        }
        if (now_s() - t0 > DCT_PLOT_TIMEOUT_S) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            is_timeout = 1;
            break;
        }
        struct timespec ts = {0, 10000000};   /* 10 ms */
        nanosleep(&ts, NULL);
    }
    /* what is left of its group (a child of a wrapper script) goes too */
    kill(-pid, SIGKILL);
    dct_afile_untrack_child((int)pid);
    child_message(efd, msg, sizeof msg);
    if (efd >= 0)
        close(efd);
    if (is_timeout) {
        dct_error(d, NULL, 0, "gnuplot did not finish %s within %d s; "
                              "killed",
                  what, DCT_PLOT_TIMEOUT_S);
        return DCT_PLOT_EGNUPLOT;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFEXITED(st))
        dct_error(d, NULL, 0, "gnuplot failed on %s (exit status %d)%s%s",
                  what, WEXITSTATUS(st), *msg ? ": " : "", msg);
    else
        dct_error(d, NULL, 0, "gnuplot failed on %s (signal %d)%s%s", what,
                  WIFSIGNALED(st) ? WTERMSIG(st) : 0, *msg ? ": " : "", msg);
    return DCT_PLOT_EGNUPLOT;
}

/* Why the plot FILE in FORMAT is incomplete, or NULL when it is whole:
 * a PNG starts with its signature and ends with its IEND chunk (PNG,
 * ISO/IEC 15948:2004, 5.2 and 11.2.5); an SVG ends with its root's end
 * tag </svg>; a PDF starts with %PDF- and has the end-of-file marker
 * %%EOF in its last 1024 bytes (ISO 32000-1:2008, 7.5.5). */
static const char *plot_incomplete(const char *file, const char *format)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G',
                                             '\r', '\n', 0x1a, '\n'};
    static const unsigned char png_end[12] = {0, 0, 0, 0, 'I', 'E', 'N',
                                              'D', 0xae, 0x42, 0x60, 0x82};
    unsigned char head[8], tail[1024];
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return "cannot be read back";
    }
    size_t nt = st.st_size < (off_t)sizeof tail ? (size_t)st.st_size
                                                : sizeof tail;
    ssize_t nh = pread(fd, head, sizeof head, 0);
    ssize_t k = pread(fd, tail, nt, st.st_size - (off_t)nt);
    close(fd);
    if (nh < 0 || k != (ssize_t)nt)
        return "cannot be read back";
    if (strcmp(format, "png") == 0) {
        if (nh < 8 || memcmp(head, png_sig, 8) != 0)
            return "no PNG signature";
        if (nt < 12 || memcmp(tail + nt - 12, png_end, 12) != 0)
            return "no IEND chunk at its end";
    } else if (strcmp(format, "svg") == 0) {
        while (nt > 0 && isspace(tail[nt - 1]))
            nt--;
        if (nt < 6 || memcmp(tail + nt - 6, "</svg>", 6) != 0)
            return "no closing </svg> at its end";
    } else if (strcmp(format, "pdf") == 0) {
        if (nh < 5 || memcmp(head, "%PDF-", 5) != 0)
            return "no %PDF- header";
        int has_eof = 0;
        for (size_t i = 0; i + 5 <= nt && !has_eof; i++)
            has_eof = memcmp(tail + i, "%%EOF", 5) == 0;
        if (!has_eof)
            return "no %%EOF trailer";
    }
    return NULL;
}

static int is_ident(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return 1;
}

static int is_template_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

/* The directory part of FILE ("." when none), malloc'd. */
static char *dir_of(const char *file)
{
    const char *sl = strrchr(file, '/');
    if (!sl)
        return strdup(".");
    if (sl == file)
        return strdup("/");
    char *s = malloc((size_t)(sl - file) + 1);
    if (s) {
        memcpy(s, file, (size_t)(sl - file));
        s[sl - file] = '\0';
    }
    return s;
}

int dct_plot_render(const char *template_name, const char *const *vars,
                    size_t nvars, const char *out_file, const char *format,
                    dct_diag *d)
{
    if (!dct_plot_is_format(format)) {
        dct_error(d, NULL, 0, "plot format '%s': expected png, svg or pdf",
                  format ? format : "(null)");
        return DCT_PLOT_EINVAL;
    }
    char name[128];
    size_t nl = strlen(template_name);
    if (has_suffix(template_name, ".gp"))
        nl -= 3;
    if (nl >= sizeof name) {
        dct_error(d, NULL, 0, "plot template name too long");
        return DCT_PLOT_EINVAL;
    }
    memcpy(name, template_name, nl);
    name[nl] = '\0';
    if (!is_template_name(name)) {
        dct_error(d, NULL, 0, "plot template '%s': expected a name of "
                              "letters, digits, '_' and '-'",
                  template_name);
        return DCT_PLOT_EINVAL;
    }
    for (size_t i = 0; i < nvars; i++) {
        const char *eq = strchr(vars[i], '=');
        size_t n = eq ? (size_t)(eq - vars[i]) : 0;
        if (!eq || !is_ident(vars[i], n) ||
            (n == 8 && strncmp(vars[i], "plotsdir", 8) == 0) ||
            (n == 7 && strncmp(vars[i], "outfile", 7) == 0) ||
            (n == 3 && strncmp(vars[i], "fmt", 3) == 0)) {
            dct_error(d, NULL, 0, "plot variable '%s': expected NAME=VALUE "
                                  "with NAME a gnuplot identifier other "
                                  "than plotsdir, outfile and fmt",
                      vars[i]);
            return DCT_PLOT_EINVAL;
        }
    }
    char *tdir = NULL;
    char *tpl = find_template(name, &tdir, d);
    if (!tpl)
        return DCT_PLOT_EINPUT;
    int rc = DCT_PLOT_OK;
    char *exe = find_gnuplot();
    dct_afile *af = NULL;
    sbuf defs = {0}, tplarg = {0};
    if (!exe) {
        char *dir = dir_of(out_file);
        rc = no_gnuplot(d, dir ? dir : out_file);
        free(dir);
        goto done;
    }
    if (!(af = dct_afile_open(out_file))) {
        dct_error(d, out_file, 0, "cannot create: %s", strerror(errno));
        rc = DCT_PLOT_EOUTPUT;
        goto done;
    }
    sb_add(&defs, "plotsdir=");
    sb_quote_path(&defs, tdir);
    sb_add(&defs, ";outfile=");
    sb_quote_path(&defs, dct_afile_tmp_path(af));
    sb_printf(&defs, ";fmt='%s'", format);
    for (size_t i = 0; i < nvars; i++) {
        const char *eq = strchr(vars[i], '=');
        sb_add(&defs, ";");
        sb_addn(&defs, vars[i], (size_t)(eq - vars[i]));
        sb_add(&defs, "=");
        if (has_suffix_n(vars[i], (size_t)(eq - vars[i]), "file"))
            sb_quote_path(&defs, eq + 1);
        else
            sb_quote(&defs, eq + 1);
    }
    if (tpl[0] != '/')
        sb_add(&tplarg, "./");
    sb_add(&tplarg, tpl);
    if (defs.is_bad || tplarg.is_bad) {
        dct_error(d, NULL, 0, "plot %s: a name or path holds a control "
                              "character, which cannot be passed to "
                              "gnuplot",
                  out_file);
        rc = DCT_PLOT_EINVAL;
        goto done;
    }
    char *argv[] = {exe, (char *)"-e", defs.s, tplarg.s, NULL};
    if ((rc = run_child(exe, argv, out_file, d)) != 0)
        goto done;
    struct stat st;
    if (stat(dct_afile_tmp_path(af), &st) != 0 || st.st_size == 0) {
        dct_error(d, out_file, 0, "gnuplot wrote nothing (template %s)",
                  tpl);
        rc = DCT_PLOT_EGNUPLOT;
        goto done;
    }
    const char *why = plot_incomplete(dct_afile_tmp_path(af), format);
    if (why) {
        dct_error(d, out_file, 0, "gnuplot exited 0 but the %s is "
                                  "incomplete (%s; a full disk?); not "
                                  "written",
                  format, why);
        rc = DCT_PLOT_EOUTPUT;
        goto done;
    }
    int c = dct_afile_commit(af);
    af = NULL;
    if (c != 0) {
        dct_error(d, out_file, 0, "cannot rename into place: %s",
                  strerror(errno));
        rc = DCT_PLOT_EOUTPUT;
    }
done:
    dct_afile_abort(af);
    free(defs.s);
    free(tplarg.s);
    free(exe);
    free(tpl);
    free(tdir);
    return rc;
}

/* ------------------------------------------------------- a run directory */

/* Component kinds, told by the columns (or margins) a component has. */
enum {
    K_RACK = 1, K_CDU = 2, K_BUSWAY = 4, K_BESS = 8, K_GEN = 16, K_GRID = 32
};

/* One row of the plot table: the series of quantity QTY (the column name
 * after the component id) of the components of a kind drawn in panel
 * PANEL of template TPL.  WORST says which end of a series is its worst
 * (+1 its maximum, -1 its minimum), N_WORST how many worst series are
 * drawn over the band of a large group. */
typedef struct pdef {
    const char *tpl;
    int panel;
    const char *qty;
    unsigned kinds;      /* one of these kinds, 0 any */
    unsigned not_kinds;  /* none of these */
    double scale;        /* values and limits shown times this */
    int worst;
    int n_worst;
    const char *noun;    /* what a band is of: "racks" */
    const char *what;    /* the quantity in words, for the key */
    const char *unit;    /* its unit as shown (after SCALE) */
} pdef;

static const pdef plot_table[] = {
    {"temperatures", 1, "T_j_hot_degC", K_RACK, 0, 1, 1, 3, "racks",
     "GPU hot-spot temperature", "degC"},
    {"temperatures", 2, "T_case_degC", K_RACK, 0, 1, 1, 3, "racks",
     "cold plate temperature", "degC"},
    {"temperatures", 3, "T_return_degC", K_RACK, 0, 1, 1, 3, "racks",
     "coolant return temperature", "degC"},
    {"coolant", 1, "T_supply_degC", K_CDU, 0, 1, 1, 1, "CDU supply",
     "supply temperature", "degC"},
    {"coolant", 1, "T_return_degC", K_CDU, 0, 1, 1, 1, "CDU return",
     "return temperature", "degC"},
    {"coolant", 1, "T_primary_out_degC", K_CDU, 0, 1, 1, 1,
     "CDU primary out", "primary outlet temperature", "degC"},
    {"coolant", 1, "T_supply_degC", 0, K_RACK | K_CDU, 1, 1, 1, "supply",
     "supply temperature", "degC"},
    {"coolant", 1, "T_return_degC", 0, K_RACK | K_CDU, 1, 1, 1, "return",
     "return temperature", "degC"},
    {"coolant", 1, "T_out_degC", 0, 0, 1, 1, 1, "outlet",
     "outlet temperature", "degC"},
    {"coolant", 1, "T_air_degC", 0, 0, 1, 1, 1, "air",
     "air temperature", "degC"},
    {"coolant", 2, "flow_Lpm", K_RACK, 0, 1, -1, 1, "racks",
     "coolant flow", "L/min"},
    {"coolant", 2, "flow_Lpm", K_CDU, 0, 1, -1, 1, "CDUs",
     "secondary flow", "L/min"},
    {"coolant", 2, "flow_Lpm", 0, K_RACK | K_CDU, 1, -1, 1, "loops",
     "flow", "L/min"},
    {"coolant", 2, "flow_primary_Lpm", K_CDU, 0, 1, -1, 1, "CDU primary",
     "primary flow", "L/min"},
    {"cdu", 1, "Q_kW", K_CDU, 0, 1, 1, 3, "CDUs", "heat duty", "kW"},
    {"cdu", 2, "valve_pct", K_CDU, 0, 1, 1, 1, "CDU valves",
     "valve opening", "%"},
    {"cdu", 2, "pump_speed_pct", K_CDU, 0, 1, 1, 1, "CDU pumps",
     "pump speed", "%"},
    {"bus", 1, "V_V", 0, 0, 1, -1, 3, "buses", "voltage", "V"},
    {"bus", 2, "V_end_V", K_BUSWAY, 0, 1, -1, 3, "busways",
     "end voltage", "V"},
    {"busway", 1, "I_A", K_BUSWAY, 0, 1, 1, 3, "busways", "current", "A"},
    {"busway", 2, "T_degC", K_BUSWAY, 0, 1, 1, 3, "busways",
     "conductor temperature", "degC"},
    {"temperatures", 4, "gpu_power_pct", K_RACK, 0, 1, -1, 3, "racks",
     "GPU power", "%"},
    {"grid", 1, "P_kW", K_GRID, 0, 1, 1, 3, "grids", "import power", "kW"},
    {"grid", 1, "P_kW", K_GEN, 0, 1, 1, 3, "generators", "output power", "kW"},
    {"grid", 1, "P_available_kW", K_GEN, 0, 1, -1, 3, "available",
     "available power", "kW"},
    {"bess", 1, "P_kW", K_BESS, 0, 1, 1, 3, "batteries",
     "power (+ discharge)", "kW"},
    {"bess", 2, "soc", K_BESS, 0, 100, -1, 3, "batteries",
     "state of charge", "%"},
    {"bess", 3, "T_cell_degC", K_BESS, 0, 1, 1, 3, "batteries",
     "cell temperature", "degC"},
};
#define N_PDEF (sizeof plot_table / sizeof plot_table[0])
#define N_PANELS 4

/* The templates of a run, in the order they are rendered. */
static const char *const run_templates[] = {
    "temperatures", "coolant", "cdu", "bus", "busway", "grid", "bess",
    "margins"};
#define N_TEMPLATES (sizeof run_templates / sizeof run_templates[0])

typedef struct pcol {   /* one column of timeseries.csv */
    char *name;         /* owned, "A01.T_j_degC" */
    size_t comp_len;    /* length of the component id in name */
    const char *qty;    /* into name: after the component id and '.' */
    unsigned kind;
    double lo, hi;      /* extremes over the run */
    size_t ex;          /* its COL_min in extremes.csv (COL_max next); 0:
                           none */
} pcol;

typedef struct plimit { /* one row of margins.csv */
    char *comp, *qty, *unit, *name;   /* owned; name: the id's last part */
    double limit;
    size_t seq;         /* its row: the order within a component */
} plimit;

typedef struct pgroup { /* the columns of one plot_table row */
    const pdef *def;
    size_t *cols;       /* [n] indices into the columns */
    size_t n;
    int is_band;        /* drawn as a band and its worst few */
    size_t n_lines;     /* its first n_lines columns are drawn as lines */
    size_t band;        /* first column of its band in the plot data */
} pgroup;

typedef struct prun {
    const char *rundir;
    const char *shown;  /* its name in titles */
    char *ts_path, *mg_path, *gr_path, *ex_path, *site;
    size_t n_ex;        /* columns of extremes.csv; 0: no such file */
    pcol *cols;
    size_t n_cols;
    plimit *lims;
    size_t n_lims;
    char **grid_names;  /* columns of grid.csv after t_s */
    size_t n_grid;
    pgroup groups[N_PDEF];
    size_t n_bands, n_mg_rows;
    size_t *out_pos;    /* [n_cols] column in the plot data, 0: none */
    size_t *out_cols;   /* [n_out] the columns drawn as lines */
    size_t n_out;
    size_t *env_pos;    /* [n_cols] the plot data column of a line's
                           COL_min (COL_max next), 0: none */
    size_t n_env;       /* lines with extremes */
    double t_end;
    double ev_t[PLOT_MAX_EVENTS];   /* the event markers: times */
    char *ev_name[PLOT_MAX_EVENTS]; /* and labels, owned */
    size_t n_ev;
    dct_afile *data;    /* the plot data: t_s, the lines, the bands */
    dct_afile *mdata;   /* the margin chart's: a row per kind */
} prun;

static char *path_join(const char *dir, const char *file)
{
    sbuf b = {0};
    sb_add(&b, dir);
    sb_add(&b, "/");
    sb_add(&b, file);
    if (b.is_bad) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* Split the CSV line LINE in place into at most MAX fields (RFC 4180
 * quotes; the trailing newline removed).  Returns the number of fields,
 * or MAX + 1 when there are more. */
static size_t csv_split(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    for (;;) {
        if (n == max)
            return max + 1;
        char *w = p;
        f[n++] = w;
        if (*p == '"') {
            p++;
            while (*p) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        int is_end = *p == '\0';
        *w = '\0';
        if (is_end)
            return n;
        p++;
    }
}

/* Count the commas of a header outside quotes, plus one. */
static size_t csv_count(const char *line)
{
    size_t n = 1;
    int q = 0;
    for (const char *p = line; *p && *p != '\n'; p++) {
        if (*p == '"')
            q = !q;
        else if (*p == ',' && !q)
            n++;
    }
    return n;
}

/* Open the run-directory file PATH: a regular file only (a FIFO or a
 * device would block or never end), of at most MAX_BYTES (0: any size,
 * for the files read as a stream).  NULL with an error in D (when D). */
static FILE *open_in(const char *path, long max_bytes, dct_diag *d)
{
    char why[200];
    FILE *f = dct_open_regular(path, max_bytes, why, sizeof why);
    if (!f && d)
        dct_error(d, path, 0, "cannot open: %s", why);
    return f;
}

/* The next line of F (LN its number) at most DCT_MAX_LINE_BYTES long:
 * its length, -1 at the end, -2 on an error recorded in D. */
static ssize_t next_line(char **line, size_t *cap, FILE *f, const char *path,
                         long ln, dct_diag *d)
{
    return dct_text_line(line, cap, f, DCT_MAX_LINE_BYTES, path, ln, d);
}

/* Read the header of FILE into a malloc'd array of N malloc'd names.
 * Returns NULL (error recorded) when FILE cannot be read. */
static char **read_header(const char *file, size_t *n, dct_diag *d)
{
    FILE *f = open_in(file, 0, d);
    if (!f)
        return NULL;
    char *line = NULL;
    size_t cap = 0;
    char **names = NULL, **f2 = NULL;
    size_t m = 0;
    ssize_t len = next_line(&line, &cap, f, file, 1, d);
    if (len < 0) {
        if (len == -1)
            dct_error(d, file, 1, "empty file: expected a header line");
        goto fail;
    }
    m = csv_count(line);
    if (m > PLOT_MAX_COLS) {
        dct_error(d, file, 1, "%zu columns: at most %d are plotted", m,
                  PLOT_MAX_COLS);
        goto fail;
    }
    f2 = malloc(m * sizeof *f2);
    names = calloc(m, sizeof *names);
    if (!f2 || !names)
        goto oom;
    size_t k = csv_split(line, f2, m);
    if (k != m) {
        dct_error(d, file, 1, "malformed header");
        goto fail;
    }
    for (size_t i = 0; i < m; i++)
        if (!(names[i] = strdup(f2[i])))
            goto oom;
    if (strcmp(names[0], "t_s") != 0) {
        dct_error(d, file, 1, "first column '%s': expected t_s", names[0]);
        goto fail;
    }
    free(f2);
    free(line);
    fclose(f);
    *n = m;
    return names;
oom:
    dct_error(d, file, 0, "out of memory");
fail:
    if (names)
        for (size_t i = 0; i < m; i++)
            free(names[i]);
    free(names);
    free(f2);
    free(line);
    fclose(f);
    return NULL;
}

/* Read margins.csv (id,component,quantity,unit,kind,limit,...).  A
 * missing file is no error: the plots then have no limit lines. */
static int read_limits(prun *R, dct_diag *d)
{
    struct stat st;
    if (stat(R->mg_path, &st) != 0 && errno == ENOENT)
        return 0;
    FILE *f = open_in(R->mg_path, DCT_MAX_CSV_BYTES, d);
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    long ln = 0;
    int rc = 0;
    ssize_t len;
    while ((len = next_line(&line, &cap, f, R->mg_path, ln + 1, d)) != -1) {
        char *fl[12];
        if (len == -2) {
            rc = -1;
            break;
        }
        if (++ln == 1)
            continue;
        size_t k = csv_split(line, fl, 12);
        if (k < 7) {
            dct_error(d, R->mg_path, ln, "expected at least 7 fields, found "
                                         "%zu",
                      k);
            rc = -1;
            break;
        }
        R->n_mg_rows++;
        char *end;
        double lim = strtod(fl[5], &end);
        if (end == fl[5] || *end || !isfinite(lim))
            continue;   /* a margin without a finite limit draws no line */
        plimit *p = realloc(R->lims, (R->n_lims + 1) * sizeof *p);
        if (!p) {
            rc = -1;
            break;
        }
        R->lims = p;
        const char *nm = strrchr(fl[0], '.');
        plimit *l = &R->lims[R->n_lims++];
        l->comp = strdup(fl[1]);
        l->qty = strdup(fl[2]);
        l->unit = strdup(fl[3]);
        l->name = strdup(nm ? nm + 1 : fl[0]);
        l->limit = lim;
        l->seq = R->n_lims;
        if (!l->comp || !l->qty || !l->unit || !l->name) {
            dct_error(d, R->mg_path, 0, "out of memory");
            rc = -1;
            break;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

static int cmp_limit(const void *a, const void *b)
{
    const plimit *x = a, *y = b;
    int c = strcmp(x->comp, y->comp);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The limits of component ID (its first LEN characters), in *N: a run of
 * the limits sorted by component.  NULL when there are none. */
static const plimit *lims_of(const prun *R, const char *id, size_t len,
                             size_t *n)
{
    size_t lo = 0, hi = R->n_lims;
    while (lo < hi) {   /* the first limit whose comp >= id */
        size_t mid = lo + (hi - lo) / 2;
        const char *c = R->lims[mid].comp;
        int k = strncmp(c, id, len);
        if (k < 0 || (k == 0 && strlen(c) < len))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t e = lo;
    while (e < R->n_lims && strlen(R->lims[e].comp) == len &&
           strncmp(R->lims[e].comp, id, len) == 0)
        e++;
    *n = e - lo;
    return e > lo ? &R->lims[lo] : NULL;
}

static int cmp_comp(const void *a, const void *b)
{
    const pcol *x = *(pcol *const *)a, *y = *(pcol *const *)b;
    size_t n = x->comp_len < y->comp_len ? x->comp_len : y->comp_len;
    int c = strncmp(x->name, y->name, n);
    if (c)
        return c;
    return (x->comp_len > y->comp_len) - (x->comp_len < y->comp_len);
}

static int is_comp(const char *id, const pcol *c)
{
    return strlen(id) == c->comp_len && strncmp(id, c->name, c->comp_len) ==
                                            0;
}

/* The kind of every column's component, from the quantities each
 * component has, its margins (a grid has a contract or ramp margin) and
 * the columns of grid.csv. */
static int classify(prun *R)
{
    pcol **by = malloc(R->n_cols * sizeof *by);
    if (!by)
        return -1;
    for (size_t i = 0; i < R->n_cols; i++)
        by[i] = &R->cols[i];
    if (R->n_cols > 1)
        qsort(by, R->n_cols, sizeof *by, cmp_comp);
    for (size_t a = 0, b; a < R->n_cols; a = b) {
        unsigned kind = 0;
        for (b = a; b < R->n_cols && cmp_comp(&by[a], &by[b]) == 0; b++) {
            const char *q = by[b]->qty;
            kind |= strcmp(q, "T_j_degC") == 0 ? K_RACK : 0;
            kind |= strcmp(q, "valve_pct") == 0 ? K_CDU : 0;
            kind |= strcmp(q, "V_end_V") == 0 ? K_BUSWAY : 0;
            kind |= strcmp(q, "soc") == 0 ? K_BESS : 0;
            kind |= strcmp(q, "P_available_kW") == 0 ? K_GEN : 0;
        }
        size_t nl;
        const plimit *L = lims_of(R, by[a]->name, by[a]->comp_len, &nl);
        for (size_t l = 0; l < nl; l++)
            if (strcmp(L[l].name, "contract") == 0 ||
                strcmp(L[l].qty, "ramp") == 0)
                kind |= K_GRID;
        for (size_t g = 0; g < R->n_grid; g++) {
            const char *dot = strrchr(R->grid_names[g], '.');
            if (dot && (size_t)(dot - R->grid_names[g]) == by[a]->comp_len &&
                strncmp(R->grid_names[g], by[a]->name, by[a]->comp_len) == 0)
                kind |= K_GRID;
        }
        for (size_t k = a; k < b; k++)
            by[k]->kind = kind;
    }
    free(by);
    return 0;
}

/* Sort the columns into the groups of plot_table; a group larger than
 * PLOT_MAX_LINES gets a band. */
static int make_groups(prun *R)
{
    for (size_t g = 0; g < N_PDEF; g++) {
        const pdef *p = &plot_table[g];
        pgroup *G = &R->groups[g];
        G->def = p;
        for (size_t i = 1; i < R->n_cols; i++) {
            const pcol *c = &R->cols[i];
            if (strcmp(c->qty, p->qty) != 0 ||
                (p->kinds && !(c->kind & p->kinds)) ||
                (c->kind & p->not_kinds))
                continue;
            size_t *v = realloc(G->cols, (G->n + 1) * sizeof *v);
            if (!v)
                return -1;
            G->cols = v;
            G->cols[G->n++] = i;
        }
        if (G->n > PLOT_MAX_LINES) {
            G->is_band = 1;
            R->n_bands++;
        }
    }
    return 0;
}

static const pcol *worst_sort_base;
static int worst_sign;
static int cmp_worst(const void *a, const void *b)
{
    const pcol *x = &worst_sort_base[*(const size_t *)a];
    const pcol *y = &worst_sort_base[*(const size_t *)b];
    double kx = worst_sign > 0 ? x->hi : -x->lo;
    double ky = worst_sign > 0 ? y->hi : -y->lo;
    if (kx != ky)
        return (kx < ky) - (kx > ky);
    return (*(const size_t *)a > *(const size_t *)b) -
           (*(const size_t *)a < *(const size_t *)b);
}

/* After the first pass: the lines of each group (of a band, its worst
 * few, worst first; ties in column order) and where the lines and bands
 * go in the plot data. */
static int select_lines(prun *R)
{
    R->out_pos = calloc(R->n_cols, sizeof *R->out_pos);
    R->out_cols = calloc(R->n_cols, sizeof *R->out_cols);
    if (!R->out_pos || !R->out_cols)
        return -1;
    for (size_t g = 0; g < N_PDEF; g++) {
        pgroup *G = &R->groups[g];
        G->n_lines = G->n;
        if (G->is_band) {
            worst_sort_base = R->cols;
            worst_sign = G->def->worst;
            if (G->n > 1)
                qsort(G->cols, G->n, sizeof *G->cols, cmp_worst);
            G->n_lines = (size_t)G->def->n_worst;
        }
        for (size_t j = 0; j < G->n_lines; j++) {
            size_t c = G->cols[j];
            if (!R->out_pos[c]) {
                R->out_cols[R->n_out++] = c;
                R->out_pos[c] = 1 + R->n_out;
            }
        }
    }
    /* after the lines: the extremes of the lines that have them */
    R->env_pos = calloc(R->n_cols, sizeof *R->env_pos);
    if (!R->env_pos)
        return -1;
    for (size_t i = 0; i < R->n_out; i++)
        if (R->cols[R->out_cols[i]].ex)
            R->env_pos[R->out_cols[i]] = 2 + R->n_out + 2 * R->n_env++;
    size_t k = 0;
    for (size_t g = 0; g < N_PDEF; g++)
        if (R->groups[g].is_band)
            R->groups[g].band = 2 + R->n_out + 2 * R->n_env + 3 * k++;
    return 0;
}

/* A row of the plot data from the values V of a row of timeseries.csv
 * and the extremes VLO, VHI since the previous row (V where a column has
 * none). */
static void write_data_row(prun *R, FILE *f, const double *v,
                           const double *vlo, const double *vhi)
{
    fprintf(f, "%.9g", v[0]);
    for (size_t i = 0; i < R->n_out; i++)
        fprintf(f, ",%.9g", v[R->out_cols[i]]);
    for (size_t i = 0; i < R->n_out; i++)
        if (R->env_pos[R->out_cols[i]])
            fprintf(f, ",%.9g,%.9g", vlo[R->out_cols[i]],
                    vhi[R->out_cols[i]]);
    for (size_t g = 0; g < N_PDEF; g++) {
        const pgroup *G = &R->groups[g];
        if (!G->is_band)
            continue;
        double lo = INFINITY, hi = -INFINITY, sum = 0;
        for (size_t j = 0; j < G->n; j++) {
            double x = v[G->cols[j]];
            lo = vlo[G->cols[j]] < lo ? vlo[G->cols[j]] : lo;
            hi = vhi[G->cols[j]] > hi ? vhi[G->cols[j]] : hi;
            sum += x;
        }
        fprintf(f, ",%.9g,%.9g,%.9g", lo, sum / (double)G->n, hi);
    }
    putc('\n', f);
}

/* Parse the N numbers of the CSV row LINE into V.  Returns 0, or -1
 * when it is not N numbers separated by commas. */
static int parse_row(char *line, double *v, size_t n)
{
    char *p = line;
    size_t k = 0;
    for (; k < n; k++) {
        char *end;
        v[k] = strtod(p, &end);
        if (end == p || (*end != ',' && *end != '\n' && *end != '\r' &&
                         *end != '\0'))
            break;
        p = end;
        if (k + 1 < n && *p++ != ',')
            break;
    }
    return k < n || (*p && *p != '\n' && *p != '\r') ? -1 : 0;
}

/* Stream the rows of timeseries.csv (and of extremes.csv beside it, row
 * by row).  Without OUT (the first pass): the extremes of every column
 * and the last time.  With OUT: the plot data, only the columns drawn, so
 * that gnuplot reads a narrow file. */
static int read_rows(prun *R, FILE *out, dct_diag *d)
{
    FILE *f = open_in(R->ts_path, 0, d);
    if (!f)
        return DCT_PLOT_EINPUT;
    FILE *fx = NULL;
    if (R->n_ex && !(fx = open_in(R->ex_path, 0, d))) {
        fclose(f);
        return DCT_PLOT_EINPUT;
    }
    if (out) {
        fputs("t_s", out);
        for (size_t i = 0; i < R->n_out; i++)
            fprintf(out, ",%s", R->cols[R->out_cols[i]].name);
        for (size_t i = 0; i < R->n_out; i++)
            if (R->env_pos[R->out_cols[i]])
                fprintf(out, ",%s_min,%s_max", R->cols[R->out_cols[i]].name,
                        R->cols[R->out_cols[i]].name);
        for (size_t k = 0; k < R->n_bands; k++)
            fprintf(out, ",band%zu_min,band%zu_mean,band%zu_max", k + 1,
                    k + 1, k + 1);
        putc('\n', out);
    }
    char *line = NULL, *xline = NULL;
    size_t cap = 0, xcap = 0;
    long ln = 0;
    int rc = DCT_PLOT_OK;
    double *v = malloc(R->n_cols * sizeof *v);
    double *vlo = malloc(R->n_cols * sizeof *vlo);
    double *vhi = malloc(R->n_cols * sizeof *vhi);
    double *xv = malloc((R->n_ex ? R->n_ex : 1) * sizeof *xv);
    if (!v || !vlo || !vhi || !xv) {
        dct_error(d, NULL, 0, "out of memory");
        rc = DCT_PLOT_EINPUT;
    }
    for (size_t i = 0; i < R->n_cols && !out; i++)
        R->cols[i].lo = INFINITY, R->cols[i].hi = -INFINITY;
    ssize_t len;
    while (!rc && (len = next_line(&line, &cap, f, R->ts_path, ln + 1, d)) !=
                      -1) {
        if (len == -2) {
            rc = DCT_PLOT_EINPUT;
            break;
        }
        ssize_t xlen = fx ? next_line(&xline, &xcap, fx, R->ex_path, ln + 1,
                                      d)
                          : 0;
        if (xlen == -2) {
            rc = DCT_PLOT_EINPUT;
            break;
        }
        if (xlen == -1) {
            dct_error(d, R->ex_path, ln + 1, "ends before timeseries.csv "
                                             "(expected a row for each of "
                                             "its rows)");
            rc = DCT_PLOT_EINPUT;
            break;
        }
        if (++ln == 1)
            continue;
        if (parse_row(line, v, R->n_cols) != 0) {
            dct_error(d, R->ts_path, ln, "expected %zu numbers separated "
                                         "by commas",
                      R->n_cols);
            rc = DCT_PLOT_EINPUT;
            break;
        }
        if (fx && parse_row(xline, xv, R->n_ex) != 0) {
            dct_error(d, R->ex_path, ln, "expected %zu numbers separated "
                                         "by commas",
                      R->n_ex);
            rc = DCT_PLOT_EINPUT;
            break;
        }
        if (fx && xv[0] != v[0]) {
            dct_error(d, R->ex_path, ln, "t_s %.9g: expected %.9g, the time "
                                         "of timeseries.csv's row",
                      xv[0], v[0]);
            rc = DCT_PLOT_EINPUT;
            break;
        }
        for (size_t i = 0; i < R->n_cols; i++) {
            size_t e = R->cols[i].ex;
            vlo[i] = e ? fmin(xv[e], v[i]) : v[i];
            vhi[i] = e ? fmax(xv[e + 1], v[i]) : v[i];
        }
        if (out) {
            write_data_row(R, out, v, vlo, vhi);
            continue;
        }
        for (size_t i = 0; i < R->n_cols; i++) {
            if (vlo[i] < R->cols[i].lo)
                R->cols[i].lo = vlo[i];
            if (vhi[i] > R->cols[i].hi)
                R->cols[i].hi = vhi[i];
        }
        R->t_end = v[0];
    }
    if (!rc && ln < 2) {
        dct_error(d, R->ts_path, 1, "no rows: nothing to plot");
        rc = DCT_PLOT_EINPUT;
    }
    if (!rc && fx && next_line(&xline, &xcap, fx, R->ex_path, ln + 1, d) !=
                         -1) {
        dct_error(d, R->ex_path, ln + 1, "more rows than timeseries.csv");
        rc = DCT_PLOT_EINPUT;
    }
    free(v);
    free(vlo);
    free(vhi);
    free(xv);
    free(line);
    free(xline);
    fclose(f);
    if (fx)
        fclose(fx);
    return rc;
}

static const pcol *by_name_base;
static int cmp_by_name(const void *a, const void *b)
{
    return strcmp(by_name_base[*(const size_t *)a].name,
                  by_name_base[*(const size_t *)b].name);
}

/* The header of extremes.csv, when the run has one: each COL_min,
 * COL_max pair to its column of timeseries.csv. */
static int read_extremes_header(prun *R, dct_diag *d)
{
    if (access(R->ex_path, F_OK) != 0)
        return 0;
    size_t n = 0;
    char **names = read_header(R->ex_path, &n, d);
    if (!names)
        return -1;
    int rc = 0;
    size_t *idx = malloc(R->n_cols * sizeof *idx);
    if (!idx) {
        dct_error(d, NULL, 0, "out of memory");
        rc = -1;
    }
    for (size_t i = 0; idx && i < R->n_cols; i++)
        idx[i] = i;
    by_name_base = R->cols;
    if (idx && R->n_cols > 1)
        qsort(idx, R->n_cols, sizeof *idx, cmp_by_name);
    for (size_t k = 1; !rc && k < n; k += 2) {
        size_t len = strlen(names[k]);
        if (!has_suffix(names[k], "_min") || k + 1 == n ||
            strncmp(names[k], names[k + 1], len - 4) != 0 ||
            strcmp(names[k + 1] + len - 4, "_max") != 0) {
            dct_error(d, R->ex_path, 1, "column %zu '%s': expected a pair "
                                        "COLUMN_min, COLUMN_max",
                      k + 1, names[k]);
            rc = -1;
            break;
        }
        names[k][len - 4] = '\0';
        size_t lo = 0, hi = R->n_cols;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(R->cols[idx[mid]].name, names[k]) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == R->n_cols || strcmp(R->cols[idx[lo]].name, names[k]) ||
            idx[lo] == 0) {
            dct_error(d, R->ex_path, 1, "column '%s_min': timeseries.csv "
                                        "has no column '%s'",
                      names[k], names[k]);
            rc = -1;
            break;
        }
        R->cols[idx[lo]].ex = k;
    }
    if (!rc)
        R->n_ex = n;
    free(idx);
    for (size_t k = 0; k < n; k++)
        free(names[k]);
    free(names);
    return rc;
}

/* The site name from run.json ("site":{"file":...,"name":"..."}), a JSON
 * string decoded (\uXXXX of the basic plane to UTF-8); NULL when absent. */
static char *site_name(const char *rundir)
{
    char *path = path_join(rundir, "run.json");
    FILE *f = path ? open_in(path, 0, NULL) : NULL;
    free(path);
    if (!f)
        return NULL;
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strstr(buf, "\"site\":{");
    p = p ? strstr(p, "\"name\":\"") : NULL;
    if (!p)
        return NULL;
    p += 8;
    sbuf b = {0};
    while (*p && *p != '"') {
        if (*p != '\\') {
            sb_addn(&b, p++, 1);
            continue;
        }
        char c = p[1];
        if (!c)
            break;
        p += 2;
        const char *esc = strchr("\"\\/bfnrt", c);
        if (esc && c != 'b' && c != 'f' && c != 'n' && c != 'r' &&
            c != 't') {
            sb_addn(&b, &c, 1);
        } else if (c == 'u' && isxdigit((unsigned char)p[0]) &&
                   isxdigit((unsigned char)p[1]) &&
                   isxdigit((unsigned char)p[2]) &&
                   isxdigit((unsigned char)p[3])) {
            char hex[5] = {p[0], p[1], p[2], p[3], 0};
            unsigned long u = strtoul(hex, NULL, 16);
            char o[3];
            p += 4;
            if (u < 0x20) {
                sb_add(&b, " ");
            } else if (u < 0x80) {
                o[0] = (char)u;
                sb_addn(&b, o, 1);
            } else if (u < 0x800) {
                o[0] = (char)(0xc0 | (u >> 6));
                o[1] = (char)(0x80 | (u & 0x3f));
                sb_addn(&b, o, 2);
            } else {
                o[0] = (char)(0xe0 | (u >> 12));
                o[1] = (char)(0x80 | ((u >> 6) & 0x3f));
                o[2] = (char)(0x80 | (u & 0x3f));
                sb_addn(&b, o, 3);
            }
        } else {
            sb_add(&b, " ");   /* a control character: not for a title */
        }
    }
    if (b.is_bad) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* Is events.csv's event EV one a scenario (or an operator) caused, or a
 * change of the plant's state worth a marker (a trip, a generator)?  2:
 * a scenario's, 1: the plant's, 0: neither (a margin crossing, a limit
 * flag that may flap hundreds of times). */
static int event_rank(const char *ev)
{
    static const char *const scen[] = {
        "grid-loss", "grid-return", "unit-trip", "unit-restored",
        "fans-stopped", "fans-restarted", "set-", "profile-", "scale-",
        "weather-file"};
    static const char *const plant[] = {
        "rack-trip", "rack-restart", "generator-", "throttle",
        "valve-saturated", "fans-saturated", "supply-above-setpoint"};
    for (size_t i = 0; i < sizeof scen / sizeof *scen; i++)
        if (strncmp(ev, scen[i], strlen(scen[i])) == 0)
            return 2;
    for (size_t i = 0; i < sizeof plant / sizeof *plant; i++)
        if (strncmp(ev, plant[i], strlen(plant[i])) == 0)
            return 1;
    return 0;
}

/* The event markers from RUNDIR/events.csv (t_s,component,event): the
 * scenario's events first, then the plant's, at most PLOT_MAX_EVENTS;
 * events at (nearly) the same time share one marker and label.  A missing
 * or unreadable file gives no markers (the plots do not need them). */
static void read_events(prun *R)
{
    char *path = path_join(R->rundir, "events.csv");
    FILE *f = path ? open_in(path, DCT_MAX_CSV_BYTES, NULL) : NULL;
    free(path);
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    /* two passes over the file: rank 2, then rank 1 */
    for (int rank = 2; rank >= 1; rank--) {
        rewind(f);
        long ln = 0;
        while (dct_getline_max(&line, &cap, f, DCT_MAX_LINE_BYTES) >= 0) {
            char *fl[4];
            if (++ln == 1 || csv_split(line, fl, 3) != 3)
                continue;
            char *end;
            double t = strtod(fl[0], &end);
            if (end == fl[0] || *end || !isfinite(t) ||
                event_rank(fl[2]) != rank)
                continue;
            /* one marker for the events within 0.5 % of the run */
            double tol = 0.005 * (R->t_end > 0 ? R->t_end : 1);
            size_t k = 0;
            while (k < R->n_ev && fabs(R->ev_t[k] - t) > tol)
                k++;
            sbuf b = {0};
            if (k < R->n_ev) {
                if (strstr(R->ev_name[k], fl[2]) ||
                    strlen(R->ev_name[k]) > PLOT_EVENT_LABEL)
                    continue;   /* the same kind again, or long enough */
                sb_add(&b, R->ev_name[k]);
                sb_add(&b, ", ");
            } else if (R->n_ev == PLOT_MAX_EVENTS) {
                continue;
            }
            if (*fl[1] && strcmp(fl[1], "all-racks") != 0) {
                sb_add(&b, fl[1]);
                sb_add(&b, " ");
            }
            sb_add(&b, fl[2]);
            if (b.is_bad) {
                free(b.s);
                continue;
            }
            if (k == R->n_ev)
                R->ev_t[R->n_ev++] = t;
            else
                free(R->ev_name[k]);
            R->ev_name[k] = b.s;
        }
    }
    free(line);
    fclose(f);
}

/* ------------------------------------------------- variables of a plot */

typedef struct pvars {
    char *v[PLOT_MAX_VARS];
    size_t n;
    int is_bad;
} pvars;

/* vsprintf into a malloc'd string in *S.  Returns its length or -1. */
static int vformat(char **s, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0 || !(*s = malloc((size_t)n + 1)))
        return -1;
    vsnprintf(*s, (size_t)n + 1, fmt, ap);
    return n;
}

static void vadd(pvars *V, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void vadd(pvars *V, const char *fmt, ...)
{
    if (V->is_bad)
        return;
    if (V->n == PLOT_MAX_VARS) {
        V->is_bad = 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vformat(&s, fmt, ap) < 0)
        V->is_bad = 1;
    else
        V->v[V->n++] = s;
    va_end(ap);
}

/* The event variables of a time-series plot (panel.gp). */
static void event_vars(const prun *R, pvars *V)
{
    vadd(V, "nev=%zu", R->n_ev);
    for (size_t i = 0; i < R->n_ev; i++) {
        vadd(V, "ev%zu=%.9g", i + 1, R->ev_t[i]);
        vadd(V, "evname%zu=%s", i + 1, R->ev_name[i]);
    }
}

static void vfree(pvars *V)
{
    for (size_t i = 0; i < V->n; i++)
        free(V->v[i]);
    V->n = 0;
}

/* Does limit L apply to column C shown times SCALE?  The quantity is the
 * column's name without its unit suffix ("T_j_hot_degC": T_j_hot, degC);
 * "pct" is the margins' "%", and a unitless fraction shown times 100 is
 * in "%" too (soc). */
static int limit_fits(const plimit *l, const pcol *c, double scale)
{
    if (!is_comp(l->comp, c))
        return 0;
    const char *q = c->qty, *us = strrchr(q, '_');
    size_t qn = us ? (size_t)(us - q) : strlen(q);
    const char *unit = us ? us + 1 : "";
    if (strlen(l->qty) != qn || strncmp(l->qty, q, qn) != 0)
        return 0;
    if (strcmp(unit, l->unit) == 0)
        return scale == 1;
    if (strcmp(unit, "pct") == 0 && strcmp(l->unit, "%") == 0)
        return scale == 1;
    return !*unit && scale == 100 && strcmp(l->unit, "%") == 0;
}


/* The variables of panel P (1..N_PANELS) of template TPL.  Returns the
 * number of groups with data in it. */
static int panel_vars(prun *R, const char *tpl, int P, pvars *V)
{
    sbuf cols = {0}, band = {0}, env = {0};
    int n_groups = 0, n_band = 0, n_lim = 0, n_line = 0, has_env = 0;
    double scale = 1;
    double lim_v[PLOT_MAX_LIMITS];
    const char *lim_n[PLOT_MAX_LIMITS];
    double lo = INFINITY, hi = -INFINITY;   /* the panel's values, scaled */
    for (size_t g = 0; g < N_PDEF; g++) {
        pgroup *G = &R->groups[g];
        if (strcmp(G->def->tpl, tpl) != 0 || G->def->panel != P || !G->n)
            continue;
        n_groups++;
        scale = G->def->scale;
        if (G->is_band) {
            sb_printf(&band, "%s%zu", band.n ? " " : "", G->band);
            n_band++;
            vadd(V, "p%d_bandname%d=%zu %s: min-max, mean", P, n_band,
                 G->n, G->def->noun);
        }
        for (size_t j = 0; j < G->n_lines && j < G->n; j++) {
            const pcol *c = &R->cols[G->cols[j]];
            sb_printf(&cols, "%s%zu", cols.n ? " " : "",
                      R->out_pos[G->cols[j]]);
            sb_printf(&env, "%s%zu", env.n ? " " : "",
                      R->env_pos[G->cols[j]]);
            has_env |= R->env_pos[G->cols[j]] != 0;
            /* the key: component, quantity in words, unit */
            vadd(V, "p%d_title%d=%.*s%s%s [%s]", P, ++n_line,
                 (int)c->comp_len, c->name, c->comp_len ? " " : "",
                 G->def->what, G->def->unit);
        }
        for (size_t j = 0; j < G->n; j++) {
            const pcol *c = &R->cols[G->cols[j]];
            lo = fmin(lo, c->lo * G->def->scale);
            hi = fmax(hi, c->hi * G->def->scale);
        }
        for (size_t j = 0; j < G->n; j++) {
            const pcol *c = &R->cols[G->cols[j]];
            size_t nl;
            const plimit *L = lims_of(R, c->name, c->comp_len, &nl);
            for (size_t l = 0; l < nl; l++, L++) {
                if (!limit_fits(L, c, G->def->scale))
                    continue;
                int seen = 0;
                for (int k = 0; k < n_lim && !seen; k++)
                    seen = lim_v[k] == L->limit &&
                           strcmp(lim_n[k], L->name) == 0;
                if (!seen && n_lim < PLOT_MAX_LIMITS) {
                    lim_v[n_lim] = L->limit;
                    lo = fmin(lo, L->limit);
                    hi = fmax(hi, L->limit);
                    lim_n[n_lim++] = L->name;
                    vadd(V, "p%d_lim%d=%.9g", P, n_lim, L->limit);
                    vadd(V, "p%d_limname%d=%s %s %.6g %s", P, n_lim,
                         L->qty, L->name, L->limit, L->unit);
                }
            }
        }
    }
    if (n_groups) {
        if (cols.n)
            vadd(V, "p%d_cols=%s", P, cols.s);
        if (has_env)
            vadd(V, "p%d_env=%s", P, env.s);
        if (band.n)
            vadd(V, "p%d_band=%s", P, band.s);
        vadd(V, "p%d_nlim=%d", P, n_lim);
        vadd(V, "p%d_scale=%g", P, scale);
        /* the range holds every series of the panel (also the ones
         * only in a band) and every limit, with 5 % to spare, so that
         * none lies on the frame; a flat panel gets one around its value
         * (autoscale would warn) */
        double mid = 0.5 * (lo + hi), w = fmax(1e-3 * fabs(mid), 0.5);
        if (isfinite(lo) && isfinite(hi)) {
            if (hi - lo < 1e-9 * fabs(mid) + 1e-12) {
                lo = mid - w;
                hi = mid + w;
            } else {
                double pad = 0.05 * (hi - lo);
                lo -= pad;
                hi += pad;
            }
            vadd(V, "p%d_ymin=%.9g", P, lo);
            vadd(V, "p%d_ymax=%.9g", P, hi);
        }
    }
    if (cols.is_bad || band.is_bad || env.is_bad)
        V->is_bad = 1;
    free(cols.s);
    free(band.s);
    free(env.s);
    return n_groups;
}

/* The grid panel at the resolution of grid.csv: its columns, limits of
 * the grids. */
static void grid_trace_vars(prun *R, pvars *V)
{
    sbuf cols = {0};
    int n_lim = 0;
    for (size_t g = 0; g < R->n_grid; g++) {
        sb_printf(&cols, "%s%zu", cols.n ? " " : "", g + 2);
        const char *dot = strrchr(R->grid_names[g], '.');
        size_t cn = dot ? (size_t)(dot - R->grid_names[g]) : 0;
        size_t nl;
        const plimit *L0 = lims_of(R, R->grid_names[g], cn, &nl);
        for (size_t l = 0; l < nl && n_lim < PLOT_MAX_LIMITS; l++) {
            const plimit *L = &L0[l];
            if (strcmp(L->qty, "P") == 0 && strcmp(L->unit, "kW") == 0) {
                n_lim++;
                vadd(V, "p2_lim%d=%.9g", n_lim, L->limit);
                vadd(V, "p2_limname%d=P %s %.6g kW", n_lim, L->name,
                     L->limit);
            }
        }
    }
    vadd(V, "gridfile=%s", R->gr_path);
    vadd(V, "p2_cols=%s", cols.s ? cols.s : "");
    vadd(V, "p2_nlim=%d", n_lim);
    if (cols.is_bad)
        V->is_bad = 1;
    free(cols.s);
}

/* A temporary plot data file OUTDIR/NAME (its .tmp. name: see
 * atomic_file.h), or NULL with an error recorded. */
static dct_afile *open_temp(const char *outdir, const char *name,
                            dct_diag *d)
{
    char *path = path_join(outdir, name);
    dct_afile *af = path ? dct_afile_open(path) : NULL;
    if (!af)
        dct_error(d, path ? path : outdir, 0, "cannot create: %s",
                  strerror(errno));
    free(path);
    return af;
}

/* The margin chart's data, a temporary OUTDIR/plot-margins.csv: one row
 * per kind of margin (the id after the component: "I.ampacity"), its
 * worst member, in the order of margins.csv (binding first): label,
 * unit, limit, worst, margin_pct.  The label names the kind, the worst
 * member and how many there are ("I.ampacity: bw-a1 (worst of 8)").
 * Returns the number of rows, or -1 with an error recorded. */
static long margin_kinds(prun *R, const char *outdir, dct_diag *d)
{
    FILE *f = open_in(R->mg_path, DCT_MAX_CSV_BYTES, d);
    if (!f)
        return -1;
    if (!(R->mdata = open_temp(outdir, "plot-margins.csv", d))) {
        fclose(f);
        return -1;
    }
    /* pass 1: the kinds in order, with their counts */
    char **kind = NULL, **label = NULL;
    size_t *count = NULL, nk = 0;
    char *line = NULL;
    size_t cap = 0;
    long ln = 0, rc = 0;
    FILE *o = dct_afile_fp(R->mdata);
    fputs("label,unit,limit,worst,margin_pct\n", o);
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        rewind(f);
        ln = 0;
        while (rc == 0 &&
               dct_getline_max(&line, &cap, f, DCT_MAX_LINE_BYTES) >= 0) {
            char *fl[12];
            size_t k = csv_split(line, fl, 12);
            if (++ln == 1 || k < 9)
                continue;
            size_t cl = strlen(fl[1]);
            const char *kd = strncmp(fl[0], fl[1], cl) == 0 &&
                                     fl[0][cl] == '.'
                                 ? fl[0] + cl + 1
                                 : fl[0];
            size_t i = 0;
            while (i < nk && strcmp(kind[i], kd) != 0)
                i++;
            if (pass == 0) {
                if (i == nk) {
                    char **nk1 = realloc(kind, (nk + 1) * sizeof *kind);
                    char **nl1 = nk1 ? realloc(label, (nk + 1) *
                                                          sizeof *label)
                                     : NULL;
                    size_t *nc1 = nl1 ? realloc(count, (nk + 1) *
                                                           sizeof *count)
                                      : NULL;
                    if (nk1)
                        kind = nk1;
                    if (nl1)
                        label = nl1;
                    if (!nc1 || !(kind[nk] = strdup(kd))) {
                        rc = -1;
                        break;
                    }
                    count = nc1;
                    label[nk] = NULL;
                    count[nk++] = 0;
                }
                count[i]++;
                continue;
            }
            if (!label[i]) {   /* its first row: the worst member */
                sbuf b = {0};
                if (count[i] > 1)
                    sb_printf(&b, "%s: %s (worst of %zu)", kind[i], fl[1],
                              count[i]);
                else
                    sb_printf(&b, "%s: %s", kind[i], fl[1]);
                if (b.is_bad) {
                    free(b.s);
                    b.s = strdup(kind[i]);
                }
                if (!(label[i] = b.s)) {
                    rc = -1;
                    break;
                }
                dct_csv_field(o, label[i]);
                putc(',', o);
                dct_csv_field(o, fl[3]);
                fprintf(o, ",%s,%s,%s\n", fl[5], fl[6], fl[8]);
            }
        }
    }
    for (size_t i = 0; i < nk; i++) {
        free(kind[i]);
        free(label ? label[i] : NULL);
    }
    free(kind);
    free(label);
    free(count);
    free(line);
    fclose(f);
    if (rc == 0 && dct_afile_finish(R->mdata) != 0) {
        dct_error(d, dct_afile_tmp_path(R->mdata), 0, "write error: %s",
                  strerror(errno));
        return -1;
    }
    if (rc != 0)
        dct_error(d, NULL, 0, "out of memory");
    return rc == 0 ? (long)nk : -1;
}

/* Render template TPL of the run to OUTDIR/TPL.FORMAT, when it has
 * data.  Returns a dct_plot_render status (0 also when skipped). */
static int render_one(prun *R, const char *tpl, const char *format,
                      const char *outdir, dct_diag *d)
{
    pvars V = {0};
    int has_data = 0;
    const char *site = R->site ? R->site : "run";
    vadd(&V, "title=%s: %s (%s)", site, tpl, R->shown);
    if (strcmp(tpl, "margins") == 0) {
        if (R->n_mg_rows == 0)
            return 0;
        long nk = margin_kinds(R, outdir, d);
        if (nk < 0) {
            vfree(&V);
            return DCT_PLOT_EOUTPUT;
        }
        if (nk == 0) {
            vfree(&V);
            return 0;
        }
        has_data = 1;
        vadd(&V, "datafile=%s", dct_afile_tmp_path(R->mdata));
        vadd(&V, "nbars=%ld", nk < PLOT_NBARS ? nk : (long)PLOT_NBARS);
    } else {
        /* the time axis in s, min or h after the run's length */
        double ts = R->t_end > 7200 ? 3600 : R->t_end > 600 ? 60 : 1;
        vadd(&V, "datafile=%s", dct_afile_tmp_path(R->data));
        vadd(&V, "bandfile=%s", dct_afile_tmp_path(R->data));
        vadd(&V, "tscale=%g", ts);
        vadd(&V, "tunit=%s", ts == 3600 ? "h" : ts == 60 ? "min" : "s");
        event_vars(R, &V);
        for (int p = 1; p <= N_PANELS; p++)
            has_data += panel_vars(R, tpl, p, &V);
        if (strcmp(tpl, "grid") == 0 && R->n_grid) {
            grid_trace_vars(R, &V);
            has_data++;
        }
    }
    int rc = 0;
    char *out = NULL;
    if (V.is_bad) {
        dct_error(d, NULL, 0, "plot %s: out of memory or too many series",
                  tpl);
        rc = DCT_PLOT_EOUTPUT;
    } else if (has_data) {
        sbuf b = {0};
        sb_printf(&b, "%s/%s.%s", outdir, tpl, format);
        if (b.is_bad) {
            dct_error(d, NULL, 0, "plot %s: path too long", tpl);
            rc = DCT_PLOT_EOUTPUT;
        } else {
            rc = dct_plot_render(tpl, (const char *const *)V.v, V.n, b.s,
                                 format, d);
        }
        out = b.s;
    }
    free(out);
    vfree(&V);
    return rc;
}

/* Most kinds of margin drawn over time: the ones that come closest. */
#define PLOT_MARGIN_KINDS 6

/* OUTDIR/margins-time.FORMAT from RUNDIR/margins-over-time.csv (the
 * smallest margin of each kind, % of its limit, at every output row):
 * the PLOT_MARGIN_KINDS kinds that come closest to their limits, with the
 * zero line.  Returns a dct_plot_render status (0 when there is no such
 * file). */
static int render_margins_time(prun *R, const char *format,
                               const char *outdir, dct_diag *d)
{
    char *file = path_join(R->rundir, "margins-over-time.csv");
    if (!file || access(file, R_OK) != 0) {
        free(file);
        return 0;
    }
    size_t nc = 0;
    char **names = read_header(file, &nc, d);
    FILE *f = names && nc > 1 ? open_in(file, 0, d) : NULL;
    double *lo = f ? malloc(nc * sizeof *lo) : NULL;
    int rc = 0;
    if (!lo)
        goto done;
    for (size_t c = 0; c < nc; c++)
        lo[c] = INFINITY;
    char *line = NULL;
    size_t cap = 0;
    int is_head = 1;
    ssize_t len;
    long ln = 0;
    while ((len = next_line(&line, &cap, f, file, ++ln, d)) != -1) {
        if (len == -2) {
            free(line);
            rc = DCT_PLOT_EINPUT;
            goto done;
        }
        if (is_head) {
            is_head = 0;
            continue;
        }
        char *p = line;
        for (size_t c = 0; c < nc && p; c++) {
            char *end;
            double v = strtod(p, &end);
            if (end != p && c > 0 && v < lo[c])
                lo[c] = v;
            p = strchr(end, ',');
            if (p)
                p++;
        }
    }
    free(line);
    /* the closest kinds, by selection */
    size_t pick[PLOT_MARGIN_KINDS], np = 0;
    for (; np < PLOT_MARGIN_KINDS; np++) {
        size_t best = 0;
        for (size_t c = 1; c < nc; c++) {
            int taken = 0;
            for (size_t k = 0; k < np; k++)
                taken |= pick[k] == c;
            if (!taken && isfinite(lo[c]) && (!best || lo[c] < lo[best]))
                best = c;
        }
        if (!best)
            break;
        pick[np] = best;
    }
    if (np == 0)
        goto done;
    pvars V = {0};
    sbuf cols = {0};
    double ts = R->t_end > 7200 ? 3600 : R->t_end > 600 ? 60 : 1;
    vadd(&V, "title=%s: margins over time, the %zu closest kinds (%s)",
         R->site ? R->site : "run", np, R->shown);
    vadd(&V, "datafile=%s", file);
    vadd(&V, "x=1");
    for (size_t k = 0; k < np; k++) {
        sb_printf(&cols, "%s%zu", k ? " " : "", pick[k] + 1);
        vadd(&V, "ytitle%zu=%s", k + 1, names[pick[k]]);
    }
    vadd(&V, "ycols=%s", cols.s ? cols.s : "2");
    vadd(&V, "xscale=%g", ts);
    vadd(&V, "xlabel=time [%s]", ts == 3600 ? "h" : ts == 60 ? "min" : "s");
    vadd(&V, "ylabel=margin [%% of limit]");
    vadd(&V, "threshold=0");
    vadd(&V, "thresholdname=limit");
    event_vars(R, &V);
    sbuf out = {0};
    sb_printf(&out, "%s/margins-time.%s", outdir, format);
    if (V.is_bad || cols.is_bad || out.is_bad) {
        dct_error(d, NULL, 0, "plot margins-time: out of memory");
        rc = DCT_PLOT_EOUTPUT;
    } else {
        rc = dct_plot_render("xy", (const char *const *)V.v, V.n, out.s,
                             format, d);
    }
    free(out.s);
    free(cols.s);
    vfree(&V);
done:
    if (f)
        fclose(f);
    free(lo);
    for (size_t c = 0; names && c < nc; c++)
        free(names[c]);
    free(names);
    free(file);
    return rc;
}

static int mkdir_p(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static void prun_free(prun *R)
{
    dct_afile_abort(R->data);
    dct_afile_abort(R->mdata);
    free(R->out_pos);
    free(R->out_cols);
    for (size_t i = 0; i < R->n_cols; i++)
        free(R->cols[i].name);
    free(R->cols);
    for (size_t i = 0; i < R->n_lims; i++) {
        free(R->lims[i].comp);
        free(R->lims[i].qty);
        free(R->lims[i].unit);
        free(R->lims[i].name);
    }
    free(R->lims);
    for (size_t i = 0; i < R->n_grid; i++)
        free(R->grid_names[i]);
    free(R->grid_names);
    for (size_t i = 0; i < R->n_ev; i++)
        free(R->ev_name[i]);
    for (size_t g = 0; g < N_PDEF; g++)
        free(R->groups[g].cols);
    free(R->ts_path);
    free(R->mg_path);
    free(R->gr_path);
    free(R->ex_path);
    free(R->env_pos);
    free(R->site);
}

int dct_plot_run(const char *rundir, const char *format, const char *outdir,
                 dct_diag *d)
{
    return dct_plot_run_as(rundir, rundir, format, outdir, d);
}

/* dct_plot_run_as; with IS_DRY, dct_plot_read_run: everything but
 * gnuplot and the files it would write. */
static int plot_run(const char *rundir, const char *shown,
                    const char *format, const char *outdir, int is_dry,
                    dct_diag *d)
{
    if (!dct_plot_is_format(format)) {
        dct_error(d, NULL, 0, "plot format '%s': expected png, svg or pdf",
                  format ? format : "(null)");
        return DCT_PLOT_EINVAL;
    }
    prun R0 = {0}, *R = &R0;
    R->rundir = rundir;
    R->shown = shown;
    int rc = DCT_PLOT_OK;
    if (dct_rundir_check(rundir, NULL, 0, d) != 0)
        return DCT_PLOT_EINPUT;
    if (!(R->ts_path = path_join(rundir, "timeseries.csv")) ||
        !(R->mg_path = path_join(rundir, "margins.csv")) ||
        !(R->gr_path = path_join(rundir, "grid.csv")) ||
        !(R->ex_path = path_join(rundir, "extremes.csv"))) {
        dct_error(d, NULL, 0, "out of memory");
        rc = DCT_PLOT_EINPUT;
        goto done;
    }
    char **names = read_header(R->ts_path, &R->n_cols, d);
    if (!names) {
        rc = DCT_PLOT_EINPUT;
        goto done;
    }
    R->cols = calloc(R->n_cols, sizeof *R->cols);
    if (!R->cols) {
        for (size_t i = 0; i < R->n_cols; i++)
            free(names[i]);
        free(names);
        R->n_cols = 0;
        dct_error(d, NULL, 0, "out of memory");
        rc = DCT_PLOT_EINPUT;
        goto done;
    }
    for (size_t i = 0; i < R->n_cols; i++) {
        pcol *c = &R->cols[i];
        c->name = names[i];
        const char *dot = strrchr(c->name, '.');
        c->comp_len = dot ? (size_t)(dot - c->name) : 0;
        c->qty = dot ? dot + 1 : c->name;
    }
    free(names);
    if (read_extremes_header(R, d) != 0) {
        rc = DCT_PLOT_EINPUT;
        goto done;
    }
    /* the data is all there: from here a missing gnuplot ends quietly */
    char *exe = is_dry ? NULL : find_gnuplot();
    if (!exe && !is_dry) {
        rc = no_gnuplot(d, shown);
        goto done;
    }
    free(exe);
    if (read_limits(R, d) != 0) {
        rc = DCT_PLOT_EINPUT;
        goto done;
    }
    if (R->n_lims)
        qsort(R->lims, R->n_lims, sizeof *R->lims, cmp_limit);
    if (access(R->gr_path, R_OK) == 0) {
        char **g = read_header(R->gr_path, &R->n_grid, d);
        if (!g) {
            rc = DCT_PLOT_EINPUT;
            goto done;
        }
        free(g[0]);   /* t_s */
        memmove(g, g + 1, (R->n_grid - 1) * sizeof *g);
        R->grid_names = g;
        R->n_grid--;
    }
    R->site = site_name(rundir);
    if (classify(R) != 0 || make_groups(R) != 0) {
        dct_error(d, NULL, 0, "out of memory");
        rc = DCT_PLOT_EINPUT;
        goto done;
    }
    if (!outdir)
        outdir = rundir;
    if (mkdir_p(outdir) != 0) {
        dct_error(d, outdir, 0, "cannot create the plot directory: %s",
                  strerror(errno));
        rc = DCT_PLOT_EOUTPUT;
        goto done;
    }
    if ((rc = read_rows(R, NULL, d)) != 0)
        goto done;
    read_events(R);
    if (select_lines(R) != 0) {
        dct_error(d, NULL, 0, "out of memory");
        rc = DCT_PLOT_EINPUT;
        goto done;
    }
    if (is_dry) { /* the second pass, into nothing */
        FILE *nul = fopen("/dev/null", "w");
        rc = nul ? read_rows(R, nul, d) : DCT_PLOT_OK;
        if (nul)
            fclose(nul);
        goto done;
    }
    if (!(R->data = open_temp(outdir, "plot-data.csv", d))) {
        rc = DCT_PLOT_EOUTPUT;
        goto done;
    }
    if ((rc = read_rows(R, dct_afile_fp(R->data), d)) != 0)
        goto done;
    if (dct_afile_finish(R->data) != 0) {
        dct_error(d, dct_afile_tmp_path(R->data), 0, "write error: %s",
                  strerror(errno));
        rc = DCT_PLOT_EOUTPUT;
        goto done;
    }
    for (size_t t = 0; t < N_TEMPLATES && rc == DCT_PLOT_OK; t++)
        rc = render_one(R, run_templates[t], format, outdir, d);
    if (rc == DCT_PLOT_OK)
        rc = render_margins_time(R, format, outdir, d);
done:
    prun_free(R);   /* removes the plot data */
    return rc;
}

int dct_plot_run_as(const char *rundir, const char *shown,
                    const char *format, const char *outdir, dct_diag *d)
{
    return plot_run(rundir, shown, format, outdir, 0, d);
}

int dct_plot_read_run(const char *rundir, dct_diag *d)
{
    return plot_run(rundir, rundir, "png", NULL, 1, d);
}
