/*
** test_reshape.c -- pivot, unpivot and complete. Small tables are worked
** out by hand and compared cell by cell as text (the formatting here is the
** test's own); pivot aggregates are checked against SQLite GROUP BY on a
** seeded random table; unpivot(pivot(x)) is checked to give back x up to
** row order and NULL cells; complete is checked by hand per unit and by
** properties on random data. Also errors, allocation failures, interrupts.
*/
#include "tg_test.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_reshape.h"

static uint64_t seed;

static uint64_t rnd(void) {
    uint64_t z = (seed += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* ---- building and reading tables as text ---- */

/* Adds a column parsed from text cells: type by 'type', "NULL" is NULL. */
static void add_text_col(tg_table *t, const char *name, tg_type type, const char *const *cells,
                         size_t n) {
    tg_col *c = tg_col_new(type, 0, NULL);
    assert_non_null(c);
    for (size_t i = 0; i < n; i++) {
        const char *s = cells[i];
        tg_status st;
        int32_t d;
        if (strcmp(s, "NULL") == 0) {
            st = tg_col_push_null(c);
        } else {
            switch (type) {
            case TG_INT: st = tg_col_push_i64(c, strtoll(s, NULL, 10)); break;
            case TG_FLOAT: st = tg_col_push_f64(c, strtod(s, NULL)); break;
            case TG_BOOL: st = tg_col_push_bool(c, strcmp(s, "true") == 0); break;
            case TG_DATE:
                assert_int_equal(tg_date_parse_iso(s, strlen(s), &d), 0);
                st = tg_col_push_date(c, d);
                break;
            default: st = tg_col_push_str(c, s, strlen(s)); break;
            }
        }
        assert_int_equal(st, TG_OK);
    }
    assert_int_equal(tg_table_add(t, name, c), TG_OK);
    tg_col_release(c);
}

static void cell_text(const tg_col *c, size_t r, char *buf, size_t size) {
    if (!tg_col_is_valid(c, r)) {
        snprintf(buf, size, "NULL");
        return;
    }
    switch (c->type) {
    case TG_INT: snprintf(buf, size, "%lld", (long long)c->v.i64[r]); break;
    case TG_FLOAT: snprintf(buf, size, "%g", c->v.f64[r]); break;
    case TG_BOOL: snprintf(buf, size, "%s", c->v.b8[r] ? "true" : "false"); break;
    case TG_DATE: {
        int y, m, d;
        tg_date_to_ymd(c->v.date[r], &y, &m, &d);
        snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
        break;
    }
    case TG_STRING: snprintf(buf, size, "%s", tg_dict_str(c->dict, c->v.str[r], NULL)); break;
    }
}

/* Fails unless t has exactly these column names and rows of cells. */
static void expect_table(const tg_table *t, const char *const *names, size_t n_cols,
                         const char *const *cells, size_t n_rows) {
    char buf[128];
    if (t->n_cols != n_cols) fail_msg("got %zu columns, want %zu", t->n_cols, n_cols);
    for (size_t k = 0; k < n_cols; k++) assert_string_equal(t->names[k], names[k]);
    if (t->n_rows != n_rows) fail_msg("got %zu rows, want %zu", t->n_rows, n_rows);
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t k = 0; k < n_cols; k++) {
            assert_int_equal(t->cols[k]->len, n_rows);
            cell_text(t->cols[k], r, buf, sizeof buf);
            if (strcmp(buf, cells[r * n_cols + k]) != 0)
                fail_msg("row %zu, column '%s': got '%s', want '%s'", r, names[k], buf,
                         cells[r * n_cols + k]);
        }
    }
}

#define CELLS(...) ((const char *const[]){ __VA_ARGS__ })

static tg_col *one(tg_type type, const char *text) {
    tg_table *t = tg_table_new();
    add_text_col(t, "v", type, CELLS(text), 1);
    tg_col *c = tg_col_retain(t->cols[0]);
    tg_table_release(t);
    return c;
}

/* occupancy, long: tilbud, maaned, dage, status */
static tg_table *long_table(void) {
    tg_table *t = tg_table_new();
    add_text_col(t, "tilbud", TG_STRING, CELLS("B", "A", "B", "A", "A", "NULL"), 6);
    add_text_col(
        t, "maaned", TG_DATE,
        CELLS("2023-02-01", "2023-01-01", "2023-01-01", "2023-03-01", "2023-02-01", "2023-01-01"),
        6);
    add_text_col(t, "dage", TG_INT, CELLS("20", "31", "NULL", "10", "28", "7"), 6);
    return t;
}

/* ---- pivot ---- */

static const char *rows_tilbud[] = { "tilbud" };

