/*
** tg_lualib.c -- the `tegn` module table and the run context (see
** tg_lualib.h): loading (read_csv, read_sqlite), params, the null value,
** warnings and the document tegn.emit and tegn.indicator leave; the
** helpers every binding shares (boxes, errors, option checks); and
** tg_lualib_open, which builds the module from each binding's open
** function. Tables, expressions, dates, emit and the rest live in their
** own tg_lua*.c files. Every C function here follows "box first, then
** fill": no tg_malloc'ed block is held across a call that can raise unless
** a box or a userdata owns it.
*/
#include "tg_lualib.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_conv.h"
#include "tg_csv.h"
#include "tg_date.h"
#include "tg_db.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luadate.h"
#include "tg_luaemit.h"
#include "tg_luaexpr.h"
#include "tg_luaforecast.h"
#include "tg_luagroup.h"
#include "tg_luaind.h"
#include "tg_luascenario.h"
#include "tg_luasim.h"
#include "tg_luastats.h"
#include "tg_luatable.h"
#include "tg_luatakst.h"
#include "tg_luaverb.h"
#include "tg_luawin.h"
#include "tg_mem.h"
#include "tg_sha256.h"

#define BOX_MT  "tegn.Box"
#define NULL_MT "tegn.Null"
#define LOCKED  "locked"
#define MAX_NA  16

struct tg_lualib {
    tg_lualib_param *params; /* sorted by key */
    size_t n_params;
    void (*print)(void *ud, const char *text, size_t len);
    void *ud;
    int progress;
    tg_lualib_input *inputs;
    size_t n_inputs, cap_inputs;
    tg_json *doc;        /* what tegn.emit produced; NULL until then */
    tg_json *indicators; /* tegn.indicator's objects in definition order */
    int indent;          /* tegn.emit's indent option */
};

/* ---- the run context ---- */

static int cmp_param(const void *a, const void *b) {
    return strcmp(((const tg_lualib_param *)a)->key, ((const tg_lualib_param *)b)->key);
}

tg_lualib *tg_lualib_new(const char *const *params, size_t n_params,
                         void (*print)(void *ud, const char *text, size_t len), void *ud,
                         int progress, tg_error *err) {
    tg_lualib *lib = tg_calloc(1, sizeof *lib);
    if (!lib) {
        tg_err_nomem(err);
        return NULL;
    }
    lib->print = print;
    lib->ud = ud;
    lib->progress = progress;
    lib->params = tg_calloc(n_params ? n_params : 1, sizeof *lib->params);
    if (!lib->params) goto nomem;
    for (size_t i = 0; i < n_params; i++) {
        const char *eq = strchr(params[i], '=');
        if (!eq || eq == params[i]) {
            tg_err_set(err, TG_EARG, NULL, 0, 0, "bad --param '%s': expected NAME=VALUE",
                       params[i]);
            goto fail;
        }
        lib->params[i].key = tg_strndup(params[i], (size_t)(eq - params[i]));
        lib->params[i].value = tg_strdup(eq + 1);
        lib->n_params = i + 1;
        if (!lib->params[i].key || !lib->params[i].value) goto nomem;
    }
    qsort(lib->params, lib->n_params, sizeof *lib->params, cmp_param);
    for (size_t i = 1; i < lib->n_params; i++) {
        if (strcmp(lib->params[i - 1].key, lib->params[i].key) == 0) {
            tg_err_set(err, TG_EARG, NULL, 0, 0, "--param '%s' given twice", lib->params[i].key);
            goto fail;
        }
    }
    return lib;

nomem:
    tg_err_nomem(err);
fail:
    tg_lualib_free(lib);
    return NULL;
}

void tg_lualib_free(tg_lualib *lib) {
    if (!lib) return;
    for (size_t i = 0; i < lib->n_params; i++) {
        tg_free(lib->params[i].key);
        tg_free(lib->params[i].value);
    }
    tg_free(lib->params);
    for (size_t i = 0; i < lib->n_inputs; i++) {
        tg_free(lib->inputs[i].path);
        tg_free(lib->inputs[i].query);
    }
    tg_free(lib->inputs);
    tg_json_free(lib->doc);
    tg_json_free(lib->indicators);
    tg_free(lib);
}

void tg_lualib_print(void *ud, const char *text, size_t len) {
    tg_lualib *lib = ud;
    if (lib && lib->print) lib->print(lib->ud, text, len);
}

