/*
** tg_keys.c -- distinct key tuples with dense ids, lookups, bucketing and
** sort encodings (see tg_keys.h).
** A set works in one of two modes. Direct indexing: a tuple's cell is a
** mixed-radix number of its offsets from each key's lower bound, and
** cell_id[cell] is its id; the bounds start at what the type allows (a
** dictionary's codes, false/true) or at nothing, and widen, with headroom,
** when a vector brings values outside them (the cell table is rebuilt from
** the ids' first rows; ids never change). When the cells would outgrow
** their limit the set turns into an open-addressing hash table of ids
** that keeps each tuple's words, so a lookup never goes back to the
** table. Rows are processed a vector at a time: each key column is turned
** into words by one loop per type, then the vector is indexed or hashed,
** so the keys are read once.
*/
#include "tg_keys.h"

#include <assert.h>
#include <string.h>

#include "tg_col.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_par.h"

/* Direct indexing pays while its cell table is small next to the rows: at
** most 2 cells per row, never above 2^22 (16 MB), always allowed to 2^16. */
#define DIRECT_MIN_CELLS ((uint64_t)1 << 16)
#define DIRECT_MAX_CELLS ((uint64_t)1 << 22)
#define SIGN             ((uint64_t)1 << 63)
#define CANON_NAN        UINT64_C(0x7ff8000000000000)
#define HASH_SEED        UINT64_C(0x243f6a8885a308d3)

/* Scratch for one vector of rows. */
struct vec {
    uint64_t *w;    /* n_keys * TG_VECTOR words */
    uint64_t *mask; /* bit k: key k is NULL or unmatchable */
    uint64_t *h;
    uint8_t *bad;
};

struct tg_keys {
    tg_key keys[TG_KEYS_MAX];
    size_t n_keys, n_rows;
    int nulls_match;
    size_t n_ids, cap_ids;
    size_t *first;
    /* Direct mode: key k contributes (word - lo[k]) * mult[k], or, for a
    ** NULL when nulls match, span[k] * mult[k] (its NULL slot). Words in
    ** [lo[k], lo[k] + span[k]) have a cell; span[k] == 0 means no value
    ** seen yet. fixed[k]: the type bounds the words (bools, codes). */
    int direct;
    uint64_t lo[TG_KEYS_MAX], span[TG_KEYS_MAX], mult[TG_KEYS_MAX];
    int fixed[TG_KEYS_MAX], null_slot[TG_KEYS_MAX];
    uint32_t *cell_id;
    uint64_t n_cells, limit;
    /* Hash mode: each id's key words and NULL mask (n_keys + 1 words, so a
    ** lookup never goes back to the table), and slots holding the low 32
    ** bits of the hash above id + 1 (0 = empty), in a power-of-two table
    ** kept at most half full. */
    uint64_t *words;
    uint64_t *slots;
    size_t n_slots;
    struct vec v; /* hash mode's scratch for tg_keys_add */
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

/* Words of rows [row0, row0 + n) of one key; bad[i] = 1 for a NULL or a
** value that can match nothing (its word is then 0). */
static void key_words(const tg_key *k, size_t row0, size_t n, uint64_t *w, uint8_t *bad) {
    const tg_col *c = k->col;
    const uint64_t *valid = c->valid;

    memset(bad, 0, n);
    switch (c->type) {
    case TG_INT:
        for (size_t i = 0; i < n; i++) w[i] = (uint64_t)c->v.i64[row0 + i];
        break;
    case TG_DATE:
        for (size_t i = 0; i < n; i++) w[i] = (uint64_t)(int64_t)c->v.date[row0 + i];
        break;
    case TG_BOOL:
        for (size_t i = 0; i < n; i++) w[i] = c->v.b8[row0 + i];
        break;
    case TG_STRING:
        if (!k->map) {
            for (size_t i = 0; i < n; i++) w[i] = c->v.str[row0 + i];
            break;
        }
        /* A NULL row's code is unspecified: look it up only when valid. */
        for (size_t i = 0; i < n; i++) {
            uint32_t m =
                tg_col_bits_valid(valid, row0 + i) ? k->map[c->v.str[row0 + i]] : TG_DICT_NONE;
            w[i] = m == TG_DICT_NONE ? 0 : m;
            bad[i] = m == TG_DICT_NONE;
        }
        return;
    case TG_FLOAT:
        if (k->as_int)
            for (size_t i = 0; i < n; i++) w[i] = f64_int_word(c->v.f64[row0 + i], &bad[i]);
        else
            for (size_t i = 0; i < n; i++) w[i] = f64_word(c->v.f64[row0 + i]);
        break;
    }
    if (valid) {
        for (size_t i = 0; i < n; i++) {
            if (!tg_col_bits_valid(valid, row0 + i)) {
                w[i] = 0;
                bad[i] = 1;
            }
        }
    }
}

/* The word of one row (a tuple's first row, when the cells are laid out
** again or the set turns to hashing). */
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
    for (size_t i = 0; i < n; i++) v->h[i] = HASH_SEED;
    for (size_t k = 0; k < n_keys; k++) {
        uint64_t *w = v->w + k * TG_VECTOR;
        key_words(&keys[k], row0, n, w, v->bad);
        for (size_t i = 0; i < n; i++) {
            v->mask[i] |= (uint64_t)v->bad[i] << k;
            v->h[i] = mix(v->h[i], w[i]);
        }
    }
    for (size_t i = 0; i < n; i++) v->h[i] = fmix(mix(v->h[i], v->mask[i]));
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
    memset(v, 0, sizeof *v);
    return TG_ENOMEM;
}

