/*
** test_db.c -- tests for the SQLite adapter (tg_db.h).
** Databases are built with the sqlite3 API directly from
** tests/fixtures/db/takst.sql, and results are checked against values
** worked out by hand (day numbers with Python's datetime) or read back
** through the sqlite3 API and CLI as a second method. "Unchanged" means a
** dump of every schema entry and row, taken with the sqlite3 API, is equal.
*/
#include "tg_test.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tg_db.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_table.h"

/* Day numbers since 1970-01-01, from Python: (date(y, m, d) - date(1970, 1, 1)).days */
#define D_2023_12_31 19722
#define D_2024_01_01 19723
#define D_2024_01_31 19753
#define D_2024_02_01 19754
#define D_2024_02_29 19782
#define D_2024_03_15 19797
#define D_2024_03_29 19811
#define D_2024_04_15 19828
#define D_0001_01_01 (-719162)
#define D_9999_12_31 2932896

/* ---- helpers ---- */

static void exec_db(const char *path, const char *sql) {
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("sqlite3: %s", msg);
    sqlite3_close(db);
}

/* A fresh database file holding the takst fixture; returns its path. */
static const char *takst_db(char *path, size_t size) {
    static char sql[8192];
    FILE *f = fopen(tg_test_fixture("db/takst.sql"), "rb");
    assert_non_null(f);
    size_t n = fread(sql, 1, sizeof sql - 1, f);
    fclose(f);
    sql[n] = '\0';
    snprintf(path, size, "%s", tg_test_tmpfile(".db"));
    exec_db(path, sql);
    return path;
}

/* The first row of 'sql' as "v1|v2|...", NULL as "NULL", via the sqlite3 API. */
static const char *query1(const char *path, const char *sql) {
    static char out[1024];
    sqlite3 *db;
    sqlite3_stmt *stmt;
    size_t len = 0;

    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail_msg("sqlite3: %s", sqlite3_errmsg(db));
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(stmt); c++) {
            const char *v = (const char *)sqlite3_column_text(stmt, c);
            len +=
                (size_t)snprintf(out + len, sizeof out - len, "%s%s", c ? "|" : "", v ? v : "NULL");
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

/* Every schema entry and every row (with storage classes) of the database. */
static void dump_db(const char *path, char *out, size_t size) {
    sqlite3 *db;
    sqlite3_stmt *objs, *rows;
    size_t len = 0;

    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT type, name, sql FROM sqlite_master ORDER BY name",
                                        -1, &objs, NULL),
                     SQLITE_OK);
    while (sqlite3_step(objs) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(objs, 0);
        const char *name = (const char *)sqlite3_column_text(objs, 1);
        len += (size_t)snprintf(out + len, size - len, "%s\n", sqlite3_column_text(objs, 2));
        if (strcmp(type, "table") != 0) continue;
        char *q = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY rowid", name);
        assert_int_equal(sqlite3_prepare_v2(db, q, -1, &rows, NULL), SQLITE_OK);
        sqlite3_free(q);
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                const char *v = (const char *)sqlite3_column_text(rows, c);
                len += (size_t)snprintf(out + len, size - len, "%d:%s|",
                                        sqlite3_column_type(rows, c), v ? v : "");
            }
            len += (size_t)snprintf(out + len, size - len, "\n");
        }
        sqlite3_finalize(rows);
        assert_true(len < size - 1); /* the dump must not be truncated */
    }
    sqlite3_finalize(objs);
    sqlite3_close(db);
}

static int file_exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

static tg_col *col_of(const tg_table *t, const char *name, tg_type type) {
    tg_col *col = tg_table_col(t, name);
    if (!col) fail_msg("no column '%s'", name);
    assert_int_equal(col->type, type);
    return col;
}

static const char *str_at(const tg_col *col, size_t i) {
    assert_true(tg_col_is_valid(col, i));
    return tg_dict_str(col->dict, col->v.str[i], NULL);
}

static tg_table *read_ok(const char *path, const char *sql, const tg_db_param *p, size_t n) {
    tg_table *t = NULL;
    tg_error err;
    tg_err_clear(&err);
    tg_status st = tg_db_read(path, sql, p, n, &t, &err);
    if (st != TG_OK) fail_msg("tg_db_read: %s", err.msg);
    assert_non_null(t);
    return t;
}

/* ---- reading ---- */

static void test_db_read_takst_table(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);

    tg_table *t = read_ok(path, "takst", NULL, 0);
    assert_int_equal(t->n_rows, 5);
    assert_int_equal(t->n_cols, 7);
    const char *order[] = { "tilbud_id", "navn",    "kommune", "gyldig_fra",
                            "dagstakst", "pladser", "aktiv" };
    for (size_t i = 0; i < 7; i++) assert_string_equal(t->names[i], order[i]);

    tg_col *id = col_of(t, "tilbud_id", TG_STRING);
    tg_col *navn = col_of(t, "navn", TG_STRING);
    tg_col *kommune = col_of(t, "kommune", TG_STRING);
    tg_col *fra = col_of(t, "gyldig_fra", TG_DATE);
    tg_col *takst = col_of(t, "dagstakst", TG_FLOAT);
    tg_col *pladser = col_of(t, "pladser", TG_INT);
    tg_col *aktiv = col_of(t, "aktiv", TG_BOOL);

    const char *ids[] = { "T-101", "T-102", "T-103", "T-104", "T-105" };
    const char *navne[] = { "Kofoedsminde", "Bo og Naboskab", "Solhøj", "Æblehaven",
                            "Kofoedsminde" };
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(str_at(id, i), ids[i]);
        assert_string_equal(str_at(navn, i), navne[i]);
    }
    /* The repeated name shares one dictionary entry. */
    assert_int_equal(navn->v.str[0], navn->v.str[4]);
    assert_int_equal(tg_dict_size(navn->dict), 4);

    assert_string_equal(str_at(kommune, 0), "Lolland");
    assert_string_equal(str_at(kommune, 1), "Høje-Taastrup");
    assert_false(tg_col_is_valid(kommune, 2));
    assert_string_equal(str_at(kommune, 3), "Aarhus");
    assert_int_equal(tg_col_null_count(kommune), 1);

    const int32_t days[] = { D_2024_01_01, D_2024_03_15, D_2023_12_31, 0, D_2024_02_29 };
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(tg_col_is_valid(fra, i), i != 3);
        if (i != 3) assert_int_equal(fra->v.date[i], days[i]);
    }

    assert_true(takst->v.f64[0] == 4325.5);
    assert_true(takst->v.f64[1] == 2890.0);
    assert_false(tg_col_is_valid(takst, 2));
    assert_true(takst->v.f64[3] == 3150.75);
    assert_true(takst->v.f64[4] == 4410.0);

    const int64_t pl[] = { 24, 12, 8, 0, 24 };
    const int ak[] = { 1, 1, 0, 0, 1 };
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(tg_col_is_valid(pladser, i), i != 3);
        assert_int_equal(tg_col_is_valid(aktiv, i), i != 3);
        if (i == 3) continue;
        assert_int_equal(pladser->v.i64[i], pl[i]);
        assert_int_equal(aktiv->v.b8[i], ak[i]);
    }
    tg_table_release(t);

    /* A view reads like a table and keeps the underlying declared types. */
    t = read_ok(path, "aktive", NULL, 0);
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(str_at(col_of(t, "tilbud_id", TG_STRING), 2), "T-105");
    assert_true(col_of(t, "dagstakst", TG_FLOAT)->v.f64[1] == 2890.0);
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

