/*
** bench/window.c -- times tg_window (each function), a text derive and
** tg_pivot on a synthetic 10M-row occupancy table: 40 tilbud, 1500 days,
** days 0..30 per row; windows by tilbud_id ordered by dato (ties in input
** order), pivot tilbud_id x month, the derive concat(tilbud_id, "/",
** month). Each line: the median wall time of 3 runs, the process CPU
** time of that run (all threads) and a checksum of the answer (the sum of
** the non-NULL results; the derive's distinct strings), which
** bench/peers/window.mjs computes in DuckDB over the same rows.
** Usage: bench_window [rows] [threads] [csv]: threads as --threads (0 =
** one per core); a csv path writes the table (rid,tilbud_id,dato,dage)
** for the peer first.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tg_date.h"
#include "tg_exec.h"
#include "tg_expr.h"
#include "tg_mem.h"
#include "tg_par.h"
#include "tg_reshape.h"
#include "tg_window.h"

#define REPEAT 3

struct timing {
    double wall, cpu;
};

static double clock_s(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void add(tg_table *t, const char *name, tg_col *c) {
    if (tg_table_add(t, name, c) != TG_OK) exit(1);
    tg_col_release(c);
}

/* The run with the median wall time of REPEAT sorted by wall time. */
static struct timing median(struct timing *r) {
    for (int i = 1; i < REPEAT; i++)
        for (int j = i; j > 0 && r[j].wall < r[j - 1].wall; j--) {
            struct timing x = r[j];
            r[j] = r[j - 1];
            r[j - 1] = x;
        }
    return r[REPEAT / 2];
}

static double col_sum(const tg_col *c) {
    double s = 0;
    for (size_t i = 0; i < c->len; i++) {
        if (!tg_col_is_valid(c, i)) continue;
        s += c->type == TG_INT ? (double)c->v.i64[i] : c->v.f64[i];
    }
    return s;
}

static void write_csv(const tg_table *t, const char *path) {
    FILE *f = fopen(path, "w");
    char day[16];
    if (!f) exit(1);
    fprintf(f, "rid,tilbud_id,dato,dage\n");
    for (size_t i = 0; i < t->n_rows; i++) {
        size_t len = tg_date_format(t->cols[1]->v.date[i], day);
        fprintf(f, "%zu,%ld,%.*s,%ld\n", i, (long)t->cols[0]->v.i64[i], (int)len, day,
                (long)t->cols[2]->v.i64[i]);
    }
    if (fclose(f) != 0) exit(1);
}

static void report(const char *name, struct timing *runs, const char *answer) {
    struct timing m = median(runs);
    printf("%-14s wall %7.3f s  cpu %7.3f s  %s\n", name, m.wall, m.cpu, answer);
}

static void bench_windows(const tg_table *t) {
    const char *by[] = { "tilbud_id" }, *order[] = { "dato" };
    static const tg_window_fn fns[] = { TG_WIN_ROW_NUMBER, TG_WIN_RANK, TG_WIN_LAG, TG_WIN_CUMSUM,
                                        TG_WIN_ROLLING_MEAN };
    for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
        tg_window_spec w = {
            .fn = fns[f], .col = "dage", .k = 3, .by = by, .n_by = 1, .order = order, .n_order = 1
        };
        struct timing runs[REPEAT];
        char answer[64];
        for (int rep = 0; rep < REPEAT; rep++) {
            tg_col *c;
            double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
            if (tg_window(t, &w, NULL, &c, NULL) != TG_OK) exit(1);
            runs[rep].wall = clock_s(CLOCK_MONOTONIC) - w0;
            runs[rep].cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
            snprintf(answer, sizeof answer, "sum %.17g", col_sum(c));
            tg_col_release(c);
        }
        report(tg_window_name(fns[f]), runs, answer);
    }
}

static void bench_concat(const tg_table *t) {
    tg_expr *args[] = { tg_expr_col("tilbud_id"), tg_expr_str("/", 1), tg_expr_col("maaned") };
    tg_expr *e = tg_expr_nary(TG_OP_CONCAT, args, 3);
    struct timing runs[REPEAT];
    char answer[64];
    for (int i = 0; i < 3; i++) tg_expr_release(args[i]);
    if (!e) exit(1);
    for (int rep = 0; rep < REPEAT; rep++) {
        tg_col *c;
        double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        if (tg_exec_eval(e, t, NULL, &c, NULL) != TG_OK) exit(1);
        runs[rep].wall = clock_s(CLOCK_MONOTONIC) - w0;
        runs[rep].cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        snprintf(answer, sizeof answer, "distinct %u", tg_dict_size(c->dict));
        tg_col_release(c);
    }
    report("concat", runs, answer);
    tg_expr_release(e);
}

static void bench_pivot(const tg_table *t) {
    const char *by[] = { "tilbud_id" };
    tg_pivot_spec p = {
        .rows = by, .n_rows = 1, .cols = "maaned", .values = "dage", .agg = TG_PIVOT_SUM
    };
    struct timing runs[REPEAT];
    char answer[64];
    for (int rep = 0; rep < REPEAT; rep++) {
        tg_table *o;
        double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        if (tg_pivot(t, &p, NULL, &o, NULL) != TG_OK) exit(1);
        runs[rep].wall = clock_s(CLOCK_MONOTONIC) - w0;
        runs[rep].cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        snprintf(answer, sizeof answer, "%zu rows x %zu columns", o->n_rows, o->n_cols);
        tg_table_release(o);
    }
    report("pivot sum", runs, answer);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    int threads = argc > 2 ? atoi(argv[2]) : 0;
    tg_col *k = tg_col_new(TG_INT, n, NULL), *d = tg_col_new(TG_DATE, n, NULL);
    tg_col *x = tg_col_new(TG_INT, n, NULL), *m = tg_col_new(TG_DATE, n, NULL);
    uint64_t s = 7; /* a fixed LCG so every run sees the same data */
    if (!k || !d || !x || !m) return 1;
    tg_par_set_threads(threads);
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
    if (argc > 3) write_csv(t, argv[3]);
    printf("%zu rows, %d threads; windows by tilbud_id order by dato\n", n, tg_par_threads());
    bench_windows(t);
    bench_concat(t);
    bench_pivot(t);
    tg_table_release(t);
    return 0;
}
