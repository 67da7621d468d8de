/*
** tg_ets.c -- the ETS family fitted by maximum likelihood (see tg_ets.h).
** One filter, written in the observation form (the level is pulled
** towards the deseasonalised observation), serves every combination of
** error, trend and season; the error type only changes the likelihood.
** Fitting optimises the smoothing parameters (in the unit cube, mapped so
** beta < alpha and gamma < 1 - alpha always hold) together with the
** initial states (scaled by the series' size) with tg_optim's
** Nelder-Mead, from several starts.
*/
#include "tg_ets.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "tg_err.h"
#include "tg_etsvar.h"
#include "tg_mem.h"
#include "tg_normal.h"
#include "tg_optim.h"
#include "tg_rng.h"

#define EDGE               1e-4 /* the usual bounds: alpha, beta, gamma in [1e-4, 0.9999] */
#define PHI_LO             0.8
#define PHI_HI             0.98
#define MAX_FREE           4
#define MAX_X              (MAX_FREE + 2 + TG_FC_MAX_PERIOD - 1)
#define NM_RUNS            10    /* restarts from the best vertex while they still help */
#define FULL_STARTS        2     /* starts that go on to the joint fit of parameters and states */
#define ROOT_SLACK         1e-10 /* a root this far outside the unit circle still counts as inside */
#define MAX_ANALYTIC_STEPS 20000 /* class 2 and 3 variances up to this many steps (gap + h) */

/* ---- the model ---- */

void tg_ets_spec_init(tg_ets_spec *spec) {
    assert(spec != NULL);
    spec->error = spec->trend = spec->damped = spec->season = TG_ETS_AUTO;
    spec->period = 12;
    spec->alpha = spec->beta = spec->gamma = spec->phi = NAN;
}

static int letter(char c, int allow_m) {
    if (c == 'N') return TG_ETS_N;
    if (c == 'A') return TG_ETS_A;
    if (c == 'M' && allow_m) return TG_ETS_M;
    if (c == 'Z') return TG_ETS_AUTO;
    return -2;
}

tg_status tg_ets_parse(const char *code, tg_ets_spec *spec, tg_error *err) {
    assert(code != NULL && spec != NULL);
    size_t len = strlen(code);
    int e, t, s, d = 0;
    int damped = len == 4 && code[1] == 'A' && code[2] == 'd';
    if (len != 3 && !damped) goto bad;
    e = letter(code[0], 1);
    t = letter(code[1], 0);
    s = letter(code[len - 1], 1);
    if (e == -2 || e == TG_ETS_N || t == -2 || s == -2) goto bad;
    if (damped) d = 1;
    else if (t == TG_ETS_AUTO) d = TG_ETS_AUTO;
    spec->error = e;
    spec->trend = t;
    spec->damped = d;
    spec->season = s;
    return TG_OK;
bad:
    return tg_err_set(err, TG_EARG, NULL, 0, 0,
                      "model must be three letters error, trend, season (A or M error, N, A "
                      "or Ad trend, N, A or M season, Z = choose), like \"ZZZ\" or \"AAdA\"; "
                      "got '%.20s'",
                      code);
}

void tg_ets_name(int error, int trend, int damped, int season, char *buf) {
    static const char L[] = "NAM";
    size_t i = 0;
    buf[i++] = L[error];
    buf[i++] = ',';
    buf[i++] = L[trend];
    if (trend && damped) buf[i++] = 'd';
    buf[i++] = ',';
    buf[i++] = L[season];
    buf[i] = '\0';
}

tg_status tg_ets_check(const tg_ets_spec *spec, tg_error *err) {
    assert(spec != NULL);
    tg_status st;
    int seasonal = spec->period >= 2 && spec->season != TG_ETS_N;
    if (spec->period < 0 || spec->period > TG_FC_MAX_PERIOD)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "period must be between 1 and %d, got %d",
                          TG_FC_MAX_PERIOD, spec->period);
    if (spec->period < 2 && (spec->season == TG_ETS_A || spec->season == TG_ETS_M))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "a seasonal model needs a period of 2 or more");
    if (spec->damped == 1 && spec->trend == TG_ETS_N)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "a damped model needs a trend");
    if ((st = tg_fc_check_param(spec->alpha, "alpha", 1, 0, err)) != TG_OK) return st;
    if ((st = tg_fc_check_param(spec->beta, "beta", spec->trend != TG_ETS_N, 0, err)) != TG_OK)
        return st;
    if ((st = tg_fc_check_param(spec->gamma, "gamma", seasonal, 0, err)) != TG_OK) return st;
    return tg_fc_check_param(spec->phi, "phi", spec->trend != TG_ETS_N && spec->damped != 0, 1,
                             err);
}

