/*
** tg_luaval.c -- the values the bindings exchange (see tg_luaval.h):
** Table handles, dates, expressions, windows, and Lua values as JSON.
** A Table is either a table (one tg_table reference) or a pending row
** selection: rows idx[0..n) of a source table, whose columns are gathered
** only when a verb needs them, and then one at a time. A filter therefore
** costs a predicate and an index array; counting its rows, filtering again
** or aggregating a few of its columns never copies the others. Both NULL
** after t:free(). Indexing looks up methods first, then columns. Every
** value is made box first, then fill, so a Lua error never leaks.
*/
#include "tg_luaval.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_exec.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_mem.h"
#include "tg_plan.h"

#define WIN_COL "\x01window" /* the temporary column of a window over an expression */

/* ---- tegn.Table ---- */

/* The userdata. 't' comes first: tg_luaval_table_new hands out its address. */
typedef struct ltable {
    tg_table *t;   /* the table, or NULL while a selection is pending */
    tg_table *src; /* pending: rows idx[0..n) of src */
    size_t *idx;
    size_t n;
    tg_col **cache; /* src->n_cols entries: columns gathered so far, or NULL */
    int freed;      /* t:free() or <close> ran; the columns may stay until __gc */
    tg_plan *plan;  /* the verbs that make it: pending while t and src are NULL */
    tg_plan *scan;  /* a scan of the pending selection, which then owns idx */
} ltable;

/* ---- the userdata ---- */

static void drop_selection(ltable *lt) {
    if (lt->cache)
        for (size_t k = 0; k < lt->src->n_cols; k++) tg_col_release(lt->cache[k]);
    tg_free(lt->cache);
    if (lt->scan) tg_plan_release(lt->scan); /* it owns idx */
    else tg_free(lt->idx);
    lt->scan = NULL;
    tg_table_release(lt->src);
    lt->cache = NULL;
    lt->idx = NULL;
    lt->src = NULL;
    lt->n = 0;
}

/* Freed, or never filled (a verb raised between box and fill). */
static int is_freed(const ltable *lt) {
    return lt->freed || (!lt->t && !lt->src && !lt->plan);
}

/* A plan not run yet: its result is made by run_plan when needed. */
static int is_pending(const ltable *lt) {
    return lt->plan && !lt->t && !lt->src;
}

static ltable *push_ltable(lua_State *L) {
    ltable *lt = lua_newuserdatauv(L, sizeof *lt, 0);
    memset(lt, 0, sizeof *lt);
    luaL_setmetatable(L, TG_LUAVAL_TABLE_MT);
    return lt;
}

tg_table **tg_luaval_table_new(lua_State *L) {
    return &push_ltable(L)->t;
}

void tg_luaval_table_push_rows(lua_State *L, const tg_table *src, void **idx_box, size_t n) {
    ltable *lt = push_ltable(L);
    lt->cache = tg_calloc(src->n_cols ? src->n_cols : 1, sizeof *lt->cache);
    if (!lt->cache) tg_lua_raise(L, TG_ENOMEM, NULL);
    lt->src = tg_table_retain((tg_table *)src);
    lt->idx = *idx_box;
    *idx_box = NULL;
    lt->n = n;
}

static void release_table(void *p) {
    tg_table_release(p);
}