static void test_db_read_params(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);

    /* Positional ?1 plus a named :fra given bare. */
    tg_db_param p1[] = {
        { .name = NULL, .type = TG_STRING, .v.s = "Lolland" },
        { .name = "fra", .type = TG_DATE, .v.date = D_2024_02_01 },
    };
    tg_table *t = read_ok(path,
                          "SELECT tilbud_id, dagstakst FROM takst "
                          "WHERE kommune = ?1 AND gyldig_fra >= :fra ORDER BY tilbud_id",
                          p1, 2);
    assert_int_equal(t->n_rows, 1);
    assert_string_equal(str_at(col_of(t, "tilbud_id", TG_STRING), 0), "T-105");
    assert_true(col_of(t, "dagstakst", TG_FLOAT)->v.f64[0] == 4410.0);
    tg_table_release(t);

    /* @name and $name with their prefixes, int, float and bool values;
    ** two positional '?' take numbers 1 and 2 in order. */
    tg_db_param p2[] = {
        { .name = "$min", .type = TG_FLOAT, .v.f = 3000.0 },
        { .name = NULL, .type = TG_INT, .v.i = 10 },
        { .name = "@aktiv", .type = TG_BOOL, .v.b = 7 }, /* any nonzero is true */
        { .name = NULL, .type = TG_STRING, .v.s = "Høje-Taastrup" },
    };
    t = read_ok(path,
                "SELECT tilbud_id FROM takst WHERE pladser > ? AND kommune <> ? "
                "AND aktiv = @aktiv AND dagstakst > $min ORDER BY tilbud_id",
                p2, 4);
    assert_int_equal(t->n_rows, 2);
    tg_col *id = col_of(t, "tilbud_id", TG_STRING);
    assert_string_equal(str_at(id, 0), "T-101");
    assert_string_equal(str_at(id, 1), "T-105");
    tg_table_release(t);

    /* A NULL parameter is SQL NULL: IS NULL matches, = matches nothing. */
    tg_db_param p3[] = { { .name = ":k", .is_null = 1 } };
    t = read_ok(path, "SELECT count(*) AS n, sum(kommune IS :k) AS m FROM takst WHERE 1", p3, 1);
    assert_int_equal(col_of(t, "n", TG_INT)->v.i64[0], 5);
    assert_int_equal(col_of(t, "m", TG_INT)->v.i64[0], 1);
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

static void expect_read_error(const char *path, const char *sql, const tg_db_param *p, size_t n,
                              tg_status code, const char *needle) {
    static tg_table dummy;
    tg_table *t = &dummy; /* must be reset to NULL */
    tg_error err;
    tg_err_clear(&err);
    assert_int_equal(tg_db_read(path, sql, p, n, &t, &err), code);
    assert_null(t);
    assert_int_equal(err.code, code);
    assert_string_equal(err.file, path);
    if (!strstr(err.msg, needle)) fail_msg("'%s' not in message '%s'", needle, err.msg);
}

static void test_db_read_param_errors(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);
    const char *sql = "SELECT * FROM takst WHERE pladser > ?1 AND kommune = :k";
    tg_db_param one = { .type = TG_INT, .v.i = 1 };
    tg_db_param k = { .name = "k", .type = TG_STRING, .v.s = "Lolland" };
    tg_db_param bad = { .name = ":nope", .type = TG_INT, .v.i = 1 };
    tg_db_param kk = { .name = ":k", .type = TG_STRING, .v.s = "Aarhus" };

    expect_read_error(path, sql, &one, 1, TG_EARG, "parameter :k has no value");
    tg_db_param p2[] = { one, k, bad };
    expect_read_error(path, sql, p2, 3, TG_EARG, "no parameter ':nope'");
    /* Positional entries take parameter numbers in order, named or not:
    ** the second binds :k (number 2), a third has no parameter to bind. */
    tg_db_param p3[] = { one, one, one };
    expect_read_error(path, sql, p3, 3, TG_EARG, "positional parameter 3 given");
    tg_db_param p3b[] = { one, one, k };
    expect_read_error(path, sql, p3b, 3, TG_EARG, "parameter :k is given twice");
    tg_db_param p3c[] = { one, { .type = TG_STRING, .v.s = "Lolland" } };
    tg_table *t = read_ok(path, sql, p3c, 2);
    assert_int_equal(t->n_rows, 2);
    tg_table_release(t);
    tg_db_param p4[] = { one, k, kk };
    expect_read_error(path, sql, p4, 3, TG_EARG, "parameter :k is given twice");
    tg_db_param p5[] = { { .name = "k", .type = TG_STRING, .v.s = NULL }, one };
    expect_read_error(path, sql, p5, 2, TG_EARG, "parameter :k: the string is NULL");
    tg_db_param p6[] = { one, { .name = "k", .type = (tg_type)99 } };
    expect_read_error(path, sql, p6, 2, TG_EARG, "unknown type");
    /* A table name takes no parameters. */
    expect_read_error(path, "takst", &one, 1, TG_EARG, "positional parameter 1 given");
    unlink(path);
    tg_test_no_leaks(before);
}

