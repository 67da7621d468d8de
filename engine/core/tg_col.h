/*
** tg_col.h -- typed column vectors with a validity bitmap.
** A column owns a value buffer of 'len' rows (int64, double, uint8 bool,
** int32 days or uint32 dictionary codes) and a bitmap where bit i set means
** row i is valid; 'valid' is NULL while every row is valid. The value of a
** NULL row is unspecified but initialised (0), so kernels may read it.
** Columns are reference-counted so tables, views and Lua userdata share
** one buffer; the counts are not atomic (see tg_dict.h). The struct is
** open to engine modules because kernels loop over the raw buffers; code
** outside engine/ uses the functions.
*/
#ifndef TG_COL_H
#define TG_COL_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_dict.h"

typedef struct tg_col {
    int refs;
    tg_type type;
    size_t len, cap; /* rows used / allocated */
    union {
        void *any;
        int64_t *i64;  /* TG_INT */
        double *f64;   /* TG_FLOAT */
        uint8_t *b8;   /* TG_BOOL */
        int32_t *date; /* TG_DATE */
        uint32_t *str; /* TG_STRING: codes into dict */
    } v;
    uint64_t *valid; /* NULL = all valid; else ceil(cap/64) words */
    tg_dict *dict;   /* TG_STRING only; shared */
    /* Why a column loaded from a file is text although it looked typed
    ** ("d.csv: read as text: expected a date, got '21-09-13-2021' (line
    ** 21)"), for type errors that meet it later; owned, NULL if none. Only
    ** the loaded column carries it, not columns computed from it. */
    char *note;
} tg_col;

/* Bytes per value of a type. */
size_t tg_type_width(tg_type type);
/* "int", "float", "bool", "date", "string" (the names scripts see). */
const char *tg_type_name(tg_type type);
/* The type named by 'name' (as above, plus "integer", "double", "number",
** "str", "text"), or -1 when unknown. */
int tg_type_parse(const char *name);

/* A new empty column with room for 'cap' rows and one reference. For
** TG_STRING, 'dict' is retained when given, or a new one is made when NULL.
** NULL on allocation failure. */
tg_col *tg_col_new(tg_type type, size_t cap, tg_dict *dict);
/* Adds a reference; returns col. */
tg_col *tg_col_retain(tg_col *col);
/* Drops a reference, freeing the column at zero; NULL is a no-op. */
void tg_col_release(tg_col *col);

/* The validity bitmap's layout, in this one place: row i is bit i % 64 of
** word i / 64, and 1 means valid. tg_col_bit reads a bit (bits must not be
** NULL; a NULL bitmap means all valid, see tg_col_is_valid); _set and
** _clear write one. For any bitmap of this layout, not only a column's. */
static inline int tg_col_bit(const uint64_t *bits, size_t i) {
    return (int)((bits[i >> 6] >> (i & 63)) & 1);
}
static inline void tg_col_bit_set(uint64_t *bits, size_t i) {
    bits[i >> 6] |= (uint64_t)1 << (i & 63);
}
static inline void tg_col_bit_clear(uint64_t *bits, size_t i) {
    bits[i >> 6] &= ~((uint64_t)1 << (i & 63));
}
/* tg_col_bit_clear for a bitmap other threads write at the same time (a
** kernel scattering results to rows, which share words): one atomic AND. */
static inline void tg_col_bit_clear_shared(uint64_t *bits, size_t i) {
    __atomic_fetch_and(&bits[i >> 6], ~((uint64_t)1 << (i & 63)), __ATOMIC_RELAXED);
}

/* 1 if row i is valid under the bitmap 'valid' (NULL: every row is). */
static inline int tg_col_bits_valid(const uint64_t *valid, size_t i) {
    return !valid || tg_col_bit(valid, i);
}

/* 1 if row i is valid (not NULL). */
static inline int tg_col_is_valid(const tg_col *col, size_t i) {
    return tg_col_bits_valid(col->valid, i);
}
/* Number of NULL rows. */
size_t tg_col_null_count(const tg_col *col);

/* Ensures room for 'cap' rows; TG_OK or TG_ENOMEM (column unchanged). */
tg_status tg_col_reserve(tg_col *col, size_t cap);
/* Shrinks the buffers to exactly 'len' rows (best effort; never fails). */
void tg_col_shrink(tg_col *col);
/* Marks row i NULL (i < cap), creating the bitmap on first use (all valid).
** TG_OK or TG_ENOMEM. */
tg_status tg_col_set_null(tg_col *col, size_t i);
/* Marks row i valid again (i < cap). */
void tg_col_set_valid(tg_col *col, size_t i);

/* Append one value, growing the buffers as needed; TG_OK or TG_ENOMEM
** with the column unchanged. Type must match. */
tg_status tg_col_push_i64(tg_col *col, int64_t v);
tg_status tg_col_push_f64(tg_col *col, double v);
tg_status tg_col_push_bool(tg_col *col, int v);
tg_status tg_col_push_date(tg_col *col, int32_t days);
tg_status tg_col_push_str(tg_col *col, const char *s, size_t n);
tg_status tg_col_push_null(tg_col *col);

/* A new column holding rows [off, off + n) of 'src' (sharing its
** dictionary); NULL on allocation failure. */
tg_col *tg_col_slice(const tg_col *src, size_t off, size_t n);

/* Row index meaning "no row": tg_col_take gives NULL there (outer joins). */
#define TG_NO_ROW SIZE_MAX

/* A new column whose row i is row idx[i] of 'src' (NULL where idx[i] is
** TG_NO_ROW), sharing src's dictionary. Indices must be < src->len or
** TG_NO_ROW. NULL on allocation failure. */
tg_col *tg_col_take(const tg_col *src, const size_t *idx, size_t n);

/* Both gather a morsel of rows at a time (tg_par) on every worker; the
** _poll form polls 'intr' before each morsel. NULL with *st set to
** TG_ENOMEM or the poll's status (TG_ELIMIT, TG_ECANCEL) on failure; *st
** is TG_OK otherwise. */
tg_col *tg_col_take_poll(const tg_col *src, const size_t *idx, size_t n, const tg_interrupt *intr,
                         tg_status *st);

/* The values of rows idx[0..n) of src into 'to' (n values of src's
** width), on the calling thread, validity not read: 0 where idx[i] is
** TG_NO_ROW. Returns whether any idx[i] was. The loop under tg_col_take,
** for kernels that gather a morsel into a buffer of their own. */
int tg_col_gather(void *to, const tg_col *src, const size_t *idx, size_t n);

/* Converts an int column to float in place (same width, so no allocation). */
void tg_col_int_to_float(tg_col *col);

/* Gives a string column whose codes were computed by several threads, each
** into its own dictionary, one dictionary: row i holds a code of
** dicts[owner[i / span]] (col->dict is ignored). The column's new
** dictionary holds the strings of its valid rows, each once, in order of
** first use, and the codes are rewritten into it (NULL rows get code 0),
** so the result depends only on the strings the rows hold, never on which
** thread made them. When the rows all use one dictionary that already is
** exactly that, it becomes the column's as it is. TG_OK, TG_ENOMEM, or the
** status of tg_poll(intr) (nullable; polled once per span); on failure the
** column's codes and dictionary are unspecified (release it). */
tg_status tg_col_unify_dicts(tg_col *col, tg_dict *const *dicts, size_t n_dicts, const int *owner,
                             size_t span, const tg_interrupt *intr);

#endif /* TG_COL_H */