static size_t period_of(const tg_ets_model *mod) {
    return mod->season && mod->period > 1 ? (size_t)mod->period : 1;
}

double tg_ets_eval(tg_ets_model *mod, const double *y, size_t n) {
    assert(mod != NULL && (y != NULL || n == 0));
    const double alpha = mod->alpha, beta = mod->beta, gamma = mod->gamma;
    const double phi = mod->trend ? mod->phi : 0;
    const int mult_e = mod->error == TG_ETS_M, S = mod->season;
    const size_t m = period_of(mod);
    double l = mod->init.level, b = mod->trend ? mod->init.slope : 0, s[TG_FC_MAX_PERIOD];
    double sse = 0, e2 = 0, logs = 0, l_last = l, b_last = b;
    size_t p = 0, obs = 0, missing = 0;

    memcpy(s, mod->init.season, m * sizeof s[0]);
    for (size_t i = 0; i < n; i++) {
        double q = l + phi * b, so = S == TG_ETS_M ? s[p] : S == TG_ETS_A ? s[p] : 0;
        double f = S == TG_ETS_M ? q * so : q + so;
        if (isfinite(y[i])) {
            double d = y[i] - f, pull;
            /* A multiplicative season divides by the level and the
            ** season; a multiplicative error by the forecast (its sign
            ** is R's business: it takes log |yhat|). */
            if (S == TG_ETS_M && !(q > 0 && so > 0)) return mod->lik = HUGE_VAL;
            if (mult_e && !(f != 0)) return mod->lik = HUGE_VAL;
            sse += d * d;
            if (mult_e) {
                e2 += (d / f) * (d / f);
                logs += log(fabs(f));
            } else {
                e2 += d * d;
            }
            /* The deseasonalised observation minus the one-step level. */
            pull = (S == TG_ETS_M ? y[i] / so : y[i] - so) - q;
            l = q + alpha * pull;
            b = phi * b + beta * pull;
            if (S == TG_ETS_A) s[p] = so + gamma * (y[i] - q - so);
            if (S == TG_ETS_M) s[p] = so + gamma * (y[i] / q - so);
            l_last = l;
            b_last = b;
            obs++;
            missing = 0;
        } else {
            l = q;
            b = phi * b;
            missing++;
        }
        if (++p == m) p = 0;
    }
    mod->n = n;
    mod->n_obs = obs;
    mod->gap = missing;
    mod->last.level = l_last;
    mod->last.slope = b_last;
    memcpy(mod->last.season, s, m * sizeof s[0]);
    mod->sse = sse;
    if (obs == 0) return mod->lik = HUGE_VAL;
    mod->lik = (double)obs * log(e2) + 2 * logs;
    mod->loglik = -mod->lik / 2;
    double k = mod->n_par, nn = (double)obs;
    mod->aic = mod->lik + 2 * k;
    mod->aicc = nn - k - 1 > 0 ? mod->aic + 2 * k * (k + 1) / (nn - k - 1) : HUGE_VAL;
    mod->bic = mod->lik + log(nn) * k;
    /* As R: sigma^2 over n less the fitted coefficients (sigma not counted). */
    mod->sigma2 = nn > k - 1 ? e2 / (nn - k + 1) : e2 / nn;
    return isfinite(mod->lik) ? mod->lik : HUGE_VAL;
}

/* ---- the admissible region ---- */

/* 1 when every root of a[0] + a[1] z + ... + a[deg] z^deg lies inside the
** unit circle (Schur-Cohn: |a0| < |a_deg| and the same for the reduced
** polynomial (a_deg p(z) - a0 p*(z)) / z, renormalised at each step so
** the coefficients neither overflow nor vanish). */
static int roots_inside(double *a, int deg) {
    while (deg > 0) {
        double a0 = a[0], an = a[deg], top;
        if (!(fabs(a0) < fabs(an))) return 0;
        double r[TG_FC_MAX_PERIOD + 2];
        for (int k = 1; k <= deg; k++) r[k - 1] = an * a[k] - a0 * a[deg - k];
        memcpy(a, r, (size_t)deg * sizeof r[0]);
        deg--;
        top = a[deg];
        for (int k = 0; k <= deg; k++) a[k] /= top;
    }
    return 1;
}

