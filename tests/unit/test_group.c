/*
** test_group.c -- group-by aggregation, distinct and top n. Expected values
** come from a second method: SQLite (GROUP BY ... ORDER BY over the same
** randomised tables, copied into an in-memory database), naive references
** written here (quantiles by R's padded formula, top n by a full sort),
** and values worked out by hand from the Hyndman-Fan definitions. Also:
** NULL and empty-table rules, sum overflow, errors, allocation failures
** and interrupts.
*/
#include "tg_test.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_group.h"
#include "tg_mem.h"
#include "tg_par.h"
#include "tg_sqlref.h"
#include "tg_table.h"

/* ---- random tables ---- */

static tg_table *random_table(uint64_t seed, size_t n) {
    uint64_t s = seed * 0x9e3779b97f4a7c15u + 1;
    tg_table *t = tg_table_new();
    tg_col *rid = tg_col_new(TG_INT, 0, NULL);
    for (size_t r = 0; r < n; r++) assert_int_equal(tg_col_push_i64(rid, (int64_t)r + 1), TG_OK);
    tg_test_add(t, "rid", rid);
    tg_test_add(t, "k_int", tg_test_random_col(&s, TG_INT, n, 10, -3, 9, 0));
    tg_test_add(t, "k_str", tg_test_random_col(&s, TG_STRING, n, 10, 0, 1, 0));
    tg_test_add(t, "k_date", tg_test_random_col(&s, TG_DATE, n, 10, 0, 20, 0));
    tg_test_add(t, "k_bool", tg_test_random_col(&s, TG_BOOL, n, 10, 0, 2, 0));
    tg_test_add(t, "k_wide",
                tg_test_random_col(&s, TG_INT, n, 5, -4000000000000, 8000000000000, 0));
    tg_test_add(t, "k_float", tg_test_random_col(&s, TG_FLOAT, n, 10, -20, 7, 0));
    tg_test_add(t, "v_int", tg_test_random_col(&s, TG_INT, n, 15, -1000, 2001, 0));
    tg_test_add(t, "v_float", tg_test_random_col(&s, TG_FLOAT, n, 15, -4000, 8001, 0));
    tg_test_add(t, "v_bool", tg_test_random_col(&s, TG_BOOL, n, 15, 0, 2, 0));
    tg_test_add(t, "v_str", tg_test_random_col(&s, TG_STRING, n, 15, 0, 1, 0));
    tg_test_add(t, "v_date", tg_test_random_col(&s, TG_DATE, n, 15, -400, 800, 0));
    /* k_wide with few values: the range is huge (hash mode) but groups repeat. */
    tg_col *w = (tg_col *)tg_table_col(t, "k_wide");
    for (size_t r = 0; r < n; r++) w->v.i64[r] = (w->v.i64[r] % 6) * 1000000000007;
    return t;
}

/* ---- group-by against SQLite ---- */

static const char *const sql_aggs =
    "count(*), count(v_int), sum(CASE WHEN v_bool = 1 THEN 1 ELSE 0 END), sum(v_int), "
    "sum(v_float), sum(v_bool), avg(v_int), avg(v_float), avg(v_bool), min(v_float), max(v_float), "
    "min(v_str), max(v_str), min(v_date), max(v_date), min(v_int), max(v_bool), "
    "count(DISTINCT v_int), count(DISTINCT v_str), count(DISTINCT v_date), count(DISTINCT "
    "v_float), (sum(v_float * v_float) - sum(v_float) * sum(v_float) / count(v_float)) / "
    "(count(v_float) - 1), sqrt((sum(v_float * v_float) - sum(v_float) * sum(v_float) / "
    "count(v_float)) / (count(v_float) - 1)), ";

static size_t make_aggs(const tg_table *t, tg_agg *a) {
    const tg_col *vi = tg_table_col(t, "v_int"), *vf = tg_table_col(t, "v_float");
    const tg_col *vb = tg_table_col(t, "v_bool"), *vs = tg_table_col(t, "v_str");
    const tg_col *vd = tg_table_col(t, "v_date");
    size_t n = 0;
    a[n++] = (tg_agg){ "n", TG_AGG_COUNT, NULL, 0, 0 };
    a[n++] = (tg_agg){ "n_vi", TG_AGG_COUNT, vi, 0, 0 };
    a[n++] = (tg_agg){ "n_true", TG_AGG_COUNT_IF, vb, 0, 0 };
    a[n++] = (tg_agg){ "sum_vi", TG_AGG_SUM, vi, 0, 0 };
    a[n++] = (tg_agg){ "sum_vf", TG_AGG_SUM, vf, 0, 0 };
    a[n++] = (tg_agg){ "sum_vb", TG_AGG_SUM, vb, 0, 0 };
    a[n++] = (tg_agg){ "mean_vi", TG_AGG_MEAN, vi, 0, 0 };
    a[n++] = (tg_agg){ "mean_vf", TG_AGG_MEAN, vf, 0, 0 };
    a[n++] = (tg_agg){ "mean_vb", TG_AGG_MEAN, vb, 0, 0 };
    a[n++] = (tg_agg){ "min_vf", TG_AGG_MIN, vf, 0, 0 };
    a[n++] = (tg_agg){ "max_vf", TG_AGG_MAX, vf, 0, 0 };
    a[n++] = (tg_agg){ "min_vs", TG_AGG_MIN, vs, 0, 0 };
    a[n++] = (tg_agg){ "max_vs", TG_AGG_MAX, vs, 0, 0 };
    a[n++] = (tg_agg){ "min_vd", TG_AGG_MIN, vd, 0, 0 };
    a[n++] = (tg_agg){ "max_vd", TG_AGG_MAX, vd, 0, 0 };
    a[n++] = (tg_agg){ "min_vi", TG_AGG_MIN, vi, 0, 0 };
    a[n++] = (tg_agg){ "max_vb", TG_AGG_MAX, vb, 0, 0 };
    a[n++] = (tg_agg){ "nd_vi", TG_AGG_N_DISTINCT, vi, 0, 0 };
    a[n++] = (tg_agg){ "nd_vs", TG_AGG_N_DISTINCT, vs, 0, 0 };
    a[n++] = (tg_agg){ "nd_vd", TG_AGG_N_DISTINCT, vd, 0, 0 };
    a[n++] = (tg_agg){ "nd_vf", TG_AGG_N_DISTINCT, vf, 0, 0 };
    a[n++] = (tg_agg){ "var_vf", TG_AGG_VAR, vf, 0, 0 };
    a[n++] = (tg_agg){ "std_vf", TG_AGG_STD, vf, 0, 0 };
    a[n++] = (tg_agg){ "first_vi", TG_AGG_FIRST, vi, 0, 0 };
    a[n++] = (tg_agg){ "last_vs", TG_AGG_LAST, vs, 0, 0 };
    a[n++] = (tg_agg){ "first_vd", TG_AGG_FIRST, vd, 0, 0 };
    return n;
}

