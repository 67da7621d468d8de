/*
** test_fctable.c -- forecasts and backtests over the groups of a table.
** The expected values come from a second path: the test lays each group's
** series out itself (with NaN for the missing months) and calls the
** series functions of tg_forecast.h directly, or, for the bundled data,
** recomputes the seasonal-naive MASE with its own loops.
*/
#include "tg_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_csv.h"
#include "tg_date.h"
#include "tg_err.h"
#include "tg_fctable.h"
#include "tg_mem.h"

#define assert_near(a, b, tol) check_near((a), (b), (tol), #a, __FILE__, __LINE__)

static void check_near(double a, double b, double tol, const char *what, const char *file,
                       int line) {
    if (!(fabs(a - b) <= tol)) {
        print_error("%s = %.17g, expected %.17g +- %g\n", what, a, b, tol);
        _fail(file, line);
    }
}

/* ---- a small table: two tilbud, shuffled rows, gaps ---- */

#define NA 30 /* group "A": months 0..29 of 2019-01.., no row for month 4 */
#define NB 26 /* group "B": months 2..27, value NULL in month 9 */

static double value_at(int group, int p) {
    double season = (p % 12 == 6) ? -5 : (p % 12 == 11) ? 2 : 0;
    return (group ? 60 : 80) + 0.2 * p + season + 0.3 * (double)((p * 7) % 5);
}

/* The series the test expects for a group, months first..last. */
static size_t expected_series(int group, double *y) {
    size_t n = group ? NB : NA;
    for (size_t i = 0; i < n; i++) {
        int p = (int)i + (group ? 2 : 0);
        y[i] = value_at(group, p);
    }
    if (group) y[9 - 2] = NAN;
    else y[4] = NAN;
    return n;
}

/* Columns tilbud_id (string), maaned (time_type) and belaegning (float). */
static tg_table *make_table(tg_type time_type) {
    int rows[NA + NB][2], n = 0;
    for (int p = 0; p < 30; p++)
        if (p != 4) rows[n][0] = 0, rows[n++][1] = p;
    for (int p = 2; p < 28; p++) rows[n][0] = 1, rows[n++][1] = p;
    tg_col *id = tg_col_new(TG_STRING, 64, NULL), *tm = tg_col_new(time_type, 64, NULL);
    tg_col *v = tg_col_new(TG_FLOAT, 64, NULL);
    assert_true(id && tm && v);
    for (int k = 0; k < n; k++) {
        int r = (k * 17) % n; /* 17 is prime to n = 55: a permutation */
        int g = rows[r][0], p = rows[r][1], y = 2019 + p / 12, m = p % 12 + 1;
        char buf[16];
        assert_int_equal(tg_col_push_str(id, g ? "B" : "A", 1), TG_OK);
        if (time_type == TG_STRING) {
            snprintf(buf, sizeof buf, "%04d-%02d", y, m);
            assert_int_equal(tg_col_push_str(tm, buf, 7), TG_OK);
        } else if (time_type == TG_DATE) {
            assert_int_equal(tg_col_push_date(tm, tg_date_from_ymd(y, m, 15)), TG_OK);
        } else {
            assert_int_equal(tg_col_push_i64(tm, 100 + p), TG_OK);
        }
        if (g == 1 && p == 9) assert_int_equal(tg_col_push_null(v), TG_OK);
        else assert_int_equal(tg_col_push_f64(v, value_at(g, p)), TG_OK);
    }
    tg_table *t = tg_table_new();
    assert_non_null(t);
    tg_test_add(t, "tilbud_id", id);
    tg_test_add(t, "maaned", tm);
    tg_test_add(t, "belaegning", v);
    return t;
}

static const char *const BY[] = { "tilbud_id" };

static tg_fctable_opts small_opts(void) {
    tg_fctable_opts o;
    tg_fctable_opts_init(&o);
    o.by = BY;
    o.n_by = 1;
    o.time = "maaned";
    o.value = "belaegning";
    o.horizon = 8;
    o.min_train = 24;
    o.spec.damped = 1;
    return o;
}

static const tg_col *col(const tg_table *t, const char *name) {
    const tg_col *c = tg_table_col(t, name);
    if (!c) fail_msg("no column %s", name);
    return c;
}

static const char *str_at(const tg_col *c, size_t i) {
    return tg_dict_str(c->dict, c->v.str[i], NULL);
}

