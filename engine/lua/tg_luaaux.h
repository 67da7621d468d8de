/*
** tg_luaaux.h -- the helper library of the Lua layer, as lauxlib is Lua's:
** what every binding needs and nothing that belongs to one of them. Boxes
** for C memory, errors that name the script line, the option readers (one
** message grammar for every argument error) and readers for lists of
** column names. It includes no binding; bindings include it, tg_luaval.h
** (the values they exchange) and engine headers, and nothing of each
** other. Functions marked TG_NORETURN raise a Lua error (a longjmp): call
** them as `return tg_luaaux_error(...)` so the reader sees the exit.
*/
#ifndef TG_LUAAUX_H
#define TG_LUAAUX_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_csv.h"
#include "tg_err.h"
#include "tg_param.h"
#include "tg_table.h"

struct lua_State;
struct luaL_Reg;

/* Registers the metatables the helpers use (boxes, tegn.null). Called once
** by the hub before any binding opens. */
void tg_luaaux_open(struct lua_State *L);

/* ---- boxes ---- */

/* Pushes a new box: a userdata whose __gc calls free_fn(p) unless p is
** NULL. Box first, then fill: store a tg_malloc'ed pointer in the box the
** moment it exists, so a Lua error cannot leak it; set p back to NULL to
** take it out again. Returns the slot. */
void **tg_luaaux_box(struct lua_State *L, void (*free_fn)(void *));

/* ---- errors ---- */

/* luaL_error with the position of the innermost Lua function (level 1 or
** above), so the message names the script line even when a C function
** such as pcall called the raising function directly. The format is
** lua_pushfstring's (%s %d %I %f %c %%). */
TG_NORETURN int tg_luaaux_error(struct lua_State *L, const char *fmt, ...);

/* Raises the failure of a kernel call: TG_EARG and TG_ESCRIPT become
** script errors ("script.lua:12: no column 'x'; did you mean 'y'?"), with
** 'what' (may be NULL) before the message; everything else goes through
** tg_lua_raise so data errors keep their status and limits stay
** uncatchable. */
TG_NORETURN int tg_luaaux_fail(struct lua_State *L, tg_status st, const tg_error *err,
                               const char *what);
/* tg_luaaux_fail with the "script.lua:12: " prefix given ('where'; NULL:
** the current line), for a plan step that fails after its verb returned. */
TG_NORETURN int tg_luaaux_fail_at(struct lua_State *L, tg_status st, const tg_error *err,
                                  const char *what, const char *where);

/* Raises "no column 'x'; did you mean 'y'?" for an unknown column of t
** (or lists the columns when none is near). */
TG_NORETURN int tg_luaaux_no_column(struct lua_State *L, const tg_table *t, const char *name);

/* The name in 'names' a misspelt 'name' most likely meant, or NULL:
** tg_nearest_name, else the only name that extends 'name' or that 'name'
** extends (at least 3 characters), so 'takst' suggests 'takst_kr'. */
const char *tg_luaaux_suggest(const char *name, char *const *names, size_t n);

/* Pushes the table a read-only view (tg_lua_readonly: the tegn module, its
** sub-tables) reads through, found without running code, or the value at
** idx itself when it is a plain table; for walks over the module's names
** (tegn --definitions, tegn check). */
void tg_luaaux_push_contents(struct lua_State *L, int idx);

/* Writes a warning line "script.lua:12: warning: msg\n" through the run
** context's print callback. */
void tg_luaaux_warn(struct lua_State *L, const char *msg);

/* 1 the first time it is called with 'key' on this state, 0 after: for
** warnings given once per run. */
int tg_luaaux_once(struct lua_State *L, const char *key);

/* The identifier check every writer of output calls before it writes
** table t (write_csv, write_sqlite, emit, an indicator's details and
** write_xlsx): raises "fn: column 'c' holds CPR numbers (row r); ..."
** when a column has a value that looks like a CPR number (tg_ident)
** unless option 'allow_identifiers' of the table at 'opts' (0: none) is true or
** lists that column; with 'names', warns once per column name when a
** name says it holds names, CPR numbers or addresses (navn, cpr,
** adresse) and allow_identifiers does not list it. */
void tg_luaaux_check_identifiers(struct lua_State *L, const tg_table *t, int opts, int names,
                                 const char *fn);

/* Polls the run's time limit and cancellation (tg_lua_check), and fills
** 'intr' with a poll kernels can call. */
void tg_luaaux_interrupt(struct lua_State *L, tg_interrupt *intr);

/* ---- tegn.null, metatables ---- */

/* Whether the value at idx is tegn.null; pushes tegn.null. */
int tg_luaaux_is_null(struct lua_State *L, int idx);

/* The number of keys of the table at idx (array part and hash part),
** counted raw: no __pairs runs. */
size_t tg_luaaux_count_keys(struct lua_State *L, int idx);
void tg_luaaux_push_null(struct lua_State *L);

