/*
** test_conv.c -- tg_conv against independent references. Numbers: expected
** kinds are written by hand and expected values come from strtod/strtoll on
** the text with its grouping marks removed and its decimal mark made '.'
** (tests never call setlocale, so strtod reads the C locale), including a
** seeded randomized differential test. Dates: masks by hand, day numbers
** from GNU date (`date -u -d D +%s` / 86400). Every call reads the field
** from an exact-size heap copy, so ASan catches any read past n.
*/
#include "tg_test.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_conv.h"
#include "tg_date.h"
#include "tg_mem.h"

/* ---- helpers ---- */

/* An exact-size heap copy of s (at least one byte is allocated so that an
** empty field still has a valid pointer). */
static char *field(const char *s, size_t n) {
    char *p = tg_malloc(n ? n : 1);
    assert_non_null(p);
    if (n) memcpy(p, s, n);
    return p;
}

static int number(const char *s, int mark, int64_t *i, double *f) {
    size_t n = strlen(s);
    char *p = field(s, n);
    int kind = tg_conv_number(p, n, mark, i, f);
    tg_free(p);
    return kind;
}

static unsigned marks(const char *s) {
    size_t n = strlen(s);
    char *p = field(s, n);
    unsigned m = tg_conv_number_marks(p, n);
    tg_free(p);
    return m;
}

static unsigned date(const char *s, int32_t *packed) {
    size_t n = strlen(s);
    char *p = field(s, n);
    unsigned m = tg_conv_date(p, n, packed);
    tg_free(p);
    return m;
}

/* The reference reading: drop grouping marks, make the decimal mark '.',
** hand the rest to strtod. */
static double reference(const char *s, int mark) {
    char buf[4096];
    char dec = mark == TG_MARK_DOT ? '.' : ',', grp = mark == TG_MARK_DOT ? ',' : '.';
    size_t k = 0;
    for (; *s && k + 1 < sizeof buf; s++) {
        if (*s == grp) continue;
        buf[k++] = *s == dec ? '.' : *s;
    }
    buf[k] = '\0';
    return strtod(buf, NULL);
}

