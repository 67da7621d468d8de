/*
** test_par.c -- tg_par: every item runs exactly once on any number of
** threads, the lowest failing item's error is the one returned however the
** items interleave, the poll stops the work, nested calls run in order,
** and morsels tile the rows.
*/
#include "tg_test.h"

#include <stdatomic.h>
#include <string.h>

#include "tg_err.h"
#include "tg_par.h"

#define N_ITEMS 1000

struct count_ctx {
    atomic_int runs[N_ITEMS];
    atomic_int bad_worker;
    int workers;
};

static tg_status count_item(void *ctx, size_t i, int worker, tg_error *err) {
    struct count_ctx *c = ctx;
    (void)err;
    atomic_fetch_add(&c->runs[i], 1);
    if (worker >= c->workers) atomic_store(&c->bad_worker, worker);
    return TG_OK;
}

static void test_par_every_item_once(void **state) {
    (void)state;
    for (int threads = 1; threads <= 4; threads++) {
        static struct count_ctx c;
        memset(&c, 0, sizeof c);
        tg_par_set_threads(threads);
        c.workers = tg_par_workers(N_ITEMS);
        assert_int_equal(c.workers, threads);
        assert_int_equal(tg_par_for(N_ITEMS, count_item, &c, NULL, NULL), TG_OK);
        for (size_t i = 0; i < N_ITEMS; i++) assert_int_equal(atomic_load(&c.runs[i]), 1);
        assert_int_equal(atomic_load(&c.bad_worker), 0); /* no worker index out of range */
    }
    tg_par_set_threads(0);
}

/* Items 300 and 700 fail (700 first in time, when threads race): the
** error is always item 300's. */
static tg_status fail_item(void *ctx, size_t i, int worker, tg_error *err) {
    (void)ctx;
    (void)worker;
    if (i == 300 || i == 700) return tg_err_set(err, TG_EDATA, NULL, 0, 0, "item %zu", i);
    return TG_OK;
}

static void test_par_lowest_error_wins(void **state) {
    (void)state;
    for (int threads = 1; threads <= 4; threads++) {
        for (int round = 0; round < 20; round++) {
            tg_error err;
            tg_err_clear(&err);
            tg_par_set_threads(threads);
            assert_int_equal(tg_par_for(N_ITEMS, fail_item, NULL, NULL, &err), TG_EDATA);
            assert_string_equal(err.msg, "item 300");
        }
    }
    tg_par_set_threads(0);
}

/* A poll that says stop after 10 calls: the work stops with its status and
** the loop's message, and not every item runs. */
static atomic_int polls;
static tg_status stop_after_10(void *ud) {
    (void)ud;
    return atomic_fetch_add(&polls, 1) >= 10 ? TG_ECANCEL : TG_OK;
}

static void test_par_poll_stops(void **state) {
    static struct count_ctx c;
    tg_interrupt intr = { stop_after_10, NULL };
    tg_error err;
    int ran = 0;
    (void)state;
    memset(&c, 0, sizeof c);
    atomic_store(&polls, 0);
    tg_par_set_threads(2);
    c.workers = 2;
    assert_int_equal(tg_par_for(N_ITEMS, count_item, &c, &intr, &err), TG_ECANCEL);
    assert_string_equal(err.msg, "interrupted");
    for (size_t i = 0; i < N_ITEMS; i++) ran += atomic_load(&c.runs[i]);
    assert_true(ran >= 10 && ran < N_ITEMS);
    tg_par_set_threads(0);
}

/* An item that runs a parallel-for of its own: the inner one runs in the
** item's thread, with worker index 0, and every inner item once. */
struct nest_ctx {
    atomic_int inner[8][10];
};

static tg_status inner_item(void *ctx, size_t i, int worker, tg_error *err) {
    atomic_int *row = ctx;
    (void)err;
    if (worker != 0) return TG_EARG;
    atomic_fetch_add(&row[i], 1);
    return TG_OK;
}

static tg_status outer_item(void *ctx, size_t i, int worker, tg_error *err) {
    struct nest_ctx *c = ctx;
    (void)worker;
    return tg_par_for(10, inner_item, c->inner[i], NULL, err);
}

static void test_par_nested_runs_inline(void **state) {
    static struct nest_ctx c;
    (void)state;
    memset(&c, 0, sizeof c);
    tg_par_set_threads(4);
    assert_int_equal(tg_par_for(8, outer_item, &c, NULL, NULL), TG_OK);
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 10; k++) assert_int_equal(atomic_load(&c.inner[i][k]), 1);
    tg_par_set_threads(0);
}

static void test_par_morsels_tile(void **state) {
    size_t m = tg_par_morsel_rows(), off, len;
    (void)state;
    assert_true(m >= 64 && m % 64 == 0);
    assert_int_equal(tg_par_morsels(0), 1);
    assert_int_equal(tg_par_morsels(1), 1);
    assert_int_equal(tg_par_morsels(m), 1);
    assert_int_equal(tg_par_morsels(m + 1), 2);
    tg_par_morsel(2 * m + 5, 2, &off, &len);
    assert_int_equal(off, 2 * m);
    assert_int_equal(len, 5);
    tg_par_morsel(0, 0, &off, &len);
    assert_int_equal(off, 0);
    assert_int_equal(len, 0);
    /* one item never starts a thread, and max_threads 1 keeps worker 0 */
    assert_int_equal(tg_par_workers(1), 1);
    assert_int_equal(tg_par_workers(0), 1);
}

/* Jobs of 1 to 4 items on a pool of 4: a thread a narrow job leaves out
** may wake after that job ended or during the next one (it once read the
** ended job's NULL). */
static void test_par_varying_widths(void **state) {
    static struct count_ctx c;
    (void)state;
    tg_par_set_threads(4);
    for (int round = 0; round < 3000; round++) {
        size_t n = 1 + (size_t)round % 4;
        memset(&c, 0, sizeof c);
        c.workers = tg_par_workers(n);
        assert_int_equal(tg_par_for(n, count_item, &c, NULL, NULL), TG_OK);
        for (size_t i = 0; i < n; i++) assert_int_equal(atomic_load(&c.runs[i]), 1);
        assert_int_equal(atomic_load(&c.bad_worker), 0);
    }
    tg_par_set_threads(0);
}

static tg_status only_worker0(void *ctx, size_t i, int worker, tg_error *err) {
    (void)ctx;
    (void)i;
    (void)err;
    return worker == 0 ? TG_OK : TG_EARG;
}

static void test_par_for_n_one_thread(void **state) {
    (void)state;
    tg_par_set_threads(4);
    assert_int_equal(tg_par_for_n(100, 1, only_worker0, NULL, NULL, NULL), TG_OK);
    tg_par_set_threads(0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_par_every_item_once), cmocka_unit_test(test_par_lowest_error_wins),
        cmocka_unit_test(test_par_poll_stops),      cmocka_unit_test(test_par_nested_runs_inline),
        cmocka_unit_test(test_par_morsels_tile),    cmocka_unit_test(test_par_for_n_one_thread),
        cmocka_unit_test(test_par_varying_widths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
