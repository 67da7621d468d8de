/*
** bench/window.c -- times tg_window (each function) and tg_pivot on a
** synthetic 10M-row occupancy table: 40 tilbud, 1500 days, days 0..30 per
** row; windows by tilbud_id ordered by dato, pivot tilbud_id x month.
** Single-threaded; process CPU time, best of 3. Usage: bench_window [rows].
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tg_date.h"
#include "tg_mem.h"
#include "tg_reshape.h"
#include "tg_window.h"

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

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    tg_col *k = tg_col_new(TG_INT, n, NULL), *d = tg_col_new(TG_DATE, n, NULL);
    tg_col *x = tg_col_new(TG_INT, n, NULL), *m = tg_col_new(TG_DATE, n, NULL);
    uint64_t s = 7; /* a fixed LCG so every run sees the same data */
    if (!k || !d || !x || !m) return 1;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        k->v.i64[i] = (int64_t)((s >> 33) % 40);
        d->v.date[i] = 19000 + (int32_t)((s >> 20) % 1500);
        x->v.i64[i] = (int64_t)((s >> 45) % 31);
        m->v.date[i] = tg_date_trunc(d->v.date[i], TG_UNIT_MONTH);
    }
    k->len = d->len = x->len = m->len = n;
    tg_table *t = tg_table_new();
    if (!t) return 1;
    add(t, "tilbud_id", k);
    add(t, "dato", d);
    add(t, "dage", x);
    add(t, "maaned", m);
    printf("%zu rows; windows by tilbud_id order by dato\n", n);

    const char *by[] = { "tilbud_id" }, *order[] = { "dato" };
    static const tg_window_fn fns[] = { TG_WIN_ROW_NUMBER, TG_WIN_RANK, TG_WIN_LAG, TG_WIN_CUMSUM,
                                        TG_WIN_ROLLING_MEAN };
    for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
        tg_window_spec w = {
            .fn = fns[f], .col = "dage", .k = 3, .by = by, .n_by = 1, .order = order, .n_order = 1
        };
        double best = 1e9;
        for (int rep = 0; rep < REPEAT; rep++) {
            tg_col *c;
            double t0 = now();
            if (tg_window(t, &w, NULL, &c, NULL) != TG_OK) return 1;
            double t1 = now();
            tg_col_release(c);
            if (t1 - t0 < best) best = t1 - t0;
        }
        printf("%-22s %6.3f s\n", tg_window_name(fns[f]), best);
    }

    tg_pivot_spec p = {
        .rows = by, .n_rows = 1, .cols = "maaned", .values = "dage", .agg = TG_PIVOT_SUM
    };
    double best = 1e9;
    size_t rows = 0, cols = 0;
    for (int rep = 0; rep < REPEAT; rep++) {
        tg_table *o;
        double t0 = now();
        if (tg_pivot(t, &p, NULL, &o, NULL) != TG_OK) return 1;
        double t1 = now();
        rows = o->n_rows;
        cols = o->n_cols;
        tg_table_release(o);
        if (t1 - t0 < best) best = t1 - t0;
    }
    printf("%-22s %6.3f s (%zu rows x %zu columns)\n", "pivot sum", best, rows, cols);
    tg_table_release(t);
    return 0;
}
