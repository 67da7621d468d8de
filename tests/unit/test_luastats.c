/*
** test_luastats.c -- tegn.stats from scripts: each function on a worked
** example whose numbers come from outside the code (the published and
** hand-computed values of test_stats.c, and tests/unit/stats_ref.py, the
** standard-library second computation), nil for undefined results, and the
** error messages for misuse.
*/
#include "tg_luatest.h"

#include "tg_mem.h"

/* Runs 'code' and compares what it printed with 'want'. */
static void prints(struct env *e, const char *code, const char *want) {
    const char *got = run_ok(e, code);
    if (strcmp(got, want) != 0) fail_msg("script:\n%s\ngave:\n%s\nwant:\n%s", code, got, want);
}

/* Runs 'code', which must fail with a script error whose message holds 'msg'. */
static void fails(struct env *e, const char *code, const char *msg) {
    tg_status st = env_run(e, code);
    if (st != TG_ESCRIPT) fail_msg("script:\n%s\nreturned status %d, not a script error", code, st);
    if (!strstr(e->err.msg, msg))
        fail_msg("script:\n%s\nfailed with '%s', want '%s'", code, e->err.msg, msg);
}

#define F4 "local function f(v) return v == nil and 'nil' or string.format('%.4f', v) end\n"

/* Wilson 81/263 and the exact Poisson interval of 10 events are
** Newcombe's and Garwood's published values; the t interval is 62.4 -+
** t(.975, 24) 18/5 = 62.4 -+ 2.063899 * 3.6 (tables). */
static void test_luastats_intervals(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    prints(&e, F4 "local e, l, h = tegn.stats.wilson(81, 263)\nprint(f(e), f(l), f(h))",
           "0.3080\t0.2553\t0.3662\n");
    prints(&e, F4 "local e, l, h = tegn.stats.wilson(0, 20, 0.95)\nprint(f(e), f(l), f(h))",
           "0.0000\t0.0000\t0.1611\n");
    prints(&e, F4 "print(tegn.stats.wilson(0, 0))", "nil\tnil\tnil\n");
    prints(&e, F4 "local e, l, h = tegn.stats.mean_ci(62.4, 18, 25)\nprint(f(e), f(l), f(h))",
           "62.4000\t54.9700\t69.8300\n");
    prints(&e, F4 "print(tegn.stats.mean_ci(3, 1, 1))", "3.0\tnil\tnil\n");
    /* 10 events over 2.5 FTE-years: [4.795388696, 18.39035604] / 2.5 [ref] */
    prints(&e, F4 "local e, l, h = tegn.stats.rate_ci(10, 2.5)\nprint(f(e), f(l), f(h))",
           "4.0000\t1.9182\t7.3561\n");
    prints(&e, F4 "local e, l, h = tegn.stats.rate_ci(0, 1)\nprint(f(e), f(l), f(h))",
           "0.0000\t0.0000\t3.6889\n");
    prints(&e, "print(tegn.stats.rate_ci(3, 0))", "nil\tnil\tnil\n");
    env_close(&e);
}

/* Copenhagen's loneliness check (3423/7282 -> 2979/7094): -0.0501
** [-0.0663, -0.0339], z -6.046 [ref]; R's sleep data Welch test: t 1.8608,
** p 0.07939, interval [-0.2055, 3.3655]; the rate ratio 10 -> 20 events
** over equal exposure: 2 [0.8935, 4.7846], z 1.8257, p 0.0987 [ref]. */
static void test_luastats_comparisons(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    prints(&e,
           F4 "local r = tegn.stats.prop_diff(3423, 7282, 2979, 7094)\n"
              "print(f(r.est), f(r.lo), f(r.hi), f(r.z), r.p < 1e-8)",
           "-0.0501\t-0.0663\t-0.0339\t-6.0464\ttrue\n");
    prints(&e,
           F4 "local r = tegn.stats.mean_diff(0.75, 1.789009658, 10, 2.33, 2.002248736, 10)\n"
              "print(f(r.est), f(r.lo), f(r.hi), f(r.t), f(r.p))",
           "1.5800\t-0.2055\t3.3655\t1.8608\t0.0794\n");
    prints(&e,
           F4 "local r = tegn.stats.rate_ratio(10, 1, 20, 1, 0.95)\n"
              "print(f(r.est), f(r.lo), f(r.hi), f(r.z), f(r.p))",
           "2.0000\t0.8935\t4.7846\t1.8257\t0.0987\n");
    /* no events at baseline: the ratio and its upper limit are infinite */
    prints(&e,
           "local r = tegn.stats.rate_ratio(0, 2, 4, 3)\n"
           "print(r.est == math.huge, r.hi == math.huge, r.lo > 0)",
           "true\ttrue\ttrue\n");
    /* nothing to compare: only est is defined */
    prints(&e,
           "local r = tegn.stats.mean_diff(3, 1, 1, 4, 2, 9)\n"
           "print(r.est, r.lo, r.hi, r.t, r.p)",
           "1.0\tnil\tnil\tnil\tnil\n");
    env_close(&e);
}

