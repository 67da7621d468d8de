/*
** bench/sim.c -- times tg_sim_run on the fixed size: 10,000
** replications x 365 days x 40 tilbud, one thread. Tilbud have 10..110
** places, stays of 3 months to 4 years (exponential, lognormal, gamma and
** empirical in turn), a quarter seasonal, every tenth loses 4 places on day
** 180; even ones keep a waiting list at load 0.95 c, odd ones turn
** referrals away at the load giving 95 % occupancy. Process CPU time, best
** of 'repeat'. Usage: bench_sim [replications] [repeat].
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tg_mem.h"
#include "tg_sim.h"

#define N_UNITS 40
#define DAYS    365

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The offered load whose carried load a (1 - B(c, a)) is 'carried'. */
static double load_for(int c, double carried) {
    double lo = carried, hi = 4 * c + 10;
    for (int i = 0; i < 100; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid * (1 - tg_sim_erlang_b(c, mid)) < carried) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

int main(int argc, char **argv) {
    long reps = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
    int repeat = argc > 2 ? atoi(argv[2]) : 1;
    static const double season[12] = { 1.1, 1.1, 1.05, 1, 1, 0.95, 0.7, 0.9, 1.1, 1.1, 1, 0.9 };
    static double stays[500];
    static uint8_t done[500];
    static tg_sim_step steps[N_UNITS];
    tg_sim_unit units[N_UNITS];
    tg_sim_empirical *emp;
    tg_sim_opts o = { 0 };
    tg_rng rng;
    tg_sim_zig zig;
    double best = INFINITY, check = 0;

    /* an empirical stay sample: lognormal, one in ten still ongoing */
    tg_sim_zig_init(&zig);
    tg_rng_seed(&rng, 1, 2);
    for (int i = 0; i < 500; i++) {
        stays[i] = floor(tg_sim_draw_lognormal(&zig, &rng, 700, 500));
        done[i] = i % 10 != 0;
    }
    if (tg_sim_empirical_new(stays, NULL, done, 500, &emp, NULL) != TG_OK) return 1;
    for (int k = 0; k < N_UNITS; k++) {
        tg_sim_unit *u = &units[k];
        int c = 10 + (int)lround(100.0 * k / (N_UNITS - 1));
        double mean = 90 + 1370.0 * ((k * 7) % N_UNITS) / (N_UNITS - 1);
        *u = (tg_sim_unit){ 0 };
        u->places = c;
        u->policy = k % 2 ? TG_SIM_LOSS : TG_SIM_QUEUE;
        u->queue_max = -1;
        u->start_occupied = -1;
        u->los.dist = (tg_sim_dist)(1 + k % 4);
        u->los.mean = mean;
        u->los.sd = u->los.dist == TG_SIM_LOGNORMAL ? 0.8 * mean : 0.5 * mean;
        u->los.emp = emp;
        if (u->los.dist == TG_SIM_EMPIRICAL) mean = tg_sim_empirical_mean(emp);
        u->rate = (u->policy == TG_SIM_LOSS ? load_for(c, 0.95 * c) : 0.95 * c) / mean;
        if (k % 4 == 1) u->season = season;
        if (k % 10 == 0) {
            steps[k] = (tg_sim_step){ 180, c - 4 };
            u->steps = &steps[k];
            u->n_steps = 1;
        }
    }
    o.start = 20454; /* 2026-01-01 */
    o.days = DAYS;
    o.reps = reps;
    o.seed = 7;
    for (int r = 0; r < repeat; r++) {
        tg_sim_result *res;
        tg_error err;
        double t0 = now(), t;
        if (tg_sim_run(units, N_UNITS, &o, NULL, &res, &err) != TG_OK) {
            fprintf(stderr, "bench_sim: %s\n", err.msg);
            return 1;
        }
        t = now() - t0;
        if (t < best) best = t;
        check = 0;
        for (int k = 0; k < N_UNITS; k++) check += res->units[k].pct_mean / N_UNITS;
        tg_sim_result_free(res);
    }
    printf("sim: %ld replications x %d days x %d tilbud in %.3f s (CPU, best of %d)\n", reps, DAYS,
           N_UNITS, best, repeat);
    printf("  %.0f replications/s (each of all %d tilbud), %.3g tilbud-days/s\n",
           (double)reps / best, N_UNITS, (double)reps * DAYS * N_UNITS / best);
    printf("  mean belaegningsprocent over the tilbud: %.2f %%\n", check);
    tg_sim_empirical_free(emp);
    return 0;
}
