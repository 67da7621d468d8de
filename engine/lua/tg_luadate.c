/*
** tg_luadate.c -- the methods of tegn.Date, the value scripts use for
** single dates (tegn.date, typed params, query parameters, comparisons
** with date columns): a 4-byte userdata holding the day number (made and
** checked by tg_luaaux_date_*), compared and shifted in Lua, written as
** "YYYY-MM-DD". Operators with an expression
** on either side are handed to tegn.Expr, so `date + col"x"` works.
*/
#include "tg_luadate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"


/* tegn.date("2024-01-31") or tegn.date(2024, 1, 31) -> Date */
static int l_tegn_date(lua_State *L) {
    int32_t days;
    if (lua_gettop(L) >= 3) {
        int64_t y = tg_luaaux_check_integer(L, 1, "date", "year", INT64_MIN, INT64_MAX);
        int64_t m = tg_luaaux_check_integer(L, 2, "date", "month", INT64_MIN, INT64_MAX);
        int64_t d = tg_luaaux_check_integer(L, 3, "date", "day", INT64_MIN, INT64_MAX);
        if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 ||
            !tg_date_valid((int)y, (int)m, (int)d))
            return tg_luaaux_error(L, "no such date %d-%d-%d", (int)y, (int)m, (int)d);
        days = tg_date_from_ymd((int)y, (int)m, (int)d);
    } else {
        days = tg_luaaux_check_date(L, 1, "date", "text");
    }
    tg_luaaux_date_push(L, days);
    return 1;
}

static int l_date_tostring(lua_State *L) {
    char buf[16];
    tg_date_format(tg_luaaux_date_check(L, 1), buf);
    lua_pushstring(L, buf);
    return 1;
}

static int l_date_eq(lua_State *L) {
    int32_t a, b;
    lua_pushboolean(L, tg_luaaux_date_test(L, 1, &a) && tg_luaaux_date_test(L, 2, &b) && a == b);
    return 1;
}

/* The day number of the operand 'key' at idx of the operator 'op' on
** dates, or raises: a date compares only with a date. */
static int32_t operand(lua_State *L, int idx, const char *op, const char *key) {
    int32_t d;
    if (!tg_luaaux_date_test(L, idx, &d)) tg_luaaux_bad(L, op, key, "a tegn.Date", idx);
    return d;
}

static int l_date_lt(lua_State *L) {
    lua_pushboolean(L, operand(L, 1, "a < b", "a") < operand(L, 2, "a < b", "b"));
    return 1;
}

static int l_date_le(lua_State *L) {
    lua_pushboolean(L, operand(L, 1, "a <= b", "a") <= operand(L, 2, "a <= b", "b"));
    return 1;
}

/* A date moved by n days, or raises when it leaves years 1..9999. */
static int32_t shift_days(lua_State *L, int32_t days, lua_Integer n) {
    static const int32_t lo = -719162, hi = 2932896; /* 0001-01-01, 9999-12-31 */
    if (n < (lua_Integer)lo - days || n > (lua_Integer)hi - days)
        tg_luaaux_error(L, "date out of range (years 1 to 9999)");
    return (int32_t)(days + n);
}

/* The day count 'n' of date arithmetic at idx; 'fn' names the operation. */
static lua_Integer day_count(lua_State *L, int idx, const char *fn) {
    return (lua_Integer)tg_luaaux_check_integer(L, idx, fn, "n", INT64_MIN, INT64_MAX);
}

/* Hands an operator that involves an expression to tegn.Expr's own
** metamethod, so `date + col"x"` builds an expression as `col"x" + date`
** would. Returns -1 when no operand is an expression. */
static int delegate_to_expr(lua_State *L, const char *event) {
    if (!luaL_testudata(L, 1, TG_LUAVAL_EXPR_MT) && !luaL_testudata(L, 2, TG_LUAVAL_EXPR_MT))
        return -1;
    luaL_getmetatable(L, TG_LUAVAL_EXPR_MT);
    lua_getfield(L, -1, event);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    return 1;
}

/* date + n (days) and n + date */
static int l_date_add(lua_State *L) {
    int32_t d;
    int n = delegate_to_expr(L, "__add");
    if (n >= 0) return n;
    if (tg_luaaux_date_test(L, 1, &d))
        tg_luaaux_date_push(L, shift_days(L, d, day_count(L, 2, "date + n")));
    else
        tg_luaaux_date_push(L,
                            shift_days(L, tg_luaaux_date_check(L, 2), day_count(L, 1, "n + date")));
    return 1;
}

/* date - n (days) -> date; date - date -> days between them */
static int l_date_sub(lua_State *L) {
    int32_t a, b;
    int n = delegate_to_expr(L, "__sub");
    if (n >= 0) return n;
    a = operand(L, 1, "date - n", "date");
    if (tg_luaaux_date_test(L, 2, &b)) {
        lua_pushinteger(L, (lua_Integer)a - b);
        return 1;
    }
    lua_Integer k = day_count(L, 2, "date - n");
    if (k == LUA_MININTEGER) return tg_luaaux_error(L, "date out of range (years 1 to 9999)");
    tg_luaaux_date_push(L, shift_days(L, a, -k));
    return 1;
}

