/*
** tg_luaverb.c -- Table verbs that call the C kernels (see tg_luaverb.h).
** Pattern of every verb: check the arguments, push the result's Table
** userdata (empty), run the kernel straight into its slot, return it.
** Option tables are read in a fixed order (list entries first, then keys
** sorted by their bytes) because Lua's pairs order changes from run to
** run and the output must not.
*/
#include "tg_luaverb.h"

#include <assert.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_exec.h"
#include "tg_expr.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_mem.h"
#include "tg_plan.h"
#include "tg_sort.h"

/* ---- shared helpers ---- */

/* Columns being assembled: n references, released by the box's __gc. */
typedef struct colset {
    size_t n;
    tg_col *c[];
} colset;

static void release_cols(void *p) {
    colset *s = p;
    for (size_t i = 0; i < s->n; i++) tg_col_release(s->c[i]);
    tg_free(s);
}

static colset *new_colset(lua_State *L, size_t cap) {
    void **box = tg_luaaux_box(L, release_cols);
    colset *s = tg_calloc(1, sizeof *s + (cap ? cap : 1) * sizeof s->c[0]);
    if (!s) tg_lua_raise(L, TG_ENOMEM, NULL);
    *box = s;
    return s;
}

static void release_plan(void *p) {
    tg_plan_release(p);
}

/* ---- filter ---- */

/* t:filter(pred) as a plan step (tg_luaval_lazy): the same checks now,
** the rows when the result is needed. Over a table ('always' 0) only when
** the predicate cannot raise a data error, which must stay where the
** script can catch it; returns 0 (the stack as it was) otherwise. */
static int plan_filter(lua_State *L, tg_expr *pred, int always) {
    int top = lua_gettop(L);
    tg_plan *in = tg_luaval_table_plan(L, 1);
    void **box = tg_luaaux_box(L, release_plan);
    tg_error err;
    tg_err_clear(&err);
    if (!(*box = tg_plan_filter(in, pred, &err)))
        return tg_luaaux_fail(L, err.code, &err, "filter");
    if (!always && tg_plan_may_fail(*box)) {
        lua_settop(L, top);
        return 0;
    }
    tg_luaval_table_push_plan(L, box, "filter");
    return 1;
}

/* t:filter(pred): the rows where pred is true (NULL counts as false), as
** a selection of the source rows: no column is copied until a later verb
** needs it, and a filter of a filter composes the two index arrays. */
static int l_table_filter(lua_State *L) {
    size_t total, m = 0, n_names;
    int lazy = tg_luaval_lazy() && tg_luaval_table_pending(L, 1);
    const tg_table *shape =
                       lazy ? tg_luaval_table_schema(L, 1) : tg_luaval_table_shape(L, 1, &total),
                   *view, *src;
    const size_t *rows;
    const char **names;
    tg_expr *pred;
    tg_interrupt intr;
    size_t *sub = NULL;
    void **box;
    tg_error err;
    tg_status st;

    if (lua_isnoneornil(L, 2)) return tg_luaaux_bad(L, "filter", "pred", "an expression", 2);
    lua_settop(L, 2);
    pred = tg_luaval_expr_push(L, 2, TG_LUAVAL_NO_BOOL, "filter", "pred");
    tg_luaval_expr_check_columns(L, pred, shape);
    if (lazy) return plan_filter(L, pred, 1);
    /* Over a table too: a group-by of the filter then runs with it, morsel
    ** by morsel, instead of over a selection of every kept row. A constant
    ** predicate runs at once (all rows: the same Table). */
    names = tg_luaval_expr_columns(L, pred, &n_names);
    if (tg_luaval_lazy() && n_names > 0 && plan_filter(L, pred, 0)) return 1;
    shape = tg_luaval_table_shape(L, 1, &total);
    view = tg_luaval_table_project(L, 1, names, n_names);
    box = tg_luaaux_box(L, tg_free);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_exec_filter(pred, view, &intr, &sub, &m, &err);
    *box = sub;
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "filter");
    if (tg_luaval_table_rows_of(L, 1, &src, &rows, &total)) {
        size_t *both = tg_malloc((m ? m : 1) * sizeof *both);
        if (!both) return tg_lua_raise(L, TG_ENOMEM, NULL);
        for (size_t i = 0; i < m; i++) both[i] = rows[sub[i]];
        tg_free(sub);
        *box = both;
        tg_luaval_table_push_rows(L, src, box, m);
        return 1;
    }
    if (m == total) {
        lua_pushvalue(L, 1); /* every row: the same table */
        return 1;
    }
    tg_luaval_table_push_rows(L, shape, box, m);
    return 1;
}

