/*
** tg_luaexpr.c -- the methods and metamethods of tegn.Expr and the
** expression functions of the `tegn` module (see tg_luaexpr.h); the
** userdata and the conversion of Lua values are in tg_luaval.c. An Expr holds one
** reference to an immutable tg_expr node; every operator and method makes
** a new node whose userdata is pushed (empty) before the node is built, so
** a Lua error never leaks one. Lua's ==, < and <= cannot build
** expressions (Lua turns their results into booleans), so on expressions
** they raise an error pointing to :eq(), :lt() and :le().
*/
#include "tg_luaexpr.h"

#include <assert.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_mem.h"


/* ---- the userdata ---- */

static int l_expr_gc(lua_State *L) {
    tg_expr **slot = lua_touserdata(L, 1);
    tg_expr_release(*slot);
    *slot = NULL;
    return 0;
}

/* The text is cut after TOSTRING_MAX bytes: a tree sharing its subtrees
** (x = x + x, forty times) would render to terabytes. */
#define TOSTRING_MAX ((size_t)1 << 20)

static int l_expr_tostring(lua_State *L) {
    tg_expr *e = tg_luaval_expr_check(L, 1);
    void **box = tg_luaaux_box(L, tg_free);
    char *s = tg_expr_to_string_max(e, TOSTRING_MAX);
    if (!s) return tg_lua_raise(L, TG_ENOMEM, NULL);
    *box = s;
    if (strlen(s) <= TOSTRING_MAX) {
        lua_pushstring(L, s);
        return 1;
    }
    lua_pushlstring(L, s, TOSTRING_MAX);
    lua_pushliteral(L, "...");
    lua_concat(L, 2);
    return 1;
}

/* ---- building ---- */

/* Flags for the operands of op: AND and OR take conditions, where a bare
** boolean is the trace of a Lua == (TG_LUAVAL_NO_BOOL). */
static int operand_flags(tg_op op) {
    return op == TG_OP_AND || op == TG_OP_OR ? TG_LUAVAL_NO_BOOL : 0;
}

static int binary(lua_State *L, tg_op op, int a, int b, const char *what) {
    tg_expr *x = tg_luaval_expr_push(L, a, operand_flags(op), what, "a");
    tg_expr *y = tg_luaval_expr_push(L, b, operand_flags(op), what, "b");
    tg_expr **slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_binary(op, x, y));
    return 1;
}

static int unary(lua_State *L, tg_op op) {
    tg_expr *x = tg_luaval_expr_check(L, 1);
    tg_expr **slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_unary(op, x));
    return 1;
}

/* Methods and metamethods that map to one node: the op is the closure's
** upvalue. A method whose second operand must be a string literal says
** so in 'text'. */
typedef struct op_entry {
    const char *name;
    tg_op op;
    int text;
} op_entry;

static const op_entry binary_meta[] = {
    { "__add", TG_OP_ADD, 0 },       { "__sub", TG_OP_SUB, 0 },   { "__mul", TG_OP_MUL, 0 },
    { "__div", TG_OP_DIV, 0 },       { "__idiv", TG_OP_IDIV, 0 }, { "__mod", TG_OP_MOD, 0 },
    { "__concat", TG_OP_CONCAT, 0 }, { "__band", TG_OP_AND, 0 },  { "__bor", TG_OP_OR, 0 },
};

static const op_entry binary_methods[] = {
    { "eq", TG_OP_EQ, 0 },
    { "ne", TG_OP_NE, 0 },
    { "lt", TG_OP_LT, 0 },
    { "le", TG_OP_LE, 0 },
    { "gt", TG_OP_GT, 0 },
    { "ge", TG_OP_GE, 0 },
    { "fill_null", TG_OP_FILL_NULL, 0 },
    { "contains", TG_OP_CONTAINS, 1 },
    { "starts_with", TG_OP_STARTS_WITH, 1 },
    { "ends_with", TG_OP_ENDS_WITH, 1 },
};

