/*
** tg_sim.h -- Monte Carlo simulation of occupancy (belægning) for tilbud
** with a fixed number of places: Poisson referrals at a constant, seasonal
** or per-day rate, lengths of stay (liggetid) from a fitted or empirical
** distribution, a waiting list or turn-away when full, and capacity that
** changes on given days. Event-driven in continuous time, so Poisson
** arrivals with exponential stays reproduce M/M/c exactly; occupancy is
** also read at the start of each day (the daily census) and integrated per
** period (belagte dage). Also exports the Erlang B/C formulas, the random
** draws and the Kaplan-Meier estimate of a length-of-stay distribution.
** Results depend only on the seed, never on the order units are run in.
*/
#ifndef TG_SIM_H
#define TG_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_rng.h"

/* ---- closed forms ---- */

/* Erlang B: the probability that an M/G/c/c loss system with offered load
** a = lambda * mean stay (erlangs) is full, by the recursion B(0) = 1,
** B(k) = a B(k-1) / (k + a B(k-1)). c >= 0, a >= 0. */
double tg_sim_erlang_b(int c, double a);

/* Erlang C: the probability that a referral to an M/M/c queue must wait,
** c B / (c - a (1 - B)) with B = Erlang B; 1 when a >= c (no steady
** state). The mean wait is C / (c mu - lambda) with mu = 1 / mean stay. */
double tg_sim_erlang_c(int c, double a);

/* ---- random draws (all from the one generator, reproducible) ---- */

/* The tables of the ziggurat draws (the layers of the normal and the
** exponential density). Caller-owned; fill once with tg_sim_zig_init,
** then read-only, so any number of generators may share one. */
typedef struct tg_sim_zig {
    double xn[129];
    double xe[257];
} tg_sim_zig;

void tg_sim_zig_init(tg_sim_zig *zig);

/* Exponential with the given mean (> 0), by the ziggurat. */
double tg_sim_draw_exp(const tg_sim_zig *zig, tg_rng *rng, double mean);
/* Standard normal, by the ziggurat (with Marsaglia's tail method). */
double tg_sim_draw_normal(const tg_sim_zig *zig, tg_rng *rng);
/* Gamma with shape k > 0 and scale theta > 0 (Marsaglia-Tsang; for k < 1
** a Gamma(k + 1) draw times U^(1/k)). Mean k theta, variance k theta^2. */
double tg_sim_draw_gamma(const tg_sim_zig *zig, tg_rng *rng, double shape, double scale);
/* Lognormal with the given mean and standard deviation (> 0) of the value
** itself (not of its logarithm). */
double tg_sim_draw_lognormal(const tg_sim_zig *zig, tg_rng *rng, double mean, double sd);
/* Poisson with mean lambda >= 0: inversion below 10, Hormann's
** transformed rejection (PTRS) from 10 up. */
int64_t tg_sim_draw_poisson(tg_rng *rng, double lambda);

/* ---- empirical lengths of stay ---- */

typedef struct tg_sim_empirical tg_sim_empirical;

/* The Kaplan-Meier estimate of the length-of-stay distribution from n
** stays: len[i] is the stay's length in days (completed stays) or its
** length so far (ongoing stays, done[i] = 0); entry[i] is how long the
** stay had already lasted when observation began (left truncation: the
** stay is only at risk after that; NULL = all 0); done NULL = all
** completed. With no truncation and no censoring this is the plain
** empirical distribution. The mass the curve leaves above the longest
** observed stay is drawn as that length plus an exponential tail whose
** mean is the total observed stay time / the number of completed stays.
** TG_EARG for a negative length or entry > len, TG_EDATA when no stay is
** completed, TG_ENOMEM. The result is owned by the caller. */
tg_status tg_sim_empirical_new(const double *len, const double *entry, const uint8_t *done,
                               size_t n, tg_sim_empirical **out, tg_error *err);
void tg_sim_empirical_free(tg_sim_empirical *e);
/* The estimated survival function S(x) = P(stay > x) for x below the
** longest observed stay, the mean and standard deviation (days, tail
** included), and the number of support points (distinct completed
** lengths). */
double tg_sim_empirical_survival(const tg_sim_empirical *e, double x);
double tg_sim_empirical_mean(const tg_sim_empirical *e);
double tg_sim_empirical_sd(const tg_sim_empirical *e);
size_t tg_sim_empirical_size(const tg_sim_empirical *e);
/* A draw from the estimated distribution. */
double tg_sim_empirical_draw(const tg_sim_empirical *e, const tg_sim_zig *zig, tg_rng *rng);

/* ---- the simulation ---- */

typedef enum tg_sim_dist {
    TG_SIM_EXP = 1,   /* exponential(mean) */
    TG_SIM_LOGNORMAL, /* lognormal with this mean and sd */
    TG_SIM_GAMMA,     /* gamma with this mean and sd (shape (m/sd)^2) */
    TG_SIM_EMPIRICAL  /* draws from a tg_sim_empirical */
} tg_sim_dist;

/* The most places a tilbud may have, and the longest waiting list a script
** may cap or start with, in tegn.sim and tegn.scenario alike. */
#define TG_SIM_MAX_PLACES 1000000
#define TG_SIM_MAX_QUEUE  1000000

typedef struct tg_sim_los {
    tg_sim_dist dist;
    double mean, sd;             /* days; sd unused for TG_SIM_EXP */
    const tg_sim_empirical *emp; /* TG_SIM_EMPIRICAL only; borrowed for the run */
} tg_sim_los;

