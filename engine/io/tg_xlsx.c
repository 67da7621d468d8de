/*
** tg_xlsx.c -- .xlsx workbooks through tg_zip and expat (see tg_xlsx.h).
** Every part is parsed by the same streaming loop: an expat parser whose
** memory is tg_malloc'ed, fed the entry's bytes as they inflate, with the
** element handlers of the part at hand. Names are matched by their local
** part (after any "x:" prefix), as writers differ in prefixes. A DOCTYPE
** stops the parse: no part of a workbook has one, and entities are how
** XML files attack their readers.
*/
#include "tg_xlsx.h"

#include <ctype.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tg_enc.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_sbuf.h"
#include "tg_xmlscan.h"
#include "tg_zip.h"

struct sheetinfo {
    char *name, *part;
    int state;
};

struct fmt {
    unsigned id;
    int dkind;
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
    /* shared strings: string i is sst[off[i], off[i + 1]) */
    int sst_loaded;
    tg_sbuf sst;
    size_t *off;
    size_t n_sst, cap_sst;
    int expat_only; /* sheets through expat: asked for, or the scanner was unsure */
    int retry;      /* the scanner gave up after cells were put: read the sheet again */
};

/* ---- the parse loop ---- */

struct parse {
    XML_Parser p;
    tg_status st; /* set by a handler that stops the parse */
    int stopped;  /* stopped on purpose: all that was wanted was read */
    tg_error *err;
    const char *part;
    const char *path;
};

static void *x_malloc(size_t n) {
    return tg_malloc(n);
}
static void *x_realloc(void *p, size_t n) {
    return tg_realloc(p, n);
}
static void x_free(void *p) {
    tg_free(p);
}

static void stop(struct parse *ps, tg_status st) {
    if (ps->st == TG_OK && !ps->stopped) {
        ps->st = st;
        if (st == TG_OK) ps->stopped = 1;
    }
    XML_StopParser(ps->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal) {
    struct parse *ps = ud;
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    stop(ps, tg_err_set(ps->err, TG_EDATA, ps->path, 0, 0,
                        "part '%s' of the workbook declares a DOCTYPE, which no workbook has",
                        ps->part));
}

/* The status of a parse that expat refused. */
static tg_status xml_error(struct parse *ps) {
    if (ps->st != TG_OK) return ps->st;
    if (XML_GetErrorCode(ps->p) == XML_ERROR_NO_MEMORY) return tg_err_nomem(ps->err);
    return tg_err_set(ps->err, TG_EDATA, ps->path, 0, 0,
                      "part '%s' is not well-formed XML: %s (line %lu)", ps->part,
                      XML_ErrorString(XML_GetErrorCode(ps->p)),
                      (unsigned long)XML_GetCurrentLineNumber(ps->p));
}

/* TG_ECANCEL from here only stops the stream; parse_part knows it meant
** "read enough" by ps->stopped. */
static tg_status sink(void *ud, const char *buf, size_t n) {
    struct parse *ps = ud;
    if (XML_Parse(ps->p, buf, (int)n, 0) == XML_STATUS_OK) return TG_OK;
    return ps->stopped ? TG_ECANCEL : xml_error(ps);
}

/* Parses the archive's entry 'part' with the handlers given; the handlers'
** user data is 'ps', the first member of their own struct. */
static tg_status parse_part(tg_xlsx *x, const char *part, struct parse *ps,
                            XML_StartElementHandler start, XML_EndElementHandler end,
                            XML_CharacterDataHandler text, tg_error *err) {
    static const XML_Memory_Handling_Suite mem = { x_malloc, x_realloc, x_free };
    ps->p = XML_ParserCreate_MM("UTF-8", &mem, NULL);
    if (!ps->p) return tg_err_nomem(err);
    ps->st = TG_OK;
    ps->stopped = 0;
    ps->err = err;
    ps->part = part;
    ps->path = x->path;
    XML_SetUserData(ps->p, ps);
    XML_SetElementHandler(ps->p, start, end);
    if (text) XML_SetCharacterDataHandler(ps->p, text);
    XML_SetStartDoctypeDeclHandler(ps->p, on_doctype);
    tg_status st = tg_zip_stream(x->z, part, sink, ps, x->has_intr ? &x->intr : NULL, err);
    if (ps->stopped) st = TG_OK;
    else if (st == TG_OK && XML_Parse(ps->p, NULL, 0, 1) != XML_STATUS_OK)
        st = ps->stopped ? TG_OK : xml_error(ps);
    XML_ParserFree(ps->p);
    return st;
}

static const char *local(const char *name) {
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const XML_Char **atts, const char *name) {
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0) return atts[i + 1];
    return NULL;
}

