/*
** tg_pqdict.h -- the distinct values of one Parquet column chunk, for the
** dictionary encoding of numbers and dates (tg_parquet). A value is a
** 64-bit pattern (an int64, a double's bits, a date's int32 widened), so
** -0.0 and 0.0 are two values and each NaN keeps its exact bits. Values get
** indices 0, 1, 2, ... in the order they first appear, so the dictionary
** depends only on the data. At most 'max' values (tg_pqdict_reserve); one
** table serves chunk after chunk, cleared in time proportional to what it
** held, not to its size, and grown (doubling) only when a chunk may hold
** more than it has room for. The struct is the caller's; its arrays are
** owned.
*/
#ifndef TG_PQDICT_H
#define TG_PQDICT_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"

#define TG_PQDICT_FULL UINT32_MAX /* tg_pqdict_add: a new value, no room */

typedef struct tg_pqdict {
    uint64_t *keys;   /* open addressing over 'cap' slots (a power of 2) */
    uint32_t *slots;  /* the value's index + 1 in each slot; 0 = empty */
    uint64_t *values; /* index -> value, n of them */
    uint32_t *where;  /* index -> its slot, to clear */
    size_t cap;       /* slots: at least twice 'room' */
    size_t room;      /* values the arrays hold */
    size_t max, n;    /* the values allowed now (<= room) and held */
} tg_pqdict;

/* Empties d and allows it 'max' values (>= 1), growing its arrays only
** when max is more than they hold. TG_OK or TG_ENOMEM; on failure d is
** empty and keeps its arrays as they were. */
tg_status tg_pqdict_reserve(tg_pqdict *d, size_t max);

/* Empties d; its arrays stay for the next chunk. */
void tg_pqdict_clear(tg_pqdict *d);

/* The index of v, adding it when it is new; TG_PQDICT_FULL when v is new
** and d already holds 'max' values (d is then unchanged). */
uint32_t tg_pqdict_add(tg_pqdict *d, uint64_t v);

/* The index of v, which must be in d. */
uint32_t tg_pqdict_index(const tg_pqdict *d, uint64_t v);

/* Frees d's arrays; d is then as zero-initialised. */
void tg_pqdict_release(tg_pqdict *d);

#endif /* TG_PQDICT_H */
