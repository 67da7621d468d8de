/*
** tg_luawin.h -- window functions in scripts: e:lag(k, {by=, order=}),
** e:lead, e:cumsum, e:rolling_mean, tegn.row_number{...}, tegn.rank and
** tegn.dense_rank make a tegn.Window, which t:derive{} computes with the
** tg_window kernel (one value per row, aligned with the input rows).
** Also the reshaping verbs t:pivot{}, t:unpivot{} and t:complete{}.
** Part of the `tegn` module (tg_lualib.h).
*/
#ifndef TG_LUAWIN_H
#define TG_LUAWIN_H

#include "tg_table.h"

struct lua_State;

/* Registers the Window metatable, adds the window methods to the Expr
** method table (tg_luaexpr_open must have run) and sets row_number, rank
** and dense_rank in the module table at the top of the stack. May raise. */
void tg_luawin_open(struct lua_State *L);

/* Adds pivot, unpivot and complete to the Table method table at the top
** of the stack. */
void tg_luawin_open_verbs(struct lua_State *L);

/* 1 if the value at idx is a Window. */
int tg_luawin_test(struct lua_State *L, int idx);

/* Computes the Window at idx over 't' into a new column owned by a box
** pushed on the stack (returned borrowed); raises on failure. */
tg_col *tg_luawin_eval(struct lua_State *L, int idx, const tg_table *t);

/* A 1-row column holding the Lua value at idx (number, string, boolean,
** date), for kernels that take scalar arguments; NULL for nil and
** tegn.null. The column is owned by a box pushed on the stack (even for
** NULL). Raises for other values. */
tg_col *tg_luawin_scalar(struct lua_State *L, int idx, const char *what);

#endif /* TG_LUAWIN_H */
