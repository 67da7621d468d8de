/*
** tg_stats.c -- distributions, intervals, comparisons and trend tests for
** success-sign verdicts (see tg_stats.h; formulas in docs/success-signs.md).
** The distribution functions are the incomplete gamma and beta functions
** (series and continued fractions) and their inverses by Newton steps kept
** inside a bisection bracket, so they converge for any shape. Lower and
** upper tails are computed separately, so small p-values keep their digits.
*/
#include "tg_stats.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_normal.h"

#define EPS        1e-15
#define TINY       1e-300 /* keeps Lentz's continued fractions away from 0/0 */
#define MAX_ITER   1000000
#define ROOT_ITER  2000
#define EXACT_MK_N 10 /* Mann-Kendall p is exact up to this many untied points */
#define POLL_PAIRS 4096
#define PI         3.14159265358979323846 /* M_PI is not in C11 */

/* z with Phi(z) = 1 - (1 - conf)/2, the two-sided critical value. */
static double crit_z(double conf) {
    return -tg_normal_quantile((1.0 - conf) / 2.0);
}

int tg_stats_conf_ok(double conf) {
    /* The upper tail point 1 - (1 - conf)/2 must differ from 1, or the
    ** critical values computed from it are infinite: only the largest
    ** double below 1 (1 - 2^-53) fails that besides conf outside (0, 1). */
    return conf > 0 && conf < 1 && 1.0 - (1.0 - conf) / 2.0 < 1.0;
}

static int bad_conf(double conf) {
    return !tg_stats_conf_ok(conf);
}

/* ---- incomplete gamma ---- */

/* P(a, x) into *lower and Q(a, x) = 1 - P into *upper, for a > 0, x >= 0:
** the power series when x < a + 1, else the continued fraction for Q. */
static void gamma_pq(double a, double x, double *lower, double *upper) {
    double front;

    if (x <= 0) {
        *lower = 0;
        *upper = 1;
        return;
    }
    if (isinf(x)) {
        *lower = 1;
        *upper = 0;
        return;
    }
    front = exp(a * log(x) - x - lgamma(a));
    if (x < a + 1) {
        double term = 1.0 / a, sum = term;
        for (int n = 1; n < MAX_ITER; n++) {
            term *= x / (a + n);
            sum += term;
            if (term < sum * EPS) break;
        }
        *lower = fmin(1.0, sum * front);
        *upper = 1.0 - *lower;
    } else {
        /* Lentz's method on Q = front / (x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - ...))) */
        double b = x + 1.0 - a, c = 1.0 / TINY, d = 1.0 / b, h = d;
        for (int i = 1; i < MAX_ITER; i++) {
            double an = -i * (i - a), del;
            b += 2.0;
            d = an * d + b;
            if (fabs(d) < TINY) d = TINY;
            c = b + an / c;
            if (fabs(c) < TINY) c = TINY;
            d = 1.0 / d;
            del = d * c;
            h *= del;
            if (fabs(del - 1.0) < EPS) break;
        }
        *upper = fmin(1.0, front * h);
        *lower = 1.0 - *upper;
    }
}

double tg_stats_gamma_cdf(double x, double shape) {
    double lower, upper;
    if (isnan(x) || !(shape > 0)) return NAN;
    gamma_pq(shape, x, &lower, &upper);
    return lower;
}

/* ---- incomplete beta ---- */

/* The continued fraction of I_x(a, b) (converges fast for x < (a+1)/(a+b+2)). */
static double beta_cf(double a, double b, double x) {
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;
    if (fabs(d) < TINY) d = TINY;
    d = 1.0 / d;
    h = d;
    for (int m = 1; m < MAX_ITER; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)), del;
        d = 1.0 + num * d;
        if (fabs(d) < TINY) d = TINY;
        c = 1.0 + num / c;
        if (fabs(c) < TINY) c = TINY;
        d = 1.0 / d;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        if (fabs(d) < TINY) d = TINY;
        c = 1.0 + num / c;
        if (fabs(c) < TINY) c = TINY;
        d = 1.0 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1.0) < EPS) break;
    }
    return h;
}

