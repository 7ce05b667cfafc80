/* rundir.h - run directories that appear whole or not at all.
 *
 * A run into OUT is written into a private sibling directory
 * "PARENT/.BASE.tmp.PID" (same file system), sealed with a manifest
 * (manifest.sha256, in sha256sum(1) format, listing every file written
 * so far) and published by exchanging the two directories in one
 * rename (renameat2 RENAME_EXCHANGE); the old contents are then removed.
 * Readers see the old run or the new one, never a mixture, and a
 * directory without a manifest, or missing a file it lists, is refused
 * as incomplete.
 *
 * Locks: the writer holds an exclusive flock(2) on OUT from begin to
 * commit or abort, readers a shared one while they read.  Neither
 * waits: a second writer or a reader finds the lock taken and fails
 * with a message.  (Where the file system refuses flock on a directory,
 * nothing is locked.)
 *
 * Signals: the temporary directory (and OUT, when begin created it) is
 * tracked by atomic_file.h's handler, so SIGINT/SIGTERM remove it;
 * the exchange itself runs with both signals blocked.  A temporary left
 * by a killed process (SIGKILL) is removed by the next begin into the
 * same parent directory once its PID is no longer alive.
 *
 * Library code: errors go to the dct_diag, nothing is printed.
 */
#ifndef DCT_RUNDIR_H
#define DCT_RUNDIR_H

#include "diag.h"

#include <stddef.h>

/* The manifest of a complete run directory. */
#define DCT_RUNDIR_MANIFEST "manifest.sha256"

typedef struct dct_rundir dct_rundir;

/* Begin a run into OUT: check OUT (not a symbolic link; when it exists,
 * a directory holding nothing but files a run writes: NAMES[0..N-1],
 * the manifest, plots (*.png, *.svg, *.pdf), plot-data.csv and
 * temporaries "*.tmp.*"), create it (and its parents) when missing,
 * lock it, remove stale temporaries beside it and make the temporary
 * directory.  Returns the handle, or NULL with an error in D and the
 * exit status in *STATUS (2 for a name that is not a directory's, 5
 * otherwise).  End it with dct_rundir_commit or dct_rundir_abort. */
dct_rundir *dct_rundir_begin(const char *out, const char *const *names,
                             size_t n, int *status, dct_diag *d);

/* dct_rundir_begin for a run directory with subdirectories (a report):
 * an entry "NAME/" of NAMES allows the subdirectory NAME in OUT, and the
 * temporary directory, the old contents and a stale temporary are removed
 * DEPTH levels deep (1: files only, as dct_rundir_begin).  The manifest
 * lists the top level's files. */
dct_rundir *dct_rundir_begin_tree(const char *out, const char *const *names,
                                  size_t n, int depth, int *status,
                                  dct_diag *d);

/* The directory the run writes into (borrowed; valid while RD lives). */
const char *dct_rundir_tmp(const dct_rundir *rd);

/* Write the manifest of every regular file now in the temporary
 * directory (their SHA-256), durably.  Returns 0 or -1 with an error. */
int dct_rundir_seal(dct_rundir *rd, dct_diag *d);

/* Publish the sealed run as OUT and release RD (freed in every case;
 * on failure the temporary is removed as by abort and OUT is as it
 * was).  Returns 0 or -1 with an error in D. */
int dct_rundir_commit(dct_rundir *rd, dct_diag *d);

/* Remove the temporary directory, and OUT when begin created it; unlock
 * and free RD.  NULL is a no-op. */
void dct_rundir_abort(dct_rundir *rd);

/* Check that DIR is a complete run directory: a directory (a symbolic
 * link to one is followed: reading through it is harmless) with a
 * manifest whose every file is there.  With
 * LOCK_FD not NULL, also take a lock on DIR (exclusive when IS_WRITE,
 * else shared) and return its descriptor there, for dct_rundir_unlock;
 * a lock held by a run being written is an error.  Returns 0, or -1
 * with an error in D (the caller exits with status 3). */
int dct_rundir_check(const char *dir, int *lock_fd, int is_write,
                     dct_diag *d);

/* Release a lock of dct_rundir_check; -1 is a no-op. */
void dct_rundir_unlock(int lock_fd);

/* Remove the entries "PREFIX.PID.*" and ".PREFIX.PID.*" of directory
 * PARENT (with what they hold, DEPTH levels) whose process PID is gone:
 * the private directories of a process killed by SIGKILL. */
void dct_rundir_remove_stale(const char *parent, const char *prefix,
                             int depth);

/* Remove the run directory DIR that this process wrote (its files and
 * the directory; nothing below a subdirectory).  Returns 0 or -1. */
int dct_rundir_remove(const char *dir);

#endif
