/*
** tg_luagroup.c -- grouping and joining verbs of tegn.Table (see
** tg_luagroup.h) and the aggregate specs tegn.count(), tegn.sum(...) etc.
** An aggregate is a small userdata whose user value is its argument
** expression; :agg{} evaluates each argument to a column, then runs one
** tg_group_agg over all of them.
*/
#include "tg_luagroup.h"

#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_agg.h"
#include "tg_err.h"
#include "tg_expr.h"
#include "tg_group.h"
#include "tg_join.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_plan.h"
#include "tg_sort.h"

#define GROUPBY_MT "tegn.GroupBy"
#define AGG_MT     "tegn.Agg"

/* ---- argument helpers ---- */

typedef struct names {
    const char **v;
    size_t n;
} names;

/* A name or a list of names at idx (tg_luaaux_names); pushes the array. */
static names check_names(lua_State *L, int idx, const char *what, const char *key) {
    names ns;
    ns.v = tg_luaaux_names(L, idx, what, key, &ns.n);
    return ns;
}

/* Raises for the first name in 'ns' that 't' lacks. */
static void check_columns(lua_State *L, const tg_table *t, names ns) {
    for (size_t i = 0; i < ns.n; i++)
        if (tg_table_find(t, ns.v[i]) < 0) tg_luaaux_no_column(L, t, ns.v[i]);
}

/* ---- aggregates ---- */

typedef struct agg_spec {
    int fn;
    double p;
    int method;
} agg_spec;

/* Pushes an Agg; its user value is the argument expression (or nil). */
static agg_spec *new_agg(lua_State *L, int fn, int arg, int by_name, const char *what) {
    agg_spec *a = lua_newuserdatauv(L, sizeof *a, 1);
    a->fn = fn;
    a->p = 0;
    a->method = 0;
    luaL_setmetatable(L, AGG_MT);
    if (arg) {
        tg_luaval_expr_push(L, arg, by_name | TG_LUAVAL_NO_BOOL, what, "e");
        lua_setiuservalue(L, -2, 1);
    }
    return a;
}

/* tegn.sum(e) and the other one-argument aggregates: the function is
** the closure's upvalue, e an expression or a column name. */
static int l_tegn_agg1(lua_State *L) {
    tg_luaaux_check_any(L, 1, lua_tostring(L, lua_upvalueindex(2)), "e");
    new_agg(L, (int)lua_tointeger(L, lua_upvalueindex(1)), 1, 1,
            lua_tostring(L, lua_upvalueindex(2)));
    return 1;
}

/* tegn.count() counts rows; tegn.count(e) counts non-NULL values of e. */
static int l_tegn_count(lua_State *L) {
    new_agg(L, TG_AGG_COUNT, lua_isnoneornil(L, 1) ? 0 : 1, 1, "count");
    return 1;
}

static const struct {
    const char *name;
    int fn;
} aggs1[] = {
    { "count_if", TG_AGG_COUNT_IF }, { "sum", TG_AGG_SUM },   { "mean", TG_AGG_MEAN },
    { "min", TG_AGG_MIN },           { "max", TG_AGG_MAX },   { "median", TG_AGG_MEDIAN },
    { "std", TG_AGG_STD },           { "var", TG_AGG_VAR },   { "n_distinct", TG_AGG_N_DISTINCT },
    { "first", TG_AGG_FIRST },       { "last", TG_AGG_LAST },
};

/* tegn.quantile(e, p [, {method = "linear"}]) */
static int l_tegn_quantile(lua_State *L) {
    static const char *const known[] = { "method", NULL };
    double p = tg_luaaux_check_number(L, 2, "quantile", "p", 0, 1);
    int method = TG_QUANTILE_LINEAR;
    agg_spec *a;

    tg_luaaux_check_opts(L, 3, known, "quantile");
    if (lua_istable(L, 3)) {
        lua_getfield(L, 3, "method");
        if (!lua_isnil(L, -1)) {
            const char *name = tg_luaaux_check_string(L, -1, "quantile", "method");
            method = tg_agg_quantile_method(name);
            if (method < 0)
                return tg_luaaux_bad(L, "quantile", "method",
                                     "a method such as \"linear\", \"hazen\", \"weibull\", "
                                     "\"inverted_cdf\" or \"type1\" .. \"type9\"",
                                     -1);
        }
        lua_pop(L, 1);
    }
    a = new_agg(L, TG_AGG_QUANTILE, 1, 1, "quantile");
    a->p = p;
    a->method = method;
    return 1;
}

