/*
** tg_xlsxw.c -- tables as an Excel workbook through libxlsxwriter (see
** tg_xlsxw.h). libxlsxwriter writes its zip by file name, never through a
** descriptor, so it is given /proc/self/fd/<n> of the tg_out's temporary
** file: the name reopens that very file in the folder the caller checked,
** whatever the path leads to by then, and the commit renames it into place
** as for every other output. Sheets are written in libxlsxwriter's
** constant-memory mode (one row held at a time, text as inline strings),
** so a large table costs its own memory, not a second copy in cells.
** Before a byte is written every sheet is checked against Excel's limits,
** so a refused table leaves no partial file behind.
*/
#include "tg_xlsxw.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <xlsxwriter.h>

#include "tg_date.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_zip.h"

/* The document's creation date, fixed so that the same tables give the
** same bytes (libxlsxwriter takes the clock for 0): 2000-01-01 00:00 UTC. */
#define FIXED_CREATED 946684800

/* Days from Excel's day 0 (1899-12-30 as the 1900 system counts from 1
** March 1900 on) to 1970-01-01. */
#define EXCEL_EPOCH_1970 25569
/* 1900-03-01 and 1900-01-01 as days since 1970: Excel counts a 29
** February 1900 that never was, so serials before March are one lower. */
#define DAY_1900_03_01 (-25508)
#define DAY_1900_01_01 (-25567)
#define DAY_9999_12_31 2932896 /* Excel's last day */

/* Ints beyond this are written as text: Excel keeps 15 digits. */
#define MAX_EXACT_INT 999999999999999LL

#define MAX_WIDTH 80.0 /* a column of long text stays usable on screen */

/* What a column needs while its cells are written. */
struct colplan {
    lxw_format *fmt; /* the cells' number format, NULL = General */
    int places;      /* >= 0: number values rounded to this many places */
    int custom;      /* the format is the caller's own code */
};

void tg_xlsxw_opts_init(tg_xlsxw_opts *opts) {
    memset(opts, 0, sizeof *opts);
    opts->decimals = -1;
    opts->header = 1;
    opts->freeze = 1;
    opts->autofilter = 1;
}

/* ---- names ---- */

tg_status tg_xlsxw_check_name(const char *name, const char *path, tg_error *err) {
    size_t n = strlen(name);
    if (n == 0) return tg_err_set(err, TG_EARG, path, 0, 0, "a sheet name cannot be empty");
    if (tg_enc_utf8_valid((const unsigned char *)name, n, 1) != n)
        return tg_err_set(err, TG_EARG, path, 0, 0, "sheet name '%s' is not UTF-8", name);
    if (tg_enc_utf8_len(name, n) > TG_XLSXW_MAX_NAME)
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "sheet name '%s' is %zu characters; Excel allows at most %d", name,
                          tg_enc_utf8_len(name, n), TG_XLSXW_MAX_NAME);
    const char *bad = strpbrk(name, "[]:*?/\\");
    if (bad)
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "sheet name '%s' contains '%c'; Excel allows none of [ ] : * ? / \\",
                          name, *bad);
    if (name[0] == '\'' || name[n - 1] == '\'')
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "sheet name '%s' starts or ends with an apostrophe, which Excel forbids",
                          name);
    if (n == 7 && strncasecmp(name, "history", 7) == 0)
        return tg_err_set(err, TG_EARG, path, 0, 0, "'%s' is a sheet name Excel reserves", name);
    return TG_OK;
}

/* The next character of UTF-8 's' at *i folded for Excel's case-blind
** sheet names: ASCII and Latin-1 letters (Æ Ø Å É Ü ...) to lower case;
** any other byte as it is. */
static unsigned fold_next(const unsigned char *s, size_t *i) {
    unsigned c = s[(*i)++];
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c == 0xC3 && s[*i] >= 0x80 && s[*i] <= 0x9E && s[*i] != 0x97)
        return 0xE0 + s[(*i)++] - 0x80;
    if (c == 0xC3 && s[*i] >= 0x80 && s[*i] <= 0xBF) return 0xC0 + s[(*i)++] - 0x80;
    return c;
}

static int same_name(const char *a, const char *b) {
    size_t i = 0, j = 0;
    for (;;) {
        unsigned x = fold_next((const unsigned char *)a, &i);
        unsigned y = fold_next((const unsigned char *)b, &j);
        if (x != y) return 0;
        if (x == 0) return 1;
    }
}

