/*
** test_stats.c -- the statistics behind success-sign verdicts (tg_stats).
** Expected values come from published tables and worked examples (cited
** at each test) and from a second computation, tests/unit/stats_ref.py
** (Python standard library, sharing no algorithm with tg_stats.c: its
** normal quantile is NormalDist's, its t distribution is Simpson
** integration, its exact limits are bisections on sums of Poisson and
** binomial probabilities). Numbers marked [ref] are printed by that script.
*/
#include "tg_test.h"

#include <math.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_normal.h"
#include "tg_stats.h"

/* Fails with both values printed, which plain assert_true does not do. */
static void check(double got, double want, double tol, const char *what) {
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.12g, want %.12g (tol %g)", what, got, want, tol);
}

static void check_interval(tg_interval r, double est, double lo, double hi, double tol,
                           const char *what) {
    check(r.est, est, tol, what);
    check(r.lo, lo, tol, what);
    check(r.hi, hi, tol, what);
}

static void check_nan_interval(tg_interval r) {
    assert_true(isnan(r.lo) && isnan(r.hi));
}

/* ---- distributions ---- */

static void test_stats_normal_matches_tables(void **state) {
    (void)state;
    check(tg_normal_quantile(0.975), 1.959963984540054, 1e-13, "z 0.975");
    check(tg_normal_quantile(0.025), -1.959963984540054, 1e-13, "z 0.025");
    check(tg_normal_quantile(0.95), 1.6448536269514722, 1e-13, "z 0.95");
    check(tg_normal_quantile(1e-10), -6.361340902404056, 1e-11, "z 1e-10"); /* [ref] */
    check(tg_normal_quantile(0.5), 0, 0, "z 0.5");
    check(tg_normal_cdf(1.0), 0.8413447460685429, 1e-15, "Phi(1)");
    check(tg_normal_cdf(-1.959963984540054), 0.025, 1e-15, "Phi(-1.96)");
    /* the far tail keeps its digits: Phi(-10) = 7.6198530241605e-24 */
    check(tg_normal_cdf(-10) / 7.6198530241605e-24, 1, 1e-12, "Phi(-10)");
    assert_true(isinf(tg_normal_quantile(0)) && tg_normal_quantile(0) < 0);
    assert_true(isinf(tg_normal_quantile(1)) && tg_normal_quantile(1) > 0);
    assert_true(isnan(tg_normal_quantile(1.5)));
    assert_true(isnan(tg_normal_quantile(NAN)));
}

/* Student t quantiles from printed tables (to the table's 6 decimals),
** non-integer df against [ref] (Simpson integration + bisection). */
static void test_stats_t_matches_tables(void **state) {
    (void)state;
    check(tg_stats_t_quantile(0.975, 10), 2.228139, 5e-7, "t .975 10");
    check(tg_stats_t_quantile(0.975, 1), 12.706205, 5e-7, "t .975 1");
    check(tg_stats_t_quantile(0.975, 2), 4.302653, 5e-7, "t .975 2");
    check(tg_stats_t_quantile(0.995, 30), 2.749996, 5e-7, "t .995 30");
    check(tg_stats_t_quantile(0.95, 5), 2.015048, 5e-7, "t .95 5");
    check(tg_stats_t_quantile(0.9, 2.5), 1.730250929, 1e-8, "t .9 2.5");        /* [ref] */
    check(tg_stats_t_quantile(0.025, 17.5), -2.105232972, 1e-8, "t .025 17.5"); /* [ref] */
    check(tg_stats_t_cdf(-3, 4), 0.01997098404, 1e-10, "T4(-3)");               /* [ref] */
    check(tg_stats_t_cdf(2.228139, 10), 0.975, 1e-7, "T10(2.228139)");
    check(tg_stats_t_cdf(0, 3), 0.5, 1e-15, "T3(0)");
    /* df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/pi */
    check(tg_stats_t_cdf(7.5, 1), 0.5 + atan(7.5) / 3.14159265358979323846, 1e-14, "Cauchy");
    /* its quantile is tan(pi (p - 1/2)) = -1/tan(pi p), the latter exact for small p */
    check(tg_stats_t_quantile(1e-9, 1), -1 / tan(3.14159265358979323846 * 1e-9), 0.03,
          "Cauchy far tail");
    /* large df approaches the normal */
    check(tg_stats_t_quantile(0.975, 1e7), 1.959963984540054, 1e-6, "t df 1e7");
    check(tg_stats_t_quantile(0.975, INFINITY), 1.959963984540054, 1e-13, "t df inf");
    assert_true(isnan(tg_stats_t_quantile(0.975, 0)));
    assert_true(isnan(tg_stats_t_cdf(1, -2)));
}

