/*
** tg_luareshape.c -- the reshaping verbs of tegn.Table (see
** tg_luareshape.h): t:pivot{} (long to wide), t:unpivot{} (wide to long)
** and t:complete{} (every combination of the key columns), each one call
** of the tg_reshape kernel.
*/
#include "tg_luareshape.h"

#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_reshape.h"

static void release_table(void *p) {
    tg_table_release(p);
}

/* The column names in option 'key' of the options table at 'idx' (NULL
** and 0 when absent); each must name a column of t, or this raises. */
static const char **column_opt(lua_State *L, int idx, const char *key, const char *verb,
                               const tg_table *t, size_t *n) {
    const char **names = NULL;
    *n = 0;
    if (lua_getfield(L, idx, key) != LUA_TNIL) names = tg_luaaux_names(L, -1, verb, key, n);
    for (size_t i = 0; i < *n; i++)
        if (tg_table_find(t, names[i]) < 0) tg_luaaux_no_column(L, t, names[i]);
    return names;
}

/* ---- reshaping ---- */

/* t:pivot{rows = keys, cols = "c", values = "v", agg = "sum", fill = 0}:
** long to wide; one column per distinct value of c, in sorted order. */
static int l_table_pivot(lua_State *L) {
    static const char *const known[] = { "rows", "cols", "values", "agg", "fill", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    tg_pivot_spec p;
    tg_table **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int res;

    tg_luaaux_check_table(L, 2, "pivot", "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, "pivot");
    memset(&p, 0, sizeof p);
    p.rows = column_opt(L, 2, "rows", "pivot", t, &p.n_rows);
    lua_getfield(L, 2, "cols");
    lua_getfield(L, 2, "values");
    if (lua_type(L, -2) != LUA_TSTRING)
        return tg_luaaux_bad(L, "pivot", "cols", "a column name", -2);
    if (lua_type(L, -1) != LUA_TSTRING)
        return tg_luaaux_bad(L, "pivot", "values", "a column name", -1);
    p.cols = lua_tostring(L, -2);
    p.values = lua_tostring(L, -1);
    if (tg_table_find(t, p.cols) < 0) return tg_luaaux_no_column(L, t, p.cols);
    if (tg_table_find(t, p.values) < 0) return tg_luaaux_no_column(L, t, p.values);
    if (lua_getfield(L, 2, "agg") != LUA_TNIL) {
        const char *agg = tg_luaaux_check_string(L, -1, "pivot", "agg");
        if (tg_pivot_agg_parse(agg, &p.agg) != 0)
            return tg_luaaux_error(L,
                                   "pivot: unknown agg '%s' (try \"sum\", \"mean\", "
                                   "\"count\", \"min\", \"max\", \"first\", \"last\")",
                                   agg);
    }
    lua_getfield(L, 2, "fill");
    p.fill = tg_luaval_scalar(L, -1, "pivot", "fill");
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_pivot(t, &p, &intr, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "pivot");
    return tg_luaval_table_finish(L, res);
}

/* t:unpivot{keep = {...}, melt = {...}, into = {"navn", "vaerdi"},
** drop_null = false}: wide to long, one row per melted column per row. */
static int l_table_unpivot(lua_State *L) {
    static const char *const known[] = { "keep", "melt", "into", "drop_null", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    tg_unpivot_spec u;
    tg_table **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int res;

    tg_luaaux_check_table(L, 2, "unpivot", "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, "unpivot");
    memset(&u, 0, sizeof u);
    u.keep = column_opt(L, 2, "keep", "unpivot", t, &u.n_keep);
    u.melt = column_opt(L, 2, "melt", "unpivot", t, &u.n_melt);
    if (!u.keep && !u.melt) return tg_luaaux_error(L, "unpivot: give 'keep' or 'melt' (or both)");
    if (lua_getfield(L, 2, "into") != LUA_TNIL) {
        size_t n;
        const char **into = tg_luaaux_names(L, -1, "unpivot", "into", &n);
        if (n != 2) return tg_luaaux_bad(L, "unpivot", "into", "{name_column, value_column}", -2);
        u.name_col = into[0];
        u.value_col = into[1];
    }
    lua_getfield(L, 2, "drop_null");
    u.drop_null = lua_toboolean(L, -1);
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_unpivot(t, &u, &intr, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "unpivot");
    return tg_luaval_table_finish(L, res);
}

/* t:complete{by = keys, period = "maaned", unit = "month", fill = {n = 0}}:
** adds the missing periods of every group (one range for all groups). */
static int l_table_complete(lua_State *L) {
    static const char *const known[] = { "by", "period", "unit", "fill", NULL };
    static const char *const units[] = { "day", "week", "month", "quarter", "year", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const char **keys = NULL, *period, *unit = "month";
    size_t n_keys = 0;
    tg_table *fill = NULL, **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int res;

    tg_luaaux_check_table(L, 2, "complete", "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, "complete");
    keys = column_opt(L, 2, "by", "complete", t, &n_keys);
    if (lua_getfield(L, 2, "period") != LUA_TSTRING)
        return tg_luaaux_bad(L, "complete", "period", "the name of a date column", -1);
    period = lua_tostring(L, -1);
    if (tg_table_find(t, period) < 0) return tg_luaaux_no_column(L, t, period);
    if (lua_getfield(L, 2, "unit") != LUA_TNIL)
        unit = units[tg_luaaux_check_choice(L, -1, "complete", "unit", units)];
    if (lua_getfield(L, 2, "fill") != LUA_TNIL) {
        int spec = lua_gettop(L);
        size_t n;
        const char **names;
        tg_luaaux_check_table(L, spec, "complete", "fill");
        names = tg_luaaux_sorted_keys(L, spec, &n, "complete", "fill");
        if ((lua_Integer)lua_rawlen(L, spec) > 0)
            return tg_luaaux_bad(L, "complete", "fill", "{column = value}, not a list", spec);
        void **box = tg_luaaux_box(L, release_table);
        if (!(fill = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
        *box = fill;
        for (size_t i = 0; i < n; i++) {
            lua_getfield(L, spec, names[i]);
            lua_pushfstring(L, "fill.%s", names[i]);
            tg_col *c = tg_luaval_scalar(L, -2, "complete", lua_tostring(L, -1));
            if (!c) return tg_luaaux_error(L, "complete: fill value for '%s' is null", names[i]);
            if ((st = tg_table_add(fill, names[i], c)) != TG_OK) return tg_lua_raise(L, st, NULL);
            lua_pop(L, 3);
        }
        fill->n_rows = 1;
    }
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_complete(t, keys, n_keys, period, unit, fill, &intr, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "complete");
    return tg_luaval_table_finish(L, res);
}

/* ---- registration ---- */

static const luaL_Reg verbs[] = {
    { "pivot", l_table_pivot },
    { "unpivot", l_table_unpivot },
    { "complete", l_table_complete },
    { NULL, NULL },
};

void tg_luareshape_open_methods(lua_State *L) {
    luaL_setfuncs(L, verbs, 0);
}
