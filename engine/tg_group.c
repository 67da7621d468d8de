/*
** tg_group.c -- group-by aggregation, distinct and top n per group.
** Every row gets a dense group id from tg_keys (ids in order of first
** appearance); the groups are then sorted by their keys into 'order'
** (output position -> group). Each aggregate is one tight pass over the
** id array into per-group accumulators, written out through 'order'.
** Sums, means and counts keep the current group's accumulators in
** registers while consecutive rows stay in one group, which is the common
** case for data stored in key or time order.
*/
#include "tg_group.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "tg_err.h"
#include "tg_keys.h"
#include "tg_mem.h"

/* Group ids of a vector when there are no keys: every row is group 0. */
static const uint32_t zeros[TG_VECTOR];

struct ctx {
    size_t n_rows, n_groups;
    const uint32_t *ids; /* NULL: every row is group 0 */
    const size_t *order; /* output position -> group; NULL: identity */
    const tg_interrupt *intr;
    tg_error *err;
};

static inline int is_valid(const uint64_t *valid, size_t r) {
    return !valid || ((valid[r >> 6] >> (r & 63)) & 1);
}

static inline size_t vec_len(size_t n, size_t base) {
    return n - base < TG_VECTOR ? n - base : TG_VECTOR;
}

static inline const uint32_t *vec_ids(const struct ctx *c, size_t base) {
    return c->ids ? c->ids + base : zeros;
}

static inline size_t group_at(const struct ctx *c, size_t pos) {
    return c->order ? c->order[pos] : pos;
}

/* Numbers of a vector as doubles (int, float or bool columns): floats are
** read in place, the others converted into buf. */
static const double *vec_f64(const tg_col *col, size_t base, size_t n, double *buf) {
    switch (col->type) {
    case TG_FLOAT:
        return col->v.f64 + base;
    case TG_INT:
        for (size_t i = 0; i < n; i++)
            buf[i] = (double)col->v.i64[base + i];
        return buf;
    case TG_BOOL:
        for (size_t i = 0; i < n; i++)
            buf[i] = col->v.b8[base + i];
        return buf;
    default:
        assert(0 && "not a number column");
        return buf;
    }
}

/* ---- output columns ---- */

/* An int column of the groups' values in output order; NULL where
** cnt[g] < min_n (cnt may be NULL). */
static tg_col *int_out(const struct ctx *c, const int64_t *v, const int64_t *cnt, int64_t min_n) {
    size_t n = c->n_groups;
    tg_col *col = tg_col_new(TG_INT, n ? n : 1, NULL);
    if (!col) return NULL;
    for (size_t pos = 0; pos < n; pos++) {
        size_t g = group_at(c, pos);
        col->v.i64[pos] = v[g];
        if (cnt && cnt[g] < min_n) {
            col->v.i64[pos] = 0;
            if (tg_col_set_null(col, pos) != TG_OK) {
                tg_col_release(col);
                return NULL;
            }
        }
    }
    col->len = n;
    return col;
}

static tg_col *float_out(const struct ctx *c, const double *v, const int64_t *cnt, int64_t min_n) {
    size_t n = c->n_groups;
    tg_col *col = tg_col_new(TG_FLOAT, n ? n : 1, NULL);
    if (!col) return NULL;
    for (size_t pos = 0; pos < n; pos++) {
        size_t g = group_at(c, pos);
        col->v.f64[pos] = v[g];
        if (cnt && cnt[g] < min_n) {
            col->v.f64[pos] = 0;
            if (tg_col_set_null(col, pos) != TG_OK) {
                tg_col_release(col);
                return NULL;
            }
        }
    }
    col->len = n;
    return col;
}

/* The rows row[g] of 'arg' in output order (TG_NO_ROW gives NULL). */
static tg_col *rows_out(const struct ctx *c, const tg_col *arg, const size_t *row) {
    size_t n = c->n_groups;
    size_t *idx = tg_malloc((n ? n : 1) * sizeof *idx);
    if (!idx) return NULL;
    for (size_t pos = 0; pos < n; pos++)
        idx[pos] = row[group_at(c, pos)];
    tg_col *col = tg_col_take(arg, idx, n);
    tg_free(idx);
    return col;
}

/* ---- counting and summing ---- */

/* cnt[g] = rows of g (arg NULL), its non-NULL values of arg, or (if_true)
** its true values of a bool arg. Counts run in a register while the
** group stays the same. */
static tg_status count_pass(const struct ctx *c, const tg_col *arg, int if_true, int64_t *cnt) {
    const uint64_t *valid = arg ? arg->valid : NULL;
    uint32_t cur = 0;
    int64_t run = 0;
    for (size_t base = 0; base < c->n_rows; base += TG_VECTOR) {
        size_t n = vec_len(c->n_rows, base);
        const uint32_t *g = vec_ids(c, base);
        tg_status st = tg_poll(c->intr);
        if (st != TG_OK) return st;
        for (size_t i = 0; i < n; i++) {
            if (!is_valid(valid, base + i) || (if_true && !arg->v.b8[base + i])) continue;
            if (g[i] != cur) {
                cnt[cur] += run;
                cur = g[i];
                run = 0;
            }
            run++;
        }
    }
    if (c->n_groups) cnt[cur] += run;
    return TG_OK;
}