/* Column k of a pending selection, gathered on first use. */
static tg_col *gathered(lua_State *L, ltable *lt, size_t k) {
    if (!lt->cache[k]) {
        tg_lua_check(L);
        lt->cache[k] = tg_col_take(lt->src->cols[k], lt->idx, lt->n);
        if (!lt->cache[k]) tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    return lt->cache[k];
}

/* Turns a pending selection into a table (every column gathered). */
static void materialize(lua_State *L, ltable *lt) {
    void **box = tg_luaaux_box(L, release_table);
    tg_table *t = tg_table_new();
    tg_status st;

    if (!t) tg_lua_raise(L, TG_ENOMEM, NULL);
    *box = t;
    for (size_t k = 0; k < lt->src->n_cols; k++)
        if ((st = tg_table_add(t, lt->src->names[k], gathered(L, lt, k))) != TG_OK)
            tg_lua_raise(L, st, NULL);
    t->n_rows = lt->n;
    *box = NULL;
    lua_pop(L, 1);
    lt->t = t;
    drop_selection(lt);
}

/* Without this, a loop making big tables would let dead ones pile up
** until the memory cap: the collector paces itself by Lua's own heap. */
static void account(lua_State *L, const tg_table *t, size_t rows) {
    size_t bytes = 0;
    for (size_t k = 0; k < t->n_cols; k++) bytes += rows * tg_type_width(t->cols[k]->type);
    if (bytes >= 64 * 1024) {
        size_t kb = bytes / 1024;
        lua_gc(L, LUA_GCSTEP, kb > ((size_t)1 << 20) ? 1 << 20 : (int)kb);
    }
}

/* Runs the Table's plan: its result becomes the Table's table, or its
** pending selection when the plan ends in a filter. An error names the
** script line of the verb whose step failed, as the eager verb would. */
static void run_plan(lua_State *L, ltable *lt) {
    tg_interrupt intr;
    tg_table *out;
    size_t *sel, n;
    const char *where, *verb;
    tg_error err;
    tg_status st;

    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_plan_run(lt->plan, &intr, &out, &sel, &n, &where, &verb, &err);
    if (st != TG_OK) tg_luaaux_fail_at(L, st, &err, *verb ? verb : NULL, where);
    if (!sel) {
        lt->t = out;
        account(L, out, out->n_rows);
        return;
    }
    lt->cache = tg_calloc(out->n_cols ? out->n_cols : 1, sizeof *lt->cache);
    lt->src = out;
    lt->idx = sel;
    lt->n = n;
    if (!lt->cache) tg_lua_raise(L, TG_ENOMEM, NULL);
}

static ltable *check_ltable(lua_State *L, int idx) {
    ltable *lt = tg_luaaux_check_udata(L, idx, TG_LUAVAL_TABLE_MT);
    if (is_freed(lt)) tg_luaaux_error(L, "the table was freed (t:free() or <close>)");
    return lt;
}

/* check_ltable, with a pending plan run. */
static ltable *ran_ltable(lua_State *L, int idx) {
    ltable *lt = check_ltable(L, idx);
    if (is_pending(lt)) run_plan(L, lt);
    return lt;
}

tg_table *tg_luaval_table_test(lua_State *L, int idx) {
    ltable *lt = luaL_testudata(L, idx, TG_LUAVAL_TABLE_MT);
    if (!lt || is_freed(lt)) return NULL;
    if (is_pending(lt)) run_plan(L, lt);
    if (!lt->t) materialize(L, lt);
    return lt->t;
}

tg_table *tg_luaval_table_check(lua_State *L, int idx) {
    ltable *lt = ran_ltable(L, idx);
    if (!lt->t) materialize(L, lt);
    return lt->t;
}

tg_table *tg_luaval_table_arg(lua_State *L, int idx, const char *fn, const char *key) {
    ltable *lt = luaL_testudata(L, idx, TG_LUAVAL_TABLE_MT);
    if (!lt) tg_luaaux_bad(L, fn, key, "a tegn.Table", idx);
    if (is_freed(lt))
        tg_luaaux_bad(L, fn, key, "a tegn.Table that is not freed (t:free() or <close>)", idx);
    return tg_luaval_table_check(L, idx);
}

const tg_table *tg_luaval_table_arg_shape(lua_State *L, int idx, const char *fn, const char *key) {
    ltable *lt = luaL_testudata(L, idx, TG_LUAVAL_TABLE_MT);
    if (!lt) tg_luaaux_bad(L, fn, key, "a tegn.Table", idx);
    if (is_freed(lt))
        tg_luaaux_bad(L, fn, key, "a tegn.Table that is not freed (t:free() or <close>)", idx);
    return tg_luaval_table_schema(L, idx);
}

const tg_table *tg_luaval_table_schema(lua_State *L, int idx) {
    ltable *lt = check_ltable(L, idx);
    if (is_pending(lt)) return tg_plan_schema(lt->plan);
    return lt->t ? lt->t : lt->src;
}

const tg_table *tg_luaval_table_shape(lua_State *L, int idx, size_t *n_rows) {
    ltable *lt = check_ltable(L, idx);
    if (is_pending(lt)) run_plan(L, lt); /* callers may read the columns */
    if (n_rows) *n_rows = lt->t ? lt->t->n_rows : lt->n;
    return lt->t ? lt->t : lt->src;
}

int tg_luaval_table_rows_of(lua_State *L, int idx, const tg_table **src, const size_t **rows,
                            size_t *n) {
    ltable *lt = ran_ltable(L, idx);
    if (lt->t) return 0;
    *src = lt->src;
    *rows = lt->idx;
    *n = lt->n;
    return 1;
}

const tg_table *tg_luaval_table_project(lua_State *L, int idx, const char *const *names, size_t n) {
    ltable *lt = ran_ltable(L, idx);
    void **box;
    tg_table *view;
    tg_status st;

    idx = lua_absindex(L, idx);
    if (lt->t) {
        lua_pushnil(L);
        return lt->t;
    }
    box = tg_luaaux_box(L, release_table);
    if (!(view = tg_table_new())) tg_lua_raise(L, TG_ENOMEM, NULL);
    *box = view;
    for (size_t i = 0; i < n; i++) {
        long k = tg_table_find(lt->src, names[i]);
        if (k < 0 || tg_table_find(view, names[i]) >= 0) continue;
        if ((st = tg_table_add(view, names[i], gathered(L, lt, (size_t)k))) != TG_OK)
            tg_lua_raise(L, st, NULL);
    }
    view->n_rows = lt->n;
    return view;
}

int tg_luaval_table_finish(lua_State *L, int idx) {
    size_t rows;
    const tg_table *t;
    lua_pushvalue(L, idx);
    if (is_pending(check_ltable(L, idx))) return 1; /* no columns yet: run_plan tells */
    t = tg_luaval_table_shape(L, idx, &rows);
    account(L, t, rows);
    return 1;
}

/* __gc, t:free() and __close: releases the columns now rather than at the
** next collection, so `local t <close> = ...` frees at scope end. */
static void release_ltable(ltable *lt) {
    tg_table_release(lt->t);
    lt->t = NULL;
    drop_selection(lt);
    tg_plan_release(lt->plan);
    lt->plan = NULL;
}

int tg_luaval_table_free(lua_State *L) {
    ltable *lt = tg_luaaux_check_udata(L, 1, TG_LUAVAL_TABLE_MT);
    lt->freed = 1;
    /* Called from a map_rows callback (or any Lua code a C function below
    ** called), a verb below may hold this table's columns or row indices
    ** borrowed: they stay until the collector takes the handle. */
    if (!tg_lua_inside_c(L)) release_ltable(lt);
    return 0;
}

/* Nothing can hold a handle being collected, nor borrow from it. */
static int l_table_gc(lua_State *L) {
    release_ltable(tg_luaaux_check_udata(L, 1, TG_LUAVAL_TABLE_MT));
    return 0;
}

static int l_table_len(lua_State *L) {
    size_t rows;
    tg_luaval_table_shape(L, 1, &rows);
    lua_pushinteger(L, (lua_Integer)rows);
    return 1;
}

/* "tegn.Table(3 rows: id int, navn string)" */
static int l_table_tostring(lua_State *L) {
    ltable *lt = tg_luaaux_check_udata(L, 1, TG_LUAVAL_TABLE_MT);
    const tg_table *t;
    size_t rows;
    luaL_Buffer b;
    if (is_freed(lt)) {
        lua_pushliteral(L, "tegn.Table(freed)");
        return 1;
    }
    t = tg_luaval_table_shape(L, 1, &rows);
    luaL_buffinit(L, &b);
    lua_pushfstring(L, "tegn.Table(%I rows", (lua_Integer)rows);
    luaL_addvalue(&b);
    for (size_t k = 0; k < t->n_cols; k++) {
        luaL_addstring(&b, k ? ", " : ": ");
        luaL_addstring(&b, t->names[k]);
        luaL_addchar(&b, ' ');
        luaL_addstring(&b, tg_type_name(t->cols[k]->type));
    }
    luaL_addchar(&b, ')');
    luaL_pushresult(&b);
    return 1;
}

/* The table at res (just built from the columns of the Table at orig's
** shape) becomes a selection of the same rows as orig, when orig is one. */
static void release_plan(void *p) {
    tg_plan_release(p);
}

/* same_rows for a plan: the table at r, built from the plan's schema
** columns, becomes a project step over the plan (each column found by
** identity among the schema's). */
static void plan_same_rows(lua_State *L, ltable *o, ltable *r) {
    const tg_table *sch = tg_plan_schema(o->plan), *t = r->t;
    const char **from = lua_newuserdatauv(L, (t->n_cols ? t->n_cols : 1) * sizeof *from, 0);
    void **box = tg_luaaux_box(L, release_plan);
    tg_error err;

    for (size_t i = 0; i < t->n_cols; i++)
        for (size_t k = 0; k < sch->n_cols; k++)
            if (sch->cols[k] == t->cols[i]) from[i] = sch->names[k];
    tg_err_clear(&err);
    *box = tg_plan_project(o->plan, (const char *const *)t->names, from, t->n_cols, &err);
    if (!*box) tg_luaaux_fail(L, err.code, &err, NULL);
    tg_table_release(r->t);
    r->t = NULL;
    r->plan = *box;
    *box = NULL;
    lua_pop(L, 2);
    tg_lua_push_where(L);
    tg_plan_set_origin(r->plan, lua_tostring(L, -1), NULL);
    lua_pop(L, 1);
}

void tg_luaval_table_same_rows(lua_State *L, int orig, tg_table **res) {
    ltable *o = check_ltable(L, orig), *r = (ltable *)res; /* t is the first member */
    size_t *idx;
    tg_col **cache;

    if (is_pending(o)) {
        plan_same_rows(L, o, r);
        return;
    }
    if (o->t) return;
    idx = tg_malloc((o->n ? o->n : 1) * sizeof *idx);
    cache = tg_calloc(r->t->n_cols ? r->t->n_cols : 1, sizeof *cache);
    if (!idx || !cache) {
        tg_free(idx);
        tg_free(cache);
        tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    if (o->n) memcpy(idx, o->idx, o->n * sizeof *idx);
    r->src = r->t;
    r->t = NULL;
    r->idx = idx;
    r->n = o->n;
    r->cache = cache;
}

/* ---- plans ---- */

int tg_luaval_table_pending(lua_State *L, int idx) {
    return is_pending(check_ltable(L, idx));
}

int tg_luaval_table_selected(lua_State *L, int idx) {
    const ltable *lt = check_ltable(L, idx);
    return !lt->t && lt->src != NULL;
}

int tg_luaval_lazy(void) {
    static int lazy = -1;
    if (lazy < 0) {
        const char *e = getenv("TEGN_EAGER");
        lazy = !(e && *e && strcmp(e, "0") != 0);
    }
    return lazy;
}


tg_plan *tg_luaval_table_plan(lua_State *L, int idx) {
    ltable *lt = check_ltable(L, idx);
    void **box = tg_luaaux_box(L, release_plan);
    tg_error err;

    tg_err_clear(&err);
    if (is_pending(lt)) *box = tg_plan_retain(lt->plan);
    else if (lt->t) *box = tg_plan_scan(lt->t, NULL, 0, &err);
    else if (lt->scan) *box = tg_plan_retain(lt->scan);
    else if ((lt->scan = tg_plan_scan_take(lt->src, lt->idx, lt->n, &err)))
        *box = tg_plan_retain(lt->scan); /* the selection's rows, not a copy */
    if (!*box) tg_lua_raise(L, TG_ENOMEM, NULL);
    return *box;
}

void tg_luaval_table_push_plan(lua_State *L, void **plan_box, const char *verb) {
    ltable *lt = push_ltable(L);
    lt->plan = *plan_box;
    *plan_box = NULL;
    tg_lua_push_where(L);
    tg_plan_set_origin(lt->plan, lua_tostring(L, -1), verb);
    lua_pop(L, 1);
}

const char *tg_luaval_table_explain(lua_State *L, int idx) {
    ltable *lt = check_ltable(L, idx);
    size_t rows;
    char *text;
    if (!lt->plan) {
        const tg_table *t = tg_luaval_table_shape(L, idx, &rows);
        lua_pushfstring(L,
                        "table %I rows, %I columns (no plan: the verbs that made it ran "
                        "eagerly)\n",
                        (lua_Integer)rows, (lua_Integer)t->n_cols);
        return lua_tostring(L, -1);
    }
    if (!(text = tg_plan_explain(lt->plan))) tg_lua_raise(L, TG_ENOMEM, NULL);
    lua_pushstring(L, text);
    tg_free(text);
    return lua_tostring(L, -1);
}

static const luaL_Reg table_meta[] = {
    { "__gc", l_table_gc },   { "__close", tg_luaval_table_free },
    { "__len", l_table_len }, { "__tostring", l_table_tostring },
    { NULL, NULL },
};

void tg_luaval_table_metamethods(lua_State *L) {
    luaL_setfuncs(L, table_meta, 0);
}

/* Pushes row i of col as a Lua value: int -> integer, float -> number,
** bool -> boolean, date -> "YYYY-MM-DD", string -> string, NULL -> nil. */
static void push_value(lua_State *L, const tg_col *c, size_t i) {
    char buf[16];
    const char *s;
    size_t len;
    if (!tg_col_is_valid(c, i)) {
        lua_pushnil(L);
        return;
    }
    switch (c->type) {
    case TG_INT: lua_pushinteger(L, c->v.i64[i]); return;
    case TG_FLOAT: lua_pushnumber(L, c->v.f64[i]); return;
    case TG_BOOL: lua_pushboolean(L, c->v.b8[i]); return;
    case TG_DATE:
        len = tg_date_format(c->v.date[i], buf);
        lua_pushlstring(L, buf, len);
        return;
    case TG_STRING:
        s = tg_dict_str(c->dict, c->v.str[i], &len);
        lua_pushlstring(L, s, len);
        return;
    }
    lua_pushnil(L);
}

/* Pushes row i as a table keyed by column name (NULLs absent). */
void tg_luaval_table_push_row(lua_State *L, const tg_table *t, size_t i) {
    lua_createtable(L, 0, (int)t->n_cols);
    for (size_t k = 0; k < t->n_cols; k++) {
        push_value(L, t->cols[k], i);
        lua_setfield(L, -2, t->names[k]);
    }
}

static int cmp_str_ptr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Raises for t.key / t:key() when key is neither a method nor a column,
** suggesting whichever of the two is nearer: a misspelt method
** (t:fliter) should not read as a missing column. */
static int no_such_key(lua_State *L, const tg_table *t, const char *key) {
    size_t n = 0;
    char **methods;
    const char *near;

    if (tg_luaaux_suggest(key, t->names, t->n_cols)) return tg_luaaux_no_column(L, t, key);
    n = tg_luaaux_count_keys(L, lua_upvalueindex(1));
    methods = lua_newuserdatauv(L, (n ? n : 1) * sizeof *methods, 0);
    n = 0;
    lua_pushnil(L);
    while (lua_next(L, lua_upvalueindex(1))) {
        lua_pop(L, 1);
        methods[n++] = (char *)lua_tostring(L, -1); /* the method table keeps it alive */
    }
    qsort(methods, n, sizeof *methods, cmp_str_ptr); /* ties must not depend on pairs order */
    near = tg_luaaux_suggest(key, methods, n);
    if (near)
        return tg_luaaux_error(L, "no method or column '%s'; did you mean the method '%s'?", key,
                               near);
    return tg_luaaux_no_column(L, t, key);
}

/* __index: a method, else a column (as an expression), else an error
** naming the nearest column. */
int tg_luaval_table_index(lua_State *L) {
    const tg_table *t;
    const char *key;

    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    t = tg_luaval_table_schema(L, 1);
    if (lua_type(L, 2) != LUA_TSTRING)
        return tg_luaaux_error(L, "a table is indexed by column names, not a %s",
                               luaL_typename(L, 2));
    key = lua_tostring(L, 2);
    if (tg_table_find(t, key) < 0) return no_such_key(L, t, key);
    tg_luaval_expr_push(L, 2, TG_LUAVAL_NAMES, "column", "name");
    return 1;
}


/* ---- tegn.Expr ---- */

tg_expr **tg_luaval_expr_new(lua_State *L) {
    tg_expr **slot = lua_newuserdatauv(L, sizeof *slot, 0);
    *slot = NULL;
    luaL_setmetatable(L, TG_LUAVAL_EXPR_MT);
    return slot;
}

/* Stores a freshly built node (NULL = allocation failure) in the slot on
** top of the stack. */
void tg_luaval_expr_fill(lua_State *L, tg_expr **slot, tg_expr *e) {
    if (!e) tg_lua_raise(L, TG_ENOMEM, NULL);
    if (e->depth > TG_EXPR_MAX_DEPTH) {
        /* Every node a script builds passes here: no deeper tree exists. */
        tg_expr_release(e);
        tg_luaaux_error(L, "expression nested deeper than %d levels", TG_EXPR_MAX_DEPTH);
    }
    *slot = e;
}

int tg_luaval_expr_test(lua_State *L, int idx) {
    return luaL_testudata(L, idx, TG_LUAVAL_EXPR_MT) != NULL;
}

tg_expr *tg_luaval_expr_check(lua_State *L, int idx) {
    tg_expr **slot = tg_luaaux_check_udata(L, idx, TG_LUAVAL_EXPR_MT);
    assert(*slot);
    return *slot;
}

/* ---- Lua values to expressions ---- */

static tg_expr *when_to_expr(lua_State *L, int idx);

tg_expr *tg_luaval_expr_push(lua_State *L, int idx, int flags, const char *fn, const char *key) {
    tg_expr **slot;
    int32_t days;
    size_t len;
    const char *s;
    int names = flags & TG_LUAVAL_NAMES;

    idx = lua_absindex(L, idx);
    if (tg_luaval_expr_test(L, idx)) {
        lua_pushvalue(L, idx);
        return tg_luaval_expr_check(L, -1);
    }
    if (luaL_testudata(L, idx, TG_LUAVAL_WHEN_MT)) return when_to_expr(L, idx);
    if ((flags & TG_LUAVAL_NO_BOOL) && lua_type(L, idx) == LUA_TBOOLEAN) {
        const char *b = lua_toboolean(L, idx) ? "true" : "false";
        return (tg_luaaux_error(L,
                                "%s: '%s' must be an expression, got %s (== and ~= on an "
                                "expression give a plain Lua boolean: use col\"x\":eq(v) or "
                                ":ne(v); a constant is tegn.lit(%s))",
                                fn, key, b, b),
                NULL);
    }
    slot = tg_luaval_expr_new(L);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) tg_luaval_expr_fill(L, slot, tg_expr_int(lua_tointeger(L, idx)));
        else tg_luaval_expr_fill(L, slot, tg_expr_float(lua_tonumber(L, idx)));
        return *slot;
    case LUA_TBOOLEAN:
        tg_luaval_expr_fill(L, slot, tg_expr_bool(lua_toboolean(L, idx)));
        return *slot;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        tg_luaval_expr_fill(L, slot, names ? tg_expr_col(s) : tg_expr_str(s, len));
        return *slot;
    default:
        if (tg_luaaux_date_test(L, idx, &days)) {
            tg_luaval_expr_fill(L, slot, tg_expr_date(days));
            return *slot;
        }
        if (tg_luaaux_is_null(L, idx)) {
            tg_luaval_expr_fill(L, slot, tg_expr_null());
            return *slot;
        }
    }
    return (tg_luaaux_bad(L, fn, key,
                          names                         ? "an expression or a column name"
                          : (flags & TG_LUAVAL_NO_BOOL) ? "an expression or a value (number, "
                                                          "string, date)"
                                                        : "an expression or a value (number, "
                                                          "string, boolean, date)",
                          idx),
            NULL);
}

