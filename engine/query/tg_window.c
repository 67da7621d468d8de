/*
** tg_window.c -- window functions along a sorted permutation.
** One stable sort by (by..., order...) gives the permutation; tg_sort_breaks
** marks where groups (and, for ranks, ties) start along it. Each function
** walks the permutation, position j standing for input row perm[j], and
** writes its result straight to row perm[j] of the new column.
** The walk runs on tg_par's workers in spans of whole groups (about a
** morsel each): a group is always computed by one thread, in order, by
** the same code, so the answer -- float running sums included -- never
** depends on the thread count or the morsel size. One group is one span:
** a window without 'by' runs on one thread.
*/
#include "tg_window.h"

#include <assert.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "tg_err.h"
#include "tg_fill.h"
#include "tg_mem.h"
#include "tg_par.h"
#include "tg_sort.h"

struct win {
    const tg_window_spec *w;
    const tg_col *src; /* NULL for the ranking functions */
    size_t n;
    size_t *perm;
    uint8_t *grp;  /* grp[j]: position j starts a group */
    uint8_t *peer; /* peer[j]: position j starts a run of ties (ranks only) */
    const tg_interrupt *intr;
    size_t *spans; /* span k: positions [spans[k], spans[k + 1]), whole groups */
    size_t n_spans;
    tg_col *res;      /* ranks, cumsum, rolling_mean: the result */
    size_t *idx;      /* lag, lead: the row each row copies, or TG_NO_ROW */
    double *x;        /* rolling_mean: the values in window order */
    uint8_t *ok;      /* rolling_mean: whether x[j] is a value */
    atomic_int nulls; /* some row of res was set NULL */
};

const char *tg_window_name(tg_window_fn fn) {
    switch (fn) {
    case TG_WIN_ROW_NUMBER: return "row_number";
    case TG_WIN_RANK: return "rank";
    case TG_WIN_DENSE_RANK: return "dense_rank";
    case TG_WIN_LAG: return "lag";
    case TG_WIN_LEAD: return "lead";
    case TG_WIN_CUMSUM: return "cumsum";
    case TG_WIN_ROLLING_MEAN: return "rolling_mean";
    }
    return "?";
}

/* The column called 'name', or TG_EARG naming the nearest one. */
static tg_status find_col(const tg_table *t, const char *name, const tg_col **col, tg_error *err) {
    long k;
    tg_status st = tg_table_lookup(t, name, &k, err);
    if (st == TG_OK) *col = t->cols[k];
    return st;
}

/* Polls once per TG_VECTOR positions: *next is the next position to poll at. */
static tg_status poll_at(const struct win *s, size_t j, size_t *next, tg_error *err) {
    if (j < *next) return TG_OK;
    *next = j + TG_VECTOR;
    return tg_par_poll(s->intr, err);
}

/* Row r of the result is NULL. Spans scatter to rows that share bitmap
** words, so the bit is cleared atomically in the bitmap made beforehand. */
static void set_null(struct win *s, size_t r) {
    tg_col_bit_clear_shared(s->res->valid, r);
    atomic_store_explicit(&s->nulls, 1, memory_order_relaxed);
}

/* ---- spans ---- */

/* Cuts the positions at the first group start at or after each multiple
** of the morsel size, so every span holds whole groups. */
static tg_status make_spans(struct win *s) {
    size_t rows = tg_par_morsel_rows(), k = 0;
    if (!(s->spans = tg_malloc((s->n / rows + 2) * sizeof *s->spans))) return TG_ENOMEM;
    s->spans[k++] = 0;
    for (size_t at = rows; at < s->n; at += rows) {
        if (at <= s->spans[k - 1]) continue;
        const uint8_t *g = memchr(s->grp + at, 1, s->n - at);
        if (!g) break;
        s->spans[k++] = (size_t)(g - s->grp);
    }
    s->spans[k] = s->n;
    s->n_spans = k;
    return TG_OK;
}

/* ---- ranking ---- */

static tg_status ranks(const struct win *s, size_t lo, size_t hi, tg_error *err) {
    int64_t num = 0, rank = 0, dense = 0;
    size_t next = lo;
    for (size_t j = lo; j < hi; j++) {
        tg_status st = poll_at(s, j, &next, err);
        if (st != TG_OK) return st;
        if (s->grp[j]) num = rank = dense = 0;
        num++;
        if (s->peer && s->peer[j]) {
            rank = num;
            dense++;
        }
        s->res->v.i64[s->perm[j]] = s->w->fn == TG_WIN_ROW_NUMBER ? num
                                    : s->w->fn == TG_WIN_RANK     ? rank
                                                                  : dense;
    }
    return TG_OK;
}

