/*
** tg_luaexpr.h -- tegn.Expr, the Lua face of column expressions
** (tg_expr.h): tegn.col"x", literals, arithmetic through metamethods,
** comparisons and everything else through methods (:gt, :isin, :year,
** :round ...) and tegn.all/any/when/coalesce. Lua only builds trees; C
** evaluates them over whole columns. Part of the `tegn` module.
*/
#ifndef TG_LUAEXPR_H
#define TG_LUAEXPR_H

#include "tg_expr.h"
#include "tg_table.h"

struct lua_State;

#define TG_LUAEXPR_MT "tegn.Expr"

/* Registers the Expr and When metatables and sets the expression
** functions (col, lit, when, all, any, coalesce) in the module table at
** the top of the stack. May raise. */
void tg_luaexpr_open(struct lua_State *L);

/* Converts the Lua value at idx into an expression and pushes an Expr
** userdata owning it (the value itself when it already is an Expr). The
** returned node is borrowed from that userdata: valid while it stays on
** the stack. Numbers, booleans, dates (tegn.Date), tegn.null and tegn.when
** chains become expressions; a string is a literal, unless 'names' is set,
** when it names a column (aggregates, sort keys). Raises for anything else,
** naming 'what' (e.g. "derive 'x'"). */
tg_expr *tg_luaexpr_push(struct lua_State *L, int idx, int names, const char *what);

/* 1 if the value at idx is an Expr. */
int tg_luaexpr_test(struct lua_State *L, int idx);

/* Raises "no column 'x'; did you mean 'y'?" (at the script line) if 'e'
** refers to a column 't' does not have; the kernels would report it too,
** but with a weaker suggestion. */
void tg_luaexpr_check_columns(struct lua_State *L, const tg_expr *e, const tg_table *t);

/* The distinct column names 'e' refers to, in an array in a userdata
** pushed on the stack (the strings belong to the nodes of e). */
const char **tg_luaexpr_columns(struct lua_State *L, const tg_expr *e, size_t *n);

/* Evaluates 'e' over 't' into a new column, polling the run's limits;
** raises on failure (script error for type errors, data error for bad
** values). The column is owned by a box pushed on the stack; returns it
** borrowed. */
tg_col *tg_luaexpr_eval(struct lua_State *L, const tg_expr *e, const tg_table *t);

#endif /* TG_LUAEXPR_H */
