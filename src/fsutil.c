/* fsutil.c - digests, directories, renames and removals for run and
 * report outputs.
 *
 * dct_fs_exchange and dct_fs_remove_tree call the Linux system calls
 * renameat2 and getdents64 directly (syscall(2)): the first is what makes
 * a run directory appear whole, the second lets a signal handler empty a
 * directory without opendir (which allocates). */
#define _GNU_SOURCE 1   /* syscall(2), RENAME_EXCHANGE */
#include "config.h"
#include "fsutil.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <openssl/evp.h>

/* SHA-256 of FILE as 64 hex digits in HEX.  Returns 0 or -1 with errno. */
int dct_sha256_file(const char *file, char hex[65])
{
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    int rc = -1, e = 0;
    EVP_MD_CTX *ctx = NULL;
    FILE *f = fopen(file, "rb");
    if (!f)
        return -1;
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        e = ENOMEM;
        goto fail;
    }
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (EVP_DigestUpdate(ctx, buf, n) != 1) {
            e = EIO;
            goto fail;
        }
    if (ferror(f)) {
        e = EIO;
        goto fail;
    }
    if (EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 32) {
        e = EIO;
        goto fail;
    }
    for (unsigned i = 0; i < md_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    rc = 0;
fail:
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (rc)
        errno = e;
    return rc;
}

/* mkdir -p DIR; *IS_CREATED tells whether the last component was made
 * here.  Returns 0 or -1 with errno. */
int dct_mkdir_p(const char *dir, int *is_created)
{
    *is_created = 0;
    if (!*dir) {
        errno = ENOENT;
        return -1;
    }
    char *p = strdup(dir);
    if (!p)
        return -1;
    size_t len = strlen(p);
    while (len > 1 && p[len - 1] == '/')
        p[--len] = '\0';
    int rc = 0;
    for (char *s = p + 1;; s++) {
        int is_last = *s == '\0';
        if (!is_last && *s != '/')
            continue;
        char keep = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) == 0) {
            *is_created = is_last;
        } else if (errno != EEXIST || stat(p, &st) != 0 ||
                   !S_ISDIR(st.st_mode)) {
            if (errno == EEXIST)
                errno = ENOTDIR;
            rc = -1;
        }
        *s = keep;
        if (rc || is_last)
            break;
    }
    free(p);
    return rc;
}


/* --------------------------------------------------------------- renames */

/* The rename that DCTWIN_FAULT=rename:N makes fail: 0 for none, -1
 * before the variable was read. */
static long fault_at = -1;
static long n_renames;

/* Count one rename; nonzero (errno EIO) when this one is to fail. */
static int is_fault(void)
{
    if (fault_at < 0) {
        const char *f = getenv("DCTWIN_FAULT");
        fault_at = 0;
        if (f && strncmp(f, "rename:", 7) == 0)
            fault_at = strtol(f + 7, NULL, 10);
    }
    if (fault_at > 0 && ++n_renames == fault_at) {
        errno = EIO;
        return 1;
    }
    return 0;
}

