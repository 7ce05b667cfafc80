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
