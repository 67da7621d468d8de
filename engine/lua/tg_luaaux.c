/*
** tg_luaaux.c -- the helper library of the Lua layer, as lauxlib is Lua's
** (see tg_luaaux.h): boxes for C memory, errors that name the script line,
** option and argument readers. It knows no binding. Every raising function
** ends in lua_error, which longjmps; a TG_NORETURN function ends with
** TG_UNREACHABLE() after it so the compiler knows.
*/
#include "tg_luaaux.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_ident.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_mem.h"

#define BOX_MT  "tegn.Box"
#define NULL_MT "tegn.Null"
#define LOCKED  "locked"

/* lua_error longjmps; its prototype does not say so. */
TG_NORETURN static void raise_top(lua_State *L) {
    lua_error(L);
    TG_UNREACHABLE();
}

/* ---- boxes, errors ---- */

typedef struct box {
    void *p;
    void (*free_fn)(void *);
} box;

static int l_box_gc(lua_State *L) {
    box *b = lua_touserdata(L, 1);
    if (b->p) b->free_fn(b->p);
    b->p = NULL;
    return 0;
}

void **tg_luaaux_box(lua_State *L, void (*free_fn)(void *)) {
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->p = NULL;
    b->free_fn = free_fn;
    luaL_setmetatable(L, BOX_MT);
    return &b->p;
}

int tg_luaaux_error(lua_State *L, const char *fmt, ...) {
    va_list ap;
    tg_lua_push_where(L);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    raise_top(L);
}

int tg_luaaux_fail(lua_State *L, tg_status st, const tg_error *err, const char *what) {
    tg_luaaux_fail_at(L, st, err, what, NULL);
}

int tg_luaaux_fail_at(lua_State *L, tg_status st, const tg_error *err, const char *what,
                      const char *where) {
    char text[1024];
    assert(st != TG_OK);
    if (st != TG_EARG && st != TG_ESCRIPT) tg_lua_raise_at(L, st, err, where);
    if (err) tg_err_format(err, text, sizeof text);
    else snprintf(text, sizeof text, "%s", tg_status_name(st));
    if (where) lua_pushstring(L, where);
    else tg_lua_push_where(L);
    lua_pushfstring(L, "%s%s%s", what ? what : "", what ? ": " : "", text);
    lua_concat(L, 2);
    raise_top(L);
}

void tg_luaaux_interrupt(lua_State *L, tg_interrupt *intr) {
    tg_lua_check(L);
    /* Dead tables hold column memory the collector does not see; free
    ** them before a kernel allocates, while there is room to spare. */
    if (tg_mem_cap() && tg_mem_used() > tg_mem_cap() / 2) lua_gc(L, LUA_GCCOLLECT);
    intr->fn = tg_lua_interrupt;
    intr->ud = tg_lua_from_state(L);
}

void tg_luaaux_warn(lua_State *L, const char *msg) {
    const char *line;
    size_t len;
    tg_lua_push_where(L);
    lua_pushfstring(L, "warning: %s\n", msg);
    lua_concat(L, 2);
    line = lua_tolstring(L, -1, &len);
    tg_luactx_print(tg_luactx_of(L), line, len);
    lua_pop(L, 1);
}

const char *tg_luaaux_suggest(const char *name, char *const *names, size_t n) {
    const char *near = tg_nearest_name(name, names, n), *hit = NULL;
    size_t len = strlen(name), count = 0;
    if (near || len < 3) return near;
    /* Edit distance misses abbreviations ('takst' for 'takst_kr'): accept
    ** the one name that extends this one, or that this one extends. */
    for (size_t i = 0; i < n; i++) {
        size_t m = strlen(names[i]);
        if ((m > len && strncmp(names[i], name, len) == 0) ||
            (m >= 3 && m < len && strncmp(name, names[i], m) == 0)) {
            hit = names[i];
            count++;
        }
    }
    return count == 1 ? hit : NULL;
}

int tg_luaaux_no_column(lua_State *L, const tg_table *t, const char *name) {
    const char *near = tg_luaaux_suggest(name, t->names, t->n_cols);
    luaL_Buffer b;
    if (near) {
        tg_lua_push_where(L);
        lua_pushfstring(L, "no column '%s'; did you mean '%s'?", name, near);
        lua_concat(L, 2);
        raise_top(L);
    }
    tg_lua_push_where(L);
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "no column '");
    luaL_addstring(&b, name);
    luaL_addstring(&b, "'; the columns are ");
    for (size_t k = 0; k < t->n_cols && k < 12; k++) {
        if (k) luaL_addstring(&b, ", ");
        luaL_addstring(&b, t->names[k]);
    }
    if (t->n_cols > 12) luaL_addstring(&b, ", ...");
    if (t->n_cols == 0) luaL_addstring(&b, "(none)");
    luaL_pushresult(&b);
    lua_concat(L, 2);
    raise_top(L);
}