static void check_small(tg_type time_type) {
    size_t blocks = tg_mem_blocks();
    tg_table *t = make_table(time_type), *fc, *pa;
    tg_fctable_opts o = small_opts();
    tg_error err;
    if (tg_fctable_holt_winters(t, &o, NULL, &fc, &pa, &err) != TG_OK) fail_msg("%s", err.msg);
    assert_int_equal(fc->n_rows, 16);
    assert_int_equal(pa->n_rows, 2);
    assert_int_equal(fc->n_cols, 8);
    assert_string_equal(fc->names[1], "maaned");
    assert_string_equal(fc->names[4], "lo80");
    assert_string_equal(fc->names[7], "hi95");
    assert_int_equal(col(fc, "maaned")->type, time_type);
    for (int g = 0; g < 2; g++) {
        double y[NA], point[8], sd[8];
        size_t n = expected_series(g, y);
        tg_fc_model m;
        assert_int_equal(tg_fc_fit(&o.spec, y, n, &m, NULL), TG_OK);
        tg_fc_forecast(&m, 8, point, sd);
        assert_string_equal(str_at(col(pa, "tilbud_id"), (size_t)g), g ? "B" : "A");
        assert_int_equal(col(pa, "n_obs")->v.i64[g], g ? NB - 1 : NA - 1);
        assert_near(col(pa, "alpha")->v.f64[g], m.alpha, 0);
        assert_near(col(pa, "phi")->v.f64[g], m.phi, 0);
        assert_near(col(pa, "sigma")->v.f64[g], m.sigma, 0);
        for (size_t j = 0; j < 8; j++) {
            size_t r = (size_t)g * 8 + j;
            int p = (g ? 28 : 30) + (int)j; /* the month after the last, on */
            assert_string_equal(str_at(col(fc, "tilbud_id"), r), g ? "B" : "A");
            assert_int_equal(col(fc, "h")->v.i64[r], (int64_t)j + 1);
            assert_near(col(fc, "point")->v.f64[r], point[j], 1e-12);
            assert_near(col(fc, "lo95")->v.f64[r], point[j] - 1.959963984540054 * sd[j], 1e-9);
            assert_near(col(fc, "hi80")->v.f64[r], point[j] + 1.2815515655446004 * sd[j], 1e-9);
            const tg_col *tm = col(fc, "maaned");
            if (time_type == TG_STRING) {
                char want[16];
                snprintf(want, sizeof want, "%04d-%02d", 2019 + p / 12, p % 12 + 1);
                assert_string_equal(str_at(tm, r), want);
            } else if (time_type == TG_DATE) {
                assert_int_equal(tm->v.date[r], tg_date_from_ymd(2019 + p / 12, p % 12 + 1, 1));
            } else {
                assert_int_equal(tm->v.i64[r], 100 + p);
            }
        }
    }
    tg_table_release(fc);
    tg_table_release(pa);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_fctable_forecast_strings(void **state) {
    (void)state;
    check_small(TG_STRING);
}

static void test_fctable_forecast_dates_and_ints(void **state) {
    (void)state;
    check_small(TG_DATE);
    check_small(TG_INT);
}

static void test_fctable_params_nulls_and_levels(void **state) {
    (void)state;
    static const double levels[] = { 50, 99.5 };
    tg_table *t = make_table(TG_STRING), *fc, *pa;
    tg_fctable_opts o = small_opts();
    o.spec.trend = o.spec.damped = 0;
    o.levels = levels;
    o.n_levels = 2;
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &fc, &pa, NULL), TG_OK);
    assert_false(tg_col_is_valid(col(pa, "beta"), 0));
    assert_false(tg_col_is_valid(col(pa, "phi"), 1));
    assert_true(tg_col_is_valid(col(pa, "gamma"), 1));
    const tg_col *lo = col(fc, "lo50"), *hi = col(fc, "hi99.5"), *pt = col(fc, "point");
    for (size_t r = 0; r < fc->n_rows; r++)
        assert_true(lo->v.f64[r] < pt->v.f64[r] && pt->v.f64[r] < hi->v.f64[r]);
    tg_table_release(fc);
    tg_table_release(pa);
    /* No by columns: one series over all rows would repeat months. */
    o.n_by = 0;
    tg_error err;
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &fc, &pa, &err), TG_EDATA);
    assert_non_null(strstr(err.msg, "the series: 'maaned' has two rows for one period"));
    tg_table_release(t);
}