size_t tg_lualib_n_inputs(const tg_lualib *lib) {
    return lib->n_inputs;
}

const tg_lualib_input *tg_lualib_input_at(const tg_lualib *lib, size_t i) {
    assert(i < lib->n_inputs);
    return &lib->inputs[i];
}

size_t tg_lualib_n_params(const tg_lualib *lib) {
    return lib->n_params;
}

const tg_lualib_param *tg_lualib_param_at(const tg_lualib *lib, size_t i) {
    assert(i < lib->n_params);
    return &lib->params[i];
}

static tg_lualib *get_lib(lua_State *L) {
    return tg_lua_userdata(tg_lua_from_state(L));
}

int tg_lualib_set_doc(lua_State *L, tg_json *doc, int indent) {
    tg_lualib *lib = get_lib(L);
    if (lib->doc) return 0;
    lib->doc = doc;
    lib->indent = indent;
    return 1;
}

void tg_lualib_add_indicator(lua_State *L, tg_json *ind) {
    tg_lualib *lib = get_lib(L);
    tg_error err;
    tg_status st = TG_OK;
    if (!lib->indicators && !(lib->indicators = tg_json_array())) st = tg_err_nomem(&err);
    if (st == TG_OK) st = tg_json_push_take(lib->indicators, ind, &err);
    else tg_json_free(ind);
    if (st != TG_OK) tg_lua_raise(L, st, &err);
}

/* The indicator document; NULL for none or out of memory. */
static tg_json *indicator_doc(tg_lualib *lib) {
    tg_json *doc = tg_json_object(), *list = lib->indicators;
    tg_status st = doc ? TG_OK : TG_ENOMEM;
    lib->indicators = NULL;
    if (st == TG_OK) st = tg_json_set_take(doc, "format", tg_json_str("tegn-indicators", 15), NULL);
    if (st == TG_OK) st = tg_json_set_take(doc, "format_version", tg_json_int(1), NULL);
    if (st == TG_OK) st = tg_json_set_take(doc, "indicators", list, NULL);
    else tg_json_free(list);
    if (st != TG_OK) {
        tg_json_free(doc);
        return NULL;
    }
    return doc;
}

tg_json *tg_lualib_take_doc(tg_lualib *lib, int *indent) {
    tg_json *doc = lib->doc;
    lib->doc = NULL;
    if (indent) *indent = lib->indent;
    if (!doc && lib->indicators) {
        if (indent) *indent = 2;
        doc = indicator_doc(lib);
    }
    return doc;
}

/* ---- helpers every binding shares (tg_lualib.h) ---- */

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

void **tg_lualib_box(lua_State *L, void (*free_fn)(void *)) {
    box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->p = NULL;
    b->free_fn = free_fn;
    luaL_setmetatable(L, BOX_MT);
    return &b->p;
}

