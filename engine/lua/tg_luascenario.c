/*
** tg_luascenario.c -- tegn.scenario (see tg_luascenario.h). The tilbud
** specs are parsed into one Lua-owned userdata (fixed-size arrays per
** tilbud), so nothing C-allocated is held while the parsing may raise; the
** scenario's result lives in a box until the Tables are made from it. The
** strings the specs point to (ids) stay alive in the argument table, which
** is on the stack for the whole call.
*/
#include "tg_luascenario.h"

#include <math.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_lualos.h"
#include "tg_luaval.h"
#include "tg_scenario.h"

#define MAX_STEPS  64
#define MAX_TILBUD 10000
#define YEAR_SPAN  100 /* a year-keyed table may name years this far from the start */

struct spec {
    tg_scenario_tilbud t;
    tg_takst_rules regler;
    tg_scenario_step steps[MAX_STEPS];
    double hist[TG_SCENARIO_MAX_HISTORY];
    double reg[TG_SCENARIO_MAX_YEARS];
    double engang[TG_SCENARIO_MAX_YEARS];
    double season[12];
};

static const char *const FN = "scenario.run";

static void check_steps(lua_State *L, struct spec *s, const char *where) {
    static const char *const known[] = { "fra", "pladser", NULL };
    int top = lua_gettop(L);
    if (!lua_istable(L, top))
        tg_luaaux_bad(L, where, "kapacitet", "a list of { fra = 'YYYY-MM-DD', pladser = n }", top);
    lua_Integer n = (lua_Integer)lua_rawlen(L, top);
    if (n > MAX_STEPS) tg_luaaux_error(L, "%s: at most %d capacity steps", where, MAX_STEPS);
    for (lua_Integer i = 1; i <= n; i++) {
        char ctx[200];
        snprintf(ctx, sizeof ctx, "%s: kapacitet[%d]", where, (int)i);
        lua_rawgeti(L, top, i);
        if (!lua_istable(L, -1))
            tg_luaaux_bad(L, where, "kapacitet", "a list of { fra = 'YYYY-MM-DD', pladser = n }",
                          top);
        tg_luaaux_check_opts(L, -1, known, ctx);
        if (lua_getfield(L, -1, "fra") == LUA_TNIL) tg_luaaux_missing(L, ctx, "fra");
        s->steps[i - 1].fra = tg_luaaux_check_date(L, -1, ctx, "fra");
        lua_pop(L, 1);
        if (lua_getfield(L, -1, "pladser") == LUA_TNIL) tg_luaaux_missing(L, ctx, "pladser");
        s->steps[i - 1].pladser =
            (int)tg_luaaux_check_integer(L, -1, ctx, "pladser", 0, TG_SIM_MAX_PLACES);
        lua_pop(L, 2);
    }
    s->t.steps = s->steps;
    s->t.n_steps = (size_t)n;
}

/* ---- cost uncertainty ---- */

