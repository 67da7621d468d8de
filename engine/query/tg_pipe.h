/*
** tg_pipe.h -- a group-by fed straight from a scan, morsel by morsel: the
** rows of a table (or of a selection of its rows) that pass ANDed filters,
** with columns derived and renamed, grouped by key columns and aggregated,
** without the filtered rows ever being gathered whole. tg_plan runs a
** chain of filter, derive, select and group-by steps through it.
**
** It runs in two passes over morsels (tg_par). The first evaluates the
** filters and keeps the surviving rows as one bit per scanned row and a
** count per morsel. The second cuts the surviving rows into morsels of
** tg_par_morsel_rows() rows, exactly as tg_group_agg cuts a table of them,
** and for each gathers the columns the steps read into buffers of one
** morsel per worker, evaluates the derived columns and the aggregates'
** arguments there, and groups the morsel on its own; the morsels' groups
** and accumulators are merged in morsel order, as tg_group_agg merges
** its morsels. So the result is identical to gathering the filtered rows,
** deriving the columns and calling tg_group_agg (row order, float sums
** and every value), for every thread count, while the memory held is a
** bit per row plus the buffers of one morsel per thread.
**
** What it does not run (it declines, and the caller runs the steps one at
** a time): aggregates that need every row's group id (std, var, median,
** quantile, n_distinct), min and max of strings, and derived columns or
** aggregate arguments that compute strings (each thread's program would
** make its own dictionary).
*/
#ifndef TG_PIPE_H
#define TG_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_expr.h"
#include "tg_table.h"

enum { TG_PIPE_DERIVE = 1, TG_PIPE_RENAME };

/* A step after the filters: DERIVE adds or replaces the columns names[i]
** computed by exprs[i] from the step's input (t:derive; a NULL expression
** is not computed), RENAME keeps the columns from[i] under names[i] (a NULL
** from[i] is left out). Later steps, keys and aggregates see its output. */
typedef struct tg_pipe_step {
    int kind;
    size_t n;
    const char *const *names;
    const tg_expr *const *exprs;
    const char *const *from;
} tg_pipe_step;

/* An aggregate as tg_agg, its argument an expression over the last step's
** output (NULL: count rows). */
typedef struct tg_pipe_agg {
    const char *name;
    int fn;
    const tg_expr *arg;
    double p;
    int method;
} tg_pipe_aggspec;

typedef struct tg_pipe {
    const tg_table *t;           /* the scanned columns (borrowed) */
    const size_t *sel;           /* the rows of t scanned, or NULL: all */
    size_t n_sel;                /* with sel */
    const tg_expr *const *terms; /* bool filters over t's columns, ANDed, in this order */
    size_t n_terms;              /* may be 0 when sel is not NULL */
    const uint8_t *carry;        /* per column of t: read after the filters */
    const tg_pipe_step *steps;   /* in order */
    size_t n_steps;
    const char *const *keys; /* group keys: columns of the last step's output */
    size_t n_keys;
    const tg_pipe_aggspec *aggs;
    size_t n_aggs;
} tg_pipe;

/* Runs 'p' into *out (a new table, as tg_group_agg's) and the number of
** rows that passed the filters into *n_in. When the pipeline holds what it
** does not run (above), *out is NULL, TG_OK is returned and nothing ran.
** Every expression must already have been checked against its input (the
** steps were built). Errors: a data error raised by a filter, a derived
** column or an aggregate (TG_EDATA: the row it names is a row of a morsel,
** so a caller wanting the message of the steps run one at a time runs
** them again), TG_ENOMEM, or the interrupt's status, polled every
** TG_VECTOR rows. */
tg_status tg_pipe_agg(const tg_pipe *p, const tg_interrupt *intr, tg_table **out, size_t *n_in,
                      tg_error *err);

#endif /* TG_PIPE_H */
