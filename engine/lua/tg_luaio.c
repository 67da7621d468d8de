/*
** tg_luaio.c -- what a script reads from outside (see tg_luaio.h):
** tegn.read_csv, tegn.read_sqlite, tegn.param, and tegn.warn, the one way
** a script writes to stderr. Every successful read is recorded in the run
** context with its SHA-256, for the output's meta object. Every C function
** here follows "box first, then fill": no tg_malloc'ed block is held
** across a call that can raise unless a box or a userdata owns it.
*/
#include "tg_luaio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_conv.h"
#include "tg_csv.h"
#include "tg_csvprep.h"
#include "tg_date.h"
#include "tg_db.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_excel.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luactx.h"
#include "tg_luaval.h"

#define MAX_NA 16

/* ---- params ---- */

/* tegn.params.k: the --param's text, nil when not given. Every read goes
** through tg_luactx_use_param, so a param the script never reads can be
** told from one it reads (a misspelt --param is an error, not a default). */
static int l_params_index(lua_State *L) {
    tg_luactx *lib = tg_luactx_of(L);
    const tg_luactx_param *p;
    if (!lib || lua_type(L, 2) != LUA_TSTRING) return 0;
    p = tg_luactx_use_param(lib, lua_tostring(L, 2));
    if (!p) return 0;
    lua_pushstring(L, p->value);
    return 1;
}

/* next over tegn.params, in key order; each param it hands out is read. */
static int l_params_next(lua_State *L) {
    tg_luactx *lib = tg_luactx_of(L);
    size_t n = lib ? tg_luactx_n_params(lib) : 0, i = 0;
    if (!lua_isnil(L, 2)) {
        const char *key = lua_tostring(L, 2);
        while (i < n && (!key || strcmp(tg_luactx_param_at(lib, i)->key, key) != 0)) i++;
        i++;
    }
    if (i >= n) return 0;
    const tg_luactx_param *p = tg_luactx_use_param(lib, tg_luactx_param_at(lib, i)->key);
    lua_pushstring(L, p->key);
    lua_pushstring(L, p->value);
    return 2;
}

