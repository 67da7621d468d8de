/*
** tg_xls.c -- .xls workbooks through freexl (see tg_xls.h). freexl
** reports dates, times and date-times as text; integers and doubles as
** numbers; text as UTF-8. Booleans and error values (also a formula's)
** it reads as empty, and it says nothing of sheet states or merged
** ranges: those come from tg_biff, which reads the same file's records,
** when it can (else the workbook reads as freexl sees it).
*/
#include "tg_xls.h"

#include <freexl.h>
#include <stdio.h>
#include <string.h>

#include "tg_biff.h"
#include "tg_err.h"
#include "tg_mem.h"

struct tg_xls {
    const void *h;
    const char *path;
    char **names;
    size_t n;
    tg_biff *biff; /* NULL when tg_biff could not follow the file */
};

static tg_status fail(const char *path, int code, tg_error *err) {
    if (code == FREEXL_INSUFFICIENT_MEMORY) return tg_err_nomem(err);
    return tg_err_set(err, TG_EDATA, path, 0, 0, "not a readable .xls workbook (freexl error %d)",
                      code);
}

tg_status tg_xls_open(int fd, const char *path, tg_xls **out, tg_error *err) {
    char proc[64];
    unsigned info = 0;
    *out = NULL;
    tg_xls *x = tg_calloc(1, sizeof *x);
    if (!x) return tg_err_nomem(err);
    x->path = path;
    /* tg_biff first: it refuses the compound files freexl would misread */
    tg_status st = tg_biff_open(fd, &x->biff);
    if (st != TG_OK) {
        tg_xls_close(x);
        return st == TG_ENOMEM ? tg_err_nomem(err)
                               : tg_err_set(err, TG_EDATA, path, 0, 0,
                                            "not a readable .xls workbook: its compound file "
                                            "(header, FAT, directory) or workbook stream is "
                                            "corrupt");
    }
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int r = freexl_open(proc, &x->h);
    if (r != FREEXL_OK) {
        x->h = NULL;
        tg_xls_close(x);
        return fail(path, r, err);
    }
    if (freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
        info == FREEXL_BIFF_OBFUSCATED) {
        tg_xls_close(x);
        return tg_err_set(err, TG_EDATA, path, 0, 0, "the .xls workbook is password protected");
    }
    if (freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &info) != FREEXL_OK) info = 0;
    x->names = tg_calloc(info ? info : 1, sizeof *x->names);
    if (!x->names) {
        tg_xls_close(x);
        return tg_err_nomem(err);
    }
    for (unsigned i = 0; i < info; i++) {
        const char *name = NULL;
        freexl_get_worksheet_name(x->h, (unsigned short)i, &name);
        if (!(x->names[x->n++] = tg_strdup(name ? name : ""))) {
            tg_xls_close(x);
            return tg_err_nomem(err);
        }
    }
    if (x->n == 0) {
        tg_xls_close(x);
        return tg_err_set(err, TG_EDATA, path, 0, 0, "the workbook has no sheets");
    }
    if (x->biff && tg_biff_n_sheets(x->biff) != x->n) { /* not the sheets freexl lists */
        tg_biff_free(x->biff);
        x->biff = NULL;
    }
    *out = x;
    return TG_OK;
}

void tg_xls_close(tg_xls *x) {
    if (!x) return;
    if (x->h) freexl_close(x->h);
    tg_biff_free(x->biff);
    for (size_t i = 0; i < x->n; i++) tg_free(x->names[i]);
    tg_free(x->names);
    tg_free(x);
}

size_t tg_xls_n_sheets(const tg_xls *x) {
    return x->n;
}

const char *tg_xls_sheet_name(const tg_xls *x, size_t i) {
    return x->names[i];
}

int tg_xls_sheet_state(const tg_xls *x, size_t i) {
    return x->biff ? tg_biff_sheet_state(x->biff, i) : 0;
}

