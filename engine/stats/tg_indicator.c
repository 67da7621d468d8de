/*
** tg_indicator.c -- an indicator's table judged per group (see
** tg_indicator.h). Rows are sorted by group and period once; each group
** is then a run of that order. Periods become points on the trend's axis:
** a numeric period is its own x (years keep their spacing when one is
** missing), any other period its rank among all the indicator's periods.
*/
#include "tg_indicator.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_sort.h"

/* The input columns of the kind; NULL where the kind has none. */
typedef struct inputs {
    const tg_col *period, *num, *den, *n, *mean, *sd, *target, *disp, *top1, *top2, *parts;
} inputs;

/* The working state, freed in one place. */
typedef struct work {
    size_t n_rows;
    size_t *perm; /* rows in group, period order */
    uint8_t *grp; /* grp[i]: perm[i] starts a group */
    uint8_t *key; /* key[i]: perm[i] starts a (group, period) */
    double *x;    /* per sorted row */
    tg_judge_point *pts;
    size_t n_groups;
    size_t *starts; /* first sorted row of each group, and n_rows */
    tg_judge_verdict *verdicts;
    const tg_sdc_rules *rules; /* for rounding the published counts */
} work;

static void work_free(work *w) {
    tg_free(w->perm);
    tg_free(w->grp);
    tg_free(w->key);
    tg_free(w->x);
    tg_free(w->pts);
    tg_free(w->starts);
    tg_free(w->verdicts);
}

/* ---- reading the input ---- */

static double num_at(const tg_col *c, size_t i) {
    if (!c || !tg_col_is_valid(c, i)) return NAN;
    switch (c->type) {
    case TG_INT: return (double)c->v.i64[i];
    case TG_FLOAT: return c->v.f64[i];
    case TG_BOOL: return c->v.b8[i];
    default: return NAN;
    }
}

static int is_numeric(const tg_col *c) {
    return c->type == TG_INT || c->type == TG_FLOAT || c->type == TG_BOOL;
}

/* The error for a column compute did not return: the nearest name when
** there is one, and always the columns it did return, so a misnamed
** column shows next to what the spec needs. */
static tg_status missing(const tg_table *t, const char *name, tg_error *err) {
    const char *near = tg_nearest_name(name, t->names, t->n_cols);
    char cols[512];
    size_t at = 0;
    cols[0] = '\0';
    for (size_t i = 0; i < t->n_cols && at < sizeof cols; i++) {
        int w = snprintf(cols + at, sizeof cols - at, "%s%s", i ? ", " : "", t->names[i]);
        at += w > 0 ? (size_t)w : 0;
    }
    if (near)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "compute returned no column '%s'; did you mean '%s'? (it returned: %s)",
                          name, near, t->n_cols ? cols : "no columns");
    return tg_err_set(err, TG_EARG, NULL, 0, 0, "compute returned no column '%s' (it returned: %s)",
                      name, t->n_cols ? cols : "no columns");
}

/* The column 'name' of compute's table, or the error naming what it has. */
static tg_status lookup(const tg_table *t, const char *name, long *k, tg_error *err) {
    *k = tg_table_find(t, name);
    return *k >= 0 ? TG_OK : missing(t, name, err);
}

static tg_status need(const tg_table *t, const char *name, int optional, const tg_col **out,
                      tg_error *err) {
    long k = tg_table_find(t, name);
    *out = NULL;
    if (k < 0 && optional) return TG_OK;
    if (k < 0) return missing(t, name, err);
    if (!is_numeric(t->cols[k]))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "column '%s' must be numeric, not %s", name,
                          tg_type_name(t->cols[k]->type));
    *out = t->cols[k];
    return TG_OK;
}

