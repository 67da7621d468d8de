/*
** tg_forecast.c -- exponential smoothing forecasts (see tg_forecast.h).
** The model is the additive error-correction form of Hyndman et al.
** (2008), so one filter serves fitting, forecasting and intervals. All
** state lives in fixed-size structs on the stack: fitting a series
** allocates nothing.
*/
#include "tg_forecast.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "tg_err.h"
#include "tg_optim.h"

#define MAX_FREE 4    /* alpha, beta, gamma, phi */
#define EDGE     1e-4 /* keeps fitted parameters strictly inside their bounds */
#define PHI_LO   0.8
#define PHI_HI   0.98
#define NM_EVALS 400 /* objective evaluations per Nelder-Mead run */
#define NM_RUNS  3   /* restarts from the best vertex (escapes a collapsed simplex) */
#define INIT_MIN 10  /* periods the initial states are estimated from, at least */

/* ---- the model ---- */

void tg_fc_spec_init(tg_fc_spec *spec) {
    assert(spec != NULL);
    spec->trend = 1;
    spec->damped = 0;
    spec->period = 12;
    spec->alpha = spec->beta = spec->gamma = spec->phi = NAN;
}

static int seasonal(const tg_fc_spec *spec) {
    return spec->period >= 2;
}

tg_status tg_fc_check_param(double v, const char *name, int used, int phi, tg_error *err) {
    if (isnan(v)) return TG_OK;
    if (!used)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s is fixed but the model has no %s", name,
                          phi              ? "damping"
                          : name[0] == 'b' ? "trend"
                                           : "season");
    if (!isfinite(v) || v < 0 || v > 1 || (phi && v <= 0))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s must be in %s, got %g", name,
                          phi ? "(0, 1]" : "[0, 1]", v);
    return TG_OK;
}

tg_status tg_fc_check(const tg_fc_spec *spec, tg_error *err) {
    assert(spec != NULL);
    tg_status st;
    if (spec->period < 0 || spec->period > TG_FC_MAX_PERIOD)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "period must be between 1 and %d, got %d",
                          TG_FC_MAX_PERIOD, spec->period);
    if (spec->damped && !spec->trend)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "a damped model needs a trend");
    if ((st = tg_fc_check_param(spec->alpha, "alpha", 1, 0, err)) != TG_OK) return st;
    if ((st = tg_fc_check_param(spec->beta, "beta", spec->trend, 0, err)) != TG_OK) return st;
    if ((st = tg_fc_check_param(spec->gamma, "gamma", seasonal(spec), 0, err)) != TG_OK) return st;
    return tg_fc_check_param(spec->phi, "phi", spec->damped, 1, err);
}

size_t tg_fc_min_length(const tg_fc_spec *spec) {
    assert(spec != NULL);
    if (seasonal(spec)) return 2 * (size_t)spec->period;
    return spec->trend ? 3 : 2;
}