/* 1 if row i of the vector carries the tuple of id 'id'. */
static int same_tuple(const tg_keys *s, uint32_t id, const struct vec *v, size_t i) {
    const uint64_t *w = s->words + id * (s->n_keys + 1);
    if (w[s->n_keys] != v->mask[i]) return 0;
    for (size_t k = 0; k < s->n_keys; k++)
        if (w[k] != v->w[k * TG_VECTOR + i]) return 0;
    return 1;
}

/* The id of row i of the vector, or TG_KEYS_NONE; *slot gets the empty
** slot where it would go. */
static uint32_t lookup(const tg_keys *s, const struct vec *v, size_t i, size_t *slot) {
    size_t m = s->n_slots - 1;
    uint32_t h = (uint32_t)v->h[i];
    for (size_t p = h & m;; p = (p + 1) & m) {
        uint64_t e = s->slots[p];
        if (!e) {
            *slot = p;
            return TG_KEYS_NONE;
        }
        if ((uint32_t)(e >> 32) == h && same_tuple(s, (uint32_t)e - 1, v, i))
            return (uint32_t)e - 1;
    }
}

/* Puts id (hash h) into the first free slot from h's position. */
static void put_slot(uint64_t *slots, size_t n_slots, uint32_t h, size_t id) {
    size_t m = n_slots - 1, p = h & m;
    while (slots[p]) p = (p + 1) & m;
    slots[p] = (uint64_t)h << 32 | (id + 1);
}

static tg_status grow_slots(tg_keys *s) {
    size_t n = s->n_slots * 2;
    uint64_t *slots = tg_calloc(n, sizeof *slots);
    if (!slots) return TG_ENOMEM;
    for (size_t p = 0; p < s->n_slots; p++)
        if (s->slots[p])
            put_slot(slots, n, (uint32_t)(s->slots[p] >> 32), (uint32_t)s->slots[p] - 1);
    tg_free(s->slots);
    s->slots = slots;
    s->n_slots = n;
    return TG_OK;
}

/* Room for one more id in 'first' (and 'words' in hash mode). */
static tg_status reserve_id(tg_keys *s) {
    if (s->n_ids < s->cap_ids) return TG_OK;
    size_t cap = s->cap_ids * 2;
    size_t *first = tg_realloc(s->first, cap * sizeof *first);
    if (!first) return TG_ENOMEM;
    s->first = first;
    if (!s->direct) {
        uint64_t *words = tg_realloc(s->words, cap * (s->n_keys + 1) * sizeof *words);
        if (!words) return TG_ENOMEM;
        s->words = words;
    }
    s->cap_ids = cap;
    return TG_OK;
}

/* ---- direct mode ---- */

#define NO_CELL UINT32_MAX /* a row with no id; cells are below DIRECT_MAX_CELLS */