int tg_ets_admissible(const tg_ets_model *mod) {
    assert(mod != NULL);
    const double a = mod->alpha, b = mod->trend ? mod->beta : 0;
    const double phi = mod->trend ? mod->phi : 1;
    const size_t m = period_of(mod);
    double c[TG_FC_MAX_PERIOD + 2], grow = 1 + ROOT_SLACK, g = 1;

    if (m == 1) {
        /* Without a season: 1 - 1/phi < alpha < 1 + 1/phi and
        ** alpha (phi - 1) < beta < (1 + phi)(2 - alpha). */
        if (a <= 1 - 1 / phi || a >= 1 + 1 / phi) return 0;
        return !mod->trend || (b > a * (phi - 1) && b < (1 + phi) * (2 - a));
    }
    /* The characteristic polynomial of the additive seasonal model, lowest
    ** power first: phi (1 - a - gamma), a + b - a phi + gamma - 1,
    ** (a + b - a phi) for the powers 2..m-1, a + b - phi, 1. */
    c[0] = phi * (1 - a - mod->gamma);
    c[1] = a + b - a * phi + mod->gamma - 1;
    for (size_t k = 2; k < m; k++) c[k] = a + b - a * phi;
    c[m] = a + b - phi;
    c[m + 1] = 1;
    /* Roots of p(z grow) are the roots of p divided by grow: this lets a
    ** root ROOT_SLACK outside the circle pass. */
    for (size_t k = 0; k <= m + 1; k++, g *= grow) c[k] *= g;
    return roots_inside(c, (int)m + 1);
}

/* ---- fitting ---- */

/* A fit's free coordinates: the smoothing parameters first (unit cube,
** as tg_forecast.c maps them), then the initial level and slope divided
** by 'scale' and m - 1 seasonal states (additive ones divided by scale);
** the last seasonal state makes them sum to 0 (additive) or m
** (multiplicative). */
typedef struct fit_ctx {
    tg_ets_model mod;
    const double *y;
    size_t n;
    int k_par, k;        /* free parameters, all coordinates */
    int which[MAX_FREE]; /* 0 alpha, 1 beta, 2 gamma, 3 phi */
    int fit_states;
    double a_lo, a_hi, scale;
} fit_ctx;

static double lerp(double lo, double hi, double u) {
    return lo + (hi - lo) * u;
}

static void set_point(fit_ctx *c, const double *x) {
    tg_ets_model *m = &c->mod;
    const size_t per = period_of(m);
    int j = c->k_par;
    for (int i = 0; i < c->k_par; i++)
        if (c->which[i] == 0) m->alpha = lerp(c->a_lo, c->a_hi, x[i]);
    for (int i = 0; i < c->k_par; i++) {
        if (c->which[i] == 1) m->beta = m->alpha * lerp(EDGE, 1 - EDGE, x[i]);
        if (c->which[i] == 2) m->gamma = (1 - m->alpha) * lerp(EDGE, 1 - EDGE, x[i]);
        if (c->which[i] == 3) m->phi = lerp(PHI_LO, PHI_HI, x[i]);
    }
    if (!c->fit_states) return;
    m->init.level = x[j++] * c->scale;
    if (m->trend) m->init.slope = x[j++] * c->scale;
    if (per > 1) {
        double sum = 0, unit = m->season == TG_ETS_M ? 1 : c->scale;
        for (size_t p = 0; p + 1 < per; p++) sum += m->init.season[p] = x[j++] * unit;
        m->init.season[per - 1] = (m->season == TG_ETS_M ? (double)per : 0) - sum;
    }
}

static double objective(void *ctx, const double *x) {
    fit_ctx *c = ctx;
    set_point(c, x);
    if (!tg_ets_admissible(&c->mod)) return HUGE_VAL;
    return tg_ets_eval(&c->mod, c->y, c->n);
}

