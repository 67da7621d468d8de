/*
** test_sort.c -- tg_sort_index / tg_sort / tg_sort_breaks / head, tail,
** slice. Small cases are worked out by hand; randomised tables (seeded, with
** NULLs, NaN, -0.0, infinities, full-range ints, non-ASCII strings and many
** ties) are checked against a naive comparator sort written here
** (qsort with the row index as the last key, so the expected permutation is
** unique) and against SQLite's ORDER BY ... NULLS LAST, rowid. Also
** allocation failures and interrupts.
*/
#include "tg_test.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_sort.h"

/* ---- helpers ---- */

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

/* An int column from values; INT64_MIN + 1 stands for NULL in these tables
** only when 'nulls' says so, so tests can still use INT64_MIN itself. */
static tg_col *ints(const int64_t *v, const int *null, size_t n) {
    tg_col *c = tg_col_new(TG_INT, n, NULL);
    assert_non_null(c);
    for (size_t i = 0; i < n; i++) {
        if (null && null[i]) assert_int_equal(tg_col_push_null(c), TG_OK);
        else assert_int_equal(tg_col_push_i64(c, v[i]), TG_OK);
    }
    return c;
}

static void assert_perm(const size_t *got, const size_t *want, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i])
            fail_msg("position %zu: got row %zu, want row %zu", i, got[i], want[i]);
    }
}

/* ---- hand-worked cases ---- */