/* Neumaier's compensated sum: the running sum is s, the lost low-order
** parts accumulate in e; the total is s + e. */
static inline void neumaier(double *s, double *e, double x) {
    double t = *s + x;
    *e += fabs(*s) >= fabs(x) ? (*s - t) + x : (x - t) + *s;
    *s = t;
}

static inline double neumaier_total(double s, double e) {
    return isfinite(s) ? s + e : s; /* an infinite sum makes e NaN */
}

/* Per group: sum[g] (compensated total) and cnt[g] of the non-NULL values
** of a number column; with 'mean' (not NULL) the sum of squared
** deviations from mean[g] instead of the values. */
static tg_status sum_pass(const struct ctx *c, const tg_col *arg, const double *mean, double *sum,
                          int64_t *cnt) {
    double buf[TG_VECTOR];
    double *comp = tg_calloc(c->n_groups ? c->n_groups : 1, sizeof *comp);
    uint32_t cur = 0;
    double s = 0, e = 0;
    int64_t k = 0;

    if (!comp) return TG_ENOMEM;
    for (size_t base = 0; base < c->n_rows; base += TG_VECTOR) {
        size_t n = vec_len(c->n_rows, base);
        const uint32_t *g = vec_ids(c, base);
        tg_status st = tg_poll(c->intr);
        if (st != TG_OK) {
            tg_free(comp);
            return st;
        }
        const double *v = vec_f64(arg, base, n, buf);
        for (size_t i = 0; i < n; i++) {
            if (!is_valid(arg->valid, base + i)) continue;
            if (g[i] != cur) {
                sum[cur] = s;
                comp[cur] = e;
                cnt[cur] = k;
                cur = g[i];
                s = sum[cur];
                e = comp[cur];
                k = cnt[cur];
            }
            double x = v[i];
            if (mean) x = (x - mean[cur]) * (x - mean[cur]);
            neumaier(&s, &e, x);
            k++;
        }
    }
    if (c->n_groups) {
        sum[cur] = s;
        comp[cur] = e;
        cnt[cur] = k;
    }
    for (size_t g = 0; g < c->n_groups; g++)
        sum[g] = neumaier_total(sum[g], comp[g]);
    tg_free(comp);
    return TG_OK;
}

/* Exact int64 sums of an int or bool column; TG_EDATA on overflow. */
static tg_status int_sum_pass(const struct ctx *c, const tg_agg *a, int64_t *sum, int64_t *cnt) {
    const tg_col *arg = a->arg;
    uint32_t cur = 0;
    int64_t s = 0, k = 0;
    for (size_t base = 0; base < c->n_rows; base += TG_VECTOR) {
        size_t n = vec_len(c->n_rows, base);
        const uint32_t *g = vec_ids(c, base);
        tg_status st = tg_poll(c->intr);
        if (st != TG_OK) return st;
        for (size_t i = 0; i < n; i++) {
            size_t r = base + i;
            if (!is_valid(arg->valid, r)) continue;
            if (g[i] != cur) {
                sum[cur] = s;
                cnt[cur] = k;
                cur = g[i];
                s = sum[cur];
                k = cnt[cur];
            }
            int64_t x = arg->type == TG_INT ? arg->v.i64[r] : arg->v.b8[r];
            if (__builtin_add_overflow(s, x, &s))
                return tg_err_set(c->err, TG_EDATA, NULL, 0, 0,
                                  "sum '%s' overflows a 64-bit integer (at row %zu)", a->name,
                                  r + 1);
            k++;
        }
    }
    if (c->n_groups) {
        sum[cur] = s;
        cnt[cur] = k;
    }
    return TG_OK;
}

/* ---- aggregates ---- */

static tg_status agg_count(const struct ctx *c, const tg_agg *a, tg_col **out) {
    int64_t *cnt = tg_calloc(c->n_groups ? c->n_groups : 1, sizeof *cnt);
    if (!cnt) return TG_ENOMEM;
    tg_status st = count_pass(c, a->arg, a->fn == TG_AGG_COUNT_IF, cnt);
    if (st == TG_OK && !(*out = int_out(c, cnt, NULL, 0))) st = TG_ENOMEM;
    tg_free(cnt);
    return st;
}