/* Cell parts of key k for rows [row0, row0 + n): cell = (first ? 0 :
** cell) + (word - lo) * mult; a word outside [lo, lo + span) makes the cell
** NO_CELL. This is the hot loop of grouping by ints, dates and strings,
** so each type has its own. Returns 0 when the column needs key_words
** (NULLs, a code map or floats). */
static int fast_cells(const tg_keys *s, const tg_key *key, size_t k, size_t row0, size_t n,
                      uint32_t *cell) {
    const tg_col *c = key->col;
    uint64_t lo = s->lo[k], span = s->span[k];
    uint32_t mult = (uint32_t)s->mult[k];
    int first = k == 0;
    if (c->valid || key->map || c->type == TG_FLOAT) return 0;
    switch (c->type) {
    case TG_INT:
        for (size_t i = 0; i < n; i++) {
            uint64_t o = (uint64_t)c->v.i64[row0 + i] - lo;
            uint32_t prev = first ? 0 : cell[i];
            cell[i] = o < span && prev != NO_CELL ? prev + (uint32_t)o * mult : NO_CELL;
        }
        break;
    case TG_DATE:
        for (size_t i = 0; i < n; i++) {
            uint64_t o = (uint64_t)(int64_t)c->v.date[row0 + i] - lo;
            uint32_t prev = first ? 0 : cell[i];
            cell[i] = o < span && prev != NO_CELL ? prev + (uint32_t)o * mult : NO_CELL;
        }
        break;
    case TG_BOOL:
        for (size_t i = 0; i < n; i++) {
            uint64_t o = c->v.b8[row0 + i] - lo;
            uint32_t prev = first ? 0 : cell[i];
            cell[i] = o < span && prev != NO_CELL ? prev + (uint32_t)o * mult : NO_CELL;
        }
        break;
    default:
        for (size_t i = 0; i < n; i++) {
            uint64_t o = c->v.str[row0 + i] - lo;
            uint32_t prev = first ? 0 : cell[i];
            cell[i] = o < span && prev != NO_CELL ? prev + (uint32_t)o * mult : NO_CELL;
        }
        break;
    }
    return 1;
}

/* Cells of rows [row0, row0 + n) of 'keys' (the set's own, or a probing
** table's); a row gets NO_CELL when a word is outside the bounds or, unless
** 'null_slots', NULL or unmatchable. Returns 1 if any row got NO_CELL. */
static int direct_cells(const tg_keys *s, const tg_key *keys, int null_slots, size_t row0, size_t n,
                        uint32_t *cell, uint64_t *w, uint8_t *bad) {
    uint32_t any = 0;
    if (s->n_keys == 0) memset(cell, 0, n * sizeof *cell);
    for (size_t k = 0; k < s->n_keys; k++) {
        uint64_t lo = s->lo[k], span = s->span[k];
        uint32_t mult = (uint32_t)s->mult[k];
        int slot = null_slots && s->null_slot[k];
        if (fast_cells(s, &keys[k], k, row0, n, cell)) continue;
        key_words(&keys[k], row0, n, w, bad);
        for (size_t i = 0; i < n; i++) {
            uint64_t o = w[i] - lo;
            uint32_t prev = k == 0 ? 0 : cell[i];
            if (bad[i] && slot) o = span;
            else if (bad[i] || o >= span) prev = NO_CELL;
            cell[i] = prev == NO_CELL ? NO_CELL : prev + (uint32_t)o * mult;
        }
    }
    for (size_t i = 0; i < n; i++) any |= cell[i] == NO_CELL;
    return any != 0;
}

/* The cell of the tuple whose first row is r (within the bounds). */
static uint32_t row_cell(const tg_keys *s, size_t r) {
    uint32_t cell = 0;
    for (size_t k = 0; k < s->n_keys; k++) {
        uint8_t bad = 0;
        uint64_t w = key_word1(&s->keys[k], r, &bad);
        uint64_t o = bad ? s->span[k] : w - s->lo[k];
        cell += (uint32_t)o * (uint32_t)s->mult[k];
    }
    return cell;
}

