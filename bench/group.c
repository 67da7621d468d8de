/*
** group.c -- timing of the group-by and join kernels on a synthetic
** occupancy table built in memory (no CSV): `bench_group [ROWS] [REPEAT]
** [ONLY]` (default 10,000,000 rows, best of 5; ONLY picks the queries whose
** label contains it). The shape follows bench/gen_occ.c:
** one row per place-day over 1000 days from 2022-01-01, day-major, places
** grouped by their 40 tilbud (ids 1001 + 7k), 92 % 'belagt'. Query (b) is
** the group-by after the status filter; (d) joins the 40-row tilbud table.
** The filter and the month derivation are done here by plain loops (they
** belong to other kernels) and are timed apart.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "tg_date.h"
#include "tg_err.h"
#include "tg_group.h"
#include "tg_join.h"
#include "tg_mem.h"
#include "tg_table.h"

#define N_TILBUD 40
#define N_DAYS   1000

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double clock_s(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void) {
    return clock_s(CLOCK_MONOTONIC);
}

/* Process CPU time: on a shared machine it is the fairer figure for a
** single-threaded kernel (wall time includes waiting for a core). */
static double cpu(void) {
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void check(tg_status st, const tg_error *err, const char *what) {
    if (st == TG_OK) return;
    char buf[700];
    fprintf(stderr, "%s: %s\n", what, tg_err_format(err, buf, sizeof buf));
    exit(1);
}

static void add(tg_table *t, const char *name, tg_col *c) {
    if (!c || tg_table_add(t, name, c) != TG_OK) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    tg_col_release(c);
}

static tg_col *col_of(tg_type type, size_t n, tg_dict *dict) {
    tg_col *c = tg_col_new(type, n, dict);
    if (!c) exit(1);
    c->len = n;
    return c;
}

/* The occupancy table: date, tilbud_id, plads_id, kommune, status, takst_kr. */
static tg_table *make_occ(size_t rows) {
    size_t places = rows / N_DAYS;
    int32_t day0 = tg_date_from_ymd(2022, 1, 1);
    tg_table *t = tg_table_new();
    tg_col *date = col_of(TG_DATE, rows, NULL), *tilbud = col_of(TG_INT, rows, NULL);
    tg_col *plads = col_of(TG_INT, rows, NULL), *kommune = col_of(TG_STRING, 0, NULL);
    tg_col *status = col_of(TG_STRING, 0, NULL), *takst = col_of(TG_FLOAT, rows, NULL);
    int64_t *place_tilbud = malloc(places * sizeof *place_tilbud);
    uint32_t *place_kom = malloc(places * sizeof *place_kom);
    char name[32];

    kommune->len = status->len = 0;
    if (tg_col_reserve(kommune, rows) || tg_col_reserve(status, rows)) exit(1);
    for (int k = 0; k < 98; k++) {
        uint32_t code;
        snprintf(name, sizeof name, "Kommune %02d æøå", k);
        tg_dict_intern(kommune->dict, name, strlen(name), &code);
    }
    uint32_t belagt, ledig, reserveret;
    tg_dict_intern(status->dict, "belagt", 6, &belagt);
    tg_dict_intern(status->dict, "ledig", 5, &ledig);
    tg_dict_intern(status->dict, "reserveret", 10, &reserveret);
    /* Skewed offer sizes: offer t gets a share proportional to t % 7 + 1. */
    size_t p = 0;
    for (int t2 = 0; t2 < N_TILBUD && p < places; t2++) {
        size_t share = places * (size_t)(t2 % 7 + 1) / 160 + 1;
        for (size_t k = 0; k < share && p < places; k++) place_tilbud[p++] = 1001 + 7 * t2;
    }
    for (; p < places; p++) place_tilbud[p] = 1001 + 7 * (N_TILBUD - 1);
    for (p = 0; p < places; p++) place_kom[p] = (uint32_t)(next() % 98);
    size_t r = 0;
    for (int d = 0; d < N_DAYS && r < rows; d++) {
        for (p = 0; p < places && r < rows; p++, r++) {
            uint64_t x = next() % 10000;
            date->v.date[r] = day0 + d;
            tilbud->v.i64[r] = place_tilbud[p];
            plads->v.i64[r] = 100001 + (int64_t)p;
            status->v.str[r] = x < 9200 ? belagt : x < 9962 ? ledig : reserveret;
            kommune->v.str[r] = place_kom[p];
            if (x >= 9200) tg_col_set_null(kommune, r);
            takst->v.f64[r] = 2500 + (double)(place_tilbud[p] % 97) * 20 + (double)(x % 300) / 4;
        }
    }
    kommune->len = status->len = rows;
    add(t, "date", date);
    add(t, "tilbud_id", tilbud);
    add(t, "plads_id", plads);
    add(t, "kommune", kommune);
    add(t, "status", status);
    add(t, "takst_kr", takst);
    free(place_tilbud);
    free(place_kom);
    return t;
}

/* The 40-row tilbud table. */
static tg_table *make_tilbud(void) {
    tg_table *t = tg_table_new();
    tg_col *id = col_of(TG_INT, N_TILBUD, NULL), *pl = col_of(TG_INT, N_TILBUD, NULL);
    tg_col *navn = tg_col_new(TG_STRING, N_TILBUD, NULL);
    char name[32];
    for (int k = 0; k < N_TILBUD; k++) {
        id->v.i64[k] = 1001 + 7 * k;
        pl->v.i64[k] = 10 + k % 30;
        snprintf(name, sizeof name, "Tilbud %d", k);
        tg_col_push_str(navn, name, strlen(name));
    }
    add(t, "tilbud_id", id);
    add(t, "navn", navn);
    add(t, "normerede_pladser", pl);
    return t;
}

typedef tg_status (*run_fn)(const tg_table *t, tg_table **out, tg_error *err);

static void report(const char *what, size_t rows, double wall, double best, const tg_table *out) {
    printf("%-44s %8.1f ms cpu %8.1f ms wall %7.1f M rows/s  (%zu rows out)\n", what, best * 1e3,
           wall * 1e3, (double)rows / best * 1e-6, out ? out->n_rows : 0);
}

static int repeat = 5;
static const tg_table *g_right;

static tg_status q_b(const tg_table *t, tg_table **out, tg_error *err) {
    const char *keys[] = { "tilbud_id", "month" };
    tg_agg aggs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 },
                      { "mean_takst", TG_AGG_MEAN, tg_table_col(t, "takst_kr"), 0, 0 } };
    return tg_group_agg(t, keys, 2, aggs, 2, NULL, out, err);
}

