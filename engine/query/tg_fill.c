/*
** tg_fill.c -- writing a 1-row value column into masked rows of a column.
*/
#include "tg_fill.h"

#include <assert.h>

#include "tg_err.h"
#include "tg_mem.h"

static const char *with_article(tg_type type) {
    switch (type) {
    case TG_INT: return "an int";
    case TG_FLOAT: return "a float";
    case TG_BOOL: return "a bool";
    case TG_DATE: return "a date";
    case TG_STRING: return "a string";
    }
    return "?";
}

tg_status tg_fill_check(const tg_col *value, tg_type type, const char *what, const char *name,
                        tg_error *err) {
    assert(value != NULL && what != NULL && name != NULL);
    if (value->len != 1)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s for '%s' must be one value, got %zu", what,
                          name, value->len);
    if (!tg_col_is_valid(value, 0) || value->type == type) return TG_OK;
    if (value->type == TG_INT && type == TG_FLOAT) return TG_OK;
    return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s for '%s' is %s, but the column is %s", what,
                      name, with_article(value->type), tg_type_name(type));
}

/* A new dictionary with the same strings under the same codes (interning
** them in code order reproduces the codes), plus nothing else. */
static tg_dict *dict_copy(const tg_dict *d) {
    tg_dict *c = tg_dict_new();
    if (!c) return NULL;
    for (uint32_t code = 0; code < tg_dict_size(d); code++) {
        size_t len;
        const char *s = tg_dict_str(d, code, &len);
        uint32_t got;
        if (tg_dict_intern(c, s, len, &got) != TG_OK) {
            tg_dict_release(c);
            return NULL;
        }
        assert(got == code);
    }
    return c;
}

/* The code of value's string in col's dictionary, copying the dictionary
** first when the string is new to it. */
static tg_status string_code(tg_col *col, const tg_col *value, uint32_t *code) {
    size_t len;
    const char *s = tg_dict_str(value->dict, value->v.str[0], &len);
    tg_dict *copy;

    *code = tg_dict_find(col->dict, s, len);
    if (*code != TG_DICT_NONE) return TG_OK;
    copy = dict_copy(col->dict);
    if (!copy || tg_dict_intern(copy, s, len, code) != TG_OK) {
        tg_dict_release(copy);
        return TG_ENOMEM;
    }
    tg_dict_release(col->dict);
    col->dict = copy;
    return TG_OK;
}

tg_status tg_fill_mask(tg_col *col, const uint8_t *mask, const tg_col *value, tg_error *err) {
    uint32_t code = 0;

    assert(col != NULL && col->refs == 1 && value != NULL && value->len == 1);
    if (!tg_col_is_valid(value, 0)) {
        for (size_t i = 0; i < col->len; i++) {
            if (mask[i] && tg_col_set_null(col, i) != TG_OK) return tg_err_nomem(err);
        }
        return TG_OK;
    }
    if (col->type == TG_STRING && string_code(col, value, &code) != TG_OK) return tg_err_nomem(err);
    for (size_t i = 0; i < col->len; i++) {
        if (!mask[i]) continue;
        switch (col->type) {
        case TG_INT: col->v.i64[i] = value->v.i64[0]; break;
        case TG_FLOAT:
            col->v.f64[i] = value->type == TG_INT ? (double)value->v.i64[0] : value->v.f64[0];
            break;
        case TG_BOOL: col->v.b8[i] = value->v.b8[0]; break;
        case TG_DATE: col->v.date[i] = value->v.date[0]; break;
        case TG_STRING: col->v.str[i] = code; break;
        }
        tg_col_set_valid(col, i);
    }
    return TG_OK;
}