/* Expression columns have no declared type: the values decide. */
static void test_db_read_expression_types(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);

    tg_table *t = read_ok(path,
                          "SELECT pladser * 2 AS dobbelt, "
                          "       CASE WHEN pladser > 10 THEN pladser ELSE pladser + 0.5 END "
                          "           AS blandet, "
                          "       date(gyldig_fra, '+1 month') AS naeste, "
                          "       NULL AS intet, "
                          "       tilbud_id || ':' || gyldig_fra AS noegle "
                          "FROM takst ORDER BY tilbud_id",
                          NULL, 0);
    assert_int_equal(t->n_rows, 5);
    tg_col *dobbelt = col_of(t, "dobbelt", TG_INT);
    tg_col *blandet = col_of(t, "blandet", TG_FLOAT);
    tg_col *naeste = col_of(t, "naeste", TG_DATE);
    tg_col *intet = col_of(t, "intet", TG_STRING);
    tg_col *noegle = col_of(t, "noegle", TG_STRING);

    const int64_t dob[] = { 48, 24, 16, 0, 48 };
    const double bl[] = { 24, 12, 8.5, 0, 24 };
    /* date(d, '+1 month') checked with the sqlite3 CLI: 2024-02-29 -> 2024-03-29,
    ** 2023-12-31 -> 2024-01-31. */
    const int32_t nx[] = { D_2024_02_01, D_2024_04_15, D_2024_01_31, 0, D_2024_03_29 };
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(tg_col_is_valid(dobbelt, i), i != 3);
        assert_int_equal(tg_col_is_valid(blandet, i), i != 3);
        assert_int_equal(tg_col_is_valid(naeste, i), i != 3);
        assert_false(tg_col_is_valid(intet, i));
        assert_int_equal(tg_col_is_valid(noegle, i), i != 3);
        if (i == 3) continue;
        assert_int_equal(dobbelt->v.i64[i], dob[i]);
        assert_true(blandet->v.f64[i] == bl[i]);
        assert_int_equal(naeste->v.date[i], nx[i]);
    }
    assert_string_equal(str_at(noegle, 2), "T-103:2023-12-31");
    tg_table_release(t);

    /* Text that is not all ISO dates stays text; so do ISO dates in a
    ** column declared TEXT. */
    t = read_ok(path,
                "SELECT column1 AS d FROM (VALUES ('2024-01-01'), ('2024-02-30'), ('2024-03-01'))",
                NULL, 0);
    assert_string_equal(str_at(col_of(t, "d", TG_STRING), 1), "2024-02-30");
    tg_table_release(t);
    t = read_ok(path, "SELECT fra FROM blandet", NULL, 0);
    assert_string_equal(str_at(col_of(t, "fra", TG_STRING), 0), "2024-01-01");
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

/* Declared types meet values that do not fit them. */
static void test_db_read_mixed_columns(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);

    tg_table *t = read_ok(path, "blandet", NULL, 0);
    assert_int_equal(t->n_rows, 5);
    /* Numbers and text: text, each number as the sqlite3 CLI prints
    ** CAST(x AS TEXT) (1e20 -> "1.0e+20"). */
    tg_col *x = col_of(t, "x", TG_STRING);
    assert_string_equal(str_at(x, 0), "1");
    assert_string_equal(str_at(x, 1), "2.5");
    assert_string_equal(str_at(x, 2), "abc");
    assert_false(tg_col_is_valid(x, 3));
    assert_string_equal(str_at(x, 4), "1.0e+20");
    /* An INTEGER column holding 4.5 becomes float. */
    tg_col *antal = col_of(t, "antal", TG_FLOAT);
    const double an[] = { 3, 4.5, 0, 7, 8 };
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(tg_col_is_valid(antal, i), i != 2);
        if (i != 2) assert_true(antal->v.f64[i] == an[i]);
    }
    /* A BOOLEAN column holding a 2 is an int column. */
    tg_col *flag = col_of(t, "flag", TG_INT);
    assert_int_equal(flag->v.i64[2], 2);
    /* NUMERIC holding whole numbers (stored as integers) is still float. */
    tg_col *belob = col_of(t, "beløb", TG_FLOAT);
    assert_true(belob->v.f64[0] == 100.0);
    assert_true(belob->v.f64[4] == 12.0);
    assert_false(tg_col_is_valid(belob, 2));
    tg_table_release(t);

    /* No rows: every column takes its declared type. */
    t = read_ok(path, "SELECT * FROM takst WHERE pladser > 1000", NULL, 0);
    assert_int_equal(t->n_rows, 0);
    assert_int_equal(t->n_cols, 7);
    col_of(t, "tilbud_id", TG_STRING);
    col_of(t, "gyldig_fra", TG_DATE);
    col_of(t, "dagstakst", TG_FLOAT);
    col_of(t, "pladser", TG_INT);
    col_of(t, "aktiv", TG_BOOL);
    tg_table_release(t);

    /* All NULL: the declared type, or string when there is none. */
    t = read_ok(path,
                "SELECT gyldig_fra, pladser, aktiv, max(NULL, 1) AS udtryk FROM takst "
                "WHERE tilbud_id = 'T-104'",
                NULL, 0);
    assert_int_equal(t->n_rows, 1);
    assert_false(tg_col_is_valid(col_of(t, "gyldig_fra", TG_DATE), 0));
    assert_false(tg_col_is_valid(col_of(t, "pladser", TG_INT), 0));
    assert_false(tg_col_is_valid(col_of(t, "aktiv", TG_BOOL), 0));
    assert_false(tg_col_is_valid(col_of(t, "udtryk", TG_STRING), 0));
    tg_table_release(t);
    /* DATETIME values carry a time of day: text, even with no values. */
    t = read_ok(path, "SELECT oprettet FROM blandet WHERE id = 3", NULL, 0);
    assert_false(tg_col_is_valid(col_of(t, "oprettet", TG_STRING), 0));
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

