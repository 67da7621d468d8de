/*
** test_judge.c -- success-sign verdicts: values, suppression and verdicts
** for each kind, against numbers worked by hand (the arithmetic is in the
** comments) and the domain brief's Copenhagen loneliness check.
*/
#include "tg_test.h"

#include <math.h>
#include <string.h>

#include "tg_judge.h"

static tg_judge_point prop(double x, double num, double den) {
    tg_judge_point p = { 0 };
    p.x = x;
    p.num = num;
    p.den = den;
    p.n = p.mean = p.sd = p.target = p.dispersion = NAN;
    return p;
}

static void fill_all(tg_judge_point *p, size_t n, const tg_judge_opts *o) {
    for (size_t i = 0; i < n; i++) tg_judge_point_fill(&p[i], o);
}

/* 47 % of 7,282 in 2015, 42 % of 7,094 in 2017 (the brief's check): a fall
** of 5.0 points with a 95 % interval of about 3.4-6.6 points. */
static void test_judge_loneliness_improved(void **state) {
    tg_judge_point p[2] = { prop(2015, 3423, 7282), prop(2017, 2979, 7094) };
    tg_judge_opts o;
    tg_judge_verdict v;
    (void)state;
    tg_judge_opts_init(&o, TG_JUDGE_PROPORTION);
    o.direction = -1;
    fill_all(p, 2, &o);
    assert_true(fabs(p[0].value - 3423.0 / 7282) < 1e-15);
    assert_false(p[0].suppressed || p[0].small);
    assert_int_equal(tg_judge_group(p, 2, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_int_equal(v.verdict, TG_VERDICT_IMPROVED);
    assert_int_equal(v.base, 0);
    assert_int_equal(v.last, 1);
    assert_true(fabs(v.change.est - (2979.0 / 7094 - 3423.0 / 7282)) < 1e-12);
    assert_true(v.change.lo > -0.067 && v.change.lo < -0.065);
    assert_true(v.change.hi > -0.035 && v.change.hi < -0.033);
    assert_true(fabs(v.change.stat) > 5.9 && fabs(v.change.stat) < 6.3);
    assert_false(v.has_trend);
    assert_string_equal(tg_judge_verdict_name(v.verdict), "improved");
    o.direction = 1; /* the same change is worse when a rise is good */
    assert_int_equal(tg_judge_group(p, 2, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_int_equal(v.verdict, TG_VERDICT_WORSE);
}

/* 10 of 50 vs 12 of 50: a 4-point rise far inside its interval. */
static void test_judge_no_clear_change(void **state) {
    tg_judge_point p[2] = { prop(2019, 10, 50), prop(2025, 12, 50) };
    tg_judge_opts o;
    tg_judge_verdict v;
    (void)state;
    tg_judge_opts_init(&o, TG_JUDGE_PROPORTION);
    fill_all(p, 2, &o);
    assert_int_equal(tg_judge_group(p, 2, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_int_equal(v.verdict, TG_VERDICT_NO_CLEAR_CHANGE);
    assert_true(v.change.lo < 0 && v.change.hi > 0);
}

/* Counts 1-4 hide a period; 0 does not; n below min_n is shown but not
** judged. */
static void test_judge_suppression_and_small(void **state) {
    tg_judge_point p[4] = { prop(1, 3, 40), prop(2, 0, 40), prop(3, 5, 15), prop(4, 2, 4) };
    tg_judge_opts o;
    tg_judge_verdict v;
    (void)state;
    tg_judge_opts_init(&o, TG_JUDGE_PROPORTION);
    fill_all(p, 4, &o);
    assert_true(p[0].suppressed && isnan(p[0].value) && isnan(p[0].lo));
    assert_false(p[1].suppressed);
    assert_true(p[1].value == 0 && p[1].lo == 0 && p[1].hi > 0);
    assert_false(p[2].suppressed);
    assert_true(p[2].small && fabs(p[2].value - 1.0 / 3) < 1e-15);
    assert_true(p[3].suppressed); /* the denominator itself is below 5 */
    assert_int_equal(tg_judge_group(p, 3, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_int_equal(v.verdict, TG_VERDICT_NOT_JUDGED);
    assert_int_equal(v.base, 0);
    assert_int_equal(v.last, 2);
    o.sdc.min_count = 3; /* configurable: 3 of 40 is now shown */
    tg_judge_point_fill(&p[0], &o);
    assert_false(p[0].suppressed);
}

/* comparable_from drops the earlier periods; an explicit baseline picks
** its period among the comparable ones. */
static void test_judge_baseline_and_break(void **state) {
    tg_judge_point p[4] = { prop(2019, 400, 1000), prop(2021, 420, 1000), prop(2022, 550, 1000),
                            prop(2024, 560, 1000) };
    tg_judge_opts o;
    tg_judge_verdict v;
    (void)state;
    tg_judge_opts_init(&o, TG_JUDGE_PROPORTION);
    fill_all(p, 4, &o);
    assert_int_equal(tg_judge_group(p, 4, 2022, NAN, &o, &v, NULL), TG_OK);
    assert_int_equal(v.base, 2);
    assert_int_equal(v.last, 3);
    assert_int_equal(v.verdict, TG_VERDICT_NO_CLEAR_CHANGE); /* 55 % -> 56 % of 1,000 */
    assert_false(v.has_trend);
    assert_int_equal(tg_judge_group(p, 4, NAN, 2021, &o, &v, NULL), TG_OK);
    assert_int_equal(v.base, 1);
    assert_int_equal(v.verdict, TG_VERDICT_IMPROVED); /* 42 % -> 56 % */
    assert_true(v.has_trend && v.trend.n == 4);
    assert_int_equal(tg_judge_group(p, 4, 2030, NAN, &o, &v, NULL), TG_OK);
    assert_int_equal(v.verdict, TG_VERDICT_NOT_JUDGED);
}

/* A significant rise from a low first year, while the ten years after
** fall steadily: 30 % then 50, 48, ..., 32 % (n = 5,000 each). By hand
** (11 points, so the normal approximation): Mann-Kendall S = 10 (the first
** point below all later) - 45 (the other 10 falling: 10*9/2 pairs) = -35;
** var S = 11*10*27/18 = 165; z = (-35 + 1) / sqrt(165) = -2.647, p =
** 0.0081: a significant fall, so the endpoint rise is not called an
** improvement. */
static void test_judge_trend_holds_back(void **state) {
    tg_judge_point p[11];
    tg_judge_opts o;
    tg_judge_verdict v;
    (void)state;
    p[0] = prop(1, 1500, 5000);
    for (int i = 1; i < 11; i++) p[i] = prop(i + 1, 5000 * (0.50 - 0.02 * (i - 1)), 5000);
    tg_judge_opts_init(&o, TG_JUDGE_PROPORTION);
    fill_all(p, 11, &o);
    assert_int_equal(tg_judge_group(p, 11, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_true(v.change.lo > 0);
    assert_true(v.has_trend);
    assert_true(v.trend.s == -35);
    assert_true(fabs(v.trend.var_s - 165) < 1e-9);
    assert_true(fabs(v.trend.z - (-34 / sqrt(165))) < 1e-9);
    assert_true(fabs(v.trend.p - 0.00812) < 1e-4);
    assert_int_equal(v.verdict, TG_VERDICT_NO_CLEAR_CHANGE);
    assert_non_null(strstr(v.reason, "trend points the other way"));
}

/* Means: 40 vs 44 points (sd 20, n 500 each): difference 4, standard
** error sqrt(400/500 * 2) = 1.265, t = 3.16: improved when up is good. */
static void test_judge_mean(void **state) {
    tg_judge_point p[2];
    tg_judge_opts o;
    tg_judge_verdict v;
    (void)state;
    for (int i = 0; i < 2; i++) {
        p[i] = prop(2020 + i, NAN, NAN);
        p[i].mean = 40 + 4 * i;
        p[i].sd = 20;
        p[i].n = 500;
    }
    tg_judge_opts_init(&o, TG_JUDGE_MEAN);
    fill_all(p, 2, &o);
    assert_true(p[0].value == 40 && p[0].size == 500);
    /* t interval: 40 +- t(0.975, 499) * 20 / sqrt(500), t = 1.96472 */
    assert_true(fabs(p[0].hi - (40 + 1.964729 * 20 / sqrt(500))) < 1e-4);
    assert_int_equal(tg_judge_group(p, 2, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_true(v.change.est == 4);
    assert_true(fabs(v.change.stat - 4 / sqrt(1.6)) < 1e-9);
    assert_int_equal(v.verdict, TG_VERDICT_IMPROVED);
}

/* Rates: 124 sick days over 10 FTE-years vs 114: the ratio 114/124 =
** 0.919 is well inside chance; per = 1 keeps days per FTE-year. */
static void test_judge_rate(void **state) {
    tg_judge_point p[2] = { prop(2019, 124, 10), prop(2025, 114, 10) };
    tg_judge_opts o;
    tg_judge_verdict v;
    (void)state;
    tg_judge_opts_init(&o, TG_JUDGE_RATE);
    o.direction = -1;
    o.min_n = 5;
    fill_all(p, 2, &o);
    assert_true(p[0].value == 12.4);
    assert_true(p[0].lo < 12.4 && p[0].hi > 12.4);
    assert_int_equal(tg_judge_group(p, 2, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_true(v.change_is_ratio);
    assert_true(fabs(v.change.est - 114.0 / 124) < 1e-12);
    assert_true(v.change.lo < 1 && v.change.hi > 1);
    assert_int_equal(v.verdict, TG_VERDICT_NO_CLEAR_CHANGE);
    /* Dispersion 4: the interval is that of 31 events over 2.5 exposure,
    ** about twice as wide; 4 x (124 vs 114) = 496 vs 456 days would again be
    ** no clear change, and the ratio itself does not move. */
    p[0].dispersion = p[1].dispersion = 4;
    fill_all(p, 2, &o);
    tg_interval narrow = tg_stats_rate_ci(124, 10, 0.95), wide = tg_stats_rate_ci(31, 2.5, 0.95);
    assert_true(p[0].value == 12.4 && p[0].lo == wide.lo && p[0].hi == wide.hi);
    assert_true(p[0].hi - p[0].lo > 1.9 * (narrow.hi - narrow.lo));
    assert_int_equal(tg_judge_group(p, 2, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_true(fabs(v.change.est - 114.0 / 124) < 1e-12);
    p[0].dispersion = p[1].dispersion = NAN;
    o.per = 100; /* the same rate per 100 */
    tg_judge_point_fill(&p[0], &o);
    assert_true(fabs(p[0].value - 1240) < 1e-9);
}

/* Flags: |value - target| >= 0.05, with 0.95 - 0.90 counting as 5 points. */
static void test_judge_flag(void **state) {
    tg_judge_point p[3] = { prop(1, 900, 1000), prop(2, 920, 1000), prop(3, 1015, 1000) };
    tg_judge_opts o;
    (void)state;
    tg_judge_opts_init(&o, TG_JUDGE_PROPORTION);
    o.flag_deviation = 0.05;
    p[0].target = 0.95;
    p[1].target = 0.967;
    p[2].target = 0.965;
    fill_all(p, 3, &o);
    assert_true(p[0].flag);
    assert_false(p[1].flag);
    assert_true(p[2].flag);           /* over-occupancy counts too */
    assert_true(p[2].value == 1.015); /* above 1: occupancy can exceed places */
}

/* A census (occupancy from the registers) has no sampling error: no
** intervals and no verdict, while its flags still work. */
static void test_judge_census(void **state) {
    tg_judge_point p[2] = { prop(2019, 900, 1000), prop(2025, 990, 1000) };
    tg_judge_opts o;
    tg_judge_verdict v;
    (void)state;
    tg_judge_opts_init(&o, TG_JUDGE_PROPORTION);
    o.census = 1;
    o.flag_deviation = 0.05;
    p[0].target = 0.96;
    fill_all(p, 2, &o);
    assert_true(p[0].value == 0.9 && isnan(p[0].lo) && isnan(p[0].hi));
    assert_true(p[0].flag);
    assert_int_equal(tg_judge_group(p, 2, NAN, NAN, &o, &v, NULL), TG_OK);
    assert_int_equal(v.verdict, TG_VERDICT_NOT_JUDGED);
    assert_false(v.has_change || v.has_trend);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge_loneliness_improved),
        cmocka_unit_test(test_judge_no_clear_change),
        cmocka_unit_test(test_judge_suppression_and_small),
        cmocka_unit_test(test_judge_baseline_and_break),
        cmocka_unit_test(test_judge_trend_holds_back),
        cmocka_unit_test(test_judge_mean),
        cmocka_unit_test(test_judge_rate),
        cmocka_unit_test(test_judge_flag),
        cmocka_unit_test(test_judge_census),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
