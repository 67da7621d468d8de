/*
** tg_normal.h -- the standard normal distribution: its CDF and quantile.
** In base because two layers that do not see each other need them: the
** confidence intervals of tg_stats and the forecast intervals of
** tg_fctable. Pure functions; nothing allocates.
*/
#ifndef TG_NORMAL_H
#define TG_NORMAL_H

/* Phi(z), via erfc, accurate in both tails (Phi(-10) = 7.6e-24). */
double tg_normal_cdf(double z);

/* z with Phi(z) = p: -inf at 0, +inf at 1, NaN outside [0, 1] or for NaN.
** Accurate to about 1e-15 relative (a rational start, then Halley steps). */
double tg_normal_quantile(double p);

#endif /* TG_NORMAL_H */