/* The aggregate spec at idx, the new column 'name', or raises: *fn a
** TG_AGG_* value, *arg its expression (NULL for a row count, borrowed
** from the spec), *p and *method for quantiles. */
static void check_agg(lua_State *L, int idx, const char *name, int *fn, const tg_expr **arg,
                      double *p, int *method) {
    agg_spec *a = luaL_testudata(L, idx, AGG_MT);
    if (!a)
        tg_luaaux_bad(L, "agg", name, "an aggregate such as tegn.sum(\"x\") or tegn.count()", idx);
    *fn = a->fn;
    *p = a->p;
    *method = a->method;
    *arg = NULL;
    if (lua_getiuservalue(L, idx, 1) != LUA_TNIL)
        *arg = *(tg_expr **)tg_luaaux_check_udata(L, -1, TG_LUAVAL_EXPR_MT);
    lua_pop(L, 1); /* the spec at idx keeps the expression alive */
}

static int l_agg_tostring(lua_State *L) {
    agg_spec *a = tg_luaaux_check_udata(L, 1, AGG_MT);
    lua_pushfstring(L, "tegn.Agg(%d)", a->fn);
    return 1;
}

/* ---- group_by and agg ---- */

/* The orders group output (agg, top) can take besides bytes (tg_collate). */
static const char *const collations[] = { "da", NULL };

/* t:group_by(keys [, {collate = "da"}]) with keys a name, a list of names,
** or a list plus name = expression entries, which are computed first (as
** derive) and then group after the listed names, sorted by name. Returns
** the grouped table, to which :agg{} applies. Nothing is computed yet:
** :agg gathers only the columns the keys and aggregates use. User values:
** 1 the Table, 2 the list of key names, 3 the name = expression entries
** (or nil), 4 the collation of the output order (or nil: bytes). The
** options are a second table because a named entry of the keys is a
** computed key. */
static int l_table_group_by(lua_State *L) {
    const tg_table *shape = tg_luaval_table_schema(L, 1);
    size_t n_keys = 0;
    const char **keys = NULL;
    names ns;

    static const char *const known[] = { "collate", NULL };
    int collate;

    lua_settop(L, 3);
    tg_luaaux_check_opts(L, 3, known, "group_by");
    collate =
        lua_isnil(L, 3) ? -1 : tg_luaaux_opt_choice(L, 3, "group_by", "collate", collations, -1);
    lua_settop(L, 2);
    if (lua_isnoneornil(L, 2)) {
        lua_newtable(L);
        lua_replace(L, 2);
    }
    lua_newuserdatauv(L, 0, 4); /* 3: the result */
    luaL_setmetatable(L, GROUPBY_MT);
    if (collate >= 0) {
        lua_pushstring(L, collations[collate]);
        lua_setiuservalue(L, 3, 4);
    }
    if (lua_istable(L, 2)) keys = tg_luaaux_sorted_keys(L, 2, &n_keys, "group_by", "keys");
    else lua_pushnil(L);
    ns = check_names(L, 2, "group_by", "keys"); /* the list part */
    check_columns(L, shape, ns);
    if (n_keys) {
        int spec = lua_gettop(L) + 1;
        lua_createtable(L, 0, (int)n_keys);
        for (size_t i = 0; i < n_keys; i++) {
            lua_getfield(L, 2, keys[i]);
            if (!tg_luaval_window_test(L, -1)) {
                tg_expr *e = tg_luaval_expr_push(L, -1, TG_LUAVAL_NO_BOOL, "group_by", keys[i]);
                tg_luaval_expr_check_columns(L, e, shape);
                lua_pop(L, 1);
            }
            lua_setfield(L, spec, keys[i]);
        }
        lua_setiuservalue(L, 3, 3);
    }
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, 3, 1);
    lua_createtable(L, (int)(ns.n + n_keys), 0);
    for (size_t i = 0; i < ns.n + n_keys; i++) {
        lua_pushstring(L, i < ns.n ? ns.v[i] : keys[i - ns.n]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setiuservalue(L, 3, 2);
    lua_settop(L, 3);
    return 1;
}

/* Appends the column names of the expression at idx to the growing list
** at list (a Lua table used as a set of names in order). */
static void add_columns(lua_State *L, int list, const tg_expr *e) {
    size_t n;
    const char **cols = tg_luaval_expr_columns(L, e, &n);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, cols[i]);
        lua_rawseti(L, list, (lua_Integer)(lua_Integer)lua_rawlen(L, list) + 1);
    }
    lua_pop(L, 1);
}

