/*
** tg_kern.c -- vector kernels over raw buffers (see tg_kern.h).
** Loops are written branch-free where the compiler can vectorise them:
** conditions become 0/1 values, selections append every candidate and
** advance the output count by the condition. Any value may sit in a NULL
** row, so every kernel is defined for every input: divisors of 0 and
** INT64_MIN / -1 are replaced before dividing, float-to-int checks the
** range before converting, and date results that fall out of range are
** written as 0 so that later date kernels never see a wild day number.
** The hottest dense loops (ranges, masks) have an SSE2 path for blocks of
** 16 rows (every x86-64 has SSE2); the scalar loop after it finishes the
** tail, and is the whole kernel elsewhere.
*/
#include "tg_kern.h"

#include <assert.h>
#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tg_col.h"

/* ---- validity ---- */

int tg_kern_bits_to_bytes(const uint64_t *bits, size_t n, uint8_t *out) {
    uint64_t all = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)tg_col_bit(bits, i);
    for (size_t w = 0; w < n / 64; w++) all &= bits[w];
    if (n % 64) all &= bits[n / 64] | (~(uint64_t)0 << (n % 64));
    return all != ~(uint64_t)0;
}

int tg_kern_bytes_to_bits(const uint8_t *valid, size_t n, uint64_t *bits) {
    uint64_t all = ~(uint64_t)0;
    for (size_t w = 0; w * 64 < n; w++) {
        size_t end = n - w * 64 < 64 ? n - w * 64 : 64;
        uint64_t b = end < 64 ? ~(uint64_t)0 << end : 0;
        for (size_t j = 0; j < end; j++) b |= (uint64_t)(valid[w * 64 + j] & 1) << j;
        bits[w] = b;
        all &= b;
    }
    return all != ~(uint64_t)0;
}

const uint8_t *tg_kern_valid_and(const uint8_t *a, const uint8_t *b, size_t n, uint8_t *out) {
    if (!a) return b;
    if (!b) return a;
    for (size_t i = 0; i < n; i++) out[i] = a[i] & b[i];
    return out;
}

/* ---- comparisons ---- */

/* Each comparison sets the order bits of the mask that hold; the bits are
** turned into 0/1 bytes up front so the loops stay branch-free. */
void tg_kern_cmp_i64(const int64_t *a, const int64_t *b, size_t n, unsigned mask, uint8_t *out) {
    uint8_t lt = mask & TG_KERN_LT ? 1 : 0, eq = mask & TG_KERN_EQ ? 1 : 0;
    uint8_t gt = mask & TG_KERN_GT ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(((a[i] < b[i]) & lt) | ((a[i] == b[i]) & eq) | ((a[i] > b[i]) & gt));
}

void tg_kern_cmp_i32(const int32_t *a, const int32_t *b, size_t n, unsigned mask, uint8_t *out) {
    uint8_t lt = mask & TG_KERN_LT ? 1 : 0, eq = mask & TG_KERN_EQ ? 1 : 0;
    uint8_t gt = mask & TG_KERN_GT ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(((a[i] < b[i]) & lt) | ((a[i] == b[i]) & eq) | ((a[i] > b[i]) & gt));
}

void tg_kern_cmp_u32(const uint32_t *a, const uint32_t *b, size_t n, unsigned mask, uint8_t *out) {
    uint8_t lt = mask & TG_KERN_LT ? 1 : 0, eq = mask & TG_KERN_EQ ? 1 : 0;
    uint8_t gt = mask & TG_KERN_GT ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(((a[i] < b[i]) & lt) | ((a[i] == b[i]) & eq) | ((a[i] > b[i]) & gt));
}

void tg_kern_cmp_u8(const uint8_t *a, const uint8_t *b, size_t n, unsigned mask, uint8_t *out) {
    uint8_t lt = mask & TG_KERN_LT ? 1 : 0, eq = mask & TG_KERN_EQ ? 1 : 0;
    uint8_t gt = mask & TG_KERN_GT ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(((a[i] < b[i]) & lt) | ((a[i] == b[i]) & eq) | ((a[i] > b[i]) & gt));
}

