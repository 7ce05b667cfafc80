/* rundir.c - run directories published whole (see rundir.h).
 *
 * The order of a run: begin (lock OUT, make .BASE.tmp.PID), the caller
 * writes its files there, seal (manifest last), commit (exchange with
 * OUT, signals blocked; remove the old contents; fsync the parent).
 * Every path of failure ends in abort, which removes what the run made.
 */
#include "config.h"
#include "rundir.h"
#include "atomic_file.h"
#include "fsutil.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Attempts at locking OUT while another process replaces it. */
#define LOCK_TRIES 8

struct dct_rundir {
    char *out;       /* OUT as given, less trailing slashes */
    char *parent;    /* its directory ("." when none) */
    char *tmp;       /* PARENT/.BASE.tmp.PID */
    char *aside;     /* PARENT/.BASE.old.PID (file systems without
                        RENAME_EXCHANGE) */
    int lock_fd;     /* OUT, flock'ed; -1 */
    int is_created;  /* begin made OUT */
    int slot_out, slot_tmp;   /* atomic_file.h directory slots */
    int is_sealed;
    int depth;       /* levels removed with the temporary, the old
                        contents or a stale one (1: files only) */
};

static char *str_printf(const char *fmt, const char *a, const char *b,
                        long n)
{
    size_t len = strlen(fmt) + strlen(a) + strlen(b) + 32;
    char *s = malloc(len);
    if (s)
        snprintf(s, len, fmt, a, b, n);
    return s;
}

/* Open DIR (through a symbolic link only when IS_FOLLOW) and flock it
 * with OP (LOCK_EX or LOCK_SH, never waiting), making sure that the
 * directory locked is still the one named DIR.  Returns the descriptor,
 * -1 with errno, or -2 when another process holds the lock. */
static int lock_dir(const char *dir, int op, int is_follow)
{
    for (int i = 0; i < LOCK_TRIES; i++) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
                               (is_follow ? 0 : O_NOFOLLOW));
        if (fd < 0)
            return -1;
        if (flock(fd, op | LOCK_NB) != 0) {
            int e = errno;
            if (e == EWOULDBLOCK) {
                close(fd);
                return -2;
            }
            /* no flock here (some network file systems): unlocked */
            return fd;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 &&
            (is_follow ? stat(dir, &b) : lstat(dir, &b)) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return fd;
        close(fd);   /* replaced while we locked it: again */
    }
    errno = EAGAIN;
    return -1;
}

/* Nonzero when NAME may be in an existing OUT: a file a run or a plot
 * writes, or a temporary. */
static int is_run_name(const char *name, const char *const *names,
                       size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return strcmp(name, DCT_RUNDIR_MANIFEST) == 0 ||
           strcmp(name, "plot-data.csv") == 0 ||
           fnmatch("*.png", name, 0) == 0 || fnmatch("*.svg", name, 0) == 0 ||
           fnmatch("*.pdf", name, 0) == 0 || strstr(name, ".tmp.") != NULL;
}

/* OUT (open as FD) holds only what a run writes.  Returns 0, or -1 with
 * the first other entry's name in BAD. */
static int check_contents(int fd, const char *const *names, size_t n,
                          char *bad, size_t nbad)
{
    int dfd = dup(fd);
    DIR *dp = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!dp) {
        if (dfd >= 0)
            close(dfd);
        snprintf(bad, nbad, "(unreadable: %s)", strerror(errno));
        return -1;
    }
    rewinddir(dp);
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        char sub[260];
        snprintf(sub, sizeof sub, "%s/", e->d_name);
        int is_sub = fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                     S_ISDIR(st.st_mode);
        /* a subdirectory only where NAMES lists it as "NAME/" */
        for (size_t i = 0; is_sub && i < n; i++)
            if (strcmp(names[i], sub) == 0)
                is_sub = 2;
        if (is_sub == 2)
            continue;
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || !is_run_name(e->d_name, names, n)) {
            snprintf(bad, nbad, "%s", e->d_name);
            rc = -1;
            break;
        }
    }
    closedir(dp);
    return rc;
}

/* Remove "PARENT/.BASE.tmp.PID" and ".BASE.old.PID" left by processes
 * that are gone. */
