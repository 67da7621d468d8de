/*
** tg_sim.c -- occupancy simulation (see tg_sim.h). One replication of one
** unit is a loop over three kinds of event in continuous time: the next
** referral, the earliest move-out (a binary min-heap of departure times)
** and the next day boundary, where capacity changes take effect, the
** census is counted and periods close. Units run one after the other with
** their own scratch; each (unit, replication) pair has its own random
** stream, so a result never depends on what else was simulated.
*/
#include "tg_sim.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_agg.h"
#include "tg_date.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_normal.h"

#define MAX_DAYS  3660000L   /* 10,000 years: bounds every day count */
#define MAX_START (1L << 22) /* longest steady-state table of a queue */
#define POLL_MASK 0xFFFFu    /* poll every 65,536 events within a replication */

/* ---- closed forms ---- */

double tg_sim_erlang_b(int c, double a) {
    double b = 1.0;
    assert(c >= 0 && a >= 0);
    for (int k = 1; k <= c; k++) b = a * b / ((double)k + a * b);
    return b;
}

double tg_sim_erlang_c(int c, double a) {
    double b;
    assert(c >= 0 && a >= 0);
    if (a >= (double)c) return 1.0;
    b = tg_sim_erlang_b(c, a);
    return (double)c * b / ((double)c - a * (1.0 - b));
}

/* ---- random draws ---- */

/* A uniform in (0, 1]: safe under log. */
static double unif_pos(tg_rng *rng) {
    return 1.0 - tg_rng_double(rng);
}

/* Ziggurat layers (Marsaglia and Tsang 2000, in Doornik's 2005 layout):
** n layers of equal area v under f, x[1] = r the start of the tail,
** x[0] = v / f(r) the width of the base layer that holds the tail,
** x[i + 1] = finv(v / x[i] + f(x[i])), x[n] = 0. */
#define ZN_R 3.442619855899 /* normal: 128 layers */
#define ZN_V 9.91256303526217e-3
#define ZE_R 7.69711747013104972 /* exponential: 256 layers */
#define ZE_V 3.949659822581572e-3

void tg_sim_zig_init(tg_sim_zig *z) {
    z->xn[0] = ZN_V / exp(-0.5 * ZN_R * ZN_R);
    z->xn[1] = ZN_R;
    for (int i = 1; i < 127; i++)
        z->xn[i + 1] = sqrt(-2.0 * log(ZN_V / z->xn[i] + exp(-0.5 * z->xn[i] * z->xn[i])));
    z->xn[128] = 0;
    z->xe[0] = ZE_V / exp(-ZE_R);
    z->xe[1] = ZE_R;
    for (int i = 1; i < 255; i++) z->xe[i + 1] = -log(ZE_V / z->xe[i] + exp(-z->xe[i]));
    z->xe[256] = 0;
}

double tg_sim_draw_exp(const tg_sim_zig *zig, tg_rng *rng, double mean) {
    for (;;) {
        uint64_t bits = tg_rng_next(rng);
        unsigned i = (unsigned)(bits & 0xFF);
        double x = (double)(bits >> 11) * 0x1.0p-53 * zig->xe[i];
        if (x < zig->xe[i + 1]) return mean * x; /* inside the layer's rectangle: 98 % */
        if (i == 0) return mean * (ZE_R - log(unif_pos(rng))); /* the tail is memoryless */
        /* between the curve's values at the layer's edges, relative to f(x) */
        double lo = exp(x - zig->xe[i]), hi = exp(x - zig->xe[i + 1]);
        if (lo + tg_rng_double(rng) * (hi - lo) < 1.0) return mean * x;
    }
}

double tg_sim_draw_normal(const tg_sim_zig *zig, tg_rng *rng) {
    for (;;) {
        uint64_t bits = tg_rng_next(rng);
        unsigned i = (unsigned)(bits & 0x7F);
        double u = 2.0 * ((double)(bits >> 11) * 0x1.0p-53) - 1.0, x = u * zig->xn[i];
        if (fabs(x) < zig->xn[i + 1]) return x; /* 99 % */
        /* the tail beyond r (Marsaglia 1964) */
        if (i == 0) {
            double a, b;
            do {
                a = -log(unif_pos(rng)) / ZN_R;
                b = -log(unif_pos(rng));
            } while (b + b < a * a);
            return u < 0 ? -(ZN_R + a) : ZN_R + a;
        }
        double x2 = x * x, xi = zig->xn[i], xj = zig->xn[i + 1];
        double lo = exp(-0.5 * (xi * xi - x2)), hi = exp(-0.5 * (xj * xj - x2));
        if (lo + tg_rng_double(rng) * (hi - lo) < 1.0) return x;
    }
}

double tg_sim_draw_gamma(const tg_sim_zig *zig, tg_rng *rng, double shape, double scale) {
    double d, c;
    assert(shape > 0 && scale > 0);
    if (shape < 1.0) /* Gamma(k) = Gamma(k + 1) U^(1/k) */
        return tg_sim_draw_gamma(zig, rng, shape + 1.0, scale) * pow(unif_pos(rng), 1.0 / shape);
    d = shape - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v, u;
        do {
            x = tg_sim_draw_normal(zig, rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        u = unif_pos(rng);
        if (u < 1.0 - 0.0331 * x * x * x * x) return d * v * scale;
        if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v))) return d * v * scale;
    }
}

/* mu and sigma of the logarithm for a lognormal with this mean and sd. */
static void lognormal_params(double mean, double sd, double *mu, double *sigma) {
    double s2 = log1p((sd / mean) * (sd / mean));
    *sigma = sqrt(s2);
    *mu = log(mean) - 0.5 * s2;
}

double tg_sim_draw_lognormal(const tg_sim_zig *zig, tg_rng *rng, double mean, double sd) {
    double mu, sigma;
    lognormal_params(mean, sd, &mu, &sigma);
    return exp(mu + sigma * tg_sim_draw_normal(zig, rng));
}