static int l_params_pairs(lua_State *L) {
    lua_pushcfunction(L, l_params_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int l_params_newindex(lua_State *L) {
    return tg_luaaux_error(L, "cannot set tegn.params.%s: the params are read-only (--param)",
                           lua_tostring(L, 2) ? lua_tostring(L, 2) : "?");
}

/* Pushes tegn.params: an empty table whose metatable reads the params. */
static void push_params(lua_State *L) {
    static const luaL_Reg mt[] = { { "__index", l_params_index },
                                   { "__pairs", l_params_pairs },
                                   { "__newindex", l_params_newindex },
                                   { NULL, NULL } };
    lua_newtable(L);
    lua_createtable(L, 0, 4);
    luaL_setfuncs(L, mt, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* A param's text as a number: Lua's reading ("1.5", "5", "1e3"), else
** Danish with a decimal comma ("0,955", "1.234,5"). Pushes it and
** returns 1, or returns 0. */
static int param_number(lua_State *L, const char *v) {
    int64_t i;
    double f;
    if (lua_stringtonumber(L, v)) return 1;
    switch (tg_conv_number(v, strlen(v), TG_MARK_COMMA, &i, &f)) {
    case TG_NUM_INT: lua_pushinteger(L, (lua_Integer)i); return 1;
    case TG_NUM_FLOAT: lua_pushnumber(L, f); return 1;
    }
    return 0;
}

/* A param's text as a date: ISO ("2024-03-01") or Danish day first
** ("01-03-2024", "1.3.2024", "01/03/2024"). */
static int param_date(const char *v, int32_t *days) {
    int32_t packed;
    unsigned mask;
    if (tg_date_parse_iso(v, strlen(v), days) == 0) return 0;
    mask = tg_conv_date(v, strlen(v), &packed) &
           (TG_DF_ISO | TG_DF_DMY_DASH | TG_DF_DMY_DOT | TG_DF_DMY_SLASH);
    if (!mask) return -1;
    *days = tg_conv_date_days(packed, tg_conv_date_pick(mask));
    return 0;
}

/* tegn.param(name [, default [, type]]) -> the --param value converted to
** the type of 'default' (or to 'type': "int", "float", "number", "bool",
** "date", "string"); the default when the param was not given; an error
** when neither was. */
static int l_tegn_param(lua_State *L) {
    static const char *const kinds[] = { "string", "int", "float", "number", "bool", "date", NULL };
    enum { K_STRING, K_INT, K_FLOAT, K_NUMBER, K_BOOL, K_DATE };
    tg_luactx *lib = tg_luactx_of(L);
    const char *name = tg_luaaux_check_string(L, 1, "param", "name");
    const tg_luactx_param *p = tg_luactx_use_param(lib, name);
    int32_t days;
    int kind = K_STRING;

    if (!lua_isnoneornil(L, 3)) {
        kind = tg_luaaux_check_choice(L, 3, "param", "type", kinds);
    } else if (lua_isinteger(L, 2)) {
        kind = K_INT;
    } else if (lua_type(L, 2) == LUA_TNUMBER) {
        kind = K_NUMBER;
    } else if (lua_type(L, 2) == LUA_TBOOLEAN) {
        kind = K_BOOL;
    } else if (tg_luaaux_date_test(L, 2, &days)) {
        kind = K_DATE;
    } else if (!lua_isnoneornil(L, 2) && lua_type(L, 2) != LUA_TSTRING) {
        return tg_luaaux_bad(L, "param", "default", "a string, number, boolean or date", 2);
    }
    if (!p) {
        if (lua_isnoneornil(L, 2))
            return tg_luaaux_error(L, "missing parameter '%s' (pass --param %s=...)", name, name);
        lua_settop(L, 2);
        return 1;
    }
    const char *v = p->value;
    switch (kind) {
    case K_STRING: lua_pushstring(L, v); return 1;
    case K_INT:
        if (param_number(L, v) && lua_isinteger(L, -1)) return 1;
        return tg_luaaux_error(L, "parameter '%s': expected a whole number, got '%s'", name, v);
    case K_FLOAT:
    case K_NUMBER:
        if (param_number(L, v)) {
            if (kind == K_FLOAT) lua_pushnumber(L, lua_tonumber(L, -1));
            return 1;
        }
        return tg_luaaux_error(L, "parameter '%s': expected a number (1.5 or 1,5), got '%s'", name,
                               v);
    case K_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "ja")) {
            lua_pushboolean(L, 1);
            return 1;
        }
        if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "nej")) {
            lua_pushboolean(L, 0);
            return 1;
        }
        return tg_luaaux_error(L, "parameter '%s': expected true or false, got '%s'", name, v);
    case K_DATE:
        if (param_date(v, &days) != 0)
            return tg_luaaux_error(
                L, "parameter '%s': expected a date 'YYYY-MM-DD' or 'DD-MM-YYYY', got '%s'", name,
                v);
        tg_luaaux_date_push(L, days);
        return 1;
    }
    return 0;
}

/* ---- tegn.read_csv ---- */

