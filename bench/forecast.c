/*
** bench/forecast.c -- times tg_fctable_holt_winters: 1,000 monthly series of
** 120 months ('YYYY-MM' strings, level + trend + July dip + noise from a
** fixed LCG), each fitted (additive Holt-Winters, period 12, every
** parameter fitted) and forecast 36 months ahead with 80 and 95 %
** intervals; then damped; then a rolling-origin backtest (horizon 12,
** min_train 36, refit at every origin) on the first 100 series.
** Single-threaded; process CPU time, best of 3. Usage: bench_forecast
** [series] [months].
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tg_fctable.h"
#include "tg_mem.h"

#define REPEAT 3

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void add(tg_table *t, const char *name, tg_col *c) {
    if (tg_table_add(t, name, c) != TG_OK) exit(1);
    tg_col_release(c);
}

static tg_table *make(size_t n_series, size_t months) {
    size_t n = n_series * months;
    tg_col *id = tg_col_new(TG_INT, n, NULL), *m = tg_col_new(TG_STRING, n, NULL);
    tg_col *v = tg_col_new(TG_FLOAT, n, NULL);
    uint64_t s = 11;
    if (!id || !m || !v) exit(1);
    for (size_t k = 0; k < n_series; k++) {
        double level = 85 + (double)(k % 13), slope = ((double)(k % 7) - 3) * 0.02;
        for (size_t p = 0; p < months; p++) {
            char buf[16];
            s = s * 6364136223846793005u + 1442695040888963407u;
            double noise = ((double)(s >> 11) / 9007199254740992.0 - 0.5) * 4;
            snprintf(buf, sizeof buf, "%04d-%02d", 2016 + (int)(p / 12), (int)(p % 12) + 1);
            if (tg_col_push_i64(id, (int64_t)k) != TG_OK || tg_col_push_str(m, buf, 7) != TG_OK ||
                tg_col_push_f64(v, level + slope * (double)p - (p % 12 == 6 ? 6 : 0) + noise) !=
                    TG_OK)
                exit(1);
        }
    }
    tg_table *t = tg_table_new();
    if (!t) exit(1);
    add(t, "tilbud_id", id);
    add(t, "maaned", m);
    add(t, "pct", v);
    return t;
}

static double best_of(const tg_table *t, const tg_fctable_opts *o, int backtest, size_t *rows) {
    double best = 1e9;
    for (int rep = 0; rep < REPEAT; rep++) {
        tg_table *a, *b;
        tg_error err;
        double t0 = now();
        tg_status st = backtest ? tg_fctable_backtest(t, o, NULL, &a, &b, &err)
                                : tg_fctable_holt_winters(t, o, NULL, &a, &b, &err);
        double t1 = now();
        if (st != TG_OK) {
            fprintf(stderr, "bench_forecast: %s\n", err.msg);
            exit(1);
        }
        *rows = a->n_rows;
        tg_table_release(a);
        tg_table_release(b);
        if (t1 - t0 < best) best = t1 - t0;
    }
    return best;
}

int main(int argc, char **argv) {
    size_t n_series = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000;
    size_t months = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 120;
    static const char *const by[] = { "tilbud_id" };
    tg_table *t = make(n_series, months), *few = make(n_series < 100 ? n_series : 100, months);
    tg_fctable_opts o;
    size_t out;
    double s;

    tg_fctable_opts_init(&o);
    o.by = by;
    o.n_by = 1;
    o.time = "maaned";
    o.value = "pct";
    o.horizon = 36;
    printf("%zu series x %zu months (%zu rows), horizon 36, best of %d\n", n_series, months,
           t->n_rows, REPEAT);
    for (int damped = 0; damped <= 1; damped++) {
        o.spec.damped = damped;
        s = best_of(t, &o, 0, &out);
        printf("fit + forecast %-7s %7.3f s  %8.0f series/s  %10.0f input rows/s  %zu rows out\n",
               damped ? "damped" : "", s, (double)n_series / s, (double)t->n_rows / s, out);
    }
    o.spec.damped = 0;
    o.horizon = 12;
    s = best_of(few, &o, 1, &out);
    printf("backtest (refit, h 12, min_train 36, %zu series) %7.3f s  %6.1f series/s\n",
           few->n_rows / months, s, (double)(few->n_rows / months) / s);
    printf("peak tg_mem %.1f MB\n", (double)tg_mem_peak() / 1e6);
    tg_table_release(t);
    tg_table_release(few);
    return 0;
}
