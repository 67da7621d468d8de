/*
** tg_fill.h -- writing one value into chosen rows of a column.
** The kernels take scalar arguments (a lag/lead default, pivot and complete
** fill values) as 1-row columns: any type, possibly NULL, strings with their
** own dictionary. Filling a string column with a string its dictionary
** lacks gives the column a private copy of the dictionary (same codes plus
** the new string), so a dictionary shared with other columns never changes.
*/
#ifndef TG_FILL_H
#define TG_FILL_H

#include <stdint.h>

#include "tegn.h"
#include "tg_col.h"

/* TG_OK if 'value' can fill a column of type 'type': it must have exactly
** one row, and the same type as the column, or be an int for a float
** column, or be NULL (any type). Otherwise TG_EARG with a message naming
** 'what' ("fill value") and the column 'name', e.g. "fill value for 'n' is
** a string, but the column is int". Allocates nothing. */
tg_status tg_fill_check(const tg_col *value, tg_type type, const char *what, const char *name,
                        tg_error *err);

/* Sets every row i of 'col' (i < col->len) where mask[i] != 0 to 'value'
** (valid, or NULL when value is NULL); value must pass tg_fill_check for
** col's type. 'col' must be private to the caller (one reference), since it
** is changed in place, possibly including its dictionary. TG_OK or
** TG_ENOMEM; on failure the column may be partly filled and should be
** discarded. */
tg_status tg_fill_mask(tg_col *col, const uint8_t *mask, const tg_col *value, tg_error *err);

#endif /* TG_FILL_H */
