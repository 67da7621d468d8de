/*
** tg_exec.c -- running compiled expressions a vector at a time (see
** tg_exec.h). Steps run in order; each sets its data and valid pointers,
** pointing at its own buffers or straight at an input's or a column's
** (no copy) when it passes them through. String work that depends only on
** the string -- predicates against literals, lower/upper, length, parsing,
** re-coding into another dictionary -- is done once per dictionary entry
** into a table that grows with the dictionary; rows then just look codes
** up. Errors in NULL rows are never raised: kernels report the first
** failing valid row.
*/
#include "tg_exec.h"

#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tg_conv.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_par.h"

/* TG_EDATA "<what> in <expression> at row N". */
static tg_status row_error(const tg_step *s, size_t row, tg_error *err, const char *fmt, ...)
    TG_PRINTF(4, 5);
static tg_status row_error(const tg_step *s, size_t row, tg_error *err, const char *fmt, ...) {
    char msg[300];
    va_list ap;
    char *text = tg_expr_to_string_max(s->node, 150);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tg_err_set(err, TG_EDATA, NULL, 0, 0, "%s in %.150s%s at row %zu", msg, text ? text : "?",
               text && strlen(text) > 150 ? "..." : "", row + 1);
    tg_free(text);
    return TG_EDATA;
}

static const tg_step *in(const tg_eval *p, const tg_step *s, int k) {
    return &p->steps[s->in[k]];
}

/* The rows valid in both a and b: NULL when all are, else vbuf, never one
** of the inputs' own arrays, so that the inputs' slots can be reused as
** soon as this step has run (see tg_eval.c on slots). */
static const uint8_t *valid_both(const uint8_t *a, const uint8_t *b, size_t n, uint8_t *vbuf) {
    if (!a && !b) return NULL;
    if (!a || !b) return memcpy(vbuf, a ? a : b, n);
    return tg_kern_valid_and(a, b, n, vbuf);
}

/* Fills vbuf with the validity v (NULL: all valid) and returns vbuf. */
static uint8_t *valid_copy(const uint8_t *v, size_t n, uint8_t *vbuf) {
    if (v) memcpy(vbuf, v, n);
    else memset(vbuf, 1, n);
    return vbuf;
}

/* ---- strings, once per dictionary entry ---- */

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb) {
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c != 0) return c < 0 ? -1 : 1;
    return (na > nb) - (na < nb);
}

static int has_bytes(const char *s, size_t n, const char *pat, size_t m) {
    if (m == 0) return 1;
    for (size_t k = 0; k + m <= n; k++)
        if (s[k] == pat[0] && memcmp(s + k, pat, m) == 0) return 1;
    return 0;
}


/* ASCII letters, and the Latin-1 letters U+00C0-U+00FE (UTF-8 C3 80 - C3
** BE, × and ÷ excepted), whose cases are 0x20 apart in the second byte. */
static void change_case(const char *s, size_t n, int upper, char *out) {
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z')) c ^= 0x20;
        else if (c == 0xC3 && k + 1 < n) {
            unsigned char d = (unsigned char)s[k + 1];
            if (upper ? (d >= 0xA0 && d <= 0xBE && d != 0xB7)
                      : (d >= 0x80 && d <= 0x9E && d != 0x97))
                d ^= 0x20;
            out[k++] = (char)c;
            c = d;
        }
        out[k] = (char)c;
    }
}

static int pred_entry(const tg_step *s, const char *str, size_t len) {
    const tg_expr *e = s->node;
    const tg_strtab *t = s->u.tab;
    int c;
    switch (s->op) {
    case TG_OP_LT: return cmp_bytes(str, len, t->str, t->str_len) < 0;
    case TG_OP_LE: return cmp_bytes(str, len, t->str, t->str_len) <= 0;
    case TG_OP_GT: return cmp_bytes(str, len, t->str, t->str_len) > 0;
    case TG_OP_GE: return cmp_bytes(str, len, t->str, t->str_len) >= 0;
    case TG_OP_BETWEEN:
        c = cmp_bytes(str, len, e->args[1]->u.lit.s, e->args[1]->u.lit.len) >= 0;
        return c && cmp_bytes(str, len, e->args[2]->u.lit.s, e->args[2]->u.lit.len) <= 0;
    case TG_OP_ISIN:
        for (size_t k = 1; k < e->n_args; k++) {
            const tg_expr *l = e->args[k];
            if (l->u.lit.type == TG_STRING && cmp_bytes(str, len, l->u.lit.s, l->u.lit.len) == 0)
                return 1;
        }
        return 0;
    case TG_OP_CONTAINS: return has_bytes(str, len, t->str, t->str_len);
    case TG_OP_STARTS_WITH: return len >= t->str_len && memcmp(str, t->str, t->str_len) == 0;
    case TG_OP_ENDS_WITH:
        return len >= t->str_len && memcmp(str + len - t->str_len, t->str, t->str_len) == 0;
    default: assert(0 && "not a string predicate"); return 0;
    }
}

static size_t tab_width(const tg_step *s) {
    switch (s->u.tab->kind) {
    case TG_TAB_PRED: return 1;
    case TG_TAB_LEN: return 8;
    case TG_TAB_MAP: return 4;
    default: return tg_type_width(s->type);
    }
}

/* The program's scratch bytes, at least need of them. */
static tg_status grow_scratch(tg_eval *p, size_t need, tg_error *err) {
    if (need <= p->scratch_cap) return TG_OK;
    size_t cap = p->scratch_cap ? p->scratch_cap : 64;
    while (cap < need) cap *= 2;
    char *b = tg_realloc(p->scratch, cap);
    if (!b) return tg_err_nomem(err);
    p->scratch = b;
    p->scratch_cap = cap;
    return TG_OK;
}

