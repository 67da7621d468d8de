/*
** test_parquet.c -- the Parquet writer's dictionary of numbers (tg_pqdict)
** and its allocations: every failure point of a write, one file or a
** partitioned data set, frees what it took and leaves the target as it
** was; a retried write gives the same bytes. What the files hold is
** checked by DuckDB and hyparquet in tests/parquet (ctest parquet).
*/
#include "tg_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include "tg_date.h"
#include "tg_mem.h"
#include "tg_parquet.h"
#include "tg_pqdict.h"

static uint64_t bits(double x) {
    uint64_t v;
    memcpy(&v, &x, 8);
    return v;
}

/* Indices in order of first appearance; -0.0 and 0.0, and two NaNs of
** different payloads, are different values. */
static void test_pqdict_bit_patterns(void **state) {
    size_t blocks = tg_mem_blocks();
    tg_pqdict d = { 0 };
    uint64_t nan2 = bits(NAN) | 1; /* a NaN with another payload */
    (void)state;
    assert_int_equal(tg_pqdict_reserve(&d, 10), TG_OK);
    assert_int_equal(tg_pqdict_add(&d, bits(0.0)), 0);
    assert_int_equal(tg_pqdict_add(&d, bits(-0.0)), 1);
    assert_int_equal(tg_pqdict_add(&d, bits(NAN)), 2);
    assert_int_equal(tg_pqdict_add(&d, nan2), 3);
    assert_int_equal(tg_pqdict_add(&d, bits(0.0)), 0);
    assert_int_equal(tg_pqdict_add(&d, bits(INFINITY)), 4);
    assert_int_equal(tg_pqdict_add(&d, bits(-INFINITY)), 5);
    assert_int_equal(tg_pqdict_add(&d, nan2), 3);
    assert_int_equal(d.n, 6);
    assert_int_equal(tg_pqdict_index(&d, bits(-0.0)), 1);
    assert_int_equal(tg_pqdict_index(&d, bits(-INFINITY)), 5);
    assert_true(d.values[3] == nan2 && d.values[1] == bits(-0.0));
    tg_pqdict_release(&d);
    tg_test_no_leaks(blocks);
}