/* ---- derive ---- */

/* Makes a table with t's columns where 'derived' (n columns named at
** stack slots base, base + 2, ...) replace same-named ones in place and
** the others follow in order; into *slot. */
static void assemble(lua_State *L, const tg_table *t, colset *derived, int base, tg_table **slot,
                     const char *what) {
    tg_status st;
    size_t n = derived->n;
    int *used = lua_newuserdatauv(L, (n ? n : 1) * sizeof *used, 0);
    memset(used, 0, (n ? n : 1) * sizeof *used);
    if (!(*slot = tg_table_new())) tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t k = 0; k < t->n_cols; k++) {
        tg_col *c = t->cols[k];
        for (size_t i = 0; i < n; i++) {
            if (strcmp(lua_tostring(L, base + 2 * (int)i), t->names[k]) == 0) {
                c = derived->c[i];
                used[i] = 1;
            }
        }
        st = tg_table_add(*slot, t->names[k], c);
        if (st != TG_OK) tg_lua_raise(L, st, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        if (used[i]) continue;
        const char *name = lua_tostring(L, base + 2 * (int)i);
        if (tg_table_find(*slot, name) >= 0) tg_luaaux_error(L, "%s: '%s' given twice", what, name);
        st = tg_table_add(*slot, name, derived->c[i]);
        if (st != TG_OK) tg_lua_raise(L, st, NULL);
    }
    (*slot)->n_rows = t->n_rows;
    lua_pop(L, 1);
}

/* Evaluates the pairs pushed by push_pairs (at base) over t; raises for a
** name given twice. */
static colset *eval_pairs(lua_State *L, const tg_table *t, int base, size_t n, const char *what) {
    colset *set = new_colset(L, n);
    for (size_t i = 0; i < n; i++) {
        const char *name = lua_tostring(L, base + 2 * (int)i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(name, lua_tostring(L, base + 2 * (int)j)) == 0)
                tg_luaaux_error(L, "%s: '%s' given twice", what, name);
        int value = base + 2 * (int)i + 1;
        int top = lua_gettop(L);
        tg_col *c;
        if (tg_luaval_window_test(L, value)) {
            c = tg_luaval_window_eval(L, value, t);
        } else {
            tg_expr *e = tg_luaval_expr_push(L, value, TG_LUAVAL_NO_BOOL, what, name);
            c = tg_luaval_expr_eval(L, e, t);
        }
        set->c[set->n++] = tg_col_retain(c);
        lua_settop(L, top);
    }
    return set;
}

/* 1 if a value among the n pairs at base is a window (which needs the
** rows in their order, so its derive runs at once). */
static int any_window(lua_State *L, int base, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (tg_luaval_window_test(L, base + 2 * (int)i + 1)) return 1;
    return 0;
}

