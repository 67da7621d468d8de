/*
** tg_luaworkbook.c -- tegn.read_excel (see tg_luaworkbook.h). The options
** are read into a tg_excel_opts whose strings stay alive on the stack;
** the load runs on a descriptor the run's path policy opened; the table
** is boxed before the load, the report pushed after it. Notes a reader of
** the results should know go to the input's meta and to stderr, as
** read_csv's do.
*/
#include "tg_luaworkbook.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_conv.h"
#include "tg_err.h"
#include "tg_excel.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luactx.h"
#include "tg_luaval.h"

#define FN     "read_excel"
#define MAX_NA 15

/* The labels of total rows drop_totals = true drops. */
static const char *const default_totals[] = { "I alt",      "Total",       "Totalt",  "Sum",
                                              "Hovedtotal", "Grand Total", "Subtotal" };

static void read_header(lua_State *L, tg_excel_opts *o) {
    int t = lua_getfield(L, 2, "header");
    if (t == LUA_TBOOLEAN) o->cells.header = lua_toboolean(L, -1);
    else if (t == LUA_TNUMBER)
        o->cells.header_row = (uint32_t)tg_luaaux_opt_integer(L, 2, FN, "header", 1, 1, 1048576);
    else if (!(t == LUA_TNIL || (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "auto") == 0)))
        tg_luaaux_bad(L, FN, "header", "true, false, a row number or \"auto\"", -1);
    lua_pop(L, 1);
}

static void read_sheet(lua_State *L, tg_excel_opts *o) {
    int t = lua_getfield(L, 2, "sheet");
    if (t == LUA_TSTRING) o->sheet = lua_tostring(L, -1); /* alive in the options table */
    else if (t == LUA_TNUMBER)
        o->sheet_index = (int)tg_luaaux_opt_integer(L, 2, FN, "sheet", 1, 1, 65535);
    else if (t != LUA_TNIL) tg_luaaux_bad(L, FN, "sheet", "a sheet's name or number", -1);
    lua_pop(L, 1);
}

static void read_range(lua_State *L, tg_excel_opts *o) {
    const char *r = tg_luaaux_opt_string(L, 2, FN, "range", NULL);
    if (!r) return;
    if (tg_sheet_parse_range(r, &o->cells.r0, &o->cells.c0, &o->cells.r1, &o->cells.c1) != 0) {
        lua_getfield(L, 2, "range");
        tg_luaaux_bad(L, FN, "range", "a range such as \"B3:F200\"", -1);
    }
    o->cells.has_range = 1;
}

/* Reads a list of strings at option 'key' into v (at most 'max'). */
static size_t read_strings(lua_State *L, const char *key, const char **v, size_t max) {
    lua_getfield(L, 2, key);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n > (lua_Integer)max) tg_luaaux_error(L, FN ": at most %d '%s' values", (int)max, key);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            tg_luaaux_bad(L, FN, lua_pushfstring(L, "%s[%I]", key, i), "a string", -2);
        v[i - 1] = lua_tostring(L, -1); /* kept alive by the options table */
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return (size_t)n;
}

static void read_totals(lua_State *L, tg_excel_opts *o, const char **totals) {
    int t = lua_getfield(L, 2, "drop_totals");
    lua_pop(L, 1);
    if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !tg_luaaux_opt_boolean(L, 2, FN, "drop_totals", 0)))
        return;
    if (t == LUA_TBOOLEAN) {
        o->cells.totals = default_totals;
        o->cells.n_totals = sizeof default_totals / sizeof default_totals[0];
    } else if (t == LUA_TTABLE) {
        o->cells.n_totals = read_strings(L, "drop_totals", totals, 16);
        o->cells.totals = totals;
    } else {
        lua_getfield(L, 2, "drop_totals");
        tg_luaaux_bad(L, FN, "drop_totals", "true or a list of labels such as {\"I alt\"}", -1);
    }
}

static void push_report(lua_State *L, const tg_excel_report *r, const tg_table *t) {
    static const char *const states[] = { "visible", "hidden", "very hidden" };
    const tg_sheet_report *s = r->rep;
    lua_createtable(L, 0, 12);
    lua_pushstring(L, r->kind == TG_EXCEL_XLS ? "xls" : "xlsx");
    lua_setfield(L, -2, "format");
    lua_pushstring(L, r->sheets[r->sheet].name);
    lua_setfield(L, -2, "sheet");
    lua_pushboolean(L, r->date1904);
    lua_setfield(L, -2, "date1904");
    lua_createtable(L, (int)r->n_sheets, 0);
    for (size_t i = 0; i < r->n_sheets; i++) {
        lua_createtable(L, 0, 2);
        lua_pushstring(L, r->sheets[i].name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, states[r->sheets[i].state]);
        lua_setfield(L, -2, "state");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "sheets");
    if (s->header_row) {
        lua_pushinteger(L, s->header_row);
        lua_setfield(L, -2, "header_row");
    }
    lua_pushinteger(L, s->first_row);
    lua_setfield(L, -2, "first_row");
    lua_pushinteger(L, (lua_Integer)s->n_rows);
    lua_setfield(L, -2, "rows");
    lua_pushinteger(L, (lua_Integer)s->n_error_cells);
    lua_setfield(L, -2, "error_cells");
    lua_pushinteger(L, (lua_Integer)s->n_totals);
    lua_setfield(L, -2, "totals_dropped");
    lua_createtable(L, (int)s->n_notes + 1, 0);
    int k = 0;
    if (r->note[0]) {
        lua_pushstring(L, r->note);
        lua_rawseti(L, -2, ++k);
    }
    for (size_t i = 0; i < s->n_notes; i++) {
        lua_pushstring(L, s->notes[i].text);
        lua_rawseti(L, -2, ++k);
    }
    lua_setfield(L, -2, "notes");
    lua_createtable(L, (int)s->n_cols, 0);
    for (size_t i = 0; i < s->n_cols && i < t->n_cols; i++) {
        lua_createtable(L, 0, 3);
        lua_pushstring(L, t->names[i]);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, tg_type_name(s->cols[i].type));
        lua_setfield(L, -2, "type");
        if (s->cols[i].note[0]) {
            lua_pushstring(L, s->cols[i].note);
            lua_setfield(L, -2, "note");
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "columns");
}