/* The distinct column names under e (see tg_expr_columns), in an array
** owned by a box pushed on the stack; raises on allocation failure. */
static const char **columns_of(lua_State *L, const tg_expr *e, size_t *n) {
    void **box = tg_luaaux_box(L, tg_free);
    const char **names;
    tg_status st = tg_expr_columns(e, &names, n);
    if (st != TG_OK) tg_lua_raise(L, st, NULL);
    *box = (void *)names;
    return names;
}

void tg_luaval_expr_check_columns(lua_State *L, const tg_expr *e, const tg_table *t) {
    size_t n;
    const char **names = columns_of(L, e, &n);
    for (size_t i = 0; i < n; i++)
        if (tg_table_find(t, names[i]) < 0) tg_luaaux_no_column(L, t, names[i]);
    lua_pop(L, 1);
}

const char **tg_luaval_expr_columns(lua_State *L, const tg_expr *e, size_t *n) {
    return columns_of(L, e, n);
}

static void release_col(void *p) {
    tg_col_release(p);
}

void tg_luaval_expr_typecheck(lua_State *L, const tg_expr *e, const tg_table *t) {
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    tg_type type;

    tg_luaval_expr_check_columns(L, e, t);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_exec_type(e, t, &intr, &type, &err);
    if (st != TG_OK) tg_luaaux_fail(L, st, &err, NULL);
}