static void test_stats_chi2_gamma_beta(void **state) {
    (void)state;
    /* chi-square tables; even df also [ref] through the Poisson sums */
    check(tg_stats_chi2_quantile(0.95, 1), 3.841459, 5e-7, "chi2 .95 1");
    check(tg_stats_chi2_quantile(0.975, 2), 7.377759, 5e-7, "chi2 .975 2");
    check(tg_stats_chi2_quantile(0.05, 10), 3.940299, 5e-7, "chi2 .05 10");
    check(tg_stats_chi2_quantile(0.95, 10), 18.307038, 5e-7, "chi2 .95 10");
    check(tg_stats_chi2_quantile(0.5, 3), 2.365974, 5e-7, "chi2 .5 3");
    /* df 1: the square of the normal quantile of 0.5025, [ref] 3.927042222051424e-05 */
    check(tg_stats_chi2_quantile(0.005, 1), 3.927042222051424e-05, 1e-17, "chi2 .005 1");
    /* gamma(1) is the exponential: quantile -log(1 - p) */
    check(tg_stats_gamma_quantile(0.3, 1), -log(0.7), 1e-14, "exp quantile");
    check(tg_stats_gamma_cdf(2, 1), 1 - exp(-2), 1e-15, "exp cdf");
    /* beta(1, b): I_x = 1 - (1-x)^b; beta(a, 1): I_x = x^a */
    check(tg_stats_beta_quantile(0.975, 1, 10), 1 - pow(0.025, 0.1), 1e-14, "beta(1,10)");
    check(tg_stats_beta_quantile(0.025, 7, 1), pow(0.025, 1.0 / 7), 1e-14, "beta(7,1)");
    check(tg_stats_beta_cdf(0.3, 2, 1), 0.09, 1e-15, "I_.3(2,1)");
    /* Clopper-Pearson limits of 7/20 [ref]: Beta(.025; 7, 14), Beta(.975; 8, 13) */
    check(tg_stats_beta_quantile(0.025, 7, 14), 0.1539092048, 1e-9, "CP lo");
    check(tg_stats_beta_quantile(0.975, 8, 13), 0.5921885345, 1e-9, "CP hi");
    assert_true(isnan(tg_stats_gamma_quantile(0.5, 0)));
    assert_true(isnan(tg_stats_beta_quantile(0.5, 1, -1)));
}

/* The quantile x of p inverts the distribution function F to 4 ulps (the
** root finders' stopping rule), so p lies between F at the doubles 4 ulps
** either side of x (within 1e-8 of the smaller tail, the accuracy of F
** itself: for shapes near 2e5 its lgamma terms carry about 1e-9). Near 1 the doubles are 1.1e-16
*apart and F can jump there
** (beta(2, 0.05)); this asks only for what a double can hold. */
struct inverse {
    double (*cdf)(double x, double a, double b);
    double (*quantile)(double p, double a, double b);
    const char *name;
};

static double norm_cdf3(double x, double a, double b) {
    (void)a, (void)b;
    return tg_normal_cdf(x);
}
static double norm_q3(double p, double a, double b) {
    (void)a, (void)b;
    return tg_normal_quantile(p);
}
static double gamma_cdf3(double x, double a, double b) {
    (void)b;
    return tg_stats_gamma_cdf(x, a);
}
static double gamma_q3(double p, double a, double b) {
    (void)b;
    return tg_stats_gamma_quantile(p, a);
}
static double t_cdf3(double x, double a, double b) {
    (void)b;
    return tg_stats_t_cdf(x, a);
}
static double t_q3(double p, double a, double b) {
    (void)b;
    return tg_stats_t_quantile(p, a);
}

static void check_inverse(const struct inverse *f, double p, double a, double b) {
    double x = f->quantile(p, a, b), tol = 1e-8 * fmin(p, 1 - p), lo = x, hi = x, below, above;
    for (int i = 0; i < 4; i++) {
        lo = nextafter(lo, -INFINITY);
        hi = nextafter(hi, INFINITY);
    }
    below = f->cdf(lo, a, b);
    above = f->cdf(hi, a, b);
    if (!(below - tol <= p && p <= above + tol))
        fail_msg("%s(%g, %g, %g) = %.17g: F there is [%.17g, %.17g]", f->name, p, a, b, x, below,
                 above);
}

