/*
** tg_suppress.h -- disclosure control for a table of counts a script
** publishes itself (t:suppress, an indicator's details): each group of the
** 'within' columns is a line whose total a reader knows; a count the
** primary rules hide (1 .. min_count - 1, or the line's total less such a
** count) is hidden, then further counts, the smallest first, until no
** hidden count can be worked out from the line (tg_sdc). Optionally a
** column names a total the table does not add up to: the rest (that total
** less the line's counts) is a quantity published elsewhere under the
** same rules (the health checks carried out, beside the reasons for those
** not carried out), so a rest that is hidden there must stay hidden here.
** No Lua: the binding only reads its arguments (docs/disclosure.md).
*/
#ifndef TG_SUPPRESS_H
#define TG_SUPPRESS_H

#include <stddef.h>

#include "tegn.h"
#include "tg_sdc.h"
#include "tg_table.h"

#define TG_SUPPRESS_MAX_WITHIN 8

typedef struct tg_suppress_opts {
    const char *count;         /* the whole-number column to protect */
    const char *const *within; /* the columns whose groups are lines */
    size_t n_within;           /* at most TG_SUPPRESS_MAX_WITHIN */
    const char *total;         /* NULL, or a whole-number column holding
                               ** each group's total as published elsewhere
                               ** (one value per group) */
    const char *hide;          /* NULL, or a boolean column: rows where it is
                               ** true are hidden whatever their count (for a
                               ** reason the table does not show) */
    const char *mark;          /* the boolean column saying where */
    tg_sdc_rules rules;
} tg_suppress_opts;

/* A new table (*out, owned) with every column of 't' and the column
** o->count NULL where hidden (and where it was NULL, which counts as 0),
** then the boolean column o->mark, true where the rules hid the count.
** Errors (TG_EARG, *out NULL): an unknown column, a count or total that is
** not whole numbers, a hide column that is not boolean, a total that differs within a group or is
*less than
** its group's counts, a mark that names an existing column, more than
** TG_SUPPRESS_MAX_WITHIN within columns; TG_ENOMEM. */
tg_status tg_suppress_table(const tg_table *t, const tg_suppress_opts *o, tg_table **out,
                            tg_error *err);

#endif /* TG_SUPPRESS_H */
