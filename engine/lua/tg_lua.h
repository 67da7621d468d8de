/*
** tg_lua.h -- the sandboxed Lua 5.4 runtime that runs analysts' scripts.
** A tg_lua owns one lua_State whose every byte goes through tg_mem (so the
** tg_mem cap bounds Lua and column buffers together), whose globals hold
** only safe libraries, and whose runs stop at a time limit or a signal in
** a way scripts cannot catch. Errors come back as tg_error records with the
** script's file and line; the full traceback stays retrievable. Only the
** lua layer (engine/lua: this runtime and the `tegn` module's bindings)
** includes the Lua headers; CMake shows them to no other layer.
*/
#ifndef TG_LUA_H
#define TG_LUA_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_err.h"

typedef struct tg_lua tg_lua;

/* Declared, not included: callers of the runtime (the CLI) need no Lua
** headers; the bindings include <lua.h> themselves. */
struct lua_State;

#define TG_LUA_DEFAULT_SEED 42 /* math.random's seed when --seed is not given */

typedef struct tg_lua_opts {
    uint64_t seed;       /* seeds math.random (xoshiro256** via splitmix64) */
    double timeout_s;    /* wall-clock limit per run in seconds; 0 = none */
    const char *lib_dir; /* second folder `require` searches; NULL = none */
    /* Receives each line print() writes, newline included. NULL discards
    ** print output: the library never writes to stdout or stderr itself;
    ** the CLI passes a function writing to stderr (stdout is for results). */
    void (*print)(void *ud, const char *text, size_t len);
    /* Runs in protected mode after the sandbox is built, before any script:
    ** the place to register the `tegn` module (see tg_lua_preload). It may
    ** raise Lua errors; tg_lua_new then fails. NULL = nothing to add. */
    void (*open_libs)(struct lua_State *L, void *ud);
    void *ud; /* passed to print and open_libs; see also tg_lua_userdata */
    /* Non-NULL: called with line_ud as each line of a run's own chunk
    ** starts (its top level, not the functions it calls nor the modules
    ** it requires), so the caller can time the script's statements
    ** (`tegn run --timing`). Costs a hook call per line of all Lua code. */
    void (*line)(void *line_ud, int line);
    void *line_ud;
} tg_lua_opts;

/* Fills 'opts' with the defaults: seed TG_LUA_DEFAULT_SEED, no time limit,
** no lib folder, print discarded, no extra libraries. */
void tg_lua_opts_init(tg_lua_opts *opts);

/* ---- lifecycle ---- */

/* A new runtime with a fresh sandboxed state; 'opts' is copied (the strings
** it points to must outlive the runtime) and may be NULL for the defaults.
** Returns NULL on failure with err set: TG_ENOMEM (TG_ELIMIT when the
** tg_mem cap was the cause), or TG_ESCRIPT when open_libs raised. */
tg_lua *tg_lua_new(const tg_lua_opts *opts, tg_error *err);

/* Closes the state (running finalizers) and frees the runtime; NULL is a
** no-op. */
void tg_lua_free(tg_lua *rt);

/* The one answer to an allocation failure, for the runtime and for C code
** around a run (writing the document): TG_ELIMIT "memory limit 64 MiB
** exceeded" when the tg_mem cap refused an allocation since 'refusals'
** was read from tg_mem_cap_refusals(), else TG_ENOMEM "out of memory"
** (the machine, not the cap, ran out). Sets err; returns the status. */
tg_status tg_lua_mem_status(size_t refusals, tg_error *err);

/* ---- running ---- */

/* Loads the text chunk at 'path' (binary chunks are refused; chunkname
** "@path", so messages read "path:line:") and runs it. The script's folder
** becomes the first folder `require` searches. Globals persist across runs
** on the same runtime; `tegn run` uses one runtime per script. Returns
** TG_OK, or: TG_EIO (cannot open the file), TG_ESCRIPT (syntax or runtime
** error: err->file/line locate it and err->msg is the message's first line
** without that prefix), TG_ELIMIT (time limit, or the tg_mem cap: "memory
** limit 64 MiB exceeded"), TG_ECANCEL ("cancelled by signal" or
** "cancelled"), TG_ENOMEM, or the status a C function passed to
** tg_lua_raise (TG_EDATA, TG_EIO, TG_EARG) with its err. A memory error
** names the script but may have line 0: Lua unwinds before it can be
** located. Once a limit is hit no script code runs any more: not pcall's
** caller, not a __close handler, not a function called on the way out.
** Not re-entrant: never call it from a C function during a run. */
tg_status tg_lua_run_file(tg_lua *rt, const char *path, tg_error *err);

/* The registry key of the REPL's result printer. */
#define TG_LUA_REPL_SHOW "tegn.repl_show"

/* Flags for tg_lua_run_string. */
enum {
    /* REPL mode: first try the code as an expression ("return " .. code),
    ** and hand the chunk's results to the function the registry holds under
    ** TG_LUA_REPL_SHOW (tg_luarepl's printer), or print them (tab-separated)
    ** through opts.print when there is none. */
    TG_LUA_REPL = 1
};

/* Runs the text chunk 'code' with chunkname "=name" (messages read
** "name:line:"). `require` keeps searching the folder of the last
** tg_lua_run_file, or "." when there was none. Errors as tg_lua_run_file. */
tg_status tg_lua_run_string(tg_lua *rt, const char *name, const char *code, unsigned flags,
                            tg_error *err);

