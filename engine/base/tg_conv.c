/*
** tg_conv.c -- reading one text field as a number, boolean, date or NULL
** (see tg_conv.h). This is the CSV loader's per-field hot path: nothing
** here allocates, calls strlen on a field, or consults the locale. Numbers
** are validated and accumulated in one pass; the double is formed exactly
** when the decimal mantissa and power of ten are both exact doubles
** (Clinger's fast path) and by strtod on a locale-free "DDDeE" copy
** otherwise, so every result is the correctly rounded one.
*/
#include "tg_conv.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"

/* ---- null tokens ---- */

void tg_conv_nulls_init(tg_nulls *nulls, const char *const *tok, size_t n) {
    static const char *const dflt[] = { "", "NA", "NULL" };
    size_t cap = sizeof nulls->tok / sizeof nulls->tok[0];

    if (!tok) {
        tok = dflt;
        n = sizeof dflt / sizeof dflt[0];
    }
    assert(n <= cap);
    if (n > cap) n = cap;
    nulls->n = n;
    for (size_t k = 0; k < n; k++) {
        nulls->tok[k] = tok[k];
        nulls->len[k] = strlen(tok[k]);
    }
}

int tg_conv_is_null(const tg_nulls *nulls, const char *s, size_t n) {
    for (size_t k = 0; k < nulls->n; k++) {
        if (nulls->len[k] != n) continue;
        if (n == 0 || memcmp(nulls->tok[k], s, n) == 0) return 1;
    }
    return 0;
}

/* ---- numbers ---- */

/* The significant digits kept exactly; 19 always fit a uint64_t. */
#define MANT_DIGITS 19
/* Digits handed to strtod in the slow path. An exact halfway point between
** two doubles has at most 767 significant digits, so keeping 800 and
** standing in a single '1' for any nonzero digits beyond them rounds
** exactly as the full text would. */
#define SLOW_DIGITS 800
/* Exponents are saturated here; anything larger over- or underflows. */
#define EXP_LIMIT 1000000

/* Clinger's fast path is exact only when each double operation rounds
** once, i.e. without x87-style extended intermediates. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define FAST_EXACT 1
#else
#define FAST_EXACT 0
#endif

/* A scanned number: value = (neg ? -1 : 1) * mant * 10^exp10. Only the
** first 19 significant digits are kept (later integer digits just raise
** exp10), so the value is exact unless digits were dropped -- and then the
** mantissa is >= 10^18 > 2^53, which neither the int nor the fast path
** takes: the slow path rereads the text. */
struct num {
    uint64_t mant;
    int64_t exp10;
    int ndig; /* significant digits in mant */
    int neg;
    int is_int; /* no decimal part and no exponent */
};

static inline unsigned digit_of(char c) {
    return (unsigned)(unsigned char)c - '0'; /* > 9 for non-digits */
}

/* Adds one digit of the integer part (frac = 0) or decimal part (frac = 1). */
static inline void accum(struct num *v, unsigned c, int frac) {
    if (v->ndig == 0 && c == 0) {
        v->exp10 -= frac; /* a leading zero is not significant */
    } else if (v->ndig < MANT_DIGITS) {
        v->mant = v->mant * 10 + c;
        v->ndig++;
        v->exp10 -= frac;
    } else {
        v->exp10 += !frac;
    }
}

/* Validates the text under 'mark' and fills *v; 0 when it is no number.
** Grammar: [+-] int [dec digits+] [(e|E) [+-] digits+], the exponent only
** under TG_MARK_DOT; int is "0", or a nonzero digit followed by digits, or
** 1-3 digits (not starting with 0) followed by groups of grp + 3 digits.
** Both sides of the mark need a digit: ".5" and "1." are not numbers, so a
** column of them stays text rather than being guessed at. */
static int scan(const char *s, size_t n, int mark, struct num *v) {
    const char *p = s, *end = s + n;
    const char dec = mark == TG_MARK_DOT ? '.' : ',';
    const char grp = mark == TG_MARK_DOT ? ',' : '.';
    unsigned c;

    v->mant = 0;
    v->exp10 = 0;
    v->ndig = 0;
    v->neg = 0;
    v->is_int = 1;

    if (p < end && (*p == '-' || *p == '+')) v->neg = *p++ == '-';
    if (p == end) return 0;
    c = digit_of(*p);
    if (c > 9) {
        /* ".2", "-.5": no integer part, a digit must follow the mark */
        if (*p != dec || end - p < 2 || digit_of(p[1]) > 9) return 0;
    } else if (c == 0) {
        /* "0" alone: "0800" is a code, and "0,123" cannot be grouping. */
        p++;
        if (p < end && (digit_of(*p) <= 9 || *p == grp)) return 0;
    } else {
        const char *start = p;
        while (p < end && (c = digit_of(*p)) <= 9) {
            accum(v, c, 0);
            p++;
        }
        if (p < end && *p == grp) {
            if (p - start > 3) return 0;
            do {
                p++;
                if (end - p < 3) return 0;
                for (int k = 0; k < 3; k++) {
                    c = digit_of(p[k]);
                    if (c > 9) return 0;
                    accum(v, c, 0);
                }
                p += 3;
                if (p < end && digit_of(*p) <= 9) return 0;
            } while (p < end && *p == grp);
        }
    }
    if (p < end && *p == dec) {
        p++;
        if (p == end || digit_of(*p) > 9) return 0;
        while (p < end && (c = digit_of(*p)) <= 9) {
            accum(v, c, 1);
            p++;
        }
        v->is_int = 0;
    }
    if (p < end && (*p == 'e' || *p == 'E') && mark == TG_MARK_DOT) {
        int eneg = 0;
        int64_t e = 0;
        p++;
        if (p < end && (*p == '-' || *p == '+')) eneg = *p++ == '-';
        if (p == end || digit_of(*p) > 9) return 0;
        while (p < end && (c = digit_of(*p)) <= 9) {
            if (e < EXP_LIMIT) e = e * 10 + c;
            p++;
        }
        v->exp10 += eneg ? -e : e;
        v->is_int = 0;
    }
    return p == end;
}

