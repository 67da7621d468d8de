/*
** tg_luawin.c -- window functions and reshaping verbs (see tg_luawin.h).
** A Window userdata holds the function and its numbers; its user values
** hold the input expression, the by list, the order list and the default,
** exactly as the script gave them, so they are checked against the table
** when derive computes the window, with errors naming the script line.
*/
#include "tg_luawin.h"

#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_exec.h"
#include "tg_expr.h"
#include "tg_lua.h"
#include "tg_luaexpr.h"
#include "tg_lualib.h"
#include "tg_luatable.h"
#include "tg_luaverb.h"
#include "tg_reshape.h"
#include "tg_window.h"

#define WINDOW_MT "tegn.Window"
#define WIN_COL   "\x01window" /* the temporary column of a window over an expression */

enum { UV_EXPR = 1, UV_BY, UV_ORDER, UV_DEFAULT, N_UV = UV_DEFAULT };

typedef struct win {
    tg_window_fn fn;
    long k;
    long min_periods;
} win;

/* ---- scalars ---- */

static void release_col(void *p) {
    tg_col_release(p);
}

static void release_table(void *p) {
    tg_table_release(p);
}

tg_col *tg_luawin_scalar(lua_State *L, int idx, const char *what) {
    void **box;
    int top;
    tg_table *one;
    tg_expr *e;
    tg_col *c = NULL;
    tg_error err;
    tg_status st;

    idx = lua_absindex(L, idx);
    box = tg_lualib_box(L, release_col);
    top = lua_gettop(L);
    if (lua_isnoneornil(L, idx) || tg_lualib_is_null(L, idx)) return NULL;
    if (tg_luaexpr_test(L, idx)) tg_lualib_error(L, "%s must be a value, not an expression", what);
    e = tg_luaexpr_push(L, idx, 0, what);
    /* A literal evaluated over a table of one row and no columns. */
    void **tbox = tg_lualib_box(L, release_table);
    if (!(one = tg_table_new())) tg_lua_raise(L, TG_ENOMEM, NULL);
    *tbox = one;
    one->n_rows = 1;
    tg_err_clear(&err);
    st = tg_exec_eval(e, one, NULL, &c, &err);
    if (st != TG_OK) tg_lualib_fail(L, st, &err, what);
    *box = c;
    lua_settop(L, top);
    return c;
}

/* ---- building windows ---- */

/* Pushes a Window for fn over the expression at expr (0: none) with the
** options table at opts (0 or nil: none). */
static win *push_window(lua_State *L, tg_window_fn fn, int expr, long k, int opts) {
    static const char *const known[] = { "by", "order", "default", "min_periods", NULL };
    const char *name = tg_window_name(fn);
    win *w;

    if (opts) opts = lua_absindex(L, opts);
    if (expr) expr = lua_absindex(L, expr);
    if (opts) tg_lualib_check_opts(L, opts, known, name);
    w = lua_newuserdatauv(L, sizeof *w, N_UV);
    w->fn = fn;
    w->k = k;
    w->min_periods = 0;
    luaL_setmetatable(L, WINDOW_MT);
    if (expr) {
        tg_luaexpr_push(L, expr, 1, name);
        lua_setiuservalue(L, -2, UV_EXPR);
    }
    if (opts && lua_istable(L, opts)) {
        static const int uv[] = { UV_BY, UV_ORDER, UV_DEFAULT };
        static const char *const keys[] = { "by", "order", "default" };
        for (int i = 0; i < 3; i++) {
            lua_getfield(L, opts, keys[i]);
            lua_setiuservalue(L, -2, uv[i]);
        }
        lua_getfield(L, opts, "min_periods");
        if (!lua_isnil(L, -1)) {
            lua_Integer m = luaL_checkinteger(L, -1);
            if (m < 1 || m > k)
                tg_lualib_error(L, "%s: min_periods must be between 1 and the window size %d", name,
                                (int)k);
            w->min_periods = (long)m;
        }
        lua_pop(L, 1);
    }
    return w;
}

/* Splits (self, [k], [opts]) into k (default dflt) and the opts index. */
static long k_and_opts(lua_State *L, long dflt, long min, int *opts) {
    lua_Integer k = dflt;
    *opts = 0;
    if (lua_istable(L, 2)) {
        *opts = 2;
    } else {
        k = luaL_optinteger(L, 2, dflt);
        if (!lua_isnoneornil(L, 3)) {
            luaL_checktype(L, 3, LUA_TTABLE);
            *opts = 3;
        }
    }
    luaL_argcheck(L, k >= min && k <= 1000000000, 2, "window size out of range");
    return (long)k;
}