struct load_ctx {
    tg_lua *rt;
    tg_luactx *lib;
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
    tg_luactx_print(c->lib, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

/* A one-character option of read_csv: "auto" (0), "tab", or the
** character; 'what' gives examples. */
static char csv_char(lua_State *L, int opts, const char *key, const char *what) {
    const char *s = tg_luaaux_opt_string(L, opts, "read_csv", key, "auto");
    char c = 0;
    if (strcmp(s, "auto") == 0) c = 0;
    else if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0) c = '\t';
    else if (strlen(s) == 1) c = s[0];
    else {
        lua_getfield(L, opts, key);
        lua_pushfstring(L, "one character (%s), \"tab\" or \"auto\"", what);
        tg_luaaux_bad(L, "read_csv", key, lua_tostring(L, -1), -2);
    }
    return c;
}

/* Fills opts->types from the 'types' option (at the top of the stack,
** kept there while the load runs: the names point into it). */
static void read_types(lua_State *L, tg_csv_opts *o) {
    tg_luaaux_coltypes(L, "read_csv", &o->types, &o->n_types);
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
    dec[0] = r->dialect.escape;
    if (dec[0]) lua_pushstring(L, dec);
    else lua_pushboolean(L, 0);
    lua_setfield(L, -2, "escape");
    lua_pushstring(L, r->dialect.lenient ? "lenient" : "strict");
    lua_setfield(L, -2, "quotes");
    dec[0] = r->dialect.comment;
    if (dec[0]) lua_pushstring(L, dec);
    else lua_pushboolean(L, 0);
    lua_setfield(L, -2, "comment");
    lua_pushinteger(L, r->dialect.pre_lines); /* title lines, or skip = n */
    lua_setfield(L, -2, "skip");
    lua_setfield(L, -2, "dialect");

    lua_createtable(L, (int)r->n_notes, 0);
    for (size_t i = 0; i < r->n_notes; i++) {
        lua_pushstring(L, r->notes[i].text);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "notes");

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

/* The escape and quotes options: escape = "\\" / false / "auto", quotes =
** "strict" / "lenient" / "auto" (text after a closing quote). */
static void read_quoting(lua_State *L, tg_csv_opts *o) {
    static const char *const quoting[] = { "auto", "strict", "lenient", NULL };
    int t = lua_getfield(L, 2, "escape");
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
        o->dialect.escape = 0;
    } else if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "auto") == 0) {
        o->dialect.escape = -1;
    } else if (t == LUA_TSTRING && lua_rawlen(L, -1) == 1) {
        o->dialect.escape = (unsigned char)lua_tostring(L, -1)[0];
    } else if (t != LUA_TNIL) {
        tg_luaaux_bad(L, "read_csv", "escape", "one character such as \"\\\", false or \"auto\"",
                      -1);
    }
    lua_pop(L, 1);
    o->dialect.lenient = tg_luaaux_opt_choice(L, 2, "read_csv", "quotes", quoting, 0) - 1;
    t = lua_getfield(L, 2, "comment");
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) o->dialect.comment = 0;
    else if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "auto") == 0) o->dialect.comment = -1;
    else if (t == LUA_TSTRING && lua_rawlen(L, -1) == 1)
        o->dialect.comment = (unsigned char)lua_tostring(L, -1)[0];
    else if (t != LUA_TNIL)
        tg_luaaux_bad(L, "read_csv", "comment", "one character such as \"#\", false or \"auto\"",
                      -1);
    lua_pop(L, 1);
    t = lua_getfield(L, 2, "skip");
    if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "auto") == 0) o->dialect.skip = -1;
    else if (t != LUA_TNIL)
        o->dialect.skip = (int)tg_luaaux_opt_integer(L, 2, "read_csv", "skip", 0, 0, 1000000);
    lua_pop(L, 1);
}

/* Keeps the dialect and the notes a reader of the results should know in
** the input's meta, and says them on stderr (a column that became text
** hides a bad value otherwise) unless the run is --quiet. */
static void record_csv(lua_State *L, const char *path, const tg_csv_report *r, const tg_table *t) {
    tg_luactx_input *in = tg_luactx_last_input(L);
    int quiet = tg_luactx_quiet(tg_luactx_of(L));
    char note[400];
    in->csv = 1;
    in->sep = r->dialect.delim;
    in->quote = r->dialect.quote;
    in->escape = r->dialect.escape;
    in->header = r->dialect.header;
    in->encoding = tg_enc_name(r->dialect.encoding);
    for (size_t k = 0; k < r->n_cols && k < t->n_cols; k++) {
        if (!r->cols[k].note[0]) continue;
        snprintf(note, sizeof note, "column '%s' %s", t->names[k], r->cols[k].note);
        tg_luactx_input_note(L, note);
        if (!quiet) {
            tg_luaaux_warn(L, lua_pushfstring(L, "%s: %s", path, note));
            lua_pop(L, 1);
        }
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        if (!r->notes[i].unusual) continue;
        tg_luactx_input_note(L, r->notes[i].text);
        if (!quiet) {
            tg_luaaux_warn(L, lua_pushfstring(L, "%s: %s", path, r->notes[i].text));
            lua_pop(L, 1);
        }
    }
}