/* Starting initial states: tg_fc_init's least-squares fit on the first
** seasons (the additive season turned into factors around the window's
** mean level for a multiplicative season). */
static tg_status start_states(fit_ctx *c, tg_error *err) {
    tg_ets_model *m = &c->mod;
    tg_fc_spec fs;
    tg_fc_model fm;
    const size_t per = period_of(m);
    tg_status st;
    tg_fc_spec_init(&fs);
    fs.trend = m->trend != 0;
    fs.period = (int)per;
    if ((st = tg_fc_init(&fs, c->y, c->n, &fm, err)) != TG_OK) return st;
    m->init.level = fm.init.level;
    m->init.slope = m->trend ? fm.init.slope : 0;
    memcpy(m->init.season, fm.init.season, sizeof m->init.season);
    if (m->season == TG_ETS_M) {
        /* The window's middle level; factors positive, mean 1. */
        double mid = fm.init.level + fm.init.slope * (double)(2 * per) / 2, sum = 0;
        if (!(mid > 0)) mid = c->scale;
        for (size_t p = 0; p < per; p++) {
            double f = 1 + fm.init.season[p] / mid;
            sum += m->init.season[p] = f > 0.05 ? f : 0.05;
        }
        for (size_t p = 0; p < per; p++) m->init.season[p] *= (double)per / sum;
    }
    if (!m->season)
        for (size_t p = 0; p < TG_FC_MAX_PERIOD; p++) m->init.season[p] = 0;
    return TG_OK;
}

/* The coordinates of the current model in x (the inverse of set_point for
** the states; the parameters come from 'u'). */
static void states_to_x(const fit_ctx *c, const double *u, double *x) {
    const tg_ets_model *m = &c->mod;
    const size_t per = period_of(m);
    int j = c->k_par;
    memcpy(x, u, (size_t)c->k_par * sizeof x[0]);
    if (!c->fit_states) return;
    x[j++] = m->init.level / c->scale;
    if (m->trend) x[j++] = m->init.slope / c->scale;
    for (size_t p = 0; p + 1 < per; p++)
        x[j++] = m->init.season[p] / (m->season == TG_ETS_M ? 1 : c->scale);
}

/* Runs Nelder-Mead from x, restarting from the best vertex while that
** helps (a simplex squeezed against a bound or stretched along a valley
** stalls early). */
static double minimise(fit_ctx *c, double *x) {
    double lo[MAX_X], hi[MAX_X], step[MAX_X], f, g;
    for (int i = 0; i < c->k; i++) {
        int par = i < c->k_par;
        lo[i] = par ? 0 : -HUGE_VAL;
        hi[i] = par ? 1 : HUGE_VAL;
        step[i] = par ? 0.1 : 0.05;
    }
    tg_optim_nm nm = { c->k, lo, hi, step, 1e-12, 1e-7, 150 * (c->k + 1) };
    f = tg_optim_nelder_mead(&nm, objective, c, x);
    for (int r = 1; r < NM_RUNS; r++) {
        g = tg_optim_nelder_mead(&nm, objective, c, x);
        if (!(g < f - 1e-9 * fabs(f))) return fmin(f, g);
        f = g;
    }
    return f;
}

static int fitted_params(const tg_ets_model *m) {
    return 1 + (m->trend != 0) + (m->season != 0) + (m->trend && m->damped);
}

static int n_states(const tg_ets_model *m) {
    return 1 + (m->trend != 0) + (int)period_of(m) - 1;
}