/* Compares tg_group_agg by 'keys' with the SQL equivalent. */
static void check_against_sql(sqlite3 *db, const tg_table *t, const char *const *keys,
                              size_t n_keys) {
    char sql[8192], where[1024] = "", order[1024] = "", sel[512] = "", group[512] = "";
    size_t w = 0, o = 0, s = 0, gl = 0;
    tg_agg aggs[32];
    size_t n_aggs = make_aggs(t, aggs);
    tg_table *out = NULL;
    tg_error err;

    for (size_t k = 0; k < n_keys; k++) {
        w += (size_t)snprintf(where + w, sizeof where - w, "t2.%s IS t.%s AND ", keys[k], keys[k]);
        o += (size_t)snprintf(order + o, sizeof order - o, "%s%s IS NULL, %s", k ? ", " : "",
                              keys[k], keys[k]);
        s += (size_t)snprintf(sel + s, sizeof sel - s, "%s, ", keys[k]);
        gl += (size_t)snprintf(group + gl, sizeof group - gl, "%s%s", k ? ", " : "", keys[k]);
    }
    snprintf(sql, sizeof sql,
             "SELECT %s%s"
             "(SELECT v_int FROM t t2 WHERE %s t2.v_int IS NOT NULL ORDER BY t2.rid LIMIT 1), "
             "(SELECT v_str FROM t t2 WHERE %s t2.v_str IS NOT NULL ORDER BY t2.rid DESC LIMIT 1), "
             "(SELECT v_date FROM t t2 WHERE %s t2.v_date IS NOT NULL ORDER BY t2.rid LIMIT 1) "
             "FROM t %s%s %s%s",
             sel, sql_aggs, where, where, where, n_keys ? "GROUP BY " : "", group,
             n_keys ? "ORDER BY " : "", order);
    tg_status st = tg_group_agg(t, keys, n_keys, aggs, n_aggs, NULL, &out, &err);
    if (st != TG_OK) fail_msg("group: %s", err.msg);
    assert_int_equal(out->n_cols, n_keys + n_aggs);
    for (size_t k = 0; k < n_keys; k++) {
        assert_string_equal(out->names[k], keys[k]);
        assert_ptr_equal(out->cols[k]->dict, tg_table_col(t, keys[k])->dict);
    }
    sqlref_match(db, sql, out, 1e-9);
    tg_table_release(out);
}

static void test_group_matches_sqlite(void **state) {
    static const char *const sets[][3] = {
        { "k_int", "k_str", NULL }, { "k_date", NULL, NULL },        { "k_bool", "k_int", NULL },
        { "k_wide", NULL, NULL },   { "k_str", "k_wide", "k_date" }, { "k_float", NULL, NULL },
        { "k_str", NULL, NULL },    { "k_float", "k_bool", NULL },
    };
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (uint64_t seed = 1; seed <= 3; seed++) {
        tg_table *t = random_table(seed, seed == 3 ? 3000 : 400);
        sqlite3 *db = sqlref_open();
        sqlref_load(db, "t", t);
        for (size_t i = 0; i < TG_ARRAY_LEN(sets); i++) {
            size_t n = 0;
            while (n < 3 && sets[i][n]) n++;
            check_against_sql(db, t, sets[i], n);
        }
        check_against_sql(db, t, NULL, 0);
        sqlite3_close(db);
        tg_table_release(t);
    }
    tg_test_no_leaks(blocks);
}

/* Keys whose range grows over many vectors (upwards, downwards, with
** NULLs) and one that jumps far out late, which turns the direct index
** into a hash table halfway: the ids assigned before must survive. */
static void test_group_key_ranges_grow(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), n = 40000;
    tg_table *t = tg_table_new();
    tg_col *rid = tg_col_new(TG_INT, 0, NULL), *up = tg_col_new(TG_INT, 0, NULL);
    tg_col *down = tg_col_new(TG_DATE, 0, NULL), *jump = tg_col_new(TG_INT, 0, NULL);
    tg_col *v = tg_col_new(TG_FLOAT, 0, NULL), *flag = tg_col_new(TG_BOOL, 0, NULL);
    for (size_t r = 0; r < n; r++) {
        assert_int_equal(tg_col_push_i64(rid, (int64_t)r + 1), TG_OK);
        assert_int_equal(tg_col_push_bool(flag, r % 3 == 0), TG_OK);
        assert_int_equal(tg_col_push_i64(up, (int64_t)(r / 7) * 3 + 1000), TG_OK);
        assert_int_equal(r % 97 == 5 ? tg_col_push_null(down)
                                     : tg_col_push_date(down, 20000 - (int32_t)(r / 50)),
                         TG_OK);
        int64_t j = r < 30000 ? (int64_t)(r % 500) : r % 3 ? 5000000000000 : (int64_t)(r % 700);
        assert_int_equal(tg_col_push_i64(jump, j), TG_OK);
        assert_int_equal(tg_col_push_f64(v, (double)(r % 13) / 4), TG_OK);
    }
    tg_test_add(t, "rid", rid);
    tg_test_add(t, "up", up);
    tg_test_add(t, "down", down);
    tg_test_add(t, "jump", jump);
    tg_test_add(t, "v", v);
    tg_test_add(t, "flag", flag);
    sqlite3 *db = sqlref_open();
    sqlref_load(db, "t", t);
    tg_agg aggs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 },
                      { "s", TG_AGG_SUM, v, 0, 0 },
                      { "lo", TG_AGG_MIN, rid, 0, 0 },
                      { "nd", TG_AGG_N_DISTINCT, v, 0, 0 } };
    static const char *const sets[][2] = {
        { "up", NULL },   { "down", NULL },   { "jump", NULL },
        { "up", "down" }, { "down", "jump" }, { "flag", "jump" },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(sets); i++) {
        size_t nk = sets[i][1] ? 2 : 1;
        char sql[512];
        if (nk == 1)
            snprintf(sql, sizeof sql,
                     "SELECT %s, count(*), sum(v), min(rid), count(DISTINCT v) FROM t GROUP BY 1 "
                     "ORDER BY %s IS NULL, %s",
                     sets[i][0], sets[i][0], sets[i][0]);
        else
            snprintf(sql, sizeof sql,
                     "SELECT %s, %s, count(*), sum(v), min(rid), count(DISTINCT v) FROM t "
                     "GROUP BY 1, 2 ORDER BY %s IS NULL, %s, %s IS NULL, %s",
                     sets[i][0], sets[i][1], sets[i][0], sets[i][0], sets[i][1], sets[i][1]);
        tg_table *out;
        assert_int_equal(tg_group_agg(t, sets[i], nk, aggs, 4, NULL, &out, NULL), TG_OK);
        sqlref_match(db, sql, out, 1e-12);
        tg_table_release(out);
        /* distinct keeps first appearances: the same rows as min(rid) */
        assert_int_equal(tg_distinct(t, sets[i], nk, &out, NULL), TG_OK);
        snprintf(
            sql, sizeof sql,
            "SELECT * FROM t WHERE rid IN (SELECT min(rid) FROM t GROUP BY %s%s%s) ORDER BY rid",
            sets[i][0], nk == 2 ? ", " : "", nk == 2 ? sets[i][1] : "");
        sqlref_match(db, sql, out, 0);
        tg_table_release(out);
    }
    sqlite3_close(db);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* Keys at the ends of the int64 range, arriving over several vectors:
** the direct index widens up to INT64_MAX, then down to INT64_MIN (which
** no longer fits, so it turns into a hash table). */
static void test_group_extreme_ints(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), n = 4 * TG_VECTOR;
    tg_table *t = tg_table_new();
    tg_col *rid = tg_col_new(TG_INT, 0, NULL), *k = tg_col_new(TG_INT, 0, NULL);
    tg_col *m = tg_col_new(TG_INT, 0, NULL);
    for (size_t r = 0; r < n; r++) {
        /* each vector reaches one step further out: the headroom would run
        ** past the end of the range and is cut short */
        int64_t step = (int64_t)(r / TG_VECTOR), v, w;
        if (step < 3) {
            v = INT64_MAX - 2 + step - (int64_t)(r % 3);
            w = INT64_MIN + 2 - step + (int64_t)(r % 3);
        } else {
            v = INT64_MIN + (int64_t)(r % 4);
            w = INT64_MAX - (int64_t)(r % 4);
        }
        assert_int_equal(tg_col_push_i64(rid, (int64_t)r + 1), TG_OK);
        assert_int_equal(tg_col_push_i64(k, v), TG_OK);
        assert_int_equal(tg_col_push_i64(m, w), TG_OK);
    }
    tg_test_add(t, "rid", rid);
    tg_test_add(t, "k", k);
    tg_test_add(t, "m", m);
    sqlite3 *db = sqlref_open();
    sqlref_load(db, "t", t);
    const char *keys[] = { "k" }, *mkeys[] = { "m" };
    tg_agg aggs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 }, { "lo", TG_AGG_MIN, rid, 0, 0 } };
    tg_table *out;
    assert_int_equal(tg_group_agg(t, keys, 1, aggs, 2, NULL, &out, NULL), TG_OK);
    sqlref_match(db, "SELECT k, count(*), min(rid) FROM t GROUP BY k ORDER BY k", out, 0);
    tg_table_release(out);
    assert_int_equal(tg_group_agg(t, mkeys, 1, aggs, 2, NULL, &out, NULL), TG_OK);
    sqlref_match(db, "SELECT m, count(*), min(rid) FROM t GROUP BY m ORDER BY m", out, 0);
    tg_table_release(out);
    sqlite3_close(db);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- quantiles ---- */