/* Checks that every key of the option table at idx is one of 'known'
** (NULL-terminated), naming the nearest one when a key is misspelt. Of
** several unknown keys the smallest is reported, so the message does not
** depend on the table's iteration order. */
/* lua_getfield without metamethods, for the tables the readers here get
** from scripts: an __index could change or free what a verb holds. */
static int raw_field(lua_State *L, int idx, const char *key) {
    idx = lua_absindex(L, idx);
    lua_pushstring(L, key);
    return lua_rawget(L, idx);
}

/* Pushes a copy of the table at idx made with raw access, its nested
** tables copied too (to 'depth' levels; deeper ones are shared). */
static void push_raw_copy(lua_State *L, int idx, int depth) {
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 4, "options");
    lua_createtable(L, (int)lua_rawlen(L, idx), 0);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -1) == LUA_TTABLE && depth > 1) {
            push_raw_copy(L, -1, depth - 1);
            lua_replace(L, -2);
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

void tg_luaaux_check_opts(lua_State *L, int idx, const char *const *known, const char *fname) {
    char bad[64] = "";
    int found = 0;
    idx = lua_absindex(L, idx);
    if (lua_isnoneornil(L, idx)) return;
    if (!lua_istable(L, idx)) tg_luaaux_bad(L, fname, "options", "a table", idx);
    /* From here the verb reads a copy the script cannot reach: no
    ** metamethod runs (one could free a Table or a string the verb holds),
    ** and nothing can change the options while they are read. */
    push_raw_copy(L, idx, TG_LUAAUX_OPTS_DEPTH);
    lua_replace(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            tg_luaaux_bad(L, fname, "options", "keyed by option names", -1);
        const char *key = lua_tostring(L, -1);
        int ok = 0;
        for (size_t i = 0; known[i]; i++)
            if (strcmp(key, known[i]) == 0) ok = 1;
        if (!ok && (!found || strcmp(key, bad) < 0)) {
            snprintf(bad, sizeof bad, "%s", key);
            found = 1;
        }
    }
    if (found) {
        size_t n = 0;
        while (known[n]) n++;
        const char *near = tg_luaaux_suggest(bad, (char *const *)known, n);
        tg_lua_push_where(L);
        if (near)
            lua_pushfstring(L, "%s: unknown option '%s'; did you mean '%s'?", fname, bad, near);
        else lua_pushfstring(L, "%s: unknown option '%s'", fname, bad);
        lua_concat(L, 2);
        raise_top(L);
    }
}

void *tg_luaaux_check_udata(lua_State *L, int idx, const char *mt) {
    void *p = luaL_testudata(L, idx, mt);
    if (p) return p;
    /* luaL_checkudata would name a stack slot "bad argument #-1" */
    if (idx > 0) return luaL_checkudata(L, idx, mt);
    tg_luaaux_error(L, "%s expected, got a %s", mt, luaL_typename(L, idx));
}

/* ---- once, tegn.null, metatables ---- */

int tg_luaaux_once(lua_State *L, const char *key) {
    int first;
    lua_pushfstring(L, "tegn.once.%s", key);
    first = lua_rawget(L, LUA_REGISTRYINDEX) == LUA_TNIL;
    lua_pop(L, 1);
    if (first) {
        lua_pushfstring(L, "tegn.once.%s", key);
        lua_pushboolean(L, 1);
        lua_rawset(L, LUA_REGISTRYINDEX);
    }
    return first;
}

int tg_luaaux_is_null(lua_State *L, int idx) {
    return luaL_testudata(L, idx, NULL_MT) != NULL;
}

size_t tg_luaaux_count_keys(lua_State *L, int idx) {
    size_t n = 0;
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        n++;
    }
    return n;
}

void tg_luaaux_push_null(lua_State *L) {
    lua_newuserdatauv(L, 0, 0);
    luaL_setmetatable(L, NULL_MT);
}

static int l_null_tostring(lua_State *L) {
    lua_pushliteral(L, "null");
    return 1;
}