static void test_stats_quantiles_invert_cdfs(void **state) {
    static const double ps[] = { 1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999 };
    static const double shapes[] = { 0.05, 0.5, 1, 2.5, 10, 137, 1e4, 2e5 };
    static const struct inverse norm = { norm_cdf3, norm_q3, "norm" };
    static const struct inverse gamma = { gamma_cdf3, gamma_q3, "gamma" };
    static const struct inverse t = { t_cdf3, t_q3, "t" };
    static const struct inverse beta = { tg_stats_beta_cdf, tg_stats_beta_quantile, "beta" };
    (void)state;
    for (size_t i = 0; i < TG_ARRAY_LEN(ps); i++) {
        check_inverse(&norm, ps[i], 0, 0);
        for (size_t k = 0; k < TG_ARRAY_LEN(shapes); k++) {
            check_inverse(&gamma, ps[i], shapes[k], 0);
            /* with df 0.05 the far quantiles pass 1e300 and overflow */
            if (shapes[k] >= 0.5) check_inverse(&t, ps[i], shapes[k], 0);
            check_inverse(&beta, ps[i], shapes[k], 3.5);
            check_inverse(&beta, ps[i], 2, shapes[k]);
        }
    }
}

/* ---- one period ---- */

/* Newcombe (1998a, Statistics in Medicine 17:857, table II, method 3 =
** Wilson) to the paper's 4 decimals, and [ref] to 1e-9. */
static void test_stats_wilson_newcombe_examples(void **state) {
    (void)state;
    check_interval(tg_stats_wilson(81, 263, 0.95), 0.3080, 0.2553, 0.3662, 5e-5, "81/263");
    check_interval(tg_stats_wilson(15, 148, 0.95), 0.1014, 0.0624, 0.1605, 5e-5, "15/148");
    check_interval(tg_stats_wilson(0, 20, 0.95), 0, 0, 0.1611, 5e-5, "0/20");
    check_interval(tg_stats_wilson(1, 29, 0.95), 0.0345, 0.0061, 0.1718, 5e-5, "1/29");
    check_interval(tg_stats_wilson(81, 263, 0.95), 81.0 / 263, 0.2552885199, 0.366209577, 1e-9,
                   "81/263 ref");
    check_interval(tg_stats_wilson(1, 29, 0.95), 1.0 / 29, 0.006113214293, 0.1717552188, 1e-11,
                   "1/29 ref");
}

static void test_stats_wilson_edges(void **state) {
    tg_interval r;
    (void)state;
    r = tg_stats_wilson(0, 20, 0.95);
    assert_true(r.lo == 0 && r.est == 0);
    r = tg_stats_wilson(20, 20, 0.95); /* mirror of 0/20 */
    assert_true(r.hi == 1 && r.est == 1);
    check(r.lo, 1 - 0.1611251581, 1e-9, "20/20");
    r = tg_stats_wilson(0, 0, 0.95);
    assert_true(isnan(r.est));
    check_nan_interval(r);
    check_nan_interval(tg_stats_wilson(5, 4, 0.95));
    check_nan_interval(tg_stats_wilson(-1, 4, 0.95));
    check_nan_interval(tg_stats_wilson(1, 4, 1.0));
    check_nan_interval(tg_stats_wilson(NAN, 4, 0.95));
    /* an effective n: Wilson's formula with n = 51.3 and x = 0.25 n [ref-free: the
    ** interval of x/n is symmetric in the sense wilson(n-x) = 1 - wilson(x)] */
    r = tg_stats_wilson(12.825, 51.3, 0.9);
    tg_interval m = tg_stats_wilson(51.3 - 12.825, 51.3, 0.9);
    check(r.lo, 1 - m.hi, 1e-14, "effective n");
    check(r.hi, 1 - m.lo, 1e-14, "effective n");
}

/* WHO-5 style: mean 62.4, sd 18.0, n 25: t(.975, 24) = 2.063899 (tables),
** half-width 2.063899 * 18 / 5 = 7.43004 (the table's 6 decimals: tol 2e-6). */
static void test_stats_mean_ci(void **state) {
    tg_interval r;
    (void)state;
    r = tg_stats_mean_ci(62.4, 18.0, 25, 0.95);
    check_interval(r, 62.4, 62.4 - 2.063899 * 3.6, 62.4 + 2.063899 * 3.6, 2e-6, "WHO-5");
    r = tg_stats_mean_ci(3.2, 0, 10, 0.95); /* sd 0 */
    assert_true(r.lo == 3.2 && r.hi == 3.2);
    r = tg_stats_mean_ci(3.2, 1.1, 1, 0.95); /* n = 1 */
    assert_true(r.est == 3.2);
    check_nan_interval(r);
    r = tg_stats_mean_ci(3.2, 1.1, 0, 0.95); /* n = 0 */
    assert_true(isnan(r.est));
    check_nan_interval(tg_stats_mean_ci(3.2, -1, 10, 0.95));
}

