/*
** test_join.c -- equi-joins and as-of joins. Inner, left, semi and anti
** joins over randomised tables (NULL keys, strings with æøå in different
** dictionaries, dates, int against float keys, wide keys that take the
** hash path) are compared row by row with the same joins in SQLite; as-of
** joins with a naive nested loop. Also: float key equality, output names
** and suffixes, shared left columns, errors, allocation failures and
** interrupts.
*/
#include "tg_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_join.h"
#include "tg_mem.h"
#include "tg_sqlref.h"
#include "tg_table.h"

static tg_col *rid_col(size_t n) {
    tg_col *c = tg_col_new(TG_INT, 0, NULL);
    for (size_t r = 0; r < n; r++) assert_int_equal(tg_col_push_i64(c, (int64_t)r + 1), TG_OK);
    return c;
}

/* Left: rid a b d f w x y; right: rid a b c d w y z (strings in another
** dictionary with words the left lacks). */
static void random_pair(uint64_t seed, size_t nl, size_t nr, tg_table **left, tg_table **right) {
    uint64_t s = seed * 0x9e3779b97f4a7c15u + 7;
    tg_table *l = tg_table_new(), *r = tg_table_new();
    tg_test_add(l, "rid", rid_col(nl));
    tg_test_add(l, "a", tg_test_random_col(&s, TG_INT, nl, 10, -2, 8, 0));
    tg_test_add(l, "b", tg_test_random_col(&s, TG_STRING, nl, 10, 0, 1, 0));
    tg_test_add(l, "d", tg_test_random_col(&s, TG_DATE, nl, 10, 0, 12, 0));
    tg_test_add(l, "f", tg_test_random_col(&s, TG_FLOAT, nl, 10, -4, 16, 0));
    tg_test_add(l, "w", tg_test_random_col(&s, TG_INT, nl, 10, 0, 9, 0));
    tg_test_add(l, "x", tg_test_random_col(&s, TG_FLOAT, nl, 20, -100, 200, 0));
    tg_test_add(l, "y", tg_test_random_col(&s, TG_STRING, nl, 20, 0, 1, 3));
    tg_col *rb = tg_col_new(TG_STRING, 0, NULL);
    uint32_t code;
    assert_int_equal(tg_dict_intern(rb->dict, "Ringsted", 8, &code), TG_OK);
    assert_int_equal(tg_dict_intern(rb->dict, "Øst ", 5, &code), TG_OK);
    tg_col *more = tg_test_random_col(&s, TG_STRING, nr, 10, 0, 1, 5);
    for (size_t i = 0; i < nr; i++) {
        size_t len;
        const char *w = tg_dict_str(more->dict, more->v.str[i], &len);
        if (!tg_col_is_valid(more, i)) assert_int_equal(tg_col_push_null(rb), TG_OK);
        else if (i % 17 == 3) assert_int_equal(tg_col_push_str(rb, "Ringsted", 8), TG_OK);
        else assert_int_equal(tg_col_push_str(rb, w, len), TG_OK);
    }
    tg_col_release(more);
    tg_test_add(r, "rid", rid_col(nr));
    tg_test_add(r, "a", tg_test_random_col(&s, TG_INT, nr, 10, -3, 9, 0));
    tg_test_add(r, "b", rb);
    tg_test_add(r, "c", tg_test_random_col(&s, TG_FLOAT, nr, 10, -6, 14, 0));
    tg_test_add(r, "d", tg_test_random_col(&s, TG_DATE, nr, 10, 0, 12, 0));
    tg_test_add(r, "w", tg_test_random_col(&s, TG_INT, nr, 10, 0, 9, 0));
    tg_test_add(r, "y", tg_test_random_col(&s, TG_FLOAT, nr, 20, -50, 100, 0));
    tg_test_add(r, "z", tg_test_random_col(&s, TG_BOOL, nr, 20, 0, 2, 0));
    /* w: few values, spread wide, so the key set hashes */
    tg_col *lw = (tg_col *)tg_table_col(l, "w"), *rw = (tg_col *)tg_table_col(r, "w");
    for (size_t i = 0; i < nl; i++) lw->v.i64[i] *= 1000000000039;
    for (size_t i = 0; i < nr; i++) rw->v.i64[i] *= 1000000000039;
    *left = l;
    *right = r;
}