/* One line's distribution, the table at idx: { fordeling = "normal", sd =
** [, middel = ] }, { fordeling = "lognormal", sd = } or { fordeling =
** "trekant", min =, typisk =, max = } (kroner of the price year). */
static void check_costdist(lua_State *L, int idx, const char *ctx, tg_costdist *d) {
    static const char *const known[] = {
        "fordeling", "sd", "middel", "min", "typisk", "max", NULL
    };
    static const char *const kinds[] = { "normal", "lognormal", "trekant", NULL };
    tg_luaaux_check_opts(L, idx, known, ctx);
    memset(d, 0, sizeof *d);
    d->kind = 1 + tg_luaaux_opt_choice(L, idx, ctx, "fordeling", kinds, 0);
    if (d->kind == TG_COSTDIST_TRIANGLE) {
        static const char *const need[] = { "min", "typisk", "max" };
        double *v[] = { &d->min, &d->mode, &d->max };
        for (int i = 0; i < 3; i++) {
            if (lua_getfield(L, idx, need[i]) == LUA_TNIL) tg_luaaux_missing(L, ctx, need[i]);
            *v[i] = tg_luaaux_check_number(L, -1, ctx, need[i], -HUGE_VAL, HUGE_VAL);
            lua_pop(L, 1);
        }
        if (lua_getfield(L, idx, "sd") != LUA_TNIL || lua_getfield(L, idx, "middel") != LUA_TNIL)
            tg_luaaux_error(L, "%s: a triangular cost takes min, typisk and max, not sd or middel",
                            ctx);
        lua_pop(L, 2);
        return;
    }
    if (lua_getfield(L, idx, "sd") == LUA_TNIL) tg_luaaux_missing(L, ctx, "sd");
    d->sd = tg_luaaux_check_number(L, -1, ctx, "sd", 0, HUGE_VAL);
    lua_pop(L, 1);
    if (d->kind == TG_COSTDIST_LOGNORMAL && lua_getfield(L, idx, "middel") != LUA_TNIL)
        tg_luaaux_error(L, "%s: a lognormal cost has the budget line as its mean; no middel", ctx);
    if (d->kind == TG_COSTDIST_LOGNORMAL) lua_pop(L, 1);
    d->mean = tg_luaaux_opt_number(L, idx, ctx, "middel", 0, -HUGE_VAL, HUGE_VAL);
    if (lua_getfield(L, idx, "min") != LUA_TNIL || lua_getfield(L, idx, "typisk") != LUA_TNIL ||
        lua_getfield(L, idx, "max") != LUA_TNIL)
        tg_luaaux_error(L, "%s: min, typisk and max belong to fordeling = \"trekant\"", ctx);
    lua_pop(L, 3);
}

/* The omkostningstype named s, or -1. */
static int omk_index(const char *s) {
    for (int k = 0; k < TG_OMK_N; k++)
        if (strcmp(s, tg_takst_omk_name(k)) == 0) return k;
    return -1;
}

/* omkostninger_usikkerhed = { direkte_loen = {...}, ejendom = {...} }: the
** table at idx, keyed by the omkostningstyper of omkostninger. */
static void check_uncertainty(lua_State *L, int idx, tg_scenario_tilbud *t, const char *where) {
    char ctx[240];
    if (!lua_istable(L, idx))
        tg_luaaux_bad(L, where, "omkostninger_usikkerhed",
                      "a table of omkostningstyper and distributions", idx);
    snprintf(ctx, sizeof ctx, "%s: omkostninger_usikkerhed", where);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int k = lua_type(L, -2) == LUA_TSTRING ? omk_index(lua_tostring(L, -2)) : -1;
        if (k < 0 || k == TG_OMK_REGULERING)
            tg_luaaux_error(L, "%s: '%s' is not an omkostningstype", ctx,
                            lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
        snprintf(ctx, sizeof ctx, "omkostninger_usikkerhed.%s", tg_takst_omk_name(k));
        if (!lua_istable(L, -1))
            tg_luaaux_bad(L, where, ctx, "a table like { fordeling = \"normal\", sd = kroner }",
                          -1);
        snprintf(ctx, sizeof ctx, "%s: omkostninger_usikkerhed.%s", where, tg_takst_omk_name(k));
        check_costdist(L, lua_gettop(L), ctx, &t->usikkerhed[k]);
        snprintf(ctx, sizeof ctx, "%s: omkostninger_usikkerhed", where);
        lua_pop(L, 1);
    }
}

/* ---- one tilbud ---- */

