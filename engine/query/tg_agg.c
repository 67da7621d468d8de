/*
** tg_agg.c -- aggregate kernels (see tg_agg.h).
** Per-group accumulators are plain arrays indexed by group id, grown as
** groups appear. COUNT, SUM, MEAN, MIN, MAX, FIRST and LAST are updated a
** vector at a time while the keys are hashed, so the group-id array never
** has to be stored for them; STD/VAR (two passes: mean, then squared
** deviations), MEDIAN/QUANTILE (values gathered by group, then selection)
** and N_DISTINCT (value ids bucketed by group) run in tg_agg_finish over
** the stored ids. Counts and sums keep the current group's accumulators
** in registers while consecutive rows stay in one group, the common case
** for data stored in key or time order.
*/
#include "tg_agg.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "tg_err.h"
#include "tg_keys.h"
#include "tg_mem.h"

/* Group ids of a vector when there are no keys: every row is group 0. */
static const uint32_t zeros[TG_VECTOR];

struct runs;

/* One aggregate's accumulators; which arrays exist depends on fn. */
struct acc {
    const tg_agg *a;
    int stream;     /* updated by tg_agg_feed */
    int64_t *cnt;   /* values counted (COUNT*, SUM, MEAN) */
    int64_t *isum;  /* SUM of int or bool */
    double *sum;    /* SUM of float, MEAN: the running sum ... */
    double *comp;   /* ... and its compensation */
    size_t *row;    /* MIN, MAX, FIRST, LAST: the chosen row or TG_NO_ROW */
    uint64_t *best; /* MIN, MAX: the chosen row's encoded value */
    uint32_t *rank; /* MIN, MAX of strings: byte-order ranks */
};

struct tg_agg_state {
    struct acc *acc;
    size_t n, cap;     /* aggregates; groups the arrays hold */
    struct runs *runs; /* scratch for tg_agg_feed */
};

/* A pass over the stored ids (tg_agg_finish). */
struct pass {
    size_t n_rows, n_groups;
    const uint32_t *ids; /* NULL: every row is group 0 */
    const size_t *order; /* output position -> group; NULL: identity */
    const tg_interrupt *intr;
    tg_error *err;
};

static inline size_t vec_len(size_t n, size_t base) {
    return n - base < TG_VECTOR ? n - base : TG_VECTOR;
}

static inline const uint32_t *pass_ids(const struct pass *p, size_t base) {
    return p->ids ? p->ids + base : zeros;
}

static inline size_t group_at(const struct pass *p, size_t pos) {
    return p->order ? p->order[pos] : pos;
}

/* Numbers of a vector as doubles (int, float or bool columns): floats are
** read in place, the others converted into buf. */
static const double *vec_f64(const tg_col *col, size_t base, size_t n, double *buf) {
    switch (col->type) {
    case TG_FLOAT: return col->v.f64 + base;
    case TG_INT:
        for (size_t i = 0; i < n; i++) buf[i] = (double)col->v.i64[base + i];
        return buf;
    case TG_BOOL:
        for (size_t i = 0; i < n; i++) buf[i] = col->v.b8[base + i];
        return buf;
    default: assert(0 && "not a number column"); return buf;
    }
}

/* ---- vector kernels ---- */

/* Runs of equal group ids in a vector: rows [start[r], start[r + 1]) are
** in group gid[r]. Data stored in key or time order has long runs, so the
** kernels below do per-group work once per run, not once per row. */
struct runs {
    size_t n;
    uint32_t start[TG_VECTOR + 1];
    uint32_t gid[TG_VECTOR];
};

static void find_runs(const uint32_t *g, size_t n, struct runs *r) {
    uint32_t cur = g[0];
    r->n = 0;
    r->start[0] = 0;
    r->gid[0] = cur;
    for (size_t i = 1; i < n; i++) {
        if (g[i] != cur) {
            cur = g[i];
            r->start[++r->n] = (uint32_t)i;
            r->gid[r->n] = cur;
        }
    }
    r->start[++r->n] = (uint32_t)n;
}