/* ---- lag, lead ---- */

/* The rows lag/lead copy, for the groups in [lo, hi); the copy itself is
** one tg_col_take afterwards. */
static tg_status shift_rows(const struct win *s, size_t lo, size_t hi, tg_error *err) {
    size_t k = (size_t)s->w->k, next = lo;
    int lag = s->w->fn == TG_WIN_LAG;
    for (size_t gs = lo, ge; gs < hi; gs = ge) {
        for (ge = gs + 1; ge < hi && !s->grp[ge]; ge++) continue;
        for (size_t j = gs; j < ge; j++) {
            tg_status st = poll_at(s, j, &next, err);
            if (st != TG_OK) return st;
            int has = lag ? j - gs >= k : ge - j > k;
            s->idx[s->perm[j]] = !has ? TG_NO_ROW : s->perm[lag ? j - k : j + k];
        }
    }
    return TG_OK;
}

static tg_status shift_finish(const struct win *s, tg_col **res, tg_error *err) {
    size_t n = s->n;
    uint8_t *mask = NULL;
    tg_status st = TG_OK;
    if (!(*res = tg_col_take(s->src, s->idx, n))) return tg_err_nomem(err);
    if (s->w->dflt && tg_col_is_valid(s->w->dflt, 0)) {
        if (!(mask = tg_malloc(n ? n : 1))) return tg_err_nomem(err);
        for (size_t i = 0; i < n; i++) mask[i] = s->idx[i] == TG_NO_ROW;
        st = tg_fill_mask(*res, mask, s->w->dflt, err);
    }
    tg_free(mask);
    return st;
}

/* ---- cumulative sum ---- */

static tg_status cumsum_int(struct win *s, size_t lo, size_t hi, tg_error *err) {
    const tg_col *c = s->src;
    int64_t sum = 0;
    int any = 0;
    size_t next = lo;
    for (size_t j = lo; j < hi; j++) {
        size_t r = s->perm[j];
        tg_status st = poll_at(s, j, &next, err);
        if (st != TG_OK) return st;
        if (s->grp[j]) sum = any = 0;
        if (tg_col_is_valid(c, r)) {
            int64_t x = c->type == TG_INT ? c->v.i64[r] : (int64_t)c->v.b8[r];
            if (__builtin_add_overflow(sum, x, &sum))
                return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                                  "cumsum of '%s' overflows int64 at row %zu; convert the column "
                                  "to float first",
                                  s->w->col, r + 1);
            any = 1;
        }
        if (any) s->res->v.i64[r] = sum;
        else set_null(s, r);
    }
    return TG_OK;
}

static tg_status cumsum_float(struct win *s, size_t lo, size_t hi, tg_error *err) {
    const tg_col *c = s->src;
    double sum = 0;
    int any = 0;
    size_t next = lo;
    for (size_t j = lo; j < hi; j++) {
        size_t r = s->perm[j];
        tg_status st = poll_at(s, j, &next, err);
        if (st != TG_OK) return st;
        if (s->grp[j]) {
            sum = 0;
            any = 0;
        }
        if (tg_col_is_valid(c, r)) {
            sum += c->v.f64[r];
            any = 1;
        }
        if (any) s->res->v.f64[r] = sum;
        else set_null(s, r);
    }
    return TG_OK;
}

/* ---- rolling mean ---- */

/* The window's finite values are summed; NaN and infinities are counted
** apart, so one leaving the window does not poison the sum for good. The
** sum is recomputed from scratch each time the window has turned over
** completely, which bounds the rounding drift of adding and subtracting. */
struct roll {
    double sum;
    size_t count, nan, pinf, ninf;
};

static void roll_add(struct roll *w, double x, int sign) {
    size_t d = sign > 0 ? 1 : (size_t)-1; /* unsigned wrap-around subtracts */
    w->count += d;
    if (isnan(x)) w->nan += d;
    else if (isinf(x)) *(x > 0 ? &w->pinf : &w->ninf) += d;
    else w->sum += sign * x;
}

static void roll_store(struct win *s, const struct roll *w, size_t min, size_t r) {
    if (w->count < min) set_null(s, r);
    else if (w->nan || (w->pinf && w->ninf)) s->res->v.f64[r] = NAN;
    else if (w->pinf || w->ninf) s->res->v.f64[r] = w->pinf ? INFINITY : -INFINITY;
    else s->res->v.f64[r] = w->sum / (double)w->count;
}