/* The last failed run's error message followed by its stack traceback, as
** lua.c prints it; NULL when the last run succeeded or no traceback could
** be made. Borrowed: valid until the next run or tg_lua_free(). */
const char *tg_lua_traceback(const tg_lua *rt);

/* 1 if 'err' (from a run) is a syntax error at the end of the input, so a
** REPL should read another line and retry; 0 otherwise. */
int tg_lua_incomplete(const tg_error *err);

/* ---- access for the tegn module and other C code ---- */

/* The runtime's state, for registering functions. Borrowed: valid until
** tg_lua_free(). Do not close it or change its hook. */
struct lua_State *tg_lua_state(tg_lua *rt);

/* The runtime a state (or any of its coroutines) belongs to. */
tg_lua *tg_lua_from_state(struct lua_State *L);

/* opts.ud and opts.seed as given to tg_lua_new. */
void *tg_lua_userdata(const tg_lua *rt);
uint64_t tg_lua_seed(const tg_lua *rt);

/* The names stock Lua has and the sandbox removed ("io", "os.execute",
** "string.dump", ...; *n of them), for `tegn check`, which tells a script
** using one that the sandbox lacks it rather than that it is undefined. */
const char *const *tg_lua_removed(size_t *n);

/* 1 when 'require' accepts the module name s (len bytes): letters,
** digits, '_' and '.', not starting or ending with a dot, no "..", at
** most 200 bytes; so no name leads out of the folders it searches. */
int tg_lua_module_name_ok(const char *s, size_t len);

/* Pops the function on top of L's stack and makes it the loader of module
** 'name': the first `require(name)` calls it with name and ":preload:" and
** caches its result. Call it from opts.open_libs. May raise (memory). */
void tg_lua_preload(struct lua_State *L, const char *name);

/* Pops a table (and, with 'with_index', the __index function above it)
** and pushes a read-only view of the table: an empty table whose
** metatable reads through the table (or the function), raises "cannot
** set 'k': <name> is read-only" on every assignment, iterates the table
** with pairs (without handing it out) and is locked (__metatable). The
** sandbox's rawset refuses views too, so a library module cannot replace
** what every later script uses. May raise (memory). */
void tg_lua_readonly(struct lua_State *L, const char *name, int with_index);

/* ---- limits: time, cancellation, engine failures ---- */

/* TG_OK while the current run may go on; TG_ECANCEL after a signal or
** tg_lua_cancel; TG_ELIMIT once the deadline has passed; or the status
** that already stopped the run (TG_ELIMIT or TG_ENOMEM for memory).
** Cheap (a clock read) and thread-safe: C kernels and loader threads poll
** it once per chunk of work and stop with the status it returns. */
tg_status tg_lua_poll(const tg_lua *rt);

/* tg_lua_poll with the signature of tg_csv_opts.interrupt: pass the
** runtime as the callback's ud. */
tg_status tg_lua_interrupt(void *rt);

/* Asks the runtime's current run (or, when none is running, the next one)
** to stop with TG_ECANCEL "cancelled". Thread- and async-signal-safe. */
void tg_lua_cancel(tg_lua *rt);

/* For C functions called from Lua: raises 'st' (details in 'err', which may
** be NULL) as a Lua error and does not return. TG_ENOMEM (reported as
** TG_ELIMIT when the tg_mem cap refused the allocation), TG_ELIMIT and
** TG_ECANCEL end the run: pcall cannot catch them. Other codes raise an
** ordinary error "script.lua:12: prices.csv:14:3: expected ..." that pcall
** can catch; if nothing does, the run returns that code and 'err'. */
TG_NORETURN int tg_lua_raise(struct lua_State *L, tg_status st, const tg_error *err);
/* tg_lua_raise with the message's "script.lua:12: " prefix given ('where';
** NULL: the current line): a plan that runs later names the line of the
** verb that built the failing step. */
TG_NORETURN int tg_lua_raise_at(struct lua_State *L, tg_status st, const tg_error *err,
                                const char *where);

/* Pushes "script.lua:12: " of the innermost Lua function, as luaL_where but
** skipping C functions, so an error raised by a C function that pcall
** called directly still points into the script ("" when no Lua function
** is on the stack). */
void tg_lua_push_where(struct lua_State *L);

/* 1 when the running code may have been called, directly or not, by a C
** function other than pcall, xpcall, require and the run: a verb calling
** a callback (map_rows, an indicator's compute), which may still hold
** pointers into the tables it was given. Conservatively 1 in a coroutine.
** For the level-0 C function (t:free()) to decide whether it may release
** now. */
int tg_lua_inside_c(struct lua_State *L);

/* tg_lua_poll for C functions called from Lua: raises when the run must
** stop (as tg_lua_raise), else returns. */
void tg_lua_check(struct lua_State *L);

/* Installs SIGINT and SIGTERM handlers that record the signal in a
** process-wide flag; every runtime's hook and tg_lua_poll then end the
** run with TG_ECANCEL "cancelled by signal". The handlers reset to the
** default action once they fire, so a second signal kills a process
** stuck in C code. Returns 0, or -1 if sigaction failed. */
int tg_lua_install_signal_handlers(void);

/* The signal number caught since the last tg_lua_clear_signal (0 = none);
** the flag stays set until cleared, so a signal also stops later runs. */
int tg_lua_signal(void);
void tg_lua_clear_signal(void);

#endif /* TG_LUA_H */