static void test_db_read_errors(void **state) {
    char path[1024], text[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);

    expect_read_error(path, "takster", NULL, 0, TG_EARG, "no such table: takster");
    tg_error err;
    tg_table *t = NULL;
    tg_db_read(path, "takster", NULL, 0, &t, &err);
    char line[1024], want[1100];
    snprintf(want, sizeof want, "%s: no such table: takster", path);
    assert_string_equal(tg_err_format(&err, line, sizeof line), want);

    /* A syntax error quotes the SQL and where SQLite stopped. */
    expect_read_error(path, "SELECT * FORM takst", NULL, 0, TG_EARG, "syntax error");
    expect_read_error(path, "SELECT * FORM takst", NULL, 0, TG_EARG, "SQL: SELECT * FORM takst");
    /* Positions count characters, not bytes: FORM is the 22nd character
    ** (and the 25th byte, after three two-byte letters). */
    expect_read_error(path, "SELECT 'æøå' AS navn FORM takst", NULL, 0, TG_EARG,
                      "near \"FORM\": syntax error at character 22 of SQL: SELECT 'æøå'");
    /* Long SQL is cut at 120 bytes, never inside a UTF-8 sequence: byte
    ** 120 is the second half of an 'æ', so the quote stops before it. */
    char long_sql[300];
    snprintf(long_sql, sizeof long_sql, "SELECT '%s' FORM takst",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
             "aaaaaaaaaaaaaaaaaaaaaaaaaaæææ");
    assert_int_equal(strstr(long_sql, "æ") - long_sql, 119);
    expect_read_error(path, long_sql, NULL, 0, TG_EARG, "aaaa...");
    expect_read_error(path, "SELECT nope FROM takst", NULL, 0, TG_EARG, "no such column: nope");
    expect_read_error(path, "SELECT 1; SELECT 2", NULL, 0, TG_EARG, "only one SQL statement");
    expect_read_error(path, "  -- nothing", NULL, 0, TG_EARG, "no SQL statement");
    expect_read_error(path, "SELECT a.tilbud_id, b.tilbud_id FROM takst a, takst b", NULL, 0,
                      TG_EARG, "two result columns are called 'tilbud_id'");
    expect_read_error(path, "SELECT tilbud_id, x'00ff' AS raw FROM takst", NULL, 0, TG_EDATA,
                      "column 'raw', row 1: a BLOB value");

    /* Writing statements are refused and change nothing. */
    char d1[16384], d2[16384];
    dump_db(path, d1, sizeof d1);
    expect_read_error(path, "DELETE FROM takst", NULL, 0, TG_EARG, "not a query");
    expect_read_error(path, "DELETE FROM takst RETURNING tilbud_id", NULL, 0, TG_EARG,
                      "not a query");
    dump_db(path, d2, sizeof d2);
    assert_string_equal(d1, d2);

    /* A trailing comment after the statement is fine. */
    t = read_ok(path, "SELECT count(*) AS n FROM takst; -- all of them", NULL, 0);
    assert_int_equal(col_of(t, "n", TG_INT)->v.i64[0], 5);
    tg_table_release(t);

    /* Not a database. */
    snprintf(text, sizeof text, "%s", tg_test_tmpfile(".txt"));
    FILE *f = fopen(text, "wb");
    assert_non_null(f);
    fputs("tilbud_id;navn\nT-101;Kofoedsminde\n", f);
    fclose(f);
    expect_read_error(text, "takst", NULL, 0, TG_EIO, "file is not a database");
    unlink(text);
    unlink(path);
    tg_test_no_leaks(before);
}

static void test_db_read_missing_file(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));
    expect_read_error(path, "takst", NULL, 0, TG_EIO, "no such file");
    assert_false(file_exists(path));
    tg_test_no_leaks(before);
}

/* The sums of the loaded columns equal those the sqlite3 CLI computes. */
static void test_db_read_sum_matches_cli(void **state) {
    char path[1024], cmd[1200], out[256];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' 'SELECT sum(dagstakst), sum(pladser) FROM takst' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *got = fgets(out, sizeof out, p);
    int rc = pclose(p);
    if (!got || rc != 0) {
        unlink(path);
        skip(); /* no sqlite3 CLI */
    }
    double cli_takst = strtod(out, NULL);
    long long cli_pladser = strtoll(strchr(out, '|') + 1, NULL, 10);

    tg_table *t = read_ok(path, "takst", NULL, 0);
    tg_col *takst = col_of(t, "dagstakst", TG_FLOAT), *pladser = col_of(t, "pladser", TG_INT);
    double sum = 0;
    long long n = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        if (tg_col_is_valid(takst, i)) sum += takst->v.f64[i];
        if (tg_col_is_valid(pladser, i)) n += pladser->v.i64[i];
    }
    assert_true(sum == cli_takst);
    assert_int_equal(n, cli_pladser);
    assert_true(sum == 14776.25); /* by hand: 4325.5 + 2890 + 3150.75 + 4410 */
    assert_int_equal(n, 68);
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

/* ---- writing ---- */

/* Four rows of all five types, with a NULL in every column. */
static tg_table *sample_table(void) {
    tg_table *t = tg_table_new();
    tg_col *id = tg_col_new(TG_INT, 0, NULL), *takst = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *aktiv = tg_col_new(TG_BOOL, 0, NULL), *fra = tg_col_new(TG_DATE, 0, NULL);
    tg_col *kommune = tg_col_new(TG_STRING, 0, NULL);
    assert_true(t && id && takst && aktiv && fra && kommune);

    assert_int_equal(tg_col_push_i64(id, 1), TG_OK);
    assert_int_equal(tg_col_push_i64(id, -9007199254740993LL), TG_OK); /* not a double */
    assert_int_equal(tg_col_push_null(id), TG_OK);
    assert_int_equal(tg_col_push_i64(id, INT64_MAX), TG_OK);

    assert_int_equal(tg_col_push_f64(takst, 0.1), TG_OK);
    assert_int_equal(tg_col_push_null(takst), TG_OK);
    assert_int_equal(tg_col_push_f64(takst, -2.5e-300), TG_OK);
    assert_int_equal(tg_col_push_f64(takst, 3.0), TG_OK);

    assert_int_equal(tg_col_push_bool(aktiv, 1), TG_OK);
    assert_int_equal(tg_col_push_bool(aktiv, 0), TG_OK);
    assert_int_equal(tg_col_push_null(aktiv), TG_OK);
    assert_int_equal(tg_col_push_bool(aktiv, 1), TG_OK);

    assert_int_equal(tg_col_push_date(fra, D_2024_02_29), TG_OK);
    assert_int_equal(tg_col_push_date(fra, D_0001_01_01), TG_OK);
    assert_int_equal(tg_col_push_date(fra, D_9999_12_31), TG_OK);
    assert_int_equal(tg_col_push_null(fra), TG_OK);

    assert_int_equal(tg_col_push_str(kommune, "Høje-Taastrup", 14), TG_OK);
    assert_int_equal(tg_col_push_str(kommune, "", 0), TG_OK);
    assert_int_equal(tg_col_push_null(kommune), TG_OK);
    assert_int_equal(tg_col_push_str(kommune, "it's \"Bo og Naboskab\"", 22), TG_OK);

    assert_int_equal(tg_table_add(t, "id", id), TG_OK);
    assert_int_equal(tg_table_add(t, "dagstakst", takst), TG_OK);
    assert_int_equal(tg_table_add(t, "aktiv", aktiv), TG_OK);
    assert_int_equal(tg_table_add(t, "gyldig_fra", fra), TG_OK);
    assert_int_equal(tg_table_add(t, "kommune", kommune), TG_OK);
    tg_col_release(id);
    tg_col_release(takst);
    tg_col_release(aktiv);
    tg_col_release(fra);
    tg_col_release(kommune);
    return t;
}

/* Asserts that 'got' holds the same types, values and NULLs as 'want'. */
static void assert_same_table(const tg_table *want, const tg_table *got) {
    assert_int_equal(got->n_rows, want->n_rows);
    assert_int_equal(got->n_cols, want->n_cols);
    for (size_t c = 0; c < want->n_cols; c++) {
        const tg_col *a = want->cols[c], *b = got->cols[c];
        assert_string_equal(got->names[c], want->names[c]);
        assert_int_equal(b->type, a->type);
        for (size_t i = 0; i < want->n_rows; i++) {
            assert_int_equal(tg_col_is_valid(b, i), tg_col_is_valid(a, i));
            if (!tg_col_is_valid(a, i)) continue;
            switch (a->type) {
            case TG_INT: assert_int_equal(b->v.i64[i], a->v.i64[i]); break;
            case TG_FLOAT: assert_true(b->v.f64[i] == a->v.f64[i]); break;
            case TG_BOOL: assert_int_equal(b->v.b8[i], a->v.b8[i]); break;
            case TG_DATE: assert_int_equal(b->v.date[i], a->v.date[i]); break;
            case TG_STRING: assert_string_equal(str_at(b, i), str_at(a, i)); break;
            }
        }
    }
}

