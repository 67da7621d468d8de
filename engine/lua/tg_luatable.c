/*
** tg_luatable.c -- the tegn.Table userdata (see tg_luatable.h). A Table is
** either a table (one tg_table reference) or a pending row selection: rows
** idx[0..n) of a source table, whose columns are gathered only when a verb
** needs them, and then one at a time. A filter therefore costs a predicate
** and an index array; counting its rows, filtering again or aggregating a
** few of its columns never copies the others. Both NULL after t:free().
** Indexing looks up methods first, then columns.
*/
#include "tg_luatable.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_db.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_lua.h"
#include "tg_luaexpr.h"
#include "tg_luagroup.h"
#include "tg_lualib.h"
#include "tg_luaverb.h"
#include "tg_luawin.h"
#include "tg_mem.h"
#include "tg_out.h"

#define MAX_ROWS_TO_LUA 1000000 /* t:rows() refuses more: each value costs a Lua object */

/* The userdata. 't' comes first: tg_luatable_new hands out its address. */
typedef struct ltable {
    tg_table *t;   /* the table, or NULL while a selection is pending */
    tg_table *src; /* pending: rows idx[0..n) of src */
    size_t *idx;
    size_t n;
    tg_col **cache; /* src->n_cols entries: columns gathered so far, or NULL */
} ltable;

/* ---- the userdata ---- */

static void drop_selection(ltable *lt) {
    if (lt->cache)
        for (size_t k = 0; k < lt->src->n_cols; k++) tg_col_release(lt->cache[k]);
    tg_free(lt->cache);
    tg_free(lt->idx);
    tg_table_release(lt->src);
    lt->cache = NULL;
    lt->idx = NULL;
    lt->src = NULL;
    lt->n = 0;
}

static ltable *push_ltable(lua_State *L) {
    ltable *lt = lua_newuserdatauv(L, sizeof *lt, 0);
    memset(lt, 0, sizeof *lt);
    luaL_setmetatable(L, TG_LUATABLE_MT);
    return lt;
}

tg_table **tg_luatable_new(lua_State *L) {
    return &push_ltable(L)->t;
}