/* Pushes "file:line: " of the innermost Lua function at level 1 or above,
** skipping C functions: luaL_where gives "" when a C function such as
** pcall called us directly. */
static void push_where(lua_State *L) {
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

int tg_lualib_error(lua_State *L, const char *fmt, ...) {
    va_list ap;
    push_where(L);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    lua_error(L);
    TG_UNREACHABLE();
}

int tg_lualib_fail(lua_State *L, tg_status st, const tg_error *err, const char *what) {
    char text[1024];
    assert(st != TG_OK);
    if (st != TG_EARG && st != TG_ESCRIPT) tg_lua_raise(L, st, err);
    if (err) tg_err_format(err, text, sizeof text);
    else snprintf(text, sizeof text, "%s", tg_status_name(st));
    push_where(L);
    lua_pushfstring(L, "%s%s%s", what ? what : "", what ? ": " : "", text);
    lua_concat(L, 2);
    lua_error(L);
    TG_UNREACHABLE();
}

void tg_lualib_interrupt(lua_State *L, tg_interrupt *intr) {
    tg_lua_check(L);
    /* Dead tables hold column memory the collector does not see; free
    ** them before a kernel allocates, while there is room to spare. */
    if (tg_mem_cap() && tg_mem_used() > tg_mem_cap() / 2) lua_gc(L, LUA_GCCOLLECT);
    intr->fn = tg_lua_interrupt;
    intr->ud = tg_lua_from_state(L);
}

void tg_lualib_warn(lua_State *L, const char *msg) {
    tg_lualib *lib = get_lib(L);
    const char *line;
    size_t len;
    push_where(L);
    lua_pushfstring(L, "warning: %s\n", msg);
    lua_concat(L, 2);
    line = lua_tolstring(L, -1, &len);
    tg_lualib_print(lib, line, len);
    lua_pop(L, 1);
}

const char *tg_lualib_suggest(const char *name, char *const *names, size_t n) {
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

int tg_lualib_no_column(lua_State *L, const tg_table *t, const char *name) {
    const char *near = tg_lualib_suggest(name, t->names, t->n_cols);
    luaL_Buffer b;
    if (near) {
        push_where(L);
        lua_pushfstring(L, "no column '%s'; did you mean '%s'?", name, near);
        lua_concat(L, 2);
        lua_error(L);
        TG_UNREACHABLE();
    }
    push_where(L);
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
    lua_error(L);
    TG_UNREACHABLE();
}

/* Checks that every key of the option table at idx is one of 'known'
** (NULL-terminated), naming the nearest one when a key is misspelt. Of
** several unknown keys the smallest is reported, so the message does not
** depend on the table's iteration order. */
void tg_lualib_check_opts(lua_State *L, int idx, const char *const *known, const char *fname) {
    char bad[64] = "";
    int found = 0;
    idx = lua_absindex(L, idx);
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            tg_lualib_error(L, "%s: option names are strings (got a %s key)", fname,
                            luaL_typename(L, -1));
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
        const char *near = tg_lualib_suggest(bad, (char *const *)known, n);
        push_where(L);
        if (near)
            lua_pushfstring(L, "%s: unknown option '%s'; did you mean '%s'?", fname, bad, near);
        else lua_pushfstring(L, "%s: unknown option '%s'", fname, bad);
        lua_concat(L, 2);
        lua_error(L);
    }
}

/* ---- tegn.null ---- */

int tg_lualib_once(lua_State *L, const char *key) {
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

int tg_lualib_is_null(lua_State *L, int idx) {
    return luaL_testudata(L, idx, NULL_MT) != NULL;
}

static int l_null_tostring(lua_State *L) {
    lua_pushliteral(L, "null");
    return 1;
}

/* ---- params ---- */

static const tg_lualib_param *find_param(const tg_lualib *lib, const char *key) {
    tg_lualib_param probe;
    probe.key = (char *)key;
    return bsearch(&probe, lib->params, lib->n_params, sizeof *lib->params, cmp_param);
}

/* tegn.param(name [, default [, type]]) -> the --param value converted to
** the type of 'default' (or to 'type': "int", "float", "number", "bool",
** "date", "string"); the default when the param was not given; an error
** when neither was. */
static int l_tegn_param(lua_State *L) {
    static const char *const kinds[] = { "string", "int", "float", "number", "bool", "date", NULL };
    enum { K_STRING, K_INT, K_FLOAT, K_NUMBER, K_BOOL, K_DATE };
    tg_lualib *lib = get_lib(L);
    const char *name = luaL_checkstring(L, 1);
    const tg_lualib_param *p = find_param(lib, name);
    int32_t days;
    int kind = K_STRING;

    if (!lua_isnoneornil(L, 3)) {
        kind = luaL_checkoption(L, 3, NULL, kinds);
    } else if (lua_isinteger(L, 2)) {
        kind = K_INT;
    } else if (lua_type(L, 2) == LUA_TNUMBER) {
        kind = K_NUMBER;
    } else if (lua_type(L, 2) == LUA_TBOOLEAN) {
        kind = K_BOOL;
    } else if (tg_luadate_test(L, 2, &days)) {
        kind = K_DATE;
    } else if (!lua_isnoneornil(L, 2) && lua_type(L, 2) != LUA_TSTRING) {
        return luaL_argerror(L, 2, "default must be a string, number, boolean or date");
    }
    if (!p) {
        if (lua_isnoneornil(L, 2))
            return tg_lualib_error(L, "missing parameter '%s' (pass --param %s=...)", name, name);
        lua_settop(L, 2);
        return 1;
    }
    const char *v = p->value;
    switch (kind) {
    case K_STRING: lua_pushstring(L, v); return 1;
    case K_INT:
        if (lua_stringtonumber(L, v) && lua_isinteger(L, -1)) return 1;
        return tg_lualib_error(L, "parameter '%s': expected a whole number, got '%s'", name, v);
    case K_FLOAT:
    case K_NUMBER:
        if (lua_stringtonumber(L, v)) {
            if (kind == K_FLOAT) lua_pushnumber(L, lua_tonumber(L, -1));
            return 1;
        }
        return tg_lualib_error(L, "parameter '%s': expected a number, got '%s'", name, v);
    case K_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "ja")) {
            lua_pushboolean(L, 1);
            return 1;
        }
        if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "nej")) {
            lua_pushboolean(L, 0);
            return 1;
        }
        return tg_lualib_error(L, "parameter '%s': expected true or false, got '%s'", name, v);
    case K_DATE:
        if (tg_date_parse_iso(v, strlen(v), &days) != 0)
            return tg_lualib_error(L, "parameter '%s': expected a date 'YYYY-MM-DD', got '%s'",
                                   name, v);
        tg_luadate_push(L, days);
        return 1;
    }
    return 0;
}

