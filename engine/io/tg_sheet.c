/*
** tg_sheet.c -- a worksheet's cells into a table (see tg_sheet.h).
** Pass 0 finds the layout (header row, first data row, the columns in
** use, how many rows are kept) and types every column; the layout is then
** fixed, so a later pass pushes exactly the same rows, now as text, to the
** columns the decision sent back. Every cell the table covers is pushed,
** an empty one as the null text "": a column builder reads a row it never
** got as garbage, not as null. A row whose first cell names a total is
** held back until a later row shows it was not at the bottom.
*/
#include "tg_sheet.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tg_conv.h"
#include "tg_csvcol.h"
#include "tg_csvnames.h"
#include "tg_date.h"
#include "tg_err.h"
#include "tg_mem.h"

#define NONE         UINT32_MAX
#define MAX_PASSES   3
#define MAX_ABOVE    4096                 /* header-area cells kept for merged names */
#define MAX_TITLES   10                   /* title rows looked for above a detected header */
#define SPARSE_CELLS (16.0 * 1024 * 1024) /* tables this large must be ... */
#define SPARSE_RATIO 64.0                 /* ... at least 1/64 values */

/* A cell copied because it cannot be pushed yet. */
struct held {
    tg_sheet_cell c;
    char *s;
};

struct cells {
    struct held *v;
    size_t n, cap;
};

struct tg_sheet {
    const tg_sheet_opts *o;
    char where[200];
    tg_nulls nulls;
    const char *na[16];
    int pass;
    /* the layout, fixed by pass 0 */
    int started, done;
    uint32_t start;      /* first row looked at */
    uint32_t header_row; /* 0-based, NONE when there is no header */
    uint32_t data_first; /* Excel row of data row 0 */
    uint32_t cmin, cmax; /* columns in use (cmin > cmax: none) */
    size_t n_rows;
    /* columns, by Excel column */
    size_t cap_cols;
    tg_csvcol **parts;
    tg_csvcol_spec *specs;
    size_t *next; /* the next row each part expects */
    char **hnames;
    unsigned char *active; /* pushed to in this pass */
    /* rows */
    uint32_t cur_row, prev_row;
    int row_open, row_first, row_total, row_nonempty;
    size_t kept; /* data rows up to the last non-total row with a value */
    struct cells first, pend, above;
    uint32_t (*merges)[4];
    size_t n_merges, cap_merges;
    size_t n_err, n_after, n_totals;
    size_t n_clock; /* date-time and time cells written out as text */
    uint32_t clock_row, clock_col;
    size_t first_rows, last_start; /* title candidates held in 'first'; where the last begins */
    size_t n_titles;
    char title[64];
    size_t n_put;    /* cells put in this pass, and the last one's place */
    size_t n_filled; /* empty cells pushed as NULL between them */
    uint32_t last_row, last_col;
    uint32_t err_row, err_col, stop_row;
    char err_val[16];
};

void tg_sheet_opts_init(tg_sheet_opts *o) {
    memset(o, 0, sizeof *o);
    o->header = -1;
    o->stop_at_empty = -1;
}

void tg_sheet_report_free(tg_sheet_report *r) {
    if (!r) return;
    tg_free(r->cols);
    tg_free(r);
}

/* ---- names ---- */

