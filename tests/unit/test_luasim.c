/*
** test_luasim.c -- tegn.sim from scripts: the closed forms against hand
** values, run's tables against each other and against hand-computed
** possible days, seeds, from_stays on a small stay file whose rates,
** Kaplan-Meier mean and sd and seasonal factors were worked out by hand
** (see the comments), and the error messages.
*/
#include "tg_luatest.h"

#include <math.h>

/* Prints the value of the Lua expression 'expr' with %.10g. */
static double lua_value(struct env *e, const char *setup, const char *expr) {
    char code[8192];
    snprintf(code, sizeof code, "%s\nprint(string.format('%%.10g', %s))", setup, expr);
    return strtod(run_ok(e, code), NULL);
}

static void test_luasim_erlang(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    assert_true(fabs(lua_value(&e, "", "tegn.sim.erlang_b(1, 2)") - 2.0 / 3.0) < 1e-9);
    assert_true(fabs(lua_value(&e, "", "tegn.sim.erlang_b(10, 5)") - 0.01838) < 5e-6);
    assert_true(fabs(lua_value(&e, "", "tegn.sim.erlang_c(2, 1)") - 1.0 / 3.0) < 1e-9);
    assert_true(lua_value(&e, "", "tegn.sim.erlang_c(3, 3)") == 1.0);
    assert_int_equal(env_run(&e, "tegn.sim.erlang_b(-1, 2)"), TG_ESCRIPT);
    env_close(&e);
}

#define TWO_UNITS                                                                      \
    "local spec = { start = '2026-07-01', dage = 365, replikationer = 50, seed = 3,\n" \
    "  tilbud = {\n"                                                                   \
    "    { id = 'A', pladser = 20, henvisninger_pr_aar = 40, politik = 'afvisning',\n" \
    "      liggetid = { fordeling = 'gamma', middel = 150, sd = 100 },\n"              \
    "      kapacitet = { { fra = '2026-10-01', pladser = 10 } } },\n"                  \
    "    { id = 'B', pladser = 8, henvisninger_pr_aar = 20, max_venteliste = 5,\n"     \
    "      saeson = { 1, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1.5 },\n"                     \
    "      liggetid = { fordeling = 'empirisk', dage = { 10, 20, 30, 40, 300 } } } } }\n"

/* Periods follow calendar years; possible days follow the capacity change:
** A has 20 places for July-September (92 days) and 10 from October, so
** 2026 (184 days) has 92 * 20 + 92 * 10 = 2760, 2027 (181 days) 1810. */
static void test_luasim_run_tables(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    const char *out = run_ok(&e, TWO_UNITS "spec.per_replikation = true\n"
                                           "local s, p, r = tegn.sim.run(spec)\n"
                                           "print(#s, #p, #r)\n"
                                           "for _, x in ipairs(p:rows()) do\n"
                                           "  print(x.tilbud_id, x.aar, x.fra, x.til, x.dage, "
                                           "x.mulige_dage)\n"
                                           "end\n"
                                           "local m = s:rows()\n"
                                           "print(m[1].mulige_dage, m[2].mulige_dage, "
                                           "m[2].middel_liggetid)");
    assert_string_equal(out, "2\t4\t200\n"
                             "A\t2026\t2026-07-01\t2026-12-31\t184\t2760.0\n"
                             "A\t2027\t2027-01-01\t2027-06-30\t181\t1810.0\n"
                             "B\t2026\t2026-07-01\t2026-12-31\t184\t1472.0\n"
                             "B\t2027\t2027-01-01\t2027-06-30\t181\t1448.0\n"
                             "4570.0\t2920.0\t80.0\n");
    /* the three tables agree: per-replication days average to the period
    ** means, which sum to the summary's belagte dage */
    out = run_ok(&e, TWO_UNITS
                 "spec.per_replikation = true\n"
                 "local s, p, r = tegn.sim.run(spec)\n"
                 "local sum, per = {}, {}\n"
                 "for _, x in ipairs(r:rows()) do\n"
                 "  local k = x.tilbud_id .. x.aar\n"
                 "  per[k] = (per[k] or 0) + x.belagte_dage / 50\n"
                 "  sum[x.tilbud_id] = (sum[x.tilbud_id] or 0) + x.belagte_dage / 50\n"
                 "  if x.tilbud_id == 'B' then assert(x.belagte_dage <= x.mulige_dage + 1e-9) end\n"
                 "end\n"
                 "for _, x in ipairs(p:rows()) do\n"
                 "  assert(math.abs(per[x.tilbud_id .. x.aar] - x.belagte_dage) < 1e-6)\n"
                 "  assert(x.belagte_dage_p5 <= x.belagte_dage_p50)\n"
                 "  assert(x.belagte_dage_p50 <= x.belagte_dage_p95)\n"
                 "  assert(math.abs(x.belaegningsprocent - 100 * x.belagte_dage / x.mulige_dage)"
                 " < 1e-9)\n"
                 "end\n"
                 "for _, x in ipairs(s:rows()) do\n"
                 "  assert(math.abs(sum[x.tilbud_id] - x.belagte_dage) < 1e-6)\n"
                 "  assert(math.abs(x.belaegning * 365 - x.belagte_dage) < 1e-6)\n"
                 "  assert(x.belaegning_p5 <= x.belaegning_p50 and x.belaegning_p95 <= 20)\n"
                 "end\n"
                 "local a, b = s:rows()[1], s:rows()[2]\n"
                 "assert(a.p_venter == a.p_afvist and a.middel_ventetid == 0)\n"
                 "assert(b.p_afvist <= b.p_venter)\n"
                 "print('ok')");
    assert_string_equal(out, "ok\n");
    env_close(&e);
}