tg_status tg_xls_dimension(tg_xls *x, size_t i, uint32_t *rows, uint32_t *cols, tg_error *err) {
    unsigned r = 0;
    unsigned short c = 0;
    int code = freexl_select_active_worksheet(x->h, (unsigned short)i);
    if (code == FREEXL_OK) code = freexl_worksheet_dimensions(x->h, &r, &c);
    if (code != FREEXL_OK) return fail(x->path, code, err);
    *rows = r;
    *cols = c;
    return TG_OK;
}

/* The cell at (r, c) that freexl read as empty, from tg_biff's list (in
** row and column order; *k walks it along). */
static int biff_cell(const tg_xls *x, size_t i, const tg_biff_cell *v, size_t n, size_t *k,
                     uint32_t r, uint32_t c, tg_sheet_cell *cell) {
    while (*k < n && (v[*k].row < r || (v[*k].row == r && v[*k].col < c))) (*k)++;
    if (*k == n || v[*k].row != r || v[*k].col != c) return 0;
    const tg_biff_cell *b = &v[*k];
    switch (b->kind) {
    case TG_BIFF_ERR:
        cell->kind = TG_SC_ERR;
        cell->s = tg_biff_error_text(b->val);
        cell->n = strlen(cell->s);
        break;
    case TG_BIFF_BOOL:
        cell->kind = TG_SC_BOOL;
        cell->num = b->val != 0;
        break;
    case TG_BIFF_NUM:
        cell->kind = TG_SC_NUM;
        cell->num = b->num;
        break;
    default:
        cell->kind = TG_SC_STR;
        cell->s = tg_biff_text(x->biff, i, b);
        cell->n = b->n;
    }
    return 1;
}

tg_status tg_xls_scan(tg_xls *x, size_t i, tg_sheet *b, tg_error *err) {
    uint32_t rows, cols;
    size_t n_extra = 0, k = 0, n_merges = 0;
    const tg_biff_cell *extra = x->biff ? tg_biff_cells(x->biff, i, &n_extra) : NULL;
    const uint32_t(*merges)[4] = x->biff ? tg_biff_merges(x->biff, i, &n_merges) : NULL;
    tg_status st = tg_xls_dimension(x, i, &rows, &cols, err);
    for (uint32_t r = 0; st == TG_OK && r < rows; r++) {
        for (uint32_t c = 0; st == TG_OK && c < cols; c++) {
            FreeXL_CellValue v;
            tg_sheet_cell cell;
            int code = freexl_get_cell_value(x->h, r, (unsigned short)c, &v);
            if (code != FREEXL_OK) return fail(x->path, code, err);
            memset(&cell, 0, sizeof cell);
            cell.row = r;
            cell.col = c;
            switch (v.type) {
            case FREEXL_CELL_INT:
                cell.kind = TG_SC_NUM;
                cell.num = (double)v.value.int_value;
                break;
            case FREEXL_CELL_DOUBLE:
                cell.kind = TG_SC_NUM;
                cell.num = v.value.double_value;
                break;
            case FREEXL_CELL_TEXT:
            case FREEXL_CELL_SST_TEXT: cell.kind = TG_SC_STR; break;
            case FREEXL_CELL_DATE:
            case FREEXL_CELL_DATETIME:
            case FREEXL_CELL_TIME: cell.kind = TG_SC_ISO; break;
            default:
                if (!biff_cell(x, i, extra, n_extra, &k, r, c, &cell)) continue;
                st = tg_sheet_put(b, &cell, err);
                continue;
            }
            if (cell.kind == TG_SC_STR || cell.kind == TG_SC_ISO) {
                cell.s = v.value.text_value ? v.value.text_value : "";
                cell.n = strlen(cell.s);
                /* a date-time at midnight is a date */
                if (v.type == FREEXL_CELL_DATETIME && cell.n == 19 &&
                    strcmp(cell.s + 10, " 00:00:00") == 0)
                    cell.n = 10;
            }
            st = tg_sheet_put(b, &cell, err);
        }
    }
    for (size_t m = 0; st == TG_OK && m < n_merges; m++)
        if (tg_sheet_merge(b, merges[m][0], merges[m][1], merges[m][2], merges[m][3]) != TG_OK)
            st = tg_err_nomem(err);
    return st;
}
