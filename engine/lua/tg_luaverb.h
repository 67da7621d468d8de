/*
** tg_luaverb.h -- the row verbs of tegn.Table: filter, derive, sort and
** the explicit slow path map_rows, and tegn.desc. Each verb reads its Lua
** arguments, calls one kernel over whole columns and returns a new Table;
** no Lua code runs per row except in map_rows. Part of the `tegn` module
** (tg_lualib.h); grouping and joins are in tg_luagroup.h.
*/
#ifndef TG_LUAVERB_H
#define TG_LUAVERB_H

struct lua_State;

/* Adds the verbs to the Table method table at the top of the stack. */
void tg_luaverb_open_methods(struct lua_State *L);

/* Sets the module functions that belong to the verbs (tegn.desc) in the
** module table at the top of the stack. */
void tg_luaverb_open_module(struct lua_State *L);

#endif /* TG_LUAVERB_H */