void tg_kern_cmp_f64(const double *a, const double *b, size_t n, unsigned mask, uint8_t *out) {
    uint8_t lt = mask & TG_KERN_LT ? 1 : 0, eq = mask & TG_KERN_EQ ? 1 : 0;
    uint8_t gt = mask & TG_KERN_GT ? 1 : 0;
    if (mask == (TG_KERN_LT | TG_KERN_GT)) { /* != is also true for NaN */
        for (size_t i = 0; i < n; i++) out[i] = (uint8_t)(a[i] != b[i]);
        return;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(((a[i] < b[i]) & lt) | ((a[i] == b[i]) & eq) | ((a[i] > b[i]) & gt));
}

/* Integer ranges test lo <= x <= hi as one unsigned compare of x - lo
** against hi - lo (both wrap modulo 2^64 exactly). */
void tg_kern_range_i64(const int64_t *x, size_t n, int64_t lo, int64_t hi, int neg, uint8_t *out) {
    uint64_t base = (uint64_t)lo, width = (uint64_t)hi - (uint64_t)lo;
    uint8_t flip = neg ? 1 : 0;
    assert(lo <= hi);
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)(((uint64_t)x[i] - base <= width) ^ flip);
}

#if defined(__SSE2__)
/* 16 rows of (x - base <= width) as unsigned 32-bit compares: SSE2 only
** compares signed, so both sides get their sign bit flipped. */
static inline __m128i range16_u32(const uint32_t *x, __m128i base, __m128i wflip, __m128i sign) {
    __m128i r[4];
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(x + 4 * k));
        v = _mm_xor_si128(_mm_sub_epi32(v, base), sign);
        r[k] = _mm_cmpgt_epi32(v, wflip); /* -1 where outside the range */
    }
    return _mm_packs_epi16(_mm_packs_epi32(r[0], r[1]), _mm_packs_epi32(r[2], r[3]));
}
#endif

/* Rows [0, n) of x - base <= width (mod 2^32) XOR flip, as 0/1 bytes. */
static void range_u32_bits(const uint32_t *x, size_t n, uint32_t base, uint32_t width, uint8_t flip,
                           uint8_t *out) {
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i vb = _mm_set1_epi32((int)base), sign = _mm_set1_epi32(INT32_MIN);
    const __m128i vw = _mm_set1_epi32((int)(width ^ 0x80000000u));
    /* outside is -1/0; inside XOR flip is outside XOR (1 - flip), masked to one bit */
    const __m128i vf = _mm_set1_epi8((char)(flip ^ 1)), one = _mm_set1_epi8(1);
    for (; i + 16 <= n; i += 16) {
        __m128i outside = range16_u32(x + i, vb, vw, sign);
        _mm_storeu_si128((__m128i *)(void *)(out + i),
                         _mm_and_si128(_mm_xor_si128(outside, vf), one));
    }
#endif
    for (; i < n; i++) out[i] = (uint8_t)((x[i] - base <= width) ^ flip);
}

void tg_kern_range_i32(const int32_t *x, size_t n, int32_t lo, int32_t hi, int neg, uint8_t *out) {
    assert(lo <= hi);
    /* int32 and uint32 have the same representation; the unsigned view
    ** makes the range test one compare. */
    range_u32_bits((const uint32_t *)(const void *)x, n, (uint32_t)lo, (uint32_t)hi - (uint32_t)lo,
                   neg ? 1 : 0, out);
}

void tg_kern_range_u32(const uint32_t *x, size_t n, uint32_t lo, uint32_t hi, int neg,
                       uint8_t *out) {
    assert(lo <= hi);
    range_u32_bits(x, n, lo, hi - lo, neg ? 1 : 0, out);
}