static const op_entry unary_methods[] = {
    { "is_null", TG_OP_IS_NULL, 0 }, { "not_null", TG_OP_NOT_NULL, 0 },
    { "not_", TG_OP_NOT, 0 },        { "floor", TG_OP_FLOOR, 0 },
    { "ceil", TG_OP_CEIL, 0 },       { "abs", TG_OP_ABS, 0 },
    { "year", TG_OP_YEAR, 0 },       { "quarter", TG_OP_QUARTER, 0 },
    { "month", TG_OP_MONTH, 0 },     { "day", TG_OP_DAY, 0 },
    { "weekday", TG_OP_WEEKDAY, 0 }, { "isoweek", TG_OP_ISOWEEK, 0 },
    { "isoyear", TG_OP_ISOYEAR, 0 }, { "days_in_month", TG_OP_DAYS_IN_MONTH, 0 },
    { "lower", TG_OP_LOWER, 0 },     { "upper", TG_OP_UPPER, 0 },
    { "len", TG_OP_LEN, 0 },
};

static int l_expr_binary_op(lua_State *L) {
    tg_op op = (tg_op)lua_tointeger(L, lua_upvalueindex(1));
    if (lua_toboolean(L, lua_upvalueindex(2))) tg_luaaux_check_string(L, 2, tg_op_name(op), "x");
    return binary(L, op, 1, 2, tg_op_name(op));
}

static int l_expr_unary_op(lua_State *L) {
    return unary(L, (tg_op)lua_tointeger(L, lua_upvalueindex(1)));
}

static void set_ops(lua_State *L, const op_entry *ops, size_t n, lua_CFunction fn) {
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, ops[i].op);
        lua_pushboolean(L, ops[i].text);
        lua_pushcclosure(L, fn, 2);
        lua_setfield(L, -2, ops[i].name);
    }
}

static int l_expr_unm(lua_State *L) {
    return unary(L, TG_OP_NEG);
}

static int l_expr_not_meta(lua_State *L) {
    return unary(L, TG_OP_NOT);
}

static int l_expr_eq_meta(lua_State *L) {
    return tg_luaaux_error(L, "expressions compare with :eq() / :ne(), not == / ~= (Lua turns "
                              "== into a plain true or false)");
}

static int l_expr_lt_meta(lua_State *L) {
    return tg_luaaux_error(L, "expressions compare with :lt() :le() :gt() :ge(), not < <= > >=");
}

/* Builds an n-ary node from the expressions at stack slots first..last. */
static int nary_range(lua_State *L, tg_op op, int first, int last, const char *what) {
    int n = last - first + 1;
    tg_expr **args;
    tg_expr **slot;

    if (n == 1) {
        tg_luaval_expr_push(L, first, operand_flags(op), what, "items[1]");
        return 1;
    }
    args = lua_newuserdatauv(L, (size_t)n * sizeof *args, 0);
    for (int i = 0; i < n; i++) {
        lua_pushfstring(L, "items[%d]", i + 1);
        args[i] = tg_luaval_expr_push(L, first + i, operand_flags(op), what, lua_tostring(L, -1));
        lua_remove(L, -2); /* the key; the Expr stays to keep args[i] alive */
    }
    slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_nary(op, args, (size_t)n));
    return 1;
}

/* e:and_(a, b, ...) and e:or_(...): e combined with the others. */
static int l_expr_and(lua_State *L) {
    tg_luaval_expr_check(L, 1);
    tg_luaaux_check_any(L, 2, "and_", "b");
    return nary_range(L, TG_OP_AND, 1, lua_gettop(L), "and_");
}

static int l_expr_or(lua_State *L) {
    tg_luaval_expr_check(L, 1);
    tg_luaaux_check_any(L, 2, "or_", "b");
    return nary_range(L, TG_OP_OR, 1, lua_gettop(L), "or_");
}