void tg_luaaux_new_metatable(lua_State *L, const char *name, const luaL_Reg *meta,
                             const luaL_Reg *methods) {
    luaL_newmetatable(L, name);
    if (meta) luaL_setfuncs(L, meta, 0);
    if (methods) {
        lua_newtable(L);
        luaL_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
    }
    lua_pushliteral(L, LOCKED);
    lua_setfield(L, -2, "__metatable");
}


/* ---- argument lists ---- */

const char **tg_luaaux_names(lua_State *L, int idx, const char *fn, const char *key, size_t *n) {
    const char **v;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        v = lua_newuserdatauv(L, sizeof *v, 0);
        v[0] = lua_tostring(L, idx);
        *n = 1;
        return v;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        tg_luaaux_bad(L, fn, key, "a column name or a list of names", idx);
    *n = (size_t)lua_rawlen(L, idx);
    v = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *v, 0);
    for (size_t i = 0; i < *n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pushfstring(L, "%s[%d]", key, (int)i + 1);
            tg_luaaux_bad(L, fn, lua_tostring(L, -1), "a column name", -2);
        }
        v[i] = lua_tostring(L, -1); /* the list keeps the string alive */
        lua_pop(L, 1);
    }
    return v;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Collects the string keys of the table at idx, sorted by their bytes,
** into an array kept in a userdata pushed on the stack (the strings are
** kept alive by the table). Integer keys 1..#t are skipped (the caller
** reads the array part); any other key raises. */
const char **tg_luaaux_sorted_keys(lua_State *L, int idx, size_t *n, const char *fname,
                                   const char *key) {
    size_t count = 0, len;
    const char **keys;

    idx = lua_absindex(L, idx);
    len = (size_t)lua_rawlen(L, idx);
    count = tg_luaaux_count_keys(L, idx);
    keys = lua_newuserdatauv(L, (count ? count : 1) * sizeof *keys, 0);
    count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            keys[count++] = lua_tostring(L, -1);
        } else if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
                   (size_t)lua_tointeger(L, -1) > len) {
            tg_luaaux_bad(L, fname, key, "keyed by names or list positions", -1);
        }
    }
    qsort(keys, count, sizeof *keys, cmp_str);
    *n = count;
    return keys;
}

size_t tg_luaaux_push_pairs(lua_State *L, int idx, const char *what, const char *key) {
    size_t n_keys, n_list;
    const char **keys;
    int keys_idx;

    idx = lua_absindex(L, idx);
    n_list = (size_t)lua_rawlen(L, idx);
    keys = tg_luaaux_sorted_keys(L, idx, &n_keys, what, key);
    keys_idx = lua_gettop(L);
    luaL_checkstack(L, (int)(2 * (n_list + n_keys)) + 8, what);
    for (size_t i = 1; i <= n_list; i++) {
        int item = lua_gettop(L) + 1;
        lua_rawgeti(L, idx, (lua_Integer)i);
        if (!lua_istable(L, item) || lua_rawgeti(L, item, 1) != LUA_TSTRING) {
            lua_pushfstring(L, "%s[%d]", key, (int)i);
            tg_luaaux_bad(L, what, lua_tostring(L, -1), "a pair {name, value}", item);
        }
        lua_rawgeti(L, -2, 2);
        lua_remove(L, -3);
    }
    for (size_t i = 0; i < n_keys; i++) {
        lua_pushstring(L, keys[i]);
        raw_field(L, idx, keys[i]);
    }
    lua_remove(L, keys_idx);
    return n_list + n_keys;
}

const char **tg_luaaux_sort_keys(lua_State *L, int idx, const tg_table *t, const char *what,
                                 const char *key, int **desc_out) {
    int n;
    const char **keys;
    int *desc;

    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        keys = lua_newuserdatauv(L, sizeof *keys, 0);
        desc = lua_newuserdatauv(L, sizeof *desc, 0);
        keys[0] = lua_tostring(L, idx);
        desc[0] = 0;
        if (tg_table_find(t, keys[0]) < 0) tg_luaaux_no_column(L, t, keys[0]);
        *desc_out = desc;
        return keys;
    }
    if (!lua_istable(L, idx))
        tg_luaaux_bad(L, what, key, "a column name or a list of sort keys", idx);
    n = (int)lua_rawlen(L, idx);
    keys = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *keys, 0);
    desc = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *desc, 0);
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, idx, i + 1);
        desc[i] = 0;
        if (lua_istable(L, -1)) {
            raw_field(L, lua_gettop(L), "desc");
            desc[i] = lua_toboolean(L, -1);
            lua_pop(L, 1);
            lua_rawgeti(L, -1, 1);
            lua_remove(L, -2);
        }
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pushfstring(L, "%s[%d]", key, i + 1);
            tg_luaaux_bad(L, what, lua_tostring(L, -1), "a column name or {name, desc = true}", -2);
        }
        keys[i] = lua_tostring(L, -1); /* kept alive by the list (or the key table in it) */
        lua_pop(L, 1);
        if (tg_table_find(t, keys[i]) < 0) tg_luaaux_no_column(L, t, keys[i]);
    }
    *desc_out = desc;
    return keys;
}

