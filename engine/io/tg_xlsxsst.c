/*
** tg_xlsxsst.c -- the shared-strings table of an .xlsx (see tg_xlsxsst.h).
** Both parsers drive the same open and close steps: an <si> ends a string
** (its runs' <t> text appended as they come), an <rPh> hides its text.
*/
#include "tg_xlsxsst.h"

#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_xlsxml.h"
#include "tg_xmlscan.h"

struct sst {
    tg_xlsxml ps;
    tg_xlsxsst *t;
    int in_si, in_t, in_rph;
    tg_xmlscan *xs; /* the fast path's scanner, or NULL under expat */
};

static void sst_open(struct sst *s, const char *el, size_t n) {
    if (tg_xlsxml_named(el, n, "si")) s->in_si = 1;
    else if (tg_xlsxml_named(el, n, "rPh")) s->in_rph = 1; /* phonetic guide: not the text */
    else if (tg_xlsxml_is(el, n, 't') && s->in_si && !s->in_rph) s->in_t = 1;
}

static tg_status sst_close(struct sst *s, const char *el, size_t n) {
    tg_xlsxsst *t = s->t;
    if (tg_xlsxml_is(el, n, 't')) s->in_t = 0;
    else if (tg_xlsxml_named(el, n, "rPh")) s->in_rph = 0;
    else if (tg_xlsxml_named(el, n, "si")) {
        size_t start = t->n ? t->off[t->n] : 0;
        s->in_si = 0;
        if (t->text.len > start)
            t->text.len = start + tg_xlsxml_unescape(t->text.p + start, t->text.len - start);
        if (t->n + 2 > t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 1024;
            size_t *off = tg_realloc(t->off, cap * sizeof *off);
            if (!off) return tg_err_nomem(s->ps.err);
            if (!t->off) off[0] = 0;
            t->off = off;
            t->cap = cap;
        }
        t->off[++t->n] = t->text.len;
    }
    return TG_OK;
}

static void sst_start(tg_xlsxml *ps, const char *name, const char **atts) {
    const char *el = tg_xlsxml_local(name);
    (void)atts;
    sst_open((struct sst *)ps, el, strlen(el));
}

static void sst_end(tg_xlsxml *ps, const char *name) {
    struct sst *s = (struct sst *)ps;
    const char *el = tg_xlsxml_local(name);
    tg_status st = sst_close(s, el, strlen(el));
    if (st != TG_OK) tg_xlsxml_stop(&s->ps, st);
}

static void sst_text(tg_xlsxml *ps, const char *s, int n) {
    struct sst *st = (struct sst *)ps;
    if (!st->in_t) return;
    tg_sbuf_add(&st->t->text, s, (size_t)n);
    if (st->t->text.oom) tg_xlsxml_stop(&st->ps, tg_err_nomem(st->ps.err));
}

/* The same through tg_xmlscan: a table of 300,000 distinct strings is
** 11 MB of XML, a fifth of the load under expat. */
static tg_status sst_fast_start(void *ud, const char *el, size_t n, const tg_xmlscan_attr *a,
                                size_t n_attrs) {
    struct sst *s = ud;
    (void)a, (void)n_attrs;
    sst_open(s, el, n);
    tg_xmlscan_want_text(s->xs, s->in_t);
    return TG_OK;
}

static tg_status sst_fast_end(void *ud, const char *el, size_t n) {
    struct sst *s = ud;
    tg_status st = sst_close(s, el, n);
    tg_xmlscan_want_text(s->xs, s->in_t);
    return st;
}

static tg_status sst_fast_text(void *ud, const char *p, size_t n) {
    struct sst *s = ud;
    tg_sbuf_add(&s->t->text, p, n);
    return s->t->text.oom ? tg_err_nomem(s->ps.err) : TG_OK;
}

static tg_status xs_sink(void *ud, const char *buf, size_t n) {
    return tg_xmlscan_feed(ud, buf, n);
}

/* The table through the scanner; TG_ECANCEL with *unsure when it left
** the part to expat (err not set). */
static tg_status strings_fast(struct sst *s, tg_zip *z, const char *part, const tg_interrupt *intr,
                              int *unsure, tg_error *err) {
    static const tg_xmlscan_ops ops = { sst_fast_start, sst_fast_end, sst_fast_text };
    *unsure = 0;
    s->ps.err = err;
    if (!(s->xs = tg_xmlscan_new(&ops, s))) return tg_err_nomem(err);
    tg_status st = tg_zip_stream(z, part, xs_sink, s->xs, intr, err);
    if (st == TG_OK) st = tg_xmlscan_end(s->xs);
    if (st == TG_ECANCEL && tg_xmlscan_unsure(s->xs)) *unsure = 1;
    else if (st == TG_ENOMEM) st = tg_err_nomem(err);
    tg_xmlscan_free(s->xs);
    s->xs = NULL;
    return st;
}

tg_status tg_xlsxsst_load(tg_xlsxsst *t, tg_zip *z, const char *part, const char *path,
                          const tg_interrupt *intr, int expat_only, tg_error *err) {
    struct sst s;
    memset(&s, 0, sizeof s);
    s.t = t;
    if (!expat_only) {
        int unsure;
        tg_status st = strings_fast(&s, z, part, intr, &unsure, err);
        if (!unsure) return st;
        memset(&s, 0, sizeof s); /* start again, with expat */
        s.t = t;
        t->text.len = 0;
        t->n = 0;
    }
    return tg_xlsxml_parse(z, part, path, intr, &s.ps, sst_start, sst_end, sst_text, err);
}

void tg_xlsxsst_free(tg_xlsxsst *t) {
    tg_free(t->text.p);
    tg_free(t->off);
    memset(t, 0, sizeof *t);
}

int tg_xlsxsst_get(const tg_xlsxsst *t, size_t i, const char **str, size_t *n) {
    if (i >= t->n) return 0;
    *str = t->text.p + t->off[i];
    *n = t->off[i + 1] - t->off[i];
    return 1;
}