static tg_status find_inputs(const tg_table *t, const tg_indicator_spec *s, inputs *in,
                             tg_error *err) {
    long k;
    tg_status st = lookup(t, s->period, &k, err);
    int mean = s->judge.kind == TG_JUDGE_MEAN;

    memset(in, 0, sizeof *in);
    if (st != TG_OK) return st;
    in->period = t->cols[k];
    for (size_t i = 0; i < s->n_by && st == TG_OK; i++) st = lookup(t, s->by[i], &k, err);
    if (st == TG_OK)
        st = need(t, mean ? "value" : "numerator", 0, mean ? &in->mean : &in->num, err);
    if (st == TG_OK && mean) st = need(t, "sd", 0, &in->sd, err);
    if (st == TG_OK && !mean) st = need(t, "denominator", 0, &in->den, err);
    if (st == TG_OK) st = need(t, "n", !mean, &in->n, err);
    if (st == TG_OK) st = need(t, "target", 1, &in->target, err);
    if (st == TG_OK && s->judge.kind == TG_JUDGE_RATE)
        st = need(t, "dispersion", 1, &in->disp, err);
    if (st == TG_OK) st = need(t, "top1", 1, &in->top1, err);
    if (st == TG_OK) st = need(t, "top2", 1, &in->top2, err);
    if (st == TG_OK) st = need(t, "parts", 1, &in->parts, err);
    return st;
}

/* The period of row i as text, for messages and comparisons. */
static const char *period_text(const tg_col *c, size_t i, char *buf, size_t cap) {
    if (c->type == TG_STRING) return tg_dict_str(c->dict, c->v.str[i], NULL);
    if (c->type == TG_DATE) {
        tg_date_format(c->v.date[i], buf);
        return buf;
    }
    snprintf(buf, cap, "%.15g", num_at(c, i));
    return buf;
}

/* <0, 0, >0 as row i's period compares with the literal. */
static int period_cmp(const tg_col *c, size_t i, const tg_period_lit *lit) {
    char buf[64];
    if (is_numeric(c)) {
        double v = num_at(c, i), w = lit->is_num ? lit->num : strtod(lit->str, NULL);
        return (v > w) - (v < w);
    }
    if (lit->is_num) snprintf(buf + 32, 32, "%.15g", lit->num);
    return strcmp(period_text(c, i, buf, 32), lit->is_num ? buf + 32 : lit->str);
}

/* ---- sorting and the trend axis ---- */

/* The error for two rows of one group and period (row r is one of them):
** "two rows for period 2021 in group Krisecentret", the group's values
** joined by ", " when there are several 'by' columns. */
static tg_status duplicate(const tg_table *t, const tg_indicator_spec *s, const inputs *in,
                           size_t r, tg_error *err) {
    char group[256], buf[64], per[64];
    size_t at = 0;
    group[0] = '\0';
    for (size_t i = 0; i < s->n_by && at < sizeof group; i++) {
        const tg_col *c = tg_table_col(t, s->by[i]);
        const char *v = tg_col_is_valid(c, r) ? period_text(c, r, buf, sizeof buf) : "NULL";
        int w = snprintf(group + at, sizeof group - at, "%s%s", i ? ", " : "", v);
        at += w > 0 ? (size_t)w : 0;
    }
    period_text(in->period, r, per, sizeof per);
    if (s->n_by == 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "two rows for period %s (without 'by', one row per period)", per);
    return tg_err_set(err, TG_EARG, NULL, 0, 0, "two rows for period %s in group %s", per, group);
}

static tg_status sort_rows(const tg_table *t, const tg_indicator_spec *s, const inputs *in, work *w,
                           tg_error *err) {
    const char *keys[TG_INDICATOR_MAX_BY + 1];
    tg_status st;

    if (s->n_by > TG_INDICATOR_MAX_BY)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "at most %d group columns",
                          TG_INDICATOR_MAX_BY);
    for (size_t i = 0; i < s->n_by; i++) keys[i] = s->by[i];
    keys[s->n_by] = s->period;
    if (tg_col_null_count(in->period) > 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "column '%s' has an empty period", s->period);
    st = tg_sort_index(t, keys, NULL, s->n_by + 1, NULL, &w->perm, err);
    w->grp = tg_malloc(w->n_rows + 1);
    w->key = tg_malloc(w->n_rows + 1);
    if (st == TG_OK && (!w->grp || !w->key)) st = tg_err_nomem(err);
    if (st == TG_OK) st = tg_sort_breaks(t, keys, s->n_by, w->perm, w->n_rows, w->grp, err);
    if (st == TG_OK) st = tg_sort_breaks(t, keys, s->n_by + 1, w->perm, w->n_rows, w->key, err);
    for (size_t i = 1; st == TG_OK && i < w->n_rows; i++)
        if (!w->key[i]) return duplicate(t, s, in, w->perm[i], err);
    return st;
}

