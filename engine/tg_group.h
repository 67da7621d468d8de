/*
** tg_group.h -- grouping verbs: aggregation per group of key columns,
** distinct rows and the top n rows per group, plus the quantile kernel.
** Inputs are borrowed and outputs are new tables (one reference) whose key
** columns share the input's dictionaries. Group output is sorted by the
** keys (NULL last, strings in byte order), so it never depends on hashing.
** Aggregates skip NULLs; count() counts rows.
*/
#ifndef TG_GROUP_H
#define TG_GROUP_H

#include <stddef.h>

#include "tegn.h"
#include "tg_table.h"

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
    TG_AGG_MEDIAN,   /* int, float or bool; as QUANTILE with p = 0.5, linear */
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
** of the table's n_rows rows, borrowed; NULL for a row COUNT), and for
** QUANTILE the probability 'p' and 'method'. */
typedef struct tg_agg {
    const char *name;
    int fn;
    const tg_col *arg;
    double p;
    int method;
} tg_agg;

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

/* The method numbered by 'name': the NumPy names above ("linear",
** "weibull", "inverted_cdf", ...), "type1" ... "type9" (R), and the
** aliases "excel_inc" (7) and "excel_exc" (6). 0 when unknown. */
int tg_group_quantile_method(const char *name);

/* The p-quantile of x[0..n) by 'method' (0 = linear), as R's quantile():
** x is reordered in place; NaN counts as above every number. n must be >
** 0 and p in [0, 1]. Never allocates. */
double tg_group_quantile(double *x, size_t n, double p, int method);

#endif /* TG_GROUP_H */