/* t:derive{...} as a plan step: the checks eval_pairs makes, in its order,
** without evaluating. */
static int plan_derive(lua_State *L, int base, size_t n) {
    const tg_table *shape = tg_luaval_table_schema(L, 1);
    const char **names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
    const tg_expr **exprs = lua_newuserdatauv(L, (n ? n : 1) * sizeof *exprs, 0);
    tg_plan *in;
    void **box;
    tg_error err;

    for (size_t i = 0; i < n; i++) {
        names[i] = lua_tostring(L, base + 2 * (int)i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                tg_luaaux_error(L, "derive: '%s' given twice", names[i]);
        exprs[i] = tg_luaval_expr_push(L, base + 2 * (int)i + 1, TG_LUAVAL_NO_BOOL, "derive",
                                       names[i]); /* stays on the stack */
        tg_luaval_expr_typecheck(L, exprs[i], shape);
    }
    in = tg_luaval_table_plan(L, 1);
    box = tg_luaaux_box(L, release_plan);
    tg_err_clear(&err);
    if (!(*box = tg_plan_derive(in, names, exprs, n, &err)))
        return tg_luaaux_fail(L, err.code, &err, NULL);
    tg_luaval_table_push_plan(L, box, "derive");
    return 1;
}

/* t:derive{name = expr, ...} or t:derive{{"name", expr}, ...}: new or
** replaced columns, all computed from t as it was (a new column cannot use
** another one made in the same call; chain two derives for that). */
static int l_table_derive(lua_State *L) {
    const tg_table *t;
    tg_table **slot;
    colset *set;
    size_t n;
    int base, res;

    if (tg_luaval_lazy() && tg_luaval_table_pending(L, 1)) {
        tg_luaaux_check_table(L, 2, "derive", "columns");
        lua_settop(L, 2);
        base = lua_gettop(L) + 1;
        n = tg_luaaux_push_pairs(L, 2, "derive", "columns");
        if (!any_window(L, base, n)) return plan_derive(L, base, n);
        lua_settop(L, 2);
    }
    t = tg_luaval_table_check(L, 1);
    tg_luaaux_check_table(L, 2, "derive", "columns");
    lua_settop(L, 2);
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    base = lua_gettop(L) + 1;
    n = tg_luaaux_push_pairs(L, 2, "derive", "columns");
    set = eval_pairs(L, t, base, n, "derive");
    assemble(L, t, set, base, slot, "derive");
    return tg_luaval_table_finish(L, res);
}

/* ---- sort, distinct, top ---- */

/* tegn.desc("x"): a descending sort key for t:sort{...} */
static int l_tegn_desc(lua_State *L) {
    tg_luaaux_check_string(L, 1, "desc", "name");
    lua_createtable(L, 1, 1);
    lua_pushvalue(L, 1);
    lua_rawseti(L, -2, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "desc");
    return 1;
}

/* t:sort{"a", {"b", desc = true}, tegn.desc"c"} or t:sort("a", "b"):
** stable; NULLs last in either direction. t:sort{"navn", collate = "da"}
** orders strings as Danish readers do (Æ, Ø, Å after Z). */
static int l_table_sort(lua_State *L) {
    const tg_table *t = tg_luaval_table_check(L, 1);
    int n_args = lua_gettop(L) - 1, list = 2, n;
    const char *collate = NULL;
    const char **keys;
    int *desc;
    tg_table **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int res;

    if (n_args == 1 && lua_istable(L, 2)) {
        n = (int)(lua_Integer)lua_rawlen(L, 2);
        static const char *const collations[] = { "da", NULL };
        lua_pushliteral(L, "collate"); /* raw: the list's metamethods must not run */
        if (lua_rawget(L, 2) != LUA_TNIL)
            collate = collations[tg_luaaux_check_choice(L, -1, "sort", "collate", collations)];
        lua_pop(L, 1);
    } else {
        lua_createtable(L, n_args, 0);
        for (int i = 1; i <= n_args; i++) {
            /* a nil would leave a hole the key count below does not see */
            if (lua_isnil(L, 1 + i)) {
                lua_pushfstring(L, "keys[%d]", i);
                tg_luaaux_bad(L, "sort", lua_tostring(L, -1),
                              "a column name or {name, desc = true}", 1 + i);
            }
            lua_pushvalue(L, 1 + i);
            lua_rawseti(L, -2, i);
        }
        lua_replace(L, 2);
        lua_settop(L, 2);
        n = n_args;
    }
    lua_settop(L, 2);
    keys = tg_luaaux_sort_keys(L, list, t, "sort", "keys", &desc);
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_sort_collate(t, keys, desc, (size_t)n, collate, &intr, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "sort");
    return tg_luaval_table_finish(L, res);
}

/* ---- map_rows: the slow path ---- */

/* Columns built row by row; freed by a box. */
typedef struct rowcols {
    size_t n, cap;
    char **names;
    tg_col **cols;
} rowcols;

static void free_rowcols(void *p) {
    rowcols *rc = p;
    for (size_t i = 0; i < rc->n; i++) {
        tg_free(rc->names[i]);
        tg_col_release(rc->cols[i]);
    }
    tg_free(rc->names);
    tg_free(rc->cols);
    tg_free(rc);
}

/* The type a new column gets from the Lua value at idx (not nil). */
static tg_type lua_value_type(lua_State *L, int idx, const char *name, size_t row) {
    int32_t days;
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER: return lua_isinteger(L, idx) ? TG_INT : TG_FLOAT;
    case LUA_TBOOLEAN: return TG_BOOL;
    case LUA_TSTRING: return TG_STRING;
    default:
        if (tg_luaaux_date_test(L, idx, &days)) return TG_DATE;
    }
    tg_luaaux_error(L, "map_rows: row %I, column '%s': a %s cannot be a column value",
                    (lua_Integer)row + 1, name, luaL_typename(L, idx));
    return TG_INT;
}

