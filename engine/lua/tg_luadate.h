/*
** tg_luadate.h -- tegn.Date, the Lua value for one calendar date: made by
** tegn.date("2024-01-31") or tegn.date(2024, 1, 31), returned by typed
** params, accepted wherever a date literal is. Dates compare with < <= ==,
** move with + and - (days) and :add_months, and print as "YYYY-MM-DD".
** Part of the `tegn` module (tg_lualib.h).
*/
#ifndef TG_LUADATE_H
#define TG_LUADATE_H

struct lua_State;

/* Registers the Date metatable and sets tegn.date in the module table at
** the top of the stack. May raise (memory). */
void tg_luadate_open_module(struct lua_State *L);

#endif /* TG_LUADATE_H */
