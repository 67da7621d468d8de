/*
** bench/sort.c -- times tg_sort_index and tg_sort on a synthetic 10M-row
** occupancy-like table: int keys (narrow and full-range), a date, a float,
** a string with ~100 distinct values and a two-key sort. Single-threaded.
** Usage: bench_sort [rows] (default 10000000).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tg_mem.h"
#include "tg_sort.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next_u64(void) {
    /* splitmix64: a fixed seed so every run sorts the same data */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Process CPU time: the machine is shared, and wall time mostly measures
** the neighbours. Each figure is the best of REPEAT runs. */
#define REPEAT 3

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static tg_col *make_col(tg_type type, size_t n, int kind) {
    tg_col *c = tg_col_new(type, n, NULL);
    if (!c) exit(1);
    char name[32];
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next_u64();
        switch (kind) {
        case 0: c->v.i64[i] = (int64_t)(r % 1000000); break;         /* narrow int */
        case 1: c->v.i64[i] = (int64_t)r; break;                     /* full range */
        case 2: c->v.date[i] = 19000 + (int32_t)(r % 1500); break;   /* dates */
        case 3: c->v.f64[i] = (double)(r % 10000000) / 100.0; break; /* kroner */
        case 4: c->v.i64[i] = (int64_t)(r % 40); break;              /* tilbud_id */
        default: break;
        }
        if (kind == 5) {
            snprintf(name, sizeof name, "kommune-%02u", (unsigned)(r % 98));
            c->len = i;
            if (tg_col_push_str(c, name, strlen(name)) != TG_OK) exit(1);
        }
    }
    c->len = n;
    return c;
}

static void run(const char *label, const tg_table *t, const char *const *keys, const int *desc,
                size_t nk, int full) {
    size_t *perm;
    tg_table *out;
    double best = 1e9, best_full = 1e9;
    size_t base = tg_mem_used(), extra = 0;
    for (int rep = 0; rep < REPEAT; rep++) {
        tg_mem_reset_peak();
        double t0 = now();
        if (tg_sort_index(t, keys, desc, nk, NULL, &perm, NULL) != TG_OK) exit(1);
        double t1 = now();
        tg_free(perm);
        extra = tg_mem_peak() - base;
        if (t1 - t0 < best) best = t1 - t0;
        if (!full) continue;
        t0 = now();
        if (tg_sort(t, keys, desc, nk, NULL, &out, NULL) != TG_OK) exit(1);
        t1 = now();
        if (t1 - t0 < best_full) best_full = t1 - t0;
        tg_table_release(out);
    }
    printf("%-28s index %6.3f s (%4zu MB)", label, best, extra >> 20);
    if (full) printf("   sort + gather %zu cols %6.3f s", t->n_cols, best_full);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    static const char *names[] = { "narrow", "wide", "dato", "takst_kr", "tilbud_id", "kommune" };
    tg_table *t = tg_table_new();
    if (!t) return 1;
    for (int k = 0; k < 6; k++) {
        static const tg_type types[] = { TG_INT, TG_INT, TG_DATE, TG_FLOAT, TG_INT, TG_STRING };
        tg_col *c = make_col(types[k], n, k);
        if (tg_table_add(t, names[k], c) != TG_OK) return 1;
        tg_col_release(c);
    }
    printf("%zu rows, %zu columns\n", n, t->n_cols);
    const char *k_narrow[] = { "narrow" }, *k_wide[] = { "wide" }, *k_date[] = { "dato" };
    const char *k_float[] = { "takst_kr" }, *k_str[] = { "kommune" };
    const char *k_two[] = { "tilbud_id", "dato" }, *k_three[] = { "kommune", "takst_kr", "wide" };
    const int desc1[] = { 1 }, desc2[] = { 0, 1 };
    run("int 0..1e6", t, k_narrow, NULL, 1, 1);
    run("int 0..1e6 desc", t, k_narrow, desc1, 1, 0);
    run("int full 64-bit range", t, k_wide, NULL, 1, 0);
    run("date (1500 days)", t, k_date, NULL, 1, 0);
    run("float kroner", t, k_float, NULL, 1, 0);
    run("string (98 values)", t, k_str, NULL, 1, 0);
    run("tilbud_id, dato desc", t, k_two, desc2, 2, 1);
    run("kommune, takst_kr, wide", t, k_three, NULL, 3, 0);
    tg_table_release(t);
    return 0;
}