void tg_luaaux_open(lua_State *L) {
    static const luaL_Reg box_meta[] = { { "__gc", l_box_gc }, { NULL, NULL } };
    static const luaL_Reg null_meta[] = { { "__tostring", l_null_tostring }, { NULL, NULL } };
    tg_luaaux_new_metatable(L, BOX_MT, box_meta, NULL);
    tg_luaaux_new_metatable(L, NULL_MT, null_meta, NULL);
    lua_pop(L, 2);
}

/* ---- option readers ---- */

/* Pushes how the value at idx reads in a message: a number as Lua writes
** it (nan and inf spelt so), a string quoted, a boolean as itself,
** anything else as "a <type>" (tegn types by their metatable's __name). */
static void push_got(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            lua_pushfstring(L, "%I", (lua_Integer)lua_tointeger(L, idx));
        } else {
            double v = (double)lua_tonumber(L, idx);
            char buf[64];
            if (isnan(v)) snprintf(buf, sizeof buf, "nan");
            else if (isinf(v)) snprintf(buf, sizeof buf, v > 0 ? "inf" : "-inf");
            else snprintf(buf, sizeof buf, "%.14g", v);
            lua_pushstring(L, buf);
        }
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (len > 40) lua_pushfstring(L, "'%s...'", lua_pushlstring(L, s, 37));
        else lua_pushfstring(L, "'%s'", s);
        if (len > 40) lua_remove(L, -2);
        return;
    }
    case LUA_TBOOLEAN: lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false"); return;
    case LUA_TNIL: lua_pushliteral(L, "nil"); return;
    case LUA_TNONE: lua_pushliteral(L, "nothing"); return;
    default:
        if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) {
            lua_pushfstring(L, "a %s", lua_tostring(L, -1));
            lua_remove(L, -2);
            return;
        }
        lua_pushfstring(L, "a %s", luaL_typename(L, idx));
    }
}

int tg_luaaux_bad(lua_State *L, const char *fn, const char *key, const char *expect, int idx) {
    push_got(L, idx); /* first: idx may lie above the top (a missing argument) */
    tg_lua_push_where(L);
    lua_pushfstring(L, "%s: '%s' must be %s, got %s", fn, key, expect, lua_tostring(L, -2));
    lua_concat(L, 2);
    raise_top(L);
}

int tg_luaaux_missing(lua_State *L, const char *fn, const char *key) {
    tg_luaaux_error(L, "%s: '%s' is required", fn, key);
}

/* "a number from lo to hi" (or ">= lo", "<= hi", or no range), with
** 'what' for "a number". */
static void range_text(char *buf, size_t size, const char *what, double lo, double hi) {
    if (lo <= -HUGE_VAL && hi >= HUGE_VAL) snprintf(buf, size, "%s", what);
    else if (hi >= HUGE_VAL) snprintf(buf, size, "%s >= %.14g", what, lo);
    else if (lo <= -HUGE_VAL) snprintf(buf, size, "%s <= %.14g", what, hi);
    else snprintf(buf, size, "%s from %.14g to %.14g", what, lo, hi);
}

double tg_luaaux_check_number(lua_State *L, int idx, const char *fn, const char *key, double lo,
                              double hi) {
    int ok;
    double v = (double)lua_tonumberx(L, idx, &ok);
    if (!ok || lua_type(L, idx) != LUA_TNUMBER || !isfinite(v) || v < lo || v > hi) {
        char expect[96];
        range_text(expect, sizeof expect, "a number", lo, hi);
        return tg_luaaux_bad(L, fn, key, expect, idx);
    }
    return v;
}