/* Lays the cells out for bounds lo/span: computes the multipliers and
** rebuilds cell_id from the ids' first rows. *fits = 0 (and nothing
** changes) when the cells would exceed the limit. */
static tg_status relayout(tg_keys *s, const uint64_t *lo, const uint64_t *span, int *fits) {
    uint64_t mult[TG_KEYS_MAX], cells = 1;
    for (size_t k = s->n_keys; k-- > 0;) {
        uint64_t width = span[k] + (uint64_t)s->null_slot[k];
        mult[k] = cells;
        if (span[k] > s->limit || (width && width > s->limit / cells)) {
            *fits = 0;
            return TG_OK;
        }
        cells *= width ? width : 1;
    }
    *fits = 1;
    uint32_t *cell_id = tg_malloc(cells * sizeof *cell_id);
    if (!cell_id) return TG_ENOMEM;
    memset(cell_id, 0xff, cells * sizeof *cell_id);
    tg_free(s->cell_id);
    s->cell_id = cell_id;
    s->n_cells = cells;
    for (size_t k = 0; k < s->n_keys; k++) {
        s->lo[k] = lo[k];
        s->span[k] = span[k];
        s->mult[k] = mult[k];
    }
    for (size_t id = 0; id < s->n_ids; id++) cell_id[row_cell(s, s->first[id])] = (uint32_t)id;
    return TG_OK;
}

static tg_status start_hash(tg_keys *s, size_t n_slots);

/* Leaves direct mode: every id so far goes into a new hash table, its
** words read from its first row. */
static tg_status to_hash(tg_keys *s) {
    size_t n_slots = 1024, stride = s->n_keys + 1;
    tg_status st;
    if (!(s->words = tg_malloc(s->cap_ids * stride * sizeof *s->words))) return TG_ENOMEM;
    while (n_slots < 2 * s->n_ids) n_slots *= 2;
    if ((st = start_hash(s, n_slots)) != TG_OK) return st;
    for (size_t id = 0; id < s->n_ids; id++) {
        uint64_t *w = s->words + id * stride, h = HASH_SEED;
        w[s->n_keys] = 0;
        for (size_t k = 0; k < s->n_keys; k++) {
            uint8_t bad = 0;
            w[k] = key_word1(&s->keys[k], s->first[id], &bad);
            w[s->n_keys] |= (uint64_t)bad << k;
            h = mix(h, w[k]);
        }
        put_slot(s->slots, n_slots, (uint32_t)fmix(mix(h, w[s->n_keys])), id);
    }
    s->direct = 0;
    tg_free(s->cell_id);
    s->cell_id = NULL;
    return TG_OK;
}

/* Widens the bounds to cover rows [row0, row0 + n), at least doubling a
** bound's span where it grows, so that data arriving in order (dates, ids)
** widens a logarithmic number of times; switches to hash mode when even
** the exact bounds do not fit. *changed tells whether anything did. Words
** are int64 values (codes and dates included) and the bounds never run
** past INT64_MIN or INT64_MAX, so [lo, lo + span) is always an interval. */
static tg_status widen(tg_keys *s, size_t row0, size_t n, int *changed) {
    uint64_t w[TG_VECTOR], lo[TG_KEYS_MAX], span[TG_KEYS_MAX], elo[TG_KEYS_MAX];
    uint64_t espan[TG_KEYS_MAX];
    uint8_t bad[TG_VECTOR];
    int fits;
    tg_status st;

    *changed = 0;
    for (size_t k = 0; k < s->n_keys; k++) {
        lo[k] = elo[k] = s->lo[k];
        span[k] = espan[k] = s->span[k];
        if (s->fixed[k]) continue;
        int have = s->span[k] > 0;
        int64_t l0 = have ? (int64_t)s->lo[k] : INT64_MAX;
        int64_t h0 = have ? (int64_t)(s->lo[k] + s->span[k] - 1) : INT64_MIN;
        int64_t l = l0, h = h0;
        key_words(&s->keys[k], row0, n, w, bad);
        for (size_t i = 0; i < n; i++) {
            int64_t x = (int64_t)w[i];
            if (bad[i]) continue;
            l = x < l ? x : l;
            h = x > h ? x : h;
        }
        if (l > h || (l == l0 && h == h0)) continue;
        *changed = 1;
        uint64_t exact = (uint64_t)h - (uint64_t)l;
        if (exact >= s->limit) return to_hash(s); /* too wide even exactly */
        elo[k] = lo[k] = (uint64_t)l;
        espan[k] = span[k] = exact + 1;
        if (have && span[k] < 2 * s->span[k]) {
            uint64_t target = 2 * s->span[k];
            if (l == l0 && (uint64_t)INT64_MAX - (uint64_t)l >= target - 1) {
                span[k] = target; /* grew upwards */
            } else if (h == h0 && (uint64_t)h - (uint64_t)INT64_MIN >= target - 1) {
                lo[k] = (uint64_t)h - (target - 1); /* grew downwards */
                span[k] = target;
            }
        }
    }
    if (!*changed) return TG_OK;
    if ((st = relayout(s, lo, span, &fits)) != TG_OK || fits) return st;
    if ((st = relayout(s, elo, espan, &fits)) != TG_OK || fits) return st;
    return to_hash(s);
}