tg_col *tg_luaval_expr_eval(lua_State *L, const tg_expr *e, const tg_table *t) {
    void **box;
    tg_interrupt intr;
    tg_col *c = NULL;
    tg_error err;
    tg_status st;

    tg_luaval_expr_check_columns(L, e, t);
    box = tg_luaaux_box(L, release_col);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_exec_eval(e, t, &intr, &c, &err);
    if (st != TG_OK) tg_luaaux_fail(L, st, &err, NULL);
    *box = c;
    return c;
}


/* Folds the branches at 'when' from the last, around 'otherwise' (the
** expression on top of the stack), into nested if_else nodes; pushes the
** result. */
tg_expr *tg_luaval_when_fold(lua_State *L, int when) {
    lua_Integer n;
    int list;
    when = lua_absindex(L, when);
    lua_getiuservalue(L, when, 1);
    list = lua_gettop(L);
    n = (lua_Integer)lua_rawlen(L, list);
    lua_pushvalue(L, list - 1); /* otherwise */
    for (lua_Integer i = n - 1; i >= 1; i -= 2) {
        lua_rawgeti(L, list, i);
        lua_rawgeti(L, list, i + 1);
        tg_expr *c = tg_luaval_expr_check(L, -2), *v = tg_luaval_expr_check(L, -1),
                *o = tg_luaval_expr_check(L, -3);
        tg_expr **slot = tg_luaval_expr_new(L);
        tg_luaval_expr_fill(L, slot, tg_expr_if_else(c, v, o));
        lua_replace(L, -4);
        lua_pop(L, 2);
    }
    return tg_luaval_expr_check(L, -1);
}