int64_t tg_luaaux_check_integer(lua_State *L, int idx, const char *fn, const char *key, int64_t lo,
                                int64_t hi) {
    int ok;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    if (!ok || lua_type(L, idx) != LUA_TNUMBER || v < (lua_Integer)lo || v > (lua_Integer)hi) {
        char expect[96];
        if (lo == INT64_MIN && hi == INT64_MAX) snprintf(expect, sizeof expect, "a whole number");
        else if (hi == INT64_MAX)
            snprintf(expect, sizeof expect, "a whole number >= %lld", (long long)lo);
        else
            snprintf(expect, sizeof expect, "a whole number from %lld to %lld", (long long)lo,
                     (long long)hi);
        return tg_luaaux_bad(L, fn, key, expect, idx);
    }
    return v;
}

int tg_luaaux_check_boolean(lua_State *L, int idx, const char *fn, const char *key) {
    if (lua_type(L, idx) != LUA_TBOOLEAN) return tg_luaaux_bad(L, fn, key, "true or false", idx);
    return lua_toboolean(L, idx);
}

int tg_luaaux_check_choice(lua_State *L, int idx, const char *fn, const char *key,
                           const char *const *list) {
    idx = lua_absindex(L, idx);
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
    luaL_Buffer b;
    for (int i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0) return i;
    int n = 0;
    while (list[n]) n++;
    luaL_buffinit(L, &b);
    if (n > 2) luaL_addstring(&b, "one of ");
    for (int i = 0; i < n; i++) {
        if (i) luaL_addstring(&b, i == n - 1 ? " or " : ", ");
        luaL_addchar(&b, '\'');
        luaL_addstring(&b, list[i]);
        luaL_addchar(&b, '\'');
    }
    luaL_pushresult(&b);
    return tg_luaaux_bad(L, fn, key, lua_tostring(L, -1), idx);
}

const char *tg_luaaux_check_string(lua_State *L, int idx, const char *fn, const char *key) {
    if (lua_type(L, idx) != LUA_TSTRING) tg_luaaux_bad(L, fn, key, "a string", idx);
    return lua_tostring(L, idx);
}

int32_t tg_luaaux_check_date(lua_State *L, int idx, const char *fn, const char *key) {
    int32_t d;
    size_t len;
    if (tg_luaaux_date_test(L, idx, &d)) return d;
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = lua_tolstring(L, idx, &len);
        if (tg_date_parse_iso(s, len, &d) == 0) return d;
    }
    return tg_luaaux_bad(L, fn, key, "a date (\"YYYY-MM-DD\" or tegn.date)", idx);
}

void tg_luaaux_check_table(lua_State *L, int idx, const char *fn, const char *key) {
    if (lua_type(L, idx) != LUA_TTABLE) tg_luaaux_bad(L, fn, key, "a table", idx);
}

void tg_luaaux_check_function(lua_State *L, int idx, const char *fn, const char *key) {
    if (lua_type(L, idx) != LUA_TFUNCTION) tg_luaaux_bad(L, fn, key, "a function", idx);
}

void tg_luaaux_check_any(lua_State *L, int idx, const char *fn, const char *key) {
    if (lua_type(L, idx) == LUA_TNONE) tg_luaaux_bad(L, fn, key, "a value", idx);
}

/* Pushes field 'key' of the option table at idx (nothing when idx is not
** a table) and tells whether it is there. */
static int get_opt(lua_State *L, int idx, const char *key) {
    if (!lua_istable(L, idx)) {
        lua_pushnil(L);
        return 0;
    }
    return raw_field(L, idx, key) != LUA_TNIL;
}

double tg_luaaux_opt_number(lua_State *L, int idx, const char *fn, const char *key, double dflt,
                            double lo, double hi) {
    idx = lua_absindex(L, idx);
    if (get_opt(L, idx, key)) dflt = tg_luaaux_check_number(L, -1, fn, key, lo, hi);
    lua_pop(L, 1);
    return dflt;
}

int64_t tg_luaaux_opt_integer(lua_State *L, int idx, const char *fn, const char *key, int64_t dflt,
                              int64_t lo, int64_t hi) {
    idx = lua_absindex(L, idx);
    if (get_opt(L, idx, key)) dflt = tg_luaaux_check_integer(L, -1, fn, key, lo, hi);
    lua_pop(L, 1);
    return dflt;
}

int tg_luaaux_opt_boolean(lua_State *L, int idx, const char *fn, const char *key, int dflt) {
    idx = lua_absindex(L, idx);
    if (get_opt(L, idx, key)) dflt = tg_luaaux_check_boolean(L, -1, fn, key);
    lua_pop(L, 1);
    return dflt;
}

