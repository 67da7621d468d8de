/*
** tg_luaforecast.c -- tegn.forecast.holt_winters and tegn.forecast.backtest
** (see tg_luaforecast.h). Each reads its options into a tg_fctable_opts,
** pushes the two result Tables empty (box first), runs the C kernel and
** fills them, so a Lua error at any point leaks nothing.
*/
#include "tg_luaforecast.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_fctable.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"

/* A fixed smoothing parameter, or NAN (fit it) when absent: NaN given
** explicitly would silently mean "fit", so it is refused like inf. */
static double smoothing_param(lua_State *L, int idx, const char *key, const char *fname) {
    return tg_luaaux_opt_number(L, idx, fname, key, NAN, -HUGE_VAL, HUGE_VAL);
}

/* A required column name option (the options table keeps it alive). */
static const char *column_option(lua_State *L, int idx, const char *key, const char *fname) {
    const char *s;
    if (lua_getfield(L, idx, key) == LUA_TNIL) tg_luaaux_missing(L, fname, key);
    s = tg_luaaux_check_string(L, -1, fname, key);
    lua_pop(L, 1);
    return s;
}

/* The level at the top of the stack: a percentage strictly between 0 and
** 100. */
static double check_level(lua_State *L, const char *fname) {
    double v = tg_luaaux_check_number(L, -1, fname, "level", -HUGE_VAL, HUGE_VAL);
    if (!(v > 0 && v < 100))
        tg_luaaux_bad(L, fname, "level", "a number between 0 and 100 (exclusive)", -1);
    return v;
}

/* Reads the options both functions share and checks that the columns
** they name are in t; may push the by list, which must stay on the
** stack. */
static void read_opts(lua_State *L, int idx, const char *fname, const tg_table *t,
                      tg_fctable_opts *o, double *levels) {
    tg_fctable_opts_init(o);
    if (lua_getfield(L, idx, "by") != LUA_TNIL)
        o->by = tg_luaaux_names(L, -1, fname, "by", &o->n_by);
    else lua_pop(L, 1);
    if (o->n_by > TG_FCTABLE_MAX_BY)
        tg_luaaux_error(L, "%s: at most %d by columns", fname, TG_FCTABLE_MAX_BY);
    o->time = column_option(L, idx, "time", fname);
    o->value = column_option(L, idx, "value", fname);
    for (size_t i = 0; i < o->n_by; i++)
        if (tg_table_find(t, o->by[i]) < 0) tg_luaaux_no_column(L, t, o->by[i]);
    if (tg_table_find(t, o->time) < 0) tg_luaaux_no_column(L, t, o->time);
    if (tg_table_find(t, o->value) < 0) tg_luaaux_no_column(L, t, o->value);
    o->spec.period = (int)tg_luaaux_opt_integer(L, idx, fname, "period", 12, 1, TG_FC_MAX_PERIOD);
    o->spec.trend = tg_luaaux_opt_boolean(L, idx, fname, "trend", 1);
    o->spec.damped = tg_luaaux_opt_boolean(L, idx, fname, "damped", 0);
    o->spec.alpha = smoothing_param(L, idx, "alpha", fname);
    o->spec.beta = smoothing_param(L, idx, "beta", fname);
    o->spec.gamma = smoothing_param(L, idx, "gamma", fname);
    o->spec.phi = smoothing_param(L, idx, "phi", fname);
    o->horizon = (size_t)tg_luaaux_opt_integer(L, idx, fname, "horizon", 12, 1, TG_FC_MAX_HORIZON);
    if (lua_getfield(L, idx, "level") != LUA_TNIL) {
        if (lua_type(L, -1) == LUA_TNUMBER) {
            levels[0] = check_level(L, fname);
            o->n_levels = 1;
        } else if (lua_istable(L, -1)) {
            lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
            if (n < 1 || n > TG_FCTABLE_MAX_LEVELS)
                tg_luaaux_error(L, "%s: 'level' lists 1 to %d levels", fname,
                                TG_FCTABLE_MAX_LEVELS);
            for (lua_Integer i = 1; i <= n; i++) {
                lua_rawgeti(L, -1, i);
                levels[i - 1] = check_level(L, fname);
                lua_pop(L, 1);
            }
            o->n_levels = (size_t)n;
        } else {
            tg_luaaux_bad(L, fname, "level", "a number or a list of numbers", -1);
        }
        o->levels = levels;
    }
    lua_pop(L, 1);
}

/* 1 when the options table at idx has 'key'. */
static int has_field(lua_State *L, int idx, const char *key) {
    int there = lua_getfield(L, idx, key) != LUA_TNIL;
    lua_pop(L, 1);
    return there;
}

/* The ETS model of the options at idx: 'model' (R's code, default "ZZZ")
** with the period and the fixed parameters read_opts put in o->spec. */
static void ets_opts(lua_State *L, int idx, const char *fname, tg_fctable_opts *o) {
    const char *code = tg_luaaux_opt_string(L, idx, fname, "model", "ZZZ");
    tg_error err;
    tg_err_clear(&err);
    if (tg_ets_parse(code, &o->ets, &err) != TG_OK) tg_luaaux_error(L, "%s: %s", fname, err.msg);
    o->ets.period = o->spec.period;
    o->ets.alpha = o->spec.alpha;
    o->ets.beta = o->spec.beta;
    o->ets.gamma = o->spec.gamma;
    o->ets.phi = o->spec.phi;
    if (o->ets.period < 2 && o->ets.season == TG_ETS_AUTO) o->ets.season = TG_ETS_N;
}

