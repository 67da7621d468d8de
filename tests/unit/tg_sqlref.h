/*
** tg_sqlref.h -- SQLite as a second implementation for kernel tests: copy a
** tegn table into an in-memory database, run the equivalent SQL, and
** compare the result with a tegn table row by row (NULLs too). Header-only
** (static inline) because CMake links each test with tg_test.c alone.
** Dates are stored as 'YYYY-MM-DD' text, which sorts like the dates; bools
** as 0/1; strings compare by bytes in SQLite (BINARY) as in tegn.
*/
#ifndef TG_SQLREF_H
#define TG_SQLREF_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "tg_date.h"
#include "tg_table.h"
#include "tg_test.h"

static inline sqlite3 *sqlref_open(void) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    return db;
}

static inline void sqlref_exec(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("sqlite3: %s: %s", msg, sql);
}

/* Creates table 'name' with t's columns and rows. */
static inline void sqlref_load(sqlite3 *db, const char *name, const tg_table *t) {
    char sql[4096];
    size_t len = (size_t)snprintf(sql, sizeof sql, "CREATE TABLE \"%s\"(", name);
    for (size_t k = 0; k < t->n_cols; k++) {
        tg_type ty = t->cols[k]->type;
        const char *decl = ty == TG_INT || ty == TG_BOOL ? "INTEGER"
                           : ty == TG_FLOAT              ? "REAL"
                                                         : "TEXT";
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s\"%s\" %s", k ? ", " : "",
                                t->names[k], decl);
    }
    snprintf(sql + len, sizeof sql - len, ")");
    sqlref_exec(db, sql);
    len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES(", name);
    for (size_t k = 0; k < t->n_cols; k++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s?", k ? ", " : "");
    snprintf(sql + len, sizeof sql - len, ")");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlref_exec(db, "BEGIN");
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t k = 0; k < t->n_cols; k++) {
            const tg_col *c = t->cols[k];
            int i = (int)k + 1;
            char buf[16];
            size_t n;
            const char *s;
            if (!tg_col_is_valid(c, r)) {
                sqlite3_bind_null(st, i);
                continue;
            }
            switch (c->type) {
            case TG_INT: sqlite3_bind_int64(st, i, c->v.i64[r]); break;
            case TG_FLOAT: sqlite3_bind_double(st, i, c->v.f64[r]); break;
            case TG_BOOL: sqlite3_bind_int(st, i, c->v.b8[r]); break;
            case TG_DATE:
                tg_date_format(c->v.date[r], buf);
                sqlite3_bind_text(st, i, buf, 10, SQLITE_TRANSIENT);
                break;
            case TG_STRING:
                s = tg_dict_str(c->dict, c->v.str[r], &n);
                sqlite3_bind_text(st, i, s, (int)n, SQLITE_TRANSIENT);
                break;
            }
        }
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlref_exec(db, "COMMIT");
}

/* 1 if a and b agree within a relative (and tiny absolute) tolerance. */
static inline int sqlref_close(double a, double b, double tol) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (a == b) return 1;
    return fabs(a - b) <= tol * (fabs(a) > fabs(b) ? fabs(a) : fabs(b)) + 1e-12;
}

/* Runs 'sql' and requires its rows to equal t's, column by column in
** order: same row count, NULL where t has NULL, ints exactly, floats within
** 'tol' (relative), dates and strings as text. */
static inline void sqlref_match(sqlite3 *db, const char *sql, const tg_table *t, double tol) {
    sqlite3_stmt *st;
    size_t r = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("sqlite3: %s: %s", sqlite3_errmsg(db), sql);
    assert_int_equal(sqlite3_column_count(st), (int)t->n_cols);
    for (;; r++) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) break;
        assert_int_equal(rc, SQLITE_ROW);
        if (r >= t->n_rows) fail_msg("SQL has more rows than %zu: %s", t->n_rows, sql);
        for (size_t k = 0; k < t->n_cols; k++) {
            const tg_col *c = t->cols[k];
            int i = (int)k, sql_null = sqlite3_column_type(st, i) == SQLITE_NULL;
            char buf[16];
            size_t n;
            const char *s;
            if (sql_null != !tg_col_is_valid(c, r))
                fail_msg("row %zu column '%s': SQL %s, tegn %s", r, t->names[k],
                         sql_null ? "NULL" : "a value", sql_null ? "a value" : "NULL");
            if (sql_null) continue;
            switch (c->type) {
            case TG_INT:
                if (sqlite3_column_int64(st, i) != c->v.i64[r])
                    fail_msg("row %zu column '%s': SQL %lld, tegn %lld", r, t->names[k],
                             (long long)sqlite3_column_int64(st, i), (long long)c->v.i64[r]);
                break;
            case TG_BOOL: assert_int_equal(sqlite3_column_int(st, i), c->v.b8[r]); break;
            case TG_FLOAT:
                if (!sqlref_close(sqlite3_column_double(st, i), c->v.f64[r], tol))
                    fail_msg("row %zu column '%s': SQL %.17g, tegn %.17g", r, t->names[k],
                             sqlite3_column_double(st, i), c->v.f64[r]);
                break;
            case TG_DATE:
                tg_date_format(c->v.date[r], buf);
                assert_string_equal((const char *)sqlite3_column_text(st, i), buf);
                break;
            case TG_STRING:
                s = tg_dict_str(c->dict, c->v.str[r], &n);
                if ((size_t)sqlite3_column_bytes(st, i) != n ||
                    memcmp(sqlite3_column_text(st, i), s, n) != 0)
                    fail_msg("row %zu column '%s': SQL '%s', tegn '%s'", r, t->names[k],
                             (const char *)sqlite3_column_text(st, i), s);
                break;
            }
        }
    }
    sqlite3_finalize(st);
    if (r != t->n_rows) fail_msg("SQL gave %zu rows, tegn %zu: %s", r, t->n_rows, sql);
}

#endif /* TG_SQLREF_H */