static void test_reshape_pivot_basic(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = long_table(), *p;
    tg_pivot_spec spec = { .rows = rows_tilbud, .n_rows = 1, .cols = "maaned", .values = "dage" };

    /* Rows A, B, NULL (last); a column per month in date order; B's
    ** January value is a NULL that stays NULL; missing cells are NULL. */
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, NULL), TG_OK);
    expect_table(p, CELLS("tilbud", "2023-01-01", "2023-02-01", "2023-03-01"), 4,
                 CELLS("A", "31", "28", "10",     /* */
                       "B", "NULL", "20", "NULL", /* */
                       "NULL", "7", "NULL", "NULL"),
                 3);
    /* The key column shares the input's dictionary. */
    assert_ptr_equal(p->cols[0]->dict, t->cols[0]->dict);
    tg_table_release(p);

    /* A fill value goes to absent cells only, not to B's explicit NULL. */
    spec.fill = one(TG_INT, "0");
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, NULL), TG_OK);
    expect_table(p, CELLS("tilbud", "2023-01-01", "2023-02-01", "2023-03-01"), 4,
                 CELLS("A", "31", "28", "10", "B", "NULL", "20", "0", "NULL", "7", "0", "0"), 3);
    tg_table_release(p);
    tg_col_release((tg_col *)spec.fill);

    /* No row keys: one row. */
    spec = (tg_pivot_spec){ .cols = "tilbud", .values = "dage", .agg = TG_PIVOT_SUM };
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, NULL), TG_OK);
    expect_table(p, CELLS("A", "B", "null"), 3, CELLS("69", "20", "7"), 1);
    tg_table_release(p);

    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_reshape_pivot_column_names(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new(), *p;
    add_text_col(t, "k", TG_INT, CELLS("1", "1", "1", "1", "1", "1"), 6);
    add_text_col(t, "m", TG_INT, CELLS("10", "2", "NULL", "-3", "1", "12"), 6);
    add_text_col(t, "f", TG_FLOAT, CELLS("0.1", "0.30000000000000004", "-0", "nan", "1e21", "NULL"),
                 6);
    add_text_col(t, "b", TG_BOOL, CELLS("true", "false", "true", "true", "true", "true"), 6);
    add_text_col(t, "v", TG_INT, CELLS("1", "2", "3", "4", "5", "6"), 6);
    const char *k[] = { "k" };

    /* Months as ints sort as numbers, not as text. */
    tg_pivot_spec spec = { .rows = k, .n_rows = 1, .cols = "m", .values = "v" };
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, NULL), TG_OK);
    expect_table(p, CELLS("k", "-3", "1", "2", "10", "12", "null"), 7,
                 CELLS("1", "4", "5", "2", "1", "6", "3"), 1);
    tg_table_release(p);

    spec.cols = "f";
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, NULL), TG_OK);
    expect_table(p, CELLS("k", "0", "0.1", "0.30000000000000004", "1e+21", "NaN", "null"), 7,
                 CELLS("1", "3", "1", "2", "5", "4", "6"), 1);
    tg_table_release(p);

    spec.cols = "b";
    spec.agg = TG_PIVOT_COUNT;
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, NULL), TG_OK);
    expect_table(p, CELLS("k", "false", "true"), 3, CELLS("1", "1", "5"), 1);
    tg_table_release(p);

    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_reshape_pivot_aggregates_by_hand(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new(), *p;
    /* cell (x, a): 5, NULL, 2; (x, b): NULL; (y, a): 7; (y, b): absent */
    add_text_col(t, "r", TG_STRING, CELLS("x", "x", "y", "x", "x"), 5);
    add_text_col(t, "c", TG_STRING, CELLS("a", "a", "a", "b", "a"), 5);
    add_text_col(t, "v", TG_INT, CELLS("5", "NULL", "7", "NULL", "2"), 5);
    add_text_col(t, "s", TG_STRING, CELLS("pear", "NULL", "fig", "kiwi", "apple"), 5);
    const char *r[] = { "r" };
    struct {
        tg_pivot_agg agg;
        const char *value;
        const char *cells[6];
    } cases[] = {
        { TG_PIVOT_FIRST, "v", { "x", "5", "NULL", "y", "7", "NULL" } },
        { TG_PIVOT_LAST, "v", { "x", "2", "NULL", "y", "7", "NULL" } },
        { TG_PIVOT_SUM, "v", { "x", "7", "NULL", "y", "7", "NULL" } },
        { TG_PIVOT_MEAN, "v", { "x", "3.5", "NULL", "y", "7", "NULL" } },
        { TG_PIVOT_COUNT, "v", { "x", "2", "0", "y", "1", "NULL" } },
        { TG_PIVOT_MIN, "v", { "x", "2", "NULL", "y", "7", "NULL" } },
        { TG_PIVOT_MAX, "v", { "x", "5", "NULL", "y", "7", "NULL" } },
        { TG_PIVOT_MIN, "s", { "x", "apple", "kiwi", "y", "fig", "NULL" } },
        { TG_PIVOT_MAX, "s", { "x", "pear", "kiwi", "y", "fig", "NULL" } },
        { TG_PIVOT_FIRST, "s", { "x", "pear", "kiwi", "y", "fig", "NULL" } },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(cases); i++) {
        tg_pivot_spec spec = {
            .rows = r, .n_rows = 1, .cols = "c", .values = cases[i].value, .agg = cases[i].agg
        };
        assert_int_equal(tg_pivot(t, &spec, NULL, &p, NULL), TG_OK);
        expect_table(p, CELLS("r", "a", "b"), 3, cases[i].cells, 2);
        tg_table_release(p);
    }
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_reshape_pivot_errors(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = long_table(), *p;
    tg_error err;
    const char *rows2[] = { "tilbud", "maaned" };
    tg_col *sfill = one(TG_STRING, "x"), *ffill = one(TG_FLOAT, "0.5");

    /* Duplicates under the default aggregate: the first duplicate cell in
    ** output order is named. */
    add_text_col(t, "dup", TG_STRING, CELLS("u", "v", "u", "v", "v", "w"), 6);
    tg_pivot_spec spec = { .rows = rows_tilbud, .n_rows = 1, .cols = "dup", .values = "dage" };
    p = (tg_table *)1;
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, &err), TG_EDATA);
    assert_null(p);
    assert_string_equal(err.msg, "pivot: 3 rows have tilbud 'A' and dup 'v'; choose an aggregate "
                                 "(agg) to combine them");
    spec.rows = rows2;
    spec.n_rows = 2;
    spec.cols = "dup";
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, &err), TG_OK);
    tg_table_release(p);

    struct {
        tg_pivot_spec spec;
        tg_status st;
        const char *msg;
    } cases[] = {
        { { .cols = "maand", .values = "dage" },
          TG_EARG,
          "no column 'maand'; did you mean 'maaned'?" },
        { { .cols = "maaned", .values = "dage", .agg = TG_PIVOT_SUM, .rows = rows2, .n_rows = 2 },
          TG_EARG,
          "'maaned' cannot be both a row key and the cols" },
        { { .cols = "dage", .values = "dage" }, TG_EARG, "'dage' cannot be both cols and values" },
        { { .cols = "maaned", .values = "tilbud", .agg = TG_PIVOT_MEAN },
          TG_EARG,
          "mean needs numbers; 'tilbud' is string" },
        { { .cols = "maaned", .values = "dage", .fill = sfill },
          TG_EARG,
          "fill value for 'dage' is a string, but the column is int" },
        { { .cols = "maaned", .values = "dage", .agg = TG_PIVOT_COUNT, .fill = ffill },
          TG_EARG,
          "fill value for 'dage' is a float, but the column is int" },
        { { .cols = "tilbud", .values = "dage", .rows = (const char *[]){ "null" }, .n_rows = 1 },
          TG_EARG,
          "no column 'null'" },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(cases); i++) {
        p = (tg_table *)1;
        assert_int_equal(tg_pivot(t, &cases[i].spec, NULL, &p, &err), cases[i].st);
        assert_null(p);
        assert_string_equal(err.msg, cases[i].msg);
    }
    /* A mean with an int fill is fine (ints fill float cells). */
    tg_col *ifill = one(TG_INT, "0");
    spec =
        (tg_pivot_spec){ .cols = "maaned", .values = "dage", .agg = TG_PIVOT_MEAN, .fill = ifill };
    assert_int_equal(tg_pivot(t, &spec, NULL, &p, &err), TG_OK);
    tg_table_release(p);
    tg_col_release(ifill);

    /* New column names that clash: with a row key, and "null" twice. */
    tg_table *c = tg_table_new();
    add_text_col(c, "k", TG_STRING, CELLS("k", "k", "k"), 3);
    add_text_col(c, "n", TG_STRING, CELLS("k", "x", "y"), 3);
    add_text_col(c, "n2", TG_STRING, CELLS("null", "NULL", "y"), 3);
    add_text_col(c, "v", TG_INT, CELLS("1", "2", "3"), 3);
    const char *ck[] = { "k" };
    spec = (tg_pivot_spec){ .rows = ck, .n_rows = 1, .cols = "n", .values = "v" };
    assert_int_equal(tg_pivot(c, &spec, NULL, &p, &err), TG_EDATA);
    assert_string_equal(err.msg, "pivot: the value 'k' of 'n' would name a second column 'k'");
    spec.cols = "n2";
    assert_int_equal(tg_pivot(c, &spec, NULL, &p, &err), TG_EDATA);
    assert_string_equal(err.msg,
                        "pivot: the value 'null' of 'n2' would name a second column 'null'");
    tg_table_release(c);

    tg_col_release(sfill);
    tg_col_release(ffill);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* Every aggregate against SQLite GROUP BY over a random table with NULL