/* Garwood intervals: published tables (e.g. Ulm 1990) give 0 -> [0, 3.689]
** and 10 -> [4.795, 18.39]; [ref] to 1e-9. */
static void test_stats_rate_ci(void **state) {
    tg_interval r;
    (void)state;
    r = tg_stats_rate_ci(0, 1, 0.95);
    check_interval(r, 0, 0, 3.689, 5e-4, "0 events");
    assert_true(r.lo == 0);
    check(r.hi, -log(0.025), 1e-12, "0 events exact"); /* gamma(1) closed form */
    r = tg_stats_rate_ci(10, 1, 0.95);
    check_interval(r, 10, 4.795, 18.39, 5e-3, "10 events");
    check_interval(r, 10, 4.795388696, 18.39035604, 1e-8, "10 events ref");
    /* per exposure: 10 sick-day spells over 2.5 FTE-years */
    r = tg_stats_rate_ci(10, 2.5, 0.95);
    check_interval(r, 4, 4.795388696 / 2.5, 18.39035604 / 2.5, 1e-8, "exposure 2.5");
    r = tg_stats_rate_ci(3, 1, 0.9);
    check_interval(r, 3, 0.8176914472, 7.753656528, 1e-8, "3 events 90%");
    check_nan_interval(tg_stats_rate_ci(3, 0, 0.95));
    assert_true(isnan(tg_stats_rate_ci(3, 0, 0.95).est));
    check_nan_interval(tg_stats_rate_ci(-1, 1, 0.95));
}

/* ---- comparisons ---- */

/* Newcombe (1998b, Statistics in Medicine 17:873, table II, method 10),
** in his orientation theta = p1 - p2, so his (x1/n1, x2/n2) is our
** (x2/n2, x1/n1). Paper values to 4 decimals; [ref] to 1e-9. */
static void test_stats_prop_diff_newcombe(void **state) {
    static const struct {
        double a, m, b, n, est, lo, hi, ref_lo, ref_hi;
    } ex[] = {
        { 56, 70, 48, 80, 0.2000, 0.0524, 0.3339, 0.0524314724, 0.333872654 },
        { 9, 10, 3, 10, 0.6000, 0.1705, 0.8090, 0.1705227239, 0.8090179735 },
        { 6, 7, 2, 7, 0.5714, 0.0582, 0.8062, 0.05822792748, 0.8062496375 },
        { 5, 56, 0, 29, 0.0893, -0.0381, 0.1926, -0.0381371479, 0.1925600139 },
        { 0, 10, 0, 20, 0, -0.1611, 0.2775, -0.1611251581, 0.2775327999 },
        { 0, 10, 0, 10, 0, -0.2775, 0.2775, -0.2775327999, 0.2775327999 },
        { 10, 10, 0, 20, 1, 0.6791, 1, 0.6790860371, 1 },
        { 10, 10, 0, 10, 1, 0.6075, 1, 0.6075093504, 1 },
    };
    (void)state;
    for (size_t i = 0; i < TG_ARRAY_LEN(ex); i++) {
        tg_test_result r = tg_stats_prop_diff(ex[i].b, ex[i].n, ex[i].a, ex[i].m, 0.95);
        check(r.est, ex[i].est, 5e-5, "newcombe est");
        check(r.lo, ex[i].lo, 5e-5, "newcombe lo");
        check(r.hi, ex[i].hi, 5e-5, "newcombe hi");
        check(r.lo, ex[i].ref_lo, 1e-9, "newcombe lo ref");
        check(r.hi, ex[i].ref_hi, 1e-9, "newcombe hi ref");
    }
    /* pooled z for 48/80 -> 56/70: p = 104/150, [ref] */
    check(tg_stats_prop_diff(48, 80, 56, 70, 0.95).stat, 2.650171951, 1e-9, "pooled z");
}

/* Copenhagen's loneliness check (domain.md section 5): 47 % of 7,282 in
** 2015, 42 % of 7,094 in 2017: about -5.0 points, interval -6.6 to -3.4,
** z about -6. Counts x = round(0.47 * 7282) = 3423, round(0.42 * 7094) =
** 2979; [ref] gives -0.05013083227 [-0.06633407232, -0.03388855255],
** z = -6.046428556. */
static void test_stats_prop_diff_copenhagen(void **state) {
    tg_test_result r = tg_stats_prop_diff(3423, 7282, 2979, 7094, 0.95);
    (void)state;
    check(r.est, -0.050, 0.0005, "est");
    check(r.lo, -0.066, 0.0005, "lo");
    check(r.hi, -0.034, 0.0005, "hi");
    check(r.stat, -6.0, 0.05, "z");
    check(r.est, -0.05013083227, 1e-10, "est ref");
    check(r.lo, -0.06633407232, 1e-10, "lo ref");
    check(r.hi, -0.03388855255, 1e-10, "hi ref");
    check(r.stat, -6.046428556, 1e-8, "z ref");
    check(r.p, erfc(6.046428556 / sqrt(2.0)), 1e-15, "p");
    assert_true(r.p < 1e-8);
}

