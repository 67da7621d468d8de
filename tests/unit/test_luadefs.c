/*
** test_luadefs.c -- the editor definitions agree with the runtime, and the
** check that says so catches both ways they drift apart: a function a
** binding registers without an annotation (one added here to the Table
** methods and to the module behind its read-only view), and an
** annotation of a function the runtime no longer has (one removed here).
** That lua/tegn.d.lua is the current output is the `definitions` test.
*/
#include "tg_luatest.h"

#include "tg_luadefs.h"
#include "tg_mem.h"
#include "tg_sbuf.h"

static int l_nothing(lua_State *L) {
    (void)L;
    return 0;
}

/* Pushes the method table of the Table metatable (its __index upvalue). */
static void push_table_methods(lua_State *L) {
    luaL_getmetatable(L, "tegn.Table");
    lua_getfield(L, -1, "__index");
    assert_non_null(lua_getupvalue(L, -1, 1));
    assert_true(lua_istable(L, -1));
    lua_remove(L, -2);
    lua_remove(L, -2);
}

/* Pushes the table behind the tegn module's read-only view. */
static void push_module(lua_State *L) {
    lua_getglobal(L, "tegn");
    assert_true(lua_getmetatable(L, -1));
    lua_getfield(L, -1, "__index");
    assert_true(lua_istable(L, -1));
    lua_remove(L, -2);
    lua_remove(L, -2);
}

static void test_luadefs_agree_with_runtime(void **state) {
    struct env e;
    tg_sbuf out = { 0 }, problems = { 0 };
    (void)state;

    env_open(&e, NULL, 0);
    assert_int_equal(tg_luadefs_write(e.rt, &out, &problems), 0);
    assert_null(problems.p);
    assert_non_null(strstr(out.p, "---@meta tegn\n"));
    assert_non_null(strstr(out.p, "function Table:filter(pred) end\n"));
    assert_non_null(strstr(out.p, "function tegn.sim.run(spec) end\n"));
    assert_non_null(strstr(out.p, "---@operator add(tegn.ExprLike): tegn.Expr\n"));
    assert_non_null(strstr(out.p, "---@class tegn.ReadCsvOpts\n"));
    tg_free(out.p);
    env_close(&e);
}

static void test_luadefs_catch_drift(void **state) {
    struct env e;
    tg_sbuf out = { 0 }, problems = { 0 };
    lua_State *L;
    (void)state;

    env_open(&e, NULL, 0);
    L = tg_lua_state(e.rt);
    push_table_methods(L);
    lua_pushcfunction(L, l_nothing);
    lua_setfield(L, -2, "frobnicate");
    lua_pop(L, 1);
    push_module(L);
    lua_pushcfunction(L, l_nothing);
    lua_setfield(L, -2, "read_parquet");
    lua_pushnil(L);
    lua_setfield(L, -2, "median");
    lua_pop(L, 1);

    assert_int_equal(tg_luadefs_write(e.rt, &out, &problems), 3);
    assert_non_null(strstr(problems.p, "no annotation for Table:frobnicate\n"));
    assert_non_null(strstr(problems.p, "no annotation for tegn.read_parquet\n"));
    assert_non_null(
        strstr(problems.p, "annotation for tegn.median, which the runtime does not register\n"));
    tg_free(out.p);
    tg_free(problems.p);
    env_close(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luadefs_agree_with_runtime),
        cmocka_unit_test(test_luadefs_catch_drift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
