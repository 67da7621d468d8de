/*
** tg_luastats.h -- tegn.stats: the success-sign statistics of tg_stats
** for analysts' scripts (Wilson, t and exact Poisson intervals, the
** two-period comparisons, Mann-Kendall/Theil-Sen trends and
** Benjamini-Hochberg q-values). Misuse (x > n, a negative count, conf
** outside (0, 1)) raises an error naming the script line; a result that is
** undefined for the data (n = 0, a mean of one value, fewer than 3 points
** in a trend) is nil. Part of the `tegn` module (tg_lualib.h).
*/
#ifndef TG_LUASTATS_H
#define TG_LUASTATS_H

struct lua_State;

/* Sets tegn.stats, a table of functions, in the module table at the top of
** the stack; leaves the stack as it found it. */
void tg_luastats_open_module(struct lua_State *L);

#endif /* TG_LUASTATS_H */
