/*
** tg_etsvar.h -- the forecast mean and variance of the ETS models that have
** them in closed form (Hyndman, Koehler, Ord & Snyder, Forecasting with
** Exponential Smoothing, 2008, ch. 6): class 1 (additive error, no or
** additive season), class 2 (multiplicative error, no or additive season)
** and class 3 (multiplicative error and season). The other models (additive
** error with a multiplicative season) have none; tg_ets simulates them.
*/
#ifndef TG_ETSVAR_H
#define TG_ETSVAR_H

#include <stddef.h>

#include "tegn.h"
#include "tg_forecast.h"

/* A fitted model at the forecast origin. error, trend and season are 0
** (none), 1 (additive) or 2 (multiplicative), as tg_ets's TG_ETS_N, _A,
** _M; trend is 0 or 1, damped through phi (1: undamped). Unused
** parameters are 0 (phi 1). season[k] is the season state used k + 1
** steps (mod period) after the origin; period 1 without a season. */
typedef struct tg_etsvar_model {
    int error, trend, season, period;
    double alpha, beta, gamma, phi, sigma2;
    double level, slope;
    double season_state[TG_FC_MAX_PERIOD];
} tg_etsvar_model;

/* The class (1, 2 or 3) of the model when its forecast variance has a
** closed form, else 0. */
int tg_etsvar_class(const tg_etsvar_model *mod);

/* For steps j = 1..H after the origin, mean[j-1] and var[j-1]: the mean
** and variance of y at that step given the states, under the model with
** normal errors of variance sigma2. The mean is the point forecast in
** classes 1 and 2; in class 3 it differs from it by terms in sigma^2 once
** a season has been updated (j > m). TG_EARG when the class is 0,
** TG_ENOMEM when the work space (class 2: H doubles; class 3: 2 (2m)^2
** doubles) cannot be allocated. */
tg_status tg_etsvar_moments(const tg_etsvar_model *mod, size_t H, double *mean, double *var,
                            tg_error *err);

#endif
