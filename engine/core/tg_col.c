/*
** tg_col.c -- typed column vectors with a validity bitmap.
** Buffers grow by doubling; the bitmap exists only once a NULL is seen and
** always covers 'cap' rows, with bits beyond 'len' set (valid) so growth
** and slicing never have to special-case the tail.
*/
#include "tg_col.h"

#include <assert.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "tg_mem.h"
#include "tg_par.h"

size_t tg_type_width(tg_type type) {
    switch (type) {
    case TG_INT: return sizeof(int64_t);
    case TG_FLOAT: return sizeof(double);
    case TG_BOOL: return sizeof(uint8_t);
    case TG_DATE: return sizeof(int32_t);
    case TG_STRING: return sizeof(uint32_t);
    }
    assert(0 && "unknown column type");
    return 0;
}

const char *tg_type_name(tg_type type) {
    switch (type) {
    case TG_INT: return "int";
    case TG_FLOAT: return "float";
    case TG_BOOL: return "bool";
    case TG_DATE: return "date";
    case TG_STRING: return "string";
    }
    return "?";
}

int tg_type_parse(const char *name) {
    static const struct {
        const char *name;
        tg_type type;
    } names[] = { { "int", TG_INT },       { "integer", TG_INT },   { "int64", TG_INT },
                  { "float", TG_FLOAT },   { "double", TG_FLOAT },  { "number", TG_FLOAT },
                  { "float64", TG_FLOAT }, { "bool", TG_BOOL },     { "boolean", TG_BOOL },
                  { "date", TG_DATE },     { "string", TG_STRING }, { "str", TG_STRING },
                  { "text", TG_STRING } };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) return (int)names[i].type;
    return -1;
}

static size_t bitmap_words(size_t rows) {
    return (rows + 63) / 64;
}

tg_col *tg_col_new(tg_type type, size_t cap, tg_dict *dict) {
    tg_col *col = tg_calloc(1, sizeof *col);
    if (!col) return NULL;
    col->refs = 1;
    col->type = type;
    if (type == TG_STRING) {
        col->dict = dict ? tg_dict_retain(dict) : tg_dict_new();
        if (!col->dict) {
            tg_free(col);
            return NULL;
        }
    }
    if (cap > 0 && tg_col_reserve(col, cap) != TG_OK) {
        tg_col_release(col);
        return NULL;
    }
    return col;
}

tg_col *tg_col_retain(tg_col *col) {
    assert(col != NULL && col->refs > 0);
    col->refs++;
    return col;
}

void tg_col_release(tg_col *col) {
    if (!col) return;
    assert(col->refs > 0);
    if (--col->refs > 0) return;
    tg_free(col->v.any);
    tg_free(col->valid);
    tg_free(col->note);
    tg_dict_release(col->dict);
    tg_free(col);
}

size_t tg_col_null_count(const tg_col *col) {
    size_t n = 0;
    if (!col->valid) return 0;
    for (size_t w = 0; w < col->len / 64; w++)
        n += (size_t)(64 - __builtin_popcountll(col->valid[w]));
    for (size_t i = col->len / 64 * 64; i < col->len; i++) n += !tg_col_is_valid(col, i);
    return n;
}

tg_status tg_col_reserve(tg_col *col, size_t cap) {
    size_t width = tg_type_width(col->type);
    if (cap <= col->cap) return TG_OK;
    if (cap > SIZE_MAX / width) return TG_ENOMEM;

    void *v = tg_realloc(col->v.any, cap * width);
    if (!v) return TG_ENOMEM;
    /* Zero the new tail so NULL rows and unfilled slots read as 0. */
    memset((char *)v + col->cap * width, 0, (cap - col->cap) * width);
    col->v.any = v;
    if (col->valid) {
        size_t old = bitmap_words(col->cap), words = bitmap_words(cap);
        uint64_t *bits = tg_realloc(col->valid, words * sizeof *bits);
        if (!bits) return TG_ENOMEM; /* values grew, cap did not: still consistent */
        memset(bits + old, 0xff, (words - old) * sizeof *bits);
        col->valid = bits;
    }
    col->cap = cap;
    return TG_OK;
}

