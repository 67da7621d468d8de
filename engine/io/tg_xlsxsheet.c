/*
** tg_xlsxsheet.c -- a worksheet's cells into a tg_sheet (see
** tg_xlsxsheet.h). Both parsers drive the same steps: a <row> sets the
** row, a <c> begins a cell (its reference, or the next column), its <v>
** or inline <is><t> text is gathered, and its end puts it; only the
** element and attribute handling differ.
*/
#include "tg_xlsxsheet.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_sbuf.h"
#include "tg_xlsxml.h"
#include "tg_xmlscan.h"

struct scan {
    tg_xlsxml ps;
    const tg_xlsxsheet_src *src;
    tg_sheet *b;
    char *dim; /* tg_xlsx_dimension: where to put it, and stop there */
    uint32_t row, col;
    int in_cell, in_v, in_is, in_t, in_rph, type, style;
    tg_sbuf text;
    tg_xmlscan *xs; /* the fast path's scanner, or NULL under expat */
    size_t n_put;   /* cells and merged ranges put */
    int too_long;   /* an attribute value the fast path does not take */
};

enum { T_N, T_S, T_STR, T_INLINE, T_B, T_E, T_D };

static int cell_type(const char *t) {
    if (!t) return T_N;
    switch (t[0]) { /* once per cell: the first letter, then the word */
    case 'n': return T_N;
    case 's': return t[1] == '\0' ? T_S : strcmp(t, "str") == 0 ? T_STR : T_N;
    case 'i': return strcmp(t, "inlineStr") == 0 ? T_INLINE : T_N;
    case 'b': return t[1] == '\0' ? T_B : T_N;
    case 'e': return t[1] == '\0' ? T_E : T_N;
    case 'd': return t[1] == '\0' ? T_D : T_N;
    default: return T_N;
    }
}

/* "C17" -> row 16, col 2; 0 when it is no reference. */
static int cell_ref(const char *s, uint32_t *row, uint32_t *col) {
    uint32_t r0, c0, r1, c1;
    if (tg_sheet_parse_range(s, &r0, &c0, &r1, &c1) != 0 || r0 != r1 || c0 != c1) return 0;
    *row = r0;
    *col = c0;
    return 1;
}

/* The attributes r, s and t of a <c>, in one pass: this is the hot path,
** once per cell. */
static void cell_attrs(const char **atts, const char **r, const char **s, const char **t) {
    *r = *s = *t = NULL;
    for (size_t i = 0; atts[i]; i += 2) {
        const char *n = atts[i][0] && !atts[i][1] ? atts[i] : tg_xlsxml_local(atts[i]);
        if (!n[0] || n[1]) continue;
        if (n[0] == 'r') *r = atts[i + 1];
        else if (n[0] == 's') *s = atts[i + 1];
        else if (n[0] == 't') *t = atts[i + 1];
    }
}

/* ---- a sheet's elements, for either parser ---- */

static tg_status begin_cell(struct scan *sc, const char *r, const char *s, const char *t) {
    uint32_t row = sc->row, col = sc->col + 1;
    if (r && !cell_ref(r, &row, &col))
        return tg_err_set(sc->ps.err, TG_EDATA, sc->src->path, 0, 0,
                          "bad cell reference '%.20s' in part '%s'", r, sc->ps.part);
    sc->row = row;
    sc->col = col;
    sc->in_cell = 1;
    sc->type = cell_type(t);
    sc->style = s ? atoi(s) : 0;
    sc->text.len = 0;
    return TG_OK;
}

static void begin_row(struct scan *sc, const char *r) {
    long v = r ? atol(r) : 0;
    sc->row = v >= 1 && v <= 1048576 ? (uint32_t)(v - 1) : sc->row + 1;
    sc->col = UINT32_MAX; /* the next cell without a reference is column A */
}

