/*
** test_luascenario.c -- tegn.scenario from scripts: the hand-worked N+2
** chain of test_scenario.c (10 full places, 2025-2028) through the Lua
** keys under both built-in rule sets, capacity steps given as dates, the
** per-replication table, seeding from the run and from seed =, and the
** error messages.
*/
#include "tg_luatest.h"

static void run_fails(struct env *e, const char *code, const char *want) {
    tg_status st = env_run(e, code);
    if (st == TG_OK) fail_msg("script succeeded: %s", code);
    if (!strstr(e->err.msg, want)) fail_msg("message '%s' lacks '%s'", e->err.msg, want);
}

/* The tilbud of test_scenario_chain_by_hand: nobody moves in or out. */
#define FULL                                                                                   \
    "local function full(extra)\n"                                                             \
    "  local t = { id = 'T', normerede_pladser = 10, start_belagt = 10, henvisninger = 0,\n"   \
    "    liggetid = { fordeling = 'gamma', middel = 1e12, sd = 0 },\n"                         \
    "    omkostninger = { direkte_loen = 9000000, direkte_drift = 1000000,\n"                  \
    "                     ejendom = 500000, tilsyn = 0 },\n"                                   \
    "    historik = { [2022] = 0.90, [2023] = 0.90, [2024] = 0.96 },\n"                        \
    "    regulering = { [2025] = 100000, [2026] = -50000 } }\n"                                \
    "  for k, v in pairs(extra or {}) do t[k] = v end\n"                                       \
    "  return t\n"                                                                             \
    "end\n"                                                                                    \
    "local function show(s)\n"                                                                 \
    "  for _, r in ipairs(s:rows()) do\n"                                                      \
    "    print(r.tilbud_id, r.aar, r.doegntakst_p5, r.doegntakst_p95, r.takstgrundlag_gns,\n"  \
    "          r.resultat_p50, r.regulering_p50, r.regulering_n2_p50, r.p_uden_for_graense)\n" \
    "  end\n"                                                                                  \
    "end\n"

/* Expected: the hand calculation in test_scenario.c. */
static void test_luascenario_chain_by_hand(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    assert_string_equal(
        run_ok(
            &e, FULL
            "local opts = { start_aar = 2025, aar = 4, replikationer = 3, tilbud = { full() } }\n"
            "show(tegn.scenario.run(opts))\n"
            "opts.regler = 'national2027'\n"
            "show(tegn.scenario.run(opts))\n"),
        "T\t2025\t3239.0\t3239.0\t11230000.0\t592350.0\t-30850.0\t100000.0\t1.0\n"
        "T\t2026\t3195.0\t3195.0\t11080000.0\t581750.0\t-27750.0\t-50000.0\t1.0\n"
        "T\t2027\t3103.0\t3103.0\t11099150.0\t226800.0\t0.0\t-30850.0\t0.0\n"
        "T\t2028\t3095.0\t3095.0\t11102250.0\t225450.0\t0.0\t-27750.0\t0.0\n"
        "T\t2025\t3239.0\t3239.0\t11230000.0\t592350.0\t-592350.0\t100000.0\t1.0\n"
        "T\t2026\t3195.0\t3195.0\t11080000.0\t581750.0\t-581750.0\t-50000.0\t1.0\n"
        "T\t2027\t2946.0\t2946.0\t10537650.0\t215250.0\t-215250.0\t-592350.0\t1.0\n"
        "T\t2028\t2941.0\t2941.0\t10548250.0\t215810.0\t-215810.0\t-581750.0\t1.0\n");
    env_close(&e);
}

/* The cut of test_scenario_capacity_by_hand, given as a date, plus a rule
** set object and per-replication rows. */
static void test_luascenario_capacity_and_rows(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    assert_string_equal(
        run_ok(
            &e,
            "local s, rows = tegn.scenario.run{ regler = tegn.takst.rules('BEK2022'),\n"
            "  start_aar = 2026, aar = 1, replikationer = 2, per_replikation = true,\n"
            "  tilbud = { { id = 'cut', normerede_pladser = 25, start_belagt = 21,\n"
            "    kapacitet = { { fra = '2026-07-01', pladser = 21 } },\n"
            "    henvisninger = 0, liggetid = { fordeling = 'lognormal', middel = 1e12, sd = 0 },\n"
            "    omkostninger = { direkte_loen = 20000000, direkte_drift = 2000000,\n"
            "                     ejendom = 1000000, tilsyn = 50000 },\n"
            "    omkostninger_aar = 2025, pl_pct = 2, variabel_andel = 0.6,\n"
            "    historik = { [2023] = 0.97, [2024] = 0.96 } } } }\n"
            "local r = s:rows()[1]\n"
            "print(r.mulige_dage, r.omkostninger, r.doegntakst_p50, r.resultat_p50,\n"
            "      r.regulering_p50, string.format('%.5f', r.normerede_pladser))\n"
            "print(#rows, #rows:columns(), rows:rows()[2].replikation,\n"
            "      rows:rows()[2].belaegningsdage, rows:rows()[2].belagte_dage)\n"),
        "8389.0\t23767469.0\t2936.0\t-1263029.0\t74656.0\t22.98356\n"
        "2\t16\t2\t8095.385\t7665.0\n");
    env_close(&e);
}

