/*
** tg_luatable.c -- the tegn.Table userdata (see tg_luatable.h). The
** userdata holds one tg_table reference; NULL after t:free(), after which
** every method refuses the table. Indexing looks up methods first, then
** columns. Verbs take their Lua arguments apart, call one C kernel over
** whole columns and box the result before it exists, so a Lua error at
** any point leaks nothing.
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
#include "tg_err.h"
#include "tg_lua.h"
#include "tg_lualib.h"
#include "tg_mem.h"

#define MAX_ROWS_TO_LUA 1000000 /* t:rows() refuses more: each value costs a Lua object */

/* ---- the userdata ---- */

tg_table **tg_luatable_new(lua_State *L) {
    tg_table **slot = lua_newuserdatauv(L, sizeof *slot, 0);
    *slot = NULL;
    luaL_setmetatable(L, TG_LUATABLE_MT);
    return slot;
}

tg_table *tg_luatable_test(lua_State *L, int idx) {
    tg_table **slot = luaL_testudata(L, idx, TG_LUATABLE_MT);
    return slot ? *slot : NULL;
}

tg_table *tg_luatable_check(lua_State *L, int idx) {
    tg_table **slot = luaL_checkudata(L, idx, TG_LUATABLE_MT);
    if (!*slot) luaL_argerror(L, idx, "the table was freed (t:free() or <close>)");
    return *slot;
}

/* Tells the collector about a new table's column memory, which Lua's own
** accounting cannot see: without this, a loop making big tables would
** let dead ones pile up until the memory cap. */
static void account(lua_State *L, const tg_table *t) {
    size_t bytes = 0;
    for (size_t k = 0; k < t->n_cols; k++)
        bytes += t->n_rows * tg_type_width(t->cols[k]->type);
    if (bytes >= 64 * 1024) lua_gc(L, LUA_GCSTEP, (int)(bytes / 1024 > 1 << 20 ? 1 << 20 : bytes / 1024));
}

static int l_table_gc(lua_State *L) {
    tg_table **slot = lua_touserdata(L, 1);
    tg_table_release(*slot);
    *slot = NULL;
    return 0;
}

/* t:free(): releases the columns now rather than at the next collection;
** also the table's __close, so `local t <close> = ...` frees at scope end. */
static int l_table_free(lua_State *L) {
    tg_table **slot = luaL_checkudata(L, 1, TG_LUATABLE_MT);
    tg_table_release(*slot);
    *slot = NULL;
    return 0;
}

static int l_table_len(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)tg_luatable_check(L, 1)->n_rows);
    return 1;
}

