/*
** test_sim.c -- the occupancy simulation against closed forms: Erlang B
** (loss) and Erlang C (queue) computed here by direct sums, not by the
** module's recursion; Little's law and the insensitivity of Erlang B for
** non-exponential stays; hand-computed Kaplan-Meier curves; moments of the
** random draws; capacity changes against the binomial law of a pure-death
** process; reproducibility; allocation failures and interrupts.
** Simulated values must lie within 4 replication standard errors (the
** module's own se, checked to be small enough to make the test bite).
*/
#include "tg_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg_date.h"
#include "tg_mem.h"
#include "tg_normal.h"
#include "tg_rng.h"
#include "tg_sim.h"

#define K_SE 4.0 /* tolerance in standard errors: a false alarm about 1 in 16,000 */

/* Erlang B and C by their defining sums (the module uses the recursion). */
static double direct_b(int c, double a) {
    double term = 1, sum = 1;
    for (int k = 1; k <= c; k++) {
        term *= a / k;
        sum += term;
    }
    return term / sum;
}

static double direct_c(int c, double a) {
    double term = 1, sum = 0, top;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    top = term * c / (c - a);
    return top / (sum + top);
}

static void near_se(double got, double want, double se, double max_se, const char *what) {
    if (se > max_se)
        fail_msg("%s: standard error %g too large for a test (max %g)", what, se, max_se);
    if (fabs(got - want) > K_SE * se + 1e-12)
        fail_msg("%s: simulated %.6f, expected %.6f, se %.6f (%.1f se off)", what, got, want, se,
                 fabs(got - want) / se);
}

static tg_sim_unit unit(double rate, int places, tg_sim_dist dist, double mean, double sd,
                        tg_sim_policy policy) {
    tg_sim_unit u;
    memset(&u, 0, sizeof u);
    u.rate = rate;
    u.places = places;
    u.los.dist = dist;
    u.los.mean = mean;
    u.los.sd = sd;
    u.policy = policy;
    u.queue_max = -1;
    u.start_occupied = -1;
    return u;
}

static tg_sim_opts opts(long days, long reps, uint64_t seed) {
    tg_sim_opts o;
    memset(&o, 0, sizeof o);
    o.start = 20454; /* 2026-01-01 */
    o.days = days;
    o.reps = reps;
    o.seed = seed;
    return o;
}

static tg_sim_result *run(const tg_sim_unit *u, size_t n, const tg_sim_opts *o) {
    tg_sim_result *r = NULL;
    tg_error err;
    tg_status st = tg_sim_run(u, n, o, NULL, &r, &err);
    if (st != TG_OK) fail_msg("tg_sim_run: %s", err.msg);
    return r;
}

/* ---- closed forms ---- */

static void test_sim_erlang_hand_values(void **state) {
    (void)state;
    /* c = 1: B = a / (1 + a); M/M/1: C = rho */
    assert_true(fabs(tg_sim_erlang_b(1, 2.0) - 2.0 / 3.0) < 1e-15);
    assert_true(fabs(tg_sim_erlang_b(1, 0.5) - 1.0 / 3.0) < 1e-15);
    assert_true(fabs(tg_sim_erlang_c(1, 0.7) - 0.7) < 1e-15);
    /* M/M/2 with a = 1: C = 2 rho^2 / (1 + rho), rho = 1/2 */
    assert_true(fabs(tg_sim_erlang_c(2, 1.0) - 1.0 / 3.0) < 1e-15);
    /* the published table value B(10 lines, 5 erlangs) = 0.01838 */
    assert_true(fabs(tg_sim_erlang_b(10, 5.0) - 0.01838) < 5e-6);
    assert_true(tg_sim_erlang_b(0, 3.0) == 1.0);
    assert_true(tg_sim_erlang_b(5, 0.0) == 0.0);
    assert_true(tg_sim_erlang_c(5, 5.0) == 1.0);
    static const int cs[] = { 2, 10, 20, 40, 110 };
    static const double as[] = { 0.3, 5, 19, 38, 104.5 };
    for (size_t i = 0; i < 5; i++) {
        double b = tg_sim_erlang_b(cs[i], as[i]), c = tg_sim_erlang_c(cs[i], as[i]);
        assert_true(fabs(b - direct_b(cs[i], as[i])) < 1e-12 * (1 + b));
        assert_true(fabs(c - direct_c(cs[i], as[i])) < 1e-12 * (1 + c));
    }
}

/* ---- the loss system against Erlang B ---- */