/* I_x(a, b) into *lower and 1 - I_x into *upper; y = 1 - x is passed in
** so callers that know it exactly (the t distribution) lose no digits. */
static void beta_pq(double a, double b, double x, double y, double *lower, double *upper) {
    double front;

    /* x or y may round to 1 while the other is still positive: test both */
    if (x <= 0) {
        *lower = 0;
        *upper = 1;
        return;
    }
    if (y <= 0) {
        *lower = 1;
        *upper = 0;
        return;
    }
    front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * (x < 0.5 ? log(x) : log1p(-y)) +
                b * (y < 0.5 ? log(y) : log1p(-x)));
    if (x < (a + 1.0) / (a + b + 2.0)) {
        *lower = fmin(1.0, front * beta_cf(a, b, x) / a);
        *upper = 1.0 - *lower;
    } else {
        *upper = fmin(1.0, front * beta_cf(b, a, y) / b);
        *lower = 1.0 - *upper;
    }
}

double tg_stats_beta_cdf(double x, double a, double b) {
    double lower, upper;
    if (isnan(x) || !(a > 0) || !(b > 0)) return NAN;
    beta_pq(a, b, x, 1.0 - x, &lower, &upper);
    return lower;
}

/* ---- root finding for the quantiles ---- */

/* One safeguarded Newton step for a root of an increasing function with
** value f and slope df at x, bracketed by [*lo, *hi] (hi may be +inf):
** the bracket shrinks to the side the root is on, and a step leaving it
** becomes a bisection (or a doubling while hi is infinite). */
static double newton_step(double x, double f, double df, double *lo, double *hi) {
    double next;
    if (f < 0) *lo = x;
    else *hi = x;
    next = df > 0 ? x - f / df : NAN;
    if (!(next > *lo && next < *hi)) next = isinf(*hi) ? 2.0 * x + 1.0 : 0.5 * (*lo + *hi);
    return next;
}

static int converged(double x, double next) {
    return fabs(next - x) <= 4 * DBL_EPSILON * fabs(next) || next == x;
}

/* ---- gamma and chi-square quantiles ---- */

static double gamma_log_pdf(double x, double a) {
    return (a - 1.0) * log(x) - x - lgamma(a);
}

double tg_stats_gamma_quantile(double p, double shape) {
    double x, lo = 0, hi = INFINITY, z, wh;

    if (isnan(p) || p < 0 || p > 1 || !(shape > 0) || isinf(shape)) return NAN;
    if (p == 0) return 0;
    if (p == 1) return INFINITY;
    /* Wilson-Hilferty's cube-root normal approximation, or for the far
    ** lower tail P(a, x) ~ x^a / Gamma(a + 1). */
    z = tg_normal_quantile(p);
    wh = 1.0 - 1.0 / (9.0 * shape) + z / (3.0 * sqrt(shape));
    x = shape * wh * wh * wh;
    /* Above 1e7 the Newton steps below lose digits (x^a e^-x / Gamma(a)
    ** cancels in the exponent, and the series needs ~sqrt(a) terms), while
    ** Wilson-Hilferty's error falls like 1/a in z: within 2e-14 of R's
    ** qgamma at 1e8 and equal to its 17 digits at 1e10 .. 1e14. */
    if (shape > 1e7 && x > 0) return x;
    if (!(x > 0) || (shape < 1 && p < 0.5)) x = exp((log(p) + lgamma(shape + 1.0)) / shape);
    if (!(x > 0) || isinf(x)) x = shape;
    for (int i = 0; i < ROOT_ITER; i++) {
        double lower, upper, f, next;
        gamma_pq(shape, x, &lower, &upper);
        f = p <= 0.5 ? lower - p : (1.0 - p) - upper;
        if (f == 0) return x;
        next = newton_step(x, f, exp(gamma_log_pdf(x, shape)), &lo, &hi);
        if (converged(x, next)) return next;
        x = next;
    }
    return x;
}

