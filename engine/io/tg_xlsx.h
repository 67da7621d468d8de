/*
** tg_xlsx.h -- Office Open XML workbooks (.xlsx, .xlsm): the list of
** sheets and each sheet's cells, read through tg_zip and streamed through
** expat (tg_xlsxml) or, for the sheets and the shared strings, tg_xmlscan.
** A sheet's XML is never held: its cells go one by one into a tg_sheet
** (tg_xlsxsheet). What is held is the workbook's small
** parts (sheet list, relationships, which styles are dates) and the
** shared-strings table, in tg_malloc'ed memory, so it counts against the
** run's memory cap. Part names come from the archive's relationships and
** are resolved inside the archive only; a name that climbs out of it is
** an error.
*/
#ifndef TG_XLSX_H
#define TG_XLSX_H

#include <stddef.h>

#include "tegn.h"
#include "tg_sheet.h"

typedef struct tg_xlsx tg_xlsx;

/* Opens the workbook on 'fd' (borrowed), reading its sheet list, date
** system and styles; 'path' names it in messages (borrowed, must outlive
** the handle); 'intr' (may be NULL, copied) is polled while inflating.
** TG_OK, TG_EDATA (not a workbook, a malformed part, a zip cap), TG_EIO,
** TG_ENOMEM. */
tg_status tg_xlsx_open(int fd, const char *path, const tg_interrupt *intr, tg_xlsx **out,
                       tg_error *err);
void tg_xlsx_close(tg_xlsx *x);

size_t tg_xlsx_n_sheets(const tg_xlsx *x);
/* Borrowed, valid until tg_xlsx_close. */
const char *tg_xlsx_sheet_name(const tg_xlsx *x, size_t i);
/* 0 visible, 1 hidden, 2 very hidden (only VBA can show it). */
int tg_xlsx_sheet_state(const tg_xlsx *x, size_t i);
int tg_xlsx_date1904(const tg_xlsx *x);

/* The sheet's stated dimension ("A1:H200", as the writer recorded it;
** "" when it records none) into buf (at least 32 bytes). */
tg_status tg_xlsx_dimension(tg_xlsx *x, size_t i, char *buf, tg_error *err);

/* Streams sheet i's cells and merged ranges into 'b' (a tg_sheet_scan
** for tg_sheet_read, with the handle and the sheet's index bound by the
** caller). The shared strings are loaded on the first call. */
tg_status tg_xlsx_scan(tg_xlsx *x, size_t i, tg_sheet *b, tg_error *err);

/* Sheets and shared strings are read by tg_xmlscan, and by expat only
** when the scanner is unsure of a part (tg_xmlscan.h). This reads them all
** with expat (call it before the first tg_xlsx_scan): for
** checking the two agree, and as the way around a scanner bug. */
void tg_xlsx_use_expat(tg_xlsx *x);

/* 1 (once) when the last tg_xlsx_scan failed because the scanner gave the
** part up after it had put cells: the sheet must be read again from its
** start (a new tg_sheet_read), and expat will read it. */
int tg_xlsx_take_retry(tg_xlsx *x);

#endif /* TG_XLSX_H */
