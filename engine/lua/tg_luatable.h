/*
** tg_luatable.h -- the tegn.Table userdata: a script's handle on a
** columnar table, and the verbs (filter, derive, select, group_by, joins,
** sorts, reshapes) that run the C kernels on it. A Table holds one
** reference to an immutable tg_table; every verb returns a new Table, so
** tables are shared freely between Lua values. Part of the `tegn` module
** (tg_lualib.h); no Lua code runs per row except in t:map_rows.
*/
#ifndef TG_LUATABLE_H
#define TG_LUATABLE_H

#include "tg_table.h"

struct lua_State;

#define TG_LUATABLE_MT "tegn.Table"

/* Registers the Table metatable (and the helper types the verbs return)
** in L's registry. Called once by tg_lualib_open. May raise (memory). */
void tg_luatable_open(struct lua_State *L);

/* Pushes a new, empty Table userdata and returns its slot: box first, then
** fill (*slot = table, which the userdata then owns one reference to). */
tg_table **tg_luatable_new(struct lua_State *L);

/* Pushes a Table holding rows idx[0..n) of 'src' (retained), gathered
** lazily: *idx_box is a tg_malloc'ed index array held in a box
** (tg_lualib_box); the Table takes it over and sets *idx_box to NULL, so
** nothing leaks whether or not this raises. */
void tg_luatable_push_rows(struct lua_State *L, const tg_table *src, void **idx_box, size_t n);

/* The column names and types of the Table at idx without gathering a
** pending selection (the source table's, whose n_rows may differ), and
** its row count in *n_rows (may be NULL). Raises for a freed table. */
const tg_table *tg_luatable_shape(struct lua_State *L, int idx, size_t *n_rows);

/* 1 if the Table at idx is a pending selection, with its source table and
** row indices (borrowed from the Table); 0 if it is a table. */
int tg_luatable_rows_of(struct lua_State *L, int idx, const tg_table **src, const size_t **rows,
                        size_t *n);

/* A table with the rows of the Table at idx and at least the named columns
** (names it lacks are skipped: check them first): the Table's own table,
** or for a selection a new one gathering only those columns. Pushes one
** value (nil, or the box owning the new table); the result is valid while
** that value and the Table stay on the stack. */
const tg_table *tg_luatable_project(struct lua_State *L, int idx, const char *const *names,
                                    size_t n);

/* Pushes the (filled) Table at idx as a C function's result and tells
** the garbage collector about its column memory, which Lua's own
** accounting cannot see. Returns 1, for `return tg_luatable_finish(...)`. */
int tg_luatable_finish(struct lua_State *L, int idx);

/* The table of the Table at idx (borrowed), gathering a pending selection
** first; raises "tegn.Table expected" / "table was freed". */
tg_table *tg_luatable_check(struct lua_State *L, int idx);
/* The table of the Table at idx, or NULL when idx holds something else. */
tg_table *tg_luatable_test(struct lua_State *L, int idx);

/* Pushes row i of t as a Lua table keyed by column name: ints as
** integers, floats as numbers, bools as booleans, dates as "YYYY-MM-DD"
** strings, strings as strings; NULL values are absent (nil). */
void tg_luatable_push_row(struct lua_State *L, const tg_table *t, size_t i);

/* The string keys of the Lua table at idx sorted by their bytes, in an
** array that lives in a userdata pushed on the stack (the strings are kept
** alive by the table, which must stay unchanged). Keys 1..#t are skipped,
** for the caller to read as a list; other keys raise, naming 'fname'. */
const char **tg_luatable_sorted_keys(struct lua_State *L, int idx, size_t *n, const char *fname);

#endif /* TG_LUATABLE_H */