static tg_status q_b_median(const tg_table *t, tg_table **out, tg_error *err) {
    const char *keys[] = { "tilbud_id", "month" };
    tg_agg aggs[] = { { "median_takst", TG_AGG_MEDIAN, tg_table_col(t, "takst_kr"), 0, 0 } };
    return tg_group_agg(t, keys, 2, aggs, 1, NULL, out, err);
}

static tg_status q_b_many(const tg_table *t, tg_table **out, tg_error *err) {
    const char *keys[] = { "tilbud_id", "month" };
    const tg_col *tk = tg_table_col(t, "takst_kr");
    tg_agg aggs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 },
                      { "sum", TG_AGG_SUM, tk, 0, 0 },
                      { "std", TG_AGG_STD, tk, 0, 0 },
                      { "min", TG_AGG_MIN, tk, 0, 0 },
                      { "kommuner", TG_AGG_N_DISTINCT, tg_table_col(t, "kommune"), 0, 0 } };
    return tg_group_agg(t, keys, 2, aggs, 5, NULL, out, err);
}

static tg_status q_hash(const tg_table *t, tg_table **out, tg_error *err) {
    const char *keys[] = { "plads_id", "month" };
    tg_agg aggs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 },
                      { "mean_takst", TG_AGG_MEAN, tg_table_col(t, "takst_kr"), 0, 0 } };
    return tg_group_agg(t, keys, 2, aggs, 2, NULL, out, err);
}

static tg_status q_kommune(const tg_table *t, tg_table **out, tg_error *err) {
    const char *keys[] = { "kommune" };
    tg_agg aggs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 } };
    return tg_group_agg(t, keys, 1, aggs, 1, NULL, out, err);
}

