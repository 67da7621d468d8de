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

/* ---- values ---- */

static double check_num(lua_State *L, int idx, const char *what) {
    int ok;
    double v = (double)lua_tonumberx(L, idx, &ok);
    if (!ok || !isfinite(v)) tg_luaaux_error(L, "%s: %s must be a number", FN, what);
    return v;
}

static long check_whole(lua_State *L, int idx, const char *what, long lo, long hi) {
    double v = check_num(L, idx, what);
    if (v != floor(v) || v < (double)lo || v > (double)hi)
        tg_luaaux_error(L, "%s: %s must be a whole number from %I to %I", FN, what, (lua_Integer)lo,
                        (lua_Integer)hi);
    return (long)v;
}

/* Field 'key' of the table at idx: a number, or dflt when absent. */
static double opt_num(lua_State *L, int idx, const char *key, double dflt) {
    double v = dflt;
    if (lua_getfield(L, idx, key) != LUA_TNIL) v = check_num(L, -1, key);
    lua_pop(L, 1);
    return v;
}

static long opt_whole(lua_State *L, int idx, const char *key, long dflt, long lo, long hi) {
    long v = dflt;
    if (lua_getfield(L, idx, key) != LUA_TNIL) v = check_whole(L, -1, key, lo, hi);
    lua_pop(L, 1);
    return v;
}

static int opt_bool(lua_State *L, int idx, const char *key) {
    int t = lua_getfield(L, idx, key), v = lua_toboolean(L, -1);
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        tg_luaaux_error(L, "%s: %s must be true or false", FN, key);
    lua_pop(L, 1);
    return v;
}

/* A table { [aar] = number } at the top of the stack into v[aar - first]
** for first <= aar < first + n (NaN elsewhere); years outside raise. */
static void check_years(lua_State *L, double *v, int first, int n, const char *what) {
    int top = lua_gettop(L);
    if (!lua_istable(L, top))
        tg_luaaux_error(L, "%s: %s must be a table { [aar] = tal }", FN, what);
    for (int i = 0; i < n; i++) v[i] = NAN;
    lua_pushnil(L);
    while (lua_next(L, top)) {
        if (!lua_isinteger(L, -2))
            tg_luaaux_error(L, "%s: %s is keyed by year (a whole number)", FN, what);
        lua_Integer y = lua_tointeger(L, -2);
        if (y < first || y >= (lua_Integer)first + n)
            tg_luaaux_error(L, "%s: %s: year %I is outside %d-%d", FN, what, y, first,
                            first + n - 1);
        v[y - first] = check_num(L, -1, what);
        lua_pop(L, 1);
    }
}

/* The earliest and latest year keys of the table at the top of the stack. */
static int year_range(lua_State *L, int *lo, int *hi, const char *what) {
    int top = lua_gettop(L), any = 0;
    if (!lua_istable(L, top))
        tg_luaaux_error(L, "%s: %s must be a table { [aar] = tal }", FN, what);
    lua_pushnil(L);
    while (lua_next(L, top)) {
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1000 || lua_tointeger(L, -2) > 9999)
            tg_luaaux_error(L, "%s: %s is keyed by year (a whole number)", FN, what);
        int y = (int)lua_tointeger(L, -2);
        if (!any || y < *lo) *lo = y;
        if (!any || y > *hi) *hi = y;
        any = 1;
        lua_pop(L, 1);
    }
    return any;
}

static void check_lines(lua_State *L, double *omk) {
    static const char *const names[] = {
        "direkte_loen", "direkte_drift", "ejendom",     "overhead", "tilsyn",
        "afskrivning",  "forrentning",   "tjm_pension", "indtaegt", NULL
    };
    int top = lua_gettop(L);
    if (!lua_istable(L, top))
        tg_luaaux_error(L, "%s: omkostninger must be a table of omkostningstyper and amounts", FN);
    tg_luaaux_check_opts(L, top, names, "omkostninger");
    for (int k = 0; k < TG_OMK_N; k++) {
        omk[k] = NAN;
        if (k == TG_OMK_REGULERING) continue;
        if (lua_getfield(L, top, tg_takst_omk_name(k)) != LUA_TNIL)
            omk[k] = check_num(L, -1, tg_takst_omk_name(k));
        lua_pop(L, 1);
    }
}

