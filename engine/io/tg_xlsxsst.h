/*
** tg_xlsxsst.h -- an .xlsx's shared-strings table (the part cells with
** t="s" index into): each <si>'s text runs, phonetic guides left out and
** _xHHHH_ escapes undone, held back to back in one tg_malloc'ed buffer, so
** the table counts against the run's memory cap. Read by tg_xmlscan, or by
** expat (tg_xlsxml) when asked to or when the scanner is unsure.
*/
#ifndef TG_XLSXSST_H
#define TG_XLSXSST_H

#include <stddef.h>

#include "tegn.h"
#include "tg_sbuf.h"
#include "tg_zip.h"

/* Zeroed is empty. String i is text.p[off[i], off[i + 1]), i < n. */
typedef struct tg_xlsxsst {
    tg_sbuf text;
    size_t *off;
    size_t n, cap;
} tg_xlsxsst;

/* Reads the part 'part' of 'z' into the empty table 's' (polling 'intr',
** may be NULL; 'path' names the workbook in messages): by tg_xmlscan
** unless 'expat_only', and by expat from the start when the scanner is
** unsure of the part. TG_OK, TG_EDATA (a malformed part), TG_ENOMEM, or a
** zip error; on failure 's' holds what was read (free it). */
tg_status tg_xlsxsst_load(tg_xlsxsst *s, tg_zip *z, const char *part, const char *path,
                          const tg_interrupt *intr, int expat_only, tg_error *err);

/* Frees what 's' holds and leaves it empty. */
void tg_xlsxsst_free(tg_xlsxsst *s);

/* String i into *str (borrowed until tg_xlsxsst_free, not NUL-terminated)
** and its length into *n: 1, or 0 when the table has no string i. */
int tg_xlsxsst_get(const tg_xlsxsst *s, size_t i, const char **str, size_t *n);

#endif /* TG_XLSXSST_H */