void tg_kern_range_f64(const double *x, size_t n, double lo, double hi, int neg, uint8_t *out) {
    uint8_t flip = neg ? 1 : 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128d vlo = _mm_set1_pd(lo), vhi = _mm_set1_pd(hi);
    const __m128i vf = _mm_set1_epi8((char)flip), one = _mm_set1_epi8(1);
    for (; i + 16 <= n; i += 16) {
        __m128i r[4];
        for (int k = 0; k < 4; k++) {
            __m128d a = _mm_loadu_pd(x + i + 4 * k), b = _mm_loadu_pd(x + i + 4 * k + 2);
            __m128d ina = _mm_and_pd(_mm_cmpge_pd(a, vlo), _mm_cmple_pd(a, vhi));
            __m128d inb = _mm_and_pd(_mm_cmpge_pd(b, vlo), _mm_cmple_pd(b, vhi));
            /* the low 32 bits of each 64-bit all-ones/zero lane, four lanes */
            r[k] = _mm_castps_si128(
                _mm_shuffle_ps(_mm_castpd_ps(ina), _mm_castpd_ps(inb), _MM_SHUFFLE(2, 0, 2, 0)));
        }
        __m128i in = _mm_packs_epi16(_mm_packs_epi32(r[0], r[1]), _mm_packs_epi32(r[2], r[3]));
        _mm_storeu_si128((__m128i *)(void *)(out + i), _mm_xor_si128(_mm_and_si128(in, one), vf));
    }
#endif
    for (; i < n; i++) out[i] = (uint8_t)(((x[i] >= lo) & (x[i] <= hi)) ^ flip);
}

/* Binary search: the sets are literal lists, a handful of values. */
void tg_kern_isin_i64(const int64_t *x, size_t n, const int64_t *set, size_t m, uint8_t *out) {
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = m;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (set[mid] < x[i]) lo = mid + 1;
            else hi = mid;
        }
        out[i] = (uint8_t)(lo < m && set[lo] == x[i]);
    }
}

void tg_kern_isin_i32(const int32_t *x, size_t n, const int32_t *set, size_t m, uint8_t *out) {
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = m;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (set[mid] < x[i]) lo = mid + 1;
            else hi = mid;
        }
        out[i] = (uint8_t)(lo < m && set[lo] == x[i]);
    }
}

void tg_kern_isin_f64(const double *x, size_t n, const double *set, size_t m, uint8_t *out) {
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = m;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (set[mid] < x[i]) lo = mid + 1;
            else hi = mid;
        }
        out[i] = (uint8_t)(lo < m && set[lo] == x[i]);
    }
}

void tg_kern_gather_u8(const uint8_t *tab, const uint32_t *code, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = tab[code[i]];
}

void tg_kern_gather_u32(const uint32_t *tab, const uint32_t *code, size_t n, uint32_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = tab[code[i]];
}

void tg_kern_gather_i64(const int64_t *tab, const uint32_t *code, size_t n, int64_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = tab[code[i]];
}

/* ---- selections ----
** Each kernel has a dense loop (sel NULL: candidates 0..nsel-1) and a
** sparse one; validity, when present, is one more AND in the condition. */

size_t tg_kern_sel_range_i64(const int64_t *x, const uint8_t *valid, int64_t lo, int64_t hi,
                             int neg, const uint32_t *sel, size_t nsel, uint32_t *out) {
    uint64_t base = (uint64_t)lo, width = (uint64_t)hi - (uint64_t)lo;
    size_t k = 0;
    unsigned flip = neg ? 1 : 0;
    assert(lo <= hi);
    for (size_t j = 0; j < nsel; j++) {
        uint32_t i = sel ? sel[j] : (uint32_t)j;
        unsigned c = ((uint64_t)x[i] - base <= width) ^ flip;
        if (valid) c &= valid[i];
        out[k] = i;
        k += c;
    }
    return k;
}

size_t tg_kern_sel_range_i32(const int32_t *x, const uint8_t *valid, int32_t lo, int32_t hi,
                             int neg, const uint32_t *sel, size_t nsel, uint32_t *out) {
    uint32_t base = (uint32_t)lo, width = (uint32_t)hi - (uint32_t)lo;
    size_t k = 0;
    unsigned flip = neg ? 1 : 0;
    assert(lo <= hi);
    if (!sel && !valid) {
        for (size_t j = 0; j < nsel; j++) {
            out[k] = (uint32_t)j;
            k += ((uint32_t)x[j] - base <= width) ^ flip;
        }
        return k;
    }
    for (size_t j = 0; j < nsel; j++) {
        uint32_t i = sel ? sel[j] : (uint32_t)j;
        unsigned c = ((uint32_t)x[i] - base <= width) ^ flip;
        if (valid) c &= valid[i];
        out[k] = i;
        k += c;
    }
    return k;
}