static void test_fctable_errors(void **state) {
    (void)state;
    tg_table *t = make_table(TG_STRING), *a, *b;
    tg_fctable_opts o = small_opts();
    tg_error err;
    o.value = "belaegnig";
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &a, &b, &err), TG_EARG);
    assert_null(a);
    assert_null(b);
    assert_non_null(strstr(err.msg, "did you mean 'belaegning'"));
    o = small_opts();
    o.value = "tilbud_id";
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &a, &b, &err), TG_EARG);
    assert_string_equal(err.msg, "value column 'tilbud_id' must be numeric, not string");
    o = small_opts();
    o.time = "belaegning";
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &a, &b, &err), TG_EARG);
    o = small_opts();
    o.horizon = 0;
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &a, &b, &err), TG_EARG);
    /* A group too short for the model is named. */
    o = small_opts();
    o.spec.period = 14;
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &a, &b, &err), TG_EDATA);
    assert_string_equal(err.msg, "group 'B': 26 periods are too few: this model needs at least 28");
    /* Backtest: min_train + horizon longer than group B. */
    o = small_opts();
    o.min_train = 24;
    o.horizon = 3;
    assert_int_equal(tg_fctable_backtest(t, &o, NULL, &a, &b, &err), TG_EDATA);
    assert_non_null(strstr(err.msg, "group 'B': 26 periods are too few for a backtest"));
    o.min_train = 10;
    assert_int_equal(tg_fctable_backtest(t, &o, NULL, &a, &b, &err), TG_EARG);
    tg_table_release(t);

    /* Bad months and a NULL time. */
    tg_col *tm = tg_col_new(TG_STRING, 4, NULL), *v = tg_col_new(TG_FLOAT, 4, NULL);
    assert_int_equal(tg_col_push_str(tm, "2019-01", 7), TG_OK);
    assert_int_equal(tg_col_push_str(tm, "2019-13", 7), TG_OK);
    assert_int_equal(tg_col_push_f64(v, 1), TG_OK);
    assert_int_equal(tg_col_push_f64(v, 2), TG_OK);
    t = tg_table_new();
    tg_test_add(t, "maaned", tm);
    tg_test_add(t, "belaegning", v);
    o = small_opts();
    o.n_by = 0;
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &a, &b, &err), TG_EDATA);
    assert_string_equal(err.msg, "expected a month 'YYYY-MM' in 'maaned', got '2019-13' (row 2)");
    assert_int_equal(tg_col_set_null(tm, 1), TG_OK);
    assert_int_equal(tg_fctable_holt_winters(t, &o, NULL, &a, &b, &err), TG_EDATA);
    assert_string_equal(err.msg, "'maaned' is NULL in row 2");
    tg_table_release(t);
}

static void test_fctable_backtest_matches_series(void **state) {
    (void)state;
    tg_table *t = make_table(TG_STRING), *ov, *ph;
    tg_fctable_opts o = small_opts();
    o.min_train = 24;
    o.horizon = 2;
    o.spec.damped = 0;
    o.spec.period = 6;
    o.refit = 0;
    assert_int_equal(tg_fctable_backtest(t, &o, NULL, &ov, &ph, NULL), TG_OK);
    assert_int_equal(ov->n_rows, 4);
    assert_int_equal(ph->n_rows, 8);
    for (int g = 0; g < 2; g++) {
        double y[NA];
        tg_fc_score hw[3], sn[3];
        size_t n = expected_series(g, y), n_orig;
        assert_int_equal(tg_fc_backtest(&o.spec, y, n, 2, 24, 0, hw, sn, &n_orig, NULL), TG_OK);
        for (int k = 0; k < 2; k++) {
            const tg_fc_score *s = k ? sn : hw;
            size_t r = (size_t)(2 * g + k);
            assert_string_equal(str_at(col(ov, "method"), r), k ? "snaive" : "hw");
            assert_int_equal(col(ov, "origins")->v.i64[r], (int64_t)n_orig);
            assert_int_equal(col(ov, "n")->v.i64[r], (int64_t)s[0].n);
            assert_near(col(ov, "mase")->v.f64[r], s[0].mase, 0);
            assert_near(col(ov, "mape")->v.f64[r], s[0].mape, 0);
            for (size_t j = 1; j <= 2; j++) {
                size_t q = (size_t)(2 * g + k) * 2 + j - 1;
                assert_int_equal(col(ph, "h")->v.i64[q], (int64_t)j);
                assert_near(col(ph, "mae")->v.f64[q], s[j].mae, 0);
            }
        }
    }
    tg_table_release(ov);
    tg_table_release(ph);
    tg_table_release(t);
}

