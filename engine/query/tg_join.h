/*
** tg_join.h -- joining two tables on key columns (inner, left, semi, anti)
** and the as-of join (each left row meets the latest right row at or
** before its date). Inputs are borrowed; the result is a new table whose
** rows follow the left table's order, then the right table's order for a
** left row with several matches. NULL keys never match, as in SQL.
*/
#ifndef TG_JOIN_H
#define TG_JOIN_H

#include <stddef.h>

#include "tegn.h"
#include "tg_table.h"

enum {
    TG_JOIN_INNER = 1, /* a row per matching pair */
    TG_JOIN_LEFT,      /* as inner, plus unmatched left rows with NULL right columns */
    TG_JOIN_SEMI,      /* left rows with at least one match, once each */
    TG_JOIN_ANTI       /* left rows with no match */
};

enum {
    TG_ASOF_BACKWARD = 1, /* the last right row with right.on <= left.on */
    TG_ASOF_FORWARD,      /* the first right row with right.on >= left.on */
    TG_ASOF_NEAREST       /* the closer of the two; the backward one on a tie */
};

/* Joins 'left' and 'right' where left_keys[i] equals right_keys[i] for
** every i < n_keys (n_keys >= 1, at most 64). Key pairs must have the same
** type, except that an int key may meet a float key (they match when the
** float is exactly that whole number); strings compare by bytes even when
** the tables have different dictionaries; floats treat -0 and 0 as equal
** and NaN as equal to NaN; a NULL key matches nothing. 'how' is one of
** TG_JOIN_*. The result has left's columns, then (inner and left joins)
** right's columns except its keys, where a name already used gets
** 'suffix' appended ("_right" when NULL). Rows follow left's order, and a
** left row's matches follow right's order. Errors: TG_EARG for an unknown
** key (with a suggestion), incompatible key types (naming both), a bad
** 'how', or a name that clashes even with the suffix; TG_ENOMEM; or the
** interrupt's status (polled every TG_VECTOR rows). *out is NULL on
** failure. */
tg_status tg_join(const tg_table *left, const tg_table *right, const char *const *left_keys,
                  const char *const *right_keys, size_t n_keys, int how, const char *suffix,
                  const tg_interrupt *intr, tg_table **out, tg_error *err);

/* As-of join: for each left row, the right row with equal 'by' keys
** (n_by pairs, possibly 0, matched as in tg_join) whose 'on' value is the
** last at or before (TG_ASOF_BACKWARD), the first at or after
** (TG_ASOF_FORWARD) or the nearest to (TG_ASOF_NEAREST) the left row's.
** Among right rows with equal 'on' values the last in right's order is
** taken going backward, the first going forward. The 'on' columns are
** dates, ints or floats (int may meet float; dates only dates); a NULL or
** NaN 'on' matches nothing. Every left row appears once, in order; an
** unmatched one gets NULL right columns. The result has left's columns,
** then right's columns except the 'by' keys (right's 'on' column
** included, so the matched date is visible), clashing names suffixed.
** Errors as tg_join. */
tg_status tg_join_asof(const tg_table *left, const tg_table *right, const char *const *by_left,
                       const char *const *by_right, size_t n_by, const char *on_left,
                       const char *on_right, int direction, const char *suffix, tg_table **out,
                       tg_error *err);

#endif /* TG_JOIN_H */