size_t tg_kern_sel_range_u32(const uint32_t *x, const uint8_t *valid, uint32_t lo, uint32_t hi,
                             int neg, const uint32_t *sel, size_t nsel, uint32_t *out) {
    uint32_t width = hi - lo;
    size_t k = 0;
    unsigned flip = neg ? 1 : 0;
    assert(lo <= hi);
    if (!sel && !valid) {
        for (size_t j = 0; j < nsel; j++) {
            out[k] = (uint32_t)j;
            k += (x[j] - lo <= width) ^ flip;
        }
        return k;
    }
    for (size_t j = 0; j < nsel; j++) {
        uint32_t i = sel ? sel[j] : (uint32_t)j;
        unsigned c = (x[i] - lo <= width) ^ flip;
        if (valid) c &= valid[i];
        out[k] = i;
        k += c;
    }
    return k;
}

size_t tg_kern_sel_range_f64(const double *x, const uint8_t *valid, double lo, double hi, int neg,
                             const uint32_t *sel, size_t nsel, uint32_t *out) {
    size_t k = 0;
    unsigned flip = neg ? 1 : 0;
    for (size_t j = 0; j < nsel; j++) {
        uint32_t i = sel ? sel[j] : (uint32_t)j;
        unsigned c = (unsigned)((x[i] >= lo) & (x[i] <= hi)) ^ flip;
        if (valid) c &= valid[i];
        out[k] = i;
        k += c;
    }
    return k;
}

size_t tg_kern_sel_table(const uint32_t *code, const uint8_t *valid, const uint8_t *tab,
                         const uint32_t *sel, size_t nsel, uint32_t *out) {
    size_t k = 0;
    for (size_t j = 0; j < nsel; j++) {
        uint32_t i = sel ? sel[j] : (uint32_t)j;
        unsigned c = tab[code[i]] != 0;
        if (valid) c &= valid[i];
        out[k] = i;
        k += c;
    }
    return k;
}

size_t tg_kern_sel_true(const uint8_t *b, const uint8_t *valid, const uint32_t *sel, size_t nsel,
                        uint32_t *out) {
    size_t k = 0;
    for (size_t j = 0; j < nsel; j++) {
        uint32_t i = sel ? sel[j] : (uint32_t)j;
        unsigned c = b[i] & 1u;
        if (valid) c &= valid[i];
        out[k] = i;
        k += c;
    }
    return k;
}

size_t tg_kern_sel_valid(const uint8_t *valid, int want, const uint32_t *sel, size_t nsel,
                         uint32_t *out) {
    size_t k = 0;
    if (!valid) {
        if (!want) return 0;
        for (size_t j = 0; j < nsel; j++) out[j] = sel ? sel[j] : (uint32_t)j;
        return nsel;
    }
    for (size_t j = 0; j < nsel; j++) {
        uint32_t i = sel ? sel[j] : (uint32_t)j;
        out[k] = i;
        k += (unsigned)(valid[i] == (want ? 1 : 0));
    }
    return k;
}

/* ---- masks ---- */

size_t tg_kern_mask_and(uint8_t *mask, const uint8_t *b, const uint8_t *valid, int first,
                        size_t n) {
    size_t i = 0, count = 0;
#if defined(__SSE2__)
    const __m128i one = _mm_set1_epi8(1), zero = _mm_setzero_si128();
    __m128i sum = zero;
    for (; i + 16 <= n; i += 16) {
        __m128i m = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)(b + i)), one);
        if (valid)
            m = _mm_and_si128(m, _mm_loadu_si128((const __m128i *)(const void *)(valid + i)));
        if (!first) m = _mm_and_si128(m, _mm_loadu_si128((const __m128i *)(void *)(mask + i)));
        _mm_storeu_si128((__m128i *)(void *)(mask + i), m);
        sum = _mm_add_epi64(sum, _mm_sad_epu8(m, zero)); /* bytes summed per half */
    }
    uint64_t halves[2];
    _mm_storeu_si128((__m128i *)(void *)halves, sum);
    count = (size_t)(halves[0] + halves[1]);
#endif
    for (; i < n; i++) {
        uint8_t m = b[i] & 1;
        if (valid) m &= valid[i];
        if (!first) m &= mask[i];
        mask[i] = m;
        count += m;
    }
    return count;
}

