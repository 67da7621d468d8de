/*
** test_sdc.c -- disclosure control: the primary rules on counts and their
** complements, dominance and rounding, and secondary suppression on lines
** worked by hand (a group and its total; two hidden counts whose sum
** pins them both).
*/
#include "tg_test.h"

#include <math.h>

#include "tg_sdc.h"

static void test_sdc_named_and_count(void **state) {
    tg_sdc_rules r;
    (void)state;
    assert_false(tg_sdc_rules_named(&r, "DST"));
    assert_true(tg_sdc_rules_named(&r, "tegn"));
    assert_int_equal(tg_sdc_count(&r, 3, 40), TG_SDC_SMALL);
    assert_int_equal(tg_sdc_count(&r, 0, 40), TG_SDC_SHOWN);
    assert_int_equal(tg_sdc_count(&r, 5, 40), TG_SDC_SHOWN);
    assert_int_equal(tg_sdc_count(&r, 38, 40), TG_SDC_COMPLEMENT); /* 2 do not */
    assert_int_equal(tg_sdc_count(&r, 40, 40), TG_SDC_SHOWN);
    assert_int_equal(tg_sdc_count(&r, 2, 4), TG_SDC_SMALL); /* the size itself */
    assert_int_equal(tg_sdc_count(&r, 38, NAN), TG_SDC_SHOWN);
    assert_int_equal(tg_sdc_count(&r, 4.9999999999, 40), TG_SDC_SHOWN); /* weighted noise */
    r.zero_hides = 1;
    assert_int_equal(tg_sdc_count(&r, 0, 40), TG_SDC_ZERO);
    assert_int_equal(tg_sdc_count(&r, 40, 40), TG_SDC_ZERO);
    assert_true(tg_sdc_rules_named(&r, "dst"));
    assert_int_equal(tg_sdc_count(&r, 3, 40), TG_SDC_SHOWN);
    assert_int_equal(tg_sdc_count(&r, 2, 40), TG_SDC_SMALL);
    assert_int_equal(tg_sdc_count(&r, 38, 40), TG_SDC_COMPLEMENT);
    assert_string_equal(tg_sdc_reason_name(TG_SDC_COMPLEMENT), "complement");
}

/* p = 10: 100 = 80 + 15 + 5: the 5 left are under 8, dominated; 100 = 60
** + 25 + 15: 15 >= 6, not. (2, 85): 80 + 15 = 95 % > 85 %. */
static void test_sdc_dominance_and_round(void **state) {
    tg_sdc_rules r;
    double a[2] = { 80, 15 }, b[2] = { 60, 25 };
    (void)state;
    tg_sdc_rules_named(&r, "tegn");
    assert_true(tg_sdc_dominated(&r, 100, a, 2, 10));
    assert_false(tg_sdc_dominated(&r, 100, b, 2, 10));
    assert_true(tg_sdc_dominated(&r, 100, b, 2, 2)); /* two parts know each other */
    r.p_percent = NAN;
    assert_false(tg_sdc_dominated(&r, 100, a, 2, 10));
    r.nk_n = 2;
    r.nk_k = 85;
    assert_true(tg_sdc_dominated(&r, 100, a, 2, 10));
    assert_false(tg_sdc_dominated(&r, 100, b, 2, 10));
    assert_true(tg_sdc_round(&r, 97) == 97);
    r.round_to = 5;
    assert_true(tg_sdc_round(&r, 97) == 95 && tg_sdc_round(&r, 97.5) == 100);
    assert_true(tg_sdc_round(&r, 3) == 5 && tg_sdc_round(&r, 2) == 0);
    assert_true(isnan(tg_sdc_round(&r, NAN)));
}

/* Groups 3 (hidden), 20, 25 and their total 48: the 3 is 48 - 45. Hiding
** the cheapest other (cost = the value here) widens it to [1, 4]. */
static void test_sdc_secondary_one_line(void **state) {
    tg_sdc_term t[4] = { { 0, 1, 3, 1, 4, 0 },
                         { 1, 1, 20, 0, INFINITY, 0 },
                         { 2, 1, 25, 0, INFINITY, 0 },
                         { 3, -1, 48, 0, INFINITY, 0 } };
    size_t start[2] = { 0, 4 };
    double cost[4] = { 3, 20, 25, INFINITY }, lo, hi;
    uint8_t hidden[4] = { TG_SDC_SMALL, 0, 0, 0 };
    (void)state;
    tg_sdc_range(t, 4, hidden, 0, &lo, &hi);
    assert_true(lo == 3 && hi == 3);
    assert_int_equal(tg_sdc_secondary(t, start, 1, cost, hidden, 4), 0);
    assert_int_equal(hidden[1], TG_SDC_SECONDARY);
    assert_int_equal(hidden[2], 0);
    tg_sdc_range(t, 4, hidden, 0, &lo, &hi);
    assert_true(lo == 1 && hi == 4);
    tg_sdc_range(t, 4, hidden, 1, &lo, &hi);
    assert_true(lo == 19 && hi == 22);
}

