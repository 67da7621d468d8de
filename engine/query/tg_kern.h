/*
** tg_kern.h -- vector kernels: tight loops over raw value buffers, the
** arithmetic of expressions, filters and (later) aggregations. A kernel
** sees plain arrays of n values and validity as one byte per row (1 =
** valid; a NULL pointer means every row is valid). It never allocates;
** the only failure it knows is a row that overflowed, which it reports by
** returning that row. Values in NULL rows are computed on like any other
** (they are initialised, so that is defined) and their results ignored.
** Selection kernels keep the indices of rows where a condition holds, as
** ascending uint32_t positions within the vector.
*/
#ifndef TG_KERN_H
#define TG_KERN_H

#include <stddef.h>
#include <stdint.h>

#include "tg_date.h"
#include "tg_num.h"

/* Comparison masks: a comparison holds when the order of a and b is one of
** the bits set. NE is LT | GT (for floats it is also true when either side
** is NaN, as IEEE says; every other comparison with NaN is false). */
enum { TG_KERN_LT = 1, TG_KERN_EQ = 2, TG_KERN_GT = 4 };

/* Date parts (ints) computed by tg_kern_datepart. */
typedef enum tg_datepart {
    TG_PART_YEAR = 1,
    TG_PART_QUARTER,
    TG_PART_MONTH,
    TG_PART_DAY,
    TG_PART_WEEKDAY,
    TG_PART_ISOWEEK,
    TG_PART_ISOYEAR,
    TG_PART_DAYS_IN_MONTH
} tg_datepart;

/* Day numbers of 0001-01-01 and 9999-12-31, the range dates may take. */
#define TG_DATE_MIN (-719162)
#define TG_DATE_MAX 2932896

/* ---- validity ---- */

/* Expands bits [0, n) of a column bitmap (bit 1 = valid) into bytes;
** returns 1 if any row is NULL, 0 when all are valid. */
int tg_kern_bits_to_bytes(const uint64_t *bits, size_t n, uint8_t *out);
/* Packs n validity bytes into bits; bits from n up to the next multiple of
** 64 are set. Returns 1 if any row is NULL. */
int tg_kern_bytes_to_bits(const uint8_t *valid, size_t n, uint64_t *bits);
/* out = a AND b byte-wise (either may be NULL = all valid); returns the
** pointer to use: NULL, a, b or out. */
const uint8_t *tg_kern_valid_and(const uint8_t *a, const uint8_t *b, size_t n, uint8_t *out);

/* ---- comparisons and predicates (out[i] = 0 or 1) ---- */

void tg_kern_cmp_i64(const int64_t *a, const int64_t *b, size_t n, unsigned mask, uint8_t *out);
void tg_kern_cmp_i32(const int32_t *a, const int32_t *b, size_t n, unsigned mask, uint8_t *out);
void tg_kern_cmp_u32(const uint32_t *a, const uint32_t *b, size_t n, unsigned mask, uint8_t *out);
void tg_kern_cmp_u8(const uint8_t *a, const uint8_t *b, size_t n, unsigned mask, uint8_t *out);
void tg_kern_cmp_f64(const double *a, const double *b, size_t n, unsigned mask, uint8_t *out);

/* out[i] = (lo <= x[i] <= hi) XOR neg; lo <= hi. */
void tg_kern_range_i64(const int64_t *x, size_t n, int64_t lo, int64_t hi, int neg, uint8_t *out);
void tg_kern_range_i32(const int32_t *x, size_t n, int32_t lo, int32_t hi, int neg, uint8_t *out);
void tg_kern_range_u32(const uint32_t *x, size_t n, uint32_t lo, uint32_t hi, int neg,
                       uint8_t *out);
void tg_kern_range_f64(const double *x, size_t n, double lo, double hi, int neg, uint8_t *out);

