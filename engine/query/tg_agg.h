/*
** tg_agg.h -- aggregate functions over groups of rows, and the quantile
** kernel. An aggregation runs as: tg_agg_begin, then tg_agg_feed for each
** vector of rows with its group ids (while the ids are being assigned),
** then tg_agg_finish, which runs the passes that need every row's group id
** (variance, quantiles, distinct counts) and makes the result columns.
** tg_group_agg (tg_group.h) is the verb built on it. Aggregates skip NULLs;
** count() counts rows.
*/
#ifndef TG_AGG_H
#define TG_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_col.h"

/* Aggregate functions. Result types: COUNT, COUNT_IF, N_DISTINCT -> int;
** SUM of int or bool -> int (overflow is TG_EDATA), of float -> float;
** MEAN, MEDIAN, QUANTILE, STD, VAR -> float; MIN, MAX, FIRST, LAST -> the
** argument's type (any type; strings compare by bytes, NaN above every
** number). */
enum {
    TG_AGG_COUNT = 1, /* rows (arg NULL), or non-NULL values of arg */
    TG_AGG_COUNT_IF,  /* rows where the bool arg is true */
    TG_AGG_SUM,       /* int, float or bool; floats summed with Neumaier's compensation */
    TG_AGG_MEAN,      /* int, float or bool */
    TG_AGG_MIN,
    TG_AGG_MAX,
    TG_AGG_MEDIAN,   /* int, float or bool; QUANTILE with p = 0.5, linear */
    TG_AGG_QUANTILE, /* int, float or bool; p in [0, 1], method below */
    TG_AGG_STD,      /* sample standard deviation (n - 1); NULL below 2 values */
    TG_AGG_VAR,      /* sample variance (n - 1); NULL below 2 values */
    TG_AGG_N_DISTINCT,
    TG_AGG_FIRST, /* first non-NULL value in row order */
    TG_AGG_LAST   /* last non-NULL value in row order */
};

/* Quantile methods: the nine sample quantile definitions of Hyndman and
** Fan (1996), numbered as R's quantile(type = ...) and named as NumPy's
** quantile(method = ...). 0 means the default, TG_QUANTILE_LINEAR. */
enum {
    TG_QUANTILE_INVERTED_CDF = 1,              /* R type 1, SAS 3: x[ceil(np)] */
    TG_QUANTILE_AVERAGED_INVERTED_CDF = 2,     /* R type 2, SAS 5 */
    TG_QUANTILE_CLOSEST_OBSERVATION = 3,       /* R type 3, SAS 2 */
    TG_QUANTILE_INTERPOLATED_INVERTED_CDF = 4, /* R type 4, SAS 1 */
    TG_QUANTILE_HAZEN = 5,                     /* R type 5 */
    TG_QUANTILE_WEIBULL = 6,                   /* R type 6, SAS 4, Excel PERCENTILE.EXC */
    TG_QUANTILE_LINEAR = 7,                    /* R type 7 (default), NumPy, Excel PERCENTILE.INC */
    TG_QUANTILE_MEDIAN_UNBIASED = 8,           /* R type 8 */
    TG_QUANTILE_NORMAL_UNBIASED = 9            /* R type 9 */
};

/* One aggregate: output column 'name', function 'fn' over 'arg' (a column
** of the table's rows, borrowed; NULL for a row COUNT), and for QUANTILE
** the probability 'p' and 'method'. */
typedef struct tg_agg {
    const char *name;
    int fn;
    const tg_col *arg;
    double p;
    int method;
} tg_agg;

typedef struct tg_agg_state tg_agg_state;

/* TG_OK if 'a' is a valid aggregate over a table of n_rows rows; else
** TG_EARG naming it: unknown function, missing argument, argument of the
** wrong type or length, p outside [0, 1], unknown method. */
tg_status tg_agg_check(const tg_agg *a, size_t n_rows, tg_error *err);