void tg_sheet_cell_name(uint32_t row, uint32_t col, char *buf) {
    char letters[8];
    int n = 0;
    uint32_t c = col + 1;
    while (c > 0 && n < 7) {
        letters[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++) buf[i] = letters[n - 1 - i];
    if (row) snprintf(buf + n, 9, "%u", row % 100000000u); /* rows end at 1,048,576 */
    else buf[n] = '\0';
}

/* "B3" -> row 2, col 1; returns the characters read, 0 when none. */
static size_t parse_ref(const char *s, uint32_t *row, uint32_t *col) {
    size_t i = 0;
    uint64_t c = 0, r = 0;
    while (s[i] >= 'A' && s[i] <= 'Z' && i < 3) c = c * 26 + (uint64_t)(s[i++] - 'A' + 1);
    if (c == 0) return 0;
    size_t d = i;
    while (s[i] >= '0' && s[i] <= '9' && i - d < 8) r = r * 10 + (uint64_t)(s[i++] - '0');
    if (i == d || r == 0 || r > 1048576 || c > 16384) return 0;
    *row = (uint32_t)r - 1;
    *col = (uint32_t)c - 1;
    return i;
}

int tg_sheet_parse_range(const char *s, uint32_t *r0, uint32_t *c0, uint32_t *r1, uint32_t *c1) {
    size_t n = parse_ref(s, r0, c0);
    if (n == 0) return -1;
    if (s[n] == '\0') {
        *r1 = *r0;
        *c1 = *c0;
        return 0;
    }
    if (s[n] != ':') return -1;
    size_t m = parse_ref(s + n + 1, r1, c1);
    if (m == 0 || s[n + 1 + m] != '\0' || *r1 < *r0 || *c1 < *c0) return -1;
    return 0;
}

/* ---- cell text ---- */

/* Excel's serial as days since 1970 and seconds into the day; -1 when it
** is no date. In the 1900 system serial 60 is 1900-02-29, a day that never
** was (Lotus's bug, kept by Excel): serials below it count from
** 1899-12-31, those from 61 on from 1899-12-30. */
static int serial_days(double v, int date1904, int32_t *days, long *secs) {
    if (!(v >= 0 && v < 2958466)) return -1;
    double whole = floor(v);
    long s = lround((v - whole) * 86400.0);
    int64_t d = (int64_t)whole;
    if (s >= 86400) {
        d++;
        s = 0;
    }
    if (date1904) *days = tg_date_from_ymd(1904, 1, 1) + (int32_t)d;
    else *days = tg_date_from_ymd(1899, 12, 30) + (int32_t)d + (d > 0 && d < 60);
    *secs = s;
    return 0;
}

/* A double as the shortest text that reads back the same. */
static size_t fmt_num(double v, char *buf, size_t size) {
    int n = snprintf(buf, size, "%.15g", v);
    if (strtod(buf, NULL) != v) n = snprintf(buf, size, "%.17g", v);
    return n < 0 ? 0 : (size_t)n;
}

/* The text a cell is pushed as, by its column's spec: an explicit date
** column takes a date-time's date part, a column read with ',' as its
** decimal mark (types = { x = { "float", "," } }, for numbers written as
** text) gets the number cells' '.' as ','. NULL spec: as inferred. */
static const char *cell_text(const tg_sheet *b, const tg_sheet_cell *c, const tg_csvcol_spec *sp,
                             char *buf, size_t size, size_t *n) {
    int mode = sp ? sp->mode : TG_CC_INFER;
    int32_t days;
    long secs;
    switch (c->kind) {
    case TG_SC_NUM: {
        int comma = sp && sp->mark == TG_MARK_COMMA;
        if (c->s && (!comma || c->n >= size)) break; /* the text as written: the hot path */
        if (c->s) {
            memcpy(buf, c->s, c->n);
            buf[c->n] = '\0';
            *n = c->n;
        } else {
            *n = fmt_num(c->num, buf, size);
        }
        for (char *p = buf; comma && *p; p++)
            if (*p == '.') *p = ',';
        return buf;
    }
    case TG_SC_BOOL: *n = c->num != 0 ? 4 : 5; return c->num != 0 ? "TRUE" : "FALSE";
    case TG_SC_SERIAL:
        if (serial_days(c->num, b->o->date1904, &days, &secs) != 0) {
            *n = fmt_num(c->num, buf, size);
            return buf;
        }
        if (c->dkind == TG_SD_DATE || mode == TG_CC_DATE ||
            (c->dkind == TG_SD_DATETIME && secs == 0)) { /* a date-time at midnight is a date */
            *n = tg_date_format(days, buf);
            return buf;
        }
        {
            char d[16];
            tg_date_format(days, d);
            int k = c->dkind == TG_SD_TIME ? snprintf(buf, size, "%02ld:%02ld:%02ld", secs / 3600,
                                                      secs / 60 % 60, secs % 60)
                                           : snprintf(buf, size, "%s %02ld:%02ld:%02ld", d,
                                                      secs / 3600, secs / 60 % 60, secs % 60);
            *n = k < 0 ? 0 : (size_t)k;
        }
        return buf;
    case TG_SC_ISO: *n = mode == TG_CC_DATE && c->n > 10 ? 10 : c->n; return c->s;
    default: break;
    }
    *n = c->n;
    return c->s;
}

static int is_empty(const tg_sheet_cell *c) {
    return c->kind == TG_SC_EMPTY ||
           ((c->kind == TG_SC_STR || c->kind == TG_SC_NUM) && c->s && c->n == 0);
}

/* ---- holding cells ---- */

static tg_status hold(struct cells *cs, const tg_sheet_cell *c) {
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 16;
        struct held *v = tg_realloc(cs->v, cap * sizeof *v);
        if (!v) return TG_ENOMEM;
        cs->v = v;
        cs->cap = cap;
    }
    struct held *h = &cs->v[cs->n];
    h->c = *c;
    h->s = NULL;
    if (c->s) {
        if (!(h->s = tg_strndup(c->s, c->n))) return TG_ENOMEM;
        h->c.s = h->s;
    }
    cs->n++;
    return TG_OK;
}

static void drop_held(struct cells *cs) {
    for (size_t i = 0; i < cs->n; i++) tg_free(cs->v[i].s);
    cs->n = 0;
}

static void free_held(struct cells *cs) {
    drop_held(cs);
    tg_free(cs->v);
    cs->v = NULL;
    cs->cap = 0;
}

/* ---- columns ---- */

