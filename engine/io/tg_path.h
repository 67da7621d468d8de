/*
** tg_path.h -- which files a run may read and write (the model of Deno's
** --allow-read / --allow-write). A policy holds folders ("roots") a run
** may read beneath and folders it may write beneath, each resolved with
** realpath when added, plus files no script may write (the run's --out)
** and the files the run has read, which it may not overwrite either.
** A path is checked after resolving it the same way (symlinks and ".."),
** so a link inside a root that points outside does not let a script out.
** tg_path_open_beneath opens a file below a folder so that a symlink
** swapped in after the check cannot lead out either: openat2 with
** RESOLVE_BENEATH where the kernel has it, else a walk with O_NOFOLLOW.
*/
#ifndef TG_PATH_H
#define TG_PATH_H

#include <sys/types.h>

#include "tegn.h"

typedef struct tg_path tg_path;

typedef enum tg_path_access { TG_PATH_READ = 0, TG_PATH_WRITE } tg_path_access;

/* A policy that allows nothing; NULL on out of memory. */
tg_path *tg_path_new(void);
void tg_path_free(tg_path *p);

/* Allows 'access' beneath the folder 'dir' (resolved now; it must exist
** and be a folder). TG_OK, TG_EARG (err names the folder and the reason)
** or TG_ENOMEM. */
tg_status tg_path_allow(tg_path *p, tg_path_access access, const char *dir, tg_error *err);

/* Allows reading beneath the working directory, unless it is "/" (a
** systemd service's default), which would allow every file. */
tg_status tg_path_allow_cwd(tg_path *p, tg_error *err);

/* Forbids writing the file 'file' (the run's --out) whatever the roots
** say. Its folder must exist. TG_OK, TG_EARG or TG_ENOMEM. */
tg_status tg_path_forbid_write(tg_path *p, const char *file, tg_error *err);

/* The same for a file tegn writes after the run, which 'option' ("--report",
** "--pdf") gave, so the refusal names that option. */
tg_status tg_path_forbid_report(tg_path *p, const char *file, const char *option, tg_error *err);

/* The same for the run's --history database and the -wal, -shm and
** -journal files SQLite keeps beside it. */
tg_status tg_path_forbid_history(tg_path *p, const char *file, tg_error *err);

/* Forbids reading and writing the file 'file' (the pseudonym key) whatever
** the roots say; a file that does not exist is ignored (TG_OK). TG_OK or
** TG_ENOMEM. */
tg_status tg_path_forbid_secret(tg_path *p, const char *file, tg_error *err);

/* Checks that 'path' may be read or written: resolved, it lies beneath a
** root of that kind, and, for a write, it is neither a forbidden file nor
** a file read before. A read that passes is remembered. 'fn' names the
** caller in the message. TG_OK, TG_EIO with err naming the path, the rule
** and how to allow it, or TG_ENOMEM. A path whose folder does not exist
** is judged by its nearest existing folder (with a ".." in the missing
** part it is refused). */
tg_status tg_path_check(tg_path *p, tg_path_access access, const char *fn, const char *path,
                        tg_error *err);

/* tg_path_check for reading, then opens the file (O_RDONLY | O_NONBLOCK,
** so a FIFO does not block) beneath the root that allowed it, by the
** resolved path: a folder on the way swapped for a link after the check
** cannot lead out. *fd receives the descriptor, or -1 with errno set
** when the file cannot be opened for another reason (it does not exist:
** ENOENT); the caller reports that, and must not open the path by name
** instead, which a link planted meanwhile could redirect. TG_OK, TG_EIO
** (refused) or TG_ENOMEM. */
tg_status tg_path_open_read(tg_path *p, const char *fn, const char *path, int *fd, tg_error *err);

/* tg_path_check for writing, then opens the folder the file goes into
** (O_RDONLY | O_DIRECTORY) beneath the root that allowed it, as
** tg_path_open_read does: *dir receives the descriptor (the caller closes
** it) and *name the last part of 'path', the file's name in it. Writing
** through them (tg_out_openat) lands in the folder checked, even when a
** folder on the way is swapped for a symlink after the check. Folders
** of 'path' that do not exist yet are made, beneath that root (mkdir -p
** within the policy). TG_OK;
** TG_EIO when refused or when the folder cannot be opened (*dir is then
** -1: there is no fallback by name, which a swap could redirect); or
** TG_ENOMEM. */
/* Makes the folders of 'path' (a file's path) that do not exist, as
** mkdir -p does for its folder part; for the paths a user names (--out),
** and for writers without a policy. 0, or -1 with errno. */
int tg_path_make_folders(const char *path);

tg_status tg_path_open_write(tg_path *p, const char *fn, const char *path, int *dir,
                             const char **name, tg_error *err);

/* Opens 'rel' (relative, no leading '/') below the open folder 'dirfd'
** with open(2)'s flags and mode, never leaving the folder: no "..",
** absolute symlink or symlink out of it is followed, and no /proc magic
** link. Returns the descriptor, or -1 with errno set (EXDEV or ELOOP for
** a path that would leave the folder). */
int tg_path_openat_beneath(int dirfd, const char *rel, int flags, mode_t mode);

/* As tg_path_openat_beneath, with the folder given by name. */
int tg_path_open_beneath(const char *dir, const char *rel, int flags, mode_t mode);

/* For tests: 'on' nonzero makes tg_path_openat_beneath use the portable
** walk even where the kernel has openat2. Returns nonzero when openat2 is
** available (and will be used again with 'on' zero). */
int tg_path_force_walk(int on);

#endif /* TG_PATH_H */
