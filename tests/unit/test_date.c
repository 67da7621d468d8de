/*
** test_date.c -- tg_date against independent references: a naive calendar
** that counts day by day from 0001-01-01 to 9999-12-31 (with its own month
** table, leap rule and ISO-week counter), and fixed values obtained from
** GNU date (`date -u -d D +%s` / 86400 and `date -u -d D +%G-%V-%u`).
*/
#include "tg_test.h"

#include <string.h>

#include "tg_date.h"

/* The reference calendar: advances y-m-d by one day at a time. */
struct naive {
    int y, m, d;
    int wd; /* 1 = Monday */
    int isoyear, isoweek;
};

static int naive_leap(int y) {
    if (y % 400 == 0) return 1;
    if (y % 100 == 0) return 0;
    return y % 4 == 0;
}

static int naive_mlen(int y, int m) {
    switch (m) {
    case 4:
    case 6:
    case 9:
    case 11: return 30;
    case 2: return naive_leap(y) ? 29 : 28;
    default: return 31;
    }
}

static void naive_next(struct naive *c) {
    if (++c->d > naive_mlen(c->y, c->m)) {
        c->d = 1;
        if (++c->m > 12) {
            c->m = 1;
            c->y++;
        }
    }
    c->wd = c->wd % 7 + 1;
    if (c->wd == 1) {
        /* A Monday starts week 1 when its week holds 4 January, i.e. when
        ** it falls on 29 December .. 4 January. */
        if (c->m == 12 && c->d >= 29) {
            c->isoyear = c->y + 1;
            c->isoweek = 1;
        } else if (c->m == 1 && c->d <= 4) {
            c->isoyear = c->y;
            c->isoweek = 1;
        } else {
            c->isoweek++;
        }
    }
}

static void test_date_naive_calendar(void **state) {
    (void)state;
    /* 0001-01-01 is day -719162 and a Monday of ISO week 1 of year 1 (GNU date). */
    struct naive c = { 1, 1, 1, 1, 1, 1 };
    int32_t days = -719162;
    long checked = 0;

    for (;;) {
        int y, m, d, iy;
        assert_int_equal(tg_date_from_ymd(c.y, c.m, c.d), days);
        tg_date_to_ymd(days, &y, &m, &d);
        if (y != c.y || m != c.m || d != c.d)
            fail_msg("day %d: got %04d-%02d-%02d, want %04d-%02d-%02d", (int)days, y, m, d, c.y,
                     c.m, c.d);
        assert_int_equal(tg_date_year(days), c.y);
        assert_int_equal(tg_date_month(days), c.m);
        assert_int_equal(tg_date_quarter(days), (c.m + 2) / 3);
        assert_int_equal(tg_date_weekday(days), c.wd);
        assert_int_equal(tg_date_isoweek(days, &iy), c.isoweek);
        assert_int_equal(iy, c.isoyear);
        assert_true(tg_date_valid(c.y, c.m, c.d));
        assert_int_equal(tg_date_days_in_month(c.y, c.m), naive_mlen(c.y, c.m));
        checked++;
        if (c.y == 9999 && c.m == 12 && c.d == 31) break;
        naive_next(&c);
        days++;
    }
    /* 9999-12-31 is day 2932896 (GNU date); the loop must have got there. */
    assert_int_equal(days, 2932896);
    assert_int_equal(checked, 2932896 + 719162 + 1);
}

