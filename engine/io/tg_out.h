/*
** tg_out.h -- writing output files atomically, and tables as CSV.
** Every file tegn writes goes to a temporary file next to the target
** (".<name>.tegn-tmp.<pid>.XXXXXX") that is synced and then renamed over
** the target, so a reader sees the old file or the complete new one, never
** a part, and a failed write leaves the old file byte for byte as it was
** and no temporary file behind. A run killed with SIGKILL cannot clean up;
** its temporary file is removed by the next write to the same target (or
** tg_out_sweep), recognised by the exact name and the pid being gone.
** All of it happens through one descriptor of the target's folder
** (tg_out_openat takes one a caller has checked), so a folder swapped for
** a symlink after the check cannot redirect the file. Numbers go through
** tg_fmt, so a table written twice gives the same bytes.
*/
#ifndef TG_OUT_H
#define TG_OUT_H

#include <stddef.h>

#include "tegn.h"
#include "tg_sbuf.h"
#include "tg_table.h"

typedef struct tg_out tg_out;

/* Replaces the file at 'path' with the n bytes at 'data': temporary file,
** write, fsync, rename, fsync of the directory. The new file keeps the old
** one's permission bits, or gets 0666 less the umask when there was none.
** When path names a symbolic link, the link itself is replaced. TG_OK,
** TG_EIO (err names the file and the system's reason) or TG_ENOMEM; on
** failure the target is untouched and the temporary file removed. */
tg_status tg_out_write_atomic(const char *path, const void *data, size_t n, tg_error *err);

/* Removes the temporary files that runs which no longer exist left next
** to 'path': names exactly ".<name>.tegn-tmp.<pid>.XXXXXX" for this
** target, regular files owned by the effective user, whose pid kill(pid, 0)
** reports as gone (ESRCH). Nothing else is touched; errors are ignored (a
** folder that cannot be read is simply not swept). Returns how many files
** were removed. tg_out_open calls it before creating its own file. */
int tg_out_sweep(const char *path);

/* Opens the folder part of 'path' ("." when it has none) as tg_out_openat
** wants it (O_RDONLY | O_DIRECTORY) and points *name at the last part
** (inside 'path'). Returns the descriptor, or -1 with errno set. */
int tg_out_open_folder(const char *path, const char **name);

/* The error (TG_EIO, naming 'path') for a file that could not be created
** next to 'path', or whose folder could not be opened, with errno 'e':
** "cannot write: the folder out does not exist", a folder that takes no
** new file, else the system's reason. */
tg_status tg_out_folder_error(const char *path, int e, tg_error *err);

/* As tg_out_sweep for the target 'name' (no '/') in the open folder 'dir'. */
int tg_out_sweepat(int dir, const char *name);

/* Streaming: *out receives a handle writing to a new temporary file next
** to 'path' (which must not be "" and whose directory must exist). Nothing
** at 'path' changes until tg_out_commit. TG_OK, TG_EIO or TG_ENOMEM (then
** *out is NULL and no file was left behind). */
tg_status tg_out_open(const char *path, tg_out **out, tg_error *err);

/* As tg_out_open for the target 'name' (a name, no '/') in the folder
** open as 'dir' (borrowed; the handle keeps its own duplicate, so the
** caller may close it at once). 'dir' must be opened for reading
** (O_RDONLY | O_DIRECTORY: the commit syncs it), not with O_PATH. 'path'
** is how messages name the target (NULL: 'name'). Every later step, the
** rename too, happens in that folder whatever its name leads to by then. */
tg_status tg_out_openat(int dir, const char *name, const char *path, tg_out **out, tg_error *err);

/* A handle writing into 'to' (borrowed; appended to) instead of a file,
** for text shown rather than stored (tegn run --format csv): the same
** writers fill it; the commit only flushes, there is no descriptor
** (tg_out_fd gives -1), and an abort leaves in 'to' what was flushed by
** then. 'name' names it in messages. TG_OK or TG_ENOMEM. */
tg_status tg_out_open_mem(tg_sbuf *to, const char *name, tg_out **out, tg_error *err);

/* Appends n bytes (buffered). TG_OK or TG_EIO; after a failure every
** further write and the commit fail with the same error, so a writer may
** check only the commit's status. */
tg_status tg_out_write(tg_out *out, const void *data, size_t n, tg_error *err);

/* Flushes and syncs the temporary file without placing it, so a caller
** with a deadline can check it after the slow part and before the commit
** (whose own sync then has nothing left to do). TG_OK or TG_EIO, which
** sticks: the commit reports it again. */
tg_status tg_out_sync(tg_out *out, tg_error *err);

