/*
** test_luastats.c -- what only C can check of tegn.stats: a memory cap the
** trend's pairwise slopes exceed stops the run with the limit error (as
** --mem does), not a crash or a leak. The worked examples and the error
** messages are in tests/lua/stats.lua.
*/
#include "tg_luatest.h"

#include "tg_mem.h"

static void test_luastats_trend_out_of_memory(void **state) {
    struct env e;
    size_t cap = tg_mem_cap(), before = tg_mem_blocks();
    tg_status st;
    (void)state;
    env_open(&e, NULL, 0);
    run_ok(&e, "xs, ys = {}, {}\nfor i = 1, 3000 do xs[i] = i; ys[i] = (i * 37) % 101 end");
    tg_mem_set_cap(tg_mem_used() + 8 * 1024 * 1024); /* 4.5 M slopes need 36 MB */
    st = env_run(&e, "tegn.stats.trend(xs, ys)");
    tg_mem_set_cap(cap);
    assert_int_equal(st, TG_ELIMIT);
    run_ok(&e, "xs, ys = nil, nil; collectgarbage()");
    env_close(&e);
    tg_test_no_leaks(before);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luastats_trend_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
