/*
** tg_table.h -- a table is an ordered list of named columns of equal length.
** The table holds one reference to each column; tables themselves are
** reference-counted (non-atomically) so Lua values and views can share
** them. Column names are UTF-8 and unique within a table.
*/
#ifndef TG_TABLE_H
#define TG_TABLE_H

#include <stddef.h>

#include "tegn.h"
#include "tg_col.h"

typedef struct tg_table {
    int refs;
    size_t n_rows;
    size_t n_cols, cap;
    char **names;
    tg_col **cols;
    /* The names as a dictionary whose codes are the column indexes, made
    ** once a table is wide (INDEX_FROM columns): finding a name, and so
    ** adding a column, stays O(1) for a CSV of 50,000 columns. */
    struct tg_dict *index;
} tg_table;

/* A new table with no columns and one reference; NULL on failure. */
tg_table *tg_table_new(void);
tg_table *tg_table_retain(tg_table *t);
/* Drops a reference, releasing the columns at zero; NULL is a no-op. */
void tg_table_release(tg_table *t);

/* Index of the column called 'name', or -1. */
long tg_table_find(const tg_table *t, const char *name);
/* Index of the column called 'name' in *k, or TG_EARG with the message
** "no column 'x'; did you mean 'y'?" (the suggestion when one is close). */
tg_status tg_table_lookup(const tg_table *t, const char *name, long *k, tg_error *err);

/* Borrowed: valid while 't' holds the column. NULL if there is none. */
tg_col *tg_table_col(const tg_table *t, const char *name);

/* Appends a column under 'name', taking a new reference to 'col' (the
** caller keeps its own). The first column fixes n_rows; later ones must
** have the same length (TG_EARG) and a new name (TG_EARG). TG_ENOMEM on
** allocation failure; the table is unchanged on any failure. */
tg_status tg_table_add(tg_table *t, const char *name, tg_col *col);

/* A new table with the same columns whose row i is row idx[i] of 't'
** (see tg_col_take). NULL on allocation failure. */
tg_table *tg_table_take(const tg_table *t, const size_t *idx, size_t n);

/* A new table of the first n rows of 't' (all when it has fewer): each
** column a slice (tg_col_slice) of t's. NULL on allocation failure. */
tg_table *tg_table_head(const tg_table *t, size_t n);

/* A new table sharing (retaining) the columns named in 'names' (n of
** them, in that order); TG_EARG with *bad set to the first unknown name,
** or TG_ENOMEM. */
tg_status tg_table_select(const tg_table *t, const char *const *names, size_t n, tg_table **out,
                          const char **bad);

/* Returns the name in 'names' (n of them) closest to 'name' by edit
** distance, or NULL if none is close enough to be a plausible typo. Used
** for "no column 'x'; did you mean 'y'?". Borrowed from 'names'. */
const char *tg_nearest_name(const char *name, char *const *names, size_t n);

#endif /* TG_TABLE_H */
