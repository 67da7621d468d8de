/*
** tg_luaparquet.c -- t:write_parquet(path [, opts]) (see tg_luaparquet.h).
** The file carries where it came from, as the JSON document's meta does:
** tegn's version, the script and its SHA-256, and every input read so far
** with its SHA-256; no time stamp, so the same run writes the same bytes.
*/
#include "tg_luaparquet.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

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
#include "tg_parquet.h"
#include "tg_path.h"
#include "tg_sha256.h"

#define N_META 4 /* key-value pairs: version, script, script_sha256, inputs */

/* The inputs as JSON text, [{"path": ..., "sha256": ...}, ...], pushed as
** a Lua string (which keeps it alive). */
static const char *inputs_json(lua_State *L) {
    const tg_luactx *ctx = tg_luactx_of(L);
    tg_json *arr = tg_json_array();
    tg_error err;
    tg_status st = arr ? TG_OK : TG_ENOMEM;
    char *text;
    tg_err_clear(&err);
    for (size_t i = 0; st == TG_OK && ctx && i < tg_luactx_n_inputs(ctx); i++) {
        const tg_luactx_input *in = tg_luactx_input_at(ctx, i);
        tg_json *o = tg_json_object();
        st = o ? TG_OK : TG_ENOMEM;
        if (st == TG_OK)
            st = tg_json_set_take(o, "path", tg_json_str(in->path, strlen(in->path)), &err);
        if (st == TG_OK && in->query)
            st = tg_json_set_take(o, "query", tg_json_str(in->query, strlen(in->query)), &err);
        if (st == TG_OK) st = tg_json_set_take(o, "sha256", tg_json_str(in->sha256, 64), &err);
        if (st == TG_OK) st = tg_json_push_take(arr, o, &err);
        else tg_json_free(o);
    }
    text = st == TG_OK ? tg_json_dump(arr, 0) : NULL;
    tg_json_free(arr);
    if (!text) tg_lua_raise(L, TG_ENOMEM, NULL);
    lua_pushstring(L, text);
    tg_free(text);
    return lua_tostring(L, -1);
}

/* The metadata pairs into meta[0 .. 2 * N_META): strings kept alive on
** the Lua stack. The script is the chunk that called write_parquet. */
static void provenance(lua_State *L, const char **meta) {
    lua_Debug ar;
    const char *script = "", *sha = "";
    char hex[65];
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@') {
        script = lua_pushstring(L, ar.source + 1);
        if (tg_sha256_file(script, hex, NULL) == TG_OK) sha = lua_pushstring(L, hex);
    }
    meta[0] = "tegn.version";
    meta[1] = TG_VERSION_STRING;
    meta[2] = "tegn.script";
    meta[3] = script;
    meta[4] = "tegn.script_sha256";
    meta[5] = sha;
    meta[6] = "tegn.inputs";
    meta[7] = inputs_json(L);
}

/* partition_by = { "kommune", "aar" } at opts: the names, checked against
** t, as an array in a userdata left on the stack; *n their count. */
static const char *const *partition_keys(lua_State *L, int opts, const tg_table *t, size_t *n) {
    *n = 0;
    if (!lua_istable(L, opts) || lua_getfield(L, opts, "partition_by") == LUA_TNIL) return NULL;
    if (!lua_istable(L, -1))
        tg_luaaux_bad(L, "write_parquet", "partition_by", "a list of column names", -1);
    size_t m = (size_t)lua_rawlen(L, -1);
    if (m == 0 || m >= t->n_cols)
        tg_luaaux_bad(L, "write_parquet", "partition_by",
                      "a list of one or more column names, leaving at least one column", -1);
    const char **keys = lua_newuserdatauv(L, m * sizeof *keys, 0);
    for (size_t i = 0; i < m; i++) {
        if (lua_rawgeti(L, -2, (lua_Integer)i + 1) != LUA_TSTRING)
            tg_luaaux_bad(L, "write_parquet", "partition_by", "a list of column names", -1);
        keys[i] = lua_tostring(L, -1); /* the option table keeps it alive */
        lua_pop(L, 1);
        if (tg_table_find(t, keys[i]) < 0) tg_luaaux_no_column(L, t, keys[i]);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(keys[i], keys[j]))
                tg_luaaux_error(L, "write_parquet: partition_by: column '%s' twice", keys[i]);
    }
    *n = m;
    return keys;
}

/* Writes t to path (one file, or a partitioned folder) through the run's
** write policy. */
static tg_status write_to(lua_State *L, const char *path, const tg_table *t,
                          const char *const *keys, size_t n_keys, const tg_pq_opts *o,
                          tg_error *err) {
    const char *name;
    tg_status st;
    int dir = tg_luactx_open_write(L, "write_parquet", path, &name);
    if (dir == TG_LUACTX_DRY) return TG_OK; /* tegn check --data: judged, not written */
    if (dir < 0) { /* no file policy (the REPL, an embedding program): by name */
        (void)tg_path_make_folders(path);
        if ((dir = tg_out_open_folder(path, &name)) < 0)
            return tg_out_folder_error(path, errno, err);
    }
    if (n_keys) {
        st = tg_pq_write_parts(dir, name, path, t, keys, n_keys, o, err);
    } else {
        tg_out *out;
        st = tg_out_openat(dir, name, path, &out, err);
        if (st == TG_OK) st = tg_pq_write_take(out, t, o, err);
    }
    close(dir);
    return st;
}

/* t:write_parquet(path [, opts]): the table as a Parquet file, written
** atomically. opts: compression = "zstd" | "snappy" | "none",
** row_group_rows (default 1,048,576), partition_by = { columns } (path is
** then a folder of hive-style partitions). */
static int l_table_write_parquet(lua_State *L) {
    static const char *const known[] = { "compression", "row_group_rows", "partition_by",
                                         "allow_identifiers", NULL };
    static const char *const codecs[] = { "zstd", "snappy", "none", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const char *path = tg_luaaux_check_string(L, 2, "write_parquet", "path");
    const char *meta[2 * N_META];
    const char *const *keys;
    size_t n_keys;
    tg_pq_opts o;
    tg_interrupt intr;
    tg_error err;
    tg_status st;

    lua_settop(L, 3);
    tg_luaaux_check_opts(L, 3, known, "write_parquet");
    tg_luaaux_check_identifiers(L, t, lua_istable(L, 3) ? 3 : 0, 1, "write_parquet");
    if (t->n_cols == 0) return tg_luaaux_error(L, "write_parquet: the table has no columns");
    tg_pq_opts_init(&o);
    o.codec = (tg_pq_codec)tg_luaaux_opt_choice(L, 3, "write_parquet", "compression", codecs, 0);
    o.row_group_rows = (size_t)tg_luaaux_opt_integer(L, 3, "write_parquet", "row_group_rows",
                                                     (int64_t)TG_PQ_ROW_GROUP, 1, INT32_MAX);
    keys = partition_keys(L, 3, t, &n_keys);
    provenance(L, meta);
    o.meta = meta;
    o.n_meta = N_META;
    tg_luaaux_interrupt(L, &intr);
    o.intr = &intr;
    tg_err_clear(&err);
    st = write_to(L, path, t, keys, n_keys, &o, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "write_parquet");
    return 0;
}

static const luaL_Reg methods[] = {
    { "write_parquet", l_table_write_parquet },
    { NULL, NULL },
};

void tg_luaparquet_open_methods(lua_State *L) {
    luaL_setfuncs(L, methods, 0);
}