/* "text" .. date and date .. "text" concatenate the ISO form. */
static int l_date_concat(lua_State *L) {
    int n = delegate_to_expr(L, "__concat");
    if (n >= 0) return n;
    for (int i = 1; i <= 2; i++) {
        int32_t d;
        if (tg_luaaux_date_test(L, i, &d)) {
            char buf[16];
            tg_date_format(d, buf);
            lua_pushstring(L, buf);
        } else if (lua_type(L, i) == LUA_TSTRING || lua_type(L, i) == LUA_TNUMBER) {
            lua_pushvalue(L, i);
        } else {
            return tg_luaaux_error(L, "attempt to concatenate a date with a %s value",
                                   luaL_typename(L, i));
        }
    }
    lua_concat(L, 2);
    return 1;
}

static int l_date_year(lua_State *L) {
    lua_pushinteger(L, tg_date_year(tg_luaaux_date_check(L, 1)));
    return 1;
}

static int l_date_month(lua_State *L) {
    lua_pushinteger(L, tg_date_month(tg_luaaux_date_check(L, 1)));
    return 1;
}

static int l_date_day(lua_State *L) {
    int y, m, d;
    tg_date_to_ymd(tg_luaaux_date_check(L, 1), &y, &m, &d);
    lua_pushinteger(L, d);
    return 1;
}

static int l_date_quarter(lua_State *L) {
    lua_pushinteger(L, tg_date_quarter(tg_luaaux_date_check(L, 1)));
    return 1;
}

static int l_date_isoweek(lua_State *L) {
    lua_pushinteger(L, tg_date_isoweek(tg_luaaux_date_check(L, 1), NULL));
    return 1;
}

static int l_date_weekday(lua_State *L) {
    lua_pushinteger(L, tg_date_weekday(tg_luaaux_date_check(L, 1)));
    return 1;
}

static int l_date_days_in_month(lua_State *L) {
    int y, m, d;
    tg_date_to_ymd(tg_luaaux_date_check(L, 1), &y, &m, &d);
    lua_pushinteger(L, tg_date_days_in_month(y, m));
    return 1;
}

static int l_date_trunc(lua_State *L) {
    int32_t d = tg_luaaux_date_check(L, 1);
    tg_luaaux_date_push(L, tg_date_trunc(d, (tg_date_unit)tg_luaaux_date_unit(L, 2)));
    return 1;
}

static int l_date_add_days(lua_State *L) {
    int32_t d = tg_luaaux_date_check(L, 1);
    tg_luaaux_date_push(
        L, shift_days(L, d, tg_luaaux_check_integer(L, 2, "add_days", "n", INT64_MIN, INT64_MAX)));
    return 1;
}

/* d:add_months(n): the same day n months later, clamped to the month's
** last day (2024-01-31 + 1 month = 2024-02-29). */
static int l_date_add_months(lua_State *L) {
    int32_t d = tg_luaaux_date_check(L, 1);
    int64_t n = tg_luaaux_check_integer(L, 2, "add_months", "n", INT64_MIN, INT64_MAX);
    int y, m, day;
    tg_date_to_ymd(d, &y, &m, &day);
    if (n > 12 * 10000 || n < -12 * 10000)
        return tg_luaaux_error(L, "date out of range (years 1 to 9999)");
    lua_Integer months = (lua_Integer)y * 12 + (m - 1) + n;
    lua_Integer ny = months / 12, nm = months % 12 + 1;
    if (ny < 1 || ny > 9999) return tg_luaaux_error(L, "date out of range (years 1 to 9999)");
    int dim = tg_date_days_in_month((int)ny, (int)nm);
    tg_luaaux_date_push(L, tg_date_from_ymd((int)ny, (int)nm, day < dim ? day : dim));
    return 1;
}

static const luaL_Reg date_methods[] = {
    { "year", l_date_year },
    { "month", l_date_month },
    { "day", l_date_day },
    { "quarter", l_date_quarter },
    { "isoweek", l_date_isoweek },
    { "weekday", l_date_weekday },
    { "days_in_month", l_date_days_in_month },
    { "trunc", l_date_trunc },
    { "add_days", l_date_add_days },
    { "add_months", l_date_add_months },
    { NULL, NULL },
};

static const luaL_Reg date_meta[] = {
    { "__tostring", l_date_tostring },
    { "__eq", l_date_eq },
    { "__lt", l_date_lt },
    { "__le", l_date_le },
    { "__add", l_date_add },
    { "__sub", l_date_sub },
    { "__concat", l_date_concat },
    { NULL, NULL },
};

/* tegn.clock(): seconds on the monotonic clock. os.clock is the process's
** CPU time, which counts a verb running on two threads twice. */
static int l_tegn_clock(lua_State *L) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
    return 1;
}

void tg_luadate_open_module(lua_State *L) {
    tg_luaaux_new_metatable(L, TG_LUAAUX_DATE_MT, date_meta, date_methods);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_tegn_date);
    lua_setfield(L, -2, "date");
    lua_pushcfunction(L, l_tegn_clock);
    lua_setfield(L, -2, "clock");
}