size_t tg_kern_mask_to_sel(const uint8_t *mask, size_t n, uint32_t *sel) {
    size_t i = 0, k = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        __m128i m = _mm_loadu_si128((const __m128i *)(const void *)(mask + i));
        unsigned bits = 0xFFFFu & ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(m, zero));
        while (bits) {
            sel[k++] = (uint32_t)(i + (size_t)__builtin_ctz(bits));
            bits &= bits - 1;
        }
    }
#endif
    for (; i < n; i++) {
        sel[k] = (uint32_t)i;
        k += mask[i] != 0;
    }
    return k;
}

/* ---- three-valued logic ---- */

void tg_kern_and(const uint8_t *a, const uint8_t *va, const uint8_t *b, const uint8_t *vb, size_t n,
                 uint8_t *out, uint8_t *vout) {
    for (size_t i = 0; i < n; i++) {
        uint8_t oka = va ? va[i] : 1, okb = vb ? vb[i] : 1;
        uint8_t fa = oka & (uint8_t)!a[i], fb = okb & (uint8_t)!b[i]; /* known false */
        out[i] = a[i] & b[i] & (uint8_t) !(fa | fb);
        vout[i] = (oka & okb) | fa | fb;
    }
}

void tg_kern_or(const uint8_t *a, const uint8_t *va, const uint8_t *b, const uint8_t *vb, size_t n,
                uint8_t *out, uint8_t *vout) {
    for (size_t i = 0; i < n; i++) {
        uint8_t oka = va ? va[i] : 1, okb = vb ? vb[i] : 1;
        uint8_t ta = oka & a[i], tb = okb & b[i]; /* known true */
        out[i] = ta | tb | (a[i] & b[i] & oka & okb);
        vout[i] = (oka & okb) | ta | tb;
    }
}

void tg_kern_not(const uint8_t *a, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] ^ 1;
}

void tg_kern_blend(size_t width, const uint8_t *take, const void *a, const void *b, size_t n,
                   void *out) {
    switch (width) {
    case 1: {
        const uint8_t *x = a, *y = b;
        uint8_t *o = out;
        for (size_t i = 0; i < n; i++) o[i] = take[i] ? x[i] : y[i];
        break;
    }
    case 4: {
        const uint32_t *x = a, *y = b;
        uint32_t *o = out;
        for (size_t i = 0; i < n; i++) o[i] = take[i] ? x[i] : y[i];
        break;
    }
    case 8: {
        const uint64_t *x = a, *y = b;
        uint64_t *o = out;
        for (size_t i = 0; i < n; i++) o[i] = take[i] ? x[i] : y[i];
        break;
    }
    default: assert(0 && "unsupported width");
    }
}

/* ---- integer arithmetic ---- */

/* The first valid row with its flag set, or n. */
static size_t first_flagged(const uint8_t *flag, const uint8_t *valid, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (flag[i] && (!valid || valid[i])) return i;
    return n;
}

/* Signed overflow of a + b shows as a result whose sign differs from both
** operands'; computed on unsigned values, which wrap without UB. The flags
** are OR-ed into one word first so the common no-overflow case costs one
** test per vector. */
size_t tg_kern_add_i64(const int64_t *a, const int64_t *b, size_t n, const uint8_t *valid,
                       int64_t *out) {
    uint64_t any = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = (uint64_t)a[i] + (uint64_t)b[i];
        any |= ((uint64_t)a[i] ^ r) & ((uint64_t)b[i] ^ r);
        out[i] = (int64_t)r;
    }
    if (!(any >> 63)) return n;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = (uint64_t)out[i];
        if (((((uint64_t)a[i] ^ r) & ((uint64_t)b[i] ^ r)) >> 63) && (!valid || valid[i])) return i;
    }
    return n;
}

size_t tg_kern_sub_i64(const int64_t *a, const int64_t *b, size_t n, const uint8_t *valid,
                       int64_t *out) {
    uint64_t any = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = (uint64_t)a[i] - (uint64_t)b[i];
        any |= ((uint64_t)a[i] ^ (uint64_t)b[i]) & ((uint64_t)a[i] ^ r);
        out[i] = (int64_t)r;
    }
    if (!(any >> 63)) return n;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = (uint64_t)out[i];
        if (((((uint64_t)a[i] ^ (uint64_t)b[i]) & ((uint64_t)a[i] ^ r)) >> 63) &&
            (!valid || valid[i]))
            return i;
    }
    return n;
}