static void write_ok(const char *path, const char *table, const tg_table *t, tg_db_mode mode) {
    tg_error err;
    tg_err_clear(&err);
    if (tg_db_write(path, table, t, mode, NULL, &err) != TG_OK)
        fail_msg("tg_db_write: %s", err.msg);
}

static void test_db_write_round_trip(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));
    tg_table *t = sample_table();

    write_ok(path, "ny takst \"2024\"", t, TG_DB_CREATE);
    /* Second method: the schema and storage classes as SQLite reports them. */
    assert_string_equal(query1(path, "SELECT group_concat(type, ',') FROM "
                                     "pragma_table_info('ny takst \"2024\"')"),
                        "INTEGER,REAL,BOOLEAN,DATE,TEXT");
    assert_string_equal(query1(path, "SELECT typeof(id), id, typeof(dagstakst), "
                                     "typeof(aktiv), aktiv, typeof(gyldig_fra), gyldig_fra, "
                                     "kommune FROM \"ny takst \"\"2024\"\"\" WHERE rowid = 1"),
                        "integer|1|real|integer|1|text|2024-02-29|Høje-Taastrup");
    assert_string_equal(query1(path, "SELECT id, typeof(dagstakst), gyldig_fra, kommune "
                                     "FROM \"ny takst \"\"2024\"\"\" WHERE rowid = 4"),
                        "9223372036854775807|real|NULL|it's \"Bo og Naboskab\"");
    assert_string_equal(query1(path, "SELECT gyldig_fra FROM \"ny takst \"\"2024\"\"\" "
                                     "WHERE rowid = 2"),
                        "0001-01-01");

    tg_table *back = read_ok(path, "SELECT * FROM \"ny takst \"\"2024\"\"\"", NULL, 0);
    assert_same_table(t, back);
    tg_table_release(back);
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

static void test_db_write_empty_and_nan(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));

    /* No rows: the table exists with the declared types and reads back so. */
    tg_table *t = sample_table(), *empty = tg_table_new();
    for (size_t c = 0; c < t->n_cols; c++) {
        tg_col *col = tg_col_slice(t->cols[c], 0, 0);
        assert_int_equal(tg_table_add(empty, t->names[c], col), TG_OK);
        tg_col_release(col);
    }
    write_ok(path, "tom", empty, TG_DB_CREATE);
    assert_string_equal(query1(path, "SELECT count(*) FROM tom"), "0");
    tg_table *back = read_ok(path, "tom", NULL, 0);
    assert_same_table(empty, back);
    tg_table_release(back);

    /* NaN is stored as NULL. */
    tg_table *nan = tg_table_new();
    tg_col *x = tg_col_new(TG_FLOAT, 0, NULL);
    assert_int_equal(tg_col_push_f64(x, NAN), TG_OK);
    assert_int_equal(tg_col_push_f64(x, 1.5), TG_OK);
    assert_int_equal(tg_table_add(nan, "x", x), TG_OK);
    tg_col_release(x);
    write_ok(path, "nan", nan, TG_DB_CREATE);
    assert_string_equal(query1(path, "SELECT typeof(x) FROM nan WHERE rowid = 1"), "null");

    /* A table without columns cannot be written. */
    tg_table *none = tg_table_new();
    tg_error err;
    assert_int_equal(tg_db_write(path, "none", none, TG_DB_CREATE, NULL, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "no columns"));

    tg_table_release(none);
    tg_table_release(nan);
    tg_table_release(empty);
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

static void expect_write_error(const char *path, const char *table, const tg_table *t,
                               tg_db_mode mode, tg_status code, const char *needle) {
    static char d1[16384], d2[16384];
    tg_error err;
    tg_err_clear(&err);
    dump_db(path, d1, sizeof d1);
    assert_int_equal(tg_db_write(path, table, t, mode, NULL, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.file, path);
    if (!strstr(err.msg, needle)) fail_msg("'%s' not in message '%s'", needle, err.msg);
    dump_db(path, d2, sizeof d2);
    assert_string_equal(d1, d2); /* the database is exactly as before */
}

static void test_db_write_modes(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);
    tg_table *takst = read_ok(path, "takst", NULL, 0);
    tg_table *sample = sample_table();

    /* CREATE refuses an existing table, whatever the case of its name. */
    expect_write_error(path, "TAKST", sample, TG_DB_CREATE, TG_EARG, "already exists");
    /* A view is never replaced or appended to. */
    expect_write_error(path, "aktive", sample, TG_DB_REPLACE, TG_EARG, "is a view");

    /* REPLACE: the old table goes, the new one has the new columns. */
    write_ok(path, "takst", sample, TG_DB_REPLACE);
    assert_string_equal(query1(path, "SELECT count(*), group_concat(name) FROM "
                                     "pragma_table_info('takst')"),
                        "5|id,dagstakst,aktiv,gyldig_fra,kommune");
    tg_table *back = read_ok(path, "takst", NULL, 0);
    assert_same_table(sample, back);
    tg_table_release(back);

    /* REPLACE of a missing table creates it; then APPEND adds the rows
    ** again, matching columns by name in another order and case. */
    write_ok(path, "kopi", takst, TG_DB_REPLACE);
    tg_table *shuffled = tg_table_new();
    const char *names[] = { "AKTIV",   "pladser", "Dagstakst", "gyldig_fra",
                            "kommune", "navn",    "tilbud_id" };
    const char *src[] = { "aktiv",   "pladser", "dagstakst", "gyldig_fra",
                          "kommune", "navn",    "tilbud_id" };
    for (size_t c = 0; c < 7; c++)
        assert_int_equal(tg_table_add(shuffled, names[c], tg_table_col(takst, src[c])), TG_OK);
    write_ok(path, "kopi", shuffled, TG_DB_APPEND);
    assert_string_equal(query1(path, "SELECT count(*), sum(pladser), sum(aktiv), "
                                     "count(DISTINCT navn) FROM kopi"),
                        "10|136|6|4");
    back = read_ok(path, "SELECT * FROM kopi WHERE rowid > 5 ORDER BY rowid", NULL, 0);
    assert_same_table(takst, back);
    tg_table_release(back);

    /* APPEND to a missing table creates it. */
    write_ok(path, "ny", sample, TG_DB_APPEND);
    assert_string_equal(query1(path, "SELECT count(*) FROM ny"), "4");

    /* APPEND with columns that do not match changes nothing. */
    expect_write_error(path, "kopi", sample, TG_DB_APPEND, TG_EARG,
                       "cannot append to 'kopi': it has no column 'id' (table columns: "
                       "tilbud_id, navn, kommune, gyldig_fra, dagstakst, pladser, aktiv)");
    tg_table *fewer = tg_table_new();
    for (size_t c = 0; c < 6; c++)
        assert_int_equal(tg_table_add(fewer, takst->names[c], takst->cols[c]), TG_OK);
    expect_write_error(path, "kopi", fewer, TG_DB_APPEND, TG_EARG,
                       "the data has no column 'aktiv'");

    tg_table_release(fewer);
    tg_table_release(shuffled);
    tg_table_release(sample);
    tg_table_release(takst);
    unlink(path);
    tg_test_no_leaks(before);
}