tg_status tg_fc_init(const tg_fc_spec *spec, const double *y, size_t n, tg_fc_model *mod,
                     tg_error *err) {
    assert(spec != NULL && mod != NULL && (y != NULL || n == 0));
    size_t m = seasonal(spec) ? (size_t)spec->period : 1, w, cnt[TG_FC_MAX_PERIOD];
    double tbar[TG_FC_MAX_PERIOD], ybar[TG_FC_MAX_PERIOD], sxx, sxy, b = 0, a = 0;
    tg_status st;

    if ((st = tg_fc_check(spec, err)) != TG_OK) return st;
    memset(mod, 0, sizeof *mod);
    mod->trend = spec->trend;
    mod->damped = spec->damped;
    mod->period = (int)m;
    mod->alpha = spec->alpha;
    mod->beta = spec->trend ? spec->beta : 0;
    mod->gamma = m > 1 ? spec->gamma : 0;
    mod->phi = spec->damped ? spec->phi : 1;
    mod->n = n;
    if (n < tg_fc_min_length(spec))
        return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                          "%zu periods are too few: this model needs at least %zu", n,
                          tg_fc_min_length(spec));
    /* The window: whole seasons, widened until every position is seen
    ** and (with a trend) some position is seen twice, so the slope and
    ** every seasonal effect are identified. */
    w = (INIT_MIN > 2 * m ? INIT_MIN : 2 * m);
    w = (w + m - 1) / m * m;
    for (;;) {
        int ok = 1, twice = 0;
        if (w > n) w = n;
        memset(cnt, 0, sizeof cnt);
        for (size_t i = 0; i < w; i++)
            if (isfinite(y[i])) cnt[i % m]++;
        for (size_t p = 0; p < m; p++) {
            ok &= cnt[p] > 0;
            twice |= cnt[p] > 1;
        }
        if (ok && (twice || !spec->trend)) break;
        if (w == n)
            return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                              "too many missing periods to estimate the initial %s",
                              m > 1 ? "season" : "level and trend");
        w += m;
    }
    /* Within-position means, then the pooled within-position slope: the
    ** least-squares fit with one intercept per season position. */
    memset(tbar, 0, sizeof tbar);
    memset(ybar, 0, sizeof ybar);
    for (size_t i = 0; i < w; i++)
        if (isfinite(y[i])) {
            tbar[i % m] += (double)(i + 1);
            ybar[i % m] += y[i];
        }
    for (size_t p = 0; p < m; p++) {
        tbar[p] /= (double)cnt[p];
        ybar[p] /= (double)cnt[p];
    }
    sxx = sxy = 0;
    for (size_t i = 0; i < w; i++)
        if (isfinite(y[i])) {
            double dt = (double)(i + 1) - tbar[i % m];
            sxx += dt * dt;
            sxy += dt * (y[i] - ybar[i % m]);
        }
    if (spec->trend) b = sxy / sxx;
    for (size_t p = 0; p < m; p++) {
        mod->init.season[p] = ybar[p] - b * tbar[p];
        a += mod->init.season[p];
    }
    a /= (double)m;
    for (size_t p = 0; p < m; p++) mod->init.season[p] -= a;
    mod->init.level = a;
    mod->init.slope = b;
    return TG_OK;
}

double tg_fc_filter(const tg_fc_model *mod, const double *y, size_t n, tg_fc_state *end,
                    double *fitted, size_t *n_obs, size_t *gap) {
    assert(mod != NULL && (y != NULL || n == 0));
    const double alpha = mod->alpha, beta = mod->beta, gamma = mod->gamma, phi = mod->phi;
    const size_t m = mod->period > 1 ? (size_t)mod->period : 1;
    double l = mod->init.level, b = mod->init.slope, s[TG_FC_MAX_PERIOD], sse = 0;
    size_t p = 0, obs = 0, missing = 0;

    memcpy(s, mod->init.season, m * sizeof s[0]);
    for (size_t i = 0; i < n; i++) {
        double pb = phi * b, f = l + pb + s[p];
        if (fitted) fitted[i] = f;
        if (isfinite(y[i])) {
            double e = y[i] - f;
            sse += e * e;
            obs++;
            missing = 0;
            l += pb + alpha * e;
            b = pb + beta * e;
            s[p] += gamma * e;
        } else {
            l += pb;
            b = pb;
            missing++;
        }
        if (++p == m) p = 0;
    }
    if (end) {
        end->level = l;
        end->slope = b;
        memcpy(end->season, s, m * sizeof s[0]);
    }
    if (n_obs) *n_obs = obs;
    if (gap) *gap = missing;
    return sse;
}

/* ---- fitting ---- */

/* The free parameters of a fit and the map from the unit cube to them:
** each coordinate u in [0, 1] scales its parameter within bounds that
** depend on alpha, so the box stays a box while beta < alpha and
** gamma < 1 - alpha hold. */
typedef struct fit_ctx {
    tg_fc_model mod;
    const double *y;
    size_t n;
    int k;               /* free parameters */
    int which[MAX_FREE]; /* 0 alpha, 1 beta, 2 gamma, 3 phi */
    double a_lo, a_hi;   /* alpha's range given the fixed beta and gamma */
} fit_ctx;

static double lerp(double lo, double hi, double u) {
    return lo + (hi - lo) * u;
}