double tg_stats_chi2_quantile(double p, double df) {
    return 2.0 * tg_stats_gamma_quantile(p, df / 2.0);
}

/* ---- beta quantile ---- */

double tg_stats_beta_quantile(double p, double a, double b) {
    double x, lo = 0, hi = 1, lbeta;

    if (isnan(p) || p < 0 || p > 1 || !(a > 0) || !(b > 0) || isinf(a) || isinf(b)) return NAN;
    if (p == 0) return 0;
    if (p == 1) return 1;
    lbeta = lgamma(a) + lgamma(b) - lgamma(a + b);
    /* Start from the tail approximations I_x ~ x^a / (a B) near 0 and
    ** 1 - I_x ~ (1-x)^b / (b B) near 1 when they stay on their side of the
    ** mean, else from the mean. */
    x = a / (a + b);
    {
        double near0 = exp((log(p) + log(a) + lbeta) / a);
        double near1 = 1.0 - exp((log1p(-p) + log(b) + lbeta) / b);
        if (near0 < x) x = near0;
        else if (near1 > x) x = near1;
    }
    if (!(x > 0 && x < 1)) x = 0.5;
    for (int i = 0; i < ROOT_ITER; i++) {
        double lower, upper, f, next, dens;
        beta_pq(a, b, x, 1.0 - x, &lower, &upper);
        f = p <= 0.5 ? lower - p : (1.0 - p) - upper;
        if (f == 0) return x;
        dens = exp((a - 1.0) * log(x) + (b - 1.0) * log1p(-x) - lbeta);
        next = newton_step(x, f, dens, &lo, &hi);
        if (converged(x, next)) return next;
        x = next;
    }
    return x;
}

/* ---- Student's t ---- */

/* P(T > |t|) for df degrees of freedom: I_x(df/2, 1/2) / 2 with x = df/(df + t^2). */
static double t_upper_tail(double t, double df) {
    double lower, upper, t2 = t * t;
    if (isinf(t2)) return 0;
    beta_pq(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2), &lower, &upper);
    return 0.5 * lower;
}

double tg_stats_t_cdf(double t, double df) {
    double tail;
    if (isnan(t) || isnan(df) || !(df > 0)) return NAN;
    if (isinf(df)) return tg_normal_cdf(t);
    tail = t_upper_tail(t, df);
    return t < 0 ? tail : 1.0 - tail;
}

static double t_log_pdf(double t, double df) {
    return lgamma((df + 1.0) / 2.0) - lgamma(df / 2.0) - 0.5 * log(df * PI) -
           (df + 1.0) / 2.0 * log1p(t * t / df);
}

double tg_stats_t_quantile(double p, double df) {
    double q, z, t, lo = 0, hi = INFINITY;

    if (isnan(p) || p < 0 || p > 1 || isnan(df) || !(df > 0)) return NAN;
    if (isinf(df)) return tg_normal_quantile(p);
    if (p == 0) return -INFINITY;
    if (p == 1) return INFINITY;
    if (p == 0.5) return 0;
    /* Solve P(T > t) = q for t > 0, starting from the normal quantile with
    ** the first two Cornish-Fisher terms. The tail falls as t grows, so
    ** the Newton step runs on q - tail, which rises. */
    q = p < 0.5 ? p : 1.0 - p;
    z = -tg_normal_quantile(q);
    t = z + (z * z * z + z) / (4.0 * df) +
        (5.0 * pow(z, 5) + 16.0 * z * z * z + 3.0 * z) / (96.0 * df * df);
    if (!(t > 0) || isinf(t)) t = z;
    for (int i = 0; i < ROOT_ITER; i++) {
        double f = q - t_upper_tail(t, df), next;
        int done;
        if (f == 0) break;
        next = newton_step(t, f, exp(t_log_pdf(t, df)), &lo, &hi);
        done = converged(t, next);
        t = next;
        if (done) break;
    }
    return p < 0.5 ? -t : t;
}

