/*
** tg_fctable.h -- forecasts and backtests (tg_forecast.h) over every
** group of a table of series: group key columns, a time column ('YYYY-MM'
** strings, dates or integer periods) and a value column. Rows may come in
** any order; each group's series runs from its first to its last period
** and periods without a row (or with a NULL value) are missing. Results
** are new tables; every allocation goes through tg_mem, none inside the
** per-series fitting.
*/
#ifndef TG_FCTABLE_H
#define TG_FCTABLE_H

#include <stddef.h>

#include "tegn.h"
#include "tg_ets.h"
#include "tg_forecast.h"
#include "tg_table.h"

#define TG_FCTABLE_MAX_BY     16      /* group columns */
#define TG_FCTABLE_MAX_LEVELS 8       /* interval levels */
#define TG_FCTABLE_MAX_SPAN   1000000 /* periods from a group's first to its last */

/* What to run. Strings are borrowed for the call. */
typedef struct tg_fctable_opts {
    const char *const *by; /* group columns (any type; NULL keys form a group) */
    size_t n_by;
    const char *time;  /* 'YYYY-MM' strings, dates (their month) or ints */
    const char *value; /* int or float; NULL is missing */
    tg_fc_spec spec;
    size_t horizon;       /* periods ahead, 1..TG_FC_MAX_HORIZON */
    const double *levels; /* interval levels in per cent, 0 < level < 100 */
    size_t n_levels;
    size_t min_train;    /* backtest: the first origin */
    int refit;           /* backtest: refit at every origin (else fit once) */
    tg_ets_spec ets;     /* tg_fctable_ets: the model (components may be automatic) */
    double lower, upper; /* tg_fctable_ets: bounds of the quantity (-inf, inf: none) */
    uint64_t seed;       /* tg_fctable_ets: seeds the simulated intervals */
    int use_ets;   /* tg_fctable_backtest: score o->ets (method "ets") instead of Holt-Winters */
    double lambda; /* tg_fctable_ets: Box-Cox lambda (0 = log); NAN: none */
} tg_fctable_opts;

/* The defaults: no by columns, tg_fc_spec_init's model, horizon 12,
** levels 80 and 95, min_train 36, refit on. time and value must be set. */
void tg_fctable_opts_init(tg_fctable_opts *o);

/* Fits the model to every group and forecasts 1..horizon periods past the
** group's last period. *forecasts (new) gets one row per group and step:
** the by columns, the time column (same name and type: 'YYYY-MM' strings,
** first-of-month dates or ints), h, point, then lo<L> and hi<L> for each
** level L (lo80, hi80, lo95, hi95 by default). *params (new) gets one row
** per group: the by columns, n_obs, alpha, beta, gamma, phi (NULL where
** the model has none), sigma and sse. Groups come in sorted key order.
** Errors: TG_EARG (unknown column, wrong column type, bad option), TG_EDATA
** (a malformed or NULL time, two rows for one period in a group, a group
** too short or too gappy to fit: the message names the group),
** TG_ENOMEM, or the interrupt's status (polled once per group). Both
** outputs are NULL on failure. */
tg_status tg_fctable_holt_winters(const tg_table *t, const tg_fctable_opts *o,
                                  const tg_interrupt *intr, tg_table **forecasts, tg_table **params,
                                  tg_error *err);

/* The ETS family (tg_ets.h) over every group: o->ets is the model, its
** automatic components chosen per group by AICc. *forecasts as
** tg_fctable_holt_winters (points and interval limits clipped to
** [lower, upper]; with a Box-Cox lambda the model is fitted to the
** transformed values and its points (medians) and limits transformed
** back); *params (new) one row per group: the by columns, model
** ("M,Ad,M"), n_obs, alpha, beta, gamma, phi (NULL where the model has
** none), l0, b0 (the fitted initial level and slope), sigma, sse,
** loglik, aicc, intervals ("analytic" or "simulated") and reason (why
** this model); *cands (new) one row per group and candidate: the by
** columns, model, aicc and loglik (NULL when not fitted), chosen (1/0)
** and note (why a candidate was not fitted). Errors as
** tg_fctable_holt_winters. Outputs are NULL on failure. */
tg_status tg_fctable_ets(const tg_table *t, const tg_fctable_opts *o, const tg_interrupt *intr,
                         tg_table **forecasts, tg_table **params, tg_table **cands, tg_error *err);

/* tg_fc_backtest (tg_ets_backtest with o->use_ets) for every group.
** *overall (new) gets one row per group and method: the by columns,
** method ("hw", or "ets" with use_ets, and "snaive"), origins, n, mae,
** mape and mase (NULL for a mean over nothing); *per_h (new) the same per
** horizon, with h instead of origins. Errors as tg_fctable_holt_winters, plus
** TG_EARG for a min_train too small for the model and TG_EDATA for a group
** shorter than min_train + horizon. Both outputs are NULL on failure. */
tg_status tg_fctable_backtest(const tg_table *t, const tg_fctable_opts *o, const tg_interrupt *intr,
                              tg_table **overall, tg_table **per_h, tg_error *err);

#endif /* TG_FCTABLE_H */