int64_t tg_sim_draw_poisson(tg_rng *rng, double lambda) {
    assert(lambda >= 0);
    if (lambda < 10.0) { /* inversion: walk up the cdf */
        double p = exp(-lambda), f = p, u = tg_rng_double(rng);
        int64_t k = 0;
        while (u > f && k < 1000) {
            k++;
            p *= lambda / (double)k;
            f += p;
        }
        return k;
    }
    /* PTRS (Hormann 1993): transformed rejection with a squeeze. */
    double slam = sqrt(lambda), loglam = log(lambda);
    double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = tg_rng_double(rng) - 0.5, v = tg_rng_double(rng);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr) return (int64_t)k;
        if (k < 0 || (us < 0.013 && v > us)) continue;
        if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <=
            -lambda + k * loglam - lgamma(k + 1.0))
            return (int64_t)k;
    }
}

/* ---- empirical lengths of stay (Kaplan-Meier) ---- */

/* The first j with cum[j] > u, or n when u falls in the tail. */
static size_t search_cum(const double *cum, size_t n, double u) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > u) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* The guide table of an increasing cum[0..n): with m = GUIDE (n + 1)
** entries, g[i] = search_cum(i / m), so a search for u starts at
** g[floor(u m)] and rarely takes a step (the indexed search of Chen and
** Asau). */
#define GUIDE 4

static void make_guide(const double *cum, size_t n, size_t *g) {
    size_t m = GUIDE * (n + 1);
    for (size_t i = 0; i < m; i++) g[i] = search_cum(cum, n, (double)i / (double)m);
}

static size_t guided_search(const double *cum, const size_t *g, size_t n, double u) {
    size_t j = g[(size_t)(u * (double)(GUIDE * (n + 1)))];
    while (j < n && cum[j] <= u) j++;
    return j;
}

struct tg_sim_empirical {
    size_t n;               /* support points */
    double *x;              /* [n] distinct completed lengths, increasing */
    double *cum;            /* [n] 1 - S(x_j); the rest (1 - cum[n-1]) is the tail */
    double *wcum;           /* [n] the same for the length-biased distribution */
    double *surv;           /* [n] S(x_j) */
    size_t *guide, *wguide; /* [GUIDE (n + 1)] see make_guide */
    double tail, xmax, tail_mean;
    double mean, sd;
};

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

tg_status tg_sim_empirical_new(const double *len, const double *entry, const uint8_t *done,
                               size_t n, tg_sim_empirical **out, tg_error *err) {
    tg_sim_empirical *e = NULL;
    double *ev = NULL, *keys = NULL, *lens = NULL, exposure = 0, s = 1, m1 = 0, m2 = 0;
    size_t n_ev = 0, n_sup = 0, ik = 0, il = 0;
    tg_status st = TG_ENOMEM;

    assert(out != NULL && (len != NULL || n == 0));
    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        double en = entry ? entry[i] : 0;
        if (!(len[i] >= 0) || !isfinite(len[i]) || !(en >= 0) || en > len[i])
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "stay %zu: length %g and entry %g must satisfy 0 <= entry <= length",
                              i + 1, len[i], en);
        if (!done || done[i]) n_ev++;
    }
    if (n_ev == 0)
        return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                          "no completed stays to estimate "
                          "the length of stay from");
    if (!(ev = tg_malloc(n_ev * sizeof *ev)) || !(keys = tg_malloc(n * sizeof *keys)) ||
        !(lens = tg_malloc(n * sizeof *lens)) || !(e = tg_calloc(1, sizeof *e)))
        goto done;
    n_ev = 0;
    e->xmax = 0;
    for (size_t i = 0; i < n; i++) {
        double en = entry ? entry[i] : 0;
        if (!done || done[i]) ev[n_ev++] = len[i];
        /* a stay observed from its start is at risk from 0 on; a truncated
        ** one only after its entry */
        keys[i] = en > 0 ? en : -1.0;
        lens[i] = len[i];
        exposure += len[i] - en;
        if (len[i] > e->xmax) e->xmax = len[i];
    }
    qsort(ev, n_ev, sizeof *ev, cmp_double);
    qsort(keys, n, sizeof *keys, cmp_double);
    qsort(lens, n, sizeof *lens, cmp_double);
    for (size_t i = 0; i < n_ev; i++)
        if (i == 0 || ev[i] != ev[i - 1]) n_sup++;
    e->n = n_sup;
    if (!(e->x = tg_malloc(4 * n_sup * sizeof(double))) ||
        !(e->guide = tg_malloc(2 * GUIDE * (n_sup + 1) * sizeof(size_t))))
        goto done;
    e->wguide = e->guide + GUIDE * (n_sup + 1);
    e->cum = e->x + n_sup;
    e->wcum = e->cum + n_sup;
    e->surv = e->wcum + n_sup;
    e->tail_mean = exposure / (double)n_ev;
    n_sup = 0;
    for (size_t i = 0; i < n_ev;) {
        double t = ev[i], d = 0, risk;
        while (i < n_ev && ev[i] == t) {
            i++;
            d++;
        }
        while (ik < n && keys[ik] < t) ik++;
        while (il < n && lens[il] < t) il++;
        risk = (double)ik - (double)il;
        if (risk < d) risk = d; /* an entry equal to its own exit */
        s *= 1.0 - d / risk;
        e->x[n_sup] = t;
        e->surv[n_sup] = s;
        e->cum[n_sup] = 1.0 - s;
        n_sup++;
    }
    e->tail = s;
    /* moments and the length-biased cumulative weights */
    double prev = 1, w = 0;
    for (size_t j = 0; j < n_sup; j++) {
        double p = prev - e->surv[j];
        prev = e->surv[j];
        m1 += p * e->x[j];
        m2 += p * e->x[j] * e->x[j];
        e->wcum[j] = (w += p * e->x[j]);
    }
    double xt = e->xmax + e->tail_mean;
    m1 += e->tail * xt;
    m2 += e->tail * (xt * xt + e->tail_mean * e->tail_mean);
    e->mean = m1;
    e->sd = sqrt(fmax(0, m2 - m1 * m1));
    for (size_t j = 0; j < n_sup; j++) e->wcum[j] = m1 > 0 ? e->wcum[j] / m1 : 1.0;
    make_guide(e->cum, n_sup, e->guide);
    make_guide(e->wcum, n_sup, e->wguide);
    *out = e;
    e = NULL;
    st = TG_OK;
