/*
** tg_luaworkbook.h -- reading Excel workbooks from a script:
** tegn.read_excel(path [, opts]) -> Table, report, for .xlsx/.xlsm and
** .xls (told apart by content). Part of the `tegn` module (tg_lualib.h);
** writing workbooks is another binding's.
*/
#ifndef TG_LUAWORKBOOK_H
#define TG_LUAWORKBOOK_H

struct lua_State;

/* Sets read_excel in the module table at the top of the stack. */
void tg_luaworkbook_open_module(struct lua_State *L);

#endif /* TG_LUAWORKBOOK_H */
