/*
** tg_luatable.c -- the Table methods that need no kernel (see
** tg_luatable.h): reading a table into Lua (schema, columns, rows), the
** verbs that only rearrange columns (head, select, rename), output
** (write_csv, write_xlsx, write_sqlite, and tegn.write_xlsx for several
** sheets) and show. The userdata itself, with its lazy
** row selections, is in tg_luaval.c.
*/
#include "tg_luatable.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_db.h"
#include "tg_describe.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luactx.h"
#include "tg_luaval.h"
#include "tg_mem.h"
#include "tg_out.h"
#include "tg_path.h"
#include "tg_show.h"
#include "tg_xlsxw.h"

#define MAX_ROWS_TO_LUA 1000000 /* t:rows() refuses more: each value costs a Lua object */

/* ---- reading values ---- */

/* t:schema() -> { {name = "id", type = "int"}, ... } */
static int l_table_schema(lua_State *L) {
    const tg_table *t = tg_luaval_table_shape(L, 1, NULL);
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
    const tg_table *t = tg_luaval_table_shape(L, 1, NULL);
    lua_createtable(L, (int)t->n_cols, 0);
    for (size_t k = 0; k < t->n_cols; k++) {
        lua_pushstring(L, t->names[k]);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/* t:rows() -> { {col = value, ...}, ... }, for small tables only */
static int l_table_rows(lua_State *L) {
    const tg_table *t;
    size_t rows;
    tg_luaval_table_shape(L, 1, &rows); /* refuse before gathering a selection */
    if (rows > MAX_ROWS_TO_LUA)
        return tg_luaaux_error(L,
                               "rows: the table has %I rows, more than the %d rows:() turns into "
                               "Lua tables; use t:head(n):rows() or reduce it with a verb first",
                               (lua_Integer)rows, MAX_ROWS_TO_LUA);
    t = tg_luaval_table_check(L, 1);
    lua_createtable(L, (int)t->n_rows, 0);
    for (size_t i = 0; i < t->n_rows; i++) {
        if ((i & (TG_VECTOR - 1)) == 0) tg_lua_check(L);
        tg_luaval_table_push_row(L, t, i);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ---- verbs that only rearrange columns ---- */

/* t:head([n = 10]) -> the first n rows */
static int l_table_head(lua_State *L) {
    int64_t n =
        lua_isnoneornil(L, 2) ? 10 : tg_luaaux_check_integer(L, 2, "head", "n", 0, INT64_MAX);
    const tg_table *src;
    const size_t *rows;
    size_t total;
    tg_table **slot;

    if (tg_luaval_table_rows_of(L, 1, &src, &rows, &total)) {
        size_t m = (size_t)n < total ? (size_t)n : total;
        void **box = tg_luaaux_box(L, tg_free);
        if (!(*box = tg_malloc((m ? m : 1) * sizeof *rows)))
            return tg_lua_raise(L, TG_ENOMEM, NULL);
        if (m) memcpy(*box, rows, m * sizeof *rows);
        tg_luaval_table_push_rows(L, src, box, m);
        return 1;
    }
    const tg_table *t = tg_luaval_table_check(L, 1);
    size_t m = (size_t)n < t->n_rows ? (size_t)n : t->n_rows;
    slot = tg_luaval_table_new(L);
    if (m == t->n_rows) {
        *slot = tg_table_retain((tg_table *)t);
        return 1;
    }
    if (!(*slot = tg_table_head(t, m))) return tg_lua_raise(L, TG_ENOMEM, NULL);
    return 1;
}

/* Adds column 'old' of t to out as 'name'; raises on an unknown column or
** a repeated name. */
static void add_renamed(lua_State *L, const tg_table *t, tg_table *out, const char *name,
                        const char *old, const char *fname) {
    long k = tg_table_find(t, old);
    tg_status st;
    if (k < 0) tg_luaaux_no_column(L, t, old);
    if (tg_table_find(out, name) >= 0) tg_luaaux_error(L, "%s: column '%s' twice", fname, name);
    st = tg_table_add(out, name, t->cols[k]);
    if (st != TG_OK) tg_lua_raise(L, st, NULL);
}

/* t:select{"a", "b", new = "old"} or t:select("a", "b"): the named
** columns, list entries first in their order, then renames sorted by the
** new name. */
static int l_table_select(lua_State *L) {
    const tg_table *t = tg_luaval_table_schema(L, 1);
    tg_table **slot;

    if (lua_type(L, 2) == LUA_TSTRING) { /* select("a", "b") */
        int n = lua_gettop(L);
        slot = tg_luaval_table_new(L);
        if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
        for (int i = 2; i <= n; i++) {
            const char *name = tg_luaaux_check_string(L, i, "select", "name");
            add_renamed(L, t, *slot, name, name, "select");
        }
        (*slot)->n_rows = (*slot)->n_cols ? (*slot)->n_rows : t->n_rows;
        tg_luaval_table_same_rows(L, 1, slot);
        return 1;
    }
    tg_luaaux_check_table(L, 2, "select", "columns");
    lua_settop(L, 2);
    size_t n_keys, n_list = (size_t)(lua_Integer)lua_rawlen(L, 2);
    const char **keys = tg_luaaux_sorted_keys(L, 2, &n_keys, "select", "columns");
    slot = tg_luaval_table_new(L);
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t i = 1; i <= n_list; i++) {
        if (lua_rawgeti(L, 2, (lua_Integer)i) != LUA_TSTRING)
            return tg_luaaux_bad(L, "select", lua_pushfstring(L, "columns[%d]", (int)i),
                                 "a column name", -2);
        const char *name = lua_tostring(L, -1);
        add_renamed(L, t, *slot, name, name, "select");
        lua_pop(L, 1);
    }
    for (size_t i = 0; i < n_keys; i++) {
        if (lua_getfield(L, 2, keys[i]) != LUA_TSTRING)
            return tg_luaaux_bad(L, "select", keys[i], "a column name (new = \"old\")", -1);
        const char *old = lua_tostring(L, -1);
        add_renamed(L, t, *slot, keys[i], old, "select");
        lua_pop(L, 1);
    }
    (*slot)->n_rows = (*slot)->n_cols ? (*slot)->n_rows : t->n_rows;
    tg_luaval_table_same_rows(L, 1, slot);
    return 1;
}

/* t:rename{new = "old", ...}: same columns in the same order, some of
** them under new names. */
static int l_table_rename(lua_State *L) {
    const tg_table *t = tg_luaval_table_schema(L, 1);
    size_t n_keys;
    const char **keys, **names;
    tg_table **slot;

    tg_luaaux_check_table(L, 2, "rename", "renames");
    lua_settop(L, 2);
    if ((lua_Integer)lua_rawlen(L, 2) > 0)
        return tg_luaaux_bad(L, "rename", "renames", "new = \"old\" pairs, not a list", 2);
    keys = tg_luaaux_sorted_keys(L, 2, &n_keys, "rename", "renames");
    names = lua_newuserdatauv(L, (t->n_cols ? t->n_cols : 1) * sizeof *names, 0);
    for (size_t k = 0; k < t->n_cols; k++) names[k] = t->names[k];
    for (size_t i = 0; i < n_keys; i++) {
        if (lua_getfield(L, 2, keys[i]) != LUA_TSTRING)
            return tg_luaaux_bad(L, "rename", keys[i], "a column name (new = \"old\")", -1);
        const char *old = lua_tostring(L, -1);
        long k = tg_table_find(t, old);
        if (k < 0) return tg_luaaux_no_column(L, t, old);
        if (names[k] != t->names[k])
            return tg_luaaux_error(L, "rename: column '%s' renamed twice", old);
        names[k] = keys[i];
        lua_pop(L, 1);
    }
    slot = tg_luaval_table_new(L);
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t k = 0; k < t->n_cols; k++) {
        if (tg_table_find(*slot, names[k]) >= 0)
            return tg_luaaux_error(L, "rename: column '%s' would appear twice", names[k]);
        tg_status st = tg_table_add(*slot, names[k], t->cols[k]);
        if (st != TG_OK) return tg_lua_raise(L, st, NULL);
    }
    (*slot)->n_rows = t->n_rows;
    tg_luaval_table_same_rows(L, 1, slot);
    return 1;
}

/* ---- output ---- */

/* t:write_sqlite(db, table [, {mode = "create" | "replace" | "append"}]) */
static int l_table_write_sqlite(lua_State *L) {
    static const char *const known[] = { "mode", "allow_identifiers", NULL };
    static const char *const modes[] = { "create", "replace", "append", NULL };
    static const tg_db_mode values[] = { TG_DB_CREATE, TG_DB_REPLACE, TG_DB_APPEND };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const char *db = tg_luaaux_check_string(L, 2, "write_sqlite", "db");
    const char *name = tg_luaaux_check_string(L, 3, "write_sqlite", "table");
    tg_db_mode mode = TG_DB_CREATE;
    tg_interrupt intr;
    tg_error err;
    tg_status st;

    tg_luaaux_check_opts(L, 4, known, "write_sqlite");
    tg_luaaux_check_identifiers(L, t, lua_istable(L, 4) ? 4 : 0, 1, "write_sqlite");
    mode = values[tg_luaaux_opt_choice(L, 4, "write_sqlite", "mode", modes, 0)];
    tg_luaaux_interrupt(L, &intr); /* may raise: before the folder is open */
    tg_err_clear(&err);
    const char *file;
    int dir = tg_luactx_open_write(L, "write_sqlite", db, &file);
    if (dir == TG_LUACTX_DRY) return 0; /* tegn check --data */
    if (dir < 0) { /* no file policy (the REPL, an embedding program): by name */
        (void)tg_path_make_folders(db);
        st = tg_db_write(db, name, t, mode, &intr, &err);
    } else {
        st = tg_db_write_at(dir, file, db, name, t, mode, &intr, &err);
        close(dir);
    }
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "write_sqlite");
    return 0;
}

/* decimals = { takst = 0, belaegning = 3 } (at idx): the places of each
** named column, in an array (a userdata left on the stack) with one entry
** per column of t; unnamed columns get TG_OUT_DECIMALS_DEFAULT. */
static const int *col_decimals(lua_State *L, const tg_table *t, int idx) {
    int *v = lua_newuserdatauv(L, (t->n_cols ? t->n_cols : 1) * sizeof *v, 0);
    for (size_t k = 0; k < t->n_cols; k++) v[k] = TG_OUT_DECIMALS_DEFAULT;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            tg_luaaux_bad(L, "write_csv", "decimals", "a number or { column = places }", idx);
        const char *name = lua_tostring(L, -2);
        long k = tg_table_find(t, name);
        if (k < 0) tg_luaaux_no_column(L, t, name);
        v[k] = (int)tg_luaaux_check_integer(L, -1, "write_csv", "decimals", 0, 17);
        lua_pop(L, 1);
    }
    return v;
}