static void test_luascenario_seeds(void **state) {
    struct env e;
    const char *p[] = { "x=1" };
    char a[256], b[256];
    (void)state;
    env_open(&e, p, 1);
#define BUSY                                                                              \
    "local function busy(seed) return tegn.scenario.run{ start_aar = 2026, aar = 2,\n"    \
    "  replikationer = 50, seed = seed, tilbud = { { id = 'A', normerede_pladser = 12,\n" \
    "  henvisninger = 20, liggetid = { middel = 200 }, budget_belaegning = 0.95,\n"       \
    "  omkostninger = { direkte_loen = 12000000 } } } } end\n"                            \
    "local function key(s) local r = s:rows()[2]\n"                                       \
    "  return string.format('%.3f %.3f', r.resultat_gns, r.belaegning_p50) end\n"
    snprintf(a, sizeof a, "%s", run_ok(&e, BUSY "print(key(busy()), key(busy(99)))\n"));
    snprintf(b, sizeof b, "%s", run_ok(&e, BUSY "print(key(busy()), key(busy(99)))\n"));
    assert_string_equal(a, b);
    char *tab = strchr(a, '\t');
    assert_non_null(tab);
    assert_true(strncmp(a, tab + 1, (size_t)(tab - a)) != 0); /* seed = 99 differs */
    env_close(&e);
}

static void test_luascenario_errors(void **state) {
    struct env e;
    (void)state;
    env_open(&e, NULL, 0);
    run_ok(&e, FULL);
    run_fails(&e, FULL "tegn.scenario.run{ start_aar = 2025, tilbud = { full{ henvisning = 3 } } }",
              "unknown option 'henvisning'; did you mean 'henvisninger'?");
    run_fails(&e,
              FULL "local t = full(); t.henvisninger = nil\n"
                   "tegn.scenario.run{ start_aar = 2025, tilbud = { t } }",
              "scenario.run: tilbud 'T': 'henvisninger' is required");
    run_fails(&e,
              FULL "tegn.scenario.run{ start_aar = 2025, tilbud = { full{\n"
                   "  kapacitet = { { fra = '2025-13-01', pladser = 4 } } } } }",
              "scenario.run: tilbud 'T': kapacitet[1]: 'fra' must be a date (\"YYYY-MM-DD\" or "
              "tegn.date), got '2025-13-01'");
    run_fails(&e,
              FULL
              "tegn.scenario.run{ start_aar = 2025, tilbud = { full{ normerede_pladser = 2.5 } } }",
              "scenario.run: tilbud 'T': 'normerede_pladser' must be a whole number from 0 to "
              "1000000, got 2.5");
    run_fails(&e, FULL "tegn.scenario.run{ start_aar = 2025, tilbud = { full{ pl_pct = 0/0 } } }",
              "scenario.run: tilbud 'T': 'pl_pct' must be a number, got nan");
    run_fails(&e, FULL "tegn.scenario.run{ start_aar = 2025.5, tilbud = { full() } }",
              "scenario.run: 'start_aar' must be a whole number from 1900 to 9000, got 2025.5");
    run_fails(&e,
              FULL "tegn.scenario.run{ start_aar = 2025, tilbud = { full{\n"
                   "  omkostninger = { regulering_n2 = 5 } } } }",
              "scenario.run: tilbud 'T': omkostninger: unknown option 'regulering_n2'");
    run_fails(&e,
              FULL "tegn.scenario.run{ start_aar = 2025, regler = 'BEK2099', tilbud = { full() } }",
              "no rule set 'BEK2099'");
    run_fails(&e, FULL "tegn.scenario.run{ start_aar = 2025, tilbud = { full(), full() } }",
              "two tilbud have the id 'T'");
    run_fails(
        &e,
        FULL
        "tegn.scenario.run{ start_aar = 2025, tilbud = { full{ historik = { [2025] = 1 } } } }",
        "historik must be years before 2025");
    run_fails(&e, FULL "tegn.scenario.run{ start_aar = 2025, tilbud = { full{ historik = {} } } }",
              "tilbud 'T': no actual occupancy to budget 2025 on");
    run_fails(&e,
              FULL "tegn.scenario.run{ start_aar = 2025, aar = 1, tilbud = { full{\n"
                   "  regulering = { [2026] = 1 } } } }",
              "regulering: year 2026 is outside 2025-2025");
    assert_int_equal(env_run(&e, FULL "tegn.scenario.run{ start_aar = 2025, tilbud = { full() } }"),
                     TG_OK);
    assert_int_equal(env_run(&e, "tegn.scenario.run{ start_aar = 2025, tilbud = 3 }"), TG_ESCRIPT);
    assert_int_equal(e.err.line, 1);
    env_close(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luascenario_chain_by_hand),
        cmocka_unit_test(test_luascenario_capacity_and_rows),
        cmocka_unit_test(test_luascenario_seeds),
        cmocka_unit_test(test_luascenario_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