/* ---- inputs ---- */

/* Records a successful read. Raises (memory) before changing anything. */
static void record_input(lua_State *L, const char *path, const char *query, size_t rows,
                         size_t rejected) {
    tg_lualib *lib = get_lib(L);
    tg_lualib_input in;

    tg_error err;
    tg_status st;

    memset(&in, 0, sizeof in);
    in.rows = rows;
    in.rejected = rejected;
    st = tg_sha256_file(path, in.sha256, &err);
    if (st != TG_OK) tg_lualib_fail(L, st, &err, NULL);
    if (lib->n_inputs == lib->cap_inputs) {
        size_t cap = lib->cap_inputs ? 2 * lib->cap_inputs : 8;
        tg_lualib_input *p = tg_realloc(lib->inputs, cap * sizeof *p);
        if (!p) tg_lua_raise(L, TG_ENOMEM, NULL);
        lib->inputs = p;
        lib->cap_inputs = cap;
    }
    in.path = tg_strdup(path);
    in.query = query ? tg_strdup(query) : NULL;
    if (!in.path || (query && !in.query)) {
        tg_free(in.path);
        tg_free(in.query);
        tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    lib->inputs[lib->n_inputs++] = in;
}

/* ---- tegn.read_csv ---- */

struct load_ctx {
    tg_lua *rt;
    tg_lualib *lib;
    const char *path;
    int last_tenth;
};

static tg_status load_interrupt(void *ud) {
    return tg_lua_poll(((struct load_ctx *)ud)->rt);
}

static void load_progress(void *ud, size_t done, size_t total) {
    struct load_ctx *c = ud;
    char line[512];
    int tenth = total ? (int)(done * 10 / total) : 10;
    if (tenth <= c->last_tenth || tenth >= 10) return;
    c->last_tenth = tenth;
    int n = snprintf(line, sizeof line, "tegn: reading %s: %d%%\n", c->path, tenth * 10);
    tg_lualib_print(c->lib, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

static char opt_char(lua_State *L, int opts, const char *key, const char *what) {
    size_t len;
    const char *s;
    char c = 0;
    if (lua_getfield(L, opts, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    s = lua_tolstring(L, -1, &len);
    if (!s) tg_lualib_error(L, "read_csv: option '%s' must be a string", key);
    if (strcmp(s, "auto") == 0) c = 0;
    else if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0) c = '\t';
    else if (len == 1) c = s[0];
    else
        tg_lualib_error(L, "read_csv: option '%s' must be one character (%s), got '%s'", key, what,
                        s);
    lua_pop(L, 1);
    return c;
}

static lua_Integer opt_int(lua_State *L, int opts, const char *key, lua_Integer dflt,
                           lua_Integer min) {
    lua_Integer v;
    int ok;
    if (lua_getfield(L, opts, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return dflt;
    }
    v = lua_tointegerx(L, -1, &ok);
    if (!ok || v < min)
        tg_lualib_error(L, "read_csv: option '%s' must be a whole number >= %d", key, (int)min);
    lua_pop(L, 1);
    return v;
}

static int cmp_coltype(const void *a, const void *b) {
    return strcmp(((const tg_csv_coltype *)a)->name, ((const tg_csv_coltype *)b)->name);
}

/* Fills opts->types from the 'types' option (at the top of the stack,
** kept there while the load runs: the names point into it). */
static void read_types(lua_State *L, tg_csv_opts *o) {
    int idx = lua_gettop(L);
    size_t n = 0;
    tg_csv_coltype *types;

    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        n++;
    }
    types = lua_newuserdatauv(L, (n ? n : 1) * sizeof *types, 0);
    n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        tg_csv_coltype *t = &types[n++];
        const char *tname;
        if (lua_type(L, -2) != LUA_TSTRING)
            tg_lualib_error(L, "read_csv: 'types' maps column names to types");
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
            tg_lualib_error(L,
                            "read_csv: bad type for column '%s' (expected \"int\", \"float\", "
                            "\"bool\", \"date\", \"string\" or {\"date\", \"%%d-%%m-%%Y\"})",
                            t->name);
        lua_pop(L, 1);
    }
    qsort(types, n, sizeof *types, cmp_coltype);
    o->types = types;
    o->n_types = n;
}

static void push_report(lua_State *L, const tg_csv_report *r, const tg_table *t) {
    char dec[2] = { 0, 0 };
    lua_createtable(L, 0, 6);

    lua_createtable(L, 0, 6);
    dec[0] = r->dialect.delim;
    lua_pushstring(L, r->dialect.delim == '\t' ? "\t" : dec);
    lua_setfield(L, -2, "sep");
    dec[0] = r->dialect.quote;
    lua_pushstring(L, dec);
    lua_setfield(L, -2, "quote");
    lua_pushboolean(L, r->dialect.header);
    lua_setfield(L, -2, "header");
    lua_pushstring(L, tg_enc_name(r->dialect.encoding));
    lua_setfield(L, -2, "encoding");
    lua_pushboolean(L, r->dialect.sep_line);
    lua_setfield(L, -2, "sep_line");
    lua_setfield(L, -2, "dialect");

    lua_pushinteger(L, (lua_Integer)r->n_rows);
    lua_setfield(L, -2, "rows");
    lua_pushinteger(L, (lua_Integer)r->n_rejected);
    lua_setfield(L, -2, "rejected");

    lua_createtable(L, (int)r->n_rejects, 0);
    for (size_t i = 0; i < r->n_rejects; i++) {
        const tg_reject *rj = &r->rejects[i];
        lua_createtable(L, 0, 5);
        lua_pushinteger(L, (lua_Integer)rj->line);
        lua_setfield(L, -2, "line");
        lua_pushinteger(L, rj->col);
        lua_setfield(L, -2, "col");
        lua_pushstring(L, rj->column);
        lua_setfield(L, -2, "column");
        lua_pushstring(L, rj->value);
        lua_setfield(L, -2, "value");
        lua_pushstring(L, rj->reason);
        lua_setfield(L, -2, "reason");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "rejects");

    lua_createtable(L, (int)r->n_cols, 0);
    for (size_t k = 0; k < r->n_cols && k < t->n_cols; k++) {
        const tg_csv_colinfo *ci = &r->cols[k];
        lua_createtable(L, 0, 5);
        lua_pushstring(L, t->names[k]);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, tg_type_name(ci->type));
        lua_setfield(L, -2, "type");
        if (ci->decimal) {
            dec[0] = ci->decimal;
            lua_pushstring(L, dec);
            lua_setfield(L, -2, "decimal");
        }
        if (ci->date_fmt) {
            lua_pushstring(L, tg_conv_date_fmt_name(ci->date_fmt));
            lua_setfield(L, -2, "date_format");
        }
        if (ci->note[0]) {
            lua_pushstring(L, ci->note);
            lua_setfield(L, -2, "note");
        }
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "columns");
}

static void free_report(void *p) {
    tg_csv_report_free(p);
}

/* tegn.read_csv(path [, opts]) -> Table, report */
static int l_tegn_read_csv(lua_State *L) {
    static const char *const known[] = { "sep",        "quote",   "header", "encoding",
                                         "decimal",    "na",      "types",  "on_error",
                                         "max_errors", "threads", NULL };
    const char *path = luaL_checkstring(L, 1);
    tg_lualib *lib = get_lib(L);
    const char *na[MAX_NA];
    struct load_ctx ctx;
    tg_csv_opts o;
    tg_csv_report *rep = NULL;
    tg_table **slot;
    void **rbox;
    tg_error err;
    tg_status st;

    tg_lualib_check_opts(L, 2, known, "read_csv");
    lua_settop(L, 2);
    tg_csv_opts_init(&o);
    if (lua_istable(L, 2)) {
        o.dialect.delim = opt_char(L, 2, "sep", "such as ';' or ','");
        o.dialect.quote = opt_char(L, 2, "quote", "such as '\"'");
        o.decimal = opt_char(L, 2, "decimal", "'.' or ','");
        if (o.decimal && o.decimal != '.' && o.decimal != ',')
            return tg_lualib_error(L, "read_csv: option 'decimal' must be '.', ',' or \"auto\"");
        if (lua_getfield(L, 2, "header") != LUA_TNIL) {
            if (lua_type(L, -1) == LUA_TBOOLEAN) o.dialect.header = lua_toboolean(L, -1);
            else if (!(lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "auto")))
                return tg_lualib_error(L,
                                       "read_csv: option 'header' must be true, false or \"auto\"");
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "encoding") != LUA_TNIL) {
            const char *e = lua_tostring(L, -1);
            int enc = e ? tg_enc_parse(e) : -1;
            if (enc < 0)
                return tg_lualib_error(L,
                                       "read_csv: unknown encoding '%s' (try \"utf-8\", "
                                       "\"windows-1252\", \"latin-1\", \"utf-16le\" or \"auto\")",
                                       e ? e : luaL_typename(L, -1));
            o.dialect.encoding = (tg_encoding)enc;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "na") != LUA_TNIL) {
            luaL_checktype(L, -1, LUA_TTABLE);
            lua_Integer n = luaL_len(L, -1);
            if (n > MAX_NA) return tg_lualib_error(L, "read_csv: at most %d 'na' values", MAX_NA);
            for (lua_Integer i = 1; i <= n; i++) {
                if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
                    return tg_lualib_error(L, "read_csv: 'na' values must be strings");
                na[i - 1] = lua_tostring(L, -1); /* kept alive by the na table */
                lua_pop(L, 1);
            }
            o.na = na;
            o.n_na = (size_t)n;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "on_error") != LUA_TNIL) {
            static const char *const modes[] = { "fail", "reject", NULL };
            o.on_error = luaL_checkoption(L, -1, NULL, modes) == 0 ? TG_CSV_FAIL : TG_CSV_REJECT;
        }
        lua_pop(L, 1);
        o.max_errors = (size_t)opt_int(L, 2, "max_errors", (lua_Integer)o.max_errors, 0);
        o.threads = (int)opt_int(L, 2, "threads", 0, 0);
        if (lua_getfield(L, 2, "types") != LUA_TNIL) read_types(L, &o);
        /* 'types' (and its array) stay on the stack until the load is done */
    }

    slot = tg_luatable_new(L);
    rbox = tg_lualib_box(L, free_report);
    tg_lua_check(L);
    ctx.rt = tg_lua_from_state(L);
    ctx.lib = lib;
    ctx.path = path;
    ctx.last_tenth = 0;
    o.interrupt = load_interrupt;
    o.progress = lib->progress ? load_progress : NULL;
    o.ud = &ctx;
    tg_err_clear(&err);
    st = tg_csv_read(path, &o, slot, &rep, &err);
    *rbox = rep;
    if (st != TG_OK) return tg_lualib_fail(L, st, &err, NULL);
    record_input(L, path, NULL, (*slot)->n_rows, rep->n_rejected);
    if (lib->progress) {
        char line[512];
        int n = snprintf(line, sizeof line, "tegn: read %s: %zu rows\n", path, (*slot)->n_rows);
        tg_lualib_print(lib, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
    }
    lua_pushvalue(L, -2);
    push_report(L, rep, *slot);
    return 2;
}