/* t:write_csv(path [, opts]): the table as CSV, written atomically.
** opts: excel = true (Danish Excel: ';', decimal comma, BOM, CRLF,
** dd-mm-yyyy, floats to 12 significant digits) as the base, then sep,
** decimal, bom, crlf, header, dates = "iso" | "dmy", decimals (a number
** for every float column, or { column = places }). */
static int l_table_write_csv(lua_State *L) {
    static const char *const known[] = { "excel", "sep",      "decimal",
                                         "bom",   "crlf",     "header",
                                         "dates", "decimals", "allow_identifiers",
                                         NULL };
    static const char *const dates[] = { "iso", "dmy", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const char *path = tg_luaaux_check_string(L, 2, "write_csv", "path");
    tg_out_csv_opts o;
    tg_interrupt intr;
    tg_error err;
    tg_status st;

    tg_luaaux_check_opts(L, 3, known, "write_csv");
    tg_luaaux_check_identifiers(L, t, lua_istable(L, 3) ? 3 : 0, 1, "write_csv");
    tg_out_csv_opts_init(&o);
    if (tg_luaaux_opt_boolean(L, 3, "write_csv", "excel", 0)) tg_out_csv_opts_excel_da(&o);
    const char *sep = tg_luaaux_opt_string(L, 3, "write_csv", "sep", NULL);
    if (sep) {
        if (strlen(sep) != 1) {
            lua_getfield(L, 3, "sep");
            return tg_luaaux_bad(L, "write_csv", "sep", "one character", -1);
        }
        o.delim = sep[0];
    }
    if (lua_istable(L, 3)) {
        static const char *const decimals[] = { ".", ",", NULL };
        lua_getfield(L, 3, "decimal");
        if (!lua_isnil(L, -1))
            o.decimal =
                decimals[tg_luaaux_check_choice(L, -1, "write_csv", "decimal", decimals)][0];
        lua_pop(L, 1);
    }
    o.bom = tg_luaaux_opt_boolean(L, 3, "write_csv", "bom", o.bom);
    o.crlf = tg_luaaux_opt_boolean(L, 3, "write_csv", "crlf", o.crlf);
    o.header = tg_luaaux_opt_boolean(L, 3, "write_csv", "header", o.header);
    o.date_fmt =
        tg_luaaux_opt_choice(L, 3, "write_csv", "dates", dates, o.date_fmt == TG_OUT_DATE_DMY)
            ? TG_OUT_DATE_DMY
            : TG_OUT_DATE_ISO;
    if (lua_istable(L, 3) && lua_getfield(L, 3, "decimals") == LUA_TTABLE)
        o.col_decimals = col_decimals(L, t, lua_gettop(L));
    else o.decimals = (int)tg_luaaux_opt_integer(L, 3, "write_csv", "decimals", o.decimals, -1, 17);
    tg_luaaux_interrupt(L, &intr);
    o.intr = &intr;
    tg_err_clear(&err);
    const char *name;
    int dir = tg_luactx_open_write(L, "write_csv", path, &name);
    if (dir == TG_LUACTX_DRY) return 0; /* tegn check --data */
    if (dir < 0) {                      /* no file policy (the REPL, an embedding program) */
        (void)tg_path_make_folders(path);
        st = tg_out_csv(t, path, &o, &err);
    } else {
        tg_out *out;
        st = tg_out_openat(dir, name, path, &out, &err);
        close(dir);
        if (st == TG_OK) st = tg_out_csv_take(out, t, &o, &err);
    }
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "write_csv");
    return 0;
}

