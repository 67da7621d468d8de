/*
** tg_luapg.h -- PostgreSQL for scripts: tegn.read_postgres(service, sql
** [, params]) -> Table and t:write_postgres(service, table [, opts]).
** A script names a service (a section of the PostgreSQL service file),
** never a connection string, so no password can sit in its text; a run
** may use only the services its command line allows (--allow-db,
** --allow-db-write; docs/postgres.md). Part of the `tegn` module
** (tg_lualib.h).
*/
#ifndef TG_LUAPG_H
#define TG_LUAPG_H

struct lua_State;

/* Sets read_postgres in the module table at the top of the stack. */
void tg_luapg_open_module(struct lua_State *L);
/* Sets write_postgres in the Table method table at the top of the stack. */
void tg_luapg_open_methods(struct lua_State *L);

#endif /* TG_LUAPG_H */