static void free_report(void *p) {
    tg_csv_report_free(p);
}

/* A workbook by its first bytes (whatever it is called): read_csv hands
** those to read_excel. 'fd' -1: look at the file by name. */
static int is_workbook(const char *path, int fd) {
    int own = fd < 0, kind;
    if (own && (fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) return 0;
    kind = tg_excel_kind_fd(fd);
    if (own) close(fd);
    return kind > 0;
}

/* tegn.read_excel(path, opts) with the options read_csv and read_excel
** share (header, skip, types, na); the CSV dialect's options mean nothing
** in a workbook and are left out. The module table is upvalue 1. */
static int read_as_excel(lua_State *L, const char *path) {
    static const char *const shared[] = { "header", "skip", "types", "na" };
    lua_getfield(L, lua_upvalueindex(1), "read_excel");
    lua_pushstring(L, path);
    lua_createtable(L, 0, 4);
    for (size_t i = 0; lua_istable(L, 2) && i < sizeof shared / sizeof shared[0]; i++) {
        int t = lua_getfield(L, 2, shared[i]);
        if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "auto") == 0) t = LUA_TNIL;
        if (t == LUA_TNIL) lua_pop(L, 1);
        else lua_setfield(L, -2, shared[i]);
    }
    lua_call(L, 2, 2);
    return 2;
}

/* tegn check --data: the load reads a copy of the file's first records
** (tg_csvprep_head) instead of the file, when it can make one. */
static void sample_head(const char *path, size_t rows, tg_csv_opts *o) {
    int src = o->use_fd ? o->fd : open(path, O_RDONLY | O_CLOEXEC);
    int head = tg_csvprep_head(src, rows);
    if (head < 0) {
        if (!o->use_fd && src >= 0) close(src);
        return;
    }
    if (src >= 0) close(src);
    o->fd = head;
    o->use_fd = 1;
}

