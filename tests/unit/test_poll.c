/*
** test_poll.c -- long C paths ask the run's poll (time limit, signals):
** typing a wide expression compiles it, which polls as tg_exec_eval does;
** write_sqlite waiting for another connection's lock polls every 10 ms
** instead of sleeping through SQLite's 5 s busy timeout.
*/
#include "tg_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tg_col.h"
#include "tg_db.h"
#include "tg_err.h"
#include "tg_exec.h"
#include "tg_expr.h"
#include "tg_mem.h"
#include "tg_table.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static tg_table *one_int(void) {
    tg_table *t = tg_table_new();
    tg_col *c = tg_col_new(TG_INT, 1, NULL);
    assert_non_null(t);
    assert_non_null(c);
    assert_int_equal(tg_col_push_i64(c, 1), TG_OK);
    tg_test_add(t, "a", c);
    return t;
}

/* a + 0 + 1 + ... as a balanced tree of 2^13 distinct leaves (depth 14). */
static tg_expr *wide(void) {
    enum { N = 1 << 13 };
    static tg_expr *level[N];
    for (int i = 0; i < N; i++) {
        tg_expr *c = tg_expr_col("a"), *k = tg_expr_int(i);
        level[i] = tg_expr_binary(TG_OP_ADD, c, k);
        tg_expr_release(c);
        tg_expr_release(k);
    }
    for (int n = N; n > 1; n /= 2)
        for (int i = 0; i < n / 2; i++) {
            tg_expr *e = tg_expr_binary(TG_OP_ADD, level[2 * i], level[2 * i + 1]);
            tg_expr_release(level[2 * i]);
            tg_expr_release(level[2 * i + 1]);
            level[i] = e;
        }
    return level[0];
}

static void test_poll_exec_type(void **state) {
    size_t blocks = tg_mem_blocks();
    tg_table *t = one_int();
    tg_expr *e = wide();
    tg_test_stopper stop = { 0, 2 };
    tg_interrupt intr = { tg_test_stop_poll, &stop };
    tg_type type = TG_BOOL;
    tg_error err;
    (void)state;

    assert_int_equal(tg_exec_type(e, t, NULL, &type, &err), TG_OK);
    assert_int_equal(type, TG_INT);
    assert_int_equal(tg_exec_type(e, t, &intr, &type, &err), TG_ELIMIT);
    assert_int_equal(stop.calls, 2); /* stopped at the second poll, not at the end */
    tg_expr_release(e);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* Another connection holds the write lock; the write waits, asking the
** poll, and ends with the poll's status as soon as it says stop (not
** after SQLite's 5 s), leaving the database as it was. */
static void test_poll_sqlite_lock_wait(void **state) {
    char path[1024];
    tg_table *t = one_int();
    tg_test_stopper stop = { 0, 20 }; /* about 200 ms of waiting */
    tg_interrupt intr = { tg_test_stop_poll, &stop };
    sqlite3 *holder;
    tg_error err;
    double t0;
    (void)state;

    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));
    const char *name = strrchr(path, '/') + 1;
    assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(holder, "CREATE TABLE x (a INTEGER); BEGIN IMMEDIATE", NULL, NULL, NULL),
        SQLITE_OK);
    path[name - path - 1] = '\0';
    int dir = open(path, O_RDONLY | O_DIRECTORY);
    path[name - path - 1] = '/';
    assert_true(dir >= 0);
    t0 = now();
    assert_int_equal(tg_db_write_at(dir, name, path, "t", t, TG_DB_CREATE, &intr, &err), TG_ELIMIT);
    assert_true(now() - t0 < 2.0);
    assert_int_equal(stop.calls, 20);
    assert_non_null(strstr(err.msg, "stopped while waiting for another program's lock"));
    close(dir);
    sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
    assert_int_equal(sqlite3_exec(holder, "SELECT * FROM t", NULL, NULL, NULL), SQLITE_ERROR);
    sqlite3_close(holder);
    tg_table_release(t);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poll_exec_type),
        cmocka_unit_test(test_poll_sqlite_lock_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