/* The same seed gives the same tables; without 'seed' the run's seed is
** used, so two calls agree; another seed differs. */
static void test_luasim_seeds(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    const char *out =
        run_ok(&e, TWO_UNITS "local function key(t)\n"
                             "  local x = t:rows()\n"
                             "  return string.format('%.17g %.17g', x[1].belagte_dage, "
                             "x[2].belagte_dage)\n"
                             "end\n"
                             "local a = key(tegn.sim.run(spec))\n"
                             "local b = key(tegn.sim.run(spec))\n"
                             "spec.seed = nil\n"
                             "local c = key(tegn.sim.run(spec))\n"
                             "local d = key(tegn.sim.run(spec))\n"
                             "spec.seed = 4\n"
                             "local f = key(tegn.sim.run(spec))\n"
                             "print(a == b, c == d, a ~= c, a ~= f)");
    assert_string_equal(out, "true\ttrue\ttrue\ttrue\n");
    env_close(&e);
}

/* A loss system through the script interface matches Erlang B. */
static void test_luasim_matches_erlang_b(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    const char *out =
        run_ok(&e, "local s = tegn.sim.run{ start = '2026-01-01', dage = 730, replikationer = 40,\n"
                   "  tilbud = { { id = 'T', pladser = 10, henvisninger_pr_aar = 365 * 8 / 20,\n"
                   "    politik = 'afvisning', liggetid = { middel = 20 } } } }\n"
                   "local x = s:rows()[1]\n"
                   "local b = tegn.sim.erlang_b(10, 8)\n"
                   "print(math.abs(x.p_fuld - b) < 4 * x.p_fuld_se, x.p_fuld_se < 0.01,\n"
                   "  math.abs(x.p_afvist - b) < 4 * x.p_afvist_se)");
    assert_string_equal(out, "true\ttrue\ttrue\n");
    env_close(&e);
}

