/*
** test_forecast.c -- the exponential smoothing model of tg_forecast.c.
** Expected numbers come from hand arithmetic (written out below), from a
** short Python stdlib reference run once while writing these tests (an
** independent ETS filter and an exact least-squares solve with
** fractions; python3 without numpy, not committed), from simulating the
** state space model (for the interval formula) and from naive loops in
** this file (for the backtest).
*/
#include "tg_test.h"

#include <math.h>
#include <string.h>

#include "tg_forecast.h"
#include "tg_mem.h"
#include "tg_normal.h"

/* cmocka's assert_float_equal compares floats; these are doubles. */
#define assert_near(a, b, tol) check_near((a), (b), (tol), #a, __FILE__, __LINE__)

static void check_near(double a, double b, double tol, const char *what, const char *file,
                       int line) {
    if (!(fabs(a - b) <= tol)) {
        print_error("%s = %.17g, expected %.17g +- %g\n", what, a, b, tol);
        _fail(file, line);
    }
}

/* The hand model: m = 2, alpha 0.5, beta 0.1, gamma 0.2, l0 = 10, b0 = 1,
** season {+1, -1} (position 0 = time indices 0, 2, ...). */
static tg_fc_model hand_model(double phi) {
    tg_fc_model m;
    memset(&m, 0, sizeof m);
    m.trend = 1;
    m.damped = phi != 1;
    m.period = 2;
    m.alpha = 0.5;
    m.beta = 0.1;
    m.gamma = 0.2;
    m.phi = phi;
    m.init.level = 10;
    m.init.slope = 1;
    m.init.season[0] = 1;
    m.init.season[1] = -1;
    return m;
}

/* Sets mod->end and friends from a filter run, as tg_fc_fit does. */
static void run_filter(tg_fc_model *mod, const double *y, size_t n, double *fitted) {
    mod->n = n;
    mod->sse = tg_fc_filter(mod, y, n, &mod->end, fitted, &mod->n_obs, &mod->gap);
}

/* y = 13, 10, 15 through the hand model:
**   t0 (pos 0): f = 10 + 1 + 1 = 12;        e = 1
**               l = 10 + 1 + 0.5 = 11.5;    b = 1 + 0.1 = 1.1;  s0 = 1 + 0.2 = 1.2
**   t1 (pos 1): f = 11.5 + 1.1 - 1 = 11.6;  e = -1.6
**               l = 12.6 - 0.8 = 11.8;      b = 1.1 - 0.16 = 0.94; s1 = -1 - 0.32 = -1.32
**   t2 (pos 0): f = 11.8 + 0.94 + 1.2 = 13.94; e = 1.06
**               l = 12.74 + 0.53 = 13.27;   b = 0.94 + 0.106 = 1.046; s0 = 1.2 + 0.212 = 1.412
**   SSE = 1 + 2.56 + 1.1236 = 4.6836
**   h1 (t3, pos 1) = 13.27 + 1.046 - 1.32 = 12.996
**   h2 (t4, pos 0) = 13.27 + 2.092 + 1.412 = 16.774
**   h3 (t5, pos 1) = 13.27 + 3.138 - 1.32 = 15.088 */
static void test_forecast_filter_by_hand(void **state) {
    (void)state;
    const double y[] = { 13, 10, 15 };
    double fitted[3], point[3];
    tg_fc_model m = hand_model(1);
    run_filter(&m, y, 3, fitted);
    assert_near(fitted[0], 12, 1e-12);
    assert_near(fitted[1], 11.6, 1e-12);
    assert_near(fitted[2], 13.94, 1e-12);
    assert_near(m.end.level, 13.27, 1e-12);
    assert_near(m.end.slope, 1.046, 1e-12);
    assert_near(m.end.season[0], 1.412, 1e-12);
    assert_near(m.end.season[1], -1.32, 1e-12);
    assert_near(m.sse, 4.6836, 1e-12);
    assert_int_equal(m.n_obs, 3);
    assert_int_equal(m.gap, 0);
    tg_fc_forecast(&m, 3, point, NULL);
    assert_near(point[0], 12.996, 1e-12);
    assert_near(point[1], 16.774, 1e-12);
    assert_near(point[2], 15.088, 1e-12);
    assert_near(tg_fc_point(&m, 2), 16.774, 1e-12);
}