static void set_params(fit_ctx *c, const double *u) {
    tg_fc_model *m = &c->mod;
    for (int i = 0; i < c->k; i++)
        if (c->which[i] == 0) m->alpha = lerp(c->a_lo, c->a_hi, u[i]);
    for (int i = 0; i < c->k; i++) {
        if (c->which[i] == 1) m->beta = m->alpha * lerp(EDGE, 1 - EDGE, u[i]);
        if (c->which[i] == 2) m->gamma = (1 - m->alpha) * lerp(EDGE, 1 - EDGE, u[i]);
        if (c->which[i] == 3) m->phi = lerp(PHI_LO, PHI_HI, u[i]);
    }
}

static double objective(fit_ctx *c, const double *u) {
    double sse;
    set_params(c, u);
    sse = tg_fc_filter(&c->mod, c->y, c->n, NULL, NULL, NULL, NULL);
    return isfinite(sse) ? sse : HUGE_VAL;
}

static double objective_cb(void *ctx, const double *u) {
    return objective(ctx, u);
}

/* One Nelder-Mead run in the unit box from u (tg_optim.h: an axis
** simplex of side 0.1 pointing inwards, at most NM_EVALS evaluations);
** leaves the best vertex in u and returns its value. */
static double nelder_mead(fit_ctx *c, double *u) {
    static const double lo[MAX_FREE] = { 0, 0, 0, 0 }, hi[MAX_FREE] = { 1, 1, 1, 1 },
                        step[MAX_FREE] = { 0.1, 0.1, 0.1, 0.1 };
    tg_optim_nm nm = { c->k, lo, hi, step, 1e-10, 1e-5, NM_EVALS };
    return tg_optim_nelder_mead(&nm, objective_cb, c, u);
}

/* The number of initial states: level, slope, m - 1 free seasonal ones. */
static size_t n_states(const tg_fc_model *m) {
    return 1 + (size_t)m->trend + (size_t)(m->period > 1 ? m->period - 1 : 0);
}

tg_status tg_fc_fit(const tg_fc_spec *spec, const double *y, size_t n, tg_fc_model *mod,
                    tg_error *err) {
    assert(spec != NULL && mod != NULL && (y != NULL || n == 0));
    /* Starting points in the unit cube (alpha, beta, gamma, phi in order
    ** of the free ones): low, middle and high smoothing. */
    static const double starts[][MAX_FREE] = { { 0.2, 0.1, 0.1, 0.5 },
                                               { 0.5, 0.3, 0.3, 0.5 },
                                               { 0.9, 0.1, 0.1, 0.9 } };
    fit_ctx c;
    double best_u[MAX_FREE] = { 0 }, best_f = HUGE_VAL, p;
    tg_status st;

    if ((st = tg_fc_init(spec, y, n, &c.mod, err)) != TG_OK) return st;
    c.y = y;
    c.n = n;
    c.k = 0;
    if (isnan(spec->alpha)) c.which[c.k++] = 0;
    if (spec->trend && isnan(spec->beta)) c.which[c.k++] = 1;
    if (seasonal(spec) && isnan(spec->gamma)) c.which[c.k++] = 2;
    if (spec->damped && isnan(spec->phi)) c.which[c.k++] = 3;
    c.a_lo = EDGE;
    c.a_hi = 1 - EDGE;
    if (spec->trend && !isnan(spec->beta)) c.a_lo = fmax(c.a_lo, spec->beta + EDGE);
    if (seasonal(spec) && !isnan(spec->gamma)) c.a_hi = fmin(c.a_hi, 1 - spec->gamma - EDGE);
    if (isnan(spec->alpha) && c.a_lo >= c.a_hi)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "the fixed beta and gamma leave no room for alpha "
                          "(beta < alpha < 1 - gamma)");
    if (c.k > 0) {
        for (size_t s = 0; s < TG_ARRAY_LEN(starts); s++) {
            double u[MAX_FREE], f;
            for (int i = 0; i < c.k; i++) u[i] = starts[s][c.which[i]];
            f = nelder_mead(&c, u);
            /* Restart from the best point: a simplex squeezed against a
            ** bound can stall away from the optimum. */
            for (int r = 1; r < NM_RUNS; r++) {
                double g = nelder_mead(&c, u);
                if (!(g < f * (1 - 1e-10))) {
                    f = fmin(f, g);
                    break;
                }
                f = g;
            }
            if (f < best_f) {
                best_f = f;
                memcpy(best_u, u, sizeof u);
            }
        }
        set_params(&c, best_u);
    }
    *mod = c.mod;
    mod->sse = tg_fc_filter(mod, y, n, &mod->end, NULL, &mod->n_obs, &mod->gap);
    if (!isfinite(mod->sse))
        return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                          "the values are too large to fit: the squared errors overflow");
    p = (double)((size_t)c.k + n_states(mod));
    if ((double)mod->n_obs > p) mod->sigma = sqrt(mod->sse / ((double)mod->n_obs - p));
    else mod->sigma = sqrt(mod->sse / (double)mod->n_obs);
    return TG_OK;
}

