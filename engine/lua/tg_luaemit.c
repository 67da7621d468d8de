/*
** tg_luaemit.c -- tegn.emit (see tg_luaemit.h). tg_luaval_json builds
** the tree; between its return and tg_luactx_set_doc nothing raises, so
** the document cannot leak.
*/
#include "tg_luaemit.h"

#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_json.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luactx.h"
#include "tg_luaval.h"

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
    return 0;
}

void tg_luaemit_open_module(lua_State *L) {
    lua_pushcfunction(L, l_tegn_emit);
    lua_setfield(L, -2, "emit");
}