/* The userdata at idx with metatable 'mt', as luaL_checkudata does for an
** argument (idx > 0); for a value the C code fetched (idx < 0) the error
** names the type, not a stack slot. */
void *tg_luaaux_check_udata(struct lua_State *L, int idx, const char *mt);

/* Creates the metatable 'name' in the registry with the metamethods in
** 'meta', 'methods' (may be NULL) as its __index table, and a __metatable
** field so scripts can neither read nor replace it. Leaves it on the
** stack. */
void tg_luaaux_new_metatable(struct lua_State *L, const char *name, const struct luaL_Reg *meta,
                             const struct luaL_Reg *methods);

/* ---- option readers ----
**
** One family for every binding, with one message grammar:
**   "<fn>: '<key>' must be <expectation>, got <value>"
** e.g. "sim.run: tilbud 'Himmelev': 'pladser' must be a whole number from
** 0 to 1000000, got 1.5". 'fn' names the function and may carry a context
** ("sim.run: tilbud 'Himmelev'"); 'key' is the option (or the argument's
** name, or "list[3]"). The check_ forms read the value at idx, which must
** be there; the opt_ forms read field 'key' of the option table at idx and
** return 'dflt' when it is nil (or idx is not a table). Numbers must be
** finite (NaN and inf are refused) and within [lo, hi] (pass -HUGE_VAL /
** HUGE_VAL for no bound); integers are numbers with an integral value.
** Choices return the index of the string in 'list' (NULL-terminated). */

/* Raises "<fn>: '<key>' must be <expect>, got <the value at idx>". */
TG_NORETURN int tg_luaaux_bad(struct lua_State *L, const char *fn, const char *key,
                              const char *expect, int idx);
/* Raises "<fn>: '<key>' is required". */
TG_NORETURN int tg_luaaux_missing(struct lua_State *L, const char *fn, const char *key);

double tg_luaaux_check_number(struct lua_State *L, int idx, const char *fn, const char *key,
                              double lo, double hi);
int64_t tg_luaaux_check_integer(struct lua_State *L, int idx, const char *fn, const char *key,
                                int64_t lo, int64_t hi);
int tg_luaaux_check_boolean(struct lua_State *L, int idx, const char *fn, const char *key);
int tg_luaaux_check_choice(struct lua_State *L, int idx, const char *fn, const char *key,
                           const char *const *list);
const char *tg_luaaux_check_string(struct lua_State *L, int idx, const char *fn, const char *key);
/* A tegn.Date or a "YYYY-MM-DD" string, as days since 1970-01-01. */
int32_t tg_luaaux_check_date(struct lua_State *L, int idx, const char *fn, const char *key);
/* Raise unless the value at idx is a table ("a table"), a function ("a
** function"), or there at all (nil is a value; "a value ..., got
** nothing"), for positional arguments Lua does not convert. */
void tg_luaaux_check_table(struct lua_State *L, int idx, const char *fn, const char *key);
void tg_luaaux_check_function(struct lua_State *L, int idx, const char *fn, const char *key);
void tg_luaaux_check_any(struct lua_State *L, int idx, const char *fn, const char *key);

double tg_luaaux_opt_number(struct lua_State *L, int idx, const char *fn, const char *key,
                            double dflt, double lo, double hi);
int64_t tg_luaaux_opt_integer(struct lua_State *L, int idx, const char *fn, const char *key,
                              int64_t dflt, int64_t lo, int64_t hi);
int tg_luaaux_opt_boolean(struct lua_State *L, int idx, const char *fn, const char *key, int dflt);
int tg_luaaux_opt_choice(struct lua_State *L, int idx, const char *fn, const char *key,
                         const char *const *list, int dflt);
/* The string stays alive as long as the option table does. */
const char *tg_luaaux_opt_string(struct lua_State *L, int idx, const char *fn, const char *key,
                                 const char *dflt);
/* 1 and *out set when the option is given, 0 (and *out untouched) when not. */
int tg_luaaux_opt_date(struct lua_State *L, int idx, const char *fn, const char *key, int32_t *out);

/* The need_ forms read a required option: "<fn>: '<key>' is required"
** when it is nil. */
double tg_luaaux_need_number(struct lua_State *L, int idx, const char *fn, const char *key,
                             double lo, double hi);
int64_t tg_luaaux_need_integer(struct lua_State *L, int idx, const char *fn, const char *key,
                               int64_t lo, int64_t hi);

/* Fills v[0..n) from the list at idx (check_) or at option 'key' of the
** table at idx (opt_), which must hold exactly n numbers in [lo, hi] (an
** item's error names it "key[i]"). opt_ returns 0 (and leaves v alone)
** when the option is absent. */
void tg_luaaux_check_list(struct lua_State *L, int idx, const char *fn, const char *key, double *v,
                          size_t n, double lo, double hi);
int tg_luaaux_opt_list(struct lua_State *L, int idx, const char *fn, const char *key, double *v,
                       size_t n, double lo, double hi);