static tg_status grow_cols(tg_sheet *b, uint32_t col) {
    if (col < b->cap_cols) return TG_OK;
    size_t cap = b->cap_cols ? b->cap_cols : 16;
    while (cap <= col) cap *= 2;
    tg_csvcol **parts = tg_realloc(b->parts, cap * sizeof *parts);
    if (parts) b->parts = parts;
    tg_csvcol_spec *specs = tg_realloc(b->specs, cap * sizeof *specs);
    if (specs) b->specs = specs;
    size_t *next = tg_realloc(b->next, cap * sizeof *next);
    if (next) b->next = next;
    char **hnames = tg_realloc(b->hnames, cap * sizeof *hnames);
    if (hnames) b->hnames = hnames;
    unsigned char *active = tg_realloc(b->active, cap);
    if (active) b->active = active;
    if (!parts || !specs || !next || !hnames || !active) return TG_ENOMEM;
    for (size_t k = b->cap_cols; k < cap; k++) {
        parts[k] = NULL;
        next[k] = 0;
        hnames[k] = NULL;
        active[k] = 1;
        memset(&specs[k], 0, sizeof specs[k]);
        specs[k].mode = TG_CC_INFER;
        specs[k].mark = TG_MARK_DOT; /* a workbook's numbers are written with '.' */
        specs[k].pref_mark = TG_MARK_DOT;
        specs[k].nulls = &b->nulls;
    }
    b->cap_cols = cap;
    return TG_OK;
}

/* The spec of a column from the 'types' overrides, matched by its header
** text (or its letter, without a header). */
static void apply_types(tg_sheet *b, uint32_t col, const char *name) {
    tg_csvcol_spec *sp = &b->specs[col];
    for (size_t i = 0; i < b->o->n_types; i++) {
        const tg_csv_coltype *t = &b->o->types[i];
        if (strcmp(t->name, name) != 0) continue;
        switch (t->type) {
        case TG_INT: sp->mode = TG_CC_INT; break;
        case TG_FLOAT: sp->mode = TG_CC_FLOAT; break;
        case TG_BOOL: sp->mode = TG_CC_BOOL; break;
        case TG_STRING: sp->mode = TG_CC_STRING; break;
        case TG_DATE: sp->mode = TG_CC_DATE; break;
        }
        /* a format is for dates and numbers written as text; date cells come as ISO */
        if (t->format && t->type == TG_DATE && (sp->dfmt = tg_conv_date_fmt_parse(t->format)))
            sp->dfmt |= TG_DF_ISO;
        if (t->format && (t->type == TG_INT || t->type == TG_FLOAT) && t->format[0] == ',')
            sp->mark = sp->pref_mark = TG_MARK_COMMA;
    }
}

static tg_status ensure_part(tg_sheet *b, uint32_t col) {
    if (grow_cols(b, col) != TG_OK) return TG_ENOMEM;
    if (b->parts[col]) return TG_OK;
    if (b->pass == 0) {
        char letter[16];
        tg_sheet_cell_name(0, col, letter);
        apply_types(b, col, b->hnames[col] && b->hnames[col][0] ? b->hnames[col] : letter);
    }
    b->parts[col] = tg_csvcol_new(&b->specs[col], 64); /* a sheet may be 16,384 columns wide */
    if (!b->parts[col]) return TG_ENOMEM;
    if (b->cmin > b->cmax) b->cmin = b->cmax = col;
    if (col < b->cmin) b->cmin = col;
    if (col > b->cmax) b->cmax = col;
    return TG_OK;
}

static tg_status push_fail(tg_sheet *b, int r, uint32_t row, uint32_t col, tg_error *err) {
    char reason[200], cell[16], where[256];
    if (r == TG_ENOMEM) return tg_err_nomem(err);
    tg_csvcol_reason(b->parts[col], reason, sizeof reason);
    tg_sheet_cell_name(row + 1, col, cell);
    snprintf(where, sizeof where, "%s!%s", b->where, cell);
    return tg_err_set(err, TG_EDATA, where, 0, 0, "%s", reason);
}

/* Pushes nulls up to data row 'idx' (exclusive), then the cell. */
static tg_status push_cell(tg_sheet *b, const tg_sheet_cell *c, size_t idx, tg_error *err) {
    char buf[64];
    size_t n;
    int r;
    uint32_t col = c->col;
    if (ensure_part(b, col) != TG_OK) return tg_err_nomem(err);
    tg_csvcol *p = b->parts[col];
    b->n_filled += idx > b->next[col] ? idx - b->next[col] : 0;
    if ((double)b->n_filled > SPARSE_CELLS && (double)b->n_filled > SPARSE_RATIO * (double)b->n_put)
        return tg_err_set(err, TG_EDATA, b->where, 0, 0,
                          "%zu empty cells between %zu values (a sparse sheet); give a range",
                          b->n_filled, b->n_put);
    while (b->next[col] < idx) {
        if ((r = tg_csvcol_push(p, b->next[col], "", 0)) != TG_OK)
            return push_fail(b, r, b->data_first + (uint32_t)b->next[col], col, err);
        b->next[col]++;
    }
    if (c->kind == TG_SC_ERR) { /* null, with a note */
        if (b->pass == 0 && b->n_err++ == 0) {
            b->err_row = c->row;
            b->err_col = col;
            snprintf(b->err_val, sizeof b->err_val, "%.*s", (int)(c->n < 15 ? c->n : 15),
                     c->s ? c->s : "");
        }
        r = tg_csvcol_push(p, idx, "", 0);
    } else {
        const char *s = cell_text(b, c, &b->specs[col], buf, sizeof buf, &n);
        /* a time of day has no type of its own: it stays text, and is noted */
        if (b->pass == 0 && (c->kind == TG_SC_SERIAL || c->kind == TG_SC_ISO) && n > 0 &&
            memchr(s, ':', n) && b->n_clock++ == 0) {
            b->clock_row = c->row;
            b->clock_col = col;
        }
        r = tg_csvcol_push(p, idx, s, n);
    }
    if (r != TG_OK) return push_fail(b, r, c->row, col, err);
    b->next[col] = idx + 1;
    return TG_OK;
}

