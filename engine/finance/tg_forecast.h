/*
** tg_forecast.h -- capacity forecasting by exponential smoothing: additive
** Holt-Winters (ETS(A,A,A), optionally damped ETS(A,Ad,A)) with simple and
** Holt smoothing as special cases, parameters fitted by a bounded
** Nelder-Mead on the one-step-ahead SSE, analytic prediction intervals, a
** seasonal-naive baseline and a rolling-origin backtest (MAE, MAPE, MASE).
** Series are arrays of doubles with NaN for missing periods; nothing here
** allocates. tg_fctable.h runs these over every group of a table.
** docs/forecast.md has the maths.
*/
#ifndef TG_FORECAST_H
#define TG_FORECAST_H

#include <stddef.h>

#include "tegn.h"

#define TG_FC_MAX_PERIOD  64   /* longest season (52 weeks fits) */
#define TG_FC_MAX_HORIZON 1000 /* longest forecast / backtest horizon */

/* The model to fit. A parameter set to a number is fixed at that value;
** NAN means "fit it". Parameters the structure does not use (beta without
** a trend, gamma without a season, phi without damping) must be NAN. */
typedef struct tg_fc_spec {
    int trend;  /* 1 = additive trend (Holt); 0 = none */
    int damped; /* 1 = damped trend (needs trend) */
    int period; /* season length m, 2..TG_FC_MAX_PERIOD; 0 or 1 = no season */
    double alpha, beta, gamma, phi;
} tg_fc_spec;

/* The states of the model at one time: level l, slope b and the season
** (season[p] is the seasonal state of time indices t with t mod m == p,
** t counted from 0 at the series' first period). */
typedef struct tg_fc_state {
    double level, slope;
    double season[TG_FC_MAX_PERIOD];
} tg_fc_state;

/* A fitted (or hand-set) model. Unused parameters hold their neutral
** values: beta = 0 without a trend, gamma = 0 without a season, phi = 1
** without damping; period is 1 without a season. */
typedef struct tg_fc_model {
    int trend, damped, period;
    double alpha, beta, gamma, phi;
    tg_fc_state init; /* states before the first period */
    tg_fc_state end;  /* states after the last period (set by tg_fc_fit) */
    size_t n;         /* periods in the series, missing ones included */
    size_t n_obs;     /* non-missing periods */
    size_t gap;       /* missing periods at the end of the series */
    double sse;       /* sum of squared one-step errors */
    double sigma;     /* residual standard deviation (see tg_fc_fit) */
} tg_fc_model;

/* Accuracy of one method over a backtest (one horizon, or all pooled).
** n counts scored pairs; MAPE skips actual values of 0 and MASE origins
** whose scale is 0, so each has its own count. A mean over no pairs is
** NAN. MAPE is in per cent. */
typedef struct tg_fc_score {
    size_t n, n_mape, n_mase;
    double mae, mape, mase;
} tg_fc_score;

/* The default: additive Holt-Winters, trend, no damping, period 12, every
** parameter fitted. */
void tg_fc_spec_init(tg_fc_spec *spec);

/* Checks a spec: period range, damping needs a trend, fixed parameters in
** [0, 1] (phi in (0, 1]) and none fixed that the structure does not use.
** TG_OK or TG_EARG with a message. */
tg_status tg_fc_check(const tg_fc_spec *spec, tg_error *err);

/* A smoothing parameter fixed by the user: NaN (to be fitted) passes; else
** it must be one the model has ('used': beta needs a trend, gamma a season,
** phi damping) and lie in [0, 1], or (0, 1] for the damping 'phi'. The one
** check Holt-Winters (tg_fc_check) and ETS (tg_ets_check) share. */
tg_status tg_fc_check_param(double v, const char *name, int used, int phi, tg_error *err);

/* Fewest periods a series must have to be fitted with 'spec': 2m with a
** season, 3 with a trend, 2 otherwise. Gaps can raise the need further
** (see tg_fc_init). */
size_t tg_fc_min_length(const tg_fc_spec *spec);

/* Sets mod's structure from 'spec' (parameters as given, NAN where they
** are to be fitted) and its initial states from y[0..n): a least-squares
** fit of y_t = l0 + b0 t + s_(t mod m) (t = 1, 2, ...; seasonal effects
** summing to 0; b0 = 0 without a trend) on the first max(2m, 10) periods
** rounded up to whole seasons, widened by a season at a time while some
** season position has no observation. TG_EARG for a bad spec, TG_EDATA
** when the series is too short or too gappy. */
tg_status tg_fc_init(const tg_fc_spec *spec, const double *y, size_t n, tg_fc_model *mod,
                     tg_error *err);

