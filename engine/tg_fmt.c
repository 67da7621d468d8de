/*
** tg_fmt.c -- deterministic number text (see tg_fmt.h).
** A finite nonzero double is first turned into its shortest round-trip
** decimal, digits d1..dn and a point position P meaning 0.d1..dn x 10^P;
** rounding to a number of places works on those digits, and the layout
** step prints them. Only the digit extraction touches the C library
** (snprintf "%.*e" and strtod, both correctly rounded in glibc and musl),
** and it reads the digits back without relying on the locale's decimal
** point, so output never depends on LC_NUMERIC.
*/
#include "tg_fmt.h"

#include <float.h>
#include <math.h>
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
    while (dec->nd > 0 && dec->d[dec->nd - 1] == '0')
        dec->nd--;
}

/* The fast path divides an integer by a power of ten and compares with v,
** which needs IEEE double arithmetic without excess precision. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define TG_FMT_FAST 1
#else
#define TG_FMT_FAST 0
#endif

static const double pow10_exact[16] = { 1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };

/* Most doubles in tables came from short decimals (3297.46, 0.25). If
** m / 10^k == v for an integer m < 10^15, the decimal m x 10^-k reads back
** as v (IEEE division is correctly rounded and both operands are exact),
** and the smallest such k gives the fewest digits. With at most 15 digits
** this is exactly what the snprintf path below would find (any decimal of
** <= 15 digits that rounds to v is v rounded to 15 digits), just faster.
** Returns 0 when the value needs the slow path. */
static int shortest_fast(double v, struct decimal *dec) {
    if (!TG_FMT_FAST) return 0;
    for (int k = 0; k < 16; k++) {
        double s = v * pow10_exact[k];
        if (s >= 1e15) return 0;
        double m = floor(s + 0.5); /* exact: s < 2^50, so s + 0.5 is representable */
        double q = m / pow10_exact[k];
        if (m < 1 || q != v) continue;
        uint64_t u = (uint64_t)m;
        char tmp[24];
        int n = 0;
        while (u) {
            tmp[n++] = (char)('0' + u % 10);
            u /= 10;
        }
        for (int i = 0; i < n; i++)
            dec->d[i] = tmp[n - 1 - i];
        dec->nd = n;
        dec->point = n - k;
        strip_zeros(dec);
        return 1;
    }
    return 0;
}

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
        while (i >= 0 && dec->d[i] == '9')
            i--;
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
    for (int i = 0; i < n; i++)
        *p++ = '0';
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
    while (n)
        buf[len++] = tmp[--n];
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
