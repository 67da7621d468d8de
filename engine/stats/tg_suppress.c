/*
** tg_suppress.c -- disclosure control for a table of counts (see
** tg_suppress.h). The rows are sorted by the 'within' columns; each run of
** equal keys is one line of tg_sdc's secondary search:
**   counts + (sum)                 = 0   with no total: -sum is the line's
**                                        known total, never hidden;
**   counts + rest - total          = 0   with a total column: rest is the
**                                        quantity published elsewhere,
**                                        hidden as that publication hides it.
** The cells are the rows (0 .. n), then two per group: the sum or the rest
** at n + 2g, the total at n + 2g + 1.
*/
#include "tg_suppress.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_sort.h"

/* The working arrays of one call, freed together. */
typedef struct work {
    size_t *perm, *start;
    uint8_t *brk, *hidden;
    double *cost;
    tg_sdc_term *terms;
    const tg_col *hide; /* the hide column, or NULL */
} work;

static void work_free(work *w) {
    tg_free(w->perm);
    tg_free(w->start);
    tg_free(w->brk);
    tg_free(w->hidden);
    tg_free(w->cost);
    tg_free(w->terms);
}

static double count_at(const tg_col *c, size_t i) {
    return tg_col_is_valid(c, i) ? (double)c->v.i64[i] : 0;
}

static tg_status check_int(const tg_table *t, const char *name, long *k, tg_error *err) {
    tg_status st = tg_table_lookup(t, name, k, err);
    if (st != TG_OK) return st;
    if (t->cols[*k]->type != TG_INT)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "column '%s' must hold whole numbers, not %s",
                          name, tg_type_name(t->cols[*k]->type));
    return TG_OK;
}

/* One count of a group: its term, primary reason and cost. */
static void add_count(const tg_sdc_rules *r, size_t row, double x, double sum, int small_total,
                      work *w, size_t *at) {
    tg_sdc_reason why;
    if (small_total || (w->hide && tg_col_is_valid(w->hide, row) && w->hide->v.b8[row]))
        why = TG_SDC_SMALL; /* the group itself is hidden elsewhere */
    else if (sum > 0) why = tg_sdc_count(r, x, sum);
    else why = TG_SDC_SHOWN; /* a group of 0 hides nothing its total does not say */
    w->hidden[row] = (uint8_t)why;
    /* hiding a 0 protects nothing: a reader who knows the rules knows a
    ** hidden count is not 1-4 unless it is primary */
    w->cost[row] = x > 0 ? x : INFINITY;
    w->terms[*at] = (tg_sdc_term){ row, 1, x, 0, INFINITY, 0 };
    tg_sdc_bounds(r, x, 1, &w->terms[*at].lo, &w->terms[*at].hi);
    (*at)++;
}

/* The rows perm[a .. b) as line g: its counts and either the sum or the
** rest and the total. */
static tg_status add_line(const tg_table *t, long kc, long kt, const tg_suppress_opts *o, size_t a,
                          size_t b, size_t g, work *w, size_t *at, tg_error *err) {
    const tg_col *c = t->cols[kc], *tc = kt >= 0 ? t->cols[kt] : NULL;
    const tg_sdc_rules *r = &o->rules;
    size_t n = t->n_rows, cs = n + 2 * g, ct = cs + 1;
    double sum = 0, total = 0;
    int small_total = 0;
    for (size_t i = a; i < b; i++) sum += count_at(c, w->perm[i]);
    if (tc) {
        for (size_t i = a; i < b; i++) {
            size_t row = w->perm[i];
            if (!tg_col_is_valid(tc, row) || (i > a && tc->v.i64[row] != tc->v.i64[w->perm[a]]))
                return tg_err_set(err, TG_EARG, NULL, 0, 0,
                                  "total '%s' must have one value per group", o->total);
        }
        total = (double)tc->v.i64[w->perm[a]];
        if (total < sum)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "total '%s' (%.0f) is less than its group's counts (%.0f)", o->total,
                              total, sum);
        /* a total of 1 .. min_count - 1 hides its whole group there */
        small_total = total > 0 && total < r->min_count;
    }
    w->start[g] = *at;
    for (size_t i = a; i < b; i++)
        add_count(r, w->perm[i], count_at(c, w->perm[i]), sum, small_total, w, at);
    w->cost[cs] = w->cost[ct] = INFINITY; /* published elsewhere: never ours to hide */
    if (!tc) {
        w->hidden[cs] = w->hidden[ct] = 0;
        w->terms[(*at)++] = (tg_sdc_term){ cs, -1, sum, 0, INFINITY, 0 };
        return TG_OK;
    }
    /* the rest is x of the total as the other publication shows it */
    w->hidden[cs] = (uint8_t)tg_sdc_count(r, total - sum, total);
    w->terms[*at] = (tg_sdc_term){ cs, 1, total - sum, 0, INFINITY, 0 };
    tg_sdc_bounds(r, total - sum, 1, &w->terms[*at].lo, &w->terms[*at].hi);
    (*at)++;
    w->hidden[ct] = small_total ? TG_SDC_SMALL : 0;
    w->terms[*at] = (tg_sdc_term){ ct, -1, total, 0, INFINITY, 0 };
    tg_sdc_bounds(r, total, 1, &w->terms[*at].lo, &w->terms[*at].hi);
    (*at)++;
    return TG_OK;
}