static int same_bits(double a, double b) {
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- numbers: fixed cases ---- */

enum { NONE = TG_NUM_NONE, INT = TG_NUM_INT, FLOAT = TG_NUM_FLOAT };

static const struct {
    const char *text;
    int mark;
    int kind;
    int64_t ival; /* for INT */
} number_cases[] = {
    /* integers and grouping under DOT */
    { "0", TG_MARK_DOT, INT, 0 },
    { "-0", TG_MARK_DOT, INT, 0 },
    { "+5", TG_MARK_DOT, INT, 5 },
    { "-5", TG_MARK_DOT, INT, -5 },
    { "1234", TG_MARK_DOT, INT, 1234 },
    { "1,234", TG_MARK_DOT, INT, 1234 },
    { "1,500", TG_MARK_DOT, INT, 1500 },
    { "12,345,678", TG_MARK_DOT, INT, 12345678 },
    { "-123,456", TG_MARK_DOT, INT, -123456 },
    { "9223372036854775807", TG_MARK_DOT, INT, INT64_MAX },
    { "-9223372036854775808", TG_MARK_DOT, INT, INT64_MIN },
    { "9,223,372,036,854,775,807", TG_MARK_DOT, INT, INT64_MAX },
    { "9007199254740993", TG_MARK_DOT, INT, 9007199254740993 },
    { "9223372036854775808", TG_MARK_DOT, FLOAT, 0 },
    { "-9223372036854775809", TG_MARK_DOT, FLOAT, 0 },
    { "18446744073709551616", TG_MARK_DOT, FLOAT, 0 },
    { "100000000000000000000000", TG_MARK_DOT, FLOAT, 0 },
    { "123456789012345678901234567890", TG_MARK_DOT, FLOAT, 0 },
    /* decimals and exponents under DOT */
    { "0.5", TG_MARK_DOT, FLOAT, 0 },
    { "-0.0", TG_MARK_DOT, FLOAT, 0 },
    { "12.5", TG_MARK_DOT, FLOAT, 0 },
    { "1.234", TG_MARK_DOT, FLOAT, 0 },
    { "1.000", TG_MARK_DOT, FLOAT, 0 },
    { "1,234,567.5", TG_MARK_DOT, FLOAT, 0 },
    { "0.1", TG_MARK_DOT, FLOAT, 0 },
    { "0.000001234", TG_MARK_DOT, FLOAT, 0 },
    { "3.14159265358979323846264338327950288", TG_MARK_DOT, FLOAT, 0 },
    { "1.5e3", TG_MARK_DOT, FLOAT, 0 },
    { "1E-3", TG_MARK_DOT, FLOAT, 0 },
    { "1e+5", TG_MARK_DOT, FLOAT, 0 },
    { "-2.5e-3", TG_MARK_DOT, FLOAT, 0 },
    { "0e5", TG_MARK_DOT, FLOAT, 0 },
    { "1e23", TG_MARK_DOT, FLOAT, 0 },
    { "1e22", TG_MARK_DOT, FLOAT, 0 },
    { "123e30", TG_MARK_DOT, FLOAT, 0 },
    { "9007199254740993e10", TG_MARK_DOT, FLOAT, 0 },
    { "1.7976931348623157e308", TG_MARK_DOT, FLOAT, 0 },
    { "1.7976931348623158e308", TG_MARK_DOT, FLOAT, 0 },
    { "2.2250738585072011e-308", TG_MARK_DOT, FLOAT, 0 },
    { "2.2250738585072014e-308", TG_MARK_DOT, FLOAT, 0 },
    { "4.9e-324", TG_MARK_DOT, FLOAT, 0 },
    { "2.4703282292062328e-324", TG_MARK_DOT, FLOAT, 0 },
    { "1e-400", TG_MARK_DOT, FLOAT, 0 },
    { "-1e-400", TG_MARK_DOT, FLOAT, 0 },
    { "1e-99999999999999999999", TG_MARK_DOT, FLOAT, 0 },
    { "0.000000000000000000000000000000000000000001e42", TG_MARK_DOT, FLOAT, 0 },
    { "1,234e2", TG_MARK_DOT, FLOAT, 0 },
    /* Danish numbers under COMMA */
    { "1.234,50", TG_MARK_COMMA, FLOAT, 0 },
    { "3297,46", TG_MARK_COMMA, FLOAT, 0 },
    { "-0,5", TG_MARK_COMMA, FLOAT, 0 },
    { "0,5", TG_MARK_COMMA, FLOAT, 0 },
    { "1,500", TG_MARK_COMMA, FLOAT, 0 },
    { "1.234", TG_MARK_COMMA, INT, 1234 },
    { "1.234.567", TG_MARK_COMMA, INT, 1234567 },
    { "1.234.567,891", TG_MARK_COMMA, FLOAT, 0 },
    { "9.223.372.036.854.775.807", TG_MARK_COMMA, INT, INT64_MAX },
    { "9223372036854775808", TG_MARK_COMMA, FLOAT, 0 },
    { "-0", TG_MARK_COMMA, INT, 0 },
    { "42", TG_MARK_COMMA, INT, 42 },
    /* no integer part (issue 12 point 4) */
    { ".5", TG_MARK_DOT, FLOAT, 0 },
    { "-.5", TG_MARK_DOT, FLOAT, 0 },
    { ",25", TG_MARK_COMMA, FLOAT, 0 },
    /* not numbers */
    { "", TG_MARK_DOT, NONE, 0 },
    { "-", TG_MARK_DOT, NONE, 0 },
    { "+", TG_MARK_DOT, NONE, 0 },
    { "1.", TG_MARK_DOT, NONE, 0 },
    { ".", TG_MARK_DOT, NONE, 0 },
    { "-.", TG_MARK_DOT, NONE, 0 },
    { ".e5", TG_MARK_DOT, NONE, 0 },
    { "1e", TG_MARK_DOT, NONE, 0 },
    { "1e+", TG_MARK_DOT, NONE, 0 },
    { "1e-", TG_MARK_DOT, NONE, 0 },
    { "e5", TG_MARK_DOT, NONE, 0 },
    { "1.5e3.2", TG_MARK_DOT, NONE, 0 },
    { "1.e3", TG_MARK_DOT, NONE, 0 },
    { "abc", TG_MARK_DOT, NONE, 0 },
    { "0800", TG_MARK_DOT, NONE, 0 },
    { "007", TG_MARK_DOT, NONE, 0 },
    { "00.5", TG_MARK_DOT, NONE, 0 },
    { "-01", TG_MARK_DOT, NONE, 0 },
    { "00", TG_MARK_DOT, NONE, 0 },
    { "0,500", TG_MARK_DOT, NONE, 0 },
    { "012,345", TG_MARK_DOT, NONE, 0 },
    { "1 000", TG_MARK_DOT, NONE, 0 },
    { " 1", TG_MARK_DOT, NONE, 0 },
    { "1 ", TG_MARK_DOT, NONE, 0 },
    { "NaN", TG_MARK_DOT, NONE, 0 },
    { "nan", TG_MARK_DOT, NONE, 0 },
    { "inf", TG_MARK_DOT, NONE, 0 },
    { "-Infinity", TG_MARK_DOT, NONE, 0 },
    { "0x10", TG_MARK_DOT, NONE, 0 },
    { "1_000", TG_MARK_DOT, NONE, 0 },
    { "--1", TG_MARK_DOT, NONE, 0 },
    { "+-1", TG_MARK_DOT, NONE, 0 },
    { "1-", TG_MARK_DOT, NONE, 0 },
    { "1.2.3", TG_MARK_DOT, NONE, 0 },
    { "1,5", TG_MARK_DOT, NONE, 0 },
    { "12,34", TG_MARK_DOT, NONE, 0 },
    { "1234,567", TG_MARK_DOT, NONE, 0 },
    { "1,2345", TG_MARK_DOT, NONE, 0 },
    { "1,234,56", TG_MARK_DOT, NONE, 0 },
    { "1,,234", TG_MARK_DOT, NONE, 0 },
    { "1,234,", TG_MARK_DOT, NONE, 0 },
    { "1,234.", TG_MARK_DOT, NONE, 0 },
    { "1.5,3", TG_MARK_DOT, NONE, 0 },
    { "1e400", TG_MARK_DOT, NONE, 0 },
    { "-1.8e308", TG_MARK_DOT, NONE, 0 },
    { "1e99999999999999999999", TG_MARK_DOT, NONE, 0 },
    { "1.5", TG_MARK_COMMA, NONE, 0 },
    { "12.5", TG_MARK_COMMA, NONE, 0 },
    { "3297.46", TG_MARK_COMMA, NONE, 0 },
    { "1.23,4", TG_MARK_COMMA, NONE, 0 },
    { "1.2345,6", TG_MARK_COMMA, NONE, 0 },
    { "0.500", TG_MARK_COMMA, NONE, 0 },
    { "1e5", TG_MARK_COMMA, NONE, 0 },
    { "1,5e3", TG_MARK_COMMA, NONE, 0 },
    { "1,", TG_MARK_COMMA, NONE, 0 },
    { "1,234,5", TG_MARK_COMMA, NONE, 0 },
    { "1.234,5.6", TG_MARK_COMMA, NONE, 0 },
};

static void test_conv_number_cases(void **state) {
    (void)state;
    for (size_t k = 0; k < sizeof number_cases / sizeof number_cases[0]; k++) {
        const char *s = number_cases[k].text;
        int mark = number_cases[k].mark;
        int64_t i = 12345;
        double f = 0.25;
        int kind = number(s, mark, &i, &f);
        if (kind != number_cases[k].kind)
            fail_msg("'%s' (mark %d): kind %d, want %d", s, mark, kind, number_cases[k].kind);
        if (kind == NONE) continue;
        double want = reference(s, mark);
        if (!same_bits(f, want)) fail_msg("'%s': %.17g, want %.17g", s, f, want);
        if (kind == INT && i != number_cases[k].ival)
            fail_msg("'%s': %lld, want %lld", s, (long long)i, (long long)number_cases[k].ival);
    }
}

static void test_conv_number_values(void **state) {
    (void)state;
    int64_t i;
    double f;

    /* Values written by hand, independent of strtod. */
    assert_int_equal(number("1.234,50", TG_MARK_COMMA, &i, &f), FLOAT);
    assert_true(f == 1234.5);
    assert_int_equal(number("3297,46", TG_MARK_COMMA, &i, &f), FLOAT);
    assert_true(f == 3297.46);
    assert_int_equal(number("-0,5", TG_MARK_COMMA, &i, &f), FLOAT);
    assert_true(f == -0.5);
    assert_int_equal(number("1.234", TG_MARK_COMMA, &i, &f), INT);
    assert_int_equal(i, 1234);
    assert_true(f == 1234.0);
    assert_int_equal(number("1.234", TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == 1.234);
    assert_int_equal(number("1,234,567.5", TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == 1234567.5);
    assert_int_equal(number("1.5e3", TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == 1500.0);
    assert_int_equal(number("1e-400", TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == 0.0);
    assert_int_equal(number("4.9e-324", TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == DBL_TRUE_MIN);
    assert_int_equal(number("1.7976931348623157e308", TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == DBL_MAX);
    /* 2^53 + 1 is a tie between 2^53 and 2^53 + 2: ties go to even. */
    assert_int_equal(number("9007199254740993", TG_MARK_DOT, &i, &f), INT);
    assert_true(f == 9007199254740992.0);
    /* The sign of zero survives, as with strtod. */
    assert_int_equal(number("-0", TG_MARK_DOT, &i, &f), INT);
    assert_int_equal(i, 0);
    assert_true(f == 0.0 && signbit(f));
    assert_int_equal(number("-0,0", TG_MARK_COMMA, &i, &f), FLOAT);
    assert_true(f == 0.0 && signbit(f));
    assert_int_equal(number("9223372036854775807", TG_MARK_DOT, &i, &f), INT);
    assert_true(i == INT64_MAX);
    assert_int_equal(number("9223372036854775808", TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == 9223372036854775808.0);
}

/* Digits far past the 19 the fast path keeps and the 800 the slow path
** keeps must still decide the rounding. */
static void test_conv_number_long_digits(void **state) {
    (void)state;
    static char text[2100];
    int64_t i;
    double f;

    /* 2^53 + 1 is a tie; anything above it, however far out, rounds up. */
    strcpy(text, "9007199254740993.");
    size_t k = strlen(text);
    memset(text + k, '0', 1500);
    k += 1500;
    text[k] = '\0';
    assert_int_equal(number(text, TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == 9007199254740992.0);
    text[k++] = '1';
    text[k] = '\0';
    assert_int_equal(number(text, TG_MARK_DOT, &i, &f), FLOAT);
    assert_true(f == 9007199254740994.0);
    assert_true(same_bits(f, strtod(text, NULL)));

    /* The same tie in grouped Danish form with a long integer part: the
    ** value is (2^53 + 1) * 10^30 + 1, written 1.000.000... */
    strcpy(text, "9.007.199.254.740.993");
    k = strlen(text);
    for (int g = 0; g < 10; g++) {
        memcpy(text + k, ".000", 4);
        k += 4;
    }
    text[k] = '\0';
    assert_int_equal(number(text, TG_MARK_COMMA, &i, &f), FLOAT);
    assert_true(same_bits(f, reference(text, TG_MARK_COMMA)));
    memcpy(text + k, ",0000000000001", 15);
    assert_int_equal(number(text, TG_MARK_COMMA, &i, &f), FLOAT);
    assert_true(same_bits(f, reference(text, TG_MARK_COMMA)));

    /* Leading zeros after the mark, then significant digits: 300 zeros
    ** give a normal double, 1000 underflow to -0. */
    strcpy(text, "-0,");
    memset(text + 3, '0', 300);
    strcpy(text + 303, "123456789012345678901234567");
    assert_int_equal(number(text, TG_MARK_COMMA, &i, &f), FLOAT);
    assert_true(same_bits(f, reference(text, TG_MARK_COMMA)));
    assert_true(f < -1.2e-301 && f > -1.3e-301);
    memset(text + 3, '0', 1000);
    strcpy(text + 1003, "123456789012345678901234567");
    assert_int_equal(number(text, TG_MARK_COMMA, &i, &f), FLOAT);
    assert_true(same_bits(f, reference(text, TG_MARK_COMMA)));
    assert_true(f == 0.0 && signbit(f));
}

/* Exact halfway points between adjacent doubles, and points just beside
** them, need every digit; glibc prints a long double exactly. */
static void test_conv_number_halfway(void **state) {
    (void)state;
#if LDBL_MANT_DIG >= 64
    /* valgrind computes long double at double precision, so the midpoints
    ** below would not be midpoints: detect that and skip. */
    volatile long double one = 1.0L;
    if (one + LDBL_EPSILON == one) {
        skip();
        return;
    }
    static char text[1200];
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int round = 0; round < 3000; round++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t bits = x & 0x7fefffffffffffffu; /* finite, positive, below DBL_MAX */
        double lo, hi;
        memcpy(&lo, &bits, sizeof lo);
        hi = nextafter(lo, INFINITY);
        long double mid = ((long double)lo + (long double)hi) / 2;
        int len = snprintf(text, sizeof text - 8, "%.790Le", mid);
        assert_true(len > 0 && (size_t)len < sizeof text - 8);
        int64_t i;
        double f;
        assert_int_equal(number(text, TG_MARK_DOT, &i, &f), FLOAT);
        if (!same_bits(f, strtod(text, NULL))) fail_msg("'%.40s...': %a", text, f);
        /* Nudge just above the tie by a digit far beyond the 800th. */
        char *e = strchr(text, 'e');
        char ex[16];
        snprintf(ex, sizeof ex, "%s", e);
        memset(e, '0', 40);
        e[40] = '1';
        strcpy(e + 41, ex);
        assert_int_equal(number(text, TG_MARK_DOT, &i, &f), FLOAT);
        if (!same_bits(f, strtod(text, NULL))) fail_msg("'%.40s...'+: %a", text, f);
    }
#else
    skip();
#endif
}

/* ---- numbers: randomized differential test ---- */

static uint64_t rng_state;

static uint64_t rng(void) {
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int rnd(int n) {
    return (int)(rng() % (uint64_t)n);
}

/* Appends len random digits; the first is nonzero when 'lead'. */
static size_t digits(char *out, int len, int lead) {
    for (int k = 0; k < len; k++) out[k] = (char)('0' + (k == 0 && lead ? 1 + rnd(9) : rnd(10)));
    return (size_t)len;
}

static void test_conv_number_random(void **state) {
    (void)state;
    static const int lens[] = { 1, 1, 2, 3, 4, 5, 6, 7, 9, 12, 15, 16, 17, 18, 19, 20, 22, 30, 45 };
    const int n_lens = (int)(sizeof lens / sizeof lens[0]);
    char intp[64], frac[64], plain[256], text[256];
    long n_int = 0, n_float = 0, n_none = 0;

    rng_state = 20240301;
    for (int round = 0; round < 200000; round++) {
        int mark = round & 1 ? TG_MARK_COMMA : TG_MARK_DOT;
        char dec = mark == TG_MARK_DOT ? '.' : ',', grp = mark == TG_MARK_DOT ? ',' : '.';
        int sign = rnd(4); /* 0: '-', 1: '+', else none */
        int li = rnd(8) == 0 ? 0 : lens[rnd(n_lens)];
        size_t ni = 1;
        if (li == 0) intp[0] = '0';
        else ni = digits(intp, li, 1);
        int lf = rnd(2) ? 0 : lens[rnd(n_lens)];
        size_t nf = digits(frac, lf, 0);
        int has_exp = mark == TG_MARK_DOT && rnd(3) == 0;
        int ex = rnd(2) ? rnd(45) - 22 : rnd(700) - 350;
        int group = ni > 3 && rnd(2);
        size_t np = 0, nt = 0;

        if (sign < 2) plain[np++] = text[nt++] = sign == 0 ? '-' : '+';
        for (size_t k = 0; k < ni; k++) {
            if (group && k > 0 && (ni - k) % 3 == 0) text[nt++] = grp;
            plain[np++] = text[nt++] = intp[k];
        }
        if (nf) {
            plain[np++] = '.';
            text[nt++] = dec;
            for (size_t k = 0; k < nf; k++) plain[np++] = text[nt++] = frac[k];
        }
        if (has_exp) {
            np += (size_t)sprintf(plain + np, "e%d", ex);
            nt += (size_t)sprintf(text + nt, "e%d", ex);
        }
        plain[np] = '\0';
        text[nt] = '\0';

        double want = strtod(plain, NULL);
        int want_kind = FLOAT;
        long long want_i = 0;
        if (isinf(want)) {
            want_kind = NONE;
        } else if (!nf && !has_exp) {
            errno = 0;
            want_i = strtoll(plain, NULL, 10);
            if (errno == 0) want_kind = INT;
        }

        int64_t i = 0;
        double f = 0;
        int kind = tg_conv_number(text, nt, mark, &i, &f);
        if (kind != want_kind)
            fail_msg("'%s' (mark %d): kind %d, want %d", text, mark, kind, want_kind);
        if (kind == NONE) {
            n_none++;
            continue;
        }
        if (!same_bits(f, want)) fail_msg("'%s' (mark %d): %a, want %a", text, mark, f, want);
        if (kind == INT) {
            n_int++;
            if (i != want_i) fail_msg("'%s': %lld, want %lld", text, (long long)i, want_i);
        } else {
            n_float++;
        }
        /* The marks agree with the kind under this mark. */
        if (!(tg_conv_number_marks(text, nt) & (unsigned)mark)) fail_msg("marks of '%s'", text);
    }
    /* The generator must reach every outcome, or the test proves little. */
    assert_true(n_int > 10000 && n_float > 100000 && n_none > 100);
}

/* Random doubles printed by printf (%.*e, %.*f, %.*g) read back bit-exact. */
static void test_conv_number_printed(void **state) {
    (void)state;
    char text[512];
    rng_state = 77;
    for (int round = 0; round < 50000; round++) {
        uint64_t bits = rng() & 0x7fefffffffffffffu;
        double x;
        memcpy(&x, &bits, sizeof x);
        if (round % 3 == 2) x = ldexp((double)(rng() >> 11), rnd(120) - 90); /* moderate */
        int prec = 1 + rnd(25);
        int len;
        switch (round % 3) {
        case 0: len = snprintf(text, sizeof text, "%.*e", prec, x); break;
        case 1: len = snprintf(text, sizeof text, "%.*g", prec, x); break;
        default: len = snprintf(text, sizeof text, "%.*f", prec, x); break;
        }
        assert_true(len > 0 && (size_t)len < sizeof text);
        int64_t i;
        double f;
        int kind = tg_conv_number(text, (size_t)len, TG_MARK_DOT, &i, &f);
        double want = strtod(text, NULL);
        if (isinf(want)) { /* a short rounding of a huge x, like "2e+308" */
            if (kind != NONE) fail_msg("'%s' overflows but was read", text);
            continue;
        }
        if (kind == NONE) fail_msg("'%s' rejected", text);
        if (!same_bits(f, want)) fail_msg("'%s': %a", text, f);
    }
}

static void test_conv_number_marks(void **state) {
    (void)state;
    const unsigned both = TG_MARK_DOT | TG_MARK_COMMA;
    assert_int_equal(marks("1.234"), both);
    assert_int_equal(marks("3297,46"), TG_MARK_COMMA);
    assert_int_equal(marks("1,5"), TG_MARK_COMMA);
    assert_int_equal(marks("1,500"), both);
    assert_int_equal(marks("12.5"), TG_MARK_DOT);
    assert_int_equal(marks("1234"), both);
    assert_int_equal(marks("-5"), both);
    assert_int_equal(marks("0"), both);
    assert_int_equal(marks("1.234,5"), TG_MARK_COMMA);
    assert_int_equal(marks("1,234.5"), TG_MARK_DOT);
    assert_int_equal(marks("1.234.567"), TG_MARK_COMMA);
    assert_int_equal(marks("1,234,567"), TG_MARK_DOT);
    assert_int_equal(marks("1e5"), TG_MARK_DOT);
    assert_int_equal(marks("0,500"), TG_MARK_COMMA);
    assert_int_equal(marks("0.500"), TG_MARK_DOT);
    assert_int_equal(marks("abc"), 0);
    assert_int_equal(marks(""), 0);
    assert_int_equal(marks("0800"), 0);
    assert_int_equal(marks("1.23,4"), 0);
    assert_int_equal(marks("1e400"), 0);
}

/* ---- booleans ---- */

static void test_conv_bool(void **state) {
    (void)state;
    static const struct {
        const char *text;
        int v;
    } good[] = {
        { "true", 1 }, { "TRUE", 1 }, { "True", 1 }, { "tRuE", 1 },  { "yes", 1 },   { "YES", 1 },
        { "ja", 1 },   { "Ja", 1 },   { "JA", 1 },   { "j", 1 },     { "J", 1 },     { "y", 1 },
        { "Y", 1 },    { "t", 1 },    { "T", 1 },    { "false", 0 }, { "FALSE", 0 }, { "False", 0 },
        { "no", 0 },   { "NO", 0 },   { "No", 0 },   { "nej", 0 },   { "NEJ", 0 },   { "Nej", 0 },
        { "n", 0 },    { "N", 0 },    { "f", 0 },    { "F", 0 },
    };
    static const char *const bad[] = {
        "",     "1",      "0", "tru", "truee", "yes ", " no", "x",  "ok",       "jaa", "nein",
        "nejj", "falsey", "@", "ye",  "fals",  "on",   "off", "J ", "\x4a\x40", "nO!",
    };
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        size_t n = strlen(good[k].text);
        char *p = field(good[k].text, n);
        int v = -1;
        int ok = tg_conv_bool(p, n, &v) == 0;
        tg_free(p);
        if (!ok || v != good[k].v) fail_msg("'%s': %d %d", good[k].text, ok, v);
    }
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t n = strlen(bad[k]);
        char *p = field(bad[k], n);
        int v = -1;
        int ok = tg_conv_bool(p, n, &v) == 0;
        tg_free(p);
        if (ok) fail_msg("'%s' read as a boolean", bad[k]);
        assert_int_equal(v, -1);
    }
    /* Only n bytes count: "true" cut to 3 is not a boolean, "nej" cut to 1 is. */
    int v = -1;
    assert_int_equal(tg_conv_bool("true", 3, &v), -1);
    assert_int_equal(tg_conv_bool("nej", 1, &v), 0);
    assert_int_equal(v, 0);
    /* "yes\0" with its NUL is 4 bytes, not a word. */
    assert_int_equal(tg_conv_bool("yes\0", 4, &v), -1);
}

/* ---- null tokens ---- */

static void test_conv_nulls(void **state) {
    (void)state;
    tg_nulls nulls;
    tg_conv_nulls_init(&nulls, NULL, 0);
    assert_int_equal(nulls.n, 3);
    assert_true(tg_conv_is_null(&nulls, "", 0));
    assert_true(tg_conv_is_null(&nulls, "NA", 2));
    assert_true(tg_conv_is_null(&nulls, "NULL", 4));
    assert_true(tg_conv_is_null(&nulls, "NAN", 2)); /* only n bytes count */
    assert_false(tg_conv_is_null(&nulls, "na", 2));
    assert_false(tg_conv_is_null(&nulls, "null", 4));
    assert_false(tg_conv_is_null(&nulls, "N", 1));
    assert_false(tg_conv_is_null(&nulls, "NAN", 3));
    assert_false(tg_conv_is_null(&nulls, " ", 1));
    assert_false(tg_conv_is_null(&nulls, "NULLS", 5));

    static const char *const mine[] = { "-", "n/a", "." };
    tg_conv_nulls_init(&nulls, mine, 3);
    assert_true(tg_conv_is_null(&nulls, "-", 1));
    assert_true(tg_conv_is_null(&nulls, "n/a", 3));
    assert_true(tg_conv_is_null(&nulls, ".", 1));
    assert_false(tg_conv_is_null(&nulls, "", 0));
    assert_false(tg_conv_is_null(&nulls, "NA", 2));
    assert_false(tg_conv_is_null(&nulls, "N/A", 3));

    /* An explicit empty list: nothing is NULL, not even "". */
    tg_conv_nulls_init(&nulls, mine, 0);
    assert_false(tg_conv_is_null(&nulls, "", 0));
    assert_false(tg_conv_is_null(&nulls, "-", 1));

    static const char *const sixteen[16] = { "a", "b", "c", "d", "e", "f", "g", "h",
                                             "i", "j", "k", "l", "m", "n", "o", "p" };
    tg_conv_nulls_init(&nulls, sixteen, 16);
    assert_true(tg_conv_is_null(&nulls, "a", 1));
    assert_true(tg_conv_is_null(&nulls, "p", 1));
    assert_false(tg_conv_is_null(&nulls, "q", 1));
}

/* ---- dates ---- */

static void test_conv_date_formats(void **state) {
    (void)state;
    /* mask by hand; days under each format bit from GNU date. */
    static const struct {
        const char *text;
        unsigned mask;
        int32_t day_first;   /* days under the DMY bit (or ISO / YMD_SLASH) */
        int32_t month_first; /* days under the MDY bit, when in the mask */
    } cases[] = {
        { "2024-03-01", TG_DF_ISO, 19783, 0 },
        { "2024-3-1", TG_DF_ISO, 19783, 0 },
        { "2024/03/01", TG_DF_YMD_SLASH, 19783, 0 },
        { "2024-02-29", TG_DF_ISO, 19782, 0 },
        { "0001-01-01", TG_DF_ISO, -719162, 0 },
        { "9999/12/31", TG_DF_YMD_SLASH, 2932896, 0 },
        { "01-03-2024", TG_DF_DMY_DASH | TG_DF_MDY_DASH, 19783, 19725 },
        { "1-3-2024", TG_DF_DMY_DASH | TG_DF_MDY_DASH, 19783, 19725 },
        { "01.03.2024", TG_DF_DMY_DOT | TG_DF_MDY_DOT, 19783, 19725 },
        { "01/03/2024", TG_DF_DMY_SLASH | TG_DF_MDY_SLASH, 19783, 19725 },
        { "01-02-2024", TG_DF_DMY_DASH | TG_DF_MDY_DASH, 19754, 19724 },
        { "13-02-2024", TG_DF_DMY_DASH, 19766, 0 },
        { "02-13-2024", TG_DF_MDY_DASH, 0, 19766 },
        { "13.2.2024", TG_DF_DMY_DOT, 19766, 0 },
        { "2/13/2024", TG_DF_MDY_SLASH, 0, 19766 },
        { "29-02-2024", TG_DF_DMY_DASH, 19782, 0 },
        { "02-29-2024", TG_DF_MDY_DASH, 0, 19782 },
        { "31.12.2024", TG_DF_DMY_DOT, 20088, 0 },
        { "12/11/2024", TG_DF_DMY_SLASH | TG_DF_MDY_SLASH, 20039, 20068 },
        { "31-12-9999", TG_DF_DMY_DASH, 2932896, 0 },
        { "01-01-1970", TG_DF_DMY_DASH | TG_DF_MDY_DASH, 0, 0 },
        { "31-12-1969", TG_DF_DMY_DASH, -1, 0 },
        /* midnight suffixes */
        { "2024-03-01 00:00", TG_DF_ISO, 19783, 0 },
        { "2024-03-01T00:00", TG_DF_ISO, 19783, 0 },
        { "2024-03-01 00:00:00", TG_DF_ISO, 19783, 0 },
        { "2024-03-01T00:00:00.000", TG_DF_ISO, 19783, 0 },
        { "01-03-2024 00:00:00", TG_DF_DMY_DASH | TG_DF_MDY_DASH, 19783, 19725 },
        { "13/02/2024 00:00", TG_DF_DMY_SLASH, 19766, 0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int32_t packed = 0;
        unsigned mask = date(cases[k].text, &packed);
        if (mask != cases[k].mask)
            fail_msg("'%s': mask %#x, want %#x", cases[k].text, mask, cases[k].mask);
        for (unsigned bit = 1; bit <= TG_DF_YMD_SLASH; bit <<= 1) {
            if (!(mask & bit)) continue;
            int month_first = bit & (TG_DF_MDY_DASH | TG_DF_MDY_DOT | TG_DF_MDY_SLASH);
            int32_t want = month_first ? cases[k].month_first : cases[k].day_first;
            int32_t got = tg_conv_date_days(packed, bit);
            if (got != want) fail_msg("'%s' as %#x: %d, want %d", cases[k].text, bit, got, want);
            /* And against the calendar module, from the text's own numbers. */
            int y, m, d;
            tg_date_to_ymd(got, &y, &m, &d);
            assert_int_equal(tg_date_from_ymd(y, m, d), got);
        }
    }
    /* Explicitly against tg_date_from_ymd. */
    int32_t packed;
    assert_int_equal(date("13-02-2024", &packed), TG_DF_DMY_DASH);
    assert_int_equal(tg_conv_date_days(packed, TG_DF_DMY_DASH), tg_date_from_ymd(2024, 2, 13));
    assert_int_equal(date("2024/3/1", &packed), TG_DF_YMD_SLASH);
    assert_int_equal(tg_conv_date_days(packed, TG_DF_YMD_SLASH), tg_date_from_ymd(2024, 3, 1));
    assert_int_equal(date("3.1.2024", &packed), TG_DF_DMY_DOT | TG_DF_MDY_DOT);
    assert_int_equal(tg_conv_date_days(packed, TG_DF_DMY_DOT), tg_date_from_ymd(2024, 1, 3));
    assert_int_equal(tg_conv_date_days(packed, TG_DF_MDY_DOT), tg_date_from_ymd(2024, 3, 1));
}

static void test_conv_date_rejects(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",
        "abc",
        "31-02-2024",
        "29-02-2023",
        "02-29-2023",
        "29-02-1900",
        "2023-02-29",
        "2024-04-31",
        "32-01-2024",
        "13-13-2024",
        "00-01-2024",
        "2024-00-10",
        "2024-13-01",
        "0000-01-01",
        "01-01-0000",
        "2024-03-01 12:30",
        "2024-03-01 00:00:01",
        "2024-03-01 00:01",
        "2024-03-01 0:00",
        "2024-03-01T",
        "2024-03-01 ",
        "2024-03-01  00:00",
        "2024-03-01 00:00:00.",
        "2024-03-01 00:00:00.001",
        "2024-03-01 00:00:",
        "2024-03-01 00:00Z",
        "2024-03-01x",
        "2024.03.01",
        "2024-03/01",
        "01-03/2024",
        "01.03-2024",
        "24-03-01",
        "01-03-24",
        "001-03-2024",
        "01-003-2024",
        "2024-003-01",
        "2024-03-001",
        "20240301",
        "01032024",
        "-2024-03-01",
        "12024-03-01",
        "2024--03-01",
        "2024-03-",
        "01-03-20245",
        "01-03-202456",
        "1-1-1",
        "2024-1",
        "+1-03-2024",
        "1,5-3-2024",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int32_t packed = 4242;
        unsigned mask = date(bad[k], &packed);
        if (mask != 0) fail_msg("'%s' read as a date (%#x)", bad[k], mask);
    }
}

static void test_conv_date_column(void **state) {
    (void)state;
    /* A column's mask is the AND of its values'; one unambiguous value
    ** settles the order for the rest. */
    static const char *const col[] = { "01-02-2024", "05-06-2024", "13-02-2024", "12-12-2024" };
    unsigned mask = TG_DF_ALL;
    int32_t packed[4];
    for (size_t k = 0; k < 4; k++) mask &= date(col[k], &packed[k]);
    assert_int_equal(mask, TG_DF_DMY_DASH);
    unsigned fmt = tg_conv_date_pick(mask);
    assert_int_equal(fmt, TG_DF_DMY_DASH);
    assert_int_equal(tg_conv_date_days(packed[0], fmt), 19754); /* 2024-02-01 */
    assert_int_equal(tg_conv_date_days(packed[2], fmt), 19766); /* 2024-02-13 */
    /* Mixed separators leave nothing. */
    unsigned m2 = date("01-02-2024", &packed[0]) & date("01.02.2024", &packed[1]);
    assert_int_equal(m2, 0);
    assert_int_equal(tg_conv_date_pick(m2), 0);
}

static void test_conv_date_pick(void **state) {
    (void)state;
    assert_int_equal(tg_conv_date_pick(0), 0);
    assert_int_equal(tg_conv_date_pick(TG_DF_ALL), TG_DF_ISO);
    assert_int_equal(tg_conv_date_pick(TG_DF_YMD_SLASH | TG_DF_DMY_DASH), TG_DF_YMD_SLASH);
    assert_int_equal(tg_conv_date_pick(TG_DF_DMY_DASH | TG_DF_MDY_DASH), TG_DF_DMY_DASH);
    assert_int_equal(tg_conv_date_pick(TG_DF_DMY_DOT | TG_DF_MDY_DOT), TG_DF_DMY_DOT);
    assert_int_equal(tg_conv_date_pick(TG_DF_DMY_SLASH | TG_DF_MDY_SLASH), TG_DF_DMY_SLASH);
    assert_int_equal(tg_conv_date_pick(TG_DF_DMY_DOT | TG_DF_DMY_SLASH), TG_DF_DMY_DOT);
    assert_int_equal(tg_conv_date_pick(TG_DF_MDY_DASH | TG_DF_DMY_SLASH), TG_DF_DMY_SLASH);
    assert_int_equal(tg_conv_date_pick(TG_DF_MDY_DASH | TG_DF_MDY_DOT | TG_DF_MDY_SLASH),
                     TG_DF_MDY_DASH);
    assert_int_equal(tg_conv_date_pick(TG_DF_MDY_DOT | TG_DF_MDY_SLASH), TG_DF_MDY_DOT);
    assert_int_equal(tg_conv_date_pick(TG_DF_MDY_SLASH), TG_DF_MDY_SLASH);
}

static void test_conv_date_fmt_names(void **state) {
    (void)state;
    static const struct {
        unsigned fmt;
        const char *name;
    } names[] = {
        { TG_DF_ISO, "%Y-%m-%d" },       { TG_DF_DMY_DASH, "%d-%m-%Y" },
        { TG_DF_MDY_DASH, "%m-%d-%Y" },  { TG_DF_DMY_DOT, "%d.%m.%Y" },
        { TG_DF_MDY_DOT, "%m.%d.%Y" },   { TG_DF_DMY_SLASH, "%d/%m/%Y" },
        { TG_DF_MDY_SLASH, "%m/%d/%Y" }, { TG_DF_YMD_SLASH, "%Y/%m/%d" },
    };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        assert_string_equal(tg_conv_date_fmt_name(names[k].fmt), names[k].name);
        assert_int_equal(tg_conv_date_fmt_parse(names[k].name), names[k].fmt);
    }
    assert_null(tg_conv_date_fmt_name(0));
    assert_null(tg_conv_date_fmt_name(TG_DF_ISO | TG_DF_DMY_DASH));
    assert_null(tg_conv_date_fmt_name(1u << 8));
    assert_int_equal(tg_conv_date_fmt_parse("%Y.%m.%d"), 0);
    assert_int_equal(tg_conv_date_fmt_parse(""), 0);
    assert_int_equal(tg_conv_date_fmt_parse(NULL), 0);
    assert_int_equal(tg_conv_date_fmt_parse("%Y-%m-%d "), 0);
}

/* tg_conv never allocates: a run of every function leaves the counters alone. */
static void test_conv_no_allocation(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    size_t used = tg_mem_used();
    int64_t i;
    double f;
    int32_t packed;
    int v;
    tg_mem_fail_nth(1); /* any allocation would fail and stay pending */
    assert_int_equal(tg_conv_number("1.234,5", 7, TG_MARK_COMMA, &i, &f), FLOAT);
    assert_int_equal(tg_conv_number("1e-400", 6, TG_MARK_DOT, &i, &f), FLOAT);
    assert_int_equal(tg_conv_number_marks("1,500", 5), TG_MARK_DOT | TG_MARK_COMMA);
    assert_int_equal(tg_conv_bool("ja", 2, &v), 0);
    assert_int_equal(tg_conv_date("01-03-2024 00:00", 16, &packed),
                     TG_DF_DMY_DASH | TG_DF_MDY_DASH);
    assert_true(tg_mem_fail_pending());
    tg_mem_fail_nth(0);
    assert_int_equal(tg_mem_blocks(), before);
    assert_int_equal(tg_mem_used(), used);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_number_cases),
        cmocka_unit_test(test_conv_number_values),
        cmocka_unit_test(test_conv_number_long_digits),
        cmocka_unit_test(test_conv_number_halfway),
        cmocka_unit_test(test_conv_number_random),
        cmocka_unit_test(test_conv_number_printed),
        cmocka_unit_test(test_conv_number_marks),
        cmocka_unit_test(test_conv_bool),
        cmocka_unit_test(test_conv_nulls),
        cmocka_unit_test(test_conv_date_formats),
        cmocka_unit_test(test_conv_date_rejects),
        cmocka_unit_test(test_conv_date_column),
        cmocka_unit_test(test_conv_date_pick),
        cmocka_unit_test(test_conv_date_fmt_names),
        cmocka_unit_test(test_conv_no_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