/* SUM, MEAN, STD and VAR. */
static tg_status agg_moments(const struct ctx *c, const tg_agg *a, tg_col **out) {
    size_t n = c->n_groups ? c->n_groups : 1;
    int64_t *cnt = tg_calloc(n, sizeof *cnt);
    double *sum = tg_calloc(n, sizeof *sum), *dev = NULL;
    tg_status st = TG_ENOMEM;

    if (!cnt || !sum) goto done;
    if (a->fn == TG_AGG_SUM && a->arg->type != TG_FLOAT) {
        int64_t *isum = tg_calloc(n, sizeof *isum);
        if (!isum) goto done;
        st = int_sum_pass(c, a, isum, cnt);
        if (st == TG_OK && !(*out = int_out(c, isum, cnt, 1))) st = TG_ENOMEM;
        tg_free(isum);
        goto done;
    }
    if ((st = sum_pass(c, a->arg, NULL, sum, cnt)) != TG_OK) goto done;
    if (a->fn == TG_AGG_SUM) {
        if (!(*out = float_out(c, sum, cnt, 1))) st = TG_ENOMEM;
        goto done;
    }
    for (size_t g = 0; g < c->n_groups; g++)
        sum[g] = cnt[g] ? sum[g] / (double)cnt[g] : 0;
    if (a->fn == TG_AGG_MEAN) {
        if (!(*out = float_out(c, sum, cnt, 1))) st = TG_ENOMEM;
        goto done;
    }
    /* Two passes (mean, then squared deviations) keep the variance accurate
    ** where the one-pass sum of squares cancels catastrophically. */
    st = TG_ENOMEM;
    if (!(dev = tg_calloc(n, sizeof *dev))) goto done;
    memset(cnt, 0, n * sizeof *cnt);
    if ((st = sum_pass(c, a->arg, sum, dev, cnt)) != TG_OK) goto done;
    for (size_t g = 0; g < c->n_groups; g++) {
        dev[g] = cnt[g] > 1 ? dev[g] / (double)(cnt[g] - 1) : 0;
        if (a->fn == TG_AGG_STD) dev[g] = sqrt(dev[g]);
    }
    if (!(*out = float_out(c, dev, cnt, 2))) st = TG_ENOMEM;
done:
    tg_free(cnt);
    tg_free(sum);
    tg_free(dev);
    return st;
}

/* MIN, MAX, FIRST and LAST pick a row per group, then gather it. */
static tg_status agg_pick(const struct ctx *c, const tg_agg *a, tg_col **out) {
    const tg_col *arg = a->arg;
    size_t n = c->n_groups ? c->n_groups : 1;
    size_t *row = tg_malloc(n * sizeof *row);
    uint64_t *enc = NULL;
    uint8_t *isnull = NULL;
    tg_status st = TG_ENOMEM;
    int minmax = a->fn == TG_AGG_MIN || a->fn == TG_AGG_MAX, max = a->fn == TG_AGG_MAX;

    if (!row) return TG_ENOMEM;
    for (size_t g = 0; g < n; g++)
        row[g] = TG_NO_ROW;
    if (minmax) {
        /* Encoded values order every type (strings by bytes, NaN last). */
        enc = tg_malloc((c->n_rows ? c->n_rows : 1) * sizeof *enc);
        isnull = tg_malloc(c->n_rows ? c->n_rows : 1);
        if (!enc || !isnull || tg_keys_encode(arg, NULL, c->n_rows, 0, enc, isnull) != TG_OK)
            goto done;
    }
    for (size_t base = 0; base < c->n_rows; base += TG_VECTOR) {
        size_t len = vec_len(c->n_rows, base);
        const uint32_t *g = vec_ids(c, base);
        if ((st = tg_poll(c->intr)) != TG_OK) goto done;
        for (size_t i = 0; i < len; i++) {
            size_t r = base + i, *best = &row[g[i]];
            if (!is_valid(arg->valid, r)) continue;
            if (*best == TG_NO_ROW || a->fn == TG_AGG_LAST ||
                (minmax && (max ? enc[r] > enc[*best] : enc[r] < enc[*best])))
                *best = r;
        }
    }
    st = (*out = rows_out(c, arg, row)) ? TG_OK : TG_ENOMEM;
done:
    tg_free(row);
    tg_free(enc);
    tg_free(isnull);
    return st;
}

