/*
** test_pgbin.c -- PostgreSQL's binary numeric and timestamp forms decoded,
** each input built here by hand from the wire layout (ndigits, weight,
** sign, dscale, base-10000 digits; microseconds since 2000-01-01) and each
** expected value worked out by hand; tests/postgres reads the same kinds
** of values from a real server. The module never allocates: no OOM loop.
*/
#include "tg_test.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "tg_pgbin.h"

/* A numeric's bytes into buf: the header, then nd digits from the list. */
static int numeric(char *buf, int weight, unsigned sign, int dscale, int nd, ...) {
    va_list ap;
    unsigned head[4] = { (unsigned)nd, (unsigned)weight & 0xffff, sign, (unsigned)dscale };
    va_start(ap, nd);
    for (int k = 0; k < 4 + nd; k++) {
        unsigned v = k < 4 ? head[k] : va_arg(ap, unsigned);
        buf[2 * k] = (char)(v >> 8);
        buf[2 * k + 1] = (char)v;
    }
    va_end(ap);
    return 8 + 2 * nd;
}

static void test_pgbin_numeric_whole_and_fraction(void **state) {
    (void)state;
    char b[64];
    int64_t i = 0;
    double f = 0;
    int n = numeric(b, 1, 0, 3, 3, 1u, 2345u, 6780u); /* 1|2345.6780 shown as 12345.678 */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 0);
    assert_true(f == 12345.678);
    n = numeric(b, 4, 0x4000, 0, 5, 922u, 3372u, 368u, 5477u, 5808u); /* -(2^63) */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 1);
    assert_true(i == INT64_MIN);
    n = numeric(b, 4, 0, 0, 5, 922u, 3372u, 368u, 5477u, 5808u); /* 2^63: past int64 */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 0);
    assert_true(f == 9223372036854775808.0);
    n = numeric(b, 2, 0, 0, 1, 7u); /* 7 * 10000^2, trailing zero groups left out */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 1);
    assert_true(i == 700000000);
    n = numeric(b, 0, 0, 4, 1, 2u); /* avg()'s 2.0000 is a float */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 0);
    assert_true(f == 2.0);
    n = numeric(b, 0, 0, 0, 0); /* zero has no digits */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 1);
    assert_true(i == 0);
}

static void test_pgbin_numeric_special_and_out_of_range(void **state) {
    (void)state;
    char b[64];
    int64_t i = 0;
    double f = 0;
    int n = numeric(b, 0, 0xC000, 0, 0); /* NaN */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 0);
    assert_true(isnan(f));
    n = numeric(b, 0, 0xF000, 0, 0); /* -Infinity */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 0);
    assert_true(isinf(f) && f < 0);
    n = numeric(b, 100, 0, 0, 1, 1u); /* 10000^100 = 1e400 */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 2);
    n = numeric(b, 100, 0x4000, 0, 1, 1u); /* -1e400 */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 2);
    n = numeric(b, 76, 0, 0, 1, 1u); /* 1e304 is in range */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 0);
    assert_true(f == 1e304);
    n = numeric(b, -101, 0, 404, 1, 1u); /* 1e-404 rounds to 0, not an error */
    assert_int_equal(tg_pgbin_numeric(b, n, &i, &f), 0);
    assert_true(f == 0.0);
    assert_int_equal(tg_pgbin_numeric(b, 7, &i, &f), -1);
    n = numeric(b, 0, 0, 0, 2, 1u, 2u);
    assert_int_equal(tg_pgbin_numeric(b, n - 1, &i, &f), -1); /* a digit cut short */
}

static void test_pgbin_timestamp_text(void **state) {
    (void)state;
    char buf[48];
    assert_int_equal(tg_pgbin_timestamp(0, "", buf), 0);
    assert_string_equal(buf, "2000-01-01 00:00:00");
    assert_int_equal(tg_pgbin_timestamp(-1, "", buf), 0);
    assert_string_equal(buf, "1999-12-31 23:59:59.999999");
    /* 2024-03-01 11:30:00.25 UTC: 8826 days after 2000-01-01 */
    int64_t us = (8826LL * 86400 + 11 * 3600 + 30 * 60) * 1000000 + 250000;
    assert_int_equal(tg_pgbin_timestamp(us, "+00", buf), 0);
    assert_string_equal(buf, "2024-03-01 11:30:00.25+00");
    assert_int_equal(tg_pgbin_timestamp(INT64_MAX, "", buf), -1); /* infinity */
    assert_int_equal(tg_pgbin_timestamp(INT64_MIN, "", buf), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pgbin_numeric_whole_and_fraction),
        cmocka_unit_test(test_pgbin_numeric_special_and_out_of_range),
        cmocka_unit_test(test_pgbin_timestamp_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