/* ---- Excel ---- */

/* The per-column options decimals and formats of the option table at
** opts for sheet s, into s->decimals and s->formats (arrays in two
** userdata left on the stack, which keep them alive). Names sheet s does
** not have are skipped here; xlsx_check_names raises for a name no sheet
** has. */
static void xlsx_columns(lua_State *L, int opts, tg_xlsxw_sheet *s) {
    const tg_table *t = s->t;
    int *dec = lua_newuserdatauv(L, (t->n_cols ? t->n_cols : 1) * sizeof *dec, 0);
    const char **fmt = lua_newuserdatauv(L, (t->n_cols ? t->n_cols : 1) * sizeof *fmt, 0);
    for (size_t k = 0; k < t->n_cols; k++) {
        dec[k] = TG_OUT_DECIMALS_DEFAULT;
        fmt[k] = NULL;
    }
    s->decimals = dec;
    s->formats = fmt;
    if (!lua_istable(L, opts)) return;
    if (lua_getfield(L, opts, "decimals") == LUA_TTABLE) {
        for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                tg_luaaux_bad(L, "write_xlsx", "decimals", "a number or { column = places }",
                              lua_absindex(L, -3));
            long k = tg_table_find(t, lua_tostring(L, -2));
            if (k >= 0)
                dec[k] = (int)tg_luaaux_check_integer(L, -1, "write_xlsx", "decimals", 0,
                                                      TG_XLSXW_MAX_DECIMAL);
        }
    }
    lua_pop(L, 1);
    if (lua_getfield(L, opts, "formats") == LUA_TTABLE) {
        for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
                tg_luaaux_bad(L, "write_xlsx", "formats",
                              "{ column = \"#,##0.00\" }, number format codes by column name",
                              lua_absindex(L, -3));
            long k = tg_table_find(t, lua_tostring(L, -2));
            if (k >= 0) fmt[k] = lua_tostring(L, -1); /* the option table keeps it alive */
        }
    } else if (!lua_isnil(L, -1)) {
        tg_luaaux_bad(L, "write_xlsx", "formats", "{ column = \"#,##0.00\" }", -1);
    }
    lua_pop(L, 1);
}