/* The slow path: rewrites the (already validated) text as an optional
** sign, at most SLOW_DIGITS significant digits and a decimal exponent, with
** no decimal mark at all, so strtod's reading cannot depend on LC_NUMERIC.
** 0 when the value overflows a double. */
static int slow_path(const char *s, size_t n, int mark, int neg, double *out) {
    char buf[SLOW_DIGITS + 32];
    const char dec = mark == TG_MARK_DOT ? '.' : ',';
    const char *p = s, *end = s + n;
    size_t k = 0, nd = 0;
    int64_t e = 0;
    int frac = 0, sticky = 0;

    buf[k++] = neg ? '-' : '+';
    for (; p < end; p++) {
        char ch = *p;
        if (digit_of(ch) <= 9) {
            if (nd == 0 && ch == '0') {
                e -= frac;
            } else if (nd < SLOW_DIGITS) {
                buf[k++] = ch;
                nd++;
                e -= frac;
            } else {
                e += !frac;
                sticky |= ch != '0';
            }
        } else if (ch == dec) {
            frac = 1;
        } else if (ch == 'e' || ch == 'E') {
            int eneg = 0;
            int64_t x = 0;
            p++;
            if (*p == '-' || *p == '+') eneg = *p++ == '-';
            for (; p < end; p++)
                if (x < EXP_LIMIT) x = x * 10 + digit_of(*p);
            e += eneg ? -x : x;
            break;
        }
        /* a sign or a grouping mark: nothing to copy */
    }
    if (nd == 0) {
        *out = neg ? -0.0 : 0.0;
        return 1;
    }
    if (sticky) {
        buf[k++] = '1';
        e--;
    }
    /* e is within a few million either way: write it in decimal. */
    buf[k++] = 'e';
    if (e < 0) {
        buf[k++] = '-';
        e = -e;
    }
    char tmp[24];
    size_t t = 0;
    do {
        tmp[t++] = (char)('0' + e % 10);
        e /= 10;
    } while (e > 0);
    while (t > 0) buf[k++] = tmp[--t];
    buf[k] = '\0';

    double f = strtod(buf, NULL);
    if (isinf(f)) return 0;
    *out = f;
    return 1;
}

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const uint64_t pow10_u64[16] = {
    1ull,
    10ull,
    100ull,
    1000ull,
    10000ull,
    100000ull,
    1000000ull,
    10000000ull,
    100000000ull,
    1000000000ull,
    10000000000ull,
    100000000000ull,
    1000000000000ull,
    10000000000000ull,
    100000000000000ull,
    1000000000000000ull,
};

/* Clinger's fast path: a mantissa below 2^53 and a power of ten up to
** 10^22 are both exact doubles, so one multiplication or division rounds
** correctly. A larger exponent still works when the surplus can be moved
** into the mantissa without leaving 2^53. 0 when the path does not apply. */
static int fast_path(const struct num *v, double *out) {
    const uint64_t max_exact = (uint64_t)1 << 53;
    double f;

    if (!FAST_EXACT || v->mant > max_exact) return 0;
    if (v->mant == 0) {
        f = 0.0;
    } else if (v->exp10 >= 0 && v->exp10 <= 22) {
        f = (double)v->mant * pow10_exact[v->exp10];
    } else if (v->exp10 < 0 && v->exp10 >= -22) {
        f = (double)v->mant / pow10_exact[-v->exp10];
    } else if (v->exp10 > 22 && v->exp10 <= 22 + 15) {
        uint64_t scale = pow10_u64[v->exp10 - 22];
        if (v->mant > max_exact / scale) return 0;
        f = (double)(v->mant * scale) * 1e22;
    } else {
        return 0;
    }
    *out = v->neg ? -f : f;
    return 1;
}

