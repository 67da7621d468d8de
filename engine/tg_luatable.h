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

/* Pushes the (filled) Table at idx as a C function's result and tells
** the garbage collector about its column memory, which Lua's own
** accounting cannot see. Returns 1, for `return tg_luatable_finish(...)`. */
int tg_luatable_finish(struct lua_State *L, int idx);

/* The table of the Table at idx (borrowed), or raises "tegn.Table
** expected" / "table was freed". */
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
