/*
** tg_excel.c -- the front of the workbook readers (see tg_excel.h): the
** file's kind from its first bytes (tg_csvprep_kind, the one home of
** magic numbers), the workbook opened by its format's module, the sheet
** chosen, and its cells handed to tg_sheet.
*/
#include "tg_excel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_csvprep.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_xls.h"
#include "tg_xlsx.h"

int tg_excel_kind(const unsigned char *head, size_t n) {
    const char *what;
    int k = tg_csvprep_kind(head, n, &what);
    return k == TG_PREP_XLSX ? TG_EXCEL_XLSX : k == TG_PREP_XLS ? TG_EXCEL_XLS : TG_EXCEL_NONE;
}

/* The file's first bytes; -1 on a read error. */
static ssize_t read_head(int fd, unsigned char *head, size_t size) {
    ssize_t n;
    do n = pread(fd, head, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
}

int tg_excel_kind_fd(int fd) {
    unsigned char head[TG_CSVPREP_HEAD];
    ssize_t n = read_head(fd, head, sizeof head);
    return n < 0 ? -1 : tg_excel_kind(head, (size_t)n);
}

/* read_excel itself tries any zip archive as a workbook: a writer may put
** docProps/ first, where the first bytes show no workbook part. */
static int kind_for_read(int fd) {
    unsigned char head[TG_CSVPREP_HEAD];
    ssize_t n = read_head(fd, head, sizeof head);
    if (n < 0) return -1;
    int kind = tg_excel_kind(head, (size_t)n);
    if (kind == TG_EXCEL_NONE && n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0) kind = TG_EXCEL_XLSX;
    return kind;
}

void tg_excel_opts_init(tg_excel_opts *o) {
    memset(o, 0, sizeof *o);
    tg_sheet_opts_init(&o->cells);
}

void tg_excel_report_free(tg_excel_report *r) {
    if (!r) return;
    tg_free(r->sheets);
    tg_sheet_report_free(r->rep);
    tg_free(r);
}

/* ---- one open workbook, either kind ---- */

struct book {
    int kind;
    tg_xlsx *xlsx;
    tg_xls *xls;
    size_t sheet; /* for scan() */
};

static tg_status scan(void *src, tg_sheet *b, tg_error *err) {
    struct book *bk = src;
    return bk->kind == TG_EXCEL_XLSX ? tg_xlsx_scan(bk->xlsx, bk->sheet, b, err)
                                     : tg_xls_scan(bk->xls, bk->sheet, b, err);
}

static size_t n_sheets(const struct book *bk) {
    return bk->kind == TG_EXCEL_XLSX ? tg_xlsx_n_sheets(bk->xlsx) : tg_xls_n_sheets(bk->xls);
}

static const char *sheet_name(const struct book *bk, size_t i) {
    return bk->kind == TG_EXCEL_XLSX ? tg_xlsx_sheet_name(bk->xlsx, i)
                                     : tg_xls_sheet_name(bk->xls, i);
}

static int sheet_state(const struct book *bk, size_t i) {
    return bk->kind == TG_EXCEL_XLSX ? tg_xlsx_sheet_state(bk->xlsx, i)
                                     : tg_xls_sheet_state(bk->xls, i);
}

static tg_status dimension(struct book *bk, size_t i, char *dim, tg_error *err) {
    if (bk->kind == TG_EXCEL_XLSX) return tg_xlsx_dimension(bk->xlsx, i, dim, err);
    uint32_t rows, cols;
    tg_status st = tg_xls_dimension(bk->xls, i, &rows, &cols, err);
    dim[0] = '\0';
    if (st == TG_OK && rows && cols) {
        char end[16];
        tg_sheet_cell_name(rows, cols - 1, end);
        snprintf(dim, 32, "A1:%s", end);
    }
    return st;
}

static tg_status book_open(struct book *bk, int fd, const char *path, const tg_interrupt *intr,
                           tg_error *err) {
    memset(bk, 0, sizeof *bk);
    bk->kind = kind_for_read(fd);
    if (bk->kind < 0)
        return tg_err_set(err, TG_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    if (bk->kind == TG_EXCEL_XLSX) return tg_xlsx_open(fd, path, intr, &bk->xlsx, err);
    if (bk->kind == TG_EXCEL_XLS) return tg_xls_open(fd, path, &bk->xls, err);
    return tg_err_set(err, TG_EDATA, path, 0, 0,
                      "not an Excel workbook (.xlsx, .xlsm or .xls) by its first bytes");
}

static void book_close(struct book *bk) {
    tg_xlsx_close(bk->xlsx);
    tg_xls_close(bk->xls);
}

static tg_status open_fd(const char *path, int *fd, tg_error *err) {
    struct stat sb;
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0) return tg_err_set(err, TG_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(*fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(*fd);
        *fd = -1;
        return tg_err_set(err, TG_EIO, path, 0, 0, "not a regular file");
    }
    return TG_OK;
}

/* The report's sheet list; 'dims' reads each sheet's stated size. */
static tg_status new_report(struct book *bk, int dims, tg_excel_report **out, tg_error *err) {
    size_t n = n_sheets(bk);
    tg_excel_report *r = tg_calloc(1, sizeof *r);
    if (!r || !(r->sheets = tg_calloc(n ? n : 1, sizeof *r->sheets))) {
        tg_free(r);
        return tg_err_nomem(err);
    }
    r->kind = bk->kind;
    r->date1904 = bk->kind == TG_EXCEL_XLSX && tg_xlsx_date1904(bk->xlsx);
    r->n_sheets = n;
    for (size_t i = 0; i < n; i++) {
        snprintf(r->sheets[i].name, sizeof r->sheets[i].name, "%s", sheet_name(bk, i));
        r->sheets[i].state = sheet_state(bk, i);
        tg_status st = dims ? dimension(bk, i, r->sheets[i].dim, err) : TG_OK;
        if (st != TG_OK) {
            tg_excel_report_free(r);
            return st;
        }
    }
    *out = r;
    return TG_OK;
}

/* ---- choosing the sheet ---- */

static tg_status pick_sheet(struct book *bk, const char *path, const tg_excel_opts *o, size_t *i,
                            char *note, size_t note_size, tg_error *err) {
    size_t n = n_sheets(bk);
    note[0] = '\0';
    if (o->sheet) {
        for (*i = 0; *i < n; (*i)++)
            if (strcmp(sheet_name(bk, *i), o->sheet) == 0) return TG_OK;
        char list[300] = "";
        for (size_t k = 0; k < n; k++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s'%s'", k ? ", " : "", sheet_name(bk, k));
        }
        return tg_err_set(err, TG_EARG, path, 0, 0, "no sheet '%s' in the workbook; its sheets: %s",
                          o->sheet, list);
    }
    if (o->sheet_index > 0) {
        if ((size_t)o->sheet_index > n)
            return tg_err_set(err, TG_EARG, path, 0, 0,
                              "sheet %d asked for; the workbook has %zu sheet(s)", o->sheet_index,
                              n);
        *i = (size_t)o->sheet_index - 1;
        return TG_OK;
    }
    for (*i = 0; *i < n && sheet_state(bk, *i) != 0; (*i)++) {
    }
    if (*i == n) *i = 0; /* every sheet hidden: the first */
    if (*i > 0)
        snprintf(note, note_size, "sheet '%s' is hidden; read '%s', the first visible sheet",
                 sheet_name(bk, 0), sheet_name(bk, *i));
    return TG_OK;
}

/* ---- the entry points ---- */

tg_status tg_excel_read(const char *path, const tg_excel_opts *o, tg_table **out,
                        tg_excel_report **report, tg_error *err) {
    tg_excel_opts defaults;
    struct book bk;
    int fd;
    *out = NULL;
    if (report) *report = NULL;
    if (!o) {
        tg_excel_opts_init(&defaults);
        o = &defaults;
    }
    tg_status st = o->use_fd ? TG_OK : open_fd(path, &fd, err);
    if (st != TG_OK) return st;
    if (o->use_fd) fd = o->fd;
    st = book_open(&bk, fd, path, &o->intr, err);
    char note[200], where[400];
    if (st == TG_OK) st = pick_sheet(&bk, path, o, &bk.sheet, note, sizeof note, err);
    tg_sheet_report *rep = NULL;
    if (st == TG_OK) {
        tg_sheet_opts cells = o->cells;
        cells.date1904 = bk.kind == TG_EXCEL_XLSX && tg_xlsx_date1904(bk.xlsx);
        snprintf(where, sizeof where, "%s[%s]", path, sheet_name(&bk, bk.sheet));
        if (bk.kind == TG_EXCEL_XLSX && o->expat) tg_xlsx_use_expat(bk.xlsx);
        st = tg_sheet_read(where, &cells, scan, &bk, out, report ? &rep : NULL, err);
        if (st != TG_OK && bk.kind == TG_EXCEL_XLSX && tg_xlsx_take_retry(bk.xlsx))
            st = tg_sheet_read(where, &cells, scan, &bk, out, report ? &rep : NULL, err);
    }
    if (st == TG_OK && report) {
        st = new_report(&bk, 0, report, err);
        if (st == TG_OK) {
            (*report)->sheet = bk.sheet;
            (*report)->rep = rep;
            snprintf((*report)->note, sizeof(*report)->note, "%s", note);
            rep = NULL;
        } else {
            tg_table_release(*out);
            *out = NULL;
        }
    }
    tg_sheet_report_free(rep);
    book_close(&bk);
    if (!o->use_fd) close(fd);
    return st;
}

tg_status tg_excel_list(const char *path, int fd, tg_excel_report **out, tg_error *err) {
    struct book bk;
    int own = fd < 0;
    *out = NULL;
    tg_status st = own ? open_fd(path, &fd, err) : TG_OK;
    if (st != TG_OK) return st;
    st = book_open(&bk, fd, path, NULL, err);
    if (st == TG_OK) st = new_report(&bk, 1, out, err);
    book_close(&bk);
    if (own) close(fd);
    return st;
}
