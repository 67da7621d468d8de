/*
** tg_luastats.c -- tegn.stats (see tg_luastats.h): argument checks, then
** one call into tg_stats. A NaN from tg_stats (undefined) becomes nil, so
** a script tests `if r.lo then`; infinities (a rate ratio over a baseline
** with no events) stay math.huge. Dates given as trend periods become
** decimal years, so a slope is per year.
*/
#include "tg_luastats.h"

#include <math.h>
#include <stdio.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_mem.h"
#include "tg_stats.h"

#define DEFAULT_CONF 0.95

/* ---- arguments ---- */

/* Argument arg as a finite number >= 0 (counts, sizes, exposures, sds). */
static double arg_nonneg(lua_State *L, int arg, const char *fname, const char *what) {
    return tg_luaaux_check_number(L, arg, fname, what, 0, HUGE_VAL);
}

static double arg_finite(lua_State *L, int arg, const char *fname, const char *what) {
    return tg_luaaux_check_number(L, arg, fname, what, -HUGE_VAL, HUGE_VAL);
}

/* The optional confidence level at arg (default 0.95), in (0, 1). */
static double arg_conf(lua_State *L, int arg, const char *fname) {
    if (lua_isnoneornil(L, arg)) return DEFAULT_CONF;
    double conf = tg_luaaux_check_number(L, arg, fname, "conf", -HUGE_VAL, HUGE_VAL);
    if (!(conf > 0 && conf < 1))
        tg_luaaux_bad(L, fname, "conf", "a number between 0 and 1 (e.g. 0.95)", arg);
    if (!tg_stats_conf_ok(conf))
        tg_luaaux_error(L,
                        "%s: 'conf' is too close to 1 (1 - 2^-53): its critical value would "
                        "be infinite",
                        fname);
    return conf;
}

/* A share: x successes of n, 0 <= x <= n. */
static void arg_share(lua_State *L, int arg, const char *fname, const char *x_name,
                      const char *n_name, double *x, double *n) {
    *x = arg_finite(L, arg, fname, x_name);
    *n = arg_nonneg(L, arg + 1, fname, n_name);
    if (!(*x >= 0 && *x <= *n)) {
        char expect[64];
        snprintf(expect, sizeof expect, "a number from 0 to %s", n_name);
        tg_luaaux_bad(L, fname, x_name, expect, arg);
    }
}

/* ---- results ---- */

static void push_value(lua_State *L, double v) {
    if (isnan(v)) lua_pushnil(L);
    else lua_pushnumber(L, v);
}

static int push_interval(lua_State *L, tg_interval r) {
    push_value(L, r.est);
    push_value(L, r.lo);
    push_value(L, r.hi);
    return 3;
}