/* Reads the tilbud at idx into s; the box of an empirical liggetid goes
** into keep[slot] (the table at 'keep'), which the run keeps alive. */
static void check_tilbud(lua_State *L, int idx, struct spec *s, int start, int aar, int keep,
                         int slot) {
    static const char *const known[] = { "id",
                                         "regler",
                                         "akut",
                                         "normerede_pladser",
                                         "kapacitet",
                                         "omkostninger",
                                         "omkostninger_aar",
                                         "pladser_grundlag",
                                         "pl_pct",
                                         "variabel_andel",
                                         "pris_ny_plads",
                                         "engangsudgifter",
                                         "overhead_pct",
                                         "tilsyn_pl_faktor",
                                         "regnskab_afvigelse_pct",
                                         "omkostninger_usikkerhed",
                                         "historik",
                                         "budget_belaegning",
                                         "regulering",
                                         "henvisninger",
                                         "saeson",
                                         "liggetid",
                                         "politik",
                                         "max_venteliste",
                                         "start_belagt",
                                         "start_venteliste",
                                         "venteliste_max", /* the old name, for one release */
                                         NULL };
    static const char *const policies[] = { "venteliste", "afvisning", NULL };
    tg_scenario_tilbud *t = &s->t;
    char where[160];
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx))
        tg_luaaux_bad(L, FN, lua_pushfstring(L, "tilbud[%d]", slot), "a table", idx);
    if (lua_getfield(L, idx, "id") != LUA_TSTRING)
        tg_luaaux_bad(L, FN, "tilbud.id", "a string", -1);
    t->id = lua_tostring(L, -1); /* kept alive by the tilbud table */
    lua_pop(L, 1);
    snprintf(where, sizeof where, "%s: tilbud '%.100s'", FN, t->id);
    tg_luaaux_check_opts(L, idx, known, where);
    const char *id = t->id;
    tg_scenario_tilbud_init(t);
    t->id = id;
    if (lua_getfield(L, idx, "regler") != LUA_TNIL) {
        s->regler = tg_luaval_rules(L, -1, where, "regler");
        t->regler = &s->regler;
    }
    lua_pop(L, 1);
    t->akut = tg_luaaux_opt_boolean(L, idx, where, "akut", 0);
    if (lua_getfield(L, idx, "normerede_pladser") == LUA_TNIL)
        tg_luaaux_missing(L, where, "normerede_pladser");
    t->pladser =
        (int)tg_luaaux_check_integer(L, -1, where, "normerede_pladser", 0, TG_SIM_MAX_PLACES);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "kapacitet") != LUA_TNIL) check_steps(L, s, where);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "omkostninger") == LUA_TNIL)
        tg_luaaux_missing(L, where, "omkostninger");
    tg_luaval_omkostninger(L, -1, where, "omkostninger", t->omk, 0);
    lua_pop(L, 1);
    t->omk_aar = (int)tg_luaaux_opt_integer(L, idx, where, "omkostninger_aar", 0, 1000, 9999);
    t->pladser_grundlag =
        tg_luaaux_opt_number(L, idx, where, "pladser_grundlag", NAN, -HUGE_VAL, HUGE_VAL);
    t->pl_pct = tg_luaaux_opt_number(L, idx, where, "pl_pct", 0, -HUGE_VAL, HUGE_VAL);
    t->variabel_andel =
        tg_luaaux_opt_number(L, idx, where, "variabel_andel", 0.5, -HUGE_VAL, HUGE_VAL);
    t->pris_ny_plads =
        tg_luaaux_opt_number(L, idx, where, "pris_ny_plads", NAN, -HUGE_VAL, HUGE_VAL);
    if (lua_getfield(L, idx, "engangsudgifter") != LUA_TNIL) {
        int first = start;
        tg_luaaux_check_years(L, -1, where, "engangsudgifter", s->engang, (size_t)aar, &first,
                              TG_LUAAUX_YEARS_FIXED);
        for (int y = 0; y < aar; y++)
            if (isnan(s->engang[y])) s->engang[y] = 0;
        t->engang = s->engang;
    }
    lua_pop(L, 1);
    t->overhead_pct = tg_luaaux_opt_number(L, idx, where, "overhead_pct", NAN, -HUGE_VAL, HUGE_VAL);
    t->tilsyn_pl_faktor =
        tg_luaaux_opt_number(L, idx, where, "tilsyn_pl_faktor", 1, -HUGE_VAL, HUGE_VAL);
    t->regnskab_afvigelse_pct =
        tg_luaaux_opt_number(L, idx, where, "regnskab_afvigelse_pct", 0, -HUGE_VAL, HUGE_VAL);
    if (lua_getfield(L, idx, "omkostninger_usikkerhed") != LUA_TNIL)
        check_uncertainty(L, lua_gettop(L), t, where);
    lua_pop(L, 1);

    if (lua_getfield(L, idx, "historik") != LUA_TNIL) {
        int lo = 0;
        size_t n = tg_luaaux_check_years(L, -1, where, "historik", s->hist, TG_SCENARIO_MAX_HISTORY,
                                         &lo, 0);
        if (n > 0) {
            if (lo + (int)n - 1 >= start)
                tg_luaaux_error(L, "%s: historik must be years before %d", where, start);
            t->historik_fra_aar = lo;
            t->historik = s->hist;
            t->n_historik = n;
        }
    }
    lua_pop(L, 1);
    t->budget_belaegning =
        tg_luaaux_opt_number(L, idx, where, "budget_belaegning", NAN, -HUGE_VAL, HUGE_VAL);
    if (lua_getfield(L, idx, "regulering") != LUA_TNIL) {
        int first = start;
        tg_luaaux_check_years(L, -1, where, "regulering", s->reg, (size_t)aar, &first,
                              TG_LUAAUX_YEARS_FIXED);
        t->regulering = s->reg;
        t->n_regulering = (size_t)aar;
    }
    lua_pop(L, 1);

    /* demand */
    if (lua_getfield(L, idx, "henvisninger") == LUA_TNIL)
        tg_luaaux_missing(L, where, "henvisninger");
    double h = tg_luaaux_check_number(L, -1, where, "henvisninger", 0, HUGE_VAL);
    t->sim.rate = h / 365.0;
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "saeson") != LUA_TNIL) {
        if (!lua_istable(L, -1) || (lua_Integer)lua_rawlen(L, -1) != 12)
            tg_luaaux_bad(L, where, "saeson", "a list of 12 factors (January..December)", -1);
        for (int m = 0; m < 12; m++) {
            lua_rawgeti(L, -1, m + 1);
            s->season[m] = tg_luaaux_check_number(L, -1, where, "saeson", -HUGE_VAL, HUGE_VAL);
            lua_pop(L, 1);
        }
        t->sim.season = s->season;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "liggetid") == LUA_TNIL) tg_luaaux_missing(L, where, "liggetid");
    tg_lualos_read(L, -1, where, &t->sim.los);
    lua_rawseti(L, keep, slot);
    lua_pop(L, 1);
    if (tg_luaaux_opt_choice(L, idx, where, "politik", policies, -1) >= 0)
        t->sim.policy = tg_luaaux_opt_choice(L, idx, where, "politik", policies, 0) ? TG_SIM_LOSS
                                                                                    : TG_SIM_QUEUE;
    const char *key = tg_luaaux_renamed(L, idx, where, "max_venteliste", "venteliste_max");
    t->sim.queue_max = tg_luaaux_opt_integer(L, idx, where, key, -1, 0, TG_SIM_MAX_QUEUE);
    t->sim.start_occupied =
        tg_luaaux_opt_integer(L, idx, where, "start_belagt", -1, 0, TG_SIM_MAX_PLACES);
    t->sim.start_queue =
        tg_luaaux_opt_integer(L, idx, where, "start_venteliste", 0, 0, TG_SIM_MAX_QUEUE);
}