/* A value beyond DBL_MAX ("1e400") is TG_NUM_NONE: the text admits no
** infinity, so neither does its reading. Underflow gives 0 or a subnormal,
** as strtod does. */
int tg_conv_number(const char *s, size_t n, int mark, int64_t *i, double *f) {
    struct num v;

    assert(mark == TG_MARK_DOT || mark == TG_MARK_COMMA);
    assert(i != NULL && f != NULL);
    if (!scan(s, n, mark, &v)) return TG_NUM_NONE;

    if (v.is_int && v.exp10 == 0) {
        /* At most 19 digits: fits uint64_t; int64_t takes up to 2^63 - 1,
        ** or 2^63 when negative. */
        const uint64_t lim = (uint64_t)INT64_MAX;
        if (v.mant <= lim) {
            *i = v.neg ? -(int64_t)v.mant : (int64_t)v.mant;
            *f = v.neg ? -(double)v.mant : (double)v.mant;
            return TG_NUM_INT;
        }
        if (v.neg && v.mant == lim + 1) {
            *i = INT64_MIN;
            *f = -(double)v.mant;
            return TG_NUM_INT;
        }
    }
    if (fast_path(&v, f)) return TG_NUM_FLOAT;
    return slow_path(s, n, mark, v.neg, f) ? TG_NUM_FLOAT : TG_NUM_NONE;
}

unsigned tg_conv_number_marks(const char *s, size_t n) {
    int64_t i;
    double f;
    unsigned mask = 0;

    if (tg_conv_number(s, n, TG_MARK_DOT, &i, &f) != TG_NUM_NONE) mask |= TG_MARK_DOT;
    if (tg_conv_number(s, n, TG_MARK_COMMA, &i, &f) != TG_NUM_NONE) mask |= TG_MARK_COMMA;
    return mask;
}

/* ---- booleans ---- */

/* 1 if the n bytes at s spell 'lower' (lowercase ASCII letters) in any
** case. OR-ing 0x20 maps exactly the upper and lower form of a letter onto
** the lower one. */
static int word_is(const char *s, size_t n, const char *lower) {
    size_t k;
    for (k = 0; k < n && lower[k]; k++)
        if (((unsigned char)s[k] | 0x20) != (unsigned char)lower[k]) return 0;
    return k == n && lower[k] == '\0';
}

int tg_conv_bool(const char *s, size_t n, int *v) {
    static const char *const yes[] = { "true", "yes", "ja", "j", "y", "t" };
    static const char *const no[] = { "false", "no", "nej", "n", "f" };

    if (n == 0 || n > 5) return -1;
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
        if (word_is(s, n, yes[k])) {
            *v = 1;
            return 0;
        }
    }
    for (size_t k = 0; k < sizeof no / sizeof no[0]; k++) {
        if (word_is(s, n, no[k])) {
            *v = 0;
            return 0;
        }
    }
    return -1;
}

/* ---- dates ---- */

/* Packing: a value's three numbers in text order, the year taken out, as
** year * 10000 + first * 100 + second. For the year-first formats (ISO,
** YMD_SLASH) and the month-first ones, first is the month; for the
** day-first ones it is the day. 2024-03-01 and 03/01/2024 both pack to
** 20240301; 01-03-2024 packs to 20240103. Valid packs are positive and
** readable in a debugger. */

/* Reads a 1-2 digit number at p (p < end); returns the byte after it, or
** NULL when p holds no digit. */
static inline const char *read_12(const char *p, const char *end, int *v) {
    unsigned c0 = digit_of(p[0]), c1;
    if (c0 > 9) return NULL;
    if (p + 1 < end && (c1 = digit_of(p[1])) <= 9) {
        *v = (int)(c0 * 10 + c1);
        return p + 2;
    }
    *v = (int)c0;
    return p + 1;
}

/* Reads exactly 4 digits at p (at least 4 bytes are left); -1 otherwise. */
static inline int read_4(const char *p) {
    unsigned c0 = digit_of(p[0]), c1 = digit_of(p[1]), c2 = digit_of(p[2]), c3 = digit_of(p[3]);
    if ((c0 > 9) | (c1 > 9) | (c2 > 9) | (c3 > 9)) return -1;
    return (int)(c0 * 1000 + c1 * 100 + c2 * 10 + c3);
}