/* Fits one fully specified structure (no TG_ETS_AUTO left). */
static tg_status fit_one(const tg_ets_spec *spec, const double *y, size_t n, tg_ets_model *out,
                         tg_error *err) {
    /* Starts in the unit cube (alpha, beta, gamma, phi): R's start (small
    ** alpha, phi near its upper bound), then low, middle and high
    ** smoothing. */
    static const double starts[][MAX_FREE] = { { 0.02, 0.1, 0.05, 0.99 },
                                               { 0.2, 0.1, 0.1, 0.5 },
                                               { 0.5, 0.3, 0.3, 0.5 },
                                               { 0.9, 0.1, 0.1, 0.9 } };
    fit_ctx c;
    double best_x[MAX_X], best_f = HUGE_VAL, sum = 0;
    size_t cnt = 0;
    tg_status st;

    memset(&c, 0, sizeof c);
    c.mod.error = spec->error;
    c.mod.trend = spec->trend;
    c.mod.damped = spec->trend ? spec->damped : 0;
    c.mod.season = spec->period >= 2 ? spec->season : TG_ETS_N;
    c.mod.period = c.mod.season ? spec->period : 1;
    c.mod.alpha = spec->alpha;
    c.mod.beta = c.mod.trend ? spec->beta : 0;
    c.mod.gamma = c.mod.season ? spec->gamma : 0;
    c.mod.phi = c.mod.damped ? spec->phi : 1;
    c.y = y;
    c.n = n;
    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i])) {
            sum += fabs(y[i]);
            cnt++;
        }
    c.scale = cnt && sum > 0 ? sum / (double)cnt : 1;
    if (isnan(spec->alpha)) c.which[c.k_par++] = 0;
    if (c.mod.trend && isnan(spec->beta)) c.which[c.k_par++] = 1;
    if (c.mod.season && isnan(spec->gamma)) c.which[c.k_par++] = 2;
    if (c.mod.damped && isnan(spec->phi)) c.which[c.k_par++] = 3;
    c.a_lo = EDGE;
    c.a_hi = 1 - EDGE;
    if (c.mod.trend && !isnan(spec->beta)) c.a_lo = fmax(c.a_lo, spec->beta + EDGE);
    if (c.mod.season && !isnan(spec->gamma)) c.a_hi = fmin(c.a_hi, 1 - spec->gamma - EDGE);
    if (isnan(spec->alpha) && c.a_lo >= c.a_hi)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "the fixed beta and gamma leave no room for alpha "
                          "(beta < alpha < 1 - gamma)");
    c.fit_states = 1;
    c.k = c.k_par + n_states(&c.mod);
    c.mod.n_par = c.k + 1;
    if ((st = start_states(&c, err)) != TG_OK) return st;
    /* Stage 1: the parameters alone from every start, the states held at
    ** their least-squares start (cheap: at most 4 coordinates). Stage 2:
    ** parameters and states together from the best FULL_STARTS of those. */
    tg_fc_state init0 = c.mod.init;
    double stage1_u[TG_ARRAY_LEN(starts)][MAX_FREE], stage1_f[TG_ARRAY_LEN(starts)];
    int k_all = c.k;
    c.fit_states = 0;
    c.k = c.k_par;
    for (size_t s = 0; s < TG_ARRAY_LEN(starts); s++) {
        for (int i = 0; i < c.k_par; i++) stage1_u[s][i] = starts[s][c.which[i]];
        c.mod.init = init0;
        stage1_f[s] = c.k_par ? minimise(&c, stage1_u[s]) : 0;
    }
    c.fit_states = 1;
    c.k = k_all;
    for (int r = 0; r < FULL_STARTS; r++) {
        size_t s = 0;
        double x[MAX_X], f;
        for (size_t i = 1; i < TG_ARRAY_LEN(starts); i++)
            if (stage1_f[i] < stage1_f[s]) s = i;
        if (!(stage1_f[s] < HUGE_VAL)) break;
        stage1_f[s] = HUGE_VAL;
        c.mod.init = init0;
        states_to_x(&c, stage1_u[s], x);
        f = minimise(&c, x);
        if (f < best_f) {
            best_f = f;
            memcpy(best_x, x, (size_t)c.k * sizeof x[0]);
        }
    }
    if (!(best_f < HUGE_VAL))
        return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                          "no admissible parameters fit this series (a multiplicative part "
                          "met a non-positive forecast)");
    set_point(&c, best_x);
    tg_ets_eval(&c.mod, y, n);
    *out = c.mod;
    return TG_OK;
}

/* Why structure (e, t, s) cannot be fitted to y, or NULL when it can. */
static const char *unfit_reason(int e, int t, int d, int s, const tg_ets_spec *spec, int positive,
                                size_t n_obs, size_t n) {
    tg_ets_model m;
    memset(&m, 0, sizeof m);
    m.trend = t;
    m.damped = d;
    m.season = s;
    m.period = s ? spec->period : 1;
    if ((e == TG_ETS_M || s == TG_ETS_M) && !positive)
        return "multiplicative parts need positive data";
    if (s && n < 2 * (size_t)spec->period) return "too few periods for a season (needs 2m)";
    if (!s && n < (t ? 3u : 2u)) return "too few periods";
    if (n_obs <= (size_t)(fitted_params(&m) + n_states(&m) + 2))
        return "too few observations for its parameters";
    return NULL;
}