/* Failures after rows went in roll everything back. */
static void test_db_write_fails_midway(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);
    exec_db(path, "CREATE TABLE streng (id INTEGER PRIMARY KEY, kommune TEXT NOT NULL);"
                  "INSERT INTO streng VALUES (1, 'Lolland');");

    /* APPEND: row 3 breaks NOT NULL after rows 1 and 2 were inserted. */
    tg_table *t = tg_table_new();
    tg_col *id = tg_col_new(TG_INT, 0, NULL), *kommune = tg_col_new(TG_STRING, 0, NULL);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(tg_col_push_i64(id, 10 + i), TG_OK);
        if (i == 2) assert_int_equal(tg_col_push_null(kommune), TG_OK);
        else assert_int_equal(tg_col_push_str(kommune, "Aarhus", 6), TG_OK);
    }
    assert_int_equal(tg_table_add(t, "id", id), TG_OK);
    assert_int_equal(tg_table_add(t, "kommune", kommune), TG_OK);
    expect_write_error(path, "streng", t, TG_DB_APPEND, TG_EDATA,
                       "row 3: NOT NULL constraint failed: streng.kommune");

    /* A duplicate primary key in the last row. */
    tg_col_release(id);
    id = tg_col_new(TG_INT, 0, NULL);
    for (int i = 0; i < 4; i++) assert_int_equal(tg_col_push_i64(id, i == 3 ? 1 : 20 + i), TG_OK);
    tg_table *t2 = tg_table_new();
    tg_col *k3 = tg_col_new(TG_STRING, 0, NULL);
    for (int i = 0; i < 4; i++) assert_int_equal(tg_col_push_str(k3, "Odense", 6), TG_OK);
    assert_int_equal(tg_table_add(t2, "kommune", k3), TG_OK);
    assert_int_equal(tg_table_add(t2, "id", id), TG_OK);
    expect_write_error(path, "streng", t2, TG_DB_APPEND, TG_EDATA, "row 4: UNIQUE constraint");

    /* REPLACE: the old table is dropped and rows go in before a date that
    ** cannot be written stops it; the old table must come back whole. */
    tg_table *sample = sample_table();
    tg_col *fra = tg_table_col(sample, "gyldig_fra");
    fra->v.date[3] = D_9999_12_31 + 1;
    tg_col_set_valid(fra, 3);
    expect_write_error(path, "takst", sample, TG_DB_REPLACE, TG_EDATA,
                       "column 'gyldig_fra', row 4: date outside years 1..9999");

    /* A failed write to a new file leaves no file behind. */
    char fresh[1024];
    snprintf(fresh, sizeof fresh, "%s", tg_test_tmpfile(".db"));
    tg_error err;
    assert_int_equal(tg_db_write(fresh, "takst", sample, TG_DB_CREATE, NULL, &err), TG_EDATA);
    assert_false(file_exists(fresh));

    tg_table_release(sample);
    tg_table_release(t2);
    tg_table_release(t);
    tg_col_release(k3);
    tg_col_release(id);
    tg_col_release(kommune);
    unlink(path);
    tg_test_no_leaks(before);
}

static void test_db_write_bad_file(void **state) {
    char text[1024];
    size_t before = tg_mem_blocks();
    (void)state;
    tg_table *t = sample_table();
    tg_error err;

    snprintf(text, sizeof text, "%s", tg_test_tmpfile(".txt"));
    FILE *f = fopen(text, "wb");
    assert_non_null(f);
    fputs("not a database, just text that is long enough to have a header\n", f);
    fclose(f);
    assert_int_equal(tg_db_write(text, "takst", t, TG_DB_CREATE, NULL, &err), TG_EIO);
    assert_non_null(strstr(err.msg, "file is not a database"));
    assert_true(file_exists(text)); /* an existing file is never removed */

    assert_int_equal(tg_db_write("/nonexistent-dir/x.db", "takst", t, TG_DB_CREATE, NULL, &err),
                     TG_EIO);
    assert_non_null(strstr(err.msg, "cannot write: the folder /nonexistent-dir does not exist"));
    tg_table_release(t);
    unlink(text);
    tg_test_no_leaks(before);
}