static void check_loss(int c, double a, tg_sim_dist dist, double mean, double sd, long days,
                       long reps, uint64_t seed) {
    tg_sim_unit u = unit(a / mean, c, dist, mean, sd, TG_SIM_LOSS);
    tg_sim_opts o = opts(days, reps, seed);
    tg_sim_result *r = run(&u, 1, &o);
    const tg_sim_summary *s = &r->units[0];
    double b = direct_b(c, a);
    char what[64];

    snprintf(what, sizeof what, "P(full) c=%d a=%g", c, a);
    near_se(s->p_full, b, s->p_full_se, 0.1 * b, what);
    snprintf(what, sizeof what, "share turned away c=%d a=%g", c, a);
    near_se(s->p_lost, b, s->p_lost_se, 0.1 * b, what);
    /* Little's law: residents = lambda * mean stay * (1 - B) */
    snprintf(what, sizeof what, "mean occupancy c=%d a=%g", c, a);
    near_se(s->occ_mean, a * (1 - b), s->occ_se, 0.01 * a, what);
    assert_true(s->p_wait == s->p_lost); /* nobody waits in a loss system */
    assert_true(s->occ_p95 <= c);
    tg_sim_result_free(r);
}

static void test_sim_loss_matches_erlang_b(void **state) {
    (void)state;
    check_loss(20, 19, TG_SIM_EXP, 1.0, 0, 1000, 40, 1);
    check_loss(40, 38, TG_SIM_EXP, 1.0, 0, 500, 40, 2);
    check_loss(10, 5, TG_SIM_EXP, 1.0, 0, 4000, 40, 3);
}

/* Erlang B does not depend on the stay distribution beyond its mean, and
** the steady-state start draws residents' remaining stays from the
** length-biased distribution: a short horizon (twice the mean stay) with
** many replications shows any bias in that start. */
static void test_sim_loss_insensitive_to_stay_distribution(void **state) {
    (void)state;
    check_loss(20, 15, TG_SIM_LOGNORMAL, 10.0, 15.0, 20, 6000, 4);
    check_loss(20, 19, TG_SIM_GAMMA, 10.0, 4.0, 20, 6000, 5);
    check_loss(12, 11, TG_SIM_GAMMA, 5.0, 0.0, 10, 6000, 6); /* fixed stays: M/D/c/c */
}

static void test_sim_loss_empirical_stays(void **state) {
    static const double len[] = { 1, 2, 2, 6, 14 }; /* mean 5 */
    tg_sim_empirical *e;
    tg_error err;
    (void)state;
    assert_int_equal(tg_sim_empirical_new(len, NULL, NULL, 5, &e, &err), TG_OK);
    assert_true(fabs(tg_sim_empirical_mean(e) - 5.0) < 1e-12);
    tg_sim_unit u = unit(14.0 / 5.0, 15, TG_SIM_EMPIRICAL, 0, 0, TG_SIM_LOSS);
    u.los.emp = e;
    tg_sim_opts o = opts(10, 6000, 7);
    tg_sim_result *r = run(&u, 1, &o);
    double b = direct_b(15, 14);
    near_se(r->units[0].p_full, b, r->units[0].p_full_se, 0.1 * b, "empirical P(full)");
    near_se(r->units[0].occ_mean, 14 * (1 - b), r->units[0].occ_se, 0.1, "empirical occupancy");
    tg_sim_result_free(r);
    tg_sim_empirical_free(e);
}

/* ---- the queue against Erlang C ---- */

static void check_queue(int c, double a, long days, long reps, uint64_t seed) {
    tg_sim_unit u = unit(a, c, TG_SIM_EXP, 1.0, 0, TG_SIM_QUEUE); /* mean stay 1: mu = 1 */
    tg_sim_opts o = opts(days, reps, seed);
    tg_sim_result *r = run(&u, 1, &o);
    const tg_sim_summary *s = &r->units[0];
    double cw = direct_c(c, a), wq = cw / (c - a);
    char what[64];

    snprintf(what, sizeof what, "P(wait > 0) c=%d a=%g", c, a);
    near_se(s->p_wait, cw, s->p_wait_se, 0.1 * cw, what);
    snprintf(what, sizeof what, "P(full) c=%d a=%g", c, a);
    near_se(s->p_full, cw, s->p_full_se, 0.1 * cw, what);
    snprintf(what, sizeof what, "mean wait c=%d a=%g", c, a);
    near_se(s->wait_mean, wq, s->wait_se, 0.1 * wq, what);
    near_se(s->occ_mean, a, s->occ_se, 0.01 * a, "queue occupancy = a");
    assert_true(s->lost == 0);
    tg_sim_result_free(r);
}

static void test_sim_queue_matches_erlang_c(void **state) {
    (void)state;
    check_queue(10, 5, 2000, 40, 11);
    check_queue(10, 8, 2000, 40, 12);
    check_queue(20, 18, 2000, 40, 13);
    check_queue(1, 0.5, 4000, 40, 14); /* M/M/1: C = rho, Wq = rho / (mu - lambda) */
}