static void test_sort_ints_nulls_last_both_directions(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const int64_t v[] = { 3, 0, -7, 3, 0, 9, 0 };
    const int null[] = { 0, 1, 0, 0, 0, 0, 1 };
    tg_table *t = tg_table_new();
    add_col(t, "n", ints(v, null, 7));
    const char *keys[] = { "n" };
    const int desc[] = { 1 };
    size_t *p;

    /* values 3,NULL,-7,3,0,9,NULL: ascending -7(2) 0(4) 3(0) 3(3) 9(5) NULL(1) NULL(6) */
    assert_int_equal(tg_sort_index(t, keys, NULL, 1, NULL, &p, NULL), TG_OK);
    assert_perm(p, (const size_t[]){ 2, 4, 0, 3, 5, 1, 6 }, 7);
    tg_free(p);
    /* descending keeps ties in input order and NULLs still last */
    assert_int_equal(tg_sort_index(t, keys, desc, 1, NULL, &p, NULL), TG_OK);
    assert_perm(p, (const size_t[]){ 5, 0, 3, 4, 2, 1, 6 }, 7);
    tg_free(p);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_sort_floats_nan_before_null(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const double v[] = { 1.5, NAN, -0.0, -INFINITY, 0.0, 0, INFINITY, -2.25, NAN };
    tg_col *c = tg_col_new(TG_FLOAT, 0, NULL);
    for (size_t i = 0; i < 9; i++) {
        if (i == 5) assert_int_equal(tg_col_push_null(c), TG_OK);
        else assert_int_equal(tg_col_push_f64(c, v[i]), TG_OK);
    }
    tg_table *t = tg_table_new();
    add_col(t, "x", c);
    const char *keys[] = { "x" };
    const int desc[] = { 1 };
    size_t *p;

    /* -inf(3) -2.25(7) -0.0(2)=0.0(4) 1.5(0) inf(6) NaN(1) NaN(8) NULL(5) */
    assert_int_equal(tg_sort_index(t, keys, NULL, 1, NULL, &p, NULL), TG_OK);
    assert_perm(p, (const size_t[]){ 3, 7, 2, 4, 0, 6, 1, 8, 5 }, 9);
    tg_free(p);
    assert_int_equal(tg_sort_index(t, keys, desc, 1, NULL, &p, NULL), TG_OK);
    assert_perm(p, (const size_t[]){ 6, 0, 2, 4, 7, 3, 1, 8, 5 }, 9);
    tg_free(p);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_sort_strings_by_bytes_not_codes(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    /* Dictionary codes follow first appearance: "Ørsted" 0, "b" 1, "a" 2,
    ** "ab" 3, "" 4, "B" 5. Byte order: "" "B" "a" "ab" "b" "Ørsted" (UTF-8 Ø
    ** is 0xC3 0x98, above ASCII). */
    const char *s[] = { "Ørsted", "b", "a", "ab", "", "B", "a", NULL };
    tg_col *c = tg_col_new(TG_STRING, 0, NULL);
    for (size_t i = 0; i < 8; i++) {
        if (s[i]) assert_int_equal(tg_col_push_str(c, s[i], strlen(s[i])), TG_OK);
        else assert_int_equal(tg_col_push_null(c), TG_OK);
    }
    tg_table *t = tg_table_new();
    add_col(t, "kommune", c);
    const char *keys[] = { "kommune" };
    const int desc[] = { 1 };
    size_t *p;
    assert_int_equal(tg_sort_index(t, keys, NULL, 1, NULL, &p, NULL), TG_OK);
    assert_perm(p, (const size_t[]){ 4, 5, 2, 6, 3, 1, 0, 7 }, 8);
    tg_free(p);
    assert_int_equal(tg_sort_index(t, keys, desc, 1, NULL, &p, NULL), TG_OK);
    assert_perm(p, (const size_t[]){ 0, 1, 3, 2, 6, 5, 4, 7 }, 8);
    tg_free(p);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_sort_multi_key_and_gather(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    /* tilbud, dato (days), belagt (bool) */
    const int64_t tilbud[] = { 2, 1, 2, 1, 2, 1 };
    tg_col *d = tg_col_new(TG_DATE, 0, NULL), *b = tg_col_new(TG_BOOL, 0, NULL);
    const int32_t dates[] = { 19000, 19001, 18999, 19001, 19000, -5 };
    const int bools[] = { 1, 0, 1, 1, 0, 1 };
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(tg_col_push_date(d, dates[i]), TG_OK);
        assert_int_equal(tg_col_push_bool(b, bools[i]), TG_OK);
    }
    tg_table *t = tg_table_new();
    add_col(t, "tilbud", ints(tilbud, NULL, 6));
    add_col(t, "dato", d);
    add_col(t, "belagt", b);

    /* tilbud asc, dato desc, belagt asc:
    ** tilbud 1: rows 1 (19001,0) 3 (19001,1) 5 (-5) -> 1 3 5
    ** tilbud 2: rows 0 (19000,1) 4 (19000,0) 2 (18999) -> 4 0 2 */
    const char *keys[] = { "tilbud", "dato", "belagt" };
    const int desc[] = { 0, 1, 0 };
    tg_table *s;
    assert_int_equal(tg_sort(t, keys, desc, 3, NULL, &s, NULL), TG_OK);
    assert_int_equal(s->n_rows, 6);
    assert_int_equal(s->n_cols, 3);
    const size_t want[] = { 1, 3, 5, 4, 0, 2 };
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(s->cols[0]->v.i64[i], tilbud[want[i]]);
        assert_int_equal(s->cols[1]->v.date[i], dates[want[i]]);
        assert_int_equal(s->cols[2]->v.b8[i], bools[want[i]]);
    }
    assert_string_equal(s->names[1], "dato");
    tg_table_release(s);

    /* No keys: the identity. */
    size_t *p;
    assert_int_equal(tg_sort_index(t, NULL, NULL, 0, NULL, &p, NULL), TG_OK);
    assert_perm(p, (const size_t[]){ 0, 1, 2, 3, 4, 5 }, 6);
    tg_free(p);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_sort_unknown_column(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const int64_t v[] = { 1, 2 };
    tg_table *t = tg_table_new();
    add_col(t, "takst_kr", ints(v, NULL, 2));
    const char *keys[] = { "takst_k" }, *far[] = { "kommune" };
    tg_error err;
    tg_table *s = (tg_table *)1;
    assert_int_equal(tg_sort(t, keys, NULL, 1, NULL, &s, &err), TG_EARG);
    assert_null(s);
    assert_string_equal(err.msg, "no column 'takst_k'; did you mean 'takst_kr'?");
    size_t *p = (size_t *)1;
    assert_int_equal(tg_sort_index(t, far, NULL, 1, NULL, &p, &err), TG_EARG);
    assert_null(p);
    assert_string_equal(err.msg, "no column 'kommune'");
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_sort_empty_and_single_row(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *keys[] = { "n" };
    size_t *p;
    tg_table *t = tg_table_new(), *s;
    add_col(t, "n", ints(NULL, NULL, 0));
    assert_int_equal(tg_sort_index(t, keys, NULL, 1, NULL, &p, NULL), TG_OK);
    assert_non_null(p);
    tg_free(p);
    assert_int_equal(tg_sort(t, keys, NULL, 1, NULL, &s, NULL), TG_OK);
    assert_int_equal(s->n_rows, 0);
    assert_int_equal(s->n_cols, 1);
    tg_table_release(s);
    tg_table_release(t);

    const int64_t one[] = { 42 };
    t = tg_table_new();
    add_col(t, "n", ints(one, NULL, 1));
    assert_int_equal(tg_sort_index(t, keys, NULL, 1, NULL, &p, NULL), TG_OK);
    assert_int_equal(p[0], 0);
    tg_free(p);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_sort_breaks_grouping_equality(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    /* rows in the given order: (1, NaN) (1, NaN) (1, -0) (1, 0) (NULL, 0)
    ** (NULL, 0) (2, NULL) (2, NULL) */
    const int64_t a[] = { 1, 1, 1, 1, 0, 0, 2, 2 };
    const int an[] = { 0, 0, 0, 0, 1, 1, 0, 0 };
    const double f[] = { NAN, NAN, -0.0, 0.0, 0, 0, 0, 0 };
    tg_col *fc = tg_col_new(TG_FLOAT, 0, NULL);
    for (size_t i = 0; i < 8; i++) {
        if (i >= 6) assert_int_equal(tg_col_push_null(fc), TG_OK);
        else assert_int_equal(tg_col_push_f64(fc, f[i]), TG_OK);
    }
    tg_table *t = tg_table_new();
    add_col(t, "a", ints(a, an, 8));
    add_col(t, "f", fc);
    const size_t id[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    const char *ka[] = { "a" }, *kaf[] = { "a", "f" }, *bad[] = { "g" };
    uint8_t brk[8];
    assert_int_equal(tg_sort_breaks(t, ka, 1, id, 8, brk, NULL), TG_OK);
    assert_memory_equal(brk, ((const uint8_t[]){ 1, 0, 0, 0, 1, 0, 1, 0 }), 8);
    assert_int_equal(tg_sort_breaks(t, kaf, 2, id, 8, brk, NULL), TG_OK);
    assert_memory_equal(brk, ((const uint8_t[]){ 1, 0, 1, 0, 1, 0, 1, 0 }), 8);
    assert_int_equal(tg_sort_breaks(t, bad, 1, id, 8, brk, NULL), TG_EARG);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- randomised: a naive comparator sort ---- */

enum { RI, RW, RF, RS, RB, RD, N_RCOLS };
static const char *rnames[N_RCOLS] = { "i", "w", "f", "s", "b", "d" };
static const char *words[] = { "Ærø",           "Aarhus", "aarhus", "",        "a", "ab",
                               "Høje-Taastrup", "Høje",   "b",      "Zealand", "ø", "Odense" };

/* A random table of n rows: few distinct values so ties are common, about
** one NULL in eight, and the awkward floats when 'nan' is set. */
static tg_table *random_table(size_t n, int nan) {
    tg_table *t = tg_table_new();
    tg_col *c[N_RCOLS];
    c[RI] = tg_col_new(TG_INT, 0, NULL);
    c[RW] = tg_col_new(TG_INT, 0, NULL);
    c[RF] = tg_col_new(TG_FLOAT, 0, NULL);
    c[RS] = tg_col_new(TG_STRING, 0, NULL);
    c[RB] = tg_col_new(TG_BOOL, 0, NULL);
    c[RD] = tg_col_new(TG_DATE, 0, NULL);
    for (size_t r = 0; r < n; r++) {
        for (int k = 0; k < N_RCOLS; k++) {
            uint64_t x = rnd();
            if (x % 8 == 0) {
                assert_int_equal(tg_col_push_null(c[k]), TG_OK);
                continue;
            }
            x >>= 3;
            tg_status st = TG_OK;
            switch (k) {
            case RI: st = tg_col_push_i64(c[k], (int64_t)(x % 7) - 3); break;
            case RW: {
                static const int64_t edge[] = { INT64_MIN, INT64_MAX, 0, -1 };
                int64_t v = x % 4 == 0 ? edge[(x >> 2) % 4] : (int64_t)rnd();
                st = tg_col_push_i64(c[k], v);
                break;
            }
            case RF: {
                static const double odd[] = { -0.0, 0.0, INFINITY, -INFINITY, NAN, 1e-300 };
                double v = (double)(int64_t)(x % 2001 - 1000) / 8;
                if (x % 5 == 0) v = odd[(x >> 3) % (nan ? 6 : 4)];
                st = tg_col_push_f64(c[k], v);
                break;
            }
            case RS: {
                const char *w = words[x % TG_ARRAY_LEN(words)];
                st = tg_col_push_str(c[k], w, strlen(w));
                break;
            }
            case RB: st = tg_col_push_bool(c[k], (int)(x & 1)); break;
            case RD:
                st = tg_col_push_date(c[k], (int32_t)(x % 50) - 25 + 19000 * (int32_t)(x % 2));
                break;
            }
            assert_int_equal(st, TG_OK);
        }
    }
    for (int k = 0; k < N_RCOLS; k++) add_col(t, rnames[k], c[k]);
    return t;
}

static struct {
    const tg_table *t;
    const tg_col *col[N_RCOLS];
    const int *desc;
    size_t n_keys;
} cmp_ctx;

/* 0 number/value, 1 NaN, 2 NULL */
static int value_class(const tg_col *c, size_t r) {
    if (!tg_col_is_valid(c, r)) return 2;
    if (c->type == TG_FLOAT && isnan(c->v.f64[r])) return 1;
    return 0;
}

static int cmp_value(const tg_col *c, size_t a, size_t b) {
    switch (c->type) {
    case TG_INT: return (c->v.i64[a] > c->v.i64[b]) - (c->v.i64[a] < c->v.i64[b]);
    case TG_FLOAT: return (c->v.f64[a] > c->v.f64[b]) - (c->v.f64[a] < c->v.f64[b]);
    case TG_BOOL: return (int)c->v.b8[a] - (int)c->v.b8[b];
    case TG_DATE: return (c->v.date[a] > c->v.date[b]) - (c->v.date[a] < c->v.date[b]);
    case TG_STRING: {
        size_t la, lb;
        const char *sa = tg_dict_str(c->dict, c->v.str[a], &la);
        const char *sb = tg_dict_str(c->dict, c->v.str[b], &lb);
        int x = memcmp(sa, sb, la < lb ? la : lb);
        return x ? (x > 0) - (x < 0) : (la > lb) - (la < lb);
    }
    }
    return 0;
}

static int naive_cmp(const void *pa, const void *pb) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    for (size_t k = 0; k < cmp_ctx.n_keys; k++) {
        const tg_col *c = cmp_ctx.col[k];
        int ca = value_class(c, a), cb = value_class(c, b);
        if (ca != cb) return ca - cb;
        if (ca == 0) {
            int x = cmp_value(c, a, b);
            if (x) return cmp_ctx.desc[k] ? -x : x;
        }
    }
    return (a > b) - (a < b);
}

static void check_against_naive(const tg_table *t, const char *const *keys, const int *desc,
                                size_t nk) {
    size_t n = t->n_rows, *got, *want = malloc((n ? n : 1) * sizeof *want);
    assert_non_null(want);
    cmp_ctx.t = t;
    cmp_ctx.desc = desc;
    cmp_ctx.n_keys = nk;
    for (size_t k = 0; k < nk; k++) cmp_ctx.col[k] = tg_table_col(t, keys[k]);
    for (size_t i = 0; i < n; i++) want[i] = i;
    qsort(want, n, sizeof *want, naive_cmp);
    assert_int_equal(tg_sort_index(t, keys, desc, nk, NULL, &got, NULL), TG_OK);
    assert_perm(got, want, n);
    tg_free(got);
    free(want);
}

static void test_sort_random_vs_naive(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const size_t sizes[] = { 2, 17, 31, 33, 500, 5000, 25000 };
    seed = 20240601;
    for (size_t si = 0; si < TG_ARRAY_LEN(sizes); si++) {
        tg_table *t = random_table(sizes[si], 1);
        for (int trial = 0; trial < 12; trial++) {
            const char *keys[4];
            int desc[4];
            size_t nk = 1 + rnd() % 4;
            for (size_t k = 0; k < nk; k++) {
                keys[k] = rnames[rnd() % N_RCOLS];
                desc[k] = (int)(rnd() % 2);
            }
            check_against_naive(t, keys, desc, nk);
        }
        /* Every single key both ways, and the widest composite key. */
        for (int k = 0; k < N_RCOLS; k++) {
            const char *keys[] = { rnames[k] };
            const int up[] = { 0 }, down[] = { 1 };
            check_against_naive(t, keys, up, 1);
            check_against_naive(t, keys, down, 1);
        }
        const char *all[] = { "s", "w", "f", "d", "i", "b" };
        const int d6[] = { 1, 0, 1, 0, 1, 1 };
        check_against_naive(t, all, d6, 6);
        tg_table_release(t);
    }
    tg_test_no_leaks(blocks);
}

/* ---- randomised: SQLite ORDER BY ---- */

static void load_sqlite(sqlite3 *db, const tg_table *t) {
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE t(i INTEGER, w INTEGER, f REAL, s TEXT, "
                                  "b INTEGER, d INTEGER)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO t(rowid, i, w, f, s, b, d) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (size_t r = 0; r < t->n_rows; r++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)r);
        for (int k = 0; k < N_RCOLS; k++) {
            const tg_col *c = t->cols[k];
            int p = k + 2;
            if (!tg_col_is_valid(c, r)) {
                sqlite3_bind_null(st, p);
                continue;
            }
            switch (c->type) {
            case TG_INT: sqlite3_bind_int64(st, p, c->v.i64[r]); break;
            case TG_FLOAT: sqlite3_bind_double(st, p, c->v.f64[r]); break;
            case TG_BOOL: sqlite3_bind_int(st, p, c->v.b8[r]); break;
            case TG_DATE: sqlite3_bind_int(st, p, c->v.date[r]); break;
            case TG_STRING: {
                size_t len;
                const char *s = tg_dict_str(c->dict, c->v.str[r], &len);
                sqlite3_bind_text(st, p, s, (int)len, SQLITE_TRANSIENT);
                break;
            }
            }
        }
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

static void test_sort_random_vs_sqlite(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    sqlite3 *db;
    seed = 7;
    /* No NaN: SQLite stores NaN as NULL. */
    tg_table *t = random_table(3000, 0);
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    load_sqlite(db, t);
    for (int trial = 0; trial < 25; trial++) {
        const char *keys[3];
        int desc[3];
        char sql[256];
        size_t nk = 1 + rnd() % 3, len;
        len = (size_t)snprintf(sql, sizeof sql, "SELECT rowid FROM t ORDER BY ");
        for (size_t k = 0; k < nk; k++) {
            keys[k] = rnames[rnd() % N_RCOLS];
            desc[k] = (int)(rnd() % 2);
            len += (size_t)snprintf(sql + len, sizeof sql - len, "%s %s NULLS LAST, ", keys[k],
                                    desc[k] ? "DESC" : "ASC");
        }
        snprintf(sql + len, sizeof sql - len, "rowid");

        size_t *got, i = 0;
        sqlite3_stmt *st;
        assert_int_equal(tg_sort_index(t, keys, desc, nk, NULL, &got, NULL), TG_OK);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            size_t want = (size_t)sqlite3_column_int64(st, 0);
            if (got[i] != want)
                fail_msg("%s: position %zu: got %zu want %zu", sql, i, got[i], want);
            i++;
        }
        assert_int_equal(i, t->n_rows);
        sqlite3_finalize(st);
        tg_free(got);
    }
    sqlite3_close(db);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- failures ---- */

static tg_status oom_sort(void *ctx) {
    const tg_table *t = ctx;
    const char *keys[] = { "s", "w", "f" };
    const int desc[] = { 0, 1, 0 };
    tg_table *s;
    tg_status st = tg_sort(t, keys, desc, 3, NULL, &s, NULL);
    if (st != TG_OK) return st;
    tg_table_release(s);
    return TG_OK;
}

static void test_sort_oom(void **state) {
    (void)state;
    seed = 99;
    tg_table *t = random_table(300, 1);
    size_t blocks = tg_mem_blocks();
    int runs = tg_test_oom_loop(oom_sort, t);
    assert_true(runs > 10);
    tg_test_no_leaks(blocks);
    tg_table_release(t);
}

static int polls_left;

static tg_status stop_after(void *ud) {
    (void)ud;
    /* atomic: the sort's passes poll from every worker thread (tg_par) */
    return __atomic_fetch_sub(&polls_left, 1, __ATOMIC_RELAXED) > 0 ? TG_OK : TG_ECANCEL;
}

static void test_sort_interrupt(void **state) {
    (void)state;
    seed = 5;
    tg_table *t = random_table(20000, 1);
    size_t blocks = tg_mem_blocks();
    const char *keys[] = { "w", "s" };
    tg_interrupt intr = { stop_after, NULL };
    tg_error err;
    for (int k = 0; k < 40; k += 3) {
        size_t *p = (size_t *)1;
        polls_left = k;
        tg_status st = tg_sort_index(t, keys, NULL, 2, &intr, &p, &err);
        if (st == TG_OK) {
            tg_free(p);
            assert_true(k > 3); /* it does poll */
            break;
        }
        assert_int_equal(st, TG_ECANCEL);
        assert_int_equal(err.code, TG_ECANCEL);
        assert_null(p);
        tg_test_no_leaks(blocks);
    }
    tg_test_no_leaks(blocks);
    tg_table_release(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_ints_nulls_last_both_directions),
        cmocka_unit_test(test_sort_floats_nan_before_null),
        cmocka_unit_test(test_sort_strings_by_bytes_not_codes),
        cmocka_unit_test(test_sort_multi_key_and_gather),
        cmocka_unit_test(test_sort_unknown_column),
        cmocka_unit_test(test_sort_empty_and_single_row),
        cmocka_unit_test(test_sort_breaks_grouping_equality),
        cmocka_unit_test(test_sort_random_vs_naive),
        cmocka_unit_test(test_sort_random_vs_sqlite),
        cmocka_unit_test_teardown(test_sort_oom, tg_test_disarm),
        cmocka_unit_test(test_sort_interrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