static void test_stats_prop_diff_edges(void **state) {
    tg_test_result r;
    (void)state;
    r = tg_stats_prop_diff(0, 10, 0, 10, 0.95); /* pooled variance 0 */
    assert_true(r.stat == 0 && r.p == 1 && r.est == 0);
    r = tg_stats_prop_diff(10, 10, 10, 10, 0.95);
    assert_true(r.stat == 0 && r.p == 1);
    r = tg_stats_prop_diff(1, 0, 3, 10, 0.95);
    assert_true(isnan(r.est) && isnan(r.lo) && isnan(r.hi) && isnan(r.stat) && isnan(r.p));
}

/* R's classic t.test(extra ~ group, data = sleep) (Welch): t = -1.8608,
** df = 17.776, p = 0.07939, 95 % CI -3.3654832 0.2054832 for group1 -
** group2; ours is group2 - group1, so the signs flip. [ref] computes the
** same from the raw data: means 0.75, 2.33, sds 1.789009658, 2.002248736. */
static void test_stats_welch_sleep(void **state) {
    tg_test_result r = tg_stats_mean_diff(0.75, 1.789009658, 10, 2.33, 2.002248736, 10, 0.95);
    (void)state;
    check(r.est, 1.58, 1e-12, "est");
    check(r.stat, 1.8608, 5e-5, "t");
    check(r.p, 0.07939, 5e-6, "p");
    check(r.lo, -0.2054832, 5e-7, "lo");
    check(r.hi, 3.3654832, 5e-7, "hi");
    check(r.p, 0.07939414019, 1e-8, "p ref");
    check(r.lo, -0.2054832307, 1e-8, "lo ref");
}

static void test_stats_welch_edges(void **state) {
    tg_test_result r;
    (void)state;
    r = tg_stats_mean_diff(3, 0, 5, 4, 0, 5, 0.95); /* both sds 0 */
    assert_true(r.lo == 1 && r.hi == 1 && r.p == 0 && isinf(r.stat) && r.stat > 0);
    r = tg_stats_mean_diff(3, 0, 5, 3, 0, 5, 0.95);
    assert_true(r.stat == 0 && r.p == 1);
    /* one sd 0: df = n2 - 1 and se = sd2/sqrt(n2), so a one-sample t interval */
    r = tg_stats_mean_diff(3, 0, 5, 4, 2, 9, 0.95);
    check(r.hi - r.est, 2.306004 * 2.0 / 3.0, 5e-7, "one sd 0"); /* t(.975, 8) = 2.306004 */
    r = tg_stats_mean_diff(3, 1, 1, 4, 2, 9, 0.95);              /* n = 1 */
    assert_true(r.est == 1 && isnan(r.lo) && isnan(r.p));
    r = tg_stats_mean_diff(3, 1, 0, 4, 2, 9, 0.95);
    assert_true(isnan(r.est));
}

/* Exact conditional rate ratio: Clopper-Pearson on events2 of the total,
** [ref] by bisection on binomial sums; p twice the smaller binomial tail. */
static void test_stats_rate_ratio(void **state) {
    tg_test_result r;
    (void)state;
    r = tg_stats_rate_ratio(10, 1, 20, 1, 0.95);
    check(r.est, 2, 1e-15, "est");
    check(r.lo, 0.8935088904, 1e-8, "lo");
    check(r.hi, 4.78455244, 1e-7, "hi");
    check(r.stat, 1.825741858, 1e-9, "z");
    check(r.p, 0.09873714671, 1e-10, "p");
    /* turnover: 120 leavers over 80 headcount-years, then 90 over 100 */
    r = tg_stats_rate_ratio(120, 80, 90, 100, 0.95);
    check(r.est, 0.6, 1e-15, "est");
    check(r.lo, 0.4513576768, 1e-8, "lo");
    check(r.hi, 0.7951956911, 1e-8, "hi");
    check(r.stat, -3.703280399, 1e-9, "z");
    check(r.p, 0.0002944123218, 1e-12, "p");
    /* no events at baseline: est and hi infinite; p = 2 (3/5)^4 = 0.2592 */
    r = tg_stats_rate_ratio(0, 2, 4, 3, 0.95);
    assert_true(isinf(r.est) && isinf(r.hi));
    check(r.lo, 0.4400826796, 1e-8, "lo");
    check(r.p, 0.2592, 1e-12, "p");
    /* none now: lo = est = 0; p = 2 (2/5)^4 = 0.0512 */
    r = tg_stats_rate_ratio(4, 2, 0, 3, 0.95);
    assert_true(r.lo == 0 && r.est == 0);
    check(r.hi, 1.00991124, 1e-7, "hi");
    check(r.p, 0.0512, 1e-12, "p");
    r = tg_stats_rate_ratio(0, 2, 0, 3, 0.95);
    assert_true(isnan(r.est) && isnan(r.lo) && isnan(r.p));
    r = tg_stats_rate_ratio(3, 0, 4, 3, 0.95);
    assert_true(isnan(r.est) && isnan(r.hi));
}