/* A When used without :otherwise gives NULL where no branch holds. */
static tg_expr *when_to_expr(lua_State *L, int idx) {
    tg_expr **slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_null());
    tg_expr *e = tg_luaval_when_fold(L, idx);
    lua_replace(L, -3);
    lua_pop(L, 1);
    return e;
}

/* ---- tegn.Window ---- */

enum { UV_EXPR = 1, UV_BY, UV_ORDER, UV_DEFAULT, N_UV = UV_DEFAULT };

typedef struct win {
    tg_window_fn fn;
    long k;
    long min_periods;
} win;


/* Pushes a Window for fn over the expression at expr (0: none) with the
** options table at opts (0 or nil: none). */
void tg_luaval_window_push(lua_State *L, tg_window_fn fn, int expr, long k, int opts) {
    static const char *const known[] = { "by", "order", "default", "min_periods", NULL };
    const char *name = tg_window_name(fn);
    win *w;

    if (opts) opts = lua_absindex(L, opts);
    if (expr) expr = lua_absindex(L, expr);
    if (opts) tg_luaaux_check_opts(L, opts, known, name);
    w = lua_newuserdatauv(L, sizeof *w, N_UV);
    w->fn = fn;
    w->k = k;
    w->min_periods = 0;
    luaL_setmetatable(L, TG_LUAVAL_WINDOW_MT);
    if (expr) {
        tg_luaval_expr_push(L, expr, TG_LUAVAL_NAMES | TG_LUAVAL_NO_BOOL, name, "e");
        lua_setiuservalue(L, -2, UV_EXPR);
    }
    if (opts && lua_istable(L, opts)) {
        static const int uv[] = { UV_BY, UV_ORDER, UV_DEFAULT };
        static const char *const keys[] = { "by", "order", "default" };
        for (int i = 0; i < 3; i++) {
            lua_getfield(L, opts, keys[i]);
            lua_setiuservalue(L, -2, uv[i]);
        }
        w->min_periods = (long)tg_luaaux_opt_integer(L, opts, name, "min_periods", 0, 1, k);
    }
}

