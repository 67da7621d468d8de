/*
** tg_luaexpr.h -- tegn.Expr, the Lua face of column expressions
** (tg_expr.h): tegn.col"x", literals, arithmetic through metamethods,
** comparisons and everything else through methods (:gt, :isin, :year,
** :round ...) and tegn.all/any/when/coalesce. Lua only builds trees; C
** evaluates them over whole columns. Part of the `tegn` module.
*/
#ifndef TG_LUAEXPR_H
#define TG_LUAEXPR_H

struct lua_State;

/* Registers the Expr and When metatables and sets the expression
** functions (col, lit, when, all, any, coalesce) in the module table at
** the top of the stack. May raise. */
void tg_luaexpr_open_module(struct lua_State *L);

#endif /* TG_LUAEXPR_H */