/* "tegn.Table(3 rows: id int, navn string)" */
static int l_table_tostring(lua_State *L) {
    tg_table **slot = luaL_checkudata(L, 1, TG_LUATABLE_MT);
    const tg_table *t = *slot;
    luaL_Buffer b;
    if (!t) {
        lua_pushliteral(L, "tegn.Table(freed)");
        return 1;
    }
    luaL_buffinit(L, &b);
    lua_pushfstring(L, "tegn.Table(%I rows", (lua_Integer)t->n_rows);
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
    const tg_table *t = tg_luatable_check(L, 1);
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
    const tg_table *t = tg_luatable_check(L, 1);
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
    const tg_table *t = tg_luatable_check(L, 1);
    if (t->n_rows > MAX_ROWS_TO_LUA)
        return tg_lualib_error(L, "rows: the table has %I rows, more than the %d rows:() turns into "
                             "Lua tables; use t:head(n):rows() or reduce it with a verb first",
                          (lua_Integer)t->n_rows, MAX_ROWS_TO_LUA);
    lua_createtable(L, (int)t->n_rows, 0);
    for (size_t i = 0; i < t->n_rows; i++) {
        if ((i & (TG_VECTOR - 1)) == 0) tg_lua_check(L);
        tg_luatable_push_row(L, t, i);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ---- verbs that only rearrange columns ---- */

/* t:head([n = 10]) -> the first n rows */
static int l_table_head(lua_State *L) {
    const tg_table *t = tg_luatable_check(L, 1);
    lua_Integer n = luaL_optinteger(L, 2, 10);
    tg_table **slot;
    size_t rows;

    luaL_argcheck(L, n >= 0, 2, "row count must be >= 0");
    rows = (size_t)n < t->n_rows ? (size_t)n : t->n_rows;
    slot = tg_luatable_new(L);
    if (rows == t->n_rows) {
        *slot = tg_table_retain((tg_table *)t);
        return 1;
    }
    *slot = tg_table_new();
    if (!*slot) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t k = 0; k < t->n_cols; k++) {
        tg_col *c = tg_col_slice(t->cols[k], 0, rows);
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
    const tg_table *t = tg_luatable_check(L, 1);
    tg_table **slot;

    if (lua_type(L, 2) == LUA_TSTRING) { /* select("a", "b") */
        int n = lua_gettop(L);
        slot = tg_luatable_new(L);
        if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
        for (int i = 2; i <= n; i++) {
            const char *name = luaL_checkstring(L, i);
            add_renamed(L, t, *slot, name, name, "select");
        }
        return 1;
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    size_t n_keys, n_list = (size_t)luaL_len(L, 2);
    const char **keys = tg_luatable_sorted_keys(L, 2, &n_keys, "select");
    slot = tg_luatable_new(L);
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t i = 1; i <= n_list; i++) {
        lua_rawgeti(L, 2, (lua_Integer)i);
        const char *name = lua_tostring(L, -1);
        if (!name || lua_type(L, -1) != LUA_TSTRING)
            return tg_lualib_error(L, "select: entry %d is not a column name", (int)i);
        add_renamed(L, t, *slot, name, name, "select");
        lua_pop(L, 1);
    }
    for (size_t i = 0; i < n_keys; i++) {
        lua_getfield(L, 2, keys[i]);
        const char *old = lua_tostring(L, -1);
        if (!old || lua_type(L, -1) != LUA_TSTRING)
            return tg_lualib_error(L, "select: '%s' must name an existing column (new = \"old\")",
                              keys[i]);
        add_renamed(L, t, *slot, keys[i], old, "select");
        lua_pop(L, 1);
    }
    return 1;
}

/* t:rename{new = "old", ...}: same columns in the same order, some of
** them under new names. */
static int l_table_rename(lua_State *L) {
    const tg_table *t = tg_luatable_check(L, 1);
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
        lua_getfield(L, 2, keys[i]);
        const char *old = lua_tostring(L, -1);
        if (!old || lua_type(L, -1) != LUA_TSTRING)
            return tg_lualib_error(L, "rename: '%s' must name an existing column (new = \"old\")",
                              keys[i]);
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

/* ---- indexing ---- */

/* __index: a method, else a column (as an expression), else an error
** naming the nearest column. */
static int l_table_index(lua_State *L) {
    const tg_table *t;
    const char *key;

    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    t = tg_luatable_check(L, 1);
    key = lua_tostring(L, 2);
    if (!key || lua_type(L, 2) != LUA_TSTRING)
        return tg_lualib_error(L, "a table is indexed by column names, not a %s", luaL_typename(L, 2));
    if (tg_table_find(t, key) < 0) return tg_lualib_no_column(L, t, key);
    return tg_lualib_error(L, "column access t.%s needs expressions, which are not built yet", key);
}

static const luaL_Reg table_methods[] = {
    { "schema", l_table_schema },
    { "columns", l_table_columns },
    { "rows", l_table_rows },
    { "head", l_table_head },
    { "select", l_table_select },
    { "rename", l_table_rename },
    { "write_sqlite", l_table_write_sqlite },
    { "free", l_table_free },
    { NULL, NULL },
};

static const luaL_Reg table_meta[] = {
    { "__gc", l_table_gc },
    { "__close", l_table_free },
    { "__len", l_table_len },
    { "__tostring", l_table_tostring },
    { NULL, NULL },
};

void tg_luatable_open(lua_State *L) {
    tg_lualib_new_metatable(L, TG_LUATABLE_MT, table_meta, NULL);
    luaL_newlib(L, table_methods);
    lua_pushcclosure(L, l_table_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    (void)account;
}
