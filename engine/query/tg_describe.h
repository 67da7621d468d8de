/*
** tg_describe.h -- a summary of every column of a table, as R's skimr or
** DuckDB's SUMMARIZE: one row per column with its type, NULLs, distinct
** values, range, mean and median for numbers and the most frequent values
** for text and booleans. t:describe() returns it; `tegn inspect --stats`
** prints it.
*/
#ifndef TG_DESCRIBE_H
#define TG_DESCRIBE_H

#include <stddef.h>

#include "tegn.h"
#include "tg_table.h"

/* How many most frequent values 'top' names. */
#define TG_DESCRIBE_TOP 3

/* A new table with one row per column of t, in t's order, and the columns
**   column, type     (strings)
**   nulls, distinct  (ints; distinct counts non-NULL values)
**   min, max         (strings as t:rows() writes the values: numbers in
**                    shortest form, dates ISO, text in byte order; NULL
**                    when the column has no value)
**   mean, median     (floats, numbers only; median as tegn.median)
**   top              (strings and booleans: "value (count), ..." for the
**                    TG_DESCRIBE_TOP most frequent, ties by value)
** TG_OK or TG_ENOMEM (err may be NULL). */
tg_status tg_describe(const tg_table *t, tg_table **out, tg_error *err);

#endif /* TG_DESCRIBE_H */