static void set_value(lua_State *L, const char *key, double v) {
    if (isnan(v)) return;
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

/* {est, lo, hi, <stat_name>, p} */
static int push_test(lua_State *L, tg_test_result r, const char *stat_name) {
    lua_createtable(L, 0, 5);
    set_value(L, "est", r.est);
    set_value(L, "lo", r.lo);
    set_value(L, "hi", r.hi);
    set_value(L, stat_name, r.stat);
    set_value(L, "p", r.p);
    return 1;
}

/* ---- one period ---- */

/* tegn.stats.wilson(x, n [, conf]) -> est, lo, hi */
static int l_stats_wilson(lua_State *L) {
    double x, n;
    arg_share(L, 1, "wilson", "x", "n", &x, &n);
    return push_interval(L, tg_stats_wilson(x, n, arg_conf(L, 3, "wilson")));
}

/* tegn.stats.mean_ci(mean, sd, n [, conf]) -> est, lo, hi */
static int l_stats_mean_ci(lua_State *L) {
    double mean = arg_finite(L, 1, "mean_ci", "mean");
    double sd = arg_nonneg(L, 2, "mean_ci", "sd");
    double n = arg_nonneg(L, 3, "mean_ci", "n");
    return push_interval(L, tg_stats_mean_ci(mean, sd, n, arg_conf(L, 4, "mean_ci")));
}

/* tegn.stats.rate_ci(events, exposure [, conf]) -> est, lo, hi */
static int l_stats_rate_ci(lua_State *L) {
    double events = arg_nonneg(L, 1, "rate_ci", "events");
    double exposure = arg_nonneg(L, 2, "rate_ci", "exposure");
    return push_interval(L, tg_stats_rate_ci(events, exposure, arg_conf(L, 3, "rate_ci")));
}

/* ---- two periods ---- */

/* tegn.stats.prop_diff(x1, n1, x2, n2 [, conf]) -> {est, lo, hi, z, p} */
static int l_stats_prop_diff(lua_State *L) {
    double x1, n1, x2, n2;
    arg_share(L, 1, "prop_diff", "x1", "n1", &x1, &n1);
    arg_share(L, 3, "prop_diff", "x2", "n2", &x2, &n2);
    return push_test(L, tg_stats_prop_diff(x1, n1, x2, n2, arg_conf(L, 5, "prop_diff")), "z");
}

/* tegn.stats.mean_diff(m1, sd1, n1, m2, sd2, n2 [, conf]) -> {est, lo, hi, t, p} */
static int l_stats_mean_diff(lua_State *L) {
    double m1 = arg_finite(L, 1, "mean_diff", "m1");
    double sd1 = arg_nonneg(L, 2, "mean_diff", "sd1");
    double n1 = arg_nonneg(L, 3, "mean_diff", "n1");
    double m2 = arg_finite(L, 4, "mean_diff", "m2");
    double sd2 = arg_nonneg(L, 5, "mean_diff", "sd2");
    double n2 = arg_nonneg(L, 6, "mean_diff", "n2");
    double conf = arg_conf(L, 7, "mean_diff");
    return push_test(L, tg_stats_mean_diff(m1, sd1, n1, m2, sd2, n2, conf), "t");
}

/* tegn.stats.rate_ratio(events1, exposure1, events2, exposure2 [, conf]) -> {est, lo, hi, z, p} */
static int l_stats_rate_ratio(lua_State *L) {
    double e1 = arg_nonneg(L, 1, "rate_ratio", "events1");
    double t1 = arg_nonneg(L, 2, "rate_ratio", "exposure1");
    double e2 = arg_nonneg(L, 3, "rate_ratio", "events2");
    double t2 = arg_nonneg(L, 4, "rate_ratio", "exposure2");
    double conf = arg_conf(L, 5, "rate_ratio");
    return push_test(L, tg_stats_rate_ratio(e1, t1, e2, t2, conf), "z");
}

/* ---- trend ---- */

/* A date as a decimal year: 2015-01-01 is 2015.0, 2015-07-02 2015.5. */
static double decimal_year(int32_t days) {
    int y = tg_date_year(days);
    int32_t jan1 = tg_date_from_ymd(y, 1, 1);
    return y + (double)(days - jan1) / (tg_date_is_leap(y) ? 366.0 : 365.0);
}

/* Fills v[0..n) from the Lua array at idx: numbers, dates (as decimal
** years) and tegn.null (NaN, skipped). */
static void read_array(lua_State *L, int idx, double *v, size_t n, const char *what) {
    for (size_t i = 0; i < n; i++) {
        int32_t days;
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        if (lua_type(L, -1) == LUA_TNUMBER) v[i] = lua_tonumber(L, -1);
        else if (tg_luaaux_is_null(L, -1)) v[i] = NAN;
        else if (tg_luaaux_date_test(L, -1, &days)) v[i] = decimal_year(days);
        else
            tg_luaaux_bad(L, "trend", lua_pushfstring(L, "%s[%d]", what, (int)i + 1),
                          "a number, a date or tegn.null", -2);
        lua_pop(L, 1);
    }
}

/* Fills v[0..t->n_rows) from column 'name' of t: ints, floats, dates (as
** decimal years); NULL is NaN. */
static void read_column(lua_State *L, const tg_table *t, const char *name, double *v) {
    const tg_col *c = tg_table_col(t, name);
    for (size_t i = 0; i < t->n_rows; i++) {
        if (!tg_col_is_valid(c, i)) {
            v[i] = NAN;
            continue;
        }
        switch (c->type) {
        case TG_INT: v[i] = (double)c->v.i64[i]; break;
        case TG_FLOAT: v[i] = c->v.f64[i]; break;
        case TG_DATE: v[i] = decimal_year(c->v.date[i]); break;
        default:
            tg_luaaux_error(L, "trend: column '%s' holds %ss, not numbers or dates", name,
                            tg_type_name(c->type));
        }
    }
}

static void push_trend(lua_State *L, const tg_trend *tr) {
    lua_createtable(L, 0, 9);
    lua_pushinteger(L, (lua_Integer)tr->n);
    lua_setfield(L, -2, "n");
    set_value(L, "s", tr->s);
    set_value(L, "var_s", tr->var_s);
    set_value(L, "z", tr->z);
    set_value(L, "p", tr->p);
    set_value(L, "tau", tr->tau);
    set_value(L, "slope", tr->slope);
    set_value(L, "slope_lo", tr->slope_lo);
    set_value(L, "slope_hi", tr->slope_hi);
}

/* tegn.stats.trend(xs, ys [, conf]) or trend(t, "x_column", "y_column" [, conf])
** -> {n, s, var_s, z, p, tau, slope, slope_lo, slope_hi}, or nil when
** fewer than 3 points have both values. */
static int l_stats_trend(lua_State *L) {
    void **box;
    double *v, conf;
    size_t n;
    tg_trend tr;
    tg_interrupt intr;
    tg_status st;

    if (luaL_testudata(L, 1, TG_LUAVAL_TABLE_MT)) {
        const char *names[2];
        const tg_table *shape, *t;
        names[0] = tg_luaaux_check_string(L, 2, "trend", "x_column");
        names[1] = tg_luaaux_check_string(L, 3, "trend", "y_column");
        conf = arg_conf(L, 4, "trend");
        shape = tg_luaval_table_shape(L, 1, NULL);
        for (int k = 0; k < 2; k++)
            if (tg_table_find(shape, names[k]) < 0) return tg_luaaux_no_column(L, shape, names[k]);
        t = tg_luaval_table_project(L, 1, names, 2);
        n = t->n_rows;
        box = tg_luaaux_box(L, tg_free);
        if (n > 0 && !(*box = tg_malloc(2 * n * sizeof *v)))
            return tg_lua_raise(L, TG_ENOMEM, NULL);
        v = *box;
        read_column(L, t, names[0], v);
        read_column(L, t, names[1], v + n);
    } else {
        size_t ny;
        if (!lua_istable(L, 1)) return tg_luaaux_bad(L, "trend", "xs", "a list or a tegn.Table", 1);
        if (!lua_istable(L, 2)) return tg_luaaux_bad(L, "trend", "ys", "a list", 2);
        conf = arg_conf(L, 3, "trend");
        n = (size_t)(lua_Integer)lua_rawlen(L, 1);
        ny = (size_t)(lua_Integer)lua_rawlen(L, 2);
        if (n != ny)
            return tg_luaaux_error(L, "trend: xs and ys differ in length (%d and %d)", (int)n,
                                   (int)ny);
        box = tg_luaaux_box(L, tg_free);
        if (n > 0 && !(*box = tg_malloc(2 * n * sizeof *v)))
            return tg_lua_raise(L, TG_ENOMEM, NULL);
        v = *box;
        read_array(L, 1, v, n, "xs");
        read_array(L, 2, v + n, n, "ys");
    }
    tg_luaaux_interrupt(L, &intr);
    st = tg_stats_trend_intr(v, v + n, n, conf, &intr, &tr);
    if (st == TG_EDATA)
        return tg_luaaux_error(L, "trend: the values must be finite numbers, got an infinite one");
    if (st == TG_EARG) { /* conf was checked: too few points */
        lua_pushnil(L);
        return 1;
    }
    if (st != TG_OK) return tg_luaaux_fail(L, st, NULL, "trend");
    push_trend(L, &tr);
    return 1;
}

/* ---- many tests ---- */

/* tegn.stats.bh(ps) -> array of q-values; tegn.null stays tegn.null. */
static int l_stats_bh(lua_State *L) {
    void **box;
    double *p;
    size_t n;
    tg_status st;

    tg_luaaux_check_table(L, 1, "bh", "ps");
    n = (size_t)(lua_Integer)lua_rawlen(L, 1);
    box = tg_luaaux_box(L, tg_free);
    if (n > 0 && !(*box = tg_malloc(n * sizeof *p))) return tg_lua_raise(L, TG_ENOMEM, NULL);
    p = *box;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 1, (lua_Integer)i + 1);
        if (tg_luaaux_is_null(L, -1)) {
            p[i] = NAN;
        } else {
            lua_pushfstring(L, "ps[%d]", (int)i + 1);
            p[i] = tg_luaaux_check_number(L, -2, "bh", lua_tostring(L, -1), 0, 1);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    if ((st = tg_stats_bh(p, n, p)) != TG_OK) return tg_luaaux_fail(L, st, NULL, "bh");
    lua_createtable(L, n > 0x7fffffff ? 0 : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        if (isnan(p[i])) lua_rawgeti(L, 1, (lua_Integer)i + 1); /* the tegn.null it was given */
        else lua_pushnumber(L, p[i]);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

void tg_luastats_open_module(lua_State *L) {
    static const luaL_Reg funcs[] = {
        { "wilson", l_stats_wilson },
        { "mean_ci", l_stats_mean_ci },
        { "rate_ci", l_stats_rate_ci },
        { "prop_diff", l_stats_prop_diff },
        { "mean_diff", l_stats_mean_diff },
        { "rate_ratio", l_stats_rate_ratio },
        { "trend", l_stats_trend },
        { "bh", l_stats_bh },
        { NULL, NULL },
    };
    luaL_newlib(L, funcs);
    lua_setfield(L, -2, "stats");
}