/* cnt[g] += rows of g (arg NULL), its non-NULL values of arg, or (if_true)
** its true values of a bool arg. */
static void count_vec(const tg_col *arg, int if_true, const struct runs *r, size_t base,
                      int64_t *cnt) {
    const uint64_t *valid = arg ? arg->valid : NULL;
    for (size_t k = 0; k < r->n; k++) {
        size_t lo = r->start[k], hi = r->start[k + 1];
        int64_t c = 0;
        if (!valid && !if_true) {
            c = (int64_t)(hi - lo);
        } else {
            for (size_t i = lo; i < hi; i++)
                c += tg_col_bits_valid(valid, base + i) && (!if_true || arg->v.b8[base + i]);
        }
        cnt[r->gid[k]] += c;
    }
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

/* Adds the non-NULL values of a number column (with 'mean', their squared
** deviations from mean[g]) to sum/comp and counts them. */
static void sum_vec(const tg_col *arg, const double *mean, const struct runs *r, size_t base,
                    double *sum, double *comp, int64_t *cnt) {
    double buf[TG_VECTOR];
    size_t n = r->start[r->n];
    const double *v = vec_f64(arg, base, n, buf);
    for (size_t k = 0; k < r->n; k++) {
        size_t lo = r->start[k], hi = r->start[k + 1], g = r->gid[k];
        double s = sum[g], e = comp[g];
        int64_t c = cnt[g];
        if (!arg->valid && !mean) {
            for (size_t i = lo; i < hi; i++) neumaier(&s, &e, v[i]);
            c += (int64_t)(hi - lo);
        } else {
            double m = mean ? mean[g] : 0;
            for (size_t i = lo; i < hi; i++) {
                if (!tg_col_bits_valid(arg->valid, base + i)) continue;
                neumaier(&s, &e, mean ? (v[i] - m) * (v[i] - m) : v[i]);
                c++;
            }
        }
        sum[g] = s;
        comp[g] = e;
        cnt[g] = c;
    }
}

/* Exact int64 sums of an int or bool column; TG_EDATA on overflow. */
static tg_status int_sum_vec(const tg_agg *a, const struct runs *r, size_t base, int64_t *sum,
                             int64_t *cnt, tg_error *err) {
    const tg_col *arg = a->arg;
    for (size_t k = 0; k < r->n; k++) {
        size_t g = r->gid[k];
        int64_t s = sum[g], c = cnt[g];
        for (size_t i = base + r->start[k]; i < base + r->start[k + 1]; i++) {
            if (!tg_col_bits_valid(arg->valid, i)) continue;
            int64_t x = arg->type == TG_INT ? arg->v.i64[i] : arg->v.b8[i];
            if (__builtin_add_overflow(s, x, &s))
                return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                                  "sum '%s' overflows a 64-bit integer (at row %zu)", a->name,
                                  i + 1);
            c++;
        }
        sum[g] = s;
        cnt[g] = c;
    }
    return TG_OK;
}

/* MIN, MAX (by encoded value, first row on ties), FIRST, LAST. */
static void pick_vec(const struct acc *c, const uint32_t *g, size_t base, size_t n) {
    const tg_col *arg = c->a->arg;
    uint64_t enc[TG_VECTOR];
    size_t *row = c->row;
    switch (c->a->fn) {
    case TG_AGG_FIRST:
        for (size_t i = 0; i < n; i++)
            if (row[g[i]] == TG_NO_ROW && tg_col_bits_valid(arg->valid, base + i))
                row[g[i]] = base + i;
        return;
    case TG_AGG_LAST:
        for (size_t i = 0; i < n; i++)
            if (tg_col_bits_valid(arg->valid, base + i)) row[g[i]] = base + i;
        return;
    case TG_AGG_MIN:
        tg_keys_encode_range(arg, c->rank, base, n, enc);
        for (size_t i = 0; i < n; i++) {
            uint32_t k = g[i];
            if (!tg_col_bits_valid(arg->valid, base + i)) continue;
            if (row[k] == TG_NO_ROW || enc[i] < c->best[k]) {
                row[k] = base + i;
                c->best[k] = enc[i];
            }
        }
        return;
    default:
        tg_keys_encode_range(arg, c->rank, base, n, enc);
        for (size_t i = 0; i < n; i++) {
            uint32_t k = g[i];
            if (!tg_col_bits_valid(arg->valid, base + i)) continue;
            if (row[k] == TG_NO_ROW || enc[i] > c->best[k]) {
                row[k] = base + i;
                c->best[k] = enc[i];
            }
        }
        return;
    }
}

