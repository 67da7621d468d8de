/*
** tg_luaforecast.h -- tegn.forecast: Holt-Winters capacity forecasts and
** rolling-origin backtests for every group of a Table in one call
** (tg_fctable.h does the work). Part of the `tegn` module; see
** docs/forecast.md for the options and the maths.
*/
#ifndef TG_LUAFORECAST_H
#define TG_LUAFORECAST_H

struct lua_State;

/* Sets tegn.forecast = { holt_winters = ..., backtest = ... } in the
** module table at the top of the stack; leaves the stack as it was. */
void tg_luaforecast_open_module(struct lua_State *L);

#endif /* TG_LUAFORECAST_H */
