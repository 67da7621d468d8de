/*
** tg_dict.c -- string <-> code dictionaries.
** Layout: 'arena' holds every string back to back, each followed by a NUL;
** off[code] is where string 'code' starts, off[size] is the arena's used
** length, so a string's length is off[code+1] - off[code] - 1. 'slots' is
** an open-addressing hash table (linear probing, power-of-two size, kept at
** most half full) holding code + 1, with 0 meaning empty. hash[code] keeps
** each string's hash so growing the table never rehashes the bytes.
*/
#include "tg_dict.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "tg_mem.h"

struct tg_dict {
    int refs;
    uint32_t size, cap; /* entries used / allocated in off and hash */
    uint64_t *off;      /* cap + 1 offsets into arena */
    uint32_t *hash;
    char *arena;
    size_t arena_cap;
    uint32_t *slots;
    uint32_t n_slots; /* power of two */
};

/* FNV-1a: short keys dominate (municipality names, statuses), where it is
** as good as anything and needs no tables. */
static uint32_t hash_bytes(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

tg_dict *tg_dict_new(void) {
    tg_dict *d = tg_calloc(1, sizeof *d);
    if (!d) return NULL;
    d->refs = 1;
    d->cap = 16;
    d->n_slots = 64;
    d->arena_cap = 256;
    d->off = tg_calloc(d->cap + 1, sizeof *d->off);
    d->hash = tg_malloc(d->cap * sizeof *d->hash);
    d->arena = tg_malloc(d->arena_cap);
    d->slots = tg_calloc(d->n_slots, sizeof *d->slots);
    if (!d->off || !d->hash || !d->arena || !d->slots) {
        tg_dict_release(d);
        return NULL;
    }
    return d;
}

tg_dict *tg_dict_retain(tg_dict *d) {
    assert(d != NULL && d->refs > 0);
    d->refs++;
    return d;
}

void tg_dict_release(tg_dict *d) {
    if (!d) return;
    assert(d->refs > 0);
    if (--d->refs > 0) return;
    tg_free(d->off);
    tg_free(d->hash);
    tg_free(d->arena);
    tg_free(d->slots);
    tg_free(d);
}

uint32_t tg_dict_size(const tg_dict *d) {
    return d->size;
}

const char *tg_dict_str(const tg_dict *d, uint32_t code, size_t *len) {
    assert(code < d->size);
    if (len) *len = (size_t)(d->off[code + 1] - d->off[code] - 1);
    return d->arena + d->off[code];
}

static uint32_t lookup(const tg_dict *d, const char *s, size_t n, uint32_t h, uint32_t *slot) {
    uint32_t mask = d->n_slots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t c = d->slots[i];
        if (c == 0) {
            *slot = i;
            return TG_DICT_NONE;
        }
        c--;
        if (d->hash[c] == h && d->off[c + 1] - d->off[c] - 1 == n &&
            memcmp(d->arena + d->off[c], s, n) == 0)
            return c;
    }
}

uint32_t tg_dict_find(const tg_dict *d, const char *s, size_t n) {
    uint32_t slot;
    return lookup(d, s, n, hash_bytes(s, n), &slot);
}

static tg_status grow_slots(tg_dict *d) {
    if (d->n_slots > UINT32_MAX / 2) return TG_ENOMEM; /* 2^31 slots: the code space is full */
    uint32_t n = d->n_slots * 2;
    uint32_t *slots = tg_calloc(n, sizeof *slots);
    if (!slots) return TG_ENOMEM;
    for (uint32_t c = 0; c < d->size; c++) {
        uint32_t i = d->hash[c] & (n - 1);
        while (slots[i]) i = (i + 1) & (n - 1);
        slots[i] = c + 1;
    }
    tg_free(d->slots);
    d->slots = slots;
    d->n_slots = n;
    return TG_OK;
}

/* Makes room for one more entry of n bytes; 'd' is unchanged on failure. */
static tg_status reserve_entry(tg_dict *d, size_t n) {
    size_t need = d->off[d->size] + n + 1;
    if (need > d->arena_cap) {
        size_t cap = d->arena_cap * 2;
        while (cap < need) cap *= 2;
        char *a = tg_realloc(d->arena, cap);
        if (!a) return TG_ENOMEM;
        d->arena = a;
        d->arena_cap = cap;
    }
    if (d->size == d->cap) {
        if (d->cap > UINT32_MAX / 2 - 1) return TG_ENOMEM;
        uint32_t cap = d->cap * 2;
        uint64_t *off = tg_realloc(d->off, (cap + 1) * sizeof *off);
        if (!off) return TG_ENOMEM;
        d->off = off;
        uint32_t *hash = tg_realloc(d->hash, cap * sizeof *hash);
        if (!hash) return TG_ENOMEM;
        d->hash = hash;
        d->cap = cap;
    }
    return TG_OK;
}

tg_status tg_dict_intern(tg_dict *d, const char *s, size_t n, uint32_t *code) {
    uint32_t h = hash_bytes(s, n), slot;
    uint32_t c = lookup(d, s, n, h, &slot);

    if (c != TG_DICT_NONE) {
        *code = c;
        return TG_OK;
    }
    if ((size_t)(d->size + 1) * 2 > d->n_slots) {
        if (grow_slots(d) != TG_OK) return TG_ENOMEM;
        (void)lookup(d, s, n, h, &slot);
    }
    if (reserve_entry(d, n) != TG_OK) return TG_ENOMEM;
    c = d->size;
    if (n) memcpy(d->arena + d->off[c], s, n); /* s may be NULL when n is 0 */
    d->arena[d->off[c] + n] = '\0';
    d->off[c + 1] = d->off[c] + n + 1;
    d->hash[c] = h;
    d->slots[slot] = c + 1;
    d->size++;
    *code = c;
    return TG_OK;
}

/* qsort has no context argument in C11, so sort (pointer, length, code)
** triples that carry what the comparator needs. Strings may hold NUL bytes,
** so compare by length, not strcmp: a prefix sorts first. */
struct sort_ent {
    const char *s;
    size_t len;
    uint32_t code;
};

static int cmp_ent(const void *a, const void *b) {
    const struct sort_ent *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    if (c != 0) return c;
    return (x->len > y->len) - (x->len < y->len);
}

tg_status tg_dict_ranks(const tg_dict *d, uint32_t *rank) {
    struct sort_ent *e;

    if (d->size == 0) return TG_OK;
    e = tg_malloc(d->size * sizeof *e);
    if (!e) return TG_ENOMEM;
    for (uint32_t c = 0; c < d->size; c++) {
        e[c].s = d->arena + d->off[c];
        e[c].len = (size_t)(d->off[c + 1] - d->off[c] - 1);
        e[c].code = c;
    }
    qsort(e, d->size, sizeof *e, cmp_ent);
    for (uint32_t r = 0; r < d->size; r++) rank[e[r].code] = r;
    tg_free(e);
    return TG_OK;
}