static tg_status add_merge(struct scan *sc, const char *ref) {
    uint32_t r0, c0, r1, c1;
    sc->n_put++;
    if (tg_sheet_parse_range(ref, &r0, &c0, &r1, &c1) == 0 &&
        tg_sheet_merge(sc->b, r0, c0, r1, c1) != TG_OK)
        return tg_err_nomem(sc->ps.err);
    return TG_OK;
}

/* An element opening inside a cell: which of them hold its text. */
static void child_start(struct scan *sc, const char *el, size_t n) {
    if (tg_xlsxml_is(el, n, 'v')) sc->in_v = 1;
    else if (tg_xlsxml_named(el, n, "is")) sc->in_is = 1;
    else if (tg_xlsxml_named(el, n, "rPh")) sc->in_rph = 1;
    else if (tg_xlsxml_is(el, n, 't') && sc->in_is && !sc->in_rph) sc->in_t = 1;
}

static tg_status put_cell(struct scan *sc);

/* An element closing inside a cell; the cell's own end puts it. */
static tg_status child_end(struct scan *sc, const char *el, size_t n) {
    if (tg_xlsxml_is(el, n, 'v')) sc->in_v = 0;
    else if (tg_xlsxml_is(el, n, 't')) sc->in_t = 0;
    else if (tg_xlsxml_named(el, n, "rPh")) sc->in_rph = 0;
    else if (tg_xlsxml_named(el, n, "is")) sc->in_is = 0;
    else if (tg_xlsxml_is(el, n, 'c')) {
        sc->in_cell = 0;
        if (sc->text.oom) return tg_err_nomem(sc->ps.err);
        tg_sbuf_add(&sc->text, "", 0); /* NUL-terminated, also when empty */
        sc->n_put++;
        return put_cell(sc);
    }
    return TG_OK;
}

/* ---- a sheet through expat ---- */

static void sheet_start(tg_xlsxml *ps, const char *name, const char **atts) {
    struct scan *sc = (struct scan *)ps;
    const char *el = name[0] && !name[1] ? name : tg_xlsxml_local(name), *v;
    size_t n = strlen(el);
    tg_status st = TG_OK;
    if (sc->in_cell) {
        child_start(sc, el, n);
        return;
    }
    if (tg_xlsxml_is(el, n, 'c')) {
        const char *s, *t;
        cell_attrs(atts, &v, &s, &t);
        st = begin_cell(sc, v, s, t);
    } else if (tg_xlsxml_named(el, n, "row")) {
        begin_row(sc, tg_xlsxml_attr(atts, "r"));
    } else if (tg_xlsxml_named(el, n, "mergeCell") && (v = tg_xlsxml_attr(atts, "ref"))) {
        st = add_merge(sc, v);
    } else if (tg_xlsxml_named(el, n, "dimension") && sc->dim) {
        snprintf(sc->dim, 32, "%s", (v = tg_xlsxml_attr(atts, "ref")) ? v : "");
        tg_xlsxml_stop(&sc->ps, TG_OK);
    } else if (tg_xlsxml_named(el, n, "sheetData") && sc->dim) {
        tg_xlsxml_stop(&sc->ps, TG_OK);
    }
    if (st != TG_OK) tg_xlsxml_stop(&sc->ps, st);
}

