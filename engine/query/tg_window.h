/*
** tg_window.h -- window functions: per-group computations in a given order
** that return one value per input row (row i of the result belongs to row
** i of the input, whatever the order used to compute it).
** Rows are grouped by the 'by' columns (NULL keys form a group of their
** own) and ordered within a group by the 'order' columns as tg_sort orders
** them (NULLs last, ties keep input order); the input order itself when
** there are no order columns. The aggregates (cumsum, rolling_mean) follow
** SQL window aggregates over a ROWS frame: NULLs are skipped.
*/
#ifndef TG_WINDOW_H
#define TG_WINDOW_H

#include <stddef.h>

#include "tegn.h"
#include "tg_table.h"

typedef enum tg_window_fn {
    TG_WIN_ROW_NUMBER = 1, /* 1, 2, 3, ... within the group (int) */
    TG_WIN_RANK,           /* SQL rank(): 1 + rows before the first tie (int; gaps) */
    TG_WIN_DENSE_RANK,     /* SQL dense_rank(): 1 + distinct values before (int) */
    TG_WIN_LAG,            /* value k rows earlier in the group (same type) */
    TG_WIN_LEAD,           /* value k rows later in the group (same type) */
    TG_WIN_CUMSUM,         /* running sum (int/bool -> int, float -> float) */
    TG_WIN_ROLLING_MEAN    /* mean of the current and k - 1 earlier rows (float) */
} tg_window_fn;

/* What to compute. Unused fields are ignored, so a zero-initialised spec
** with fn and col set is a valid one-group, input-order window. */
typedef struct tg_window_spec {
    tg_window_fn fn;
    const char *col;    /* the input column; unused by ROW_NUMBER, RANK, DENSE_RANK */
    long k;             /* LAG/LEAD: offset >= 0 (0 copies); ROLLING_MEAN: rows >= 1 */
    long min_periods;   /* ROLLING_MEAN: fewest non-NULL values that give a mean
                        ** (1..k); 0 means k, as in Polars and pandas */
    const tg_col *dflt; /* LAG/LEAD: a 1-row value for rows with no row k away
                        ** (see tg_fill.h); NULL gives NULL there */
    const char *const *by;
    size_t n_by;
    const char *const *order;
    const int *order_desc; /* NULL: all ascending */
    size_t n_order;
} tg_window_spec;

/* Computes the window function 'w' over 't' into *out, a new column of
** t->n_rows rows aligned with the input rows. Semantics per function:
** - ROW_NUMBER counts rows in order; RANK and DENSE_RANK treat rows with
**   equal order keys (grouping equality: NULL = NULL) as ties, so with no
**   order columns every row ranks 1.
** - LAG/LEAD copy the value k rows before/after within the group, NULL
**   values included; rows without such a row get w->dflt (or NULL).
** - CUMSUM is the sum of the non-NULL values from the group's first row to
**   this one (SQL SUM() OVER (... ROWS UNBOUNDED PRECEDING)): NULL rows
**   carry the total so far, and rows before the first non-NULL value are
**   NULL. Ints and bools (true = 1) sum as int64; an overflow is TG_EDATA
**   naming the row. Floats follow IEEE (NaN and infinities propagate).
** - ROLLING_MEAN is the mean of the non-NULL values among this row and the
**   k - 1 before it in the group (SQL AVG() OVER (... ROWS BETWEEN k - 1
**   PRECEDING AND CURRENT ROW)), or NULL when fewer than min_periods of
**   them are non-NULL.
** Errors: TG_EARG for an unknown column (with a suggestion), a column of
** the wrong type, a bad k or min_periods, or a default of the wrong type;
** TG_EDATA for an int overflow; TG_ENOMEM; or the status of tg_poll(intr).
** *out is NULL on failure. */
tg_status tg_window(const tg_table *t, const tg_window_spec *w, const tg_interrupt *intr,
                    tg_col **out, tg_error *err);

/* "row_number", "rank", ... as scripts spell them; "?" when unknown. */
const char *tg_window_name(tg_window_fn fn);

#endif /* TG_WINDOW_H */