tg_status tg_ets_fit(const tg_ets_spec *spec, const double *y, size_t n, tg_ets_model *mod,
                     tg_ets_cand *cands, size_t *n_cands, tg_error *err) {
    assert(spec != NULL && mod != NULL && (y != NULL || n == 0));
    int positive = 1, found = 0;
    size_t n_obs = 0, nc = 0;
    tg_error first;
    tg_status st;

    if ((st = tg_ets_check(spec, err)) != TG_OK) return st;
    tg_err_clear(&first);
    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i])) {
            n_obs++;
            positive &= y[i] > 0;
            if (fabs(y[i]) > 1e150)
                return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                                  "the values are too large to fit (%g): the squared errors "
                                  "overflow",
                                  y[i]);
        }
    for (int e = TG_ETS_A; e <= TG_ETS_M; e++)
        for (int t = TG_ETS_N; t <= TG_ETS_A; t++)
            for (int d = 0; d <= t; d++)
                for (int s = TG_ETS_N; s <= TG_ETS_M; s++) {
                    tg_ets_spec one = *spec;
                    tg_ets_model m;
                    const char *why;
                    int auto_s = spec->season == TG_ETS_AUTO;
                    if ((spec->error != TG_ETS_AUTO && spec->error != e) ||
                        (spec->trend != TG_ETS_AUTO && spec->trend != t) ||
                        (t && spec->damped != TG_ETS_AUTO && spec->damped != d) ||
                        (spec->season != TG_ETS_AUTO && spec->season != s) ||
                        (auto_s && s && spec->period < 2))
                        continue;
                    /* R's restriction: additive error with a multiplicative
                    ** season is numerically unstable; only on request. */
                    if (e == TG_ETS_A && s == TG_ETS_M && (spec->error == TG_ETS_AUTO || auto_s))
                        continue;
                    one.error = e;
                    one.trend = t;
                    one.damped = d;
                    one.season = s;
                    if (!t) one.beta = one.phi = NAN;
                    if (!d) one.phi = NAN;
                    if (!s) one.gamma = NAN;
                    why = unfit_reason(e, t, d, s, spec, positive, n_obs, n);
                    if (!why) {
                        tg_error e1;
                        if (fit_one(&one, y, n, &m, &e1) != TG_OK) {
                            if (first.code == TG_OK) first = e1;
                            why = "no admissible fit";
                        }
                    }
                    if (cands && nc < TG_ETS_MAX_CANDIDATES) {
                        tg_ets_cand *cd = &cands[nc];
                        cd->error = e;
                        cd->trend = t;
                        cd->damped = d;
                        cd->season = s;
                        cd->fitted = why == NULL;
                        cd->why = why;
                        cd->aicc = why ? NAN : m.aicc;
                        cd->loglik = why ? NAN : m.loglik;
                    }
                    nc++;
                    if (!why && (!found || m.aicc < mod->aicc)) {
                        *mod = m;
                        found = 1;
                    } else if (why && !found && first.code == TG_OK) {
                        tg_err_set(&first, TG_EDATA, NULL, 0, 0, "%s", why);
                    }
                }
    if (n_cands) *n_cands = nc < TG_ETS_MAX_CANDIDATES ? nc : TG_ETS_MAX_CANDIDATES;
    if (!found) {
        if (first.code == TG_OK)
            tg_err_set(&first, TG_EDATA, NULL, 0, 0, "no model of this family fits the series");
        return tg_err_set(err, first.code, NULL, 0, 0, "%s", first.msg);
    }
    return TG_OK;
}

/* ---- forecasts ---- */

static double phi_sum(double phi, size_t h) {
    if (phi == 1) return (double)h;
    return phi * (1 - pow(phi, (double)h)) / (1 - phi);
}

double tg_ets_point(const tg_ets_model *mod, size_t h) {
    assert(mod != NULL && h >= 1);
    const size_t m = period_of(mod), H = h + mod->gap;
    double q = mod->last.level + (mod->trend ? phi_sum(mod->phi, H) * mod->last.slope : 0);
    double s = mod->last.season[(mod->n - mod->gap + H - 1) % m];
    return mod->season == TG_ETS_M ? q * s : mod->season == TG_ETS_A ? q + s : q;
}