/* out[i] = 1 if x[i] is one of the m values of the ascending 'set'. */
void tg_kern_isin_i64(const int64_t *x, size_t n, const int64_t *set, size_t m, uint8_t *out);
void tg_kern_isin_i32(const int32_t *x, size_t n, const int32_t *set, size_t m, uint8_t *out);
void tg_kern_isin_f64(const double *x, size_t n, const double *set, size_t m, uint8_t *out);

/* Table lookups: out[i] = tab[code[i]] (codes index into the table). */
void tg_kern_gather_u8(const uint8_t *tab, const uint32_t *code, size_t n, uint8_t *out);
void tg_kern_gather_u32(const uint32_t *tab, const uint32_t *code, size_t n, uint32_t *out);
void tg_kern_gather_i64(const int64_t *tab, const uint32_t *code, size_t n, int64_t *out);

/* ---- selections ----
** Candidates are sel[0..nsel) or, when sel is NULL, all rows 0..nsel-1.
** Kept indices go to out (which may be sel) and their count is returned.
** Rows whose valid byte is 0 are never kept. */
size_t tg_kern_sel_range_i64(const int64_t *x, const uint8_t *valid, int64_t lo, int64_t hi,
                             int neg, const uint32_t *sel, size_t nsel, uint32_t *out);
size_t tg_kern_sel_range_i32(const int32_t *x, const uint8_t *valid, int32_t lo, int32_t hi,
                             int neg, const uint32_t *sel, size_t nsel, uint32_t *out);
size_t tg_kern_sel_range_u32(const uint32_t *x, const uint8_t *valid, uint32_t lo, uint32_t hi,
                             int neg, const uint32_t *sel, size_t nsel, uint32_t *out);
size_t tg_kern_sel_range_f64(const double *x, const uint8_t *valid, double lo, double hi, int neg,
                             const uint32_t *sel, size_t nsel, uint32_t *out);
/* Keeps rows where tab[code[i]] is nonzero. */
size_t tg_kern_sel_table(const uint32_t *code, const uint8_t *valid, const uint8_t *tab,
                         const uint32_t *sel, size_t nsel, uint32_t *out);
/* Keeps rows where the bool b[i] is 1 (and valid). */
size_t tg_kern_sel_true(const uint8_t *b, const uint8_t *valid, const uint32_t *sel, size_t nsel,
                        uint32_t *out);
/* Keeps rows whose validity equals 'want' (0: is_null, 1: not_null); here
** a NULL 'valid' keeps all rows for want = 1 and none for want = 0. */
size_t tg_kern_sel_valid(const uint8_t *valid, int want, const uint32_t *sel, size_t nsel,
                         uint32_t *out);

/* ---- masks: a selection as one byte per row (1 = kept) ---- */

/* mask[i] = b[i] AND valid[i] (valid NULL: all valid), AND-ed with the
** old mask[i] unless 'first'; returns how many rows the mask keeps. */
size_t tg_kern_mask_and(uint8_t *mask, const uint8_t *b, const uint8_t *valid, int first, size_t n);
/* Writes the positions of the nonzero bytes of mask[0..n) to sel, in
** order; returns their count. */
size_t tg_kern_mask_to_sel(const uint8_t *mask, size_t n, uint32_t *sel);

/* ---- three-valued logic ----
** AND: false if either side is a valid false, true if both are valid true,
** else NULL; OR the mirror image. vout receives the result's validity. */
void tg_kern_and(const uint8_t *a, const uint8_t *va, const uint8_t *b, const uint8_t *vb, size_t n,
                 uint8_t *out, uint8_t *vout);
void tg_kern_or(const uint8_t *a, const uint8_t *va, const uint8_t *b, const uint8_t *vb, size_t n,
                uint8_t *out, uint8_t *vout);
void tg_kern_not(const uint8_t *a, size_t n, uint8_t *out);

/* out[i] = take[i] ? a[i] : b[i] for values of 'width' bytes (1, 4 or 8). */
void tg_kern_blend(size_t width, const uint8_t *take, const void *a, const void *b, size_t n,
                   void *out);