/* Raises for a name in option 'key' that no sheet has as a column. */
static void xlsx_check_names(lua_State *L, int opts, const char *key, const tg_xlsxw_sheet *s,
                             size_t n) {
    if (!lua_istable(L, opts)) return;
    if (lua_getfield(L, opts, key) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
        const char *name = lua_tostring(L, -2);
        size_t k = 0;
        while (k < n && tg_table_find(s[k].t, name) < 0) k++;
        if (k == n) {
            if (n == 1) tg_luaaux_no_column(L, s[0].t, name);
            tg_luaaux_error(L, "write_xlsx: %s: no sheet has a column '%s'", key, name);
        }
    }
    lua_pop(L, 1);
}

/* The options every sheet shares, from the table at opts. */
static void xlsx_opts(lua_State *L, int opts, tg_xlsxw_opts *o) {
    tg_xlsxw_opts_init(o);
    if (lua_istable(L, opts) && lua_getfield(L, opts, "decimals") != LUA_TTABLE)
        o->decimals = (int)tg_luaaux_opt_integer(L, opts, "write_xlsx", "decimals", -1, -1,
                                                 TG_XLSXW_MAX_DECIMAL);
    if (lua_istable(L, opts)) lua_pop(L, 1);
    o->header = tg_luaaux_opt_boolean(L, opts, "write_xlsx", "header", 1);
    o->freeze = tg_luaaux_opt_boolean(L, opts, "write_xlsx", "freeze", o->header);
    o->autofilter = tg_luaaux_opt_boolean(L, opts, "write_xlsx", "autofilter", o->header);
}

