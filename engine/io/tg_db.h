/*
** tg_db.h -- reading query results from and writing tables to SQLite files.
** The only module that includes sqlite3.h. A read opens the file read-only
** and decides each result column's type from its declared type and every
** value it holds; a write replaces or extends one SQLite table inside a
** single transaction on a copy, so a failed write leaves the database as it was.
** Errors name the database file and carry SQLite's own message.
*/
#ifndef TG_DB_H
#define TG_DB_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_param.h"
#include "tg_table.h"

/* A value bound to a query parameter. 'name' NULL makes it positional: the
** k-th positional entry binds parameter number k (SQLite's numbering, so
** "?1", or the k-th "?"). Otherwise it binds the parameter of that name,
** given with its prefix (":fra", "@fra", "$fra") or bare ("fra", which
** matches any of the three). With 'is_null' set the value is NULL and
** 'type' is ignored. TG_BOOL binds 0 or 1; TG_DATE binds the text
** 'YYYY-MM-DD', which compares correctly with dates stored by tg_db_write;
** TG_STRING binds the NUL-terminated UTF-8 text at v.s (borrowed). */
typedef tg_param tg_db_param;

/* How tg_db_write treats an existing table. In every mode a missing table
** is created. */
typedef enum tg_db_mode {
    TG_DB_CREATE = 1, /* fail if the table exists */
    TG_DB_REPLACE,    /* drop the existing table and create it anew */
    TG_DB_APPEND      /* insert into the existing table (same column names) */
} tg_db_mode;

/* Configures SQLite for this process, once (its memory through tg_mem, so
** it counts against the cap; the tegn-fd VFS registered). tg_db's own
** calls do it themselves; tg_hist, the other module that talks to SQLite,
** calls it before opening its connection. */
void tg_db_setup(void);

/* Runs a query against the SQLite database at 'db_path' (opened read-only;
** a missing file is TG_EIO and is never created) and loads the result into
** a new table (*out, one reference; NULL on failure). 'table_or_sql' is
** either a plain name (letters, digits, '_' and non-ASCII bytes, not
** starting with a digit), read as SELECT * FROM that table or view, or one
** SQL statement. Every parameter of the statement must be bound exactly once
** by 'params' (n_params entries, borrowed for the call).
** Column types come from the declared type and the values together:
**   all integers -> int (float when declared REAL, FLOAT, DOUBLE, NUMERIC
**   or DECIMAL); integers and reals -> float; declared BOOLEAN holding only
**   0 and 1 -> bool; text all of the form YYYY-MM-DD in a column declared
**   DATE, or in an expression column (no declared type) -> date; other text
**   -> string; numbers mixed with text -> string, each number written as
**   CAST(x AS TEXT) writes it. A column with no values (all NULL, or no
**   rows) takes its declared type; with none it is a string column.
** NULLs stay NULL. Errors: TG_EIO (cannot open, not a database, locked,
** I/O), TG_EARG (bad SQL, unknown table or column, parameter mismatch,
** two result columns with one name), TG_EDATA (a BLOB value, which tegn
** cannot represent; the message names the column and row), TG_ENOMEM.
** err->file is 'db_path'. */
tg_status tg_db_read(const char *db_path, const char *table_or_sql, const tg_db_param *params,
                     size_t n_params, tg_table **out, tg_error *err);

/* tg_db_read that asks 'intr' (may be NULL) while SQLite works, and stops
** with its status (TG_ELIMIT, TG_ECANCEL) when it is not TG_OK. A path
** that exists but is not a regular file (a FIFO, a device) is refused
** with TG_EIO. */
tg_status tg_db_read_poll(const char *db_path, const char *table_or_sql, const tg_db_param *params,
                          size_t n_params, const tg_interrupt *intr, tg_table **out, tg_error *err);

/* The error for a database that could not be opened (errnum from open):
** TG_EIO, "cannot open database: no such file or directory" and the like,
** as tg_db_read reports it. */
tg_status tg_db_open_failed(const char *db_path, int errnum, tg_error *err);

/* tg_db_read_poll on the database open as 'fd' (borrowed; a file opened
** beneath an allowed folder by tg_path_open_read): SQLite reads it
** through the descriptor (tg_dbvfs), never by name, as an immutable file.
** So that immutable holds, a database with a live -journal (its header
** set: a writer has begun changing the file, or crashed doing so) or a
** non-empty -wal file next to 'db_path' is refused with TG_EIO. Messages name 'db_path'. */
tg_status tg_db_read_fd(int fd, const char *db_path, const char *table_or_sql,
                        const tg_db_param *params, size_t n_params, const tg_interrupt *intr,
                        tg_table **out, tg_error *err);

/* Writes 't' (borrowed) into the table called 'table' in the SQLite
** database at 'db_path', creating the file if needed. Everything happens
** in one transaction on a temporary copy next to the file (taken while
** holding the database's write lock), which is synced and renamed over it
** only when complete: any failure, a full disk too, leaves the database
** exactly as before with no journal, and creates no file when there was
** none (tg_out's temporary-file rules apply, stale copies included). A
** database in WAL mode is written in place in one transaction. Declared
** column types: int INTEGER, float REAL (NaN is stored as NULL), bool BOOLEAN (0/1), date DATE
*(text 'YYYY-MM-DD'), string TEXT,
** so tg_db_read gives back the same types. TG_DB_APPEND requires the
** existing table to have the same column names as 't', compared as SQLite
** compares names (ASCII case-insensitive), in any order; values go in by
** name. Waits up to 5 s for a lock held by another connection, asking
** 'intr' (may be NULL) as tg_db_write_at does. Errors:
** TG_EARG (table exists in TG_DB_CREATE mode, incompatible columns, 't'
** has no columns, 'table' is a view), TG_EDATA (a constraint of the
** existing table is violated, or a date outside years 1..9999), TG_EIO
** (cannot open or write, locked, I/O), TG_ENOMEM. err->file is 'db_path'. */
tg_status tg_db_write(const char *db_path, const char *table, const tg_table *t, tg_db_mode mode,
                      const tg_interrupt *intr, tg_error *err);

/* tg_db_write into the file 'name' (no '/') in the folder open as 'dir'
** (borrowed, O_RDONLY | O_DIRECTORY; from tg_path_open_write). The copy
** is created, written and renamed through 'dir', SQLite reaching it and
** the old database by descriptor, so a folder swapped for a symlink after
** the check cannot redirect the write. An existing database is opened
** beneath 'dir' (a symlink leading out of it is refused, TG_EIO) and
** locked by SQLite by name, through /proc/self/fd/<dir>; the write goes
** on only when the locked file is the one opened. A WAL database is
** written in place by that connection. 'db_path' names the file in
** messages (NULL: 'name'). While waiting (up to 5 s) for another
** connection's lock, 'intr' (may be NULL) is asked every 10 ms; when it
** says stop, the write ends with its status (TG_ELIMIT, TG_ECANCEL) and
** nothing changed. */
tg_status tg_db_write_at(int dir, const char *name, const char *db_path, const char *table,
                         const tg_table *t, tg_db_mode mode, const tg_interrupt *intr,
                         tg_error *err);

#endif /* TG_DB_H */