/* Flushes, syncs and renames the temporary file over the target, then
** syncs the directory. Always frees 'out' (NULL is TG_EARG). TG_OK, or
** TG_EIO with the target untouched and the temporary file removed (a
** failure to sync the directory after the rename is reported too; the new
** file is then in place but its name may not survive a crash). */
tg_status tg_out_commit(tg_out *out, tg_error *err);

/* As tg_out_commit, but for a target that did not exist: when something
** was created at 'path' meanwhile, it is left alone and the call fails
** (TG_EIO, "cannot create: File exists"), so two writers creating one file
** cannot silently overwrite each other. */
tg_status tg_out_commit_new(tg_out *out, tg_error *err);

/* The temporary file's descriptor (open for reading and writing), for a
** writer that writes it itself (SQLite, through tg_db's file-descriptor
** VFS); bytes written to it directly bypass the buffer, so such a writer
** must not also use tg_out_write. Valid until commit or abort. */
int tg_out_fd(const tg_out *out);

/* The target as messages name it (the 'path' given to tg_out_open or
** tg_out_openat). Borrowed: valid until commit or abort. */
const char *tg_out_path(const tg_out *out);

/* Removes the temporary file and frees 'out'; the target is untouched.
** NULL is a no-op. */
void tg_out_abort(tg_out *out);

/* ---- CSV ---- */

typedef enum tg_out_datefmt {
    TG_OUT_DATE_ISO = 0, /* 2024-03-01 */
    TG_OUT_DATE_DMY      /* 01-03-2024 (Danish) */
} tg_out_datefmt;

typedef struct tg_out_csv_opts {
    char delim;   /* ',' or ';' */
    char decimal; /* '.' or ','; ',' needs delim ';' */
    int bom;      /* 1 = start with a UTF-8 byte-order mark (Excel needs it for æøå) */
    int crlf;     /* 1 = CRLF line ends, 0 = LF */
    int header;   /* 1 = a first row of column names */
    tg_out_datefmt date_fmt; /* how dates are written */
    int decimals;            /* -1 = shortest round-trip floats, n >= 0 = rounded to n places */
    /* Per column (one entry per column of the table, or NULL): n >= 0 rounds
    ** that float column to n places, TG_OUT_DECIMALS_DEFAULT uses 'decimals'. */
    const int *col_decimals;
    /* > 0: with decimals -1, floats keep at most this many significant
    ** digits, so 0.95 computed as 0.9499999999999976 reads 0.95 (for people;
    ** the Excel preset sets 12). 0 = every digit (round trip). */
    int significant;
    const tg_interrupt *intr; /* polled every TG_VECTOR rows; may be NULL */
} tg_out_csv_opts;

#define TG_OUT_DECIMALS_DEFAULT (-2)

/* Defaults: ',' and '.', no BOM, LF, header, ISO dates, shortest floats. */
void tg_out_csv_opts_init(tg_out_csv_opts *opts);
/* What Danish Excel opens without an import dialog: ';' and ',', BOM,
** CRLF, header, dd-mm-yyyy dates, floats to 12 significant digits (no
** float noise such as 0,9499999999999976). */
void tg_out_csv_opts_excel_da(tg_out_csv_opts *opts);

/* Writes table 't' as CSV to 'path' atomically (as tg_out_write_atomic).
** One line per row, ended by LF or CRLF, the last one too. Fields are
** quoted (doubling inner quotes) when they contain the delimiter, a quote,
** CR or LF, or begin or end with a space or tab (readers trim those).
** NULL is an empty field (a quoted empty field "" in a one-column table,
** where an empty line would be skipped by readers). Ints in decimal, floats
** as tg_fmt_double in plain notation (never an exponent, which readers
** using a decimal comma do not accept) with the chosen decimal mark, NaN
** and infinities as empty fields, bools as true/false, dates as chosen,
** strings as their UTF-8 bytes. 'opts' NULL means the defaults. TG_OK,
** TG_EARG (a bad option), TG_EIO, TG_ENOMEM or the interrupt's status;
** on failure the target is untouched. */
tg_status tg_out_csv(const tg_table *t, const char *path, const tg_out_csv_opts *opts,
                     tg_error *err);

/* tg_out_csv into the output 'o', which it takes: committed on success,
** aborted on failure (a bad option too). */
tg_status tg_out_csv_take(tg_out *o, const tg_table *t, const tg_out_csv_opts *opts, tg_error *err);

#endif /* TG_OUT_H */