static tg_status rolling_mean(struct win *s, size_t lo, size_t hi, tg_error *err) {
    const tg_col *c = s->src;
    size_t k = (size_t)s->w->k, next = lo;
    size_t min = s->w->min_periods > 0 ? (size_t)s->w->min_periods : k;
    double *x = s->x;
    uint8_t *ok = s->ok;

    /* Values in window order, so the sliding loop reads sequentially. */
    for (size_t j = lo; j < hi; j++) {
        size_t r = s->perm[j];
        ok[j] = (uint8_t)tg_col_is_valid(c, r);
        x[j] = c->type == TG_INT     ? (double)c->v.i64[r]
               : c->type == TG_FLOAT ? c->v.f64[r]
                                     : (double)c->v.b8[r];
    }
    struct roll w = { 0 };
    size_t gs = lo, turn = k; /* turn: rows until the window has turned over */
    for (size_t j = lo; j < hi; j++) {
        tg_status st = poll_at(s, j, &next, err);
        if (st != TG_OK) return st;
        if (s->grp[j]) {
            memset(&w, 0, sizeof w);
            gs = j;
            turn = k;
        }
        if (ok[j]) roll_add(&w, x[j], 1);
        if (j - gs >= k && ok[j - k]) roll_add(&w, x[j - k], -1);
        if (--turn == 0) {
            turn = k;
            w.sum = 0;
            for (size_t i = j + 1 - k; i <= j; i++)
                if (ok[i] && isfinite(x[i])) w.sum += x[i];
        }
        roll_store(s, &w, min, s->perm[j]);
    }
    return TG_OK;
}

/* ---- one span ---- */

static tg_status span_item(void *ctx, size_t k, int worker, tg_error *err) {
    struct win *s = ctx;
    size_t lo = s->spans[k], hi = s->spans[k + 1];
    (void)worker;
    switch (s->w->fn) {
    case TG_WIN_LAG:
    case TG_WIN_LEAD: return shift_rows(s, lo, hi, err);
    case TG_WIN_CUMSUM:
        return s->src->type == TG_FLOAT ? cumsum_float(s, lo, hi, err) : cumsum_int(s, lo, hi, err);
    case TG_WIN_ROLLING_MEAN: return rolling_mean(s, lo, hi, err);
    default: return ranks(s, lo, hi, err);
    }
}

/* Runs the spans; a result that can hold NULLs gets its bitmap first (all
** valid), dropped again when no row turned out NULL. */
static tg_status run_spans(struct win *s, int may_null, tg_error *err) {
    tg_status st;
    if (may_null && s->n > 0) {
        if (tg_col_set_null(s->res, 0) != TG_OK) return tg_err_nomem(err);
        tg_col_set_valid(s->res, 0);
    }
    st = tg_par_for(s->n_spans, span_item, s, s->intr, err);
    if (st == TG_OK && s->res && !atomic_load(&s->nulls)) {
        tg_free(s->res->valid);
        s->res->valid = NULL;
    }
    return st;
}

/* ---- entry point ---- */

/* Checks the function's own arguments: column type, k, min_periods, default. */
static tg_status check_args(const tg_table *t, const tg_window_spec *w, const tg_col **src,
                            tg_error *err) {
    const char *name = tg_window_name(w->fn);
    tg_status st;

    *src = NULL;
    if (w->fn < TG_WIN_ROW_NUMBER || w->fn > TG_WIN_ROLLING_MEAN)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "unknown window function %d", (int)w->fn);
    if (w->fn == TG_WIN_ROW_NUMBER || w->fn == TG_WIN_RANK || w->fn == TG_WIN_DENSE_RANK)
        return TG_OK;
    if (!w->col) return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s needs a column", name);
    if ((st = find_col(t, w->col, src, err)) != TG_OK) return st;
    tg_type type = (*src)->type;
    switch (w->fn) {
    case TG_WIN_LAG:
    case TG_WIN_LEAD:
        if (w->k < 0)
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s offset must be >= 0, got %ld", name,
                              w->k);
        if (w->dflt) return tg_fill_check(w->dflt, type, "default", w->col, err);
        return TG_OK;
    case TG_WIN_CUMSUM:
    case TG_WIN_ROLLING_MEAN:
        if (type != TG_INT && type != TG_FLOAT && type != TG_BOOL)
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s needs a number column; '%s' is %s",
                              name, w->col, tg_type_name(type));
        if (w->fn == TG_WIN_CUMSUM) return TG_OK;
        if (w->k < 1)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "rolling_mean window must be >= 1 row, got %ld", w->k);
        if (w->min_periods < 0 || w->min_periods > w->k)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "rolling_mean min_periods must be between 1 and the window (%ld), "
                              "got %ld",
                              w->k, w->min_periods);
        return TG_OK;
    default: return TG_OK;
    }
}