/* Appends the Lua value at idx to column c; raises on a type mismatch. */
static void push_lua_value(lua_State *L, int idx, tg_col *c, const char *name, size_t row) {
    tg_status st = TG_OK;
    int32_t days;
    size_t len;
    const char *s;
    int t = lua_type(L, idx);

    if (t == LUA_TNIL || tg_luaaux_is_null(L, idx)) {
        st = tg_col_push_null(c);
    } else if (c->type == TG_INT && t == LUA_TNUMBER && lua_isinteger(L, idx)) {
        st = tg_col_push_i64(c, lua_tointeger(L, idx));
    } else if (c->type == TG_INT && t == LUA_TNUMBER) {
        tg_col_int_to_float(c);
        st = tg_col_push_f64(c, lua_tonumber(L, idx));
    } else if (c->type == TG_FLOAT && t == LUA_TNUMBER) {
        st = tg_col_push_f64(c, lua_tonumber(L, idx));
    } else if (c->type == TG_BOOL && t == LUA_TBOOLEAN) {
        st = tg_col_push_bool(c, lua_toboolean(L, idx));
    } else if (c->type == TG_STRING && t == LUA_TSTRING) {
        s = lua_tolstring(L, idx, &len);
        st = tg_col_push_str(c, s, len);
    } else if (c->type == TG_DATE && tg_luaaux_date_test(L, idx, &days)) {
        st = tg_col_push_date(c, days);
    } else if (c->type == TG_DATE && t == LUA_TSTRING &&
               (s = lua_tolstring(L, idx, &len), tg_date_parse_iso(s, len, &days) == 0)) {
        st = tg_col_push_date(c, days);
    } else {
        tg_luaaux_error(L, "map_rows: row %I, column '%s' is %s, got a %s", (lua_Integer)row + 1,
                        name, tg_type_name(c->type), luaL_typename(L, idx));
    }
    if (st != TG_OK) tg_lua_raise(L, st, NULL);
}

/* Index of column 'name' in rc, adding it (with 'rows' NULLs so far and
** the type of the input column of that name, or of the value at idx) when
** new. */
static size_t rowcols_find(lua_State *L, rowcols *rc, const tg_table *t, const char *name, int idx,
                           size_t rows) {
    tg_col *src, *c;
    size_t i;
    for (i = 0; i < rc->n; i++)
        if (strcmp(rc->names[i], name) == 0) return i;
    if (rc->n == rc->cap) {
        size_t cap = rc->cap ? 2 * rc->cap : 16;
        char **nn = tg_realloc(rc->names, cap * sizeof *nn);
        if (!nn) tg_lua_raise(L, TG_ENOMEM, NULL);
        rc->names = nn;
        tg_col **nc = tg_realloc(rc->cols, cap * sizeof *nc);
        if (!nc) tg_lua_raise(L, TG_ENOMEM, NULL);
        rc->cols = nc;
        rc->cap = cap;
    }
    src = tg_table_col(t, name);
    c = tg_col_new(src ? src->type : lua_value_type(L, idx, name, rows), rows + 16, NULL);
    if (!c) tg_lua_raise(L, TG_ENOMEM, NULL);
    rc->cols[rc->n] = c;
    rc->names[rc->n] = tg_strdup(name);
    rc->n++;
    if (!rc->names[rc->n - 1]) tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t r = 0; r < rows; r++)
        if (tg_col_push_null(c) != TG_OK) tg_lua_raise(L, TG_ENOMEM, NULL);
    return rc->n - 1;
}