/* ---- tegn.read_sqlite ---- */

/* Fills *p from the Lua value at idx (a query parameter). */
static void to_db_param(lua_State *L, int idx, tg_db_param *p) {
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
        p->v.s = lua_tostring(L, idx); /* kept alive by the params table */
        return;
    default:
        if (tg_luadate_test(L, idx, &days)) {
            p->type = TG_DATE;
            p->v.date = days;
            return;
        }
        if (tg_lualib_is_null(L, idx)) {
            p->type = TG_INT;
            p->is_null = 1;
            return;
        }
        tg_lualib_error(L, "read_sqlite: a query parameter cannot be a %s", luaL_typename(L, idx));
    }
}

static int cmp_db_param(const void *a, const void *b) {
    const tg_db_param *x = a, *y = b;
    if (!x->name || !y->name) return x->name ? 1 : y->name ? -1 : 0;
    return strcmp(x->name, y->name);
}

/* tegn.read_sqlite(db, table_or_sql [, params]) -> Table */
static int l_tegn_read_sqlite(lua_State *L) {
    const char *db = luaL_checkstring(L, 1);
    const char *what = luaL_checkstring(L, 2);
    tg_db_param *params = NULL;
    size_t n = 0, n_pos = 0;
    tg_table **slot;
    tg_error err;
    tg_status st;

    lua_settop(L, 3);
    if (!lua_isnil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            lua_pop(L, 1);
            n++;
        }
        params = lua_newuserdatauv(L, (n ? n : 1) * sizeof *params, 0);
        n_pos = (size_t)luaL_len(L, 3);
        for (size_t i = 0; i < n_pos; i++) {
            lua_rawgeti(L, 3, (lua_Integer)i + 1);
            params[i].name = NULL;
            to_db_param(L, -1, &params[i]);
            lua_pop(L, 1);
        }
        size_t k = n_pos;
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            if (lua_type(L, -2) == LUA_TSTRING) {
                if (k == n) tg_lualib_error(L, "read_sqlite: bad parameter table");
                params[k].name = lua_tostring(L, -2);
                to_db_param(L, -1, &params[k]);
                k++;
            } else if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 ||
                       lua_tointeger(L, -2) > (lua_Integer)n_pos) {
                tg_lualib_error(L, "read_sqlite: parameters are a list (?1, ?2, ...) or a table of "
                                   "names (:fra = ...)");
            }
            lua_pop(L, 1);
        }
        n = k;
        qsort(params + n_pos, n - n_pos, sizeof *params, cmp_db_param);
    }
    slot = tg_luatable_new(L);
    tg_lua_check(L);
    tg_err_clear(&err);
    st = tg_db_read(db, what, params, n, slot, &err);
    if (st != TG_OK) return tg_lualib_fail(L, st, &err, NULL);
    record_input(L, db, what, (*slot)->n_rows, 0);
    return 1;
}