** row keys, NULL column values and NULL values. */
static void test_reshape_pivot_vs_sqlite(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const char *rk[] = { "Aarhus", "Ærø", "Odense", "NULL" };
    static const char *ck[] = { "1", "2", "10", "NULL" };
    const size_t n = 400;
    const char **rcells = malloc(n * sizeof *rcells), **ccells = malloc(n * sizeof *ccells);
    const char **vcells = malloc(n * sizeof *vcells);
    char(*vbuf)[32] = malloc(n * sizeof *vbuf);
    seed = 77;
    for (size_t i = 0; i < n; i++) {
        rcells[i] = rk[rnd() % 4];
        ccells[i] = ck[rnd() % 4];
        if (rnd() % 6 == 0) snprintf(vbuf[i], sizeof vbuf[i], "NULL");
        else snprintf(vbuf[i], sizeof vbuf[i], "%d", (int)(rnd() % 1000) - 500);
        vcells[i] = vbuf[i];
    }
    tg_table *t = tg_table_new();
    add_text_col(t, "r", TG_STRING, rcells, n);
    add_text_col(t, "c", TG_INT, ccells, n);
    add_text_col(t, "v", TG_INT, vcells, n);
    add_text_col(t, "f", TG_FLOAT, vcells, n);

    sqlite3 *db;
    sqlite3_stmt *ins;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(r TEXT, c INTEGER, v INTEGER)", 0, 0, 0),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?, ?, ?)", -1, &ins, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = { rcells[i], ccells[i], vcells[i] };
        for (int k = 0; k < 3; k++) {
            if (strcmp(cells[k], "NULL") == 0) sqlite3_bind_null(ins, k + 1);
            else if (k == 0) sqlite3_bind_text(ins, 1, cells[0], -1, SQLITE_STATIC);
            else sqlite3_bind_int64(ins, k + 1, strtoll(cells[k], NULL, 10));
        }
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);

    static const struct {
        tg_pivot_agg agg;
        const char *sql;
        const char *value;
    } aggs[] = { { TG_PIVOT_SUM, "SUM(v)", "v" },     { TG_PIVOT_MEAN, "AVG(v)", "v" },
                 { TG_PIVOT_COUNT, "COUNT(v)", "v" }, { TG_PIVOT_MIN, "MIN(v)", "v" },
                 { TG_PIVOT_MAX, "MAX(v)", "v" },     { TG_PIVOT_SUM, "SUM(v)", "f" },
                 { TG_PIVOT_MAX, "MAX(v)", "f" } };
    const char *rows[] = { "r" };
    for (size_t a = 0; a < TG_ARRAY_LEN(aggs); a++) {
        tg_table *p;
        tg_pivot_spec spec = {
            .rows = rows, .n_rows = 1, .cols = "c", .values = aggs[a].value, .agg = aggs[a].agg
        };
        assert_int_equal(tg_pivot(t, &spec, NULL, &p, NULL), TG_OK);
        /* Rows in key order, NULL last; columns 1, 2, 10, null. */
        static const char *names[] = { "r", "1", "2", "10", "null" };
        assert_int_equal(p->n_cols, 5);
        for (size_t k = 0; k < 5; k++) assert_string_equal(p->names[k], names[k]);
        assert_int_equal(p->n_rows, 4);
        size_t seen = 0;
        char sql[256];
        sqlite3_stmt *st;
        snprintf(sql, sizeof sql,
                 "SELECT r, c, %s FROM t GROUP BY r, c ORDER BY r IS NULL, r, c IS NULL, c",
                 aggs[a].sql);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *r = (const char *)sqlite3_column_text(st, 0);
            const char *c = (const char *)sqlite3_column_text(st, 1);
            size_t row = 0, col;
            char got[64], want[64] = "NULL";
            while (row < 4) {
                cell_text(p->cols[0], row, got, sizeof got);
                if (strcmp(got, r ? r : "NULL") == 0) break;
                row++;
            }
            assert_true(row < 4);
            col = (size_t)tg_table_find(p, c ? c : "null");
            cell_text(p->cols[col], row, got, sizeof got);
            if (sqlite3_column_type(st, 2) == SQLITE_INTEGER)
                snprintf(want, sizeof want, "%lld", (long long)sqlite3_column_int64(st, 2));
            else if (sqlite3_column_type(st, 2) == SQLITE_FLOAT)
                snprintf(want, sizeof want, "%g", sqlite3_column_double(st, 2));
            if (strcmp(got, want) != 0)
                fail_msg("%s: r=%s c=%s: tegn %s, sqlite %s", sql, r ? r : "NULL", c ? c : "NULL",
                         got, want);
            seen++;
        }
        sqlite3_finalize(st);
        /* Cells SQLite has no group for must be NULL: count them. */
        size_t nulls = 0;
        for (size_t k = 1; k < p->n_cols; k++) nulls += tg_col_null_count(p->cols[k]);
        size_t expected_cells = 4 * 4;
        assert_true(seen <= expected_cells);
        if (aggs[a].agg == TG_PIVOT_COUNT) assert_int_equal(nulls, expected_cells - seen);
        tg_table_release(p);
    }
    sqlite3_close(db);
    tg_table_release(t);
    free(rcells);
    free(ccells);
    free(vcells);
    free(vbuf);
    tg_test_no_leaks(blocks);
}