static const char *const how_name[] = { "", "JOIN", "LEFT JOIN", "SEMI", "ANTI" };

/* Runs tg_join and the SQL join, and compares them. */
static void check_join(sqlite3 *db, const tg_table *l, const tg_table *r, const char *const *lk,
                       const char *const *rk, size_t n, int how) {
    char sql[4096], on[1024] = "", cols[1024] = "";
    size_t o = 0, c = 0;
    for (size_t k = 0; k < n; k++)
        o += (size_t)snprintf(on + o, sizeof on - o, "%sl.%s = r.%s", k ? " AND " : "", lk[k],
                              rk[k]);
    for (size_t k = 0; k < r->n_cols; k++) {
        int key = 0;
        for (size_t i = 0; i < n; i++) key |= strcmp(r->names[k], rk[i]) == 0;
        if (!key) c += (size_t)snprintf(cols + c, sizeof cols - c, ", r.%s", r->names[k]);
    }
    if (how == TG_JOIN_SEMI || how == TG_JOIN_ANTI)
        snprintf(sql, sizeof sql,
                 "SELECT l.* FROM l WHERE %sEXISTS (SELECT 1 FROM r WHERE %s) ORDER BY l.rid",
                 how == TG_JOIN_ANTI ? "NOT " : "", on);
    else
        snprintf(sql, sizeof sql, "SELECT l.*%s FROM l %s r ON %s ORDER BY l.rid, r.rid", cols,
                 how_name[how], on);
    tg_table *out = NULL;
    tg_error err;
    tg_status st = tg_join(l, r, lk, rk, n, how, NULL, NULL, &out, &err);
    if (st != TG_OK) fail_msg("join: %s", err.msg);
    sqlref_match(db, sql, out, 0);
    tg_table_release(out);
}

static void test_join_matches_sqlite(void **state) {
    static const char *const keys[][2][2] = {
        { { "a", "b" }, { "a", "b" } }, /* int + string across dictionaries */
        { { "b", NULL }, { "b", NULL } }, { { "a", NULL }, { "c", NULL } }, /* int = float */
        { { "f", NULL }, { "a", NULL } },                                   /* float = int */
        { { "d", "a" }, { "d", "a" } },                                     /* date */
        { { "w", NULL }, { "w", NULL } },                                 /* wide ints: hash path */
        { { "w", "b" }, { "w", "b" } },   { { "f", "d" }, { "c", "d" } }, /* float = float */
    };
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (uint64_t seed = 1; seed <= 2; seed++) {
        tg_table *l, *r;
        random_pair(seed, seed == 1 ? 300 : 1500, seed == 1 ? 60 : 400, &l, &r);
        sqlite3 *db = sqlref_open();
        sqlref_load(db, "l", l);
        sqlref_load(db, "r", r);
        for (size_t i = 0; i < TG_ARRAY_LEN(keys); i++) {
            size_t n = keys[i][0][1] ? 2 : 1;
            for (int how = TG_JOIN_INNER; how <= TG_JOIN_ANTI; how++)
                check_join(db, l, r, keys[i][0], keys[i][1], n, how);
        }
        sqlite3_close(db);
        tg_table_release(l);
        tg_table_release(r);
    }
    tg_test_no_leaks(blocks);
}