/* A capped list is M/M/c/K: the state probabilities by direct sums. */
static void test_sim_capped_queue(void **state) {
    int c = 3, k = 2;
    double a = 3, p[6], sum = 0, term = 1;
    (void)state;
    for (int n = 0; n <= c + k; n++) {
        p[n] = term;
        sum += term;
        term *= n < c ? a / (n + 1) : a / c;
    }
    tg_sim_unit u = unit(a, c, TG_SIM_EXP, 1.0, 0, TG_SIM_QUEUE);
    u.queue_max = k;
    tg_sim_opts o = opts(2000, 40, 15);
    tg_sim_result *r = run(&u, 1, &o);
    const tg_sim_summary *s = &r->units[0];
    near_se(s->p_lost, p[c + k] / sum, s->p_lost_se, 0.01, "M/M/3/5 turned away");
    near_se(s->p_wait, (p[3] + p[4] + p[5]) / sum, s->p_wait_se, 0.01, "M/M/3/5 waited or lost");
    tg_sim_result_free(r);
}

/* ---- rates ---- */

static void test_sim_seasonal_and_daily_rates(void **state) {
    static const double season[12] = { 1.2, 1.2, 1.1, 1, 1, 0.9, 0.3, 0.8, 1.1, 1.1, 1.1, 1.2 };
    double daily[400], want = 0;
    tg_sim_unit u[2];
    tg_sim_opts o = opts(400, 400, 21);
    tg_sim_result *r;
    (void)state;
    /* expected referrals = sum over days of rate * the month's factor */
    for (long d = 0; d < 400; d++) {
        int y, m, dd;
        tg_date_to_ymd((int32_t)(o.start + d), &y, &m, &dd);
        want += 0.5 * season[m - 1];
        daily[d] = d < 100 ? 0.0 : d < 300 ? 2.0 : 0.25;
    }
    u[0] = unit(0.5, 10, TG_SIM_EXP, 10, 0, TG_SIM_QUEUE);
    u[0].season = season;
    u[1] = unit(99, 10, TG_SIM_EXP, 10, 0, TG_SIM_LOSS);
    u[1].daily = daily;
    r = run(u, 2, &o);
    /* Poisson counts: se = sqrt(mean / reps) */
    near_se(r->units[0].referrals, want, sqrt(want / 400), 1, "seasonal referrals");
    near_se(r->units[1].referrals, 425, sqrt(425.0 / 400), 1.5, "per-day referrals");
    tg_sim_result_free(r);
}

/* ---- capacity changes ---- */

/* Full at the start with referrals arriving all the time (50 a day, so a
** freed place is refilled within about half an hour). From day 50 the places go from 20
** to 12: nobody is admitted until fewer than 12 remain, so occupancy is
** max(Binomial(20, exp(-t/50)), 12) of the residents there on day 50.
** From day 300 there are 25 places, filled at once. */
static void test_sim_capacity_changes(void **state) {
    static const tg_sim_step steps[] = { { 50, 12 }, { 300, 25 } };
    long periods[400];
    tg_sim_unit u = unit(50, 20, TG_SIM_EXP, 50, 0, TG_SIM_LOSS);
    tg_sim_opts o = opts(400, 200, 31);
    tg_sim_result *r;
    (void)state;
    u.start_occupied = 20;
    u.steps = steps;
    u.n_steps = 2;
    for (long d = 0; d < 400; d++) periods[d] = d;
    o.periods = periods;
    o.n_periods = 400;
    r = run(&u, 1, &o);
    for (size_t rep = 0; rep < 200; rep++) {
        const double *occ = r->occupied + rep * 400;
        for (long d = 0; d < 400; d++) {
            double cap = d < 50 ? 20 : d < 300 ? 20 : 25;
            assert_true(occ[d] <= cap + 1e-9);
            if (d >= 250 && d < 300) assert_true(occ[d] <= 12 + 1e-9); /* long after the cut */
            /* a refill takes 1/50 day */
            if (d >= 301) assert_true(occ[d] > 24.5);
        }
    }
    /* the decay after the cut, day by day, against the binomial law at
    ** the middle of the day (the curve is nearly straight over a day) */
    static const long check_days[] = { 55, 60, 70, 80 };
    for (size_t i = 0; i < 4; i++) {
        long d = check_days[i];
        double p = exp(-((double)(d - 50) + 0.5) / 50), want = 0, coef = 1, x[200], m = 0, ss = 0;
        for (int k = 0; k <= 20; k++) {
            double pk = coef * pow(p, k) * pow(1 - p, 20 - k);
            want += pk * (k > 12 ? k : 12);
            coef = coef * (20 - k) / (k + 1);
        }
        for (size_t rep = 0; rep < 200; rep++)
            m += (x[rep] = r->occupied[rep * 400 + (size_t)d]) / 200;
        for (size_t rep = 0; rep < 200; rep++) ss += (x[rep] - m) * (x[rep] - m);
        near_se(m, want, sqrt(ss / 200 / 199), 0.5, "occupancy after the cut");
    }
    /* possible days: 50 * 20 + 250 * 12 + 100 * 25 */
    assert_true(r->units[0].possible == 50 * 20 + 250 * 12 + 100 * 25);
    assert_true(r->periods[0].n_days == 1 && r->periods[399].first == 399);
    tg_sim_result_free(r);
}