static tg_status add_hash(tg_keys *s, size_t row0, size_t n, uint32_t *ids);

static tg_status add_direct(tg_keys *s, size_t row0, size_t n, uint32_t *ids) {
    uint64_t w[TG_VECTOR];
    uint32_t cell[TG_VECTOR];
    uint8_t bad[TG_VECTOR];
    tg_status st;

    if (direct_cells(s, s->keys, s->nulls_match, row0, n, cell, w, bad)) {
        /* Out of bounds, or (joins) NULL keys, which widen() ignores. */
        int changed;
        if ((st = widen(s, row0, n, &changed)) != TG_OK) return st;
        if (!s->direct) return add_hash(s, row0, n, ids);
        if (changed) direct_cells(s, s->keys, s->nulls_match, row0, n, cell, w, bad);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t id = TG_KEYS_NONE;
        if (cell[i] != NO_CELL) {
            id = s->cell_id[cell[i]];
            if (id == TG_KEYS_NONE) {
                if ((st = reserve_id(s)) != TG_OK) return st;
                id = (uint32_t)s->n_ids++;
                s->first[id] = row0 + i;
                s->cell_id[cell[i]] = id;
            }
        }
        ids[i] = id;
    }
    return TG_OK;
}

/* ---- hash mode ---- */

/* Hash mode's table (n_slots, a power of two) and scratch; 'words' too
** unless to_hash made it. */
static tg_status start_hash(tg_keys *s, size_t n_slots) {
    if (!s->words && !(s->words = tg_malloc(s->cap_ids * (s->n_keys + 1) * sizeof *s->words)))
        return TG_ENOMEM;
    if (!(s->slots = tg_calloc(n_slots, sizeof *s->slots))) return TG_ENOMEM;
    s->n_slots = n_slots;
    return vec_new(&s->v, s->n_keys);
}

static tg_status add_hash(tg_keys *s, size_t row0, size_t n, uint32_t *ids) {
    struct vec *v = &s->v;
    tg_status st;
    vec_fill(v, s->keys, s->n_keys, row0, n);
    for (size_t i = 0; i < n; i++) {
        size_t slot;
        uint32_t id = TG_KEYS_NONE;
        if (s->nulls_match || !v->mask[i]) {
            id = lookup(s, v, i, &slot);
            if (id == TG_KEYS_NONE) {
                if ((st = reserve_id(s)) != TG_OK) return st;
                id = (uint32_t)s->n_ids++;
                s->first[id] = row0 + i;
                uint64_t *w = s->words + (size_t)id * (s->n_keys + 1);
                for (size_t k = 0; k < s->n_keys; k++) w[k] = v->w[k * TG_VECTOR + i];
                w[s->n_keys] = v->mask[i];
                s->slots[slot] = (uint64_t)(uint32_t)v->h[i] << 32 | ((uint64_t)id + 1);
                if (s->n_ids * 2 > s->n_slots && (st = grow_slots(s)) != TG_OK) return st;
            }
        }
        ids[i] = id;
    }
    return TG_OK;
}

/* ---- the set ---- */

void tg_keys_free(tg_keys *s) {
    if (!s) return;
    vec_free(&s->v);
    tg_free(s->first);
    tg_free(s->cell_id);
    tg_free(s->words);
    tg_free(s->slots);
    tg_free(s);
}