/* Makes room for entries [0, size] of the table (zeroed when new). */
static tg_status grow_tab(tg_step *s, uint32_t size, tg_error *err) {
    tg_strtab *t = s->u.tab;
    size_t w = tab_width(s);
    if ((size_t)size + 1 <= t->cap) return TG_OK;
    size_t cap = t->cap ? t->cap : 16;
    while (cap < (size_t)size + 1) cap *= 2;
    void *tab = tg_realloc(t->tab, cap * w);
    if (!tab) return tg_err_nomem(err);
    t->tab = tab;
    memset((char *)tab + t->cap * w, 0, (cap - t->cap) * w);
    if (t->kind == TG_TAB_PARSE) {
        uint8_t *ok = tg_realloc(t->ok, cap);
        if (!ok) return tg_err_nomem(err);
        t->ok = ok;
        memset(ok + t->cap, 0, cap - t->cap);
    }
    t->cap = cap;
    return TG_OK;
}

/* Parses one dictionary entry into entry 'code' of a TG_TAB_PARSE table. */
static void parse_entry(tg_step *s, uint32_t code, const char *str, size_t len) {
    tg_strtab *t = s->u.tab;
    int ok, b;
    int64_t i;
    double f;
    int32_t d;
    switch (s->type) {
    case TG_INT:
        ok = tg_num_parse_i64(str, len, &i) == 0;
        ((int64_t *)t->tab)[code] = ok ? i : 0;
        break;
    case TG_FLOAT:
        ok = tg_num_parse_f64(str, len, &f) == 0;
        ((double *)t->tab)[code] = ok ? f : 0;
        break;
    case TG_DATE:
        ok = tg_date_parse_iso(str, len, &d) == 0;
        ((int32_t *)t->tab)[code] = ok ? d : 0;
        break;
    default:
        ok = tg_conv_bool(str, len, &b) == 0;
        ((uint8_t *)t->tab)[code] = (uint8_t)(ok && b);
        break;
    }
    t->ok[code] = (uint8_t)ok;
}

/* Computes the table entries of the codes the input dictionary gained since
** the last call. The table always has at least one entry, zeroed, because
** NULL rows may hold code 0 of an empty dictionary. */
static tg_status sync_tab(tg_eval *p, tg_step *s, tg_dict *dict, tg_error *err) {
    tg_strtab *t = s->u.tab;
    uint32_t size = tg_dict_size(dict);
    if (t->tab && t->n >= size) return TG_OK;
    if (grow_tab(s, size, err) != TG_OK) return TG_ENOMEM;
    for (uint32_t code = (uint32_t)t->n; code < size; code++) {
        size_t len;
        const char *str = tg_dict_str(dict, code, &len);
        switch (t->kind) {
        case TG_TAB_PRED: ((uint8_t *)t->tab)[code] = (uint8_t)pred_entry(s, str, len); break;
        case TG_TAB_LEN: ((int64_t *)t->tab)[code] = (int64_t)tg_enc_utf8_len(str, len); break;
        case TG_TAB_MAP: {
            uint32_t out;
            if (s->op == TG_OP_LOWER || s->op == TG_OP_UPPER) {
                if (grow_scratch(p, len, err) != TG_OK) return TG_ENOMEM;
                change_case(str, len, s->op == TG_OP_UPPER, p->scratch);
                str = p->scratch;
            }
            if (tg_dict_intern(s->dict, str, len, &out) != TG_OK) return tg_err_nomem(err);
            ((uint32_t *)t->tab)[code] = out;
            break;
        }
        default: parse_entry(s, code, str, len); break;
        }
        t->n = code + 1;
    }
    return TG_OK;
}

static tg_status run_strtab(tg_eval *p, tg_step *s, size_t off, size_t n, tg_error *err) {
    const tg_step *a = in(p, s, 0);
    const uint32_t *code = a->data;
    const tg_strtab *t = s->u.tab;
    tg_status st = sync_tab(p, s, a->dict, err);
    if (st != TG_OK) return st;
    s->data = s->buf;
    s->valid = a->valid;
    switch (t->kind) {
    case TG_TAB_PRED: tg_kern_gather_u8(t->tab, code, n, s->buf); return TG_OK;
    case TG_TAB_LEN: tg_kern_gather_i64(t->tab, code, n, s->buf); return TG_OK;
    case TG_TAB_MAP: tg_kern_gather_u32(t->tab, code, n, s->buf); return TG_OK;
    default: break;
    }
    uint8_t *v = valid_copy(a->valid, n, s->vbuf);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = code[i];
        switch (s->type) {
        case TG_INT: ((int64_t *)s->buf)[i] = ((const int64_t *)t->tab)[k]; break;
        case TG_FLOAT: ((double *)s->buf)[i] = ((const double *)t->tab)[k]; break;
        case TG_DATE: ((int32_t *)s->buf)[i] = ((const int32_t *)t->tab)[k]; break;
        default: ((uint8_t *)s->buf)[i] = ((const uint8_t *)t->tab)[k]; break;
        }
        if (v[i] && !t->ok[k]) {
            if (s->strict) {
                size_t len;
                const char *str = tg_dict_str(a->dict, k, &len);
                return row_error(s, off + i, err, "cannot cast '%.*s' to %s",
                                 (int)(len < 60 ? len : 60), str, tg_type_name(s->type));
            }
            v[i] = 0;
        }
    }
    s->valid = v;
    return TG_OK;
}

/* ---- one step ---- */

static void run_column(tg_step *s, size_t off, size_t n) {
    const tg_col *col = s->u.col;
    s->data = (const char *)col->v.any + off * tg_type_width(col->type);
    s->valid = NULL;
    if (col->valid) {
        const uint64_t *bits = col->valid + off / 64;
        /* Most vectors of a column with some NULLs have none: check the
        ** words before expanding them. */
        uint64_t all = ~(uint64_t)0;
        for (size_t w = 0; w < n / 64; w++) all &= bits[w];
        if (n % 64) all &= bits[n / 64] | (~(uint64_t)0 << (n % 64));
        if (all != ~(uint64_t)0 && tg_kern_bits_to_bytes(bits, n, s->vbuf)) s->valid = s->vbuf;
    }
}