/* ---- trend ---- */

/* By hand: x = 1..6, y = 3 5 5 4 7 8.
** sign(y_j - y_i) by i: i=1 (3): + + + + + = 5; i=2 (5): 0 - + + = 1;
** i=3 (5): - + + = 1; i=4 (4): + + = 2; i=5 (7): + = 1. S = 10.
** var S = [6*5*17 - 2*1*9 (one pair of tied 5s)]/18 = 492/18 = 27.3333.
** z = (10 - 1)/sqrt(27.3333) = 1.72146; p = 2(1 - Phi(1.72146)) = 0.08517.
** tau-b = 10/sqrt(15 * (15 - 1)) = 0.69007.
** Slopes dy/dx, sorted: -1 -0.5 0 1/3 2/3 0.75 1 1 1 1 1 1 2 2 3: N = 15,
** median (8th) = 1. C = 1.959964 * sqrt(27.3333) = 10.2468; ranks
** (15 - C)/2 = 2.3766 -> -0.5 + 0.3766 * 0.5 = -0.31174, and
** (15 + C)/2 + 1 = 13.623 -> between the 13th and 14th (both 2) = 2.
** [ref] agrees: 10 27.33333333 1.721457125 0.08516790588 0.6900655593 1
** -0.3117361597 2. */
static void test_stats_trend_hand_example(void **state) {
    static const double x[] = { 1, 2, 3, 4, 5, 6 }, y[] = { 3, 5, 5, 4, 7, 8 };
    tg_trend t;
    (void)state;
    assert_int_equal(tg_stats_trend(x, y, 6, 0.95, &t), TG_OK);
    assert_int_equal(t.n, 6);
    check(t.s, 10, 0, "S");
    check(t.var_s, 492.0 / 18, 1e-12, "var S");
    check(t.z, 9 / sqrt(492.0 / 18), 1e-12, "z");
    check(t.p, 0.08516790588, 1e-10, "p");
    check(t.tau, 10 / sqrt(15.0 * 14), 1e-12, "tau");
    check(t.slope, 1, 0, "slope");
    check(t.slope_lo, -0.3117361597, 1e-9, "slope lo");
    check(t.slope_hi, 2, 0, "slope hi");
}

/* Ties in x (two readings in one period) use Kendall's full variance:
** [ref] gives S 15, var 40.52380952, z 2.199241403, p 0.02786076178,
** tau 0.7894736842, slope 1 [0.1307999268, 1.5]. */
static void test_stats_trend_ties_in_x(void **state) {
    static const double x[] = { 1, 1, 2, 3, 3, 4, 5 }, y[] = { 2, 3, 3, 5, 4, 6, 5 };
    tg_trend t;
    (void)state;
    assert_int_equal(tg_stats_trend(x, y, 7, 0.95, &t), TG_OK);
    check(t.s, 15, 0, "S");
    check(t.var_s, 40.52380952, 1e-8, "var S");
    check(t.z, 2.199241403, 1e-9, "z");
    check(t.p, 0.02786076178, 1e-10, "p");
    check(t.tau, 0.7894736842, 1e-10, "tau");
    check(t.slope, 1, 1e-15, "slope");
    check(t.slope_lo, 0.1307999268, 1e-9, "lo");
    check(t.slope_hi, 1.5, 1e-15, "hi");
}