/* ---- unpivot ---- */

static tg_table *wide_table(void) {
    tg_table *t = tg_table_new();
    add_text_col(t, "id", TG_INT, CELLS("1", "2", "3"), 3);
    add_text_col(t, "jan", TG_INT, CELLS("10", "NULL", "30"), 3);
    add_text_col(t, "note", TG_STRING, CELLS("a", "b", "c"), 3);
    add_text_col(t, "feb", TG_FLOAT, CELLS("1.5", "2.5", "NULL"), 3);
    return t;
}

static void test_reshape_unpivot_basic(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = wide_table(), *u;
    const char *keep[] = { "id" }, *melt[] = { "jan", "feb" }, *melt2[] = { "feb", "jan" };

    /* keep + melt: 'note' is dropped; int and float melt to float; rows
    ** are row-major in the order melt lists them. */
    tg_unpivot_spec spec = { .keep = keep, .n_keep = 1, .melt = melt, .n_melt = 2 };
    assert_int_equal(tg_unpivot(t, &spec, NULL, &u, NULL), TG_OK);
    expect_table(u, CELLS("id", "name", "value"), 3,
                 CELLS("1", "jan", "10", "1", "feb", "1.5", "2", "jan", "NULL", "2", "feb", "2.5",
                       "3", "jan", "30", "3", "feb", "NULL"),
                 6);
    assert_int_equal(u->cols[2]->type, TG_FLOAT);
    tg_table_release(u);

    /* keep NULL: every other column is kept, in table order; names given. */
    spec = (tg_unpivot_spec){
        .melt = melt2, .n_melt = 2, .name_col = "maaned", .value_col = "dage", .drop_null = 1
    };
    assert_int_equal(tg_unpivot(t, &spec, NULL, &u, NULL), TG_OK);
    expect_table(u, CELLS("id", "note", "maaned", "dage"), 4,
                 CELLS("1", "a", "feb", "1.5", "1", "a", "jan", "10", "2", "b", "feb", "2.5", "3",
                       "c", "jan", "30"),
                 4);
    tg_table_release(u);

    /* melt NULL: every column not kept -- here a type clash, named. */
    const char *keep2[] = { "id" };
    tg_error err;
    spec = (tg_unpivot_spec){ .keep = keep2, .n_keep = 1 };
    u = (tg_table *)1;
    assert_int_equal(tg_unpivot(t, &spec, NULL, &u, &err), TG_EARG);
    assert_null(u);
    assert_string_equal(err.msg,
                        "melted columns must share a type: 'jan' is int, 'note' is string");

    /* Strings from different dictionaries melt into one. */
    tg_table *s = tg_table_new();
    add_text_col(s, "x", TG_STRING, CELLS("Ærø", "b"), 2);
    add_text_col(s, "y", TG_STRING, CELLS("b", "NULL"), 2);
    const char *none[] = { NULL };
    spec = (tg_unpivot_spec){ .keep = none, .n_keep = 0 };
    assert_int_equal(tg_unpivot(s, &spec, NULL, &u, NULL), TG_OK);
    expect_table(u, CELLS("name", "value"), 2, CELLS("x", "Ærø", "y", "b", "x", "b", "y", "NULL"),
                 4);
    assert_int_equal(tg_dict_size(u->cols[1]->dict), 2);
    tg_table_release(u);
    tg_table_release(s);

    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_reshape_unpivot_errors(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = wide_table(), *u;
    tg_error err;
    const char *id[] = { "id" }, *jan[] = { "jan" }, *idjan[] = { "id", "jan" },
               *all[] = { "id", "jan", "note", "feb" }, *bad[] = { "fep" },
               *twice[] = { "jan", "jan" };
    struct {
        tg_unpivot_spec spec;
        const char *msg;
    } cases[] = {
        { { 0 }, "unpivot needs the columns to keep or melt" },
        { { .keep = idjan, .n_keep = 2, .melt = jan, .n_melt = 1 },
          "column 'jan' cannot be both kept and melted" },
        { { .keep = all, .n_keep = 4 }, "nothing to melt; every column is kept" },
        { { .melt = bad, .n_melt = 1 }, "no column 'fep'; did you mean 'feb'?" },
        { { .melt = twice, .n_melt = 2 }, "column 'jan' is given twice" },
        { { .keep = id, .n_keep = 1, .melt = jan, .n_melt = 1, .name_col = "id" },
          "output column 'id' clashes with a kept column; choose other names" },
        { { .keep = id, .n_keep = 1, .melt = jan, .n_melt = 1, .value_col = "name" },
          "output column 'name' clashes with the value column; choose other names" },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(cases); i++) {
        u = (tg_table *)1;
        assert_int_equal(tg_unpivot(t, &cases[i].spec, NULL, &u, &err), TG_EARG);
        assert_null(u);
        assert_string_equal(err.msg, cases[i].msg);
    }
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* unpivot(pivot(x)) gives x back, up to row order and the NULL cells pivot
** makes (dropped again by drop_null), for random unique (r1, r2, c). */
static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **row_strings(const tg_table *t, const char *const *cols, size_t nc, int skip_null) {
    char **rows = calloc(t->n_rows + 1, sizeof *rows), buf[64];
    size_t n = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        char line[256] = "";
        int has_null = 0;
        for (size_t k = 0; k < nc; k++) {
            const tg_col *c = tg_table_col(t, cols[k]);
            cell_text(c, r, buf, sizeof buf);
            has_null |= !tg_col_is_valid(c, r) && k == nc - 1;
            strcat(line, buf);
            strcat(line, "|");
        }
        if (skip_null && has_null) continue;
        rows[n++] = strdup(line);
    }
    qsort(rows, n, sizeof *rows, cmp_str);
    return rows;
}

static void test_reshape_round_trip(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    seed = 2024;
    for (int trial = 0; trial < 5; trial++) {
        /* unique (r1, r2, c) by construction: a random subset of the grid */
        tg_col *r1 = tg_col_new(TG_STRING, 0, NULL), *r2 = tg_col_new(TG_INT, 0, NULL);
        tg_col *c = tg_col_new(TG_DATE, 0, NULL), *v = tg_col_new(TG_FLOAT, 0, NULL);
        static const char *names[] = { "Høje-Taastrup", "Aarhus", "Ærø" };
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 4; b++)
                for (int m = 1; m <= 12; m++) {
                    if (rnd() % 3 == 0) continue;
                    assert_int_equal(tg_col_push_str(r1, names[a], strlen(names[a])), TG_OK);
                    assert_int_equal(b == 3 ? tg_col_push_null(r2) : tg_col_push_i64(r2, b), TG_OK);
                    assert_int_equal(tg_col_push_date(c, tg_date_from_ymd(2023, m, 1)), TG_OK);
                    double x = (double)(rnd() % 1000) / 4;
                    assert_int_equal(rnd() % 7 == 0 ? tg_col_push_null(v) : tg_col_push_f64(v, x),
                                     TG_OK);
                }
        tg_table *t = tg_table_new(), *p, *u;
        assert_int_equal(tg_table_add(t, "r1", r1), TG_OK);
        assert_int_equal(tg_table_add(t, "r2", r2), TG_OK);
        assert_int_equal(tg_table_add(t, "c", c), TG_OK);
        assert_int_equal(tg_table_add(t, "v", v), TG_OK);
        tg_col_release(r1);
        tg_col_release(r2);
        tg_col_release(c);
        tg_col_release(v);

        const char *rows[] = { "r1", "r2" };
        tg_pivot_spec ps = { .rows = rows, .n_rows = 2, .cols = "c", .values = "v" };
        assert_int_equal(tg_pivot(t, &ps, NULL, &p, NULL), TG_OK);
        tg_unpivot_spec us = {
            .keep = rows, .n_keep = 2, .name_col = "c", .value_col = "v", .drop_null = 1
        };
        assert_int_equal(tg_unpivot(p, &us, NULL, &u, NULL), TG_OK);

        const char *cols[] = { "r1", "r2", "c", "v" };
        char **want = row_strings(t, cols, 4, 1), **got = row_strings(u, cols, 4, 0);
        size_t i = 0;
        for (; want[i] && got[i]; i++) assert_string_equal(got[i], want[i]);
        assert_null(want[i]);
        assert_null(got[i]);
        for (i = 0; want[i]; i++) free(want[i]);
        for (i = 0; got[i]; i++) free(got[i]);
        free(want);
        free(got);
        tg_table_release(u);
        tg_table_release(p);
        tg_table_release(t);
    }
    tg_test_no_leaks(blocks);
}

