/*
** tg_sort.h -- stable multi-key sorting of tables, and row ranges.
** Order: ascending or descending per key; NULLs sort last in both
** directions, and float NaN sorts after every number but before NULL, also
** in both directions ("missing at the end", whatever the direction). Ints,
** dates, floats and bools compare as numbers (false < true, -0.0 == 0.0);
** strings compare by their bytes (memcmp order, a prefix first), never by
** dictionary code. Rows with equal keys keep their input order. Exports
** tg_sort_index (the permutation, reused by windows, pivots and top-n),
** tg_sort_breaks (run boundaries of equal keys along a permutation) and
** tg_sort.
*/
#ifndef TG_SORT_H
#define TG_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_table.h"

/* Computes the stable sort permutation of 't' by the n_keys columns named
** in 'keys' (most significant first): (*out)[i] is the input row that goes
** to position i. desc[k] != 0 sorts key k descending; desc may be NULL (all
** ascending). With n_keys == 0 the permutation is the identity. *out is a
** new tg_malloc'ed array of t->n_rows entries (at least one slot, so never
** NULL on success) which the caller frees with tg_free; *out is NULL on
** failure. Errors: TG_EARG for an unknown column (with a "did you mean"
** suggestion), TG_ENOMEM, or the status of a tg_poll on 'intr' (nullable).
** Works by LSD radix sort on order-preserving integer codes, so time is
** linear in rows times key bits. */
tg_status tg_sort_index(const tg_table *t, const char *const *keys, const int *desc, size_t n_keys,
                        const tg_interrupt *intr, size_t **out, tg_error *err);

/* A new table holding the rows of 't' in the order of tg_sort_index (same
** arguments, same errors). Columns are gathered, so string columns share
** their dictionaries with 't'. */
tg_status tg_sort(const tg_table *t, const char *const *keys, const int *desc, size_t n_keys,
                  const tg_interrupt *intr, tg_table **out, tg_error *err);

/* tg_sort_index and tg_sort with strings in the order of a language:
** collate "da" puts Æ, Ø, Å after Z (tg_collate); NULL is byte order.
** An unknown name is TG_EARG. */
tg_status tg_sort_index_collate(const tg_table *t, const char *const *keys, const int *desc,
                                size_t n_keys, const char *collate, const tg_interrupt *intr,
                                size_t **out, tg_error *err);
tg_status tg_sort_collate(const tg_table *t, const char *const *keys, const int *desc,
                          size_t n_keys, const char *collate, const tg_interrupt *intr,
                          tg_table **out, tg_error *err);

/* Given a permutation 'perm' of n rows of 't' (usually from tg_sort_index
** on the same keys), sets brk[i] = 1 where row perm[i] differs from row
** perm[i - 1] in any of the named columns and brk[i] = 0 where all are
** equal; brk[0] = 1 when n > 0. Equality is grouping equality: NULL equals
** NULL, NaN equals NaN, -0.0 equals 0.0. 'brk' holds n bytes. Runs on
** tg_par's workers, a morsel of positions each. Errors: TG_EARG for an
** unknown column, TG_ENOMEM. */
tg_status tg_sort_breaks(const tg_table *t, const char *const *keys, size_t n_keys,
                         const size_t *perm, size_t n, uint8_t *brk, tg_error *err);

#endif /* TG_SORT_H */