/* x per sorted row: the number itself, or the rank among all periods. */
static tg_status axis(const tg_table *t, const tg_indicator_spec *s, const inputs *in, work *w,
                      tg_error *err) {
    size_t *order = NULL, *inv;
    uint8_t *brk;
    double rank = 0;
    tg_status st;

    w->x = tg_malloc((w->n_rows + 1) * sizeof *w->x);
    if (!w->x) return tg_err_nomem(err);
    if (is_numeric(in->period)) {
        for (size_t i = 0; i < w->n_rows; i++) w->x[i] = num_at(in->period, w->perm[i]);
        return TG_OK;
    }
    st = tg_sort_index(t, &s->period, NULL, 1, NULL, &order, err);
    if (st != TG_OK) return st;
    inv = tg_malloc((w->n_rows + 1) * (sizeof *inv + 1));
    if (!inv) {
        tg_free(order);
        return tg_err_nomem(err);
    }
    brk = (uint8_t *)(inv + w->n_rows + 1);
    st = tg_sort_breaks(t, &s->period, 1, order, w->n_rows, brk, err);
    for (size_t i = 0; st == TG_OK && i < w->n_rows; i++) {
        rank += brk[i];
        inv[order[i]] = (size_t)rank;
    }
    for (size_t i = 0; st == TG_OK && i < w->n_rows; i++) w->x[i] = (double)inv[w->perm[i]];
    tg_free(order);
    tg_free(inv);
    return st;
}

/* The x of the first period >= lit (from) or == lit (base); NaN: none. */
static double x_of(const inputs *in, const work *w, const tg_period_lit *lit, int exact) {
    double best = NAN;
    if (!lit->set) return NAN;
    for (size_t i = 0; i < w->n_rows; i++) {
        int c = period_cmp(in->period, w->perm[i], lit);
        if ((exact ? c == 0 : c >= 0) && !(w->x[i] >= best)) best = w->x[i];
    }
    /* A 'from' later than every period leaves nothing comparable. */
    return isnan(best) && !exact ? INFINITY : best;
}

/* ---- margins: secondary suppression ---- */

/* The additive quantities of a row, which a total sums: proportions the
** count, the size and their difference; rates events and exposure; means
** n and value * n. Returns how many. */
static size_t quantities(tg_judge_kind kind, double num, double den, double n, double mean,
                         double *q) {
    if (kind == TG_JUDGE_MEAN) {
        q[0] = n;
        q[1] = mean * n;
        return 2;
    }
    q[0] = num;
    q[1] = den;
    if (kind == TG_JUDGE_RATE) return 2;
    q[2] = den - num;
    return 3;
}

/* What a reader knows of a hidden quantity (tg_sdc_bounds): the counts of
** an unweighted share, the events of a rate and the n of a mean are
** counts; weighted sums, exposures and value * n are not. */
static void bounds(const tg_indicator_spec *s, const inputs *in, size_t q, double v,
                   tg_sdc_term *t) {
    int counts = s->judge.kind == TG_JUDGE_PROPORTION ? !in->n : q == 0;
    tg_sdc_bounds(&s->judge.sdc, v, counts, &t->lo, &t->hi);
}

/* The period of row i of 'a' equals that of row j of 'b'. */
static int same_period(const tg_col *a, size_t i, const tg_col *b, size_t j) {
    char x[64], y[64];
    if (is_numeric(a) && is_numeric(b)) return num_at(a, i) == num_at(b, j);
    return strcmp(period_text(a, i, x, sizeof x), period_text(b, j, y, sizeof y)) == 0;
}

typedef struct margins {
    tg_sdc_term *terms;
    size_t *start, n_lines, at;
    double *cost;
    uint8_t *hidden;
} margins;

