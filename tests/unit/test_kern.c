/*
** test_kern.c -- the vector kernels against naive one-row-at-a-time loops
** written here, over random inputs of awkward lengths (0, 1, 15, 16, 17,
** 33, 2048) so that SSE2 blocks and scalar tails both run, with NULL rows
** and edge bounds (empty width, the full range, negation, NaN). Overflow
** and date-range reporting are checked on hand values.
*/
#include "tg_test.h"

#include <math.h>
#include <string.h>

#include "tg_date.h"
#include "tg_kern.h"

static uint64_t rng = 0x2545F4914F6CDD1Du;

static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const size_t lens[] = { 0, 1, 15, 16, 17, 33, 100, 2048 };

static void test_kern_ranges(void **state) {
    static int64_t x64[2048];
    static int32_t x32[2048];
    static uint32_t xu[2048];
    static double xf[2048];
    static uint8_t out[2048], valid[2048];
    static uint32_t sel[2048], kept[2048];
    (void)state;
    for (int round = 0; round < 200; round++) {
        size_t n = lens[round % 8];
        for (size_t i = 0; i < n; i++) {
            x64[i] = (int64_t)(next() % 21) - 10;
            if (round % 7 == 0) x64[i] = (int64_t)next(); /* wild values */
            x32[i] = (int32_t)x64[i];
            xu[i] = (uint32_t)(next() % 12);
            xf[i] = (double)x64[i] / 2;
            if (next() % 17 == 0) xf[i] = NAN;
            valid[i] = next() % 5 != 0;
        }
        int64_t lo = (int64_t)(next() % 21) - 10, hi = lo + (int64_t)(next() % 8);
        if (round % 11 == 0) lo = INT32_MIN, hi = INT32_MAX;
        int neg = (int)(next() % 2);
        uint32_t ulo = (uint32_t)(next() % 12), uhi = ulo + (uint32_t)(next() % 3);

        tg_kern_range_i64(x64, n, lo, hi, neg, out);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(out[i], (x64[i] >= lo && x64[i] <= hi) != neg);
        tg_kern_range_i32(x32, n, (int32_t)lo, (int32_t)hi, neg, out);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(out[i], (x32[i] >= lo && x32[i] <= hi) != neg);
        tg_kern_range_u32(xu, n, ulo, uhi, neg, out);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(out[i], (xu[i] >= ulo && xu[i] <= uhi) != neg);
        double flo = (double)lo / 2, fhi = (double)hi / 2;
        tg_kern_range_f64(xf, n, flo, fhi, neg, out);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(out[i], (xf[i] >= flo && xf[i] <= fhi) != neg);

        /* selections: dense and over a random candidate list, with and
        ** without validity */
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (next() % 3) sel[m++] = (uint32_t)i;
        for (int mode = 0; mode < 4; mode++) {
            const uint32_t *cand = mode & 1 ? sel : NULL;
            size_t nc = mode & 1 ? m : n;
            const uint8_t *v = mode & 2 ? valid : NULL;
            size_t got, want;
#define CHECK_SEL(call, cond)                    \
    do {                                         \
        got = call;                              \
        want = 0;                                \
        for (size_t j = 0; j < nc; j++) {        \
            size_t i = cand ? cand[j] : j;       \
            if ((!v || v[i]) && (cond)) {        \
                assert_true(want < got);         \
                assert_int_equal(kept[want], i); \
                want++;                          \
            }                                    \
        }                                        \
        assert_int_equal(got, want);             \
    } while (0)
            CHECK_SEL(tg_kern_sel_range_i64(x64, v, lo, hi, neg, cand, nc, kept),
                      (x64[i] >= lo && x64[i] <= hi) != neg);
            CHECK_SEL(tg_kern_sel_range_i32(x32, v, (int32_t)lo, (int32_t)hi, neg, cand, nc, kept),
                      (x32[i] >= lo && x32[i] <= hi) != neg);
            CHECK_SEL(tg_kern_sel_range_u32(xu, v, ulo, uhi, neg, cand, nc, kept),
                      (xu[i] >= ulo && xu[i] <= uhi) != neg);
            CHECK_SEL(tg_kern_sel_range_f64(xf, v, flo, fhi, neg, cand, nc, kept),
                      (xf[i] >= flo && xf[i] <= fhi) != neg);
            CHECK_SEL(tg_kern_sel_true(out, v, cand, nc, kept), out[i] == 1);
            static const uint8_t tab[12] = { 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1 };
            CHECK_SEL(tg_kern_sel_table(xu, v, tab, cand, nc, kept), tab[xu[i]]);
#undef CHECK_SEL
            /* is_null / not_null: NULL validity means every row is valid */
            for (int want_valid = 0; want_valid < 2; want_valid++) {
                got = tg_kern_sel_valid(v, want_valid, cand, nc, kept);
                want = 0;
                for (size_t j = 0; j < nc; j++) {
                    size_t i = cand ? cand[j] : j;
                    if ((v ? v[i] : 1) == want_valid) assert_int_equal(kept[want++], i);
                }
                assert_int_equal(got, want);
            }
        }
    }
}