typedef enum tg_sim_policy {
    TG_SIM_QUEUE = 1, /* venteliste: wait (FIFO) for a free place */
    TG_SIM_LOSS       /* afvisning: turned away when all places are taken */
} tg_sim_policy;

/* From day 'day' (0 = the first simulated day) on, the tilbud has
** 'places' places. Residents above a reduced capacity stay until they
** move out; no one is admitted until occupancy is below the new number. */
typedef struct tg_sim_step {
    long day;
    int places;
} tg_sim_step;

typedef struct tg_sim_unit {
    const char *id;       /* names the unit in messages; NULL = its 1-based number */
    double rate;          /* referrals per day (before the seasonal factors) */
    const double *season; /* NULL, or 12 factors for January..December */
    const double *daily;  /* NULL, or opts.days per-day rates (replace rate and season) */
    tg_sim_los los;
    int places;               /* on day 0 */
    const tg_sim_step *steps; /* n_steps changes, days increasing within 1..days-1 */
    size_t n_steps;
    tg_sim_policy policy;
    long queue_max; /* longest waiting list; < 0 = no limit */
    /* < 0: start in the steady state of the day-0 model (see tg_sim_run);
    ** otherwise that many residents and start_queue waiting at day 0. */
    long start_occupied;
    long start_queue;
    /* NULL, or how long (days) each of the first n_elapsed of the
    ** start_occupied residents has stayed by day 0: their remaining stays
    ** are drawn given that (tg_sim_draw_remaining), the others' from the
    ** equilibrium residual. */
    const double *elapsed;
    size_t n_elapsed;
} tg_sim_unit;

typedef struct tg_sim_opts {
    int32_t start;       /* date of day 0, days since 1970-01-01 (for the season) */
    long days;           /* simulated days after the warm-up, >= 1 */
    long warmup;         /* days simulated before day 0 and not counted, >= 0 */
    long reps;           /* replications, >= 1 */
    uint64_t seed;       /* replication r of unit u uses a stream made from (seed, u, r) */
    const long *periods; /* n_periods period start days: 0 first, increasing, < days */
    size_t n_periods;    /* 0 = the whole horizon is one period */
} tg_sim_opts;

/* Per unit, over all replications. "se" is the standard error of the
** estimate across replications (replications are independent). */
typedef struct tg_sim_summary {
    /* mean referrals per replication */
    double referrals;
    /* time-averaged number of residents */
    double occ_mean, occ_se;
    /* percentiles of the daily census (residents at the start of each day) */
    int occ_p5, occ_p50, occ_p95;
    /* mulige dage: the sum of places over the days */
    double possible;
    /* belægningsprocent of a replication (in %): mean and percentiles */
    double pct_mean, pct_p5, pct_p50, pct_p95;
    /* share of time with every place taken */
    double p_full, p_full_se;
    /* share of referrals finding no free place (queued or turned away) */
    double p_wait, p_wait_se;
    /* waiting-list days per referral (Little's law) */
    double wait_mean, wait_se;
    /* turned away per replication, and as a share of referrals */
    double lost, p_lost, p_lost_se;
} tg_sim_summary;

/* Per unit and period: belagte dage over the replications. */
typedef struct tg_sim_period {
    long first, n_days; /* the period's first day and its length */
    double possible;    /* sum of places over its days */
    double occ_mean, occ_p5, occ_p50, occ_p95;
} tg_sim_period;

typedef struct tg_sim_result {
    size_t n_units, reps, n_periods;
    tg_sim_summary *units;  /* [n_units] */
    tg_sim_period *periods; /* [unit * n_periods + period] */
    double *occupied;       /* belagte dage [(unit * reps + rep) * n_periods + period] */
} tg_sim_result;

/* Simulates n units for opts->reps replications each. Every replication
** runs from day -warmup to opts->days; a unit with start_occupied < 0
** begins in the steady state of its day-0 model: the number in the system
** drawn from the M/M/c(/c) state probabilities with the mean rate of the
** first year, each resident's remaining stay from the equilibrium residual
** of the stay distribution (exact for a loss system with any stay
** distribution, and for a queue with exponential stays; approximate
** otherwise, when a warm-up helps; an overloaded unlimited queue starts
** full with an empty list). Percentiles: the daily census by the
** histogram (smallest n with F(n) >= p), replication values by linear
** interpolation between order statistics. Polls 'intr' regularly. On
** success *out is owned by the caller (tg_sim_result_free). TG_EARG with a
** message naming the unit for bad input, TG_ENOMEM, or the poll's status.
** The inputs are borrowed for the call. */
tg_status tg_sim_run(const tg_sim_unit *units, size_t n, const tg_sim_opts *opts,
                     const tg_interrupt *intr, tg_sim_result **out, tg_error *err);
void tg_sim_result_free(tg_sim_result *r);

/* The remaining stay of a resident who has stayed 'elapsed' days: a draw
** of T - elapsed given T > elapsed, T from 'los' (an ordinary stay when
** elapsed <= 0). Exponential: memoryless; lognormal: inverted in the upper
** tail; empirical (Kaplan-Meier): among the lengths above elapsed, then
** the exponential tail; gamma: by rejection. */
double tg_sim_draw_remaining(const tg_sim_los *los, const tg_sim_zig *zig, tg_rng *rng,
                             double elapsed);

/* The mean length of stay of 'los' in days. */
double tg_sim_los_mean(const tg_sim_los *los);

#endif /* TG_SIM_H */