/* A right side large enough to be built over many vectors, with keys
** whose range grows and then jumps (direct index, then hashing), NULLs,
** and duplicates. */
static void test_join_large_build_side(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), nr = 30000, nl = 3000;
    tg_table *l = tg_table_new(), *r = tg_table_new();
    tg_col *ra = tg_col_new(TG_INT, 0, NULL), *la = tg_col_new(TG_INT, 0, NULL);
    tg_col *rd = tg_col_new(TG_DATE, 0, NULL), *ld = tg_col_new(TG_DATE, 0, NULL);
    for (size_t i = 0; i < nr; i++) {
        int64_t a = i < 20000 ? (int64_t)(i / 3) : (int64_t)(i % 2000) * 1000000000000 + 7;
        assert_int_equal(i % 101 == 0 ? tg_col_push_null(ra) : tg_col_push_i64(ra, a), TG_OK);
        assert_int_equal(tg_col_push_date(rd, 19000 + (int32_t)(i % 4)), TG_OK);
    }
    for (size_t i = 0; i < nl; i++) {
        int64_t a = i % 4 == 0 ? 2000000000007 : (int64_t)(i * 7 % 7000);
        assert_int_equal(i % 50 == 0 ? tg_col_push_null(la) : tg_col_push_i64(la, a), TG_OK);
        assert_int_equal(tg_col_push_date(ld, 19000 + (int32_t)(i % 3)), TG_OK);
    }
    tg_test_add(l, "rid", rid_col(nl));
    tg_test_add(l, "a", la);
    tg_test_add(l, "d", ld);
    tg_test_add(r, "rid", rid_col(nr));
    tg_test_add(r, "a", ra);
    tg_test_add(r, "d", rd);
    sqlite3 *db = sqlref_open();
    sqlref_load(db, "l", l);
    sqlref_load(db, "r", r);
    sqlref_exec(db, "CREATE INDEX r_a ON r(a, d)"); /* or SQLite's EXISTS is quadratic */
    const char *k1[] = { "a" }, *k2[] = { "a", "d" };
    for (int how = TG_JOIN_INNER; how <= TG_JOIN_ANTI; how++) {
        check_join(db, l, r, k1, k1, 1, how);
        check_join(db, l, r, k2, k2, 2, how);
    }
    sqlite3_close(db);
    tg_table_release(l);
    tg_table_release(r);
    tg_test_no_leaks(blocks);
}

/* A lookup table: right keys unique (one NULL key, which matches
** nothing), payload columns of every width with NULLs. Left joins take
** the gather-through-ids path; the other joins the general one. */
static tg_table *lookup_table(void) {
    tg_table *u = tg_table_new();
    uint64_t s = 99;
    tg_col *a = tg_col_new(TG_INT, 0, NULL), *b = tg_col_new(TG_STRING, 0, NULL);
    for (int64_t i = -3; i < 6; i++) {
        const char *w = tg_test_words[(size_t)(i + 3) % TG_ARRAY_LEN(tg_test_words)];
        assert_int_equal(i == 5 ? tg_col_push_null(a) : tg_col_push_i64(a, i), TG_OK);
        assert_int_equal(tg_col_push_str(b, w, strlen(w)), TG_OK);
    }
    tg_test_add(u, "rid", rid_col(9));
    tg_test_add(u, "a", a);
    tg_test_add(u, "navn", b);
    tg_test_add(u, "pladser", tg_test_random_col(&s, TG_INT, 9, 30, 10, 40, 0));
    tg_test_add(u, "takst", tg_test_random_col(&s, TG_FLOAT, 9, 30, 5000, 900, 0));
    tg_test_add(u, "aktiv", tg_test_random_col(&s, TG_BOOL, 9, 30, 0, 2, 0));
    tg_test_add(u, "fra", tg_test_random_col(&s, TG_DATE, 9, 30, 0, 400, 0));
    return u;
}