tg_status tg_keys_new(const tg_key *keys, size_t n_keys, size_t n_rows, int nulls_match,
                      tg_keys **out) {
    tg_keys *s;
    tg_status st;
    int hash = 0, fits = 0;
    uint64_t lo[TG_KEYS_MAX], span[TG_KEYS_MAX];

    assert(n_keys <= TG_KEYS_MAX && out != NULL);
    *out = NULL;
    if (n_rows >= UINT32_MAX) return TG_EARG;
    if (!(s = tg_calloc(1, sizeof *s))) return TG_ENOMEM;
    s->n_keys = n_keys;
    s->n_rows = n_rows;
    s->nulls_match = nulls_match;
    s->limit = 2 * (uint64_t)n_rows;
    if (s->limit < DIRECT_MIN_CELLS) s->limit = DIRECT_MIN_CELLS;
    if (s->limit > DIRECT_MAX_CELLS) s->limit = DIRECT_MAX_CELLS;
    for (size_t k = 0; k < n_keys; k++) {
        const tg_col *c = keys[k].col;
        assert(!nulls_match || (!keys[k].map && !keys[k].as_int));
        s->keys[k] = keys[k];
        s->null_slot[k] = nulls_match && c->valid;
        lo[k] = span[k] = 0;
        if (c->type == TG_FLOAT && !keys[k].as_int) hash = 1; /* no useful range */
        s->fixed[k] = c->type == TG_BOOL || (c->type == TG_STRING && !keys[k].map);
        if (c->type == TG_BOOL) span[k] = 2;
        else if (s->fixed[k]) span[k] = tg_dict_size(c->dict);
    }
    s->cap_ids = 256;
    st = (s->first = tg_malloc(s->cap_ids * sizeof *s->first)) ? TG_OK : TG_ENOMEM;
    if (st == TG_OK && !hash) st = relayout(s, lo, span, &fits);
    s->direct = fits;
    if (st == TG_OK && !fits) st = start_hash(s, 1024);
    if (st != TG_OK) {
        tg_keys_free(s);
        return st;
    }
    *out = s;
    return TG_OK;
}

tg_status tg_keys_add(tg_keys *s, size_t row0, size_t n, uint32_t *ids) {
    assert(row0 + n <= s->n_rows);
    for (size_t k = 0; k < s->n_keys; k++) assert(row0 + n <= s->keys[k].col->len);
    for (size_t done = 0; done < n; done += TG_VECTOR) {
        size_t m = n - done < TG_VECTOR ? n - done : TG_VECTOR;
        tg_status st = s->direct ? add_direct(s, row0 + done, m, ids + done)
                                 : add_hash(s, row0 + done, m, ids + done);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

/* ---- building on several threads ---- */

/* The rows cut into morsels (tg_par): each morsel's rows go into a set of
** their own, giving local ids; the morsels' first rows then join one set in
** morsel order, which hands out ids in order of first appearance exactly as
** one pass over the rows does; last, each morsel's ids become global. */
struct build_part {
    size_t *first; /* each local id's first row */
    uint32_t *map; /* local id -> global id */
    size_t n;
};

struct build_job {
    const tg_key *keys;
    size_t n_keys, n_rows;
    int nulls_match;
    uint32_t *ids;
    struct build_part *parts;
};

static tg_status build_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    struct build_job *j = ctx;
    struct build_part *p = &j->parts[m];
    size_t off, len;
    tg_keys *s;
    tg_status st = tg_keys_new(j->keys, j->n_keys, j->n_rows, j->nulls_match, &s);
    (void)worker;
    (void)err;
    if (st != TG_OK) return st;
    tg_par_morsel(j->n_rows, m, &off, &len);
    for (size_t base = off; st == TG_OK && base < off + len; base += TG_VECTOR) {
        size_t n = off + len - base < TG_VECTOR ? off + len - base : TG_VECTOR;
        st = tg_keys_add(s, base, n, j->ids + base);
    }
    p->n = s->n_ids;
    if (st == TG_OK && !(p->first = tg_malloc((p->n ? p->n : 1) * sizeof *p->first)))
        st = TG_ENOMEM;
    if (st == TG_OK && p->n) memcpy(p->first, s->first, p->n * sizeof *p->first);
    tg_keys_free(s);
    return st;
}

/* Morsel m's tuples into the global set, in order: their global ids. Few
** tuples: their first rows one by one. Many (a key nearly unique per row):
** one row at a time would rebuild the set's cell table again and again,
** so the morsel's rows go in as one range, as one pass adds them. */
static tg_status merge_part(tg_keys *s, struct build_part *p, size_t off, size_t len) {
    uint32_t *ids;
    tg_status st = TG_OK;
    if (!(p->map = tg_malloc((p->n ? p->n : 1) * sizeof *p->map))) return TG_ENOMEM;
    if (p->n <= len / 16) {
        for (size_t g = 0; st == TG_OK && g < p->n; g++)
            st = tg_keys_add(s, p->first[g], 1, &p->map[g]);
        return st;
    }
    if (!(ids = tg_malloc(len * sizeof *ids))) return TG_ENOMEM;
    if ((st = tg_keys_add(s, off, len, ids)) == TG_OK)
        for (size_t g = 0; g < p->n; g++) p->map[g] = ids[p->first[g] - off];
    tg_free(ids);
    return st;
}

static tg_status remap_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    struct build_job *j = ctx;
    const uint32_t *map = j->parts[m].map;
    size_t off, len;
    (void)worker;
    (void)err;
    tg_par_morsel(j->n_rows, m, &off, &len);
    for (size_t r = off; r < off + len; r++)
        if (j->ids[r] != TG_KEYS_NONE) j->ids[r] = map[j->ids[r]];
    return TG_OK;
}