static void test_kern_masks(void **state) {
    static uint8_t mask[2048], b[2048], v[2048], ref[2048];
    static uint32_t sel[2048];
    (void)state;
    for (int round = 0; round < 100; round++) {
        size_t n = lens[round % 8];
        for (size_t i = 0; i < n; i++) {
            mask[i] = ref[i] = (uint8_t)(next() % 2);
            b[i] = (uint8_t)(next() % 4 != 0);
            v[i] = (uint8_t)(next() % 3 != 0);
        }
        int first = round % 3 == 0, use_v = round % 2;
        size_t count = tg_kern_mask_and(mask, b, use_v ? v : NULL, first, n), want = 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t m = (uint8_t)(b[i] && (!use_v || v[i]) && (first || ref[i]));
            assert_int_equal(mask[i], m);
            want += m;
        }
        assert_int_equal(count, want);
        size_t k = tg_kern_mask_to_sel(mask, n, sel), j = 0;
        assert_int_equal(k, want);
        for (size_t i = 0; i < n; i++)
            if (mask[i]) assert_int_equal(sel[j++], i);
    }
    /* validity bits <-> bytes */
    uint64_t bits[32], back[32];
    for (int w = 0; w < 32; w++) bits[w] = next();
    for (size_t n = 1; n <= 2048; n += 97) {
        int any = tg_kern_bits_to_bytes(bits, n, v), zero = 0;
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(v[i], (bits[i / 64] >> (i % 64)) & 1);
            zero |= !v[i];
        }
        assert_int_equal(any, zero);
        assert_int_equal(tg_kern_bytes_to_bits(v, n, back), zero);
        for (size_t i = 0; i < n; i++) assert_int_equal((back[i / 64] >> (i % 64)) & 1, v[i]);
        if (n % 64) assert_true((back[n / 64] >> (n % 64)) == (~(uint64_t)0 >> (n % 64)));
    }
    memset(v, 1, 100);
    assert_int_equal(
        tg_kern_bits_to_bytes((const uint64_t[]){ ~(uint64_t)0, ~(uint64_t)0 }, 100, v), 0);
}