/* Appends the lines of total row j: one per quantity, the groups' rows
** of that period as parts and the total as cell n_rows + j. */
static tg_status add_lines(const tg_indicator_spec *s, const inputs *in, const work *w,
                           const tg_col *tper, size_t j, margins *m, tg_error *err) {
    const tg_table *tt = s->total;
    double tq[3], q[3], sum[3] = { 0, 0, 0 };
    int mean = s->judge.kind == TG_JUDGE_MEAN;
    size_t nq =
        quantities(s->judge.kind, num_at(tg_table_col(tt, "numerator"), j),
                   num_at(tg_table_col(tt, "denominator"), j), num_at(tg_table_col(tt, "n"), j),
                   num_at(tg_table_col(tt, "value"), j), tq);
    int all_shown = !m->hidden[w->n_rows + j];

    for (size_t k = 0; k < nq; k++) {
        m->start[m->n_lines++] = m->at;
        for (size_t i = 0; i < w->n_rows; i++) {
            const tg_judge_point *p = &w->pts[i];
            if (!same_period(in->period, w->perm[i], tper, j)) continue;
            quantities(s->judge.kind, p->num, p->den, p->n, mean ? p->mean : NAN, q);
            m->terms[m->at] = (tg_sdc_term){ i, 1, q[k], 0, INFINITY, 0 };
            bounds(s, in, k, q[k], &m->terms[m->at++]);
            sum[k] += q[k];
            all_shown &= !p->suppressed;
        }
        /* a rounded total is the groups' exact sum to within its rounding */
        m->terms[m->at++] = (tg_sdc_term){
            w->n_rows + j, -1, s->total_round_to > 0 ? sum[k] : tq[k], 0, INFINITY, 0
        };
    }
    m->start[m->n_lines] = m->at;
    for (size_t k = 0; all_shown && k < nq; k++)
        if (!(fabs(sum[k] - tq[k]) <=
              fmax(1e-9 * fmax(1, fabs(tq[k])), s->total_round_to / 2 + 1e-9))) {
            char per[64];
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "the groups of period %s add up to %.15g, not to the total's %.15g "
                              "(is this indicator really part of the other?)",
                              period_text(tper, j, per, sizeof per), sum[k], tq[k]);
        }
    return TG_OK;
}

/* Appends the funnel's lines: for each period, each step (a group) after
** the first is a subset of the one before, so x_before - x_step - d = 0,
** where d (cell d_cell + i, never published) is the number who stopped at
** this step. A reader who sees both steps sees d; a d of 1 .. min_count - 1
** must not be exact, a larger one only widens the steps' ranges (free). */
static tg_status add_funnel_lines(const tg_indicator_spec *s, const inputs *in, const work *w,
                                  size_t d_cell, margins *m, tg_error *err) {
    for (size_t g = 1; g < w->n_groups; g++)
        for (size_t i = w->starts[g]; i < w->starts[g + 1]; i++) {
            const tg_judge_point *p = &w->pts[i], *q = NULL;
            double d;
            int small;
            char per[64];
            for (size_t j = w->starts[g - 1]; j < w->starts[g] && !q; j++)
                if (same_period(in->period, w->perm[j], in->period, w->perm[i])) q = &w->pts[j];
            if (!q || isnan(q->num) || isnan(p->num)) continue; /* no line to draw */
            d = q->num - p->num;
            if (!(d >= -1e-9))
                return tg_err_set(err, TG_EARG, NULL, 0, 0,
                                  "funnel: a step has more (%.15g) than the step before it "
                                  "(%.15g) in period %s; each step must be a subset of the one "
                                  "before",
                                  p->num, q->num,
                                  period_text(in->period, w->perm[i], per, sizeof per));
            m->start[m->n_lines++] = m->at;
            m->terms[m->at] = (tg_sdc_term){ (size_t)(q - w->pts), 1, q->num, 0, INFINITY, 0 };
            bounds(s, in, 0, q->num, &m->terms[m->at++]);
            m->terms[m->at] = (tg_sdc_term){ i, -1, p->num, 0, INFINITY, 0 };
            bounds(s, in, 0, p->num, &m->terms[m->at++]);
            /* d is never published: hidden, and protected when the rules
            ** hide a count of it */
            small = tg_sdc_count(&s->judge.sdc, d, NAN) != TG_SDC_SHOWN;
            m->terms[m->at] = (tg_sdc_term){ d_cell + i, -1, d, 0, INFINITY, !small };
            tg_sdc_bounds(&s->judge.sdc, d, 1, &m->terms[m->at].lo, &m->terms[m->at].hi);
            m->at++;
            m->hidden[d_cell + i] = TG_SDC_SMALL;
        }
    m->start[m->n_lines] = m->at;
    return TG_OK;
}