/* ---- checks before writing ---- */

/* "out.xlsx[Ark1]!C17", the place a message names (row and col 0-based). */
static const char *cell_ref(char *buf, size_t size, const char *path, const char *sheet, size_t row,
                            size_t col) {
    char cell[32];
    lxw_rowcol_to_cell(cell, (lxw_row_t)row, (lxw_col_t)col);
    snprintf(buf, size, "%s[%s]!%s", path, sheet, cell);
    return buf;
}

/* The reason the text v (n bytes) cannot be a cell's, or NULL. The XML
** of the workbook holds Unicode text only: bytes that are not UTF-8 would
** make a file Excel refuses to open. */
static const char *bad_text(const char *v, size_t n, char *why, size_t size) {
    if (tg_enc_utf8_valid((const unsigned char *)v, n, 1) != n)
        return "text that is not UTF-8; an Excel cell holds Unicode text only";
    if (n > TG_XLSXW_MAX_TEXT && tg_enc_utf8_len(v, n) > TG_XLSXW_MAX_TEXT) {
        snprintf(why, size, "text of %zu characters; an Excel cell holds at most %d",
                 tg_enc_utf8_len(v, n), TG_XLSXW_MAX_TEXT);
        return why;
    }
    return NULL;
}

/* Text that no cell holds: the header's names and a string column's values. */
static tg_status check_text(const tg_xlsxw_sheet *s, size_t j, size_t first, const char *path,
                            tg_error *err) {
    const tg_col *c = s->t->cols[j];
    char where[512], why[128];
    const char *bad;
    if (first && (bad = bad_text(s->t->names[j], strlen(s->t->names[j]), why, sizeof why)))
        return tg_err_set(err, TG_EARG, cell_ref(where, sizeof where, path, s->name, 0, j), 0, 0,
                          "column name: %s", bad);
    for (size_t r = 0; r < s->t->n_rows && c->type == TG_STRING; r++) {
        size_t n;
        if (!tg_col_is_valid(c, r)) continue;
        const char *v = tg_dict_str(c->dict, c->v.str[r], &n);
        if ((bad = bad_text(v, n, why, sizeof why)))
            return tg_err_set(err, TG_EARG,
                              cell_ref(where, sizeof where, path, s->name, r + first, j), 0, 0,
                              "%s", bad);
    }
    return TG_OK;
}

static tg_status check_sheet(const tg_xlsxw_sheet *s, const tg_xlsxw_opts *opts, const char *path,
                             tg_error *err) {
    const tg_table *t = s->t;
    tg_status st = tg_xlsxw_check_name(s->name, path, err);
    if (st != TG_OK) return st;
    if (t->n_cols > TG_XLSXW_MAX_COLS)
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "sheet '%s': %zu columns; an Excel sheet holds at most %d", s->name,
                          t->n_cols, TG_XLSXW_MAX_COLS);
    if (t->n_rows + (opts->header ? 1 : 0) > TG_XLSXW_MAX_ROWS)
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "sheet '%s': %zu rows%s; an Excel sheet holds at most %d", s->name,
                          t->n_rows, opts->header ? " and a header" : "", TG_XLSXW_MAX_ROWS);
    for (size_t j = 0; j < t->n_cols; j++) {
        const char *f = s->formats ? s->formats[j] : NULL;
        int d = s->decimals ? s->decimals[j] : TG_OUT_DECIMALS_DEFAULT;
        if (f && (f[0] == '\0' || strlen(f) > TG_XLSXW_MAX_FORMAT))
            return tg_err_set(err, TG_EARG, path, 0, 0,
                              "sheet '%s', column '%s': a number format is 1 to %d bytes", s->name,
                              t->names[j], TG_XLSXW_MAX_FORMAT);
        if (d != TG_OUT_DECIMALS_DEFAULT && (d < 0 || d > TG_XLSXW_MAX_DECIMAL))
            return tg_err_set(err, TG_EARG, path, 0, 0,
                              "sheet '%s', column '%s': decimals must be 0 to %d", s->name,
                              t->names[j], TG_XLSXW_MAX_DECIMAL);
        if ((st = check_text(s, j, opts->header ? 1 : 0, path, err)) != TG_OK) return st;
    }
    return TG_OK;
}