static tg_status run_cast(tg_eval *p, tg_step *s, size_t off, size_t n, tg_error *err) {
    const tg_step *a = in(p, s, 0);
    size_t bad = n;
    s->valid = a->valid;
    switch (s->in_type) {
    case TG_INT:
        if (s->type == TG_FLOAT) tg_kern_i64_to_f64(a->data, n, s->buf);
        else if (s->type == TG_BOOL) tg_kern_i64_to_u8(a->data, n, s->buf);
        else {
            s->valid = valid_copy(a->valid, n, s->vbuf);
            bad = tg_kern_i64_to_date(a->data, n, s->vbuf, s->buf);
        }
        break;
    case TG_FLOAT:
        if (s->type == TG_BOOL) {
            tg_kern_f64_to_u8(a->data, n, s->buf);
        } else {
            s->valid = valid_copy(a->valid, n, s->vbuf);
            bad = tg_kern_f64_to_i64(a->data, n, s->vbuf, s->buf);
        }
        break;
    case TG_BOOL:
        if (s->type == TG_INT) tg_kern_u8_to_i64(a->data, n, s->buf);
        else tg_kern_u8_to_f64(a->data, n, s->buf);
        break;
    default: /* date -> int */ tg_kern_i32_to_i64(a->data, n, s->buf); break;
    }
    if (bad < n && s->strict) {
        char buf[TG_NUM_BUF];
        if (s->in_type == TG_FLOAT) tg_num_format_f64(((const double *)a->data)[bad], buf);
        else tg_fmt_int64(((const int64_t *)a->data)[bad], buf);
        return row_error(s, off + bad, err, "cannot cast %s to %s (out of range)", buf,
                         tg_type_name(s->type));
    }
    return TG_OK;
}

static tg_status run_arith(tg_eval *p, tg_step *s, size_t off, size_t n, tg_error *err) {
    const tg_step *a = in(p, s, 0), *b = in(p, s, 1);
    size_t bad = n;
    if (s->op == TG_OP_DIV || s->op == TG_OP_IDIV || s->op == TG_OP_MOD) {
        uint8_t *v = s->vbuf;
        if (a->valid) memcpy(v, a->valid, n);
        else memset(v, 1, n);
        if (b->valid) tg_kern_valid_and(v, b->valid, n, v);
        s->valid = v;
        if (s->type == TG_INT && s->op == TG_OP_IDIV)
            bad = tg_kern_idiv_i64(a->data, b->data, n, v, s->buf);
        else if (s->type == TG_INT) tg_kern_mod_i64(a->data, b->data, n, v, s->buf);
        else if (s->op == TG_OP_DIV) tg_kern_div_f64(a->data, b->data, n, v, s->buf);
        else if (s->op == TG_OP_IDIV) tg_kern_idiv_f64(a->data, b->data, n, v, s->buf);
        else tg_kern_mod_f64(a->data, b->data, n, v, s->buf);
    } else {
        s->valid = valid_both(a->valid, b->valid, n, s->vbuf);
        if (s->type == TG_INT) {
            if (s->op == TG_OP_ADD) bad = tg_kern_add_i64(a->data, b->data, n, s->valid, s->buf);
            else if (s->op == TG_OP_SUB)
                bad = tg_kern_sub_i64(a->data, b->data, n, s->valid, s->buf);
            else bad = tg_kern_mul_i64(a->data, b->data, n, s->valid, s->buf);
        } else {
            if (s->op == TG_OP_ADD) tg_kern_add_f64(a->data, b->data, n, s->buf);
            else if (s->op == TG_OP_SUB) tg_kern_sub_f64(a->data, b->data, n, s->buf);
            else tg_kern_mul_f64(a->data, b->data, n, s->buf);
        }
    }
    if (bad < n) return row_error(s, off + bad, err, "integer overflow");
    return TG_OK;
}

/* Resolves a string literal's code once the dictionary has it. */
static void resolve_code(const tg_eval *p, tg_step *s) {
    uint32_t code = tg_dict_find(in(p, s, 0)->dict, s->u.str.s, s->u.str.len);
    if (code == TG_DICT_NONE) {
        s->empty = 1;
        return;
    }
    s->u.i.lo = s->u.i.hi = code;
    s->empty = 0;
    s->lazy_code = 0;
}

static void run_range(tg_eval *p, tg_step *s, size_t n) {
    const tg_step *a = in(p, s, 0);
    s->valid = a->valid;
    if (s->lazy_code) resolve_code(p, s);
    if (s->empty) {
        memset(s->buf, s->neg ? 1 : 0, n);
        return;
    }
    switch (s->in_type) {
    case TG_INT: tg_kern_range_i64(a->data, n, s->u.i.lo, s->u.i.hi, s->neg, s->buf); break;
    case TG_FLOAT: tg_kern_range_f64(a->data, n, s->u.f.lo, s->u.f.hi, s->neg, s->buf); break;
    case TG_DATE:
        tg_kern_range_i32(a->data, n, (int32_t)s->u.i.lo, (int32_t)s->u.i.hi, s->neg, s->buf);
        break;
    default:
        tg_kern_range_u32(a->data, n, (uint32_t)s->u.i.lo, (uint32_t)s->u.i.hi, s->neg, s->buf);
        break;
    }
}

