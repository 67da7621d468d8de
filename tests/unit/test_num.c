/*
** test_num.c -- number formatting, rounding and cast parsing. Expected
** values are written by hand (rounding tables, including the binary traps
** 2.675 and 1.005) or come from a second method: strtod/snprintf for
** round trips, and a reference rounder that works on the decimal digits
** printf gives for the shortest round-trip text, then reads the rounded
** digits back with strtod.
*/
#include "tg_test.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_num.h"

static uint64_t rng = 88172645463325252u;

static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_num_format_f64_values(void **state) {
    static const struct {
        double x;
        const char *text;
    } cases[] = {
        /* JavaScript's String(x) (plus ".0" for whole numbers): the format
        ** JSON and CSV output use too (tg_fmt), so casts read the same. */
        { 0.1, "0.1" },
        { 2.675, "2.675" },
        { 3.0, "3.0" },
        { -3.5, "-3.5" },
        { 0.0, "0.0" },
        { -0.0, "0.0" },
        { 1e20, "100000000000000000000.0" },
        { 1e-7, "1e-7" },
        { 123456.0, "123456.0" },
        { 0.30000000000000004, "0.30000000000000004" },
        { 1.0 / 3.0, "0.3333333333333333" },
        { 123456789012345680.0, "123456789012345680.0" },
        { 5e-324, "5e-324" }, /* subnormals have fewer digits of precision */
        { 2.2250738585072014e-308, "2.2250738585072014e-308" },
        { 1.5e-320, "1.5e-320" },
        { 1e15, "1000000000000000.0" },
        { 100000000000000.0, "100000000000000.0" },
    };
    char buf[TG_NUM_BUF];
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len = tg_num_format_f64(cases[k].x, buf);
        assert_string_equal(buf, cases[k].text);
        assert_int_equal(len, strlen(cases[k].text));
    }
    tg_num_format_f64(INFINITY, buf);
    assert_string_equal(buf, "inf");
    tg_num_format_f64(-INFINITY, buf);
    assert_string_equal(buf, "-inf");
    tg_num_format_f64(NAN, buf);
    assert_string_equal(buf, "nan");
}

/* Random doubles (random bit patterns, and short decimals): the text reads
** back exactly with strtod, and one significant digit fewer never does. */
static void test_num_format_f64_round_trip(void **state) {
    char buf[TG_NUM_BUF], shorter[64];
    (void)state;
    for (int k = 0; k < 20000; k++) {
        double x;
        if (k % 2) {
            uint64_t bits = next();
            memcpy(&x, &bits, sizeof x);
            if (!isfinite(x)) continue;
        } else {
            x = (double)(int64_t)(next() % 2000001 - 1000000) / 1000.0;
        }
        tg_num_format_f64(x, buf);
        assert_true(strtod(buf, NULL) == x);
        /* significant digits: the mantissa's digits without leading and
        ** trailing zeros */
        char dig[40];
        int nd = 0;
        for (const char *p = buf; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9' && (nd > 0 || *p != '0')) dig[nd++] = *p;
        while (nd > 0 && dig[nd - 1] == '0') nd--;
        if (nd > 1) {
            snprintf(shorter, sizeof shorter, "%.*e", nd - 2, x);
            assert_false(strtod(shorter, NULL) == x);
        }
    }
}

static void test_num_round_f64_table(void **state) {
    static const struct {
        double x;
        int digits;
        double up, even; /* half_up, half_even */
    } cases[] = {
        { 2.5, 0, 3, 2 },
        { -2.5, 0, -3, -2 },
        { 3.5, 0, 4, 4 },
        { -3.5, 0, -4, -4 },
        { 0.5, 0, 1, 0 },
        { -0.5, 0, -1, 0 },
        { 1.5, 0, 2, 2 },
        { 3297.5, 0, 3298, 3298 },
        { 3296.5, 0, 3297, 3296 },
        { 3296.49, 0, 3296, 3296 },
        { 3296.51, 0, 3297, 3297 },
        { 2.4999999999999996, 0, 2, 2 }, /* the double just below 2.5 */
        { 0.49999999999999994, 0, 0, 0 },
        { -0.4, 0, 0, 0 },
        { 2.675, 2, 2.68,
          2.68 }, /* stored as 2.67499999999999982236431605997495353221893310546875 */
        { 2.665, 2, 2.67,
          2.66 }, /* stored as 2.66500000000000003552713678800500929355621337890625 */
        { 1.005, 2, 1.01,
          1.0 }, /* stored as 1.00499999999999989341858963598497211933135986328125 */
        { -1.005, 2, -1.01, -1.0 },
        { 0.125, 2, 0.13, 0.12 },
        { 0.135, 2, 0.14, 0.14 },
        { 1.0049, 2, 1.0, 1.0 },
        { 1250, -2, 1300, 1200 },
        { 1350, -2, 1400, 1400 },
        { -1250, -2, -1300, -1200 },
        { 123.456, -1, 120, 120 },
        { 155, -1, 160, 160 },
        { 145, -1, 150, 140 },
        { 1e16, 0, 1e16, 1e16 },
        { 4503599627370495.5, 0, 4503599627370496.0, 4503599627370496.0 },
        { 5e-324, 2, 0, 0 },
        { 0.0005, 3, 0.001, 0.0 },
        { 0.0015, 3, 0.002, 0.002 },
        { 1234.5678, 15, 1234.5678, 1234.5678 },
        { 9.995, 2, 10.0, 10.0 },
    };
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double up = tg_num_round_f64(cases[k].x, cases[k].digits, TG_ROUND_HALF_UP);
        double even = tg_num_round_f64(cases[k].x, cases[k].digits, TG_ROUND_HALF_EVEN);
        if (up != cases[k].up || even != cases[k].even)
            fail_msg("round(%.17g, %d): half_up %.17g (want %.17g), half_even %.17g (want %.17g)",
                     cases[k].x, cases[k].digits, up, cases[k].up, even, cases[k].even);
        assert_false(signbit(up) && up == 0); /* -0.0 is normalised */
        assert_false(signbit(even) && even == 0);
    }
    assert_true(isnan(tg_num_round_f64(NAN, 2, TG_ROUND_HALF_UP)));
    assert_true(tg_num_round_f64(INFINITY, 2, TG_ROUND_HALF_UP) == INFINITY);
}

