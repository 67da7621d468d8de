/*
** tg_table.c -- named columns of equal length.
*/
#include "tg_table.h"

#include <assert.h>
#include <string.h>

#include "tg_dict.h"
#include "tg_err.h"
#include "tg_mem.h"

tg_table *tg_table_new(void) {
    tg_table *t = tg_calloc(1, sizeof *t);
    if (t) t->refs = 1;
    return t;
}

tg_table *tg_table_retain(tg_table *t) {
    assert(t != NULL && t->refs > 0);
    t->refs++;
    return t;
}

void tg_table_release(tg_table *t) {
    if (!t) return;
    assert(t->refs > 0);
    if (--t->refs > 0) return;
    for (size_t i = 0; i < t->n_cols; i++) {
        tg_free(t->names[i]);
        tg_col_release(t->cols[i]);
    }
    tg_free(t->names);
    tg_free(t->cols);
    tg_dict_release(t->index);
    tg_free(t);
}

#define INDEX_FROM 32 /* columns from which names are found by hash */

long tg_table_find(const tg_table *t, const char *name) {
    if (t->index) {
        uint32_t code = tg_dict_find(t->index, name, strlen(name));
        return code == TG_DICT_NONE ? -1 : (long)code;
    }
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->names[i], name) == 0) return (long)i;
    return -1;
}

tg_status tg_table_lookup(const tg_table *t, const char *name, long *k, tg_error *err) {
    const char *near;
    if ((*k = tg_table_find(t, name)) >= 0) return TG_OK;
    near = tg_nearest_name(name, t->names, t->n_cols);
    if (near)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "no column '%s'; did you mean '%s'?", name,
                          near);
    return tg_err_set(err, TG_EARG, NULL, 0, 0, "no column '%s'", name);
}

tg_col *tg_table_col(const tg_table *t, const char *name) {
    long i = tg_table_find(t, name);
    return i < 0 ? NULL : t->cols[i];
}

/* Enters 'name', the next column's, into the index, building the index
** from the earlier names when the table reaches INDEX_FROM columns. Names
** are unique and only ever appended, so the dictionary's codes are the
** column indexes. */
static tg_status index_name(tg_table *t, const char *name) {
    uint32_t code;
    if (!t->index && t->n_cols + 1 >= INDEX_FROM) {
        tg_dict *d = tg_dict_new();
        if (!d) return TG_ENOMEM;
        for (size_t i = 0; i < t->n_cols; i++) {
            if (tg_dict_intern(d, t->names[i], strlen(t->names[i]), &code) != TG_OK) {
                tg_dict_release(d);
                return TG_ENOMEM;
            }
        }
        t->index = d;
    }
    if (!t->index) return TG_OK;
    tg_status st = tg_dict_intern(t->index, name, strlen(name), &code);
    assert(st != TG_OK || code == t->n_cols);
    return st;
}

tg_status tg_table_add(tg_table *t, const char *name, tg_col *col) {
    assert(t != NULL && name != NULL && col != NULL);
    if (t->n_cols > 0 && col->len != t->n_rows) return TG_EARG;
    if (tg_table_find(t, name) >= 0) return TG_EARG;
    if (t->n_cols == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        char **names = tg_realloc(t->names, cap * sizeof *names);
        if (!names) return TG_ENOMEM;
        t->names = names;
        tg_col **cols = tg_realloc(t->cols, cap * sizeof *cols);
        if (!cols) return TG_ENOMEM;
        t->cols = cols;
        t->cap = cap;
    }
    char *copy = tg_strdup(name);
    if (!copy || index_name(t, name) != TG_OK) {
        tg_free(copy);
        return TG_ENOMEM;
    }
    t->names[t->n_cols] = copy;
    t->cols[t->n_cols] = tg_col_retain(col);
    t->n_cols++;
    t->n_rows = col->len;
    return TG_OK;
}

/* Levenshtein distance over bytes, two rows of at most 64 + 1 entries;
** longer names are never typos worth suggesting. */
static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b), prev[65], cur[65];
    if (la > 64 || lb > 64) return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *tg_nearest_name(const char *name, char *const *names, size_t n) {
    const char *best = NULL;
    size_t best_d = SIZE_MAX, len = strlen(name);
    /* A suggestion must be closer than a third of the name's length (at
    ** least 1, at most 3 edits) or it is noise. */
    size_t limit = len / 3 < 1 ? 1 : (len / 3 > 3 ? 3 : len / 3);
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(name, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

/* A table of n rows whose columns are t's gathered at idx, or t's first n
** rows when idx is NULL (sharing the dictionaries); NULL when out of memory. */
static tg_table *rows_of(const tg_table *t, const size_t *idx, size_t n) {
    tg_table *out = tg_table_new();
    if (!out) return NULL;
    for (size_t k = 0; k < t->n_cols; k++) {
        tg_col *c = idx ? tg_col_take(t->cols[k], idx, n) : tg_col_slice(t->cols[k], 0, n);
        tg_status st = c ? tg_table_add(out, t->names[k], c) : TG_ENOMEM;
        tg_col_release(c);
        if (st != TG_OK) {
            tg_table_release(out);
            return NULL;
        }
    }
    out->n_rows = n;
    return out;
}

tg_table *tg_table_take(const tg_table *t, const size_t *idx, size_t n) {
    return rows_of(t, idx, n);
}

tg_table *tg_table_head(const tg_table *t, size_t n) {
    return rows_of(t, NULL, n < t->n_rows ? n : t->n_rows);
}

tg_status tg_table_select(const tg_table *t, const char *const *names, size_t n, tg_table **out,
                          const char **bad) {
    tg_table *sel = tg_table_new();
    *out = NULL;
    if (!sel) return TG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        long k = tg_table_find(t, names[i]);
        tg_status st = k < 0 ? TG_EARG : tg_table_add(sel, names[i], t->cols[k]);
        if (st != TG_OK) {
            if (st == TG_EARG && bad) *bad = names[i];
            tg_table_release(sel);
            return st;
        }
    }
    sel->n_rows = t->n_rows;
    *out = sel;
    return TG_OK;
}