static tg_status check_all(const tg_xlsxw_sheet *sheets, size_t n, const tg_xlsxw_opts *opts,
                           const char *path, tg_error *err) {
    if (n == 0) return tg_err_set(err, TG_EARG, path, 0, 0, "a workbook needs at least one sheet");
    if (opts->decimals < -1 || opts->decimals > TG_XLSXW_MAX_DECIMAL)
        return tg_err_set(err, TG_EARG, path, 0, 0, "decimals must be -1 (General) or 0 to %d",
                          TG_XLSXW_MAX_DECIMAL);
    for (size_t k = 0; k < n; k++) {
        tg_status st = check_sheet(&sheets[k], opts, path, err);
        if (st != TG_OK) return st;
        for (size_t i = 0; i < k; i++)
            if (same_name(sheets[i].name, sheets[k].name))
                return tg_err_set(err, TG_EARG, path, 0, 0,
                                  "sheet names '%s' and '%s' are the same to Excel, which "
                                  "ignores case",
                                  sheets[i].name, sheets[k].name);
    }
    return TG_OK;
}

/* ---- formats and widths ---- */

/* "#,##0" and n places: Danish Excel shows 5786.25 with n = 2 as 5.786,25. */
static void fixed_code(int places, char *buf) {
    strcpy(buf, "#,##0");
    if (places > 0) {
        size_t n = strlen(buf);
        buf[n++] = '.';
        memset(buf + n, '0', (size_t)places);
        buf[n + (size_t)places] = '\0';
    }
}

/* The places and format of column j into *out (NULL format and -1 places
** for General); -1 when libxlsxwriter is out of memory. */
static int plan_column(lxw_workbook *wb, const tg_xlsxw_sheet *s, size_t j,
                       const tg_xlsxw_opts *opts, struct colplan *out) {
    struct colplan p = { NULL, -1, 0 };
    tg_type type = s->t->cols[j]->type;
    const char *code = s->formats ? s->formats[j] : NULL;
    int d = s->decimals ? s->decimals[j] : TG_OUT_DECIMALS_DEFAULT;
    char fixed[32];

    if (type == TG_FLOAT) { /* as for CSV: an int column keeps its digits */
        if (d == TG_OUT_DECIMALS_DEFAULT) d = opts->decimals;
        if (d >= 0) p.places = d;
    }
    if (!code && p.places >= 0) {
        fixed_code(p.places, fixed);
        code = fixed;
    } else if (!code && type == TG_DATE) {
        code = "dd-mm-yyyy";
    }
    p.custom = code && s->formats && code == s->formats[j];
    if (code) {
        if (!(p.fmt = workbook_add_format(wb))) return -1;
        format_set_num_format(p.fmt, code);
    }
    *out = p;
    return 0;
}

/* Characters the value at row r shows in Excel (near enough for a width). */
static size_t shown_len(const tg_col *c, size_t r, const struct colplan *p) {
    char buf[TG_FMT_DA_MAX];
    size_t n;
    double v;
    switch (c->type) {
    case TG_DATE: return p->custom ? 14 : 10; /* "september 2026" */
    case TG_BOOL: return 5;                   /* FALSK, SAND, FALSE, TRUE */
    case TG_STRING: {
        const char *s = tg_dict_str(c->dict, c->v.str[r], &n);
        return tg_enc_utf8_len(s, n);
    }
    case TG_INT: v = (double)c->v.i64[r]; break;
    case TG_FLOAT: v = c->v.f64[r]; break;
    default: return 0;
    }
    n = tg_fmt_da(v, p->places, buf);
    size_t seps = 0;
    if (p->places < 0) /* General shows no thousands separator */
        for (size_t i = 0; i < n; i++) seps += buf[i] == '.';
    return n - seps + (p->custom ? 2 : 0);
}

/* A width that fits the header (with its filter button) and every value. */
static double fit_width(const tg_xlsxw_sheet *s, size_t j, const struct colplan *p,
                        const tg_xlsxw_opts *opts) {
    const tg_col *c = s->t->cols[j];
    size_t w = 0;
    if (opts->header)
        w = tg_enc_utf8_len(s->t->names[j], strlen(s->t->names[j])) + (opts->autofilter ? 3 : 1);
    for (size_t r = 0; r < s->t->n_rows; r++) {
        if (!tg_col_is_valid(c, r)) continue;
        size_t n = shown_len(c, r, p);
        if (n > w) w = n;
    }
    double width = (double)w + 1.5;
    return width < 4 ? 4 : width > MAX_WIDTH ? MAX_WIDTH : width;
}