/* Entries in 'dir' besides . and .., names joined by spaces into 'out'. */
static int list_dir(const char *dir, char *out, size_t size) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    size_t len = 0;
    assert_non_null(d);
    out[0] = '\0';
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        len += (size_t)snprintf(out + len, size - len, "%s%s", n ? " " : "", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

/* 'rows' rows of 200-byte text; 20,000 is more than SQLite's page cache
** (2 MB), so pages reach the file before the commit. */
static tg_table *big_table(int rows) {
    char text[201];
    tg_table *t = tg_table_new();
    tg_col *c = tg_col_new(TG_STRING, 0, NULL);
    memset(text, 'x', 200);
    text[200] = '\0';
    for (int i = 0; i < rows; i++) {
        text[i % 200] = (char)('a' + i % 26);
        assert_int_equal(tg_col_push_str(c, text, 200), TG_OK);
    }
    assert_int_equal(tg_table_add(t, "tekst", c), TG_OK);
    tg_col_release(c);
    return t;
}

/* A full disk during a write (a 3 MB tmpfs, so root only): the database
** stays readable and exactly as before, a new database is not created,
** and neither a temporary file nor a journal is left in the folder. */
static void test_db_write_disk_full(void **state) {
    char dir[1024], path[1100], fresh[1100], names[512];
    static char before[1 << 16], after[1 << 16];
    (void)state;
    snprintf(dir, sizeof dir, "%s", tg_test_tmpfile(".tiny"));
    assert_int_equal(mkdir(dir, 0700), 0);
    if (mount("tmpfs", dir, "tmpfs", 0, "size=3m") != 0) {
        print_message("skipped: cannot mount a small tmpfs to fill (%s; needs root)\n",
                      strerror(errno));
        rmdir(dir);
        skip();
    }
    size_t blocks = tg_mem_blocks();
    tg_table *small = sample_table(), *big = big_table(20000);
    tg_error err;
    snprintf(path, sizeof path, "%s/a.db", dir);
    snprintf(fresh, sizeof fresh, "%s/new.db", dir);
    write_ok(path, "takst", small, TG_DB_CREATE);
    dump_db(path, before, sizeof before);

    tg_mem_reset_peak();
    for (int mode = TG_DB_CREATE; mode <= TG_DB_APPEND; mode++) {
        const char *table = mode == TG_DB_APPEND ? "ny" : "takst";
        tg_db_mode m = mode == TG_DB_CREATE ? TG_DB_REPLACE : (tg_db_mode)mode;
        assert_int_equal(tg_db_write(path, table, big, m, NULL, &err), TG_EIO);
        assert_non_null(strstr(err.msg, "full"));
        dump_db(path, after, sizeof after);
        assert_string_equal(before, after);
        assert_int_equal(list_dir(dir, names, sizeof names), 1);
        assert_string_equal(names, "a.db");
    }
    assert_int_equal(tg_db_write(fresh, "takst", big, TG_DB_CREATE, NULL, &err), TG_EIO);
    assert_false(file_exists(fresh));
    assert_int_equal(list_dir(dir, names, sizeof names), 1);

    tg_table *back = read_ok(path, "takst", NULL, 0);
    assert_same_table(small, back);
    tg_table_release(back);
    tg_table_release(small);
    tg_table_release(big);
    tg_test_no_leaks(blocks);
    assert_int_equal(umount(dir), 0);
    rmdir(dir);
}

/* A database file is data from anyone: a view in it may not reach a
** function outside the allow-list (trusted_schema off, the authorizer),
** while views of ordinary functions read as before. */
static void test_db_read_untrusted_schema(void **state) {
    char path[1024];
    size_t before = tg_mem_blocks();
    tg_table *t = NULL;
    tg_error err;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));
    exec_db(path, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (-2);"
                  "CREATE VIEW leak AS SELECT hex(fts3_tokenizer('simple')) AS p;"
                  "CREATE VIEW ext AS SELECT load_extension('/nonexistent.so') AS p;"
                  "CREATE VIEW fine AS SELECT abs(x) AS a, upper('æ') AS u FROM t;");
    assert_int_equal(tg_db_read(path, "leak", NULL, 0, &t, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "fts3_tokenizer"));
    assert_null(t);
    assert_int_equal(tg_db_read(path, "ext", NULL, 0, &t, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "load_extension"));
    t = read_ok(path, "fine", NULL, 0);
    assert_int_equal(col_of(t, "a", TG_INT)->v.i64[0], 2);
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

/* The size of the first temporary copy of 'name' in 'dir', -1 for none. */
static long temp_size(const char *dir, const char *name) {
    char prefix[256], path[2048];
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat sb;
    long size = -1;
    snprintf(prefix, sizeof prefix, ".%s.tegn-tmp.", name);
    assert_non_null(d);
    while (size < 0 && (e = readdir(d)) != NULL) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && stat(path, &sb) == 0)
            size = (long)sb.st_size;
    }
    closedir(d);
    return size;
}

/* kill -9 in the middle of a write: the database reads as before (no hot
** journal), and the copy left behind goes with the next write. */
static void test_db_write_killed(void **state) {
    char dir[1024], path[1100], names[512];
    static char before[1 << 16], after[1 << 16];
    (void)state;
    snprintf(dir, sizeof dir, "%s", tg_test_tmpfile(".kill"));
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/a.db", dir);
    size_t blocks = tg_mem_blocks();
    tg_table *small = sample_table(), *big = big_table(200000);
    write_ok(path, "takst", small, TG_DB_CREATE);
    dump_db(path, before, sizeof before);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        tg_db_write(path, "takst", big, TG_DB_REPLACE, NULL, NULL);
        _exit(0);
    }
    struct timespec tick = { 0, 500000 };
    for (int i = 0; i < 10000 && temp_size(dir, "a.db") < 1000000; i++) nanosleep(&tick, NULL);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_true(temp_size(dir, "a.db") > 0); /* killed halfway, the copy left */

    dump_db(path, after, sizeof after);
    assert_string_equal(before, after);
    tg_table *back = read_ok(path, "takst", NULL, 0);
    assert_same_table(small, back);
    tg_table_release(back);
    write_ok(path, "ny", small, TG_DB_CREATE); /* sweeps the dead run's copy */
    assert_int_equal(list_dir(dir, names, sizeof names), 1);
    assert_string_equal(names, "a.db");

    tg_table_release(small);
    tg_table_release(big);
    tg_test_no_leaks(blocks);
    unlink(path);
    rmdir(dir);
}

/* A database in WAL mode is written in place (its -wal file belongs to
** that file, so it is not replaced by a copy); the rows arrive. */
static void test_db_write_wal(void **state) {
    char path[1024];
    size_t blocks = tg_mem_blocks();
    struct stat st0, st1;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));
    exec_db(path, "PRAGMA journal_mode = WAL; CREATE TABLE x (a INTEGER);");
    assert_int_equal(stat(path, &st0), 0);
    tg_table *small = sample_table();
    write_ok(path, "takst", small, TG_DB_CREATE);
    assert_int_equal(stat(path, &st1), 0);
    assert_true(st0.st_ino == st1.st_ino);
    tg_table *back = read_ok(path, "takst", NULL, 0);
    assert_same_table(small, back);
    assert_string_equal(query1(path, "PRAGMA journal_mode"), "wal");
    tg_table_release(back);
    tg_table_release(small);
    tg_test_no_leaks(blocks);
    unlink(path);
    strcat(path, "-wal");
    unlink(path);
    strcpy(path + strlen(path) - 3, "shm");
    unlink(path);
}

