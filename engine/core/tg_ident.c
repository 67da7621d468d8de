/*
** tg_ident.c -- personal identifiers (see tg_ident.h). The check is on
** the shape only: a CPR-like value that is not a real number is refused
** as well, which costs a script an explicit opt-in and nothing else.
*/
#include "tg_ident.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tg_col.h"
#include "tg_dict.h"
#include "tg_mem.h"

static int digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

/* ddmmyy is a date; 29 February counts, as some century makes it one. */
static int date6(const char *s) {
    static const int last[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int d = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[2] - '0') * 10 + (s[3] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= last[m - 1];
}

int tg_ident_is_cpr(const char *s, size_t n) {
    assert(s != NULL || n == 0);
    if (n == 11 && s[6] == '-' && digits(s, 6) && digits(s + 7, 4)) return date6(s);
    if (n == 10 && digits(s, 10)) return date6(s);
    return 0;
}

int tg_ident_has_cpr(const char *s, size_t n) {
    if (tg_ident_is_cpr(s, n)) return 1;
    for (size_t i = 0; i + 11 <= n; i++) {
        if (i > 0 && isdigit((unsigned char)s[i - 1])) continue;
        if (i + 11 < n && isdigit((unsigned char)s[i + 11])) continue;
        if (tg_ident_is_cpr(s + i, 11)) return 1;
    }
    return 0;
}

static int value_has_cpr(const tg_col *c, size_t i) {
    char buf[16];
    size_t len;
    const char *s;
    if (!tg_col_is_valid(c, i)) return 0;
    if (c->type == TG_INT) {
        int64_t v = c->v.i64[i];
        if (v < 100000000 || v > 9999999999) return 0;
        snprintf(buf, sizeof buf, "%010lld", (long long)v);
        return tg_ident_is_cpr(buf, 10);
    }
    if (c->type != TG_STRING) return 0;
    s = tg_dict_str(c->dict, c->v.str[i], &len);
    return tg_ident_has_cpr(s, len);
}

/* The first row of c (of n rows) with a CPR-like value, or SIZE_MAX. A
** text column repeats few distinct values across many rows, so its
** dictionary is scanned once (when smaller than the column) and the rows
** only look their code up: every write and emit runs this check. */
static size_t first_cpr_row(const tg_col *c, size_t n) {
    uint32_t n_codes = c->type == TG_STRING ? tg_dict_size(c->dict) : 0;
    uint8_t *hit = n_codes && n_codes < n ? tg_calloc(n_codes, 1) : NULL;
    if (!hit) {
        for (size_t i = 0; i < n; i++)
            if (value_has_cpr(c, i)) return i;
        return SIZE_MAX;
    }
    int any = 0;
    for (uint32_t code = 0; code < n_codes; code++) {
        size_t len;
        const char *s = tg_dict_str(c->dict, code, &len);
        any |= hit[code] = (uint8_t)tg_ident_has_cpr(s, len);
    }
    size_t row = SIZE_MAX;
    for (size_t i = 0; any && i < n && row == SIZE_MAX; i++)
        if (tg_col_is_valid(c, i) && hit[c->v.str[i]]) row = i;
    tg_free(hit);
    return row;
}

long tg_ident_cpr_column(const tg_table *t, size_t from, size_t *row) {
    assert(t != NULL && row != NULL);
    for (size_t k = from; k < t->n_cols; k++)
        if ((*row = first_cpr_row(t->cols[k], t->n_rows)) != SIZE_MAX) return (long)k;
    return -1;
}

int tg_ident_name_like(const char *name) {
    static const char *const words[] = { "navn", "name", "cpr", "adresse" };
    char low[128];
    size_t n = 0;
    assert(name != NULL);
    for (; name[n] && n < sizeof low - 1; n++) low[n] = (char)tolower((unsigned char)name[n]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strstr(low, words[i])) return 1;
    return 0;
}