int tg_luaaux_opt_choice(lua_State *L, int idx, const char *fn, const char *key,
                         const char *const *list, int dflt) {
    idx = lua_absindex(L, idx);
    if (get_opt(L, idx, key)) dflt = tg_luaaux_check_choice(L, -1, fn, key, list);
    lua_pop(L, 1);
    return dflt;
}

const char *tg_luaaux_opt_string(lua_State *L, int idx, const char *fn, const char *key,
                                 const char *dflt) {
    idx = lua_absindex(L, idx);
    if (get_opt(L, idx, key)) dflt = tg_luaaux_check_string(L, -1, fn, key);
    lua_pop(L, 1); /* the option table keeps the string alive */
    return dflt;
}

int tg_luaaux_opt_date(lua_State *L, int idx, const char *fn, const char *key, int32_t *out) {
    int has;
    idx = lua_absindex(L, idx);
    if ((has = get_opt(L, idx, key)) != 0) *out = tg_luaaux_check_date(L, -1, fn, key);
    lua_pop(L, 1);
    return has;
}

/* ---- tegn.Date ---- */

void tg_luaaux_date_push(lua_State *L, int32_t days) {
    int32_t *d = lua_newuserdatauv(L, sizeof *d, 0);
    *d = days;
    luaL_setmetatable(L, TG_LUAAUX_DATE_MT);
}

int tg_luaaux_date_test(lua_State *L, int idx, int32_t *days) {
    int32_t *d = luaL_testudata(L, idx, TG_LUAAUX_DATE_MT);
    if (!d) return 0;
    *days = *d;
    return 1;
}

int32_t tg_luaaux_date_check(lua_State *L, int idx) {
    return *(int32_t *)tg_luaaux_check_udata(L, idx, TG_LUAAUX_DATE_MT);
}

int tg_luaaux_date_unit(lua_State *L, int idx) {
    static const char *const names[] = { "week", "isoweek", "month", "quarter", "year", NULL };
    static const int units[] = { TG_UNIT_WEEK, TG_UNIT_WEEK, TG_UNIT_MONTH, TG_UNIT_QUARTER,
                                 TG_UNIT_YEAR };
    return units[tg_luaaux_check_choice(L, idx, "trunc", "unit", names)];
}

void tg_luaaux_check_list(lua_State *L, int idx, const char *fn, const char *key, double *v,
                          size_t n, double lo, double hi) {
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx) || (size_t)lua_rawlen(L, idx) != n) {
        char expect[96];
        range_text(expect, sizeof expect, "numbers", lo, hi);
        lua_pushfstring(L, "a list of %I %s", (lua_Integer)n, expect);
        tg_luaaux_bad(L, fn, key, lua_tostring(L, -1), idx);
    }
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        lua_pushfstring(L, "%s[%I]", key, (lua_Integer)i + 1);
        v[i] = tg_luaaux_check_number(L, -2, fn, lua_tostring(L, -1), lo, hi);
        lua_pop(L, 2);
    }
}

int tg_luaaux_opt_list(lua_State *L, int idx, const char *fn, const char *key, double *v, size_t n,
                       double lo, double hi) {
    idx = lua_absindex(L, idx);
    if (!get_opt(L, idx, key)) {
        lua_pop(L, 1);
        return 0;
    }
    tg_luaaux_check_list(L, -1, fn, key, v, n, lo, hi);
    lua_pop(L, 1);
    return 1;
}

double tg_luaaux_need_number(lua_State *L, int idx, const char *fn, const char *key, double lo,
                             double hi) {
    double v;
    idx = lua_absindex(L, idx);
    if (!get_opt(L, idx, key)) tg_luaaux_missing(L, fn, key);
    v = tg_luaaux_check_number(L, -1, fn, key, lo, hi);
    lua_pop(L, 1);
    return v;
}

int64_t tg_luaaux_need_integer(lua_State *L, int idx, const char *fn, const char *key, int64_t lo,
                               int64_t hi) {
    int64_t v;
    idx = lua_absindex(L, idx);
    if (!get_opt(L, idx, key)) tg_luaaux_missing(L, fn, key);
    v = tg_luaaux_check_integer(L, -1, fn, key, lo, hi);
    lua_pop(L, 1);
    return v;
}