done:
    tg_free(ev);
    tg_free(keys);
    tg_free(lens);
    tg_sim_empirical_free(e);
    if (st == TG_ENOMEM) tg_err_set(err, TG_ENOMEM, NULL, 0, 0, "out of memory");
    return st;
}

void tg_sim_empirical_free(tg_sim_empirical *e) {
    if (!e) return;
    tg_free(e->x);
    tg_free(e->guide);
    tg_free(e);
}

double tg_sim_empirical_survival(const tg_sim_empirical *e, double x) {
    size_t lo = 0, hi = e->n;
    if (x >= e->xmax && e->tail_mean > 0) return e->tail * exp(-(x - e->xmax) / e->tail_mean);
    while (lo < hi) { /* the number of support points <= x */
        size_t mid = lo + (hi - lo) / 2;
        if (e->x[mid] <= x) lo = mid + 1;
        else hi = mid;
    }
    return lo == 0 ? 1.0 : e->surv[lo - 1];
}

double tg_sim_empirical_mean(const tg_sim_empirical *e) {
    return e->mean;
}

double tg_sim_empirical_sd(const tg_sim_empirical *e) {
    return e->sd;
}

size_t tg_sim_empirical_size(const tg_sim_empirical *e) {
    return e->n;
}

double tg_sim_empirical_draw(const tg_sim_empirical *e, const tg_sim_zig *zig, tg_rng *rng) {
    size_t j = guided_search(e->cum, e->guide, e->n, tg_rng_double(rng));
    if (j < e->n) return e->x[j];
    return e->xmax + (e->tail_mean > 0 ? tg_sim_draw_exp(zig, rng, e->tail_mean) : 0);
}

/* A draw from the length-biased distribution (density x f(x) / mean). */
static double empirical_biased(const tg_sim_empirical *e, const tg_sim_zig *zig, tg_rng *rng) {
    size_t j = guided_search(e->wcum, e->wguide, e->n, tg_rng_double(rng));
    double m = e->tail_mean;
    if (j < e->n) return e->x[j];
    if (m <= 0) return e->xmax;
    /* xmax + E length-biased: xmax + Exp(m) w.p. xmax / (xmax + m), else
    ** xmax + Gamma(2, m) */
    if (tg_rng_double(rng) * (e->xmax + m) < e->xmax) return e->xmax + tg_sim_draw_exp(zig, rng, m);
    return e->xmax + tg_sim_draw_gamma(zig, rng, 2.0, m);
}

/* ---- lengths of stay ---- */

struct los_draw {
    tg_sim_dist dist;
    double mean, mu, sigma, shape, scale; /* sigma == 0 / scale == 0: a fixed length */
    const tg_sim_empirical *emp;
    const tg_sim_zig *zig;
};

static void los_prepare(const tg_sim_los *los, const tg_sim_zig *zig, struct los_draw *d) {
    memset(d, 0, sizeof *d);
    d->zig = zig;
    d->dist = los->dist;
    d->mean = los->dist == TG_SIM_EMPIRICAL ? los->emp->mean : los->mean;
    d->emp = los->emp;
    if (los->dist == TG_SIM_LOGNORMAL && los->sd > 0)
        lognormal_params(los->mean, los->sd, &d->mu, &d->sigma);
    if (los->dist == TG_SIM_GAMMA && los->sd > 0) {
        d->shape = (los->mean / los->sd) * (los->mean / los->sd);
        d->scale = los->sd * los->sd / los->mean;
    }
}

static double los_draw(const struct los_draw *d, tg_rng *rng) {
    switch (d->dist) {
    case TG_SIM_EXP: return tg_sim_draw_exp(d->zig, rng, d->mean);
    case TG_SIM_LOGNORMAL:
        return d->sigma > 0 ? exp(d->mu + d->sigma * tg_sim_draw_normal(d->zig, rng)) : d->mean;
    case TG_SIM_GAMMA:
        return d->scale > 0 ? tg_sim_draw_gamma(d->zig, rng, d->shape, d->scale) : d->mean;
    default: return tg_sim_empirical_draw(d->emp, d->zig, rng);
    }
}

/* The remaining stay of a resident met at a random time in steady state:
** U times a length-biased length (for the lognormal that is lognormal
** with mu + sigma^2, for the gamma a gamma with shape k + 1). */
static double los_residual(const struct los_draw *d, tg_rng *rng) {
    double len;
    switch (d->dist) {
    case TG_SIM_EXP: return tg_sim_draw_exp(d->zig, rng, d->mean);
    case TG_SIM_LOGNORMAL:
        len = d->sigma > 0
                  ? exp(d->mu + d->sigma * d->sigma + d->sigma * tg_sim_draw_normal(d->zig, rng))
                  : d->mean;
        break;
    case TG_SIM_GAMMA:
        len = d->scale > 0 ? tg_sim_draw_gamma(d->zig, rng, d->shape + 1.0, d->scale) : d->mean;
        break;
    default: len = empirical_biased(d->emp, d->zig, rng);
    }
    return unif_pos(rng) * len;
}