/* ---- complete ---- */

static void test_reshape_complete_months(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new(), *c, *fill = tg_table_new();
    /* A has Jan and Mar (twice); B has Apr and a NULL month; C only a NULL
    ** month; global range Jan..Apr 2023. */
    add_text_col(t, "tilbud", TG_STRING, CELLS("A", "B", "A", "B", "A", "C"), 6);
    add_text_col(t, "maaned", TG_DATE,
                 CELLS("2023-03-01", "2023-04-01", "2023-01-01", "NULL", "2023-03-01", "NULL"), 6);
    add_text_col(t, "n", TG_INT, CELLS("5", "6", "NULL", "8", "9", "1"), 6);
    add_text_col(t, "note", TG_STRING, CELLS("x", "y", "z", "w", "v", "u"), 6);
    const char *keys[] = { "tilbud" };

    assert_int_equal(tg_complete(t, keys, 1, "maaned", "month", NULL, NULL, &c, NULL), TG_OK);
    expect_table(c, CELLS("tilbud", "maaned", "n", "note"), 4,
                 CELLS("A", "2023-01-01", "NULL", "z",    /* */
                       "A", "2023-02-01", "NULL", "NULL", /* new */
                       "A", "2023-03-01", "5", "x",       /* */
                       "A", "2023-03-01", "9", "v",       /* duplicate kept, in input order */
                       "A", "2023-04-01", "NULL", "NULL", /* new */
                       "B", "2023-01-01", "NULL", "NULL", /* new */
                       "B", "2023-02-01", "NULL", "NULL", /* new */
                       "B", "2023-03-01", "NULL", "NULL", /* new */
                       "B", "2023-04-01", "6", "y",       /* */
                       "B", "NULL", "8", "w",             /* NULL period last */
                       "C", "2023-01-01", "NULL", "NULL", /* new */
                       "C", "2023-02-01", "NULL", "NULL", /* */
                       "C", "2023-03-01", "NULL", "NULL", /* */
                       "C", "2023-04-01", "NULL", "NULL", /* */
                       "C", "NULL", "1", "u"),
                 15);
    tg_table_release(c);

    /* Fill values reach new rows only (A's existing NULL n stays NULL); a
    ** string new to the dictionary gets the column a private copy. */
    add_text_col(fill, "n", TG_INT, CELLS("0"), 1);
    add_text_col(fill, "note", TG_STRING, CELLS("ny"), 1);
    assert_int_equal(tg_complete(t, keys, 1, "maaned", "month", fill, NULL, &c, NULL), TG_OK);
    expect_table(c, CELLS("tilbud", "maaned", "n", "note"), 4,
                 CELLS("A", "2023-01-01", "NULL", "z", "A", "2023-02-01", "0", "ny", "A",
                       "2023-03-01", "5", "x", "A", "2023-03-01", "9", "v", "A", "2023-04-01", "0",
                       "ny", "B", "2023-01-01", "0", "ny", "B", "2023-02-01", "0", "ny", "B",
                       "2023-03-01", "0", "ny", "B", "2023-04-01", "6", "y", "B", "NULL", "8", "w",
                       "C", "2023-01-01", "0", "ny", "C", "2023-02-01", "0", "ny", "C",
                       "2023-03-01", "0", "ny", "C", "2023-04-01", "0", "ny", "C", "NULL", "1",
                       "u"),
                 15);
    assert_int_equal(tg_dict_size(t->cols[3]->dict), 6);
    tg_table_release(c);

    /* No keys: one group, the whole table. */
    tg_table *one = tg_table_new();
    add_text_col(one, "d", TG_DATE, CELLS("2024-12-01", "2024-10-01"), 2);
    assert_int_equal(tg_complete(one, NULL, 0, "d", "month", NULL, NULL, &c, NULL), TG_OK);
    expect_table(c, CELLS("d"), 1, CELLS("2024-10-01", "2024-11-01", "2024-12-01"), 3);
    tg_table_release(c);
    tg_table_release(one);

    tg_table_release(fill);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_reshape_complete_units(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    struct {
        const char *unit;
        const char *in[2];
        const char *out[6];
        size_t n_out;
    } cases[] = {
        { "day", { "2024-02-28", "2024-03-01" }, { "2024-02-28", "2024-02-29", "2024-03-01" }, 3 },
        /* ISO weeks start on Monday: 2024-12-30 is the Monday of 2025-W01 */
        { "week",
          { "2024-12-16", "2025-01-06" },
          { "2024-12-16", "2024-12-23", "2024-12-30", "2025-01-06" },
          4 },
        { "month",
          { "2023-11-01", "2024-02-01" },
          { "2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01" },
          4 },
        { "quarter",
          { "2023-07-01", "2024-07-01" },
          { "2023-07-01", "2023-10-01", "2024-01-01", "2024-04-01", "2024-07-01" },
          5 },
        { "year", { "1999-01-01", "2001-01-01" }, { "1999-01-01", "2000-01-01", "2001-01-01" }, 3 },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(cases); i++) {
        tg_table *t = tg_table_new(), *c;
        add_text_col(t, "p", TG_DATE, cases[i].in, 2);
        assert_int_equal(tg_complete(t, NULL, 0, "p", cases[i].unit, NULL, NULL, &c, NULL), TG_OK);
        expect_table(c, CELLS("p"), 1, cases[i].out, cases[i].n_out);
        tg_table_release(c);
        tg_table_release(t);
    }
    tg_test_no_leaks(blocks);
}

static void test_reshape_complete_errors(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new(), *c, *fill;
    tg_error err;
    add_text_col(t, "k", TG_STRING, CELLS("a", "b"), 2);
    add_text_col(t, "d", TG_DATE, CELLS("2023-01-01", "2023-03-15"), 2);
    add_text_col(t, "w", TG_DATE, CELLS("2024-01-01", "2024-01-03"), 2);
    add_text_col(t, "n", TG_INT, CELLS("1", "2"), 2);
    const char *k[] = { "k" }, *kd[] = { "k", "d" };

    c = (tg_table *)1;
    assert_int_equal(tg_complete(t, k, 1, "d", "month", NULL, NULL, &c, &err), TG_EDATA);
    assert_null(c);
    assert_string_equal(err.msg, "complete: 'd' has 2023-03-15 at row 2, which is not the start "
                                 "of a month; truncate it first with :trunc(\"month\")");
    assert_int_equal(tg_complete(t, k, 1, "w", "week", NULL, NULL, &c, &err), TG_EDATA);
    assert_string_equal(err.msg, "complete: 'w' has 2024-01-03 at row 2, which is not the start "
                                 "of a week (a Monday); truncate it first with :trunc(\"week\")");
    assert_int_equal(tg_complete(t, k, 1, "n", "month", NULL, NULL, &c, &err), TG_EARG);
    assert_string_equal(err.msg, "period column 'n' is int, not a date");
    assert_int_equal(tg_complete(t, k, 1, "d", "months", NULL, NULL, &c, &err), TG_EARG);
    assert_string_equal(err.msg, "unknown unit 'months'; use day, week, month, quarter or year");
    assert_int_equal(tg_complete(t, kd, 2, "d", "day", NULL, NULL, &c, &err), TG_EARG);
    assert_string_equal(err.msg, "'d' is both a key and the period");
    assert_int_equal(tg_complete(t, k, 1, "dd", "day", NULL, NULL, &c, &err), TG_EARG);
    assert_string_equal(err.msg, "no column 'dd'; did you mean 'd'?");

    fill = tg_table_new();
    add_text_col(fill, "k", TG_STRING, CELLS("z"), 1);
    assert_int_equal(tg_complete(t, k, 1, "d", "day", fill, NULL, &c, &err), TG_EARG);
    assert_string_equal(err.msg, "cannot fill 'k'; it is a key or the period");
    tg_table_release(fill);
    fill = tg_table_new();
    add_text_col(fill, "n", TG_STRING, CELLS("z"), 1);
    assert_int_equal(tg_complete(t, k, 1, "d", "day", fill, NULL, &c, &err), TG_EARG);
    assert_string_equal(err.msg, "fill value for 'n' is a string, but the column is int");
    tg_table_release(fill);
    fill = tg_table_new();
    add_text_col(fill, "nn", TG_INT, CELLS("0"), 1);
    assert_int_equal(tg_complete(t, k, 1, "d", "day", fill, NULL, &c, &err), TG_EARG);
    assert_string_equal(err.msg, "no column 'nn'; did you mean 'n'?");
    tg_table_release(fill);

    /* An empty table or no periods at all: nothing to add. */
    tg_table *e = tg_table_new();
    add_text_col(e, "k", TG_STRING, CELLS("a", "b"), 2);
    add_text_col(e, "d", TG_DATE, CELLS("NULL", "NULL"), 2);
    assert_int_equal(tg_complete(e, k, 1, "d", "month", NULL, NULL, &c, NULL), TG_OK);
    expect_table(c, CELLS("k", "d"), 2, CELLS("a", "NULL", "b", "NULL"), 2);
    tg_table_release(c);
    tg_table_release(e);

    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* Random data: every group gets every month of the global range, all input
** rows survive, only new rows are added, and the output is sorted. */
static void test_reshape_complete_properties(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    seed = 31;
    const size_t n = 300;
    tg_col *k1 = tg_col_new(TG_STRING, 0, NULL), *k2 = tg_col_new(TG_BOOL, 0, NULL);
    tg_col *d = tg_col_new(TG_DATE, 0, NULL), *x = tg_col_new(TG_INT, 0, NULL);
    static const char *names[] = { "a", "b", "c", "d", "e" };
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tg_col_push_str(k1, names[rnd() % 5], 1), TG_OK);
        assert_int_equal(rnd() % 9 == 0 ? tg_col_push_null(k2) : tg_col_push_bool(k2, rnd() & 1),
                         TG_OK);
        int m = (int)(rnd() % 30);
        assert_int_equal(rnd() % 15 == 0
                             ? tg_col_push_null(d)
                             : tg_col_push_date(d, tg_date_from_ymd(2021 + m / 12, m % 12 + 1, 1)),
                         TG_OK);
        assert_int_equal(tg_col_push_i64(x, (int64_t)i), TG_OK); /* identifies input rows */
    }
    tg_table *t = tg_table_new(), *c, *fill = tg_table_new();
    assert_int_equal(tg_table_add(t, "k1", k1), TG_OK);
    assert_int_equal(tg_table_add(t, "k2", k2), TG_OK);
    assert_int_equal(tg_table_add(t, "d", d), TG_OK);
    assert_int_equal(tg_table_add(t, "x", x), TG_OK);
    tg_col_release(k1);
    tg_col_release(k2);
    tg_col_release(d);
    tg_col_release(x);
    add_text_col(fill, "x", TG_INT, CELLS("-1"), 1);
    const char *keys[] = { "k1", "k2" };
    assert_int_equal(tg_complete(t, keys, 2, "d", "month", fill, NULL, &c, NULL), TG_OK);

    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < n; i++) {
        if (!tg_col_is_valid(t->cols[2], i)) continue;
        if (t->cols[2]->v.date[i] < lo) lo = t->cols[2]->v.date[i];
        if (t->cols[2]->v.date[i] > hi) hi = t->cols[2]->v.date[i];
    }
    int months =
        (tg_date_year(hi) - tg_date_year(lo)) * 12 + tg_date_month(hi) - tg_date_month(lo) + 1;
    /* groups: k1 (5) x k2 (false, true, NULL) present in the data */
    int present[5][3] = { { 0 } }, groups = 0;
    int seen_month[5][3][40] = { { { 0 } } };
    size_t seen_row[300] = { 0 }, new_rows = 0;
    const tg_col *ck1 = c->cols[0], *ck2 = c->cols[1], *cd = c->cols[2], *cx = c->cols[3];
    for (size_t i = 0; i < n; i++) {
        const char *s = tg_dict_str(t->cols[0]->dict, t->cols[0]->v.str[i], NULL);
        int b = tg_col_is_valid(t->cols[1], i) ? t->cols[1]->v.b8[i] : 2;
        if (!present[s[0] - 'a'][b]++) groups++;
    }
    for (size_t o = 0; o < c->n_rows; o++) {
        const char *s = tg_dict_str(ck1->dict, ck1->v.str[o], NULL);
        int b = tg_col_is_valid(ck2, o) ? ck2->v.b8[o] : 2;
        assert_true(present[s[0] - 'a'][b] > 0);
        if (tg_col_is_valid(cd, o)) {
            int32_t day = cd->v.date[o];
            int mi = (tg_date_year(day) - tg_date_year(lo)) * 12 + tg_date_month(day) -
                     tg_date_month(lo);
            assert_true(mi >= 0 && mi < months);
            seen_month[s[0] - 'a'][b][mi] = 1;
        }
        assert_true(tg_col_is_valid(cx, o));
        if (cx->v.i64[o] == -1) {
            new_rows++;
            assert_true(tg_col_is_valid(cd, o));
        } else {
            seen_row[cx->v.i64[o]]++;
        }
        /* sorted: (k1, k2 with NULL last, d with NULL last) never decreases */
        if (o > 0) {
            const char *ps = tg_dict_str(ck1->dict, ck1->v.str[o - 1], NULL);
            int pb = tg_col_is_valid(ck2, o - 1) ? ck2->v.b8[o - 1] : 2;
            int64_t pd = tg_col_is_valid(cd, o - 1) ? cd->v.date[o - 1] : INT64_MAX;
            int64_t dd = tg_col_is_valid(cd, o) ? cd->v.date[o] : INT64_MAX;
            int cmp = strcmp(ps, s) != 0 ? strcmp(ps, s) : pb != b ? pb - b : (pd > dd) - (pd < dd);
            assert_true(cmp <= 0);
        }
    }
    for (size_t i = 0; i < n; i++) assert_int_equal(seen_row[i], 1);
    size_t missing = 0;
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 3; b++) {
            if (!present[a][b]) continue;
            for (int m = 0; m < months; m++) missing += !seen_month[a][b][m] ? 1 : 0;
        }
    assert_int_equal(missing, 0);
    assert_int_equal(c->n_rows, n + new_rows);
    assert_true(new_rows > 0 && groups > 10);

    tg_table_release(c);
    tg_table_release(fill);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- failures ---- */

