/*
** tg_lualos.c -- lengths of stay from Lua (see tg_lualos.h): the one
** `liggetid` reader tegn.sim and tegn.scenario share, and the stays
** (indflyttet/fraflyttet) behind an empirical distribution and
** tegn.sim.from_stays. Every array is boxed the moment it exists.
*/
#include "tg_lualos.h"

#include <math.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_mem.h"

static void free_empirical(void *p) {
    tg_sim_empirical_free(p);
}

static void *alloc_or_raise(lua_State *L, size_t count, size_t size) {
    void *p = tg_calloc(count ? count : 1, size);
    if (!p) tg_lua_raise(L, TG_ENOMEM, NULL);
    return p;
}

/* ---- stays ---- */

static void free_stays(void *p) {
    tg_lualos_stays *s = p;
    if (!s) return;
    tg_free(s->len);
    tg_free(s->entry);
    tg_free(s->done);
    tg_free(s);
}

/* A date column of t, or raises. */
const tg_col *tg_lualos_date_col(lua_State *L, const tg_table *t, const char *name,
                                 const char *where) {
    const tg_col *c = tg_table_col(t, name);
    if (!c) tg_luaaux_no_column(L, t, name);
    if (c->type != TG_DATE)
        tg_luaaux_error(L, "%s: column '%s' must hold dates, not %s", where, name,
                        tg_type_name(c->type));
    return c;
}

/* The stays in rows[0..n) (all rows when rows is NULL) seen through the
** window [fra, til): a stay from in to out (out NULL = ongoing) is
** observed from max(in, fra), completed when out <= til, else censored
** at til. Stays outside the window are left out. Pushes a box owning the
** arrays. */
tg_lualos_stays *tg_lualos_collect(lua_State *L, const tg_col *in, const tg_col *out,
                                   const size_t *rows, size_t n, int32_t fra, int32_t til,
                                   const char *where) {
    void **box = tg_luaaux_box(L, free_stays);
    tg_lualos_stays *s = alloc_or_raise(L, 1, sizeof *s);
    *box = s;
    s->len = alloc_or_raise(L, n, sizeof *s->len);
    s->entry = alloc_or_raise(L, n, sizeof *s->entry);
    s->done = alloc_or_raise(L, n, sizeof *s->done);
    for (size_t k = 0; k < n; k++) {
        size_t i = rows ? rows[k] : k;
        int32_t a, b;
        int has_out = tg_col_is_valid(out, i);
        if (!tg_col_is_valid(in, i)) continue;
        a = in->v.date[i];
        b = has_out ? out->v.date[i] : til;
        if (has_out && b < a)
            tg_luaaux_error(L, "%s: row %I moves out before it moves in", where,
                            (lua_Integer)i + 1);
        if (a >= til || (has_out && b <= fra)) continue;
        s->done[s->n] = has_out && b <= til;
        s->len[s->n] = (double)((s->done[s->n] ? b : til) - a);
        s->entry[s->n] = a < fra ? (double)(fra - a) : 0;
        s->n++;
    }
    return s;
}

/* The Kaplan-Meier distribution of s (raises when no stay is completed). */
tg_sim_empirical *tg_lualos_km(lua_State *L, const tg_lualos_stays *s, const char *where) {
    void **box = tg_luaaux_box(L, free_empirical);
    tg_sim_empirical *e;
    tg_error err;
    tg_status st = tg_sim_empirical_new(s->len, s->entry, s->done, s->n, &e, &err);
    if (st == TG_EDATA) tg_luaaux_error(L, "%s: no completed stays in the window", where);
    if (st != TG_OK) tg_luaaux_fail(L, st, &err, where);
    *box = e;
    return e;
}

/* ---- liggetid ---- */

static const char *const dist_names[] = { "eksponentiel", "lognormal", "gamma", "empirisk", NULL };

