/*
** tg_luaparquet.h -- t:write_parquet (tg_parquet), with the run's
** provenance in the file's key-value metadata. Part of the `tegn` module
** (tg_lualib.h).
*/
#ifndef TG_LUAPARQUET_H
#define TG_LUAPARQUET_H

struct lua_State;

/* Adds write_parquet to the Table method table at the top of the stack. */
void tg_luaparquet_open_methods(struct lua_State *L);

#endif /* TG_LUAPARQUET_H */