static tg_status run_cmp(tg_eval *p, tg_step *s, size_t n) {
    const tg_step *a = in(p, s, 0), *b = in(p, s, 1);
    uint8_t *out = s->buf;
    unsigned mask = s->u.cmp.mask;
    s->valid = valid_both(a->valid, b->valid, n, s->vbuf);
    switch (s->u.cmp.kind) {
    case TG_CMPK_I64: tg_kern_cmp_i64(a->data, b->data, n, mask, out); break;
    case TG_CMPK_F64: tg_kern_cmp_f64(a->data, b->data, n, mask, out); break;
    case TG_CMPK_I32: tg_kern_cmp_i32(a->data, b->data, n, mask, out); break;
    case TG_CMPK_U8: tg_kern_cmp_u8(a->data, b->data, n, mask, out); break;
    case TG_CMPK_CODES: tg_kern_cmp_u32(a->data, b->data, n, mask, out); break;
    case TG_CMPK_RANKS: {
        uint32_t *ra = p->tmp, *rb = ra + p->vec; /* both sides' ranks */
        tg_kern_gather_u32(s->u.cmp.rank, a->data, n, ra);
        tg_kern_gather_u32(s->u.cmp.rank, b->data, n, rb);
        tg_kern_cmp_u32(ra, rb, n, mask, out);
        break;
    }
    default: {
        const uint32_t *ca = a->data, *cb = b->data;
        for (size_t i = 0; i < n; i++) {
            size_t la, lb;
            if (s->valid && !s->valid[i]) {
                out[i] = 0;
                continue;
            }
            const char *sa = tg_dict_str(a->dict, ca[i], &la);
            const char *sb = tg_dict_str(b->dict, cb[i], &lb);
            int c = cmp_bytes(sa, la, sb, lb);
            out[i] = (uint8_t)((mask >> (c + 1)) & 1);
        }
        break;
    }
    }
    return TG_OK;
}

static void run_isin(tg_eval *p, tg_step *s, size_t n) {
    const tg_step *a = in(p, s, 0);
    s->valid = a->valid;
    const void *list = s->u.list.v;
    if (s->in_type == TG_INT) tg_kern_isin_i64(a->data, n, list, s->u.list.n, s->buf);
    else if (s->in_type == TG_FLOAT) tg_kern_isin_f64(a->data, n, list, s->u.list.n, s->buf);
    else tg_kern_isin_i32(a->data, n, list, s->u.list.n, s->buf);
}

static void run_logic(tg_eval *p, tg_step *s, size_t n) {
    const tg_step *a = in(p, s, 0);
    uint8_t *out = s->buf;
    if (s->kind == TG_K_NOT) {
        tg_kern_not(a->data, n, out);
        s->valid = a->valid;
        return;
    }
    const tg_step *b = in(p, s, 1);
    const uint8_t *x = a->data, *y = b->data;
    if (!a->valid && !b->valid) {
        if (s->kind == TG_K_AND)
            for (size_t i = 0; i < n; i++) out[i] = x[i] & y[i];
        else
            for (size_t i = 0; i < n; i++) out[i] = x[i] | y[i];
        s->valid = NULL;
        return;
    }
    if (s->kind == TG_K_AND) tg_kern_and(x, a->valid, y, b->valid, n, out, s->vbuf);
    else tg_kern_or(x, a->valid, y, b->valid, n, out, s->vbuf);
    s->valid = s->vbuf;
}

static void run_choice(tg_eval *p, tg_step *s, size_t n) {
    const tg_step *a = in(p, s, 0), *b = in(p, s, 1);
    size_t w = tg_type_width(s->type);
    const uint8_t *take;
    if (s->kind == TG_K_COALESCE) {
        if (!a->valid) { /* nothing to fill */
            s->data = a->data;
            s->valid = NULL;
            return;
        }
        take = a->valid;
        if (b->valid) {
            for (size_t i = 0; i < n; i++) s->vbuf[i] = a->valid[i] | b->valid[i];
            s->valid = s->vbuf;
        } else {
            s->valid = NULL;
        }
    } else {
        const tg_step *c = &p->steps[s->u.cond];
        const uint8_t *cv = c->data;
        uint8_t *t = p->tmp; /* which rows take a */
        for (size_t i = 0; i < n; i++) t[i] = cv[i] & (c->valid ? c->valid[i] : 1);
        take = t;
        if (!a->valid && !b->valid) {
            s->valid = NULL;
        } else {
            for (size_t i = 0; i < n; i++)
                s->vbuf[i] = t[i] ? (a->valid ? a->valid[i] : 1) : (b->valid ? b->valid[i] : 1);
            s->valid = s->vbuf;
        }
    }
    tg_kern_blend(w, take, a->data, b->data, n, s->buf);
    s->data = s->buf;
}

static tg_status run_tostr(tg_eval *p, tg_step *s, size_t n, tg_error *err) {
    const tg_step *a = in(p, s, 0);
    uint32_t *out = s->buf;
    char buf[TG_NUM_BUF];
    s->valid = a->valid;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *str = buf;
        if (a->valid && !a->valid[i]) {
            out[i] = 0;
            continue;
        }
        switch (s->in_type) {
        case TG_INT: len = tg_fmt_int64(((const int64_t *)a->data)[i], buf); break;
        case TG_FLOAT: len = tg_num_format_f64(((const double *)a->data)[i], buf); break;
        case TG_DATE: len = tg_date_format(((const int32_t *)a->data)[i], buf); break;
        default:
            str = ((const uint8_t *)a->data)[i] ? "true" : "false";
            len = strlen(str);
            break;
        }
        if (tg_dict_intern(s->dict, str, len, &out[i]) != TG_OK) return tg_err_nomem(err);
    }
    return TG_OK;
}

static tg_status run_concat(tg_eval *p, tg_step *s, size_t n, tg_error *err) {
    uint32_t *out = s->buf;
    const uint8_t *v = NULL;
    for (size_t k = 0; k < s->u.cat.n; k++) {
        const uint8_t *w = p->steps[s->u.cat.ins[k]].valid;
        if (!w) continue;
        if (!v) v = memcpy(s->vbuf, w, n);
        else tg_kern_valid_and(s->vbuf, w, n, s->vbuf);
    }
    s->valid = v;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        if (v && !v[i]) {
            out[i] = 0;
            continue;
        }
        for (size_t k = 0; k < s->u.cat.n; k++) {
            const tg_step *a = &p->steps[s->u.cat.ins[k]];
            size_t l;
            const char *str = tg_dict_str(a->dict, ((const uint32_t *)a->data)[i], &l);
            if (grow_scratch(p, len + l + 1, err) != TG_OK) return TG_ENOMEM;
            memcpy(p->scratch + len, str, l);
            len += l;
        }
        if (tg_dict_intern(s->dict, p->scratch, len, &out[i]) != TG_OK) return tg_err_nomem(err);
    }
    return TG_OK;
}

