/*
** test_window.c -- window functions. A small occupancy table is worked out
** by hand; randomised seeded tables with NULLs and ties are checked against
** SQLite's window functions (LAG, LEAD, SUM() OVER ROWS UNBOUNDED PRECEDING,
** AVG() and COUNT() OVER ROWS BETWEEN k-1 PRECEDING, ROW_NUMBER, RANK,
** DENSE_RANK), with rowid as the last ORDER BY term so SQLite breaks ties
** in input order as tegn's stable sort does. Also errors, int overflow,
** allocation failures and interrupts, and every function on 2-4 threads
** against its one-thread result, bit for bit (ctest runs this file at
** several morsel sizes).
*/
#include "tg_test.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_par.h"
#include "tg_sort.h"
#include "tg_window.h"

static uint64_t seed;

static uint64_t rnd(void) {
    uint64_t z = (seed += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void add_col(tg_table *t, const char *name, tg_col *c) {
    assert_int_equal(tg_table_add(t, name, c), TG_OK);
    tg_col_release(c);
}

static tg_col *one_int(int64_t v) {
    tg_col *c = tg_col_new(TG_INT, 1, NULL);
    assert_int_equal(tg_col_push_i64(c, v), TG_OK);
    return c;
}

static tg_col *one_str(const char *s) {
    tg_col *c = tg_col_new(TG_STRING, 1, NULL);
    assert_int_equal(tg_col_push_str(c, s, strlen(s)), TG_OK);
    return c;
}

/* NULL_I marks a NULL in the expected int arrays below. */
#define NULL_I INT64_MIN

static void assert_ints(const tg_col *c, const int64_t *want, size_t n) {
    assert_int_equal(c->type, TG_INT);
    assert_int_equal(c->len, n);
    for (size_t i = 0; i < n; i++) {
        if (want[i] == NULL_I) {
            if (tg_col_is_valid(c, i))
                fail_msg("row %zu: got %ld, want NULL", i, (long)c->v.i64[i]);
        } else if (!tg_col_is_valid(c, i) || c->v.i64[i] != want[i]) {
            fail_msg("row %zu: got %s%ld, want %ld", i, tg_col_is_valid(c, i) ? "" : "NULL ",
                     (long)c->v.i64[i], (long)want[i]);
        }
    }
}

/* ---- a hand-worked table ----
** row tilbud maaned  dage
**  0  B      2023-02  20
**  1  A      2023-01  31
**  2  B      2023-01  NULL
**  3  A      2023-03  10
**  4  A      2023-02  28
**  5  B      2023-03  5
**  6  A      2023-02  1     (ties with row 4 on maaned; input order after it)
** In order, A: rows 1 (31), 4 (28), 6 (1), 3 (10); B: rows 2 (NULL), 0 (20), 5 (5). */
static tg_table *occupancy(void) {
    const char *tilbud[] = { "B", "A", "B", "A", "A", "B", "A" };
    const int32_t maaned[] = { 19389, 19358, 19358, 19417, 19389, 19417, 19389 };
    const int64_t dage[] = { 20, 31, 0, 10, 28, 5, 1 };
    tg_col *a = tg_col_new(TG_STRING, 0, NULL), *m = tg_col_new(TG_DATE, 0, NULL);
    tg_col *d = tg_col_new(TG_INT, 0, NULL);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(tg_col_push_str(a, tilbud[i], 1), TG_OK);
        assert_int_equal(tg_col_push_date(m, maaned[i]), TG_OK);
        assert_int_equal(i == 2 ? tg_col_push_null(d) : tg_col_push_i64(d, dage[i]), TG_OK);
    }
    tg_table *t = tg_table_new();
    add_col(t, "tilbud", a);
    add_col(t, "maaned", m);
    add_col(t, "dage", d);
    return t;
}

static const char *by_tilbud[] = { "tilbud" };
static const char *by_maaned[] = { "maaned" };

static tg_col *run(const tg_table *t, tg_window_fn fn, const char *col, long k) {
    tg_window_spec w = {
        .fn = fn, .col = col, .k = k, .by = by_tilbud, .n_by = 1, .order = by_maaned, .n_order = 1
    };
    tg_col *out = NULL;
    tg_error err;
    if (tg_window(t, &w, NULL, &out, &err) != TG_OK) fail_msg("%s", err.msg);
    return out;
}

static void test_window_hand_worked(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = occupancy();
    tg_col *c;

    c = run(t, TG_WIN_ROW_NUMBER, NULL, 0);
    assert_ints(c, (const int64_t[]){ 2, 1, 1, 4, 2, 3, 3 }, 7);
    tg_col_release(c);
    c = run(t, TG_WIN_RANK, NULL, 0); /* rows 4 and 6 tie on maaned */
    assert_ints(c, (const int64_t[]){ 2, 1, 1, 4, 2, 3, 2 }, 7);
    tg_col_release(c);
    c = run(t, TG_WIN_DENSE_RANK, NULL, 0);
    assert_ints(c, (const int64_t[]){ 2, 1, 1, 3, 2, 3, 2 }, 7);
    tg_col_release(c);

    /* lag 1: A 31 28 1 10 -> NULL 31 28 1; B NULL 20 5 -> NULL NULL 20 */
    c = run(t, TG_WIN_LAG, "dage", 1);
    assert_ints(c, (const int64_t[]){ NULL_I, NULL_I, NULL_I, 1, 31, 20, 28 }, 7);
    tg_col_release(c);
    c = run(t, TG_WIN_LEAD, "dage", 2); /* A: 1 10 - -; B: 5 - - */
    assert_ints(c, (const int64_t[]){ NULL_I, 1, 5, NULL_I, 10, NULL_I, NULL_I }, 7);
    tg_col_release(c);
    c = run(t, TG_WIN_LAG, "dage", 0);
    assert_ints(c, (const int64_t[]){ 20, 31, NULL_I, 10, 28, 5, 1 }, 7);
    tg_col_release(c);

    /* cumsum: A 31 59 60 70; B NULL 20 25 (NULL before the first value) */
    c = run(t, TG_WIN_CUMSUM, "dage", 0);
    assert_ints(c, (const int64_t[]){ 20, 31, NULL_I, 70, 59, 25, 60 }, 7);
    tg_col_release(c);

    /* rolling mean of 2, min_periods 1: A 31, 29.5, 14.5, 5.5; B NULL, 20, 12.5 */
    tg_window_spec w = { .fn = TG_WIN_ROLLING_MEAN,
                         .col = "dage",
                         .k = 2,
                         .min_periods = 1,
                         .by = by_tilbud,
                         .n_by = 1,
                         .order = by_maaned,
                         .n_order = 1 };
    assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
    const double mean1[] = { 20, 31, 0, 5.5, 29.5, 12.5, 14.5 };
    for (size_t i = 0; i < 7; i++) {
        if (i == 2) {
            assert_false(tg_col_is_valid(c, i));
            continue;
        }
        assert_true(tg_col_is_valid(c, i));
        assert_true(c->v.f64[i] == mean1[i]);
    }
    tg_col_release(c);
    /* min_periods 0 means k = 2: B's second row (20) has one value only */
    w.min_periods = 0;
    assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
    assert_false(tg_col_is_valid(c, 0)); /* B: NULL, 20 -> one value */
    assert_false(tg_col_is_valid(c, 1)); /* A's first row */
    assert_true(tg_col_is_valid(c, 5) && c->v.f64[5] == 12.5);
    assert_true(tg_col_is_valid(c, 4) && c->v.f64[4] == 29.5);
    tg_col_release(c);

    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_window_defaults_and_types(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = occupancy();
    tg_col *c, *d = one_int(-1), *s = one_str("ingen"), *a = one_str("A");
    tg_error err;

    /* lag with an int default: rows without a predecessor get -1, but a
    ** NULL predecessor value stays NULL (row 0's predecessor is row 2). */
    tg_window_spec w = { .fn = TG_WIN_LAG,
                         .col = "dage",
                         .k = 1,
                         .dflt = d,
                         .by = by_tilbud,
                         .n_by = 1,
                         .order = by_maaned,
                         .n_order = 1 };
    assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
    assert_ints(c, (const int64_t[]){ NULL_I, -1, -1, 1, 31, 20, 28 }, 7);
    tg_col_release(c);

    /* lead of a string column with a string the dictionary lacks: the
    ** result gets its own dictionary; the input's is unchanged. */
    w = (tg_window_spec){
        .fn = TG_WIN_LEAD, .col = "tilbud", .k = 1, .dflt = s, .order = by_maaned, .n_order = 1
    };
    /* order by maaned alone: rows 1 2 | 0 4 6 | 3 5 -> leads: 1->2, 2->0, 0->4, 4->6, 6->3,
    ** 3->5, 5->none */
    assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
    const char *want[] = { "A", "B", "B", "B", "A", "ingen", "A" };
    for (size_t i = 0; i < 7; i++) {
        size_t len;
        const char *got = tg_dict_str(c->dict, c->v.str[i], &len);
        assert_string_equal(got, want[i]);
    }
    assert_ptr_not_equal(c->dict, t->cols[0]->dict);
    assert_int_equal(tg_dict_size(t->cols[0]->dict), 2);
    tg_col_release(c);
    /* a string it already has: the dictionary stays shared */
    w.dflt = a;
    assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
    assert_ptr_equal(c->dict, t->cols[0]->dict);
    tg_col_release(c);

    /* wrong default type */
    w = (tg_window_spec){ .fn = TG_WIN_LAG, .col = "dage", .k = 1, .dflt = s };
    assert_int_equal(tg_window(t, &w, NULL, &c, &err), TG_EARG);
    assert_null(c);
    assert_string_equal(err.msg, "default for 'dage' is a string, but the column is int");

    /* cumsum of a bool counts trues; with no by/order the input order is used */
    tg_col *b = tg_col_new(TG_BOOL, 0, NULL);
    const int bv[] = { 1, 0, 1, 1, -1, 1, 0 };
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(bv[i] < 0 ? tg_col_push_null(b) : tg_col_push_bool(b, bv[i]), TG_OK);
    add_col(t, "belagt", b);
    w = (tg_window_spec){ .fn = TG_WIN_CUMSUM, .col = "belagt" };
    assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
    assert_ints(c, (const int64_t[]){ 1, 1, 2, 3, 3, 4, 4 }, 7);
    tg_col_release(c);

    tg_col_release(d);
    tg_col_release(s);
    tg_col_release(a);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_window_errors(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = occupancy();
    tg_col *c;
    tg_error err;
    const char *bad_by[] = { "tilbd" };
    struct {
        tg_window_spec w;
        const char *msg;
    } cases[] = {
        { { .fn = TG_WIN_LAG, .col = "dag", .k = 1 }, "no column 'dag'; did you mean 'dage'?" },
        { { .fn = TG_WIN_CUMSUM, .col = "tilbud" },
          "cumsum needs a number column; 'tilbud' is string" },
        { { .fn = TG_WIN_ROLLING_MEAN, .col = "maaned", .k = 2 },
          "rolling_mean needs a number column; 'maaned' is date" },
        { { .fn = TG_WIN_ROLLING_MEAN, .col = "dage", .k = 0 },
          "rolling_mean window must be >= 1 row, got 0" },
        { { .fn = TG_WIN_ROLLING_MEAN, .col = "dage", .k = 3, .min_periods = 4 },
          "rolling_mean min_periods must be between 1 and the window (3), got 4" },
        { { .fn = TG_WIN_LEAD, .col = "dage", .k = -1 }, "lead offset must be >= 0, got -1" },
        { { .fn = TG_WIN_LAG, .k = 1 }, "lag needs a column" },
        { { .fn = TG_WIN_ROW_NUMBER, .by = bad_by, .n_by = 1 },
          "no column 'tilbd'; did you mean 'tilbud'?" },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(cases); i++) {
        c = (tg_col *)1;
        assert_int_equal(tg_window(t, &cases[i].w, NULL, &c, &err), TG_EARG);
        assert_null(c);
        assert_string_equal(err.msg, cases[i].msg);
    }

    /* int overflow in a cumulative sum names the input row */
    tg_table *big = tg_table_new();
    tg_col *x = tg_col_new(TG_INT, 0, NULL);
    assert_int_equal(tg_col_push_i64(x, INT64_MAX - 5), TG_OK);
    assert_int_equal(tg_col_push_i64(x, -10), TG_OK);
    assert_int_equal(tg_col_push_i64(x, 20), TG_OK);
    add_col(big, "x", x);
    tg_window_spec w = { .fn = TG_WIN_CUMSUM, .col = "x" };
    assert_int_equal(tg_window(big, &w, NULL, &c, &err), TG_EDATA);
    assert_null(c);
    assert_string_equal(
        err.msg, "cumsum of 'x' overflows int64 at row 3; convert the column to float first");
    tg_table_release(big);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_window_empty_table(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    add_col(t, "g", tg_col_new(TG_STRING, 0, NULL));
    add_col(t, "x", tg_col_new(TG_FLOAT, 0, NULL));
    const char *by[] = { "g" };
    for (int fn = TG_WIN_ROW_NUMBER; fn <= TG_WIN_ROLLING_MEAN; fn++) {
        tg_window_spec w = { .fn = (tg_window_fn)fn, .col = "x", .k = 1, .by = by, .n_by = 1 };
        tg_col *c;
        assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
        assert_int_equal(c->len, 0);
        tg_col_release(c);
    }
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- randomised against SQLite ---- */

static tg_table *random_table(size_t n) {
    static const char *g1v[] = { "Ærø", "Aarhus", "Odense", "aarhus" };
    tg_col *g1 = tg_col_new(TG_STRING, 0, NULL), *g2 = tg_col_new(TG_INT, 0, NULL);
    tg_col *o1 = tg_col_new(TG_INT, 0, NULL), *o2 = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *x = tg_col_new(TG_INT, 0, NULL), *y = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *b = tg_col_new(TG_BOOL, 0, NULL);
    for (size_t r = 0; r < n; r++) {
        uint64_t z = rnd();
        const char *s = g1v[z % 4];
        assert_int_equal(z % 13 == 0 ? tg_col_push_null(g1) : tg_col_push_str(g1, s, strlen(s)),
                         TG_OK);
        z = rnd();
        assert_int_equal(z % 11 == 0 ? tg_col_push_null(g2) : tg_col_push_i64(g2, (int64_t)(z % 3)),
                         TG_OK);
        z = rnd();
        assert_int_equal(z % 9 == 0 ? tg_col_push_null(o1) : tg_col_push_i64(o1, (int64_t)(z % 40)),
                         TG_OK);
        z = rnd();
        assert_int_equal(z % 7 == 0 ? tg_col_push_null(o2)
                                    : tg_col_push_f64(o2, (double)(z % 5) * 0.5 - 1),
                         TG_OK);
        z = rnd();
        assert_int_equal(z % 5 == 0 ? tg_col_push_null(x)
                                    : tg_col_push_i64(x, (int64_t)(z % 2001) - 1000),
                         TG_OK);
        z = rnd();
        assert_int_equal(z % 6 == 0
                             ? tg_col_push_null(y)
                             : tg_col_push_f64(y, (double)(int64_t)(z % 100001) / 7.0 - 5000),
                         TG_OK);
        z = rnd();
        assert_int_equal(z % 8 == 0 ? tg_col_push_null(b) : tg_col_push_bool(b, (int)(z & 1)),
                         TG_OK);
    }
    tg_table *t = tg_table_new();
    add_col(t, "g1", g1);
    add_col(t, "g2", g2);
    add_col(t, "o1", o1);
    add_col(t, "o2", o2);
    add_col(t, "x", x);
    add_col(t, "y", y);
    add_col(t, "b", b);
    return t;
}

static void load_sqlite(sqlite3 *db, const tg_table *t) {
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE t(g1 TEXT, g2 INTEGER, o1 INTEGER, o2 REAL, "
                                  "x INTEGER, y REAL, b INTEGER)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO t(rowid, g1, g2, o1, o2, x, y, b) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (size_t r = 0; r < t->n_rows; r++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)r);
        for (size_t k = 0; k < t->n_cols; k++) {
            const tg_col *c = t->cols[k];
            int p = (int)k + 2;
            if (!tg_col_is_valid(c, r)) {
                sqlite3_bind_null(st, p);
            } else if (c->type == TG_STRING) {
                size_t len;
                const char *s = tg_dict_str(c->dict, c->v.str[r], &len);
                sqlite3_bind_text(st, p, s, (int)len, SQLITE_TRANSIENT);
            } else if (c->type == TG_FLOAT) {
                sqlite3_bind_double(st, p, c->v.f64[r]);
            } else if (c->type == TG_BOOL) {
                sqlite3_bind_int(st, p, c->v.b8[r]);
            } else {
                sqlite3_bind_int64(st, p, c->v.i64[r]);
            }
        }
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

/* Compares column c with "SELECT rowid, <expr> ... ORDER BY rowid". */
static void compare(sqlite3 *db, const char *sql, const tg_col *c) {
    sqlite3_stmt *st;
    size_t i = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        assert_int_equal((size_t)sqlite3_column_int64(st, 0), i);
        int null = sqlite3_column_type(st, 1) == SQLITE_NULL;
        if (null != !tg_col_is_valid(c, i))
            fail_msg("%s\nrow %zu: sqlite %s, tegn %s", sql, i, null ? "NULL" : "a value",
                     null ? "a value" : "NULL");
        if (null) {
            i++;
            continue;
        }
        if (c->type == TG_INT) {
            int64_t want = sqlite3_column_int64(st, 1);
            if (c->v.i64[i] != want)
                fail_msg("%s\nrow %zu: sqlite %ld, tegn %ld", sql, i, (long)want,
                         (long)c->v.i64[i]);
        } else if (c->type == TG_FLOAT) {
            double want = sqlite3_column_double(st, 1), got = c->v.f64[i];
            if (fabs(want - got) > 1e-9 * (fabs(want) > 1 ? fabs(want) : 1))
                fail_msg("%s\nrow %zu: sqlite %.17g, tegn %.17g", sql, i, want, got);
        } else if (c->type == TG_STRING) {
            const char *want = (const char *)sqlite3_column_text(st, 1);
            assert_string_equal(tg_dict_str(c->dict, c->v.str[i], NULL), want);
        } else {
            fail_msg("unexpected type");
        }
        i++;
    }
    assert_int_equal(i, c->len);
    sqlite3_finalize(st);
}

struct shape {
    const char *by[2];
    size_t n_by;
    const char *order[2];
    int desc[2];
    size_t n_order;
};

/* "PARTITION BY g1, g2 ORDER BY o1 NULLS LAST, o2 DESC NULLS LAST[, rowid]" */
static void over(char *buf, size_t size, const struct shape *sh, int rowid) {
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sh->n_by; i++)
        len +=
            (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "PARTITION BY ", sh->by[i]);
    for (size_t i = 0; i < sh->n_order; i++)
        len +=
            (size_t)snprintf(buf + len, size - len, "%s%s %s NULLS LAST", i ? ", " : " ORDER BY ",
                             sh->order[i], sh->desc[i] ? "DESC" : "ASC");
    if (rowid) snprintf(buf + len, size - len, "%srowid", sh->n_order ? ", " : " ORDER BY ");
}

static tg_col *window(const tg_table *t, const struct shape *sh, tg_window_spec w) {
    tg_col *out;
    tg_error err;
    w.by = sh->by;
    w.n_by = sh->n_by;
    w.order = sh->order;
    w.order_desc = sh->desc;
    w.n_order = sh->n_order;
    if (tg_window(t, &w, NULL, &out, &err) != TG_OK) fail_msg("%s", err.msg);
    return out;
}

static void test_window_random_vs_sqlite(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const struct shape shapes[] = {
        { { 0 }, 0, { 0 }, { 0 }, 0 },
        { { "g1" }, 1, { 0 }, { 0 }, 0 },
        { { 0 }, 0, { "o1" }, { 0 }, 1 },
        { { "g1" }, 1, { "o1" }, { 1 }, 1 },
        { { "g1", "g2" }, 2, { "o1", "o2" }, { 0, 1 }, 2 },
        { { "g2" }, 1, { "o2", "o1" }, { 1, 0 }, 2 },
    };
    sqlite3 *db;
    char sql[1024], ov[256], ovr[256];
    tg_col *c, *d99 = one_int(99), *dstr = one_str("ukendt");

    seed = 42;
    tg_table *t = random_table(1500);
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    load_sqlite(db, t);
    for (size_t si = 0; si < TG_ARRAY_LEN(shapes); si++) {
        const struct shape *sh = &shapes[si];
        over(ov, sizeof ov, sh, 0);
        over(ovr, sizeof ovr, sh, 1);

        c = window(t, sh, (tg_window_spec){ .fn = TG_WIN_ROW_NUMBER });
        snprintf(sql, sizeof sql, "SELECT rowid, ROW_NUMBER() OVER (%s) FROM t ORDER BY rowid",
                 ovr);
        compare(db, sql, c);
        tg_col_release(c);
        c = window(t, sh, (tg_window_spec){ .fn = TG_WIN_RANK });
        snprintf(sql, sizeof sql, "SELECT rowid, RANK() OVER (%s) FROM t ORDER BY rowid", ov);
        compare(db, sql, c);
        tg_col_release(c);
        c = window(t, sh, (tg_window_spec){ .fn = TG_WIN_DENSE_RANK });
        snprintf(sql, sizeof sql, "SELECT rowid, DENSE_RANK() OVER (%s) FROM t ORDER BY rowid", ov);
        compare(db, sql, c);
        tg_col_release(c);

        static const long ks[] = { 0, 1, 3 };
        for (size_t ki = 0; ki < 3; ki++) {
            long k = ks[ki];
            c = window(t, sh, (tg_window_spec){ .fn = TG_WIN_LAG, .col = "x", .k = k });
            snprintf(sql, sizeof sql, "SELECT rowid, LAG(x, %ld) OVER (%s) FROM t ORDER BY rowid",
                     k, ovr);
            compare(db, sql, c);
            tg_col_release(c);
            c = window(t, sh,
                       (tg_window_spec){ .fn = TG_WIN_LEAD, .col = "y", .k = k, .dflt = d99 });
            snprintf(sql, sizeof sql,
                     "SELECT rowid, LEAD(y, %ld, 99.0) OVER (%s) FROM t ORDER BY rowid", k, ovr);
            compare(db, sql, c);
            tg_col_release(c);
            c = window(t, sh,
                       (tg_window_spec){ .fn = TG_WIN_LAG, .col = "g1", .k = k, .dflt = dstr });
            snprintf(sql, sizeof sql,
                     "SELECT rowid, LAG(g1, %ld, 'ukendt') OVER (%s) FROM t ORDER BY rowid", k,
                     ovr);
            compare(db, sql, c);
            tg_col_release(c);
        }

        static const char *sums[] = { "x", "y", "b" };
        for (size_t vi = 0; vi < 3; vi++) {
            c = window(t, sh, (tg_window_spec){ .fn = TG_WIN_CUMSUM, .col = sums[vi] });
            snprintf(sql, sizeof sql,
                     "SELECT rowid, SUM(%s) OVER (%s ROWS UNBOUNDED PRECEDING) FROM t "
                     "ORDER BY rowid",
                     sums[vi], ovr);
            compare(db, sql, c);
            tg_col_release(c);
        }

        static const long win[][2] = { { 1, 1 }, { 3, 1 }, { 3, 3 }, { 7, 2 }, { 40, 0 } };
        for (size_t wi = 0; wi < TG_ARRAY_LEN(win); wi++) {
            long k = win[wi][0], m = win[wi][1] ? win[wi][1] : k;
            for (size_t vi = 0; vi < 3; vi++) {
                c = window(t, sh,
                           (tg_window_spec){ .fn = TG_WIN_ROLLING_MEAN,
                                             .col = sums[vi],
                                             .k = k,
                                             .min_periods = win[wi][1] });
                snprintf(sql, sizeof sql,
                         "SELECT rowid, CASE WHEN COUNT(%s) OVER w >= %ld THEN AVG(%s) OVER w END "
                         "FROM t WINDOW w AS (%s ROWS BETWEEN %ld PRECEDING AND CURRENT ROW) "
                         "ORDER BY rowid",
                         sums[vi], m, sums[vi], ovr, k - 1);
                compare(db, sql, c);
                tg_col_release(c);
            }
        }
    }
    sqlite3_close(db);
    tg_col_release(d99);
    tg_col_release(dstr);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* Long windows over awkward floats: drift stays small and a NaN or an
** infinity leaves the mean once it leaves the window. Checked against a
** direct mean of each window. */
static void test_window_rolling_nonfinite(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const size_t n = 5000, k = 10;
    tg_col *x = tg_col_new(TG_FLOAT, 0, NULL);
    seed = 3;
    for (size_t i = 0; i < n; i++) {
        double v = (double)(rnd() % 1000000) * 1e6 + 0.1;
        if (i == 100) v = NAN;
        if (i == 300) v = INFINITY;
        if (i == 305) v = -INFINITY;
        if (i == 500) v = -INFINITY;
        assert_int_equal(tg_col_push_f64(x, v), TG_OK);
    }
    tg_table *t = tg_table_new();
    add_col(t, "x", x);
    tg_window_spec w = { .fn = TG_WIN_ROLLING_MEAN, .col = "x", .k = (long)k, .min_periods = 1 };
    tg_col *c;
    assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
    for (size_t i = 0; i < n; i++) {
        size_t lo = i + 1 >= k ? i + 1 - k : 0;
        double sum = 0;
        for (size_t j = lo; j <= i; j++) sum += t->cols[0]->v.f64[j];
        double want = sum / (double)(i - lo + 1), got = c->v.f64[i];
        if (isnan(want)) {
            if (!isnan(got)) fail_msg("row %zu: want NaN, got %g", i, got);
        } else if (isinf(want)) {
            if (got != want) fail_msg("row %zu: want %g, got %g", i, want, got);
        } else if (fabs(got - want) > 1e-12 * fabs(want)) {
            fail_msg("row %zu: want %.17g, got %.17g", i, want, got);
        }
    }
    tg_col_release(c);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- failures ---- */

struct oom_ctx {
    const tg_table *t;
    const tg_col *dflt;
};

static tg_status oom_all(void *p) {
    const struct oom_ctx *o = p;
    const char *by[] = { "g1", "g2" }, *order[] = { "o1" };
    tg_window_spec specs[] = {
        { .fn = TG_WIN_RANK },
        { .fn = TG_WIN_LAG, .col = "g1", .k = 2, .dflt = o->dflt },
        { .fn = TG_WIN_CUMSUM, .col = "x" },
        { .fn = TG_WIN_CUMSUM, .col = "y" },
        { .fn = TG_WIN_ROLLING_MEAN, .col = "y", .k = 3 },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(specs); i++) {
        tg_col *c;
        specs[i].by = by;
        specs[i].n_by = 2;
        specs[i].order = order;
        specs[i].n_order = 1;
        tg_status st = tg_window(o->t, &specs[i], NULL, &c, NULL);
        if (st != TG_OK) return st;
        tg_col_release(c);
    }
    return TG_OK;
}

static void test_window_oom(void **state) {
    (void)state;
    seed = 11;
    tg_table *t = random_table(200);
    tg_col *d = one_str("ukendt");
    struct oom_ctx o = { t, d };
    size_t blocks = tg_mem_blocks();
    assert_true(tg_test_oom_loop(oom_all, &o) > 20);
    tg_test_no_leaks(blocks);
    tg_col_release(d);
    tg_table_release(t);
}

/* ---- threads ---- */

/* Same type, length, NULLs and value bytes (floats compared as bits, so
** a NaN or a -0.0 must match too). */
static void assert_same_col(const tg_col *a, const tg_col *b, const char *what) {
    size_t w = tg_type_width(a->type);
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->len, b->len);
    for (size_t i = 0; i < a->len; i++) {
        int va = tg_col_is_valid(a, i), vb = tg_col_is_valid(b, i);
        if (va != vb) fail_msg("%s row %zu: valid %d vs %d", what, i, va, vb);
        if (va && memcmp((const char *)a->v.any + i * w, (const char *)b->v.any + i * w, w) != 0)
            fail_msg("%s row %zu: values differ", what, i);
    }
    assert_int_equal(a->valid == NULL, b->valid == NULL);
}

/* Float cumsum the plain way: one pass along tg_sort_index's permutation,
** the sum restarting at each group (the order of additions the window
** must keep on any number of threads). */
static void assert_cumsum_plain(const tg_table *t, const tg_window_spec *w, const tg_col *got) {
    size_t n_keys = w->n_by + w->n_order, n = t->n_rows, *perm;
    const char *keys[4];
    int desc[4] = { 0 };
    uint8_t *grp = tg_malloc(n ? n : 1);
    long k;
    for (size_t i = 0; i < w->n_by; i++) keys[i] = w->by[i];
    for (size_t i = 0; i < w->n_order; i++) {
        keys[w->n_by + i] = w->order[i];
        desc[w->n_by + i] = w->order_desc ? w->order_desc[i] : 0;
    }
    assert_int_equal(tg_sort_index(t, keys, desc, n_keys, NULL, &perm, NULL), TG_OK);
    assert_int_equal(tg_sort_breaks(t, keys, w->n_by, perm, n, grp, NULL), TG_OK);
    assert_int_equal(tg_table_lookup(t, w->col, &k, NULL), TG_OK);
    const tg_col *y = t->cols[k];
    double sum = 0;
    int any = 0;
    for (size_t j = 0; j < n; j++) {
        size_t r = perm[j];
        if (grp[j]) sum = 0, any = 0;
        if (tg_col_is_valid(y, r)) sum += y->v.f64[r], any = 1;
        assert_int_equal(tg_col_is_valid(got, r), any);
        if (any && memcmp(&sum, &got->v.f64[r], sizeof sum) != 0)
            fail_msg("cumsum row %zu: %.17g, want %.17g", r, got->v.f64[r], sum);
    }
    tg_free(perm);
    tg_free(grp);
}

/* Each function over one group, a few and many (with NULL keys), on 1 to 4
** threads: every answer must be the one thread's. The table spans several
** morsels whatever TEGN_MORSEL_ROWS is. */
static void test_window_threads_identical(void **state) {
    (void)state;
    size_t rows = tg_par_morsel_rows(), n = 3 * rows + 17 > 2000 ? 3 * rows + 17 : 2000;
    seed = 13;
    tg_table *t = random_table(n);
    tg_col *p = tg_col_new(TG_INT, n, NULL);
    for (size_t r = 0; r < n; r++) {
        uint64_t z = rnd();
        assert_int_equal(
            z % 17 == 0 ? tg_col_push_null(p) : tg_col_push_i64(p, (int64_t)(z % (n / 4))), TG_OK);
    }
    add_col(t, "p", p);
    tg_col *d = one_int(-7);
    static const char *one[] = { "g1" }, *few[] = { "g1", "g2" }, *many[] = { "p" };
    static const char *const *bys[] = { NULL, one, few, many };
    static const size_t n_bys[] = { 0, 1, 2, 1 };
    static const char *order[] = { "o1", "o2" };
    static const int order_desc[] = { 1, 0 };
    struct {
        tg_window_fn fn;
        const char *col;
        long k, min;
        const tg_col *dflt;
    } fns[] = {
        { TG_WIN_ROW_NUMBER, NULL, 0, 0, NULL },
        { TG_WIN_RANK, NULL, 0, 0, NULL },
        { TG_WIN_DENSE_RANK, NULL, 0, 0, NULL },
        { TG_WIN_LAG, "y", 1, 0, NULL },
        { TG_WIN_LEAD, "x", 3, 0, d },
        { TG_WIN_LAG, "g1", 2, 0, NULL },
        { TG_WIN_CUMSUM, "x", 0, 0, NULL },
        { TG_WIN_CUMSUM, "y", 0, 0, NULL },
        { TG_WIN_CUMSUM, "b", 0, 0, NULL },
        { TG_WIN_ROLLING_MEAN, "y", 5, 2, NULL },
        { TG_WIN_ROLLING_MEAN, "x", 3, 0, NULL },
    };
    for (size_t bi = 0; bi < TG_ARRAY_LEN(bys); bi++) {
        for (size_t oi = 0; oi < 2; oi++) {
            for (size_t f = 0; f < TG_ARRAY_LEN(fns); f++) {
                tg_window_spec w = { .fn = fns[f].fn,
                                     .col = fns[f].col,
                                     .k = fns[f].k,
                                     .min_periods = fns[f].min,
                                     .dflt = fns[f].dflt,
                                     .by = bys[bi],
                                     .n_by = n_bys[bi],
                                     .order = oi ? order : NULL,
                                     .n_order = oi ? 2 : 0,
                                     .order_desc = order_desc };
                tg_col *ref, *c;
                char what[96];
                tg_par_set_threads(1);
                assert_int_equal(tg_window(t, &w, NULL, &ref, NULL), TG_OK);
                if (w.fn == TG_WIN_CUMSUM && ref->type == TG_FLOAT) assert_cumsum_plain(t, &w, ref);
                for (int threads = 2; threads <= 4; threads++) {
                    tg_par_set_threads(threads);
                    assert_int_equal(tg_window(t, &w, NULL, &c, NULL), TG_OK);
                    snprintf(what, sizeof what, "%s by %zu order %zu, %d threads",
                             tg_window_name(w.fn), bi, oi, threads);
                    assert_same_col(ref, c, what);
                    tg_col_release(c);
                }
                tg_col_release(ref);
            }
        }
    }
    tg_par_set_threads(0);
    tg_col_release(d);
    tg_table_release(t);
}

/* An int cumsum that overflows in a late group reports the same row on any
** number of threads: the first overflow along the window order. */
static void test_window_threads_overflow(void **state) {
    (void)state;
    size_t rows = tg_par_morsel_rows(), n = 4 * rows;
    tg_col *g = tg_col_new(TG_INT, n, NULL), *x = tg_col_new(TG_INT, n, NULL);
    for (size_t r = 0; r < n; r++) {
        assert_int_equal(tg_col_push_i64(g, (int64_t)(r % 8)), TG_OK);
        /* groups 5 and 6 overflow; group 5's first overflow is the earlier one */
        int64_t v = (r % 8 == 5 || r % 8 == 6) && r >= n / 2 ? INT64_MAX / 3 : 1;
        assert_int_equal(tg_col_push_i64(x, v), TG_OK);
    }
    tg_table *t = tg_table_new();
    add_col(t, "g", g);
    add_col(t, "x", x);
    const char *by[] = { "g" };
    tg_window_spec w = { .fn = TG_WIN_CUMSUM, .col = "x", .by = by, .n_by = 1 };
    /* group 5 holds rows 5, 13, ...: n / 16 ones before n / 2, then each
    ** adds INT64_MAX / 3 (3 of them make INT64_MAX - 1), so its third row
    ** from n / 2 on overflows: 0-based n / 2 + 5 + 2 * 8 */
    char want[128];
    snprintf(want, sizeof want,
             "cumsum of 'x' overflows int64 at row %zu; convert the column to float first",
             n / 2 + 5 + 2 * 8 + 1);
    for (int threads = 1; threads <= 3; threads++) {
        tg_col *c = (tg_col *)1;
        tg_error err;
        tg_par_set_threads(threads);
        assert_int_equal(tg_window(t, &w, NULL, &c, &err), TG_EDATA);
        assert_null(c);
        assert_string_equal(err.msg, want);
    }
    tg_par_set_threads(0);
    tg_table_release(t);
}

static int polls_left, polls_seen;

/* atomic: the sort's passes poll from every worker thread (tg_par) */
static tg_status stop_after(void *ud) {
    (void)ud;
    __atomic_add_fetch(&polls_seen, 1, __ATOMIC_RELAXED);
    return __atomic_fetch_sub(&polls_left, 1, __ATOMIC_RELAXED) > 0 ? TG_OK : TG_ELIMIT;
}

/* Stops the k-th poll for k = 0, 1, ... until a run completes: every stop
** must be clean, and some must come after the sort's polls, inside the
** window loop itself. */
static void test_window_interrupt(void **state) {
    (void)state;
    seed = 12;
    tg_table *t = random_table(30000);
    size_t blocks = tg_mem_blocks();
    const char *by[] = { "g1" };
    tg_interrupt intr = { stop_after, NULL };
    size_t *perm;
    polls_left = 1 << 30;
    polls_seen = 0;
    assert_int_equal(tg_sort_index(t, by, NULL, 1, &intr, &perm, NULL), TG_OK);
    tg_free(perm);
    int sort_polls = polls_seen;
    assert_true(sort_polls >= 3); /* once per morsel of each step: keys, count, scatter */

    static const tg_window_fn fns[] = { TG_WIN_DENSE_RANK, TG_WIN_LEAD, TG_WIN_CUMSUM,
                                        TG_WIN_ROLLING_MEAN };
    for (size_t f = 0; f < TG_ARRAY_LEN(fns); f++) {
        tg_window_spec w = { .fn = fns[f], .col = "y", .k = 2, .by = by, .n_by = 1 };
        int stops = 0;
        for (int k = 0;; k++) {
            tg_col *c = (tg_col *)1;
            tg_error err;
            polls_left = k;
            tg_status st = tg_window(t, &w, &intr, &c, &err);
            if (st == TG_OK) {
                tg_col_release(c);
                break;
            }
            assert_int_equal(st, TG_ELIMIT);
            assert_string_equal(err.msg + strlen(err.msg) - 11, "interrupted");
            assert_null(c);
            tg_test_no_leaks(blocks);
            stops++;
        }
        assert_true(stops > sort_polls + 3);
    }
    tg_test_no_leaks(blocks);
    tg_table_release(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_hand_worked),
        cmocka_unit_test(test_window_defaults_and_types),
        cmocka_unit_test(test_window_errors),
        cmocka_unit_test(test_window_empty_table),
        cmocka_unit_test(test_window_random_vs_sqlite),
        cmocka_unit_test(test_window_rolling_nonfinite),
        cmocka_unit_test_teardown(test_window_oom, tg_test_disarm),
        cmocka_unit_test(test_window_interrupt),
        cmocka_unit_test(test_window_threads_identical),
        cmocka_unit_test(test_window_threads_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