/* ---- output columns ---- */

/* An int column of the groups' values in output order; NULL where
** cnt[g] < min_n (cnt may be NULL). */
static tg_col *int_out(const struct pass *p, const int64_t *v, const int64_t *cnt, int64_t min_n) {
    size_t n = p->n_groups;
    tg_col *col = tg_col_new(TG_INT, n ? n : 1, NULL);
    if (!col) return NULL;
    for (size_t pos = 0; pos < n; pos++) {
        size_t g = group_at(p, pos);
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

static tg_col *float_out(const struct pass *p, const double *v, const int64_t *cnt, int64_t min_n) {
    size_t n = p->n_groups;
    tg_col *col = tg_col_new(TG_FLOAT, n ? n : 1, NULL);
    if (!col) return NULL;
    for (size_t pos = 0; pos < n; pos++) {
        size_t g = group_at(p, pos);
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
static tg_col *rows_out(const struct pass *p, const tg_col *arg, const size_t *row) {
    size_t n = p->n_groups;
    size_t *idx = tg_malloc((n ? n : 1) * sizeof *idx);
    if (!idx) return NULL;
    for (size_t pos = 0; pos < n; pos++) idx[pos] = row[group_at(p, pos)];
    tg_col *col = tg_col_take(arg, idx, n);
    tg_free(idx);
    return col;
}

/* The column of a streamed aggregate. */
static tg_col *stream_out(const struct pass *p, const struct acc *c) {
    switch (c->a->fn) {
    case TG_AGG_COUNT:
    case TG_AGG_COUNT_IF: return int_out(p, c->cnt, NULL, 0);
    case TG_AGG_SUM:
        if (c->isum) return int_out(p, c->isum, c->cnt, 1);
        for (size_t g = 0; g < p->n_groups; g++) c->sum[g] = neumaier_total(c->sum[g], c->comp[g]);
        return float_out(p, c->sum, c->cnt, 1);
    case TG_AGG_MEAN:
        for (size_t g = 0; g < p->n_groups; g++)
            c->sum[g] = c->cnt[g] ? neumaier_total(c->sum[g], c->comp[g]) / (double)c->cnt[g] : 0;
        return float_out(p, c->sum, c->cnt, 1);
    default: return rows_out(p, c->a->arg, c->row);
    }
}

/* ---- passes over the stored ids ---- */

static tg_status sum_pass(const struct pass *p, const tg_col *arg, const double *mean, double *sum,
                          int64_t *cnt) {
    double *comp = tg_calloc(p->n_groups ? p->n_groups : 1, sizeof *comp);
    struct runs *r = tg_malloc(sizeof *r);
    if (!comp || !r) {
        tg_free(comp);
        tg_free(r);
        return TG_ENOMEM;
    }
    for (size_t base = 0; base < p->n_rows; base += TG_VECTOR) {
        tg_status st = tg_poll(p->intr);
        if (st != TG_OK) {
            tg_free(comp);
            tg_free(r);
            return st;
        }
        find_runs(pass_ids(p, base), vec_len(p->n_rows, base), r);
        sum_vec(arg, mean, r, base, sum, comp, cnt);
    }
    tg_free(r);
    for (size_t g = 0; g < p->n_groups; g++) sum[g] = neumaier_total(sum[g], comp[g]);
    tg_free(comp);
    return TG_OK;
}

static tg_status count_pass(const struct pass *p, const tg_col *arg, int64_t *cnt) {
    struct runs *r = tg_malloc(sizeof *r);
    tg_status st = r ? TG_OK : TG_ENOMEM;
    for (size_t base = 0; base < p->n_rows && st == TG_OK; base += TG_VECTOR) {
        if ((st = tg_poll(p->intr)) != TG_OK) break;
        find_runs(pass_ids(p, base), vec_len(p->n_rows, base), r);
        count_vec(arg, 0, r, base, cnt);
    }
    tg_free(r);
    return st;
}

/* STD and VAR: two passes (mean, then squared deviations) keep the
** variance accurate where the one-pass sum of squares cancels. */
static tg_status agg_spread(const struct pass *p, const tg_agg *a, tg_col **out) {
    size_t n = p->n_groups ? p->n_groups : 1;
    int64_t *cnt = tg_calloc(n, sizeof *cnt);
    double *mean = tg_calloc(n, sizeof *mean), *dev = tg_calloc(n, sizeof *dev);
    tg_status st = TG_ENOMEM;

    if (!cnt || !mean || !dev) goto done;
    if ((st = sum_pass(p, a->arg, NULL, mean, cnt)) != TG_OK) goto done;
    for (size_t g = 0; g < p->n_groups; g++) mean[g] = cnt[g] ? mean[g] / (double)cnt[g] : 0;
    memset(cnt, 0, n * sizeof *cnt);
    if ((st = sum_pass(p, a->arg, mean, dev, cnt)) != TG_OK) goto done;
    for (size_t g = 0; g < p->n_groups; g++) {
        dev[g] = cnt[g] > 1 ? dev[g] / (double)(cnt[g] - 1) : 0;
        if (a->fn == TG_AGG_STD) dev[g] = sqrt(dev[g]);
    }
    st = (*out = float_out(p, dev, cnt, 2)) ? TG_OK : TG_ENOMEM;
done:
    tg_free(cnt);
    tg_free(mean);
    tg_free(dev);
    return st;
}

/* Distinct non-NULL values per group: values get ids, rows are bucketed by
** group, and a stamp per value id (the last group that counted it)
** counts each value once per group. */
static tg_status agg_n_distinct(const struct pass *p, const tg_agg *a, tg_col **out) {
    size_t n = p->n_groups ? p->n_groups : 1, rows_n = p->n_rows ? p->n_rows : 1;
    tg_key key = { a->arg, NULL, 0 };
    tg_keys *vals = NULL;
    uint32_t *vid = tg_malloc(rows_n * sizeof *vid), *rows = NULL, *stamp = NULL, *gid = NULL;
    size_t *off = tg_malloc((n + 1) * sizeof *off);
    int64_t *cnt = tg_calloc(n, sizeof *cnt);
    tg_status st = TG_ENOMEM;

    if (!vid || !off || !cnt) goto done;
    if ((st = tg_keys_build(&key, 1, p->n_rows, 1, p->intr, vid, &vals)) != TG_OK) goto done;
    st = TG_ENOMEM;
    size_t n_vals = tg_keys_count(vals);
    if (!(rows = tg_malloc(rows_n * sizeof *rows))) goto done;
    if (!(stamp = tg_malloc((n_vals + 1) * sizeof *stamp))) goto done;
    if (!p->ids && !(gid = tg_calloc(rows_n, sizeof *gid))) goto done;
    memset(stamp, 0xff, (n_vals + 1) * sizeof *stamp);
    tg_keys_bucket(p->ids ? p->ids : gid, p->n_rows, p->n_groups, a->arg->valid, off, rows);
    for (size_t g = 0; g < p->n_groups; g++) {
        for (size_t j = off[g]; j < off[g + 1]; j++) {
            uint32_t v = vid[rows[j]];
            if (stamp[v] != g) {
                stamp[v] = (uint32_t)g;
                cnt[g]++;
            }
        }
    }
    st = (*out = int_out(p, cnt, NULL, 0)) ? TG_OK : TG_ENOMEM;
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
static tg_status agg_quantile(const struct pass *p, const tg_agg *a, tg_col **out) {
    size_t n = p->n_groups ? p->n_groups : 1;
    size_t *off = tg_calloc(n + 1, sizeof *off);
    int64_t *cnt = tg_calloc(n, sizeof *cnt);
    double *res = tg_calloc(n, sizeof *res), *vals = NULL, buf[TG_VECTOR];
    double prob = a->fn == TG_AGG_MEDIAN ? 0.5 : a->p;
    int method = a->fn == TG_AGG_MEDIAN ? TG_QUANTILE_LINEAR : a->method;
    tg_status st = TG_ENOMEM;

    if (!off || !cnt || !res) goto done;
    if ((st = count_pass(p, a->arg, cnt)) != TG_OK) goto done;
    for (size_t g = 0; g < p->n_groups; g++) off[g + 1] = off[g] + (size_t)cnt[g];
    st = TG_ENOMEM;
    if (!(vals = tg_malloc((off[p->n_groups] ? off[p->n_groups] : 1) * sizeof *vals))) goto done;
    /* off[g] walks forward while filling; the start is off[g] - cnt[g] after. */
    for (size_t base = 0; base < p->n_rows; base += TG_VECTOR) {
        size_t len = vec_len(p->n_rows, base);
        const uint32_t *g = pass_ids(p, base);
        if ((st = tg_poll(p->intr)) != TG_OK) goto done;
        const double *v = vec_f64(a->arg, base, len, buf);
        for (size_t i = 0; i < len; i++)
            if (tg_col_bits_valid(a->arg->valid, base + i)) vals[off[g[i]]++] = v[i];
    }
    size_t since_poll = 0;
    for (size_t g = 0; g < p->n_groups; g++) {
        size_t m = (size_t)cnt[g], start = off[g] - m;
        if (m) res[g] = tg_agg_quantile(vals + start, m, prob, method);
        since_poll += m;
        if (since_poll >= TG_VECTOR) {
            since_poll = 0;
            if ((st = tg_poll(p->intr)) != TG_OK) goto done;
        }
    }
    st = (*out = float_out(p, res, cnt, 1)) ? TG_OK : TG_ENOMEM;
done:
    tg_free(off);
    tg_free(cnt);
    tg_free(res);
    tg_free(vals);
    return st;
}

/* ---- the state ---- */

static void acc_free(struct acc *c) {
    tg_free(c->cnt);
    tg_free(c->isum);
    tg_free(c->sum);
    tg_free(c->comp);
    tg_free(c->row);
    tg_free(c->best);
    tg_free(c->rank);
}

/* Grows *p from 'old' to 'cap' elements of 'size' bytes, filling the new
** ones with the byte 'fill'. A NULL *p stays NULL (the array is unused). */
static tg_status grow_array(void **p, size_t old, size_t cap, size_t size, int fill) {
    if (!*p) return TG_OK;
    void *q = tg_realloc(*p, cap * size);
    if (!q) return TG_ENOMEM;
    memset((char *)q + old * size, fill, (cap - old) * size);
    *p = q;
    return TG_OK;
}

/* Makes the accumulators hold at least n groups. */
static tg_status reserve_groups(tg_agg_state *s, size_t n) {
    size_t cap = s->cap ? s->cap : 16;
    if (n <= s->cap) return TG_OK;
    while (cap < n) cap *= 2;
    for (size_t i = 0; i < s->n; i++) {
        struct acc *c = &s->acc[i];
        if (grow_array((void **)&c->cnt, s->cap, cap, sizeof *c->cnt, 0) ||
            grow_array((void **)&c->isum, s->cap, cap, sizeof *c->isum, 0) ||
            grow_array((void **)&c->sum, s->cap, cap, sizeof *c->sum, 0) ||
            grow_array((void **)&c->comp, s->cap, cap, sizeof *c->comp, 0) ||
            grow_array((void **)&c->row, s->cap, cap, sizeof *c->row, 0xff) ||
            grow_array((void **)&c->best, s->cap, cap, sizeof *c->best, 0))
            return TG_ENOMEM; /* arrays grown so far are consistent at the old cap */
    }
    s->cap = cap;
    return TG_OK;
}

void tg_agg_end(tg_agg_state *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) acc_free(&s->acc[i]);
    tg_free(s->acc);
    tg_free(s->runs);
    tg_free(s);
}

tg_status tg_agg_begin(const tg_agg *aggs, size_t n, tg_agg_state **out) {
    tg_agg_state *s = tg_calloc(1, sizeof *s);
    *out = NULL;
    if (!s || !(s->acc = tg_calloc(n ? n : 1, sizeof *s->acc)) ||
        !(s->runs = tg_malloc(sizeof *s->runs))) {
        if (s) tg_free(s->acc);
        tg_free(s);
        return TG_ENOMEM;
    }
    s->n = n;
    for (size_t i = 0; i < n; i++) {
        struct acc *c = &s->acc[i];
        int fn = aggs[i].fn, ok = 1;
        c->a = &aggs[i];
        c->stream = fn <= TG_AGG_MAX || fn == TG_AGG_FIRST || fn == TG_AGG_LAST;
        /* One element each for now; reserve_groups grows the ones that exist. */
        if (fn == TG_AGG_COUNT || fn == TG_AGG_COUNT_IF || fn == TG_AGG_SUM || fn == TG_AGG_MEAN)
            ok &= (c->cnt = tg_calloc(1, sizeof *c->cnt)) != NULL;
        if (fn == TG_AGG_SUM && aggs[i].arg->type != TG_FLOAT)
            ok &= (c->isum = tg_calloc(1, sizeof *c->isum)) != NULL;
        else if (fn == TG_AGG_SUM || fn == TG_AGG_MEAN)
            ok &= (c->sum = tg_calloc(1, sizeof *c->sum)) &&
                  (c->comp = tg_calloc(1, sizeof *c->comp));
        if (fn == TG_AGG_MIN || fn == TG_AGG_MAX || fn == TG_AGG_FIRST || fn == TG_AGG_LAST)
            ok &= (c->row = tg_malloc(sizeof *c->row)) != NULL;
        if (fn == TG_AGG_MIN || fn == TG_AGG_MAX)
            ok &= (c->best = tg_calloc(1, sizeof *c->best)) &&
                  tg_keys_ranks(aggs[i].arg, &c->rank) == TG_OK;
        if (!ok) {
            tg_agg_end(s);
            return TG_ENOMEM;
        }
    }
    s->cap = 1;
    for (size_t i = 0; i < n; i++)
        if (s->acc[i].row) s->acc[i].row[0] = TG_NO_ROW;
    *out = s;
    return TG_OK;
}

int tg_agg_need_ids(const tg_agg_state *s) {
    for (size_t i = 0; i < s->n; i++)
        if (!s->acc[i].stream) return 1;
    return 0;
}

tg_status tg_agg_feed(tg_agg_state *s, const uint32_t *g, size_t base, size_t n, size_t n_groups,
                      tg_error *err) {
    tg_status st;
    if (n == 0) return TG_OK;
    if ((st = reserve_groups(s, n_groups)) != TG_OK) return st;
    for (size_t done = 0; done < n; done += TG_VECTOR) {
        size_t m = n - done < TG_VECTOR ? n - done : TG_VECTOR, row0 = base + done;
        const uint32_t *gv = g + done;
        find_runs(gv, m, s->runs);
        for (size_t i = 0; i < s->n; i++) {
            struct acc *c = &s->acc[i];
            const tg_agg *a = c->a;
            if (!c->stream) continue;
            switch (a->fn) {
            case TG_AGG_COUNT:
            case TG_AGG_COUNT_IF:
                count_vec(a->arg, a->fn == TG_AGG_COUNT_IF, s->runs, row0, c->cnt);
                break;
            case TG_AGG_SUM:
            case TG_AGG_MEAN:
                if (c->isum) {
                    if ((st = int_sum_vec(a, s->runs, row0, c->isum, c->cnt, err)) != TG_OK)
                        return st;
                } else {
                    sum_vec(a->arg, NULL, s->runs, row0, c->sum, c->comp, c->cnt);
                }
                break;
            default: pick_vec(c, gv, row0, m); break;
            }
        }
    }
    return TG_OK;
}

/* MIN and MAX: part's row replaces only a strictly better value, so the
** earlier morsel's row stays on ties, as within one morsel. */
static void merge_pick(struct acc *c, const struct acc *pc, size_t g, size_t to, size_t row_base) {
    size_t r = pc->row[g];
    if (r == TG_NO_ROW) return;
    r += row_base;
    switch (c->a->fn) {
    case TG_AGG_FIRST:
        if (c->row[to] == TG_NO_ROW) c->row[to] = r;
        return;
    case TG_AGG_LAST: c->row[to] = r; return;
    case TG_AGG_MIN:
        if (c->row[to] != TG_NO_ROW && pc->best[g] >= c->best[to]) return;
        break;
    default:
        if (c->row[to] != TG_NO_ROW && pc->best[g] <= c->best[to]) return;
        break;
    }
    c->row[to] = r;
    c->best[to] = pc->best[g];
}

tg_status tg_agg_merge(tg_agg_state *s, const tg_agg_state *part, const uint32_t *map,
                       size_t n_part, size_t n_groups, size_t row_base, size_t row, tg_error *err) {
    tg_status st = reserve_groups(s, n_groups);
    if (st != TG_OK) return st;
    for (size_t i = 0; i < s->n; i++) {
        struct acc *c = &s->acc[i];
        const struct acc *pc = &part->acc[i];
        if (!c->stream) continue;
        for (size_t g = 0; g < n_part; g++) {
            size_t to = map[g];
            if (c->cnt) c->cnt[to] += pc->cnt[g];
            if (c->isum && __builtin_add_overflow(c->isum[to], pc->isum[g], &c->isum[to]))
                return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                                  "sum '%s' overflows a 64-bit integer (at row %zu)", c->a->name,
                                  row);
            if (c->sum) {
                neumaier(&c->sum[to], &c->comp[to], pc->sum[g]);
                c->comp[to] += pc->comp[g];
            }
            if (c->row) merge_pick(c, pc, g, to, row_base);
        }
    }
    return TG_OK;
}

tg_status tg_agg_detach(tg_agg_state *part, size_t n_groups, tg_col **vals) {
    for (size_t i = 0; i < part->n; i++) vals[i] = NULL;
    for (size_t i = 0; i < part->n; i++) {
        struct acc *c = &part->acc[i];
        if (!c->row) continue;
        if (!(vals[i] = tg_col_take(c->a->arg, c->row, n_groups))) {
            for (size_t k = 0; k < i; k++) {
                tg_col_release(vals[k]);
                vals[k] = NULL;
            }
            return TG_ENOMEM;
        }
    }
    for (size_t i = 0; i < part->n; i++) {
        struct acc *c = &part->acc[i];
        for (size_t g = 0; c->row && g < n_groups; g++)
            if (c->row[g] != TG_NO_ROW) c->row[g] = g;
    }
    return TG_OK;
}

tg_status tg_agg_finish(tg_agg_state *s, const uint32_t *ids, size_t n_rows, size_t n_groups,
                        const size_t *order, const tg_interrupt *intr, tg_col **cols,
                        tg_error *err) {
    struct pass p = { n_rows, n_groups, ids, order, intr, err };
    tg_status st = reserve_groups(s, n_groups ? n_groups : 1);

    for (size_t i = 0; i < s->n; i++) cols[i] = NULL;
    for (size_t i = 0; i < s->n && st == TG_OK; i++) {
        const struct acc *c = &s->acc[i];
        switch (c->a->fn) {
        case TG_AGG_STD:
        case TG_AGG_VAR: st = agg_spread(&p, c->a, &cols[i]); break;
        case TG_AGG_MEDIAN:
        case TG_AGG_QUANTILE: st = agg_quantile(&p, c->a, &cols[i]); break;
        case TG_AGG_N_DISTINCT: st = agg_n_distinct(&p, c->a, &cols[i]); break;
        default: st = (cols[i] = stream_out(&p, c)) ? TG_OK : TG_ENOMEM; break;
        }
    }
    if (st != TG_OK) {
        for (size_t i = 0; i < s->n; i++) {
            tg_col_release(cols[i]);
            cols[i] = NULL;
        }
    }
    return st;
}

/* ---- checking ---- */

static const char *fn_name(int fn) {
    static const char *names[] = { "?",   "count",      "count_if", "sum",      "mean",
                                   "min", "max",        "median",   "quantile", "std",
                                   "var", "n_distinct", "first",    "last" };
    return fn >= 0 && fn < (int)TG_ARRAY_LEN(names) ? names[fn] : "?";
}

tg_status tg_agg_check(const tg_agg *a, size_t n_rows, tg_error *err) {
    const char *name = a->name ? a->name : "?";
    if (!a->name || a->fn < TG_AGG_COUNT || a->fn > TG_AGG_LAST)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "aggregate '%s': unknown function %d", name,
                          a->fn);
    if (!a->arg) {
        if (a->fn == TG_AGG_COUNT) return TG_OK;
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "aggregate '%s': %s needs a column", name,
                          fn_name(a->fn));
    }
    if (a->arg->len != n_rows)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "aggregate '%s': its column has %zu rows, the table %zu", name,
                          a->arg->len, n_rows);
    tg_type ty = a->arg->type;
    switch (a->fn) {
    case TG_AGG_COUNT_IF:
        if (ty != TG_BOOL)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "aggregate '%s': count_if needs a bool column, got %s", name,
                              tg_type_name(ty));
        return TG_OK;
    case TG_AGG_SUM:
    case TG_AGG_MEAN:
    case TG_AGG_MEDIAN:
    case TG_AGG_QUANTILE:
    case TG_AGG_STD:
    case TG_AGG_VAR:
        if (ty != TG_INT && ty != TG_FLOAT && ty != TG_BOOL)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "aggregate '%s': %s needs a number column, got %s%s%.200s%s", name,
                              fn_name(a->fn), tg_type_name(ty), a->arg->note ? " (" : "",
                              a->arg->note ? a->arg->note : "", a->arg->note ? ")" : "");
        break;
    default: return TG_OK;
    }
    if (a->fn == TG_AGG_QUANTILE && !(a->p >= 0 && a->p <= 1))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "aggregate '%s': quantile p must be in [0, 1], got %g", name, a->p);
    if (a->fn == TG_AGG_QUANTILE && (a->method < 0 || a->method > 9))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "aggregate '%s': unknown quantile method %d",
                          name, a->method);
    return TG_OK;
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
    for (size_t i = n / 2; i-- > 0;) sift_down(x, n, i);
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
            while (x[i] < pivot) i++;
            while (x[j] > pivot) j--;
            if (i <= j) swap_d(&x[i++], &x[j--]);
        }
        /* [lo, j] <= pivot, [i, hi] >= pivot, and (j, i) equals it. */
        if (kk <= j) hi = j;
        else if (kk >= i) lo = i;
        else return;
    }
}