void tg_col_shrink(tg_col *col) {
    size_t width = tg_type_width(col->type);
    size_t len = col->len ? col->len : 1;
    if (col->cap <= len) return;
    void *v = tg_realloc(col->v.any, len * width);
    if (!v) return;
    col->v.any = v;
    /* The values now hold only 'len' rows, so cap must follow even if the
    ** bitmap cannot shrink: a bitmap longer than cap is harmless. */
    col->cap = len;
    if (col->valid) {
        uint64_t *bits = tg_realloc(col->valid, bitmap_words(len) * sizeof *bits);
        if (bits) col->valid = bits;
    }
}

tg_status tg_col_set_null(tg_col *col, size_t i) {
    assert(i < col->cap);
    if (!col->valid) {
        size_t words = bitmap_words(col->cap);
        col->valid = tg_malloc(words * sizeof *col->valid);
        if (!col->valid) return TG_ENOMEM;
        memset(col->valid, 0xff, words * sizeof *col->valid);
    }
    tg_col_bit_clear(col->valid, i);
    return TG_OK;
}

void tg_col_set_valid(tg_col *col, size_t i) {
    assert(i < col->cap);
    if (col->valid) tg_col_bit_set(col->valid, i);
}

/* Room for one more row, which becomes valid: a slot marked NULL before it
** was pushed (tg_col_set_null beyond len) must not hide the new value. */
static tg_status grow1(tg_col *col) {
    if (col->len >= col->cap && tg_col_reserve(col, col->cap ? col->cap * 2 : 16) != TG_OK)
        return TG_ENOMEM;
    tg_col_set_valid(col, col->len);
    return TG_OK;
}

tg_status tg_col_push_i64(tg_col *col, int64_t v) {
    assert(col->type == TG_INT);
    if (grow1(col) != TG_OK) return TG_ENOMEM;
    col->v.i64[col->len++] = v;
    return TG_OK;
}

tg_status tg_col_push_f64(tg_col *col, double v) {
    assert(col->type == TG_FLOAT);
    if (grow1(col) != TG_OK) return TG_ENOMEM;
    col->v.f64[col->len++] = v;
    return TG_OK;
}

tg_status tg_col_push_bool(tg_col *col, int v) {
    assert(col->type == TG_BOOL);
    if (grow1(col) != TG_OK) return TG_ENOMEM;
    col->v.b8[col->len++] = v != 0;
    return TG_OK;
}

tg_status tg_col_push_date(tg_col *col, int32_t days) {
    assert(col->type == TG_DATE);
    if (grow1(col) != TG_OK) return TG_ENOMEM;
    col->v.date[col->len++] = days;
    return TG_OK;
}

tg_status tg_col_push_str(tg_col *col, const char *s, size_t n) {
    uint32_t code;
    assert(col->type == TG_STRING);
    if (grow1(col) != TG_OK) return TG_ENOMEM;
    if (tg_dict_intern(col->dict, s, n, &code) != TG_OK) return TG_ENOMEM;
    col->v.str[col->len++] = code;
    return TG_OK;
}

tg_status tg_col_push_null(tg_col *col) {
    if (grow1(col) != TG_OK) return TG_ENOMEM;
    if (tg_col_set_null(col, col->len) != TG_OK) return TG_ENOMEM;
    col->len++;
    return TG_OK;
}

tg_col *tg_col_slice(const tg_col *src, size_t off, size_t n) {
    size_t width = tg_type_width(src->type);
    tg_col *col;

    assert(off + n <= src->len);
    col = tg_col_new(src->type, n ? n : 1, src->dict);
    if (!col) return NULL;
    if (n) memcpy(col->v.any, (const char *)src->v.any + off * width, n * width);
    col->len = n;
    if (src->valid) {
        for (size_t i = 0; i < n; i++) {
            if (!tg_col_is_valid(src, off + i) && tg_col_set_null(col, i) != TG_OK) {
                tg_col_release(col);
                return NULL;
            }
        }
    }
    return col;
}