/* The same with phi = 0.9; numbers from the Python reference filter. */
static void test_forecast_filter_damped(void **state) {
    (void)state;
    const double y[] = { 13, 10, 15 };
    double fitted[3], point[3];
    tg_fc_model m = hand_model(0.9);
    run_filter(&m, y, 3, fitted);
    assert_near(fitted[0], 11.9, 1e-12);
    assert_near(fitted[1], 11.359, 1e-12);
    assert_near(fitted[2], 13.59529, 1e-12);
    assert_near(m.end.level, 13.077645, 1e-12);
    assert_near(m.end.slope, 0.836261, 1e-12);
    assert_near(m.end.season[0], 1.500942, 1e-12);
    assert_near(m.sse, 5.0300911841, 1e-10);
    tg_fc_forecast(&m, 3, point, NULL);
    assert_near(point[0], 12.5584799, 1e-10);
    assert_near(point[1], 16.00859331, 1e-10);
    assert_near(point[2], 13.845485579, 1e-10);
}

/* y = 13, NaN, 15: t1 updates nothing (l = 11.5 + 1.1 = 12.6, b = 1.1,
** s1 = -1); t2: f = 12.6 + 1.1 + 1.2 = 14.9, e = 0.1, l = 13.7 + 0.05 =
** 13.75, b = 1.11, s0 = 1.22. SSE = 1 + 0.01; h1 = 13.75 + 1.11 - 1 =
** 13.86. */
static void test_forecast_filter_missing(void **state) {
    (void)state;
    const double y[] = { 13, NAN, 15 }, y2[] = { 13, 10, NAN, NAN };
    double fitted[3];
    tg_fc_model m = hand_model(1);
    run_filter(&m, y, 3, fitted);
    assert_near(fitted[1], 11.6, 1e-12);
    assert_near(fitted[2], 14.9, 1e-12);
    assert_near(m.end.level, 13.75, 1e-12);
    assert_near(m.end.slope, 1.11, 1e-12);
    assert_near(m.end.season[0], 1.22, 1e-12);
    assert_near(m.end.season[1], -1, 1e-12);
    assert_near(m.sse, 1.01, 1e-12);
    assert_int_equal(m.n_obs, 2);
    assert_near(tg_fc_point(&m, 1), 13.86, 1e-12);
    /* Missing values at the end: the gap is counted and the states move
    ** on as forecasts, so h steps past the gap equal h + 2 from t1. */
    tg_fc_model a = hand_model(1), b = hand_model(1);
    run_filter(&a, y2, 4, NULL);
    run_filter(&b, y2, 2, NULL);
    assert_int_equal(a.gap, 2);
    assert_int_equal(b.gap, 0);
    for (size_t h = 1; h <= 4; h++) assert_near(tg_fc_point(&a, h), tg_fc_point(&b, h + 2), 1e-12);
}

