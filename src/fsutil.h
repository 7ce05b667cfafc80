/* fsutil.h - small file-system helpers shared by the commands that write
 * run and report directories. */
#ifndef DCT_FSUTIL_H
#define DCT_FSUTIL_H

/* SHA-256 of FILE (OpenSSL EVP) as 64 hex digits and a NUL in HEX.
 * Returns 0 or -1 with errno. */
int dct_sha256_file(const char *file, char hex[65]);

/* mkdir -p DIR; *IS_CREATED tells whether the last component was made
 * here.  Returns 0 or -1 with errno. */
int dct_mkdir_p(const char *dir, int *is_created);

#include <stdio.h>
#include <sys/types.h>

struct dct_diag;

/* Limits of the text files dctwin reads (traces, weather, the CSV tables
 * of a run directory): the longest line and the largest file. */
#define DCT_MAX_LINE_BYTES (64L * 1024 * 1024)
#define DCT_MAX_CSV_BYTES (512L * 1024 * 1024)

/* Open PATH for reading when it is a regular file of at most MAX_BYTES
 * bytes (0: no limit).  A FIFO, a device or a directory is refused
 * without blocking (opened with O_NONBLOCK, then checked with fstat).
 * Returns the stream (caller closes with fclose), or NULL with errno set
 * and the reason in WHY (N bytes, NUL-terminated): "is a FIFO, not a
 * regular file", "is 9.2 GiB, more than the 512 MiB allowed", or
 * strerror(errno). */
/* What a file of mode M is, for a message: "a directory", "a FIFO", "a
 * symbolic link" (from lstat), ... */
const char *dct_file_kind(mode_t m);

FILE *dct_open_regular(const char *path, long max_bytes, char *why,
                       size_t n);

/* Read one line of F, its newline included, into *LINE (grown as by
 * getline, *CAP its size).  Returns its length; -1 at the end of the file
 * (or on a read error: see ferror); -2 when the line is longer than MAX
 * bytes (the rest of the line is left unread); -3 when it holds a NUL
 * byte (not text). */
ssize_t dct_getline_max(char **line, size_t *cap, FILE *f, size_t max);

/* dct_getline_max for a text input PATH whose next line is line LN: its
 * length, -1 at the end of the file, or -2 with the error ("line longer
 * than MAX bytes", "NUL byte", "read error") recorded in D at PATH:LN. */
ssize_t dct_text_line(char **line, size_t *cap, FILE *f, size_t max,
                      const char *path, long ln, struct dct_diag *d);

#endif

/* rename(2) through one door, so that tests can make the Nth rename of
 * the process fail: with DCTWIN_FAULT=rename:N in the environment the
 * Nth call (counting from 1) fails with EIO and renames nothing.  Also
 * counts the directory exchanges of dct_fs_exchange.  Returns 0 or -1
 * with errno, as rename(2). */
int dct_fs_rename(const char *from, const char *to);

/* Swap the directories FROM and TO (both must exist) in one step
 * (renameat2 RENAME_EXCHANGE).  Where the file system cannot (EINVAL,
 * ENOSYS, ENOTSUP), TO is renamed to ASIDE and FROM to TO instead, so
 * that TO is missing for an instant but never holds a mixture; ASIDE
 * then holds the old TO, as FROM does after an exchange; *IS_ASIDE says
 * which.  Returns 0 or -1 with errno (nothing moved, or the old TO back
 * in place). */
int dct_fs_exchange(const char *from, const char *to, const char *aside,
                    int *is_aside);

/* Remove PATH: a file or symbolic link is unlinked, a directory emptied
 * (to MAX_DEPTH levels; links are never followed) and removed.  Uses
 * async-signal-safe calls only (open, openat, fstatat, unlinkat, close,
 * the getdents64 system call), so that a signal handler may call it.
 * Returns 0, or -1 when something could not be removed (errno of the
 * first failure). */
int dct_fs_remove_tree(const char *path, int max_depth);