/* e:lag([k = 1] [, {by =, order =, default =}]): the value k rows before,
** within the by group in the given order. */
static int l_expr_lag(lua_State *L) {
    int opts;
    long k = k_and_opts(L, 1, 0, &opts);
    push_window(L, TG_WIN_LAG, 1, k, opts);
    return 1;
}

static int l_expr_lead(lua_State *L) {
    int opts;
    long k = k_and_opts(L, 1, 0, &opts);
    push_window(L, TG_WIN_LEAD, 1, k, opts);
    return 1;
}

/* e:cumsum([{by =, order =}]): the running sum (NULLs skipped) */
static int l_expr_cumsum(lua_State *L) {
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
    push_window(L, TG_WIN_CUMSUM, 1, 0, lua_isnoneornil(L, 2) ? 0 : 2);
    return 1;
}

/* e:rolling_mean(k [, {by =, order =, min_periods =}]): the mean of this
** row's and the k - 1 earlier rows' values */
static int l_expr_rolling_mean(lua_State *L) {
    int opts;
    luaL_checkinteger(L, 2);
    long k = k_and_opts(L, 1, 1, &opts);
    push_window(L, TG_WIN_ROLLING_MEAN, 1, k, opts);
    return 1;
}

static int rank_like(lua_State *L, tg_window_fn fn) {
    if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TTABLE);
    push_window(L, fn, 0, 0, lua_isnoneornil(L, 1) ? 0 : 1);
    return 1;
}

/* tegn.row_number{by =, order =}, tegn.rank{...}, tegn.dense_rank{...} */
static int l_tegn_row_number(lua_State *L) {
    return rank_like(L, TG_WIN_ROW_NUMBER);
}
static int l_tegn_rank(lua_State *L) {
    return rank_like(L, TG_WIN_RANK);
}
static int l_tegn_dense_rank(lua_State *L) {
    return rank_like(L, TG_WIN_DENSE_RANK);
}

static int l_window_tostring(lua_State *L) {
    win *w = luaL_checkudata(L, 1, WINDOW_MT);
    lua_pushfstring(L, "tegn.Window(%s)", tg_window_name(w->fn));
    return 1;
}

int tg_luawin_test(lua_State *L, int idx) {
    return luaL_testudata(L, idx, WINDOW_MT) != NULL;
}

/* ---- computing windows ---- */

tg_col *tg_luawin_eval(lua_State *L, int idx, const tg_table *t) {
    win *w = luaL_checkudata(L, idx, WINDOW_MT);
    const char *name = tg_window_name(w->fn);
    tg_window_spec spec;
    const tg_table *src = t;
    tg_interrupt intr;
    void **box;
    int top;
    tg_col *out = NULL;
    tg_error err;
    tg_status st;

    idx = lua_absindex(L, idx);
    box = tg_lualib_box(L, release_col);
    top = lua_gettop(L);
    memset(&spec, 0, sizeof spec);
    spec.fn = w->fn;
    spec.k = w->k;
    spec.min_periods = w->min_periods;
    if (lua_getiuservalue(L, idx, UV_EXPR) != LUA_TNIL) {
        tg_expr *e = *(tg_expr **)lua_touserdata(L, -1);
        if (e->op == TG_OP_COL) {
            if (tg_table_find(t, e->u.name) < 0) tg_lualib_no_column(L, t, e->u.name);
            spec.col = e->u.name; /* the Window keeps the expression alive */
        } else {
            /* Over an expression: its values as a temporary column. */
            tg_col *c = tg_luaexpr_eval(L, e, t);
            void **tbox = tg_lualib_box(L, release_table);
            tg_table *tmp = tg_table_new();
            if (!tmp) tg_lua_raise(L, TG_ENOMEM, NULL);
            *tbox = tmp;
            for (size_t k = 0; k < t->n_cols; k++)
                if ((st = tg_table_add(tmp, t->names[k], t->cols[k])) != TG_OK)
                    tg_lua_raise(L, st, NULL);
            if ((st = tg_table_add(tmp, WIN_COL, c)) != TG_OK) tg_lua_raise(L, st, NULL);
            tmp->n_rows = t->n_rows;
            src = tmp;
            spec.col = WIN_COL;
        }
    }
    if (lua_getiuservalue(L, idx, UV_BY) != LUA_TNIL) {
        spec.by = tg_luaverb_names(L, -1, name, &spec.n_by);
        for (size_t i = 0; i < spec.n_by; i++)
            if (tg_table_find(t, spec.by[i]) < 0) tg_lualib_no_column(L, t, spec.by[i]);
    }
    if (lua_getiuservalue(L, idx, UV_ORDER) != LUA_TNIL) {
        int *desc;
        int list = lua_gettop(L);
        spec.order = tg_luaverb_sort_keys(L, list, t, name, &desc);
        spec.order_desc = desc;
        spec.n_order = lua_type(L, list) == LUA_TSTRING ? 1 : (size_t)luaL_len(L, list);
    }
    lua_getiuservalue(L, idx, UV_DEFAULT);
    spec.dflt = tg_luawin_scalar(L, -1, "default");
    tg_lualib_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_window(src, &spec, &intr, &out, &err);
    if (st != TG_OK) tg_lualib_fail(L, st, &err, name);
    *box = out;
    lua_settop(L, top);
    return out;
}