static tg_status run_numeric(tg_eval *p, tg_step *s, size_t off, size_t n, tg_error *err) {
    const tg_step *a = in(p, s, 0);
    size_t bad = n;
    s->valid = a->valid;
    if (s->type == TG_INT) {
        if (s->kind == TG_K_NEG) bad = tg_kern_neg_i64(a->data, n, a->valid, s->buf);
        else if (s->kind == TG_K_ABS) bad = tg_kern_abs_i64(a->data, n, a->valid, s->buf);
        else
            bad =
                tg_kern_round_i64(a->data, n, s->u.round.digits, s->u.round.mode, a->valid, s->buf);
        if (bad < n) return row_error(s, off + bad, err, "integer overflow");
        return TG_OK;
    }
    switch (s->kind) {
    case TG_K_NEG: tg_kern_neg_f64(a->data, n, s->buf); break;
    case TG_K_ABS: tg_kern_abs_f64(a->data, n, s->buf); break;
    case TG_K_FLOOR: tg_kern_floor_f64(a->data, n, s->buf); break;
    case TG_K_CEIL: tg_kern_ceil_f64(a->data, n, s->buf); break;
    default: tg_kern_round_f64(a->data, n, s->u.round.digits, s->u.round.mode, s->buf); break;
    }
    return TG_OK;
}

static tg_status run_date(tg_eval *p, tg_step *s, size_t off, size_t n, tg_error *err) {
    const tg_step *a = in(p, s, 0);
    s->valid = a->valid;
    switch (s->kind) {
    case TG_K_DATEPART: tg_kern_datepart(a->data, n, s->u.part, s->buf); break;
    case TG_K_TRUNC: tg_kern_trunc(a->data, n, s->u.unit, s->buf); break;
    case TG_K_DATEDIFF: {
        const tg_step *b = in(p, s, 1);
        s->valid = valid_both(a->valid, b->valid, n, s->vbuf);
        tg_kern_date_diff(a->data, b->data, n, s->buf);
        break;
    }
    default: { /* date +/- days */
        const tg_step *b = in(p, s, 1);
        s->valid = valid_both(a->valid, b->valid, n, s->vbuf);
        size_t bad = tg_kern_date_add(a->data, b->data, s->u.sign, n, s->valid, s->buf);
        if (bad < n) return row_error(s, off + bad, err, "date out of range (years 1-9999)");
        break;
    }
    }
    return TG_OK;
}

static tg_status run_step(tg_eval *p, tg_step *s, size_t off, size_t n, tg_error *err) {
    switch (s->kind) {
    case TG_K_COL: run_column(s, off, n); return TG_OK;
    case TG_K_CONST: /* filled when compiled, unless there were too many */
        if (s->refill) tg_eval_fill_const(s, n);
        return TG_OK;
    case TG_K_CAST: return run_cast(p, s, off, n, err);
    case TG_K_ARITH: return run_arith(p, s, off, n, err);
    case TG_K_NEG:
    case TG_K_ABS:
    case TG_K_ROUND:
    case TG_K_FLOOR:
    case TG_K_CEIL: return run_numeric(p, s, off, n, err);
    case TG_K_DATEADD:
    case TG_K_DATEDIFF:
    case TG_K_DATEPART:
    case TG_K_TRUNC: return run_date(p, s, off, n, err);
    case TG_K_CMP: return run_cmp(p, s, n);
    case TG_K_RANGE: run_range(p, s, n); return TG_OK;
    case TG_K_ISIN: run_isin(p, s, n); return TG_OK;
    case TG_K_STRTAB: return run_strtab(p, s, off, n, err);
    case TG_K_IS_NULL:
    case TG_K_NOT_NULL: {
        const uint8_t *v = in(p, s, 0)->valid;
        uint8_t *out = s->buf;
        uint8_t want = s->kind == TG_K_NOT_NULL;
        for (size_t i = 0; i < n; i++) out[i] = (v ? v[i] : 1) == want;
        s->valid = NULL;
        return TG_OK;
    }
    case TG_K_AND:
    case TG_K_OR:
    case TG_K_NOT: run_logic(p, s, n); return TG_OK;
    case TG_K_COALESCE:
    case TG_K_IF_ELSE: run_choice(p, s, n); return TG_OK;
    case TG_K_TOSTR: return run_tostr(p, s, n, err);
    case TG_K_CONCAT: return run_concat(p, s, n, err);
    }
    assert(0 && "unknown step kind");
    return TG_EARG;
}