/* The rest of a stay that has lasted 'elapsed' days: a draw of T - elapsed
** given T > elapsed, by inversion of the conditional distribution. The
** exponential is memoryless; the lognormal is inverted in its upper tail
** (accurate far out); the empirical one draws among the lengths above
** 'elapsed', then its exponential tail; the gamma rejects draws at or
** below 'elapsed' (its quantile lives in stats/, beyond this layer) and
** after 10,000 rejections, far in the tail, uses the tail's exponential
** limit with the gamma's scale. */
static double los_remaining(const struct los_draw *d, tg_rng *rng, double elapsed) {
    if (!(elapsed > 0)) return los_draw(d, rng);
    switch (d->dist) {
    case TG_SIM_EXP: return tg_sim_draw_exp(d->zig, rng, d->mean);
    case TG_SIM_LOGNORMAL: {
        if (!(d->sigma > 0)) return d->mean > elapsed ? d->mean - elapsed : 0;
        double z = (log(elapsed) - d->mu) / d->sigma, q0 = tg_normal_cdf(-z);
        double t = exp(d->mu - d->sigma * tg_normal_quantile(q0 * unif_pos(rng)));
        return t > elapsed ? t - elapsed : 0;
    }
    case TG_SIM_GAMMA:
        if (!(d->scale > 0)) return d->mean > elapsed ? d->mean - elapsed : 0;
        for (int i = 0; i < 10000; i++) {
            double t = tg_sim_draw_gamma(d->zig, rng, d->shape, d->scale);
            if (t > elapsed) return t - elapsed;
        }
        return tg_sim_draw_exp(d->zig, rng, d->scale);
    default: {
        const tg_sim_empirical *e = d->emp;
        size_t k = 0, j;
        double f0, u;
        while (k < e->n && e->x[k] <= elapsed) k++; /* lengths ended by now */
        f0 = k ? e->cum[k - 1] : 0;
        u = f0 + (1 - f0) * tg_rng_double(rng);
        for (j = k; j < e->n && e->cum[j] <= u; j++) {
        }
        if (j < e->n) return e->x[j] - elapsed;
        /* The tail beyond the longest completed stay is exponential. */
        return (e->xmax > elapsed ? e->xmax - elapsed : 0) +
               (e->tail_mean > 0 ? tg_sim_draw_exp(d->zig, rng, e->tail_mean) : 0);
    }
    }
}

double tg_sim_draw_remaining(const tg_sim_los *los, const tg_sim_zig *zig, tg_rng *rng,
                             double elapsed) {
    struct los_draw d;
    los_prepare(los, zig, &d);
    return los_remaining(&d, rng, elapsed);
}

double tg_sim_los_mean(const tg_sim_los *los) {
    return los->dist == TG_SIM_EMPIRICAL ? los->emp->mean : los->mean;
}

/* ---- preparing a unit ---- */

struct prep {
    const tg_sim_unit *u;
    struct los_draw los;
    double *seg_end, *seg_rate; /* arrival rate, constant on [seg_end[k-1], seg_end[k]) */
    double *seg_mean;           /* 1 / rate: the mean gap, to multiply rather than divide */
    size_t n_seg;
    double *start_cdf; /* steady-state cdf of the number in system, or NULL */
    size_t n_start;
    long start_fixed; /* number in system when start_cdf is NULL */
    int cmax;
    size_t hist_len;
    double *arr; /* scratch: one replication's referral times, INFINITY last */
    size_t arr_cap;
};

static void prep_free(struct prep *p) {
    tg_free(p->seg_end);
    tg_free(p->start_cdf);
    tg_free(p->arr);
    memset(p, 0, sizeof *p);
}

/* The arrival rate of day d (d may be negative: the warm-up). */
static double day_rate(const tg_sim_unit *u, const tg_sim_opts *o, double daily_mean, long d) {
    if (u->daily) return d >= 0 ? u->daily[d] : daily_mean;
    if (!u->season) return u->rate;
    return u->rate * u->season[tg_date_month((int32_t)(o->start + d)) - 1];
}