/* The reference: the shortest round-trip text (first %.*e precision that
** strtod reads back), rounded digit by digit as a person would, read back
** with strtod. */
static double ref_round(double x, int digits, tg_round_mode mode) {
    char buf[64], dig[32], out[64];
    int nd = 0, e10;
    if (x == 0 || !isfinite(x)) return x == 0 ? 0.0 : x;
    for (int p = 0; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p, fabs(x));
        if (strtod(buf, NULL) == fabs(x)) break;
    }
    for (char *q = buf; *q != 'e'; q++)
        if (*q != '.') dig[nd++] = *q;
    e10 = atoi(strchr(buf, 'e') + 1);
    /* digit k has weight 10^(e10 - k); keep those with weight >= 10^-digits */
    int keep = e10 + digits + 1;
    if (keep >= nd) return x;
    if (keep < 0) return 0.0;
    int64_t kept = 0;
    for (int k = 0; k < keep; k++) kept = kept * 10 + (dig[k] - '0');
    int first = dig[keep] - '0', rest = 0;
    for (int k = keep + 1; k < nd; k++) rest |= dig[k] != '0';
    int up = first > 5 || (first == 5 && (rest || mode == TG_ROUND_HALF_UP || (kept % 2)));
    kept += up;
    snprintf(out, sizeof out, "%s%" PRId64 "e%d", x < 0 ? "-" : "", kept, -digits);
    double r = strtod(out, NULL);
    return r == 0 ? 0.0 : r;
}

static void test_num_round_f64_random(void **state) {
    (void)state;
    for (int k = 0; k < 200000; k++) {
        double x;
        int digits = (int)(next() % 8) - 2;
        switch (k % 4) {
        case 0: /* three decimals: ties at two decimals are everywhere */
            x = (double)(int64_t)(next() % 20000001 - 10000000) / 1000.0;
            digits = 2;
            break;
        case 1: /* halves: the takst case, digits = 0 */
            x = (double)(int64_t)(next() % 2000001 - 1000000) / 2.0;
            digits = 0;
            break;
        case 2: x = (double)(int64_t)(next() % 200000001 - 100000000) / 10000.0; break;
        default: {
            uint64_t bits = next();
            memcpy(&x, &bits, sizeof x);
            if (!isfinite(x)) x = 1.5;
            x = fmod(x, 1e12);
        }
        }
        tg_round_mode mode = next() % 2 ? TG_ROUND_HALF_UP : TG_ROUND_HALF_EVEN;
        double got = tg_num_round_f64(x, digits, mode), want = ref_round(x, digits, mode);
        if (got != want)
            fail_msg("round(%.17g, %d, %d) = %.17g, reference %.17g", x, digits, (int)mode, got,
                     want);
    }
}

