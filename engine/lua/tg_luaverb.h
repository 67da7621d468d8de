/*
** tg_luaverb.h -- the row verbs of tegn.Table: filter, derive, sort and
** the explicit slow path map_rows, plus the argument readers the other
** verb files share (name lists, sort keys, name/value pairs). Each verb
** reads its Lua arguments, calls one kernel over whole columns and returns
** a new Table; no Lua code runs per row except in map_rows. Part of the
** `tegn` module (tg_lualib.h); grouping and joins are in tg_luagroup.h,
** windows and reshaping in tg_luawin.h.
*/
#ifndef TG_LUAVERB_H
#define TG_LUAVERB_H

#include <stddef.h>

#include "tg_table.h"

struct lua_State;

/* Adds the verbs to the Table method table at the top of the stack (the
** GroupBy metatable is tg_luagroup_open's). May raise (memory). */
void tg_luaverb_open(struct lua_State *L);

/* Sets the module functions that belong to the verbs (tegn.desc) in the
** module table at the top of the stack. */
void tg_luaverb_open_module(struct lua_State *L);

/* A list of column names from the value at idx (a name or a list of
** names), as an array in a userdata pushed on the stack; the strings stay
** alive as long as the value does. Raises for anything else. */
const char **tg_luaverb_names(struct lua_State *L, int idx, const char *what, size_t *n);

/* Sort keys from the value at idx: a name, or a list whose items are names
** or {name, desc = true} (tegn.desc"x"). Pushes two arrays (names, and the
** desc flags in *desc); raises for an item 't' has no column for. The
** count is the list's length (1 for a name). */
const char **tg_luaverb_sort_keys(struct lua_State *L, int idx, const tg_table *t, const char *what,
                                  int **desc);

/* Reads name/value pairs from the table at idx -- list items {name, value}
** first, then name = value keys sorted by name -- and pushes, for each,
** the name (a string) and the value, in that order. Returns the count. */
size_t tg_luaverb_push_pairs(struct lua_State *L, int idx, const char *what);

#endif /* TG_LUAVERB_H */