/* Distinct non-NULL values per group: values get ids, rows are bucketed by
** group, and a stamp per value id (the last group that counted it)
** counts each value once per group. */
static tg_status agg_n_distinct(const struct ctx *c, const tg_agg *a, tg_col **out) {
    size_t n = c->n_groups ? c->n_groups : 1, rows_n = c->n_rows ? c->n_rows : 1;
    tg_key key = { a->arg, NULL, 0 };
    tg_keys *vals = NULL;
    uint32_t *vid = tg_malloc(rows_n * sizeof *vid), *rows = NULL, *stamp = NULL;
    size_t *off = tg_malloc((n + 1) * sizeof *off);
    int64_t *cnt = tg_calloc(n, sizeof *cnt);
    uint32_t *gid = NULL;
    tg_status st = TG_ENOMEM;

    if (!vid || !off || !cnt) goto done;
    if ((st = tg_keys_build(&key, 1, c->n_rows, 1, c->intr, vid, &vals)) != TG_OK) goto done;
    st = TG_ENOMEM;
    if (!(rows = tg_malloc(rows_n * sizeof *rows))) goto done;
    if (!(stamp = tg_malloc((tg_keys_count(vals) + 1) * sizeof *stamp))) goto done;
    if (!c->ids && !(gid = tg_calloc(rows_n, sizeof *gid))) goto done;
    memset(stamp, 0xff, (tg_keys_count(vals) + 1) * sizeof *stamp);
    tg_keys_bucket(c->ids ? c->ids : gid, c->n_rows, c->n_groups, a->arg->valid, off, rows);
    for (size_t g = 0; g < c->n_groups; g++) {
        for (size_t j = off[g]; j < off[g + 1]; j++) {
            uint32_t v = vid[rows[j]];
            if (stamp[v] != g) {
                stamp[v] = (uint32_t)g;
                cnt[g]++;
            }
        }
    }
    st = (*out = int_out(c, cnt, NULL, 0)) ? TG_OK : TG_ENOMEM;
done:
    tg_keys_free(vals);
    tg_free(vid);
    tg_free(rows);
    tg_free(stamp);
    tg_free(off);
    tg_free(cnt);
    tg_free(gid);
    return st;
}

/* MEDIAN and QUANTILE: the non-NULL values are gathered by group (a
** counting sort), then each group's slice is partly ordered by selection. */
static tg_status agg_quantile(const struct ctx *c, const tg_agg *a, tg_col **out) {
    size_t n = c->n_groups ? c->n_groups : 1;
    size_t *off = tg_calloc(n + 1, sizeof *off);
    int64_t *cnt = tg_calloc(n, sizeof *cnt);
    double *res = tg_calloc(n, sizeof *res), *vals = NULL, buf[TG_VECTOR];
    double p = a->fn == TG_AGG_MEDIAN ? 0.5 : a->p;
    int method = a->fn == TG_AGG_MEDIAN ? TG_QUANTILE_LINEAR : a->method;
    tg_status st = TG_ENOMEM;

    if (!off || !cnt || !res) goto done;
    if ((st = count_pass(c, a->arg, 0, cnt)) != TG_OK) goto done;
    for (size_t g = 0; g < c->n_groups; g++)
        off[g + 1] = off[g] + (size_t)cnt[g];
    st = TG_ENOMEM;
    if (!(vals = tg_malloc((off[c->n_groups] ? off[c->n_groups] : 1) * sizeof *vals))) goto done;
    /* off[g] walks forward while filling and is restored from cnt after. */
    for (size_t base = 0; base < c->n_rows; base += TG_VECTOR) {
        size_t len = vec_len(c->n_rows, base);
        const uint32_t *g = vec_ids(c, base);
        if ((st = tg_poll(c->intr)) != TG_OK) goto done;
        const double *v = vec_f64(a->arg, base, len, buf);
        for (size_t i = 0; i < len; i++)
            if (is_valid(a->arg->valid, base + i)) vals[off[g[i]]++] = v[i];
    }
    size_t since_poll = 0;
    for (size_t g = 0; g < c->n_groups; g++) {
        size_t m = (size_t)cnt[g], start = off[g] - m;
        if (m) res[g] = tg_group_quantile(vals + start, m, p, method);
        since_poll += m;
        if (since_poll >= TG_VECTOR) {
            since_poll = 0;
            if ((st = tg_poll(c->intr)) != TG_OK) goto done;
        }
    }
    st = (*out = float_out(c, res, cnt, 1)) ? TG_OK : TG_ENOMEM;
done:
    tg_free(off);
    tg_free(cnt);
    tg_free(res);
    tg_free(vals);
    return st;
}

/* ---- quantiles ---- */

static void swap_d(double *a, double *b) {
    double t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(double *x, size_t n, size_t i) {
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) return;
        if (c + 1 < n && x[c + 1] > x[c]) c++;
        if (x[i] >= x[c]) return;
        swap_d(&x[i], &x[c]);
        i = c;
    }
}

static void heap_sort(double *x, size_t n) {
    for (size_t i = n / 2; i-- > 0;)
        sift_down(x, n, i);
    for (size_t end = n; end-- > 1;) {
        swap_d(&x[0], &x[end]);
        sift_down(x, end, 0);
    }
}

