/*
** tg_luaemit.c -- tegn.emit (see tg_luaemit.h). The tree is built bottom
** up: a container in progress is owned by a box on the Lua stack, and a
** finished child leaves its box only to go straight into its parent, so
** a Lua error at any depth frees everything built so far.
*/
#include "tg_luaemit.h"

#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_json.h"
#include "tg_lua.h"
#include "tg_luadate.h"
#include "tg_luaexpr.h"
#include "tg_lualib.h"
#include "tg_luatable.h"

static void free_json(void *p) {
    tg_json_free(p);
}

/* Pushes a box owning v (NULL: out of memory) and returns v. */
static tg_json *boxed(lua_State *L, tg_json *v) {
    void **box = tg_lualib_box(L, free_json);
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
    if (st != TG_OK) tg_lualib_fail(L, st, &err, "emit");
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
        if ((t = tg_luatable_test(L, idx)) != NULL) return boxed(L, tg_json_table(t, decimals));
        if (luaL_testudata(L, idx, TG_LUATABLE_MT))
            tg_lualib_error(L, "emit: '%s' is a table that was freed", path);
        if (tg_luadate_test(L, idx, &days)) {
            char buf[16];
            len = tg_date_format(days, buf);
            return boxed(L, tg_json_str(buf, len));
        }
        if (tg_lualib_is_null(L, idx)) return boxed(L, tg_json_null());
        if (tg_luaexpr_test(L, idx))
            tg_lualib_error(L, "emit: '%s' is an expression; compute it with derive or agg first",
                            path);
        tg_lualib_error(L, "emit: '%s' is a %s, which JSON cannot hold", path,
                        luaL_typename(L, idx));
    }

    /* A Lua table: a list when its keys are exactly 1..n (an empty table
    ** is an empty list), else an object whose keys must all be strings. */
    if (depth >= TG_LUAEMIT_MAX_DEPTH)
        tg_lualib_error(L,
                        "emit: '%s' is nested more than %d deep (does a table contain "
                        "itself?)",
                        path, TG_LUAEMIT_MAX_DEPTH);
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
        tg_lualib_error(L,
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

/* tegn.emit(doc [, {decimals = n, indent = n}]): the run's result. doc is
** a table of named values; after a successful run it is written as JSON
** with its keys sorted and a "meta" object last. Floats are written with
** the shortest digits that read back exactly, or rounded (half away from
** zero) to 'decimals' places. Only one emit per run. */
static int l_tegn_emit(lua_State *L) {
    static const char *const known[] = { "decimals", "indent", NULL };
    lua_Integer decimals = -1, indent = TG_LUAEMIT_INDENT;
    tg_json *doc;

    luaL_checkany(L, 1);
    if (!lua_istable(L, 1) || tg_luatable_test(L, 1))
        return tg_lualib_error(L, "emit: expected a table of named values, e.g. "
                                  "tegn.emit{series = t}");
    tg_lualib_check_opts(L, 2, known, "emit");
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "decimals");
        if (!lua_isnil(L, -1)) decimals = luaL_checkinteger(L, -1);
        lua_getfield(L, 2, "indent");
        if (!lua_isnil(L, -1)) indent = luaL_checkinteger(L, -1);
        lua_pop(L, 2);
        luaL_argcheck(L, decimals >= -1 && decimals <= 17, 2, "decimals must be 0..17 (or -1)");
        luaL_argcheck(L, indent >= 0 && indent <= 16, 2, "indent must be 0..16");
    }
    lua_settop(L, 1);
    lua_getfield(L, 1, "meta");
    if (!lua_isnil(L, -1))
        return tg_lualib_error(L, "emit: 'meta' is reserved for the run's metadata");
    lua_pop(L, 1);
    if (lua_rawlen(L, 1) > 0)
        return tg_lualib_error(L, "emit: expected a table of named values, not a list");
    lua_pushliteral(L, "");
    convert(L, 1, 0, (int)decimals, "");
    doc = unbox(L);
    if (tg_json_kind_of(doc) != TG_JSON_OBJECT) {
        /* an empty table: {} rather than [] at the top */
        tg_json_free(doc);
        doc = boxed(L, tg_json_object());
        doc = unbox(L);
    }
    if (!tg_lualib_set_doc(L, doc, (int)indent)) {
        tg_json_free(doc);
        return tg_lualib_error(L, "emit: called twice; put everything in one tegn.emit{...}");
    }
    return 0;
}

tg_json *tg_luaemit_value(lua_State *L, int idx, const char *path) {
    idx = lua_absindex(L, idx);
    lua_pushstring(L, path);
    convert(L, idx, 0, -1, path);
    tg_json *v = unbox(L);
    lua_pop(L, 1);
    return v;
}

void tg_luaemit_open(lua_State *L) {
    lua_pushcfunction(L, l_tegn_emit);
    lua_setfield(L, -2, "emit");
}