/* y_t = t (odd t) or t + 3 (even t), t = 1..10: slope 1, intercepts 0 and
** 3, so l0 = 1.5, b0 = 1, s = {-1.5, +1.5}; exactly so with a value
** missing. The second series is unbalanced; its least-squares solution
** (b0 = 79/75, l0 = 111/50, s = -/+ 73/50) came from the Python reference
** solving the normal equations in exact fractions. */
static void test_forecast_init_least_squares(void **state) {
    (void)state;
    double y[] = { 1, 5, 3, 7, 5, 9, 7, 11, 9, 13 };
    const double z[] = { 2, 6, 3, 9, 7, 8, NAN, 12, 10, 15 };
    tg_fc_spec spec;
    tg_fc_model m;
    tg_fc_spec_init(&spec);
    spec.period = 2;
    assert_int_equal(tg_fc_init(&spec, y, 10, &m, NULL), TG_OK);
    assert_near(m.init.level, 1.5, 1e-12);
    assert_near(m.init.slope, 1, 1e-12);
    assert_near(m.init.season[0], -1.5, 1e-12);
    assert_near(m.init.season[1], 1.5, 1e-12);
    y[3] = NAN;
    assert_int_equal(tg_fc_init(&spec, y, 10, &m, NULL), TG_OK);
    assert_near(m.init.level, 1.5, 1e-12);
    assert_near(m.init.slope, 1, 1e-12);
    assert_int_equal(tg_fc_init(&spec, z, 10, &m, NULL), TG_OK);
    assert_near(m.init.slope, 79.0 / 75, 1e-12);
    assert_near(m.init.level, 111.0 / 50, 1e-12);
    assert_near(m.init.season[0], -73.0 / 50, 1e-12);
    assert_near(m.init.season[1], 73.0 / 50, 1e-12);
    /* Without a trend: the level is the mean of the first 10 values. */
    spec.period = 1;
    spec.trend = 0;
    assert_int_equal(tg_fc_init(&spec, y, 10, &m, NULL), TG_OK);
    assert_near(m.init.level, (1 + 5 + 3 + 5 + 9 + 7 + 11 + 9 + 13) / 9.0, 1e-12);
    assert_near(m.init.slope, 0, 0);
}

/* ---- fitting ---- */

#define SYN_N 96

/* 50 + 0.3 t + 5 sin(2 pi t / 12), and a deterministic wobble of at most
** 0.2 that repeats every 11 periods, so it is not seasonal. */
static double truth(size_t t) {
    return 50 + 0.3 * (double)t + 5 * sin(2 * 3.14159265358979323846 * (double)t / 12);
}
static double wobble(size_t t) {
    return 0.2 * ((double)((t * 7919) % 11) - 5) / 5;
}

static void synthetic(double *y, size_t n) {
    for (size_t t = 0; t < n; t++) y[t] = truth(t) + wobble(t);
}

static void test_forecast_fit_recovers_components(void **state) {
    (void)state;
    double y[SYN_N], point[24], sd[24];
    tg_fc_spec spec;
    tg_fc_model m;
    size_t blocks = tg_mem_blocks();
    synthetic(y, SYN_N);
    tg_fc_spec_init(&spec);
    /* Fitting allocates nothing: an armed failure stays pending. */
    tg_mem_fail_nth(1);
    assert_int_equal(tg_fc_fit(&spec, y, SYN_N, &m, NULL), TG_OK);
    assert_true(tg_mem_fail_pending());
    tg_mem_fail_nth(0);
    tg_test_no_leaks(blocks);
    tg_fc_forecast(&m, 24, point, sd);
    /* The wobble is at most 0.2; the forecast stays within 0.3 of the
    ** noise-free continuation for two years. */
    for (size_t h = 1; h <= 24; h++) assert_near(point[h - 1], truth(SYN_N + h - 1), 0.3);
    assert_true(m.alpha > 0 && m.alpha < 1);
    assert_true(m.beta > 0 && m.beta < m.alpha);
    assert_true(m.gamma > 0 && m.gamma < 1 - m.alpha);
    /* sigma is of the order of the wobble's spread (about 0.13). */
    assert_true(m.sigma > 0.05 && m.sigma < 0.3);

    spec.damped = 1;
    assert_int_equal(tg_fc_fit(&spec, y, SYN_N, &m, NULL), TG_OK);
    assert_true(m.phi >= 0.8 && m.phi <= 0.98);
    /* Damping bends the trend away, but one year out it is still close. */
    assert_near(tg_fc_point(&m, 1), truth(SYN_N), 0.3);
}