static void test_date_known_days(void **state) {
    (void)state;
    /* From `date -u -d D +%s` / 86400. */
    static const struct {
        int y, m, d;
        int32_t days;
    } cases[] = {
        { 1970, 1, 1, 0 },       { 1969, 12, 31, -1 },   { 1900, 1, 1, -25567 },
        { 2024, 3, 1, 19783 },   { 2024, 2, 29, 19782 }, { 2000, 2, 29, 11016 },
        { 1600, 3, 1, -135080 }, { 1, 1, 1, -719162 },   { 9999, 12, 31, 2932896 },
        { 2020, 12, 31, 18627 }, { 2021, 1, 4, 18631 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int y, m, d;
        assert_int_equal(tg_date_from_ymd(cases[k].y, cases[k].m, cases[k].d), cases[k].days);
        tg_date_to_ymd(cases[k].days, &y, &m, &d);
        assert_int_equal(y, cases[k].y);
        assert_int_equal(m, cases[k].m);
        assert_int_equal(d, cases[k].d);
    }
}

static void test_date_isoweek_new_year(void **state) {
    (void)state;
    /* date, day number, %G, %V, %u -- all from GNU date. */
    static const struct {
        const char *iso;
        int32_t days;
        int isoyear, week, wd;
    } cases[] = {
        { "2004-12-31", 12783, 2004, 53, 5 },   { "2005-01-02", 12785, 2004, 53, 7 },
        { "2005-01-03", 12786, 2005, 1, 1 },    { "2008-12-28", 14241, 2008, 52, 7 },
        { "2008-12-29", 14242, 2009, 1, 1 },    { "2008-12-31", 14244, 2009, 1, 3 },
        { "2009-12-31", 14609, 2009, 53, 4 },   { "2010-01-03", 14612, 2009, 53, 7 },
        { "2010-01-04", 14613, 2010, 1, 1 },    { "2015-12-28", 16797, 2015, 53, 1 },
        { "2016-01-03", 16803, 2015, 53, 7 },   { "2016-01-04", 16804, 2016, 1, 1 },
        { "2020-12-31", 18627, 2020, 53, 4 },   { "2021-01-01", 18628, 2020, 53, 5 },
        { "2021-01-03", 18630, 2020, 53, 7 },   { "2021-01-04", 18631, 2021, 1, 1 },
        { "2021-12-31", 18992, 2021, 52, 5 },   { "2022-01-02", 18994, 2021, 52, 7 },
        { "2022-01-03", 18995, 2022, 1, 1 },    { "2024-12-29", 20086, 2024, 52, 7 },
        { "2024-12-30", 20087, 2025, 1, 1 },    { "2024-12-31", 20088, 2025, 1, 2 },
        { "2025-01-01", 20089, 2025, 1, 3 },    { "2026-12-31", 20818, 2026, 53, 4 },
        { "2027-01-03", 20821, 2026, 53, 7 },   { "2027-01-04", 20822, 2027, 1, 1 },
        { "2028-01-02", 21185, 2027, 52, 7 },   { "2028-01-03", 21186, 2028, 1, 1 },
        { "2024-03-01", 19783, 2024, 9, 5 },    { "1970-01-01", 0, 1970, 1, 4 },
        { "9999-12-31", 2932896, 9999, 52, 5 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int32_t days;
        int iy = 0;
        assert_int_equal(tg_date_parse_iso(cases[k].iso, 10, &days), 0);
        assert_int_equal(days, cases[k].days);
        assert_int_equal(tg_date_isoweek(days, &iy), cases[k].week);
        assert_int_equal(iy, cases[k].isoyear);
        assert_int_equal(tg_date_weekday(days), cases[k].wd);
        assert_int_equal(tg_date_isoweek(days, NULL), cases[k].week);
    }
}

static void test_date_leap_and_month_length(void **state) {
    (void)state;
    assert_false(tg_date_is_leap(1900));
    assert_true(tg_date_is_leap(2000));
    assert_true(tg_date_is_leap(2024));
    assert_false(tg_date_is_leap(2023));
    assert_false(tg_date_is_leap(2100));
    assert_true(tg_date_is_leap(1600));
    assert_int_equal(tg_date_days_in_month(1900, 2), 28);
    assert_int_equal(tg_date_days_in_month(2000, 2), 29);
    assert_int_equal(tg_date_days_in_month(2024, 2), 29);
    assert_int_equal(tg_date_days_in_month(2023, 2), 28);
    assert_int_equal(tg_date_days_in_month(2023, 1), 31);
    assert_int_equal(tg_date_days_in_month(2023, 4), 30);
    assert_int_equal(tg_date_days_in_month(2023, 12), 31);
}

static void test_date_valid(void **state) {
    (void)state;
    assert_true(tg_date_valid(2024, 2, 29));
    assert_false(tg_date_valid(2023, 2, 29));
    assert_false(tg_date_valid(1900, 2, 29));
    assert_true(tg_date_valid(2000, 2, 29));
    assert_false(tg_date_valid(2024, 4, 31));
    assert_false(tg_date_valid(2024, 13, 1));
    assert_false(tg_date_valid(2024, 0, 1));
    assert_false(tg_date_valid(2024, 1, 0));
    assert_false(tg_date_valid(0, 1, 1));
    assert_false(tg_date_valid(10000, 1, 1));
    assert_true(tg_date_valid(1, 1, 1));
    assert_true(tg_date_valid(9999, 12, 31));
}

static void test_date_trunc(void **state) {
    (void)state;
    /* 2024-03-01 (day 19783) is a Friday: its week began Monday 2024-02-26
    ** (19779); its quarter 2024-01-01 (19723, GNU date); 2024-08-15 (19950)
    ** lies in the quarter from 2024-07-01 (19905) and the month from
    ** 2024-08-01 (19936). */
    assert_int_equal(tg_date_trunc(19783, TG_UNIT_WEEK), 19779);
    assert_int_equal(tg_date_trunc(19783, TG_UNIT_MONTH), 19783);
    assert_int_equal(tg_date_trunc(19783, TG_UNIT_QUARTER), 19723);
    assert_int_equal(tg_date_trunc(19783, TG_UNIT_YEAR), 19723);
    assert_int_equal(tg_date_trunc(19950, TG_UNIT_MONTH), 19936);
    assert_int_equal(tg_date_trunc(19950, TG_UNIT_QUARTER), 19905);
    assert_int_equal(tg_date_trunc(19950, TG_UNIT_YEAR), 19723);
    /* Weeks across New Year: 2021-01-03 (Sunday, 18630) -> Monday 2020-12-28. */
    assert_int_equal(tg_date_trunc(18630, TG_UNIT_WEEK), 18624);
    assert_int_equal(tg_date_trunc(18624, TG_UNIT_WEEK), 18624);
    /* Before the epoch: 1969-12-31 (Wednesday, -1) -> Monday 1969-12-29 (-3). */
    assert_int_equal(tg_date_trunc(-1, TG_UNIT_WEEK), -3);
    assert_int_equal(tg_date_trunc(-1, TG_UNIT_MONTH), -31);
    assert_int_equal(tg_date_trunc(-1, TG_UNIT_QUARTER), -92);
    assert_int_equal(tg_date_trunc(-1, TG_UNIT_YEAR), -365);

    /* Every day of 2023..2025 against the naive definition. */
    for (int32_t days = 19358; days <= 20453; days++) {
        int y, m, d;
        tg_date_to_ymd(days, &y, &m, &d);
        int32_t w = tg_date_trunc(days, TG_UNIT_WEEK);
        assert_int_equal(tg_date_weekday(w), 1);
        assert_true(days - w >= 0 && days - w <= 6);
        assert_int_equal(tg_date_trunc(days, TG_UNIT_MONTH), tg_date_from_ymd(y, m, 1));
        assert_int_equal(tg_date_trunc(days, TG_UNIT_QUARTER), tg_date_from_ymd(y,
                                                                                m <= 3   ? 1
                                                                                : m <= 6 ? 4
                                                                                : m <= 9 ? 7
                                                                                         : 10,
                                                                                1));
        assert_int_equal(tg_date_trunc(days, TG_UNIT_YEAR), tg_date_from_ymd(y, 1, 1));
    }
}

static void test_date_format_and_parse(void **state) {
    (void)state;
    char buf[16];
    int32_t days = 12345;

    memset(buf, 'x', sizeof buf);
    assert_int_equal(tg_date_format(19783, buf), 10);
    assert_string_equal(buf, "2024-03-01");
    tg_date_format(-719162, buf);
    assert_string_equal(buf, "0001-01-01");
    tg_date_format(2932896, buf);
    assert_string_equal(buf, "9999-12-31");
    tg_date_format(-25567, buf);
    assert_string_equal(buf, "1900-01-01");

    assert_int_equal(tg_date_parse_iso("2024-02-29", 10, &days), 0);
    assert_int_equal(days, 19782);
    /* Only the first 10 bytes count when n says so. */
    assert_int_equal(tg_date_parse_iso("1970-01-01xyz", 10, &days), 0);
    assert_int_equal(days, 0);

    static const char *const bad[] = { "2023-02-29",  "2024-13-01", "2024-00-10", "0000-01-01",
                                       "2024-3-01",   "2024/03/01", "2024-03-1x", "20240301xx",
                                       "2024-03-01 ", "+024-03-01" };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        days = 777;
        if (tg_date_parse_iso(bad[k], strlen(bad[k]), &days) != -1) fail_msg("'%s' parsed", bad[k]);
        assert_int_equal(days, 777);
    }
    assert_int_equal(tg_date_parse_iso("2024-03-01", 9, &days), -1);

    /* format and parse are inverse over the whole range. */
    for (int32_t d = -719162; d <= 2932896; d += 997) {
        int32_t back;
        tg_date_format(d, buf);
        assert_int_equal(tg_date_parse_iso(buf, 10, &back), 0);
        assert_int_equal(back, d);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_naive_calendar),
        cmocka_unit_test(test_date_known_days),
        cmocka_unit_test(test_date_isoweek_new_year),
        cmocka_unit_test(test_date_leap_and_month_length),
        cmocka_unit_test(test_date_valid),
        cmocka_unit_test(test_date_trunc),
        cmocka_unit_test(test_date_format_and_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