/* The model at its forecast origin, the last observation, in tg_etsvar's
** terms (the season states in the order the steps use them). */
static void var_model(const tg_ets_model *mod, tg_etsvar_model *v) {
    const size_t m = period_of(mod);
    memset(v, 0, sizeof *v);
    v->error = mod->error;
    v->trend = mod->trend != 0;
    v->season = mod->season;
    v->period = (int)m;
    v->alpha = mod->alpha;
    v->beta = mod->trend ? mod->beta : 0;
    v->gamma = mod->season ? mod->gamma : 0;
    v->phi = mod->trend ? mod->phi : 1;
    v->sigma2 = mod->sigma2;
    v->level = mod->last.level;
    v->slope = mod->trend ? mod->last.slope : 0;
    for (size_t k = 0; k < m; k++)
        v->season_state[k] = mod->last.season[(mod->n - mod->gap + k) % m];
}

int tg_ets_analytic(const tg_ets_model *mod) {
    assert(mod != NULL);
    tg_etsvar_model v;
    int cls;
    var_model(mod, &v);
    cls = tg_etsvar_class(&v);
    /* Class 2's variance costs H^2 steps and class 3's H (2m)^2: past a
    ** long trailing gap the simulation is the cheaper of the two. */
    if (cls >= 2 && mod->gap + TG_FC_MAX_HORIZON > MAX_ANALYTIC_STEPS) return 0;
    return cls != 0;
}

/* A standard normal draw (Box-Muller, one of the pair). */
static double normal_draw(tg_rng *rng) {
    double u = tg_rng_double(rng), v = tg_rng_double(rng);
    return sqrt(-2 * log(1 - u)) * cos(6.283185307179586 * v);
}

/* Sorts a[0..n) ascending (heap sort: no allocation, n log n). */
static void sort_doubles(double *a, size_t n) {
    for (size_t k = n / 2; k-- > 0;)
        for (size_t i = k;;) {
            size_t c = 2 * i + 1;
            if (c >= n) break;
            if (c + 1 < n && a[c + 1] > a[c]) c++;
            if (!(a[c] > a[i])) break;
            double t = a[c];
            a[c] = a[i];
            a[i] = t;
            i = c;
        }
    for (size_t end = n; end-- > 1;) {
        double t = a[0];
        a[0] = a[end];
        a[end] = t;
        for (size_t i = 0;;) {
            size_t c = 2 * i + 1;
            if (c >= end) break;
            if (c + 1 < end && a[c + 1] > a[c]) c++;
            if (!(a[c] > a[i])) break;
            t = a[c];
            a[c] = a[i];
            a[i] = t;
            i = c;
        }
    }
}

/* The p-quantile of sorted a[0..n) (linear between order statistics, R's
** type 7). */
static double quantile(const double *a, size_t n, double p) {
    double h = (double)(n - 1) * p;
    size_t i = (size_t)h;
    if (i + 1 >= n) return a[n - 1];
    return a[i] + (h - (double)i) * (a[i + 1] - a[i]);
}

/* Simulates TG_ETS_NSIM paths of gap + h steps from the last observation;
** paths[j * TG_ETS_NSIM + r] gets path r's value h = j + 1. */
static void simulate(const tg_ets_model *mod, size_t h, uint64_t seed, double *paths) {
    const size_t m = period_of(mod), H = h + mod->gap, t0 = mod->n - mod->gap;
    const double sigma = sqrt(mod->sigma2), phi = mod->trend ? mod->phi : 0;
    const int S = mod->season;
    tg_rng rng;
    tg_rng_seed(&rng, seed, 0x65747321u);
    for (size_t r = 0; r < TG_ETS_NSIM; r++) {
        double l = mod->last.level, b = mod->trend ? mod->last.slope : 0, s[TG_FC_MAX_PERIOD];
        memcpy(s, mod->last.season, m * sizeof s[0]);
        for (size_t j = 1; j <= H; j++) {
            size_t p = (t0 + j - 1) % m;
            double q = l + phi * b, so = S ? s[p] : 0, f = S == TG_ETS_M ? q * so : q + so;
            double eps = sigma * normal_draw(&rng);
            double y = mod->error == TG_ETS_M ? f * (1 + eps) : f + eps;
            double pull = (S == TG_ETS_M ? y / so : y - so) - q;
            l = q + mod->alpha * pull;
            b = phi * b + mod->beta * pull;
            if (S == TG_ETS_A) s[p] = so + mod->gamma * (y - q - so);
            if (S == TG_ETS_M) s[p] = so + mod->gamma * (y / q - so);
            if (j > mod->gap) paths[(j - mod->gap - 1) * TG_ETS_NSIM + r] = y;
        }
    }
}