/* Accumulators for the n (checked) aggregates 'aggs', which are borrowed
** until tg_agg_end. TG_OK or TG_ENOMEM. */
tg_status tg_agg_begin(const tg_agg *aggs, size_t n, tg_agg_state **out);
/* 1 if tg_agg_finish will need every row's group id. */
int tg_agg_need_ids(const tg_agg_state *s);
/* Feeds rows [base, base + n) whose group ids are g[0..n) (each below
** n_groups, the number of groups so far). Rows are fed in order, each
** once. TG_OK, TG_ENOMEM, or TG_EDATA when an int sum overflows. */
tg_status tg_agg_feed(tg_agg_state *s, const uint32_t *g, size_t base, size_t n, size_t n_groups,
                      tg_error *err);
/* Adds the streamed accumulators of 'part' (the same aggregates, fed the
** rows of one morsel, n_part groups) into those of 's': part's group g
** into s's group map[g], each below n_groups. Call it for the morsels in
** row order: MIN, MAX and FIRST keep the earlier row on ties, LAST the
** later, and float sums add the morsel's compensated sum and its
** compensation, so the result depends on the morsels, never on the
** threads that fed them. The rows part chose for MIN, MAX, FIRST and LAST
** are taken as row_base + row (0 when part was fed rows of the same
** arguments; see tg_agg_detach). TG_OK, TG_ENOMEM, or TG_EDATA when an
** int sum overflows (naming 'row', the morsel's last row + 1). Aggregates
** that tg_agg_finish computes from the ids are left alone. */
tg_status tg_agg_merge(tg_agg_state *s, const tg_agg_state *part, const uint32_t *map,
                       size_t n_part, size_t n_groups, size_t row_base, size_t row, tg_error *err);
/* Frees 'part' (n_groups groups) from its arguments, so they may be
** overwritten before it is merged: for each MIN, MAX, FIRST and LAST
** aggregate i, vals[i] becomes a new column of n_groups rows whose row g is
** the value chosen for group g (NULL when none), and group g's chosen row
** becomes g; vals[i] is NULL for the other aggregates. Merge part then with
** row_base = where those values were appended in the columns that are the
** merged state's arguments. TG_OK or TG_ENOMEM (vals all NULL, part
** unchanged). */
tg_status tg_agg_detach(tg_agg_state *part, size_t n_groups, tg_col **vals);
/* Completes the aggregates over n_rows rows in n_groups groups and writes
** one new column per aggregate to cols[] (n_groups rows, row i for group
** order[i]; order NULL is the identity). 'ids' holds every row's group id
** when tg_agg_need_ids said so (NULL: every row is in group 0). TG_OK,
** TG_ENOMEM or the interrupt's status; on failure cols[] holds NULLs. */
tg_status tg_agg_finish(tg_agg_state *s, const uint32_t *ids, size_t n_rows, size_t n_groups,
                        const size_t *order, const tg_interrupt *intr, tg_col **cols,
                        tg_error *err);
/* Frees the accumulators; NULL is a no-op. */
void tg_agg_end(tg_agg_state *s);

/* The method named 'name': the NumPy names above ("linear", "weibull",
** "inverted_cdf", ...), "type1" ... "type9" (R), and the aliases
** "excel_inc" (7) and "excel_exc" (6). -1 when unknown. */
int tg_agg_quantile_method(const char *name);

/* The p-quantile of x[0..n) by 'method' (0 = linear), as R's quantile()
** (the same order statistics and weight; the interpolation lo + h * (hi -
** lo) may differ from R's in the last bit): x is reordered in place; NaN
** counts as above every number. n must be > 0 and p in [0, 1]. Never
** allocates. The engine's one sample quantile: group aggregates, and the
** simulation and scenario percentiles (type 7), all call it. */
double tg_agg_quantile(double *x, size_t n, double p, int method);

#endif /* TG_AGG_H */