/* A larger capacity lets the waiting list in at once. */
static void test_sim_opening_admits_the_list(void **state) {
    static const tg_sim_step steps[] = { { 10, 8 } };
    long periods[] = { 0, 10 };
    tg_sim_unit u = unit(2, 3, TG_SIM_EXP, 1000, 0, TG_SIM_QUEUE);
    tg_sim_opts o = opts(11, 50, 32);
    tg_sim_result *r;
    (void)state;
    u.start_occupied = 3;
    u.start_queue = 10;
    u.steps = steps;
    u.n_steps = 1;
    o.periods = periods;
    o.n_periods = 2;
    r = run(&u, 1, &o);
    /* stays of 1,000 days hardly end: 3 residents for 10 days, then 8 on day 10 */
    for (size_t rep = 0; rep < 50; rep++) {
        assert_true(r->occupied[rep * 2] <= 30 + 1e-9 && r->occupied[rep * 2] > 29.5);
        assert_true(r->occupied[rep * 2 + 1] <= 8 + 1e-9 && r->occupied[rep * 2 + 1] > 7.9);
    }
    tg_sim_result_free(r);
}

/* Starting empty, a warm-up of 30 mean stays reaches the steady state. */
static void test_sim_warmup_from_empty(void **state) {
    tg_sim_unit u = unit(19, 20, TG_SIM_EXP, 1.0, 0, TG_SIM_LOSS);
    tg_sim_opts o = opts(3, 4000, 33);
    tg_sim_result *r;
    double b = direct_b(20, 19);
    (void)state;
    u.start_occupied = 0;
    o.warmup = 30;
    r = run(&u, 1, &o);
    near_se(r->units[0].p_full, b, r->units[0].p_full_se, 0.1 * b, "P(full) after warm-up");
    tg_sim_result_free(r);
    o.warmup = 0; /* without it the first days are far from full */
    r = run(&u, 1, &o);
    assert_true(r->units[0].p_full < b - 8 * r->units[0].p_full_se);
    tg_sim_result_free(r);
}

/* ---- reproducibility ---- */

static void test_sim_reproducible(void **state) {
    static const double season[12] = { 1, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1.5 };
    tg_sim_unit u[2] = { unit(0.1, 22, TG_SIM_LOGNORMAL, 200, 150, TG_SIM_QUEUE),
                         unit(0.3, 40, TG_SIM_GAMMA, 120, 60, TG_SIM_LOSS) };
    long periods[] = { 0, 365 };
    tg_sim_opts o = opts(730, 20, 7);
    tg_sim_result *a, *b, *c, *d;
    (void)state;
    u[0].season = season;
    o.periods = periods;
    o.n_periods = 2;
    a = run(u, 2, &o);
    b = run(u, 2, &o);
    assert_memory_equal(a->units, b->units, 2 * sizeof *a->units);
    assert_memory_equal(a->occupied, b->occupied, 2 * 20 * 2 * sizeof(double));
    /* a unit's replications do not depend on the other units or on how
    ** many replications there are */
    o.reps = 40;
    c = run(u, 1, &o);
    assert_memory_equal(a->occupied, c->occupied, 20 * 2 * sizeof(double));
    /* another seed gives other numbers */
    o.seed = 8;
    d = run(u, 2, &o);
    assert_true(memcmp(a->occupied, d->occupied, 20 * 2 * sizeof(double)) != 0);
    assert_true(a->units[0].occ_mean != d->units[0].occ_mean);
    tg_sim_result_free(a);
    tg_sim_result_free(b);
    tg_sim_result_free(c);
    tg_sim_result_free(d);
}

/* ---- random draws ---- */

static void moments(const double *x, size_t n, double *mean, double *var) {
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++) m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *var = ss / (double)(n - 1);
}

#define N_DRAWS 200000

/* Sample mean within 5 se of the true mean; sample variance within 5 % of
** the true variance (its own relative se is below 1 % for these laws). */
static void check_moments(const double *x, double mean, double var, const char *what) {
    double m, v;
    moments(x, N_DRAWS, &m, &v);
    if (fabs(m - mean) > 5 * sqrt(var / N_DRAWS) || fabs(v - var) > 0.05 * var)
        fail_msg("%s: mean %g (want %g), variance %g (want %g)", what, m, mean, v, var);
}

/* The share of x[0..n) above 'cut' is within 5 se of p. */
static void check_share_above(const double *x, double cut, double p, const char *what) {
    size_t k = 0;
    for (size_t i = 0; i < N_DRAWS; i++) k += x[i] > cut;
    double got = (double)k / N_DRAWS;
    if (fabs(got - p) > 5 * sqrt(p * (1 - p) / N_DRAWS))
        fail_msg("%s: share above %g is %g, want %g", what, cut, got, p);
}