/* ---- text ---- */

static int hexval(char ch) {
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                    : -1;
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
    struct parse ps;
    struct rel *v;
    size_t n, cap;
    int oom;
};

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct rels *r = ud;
    if (strcmp(local(name), "Relationship") != 0) return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (!id || !target || !type) return;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct rel *v = tg_realloc(r->v, cap * sizeof *v);
        if (!v) {
            stop(&r->ps, tg_err_nomem(r->ps.err));
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
    if (!e->id || !e->target || !e->type) stop(&r->ps, tg_err_nomem(r->ps.err));
}

static void XMLCALL no_end(void *ud, const XML_Char *name) {
    (void)ud, (void)name;
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
    tg_status st =
        tg_zip_has(x->z, name) ? parse_part(x, name, &r->ps, rels_start, no_end, NULL, err) : TG_OK;
    tg_free(name);
    return st;
}

/* ---- the workbook ---- */

struct wb {
    struct parse ps;
    tg_xlsx *x;
    struct rels *rels;
    size_t cap;
};

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct wb *w = ud;
    tg_xlsx *x = w->x;
    const char *el = local(name), *v;
    if (strcmp(el, "workbookPr") == 0) {
        v = attr(atts, "date1904");
        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
        return;
    }
    if (strcmp(el, "sheet") != 0) return;
    const char *sname = attr(atts, "name"), *id = attr(atts, "id"), *state = attr(atts, "state");
    if (!sname) return;
    const char *target = NULL;
    for (size_t i = 0; id && i < w->rels->n; i++)
        if (strcmp(w->rels->v[i].id, id) == 0 && ends_with(w->rels->v[i].type, "/worksheet"))
            target = w->rels->v[i].target;
    if (x->n_sheets == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        struct sheetinfo *s = tg_realloc(x->sheets, cap * sizeof *s);
        if (!s) {
            stop(&w->ps, tg_err_nomem(w->ps.err));
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
        stop(&w->ps, tg_err_nomem(w->ps.err));
}

/* ---- number formats ---- */

/* What a format code shows: a date, a time, both, or neither (0). Only the
** first section counts; quoted text, escapes, fills and colours are
** skipped; 'm' is minutes next to h or s and months otherwise. Danish
** Excel's year letter 'å' counts as 'y' ("dd-mm-åååå"). */
static int classify(const char *code) {
    int date = 0, time = 0, m = 0;
    for (const char *s = code; *s && *s != ';'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"') {
            while (s[1] && s[1] != '"') s++;
            if (s[1]) s++;
        } else if (c == '\\' || c == '_' || c == '*') {
            if (s[1]) s++;
        } else if (c == '[') {
            const char *e = strchr(s, ']');
            if (!e) break;
            if (s[1] == '$' && strncmp(s + 1, "$-F800", 6) == 0) date = 1;
            else if (s[1] == '$' && strncmp(s + 1, "$-F400", 6) == 0) time = 1;
            else if (s[1] == 'h' || s[1] == 'H' || s[1] == 's' || s[1] == 'S') time = 1;
            else if ((s[1] == 'm' || s[1] == 'M') && (e - s == 2 || e - s == 3)) time = 1;
            s = e;
        } else if (c == 0xc3 && (s[1] == '\xa5' || s[1] == '\x85')) { /* å, Å */
            date = 1;
            s++;
        } else {
            switch (tolower(c)) {
            case 'd':
            case 'y': date = 1; break;
            case 'h':
            case 's':
                time = 1;
                if (m) m = 2; /* h:mm or mm:ss: the m was minutes */
                break;
            case 'm': m = m ? m : 1; break;
            default: break;
            }
            if (strncasecmp(s, "AM/PM", 5) == 0 || strncasecmp(s, "A/P", 3) == 0) time = 1;
        }
    }
    if (m == 1 && !time) date = 1;
    return date && time ? TG_SD_DATETIME : date ? TG_SD_DATE : time ? TG_SD_TIME : 0;
}