/* The cell just closed, into the builder. */
static tg_status put_cell(struct scan *sc) {
    const tg_xlsxsheet_src *src = sc->src;
    tg_sheet_cell c;
    const char *v = sc->text.p ? sc->text.p : "";
    size_t n = sc->text.len;
    memset(&c, 0, sizeof c);
    c.row = sc->row;
    c.col = sc->col;
    c.s = v;
    c.n = n;
    switch (sc->type) {
    case T_S: {
        char *end;
        unsigned long i = strtoul(v, &end, 10);
        if (n == 0 || *end || !tg_xlsxsst_get(src->sst, i, &c.s, &c.n)) {
            char cell[16];
            tg_sheet_cell_name(sc->row + 1, sc->col, cell);
            return tg_err_set(sc->ps.err, TG_EDATA, src->path, 0, 0,
                              "cell %s of part '%s' names shared string '%.20s', which the "
                              "workbook does not have",
                              cell, sc->ps.part, v);
        }
        c.kind = TG_SC_STR;
        break;
    }
    case T_STR:
    case T_INLINE:
        c.kind = TG_SC_STR;
        if (n > 0) {
            c.n = tg_xlsxml_unescape(sc->text.p, n);
            sc->text.p[c.n] = '\0';
        }
        break;
    case T_B:
        c.kind = n ? TG_SC_BOOL : TG_SC_EMPTY;
        c.num = n && v[0] == '1';
        break;
    case T_E: c.kind = TG_SC_ERR; break;
    case T_D:
        c.kind = n ? TG_SC_ISO : TG_SC_EMPTY;
        if (n > 10 && v[10] == 'T') sc->text.p[10] = ' ';
        if (n > 19) c.n = 19;
        if (c.n == 19 && strcmp(v + 11, "00:00:00") == 0) c.n = 10;
        break;
    default:
        if (n == 0) break;
        c.kind = TG_SC_NUM;
        if (sc->style > 0 && (size_t)sc->style < src->n_xf && src->xf_dkind[sc->style]) {
            c.kind = TG_SC_SERIAL;
            c.dkind = src->xf_dkind[sc->style];
            c.num = strtod(v, NULL);
        }
    }
    return tg_sheet_put(sc->b, &c, sc->ps.err);
}

static void sheet_end(tg_xlsxml *ps, const char *name) {
    struct scan *sc = (struct scan *)ps;
    if (!sc->in_cell) return;
    const char *el = name[0] && !name[1] ? name : tg_xlsxml_local(name);
    tg_status st = child_end(sc, el, strlen(el));
    if (st != TG_OK) tg_xlsxml_stop(&sc->ps, st);
}

static void sheet_text(tg_xlsxml *ps, const char *s, int n) {
    struct scan *sc = (struct scan *)ps;
    if (sc->in_v || sc->in_t) tg_sbuf_add(&sc->text, s, (size_t)n);
}

/* ---- a sheet through tg_xmlscan ---- */

/* The attributes r, s and t of a <c> decoded into the buffers (64 bytes
** each), in one pass, the last of a name winning as in cell_attrs. A
** value too long for its buffer is no cell's: -1, and the part goes to
** expat. */
static int fast_cell_attrs(const tg_xmlscan_attr *a, size_t n, char (*buf)[64], const char **v) {
    v[0] = v[1] = v[2] = NULL;
    for (size_t i = 0; i < n; i++) {
        int k = a[i].nlen != 1        ? -1
                : a[i].name[0] == 'r' ? 0
                : a[i].name[0] == 's' ? 1
                : a[i].name[0] == 't' ? 2
                                      : -1;
        if (k < 0) continue;
        if (tg_xmlscan_value(&a[i], buf[k], sizeof buf[k]) == (size_t)-1) return -1;
        v[k] = buf[k];
    }
    return 0;
}

static tg_status give_up(struct scan *sc) {
    sc->too_long = 1;
    return TG_ECANCEL;
}

