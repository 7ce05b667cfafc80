/* atomic_file.c - output files written under a temporary name and renamed
 * into place (see atomic_file.h).
 *
 * The signal handler may run at any point of the main program, so the
 * registry it reads is a static array of fixed-size path buffers with a
 * volatile sig_atomic_t "in use" flag each: a slot's path is written before
 * the flag is set, and the flag is cleared only after the temporary is gone
 * (renamed or unlinked).  An unlink of a temporary that no longer exists is
 * harmless, so every window errs on the side of unlinking too much.
 */
#include "config.h"
#include "atomic_file.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#ifdef HAVE_STDIO_EXT_H
#include <stdio_ext.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Longest temporary path kept in the registry, NUL included. */
#define AFILE_PATH_MAX 4096

struct dct_afile {
    FILE *fp;          /* NULL once finished */
    char *path;        /* final name (owned) */
    int slot;          /* registry slot of the temporary */
    int err;           /* errno of a failed finish, 0 when fine */
    int is_finished;
};

static volatile sig_atomic_t reg_used[DCT_AFILE_MAX];
static char reg_tmp[DCT_AFILE_MAX][AFILE_PATH_MAX];

/* tracked directories: depth + 1 when in use (0 free), path */
static volatile sig_atomic_t dir_used[DCT_AFILE_MAX];
static char dir_path[DCT_AFILE_MAX][AFILE_PATH_MAX];
/* tracked children: pid, 0 when free */
static volatile sig_atomic_t child_pid[DCT_AFILE_MAX];

static int reg_take(const char *path)
{
    int pid = (int)getpid();
    for (int i = 0; i < DCT_AFILE_MAX; i++) {
        if (reg_used[i])
            continue;
        int n = snprintf(reg_tmp[i], AFILE_PATH_MAX, "%s.tmp.%d", path, pid);
        if (n < 0 || n >= AFILE_PATH_MAX) {
            errno = ENAMETOOLONG;
            return -1;
        }
        reg_used[i] = 1;
        return i;
    }
    errno = EMFILE;
    return -1;
}

static void reg_release(int slot)
{
    reg_used[slot] = 0;
}

dct_afile *dct_afile_open(const char *path)
{
    dct_afile *af = calloc(1, sizeof *af);
    if (!af)
        return NULL;
    af->slot = -1;
    af->path = strdup(path);
    if (!af->path)
        goto fail;
    /* register first: a signal after open() must find the name */
    af->slot = reg_take(path);
    if (af->slot < 0)
        goto fail;
    int fd = open(reg_tmp[af->slot], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  0666);
    if (fd < 0)
        goto fail;
    af->fp = fdopen(fd, "w");
    if (!af->fp) {
        int e = errno;
        close(fd);
        unlink(reg_tmp[af->slot]);
        errno = e;
        goto fail;
    }
#if defined HAVE_STDIO_EXT_H && defined HAVE___FSETLOCKING
    /* one thread writes the file: no lock taken for each number written,
     * which a process with threads (MPI's, after MPI_Init) otherwise
     * pays on every call (dctwin contingency under mpirun) */
    __fsetlocking(af->fp, FSETLOCKING_BYCALLER);
#endif
    return af;
fail:;
    int e = errno;
    if (af->slot >= 0)
        reg_release(af->slot);
    free(af->path);
    free(af);
    errno = e;
    return NULL;
}

FILE *dct_afile_fp(dct_afile *af)
{
    return af->fp;
}

const char *dct_afile_path(const dct_afile *af)
{
    return af->path;
}

const char *dct_afile_tmp_path(const dct_afile *af)
{
    return reg_tmp[af->slot];
}

int dct_afile_finish(dct_afile *af)
{
    if (af->is_finished) {
        errno = af->err;
        return af->err ? -1 : 0;
    }
    af->is_finished = 1;
    int e = 0;
    if (ferror(af->fp))
        e = EIO;
    if (fflush(af->fp) != 0 && !e)
        e = errno ? errno : EIO;
    if (fsync(fileno(af->fp)) != 0 && !e)
        e = errno;
    if (fclose(af->fp) != 0 && !e)
        e = errno ? errno : EIO;
    af->fp = NULL;
    af->err = e;
    errno = e;
    return e ? -1 : 0;
}

int dct_afile_commit(dct_afile *af)
{
    int rc = dct_afile_finish(af);
    if (rc == 0 && dct_fs_rename(reg_tmp[af->slot], af->path) != 0)
        rc = -1;
    int e = errno;
    if (rc != 0)
        unlink(reg_tmp[af->slot]);
    reg_release(af->slot);
    free(af->path);
    free(af);
    errno = e;
    return rc;
}

void dct_afile_abort(dct_afile *af)
{
    if (!af)
        return;
    int e = errno;
    if (af->fp)
        fclose(af->fp);
    unlink(reg_tmp[af->slot]);
    reg_release(af->slot);
    free(af->path);
    free(af);
    errno = e;
}

int dct_afile_track_dir(const char *dir, int max_depth)
{
    /* the highest free slot above every used one: removal runs from
     * the top down, the last registered first */
    int top = DCT_AFILE_MAX;
    while (top > 0 && !dir_used[top - 1])
        top--;
    if (top == DCT_AFILE_MAX) {
        errno = EMFILE;
        return -1;
    }
    size_t n = strlen(dir);
    if (n >= AFILE_PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir_path[top], dir, n + 1);
    dir_used[top] = max_depth + 1;
    return top;
}

void dct_afile_untrack_dir(int slot)
{
    if (slot >= 0 && slot < DCT_AFILE_MAX)
        dir_used[slot] = 0;
}

int dct_afile_track_child(int pid)
{
    for (int i = 0; i < DCT_AFILE_MAX; i++)
        if (!child_pid[i]) {
            child_pid[i] = pid;
            return 0;
        }
    errno = EMFILE;
    return -1;
}

void dct_afile_untrack_child(int pid)
{
    for (int i = 0; i < DCT_AFILE_MAX; i++)
        if (child_pid[i] == pid)
            child_pid[i] = 0;
}

/* Async-signal-safe: kill, waitpid, unlink, the calls of
 * dct_fs_remove_tree and _exit only. */
static void on_signal(int signo)
{
    /* the children first: nothing may write into what is removed next */
    for (int i = 0; i < DCT_AFILE_MAX; i++)
        if (child_pid[i]) {
            pid_t p = (pid_t)child_pid[i];
            kill(-p, SIGKILL);
            kill(p, SIGKILL);
            while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
                ;
        }
    for (int i = 0; i < DCT_AFILE_MAX; i++)
        if (reg_used[i])
            unlink(reg_tmp[i]);
    for (int i = DCT_AFILE_MAX; i-- > 0;)
        if (dir_used[i]) {
            if (dir_used[i] > 1)
                dct_fs_remove_tree(dir_path[i], (int)dir_used[i] - 1);
            else
                rmdir(dir_path[i]);
        }
    _exit(128 + signo);
}

void dct_afile_block_signals(sigset_t *old)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, old);
}

void dct_afile_unblock_signals(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

int dct_afile_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* block the other one while cleaning, so cleanup runs once */
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    return 0;
}

int dct_afile_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}
