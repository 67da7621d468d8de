/*
** tg_luactx.h -- the run context of the `tegn` module: one per run, passed
** to the sandboxed runtime as its ud. It holds the --param values, the
** print callback, the inputs the script read (in the order read) and the
** document tegn.emit or tegn.indicator produced, which tg_run writes after
** a successful run. A leaf of the Lua layer: it knows no binding; the
** bindings reach it through tg_luactx_of(L).
*/
#ifndef TG_LUACTX_H
#define TG_LUACTX_H

#include <stddef.h>

#include "tegn.h"
#include "tg_json.h"
#include "tg_path.h"
#include "tg_table.h"

struct lua_State;
typedef struct tg_luactx tg_luactx;

/* One input file a script read, recorded when the read succeeded. */
typedef struct tg_luactx_input {
    char *path;      /* as the script gave it */
    char *query;     /* read_sqlite's table or SQL; NULL for CSV */
    char sha256[65]; /* lowercase hex of the file's bytes */
    size_t rows;     /* rows loaded */
    size_t rejected; /* rows rejected (read_csv with on_error = "reject") */
    /* The loaded table's columns: n_cols names, each NUL-terminated, one
    ** after the other in col_names (one block), and their types; the run
    ** history compares them between runs (docs/history.md). */
    char *col_names;
    unsigned char *col_types; /* tg_type values */
    size_t n_cols;
    /* read_csv only (csv = 1): the dialect the loader used, and the notes
    ** a reader of the results should know (a column read as text and why,
    ** lenient quotes, escapes, ...), for the document's meta. */
    int csv;
    char sep, quote, escape;
    int header;
    const char *encoding; /* static text (tg_enc_name) */
    char **notes;
    size_t n_notes;
} tg_luactx_input;

/* One --param. */
typedef struct tg_luactx_param {
    char *key;
    char *value;
    int read; /* the script asked for it (tg_luactx_use_param) */
} tg_luactx_param;

/* A new context. 'params' holds n_params "key=value" strings (the value
** may be empty; a key may not, and may be given only once); they are
** copied. 'print' receives the script's print() lines and the module's
** warnings (NULL discards them) with 'ud'; 'progress' nonzero makes
** read_csv announce each load and its progress through 'print' (the
** progress lines may come from a loader thread). Returns NULL with err
** set: TG_EARG for a malformed or repeated param, TG_ENOMEM. */
tg_luactx *tg_luactx_new(const char *const *params, size_t n_params,
                         void (*print)(void *ud, const char *text, size_t len), void *ud,
                         int progress, tg_error *err);
/* Gives the context the run's file access policy, which it then owns and
** frees; without one (NULL, the default) every path may be read and
** written, as an embedding program's own code could. */
void tg_luactx_set_paths(tg_luactx *ctx, tg_path *paths);
/* quiet = 1 (--quiet): read_csv's load notes are not printed (they are
** still in the document's meta). */
void tg_luactx_set_quiet(tg_luactx *ctx, int quiet);
/* tty = 1: print reaches a person at a terminal, so t:show writes numbers
** in Danish form (5.855,55); 0 (the default): as t:rows gives them. */
void tg_luactx_set_tty(tg_luactx *ctx, int tty);
int tg_luactx_tty(const tg_luactx *ctx);
/* What tegn.emit and print of a Table write to stdout (tegn run --format). */
enum {
    TG_LUACTX_FORMAT_DEFAULT = 0, /* emit: the JSON document; print(t): a line to print */
    TG_LUACTX_FORMAT_JSON,        /* the same document; print(t): the rows as JSON, on stdout */
    TG_LUACTX_FORMAT_CSV,         /* emit, print(t): each Table as CSV, on stdout */
    TG_LUACTX_FORMAT_TABLE        /* emit, print(t): each Table as aligned text (t:show) */
};

/* --format, one of the above: how tegn.emit and print() write Tables;
** 'out' (with 'ud') receives what print() writes to stdout. */
void tg_luactx_set_format(tg_luactx *ctx, int format,
                          void (*out)(void *ud, const char *text, size_t len), void *ud);
int tg_luactx_format(const tg_luactx *ctx);
/* Writes text to the run's stdout through the --format callback (dropped
** without one). */
void tg_luactx_stdout(const tg_luactx *ctx, const char *text, size_t len);
int tg_luactx_quiet(const tg_luactx *ctx);

/* Frees the context and whatever it still holds; NULL is a no-op. */
void tg_luactx_free(tg_luactx *ctx);

/* tg_lua_opts.print for a runtime whose opts.ud is a tg_luactx: forwards
** to the context's print. */
void tg_luactx_print(void *ctx, const char *text, size_t len);

/* The inputs read so far, in the order read. Borrowed: valid until the
** next read or tg_luactx_free(). */
size_t tg_luactx_n_inputs(const tg_luactx *ctx);
const tg_luactx_input *tg_luactx_input_at(const tg_luactx *ctx, size_t i);

/* The params, sorted by key. Borrowed, like the inputs. */
size_t tg_luactx_n_params(const tg_luactx *ctx);
const tg_luactx_param *tg_luactx_param_at(const tg_luactx *ctx, size_t i);
/* The param named 'key', or NULL. */
const tg_luactx_param *tg_luactx_find_param(const tg_luactx *ctx, const char *key);
/* tg_luactx_find_param for the script: notes that it asked for 'key'
** (given or not), so tg_luactx_check_params knows which params it reads.
** Every way a script reads a param (tegn.param, tegn.params, an
** indicator's params, the datasets folder) goes through here. */
const tg_luactx_param *tg_luactx_use_param(tg_luactx *ctx, const char *key);
/* TG_OK when the script asked for every --param given; else TG_EARG with
** "--param 'yaer' is not read by the script<when> (it reads: aar, csv)"
** in err, so a misspelt param under cron stops the run instead of
** quietly leaving the default in force. 'when' ("" or " before its first
** write") tells at which point. */
tg_status tg_luactx_check_params(const tg_luactx *ctx, const char *when, tg_error *err);