int tg_agg_quantile_method(const char *name) {
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
    return -1;
}

double tg_agg_quantile(double *x, size_t n, double p, int method) {
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
    double nppm, h, j, lo, hi;
    size_t m = 0;

    assert(n > 0 && p >= 0 && p <= 1 && method >= 0 && method <= 9);
    if (method == 0) method = TG_QUANTILE_LINEAR;
    /* NaN ranks above every number: move them to the end. */
    for (size_t i = 0; i < n; i++)
        if (x[i] == x[i]) swap_d(&x[m++], &x[i]);
    /* R's quantile.default: j is the lower order statistic (1-based), h the
    ** weight of the one above. */
    if (method <= 3) {
        nppm = method == 3 ? (double)n * p - 0.5 : (double)n * p;
        j = floor(nppm + fuzz);
        if (method == 1) h = nppm > j;
        else if (method == 2) h = ((nppm > j) + 1) / 2.0;
        else h = nppm != j || fmod(j, 2) != 0;
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
        for (size_t i = jl + 1; i < m; i++) hi = x[i] < hi ? x[i] : hi;
    } else {
        hi = NAN;
    }
    if (h == 1) return hi;
    if (lo == hi) return lo;
    /* R computes (1 - h) * lo + h * hi; this form, which the simulation
    ** percentiles have always used, can differ from it in the last bit. */
    return lo + h * (hi - lo);
}
