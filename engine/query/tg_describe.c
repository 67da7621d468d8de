/*
** tg_describe.c -- one summary row per column (see tg_describe.h). Each
** column is read once for NULLs, range and sums; distinct counts sort a
** copy of the values (numbers, dates) or mark the dictionary codes in use
** (text), and the top values count codes.
*/
#include "tg_describe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg_agg.h"
#include "tg_date.h"
#include "tg_dict.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_sbuf.h"

enum { C_COLUMN, C_TYPE, C_NULLS, C_DISTINCT, C_MIN, C_MAX, C_MEAN, C_MEDIAN, C_TOP, N_OUT };

/* in the order of the enum above: what a reader looks at first */
static const char *const out_names[N_OUT] = { "column", "type", "nulls",  "distinct", "min",
                                              "max",    "mean", "median", "top" };
static const tg_type out_types[N_OUT] = { TG_STRING, TG_STRING, TG_INT,   TG_INT,   TG_STRING,
                                          TG_STRING, TG_FLOAT,  TG_FLOAT, TG_STRING };

/* One column's summary before it becomes a row. */
struct summary {
    size_t nulls, distinct, n;
    char min[64], max[64];
    int has_range, has_mean;
    double mean, median;
    tg_sbuf top;
};

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Total order with every NaN above every number and equal to each other. */
static int cmp_f64(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    if (isnan(x) || isnan(y)) return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

/* Rows a and b of a number or date column, in cmp_f64's order for floats. */
static int cmp_rows(const tg_col *c, size_t a, size_t b) {
    switch (c->type) {
    case TG_DATE: return (c->v.date[a] > c->v.date[b]) - (c->v.date[a] < c->v.date[b]);
    case TG_INT: return cmp_i64(&c->v.i64[a], &c->v.i64[b]);
    default: return cmp_f64(&c->v.f64[a], &c->v.f64[b]);
    }
}

/* The text of one value, as t:rows() gives it. */
static void value_text(const tg_col *c, size_t i, char *buf, size_t size) {
    char num[TG_FMT_DOUBLE_MAX];
    size_t len = 0;
    const char *s = num;
    switch (c->type) {
    case TG_INT: len = tg_fmt_int64(c->v.i64[i], num); break;
    case TG_FLOAT: len = tg_fmt_double(c->v.f64[i], -1, TG_FMT_EXP, num); break;
    case TG_DATE: len = tg_date_format(c->v.date[i], num); break;
    case TG_BOOL:
        s = c->v.b8[i] ? "true" : "false";
        len = strlen(s);
        break;
    case TG_STRING: s = tg_dict_str(c->dict, c->v.str[i], &len); break;
    }
    if (len > size - 1) { /* cut at a character boundary */
        len = size - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
}

/* Numbers and dates: the valid values sorted, as doubles for the mean and
** median, and as their own type for the range and distinct count. */
static tg_status numeric(const tg_col *c, struct summary *s) {
    size_t w = c->type == TG_DATE ? sizeof(int32_t) : 8, k = 0, lo = 0, hi = 0;
    char *v = tg_malloc((s->n ? s->n : 1) * w);
    double *x = c->type == TG_DATE ? NULL : tg_malloc((s->n ? s->n : 1) * sizeof *x);
    if (!v || (c->type != TG_DATE && !x)) {
        tg_free(v);
        tg_free(x);
        return TG_ENOMEM;
    }
    double sum = 0, comp = 0; /* Neumaier: the mean of many values stays exact to the last bits */
    for (size_t i = 0; i < c->len; i++) {
        if (!tg_col_is_valid(c, i)) continue;
        memcpy(v + k * w, (const char *)c->v.any + i * w, w);
        if (x) {
            double d = c->type == TG_INT ? (double)c->v.i64[i] : c->v.f64[i];
            double t = sum + d;
            comp += fabs(sum) >= fabs(d) ? (sum - t) + d : (d - t) + sum;
            sum = t;
            x[k] = d;
        }
        if (k == 0 || cmp_rows(c, i, lo) < 0) lo = i;
        if (k == 0 || cmp_rows(c, i, hi) > 0) hi = i;
        k++;
    }
    if (k) {
        value_text(c, lo, s->min, sizeof s->min);
        value_text(c, hi, s->max, sizeof s->max);
        s->has_range = 1;
    }
    if (c->type == TG_DATE) {
        /* days fit an int64 sort; the distinct count is all that is needed */
        int64_t *d = tg_malloc((k ? k : 1) * sizeof *d);
        if (!d) {
            tg_free(v);
            return TG_ENOMEM;
        }
        for (size_t i = 0; i < k; i++) d[i] = ((int32_t *)(void *)v)[i];
        qsort(d, k, sizeof *d, cmp_i64);
        for (size_t i = 0; i < k; i++) s->distinct += i == 0 || d[i] != d[i - 1];
        tg_free(d);
    } else {
        qsort(v, k, w, c->type == TG_INT ? cmp_i64 : cmp_f64);
        for (size_t i = 0; i < k; i++)
            s->distinct +=
                i == 0 || (c->type == TG_INT ? cmp_i64 : cmp_f64)(v + i * w, v + (i - 1) * w) != 0;
        if (k) {
            s->has_mean = 1;
            s->mean = (sum + comp) / (double)k;
            s->median = tg_agg_quantile(x, k, 0.5, TG_QUANTILE_LINEAR);
        }
    }
    tg_free(v);
    tg_free(x);
    return TG_OK;
}

/* "value (count), ..." of the most frequent values: counts[code] for text,
** [false, true] for booleans. Ties go to the value first in byte order. */
static void top_values(const tg_col *c, const size_t *counts, size_t n_codes, struct summary *s) {
    int *taken = tg_calloc(n_codes ? n_codes : 1, sizeof *taken);
    if (!taken) {
        s->top.oom = 1;
        return;
    }
    for (int r = 0; r < TG_DESCRIBE_TOP; r++) {
        size_t best = SIZE_MAX, blen = 0;
        const char *bs = NULL;
        for (size_t k = 0; k < n_codes; k++) {
            if (taken[k] || counts[k] == 0) continue;
            size_t len;
            const char *str = c->type == TG_BOOL ? (k ? "true" : "false")
                                                 : tg_dict_str(c->dict, (uint32_t)k, &len);
            if (c->type == TG_BOOL) len = strlen(str);
            int better = best == SIZE_MAX || counts[k] > counts[best];
            if (!better && counts[k] == counts[best]) {
                int d = memcmp(str, bs, len < blen ? len : blen);
                better = d < 0 || (d == 0 && len < blen);
            }
            if (better) {
                best = k;
                bs = str;
                blen = len;
            }
        }
        if (best == SIZE_MAX) break;
        taken[best] = 1;
        char val[64];
        size_t cut = blen < sizeof val - 1 ? blen : sizeof val - 1;
        while (cut < blen && cut > 0 && ((unsigned char)bs[cut] & 0xC0) == 0x80) cut--;
        memcpy(val, bs, cut);
        val[cut] = '\0';
        tg_sbuf_printf(&s->top, "%s%s (%zu)", r ? ", " : "", val, counts[best]);
    }
    tg_free(taken);
}

/* Text and booleans: counts per value give the distinct count, the range
** (byte order) and the top values. */
static tg_status counted(const tg_col *c, struct summary *s) {
    size_t n_codes = c->type == TG_BOOL ? 2 : (c->dict ? tg_dict_size(c->dict) : 0);
    size_t *counts = tg_calloc(n_codes ? n_codes : 1, sizeof *counts);
    if (!counts) return TG_ENOMEM;
    for (size_t i = 0; i < c->len; i++)
        if (tg_col_is_valid(c, i)) counts[c->type == TG_BOOL ? (c->v.b8[i] != 0) : c->v.str[i]]++;
    size_t lo = SIZE_MAX, hi = SIZE_MAX;
    for (size_t k = 0; k < n_codes; k++) {
        if (!counts[k]) continue;
        s->distinct++;
        if (c->type == TG_BOOL) {
            if (lo == SIZE_MAX) lo = k;
            hi = k;
            continue;
        }
        size_t len, ll, hl;
        const char *str = tg_dict_str(c->dict, (uint32_t)k, &len);
        if (lo == SIZE_MAX) {
            lo = hi = k;
            continue;
        }
        const char *ls = tg_dict_str(c->dict, (uint32_t)lo, &ll);
        const char *hs = tg_dict_str(c->dict, (uint32_t)hi, &hl);
        int dl = memcmp(str, ls, len < ll ? len : ll), dh = memcmp(str, hs, len < hl ? len : hl);
        if (dl < 0 || (dl == 0 && len < ll)) lo = k;
        if (dh > 0 || (dh == 0 && len > hl)) hi = k;
    }
    if (lo != SIZE_MAX) {
        s->has_range = 1;
        for (int end = 0; end < 2; end++) {
            char *buf = end ? s->max : s->min;
            size_t k = end ? hi : lo, len;
            const char *str = c->type == TG_BOOL ? (k ? "true" : "false")
                                                 : tg_dict_str(c->dict, (uint32_t)k, &len);
            if (c->type == TG_BOOL) len = strlen(str);
            size_t cut = len < 63 ? len : 63;
            while (cut < len && cut > 0 && ((unsigned char)str[cut] & 0xC0) == 0x80) cut--;
            memcpy(buf, str, cut);
            buf[cut] = '\0';
        }
    }
    top_values(c, counts, n_codes, s);
    tg_free(counts);
    return TG_OK;
}

static tg_status summarise(const tg_col *c, struct summary *s) {
    memset(s, 0, sizeof *s);
    s->nulls = tg_col_null_count(c);
    s->n = c->len - s->nulls;
    if (c->type == TG_STRING || c->type == TG_BOOL) return counted(c, s);
    return numeric(c, s);
}

/* Appends one summary as a row of the output columns. */
static tg_status add_row(tg_col **out, const char *name, const tg_col *c, const struct summary *s) {
    const char *type = tg_type_name(c->type);
    tg_status st = tg_col_push_str(out[C_COLUMN], name, strlen(name));
    if (st == TG_OK) st = tg_col_push_str(out[C_TYPE], type, strlen(type));
    if (st == TG_OK) st = tg_col_push_i64(out[C_NULLS], (int64_t)s->nulls);
    if (st == TG_OK) st = tg_col_push_i64(out[C_DISTINCT], (int64_t)s->distinct);
    for (int end = 0; end < 2 && st == TG_OK; end++) {
        const char *v = end ? s->max : s->min;
        tg_col *dst = out[end ? C_MAX : C_MIN];
        st = s->has_range ? tg_col_push_str(dst, v, strlen(v)) : tg_col_push_null(dst);
    }
    if (st == TG_OK)
        st = s->has_mean ? tg_col_push_f64(out[C_MEAN], s->mean) : tg_col_push_null(out[C_MEAN]);
    if (st == TG_OK)
        st = s->has_mean ? tg_col_push_f64(out[C_MEDIAN], s->median)
                         : tg_col_push_null(out[C_MEDIAN]);
    if (st == TG_OK)
        st = s->top.len ? tg_col_push_str(out[C_TOP], s->top.p, s->top.len)
                        : tg_col_push_null(out[C_TOP]);
    return st;
}

tg_status tg_describe(const tg_table *t, tg_table **out, tg_error *err) {
    tg_col *cols[N_OUT] = { 0 };
    tg_table *res = tg_table_new();
    tg_status st = res ? TG_OK : TG_ENOMEM;
    *out = NULL;
    for (int j = 0; j < N_OUT && st == TG_OK; j++)
        if (!(cols[j] = tg_col_new(out_types[j], t->n_cols, NULL))) st = TG_ENOMEM;
    for (size_t k = 0; k < t->n_cols && st == TG_OK; k++) {
        struct summary s;
        st = summarise(t->cols[k], &s);
        if (st == TG_OK && s.top.oom) st = TG_ENOMEM;
        if (st == TG_OK) st = add_row(cols, t->names[k], t->cols[k], &s);
        tg_free(s.top.p);
    }
    for (int j = 0; j < N_OUT && st == TG_OK; j++) st = tg_table_add(res, out_names[j], cols[j]);
    for (int j = 0; j < N_OUT; j++) tg_col_release(cols[j]);
    if (st != TG_OK) {
        tg_table_release(res);
        return tg_err_nomem(err);
    }
    *out = res;
    return TG_OK;
}