static void test_forecast_fit_pure_seasonal(void **state) {
    (void)state;
    static const double s[12] = { 3, 1, -2, -4, -1, 0, 2, 5, 4, 1, -3, -6 };
    double y[60], point[36];
    tg_fc_spec spec;
    tg_fc_model m;
    for (size_t t = 0; t < 60; t++) y[t] = 90 + s[t % 12];
    tg_fc_spec_init(&spec);
    assert_int_equal(tg_fc_fit(&spec, y, 60, &m, NULL), TG_OK);
    tg_fc_forecast(&m, 36, point, NULL);
    for (size_t h = 1; h <= 36; h++) assert_near(point[h - 1], 90 + s[(60 + h - 1) % 12], 1e-9);
    assert_near(m.sse, 0, 1e-18);
    assert_near(m.sigma, 0, 1e-9);
}

/* The fitted SSE is no larger than at any point of a grid over the
** admissible region (the optimiser finds at least the grid's best). */
static void test_forecast_fit_is_minimum(void **state) {
    (void)state;
    static const double rel[] = { 0.01, 0.1, 0.3, 0.6, 0.9 };
    double y[SYN_N];
    tg_fc_spec spec;
    tg_fc_model fit, m;
    synthetic(y, SYN_N);
    for (size_t t = 0; t < SYN_N; t++)
        y[t] += 0.5 * sin(0.7 * (double)(t * t)); /* rougher, so the optimum is interior */
    for (int damped = 0; damped <= 1; damped++) {
        tg_fc_spec_init(&spec);
        spec.damped = damped;
        assert_int_equal(tg_fc_fit(&spec, y, SYN_N, &fit, NULL), TG_OK);
        m = fit;
        for (int a = 1; a <= 19; a++)
            for (size_t b = 0; b < 5; b++)
                for (size_t g = 0; g < 5; g++)
                    for (int p = 0; p <= (damped ? 3 : 0); p++) {
                        m.alpha = 0.05 * a;
                        m.beta = m.alpha * rel[b];
                        m.gamma = (1 - m.alpha) * rel[g];
                        m.phi = damped ? 0.8 + 0.06 * p : 1;
                        double sse = tg_fc_filter(&m, y, SYN_N, NULL, NULL, NULL, NULL);
                        assert_true(sse >= fit.sse * (1 - 1e-9));
                    }
    }
}

static void test_forecast_fit_fixed_and_special_cases(void **state) {
    (void)state;
    double y[SYN_N];
    tg_fc_spec spec;
    tg_fc_model m;
    synthetic(y, SYN_N);
    tg_fc_spec_init(&spec);
    spec.alpha = 0.3;
    spec.gamma = 0.25;
    assert_int_equal(tg_fc_fit(&spec, y, SYN_N, &m, NULL), TG_OK);
    assert_near(m.alpha, 0.3, 0);
    assert_near(m.gamma, 0.25, 0);
    assert_true(m.beta > 0 && m.beta < 0.3);
    /* Everything fixed: the fit is the filter from the initial states. */
    spec.beta = 0.01;
    assert_int_equal(tg_fc_fit(&spec, y, SYN_N, &m, NULL), TG_OK);
    tg_fc_model h = m;
    assert_near(tg_fc_filter(&h, y, SYN_N, NULL, NULL, NULL, NULL), m.sse, 0);
    /* sigma^2 = SSE / (n - p): no parameters fitted, 1 + 1 + 11 states. */
    assert_near(m.sigma, sqrt(m.sse / (SYN_N - 13)), 1e-12);

    /* Simple exponential smoothing on a constant: the forecast is it. */
    double c[20];
    for (size_t t = 0; t < 20; t++) c[t] = 7;
    tg_fc_spec_init(&spec);
    spec.trend = 0;
    spec.period = 1;
    assert_int_equal(tg_fc_fit(&spec, c, 20, &m, NULL), TG_OK);
    assert_near(tg_fc_point(&m, 5), 7, 1e-12);
    assert_near(m.beta, 0, 0);
    assert_near(m.gamma, 0, 0);
    assert_near(m.phi, 1, 0);
    /* Holt on a straight line: exact. */
    for (size_t t = 0; t < 20; t++) c[t] = 3 + 2 * (double)t;
    spec.trend = 1;
    assert_int_equal(tg_fc_fit(&spec, c, 20, &m, NULL), TG_OK);
    assert_near(tg_fc_point(&m, 5), 3 + 2 * 24.0, 1e-9);
}