void tg_luatable_push_rows(lua_State *L, const tg_table *src, void **idx_box, size_t n) {
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
    void **box = tg_lualib_box(L, release_table);
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

static ltable *check_ltable(lua_State *L, int idx) {
    ltable *lt = luaL_checkudata(L, idx, TG_LUATABLE_MT);
    if (!lt->t && !lt->src) luaL_argerror(L, idx, "the table was freed (t:free() or <close>)");
    return lt;
}

tg_table *tg_luatable_test(lua_State *L, int idx) {
    ltable *lt = luaL_testudata(L, idx, TG_LUATABLE_MT);
    if (!lt || (!lt->t && !lt->src)) return NULL;
    if (!lt->t) materialize(L, lt);
    return lt->t;
}

tg_table *tg_luatable_check(lua_State *L, int idx) {
    ltable *lt = check_ltable(L, idx);
    if (!lt->t) materialize(L, lt);
    return lt->t;
}

const tg_table *tg_luatable_shape(lua_State *L, int idx, size_t *n_rows) {
    ltable *lt = check_ltable(L, idx);
    if (n_rows) *n_rows = lt->t ? lt->t->n_rows : lt->n;
    return lt->t ? lt->t : lt->src;
}

int tg_luatable_rows_of(lua_State *L, int idx, const tg_table **src, const size_t **rows,
                        size_t *n) {
    ltable *lt = check_ltable(L, idx);
    if (lt->t) return 0;
    *src = lt->src;
    *rows = lt->idx;
    *n = lt->n;
    return 1;
}

const tg_table *tg_luatable_project(lua_State *L, int idx, const char *const *names, size_t n) {
    ltable *lt = check_ltable(L, idx);
    void **box;
    tg_table *view;
    tg_status st;

    idx = lua_absindex(L, idx);
    if (lt->t) {
        lua_pushnil(L);
        return lt->t;
    }
    box = tg_lualib_box(L, release_table);
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

/* Without this, a loop making big tables would let dead ones pile up
** until the memory cap: the collector paces itself by Lua's own heap. */
int tg_luatable_finish(lua_State *L, int idx) {
    size_t rows, bytes = 0;
    const tg_table *t = tg_luatable_shape(L, idx, &rows);
    lua_pushvalue(L, idx);
    for (size_t k = 0; k < t->n_cols; k++) bytes += rows * tg_type_width(t->cols[k]->type);
    if (bytes >= 64 * 1024) {
        size_t kb = bytes / 1024;
        lua_gc(L, LUA_GCSTEP, kb > ((size_t)1 << 20) ? 1 << 20 : (int)kb);
    }
    return 1;
}

/* __gc, t:free() and __close: releases the columns now rather than at the
** next collection, so `local t <close> = ...` frees at scope end. */
static int l_table_free(lua_State *L) {
    ltable *lt = luaL_checkudata(L, 1, TG_LUATABLE_MT);
    tg_table_release(lt->t);
    lt->t = NULL;
    drop_selection(lt);
    return 0;
}

static int l_table_len(lua_State *L) {
    size_t rows;
    tg_luatable_shape(L, 1, &rows);
    lua_pushinteger(L, (lua_Integer)rows);
    return 1;
}

/* "tegn.Table(3 rows: id int, navn string)" */
static int l_table_tostring(lua_State *L) {
    ltable *lt = luaL_checkudata(L, 1, TG_LUATABLE_MT);
    const tg_table *t;
    size_t rows;
    luaL_Buffer b;
    if (!lt->t && !lt->src) {
        lua_pushliteral(L, "tegn.Table(freed)");
        return 1;
    }
    t = tg_luatable_shape(L, 1, &rows);
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

/* ---- reading values ---- */

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

/* t:schema() -> { {name = "id", type = "int"}, ... } */
static int l_table_schema(lua_State *L) {
    const tg_table *t = tg_luatable_shape(L, 1, NULL);
    lua_createtable(L, (int)t->n_cols, 0);
    for (size_t k = 0; k < t->n_cols; k++) {
        lua_createtable(L, 0, 2);
        lua_pushstring(L, t->names[k]);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, tg_type_name(t->cols[k]->type));
        lua_setfield(L, -2, "type");
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/* t:columns() -> { "id", "navn", ... } */
static int l_table_columns(lua_State *L) {
    const tg_table *t = tg_luatable_shape(L, 1, NULL);
    lua_createtable(L, (int)t->n_cols, 0);
    for (size_t k = 0; k < t->n_cols; k++) {
        lua_pushstring(L, t->names[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/* Pushes row i as a table keyed by column name (NULLs absent). */
void tg_luatable_push_row(lua_State *L, const tg_table *t, size_t i) {
    lua_createtable(L, 0, (int)t->n_cols);
    for (size_t k = 0; k < t->n_cols; k++) {
        push_value(L, t->cols[k], i);
        lua_setfield(L, -2, t->names[k]);
    }
}

/* t:rows() -> { {col = value, ...}, ... }, for small tables only */
static int l_table_rows(lua_State *L) {
    const tg_table *t;
    size_t rows;
    tg_luatable_shape(L, 1, &rows); /* refuse before gathering a selection */
    if (rows > MAX_ROWS_TO_LUA)
        return tg_lualib_error(L,
                               "rows: the table has %I rows, more than the %d rows:() turns into "
                               "Lua tables; use t:head(n):rows() or reduce it with a verb first",
                               (lua_Integer)rows, MAX_ROWS_TO_LUA);
    t = tg_luatable_check(L, 1);
    lua_createtable(L, (int)t->n_rows, 0);
    for (size_t i = 0; i < t->n_rows; i++) {
        if ((i & (TG_VECTOR - 1)) == 0) tg_lua_check(L);
        tg_luatable_push_row(L, t, i);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ---- verbs that only rearrange columns ---- */

/* The table at res (just built from the columns of the Table at orig's
** shape) becomes a selection of the same rows as orig, when orig is one. */
static void same_rows(lua_State *L, int orig, tg_table **res) {
    ltable *o = check_ltable(L, orig), *r = (ltable *)res; /* t is the first member */
    size_t *idx;
    tg_col **cache;

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

/* t:head([n = 10]) -> the first n rows */
static int l_table_head(lua_State *L) {
    lua_Integer n = luaL_optinteger(L, 2, 10);
    const tg_table *src;
    const size_t *rows;
    size_t total;
    tg_table **slot;

    luaL_argcheck(L, n >= 0, 2, "row count must be >= 0");
    if (tg_luatable_rows_of(L, 1, &src, &rows, &total)) {
        size_t m = (size_t)n < total ? (size_t)n : total;
        void **box = tg_lualib_box(L, tg_free);
        if (!(*box = tg_malloc((m ? m : 1) * sizeof *rows)))
            return tg_lua_raise(L, TG_ENOMEM, NULL);
        if (m) memcpy(*box, rows, m * sizeof *rows);
        tg_luatable_push_rows(L, src, box, m);
        return 1;
    }
    const tg_table *t = tg_luatable_check(L, 1);
    size_t m = (size_t)n < t->n_rows ? (size_t)n : t->n_rows;
    slot = tg_luatable_new(L);
    if (m == t->n_rows) {
        *slot = tg_table_retain((tg_table *)t);
        return 1;
    }
    *slot = tg_table_new();
    if (!*slot) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t k = 0; k < t->n_cols; k++) {
        tg_col *c = tg_col_slice(t->cols[k], 0, m);
        tg_status st = c ? tg_table_add(*slot, t->names[k], c) : TG_ENOMEM;
        tg_col_release(c);
        if (st != TG_OK) return tg_lua_raise(L, st, NULL);
    }
    return 1;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Collects the string keys of the table at idx, sorted by their bytes,
** into an array kept in a userdata pushed on the stack (the strings are
** kept alive by the table). Integer keys 1..#t are skipped (the caller
** reads the array part); any other key raises. */
const char **tg_luatable_sorted_keys(lua_State *L, int idx, size_t *n, const char *fname) {
    size_t count = 0, len;
    const char **keys;

    idx = lua_absindex(L, idx);
    len = (size_t)luaL_len(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        count++;
    }
    keys = lua_newuserdatauv(L, (count ? count : 1) * sizeof *keys, 0);
    count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            keys[count++] = lua_tostring(L, -1);
        } else if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
                   (size_t)lua_tointeger(L, -1) > len) {
            tg_lualib_error(L, "%s: expected a list of names and name = value pairs, got a %s key",
                            fname, luaL_typename(L, -1));
        }
    }
    qsort(keys, count, sizeof *keys, cmp_str);
    *n = count;
    return keys;
}

/* Adds column 'old' of t to out as 'name'; raises on an unknown column or
** a repeated name. */
static void add_renamed(lua_State *L, const tg_table *t, tg_table *out, const char *name,
                        const char *old, const char *fname) {
    long k = tg_table_find(t, old);
    tg_status st;
    if (k < 0) tg_lualib_no_column(L, t, old);
    if (tg_table_find(out, name) >= 0) tg_lualib_error(L, "%s: column '%s' twice", fname, name);
    st = tg_table_add(out, name, t->cols[k]);
    if (st != TG_OK) tg_lua_raise(L, st, NULL);
}

/* t:select{"a", "b", new = "old"} or t:select("a", "b"): the named
** columns, list entries first in their order, then renames sorted by the
** new name. */
static int l_table_select(lua_State *L) {
    size_t rows;
    const tg_table *t = tg_luatable_shape(L, 1, &rows);
    tg_table **slot;

    if (lua_type(L, 2) == LUA_TSTRING) { /* select("a", "b") */
        int n = lua_gettop(L);
        slot = tg_luatable_new(L);
        if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
        for (int i = 2; i <= n; i++) {
            const char *name = luaL_checkstring(L, i);
            add_renamed(L, t, *slot, name, name, "select");
        }
        (*slot)->n_rows = (*slot)->n_cols ? (*slot)->n_rows : t->n_rows;
        same_rows(L, 1, slot);
        return 1;
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    size_t n_keys, n_list = (size_t)luaL_len(L, 2);
    const char **keys = tg_luatable_sorted_keys(L, 2, &n_keys, "select");
    slot = tg_luatable_new(L);
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t i = 1; i <= n_list; i++) {
        if (lua_rawgeti(L, 2, (lua_Integer)i) != LUA_TSTRING)
            return tg_lualib_error(L, "select: entry %d is not a column name", (int)i);
        const char *name = lua_tostring(L, -1);
        add_renamed(L, t, *slot, name, name, "select");
        lua_pop(L, 1);
    }
    for (size_t i = 0; i < n_keys; i++) {
        if (lua_getfield(L, 2, keys[i]) != LUA_TSTRING)
            return tg_lualib_error(L, "select: '%s' must name an existing column (new = \"old\")",
                                   keys[i]);
        const char *old = lua_tostring(L, -1);
        add_renamed(L, t, *slot, keys[i], old, "select");
        lua_pop(L, 1);
    }
    (*slot)->n_rows = (*slot)->n_cols ? (*slot)->n_rows : t->n_rows;
    same_rows(L, 1, slot);
    return 1;
}

/* t:rename{new = "old", ...}: same columns in the same order, some of
** them under new names. */
static int l_table_rename(lua_State *L) {
    const tg_table *t = tg_luatable_shape(L, 1, NULL);
    size_t n_keys;
    const char **keys, **names;
    tg_table **slot;

    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    if (luaL_len(L, 2) > 0) return tg_lualib_error(L, "rename: expected new = \"old\" pairs");
    keys = tg_luatable_sorted_keys(L, 2, &n_keys, "rename");
    names = lua_newuserdatauv(L, (t->n_cols ? t->n_cols : 1) * sizeof *names, 0);
    for (size_t k = 0; k < t->n_cols; k++) names[k] = t->names[k];
    for (size_t i = 0; i < n_keys; i++) {
        if (lua_getfield(L, 2, keys[i]) != LUA_TSTRING)
            return tg_lualib_error(L, "rename: '%s' must name an existing column (new = \"old\")",
                                   keys[i]);
        const char *old = lua_tostring(L, -1);
        long k = tg_table_find(t, old);
        if (k < 0) return tg_lualib_no_column(L, t, old);
        if (names[k] != t->names[k])
            return tg_lualib_error(L, "rename: column '%s' renamed twice", old);
        names[k] = keys[i];
        lua_pop(L, 1);
    }
    slot = tg_luatable_new(L);
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t k = 0; k < t->n_cols; k++) {
        if (tg_table_find(*slot, names[k]) >= 0)
            return tg_lualib_error(L, "rename: column '%s' would appear twice", names[k]);
        tg_status st = tg_table_add(*slot, names[k], t->cols[k]);
        if (st != TG_OK) return tg_lua_raise(L, st, NULL);
    }
    (*slot)->n_rows = t->n_rows;
    same_rows(L, 1, slot);
    return 1;
}

/* ---- output ---- */

/* t:write_sqlite(db, table [, {mode = "create" | "replace" | "append"}]) */
static int l_table_write_sqlite(lua_State *L) {
    static const char *const known[] = { "mode", NULL };
    static const char *const modes[] = { "create", "replace", "append", NULL };
    static const tg_db_mode values[] = { TG_DB_CREATE, TG_DB_REPLACE, TG_DB_APPEND };
    const tg_table *t = tg_luatable_check(L, 1);
    const char *db = luaL_checkstring(L, 2);
    const char *name = luaL_checkstring(L, 3);
    tg_db_mode mode = TG_DB_CREATE;
    tg_error err;
    tg_status st;

    tg_lualib_check_opts(L, 4, known, "write_sqlite");
    if (lua_istable(L, 4)) {
        lua_getfield(L, 4, "mode");
        if (!lua_isnil(L, -1)) mode = values[luaL_checkoption(L, -1, NULL, modes)];
        lua_pop(L, 1);
    }
    tg_lua_check(L);
    tg_err_clear(&err);
    st = tg_db_write(db, name, t, mode, &err);
    if (st != TG_OK) return tg_lualib_fail(L, st, &err, "write_sqlite");
    return 0;
}

/* t:write_csv(path [, opts]): the table as CSV, written atomically.
** opts: excel = true (Danish Excel: ';', decimal comma, BOM, CRLF,
** dd-mm-yyyy) as the base, then sep, decimal, bom, crlf, header,
** dates = "iso" | "dmy", decimals. */
static int l_table_write_csv(lua_State *L) {
    static const char *const known[] = { "excel",  "sep",   "decimal",  "bom", "crlf",
                                         "header", "dates", "decimals", NULL };
    static const char *const dates[] = { "iso", "dmy", NULL };
    const tg_table *t = tg_luatable_check(L, 1);
    const char *path = luaL_checkstring(L, 2);
    tg_out_csv_opts o;
    tg_interrupt intr;
    tg_error err;
    tg_status st;

    tg_lualib_check_opts(L, 3, known, "write_csv");
    tg_out_csv_opts_init(&o);
    if (lua_istable(L, 3)) {
        lua_getfield(L, 3, "excel");
        if (lua_toboolean(L, -1)) tg_out_csv_opts_excel_da(&o);
        lua_pop(L, 1);
        lua_getfield(L, 3, "sep");
        if (!lua_isnil(L, -1)) {
            const char *sep = luaL_checkstring(L, -1);
            if (strlen(sep) != 1) return tg_lualib_error(L, "write_csv: 'sep' is one character");
            o.delim = sep[0];
        }
        lua_getfield(L, 3, "decimal");
        if (!lua_isnil(L, -1)) {
            const char *dec = luaL_checkstring(L, -1);
            if (strcmp(dec, ".") != 0 && strcmp(dec, ",") != 0)
                return tg_lualib_error(L, "write_csv: 'decimal' is \".\" or \",\"");
            o.decimal = dec[0];
        }
        lua_getfield(L, 3, "bom");
        if (!lua_isnil(L, -1)) o.bom = lua_toboolean(L, -1);
        lua_getfield(L, 3, "crlf");
        if (!lua_isnil(L, -1)) o.crlf = lua_toboolean(L, -1);
        lua_getfield(L, 3, "header");
        if (!lua_isnil(L, -1)) o.header = lua_toboolean(L, -1);
        lua_getfield(L, 3, "dates");
        if (!lua_isnil(L, -1))
            o.date_fmt = luaL_checkoption(L, -1, NULL, dates) ? TG_OUT_DATE_DMY : TG_OUT_DATE_ISO;
        lua_getfield(L, 3, "decimals");
        if (!lua_isnil(L, -1)) {
            lua_Integer d = luaL_checkinteger(L, -1);
            if (d < -1 || d > 17) return tg_lualib_error(L, "write_csv: 'decimals' is 0..17 or -1");
            o.decimals = (int)d;
        }
        lua_pop(L, 7);
    }
    tg_lualib_interrupt(L, &intr);
    o.intr = &intr;
    tg_err_clear(&err);
    st = tg_out_csv(t, path, &o, &err);
    if (st != TG_OK) return tg_lualib_fail(L, st, &err, "write_csv");
    return 0;
}

/* ---- showing ---- */

/* Copies at most size - 1 bytes of s (cut at a character boundary). */
static void copy_cut(char *buf, size_t size, const char *s, size_t len) {
    if (len > size - 1) {
        len = size - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
}

/* The text t:show() prints for row i of c: as t:rows() gives it, with
** floats in the shortest round-trip form and NULL as "null". */
static void cell_text(const tg_col *c, size_t i, char *buf, size_t size) {
    char num[TG_FMT_DOUBLE_MAX];
    const char *s = num;
    size_t len = 0;
    if (!tg_col_is_valid(c, i)) {
        s = "null";
        len = 4;
    } else {
        switch (c->type) {
        case TG_INT: len = tg_fmt_int64(c->v.i64[i], num); break;
        case TG_FLOAT:
            len = tg_fmt_double(c->v.f64[i], -1, TG_FMT_EXP, num);
            if (len == 0) {
                s = "NaN";
                len = 3;
            }
            break;
        case TG_BOOL:
            s = c->v.b8[i] ? "true" : "false";
            len = strlen(s);
            break;
        case TG_DATE: len = tg_date_format(c->v.date[i], num); break;
        case TG_STRING: s = tg_dict_str(c->dict, c->v.str[i], &len); break;
        }
    }
    copy_cut(buf, size, s, len);
}

/* Display width of UTF-8 text: code points (good enough for æøå). */
static size_t width(const char *s) {
    return tg_enc_utf8_len(s, strlen(s));
}

/* t:show([n = 10]): prints the first n rows as an aligned text table
** (through print, so to stderr in the CLI), with the row count. */
static int l_table_show(lua_State *L) {
    const tg_table *t = tg_luatable_check(L, 1);
    lua_Integer n = luaL_optinteger(L, 2, 10);
    size_t rows, *w;
    luaL_Buffer b;
    char cell[64];

    luaL_argcheck(L, n >= 0, 2, "row count must be >= 0");
    rows = (size_t)n < t->n_rows ? (size_t)n : t->n_rows;
    w = lua_newuserdatauv(L, (t->n_cols ? t->n_cols : 1) * sizeof *w, 0);
    for (size_t k = 0; k < t->n_cols; k++) {
        w[k] = width(t->names[k]);
        for (size_t i = 0; i < rows; i++) {
            cell_text(t->cols[k], i, cell, sizeof cell);
            if (width(cell) > w[k]) w[k] = width(cell);
        }
    }
    luaL_buffinit(L, &b);
    for (size_t i = 0; i <= rows; i++) {
        for (size_t k = 0; k < t->n_cols; k++) {
            const char *text = t->names[k];
            if (i > 0) {
                cell_text(t->cols[k], i - 1, cell, sizeof cell);
                text = cell;
            }
            if (k) luaL_addstring(&b, "  ");
            luaL_addstring(&b, text);
            for (size_t pad = width(text); k + 1 < t->n_cols && pad < w[k]; pad++)
                luaL_addchar(&b, ' ');
        }
        luaL_addchar(&b, '\n');
    }
    lua_pushfstring(L, "(%I of %I rows)\n", (lua_Integer)rows, (lua_Integer)t->n_rows);
    luaL_addvalue(&b);
    luaL_pushresult(&b);
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    tg_lualib_print(tg_lua_userdata(tg_lua_from_state(L)), text, len);
    return 0;
}

/* ---- indexing ---- */

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

    if (tg_lualib_suggest(key, t->names, t->n_cols)) return tg_lualib_no_column(L, t, key);
    lua_pushnil(L);
    while (lua_next(L, lua_upvalueindex(1))) {
        lua_pop(L, 1);
        n++;
    }
    methods = lua_newuserdatauv(L, (n ? n : 1) * sizeof *methods, 0);
    n = 0;
    lua_pushnil(L);
    while (lua_next(L, lua_upvalueindex(1))) {
        lua_pop(L, 1);
        methods[n++] = (char *)lua_tostring(L, -1); /* the method table keeps it alive */
    }
    qsort(methods, n, sizeof *methods, cmp_str_ptr); /* ties must not depend on pairs order */
    near = tg_lualib_suggest(key, methods, n);
    if (near)
        return tg_lualib_error(L, "no method or column '%s'; did you mean the method '%s'?", key,
                               near);
    return tg_lualib_no_column(L, t, key);
}

/* __index: a method, else a column (as an expression), else an error
** naming the nearest column. */
static int l_table_index(lua_State *L) {
    const tg_table *t;
    const char *key;

    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    t = tg_luatable_shape(L, 1, NULL);
    if (lua_type(L, 2) != LUA_TSTRING)
        return tg_lualib_error(L, "a table is indexed by column names, not a %s",
                               luaL_typename(L, 2));
    key = lua_tostring(L, 2);
    if (tg_table_find(t, key) < 0) return no_such_key(L, t, key);
    tg_luaexpr_push(L, 2, 1, "column");
    return 1;
}

static const luaL_Reg table_methods[] = {
    { "schema", l_table_schema },
    { "columns", l_table_columns },
    { "rows", l_table_rows },
    { "head", l_table_head },
    { "select", l_table_select },
    { "rename", l_table_rename },
    { "write_sqlite", l_table_write_sqlite },
    { "write_csv", l_table_write_csv },
    { "show", l_table_show },
    { "free", l_table_free },
    { NULL, NULL },
};

static const luaL_Reg table_meta[] = {
    { "__gc", l_table_free }, { "__close", l_table_free },
    { "__len", l_table_len }, { "__tostring", l_table_tostring },
    { NULL, NULL },
};

void tg_luatable_open(lua_State *L) {
    tg_lualib_new_metatable(L, TG_LUATABLE_MT, table_meta, NULL);
    luaL_newlib(L, table_methods);
    tg_luaverb_open(L);
    tg_luagroup_open_verbs(L);
    tg_luawin_open_verbs(L);
    lua_pushcclosure(L, l_table_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}
