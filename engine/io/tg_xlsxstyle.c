/*
** tg_xlsxstyle.c -- the date formats of an .xlsx (see tg_xlsxstyle.h):
** numFmt elements give the workbook's own codes, the cellXfs list the cell
** formats in index order, each naming a built-in or an own number format.
*/
#include "tg_xlsxstyle.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_sheet.h"
#include "tg_xlsxml.h"

int tg_xlsxstyle_classify(const char *code) {
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

/* The built-in number formats (ECMA-376 18.8.30) that show dates and times. */
static int builtin_dkind(unsigned id) {
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
        return TG_SD_DATE;
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return TG_SD_TIME;
    return id == 22 ? TG_SD_DATETIME : 0;
}

struct fmt {
    unsigned id;
    int dkind;
};

struct styles {
    tg_xlsxml ps;
    unsigned char **xf_dkind; /* the caller's array, grown here */
    size_t *n_xf;
    struct fmt *fmts;
    size_t n_fmts, cap_fmts, cap_xf;
    int in_xfs;
};

static void styles_start(tg_xlsxml *ps, const char *name, const char **atts) {
    struct styles *st = (struct styles *)ps;
    const char *el = tg_xlsxml_local(name), *v;
    if (strcmp(el, "cellXfs") == 0) st->in_xfs = 1;
    else if (strcmp(el, "numFmt") == 0 && (v = tg_xlsxml_attr(atts, "numFmtId"))) {
        const char *code = tg_xlsxml_attr(atts, "formatCode");
        if (st->n_fmts == st->cap_fmts) {
            size_t cap = st->cap_fmts ? st->cap_fmts * 2 : 16;
            struct fmt *f = tg_realloc(st->fmts, cap * sizeof *f);
            if (!f) {
                tg_xlsxml_stop(&st->ps, tg_err_nomem(st->ps.err));
                return;
            }
            st->fmts = f;
            st->cap_fmts = cap;
        }
        st->fmts[st->n_fmts].id = (unsigned)strtoul(v, NULL, 10);
        st->fmts[st->n_fmts++].dkind = code ? tg_xlsxstyle_classify(code) : 0;
    } else if (st->in_xfs && strcmp(el, "xf") == 0) {
        unsigned id = (v = tg_xlsxml_attr(atts, "numFmtId")) ? (unsigned)strtoul(v, NULL, 10) : 0;
        int dk = builtin_dkind(id);
        for (size_t i = 0; i < st->n_fmts; i++)
            if (st->fmts[i].id == id) dk = st->fmts[i].dkind;
        if (*st->n_xf == st->cap_xf) {
            size_t cap = st->cap_xf ? st->cap_xf * 2 : 64;
            unsigned char *d = tg_realloc(*st->xf_dkind, cap);
            if (!d) {
                tg_xlsxml_stop(&st->ps, tg_err_nomem(st->ps.err));
                return;
            }
            *st->xf_dkind = d;
            st->cap_xf = cap;
        }
        (*st->xf_dkind)[(*st->n_xf)++] = (unsigned char)dk;
    }
}

static void styles_end(tg_xlsxml *ps, const char *name) {
    struct styles *st = (struct styles *)ps;
    if (strcmp(tg_xlsxml_local(name), "cellXfs") == 0) st->in_xfs = 0;
}

tg_status tg_xlsxstyle_read(tg_zip *z, const char *part, const char *path, const tg_interrupt *intr,
                            unsigned char **xf_dkind, size_t *n_xf, tg_error *err) {
    struct styles s;
    memset(&s, 0, sizeof s);
    s.xf_dkind = xf_dkind;
    s.n_xf = n_xf;
    tg_status st = tg_xlsxml_parse(z, part, path, intr, &s.ps, styles_start, styles_end, NULL, err);
    tg_free(s.fmts);
    return st;
}