static void test_forecast_errors(void **state) {
    (void)state;
    double y[30];
    tg_fc_spec spec;
    tg_fc_model m;
    tg_error err;
    for (size_t t = 0; t < 30; t++) y[t] = (double)t;
    tg_fc_spec_init(&spec);
    spec.period = 65;
    assert_int_equal(tg_fc_fit(&spec, y, 30, &m, &err), TG_EARG);
    tg_fc_spec_init(&spec);
    spec.trend = 0;
    spec.damped = 1;
    assert_int_equal(tg_fc_fit(&spec, y, 30, &m, &err), TG_EARG);
    assert_string_equal(err.msg, "a damped model needs a trend");
    tg_fc_spec_init(&spec);
    spec.alpha = 1.5;
    assert_int_equal(tg_fc_fit(&spec, y, 30, &m, &err), TG_EARG);
    assert_string_equal(err.msg, "alpha must be in [0, 1], got 1.5");
    tg_fc_spec_init(&spec);
    spec.phi = 0.9;
    assert_int_equal(tg_fc_fit(&spec, y, 30, &m, &err), TG_EARG);
    assert_string_equal(err.msg, "phi is fixed but the model has no damping");
    tg_fc_spec_init(&spec);
    spec.beta = 0.5;
    spec.gamma = 0.6;
    assert_int_equal(tg_fc_fit(&spec, y, 30, &m, &err), TG_EARG);
    /* Too short: 23 months for a seasonal model needing 24. */
    tg_fc_spec_init(&spec);
    assert_int_equal(tg_fc_fit(&spec, y, 23, &m, &err), TG_EDATA);
    assert_string_equal(err.msg, "23 periods are too few: this model needs at least 24");
    /* One season position never observed. */
    for (size_t t = 5; t < 30; t += 12) y[t] = NAN;
    assert_int_equal(tg_fc_fit(&spec, y, 30, &m, &err), TG_EDATA);
    assert_string_equal(err.msg, "too many missing periods to estimate the initial season");
}

/* ---- intervals ---- */

static void test_forecast_normal_quantile(void **state) {
    (void)state;
    /* Standard table values (to 16 digits). */
    assert_near(tg_normal_quantile(0.975), 1.959963984540054, 1e-13);
    assert_near(tg_normal_quantile(0.9), 1.2815515655446004, 1e-13);
    assert_near(tg_normal_quantile(0.995), 2.5758293035489004, 1e-12);
    assert_near(tg_normal_quantile(0.025), -1.959963984540054, 1e-13);
    assert_near(tg_normal_quantile(0.5), 0, 1e-15);
}