static void test_kern_compare_and_logic(void **state) {
    int64_t a[64], b[64];
    double fa[64], fb[64];
    uint8_t out[64], va[64], vb[64], x[64], y[64], vo[64];
    (void)state;
    for (size_t i = 0; i < 64; i++) {
        a[i] = (int64_t)(next() % 5);
        b[i] = (int64_t)(next() % 5);
        fa[i] = i % 9 == 0 ? NAN : (double)a[i];
        fb[i] = (double)b[i];
    }
    static const unsigned masks[6] = { TG_KERN_EQ, TG_KERN_LT | TG_KERN_GT,
                                       TG_KERN_LT, TG_KERN_LT | TG_KERN_EQ,
                                       TG_KERN_GT, TG_KERN_GT | TG_KERN_EQ };
    for (int k = 0; k < 6; k++) {
        tg_kern_cmp_i64(a, b, 64, masks[k], out);
        for (size_t i = 0; i < 64; i++) {
            int want[6] = { a[i] == b[i], a[i] != b[i], a[i]<b[i], a[i] <= b[i], a[i]> b[i],
                            a[i] >= b[i] };
            assert_int_equal(out[i], want[k]);
        }
        tg_kern_cmp_f64(fa, fb, 64, masks[k], out);
        for (size_t i = 0; i < 64; i++) {
            int want[6] = { fa[i] == fb[i], fa[i] != fb[i],
                            fa[i]<fb[i], fa[i] <= fb[i], fa[i]> fb[i], fa[i] >= fb[i] };
            assert_int_equal(out[i], want[k]);
        }
    }
    /* Kleene logic over all nine (value, validity) pairs of each side */
    for (size_t i = 0; i < 9; i++) {
        x[i] = (uint8_t)(i % 3 == 1);
        va[i] = (uint8_t)(i % 3 != 2);
        y[i] = (uint8_t)(i / 3 == 1);
        vb[i] = (uint8_t)(i / 3 != 2);
    }
    tg_kern_and(x, va, y, vb, 9, out, vo);
    /* rows: (F,F) (T,F) (N,F) (F,T) (T,T) (N,T) (F,N) (T,N) (N,N) */
    static const int and_v[9] = { 1, 1, 1, 1, 1, 0, 1, 0, 0 },
                     and_x[9] = { 0, 0, 0, 0, 1, 0, 0, 0, 0 };
    for (size_t i = 0; i < 9; i++) {
        assert_int_equal(vo[i], and_v[i]);
        if (vo[i]) assert_int_equal(out[i], and_x[i]);
    }
    tg_kern_or(x, va, y, vb, 9, out, vo);
    static const int or_v[9] = { 1, 1, 0, 1, 1, 1, 0, 1, 0 },
                     or_x[9] = { 0, 1, 0, 1, 1, 1, 0, 1, 0 };
    for (size_t i = 0; i < 9; i++) {
        assert_int_equal(vo[i], or_v[i]);
        if (vo[i]) assert_int_equal(out[i], or_x[i]);
    }
}

