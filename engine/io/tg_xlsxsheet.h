/*
** tg_xlsxsheet.h -- one worksheet part of an .xlsx decoded cell by cell
** into a tg_sheet: each <c>'s reference, type (shared string, inline
** string, number, boolean, error, ISO date) and style (a date format makes
** a number a serial date), and the merged ranges. The XML goes through
** tg_xmlscan, or through expat (tg_xlsxml) when asked to or when the
** scanner is unsure; it is streamed, never held.
*/
#ifndef TG_XLSXSHEET_H
#define TG_XLSXSHEET_H

#include <stddef.h>

#include "tegn.h"
#include "tg_sheet.h"
#include "tg_xlsxsst.h"
#include "tg_zip.h"

/* Where a sheet's cells come from and what decodes them; all borrowed. */
typedef struct tg_xlsxsheet_src {
    tg_zip *z;
    const char *path;              /* the workbook, in messages */
    const tg_interrupt *intr;      /* polled while inflating; may be NULL */
    const char *part;              /* the worksheet's entry in the archive */
    const tg_xlsxsst *sst;         /* the shared strings (empty when none) */
    const unsigned char *xf_dkind; /* cell format -> TG_SD_* or 0 (tg_xlsxstyle) */
    size_t n_xf;
} tg_xlsxsheet_src;

/* One pass over the sheet: its cells and merged ranges into 'b', or, with
** 'dim' set (32 bytes; 'b' may then be NULL), only its stated dimension
** ("A1:H200", "" when none), stopping there. Through the scanner unless
** *expat_only or reading the dimension (which stops early, where expat is
** as quick); when the scanner is unsure of the part, *expat_only is set
** and expat reads it, from its start if nothing was put yet, else *retry
** is set and TG_EDATA returned: the caller reads the sheet again into a
** new tg_sheet. TG_OK, TG_EDATA (a malformed part, a bad reference, a
** shared string the table lacks), TG_ENOMEM, a zip error, or b's error. */
tg_status tg_xlsxsheet_scan(const tg_xlsxsheet_src *src, tg_sheet *b, char *dim, int *expat_only,
                            int *retry, tg_error *err);

#endif /* TG_XLSXSHEET_H */
