/*
** tg_judge.c -- success-sign verdicts (see tg_judge.h). The comparison
** of baseline and latest decides; the trend can only hold a verdict back,
** never make one, because with the few periods a strategy has (often
** seven years) a trend test alone is weak, while a significant change
** that the trend contradicts is more likely a lucky endpoint than real.
*/
#include "tg_judge.h"

#include <assert.h>
#include <math.h>

#include "tg_err.h"
#include "tg_mem.h"

void tg_judge_opts_init(tg_judge_opts *o, tg_judge_kind kind) {
    assert(o != NULL);
    o->kind = kind;
    o->direction = 1;
    o->conf = 0.95;
    o->per = 1;
    o->min_n = 20;
    tg_sdc_rules_named(&o->sdc, "tegn");
    o->flag_deviation = NAN;
    o->census = 0;
    o->first_judged = 0;
}

/* The dominance rule, where the caller gave the largest contributions. */
static int dominated(const tg_judge_point *p, const tg_judge_opts *o) {
    double top[2];
    if (!(p->top1 > 0)) return 0;
    top[0] = p->top1;
    top[1] = p->top2 > 0 ? p->top2 : 0;
    return tg_sdc_dominated(&o->sdc, p->num, top, 2, p->parts > 0 ? p->parts : 3);
}

static void fill_proportion(tg_judge_point *p, const tg_judge_opts *o) {
    double size = isnan(p->n) ? p->den : p->n;
    p->size = size;
    if (!(p->den > 0) || isnan(p->num)) return;
    p->value = p->num / p->den;
    p->suppressed = (int)tg_sdc_count(&o->sdc, p->value * size, size);
    tg_interval ci = tg_stats_wilson(p->value * size, size, o->conf);
    p->lo = ci.lo;
    p->hi = ci.hi;
}

static void fill_mean(tg_judge_point *p, const tg_judge_opts *o) {
    p->size = p->n;
    if (!(p->n > 0) || isnan(p->mean)) return;
    p->value = p->mean;
    p->suppressed = (int)tg_sdc_count(&o->sdc, p->n, NAN);
    tg_interval ci = tg_stats_mean_ci(p->mean, p->sd, p->n, o->conf);
    p->lo = ci.lo;
    p->hi = ci.hi;
}

/* Overdispersed counts (sick days cluster in persons) act as counts of
** events / dispersion: the rate is the same, its interval wider by about
** the square root of the dispersion (the quasi-Poisson scaling). */
static double disp(const tg_judge_point *p) {
    return p->dispersion > 1 ? p->dispersion : 1;
}

static void fill_rate(tg_judge_point *p, const tg_judge_opts *o) {
    p->size = isnan(p->n) ? p->den : p->n;
    if (!(p->den > 0) || isnan(p->num)) return;
    p->value = p->num / p->den * o->per;
    /* Events have no complement: n - x of a rate is not a count of people. */
    p->suppressed = (int)tg_sdc_count(&o->sdc, p->size, NAN);
    if (!p->suppressed) p->suppressed = (int)tg_sdc_count(&o->sdc, p->num, NAN);
    tg_interval ci = tg_stats_rate_ci(p->num / disp(p), p->den / disp(p), o->conf);
    p->lo = ci.lo * o->per;
    p->hi = ci.hi * o->per;
}

void tg_judge_point_fill(tg_judge_point *p, const tg_judge_opts *o) {
    assert(p != NULL && o != NULL);
    p->value = p->lo = p->hi = p->size = NAN;
    p->suppressed = p->small = p->flag = 0;
    switch (o->kind) {
    case TG_JUDGE_PROPORTION: fill_proportion(p, o); break;
    case TG_JUDGE_MEAN: fill_mean(p, o); break;
    case TG_JUDGE_RATE: fill_rate(p, o); break;
    }
    if (!p->suppressed && dominated(p, o)) p->suppressed = TG_SDC_DOMINANCE;
    if (p->suppressed) {
        p->value = p->lo = p->hi = NAN;
        return;
    }
    if (o->census) p->lo = p->hi = NAN;
    p->small = !(p->size >= o->min_n);
    /* The tolerance keeps 0.95 - 0.90 (0.04999...) a 5-point deviation. */
    if (!isnan(o->flag_deviation) && !isnan(p->target) && !isnan(p->value))
        p->flag = fabs(p->value - p->target) >= o->flag_deviation - 1e-9;
}

/* ---- judging a group ---- */

static int comparable(const tg_judge_point *p, double x_from) {
    return isnan(x_from) || p->x >= x_from;
}

static int judgeable(const tg_judge_point *p) {
    return !p->suppressed && !p->small && !isnan(p->value);
}

/* The change latest versus baseline, by kind. */
static tg_test_result compare(const tg_judge_point *b, const tg_judge_point *l,
                              const tg_judge_opts *o) {
    switch (o->kind) {
    case TG_JUDGE_MEAN:
        return tg_stats_mean_diff(b->mean, b->sd, b->n, l->mean, l->sd, l->n, o->conf);
    case TG_JUDGE_RATE:
        return tg_stats_rate_ratio(b->num / disp(b), b->den / disp(b), l->num / disp(l),
                                   l->den / disp(l), o->conf);
    case TG_JUDGE_PROPORTION:
    default:
        return tg_stats_prop_diff(b->value * b->size, b->size, l->value * l->size, l->size,
                                  o->conf);
    }
}