static tg_status oom_all(void *ctx) {
    const tg_table *t = ctx;
    tg_table *p, *u, *c, *fill;
    const char *rows[] = { "tilbud" }, *keep[] = { "tilbud" };
    static const tg_pivot_agg aggs[] = { TG_PIVOT_ERROR, TG_PIVOT_SUM, TG_PIVOT_MEAN,
                                         TG_PIVOT_COUNT, TG_PIVOT_MAX };
    tg_status st = TG_OK;
    for (size_t a = 0; a < TG_ARRAY_LEN(aggs) && st == TG_OK; a++) {
        tg_pivot_spec ps = {
            .rows = rows, .n_rows = 1, .cols = "maaned", .values = "dage", .agg = aggs[a]
        };
        if ((st = tg_pivot(t, &ps, NULL, &p, NULL)) != TG_OK) return st;
        tg_unpivot_spec us = { .keep = keep, .n_keep = 1 };
        st = tg_unpivot(p, &us, NULL, &u, NULL);
        tg_table_release(p);
        if (st == TG_OK) tg_table_release(u);
    }
    if (st != TG_OK) return st;
    if (!(fill = tg_table_new())) return TG_ENOMEM;
    tg_col *f = tg_col_new(TG_INT, 1, NULL);
    if (!f || tg_col_push_i64(f, 0) != TG_OK || tg_table_add(fill, "dage", f) != TG_OK) {
        tg_col_release(f);
        tg_table_release(fill);
        return TG_ENOMEM;
    }
    tg_col_release(f);
    st = tg_complete(t, rows, 1, "maaned", "month", fill, NULL, &c, NULL);
    tg_table_release(fill);
    if (st == TG_OK) tg_table_release(c);
    return st;
}