/* Whether read_csv should announce its progress. */
int tg_luactx_progress(const tg_luactx *ctx);

/* The document tegn.emit made (the caller owns it: free with
** tg_json_free), and its indent option in *indent (may be NULL). When the
** script did not call tegn.emit but defined indicators, the indicator
** document { format, format_version, indicators = [...] } (indent 2);
** NULL when it did neither (or on out of memory for the indicator
** document). */
tg_json *tg_luactx_take_doc(tg_luactx *ctx, int *indent);

/* What tegn.emit wrote under --format csv or table, to be written instead
** of the JSON document (the caller owns it: free with tg_free; *len its
** length); NULL when there is none. */
char *tg_luactx_take_text(tg_luactx *ctx, size_t *len);

/* ---- for the module's C functions (they may raise) ---- */

/* The context of the run L belongs to (the runtime's ud). */
tg_luactx *tg_luactx_of(struct lua_State *L);

/* For tegn.emit: gives 'doc' to the run's context, which then owns it.
** Returns 0 (and takes nothing) if a document was already emitted. */
int tg_luactx_set_doc(struct lua_State *L, tg_json *doc, int indent);
/* For tegn.emit under --format csv or table: the document as text (taken:
** the context owns it, freeing it with tg_free). */
void tg_luactx_set_text(struct lua_State *L, char *text, size_t len);

/* For tegn.indicator: takes 'ind' (an indicator's object) into the run's
** list, freeing it if that raises (out of memory). */
void tg_luactx_add_indicator(struct lua_State *L, tg_json *ind);

/* `tegn check --data`: a run that writes nothing (the writers check
** their arguments and the write policy, then return: tg_luactx_open_write
** gives TG_LUACTX_DRY)
** and whose CSV loads keep the first 'sample_rows' rows (0: all). */
void tg_luactx_set_check(tg_luactx *ctx, int dry, size_t sample_rows);
size_t tg_luactx_sample(const tg_luactx *ctx);
/* For read_excel and read_sqlite, which read an input whole: in a run
** with a sample (tegn check --data), replaces the table in *slot by its
** first sample_rows rows, so the verbs run on the sample. Raises on out of
** memory. */
void tg_luactx_sample_table(struct lua_State *L, tg_table **slot);

#define TG_LUACTX_DRY (-2) /* tg_luactx_open_write in a run that writes nothing */

/* For a loader that reads an open file: raises (TG_EIO, which pcall can
** catch) unless the run's policy lets 'fn' read 'path', and returns it
** opened beneath its allowed folder (tg_path_open_read), or -1 with errno
** set when it cannot be opened, which the loader reports. Without a
** policy, *by_name is set and -1 returned: the loader opens 'path'
** itself. The caller closes the descriptor. */
int tg_luactx_open_read(struct lua_State *L, const char *fn, const char *path, int *by_name);

/* Lets the run use the database service 'service' (tegn run --allow-db;
** 'write' nonzero: --allow-db-write, reading and writing). TG_ENOMEM. */
tg_status tg_luactx_allow_db(tg_luactx *ctx, const char *service, int write, tg_error *err);
/* For read_postgres and write_postgres: raises (TG_EIO, which pcall can
** catch) unless the run may use 'service' ('write': may write it); a
** writer is first checked for unread --params, as tg_luactx_open_write
** does. Without a file policy (the REPL, an embedding program) every
** service is allowed. Returns 1 for a write in a run that writes nothing
** (tegn check --data): the caller checks its arguments and returns. */
int tg_luactx_check_db(struct lua_State *L, const char *fn, const char *service, int write);

/* For a writer: raises TG_EARG for a --param the script has not read
** (tg_luactx_check_params), so a misspelt one writes nothing; then checks
** 'path' for writing and returns its folder opened beneath the allowed
** one, with *name the file's name in it (tg_path_open_write), to be
** written with tg_out_openat; raises (TG_EIO, which pcall can catch) when
** refused or when the folder cannot be opened. Without a policy it
** returns -1 and *name is 'path' (write by name). The caller closes the
** folder; it must not raise while holding it. */
int tg_luactx_open_write(struct lua_State *L, const char *fn, const char *path, const char **name);

/* Records a successful read of 'path' ('query' for read_sqlite, else
** NULL) into 't' (borrowed: its rows, column names and types are kept)
** with the file's SHA-256. Raises (memory, I/O) before changing
** anything. */
void tg_luactx_add_input(struct lua_State *L, const char *path, const char *query,
                         const tg_table *t, size_t rejected);
/* tg_luactx_add_input for an input that is no file (read_postgres):
** 'sha256' (64 hex digits) is the hash of what was read. */
void tg_luactx_add_input_sha(struct lua_State *L, const char *path, const char *query,
                             const tg_table *t, size_t rejected, const char *sha256);
/* The input recorded last (by tg_luactx_add_input), to fill in its CSV
** fields; NULL when there is none. */
tg_luactx_input *tg_luactx_last_input(struct lua_State *L);
/* Appends a copy of 'note' to the last input's notes; raises on OOM. */
void tg_luactx_input_note(struct lua_State *L, const char *note);

#endif /* TG_LUACTX_H */