/* Puts the k-th smallest of x[0..n) (no NaN) at x[k], smaller ones before
** it and larger ones after: quickselect with a median-of-three pivot,
** falling back to a heap sort if the partitions stop shrinking. */
static void select_k(double *x, size_t n, size_t k) {
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    int budget = 64;
    while (hi > lo) {
        if (--budget == 0) {
            heap_sort(x + lo, (size_t)(hi - lo + 1));
            return;
        }
        ptrdiff_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
        if (x[mid] < x[lo]) swap_d(&x[mid], &x[lo]);
        if (x[hi] < x[lo]) swap_d(&x[hi], &x[lo]);
        if (x[hi] < x[mid]) swap_d(&x[hi], &x[mid]);
        double pivot = x[mid];
        while (i <= j) {
            while (x[i] < pivot)
                i++;
            while (x[j] > pivot)
                j--;
            if (i <= j) swap_d(&x[i++], &x[j--]);
        }
        /* [lo, j] <= pivot, [i, hi] >= pivot, and (j, i) equals it. */
        if (kk <= j)
            hi = j;
        else if (kk >= i)
            lo = i;
        else
            return;
    }
}

int tg_group_quantile_method(const char *name) {
    static const struct {
        const char *name;
        int method;
    } names[] = {
        { "inverted_cdf", 1 },
        { "averaged_inverted_cdf", 2 },
        { "closest_observation", 3 },
        { "interpolated_inverted_cdf", 4 },
        { "hazen", 5 },
        { "weibull", 6 },
        { "linear", 7 },
        { "median_unbiased", 8 },
        { "normal_unbiased", 9 },
        { "excel_exc", 6 },
        { "excel_inc", 7 },
        { "type1", 1 },
        { "type2", 2 },
        { "type3", 3 },
        { "type4", 4 },
        { "type5", 5 },
        { "type6", 6 },
        { "type7", 7 },
        { "type8", 8 },
        { "type9", 9 },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(names); i++)
        if (strcmp(name, names[i].name) == 0) return names[i].method;
    return 0;
}

double tg_group_quantile(double *x, size_t n, double p, int method) {
    /* The plotting-position constants (a, b) of the continuous types 4-9. */
    static const double ab[10][2] = { { 0, 0 },
                                      { 0, 0 },
                                      { 0, 0 },
                                      { 0, 0 },
                                      { 0, 1 },
                                      { .5, .5 },
                                      { 0, 0 },
                                      { 1, 1 },
                                      { 1.0 / 3, 1.0 / 3 },
                                      { 3.0 / 8, 3.0 / 8 } };
    const double fuzz = 4 * DBL_EPSILON;
    double nppm, h, lo, hi;
    size_t m = 0;

    assert(n > 0 && p >= 0 && p <= 1 && method >= 0 && method <= 9);
    if (method == 0) method = TG_QUANTILE_LINEAR;
    /* NaN ranks above every number: move them to the end. */
    for (size_t i = 0; i < n; i++)
        if (x[i] == x[i]) swap_d(&x[m++], &x[i]);
    /* R's quantile.default: j is the lower order statistic (1-based), h the
    ** weight of the one above; both are clamped to [1, n]. */
    double j;
    if (method <= 3) {
        nppm = method == 3 ? (double)n * p - 0.5 : (double)n * p;
        j = floor(nppm + fuzz);
        if (method == 1)
            h = nppm > j;
        else if (method == 2)
            h = ((nppm > j) + 1) / 2.0;
        else
            h = nppm != j || fmod(j, 2) != 0;
    } else {
        double a = ab[method][0], b = ab[method][1];
        nppm = a + p * ((double)n + 1 - a - b);
        j = floor(nppm + fuzz);
        h = nppm - j;
        if (fabs(h) < fuzz) h = 0;
    }
    /* R pads x as (x1, x1, x..., xn, xn): order statistics below 1 or
    ** above n are the extremes. */
    size_t jl = j < 1 ? 1 : j > (double)n ? n : (size_t)j;
    size_t jh = j + 1 < 1 ? 1 : j + 1 > (double)n ? n : (size_t)j + 1;
    if (jl <= m) {
        select_k(x, m, jl - 1);
        lo = x[jl - 1];
    } else {
        lo = NAN;
    }
    if (h == 0) return lo;
    if (jh == jl) {
        hi = lo;
    } else if (jh <= m) {
        hi = x[jl]; /* the smallest of those above x[jl - 1] */
        for (size_t i = jl + 1; i < m; i++)
            hi = x[i] < hi ? x[i] : hi;
    } else {
        hi = NAN;
    }
    if (h == 1) return hi;
    if (lo == hi) return lo;
    return (1 - h) * lo + h * hi;
}

/* ---- validation ---- */

static const char *fn_name(int fn) {
    static const char *names[] = { "?",   "count",      "count_if", "sum",      "mean",
                                   "min", "max",        "median",   "quantile", "std",
                                   "var", "n_distinct", "first",    "last" };
    return fn >= 0 && fn < (int)TG_ARRAY_LEN(names) ? names[fn] : "?";
}

