/*
** tg_xlsx.c -- .xlsx workbooks (see tg_xlsx.h): the archive's and the
** workbook's relationships, the sheet list and the date system, then the
** other concerns each in its module: expat's parse loop (tg_xlsxml), the
** date formats (tg_xlsxstyle), the shared strings (tg_xlsxsst) and a
** sheet's cells (tg_xlsxsheet). Part names come from the relationships and
** are resolved inside the archive only.
*/
#include "tg_xlsx.h"

#include <stdio.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_xlsxml.h"
#include "tg_xlsxsheet.h"
#include "tg_xlsxsst.h"
#include "tg_xlsxstyle.h"
#include "tg_zip.h"

struct sheetinfo {
    char *name, *part;
    int state;
};

struct tg_xlsx {
    tg_zip *z;
    const char *path;
    tg_interrupt intr;
    int has_intr;
    char *wb_part;
    struct sheetinfo *sheets;
    size_t n_sheets;
    char *styles, *strings; /* part names, NULL when absent */
    int date1904;
    unsigned char *xf_dkind; /* per cellXfs index: TG_SD_* or 0 */
    size_t n_xf;
    int sst_loaded;
    tg_xlsxsst sst;
    int expat_only; /* sheets through expat: asked for, or the scanner was unsure */
    int retry;      /* the scanner gave up after cells were put: read the sheet again */
};

static const tg_interrupt *intr_of(const tg_xlsx *x) {
    return x->has_intr ? &x->intr : NULL;
}

/* Parses the archive's entry 'part' with the start handler given. */
static tg_status parse_part(tg_xlsx *x, const char *part, tg_xlsxml *ps, tg_xlsxml_start start,
                            tg_error *err) {
    return tg_xlsxml_parse(x->z, part, x->path, intr_of(x), ps, start, NULL, NULL, err);
}

/* ---- part names ---- */

/* 'target' resolved against the folder of 'base' (a part name), inside the
** archive: "/x" is from its root, "." and ".." are walked, and a ".." past
** the root gives *res NULL. The result is an entry name, never a file path.
** TG_OK or TG_ENOMEM. */
static tg_status resolve(const char *base, const char *target, char **res) {
    size_t dir = 0, n;
    if (target[0] != '/' && base)
        for (size_t i = 0; base[i]; i++)
            if (base[i] == '/') dir = i + 1;
    n = dir + strlen(target) + 1;
    char *out = tg_malloc(n), *w = out;
    *res = NULL;
    if (!out) return TG_ENOMEM;
    memcpy(out, base, dir);
    w = out + dir;
    for (const char *s = target; *s;) {
        while (*s == '/') s++;
        const char *e = s;
        while (*e && *e != '/') e++;
        size_t len = (size_t)(e - s);
        if (len == 1 && s[0] == '.') {
        } else if (len == 2 && s[0] == '.' && s[1] == '.') {
            if (w == out) {
                tg_free(out);
                return TG_OK;
            }
            w--; /* the '/' before the last segment */
            while (w > out && w[-1] != '/') w--;
        } else if (len) {
            memcpy(w, s, len);
            w += len;
            if (*e) *w++ = '/';
        }
        s = e;
    }
    *w = '\0';
    *res = out;
    return TG_OK;
}

/* ---- relationships ---- */

struct rel {
    char *id, *target, *type;
};

struct rels {
    tg_xlsxml ps;
    struct rel *v;
    size_t n, cap;
    int oom;
};

static void rels_start(tg_xlsxml *ps, const char *name, const char **atts) {
    struct rels *r = (struct rels *)ps;
    if (strcmp(tg_xlsxml_local(name), "Relationship") != 0) return;
    const char *id = tg_xlsxml_attr(atts, "Id"), *target = tg_xlsxml_attr(atts, "Target"),
               *type = tg_xlsxml_attr(atts, "Type");
    if (!id || !target || !type) return;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct rel *v = tg_realloc(r->v, cap * sizeof *v);
        if (!v) {
            tg_xlsxml_stop(&r->ps, tg_err_nomem(r->ps.err));
            return;
        }
        r->v = v;
        r->cap = cap;
    }
    struct rel *e = &r->v[r->n];
    e->id = tg_strdup(id);
    e->target = tg_strdup(target);
    e->type = tg_strdup(type);
    r->n++;
    if (!e->id || !e->target || !e->type) tg_xlsxml_stop(&r->ps, tg_err_nomem(r->ps.err));
}