/* With the hand model, c_1 = 0.5 + 0.1 = 0.6 and c_2 = 0.5 + 0.2 + 0.2 =
** 0.9, c_3 = 0.5 + 0.3 = 0.8, so the variance factors are 1, 1.36, 2.17,
** 2.81; with phi = 0.9 the Python reference gave 1, 1.3481, 2.106741,
** 2.66012821. */
static void test_forecast_interval_by_hand(void **state) {
    (void)state;
    const double y[] = { 13, 10, 15 }, yg[] = { 13, 10, NAN };
    static const double f1[] = { 1, 1.36, 2.17, 2.81 }, f9[] = { 1, 1.3481, 2.106741, 2.66012821 };
    double point[4], sd[4];
    tg_fc_model m = hand_model(1);
    run_filter(&m, y, 3, NULL);
    m.sigma = 2;
    tg_fc_forecast(&m, 4, point, sd);
    for (size_t h = 0; h < 4; h++) assert_near(sd[h], 2 * sqrt(f1[h]), 1e-12);
    /* h = 1: point +- 1.96 sigma. */
    assert_near(point[0] + tg_normal_quantile(0.975) * sd[0], 12.996 + 1.959963984540054 * 2,
                1e-12);
    m = hand_model(0.9);
    run_filter(&m, y, 3, NULL);
    m.sigma = 2;
    tg_fc_forecast(&m, 4, point, sd);
    for (size_t h = 0; h < 4; h++) assert_near(sd[h], 2 * sqrt(f9[h]), 1e-12);
    /* One missing period at the end: step 1 is two steps from the data. */
    m = hand_model(1);
    run_filter(&m, yg, 3, NULL);
    m.sigma = 2;
    tg_fc_forecast(&m, 3, point, sd);
    for (size_t h = 0; h < 3; h++) assert_near(sd[h], 2 * sqrt(f1[h + 1]), 1e-12);
}

