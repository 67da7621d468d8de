/*
** tg_ets.h -- the ETS family of exponential smoothing models (Hyndman,
** Koehler, Ord & Snyder, Forecasting with Exponential Smoothing, 2008):
** additive or multiplicative error, no / additive / damped trend, no /
** additive / multiplicative season. Parameters and initial states are
** fitted together by maximum likelihood (the criterion of R's
** forecast::ets) within the usual bounds and the admissible region, from
** several starts; the automatic choice fits every admissible candidate
** and keeps the one with the smallest AICc. Prediction intervals are
** analytic where the variance has a closed form (classes 1-3, tg_etsvar)
** and simulated (seeded, so reproducible) otherwise. Series are arrays of doubles with
** NaN for missing periods. docs/forecast.md has the maths.
*/
#ifndef TG_ETS_H
#define TG_ETS_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_forecast.h"

enum { TG_ETS_AUTO = -1, TG_ETS_N = 0, TG_ETS_A = 1, TG_ETS_M = 2 };

#define TG_ETS_MAX_CANDIDATES 18   /* 2 errors x 3 trends x 3 seasons */
#define TG_ETS_NSIM           5000 /* simulated paths behind a simulated interval */

/* The model to fit: each component a TG_ETS_ value (TG_ETS_AUTO = choose
** by AICc); trend is N or A, damped 0, 1 or TG_ETS_AUTO. Parameters set
** to a number are fixed; NAN means fit. */
typedef struct tg_ets_spec {
    int error, trend, damped, season;
    int period; /* season length m, 2..TG_FC_MAX_PERIOD; <= 1: no season */
    double alpha, beta, gamma, phi;
} tg_ets_spec;

/* A fitted model. States: level l, slope b and season[p], the seasonal
** state of time indices t with t mod m == p (t from 0 at the first
** period). init holds them before the first period, last after the last
** observation (trailing missing periods are forecast steps). Unused
** parameters hold their neutral values (beta 0, gamma 0, phi 1). */
typedef struct tg_ets_model {
    int error, trend, damped, season, period;
    double alpha, beta, gamma, phi;
    tg_fc_state init, last;
    size_t n, n_obs, gap;
    int n_par;     /* estimated: free parameters + free initial states + sigma */
    double lik;    /* -2 log L up to a constant, as R's ets: n log(sum e^2) + 2 sum log|yhat| (M) */
    double loglik; /* -lik / 2 (R's loglik) */
    double aic, aicc, bic;
    double sse;    /* sum of squared one-step errors y - yhat */
    double sigma2; /* sum e^2 / (n_obs - n_par + 1); e relative under multiplicative error */
} tg_ets_model;

/* One candidate of an automatic choice. */
typedef struct tg_ets_cand {
    int error, trend, damped, season;
    int fitted; /* 0: not admissible for this series (see why) */
    const char *why;
    double aicc, loglik;
} tg_ets_cand;

/* All components automatic (R's "ZZZ"), period 12, every parameter fitted. */
void tg_ets_spec_init(tg_ets_spec *spec);

/* Reads R's model code into spec's components: three letters for error,
** trend and season, N, A, M or Z (automatic), trend also "Ad" (damped):
** "ZZZ", "AAdA", "MNM". A trend letter A is undamped, Z tries N, A and
** Ad. Multiplicative trend is not offered. TG_EARG for anything else. */
tg_status tg_ets_parse(const char *code, tg_ets_spec *spec, tg_error *err);

/* The model code of mod ("A,Ad,M" style, as R prints ETS(A,Ad,M)) in buf
** (at least 8 bytes). */
void tg_ets_name(int error, int trend, int damped, int season, char *buf);

/* Checks a spec (period range, fixed parameters in [0, 1], phi in (0, 1],
** none fixed that the model cannot have). TG_OK or TG_EARG. */
tg_status tg_ets_check(const tg_ets_spec *spec, tg_error *err);

/* Runs the model's filter from mod->init over y[0..n) and sets n, n_obs,
** gap, last, lik, loglik, sse, sigma2 and the information criteria (with
** n_par as set by the caller). Returns lik, HUGE_VAL when the model
** breaks down (a non-positive forecast or state where the multiplicative
** parts divide by it). Allocates nothing. */
double tg_ets_eval(tg_ets_model *mod, const double *y, size_t n);

/* 1 when alpha, beta, gamma, phi of mod lie in the admissible region of
** its additive counterpart (the roots of the characteristic polynomial
** inside the unit circle, Hyndman, Akram & Archibald 2008), else 0. */
int tg_ets_admissible(const tg_ets_model *mod);

/* Fits spec to y[0..n). A component left TG_ETS_AUTO is chosen by AICc
** among the candidates (multiplicative parts only for positive data,
** additive error with multiplicative season left out as R's ets does);
** cands (may be NULL, room for TG_ETS_MAX_CANDIDATES) gets every
** candidate and *n_cands their number. TG_EARG for a bad spec, TG_EDATA
** when no candidate can be fitted (too short or too gappy a series,
** multiplicative parts asked for with non-positive data). Allocates
** nothing. */
tg_status tg_ets_fit(const tg_ets_spec *spec, const double *y, size_t n, tg_ets_model *mod,
                     tg_ets_cand *cands, size_t *n_cands, tg_error *err);

/* The h-step point forecast (h >= 1 periods past the end of the series). */
double tg_ets_point(const tg_ets_model *mod, size_t h);

/* 1 when mod's intervals are analytic (tg_etsvar_class: every model but
** additive error with a multiplicative season), 0 when tg_ets_forecast
** simulates them. */
int tg_ets_analytic(const tg_ets_model *mod);

/* Point forecasts point[0..h) and, for each of n_levels levels (per cent),
** the interval limits lo[l * h + j], hi[l * h + j] for j = 0..h-1: the
** normal interval around the forecast mean with the closed-form variance
** when tg_ets_analytic (tg_etsvar_moments), else the quantiles of
** TG_ETS_NSIM paths simulated with normal errors from a generator seeded
** by 'seed'. TG_ENOMEM when the work space cannot be allocated (h *
** TG_ETS_NSIM doubles for paths). */
tg_status tg_ets_forecast(const tg_ets_model *mod, size_t h, const double *levels, size_t n_levels,
                          uint64_t seed, double *point, double *lo, double *hi, tg_error *err);

/* The Box-Cox transformation (y^lambda - 1) / lambda, log y at lambda 0,
** for y > 0 (NaN otherwise), and its inverse (where lambda w + 1 <= 0 it
** is the limit: 0 for lambda > 0, +inf for lambda < 0). */
double tg_ets_boxcox(double y, double lambda);
double tg_ets_inv_boxcox(double w, double lambda);

/* tg_fc_backtest for the ETS family: at every origin o = min_train ..
** n - horizon the spec is fitted to y[0..o) (automatic components chosen
** again each time), or with refit 0 fitted once to y[0..min_train) and
** re-filtered; scores as tg_fc_backtest. Allocates nothing. */
tg_status tg_ets_backtest(const tg_ets_spec *spec, const double *y, size_t n, size_t horizon,
                          size_t min_train, int refit, tg_fc_score *model, tg_fc_score *snaive,
                          size_t *n_origins, tg_error *err);

#endif /* TG_ETS_H */