/* ---- forecasts ---- */

/* phi + phi^2 + ... + phi^h (h without damping). */
static double phi_sum(double phi, size_t h) {
    if (phi == 1) return (double)h;
    return phi * (1 - pow(phi, (double)h)) / (1 - phi);
}

double tg_fc_point(const tg_fc_model *mod, size_t h) {
    assert(mod != NULL && h >= 1);
    size_t m = mod->period > 1 ? (size_t)mod->period : 1;
    return mod->end.level + phi_sum(mod->phi, h) * mod->end.slope +
           mod->end.season[(mod->n + h - 1) % m];
}

void tg_fc_forecast(const tg_fc_model *mod, size_t h, double *point, double *sd) {
    assert(mod != NULL && (point != NULL || h == 0));
    size_t m = mod->period > 1 ? (size_t)mod->period : 1;
    double sum = 1, phij = 0, pw = 1;

    /* c_j for j = 1 .. gap + h - 1: the first 'gap' ones belong to steps
    ** already taken without an observation. */
    for (size_t j = 1; j < mod->gap + h; j++) {
        pw *= mod->phi;
        phij += pw;
        if (j >= mod->gap + 1 && sd) sd[j - mod->gap - 1] = mod->sigma * sqrt(sum);
        double cj = mod->alpha + mod->beta * phij + (m > 1 && j % m == 0 ? mod->gamma : 0);
        sum += cj * cj;
    }
    if (sd) sd[h - 1] = mod->sigma * sqrt(sum);
    for (size_t j = 1; j <= h; j++) point[j - 1] = tg_fc_point(mod, j);
}

double tg_fc_snaive(const double *y, size_t n, int period, size_t h) {
    assert((y != NULL || n == 0) && h >= 1);
    size_t m = period > 1 ? (size_t)period : 1;
    /* The target's time index is n + h - 1; step back whole seasons until
    ** inside the data, then further back past missing values. */
    size_t back = ((h - 1) / m + 1) * m, t = n + h - 1;
    if (back > t) return NAN;
    for (size_t i = t - back;; i -= m) {
        if (isfinite(y[i])) return y[i];
        if (i < m) return NAN;
    }
}

double tg_fc_mase_scale(const double *y, size_t n, int period) {
    assert(y != NULL || n == 0);
    size_t m = period > 1 ? (size_t)period : 1, cnt = 0;
    double sum = 0;
    for (size_t t = m; t < n; t++)
        if (isfinite(y[t]) && isfinite(y[t - m])) {
            sum += fabs(y[t] - y[t - m]);
            cnt++;
        }
    return cnt ? sum / (double)cnt : NAN;
}

/* ---- backtest ---- */

static void score_add(tg_fc_score *s, double e, double actual, double scale) {
    s->n++;
    s->mae += fabs(e);
    if (actual != 0) {
        s->n_mape++;
        s->mape += fabs(e / actual);
    }
    if (scale > 0) {
        s->n_mase++;
        s->mase += fabs(e) / scale;
    }
}

static void score_finish(tg_fc_score *s) {
    s->mae = s->n ? s->mae / (double)s->n : NAN;
    s->mape = s->n_mape ? 100 * s->mape / (double)s->n_mape : NAN;
    s->mase = s->n_mase ? s->mase / (double)s->n_mase : NAN;
}