/* ---- allocation failures and interrupts ---- */

static tg_status oom_forecast(void *ctx) {
    tg_table *fc, *pa;
    tg_fctable_opts o = small_opts();
    tg_status st = tg_fctable_holt_winters(ctx, &o, NULL, &fc, &pa, NULL);
    if (st == TG_OK) {
        tg_table_release(fc);
        tg_table_release(pa);
    }
    return st;
}

static tg_status oom_backtest(void *ctx) {
    tg_table *ov, *ph;
    tg_fctable_opts o = small_opts();
    o.horizon = 2;
    tg_status st = tg_fctable_backtest(ctx, &o, NULL, &ov, &ph, NULL);
    if (st == TG_OK) {
        tg_table_release(ov);
        tg_table_release(ph);
    }
    return st;
}

static void test_fctable_oom(void **state) {
    (void)state;
    tg_table *t = make_table(TG_STRING);
    assert_true(tg_test_oom_loop(oom_forecast, t) > 10);
    assert_true(tg_test_oom_loop(oom_backtest, t) > 10);
    tg_table_release(t);
}

static void test_fctable_interrupt(void **state) {
    (void)state;
    tg_table *t = make_table(TG_STRING), *a, *b;
    tg_fctable_opts o = small_opts();
    size_t blocks = tg_mem_blocks();
    for (int stop = 1; stop <= 2; stop++) {
        tg_test_stopper s = { 0, stop };
        tg_interrupt intr = { tg_test_stop_poll, &s };
        assert_int_equal(tg_fctable_holt_winters(t, &o, &intr, &a, &b, NULL), TG_ELIMIT);
        s.calls = 0;
        o.horizon = 2;
        assert_int_equal(tg_fctable_backtest(t, &o, &intr, &a, &b, NULL), TG_ELIMIT);
        o.horizon = 8;
    }
    tg_test_no_leaks(blocks);
    tg_table_release(t);
}

/* ---- the bundled monthly occupancy ---- */

static const char *const TILBUD[] = { "DSV-01", "DSV-07", "RSJ-09", "DSV-19" };

/* The rows of belaegning_maaned.csv for the tilbud above. */
static tg_table *load_bundled(void) {
    char path[1024];
    const char *src = getenv("TG_SOURCE_DIR");
    tg_table *all, *some;
    tg_error err;
    size_t *idx, n = 0;
    snprintf(path, sizeof path, "%s/datasets/belaegning_maaned.csv", src ? src : ".");
    if (tg_csv_read(path, NULL, &all, NULL, &err) != TG_OK) fail_msg("%s", err.msg);
    const tg_col *id = col(all, "tilbud_id");
    idx = malloc(all->n_rows * sizeof *idx);
    assert_non_null(idx);
    for (size_t i = 0; i < all->n_rows; i++)
        for (size_t k = 0; k < 4; k++)
            if (strcmp(str_at(id, i), TILBUD[k]) == 0) idx[n++] = i;
    some = tg_table_take(all, idx, n);
    assert_non_null(some);
    free(idx);
    tg_table_release(all);
    return some;
}

/* Months since year 0 of a 'YYYY-MM' string (the test's own parse). */
static int month_of(const char *s) {
    return atoi(s) * 12 + atoi(s + 5) - 1;
}

