/*
** tg_luasim.h -- tegn.sim: the occupancy simulation (tg_sim) for scripts.
** tegn.sim.run{...} simulates tilbud described with Danish keys and
** returns tegn Tables (a summary per tilbud, belagte dage per period, and
** optionally per replication); tegn.sim.from_stays estimates referral
** rates, seasons and lengths of stay from a table of stays;
** tegn.sim.erlang_b / erlang_c are the closed forms. Part of the `tegn`
** module; docs/sim.md describes every key.
*/
#ifndef TG_LUASIM_H
#define TG_LUASIM_H

struct lua_State;

/* Sets tegn.sim (a table of the functions above) in the module table at
** the top of the stack, leaving the stack as it found it. */
void tg_luasim_open_module(struct lua_State *L);

#endif /* TG_LUASIM_H */