/* Pushes the elements of the list at idx onto the stack; returns how many. */
static int unpack_list(lua_State *L, int idx, const char *what) {
    lua_Integer n;
    idx = lua_absindex(L, idx);
    tg_luaaux_check_table(L, idx, what, "list");
    n = (lua_Integer)lua_rawlen(L, idx);
    if (n > 100000) return tg_luaaux_error(L, "%s: too many items (%I)", what, n);
    luaL_checkstack(L, (int)n + 8, what);
    for (lua_Integer i = 1; i <= n; i++) lua_rawgeti(L, idx, i);
    return (int)n;
}

/* tegn.all{a, b, ...} / tegn.any{...} (or the items as arguments): AND /
** OR of every item; true / false for an empty list. */
static int all_any(lua_State *L, tg_op op, const char *what) {
    int n;
    if (lua_gettop(L) == 1 && lua_type(L, 1) == LUA_TTABLE) {
        n = unpack_list(L, 1, what);
    } else {
        n = lua_gettop(L);
        lua_pushnil(L);
        lua_insert(L, 1); /* items at 2 .. n + 1, as after unpacking */
    }
    if (n == 0) {
        tg_expr **slot = tg_luaval_expr_new(L);
        tg_luaval_expr_fill(L, slot, tg_expr_bool(op == TG_OP_AND));
        return 1;
    }
    return nary_range(L, op, 2, 1 + n, what);
}

static int l_tegn_all(lua_State *L) {
    return all_any(L, TG_OP_AND, "all");
}
static int l_tegn_any(lua_State *L) {
    return all_any(L, TG_OP_OR, "any");
}

/* tegn.concat(a, b, ...): text of every argument joined (NULL if any is). */
static int l_tegn_concat(lua_State *L) {
    int n = lua_gettop(L);
    tg_luaaux_check_any(L, 2, "concat", "b"); /* at least two values */
    return nary_range(L, TG_OP_CONCAT, 1, n, "concat");
}

/* tegn.if_else(cond, a, b): a where cond is true, else b (also for NULL). */
static int l_tegn_if_else(lua_State *L) {
    tg_expr *c, *a, *b, **slot;
    tg_luaaux_check_any(L, 3, "if_else", "b");
    c = tg_luaval_expr_push(L, 1, TG_LUAVAL_NO_BOOL, "if_else", "c");
    a = tg_luaval_expr_push(L, 2, 0, "if_else", "a");
    b = tg_luaval_expr_push(L, 3, 0, "if_else", "b");
    slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_if_else(c, a, b));
    return 1;
}

/* tegn.coalesce(a, b, ...): the first non-NULL value per row. */
static int l_tegn_coalesce(lua_State *L) {
    int n = lua_gettop(L);
    tg_luaaux_check_any(L, 1, "coalesce", "a");
    return nary_range(L, TG_OP_COALESCE, 1, n, "coalesce");
}

/* e:between(lo, hi), inclusive on both ends */
static int l_expr_between(lua_State *L) {
    tg_expr *x = tg_luaval_expr_check(L, 1);
    tg_expr *lo = tg_luaval_expr_push(L, 2, 0, "between", "lo");
    tg_expr *hi = tg_luaval_expr_push(L, 3, 0, "between", "hi");
    tg_expr **slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_between(x, lo, hi));
    return 1;
}

/* e:isin{"a", "b"} or e:isin("a", "b"): values, not expressions */
static int l_expr_isin(lua_State *L) {
    tg_expr *x = tg_luaval_expr_check(L, 1);
    int first = 2, n = lua_gettop(L) - 1;
    tg_expr **list, **slot;

    if (n == 1 && lua_type(L, 2) == LUA_TTABLE) {
        lua_settop(L, 2);
        n = unpack_list(L, 2, "isin");
        first = 3;
    }
    list = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *list, 0);
    for (int i = 0; i < n; i++) {
        const char *key = lua_pushfstring(L, "list[%d]", i + 1);
        if (tg_luaval_expr_test(L, first + i) || luaL_testudata(L, first + i, TG_LUAVAL_WHEN_MT))
            return tg_luaaux_bad(L, "isin", key, "a value, not an expression", first + i);
        list[i] = tg_luaval_expr_push(L, first + i, 0, "isin", key);
        lua_remove(L, -2); /* the key; the Expr stays to keep list[i] alive */
    }
    slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_isin(x, list, (size_t)n));
    return 1;
}

