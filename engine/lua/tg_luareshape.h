/*
** tg_luareshape.h -- the reshaping verbs of tegn.Table: t:pivot{rows =,
** cols =, values =, agg =, fill =}, t:unpivot{keep =, melt =, into =,
** drop_null =} and t:complete{by =, period =, unit =, fill =}, over the tg_reshape kernel. Part of
** the `tegn` module; the hub (tg_lualib.c) adds them to the Table methods.
*/
#ifndef TG_LUARESHAPE_H
#define TG_LUARESHAPE_H

struct lua_State;

/* Adds pivot, unpivot and complete to the Table method table at the top
** of the stack. */
void tg_luareshape_open_methods(struct lua_State *L);

#endif /* TG_LUARESHAPE_H */