static void test_join_lookup_table(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *l, *r, *u = lookup_table();
    random_pair(8, 5000, 10, &l, &r);
    sqlite3 *db = sqlref_open();
    sqlref_load(db, "l", l);
    sqlref_load(db, "r", u);
    const char *k[] = { "a" };
    for (int how = TG_JOIN_INNER; how <= TG_JOIN_ANTI; how++) check_join(db, l, u, k, k, 1, how);
    tg_table *out;
    assert_int_equal(tg_join(l, u, k, k, 1, TG_JOIN_LEFT, NULL, NULL, &out, NULL), TG_OK);
    for (size_t i = 0; i < l->n_cols; i++) assert_ptr_equal(out->cols[i], l->cols[i]);
    assert_ptr_equal(tg_table_col(out, "navn")->dict, tg_table_col(u, "navn")->dict);
    tg_table_release(out);
    sqlite3_close(db);

    /* an inner join where every left row matches takes the lookup path too */
    const tg_col *la = tg_table_col(l, "a");
    size_t *idx = malloc(l->n_rows * sizeof *idx), n = 0;
    for (size_t i = 0; i < l->n_rows; i++)
        if (tg_col_is_valid(la, i) && la->v.i64[i] >= -3 && la->v.i64[i] < 5) idx[n++] = i;
    tg_table *l2 = tg_table_take(l, idx, n);
    free(idx);
    db = sqlref_open();
    sqlref_load(db, "l", l2);
    sqlref_load(db, "r", u);
    check_join(db, l2, u, k, k, 1, TG_JOIN_INNER);
    assert_int_equal(tg_join(l2, u, k, k, 1, TG_JOIN_INNER, NULL, NULL, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, n);
    assert_ptr_equal(out->cols[0], l2->cols[0]);
    tg_table_release(out);
    tg_table_release(l2);
    sqlite3_close(db);
    tg_table_release(l);
    tg_table_release(r);
    tg_table_release(u);
    tg_test_no_leaks(blocks);
}

/* Floats: -0 meets 0 and NaN meets NaN; a NULL meets nothing. */
static void test_join_float_keys(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *l = tg_table_new(), *r = tg_table_new();
    tg_col *lf = tg_col_new(TG_FLOAT, 0, NULL), *rf = tg_col_new(TG_FLOAT, 0, NULL);
    static const double lv[] = { 0.0, -0.0, NAN, 1.5, 0 };
    static const double rv[] = { -0.0, NAN, 2, 0 };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(i == 4 ? tg_col_push_null(lf) : tg_col_push_f64(lf, lv[i]), TG_OK);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(i == 3 ? tg_col_push_null(rf) : tg_col_push_f64(rf, rv[i]), TG_OK);
    tg_test_add(l, "f", lf);
    tg_test_add(l, "lrid", rid_col(5));
    tg_test_add(r, "f", rf);
    tg_test_add(r, "rrid", rid_col(4));
    const char *k[] = { "f" };
    tg_table *out;
    assert_int_equal(tg_join(l, r, k, k, 1, TG_JOIN_INNER, NULL, NULL, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 3);
    const tg_col *a = tg_table_col(out, "lrid"), *b = tg_table_col(out, "rrid");
    assert_true(a->v.i64[0] == 1 && b->v.i64[0] == 1);
    assert_true(a->v.i64[1] == 2 && b->v.i64[1] == 1);
    assert_true(a->v.i64[2] == 3 && b->v.i64[2] == 2);
    tg_table_release(out);
    assert_int_equal(tg_join(l, r, k, k, 1, TG_JOIN_ANTI, NULL, NULL, &out, NULL), TG_OK);
    assert_int_equal(out->n_rows, 2); /* 1.5 and NULL */
    assert_int_equal(tg_table_col(out, "lrid")->v.i64[1], 5);
    tg_table_release(out);
    tg_table_release(l);
    tg_table_release(r);
    tg_test_no_leaks(blocks);
}

/* Output names, suffixes, and left columns shared when each left row
** yields one output row. */
static void test_join_names_and_sharing(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *l, *r;
    random_pair(3, 200, 50, &l, &r);
    tg_error err;
    tg_table *out;
    const char *k[] = { "a", "b" };
    assert_int_equal(tg_join(l, r, k, k, 2, TG_JOIN_LEFT, "_r", NULL, &out, &err), TG_OK);
    static const char *const names[] = { "rid", "a",     "b", "d",   "f",   "w",   "x",
                                         "y",   "rid_r", "c", "d_r", "w_r", "y_r", "z" };
    assert_int_equal(out->n_cols, TG_ARRAY_LEN(names));
    for (size_t i = 0; i < out->n_cols; i++) assert_string_equal(out->names[i], names[i]);
    tg_table_release(out);

    /* a right table with unique keys: every left row appears once, in order */
    tg_table *u = tg_table_new();
    tg_col *ua = tg_col_new(TG_INT, 0, NULL), *un = tg_col_new(TG_STRING, 0, NULL);
    for (int i = -3; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "navn %d", i);
        assert_int_equal(tg_col_push_i64(ua, i), TG_OK);
        assert_int_equal(tg_col_push_str(un, name, strlen(name)), TG_OK);
    }
    tg_test_add(u, "a", ua);
    tg_test_add(u, "navn", un);
    assert_int_equal(tg_join(l, u, k, k, 1, TG_JOIN_LEFT, NULL, NULL, &out, &err), TG_OK);
    assert_int_equal(out->n_rows, l->n_rows);
    for (size_t i = 0; i < l->n_cols; i++) assert_ptr_equal(out->cols[i], l->cols[i]);
    const tg_col *a = tg_table_col(l, "a"), *nv = tg_table_col(out, "navn");
    for (size_t i = 0; i < l->n_rows; i++) {
        int64_t v = a->v.i64[i];
        int hit = tg_col_is_valid(a, i) && v >= -3 && v < 3;
        assert_int_equal(tg_col_is_valid(nv, i), hit);
        if (hit) {
            char want[16];
            snprintf(want, sizeof want, "navn %lld", (long long)v);
            assert_string_equal(tg_dict_str(nv->dict, nv->v.str[i], NULL), want);
        }
    }
    tg_table_release(out);
    tg_table_release(u);

    /* a suffix that clashes too */
    tg_table *l2 = tg_table_new();
    tg_test_add(l2, "a", rid_col(3));
    tg_test_add(l2, "y", rid_col(3));
    tg_test_add(l2, "y_right", rid_col(3));
    const char *ka[] = { "a" };
    assert_int_equal(tg_join(l2, r, ka, ka, 1, TG_JOIN_INNER, NULL, NULL, &out, &err), TG_EARG);
    assert_null(out);
    assert_non_null(strstr(err.msg, "'y_right', which is taken"));
    tg_table_release(l2);
    tg_table_release(l);
    tg_table_release(r);
    tg_test_no_leaks(blocks);
}

static void test_join_errors(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *l, *r;
    random_pair(4, 20, 10, &l, &r);
    tg_table *out = (tg_table *)1;
    tg_error err;
    const char *bad[] = { "bb" }, *b[] = { "b" }, *a[] = { "a" }, *d[] = { "d" };
    const char *typo[] = { "ridd" };
    assert_int_equal(tg_join(l, r, typo, b, 1, TG_JOIN_INNER, NULL, NULL, &out, &err), TG_EARG);
    assert_null(out);
    assert_string_equal(err.msg, "no column 'ridd' in the left table; did you mean 'rid'?");
    assert_int_equal(tg_join(l, r, b, bad, 1, TG_JOIN_INNER, NULL, NULL, &out, &err), TG_EARG);
    assert_string_equal(err.msg, "no column 'bb' in the right table; did you mean 'b'?");
    assert_int_equal(tg_join(l, r, b, a, 1, TG_JOIN_INNER, NULL, NULL, &out, &err), TG_EARG);
    assert_string_equal(err.msg,
                        "cannot join string column 'b' (left) with int column 'a' (right)");
    assert_int_equal(tg_join(l, r, d, a, 1, TG_JOIN_LEFT, NULL, NULL, &out, &err), TG_EARG);
    assert_string_equal(err.msg, "cannot join date column 'd' (left) with int column 'a' (right)");
    assert_int_equal(tg_join(l, r, a, a, 1, 9, NULL, NULL, &out, &err), TG_EARG);
    assert_int_equal(tg_join(l, r, a, a, 0, TG_JOIN_INNER, NULL, NULL, &out, &err), TG_EARG);
    assert_int_equal(
        tg_join_asof(l, r, NULL, NULL, 0, "d", "a", TG_ASOF_BACKWARD, NULL, &out, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "need dates or numbers on both sides"));
    assert_int_equal(
        tg_join_asof(l, r, NULL, NULL, 0, "b", "b", TG_ASOF_BACKWARD, NULL, &out, &err), TG_EARG);
    assert_int_equal(
        tg_join_asof(l, r, NULL, NULL, 0, "dd", "d", TG_ASOF_BACKWARD, NULL, &out, &err), TG_EARG);
    assert_string_equal(err.msg, "no column 'dd' in the left table; did you mean 'd'?");
    assert_int_equal(tg_join_asof(l, r, NULL, NULL, 0, "d", "d", 0, NULL, &out, &err), TG_EARG);
    assert_int_equal(tg_join_asof(l, r, b, a, 1, "d", "d", TG_ASOF_FORWARD, NULL, &out, &err),
                     TG_EARG);
    assert_null(out);
    tg_table_release(l);
    tg_table_release(r);
    tg_test_no_leaks(blocks);
}

/* ---- as-of ---- */

static int same_value(const tg_col *lc, size_t i, const tg_col *rc, size_t j) {
    if (!tg_col_is_valid(lc, i) || !tg_col_is_valid(rc, j)) return 0;
    if (lc->type == TG_STRING)
        return strcmp(tg_dict_str(lc->dict, lc->v.str[i], NULL),
                      tg_dict_str(rc->dict, rc->v.str[j], NULL)) == 0;
    return lc->v.i64[i] == rc->v.i64[j]; /* ints only here */
}

static double num(const tg_col *c, size_t i) {
    return c->type == TG_DATE  ? c->v.date[i]
           : c->type == TG_INT ? (double)c->v.i64[i]
                               : c->v.f64[i];
}

static int usable(const tg_col *c, size_t i) {
    return tg_col_is_valid(c, i) && !(c->type == TG_FLOAT && isnan(c->v.f64[i]));
}

/* The naive as-of: scan every right row. */
static int64_t naive_asof(const tg_table *l, const tg_table *r, const char *by, const char *on_l,
                          const char *on_r, int dir, size_t i) {
    const tg_col *lb = by ? tg_table_col(l, by) : NULL, *rb = by ? tg_table_col(r, by) : NULL;
    const tg_col *lo = tg_table_col(l, on_l), *ro = tg_table_col(r, on_r);
    const tg_col *rid = tg_table_col(r, "rid");
    size_t back = SIZE_MAX, fwd = SIZE_MAX;
    if (!usable(lo, i)) return 0;
    double x = num(lo, i);
    for (size_t j = 0; j < r->n_rows; j++) {
        if ((by && !same_value(lb, i, rb, j)) || !usable(ro, j)) continue;
        double v = num(ro, j);
        if (v <= x && (back == SIZE_MAX || v >= num(ro, back))) back = j; /* ties: the last */
        if (v >= x && (fwd == SIZE_MAX || v < num(ro, fwd))) fwd = j;     /* ties: the first */
    }
    size_t pick = dir == TG_ASOF_BACKWARD ? back : dir == TG_ASOF_FORWARD ? fwd : back;
    if (dir == TG_ASOF_NEAREST && fwd != SIZE_MAX &&
        (back == SIZE_MAX || num(ro, fwd) - x < x - num(ro, back)))
        pick = fwd;
    return pick == SIZE_MAX ? 0 : rid->v.i64[pick];
}

static void check_asof(const tg_table *l, const tg_table *r, const char *by, const char *on_l,
                       const char *on_r) {
    const char *bl[] = { by };
    for (int dir = TG_ASOF_BACKWARD; dir <= TG_ASOF_NEAREST; dir++) {
        tg_table *out;
        tg_error err;
        tg_status st = tg_join_asof(l, r, by ? bl : NULL, by ? bl : NULL, by ? 1 : 0, on_l, on_r,
                                    dir, NULL, &out, &err);
        if (st != TG_OK) fail_msg("asof: %s", err.msg);
        assert_int_equal(out->n_rows, l->n_rows);
        for (size_t i = 0; i < l->n_cols; i++) assert_ptr_equal(out->cols[i], l->cols[i]);
        const tg_col *rr = tg_table_col(out, "rid_right");
        for (size_t i = 0; i < l->n_rows; i++) {
            int64_t want = naive_asof(l, r, by, on_l, on_r, dir, i);
            int64_t got = tg_col_is_valid(rr, i) ? rr->v.i64[i] : 0;
            if (got != want)
                fail_msg("by %s on %s/%s dir %d row %zu: got rid %lld, want %lld", by ? by : "-",
                         on_l, on_r, dir, i, (long long)got, (long long)want);
        }
        tg_table_release(out);
    }
}

static void test_join_asof_matches_naive(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *l, *r;
    random_pair(5, 400, 120, &l, &r);
    ((tg_col *)tg_table_col(r, "c"))->v.f64[7] = NAN;
    ((tg_col *)tg_table_col(l, "f"))->v.f64[3] = NAN;
    check_asof(l, r, "b", "d", "d"); /* strings in two dictionaries, dates */
    check_asof(l, r, "a", "d", "d");
    check_asof(l, r, NULL, "d", "d");
    check_asof(l, r, "b", "a", "c"); /* int against float */
    check_asof(l, r, "w", "f", "c"); /* floats, NaN, hash path */
    check_asof(l, r, "b", "a", "a");
    tg_table_release(l);
    tg_table_release(r);
    tg_test_no_leaks(blocks);
}

/* The takst case: a tariff valid from a date, per tilbud. */
static void test_join_asof_takst(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *occ = tg_table_new(), *takst = tg_table_new();
    tg_col *ot = tg_col_new(TG_INT, 0, NULL), *od = tg_col_new(TG_DATE, 0, NULL);
    tg_col *tt = tg_col_new(TG_INT, 0, NULL), *tf = tg_col_new(TG_DATE, 0, NULL);
    tg_col *tk = tg_col_new(TG_FLOAT, 0, NULL);
    static const int64_t otv[] = { 1001, 1008, 1001, 1001, 1008, 1015 };
    static const int odv[][3] = { { 2023, 12, 31 }, { 2024, 3, 1 }, { 2024, 1, 1 },
                                  { 2024, 6, 30 },  { 2023, 1, 1 }, { 2024, 1, 1 } };
    static const int64_t ttv[] = { 1001, 1008, 1001, 1008 };
    static const int tfv[][3] = { { 2024, 1, 1 }, { 2024, 1, 1 }, { 2023, 1, 1 }, { 2024, 3, 1 } };
    static const double tkv[] = { 3100, 2900, 3000, 2950 };
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(tg_col_push_i64(ot, otv[i]), TG_OK);
        assert_int_equal(tg_col_push_date(od, tg_date_from_ymd(odv[i][0], odv[i][1], odv[i][2])),
                         TG_OK);
    }
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(tg_col_push_i64(tt, ttv[i]), TG_OK);
        assert_int_equal(tg_col_push_date(tf, tg_date_from_ymd(tfv[i][0], tfv[i][1], tfv[i][2])),
                         TG_OK);
        assert_int_equal(tg_col_push_f64(tk, tkv[i]), TG_OK);
    }
    tg_test_add(occ, "tilbud_id", ot);
    tg_test_add(occ, "dato", od);
    tg_test_add(takst, "tilbud_id", tt);
    tg_test_add(takst, "gyldig_fra", tf);
    tg_test_add(takst, "takst_kr", tk);
    const char *by[] = { "tilbud_id" };
    tg_table *out;
    assert_int_equal(tg_join_asof(occ, takst, by, by, 1, "dato", "gyldig_fra", TG_ASOF_BACKWARD,
                                  NULL, &out, NULL),
                     TG_OK);
    /* 1001 on 2023-12-31: 3000 (from 2023-01-01); 1008 on 2024-03-01: 2950 (valid that day);
    ** 1001 on 2024-01-01: 3100; 1001 on 2024-06-30: 3100; 1008 on 2023-01-01: none yet;
    ** 1015: no tariff at all. */
    static const double want[] = { 3000, 2950, 3100, 3100, -1, -1 };
    const tg_col *k = tg_table_col(out, "takst_kr");
    assert_int_equal(out->n_cols, 4);
    assert_string_equal(out->names[2], "gyldig_fra");
    for (size_t i = 0; i < 6; i++) {
        if (want[i] < 0) assert_false(tg_col_is_valid(k, i));
        else assert_true(tg_col_is_valid(k, i) && k->v.f64[i] == want[i]);
    }
    tg_table_release(out);
    tg_table_release(occ);
    tg_table_release(takst);
    tg_test_no_leaks(blocks);
}