int tg_luaval_window_tostring(lua_State *L) {
    win *w = tg_luaaux_check_udata(L, 1, TG_LUAVAL_WINDOW_MT);
    lua_pushfstring(L, "tegn.Window(%s)", tg_window_name(w->fn));
    return 1;
}

int tg_luaval_window_test(lua_State *L, int idx) {
    return luaL_testudata(L, idx, TG_LUAVAL_WINDOW_MT) != NULL;
}

tg_col *tg_luaval_scalar(lua_State *L, int idx, const char *fn, const char *key) {
    void **box;
    int top;
    tg_table *one;
    tg_expr *e;
    tg_col *c = NULL;
    tg_error err;
    tg_status st;

    idx = lua_absindex(L, idx);
    box = tg_luaaux_box(L, release_col);
    top = lua_gettop(L);
    if (lua_isnoneornil(L, idx) || tg_luaaux_is_null(L, idx)) return NULL;
    if (tg_luaval_expr_test(L, idx)) tg_luaaux_bad(L, fn, key, "a value, not an expression", idx);
    e = tg_luaval_expr_push(L, idx, 0, fn, key);
    /* A literal evaluated over a table of one row and no columns. */
    void **tbox = tg_luaaux_box(L, release_table);
    if (!(one = tg_table_new())) tg_lua_raise(L, TG_ENOMEM, NULL);
    *tbox = one;
    one->n_rows = 1;
    tg_err_clear(&err);
    st = tg_exec_eval(e, one, NULL, &c, &err);
    if (st != TG_OK) tg_luaaux_fail(L, st, &err, fn);
    *box = c;
    lua_settop(L, top);
    return c;
}