static tg_status check_unit(const tg_sim_unit *u, size_t k, const tg_sim_opts *o, tg_error *err) {
    char what[96];
    long prev = 0;

    if (u->id) snprintf(what, sizeof what, "tilbud '%.80s'", u->id);
    else snprintf(what, sizeof what, "tilbud %zu", k + 1);
#define BAD(...) tg_err_set(err, TG_EARG, NULL, 0, 0, __VA_ARGS__)
    if (!(u->rate >= 0) || !isfinite(u->rate))
        return BAD("%s: the referral rate must be a number >= 0", what);
    for (int m = 0; u->season && m < 12; m++)
        if (!(u->season[m] >= 0) || !isfinite(u->season[m]))
            return BAD("%s: seasonal factor %d must be a number >= 0", what, m + 1);
    for (long d = 0; u->daily && d < o->days; d++)
        if (!(u->daily[d] >= 0) || !isfinite(u->daily[d]))
            return BAD("%s: the rate of day %ld must be a number >= 0", what, d + 1);
    if (u->places < 0 || u->places > TG_SIM_MAX_PLACES)
        return BAD("%s: places must be between 0 and %d", what, TG_SIM_MAX_PLACES);
    for (size_t s = 0; s < u->n_steps; s++) {
        if (u->steps[s].day <= prev || u->steps[s].day >= o->days)
            return BAD("%s: capacity changes must fall on increasing days within the horizon "
                       "(after its first day)",
                       what);
        if (u->steps[s].places < 0 || u->steps[s].places > TG_SIM_MAX_PLACES)
            return BAD("%s: places must be between 0 and %d", what, TG_SIM_MAX_PLACES);
        prev = u->steps[s].day;
    }
    switch (u->los.dist) {
    case TG_SIM_EXP:
    case TG_SIM_LOGNORMAL:
    case TG_SIM_GAMMA:
        if (!(u->los.mean > 0) || !isfinite(u->los.mean))
            return BAD("%s: the mean length of stay must be > 0", what);
        if (u->los.dist != TG_SIM_EXP && (!(u->los.sd >= 0) || !isfinite(u->los.sd)))
            return BAD("%s: the standard deviation of the length of stay must be >= 0", what);
        break;
    case TG_SIM_EMPIRICAL:
        if (!u->los.emp) return BAD("%s: no empirical length-of-stay distribution", what);
        if (!(u->los.emp->mean > 0)) return BAD("%s: every observed stay has length 0", what);
        break;
    default: return BAD("%s: unknown length-of-stay distribution", what);
    }
    if (u->policy != TG_SIM_QUEUE && u->policy != TG_SIM_LOSS)
        return BAD("%s: unknown policy", what);
    if (u->start_occupied > TG_SIM_MAX_PLACES || u->start_queue < 0 || u->start_queue > MAX_START)
        return BAD("%s: the starting occupancy or waiting list is out of range", what);
    if (u->start_occupied >= 0 && u->start_queue > 0 &&
        (u->policy == TG_SIM_LOSS || (u->queue_max >= 0 && u->start_queue > u->queue_max)))
        return BAD("%s: the starting waiting list is longer than the policy allows", what);
    if (u->n_elapsed > 0 && (u->start_occupied < 0 || (size_t)u->start_occupied < u->n_elapsed))
        return BAD("%s: %zu elapsed stays given for %ld residents at the start", what, u->n_elapsed,
                   u->start_occupied < 0 ? 0 : u->start_occupied);
    for (size_t r = 0; r < u->n_elapsed; r++)
        if (!(u->elapsed[r] >= 0) || isinf(u->elapsed[r]))
            return BAD("%s: an elapsed stay must be a finite number of days >= 0, got %g", what,
                       u->elapsed[r]);
#undef BAD
    return TG_OK;
}

/* The steady-state cdf of the number in system for load a, c places and
** the unit's policy (see tg_sim_run). */
static tg_status start_table(struct prep *p, double a, int c) {
    const tg_sim_unit *u = p->u;
    size_t n;
    double lmax = -INFINITY, total = 0, rho = a / (double)c;

    p->start_fixed = 0;
    if (a <= 0 || c == 0) return TG_OK;
    if (u->policy == TG_SIM_LOSS) {
        n = (size_t)c + 1;
    } else if (u->queue_max >= 0) {
        n = (size_t)c + (size_t)u->queue_max + 1;
    } else if (rho >= 1) {
        p->start_fixed = c;
        return TG_OK;
    } else {
        n = (size_t)c + 1 + (size_t)ceil(40.0 / -log(rho));
    }
    if (n > MAX_START) n = MAX_START;
    if (!(p->start_cdf = tg_malloc(n * sizeof(double)))) return TG_ENOMEM;
    p->n_start = n;
    for (size_t k = 0; k < n; k++) { /* log weights first: a^k / k! overflows */
        double lw = k <= (size_t)c ? (double)k * log(a) - lgamma((double)k + 1.0)
                                   : p->start_cdf[c] + (double)(k - (size_t)c) * log(rho);
        p->start_cdf[k] = lw;
        if (lw > lmax) lmax = lw;
    }
    for (size_t k = 0; k < n; k++) p->start_cdf[k] = (total += exp(p->start_cdf[k] - lmax));
    for (size_t k = 0; k < n; k++) p->start_cdf[k] /= total;
    return TG_OK;
}

static tg_status prep_unit(struct prep *p, const tg_sim_unit *u, const tg_sim_opts *o,
                           const tg_sim_zig *zig) {
    long w = o->warmup, first_year = o->days < 365 ? o->days : 365;
    double daily_mean = 0, mean_rate = 0;
    size_t n;

    memset(p, 0, sizeof *p);
    p->u = u;
    los_prepare(&u->los, zig, &p->los);
    for (long d = 0; u->daily && d < first_year; d++)
        daily_mean += u->daily[d] / (double)first_year;
    /* merge days of equal rate into segments */
    if (!(p->seg_end = tg_malloc(3 * (size_t)(w + o->days) * sizeof(double)))) return TG_ENOMEM;
    p->seg_rate = p->seg_end + (w + o->days);
    p->seg_mean = p->seg_rate + (w + o->days);
    n = 0;
    for (long d = -w; d < o->days; d++) {
        double r = day_rate(u, o, daily_mean, d);
        if (d >= 0 && d < first_year) mean_rate += r / (double)first_year;
        if (n > 0 && p->seg_rate[n - 1] == r) p->seg_end[n - 1] = (double)(d + 1);
        else {
            p->seg_rate[n] = r;
            p->seg_end[n++] = (double)(d + 1);
        }
    }
    p->n_seg = n;
    for (size_t k = 0; k < n; k++) p->seg_mean[k] = p->seg_rate[k] > 0 ? 1.0 / p->seg_rate[k] : 0;
    /* room for the mean number of referrals and 6 standard deviations */
    double expect = 0;
    for (size_t k = 0; k < n; k++)
        expect += p->seg_rate[k] * (p->seg_end[k] - (k ? p->seg_end[k - 1] : -(double)w));
    p->arr_cap = (size_t)fmin(expect + 6 * sqrt(expect) + 64, 1 << 20);
    if (!(p->arr = tg_malloc(p->arr_cap * sizeof *p->arr))) return TG_ENOMEM;
    p->cmax = u->places;
    for (size_t s = 0; s < u->n_steps; s++)
        if (u->steps[s].places > p->cmax) p->cmax = u->steps[s].places;
    if (u->start_occupied < 0) {
        tg_status st = start_table(p, mean_rate * p->los.mean, u->places);
        if (st != TG_OK) return st;
        p->hist_len = (size_t)p->cmax + 1;
    } else {
        p->start_fixed = u->start_occupied;
        p->hist_len = (size_t)(u->start_occupied > p->cmax ? u->start_occupied : p->cmax) + 1;
    }
    return TG_OK;
}