/* t:map_rows(fn): calls fn(row) for each row (a table as t:rows() gives)
** and makes a table of what fn returns: a row table, or nil to drop the
** row. Columns of t keep their type and place; new columns follow, sorted
** by name, typed by their first value. Slow (a Lua call per row): warns
** once per run. */
static int l_table_map_rows(lua_State *L) {
    const tg_table *t = tg_luaval_table_check(L, 1);
    rowcols *rc;
    void **box;
    size_t rows = 0;
    tg_table **slot;
    int res;

    tg_luaaux_check_function(L, 2, "map_rows", "fn");
    lua_settop(L, 2);
    if (tg_luaaux_once(L, "map_rows"))
        tg_luaaux_warn(L, "map_rows calls a Lua function for every row, which is slow; use "
                          "filter, derive and expressions where they can do the job");
    slot = tg_luaval_table_new(L);
    res = lua_gettop(L);
    box = tg_luaaux_box(L, free_rowcols);
    rc = tg_calloc(1, sizeof *rc);
    if (!rc) return tg_lua_raise(L, TG_ENOMEM, NULL);
    *box = rc;
    for (size_t i = 0; i < t->n_rows; i++) {
        if ((i & (TG_VECTOR - 1)) == 0) tg_lua_check(L);
        lua_pushvalue(L, 2);
        tg_luaval_table_push_row(L, t, i);
        lua_call(L, 1, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            continue;
        }
        if (!lua_istable(L, -1))
            return tg_luaaux_error(L,
                                   "map_rows: the function must return a row table or nil, "
                                   "got a %s (row %I)",
                                   luaL_typename(L, -1), (lua_Integer)i + 1);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                return tg_luaaux_error(L, "map_rows: row keys must be column names (row %I)",
                                       (lua_Integer)i + 1);
            const char *name = lua_tostring(L, -2);
            size_t k = rowcols_find(L, rc, t, name, lua_gettop(L), rows);
            if (rc->cols[k]->len == rows) push_lua_value(L, -1, rc->cols[k], name, rows);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        rows++;
        for (size_t k = 0; k < rc->n; k++)
            if (rc->cols[k]->len < rows && tg_col_push_null(rc->cols[k]) != TG_OK)
                return tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    /* Input columns in input order, then the new ones by name. */
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t k = 0; k < t->n_cols; k++) {
        for (size_t i = 0; i < rc->n; i++) {
            if (strcmp(rc->names[i], t->names[k]) != 0) continue;
            tg_status st = tg_table_add(*slot, rc->names[i], rc->cols[i]);
            if (st != TG_OK) return tg_lua_raise(L, st, NULL);
        }
    }
    for (;;) {
        const char *next = NULL;
        size_t at = 0;
        for (size_t i = 0; i < rc->n; i++) {
            if (tg_table_find(t, rc->names[i]) >= 0 || tg_table_find(*slot, rc->names[i]) >= 0)
                continue;
            if (!next || strcmp(rc->names[i], next) < 0) {
                next = rc->names[i];
                at = i;
            }
        }
        if (!next) break;
        tg_status st = tg_table_add(*slot, next, rc->cols[at]);
        if (st != TG_OK) return tg_lua_raise(L, st, NULL);
    }
    (*slot)->n_rows = rows;
    return tg_luaval_table_finish(L, res);
}

/* ---- explain ---- */

/* t:explain(): the plan of the verbs that make t, one step per line, as
** it runs (filters moved down, the columns each step carries); after t is
** used, with rows in and out, time and output size per step. */
static int l_table_explain(lua_State *L) {
    tg_luaval_table_explain(L, 1);
    return 1;
}

/* ---- registration ---- */

static const luaL_Reg verbs[] = {
    { "explain", l_table_explain }, { "filter", l_table_filter },     { "derive", l_table_derive },
    { "sort", l_table_sort },       { "map_rows", l_table_map_rows }, { NULL, NULL },
};

void tg_luaverb_open_methods(lua_State *L) {
    luaL_setfuncs(L, verbs, 0);
}

/* Sets module functions belonging to the verbs (tegn.desc) in the module
** table at the top of the stack. */
void tg_luaverb_open_module(lua_State *L) {
    lua_pushcfunction(L, l_tegn_desc);
    lua_setfield(L, -2, "desc");
}
