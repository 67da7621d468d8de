/*
** tg_optim.c -- Nelder-Mead in a box (see tg_optim.h).
*/
#include "tg_optim.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#define K TG_OPTIM_MAX_DIM

/* The simplex: k + 1 vertices and their values, plus the callback. */
typedef struct simplex {
    const tg_optim_nm *nm;
    tg_optim_fn f;
    void *ctx;
    double x[K + 1][K], fx[K + 1];
} simplex;

static void project(const tg_optim_nm *nm, double *x) {
    for (int i = 0; i < nm->k; i++)
        x[i] = x[i] < nm->lo[i] ? nm->lo[i] : x[i] > nm->hi[i] ? nm->hi[i] : x[i];
}

/* x = c + t (w - c), projected onto the box; returns f(x). */
static double try_point(simplex *s, const double *cen, const double *w, double t, double *x) {
    for (int i = 0; i < s->nm->k; i++) x[i] = cen[i] + t * (w[i] - cen[i]);
    project(s->nm, x);
    return s->f(s->ctx, x);
}

/* Orders the vertices best first (insertion sort: k is small and the
** order changes little between iterations). */
static void order(simplex *s) {
    const int k = s->nm->k;
    double tx[K];
    for (int i = 1; i <= k; i++)
        for (int j = i; j > 0 && s->fx[j] < s->fx[j - 1]; j--) {
            double tf = s->fx[j];
            memcpy(tx, s->x[j], (size_t)k * sizeof tx[0]);
            memcpy(s->x[j], s->x[j - 1], (size_t)k * sizeof tx[0]);
            memcpy(s->x[j - 1], tx, (size_t)k * sizeof tx[0]);
            s->fx[j] = s->fx[j - 1];
            s->fx[j - 1] = tf;
        }
}

static void take(simplex *s, int v, const double *x, double fx) {
    memcpy(s->x[v], x, (size_t)s->nm->k * sizeof x[0]);
    s->fx[v] = fx;
}

/* One iteration after ordering; returns the evaluations it used. */
static int step(simplex *s) {
    const int k = s->nm->k;
    double cen[K], xr[K], xe[K];
    for (int i = 0; i < k; i++) {
        cen[i] = 0;
        for (int v = 0; v < k; v++) cen[i] += s->x[v][i];
        cen[i] /= k;
    }
    double fr = try_point(s, cen, s->x[k], -1, xr);
    if (fr < s->fx[0]) {
        double fe = try_point(s, cen, s->x[k], -2, xe);
        if (fe < fr) take(s, k, xe, fe);
        else take(s, k, xr, fr);
        return 2;
    }
    if (fr < s->fx[k - 1]) {
        take(s, k, xr, fr);
        return 1;
    }
    /* Contract towards the better of the reflected and worst point. */
    int outside = fr < s->fx[k];
    double fc = try_point(s, cen, outside ? xr : s->x[k], 0.5, xe);
    if (fc < (outside ? fr : s->fx[k])) {
        take(s, k, xe, fc);
        return 2;
    }
    for (int v = 1; v <= k; v++) s->fx[v] = try_point(s, s->x[0], s->x[v], 0.5, s->x[v]);
    return 2 + k;
}

double tg_optim_nelder_mead(const tg_optim_nm *nm, tg_optim_fn f, void *ctx, double *x) {
    assert(nm != NULL && f != NULL && x != NULL && nm->k >= 1 && nm->k <= K);
    const int k = nm->k;
    simplex s;
    int evals, best = 0;

    s.nm = nm;
    s.f = f;
    s.ctx = ctx;
    for (int v = 0; v <= k; v++) {
        memcpy(s.x[v], x, (size_t)k * sizeof x[0]);
        if (v > 0) {
            double mid = nm->lo[v - 1] / 2 + nm->hi[v - 1] / 2;
            s.x[v][v - 1] += x[v - 1] > mid ? -nm->step[v - 1] : nm->step[v - 1];
        }
        s.fx[v] = f(ctx, s.x[v]);
    }
    evals = k + 1;
    while (evals < nm->max_evals) {
        double size = 0;
        order(&s);
        for (int v = 1; v <= k; v++)
            for (int i = 0; i < k; i++) size = fmax(size, fabs(s.x[v][i] - s.x[0][i]));
        if (s.fx[k] - s.fx[0] <= nm->ftol * fabs(s.fx[0]) + 1e-300 && size < nm->xtol) break;
        if (size < 1e-9) break;
        evals += step(&s);
    }
    for (int v = 1; v <= k; v++)
        if (s.fx[v] < s.fx[best]) best = v;
    memcpy(x, s.x[best], (size_t)k * sizeof x[0]);
    return s.fx[best];
}