/* tegn.read_csv(path [, opts]) -> Table, report */
static int l_tegn_read_csv(lua_State *L) {
    static const char *const known[] = { "sep",     "quote",  "header",   "encoding", "decimal",
                                         "na",      "types",  "on_error", "escape",   "max_errors",
                                         "threads", "quotes", "comment",  "skip",     NULL };
    const char *path = tg_luaaux_check_string(L, 1, "read_csv", "path");
    tg_luactx *lib = tg_luactx_of(L);
    const char *na[MAX_NA];
    struct load_ctx ctx;
    tg_csv_opts o;
    tg_csv_report *rep = NULL;
    tg_table **slot;
    void **rbox;
    tg_error err;
    tg_status st;

    tg_luaaux_check_opts(L, 2, known, "read_csv");
    lua_settop(L, 2);
    tg_csv_opts_init(&o);
    if (lua_istable(L, 2)) {
        o.dialect.delim = csv_char(L, 2, "sep", "such as ';' or ','");
        o.dialect.quote = csv_char(L, 2, "quote", "such as '\"'");
        o.decimal = csv_char(L, 2, "decimal", "'.' or ','");
        if (o.decimal && o.decimal != '.' && o.decimal != ',')
            return (lua_getfield(L, 2, "decimal"),
                    tg_luaaux_bad(L, "read_csv", "decimal", "'.', ',' or \"auto\"", -1));
        if (lua_getfield(L, 2, "header") != LUA_TNIL) {
            if (lua_type(L, -1) == LUA_TBOOLEAN) o.dialect.header = lua_toboolean(L, -1);
            else if (!(lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "auto")))
                return tg_luaaux_bad(L, "read_csv", "header", "true, false or \"auto\"", -1);
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "encoding") != LUA_TNIL) {
            const char *e = lua_tostring(L, -1);
            int enc = e ? tg_enc_parse(e) : -1;
            if (enc < 0)
                return tg_luaaux_bad(L, "read_csv", "encoding",
                                     "\"utf-8\", \"windows-1252\", \"latin-1\", \"utf-16le\" or "
                                     "\"auto\"",
                                     -1);
            o.dialect.encoding = (tg_encoding)enc;
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "na") != LUA_TNIL) {
            if (!lua_istable(L, -1))
                return tg_luaaux_bad(L, "read_csv", "na", "a list of strings", -1);
            lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
            if (n > MAX_NA) return tg_luaaux_error(L, "read_csv: at most %d 'na' values", MAX_NA);
            for (lua_Integer i = 1; i <= n; i++) {
                if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
                    return tg_luaaux_bad(L, "read_csv", lua_pushfstring(L, "na[%I]", i), "a string",
                                         -2);
                na[i - 1] = lua_tostring(L, -1); /* kept alive by the na table */
                lua_pop(L, 1);
            }
            o.na = na;
            o.n_na = (size_t)n;
        }
        lua_pop(L, 1);
        static const char *const modes[] = { "fail", "reject", NULL };
        o.on_error = tg_luaaux_opt_choice(L, 2, "read_csv", "on_error", modes, 0) == 0
                         ? TG_CSV_FAIL
                         : TG_CSV_REJECT;
        o.max_errors = (size_t)tg_luaaux_opt_integer(L, 2, "read_csv", "max_errors",
                                                     (int64_t)o.max_errors, 0, INT64_MAX);
        o.threads = (int)tg_luaaux_opt_integer(L, 2, "read_csv", "threads", 0, 0, INT32_MAX);
        read_quoting(L, &o);
        if (lua_getfield(L, 2, "types") != LUA_TNIL) read_types(L, &o);
        /* 'types' (and its array) stay on the stack until the load is done */
    }

    slot = tg_luaval_table_new(L);
    rbox = tg_luaaux_box(L, free_report);
    tg_lua_check(L);
    ctx.rt = tg_lua_from_state(L);
    ctx.lib = lib;
    ctx.path = path;
    ctx.last_tenth = 0;
    o.interrupt = load_interrupt;
    o.progress = tg_luactx_progress(lib) ? load_progress : NULL;
    o.ud = &ctx;
    tg_err_clear(&err);
    int by_name;
    o.fd = tg_luactx_open_read(L, "read_csv", path, &by_name);
    o.use_fd = !by_name; /* -1: the loader reports errno */
    if (is_workbook(path, o.use_fd ? o.fd : -1)) {
        if (o.use_fd) close(o.fd);
        return read_as_excel(L, path);
    }
    if (tg_luactx_sample(lib) > 0) sample_head(path, tg_luactx_sample(lib), &o);
    /* the loader hashes what it reads, beside the parse; a sample reads
    ** only the head, and the run records the whole file's digest */
    o.sha256 = tg_luactx_sample(lib) == 0;
    st = tg_csv_read(path, &o, slot, &rep, &err);
    if (o.use_fd) close(o.fd);
    *rbox = rep;
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, NULL);
    if (o.sha256) tg_luactx_add_input_sha(L, path, NULL, *slot, rep->n_rejected, rep->sha256);
    else tg_luactx_add_input(L, path, NULL, *slot, rep->n_rejected);
    record_csv(L, path, rep, *slot);
    tg_luactx_sample_table(L, slot); /* a gzip or UTF-16 file was read whole */
    if (tg_luactx_progress(lib)) {
        char line[512];
        int n = snprintf(line, sizeof line, "tegn: read %s: %zu rows\n", path, (*slot)->n_rows);
        tg_luactx_print(lib, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
    }
    lua_pushvalue(L, -2);
    push_report(L, rep, *slot);
    return 2;
}