void tg_col_int_to_float(tg_col *col) {
    assert(col->type == TG_INT);
    /* int64_t and double have the same size, so convert in place through a
    ** copy of each value (no aliasing of the union members). */
    for (size_t i = 0; i < col->len; i++) {
        int64_t x = col->v.i64[i];
        col->v.f64[i] = (double)x;
    }
    col->type = TG_FLOAT;
}

/* One gather loop per width, with constant-size memcpy (a plain move, and
** legal whatever the element type). Random reads dominate, so the loop must
** let the CPU overlap them: no calls, no bitmap lookups. */
static inline int gather(char *to, const tg_col *src, const size_t *idx, size_t n, size_t width) {
    const char *from = src->v.any;
    int missing = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = idx[i];
        assert(r == TG_NO_ROW || r < src->len);
        if (r == TG_NO_ROW) {
            missing = 1;
            memset(to + i * width, 0, width);
        } else {
            memcpy(to + i * width, from + r * width, width);
        }
    }
    return missing;
}

int tg_col_gather(void *to, const tg_col *src, const size_t *idx, size_t n) {
    switch (tg_type_width(src->type)) {
    case 8: return gather(to, src, idx, n, 8);
    case 4: return gather(to, src, idx, n, 4);
    default: return gather(to, src, idx, n, 1);
    }
}

/* The rows of a take cut into morsels (tg_par): each worker gathers its
** own slice of the output, so the answer is the one thread's. */
struct take_job {
    char *to;
    const tg_col *src;
    const size_t *idx;
    size_t n;
    atomic_int missing;
};

static tg_status take_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    struct take_job *j = ctx;
    size_t off, len, width = tg_type_width(j->src->type);
    (void)worker;
    (void)err;
    tg_par_morsel(j->n, m, &off, &len);
    if (tg_col_gather(j->to + off * width, j->src, j->idx + off, len)) atomic_store(&j->missing, 1);
    return TG_OK;
}

/* Gathers into 'to', polling 'intr' (nullable) before each morsel; TG_OK
** or the poll's status, with *missing set when an index was TG_NO_ROW. */
static tg_status gather_all(char *to, const tg_col *src, const size_t *idx, size_t n,
                            const tg_interrupt *intr, int *missing) {
    struct take_job j = { to, src, idx, n, 0 };
    tg_status st = tg_par_for(tg_par_morsels(n), take_morsel, &j, intr, NULL);
    *missing = atomic_load(&j.missing);
    return st;
}

/* NULL rows are found in a second pass, only when there can be any. */
static tg_col *take(const tg_col *src, const size_t *idx, size_t n, const tg_interrupt *intr,
                    tg_status *st) {
    tg_col *col = tg_col_new(src->type, 0, src->dict);
    int missing;
    *st = TG_ENOMEM;
    if (!col) return NULL;
    /* gather() writes every row, so the buffer needs no zero-filling first:
    ** on 10M-row results that fill is a pass of its own. */
    col->v.any = tg_malloc((n ? n : 1) * tg_type_width(src->type));
    if (!col->v.any) {
        tg_col_release(col);
        return NULL;
    }
    col->cap = n ? n : 1;
    if (n == 0) memset(col->v.any, 0, tg_type_width(src->type));
    if ((*st = gather_all(col->v.any, src, idx, n, intr, &missing)) != TG_OK) {
        tg_col_release(col);
        return NULL;
    }
    *st = TG_ENOMEM;
    col->len = n;
    if (!missing && !src->valid) {
        *st = TG_OK;
        return col;
    }
    size_t width = tg_type_width(src->type);
    for (size_t i = 0; i < n; i++) {
        size_t r = idx[i];
        if (r != TG_NO_ROW && tg_col_is_valid(src, r)) continue;
        memset((char *)col->v.any + i * width, 0, width);
        if (tg_col_set_null(col, i) != TG_OK) {
            tg_col_release(col);
            return NULL;
        }
    }
    *st = TG_OK;
    return col;
}

tg_col *tg_col_take(const tg_col *src, const size_t *idx, size_t n) {
    tg_status st;
    return take(src, idx, n, NULL, &st);
}