/* Hides further points until no hidden group of a period can be derived
** from the period's total and the groups shown, and, in a funnel, no
** small number who stopped at a step from the steps shown. */
static tg_status secondary(const tg_indicator_spec *s, const inputs *in, work *w, tg_error *err) {
    const tg_table *tt = s->total;
    const tg_col *tper = tt ? tg_table_col(tt, s->period) : NULL;
    const tg_col *tsup = tt ? tg_table_col(tt, "suppressed") : NULL;
    size_t n_tot = tt ? tt->n_rows : 0, d_cell = w->n_rows + n_tot;
    size_t n_cells = d_cell + (s->funnel ? w->n_rows : 0);
    size_t n_terms = 3 * (w->n_rows + 1) * n_tot + 3 * w->n_rows + 1;
    margins m = { 0 };
    tg_status st = TG_OK;

    if (tt && (!tper || !tsup))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "the total has no column '%s' or 'suppressed' (is it an indicator's "
                          "series without groups?)",
                          tper ? "suppressed" : s->period);
    m.terms = tg_malloc(n_terms * sizeof *m.terms);
    m.start = tg_malloc((3 * n_tot + w->n_rows + 2) * sizeof *m.start);
    m.cost = tg_malloc((n_cells + 1) * sizeof *m.cost);
    m.hidden = tg_malloc(n_cells + 1);
    if (!m.terms || !m.start || !m.cost || !m.hidden) st = tg_err_nomem(err);
    for (size_t i = 0; st == TG_OK && i < n_cells; i++) {
        int part = i < w->n_rows;
        /* hiding a small group costs least; a published total cannot be,
        ** and a funnel's stops are never published */
        m.cost[i] = part ? w->pts[i].size : INFINITY;
        if (part && isnan(m.cost[i])) m.cost[i] = INFINITY;
        m.hidden[i] = (uint8_t)(part         ? w->pts[i].suppressed
                                : i < d_cell ? num_at(tsup, i - w->n_rows) != 0
                                             : 0);
    }
    for (size_t j = 0; st == TG_OK && j < n_tot; j++) st = add_lines(s, in, w, tper, j, &m, err);
    if (st == TG_OK && s->funnel) st = add_funnel_lines(s, in, w, d_cell, &m, err);
    if (st == TG_OK) tg_sdc_secondary(m.terms, m.start, m.n_lines, m.cost, m.hidden, n_cells);
    for (size_t i = 0; st == TG_OK && i < w->n_rows; i++) {
        tg_judge_point *p = &w->pts[i];
        if (p->suppressed || !m.hidden[i]) continue;
        p->suppressed = TG_SDC_SECONDARY;
        p->value = p->lo = p->hi = NAN;
        p->small = p->flag = 0;
    }
    tg_free(m.terms);
    tg_free(m.start);
    tg_free(m.cost);
    tg_free(m.hidden);
    return st;
}

/* ---- judging ---- */