/* ---- one replication ---- */

struct rep_out {
    double referrals, waited, lost, area, full, qarea;
};

/* The departure heap: a 4-ary min-heap h[0..n) (children of i are
** 4i + 1 .. 4i + 4) followed by four +infinity sentinels, so the smallest
** child is found without bounds tests and without branches. Four children
** halve the levels of a binary heap; pops are bound by the latency of
** walking down, so fewer levels is what counts. */
#define HEAP_PAD 4

static size_t min_child(const double *h, size_t l) {
    size_t a = l + (h[l + 1] < h[l]), b = l + 2 + (h[l + 3] < h[l + 2]);
    return h[b] < h[a] ? b : a;
}

static void heap_push(double *h, size_t *n, double v) {
    size_t i = (*n)++;
    h[*n + HEAP_PAD - 1] = INFINITY;
    while (i > 0 && h[(i - 1) / 4] > v) {
        h[i] = h[(i - 1) / 4];
        i = (i - 1) / 4;
    }
    h[i] = v;
}

/* Replaces the root with v and restores the heap, bottom-up (Floyd): the
** hole goes down to a leaf along the smallest children and v climbs back
** from there, usually not far since v is mostly the old last leaf. */
static void heap_sift_root(double *h, size_t n, double v) {
    size_t i = 0, l;
    while ((l = 4 * i + 1) < n) {
        size_t m = min_child(h, l);
        h[i] = h[m];
        i = m;
    }
    while (i > 0 && h[(i - 1) / 4] > v) {
        h[i] = h[(i - 1) / 4];
        i = (i - 1) / 4;
    }
    h[i] = v;
}

/* Removes the root. */
static void heap_pop(double *h, size_t *n) {
    double v = h[--*n];
    h[*n] = INFINITY;
    if (*n) heap_sift_root(h, *n, v);
}

static void heapify(double *h, size_t n) {
    for (size_t k = 0; k < HEAP_PAD; k++) h[n + k] = INFINITY;
    for (size_t i = n / 4 + 1; i-- > 0;) {
        double v = h[i];
        size_t j = i, l;
        while ((l = 4 * j + 1) < n) {
            size_t m = min_child(h, l);
            if (h[m] >= v) break;
            h[j] = h[m];
            j = m;
        }
        h[j] = v;
    }
}

/* The next referral after t with the day rates of p (exact for a Poisson
** process whose rate is constant within each segment: the unit exponential
** is spent across segments). INFINITY when none comes before the end. */
static double next_arrival(const struct prep *p, tg_rng *rng, size_t *seg, double t) {
    double e = tg_sim_draw_exp(p->los.zig, rng, 1.0);
    while (*seg < p->n_seg) {
        double r = p->seg_rate[*seg], end = p->seg_end[*seg];
        if (r > 0) {
            double ti = t + e * p->seg_mean[*seg];
            if (ti < end) return ti;
            e = fmax(0, e - (end - t) * r);
        }
        t = end;
        ++*seg;
    }
    return INFINITY;
}

