/*
** tg_sdc.c -- disclosure control (see tg_sdc.h). The secondary search is
** the classic greedy one: find a line where a hidden cell is pinned down,
** hide the cheapest shown cell of that line, repeat. Each round hides a
** cell, so it ends within n_cells rounds. A single line with bounded
** boxes is solved exactly by interval sums (every integer between the
** least and the greatest sum of the other terms is reachable); where
** lines share cells a reader may combine them, which the attack test
** (tests/disclosure) checks by exact enumeration.
*/
#include "tg_sdc.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#define EPS 1e-9

int tg_sdc_rules_named(tg_sdc_rules *r, const char *name) {
    int dst;
    assert(r != NULL && name != NULL);
    dst = strcmp(name, "dst") == 0;
    if (!dst && strcmp(name, "tegn") != 0) return 0;
    r->name = dst ? "dst" : "tegn";
    r->min_count = dst ? 3 : 5;
    r->complement = 1;
    r->zero_hides = 0;
    r->p_percent = 10;
    r->nk_n = r->nk_k = NAN;
    r->round_to = 0;
    return 1;
}

const char *tg_sdc_reason_name(tg_sdc_reason why) {
    switch (why) {
    case TG_SDC_SMALL: return "small";
    case TG_SDC_COMPLEMENT: return "complement";
    case TG_SDC_ZERO: return "zero";
    case TG_SDC_DOMINANCE: return "dominance";
    case TG_SDC_SECONDARY: return "secondary";
    case TG_SDC_SHOWN:
    default: return "";
    }
}

/* 1 .. k - 1, allowing for a weighted count's rounding noise. */
static int few(double count, double k) {
    return count > EPS && count < k - EPS;
}

tg_sdc_reason tg_sdc_count(const tg_sdc_rules *r, double x, double n) {
    assert(r != NULL);
    if (!isnan(n) && n < r->min_count - EPS) return TG_SDC_SMALL;
    if (few(x, r->min_count)) return TG_SDC_SMALL;
    if (isnan(n)) return TG_SDC_SHOWN;
    if (r->complement && few(n - x, r->min_count)) return TG_SDC_COMPLEMENT;
    if (r->zero_hides && n > EPS && (fabs(x) <= EPS || (r->complement && fabs(n - x) <= EPS)))
        return TG_SDC_ZERO;
    return TG_SDC_SHOWN;
}

int tg_sdc_dominated(const tg_sdc_rules *r, double total, const double *top, size_t n_top,
                     double n_parts) {
    double t1 = n_top > 0 ? top[0] : 0, t2 = n_top > 1 ? top[1] : 0, lead = 0;
    assert(r != NULL && (top != NULL || n_top == 0));
    if (!isnan(r->p_percent)) {
        /* The second largest part knows its own share: what is left over
        ** is its error in estimating the largest. */
        if (n_parts < 3 - EPS) return 1;
        if (total - t1 - t2 < r->p_percent / 100 * t1 - EPS) return 1;
    }
    if (!isnan(r->nk_n) && !isnan(r->nk_k)) {
        for (size_t i = 0; i < n_top && (double)i < r->nk_n; i++) lead += top[i];
        if (lead > r->nk_k / 100 * total + EPS) return 1;
    }
    return 0;
}

double tg_sdc_round(const tg_sdc_rules *r, double count) {
    assert(r != NULL);
    if (!(r->round_to > 0) || !isfinite(count)) return count;
    return floor(count / r->round_to + 0.5) * r->round_to;
}

/* ---- secondary suppression ---- */

void tg_sdc_range(const tg_sdc_term *terms, size_t n, const uint8_t *hidden, size_t i, double *lo,
                  double *hi) {
    double shown = 0, omin = 0, omax = 0, a, b;
    assert(terms != NULL && hidden != NULL && i < n && lo != NULL && hi != NULL);
    for (size_t j = 0; j < n; j++) {
        const tg_sdc_term *t = &terms[j];
        if (j == i) continue;
        if (!hidden[t->cell]) {
            shown += t->sign * t->value;
        } else if (t->sign > 0) {
            omin += t->lo;
            omax += t->hi;
        } else {
            omin -= t->hi;
            omax -= t->lo;
        }
    }
    /* sign_i * x_i = -(shown + others) */
    a = -(shown + omax);
    b = -(shown + omin);
    if (terms[i].sign < 0) {
        double s = a;
        a = -b;
        b = -s;
    }
    *lo = fmax(a, terms[i].lo);
    *hi = fmin(b, terms[i].hi);
}

void tg_sdc_bounds(const tg_sdc_rules *r, double v, int is_count, double *lo, double *hi) {
    double top = ceil(r->min_count) - 1;
    assert(r != NULL && lo != NULL && hi != NULL);
    *lo = 0;
    *hi = INFINITY;
    if (!is_count || !(top >= 1)) return;
    if (fabs(v) <= EPS) {
        *hi = top;
    } else if (few(v, r->min_count)) {
        *lo = 1;
        *hi = top;
    } else if (v >= r->min_count - EPS) {
        *lo = top + 1;
    }
}

/* Whether some hidden term of the line is pinned to less than a unit. */
static int exposed(const tg_sdc_term *terms, size_t n, const uint8_t *hidden) {
    for (size_t i = 0; i < n; i++) {
        double lo, hi;
        if (!hidden[terms[i].cell] || terms[i].free) continue;
        tg_sdc_range(terms, n, hidden, i, &lo, &hi);
        if (hi - lo < 1 - EPS) return 1;
    }
    return 0;
}

/* The cheapest shown cell of the line with a finite cost; SIZE_MAX: none. */
static size_t cheapest(const tg_sdc_term *terms, size_t n, const double *cost,
                       const uint8_t *hidden) {
    size_t best = SIZE_MAX;
    for (size_t j = 0; j < n; j++) {
        size_t c = terms[j].cell;
        if (hidden[c] || !isfinite(cost[c])) continue;
        if (best == SIZE_MAX || cost[c] < cost[best] || (cost[c] == cost[best] && c < best))
            best = c;
    }
    return best;
}

size_t tg_sdc_secondary(const tg_sdc_term *terms, const size_t *start, size_t n_lines,
                        const double *cost, uint8_t *hidden, size_t n_cells) {
    size_t stuck = 0;
    int changed = 1;
    assert((terms != NULL && start != NULL && cost != NULL && hidden != NULL) || n_lines == 0);
    (void)n_cells;
    while (changed) {
        changed = 0;
        stuck = 0;
        for (size_t k = 0; k < n_lines; k++) {
            const tg_sdc_term *line = terms + start[k];
            size_t n = start[k + 1] - start[k], c;
            if (!exposed(line, n, hidden)) continue;
            c = cheapest(line, n, cost, hidden);
            if (c == SIZE_MAX) {
                stuck++;
                continue;
            }
            assert(c < n_cells);
            hidden[c] = TG_SDC_SECONDARY;
            changed = 1;
        }
    }
    return stuck;
}
