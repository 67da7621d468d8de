/*
** test_luatakst.c -- what only C can check of tegn.takst: every allocation
** failure while compute_table and compute run is survived. The rule sets,
** example E, compute_table over the bundled data, the small functions and
** the error messages are in tests/lua/takst.lua.
*/
#include "tg_luatest.h"

#include <stdlib.h>
#include <unistd.h>

/* ---- allocation failures ---- */

/* The script reads PARAM and BUDGET, two small CSV files. */
static char param_csv[1100], budget_csv[1100];

static tg_status oom_script(void *ctx) {
    static const char *const names[] = { "PARAM", "BUDGET" };
    const char *values[] = { param_csv, budget_csv };
    return run_fresh(ctx, names, values, 2);
}

static void test_luatakst_allocation_failures(void **state) {
    (void)state;
    snprintf(param_csv, sizeof param_csv, "%s", tg_test_tmpfile(".csv"));
    snprintf(budget_csv, sizeof budget_csv, "%s", tg_test_tmpfile(".csv"));
    /* example E as tilbud E, and a second tilbud-year */
    write_file(param_csv, "aar;tilbud_id;normerede_pladser;budget_belaegning\n"
                          "2023;E;20;0,95\n2024;E;20;0,96\n");
    write_file(budget_csv, "aar;tilbud_id;omkostningstype;beloeb_kr\n"
                           "2023;E;direkte_loen;28000000\n2023;E;tilsyn;0\n"
                           "2023;E;afskrivning;600000\n2023;E;forrentning;250000\n"
                           "2023;E;regulering_n2;400000\n2024;E;direkte_loen;29000000\n");
    tg_test_oom_loop(
        oom_script, "local p = tegn.read_csv(PARAM, { threads = 1 })\n"
                    "local b = tegn.read_csv(BUDGET, { threads = 1 })\n"
                    "local t = tegn.takst.compute_table(p, b, tegn.takst.rules{ momssats = 0.2 })\n"
                    "assert(#t == 2 and t:rows()[1].doegntakst == 4460)\n"
                    "local r = tegn.takst.compute{ normerede_pladser = 20, aar = 2023,\n"
                    "  budget_belaegning = 0.95, omkostninger = { direkte_loen = 1e6 } }\n"
                    "assert(r.regler == 'BEK2022')\n");
    unlink(param_csv);
    unlink(budget_csv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_luatakst_allocation_failures, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