size_t tg_kern_mul_i64(const int64_t *a, const int64_t *b, size_t n, const uint8_t *valid,
                       int64_t *out) {
    size_t bad = n;
    for (size_t i = 0; i < n; i++) {
        if (__builtin_mul_overflow(a[i], b[i], &out[i]) && bad == n && (!valid || valid[i]))
            bad = i;
    }
    return bad;
}

size_t tg_kern_idiv_i64(const int64_t *a, const int64_t *b, size_t n, uint8_t *valid_io,
                        int64_t *out) {
    uint8_t flag[64];
    size_t bad = n;
    for (size_t i0 = 0; i0 < n; i0 += 64) {
        size_t m = n - i0 < 64 ? n - i0 : 64;
        uint8_t any = 0;
        for (size_t j = 0; j < m; j++) {
            int64_t x = a[i0 + j], y = b[i0 + j];
            uint8_t zero = y == 0, ovf = (x == INT64_MIN) & (y == -1);
            int64_t d = zero | ovf ? 1 : y;
            int64_t q = x / d, r = x % d;
            out[i0 + j] = q - ((r != 0) & ((r ^ d) < 0)); /* floor */
            valid_io[i0 + j] &= (uint8_t)!zero;
            flag[j] = ovf;
            any |= ovf;
        }
        if (any && bad == n) {
            size_t k = first_flagged(flag, valid_io + i0, m);
            if (k < m) bad = i0 + k;
        }
    }
    return bad;
}

void tg_kern_mod_i64(const int64_t *a, const int64_t *b, size_t n, uint8_t *valid_io,
                     int64_t *out) {
    for (size_t i = 0; i < n; i++) {
        int64_t x = a[i], y = b[i];
        uint8_t zero = y == 0;
        /* x % -1 is 0 for every x; dividing INT64_MIN by -1 would trap. */
        int64_t d = (zero | (y == -1)) ? 1 : y;
        int64_t r = x % d;
        out[i] = r + (((r != 0) & ((r ^ d) < 0)) ? d : 0);
        valid_io[i] &= (uint8_t)!zero;
    }
}

size_t tg_kern_neg_i64(const int64_t *a, size_t n, const uint8_t *valid, int64_t *out) {
    size_t bad = n;
    for (size_t i = 0; i < n; i++) {
        out[i] = (int64_t)((uint64_t)0 - (uint64_t)a[i]);
        if (a[i] == INT64_MIN && bad == n && (!valid || valid[i])) bad = i;
    }
    return bad;
}

size_t tg_kern_abs_i64(const int64_t *a, size_t n, const uint8_t *valid, int64_t *out) {
    size_t bad = n;
    for (size_t i = 0; i < n; i++) {
        out[i] = a[i] < 0 ? (int64_t)((uint64_t)0 - (uint64_t)a[i]) : a[i];
        if (a[i] == INT64_MIN && bad == n && (!valid || valid[i])) bad = i;
    }
    return bad;
}

/* ---- float arithmetic ---- */

void tg_kern_add_f64(const double *a, const double *b, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void tg_kern_sub_f64(const double *a, const double *b, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] - b[i];
}

void tg_kern_mul_f64(const double *a, const double *b, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] * b[i];
}

void tg_kern_div_f64(const double *a, const double *b, size_t n, uint8_t *valid_io, double *out) {
    for (size_t i = 0; i < n; i++) {
        uint8_t zero = b[i] == 0;
        out[i] = a[i] / (zero ? 1.0 : b[i]);
        valid_io[i] &= (uint8_t)!zero;
    }
}

void tg_kern_idiv_f64(const double *a, const double *b, size_t n, uint8_t *valid_io, double *out) {
    for (size_t i = 0; i < n; i++) {
        uint8_t zero = b[i] == 0;
        out[i] = floor(a[i] / (zero ? 1.0 : b[i]));
        valid_io[i] &= (uint8_t)!zero;
    }
}

/* Float modulo as Lua computes it: fmod (exact, truncating), moved to the
** divisor's side when the signs differ, so the result has the divisor's
** sign like a - floor(a / b) * b, without that formula's rounding error. */
void tg_kern_mod_f64(const double *a, const double *b, size_t n, uint8_t *valid_io, double *out) {
    for (size_t i = 0; i < n; i++) {
        uint8_t zero = b[i] == 0;
        double d = zero ? 1.0 : b[i];
        double m = fmod(a[i], d);
        if (m != 0 && (m < 0) != (d < 0)) m += d;
        out[i] = m;
        valid_io[i] &= (uint8_t)!zero;
    }
}