static void test_fctable_bundled_data(void **state) {
    (void)state;
    static const char *const by[] = { "tilbud_id" };
    tg_table *t = load_bundled(), *fc, *pa, *ov, *ph;
    tg_fctable_opts o;
    tg_error err;
    tg_fctable_opts_init(&o);
    o.by = by;
    o.n_by = 1;
    o.time = "maaned";
    o.value = "belaegningsprocent";
    o.horizon = 24;
    o.spec.damped = 1;
    if (tg_fctable_holt_winters(t, &o, NULL, &fc, &pa, &err) != TG_OK) fail_msg("%s", err.msg);
    o.horizon = 12;
    o.spec.damped = 0;
    if (tg_fctable_backtest(t, &o, NULL, &ov, &ph, &err) != TG_OK) fail_msg("%s", err.msg);
    assert_int_equal(pa->n_rows, 4);
    assert_int_equal(fc->n_rows, 4 * 24);
    assert_int_equal(ov->n_rows, 8);

    /* The test's own series per tilbud (groups come in sorted order). */
    const tg_col *id = col(t, "tilbud_id"), *mo = col(t, "maaned");
    const tg_col *v = col(t, "belaegningsprocent");
    for (size_t g = 0; g < 4; g++) {
        const char *name = str_at(col(pa, "tilbud_id"), g);
        double y[120];
        int first = 1 << 30, last = -1;
        size_t n_obs = 0;
        for (size_t i = 0; i < t->n_rows; i++)
            if (strcmp(str_at(id, i), name) == 0) {
                int p = month_of(str_at(mo, i));
                first = p < first ? p : first;
                last = p > last ? p : last;
            }
        size_t n = (size_t)(last - first + 1);
        for (size_t k = 0; k < n; k++) y[k] = NAN;
        for (size_t i = 0; i < t->n_rows; i++)
            if (strcmp(str_at(id, i), name) == 0 && tg_col_is_valid(v, i)) {
                y[month_of(str_at(mo, i)) - first] = v->v.f64[i];
                n_obs++;
            }
        assert_int_equal(col(pa, "n_obs")->v.i64[g], (int64_t)n_obs);

        /* Forecasts: finite, nested intervals widening with h, months
        ** continuing from the tilbud's last report. */
        for (size_t j = 0; j < 24; j++) {
            size_t r = g * 24 + j;
            double lo95 = col(fc, "lo95")->v.f64[r], lo80 = col(fc, "lo80")->v.f64[r];
            double pt = col(fc, "point")->v.f64[r], hi80 = col(fc, "hi80")->v.f64[r];
            double hi95 = col(fc, "hi95")->v.f64[r];
            assert_true(isfinite(lo95) && isfinite(hi95) && isfinite(pt));
            assert_true(lo95 < lo80 && lo80 < pt && pt < hi80 && hi80 < hi95);
            if (j > 0)
                assert_true(hi95 - lo95 >=
                            col(fc, "hi95")->v.f64[r - 1] - col(fc, "lo95")->v.f64[r - 1] - 1e-12);
            assert_int_equal(month_of(str_at(col(fc, "maaned"), r)), last + 1 + (int)j);
        }

        /* The seasonal-naive MASE, a second way: every origin, every
        ** horizon, the same-month value of the latest year present. */
        double sum = 0;
        size_t cnt = 0;
        for (size_t org = 36; org + 12 <= n; org++) {
            double scale = 0;
            size_t k = 0;
            for (size_t s = 12; s < org; s++)
                if (!isnan(y[s]) && !isnan(y[s - 12])) {
                    scale += fabs(y[s] - y[s - 12]);
                    k++;
                }
            scale /= (double)k;
            for (size_t h = 1; h <= 12; h++) {
                double a = y[org + h - 1], f = NAN;
                for (size_t s = org + h - 1; s >= 12 && isnan(f);) {
                    s -= 12;
                    if (s < org) f = y[s];
                }
                if (isnan(a) || isnan(f)) continue;
                sum += fabs(a - f) / scale;
                cnt++;
            }
        }
        assert_string_equal(str_at(col(ov, "method"), 2 * g + 1), "snaive");
        assert_int_equal(col(ov, "n")->v.i64[2 * g + 1], (int64_t)cnt);
        assert_near(col(ov, "mase")->v.f64[2 * g + 1], sum / (double)cnt, 1e-9);
        assert_int_equal(col(ov, "origins")->v.i64[2 * g], (int64_t)(n - 12 - 36 + 1));
        assert_true(isfinite(col(ov, "mase")->v.f64[2 * g]));
        assert_true(isfinite(col(ov, "mape")->v.f64[2 * g]));
    }
    tg_table_release(fc);
    tg_table_release(pa);
    tg_table_release(ov);
    tg_table_release(ph);
    tg_table_release(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fctable_forecast_strings),
        cmocka_unit_test(test_fctable_forecast_dates_and_ints),
        cmocka_unit_test(test_fctable_params_nulls_and_levels),
        cmocka_unit_test(test_fctable_errors),
        cmocka_unit_test(test_fctable_backtest_matches_series),
        cmocka_unit_test_teardown(test_fctable_oom, tg_test_disarm),
        cmocka_unit_test(test_fctable_interrupt),
        cmocka_unit_test(test_fctable_bundled_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
