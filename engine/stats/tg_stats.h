/*
** tg_stats.h -- the statistics behind "tegn på succes" verdicts: the
** normal, Student t, chi-square, gamma and beta distributions, confidence
** intervals for a proportion (Wilson), a mean (t) and a rate (Garwood),
** two-period comparisons (Newcombe's difference of proportions, Welch's
** difference of means, the exact conditional rate ratio), the
** Mann-Kendall trend test with the Theil-Sen slope, and Benjamini-Hochberg
** q-values. Pure functions of their arguments; only the trend test and
** the q-values allocate (through tg_mem). docs/success-signs.md gives
** every formula.
**
** Undefined results are NaN, never an error: an interval of nothing
** (n = 0), of a mean of one value, a rate over no exposure, arguments out
** of range (x > n, conf outside (0, 1), negative counts, NaN inputs). The
** callers (tg_judge, the tegn.stats binding) check input and word the
** messages; these functions only promise not to return nonsense.
*/
#ifndef TG_STATS_H
#define TG_STATS_H

#include <stddef.h>

#include "tegn.h"

/* An estimate and its interval; NaN fields when undefined. */
typedef struct tg_interval {
    double est, lo, hi;
} tg_interval;

/* A comparison of two periods: est is a difference or a ratio, lo/hi its
** interval, stat the z (or t) statistic and p its two-sided p-value. */
typedef struct tg_test_result {
    double est, lo, hi;
    double stat;
    double p;
} tg_test_result;

/* A Mann-Kendall trend test with the Theil-Sen slope (tg_stats_trend). */
typedef struct tg_trend {
    size_t n;                         /* points used (NaN x or y skipped) */
    double s;                         /* Kendall's S = sum of sign(dx) * sign(dy) over pairs */
    double var_s;                     /* variance of S under no trend, tie-corrected */
    double z;                         /* continuity-corrected z; 0 when S == 0 */
    double p;                         /* two-sided p: exact or normal, see tg_stats_trend */
    double tau;                       /* Kendall's tau-b; NaN when x or y is constant */
    double slope, slope_lo, slope_hi; /* Theil-Sen slope per unit of x and Sen's interval */
} tg_trend;

/* ---- distributions ---- */

/* The normal distribution is tg_normal's (base), shared with forecasts. */
/* Student's t distribution function with df > 0 degrees of freedom (df
** need not be an integer; df = inf is the normal); NaN for df <= 0. */
double tg_stats_t_cdf(double t, double df);
/* Its inverse for p in (0, 1); NaN for df <= 0 or p outside [0, 1]. */
double tg_stats_t_quantile(double p, double df);
/* The chi-square quantile with df > 0 (twice the gamma quantile of df/2). */
double tg_stats_chi2_quantile(double p, double df);
/* The gamma(shape, scale 1) distribution function and its inverse, for
** shape > 0; the exact Poisson interval is built from the quantile. */
double tg_stats_gamma_cdf(double x, double shape);
double tg_stats_gamma_quantile(double p, double shape);
/* The regularized incomplete beta function I_x(a, b) (the beta(a, b)
** distribution function) and its inverse in x, for a, b > 0. */
double tg_stats_beta_cdf(double x, double a, double b);
double tg_stats_beta_quantile(double p, double a, double b);

/* ---- intervals of one period (conf is e.g. 0.95 everywhere) ---- */

/* The Wilson score interval of a proportion: x successes of n. n may be a
** non-integer effective n (weighted surveys). est = x/n; lo is exactly 0
** when x = 0 and hi exactly 1 when x = n. NaN when n <= 0 or x is outside
** [0, n]. */
tg_interval tg_stats_wilson(double x, double n, double conf);

/* The t interval of a mean from its sd and n (df n - 1, which may be
** non-integer). est = mean for n > 0 (else NaN); lo/hi NaN for n < 2 or a
** negative sd; sd 0 gives lo = hi = mean. */
tg_interval tg_stats_mean_ci(double mean, double sd, double n, double conf);

/* The exact (Garwood 1936) Poisson interval of the rate events/exposure:
** the chi-square/gamma quantiles, divided by exposure. events = 0 gives lo
** = 0; non-integer events use the gamma function's continuous extension.
** NaN when exposure <= 0 or events < 0. */
tg_interval tg_stats_rate_ci(double events, double exposure, double conf);

