/*
** tg_luaformat.h -- tegn.format: numbers as people in Denmark read them,
** the formatter t:show uses on a terminal (tg_fmt_da), for a script's own
** lines and reports. Part of the `tegn` module.
*/
#ifndef TG_LUAFORMAT_H
#define TG_LUAFORMAT_H

struct lua_State;

/* Sets tegn.format (number, percent, kr) in the module table at the top
** of the stack. */
void tg_luaformat_open_module(struct lua_State *L);

#endif /* TG_LUAFORMAT_H */
