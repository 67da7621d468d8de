/*
** tg_luapg.c -- tegn.read_postgres and t:write_postgres (see tg_luapg.h).
** The connection is "service=NAME", the service file and ~/.pgpass give
** host, user and password; what the run's meta records is the label
** "postgres:NAME" and the SQL, never more of the connection. Every C
** function follows "box first, then fill": the parameter array lives in a
** userdata, its strings in the script's params table on the stack.
*/
#include "tg_luapg.h"

#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luactx.h"
#include "tg_luaval.h"
#include "tg_pg.h"

#define SERVICE_MAX 63

/* Checks that argument 'idx' is a service name (letters, digits, '_', '-',
** '.'), which cannot carry a password; fills 'conninfo' ("service=NAME")
** and 'label' ("postgres:NAME"). Whether the run may use it is asked
** after every argument was read (tg_luactx_check_db). */
static const char *check_service(lua_State *L, int idx, const char *fn,
                                 char conninfo[SERVICE_MAX + 9], char label[SERVICE_MAX + 10]) {
    const char *s = tg_luaaux_check_string(L, idx, fn, "service");
    size_t n = strlen(s), ok = n > 0 && n <= SERVICE_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-' || c == '.';
    }
    if (!ok) /* the text is not repeated: it may hold a password */
        tg_luaaux_error(L,
                        "%s: 'service' must be the name of a PostgreSQL service (a [section] of "
                        "~/.pg_service.conf or PGSERVICEFILE; letters, digits, '_', '-', '.'), "
                        "not a connection string: passwords stay out of scripts",
                        fn);
    strcpy(conninfo, "service=");
    strcat(conninfo, s);
    strcpy(label, "postgres:");
    strcat(label, s);
    return s;
}

/* The params list at idx ($1, $2, ...) as an array in a userdata left on
** the stack; *n its length. */
static tg_pg_param *read_params(lua_State *L, int idx, size_t *n) {
    *n = 0;
    if (lua_isnil(L, idx)) return NULL;
    tg_luaaux_check_table(L, idx, "read_postgres", "params");
    size_t len = (size_t)lua_rawlen(L, idx);
    if (tg_luaaux_count_keys(L, idx) != len)
        tg_luaaux_bad(L, "read_postgres", "params", "a list of values for $1, $2, ...", idx);
    tg_pg_param *p = lua_newuserdatauv(L, (len ? len : 1) * sizeof *p, 0);
    for (size_t i = 0; i < len; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        const char *key = lua_pushfstring(L, "params[%d]", (int)i + 1);
        p[i].name = NULL;
        tg_luaaux_check_param(L, -2, "read_postgres", key, &p[i]);
        lua_pop(L, 2);
    }
    *n = len;
    return p;
}

/* tegn.read_postgres(service, sql [, params]) -> Table */
static int l_tegn_read_postgres(lua_State *L) {
    char conninfo[SERVICE_MAX + 9], label[SERVICE_MAX + 10], sha[65];
    tg_interrupt intr;
    tg_error err;
    size_t n;

    lua_settop(L, 3);
    const char *service = check_service(L, 1, "read_postgres", conninfo, label);
    const char *sql = tg_luaaux_check_string(L, 2, "read_postgres", "sql");
    const tg_pg_param *params = read_params(L, 3, &n);
    tg_luactx_check_db(L, "read_postgres", service, 0);
    tg_table **slot = tg_luaval_table_new(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    tg_status st = tg_pg_read(conninfo, label, sql, params, n, &intr, slot, sha, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, NULL);
    tg_luactx_add_input_sha(L, label, sql, *slot, 0, sha);
    tg_luactx_sample_table(L, slot); /* tegn check --data: the verbs run on a sample */
    return 1;
}

/* t:write_postgres(service, table [, {mode = "create" | "replace" | "append"}]) */
static int l_table_write_postgres(lua_State *L) {
    static const char *const known[] = { "mode", "allow_identifiers", NULL };
    static const char *const modes[] = { "create", "replace", "append", NULL };
    static const tg_pg_mode values[] = { TG_PG_CREATE, TG_PG_REPLACE, TG_PG_APPEND };
    char conninfo[SERVICE_MAX + 9], label[SERVICE_MAX + 10];
    tg_interrupt intr;
    tg_error err;

    const tg_table *t = tg_luaval_table_check(L, 1);
    const char *service = check_service(L, 2, "write_postgres", conninfo, label);
    const char *name = tg_luaaux_check_string(L, 3, "write_postgres", "table");
    tg_luaaux_check_opts(L, 4, known, "write_postgres");
    tg_pg_mode mode = values[tg_luaaux_opt_choice(L, 4, "write_postgres", "mode", modes, 0)];
    int dry = tg_luactx_check_db(L, "write_postgres", service, 1);
    tg_luaaux_check_identifiers(L, t, lua_istable(L, 4) ? 4 : 0, 1, "write_postgres");
    if (dry) return 0; /* tegn check --data: judged, not written */
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    tg_status st = tg_pg_write(conninfo, label, name, t, mode, &intr, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "write_postgres");
    return 0;
}

void tg_luapg_open_module(lua_State *L) {
    lua_pushcfunction(L, l_tegn_read_postgres);
    lua_setfield(L, -2, "read_postgres");
}

void tg_luapg_open_methods(lua_State *L) {
    lua_pushcfunction(L, l_table_write_postgres);
    lua_setfield(L, -2, "write_postgres");
}