/* The column names in option 'key' of the options table at 'idx' (NULL
** and 0 when absent); each must name a column of t, or this raises. */
static const char **column_opt(lua_State *L, int idx, const char *key, const char *verb,
                               const tg_table *t, size_t *n) {
    const char **names = NULL;
    *n = 0;
    if (lua_getfield(L, idx, key) != LUA_TNIL) names = tg_luaverb_names(L, -1, verb, n);
    for (size_t i = 0; i < *n; i++)
        if (tg_table_find(t, names[i]) < 0) tg_lualib_no_column(L, t, names[i]);
    return names;
}

/* ---- reshaping ---- */

/* t:pivot{rows = keys, cols = "c", values = "v", agg = "sum", fill = 0}:
** long to wide; one column per distinct value of c, in sorted order. */
static int l_table_pivot(lua_State *L) {
    static const char *const known[] = { "rows", "cols", "values", "agg", "fill", NULL };
    const tg_table *t = tg_luatable_check(L, 1);
    tg_pivot_spec p;
    tg_table **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int res;

    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    tg_lualib_check_opts(L, 2, known, "pivot");
    memset(&p, 0, sizeof p);
    p.rows = column_opt(L, 2, "rows", "pivot", t, &p.n_rows);
    lua_getfield(L, 2, "cols");
    p.cols = lua_tostring(L, -1);
    lua_getfield(L, 2, "values");
    p.values = lua_tostring(L, -1);
    if (!p.cols || !p.values || lua_type(L, -1) != LUA_TSTRING || lua_type(L, -2) != LUA_TSTRING)
        return tg_lualib_error(L, "pivot: 'cols' and 'values' must name columns");
    if (tg_table_find(t, p.cols) < 0) return tg_lualib_no_column(L, t, p.cols);
    if (tg_table_find(t, p.values) < 0) return tg_lualib_no_column(L, t, p.values);
    if (lua_getfield(L, 2, "agg") != LUA_TNIL) {
        const char *agg = luaL_checkstring(L, -1);
        if (tg_pivot_agg_parse(agg, &p.agg) != 0)
            return tg_lualib_error(L,
                                   "pivot: unknown agg '%s' (try \"sum\", \"mean\", "
                                   "\"count\", \"min\", \"max\", \"first\", \"last\")",
                                   agg);
    }
    lua_getfield(L, 2, "fill");
    p.fill = tg_luawin_scalar(L, -1, "pivot fill");
    slot = tg_luatable_new(L);
    res = lua_gettop(L);
    tg_lualib_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_pivot(t, &p, &intr, slot, &err);
    if (st != TG_OK) return tg_lualib_fail(L, st, &err, "pivot");
    return tg_luatable_finish(L, res);
}