static void test_num_round_i64(void **state) {
    int64_t r;
    (void)state;
    assert_int_equal(tg_num_round_i64(1250, -2, TG_ROUND_HALF_UP, &r), 0);
    assert_int_equal(r, 1300);
    assert_int_equal(tg_num_round_i64(1250, -2, TG_ROUND_HALF_EVEN, &r), 0);
    assert_int_equal(r, 1200);
    assert_int_equal(tg_num_round_i64(-1250, -2, TG_ROUND_HALF_UP, &r), 0);
    assert_int_equal(r, -1300);
    assert_int_equal(tg_num_round_i64(-1250, -2, TG_ROUND_HALF_EVEN, &r), 0);
    assert_int_equal(r, -1200);
    assert_int_equal(tg_num_round_i64(1249, -2, TG_ROUND_HALF_UP, &r), 0);
    assert_int_equal(r, 1200);
    assert_int_equal(tg_num_round_i64(-1251, -2, TG_ROUND_HALF_EVEN, &r), 0);
    assert_int_equal(r, -1300);
    assert_int_equal(tg_num_round_i64(77, 3, TG_ROUND_HALF_UP, &r), 0);
    assert_int_equal(r, 77);
    assert_int_equal(tg_num_round_i64(INT64_MIN, 0, TG_ROUND_HALF_UP, &r), 0);
    assert_true(r == INT64_MIN);
    /* 9223372036854775807 to tens is ...810: too big */
    assert_int_equal(tg_num_round_i64(INT64_MAX, -1, TG_ROUND_HALF_UP, &r), -1);
    assert_int_equal(tg_num_round_i64(INT64_MIN, -1, TG_ROUND_HALF_UP, &r), -1);
    assert_int_equal(tg_num_round_i64(INT64_MAX, -18, TG_ROUND_HALF_UP, &r), 0);
    assert_true(r == 9000000000000000000);
    assert_int_equal(tg_num_round_i64(INT64_MAX, -3, TG_ROUND_HALF_EVEN, &r), -1); /* ...776000 */
    assert_int_equal(tg_num_round_i64(INT64_MAX - 10, -1, TG_ROUND_HALF_EVEN, &r), 0);
    assert_true(r == 9223372036854775800);
    assert_int_equal(tg_num_round_i64(5, -18, TG_ROUND_HALF_UP, &r), 0);
    assert_int_equal(r, 0);
}

static void test_num_parse(void **state) {
    int64_t i;
    double f;
    (void)state;
    assert_int_equal(tg_num_parse_i64("0800", 4, &i), 0);
    assert_int_equal(i, 800);
    assert_int_equal(tg_num_parse_i64(" 42\t", 4, &i), 0);
    assert_int_equal(i, 42);
    assert_int_equal(tg_num_parse_i64("-7", 2, &i), 0);
    assert_int_equal(i, -7);
    assert_int_equal(tg_num_parse_i64("+7", 2, &i), 0);
    assert_int_equal(i, 7);
    assert_int_equal(tg_num_parse_i64("-0", 2, &i), 0);
    assert_int_equal(i, 0);
    assert_int_equal(tg_num_parse_i64("000", 3, &i), 0);
    assert_int_equal(i, 0);
    assert_int_equal(tg_num_parse_i64("-9223372036854775808", 20, &i), 0);
    assert_true(i == INT64_MIN);
    assert_int_equal(tg_num_parse_i64("9223372036854775808", 19, &i), -1);
    assert_int_equal(tg_num_parse_i64("1,234", 5, &i), -1);
    assert_int_equal(tg_num_parse_i64("12.5", 4, &i), -1);
    assert_int_equal(tg_num_parse_i64("", 0, &i), -1);
    assert_int_equal(tg_num_parse_i64("  ", 2, &i), -1);
    assert_int_equal(tg_num_parse_i64("-", 1, &i), -1);
    assert_int_equal(tg_num_parse_i64("0x10", 4, &i), -1);
    assert_int_equal(tg_num_parse_i64("12a", 3, &i), -1);

    assert_int_equal(tg_num_parse_f64("1.5e3", 5, &f), 0);
    assert_true(f == 1500);
    assert_int_equal(tg_num_parse_f64("1,234.5", 7, &f), 0);
    assert_true(f == 1234.5);
    assert_int_equal(tg_num_parse_f64("007.5", 5, &f), 0);
    assert_true(f == 7.5);
    assert_int_equal(tg_num_parse_f64(" -0.1 ", 6, &f), 0);
    assert_true(f == -0.1);
    assert_int_equal(tg_num_parse_f64("42", 2, &f), 0);
    assert_true(f == 42);
    assert_int_equal(tg_num_parse_f64("1,5", 3, &f), -1);
    assert_int_equal(tg_num_parse_f64(".5", 2, &f), 0);
    assert_true(f == 0.5);
    assert_int_equal(tg_num_parse_f64("-.25", 4, &f), 0);
    assert_true(f == -0.25);
    assert_int_equal(tg_num_parse_f64(".", 1, &f), -1);
    assert_int_equal(tg_num_parse_f64("inf", 3, &f), -1);
    assert_int_equal(tg_num_parse_f64("abc", 3, &f), -1);
    assert_int_equal(tg_num_parse_f64("", 0, &f), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_format_f64_values),
        cmocka_unit_test(test_num_format_f64_round_trip),
        cmocka_unit_test(test_num_round_f64_table),
        cmocka_unit_test(test_num_round_f64_random),
        cmocka_unit_test(test_num_round_i64),
        cmocka_unit_test(test_num_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
