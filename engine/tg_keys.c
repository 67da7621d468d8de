/*
** tg_keys.c -- distinct key tuples with dense ids, lookups, bucketing and
** sort encodings (see tg_keys.h).
** A set works in one of two modes, chosen from the keys' value ranges:
** direct indexing, where a tuple's cell is a mixed-radix number of its
** offsets from each key's minimum and cell_id[cell] is its id; or an
** open-addressing hash table of ids, where a tuple is compared with the
** first row that carried it (no copy of the keys is kept). Rows are
** processed a vector at a time: each key column is turned into words by
** one loop per type, then the vector is hashed or indexed.
*/
#include "tg_keys.h"

#include <assert.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"

/* Direct indexing pays while its cell table is small next to the rows: at
** most 2 cells per row, never above 2^22 (16 MB), always allowed to 2^16. */
#define DIRECT_MIN_CELLS ((uint64_t)1 << 16)
#define DIRECT_MAX_CELLS ((uint64_t)1 << 22)
#define SIGN             ((uint64_t)1 << 63)
#define CANON_NAN        UINT64_C(0x7ff8000000000000)

struct tg_keys {
    tg_key keys[TG_KEYS_MAX];
    size_t n_keys;
    int nulls_match;
    size_t n_ids, cap_ids;
    size_t *first;
    /* Direct mode: key k contributes (word - lo[k]) * mult[k], or, for a
    ** NULL when nulls match, span[k] * mult[k]; width[k] is span[k] plus
    ** that NULL slot. */
    int direct;
    uint64_t lo[TG_KEYS_MAX], span[TG_KEYS_MAX], width[TG_KEYS_MAX], mult[TG_KEYS_MAX];
    uint32_t *cell_id;
    uint64_t n_cells;
    /* Hash mode: the low 32 bits of each id's hash, and slots holding id + 1
    ** (0 = empty) in a power-of-two table kept at most half full. */
    uint32_t *hash;
    uint32_t *slots;
    size_t n_slots;
};

/* Scratch for one vector of rows. */
struct vec {
    uint64_t *w;    /* n_keys * TG_VECTOR words */
    uint64_t *mask; /* bit k: key k is NULL or unmatchable */
    uint64_t *h;
    uint8_t *bad;
};

/* ---- words ---- */

static inline uint64_t f64_word(double x) {
    uint64_t w;
    if (x != x) return CANON_NAN;
    if (x == 0) x = 0.0; /* -0 and 0 are one value */
    memcpy(&w, &x, sizeof w);
    return w;
}

static inline uint64_t f64_int_word(double x, uint8_t *bad) {
    if (x >= -9223372036854775808.0 && x < 9223372036854775808.0) {
        int64_t i = (int64_t)x;
        if ((double)i == x) return (uint64_t)i;
    }
    *bad = 1;
    return 0;
}

static inline int is_valid(const uint64_t *valid, size_t r) {
    return !valid || ((valid[r >> 6] >> (r & 63)) & 1);
}

/* Words of rows [row0, row0 + n) of one key; bad[i] = 1 for a NULL or a
** value that can match nothing (its word is then 0). */
static void key_words(const tg_key *k, size_t row0, size_t n, uint64_t *w, uint8_t *bad) {
    const tg_col *c = k->col;
    const uint64_t *valid = c->valid;

    memset(bad, 0, n);
    switch (c->type) {
    case TG_INT:
        for (size_t i = 0; i < n; i++)
            w[i] = (uint64_t)c->v.i64[row0 + i];
        break;
    case TG_DATE:
        for (size_t i = 0; i < n; i++)
            w[i] = (uint64_t)(int64_t)c->v.date[row0 + i];
        break;
    case TG_BOOL:
        for (size_t i = 0; i < n; i++)
            w[i] = c->v.b8[row0 + i];
        break;
    case TG_STRING:
        if (!k->map) {
            for (size_t i = 0; i < n; i++)
                w[i] = c->v.str[row0 + i];
            break;
        }
        /* A NULL row's code is unspecified: look it up only when valid. */
        for (size_t i = 0; i < n; i++) {
            uint32_t m = is_valid(valid, row0 + i) ? k->map[c->v.str[row0 + i]] : TG_DICT_NONE;
            w[i] = m == TG_DICT_NONE ? 0 : m;
            bad[i] = m == TG_DICT_NONE;
        }
        return;
    case TG_FLOAT:
        if (k->as_int)
            for (size_t i = 0; i < n; i++)
                w[i] = f64_int_word(c->v.f64[row0 + i], &bad[i]);
        else
            for (size_t i = 0; i < n; i++)
                w[i] = f64_word(c->v.f64[row0 + i]);
        break;
    }
    if (valid) {
        for (size_t i = 0; i < n; i++) {
            if (!is_valid(valid, row0 + i)) {
                w[i] = 0;
                bad[i] = 1;
            }
        }
    }
}

