/*
** tg_dbvfs.c -- the "tegn-fd" SQLite VFS (see tg_dbvfs.h).
** A file name "/tegn-fd/r/<fd>" or "/tegn-fd/w/<fd>" is opened by
** duplicating <fd>; any other name, and every file without one, is passed
** to the default VFS untouched. Names under "/tegn-fd/" never have a
** journal, WAL or shared-memory file next to them (xAccess says so), which
** is what the read-only immutable mode and the in-memory journal of the
** writable mode rely on.
*/
#include "tg_dbvfs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define VFS_NAME "tegn-fd"
#define PREFIX   "/tegn-fd/"

typedef struct fdfile {
    sqlite3_file base;
    int fd;
    int writable;
} fdfile;

static sqlite3_vfs vfs;
static sqlite3_vfs *parent; /* the default VFS, for everything else */

static int ours(const char *name) {
    return name && strncmp(name, PREFIX, strlen(PREFIX)) == 0;
}

/* ---- the file ---- */

static int fd_close(sqlite3_file *f) {
    close(((fdfile *)f)->fd);
    return SQLITE_OK;
}

static int fd_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off) {
    fdfile *ff = (fdfile *)f;
    size_t got = 0;
    while (got < (size_t)n) {
        ssize_t k = pread(ff->fd, (char *)buf + got, (size_t)n - got, (off_t)off + (off_t)got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return SQLITE_IOERR_READ;
        if (k == 0) break;
        got += (size_t)k;
    }
    if (got == (size_t)n) return SQLITE_OK;
    memset((char *)buf + got, 0, (size_t)n - got); /* SQLite requires the zero fill */
    return SQLITE_IOERR_SHORT_READ;
}

static int fd_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off) {
    fdfile *ff = (fdfile *)f;
    size_t put = 0;
    if (!ff->writable) return SQLITE_READONLY;
    while (put < (size_t)n) {
        ssize_t k =
            pwrite(ff->fd, (const char *)buf + put, (size_t)n - put, (off_t)off + (off_t)put);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return k < 0 && errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
        put += (size_t)k;
    }
    return SQLITE_OK;
}

static int fd_truncate(sqlite3_file *f, sqlite3_int64 size) {
    fdfile *ff = (fdfile *)f;
    if (!ff->writable) return SQLITE_READONLY;
    return ftruncate(ff->fd, (off_t)size) == 0 ? SQLITE_OK : SQLITE_IOERR_TRUNCATE;
}

static int fd_sync(sqlite3_file *f, int flags) {
    fdfile *ff = (fdfile *)f;
    (void)flags;
    if (!ff->writable) return SQLITE_OK;
    return fsync(ff->fd) == 0 ? SQLITE_OK : SQLITE_IOERR_FSYNC;
}

static int fd_size(sqlite3_file *f, sqlite3_int64 *size) {
    struct stat st;
    if (fstat(((fdfile *)f)->fd, &st) != 0) return SQLITE_IOERR_FSTAT;
    *size = (sqlite3_int64)st.st_size;
    return SQLITE_OK;
}

/* No locks: a read-only file is immutable, a writable one private (see
** tg_dbvfs_name); the caller holds whatever lock protects the real file. */
static int fd_lock(sqlite3_file *f, int level) {
    (void)f;
    (void)level;
    return SQLITE_OK;
}

static int fd_reserved(sqlite3_file *f, int *out) {
    (void)f;
    *out = 0;
    return SQLITE_OK;
}

static int fd_control(sqlite3_file *f, int op, void *arg) {
    (void)f;
    (void)op;
    (void)arg;
    return SQLITE_NOTFOUND;
}

static int fd_sector(sqlite3_file *f) {
    (void)f;
    return 4096;
}

/* IMMUTABLE makes the pager open a read-only file as the "immutable=1"
** URI parameter does: no locks, no journal or WAL lookup. */
static int fd_caps(sqlite3_file *f) {
    return ((fdfile *)f)->writable ? 0 : SQLITE_IOCAP_IMMUTABLE;
}

/* Version 1: no shared memory (so no WAL) and no memory mapping. */
static const sqlite3_io_methods fd_methods = {
    .iVersion = 1,
    .xClose = fd_close,
    .xRead = fd_read,
    .xWrite = fd_write,
    .xTruncate = fd_truncate,
    .xSync = fd_sync,
    .xFileSize = fd_size,
    .xLock = fd_lock,
    .xUnlock = fd_lock,
    .xCheckReservedLock = fd_reserved,
    .xFileControl = fd_control,
    .xSectorSize = fd_sector,
    .xDeviceCharacteristics = fd_caps,
};

/* ---- the VFS ---- */

static int vfs_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out) {
    fdfile *ff = (fdfile *)f;
    char *end;
    long src;
    (void)v;
    if (!ours(name)) return parent->xOpen(parent, name, f, flags, out);
    f->pMethods = NULL;
    if (!(flags & SQLITE_OPEN_MAIN_DB)) return SQLITE_CANTOPEN; /* a journal: never on disk */
    const char *p = name + strlen(PREFIX);
    if ((p[0] != 'r' && p[0] != 'w') || p[1] != '/') return SQLITE_CANTOPEN;
    errno = 0;
    src = strtol(p + 2, &end, 10);
    if (errno || *end || end == p + 2 || src < 0 || src > 0x7fffffff) return SQLITE_CANTOPEN;
    ff->writable = p[0] == 'w';
    if (ff->writable && !(flags & SQLITE_OPEN_READWRITE)) ff->writable = 0;
    if ((ff->fd = fcntl((int)src, F_DUPFD_CLOEXEC, 0)) < 0) return SQLITE_CANTOPEN;
    f->pMethods = &fd_methods;
    if (out) *out = ff->writable ? flags : (flags & ~SQLITE_OPEN_READWRITE) | SQLITE_OPEN_READONLY;
    return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *v, const char *name, int sync) {
    (void)v;
    return ours(name) ? SQLITE_OK : parent->xDelete(parent, name, sync);
}

static int vfs_access(sqlite3_vfs *v, const char *name, int flags, int *out) {
    (void)v;
    if (!ours(name)) return parent->xAccess(parent, name, flags, out);
    *out = 0;
    return SQLITE_OK;
}

static int vfs_full(sqlite3_vfs *v, const char *name, int n, char *out) {
    (void)v;
    if (!ours(name)) return parent->xFullPathname(parent, name, n, out);
    if ((int)strlen(name) >= n) return SQLITE_CANTOPEN;
    strcpy(out, name);
    return SQLITE_OK;
}

static void install(void) {
    parent = sqlite3_vfs_find(NULL);
    vfs = *parent; /* randomness, time, sleep and errors as the default */
    vfs.iVersion = parent->iVersion < 2 ? parent->iVersion : 2;
    vfs.szOsFile = parent->szOsFile > (int)sizeof(fdfile) ? parent->szOsFile : (int)sizeof(fdfile);
    vfs.pNext = NULL;
    vfs.zName = VFS_NAME;
    vfs.pAppData = NULL;
    vfs.xOpen = vfs_open;
    vfs.xDelete = vfs_delete;
    vfs.xAccess = vfs_access;
    vfs.xFullPathname = vfs_full;
    sqlite3_vfs_register(&vfs, 0);
}

const char *tg_dbvfs_register(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
    return VFS_NAME;
}

int tg_dbvfs_name(char *buf, size_t size, int fd, int writable) {
    int n = snprintf(buf, size, PREFIX "%c/%d", writable ? 'w' : 'r', fd);
    return n > 0 && (size_t)n < size ? 0 : -1;
}