/* One replication. Between events occupancy is constant, so a run of
** ordinary day boundaries only adds to the census; days where capacity
** changes or a period ends (and day 0, where counting starts) are handled
** one at a time. */
static tg_status run_rep(struct prep *p, const tg_sim_opts *o, tg_rng *rng, double *heap,
                         uint64_t *hist, double *occ, struct rep_out *out,
                         const tg_interrupt *intr) {
    const tg_sim_unit *u = p->u;
    const long days = o->days, qmax = u->policy == TG_SIM_LOSS ? 0 : u->queue_max;
    size_t nh = 0, seg = 0, step = 0, per = 0, na = 0, ia = 1;
    long n_sys, nres, q, day = 0;
    long next_step = u->n_steps ? u->steps[0].day : LONG_MAX;
    long next_per = o->n_periods > 1 ? o->periods[1] : days;
    long special = 0; /* the next day needing more than a census */
    int c = u->places;
    double t = -(double)o->warmup, area_mark = 0, ta, end = (double)days, dep;
    double area = 0, qarea = 0, full = 0, referrals = 0, waited = 0, lost = 0;
    unsigned work = 0;
    tg_status st;

    if (p->start_cdf) {
        n_sys = (long)search_cum(p->start_cdf, p->n_start - 1, tg_rng_double(rng));
        nres = n_sys < c ? n_sys : c;
        q = n_sys - nres;
    } else {
        nres = p->start_fixed;
        q = u->start_occupied >= 0 ? u->start_queue : 0;
    }
    /* A move-out after the horizon never happens within it: such
    ** residents are counted in nres but kept out of the heap. */
    for (long k = 0; k < nres; k++) {
        /* Residents whose elapsed stay is known go on from it. */
        double rest = u->elapsed && (size_t)k < u->n_elapsed
                          ? los_remaining(&p->los, rng, u->elapsed[k])
                          : los_residual(&p->los, rng);
        if ((dep = t + rest) < end) heap[nh++] = dep;
    }
    heapify(heap, nh);
    /* All referral times first, in a tight loop (the draws pipeline
    ** better than between events). */
    for (double ti = t;;) {
        if (na == p->arr_cap) {
            size_t cap = 2 * p->arr_cap;
            double *grown = tg_realloc(p->arr, cap * sizeof *grown);
            if (!grown) return TG_ENOMEM;
            p->arr = grown;
            p->arr_cap = cap;
        }
        p->arr[na++] = ti = next_arrival(p, rng, &seg, ti);
        if (ti == INFINITY) break;
    }
    ta = p->arr[0];

    for (;;) {
        double te = heap[0] < ta ? heap[0] : ta;  /* heap[0] is +infinity when empty */
        if ((double)day <= te && day < special) { /* ordinary days before the event */
            long last = te < (double)special ? (long)te : special - 1;
            hist[nres] += (uint64_t)(last - day + 1);
            day = last + 1;
        }
        if ((double)day <= te) { /* a special day before the event */
            if (t >= 0) {        /* integrate over [t, day) */
                double dt = (double)day - t;
                area += (double)nres * dt;
                qarea += (double)q * dt;
                if (nres >= c) full += dt;
            }
            t = (double)day;
            if (day == next_step) {
                c = u->steps[step].places;
                next_step = ++step < u->n_steps ? u->steps[step].day : LONG_MAX;
                while (q > 0 && nres < c) {
                    q--;
                    nres++;
                    if ((dep = t + los_draw(&p->los, rng)) < end) heap_push(heap, &nh, dep);
                }
            }
            if (day == next_per) {
                occ[per] = area - area_mark;
                area_mark = area;
                per++;
                next_per = per + 1 < o->n_periods ? o->periods[per + 1] : days;
            }
            if (day == days) break;
            hist[nres]++;
            day++;
            special = next_step < next_per ? next_step : next_per;
            continue;
        }
        if (t >= 0) { /* integrate over [t, te) */
            double dt = te - t;
            area += (double)nres * dt;
            qarea += (double)q * dt;
            if (nres >= c) full += dt;
        }
        t = te;
        if (te == ta) { /* a referral */
            int counted = t >= 0;
            referrals += counted;
            if (nres < c) {
                nres++;
                if ((dep = t + los_draw(&p->los, rng)) < end) heap_push(heap, &nh, dep);
            } else {
                waited += counted;
                if (qmax < 0 || q < qmax) q++;
                else lost += counted;
            }
            ta = p->arr[ia++];
        } else if (q > 0 && nres <= c &&
                   (dep = t + los_draw(&p->los, rng)) < end) { /* the next on the list moves in */
            q--;
            heap_sift_root(heap, nh, dep);
        } else { /* a move-out (and maybe a move-in staying past the horizon) */
            if (q > 0 && nres <= c) q--;
            else nres--;
            heap_pop(heap, &nh);
        }
        if ((++work & POLL_MASK) == 0 && (st = tg_poll(intr)) != TG_OK) return st;
    }
    out->referrals = referrals;
    out->waited = waited;
    out->lost = lost;
    out->area = area;
    out->qarea = qarea;
    out->full = full;
    return TG_OK;
}

/* ---- statistics ---- */

static int hist_quantile(const uint64_t *hist, size_t n, double p) {
    uint64_t total = 0, cum = 0;
    for (size_t k = 0; k < n; k++) total += hist[k];
    for (size_t k = 0; k < n; k++)
        if ((double)(cum += hist[k]) >= p * (double)total) return (int)k;
    return (int)n - 1;
}

/* Mean and standard error of x[0..n). */
static double mean_se(const double *x, size_t n, double *se) {
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++) m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
    *se = n > 1 ? sqrt(ss / ((double)n * (double)(n - 1))) : 0;
    return m;
}

/* The ratio of sums sum(x) / sum(y) and its standard error by
** linearisation (the ratio estimator's usual formula). 0 when sum(y) is 0. */
static double ratio_se(const double *x, const double *y, size_t n, double *se) {
    double sx = 0, sy = 0, r, ss = 0, ybar;
    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
    }
    *se = 0;
    if (sy <= 0) return 0;
    r = sx / sy;
    ybar = sy / (double)n;
    for (size_t i = 0; i < n; i++) ss += (x[i] - r * y[i]) * (x[i] - r * y[i]);
    if (n > 1) *se = sqrt(ss / ((double)n * (double)(n - 1))) / ybar;
    return r;
}

/* ---- the run ---- */

void tg_sim_result_free(tg_sim_result *r) {
    if (!r) return;
    tg_free(r->units);
    tg_free(r->periods);
    tg_free(r->occupied);
    tg_free(r);
}

/* Places on day d. */
static int places_on(const tg_sim_unit *u, long d) {
    int c = u->places;
    for (size_t s = 0; s < u->n_steps && u->steps[s].day <= d; s++) c = u->steps[s].places;
    return c;
}

static tg_status check_opts(const tg_sim_opts *o, size_t n, tg_error *err) {
    if (o->days < 1 || o->days > MAX_DAYS || o->warmup < 0 || o->warmup > MAX_DAYS)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "days must be 1..%ld and warm-up 0..%ld",
                          MAX_DAYS, MAX_DAYS);
    if (o->reps < 1 || (size_t)o->reps > SIZE_MAX / 64 / (n ? n : 1))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "replications must be >= 1");
    if (o->n_periods > 0 && (o->periods[0] != 0))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "the first period must start on day 0");
    for (size_t k = 1; k < o->n_periods; k++)
        if (o->periods[k] <= o->periods[k - 1] || o->periods[k] >= o->days)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "periods must start on increasing days within the horizon");
    return TG_OK;
}

