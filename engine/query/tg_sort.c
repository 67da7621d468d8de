/*
** tg_sort.c -- stable multi-key sort by LSD radix on packed integer codes.
** Each key becomes an unsigned code whose integer order is the sort order:
** the value mapped to an order-preserving uint64 (ints and dates flip the
** sign bit, floats flip all bits when negative and the sign bit otherwise,
** strings use their byte-order rank), minus the column's minimum (or
** subtracted from its maximum when descending), then NaN and NULL as the
** next codes after the largest value. The codes of all keys, concatenated
** most significant first, form one wide composite key. Sorting works on
** 64-bit words holding a slice ("chunk") of that composite key above the
** row index, least significant chunk first; LSD radix passes are stable, so
** each chunk keeps the order the previous chunks established, and ties keep
** input order because the first pass starts from the identity.
*/
#include "tg_sort.h"

#include <assert.h>
#include <string.h>

#include "tg_col.h"
#include "tg_collate.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_par.h"

#define SIGN_BIT      ((uint64_t)1 << 63)
#define DIGIT_BITS    11
#define DIGIT_BUCKETS (1u << DIGIT_BITS)
#define SMALL_SORT    32 /* insertion sort below this many rows */

/* One field of the composite key: a key column's codes, or (when a column's
** values span the whole 64-bit range so NaN/NULL codes do not fit after
** them) a separate 1-2 bit class field (0 value, then NaN, then NULL). */
enum field_kind { FIELD_CODE, FIELD_CLASS };

struct field {
    const tg_col *col;
    uint32_t *rank; /* TG_STRING: rank of each code (owned) */
    enum field_kind kind;
    uint64_t flip, base; /* code = (mapped ^ flip) - base */
    uint64_t nan_code;   /* FIELD_CODE: code of NaN; FIELD_CLASS: 1 */
    uint64_t null_code;  /* likewise for NULL */
    unsigned bits;       /* width of the codes */
    unsigned off;        /* position of the lowest bit in the composite key */
};

struct sorter {
    size_t n;
    struct field *fields;
    size_t n_fields;
    unsigned total_bits; /* width of the composite key */
    unsigned idx_bits;   /* low bits of a word holding the row index */
    uint64_t idx_mask;
    size_t *hist; /* DIGIT_BUCKETS per morsel: one pass's counts, then offsets */
    const tg_interrupt *intr;
    const char *collate; /* NULL: strings by bytes; else tg_collate's name */
};

static unsigned bit_width(uint64_t x) {
    return x ? (unsigned)(64 - __builtin_clzll(x)) : 0;
}

/* The column called 'name', or TG_EARG naming the nearest one. */
static tg_status find_key(const tg_table *t, const char *name, const tg_col **col, tg_error *err) {
    long k;
    tg_status st = tg_table_lookup(t, name, &k, err);
    if (st == TG_OK) *col = t->cols[k];
    return st;
}

/* ---- codes ---- */

static inline uint64_t float_bits(double v) {
    uint64_t u;
    if (v == 0) v = 0; /* -0.0 sorts as 0.0 */
    memcpy(&u, &v, sizeof u);
    return u;
}

static inline int bits_are_nan(uint64_t u) {
    return (u & ~SIGN_BIT) > 0x7ff0000000000000u;
}

/* The order-preserving unsigned image of row r's value. */
static inline uint64_t mapped(const tg_col *c, const uint32_t *rank, size_t r, tg_type type) {
    switch (type) {
    case TG_INT: return (uint64_t)c->v.i64[r] ^ SIGN_BIT;
    case TG_DATE: return (uint64_t)(int64_t)c->v.date[r] ^ SIGN_BIT;
    case TG_BOOL: return c->v.b8[r];
    case TG_STRING: return rank[c->v.str[r]];
    case TG_FLOAT: {
        uint64_t u = float_bits(c->v.f64[r]);
        return (u & SIGN_BIT) ? ~u : u | SIGN_BIT;
    }
    }
    return 0;
}