/* The notes a reader of the results should know: into the input's meta,
** and to stderr unless the run is --quiet. */
static void record(lua_State *L, const char *path, const tg_excel_report *r, const tg_table *t) {
    int quiet = tg_luactx_quiet(tg_luactx_of(L));
    const tg_sheet_report *s = r->rep;
    for (size_t i = 0; i < s->n_cols + s->n_notes + 1; i++) {
        const char *text;
        char buf[400];
        if (i == 0) text = r->note;
        else if (i <= s->n_cols) {
            if (!s->cols[i - 1].note[0] || i - 1 >= t->n_cols) continue;
            snprintf(buf, sizeof buf, "column '%s' %s", t->names[i - 1], s->cols[i - 1].note);
            text = buf;
        } else {
            text = s->notes[i - 1 - s->n_cols].unusual ? s->notes[i - 1 - s->n_cols].text : "";
        }
        if (!text[0]) continue;
        tg_luactx_input_note(L, text);
        if (!quiet) {
            tg_luaaux_warn(L,
                           lua_pushfstring(L, "%s[%s]: %s", path, r->sheets[r->sheet].name, text));
            lua_pop(L, 1);
        }
    }
}

static void free_report(void *p) {
    tg_excel_report_free(p);
}

/* tegn.read_excel(path [, opts]) -> Table, report */
static int l_tegn_read_excel(lua_State *L) {
    static const char *const known[] = { "sheet", "range",         "header",      "skip", "types",
                                         "na",    "stop_at_empty", "drop_totals", "xml",  NULL };
    static const char *const xml[] = { "fast", "expat", NULL };
    const char *path = tg_luaaux_check_string(L, 1, FN, "path");
    const char *na[MAX_NA], *totals[16];
    tg_excel_opts o;
    tg_excel_report *rep = NULL;
    tg_error err;

    tg_luaaux_check_opts(L, 2, known, FN);
    lua_settop(L, 2);
    tg_excel_opts_init(&o);
    if (lua_istable(L, 2)) {
        read_sheet(L, &o);
        read_range(L, &o);
        read_header(L, &o);
        o.cells.skip = (uint32_t)tg_luaaux_opt_integer(L, 2, FN, "skip", 0, 0, 1048576);
        o.expat = tg_luaaux_opt_choice(L, 2, FN, "xml", xml, 0) == 1;
        if (lua_getfield(L, 2, "stop_at_empty") != LUA_TNIL)
            o.cells.stop_at_empty = tg_luaaux_opt_boolean(L, 2, FN, "stop_at_empty", 1);
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "na") != LUA_TNIL) {
            if (!lua_istable(L, -1)) return tg_luaaux_bad(L, FN, "na", "a list of strings", -1);
            o.cells.n_na = read_strings(L, "na", na, MAX_NA);
            o.cells.na = na;
        }
        lua_pop(L, 1);
        read_totals(L, &o, totals);
        if (lua_getfield(L, 2, "types") != LUA_TNIL)
            tg_luaaux_coltypes(L, FN, &o.cells.types, &o.cells.n_types);
        /* 'types' (and its array) stay on the stack until the load is done */
    }
    tg_table **slot = tg_luaval_table_new(L);
    void **rbox = tg_luaaux_box(L, free_report);
    tg_lua_check(L);
    o.intr.fn = tg_lua_interrupt;
    o.intr.ud = tg_lua_from_state(L);
    tg_err_clear(&err);
    int by_name;
    o.fd = tg_luactx_open_read(L, FN, path, &by_name);
    o.use_fd = !by_name;
    if (o.use_fd && o.fd < 0)
        return tg_luaaux_fail(
            L, tg_err_set(&err, TG_EIO, path, 0, 0, "cannot open: %s", strerror(errno)), &err,
            NULL);
    tg_status st = tg_excel_read(path, &o, slot, &rep, &err);
    if (o.use_fd) close(o.fd);
    *rbox = rep;
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, NULL);
    tg_luactx_add_input(L, path, NULL, *slot, 0);
    record(L, path, rep, *slot);
    tg_luactx_sample_table(L, slot);
    lua_pushvalue(L, -2);
    push_report(L, rep, *slot);
    return 2;
}

static const luaL_Reg module_funcs[] = {
    { "read_excel", l_tegn_read_excel },
    { NULL, NULL },
};

void tg_luaworkbook_open_module(lua_State *L) {
    luaL_setfuncs(L, module_funcs, 0);
}
