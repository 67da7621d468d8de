/*
** tg_lualib.h -- the `tegn` Lua module: what a script sees as
** `require "tegn"` (loading, expressions, verbs, output), and the run
** context the module reports into. A tg_lualib is created per run and
** passed to the sandboxed runtime as its ud; it holds the --param values,
** the print callback, the inputs the script read (in the order read) and
** the document tegn.emit produced, which tg_run writes after a successful
** run. Shared helpers for the module's other files (tg_luatable.c,
** tg_luaexpr.c, tg_luadate.c) live here too: boxes for C memory, error
** raising, option checks.
*/
#ifndef TG_LUALIB_H
#define TG_LUALIB_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_err.h"
#include "tg_json.h"
#include "tg_table.h"

struct lua_State;
struct luaL_Reg;
typedef struct tg_lualib tg_lualib;

/* One input file a script read, recorded when the read succeeded. */
typedef struct tg_lualib_input {
    char *path;      /* as the script gave it */
    char *query;     /* read_sqlite's table or SQL; NULL for CSV */
    char sha256[65]; /* lowercase hex of the file's bytes */
    size_t rows;     /* rows loaded */
    size_t rejected; /* rows rejected (read_csv with on_error = "reject") */
} tg_lualib_input;

/* One --param. */
typedef struct tg_lualib_param {
    char *key;
    char *value;
} tg_lualib_param;

/* ---- the run context ---- */

/* A new context. 'params' holds n_params "key=value" strings (the value
** may be empty; a key may not, and may be given only once); they are
** copied. 'print' receives the script's print() lines and the module's
** warnings (NULL discards them) with 'ud'; 'progress' nonzero makes
** read_csv announce each load and its progress through 'print' (the
** progress lines may come from a loader thread). Returns
** NULL with err set: TG_EARG for a malformed or repeated param,
** TG_ENOMEM. */
tg_lualib *tg_lualib_new(const char *const *params, size_t n_params,
                         void (*print)(void *ud, const char *text, size_t len), void *ud,
                         int progress, tg_error *err);
/* Frees the context and whatever it still holds; NULL is a no-op. */
void tg_lualib_free(tg_lualib *lib);

/* tg_lua_opts.open_libs for a runtime whose opts.ud is a tg_lualib:
** registers `tegn` as a preloaded module and as the global `tegn`. */
void tg_lualib_open(struct lua_State *L, void *lib);
/* tg_lua_opts.print for such a runtime: forwards to the context's print. */
void tg_lualib_print(void *lib, const char *text, size_t len);

/* The inputs read so far, in the order read. Borrowed: valid until the
** next read or tg_lualib_free(). */
size_t tg_lualib_n_inputs(const tg_lualib *lib);
const tg_lualib_input *tg_lualib_input_at(const tg_lualib *lib, size_t i);

/* The params, sorted by key. Borrowed, like the inputs. */
size_t tg_lualib_n_params(const tg_lualib *lib);
const tg_lualib_param *tg_lualib_param_at(const tg_lualib *lib, size_t i);

/* The document tegn.emit made (the caller owns it: free with
** tg_json_free), and its indent option in *indent (may be NULL). When the
** script did not call tegn.emit but defined indicators, the indicator
** document { format, format_version, indicators = [...] } (indent 2);
** NULL when it did neither (or on out of memory for the indicator
** document). */
tg_json *tg_lualib_take_doc(tg_lualib *lib, int *indent);

/* ---- helpers for the module's C functions (they may raise) ---- */

/* For tegn.emit: gives 'doc' to the run's context, which then owns it.
** Returns 0 (and takes nothing) if a document was already emitted. */
int tg_lualib_set_doc(struct lua_State *L, tg_json *doc, int indent);

/* For tegn.indicator: takes 'ind' (an indicator's object) into the run's
** list, freeing it if that raises (out of memory). */
void tg_lualib_add_indicator(struct lua_State *L, tg_json *ind);

/* Pushes a new box: a userdata whose __gc calls free_fn(p) unless p is
** NULL. Box first, then fill: store a tg_malloc'ed pointer in the box the
** moment it exists, so a Lua error cannot leak it; set p back to NULL to
** take it out again. Returns the slot. */
void **tg_lualib_box(struct lua_State *L, void (*free_fn)(void *));

/* Raises the failure of a kernel call: TG_EARG and TG_ESCRIPT become
** script errors ("script.lua:12: no column 'x'; did you mean 'y'?"), with
** 'what' (may be NULL) before the message; everything else goes through
** tg_lua_raise so data errors keep their status and limits stay
** uncatchable. Does not return. */
TG_NORETURN int tg_lualib_fail(struct lua_State *L, tg_status st, const tg_error *err,
                               const char *what);

/* Polls the run's time limit and cancellation (tg_lua_check), and fills
** 'intr' with a poll kernels can call. */
void tg_lualib_interrupt(struct lua_State *L, tg_interrupt *intr);

/* 1 the first time it is called with 'key' on this state, 0 after. */
int tg_lualib_once(struct lua_State *L, const char *key);

/* Whether the value at idx is tegn.null. */
int tg_lualib_is_null(struct lua_State *L, int idx);

/* Writes a warning line "script.lua:12: warning: msg\n" through the
** context's print callback. */
void tg_lualib_warn(struct lua_State *L, const char *msg);

/* luaL_error with the position of the innermost Lua function (level 1 or
** above), so the message names the script line even when a C function
** such as pcall called the raising function directly. The format is
** lua_pushfstring's (%s %d %I %f %c %%). Does not return. */
TG_NORETURN int tg_lualib_error(struct lua_State *L, const char *fmt, ...);

/* The name in 'names' a misspelt 'name' most likely meant, or NULL:
** tg_nearest_name, else the only name that extends 'name' or that 'name'
** extends (at least 3 characters), so 'takst' suggests 'takst_kr'. */
const char *tg_lualib_suggest(const char *name, char *const *names, size_t n);

/* Raises "no column 'x'; did you mean 'y'?" for an unknown column of t
** (or lists the columns when none is near). */
TG_NORETURN int tg_lualib_no_column(struct lua_State *L, const tg_table *t, const char *name);

/* Checks that every key of the option table at idx (nil is fine) is one
** of 'known' (NULL-terminated), else raises "fname: unknown option 'x';
** did you mean 'y'?". */
void tg_lualib_check_opts(struct lua_State *L, int idx, const char *const *known,
                          const char *fname);

/* Creates the metatable 'name' in the registry with the metamethods in
** 'meta', 'methods' (may be NULL) as its __index table, and a __metatable
** field so scripts can neither read nor replace it. Leaves it on the
** stack. */
void tg_lualib_new_metatable(struct lua_State *L, const char *name, const struct luaL_Reg *meta,
                             const struct luaL_Reg *methods);

#endif /* TG_LUALIB_H */