/* Writes the n sheets to 'path' through the run's write policy; raises
** on failure. */
static int xlsx_write(lua_State *L, const char *path, const tg_xlsxw_sheet *s, size_t n,
                      tg_xlsxw_opts *o) {
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    const char *name;
    tg_luaaux_interrupt(L, &intr);
    o->intr = &intr;
    tg_err_clear(&err);
    int dir = tg_luactx_open_write(L, "write_xlsx", path, &name);
    if (dir == TG_LUACTX_DRY) return 0; /* tegn check --data */
    if (dir < 0) {                      /* no file policy (the REPL, an embedding program) */
        (void)tg_path_make_folders(path);
        st = tg_xlsxw_write(path, s, n, o, &err);
    } else {
        tg_out *out;
        st = tg_out_openat(dir, name, path, &out, &err);
        close(dir);
        if (st == TG_OK) st = tg_xlsxw_write_take(out, s, n, o, &err);
    }
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "write_xlsx");
    return 0;
}

/* t:write_xlsx(path [, opts]): the table as one sheet of an Excel
** workbook, written atomically. opts: sheet (name, default "Ark1"),
** decimals (a number for every float column, or { column = places }),
** formats ({ column = "#,##0.00" }), header, freeze, autofilter. */
static int l_table_write_xlsx(lua_State *L) {
    static const char *const known[] = { "sheet",  "decimals",   "formats",           "header",
                                         "freeze", "autofilter", "allow_identifiers", NULL };
    tg_xlsxw_sheet s = { NULL, tg_luaval_table_check(L, 1), NULL, NULL };
    const char *path = tg_luaaux_check_string(L, 2, "write_xlsx", "path");
    tg_xlsxw_opts o;
    lua_settop(L, 3);
    tg_luaaux_check_opts(L, 3, known, "write_xlsx");
    tg_luaaux_check_identifiers(L, s.t, lua_istable(L, 3) ? 3 : 0, 1, "write_xlsx");
    s.name = tg_luaaux_opt_string(L, 3, "write_xlsx", "sheet", "Ark1");
    xlsx_opts(L, 3, &o);
    xlsx_columns(L, 3, &s);
    xlsx_check_names(L, 3, "decimals", &s, 1);
    xlsx_check_names(L, 3, "formats", &s, 1);
    return xlsx_write(L, path, &s, 1, &o);
}

