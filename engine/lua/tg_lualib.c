/*
** tg_lualib.c -- the hub of the `tegn` module (see tg_lualib.h): the one
** file that knows every binding. It registers the helpers' metatables,
** builds the Table metatable from the methods each binding adds, fills
** the module table from each binding's open_module, and installs a
** read-only view of it as `tegn`. The Lua layer is a line: tg_luactx, tg_luaaux and
** tg_luaval at the bottom, the bindings above them (none includes
** another), this hub on top.
*/
#include "tg_lualib.h"

#include <lauxlib.h>
#include <lua.h>

#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luactx.h"
#include "tg_luadate.h"
#include "tg_luaemit.h"
#include "tg_luaexpr.h"
#include "tg_luaforecast.h"
#include "tg_luaformat.h"
#include "tg_luagroup.h"
#include "tg_luaind.h"
#include "tg_luaio.h"
#include "tg_luaparquet.h"
#include "tg_luapg.h"
#include "tg_luapriv.h"
#include "tg_luarepl.h"
#include "tg_luareshape.h"
#include "tg_luascenario.h"
#include "tg_luasim.h"
#include "tg_luastats.h"
#include "tg_luatable.h"
#include "tg_luatakst.h"
#include "tg_luaval.h"
#include "tg_luaverb.h"
#include "tg_luawin.h"
#include "tg_luaworkbook.h"

/* The Table metatable: the metamethods of the value, the methods of every
** binding that adds some, and __index looking up methods, then columns. */
static void open_table(lua_State *L) {
    tg_luaaux_new_metatable(L, TG_LUAVAL_TABLE_MT, NULL, NULL);
    tg_luaval_table_metamethods(L);
    lua_newtable(L);
    tg_luatable_open_methods(L);
    tg_luaparquet_open_methods(L);
    tg_luapriv_open_methods(L);
    tg_luaverb_open_methods(L);
    tg_luagroup_open_methods(L);
    tg_luareshape_open_methods(L);
    tg_luapg_open_methods(L);
    lua_pushcclosure(L, tg_luaval_table_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

static int l_module_loader(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    return 1;
}

void tg_lualib_open(lua_State *L, void *ud) {
    (void)ud; /* the bindings reach the run context through tg_luactx_of */

    tg_luaaux_open(L);
    open_table(L);

    lua_newtable(L);
    tg_luaio_open_module(L);
    tg_luatable_open_module(L);
    tg_luadate_open_module(L);
    tg_luaexpr_open_module(L);
    tg_luawin_open_module(L); /* after expr: adds methods to Expr */
    tg_luagroup_open_module(L);
    tg_luaverb_open_module(L);
    tg_luaemit_open_module(L);
    tg_luascenario_open_module(L);
    tg_luaind_open_module(L);
    tg_luastats_open_module(L);
    tg_luaformat_open_module(L);
    tg_luaforecast_open_module(L);
    tg_luatakst_open_module(L);
    tg_luasim_open_module(L);
    tg_luaworkbook_open_module(L); /* read_excel */
    tg_luapg_open_module(L);
    lua_pushliteral(L, TG_VERSION_STRING);
    lua_setfield(L, -2, "version");
    tg_luaaux_push_null(L);
    lua_setfield(L, -2, "null");
    tg_lua_readonly(L, "the tegn module", 0);

    lua_pushvalue(L, -1);
    lua_setglobal(L, "tegn");
    lua_pushcclosure(L, l_module_loader, 1);
    tg_lua_preload(L, "tegn");
}

void tg_lualib_open_repl(lua_State *L, void *ctx) {
    tg_lualib_open(L, ctx);
    tg_luarepl_open(L);
}
