/*
** tg_lualos.h -- lengths of stay (liggetid) read from Lua, shared by
** tegn.sim and tegn.scenario so the same table means the same thing in
** both: { fordeling = "eksponentiel" | "lognormal" | "gamma" | "empirisk",
** middel =, sd =, dage =, ophold =, fra =, til =, indflyttet =,
** fraflyttet = } (docs/sim.md). Also the stays tegn.sim.from_stays
** estimates from. A helper of the Lua layer like tg_luaaux: it includes no
** binding.
*/
#ifndef TG_LUALOS_H
#define TG_LUALOS_H

#include <stddef.h>
#include <stdint.h>

#include "tg_sim.h"
#include "tg_table.h"

struct lua_State;

/* Stays seen through an observation window: len[i] days observed, entry[i]
** days already spent when the window opened, done[i] 1 when the stay
** ended inside it. */
typedef struct tg_lualos_stays {
    double *len, *entry;
    uint8_t *done;
    size_t n;
} tg_lualos_stays;

/* Reads the liggetid table at idx into *los; 'where' names the caller in
** messages ("sim.run: tilbud 'X'"). fordeling defaults to eksponentiel;
** middel is required; sd is required for lognormal and gamma and ignored
** for eksponentiel (whose sd is its mean); empirisk needs dage (a list of
** completed stays or a Table with a column dage) or ophold (a Table of
** stays with the window fra, til). Leaves one value on the stack: nil, or
** for empirisk the box owning the distribution los->emp points to, which
** must stay alive (or be taken with tg_lualos_take) while los is used. */
void tg_lualos_read(struct lua_State *L, int idx, const char *where, tg_sim_los *los);

/* Takes the distribution out of the box at idx (left by tg_lualos_read);
** the caller then frees it with tg_sim_empirical_free. NULL for nil. */
tg_sim_empirical *tg_lualos_take(struct lua_State *L, int idx);

/* The date column 'name' of t, or raises. */
const tg_col *tg_lualos_date_col(struct lua_State *L, const tg_table *t, const char *name,
                                 const char *where);

/* The stays in rows[0..n) (all rows when rows is NULL) seen through the
** window [fra, til): a stay from in to out (out NULL = ongoing) is
** observed from max(in, fra), completed when out <= til, else censored at
** til. Stays outside the window are left out. Pushes a box owning them. */
tg_lualos_stays *tg_lualos_collect(struct lua_State *L, const tg_col *in, const tg_col *out,
                                   const size_t *rows, size_t n, int32_t fra, int32_t til,
                                   const char *where);

/* The Kaplan-Meier distribution of s, in a box pushed on the stack;
** raises when no stay is completed. */
tg_sim_empirical *tg_lualos_km(struct lua_State *L, const tg_lualos_stays *s, const char *where);

#endif /* TG_LUALOS_H */