/* t:unpivot{keep = {...}, melt = {...}, into = {"navn", "vaerdi"},
** drop_null = false}: wide to long, one row per melted column per row. */
static int l_table_unpivot(lua_State *L) {
    static const char *const known[] = { "keep", "melt", "into", "drop_null", NULL };
    const tg_table *t = tg_luatable_check(L, 1);
    tg_unpivot_spec u;
    tg_table **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int res;

    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    tg_lualib_check_opts(L, 2, known, "unpivot");
    memset(&u, 0, sizeof u);
    u.keep = column_opt(L, 2, "keep", "unpivot", t, &u.n_keep);
    u.melt = column_opt(L, 2, "melt", "unpivot", t, &u.n_melt);
    if (!u.keep && !u.melt) return tg_lualib_error(L, "unpivot: give 'keep' or 'melt' (or both)");
    if (lua_getfield(L, 2, "into") != LUA_TNIL) {
        size_t n;
        const char **into = tg_luaverb_names(L, -1, "unpivot", &n);
        if (n != 2) return tg_lualib_error(L, "unpivot: 'into' is {name_column, value_column}");
        u.name_col = into[0];
        u.value_col = into[1];
    }
    lua_getfield(L, 2, "drop_null");
    u.drop_null = lua_toboolean(L, -1);
    slot = tg_luatable_new(L);
    res = lua_gettop(L);
    tg_lualib_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_unpivot(t, &u, &intr, slot, &err);
    if (st != TG_OK) return tg_lualib_fail(L, st, &err, "unpivot");
    return tg_luatable_finish(L, res);
}

/* t:complete{by = keys, period = "maaned", unit = "month", fill = {n = 0}}:
** adds the missing periods of every group (one range for all groups). */
static int l_table_complete(lua_State *L) {
    static const char *const known[] = { "by", "period", "unit", "fill", NULL };
    static const char *const units[] = { "day", "week", "month", "quarter", "year", NULL };
    const tg_table *t = tg_luatable_check(L, 1);
    const char **keys = NULL, *period, *unit = "month";
    size_t n_keys = 0;
    tg_table *fill = NULL, **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int res;

    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    tg_lualib_check_opts(L, 2, known, "complete");
    keys = column_opt(L, 2, "by", "complete", t, &n_keys);
    lua_getfield(L, 2, "period");
    period = lua_tostring(L, -1);
    if (!period || lua_type(L, -1) != LUA_TSTRING)
        return tg_lualib_error(L, "complete: 'period' must name a date column");
    if (tg_table_find(t, period) < 0) return tg_lualib_no_column(L, t, period);
    if (lua_getfield(L, 2, "unit") != LUA_TNIL) unit = units[luaL_checkoption(L, -1, NULL, units)];
    if (lua_getfield(L, 2, "fill") != LUA_TNIL) {
        int spec = lua_gettop(L);
        size_t n;
        const char **names;
        luaL_checktype(L, spec, LUA_TTABLE);
        names = tg_luatable_sorted_keys(L, spec, &n, "complete fill");
        if (luaL_len(L, spec) > 0)
            return tg_lualib_error(L, "complete: 'fill' is {column = value}");
        void **box = tg_lualib_box(L, release_table);
        if (!(fill = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
        *box = fill;
        for (size_t i = 0; i < n; i++) {
            lua_getfield(L, spec, names[i]);
            tg_col *c = tg_luawin_scalar(L, -1, "complete fill");
            if (!c) return tg_lualib_error(L, "complete: fill value for '%s' is null", names[i]);
            if ((st = tg_table_add(fill, names[i], c)) != TG_OK) return tg_lua_raise(L, st, NULL);
            lua_pop(L, 2);
        }
        fill->n_rows = 1;
    }
    slot = tg_luatable_new(L);
    res = lua_gettop(L);
    tg_lualib_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_complete(t, keys, n_keys, period, unit, fill, &intr, slot, &err);
    if (st != TG_OK) return tg_lualib_fail(L, st, &err, "complete");
    return tg_luatable_finish(L, res);
}

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
    { "__tostring", l_window_tostring },
    { NULL, NULL },
};

static const luaL_Reg verbs[] = {
    { "pivot", l_table_pivot },
    { "unpivot", l_table_unpivot },
    { "complete", l_table_complete },
    { NULL, NULL },
};

void tg_luawin_open(lua_State *L) {
    tg_lualib_new_metatable(L, WINDOW_MT, window_meta, NULL);
    lua_pop(L, 1);
    luaL_getmetatable(L, TG_LUAEXPR_MT);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, window_methods, 0);
    lua_pop(L, 2);
    luaL_setfuncs(L, module_funcs, 0);
}

void tg_luawin_open_verbs(lua_State *L) {
    luaL_setfuncs(L, verbs, 0);
}
