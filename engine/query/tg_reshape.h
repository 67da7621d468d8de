/*
** tg_reshape.h -- pivot (long to wide), unpivot (wide to long) and complete
** (fill in missing periods). All three take a borrowed table and return a
** new one; string columns keep sharing their dictionaries where they can.
** Orders are deterministic: pivot and complete sort by their keys as
** tg_sort does (NULLs last); unpivot keeps input row order. As in every
** kernel, a TG_EARG message does not name the verb (the caller that knows
** what the user called does, e.g. "unpivot: nothing to melt; ..."); a
** TG_EDATA message, which is raised as it is, starts with the verb.
*/
#ifndef TG_RESHAPE_H
#define TG_RESHAPE_H

#include <stddef.h>

#include "tegn.h"
#include "tg_table.h"

/* How pivot combines several rows that land in one cell. NULL values are
** skipped as SQL aggregates skip them, except by FIRST and LAST, which take
** the first/last row's value in input order as it is. */
typedef enum tg_pivot_agg {
    TG_PIVOT_ERROR = 0, /* the default: a cell with two rows is an error */
    TG_PIVOT_FIRST,
    TG_PIVOT_LAST,
    TG_PIVOT_SUM,   /* int/bool -> int (overflow is an error), float -> float */
    TG_PIVOT_MEAN,  /* -> float */
    TG_PIVOT_COUNT, /* non-NULL values -> int */
    TG_PIVOT_MIN,   /* in tg_sort order; any type */
    TG_PIVOT_MAX
} tg_pivot_agg;

typedef struct tg_pivot_spec {
    const char *const *rows; /* row keys: one output row per distinct combination */
    size_t n_rows;           /* may be 0: one output row (none for an empty table) */
    const char *cols;        /* its distinct values become the new columns */
    const char *values;      /* what goes in the cells */
    tg_pivot_agg agg;
    const tg_col *fill; /* 1-row value for cells no row lands in (tg_fill.h); NULL: NULL */
} tg_pivot_spec;

/* Long to wide. The output has the row key columns, then one column per
** distinct value of p->cols in tg_sort ascending order (so months 1..12 and
** dates come in calendar order), named by the value formatted as text:
** strings as they are, ints in decimal, dates as YYYY-MM-DD, bools as
** true/false, floats in the shortest form that reads back exactly (NaN,
** inf, -inf), NULL as "null". Rows are the distinct row key combinations
** in sorted order. Each cell aggregates the rows with its row keys and
** column value (see tg_pivot_agg); a cell with no rows is p->fill or NULL.
** Errors: TG_EARG for unknown columns, a column used twice, SUM/MEAN of a
** non-number or a fill value of the wrong type; TG_EDATA when two rows
** share a cell under TG_PIVOT_ERROR (the message names the cell), when a
** new column name clashes with a row key or another new name, or on int
** overflow in SUM; TG_ENOMEM; or the status of tg_poll(intr). */
tg_status tg_pivot(const tg_table *t, const tg_pivot_spec *p, const tg_interrupt *intr,
                   tg_table **out, tg_error *err);

typedef struct tg_unpivot_spec {
    const char *const *keep; /* columns repeated on every output row; */
    size_t n_keep;           /* keep == NULL: every column not melted */
    const char *const *melt; /* columns turned into rows; */
    size_t n_melt;           /* melt == NULL: every column not kept */
    const char *name_col;    /* output column of melted column names; NULL: "name" */
    const char *value_col;   /* output column of their values; NULL: "value" */
    int drop_null;           /* 1: leave out rows whose value is NULL */
} tg_unpivot_spec;

/* Wide to long. For each input row in order, one output row per melted
** column in the order given (row-major, as dplyr's pivot_longer): the kept
** columns, the melted column's name (a string) and its value. Columns
** neither kept nor melted are dropped. Melted columns must share one type,
** except that ints and floats together become float. Errors: TG_EARG for
** unknown columns, keep and melt both NULL, a column both kept and melted,
** nothing to melt, melted columns of different types (named), or an output
** name that clashes with a kept column; TG_ENOMEM; or the poll's status. */
tg_status tg_unpivot(const tg_table *t, const tg_unpivot_spec *u, const tg_interrupt *intr,
                     tg_table **out, tg_error *err);

/* Fills in missing periods. 'period' names a date column whose values are
** starts of 'unit' ("day", "week" (ISO, Monday), "month", "quarter" or
** "year"); a value that is not (2023-03-15 for "month") is TG_EDATA, as
** silently truncating could merge rows. For each distinct combination of
** the n_keys 'keys' present in the data (NULL keys included), every period
** from the smallest to the largest period value in the whole table (one
** global range, so every group gets the same periods) that the group lacks
** is added as a new row: its keys and period set, its other columns NULL,
** or the value of the same-named column of 'fill' (a 1-row table; NULL for
** none). Fill values go to new rows only: existing NULLs stay NULL. All
** existing rows are kept (duplicates too; rows with a NULL period come last
** in their group). The output has t's columns in t's order, sorted by the
** keys then the period, stable. Errors: TG_EARG for unknown columns, a
** non-date period column, an unknown unit, or a bad fill column (unknown,
** a key or the period, wrong type, not one row); TG_EDATA as above;
** TG_ENOMEM; or the poll's status. */
tg_status tg_complete(const tg_table *t, const char *const *keys, size_t n_keys, const char *period,
                      const char *unit, const tg_table *fill, const tg_interrupt *intr,
                      tg_table **out, tg_error *err);

/* "error", "first", "last", "sum", "mean", "count", "min", "max" as
** scripts spell them; parse returns 0 and sets *agg, or -1 for an unknown
** name. */
const char *tg_pivot_agg_name(tg_pivot_agg agg);
int tg_pivot_agg_parse(const char *name, tg_pivot_agg *agg);

#endif /* TG_RESHAPE_H */