static void test_sim_draws_have_the_right_moments(void **state) {
    static double x[N_DRAWS];
    static const double lambdas[] = { 0.3, 3, 9.5, 10, 50, 1000 };
    tg_sim_zig zig;
    tg_rng rng;
    (void)state;
    tg_sim_zig_init(&zig);
    tg_rng_seed(&rng, 1, 2);
    for (size_t k = 0; k < 6; k++) {
        size_t zeros = 0;
        for (size_t i = 0; i < N_DRAWS; i++) {
            int64_t v = tg_sim_draw_poisson(&rng, lambdas[k]);
            assert_true(v >= 0);
            zeros += v == 0;
            x[i] = (double)v;
        }
        check_moments(x, lambdas[k], lambdas[k], "poisson");
        double p0 = exp(-lambdas[k]);
        assert_true(fabs((double)zeros / N_DRAWS - p0) < 5 * sqrt(p0 * (1 - p0) / N_DRAWS) + 1e-9);
    }
    /* the exponential's shape: P(X > x) = exp(-x / 30), also beyond the
    ** ziggurat's tail start (7.697 means) */
    for (size_t i = 0; i < N_DRAWS; i++) x[i] = tg_sim_draw_exp(&zig, &rng, 30);
    check_moments(x, 30, 900, "exponential");
    static const double ecuts[] = { 3, 30, 90, 240 };
    for (size_t k = 0; k < 4; k++)
        check_share_above(x, ecuts[k], exp(-ecuts[k] / 30), "exponential");
    /* the normal's: P(Z > z) = erfc(z / sqrt 2) / 2, also beyond the tail
    ** start 3.4426 */
    for (size_t i = 0; i < N_DRAWS; i++) x[i] = tg_sim_draw_normal(&zig, &rng);
    check_moments(x, 0, 1, "normal");
    static const double ncuts[] = { -2, -0.5, 0, 0.3, 1, 2, 3.6 };
    for (size_t k = 0; k < 7; k++)
        check_share_above(x, ncuts[k], 0.5 * erfc(ncuts[k] / sqrt(2)), "normal");
    for (size_t i = 0; i < N_DRAWS; i++) x[i] = tg_sim_draw_gamma(&zig, &rng, 0.5, 4);
    check_moments(x, 2, 8, "gamma(0.5, 4)");
    for (size_t i = 0; i < N_DRAWS; i++) x[i] = tg_sim_draw_gamma(&zig, &rng, 2.5, 100);
    check_moments(x, 250, 25000, "gamma(2.5, 100)");
    for (size_t i = 0; i < N_DRAWS; i++) x[i] = tg_sim_draw_lognormal(&zig, &rng, 400, 300);
    check_moments(x, 400, 90000, "lognormal(400, 300)");
}

/* Every ziggurat layer has the same area v: the base layer x[0] f(r),
** the others x[i] (f(x[i + 1]) - f(x[i])), the top one ending at 0. */
static void test_sim_ziggurat_layers(void **state) {
    tg_sim_zig z;
    (void)state;
    tg_sim_zig_init(&z);
    for (int i = 1; i < 128; i++) {
        double fi = exp(-0.5 * z.xn[i] * z.xn[i]), fj = exp(-0.5 * z.xn[i + 1] * z.xn[i + 1]);
        assert_true(z.xn[i + 1] < z.xn[i]);
        assert_true(fabs(z.xn[i] * (fj - fi) - 9.91256303526217e-3) < 1e-9);
    }
    assert_true(fabs(z.xn[0] * exp(-0.5 * 3.442619855899 * 3.442619855899) - 9.91256303526217e-3) <
                1e-15);
    for (int i = 1; i < 256; i++)
        assert_true(fabs(z.xe[i] * (exp(-z.xe[i + 1]) - exp(-z.xe[i])) - 3.949659822581572e-3) <
                    1e-9);
}

/* ---- Kaplan-Meier ---- */