static tg_status build_parallel(const tg_key *keys, size_t n_keys, size_t n_rows, int nulls_match,
                                const tg_interrupt *intr, uint32_t *ids, tg_keys *s) {
    size_t n_morsels = tg_par_morsels(n_rows);
    struct build_job j = { keys,        n_keys, n_rows,
                           nulls_match, ids,    tg_calloc(n_morsels, sizeof *j.parts) };
    tg_status st = j.parts ? TG_OK : TG_ENOMEM;
    if (st == TG_OK) st = tg_par_for(n_morsels, build_morsel, &j, intr, NULL);
    for (size_t m = 0; st == TG_OK && m < n_morsels; m++) {
        size_t off, len;
        tg_par_morsel(n_rows, m, &off, &len);
        if ((st = tg_poll(intr)) == TG_OK) st = merge_part(s, &j.parts[m], off, len);
    }
    if (st == TG_OK) st = tg_par_for(n_morsels, remap_morsel, &j, intr, NULL);
    for (size_t m = 0; j.parts && m < n_morsels; m++) {
        tg_free(j.parts[m].first);
        tg_free(j.parts[m].map);
    }
    tg_free(j.parts);
    return st;
}

tg_status tg_keys_build(const tg_key *keys, size_t n_keys, size_t n_rows, int nulls_match,
                        const tg_interrupt *intr, uint32_t *ids, tg_keys **out) {
    tg_keys *s;
    tg_status st = tg_keys_new(keys, n_keys, n_rows, nulls_match, &s);

    assert(ids != NULL || n_rows == 0);
    *out = NULL;
    if (st != TG_OK) return st;
    if (tg_par_morsels(n_rows) > 1 && tg_par_threads() > 1) {
        st = build_parallel(keys, n_keys, n_rows, nulls_match, intr, ids, s);
    } else {
        for (size_t base = 0; base < n_rows && st == TG_OK; base += TG_VECTOR) {
            size_t n = n_rows - base < TG_VECTOR ? n_rows - base : TG_VECTOR;
            if ((st = tg_poll(intr)) == TG_OK) st = tg_keys_add(s, base, n, ids + base);
        }
    }
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

/* The probe itself, with v as its scratch space (the set's own, or a
** thread's). */
static void probe_with(const tg_keys *s, struct vec *v, const tg_key *keys, size_t row0, size_t n,
                       uint32_t *ids) {
    for (size_t done = 0; done < n; done += TG_VECTOR) {
        size_t m = n - done < TG_VECTOR ? n - done : TG_VECTOR, r0 = row0 + done, slot;
        uint32_t *out = ids + done;
        if (s->direct) {
            uint64_t w[TG_VECTOR];
            uint32_t cell[TG_VECTOR];
            uint8_t bad[TG_VECTOR];
            direct_cells(s, keys, 0, r0, m, cell, w, bad);
            for (size_t i = 0; i < m; i++)
                out[i] = cell[i] == NO_CELL ? TG_KEYS_NONE : s->cell_id[cell[i]];
        } else {
            vec_fill(v, keys, s->n_keys, r0, m);
            for (size_t i = 0; i < m; i++)
                out[i] = v->mask[i] ? TG_KEYS_NONE : lookup(s, v, i, &slot);
        }
    }
}

void tg_keys_probe(tg_keys *s, const tg_key *keys, size_t row0, size_t n, uint32_t *ids) {
    probe_with(s, &s->v, keys, row0, n, ids);
}

tg_status tg_keys_probe_shared(const tg_keys *s, const tg_key *keys, size_t row0, size_t n,
                               uint32_t *ids) {
    struct vec v = { 0 };
    if (!s->direct && vec_new(&v, s->n_keys) != TG_OK) {
        vec_free(&v);
        return TG_ENOMEM;
    }
    probe_with(s, &v, keys, row0, n, ids);
    vec_free(&v);
    return TG_OK;
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
        if (ids[r] != TG_KEYS_NONE && tg_col_bits_valid(valid, r)) off[ids[r]]++;
    size_t sum = 0;
    for (size_t g = 0; g < n_ids; g++) {
        size_t c = off[g];
        off[g] = sum;
        sum += c;
    }
    for (size_t r = 0; r < n_rows; r++)
        if (ids[r] != TG_KEYS_NONE && tg_col_bits_valid(valid, r))
            rows[off[ids[r]]++] = (uint32_t)r;
    /* off[g] now holds the end of g, which is the start of g + 1. */
    for (size_t g = n_ids; g > 0; g--) off[g] = off[g - 1];
    off[0] = 0;
}

/* ---- sort encodings ---- */

static inline uint64_t f64_enc(double x) {
    uint64_t w = f64_word(x);
    return w & SIGN ? ~w : w | SIGN;
}

static inline uint64_t encode1(const tg_col *col, const uint32_t *rank, size_t r, int as_float) {
    switch (col->type) {
    case TG_INT: return as_float ? f64_enc((double)col->v.i64[r]) : (uint64_t)col->v.i64[r] ^ SIGN;
    case TG_DATE: return (uint64_t)(int64_t)col->v.date[r] ^ SIGN;
    case TG_BOOL: return col->v.b8[r] != 0;
    case TG_STRING: return rank[col->v.str[r]];
    case TG_FLOAT: return f64_enc(col->v.f64[r]);
    }
    return 0;
}

tg_status tg_keys_ranks(const tg_col *col, uint32_t **rank) {
    *rank = NULL;
    if (col->type != TG_STRING) return TG_OK;
    uint32_t size = tg_dict_size(col->dict);
    *rank = tg_malloc((size ? size : 1) * sizeof **rank);
    if (*rank && tg_dict_ranks(col->dict, *rank) == TG_OK) return TG_OK;
    tg_free(*rank);
    *rank = NULL;
    return TG_ENOMEM;
}

void tg_keys_encode_range(const tg_col *col, const uint32_t *rank, size_t row0, size_t n,
                          uint64_t *enc) {
    const uint64_t *valid = col->valid;
    /* The common types in their own loops; a NULL's value is ignored (but
    ** a string code must not be looked up in 'rank'). */
    if (col->type == TG_FLOAT) {
        for (size_t i = 0; i < n; i++) enc[i] = f64_enc(col->v.f64[row0 + i]);
    } else if (col->type == TG_INT) {
        for (size_t i = 0; i < n; i++) enc[i] = (uint64_t)col->v.i64[row0 + i] ^ SIGN;
    } else {
        for (size_t i = 0; i < n; i++)
            enc[i] = tg_col_bits_valid(valid, row0 + i) ? encode1(col, rank, row0 + i, 0) : 0;
    }
}

tg_status tg_keys_encode(const tg_col *col, const size_t *rows, size_t n, int as_float,
                         uint64_t *enc, uint8_t *isnull) {
    uint32_t *rank;

    if (tg_keys_ranks(col, &rank) != TG_OK) return TG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        isnull[i] = !tg_col_bits_valid(col->valid, r);
        enc[i] = isnull[i] ? 0 : encode1(col, rank, r, as_float);
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

    tmp = n > RUN ? tg_malloc(n * sizeof *tmp) : NULL;
    if (n > RUN && !tmp) return TG_ENOMEM;
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
    dst = tmp;
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                dst[o++] = cmp_keys(keys, n_keys, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid) dst[o++] = src[i++];
            while (j < hi) dst[o++] = src[j++];
        }
        size_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx) memcpy(idx, src, n * sizeof *idx);
    tg_free(tmp);
    return TG_OK;
}