tg_col *tg_col_take_poll(const tg_col *src, const size_t *idx, size_t n, const tg_interrupt *intr,
                         tg_status *st) {
    return take(src, idx, n, intr, st);
}

/* ---- one dictionary from several ---- */

/* Whether the rows use every entry of 'd', in code order of first use:
** then 'd' already is the dictionary tg_col_unify_dicts would build. */
static tg_status uses_all_in_order(const tg_col *col, const tg_dict *d, int *yes) {
    uint32_t size = tg_dict_size(d), next = 0;
    uint8_t *seen = tg_calloc(size ? size : 1, 1);
    if (!seen) return TG_ENOMEM;
    *yes = 1;
    for (size_t i = 0; i < col->len && *yes; i++) {
        uint32_t c = col->v.str[i];
        if (!tg_col_is_valid(col, i) || seen[c]) continue;
        seen[c] = 1;
        *yes = c == next++;
    }
    *yes = *yes && next == size;
    tg_free(seen);
    return TG_OK;
}

static void set_dict(tg_col *col, tg_dict *d) {
    tg_dict_release(col->dict);
    col->dict = d;
    for (size_t i = 0; col->valid && i < col->len; i++)
        if (!tg_col_bit(col->valid, i)) col->v.str[i] = 0;
}

/* Codes of each source dictionary in the new one, found as rows meet them. */
static tg_status recode(tg_col *col, tg_dict *const *dicts, uint32_t **map, const int *owner,
                        size_t span, const tg_interrupt *intr, tg_dict *d) {
    size_t n = col->len, n_spans = (n + span - 1) / span;
    for (size_t k = 0; k < n_spans; k++) {
        const tg_dict *from = dicts[owner[k]];
        uint32_t *m = map[owner[k]];
        size_t end = (k + 1) * span < n ? (k + 1) * span : n;
        tg_status st = tg_poll(intr);
        if (st != TG_OK) return st;
        for (size_t i = k * span; i < end; i++) {
            uint32_t c = col->v.str[i];
            if (!tg_col_is_valid(col, i)) continue;
            if (m[c] == TG_DICT_NONE) {
                size_t len;
                const char *str = tg_dict_str(from, c, &len);
                if (tg_dict_intern(d, str, len, &m[c]) != TG_OK) return TG_ENOMEM;
            }
            col->v.str[i] = m[c];
        }
    }
    return TG_OK;
}

tg_status tg_col_unify_dicts(tg_col *col, tg_dict *const *dicts, size_t n_dicts, const int *owner,
                             size_t span, const tg_interrupt *intr) {
    size_t n_spans = col->len ? (col->len + span - 1) / span : 0, k;
    uint32_t **map = NULL;
    tg_dict *d = NULL;
    tg_status st;

    assert(col->type == TG_STRING && n_dicts > 0 && span > 0);
    for (k = 1; k < n_spans && owner[k] == owner[0]; k++) continue;
    if (n_spans > 0 && k == n_spans) {
        int yes;
        if ((st = uses_all_in_order(col, dicts[owner[0]], &yes)) != TG_OK) return st;
        if (yes) {
            set_dict(col, tg_dict_retain(dicts[owner[0]]));
            return TG_OK;
        }
    }
    st = TG_ENOMEM;
    if (!(map = tg_calloc(n_dicts, sizeof *map)) || !(d = tg_dict_new())) goto done;
    for (k = 0; k < n_dicts; k++) {
        uint32_t size = tg_dict_size(dicts[k]);
        if (!(map[k] = tg_malloc((size ? size : 1) * sizeof **map))) goto done;
        memset(map[k], 0xff, (size ? size : 1) * sizeof **map); /* TG_DICT_NONE */
    }
    if ((st = recode(col, dicts, map, owner, span, intr, d)) == TG_OK) {
        set_dict(col, d);
        d = NULL;
    }
done:
    for (k = 0; map && k < n_dicts; k++) tg_free(map[k]);
    tg_free(map);
    tg_dict_release(d);
    return st;
}