/* Tie groups of three in both x and y reach every term of Kendall's
** variance: x = 1 1 1 2 2 3 4, y = 2 4 2 3 5 5 2. By hand, n = 7:
** x groups 3, 2 and y groups 3 (the 2s), 2 (the 5s), so
** [7*6*19 - (3*2*11 + 2*1*9) - (3*2*11 + 2*1*9)]/18 = (798 - 84 - 84)/18 = 35,
** plus (3*2*1)(3*2*1)/(9*7*6*5) = 36/1890, plus (6 + 2)(6 + 2)/(2*7*6) = 64/84:
** var S = 35.780952. tau-b = S/sqrt((21 - 4)(21 - 4)) = S/17. [ref]: S 4,
** p 0.6159994778, slope 0.5 [-1.180988049, 2.361976099]. */
static void test_stats_trend_ties_in_both(void **state) {
    static const double x[] = { 1, 1, 1, 2, 2, 3, 4 }, y[] = { 2, 4, 2, 3, 5, 5, 2 };
    tg_trend t;
    (void)state;
    assert_int_equal(tg_stats_trend(x, y, 7, 0.95, &t), TG_OK);
    check(t.s, 4, 0, "S");
    check(t.var_s, 35 + 36.0 / 1890 + 64.0 / 84, 1e-12, "var S");
    check(t.tau, 4.0 / 17, 1e-15, "tau");
    check(t.p, 0.6159994778, 1e-10, "p");
    check(t.slope, 0.5, 1e-15, "slope");
    check(t.slope_lo, -1.180988049, 1e-9, "lo");
    check(t.slope_hi, 2.361976099, 1e-9, "hi");
}

/* Exact p for untied n <= 10. y = 1 3 2 4 5: one discordant pair, S = 8;
** permutations of 5 with at most 1 inversion: 1 + 4 = 5 of 120, so
** p = 2 * 5/120 = 0.083333 (also [ref] by enumerating all 120). Uneven
** years 2015 2017 2018 2021 with 47 45 44 42: S = -6, exact p = 2/24;
** slopes -1 -1 -5/6 -1 -3/4 -2/3 -> median -11/12 = -0.91667 ([ref]). */
static void test_stats_trend_exact_and_uneven(void **state) {
    static const double x5[] = { 1, 2, 3, 4, 5 }, y5[] = { 1, 3, 2, 4, 5 };
    static const double x8[] = { 0, 1, 2, 3, 4, 5, 6, 7 }, y8[] = { 3, 1, 4, 8, 5, 9, 2, 6 };
    static const double yr[] = { 2015, 2017, 2018, 2021 }, pct[] = { 47, 45, 44, 42 };
    tg_trend t;
    (void)state;
    assert_int_equal(tg_stats_trend(x5, y5, 5, 0.95, &t), TG_OK);
    check(t.s, 8, 0, "S");
    check(t.p, 10.0 / 120, 1e-15, "exact p");
    assert_int_equal(tg_stats_trend(x8, y8, 8, 0.95, &t), TG_OK);
    check(t.s, 10, 0, "S 8");
    check(t.p, 0.2750992063, 1e-10, "exact p 8"); /* [ref]: all 40320 orders */
    assert_int_equal(tg_stats_trend(yr, pct, 4, 0.9, &t), TG_OK);
    check(t.s, -6, 0, "S");
    check(t.p, 2.0 / 24, 1e-15, "p");
    check(t.tau, -1, 1e-15, "tau");
    check(t.slope, -11.0 / 12, 1e-15, "slope");
    check(t.slope_lo, -1, 1e-15, "lo");
    check(t.slope_hi, -0.6666666667, 1e-9, "hi");
    check(t.z, -1.698415551, 1e-9, "z");
}

static void test_stats_trend_edges(void **state) {
    static const double x[] = { 1, 2, 3, 4 }, flat[] = { 5, 5, 5, 5 };
    static const double gap[] = { 1, NAN, 2, 3 }, same_x[] = { 2, 2, 2, 2 }, up[] = { 1, 2, 3, 4 };
    tg_trend t;
    (void)state;
    assert_int_equal(tg_stats_trend(x, flat, 4, 0.95, &t), TG_OK);
    assert_true(t.s == 0 && t.var_s == 0 && t.z == 0 && t.p == 1 && isnan(t.tau));
    assert_true(t.slope == 0 && t.slope_lo == 0 && t.slope_hi == 0);
    assert_int_equal(tg_stats_trend(x, gap, 4, 0.95, &t), TG_OK); /* NaN skipped */
    assert_int_equal(t.n, 3);
    check(t.s, 3, 0, "S");
    check(t.slope, 2.0 / 3, 1e-15, "slope"); /* (1,1) (3,2) (4,3): slopes 1/2 2/3 1 */
    assert_int_equal(tg_stats_trend(same_x, up, 4, 0.95, &t), TG_OK);
    assert_true(t.s == 0 && isnan(t.slope) && isnan(t.tau));
    assert_int_equal(tg_stats_trend(x, gap, 3, 0.95, &t), TG_EARG); /* 2 usable */
    assert_int_equal(tg_stats_trend(x, up, 2, 0.95, &t), TG_EARG);
    assert_int_equal(tg_stats_trend(x, up, 4, 1.5, &t), TG_EARG);
}