static tg_status fast_start(void *ud, const char *el, size_t n, const tg_xmlscan_attr *a,
                            size_t n_attrs) {
    struct scan *sc = ud;
    char buf[3][64], rb[64];
    const char *v[3];
    if (sc->in_cell) {
        child_start(sc, el, n);
        tg_xmlscan_want_text(sc->xs, sc->in_v || sc->in_t);
        return TG_OK;
    }
    if (tg_xlsxml_is(el, n, 'c'))
        return fast_cell_attrs(a, n_attrs, buf, v) ? give_up(sc) : begin_cell(sc, v[0], v[1], v[2]);
    if (tg_xlsxml_named(el, n, "row")) {
        /* attr() takes the first one so named: walk the list from its start */
        for (size_t i = 0; i < n_attrs; i++)
            if (tg_xlsxml_is(a[i].name, a[i].nlen, 'r')) {
                if (tg_xmlscan_value(&a[i], rb, sizeof rb) == (size_t)-1) return give_up(sc);
                begin_row(sc, rb);
                return TG_OK;
            }
        begin_row(sc, NULL);
    } else if (tg_xlsxml_named(el, n, "mergeCell")) {
        for (size_t i = 0; i < n_attrs; i++)
            if (tg_xlsxml_named(a[i].name, a[i].nlen, "ref"))
                return tg_xmlscan_value(&a[i], rb, sizeof rb) == (size_t)-1 ? give_up(sc)
                                                                            : add_merge(sc, rb);
    }
    return TG_OK;
}

static tg_status fast_end(void *ud, const char *el, size_t n) {
    struct scan *sc = ud;
    if (!sc->in_cell) return TG_OK;
    tg_status st = child_end(sc, el, n);
    tg_xmlscan_want_text(sc->xs, sc->in_v || sc->in_t);
    return st;
}

static tg_status fast_text(void *ud, const char *s, size_t n) {
    struct scan *sc = ud;
    tg_sbuf_add(&sc->text, s, n);
    return TG_OK;
}

static tg_status fast_sink(void *ud, const char *buf, size_t n) {
    struct scan *sc = ud;
    return tg_xmlscan_feed(sc->xs, buf, n);
}

/* The sheet through the scanner; *unsure when it left the part to expat
** (TG_ECANCEL returned, err not set). */
static tg_status scan_fast(struct scan *sc, int *unsure, tg_error *err) {
    const tg_xlsxsheet_src *src = sc->src;
    static const tg_xmlscan_ops ops = { fast_start, fast_end, fast_text };
    *unsure = 0;
    sc->ps.err = err;
    sc->ps.part = src->part;
    sc->ps.path = src->path;
    if (!(sc->xs = tg_xmlscan_new(&ops, sc))) return tg_err_nomem(err);
    tg_status st = tg_zip_stream(src->z, src->part, fast_sink, sc, src->intr, err);
    if (st == TG_OK) st = tg_xmlscan_end(sc->xs);
    if (st == TG_ECANCEL && (tg_xmlscan_unsure(sc->xs) || sc->too_long)) *unsure = 1;
    else if (st == TG_ENOMEM) st = tg_err_nomem(err);
    tg_xmlscan_free(sc->xs);
    sc->xs = NULL;
    return st;
}

static void scan_init(struct scan *sc, const tg_xlsxsheet_src *src, tg_sheet *b, char *dim) {
    memset(sc, 0, sizeof *sc);
    sc->src = src;
    sc->b = b;
    sc->dim = dim;
    sc->row = UINT32_MAX;
    sc->col = UINT32_MAX;
}

tg_status tg_xlsxsheet_scan(const tg_xlsxsheet_src *src, tg_sheet *b, char *dim, int *expat_only,
                            int *retry, tg_error *err) {
    struct scan sc;
    tg_status st;
    scan_init(&sc, src, b, dim);
    if (!dim && !*expat_only) {
        int unsure;
        st = scan_fast(&sc, &unsure, err);
        if (unsure) {
            *expat_only = 1;
            if (sc.n_put) {
                *retry = 1;
                st = tg_err_set(err, TG_EDATA, src->path, 0, 0,
                                "part '%s' is read again with expat", src->part);
            } else {
                tg_free(sc.text.p);
                scan_init(&sc, src, b, dim);
            }
        }
        if (!unsure || sc.n_put) {
            tg_free(sc.text.p);
            return st;
        }
    }
    st = tg_xlsxml_parse(src->z, src->part, src->path, src->intr, &sc.ps, sheet_start, sheet_end,
                         sheet_text, err);
    tg_free(sc.text.p);
    return st;
}