/* ---- rows ---- */

static int in_cols(const tg_sheet *b, uint32_t col) {
    return !b->o->has_range || (col >= b->o->c0 && col <= b->o->c1);
}

static int is_total(const tg_sheet *b, const tg_sheet_cell *c) {
    if (c->kind != TG_SC_STR) return 0;
    const char *s = c->s;
    size_t n = c->n;
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    for (size_t i = 0; i < b->o->n_totals; i++) {
        size_t m = strlen(b->o->totals[i]);
        if (n >= m && strncasecmp(s, b->o->totals[i], m) == 0 &&
            (n == m || s[m] == ' ' || s[m] == ':'))
            return 1;
    }
    return 0;
}

static tg_status flush_pending(tg_sheet *b, tg_error *err) {
    tg_status st = TG_OK;
    for (size_t i = 0; i < b->pend.n && st == TG_OK; i++)
        st = push_cell(b, &b->pend.v[i].c, b->pend.v[i].c.row - b->data_first, err);
    drop_held(&b->pend);
    return st;
}

/* A data cell in pass 0: totals held back, others pushed. */
static tg_status data_cell(tg_sheet *b, const tg_sheet_cell *c, tg_error *err) {
    if (b->row_first) {
        b->row_first = 0;
        b->row_total = b->o->n_totals && is_total(b, c);
        if (!b->row_total && b->pend.n) {
            tg_status st = flush_pending(b, err);
            if (st != TG_OK) return st;
        }
    }
    b->row_nonempty = 1;
    if (b->row_total) return hold(&b->pend, c) == TG_OK ? TG_OK : tg_err_nomem(err);
    return push_cell(b, c, c->row - b->data_first, err);
}

static tg_status set_header(tg_sheet *b, const tg_sheet_cell *c) {
    char buf[64];
    size_t n;
    if (grow_cols(b, c->col) != TG_OK) return TG_ENOMEM;
    const char *s = cell_text(b, c, NULL, buf, sizeof buf, &n);
    tg_free(b->hnames[c->col]);
    b->hnames[c->col] = tg_strndup(s ? s : "", n);
    return b->hnames[c->col] ? TG_OK : TG_ENOMEM;
}

/* The end of the first non-empty row, when the header was left to detect:
** a header if every value in it is text. */
static tg_status decide_header(tg_sheet *b, tg_error *err) {
    int text = b->first.n > 0;
    for (size_t i = 0; i < b->first.n; i++)
        if (b->first.v[i].c.kind != TG_SC_STR) text = 0;
    int header = b->o->header == 1 || (b->o->header < 0 && text);
    uint32_t row = b->first.v[0].c.row;
    b->started = 1;
    b->header_row = header ? row : NONE;
    b->data_first = header ? row + 1 : row;
    b->prev_row = row;
    tg_status st = TG_OK;
    for (size_t i = 0; i < b->first.n && st == TG_OK; i++) {
        if (header) st = set_header(b, &b->first.v[i].c) == TG_OK ? TG_OK : tg_err_nomem(err);
        else st = data_cell(b, &b->first.v[i].c, err);
    }
    if (!header) b->kept = b->row_nonempty && !b->row_total ? 1 : 0;
    drop_held(&b->first);
    return st;
}

static tg_status put_pass0(tg_sheet *b, const tg_sheet_cell *c, tg_error *err);
static tg_status end_row(tg_sheet *b, tg_error *err);

/* Title rows above a table ("Udtræk fra Nexus" alone in A1): with the
** header left to detect, rows holding one text value are held until a row
** with two or more values shows they were titles, and are then skipped. */
static int titles_on(const tg_sheet *b) {
    return b->o->header < 0 && !b->o->header_row && !b->o->skip && !b->o->has_range;
}

static tg_status skip_titles(tg_sheet *b, tg_error *err) {
    struct cells *f = &b->first;
    b->n_titles = b->first_rows;
    snprintf(b->title, sizeof b->title, "%.*s", (int)(f->v[0].c.n < 60 ? f->v[0].c.n : 60),
             f->v[0].c.s);
    for (size_t i = 0; i < b->last_start; i++) tg_free(f->v[i].s);
    memmove(f->v, f->v + b->last_start, (f->n - b->last_start) * sizeof *f->v);
    f->n -= b->last_start;
    return decide_header(b, err);
}