/* The reader sees the file as immutable, through its descriptor: a WAL
** database whose -wal file still holds committed rows (a writer has it
** open) would read without them, so it is refused; once the writer has
** closed it (checkpointed), it reads with every row. */
static void test_db_read_refuses_pending_wal(void **state) {
    char path[1024];
    sqlite3 *w;
    tg_table *t = NULL;
    tg_error err;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));
    assert_int_equal(sqlite3_open(path, &w), SQLITE_OK);
    assert_int_equal(sqlite3_exec(w,
                                  "PRAGMA journal_mode = WAL; CREATE TABLE x (a INTEGER);"
                                  "INSERT INTO x VALUES (1), (2);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(tg_db_read(path, "x", NULL, 0, &t, &err), TG_EIO);
    assert_null(t);
    assert_non_null(strstr(err.msg, "its wal file holds changes not yet in it"));
    sqlite3_close(w);
    t = read_ok(path, "SELECT sum(a) AS s FROM x", NULL, 0);
    assert_int_equal(t->cols[0]->v.i64[0], 3);
    tg_table_release(t);
    unlink(path);
}

/* A journal left by journal_mode = PERSIST has a zeroed header: not hot,
** so the database reads. */
static void test_db_read_persisted_journal(void **state) {
    char path[1024], journal[1100];
    struct stat sb;
    tg_table *t;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));
    exec_db(path, "PRAGMA journal_mode = PERSIST; CREATE TABLE x (a INTEGER);"
                  "INSERT INTO x VALUES (4), (5);");
    snprintf(journal, sizeof journal, "%s-journal", path);
    assert_int_equal(stat(journal, &sb), 0);
    assert_true(sb.st_size > 0);
    t = read_ok(path, "SELECT sum(a) AS s FROM x", NULL, 0);
    assert_int_equal(t->cols[0]->v.i64[0], 9);
    tg_table_release(t);
    unlink(journal);
    unlink(path);
}

/* A writer in the middle of a transaction too big for its cache has
** written pages into the file, its journal holding the old ones (a crash
** now would leave it hot): refused; read once the writer is done. Before
** the spill the journal's header is still zero and the file untouched,
** and the read gives the committed rows. */
static void test_db_read_refuses_live_journal(void **state) {
    char path[1024];
    sqlite3 *w;
    tg_table *t = NULL;
    tg_error err;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".db"));
    exec_db(path, "CREATE TABLE x (a INTEGER); INSERT INTO x VALUES (1);");
    assert_int_equal(sqlite3_open(path, &w), SQLITE_OK);
    assert_int_equal(sqlite3_exec(w, "BEGIN; INSERT INTO x VALUES (2);", NULL, NULL, NULL),
                     SQLITE_OK);
    t = read_ok(path, "SELECT sum(a) AS s FROM x", NULL, 0);
    assert_int_equal(t->cols[0]->v.i64[0], 1);
    tg_table_release(t);
    t = NULL;
    assert_int_equal(sqlite3_exec(w,
                                  "PRAGMA cache_size = 1; WITH RECURSIVE c(i) AS (SELECT 1 "
                                  "UNION ALL SELECT i + 1 FROM c WHERE i < 20000) "
                                  "INSERT INTO x SELECT 0 FROM c;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(tg_db_read(path, "x", NULL, 0, &t, &err), TG_EIO);
    assert_non_null(strstr(err.msg, "its journal file holds changes not yet in it"));
    assert_int_equal(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(w);
    t = read_ok(path, "SELECT sum(a) AS s FROM x", NULL, 0);
    assert_int_equal(t->cols[0]->v.i64[0], 3);
    tg_table_release(t);
    unlink(path);
}

/* ---- allocation failures ---- */

struct oom_ctx {
    const char *path;
    const tg_table *t;
    const char *before, *after; /* dumps */
    char *now;
};

static tg_status read_run(void *ctx) {
    struct oom_ctx *c = ctx;
    tg_db_param p[] = { { .name = "fra", .type = TG_DATE, .v.date = D_2023_12_31 } };
    tg_table *t = NULL, *u = NULL;
    tg_status st =
        tg_db_read(c->path,
                   "SELECT *, date(gyldig_fra, '+1 day') AS d FROM takst "
                   "WHERE gyldig_fra >= :fra OR gyldig_fra IS NULL; -- a trailing comment",
                   p, 1, &t, NULL);
    if (st != TG_OK) {
        assert_null(t);
        return st;
    }
    assert_int_equal(t->n_rows, 5);
    st = tg_db_read(c->path, "blandet", NULL, 0, &u, NULL);
    if (st == TG_OK) assert_string_equal(str_at(col_of(u, "x", TG_STRING), 4), "1.0e+20");
    else assert_null(u);
    tg_table_release(t);
    tg_table_release(u);
    return st;
}

static void test_db_read_oom(void **state) {
    char path[1024];
    (void)state;
    takst_db(path, sizeof path);
    struct oom_ctx c = { .path = path };
    assert_true(tg_test_oom_loop(read_run, &c) > 10);
    unlink(path);
}

static tg_status write_run(void *ctx) {
    struct oom_ctx *c = ctx;
    tg_status st = tg_db_write(c->path, "takst", c->t, TG_DB_REPLACE, NULL, NULL);
    dump_db(c->path, c->now, 16384);
    assert_string_equal(c->now, st == TG_OK ? c->after : c->before);
    if (st == TG_OK) { /* put the old table back for the next run */
        unlink(c->path);
        char path[1024];
        takst_db(path, sizeof path);
        assert_int_equal(rename(path, c->path), 0);
    }
    return st;
}

static void test_db_write_oom(void **state) {
    static char before[16384], after[16384], now[16384];
    char path[1024], scratch[1024];
    size_t blocks = tg_mem_blocks();
    (void)state;
    takst_db(path, sizeof path);
    takst_db(scratch, sizeof scratch);
    tg_table *t = sample_table();
    dump_db(path, before, sizeof before);
    write_ok(scratch, "takst", t, TG_DB_REPLACE);
    dump_db(scratch, after, sizeof after);
    unlink(scratch);

    struct oom_ctx c = { .path = path, .t = t, .before = before, .after = after, .now = now };
    assert_true(tg_test_oom_loop(write_run, &c) > 3);
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(blocks);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db_read_takst_table),
        cmocka_unit_test(test_db_read_params),
        cmocka_unit_test(test_db_read_param_errors),
        cmocka_unit_test(test_db_read_expression_types),
        cmocka_unit_test(test_db_read_mixed_columns),
        cmocka_unit_test(test_db_read_errors),
        cmocka_unit_test(test_db_read_missing_file),
        cmocka_unit_test(test_db_read_sum_matches_cli),
        cmocka_unit_test(test_db_write_round_trip),
        cmocka_unit_test(test_db_write_empty_and_nan),
        cmocka_unit_test(test_db_write_modes),
        cmocka_unit_test(test_db_write_fails_midway),
        cmocka_unit_test(test_db_write_bad_file),
        cmocka_unit_test(test_db_write_disk_full),
        cmocka_unit_test(test_db_write_killed),
        cmocka_unit_test(test_db_write_wal),
        cmocka_unit_test(test_db_read_refuses_pending_wal),
        cmocka_unit_test(test_db_read_persisted_journal),
        cmocka_unit_test(test_db_read_refuses_live_journal),
        cmocka_unit_test(test_db_read_untrusted_schema),
        cmocka_unit_test(test_db_read_oom),
        cmocka_unit_test(test_db_write_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
