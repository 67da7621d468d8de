/*
** tg_luawin.c -- the functions that make windows (see tg_luawin.h): the
** Expr methods lag, lead, cumsum, rolling_mean and tegn.row_number, rank,
** dense_rank. The Window value itself (tg_luaval.c) holds the function and
** its numbers, and as user values the input expression, the by list, the
** order list and the default exactly as the script gave them, so they are
** checked against the table when derive computes the window, with errors
** naming the script line.
*/
#include "tg_luawin.h"

#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_window.h"


/* ---- building windows ---- */

/* Splits (self, [k], [opts]) into k (default dflt) and the opts index. */
static long k_and_opts(lua_State *L, const char *fname, long dflt, long min, int *opts) {
    lua_Integer k = dflt;
    *opts = 0;
    if (lua_istable(L, 2)) {
        *opts = 2;
    } else {
        if (!lua_isnoneornil(L, 2)) k = tg_luaaux_check_integer(L, 2, fname, "k", min, 1000000000);
        if (!lua_isnoneornil(L, 3)) {
            if (!lua_istable(L, 3)) tg_luaaux_bad(L, fname, "options", "a table", 3);
            *opts = 3;
        }
    }
    if (k < min || k > 1000000000) tg_luaaux_check_integer(L, 2, fname, "k", min, 1000000000);
    return (long)k;
}

/* e:lag([k = 1] [, {by =, order =, default =}]): the value k rows before,
** within the by group in the given order. */
static int l_expr_lag(lua_State *L) {
    int opts;
    long k = k_and_opts(L, "lag", 1, 0, &opts);
    tg_luaval_window_push(L, TG_WIN_LAG, 1, k, opts);
    return 1;
}

static int l_expr_lead(lua_State *L) {
    int opts;
    long k = k_and_opts(L, "lead", 1, 0, &opts);
    tg_luaval_window_push(L, TG_WIN_LEAD, 1, k, opts);
    return 1;
}

/* e:cumsum([{by =, order =}]): the running sum (NULLs skipped) */
static int l_expr_cumsum(lua_State *L) {
    if (!lua_isnoneornil(L, 2)) tg_luaaux_check_table(L, 2, "cumsum", "opts");
    tg_luaval_window_push(L, TG_WIN_CUMSUM, 1, 0, lua_isnoneornil(L, 2) ? 0 : 2);
    return 1;
}

/* e:rolling_mean(k [, {by =, order =, min_periods =}]): the mean of this
** row's and the k - 1 earlier rows' values */
static int l_expr_rolling_mean(lua_State *L) {
    int opts;
    tg_luaaux_check_integer(L, 2, "rolling_mean", "k", 1, 1000000000);
    long k = k_and_opts(L, "rolling_mean", 1, 1, &opts);
    tg_luaval_window_push(L, TG_WIN_ROLLING_MEAN, 1, k, opts);
    return 1;
}

static int rank_like(lua_State *L, tg_window_fn fn, const char *name) {
    if (!lua_isnoneornil(L, 1)) tg_luaaux_check_table(L, 1, name, "opts");
    tg_luaval_window_push(L, fn, 0, 0, lua_isnoneornil(L, 1) ? 0 : 1);
    return 1;
}

/* tegn.row_number{by =, order =}, tegn.rank{...}, tegn.dense_rank{...} */
static int l_tegn_row_number(lua_State *L) {
    return rank_like(L, TG_WIN_ROW_NUMBER, "row_number");
}
static int l_tegn_rank(lua_State *L) {
    return rank_like(L, TG_WIN_RANK, "rank");
}
static int l_tegn_dense_rank(lua_State *L) {
    return rank_like(L, TG_WIN_DENSE_RANK, "dense_rank");
}

/* ---- computing windows ---- */

/* ---- registration ---- */

static const luaL_Reg window_methods[] = {
    { "lag", l_expr_lag },
    { "lead", l_expr_lead },
    { "cumsum", l_expr_cumsum },
    { "rolling_mean", l_expr_rolling_mean },
    { NULL, NULL },
};

static const luaL_Reg module_funcs[] = {
    { "row_number", l_tegn_row_number },
    { "rank", l_tegn_rank },
    { "dense_rank", l_tegn_dense_rank },
    { NULL, NULL },
};

static const luaL_Reg window_meta[] = {
    { "__tostring", tg_luaval_window_tostring },
    { NULL, NULL },
};

void tg_luawin_open_module(lua_State *L) {
    tg_luaaux_new_metatable(L, TG_LUAVAL_WINDOW_MT, window_meta, NULL);
    lua_pop(L, 1);
    luaL_getmetatable(L, TG_LUAVAL_EXPR_MT);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, window_methods, 0);
    lua_pop(L, 2);
    luaL_setfuncs(L, module_funcs, 0);
}
