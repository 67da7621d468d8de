/*
** tg_luaio.h -- a script's inputs: tegn.read_csv(path [, opts]) -> Table,
** report; tegn.read_sqlite(path, table_or_sql [, params]) -> Table;
** tegn.param(name [, default [, type]]) for the --param values; and
** tegn.warn(msg), a warning line naming the script line. Part of the
** `tegn` module (tg_lualib.h).
*/
#ifndef TG_LUAIO_H
#define TG_LUAIO_H

struct lua_State;

/* Sets read_csv, read_sqlite, param and warn in the module table at the
** top of the stack. */
void tg_luaio_open_module(struct lua_State *L);

#endif /* TG_LUAIO_H */