/* The hand example of test_stats.c: x = 1..6, y = 3 5 5 4 7 8 gives
** S = 10, var S = 492/18, p 0.0852, tau-b 10/sqrt(210), slope 1 [-0.3117, 2]. */
#define HAND_WANT "6\t10\t27.3333\t0.0852\t0.6901\t1.0000\t-0.3117\t2.0000\n"
#define HAND_PRINT                                                                              \
    "print(r.n, math.tointeger(r.s), f(r.var_s), f(r.p), f(r.tau), f(r.slope), f(r.slope_lo), " \
    "f(r.slope_hi))"

static void test_luastats_trend_arrays(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    prints(&e, F4 "local r = tegn.stats.trend({1, 2, 3, 4, 5, 6}, {3, 5, 5, 4, 7, 8})\n" HAND_PRINT,
           HAND_WANT);
    /* missing values are tegn.null and skipped; dates become decimal years */
    prints(&e,
           F4 "local d = tegn.date\n"
              "local r = tegn.stats.trend({d'2015-01-01', d'2016-01-01', d'2017-01-01', 1,\n"
              "  d'2018-01-01', d'2019-01-01', d'2020-01-01'}, {3, 5, 5, tegn.null, 4, 7, "
              "8})\n" HAND_PRINT,
           HAND_WANT);
    /* fewer than 3 usable points: nil */
    prints(&e, "print(tegn.stats.trend({1, 2, 3}, {1, tegn.null, 2}))", "nil\n");
    /* flat series: no tau */
    prints(&e,
           "local r = tegn.stats.trend({1, 2, 3, 4}, {5, 5, 5, 5})\n"
           "print(r.s, r.p, r.tau, r.slope, r.slope_lo, r.slope_hi)",
           "0.0\t1.0\tnil\t0.0\t0.0\t0.0\n");
    env_close(&e);
}

static void test_luastats_trend_table(void **state) {
    struct env e;
    char code[1024];
    const char *path = tg_test_tmpfile(".csv");
    (void)state;
    /* the hand example, one NULL value row and a filtered-out row */
    write_file(path, "aar;dato;value;navn\n"
                     "2015;2015-01-01;3;a\n2016;2016-01-01;5;b\n2017;2017-01-01;5;c\n"
                     "2021;2021-01-01;;d\n2018;2018-01-01;4;e\n2019;2019-01-01;7;f\n"
                     "2020;2020-01-01;8;g\n1999;1999-01-01;100;h\n");
    env_open(&e, NULL, 0);
    snprintf(code, sizeof code,
             "%slocal t = tegn.read_csv('%s'):filter(tegn.col'aar':gt(2000))\n"
             "local r = tegn.stats.trend(t, 'aar', 'value')\n%s\n"
             "r = tegn.stats.trend(t, 'dato', 'value', 0.95)\n%s",
             F4, path, HAND_PRINT, HAND_PRINT);
    prints(&e, code, HAND_WANT HAND_WANT);
    snprintf(code, sizeof code, "tegn.stats.trend(tegn.read_csv('%s'), 'aar', 'valu')", path);
    fails(&e, code, "no column 'valu'; did you mean 'value'?");
    snprintf(code, sizeof code, "tegn.stats.trend(tegn.read_csv('%s'), 'aar', 'navn')", path);
    fails(&e, code, "trend: column 'navn' holds strings, not numbers or dates");
    env_close(&e);
    remove(path);
}