tg_status tg_ets_forecast(const tg_ets_model *mod, size_t h, const double *levels, size_t n_levels,
                          uint64_t seed, double *point, double *lo, double *hi, tg_error *err) {
    assert(mod != NULL && point != NULL && (n_levels == 0 || (levels && lo && hi)));
    for (size_t j = 1; j <= h; j++) point[j - 1] = tg_ets_point(mod, j);
    if (n_levels == 0) return TG_OK;
    if (tg_ets_analytic(mod)) {
        /* Classes 1-3: a normal interval around the forecast mean with
        ** the closed-form variance, H = gap + h steps from the last
        ** observation. */
        const size_t H = mod->gap + h;
        double *mv = tg_malloc(2 * H * sizeof *mv);
        tg_etsvar_model v;
        tg_status st;
        if (!mv) return tg_err_nomem(err);
        var_model(mod, &v);
        if ((st = tg_etsvar_moments(&v, H, mv, mv + H, err)) != TG_OK) {
            tg_free(mv);
            return st;
        }
        for (size_t j = 0; j < h; j++) {
            double mu = mv[mod->gap + j], sd = sqrt(fmax(mv[H + mod->gap + j], 0));
            for (size_t l = 0; l < n_levels; l++) {
                double z = tg_normal_quantile(0.5 + levels[l] / 200);
                lo[l * h + j] = mu - z * sd;
                hi[l * h + j] = mu + z * sd;
            }
        }
        tg_free(mv);
        return TG_OK;
    }
    double *paths = tg_malloc(h * TG_ETS_NSIM * sizeof *paths);
    if (!paths) return tg_err_nomem(err);
    simulate(mod, h, seed, paths);
    for (size_t j = 0; j < h; j++) {
        double *col = paths + j * TG_ETS_NSIM;
        sort_doubles(col, TG_ETS_NSIM);
        for (size_t l = 0; l < n_levels; l++) {
            lo[l * h + j] = quantile(col, TG_ETS_NSIM, 0.5 - levels[l] / 200);
            hi[l * h + j] = quantile(col, TG_ETS_NSIM, 0.5 + levels[l] / 200);
        }
    }
    tg_free(paths);
    return TG_OK;
}

/* ---- Box-Cox ---- */

double tg_ets_boxcox(double y, double lambda) {
    if (!(y > 0)) return NAN;
    return lambda == 0 ? log(y) : expm1(lambda * log(y)) / lambda;
}

double tg_ets_inv_boxcox(double w, double lambda) {
    if (lambda == 0) return exp(w);
    if (!(lambda * w + 1 > 0)) return lambda > 0 ? 0 : HUGE_VAL;
    return exp(log1p(lambda * w) / lambda);
}

/* ---- backtest ---- */

/* The ETS side of a backtest (tg_fc_backtest_with): refit, model choice
** included, at every origin, or re-filter the model fitted once. */
typedef struct ets_bt {
    const tg_ets_spec *spec;
    int refit;
    tg_ets_model mod;
} ets_bt;

static tg_status ets_bt_forecast(void *ctx, const double *y, size_t o, size_t horizon,
                                 double *point, tg_error *err) {
    ets_bt *c = ctx;
    tg_status st;
    if (c->refit) {
        if ((st = tg_ets_fit(c->spec, y, o, &c->mod, NULL, NULL, err)) != TG_OK) return st;
    } else {
        tg_ets_eval(&c->mod, y, o);
    }
    for (size_t j = 1; j <= horizon; j++) point[j - 1] = tg_ets_point(&c->mod, j);
    return TG_OK;
}

tg_status tg_ets_backtest(const tg_ets_spec *spec, const double *y, size_t n, size_t horizon,
                          size_t min_train, int refit, tg_fc_score *model, tg_fc_score *snaive,
                          size_t *n_origins, tg_error *err) {
    assert(spec != NULL && model != NULL && snaive != NULL && (y != NULL || n == 0));
    ets_bt c;
    tg_status st;
    if ((st = tg_ets_check(spec, err)) != TG_OK) return st;
    c.spec = spec;
    c.refit = refit;
    if (!refit && n >= min_train + horizon &&
        (st = tg_ets_fit(spec, y, min_train, &c.mod, NULL, NULL, err)) != TG_OK)
        return st;
    return tg_fc_backtest_with(ets_bt_forecast, &c, spec->period, y, n, horizon, min_train, model,
                               snaive, n_origins, err);
}
