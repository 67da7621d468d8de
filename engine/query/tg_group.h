/*
** tg_group.h -- grouping verbs: aggregation per group of key columns
** (the aggregates are in tg_agg.h), distinct rows and the top n rows per
** group.
** Inputs are borrowed and outputs are new tables (one reference) whose key
** columns share the input's dictionaries. Group output is sorted by the
** keys (NULL last, strings in byte order), so it never depends on hashing.
** Aggregates skip NULLs; count() counts rows.
*/
#ifndef TG_GROUP_H
#define TG_GROUP_H

#include <stddef.h>

#include "tegn.h"
#include "tg_agg.h"
#include "tg_keys.h"
#include "tg_table.h"

/* Groups the rows of 't' by the key columns 'keys' and computes 'aggs'
** per group. The result has the key columns (same names and types,
** sharing dictionaries) then one column per aggregate, one row per
** distinct key tuple, sorted by the keys (NULLs form one group per key and
** sort last; strings by bytes, floats with -0 = 0 and NaN last). With
** n_keys == 0 the whole table is one group, so the result has exactly one
** row even for an empty table (count 0, other aggregates NULL, as SQL).
** A group whose argument values are all NULL gets NULL (count, count_if
** and n_distinct give 0). Errors: TG_EARG for an unknown key (with a
** suggestion), an argument of the wrong type or length, p outside [0, 1],
** an unknown method or a duplicate output name; TG_EDATA when an int sum
** overflows; TG_ENOMEM; or the interrupt's status, polled every TG_VECTOR
** rows. *out is NULL on failure. */
tg_status tg_group_agg(const tg_table *t, const char *const *keys, size_t n_keys,
                       const tg_agg *aggs, size_t n_aggs, const tg_interrupt *intr, tg_table **out,
                       tg_error *err);

/* The result of an aggregation whose caller fed the groups itself
** (tg_pipe): the groups of 'set' (NULL when n_keys == 0: one group) sorted
** by their keys, read from the key columns cols[] at each group's first
** row, under the names keys[]; then a column per aggregate from 'state'
** (tg_agg_finish with ids over n_rows rows). *out is a new table, NULL on
** failure; TG_ENOMEM or the interrupt's status. */
tg_status tg_group_output(const tg_keys *set, const tg_col *const *cols, const char *const *keys,
                          size_t n_keys, tg_agg_state *state, const tg_agg *aggs, size_t n_aggs,
                          const uint32_t *ids, size_t n_rows, const tg_interrupt *intr,
                          tg_table **out, tg_error *err);

/* The distinct rows of 't' by the columns 'keys' (every column when
** n_keys == 0): the first row of each distinct key tuple, whole, in order
** of first appearance (NULLs equal to each other, -0 = 0, NaN = NaN).
** TG_EARG for an unknown key, TG_ENOMEM. */
tg_status tg_distinct(const tg_table *t, const char *const *keys, size_t n_keys, tg_table **out,
                      tg_error *err);

/* The n rows with the largest ('desc' != 0) or smallest values of column
** 'by' within each group of the 'per' keys (the whole table when n_per ==
** 0). Ties keep row order; NULLs in 'by' rank after every value either
** way. The result has all of t's columns, sorted by the per keys (as
** tg_group_agg) and within a group by 'by' in the chosen direction.
** TG_EARG for an unknown column, TG_ENOMEM. */
tg_status tg_top_n(const tg_table *t, const char *by, int desc, size_t n, const char *const *per,
                   size_t n_per, tg_table **out, tg_error *err);

/* tg_top_n with strings in the order of collation 'collate' ("da":
** tg_collate; NULL is tg_top_n itself): the groups in that order and, for
** a string 'by', its largest or smallest in that order. TG_EARG for an
** unknown column or collation, TG_ENOMEM. */
tg_status tg_top_n_collate(const tg_table *t, const char *by, int desc, size_t n,
                           const char *const *per, size_t n_per, const char *collate,
                           tg_table **out, tg_error *err);

#endif /* TG_GROUP_H */
