/*
** tg_luaemit.c -- tegn.emit (see tg_luaemit.h). tg_luaval_json builds
** the tree; between its return and tg_luactx_set_doc nothing raises, so
** the document cannot leak. Under `tegn run --format` it also writes the
** document's Tables as CSV or aligned text, and print() a Table's rows to
** stdout; the text is built in a tg_sbuf with nothing raising until it is
** handed on or freed.
*/
#include "tg_luaemit.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_json.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luactx.h"
#include "tg_luaval.h"
#include "tg_mem.h"
#include "tg_out.h"
#include "tg_sbuf.h"
#include "tg_show.h"

/* ---- --format: Tables as text ---- */

/* Appends t as 'format' asks: CSV with the defaults of t:write_csv, every
** row aligned as t:show prints them, or the rows as a JSON array. Raises
** nothing; out of memory shows in b->oom. */
static void render(const tg_table *t, int format, tg_sbuf *b) {
    if (format == TG_LUACTX_FORMAT_CSV) {
        tg_out *o;
        if (tg_out_open_mem(b, "<stdout>", &o, NULL) != TG_OK ||
            tg_out_csv_take(o, t, NULL, NULL) != TG_OK)
            b->oom = 1;
    } else if (format == TG_LUACTX_FORMAT_TABLE) {
        tg_show_opts so = { -1, 0, 0 };
        tg_show_table(t, t->n_rows, &so, b);
        if (b->len > 0 && b->p[b->len - 1] != '\n') tg_sbuf_str(b, "\n");
    } else {
        tg_json *rows = tg_json_table(t, -1);
        char *text = rows ? tg_json_dump(rows, TG_LUAEMIT_INDENT) : NULL;
        if (text) tg_sbuf_cat(b, text, "\n", NULL);
        else b->oom = 1;
        tg_free(text);
        tg_json_free(rows);
    }
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The text --format csv or table writes for the document at idx: its
** Tables, sorted by key, each under a "# key" line when there are
** several; NULL when it holds none (the JSON is written then). Everything
** that may raise (gathering a selection, memory for the lists) happens
** before the text is allocated; then only C runs until it is returned. */
static char *doc_text(lua_State *L, int idx, int format, size_t *len) {
    size_t n = 0;
    const char **keys;
    const tg_table **tables;
    tg_sbuf b = { 0 };
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n += lua_type(L, -2) == LUA_TSTRING && tg_luaval_table_test(L, -1);
        lua_pop(L, 1);
    }
    if (n == 0) return NULL;
    keys = lua_newuserdatauv(L, n * sizeof *keys, 0); /* freed by the collector */
    tables = lua_newuserdatauv(L, n * sizeof *tables, 0);
    n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) == LUA_TSTRING && tg_luaval_table_test(L, -1))
            keys[n++] = lua_tostring(L, -2); /* anchored by the document */
        lua_pop(L, 1);
    }
    qsort(keys, n, sizeof *keys, cmp_str);
    for (size_t i = 0; i < n; i++) { /* a selection is gathered here, once */
        lua_pushstring(L, keys[i]);
        lua_rawget(L, idx);
        tables[i] = tg_luaval_table_check(L, -1); /* anchored by the document */
        lua_pop(L, 1);
    }
    for (size_t i = 0; i < n; i++) {
        if (n > 1) tg_sbuf_cat(&b, i ? "\n# " : "# ", keys[i], "\n", NULL);
        render(tables[i], format, &b);
    }
    lua_pop(L, 2); /* the lists */
    if (b.oom) {
        tg_free(b.p);
        tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    *len = b.len;
    return b.p ? b.p : tg_strdup("");
}

/* print(...) under --format: each Table goes to stdout as the format says,
** the other arguments to the print it replaces (upvalue 1), as one line. */
static int l_format_print(lua_State *L) {
    int n = lua_gettop(L), others = 0;
    tg_luactx *ctx = tg_luactx_of(L);
    for (int i = 1; i <= n; i++) {
        if (!tg_luaval_table_test(L, i)) {
            others++;
            continue;
        }
        const tg_table *t = tg_luaval_table_check(L, i);
        tg_sbuf b = { 0 };
        render(t, tg_luactx_format(ctx), &b);
        if (!b.oom) tg_luactx_stdout(ctx, b.p ? b.p : "", b.len);
        tg_free(b.p);
        if (b.oom) return tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    if (others == 0 && n > 0) return 0;
    lua_pushvalue(L, lua_upvalueindex(1));
    for (int i = 1; i <= n; i++)
        if (!tg_luaval_table_test(L, i)) lua_pushvalue(L, i);
    lua_call(L, others, 0);
    return 0;
}

/* tegn.emit(doc [, {decimals = n, indent = n, allow_identifiers = ...}]): the
** run's result. doc is a table of named values; after a successful run it
** is written as JSON with its keys sorted and a "meta" object last. A
** Table in it with CPR numbers is refused unless allow_identifiers says so
** (tg_luaaux_check_identifiers). Floats are written with
** the shortest digits that read back exactly, or rounded (half away from
** zero) to 'decimals' places. Only one emit per run. */
static int l_tegn_emit(lua_State *L) {
    static const char *const known[] = { "decimals", "indent", "allow_identifiers", NULL };
    lua_Integer decimals = -1, indent = TG_LUAEMIT_INDENT;
    tg_json *doc;

    if (!lua_istable(L, 1) || tg_luaval_table_test(L, 1))
        return tg_luaaux_bad(L, "emit", "doc", "a table of named values (tegn.emit{series = t})",
                             1);
    tg_luaaux_check_opts(L, 2, known, "emit");
    decimals = tg_luaaux_opt_integer(L, 2, "emit", "decimals", -1, -1, 17);
    indent = tg_luaaux_opt_integer(L, 2, "emit", "indent", TG_LUAEMIT_INDENT, 0, 16);
    lua_settop(L, 2);
    tg_luaval_check_identifiers(L, 1, 2, 1, "emit");
    lua_settop(L, 1);
    lua_getfield(L, 1, "meta");
    if (!lua_isnil(L, -1))
        return tg_luaaux_error(L, "emit: 'meta' is reserved for the run's metadata");
    lua_pop(L, 1);
    if (lua_rawlen(L, 1) > 0)
        return tg_luaaux_bad(L, "emit", "doc", "a table of named values, not a list", 1);
    doc = tg_luaval_json(L, 1, (int)decimals, "");
    if (tg_json_kind_of(doc) != TG_JSON_OBJECT) {
        /* an empty table: {} rather than [] at the top */
        tg_json_free(doc);
        if (!(doc = tg_json_object())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    if (!tg_luactx_set_doc(L, doc, (int)indent)) {
        tg_json_free(doc);
        return tg_luaaux_error(L, "emit: called twice; put everything in one tegn.emit{...}");
    }
    if (tg_luactx_format(tg_luactx_of(L)) >= TG_LUACTX_FORMAT_CSV) {
        size_t len = 0;
        char *text = doc_text(L, 1, tg_luactx_format(tg_luactx_of(L)), &len);
        if (text) tg_luactx_set_text(L, text, len);
    }
    return 0;
}

void tg_luaemit_open_module(lua_State *L) {
    lua_pushcfunction(L, l_tegn_emit);
    lua_setfield(L, -2, "emit");
    if (tg_luactx_format(tg_luactx_of(L)) != TG_LUACTX_FORMAT_DEFAULT) {
        lua_getglobal(L, "print");
        lua_pushcclosure(L, l_format_print, 1);
        lua_setglobal(L, "print");
    }
}