/* Runs the model's filter over y[0..n) from mod->init and returns the sum
** of squared one-step errors over the non-missing values. Missing values
** (NaN) update nothing: the states move on as forecasts. Optional outputs
** (NULL to skip): the states after the last period, the one-step
** forecasts fitted[0..n), the count of observations and of missing
** values at the end. Allocates nothing. */
double tg_fc_filter(const tg_fc_model *mod, const double *y, size_t n, tg_fc_state *end,
                    double *fitted, size_t *n_obs, size_t *gap);

/* Fits 'spec' to y[0..n): tg_fc_init, then the free parameters minimise
** the one-step SSE within 0 < alpha < 1, 0 < beta < alpha,
** 0 < gamma < 1 - alpha, 0.8 <= phi <= 0.98 (a bounded Nelder-Mead from
** fixed starting points, so equal input gives equal output), then the
** final filter sets end, n_obs, gap, sse and sigma = sqrt(sse / (n_obs -
** p)), p = fitted parameters + initial states (sse / n_obs if that is not
** positive). Errors as tg_fc_init. Allocates nothing. */
tg_status tg_fc_fit(const tg_fc_spec *spec, const double *y, size_t n, tg_fc_model *mod,
                    tg_error *err);

/* The h-step forecast (h >= 1) from the end of the series. */
double tg_fc_point(const tg_fc_model *mod, size_t h);

/* Fills point[0..h) and sd[0..h) (sd may be NULL) with the forecasts and
** their standard deviations for 1..h periods ahead: var = sigma^2 (1 +
** sum_{j=1}^{H-1} c_j^2), c_j = alpha + beta (phi + ... + phi^j) + gamma
** [j mod m = 0], H = steps from the last observation (h + gap). */
void tg_fc_forecast(const tg_fc_model *mod, size_t h, double *point, double *sd);

/* The seasonal-naive h-step forecast from y[0..n): the latest non-missing
** value at the same season position (the latest value when period <= 1);
** NAN when there is none. */
double tg_fc_snaive(const double *y, size_t n, int period, size_t h);

/* The in-sample seasonal-naive mean absolute error of y[0..n) (Hyndman &
** Koehler 2006): the mean of |y_t - y_(t-m)| over pairs where both are
** present (m = 1 when period <= 1); NAN when there is no pair. */
double tg_fc_mase_scale(const double *y, size_t n, int period);

/* Rolling-origin backtest: for every origin o = min_train .. n - horizon,
** fits 'spec' to y[0..o) (or, with refit 0, fits once to y[0..min_train)
** and re-filters with those parameters), forecasts 1..horizon ahead and
** scores it and the seasonal-naive forecast against y[o..o+horizon).
** A pair counts only when the actual value and both forecasts exist.
** MASE scales each origin's errors by tg_fc_mase_scale of its training
** data. hw[0] and snaive[0] get the pooled scores, hw[j] and snaive[j]
** those of horizon j (both arrays hold horizon + 1). *n_origins (may be
** NULL) gets the number of origins. TG_EARG for a bad spec, horizon or
** min_train; TG_EDATA when the series is shorter than min_train + horizon
** or a training window cannot be fitted. Allocates nothing. */
tg_status tg_fc_backtest(const tg_fc_spec *spec, const double *y, size_t n, size_t horizon,
                         size_t min_train, int refit, tg_fc_score *hw, tg_fc_score *snaive,
                         size_t *n_origins, tg_error *err);

/* The forecasts of one backtest origin: point[0..horizon) for periods
** o+1 .. o+horizon from y[0..o). */
typedef tg_status (*tg_fc_origin_fn)(void *ctx, const double *y, size_t o, size_t horizon,
                                     double *point, tg_error *err);

/* The rolling-origin loop of tg_fc_backtest with the model's forecasts
** from 'forecast' (tg_ets uses it for the ETS family): the same origins,
** pairs, seasonal-naive baseline (with 'period') and scores. TG_EARG for a
** bad horizon, TG_EDATA for a series shorter than min_train + horizon, or
** the status of 'forecast'. */
tg_status tg_fc_backtest_with(tg_fc_origin_fn forecast, void *ctx, int period, const double *y,
                              size_t n, size_t horizon, size_t min_train, tg_fc_score *model,
                              tg_fc_score *snaive, size_t *n_origins, tg_error *err);

#endif /* TG_FORECAST_H */