static tg_status trend_run(void *ctx) {
    static const double x[] = { 1, 2, 3, 4, 5, 6 }, y[] = { 3, 5, 5, 4, 7, 8 };
    tg_trend t;
    tg_status st = tg_stats_trend(x, y, 6, 0.95, &t);
    (void)ctx;
    if (st == TG_OK && t.s != 10) return TG_EDATA;
    return st;
}

static void test_stats_trend_oom(void **state) {
    (void)state;
    assert_true(tg_test_oom_loop(trend_run, NULL) >= 2);
}

static void test_stats_trend_interrupt(void **state) {
    double x[200], y[200];
    tg_test_stopper stop = { 0, 1 };
    tg_interrupt intr = { tg_test_stop_poll, &stop };
    tg_trend t;
    size_t before = tg_mem_blocks();
    (void)state;
    for (int i = 0; i < 200; i++) {
        x[i] = i;
        y[i] = (i * 37) % 101;
    }
    assert_int_equal(tg_stats_trend_intr(x, y, 200, 0.95, &intr, &t), TG_ELIMIT);
    assert_true(stop.calls >= 1);
    tg_test_no_leaks(before);
}

/* ---- many tests ---- */

/* By hand: p = .01 .04 .03 .005, m = 4; sorted .005 .01 .03 .04 times m/rank
** = .02 .02 .04 .04; running minimum from the top leaves them as they are. */
static void test_stats_bh(void **state) {
    double p[] = { 0.01, 0.04, 0.03, 0.005 }, q[4];
    double p2[] = { 0.9, 0.02, NAN, 0.02, 0.5, 0.001 }, q2[6];
    double bad[] = { 0.5, 1.5 };
    (void)state;
    assert_int_equal(tg_stats_bh(p, 4, q), TG_OK);
    check(q[0], 0.02, 1e-15, "q0");
    check(q[1], 0.04, 1e-15, "q1");
    check(q[2], 0.04, 1e-15, "q2");
    check(q[3], 0.02, 1e-15, "q3");
    /* NaN skipped (m = 5); ties share a q: sorted .001 .02 .02 .5 .9 ->
    ** .005 .05 .0333 .625 .9 -> minimum from the top: .005 .0333 .0333 .625 .9 */
    assert_int_equal(tg_stats_bh(p2, 6, q2), TG_OK);
    check(q2[0], 0.9, 1e-15, "q2 0");
    check(q2[1], 0.1 / 3, 1e-15, "q2 1");
    assert_true(isnan(q2[2]));
    check(q2[3], 0.1 / 3, 1e-15, "q2 3");
    check(q2[4], 0.625, 1e-15, "q2 4");
    check(q2[5], 0.005, 1e-15, "q2 5");
    /* in place */
    assert_int_equal(tg_stats_bh(p, 4, p), TG_OK);
    check(p[1], 0.04, 1e-15, "in place");
    assert_int_equal(tg_stats_bh(bad, 2, q), TG_EARG);
    assert_int_equal(tg_stats_bh(bad, 0, q), TG_OK);
}

static tg_status bh_run(void *ctx) {
    double p[] = { 0.01, 0.04, 0.03, 0.005 }, q[4];
    (void)ctx;
    return tg_stats_bh(p, 4, q);
}

static void test_stats_bh_oom(void **state) {
    (void)state;
    assert_true(tg_test_oom_loop(bh_run, NULL) >= 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_normal_matches_tables),
        cmocka_unit_test(test_stats_t_matches_tables),
        cmocka_unit_test(test_stats_chi2_gamma_beta),
        cmocka_unit_test(test_stats_quantiles_invert_cdfs),
        cmocka_unit_test(test_stats_wilson_newcombe_examples),
        cmocka_unit_test(test_stats_wilson_edges),
        cmocka_unit_test(test_stats_mean_ci),
        cmocka_unit_test(test_stats_rate_ci),
        cmocka_unit_test(test_stats_prop_diff_newcombe),
        cmocka_unit_test(test_stats_prop_diff_copenhagen),
        cmocka_unit_test(test_stats_prop_diff_edges),
        cmocka_unit_test(test_stats_welch_sleep),
        cmocka_unit_test(test_stats_welch_edges),
        cmocka_unit_test(test_stats_rate_ratio),
        cmocka_unit_test(test_stats_trend_hand_example),
        cmocka_unit_test(test_stats_trend_ties_in_x),
        cmocka_unit_test(test_stats_trend_ties_in_both),
        cmocka_unit_test(test_stats_trend_exact_and_uneven),
        cmocka_unit_test(test_stats_trend_edges),
        cmocka_unit_test_teardown(test_stats_trend_oom, tg_test_disarm),
        cmocka_unit_test(test_stats_trend_interrupt),
        cmocka_unit_test(test_stats_bh),
        cmocka_unit_test_teardown(test_stats_bh_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
