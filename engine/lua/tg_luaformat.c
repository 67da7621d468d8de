/*
** tg_luaformat.c -- tegn.format (see tg_luaformat.h):
**   number(x [, decimals])   5855.55 -> "5.855,55" (decimals: exactly that
**                            many places; without: up to 10 significant digits)
**   percent(p [, decimals])  a proportion: 0.955 -> "95,5 %" (1 place by default)
**   kr(x [, decimals])       kroner: 5855.55 -> "5.856 kr." (whole kroner by default)
*/
#include "tg_luaformat.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>

#include "tg_fmt.h"
#include "tg_luaaux.h"

/* Pushes x (argument 1) times 'scale' in Danish form, then 'suffix'. */
static int push_da(lua_State *L, const char *fn, double scale, int dflt, const char *suffix) {
    double x = tg_luaaux_check_number(L, 1, fn, "x", -HUGE_VAL, HUGE_VAL);
    int dec =
        lua_isnoneornil(L, 2) ? dflt : (int)tg_luaaux_check_integer(L, 2, fn, "decimals", 0, 17);
    char buf[TG_FMT_DA_MAX];
    tg_fmt_da(x * scale, dec, buf);
    lua_pushfstring(L, "%s%s", buf, suffix);
    return 1;
}

static int l_number(lua_State *L) {
    return push_da(L, "format.number", 1, -1, "");
}

static int l_percent(lua_State *L) {
    return push_da(L, "format.percent", 100, 1, " %");
}

static int l_kr(lua_State *L) {
    return push_da(L, "format.kr", 1, 0, " kr.");
}

static const luaL_Reg format_funcs[] = {
    { "number", l_number },
    { "percent", l_percent },
    { "kr", l_kr },
    { NULL, NULL },
};

void tg_luaformat_open_module(lua_State *L) {
    luaL_newlib(L, format_funcs);
    lua_setfield(L, -2, "format");
}