static void remove_stale(const char *parent, const char *base, int depth)
{
    DIR *dp = opendir(parent);
    if (!dp)
        return;
    size_t bl = strlen(base);
    struct dirent *e;
    while ((e = readdir(dp))) {
        const char *s = e->d_name;
        if (s[0] != '.' || strncmp(s + 1, base, bl) != 0 ||
            (strncmp(s + 1 + bl, ".tmp.", 5) != 0 &&
             strncmp(s + 1 + bl, ".old.", 5) != 0))
            continue;
        const char *p = s + 1 + bl + 5;
        char *end;
        long pid = strtol(p, &end, 10);
        if (!isdigit((unsigned char)*p) || *end || pid <= 0 ||
            pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;   /* alive (or not ours to know) */
        char *path = str_printf("%s/%s", parent, s, 0);
        if (path)
            dct_fs_remove_tree(path, depth);
        free(path);
    }
    closedir(dp);
}

static void rd_free(dct_rundir *rd)
{
    if (!rd)
        return;
    dct_afile_untrack_dir(rd->slot_tmp);
    dct_afile_untrack_dir(rd->slot_out);
    if (rd->lock_fd >= 0)
        close(rd->lock_fd);
    free(rd->out);
    free(rd->parent);
    free(rd->tmp);
    free(rd->aside);
    free(rd);
}

dct_rundir *dct_rundir_begin(const char *out, const char *const *names,
                             size_t n, int *status, dct_diag *d)
{
    return dct_rundir_begin_tree(out, names, n, 1, status, d);
}

dct_rundir *dct_rundir_begin_tree(const char *out, const char *const *names,
                                  size_t n, int depth, int *status,
                                  dct_diag *d)
{
    *status = 5;
    dct_rundir *rd = calloc(1, sizeof *rd);
    if (!rd || !(rd->out = strdup(out))) {
        free(rd);
        dct_error(d, NULL, 0, "out of memory");
        return NULL;
    }
    rd->lock_fd = rd->slot_out = rd->slot_tmp = -1;
    rd->depth = depth < 1 ? 1 : depth;
    size_t len = strlen(rd->out);
    while (len > 1 && rd->out[len - 1] == '/')
        rd->out[--len] = '\0';
    const char *sl = strrchr(rd->out, '/');
    const char *base = sl ? sl + 1 : rd->out;
    if (!*out) {
        dct_error(d, NULL, 0, "--out '': expected the name of a directory");
        *status = 2;
        goto fail;
    }
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
        strcmp(rd->out, "/") == 0) {
        dct_error(d, NULL, 0, "--out '%s': expected the name of the run "
                              "directory itself (it is replaced as a "
                              "whole), not '%s'",
                  out, *base ? base : out);
        *status = 2;
        goto fail;
    }
    rd->parent = sl ? (sl == rd->out ? strdup("/")
                                     : strndup(rd->out,
                                               (size_t)(sl - rd->out)))
                    : strdup(".");
    long pid = (long)getpid();
    if (!rd->parent ||
        !(rd->tmp = str_printf("%s/.%s.tmp.%ld", rd->parent, base, pid)) ||
        !(rd->aside = str_printf("%s/.%s.old.%ld", rd->parent, base, pid))) {
        dct_error(d, NULL, 0, "out of memory");
        goto fail;
    }
    int is_made = 0;
    if (dct_mkdir_p(rd->parent, &is_made) != 0) {
        dct_error(d, rd->parent, 0, "cannot create the directory of the run "
                                    "directory: %s", strerror(errno));
        goto fail;
    }
    struct stat st;
    if (lstat(rd->out, &st) == 0 && S_ISLNK(st.st_mode)) {
        dct_error(d, rd->out, 0, "the run directory is a symbolic link; "
                                 "links are not followed (give the "
                                 "directory it points to)");
        goto fail;
    }
    /* each directory made is tracked before a signal can come */
    sigset_t old;
    dct_afile_block_signals(&old);
    int mk = mkdir(rd->out, 0777);
    int e = errno;
    if (mk == 0) {
        rd->is_created = 1;
        rd->slot_out = dct_afile_track_dir(rd->out, 0);
    }
    dct_afile_unblock_signals(&old);
    errno = e;
    if (mk != 0 && errno != EEXIST) {
        dct_error(d, rd->out, 0, "cannot create the run directory: %s",
                  strerror(errno));
        goto fail;
    }
    rd->lock_fd = lock_dir(rd->out, LOCK_EX, 0);
    if (rd->lock_fd == -2) {
        dct_error(d, rd->out, 0, "another dctwin is writing or reading this "
                                 "run directory (it is locked); not "
                                 "touched");
        rd->lock_fd = -1;
        rd->is_created = 0;   /* the other one owns it now */
        goto fail;
    }
    if (rd->lock_fd < 0) {
        e = errno;
        dct_error(d, rd->out, 0, "%s",
                  e == ELOOP || e == ENOTDIR
                      ? (lstat(rd->out, &st) == 0 && S_ISLNK(st.st_mode)
                             ? "the run directory is a symbolic link; links "
                               "are not followed (give the directory it "
                               "points to)"
                             : "exists and is not a directory")
                      : strerror(e));
        goto fail;
    }
    char bad[300];
    if (!rd->is_created &&
        check_contents(rd->lock_fd, names, n, bad, sizeof bad) != 0) {
        dct_error(d, rd->out, 0, "holds '%s', which is not a file a run "
                                 "writes; a run replaces the whole "
                                 "directory, so it is not touched (choose "
                                 "another --out, or empty it)",
                  bad);
        goto fail;
    }
    remove_stale(rd->parent, base, rd->depth);
    dct_afile_block_signals(&old);
    mk = mkdir(rd->tmp, 0777);
    if (mk != 0 && errno == EEXIST) {
        /* a leftover of an earlier process of the same PID */
        dct_fs_remove_tree(rd->tmp, rd->depth);
        mk = mkdir(rd->tmp, 0777);
    }
    e = errno;
    if (mk == 0 &&
        (rd->slot_tmp = dct_afile_track_dir(rd->tmp, rd->depth)) < 0) {
        e = errno;
        rmdir(rd->tmp);
        mk = -1;
    }
    /* the new directory keeps the old one's permissions */
    if (mk == 0 && !rd->is_created && fstat(rd->lock_fd, &st) == 0)
        chmod(rd->tmp, st.st_mode & 07777);
    dct_afile_unblock_signals(&old);
    errno = e;
    if (mk != 0) {
        dct_error(d, rd->tmp, 0, "cannot create the temporary run "
                                 "directory: %s", strerror(errno));
        goto fail;
    }
    *status = 0;
    return rd;
fail:
    if (rd->is_created)
        rmdir(rd->out);
    rd_free(rd);
    return NULL;
}