/* A full dictionary refuses a new value and is unchanged; known values
** still have their indices. Cleared, it starts again from index 0, and
** values of the last chunk are gone (no stale slot answers). */
static void test_pqdict_full_and_reuse(void **state) {
    size_t blocks = tg_mem_blocks();
    tg_pqdict d = { 0 };
    (void)state;
    assert_int_equal(tg_pqdict_reserve(&d, 3), TG_OK);
    for (uint64_t v = 0; v < 3; v++) assert_int_equal(tg_pqdict_add(&d, v * 1000), v);
    assert_int_equal(tg_pqdict_add(&d, 7), TG_PQDICT_FULL);
    assert_int_equal(d.n, 3);
    assert_int_equal(tg_pqdict_add(&d, 2000), 2);
    /* the next chunk: int64 extremes and a date before 1970, as their bits */
    assert_int_equal(tg_pqdict_reserve(&d, 2), TG_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(tg_pqdict_add(&d, (uint64_t)INT64_MIN), 0);
    assert_int_equal(tg_pqdict_add(&d, 1000), 1); /* not its old index 1 */
    assert_int_equal(tg_pqdict_add(&d, (uint64_t)INT64_MAX), TG_PQDICT_FULL);
    /* grown: 5,000 values in a table made for 3, consecutive ids */
    assert_int_equal(tg_pqdict_reserve(&d, 5000), TG_OK);
    for (uint64_t v = 0; v < 5000; v++) assert_int_equal(tg_pqdict_add(&d, 100001 + v), v);
    for (uint64_t v = 0; v < 5000; v += 7) assert_int_equal(tg_pqdict_index(&d, 100001 + v), v);
    assert_int_equal(tg_pqdict_add(&d, 1), TG_PQDICT_FULL);
    tg_pqdict_release(&d);
    tg_test_no_leaks(blocks);
}

/* 3,000 rows in row groups of 1,000: a low-cardinality int (dictionary),
** distinct ints (PLAIN), floats with the special values, dates before
** 1970, strings, bools, each with NULLs, and an all-NULL float. */
static tg_table *mixed_table(void) {
    tg_table *t = tg_table_new();
    tg_col *few = tg_col_new(TG_INT, 0, NULL), *many = tg_col_new(TG_INT, 0, NULL);
    tg_col *x = tg_col_new(TG_FLOAT, 0, NULL), *d = tg_col_new(TG_DATE, 0, NULL);
    tg_col *s = tg_col_new(TG_STRING, 0, NULL), *b = tg_col_new(TG_BOOL, 0, NULL);
    tg_col *none = tg_col_new(TG_FLOAT, 0, NULL);
    static const double special[] = { -0.0, 0.0, NAN, INFINITY, -INFINITY, 2.5 };
    for (int i = 0; i < 3000; i++) {
        const char *w = tg_test_words[i % 11];
        assert_int_equal(i % 17 ? tg_col_push_i64(few, 1000 + i % 40) : tg_col_push_null(few),
                         TG_OK);
        assert_int_equal(tg_col_push_i64(many, i % 2 ? INT64_MIN + i : INT64_MAX - i), TG_OK);
        assert_int_equal(i % 13 ? tg_col_push_f64(x, special[i % 6]) : tg_col_push_null(x), TG_OK);
        assert_int_equal(tg_col_push_date(d, tg_date_from_ymd(1960 + i % 20, 1, 1)), TG_OK);
        assert_int_equal(i % 5 ? tg_col_push_str(s, w, strlen(w)) : tg_col_push_null(s), TG_OK);
        assert_int_equal(i % 7 ? tg_col_push_bool(b, i % 2) : tg_col_push_null(b), TG_OK);
        assert_int_equal(tg_col_push_null(none), TG_OK);
    }
    tg_test_add(t, "few", few);
    tg_test_add(t, "many", many);
    tg_test_add(t, "x", x);
    tg_test_add(t, "d", d);
    tg_test_add(t, "s", s);
    tg_test_add(t, "b", b);
    tg_test_add(t, "none", none);
    t->n_rows = 3000;
    return t;
}

typedef struct write_ctx {
    const tg_table *t;
    tg_pq_opts opts;
    const char *dir; /* partitioned: the folder the data set goes in */
    tg_sbuf want;    /* the bytes of a write without failures */
} write_ctx;

static tg_status write_mem(void *ud) {
    write_ctx *c = ud;
    tg_sbuf got = { 0 };
    tg_out *o;
    tg_status st = tg_out_open_mem(&got, "<mem>", &o, NULL);
    if (st == TG_OK) st = tg_pq_write_take(o, c->t, &c->opts, NULL);
    if (st == TG_OK && c->want.len) { /* a retried write: the same bytes */
        assert_int_equal(got.len, c->want.len);
        assert_memory_equal(got.p, c->want.p, got.len);
    }
    tg_free(got.p);
    return st;
}

/* Every allocation of a one-file write may fail: TG_ENOMEM, nothing left. */
static void test_parquet_write_oom(void **state) {
    size_t blocks = tg_mem_blocks();
    write_ctx c = { mixed_table(), { 0 }, NULL, { 0 } };
    tg_out *o;
    (void)state;
    tg_pq_opts_init(&c.opts);
    c.opts.row_group_rows = 1000;
    assert_int_equal(tg_out_open_mem(&c.want, "<mem>", &o, NULL), TG_OK);
    assert_int_equal(tg_pq_write_take(o, c.t, &c.opts, NULL), TG_OK);
    assert_true(c.want.len > 8 && memcmp(c.want.p, "PAR1", 4) == 0 &&
                memcmp(c.want.p + c.want.len - 4, "PAR1", 4) == 0);
    assert_true(tg_test_oom_loop(write_mem, &c) > 10);
    tg_free(c.want.p);
    tg_table_release((tg_table *)c.t);
    tg_test_no_leaks(blocks);
}

static tg_status write_parts(void *ud) {
    write_ctx *c = ud;
    static const char *const keys[] = { "b" };
    char path[1100];
    int dir = open(c->dir, O_RDONLY | O_DIRECTORY);
    tg_error err;
    tg_status st;
    assert_true(dir >= 0);
    snprintf(path, sizeof path, "%s/ds", c->dir);
    st = tg_pq_write_parts(dir, "ds", path, c->t, keys, 1, &c->opts, &err);
    close(dir);
    return st;
}

/* A partitioned write (three partitions: true, false, NULL) sharing one
** writer's buffers: every failure point frees all, and afterwards the
** folder holds just the data set (no temporary folder left behind). */
static void test_parquet_parts_oom(void **state) {
    size_t blocks = tg_mem_blocks();
    static char dir[1024];
    write_ctx c = { mixed_table(), { 0 }, dir, { 0 } };
    char path[1100];
    struct stat sb;
    (void)state;
    snprintf(dir, sizeof dir, "%s", tg_test_tmpfile(".d"));
    assert_int_equal(mkdir(dir, 0755), 0);
    tg_pq_opts_init(&c.opts);
    c.opts.row_group_rows = 1000;
    assert_true(tg_test_oom_loop(write_parts, &c) > 10);
    assert_int_equal(tg_test_count_entries(dir), 1);
    assert_int_equal(tg_test_count_entries(strcat(strcpy(path, dir), "/ds")), 3);
    snprintf(path, sizeof path, "%s/ds/b=__HIVE_DEFAULT_PARTITION__/part-0.parquet", dir);
    assert_int_equal(stat(path, &sb), 0);
    tg_table_release((tg_table *)c.t);
    tg_test_no_leaks(blocks);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pqdict_bit_patterns),
        cmocka_unit_test(test_pqdict_full_and_reuse),
        cmocka_unit_test_teardown(test_parquet_write_oom, tg_test_disarm),
        cmocka_unit_test_teardown(test_parquet_parts_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
