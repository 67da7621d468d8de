/*
** tg_luadate.h -- tegn.Date, the Lua value for one calendar date: made by
** tegn.date("2024-01-31") or tegn.date(2024, 1, 31), returned by typed
** params, accepted wherever a date literal is. Dates compare with < <= ==,
** move with + and - (days) and :add_months, and print as "YYYY-MM-DD".
** Part of the `tegn` module (tg_lualib.h).
*/
#ifndef TG_LUADATE_H
#define TG_LUADATE_H

#include <stdint.h>

struct lua_State;

#define TG_LUADATE_MT "tegn.Date"

/* Registers the Date metatable and sets tegn.date in the module table at
** the top of the stack. May raise (memory). */
void tg_luadate_open(struct lua_State *L);

/* Pushes a new Date holding 'days' (days since 1970-01-01). */
void tg_luadate_push(struct lua_State *L, int32_t days);

/* 1 and *days set when the value at idx is a Date, else 0. */
int tg_luadate_test(struct lua_State *L, int idx, int32_t *days);

/* The day number of the Date at idx, or raises "tegn.Date expected". */
int32_t tg_luadate_check(struct lua_State *L, int idx);

/* The tg_date_unit named by the string at idx: "week" (or "isoweek"),
** "month", "quarter", "year"; raises otherwise. */
int tg_luadate_check_unit(struct lua_State *L, int idx);

#endif /* TG_LUADATE_H */
