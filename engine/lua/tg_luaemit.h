/*
** tg_luaemit.h -- tegn.emit{...}: turns the script's result (a Lua table
** of named values: numbers, strings, booleans, dates, tegn.null, Tables,
** lists and nested tables) into a deterministic JSON tree and hands it to
** the run (tg_lualib_set_doc), which writes it with a `meta` object after
** the run succeeds. Lua tables are written with their keys sorted, because
** Lua's own order changes from run to run. Part of the `tegn` module.
*/
#ifndef TG_LUAEMIT_H
#define TG_LUAEMIT_H

struct lua_State;

#define TG_LUAEMIT_MAX_DEPTH 100 /* nesting tegn.emit accepts (catches a table holding itself) */
#define TG_LUAEMIT_INDENT    2   /* default indent of the written JSON */

/* The value at idx as a JSON tree, as tegn.emit converts it (shortest
** floats); 'path' names it in messages. The caller owns the result. May
** raise (a value JSON cannot hold, memory). */
struct tg_json *tg_luaemit_value(struct lua_State *L, int idx, const char *path);

/* Sets tegn.emit in the module table at the top of the stack. */
void tg_luaemit_open(struct lua_State *L);

#endif /* TG_LUAEMIT_H */
