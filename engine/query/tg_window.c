/*
** tg_window.c -- window functions along a sorted permutation.
** One stable sort by (by..., order...) gives the permutation; tg_sort_breaks
** marks where groups (and, for ranks, ties) start along it. Each function
** walks the permutation once, position j standing for input row perm[j],
** and writes its result straight to row perm[j] of the new column.
*/
#include "tg_window.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "tg_err.h"
#include "tg_fill.h"
#include "tg_mem.h"
#include "tg_sort.h"

struct win {
    const tg_window_spec *w;
    const tg_col *src; /* NULL for the ranking functions */
    size_t n;
    size_t *perm;
    uint8_t *grp;  /* grp[j]: position j starts a group */
    uint8_t *peer; /* peer[j]: position j starts a run of ties (ranks only) */
    const tg_interrupt *intr;
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
static tg_status poll_at(const struct win *s, size_t j, size_t *next) {
    if (j < *next) return TG_OK;
    *next = j + TG_VECTOR;
    return tg_poll(s->intr);
}

/* ---- ranking ---- */

static tg_status ranks(const struct win *s, tg_col *res) {
    int64_t num = 0, rank = 0, dense = 0;
    size_t next = 0;
    for (size_t j = 0; j < s->n; j++) {
        tg_status st = poll_at(s, j, &next);
        if (st != TG_OK) return st;
        if (s->grp[j]) num = rank = dense = 0;
        num++;
        if (s->peer && s->peer[j]) {
            rank = num;
            dense++;
        }
        res->v.i64[s->perm[j]] = s->w->fn == TG_WIN_ROW_NUMBER ? num
                                 : s->w->fn == TG_WIN_RANK     ? rank
                                                               : dense;
    }
    return TG_OK;
}

/* ---- lag, lead ---- */

static tg_status shift(const struct win *s, tg_col **res, tg_error *err) {
    size_t n = s->n, k = (size_t)s->w->k, next = 0;
    size_t *idx = tg_malloc((n ? n : 1) * sizeof *idx);
    uint8_t *mask = NULL;
    tg_status st = TG_OK;

    if (!idx) return tg_err_nomem(err);
    for (size_t gs = 0, ge; gs < n; gs = ge) {
        for (ge = gs + 1; ge < n && !s->grp[ge]; ge++) continue;
        for (size_t j = gs; j < ge; j++) {
            if ((st = poll_at(s, j, &next)) != TG_OK) goto done;
            int lag = s->w->fn == TG_WIN_LAG;
            int has = lag ? j - gs >= k : ge - j > k;
            idx[s->perm[j]] = !has ? TG_NO_ROW : s->perm[lag ? j - k : j + k];
        }
    }
    *res = tg_col_take(s->src, idx, n);
    if (!*res) goto nomem;
    if (s->w->dflt && tg_col_is_valid(s->w->dflt, 0)) {
        if (!(mask = tg_malloc(n ? n : 1))) goto nomem;
        for (size_t i = 0; i < n; i++) mask[i] = idx[i] == TG_NO_ROW;
        st = tg_fill_mask(*res, mask, s->w->dflt, err);
    }
    goto done;
nomem:
    st = tg_err_nomem(err);
done:
    tg_free(idx);
    tg_free(mask);
    return st;
}

/* ---- cumulative sum ---- */

static tg_status cumsum_int(const struct win *s, tg_col *res, tg_error *err) {
    const tg_col *c = s->src;
    int64_t sum = 0;
    int any = 0;
    size_t next = 0;
    for (size_t j = 0; j < s->n; j++) {
        size_t r = s->perm[j];
        tg_status st = poll_at(s, j, &next);
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
        if (any) res->v.i64[r] = sum;
        else if (tg_col_set_null(res, r) != TG_OK) return tg_err_nomem(err);
    }
    return TG_OK;
}

static tg_status cumsum_float(const struct win *s, tg_col *res, tg_error *err) {
    const tg_col *c = s->src;
    double sum = 0;
    int any = 0;
    size_t next = 0;
    for (size_t j = 0; j < s->n; j++) {
        size_t r = s->perm[j];
        tg_status st = poll_at(s, j, &next);
        if (st != TG_OK) return st;
        if (s->grp[j]) {
            sum = 0;
            any = 0;
        }
        if (tg_col_is_valid(c, r)) {
            sum += c->v.f64[r];
            any = 1;
        }
        if (any) res->v.f64[r] = sum;
        else if (tg_col_set_null(res, r) != TG_OK) return tg_err_nomem(err);
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

static tg_status rolling_mean(const struct win *s, tg_col *res, tg_error *err) {
    const tg_col *c = s->src;
    size_t n = s->n, k = (size_t)s->w->k, next = 0;
    size_t min = s->w->min_periods > 0 ? (size_t)s->w->min_periods : k;
    double *x = tg_malloc((n ? n : 1) * sizeof *x);
    uint8_t *ok = tg_malloc(n ? n : 1);
    tg_status st = TG_OK;

    if (!x || !ok) {
        st = tg_err_nomem(err);
        goto done;
    }
    /* Values in window order, so the sliding loop reads sequentially. */
    for (size_t j = 0; j < n; j++) {
        size_t r = s->perm[j];
        ok[j] = (uint8_t)tg_col_is_valid(c, r);
        x[j] = c->type == TG_INT     ? (double)c->v.i64[r]
               : c->type == TG_FLOAT ? c->v.f64[r]
                                     : (double)c->v.b8[r];
    }
    struct roll w = { 0 };
    size_t gs = 0, turn = k; /* turn: rows until the window has turned over */
    for (size_t j = 0; j < n; j++) {
        if ((st = poll_at(s, j, &next)) != TG_OK) goto done;
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
        size_t r = s->perm[j];
        if (w.count < min) {
            if (tg_col_set_null(res, r) != TG_OK) {
                st = tg_err_nomem(err);
                goto done;
            }
        } else if (w.nan || (w.pinf && w.ninf)) {
            res->v.f64[r] = NAN;
        } else if (w.pinf || w.ninf) {
            res->v.f64[r] = w.pinf ? INFINITY : -INFINITY;
        } else {
            res->v.f64[r] = w.sum / (double)w.count;
        }
    }
done:
    tg_free(x);
    tg_free(ok);
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

    switch (w->fn) {
    case TG_WIN_ROW_NUMBER:
    case TG_WIN_RANK:
    case TG_WIN_DENSE_RANK:
        if (w->fn != TG_WIN_ROW_NUMBER) {
            if (!(s.peer = tg_malloc(s.n ? s.n : 1))) goto nomem;
            st = tg_sort_breaks(t, keys, n_keys, s.perm, s.n, s.peer, err);
            if (st != TG_OK) goto fail;
        }
        if (!(res = tg_col_new(TG_INT, s.n ? s.n : 1, NULL))) goto nomem;
        res->len = s.n;
        st = ranks(&s, res);
        break;
    case TG_WIN_LAG:
    case TG_WIN_LEAD: st = shift(&s, &res, err); break;
    case TG_WIN_CUMSUM:
    case TG_WIN_ROLLING_MEAN: {
        tg_type type = w->fn == TG_WIN_ROLLING_MEAN || s.src->type == TG_FLOAT ? TG_FLOAT : TG_INT;
        if (!(res = tg_col_new(type, s.n ? s.n : 1, NULL))) goto nomem;
        res->len = s.n;
        if (w->fn == TG_WIN_ROLLING_MEAN) st = rolling_mean(&s, res, err);
        else if (type == TG_INT) st = cumsum_int(&s, res, err);
        else st = cumsum_float(&s, res, err);
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
    return st;
}