static double gauss(uint64_t *s) {
    double u = ((double)(tg_test_rand(s) >> 11) + 0.5) / 9007199254740992.0;
    double v = ((double)(tg_test_rand(s) >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2 * log(u)) * cos(2 * 3.14159265358979323846 * v);
}

/* Simulates the state space model from the end of a fitted series with
** N(0, sigma^2) errors and compares each horizon's spread with the
** formula: the variance within 5 % (its standard error here is 1 %) and
** the 95 % interval covering 95 % +- 0.6 pp (4 standard errors). */
static void test_forecast_interval_simulation(void **state) {
    (void)state;
    enum { PATHS = 20000, H = 12 };
    double y[48];
    for (int damped = 0; damped <= 1; damped++) {
        tg_fc_model m;
        tg_fc_spec spec;
        double point[H], sd[H], sum2[H] = { 0 };
        size_t in[H] = { 0 };
        uint64_t seed = 12345 + (uint64_t)damped;
        for (size_t t = 0; t < 48; t++)
            y[t] = 20 + 0.1 * (double)t + (t % 4 == 0 ? 3 : 0) + wobble(t) * 5;
        y[45] = NAN; /* and a missing value near the end */
        tg_fc_spec_init(&spec);
        spec.period = 4;
        spec.damped = damped;
        spec.alpha = 0.3;
        spec.beta = 0.05;
        spec.gamma = 0.2;
        if (damped) spec.phi = 0.85;
        assert_int_equal(tg_fc_fit(&spec, y, 48, &m, NULL), TG_OK);
        m.sigma = 1.5;
        tg_fc_forecast(&m, H, point, sd);
        for (int p = 0; p < PATHS; p++) {
            double l = m.end.level, b = m.end.slope, s[4];
            memcpy(s, m.end.season, sizeof s);
            for (size_t h = 1; h <= H; h++) {
                size_t pos = (48 + h - 1) % 4;
                double e = m.sigma * gauss(&seed), f = l + m.phi * b + s[pos], v = f + e;
                l = l + m.phi * b + m.alpha * e;
                b = m.phi * b + m.beta * e;
                s[pos] += m.gamma * e;
                double d = v - point[h - 1];
                sum2[h - 1] += d * d;
                in[h - 1] += fabs(d) <= 1.959963984540054 * sd[h - 1];
            }
        }
        for (size_t h = 0; h < H; h++) {
            assert_near(sum2[h] / PATHS / (sd[h] * sd[h]), 1, 0.05);
            assert_near((double)in[h] / PATHS, 0.95, 0.006);
        }
        assert_true(sd[H - 1] > sd[0]);
    }
}

/* ---- the baseline, errors and backtests ---- */

/* Training y = 1 2 3 4 2 3 4 5 (m = 4): the forecasts 1 and 2 steps
** ahead repeat positions 0 and 1 of the last season: 2 and 3. Against
** actual values 3 and 4 the errors are 1 and 1: MAPE = (1/3 + 1/4) / 2 =
** 29.1667 %; the scale is the mean of |2-1|, |3-2|, |4-3|, |5-4| = 1, so
** MASE = 1. */
static void test_forecast_snaive_by_hand(void **state) {
    (void)state;
    double y[] = { 1, 2, 3, 4, 2, 3, 4, 5 };
    assert_near(tg_fc_snaive(y, 8, 4, 1), 2, 0);
    assert_near(tg_fc_snaive(y, 8, 4, 2), 3, 0);
    assert_near(tg_fc_snaive(y, 8, 4, 5), 2, 0);
    assert_near(tg_fc_snaive(y, 8, 1, 3), 5, 0); /* naive: the last value */
    assert_near(tg_fc_mase_scale(y, 8, 4), 1, 0);
    /* |2-1| |3-2| |4-3| |2-4| |3-2| |4-3| |5-4| over 7 pairs */
    assert_near(tg_fc_mase_scale(y, 8, 1), 8.0 / 7, 1e-15);
    y[4] = NAN; /* a gap: go back one more season, drop the pairs with it */
    assert_near(tg_fc_snaive(y, 8, 4, 1), 1, 0);
    assert_near(tg_fc_mase_scale(y, 8, 4), 1, 0);
    assert_near(tg_fc_snaive(y, 5, 4, 1), 2, 0);  /* t = 5 repeats t = 1 */
    assert_true(isnan(tg_fc_snaive(y, 3, 4, 1))); /* no season of data yet */
    y[0] = NAN;
    assert_true(isnan(tg_fc_snaive(y, 8, 4, 1))); /* y4 and y0 both missing */
}

/* y = 1 3 2 4 3 6, m = 2, min_train 4, horizon 1: origin 4 forecasts y4
** by y2 = 2 (error 1, actual 3, scale mean(|2-1|, |4-3|) = 1); origin 5
** forecasts y5 by y3 = 4 (error 2, actual 6, scale mean(1, 1, 1) = 1).
** MAE 1.5, MAPE (1/3 + 2/6) / 2 = 33.33 %, MASE (1 + 2) / 2 = 1.5. */
static void test_forecast_backtest_snaive_by_hand(void **state) {
    (void)state;
    const double y[] = { 1, 3, 2, 4, 3, 6 };
    tg_fc_spec spec;
    tg_fc_score hw[2], sn[2];
    size_t n_orig;
    tg_fc_spec_init(&spec);
    spec.period = 2;
    assert_int_equal(tg_fc_backtest(&spec, y, 6, 1, 4, 1, hw, sn, &n_orig, NULL), TG_OK);
    assert_int_equal(n_orig, 2);
    assert_int_equal(sn[0].n, 2);
    assert_near(sn[0].mae, 1.5, 1e-15);
    assert_near(sn[0].mape, 100.0 / 3, 1e-12);
    assert_near(sn[0].mase, 1.5, 1e-15);
    assert_near(sn[1].mase, 1.5, 1e-15);
    assert_int_equal(hw[0].n, 2);
}

/* The backtest against a loop in the test that fits every prefix itself
** and scores both methods with its own arithmetic. */
static void naive_backtest(const tg_fc_spec *spec, const double *y, size_t n, size_t H,
                           size_t min_train, int refit, double *mase_hw, double *mape_hw,
                           double *mase_sn, size_t *count) {
    tg_fc_model m;
    tg_fc_spec fixed = *spec;
    double sh = 0, ph = 0, ss = 0;
    size_t cnt = 0;
    if (!refit) {
        assert_int_equal(tg_fc_fit(spec, y, min_train, &m, NULL), TG_OK);
        fixed.alpha = m.alpha;
        fixed.beta = m.beta;
        fixed.gamma = m.gamma;
        if (spec->damped) fixed.phi = m.phi;
    }
    for (size_t o = min_train; o + H <= n; o++) {
        double scale = 0;
        size_t k = 0;
        for (size_t t = 12; t < o; t++)
            if (!isnan(y[t]) && !isnan(y[t - 12])) {
                scale += fabs(y[t] - y[t - 12]);
                k++;
            }
        scale /= (double)k;
        assert_int_equal(tg_fc_fit(refit ? spec : &fixed, y, o, &m, NULL), TG_OK);
        for (size_t j = 1; j <= H; j++) {
            double a = y[o + j - 1];
            size_t back = o + j - 1 - 12 * ((j - 1) / 12 + 1);
            while (isnan(y[back])) back -= 12;
            if (isnan(a)) continue;
            double f = tg_fc_point(&m, j);
            sh += fabs(f - a) / scale;
            ph += fabs(f - a) / fabs(a);
            ss += fabs(y[back] - a) / scale;
            cnt++;
        }
    }
    *mase_hw = sh / (double)cnt;
    *mape_hw = 100 * ph / (double)cnt;
    *mase_sn = ss / (double)cnt;
    *count = cnt;
}

static void test_forecast_backtest_matches_loop(void **state) {
    (void)state;
    double y[SYN_N], mh, ph, ms;
    tg_fc_score hw[7], sn[7];
    tg_fc_spec spec;
    size_t n_orig, cnt;
    synthetic(y, SYN_N);
    y[40] = y[61] = NAN;
    tg_fc_spec_init(&spec);
    for (int refit = 0; refit <= 1; refit++) {
        spec.damped = refit; /* both options, both structures */
        assert_int_equal(tg_fc_backtest(&spec, y, 72, 6, 48, refit, hw, sn, &n_orig, NULL), TG_OK);
        naive_backtest(&spec, y, 72, 6, 48, refit, &mh, &ph, &ms, &cnt);
        assert_int_equal(n_orig, 72 - 6 - 48 + 1);
        assert_int_equal(hw[0].n, cnt);
        assert_near(hw[0].mase, mh, 1e-12);
        assert_near(hw[0].mape, ph, 1e-12);
        assert_near(sn[0].mase, ms, 1e-12);
        /* The pooled score is the count-weighted mean of the horizons. */
        double w = 0;
        for (size_t j = 1; j <= 6; j++) w += sn[j].mase * (double)sn[j].n_mase;
        assert_near(w / (double)sn[0].n_mase, sn[0].mase, 1e-12);
        /* Holt-Winters beats the seasonal naive method on a trending series. */
        assert_true(hw[0].mase < sn[0].mase);
    }
    tg_error err;
    assert_int_equal(tg_fc_backtest(&spec, y, 50, 6, 48, 1, hw, sn, NULL, &err), TG_EDATA);
    assert_int_equal(tg_fc_backtest(&spec, y, 72, 6, 12, 1, hw, sn, NULL, &err), TG_EARG);
    assert_int_equal(tg_fc_backtest(&spec, y, 72, 0, 48, 1, hw, sn, NULL, &err), TG_EARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forecast_filter_by_hand),
        cmocka_unit_test(test_forecast_filter_damped),
        cmocka_unit_test(test_forecast_filter_missing),
        cmocka_unit_test(test_forecast_init_least_squares),
        cmocka_unit_test_teardown(test_forecast_fit_recovers_components, tg_test_disarm),
        cmocka_unit_test(test_forecast_fit_pure_seasonal),
        cmocka_unit_test(test_forecast_fit_is_minimum),
        cmocka_unit_test(test_forecast_fit_fixed_and_special_cases),
        cmocka_unit_test(test_forecast_errors),
        cmocka_unit_test(test_forecast_normal_quantile),
        cmocka_unit_test(test_forecast_interval_by_hand),
        cmocka_unit_test(test_forecast_interval_simulation),
        cmocka_unit_test(test_forecast_snaive_by_hand),
        cmocka_unit_test(test_forecast_backtest_snaive_by_hand),
        cmocka_unit_test(test_forecast_backtest_matches_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
