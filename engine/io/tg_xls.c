/*
** tg_xls.c -- .xls workbooks through freexl (see tg_xls.h). freexl
** reports dates, times and date-times as text; integers and doubles as
** numbers; text as UTF-8. It has no booleans or error values of its own.
*/
#include "tg_xls.h"

#include <freexl.h>
#include <stdio.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"

struct tg_xls {
    const void *h;
    const char *path;
    char **names;
    size_t n;
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
    *out = x;
    return TG_OK;
}

void tg_xls_close(tg_xls *x) {
    if (!x) return;
    if (x->h) freexl_close(x->h);
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

tg_status tg_xls_scan(tg_xls *x, size_t i, tg_sheet *b, tg_error *err) {
    uint32_t rows, cols;
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
            default: continue;
            }
            if (cell.kind != TG_SC_NUM) {
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
    return st;
}