/* No titles after all (a sheet of one column): the first held row is the
** header or data, and the rows held after it are read as they came. */
static tg_status replay(tg_sheet *b, tg_error *err) {
    struct held *v = b->first.v;
    size_t n = b->first.n, k = 0;
    while (k < n && v[k].c.row == v[0].c.row) k++;
    b->first.n = k; /* decide_header frees these k and keeps the array */
    b->row_first = 1;
    b->row_total = b->row_nonempty = 0;
    tg_status st = decide_header(b, err);
    for (size_t i = k; i < n; i++) {
        if (st == TG_OK) st = put_pass0(b, &v[i].c, err);
        tg_free(v[i].s);
    }
    if (st == TG_OK && b->row_open) st = end_row(b, err);
    return st;
}

static tg_status end_row(tg_sheet *b, tg_error *err) {
    if (!b->row_open) return TG_OK;
    b->row_open = 0;
    if (!b->started) {
        if (b->first.n == b->last_start) return TG_OK;
        size_t n_last = b->first.n - b->last_start;
        int one_text = n_last == 1 && b->first.v[b->last_start].c.kind == TG_SC_STR;
        if (titles_on(b) && one_text && b->first_rows < MAX_TITLES) {
            b->first_rows++;
            b->last_start = b->first.n;
            return TG_OK;
        }
        if (b->first_rows > 0 && n_last >= 2) return skip_titles(b, err);
        return replay(b, err);
    }
    if (b->cur_row >= b->data_first && b->row_nonempty && !b->row_total)
        b->kept = (size_t)(b->cur_row - b->data_first) + 1;
    b->prev_row = b->cur_row;
    return TG_OK;
}

static tg_status begin_row(tg_sheet *b, uint32_t row, tg_error *err) {
    tg_status st = end_row(b, err);
    if (st != TG_OK) return st;
    int stop = b->o->stop_at_empty < 0 ? !b->o->has_range : b->o->stop_at_empty;
    if (b->started && stop && row > b->prev_row + 1 && (b->kept > 0 || b->pend.n > 0)) {
        b->done = 1;
        b->stop_row = b->prev_row + 1;
        return TG_OK;
    }
    b->cur_row = row;
    b->row_open = 1;
    b->row_first = 1;
    b->row_total = 0;
    b->row_nonempty = 0;
    return TG_OK;
}

static tg_status put_pass0(tg_sheet *b, const tg_sheet_cell *c, tg_error *err) {
    if (b->done) {
        b->n_after++;
        return TG_OK;
    }
    if (!b->started && b->o->header_row && c->row < b->header_row) {
        if (c->kind == TG_SC_STR && b->above.n < MAX_ABOVE && hold(&b->above, c) != TG_OK)
            return tg_err_nomem(err);
        return TG_OK;
    }
    if (c->row != b->cur_row || !b->row_open) {
        tg_status st = begin_row(b, c->row, err);
        if (st != TG_OK || b->done) {
            if (b->done) b->n_after++;
            return st;
        }
    }
    if (!b->started && b->o->header_row) { /* the fixed header row, or data below it */
        b->started = 1;
        b->data_first = b->header_row + 1;
        b->prev_row = b->header_row;
    }
    if (!b->started) return hold(&b->first, c) == TG_OK ? TG_OK : tg_err_nomem(err);
    if (c->row == b->header_row) return set_header(b, c) == TG_OK ? TG_OK : tg_err_nomem(err);
    if (c->row < b->data_first) return TG_OK;
    return data_cell(b, c, err);
}

tg_status tg_sheet_put(tg_sheet *b, const tg_sheet_cell *c, tg_error *err) {
    /* A column builder takes rows in order; a hostile file may not keep it. */
    if (b->n_put++ && (c->row < b->last_row || (c->row == b->last_row && c->col <= b->last_col))) {
        char cell[16], last[16], where[256];
        tg_sheet_cell_name(c->row + 1, c->col, cell);
        tg_sheet_cell_name(b->last_row + 1, b->last_col, last);
        snprintf(where, sizeof where, "%s!%s", b->where, cell);
        return tg_err_set(err, TG_EDATA, where, 0, 0,
                          "the sheet's cells are out of order (it comes after %s): a damaged file",
                          last);
    }
    b->last_row = c->row;
    b->last_col = c->col;
    if (c->row < b->start || (b->o->has_range && c->row > b->o->r1) || !in_cols(b, c->col) ||
        is_empty(c))
        return TG_OK;
    if (b->pass == 0) return put_pass0(b, c, err);
    if (!b->started || c->row < b->data_first) return TG_OK;
    size_t idx = c->row - b->data_first;
    if (idx >= b->n_rows || c->col < b->cmin || c->col > b->cmax || !b->active[c->col])
        return TG_OK;
    return push_cell(b, c, idx, err);
}

tg_status tg_sheet_merge(tg_sheet *b, uint32_t r0, uint32_t c0, uint32_t r1, uint32_t c1) {
    if (b->pass != 0) return TG_OK;
    if (b->n_merges == b->cap_merges) {
        size_t cap = b->cap_merges ? b->cap_merges * 2 : 8;
        uint32_t(*m)[4] = tg_realloc(b->merges, cap * sizeof *m);
        if (!m) return TG_ENOMEM;
        b->merges = m;
        b->cap_merges = cap;
    }
    uint32_t *m = b->merges[b->n_merges++];
    m[0] = r0, m[1] = c0, m[2] = r1, m[3] = c1;
    return TG_OK;
}