static tg_status q_join(const tg_table *t, tg_table **out, tg_error *err) {
    const char *k[] = { "tilbud_id" };
    return tg_join(t, g_right, k, k, 1, TG_JOIN_LEFT, NULL, NULL, out, err);
}

static tg_status q_inner(const tg_table *t, tg_table **out, tg_error *err) {
    const char *k[] = { "tilbud_id" };
    return tg_join(t, g_right, k, k, 1, TG_JOIN_INNER, NULL, NULL, out, err);
}

static tg_status q_semi(const tg_table *t, tg_table **out, tg_error *err) {
    const char *k[] = { "tilbud_id" };
    return tg_join(t, g_right, k, k, 1, TG_JOIN_SEMI, NULL, NULL, out, err);
}

static tg_status q_distinct(const tg_table *t, tg_table **out, tg_error *err) {
    const char *keys[] = { "tilbud_id", "month" };
    return tg_distinct(t, keys, 2, out, err);
}

static tg_status q_top(const tg_table *t, tg_table **out, tg_error *err) {
    const char *per[] = { "tilbud_id" };
    return tg_top_n(t, "takst_kr", 1, 3, per, 1, out, err);
}

static const char *only; /* run only the queries whose label contains this */

static void time_it(const char *what, run_fn fn, const tg_table *t) {
    tg_error err;
    if (only && !strstr(what, only)) return;
    tg_table *out = NULL;
    double best = 1e9, best_wall = 1e9;
    for (int i = 0; i < repeat; i++) {
        tg_table_release(out);
        double t0 = now(), c0 = cpu();
        check(fn(t, &out, &err), &err, what);
        double dt = cpu() - c0, dw = now() - t0;
        best = dt < best ? dt : best;
        best_wall = dw < best_wall ? dw : best_wall;
    }
    report(what, t->n_rows, best_wall, best, out);
    tg_table_release(out);
}

int main(int argc, char **argv) {
    size_t rows = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    if (argc > 2) repeat = atoi(argv[2]);
    if (argc > 3) only = argv[3];
    if (rows < N_DAYS) rows = N_DAYS;

    tg_table *occ = make_occ(rows);
    tg_table *tilbud = make_tilbud();
    tg_error err;

    /* The filter status = 'belagt' and the month column, by plain loops. */
    double t0 = now();
    const tg_col *st = tg_table_col(occ, "status");
    uint32_t belagt = tg_dict_find(st->dict, "belagt", 6);
    size_t *idx = malloc(rows * sizeof *idx), n = 0;
    for (size_t r = 0; r < rows; r++)
        if (st->v.str[r] == belagt) idx[n++] = r;
    tg_table *f = tg_table_take(occ, idx, n);
    double t1 = now();
    const tg_col *date = tg_table_col(f, "date");
    tg_col *month = col_of(TG_DATE, n, NULL);
    for (size_t r = 0; r < n; r++) month->v.date[r] = tg_date_trunc(date->v.date[r], TG_UNIT_MONTH);
    add(f, "month", month);
    double t2 = now();
    printf(
        "rows %zu, after filter %zu; filter (gather) %.1f ms, month %.1f ms (not kernels here)\n",
        rows, n, (t1 - t0) * 1e3, (t2 - t1) * 1e3);

    time_it("(b) group tilbud_id x month: count, mean", q_b, f);
    time_it("    same, median", q_b_median, f);
    time_it("    same, count sum std min n_distinct", q_b_many, f);
    time_it("group plads_id x month (hash): count, mean", q_hash, f);
    time_it("group kommune (string, NULLs): count", q_kommune, f);
    time_it("distinct tilbud_id, month", q_distinct, f);
    time_it("top 3 takst per tilbud", q_top, f);

    tg_table *grouped;
    check(q_b(f, &grouped, &err), &err, "b");
    g_right = tilbud;
    time_it("(d) join 40-row tilbud onto grouped", q_join, grouped);
    time_it("(d') left join 40-row tilbud onto filtered", q_join, f);
    time_it("    inner join, same", q_inner, f);
    time_it("    semi join, same", q_semi, f);

    tg_table_release(grouped);
    tg_table_release(f);
    tg_table_release(occ);
    tg_table_release(tilbud);
    free(idx);
    printf("peak tg_mem %.0f MB\n", (double)tg_mem_peak() / 1e6);
    return 0;
}