/* ---- cells ---- */

/* 1 when p starts "_xHHHH_", which readers of the file take for an escaped
** character (libxlsxwriter writes control characters so: _x0001_). */
static int x_escape_at(const char *p) {
    return p[0] == '_' && p[1] == 'x' && strspn(p + 2, "0123456789ABCDEFabcdef") >= 4 &&
           p[6] == '_';
}

/* Writes text s; an "_xHHHH_" in it gets its '_' written as _x005F_, so
** readers give back the text as it was, not the character it looks like. */
static lxw_error put_string(lxw_worksheet *ws, size_t row, size_t col, const char *s,
                            lxw_format *fmt) {
    const char *p = strstr(s, "_x");
    while (p && !x_escape_at(p)) p = strstr(p + 1, "_x");
    if (!p) return worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, fmt);
    size_t k = 0;
    char *e = tg_malloc(7 * strlen(s) + 1);
    if (!e) return LXW_ERROR_MEMORY_MALLOC_FAILED;
    for (p = s; *p; p++) {
        if (x_escape_at(p)) {
            memcpy(e + k, "_x005F", 6);
            k += 6;
        }
        e[k++] = *p;
    }
    e[k] = '\0';
    lxw_error r = worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, e, fmt);
    tg_free(e);
    return r;
}

static lxw_error put_text(lxw_worksheet *ws, size_t row, size_t col, const char *s) {
    return worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, NULL);
}

static lxw_error put_date(lxw_worksheet *ws, size_t row, size_t col, int32_t day, lxw_format *fmt) {
    char iso[32];
    if (day < DAY_1900_01_01 || day > DAY_9999_12_31) { /* outside Excel's calendar: as text */
        tg_date_format(day, iso);
        return put_text(ws, row, col, iso);
    }
    double serial = (double)day + EXCEL_EPOCH_1970 - (day < DAY_1900_03_01 ? 1 : 0);
    return worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, serial, fmt);
}

static lxw_error put_cell(lxw_worksheet *ws, size_t row, size_t col, const tg_col *c, size_t r,
                          const struct colplan *p) {
    lxw_row_t wr = (lxw_row_t)row;
    lxw_col_t wc = (lxw_col_t)col;
    char buf[TG_FMT_INT_MAX];
    switch (c->type) {
    case TG_INT:
        if (c->v.i64[r] > MAX_EXACT_INT || c->v.i64[r] < -MAX_EXACT_INT) {
            tg_fmt_int64(c->v.i64[r], buf);
            return put_text(ws, row, col, buf);
        }
        return worksheet_write_number(ws, wr, wc, (double)c->v.i64[r], p->fmt);
    case TG_FLOAT:
        if (!isfinite(c->v.f64[r])) return LXW_NO_ERROR; /* as NULL: empty */
        return worksheet_write_number(ws, wr, wc, tg_fmt_round(c->v.f64[r], p->places), p->fmt);
    case TG_BOOL: return worksheet_write_boolean(ws, wr, wc, c->v.b8[r], p->fmt);
    case TG_DATE: return put_date(ws, row, col, c->v.date[r], p->fmt);
    case TG_STRING: {
        size_t n;
        return put_string(ws, row, col, tg_dict_str(c->dict, c->v.str[r], &n), p->fmt);
    }
    }
    return LXW_NO_ERROR;
}

/* ---- checking the zip libxlsxwriter made ----
** libxlsxwriter writes each part of the workbook to a temporary file of
** its own (tmpfile(3)) and zips it from there, and it checks none of those
** writes: with the disk full, or a file size limit, a part is cut short
** and the zip, valid as a zip, holds a workbook Excel cannot open, with
** success reported. So before the commit every part is read back from the
** written file through tg_zip (libzip checks each part's size and CRC)
** and an XML part must end with the closing tag of its root element. */

#define TAIL_KEEP 128 /* bytes of a part's start and end kept for its tags */

/* The start and the end of one part as it inflates. */
struct part {
    char head[TAIL_KEEP];
    char tail[TAIL_KEEP];
    size_t head_len, tail_len;
};