tg_status tg_window(const tg_table *t, const tg_window_spec *w, const tg_interrupt *intr,
                    tg_col **out, tg_error *err) {
    struct win s = { .w = w, .n = t->n_rows, .intr = intr };
    size_t n_keys = w->n_by + w->n_order;
    const char **keys = NULL;
    int *desc = NULL;
    tg_col *res = NULL;
    tg_status st;

    assert(t != NULL && w != NULL && out != NULL);
    assert((w->by || !w->n_by) && (w->order || !w->n_order));
    *out = NULL;
    atomic_init(&s.nulls, 0);
    if ((st = check_args(t, w, &s.src, err)) != TG_OK) return st;

    keys = tg_malloc((n_keys ? n_keys : 1) * sizeof *keys);
    desc = tg_calloc(n_keys ? n_keys : 1, sizeof *desc);
    s.grp = tg_malloc(s.n ? s.n : 1);
    if (!keys || !desc || !s.grp) goto nomem;
    for (size_t i = 0; i < w->n_by; i++) keys[i] = w->by[i];
    for (size_t i = 0; i < w->n_order; i++) {
        keys[w->n_by + i] = w->order[i];
        desc[w->n_by + i] = w->order_desc ? w->order_desc[i] : 0;
    }
    if ((st = tg_sort_index(t, keys, desc, n_keys, intr, &s.perm, err)) != TG_OK) goto fail;
    if ((st = tg_sort_breaks(t, keys, w->n_by, s.perm, s.n, s.grp, err)) != TG_OK) goto fail;
    if (make_spans(&s) != TG_OK) goto nomem;

    switch (w->fn) {
    case TG_WIN_ROW_NUMBER:
    case TG_WIN_RANK:
    case TG_WIN_DENSE_RANK:
        if (w->fn != TG_WIN_ROW_NUMBER) {
            if (!(s.peer = tg_malloc(s.n ? s.n : 1))) goto nomem;
            st = tg_sort_breaks(t, keys, n_keys, s.perm, s.n, s.peer, err);
            if (st != TG_OK) goto fail;
        }
        if (!(res = s.res = tg_col_new(TG_INT, s.n ? s.n : 1, NULL))) goto nomem;
        res->len = s.n;
        st = run_spans(&s, 0, err);
        break;
    case TG_WIN_LAG:
    case TG_WIN_LEAD:
        if (!(s.idx = tg_malloc((s.n ? s.n : 1) * sizeof *s.idx))) goto nomem;
        st = run_spans(&s, 0, err);
        if (st == TG_OK) st = shift_finish(&s, &res, err);
        break;
    case TG_WIN_CUMSUM:
    case TG_WIN_ROLLING_MEAN: {
        tg_type type = w->fn == TG_WIN_ROLLING_MEAN || s.src->type == TG_FLOAT ? TG_FLOAT : TG_INT;
        if (!(res = s.res = tg_col_new(type, s.n ? s.n : 1, NULL))) goto nomem;
        res->len = s.n;
        if (w->fn == TG_WIN_ROLLING_MEAN) {
            s.x = tg_malloc((s.n ? s.n : 1) * sizeof *s.x);
            s.ok = tg_malloc(s.n ? s.n : 1);
            if (!s.x || !s.ok) goto nomem;
        }
        st = run_spans(&s, 1, err);
        break;
    }
    }
    if (st != TG_OK) goto fail;
    *out = res;
    res = NULL;
    goto done;

nomem:
    st = tg_err_nomem(err);
fail:
    if (st == TG_ELIMIT || st == TG_ECANCEL)
        tg_err_set(err, st, NULL, 0, 0, "%s interrupted", tg_window_name(w->fn));
done:
    tg_col_release(res);
    tg_free(keys);
    tg_free(desc);
    tg_free(s.perm);
    tg_free(s.grp);
    tg_free(s.peer);
    tg_free(s.spans);
    tg_free(s.idx);
    tg_free(s.x);
    tg_free(s.ok);
    return st;
}
