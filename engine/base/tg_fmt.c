/*
** tg_fmt.c -- deterministic number text (see tg_fmt.h).
** A finite nonzero double is first turned into its shortest round-trip
** decimal, digits d1..dn and a point position P meaning 0.d1..dn x 10^P;
** rounding to a number of places works on those digits, and the layout
** step prints them. The digits come from exact integer arithmetic for the
** common range and otherwise from the C library (snprintf "%.*e" and
** strtod, both correctly rounded in glibc and musl), read back without
** relying on the locale's decimal point, so output never depends on
** LC_NUMERIC. Both ways give the shortest digits nearest to v.
*/
#include "tg_fmt.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* value = 0.d[0]d[1]..d[nd-1] x 10^point; nd == 0 means zero. */
struct decimal {
    char d[24]; /* ASCII digits, no trailing zeros */
    int nd;
    int point;
};

static void strip_zeros(struct decimal *dec) {
    while (dec->nd > 0 && dec->d[dec->nd - 1] == '0') dec->nd--;
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 u128;

/* Exact shortest digits with 128-bit integers, for 1e-4 <= v < 2^53 (the
** values tables hold). v = m * 2^e with e <= 0; the doubles next to v are
** half an ulp away (a quarter below a power of two), so every decimal in
** [v - gap_lo, v + gap_hi] reads back as v, the ends only when m is even
** (strtod rounds ties to even). Measured in units of 2^(e-2), the interval
** is [4m - 2 (or 1), 4m + 2]; scaling by 10^f and shifting by 2 - e gives
** it in units of 10^-f. The first f (fewest decimals) whose interval holds
** an integer gives the shortest decimals; of those, the one nearest v
** (ties to even, as printf) is taken. All products stay below 2^125.
** Returns 0 when v is outside the range or needs more than 21 decimals. */
static int shortest_fast(double v, struct decimal *dec) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    const int biased = (int)((bits >> 52) & 0x7ff);
    const int e = biased - 1075;
    if (biased == 0 || e > 0 || e < -124 || v < 1e-4) return 0;
    const uint64_t m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    const uint64_t lo_gap = m == (UINT64_C(1) << 52) && biased > 1 ? 1 : 2;
    const int even = (m & 1) == 0;
    const unsigned shift = (unsigned)(2 - e);

    u128 p = 1; /* 10^f */
    for (int f = 0; f <= 21; f++, p *= 10) {
        u128 a = (u128)(4 * m - lo_gap) * p, b = (u128)(4 * m + 2) * p, c = (u128)(4 * m) * p;
        u128 lo = a >> shift, hi = b >> shift;
        if ((lo << shift) < a || ((lo << shift) == a && !even)) lo++;
        if ((hi << shift) == b && !even) hi--;
        if (lo > hi) continue;
        u128 n = c >> shift, rem = c - (n << shift), half = (u128)1 << (shift - 1);
        if (rem > half || (rem == half && (n & 1))) n++;
        if (n < lo) n = lo;
        if (n > hi) n = hi;
        /* at most 17 significant digits are ever needed, so n < 10^18 */
        uint64_t u = (uint64_t)n;
        char tmp[24];
        int k = 0;
        while (u) {
            tmp[k++] = (char)('0' + u % 10);
            u /= 10;
        }
        for (int i = 0; i < k; i++) dec->d[i] = tmp[k - 1 - i];
        dec->nd = k;
        dec->point = k - f;
        strip_zeros(dec);
        return 1;
    }
    return 0;
}
#else
static int shortest_fast(double v, struct decimal *dec) {
    (void)v;
    (void)dec;
    return 0;
}
#endif

/* Reads the digits and exponent of snprintf's "%.*e" output. The decimal
** point is whatever the locale uses, so every non-digit before 'e' is
** skipped rather than matched. */
static void read_e(const char *s, struct decimal *dec) {
    dec->nd = 0;
    for (; *s && *s != 'e' && *s != 'E'; s++)
        if (*s >= '0' && *s <= '9' && dec->nd < (int)sizeof dec->d) dec->d[dec->nd++] = *s;
    dec->point = (*s ? atoi(s + 1) : 0) + 1;
}

/* 15 significant digits, then 16, then 17 (which always round-trips):
** the first that reads back as v. For a normal double, any decimal of at
** most 15 digits that reads back as v is v rounded to 15 digits (the
** double's half-ulp, 2^-53 relative, is far below half a unit in the 15th
** digit), so trimming zeros gives the shortest. Subnormals carry fewer
** bits, so for them the search starts at one digit. */
static void shortest_slow(double v, struct decimal *dec) {
    char buf[48], back[48];
    for (int p = v < DBL_MIN ? 1 : 15; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        read_e(buf, dec);
        if (p == 17) break;
        /* "DDDDe-N" has no decimal point, so strtod reads it in any locale */
        snprintf(back, sizeof back, "%.*se%d", dec->nd, dec->d, dec->point - dec->nd);
        if (strtod(back, NULL) == v) break;
    }
    strip_zeros(dec);
}

/* v finite and > 0. */
static void shortest(double v, struct decimal *dec) {
    if (!shortest_fast(v, dec)) shortest_slow(v, dec);
}