static void check_steps(lua_State *L, struct spec *s) {
    static const char *const known[] = { "fra", "pladser", NULL };
    int top = lua_gettop(L);
    if (!lua_istable(L, top))
        tg_luaaux_error(L, "%s: kapacitet must be a list of { fra = 'YYYY-MM-DD', pladser = n }",
                        FN);
    lua_Integer n = luaL_len(L, top);
    if (n > MAX_STEPS) tg_luaaux_error(L, "%s: at most %d capacity steps", FN, MAX_STEPS);
    for (lua_Integer i = 1; i <= n; i++) {
        size_t len;
        lua_rawgeti(L, top, i);
        if (!lua_istable(L, -1))
            tg_luaaux_error(L, "%s: kapacitet[%I] must be { fra = 'YYYY-MM-DD', pladser = n }", FN,
                            i);
        tg_luaaux_check_opts(L, -1, known, "kapacitet");
        lua_getfield(L, -1, "fra");
        const char *d = lua_tolstring(L, -1, &len);
        if (!d || tg_date_parse_iso(d, len, &s->steps[i - 1].fra) != 0)
            tg_luaaux_error(L, "%s: kapacitet[%I].fra must be a date 'YYYY-MM-DD'", FN, i);
        lua_pop(L, 1);
        if (lua_getfield(L, -1, "pladser") == LUA_TNIL)
            tg_luaaux_error(L, "%s: kapacitet[%I].pladser is required", FN, i);
        s->steps[i - 1].pladser = (int)check_whole(L, -1, "kapacitet.pladser", 0, 100000);
        lua_pop(L, 2);
    }
    s->t.steps = s->steps;
    s->t.n_steps = (size_t)n;
}

static void check_los(lua_State *L, tg_sim_los *los) {
    static const char *const known[] = { "fordeling", "middel", "sd", NULL };
    static const char *const dists[] = { "eksponentiel", "lognormal", "gamma", NULL };
    int top = lua_gettop(L);
    if (!lua_istable(L, top))
        tg_luaaux_error(L, "%s: liggetid must be { fordeling =, middel =, sd = }", FN);
    tg_luaaux_check_opts(L, top, known, "liggetid");
    lua_getfield(L, top, "fordeling");
    int d = 0;
    if (!lua_isnil(L, -1)) {
        const char *name = lua_tostring(L, -1);
        for (d = 0; dists[d] && !(name && strcmp(name, dists[d]) == 0); d++)
            ;
        if (!dists[d])
            tg_luaaux_error(L,
                            "%s: liggetid.fordeling must be 'eksponentiel', 'lognormal' or "
                            "'gamma'",
                            FN);
    }
    lua_pop(L, 1);
    los->dist = d == 0 ? TG_SIM_EXP : d == 1 ? TG_SIM_LOGNORMAL : TG_SIM_GAMMA;
    if (lua_getfield(L, top, "middel") == LUA_TNIL)
        tg_luaaux_error(L, "%s: liggetid.middel (mean days) is required", FN);
    los->mean = check_num(L, -1, "liggetid.middel");
    lua_pop(L, 1);
    los->sd = opt_num(L, top, "sd", los->dist == TG_SIM_EXP ? los->mean : NAN);
    if (isnan(los->sd)) tg_luaaux_error(L, "%s: liggetid.sd is required for '%s'", FN, dists[d]);
}

/* ---- one tilbud ---- */

