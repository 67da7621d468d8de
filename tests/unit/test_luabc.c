/*
** test_luabc.c -- tg_luabc: tail calls in dumped chunks become calls, the
** rest of the chunk is untouched, and a chunk of another layout is left
** alone. The chunks come from the linked Lua's own compiler and dumper.
*/
#include "tg_test.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "tg_luabc.h"

typedef struct chunk {
    unsigned char *p;
    size_t n;
} chunk;

static int writer(lua_State *L, const void *p, size_t sz, void *ud) {
    chunk *c = ud;
    (void)L;
    c->p = realloc(c->p, c->n + sz);
    memcpy(c->p + c->n, p, sz);
    c->n += sz;
    return 0;
}

static chunk compile(lua_State *L, const char *code, int strip) {
    chunk c = { NULL, 0 };
    assert_int_equal(luaL_loadstring(L, code), LUA_OK);
    assert_int_equal(lua_dump(L, writer, &c, strip), 0);
    lua_pop(L, 1);
    return c;
}

static const char *reader(lua_State *L, void *ud, size_t *size) {
    chunk *c = ud;
    (void)L;
    *size = c->n;
    c->n = 0;
    return *size ? (const char *)c->p : NULL;
}

/* Two tail calls (one nested); after the rewrite there are none, two more
** calls, and the code still returns every result of the callee. */
static void test_luabc_untail(void **state) {
    lua_State *L = luaL_newstate();
    (void)state;
    luaL_openlibs(L);
    chunk c = compile(L,
                      "local function two() return 1, 2, 3 end\n"
                      "local function f(...) return two(...) end\n"
                      "return f()\n",
                      0);
    long calls = tg_luabc_count(c.p, c.n, 68);
    assert_int_equal(tg_luabc_count(c.p, c.n, 69), 2);
    assert_int_equal(tg_luabc_untail(c.p, c.n, 68, 69), 2);
    assert_int_equal(tg_luabc_count(c.p, c.n, 69), 0);
    assert_int_equal(tg_luabc_count(c.p, c.n, 68), calls + 2);
    size_t n = c.n;
    assert_int_equal(lua_load(L, reader, &c, "=t", "b"), LUA_OK);
    c.n = n;
    assert_int_equal(lua_pcall(L, 0, LUA_MULTRET, 0), LUA_OK);
    assert_int_equal(lua_gettop(L), 3);
    assert_int_equal(lua_tointeger(L, 1), 1);
    assert_int_equal(lua_tointeger(L, 3), 3);
    free(c.p);
    lua_close(L);
}

/* A stripped chunk (no debug information) still walks; anything else
** that does not parse to the end is refused and left as it was. */
static void test_luabc_refuses_other_layouts(void **state) {
    lua_State *L = luaL_newstate();
    (void)state;
    chunk c = compile(L, "return print('x')\n", 1);
    assert_int_equal(tg_luabc_count(c.p, c.n, 69), 1);
    unsigned char *copy = malloc(c.n);
    memcpy(copy, c.p, c.n);
    assert_int_equal(tg_luabc_untail(c.p, c.n - 1, 68, 69), -1); /* cut short */
    assert_memory_equal(c.p, copy, c.n);
    c.p[4] = 0x53; /* Lua 5.3's version byte */
    assert_int_equal(tg_luabc_untail(c.p, c.n, 68, 69), -1);
    assert_int_equal(tg_luabc_count((const unsigned char *)"text", 4, 69), -1);
    free(copy);
    free(c.p);
    lua_close(L);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luabc_untail),
        cmocka_unit_test(test_luabc_refuses_other_layouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