static int builtin_dkind(unsigned id) {
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
        return TG_SD_DATE;
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return TG_SD_TIME;
    return id == 22 ? TG_SD_DATETIME : 0;
}

struct styles {
    struct parse ps;
    tg_xlsx *x;
    struct fmt *fmts;
    size_t n_fmts, cap_fmts, cap_xf;
    int in_xfs;
};

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct styles *st = ud;
    const char *el = local(name), *v;
    if (strcmp(el, "cellXfs") == 0) st->in_xfs = 1;
    else if (strcmp(el, "numFmt") == 0 && (v = attr(atts, "numFmtId"))) {
        const char *code = attr(atts, "formatCode");
        if (st->n_fmts == st->cap_fmts) {
            size_t cap = st->cap_fmts ? st->cap_fmts * 2 : 16;
            struct fmt *f = tg_realloc(st->fmts, cap * sizeof *f);
            if (!f) {
                stop(&st->ps, tg_err_nomem(st->ps.err));
                return;
            }
            st->fmts = f;
            st->cap_fmts = cap;
        }
        st->fmts[st->n_fmts].id = (unsigned)strtoul(v, NULL, 10);
        st->fmts[st->n_fmts++].dkind = code ? classify(code) : 0;
    } else if (st->in_xfs && strcmp(el, "xf") == 0) {
        tg_xlsx *x = st->x;
        unsigned id = (v = attr(atts, "numFmtId")) ? (unsigned)strtoul(v, NULL, 10) : 0;
        int dk = builtin_dkind(id);
        for (size_t i = 0; i < st->n_fmts; i++)
            if (st->fmts[i].id == id) dk = st->fmts[i].dkind;
        if (x->n_xf == st->cap_xf) {
            size_t cap = st->cap_xf ? st->cap_xf * 2 : 64;
            unsigned char *d = tg_realloc(x->xf_dkind, cap);
            if (!d) {
                stop(&st->ps, tg_err_nomem(st->ps.err));
                return;
            }
            x->xf_dkind = d;
            st->cap_xf = cap;
        }
        x->xf_dkind[x->n_xf++] = (unsigned char)dk;
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name) {
    struct styles *st = ud;
    if (strcmp(local(name), "cellXfs") == 0) st->in_xfs = 0;
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
        st = parse_part(x, x->wb_part, &w.ps, wb_start, no_end, NULL, err);
    }
    rels_free(&r);
    if (st == TG_OK && x->styles && tg_zip_has(x->z, x->styles)) {
        struct styles s;
        memset(&s, 0, sizeof s);
        s.x = x;
        st = parse_part(x, x->styles, &s.ps, styles_start, styles_end, NULL, err);
        tg_free(s.fmts);
    }
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
    tg_free(x->sst.p);
    tg_free(x->off);
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

/* ---- text ---- */

/* Undoes ECMA-376's escape of text XML cannot hold (ST_Xstring), in place:
** "_xHHHH_" is the UTF-16 unit HHHH. Writers use it for control characters
** (Excel's _x000D_ in a cell, libxlsxwriter's _x0001_) and for a text that
** looks like an escape itself ("_x005F_x0041_" is "_x0041_"). NUL and
** surrogates stay as written. Returns the new length. */
static size_t unescape_x(char *s, size_t n) {
    size_t o = 0, i = 0;
    if (n == 0 || !memchr(s, '_', n)) return n;
    while (i < n) {
        unsigned long cp = 0;
        int ok = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
        for (size_t k = 2; ok && k < 6; k++) {
            int h = hexval(s[i + k]);
            ok = h >= 0;
            cp = cp * 16 + (unsigned long)h;
        }
        if (ok && cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
            o += tg_enc_put_utf8((unsigned char *)s + o, (uint32_t)cp);
            i += 7;
        } else {
            s[o++] = s[i++];
        }
    }
    return o;
}