/* The groups of the Table at res (sorted by the keys' bytes) put in the
** order of 'collate' by a stable sort on the same keys, so ties (strings
** the collation counts as equal) keep byte order; NULL keys stay last. */
static int collate_groups(lua_State *L, int res, names keys, const char *collate,
                          const tg_interrupt *intr) {
    const tg_table *grouped = tg_luaval_table_check(L, res);
    int *desc = lua_newuserdatauv(L, keys.n * sizeof *desc, 0);
    tg_table **slot;
    tg_error err;
    tg_status st;
    memset(desc, 0, keys.n * sizeof *desc);
    slot = tg_luaval_table_new(L);
    tg_err_clear(&err);
    st = tg_sort_collate(grouped, keys.v, desc, keys.n, collate, intr, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "agg");
    return tg_luaval_table_finish(L, lua_gettop(L));
}

static void release_plan(void *p) {
    tg_plan_release(p);
}

/* 1 if the GroupBy at 1 orders its groups by a collation (a sort after
** the kernel, which plans do not make). */
static int collated(lua_State *L, names keys) {
    int is = keys.n > 0 && lua_getiuservalue(L, 1, 4) == LUA_TSTRING;
    if (keys.n > 0) lua_pop(L, 1);
    return is;
}

/* g:agg{...} as a plan step (tg_luaval_lazy; no window among the keys, no
** collation): the keyed expressions become a derive step below it. The
** Table is at 3, the list of keys at 4, their expressions at spec. */
static int plan_agg(lua_State *L, names keys, int spec, const tg_agg *aggs,
                    const tg_expr *const *argx, size_t n) {
    tg_plan *in = tg_luaval_table_plan(L, 3);
    tg_plan_aggspec *specs = lua_newuserdatauv(L, (n ? n : 1) * sizeof *specs, 0);
    void **box = tg_luaaux_box(L, release_plan);
    tg_error err;

    tg_err_clear(&err);
    if (!lua_isnil(L, spec)) {
        const tg_table *shape = tg_plan_schema(in);
        const char **dn = lua_newuserdatauv(L, keys.n * sizeof *dn, 0);
        const tg_expr **de = lua_newuserdatauv(L, keys.n * sizeof *de, 0);
        size_t m = 0;
        for (size_t i = 0; i < keys.n; i++) {
            lua_getfield(L, spec, keys.v[i]);
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                continue;
            }
            dn[m] = keys.v[i];
            de[m] = tg_luaval_expr_push(L, -1, TG_LUAVAL_NO_BOOL, "group_by", keys.v[i]);
            tg_luaval_expr_typecheck(L, de[m++], shape); /* the expression stays on the stack */
        }
        *box = tg_plan_derive(in, dn, de, m, &err);
        if (!*box) return tg_luaaux_fail(L, err.code, &err, NULL);
        in = *box;
        box = tg_luaaux_box(L, release_plan);
    }
    for (size_t i = 0; i < n; i++) {
        specs[i] =
            (tg_plan_aggspec){ aggs[i].name, aggs[i].fn, argx[i], aggs[i].p, aggs[i].method };
        if (argx[i]) tg_luaval_expr_typecheck(L, argx[i], tg_plan_schema(in));
    }
    if (!(*box = tg_plan_agg(in, keys.v, keys.n, specs, n, &err)))
        return tg_luaaux_fail(L, err.code, &err, "agg");
    tg_luaval_table_push_plan(L, box, "agg");
    return 1;
}