/* The stays of tilbud A, window 2024-01-01 .. 2025-01-01 (366 days):
**   2023-12-22 .. 2024-01-11  20 days, seen from its day 10
**   2024-02-01 .. 2024-03-02  30 days
**   2024-06-01 ..             ongoing: 214 days at the window's end
**   2024-06-10 .. 2024-07-20  40 days
**   2020-01-01 .. 2023-05-01  before the window: left out
** Kaplan-Meier: S(20) = 3/4 (4 at risk), S(30) = 1/2 (3), S(40) = 1/4 (2);
** the last quarter is 214 + Exp(98) (98 = (10 + 30 + 214 + 40) / 3), so
** the mean is (20 + 30 + 40) / 4 + (214 + 98) / 4 = 100.5 and
** E[L^2] = (400 + 900 + 1600) / 4 + (312^2 + 98^2) / 4 = 27462.
** Admissions in the window: 3, so 3 / 366 * 365 a year; seasonal factors
** February (1 / 29) / (3 / 366) and June (2 / 30) / (3 / 366). One
** resident on 2025-01-01. Tilbud B has no completed stay: NULL. */
static void test_luasim_from_stays(void **state) {
    struct env e;
    const char *path = tg_test_tmpfile(".csv");
    char code[2048];
    (void)state;
    write_file(path, "borger;tilbud_id;indflyttet;fraflyttet\n"
                     "1;A;2023-12-22;2024-01-11\n"
                     "2;A;2024-02-01;2024-03-02\n"
                     "3;A;2024-06-01;\n"
                     "4;B;2024-03-01;\n"
                     "5;A;2024-06-10;2024-07-20\n"
                     "6;A;2020-01-01;2023-05-01\n");
    env_open(&e, NULL, 0);
    snprintf(code, sizeof code,
             "local o = tegn.read_csv('%s')\n"
             "local e = tegn.sim.from_stays(o, { fra = '2024-01-01', til = '2025-01-01' })\n"
             "for _, x in ipairs(e:rows()) do\n"
             "  print(x.tilbud_id, x.ophold, x.afsluttede, x.indflytninger, x.belagte,\n"
             "    string.format('%%.10g %%.10g %%.10g', x.henvisninger_pr_aar, "
             "x.middel_liggetid or -1, x.sd_liggetid or -1),\n"
             "    string.format('%%.10g %%.10g %%.10g', x.saeson_01, x.saeson_02, x.saeson_06))\n"
             "end",
             path);
    char want[1024];
    snprintf(want, sizeof want,
             "A\t4\t3\t3\t1\t%.10g %.10g %.10g\t%.10g %.10g %.10g\n"
             "B\t1\t0\t1\t1\t%.10g %.10g %.10g\t%.10g %.10g %.10g\n",
             3.0 / 366 * 365, 100.5, sqrt(27462 - 100.5 * 100.5), 0.0, 366.0 / 87, 732.0 / 90,
             1.0 / 366 * 365, -1.0, -1.0, 0.0, 0.0, 0.0);
    assert_string_equal(run_ok(&e, code), want);
    /* the same stays as an empirical liggetid: the mean is the KM mean */
    snprintf(code, sizeof code,
             "local o = tegn.read_csv('%s'):filter(tegn.col'tilbud_id':eq'A')\n"
             "local s = tegn.sim.run{ start = '2025-01-01', replikationer = 2, tilbud = {\n"
             "  { id = 'A', pladser = 3, henvisninger_pr_aar = 3, liggetid = { fordeling =\n"
             "    'empirisk', ophold = o, fra = '2024-01-01', til = '2025-01-01' } } } }\n"
             "print(s:rows()[1].middel_liggetid)",
             path);
    assert_string_equal(run_ok(&e, code), "100.5\n");
    env_close(&e);
    remove(path);
}

static void expect_error(struct env *e, const char *code, const char *msg) {
    assert_int_equal(env_run(e, code), TG_ESCRIPT);
    if (!strstr(e->err.msg, msg)) fail_msg("message '%s' lacks '%s'", e->err.msg, msg);
}

