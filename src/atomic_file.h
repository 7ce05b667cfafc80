/* atomic_file.h - output files that appear whole or not at all.
 *
 * dct_afile_open creates "PATH.tmp.<pid>" (exclusively) and returns a stdio
 * stream on it; nothing named PATH exists until dct_afile_commit has
 * flushed, fsync'ed, closed and renamed the temporary over PATH.
 * dct_afile_abort closes and unlinks the temporary instead.  The paths of
 * all open temporaries are kept in a fixed-size registry, so that the
 * handler installed by dct_afile_install_signal_handlers can unlink them
 * on SIGINT/SIGTERM (with async-signal-safe calls only: unlink and _exit)
 * and exit with status 128 + signal number (130, 143).
 *
 * Ownership: dct_afile_open returns a handle that the caller ends with
 * exactly one dct_afile_commit or dct_afile_abort (both free it; abort
 * accepts NULL).  The stream belongs to the handle: never fclose it.
 * Not thread-safe (one process writing its run directory).
 */
#ifndef DCT_ATOMIC_FILE_H
#define DCT_ATOMIC_FILE_H

#include <signal.h>
#include <stdio.h>

/* Most temporaries open at one time. */
#define DCT_AFILE_MAX 32

typedef struct dct_afile dct_afile;

/* Open a temporary for PATH.  Returns the handle, or NULL with errno set
 * (ENAMETOOLONG for a path too long for the registry, EMFILE when
 * DCT_AFILE_MAX temporaries are open, or the error of open(2)). */
dct_afile *dct_afile_open(const char *path);

/* The stream to write to (borrowed; valid until commit/abort/finish). */
FILE *dct_afile_fp(dct_afile *af);

/* Final name of the file (borrowed; valid while AF lives). */
const char *dct_afile_path(const dct_afile *af);

/* Name of the temporary (borrowed; valid while AF lives), for a child
 * process that writes the file itself (plot.c hands it to gnuplot). */
const char *dct_afile_tmp_path(const dct_afile *af);

/* Flush, fsync and close the temporary without renaming it yet, so that a
 * set of files can all be made durable before any of them appears.
 * Returns 0, or -1 with errno (a write error seen earlier on the stream
 * counts: the data is incomplete).  The handle still needs commit/abort. */
int dct_afile_finish(dct_afile *af);

/* Finish (when not done yet) and rename the temporary to the final path;
 * frees AF in every case.  Returns 0, or -1 with errno, in which case the
 * temporary has been unlinked. */
int dct_afile_commit(dct_afile *af);

/* Close and unlink the temporary; frees AF.  NULL is a no-op. */
void dct_afile_abort(dct_afile *af);

/* Directories and child processes the signal handler also cleans up.
 * dct_afile_track_dir registers DIR (copied) to be removed with what it
 * holds, MAX_DEPTH levels deep (0: only when empty, as rmdir); returns a
 * slot for dct_afile_untrack_dir, or -1 with errno (ENAMETOOLONG,
 * EMFILE).  Directories are removed last registered first.
 * dct_afile_track_child registers the process group of child PID (a
 * child made leader of its own group) to be killed with SIGKILL and
 * reaped; returns 0, or -1 (EMFILE) when DCT_AFILE_MAX children are
 * tracked.  Untracking a slot of -1 or a PID not tracked is a no-op. */
int dct_afile_track_dir(const char *dir, int max_depth);
void dct_afile_untrack_dir(int slot);
int dct_afile_track_child(int pid);
void dct_afile_untrack_child(int pid);

/* Block SIGINT and SIGTERM (the old mask into OLD), for a step the
 * handler must not interrupt: making a directory and tracking it, a
 * spawn and tracking the child, publishing a run directory.  Restore
 * with dct_afile_unblock_signals(OLD), where a signal that came in
 * between is delivered. */
void dct_afile_block_signals(sigset_t *old);
void dct_afile_unblock_signals(const sigset_t *old);

/* Install SIGINT and SIGTERM handlers that kill and reap every tracked
 * child, unlink every registered temporary, remove every tracked
 * directory and _exit(128 + signo).  Returns 0 or -1 with errno. */
int dct_afile_install_signal_handlers(void);

/* fsync directory DIR so that renames into it are durable.  Returns 0 or
 * -1 with errno. */
int dct_afile_sync_dir(const char *dir);

#endif
