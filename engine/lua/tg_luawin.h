/*
** tg_luawin.h -- window functions in scripts: e:lag(k, {by=, order=}),
** e:lead, e:cumsum, e:rolling_mean, tegn.row_number{...}, tegn.rank and
** tegn.dense_rank make a tegn.Window (tg_luaval.h), which t:derive{}
** computes with the tg_window kernel (one value per row, aligned with the
** input rows). Part of the `tegn` module (tg_lualib.h).
*/
#ifndef TG_LUAWIN_H
#define TG_LUAWIN_H

struct lua_State;

/* Registers the Window metatable, adds the window methods to the Expr
** method table (the Expr metatable must exist: tg_luaexpr_open_module) and
** sets row_number, rank and dense_rank in the module table at the top of
** the stack. May raise. */
void tg_luawin_open_module(struct lua_State *L);

#endif /* TG_LUAWIN_H */