static void test_luasim_errors(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    /* a Table fetched from an option: the error names the type, not "bad argument #-1" */
    expect_error(&e,
                 "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', pladser = 3,\n"
                 "  henvisninger_pr_aar = 3, liggetid = { fordeling = 'empirisk', ophold = {},\n"
                 "  fra = '2024-01-01', til = '2025-01-01' } } } }",
                 "tegn.Table expected, got a table");
    expect_error(&e, "tegn.sim.erlang_b(2.5, 1)",
                 "sim.erlang_b: 'c' must be a whole number from 0 to 1000000, got 2.5");
    expect_error(&e, "tegn.sim.erlang_c(3, 0/0)",
                 "sim.erlang_c: 'a' must be a number >= 0, got nan");
    expect_error(&e, "tegn.sim.run{ tilbud = {} }", "sim.run: 'start' is required");
    expect_error(&e, "tegn.sim.run{ start = '2026-02-30', tilbud = {} }",
                 "sim.run: 'start' must be a date (\"YYYY-MM-DD\" or tegn.date), got '2026-02-30'");
    expect_error(&e, "tegn.sim.run{ start = '2026-01-01', dagee = 3, tilbud = {} }",
                 "unknown option 'dagee'; did you mean 'dage'?");
    expect_error(&e, "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', pladsr = 3 } } }",
                 "sim.run: tilbud 'X': unknown option 'pladsr'; did you mean 'pladser'?");
    expect_error(&e,
                 "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', pladser = 3,\n"
                 "  henvisninger_pr_aar = 3, henvisninger_pr_dag = 1, liggetid = { middel = 9 } } "
                 "} }",
                 "give one of 'henvisninger_pr_aar' and 'henvisninger_pr_dag'");
    expect_error(&e,
                 "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', pladser = 3,\n"
                 "  henvisninger_pr_aar = 3, liggetid = { fordeling = 'lognormal', middel = 9 } } "
                 "} }",
                 "a lognormal 'liggetid' needs 'sd'");
    expect_error(&e,
                 "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', pladser = 3,\n"
                 "  henvisninger_pr_aar = 3, liggetid = { middel = 0 } } } }",
                 "tilbud 'X': the mean length of stay must be > 0");
    expect_error(&e,
                 "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', pladser = 3,\n"
                 "  henvisninger_pr_aar = 3, politik = 'vent', liggetid = { middel = 9 } } } }",
                 "'politik' must be 'venteliste' or 'afvisning', got 'vent'");
    /* one grammar for every argument error: function, context, key, expectation, value */
    expect_error(
        &e,
        "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'Himmelev', pladser = 1.5,\n"
        "  henvisninger_pr_aar = 3, liggetid = { middel = 9 } } } }",
        "sim.run: tilbud 'Himmelev': 'pladser' must be a whole number from 0 to 1000000, "
        "got 1.5");
    expect_error(&e,
                 "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', pladser = 3,\n"
                 "  henvisninger_pr_aar = 0/0, liggetid = { middel = 9 } } } }",
                 "sim.run: tilbud 'X': 'henvisninger_pr_aar' must be a number, got nan");
    expect_error(&e,
                 "tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', pladser = 3,\n"
                 "  henvisninger_pr_aar = 3, saeson = {1,1,1,1,1,1,1,1,1,1,1,-1},\n"
                 "  liggetid = { middel = 9 } } } }",
                 "sim.run: tilbud 'X': 'saeson[12]' must be a number >= 0, got -1");
    const char *path = tg_test_tmpfile(".csv");
    char code[512];
    write_file(path, "tilbud_id;indflyttet;fraflyttet\nA;2024-01-01;\n");
    snprintf(code, sizeof code, "tegn.sim.from_stays(tegn.read_csv('%s'), {})", path);
    expect_error(&e, code, "the observation window 'fra' and 'til' is required");
    snprintf(code, sizeof code,
             "tegn.sim.from_stays(tegn.read_csv('%s'), { fra = '2024-01-01', til = "
             "'2025-01-01', by = 'indflyttet' })",
             path);
    expect_error(&e, code, "column 'indflyttet' must hold strings");
    remove(path);
    env_close(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luasim_erlang),     cmocka_unit_test(test_luasim_run_tables),
        cmocka_unit_test(test_luasim_seeds),      cmocka_unit_test(test_luasim_matches_erlang_b),
        cmocka_unit_test(test_luasim_from_stays), cmocka_unit_test(test_luasim_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
