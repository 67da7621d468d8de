/*
** tg_luaemit.h -- tegn.emit{...}: turns the script's result (a Lua table
** of named values: numbers, strings, booleans, dates, tegn.null, Tables,
** lists and nested tables) into a deterministic JSON tree and hands it to
** the run (tg_luactx_set_doc), which writes it with a `meta` object after
** the run succeeds. Lua tables are written with their keys sorted, because
** Lua's own order changes from run to run. Part of the `tegn` module.
*/
#ifndef TG_LUAEMIT_H
#define TG_LUAEMIT_H

struct lua_State;

#define TG_LUAEMIT_INDENT 2 /* default indent of the written JSON */

/* Sets tegn.emit in the module table at the top of the stack. */
void tg_luaemit_open_module(struct lua_State *L);

#endif /* TG_LUAEMIT_H */
