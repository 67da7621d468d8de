/*
** tg_luaval.h -- the values the `tegn` bindings hand each other: the
** tegn.Table handle, tegn.Expr (and the tegn.When chains that
** become expressions), tegn.Window, and any Lua value as JSON. Like
** tg_luaaux.h it includes no binding: a binding that makes a value uses the
** constructors here, a binding that reads one uses the checks, and only
** the hub knows which binding adds which methods. Functions that can raise
** say so; raising ones push nothing that outlives the error.
*/
#ifndef TG_LUAVAL_H
#define TG_LUAVAL_H

#include <stddef.h>
#include <stdint.h>

#include "tg_expr.h"
#include "tg_json.h"
#include "tg_plan.h"
#include "tg_table.h"
#include "tg_takst.h"
#include "tg_window.h"

struct lua_State;

#define TG_LUAVAL_TABLE_MT  "tegn.Table"
#define TG_LUAVAL_EXPR_MT   "tegn.Expr"
#define TG_LUAVAL_WHEN_MT   "tegn.When"
#define TG_LUAVAL_WINDOW_MT "tegn.Window"
#define TG_LUAVAL_RULES_MT  "tegn.TakstRules"

#define TG_LUAVAL_JSON_MAX_DEPTH \
    100 /* nesting tegn.emit accepts (catches a table holding itself) */

/* ---- tegn.Table ---- */

/* Sets the Table's metamethods (__gc, __close, __len, __tostring) in the
** metatable at the top of the stack; the hub adds __index. */
void tg_luaval_table_metamethods(struct lua_State *L);

/* __index of a Table, as a C closure whose upvalue 1 is the method table:
** a method, else a column (as an expression), else an error naming the
** nearest method or column. */
int tg_luaval_table_index(struct lua_State *L);

/* __close and t:free(): the handle is unusable from now on, and its
** columns are released now rather than at the next collection, so `local
** t <close> = ...` frees at scope end. Called while a verb runs Lua code
** (a map_rows callback, an indicator's compute, a coroutine), the release
** waits for the collector instead: that verb may hold the columns
** borrowed. __gc always releases. */
int tg_luaval_table_free(struct lua_State *L);

/* Pushes a new, empty Table userdata and returns its slot: box first, then
** fill (*slot = table, which the userdata then owns one reference to). */
tg_table **tg_luaval_table_new(struct lua_State *L);

/* Pushes a Table holding rows idx[0..n) of 'src' (retained), gathered
** lazily: *idx_box is a tg_malloc'ed index array held in a box
** (tg_luaaux_box); the Table takes it over and sets *idx_box to NULL, so
** nothing leaks whether or not this raises. */
void tg_luaval_table_push_rows(struct lua_State *L, const tg_table *src, void **idx_box, size_t n);

/* The column names and types of the Table at idx without gathering a
** pending selection (the source table's, whose n_rows may differ), and
** its row count in *n_rows (may be NULL). A pending plan runs first.
** Raises for a freed table. */
const tg_table *tg_luaval_table_shape(struct lua_State *L, int idx, size_t *n_rows);

/* The column names and types of the Table at idx, as a table whose
** columns must not be read (a plan's have no rows): what a verb checks
** names against and what a plan step is built on. Runs no plan. Raises for
** a freed table. */
const tg_table *tg_luaval_table_schema(struct lua_State *L, int idx);

/* tg_luaval_table_schema for an argument that is not the receiver, with
** tg_luaval_table_arg's errors. */
const tg_table *tg_luaval_table_arg_shape(struct lua_State *L, int idx, const char *fn,
                                          const char *key);

/* 1 if the Table at idx is a pending selection, with its source table and
** row indices (borrowed from the Table); 0 if it is a table. */
int tg_luaval_table_rows_of(struct lua_State *L, int idx, const tg_table **src, const size_t **rows,
                            size_t *n);

/* A table with the rows of the Table at idx and at least the named columns
** (names it lacks are skipped: check them first): the Table's own table,
** or for a selection a new one gathering only those columns. Pushes one
** value (nil, or the box owning the new table); the result is valid while
** that value and the Table stay on the stack. */
const tg_table *tg_luaval_table_project(struct lua_State *L, int idx, const char *const *names,
                                        size_t n);

/* Pushes the (filled) Table at idx as a C function's result and tells
** the garbage collector about its column memory, which Lua's own
** accounting cannot see. Returns 1, for `return tg_luaval_table_finish(...)`. */
int tg_luaval_table_finish(struct lua_State *L, int idx);