/* Sorts, splits into lines and runs the secondary search: w->hidden[row]. */
static tg_status decide(const tg_table *t, long kc, long kt, const tg_suppress_opts *o, work *w,
                        tg_error *err) {
    size_t n = t->n_rows, g = 0, at = 0, a = 0;
    tg_status st = tg_sort_index(t, o->within, NULL, o->n_within, NULL, &w->perm, err);
    if (st != TG_OK) return st;
    w->brk = tg_malloc(n + 1);
    w->hidden = tg_malloc(3 * n + 1);
    w->cost = tg_malloc((3 * n + 1) * sizeof *w->cost);
    w->terms = tg_malloc((3 * n + 1) * sizeof *w->terms);
    w->start = tg_malloc((n + 2) * sizeof *w->start);
    if (!w->brk || !w->hidden || !w->cost || !w->terms || !w->start) return tg_err_nomem(err);
    st = tg_sort_breaks(t, o->within, o->n_within, w->perm, n, w->brk, err);
    if (st != TG_OK) return st;
    while (a < n) {
        size_t b = a + 1;
        while (b < n && !w->brk[b]) b++;
        if ((st = add_line(t, kc, kt, o, a, b, g, w, &at, err)) != TG_OK) return st;
        g++;
        a = b;
    }
    w->start[g] = at;
    tg_sdc_secondary(w->terms, w->start, g, w->cost, w->hidden, n + 2 * g);
    return TG_OK;
}

/* The output: t's columns with the count replaced, then the mark. */
static tg_status build(const tg_table *t, long kc, const tg_suppress_opts *o, const uint8_t *hidden,
                       tg_table **out, tg_error *err) {
    size_t n = t->n_rows;
    const tg_col *c = t->cols[kc];
    tg_col *vals = tg_col_new(TG_INT, n ? n : 1, NULL),
           *marks = tg_col_new(TG_BOOL, n ? n : 1, NULL);
    tg_status st = vals && marks && (*out = tg_table_new()) ? TG_OK : TG_ENOMEM;
    for (size_t i = 0; st == TG_OK && i < n; i++) {
        int hide = hidden[i] != 0 || !tg_col_is_valid(c, i);
        st = hide ? tg_col_push_null(vals) : tg_col_push_i64(vals, c->v.i64[i]);
        if (st == TG_OK) st = tg_col_push_bool(marks, hidden[i] != 0);
    }
    for (size_t j = 0; st == TG_OK && j <= t->n_cols; j++)
        st = j == t->n_cols ? tg_table_add(*out, o->mark, marks)
                            : tg_table_add(*out, t->names[j], (long)j == kc ? vals : t->cols[j]);
    tg_col_release(vals);
    tg_col_release(marks);
    if (st != TG_OK) {
        tg_table_release(*out);
        *out = NULL;
        return tg_err_nomem(err);
    }
    (*out)->n_rows = n;
    return TG_OK;
}

tg_status tg_suppress_table(const tg_table *t, const tg_suppress_opts *o, tg_table **out,
                            tg_error *err) {
    work w = { 0 };
    long kc, kt = -1;
    tg_status st;
    assert(t != NULL && o != NULL && o->count != NULL && o->mark != NULL && out != NULL);
    assert(o->within != NULL || o->n_within == 0);
    *out = NULL;
    if (o->n_within > TG_SUPPRESS_MAX_WITHIN)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "at most %d 'within' columns",
                          TG_SUPPRESS_MAX_WITHIN);
    if ((st = check_int(t, o->count, &kc, err)) != TG_OK) return st;
    if (o->total && (st = check_int(t, o->total, &kt, err)) != TG_OK) return st;
    if (o->hide) {
        long kh;
        if ((st = tg_table_lookup(t, o->hide, &kh, err)) != TG_OK) return st;
        if (t->cols[kh]->type != TG_BOOL)
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "column '%s' must be boolean, not %s",
                              o->hide, tg_type_name(t->cols[kh]->type));
        w.hide = t->cols[kh];
    }
    if (tg_table_find(t, o->mark) >= 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "the table already has a column '%s'", o->mark);
    st = decide(t, kc, kt, o, &w, err);
    if (st == TG_OK) st = build(t, kc, o, w.hidden, out, err);
    work_free(&w);
    return st;
}
