/*
** tg_show.c -- a table as aligned text (see tg_show.h). Cells longer than
** 63 bytes are cut at a character boundary; widths count code points, which
** is right for Danish text.
*/
#include "tg_show.h"

#include <string.h>

#include "tg_date.h"
#include "tg_dict.h"
#include "tg_enc.h"
#include "tg_fmt.h"
#include "tg_mem.h"

/* Copies at most size - 1 bytes of s (cut at a character boundary). */
static void copy_cut(char *buf, size_t size, const char *s, size_t len) {
    if (len > size - 1) {
        len = size - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
}

/* The text of row i of c: as t:rows() gives it, with floats in the
** shortest round-trip form and NULL as "null"; floats rounded and in
** Danish form as 'o' asks. */
static void cell_text(const tg_col *c, size_t i, const tg_show_opts *o, char *buf, size_t size) {
    char num[TG_FMT_DA_MAX];
    const char *s = num;
    size_t len = 0;
    if (!tg_col_is_valid(c, i)) {
        s = "null";
        len = 4;
    } else {
        switch (c->type) {
        case TG_INT: len = tg_fmt_int64(c->v.i64[i], num); break;
        case TG_FLOAT:
            if (o->danish) len = tg_fmt_da(c->v.f64[i], o->decimals, num);
            else len = tg_fmt_double(c->v.f64[i], o->decimals, TG_FMT_EXP, num);
            if (len == 0) {
                s = "NaN";
                len = 3;
            }
            break;
        case TG_BOOL:
            s = c->v.b8[i] ? "true" : "false";
            len = strlen(s);
            break;
        case TG_DATE: len = tg_date_format(c->v.date[i], num); break;
        case TG_STRING: s = tg_dict_str(c->dict, c->v.str[i], &len); break;
        }
    }
    copy_cut(buf, size, s, len);
}

/* Display width of UTF-8 text: code points (good enough for æøå). */
static size_t width(const char *s) {
    return tg_enc_utf8_len(s, strlen(s));
}

/* Numbers are right-aligned, as people compare them digit by digit. */
static int is_number(const tg_col *c) {
    return c->type == TG_INT || c->type == TG_FLOAT;
}

/* 'text' padded to 'w' characters: spaces before it when 'right', else
** after it unless it ends the line. */
static void add_padded(tg_sbuf *b, const char *text, size_t w, int right, int last) {
    size_t pad = width(text);
    for (; right && pad < w; pad++) tg_sbuf_add(b, " ", 1);
    tg_sbuf_str(b, text);
    for (; !last && pad < w; pad++) tg_sbuf_add(b, " ", 1);
}

void tg_show_table(const tg_table *t, size_t n, const tg_show_opts *o, tg_sbuf *out) {
    size_t rows = n < t->n_rows ? n : t->n_rows;
    size_t *w = tg_malloc((t->n_cols ? t->n_cols : 1) * sizeof *w);
    char cell[64];
    if (!w) {
        out->oom = 1;
        return;
    }
    for (size_t k = 0; k < t->n_cols; k++) {
        w[k] = width(t->names[k]);
        for (size_t i = 0; i < rows; i++) {
            cell_text(t->cols[k], i, o, cell, sizeof cell);
            if (width(cell) > w[k]) w[k] = width(cell);
        }
    }
    for (size_t i = 0; i <= rows; i++) {
        for (size_t k = 0; k < t->n_cols; k++) {
            const char *text = t->names[k];
            if (i > 0) {
                cell_text(t->cols[k], i - 1, o, cell, sizeof cell);
                text = cell;
            }
            if (k) tg_sbuf_add(out, "  ", 2);
            add_padded(out, text, w[k], is_number(t->cols[k]), k + 1 == t->n_cols);
        }
        tg_sbuf_add(out, "\n", 1);
    }
    if (o->count) tg_sbuf_printf(out, "(%zu of %zu rows)\n", rows, t->n_rows);
    tg_free(w);
}