/* ---- arithmetic ----
** Integer kernels return the first row that is valid (valid NULL: any row)
** whose result overflowed int64, or n when none did. Division kernels clear
** valid_io[i] where b[i] is 0 (valid_io is a real buffer the caller filled
** with the inputs' validity). // and % floor, as in Lua and Python. */
size_t tg_kern_add_i64(const int64_t *a, const int64_t *b, size_t n, const uint8_t *valid,
                       int64_t *out);
size_t tg_kern_sub_i64(const int64_t *a, const int64_t *b, size_t n, const uint8_t *valid,
                       int64_t *out);
size_t tg_kern_mul_i64(const int64_t *a, const int64_t *b, size_t n, const uint8_t *valid,
                       int64_t *out);
size_t tg_kern_idiv_i64(const int64_t *a, const int64_t *b, size_t n, uint8_t *valid_io,
                        int64_t *out);
void tg_kern_mod_i64(const int64_t *a, const int64_t *b, size_t n, uint8_t *valid_io, int64_t *out);
size_t tg_kern_neg_i64(const int64_t *a, size_t n, const uint8_t *valid, int64_t *out);
size_t tg_kern_abs_i64(const int64_t *a, size_t n, const uint8_t *valid, int64_t *out);

void tg_kern_add_f64(const double *a, const double *b, size_t n, double *out);
void tg_kern_sub_f64(const double *a, const double *b, size_t n, double *out);
void tg_kern_mul_f64(const double *a, const double *b, size_t n, double *out);
void tg_kern_div_f64(const double *a, const double *b, size_t n, uint8_t *valid_io, double *out);
void tg_kern_idiv_f64(const double *a, const double *b, size_t n, uint8_t *valid_io, double *out);
void tg_kern_mod_f64(const double *a, const double *b, size_t n, uint8_t *valid_io, double *out);
void tg_kern_neg_f64(const double *a, size_t n, double *out);
void tg_kern_abs_f64(const double *a, size_t n, double *out);

/* Rounding (see tg_num.h); floor/ceil turn -0.0 into 0.0. The int kernel
** returns the first valid row that overflowed, or n. */
void tg_kern_round_f64(const double *a, size_t n, int digits, tg_round_mode mode, double *out);
size_t tg_kern_round_i64(const int64_t *a, size_t n, int digits, tg_round_mode mode,
                         const uint8_t *valid, int64_t *out);
void tg_kern_floor_f64(const double *a, size_t n, double *out);
void tg_kern_ceil_f64(const double *a, size_t n, double *out);

/* ---- conversions ----
** Narrowing kernels clear valid_io[i] where the value does not fit and
** return the first row that was valid and did not fit, or n. */
void tg_kern_i64_to_f64(const int64_t *a, size_t n, double *out);
size_t tg_kern_f64_to_i64(const double *a, size_t n, uint8_t *valid_io, int64_t *out);
void tg_kern_u8_to_i64(const uint8_t *a, size_t n, int64_t *out);
void tg_kern_u8_to_f64(const uint8_t *a, size_t n, double *out);
void tg_kern_i64_to_u8(const int64_t *a, size_t n, uint8_t *out);
void tg_kern_f64_to_u8(const double *a, size_t n, uint8_t *out);
void tg_kern_i32_to_i64(const int32_t *a, size_t n, int64_t *out);
size_t tg_kern_i64_to_date(const int64_t *a, size_t n, uint8_t *valid_io, int32_t *out);

/* ---- dates ---- */

void tg_kern_datepart(const int32_t *d, size_t n, tg_datepart part, int64_t *out);
void tg_kern_trunc(const int32_t *d, size_t n, tg_date_unit unit, int32_t *out);
/* out = d + sign * k days; returns the first valid row whose result falls
** outside [TG_DATE_MIN, TG_DATE_MAX], or n. sign is 1 or -1. */
size_t tg_kern_date_add(const int32_t *d, const int64_t *k, int sign, size_t n,
                        const uint8_t *valid, int32_t *out);
void tg_kern_date_diff(const int32_t *a, const int32_t *b, size_t n, int64_t *out);

#endif /* TG_KERN_H */