/* Rounds half away from zero (on the magnitude) to n places after the point. */
static void round_places(struct decimal *dec, int n) {
    int keep = dec->point + n;
    if (keep >= dec->nd) return;
    if (keep < 0) {
        dec->nd = 0;
        return;
    }
    int up = dec->d[keep] >= '5';
    dec->nd = keep;
    if (up) {
        int i = keep - 1;
        while (i >= 0 && dec->d[i] == '9') i--;
        if (i < 0) { /* 9.995 -> 10.00: one digit, one place further left */
            dec->d[0] = '1';
            dec->nd = 1;
            dec->point++;
        } else {
            dec->d[i]++;
            dec->nd = i + 1;
        }
    }
    strip_zeros(dec);
}

/* Decimal digits of v (finite) rounded as tg_fmt_double does; sets *neg. */
static void to_decimal(double v, int decimals, struct decimal *dec, int *neg) {
    *neg = signbit(v) != 0;
    dec->nd = 0;
    dec->point = 0;
    if (v != 0) shortest(fabs(v), dec);
    if (decimals >= 0) round_places(dec, decimals);
    if (dec->nd == 0) *neg = 0; /* never "-0.0" */
}

static char *put_zeros(char *p, int n) {
    for (int i = 0; i < n; i++) *p++ = '0';
    return p;
}

size_t tg_fmt_double(double v, int decimals, unsigned flags, char *buf) {
    const char mark = (flags & TG_FMT_COMMA) ? ',' : '.';
    struct decimal dec;
    int neg;
    char *p = buf;

    if (!isfinite(v)) {
        buf[0] = '\0';
        return 0;
    }
    to_decimal(v, decimals, &dec, &neg);
    if (neg) *p++ = '-';
    const int nd = dec.nd, pt = dec.point;
    if (nd == 0) {
        *p++ = '0';
        *p++ = mark;
        *p++ = '0';
    } else if ((flags & TG_FMT_EXP) && (pt > 21 || pt < -5)) {
        int e = pt - 1;
        *p++ = dec.d[0];
        if (nd > 1) {
            *p++ = mark;
            memcpy(p, dec.d + 1, (size_t)(nd - 1));
            p += nd - 1;
        }
        p += snprintf(p, 8, "e%c%d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else if (pt <= 0) {
        *p++ = '0';
        *p++ = mark;
        p = put_zeros(p, -pt);
        memcpy(p, dec.d, (size_t)nd);
        p += nd;
    } else if (pt >= nd) {
        memcpy(p, dec.d, (size_t)nd);
        p = put_zeros(p + nd, pt - nd);
        *p++ = mark;
        *p++ = '0';
    } else {
        memcpy(p, dec.d, (size_t)pt);
        p += pt;
        *p++ = mark;
        memcpy(p, dec.d + pt, (size_t)(nd - pt));
        p += nd - pt;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

int tg_fmt_digits(double v, char dig[24], int *point) {
    struct decimal dec;
    assert(isfinite(v) && v != 0);
    shortest(fabs(v), &dec);
    memcpy(dig, dec.d, (size_t)dec.nd);
    *point = dec.point;
    return dec.nd;
}

size_t tg_fmt_int64(int64_t v, char *buf) {
    /* through uint64 so INT64_MIN has a magnitude */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char tmp[TG_FMT_INT_MAX];
    size_t n = 0, len = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

double tg_fmt_round(double v, int decimals) {
    struct decimal dec;
    char buf[48];
    int neg;

    if (decimals < 0 || !isfinite(v)) return v;
    to_decimal(v, decimals, &dec, &neg);
    if (dec.nd == 0) return 0.0;
    snprintf(buf, sizeof buf, "%.*se%d", dec.nd, dec.d, dec.point - dec.nd);
    double r = strtod(buf, NULL);
    return neg ? -r : r;
}

size_t tg_fmt_da(double v, int decimals, char *buf) {
    char plain[TG_FMT_DOUBLE_MAX], dig[24];
    int point, places = decimals;
    size_t n, int_len, out = 0;

    buf[0] = '\0';
    if (!isfinite(v)) return 0;
    if (places < 0) { /* 10 significant digits at most */
        places = 0;
        if (v != 0) {
            tg_fmt_digits(v, dig, &point);
            places = 10 - point > 0 ? 10 - point : 0;
        }
    }
    n = tg_fmt_double(v, places, TG_FMT_COMMA, plain);
    const char *p = plain;
    if (*p == '-') buf[out++] = *p++, n--;
    int_len = strcspn(p, ",");
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0) buf[out++] = '.';
        buf[out++] = p[i];
    }
    p += int_len;
    n -= int_len;
    if (decimals == 0) n = 0; /* "3,0" from tg_fmt_double: a whole number here */
    else if (decimals < 0 && strcmp(p, ",0") == 0) n = 0;
    memcpy(buf + out, p, n);
    out += n;
    if (decimals > 0) { /* exactly 'decimals' places */
        size_t have = n ? n - 1 : 0;
        if (!n) buf[out++] = ',';
        for (; have < (size_t)decimals; have++) buf[out++] = '0';
    }
    buf[out] = '\0';
    return out;
}

size_t tg_fmt_da_typeset(double v, int decimals, int sign, char *buf) {
    char num[TG_FMT_DA_MAX];
    size_t n = tg_fmt_da(v, decimals, num);
    if (n == 0) {
        buf[0] = '\0';
        return 0;
    }
    const char *digits = num[0] == '-' ? num + 1 : num;
    int zero = strspn(digits, "0.,") == strlen(digits);
    const char *pre = zero ? "" : num[0] == '-' ? "\xe2\x88\x92" : sign ? "+" : "";
    return (size_t)snprintf(buf, TG_FMT_DA_TYPESET_MAX, "%s%s", pre, digits);
}