/* The Holt-Winters side of tg_fc_backtest: refit at every origin, or
** re-filter the model fitted once on the first min_train periods. */
typedef struct hw_bt {
    const tg_fc_spec *spec;
    int refit;
    tg_fc_model mod;
} hw_bt;

static tg_status hw_bt_forecast(void *ctx, const double *y, size_t o, size_t horizon, double *point,
                                tg_error *err) {
    hw_bt *c = ctx;
    tg_status st;
    if (c->refit) {
        if ((st = tg_fc_fit(c->spec, y, o, &c->mod, err)) != TG_OK) return st;
    } else {
        c->mod.n = o;
        tg_fc_filter(&c->mod, y, o, &c->mod.end, NULL, NULL, NULL);
    }
    for (size_t j = 1; j <= horizon; j++) point[j - 1] = tg_fc_point(&c->mod, j);
    return TG_OK;
}

tg_status tg_fc_backtest(const tg_fc_spec *spec, const double *y, size_t n, size_t horizon,
                         size_t min_train, int refit, tg_fc_score *hw, tg_fc_score *snaive,
                         size_t *n_origins, tg_error *err) {
    assert(spec != NULL && hw != NULL && snaive != NULL && (y != NULL || n == 0));
    hw_bt c;
    tg_status st;

    if ((st = tg_fc_check(spec, err)) != TG_OK) return st;
    if (horizon < 1 || horizon > TG_FC_MAX_HORIZON)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "horizon must be between 1 and %d, got %zu",
                          TG_FC_MAX_HORIZON, horizon);
    if (min_train < tg_fc_min_length(spec))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "min_train must be at least %zu for this model, got %zu",
                          tg_fc_min_length(spec), min_train);
    c.spec = spec;
    c.refit = refit;
    if (!refit && n >= min_train + horizon &&
        (st = tg_fc_fit(spec, y, min_train, &c.mod, err)) != TG_OK)
        return st;
    return tg_fc_backtest_with(hw_bt_forecast, &c, spec->period, y, n, horizon, min_train, hw,
                               snaive, n_origins, err);
}

tg_status tg_fc_backtest_with(tg_fc_origin_fn forecast, void *ctx, int period, const double *y,
                              size_t n, size_t horizon, size_t min_train, tg_fc_score *model,
                              tg_fc_score *snaive, size_t *n_origins, tg_error *err) {
    assert(forecast != NULL && model != NULL && snaive != NULL && (y != NULL || n == 0));
    double point[TG_FC_MAX_HORIZON];
    tg_status st;

    if (horizon < 1 || horizon > TG_FC_MAX_HORIZON)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "horizon must be between 1 and %d, got %zu",
                          TG_FC_MAX_HORIZON, horizon);
    if (n < min_train + horizon)
        return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                          "%zu periods are too few for a backtest with min_train %zu and "
                          "horizon %zu",
                          n, min_train, horizon);
    memset(model, 0, (horizon + 1) * sizeof *model);
    memset(snaive, 0, (horizon + 1) * sizeof *snaive);
    for (size_t o = min_train; o + horizon <= n; o++) {
        double scale = tg_fc_mase_scale(y, o, period);
        if ((st = forecast(ctx, y, o, horizon, point, err)) != TG_OK) return st;
        for (size_t j = 1; j <= horizon; j++) {
            double a = y[o + j - 1], f = point[j - 1];
            double g = tg_fc_snaive(y, o, period, j);
            if (!isfinite(a) || !isfinite(f) || !isfinite(g)) continue;
            score_add(&model[0], f - a, a, scale);
            score_add(&model[j], f - a, a, scale);
            score_add(&snaive[0], g - a, a, scale);
            score_add(&snaive[j], g - a, a, scale);
        }
    }
    for (size_t j = 0; j <= horizon; j++) {
        score_finish(&model[j]);
        score_finish(&snaive[j]);
    }
    if (n_origins) *n_origins = n - horizon - min_train + 1;
    return TG_OK;
}