/* The type named by argument 2 of cast and try_cast. */
static int check_type(lua_State *L, const char *fname) {
    int to = tg_type_parse(tg_luaaux_check_string(L, 2, fname, "type"));
    if (to < 0)
        return tg_luaaux_bad(L, fname, "type",
                             "\"int\", \"float\", \"bool\", \"date\" or \"string\"", 2);
    return to;
}

/* e:cast("int" | "float" | "bool" | "date" | "string" [, {strict = true}]):
** with strict (the default) a value that does not convert is an error
** naming it; with strict = false it becomes NULL. */
static int l_expr_cast(lua_State *L) {
    static const char *const known[] = { "strict", NULL };
    tg_expr *x = tg_luaval_expr_check(L, 1);
    int to = check_type(L, "cast");
    int strict;
    tg_expr **slot;

    tg_luaaux_check_opts(L, 3, known, "cast");
    strict = tg_luaaux_opt_boolean(L, 3, "cast", "strict", 1);
    slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_cast(x, (tg_type)to, strict));
    return 1;
}

/* e:try_cast(type): as cast with strict = false (NULL where a value does
** not convert). */
static int l_expr_try_cast(lua_State *L) {
    tg_expr *x = tg_luaval_expr_check(L, 1);
    int to = check_type(L, "try_cast");
    tg_expr **slot;
    slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_cast(x, (tg_type)to, 0));
    return 1;
}

/* e:round([digits = 0 [, "half_up" | "half_even"]]): half_up (ties away
** from zero, as Danish takster and spreadsheets round) is the default, with
** the takst code's tolerance (TG_ROUND_HALF_UP_TOL), so a script that
** recomputes a takst rounds it to the same kroner. */
static int l_expr_round(lua_State *L) {
    static const char *const modes[] = { "half_up", "half_even", NULL };
    tg_expr *x = tg_luaval_expr_check(L, 1);
    int64_t digits = lua_isnoneornil(L, 2)
                         ? 0
                         : tg_luaaux_check_integer(L, 2, "round", "digits", TG_ROUND_MIN_DIGITS,
                                                   TG_ROUND_MAX_DIGITS);
    int mode = lua_isnoneornil(L, 3) ? 0 : tg_luaaux_check_choice(L, 3, "round", "mode", modes);
    tg_expr **slot;

    slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(
        L, slot,
        tg_expr_round(x, (int)digits, mode == 0 ? TG_ROUND_HALF_UP_TOL : TG_ROUND_HALF_EVEN));
    return 1;
}

/* e:trunc("month" | "quarter" | "year" | "week") */
static int l_expr_trunc(lua_State *L) {
    tg_expr *x = tg_luaval_expr_check(L, 1);
    tg_date_unit unit = (tg_date_unit)tg_luaaux_date_unit(L, 2);
    tg_expr **slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_trunc(x, unit));
    return 1;
}

/* ---- tegn.col, tegn.lit, tegn.when ---- */

static int l_tegn_col(lua_State *L) {
    const char *name = tg_luaaux_check_string(L, 1, "col", "name");
    tg_expr **slot = tg_luaval_expr_new(L);
    tg_luaval_expr_fill(L, slot, tg_expr_col(name));
    return 1;
}

static int l_tegn_lit(lua_State *L) {
    tg_luaaux_check_any(L, 1, "lit", "value");
    if (tg_luaval_expr_test(L, 1))
        return tg_luaaux_bad(L, "lit", "value", "a value, not an expression", 1);
    tg_luaval_expr_push(L, 1, 0, "lit", "value");
    return 1;
}