/* tegn.forecast.holt_winters(t, {by =, time =, value =, period = 12,
** horizon = 12, trend = true, damped = false, alpha =, beta =, gamma =,
** phi =, level = {80, 95}}) -> forecasts, params */
static int l_holt_winters(lua_State *L) {
    static const char *const known[] = { "by",    "time",   "value", "period", "horizon",
                                         "trend", "damped", "alpha", "beta",   "gamma",
                                         "phi",   "level",  NULL };
    const char *fname = "holt_winters";
    const tg_table *t = tg_luaval_table_arg(L, 1, fname, "t");
    double levels[TG_FCTABLE_MAX_LEVELS];
    tg_fctable_opts o;
    tg_interrupt intr;
    tg_table **fc, **pa;
    tg_error err;
    tg_status st;
    int r1, r2;

    tg_luaaux_check_table(L, 2, fname, "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, fname);
    read_opts(L, 2, fname, t, &o, levels);
    fc = tg_luaval_table_new(L);
    r1 = lua_gettop(L);
    pa = tg_luaval_table_new(L);
    r2 = lua_gettop(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_fctable_holt_winters(t, &o, &intr, fc, pa, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, fname);
    tg_luaval_table_finish(L, r1);
    tg_luaval_table_finish(L, r2);
    return 2;
}

/* tegn.forecast.backtest(t, {the options of holt_winters but level,
** min_train = 36, refit = true, model =}) -> overall, per_horizon; with
** 'model' the ETS family is scored (method "ets"). */
static int l_backtest(lua_State *L) {
    static const char *const known[] = { "by",    "time",      "value", "period", "horizon",
                                         "trend", "damped",    "alpha", "beta",   "gamma",
                                         "phi",   "min_train", "refit", "model",  NULL };
    const char *fname = "backtest";
    const tg_table *t = tg_luaval_table_arg(L, 1, fname, "t");
    double levels[TG_FCTABLE_MAX_LEVELS];
    tg_fctable_opts o;
    tg_interrupt intr;
    tg_table **ov, **ph;
    tg_error err;
    tg_status st;
    int r1, r2;

    tg_luaaux_check_table(L, 2, fname, "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, fname);
    read_opts(L, 2, fname, t, &o, levels);
    o.min_train = (size_t)tg_luaaux_opt_integer(L, 2, fname, "min_train", 36, 2, 1000000);
    o.refit = tg_luaaux_opt_boolean(L, 2, fname, "refit", 1);
    if (has_field(L, 2, "model")) {
        if (has_field(L, 2, "trend") || has_field(L, 2, "damped"))
            tg_luaaux_error(L, "%s: give either 'model' (ETS) or 'trend'/'damped' (Holt-Winters)",
                            fname);
        ets_opts(L, 2, fname, &o);
        o.use_ets = 1;
    }
    ov = tg_luaval_table_new(L);
    r1 = lua_gettop(L);
    ph = tg_luaval_table_new(L);
    r2 = lua_gettop(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_fctable_backtest(t, &o, &intr, ov, ph, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, fname);
    tg_luaval_table_finish(L, r1);
    tg_luaval_table_finish(L, r2);
    return 2;
}

/* tegn.forecast.ets(t, {by =, time =, value =, model = "ZZZ", period = 12,
** horizon = 12, alpha =, beta =, gamma =, phi =, level = {80, 95},
** lower =, upper =, seed = 1, lambda =}) -> forecasts, params, candidates */
static int l_ets(lua_State *L) {
    static const char *const known[] = { "by",    "time", "value",  "model", "period", "horizon",
                                         "alpha", "beta", "gamma",  "phi",   "level",  "lower",
                                         "upper", "seed", "lambda", NULL };
    const char *fname = "ets";
    const tg_table *t = tg_luaval_table_arg(L, 1, fname, "t");
    double levels[TG_FCTABLE_MAX_LEVELS];
    tg_fctable_opts o;
    tg_interrupt intr;
    tg_table **fc, **pa, **ca;
    tg_error err;
    tg_status st;
    int r1, r2, r3;

    tg_luaaux_check_table(L, 2, fname, "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, fname);
    read_opts(L, 2, fname, t, &o, levels);
    ets_opts(L, 2, fname, &o);
    o.lower = tg_luaaux_opt_number(L, 2, fname, "lower", -HUGE_VAL, -HUGE_VAL, HUGE_VAL);
    o.upper = tg_luaaux_opt_number(L, 2, fname, "upper", HUGE_VAL, -HUGE_VAL, HUGE_VAL);
    o.seed = (uint64_t)tg_luaaux_opt_integer(L, 2, fname, "seed", 1, 0, INT64_MAX);
    o.lambda = tg_luaaux_opt_number(L, 2, fname, "lambda", NAN, -HUGE_VAL, HUGE_VAL);
    fc = tg_luaval_table_new(L);
    r1 = lua_gettop(L);
    pa = tg_luaval_table_new(L);
    r2 = lua_gettop(L);
    ca = tg_luaval_table_new(L);
    r3 = lua_gettop(L);
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_fctable_ets(t, &o, &intr, fc, pa, ca, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, fname);
    tg_luaval_table_finish(L, r1);
    tg_luaval_table_finish(L, r2);
    tg_luaval_table_finish(L, r3);
    return 3;
}

void tg_luaforecast_open_module(lua_State *L) {
    static const luaL_Reg funcs[] = {
        { "holt_winters", l_holt_winters },
        { "backtest", l_backtest },
        { "ets", l_ets },
        { NULL, NULL },
    };
    luaL_newlib(L, funcs);
    lua_setfield(L, -2, "forecast");
}