/* R's quantile.default written out independently: x sorted, padded as
** (x1, x1, x..., xn, xn), qs = (1 - h) x[j + 2] + h x[j + 3] (1-based). */
static double r_quantile(const double *sorted, size_t n, double p, int type) {
    double fuzz = 4 * DBL_EPSILON, nppm, j, h;
    if (type <= 3) {
        nppm = type == 3 ? (double)n * p - 0.5 : (double)n * p;
        j = floor(nppm + fuzz);
        h = type == 1   ? (nppm > j)
            : type == 2 ? ((nppm > j) + 1) / 2.0
                        : (nppm != j) || ((long)j % 2 != 0);
    } else {
        double a[] = { 0, 0, 0, 0, 0, .5, 0, 1, 1.0 / 3, 3.0 / 8 };
        double b[] = { 0, 0, 0, 0, 1, .5, 0, 1, 1.0 / 3, 3.0 / 8 };
        nppm = a[type] + p * ((double)n + 1 - a[type] - b[type]);
        j = floor(nppm + fuzz);
        h = nppm - j;
        if (fabs(h) < fuzz) h = 0;
    }
    double *pad = malloc((n + 4) * sizeof *pad);
    pad[0] = pad[1] = sorted[0];
    memcpy(pad + 2, sorted, n * sizeof *pad);
    pad[n + 2] = pad[n + 3] = sorted[n - 1];
    /* 1-based x[j + 2] is pad[j + 1] 0-based */
    double lo = pad[(long)j + 1], hi = pad[(long)j + 2], q = lo;
    if (h == 1) q = hi;
    else if (h > 0 && h < 1 && lo != hi) q = lo + h * (hi - lo); /* R: (1 - h) * lo + h * hi */
    free(pad);
    return q;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_group_quantile_by_hand(void **state) {
    /* x = 1..10, from the Hyndman-Fan formulas worked by hand:
    ** type 1 x[ceil(np)]: np = 1, 5, 9 exactly -> 1, 5, 9;
    ** type 2 averages at the jumps: 1.5, 5.5, 9.5; type 3 nearest even: 1, 5, 9;
    ** type 4 p(n): 1, 5, 9; type 5 0.5 + np: 1.5, 5.5, 9.5;
    ** type 6 p(n + 1): 1.1, 5.5, 9.9; type 7 1 + p(n - 1): 1.9, 5.5, 9.1;
    ** type 8 1/3 + p(n + 1/3): 1.3667, 5.5, 9.6333; type 9 3/8 + p(n + 1/4): 1.4, 5.5, 9.6. */
    static const double want[10][3] = {
        { 0, 0, 0 },       { 1, 5, 9 },       { 1.5, 5.5, 9.5 },
        { 1, 5, 9 },       { 1, 5, 9 },       { 1.5, 5.5, 9.5 },
        { 1.1, 5.5, 9.9 }, { 1.9, 5.5, 9.1 }, { 1 + 11.0 / 30, 5.5, 9 + 19.0 / 30 },
        { 1.4, 5.5, 9.6 },
    };
    static const double ps[3] = { 0.1, 0.5, 0.9 };
    (void)state;
    for (int type = 1; type <= 9; type++) {
        for (int i = 0; i < 3; i++) {
            double x[10];
            for (int k = 0; k < 10; k++) x[k] = 10 - k; /* reversed: the kernel must select */
            double q = tg_agg_quantile(x, 10, ps[i], type);
            if (fabs(q - want[type][i]) > 1e-12)
                fail_msg("type %d p %g: got %.17g want %.17g", type, ps[i], q, want[type][i]);
        }
    }
    /* x = 3 1 4 1 5 9 2 6 (sorted 1 1 2 3 4 5 6 9), p = 0.25: linear 1 + 0.75 * 1;
    ** weibull 2.25 -> 1 + 0.25 * 1; inverted_cdf np = 2 -> x2 = 1. */
    double y[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
    assert_true(fabs(tg_agg_quantile(y, 8, 0.25, TG_QUANTILE_LINEAR) - 1.75) < 1e-15);
    assert_true(fabs(tg_agg_quantile(y, 8, 0.25, TG_QUANTILE_WEIBULL) - 1.25) < 1e-15);
    assert_true(tg_agg_quantile(y, 8, 0.25, TG_QUANTILE_INVERTED_CDF) == 1);
    assert_true(tg_agg_quantile(y, 8, 0, 0) == 1);
    assert_true(tg_agg_quantile(y, 8, 1, 0) == 9);
    /* weibull outside [1/(n+1), n/(n+1)] clamps to the extremes (as R) */
    double z[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    assert_true(tg_agg_quantile(z, 10, 0.05, TG_QUANTILE_WEIBULL) == 1);
    assert_true(tg_agg_quantile(z, 10, 0.95, TG_QUANTILE_WEIBULL) == 10);
    assert_true(tg_agg_quantile(z, 1, 0.3, TG_QUANTILE_LINEAR) == z[0]);
    /* NaN ranks above every number */
    double w[4] = { NAN, 2, 1, 3 };
    assert_true(tg_agg_quantile(w, 4, 0, 0) == 1);
    assert_true(isnan(tg_agg_quantile(w, 4, 1, 0)));
    /* An organ pipe defeats median-of-three pivots: at n = 32768 the
    ** selection around k = 25600 needs the heap-sort fallback. */
    size_t n = 32768;
    double *op = malloc(n * sizeof *op), *sorted = malloc(n * sizeof *sorted);
    for (double p = 0.70; p < 0.85; p += 0.0173) {
        for (size_t i = 0; i < n; i++) op[i] = (double)(i < n / 2 ? i : n - i);
        memcpy(sorted, op, n * sizeof *op);
        qsort(sorted, n, sizeof *sorted, cmp_double);
        for (int type = 1; type <= 9; type += 3) {
            double q = r_quantile(sorted, n, p, type);
            for (size_t i = 0; i < n; i++) op[i] = (double)(i < n / 2 ? i : n - i);
            assert_true(tg_agg_quantile(op, n, p, type) == q);
        }
    }
    for (size_t i = 0; i < n; i++) op[i] = (double)(i < n / 2 ? i : n - i);
    assert_true(tg_agg_quantile(op, n, 25600.0 / 32767, 7) == sorted[25600]);
    free(op);
    free(sorted);
    assert_int_equal(tg_agg_quantile_method("linear"), 7);
    assert_int_equal(tg_agg_quantile_method("weibull"), 6);
    assert_int_equal(tg_agg_quantile_method("excel_exc"), 6);
    assert_int_equal(tg_agg_quantile_method("inverted_cdf"), 1);
    assert_int_equal(tg_agg_quantile_method("type9"), 9);
    assert_int_equal(tg_agg_quantile_method("nearest"), -1);
}

/* Median and every quantile method per group, against r_quantile over
** the group's values gathered naively. */
static void test_group_quantile_random(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = random_table(7, 2000);
    const tg_col *kc = tg_table_col(t, "k_int"), *vf = tg_table_col(t, "v_float");
    const tg_col *vi = tg_table_col(t, "v_int");
    const char *keys[] = { "k_int" };
    static const double ps[] = { 0, 0.03, 0.1, 0.25, 0.5, 0.77, 0.9, 1 };
    tg_agg aggs[2 + 9 * TG_ARRAY_LEN(ps)];
    char names[9 * TG_ARRAY_LEN(ps)][16];
    size_t n = 0;
    aggs[n++] = (tg_agg){ "median_f", TG_AGG_MEDIAN, vf, 0, 0 };
    aggs[n++] = (tg_agg){ "median_i", TG_AGG_MEDIAN, vi, 0, 0 };
    for (int type = 1; type <= 9; type++) {
        for (size_t i = 0; i < TG_ARRAY_LEN(ps); i++) {
            snprintf(names[n - 2], sizeof names[0], "q%d_%zu", type, i);
            aggs[n] = (tg_agg){ names[n - 2], TG_AGG_QUANTILE, vf, ps[i], type };
            n++;
        }
    }
    tg_table *out;
    tg_error err;
    assert_int_equal(tg_group_agg(t, keys, 1, aggs, n, NULL, &out, &err), TG_OK);
    const tg_col *ok = out->cols[0];
    double *vals = malloc(t->n_rows * sizeof *vals), *ivals = malloc(t->n_rows * sizeof *ivals);
    for (size_t g = 0; g < out->n_rows; g++) {
        size_t m = 0, mi = 0;
        for (size_t r = 0; r < t->n_rows; r++) {
            int same = tg_col_is_valid(ok, g)
                           ? tg_col_is_valid(kc, r) && kc->v.i64[r] == ok->v.i64[g]
                           : !tg_col_is_valid(kc, r);
            if (!same) continue;
            if (tg_col_is_valid(vf, r)) vals[m++] = vf->v.f64[r];
            if (tg_col_is_valid(vi, r)) ivals[mi++] = (double)vi->v.i64[r];
        }
        assert_true(m > 0 && mi > 0);
        qsort(vals, m, sizeof *vals, cmp_double);
        qsort(ivals, mi, sizeof *ivals, cmp_double);
        assert_true(out->cols[1]->v.f64[g] == r_quantile(vals, m, 0.5, 7));
        assert_true(out->cols[2]->v.f64[g] == r_quantile(ivals, mi, 0.5, 7));
        for (size_t a = 2; a < n; a++) {
            double want = r_quantile(vals, m, aggs[a].p, aggs[a].method);
            if (out->cols[a + 1]->v.f64[g] != want)
                fail_msg("group %zu %s: got %.17g want %.17g", g, aggs[a].name,
                         out->cols[a + 1]->v.f64[g], want);
        }
    }
    free(vals);
    free(ivals);
    tg_table_release(out);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- small tables worked by hand ---- */

/* g: 1 1 1 2 2 2 2 3 3; x: 5 NULL 1 4 1 3 2 NULL NULL (odd, even, all NULL). */
static void test_group_median_std_by_hand(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const int64_t gv[] = { 2, 1, 1, 3, 2, 2, 2, 1, 3 };
    static const double xv[] = { 4, 5, 0, 0, 1, 3, 2, 1, 0 };
    static const int xnull[] = { 0, 0, 1, 1, 0, 0, 0, 0, 1 };
    tg_table *t = tg_table_new();
    tg_col *g = tg_col_new(TG_INT, 0, NULL), *x = tg_col_new(TG_FLOAT, 0, NULL);
    for (size_t r = 0; r < 9; r++) {
        assert_int_equal(tg_col_push_i64(g, gv[r]), TG_OK);
        assert_int_equal(xnull[r] ? tg_col_push_null(x) : tg_col_push_f64(x, xv[r]), TG_OK);
    }
    tg_test_add(t, "g", g);
    tg_test_add(t, "x", x);
    const char *keys[] = { "g" };
    tg_agg aggs[] = { { "med", TG_AGG_MEDIAN, x, 0, 0 },  { "sd", TG_AGG_STD, x, 0, 0 },
                      { "var", TG_AGG_VAR, x, 0, 0 },     { "sum", TG_AGG_SUM, x, 0, 0 },
                      { "n", TG_AGG_COUNT, x, 0, 0 },     { "rows", TG_AGG_COUNT, NULL, 0, 0 },
                      { "first", TG_AGG_FIRST, x, 0, 0 }, { "last", TG_AGG_LAST, x, 0, 0 } };
    tg_table *out;
    assert_int_equal(tg_group_agg(t, keys, 1, aggs, 8, NULL, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 3);
    const tg_col *c = out->cols[1];
    /* group 1: {5, 1} -> median 3, var ((5-3)^2 + (1-3)^2) / 1 = 8; group 2: {4, 1, 3, 2} ->
    ** median 2.5, mean 2.5, var (2.25 + 2.25 + 0.25 + 0.25) / 3 = 5/3; group 3: all NULL. */
    assert_true(c->v.f64[0] == 3 && c->v.f64[1] == 2.5 && !tg_col_is_valid(c, 2));
    assert_true(fabs(out->cols[2]->v.f64[0] - sqrt(8)) < 1e-15);
    assert_true(fabs(out->cols[3]->v.f64[1] - 5.0 / 3) < 1e-15);
    assert_false(tg_col_is_valid(out->cols[2], 2));
    assert_true(out->cols[4]->v.f64[1] == 10 && !tg_col_is_valid(out->cols[4], 2));
    assert_true(out->cols[5]->v.i64[0] == 2 && out->cols[5]->v.i64[2] == 0);
    assert_true(out->cols[6]->v.i64[0] == 3 && out->cols[6]->v.i64[2] == 2);
    assert_true(out->cols[7]->v.f64[0] == 5 && out->cols[7]->v.f64[1] == 4);
    assert_true(out->cols[8]->v.f64[0] == 1 && out->cols[8]->v.f64[1] == 2);
    assert_false(tg_col_is_valid(out->cols[7], 2));
    tg_table_release(out);

    /* std of 2 4 4 4 5 5 7 9: mean 5, squared deviations sum to 32, so var = 32/7. */
    static const double sv[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
    tg_table *u = tg_table_new();
    tg_col *y = tg_col_new(TG_FLOAT, 0, NULL);
    for (size_t r = 0; r < 8; r++) assert_int_equal(tg_col_push_f64(y, sv[r]), TG_OK);
    tg_test_add(u, "y", y);
    tg_agg a2[] = { { "sd", TG_AGG_STD, y, 0, 0 },
                    { "var", TG_AGG_VAR, y, 0, 0 },
                    { "mean", TG_AGG_MEAN, y, 0, 0 },
                    { "med", TG_AGG_MEDIAN, y, 0, 0 } };
    assert_int_equal(tg_group_agg(u, NULL, 0, a2, 4, NULL, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 1);
    assert_true(fabs(out->cols[0]->v.f64[0] - sqrt(32.0 / 7)) < 1e-15);
    assert_true(fabs(out->cols[1]->v.f64[0] - 32.0 / 7) < 1e-15);
    assert_true(out->cols[2]->v.f64[0] == 5 && out->cols[3]->v.f64[0] == 4.5);
    tg_table_release(out);
    tg_table_release(u);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* Neumaier: 1e16, 1, -1e16 sums to 1 (a plain sum gives 0). */
static void test_group_sum_compensated_and_overflow(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    tg_col *g = tg_col_new(TG_INT, 0, NULL), *x = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *i = tg_col_new(TG_INT, 0, NULL);
    static const double xv[] = { 1e16, 1, -1e16, 0.1, 0.2, 0.3 };
    static const int64_t gv[] = { 1, 1, 1, 2, 2, 2 };
    static const int64_t iv[] = { INT64_MAX, -5, 6, INT64_MAX, 1, -3 };
    for (size_t r = 0; r < 6; r++) {
        assert_int_equal(tg_col_push_i64(g, gv[r]), TG_OK);
        assert_int_equal(tg_col_push_f64(x, xv[r]), TG_OK);
        assert_int_equal(tg_col_push_i64(i, iv[r]), TG_OK);
    }
    tg_test_add(t, "g", g);
    tg_test_add(t, "x", x);
    tg_test_add(t, "i", i);
    const char *keys[] = { "g" };
    tg_agg a[] = { { "s", TG_AGG_SUM, x, 0, 0 } };
    tg_table *out;
    tg_error err;
    assert_int_equal(tg_group_agg(t, keys, 1, a, 1, NULL, &out, NULL), TG_OK);
    assert_true(out->cols[1]->v.f64[0] == 1);
    assert_true(out->cols[1]->v.f64[1] == 0.6); /* 0.1 + 0.2 + 0.3 correctly rounded */
    tg_table_release(out);
    /* group 1: MAX - 5 + 6 passes MAX on its last step; group 2 overflows at once */
    tg_agg b[] = { { "s", TG_AGG_SUM, i, 0, 0 } };
    assert_int_equal(tg_group_agg(t, keys, 1, b, 1, NULL, &out, &err), TG_EDATA);
    assert_null(out);
    assert_non_null(strstr(err.msg, "overflows"));
    /* the same values in an order that stays in range are fine */
    i->v.i64[0] = -5;
    i->v.i64[1] = INT64_MAX;
    i->v.i64[3] = -3;
    i->v.i64[5] = INT64_MAX;
    i->v.i64[4] = 1;
    assert_int_equal(tg_group_agg(t, keys, 1, b, 1, NULL, &out, &err), TG_EDATA);
    i->v.i64[4] = 2; /* -3 + 2 + MAX = MAX - 1 */
    i->v.i64[2] = -6;
    assert_int_equal(tg_group_agg(t, keys, 1, b, 1, NULL, &out, &err), TG_OK);
    assert_true(out->cols[1]->v.i64[0] == INT64_MAX - 11);
    assert_true(out->cols[1]->v.i64[1] == INT64_MAX - 1);
    tg_table_release(out);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* A table of several morsels (tg_par) is grouped per morsel and merged in
** morsel order: on 1 to 4 threads every float sum and mean is the same to
** the last bit, and they agree with a long double sum to 1e-13. The
** random values mix magnitudes (1e-3 to 1e9) so that the order of
** additions would show in the last bits. */
static void test_group_same_on_any_threads(void **state) {
    size_t n = 3 * tg_par_morsel_rows() + 1000, blocks = tg_mem_blocks();
    tg_table *t = tg_table_new(), *first = NULL;
    tg_col *g = tg_col_new(TG_INT, n, NULL), *x = tg_col_new(TG_FLOAT, n, NULL);
    uint64_t s = 42;
    long double ref[37] = { 0 };
    (void)state;
    for (size_t r = 0; r < n; r++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        g->v.i64[r] = (int64_t)((s >> 33) % 37);
        x->v.f64[r] = (double)((s >> 11) % 1000003) * pow(10.0, (double)((s >> 7) % 13) - 3) *
                      ((s >> 5) & 1 ? 1 : -1);
        ref[g->v.i64[r]] += x->v.f64[r];
    }
    g->len = x->len = n;
    tg_test_add(t, "g", g);
    tg_test_add(t, "x", x);
    t->n_rows = n;
    const char *keys[] = { "g" };
    tg_agg a[] = { { "s", TG_AGG_SUM, x, 0, 0 },
                   { "m", TG_AGG_MEAN, x, 0, 0 },
                   { "n", TG_AGG_COUNT, NULL, 0, 0 },
                   { "lo", TG_AGG_MIN, x, 0, 0 },
                   { "sd", TG_AGG_STD, x, 0, 0 } };
    for (int threads = 1; threads <= 4; threads++) {
        tg_table *out;
        tg_par_set_threads(threads);
        assert_int_equal(tg_group_agg(t, keys, 1, a, 5, NULL, &out, NULL), TG_OK);
        assert_int_equal(out->n_rows, 37);
        for (size_t k = 0; k < 37; k++) {
            double want = (double)ref[out->cols[0]->v.i64[k]];
            assert_true(fabs(out->cols[1]->v.f64[k] - want) <= 1e-13 * fabs(want) + 1e-6);
        }
        if (!first) {
            first = out;
            continue;
        }
        for (size_t c = 1; c < 6; c++)
            assert_memory_equal(out->cols[c]->v.any, first->cols[c]->v.any, 37 * sizeof(double));
        tg_table_release(out);
    }
    tg_par_set_threads(0);
    tg_table_release(first);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_group_empty_tables(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    tg_col *k = tg_col_new(TG_STRING, 0, NULL), *x = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *b = tg_col_new(TG_BOOL, 0, NULL);
    tg_test_add(t, "k", k);
    tg_test_add(t, "x", x);
    tg_test_add(t, "b", b);
    tg_agg a[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 },    { "s", TG_AGG_SUM, x, 0, 0 },
                   { "m", TG_AGG_MEAN, x, 0, 0 },        { "lo", TG_AGG_MIN, x, 0, 0 },
                   { "nd", TG_AGG_N_DISTINCT, x, 0, 0 }, { "ci", TG_AGG_COUNT_IF, b, 0, 0 },
                   { "med", TG_AGG_MEDIAN, x, 0, 0 },    { "f", TG_AGG_FIRST, k, 0, 0 } };
    tg_table *out;
    /* no keys: one row, as SQL's SELECT count(*), sum(x) FROM empty */
    assert_int_equal(tg_group_agg(t, NULL, 0, a, 8, NULL, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 1);
    assert_int_equal(out->cols[0]->v.i64[0], 0);
    assert_false(tg_col_is_valid(out->cols[1], 0));
    assert_false(tg_col_is_valid(out->cols[2], 0));
    assert_false(tg_col_is_valid(out->cols[3], 0));
    assert_true(tg_col_is_valid(out->cols[4], 0) && out->cols[4]->v.i64[0] == 0);
    assert_true(tg_col_is_valid(out->cols[5], 0) && out->cols[5]->v.i64[0] == 0);
    assert_false(tg_col_is_valid(out->cols[6], 0));
    assert_false(tg_col_is_valid(out->cols[7], 0));
    assert_int_equal(out->cols[7]->type, TG_STRING);
    tg_table_release(out);
    /* with keys: no rows, but the columns and their types */
    const char *keys[] = { "k" };
    assert_int_equal(tg_group_agg(t, keys, 1, a, 8, NULL, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 0);
    assert_int_equal(out->n_cols, 9);
    assert_int_equal(out->cols[0]->type, TG_STRING);
    assert_int_equal(out->cols[1]->type, TG_INT);
    assert_int_equal(out->cols[2]->type, TG_FLOAT);
    tg_table_release(out);
    assert_int_equal(tg_distinct(t, NULL, 0, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 0);
    tg_table_release(out);
    assert_int_equal(tg_top_n(t, "x", 1, 3, keys, 1, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 0);
    assert_int_equal(out->n_cols, 3);
    tg_table_release(out);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* Float keys: -0 and 0 are one group, NaN is one group after the numbers,
** NULL last. Strings: byte order, whatever the dictionary order. */
static void test_group_float_and_string_keys(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const double fv[] = { 2, -0.0, NAN, 0, -1.5, -NAN, 2, 0 };
    static const int fnull[] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    static const char *const sv[] = { "øst", "Øst", "Ærø", "Aarhus", "Zealand", "", "æble", "Ærø" };
    tg_table *t = tg_table_new();
    tg_col *f = tg_col_new(TG_FLOAT, 0, NULL), *s = tg_col_new(TG_STRING, 0, NULL);
    for (size_t r = 0; r < 8; r++) {
        assert_int_equal(fnull[r] ? tg_col_push_null(f) : tg_col_push_f64(f, fv[r]), TG_OK);
        assert_int_equal(tg_col_push_str(s, sv[r], strlen(sv[r])), TG_OK);
    }
    tg_test_add(t, "f", f);
    tg_test_add(t, "s", s);
    tg_agg a[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 }, { "lo", TG_AGG_MIN, s, 0, 0 } };
    const char *fk[] = { "f" }, *sk[] = { "s" };
    tg_table *out;
    assert_int_equal(tg_group_agg(t, fk, 1, a, 2, NULL, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 5);
    const tg_col *k = out->cols[0], *n = out->cols[1];
    assert_true(k->v.f64[0] == -1.5 && n->v.i64[0] == 1);
    assert_true(k->v.f64[1] == 0 && n->v.i64[1] == 2);
    assert_true(k->v.f64[2] == 2 && n->v.i64[2] == 2);
    assert_true(isnan(k->v.f64[3]) && n->v.i64[3] == 2);
    assert_true(!tg_col_is_valid(k, 4) && n->v.i64[4] == 1);
    /* min(s) over {"Øst" (C3 98), "Aarhus"} for 0 (rows 1, 3): "Aarhus" by bytes */
    size_t len;
    assert_string_equal(tg_dict_str(out->cols[2]->dict, out->cols[2]->v.str[1], &len), "Aarhus");
    tg_table_release(out);
    /* byte order: "" < "Aarhus" < "Zealand" < "Ærø" (C3 86) < "Øst" (C3 98) < "æble" (C3 A6) <
    ** "øst" (C3 B8) */
    assert_int_equal(tg_group_agg(t, sk, 1, a, 1, NULL, &out, NULL), TG_OK);
    static const char *const want[] = { "", "Aarhus", "Zealand", "Ærø", "Øst", "æble", "øst" };
    assert_int_equal(out->n_rows, 7);
    for (size_t r = 0; r < 7; r++)
        assert_string_equal(tg_dict_str(out->cols[0]->dict, out->cols[0]->v.str[r], &len), want[r]);
    assert_int_equal(out->cols[1]->v.i64[3], 2);
    tg_table_release(out);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_group_errors(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = random_table(3, 50);
    tg_table *out = (tg_table *)1;
    tg_error err;
    const char *bad[] = { "k_strr" };
    tg_agg cnt = { "n", TG_AGG_COUNT, NULL, 0, 0 };
    assert_int_equal(tg_group_agg(t, bad, 1, &cnt, 1, NULL, &out, &err), TG_EARG);
    assert_null(out);
    assert_string_equal(err.msg, "no column 'k_strr'; did you mean 'k_str'?");
    const char *keys[] = { "k_int" };
    tg_agg s = { "s", TG_AGG_SUM, tg_table_col(t, "v_str"), 0, 0 };
    assert_int_equal(tg_group_agg(t, keys, 1, &s, 1, NULL, &out, &err), TG_EARG);
    assert_string_equal(err.msg, "aggregate 's': sum needs a number column, got string");
    tg_agg ci = { "c", TG_AGG_COUNT_IF, tg_table_col(t, "v_int"), 0, 0 };
    assert_int_equal(tg_group_agg(t, keys, 1, &ci, 1, NULL, &out, &err), TG_EARG);
    assert_string_equal(err.msg, "aggregate 'c': count_if needs a bool column, got int");
    tg_agg q = { "q", TG_AGG_QUANTILE, tg_table_col(t, "v_int"), 1.5, 7 };
    assert_int_equal(tg_group_agg(t, keys, 1, &q, 1, NULL, &out, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "[0, 1]"));
    q.p = NAN;
    assert_int_equal(tg_group_agg(t, keys, 1, &q, 1, NULL, &out, &err), TG_EARG);
    q.p = 0.5;
    q.method = 10;
    assert_int_equal(tg_group_agg(t, keys, 1, &q, 1, NULL, &out, &err), TG_EARG);
    tg_agg dup = { "k_int", TG_AGG_COUNT, NULL, 0, 0 };
    assert_int_equal(tg_group_agg(t, keys, 1, &dup, 1, NULL, &out, &err), TG_EARG);
    assert_string_equal(err.msg, "duplicate output column 'k_int'");
    tg_col *short_col = tg_col_new(TG_INT, 0, NULL);
    assert_int_equal(tg_col_push_i64(short_col, 1), TG_OK);
    tg_agg len = { "m", TG_AGG_MEAN, short_col, 0, 0 };
    assert_int_equal(tg_group_agg(t, keys, 1, &len, 1, NULL, &out, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "1 rows, the table 50"));
    tg_col_release(short_col);
    tg_agg unknown = { "u", 99, NULL, 0, 0 };
    assert_int_equal(tg_group_agg(t, keys, 1, &unknown, 1, NULL, &out, &err), TG_EARG);
    assert_string_equal(err.msg, "aggregate 'u': unknown function 99");
    tg_agg noarg = { "m", TG_AGG_MEAN, NULL, 0, 0 };
    assert_int_equal(tg_group_agg(t, keys, 1, &noarg, 1, NULL, &out, &err), TG_EARG);
    assert_int_equal(tg_distinct(t, bad, 1, &out, &err), TG_EARG);
    assert_int_equal(tg_top_n(t, "v_flaot", 1, 2, NULL, 0, &out, &err), TG_EARG);
    assert_string_equal(err.msg, "no column 'v_flaot'; did you mean 'v_float'?");
    assert_int_equal(tg_top_n(t, "v_float", 1, 2, bad, 1, &out, &err), TG_EARG);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- distinct and top n ---- */

static void test_group_distinct(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = random_table(11, 1500);
    sqlite3 *db = sqlref_open();
    sqlref_load(db, "t", t);
    tg_table *out;
    const char *keys[] = { "k_str", "k_bool", "k_float" };
    assert_int_equal(tg_distinct(t, keys, 3, &out, NULL), TG_OK);
    assert_int_equal(out->n_cols, t->n_cols);
    /* the first row of each key tuple, in order of first appearance */
    sqlref_match(db,
                 "SELECT * FROM t WHERE rid IN (SELECT min(rid) FROM t GROUP BY k_str, k_bool, "
                 "k_float) ORDER BY rid",
                 out, 0);
    tg_table_release(out);
    /* all columns: every row differs (rid), so the table comes back whole */
    assert_int_equal(tg_distinct(t, NULL, 0, &out, NULL), TG_OK);
    sqlref_match(db, "SELECT * FROM t ORDER BY rid", out, 0);
    tg_table_release(out);
    sqlite3_close(db);
    tg_table_release(t);

    /* duplicates over all columns, NaN equal to NaN and -0 to 0 */
    tg_table *u = tg_table_new();
    tg_col *f = tg_col_new(TG_FLOAT, 0, NULL), *s = tg_col_new(TG_STRING, 0, NULL);
    static const double fv[] = { NAN, 1, -0.0, NAN, 0, 1 };
    static const char *const sv[] = { "a", "b", "a", "a", "a", "c" };
    for (size_t r = 0; r < 6; r++) {
        assert_int_equal(tg_col_push_f64(f, fv[r]), TG_OK);
        assert_int_equal(tg_col_push_str(s, sv[r], 1), TG_OK);
    }
    tg_test_add(u, "f", f);
    tg_test_add(u, "s", s);
    assert_int_equal(tg_distinct(u, NULL, 0, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 4); /* (NaN,a) (1,b) (-0,a) (1,c) */
    assert_true(isnan(out->cols[0]->v.f64[0]));
    assert_true(out->cols[0]->v.f64[2] == 0 && signbit(out->cols[0]->v.f64[2]));
    assert_true(out->cols[0]->v.f64[3] == 1);
    tg_table_release(out);
    tg_table_release(u);
    tg_test_no_leaks(blocks);
}

/* Naive top n: sort every row by (per keys, by, row) with a comparator on
** the raw values, then keep the first n of each per group. */
static const tg_col *ref_cols[4];
static size_t ref_n;
static int ref_desc;

static int cmp_value(const tg_col *c, size_t a, size_t b) {
    int na = !tg_col_is_valid(c, a), nb = !tg_col_is_valid(c, b);
    if (na || nb) return na - nb;
    switch (c->type) {
    case TG_INT: return (c->v.i64[a] > c->v.i64[b]) - (c->v.i64[a] < c->v.i64[b]);
    case TG_DATE: return (c->v.date[a] > c->v.date[b]) - (c->v.date[a] < c->v.date[b]);
    case TG_BOOL: return c->v.b8[a] - c->v.b8[b];
    case TG_FLOAT: return (c->v.f64[a] > c->v.f64[b]) - (c->v.f64[a] < c->v.f64[b]);
    case TG_STRING: {
        size_t la, lb;
        const char *sa = tg_dict_str(c->dict, c->v.str[a], &la);
        const char *sb = tg_dict_str(c->dict, c->v.str[b], &lb);
        int d = memcmp(sa, sb, la < lb ? la : lb);
        return d ? (d > 0) - (d < 0) : (la > lb) - (la < lb);
    }
    }
    return 0;
}

static int cmp_rows(const void *pa, const void *pb) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    for (size_t k = 0; k + 1 < ref_n; k++) {
        int d = cmp_value(ref_cols[k], a, b);
        if (d) return d;
    }
    const tg_col *by = ref_cols[ref_n - 1];
    int na = !tg_col_is_valid(by, a), nb = !tg_col_is_valid(by, b);
    if (na != nb) return na - nb;
    int d = cmp_value(by, a, b);
    if (d) return ref_desc ? -d : d;
    return (a > b) - (a < b);
}

static void check_top(const tg_table *t, const char *by, int desc, size_t n, const char **per,
                      size_t n_per) {
    tg_table *out;
    assert_int_equal(tg_top_n(t, by, desc, n, per, n_per, &out, NULL), TG_OK);
    size_t *rows = malloc(t->n_rows * sizeof *rows), kept = 0, run = 0;
    for (size_t r = 0; r < t->n_rows; r++) rows[r] = r;
    for (size_t k = 0; k < n_per; k++) ref_cols[k] = tg_table_col(t, per[k]);
    ref_cols[n_per] = tg_table_col(t, by);
    ref_n = n_per + 1;
    ref_desc = desc;
    qsort(rows, t->n_rows, sizeof *rows, cmp_rows);
    const tg_col *rid = tg_table_col(out, "rid");
    for (size_t i = 0; i < t->n_rows; i++) {
        int same = i > 0;
        for (size_t k = 0; same && k < n_per; k++)
            same = cmp_value(ref_cols[k], rows[i - 1], rows[i]) == 0;
        run = same ? run + 1 : 0;
        if (run >= n) continue;
        assert_true(kept < out->n_rows);
        assert_int_equal(rid->v.i64[kept], (int64_t)rows[i] + 1);
        kept++;
    }
    assert_int_equal(kept, out->n_rows);
    free(rows);
    tg_table_release(out);
}

static void test_group_top_n(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = random_table(5, 3000);
    const char *p1[] = { "k_str" }, *p2[] = { "k_bool", "k_int" }, *p3[] = { "k_wide" };
    check_top(t, "v_float", 1, 3, p1, 1);
    check_top(t, "v_float", 0, 3, p1, 1);
    check_top(t, "v_int", 1, 1, p2, 2);
    check_top(t, "v_str", 0, 50, p3, 1);
    check_top(t, "v_date", 1, 100000, p1, 1); /* n above every group: all rows, sorted */
    check_top(t, "v_bool", 0, 7, NULL, 0);
    check_top(t, "v_int", 0, 0, p1, 1);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- allocation failures and interrupts ---- */

struct oom {
    const tg_table *t;
    int which;
};

static tg_status oom_run(void *ctx) {
    struct oom *o = ctx;
    const tg_table *t = o->t;
    tg_table *out = NULL;
    tg_status st;
    const char *keys[] = { "k_str", "k_wide" }, *k1[] = { "k_int", "k_date" };
    tg_agg aggs[32];
    size_t n = make_aggs(t, aggs);
    aggs[n++] = (tg_agg){ "med", TG_AGG_MEDIAN, tg_table_col(t, "v_float"), 0, 0 };
    switch (o->which) {
    case 0: st = tg_group_agg(t, keys, 2, aggs, n, NULL, &out, NULL); break;
    case 1: st = tg_group_agg(t, k1, 2, aggs, n, NULL, &out, NULL); break;
    case 2: st = tg_group_agg(t, NULL, 0, aggs, n, NULL, &out, NULL); break;
    case 3: st = tg_distinct(t, NULL, 0, &out, NULL); break;
    default: st = tg_top_n(t, "v_str", 1, 2, keys, 2, &out, NULL); break;
    }
    if (st != TG_OK) assert_null(out);
    tg_table_release(out);
    return st;
}

static void test_group_oom(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = random_table(9, 300);
    for (int w = 0; w < 5; w++) {
        struct oom o = { t, w };
        assert_true(tg_test_oom_loop(oom_run, &o) > 5);
    }
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_group_interrupt(void **state) {
    (void)state;
    size_t n = 60000;
    tg_table *t = tg_table_new();
    tg_col *k = tg_col_new(TG_INT, n, NULL), *x = tg_col_new(TG_FLOAT, n, NULL);
    for (size_t r = 0; r < n; r++) {
        k->v.i64[r] = (int64_t)(r * 7919 % 20000) * 1000003; /* wide: the hash path */
        x->v.f64[r] = (double)(r % 1000);
    }
    k->len = x->len = n;
    tg_test_add(t, "k", k);
    tg_test_add(t, "x", x);
    size_t blocks = tg_mem_blocks();
    const char *keys[] = { "k" };
    tg_agg aggs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 }, { "m", TG_AGG_MEAN, x, 0, 0 },
                      { "q", TG_AGG_MEDIAN, x, 0, 0 },   { "lo", TG_AGG_MIN, x, 0, 0 },
                      { "v", TG_AGG_VAR, x, 0, 0 },      { "nd", TG_AGG_N_DISTINCT, x, 0, 0 } };
    int stopped = 0;
    for (int at = 1;; at += 11) {
        tg_test_stopper s = { 0, at };
        tg_interrupt intr = { tg_test_stop_poll, &s };
        tg_table *out = (tg_table *)1;
        tg_error err;
        tg_status st = tg_group_agg(t, keys, 1, aggs, TG_ARRAY_LEN(aggs), &intr, &out, &err);
        if (st == TG_OK) {
            assert_int_equal(out->n_rows, 20000);
            tg_table_release(out);
            tg_test_no_leaks(blocks);
            break;
        }
        tg_test_no_leaks(blocks);
        assert_int_equal(st, TG_ELIMIT);
        assert_int_equal(err.code, TG_ELIMIT);
        assert_null(out);
        stopped++;
    }
    assert_true(stopped > 10); /* several phases were interrupted */
    tg_table_release(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_matches_sqlite),
        cmocka_unit_test(test_group_same_on_any_threads),
        cmocka_unit_test(test_group_key_ranges_grow),
        cmocka_unit_test(test_group_extreme_ints),
        cmocka_unit_test(test_group_quantile_by_hand),
        cmocka_unit_test(test_group_quantile_random),
        cmocka_unit_test(test_group_median_std_by_hand),
        cmocka_unit_test(test_group_sum_compensated_and_overflow),
        cmocka_unit_test(test_group_empty_tables),
        cmocka_unit_test(test_group_float_and_string_keys),
        cmocka_unit_test(test_group_errors),
        cmocka_unit_test(test_group_distinct),
        cmocka_unit_test(test_group_top_n),
        cmocka_unit_test(test_group_oom),
        cmocka_unit_test(test_group_interrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