/* A When is a userdata whose user value is the list {cond1, v1, cond2,
** v2, ...}; scripts cannot reach the list, so it holds what C put there. */
static void push_when(lua_State *L, int from, int cond, int value) {
    lua_Integer n = 0;
    lua_newuserdatauv(L, 0, 1);
    lua_createtable(L, 4, 0);
    if (from) {
        lua_getiuservalue(L, from, 1);
        n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, i);
            lua_rawseti(L, -3, i);
        }
        lua_pop(L, 1);
    }
    tg_luaval_expr_push(L, cond, TG_LUAVAL_NO_BOOL, "when", from ? "c2" : "c");
    lua_rawseti(L, -2, n + 1);
    tg_luaval_expr_push(L, value, 0, "when", from ? "b" : "a");
    lua_rawseti(L, -2, n + 2);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, TG_LUAVAL_WHEN_MT);
}

/* tegn.when(cond, value) */
static int l_tegn_when(lua_State *L) {
    tg_luaaux_check_any(L, 2, "when", "a");
    push_when(L, 0, 1, 2);
    return 1;
}

/* w:when(cond, value): one more branch, tried after the earlier ones */
static int l_when_when(lua_State *L) {
    tg_luaaux_check_udata(L, 1, TG_LUAVAL_WHEN_MT);
    tg_luaaux_check_any(L, 3, "when", "b");
    push_when(L, 1, 2, 3);
    return 1;
}

/* w:otherwise(value) -> Expr */
static int l_when_otherwise(lua_State *L) {
    tg_luaaux_check_udata(L, 1, TG_LUAVAL_WHEN_MT);
    tg_luaaux_check_any(L, 2, "otherwise", "d");
    tg_luaval_expr_push(L, 2, 0, "otherwise", "d");
    tg_luaval_when_fold(L, 1);
    return 1;
}

/* ---- registration ---- */

static const luaL_Reg expr_methods[] = {
    { "between", l_expr_between }, { "isin", l_expr_isin },   { "and_", l_expr_and },
    { "or_", l_expr_or },          { "cast", l_expr_cast },   { "try_cast", l_expr_try_cast },
    { "round", l_expr_round },     { "trunc", l_expr_trunc }, { NULL, NULL },
};

static const luaL_Reg expr_meta[] = {
    { "__gc", l_expr_gc },      { "__tostring", l_expr_tostring },
    { "__unm", l_expr_unm },    { "__bnot", l_expr_not_meta },
    { "__eq", l_expr_eq_meta }, { "__lt", l_expr_lt_meta },
    { "__le", l_expr_lt_meta }, { NULL, NULL },
};

static const luaL_Reg when_methods[] = {
    { "when", l_when_when },
    { "otherwise", l_when_otherwise },
    { NULL, NULL },
};

static const luaL_Reg module_funcs[] = {
    { "col", l_tegn_col },       { "lit", l_tegn_lit },         { "when", l_tegn_when },
    { "all", l_tegn_all },       { "any", l_tegn_any },         { "coalesce", l_tegn_coalesce },
    { "concat", l_tegn_concat }, { "if_else", l_tegn_if_else }, { NULL, NULL },
};

void tg_luaexpr_open_module(lua_State *L) {
    tg_luaaux_new_metatable(L, TG_LUAVAL_EXPR_MT, expr_meta, expr_methods);
    set_ops(L, binary_meta, TG_ARRAY_LEN(binary_meta), l_expr_binary_op);
    lua_getfield(L, -1, "__index");
    set_ops(L, binary_methods, TG_ARRAY_LEN(binary_methods), l_expr_binary_op);
    set_ops(L, unary_methods, TG_ARRAY_LEN(unary_methods), l_expr_unary_op);
    lua_pop(L, 1);
    tg_luaaux_new_metatable(L, TG_LUAVAL_WHEN_MT, NULL, when_methods);
    lua_pop(L, 2);
    luaL_setfuncs(L, module_funcs, 0);
}