/* ---- intervals of one period ---- */

static tg_interval nan_interval(void) {
    tg_interval r = { NAN, NAN, NAN };
    return r;
}

tg_interval tg_stats_wilson(double x, double n, double conf) {
    tg_interval r = nan_interval();
    double z, z2, p, denom, centre, half;

    if (!(n > 0) || !(x >= 0 && x <= n) || isinf(n) || bad_conf(conf)) return r;
    z = crit_z(conf);
    z2 = z * z;
    p = x / n;
    denom = 1.0 + z2 / n;
    if (n < 1e150) {
        centre = (p + z2 / (2.0 * n)) / denom;
        half = z / denom * sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    } else {
        /* The same, multiplied through by n: 4 n^2 overflows and p (1 - p) / n
        ** underflows for n near the top of the double range. */
        centre = (x + z2 / 2.0) / (n + z2);
        half = z * sqrt(x * (1.0 - p) + z2 / 4.0) / (n + z2);
    }
    r.est = p;
    r.lo = x == 0 ? 0.0 : fmax(0.0, centre - half);
    r.hi = x == n ? 1.0 : fmin(1.0, centre + half);
    return r;
}

tg_interval tg_stats_mean_ci(double mean, double sd, double n, double conf) {
    tg_interval r = nan_interval();
    double half;

    if (!(n > 0) || isnan(mean) || bad_conf(conf)) return r;
    r.est = mean;
    if (!(n >= 2) || !(sd >= 0) || isinf(sd) || isinf(n)) return r;
    half = tg_stats_t_quantile(1.0 - (1.0 - conf) / 2.0, n - 1.0) * sd / sqrt(n);
    r.lo = mean - half;
    r.hi = mean + half;
    return r;
}

tg_interval tg_stats_rate_ci(double events, double exposure, double conf) {
    tg_interval r = nan_interval();
    double alpha = 1.0 - conf;

    if (!(exposure > 0) || !(events >= 0) || isinf(events) || isinf(exposure) || bad_conf(conf))
        return r;
    r.est = events / exposure;
    r.lo = events == 0 ? 0.0 : tg_stats_gamma_quantile(alpha / 2.0, events) / exposure;
    r.hi = tg_stats_gamma_quantile(1.0 - alpha / 2.0, events + 1.0) / exposure;
    return r;
}

/* ---- comparisons of two periods ---- */

static tg_test_result nan_result(void) {
    tg_test_result r = { NAN, NAN, NAN, NAN, NAN };
    return r;
}

/* Two-sided normal p-value of z. */
static double two_sided_p(double z) {
    return erfc(fabs(z) / sqrt(2.0));
}

tg_test_result tg_stats_prop_diff(double x1, double n1, double x2, double n2, double conf) {
    tg_test_result r = nan_result();
    tg_interval w1 = tg_stats_wilson(x1, n1, conf), w2 = tg_stats_wilson(x2, n2, conf);
    double pooled, se;

    if (isnan(w1.est) || isnan(w2.est)) return r;
    r.est = w2.est - w1.est;
    /* Newcombe's method 10: the distance from each estimate to the Wilson
    ** limit on the side that moves the difference, combined in quadrature. */
    r.lo = r.est - hypot(w2.est - w2.lo, w1.hi - w1.est);
    r.hi = r.est + hypot(w2.hi - w2.est, w1.est - w1.lo);
    pooled = (x1 + x2) / (n1 + n2);
    se = sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2));
    if (se > 0) {
        r.stat = r.est / se;
        r.p = two_sided_p(r.stat);
    } else {
        r.stat = 0;
        r.p = 1;
    }
    return r;
}