static tg_status judge(const tg_indicator_spec *s, const inputs *in, work *w, tg_error *err) {
    double x_from, x_base;
    size_t g = 0;

    w->pts = tg_calloc(w->n_rows + 1, sizeof *w->pts);
    w->starts = tg_malloc((w->n_rows + 2) * sizeof *w->starts);
    if (!w->pts || !w->starts) return tg_err_nomem(err);
    for (size_t i = 0; i < w->n_rows; i++) {
        size_t r = w->perm[i];
        tg_judge_point *p = &w->pts[i];
        p->x = w->x[i];
        p->num = num_at(in->num, r);
        p->den = num_at(in->den, r);
        p->n = num_at(in->n, r);
        p->mean = num_at(in->mean, r);
        p->sd = num_at(in->sd, r);
        p->target = num_at(in->target, r);
        p->dispersion = num_at(in->disp, r);
        p->top1 = num_at(in->top1, r);
        p->top2 = num_at(in->top2, r);
        p->parts = num_at(in->parts, r);
        tg_judge_point_fill(p, &s->judge);
        if (w->grp[i]) w->starts[g++] = i;
    }
    w->n_groups = g;
    w->starts[g] = w->n_rows;
    if (s->total || s->funnel) {
        tg_status st = secondary(s, in, w, err);
        if (st != TG_OK) return st;
    }
    w->verdicts = tg_calloc(g + 1, sizeof *w->verdicts);
    if (!w->verdicts) return tg_err_nomem(err);
    x_from = x_of(in, w, &s->from, 0);
    x_base = x_of(in, w, &s->base, 1);
    for (size_t k = 0; k < g; k++) {
        size_t a = w->starts[k];
        tg_status st = tg_judge_group(w->pts + a, w->starts[k + 1] - a, x_from, x_base, &s->judge,
                                      &w->verdicts[k], err);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

/* ---- building the output tables ---- */

typedef struct builder {
    tg_table *t;
    tg_status st;
    tg_error *err;
} builder;

/* Adds 'c' (taken: released here) under 'name'. */
static void put(builder *b, const char *name, tg_col *c) {
    if (b->st != TG_OK) {
        tg_col_release(c);
        return;
    }
    if (!c) {
        b->st = tg_err_nomem(b->err);
        return;
    }
    b->st = tg_table_add(b->t, name, c);
    tg_col_release(c);
}

/* A float column of n values from get(i); NaN becomes NULL. */
static tg_col *floats(size_t n, double (*get)(const void *, size_t), const void *ctx) {
    tg_col *c = tg_col_new(TG_FLOAT, n ? n : 1, NULL);
    for (size_t i = 0; c && i < n; i++) {
        double v = get(ctx, i);
        if ((isnan(v) ? tg_col_push_null(c) : tg_col_push_f64(c, v)) != TG_OK) {
            tg_col_release(c);
            return NULL;
        }
    }
    return c;
}

/* An int column of n counts from get(i); NaN becomes NULL. */
static tg_col *ints(size_t n, double (*get)(const void *, size_t), const void *ctx) {
    tg_col *c = tg_col_new(TG_INT, n ? n : 1, NULL);
    for (size_t i = 0; c && i < n; i++) {
        double v = get(ctx, i);
        if ((isnan(v) ? tg_col_push_null(c) : tg_col_push_i64(c, (int64_t)v)) != TG_OK) {
            tg_col_release(c);
            return NULL;
        }
    }
    return c;
}

static tg_col *bools(size_t n, int (*get)(const void *, size_t), const void *ctx) {
    tg_col *c = tg_col_new(TG_BOOL, n ? n : 1, NULL);
    for (size_t i = 0; c && i < n; i++)
        if (tg_col_push_bool(c, get(ctx, i)) != TG_OK) {
            tg_col_release(c);
            return NULL;
        }
    return c;
}

/* Accessors for the series: a suppressed point shows no numbers. */
#define PT(ctx, i)  (&((const work *)(ctx))->pts[i])
#define SHOWN(p, v) ((p)->suppressed ? NAN : (v))
static double pt_value(const void *w, size_t i) {
    return PT(w, i)->value;
}
static double pt_lo(const void *w, size_t i) {
    return PT(w, i)->lo;
}
static double pt_hi(const void *w, size_t i) {
    return PT(w, i)->hi;
}
#define ROUNDED(w, v) tg_sdc_round(((const work *)(w))->rules, (v))
static double pt_num(const void *w, size_t i) {
    return ROUNDED(w, SHOWN(PT(w, i), PT(w, i)->num));
}
static double pt_den(const void *w, size_t i) {
    return ROUNDED(w, SHOWN(PT(w, i), PT(w, i)->den));
}
static double pt_n(const void *w, size_t i) {
    return ROUNDED(w, SHOWN(PT(w, i), PT(w, i)->n));
}
static double pt_sd(const void *w, size_t i) {
    return SHOWN(PT(w, i), PT(w, i)->sd);
}
static double pt_target(const void *w, size_t i) {
    return PT(w, i)->target;
}
static double pt_disp(const void *w, size_t i) {
    return PT(w, i)->dispersion;
}
static double pt_dev(const void *w, size_t i) {
    return PT(w, i)->value - PT(w, i)->target;
}
static int pt_supp(const void *w, size_t i) {
    return PT(w, i)->suppressed;
}
static int pt_small(const void *w, size_t i) {
    return PT(w, i)->small;
}
static int pt_flag(const void *w, size_t i) {
    return PT(w, i)->flag;
}

static tg_status build_series(const tg_table *t, const tg_indicator_spec *s, const inputs *in,
                              const work *w, tg_table **out, tg_error *err) {
    builder b = { tg_table_new(), TG_OK, err };
    int mean = s->judge.kind == TG_JUDGE_MEAN;

    if (!b.t) return tg_err_nomem(err);
    for (size_t i = 0; i < s->n_by; i++)
        put(&b, s->by[i], tg_col_take(tg_table_col(t, s->by[i]), w->perm, w->n_rows));
    put(&b, s->period, tg_col_take(in->period, w->perm, w->n_rows));
    put(&b, "value", floats(w->n_rows, pt_value, w));
    put(&b, "lo", floats(w->n_rows, pt_lo, w));
    put(&b, "hi", floats(w->n_rows, pt_hi, w));
    if (!mean) put(&b, "numerator", floats(w->n_rows, pt_num, w));
    if (!mean) put(&b, "denominator", floats(w->n_rows, pt_den, w));
    if (mean) put(&b, "sd", floats(w->n_rows, pt_sd, w));
    if (in->n || mean) put(&b, "n", floats(w->n_rows, pt_n, w));
    put(&b, "suppressed", bools(w->n_rows, pt_supp, w));
    put(&b, "small", bools(w->n_rows, pt_small, w));
    if (in->disp) put(&b, "dispersion", floats(w->n_rows, pt_disp, w));
    if (in->target) {
        put(&b, "target", floats(w->n_rows, pt_target, w));
        put(&b, "deviation", floats(w->n_rows, pt_dev, w));
        put(&b, "flag", bools(w->n_rows, pt_flag, w));
    }
    if (b.st != TG_OK) {
        tg_table_release(b.t);
        return b.st;
    }
    *out = b.t;
    return TG_OK;
}

/* Accessors for the verdicts, one per group. */
typedef struct vctx {
    const work *w;
    double *q;
} vctx;
#define VD(ctx, k) (&((const vctx *)(ctx))->w->verdicts[k])
#define VPT(ctx, k, which)                                                               \
    (VD(ctx, k)->which < 0                                                               \
         ? NAN                                                                           \
         : ((const vctx *)(ctx))                                                         \
               ->w->pts[((const vctx *)(ctx))->w->starts[k] + (size_t)VD(ctx, k)->which] \
               .value)
#define CH(ctx, k, f) (VD(ctx, k)->has_change ? VD(ctx, k)->change.f : NAN)
#define TR(ctx, k, f) (VD(ctx, k)->has_trend ? (double)VD(ctx, k)->trend.f : NAN)
static double v_base(const void *c, size_t k) {
    return VPT(c, k, base);
}
static double v_last(const void *c, size_t k) {
    return VPT(c, k, last);
}
static double v_change(const void *c, size_t k) {
    return CH(c, k, est);
}
static double v_lo(const void *c, size_t k) {
    return CH(c, k, lo);
}
static double v_hi(const void *c, size_t k) {
    return CH(c, k, hi);
}
static double v_p(const void *c, size_t k) {
    return CH(c, k, p);
}
static double v_q(const void *c, size_t k) {
    return ((const vctx *)c)->q[k];
}
static double v_tn(const void *c, size_t k) {
    return TR(c, k, n);
}
static double v_tau(const void *c, size_t k) {
    return TR(c, k, tau);
}
static double v_tp(const void *c, size_t k) {
    return TR(c, k, p);
}
static double v_slope(const void *c, size_t k) {
    return TR(c, k, slope);
}
static double v_slo(const void *c, size_t k) {
    return TR(c, k, slope_lo);
}
static double v_shi(const void *c, size_t k) {
    return TR(c, k, slope_hi);
}

/* Benjamini-Hochberg over the judged groups' p-values (NaN elsewhere). */
static tg_status q_values(const work *w, double *q, tg_error *err) {
    double *p = tg_malloc((2 * w->n_groups + 1) * sizeof *p), *qq;
    size_t m = 0, j = 0;
    tg_status st = TG_OK;

    if (!p) return tg_err_nomem(err);
    qq = p + w->n_groups;
    for (size_t k = 0; k < w->n_groups; k++) {
        q[k] = NAN;
        if (w->verdicts[k].has_change) p[m++] = w->verdicts[k].change.p;
    }
    if (m > 0) st = tg_stats_bh(p, m, qq);
    if (st != TG_OK) st = tg_err_set(err, st, NULL, 0, 0, "cannot adjust the p-values");
    for (size_t k = 0; st == TG_OK && k < w->n_groups; k++)
        if (w->verdicts[k].has_change) q[k] = qq[j++];
    tg_free(p);
    return st;
}

/* A string column of the groups' verdict names or reasons. */
static tg_col *texts(const work *w, int reasons) {
    tg_col *c = tg_col_new(TG_STRING, w->n_groups ? w->n_groups : 1, NULL);
    for (size_t k = 0; c && k < w->n_groups; k++) {
        const tg_judge_verdict *v = &w->verdicts[k];
        const char *s = reasons ? v->reason : tg_judge_verdict_name(v->verdict);
        if (tg_col_push_str(c, s, strlen(s)) != TG_OK) {
            tg_col_release(c);
            return NULL;
        }
    }
    return c;
}

/* The period column at each group's baseline or latest row. */
static tg_col *periods(const inputs *in, const work *w, size_t *idx, int latest) {
    for (size_t k = 0; k < w->n_groups; k++) {
        long at = latest ? w->verdicts[k].last : w->verdicts[k].base;
        idx[k] = at < 0 ? TG_NO_ROW : w->perm[w->starts[k] + (size_t)at];
    }
    return tg_col_take(in->period, idx, w->n_groups);
}

static tg_status build_verdicts(const tg_table *t, const tg_indicator_spec *s, const inputs *in,
                                const work *w, tg_table **out, tg_error *err) {
    builder b = { tg_table_new(), TG_OK, err };
    size_t n = w->n_groups, *idx = tg_malloc((n + 1) * sizeof *idx);
    double *q = tg_malloc((n + 1) * sizeof *q);
    vctx c = { w, q };

    if (!b.t || !idx || !q) b.st = tg_err_nomem(err);
    if (b.st == TG_OK) b.st = q_values(w, q, err);
    for (size_t k = 0; b.st == TG_OK && k < n; k++) idx[k] = w->perm[w->starts[k]];
    for (size_t i = 0; b.st == TG_OK && i < s->n_by; i++)
        put(&b, s->by[i], tg_col_take(tg_table_col(t, s->by[i]), idx, n));
    if (b.st == TG_OK) put(&b, "baseline_period", periods(in, w, idx, 0));
    put(&b, "baseline_value", floats(n, v_base, &c));
    if (b.st == TG_OK) put(&b, "latest_period", periods(in, w, idx, 1));
    put(&b, "latest_value", floats(n, v_last, &c));
    put(&b, "change", floats(n, v_change, &c));
    put(&b, "change_lo", floats(n, v_lo, &c));
    put(&b, "change_hi", floats(n, v_hi, &c));
    put(&b, "p", floats(n, v_p, &c));
    put(&b, "q", floats(n, v_q, &c));
    put(&b, "trend_n", ints(n, v_tn, &c));
    put(&b, "trend_tau", floats(n, v_tau, &c));
    put(&b, "trend_p", floats(n, v_tp, &c));
    put(&b, "slope", floats(n, v_slope, &c));
    put(&b, "slope_lo", floats(n, v_slo, &c));
    put(&b, "slope_hi", floats(n, v_shi, &c));
    put(&b, "verdict", texts(w, 0));
    put(&b, "reason", texts(w, 1));
    tg_free(idx);
    tg_free(q);
    if (b.st != TG_OK) {
        tg_table_release(b.t);
        return b.st;
    }
    *out = b.t;
    return TG_OK;
}

tg_status tg_indicator_judge(const tg_table *t, const tg_indicator_spec *s, tg_table **series,
                             tg_table **verdicts, tg_error *err) {
    assert(t != NULL && s != NULL && series != NULL && verdicts != NULL);
    work w;
    inputs in;
    tg_status st;

    *series = *verdicts = NULL;
    memset(&w, 0, sizeof w);
    w.n_rows = t->n_rows;
    w.rules = &s->judge.sdc;
    st = find_inputs(t, s, &in, err);
    if (st == TG_OK) st = sort_rows(t, s, &in, &w, err);
    if (st == TG_OK) st = axis(t, s, &in, &w, err);
    if (st == TG_OK) st = judge(s, &in, &w, err);
    if (st == TG_OK) st = build_series(t, s, &in, &w, series, err);
    if (st == TG_OK) st = build_verdicts(t, s, &in, &w, verdicts, err);
    if (st != TG_OK) {
        tg_table_release(*series);
        *series = NULL;
    }
    work_free(&w);
    return st;
}
