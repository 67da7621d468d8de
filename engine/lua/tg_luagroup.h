/*
** tg_luagroup.h -- the grouping and joining verbs of tegn.Table:
** t:group_by(keys):agg{...} with the aggregates tegn.count(), count_if,
** sum, mean, min, max, median, quantile, std, var, n_distinct, first and
** last; t:join, t:join_asof, t:distinct and t:top. Each runs one C kernel
** (tg_group.h, tg_join.h). Part of the `tegn` module (tg_lualib.h).
*/
#ifndef TG_LUAGROUP_H
#define TG_LUAGROUP_H

struct lua_State;

/* Registers the GroupBy and Agg metatables and sets the aggregate
** functions in the module table at the top of the stack. May raise. */
void tg_luagroup_open_module(struct lua_State *L);

/* Adds group_by, join, join_asof, distinct and top to the Table method
** table at the top of the stack. */
void tg_luagroup_open_methods(struct lua_State *L);

#endif /* TG_LUAGROUP_H */