static void test_sim_kaplan_meier_by_hand(void **state) {
    tg_sim_empirical *e;
    tg_error err;
    (void)state;
    /* 2, 3+, 5, 5, 8+, 10: S(2) = 5/6, S(5) = 5/6 * 2/4, S(10) = 0 */
    static const double len1[] = { 2, 3, 5, 5, 8, 10 };
    static const uint8_t done1[] = { 1, 0, 1, 1, 0, 1 };
    assert_int_equal(tg_sim_empirical_new(len1, NULL, done1, 6, &e, &err), TG_OK);
    assert_int_equal(tg_sim_empirical_size(e), 3);
    assert_true(tg_sim_empirical_survival(e, 1.9) == 1.0);
    assert_true(fabs(tg_sim_empirical_survival(e, 4) - 5.0 / 6) < 1e-15);
    assert_true(fabs(tg_sim_empirical_survival(e, 9.5) - 5.0 / 12) < 1e-15);
    /* mean 2/6 + 5 (5/6 - 5/12) + 10 (5/12) = 79/12 */
    assert_true(fabs(tg_sim_empirical_mean(e) - 79.0 / 12) < 1e-12);
    tg_sim_empirical_free(e);

    /* left truncation: a stay of 4 days first seen on its day 3, and
    ** stays of 1 and 6 seen from the start. At 1: 2 at risk (the
    ** truncated one not yet), S = 1/2; at 4: 2 at risk, S = 1/4; at 6: 0. */
    static const double len2[] = { 4, 1, 6 }, entry2[] = { 3, 0, 0 };
    assert_int_equal(tg_sim_empirical_new(len2, entry2, NULL, 3, &e, &err), TG_OK);
    assert_true(fabs(tg_sim_empirical_survival(e, 2) - 0.5) < 1e-15);
    assert_true(fabs(tg_sim_empirical_survival(e, 5) - 0.25) < 1e-15);
    assert_true(fabs(tg_sim_empirical_mean(e) - (0.5 * 1 + 0.25 * 4 + 0.25 * 6)) < 1e-12);
    tg_sim_empirical_free(e);

    /* an ongoing stay longer than every completed one leaves a tail: 1
    ** completed, 5+ ongoing: S = 1/2 above 1, drawn as 5 + Exp(6) (6 =
    ** 6 observed days / 1 completed stay); mean 1/2 + 1/2 * 11 */
    static const double len3[] = { 1, 5 };
    static const uint8_t done3[] = { 1, 0 };
    assert_int_equal(tg_sim_empirical_new(len3, NULL, done3, 2, &e, &err), TG_OK);
    assert_true(fabs(tg_sim_empirical_mean(e) - 6.0) < 1e-12);
    assert_true(fabs(tg_sim_empirical_survival(e, 11) - 0.5 * exp(-1)) < 1e-12);
    /* sd: E[L^2] = 1/2 + 1/2 (11^2 + 6^2) = 79; 79 - 36 = 43 */
    assert_true(fabs(tg_sim_empirical_sd(e) - sqrt(43)) < 1e-12);
    tg_rng rng;
    tg_sim_zig zig;
    tg_sim_zig_init(&zig);
    tg_rng_seed(&rng, 3, 4);
    size_t ones = 0, above = 0;
    for (int i = 0; i < 100000; i++) {
        double v = tg_sim_empirical_draw(e, &zig, &rng);
        ones += v == 1.0;
        above += v >= 11.0;
        assert_true(v == 1.0 || v >= 5.0);
    }
    assert_true(fabs((double)ones / 1e5 - 0.5) < 0.01);
    assert_true(fabs((double)above / 1e5 - 0.5 * exp(-1)) < 0.01);
    tg_sim_empirical_free(e);

    /* errors */
    static const double bad[] = { 3, -1 };
    assert_int_equal(tg_sim_empirical_new(bad, NULL, NULL, 2, &e, &err), TG_EARG);
    assert_null(e);
    static const uint8_t none[] = { 0, 0 };
    assert_int_equal(tg_sim_empirical_new(len3, NULL, none, 2, &e, &err), TG_EDATA);
}

/* ---- errors, memory, interrupts ---- */

static void test_sim_rejects_bad_input(void **state) {
    tg_sim_unit u = unit(1, 10, TG_SIM_EXP, 10, 0, TG_SIM_LOSS);
    static const tg_sim_step back[] = { { 20, 5 }, { 10, 6 } };
    tg_sim_opts o = opts(100, 10, 1);
    tg_sim_result *r;
    tg_error err;
    (void)state;
    u.id = "RSJ-09";
    u.los.mean = 0;
    assert_int_equal(tg_sim_run(&u, 1, &o, NULL, &r, &err), TG_EARG);
    assert_string_equal(err.msg, "tilbud 'RSJ-09': the mean length of stay must be > 0");
    assert_null(r);
    u.los.mean = 10;
    u.steps = back;
    u.n_steps = 2;
    assert_int_equal(tg_sim_run(&u, 1, &o, NULL, &r, &err), TG_EARG);
    u.n_steps = 0;
    u.rate = NAN;
    assert_int_equal(tg_sim_run(&u, 1, &o, NULL, &r, &err), TG_EARG);
    u.rate = 1;
    o.days = 0;
    assert_int_equal(tg_sim_run(&u, 1, &o, NULL, &r, &err), TG_EARG);
    o.days = 100;
    u.start_occupied = 3;
    u.start_queue = 2; /* a loss system has no list */
    assert_int_equal(tg_sim_run(&u, 1, &o, NULL, &r, &err), TG_EARG);
}

struct oom_ctx {
    int dummy;
};