/* tegn.write_xlsx(path, sheets [, opts]): several tables as the sheets of
** one workbook. sheets: { Ark1 = t1, Takster = t2 } (sheets in the order
** of their names) or { {"Takster", t2}, {"Ark1", t1} } (in that order).
** opts as t:write_xlsx's but 'sheet'; decimals and formats by column name
** apply to every sheet with that column. */
static int l_tegn_write_xlsx(lua_State *L) {
    static const char *const known[] = { "decimals",   "formats",           "header", "freeze",
                                         "autofilter", "allow_identifiers", NULL };
    const char *path = tg_luaaux_check_string(L, 1, "write_xlsx", "path");
    tg_xlsxw_opts o;
    tg_luaaux_check_table(L, 2, "write_xlsx", "sheets");
    lua_settop(L, 3);
    tg_luaaux_check_opts(L, 3, known, "write_xlsx");
    xlsx_opts(L, 3, &o);
    int first = lua_gettop(L) + 1;
    size_t n = tg_luaaux_push_pairs(L, 2, "write_xlsx", "sheets");
    if (n == 0) return tg_luaaux_bad(L, "write_xlsx", "sheets", "at least one sheet", 2);
    tg_xlsxw_sheet *s = lua_newuserdatauv(L, n * sizeof *s, 0);
    for (size_t k = 0; k < n; k++) {
        s[k].name = lua_tostring(L, first + 2 * (int)k);
        lua_pushfstring(L, "sheets.%s", s[k].name);
        s[k].t = tg_luaval_table_arg(L, first + 2 * (int)k + 1, "write_xlsx", lua_tostring(L, -1));
        lua_pop(L, 1);
        tg_luaaux_check_identifiers(L, s[k].t, lua_istable(L, 3) ? 3 : 0, 1, "write_xlsx");
        xlsx_columns(L, 3, &s[k]);
    }
    xlsx_check_names(L, 3, "decimals", s, n);
    xlsx_check_names(L, 3, "formats", s, n);
    return xlsx_write(L, path, s, n, &o);
}

/* ---- showing ---- */

/* t:show([n = 10]) or t:show{n = 10, decimals =, danish =}: prints the
** first n rows as an aligned text table (tg_show; through print, so to
** stderr in the CLI), with the row count. decimals rounds floats; danish
** (default: whether print reaches a terminal) writes them 5.855,55,
** rounded to 10 significant digits unless decimals says otherwise. */
static int l_table_show(lua_State *L) {
    static const char *const known[] = { "n", "decimals", "danish", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    int64_t n = 10;
    tg_show_opts f = { -1, tg_luactx_tty(tg_lua_userdata(tg_lua_from_state(L))), 1 };
    tg_sbuf text = { 0 };

    if (lua_istable(L, 2)) {
        tg_luaaux_check_opts(L, 2, known, "show");
        n = tg_luaaux_opt_integer(L, 2, "show", "n", 10, 0, INT64_MAX);
        f.decimals = (int)tg_luaaux_opt_integer(L, 2, "show", "decimals", -1, -1, 17);
        f.danish = tg_luaaux_opt_boolean(L, 2, "show", "danish", f.danish);
    } else if (!lua_isnoneornil(L, 2)) {
        n = tg_luaaux_check_integer(L, 2, "show", "n", 0, INT64_MAX);
    }
    /* nothing below raises until the text is freed */
    tg_show_table(t, (size_t)n, &f, &text);
    if (!text.oom) tg_luactx_print(tg_lua_userdata(tg_lua_from_state(L)), text.p, text.len);
    tg_free(text.p);
    if (text.oom) return tg_lua_raise(L, TG_ENOMEM, NULL);
    return 0;
}

/* t:describe(): one row per column -- type, nulls, distinct values, min
** and max, mean and median of numbers, the most frequent values of text
** (tg_describe) -- as `tegn inspect --stats` prints it. */
static int l_table_describe(lua_State *L) {
    const tg_table *t = tg_luaval_table_check(L, 1);
    tg_error err;
    tg_table **slot = tg_luaval_table_new(L);
    tg_status st = tg_describe(t, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "describe");
    return 1;
}

static const luaL_Reg table_methods[] = {
    { "describe", l_table_describe },
    { "schema", l_table_schema },
    { "columns", l_table_columns },
    { "rows", l_table_rows },
    { "head", l_table_head },
    { "select", l_table_select },
    { "rename", l_table_rename },
    { "write_sqlite", l_table_write_sqlite },
    { "write_csv", l_table_write_csv },
    { "write_xlsx", l_table_write_xlsx },
    { "show", l_table_show },
    { "free", tg_luaval_table_free },
    { NULL, NULL },
};

void tg_luatable_open_methods(lua_State *L) {
    luaL_setfuncs(L, table_methods, 0);
}

void tg_luatable_open_module(lua_State *L) {
    lua_pushcfunction(L, l_tegn_write_xlsx);
    lua_setfield(L, -2, "write_xlsx");
}
