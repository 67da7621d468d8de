/*
** tg_xls.h -- old Excel workbooks (.xls, BIFF5/8) through libfreexl, the
** only user of freexl.h. freexl holds the workbook in memory (an .xls has
** at most 65,536 rows); its dates come already written out, so a .xls
** feeds a tg_sheet the same cells an .xlsx does. It opens the file by
** the descriptor the caller opened (through /proc/self/fd), never by a
** name looked up again.
*/
#ifndef TG_XLS_H
#define TG_XLS_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_sheet.h"

typedef struct tg_xls tg_xls;

/* Opens the workbook on 'fd' (borrowed); 'path' names it in messages
** (borrowed). TG_OK, TG_EDATA (not a readable .xls, or password
** protected), TG_ENOMEM. */
tg_status tg_xls_open(int fd, const char *path, tg_xls **out, tg_error *err);
void tg_xls_close(tg_xls *x);

size_t tg_xls_n_sheets(const tg_xls *x);
/* Borrowed, valid until tg_xls_close. */
const char *tg_xls_sheet_name(const tg_xls *x, size_t i);
/* 0 visible, 1 hidden, 2 very hidden (tg_biff; 0 when it could not tell). */
int tg_xls_sheet_state(const tg_xls *x, size_t i);
/* The sheet's used rows and columns. */
tg_status tg_xls_dimension(tg_xls *x, size_t i, uint32_t *rows, uint32_t *cols, tg_error *err);

/* Streams sheet i's cells, row by row, into 'b', with its boolean and
** error cells and its merged ranges from tg_biff. */
tg_status tg_xls_scan(tg_xls *x, size_t i, tg_sheet *b, tg_error *err);

#endif /* TG_XLS_H */