/* The word of one row (used to compare a row with a tuple's first row). */
static uint64_t key_word1(const tg_key *k, size_t r, uint8_t *bad) {
    uint64_t w;
    key_words(k, r, 1, &w, bad);
    return w;
}

/* ---- hashing ---- */

static inline uint64_t mix(uint64_t h, uint64_t w) {
    h = (h ^ w) * UINT64_C(0x9e3779b97f4a7c15);
    return h ^ (h >> 29);
}

static inline uint64_t fmix(uint64_t h) {
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    return h ^ (h >> 33);
}

/* Words, masks and hashes of rows [row0, row0 + n) of 'keys'. */
static void vec_fill(struct vec *v, const tg_key *keys, size_t n_keys, size_t row0, size_t n) {
    memset(v->mask, 0, n * sizeof *v->mask);
    for (size_t i = 0; i < n; i++)
        v->h[i] = UINT64_C(0x243f6a8885a308d3);
    for (size_t k = 0; k < n_keys; k++) {
        uint64_t *w = v->w + k * TG_VECTOR;
        key_words(&keys[k], row0, n, w, v->bad);
        for (size_t i = 0; i < n; i++) {
            v->mask[i] |= (uint64_t)v->bad[i] << k;
            v->h[i] = mix(v->h[i], w[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        v->h[i] = fmix(mix(v->h[i], v->mask[i]));
}

static void vec_free(struct vec *v) {
    tg_free(v->w);
    tg_free(v->mask);
    tg_free(v->h);
    tg_free(v->bad);
}

static tg_status vec_new(struct vec *v, size_t n_keys) {
    v->w = tg_malloc((n_keys ? n_keys : 1) * TG_VECTOR * sizeof *v->w);
    v->mask = tg_malloc(TG_VECTOR * sizeof *v->mask);
    v->h = tg_malloc(TG_VECTOR * sizeof *v->h);
    v->bad = tg_malloc(TG_VECTOR);
    if (v->w && v->mask && v->h && v->bad) return TG_OK;
    vec_free(v);
    return TG_ENOMEM;
}

/* 1 if row i of the vector (from 'keys') carries the tuple of id 'id'. */
static int same_tuple(const tg_keys *s, uint32_t id, const struct vec *v, size_t i) {
    size_t r = s->first[id];
    for (size_t k = 0; k < s->n_keys; k++) {
        uint8_t bad = 0;
        uint64_t w = key_word1(&s->keys[k], r, &bad);
        if (bad != ((v->mask[i] >> k) & 1)) return 0;
        if (!bad && w != v->w[k * TG_VECTOR + i]) return 0;
    }
    return 1;
}

/* The id of row i of the vector, or TG_KEYS_NONE; *slot gets the empty
** slot where it would go. */
static uint32_t lookup(const tg_keys *s, const struct vec *v, size_t i, size_t *slot) {
    size_t m = s->n_slots - 1;
    uint32_t h = (uint32_t)v->h[i];
    for (size_t p = h & m;; p = (p + 1) & m) {
        uint32_t e = s->slots[p];
        if (!e) {
            *slot = p;
            return TG_KEYS_NONE;
        }
        if (s->hash[e - 1] == h && same_tuple(s, e - 1, v, i)) return e - 1;
    }
}

static tg_status grow_slots(tg_keys *s) {
    size_t n = s->n_slots * 2, m = n - 1;
    uint32_t *slots = tg_calloc(n, sizeof *slots);
    if (!slots) return TG_ENOMEM;
    for (size_t id = 0; id < s->n_ids; id++) {
        size_t p = s->hash[id] & m;
        while (slots[p])
            p = (p + 1) & m;
        slots[p] = (uint32_t)id + 1;
    }
    tg_free(s->slots);
    s->slots = slots;
    s->n_slots = n;
    return TG_OK;
}

/* Room for one more id in 'first' (and 'hash' in hash mode). */
static tg_status reserve_id(tg_keys *s) {
    if (s->n_ids < s->cap_ids) return TG_OK;
    size_t cap = s->cap_ids * 2;
    size_t *first = tg_realloc(s->first, cap * sizeof *first);
    if (!first) return TG_ENOMEM;
    s->first = first;
    if (!s->direct) {
        uint32_t *hash = tg_realloc(s->hash, cap * sizeof *hash);
        if (!hash) return TG_ENOMEM;
        s->hash = hash;
    }
    s->cap_ids = cap;
    return TG_OK;
}

/* ---- choosing the mode ---- */

/* Decides between direct and hash mode, scanning the keys whose range is
** not known from their type for their minimum and maximum. */
static tg_status choose_mode(tg_keys *s, size_t n_rows, const tg_interrupt *intr) {
    uint64_t limit = 2 * (uint64_t)n_rows;
    int scan[TG_KEYS_MAX];
    int64_t lo[TG_KEYS_MAX], hi[TG_KEYS_MAX];
    int any_scan = 0;

    if (limit < DIRECT_MIN_CELLS) limit = DIRECT_MIN_CELLS;
    if (limit > DIRECT_MAX_CELLS) limit = DIRECT_MAX_CELLS;
    s->direct = 0;
    for (size_t k = 0; k < s->n_keys; k++) {
        const tg_key *key = &s->keys[k];
        scan[k] = 0;
        lo[k] = 0;
        hi[k] = 0;
        if (key->col->type == TG_FLOAT && !key->as_int) return TG_OK; /* no useful range */
        if (key->col->type == TG_BOOL) {
            hi[k] = 1;
        } else if (key->col->type == TG_STRING && !key->map) {
            uint32_t size = tg_dict_size(key->col->dict);
            hi[k] = size ? (int64_t)size - 1 : 0;
        } else {
            scan[k] = 1;
            lo[k] = INT64_MAX;
            hi[k] = INT64_MIN;
            any_scan = 1;
        }
    }
    if (any_scan) {
        uint64_t w[TG_VECTOR];
        uint8_t bad[TG_VECTOR];
        for (size_t base = 0; base < n_rows; base += TG_VECTOR) {
            size_t n = n_rows - base < TG_VECTOR ? n_rows - base : TG_VECTOR;
            tg_status st = tg_poll(intr);
            if (st != TG_OK) return st;
            for (size_t k = 0; k < s->n_keys; k++) {
                const tg_col *c = s->keys[k].col;
                if (!scan[k]) continue;
                if (!c->valid && c->type == TG_INT) { /* the common case, without copies */
                    int64_t l = lo[k], h = hi[k];
                    for (size_t i = 0; i < n; i++) {
                        int64_t x = c->v.i64[base + i];
                        l = x < l ? x : l;
                        h = x > h ? x : h;
                    }
                    lo[k] = l;
                    hi[k] = h;
                    continue;
                }
                if (!c->valid && c->type == TG_DATE) {
                    /* lo/hi start at the int64 extremes or hold dates */
                    int32_t l = lo[k] > INT32_MAX ? INT32_MAX : (int32_t)lo[k];
                    int32_t h = hi[k] < INT32_MIN ? INT32_MIN : (int32_t)hi[k];
                    for (size_t i = 0; i < n; i++) {
                        int32_t x = c->v.date[base + i];
                        l = x < l ? x : l;
                        h = x > h ? x : h;
                    }
                    lo[k] = l;
                    hi[k] = h;
                    continue;
                }
                key_words(&s->keys[k], base, n, w, bad);
                int64_t l = lo[k], h = hi[k];
                for (size_t i = 0; i < n; i++) {
                    int64_t x = (int64_t)w[i];
                    if (bad[i]) continue;
                    l = x < l ? x : l;
                    h = x > h ? x : h;
                }
                lo[k] = l;
                hi[k] = h;
            }
        }
    }
    uint64_t cells = 1;
    for (size_t k = s->n_keys; k-- > 0;) {
        if (lo[k] > hi[k]) lo[k] = hi[k] = 0; /* no valid row */
        uint64_t span = (uint64_t)hi[k] - (uint64_t)lo[k];
        if (span >= limit) return TG_OK;
        span++;
        s->lo[k] = (uint64_t)lo[k];
        s->span[k] = span;
        s->width[k] = span + (s->nulls_match && s->keys[k].col->valid ? 1 : 0);
        s->mult[k] = cells;
        if (s->width[k] > limit / cells) return TG_OK;
        cells *= s->width[k];
    }
    s->direct = 1;
    s->n_cells = cells;
    return TG_OK;
}

/* Adds key k's part of the cell for rows [row0, row0 + n) when the column
** has no NULLs and its codes are its words: one branch-free loop per type
** (the hot path of grouping by ints, dates and strings). Returns 0 when
** the column needs the general path. */
static int fast_offsets(const tg_keys *s, const tg_key *key, size_t k, int probing, size_t row0,
                        size_t n, uint64_t *cell) {
    const tg_col *c = key->col;
    uint64_t lo = s->lo[k], span = s->span[k], mult = s->mult[k];
    if (c->valid || key->map || c->type == TG_FLOAT) return 0;
    if (probing) {
        /* Probing: a value outside the set's range has no id. */
        switch (c->type) {
        case TG_INT:
            for (size_t i = 0; i < n; i++) {
                uint64_t off = (uint64_t)c->v.i64[row0 + i] - lo;
                cell[i] = off < span && cell[i] != UINT64_MAX ? cell[i] + off * mult : UINT64_MAX;
            }
            break;
        case TG_DATE:
            for (size_t i = 0; i < n; i++) {
                uint64_t off = (uint64_t)(int64_t)c->v.date[row0 + i] - lo;
                cell[i] = off < span && cell[i] != UINT64_MAX ? cell[i] + off * mult : UINT64_MAX;
            }
            break;
        case TG_BOOL:
            for (size_t i = 0; i < n; i++) {
                uint64_t off = c->v.b8[row0 + i] - lo;
                cell[i] = off < span && cell[i] != UINT64_MAX ? cell[i] + off * mult : UINT64_MAX;
            }
            break;
        default:
            for (size_t i = 0; i < n; i++) {
                uint64_t off = c->v.str[row0 + i] - lo;
                cell[i] = off < span && cell[i] != UINT64_MAX ? cell[i] + off * mult : UINT64_MAX;
            }
            break;
        }
        return 1;
    }
    /* Building: the range was scanned (or is the type's), so no checks. */
    switch (c->type) {
    case TG_INT: {
        const int64_t *v = c->v.i64 + row0;
        for (size_t i = 0; i < n; i++)
            cell[i] += ((uint64_t)v[i] - lo) * mult;
        break;
    }
    case TG_DATE: {
        const int32_t *v = c->v.date + row0;
        for (size_t i = 0; i < n; i++)
            cell[i] += ((uint64_t)(int64_t)v[i] - lo) * mult;
        break;
    }
    case TG_BOOL: {
        const uint8_t *v = c->v.b8 + row0;
        for (size_t i = 0; i < n; i++)
            cell[i] += (v[i] - lo) * mult;
        break;
    }
    default: {
        const uint32_t *v = c->v.str + row0;
        for (size_t i = 0; i < n; i++)
            cell[i] += (v[i] - lo) * mult;
        break;
    }
    }
    return 1;
}

/* Cells of rows [row0, row0 + n) in direct mode; rows that get no id (a
** NULL that does not match, or a value outside the set's range when
** probing) get cell UINT64_MAX. */
static void direct_cells(const tg_keys *s, const tg_key *keys, int probing, size_t row0, size_t n,
                         uint64_t *cell, uint64_t *w, uint8_t *bad) {
    memset(cell, 0, n * sizeof *cell);
    for (size_t k = 0; k < s->n_keys; k++) {
        uint64_t lo = s->lo[k], span = s->span[k], mult = s->mult[k];
        int null_slot = !probing && s->nulls_match;
        if (fast_offsets(s, &keys[k], k, probing, row0, n, cell)) continue;
        key_words(&keys[k], row0, n, w, bad);
        for (size_t i = 0; i < n; i++) {
            uint64_t off = w[i] - lo;
            if (bad[i] && null_slot)
                off = span;
            else if (bad[i] || off >= span)
                cell[i] = UINT64_MAX;
            if (cell[i] != UINT64_MAX) cell[i] += off * mult;
        }
    }
}

/* ---- building and probing ---- */

void tg_keys_free(tg_keys *s) {
    if (!s) return;
    tg_free(s->first);
    tg_free(s->cell_id);
    tg_free(s->hash);
    tg_free(s->slots);
    tg_free(s);
}

static tg_status build_direct(tg_keys *s, size_t n_rows, const tg_interrupt *intr, uint32_t *ids) {
    uint64_t cell[TG_VECTOR], w[TG_VECTOR];
    uint8_t bad[TG_VECTOR];

    s->cell_id = tg_malloc(s->n_cells * sizeof *s->cell_id);
    if (!s->cell_id) return TG_ENOMEM;
    memset(s->cell_id, 0xff, s->n_cells * sizeof *s->cell_id);
    /* Every id has a cell and a row, so this never grows. */
    s->cap_ids = s->n_cells < n_rows ? (size_t)s->n_cells : n_rows;
    if (s->cap_ids == 0) s->cap_ids = 1;
    s->first = tg_malloc(s->cap_ids * sizeof *s->first);
    if (!s->first) return TG_ENOMEM;
    for (size_t base = 0; base < n_rows; base += TG_VECTOR) {
        size_t n = n_rows - base < TG_VECTOR ? n_rows - base : TG_VECTOR;
        tg_status st = tg_poll(intr);
        if (st != TG_OK) return st;
        direct_cells(s, s->keys, 0, base, n, cell, w, bad);
        for (size_t i = 0; i < n; i++) {
            uint32_t id = TG_KEYS_NONE;
            if (cell[i] != UINT64_MAX) {
                id = s->cell_id[cell[i]];
                if (id == TG_KEYS_NONE) {
                    id = (uint32_t)s->n_ids++;
                    s->first[id] = base + i;
                    s->cell_id[cell[i]] = id;
                }
            }
            ids[base + i] = id;
        }
    }
    return TG_OK;
}

static tg_status build_hash(tg_keys *s, size_t n_rows, const tg_interrupt *intr, uint32_t *ids) {
    struct vec v;
    tg_status st = TG_ENOMEM;

    s->cap_ids = 256;
    s->n_slots = 1024;
    s->first = tg_malloc(s->cap_ids * sizeof *s->first);
    s->hash = tg_malloc(s->cap_ids * sizeof *s->hash);
    s->slots = tg_calloc(s->n_slots, sizeof *s->slots);
    if (!s->first || !s->hash || !s->slots) return TG_ENOMEM;
    if (vec_new(&v, s->n_keys) != TG_OK) return TG_ENOMEM;
    for (size_t base = 0; base < n_rows; base += TG_VECTOR) {
        size_t n = n_rows - base < TG_VECTOR ? n_rows - base : TG_VECTOR;
        if ((st = tg_poll(intr)) != TG_OK) goto done;
        vec_fill(&v, s->keys, s->n_keys, base, n);
        for (size_t i = 0; i < n; i++) {
            size_t slot;
            uint32_t id = TG_KEYS_NONE;
            if (s->nulls_match || !v.mask[i]) {
                id = lookup(s, &v, i, &slot);
                if (id == TG_KEYS_NONE) {
                    if ((st = reserve_id(s)) != TG_OK) goto done;
                    id = (uint32_t)s->n_ids++;
                    s->first[id] = base + i;
                    s->hash[id] = (uint32_t)v.h[i];
                    s->slots[slot] = id + 1;
                    if (s->n_ids * 2 > s->n_slots && (st = grow_slots(s)) != TG_OK) goto done;
                }
            }
            ids[base + i] = id;
        }
    }
    st = TG_OK;
done:
    vec_free(&v);
    return st;
}

tg_status tg_keys_build(const tg_key *keys, size_t n_keys, size_t n_rows, int nulls_match,
                        const tg_interrupt *intr, uint32_t *ids, tg_keys **out) {
    tg_keys *s;
    tg_status st;

    assert(n_keys <= TG_KEYS_MAX && out != NULL && (ids != NULL || n_rows == 0));
    *out = NULL;
    if (n_rows >= UINT32_MAX) return TG_EARG;
    s = tg_calloc(1, sizeof *s);
    if (!s) return TG_ENOMEM;
    for (size_t k = 0; k < n_keys; k++) {
        assert(keys[k].col->len >= n_rows);
        assert(!nulls_match || (!keys[k].map && !keys[k].as_int));
        s->keys[k] = keys[k];
    }
    s->n_keys = n_keys;
    s->nulls_match = nulls_match;
    st = choose_mode(s, n_rows, intr);
    if (st == TG_OK)
        st = s->direct ? build_direct(s, n_rows, intr, ids) : build_hash(s, n_rows, intr, ids);
    if (st != TG_OK) {
        tg_keys_free(s);
        return st;
    }
    *out = s;
    return TG_OK;
}

size_t tg_keys_count(const tg_keys *s) {
    return s->n_ids;
}

const size_t *tg_keys_first(const tg_keys *s) {
    return s->first;
}

tg_status tg_keys_probe(const tg_keys *s, const tg_key *keys, size_t n_rows,
                        const tg_interrupt *intr, uint32_t *ids) {
    tg_status st = TG_OK;

    if (s->direct) {
        uint64_t cell[TG_VECTOR], w[TG_VECTOR];
        uint8_t bad[TG_VECTOR];
        for (size_t base = 0; base < n_rows; base += TG_VECTOR) {
            size_t n = n_rows - base < TG_VECTOR ? n_rows - base : TG_VECTOR;
            if ((st = tg_poll(intr)) != TG_OK) return st;
            direct_cells(s, keys, 1, base, n, cell, w, bad);
            for (size_t i = 0; i < n; i++)
                ids[base + i] = cell[i] == UINT64_MAX ? TG_KEYS_NONE : s->cell_id[cell[i]];
        }
        return TG_OK;
    }

    struct vec v;
    if (vec_new(&v, s->n_keys) != TG_OK) return TG_ENOMEM;
    for (size_t base = 0; base < n_rows; base += TG_VECTOR) {
        size_t n = n_rows - base < TG_VECTOR ? n_rows - base : TG_VECTOR, slot;
        if ((st = tg_poll(intr)) != TG_OK) break;
        vec_fill(&v, keys, s->n_keys, base, n);
        for (size_t i = 0; i < n; i++)
            ids[base + i] = v.mask[i] ? TG_KEYS_NONE : lookup(s, &v, i, &slot);
    }
    vec_free(&v);
    return st;
}

/* ---- helpers for callers ---- */

tg_status tg_keys_find(const tg_table *t, const char *name, const char *side, const tg_col **col,
                       tg_error *err) {
    long i = tg_table_find(t, name);
    if (i >= 0) {
        *col = t->cols[i];
        return TG_OK;
    }
    const char *near = tg_nearest_name(name, t->names, t->n_cols);
    *col = NULL;
    return tg_err_set(err, TG_EARG, NULL, 0, 0, "no column '%s'%s%s%s%s%s%s", name,
                      side ? " in the " : "", side ? side : "", side ? " table" : "",
                      near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

tg_status tg_keys_dict_map(const tg_dict *from, const tg_dict *to, uint32_t **map) {
    uint32_t n = tg_dict_size(from);
    *map = tg_malloc((n ? n : 1) * sizeof **map);
    if (!*map) return TG_ENOMEM;
    for (uint32_t c = 0; c < n; c++) {
        size_t len;
        const char *s = tg_dict_str(from, c, &len);
        (*map)[c] = tg_dict_find(to, s, len);
    }
    return TG_OK;
}

void tg_keys_bucket(const uint32_t *ids, size_t n_rows, size_t n_ids, const uint64_t *valid,
                    size_t *off, uint32_t *rows) {
    memset(off, 0, (n_ids + 1) * sizeof *off);
    for (size_t r = 0; r < n_rows; r++)
        if (ids[r] != TG_KEYS_NONE && is_valid(valid, r)) off[ids[r]]++;
    size_t sum = 0;
    for (size_t g = 0; g < n_ids; g++) {
        size_t c = off[g];
        off[g] = sum;
        sum += c;
    }
    for (size_t r = 0; r < n_rows; r++)
        if (ids[r] != TG_KEYS_NONE && is_valid(valid, r)) rows[off[ids[r]]++] = (uint32_t)r;
    /* off[g] now holds the end of g, which is the start of g + 1. */
    for (size_t g = n_ids; g > 0; g--)
        off[g] = off[g - 1];
    off[0] = 0;
}

/* ---- sort encodings ---- */

static inline uint64_t f64_enc(double x) {
    uint64_t w = f64_word(x);
    return w & SIGN ? ~w : w | SIGN;
}

tg_status tg_keys_encode(const tg_col *col, const size_t *rows, size_t n, int as_float,
                         uint64_t *enc, uint8_t *isnull) {
    uint32_t *rank = NULL;

    if (col->type == TG_STRING) {
        uint32_t size = tg_dict_size(col->dict);
        rank = tg_malloc((size ? size : 1) * sizeof *rank);
        if (!rank || tg_dict_ranks(col->dict, rank) != TG_OK) {
            tg_free(rank);
            return TG_ENOMEM;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        isnull[i] = !is_valid(col->valid, r);
        if (isnull[i]) {
            enc[i] = 0;
            continue;
        }
        switch (col->type) {
        case TG_INT:
            enc[i] = as_float ? f64_enc((double)col->v.i64[r]) : (uint64_t)col->v.i64[r] ^ SIGN;
            break;
        case TG_DATE:
            enc[i] = (uint64_t)(int64_t)col->v.date[r] ^ SIGN;
            break;
        case TG_BOOL:
            enc[i] = col->v.b8[r] != 0;
            break;
        case TG_STRING:
            enc[i] = rank[col->v.str[r]];
            break;
        case TG_FLOAT:
            enc[i] = f64_enc(col->v.f64[r]);
            break;
        }
    }
    tg_free(rank);
    return TG_OK;
}

static int cmp_keys(const tg_sortkey *keys, size_t n_keys, size_t a, size_t b) {
    for (size_t k = 0; k < n_keys; k++) {
        const tg_sortkey *key = &keys[k];
        int na = key->isnull && key->isnull[a], nb = key->isnull && key->isnull[b];
        if (na != nb) return na ? 1 : -1;
        if (na) continue;
        uint64_t ea = key->enc[a], eb = key->enc[b];
        if (ea != eb) return (ea < eb) != (key->desc != 0) ? -1 : 1;
    }
    return 0;
}

/* Bottom-up merge sort: insertion-sorted runs of 16, then merges between
** idx and tmp. Takes from the right run only when strictly smaller, so
** it is stable. */
tg_status tg_keys_sort(size_t *idx, size_t n, const tg_sortkey *keys, size_t n_keys) {
    enum { RUN = 16 };
    size_t *tmp, *src = idx, *dst;

    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            size_t x = idx[i], j = i;
            while (j > lo && cmp_keys(keys, n_keys, idx[j - 1], x) > 0) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = x;
        }
    }
    if (n <= RUN) return TG_OK;
    tmp = tg_malloc(n * sizeof *tmp);
    if (!tmp) return TG_ENOMEM;
    dst = tmp;
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                dst[o++] = cmp_keys(keys, n_keys, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[o++] = src[i++];
            while (j < hi)
                dst[o++] = src[j++];
        }
        size_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx) memcpy(idx, src, n * sizeof *idx);
    tg_free(tmp);
    return TG_OK;
}