/* ---- comparisons of two periods (1 = baseline, 2 = now) ---- */

/* est = p2 - p1 with Newcombe's hybrid score interval (his method 10,
** built from the two Wilson intervals); stat = the pooled two-proportion
** z, p its two-sided normal p-value. When both proportions are 0 (or both
** 1) the pooled variance is 0 and stat = 0, p = 1. All NaN when either
** Wilson interval is undefined. */
tg_test_result tg_stats_prop_diff(double x1, double n1, double x2, double n2, double conf);

/* est = m2 - m1 with Welch's t interval and test (Welch-Satterthwaite
** df); stat = t, p two-sided. est is NaN unless n1, n2 > 0; the rest NaN
** unless n1, n2 >= 2 and the sds are >= 0. Both sds 0: lo = hi = est,
** stat = +-inf and p = 0 when est != 0, stat = 0 and p = 1 when est = 0. */
tg_test_result tg_stats_mean_diff(double m1, double sd1, double n1, double m2, double sd2,
                                  double n2, double conf);

/* est = rate2/rate1 (events/exposure) with the exact conditional
** interval: given the total events N = events1 + events2, events2 is
** binomial(N, pi) with pi/(1 - pi) = RR * exposure2/exposure1, so the
** Clopper-Pearson interval of pi maps to one for RR. stat = the
** conditional score z of events2 against pi0 = exposure2/(exposure1 +
** exposure2) (RR = 1); p = the exact conditional binomial p-value, twice
** the smaller tail (capped at 1), which is below 1 - conf exactly when the
** interval excludes 1. events2 = 0 gives lo = 0 (and est 0); events1 = 0
** gives hi = est = +inf. All NaN when N = 0, an exposure is <= 0 or a
** count is negative. */
tg_test_result tg_stats_rate_ratio(double events1, double exposure1, double events2,
                                   double exposure2, double conf);

/* 1 when conf is a usable confidence level: in (0, 1) and with an upper
** tail point 1 - (1 - conf)/2 below 1 in double precision (1 - 2^-53 is
** not: its critical values would be infinite). Every function here gives
** NaN (or TG_EARG) for another conf. */
int tg_stats_conf_ok(double conf);

/* ---- trend over periods ---- */

/* Mann-Kendall and Theil-Sen over the points (x[i], y[i]): x is the
** period (need not be evenly spaced nor distinct), points with a NaN x or
** y are skipped. S counts concordant minus discordant pairs; var S is
** Kendall's variance with ties in x and in y; z = (S - sign S)/sqrt(var S).
** p is exact (Kendall's permutation distribution of S) when n <= 10 and
** neither x nor y has ties, else the normal p of z. tau is tau-b. The
** slope is the median of the pairwise slopes dy/dx (pairs with equal x
** skipped) and its interval is Sen's (1968): the order statistics of
** ranks (N -+ z_conf * sqrt(var S))/2 and +1 among the N slopes,
** interpolated between neighbours. All y equal gives S = 0, z = 0, p = 1,
** tau NaN and slope 0 [0, 0]; all x equal gives slope NaN.
** Returns TG_EARG for fewer than 3 usable points or a conf that fails
** tg_stats_conf_ok, TG_EDATA for an infinite x or y,
** TG_ENOMEM (out is then untouched), or TG_OK. Allocates n(n-1)/2 + 2n
** doubles at most. */
tg_status tg_stats_trend(const double *x, const double *y, size_t n, double conf, tg_trend *out);

/* tg_stats_trend polling 'intr' (may be NULL) every few thousand pairs,
** since the work is quadratic in n; returns the poll's status if it asks
** to stop. */
tg_status tg_stats_trend_intr(const double *x, const double *y, size_t n, double conf,
                              const tg_interrupt *intr, tg_trend *out);

/* ---- many tests ---- */

/* Benjamini-Hochberg (1995) adjusted q-values of the n p-values p into
** q_out (which may be p itself): q_(i) = min over j >= i of m p_(j)/j,
** capped at 1, where m counts the non-NaN p-values. A NaN p gives a NaN q.
** TG_EARG for a p outside [0, 1] (q_out untouched), TG_ENOMEM, or TG_OK. */
tg_status tg_stats_bh(const double *p, size_t n, double *q_out);

#endif /* TG_STATS_H */