static tg_status check_agg(const tg_table *t, const tg_agg *a, tg_error *err) {
    int number = 0;
    if (!a->name || a->fn < TG_AGG_COUNT || a->fn > TG_AGG_LAST)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "aggregate '%s': unknown function %d",
                          a->name ? a->name : "?", a->fn);
    if (!a->arg) {
        if (a->fn == TG_AGG_COUNT) return TG_OK;
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "aggregate '%s': %s needs a column", a->name,
                          fn_name(a->fn));
    }
    if (a->arg->len != t->n_rows)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "aggregate '%s': its column has %zu rows, the table %zu", a->name,
                          a->arg->len, t->n_rows);
    switch (a->fn) {
    case TG_AGG_COUNT_IF:
        if (a->arg->type != TG_BOOL)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "aggregate '%s': count_if needs a bool column, got %s", a->name,
                              tg_type_name(a->arg->type));
        return TG_OK;
    case TG_AGG_SUM:
    case TG_AGG_MEAN:
    case TG_AGG_MEDIAN:
    case TG_AGG_QUANTILE:
    case TG_AGG_STD:
    case TG_AGG_VAR:
        number = 1;
        break;
    default:
        return TG_OK;
    }
    tg_type ty = a->arg->type;
    if (number && ty != TG_INT && ty != TG_FLOAT && ty != TG_BOOL)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "aggregate '%s': %s needs a number column, got %s", a->name,
                          fn_name(a->fn), tg_type_name(ty));
    if (a->fn == TG_AGG_QUANTILE && !(a->p >= 0 && a->p <= 1))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "aggregate '%s': quantile p must be in [0, 1], got %g", a->name, a->p);
    if (a->fn == TG_AGG_QUANTILE && (a->method < 0 || a->method > 9))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "aggregate '%s': unknown quantile method %d",
                          a->name, a->method);
    return TG_OK;
}