static void test_reshape_oom(void **state) {
    (void)state;
    tg_table *t = long_table();
    size_t blocks = tg_mem_blocks();
    assert_true(tg_test_oom_loop(oom_all, t) > 30);
    tg_test_no_leaks(blocks);
    tg_table_release(t);
}

static int polls_left;

static tg_status stop_after(void *ud) {
    (void)ud;
    /* atomic: the kernels poll from every worker thread (tg_par) */
    return __atomic_fetch_sub(&polls_left, 1, __ATOMIC_RELAXED) > 0 ? TG_OK : TG_ECANCEL;
}

static void test_reshape_interrupt(void **state) {
    (void)state;
    seed = 8;
    const size_t n = 20000;
    tg_col *k = tg_col_new(TG_INT, n, NULL), *m = tg_col_new(TG_DATE, n, NULL);
    tg_col *v = tg_col_new(TG_INT, n, NULL);
    for (size_t i = 0; i < n; i++) {
        k->v.i64[i] = (int64_t)(rnd() % 500);
        m->v.date[i] = tg_date_from_ymd(2020 + (int)(rnd() % 3), (int)(rnd() % 12) + 1, 1);
        v->v.i64[i] = (int64_t)i;
    }
    k->len = m->len = v->len = n;
    tg_table *t = tg_table_new();
    assert_int_equal(tg_table_add(t, "k", k), TG_OK);
    assert_int_equal(tg_table_add(t, "m", m), TG_OK);
    assert_int_equal(tg_table_add(t, "v", v), TG_OK);
    tg_col_release(k);
    tg_col_release(m);
    tg_col_release(v);
    size_t blocks = tg_mem_blocks();
    tg_interrupt intr = { stop_after, NULL };
    const char *keys[] = { "k" };
    for (int verb = 0; verb < 3; verb++) {
        int stops = 0;
        for (int budget = 0;; budget += 3) {
            tg_table *out = (tg_table *)1;
            tg_error err;
            tg_status st;
            polls_left = budget;
            if (verb == 0) {
                tg_pivot_spec ps = {
                    .rows = keys, .n_rows = 1, .cols = "m", .values = "v", .agg = TG_PIVOT_SUM
                };
                st = tg_pivot(t, &ps, &intr, &out, &err);
            } else if (verb == 1) {
                const char *keep[] = { "m" };
                tg_unpivot_spec us = { .keep = keep, .n_keep = 1 };
                st = tg_unpivot(t, &us, &intr, &out, &err);
            } else {
                st = tg_complete(t, keys, 1, "m", "month", NULL, &intr, &out, &err);
            }
            if (st == TG_OK) {
                tg_table_release(out);
                break;
            }
            assert_int_equal(st, TG_ECANCEL);
            assert_int_equal(err.code, TG_ECANCEL);
            assert_null(out);
            tg_test_no_leaks(blocks);
            stops++;
        }
        assert_true(stops > 2);
    }
    tg_table_release(t);
}