tg_test_result tg_stats_mean_diff(double m1, double sd1, double n1, double m2, double sd2,
                                  double n2, double conf) {
    tg_test_result r = nan_result();
    double v1, v2, se, df, half;

    if (!(n1 > 0) || !(n2 > 0) || bad_conf(conf)) return r;
    r.est = m2 - m1;
    if (!(n1 >= 2) || !(n2 >= 2) || !(sd1 >= 0) || !(sd2 >= 0) || isinf(sd1) || isinf(sd2) ||
        isinf(n1) || isinf(n2) || isnan(r.est))
        return r;
    v1 = sd1 * sd1 / n1;
    v2 = sd2 * sd2 / n2;
    se = sqrt(v1 + v2);
    if (se == 0) {
        r.lo = r.hi = r.est;
        r.stat = r.est == 0 ? 0.0 : copysign(INFINITY, r.est);
        r.p = r.est == 0 ? 1.0 : 0.0;
        return r;
    }
    df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
    half = tg_stats_t_quantile(1.0 - (1.0 - conf) / 2.0, df) * se;
    r.lo = r.est - half;
    r.hi = r.est + half;
    r.stat = r.est / se;
    r.p = fmin(1.0, 2.0 * t_upper_tail(r.stat, df));
    return r;
}

/* P(X <= k) and P(X >= k) for X ~ binomial(n, p), 0 <= k <= n, through
** the incomplete beta (so non-integer counts get its continuous extension). */
static void binom_tails(double k, double n, double p, double *le, double *ge) {
    double lower, upper;
    if (k >= n) {
        *le = 1;
    } else {
        beta_pq(k + 1.0, n - k, p, 1.0 - p, &lower, &upper);
        *le = upper;
    }
    if (k <= 0) {
        *ge = 1;
    } else {
        beta_pq(k, n - k + 1.0, p, 1.0 - p, &lower, &upper);
        *ge = lower;
    }
}

tg_test_result tg_stats_rate_ratio(double events1, double exposure1, double events2,
                                   double exposure2, double conf) {
    tg_test_result r = nan_result();
    double total = events1 + events2, scale, pi0, pi_lo, pi_hi, le, ge, alpha = 1.0 - conf;

    if (!(events1 >= 0) || !(events2 >= 0) || !(exposure1 > 0) || !(exposure2 > 0) ||
        !(total > 0) || isinf(total) || isinf(exposure1) || isinf(exposure2) || bad_conf(conf))
        return r;
    /* RR = pi/(1 - pi) * exposure1/exposure2 for pi = events2/total. */
    scale = exposure1 / exposure2;
    r.est = events1 == 0 ? INFINITY : events2 / events1 * scale;
    pi_lo = events2 == 0 ? 0.0 : tg_stats_beta_quantile(alpha / 2.0, events2, events1 + 1.0);
    pi_hi = events1 == 0 ? 1.0 : tg_stats_beta_quantile(1.0 - alpha / 2.0, events2 + 1.0, events1);
    r.lo = pi_lo / (1.0 - pi_lo) * scale;
    r.hi = pi_hi >= 1.0 ? INFINITY : pi_hi / (1.0 - pi_hi) * scale;
    pi0 = exposure2 / (exposure1 + exposure2);
    r.stat = (events2 - total * pi0) / sqrt(total * pi0 * (1.0 - pi0));
    binom_tails(events2, total, pi0, &le, &ge);
    r.p = fmin(1.0, 2.0 * fmin(le, ge));
    return r;
}

/* ---- Mann-Kendall and Theil-Sen ---- */

/* A total order for qsort: NaN after every number (a comparator that
** calls NaN equal to everything is not an order, and qsort may then
** misplace numbers too). */
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    if (isnan(x) || isnan(y)) return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

static double sign(double v) {
    return (v > 0) - (v < 0);
}

/* Sums t(t-1)(2t+5), t(t-1)(t-2) and t(t-1) over the groups of equal
** values of the sorted v[0..n). */
static void tie_sums(const double *v, size_t n, double *s25, double *s2, double *s1) {
    *s25 = *s2 = *s1 = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i]) j++;
        double t = (double)(j - i);
        *s25 += t * (t - 1) * (2 * t + 5);
        *s2 += t * (t - 1) * (t - 2);
        *s1 += t * (t - 1);
        i = j;
    }
}