void tg_kern_neg_f64(const double *a, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = -a[i];
}

void tg_kern_abs_f64(const double *a, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = fabs(a[i]);
}

/* ---- rounding ---- */

void tg_kern_round_f64(const double *a, size_t n, int digits, tg_round_mode mode, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = tg_num_round_f64(a[i], digits, mode);
}

size_t tg_kern_round_i64(const int64_t *a, size_t n, int digits, tg_round_mode mode,
                         const uint8_t *valid, int64_t *out) {
    size_t bad = n;
    for (size_t i = 0; i < n; i++) {
        if (tg_num_round_i64(a[i], digits, mode, &out[i]) != 0) {
            out[i] = 0;
            if (bad == n && (!valid || valid[i])) bad = i;
        }
    }
    return bad;
}

void tg_kern_floor_f64(const double *a, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = floor(a[i]) + 0.0; /* -0.0 + 0.0 is 0.0 */
}

void tg_kern_ceil_f64(const double *a, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = ceil(a[i]) + 0.0;
}

/* ---- conversions ---- */

void tg_kern_i64_to_f64(const int64_t *a, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = (double)a[i];
}

size_t tg_kern_f64_to_i64(const double *a, size_t n, uint8_t *valid_io, int64_t *out) {
    size_t bad = n;
    for (size_t i = 0; i < n; i++) {
        /* [-2^63, 2^63) are exactly the doubles that truncate into int64;
        ** NaN fails both tests. */
        int ok = a[i] >= -9223372036854775808.0 && a[i] < 9223372036854775808.0;
        out[i] = ok ? (int64_t)a[i] : 0;
        if (!ok) {
            if (bad == n && valid_io[i]) bad = i;
            valid_io[i] = 0;
        }
    }
    return bad;
}

void tg_kern_u8_to_i64(const uint8_t *a, size_t n, int64_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i];
}

void tg_kern_u8_to_f64(const uint8_t *a, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i];
}

void tg_kern_i64_to_u8(const int64_t *a, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] != 0;
}

void tg_kern_f64_to_u8(const double *a, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] != 0;
}

void tg_kern_i32_to_i64(const int32_t *a, size_t n, int64_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = a[i];
}

size_t tg_kern_i64_to_date(const int64_t *a, size_t n, uint8_t *valid_io, int32_t *out) {
    size_t bad = n;
    for (size_t i = 0; i < n; i++) {
        int ok = a[i] >= TG_DATE_MIN && a[i] <= TG_DATE_MAX;
        out[i] = ok ? (int32_t)a[i] : 0;
        if (!ok) {
            if (bad == n && valid_io[i]) bad = i;
            valid_io[i] = 0;
        }
    }
    return bad;
}

/* ---- dates ---- */

/* The civil date of a day number. This is tg_date_to_ymd's March-based
** computation again, kept here inline and in unsigned arithmetic: the day
** count from 0000-03-01 is positive for years 1-9999, so every division by
** a constant becomes a multiplication without sign fix-ups, which makes
** date parts of a whole column several times faster. Any input is safe
** (unsigned wrap-around); only in-range days give meaningful dates. */
static inline void civil(int32_t days, int *y, int *m, int *d) {
    uint32_t z = (uint32_t)days + 719468u;
    uint32_t era = z / 146097u, doe = z - era * 146097u;
    uint32_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    uint32_t mp = (5u * doy + 2u) / 153u;
    *d = (int)(doy - (153u * mp + 2u) / 5u + 1u);
    *m = (int)(mp < 10u ? mp + 3u : mp - 9u);
    *y = (int)(yoe + era * 400u) + (*m <= 2);
}

/* The inverse, for y-m-d with 1 <= y <= 9999 and a valid day. */
static inline int32_t civil_days(int y, int m, int d) {
    uint32_t sy = (uint32_t)(y - (m <= 2));
    uint32_t era = sy / 400u, yoe = sy - era * 400u;
    uint32_t sm = (uint32_t)(m > 2 ? m - 3 : m + 9);
    uint32_t doy = (153u * sm + 2u) / 5u + (uint32_t)d - 1u;
    uint32_t doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (int32_t)(era * 146097u + doe) - 719468;
}