int dct_fs_rename(const char *from, const char *to)
{
    if (is_fault())
        return -1;
    return rename(from, to);
}

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int dct_fs_exchange(const char *from, const char *to, const char *aside,
                    int *is_aside)
{
    *is_aside = 0;
    if (is_fault())
        return -1;
#ifdef SYS_renameat2
    if (syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to,
                RENAME_EXCHANGE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
#endif
    /* no exchange here: the old one aside, then the new one in */
    if (rename(to, aside) != 0)
        return -1;
    if (rename(from, to) != 0) {
        int e = errno;
        rename(aside, to);
        errno = e;
        return -1;
    }
    *is_aside = 1;
    return 0;
}

/* ------------------------------------------------------------- removals */

/* What getdents64 returns (linux_dirent64). */
struct dirent64_raw {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Remove the entries of the open directory FD, recursing MAX_DEPTH more
 * levels.  Returns 0 or -1 with the first errno in *ERR. */
static int empty_dir(int fd, int max_depth, int *err)
{
    int rc = 0;
#ifdef SYS_getdents64
    /* a long-aligned buffer on the stack: no allocation */
    long buf[1024];
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n < 0) {
            if (!*err)
                *err = errno;
            return -1;
        }
        if (n == 0)
            break;
        int is_removed = 0;
        for (long off = 0; off < n;) {
            struct dirent64_raw *e =
                (struct dirent64_raw *)((char *)buf + off);
            off += e->d_reclen;
            const char *nm = e->d_name;
            if (nm[0] == '.' &&
                (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
                continue;
            struct stat st;
            if (fstatat(fd, nm, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            if (S_ISDIR(st.st_mode)) {
                int sub = max_depth > 0
                              ? openat(fd, nm, O_RDONLY | O_DIRECTORY |
                                                   O_NOFOLLOW | O_CLOEXEC)
                              : -1;
                if (sub >= 0) {
                    if (empty_dir(sub, max_depth - 1, err) != 0)
                        rc = -1;
                    close(sub);
                }
                if (unlinkat(fd, nm, AT_REMOVEDIR) != 0) {
                    if (!*err)
                        *err = errno;
                    rc = -1;
                } else {
                    is_removed = 1;
                }
            } else if (unlinkat(fd, nm, 0) != 0) {
                if (!*err)
                    *err = errno;
                rc = -1;
            } else {
                is_removed = 1;
            }
        }
        /* entries removed under the reader: read from the start again */
        if (is_removed && lseek(fd, 0, SEEK_SET) != 0)
            break;
    }
#else
    (void)fd;
    (void)max_depth;
    *err = ENOSYS;
    rc = -1;
#endif
    return rc;
}

int dct_fs_remove_tree(const char *path, int max_depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    int err = 0, rc = 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (empty_dir(fd, max_depth - 1, &err) != 0)
        rc = -1;
    close(fd);
    if (rmdir(path) != 0) {
        if (!err)
            err = errno;
        rc = -1;
    }
    errno = err;
    return rc;
}

const char *dct_file_kind(mode_t m)
{
    return S_ISLNK(m)    ? "a symbolic link"
           : S_ISDIR(m)  ? "a directory"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

FILE *dct_open_regular(const char *path, long max_bytes, char *why,
                       size_t n)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, n, "%s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;
        snprintf(why, n, "%s", strerror(e));
        close(fd);
        errno = e;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, n, "is %s, not a regular file", dct_file_kind(st.st_mode));
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    if (max_bytes > 0 && st.st_size > max_bytes) {
        snprintf(why, n, "is %.1f MiB, more than the %.0f MiB allowed",
                 (double)st.st_size / 1048576.0,
                 (double)max_bytes / 1048576.0);
        close(fd);
        errno = EFBIG;
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = NULL;
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
        !(f = fdopen(fd, "r"))) {
        int e = errno;
        snprintf(why, n, "%s", strerror(e));
        close(fd);
        errno = e;
        return NULL;
    }
    return f;
}

ssize_t dct_getline_max(char **line, size_t *cap, FILE *f, size_t max)
{
    size_t len = 0;
    int has_nul = 0, c;
    flockfile(f);
    while ((c = getc_unlocked(f)) != EOF) {
        if (len > max) {
            funlockfile(f);
            return -2;
        }
        if (len + 2 > *cap) {
            size_t nc = *cap ? 2 * *cap : 256;
            if (nc > max + 2)
                nc = max + 2;
            char *p = realloc(*line, nc);
            if (!p) {
                funlockfile(f);
                errno = ENOMEM;
                return -1;
            }
            *line = p;
            *cap = nc;
        }
        (*line)[len++] = (char)c;
        has_nul |= c == 0;
        if (c == '\n')
            break;
    }
    funlockfile(f);
    if (len == 0)
        return -1;
    (*line)[len] = '\0';
    return has_nul ? -3 : (ssize_t)len;
}

ssize_t dct_text_line(char **line, size_t *cap, FILE *f, size_t max,
                      const char *path, long ln, struct dct_diag *d)
{
    ssize_t n = dct_getline_max(line, cap, f, max);
    if (n == -1 && ferror(f)) {
        dct_error(d, path, ln, "read error");
        return -2;
    }
    if (n == -2)
        dct_error(d, path, ln, "line longer than %zu bytes", max);
    else if (n == -3)
        dct_error(d, path, ln, "NUL byte: not a text file");
    return n < -1 ? -2 : n;
}