/* rank[code] = the position of each string of 'd' in the language's
** order (tg_collate), as tg_dict_ranks gives the byte order. */
static tg_status collate_ranks(const tg_dict *d, const char *name, uint32_t *rank) {
    uint32_t n = tg_dict_size(d);
    const char **str = tg_malloc((n ? n : 1) * sizeof *str);
    size_t *len = tg_malloc((n ? n : 1) * sizeof *len);
    tg_status st = str && len ? TG_OK : TG_ENOMEM;
    for (uint32_t c = 0; st == TG_OK && c < n; c++) str[c] = tg_dict_str(d, c, &len[c]);
    if (st == TG_OK) st = tg_collate_ranks(name, str, len, n, rank, NULL);
    tg_free(str);
    tg_free(len);
    return st;
}

/* The range of a key's mapped values and whether it holds NULLs or NaNs,
** a morsel per item (tg_par); minimum and maximum do not depend on the
** order the morsels are combined in. */
struct scan {
    uint64_t lo, hi;
    int has_null, has_nan;
};

struct scan_job {
    const tg_col *col;
    const uint32_t *rank;
    size_t n;
    struct scan *part; /* one per morsel */
};

static tg_status scan_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    const struct scan_job *j = ctx;
    const tg_col *col = j->col;
    struct scan p = { UINT64_MAX, 0, 0, 0 };
    size_t i0, len;
    (void)worker;
    (void)err;
    tg_par_morsel(j->n, m, &i0, &len);
    for (size_t r = i0; r < i0 + len; r++) {
        uint64_t v;
        if (!tg_col_is_valid(col, r)) {
            p.has_null = 1;
            continue;
        }
        if (col->type == TG_FLOAT && col->v.f64[r] != col->v.f64[r]) {
            p.has_nan = 1;
            continue;
        }
        v = mapped(col, j->rank, r, col->type);
        if (v < p.lo) p.lo = v;
        if (v > p.hi) p.hi = v;
    }
    j->part[m] = p;
    return TG_OK;
}

static tg_status scan_key(const struct sorter *s, const tg_col *col, const uint32_t *rank,
                          uint64_t *lo, uint64_t *hi, int *has_null, int *has_nan) {
    size_t n_morsels = tg_par_morsels(s->n);
    struct scan_job j = { col, rank, s->n, tg_malloc(n_morsels * sizeof *j.part) };
    if (!j.part) return TG_ENOMEM;
    tg_status st = tg_par_for(n_morsels, scan_morsel, &j, NULL, NULL);
    for (size_t m = 0; st == TG_OK && m < n_morsels; m++) {
        if (j.part[m].lo < *lo) *lo = j.part[m].lo;
        if (j.part[m].hi > *hi) *hi = j.part[m].hi;
        *has_null |= j.part[m].has_null;
        *has_nan |= j.part[m].has_nan;
    }
    tg_free(j.part);
    return st;
}

/* Scans one key column and appends its field(s) to the sorter. */
static tg_status add_key(struct sorter *s, const tg_col *col, int desc) {
    uint64_t lo = UINT64_MAX, hi = 0;
    int has_null = 0, has_nan = 0;
    uint32_t *rank = NULL;

    if (col->type == TG_STRING) {
        uint32_t size = tg_dict_size(col->dict);
        rank = tg_malloc((size ? size : 1) * sizeof *rank);
        if (!rank) return TG_ENOMEM;
        if ((s->collate ? collate_ranks(col->dict, s->collate, rank)
                        : tg_dict_ranks(col->dict, rank)) != TG_OK) {
            tg_free(rank);
            return TG_ENOMEM;
        }
    }
    if (scan_key(s, col, rank, &lo, &hi, &has_null, &has_nan) != TG_OK) {
        tg_free(rank);
        return TG_ENOMEM;
    }
    if (lo > hi) lo = hi = 0; /* no numbers at all */

    struct field f = { .col = col, .rank = rank, .kind = FIELD_CODE };
    uint64_t span = hi - lo, extra = (uint64_t)has_nan + (uint64_t)has_null;
    f.flip = desc ? UINT64_MAX : 0;
    f.base = desc ? ~hi : lo;
    struct field *fields = s->fields + s->n_fields;
    if (span <= UINT64_MAX - extra) {
        f.nan_code = span + 1;
        f.null_code = span + 1 + (uint64_t)has_nan;
        f.bits = bit_width(span + extra);
        fields[0] = f;
        s->n_fields++;
    } else {
        /* The class field goes first: it is the more significant one. */
        struct field cls = f;
        cls.kind = FIELD_CLASS;
        cls.rank = NULL;
        cls.nan_code = 1;
        cls.null_code = 1 + (uint64_t)has_nan;
        cls.bits = bit_width(extra);
        f.nan_code = f.null_code = 0;
        f.bits = 64;
        fields[0] = cls;
        fields[1] = f;
        s->n_fields += 2;
    }
    return TG_OK;
}