/* Two-sided exact p of S for n <= EXACT_MK_N untied points: under no
** trend every order of the y values is equally likely, and the number of
** discordant pairs D = (n(n-1)/2 - S)/2 is the number of inversions of a
** random permutation, counted by the recurrence
** I(k, d) = sum over j = 0..min(d, k-1) of I(k-1, d-j). */
static double mk_exact_p(size_t n, double s) {
    double count[EXACT_MK_N * (EXACT_MK_N - 1) / 2 + 1] = { 1 };
    double next[TG_ARRAY_LEN(count)];
    double n0 = (double)n * ((double)n - 1) / 2, perms = 1, below = 0;
    size_t max_d = 0;

    assert(n >= 1 && n <= EXACT_MK_N);
    if (s == 0) return 1;
    for (size_t k = 2; k <= n; k++) {
        size_t new_max = max_d + k - 1;
        for (size_t d = 0; d <= new_max; d++) {
            next[d] = 0;
            for (size_t j = 0; j < k && j <= d; j++)
                if (d - j <= max_d) next[d] += count[d - j];
        }
        memcpy(count, next, (new_max + 1) * sizeof *count);
        max_d = new_max;
        perms *= (double)k;
    }
    for (size_t d = 0; (double)d <= (n0 - fabs(s)) / 2; d++) below += count[d];
    return fmin(1.0, 2.0 * below / perms);
}

/* The value at 1-based rank r (clamped to [1, n]) of the sorted v,
** interpolating linearly between neighbours for a fractional r. */
static double at_rank(const double *v, size_t n, double r) {
    double fl;
    size_t i;
    if (r < 1) r = 1;
    if (r > (double)n) r = (double)n;
    fl = floor(r);
    i = (size_t)fl;
    if (i >= n) return v[n - 1];
    return v[i - 1] + (r - fl) * (v[i] - v[i - 1]);
}