void tg_kern_datepart(const int32_t *d, size_t n, tg_datepart part, int64_t *out) {
    int y, m, day, iy;
    switch (part) {
    case TG_PART_WEEKDAY:
        for (size_t i = 0; i < n; i++) out[i] = tg_date_weekday(d[i]);
        return;
    case TG_PART_ISOWEEK:
        for (size_t i = 0; i < n; i++) out[i] = tg_date_isoweek(d[i], NULL);
        return;
    case TG_PART_ISOYEAR:
        for (size_t i = 0; i < n; i++) {
            (void)tg_date_isoweek(d[i], &iy);
            out[i] = iy;
        }
        return;
    case TG_PART_YEAR:
        for (size_t i = 0; i < n; i++) {
            civil(d[i], &y, &m, &day);
            out[i] = y;
        }
        return;
    case TG_PART_QUARTER:
        for (size_t i = 0; i < n; i++) {
            civil(d[i], &y, &m, &day);
            out[i] = (m + 2) / 3;
        }
        return;
    case TG_PART_MONTH:
        for (size_t i = 0; i < n; i++) {
            civil(d[i], &y, &m, &day);
            out[i] = m;
        }
        return;
    case TG_PART_DAY:
        for (size_t i = 0; i < n; i++) {
            civil(d[i], &y, &m, &day);
            out[i] = day;
        }
        return;
    default:
        for (size_t i = 0; i < n; i++) {
            civil(d[i], &y, &m, &day);
            out[i] = tg_date_days_in_month(y, m);
        }
        return;
    }
}

/* The period of 'unit' that holds day x: its first day and the first day
** of the next one. */
static void period_of(int32_t x, tg_date_unit unit, int32_t *start, int32_t *next) {
    int y, m, day;
    if (unit == TG_UNIT_WEEK) {
        *start = x - (tg_date_weekday(x) - 1);
        *next = *start + 7;
        return;
    }
    civil(x, &y, &m, &day);
    switch (unit) {
    case TG_UNIT_MONTH:
        *start = x - (day - 1);
        *next = m == 12 ? civil_days(y + 1, 1, 1) : civil_days(y, m + 1, 1);
        return;
    case TG_UNIT_QUARTER: {
        int q = (m - 1) / 3 * 3 + 1;
        *start = civil_days(y, q, 1);
        *next = q == 10 ? civil_days(y + 1, 1, 1) : civil_days(y, q + 3, 1);
        return;
    }
    default:
        *start = civil_days(y, 1, 1);
        *next = civil_days(y + 1, 1, 1);
        return;
    }
}

/* Dates usually come in runs (a table sorted or clustered by date), so the
** period of the previous row is kept and reused while rows fall inside it:
** one comparison instead of a calendar conversion per row. */
void tg_kern_trunc(const int32_t *d, size_t n, tg_date_unit unit, int32_t *out) {
    int32_t start = 0, next = 0; /* empty: the first row computes */
    for (size_t i = 0; i < n; i++) {
        int32_t x = d[i];
        if (x < start || x >= next) period_of(x, unit, &start, &next);
        out[i] = start;
    }
}

size_t tg_kern_date_add(const int32_t *d, const int64_t *k, int sign, size_t n,
                        const uint8_t *valid, int32_t *out) {
    size_t bad = n;
    assert(sign == 1 || sign == -1);
    for (size_t i = 0; i < n; i++) {
        /* |k| beyond the whole date range fails anyway; clamping first keeps
        ** the sum inside int64. */
        int64_t step = k[i] > 4000000 ? 4000000 : (k[i] < -4000000 ? -4000000 : k[i]);
        int64_t r = (int64_t)d[i] + sign * step;
        int ok = r >= TG_DATE_MIN && r <= TG_DATE_MAX;
        out[i] = ok ? (int32_t)r : 0;
        if (!ok && bad == n && (!valid || valid[i])) bad = i;
    }
    return bad;
}

void tg_kern_date_diff(const int32_t *a, const int32_t *b, size_t n, int64_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = (int64_t)a[i] - b[i];
}