static void check_tilbud(lua_State *L, int idx, struct spec *s, int start, int aar) {
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
                                         "historik",
                                         "budget_belaegning",
                                         "regulering",
                                         "henvisninger",
                                         "saeson",
                                         "liggetid",
                                         "politik",
                                         "venteliste_max",
                                         "start_belagt",
                                         "start_venteliste",
                                         NULL };
    tg_scenario_tilbud *t = &s->t;
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) tg_luaaux_error(L, "%s: each tilbud must be a table", FN);
    tg_luaaux_check_opts(L, idx, known, "tilbud");
    tg_scenario_tilbud_init(t);

    if (lua_getfield(L, idx, "id") != LUA_TSTRING)
        tg_luaaux_error(L, "%s: tilbud.id must be a string", FN);
    t->id = lua_tostring(L, -1); /* kept alive by the tilbud table */
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "regler") != LUA_TNIL) {
        s->regler = tg_luaval_rules(L, -1, FN);
        t->regler = &s->regler;
    }
    lua_pop(L, 1);
    t->akut = opt_bool(L, idx, "akut");
    if (lua_getfield(L, idx, "normerede_pladser") == LUA_TNIL)
        tg_luaaux_error(L, "%s: tilbud '%s': normerede_pladser is required", FN, t->id);
    t->pladser = (int)check_whole(L, -1, "normerede_pladser", 0, 100000);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "kapacitet") != LUA_TNIL) check_steps(L, s);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "omkostninger") == LUA_TNIL)
        tg_luaaux_error(L, "%s: tilbud '%s': omkostninger is required", FN, t->id);
    check_lines(L, t->omk);
    lua_pop(L, 1);
    t->omk_aar = (int)opt_whole(L, idx, "omkostninger_aar", 0, 1000, 9999);
    t->pladser_grundlag = opt_num(L, idx, "pladser_grundlag", NAN);
    t->pl_pct = opt_num(L, idx, "pl_pct", 0);
    t->variabel_andel = opt_num(L, idx, "variabel_andel", 0.5);
    t->pris_ny_plads = opt_num(L, idx, "pris_ny_plads", NAN);
    if (lua_getfield(L, idx, "engangsudgifter") != LUA_TNIL) {
        check_years(L, s->engang, start, aar, "engangsudgifter");
        for (int y = 0; y < aar; y++)
            if (isnan(s->engang[y])) s->engang[y] = 0;
        t->engang = s->engang;
    }
    lua_pop(L, 1);
    t->overhead_pct = opt_num(L, idx, "overhead_pct", NAN);
    t->tilsyn_pl_faktor = opt_num(L, idx, "tilsyn_pl_faktor", 1);
    t->regnskab_afvigelse_pct = opt_num(L, idx, "regnskab_afvigelse_pct", 0);

    if (lua_getfield(L, idx, "historik") != LUA_TNIL) {
        int lo = 0, hi = 0;
        if (year_range(L, &lo, &hi, "historik")) {
            if (hi >= start) tg_luaaux_error(L, "%s: historik must be years before %d", FN, start);
            if (hi - lo >= TG_SCENARIO_MAX_HISTORY)
                tg_luaaux_error(L, "%s: historik spans more than %d years", FN,
                                TG_SCENARIO_MAX_HISTORY);
            check_years(L, s->hist, lo, hi - lo + 1, "historik");
            t->historik_fra_aar = lo;
            t->historik = s->hist;
            t->n_historik = (size_t)(hi - lo + 1);
        }
    }
    lua_pop(L, 1);
    t->budget_belaegning = opt_num(L, idx, "budget_belaegning", NAN);
    if (lua_getfield(L, idx, "regulering") != LUA_TNIL) {
        check_years(L, s->reg, start, aar, "regulering");
        t->regulering = s->reg;
        t->n_regulering = (size_t)aar;
    }
    lua_pop(L, 1);

    /* demand */
    if (lua_getfield(L, idx, "henvisninger") == LUA_TNIL)
        tg_luaaux_error(L, "%s: tilbud '%s': henvisninger (referrals per year) is required", FN,
                        t->id);
    double h = check_num(L, -1, "henvisninger");
    if (h < 0) tg_luaaux_error(L, "%s: henvisninger must be >= 0", FN);
    t->sim.rate = h / 365.0;
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "saeson") != LUA_TNIL) {
        if (!lua_istable(L, -1) || luaL_len(L, -1) != 12)
            tg_luaaux_error(L, "%s: saeson must be a list of 12 factors (January..December)", FN);
        for (int m = 0; m < 12; m++) {
            lua_rawgeti(L, -1, m + 1);
            s->season[m] = check_num(L, -1, "saeson");
            lua_pop(L, 1);
        }
        t->sim.season = s->season;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "liggetid") == LUA_TNIL)
        tg_luaaux_error(L, "%s: tilbud '%s': liggetid is required", FN, t->id);
    check_los(L, &t->sim.los);
    lua_pop(L, 1);
    if (lua_getfield(L, idx, "politik") != LUA_TNIL) {
        const char *p = lua_tostring(L, -1);
        if (p && strcmp(p, "venteliste") == 0) t->sim.policy = TG_SIM_QUEUE;
        else if (p && strcmp(p, "afvisning") == 0) t->sim.policy = TG_SIM_LOSS;
        else tg_luaaux_error(L, "%s: politik must be 'venteliste' or 'afvisning'", FN);
    }
    lua_pop(L, 1);
    t->sim.queue_max = opt_whole(L, idx, "venteliste_max", -1, -1, 1000000);
    t->sim.start_occupied = opt_whole(L, idx, "start_belagt", -1, -1, 100000);
    t->sim.start_queue = opt_whole(L, idx, "start_venteliste", 0, 0, 1000000);
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

    luaL_checktype(L, 1, LUA_TTABLE);
    tg_luaaux_check_opts(L, 1, known, FN);
    memset(&o, 0, sizeof o);
    lua_getfield(L, 1, "regler");
    rules = tg_luaval_rules(L, -1, FN);
    lua_pop(L, 1);
    o.regler = &rules;
    if (lua_getfield(L, 1, "start_aar") == LUA_TNIL)
        tg_luaaux_error(L, "%s: start_aar is required", FN);
    o.start_aar = (int)check_whole(L, -1, "start_aar", 1900, 9000);
    lua_pop(L, 1);
    o.aar = (int)opt_whole(L, 1, "aar", 5, 1, TG_SCENARIO_MAX_YEARS);
    o.reps = opt_whole(L, 1, "replikationer", 1000, 1, 10000000);
    o.warmup = opt_whole(L, 1, "opvarmning", 0, 0, 36500);
    o.seed = tg_lua_seed(tg_lua_from_state(L));
    if (lua_getfield(L, 1, "seed") != LUA_TNIL) {
        if (!lua_isinteger(L, -1)) tg_luaaux_error(L, "%s: seed must be an integer", FN);
        o.seed = (uint64_t)lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    int per_rep = opt_bool(L, 1, "per_replikation");

    if (lua_getfield(L, 1, "tilbud") != LUA_TTABLE)
        tg_luaaux_error(L, "%s: tilbud must be a list of tilbud", FN);
    int tix = lua_gettop(L);
    lua_Integer n = luaL_len(L, tix);
    if (n < 1 || n > MAX_TILBUD) tg_luaaux_error(L, "%s: give 1 to %d tilbud", FN, MAX_TILBUD);
    struct spec *specs = lua_newuserdatauv(L, (size_t)n * sizeof *specs, 0);
    tg_scenario_tilbud *t = lua_newuserdatauv(L, (size_t)n * sizeof *t, 0);
    const char **ids = lua_newuserdatauv(L, (size_t)n * sizeof *ids, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, tix, i + 1);
        check_tilbud(L, -1, &specs[i], o.start_aar, o.aar);
        lua_pop(L, 1);
        t[i] = specs[i].t;
        ids[i] = t[i].id;
        for (lua_Integer j = 0; j < i; j++)
            if (strcmp(ids[j], ids[i]) == 0)
                tg_luaaux_error(L, "%s: two tilbud have the id '%s'", FN, ids[i]);
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