/* Resolves key names into cols[] (at most TG_KEYS_MAX). */
static tg_status find_keys(const tg_table *t, const char *const *names, size_t n,
                           const tg_col **cols, tg_error *err) {
    if (n > TG_KEYS_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "at most %d key columns, got %zu", TG_KEYS_MAX,
                          n);
    for (size_t k = 0; k < n; k++) {
        tg_status st = tg_keys_find(t, names[k], NULL, &cols[k], err);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

/* ---- grouping ---- */

struct grouping {
    uint32_t *ids;
    tg_keys *set;
    size_t n_groups;
    size_t *order; /* output position -> group */
};

static void grouping_free(struct grouping *gr) {
    tg_free(gr->ids);
    tg_keys_free(gr->set);
    tg_free(gr->order);
}

/* Dense ids for the key tuples and the groups sorted by key. */
static tg_status grouping_make(const tg_table *t, const tg_col *const *cols, size_t n_keys,
                               const tg_interrupt *intr, struct grouping *gr) {
    tg_key keys[TG_KEYS_MAX];
    tg_sortkey sk[TG_KEYS_MAX];
    size_t n = t->n_rows, g;
    uint64_t *enc = NULL;
    uint8_t *isnull = NULL;
    tg_status st;

    memset(gr, 0, sizeof *gr);
    for (size_t k = 0; k < n_keys; k++)
        keys[k] = (tg_key){ cols[k], NULL, 0 };
    if (!(gr->ids = tg_malloc((n ? n : 1) * sizeof *gr->ids))) return TG_ENOMEM;
    if ((st = tg_keys_build(keys, n_keys, n, 1, intr, gr->ids, &gr->set)) != TG_OK) return st;
    g = gr->n_groups = tg_keys_count(gr->set);
    gr->order = tg_malloc((g ? g : 1) * sizeof *gr->order);
    enc = tg_malloc((g ? g : 1) * (n_keys ? n_keys : 1) * sizeof *enc);
    isnull = tg_malloc((g ? g : 1) * (n_keys ? n_keys : 1));
    st = TG_ENOMEM;
    if (!gr->order || !enc || !isnull) goto done;
    for (size_t k = 0; k < n_keys; k++) {
        if (tg_keys_encode(cols[k], tg_keys_first(gr->set), g, 0, enc + k * g, isnull + k * g) !=
            TG_OK)
            goto done;
        sk[k] = (tg_sortkey){ enc + k * g, isnull + k * g, 0 };
    }
    for (size_t i = 0; i < g; i++)
        gr->order[i] = i;
    st = tg_keys_sort(gr->order, g, sk, n_keys);
done:
    tg_free(enc);
    tg_free(isnull);
    return st;
}

static tg_status add_col(tg_table *out, const char *name, tg_col *col, tg_error *err) {
    if (!col) return tg_err_nomem(err);
    tg_status st = tg_table_add(out, name, col);
    tg_col_release(col);
    if (st == TG_EARG)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "duplicate output column '%s'", name);
    return st == TG_ENOMEM ? tg_err_nomem(err) : st;
}

/* The key columns at each group's first row, in output order. */
static tg_status add_keys(tg_table *res, const char *const *names, const tg_col *const *cols,
                          size_t n_keys, const struct grouping *gr, tg_error *err) {
    size_t g = gr->n_groups;
    size_t *rows = tg_malloc((g ? g : 1) * sizeof *rows);
    const size_t *first = tg_keys_first(gr->set);
    tg_status st = TG_OK;

    if (!rows) return tg_err_nomem(err);
    for (size_t pos = 0; pos < g; pos++)
        rows[pos] = first[gr->order[pos]];
    for (size_t k = 0; k < n_keys && st == TG_OK; k++)
        st = add_col(res, names[k], tg_col_take(cols[k], rows, g), err);
    tg_free(rows);
    return st;
}

tg_status tg_group_agg(const tg_table *t, const char *const *keys, size_t n_keys,
                       const tg_agg *aggs, size_t n_aggs, const tg_interrupt *intr, tg_table **out,
                       tg_error *err) {
    const tg_col *cols[TG_KEYS_MAX];
    struct grouping gr;
    tg_table *res = NULL;
    tg_status st;

    assert(t != NULL && out != NULL && (aggs != NULL || n_aggs == 0));
    *out = NULL;
    memset(&gr, 0, sizeof gr);
    if ((st = find_keys(t, keys, n_keys, cols, err)) != TG_OK) return st;
    for (size_t i = 0; i < n_aggs; i++)
        if ((st = check_agg(t, &aggs[i], err)) != TG_OK) return st;
    if (t->n_rows >= UINT32_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "too many rows to group (%zu)", t->n_rows);

    struct ctx c = { t->n_rows, 1, NULL, NULL, intr, err };
    if (n_keys) {
        if ((st = grouping_make(t, cols, n_keys, intr, &gr)) != TG_OK) goto fail;
        c.ids = gr.ids;
        c.n_groups = gr.n_groups;
        c.order = gr.order;
    }
    st = TG_ENOMEM;
    if (!(res = tg_table_new())) goto fail;
    if (n_keys && (st = add_keys(res, keys, cols, n_keys, &gr, err)) != TG_OK) goto fail;
    for (size_t i = 0; i < n_aggs; i++) {
        const tg_agg *a = &aggs[i];
        tg_col *col = NULL;
        switch (a->fn) {
        case TG_AGG_COUNT:
        case TG_AGG_COUNT_IF:
            st = agg_count(&c, a, &col);
            break;
        case TG_AGG_SUM:
        case TG_AGG_MEAN:
        case TG_AGG_STD:
        case TG_AGG_VAR:
            st = agg_moments(&c, a, &col);
            break;
        case TG_AGG_MIN:
        case TG_AGG_MAX:
        case TG_AGG_FIRST:
        case TG_AGG_LAST:
            st = agg_pick(&c, a, &col);
            break;
        case TG_AGG_N_DISTINCT:
            st = agg_n_distinct(&c, a, &col);
            break;
        default:
            st = agg_quantile(&c, a, &col);
            break;
        }
        if (st != TG_OK) goto fail;
        if ((st = add_col(res, a->name, col, err)) != TG_OK) goto fail;
    }
    res->n_rows = c.n_groups;
    grouping_free(&gr);
    *out = res;
    return TG_OK;

fail:
    grouping_free(&gr);
    tg_table_release(res);
    if (st == TG_ENOMEM)
        tg_err_nomem(err);
    else if (st == TG_ELIMIT || st == TG_ECANCEL)
        tg_err_set(err, st, NULL, 0, 0, "group-by interrupted");
    return st;
}

/* ---- distinct and top n ---- */

tg_status tg_distinct(const tg_table *t, const char *const *keys, size_t n_keys, tg_table **out,
                      tg_error *err) {
    const tg_col *cols[TG_KEYS_MAX];
    tg_key k[TG_KEYS_MAX];
    tg_keys *set = NULL;
    uint32_t *ids;
    tg_status st;

    assert(t != NULL && out != NULL);
    *out = NULL;
    if (n_keys == 0) {
        if (t->n_cols > TG_KEYS_MAX)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "distinct over all %zu columns: at most %d; name the keys", t->n_cols,
                              TG_KEYS_MAX);
        for (size_t i = 0; i < t->n_cols; i++)
            cols[i] = t->cols[i];
        n_keys = t->n_cols;
    } else if ((st = find_keys(t, keys, n_keys, cols, err)) != TG_OK) {
        return st;
    }
    if (t->n_rows >= UINT32_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "too many rows (%zu)", t->n_rows);
    for (size_t i = 0; i < n_keys; i++)
        k[i] = (tg_key){ cols[i], NULL, 0 };
    if (!(ids = tg_malloc((t->n_rows ? t->n_rows : 1) * sizeof *ids))) return tg_err_nomem(err);
    st = tg_keys_build(k, n_keys, t->n_rows, 1, NULL, ids, &set);
    tg_free(ids);
    if (st != TG_OK) return st == TG_ENOMEM ? tg_err_nomem(err) : st;
    *out = tg_table_take(t, tg_keys_first(set), tg_keys_count(set));
    tg_keys_free(set);
    return *out ? TG_OK : tg_err_nomem(err);
}