static tg_status part_add(void *ud, const char *s, size_t n) {
    struct part *p = ud;
    size_t h = n < TAIL_KEEP - p->head_len ? n : TAIL_KEEP - p->head_len;
    memcpy(p->head + p->head_len, s, h);
    p->head_len += h;
    if (n >= TAIL_KEEP) {
        memcpy(p->tail, s + n - TAIL_KEEP, TAIL_KEEP);
        p->tail_len = TAIL_KEEP;
        return TG_OK;
    }
    size_t keep = p->tail_len + n > TAIL_KEEP ? TAIL_KEEP - n : p->tail_len;
    memmove(p->tail, p->tail + p->tail_len - keep, keep);
    memcpy(p->tail + keep, s, n);
    p->tail_len = keep + n;
    return TG_OK;
}

/* 1 when an XML part ends with the closing tag of the element it opens. */
static int xml_complete(const struct part *p) {
    char root[64], end[80];
    size_t i = 0, n = 0;
    while (i + 1 < p->head_len && (p->head[i] != '<' || p->head[i + 1] == '?')) i++;
    for (i++; i < p->head_len && n + 1 < sizeof root && !strchr(" \t\r\n/>", p->head[i]); i++)
        root[n++] = p->head[i];
    root[n] = '\0';
    size_t len = p->tail_len;
    while (len > 0 && strchr(" \t\r\n", p->tail[len - 1])) len--;
    int k = snprintf(end, sizeof end, "</%s>", root);
    return n > 0 && (size_t)k <= len && memcmp(p->tail + len - (size_t)k, end, (size_t)k) == 0;
}

static int is_xml(const char *name) {
    size_t n = strlen(name);
    return n >= 4 && (strcmp(name + n - 4, ".xml") == 0 || strcmp(name + n - 4, "rels") == 0);
}

/* TG_OK when every part of the zip open as fd is whole; the poll's
** status or TG_ENOMEM as they come; else TG_EIO, a part cut short. */
static tg_status check_zip(int fd, const char *path, const tg_interrupt *intr, tg_error *err) {
    tg_zip_limits lim;
    tg_zip *z = NULL;
    tg_error zerr;
    tg_zip_limits_init(&lim);
    lim.max_ratio = UINT_MAX; /* our own parts: rows alike compress far */
    tg_status st = tg_zip_open(fd, path, &lim, &z, &zerr);
    for (size_t i = 0; st == TG_OK && i < tg_zip_count(z); i++) {
        const char *name = tg_zip_name(z, i);
        struct part p;
        memset(&p, 0, sizeof p);
        st = name ? tg_zip_stream(z, name, part_add, &p, intr, &zerr) : TG_EDATA;
        if (st == TG_OK && is_xml(name) && !xml_complete(&p)) st = TG_EDATA;
    }
    tg_zip_close(z); /* NULL when it did not open */
    if (st == TG_OK) return TG_OK;
    if (st == TG_ENOMEM) return tg_err_nomem(err);
    if (st != TG_EDATA && st != TG_EIO) /* the time limit or a signal */
        return tg_err_set(err, st, path, 0, 0, "stopped while writing");
    return tg_err_set(err, TG_EIO, path, 0, 0,
                      "cannot write the workbook: a part of it came out cut short (is the disk or "
                      "the temporary folder full?)");
}

/* ---- the workbook ---- */

static tg_status lxw_status(lxw_error e, const char *path, tg_error *err) {
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED) return tg_err_nomem(err);
    return tg_err_set(err, TG_EIO, path, 0, 0, "cannot write the workbook: %s", lxw_strerror(e));
}

/* The header row, the widths, the frozen row and the filter of sheet s. */
static lxw_error lay_out(lxw_worksheet *ws, const tg_xlsxw_sheet *s, const struct colplan *plan,
                         lxw_format *bold, const tg_xlsxw_opts *opts) {
    const tg_table *t = s->t;
    lxw_error e = LXW_NO_ERROR;
    for (size_t j = 0; j < t->n_cols && e == LXW_NO_ERROR; j++)
        e = worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, fit_width(s, j, &plan[j], opts),
                                 NULL);
    if (!opts->header || t->n_cols == 0 || e != LXW_NO_ERROR) return e;
    if (opts->freeze) worksheet_freeze_panes(ws, 1, 0);
    if (opts->autofilter)
        e = worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->n_rows, (lxw_col_t)(t->n_cols - 1));
    for (size_t j = 0; j < t->n_cols && e == LXW_NO_ERROR; j++)
        e = put_string(ws, 0, j, t->names[j], bold);
    return e;
}

