/*
** tg_xlsxw.h -- tables written as an Excel workbook (.xlsx), one sheet each.
** The only user of libxlsxwriter. Cells keep their Excel types: ints and
** floats as numbers, dates as date serials shown dd-mm-yyyy, bools as
** booleans, text as text, NULL (and NaN) as an empty cell; the header row
** is bold, frozen and carries an autofilter; columns are as wide as their
** widest value. The workbook goes through a tg_out (atomic: the old file
** stays byte for byte until the new one is complete), and its document
** dates are fixed, so the same tables give the same bytes on every run.
*/
#ifndef TG_XLSXW_H
#define TG_XLSXW_H

#include <stddef.h>

#include "tegn.h"
#include "tg_out.h"
#include "tg_table.h"

/* Excel's limits, checked before anything is written. */
#define TG_XLSXW_MAX_ROWS    1048576 /* a sheet's rows, the header's included */
#define TG_XLSXW_MAX_COLS    16384
#define TG_XLSXW_MAX_TEXT    32767 /* characters in a cell */
#define TG_XLSXW_MAX_NAME    31    /* characters in a sheet name */
#define TG_XLSXW_MAX_FORMAT  255   /* bytes in a number format code */
#define TG_XLSXW_MAX_DECIMAL 15    /* places a number format may show */

/* One sheet: its name and table (both borrowed for the call) and, per
** column of the table (arrays of t->n_cols entries, or NULL for none):
** 'decimals', n >= 0 rounds a float column to n places and shows it
** '#,##0.00' (n = 2; Danish Excel: 5.786,25), TG_OUT_DECIMALS_DEFAULT
** leaves it to the workbook's 'decimals'; other columns ignore it, as in
** CSV (an int column is shown with a format: "#,##0"); 'formats', an Excel
** number format code ("0.0 %", "#,##0 \"kr.\"", "yyyy-mm-dd") used as is
** for that column, or NULL. A column with a format keeps its values
** unrounded unless it also has decimals. */
typedef struct tg_xlsxw_sheet {
    const char *name;
    const tg_table *t;
    const int *decimals;
    const char *const *formats;
} tg_xlsxw_sheet;

typedef struct tg_xlsxw_opts {
    /* Every float column without its own: -1 = the value as computed in
    ** Excel's General format, n >= 0 = rounded to n places and shown with
    ** a thousands separator and n places. */
    int decimals;
    int header;               /* 1 = a first row of column names (bold) */
    int freeze;               /* 1 = the header row stays in view when scrolling */
    int autofilter;           /* 1 = filter buttons on the header row */
    const tg_interrupt *intr; /* polled every TG_VECTOR rows; may be NULL */
} tg_xlsxw_opts;

/* Defaults: General floats, a bold, frozen header with an autofilter. */
void tg_xlsxw_opts_init(tg_xlsxw_opts *opts);

/* TG_OK when 'name' may name a sheet: 1 to 31 characters, none of
** [ ] : * ? / \, not starting or ending with an apostrophe, not Excel's
** reserved "History"; else TG_EARG with the reason in err (file: 'path',
** which may be NULL). */
tg_status tg_xlsxw_check_name(const char *name, const char *path, tg_error *err);

/* Writes the n sheets (n >= 1, names unique ignoring case) as a workbook
** into the output 'o', which it takes: committed on success, aborted on
** failure, so the target is then untouched. 'opts' NULL means the
** defaults. Dates outside 1900-01-01 .. 9999-12-31, which Excel cannot
** hold, are written as ISO text; so are ints of more than 15 digits
** (Excel keeps 15). TG_OK; TG_EARG for a bad name, option or format, or
** a table beyond Excel's limits (rows, columns, characters in a cell) or
** with text that is not UTF-8 (err names the sheet and cell:
** "out.xlsx[Ark1]!C17: ..."); TG_EIO, TG_ENOMEM, or the interrupt's
** status. */
tg_status tg_xlsxw_write_take(tg_out *o, const tg_xlsxw_sheet *sheets, size_t n,
                              const tg_xlsxw_opts *opts, tg_error *err);

/* tg_xlsxw_write_take into a new tg_out for 'path' (tg_out_open). */
tg_status tg_xlsxw_write(const char *path, const tg_xlsxw_sheet *sheets, size_t n,
                         const tg_xlsxw_opts *opts, tg_error *err);

#endif /* TG_XLSXW_H */