/* Two hidden counts of 1 beside 30 and a total of 32: each is in [1, 4]
** and they sum to 2, so both are 1; a third cell must go. With a hidden
** total and nothing else hidden, the total is 33 - 0: a part goes too. */
static void test_sdc_secondary_pinned_pair(void **state) {
    tg_sdc_term t[4] = { { 0, 1, 1, 1, 4, 0 },
                         { 1, 1, 1, 1, 4, 0 },
                         { 2, 1, 30, 0, INFINITY, 0 },
                         { 3, -1, 32, 0, INFINITY, 0 } };
    tg_sdc_term u[3] = { { 0, 1, 10, 0, INFINITY, 0 },
                         { 1, 1, 23, 0, INFINITY, 0 },
                         { 2, -1, 33, 0, INFINITY, 0 } };
    size_t start[2] = { 0, 4 }, ustart[2] = { 0, 3 };
    double cost[4] = { 1, 1, 30, INFINITY }, ucost[3] = { 10, 23, INFINITY };
    uint8_t hidden[4] = { TG_SDC_SMALL, TG_SDC_SMALL, 0, 0 }, uh[3] = { 0, 0, TG_SDC_SMALL };
    (void)state;
    assert_int_equal(tg_sdc_secondary(t, start, 1, cost, hidden, 4), 0);
    assert_int_equal(hidden[2], TG_SDC_SECONDARY);
    assert_int_equal(tg_sdc_secondary(u, ustart, 1, ucost, uh, 3), 0);
    assert_int_equal(uh[0], TG_SDC_SECONDARY);
    assert_int_equal(uh[1], 0);
    /* nothing left to hide: the line stays exposed and is counted */
    cost[2] = INFINITY;
    hidden[2] = 0;
    assert_int_equal(tg_sdc_secondary(t, start, 1, cost, hidden, 4), 1);
}

/* What the search assumes a reader knows: a hidden 3 is 1-4, a hidden 30
** at least 5, a hidden 0 at most 4; a weighted sum only its sign. */
static void test_sdc_bounds(void **state) {
    tg_sdc_rules r;
    double lo, hi;
    (void)state;
    tg_sdc_rules_named(&r, "tegn");
    tg_sdc_bounds(&r, 3, 1, &lo, &hi);
    assert_true(lo == 1 && hi == 4);
    tg_sdc_bounds(&r, 30, 1, &lo, &hi);
    assert_true(lo == 5 && isinf(hi));
    tg_sdc_bounds(&r, 0, 1, &lo, &hi);
    assert_true(lo == 0 && hi == 4);
    tg_sdc_bounds(&r, 3, 0, &lo, &hi);
    assert_true(lo == 0 && isinf(hi));
}

/* A funnel's line 30 - 23 - d = 0: a d of 7 is never published but not
** protected (free), so being pinned hides nothing; a d of 2 is, so the
** step of lower index goes (equal costs): d is then 1-4 again. */
static void test_sdc_free(void **state) {
    tg_sdc_term t[3] = { { 0, 1, 30, 0, INFINITY, 0 },
                         { 1, -1, 23, 0, INFINITY, 0 },
                         { 2, -1, 7, 5, INFINITY, 1 } };
    size_t start[2] = { 0, 3 };
    double cost[3] = { 40, 40, INFINITY };
    uint8_t hidden[3] = { 0, 0, TG_SDC_SMALL };
    (void)state;
    assert_int_equal(tg_sdc_secondary(t, start, 1, cost, hidden, 3), 0);
    assert_int_equal(hidden[0], 0);
    assert_int_equal(hidden[1], 0);
    t[1].value = 28;
    t[2] = (tg_sdc_term){ 2, -1, 2, 1, 4, 0 };
    assert_int_equal(tg_sdc_secondary(t, start, 1, cost, hidden, 3), 0);
    assert_int_equal(hidden[0], TG_SDC_SECONDARY); /* the lower index of equal cost */
    assert_int_equal(hidden[1], 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdc_named_and_count),
        cmocka_unit_test(test_sdc_dominance_and_round),
        cmocka_unit_test(test_sdc_secondary_one_line),
        cmocka_unit_test(test_sdc_secondary_pinned_pair),
        cmocka_unit_test(test_sdc_bounds),
        cmocka_unit_test(test_sdc_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