static tg_status write_sheet(lxw_workbook *wb, const tg_xlsxw_sheet *s, lxw_format *bold,
                             const tg_xlsxw_opts *opts, const char *path, tg_error *err) {
    const tg_table *t = s->t;
    lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
    if (!ws) return tg_err_nomem(err);
    struct colplan *plan = tg_calloc(t->n_cols ? t->n_cols : 1, sizeof *plan);
    if (!plan) return tg_err_nomem(err);
    for (size_t j = 0; j < t->n_cols; j++)
        if (plan_column(wb, s, j, opts, &plan[j]) != 0) {
            tg_free(plan);
            return tg_err_nomem(err);
        }
    size_t first = opts->header ? 1 : 0;
    lxw_error e = lay_out(ws, s, plan, bold, opts);
    tg_status st = TG_OK;
    for (size_t r = 0; r < t->n_rows && e == LXW_NO_ERROR; r++) {
        if (r % TG_VECTOR == 0 && r > 0 && (st = tg_poll(opts->intr)) != TG_OK) break;
        for (size_t j = 0; j < t->n_cols && e == LXW_NO_ERROR; j++)
            if (tg_col_is_valid(t->cols[j], r))
                e = put_cell(ws, r + first, j, t->cols[j], r, &plan[j]);
    }
    tg_free(plan);
    if (st != TG_OK) return tg_err_set(err, st, path, 0, 0, "stopped while writing");
    return e == LXW_NO_ERROR ? TG_OK : lxw_status(e, path, err);
}

/* The name libxlsxwriter opens: the temporary file itself, by descriptor. */
static tg_status fd_name(const tg_out *o, char *buf, size_t size, tg_error *err) {
    struct stat sb;
    snprintf(buf, size, "/proc/self/fd/%d", tg_out_fd(o));
    if (stat(buf, &sb) != 0)
        return tg_err_set(err, TG_EIO, tg_out_path(o), 0, 0,
                          "cannot write .xlsx: libxlsxwriter writes by name and /proc is missing");
    return TG_OK;
}

static tg_status build(const char *name, const tg_xlsxw_sheet *sheets, size_t n,
                       const tg_xlsxw_opts *opts, const char *path, tg_error *err) {
    lxw_workbook_options wo = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = 0 };
    lxw_doc_properties props = { .created = FIXED_CREATED };
    lxw_workbook *wb = workbook_new_opt(name, &wo);
    if (!wb) return tg_err_nomem(err);
    tg_status st = TG_OK;
    lxw_format *bold = workbook_add_format(wb);
    if (!bold || workbook_set_properties(wb, &props) != LXW_NO_ERROR) st = tg_err_nomem(err);
    else format_set_bold(bold);
    for (size_t k = 0; k < n && st == TG_OK; k++)
        st = write_sheet(wb, &sheets[k], bold, opts, path, err);
    if (st != TG_OK) {
        lxw_workbook_free(wb); /* nothing written yet: the zip is made by close */
        return st;
    }
    lxw_error e = workbook_close(wb); /* frees wb whatever happens */
    return e == LXW_NO_ERROR ? TG_OK : lxw_status(e, path, err);
}

tg_status tg_xlsxw_write_take(tg_out *o, const tg_xlsxw_sheet *sheets, size_t n,
                              const tg_xlsxw_opts *opts, tg_error *err) {
    tg_xlsxw_opts defaults;
    char name[64];
    assert(o != NULL && (sheets != NULL || n == 0));
    if (!opts) {
        tg_xlsxw_opts_init(&defaults);
        opts = &defaults;
    }
    const char *path = tg_out_path(o);
    tg_status st = check_all(sheets, n, opts, path, err);
    if (st == TG_OK) st = fd_name(o, name, sizeof name, err);
    if (st == TG_OK) st = build(name, sheets, n, opts, path, err);
    if (st == TG_OK) st = check_zip(tg_out_fd(o), path, opts->intr, err);
    if (st != TG_OK) {
        tg_out_abort(o); /* after the message: 'path' is the handle's */
        return st;
    }
    return tg_out_commit(o, err);
}

tg_status tg_xlsxw_write(const char *path, const tg_xlsxw_sheet *sheets, size_t n,
                         const tg_xlsxw_opts *opts, tg_error *err) {
    tg_out *o;
    assert(path != NULL);
    tg_status st = tg_out_open(path, &o, err);
    if (st != TG_OK) return st;
    return tg_xlsxw_write_take(o, sheets, n, opts, err);
}