/* g:agg{name = aggregate, ...} or g:agg{{"name", aggregate}, ...}: one row
** per group, sorted by the keys; the key columns, then the aggregates in
** the order read (list items, then names sorted). */
static int l_groupby_agg(lua_State *L) {
    const tg_table *shape, *t;
    const tg_expr **argx;
    tg_table **slot;
    tg_agg *aggs;
    names keys, needed;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    size_t n;
    int base, res, spec, list, all = 0;

    tg_luaaux_check_udata(L, 1, GROUPBY_MT);
    tg_luaaux_check_table(L, 2, "agg", "aggregates");
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, 1); /* 3 */
    shape = tg_luaval_table_schema(L, 3);
    lua_getiuservalue(L, 1, 2); /* 4 */
    keys = check_names(L, 4, "group_by", "keys");
    spec = lua_gettop(L) + 1;
    lua_getiuservalue(L, 1, 3);
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    base = lua_gettop(L) + 1;
    n = tg_luaaux_push_pairs(L, 2, "agg", "aggregates");
    aggs = lua_newuserdatauv(L, (n ? n : 1) * sizeof *aggs, 0);
    argx = lua_newuserdatauv(L, (n ? n : 1) * sizeof *argx, 0);
    for (size_t i = 0; i < n; i++) {
        tg_agg *a = &aggs[i];
        a->name = lua_tostring(L, base + 2 * (int)i);
        check_agg(L, base + 2 * (int)i + 1, a->name, &a->fn, &argx[i], &a->p, &a->method);
        a->arg = NULL;
        if (argx[i]) tg_luaval_expr_check_columns(L, argx[i], shape);
    }

    /* The columns the keys and arguments use: only those are gathered
    ** from a filtered table. A window among the keys may use any. */
    lua_createtable(L, (int)keys.n, 0);
    list = lua_gettop(L);
    for (size_t i = 0; i < keys.n; i++) {
        lua_pushstring(L, keys.v[i]);
        lua_rawseti(L, list, (lua_Integer)i + 1);
    }
    if (!lua_isnil(L, spec)) {
        lua_pushnil(L);
        while (lua_next(L, spec)) {
            if (tg_luaval_window_test(L, -1)) {
                all = 1;
            } else {
                tg_expr *e = tg_luaval_expr_push(L, -1, TG_LUAVAL_NO_BOOL, "group_by", "keys");
                add_columns(L, list, e);
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (argx[i]) add_columns(L, list, argx[i]);
    if (!all && tg_luaval_lazy() && !collated(L, keys))
        return plan_agg(L, keys, spec, aggs, argx, n);
    if (all) {
        t = tg_luaval_table_check(L, 3);
        lua_pushnil(L);
    } else {
        needed = check_names(L, list, "agg", "aggregates");
        t = tg_luaval_table_project(L, 3, needed.v, needed.n);
    }
    if (!lua_isnil(L, spec)) {
        /* The keyed expressions, computed over those columns. */
        int view = lua_gettop(L) + 1;
        tg_table **vslot = tg_luaval_table_new(L);
        *vslot = tg_table_retain((tg_table *)t);
        lua_getfield(L, view, "derive");
        lua_pushvalue(L, view);
        lua_pushvalue(L, spec);
        lua_call(L, 2, 1);
        t = tg_luaval_table_check(L, -1);
    }
    for (size_t i = 0; i < n; i++)
        if (argx[i]) aggs[i].arg = tg_luaval_expr_eval(L, argx[i], t); /* boxes stay on the stack */
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_group_agg(t, keys.v, keys.n, aggs, n, &intr, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "agg");
    if (lua_getiuservalue(L, 1, 4) == LUA_TSTRING && keys.n > 0)
        return collate_groups(L, res, keys, lua_tostring(L, -1), &intr);
    return tg_luaval_table_finish(L, res);
}

static int l_groupby_tostring(lua_State *L) {
    tg_luaaux_check_udata(L, 1, GROUPBY_MT);
    lua_pushliteral(L, "tegn.GroupBy");
    return 1;
}

/* ---- joins ---- */

/* Reads join keys from the value at idx: "k", {"a", "b"} (same names on
** both sides) and/or {left_name = "right_name"} (sorted by left name).
** Pushes two arrays; fills *l and *r. */
static void check_keys(lua_State *L, int idx, names *l, names *r, const char *what,
                       const char *key) {
    size_t n_keys = 0;
    const char **keys = NULL;
    idx = lua_absindex(L, idx);
    if (lua_isnil(L, idx)) tg_luaaux_missing(L, what, key);
    if (lua_istable(L, idx)) keys = tg_luaaux_sorted_keys(L, idx, &n_keys, what, key);
    *l = check_names(L, idx, what, key);
    size_t n_list = l->n;
    const char **lv = lua_newuserdatauv(L, (n_list + n_keys ? n_list + n_keys : 1) * sizeof *lv, 0);
    const char **rv = lua_newuserdatauv(L, (n_list + n_keys ? n_list + n_keys : 1) * sizeof *rv, 0);
    for (size_t i = 0; i < n_list; i++) lv[i] = rv[i] = l->v[i];
    for (size_t i = 0; i < n_keys; i++) {
        lua_getfield(L, idx, keys[i]);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pushfstring(L, "%s.%s", key, keys[i]);
            tg_luaaux_bad(L, what, lua_tostring(L, -1), "a column name of the other table", -2);
        }
        lv[n_list + i] = keys[i];
        rv[n_list + i] = lua_tostring(L, -1); /* kept alive by the option table */
        lua_pop(L, 1);
    }
    l->v = lv;
    l->n = r->n = n_list + n_keys;
    r->v = rv;
    if (l->n == 0) tg_luaaux_error(L, "%s: no join keys", what);
}

/* t:join as a plan step: both sides as plans, checked now. */
static int plan_join(lua_State *L, names lk, names rk, int how, const char *suffix) {
    tg_plan *l = tg_luaval_table_plan(L, 1), *r = tg_luaval_table_plan(L, 2);
    void **box = tg_luaaux_box(L, release_plan);
    tg_error err;
    tg_err_clear(&err);
    *box = tg_plan_join(l, r, lk.v, rk.v, lk.n, how, suffix, &err);
    if (!*box) return tg_luaaux_fail(L, err.code, &err, "join");
    tg_luaval_table_push_plan(L, box, "join");
    return 1;
}

/* t:join(other, {on = keys, how = "inner" | "left" | "semi" | "anti",
** suffix = "_right"}) */
static int l_table_join(lua_State *L) {
    static const char *const known[] = { "on", "how", "suffix", NULL };
    static const char *const hows[] = { "inner", "left", "semi", "anti", NULL };
    static const int how_values[] = { TG_JOIN_INNER, TG_JOIN_LEFT, TG_JOIN_SEMI, TG_JOIN_ANTI };
    int lazy = tg_luaval_lazy();
    const tg_table *t = lazy ? tg_luaval_table_schema(L, 1) : tg_luaval_table_check(L, 1);
    const tg_table *u = lazy ? tg_luaval_table_arg_shape(L, 2, "join", "other")
                             : tg_luaval_table_arg(L, 2, "join", "other");
    names lk, rk;
    tg_table **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int how, res;
    const char *suffix;

    tg_luaaux_check_table(L, 3, "join", "options");
    lua_settop(L, 3);
    tg_luaaux_check_opts(L, 3, known, "join");
    how = how_values[tg_luaaux_opt_choice(L, 3, "join", "how", hows, 0)];
    suffix = tg_luaaux_opt_string(L, 3, "join", "suffix", "_right");
    lua_getfield(L, 3, "on");
    check_keys(L, -1, &lk, &rk, "join", "on");
    check_columns(L, t, lk);
    check_columns(L, u, rk);
    if (tg_luaval_lazy()) return plan_join(L, lk, rk, how, suffix);
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_join(t, u, lk.v, rk.v, lk.n, how, suffix, &intr, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "join");
    return tg_luaval_table_finish(L, res);
}

/* t:join_asof(other, {on = "dato" | {"left_col", "right_col"}, by = keys,
** direction = "backward" | "forward" | "nearest", suffix = "_right"}) */
static int l_table_join_asof(lua_State *L) {
    static const char *const known[] = { "on", "by", "direction", "suffix", NULL };
    static const char *const dirs[] = { "backward", "forward", "nearest", NULL };
    static const int dir_values[] = { TG_ASOF_BACKWARD, TG_ASOF_FORWARD, TG_ASOF_NEAREST };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const tg_table *u = tg_luaval_table_arg(L, 2, "join_asof", "other");
    names lk = { NULL, 0 }, rk = { NULL, 0 };
    const char *on_l, *on_r;
    tg_table **slot;
    tg_error err;
    tg_status st;
    int dir, res;
    const char *suffix;

    tg_luaaux_check_table(L, 3, "join_asof", "options");
    lua_settop(L, 3);
    tg_luaaux_check_opts(L, 3, known, "join_asof");
    dir = dir_values[tg_luaaux_opt_choice(L, 3, "join_asof", "direction", dirs, 0)];
    suffix = tg_luaaux_opt_string(L, 3, "join_asof", "suffix", "_right");
    lua_getfield(L, 3, "on"); /* 4 */
    if (lua_type(L, 4) == LUA_TSTRING) {
        on_l = on_r = lua_tostring(L, 4);
    } else if (lua_istable(L, 4) && (lua_Integer)lua_rawlen(L, 4) == 2) {
        lua_rawgeti(L, 4, 1);
        lua_rawgeti(L, 4, 2);
        on_l = lua_tostring(L, -2);
        on_r = lua_tostring(L, -1);
        if (!on_l || !on_r || lua_type(L, -1) != LUA_TSTRING || lua_type(L, -2) != LUA_TSTRING)
            return tg_luaaux_bad(L, "join_asof", "on", "a column name or {left, right}", 4);
    } else {
        return tg_luaaux_bad(L, "join_asof", "on", "a column name or {left, right}", 4);
    }
    if (tg_table_find(t, on_l) < 0) return tg_luaaux_no_column(L, t, on_l);
    if (tg_table_find(u, on_r) < 0) return tg_luaaux_no_column(L, u, on_r);
    lua_getfield(L, 3, "by");
    if (!lua_isnil(L, -1)) {
        check_keys(L, -1, &lk, &rk, "join_asof", "by");
        check_columns(L, t, lk);
        check_columns(L, u, rk);
    }
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    tg_lua_check(L);
    tg_err_clear(&err);
    st = tg_join_asof(t, u, lk.v, rk.v, lk.n, on_l, on_r, dir, suffix, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "join_asof");
    return tg_luaval_table_finish(L, res);
}

/* ---- distinct, top ---- */

/* Name list from a verb's arguments: one list, or names as arguments. */
static names arg_names(lua_State *L, int first, const char *what, const char *key) {
    int n = lua_gettop(L) - first + 1;
    if (n == 1 && lua_istable(L, first)) return check_names(L, first, what, key);
    lua_createtable(L, n > 0 ? n : 0, 0);
    for (int i = 0; i < n; i++) {
        lua_pushvalue(L, first + i);
        lua_rawseti(L, -2, i + 1);
    }
    return check_names(L, -1, what, key);
}

/* t:distinct() / t:distinct{"a", "b"}: the first row of each distinct
** combination of the columns (all columns when none are named), in order
** of first appearance. */
static int l_table_distinct(lua_State *L) {
    const tg_table *t = tg_luaval_table_check(L, 1);
    names ns = arg_names(L, 2, "distinct", "columns");
    tg_table **slot;
    tg_error err;
    tg_status st;
    int res;

    check_columns(L, t, ns);
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    tg_lua_check(L);
    tg_err_clear(&err);
    st = tg_distinct(t, ns.v, ns.n, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "distinct");
    return tg_luaval_table_finish(L, res);
}

/* t:top(n, {by = "x", per = keys, desc = true, collate = "da"}): the n
** rows with the largest (desc = false: smallest) x, per group of the 'per'
** keys; collate orders strings as Danish readers do. */
static int l_table_top(lua_State *L) {
    static const char *const known[] = { "by", "per", "desc", "collate", NULL };
    const char *collate = NULL;
    const tg_table *t = tg_luaval_table_check(L, 1);
    int64_t n = tg_luaaux_check_integer(L, 2, "top", "n", 0, INT64_MAX);
    names per = { NULL, 0 };
    const char *by;
    int desc = 1, res;
    tg_table **slot;
    tg_error err;
    tg_status st;

    tg_luaaux_check_table(L, 3, "top", "options");
    lua_settop(L, 3);
    tg_luaaux_check_opts(L, 3, known, "top");
    by = tg_luaaux_opt_string(L, 3, "top", "by", NULL);
    if (!by) return tg_luaaux_missing(L, "top", "by");
    if (tg_table_find(t, by) < 0) return tg_luaaux_no_column(L, t, by);
    lua_getfield(L, 3, "desc");
    if (!lua_isnil(L, -1)) desc = lua_toboolean(L, -1);
    if (tg_luaaux_opt_string(L, 3, "top", "collate", NULL))
        collate = collations[tg_luaaux_opt_choice(L, 3, "top", "collate", collations, 0)];
    lua_getfield(L, 3, "per");
    if (!lua_isnil(L, -1)) {
        per = check_names(L, -1, "top", "per");
        check_columns(L, t, per);
    }
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    tg_lua_check(L);
    tg_err_clear(&err);
    st = tg_top_n_collate(t, by, desc, (size_t)n, per.v, per.n, collate, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "top");
    return tg_luaval_table_finish(L, res);
}

/* ---- registration ---- */

static const luaL_Reg verbs[] = {
    { "group_by", l_table_group_by }, { "join", l_table_join }, { "join_asof", l_table_join_asof },
    { "distinct", l_table_distinct }, { "top", l_table_top },   { NULL, NULL },
};

static const luaL_Reg groupby_methods[] = {
    { "agg", l_groupby_agg },
    { NULL, NULL },
};

static const luaL_Reg groupby_meta[] = {
    { "__tostring", l_groupby_tostring },
    { NULL, NULL },
};

static const luaL_Reg agg_meta[] = {
    { "__tostring", l_agg_tostring },
    { NULL, NULL },
};

static const luaL_Reg module_funcs[] = {
    { "count", l_tegn_count },
    { "quantile", l_tegn_quantile },
    { NULL, NULL },
};

void tg_luagroup_open_module(lua_State *L) {
    tg_luaaux_new_metatable(L, GROUPBY_MT, groupby_meta, groupby_methods);
    tg_luaaux_new_metatable(L, AGG_MT, agg_meta, NULL);
    lua_pop(L, 2);
    luaL_setfuncs(L, module_funcs, 0);
    for (size_t i = 0; i < TG_ARRAY_LEN(aggs1); i++) {
        lua_pushinteger(L, aggs1[i].fn);
        lua_pushstring(L, aggs1[i].name);
        lua_pushcclosure(L, l_tegn_agg1, 2);
        lua_setfield(L, -2, aggs1[i].name);
    }
}

void tg_luagroup_open_methods(lua_State *L) {
    luaL_setfuncs(L, verbs, 0);
}