/* The lowest and highest year key of the table at idx; 0 when it is empty.
** Keys outside [lo, hi] raise (lo > hi: any year from 1 to 9999). */
static int year_keys(lua_State *L, int idx, const char *fn, const char *key, int64_t lo, int64_t hi,
                     int *min, int *max) {
    int any = 0;
    char expect[96];
    if (lo > hi) snprintf(expect, sizeof expect, "keyed by year (a whole number from 1 to 9999)");
    else
        snprintf(expect, sizeof expect, "keyed by a year from %lld to %lld", (long long)lo,
                 (long long)hi);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_Integer y = lua_tointeger(L, -2);
        if (!lua_isinteger(L, -2) || y < 1 || y > 9999 || (lo <= hi && (y < lo || y > hi)))
            tg_luaaux_bad(L, fn, key, expect, -2);
        if (!any || y < *min) *min = (int)y;
        if (!any || y > *max) *max = (int)y;
        any = 1;
        lua_pop(L, 1);
    }
    return any;
}

size_t tg_luaaux_check_years(lua_State *L, int idx, const char *fn, const char *key, double *v,
                             size_t n, int *first, int flags) {
    int fixed = flags & TG_LUAAUX_YEARS_FIXED, lo = 0, hi = 0;
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) tg_luaaux_bad(L, fn, key, "a table { [year] = number }", idx);
    if (!year_keys(L, idx, fn, key, fixed ? *first : 1, fixed ? *first + (int64_t)n - 1 : 0, &lo,
                   &hi)) {
        if (flags & TG_LUAAUX_YEARS_NONEMPTY)
            tg_luaaux_bad(L, fn, key, "a table { [year] = number } with a year", idx);
        if (!fixed) return 0;
    }
    if (!fixed && (size_t)(hi - lo) >= n)
        tg_luaaux_error(L, "%s: '%s' spans more than %d years", fn, key, (int)n);
    if (!fixed) {
        *first = lo;
        n = (size_t)(hi - lo + 1);
    }
    for (size_t i = 0; i < n; i++) {
        lua_Integer y = (lua_Integer)*first + (lua_Integer)i;
        lua_pushfstring(L, "%s[%I]", key, y);
        if (lua_rawgeti(L, idx, y) == LUA_TNIL) v[i] = NAN;
        else v[i] = tg_luaaux_check_number(L, -1, fn, lua_tostring(L, -2), -HUGE_VAL, HUGE_VAL);
        lua_pop(L, 2);
    }
    return n;
}