/* ---- shared strings ---- */

static int is(const char *el, size_t n, char c) {
    return n == 1 && el[0] == c;
}

static int named(const char *el, size_t n, const char *name) {
    return strlen(name) == n && memcmp(el, name, n) == 0;
}

struct sst {
    struct parse ps;
    tg_xlsx *x;
    int in_si, in_t, in_rph;
    tg_xmlscan *xs; /* the fast path's scanner, or NULL under expat */
};

static void sst_open(struct sst *s, const char *el, size_t n) {
    if (named(el, n, "si")) s->in_si = 1;
    else if (named(el, n, "rPh")) s->in_rph = 1; /* phonetic guide: not the text */
    else if (is(el, n, 't') && s->in_si && !s->in_rph) s->in_t = 1;
}

static tg_status sst_close(struct sst *s, const char *el, size_t n) {
    tg_xlsx *x = s->x;
    if (is(el, n, 't')) s->in_t = 0;
    else if (named(el, n, "rPh")) s->in_rph = 0;
    else if (named(el, n, "si")) {
        size_t start = x->n_sst ? x->off[x->n_sst] : 0;
        s->in_si = 0;
        if (x->sst.len > start)
            x->sst.len = start + unescape_x(x->sst.p + start, x->sst.len - start);
        if (x->n_sst + 2 > x->cap_sst) {
            size_t cap = x->cap_sst ? x->cap_sst * 2 : 1024;
            size_t *off = tg_realloc(x->off, cap * sizeof *off);
            if (!off) return tg_err_nomem(s->ps.err);
            if (!x->off) off[0] = 0;
            x->off = off;
            x->cap_sst = cap;
        }
        x->off[++x->n_sst] = x->sst.len;
    }
    return TG_OK;
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    const char *el = local(name);
    (void)atts;
    sst_open(ud, el, strlen(el));
}

static void XMLCALL sst_end(void *ud, const XML_Char *name) {
    struct sst *s = ud;
    const char *el = local(name);
    tg_status st = sst_close(s, el, strlen(el));
    if (st != TG_OK) stop(&s->ps, st);
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int n) {
    struct sst *st = ud;
    if (!st->in_t) return;
    tg_sbuf_add(&st->x->sst, s, (size_t)n);
    if (st->x->sst.oom) stop(&st->ps, tg_err_nomem(st->ps.err));
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
    tg_sbuf_add(&s->x->sst, p, n);
    return s->x->sst.oom ? tg_err_nomem(s->ps.err) : TG_OK;
}

static tg_status xs_sink(void *ud, const char *buf, size_t n) {
    return tg_xmlscan_feed(ud, buf, n);
}

/* The table through the scanner; TG_ECANCEL with *unsure when it left
** the part to expat (err not set). */
static tg_status strings_fast(tg_xlsx *x, struct sst *s, int *unsure, tg_error *err) {
    static const tg_xmlscan_ops ops = { sst_fast_start, sst_fast_end, sst_fast_text };
    *unsure = 0;
    s->ps.err = err;
    if (!(s->xs = tg_xmlscan_new(&ops, s))) return tg_err_nomem(err);
    tg_status st =
        tg_zip_stream(x->z, x->strings, xs_sink, s->xs, x->has_intr ? &x->intr : NULL, err);
    if (st == TG_OK) st = tg_xmlscan_end(s->xs);
    if (st == TG_ECANCEL && tg_xmlscan_unsure(s->xs)) *unsure = 1;
    else if (st == TG_ENOMEM) st = tg_err_nomem(err);
    tg_xmlscan_free(s->xs);
    s->xs = NULL;
    return st;
}

static tg_status load_strings(tg_xlsx *x, tg_error *err) {
    struct sst s;
    x->sst_loaded = 1;
    if (!x->strings || !tg_zip_has(x->z, x->strings)) return TG_OK;
    memset(&s, 0, sizeof s);
    s.x = x;
    if (!x->expat_only) {
        int unsure;
        tg_status st = strings_fast(x, &s, &unsure, err);
        if (!unsure) return st;
        memset(&s, 0, sizeof s); /* start again, with expat */
        s.x = x;
        x->sst.len = 0;
        x->n_sst = 0;
    }
    return parse_part(x, x->strings, &s.ps, sst_start, sst_end, sst_text, err);
}