/* Row order for top n: 'enc'/'isnull' of the 'by' column; a row ranks
** before another by value (reversed when desc), NULLs last, then by row. */
struct rank {
    const uint64_t *enc;
    const uint8_t *isnull;
    int desc;
};

static int ranks_before(const struct rank *k, uint32_t a, uint32_t b) {
    if (k->isnull[a] != k->isnull[b]) return k->isnull[b];
    if (!k->isnull[a] && k->enc[a] != k->enc[b]) return (k->enc[a] < k->enc[b]) != (k->desc != 0);
    return a < b;
}

/* Max-heap by rank: the root is the row that ranks last. */
static void heap_down(const struct rank *k, uint32_t *h, size_t n, size_t i) {
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) return;
        if (c + 1 < n && ranks_before(k, h[c], h[c + 1])) c++;
        if (!ranks_before(k, h[i], h[c])) return;
        uint32_t tmp = h[i];
        h[i] = h[c];
        h[c] = tmp;
        i = c;
    }
}

/* Keeps the best min(n, m) of rows[0..m) in rank order at rows[0..). */
static size_t top_of_bucket(const struct rank *k, uint32_t *rows, size_t m, size_t n) {
    size_t keep = n < m ? n : m;
    if (keep == 0) return 0;
    for (size_t i = keep / 2; i-- > 0;)
        heap_down(k, rows, keep, i);
    for (size_t i = keep; i < m; i++) {
        if (ranks_before(k, rows[i], rows[0])) {
            rows[0] = rows[i];
            heap_down(k, rows, keep, 0);
        }
    }
    /* Heap sort: the last-ranked row goes to the back each time. */
    for (size_t end = keep; end-- > 1;) {
        uint32_t tmp = rows[0];
        rows[0] = rows[end];
        rows[end] = tmp;
        heap_down(k, rows, end, 0);
    }
    return keep;
}

tg_status tg_top_n(const tg_table *t, const char *by, int desc, size_t n, const char *const *per,
                   size_t n_per, tg_table **out, tg_error *err) {
    const tg_col *cols[TG_KEYS_MAX], *bycol;
    struct grouping gr;
    size_t rows_n = t->n_rows ? t->n_rows : 1, *off = NULL, *idx = NULL, n_out = 0;
    uint32_t *rows = NULL;
    uint64_t *enc = NULL;
    uint8_t *isnull = NULL;
    tg_status st;

    assert(t != NULL && by != NULL && out != NULL);
    *out = NULL;
    memset(&gr, 0, sizeof gr);
    if ((st = tg_keys_find(t, by, NULL, &bycol, err)) != TG_OK) return st;
    if ((st = find_keys(t, per, n_per, cols, err)) != TG_OK) return st;
    if (t->n_rows >= UINT32_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "too many rows (%zu)", t->n_rows);
    if ((st = grouping_make(t, cols, n_per, NULL, &gr)) != TG_OK) goto done;
    st = TG_ENOMEM;
    off = tg_malloc((gr.n_groups + 1) * sizeof *off);
    rows = tg_malloc(rows_n * sizeof *rows);
    idx = tg_malloc(rows_n * sizeof *idx);
    enc = tg_malloc(rows_n * sizeof *enc);
    isnull = tg_malloc(rows_n);
    if (!off || !rows || !idx || !enc || !isnull) goto done;
    if (tg_keys_encode(bycol, NULL, t->n_rows, 0, enc, isnull) != TG_OK) goto done;
    tg_keys_bucket(gr.ids, t->n_rows, gr.n_groups, NULL, off, rows);
    struct rank k = { enc, isnull, desc };
    for (size_t pos = 0; pos < gr.n_groups; pos++) {
        size_t g = gr.order[pos];
        uint32_t *b = rows + off[g];
        size_t keep = top_of_bucket(&k, b, off[g + 1] - off[g], n);
        for (size_t j = 0; j < keep; j++)
            idx[n_out++] = b[j];
    }
    st = (*out = tg_table_take(t, idx, n_out)) ? TG_OK : TG_ENOMEM;
done:
    grouping_free(&gr);
    tg_free(off);
    tg_free(rows);
    tg_free(idx);
    tg_free(enc);
    tg_free(isnull);
    return st == TG_ENOMEM ? tg_err_nomem(err) : st;
}
