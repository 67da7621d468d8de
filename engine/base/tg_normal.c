/*
** tg_normal.c -- the standard normal CDF and quantile (see tg_normal.h).
*/
#include "tg_normal.h"

#include <math.h>

#define EPS 1e-15
#define PI  3.14159265358979323846 /* M_PI is not in C11 */

double tg_normal_cdf(double z) {
    return 0.5 * erfc(-z / sqrt(2.0));
}

static double pdf(double z) {
    return exp(-0.5 * z * z) / sqrt(2.0 * PI);
}

/* The quantile for p in (0, 0.5]: Abramowitz & Stegun 26.2.23 (error below
** 4.5e-4) as the start, then Halley steps on Phi(z) - p, which triple the
** correct digits each time. */
static double lower_quantile(double p) {
    double t = sqrt(-2.0 * log(p));
    double z = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                         (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
    for (int i = 0; i < 20; i++) {
        double d = pdf(z), u, step;
        if (d <= 0) break;
        u = (tg_normal_cdf(z) - p) / d;
        step = u / (1.0 + 0.5 * z * u);
        z -= step;
        if (fabs(step) <= EPS * fabs(z)) break;
    }
    return z;
}

double tg_normal_quantile(double p) {
    if (isnan(p) || p < 0 || p > 1) return NAN;
    if (p == 0) return -INFINITY;
    if (p == 1) return INFINITY;
    if (p == 0.5) return 0;
    return p < 0.5 ? lower_quantile(p) : -lower_quantile(1.0 - p);
}