/* ---- tegn.warn, tegn.version, the module table ---- */

static int l_tegn_warn(lua_State *L) {
    tg_lualib_warn(L, luaL_checkstring(L, 1));
    return 0;
}

static const luaL_Reg tegn_funcs[] = {
    { "read_csv", l_tegn_read_csv },
    { "read_sqlite", l_tegn_read_sqlite },
    { "param", l_tegn_param },
    { "warn", l_tegn_warn },
    { NULL, NULL },
};

/* Makes a metatable 'name' with the given metamethods, methods as
** __index (when given) and a __metatable field, so scripts can neither
** read nor replace it. Leaves it on the stack. */
void tg_lualib_new_metatable(lua_State *L, const char *name, const luaL_Reg *meta,
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

static int l_module_loader(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    return 1;
}

void tg_lualib_open(lua_State *L, void *ud) {
    static const luaL_Reg box_meta[] = { { "__gc", l_box_gc }, { NULL, NULL } };
    static const luaL_Reg null_meta[] = { { "__tostring", l_null_tostring }, { NULL, NULL } };
    tg_lualib *lib = ud;

    tg_lualib_new_metatable(L, BOX_MT, box_meta, NULL);
    tg_lualib_new_metatable(L, NULL_MT, null_meta, NULL);
    lua_pop(L, 2);
    tg_luatable_open(L);

    luaL_newlib(L, tegn_funcs);
    tg_luadate_open(L);
    tg_luaexpr_open(L);
    tg_luawin_open(L);
    tg_luagroup_open(L);
    tg_luaverb_open_module(L);
    tg_luaemit_open(L);
    tg_luascenario_open(L);
    tg_luaind_open(L);
    tg_luastats_open(L);
    tg_luaforecast_open(L);
    tg_luatakst_open(L);
    tg_luasim_open(L);
    lua_pushliteral(L, TG_VERSION_STRING);
    lua_setfield(L, -2, "version");
    lua_newuserdatauv(L, 0, 0);
    luaL_setmetatable(L, NULL_MT);
    lua_setfield(L, -2, "null");
    lua_createtable(L, 0, lib ? (int)lib->n_params : 0);
    for (size_t i = 0; lib && i < lib->n_params; i++) {
        lua_pushstring(L, lib->params[i].value);
        lua_setfield(L, -2, lib->params[i].key);
    }
    lua_setfield(L, -2, "params");

    lua_pushvalue(L, -1);
    lua_setglobal(L, "tegn");
    lua_pushcclosure(L, l_module_loader, 1);
    tg_lua_preload(L, "tegn");
}
