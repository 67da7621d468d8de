/*
** tg_pseudo.c -- keyed pseudonyms (see tg_pseudo.h). Every row is mapped
** to a code of a source dictionary: a text column's own, or one built from
** a whole-number column's digits. Each code used by a valid row is keyed
** once; its pseudonym is interned in the output's dictionary, where a code
** already taken by another text is a collision. The rows then only copy
** codes, so 1M rows of 1000 persons cost 1000 HMACs, not 1M.
*/
#include "tg_pseudo.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "tg_err.h"
#include "tg_ident.h"
#include "tg_mem.h"
#include "tg_sha256.h"

size_t tg_pseudo_text(const tg_col *c, size_t i, char *buf, size_t cap, const char **s) {
    size_t n;
    assert(c != NULL && buf != NULL && cap >= 32 && s != NULL && i < c->len);
    if (c->type == TG_INT) {
        int64_t v = c->v.i64[i];
        int w = snprintf(buf, cap, v >= 100000000 && v <= 9999999999 ? "%010lld" : "%lld",
                         (long long)v);
        *s = buf;
        return (size_t)w;
    }
    assert(c->type == TG_STRING);
    *s = tg_dict_str(c->dict, c->v.str[i], &n);
    if (n == 11 && tg_ident_is_cpr(*s, n)) {
        memcpy(buf, *s, 6);
        memcpy(buf + 6, *s + 7, 4);
        *s = buf;
        return 10;
    }
    return n;
}

/* The working state of one call, freed together. */
typedef struct work {
    tg_dict *src;    /* the source dictionary (retained) */
    uint32_t *code;  /* per row: its source code (text columns: c->v.str) */
    uint32_t *map;   /* per source code: the output code; UINT32_MAX unused */
    uint32_t *owner; /* per output code: the source code that made it */
    uint32_t *first; /* per source code: the first row that uses it */
    int owns_code;
} work;

static void work_free(work *w) {
    tg_dict_release(w->src);
    if (w->owns_code) tg_free(w->code);
    tg_free(w->map);
    tg_free(w->owner);
    tg_free(w->first);
}

/* Source codes per row: a text column's own; a whole-number column's
** digits interned into a new dictionary. */
static tg_status source_codes(const tg_col *c, size_t n, work *w) {
    if (c->type == TG_STRING) {
        w->src = tg_dict_retain(c->dict);
        w->code = c->v.str;
        return TG_OK;
    }
    w->src = tg_dict_new();
    w->code = tg_calloc(n ? n : 1, sizeof *w->code);
    w->owns_code = 1;
    if (!w->src || !w->code) return TG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        int k;
        if (!tg_col_is_valid(c, i)) continue;
        k = snprintf(buf, sizeof buf, "%lld", (long long)c->v.i64[i]);
        if (tg_dict_intern(w->src, buf, (size_t)k, &w->code[i]) != TG_OK) return TG_ENOMEM;
    }
    return TG_OK;
}

/* Keys every source code a valid row uses, once: w->map. */
static tg_status key_codes(const tg_col *c, size_t n, const void *key, size_t klen, int len,
                           tg_dict *odict, work *w, tg_error *err) {
    uint32_t n_codes = tg_dict_size(w->src), n_out = 0;
    w->map = tg_malloc((n_codes ? n_codes : 1) * sizeof *w->map);
    w->owner = tg_malloc((n_codes ? n_codes : 1) * sizeof *w->owner);
    w->first = tg_malloc((n_codes ? n_codes : 1) * sizeof *w->first);
    if (!w->map || !w->owner || !w->first) return tg_err_nomem(err);
    memset(w->map, 0xff, (n_codes ? n_codes : 1) * sizeof *w->map);
    for (size_t i = 0; i < n; i++) {
        uint32_t sc = w->code[i], oc;
        unsigned char d[32];
        char hex[65], buf[32], obuf[32];
        const char *s, *o;
        size_t sn, on;
        if (!tg_col_is_valid(c, i) || w->map[sc] != UINT32_MAX) continue;
        sn = tg_pseudo_text(c, i, buf, sizeof buf, &s);
        tg_sha256_hmac(key, klen, s, sn, d);
        for (int j = 0; j < 32; j++) snprintf(hex + 2 * j, 3, "%02x", d[j]);
        if (tg_dict_intern(odict, hex, (size_t)len, &oc) != TG_OK) return tg_err_nomem(err);
        w->map[sc] = oc;
        w->first[sc] = (uint32_t)i;
        if (oc == n_out) {
            w->owner[n_out++] = sc;
            continue;
        }
        /* the pseudonym was made before: by the same text (120485-1234
        ** and 1204851234), or by another person */
        on = tg_pseudo_text(c, w->first[w->owner[oc]], obuf, sizeof obuf, &o);
        if (on != sn || memcmp(o, s, sn) != 0)
            return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                              "two values share a pseudonym of %d hex digits; use a longer "
                              "length",
                              len);
    }
    return TG_OK;
}

tg_status tg_pseudo_column(const tg_col *c, size_t n, const void *key, size_t klen, int len,
                           tg_col **out, tg_error *err) {
    work w = { 0 };
    tg_col *o;
    tg_status st;
    assert(c != NULL && key != NULL && out != NULL && n <= c->len && n <= UINT32_MAX);
    assert(c->type == TG_STRING || c->type == TG_INT);
    assert(len >= TG_PSEUDO_LEN_MIN && len <= TG_PSEUDO_LEN_MAX);
    *out = NULL;
    o = tg_col_new(TG_STRING, n ? n : 1, NULL);
    if (!o) return tg_err_nomem(err);
    st = source_codes(c, n, &w);
    if (st != TG_OK) st = tg_err_nomem(err);
    else st = key_codes(c, n, key, klen, len, o->dict, &w, err);
    for (size_t i = 0; st == TG_OK && i < n; i++) {
        o->v.str[i] = 0;
        if (tg_col_is_valid(c, i)) o->v.str[i] = w.map[w.code[i]];
        else if (tg_col_set_null(o, i) != TG_OK) st = tg_err_nomem(err);
    }
    work_free(&w);
    if (st != TG_OK) {
        tg_col_release(o);
        return st;
    }
    o->len = n;
    *out = o;
    return TG_OK;
}