tg_col *tg_luaval_window_eval(lua_State *L, int idx, const tg_table *t) {
    win *w = tg_luaaux_check_udata(L, idx, TG_LUAVAL_WINDOW_MT);
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
    box = tg_luaaux_box(L, release_col);
    top = lua_gettop(L);
    memset(&spec, 0, sizeof spec);
    spec.fn = w->fn;
    spec.k = w->k;
    spec.min_periods = w->min_periods;
    if (lua_getiuservalue(L, idx, UV_EXPR) != LUA_TNIL) {
        tg_expr *e = *(tg_expr **)lua_touserdata(L, -1);
        if (e->op == TG_OP_COL) {
            if (tg_table_find(t, e->u.name) < 0) tg_luaaux_no_column(L, t, e->u.name);
            spec.col = e->u.name; /* the Window keeps the expression alive */
        } else {
            /* Over an expression: its values as a temporary column. */
            tg_col *c = tg_luaval_expr_eval(L, e, t);
            void **tbox = tg_luaaux_box(L, release_table);
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
        spec.by = tg_luaaux_names(L, -1, name, "by", &spec.n_by);
        for (size_t i = 0; i < spec.n_by; i++)
            if (tg_table_find(t, spec.by[i]) < 0) tg_luaaux_no_column(L, t, spec.by[i]);
    }
    if (lua_getiuservalue(L, idx, UV_ORDER) != LUA_TNIL) {
        int *desc;
        int list = lua_gettop(L);
        spec.order = tg_luaaux_sort_keys(L, list, t, name, "order", &desc);
        spec.order_desc = desc;
        spec.n_order =
            lua_type(L, list) == LUA_TSTRING ? 1 : (size_t)(lua_Integer)lua_rawlen(L, list);
    }
    lua_getiuservalue(L, idx, UV_DEFAULT);
    spec.dflt = tg_luaval_scalar(L, -1, name, "default");
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_window(src, &spec, &intr, &out, &err);
    if (st != TG_OK) tg_luaaux_fail(L, st, &err, name);
    *box = out;
    lua_settop(L, top);
    return out;
}

/* ---- tegn.TakstRules ---- */

tg_takst_rules *tg_luaval_rules_push(lua_State *L, const tg_takst_rules *r) {
    tg_takst_rules *u = lua_newuserdatauv(L, sizeof *u, 0);
    *u = *r;
    luaL_setmetatable(L, TG_LUAVAL_RULES_MT);
    return u;
}

/* The rules named by the value at idx: a TakstRules, a built-in set's name,
** or nil for BEK2022. */
tg_takst_rules tg_luaval_rules(lua_State *L, int idx, const char *fname, const char *key) {
    tg_takst_rules r;
    tg_error err;
    const tg_takst_rules *u = luaL_testudata(L, idx, TG_LUAVAL_RULES_MT);
    if (u) return *u;
    if (lua_isnoneornil(L, idx)) {
        tg_takst_rules_builtin("BEK2022", &r, NULL);
        return r;
    }
    if (lua_type(L, idx) != LUA_TSTRING)
        tg_luaaux_bad(L, fname, key, "a rule set (tegn.takst.rules) or its name", idx);
    tg_err_clear(&err);
    if (tg_takst_rules_builtin(lua_tostring(L, idx), &r, &err) != TG_OK)
        tg_luaaux_fail(L, TG_EARG, &err, fname);
    return r;
}


double tg_luaval_omkostninger(lua_State *L, int idx, const char *fn, const char *key, double *omk,
                              int regulering) {
    static const char *const with[] = {
        "direkte_loen", "direkte_drift", "ejendom",  "overhead",      "tilsyn", "afskrivning",
        "forrentning",  "tjm_pension",   "indtaegt", "regulering_n2", NULL
    };
    static const char *const without[] = {
        "direkte_loen", "direkte_drift", "ejendom",     "overhead", "tilsyn",
        "afskrivning",  "forrentning",   "tjm_pension", "indtaegt", NULL
    };
    double sum = 0;
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx))
        tg_luaaux_bad(L, fn, key, "a table of omkostningstyper and amounts", idx);
    lua_pushfstring(L, "%s: %s", fn, key);
    tg_luaaux_check_opts(L, idx, regulering ? with : without, lua_tostring(L, -1));
    lua_pop(L, 1);
    for (int k = 0; k < TG_OMK_N; k++) {
        omk[k] = NAN;
        if (k == TG_OMK_REGULERING && !regulering) continue;
        if (lua_getfield(L, idx, tg_takst_omk_name(k)) != LUA_TNIL)
            omk[k] = tg_luaaux_check_number(L, -1, fn, tg_takst_omk_name(k), -HUGE_VAL, HUGE_VAL);
        if (!isnan(omk[k])) sum += omk[k];
        lua_pop(L, 1);
    }
    return sum;
}

/* ---- JSON ---- */

static void free_json(void *p) {
    tg_json_free(p);
}