void tg_lualos_read(lua_State *L, int idx, const char *where, tg_sim_los *los) {
    static const char *const known[] = { "fordeling",  "middel", "sd",  "dage",
                                         "ophold",     "fra",    "til", "indflyttet",
                                         "fraflyttet", NULL };
    int top = lua_gettop(L), dist;

    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx))
        tg_luaaux_bad(L, where, "liggetid",
                      "a table such as {fordeling = 'lognormal', middel = 400, sd = 300}", idx);
    tg_luaaux_check_opts(L, idx, known, where);
    dist = tg_luaaux_opt_choice(L, idx, where, "fordeling", dist_names, 0);
    los->dist = (tg_sim_dist)(dist + 1);
    if (los->dist != TG_SIM_EMPIRICAL) {
        los->mean = tg_luaaux_opt_number(L, idx, where, "middel", NAN, -HUGE_VAL, HUGE_VAL);
        los->sd = tg_luaaux_opt_number(L, idx, where, "sd", NAN, -HUGE_VAL, HUGE_VAL);
        if (isnan(los->mean)) tg_luaaux_error(L, "%s: 'liggetid' needs 'middel' (days)", where);
        if (los->dist != TG_SIM_EXP && isnan(los->sd))
            tg_luaaux_error(L, "%s: a %s 'liggetid' needs 'sd' (days)", where, dist_names[dist]);
        lua_settop(L, top);
        lua_pushnil(L);
        return;
    }
    /* empirical: completed lengths, or a table of stays */
    const tg_table *t;
    tg_lualos_stays *s = NULL;
    if (lua_getfield(L, idx, "ophold") != LUA_TNIL) {
        int has_fra, has_til;
        int32_t fra = 0, til = 0;
        has_fra = tg_luaaux_opt_date(L, idx, where, "fra", &fra);
        has_til = tg_luaaux_opt_date(L, idx, where, "til", &til);
        const char *cin, *cout;
        t = tg_luaval_table_arg(L, -1, where, "ophold");
        cin = tg_luaaux_opt_string(L, idx, where, "indflyttet", "indflyttet");
        cout = tg_luaaux_opt_string(L, idx, where, "fraflyttet", "fraflyttet");
        if (!has_fra || !has_til)
            tg_luaaux_error(L,
                            "%s: an empirical 'liggetid' from 'ophold' needs the observation "
                            "window 'fra' and 'til'",
                            where);
        if (til <= fra) tg_luaaux_error(L, "%s: 'til' must come after 'fra'", where);
        s = tg_lualos_collect(L, tg_lualos_date_col(L, t, cin, where),
                              tg_lualos_date_col(L, t, cout, where), NULL, t->n_rows, fra, til,
                              where);
    } else if (lua_getfield(L, idx, "dage") != LUA_TNIL) {
        void **box = tg_luaaux_box(L, free_stays);
        size_t n;
        s = alloc_or_raise(L, 1, sizeof *s);
        *box = s;
        if ((t = tg_luaval_table_test(L, -2)) != NULL) {
            const tg_col *c = tg_table_col(t, "dage");
            if (!c) tg_luaaux_no_column(L, t, "dage");
            if (c->type != TG_INT && c->type != TG_FLOAT)
                tg_luaaux_error(L, "%s: column 'dage' must hold numbers", where);
            n = t->n_rows;
            s->len = alloc_or_raise(L, n, sizeof *s->len);
            for (size_t i = 0; i < n; i++)
                if (tg_col_is_valid(c, i))
                    s->len[s->n++] = c->type == TG_INT ? (double)c->v.i64[i] : c->v.f64[i];
        } else {
            if (!lua_istable(L, -2))
                tg_luaaux_bad(L, where, "dage", "a list of stay lengths or a Table", -2);
            n = (size_t)lua_rawlen(L, -2);
            s->len = alloc_or_raise(L, n, sizeof *s->len);
            for (size_t i = 0; i < n; i++) {
                lua_rawgeti(L, -2, (lua_Integer)i + 1);
                lua_pushfstring(L, "dage[%I]", (lua_Integer)i + 1);
                s->len[s->n++] =
                    tg_luaaux_check_number(L, -2, where, lua_tostring(L, -1), 0, HUGE_VAL);
                lua_pop(L, 2);
            }
        }
    } else {
        tg_luaaux_error(L, "%s: an empirical 'liggetid' needs 'dage' or 'ophold'", where);
    }
    tg_lualos_km(L, s, where);
    los->emp = *(tg_sim_empirical **)lua_touserdata(L, -1);
    lua_replace(L, top + 1); /* the box owning it is the one value left */
    lua_settop(L, top + 1);
}

tg_sim_empirical *tg_lualos_take(lua_State *L, int idx) {
    void **box = lua_touserdata(L, idx);
    tg_sim_empirical *e = box ? *box : NULL;
    if (box) *box = NULL;
    return e;
}
