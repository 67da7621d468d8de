/*
** tg_num.c -- number formatting, rounding and strict parsing (see tg_num.h).
** Shortest round-trip text comes from printf at 15, 16 and 17 significant
** digits, checked by reading it back with the locale-free tg_conv_number.
** Rounding decides most values from x * 10^digits directly and falls back
** to the shortest decimal text only when that product is within a few ulps
** of a tie, where binary error could flip the decision.
*/
#include "tg_num.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg_conv.h"
#include "tg_fmt.h"

/* 10^0 .. 10^22 are exact doubles. */
static const double pow10_tab[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

size_t tg_num_format_f64(double x, char *buf) {
    char tmp[TG_FMT_DOUBLE_MAX];
    if (isnan(x)) return (size_t)snprintf(buf, TG_NUM_BUF, "nan");
    if (isinf(x)) return (size_t)snprintf(buf, TG_NUM_BUF, x < 0 ? "-inf" : "inf");
    /* The one formatter JSON and CSV use too, so a number cast to text
    ** reads exactly as it is printed in the output. */
    size_t len = tg_fmt_double(x, -1, TG_FMT_EXP, tmp);
    assert(len > 0 && len < TG_NUM_BUF);
    memcpy(buf, tmp, len + 1);
    return len;
}

/* ---- rounding ---- */

/* The exponent printf wrote after 'e': a sign and two or three digits. */
/* Rounds the magnitude m (> 0, finite) by its shortest decimal text. The
** digits D with the first at 10^E (tg_fmt_digits); the rounding
** keeps the first E + digits + 1 of them. Slow (printf), so only for the
** rare values the fast paths cannot decide. */
static double round_decimal(double m, int digits, tg_round_mode mode) {
    char dig[24];
    int point;
    size_t nd = (size_t)tg_fmt_digits(m, dig, &point);
    int exp10 = point - 1; /* dig[0] is the 10^exp10 digit */

    long keep = (long)exp10 + digits + 1;
    if (keep < 0) return 0.0;
    if ((size_t)keep >= nd) return m; /* nothing below the rounding position */
    int64_t k = 0;
    for (long j = 0; j < keep; j++) k = k * 10 + (dig[j] - '0');
    int next = dig[keep] - '0';
    int more = (size_t)keep + 1 < nd; /* trailing zeros were stripped */
    int up = next > 5 || (next == 5 && (more || mode == TG_ROUND_HALF_UP || (k & 1) != 0));
    k += up;
    /* k has up to 17 digits, more than a double holds exactly: let the
    ** correctly rounded reader turn "<k>e<-digits>" into the nearest double. */
    char text[48];
    int64_t i;
    double r;
    int len = snprintf(text, sizeof text, "%llde%d", (long long)k, -digits);
    if (tg_conv_number(text, (size_t)len, TG_MARK_DOT, &i, &r) == TG_NUM_NONE) return m;
    return r;
}

/* Decides a near tie exactly without printing. The tie point is the
** decimal T = (fl + 0.5) * 10^-digits; one division (or multiplication) of
** exact integers gives the double nearest to T. When that double is m
** itself, T is m's shortest text: below 2^48 the doubles around y are
** closer together than 0.1, so no other text of as few digits, and none
** shorter, reads back as m. Otherwise m lies strictly on one side of T. */
static double round_near_tie(double m, double fl, int digits, tg_round_mode mode) {
    double t = digits >= 0 ? (2 * fl + 1) / (2 * pow10_tab[digits])
                           : (2 * fl + 1) * pow10_tab[-digits] / 2;
    double k;
    if (m < t) k = fl;
    else if (m > t) k = fl + 1;
    else k = (mode == TG_ROUND_HALF_UP || ((int64_t)fl & 1)) ? fl + 1 : fl;
    return digits >= 0 ? k / pow10_tab[digits] : k * pow10_tab[-digits];
}

/* TG_ROUND_HALF_UP_TOL on a finite, nonzero x (see tg_num.h). */
static double round_tolerant(double x, int digits) {
    double s = digits >= 0 ? fabs(x) * pow10_tab[digits] : fabs(x) / pow10_tab[-digits];
    double n = floor(s);
    if (s - n >= 0.5 - 1e-14 * (s > 1 ? s : 1)) n += 1;
    n = digits >= 0 ? n / pow10_tab[digits] : n * pow10_tab[-digits];
    return x < 0 ? -n : n;
}

double tg_num_round_f64(double x, int digits, tg_round_mode mode) {
    double m, y, fl, frac, k, r;
    int64_t whole;

    assert(digits >= TG_ROUND_MIN_DIGITS && digits <= TG_ROUND_MAX_DIGITS);
    assert(mode == TG_ROUND_HALF_UP || mode == TG_ROUND_HALF_EVEN || mode == TG_ROUND_HALF_UP_TOL);
    if (!isfinite(x) || x == 0) return x == 0 ? 0.0 : x;
    if (mode == TG_ROUND_HALF_UP_TOL) return round_tolerant(x, digits) + 0.0;
    m = fabs(x);
    y = digits >= 0 ? m * pow10_tab[digits] : m / pow10_tab[-digits];
    /* Up to 17 significant digits: from 10^17 on no digit of x's text lies
    ** below the rounding position. From 2^52 on y has no binary fraction
    ** left to judge by, but x's text may still have digits there. */
    if (y >= 1e17) return x;
    if (y >= 4503599627370496.0) return copysign(round_decimal(m, digits, mode), x);
    whole = (int64_t)y; /* floor, as y >= 0; cheaper than floor() */
    fl = (double)whole;
    frac = y - fl; /* exact: y < 2^52 */
    if (digits != 0 && fabs(frac - 0.5) <= y * 1e-15) {
        /* y carries up to an ulp of error from the scaling and x up to half
        ** an ulp from its decimal text, so the text must decide. */
        r = y < 281474976710656.0 ? round_near_tie(m, fl, digits, mode)
                                  : round_decimal(m, digits, mode);
    } else {
        /* Branch-free: over a column the fractions are random, and a
        ** mispredicted branch per value would cost more than the rest. */
        int tie_up = (mode == TG_ROUND_HALF_UP) | (int)(whole & 1);
        k = fl + (double)((frac > 0.5) | ((frac == 0.5) & tie_up));
        if (digits == 0) r = k;
        else r = digits > 0 ? k / pow10_tab[digits] : k * pow10_tab[-digits];
    }
    return copysign(r, x) + 0.0; /* -0.0 + 0.0 is 0.0 */
}

int tg_num_round_i64(int64_t x, int digits, tg_round_mode mode, int64_t *out) {
    assert(digits >= TG_ROUND_MIN_DIGITS && digits <= TG_ROUND_MAX_DIGITS);
    if (digits >= 0) {
        *out = x;
        return 0;
    }
    uint64_t p = (uint64_t)pow10_tab[-digits]; /* exact: at most 10^18 */
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    uint64_t q = u / p, rem = u % p;
    int up = rem > p - rem || (rem == p - rem && (mode != TG_ROUND_HALF_EVEN || (q & 1)));
    q += (uint64_t)up;
    if (q > UINT64_MAX / p) return -1;
    u = q * p;
    if (x < 0 ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX) return -1;
    *out = x < 0 ? (int64_t)((uint64_t)0 - u) : (int64_t)u;
    return 0;
}

/* ---- parsing ---- */

/* Trims spaces and tabs, then copies the text into buf (at most 'size'
** bytes with the NUL) with the sign kept and leading zeros dropped (one
** stays before a non-digit or at the end), so "-007.5" becomes "-7.5".
** Returns the copy's length, or 0 when the text is empty or too long. */
static size_t normalise(const char *s, size_t n, char *buf, size_t size) {
    size_t len = 0;
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n && (*s == '-' || *s == '+')) {
        buf[len++] = *s++;
        n--;
    }
    while (n > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9') s++, n--;
    if (n == 0 || len + n >= size) return 0;
    memcpy(buf + len, s, n);
    len += n;
    buf[len] = '\0';
    return len;
}

int tg_num_parse_i64(const char *s, size_t n, int64_t *out) {
    char buf[64];
    size_t len = normalise(s, n, buf, sizeof buf);
    size_t start = len && (buf[0] == '-' || buf[0] == '+');
    double f;
    if (len == start) return -1;
    for (size_t k = start; k < len; k++)
        if (buf[k] < '0' || buf[k] > '9') return -1;
    return tg_conv_number(buf, len, TG_MARK_DOT, out, &f) == TG_NUM_INT ? 0 : -1;
}

int tg_num_parse_f64(const char *s, size_t n, double *out) {
    char buf[400];
    int64_t i;
    size_t len = normalise(s, n, buf, sizeof buf);
    if (len == 0) return -1;
    return tg_conv_number(buf, len, TG_MARK_DOT, &i, out) == TG_NUM_NONE ? -1 : 0;
}