tg_status tg_stats_trend_intr(const double *x, const double *y, size_t n, double conf,
                              const tg_interrupt *intr, tg_trend *out) {
    double *xs, *ys, *slopes = NULL;
    double s = 0, n0, var, tx25, tx2, tx1, ty25, ty2, ty1, nd, c;
    size_t m = 0, n_slopes = 0, since_poll = 0;
    tg_status st;

    assert(out != NULL && (n == 0 || (x != NULL && y != NULL)));
    for (size_t i = 0; i < n; i++) {
        if (isinf(x[i]) || isinf(y[i])) return TG_EDATA;
        m += !isnan(x[i]) && !isnan(y[i]);
    }
    if (m < 3 || bad_conf(conf)) return TG_EARG;
    if (m > SIZE_MAX / 2 / sizeof(double) || (m - 1) > SIZE_MAX / sizeof(double) / m)
        return TG_ENOMEM;
    if (!(xs = tg_malloc(2 * m * sizeof *xs))) return TG_ENOMEM;
    ys = xs + m;
    m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i])) continue;
        xs[m] = x[i];
        ys[m++] = y[i];
    }
    if (!(slopes = tg_malloc(m * (m - 1) / 2 * sizeof *slopes))) {
        tg_free(xs);
        return TG_ENOMEM;
    }
    for (size_t i = 0; i + 1 < m; i++) {
        for (size_t j = i + 1; j < m; j++) {
            double dx = xs[j] - xs[i], dy = ys[j] - ys[i];
            s += sign(dx) * sign(dy);
            /* dy / dx is NaN only when both differences overflow: such a
            ** pair has no slope to count. */
            if (dx != 0 && !isnan(dy / dx)) slopes[n_slopes++] = dy / dx;
        }
        since_poll += m - i - 1;
        if (since_poll >= POLL_PAIRS) {
            since_poll = 0;
            if ((st = tg_poll(intr)) != TG_OK) {
                tg_free(slopes);
                tg_free(xs);
                return st;
            }
        }
    }

    /* Kendall's variance of S with ties in both variables (Kendall 1975, 4.4). */
    qsort(xs, m, sizeof *xs, cmp_double);
    qsort(ys, m, sizeof *ys, cmp_double);
    tie_sums(xs, m, &tx25, &tx2, &tx1);
    tie_sums(ys, m, &ty25, &ty2, &ty1);
    nd = (double)m;
    n0 = nd * (nd - 1) / 2;
    var = (nd * (nd - 1) * (2 * nd + 5) - tx25 - ty25) / 18 +
          tx2 * ty2 / (9 * nd * (nd - 1) * (nd - 2)) + tx1 * ty1 / (2 * nd * (nd - 1));
    if (var < 0) var = 0;

    memset(out, 0, sizeof *out);
    out->n = m;
    out->s = s;
    out->var_s = var;
    out->z = s == 0 || var == 0 ? 0.0 : (s - sign(s)) / sqrt(var);
    if (m <= EXACT_MK_N && tx1 == 0 && ty1 == 0) out->p = mk_exact_p(m, s);
    else out->p = var == 0 ? 1.0 : two_sided_p(out->z);
    {
        double denom = (n0 - tx1 / 2) * (n0 - ty1 / 2);
        out->tau = denom > 0 ? s / sqrt(denom) : NAN;
    }

    /* Sen (1968): ranks (N -+ C)/2 and that + 1 bound the slope, C = z sqrt(var S). */
    if (n_slopes == 0) {
        out->slope = out->slope_lo = out->slope_hi = NAN;
    } else {
        double ns = (double)n_slopes;
        qsort(slopes, n_slopes, sizeof *slopes, cmp_double);
        c = crit_z(conf) * sqrt(var);
        out->slope = at_rank(slopes, n_slopes, (ns + 1) / 2);
        out->slope_lo = at_rank(slopes, n_slopes, (ns - c) / 2);
        out->slope_hi = at_rank(slopes, n_slopes, (ns + c) / 2 + 1);
    }
    tg_free(slopes);
    tg_free(xs);
    return TG_OK;
}

tg_status tg_stats_trend(const double *x, const double *y, size_t n, double conf, tg_trend *out) {
    return tg_stats_trend_intr(x, y, n, conf, NULL, out);
}

/* ---- Benjamini-Hochberg ---- */

struct ranked {
    double p;
    size_t i;
};

static int cmp_ranked(const void *a, const void *b) {
    const struct ranked *x = a, *y = b;
    if (x->p != y->p) return (x->p > y->p) - (x->p < y->p);
    return (x->i > y->i) - (x->i < y->i); /* qsort is not stable */
}

tg_status tg_stats_bh(const double *p, size_t n, double *q_out) {
    struct ranked *r;
    size_t m = 0;
    double run = 1;

    assert(n == 0 || (p != NULL && q_out != NULL));
    for (size_t i = 0; i < n; i++) {
        if (isnan(p[i])) continue;
        if (p[i] < 0 || p[i] > 1) return TG_EARG;
        m++;
    }
    if (m == 0) {
        for (size_t i = 0; i < n; i++) q_out[i] = NAN;
        return TG_OK;
    }
    if (m > SIZE_MAX / sizeof *r || !(r = tg_malloc(m * sizeof *r))) return TG_ENOMEM;
    m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(p[i])) continue;
        r[m].p = p[i];
        r[m++].i = i;
    }
    qsort(r, m, sizeof *r, cmp_ranked);
    /* r holds copies of the p-values, so q_out may be p itself */
    for (size_t i = 0; i < n; i++)
        if (isnan(p[i])) q_out[i] = NAN;
    for (size_t k = m; k > 0; k--) {
        run = fmin(run, r[k - 1].p * (double)m / (double)k);
        q_out[r[k - 1].i] = run;
    }
    tg_free(r);
    return TG_OK;
}
