/*
** tg_parquet.h -- a table as an Apache Parquet file, for the engines that
** scale beyond one machine (DuckDB, Spark, Trino, Power BI; docs/parquet.md).
** Types map exactly: int -> INT64, float -> DOUBLE, bool -> BOOLEAN,
** date -> INT32 (DATE), string -> BYTE_ARRAY (STRING) with dictionary
** encoding, as numbers and dates too where their chunk has few enough
** distinct values; every column is OPTIONAL (nullable), NULLs kept. Row groups
** of a fixed number of rows, each column chunk with min/max statistics and
** its null count; pages compressed with zstd, snappy or not at all; the
** key-value metadata a caller gives (tegn's version, script, inputs). The
** same table and options give the same bytes. The only user of libzstd
** and libsnappy.
*/
#ifndef TG_PARQUET_H
#define TG_PARQUET_H

#include <stddef.h>

#include "tegn.h"
#include "tg_err.h"
#include "tg_out.h"
#include "tg_table.h"

#define TG_PQ_ROW_GROUP ((size_t)1 << 20) /* default rows per row group */
#define TG_PQ_MAX_PARTS 10000             /* partitions one write may make */

typedef enum tg_pq_codec { TG_PQ_ZSTD = 0, TG_PQ_SNAPPY, TG_PQ_NONE } tg_pq_codec;

typedef struct tg_pq_opts {
    size_t row_group_rows; /* >= 1 */
    tg_pq_codec codec;
    /* n_meta key-value pairs for the footer: meta[2i] the key, meta[2i+1]
    ** the value (NUL-terminated; borrowed). */
    const char *const *meta;
    size_t n_meta;
    const tg_interrupt *intr; /* polled per page; NULL = never */
} tg_pq_opts;

/* Defaults: TG_PQ_ROW_GROUP rows, zstd, no metadata, no poll. */
void tg_pq_opts_init(tg_pq_opts *opts);

/* Writes t to the open output o and commits it (tg_out_commit); on any
** failure o is aborted, so the target is untouched. TG_OK, TG_ENOMEM,
** TG_EIO, TG_EARG (a value Parquet cannot hold: a dictionary page over
** 2 GiB) or the poll's TG_ELIMIT/TG_ECANCEL, with err set. */
tg_status tg_pq_write_take(tg_out *o, const tg_table *t, const tg_pq_opts *opts, tg_error *err);

/* A partitioned data set: t split by the values of the n_keys columns
** 'keys' into hive-style folders under the folder 'name' of the open
** folder 'dir' ("kommune=Holbæk/aar=2024/part-0.parquet"), the key
** columns left out of the files, as Hive, Spark and DuckDB expect.
** Written into a new temporary folder beside it, then put in place in
** one rename; an existing folder at 'name' is replaced (exchanged, then
** removed) only when it holds nothing but such a data set, so a folder of
** other files is never deleted. 'path' names the target in messages. */
tg_status tg_pq_write_parts(int dir, const char *name, const char *path, const tg_table *t,
                            const char *const *keys, size_t n_keys, const tg_pq_opts *opts,
                            tg_error *err);

#endif /* TG_PARQUET_H */