const char *tg_luaaux_renamed(lua_State *L, int idx, const char *fn, const char *key,
                              const char *old) {
    int has_key, has_old;
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) return key;
    has_key = raw_field(L, idx, key) != LUA_TNIL;
    has_old = raw_field(L, idx, old) != LUA_TNIL;
    lua_pop(L, 2);
    if (!has_old) return key;
    if (has_key) tg_luaaux_error(L, "%s: give '%s' (or its old name '%s'), not both", fn, key, old);
    lua_pushfstring(L, "renamed.%s", old);
    if (tg_luaaux_once(L, lua_tostring(L, -1))) {
        lua_pushfstring(L, "%s: '%s' is now called '%s'; the old name works until the next release",
                        fn, old, key);
        tg_luaaux_warn(L, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return old;
}

/* ---- personal identifiers ---- */

/* Whether opts.allow_identifiers is true or lists 'name'. */
static int cpr_allowed(lua_State *L, int opts, const char *name) {
    int ok = 0, type;
    if (!opts || !lua_istable(L, opts)) return 0;
    type = lua_getfield(L, opts, "allow_identifiers");
    if (type == LUA_TBOOLEAN) ok = lua_toboolean(L, -1);
    for (lua_Integer i = 1; type == LUA_TTABLE && !ok; i++) {
        int t = lua_rawgeti(L, -1, i);
        if (t == LUA_TNIL) {
            lua_pop(L, 1);
            break;
        }
        ok = t == LUA_TSTRING && strcmp(lua_tostring(L, -1), name) == 0;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return ok;
}

void tg_luaaux_check_identifiers(lua_State *L, const tg_table *t, int opts, int names,
                                 const char *fn) {
    size_t row;
    assert(t != NULL && fn != NULL);
    if (opts) opts = lua_absindex(L, opts);
    for (long k = tg_ident_cpr_column(t, 0, &row); k >= 0;
         k = tg_ident_cpr_column(t, (size_t)k + 1, &row))
        if (!cpr_allowed(L, opts, t->names[k]))
            tg_luaaux_error(
                L,
                "%s: column '%s' holds CPR numbers (row %I); pseudonymise it "
                "(t:pseudonymise) or drop it, or opt in with allow_identifiers = { \"%s\" }",
                fn, t->names[k], (lua_Integer)(row + 1), t->names[k]);
    for (size_t k = 0; names && k < t->n_cols; k++) {
        char msg[200];
        if (!tg_ident_name_like(t->names[k]) || cpr_allowed(L, opts, t->names[k])) continue;
        snprintf(msg, sizeof msg, "%s: column '%s' may hold names, CPR numbers or addresses", fn,
                 t->names[k]);
        if (tg_luaaux_once(L, msg)) tg_luaaux_warn(L, msg);
    }
}

/* ---- column types (read_csv, read_excel) ---- */

static int cmp_coltype(const void *a, const void *b) {
    return strcmp(((const tg_csv_coltype *)a)->name, ((const tg_csv_coltype *)b)->name);
}

void tg_luaaux_coltypes(lua_State *L, const char *fn, const tg_csv_coltype **out, size_t *n_out) {
    int idx = lua_gettop(L);
    size_t n = 0;
    tg_csv_coltype *types;

    tg_luaaux_check_table(L, idx, fn, "types");
    n = tg_luaaux_count_keys(L, idx);
    types = lua_newuserdatauv(L, (n ? n : 1) * sizeof *types, 0);
    n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        tg_csv_coltype *t = &types[n++];
        const char *tname;
        if (lua_type(L, -2) != LUA_TSTRING)
            tg_luaaux_bad(L, fn, "types", "keyed by column names", -2);
        t->name = lua_tostring(L, -2);
        t->format = NULL;
        /* Only strings: a number would be converted on the stack and the
        ** pointer would not outlive the pop. The tables keep strings alive. */
        tname = NULL;
        if (lua_type(L, -1) == LUA_TTABLE) {
            if (lua_rawgeti(L, -1, 1) == LUA_TSTRING) tname = lua_tostring(L, -1);
            lua_pop(L, 1);
            int ft = lua_rawgeti(L, -1, 2);
            if (ft == LUA_TSTRING) t->format = lua_tostring(L, -1);
            else if (ft != LUA_TNIL) tname = NULL;
            lua_pop(L, 1);
        } else if (lua_type(L, -1) == LUA_TSTRING) {
            tname = lua_tostring(L, -1);
        }
        int type = tname ? tg_type_parse(tname) : -1;
        t->type = type < 0 ? (tg_type)0 : (tg_type)type;
        if (type < 0)
            tg_luaaux_bad(L, fn, lua_pushfstring(L, "types.%s", t->name),
                          "\"int\", \"float\", \"bool\", \"date\", \"string\" or "
                          "{\"date\", \"%d-%m-%Y\"}",
                          -2);
        lua_pop(L, 1);
    }
    qsort(types, n, sizeof *types, cmp_coltype);
    *out = types;
    *n_out = n;
}

/* ---- read-only views ---- */

/* Pushes the table a read-only view (the tegn module, its sub-tables)
** reads through -- its __index, or for a view with an __index function
** (tegn.data) the table its __pairs iterates (tg_lua_readonly) -- or the
** value itself when it is a plain table. */
void tg_luaaux_push_contents(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_istable(L, idx) && lua_getmetatable(L, idx)) {
        if (lua_getfield(L, -1, "__index") == LUA_TTABLE) {
            lua_remove(L, -2);
            return;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, -1, "__pairs") == LUA_TFUNCTION && lua_getupvalue(L, -1, 1) &&
            lua_istable(L, -1)) {
            lua_replace(L, -3);
            lua_pop(L, 1);
            return;
        }
        lua_settop(L, idx);
    }
    lua_pushvalue(L, idx);
}

void tg_luaaux_check_param(lua_State *L, int idx, const char *fn, const char *key, tg_param *p) {
    int32_t days;
    p->is_null = 0;
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            p->type = TG_INT;
            p->v.i = lua_tointeger(L, idx);
        } else {
            p->type = TG_FLOAT;
            p->v.f = lua_tonumber(L, idx);
        }
        return;
    case LUA_TBOOLEAN:
        p->type = TG_BOOL;
        p->v.b = lua_toboolean(L, idx);
        return;
    case LUA_TSTRING:
        p->type = TG_STRING;
        p->v.s = lua_tostring(L, idx);
        return;
    default:
        if (tg_luaaux_date_test(L, idx, &days)) {
            p->type = TG_DATE;
            p->v.date = days;
            return;
        }
        if (tg_luaaux_is_null(L, idx)) {
            p->type = TG_INT;
            p->is_null = 1;
            return;
        }
        tg_luaaux_bad(L, fn, key,
                      "a number, string, boolean, date or tegn.null (a query parameter)", idx);
    }
}