/* Pushes a box owning v (NULL: out of memory) and returns v. */
static tg_json *boxed(lua_State *L, tg_json *v) {
    void **box = tg_luaaux_box(L, free_json);
    if (!v) tg_lua_raise(L, TG_ENOMEM, NULL);
    *box = v;
    return v;
}

/* Takes the node out of the box at the top of the stack and pops it. */
static tg_json *unbox(lua_State *L) {
    void **box = lua_touserdata(L, -1);
    tg_json *v = *box;
    *box = NULL;
    lua_pop(L, 1);
    return v;
}

static void add(lua_State *L, tg_json *parent, const char *key, tg_json *child) {
    tg_error err;
    tg_status st =
        key ? tg_json_set_take(parent, key, child, &err) : tg_json_push_take(parent, child, &err);
    if (st != TG_OK) tg_luaaux_fail(L, st, &err, "emit");
}

/* Converts the value at idx into a boxed tg_json pushed on the stack.
** 'path' names the value in messages ("series", "signs[3].navn"). */
static tg_json *convert(lua_State *L, int idx, int depth, int decimals, const char *path) {
    const tg_table *t;
    int32_t days;
    size_t len;
    const char *s;

    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN: return boxed(L, tg_json_bool(lua_toboolean(L, idx)));
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) return boxed(L, tg_json_int(lua_tointeger(L, idx)));
        return boxed(L, tg_json_real(lua_tonumber(L, idx), decimals));
    case LUA_TSTRING: s = lua_tolstring(L, idx, &len); return boxed(L, tg_json_str(s, len));
    case LUA_TTABLE: break;
    default:
        if ((t = tg_luaval_table_test(L, idx)) != NULL) return boxed(L, tg_json_table(t, decimals));
        if (luaL_testudata(L, idx, TG_LUAVAL_TABLE_MT))
            tg_luaaux_error(L, "emit: '%s' is a table that was freed", path);
        if (tg_luaaux_date_test(L, idx, &days)) {
            char buf[16];
            len = tg_date_format(days, buf);
            return boxed(L, tg_json_str(buf, len));
        }
        if (tg_luaaux_is_null(L, idx)) return boxed(L, tg_json_null());
        if (tg_luaval_expr_test(L, idx))
            tg_luaaux_error(L, "emit: '%s' is an expression; compute it with derive or agg first",
                            path);
        tg_luaaux_error(L, "emit: '%s' is a %s, which JSON cannot hold", path,
                        luaL_typename(L, idx));
    }

    /* A Lua table: a list when its keys are exactly 1..n (an empty table
    ** is an empty list), else an object whose keys must all be strings. */
    if (depth >= TG_LUAVAL_JSON_MAX_DEPTH)
        tg_luaaux_error(L,
                        "emit: '%s' is nested more than %d deep (does a table contain "
                        "itself?)",
                        path, TG_LUAVAL_JSON_MAX_DEPTH);
    luaL_checkstack(L, 8, "emit");
    size_t n = (size_t)lua_rawlen(L, idx), count = 0;
    int strings = 1;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        count++;
        if (lua_type(L, -1) != LUA_TSTRING) strings = 0;
    }
    if (count == n) {
        tg_json *arr = boxed(L, tg_json_array());
        for (size_t i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i);
            lua_pushfstring(L, "%s[%I]", path, (lua_Integer)i);
            convert(L, -2, depth + 1, decimals, lua_tostring(L, -1));
            tg_json *child = unbox(L);
            lua_pop(L, 2);
            add(L, arr, NULL, child);
        }
        return arr;
    }
    if (!strings)
        tg_luaaux_error(L,
                        "emit: '%s' mixes list items and named keys (or has keys that are "
                        "not strings)",
                        path);
    tg_json *obj = boxed(L, tg_json_object());
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *key = lua_tostring(L, -2);
        lua_pushfstring(L, depth ? "%s.%s" : "%s%s", depth ? path : "", key);
        convert(L, -2, depth + 1, decimals, lua_tostring(L, -1));
        tg_json *child = unbox(L);
        lua_pop(L, 2);
        add(L, obj, key, child);
    }
    tg_json_sort_keys(obj);
    return obj;
}


tg_json *tg_luaval_json(lua_State *L, int idx, int decimals, const char *path) {
    idx = lua_absindex(L, idx);
    lua_pushstring(L, path);
    convert(L, idx, 0, decimals, path);
    tg_json *v = unbox(L);
    lua_pop(L, 1);
    return v;
}

static void walk(lua_State *L, int idx, int opts, int names, const char *fn, int depth) {
    const tg_table *t = tg_luaval_table_test(L, idx);
    if (t) {
        tg_luaaux_check_identifiers(L, t, opts, names, fn);
        return;
    }
    /* a cycle or a deep tree: tg_luaval_json refuses it with its own message */
    if (!lua_istable(L, idx) || depth > 64 || !lua_checkstack(L, 3)) return;
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        walk(L, -1, opts, names, fn, depth + 1);
        lua_pop(L, 1);
    }
}

void tg_luaval_check_identifiers(lua_State *L, int idx, int opts, int names, const char *fn) {
    if (opts) opts = lua_absindex(L, opts);
    walk(L, idx, opts && lua_istable(L, opts) ? opts : 0, names, fn, 0);
}
