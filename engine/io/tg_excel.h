/*
** tg_excel.h -- reading Excel workbooks (.xlsx/.xlsm through tg_xlsx,
** .xls through tg_xls), told apart by their first bytes, not their names.
** One sheet becomes one table through tg_sheet, typed as a CSV file's
** columns are; the report lists every sheet (hidden ones marked) and
** what was decided about the one read.
*/
#ifndef TG_EXCEL_H
#define TG_EXCEL_H

#include <stddef.h>

#include "tegn.h"
#include "tg_sheet.h"
#include "tg_table.h"

enum { TG_EXCEL_NONE = 0, TG_EXCEL_XLSX, TG_EXCEL_XLS };

/* What the first n bytes of a file are: TG_EXCEL_XLSX (a zip archive
** holding a workbook), TG_EXCEL_XLS (an OLE2 compound file) or
** TG_EXCEL_NONE. */
int tg_excel_kind(const unsigned char *head, size_t n);

/* The same for the file open on fd (read from offset 0; -1 on a read
** error). */
int tg_excel_kind_fd(int fd);

typedef struct tg_excel_opts {
    const char *sheet; /* its name, or NULL */
    int sheet_index;   /* 1-based; with sheet NULL and 0: the first visible sheet */
    tg_sheet_opts cells;
    /* use_fd = 1: read the open file 'fd' (not closed); path then only
    ** names it in messages. */
    int use_fd, fd;
    tg_interrupt intr; /* fn may be NULL */
    int expat;         /* 1: read .xlsx sheets with expat only (tg_xlsx_use_expat) */
} tg_excel_opts;

void tg_excel_opts_init(tg_excel_opts *o);

typedef struct tg_excel_sheetinfo {
    char name[128];
    int state;    /* 0 visible, 1 hidden, 2 very hidden */
    char dim[32]; /* "A1:H200" as the file states it, or "" */
} tg_excel_sheetinfo;

typedef struct tg_excel_report {
    int kind; /* TG_EXCEL_XLSX or TG_EXCEL_XLS */
    int date1904;
    size_t n_sheets;
    tg_excel_sheetinfo *sheets;
    size_t sheet;         /* the sheet read, 0-based */
    tg_sheet_report *rep; /* what was decided about it; NULL from tg_excel_list */
    char note[200];       /* why this sheet (a hidden first sheet passed over), or "" */
} tg_excel_report;

void tg_excel_report_free(tg_excel_report *r);

/* Reads one sheet of the workbook at 'path' into *out; *report (may be
** NULL) receives a new report on TG_OK. 'o' may be NULL for the defaults.
** TG_OK, TG_EIO, TG_EDATA (not a workbook, a hostile or corrupt one, or a
** bad value: "book.xlsx[Ark1]!C17: expected a number, got 'n/a'"), TG_EARG
** (no such sheet, a type naming no column), TG_ENOMEM, or the poll's
** status. */
tg_status tg_excel_read(const char *path, const tg_excel_opts *o, tg_table **out,
                        tg_excel_report **report, tg_error *err);

/* The workbook's sheets with their stated dimensions, without reading
** their cells. fd < 0: open path. */
tg_status tg_excel_list(const char *path, int fd, tg_excel_report **out, tg_error *err);

#endif /* TG_EXCEL_H */
