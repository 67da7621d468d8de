/*
** tg_luascenario.h -- tegn.scenario: multi-year takst scenarios for
** scripts (tg_scenario). tegn.scenario.run takes one table of named
** arguments in the Danish terms of tegn.takst (regler, start_aar, aar,
** replikationer, tilbud = { { id, normerede_pladser, kapacitet,
** omkostninger, historik, regulering, henvisninger, liggetid, ... } }) and
** returns the summary per tilbud-year as a tegn Table, plus one row per
** tilbud, replication and year when per_replikation is set. Part of the
** `tegn` module; every key is listed in docs/takst.md.
*/
#ifndef TG_LUASCENARIO_H
#define TG_LUASCENARIO_H

struct lua_State;

/* Sets tegn.scenario in the module table at the top of the stack. Leaves
** the stack as it found it. */
void tg_luascenario_open_module(struct lua_State *L);

#endif /* TG_LUASCENARIO_H */
