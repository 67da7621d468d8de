/*
** tg_lualib.h -- the `tegn` Lua module: what a script sees as
** `require "tegn"`. This is the hub of the Lua layer: it registers every
** binding (tg_lua<family>.c, each adding its Table methods with
** tg_lua<family>_open_methods and its module functions with
** tg_lua<family>_open_module). The run context the module reports into is
** tg_luactx.h; the helpers the bindings share are tg_luaaux.h and
** tg_luaval.h.
*/
#ifndef TG_LUALIB_H
#define TG_LUALIB_H

struct lua_State;

/* tg_lua_opts.open_libs for a runtime whose opts.ud is a tg_luactx:
** registers `tegn` as a preloaded module and as the global `tegn`. */
void tg_lualib_open(struct lua_State *L, void *ctx);

/* The same for `tegn repl`: also the REPL's result printer and help()
** (tg_luarepl.h). */
void tg_lualib_open_repl(struct lua_State *L, void *ctx);

#endif /* TG_LUALIB_H */
