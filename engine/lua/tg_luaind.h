/*
** tg_luaind.h -- tegn.indicator and tegn.data: the indicator framework of
** the `tegn` module. tegn.indicator{...} checks a spec, calls its compute
** function with the data catalog and the params, judges the series it
** returns (tg_indicator) and hands the indicator's JSON to the run, which
** writes the indicator document when the script emits nothing else.
** tegn.data is the catalog: data.name loads <datasets>/name.csv or the
** table 'name' of <datasets>/tegn.sqlite once per run.
*/
#ifndef TG_LUAIND_H
#define TG_LUAIND_H

struct lua_State;

/* Adds indicator and data to the module table at the top of the stack. */
void tg_luaind_open_module(struct lua_State *L);

#endif /* TG_LUAIND_H */