/* ---- tegn.scenario.run ---- */

static void free_result(void *p) {
    tg_scenario_result_free(p);
}

/* tegn.scenario.run{ regler =, start_aar =, aar =, replikationer =, seed =,
** opvarmning =, per_replikation =, tilbud = { ... } } */
static int l_scenario_run(lua_State *L) {
    static const char *const known[] = { "regler",          "start_aar", "aar",
                                         "replikationer",   "seed",      "opvarmning",
                                         "per_replikation", "tilbud",    NULL };
    tg_takst_rules rules;
    tg_scenario_opts o;
    tg_interrupt intr;
    tg_error err;
    tg_status st;

    tg_luaaux_check_table(L, 1, FN, "options");
    tg_luaaux_check_opts(L, 1, known, FN);
    memset(&o, 0, sizeof o);
    lua_getfield(L, 1, "regler");
    rules = tg_luaval_rules(L, -1, FN, "regler");
    lua_pop(L, 1);
    o.regler = &rules;
    if (lua_getfield(L, 1, "start_aar") == LUA_TNIL) return tg_luaaux_missing(L, FN, "start_aar");
    o.start_aar = (int)tg_luaaux_check_integer(L, -1, FN, "start_aar", 1900, 9000);
    lua_pop(L, 1);
    o.aar = (int)tg_luaaux_opt_integer(L, 1, FN, "aar", 5, 1, TG_SCENARIO_MAX_YEARS);
    o.reps = tg_luaaux_opt_integer(L, 1, FN, "replikationer", 1000, 1, 10000000);
    o.warmup = tg_luaaux_opt_integer(L, 1, FN, "opvarmning", 0, 0, 36500);
    o.seed = tg_lua_seed(tg_lua_from_state(L));
    o.seed =
        (uint64_t)tg_luaaux_opt_integer(L, 1, FN, "seed", (int64_t)o.seed, INT64_MIN, INT64_MAX);
    int per_rep = tg_luaaux_opt_boolean(L, 1, FN, "per_replikation", 0);

    if (lua_getfield(L, 1, "tilbud") != LUA_TTABLE)
        return tg_luaaux_error(L, "%s: tilbud must be a list of tilbud", FN);
    int tix = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, tix);
    if (n < 1 || n > MAX_TILBUD)
        return tg_luaaux_error(L, "%s: give 1 to %d tilbud", FN, MAX_TILBUD);
    lua_createtable(L, (int)n, 0); /* the empirical liggetid distributions */
    int keep = lua_gettop(L);
    struct spec *specs = lua_newuserdatauv(L, (size_t)n * sizeof *specs, 0);
    tg_scenario_tilbud *t = lua_newuserdatauv(L, (size_t)n * sizeof *t, 0);
    const char **ids = lua_newuserdatauv(L, (size_t)n * sizeof *ids, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, tix, i + 1);
        check_tilbud(L, -1, &specs[i], o.start_aar, o.aar, keep, (int)i + 1);
        lua_pop(L, 1);
        t[i] = specs[i].t;
        ids[i] = t[i].id;
        for (lua_Integer j = 0; j < i; j++)
            if (strcmp(ids[j], ids[i]) == 0)
                return tg_luaaux_error(L, "%s: two tilbud have the id '%s'", FN, ids[i]);
    }

    void **box = tg_luaaux_box(L, free_result);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_scenario_run(t, (size_t)n, &o, &intr, (tg_scenario_result **)box, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, FN);
    tg_scenario_result *res = *box;

    tg_table **slot = tg_luaval_table_new(L);
    int sum = lua_gettop(L);
    if ((st = tg_scenario_summary(res, ids, slot, &err)) != TG_OK)
        return tg_luaaux_fail(L, st, &err, FN);
    if (!per_rep) return tg_luaval_table_finish(L, sum);
    slot = tg_luaval_table_new(L);
    int rows = lua_gettop(L);
    if ((st = tg_scenario_rows(res, ids, slot, &err)) != TG_OK)
        return tg_luaaux_fail(L, st, &err, FN);
    tg_luaval_table_finish(L, sum);
    tg_luaval_table_finish(L, rows); /* the summary, then the rows */
    return 2;
}

void tg_luascenario_open_module(lua_State *L) {
    static const luaL_Reg funcs[] = {
        { "run", l_scenario_run },
        { NULL, NULL },
    };
    luaL_newlib(L, funcs);
    lua_setfield(L, -2, "scenario");
}