static void test_kern_integer_overflow(void **state) {
    int64_t a[4] = { 1, INT64_MAX, INT64_MIN, 5 }, b[4] = { 2, 1, -1, 0 }, out[4];
    uint8_t valid[4] = { 1, 1, 1, 1 }, v2[4] = { 1, 0, 0, 1 };
    (void)state;
    assert_int_equal(tg_kern_add_i64(a, b, 4, NULL, out), 1);
    assert_int_equal(tg_kern_add_i64(a, b, 4, v2, out), 4); /* the overflows are in NULL rows */
    assert_int_equal(tg_kern_sub_i64(a, b, 4, NULL, out), 4);
    assert_int_equal(out[2], INT64_MIN + 1);
    int64_t c[2] = { INT64_MIN, 0 }, d[2] = { 1, INT64_MIN };
    assert_int_equal(tg_kern_sub_i64(c, d, 2, NULL, out), 0);
    assert_int_equal(tg_kern_mul_i64(a, a, 4, NULL, out), 1);
    assert_int_equal(tg_kern_idiv_i64(a, b, 4, valid, out), 2); /* INT64_MIN // -1 */
    assert_int_equal(valid[3], 0);                              /* 5 // 0 is NULL */
    assert_int_equal(out[0], 0);
    int64_t e[2] = { INT64_MIN, 5 }, f[2] = { 1, 0 };
    uint8_t v3[2] = { 0, 1 };
    assert_int_equal(tg_kern_sub_i64(e, f, 2, v3, out), 2); /* overflow only in the NULL row */
    assert_int_equal(tg_kern_sub_i64(e, f, 2, NULL, out), 0);
    assert_int_equal(tg_kern_round_i64(a, 4, -3, TG_ROUND_HALF_UP, NULL, out), 1);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[0], 0); /* 1 rounded to thousands */
    assert_int_equal(tg_kern_round_i64(a, 4, -3, TG_ROUND_HALF_UP, v2, out),
                     4); /* both in NULL rows */
    assert_int_equal(tg_kern_neg_i64(a, 4, NULL, out), 2);
    assert_int_equal(tg_kern_abs_i64(a, 4, v2, out), 4);
    assert_int_equal(tg_kern_abs_i64(a, 4, NULL, out), 2);

    /* floor division and modulo against the definition */
    for (int x = -9; x <= 9; x++) {
        for (int y = -4; y <= 4; y++) {
            int64_t ax = x, by = y, q, r;
            uint8_t ok = 1, ok2 = 1;
            tg_kern_idiv_i64(&ax, &by, 1, &ok, &q);
            tg_kern_mod_i64(&ax, &by, 1, &ok2, &r);
            if (y == 0) {
                assert_int_equal(ok, 0);
                assert_int_equal(ok2, 0);
                continue;
            }
            assert_int_equal(q, (int64_t)floor((double)x / y));
            assert_int_equal(r, x - (int64_t)floor((double)x / y) * y);
        }
    }
}

static void test_kern_dates(void **state) {
    static int32_t d[2048], out[2048];
    static int64_t part[2048], k[2048];
    (void)state;
    /* every 7th day across the whole calendar, and random days */
    for (int32_t start = TG_DATE_MIN; start <= TG_DATE_MAX; start += 2048 * 7) {
        size_t n = 0;
        for (int32_t x = start; x <= TG_DATE_MAX && n < 2048; x += 7)
            d[n++] = x + (int32_t)(next() % 7);
        for (size_t i = 0; i < n; i++)
            if (d[i] > TG_DATE_MAX) d[i] = TG_DATE_MAX;
        static const tg_datepart parts[] = { TG_PART_YEAR, TG_PART_QUARTER, TG_PART_MONTH,
                                             TG_PART_DAY, TG_PART_DAYS_IN_MONTH };
        for (size_t p = 0; p < 5; p++) {
            tg_kern_datepart(d, n, parts[p], part);
            for (size_t i = 0; i < n; i++) {
                int y, m, dd;
                tg_date_to_ymd(d[i], &y, &m, &dd);
                int64_t want[5] = { y, tg_date_quarter(d[i]), m, dd, tg_date_days_in_month(y, m) };
                assert_int_equal(part[i], want[p]);
            }
        }
        for (tg_date_unit u = TG_UNIT_WEEK; u <= TG_UNIT_YEAR; u++) {
            tg_kern_trunc(d, n, u, out);
            for (size_t i = 0; i < n; i++) assert_int_equal(out[i], tg_date_trunc(d[i], u));
        }
    }
    d[0] = TG_DATE_MAX;
    d[1] = TG_DATE_MIN;
    k[0] = 1;
    k[1] = 1;
    assert_int_equal(tg_kern_date_add(d, k, 1, 2, NULL, out), 0);
    assert_int_equal(out[0], 0);
    assert_int_equal(tg_kern_date_add(d, k, -1, 2, NULL, out), 1);
    k[0] = INT64_MAX;
    assert_int_equal(tg_kern_date_add(d, k, -1, 1, NULL, out), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kern_ranges),
        cmocka_unit_test(test_kern_masks),
        cmocka_unit_test(test_kern_compare_and_logic),
        cmocka_unit_test(test_kern_integer_overflow),
        cmocka_unit_test(test_kern_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