/* The table of the Table at idx (borrowed), gathering a pending selection
** first; raises "tegn.Table expected" / "table was freed". */
tg_table *tg_luaval_table_check(struct lua_State *L, int idx);
/* tg_luaval_table_check for an argument that is not the receiver: raises
** "<fn>: '<key>' must be a tegn.Table, got ..." (see tg_luaaux_bad). */
tg_table *tg_luaval_table_arg(struct lua_State *L, int idx, const char *fn, const char *key);
/* The table of the Table at idx, or NULL when idx holds something else. */
tg_table *tg_luaval_table_test(struct lua_State *L, int idx);

/* Makes the table at *res (just built from the columns of the Table at
** 'orig''s tg_luaval_table_schema, in the slot of a Table from
** tg_luaval_table_new) a selection of the same rows as orig, when orig is
** one, or a step of orig's plan when orig has one that has not run; for
** t:select and t:rename, which only rearrange columns. */
void tg_luaval_table_same_rows(struct lua_State *L, int orig, tg_table **res);

/* Pushes row i of t as a Lua table keyed by column name: ints as
** integers, floats as numbers, bools as booleans, dates as "YYYY-MM-DD"
** strings, strings as strings; NULL values are absent (nil). */
void tg_luaval_table_push_row(struct lua_State *L, const tg_table *t, size_t i);

/* ---- plans: lazy Tables ---- */

/* 1 when verbs build plans (the default), 0 when every verb runs at once:
** the environment variable TEGN_EAGER set to anything but "" or "0". The
** tests run every Lua case both ways. */
int tg_luaval_lazy(void);

/* 1 if the Table at idx holds a plan that has not run: a filter or a
** derive of it extends the plan, while over a table a derive runs at once
** (its data errors stay where the script can catch them), and so does a
** filter whose condition can raise one (tg_plan_may_fail); another filter
** of a table starts a plan, so that a group-by of it can run fused with
** it (tg_pipe). */
int tg_luaval_table_pending(struct lua_State *L, int idx);

/* The Table at idx as the input of a new plan step: its own plan when it
** has not run yet, else a scan of its table or pending selection. The
** node (one reference) is owned by a box pushed on the stack. Raises. */
tg_plan *tg_luaval_table_plan(struct lua_State *L, int idx);

/* Pushes a Table whose result is the plan in *plan_box (a box from
** tg_luaaux_box, which the Table takes over: *plan_box is set to NULL),
** recording the current script line and 'verb' for errors of its run. */
void tg_luaval_table_push_plan(struct lua_State *L, void **plan_box, const char *verb);

/* Pushes (and returns) t:explain()'s text for the Table at idx: its plan
** as it runs (tg_plan_explain), or a line saying it has none. */
const char *tg_luaval_table_explain(struct lua_State *L, int idx);

/* ---- tegn.Expr ---- */

/* Pushes an empty Expr userdata (box first) and returns its slot;
** tg_luaval_expr_fill stores a freshly built node in it (NULL, an
** allocation failure, raises; so does a node nested deeper than
** TG_EXPR_MAX_DEPTH, a script error where the script builds it). */
tg_expr **tg_luaval_expr_new(struct lua_State *L);
void tg_luaval_expr_fill(struct lua_State *L, tg_expr **slot, tg_expr *e);

/* The node of the Expr at idx (borrowed), or raises. */
tg_expr *tg_luaval_expr_check(struct lua_State *L, int idx);

/* 1 if the value at idx is an Expr. */
int tg_luaval_expr_test(struct lua_State *L, int idx);

/* Flags of tg_luaval_expr_push. */
enum {
    TG_LUAVAL_NAMES = 1, /* a string names a column (aggregates, sort keys) */
    /* A bare Lua boolean is refused: where a script means a condition or a
    ** computed column, true/false is what `col"x" == "a"` gives (Lua calls
    ** __eq only for two userdata), which would silently filter every row
    ** out. The message points to :eq() / :ne() and tegn.lit(true). */
    TG_LUAVAL_NO_BOOL = 2
};

/* Converts the Lua value at idx into an expression and pushes an Expr
** userdata owning it (the value itself when it already is an Expr). The
** returned node is borrowed from that userdata: valid while it stays on
** the stack. Numbers, booleans, dates (tegn.Date), tegn.null and tegn.when
** chains become expressions; a string is a literal, unless 'flags' has
** TG_LUAVAL_NAMES, when it names a column. Raises for anything else,
** "<fn>: '<key>' must be an expression, a column name or a value, got ...",
** and with TG_LUAVAL_NO_BOOL for a boolean. */
tg_expr *tg_luaval_expr_push(struct lua_State *L, int idx, int flags, const char *fn,
                             const char *key);

