/*
** tg_pqdict.c -- the distinct values of a column chunk (see tg_pqdict.h).
** Open addressing with linear probing at a load of at most one half: the
** table has at least twice 'max' slots, so a probe always ends at an empty
** slot. Keys are hashed by Fibonacci multiplication with the high half
** folded in, so runs of consecutive ids and dates spread over the table.
*/
#include "tg_pqdict.h"

#include <assert.h>
#include <string.h>

#include "tg_mem.h"

static size_t slot_of(const tg_pqdict *d, uint64_t v) {
    uint64_t h = v * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h ^ h >> 29 ^ h >> 47) & (d->cap - 1);
}

tg_status tg_pqdict_reserve(tg_pqdict *d, size_t max) {
    size_t cap = 16, room = max > 2 * d->room ? max : 2 * d->room;
    assert(max >= 1 && max < UINT32_MAX);
    tg_pqdict_clear(d);
    if (max <= d->room) {
        d->max = max;
        return TG_OK;
    }
    while (cap < 2 * room) cap *= 2;
    uint64_t *keys = tg_malloc(cap * sizeof *keys), *values = tg_malloc(room * sizeof *values);
    uint32_t *slots = tg_calloc(cap, sizeof *slots), *where = tg_malloc(room * sizeof *where);
    if (!keys || !values || !slots || !where) {
        tg_free(keys);
        tg_free(values);
        tg_free(slots);
        tg_free(where);
        return TG_ENOMEM;
    }
    tg_pqdict_release(d);
    *d = (tg_pqdict){ keys, slots, values, where, cap, room, max, 0 };
    return TG_OK;
}

void tg_pqdict_clear(tg_pqdict *d) {
    for (size_t i = 0; i < d->n; i++) d->slots[d->where[i]] = 0;
    d->n = 0;
}

uint32_t tg_pqdict_add(tg_pqdict *d, uint64_t v) {
    size_t s = slot_of(d, v);
    assert(d->cap);
    while (d->slots[s]) {
        if (d->keys[s] == v) return d->slots[s] - 1;
        s = (s + 1) & (d->cap - 1);
    }
    if (d->n == d->max) return TG_PQDICT_FULL;
    d->keys[s] = v;
    d->slots[s] = (uint32_t)d->n + 1;
    d->values[d->n] = v;
    d->where[d->n] = (uint32_t)s;
    return (uint32_t)d->n++;
}

uint32_t tg_pqdict_index(const tg_pqdict *d, uint64_t v) {
    size_t s = slot_of(d, v);
    while (!d->slots[s] || d->keys[s] != v) {
        assert(d->slots[s]); /* v must be in d */
        s = (s + 1) & (d->cap - 1);
    }
    return d->slots[s] - 1;
}

void tg_pqdict_release(tg_pqdict *d) {
    tg_free(d->keys);
    tg_free(d->slots);
    tg_free(d->values);
    tg_free(d->where);
    memset(d, 0, sizeof *d);
}