/* Simulates unit k into r; scratch holds 7 * reps doubles. */
static tg_status run_unit(const tg_sim_unit *u, size_t k, const tg_sim_opts *o, tg_sim_result *r,
                          double *scratch, const tg_sim_zig *zig, const tg_interrupt *intr) {
    struct prep p;
    size_t reps = r->reps, np = r->n_periods;
    double *heap = NULL, *ref = scratch, *waited = ref + reps, *lost = waited + reps,
           *area = lost + reps, *full = area + reps, *qarea = full + reps, *tmp = qarea + reps;
    uint64_t *hist = NULL;
    tg_sim_summary *s = &r->units[k];
    tg_status st;

    if ((st = prep_unit(&p, u, o, zig)) != TG_OK) goto done;
    st = TG_ENOMEM;
    if (!(hist = tg_calloc(p.hist_len, sizeof *hist)) ||
        !(heap = tg_malloc((p.hist_len + HEAP_PAD + 1) * sizeof *heap)))
        goto done;
    for (size_t rep = 0; rep < reps; rep++) {
        struct rep_out ro;
        tg_rng rng;
        uint64_t stream = ((uint64_t)k << 32) ^ (uint64_t)rep;
        tg_rng_seed(&rng, o->seed ^ (stream * 0xD1B54A32D192ED03u), stream + 0x632BE59BD9B4E019u);
        if ((st = tg_poll(intr)) != TG_OK) goto done;
        st = run_rep(&p, o, &rng, heap, hist, r->occupied + (k * reps + rep) * np, &ro, intr);
        if (st != TG_OK) goto done;
        ref[rep] = ro.referrals;
        waited[rep] = ro.waited;
        lost[rep] = ro.lost;
        area[rep] = ro.area / (double)o->days;
        full[rep] = ro.full / (double)o->days;
        qarea[rep] = ro.qarea;
    }
    /* summary */
    double se;
    s->referrals = mean_se(ref, reps, &se);
    s->occ_mean = mean_se(area, reps, &s->occ_se);
    s->occ_p5 = hist_quantile(hist, p.hist_len, 0.05);
    s->occ_p50 = hist_quantile(hist, p.hist_len, 0.50);
    s->occ_p95 = hist_quantile(hist, p.hist_len, 0.95);
    s->p_full = mean_se(full, reps, &s->p_full_se);
    s->p_wait = ratio_se(waited, ref, reps, &s->p_wait_se);
    s->wait_mean = ratio_se(qarea, ref, reps, &s->wait_se);
    s->lost = mean_se(lost, reps, &se);
    s->p_lost = ratio_se(lost, ref, reps, &s->p_lost_se);
    s->possible = 0;
    for (size_t j = 0; j < np; j++) {
        tg_sim_period *pd = &r->periods[k * np + j];
        pd->first = o->n_periods ? o->periods[j] : 0;
        pd->n_days = (j + 1 < np ? o->periods[j + 1] : o->days) - pd->first;
        pd->possible = 0;
        for (long d = pd->first; d < pd->first + pd->n_days; d++) pd->possible += places_on(u, d);
        s->possible += pd->possible;
        for (size_t rep = 0; rep < reps; rep++) tmp[rep] = r->occupied[(k * reps + rep) * np + j];
        pd->occ_mean = mean_se(tmp, reps, &se);
        pd->occ_p5 = tg_agg_quantile(tmp, reps, 0.05, TG_QUANTILE_LINEAR);
        pd->occ_p50 = tg_agg_quantile(tmp, reps, 0.50, TG_QUANTILE_LINEAR);
        pd->occ_p95 = tg_agg_quantile(tmp, reps, 0.95, TG_QUANTILE_LINEAR);
    }
    for (size_t rep = 0; rep < reps; rep++)
        tmp[rep] = s->possible > 0 ? 100.0 * area[rep] * (double)o->days / s->possible : 0;
    s->pct_mean = mean_se(tmp, reps, &se);
    s->pct_p5 = tg_agg_quantile(tmp, reps, 0.05, TG_QUANTILE_LINEAR);
    s->pct_p50 = tg_agg_quantile(tmp, reps, 0.50, TG_QUANTILE_LINEAR);
    s->pct_p95 = tg_agg_quantile(tmp, reps, 0.95, TG_QUANTILE_LINEAR);
    st = TG_OK;
done:
    tg_free(hist);
    tg_free(heap);
    prep_free(&p);
    return st;
}

tg_status tg_sim_run(const tg_sim_unit *units, size_t n, const tg_sim_opts *opts,
                     const tg_interrupt *intr, tg_sim_result **out, tg_error *err) {
    tg_sim_result *r;
    double *scratch = NULL;
    size_t reps, np;
    tg_sim_zig zig;
    tg_status st;

    assert(opts != NULL && out != NULL && (units != NULL || n == 0));
    *out = NULL;
    if ((st = check_opts(opts, n, err)) != TG_OK) return st;
    for (size_t k = 0; k < n; k++)
        if ((st = check_unit(&units[k], k, opts, err)) != TG_OK) return st;
    tg_sim_zig_init(&zig);
    reps = (size_t)opts->reps;
    np = opts->n_periods ? opts->n_periods : 1;
    if (!(r = tg_calloc(1, sizeof *r))) goto oom;
    r->n_units = n;
    r->reps = reps;
    r->n_periods = np;
    if (n > 0 && (!(r->units = tg_calloc(n, sizeof *r->units)) ||
                  !(r->periods = tg_calloc(n * np, sizeof *r->periods)) ||
                  (reps * np > SIZE_MAX / sizeof(double) / n) ||
                  !(r->occupied = tg_malloc(n * reps * np * sizeof(double))) ||
                  !(scratch = tg_malloc(7 * reps * sizeof(double)))))
        goto oom;
    for (size_t k = 0; k < n; k++) {
        if ((st = run_unit(&units[k], k, opts, r, scratch, &zig, intr)) != TG_OK) {
            if (st == TG_ENOMEM) goto oom;
            tg_free(scratch);
            tg_sim_result_free(r);
            return tg_err_set(err, st, NULL, 0, 0,
                              st == TG_ECANCEL ? "simulation cancelled" : "simulation stopped");
        }
    }
    tg_free(scratch);
    *out = r;
    return TG_OK;
oom:
    tg_free(scratch);
    tg_sim_result_free(r);
    return tg_err_set(err, TG_ENOMEM, NULL, 0, 0, "out of memory");
}