/* 1 if the n bytes at p are a time of day that is exactly midnight:
** "00:00", "00:00:00" or "00:00:00." followed by zeros. */
static int is_midnight(const char *p, size_t n) {
    if (n < 5 || memcmp(p, "00:00", 5) != 0) return 0;
    if (n == 5) return 1;
    if (n < 8 || memcmp(p + 5, ":00", 3) != 0) return 0;
    if (n == 8) return 1;
    if (p[8] != '.' || n == 9) return 0;
    for (size_t k = 9; k < n; k++)
        if (p[k] != '0') return 0;
    return 1;
}

/* 1 if what follows the date (from p) is nothing or a midnight time. */
static inline int date_tail_ok(const char *p, const char *end) {
    if (p == end) return 1;
    return (*p == 'T' || *p == ' ') && is_midnight(p + 1, (size_t)(end - p - 1));
}

unsigned tg_conv_date(const char *s, size_t n, int32_t *packed) {
    const char *p, *end = s + n;
    int a, b, y;
    char sep;
    unsigned mask = 0;

    /* The shortest date is "1-1-2024" or "2024-1-1". */
    if (n < 8) return 0;
    if (digit_of(s[1]) > 9 || digit_of(s[2]) > 9) {
        /* "D-", "DD-": day or month first, the year last. */
        if (!(p = read_12(s, end, &a))) return 0;
        sep = *p++;
        if (sep != '-' && sep != '.' && sep != '/') return 0;
        if (!(p = read_12(p, end, &b)) || p == end || *p++ != sep) return 0;
        if (end - p < 4 || (y = read_4(p)) < 0 || !date_tail_ok(p + 4, end)) return 0;
        if (tg_date_valid(y, b, a))
            mask |= sep == '-' ? TG_DF_DMY_DASH : sep == '.' ? TG_DF_DMY_DOT : TG_DF_DMY_SLASH;
        if (tg_date_valid(y, a, b))
            mask |= sep == '-' ? TG_DF_MDY_DASH : sep == '.' ? TG_DF_MDY_DOT : TG_DF_MDY_SLASH;
    } else {
        /* The year first: ISO with '-', YMD_SLASH with '/'; no dotted form. */
        if ((y = read_4(s)) < 0) return 0;
        sep = s[4];
        if (sep != '-' && sep != '/') return 0;
        if (!(p = read_12(s + 5, end, &a)) || p == end || *p++ != sep) return 0;
        if (p == end || !(p = read_12(p, end, &b)) || !date_tail_ok(p, end)) return 0;
        if (tg_date_valid(y, a, b)) mask = sep == '-' ? TG_DF_ISO : TG_DF_YMD_SLASH;
    }
    /* Packing: see the comment above. */
    if (mask) *packed = y * 10000 + a * 100 + b;
    return mask;
}

int32_t tg_conv_date_days(int32_t packed, unsigned fmt) {
    int y = (int)(packed / 10000), first = (int)(packed / 100 % 100), second = (int)(packed % 100);
    const unsigned day_first = TG_DF_DMY_DASH | TG_DF_DMY_DOT | TG_DF_DMY_SLASH;

    assert(fmt != 0 && (fmt & (fmt - 1)) == 0 && (fmt & ~(unsigned)TG_DF_ALL) == 0);
    if (fmt & day_first) return tg_date_from_ymd(y, second, first);
    return tg_date_from_ymd(y, first, second);
}

/* Formats in pick order, with their names. */
static const struct {
    unsigned fmt;
    const char *name;
} formats[] = {
    { TG_DF_ISO, "%Y-%m-%d" },     { TG_DF_YMD_SLASH, "%Y/%m/%d" }, { TG_DF_DMY_DASH, "%d-%m-%Y" },
    { TG_DF_DMY_DOT, "%d.%m.%Y" }, { TG_DF_DMY_SLASH, "%d/%m/%Y" }, { TG_DF_MDY_DASH, "%m-%d-%Y" },
    { TG_DF_MDY_DOT, "%m.%d.%Y" }, { TG_DF_MDY_SLASH, "%m/%d/%Y" },
};

#define N_FORMATS (sizeof formats / sizeof formats[0])

unsigned tg_conv_date_pick(unsigned mask) {
    for (size_t k = 0; k < N_FORMATS; k++)
        if (mask & formats[k].fmt) return formats[k].fmt;
    return 0;
}

/* NULL when 'fmt' is not exactly one known format bit. */
const char *tg_conv_date_fmt_name(unsigned fmt) {
    for (size_t k = 0; k < N_FORMATS; k++)
        if (fmt == formats[k].fmt) return formats[k].name;
    return NULL;
}

unsigned tg_conv_date_fmt_parse(const char *name) {
    if (!name) return 0;
    for (size_t k = 0; k < N_FORMATS; k++)
        if (strcmp(name, formats[k].name) == 0) return formats[k].fmt;
    return 0;
}