static void rels_free(struct rels *r) {
    for (size_t i = 0; i < r->n; i++) {
        tg_free(r->v[i].id);
        tg_free(r->v[i].target);
        tg_free(r->v[i].type);
    }
    tg_free(r->v);
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The relationships part of 'part' ("xl/workbook.xml" ->
** "xl/_rels/workbook.xml.rels"); absent is no relationships. */
static tg_status read_rels(tg_xlsx *x, const char *part, struct rels *r, tg_error *err) {
    size_t dir = 0;
    memset(r, 0, sizeof *r);
    for (size_t i = 0; part[i]; i++)
        if (part[i] == '/') dir = i + 1;
    size_t n = strlen(part) + 12;
    char *name = tg_malloc(n);
    if (!name) return tg_err_nomem(err);
    snprintf(name, n, "%.*s_rels/%s.rels", (int)dir, part, part + dir);
    tg_status st = tg_zip_has(x->z, name) ? parse_part(x, name, &r->ps, rels_start, err) : TG_OK;
    tg_free(name);
    return st;
}

/* ---- the workbook ---- */

struct wb {
    tg_xlsxml ps;
    tg_xlsx *x;
    struct rels *rels;
    size_t cap;
};

static void wb_start(tg_xlsxml *ps, const char *name, const char **atts) {
    struct wb *w = (struct wb *)ps;
    tg_xlsx *x = w->x;
    const char *el = tg_xlsxml_local(name), *v;
    if (strcmp(el, "workbookPr") == 0) {
        v = tg_xlsxml_attr(atts, "date1904");
        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
        return;
    }
    if (strcmp(el, "sheet") != 0) return;
    const char *sname = tg_xlsxml_attr(atts, "name"), *id = tg_xlsxml_attr(atts, "id"),
               *state = tg_xlsxml_attr(atts, "state");
    if (!sname) return;
    const char *target = NULL;
    for (size_t i = 0; id && i < w->rels->n; i++)
        if (strcmp(w->rels->v[i].id, id) == 0 && ends_with(w->rels->v[i].type, "/worksheet"))
            target = w->rels->v[i].target;
    if (x->n_sheets == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        struct sheetinfo *s = tg_realloc(x->sheets, cap * sizeof *s);
        if (!s) {
            tg_xlsxml_stop(&w->ps, tg_err_nomem(w->ps.err));
            return;
        }
        x->sheets = s;
        w->cap = cap;
    }
    struct sheetinfo *s = &x->sheets[x->n_sheets++];
    s->name = tg_strdup(sname);
    s->part = NULL; /* stays NULL for a chart sheet, or a target out of the archive */
    s->state = !state ? 0 : strcmp(state, "veryHidden") == 0 ? 2 : strcmp(state, "hidden") == 0;
    if (!s->name || (target && resolve(x->wb_part, target, &s->part) != TG_OK))
        tg_xlsxml_stop(&w->ps, tg_err_nomem(w->ps.err));
}

/* ---- opening ---- */

static tg_status read_root(tg_xlsx *x, tg_error *err) {
    struct rels r;
    tg_status st = read_rels(x, "", &r, err);
    for (size_t i = 0; st == TG_OK && i < r.n && !x->wb_part; i++)
        if (ends_with(r.v[i].type, "/officeDocument") &&
            resolve("", r.v[i].target, &x->wb_part) != TG_OK)
            st = tg_err_nomem(err);
    rels_free(&r);
    if (st != TG_OK) return st;
    if (!x->wb_part && !(x->wb_part = tg_strdup("xl/workbook.xml"))) return tg_err_nomem(err);
    if (!tg_zip_has(x->z, x->wb_part))
        return tg_err_set(err, TG_EDATA, x->path, 0, 0,
                          "not an Excel workbook: the zip archive has no workbook part");
    return TG_OK;
}

static tg_status read_workbook(tg_xlsx *x, tg_error *err) {
    struct rels r;
    struct wb w;
    tg_status st = read_rels(x, x->wb_part, &r, err);
    for (size_t i = 0; st == TG_OK && i < r.n; i++) {
        char **slot = ends_with(r.v[i].type, "/styles")          ? &x->styles
                      : ends_with(r.v[i].type, "/sharedStrings") ? &x->strings
                                                                 : NULL;
        if (!slot || *slot) continue;
        if (resolve(x->wb_part, r.v[i].target, slot) != TG_OK) st = tg_err_nomem(err);
        else if (!*slot)
            st = tg_err_set(err, TG_EDATA, x->path, 0, 0,
                            "the workbook names a part outside the archive: '%s'", r.v[i].target);
    }
    if (st == TG_OK) {
        memset(&w, 0, sizeof w);
        w.x = x;
        w.rels = &r;
        st = parse_part(x, x->wb_part, &w.ps, wb_start, err);
    }
    rels_free(&r);
    if (st == TG_OK && x->styles && tg_zip_has(x->z, x->styles))
        st = tg_xlsxstyle_read(x->z, x->styles, x->path, intr_of(x), &x->xf_dkind, &x->n_xf, err);
    return st;
}

tg_status tg_xlsx_open(int fd, const char *path, const tg_interrupt *intr, tg_xlsx **out,
                       tg_error *err) {
    *out = NULL;
    tg_xlsx *x = tg_calloc(1, sizeof *x);
    if (!x) return tg_err_nomem(err);
    x->path = path;
    if (intr) {
        x->intr = *intr;
        x->has_intr = 1;
    }
    tg_status st = tg_zip_open(fd, path, NULL, &x->z, err);
    if (st == TG_OK) st = read_root(x, err);
    if (st == TG_OK) st = read_workbook(x, err);
    if (st == TG_OK && x->n_sheets == 0)
        st = tg_err_set(err, TG_EDATA, path, 0, 0, "the workbook has no sheets");
    if (st != TG_OK) {
        tg_xlsx_close(x);
        return st;
    }
    *out = x;
    return TG_OK;
}

void tg_xlsx_close(tg_xlsx *x) {
    if (!x) return;
    tg_zip_close(x->z);
    for (size_t i = 0; i < x->n_sheets; i++) {
        tg_free(x->sheets[i].name);
        tg_free(x->sheets[i].part);
    }
    tg_free(x->sheets);
    tg_free(x->wb_part);
    tg_free(x->styles);
    tg_free(x->strings);
    tg_free(x->xf_dkind);
    tg_xlsxsst_free(&x->sst);
    tg_free(x);
}

size_t tg_xlsx_n_sheets(const tg_xlsx *x) {
    return x->n_sheets;
}
const char *tg_xlsx_sheet_name(const tg_xlsx *x, size_t i) {
    return x->sheets[i].name;
}
int tg_xlsx_sheet_state(const tg_xlsx *x, size_t i) {
    return x->sheets[i].state;
}
int tg_xlsx_date1904(const tg_xlsx *x) {
    return x->date1904;
}

/* ---- the sheets ---- */

/* One pass over sheet i (tg_xlsxsheet_scan), once its part is known. */
static tg_status scan_part(tg_xlsx *x, size_t i, tg_sheet *b, char *dim, tg_error *err) {
    const char *part = x->sheets[i].part;
    if (!part || !tg_zip_has(x->z, part))
        return tg_err_set(err, TG_EDATA, x->path, 0, 0,
                          "sheet '%s' is not a worksheet in the archive (a chart sheet?)",
                          x->sheets[i].name);
    tg_xlsxsheet_src src = { x->z, x->path, intr_of(x), part, &x->sst, x->xf_dkind, x->n_xf };
    return tg_xlsxsheet_scan(&src, b, dim, &x->expat_only, &x->retry, err);
}

tg_status tg_xlsx_dimension(tg_xlsx *x, size_t i, char *buf, tg_error *err) {
    buf[0] = '\0';
    return scan_part(x, i, NULL, buf, err);
}

tg_status tg_xlsx_scan(tg_xlsx *x, size_t i, tg_sheet *b, tg_error *err) {
    if (!x->sst_loaded) {
        x->sst_loaded = 1;
        if (x->strings && tg_zip_has(x->z, x->strings)) {
            tg_status st =
                tg_xlsxsst_load(&x->sst, x->z, x->strings, x->path, intr_of(x), x->expat_only, err);
            if (st != TG_OK) return st;
        }
    }
    return scan_part(x, i, b, NULL, err);
}

void tg_xlsx_use_expat(tg_xlsx *x) {
    x->expat_only = 1;
}

int tg_xlsx_take_retry(tg_xlsx *x) {
    int r = x->retry;
    x->retry = 0;
    return r;
}