/* An empty input gives an empty output with the expected columns. */
static void test_reshape_empty_table(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new(), *o;
    add_text_col(t, "a", TG_STRING, NULL, 0);
    add_text_col(t, "b", TG_DATE, NULL, 0);
    add_text_col(t, "c", TG_INT, NULL, 0);
    const char *a[] = { "a" }, *c[] = { "c" };
    tg_pivot_spec p = { .rows = a, .n_rows = 1, .cols = "b", .values = "c" };
    assert_int_equal(tg_pivot(t, &p, NULL, &o, NULL), TG_OK);
    expect_table(o, CELLS("a"), 1, NULL, 0);
    tg_table_release(o);
    tg_unpivot_spec u = { .keep = a, .n_keep = 1, .melt = c, .n_melt = 1 };
    assert_int_equal(tg_unpivot(t, &u, NULL, &o, NULL), TG_OK);
    expect_table(o, CELLS("a", "name", "value"), 3, NULL, 0);
    tg_table_release(o);
    assert_int_equal(tg_complete(t, a, 1, "b", "month", NULL, NULL, &o, NULL), TG_OK);
    expect_table(o, CELLS("a", "b", "c"), 3, NULL, 0);
    tg_table_release(o);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_reshape_agg_names(void **state) {
    (void)state;
    tg_pivot_agg a;
    for (int i = TG_PIVOT_ERROR; i <= TG_PIVOT_MAX; i++) {
        assert_int_equal(tg_pivot_agg_parse(tg_pivot_agg_name((tg_pivot_agg)i), &a), 0);
        assert_int_equal(a, i);
    }
    assert_string_equal(tg_pivot_agg_name(TG_PIVOT_MEAN), "mean");
    assert_int_equal(tg_pivot_agg_parse("avg", &a), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reshape_pivot_basic),
        cmocka_unit_test(test_reshape_pivot_column_names),
        cmocka_unit_test(test_reshape_pivot_aggregates_by_hand),
        cmocka_unit_test(test_reshape_pivot_errors),
        cmocka_unit_test(test_reshape_pivot_vs_sqlite),
        cmocka_unit_test(test_reshape_unpivot_basic),
        cmocka_unit_test(test_reshape_unpivot_errors),
        cmocka_unit_test(test_reshape_round_trip),
        cmocka_unit_test(test_reshape_complete_months),
        cmocka_unit_test(test_reshape_complete_units),
        cmocka_unit_test(test_reshape_complete_errors),
        cmocka_unit_test(test_reshape_complete_properties),
        cmocka_unit_test_teardown(test_reshape_oom, tg_test_disarm),
        cmocka_unit_test(test_reshape_interrupt),
        cmocka_unit_test(test_reshape_empty_table),
        cmocka_unit_test(test_reshape_agg_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