/* ---- allocation failures and interrupts ---- */

struct oom {
    const tg_table *l, *r, *u;
    int which;
};

static tg_status oom_run(void *ctx) {
    struct oom *o = ctx;
    tg_table *out = NULL;
    const char *k[] = { "a", "b" }, *w[] = { "w" }, *by[] = { "b" };
    tg_status st;
    switch (o->which) {
    case 0: st = tg_join(o->l, o->r, k, k, 2, TG_JOIN_INNER, NULL, NULL, &out, NULL); break;
    case 1: st = tg_join(o->l, o->r, w, w, 1, TG_JOIN_LEFT, NULL, NULL, &out, NULL); break;
    case 2: st = tg_join(o->l, o->r, k, k, 2, TG_JOIN_SEMI, NULL, NULL, &out, NULL); break;
    default:
        st = tg_join_asof(o->l, o->r, by, by, 1, "d", "d", TG_ASOF_NEAREST, NULL, &out, NULL);
        break;
    }
    if (st != TG_OK) assert_null(out);
    tg_table_release(out);
    return st;
}

static void test_join_oom(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *l, *r;
    random_pair(6, 200, 40, &l, &r);
    tg_table *u = lookup_table();
    for (int w = 0; w < 5; w++) {
        struct oom o = { l, r, u, w };
        assert_true(tg_test_oom_loop(oom_run, &o) > 5);
    }
    tg_table_release(u);
    tg_table_release(l);
    tg_table_release(r);
    tg_test_no_leaks(blocks);
}

