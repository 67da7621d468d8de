/*
** tg_keys.h -- key columns shared by grouping and joins: dense ids for the
** distinct key tuples of a table, lookups of another table's rows in that
** set, stable bucketing of rows by id, and the order-preserving encoding
** used to sort groups and rows. A key value is read as a 64-bit word so
** that two values are equal exactly when their words are; a set indexes
** directly while the words span small ranges and becomes an
** open-addressing hash table otherwise. Nothing here depends on hash seeds
** or addresses: ids are numbered in order of first appearance.
*/
#ifndef TG_KEYS_H
#define TG_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_table.h"

#define TG_KEYS_NONE UINT32_MAX /* "no id": a row left out of, or not found in, a set */
#define TG_KEYS_MAX  64         /* key columns per set */

/* One key column and how its values become words. 'map' (TG_STRING only)
** translates this column's codes into a shared code space, the other
** table's dictionary, so strings compare by bytes across tables; an entry
** TG_DICT_NONE matches nothing. With 'as_int' a TG_FLOAT column is read as
** int64 words so it can meet a TG_INT column; a value that is not a whole
** number in int64 range matches nothing. Floats otherwise compare by value
** with -0 equal to 0 and every NaN equal to every other NaN. */
typedef struct tg_key {
    const tg_col *col;
    const uint32_t *map;
    int as_int;
} tg_key;

typedef struct tg_keys tg_keys;

/* Finds the column 'name' of 't' into *col (borrowed). An unknown name is
** TG_EARG: "no column 'x' in the <side> table; did you mean 'y'?" ('side'
** may be NULL, then the table is not named). */
tg_status tg_keys_find(const tg_table *t, const char *name, const char *side, const tg_col **col,
                       tg_error *err);

/* An empty set for the key tuples of rows [0, n_rows) of 'keys' (n_keys <=
** TG_KEYS_MAX columns), to be filled by tg_keys_add: the columns may grow
** (a caller collecting tuples), as long as they hold every row added.
** A key column that may hold NULLs must have its validity bitmap when the
** set is made. With 'nulls_match' a NULL is a value like any other
** (grouping); without it a row with a NULL or unmatchable key gets
** TG_KEYS_NONE and joins no tuple (joins). The key array is copied, the
** columns are borrowed until tg_keys_free. TG_OK, TG_ENOMEM or TG_EARG
** (more than UINT32_MAX - 1 rows); on failure *out is NULL. */
tg_status tg_keys_new(const tg_key *keys, size_t n_keys, size_t n_rows, int nulls_match,
                      tg_keys **out);
/* Adds rows [row0, row0 + n) and writes their ids (0, 1, ... in order of
** first appearance) to ids[0..n). Rows must be added in order, each once,
** so that "first appearance" is the lowest row. n_keys == 0 gives every
** row id 0. TG_OK or TG_ENOMEM (the set stays usable for freeing). */
tg_status tg_keys_add(tg_keys *s, size_t row0, size_t n, uint32_t *ids);
/* tg_keys_new, then every row added: ids[row] for rows [0, n_rows), with
** 'intr' polled every TG_VECTOR rows. Over several morsels and threads
** (tg_par) each morsel builds a set of its own and the morsels join one in
** morsel order: the same ids, in order of first appearance, as one pass.
** Errors as tg_keys_new and tg_keys_add, or the interrupt's status; on
** failure *out is NULL. */
tg_status tg_keys_build(const tg_key *keys, size_t n_keys, size_t n_rows, int nulls_match,
                        const tg_interrupt *intr, uint32_t *ids, tg_keys **out);
void tg_keys_free(tg_keys *s);

/* Number of distinct tuples, and the first row of each (by id). The array
** is borrowed from the set. */
size_t tg_keys_count(const tg_keys *s);
const size_t *tg_keys_first(const tg_keys *s);

/* For rows [row0, row0 + n) of 'keys' (another table's columns, given in
** the same order and word domains as the set's), writes the id of the
** equal tuple or TG_KEYS_NONE to ids[0..n). A NULL or unmatchable key
** never matches. Uses the set's scratch space, so one probe at a time;
** never allocates. */
void tg_keys_probe(tg_keys *s, const tg_key *keys, size_t row0, size_t n, uint32_t *ids);
/* tg_keys_probe with scratch space of its own, so several threads may
** probe one set at once (the parallel join). TG_OK or TG_ENOMEM. */
tg_status tg_keys_probe_shared(const tg_keys *s, const tg_key *keys, size_t row0, size_t n,
                               uint32_t *ids);

/* A new array map[code] = the code of the same string in 'to', or
** TG_DICT_NONE, for every code of 'from'; free with tg_free. TG_ENOMEM. */
tg_status tg_keys_dict_map(const tg_dict *from, const tg_dict *to, uint32_t **map);

/* Stable counting sort: rows [off[id], off[id + 1]) of 'rows' are the rows
** with that id, in row order. Rows whose id is TG_KEYS_NONE, or whose bit
** in 'valid' (when not NULL) is 0, are left out. 'off' holds n_ids + 1
** entries and 'rows' room for n_rows; both are the caller's. */
void tg_keys_bucket(const uint32_t *ids, size_t n_rows, size_t n_ids, const uint64_t *valid,
                    size_t *off, uint32_t *rows);

/* Encodes the values of 'col' at rows[0..n) (rows NULL: rows 0..n-1) as
** unsigned words in tegn's sort order: numbers and dates by value (NaN
** after every number, -0 equal to 0), false before true, strings by bytes
** (via tg_dict_ranks). With 'as_float' an int column is encoded as floats,
** so it sorts against a float column. isnull[i] is 1 for a NULL (enc[i] is
** then 0). TG_OK or TG_ENOMEM (strings need their ranks). */
tg_status tg_keys_encode(const tg_col *col, const size_t *rows, size_t n, int as_float,
                         uint64_t *enc, uint8_t *isnull);

/* *rank = a new array (tg_free) of the byte-order rank of each code of a
** string column, for tg_keys_encode_range; NULL for other types. TG_OK or
** TG_ENOMEM. */
tg_status tg_keys_ranks(const tg_col *col, uint32_t **rank);
/* Encodes rows [row0, row0 + n) as tg_keys_encode does (ints as ints);
** 'rank' from tg_keys_ranks. A NULL row's word is unspecified: check the
** validity bitmap. Never allocates. */
void tg_keys_encode_range(const tg_col *col, const uint32_t *rank, size_t row0, size_t n,
                          uint64_t *enc);

/* One sort key: encoded values and NULL flags indexed by the values being
** sorted; 'desc' reverses the value order, NULLs stay last either way. */
typedef struct tg_sortkey {
    const uint64_t *enc;
    const uint8_t *isnull;
    int desc;
} tg_sortkey;

/* Sorts idx[0..n) (indexes into the keys' arrays) by the keys, stably:
** equal tuples keep their order. TG_OK or TG_ENOMEM (idx unchanged). */
tg_status tg_keys_sort(size_t *idx, size_t n, const tg_sortkey *keys, size_t n_keys);

#endif /* TG_KEYS_H */