/* ---- names from the header and merged cells ---- */

static const char *above_text(const tg_sheet *b, uint32_t row, uint32_t col) {
    for (size_t i = 0; i < b->above.n; i++)
        if (b->above.v[i].c.row == row && b->above.v[i].c.col == col) return b->above.v[i].s;
    return NULL;
}

/* A header cell inside a merged range gets the range's text (a label
** merged across two header columns names both, made unique as _2); a
** label merged across the row above the header prefixes the names below
** it ("Udgifter 2023", "Udgifter 2024"). */
static tg_status merged_names(tg_sheet *b) {
    uint32_t h = b->header_row;
    if (h == NONE) return TG_OK;
    for (size_t i = 0; i < b->n_merges; i++) {
        const uint32_t *m = b->merges[i];
        const char *label;
        if (m[0] <= h && h <= m[2]) {
            label = m[0] < h             ? above_text(b, m[0], m[1])
                    : m[1] < b->cap_cols ? b->hnames[m[1]]
                                         : NULL;
            for (uint32_t c = m[1]; label && c <= m[3] && c < b->cap_cols; c++) {
                if (c == m[1] && m[0] == h) continue; /* the label's own cell */
                char *s = tg_strdup(label);
                if (!s) return TG_ENOMEM;
                tg_free(b->hnames[c]);
                b->hnames[c] = s;
            }
        } else if (m[2] + 1 == h && m[3] > m[1] && (label = above_text(b, m[0], m[1]))) {
            for (uint32_t c = m[1]; c <= m[3] && c < b->cap_cols; c++) {
                const char *below = b->hnames[c] ? b->hnames[c] : "";
                size_t n = strlen(label) + strlen(below) + 2;
                char *s = tg_malloc(n);
                if (!s) return TG_ENOMEM;
                snprintf(s, n, below[0] ? "%s %s" : "%s%s", label, below);
                tg_free(b->hnames[c]);
                b->hnames[c] = s;
            }
        }
    }
    return TG_OK;
}

/* The final names of the table's columns: header text, else the column's
** letter, made unique as the CSV loader makes them. */
static tg_status final_names(tg_sheet *b, char **names) {
    size_t n = b->cmax - b->cmin + 1;
    for (size_t k = 0; k < n; k++) {
        uint32_t col = b->cmin + (uint32_t)k;
        char letter[16];
        tg_sheet_cell_name(0, col, letter);
        const char *h = col < b->cap_cols && b->hnames[col] ? b->hnames[col] : "";
        names[k] = tg_strdup(h[0] ? h : letter);
        if (!names[k]) return TG_ENOMEM;
    }
    return tg_csvnames_fix(names, n);
}

/* ---- decide, assemble ---- */

static tg_status check_types(tg_sheet *b, char **names, tg_error *err) {
    size_t n = b->cmax >= b->cmin && b->cmin != NONE ? b->cmax - b->cmin + 1 : 0;
    for (size_t i = 0; i < b->o->n_types; i++) {
        const char *want = b->o->types[i].name;
        int found = 0;
        for (size_t k = 0; k < n && !found; k++) {
            uint32_t col = b->cmin + (uint32_t)k;
            char letter[16];
            tg_sheet_cell_name(0, col, letter);
            const char *h =
                col < b->cap_cols && b->hnames[col] && b->hnames[col][0] ? b->hnames[col] : letter;
            found = strcmp(h, want) == 0 || strcmp(names[k], want) == 0;
        }
        if (!found) {
            const char *near = tg_nearest_name(want, names, n);
            return tg_err_set(err, TG_EARG, b->where, 0, 0, "no column '%s' in the sheet%s%s%s",
                              want, near ? "; did you mean '" : "", near ? near : "",
                              near ? "'?" : "");
        }
    }
    return TG_OK;
}

static tg_status decide(tg_sheet *b, tg_csvcol_decision *dec, char **names, int *again,
                        tg_error *err) {
    *again = 0;
    for (uint32_t col = b->cmin; col <= b->cmax; col++) {
        size_t k = col - b->cmin;
        if (!b->active[col]) continue;
        if (ensure_part(b, col) != TG_OK || tg_csvcol_finish(b->parts[col], b->n_rows) != TG_OK)
            return tg_err_nomem(err);
        tg_csvcol_decision d;
        size_t note_row = tg_csvcol_note_row(b->parts[col]);
        if (tg_csvcol_decide(&b->parts[col], 1, &d) != TG_OK) {
            char cell[16], where[256];
            tg_sheet_cell_name(b->data_first + (uint32_t)d.bad_row + 1, col, cell);
            snprintf(where, sizeof where, "%s!%s", b->where, cell);
            return tg_err_set(err, TG_EDATA, where, 0, 0, "column '%s': %s", names[k], d.bad_msg);
        }
        if (d.note[0] && note_row != SIZE_MAX && !dec[k].note[0]) {
            char cell[16];
            size_t len = strlen(d.note);
            tg_sheet_cell_name(b->data_first + (uint32_t)note_row + 1, col, cell);
            snprintf(d.note + len, sizeof d.note - len, " (cell %s)", cell);
        }
        if (dec[k].note[0] && !d.note[0]) memcpy(d.note, dec[k].note, sizeof d.note);
        dec[k] = d;
        b->active[col] = (unsigned char)(d.reread != 0);
        if (d.reread) {
            *again = 1;
            tg_csvcol_free(b->parts[col]);
            b->parts[col] = NULL;
            b->specs[col] = d.respec;
            b->next[col] = 0;
        }
    }
    return TG_OK;
}