/* Reads a table of numbers by year at idx, e.g. { [2024] = 0.96 } (keys
** whole numbers from 1 to 9999, values finite numbers), into v: v[y -
** *first] for each year y of the range, NaN where the table has none. With
** TG_LUAAUX_YEARS_FIXED the range is *first .. *first + n - 1 and a year
** outside it raises; else the range is the keys' own, at most n years,
** and *first is set to its first year (untouched when the table is
** empty, which raises with TG_LUAAUX_YEARS_NONEMPTY). Returns the range's
** length (0 for an empty table). A value's error names it "key[year]". */
enum { TG_LUAAUX_YEARS_FIXED = 1, TG_LUAAUX_YEARS_NONEMPTY = 2 };
size_t tg_luaaux_check_years(struct lua_State *L, int idx, const char *fn, const char *key,
                             double *v, size_t n, int *first, int flags);

/* The key to read for an option renamed from 'old' to 'key': 'key', or
** 'old' when only that is given. The old name then writes a warning (once
** per run and old name, through tg_luaaux_warn: "fn: 'old' is now called
** 'key'; ..."); giving both raises. For one release after a rename. */
const char *tg_luaaux_renamed(struct lua_State *L, int idx, const char *fn, const char *key,
                              const char *old);

/* Checks that every key of the option table at idx (nil is fine) is one
** of 'known' (NULL-terminated), else raises "fname: unknown option 'x';
** did you mean 'y'?". First replaces the table at idx by a copy made with
** raw access (nested tables to TG_LUAAUX_OPTS_DEPTH levels), so reading
** the options afterwards runs no metamethod of the script's. */
#define TG_LUAAUX_OPTS_DEPTH 8 /* option tables copied this deep (see check_opts) */
void tg_luaaux_check_opts(struct lua_State *L, int idx, const char *const *known,
                          const char *fname);

/* ---- column types ---- */

/* Reads the 'types' option of a loader (the table at the top of the stack:
** { name = "int" | "float" | "bool" | "date" | "string" | {"date", fmt} })
** into a userdata it pushes (*out points into it, the names into the
** table; keep both on the stack while the load runs). Raises "fn: 'types.x'
** must be ...". */
void tg_luaaux_coltypes(struct lua_State *L, const char *fn, const tg_csv_coltype **out,
                        size_t *n_out);

/* ---- tegn.Date ---- */

/* A Date is a 4-byte userdata holding the day number (days since
** 1970-01-01); its methods are in tg_luadate.c. */
#define TG_LUAAUX_DATE_MT "tegn.Date"

/* Pushes a new Date holding 'days'. */
void tg_luaaux_date_push(struct lua_State *L, int32_t days);

/* 1 and *days set when the value at idx is a Date, else 0. */
int tg_luaaux_date_test(struct lua_State *L, int idx, int32_t *days);

/* Fills p's value (not its name) from the Lua value at idx, a query
** parameter 'key' of fn: an integer, a float, a boolean, a string (kept
** alive by the caller's table), a tegn.Date or tegn.null; raises on any
** other value. */
void tg_luaaux_check_param(struct lua_State *L, int idx, const char *fn, const char *key,
                           tg_param *p);

/* The day number of the Date at idx, or raises "tegn.Date expected". */
int32_t tg_luaaux_date_check(struct lua_State *L, int idx);

/* The tg_date_unit named by the string at idx: "week" (or "isoweek"),
** "month", "quarter", "year"; raises otherwise. */
int tg_luaaux_date_unit(struct lua_State *L, int idx);

/* ---- argument lists ---- */

/* A list of column names from the value at idx (a name or a list of
** names), as an array in a userdata pushed on the stack; the strings stay
** alive as long as the value does. Raises for anything else, naming the
** function 'fn' and the argument or option 'key' (an item "key[i]"). */
const char **tg_luaaux_names(struct lua_State *L, int idx, const char *fn, const char *key,
                             size_t *n);

/* The string keys of the Lua table at idx sorted by their bytes, in an
** array that lives in a userdata pushed on the stack (the strings are kept
** alive by the table, which must stay unchanged). Keys 1..#t are skipped,
** for the caller to read as a list; other keys raise, naming the function
** 'fname' and the argument or option 'key'. */
const char **tg_luaaux_sorted_keys(struct lua_State *L, int idx, size_t *n, const char *fname,
                                   const char *key);

/* Reads name/value pairs from the table at idx -- list items {name, value}
** first, then name = value keys sorted by name -- and pushes, for each,
** the name (a string) and the value, in that order. Returns the count.
** Errors name the function 'what' and the argument 'key' ("key[2]"). */
size_t tg_luaaux_push_pairs(struct lua_State *L, int idx, const char *what, const char *key);

/* Sort keys from the value at idx: a name, or a list whose items are names
** or {name, desc = true} (tegn.desc"x"). Pushes two arrays (names, and the
** desc flags in *desc); raises for an item 't' has no column for. The
** count is the list's length (1 for a name). Errors name 'what' and the
** argument or option 'key'. */
const char **tg_luaaux_sort_keys(struct lua_State *L, int idx, const tg_table *t, const char *what,
                                 const char *key, int **desc);

#endif /* TG_LUAAUX_H */