/* ORs bits [src_lo, src_lo + width) of each row's field code into words
** i0..i1 of buf at bit dst_lo; the row is each word's low idx_bits. */
static inline void or_field(const struct sorter *s, const struct field *f, uint64_t *buf, size_t i0,
                            size_t i1, unsigned src_lo, uint64_t mask, unsigned dst_lo,
                            tg_type type) {
    const tg_col *c = f->col;
    const uint64_t *valid = c->valid;
    uint64_t idx_mask = s->idx_mask;

    if (f->kind == FIELD_CLASS) {
        for (size_t i = i0; i < i1; i++) {
            size_t r = (size_t)(buf[i] & idx_mask);
            uint64_t code = 0;
            if (type == TG_FLOAT && bits_are_nan(float_bits(c->v.f64[r]))) code = f->nan_code;
            if (valid && !tg_col_bit(valid, r)) code = f->null_code;
            buf[i] |= ((code >> src_lo) & mask) << dst_lo;
        }
        return;
    }
    for (size_t i = i0; i < i1; i++) {
        size_t r = (size_t)(buf[i] & idx_mask);
        uint64_t code = (mapped(c, f->rank, r, type) ^ f->flip) - f->base;
        if (type == TG_FLOAT && bits_are_nan(float_bits(c->v.f64[r]))) code = f->nan_code;
        if (valid && !tg_col_bit(valid, r)) code = f->null_code;
        buf[i] |= ((code >> src_lo) & mask) << dst_lo;
    }
}

/* Dispatches on the type outside the row loop, so each loop is specialised. */
static void or_field_any(const struct sorter *s, const struct field *f, uint64_t *buf, size_t i0,
                         size_t i1, unsigned src_lo, uint64_t mask, unsigned dst_lo) {
    switch (f->col->type) {
    case TG_INT: or_field(s, f, buf, i0, i1, src_lo, mask, dst_lo, TG_INT); break;
    case TG_FLOAT: or_field(s, f, buf, i0, i1, src_lo, mask, dst_lo, TG_FLOAT); break;
    case TG_BOOL: or_field(s, f, buf, i0, i1, src_lo, mask, dst_lo, TG_BOOL); break;
    case TG_DATE: or_field(s, f, buf, i0, i1, src_lo, mask, dst_lo, TG_DATE); break;
    case TG_STRING: or_field(s, f, buf, i0, i1, src_lo, mask, dst_lo, TG_STRING); break;
    }
}

/* Replaces the key part of every word with bits [lo, hi) of the composite
** key of the word's row, a morsel of words per item (tg_par). */
struct chunk_job {
    const struct sorter *s;
    uint64_t *buf;
    unsigned lo, hi;
};

static tg_status chunk_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    const struct chunk_job *j = ctx;
    const struct sorter *s = j->s;
    size_t i0, len;
    (void)worker;
    (void)err;
    tg_par_morsel(s->n, m, &i0, &len);
    for (size_t i = i0; i < i0 + len; i++) j->buf[i] &= s->idx_mask;
    for (size_t k = 0; k < s->n_fields; k++) {
        const struct field *f = &s->fields[k];
        unsigned a = f->off > j->lo ? f->off : j->lo;
        unsigned b = f->off + f->bits < j->hi ? f->off + f->bits : j->hi;
        if (a >= b) continue;
        uint64_t mask = b - a == 64 ? UINT64_MAX : ((uint64_t)1 << (b - a)) - 1;
        or_field_any(s, f, j->buf, i0, i0 + len, a - f->off, mask, a - j->lo + s->idx_bits);
    }
    return TG_OK;
}

static tg_status load_chunk(const struct sorter *s, uint64_t *buf, unsigned lo, unsigned hi) {
    struct chunk_job j = { s, buf, lo, hi };
    return tg_par_for(tg_par_morsels(s->n), chunk_morsel, &j, s->intr, NULL);
}

/* ---- radix passes ---- */

