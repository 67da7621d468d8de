/*
** tg_sheet.h -- one worksheet's cells into a table, through the column
** builders of the CSV loader (tg_csvcol), so that a workbook's columns get
** the types, whole-column inference, notes and errors a CSV file's get.
** A source (tg_xlsx, tg_xls) streams the cells of one sheet in row order
** into a tg_sheet, once per pass: the first pass types every column, a
** column that turns out to be text is read again as text in a second pass
** (as the CSV loader does), and only the values are kept, never the sheet.
** The builder finds the header (or is told it), the table's columns and
** rows (a range, skipped rows, a stop at the first empty row, total rows
** dropped at the bottom), names merged header cells, and turns Excel's
** date serials (1900 system with its leap-year bug, or 1904) into dates.
*/
#ifndef TG_SHEET_H
#define TG_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_csv.h"
#include "tg_table.h"

/* What a cell holds. */
enum {
    TG_SC_EMPTY = 0,
    TG_SC_NUM,    /* a number: s/n its text ('.' decimal mark) or, when s is NULL, 'num' */
    TG_SC_STR,    /* text s/n (UTF-8) */
    TG_SC_BOOL,   /* num 0 or 1 */
    TG_SC_ERR,    /* an error value such as "#N/A" in s/n: read as null */
    TG_SC_SERIAL, /* num: an Excel date serial shown with a date/time format ('dkind') */
    TG_SC_ISO     /* s/n: a date or date-time already written out (YYYY-MM-DD[ HH:MM:SS]) */
};

/* What a date format shows (TG_SC_SERIAL). */
enum { TG_SD_DATE = 1, TG_SD_TIME = 2, TG_SD_DATETIME = 3 };

typedef struct tg_sheet_cell {
    uint32_t row, col; /* 0-based: A1 is (0, 0) */
    int kind;          /* TG_SC_* */
    int dkind;         /* TG_SD_* for TG_SC_SERIAL */
    const char *s;     /* borrowed for the call */
    size_t n;
    double num;
} tg_sheet_cell;

typedef struct tg_sheet_opts {
    int has_range; /* 1: only the cells of r0..r1 x c0..c1 (0-based, inclusive) */
    uint32_t r0, c0, r1, c1;
    int header;                /* -1 detect, 0 no header, 1 the first row is the header */
    uint32_t header_row;       /* 1-based Excel row of the header; 0 = not fixed */
    uint32_t skip;             /* rows skipped at the top (of the range) */
    int stop_at_empty;         /* -1 = yes unless a range is given */
    const char *const *totals; /* labels of total rows dropped at the bottom */
    size_t n_totals;
    const char *const *na; /* null texts (at most 15); NULL = "", "NA", "NULL" */
    size_t n_na;
    const tg_csv_coltype *types; /* per-column overrides, as read_csv's */
    size_t n_types;
    int date1904; /* the workbook counts days from 1904-01-01 */
} tg_sheet_opts;

/* Sets the defaults: detect the header, no range, stop at the first
** empty row, no totals dropped. */
void tg_sheet_opts_init(tg_sheet_opts *o);

/* What the builder decided, for the report. */
typedef struct tg_sheet_report {
    size_t n_rows, n_cols;
    tg_csv_colinfo *cols; /* n_cols entries */
    uint32_t header_row;  /* 1-based Excel row of the header, 0 when none */
    uint32_t first_row;   /* 1-based Excel row of the first data row */
    uint32_t first_col;   /* 1-based Excel column of the table's first column */
    size_t n_error_cells; /* error values (#N/A, ...) read as null */
    size_t n_totals;      /* total rows dropped at the bottom */
    size_t n_notes;
    tg_csv_note notes[8];
} tg_sheet_report;

void tg_sheet_report_free(tg_sheet_report *r);

typedef struct tg_sheet tg_sheet;

/* Streams every cell of the sheet, in row order, into 'b' through
** tg_sheet_put (and its merged ranges through tg_sheet_merge); returns
** TG_OK or the first error (err set). Called once per pass. */
typedef tg_status (*tg_sheet_scan)(void *src, tg_sheet *b, tg_error *err);

/* Reads a sheet: 'where' names it in messages ("book.xlsx[Ark1]", copied).
** *out gets a new table; *report (may be NULL) a new report on TG_OK.
** TG_OK, TG_EDATA ("book.xlsx[Ark1]!C17: expected a number, got 'n/a'"),
** TG_EARG (a type override naming no column), TG_ENOMEM, or the scan's
** status. */
tg_status tg_sheet_read(const char *where, const tg_sheet_opts *o, tg_sheet_scan scan, void *src,
                        tg_table **out, tg_sheet_report **report, tg_error *err);

/* One cell from the source. TG_OK, TG_EDATA, TG_ENOMEM (err set). */
tg_status tg_sheet_put(tg_sheet *b, const tg_sheet_cell *cell, tg_error *err);

/* A merged range (0-based, inclusive), for naming header columns. */
tg_status tg_sheet_merge(tg_sheet *b, uint32_t r0, uint32_t c0, uint32_t r1, uint32_t c1);

/* "A1"-style names: writes the column letters of 0-based 'col' and the
** 1-based row (row 0 = none) into buf (at least 16 bytes). */
void tg_sheet_cell_name(uint32_t row, uint32_t col, char *buf);

/* Parses "B3:F200" (or "B3") into 0-based corners; 0 on success, -1 when
** it is not a range. */
int tg_sheet_parse_range(const char *s, uint32_t *r0, uint32_t *c0, uint32_t *r1, uint32_t *c1);

#endif /* TG_SHEET_H */