/* Mann-Kendall and Theil-Sen over the comparable, shown points. */
static tg_status trend_of(const tg_judge_point *pts, size_t n, double x_from,
                          const tg_judge_opts *o, tg_judge_verdict *out, tg_error *err) {
    double *x = NULL, *y;
    size_t m = 0;
    tg_status st = TG_OK;

    for (size_t i = 0; i < n; i++)
        if (comparable(&pts[i], x_from) && !pts[i].suppressed && !isnan(pts[i].value)) m++;
    if (m < 3) return TG_OK;
    x = tg_malloc(2 * m * sizeof *x);
    if (!x) return tg_err_nomem(err);
    y = x + m;
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (comparable(&pts[i], x_from) && !pts[i].suppressed && !isnan(pts[i].value)) {
            x[m] = pts[i].x;
            y[m++] = pts[i].value;
        }
    st = tg_stats_trend(x, y, m, o->conf, &out->trend);
    out->has_trend = st == TG_OK;
    if (st == TG_ENOMEM) tg_err_nomem(err);
    tg_free(x);
    return st;
}

/* Sets the verdict from the change's side and the trend's. */
static void decide(tg_judge_verdict *v, const tg_judge_opts *o) {
    double none = v->change_is_ratio ? 1.0 : 0.0;
    int up = v->change.lo > none, down = v->change.hi < none;
    int good = o->direction > 0 ? up : down, bad = o->direction > 0 ? down : up;
    int trend_sig = v->has_trend && v->trend.p < 1 - o->conf;
    int trend_good = trend_sig && v->trend.slope * o->direction > 0;
    int trend_bad = trend_sig && v->trend.slope * o->direction < 0;

    if (good && !trend_bad) {
        v->verdict = TG_VERDICT_IMPROVED;
        v->reason = "the change since baseline is significant in the good direction";
    } else if (bad && !trend_good) {
        v->verdict = TG_VERDICT_WORSE;
        v->reason = "the change since baseline is significant in the bad direction";
    } else if (good || bad) {
        v->verdict = TG_VERDICT_NO_CLEAR_CHANGE;
        v->reason = "the change since baseline is significant but the trend points the other way";
    } else {
        v->verdict = TG_VERDICT_NO_CLEAR_CHANGE;
        v->reason = trend_good  ? "no significant change since baseline; the trend is favourable"
                    : trend_bad ? "no significant change since baseline; the trend is unfavourable"
                                : "no significant change since baseline";
    }
}

tg_status tg_judge_group(const tg_judge_point *pts, size_t n, double x_from, double x_base,
                         const tg_judge_opts *o, tg_judge_verdict *out, tg_error *err) {
    long base = -1, last = -1;

    assert(out != NULL && o != NULL && (pts != NULL || n == 0));
    out->verdict = TG_VERDICT_NOT_JUDGED;
    out->has_change = out->has_trend = 0;
    out->change_is_ratio = o->kind == TG_JUDGE_RATE;
    for (size_t i = 0; i < n; i++) {
        if (!comparable(&pts[i], x_from)) continue;
        if (base < 0 || (!o->first_judged && !isnan(x_base) && pts[i].x == x_base)) base = (long)i;
        last = (long)i;
    }
    /* first_judged: move the baseline past suppressed and small periods,
    ** but never onto the latest, which it is compared with. */
    for (long i = base; o->first_judged && base >= 0 && i < last; i++)
        if (comparable(&pts[i], x_from) && judgeable(&pts[i])) {
            base = i;
            break;
        }
    out->base = base;
    out->last = last;
    if (o->census) {
        out->reason = "a census: deviations from the target are flagged, not judged";
        return TG_OK;
    }
    tg_status st = trend_of(pts, n, x_from, o, out, err);
    if (st != TG_OK) return st;
    if (base < 0 || base == last) {
        out->reason = "only one comparable period";
        return TG_OK;
    }
    if (!judgeable(&pts[base]) || !judgeable(&pts[last])) {
        out->reason = "too few at baseline or latest to judge";
        return TG_OK;
    }
    out->change = compare(&pts[base], &pts[last], o);
    out->has_change = !isnan(out->change.lo) && !isnan(out->change.hi);
    if (!out->has_change) {
        out->reason = "no interval for the change";
        return TG_OK;
    }
    decide(out, o);
    return TG_OK;
}

const char *tg_judge_verdict_name(tg_verdict v) {
    switch (v) {
    case TG_VERDICT_IMPROVED: return "improved";
    case TG_VERDICT_NO_CLEAR_CHANGE: return "no_clear_change";
    case TG_VERDICT_WORSE: return "worse";
    case TG_VERDICT_NOT_JUDGED:
    default: return "not_judged";
    }
}