static void insertion_sort(uint64_t *a, size_t n, unsigned shift) {
    for (size_t i = 1; i < n; i++) {
        uint64_t x = a[i];
        size_t j = i;
        while (j > 0 && (a[j - 1] >> shift) > (x >> shift)) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* One radix pass over morsels of words: each morsel counts its digits,
** the counts become each (morsel, digit)'s first output slot -- digits in
** order, and within a digit the morsels in order -- and each morsel then
** scatters its words from there. That is the one-thread pass exactly, so
** the sort stays stable and its answer never depends on the threads. */
struct pass_job {
    const uint64_t *src;
    uint64_t *dst;
    size_t n;
    unsigned dshift;
    size_t *hist; /* DIGIT_BUCKETS per morsel */
};

static tg_status count_digits(void *ctx, size_t m, int worker, tg_error *err) {
    const struct pass_job *j = ctx;
    size_t i0, len, *h = j->hist + m * DIGIT_BUCKETS;
    (void)worker;
    (void)err;
    tg_par_morsel(j->n, m, &i0, &len);
    memset(h, 0, DIGIT_BUCKETS * sizeof *h);
    for (size_t i = i0; i < i0 + len; i++) h[(j->src[i] >> j->dshift) & (DIGIT_BUCKETS - 1)]++;
    return TG_OK;
}

static tg_status scatter_digits(void *ctx, size_t m, int worker, tg_error *err) {
    const struct pass_job *j = ctx;
    size_t i0, len, *h = j->hist + m * DIGIT_BUCKETS;
    (void)worker;
    (void)err;
    tg_par_morsel(j->n, m, &i0, &len);
    for (size_t i = i0; i < i0 + len; i++) {
        uint64_t x = j->src[i];
        j->dst[h[(x >> j->dshift) & (DIGIT_BUCKETS - 1)]++] = x;
    }
    return TG_OK;
}

/* The counts into first slots; 1 when one digit holds every word (the
** pass would move nothing). */
static int offsets(size_t *hist, size_t n_morsels, size_t n) {
    size_t sum = 0;
    for (size_t d = 0; d < DIGIT_BUCKETS; d++) {
        size_t before = sum;
        for (size_t m = 0; m < n_morsels; m++) {
            size_t c = hist[m * DIGIT_BUCKETS + d];
            hist[m * DIGIT_BUCKETS + d] = sum;
            sum += c;
        }
        if (sum - before == n) return 1;
    }
    return 0;
}

/* Stably sorts the words in *cur by their bits above idx_bits (a key of
** 'width' bits), ping-ponging with *tmp; *cur ends up holding the result. */
static tg_status sort_words(const struct sorter *s, uint64_t **cur, uint64_t **tmp,
                            unsigned width) {
    size_t n = s->n, n_morsels = tg_par_morsels(n);
    unsigned passes = (width + DIGIT_BITS - 1) / DIGIT_BITS, shift = s->idx_bits;
    uint64_t *src = *cur, *dst = *tmp;

    if (n <= SMALL_SORT) {
        insertion_sort(src, n, shift);
        return TG_OK;
    }
    for (unsigned p = 0; p < passes; p++) {
        struct pass_job j = { src, dst, n, shift + p * DIGIT_BITS, s->hist };
        tg_status st = tg_par_for(n_morsels, count_digits, &j, s->intr, NULL);
        if (st != TG_OK) return st;
        if (offsets(s->hist, n_morsels, n)) continue;
        if ((st = tg_par_for(n_morsels, scatter_digits, &j, s->intr, NULL)) != TG_OK) return st;
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    *cur = src;
    *tmp = dst;
    return TG_OK;
}

/* The words before and after the sort, a morsel per item: the identity
** (perm NULL), or each word's row index into perm (which may be the words
** themselves: each item reads and writes its own slots). */
struct words_job {
    uint64_t *words;
    size_t *perm;
    size_t n;
    uint64_t mask;
};

static tg_status words_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    const struct words_job *j = ctx;
    size_t i0, len;
    (void)worker;
    (void)err;
    tg_par_morsel(j->n, m, &i0, &len);
    if (!j->perm) {
        for (size_t i = i0; i < i0 + len; i++) j->words[i] = i;
        return TG_OK;
    }
    for (size_t i = i0; i < i0 + len; i++) j->perm[i] = (size_t)(j->words[i] & j->mask);
    return TG_OK;
}

static tg_status run_words(uint64_t *words, size_t *perm, size_t n, uint64_t mask,
                           const tg_interrupt *intr) {
    struct words_job j = { words, perm, n, mask };
    return tg_par_for(tg_par_morsels(n), words_morsel, &j, intr, NULL);
}

/* ---- public ---- */

static void free_fields(struct sorter *s) {
    for (size_t k = 0; k < s->n_fields; k++) tg_free(s->fields[k].rank);
    tg_free(s->fields);
    tg_free(s->hist);
}

tg_status tg_sort_index(const tg_table *t, const char *const *keys, const int *desc, size_t n_keys,
                        const tg_interrupt *intr, size_t **out, tg_error *err) {
    return tg_sort_index_collate(t, keys, desc, n_keys, NULL, intr, out, err);
}

tg_status tg_sort_index_collate(const tg_table *t, const char *const *keys, const int *desc,
                                size_t n_keys, const char *collate, const tg_interrupt *intr,
                                size_t **out, tg_error *err) {
    struct sorter s = { .n = t->n_rows, .intr = intr, .collate = collate };
    uint64_t *cur = NULL, *tmp = NULL;
    size_t *perm;
    tg_status st = TG_OK;

    assert(t != NULL && out != NULL && (keys != NULL || n_keys == 0));
    *out = NULL;
    if (collate && !tg_collate_known(collate))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "unknown collation '%s' (tegn offers \"da\")",
                          collate);
    for (size_t k = 0; k < n_keys; k++) {
        const tg_col *col;
        if ((st = find_key(t, keys[k], &col, err)) != TG_OK) return st;
    }
    /* A word keeps at least 16 key bits next to the row index. */
    assert(s.n <= ((size_t)1 << 48));

    s.fields = tg_malloc((2 * n_keys + 1) * sizeof *s.fields);
    cur = tg_malloc((s.n ? s.n : 1) * sizeof *cur);
    if (!s.fields || !cur) goto nomem;
    for (size_t k = 0; k < n_keys; k++) {
        const tg_col *col = NULL;
        find_key(t, keys[k], &col, NULL);
        if (add_key(&s, col, desc && desc[k]) != TG_OK) goto nomem;
    }
    /* Offsets from the least significant (last) field up; constant fields
    ** (zero bits) take no room. */
    for (size_t k = s.n_fields; k-- > 0;) {
        s.fields[k].off = s.total_bits;
        s.total_bits += s.fields[k].bits;
    }
    s.idx_bits = s.n > 1 ? bit_width(s.n - 1) : 1;
    s.idx_mask = ((uint64_t)1 << s.idx_bits) - 1;
    if ((st = run_words(cur, NULL, s.n, 0, intr)) != TG_OK) goto fail;

    if (s.total_bits > 0 && s.n > 1) {
        unsigned chunk = 64 - s.idx_bits;
        s.hist = tg_malloc(tg_par_morsels(s.n) * DIGIT_BUCKETS * sizeof *s.hist);
        tmp = tg_malloc(s.n * sizeof *tmp);
        if (!s.hist || !tmp) goto nomem;
        for (unsigned lo = 0; lo < s.total_bits; lo += chunk) {
            unsigned hi = s.total_bits - lo < chunk ? s.total_bits : lo + chunk;
            if ((st = load_chunk(&s, cur, lo, hi)) != TG_OK) goto fail;
            if ((st = sort_words(&s, &cur, &tmp, hi - lo)) != TG_OK) goto fail;
        }
    }

    /* The words now hold row indices in sorted order: keep the low bits. */
#if SIZE_MAX == UINT64_MAX
    perm = (size_t *)cur;
#else
    perm = tg_malloc((s.n ? s.n : 1) * sizeof *perm);
    if (!perm) goto nomem;
#endif
    if ((st = run_words(cur, perm, s.n, s.idx_mask, intr)) != TG_OK) {
        if ((void *)perm != (void *)cur) tg_free(perm);
        goto fail;
    }
    if ((void *)perm != (void *)cur) tg_free(cur);
    tg_free(tmp);
    free_fields(&s);
    *out = perm;
    return TG_OK;

nomem:
    st = tg_err_nomem(err);
fail:
    if (st == TG_ELIMIT || st == TG_ECANCEL) tg_err_set(err, st, NULL, 0, 0, "sort interrupted");
    tg_free(cur);
    tg_free(tmp);
    free_fields(&s);
    return st;
}

tg_status tg_sort(const tg_table *t, const char *const *keys, const int *desc, size_t n_keys,
                  const tg_interrupt *intr, tg_table **out, tg_error *err) {
    return tg_sort_collate(t, keys, desc, n_keys, NULL, intr, out, err);
}

tg_status tg_sort_collate(const tg_table *t, const char *const *keys, const int *desc,
                          size_t n_keys, const char *collate, const tg_interrupt *intr,
                          tg_table **out, tg_error *err) {
    size_t *perm;
    tg_status st = tg_sort_index_collate(t, keys, desc, n_keys, collate, intr, &perm, err);
    *out = NULL;
    if (st != TG_OK) return st;
    *out = tg_table_take(t, perm, t->n_rows);
    tg_free(perm);
    return *out ? TG_OK : tg_err_nomem(err);
}

/* Grouping equality of two valid values: NaN equals NaN, -0.0 equals 0.0. */
static inline int same_value(const tg_col *c, size_t a, size_t b, tg_type type) {
    switch (type) {
    case TG_INT: return c->v.i64[a] == c->v.i64[b];
    case TG_BOOL: return c->v.b8[a] == c->v.b8[b];
    case TG_DATE: return c->v.date[a] == c->v.date[b];
    case TG_STRING: return c->v.str[a] == c->v.str[b];
    case TG_FLOAT: {
        double x = c->v.f64[a], y = c->v.f64[b];
        return x == y || (x != x && y != y);
    }
    }
    return 0;
}

/* One column's breaks, specialised by type like or_field; rows without a
** bitmap skip the validity test altogether. */
static inline void mark_breaks(const tg_col *c, const size_t *perm, size_t n, uint8_t *brk,
                               tg_type type) {
    if (!c->valid) {
        for (size_t i = 1; i < n; i++)
            brk[i] |= (uint8_t)!same_value(c, perm[i - 1], perm[i], type);
        return;
    }
    int prev_ok = tg_col_is_valid(c, perm[0]);
    for (size_t i = 1; i < n; i++) {
        int ok = tg_col_is_valid(c, perm[i]);
        int differ = ok != prev_ok || (ok && !same_value(c, perm[i - 1], perm[i], type));
        brk[i] |= (uint8_t)differ;
        prev_ok = ok;
    }
}

/* Breaks over morsels of positions (tg_par): position i compares rows
** perm[i - 1] and perm[i] only, so each item writes its own bytes. */
struct breaks_job {
    const tg_col **cols;
    size_t n_keys;
    const size_t *perm;
    size_t n;
    uint8_t *brk;
};

static tg_status breaks_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    const struct breaks_job *j = ctx;
    size_t i0, len;
    (void)worker;
    (void)err;
    tg_par_morsel(j->n, m, &i0, &len);
    if (len == 0) return TG_OK;
    memset(j->brk + i0, 0, len);
    if (i0 == 0) j->brk[0] = 1;
    /* mark_breaks starts at its second position: give it the one before. */
    size_t from = i0 ? i0 - 1 : 0, count = i0 + len - from;
    const size_t *perm = j->perm + from;
    uint8_t *brk = j->brk + from;
    for (size_t k = 0; k < j->n_keys; k++) {
        const tg_col *c = j->cols[k];
        switch (c->type) {
        case TG_INT: mark_breaks(c, perm, count, brk, TG_INT); break;
        case TG_FLOAT: mark_breaks(c, perm, count, brk, TG_FLOAT); break;
        case TG_BOOL: mark_breaks(c, perm, count, brk, TG_BOOL); break;
        case TG_DATE: mark_breaks(c, perm, count, brk, TG_DATE); break;
        case TG_STRING: mark_breaks(c, perm, count, brk, TG_STRING); break;
        }
    }
    return TG_OK;
}

tg_status tg_sort_breaks(const tg_table *t, const char *const *keys, size_t n_keys,
                         const size_t *perm, size_t n, uint8_t *brk, tg_error *err) {
    struct breaks_job j = { NULL, n_keys, perm, n, brk };
    tg_status st = TG_OK;
    if (n == 0) return TG_OK;
    if (!(j.cols = tg_malloc((n_keys ? n_keys : 1) * sizeof *j.cols))) return tg_err_nomem(err);
    for (size_t k = 0; st == TG_OK && k < n_keys; k++) st = find_key(t, keys[k], &j.cols[k], err);
    if (st == TG_OK) st = tg_par_for(tg_par_morsels(n), breaks_morsel, &j, NULL, err);
    tg_free(j.cols);
    return st;
}