tg_status tg_exec_run(tg_eval *p, size_t off, size_t n, tg_error *err) {
    assert(off % 64 == 0 && n <= p->vec && off + n <= p->t->n_rows);
    for (size_t k = 0; k <= (size_t)p->root; k++) {
        tg_status st = run_step(p, &p->steps[k], off, n, err);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

/* The candidates cand[0..m) in range step s's range over input a, into sel. */
static size_t sel_range(const tg_step *s, const tg_step *a, const uint32_t *cand, size_t m,
                        uint32_t *sel) {
    switch (s->in_type) {
    case TG_INT:
        return tg_kern_sel_range_i64(a->data, a->valid, s->u.i.lo, s->u.i.hi, s->neg, cand, m, sel);
    case TG_FLOAT:
        return tg_kern_sel_range_f64(a->data, a->valid, s->u.f.lo, s->u.f.hi, s->neg, cand, m, sel);
    case TG_DATE:
        return tg_kern_sel_range_i32(a->data, a->valid, (int32_t)s->u.i.lo, (int32_t)s->u.i.hi,
                                     s->neg, cand, m, sel);
    default:
        return tg_kern_sel_range_u32(a->data, a->valid, (uint32_t)s->u.i.lo, (uint32_t)s->u.i.hi,
                                     s->neg, cand, m, sel);
    }
}

tg_status tg_exec_refine(tg_eval *p, size_t off, size_t n, uint32_t *sel, size_t *nsel,
                         tg_error *err) {
    tg_step *s = &p->steps[p->root];
    const uint32_t *cand = sel;
    size_t m = *nsel;
    tg_status st;

    assert(s->type == TG_BOOL);
    assert(off % 64 == 0 && n <= p->vec && off + n <= p->t->n_rows);
    /* Inputs run over the whole vector; the root's test only over the
    ** candidates when it has a selection kernel. */
    for (size_t k = 0; k < (size_t)p->root; k++) {
        st = run_step(p, &p->steps[k], off, n, err);
        if (st != TG_OK) return st;
    }
    const tg_step *a = s->in[0] >= 0 ? in(p, s, 0) : NULL;
    switch (s->kind) {
    case TG_K_RANGE:
        if (s->lazy_code) resolve_code(p, s);
        if (s->empty) {
            *nsel = s->neg ? tg_kern_sel_valid(a->valid, 1, cand, m, sel) : 0;
            return TG_OK;
        }
        *nsel = sel_range(s, a, cand, m, sel);
        return TG_OK;
    case TG_K_STRTAB:
        if (s->u.tab->kind != TG_TAB_PRED) break;
        st = sync_tab(p, s, a->dict, err);
        if (st != TG_OK) return st;
        *nsel = tg_kern_sel_table(a->data, a->valid, s->u.tab->tab, cand, m, sel);
        return TG_OK;
    case TG_K_IS_NULL:
    case TG_K_NOT_NULL:
        *nsel = tg_kern_sel_valid(a->valid, s->kind == TG_K_NOT_NULL, cand, m, sel);
        return TG_OK;
    default: break;
    }
    st = run_step(p, s, off, n, err);
    if (st != TG_OK) return st;
    *nsel = tg_kern_sel_true(s->data, s->valid, cand, m, sel);
    return TG_OK;
}

/* ---- the entry points: compile, then run ---- */

tg_status tg_exec_type(const tg_expr *e, const tg_table *t, const tg_interrupt *intr, tg_type *type,
                       tg_error *err) {
    tg_eval *p;
    tg_status st = tg_eval_compile_poll(e, t, intr, &p, err);
    if (st != TG_OK) return st;
    *type = tg_eval_type(p);
    tg_eval_free(p);
    return TG_OK;
}

/* Per-worker programs: a program keeps per-dictionary tables between
** vectors, so no two threads may share one. They are compiled and freed by
** the calling thread, because compiling retains the input's dictionaries,
** whose reference counts are not atomic. progs[0] is the caller's. */
static tg_status compile_more(const tg_expr *e, const tg_table *t, tg_eval **progs, int n,
                              tg_error *err) {
    for (int w = 1; w < n; w++) {
        tg_status st = tg_eval_compile(e, t, &progs[w], err);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

struct eval_job {
    const tg_table *t;
    tg_eval **progs; /* one per worker */
    tg_col *col;
    pthread_mutex_t lock;     /* guards the lazy allocation of col->valid */
    const tg_interrupt *intr; /* polled per vector: one row of a wide expression can be slow */
    int *owner; /* string results in the programs' own dictionaries: each morsel's worker */
};

/* Copies one vector's result into rows [off, off + n) of col; off is a
** multiple of 64, so morsels write disjoint words of the bitmap. */
static tg_status store(struct eval_job *j, const tg_step *root, size_t off, size_t n) {
    tg_col *col = j->col;
    size_t w = tg_type_width(col->type);
    memcpy((char *)col->v.any + off * w, root->data, n * w);
    if (root->valid) {
        uint64_t bits[TG_VECTOR / 64];
        size_t words = (n + 63) / 64;
        uint64_t *valid;
        if (!tg_kern_bytes_to_bits(root->valid, n, bits)) return TG_OK;
        pthread_mutex_lock(&j->lock);
        if (!col->valid) {
            size_t all = (col->cap + 63) / 64;
            col->valid = tg_malloc(all * sizeof *col->valid);
            if (col->valid) memset(col->valid, 0xff, all * sizeof *col->valid);
        }
        valid = col->valid;
        pthread_mutex_unlock(&j->lock);
        if (!valid) return TG_ENOMEM;
        memcpy(valid + off / 64, bits, words * sizeof *bits);
    }
    return TG_OK;
}

static tg_status eval_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    struct eval_job *j = ctx;
    tg_eval *p = j->progs[worker];
    size_t off, len;
    tg_par_morsel(j->t->n_rows, m, &off, &len);
    if (j->owner) j->owner[m] = worker;
    for (size_t end = off + len; off < end; off += TG_VECTOR) {
        size_t n = end - off < TG_VECTOR ? end - off : TG_VECTOR;
        tg_status st = tg_par_poll(j->intr, err);
        if (st == TG_OK) st = tg_exec_run(p, off, n, err);
        if (st != TG_OK) return st;
        if (store(j, &p->steps[p->root], off, n) != TG_OK) return tg_err_nomem(err);
    }
    return TG_OK;
}

/* Whether a string result is built in the program's own dictionary (one
** per worker, growing as rows are computed) rather than taken from an
** input column's, which no program changes. */
static int own_dict(const tg_eval *p, const tg_table *t) {
    const tg_dict *d = tg_eval_dict(p);
    if (tg_eval_type(p) != TG_STRING) return 0;
    for (size_t k = 0; k < t->n_cols; k++)
        if (t->cols[k]->dict == d) return 0;
    return 1;
}

/* Each worker's program builds its strings into its own dictionary, so
** morsels of a string result hold codes of different dictionaries; they
** become one (tg_col_unify_dicts: the strings in order of first use),
** also on one thread, so the answer never depends on the thread count. */
static tg_status unify(struct eval_job *j, int workers, tg_error *err) {
    tg_dict **dicts = tg_malloc((size_t)workers * sizeof *dicts);
    tg_status st;
    if (!dicts) return tg_err_nomem(err);
    for (int w = 0; w < workers; w++) dicts[w] = tg_eval_dict(j->progs[w]);
    st =
        tg_col_unify_dicts(j->col, dicts, (size_t)workers, j->owner, tg_par_morsel_rows(), j->intr);
    tg_free(dicts);
    if (st == TG_ENOMEM) return tg_err_nomem(err);
    if (st != TG_OK) return tg_par_poll(j->intr, err);
    return TG_OK;
}

tg_status tg_exec_eval(const tg_expr *e, const tg_table *t, const tg_interrupt *intr, tg_col **out,
                       tg_error *err) {
    struct eval_job j = { t, NULL, NULL, PTHREAD_MUTEX_INITIALIZER, intr, NULL };
    tg_eval *p;
    size_t n_morsels = tg_par_morsels(t->n_rows);
    int workers = tg_par_workers(n_morsels);
    tg_status st;

    assert(e != NULL && t != NULL && out != NULL);
    *out = NULL;
    st = tg_eval_compile_poll(e, t, intr, &p, err);
    if (st != TG_OK) return st;
    if (p->column) {
        *out = tg_col_retain((tg_col *)p->column);
        tg_eval_free(p);
        return TG_OK;
    }
    j.col = tg_col_new(tg_eval_type(p), t->n_rows ? t->n_rows : 1, tg_eval_dict(p));
    j.progs = tg_calloc((size_t)workers, sizeof *j.progs);
    if (own_dict(p, t)) j.owner = tg_malloc(n_morsels * sizeof *j.owner);
    if (j.progs) j.progs[0] = p;
    else tg_eval_free(p);
    if (!j.col || !j.progs || (own_dict(p, t) && !j.owner)) st = tg_err_nomem(err);
    else st = compile_more(e, t, j.progs, workers, err);
    if (st == TG_OK) st = tg_par_for_n(n_morsels, workers, eval_morsel, &j, intr, err);
    if (st == TG_OK) j.col->len = t->n_rows;
    if (st == TG_OK && j.owner) st = unify(&j, workers, err);
    for (int w = 0; j.progs && w < workers; w++) tg_eval_free(j.progs[w]);
    tg_free(j.progs);
    tg_free(j.owner);
    pthread_mutex_destroy(&j.lock);
    if (st != TG_OK) {
        tg_col_release(j.col);
        return st;
    }
    *out = j.col;
    return TG_OK;
}

/* The arguments of nested top-level ANDs, left to right, each once: x
** and x is x, and a tree of ANDs sharing subtrees would otherwise list
** exponentially many. */
struct conj {
    const tg_expr **list;
    size_t n, cap;
};

static int add_conjunct(const tg_expr *e, void *ud) {
    struct conj *c = ud;
    if (e->op == TG_OP_AND) return 1;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        const tg_expr **l = tg_realloc(c->list, cap * sizeof *l);
        if (!l) return -TG_ENOMEM;
        c->list = l;
        c->cap = cap;
    }
    c->list[c->n++] = e;
    return 0;
}

/* One filter: the ANDed terms compiled once per worker, and each morsel's
** surviving rows until they are joined in morsel order. */
struct filter_job {
    const tg_table *t;
    size_t n_parts;
    tg_eval ***progs;         /* [worker][term]; NULL term: a bare null */
    size_t **rows, *n_rows;   /* per morsel */
    const tg_interrupt *intr; /* polled per vector, as eval_job's */
};

tg_status tg_exec_select(tg_eval *const *progs, size_t n_parts, size_t off, size_t len,
                         uint32_t *sel, uint8_t *mask, size_t *m_out, tg_error *err) {
    size_t m = len;
    int dense = 1; /* the selection is in 'mask' while most rows survive */
    tg_status st = TG_OK;
    if (n_parts == 0) { /* no terms: every row */
        for (size_t i = 0; i < len; i++) sel[i] = (uint32_t)i;
        *m_out = len;
        return TG_OK;
    }
    for (size_t k = 0; st == TG_OK && k < n_parts; k++) {
        if (!progs[k]) m = 0, dense = 0; /* the null term */
        if (m == 0) {
            /* Nothing left to test, but an expression that can fail must
            ** still see every row, or filter would hide errors eval raises. */
            if (progs[k] && progs[k]->may_fail) st = tg_exec_run(progs[k], off, len, err);
            continue;
        }
        if (!dense) {
            st = tg_exec_refine(progs[k], off, len, sel, &m, err);
            continue;
        }
        /* Dense: whole-vector kernels and a byte mask beat index lists
        ** until few rows are left; then switch to the rows themselves. */
        st = tg_exec_run(progs[k], off, len, err);
        if (st != TG_OK) break;
        const tg_step *root = &progs[k]->steps[progs[k]->root];
        m = tg_kern_mask_and(mask, root->data, root->valid, k == 0, len);
        if (m * 8 < len) {
            m = tg_kern_mask_to_sel(mask, len, sel);
            dense = 0;
        }
    }
    if (st == TG_OK && dense) m = tg_kern_mask_to_sel(mask, len, sel);
    *m_out = st == TG_OK ? m : 0;
    return st;
}

static tg_status filter_morsel(void *ctx, size_t mi, int worker, tg_error *err) {
    struct filter_job *j = ctx;
    uint32_t sel[TG_VECTOR];
    uint8_t mask[TG_VECTOR];
    size_t off, len, n_out = 0, cap = 0, *rows = NULL;
    tg_status st = TG_OK;
    tg_par_morsel(j->t->n_rows, mi, &off, &len);
    for (size_t end = off + len; st == TG_OK && off < end; off += TG_VECTOR) {
        size_t n = end - off < TG_VECTOR ? end - off : TG_VECTOR, m;
        st = tg_par_poll(j->intr, err);
        if (st == TG_OK)
            st = tg_exec_select(j->progs[worker], j->n_parts, off, n, sel, mask, &m, err);
        if (st != TG_OK || m == 0) continue;
        if (n_out + m > cap) {
            size_t c = cap ? cap : 1024;
            while (c < n_out + m) c *= 2;
            if (c > len) c = len;
            size_t *r = tg_realloc(rows, c * sizeof *r);
            if (!r) {
                st = tg_err_nomem(err);
                break;
            }
            rows = r;
            cap = c;
        }
        for (size_t i = 0; i < m; i++) rows[n_out + i] = off + sel[i];
        n_out += m;
    }
    if (st != TG_OK) {
        tg_free(rows);
        return st;
    }
    j->rows[mi] = rows;
    j->n_rows[mi] = n_out;
    return TG_OK;
}

/* Joins the morsels' rows in morsel order into one array (the only
** morsel's array itself when there is one). */
static tg_status filter_concat(struct filter_job *j, size_t n_morsels, size_t **idx, size_t *n) {
    size_t total = 0, at = 0, *all;
    for (size_t m = 0; m < n_morsels; m++) total += j->n_rows[m];
    *idx = NULL;
    *n = total;
    if (total == 0) return TG_OK;
    if (n_morsels == 1) {
        *idx = j->rows[0];
        j->rows[0] = NULL;
        return TG_OK;
    }
    if (!(all = tg_malloc(total * sizeof *all))) return TG_ENOMEM;
    for (size_t m = 0; m < n_morsels; m++) {
        if (j->n_rows[m]) memcpy(all + at, j->rows[m], j->n_rows[m] * sizeof *all);
        at += j->n_rows[m];
        tg_free(j->rows[m]);
        j->rows[m] = NULL;
    }
    *idx = all;
    return TG_OK;
}

/* Compiles the terms for workers 1 .. workers - 1 (worker 0 has them). */
static tg_status filter_programs(struct filter_job *j, const tg_expr *const *parts, int workers,
                                 tg_error *err) {
    for (int w = 1; w < workers; w++) {
        if (!(j->progs[w] = tg_calloc(j->n_parts ? j->n_parts : 1, sizeof **j->progs)))
            return tg_err_nomem(err);
        for (size_t k = 0; k < j->n_parts; k++) {
            if (!j->progs[0][k]) continue;
            tg_status st = tg_eval_compile(parts[k], j->t, &j->progs[w][k], err);
            if (st != TG_OK) return st;
        }
    }
    return TG_OK;
}

static void filter_job_free(struct filter_job *j, int workers, size_t n_morsels) {
    for (int w = 0; j->progs && w < workers; w++) {
        for (size_t k = 0; j->progs[w] && k < j->n_parts; k++) tg_eval_free(j->progs[w][k]);
        tg_free(j->progs[w]);
    }
    for (size_t m = 0; j->rows && m < n_morsels; m++) tg_free(j->rows[m]);
    tg_free(j->progs);
    tg_free(j->rows);
    tg_free(j->n_rows);
}

/* Morsels run on every worker; each keeps its rows, joined at the end in
** morsel order, so the rows and the first error are those of one thread. */
tg_status tg_exec_filter_terms(const tg_expr *const *terms, size_t n_terms, const tg_table *t,
                               const tg_interrupt *intr, size_t **idx, size_t *n, tg_error *err) {
    struct filter_job j = { t, n_terms, NULL, NULL, NULL, intr };
    size_t n_morsels = tg_par_morsels(t->n_rows), k;
    int workers = tg_par_workers(n_morsels);
    tg_eval **progs = NULL;
    tg_status st = TG_OK;

    assert((terms != NULL || n_terms == 0) && t != NULL && idx != NULL && n != NULL);
    *idx = NULL;
    *n = 0;
    if (!(j.progs = tg_calloc((size_t)workers, sizeof *j.progs)) ||
        !(progs = j.progs[0] = tg_calloc(j.n_parts ? j.n_parts : 1, sizeof *progs)) ||
        !(j.rows = tg_calloc(n_morsels, sizeof *j.rows)) ||
        !(j.n_rows = tg_calloc(n_morsels, sizeof *j.n_rows)))
        st = tg_err_nomem(err);
    for (k = 0; st == TG_OK && k < j.n_parts; k++) {
        const tg_expr *part = terms[k];
        /* A bare null among the ANDed terms is NULL on every row: it keeps
        ** nothing (within the AND it would have been typed bool). */
        if (part->op == TG_OP_LIT && part->u.lit.type == TG_TYPE_NULL) continue;
        st = tg_eval_compile_poll(part, t, intr, &progs[k], err);
        if (st == TG_OK && tg_eval_type(progs[k]) != TG_BOOL) {
            char *text = tg_expr_to_string_max(part, 300);
            st = tg_err_set(err, TG_EARG, NULL, 0, 0,
                            "the predicate must be a bool, got %s in %.300s",
                            tg_type_name(tg_eval_type(progs[k])), text ? text : "?");
            tg_free(text);
        }
    }
    if (st == TG_OK && t->n_rows > 0) st = filter_programs(&j, terms, workers, err);
    if (st == TG_OK && t->n_rows > 0)
        st = tg_par_for_n(n_morsels, workers, filter_morsel, &j, intr, err);
    if (st == TG_OK && t->n_rows > 0 && filter_concat(&j, n_morsels, idx, n) != TG_OK)
        st = tg_err_nomem(err);
    filter_job_free(&j, workers, n_morsels);
    return st;
}

tg_status tg_exec_filter(const tg_expr *pred, const tg_table *t, const tg_interrupt *intr,
                         size_t **idx, size_t *n, tg_error *err) {
    struct conj cj = { NULL, 0, 0 };
    tg_status st;

    assert(pred != NULL && t != NULL && idx != NULL && n != NULL);
    *idx = NULL;
    *n = 0;
    st = tg_expr_check_depth(pred, err);
    if (st != TG_OK) return st;
    st = tg_expr_walk(pred, add_conjunct, &cj);
    if (st == TG_ENOMEM) tg_err_nomem(err);
    if (st == TG_OK) st = tg_exec_filter_terms(cj.list, cj.n, t, intr, idx, n, err);
    tg_free(cj.list);
    return st;
}
