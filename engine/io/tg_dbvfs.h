/*
** tg_dbvfs.h -- a SQLite VFS over files tegn has already opened.
** SQLite opens files by name, and its unix VFS resolves every symlink in
** that name (even /proc/self/fd/N, which it reads back as a path) before
** opening it, so a folder swapped for a symlink between tegn's check and
** SQLite's open would let a script read or write outside the folders it
** was given. This VFS ("tegn-fd") opens nothing by name: a database file
** is named after a descriptor tegn opened beneath an allowed folder, and
** every read and write goes through (a duplicate of) that descriptor.
** Other files SQLite needs (temporary sort files, which have no name) go
** to the default VFS. Only tg_db uses it; it is the second and last file
** that includes sqlite3.h.
*/
#ifndef TG_DBVFS_H
#define TG_DBVFS_H

#include <stddef.h>

/* The VFS's name for sqlite3_open_v2, registered on the first call.
** Call only after SQLite's allocator is configured (tg_db's sq_install). */
const char *tg_dbvfs_register(void);

/* Writes into buf (size bytes) the file name under which the VFS opens
** the open file 'fd' (borrowed: SQLite keeps its own duplicate until the
** connection closes). 'writable' 0: read-only and immutable -- SQLite
** takes no locks and reads no journal or WAL file next to it, so the
** caller must know the file does not change while it reads (it holds the
** database's write lock, or the database has no journal or WAL next to
** it). 'writable' 1: a private file only this process writes (tg_out's
** temporary file); locks are no-ops and the connection must keep its
** journal in memory (PRAGMA journal_mode = MEMORY), since no journal
** file can be created. Returns 0, or -1 when buf is too small. */
int tg_dbvfs_name(char *buf, size_t size, int fd, int writable);

#endif /* TG_DBVFS_H */