static tg_status oom_run(void *ctx) {
    static const double len[] = { 10, 20, 30, 40 };
    static const uint8_t done[] = { 1, 1, 0, 1 };
    static const tg_sim_step steps[] = { { 30, 4 } };
    long periods[] = { 0, 20 };
    tg_sim_empirical *e = NULL;
    tg_sim_result *r = NULL;
    tg_sim_unit u[2] = { unit(0.3, 6, TG_SIM_EMPIRICAL, 0, 0, TG_SIM_QUEUE),
                         unit(0.2, 5, TG_SIM_LOGNORMAL, 20, 10, TG_SIM_LOSS) };
    tg_sim_opts o = opts(60, 5, 9);
    tg_status st;
    (void)ctx;
    if ((st = tg_sim_empirical_new(len, NULL, done, 4, &e, NULL)) != TG_OK) return st;
    u[0].los.emp = e;
    u[1].steps = steps;
    u[1].n_steps = 1;
    o.periods = periods;
    o.n_periods = 2;
    st = tg_sim_run(u, 2, &o, NULL, &r, NULL);
    tg_sim_result_free(r);
    tg_sim_empirical_free(e);
    return st;
}

static void test_sim_oom(void **state) {
    struct oom_ctx ctx;
    (void)state;
    assert_true(tg_test_oom_loop(oom_run, &ctx) > 5);
}

static void test_sim_stops_when_polled(void **state) {
    tg_sim_unit u = unit(100, 50, TG_SIM_EXP, 0.5, 0, TG_SIM_QUEUE);
    tg_sim_opts o = opts(5000, 20, 1);
    tg_test_stopper stop = { 0, 3 };
    tg_interrupt intr = { tg_test_stop_poll, &stop };
    tg_sim_result *r;
    tg_error err;
    size_t before = tg_mem_blocks();
    (void)state;
    assert_int_equal(tg_sim_run(&u, 1, &o, &intr, &r, &err), TG_ELIMIT);
    assert_null(r);
    tg_test_no_leaks(before);
}

/* The mean and its standard error of n draws of the remaining stay. */
static void remaining_moments(const tg_sim_los *los, double elapsed, int n, double *mean,
                              double *se) {
    tg_sim_zig zig;
    tg_rng rng;
    double sum = 0, sum2 = 0;
    tg_sim_zig_init(&zig);
    tg_rng_seed(&rng, 18, 5);
    for (int i = 0; i < n; i++) {
        double r = tg_sim_draw_remaining(los, &zig, &rng, elapsed);
        assert_true(r >= 0);
        sum += r;
        sum2 += r * r;
    }
    *mean = sum / n;
    *se = sqrt((sum2 / n - *mean * *mean) / n);
}

static void test_sim_remaining_stay(void **state) {
    /* Closed forms of E[T - e | T > e]: the exponential is memoryless (the
    ** mean, 100, whatever e); for the lognormal with mean 100 and sd 80,
    ** sigma^2 = ln(1 + 0.8^2), mu = ln 100 - sigma^2/2, z = (ln e - mu)/sigma:
    ** exp(mu + sigma^2/2) Phi(sigma - z) / Phi(-z) - e. */
    tg_sim_los exp_los = { TG_SIM_EXP, 100, 0, NULL }, ln_los = { TG_SIM_LOGNORMAL, 100, 80, NULL };
    double s2 = log(1 + 0.64), sg = sqrt(s2), mu = log(100) - s2 / 2, m, se;
    (void)state;
    remaining_moments(&exp_los, 250, 200000, &m, &se);
    assert_true(fabs(m - 100) < 4 * se);
    for (int i = 0; i < 3; i++) {
        double e = (double[]){ 30, 150, 600 }[i], z = (log(e) - mu) / sg;
        double want = exp(mu + s2 / 2) * tg_normal_cdf(sg - z) / tg_normal_cdf(-z) - e;
        remaining_moments(&ln_los, e, 200000, &m, &se);
        if (!(fabs(m - want) < 4 * se))
            print_error("e %g: mean %g, want %g (se %g)\n", e, m, want, se);
        assert_true(fabs(m - want) < 4 * se);
    }
    /* No elapsed time: an ordinary stay. */
    remaining_moments(&ln_los, 0, 200000, &m, &se);
    assert_true(fabs(m - 100) < 4 * se);
}

/* The share of n draws of the remaining stay above each x[k]. */
static void remaining_tail(const tg_sim_los *los, double elapsed, int n, const double *x, int nx,
                           double *share) {
    tg_sim_zig zig;
    tg_rng rng;
    tg_sim_zig_init(&zig);
    tg_rng_seed(&rng, 18, 6);
    for (int k = 0; k < nx; k++) share[k] = 0;
    for (int i = 0; i < n; i++) {
        double r = tg_sim_draw_remaining(los, &zig, &rng, elapsed);
        for (int k = 0; k < nx; k++) share[k] += r > x[k];
    }
    for (int k = 0; k < nx; k++) share[k] /= n;
}