/* By hand: .01 .04 .03 .005 -> .02 .04 .04 .02 (test_stats.c). */
static void test_luastats_bh(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    prints(&e,
           F4 "local q = tegn.stats.bh({0.01, 0.04, 0.03, 0.005})\n"
              "print(#q, f(q[1]), f(q[2]), f(q[3]), f(q[4]))",
           "4\t0.0200\t0.0400\t0.0400\t0.0200\n");
    prints(&e,
           F4 "local q = tegn.stats.bh({0.01, tegn.null, 0.04})\n"
              "print(#q, f(q[1]), q[2] == tegn.null, f(q[3]))",
           "3\t0.0200\ttrue\t0.0400\n");
    prints(&e, "print(#tegn.stats.bh({}))", "0\n");
    env_close(&e);
}

static void test_luastats_errors(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    fails(&e, "\ntegn.stats.wilson(5, 4)", "wilson: 'x' must be a number from 0 to n, got 5");
    assert_string_equal(e.err.file, "script.lua");
    assert_int_equal(e.err.line, 2);
    fails(&e, "tegn.stats.wilson(1, -4)", "wilson: 'n' must be a number >= 0, got -4");
    fails(&e, "tegn.stats.wilson(1, 4, 95)",
          "wilson: 'conf' must be a number between 0 and 1 (e.g. 0.95), got 95");
    fails(&e, "tegn.stats.wilson('a', 4)", "wilson: 'x' must be a number, got 'a'");
    fails(&e, "tegn.stats.mean_ci(3, -1, 10)", "mean_ci: 'sd' must be a number >= 0, got -1");
    fails(&e, "tegn.stats.mean_ci(0/0, 1, 10)", "mean_ci: 'mean' must be a number, got nan");
    fails(&e, "tegn.stats.rate_ci(-1, 10)", "rate_ci: 'events' must be a number >= 0, got -1");
    fails(&e, "tegn.stats.prop_diff(1, 10, 11, 10)",
          "prop_diff: 'x2' must be a number from 0 to n2, got 11");
    fails(&e, "tegn.stats.mean_diff(1, 1, 10, 2, 1)",
          "mean_diff: 'n2' must be a number >= 0, got nothing");
    fails(&e, "tegn.stats.rate_ratio(1, 10, 2, -1)",
          "rate_ratio: 'exposure2' must be a number >= 0, got -1");
    fails(&e, "tegn.stats.trend({1, 2, 3}, {1, 2})", "trend: xs and ys differ in length (3 and 2)");
    fails(&e, "tegn.stats.trend({1, 2, 'x'}, {1, 2, 3})",
          "trend: xs[3] must be a number, a date or tegn.null, got string");
    fails(&e, "tegn.stats.trend(5, 6)", "trend: give two arrays (xs, ys) or a table and two");
    fails(&e, "tegn.stats.trend({1, 2, 3}, {1, 2, 3}, 0)",
          "trend: 'conf' must be a number between 0 and 1 (e.g. 0.95), got 0");
    fails(&e, "tegn.stats.bh({0.5, 1.5})", "bh: ps[2] must be between 0 and 1");
    fails(&e, "tegn.stats.bh({0.5, 'x'})", "bh: ps[2] must be a number or tegn.null, got string");
    env_close(&e);
}

/* A memory cap the trend's pairwise slopes exceed stops the run with the
** limit error (as --mem does), not a crash or a leak. */
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
        cmocka_unit_test(test_luastats_intervals),
        cmocka_unit_test(test_luastats_comparisons),
        cmocka_unit_test(test_luastats_trend_arrays),
        cmocka_unit_test(test_luastats_trend_table),
        cmocka_unit_test(test_luastats_bh),
        cmocka_unit_test(test_luastats_errors),
        cmocka_unit_test(test_luastats_trend_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
