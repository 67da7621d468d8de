/*
** tg_luatable.h -- the methods of tegn.Table that read or rearrange a
** table without a kernel: t:schema(), t:columns(), t:rows(), t:head(n),
** t:select{...}, t:rename{...}, t:write_csv, t:write_xlsx, t:write_sqlite,
** t:show and t:free, and tegn.write_xlsx, several tables as one workbook. The Table userdata itself
*(a handle on an immutable tg_table,
** shared freely between Lua values) is in tg_luaval.h; the hub builds its
** metatable. Part of the `tegn` module (tg_lualib.h).
*/
#ifndef TG_LUATABLE_H
#define TG_LUATABLE_H

struct lua_State;

/* Adds the methods to the Table method table at the top of the stack. */
void tg_luatable_open_methods(struct lua_State *L);

/* Adds tegn.write_xlsx to the module table at the top of the stack. */
void tg_luatable_open_module(struct lua_State *L);

#endif /* TG_LUATABLE_H */
