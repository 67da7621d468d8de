/*
** tg_run.h -- one run of one analysis script: what `tegn run` does.
** A run sets the memory cap, builds a sandboxed Lua runtime with the
** `tegn` module, runs the script and, when the script called tegn.emit
** and the run succeeded, writes the emitted document plus a `meta` object
** as JSON, atomically. A failed run writes nothing: an existing output
** file keeps its old bytes. Everything in the document except
** meta.started_at, meta.duration_s and meta.peak_memory_bytes is the same
** byte for byte for the same script, inputs, params and seed.
*/
#ifndef TG_RUN_H
#define TG_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"

struct tg_json;
struct tg_lua;
struct tg_luactx;

/* The time a line of the script's top level took (tegn run --timing): from
** the moment it started to the moment the next top-level line started (or
** the script ended), summed over its 'hits' starts; what the functions it
** called did counts toward it. */
typedef struct tg_run_line_time {
    int line;
    size_t hits;
    double seconds;
} tg_run_line_time;

typedef struct tg_run_opts {
    const char *script; /* path of the Lua script (with 'code': its name) */
    /* Non-NULL: the script's text (tegn run -e CODE, tegn run -), run
    ** under the name 'script' ("(command line)", "stdin"), which then
    ** names no file: it may read and require beneath the working
    ** directory, as every script may. */
    const char *code;
    const char *const *params; /* "key=value" strings (--param) */
    size_t n_params;
    const char *out; /* output file; NULL = stdout */
    /* A file the caller writes after the run (tegn run --report); like
    ** 'out', the script may never write it. It grants no folder. */
    const char *report;
    const char *pdf; /* the same for tegn run --pdf */
    /* The run history the caller records the run into (tegn run --history,
    ** docs/history.md); the script may never write it or its journals. */
    const char *history;
    uint64_t seed;       /* math.random's seed */
    size_t mem_cap;      /* tg_mem cap in bytes for the run; 0 = none */
    double timeout_s;    /* wall-clock limit; 0 = none */
    const char *lib_dir; /* folder `require` searches after the script's */
    /* Files the script may touch (docs/sandbox.md): it may read beneath
    ** the script's folder, the working directory and the allow_read
    ** folders, and write beneath the folder of 'out' and the allow_write
    ** folders, never 'out' itself nor a file it read. */
    const char *const *allow_read;
    size_t n_allow_read;
    const char *const *allow_write;
    size_t n_allow_write;
    /* PostgreSQL services (names in the service file, docs/postgres.md)
    ** the script may read (allow_db) or read and write (allow_db_write);
    ** no other connection is made. */
    const char *const *allow_db;
    size_t n_allow_db;
    const char *const *allow_db_write;
    size_t n_allow_db_write;
    /* Receives print() lines and warnings (the CLI writes them to stderr);
    ** NULL discards them. */
    void (*print)(void *ud, const char *text, size_t len);
    void *ud;
    int progress; /* nonzero: announce loads through print */
    /* Non-NULL: a successful run that emitted a document hands it over
    ** here after writing it (the caller frees it with tg_json_free), so
    ** the CLI prints its summary without reading the file back; NULL
    ** when the script emitted nothing. */
    struct tg_json **doc;
    int quiet; /* nonzero (--quiet): read_csv's load notes go only to the meta */
    int tty;   /* nonzero: print reaches a terminal; t:show writes Danish numbers */
    /* Non-NULL (--timing): receives the lines of the script's top level
    ** that ran, in line order, with their time (tg_malloc'ed, free with
    ** tg_free; NULL when none ran or out of memory), and *n_times their
    ** number; for a failed run too, up to where it stopped. */
    tg_run_line_time **times;
    size_t *n_times;
    int format; /* --format: a TG_LUACTX_FORMAT_* (tg_luactx.h) */
    /* tegn check --data: nothing is written (the writers and the document
    ** are skipped; 'out' is ignored) and each input keeps its first
    ** sample_rows rows (0: all). */
    int dry;
    size_t sample_rows;
    /* Receives what --format writes to stdout besides the document: the
    ** Tables print() is given (the CLI writes it to stdout); with 'ud'. */
    void (*stdout_text)(void *ud, const char *text, size_t len);
} tg_run_opts;

/* Defaults: no script, no params, stdout, seed TG_LUA_DEFAULT_SEED, no
** memory cap, no time limit, lib_dir "scripts/lib", print discarded, the
** document not kept. */
void tg_run_opts_init(tg_run_opts *opts);

/* Runs the script described by 'o'. Returns TG_OK, or the status of the
** failure with 'err' filled (see tg_lua_run_file): TG_ESCRIPT (script
** error; err has the script's file and line), TG_EDATA / TG_EIO (bad or
** unreadable input, or the output could not be written; err has the
** data file and position), TG_ELIMIT, TG_ECANCEL, TG_ENOMEM, or TG_EARG
** for a malformed param. When 'traceback' is not NULL it receives, for a
** failed script, the message and Lua stack traceback (tg_malloc'ed; free
** with tg_free), else NULL. The memory cap is restored to its previous
** value before returning. The document goes to 'o->out' (temporary file
** + rename) or, with o->out NULL, to stdout, followed by a newline. */
tg_status tg_run(const tg_run_opts *o, tg_error *err, char **traceback);

/* The runtime a run's script gets -- the sandbox with the `tegn` module,
** o's params, seed, time limit, lib_dir, file access and print -- without running
** anything: tg_run uses it, and so does the Lua test driver
** (tests/lua/run_lua_tests.c), so tests see exactly what scripts see.
** On success *lib and *rt are set (free with tg_lua_free, then
** tg_luactx_free); on failure both are NULL and 'err' says why (TG_EARG
** for an allow_read or allow_write folder that does not exist). */
tg_status tg_run_runtime(const tg_run_opts *o, struct tg_luactx **lib, struct tg_lua **rt,
                         tg_error *err);

#endif /* TG_RUN_H */