/* Raises "no column 'x'; did you mean 'y'?" (at the script line) if 'e'
** refers to a column 't' does not have. */
void tg_luaval_expr_check_columns(struct lua_State *L, const tg_expr *e, const tg_table *t);

/* The distinct column names 'e' refers to, in the order first met, in an
** array owned by a userdata pushed on the stack (NULL when *n is 0; the
** strings belong to the nodes of e). Both walk each shared subtree once
** (tg_expr_columns). */
const char **tg_luaval_expr_columns(struct lua_State *L, const tg_expr *e, size_t *n);

/* Raises, as tg_luaval_expr_eval would, when 'e' names a column 't'
** lacks or has a type error over t's columns; evaluates nothing. */
void tg_luaval_expr_typecheck(struct lua_State *L, const tg_expr *e, const tg_table *t);

/* Evaluates 'e' over 't' into a new column, polling the run's limits;
** raises on failure. The column is owned by a box pushed on the stack;
** returns it borrowed. */
tg_col *tg_luaval_expr_eval(struct lua_State *L, const tg_expr *e, const tg_table *t);

/* A When (TG_LUAVAL_WHEN_MT) is a userdata whose user value is the list
** {cond1, v1, cond2, v2, ...} of Exprs. Folds the branches of the When at
** 'when' from the last, around 'otherwise' (the Expr on top of the
** stack), into nested if_else nodes; pushes the result. */
tg_expr *tg_luaval_when_fold(struct lua_State *L, int when);

/* ---- tegn.Window ---- */

/* Pushes a Window for fn over the expression at expr (0: none) with the
** options table at opts (0 or nil: none): by, order, default, min_periods. */
void tg_luaval_window_push(struct lua_State *L, tg_window_fn fn, int expr, long k, int opts);

/* __tostring of a Window: "tegn.Window(lag)". */
int tg_luaval_window_tostring(struct lua_State *L);

/* 1 if the value at idx is a Window. */
int tg_luaval_window_test(struct lua_State *L, int idx);

/* Computes the Window at idx over 't' into a new column owned by a box
** pushed on the stack (returned borrowed); raises on failure. */
tg_col *tg_luaval_window_eval(struct lua_State *L, int idx, const tg_table *t);

/* A 1-row column holding the Lua value at idx (number, string, boolean,
** date), for kernels that take scalar arguments; NULL for nil and
** tegn.null. The column is owned by a box pushed on the stack (even for
** NULL). Raises for other values, naming fn and key as tg_luaaux_bad. */
tg_col *tg_luaval_scalar(struct lua_State *L, int idx, const char *fn, const char *key);

/* ---- tegn.TakstRules ---- */

/* Pushes a TakstRules userdata holding a copy of the checked rules 'r';
** returns the copy. */
tg_takst_rules *tg_luaval_rules_push(struct lua_State *L, const tg_takst_rules *r);

/* The rules named by the value at idx: a TakstRules, a built-in set's name,
** or nil for BEK2022. Raises for anything else, naming 'fname' and the
** argument or option 'key' ("regler", or "base" for tegn.takst.rules). */
tg_takst_rules tg_luaval_rules(struct lua_State *L, int idx, const char *fname, const char *key);

/* Reads the table of budget lines at idx (option 'key' of 'fn', e.g.
** "omkostninger"; one amount per omkostningstype, named as
** tg_takst_omk_name gives them) into omk[TG_OMK_N], NaN where not given;
** regulering_n2 is accepted only when 'regulering' is set. Returns the
** sum of the given amounts. tegn.takst and tegn.scenario share it. */
double tg_luaval_omkostninger(struct lua_State *L, int idx, const char *fn, const char *key,
                              double *omk, int regulering);

/* ---- JSON ---- */

/* The value at idx as a JSON tree, as tegn.emit writes it: Lua tables with
** their keys sorted, floats shortest (decimals < 0) or rounded half away
** from zero to 'decimals' places; 'path' names it in messages. The caller
** owns the result. May raise (a value JSON cannot hold, memory). */
tg_json *tg_luaval_json(struct lua_State *L, int idx, int decimals, const char *path);

/* tg_luaaux_check_identifiers for every Table in the value at idx (Lua
** tables are walked): what emit and an indicator's details run before
** they become JSON. */
void tg_luaval_check_identifiers(struct lua_State *L, int idx, int opts, int names, const char *fn);

#endif /* TG_LUAVAL_H */
