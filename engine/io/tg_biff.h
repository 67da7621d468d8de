/*
** tg_biff.h -- what an .xls workbook holds that freexl 1.0.6 does not
** say: each sheet's state (visible, hidden, very hidden), its merged
** ranges, its boolean and error cells, and the cached results of its
** formulas (freexl reads all of those as empty). Read from the file's own bytes: the
** OLE2 compound file's FAT and directory give the "Workbook" (BIFF8) or
** "Book" (BIFF5) stream, whose BOUNDSHEET, BOOLERR, FORMULA and MERGEDCELLS
** records are read; every other record is freexl's. A file it cannot make
** sense of is refused before freexl sees it.
*/
#ifndef TG_BIFF_H
#define TG_BIFF_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"

typedef struct tg_biff tg_biff;

enum { TG_BIFF_BOOL = 1, TG_BIFF_ERR, TG_BIFF_NUM, TG_BIFF_STR };

/* A cell freexl reads as empty: a boolean ('val' 0/1), an error ('val'
** its code: 0x07 #DIV/0!, 0x2A #N/A, ...), a formula's number ('num') or
** text (tg_biff_text). */
typedef struct tg_biff_cell {
    uint32_t row, col;
    unsigned char kind, val;
    double num;
    size_t off, n; /* TG_BIFF_STR: the text's place in the sheet's texts */
} tg_biff_cell;

/* Reads the workbook on 'fd' (borrowed; read with pread, from offset 0)
** into *out. TG_OK; TG_OK with *out NULL for an encrypted workbook (freexl
** says so); TG_EDATA (no message) for a compound file whose header, FAT,
** directory or workbook stream cannot be read or is not BIFF5/8 records,
** or whose directory has a name longer than its entry: not to be given to
** freexl 1.0.6, which reads such names past their end and allocates the
** sizes such files state; or TG_ENOMEM (the stream is held in
** tg_malloc'ed memory while it is read, and counts against the memory
** cap). */
tg_status tg_biff_open(int fd, tg_biff **out);
void tg_biff_free(tg_biff *b);

/* The worksheets, in the workbook's order (chart and macro sheets left
** out, as freexl leaves them out). */
size_t tg_biff_n_sheets(const tg_biff *b);
int tg_biff_sheet_state(const tg_biff *b, size_t i); /* 0, 1 hidden, 2 very hidden */

/* Sheet i's boolean and error cells, in row and column order
** (borrowed, valid until tg_biff_free). */
const tg_biff_cell *tg_biff_cells(const tg_biff *b, size_t i, size_t *n);

/* The UTF-8 text of a TG_BIFF_STR cell of sheet i (borrowed, not
** NUL-terminated: c->n bytes). */
const char *tg_biff_text(const tg_biff *b, size_t i, const tg_biff_cell *c);

/* Sheet i's merged ranges: n entries of { r0, c0, r1, c1 }, 0-based. */
const uint32_t (*tg_biff_merges(const tg_biff *b, size_t i, size_t *n))[4];

/* The text of error code 'code' ("#DIV/0!"), "#ERR" for one unknown. */
const char *tg_biff_error_text(unsigned code);

#endif /* TG_BIFF_H */