const char *dct_rundir_tmp(const dct_rundir *rd)
{
    return rd->tmp;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int dct_rundir_seal(dct_rundir *rd, dct_diag *d)
{
    DIR *dp = opendir(rd->tmp);
    if (!dp) {
        dct_error(d, rd->tmp, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    char **nm = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    struct dirent *e;
    while ((e = readdir(dp))) {
        struct stat st;
        if (fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || strstr(e->d_name, ".tmp.") ||
            strcmp(e->d_name, DCT_RUNDIR_MANIFEST) == 0)
            continue;
        if (n == cap) {
            size_t c = cap ? 2 * cap : 16;
            char **t = realloc(nm, c * sizeof *t);
            if (!t)
                goto oom;
            nm = t;
            cap = c;
        }
        if (!(nm[n] = strdup(e->d_name)))
            goto oom;
        n++;
    }
    closedir(dp);
    dp = NULL;
    if (n)
        qsort(nm, n, sizeof *nm, cmp_str);
    char *mpath = str_printf("%s/%s", rd->tmp, DCT_RUNDIR_MANIFEST, 0);
    dct_afile *af = mpath ? dct_afile_open(mpath) : NULL;
    if (!af) {
        dct_error(d, mpath ? mpath : rd->tmp, 0, "cannot create: %s",
                  strerror(errno));
        free(mpath);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        char hex[65], *p = str_printf("%s/%s", rd->tmp, nm[i], 0);
        if (!p || dct_sha256_file(p, hex) != 0) {
            dct_error(d, p ? p : nm[i], 0, "cannot read: %s",
                      strerror(errno));
            free(p);
            dct_afile_abort(af);
            free(mpath);
            goto done;
        }
        free(p);
        fprintf(dct_afile_fp(af), "%s  %s\n", hex, nm[i]);
    }
    if (dct_afile_commit(af) != 0) {
        dct_error(d, mpath, 0, "cannot write: %s", strerror(errno));
        free(mpath);
        goto done;
    }
    free(mpath);
    rd->is_sealed = 1;
    rc = 0;
    goto done;
oom:
    dct_error(d, NULL, 0, "out of memory");
done:
    if (dp)
        closedir(dp);
    for (size_t i = 0; i < n; i++)
        free(nm[i]);
    free(nm);
    return rc;
}

int dct_rundir_commit(dct_rundir *rd, dct_diag *d)
{
    if (!rd->is_sealed) {
        dct_error(d, rd->out, 0, "internal error: run directory published "
                                 "before it was sealed");
        dct_rundir_abort(rd);
        return -1;
    }
    /* the files are durable (atomic_file.h); now their names */
    dct_afile_sync_dir(rd->tmp);
    sigset_t old;
    dct_afile_block_signals(&old);
    int is_aside = 0;
    int rc = dct_fs_exchange(rd->tmp, rd->out, rd->aside, &is_aside);
    int e = errno;
    if (rc == 0) {
        /* OUT is the new run; the old contents are at tmp (or aside) */
        dct_afile_untrack_dir(rd->slot_out);
        rd->slot_out = -1;
        rd->is_created = 0;
        dct_fs_remove_tree(is_aside ? rd->aside : rd->tmp, rd->depth);
        dct_afile_untrack_dir(rd->slot_tmp);
        rd->slot_tmp = -1;
    }
    dct_afile_unblock_signals(&old);
    if (rc != 0) {
        dct_error(d, rd->out, 0, "cannot publish the run directory: %s",
                  strerror(e));
        dct_rundir_abort(rd);
        return -1;
    }
    dct_afile_sync_dir(rd->parent);
    rd_free(rd);
    return 0;
}

void dct_rundir_abort(dct_rundir *rd)
{
    if (!rd)
        return;
    int e = errno;
    if (rd->slot_tmp >= 0)
        dct_fs_remove_tree(rd->tmp, rd->depth);
    if (rd->is_created)
        rmdir(rd->out);   /* only when still empty */
    rd_free(rd);
    errno = e;
}

/* Is S 64 hexadecimal digits? */
static int is_hex64(const char *s)
{
    for (int i = 0; i < 64; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

int dct_rundir_check(const char *dir, int *lock_fd, int is_write,
                     dct_diag *d)
{
    if (lock_fd)
        *lock_fd = -1;
    struct stat st;
    if (stat(dir, &st) != 0) {
        dct_error(d, dir, 0, "not a run directory: %s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        dct_error(d, dir, 0, "not a run directory: not a directory");
        return -1;
    }
    int fd = -1;
    if (lock_fd) {
        fd = lock_dir(dir, is_write ? LOCK_EX : LOCK_SH, 1);
        if (fd == -2) {
            dct_error(d, dir, 0, "another dctwin holds this run "
                                 "directory (a run being written into it, "
                                 "or plots); it is locked: try again when "
                                 "it has finished");
            return -1;
        }
        if (fd < 0) {
            dct_error(d, dir, 0, "cannot open: %s", strerror(errno));
            return -1;
        }
    }
    char *mpath = str_printf("%s/%s", dir, DCT_RUNDIR_MANIFEST, 0);
    FILE *f = mpath ? fopen(mpath, "r") : NULL;
    int rc = -1;
    if (!f) {
        dct_error(d, dir, 0, "not a complete run directory: no %s (a run "
                             "that failed or was interrupted, or one "
                             "written by an older dctwin); run it again",
                  DCT_RUNDIR_MANIFEST);
        goto done;
    }
    char line[1024];
    long ln = 0, n_files = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        size_t l = strcspn(line, "\n");
        if (line[l] != '\n') {
            dct_error(d, mpath, ln, "line too long or not ended");
            goto done;
        }
        line[l] = '\0';
        const char *name = line + 66;
        if (l < 67 || !is_hex64(line) || line[64] != ' ' ||
            (line[65] != ' ' && line[65] != '*') || strchr(name, '/') ||
            strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            dct_error(d, mpath, ln, "expected 'SHA256  NAME'");
            goto done;
        }
        char *p = str_printf("%s/%s", dir, name, 0);
        int is_there = p && lstat(p, &st) == 0;
        if (!is_there || !S_ISREG(st.st_mode)) {
            dct_error(d, dir, 0, "incomplete run directory: %s, listed in "
                                 "%s, is %s%s; run it again",
                      name, DCT_RUNDIR_MANIFEST,
                      is_there ? dct_file_kind(st.st_mode) : "missing",
                      is_there ? ", not a regular file" : "");
            free(p);
            goto done;
        }
        free(p);
        n_files++;
    }
    if (ferror(f) || n_files == 0) {
        dct_error(d, mpath, 0, "%s", ferror(f) ? strerror(errno)
                                                      : "lists no file");
        goto done;
    }
    rc = 0;
done:
    if (f)
        fclose(f);
    free(mpath);
    if (rc != 0 && fd >= 0)
        close(fd);
    else if (lock_fd)
        *lock_fd = fd;
    return rc;
}

void dct_rundir_unlock(int lock_fd)
{
    if (lock_fd >= 0)
        close(lock_fd);
}

/* Nonzero when S starts with a process id followed by '.', and that
 * process is gone. */
static int is_dead_pid(const char *s)
{
    char *end;
    long pid = strtol(s, &end, 10);
    if (!isdigit((unsigned char)*s) || *end != '.' || pid <= 0 ||
        pid == (long)getpid())
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

void dct_rundir_remove_stale(const char *parent, const char *prefix,
                             int depth)
{
    DIR *dp = opendir(parent);
    if (!dp)
        return;
    size_t pl = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(dp))) {
        const char *s = e->d_name + (e->d_name[0] == '.');
        if (strncmp(s, prefix, pl) != 0 || s[pl] != '.' ||
            !is_dead_pid(s + pl + 1))
            continue;
        char *path = str_printf("%s/%s", parent, e->d_name, 0);
        if (path)
            dct_fs_remove_tree(path, depth);
        free(path);
    }
    closedir(dp);
}

int dct_rundir_remove(const char *dir)
{
    return dct_fs_remove_tree(dir, 1);
}