/* ---- tegn.read_sqlite ---- */

static int cmp_db_param(const void *a, const void *b) {
    const tg_db_param *x = a, *y = b;
    if (!x->name || !y->name) return x->name ? 1 : y->name ? -1 : 0;
    return strcmp(x->name, y->name);
}

/* tegn.read_sqlite(db, table_or_sql [, params]) -> Table */
static int l_tegn_read_sqlite(lua_State *L) {
    const char *db = tg_luaaux_check_string(L, 1, "read_sqlite", "db");
    const char *what = tg_luaaux_check_string(L, 2, "read_sqlite", "table_or_sql");
    tg_db_param *params = NULL;
    size_t n = 0, n_pos = 0;
    tg_table **slot;
    tg_interrupt intr;
    tg_error err;
    tg_status st;

    lua_settop(L, 3);
    if (!lua_isnil(L, 3)) {
        tg_luaaux_check_table(L, 3, "read_sqlite", "params");
        n = tg_luaaux_count_keys(L, 3);
        params = lua_newuserdatauv(L, (n ? n : 1) * sizeof *params, 0);
        n_pos = (size_t)(lua_Integer)lua_rawlen(L, 3);
        for (size_t i = 0; i < n_pos; i++) {
            lua_rawgeti(L, 3, (lua_Integer)i + 1);
            params[i].name = NULL;
            const char *key = lua_pushfstring(L, "params[%d]", (int)i + 1);
            tg_luaaux_check_param(L, -2, "read_sqlite", key, &params[i]);
            lua_pop(L, 2); /* the key and the value */
        }
        size_t k = n_pos;
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            if (lua_type(L, -2) == LUA_TSTRING) {
                if (k == n) return tg_luaaux_error(L, "read_sqlite: bad parameter table");
                params[k].name = lua_tostring(L, -2);
                const char *key = lua_pushfstring(L, "params.%s", params[k].name);
                tg_luaaux_check_param(L, -2, "read_sqlite", key, &params[k]);
                lua_pop(L, 1);
                k++;
            } else if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 ||
                       lua_tointeger(L, -2) > (lua_Integer)n_pos) {
                return tg_luaaux_bad(L, "read_sqlite", "params",
                                     "a list (?1, ?2, ...) or keyed by names (:fra = ...)", -2);
            }
            lua_pop(L, 1);
        }
        n = k;
        qsort(params + n_pos, n - n_pos, sizeof *params, cmp_db_param);
    }
    slot = tg_luaval_table_new(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    int by_name, fd = tg_luactx_open_read(L, "read_sqlite", db, &by_name);
    if (by_name) st = tg_db_read_poll(db, what, params, n, &intr, slot, &err);
    else if (fd < 0) st = tg_db_open_failed(db, errno, &err);
    else {
        st = tg_db_read_fd(fd, db, what, params, n, &intr, slot, &err);
        close(fd);
    }
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, NULL);
    tg_luactx_add_input(L, db, what, *slot, 0);
    tg_luactx_sample_table(L, slot);
    return 1;
}

/* ---- tegn.warn, registration ---- */

static int l_tegn_warn(lua_State *L) {
    if (!lua_isstring(L, 1)) return tg_luaaux_bad(L, "warn", "msg", "a string", 1);
    tg_luaaux_warn(L, lua_tostring(L, 1));
    return 0;
}

static const luaL_Reg module_funcs[] = {
    { "read_sqlite", l_tegn_read_sqlite },
    { "param", l_tegn_param },
    { "warn", l_tegn_warn },
    { NULL, NULL },
};

void tg_luaio_open_module(lua_State *L) {
    luaL_setfuncs(L, module_funcs, 0);
    lua_pushvalue(L, -1); /* read_csv sees the module: it passes workbooks on */
    lua_pushcclosure(L, l_tegn_read_csv, 1);
    lua_setfield(L, -2, "read_csv");
    push_params(L);
    lua_setfield(L, -2, "params");
}