static tg_status assemble(tg_sheet *b, const tg_csvcol_decision *dec, char **names, tg_table **out,
                          tg_error *err) {
    tg_table *t = tg_table_new();
    if (!t) return tg_err_nomem(err);
    for (uint32_t col = b->cmin; b->cmin != NONE && col <= b->cmax; col++) {
        size_t k = col - b->cmin;
        tg_col *c;
        if (tg_csvcol_assemble(&b->parts[col], 1, &dec[k], &c) != TG_OK) {
            tg_table_release(t);
            return tg_err_nomem(err);
        }
        if (dec[k].note[0] && dec[k].type == TG_STRING) {
            size_t n = strlen(b->where) + strlen(dec[k].note) + 3;
            if ((c->note = tg_malloc(n)) != NULL)
                snprintf(c->note, n, "%s: %s", b->where, dec[k].note);
        }
        tg_status st = tg_table_add(t, names[k], c);
        tg_col_release(c);
        tg_csvcol_free(b->parts[col]);
        b->parts[col] = NULL;
        if (st != TG_OK) {
            tg_table_release(t);
            return tg_err_nomem(err);
        }
    }
    *out = t;
    return TG_OK;
}

/* ---- the report ---- */

static void add_note(tg_sheet_report *r, int unusual, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_note(tg_sheet_report *r, int unusual, const char *fmt, ...) {
    va_list ap;
    if (r->n_notes == sizeof r->notes / sizeof r->notes[0]) return;
    tg_csv_note *n = &r->notes[r->n_notes++];
    n->unusual = unusual;
    va_start(ap, fmt);
    vsnprintf(n->text, sizeof n->text, fmt, ap);
    va_end(ap);
}

static tg_status make_report(const tg_sheet *b, const tg_csvcol_decision *dec, size_t n_cols,
                             tg_sheet_report **out) {
    tg_sheet_report *r = tg_calloc(1, sizeof *r);
    if (!r || !(r->cols = tg_calloc(n_cols ? n_cols : 1, sizeof *r->cols))) {
        tg_free(r);
        return TG_ENOMEM;
    }
    r->n_rows = b->n_rows;
    r->n_cols = n_cols;
    r->header_row = b->header_row == NONE ? 0 : b->header_row + 1;
    r->first_row = b->data_first + 1;
    r->first_col = n_cols ? b->cmin + 1 : 0;
    r->n_error_cells = b->n_err;
    r->n_totals = b->n_totals;
    for (size_t k = 0; k < n_cols; k++) {
        r->cols[k].type = dec[k].type;
        r->cols[k].decimal = (char)(dec[k].type == TG_INT || dec[k].type == TG_FLOAT ? '.' : 0);
        r->cols[k].date_fmt = dec[k].dfmt;
        memcpy(r->cols[k].note, dec[k].note, sizeof r->cols[k].note);
    }
    if (b->n_titles)
        add_note(r, 1,
                 "%zu title row(s) above the header skipped (\"%s\"); header = n sets the row",
                 b->n_titles, b->title);
    if (b->header_row != NONE)
        add_note(r, 0, "header: row %u%s", b->header_row + 1,
                 b->o->header_row || b->o->header == 1 ? "" : " (every value in it is text)");
    else if (b->started)
        add_note(r, b->o->header != 0,
                 "no header: row %u holds values that are not text; "
                 "header = true overrides",
                 b->data_first + 1);
    if (b->n_err) {
        char cell[16];
        tg_sheet_cell_name(b->err_row + 1, b->err_col, cell);
        add_note(r, 1, "%zu error cell(s) read as null, the first %s at %s", b->n_err, b->err_val,
                 cell);
    }
    if (b->n_clock) {
        char cell[16];
        tg_sheet_cell_name(b->clock_row + 1, b->clock_col, cell);
        add_note(r, 1,
                 "%zu date-time or time cell(s) read as text 'YYYY-MM-DD HH:MM:SS' or "
                 "'HH:MM:SS' (tegn has no time-of-day type), the first at %s; types = "
                 "{ column = \"date\" } keeps a date-time's date",
                 b->n_clock, cell);
    }
    if (b->n_totals) add_note(r, 0, "%zu total row(s) dropped at the bottom", b->n_totals);
    if (b->done && b->n_after)
        add_note(r, 1,
                 "stopped at the empty row %u: %zu value(s) below it are not read; "
                 "stop_at_empty = false reads them",
                 b->stop_row + 1, b->n_after);
    *out = r;
    return TG_OK;
}

/* ---- the entry point ---- */

static void sheet_free(tg_sheet *b) {
    for (size_t k = 0; k < b->cap_cols; k++) {
        tg_csvcol_free(b->parts[k]);
        tg_free(b->hnames[k]);
    }
    tg_free(b->parts);
    tg_free(b->specs);
    tg_free(b->next);
    tg_free(b->hnames);
    tg_free(b->active);
    tg_free(b->merges);
    free_held(&b->first);
    free_held(&b->pend);
    free_held(&b->above);
}

static tg_status run_pass(tg_sheet *b, tg_sheet_scan scan, void *src, tg_error *err) {
    b->n_put = b->n_filled = 0;
    tg_status st = scan(src, b, err);
    if (st != TG_OK || b->pass > 0) return st;
    if ((st = end_row(b, err)) != TG_OK) return st;
    if (!b->started && b->first.n && (st = replay(b, err)) != TG_OK) return st;
    b->n_rows = b->kept;
    for (size_t i = 0; i < b->pend.n; i++) /* what is still held is at the bottom */
        b->n_totals += i == 0 || b->pend.v[i].c.row != b->pend.v[i - 1].c.row;
    return TG_OK;
}

static tg_status read_sheet(tg_sheet *b, tg_sheet_scan scan, void *src, tg_table **out,
                            tg_sheet_report **report, tg_error *err) {
    tg_csvcol_decision *dec = NULL;
    char **names = NULL;
    size_t n_cols = 0;
    tg_status st = run_pass(b, scan, src, err);
    if (st != TG_OK) return st;
    if (b->cmin == NONE) { /* no values: the header's columns, if any */
        for (uint32_t col = 0; col < b->cap_cols; col++)
            if (b->hnames[col] && ensure_part(b, col) != TG_OK) return tg_err_nomem(err);
    }
    if (b->cmin != NONE) n_cols = b->cmax - b->cmin + 1;
    /* Two cells, A1 and XFD1048576, would make 17 billion NULLs: a table
    ** far larger than the values it holds is refused (a range reads it). */
    if ((double)n_cols * (double)b->n_rows > SPARSE_CELLS &&
        (double)n_cols * (double)b->n_rows > SPARSE_RATIO * (double)(b->n_put + 1))
        return tg_err_set(err, TG_EDATA, b->where, 0, 0,
                          "the table would be %zu rows x %zu columns for %zu values (a sparse "
                          "sheet); give a range",
                          b->n_rows, n_cols, b->n_put);
    if ((st = merged_names(b)) != TG_OK) return tg_err_nomem(err);
    names = tg_calloc(n_cols ? n_cols : 1, sizeof *names);
    dec = tg_calloc(n_cols ? n_cols : 1, sizeof *dec);
    if (!names || !dec) st = tg_err_nomem(err);
    if (st == TG_OK && n_cols && final_names(b, names) != TG_OK) st = tg_err_nomem(err);
    if (st == TG_OK) st = check_types(b, names, err);
    for (int again = n_cols > 0; st == TG_OK && again;) {
        if ((st = decide(b, dec, names, &again, err)) != TG_OK || !again) break;
        if (++b->pass == MAX_PASSES) {
            st = tg_err_set(err, TG_EDATA, b->where, 0, 0, "column types did not settle");
            break;
        }
        st = run_pass(b, scan, src, err);
    }
    if (st == TG_OK) st = assemble(b, dec, names, out, err);
    if (st == TG_OK && report && make_report(b, dec, n_cols, report) != TG_OK) {
        tg_table_release(*out);
        *out = NULL;
        st = tg_err_nomem(err);
    }
    for (size_t k = 0; names && k < n_cols; k++) tg_free(names[k]);
    tg_free(names);
    tg_free(dec);
    return st;
}

tg_status tg_sheet_read(const char *where, const tg_sheet_opts *o, tg_sheet_scan scan, void *src,
                        tg_table **out, tg_sheet_report **report, tg_error *err) {
    tg_sheet b;
    assert(where && o && scan && out);
    *out = NULL;
    if (report) *report = NULL;
    memset(&b, 0, sizeof b);
    b.o = o;
    snprintf(b.where, sizeof b.where, "%s", where);
    /* "" always reads as null: an empty cell is pushed as "" */
    size_t n_na = 0;
    int has_empty = 0;
    if (o->na) {
        for (size_t i = 0; i < o->n_na && i < 15; i++) {
            b.na[n_na++] = o->na[i];
            has_empty |= o->na[i][0] == '\0';
        }
        if (!has_empty) b.na[n_na++] = "";
        tg_conv_nulls_init(&b.nulls, b.na, n_na);
    } else {
        tg_conv_nulls_init(&b.nulls, NULL, 0);
    }
    b.start = (o->has_range ? o->r0 : 0) + o->skip;
    b.header_row = o->header_row ? o->header_row - 1 : NONE;
    b.cmin = NONE;
    b.cmax = 0;
    b.cur_row = NONE;
    tg_status st = read_sheet(&b, scan, src, out, report, err);
    sheet_free(&b);
    return st;
}
