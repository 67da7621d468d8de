/*
** tg_collate.c -- collation through ICU (see tg_collate.h): a sort key per
** string (ucol_getSortKey on the UTF-16 text), compared as bytes, ties by
** the UTF-8 bytes themselves.
*/
#include "tg_collate.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>

#include "tg_err.h"
#include "tg_mem.h"

int tg_collate_known(const char *name) {
    return name && strcmp(name, "da") == 0;
}

/* The sort key of s[0..len) under 'coll', tg_malloc'ed; NULL on failure. */
static uint8_t *sort_key(UCollator *coll, const char *s, size_t len, size_t *key_len) {
    UErrorCode ue = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8(NULL, 0, &n16, s, (int32_t)len, &ue);
    if (ue != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(ue)) return NULL;
    ue = U_ZERO_ERROR;
    UChar *u = tg_malloc(((size_t)n16 + 1) * sizeof *u);
    if (!u) return NULL;
    u_strFromUTF8(u, n16 + 1, NULL, s, (int32_t)len, &ue);
    int32_t kn = U_FAILURE(ue) ? 0 : ucol_getSortKey(coll, u, n16, NULL, 0);
    uint8_t *key = kn > 0 ? tg_malloc((size_t)kn) : NULL;
    if (key) ucol_getSortKey(coll, u, n16, key, kn);
    tg_free(u);
    *key_len = key ? (size_t)kn : 0;
    return key;
}

struct item {
    const uint8_t *key;
    size_t key_len;
    const char *s;
    size_t len;
    size_t i;
};

static int cmp_bytes(const void *a, size_t na, const void *b, size_t nb) {
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

static int cmp_item(const void *pa, const void *pb) {
    const struct item *a = pa, *b = pb;
    int c = cmp_bytes(a->key, a->key_len, b->key, b->key_len);
    return c ? c : cmp_bytes(a->s, a->len, b->s, b->len);
}

static UCollator *open_collator(const char *name, tg_error *err) {
    UErrorCode ue = U_ZERO_ERROR;
    UCollator *coll;
    if (!tg_collate_known(name)) {
        tg_err_set(err, TG_EARG, NULL, 0, 0, "unknown collation '%s' (tegn offers \"da\")",
                   name ? name : "");
        return NULL;
    }
    coll = ucol_open(name, &ue);
    if (U_FAILURE(ue)) {
        tg_err_set(err, TG_EARG, NULL, 0, 0, "collation '%s': %s", name, u_errorName(ue));
        if (coll) ucol_close(coll);
        return NULL;
    }
    return coll;
}

tg_status tg_collate_ranks(const char *name, const char *const *s, const size_t *len, size_t n,
                           uint32_t *rank, tg_error *err) {
    UCollator *coll = open_collator(name, err);
    struct item *it;
    tg_status st = TG_OK;
    if (!coll) return TG_EARG;
    it = tg_calloc(n ? n : 1, sizeof *it);
    for (size_t i = 0; it && i < n; i++) {
        it[i] = (struct item){ NULL, 0, s[i], len[i], i };
        if (!(it[i].key = sort_key(coll, s[i], len[i], &it[i].key_len))) st = TG_ENOMEM;
    }
    if (!it) st = TG_ENOMEM;
    if (st == TG_OK) {
        qsort(it, n, sizeof *it, cmp_item);
        for (size_t r = 0; r < n; r++) rank[it[r].i] = (uint32_t)r;
    } else {
        tg_err_nomem(err);
    }
    for (size_t i = 0; it && i < n; i++) tg_free((void *)it[i].key);
    tg_free(it);
    ucol_close(coll);
    return st;
}
