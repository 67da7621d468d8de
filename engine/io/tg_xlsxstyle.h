/*
** tg_xlsxstyle.h -- which cell formats of an .xlsx show dates: the styles
** part read through tg_xlsxml, each number format's code classified (a
** date, a time, both, or neither), and each cell format (a cell's s="7")
** mapped to its number format's kind, built-in or the workbook's own.
** Serial numbers in such cells become dates in tg_sheet.
*/
#ifndef TG_XLSXSTYLE_H
#define TG_XLSXSTYLE_H

#include <stddef.h>

#include "tegn.h"
#include "tg_zip.h"

/* Reads the styles part 'part' of 'z' (polling 'intr', may be NULL; 'path'
** names the workbook in messages) into *xf_dkind: for cell format i,
** TG_SD_DATE, TG_SD_TIME, TG_SD_DATETIME (tg_sheet.h) or 0; *n_xf of them.
** The array is tg_malloc'ed and grown in place, so it is the caller's to
** free on failure too (*xf_dkind NULL and *n_xf 0 before the call). TG_OK,
** TG_EDATA (a malformed part), TG_ENOMEM, or a zip error. */
tg_status tg_xlsxstyle_read(tg_zip *z, const char *part, const char *path, const tg_interrupt *intr,
                            unsigned char **xf_dkind, size_t *n_xf, tg_error *err);

/* What the format code shows: TG_SD_DATE, TG_SD_TIME, TG_SD_DATETIME or 0.
** Only the first section counts; quoted text, escapes, fills and colours
** are skipped; 'm' is minutes next to h or s and months otherwise. Danish
** Excel's year letter 'å' counts as 'y' ("dd-mm-åååå"). */
int tg_xlsxstyle_classify(const char *code);

#endif /* TG_XLSXSTYLE_H */