/* ---- a sheet ---- */

struct scan {
    struct parse ps;
    tg_xlsx *x;
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
static void cell_attrs(const XML_Char **atts, const char **r, const char **s, const char **t) {
    *r = *s = *t = NULL;
    for (size_t i = 0; atts[i]; i += 2) {
        const char *n = atts[i][0] && !atts[i][1] ? atts[i] : local(atts[i]);
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
        return tg_err_set(sc->ps.err, TG_EDATA, sc->x->path, 0, 0,
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
    if (is(el, n, 'v')) sc->in_v = 1;
    else if (named(el, n, "is")) sc->in_is = 1;
    else if (named(el, n, "rPh")) sc->in_rph = 1;
    else if (is(el, n, 't') && sc->in_is && !sc->in_rph) sc->in_t = 1;
}

static tg_status put_cell(struct scan *sc);

/* An element closing inside a cell; the cell's own end puts it. */
static tg_status child_end(struct scan *sc, const char *el, size_t n) {
    if (is(el, n, 'v')) sc->in_v = 0;
    else if (is(el, n, 't')) sc->in_t = 0;
    else if (named(el, n, "rPh")) sc->in_rph = 0;
    else if (named(el, n, "is")) sc->in_is = 0;
    else if (is(el, n, 'c')) {
        sc->in_cell = 0;
        if (sc->text.oom) return tg_err_nomem(sc->ps.err);
        tg_sbuf_add(&sc->text, "", 0); /* NUL-terminated, also when empty */
        sc->n_put++;
        return put_cell(sc);
    }
    return TG_OK;
}

/* ---- a sheet through expat ---- */

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct scan *sc = ud;
    const char *el = name[0] && !name[1] ? name : local(name), *v;
    size_t n = strlen(el);
    tg_status st = TG_OK;
    if (sc->in_cell) {
        child_start(sc, el, n);
        return;
    }
    if (is(el, n, 'c')) {
        const char *s, *t;
        cell_attrs(atts, &v, &s, &t);
        st = begin_cell(sc, v, s, t);
    } else if (named(el, n, "row")) {
        begin_row(sc, attr(atts, "r"));
    } else if (named(el, n, "mergeCell") && (v = attr(atts, "ref"))) {
        st = add_merge(sc, v);
    } else if (named(el, n, "dimension") && sc->dim) {
        snprintf(sc->dim, 32, "%s", (v = attr(atts, "ref")) ? v : "");
        stop(&sc->ps, TG_OK);
    } else if (named(el, n, "sheetData") && sc->dim) {
        stop(&sc->ps, TG_OK);
    }
    if (st != TG_OK) stop(&sc->ps, st);
}

/* The cell just closed, into the builder. */
static tg_status put_cell(struct scan *sc) {
    tg_xlsx *x = sc->x;
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
        if (n == 0 || *end || i >= x->n_sst) {
            char cell[16];
            tg_sheet_cell_name(sc->row + 1, sc->col, cell);
            return tg_err_set(sc->ps.err, TG_EDATA, x->path, 0, 0,
                              "cell %s of part '%s' names shared string '%.20s', which the "
                              "workbook does not have",
                              cell, sc->ps.part, v);
        }
        c.kind = TG_SC_STR;
        c.s = x->sst.p + x->off[i];
        c.n = x->off[i + 1] - x->off[i];
        break;
    }
    case T_STR:
    case T_INLINE:
        c.kind = TG_SC_STR;
        if (n > 0) {
            c.n = unescape_x(sc->text.p, n);
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
        if (sc->style > 0 && (size_t)sc->style < x->n_xf && x->xf_dkind[sc->style]) {
            c.kind = TG_SC_SERIAL;
            c.dkind = x->xf_dkind[sc->style];
            c.num = strtod(v, NULL);
        }
    }
    return tg_sheet_put(sc->b, &c, sc->ps.err);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name) {
    struct scan *sc = ud;
    if (!sc->in_cell) return;
    const char *el = name[0] && !name[1] ? name : local(name);
    tg_status st = child_end(sc, el, strlen(el));
    if (st != TG_OK) stop(&sc->ps, st);
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int n) {
    struct scan *sc = ud;
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
    if (is(el, n, 'c'))
        return fast_cell_attrs(a, n_attrs, buf, v) ? give_up(sc) : begin_cell(sc, v[0], v[1], v[2]);
    if (named(el, n, "row")) {
        /* attr() takes the first one so named: walk the list from its start */
        for (size_t i = 0; i < n_attrs; i++)
            if (is(a[i].name, a[i].nlen, 'r')) {
                if (tg_xmlscan_value(&a[i], rb, sizeof rb) == (size_t)-1) return give_up(sc);
                begin_row(sc, rb);
                return TG_OK;
            }
        begin_row(sc, NULL);
    } else if (named(el, n, "mergeCell")) {
        for (size_t i = 0; i < n_attrs; i++)
            if (named(a[i].name, a[i].nlen, "ref"))
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
static tg_status scan_fast(tg_xlsx *x, const char *part, struct scan *sc, int *unsure,
                           tg_error *err) {
    static const tg_xmlscan_ops ops = { fast_start, fast_end, fast_text };
    *unsure = 0;
    sc->ps.err = err;
    sc->ps.part = part;
    sc->ps.path = x->path;
    if (!(sc->xs = tg_xmlscan_new(&ops, sc))) return tg_err_nomem(err);
    tg_status st = tg_zip_stream(x->z, part, fast_sink, sc, x->has_intr ? &x->intr : NULL, err);
    if (st == TG_OK) st = tg_xmlscan_end(sc->xs);
    if (st == TG_ECANCEL && (tg_xmlscan_unsure(sc->xs) || sc->too_long)) *unsure = 1;
    else if (st == TG_ENOMEM) st = tg_err_nomem(err);
    tg_xmlscan_free(sc->xs);
    sc->xs = NULL;
    return st;
}

static void scan_init(struct scan *sc, tg_xlsx *x, tg_sheet *b, char *dim) {
    memset(sc, 0, sizeof *sc);
    sc->x = x;
    sc->b = b;
    sc->dim = dim;
    sc->row = UINT32_MAX;
    sc->col = UINT32_MAX;
}

/* One pass over sheet i: through the scanner unless told otherwise or
** reading only the dimension (which stops early, where expat is as
** quick); through expat when the scanner was unsure before putting
** anything, else x->retry asks for the whole read again. */
static tg_status scan_part(tg_xlsx *x, size_t i, tg_sheet *b, char *dim, tg_error *err) {
    struct scan sc;
    const char *part = x->sheets[i].part;
    tg_status st;
    if (!part || !tg_zip_has(x->z, part))
        return tg_err_set(err, TG_EDATA, x->path, 0, 0,
                          "sheet '%s' is not a worksheet in the archive (a chart sheet?)",
                          x->sheets[i].name);
    scan_init(&sc, x, b, dim);
    if (!dim && !x->expat_only) {
        int unsure;
        st = scan_fast(x, part, &sc, &unsure, err);
        if (unsure) {
            x->expat_only = 1;
            if (sc.n_put) {
                x->retry = 1;
                st = tg_err_set(err, TG_EDATA, x->path, 0, 0, "part '%s' is read again with expat",
                                part);
            } else {
                tg_free(sc.text.p);
                scan_init(&sc, x, b, dim);
            }
        }
        if (!unsure || sc.n_put) {
            tg_free(sc.text.p);
            return st;
        }
    }
    st = parse_part(x, part, &sc.ps, sheet_start, sheet_end, sheet_text, err);
    tg_free(sc.text.p);
    return st;
}

tg_status tg_xlsx_dimension(tg_xlsx *x, size_t i, char *buf, tg_error *err) {
    buf[0] = '\0';
    return scan_part(x, i, NULL, buf, err);
}

tg_status tg_xlsx_scan(tg_xlsx *x, size_t i, tg_sheet *b, tg_error *err) {
    if (!x->sst_loaded) {
        tg_status st = load_strings(x, err);
        if (st != TG_OK) return st;
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