static void test_sim_remaining_stay_distribution(void **state) {
    /* The whole conditional law, not only its mean: P(T - e > x | T > e)
    ** = S(e + x) / S(e). Exponential (mean 100, e = 250): exp(-x / 100).
    ** Lognormal (mean 100, sd 80, e = 150): Phi(-(ln(e + x) - mu) / sigma)
    ** / Phi(-(ln e - mu) / sigma). Kaplan-Meier of the completed stays 10,
    ** 20, 30, 40 at e = 15: the rest is 5, 15 or 25 days, 1/3 each. Shares
    ** of 200,000 draws within 4 binomial standard errors. */
    enum { N = 200000 };
    static const double x[3] = { 20, 80, 200 }, xk[3] = { 4, 14, 24 };
    static const double len[4] = { 10, 20, 30, 40 };
    static const uint8_t done[4] = { 1, 1, 1, 1 };
    tg_sim_los exp_los = { TG_SIM_EXP, 100, 0, NULL }, ln_los = { TG_SIM_LOGNORMAL, 100, 80, NULL };
    double s2 = log(1 + 0.64), sg = sqrt(s2), mu = log(100) - s2 / 2, share[3];
    tg_sim_empirical *e;
    (void)state;
    remaining_tail(&exp_los, 250, N, x, 3, share);
    for (int k = 0; k < 3; k++) {
        double p = exp(-x[k] / 100);
        assert_true(fabs(share[k] - p) < 4 * sqrt(p * (1 - p) / N));
    }
    remaining_tail(&ln_los, 150, N, x, 3, share);
    for (int k = 0; k < 3; k++) {
        double p =
            tg_normal_cdf(-(log(150 + x[k]) - mu) / sg) / tg_normal_cdf(-(log(150) - mu) / sg);
        if (!(fabs(share[k] - p) < 4 * sqrt(p * (1 - p) / N)))
            print_error("x %g: share %g, want %g\n", x[k], share[k], p);
        assert_true(fabs(share[k] - p) < 4 * sqrt(p * (1 - p) / N));
    }
    assert_int_equal(tg_sim_empirical_new(len, NULL, done, 4, &e, NULL), TG_OK);
    tg_sim_los km = { TG_SIM_EMPIRICAL, 0, 0, e };
    remaining_tail(&km, 15, N, xk, 3, share);
    for (int k = 0; k < 3; k++) {
        double p = (3.0 - k) / 3;
        assert_true(fabs(share[k] - p) < 4 * sqrt(p * (1 - p) / N) + 1e-12);
    }
    tg_sim_empirical_free(e);
}

static void test_sim_elapsed_checked(void **state) {
    static const double el[2] = { 10, -1 };
    tg_sim_unit u;
    tg_sim_opts o;
    tg_sim_result *r = NULL;
    tg_error err;
    (void)state;
    memset(&u, 0, sizeof u);
    memset(&o, 0, sizeof o);
    u.rate = 0.1;
    u.los.dist = TG_SIM_EXP;
    u.los.mean = 30;
    u.places = 5;
    u.policy = TG_SIM_QUEUE;
    u.queue_max = -1;
    u.start_occupied = 1;
    u.elapsed = el;
    u.n_elapsed = 2;
    o.days = 10;
    o.reps = 1;
    assert_int_equal(tg_sim_run(&u, 1, &o, NULL, &r, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "2 elapsed stays given for 1 residents"));
    u.start_occupied = 2;
    assert_int_equal(tg_sim_run(&u, 1, &o, NULL, &r, &err), TG_EARG);
    assert_non_null(
        strstr(err.msg, "an elapsed stay must be a finite number of days >= 0, got -1"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_erlang_hand_values),
        cmocka_unit_test(test_sim_loss_matches_erlang_b),
        cmocka_unit_test(test_sim_loss_insensitive_to_stay_distribution),
        cmocka_unit_test(test_sim_loss_empirical_stays),
        cmocka_unit_test(test_sim_queue_matches_erlang_c),
        cmocka_unit_test(test_sim_capped_queue),
        cmocka_unit_test(test_sim_seasonal_and_daily_rates),
        cmocka_unit_test(test_sim_capacity_changes),
        cmocka_unit_test(test_sim_opening_admits_the_list),
        cmocka_unit_test(test_sim_warmup_from_empty),
        cmocka_unit_test(test_sim_reproducible),
        cmocka_unit_test(test_sim_draws_have_the_right_moments),
        cmocka_unit_test(test_sim_ziggurat_layers),
        cmocka_unit_test(test_sim_kaplan_meier_by_hand),
        cmocka_unit_test(test_sim_rejects_bad_input),
        cmocka_unit_test_teardown(test_sim_oom, tg_test_disarm),
        cmocka_unit_test(test_sim_stops_when_polled),
        cmocka_unit_test(test_sim_remaining_stay),
        cmocka_unit_test(test_sim_remaining_stay_distribution),
        cmocka_unit_test(test_sim_elapsed_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