static void test_join_interrupt(void **state) {
    (void)state;
    size_t n = 100000;
    tg_table *l = tg_table_new(), *r = tg_table_new();
    tg_col *la = tg_col_new(TG_INT, n, NULL), *ra = tg_col_new(TG_INT, 0, NULL);
    for (size_t i = 0; i < n; i++) la->v.i64[i] = (int64_t)(i % 1000);
    la->len = n;
    for (int64_t i = 0; i < 1000; i += 2) assert_int_equal(tg_col_push_i64(ra, i), TG_OK);
    tg_test_add(l, "a", la);
    tg_test_add(r, "a", ra);
    tg_test_add(r, "rid", rid_col(500));
    size_t blocks = tg_mem_blocks();
    const char *k[] = { "a" };
    /* The inner join takes the general path, the left join (unique right
    ** keys) the lookup path. */
    for (int how = TG_JOIN_INNER; how <= TG_JOIN_LEFT; how++) {
        int stopped = 0;
        for (int at = 1;; at++) { /* polls come once per morsel (tg_par) */
            tg_test_stopper s = { 0, at };
            tg_interrupt intr = { tg_test_stop_poll, &s };
            tg_table *out = (tg_table *)1;
            tg_error err;
            tg_status st = tg_join(l, r, k, k, 1, how, NULL, &intr, &out, &err);
            if (st == TG_OK) {
                assert_int_equal(out->n_rows, how == TG_JOIN_INNER ? n / 2 : n);
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
        assert_true(stopped >= 3);
    }
    tg_table_release(l);
    tg_table_release(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_matches_sqlite),
        cmocka_unit_test(test_join_large_build_side),
        cmocka_unit_test(test_join_lookup_table),
        cmocka_unit_test(test_join_float_keys),
        cmocka_unit_test(test_join_names_and_sharing),
        cmocka_unit_test(test_join_errors),
        cmocka_unit_test(test_join_asof_matches_naive),
        cmocka_unit_test(test_join_asof_takst),
        cmocka_unit_test(test_join_oom),
        cmocka_unit_test(test_join_interrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
