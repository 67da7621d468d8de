/*
** test_table.c -- tables of named columns: add/find/col, the checks that
** refuse a duplicate name or a length mismatch without touching the table,
** shared columns and their reference counts, "did you mean" suggestions
** (edit distances worked out by hand) and allocation failures.
*/
#include "tg_test.h"

#include <stdio.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_table.h"

static tg_col *int_col(size_t rows, int64_t first) {
    tg_col *col = tg_col_new(TG_INT, 0, NULL);
    assert_non_null(col);
    for (size_t r = 0; r < rows; r++)
        assert_int_equal(tg_col_push_i64(col, first + (int64_t)r), TG_OK);
    return col;
}

static void test_table_new_empty(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    assert_non_null(t);
    assert_int_equal(t->refs, 1);
    assert_int_equal(t->n_cols, 0);
    assert_int_equal(t->n_rows, 0);
    assert_int_equal(tg_table_find(t, "x"), -1);
    assert_null(tg_table_col(t, "x"));
    tg_table_release(t);
    tg_table_release(NULL);
    tg_test_no_leaks(blocks);
}

static void test_table_add_find_col(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    assert_non_null(t);
    tg_col *a = int_col(5, 100);
    tg_col *b = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *c = tg_col_new(TG_STRING, 0, NULL);
    assert_true(b && c);
    for (int r = 0; r < 5; r++) {
        assert_int_equal(tg_col_push_f64(b, r * 0.5), TG_OK);
        assert_int_equal(tg_col_push_str(c, r % 2 ? "Aarhus" : "Ærø", r % 2 ? 6 : 4), TG_OK);
    }

    char name[32];
    snprintf(name, sizeof name, "takst_kr");
    assert_int_equal(tg_table_add(t, name, a), TG_OK);
    memset(name, 'x', sizeof name - 1); /* the table copied the name */
    assert_int_equal(tg_table_add(t, "belægning", b), TG_OK);
    assert_int_equal(tg_table_add(t, "kommune", c), TG_OK);

    assert_int_equal(t->n_cols, 3);
    assert_int_equal(t->n_rows, 5);
    assert_int_equal(tg_table_find(t, "takst_kr"), 0);
    assert_int_equal(tg_table_find(t, "belægning"), 1);
    assert_int_equal(tg_table_find(t, "kommune"), 2);
    assert_int_equal(tg_table_find(t, "Kommune"), -1); /* names are case-sensitive */
    assert_int_equal(tg_table_find(t, "takst"), -1);
    assert_int_equal(tg_table_find(t, ""), -1);
    assert_ptr_equal(tg_table_col(t, "takst_kr"), a);
    assert_ptr_equal(tg_table_col(t, "belægning"), b);
    assert_ptr_equal(tg_table_col(t, "kommune"), c);
    assert_null(tg_table_col(t, "belaegning"));
    assert_string_equal(t->names[0], "takst_kr");
    assert_ptr_equal(t->cols[1], b);

    /* The table holds its own reference; the caller keeps theirs. */
    assert_int_equal(a->refs, 2);
    assert_int_equal(b->refs, 2);
    assert_int_equal(c->refs, 2);
    tg_col_release(a);
    tg_col_release(b);
    tg_col_release(c);
    assert_int_equal(tg_table_col(t, "takst_kr")->v.i64[4], 104);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_table_duplicate_name(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    assert_non_null(t);
    tg_col *a = int_col(3, 0), *b = int_col(3, 10);
    assert_int_equal(tg_table_add(t, "x", a), TG_OK);

    size_t used = tg_mem_used(), live = tg_mem_blocks();
    assert_int_equal(tg_table_add(t, "x", b), TG_EARG);
    assert_int_equal(tg_table_add(t, "x", a), TG_EARG); /* same column, same name */
    assert_int_equal(t->n_cols, 1);
    assert_int_equal(t->n_rows, 3);
    assert_int_equal(a->refs, 2);
    assert_int_equal(b->refs, 1);
    assert_ptr_equal(tg_table_col(t, "x"), a);
    assert_int_equal(tg_mem_used(), used);
    assert_int_equal(tg_mem_blocks(), live);

    assert_int_equal(tg_table_add(t, "X", b), TG_OK); /* a different name */
    assert_int_equal(t->n_cols, 2);
    tg_col_release(a);
    tg_col_release(b);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_table_length_mismatch(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    assert_non_null(t);
    tg_col *five = int_col(5, 0), *four = int_col(4, 0), *six = int_col(6, 0);
    tg_col *none = int_col(0, 0);

    assert_int_equal(tg_table_add(t, "five", five), TG_OK);
    size_t used = tg_mem_used(), live = tg_mem_blocks();
    assert_int_equal(tg_table_add(t, "four", four), TG_EARG);
    assert_int_equal(tg_table_add(t, "six", six), TG_EARG);
    assert_int_equal(tg_table_add(t, "none", none), TG_EARG);
    assert_int_equal(t->n_cols, 1);
    assert_int_equal(t->n_rows, 5);
    assert_int_equal(four->refs, 1);
    assert_int_equal(six->refs, 1);
    assert_int_equal(tg_table_find(t, "four"), -1);
    assert_int_equal(tg_mem_used(), used);
    assert_int_equal(tg_mem_blocks(), live);
    tg_table_release(t);

    /* An empty first column fixes n_rows at 0. */
    t = tg_table_new();
    assert_non_null(t);
    assert_int_equal(tg_table_add(t, "none", none), TG_OK);
    assert_int_equal(t->n_rows, 0);
    assert_int_equal(tg_table_add(t, "five", five), TG_EARG);
    assert_int_equal(t->n_cols, 1);
    tg_table_release(t);

    tg_col_release(five);
    tg_col_release(four);
    tg_col_release(six);
    tg_col_release(none);
    tg_test_no_leaks(blocks);
}

static void test_table_many_columns(void **state) {
    (void)state;
    enum { N = 40 };
    size_t blocks = tg_mem_blocks();
    char name[16];
    tg_table *t = tg_table_new();
    assert_non_null(t);
    for (int i = 0; i < N; i++) {
        tg_col *col = int_col(7, i * 100);
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(tg_table_add(t, name, col), TG_OK);
        tg_col_release(col);
    }
    assert_int_equal(t->n_cols, N);
    assert_int_equal(t->n_rows, 7);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(tg_table_find(t, name), i);
        tg_col *col = tg_table_col(t, name);
        assert_non_null(col);
        assert_int_equal(col->v.i64[6], i * 100 + 6);
        assert_int_equal(col->refs, 1);
    }
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_table_shared_column(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t2 = tg_table_new();
    assert_non_null(t2);
    tg_col *col = int_col(100, 1);
    assert_int_equal(tg_table_add(t2, "occupancy", col), TG_OK);
    assert_int_equal(tg_table_add(t2, "copy", col), TG_OK); /* twice in one table */
    size_t before_t1 = tg_mem_blocks();

    tg_table *t1 = tg_table_new();
    assert_non_null(t1);
    assert_int_equal(tg_table_add(t1, "belægning", col), TG_OK);
    assert_int_equal(col->refs, 4);
    tg_col_release(col);
    tg_table_release(t1);
    assert_int_equal(tg_mem_blocks(), before_t1); /* t1 gone, the column not */
    assert_int_equal(col->refs, 2);               /* t2 still holds it, twice */
    assert_ptr_equal(tg_table_col(t2, "occupancy"), col);
    assert_ptr_equal(tg_table_col(t2, "copy"), col);
    assert_int_equal(col->v.i64[99], 100);
    assert_int_equal(col->len, 100);
    tg_table_release(t2);
    tg_test_no_leaks(blocks);
}

static void test_table_retain_release(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    assert_non_null(t);
    tg_col *col = int_col(3, 0);
    assert_int_equal(tg_table_add(t, "x", col), TG_OK);
    tg_col_release(col);

    assert_ptr_equal(tg_table_retain(t), t);
    assert_int_equal(t->refs, 2);
    tg_table_release(t);
    assert_int_equal(t->refs, 1);
    assert_int_equal(tg_table_col(t, "x")->v.i64[2], 2); /* still alive */
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- suggestions ---- */

static const char *nearest(const char *name, const char *a, const char *b) {
    char *names[2] = { (char *)a, (char *)b };
    return tg_nearest_name(name, names, b ? 2 : 1);
}

static void test_table_nearest_name(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    char *names[] = { "kommune", "takst_kr", "belaegning", "dato", "borger_id" };
    const size_t n = TG_ARRAY_LEN(names);

    assert_string_equal(tg_nearest_name("takst_k", names, n), "takst_kr");     /* 1 of 2 */
    assert_string_equal(tg_nearest_name("belagning", names, n), "belaegning"); /* 1 of 3 */
    assert_string_equal(tg_nearest_name("belægning", names, n), "belaegning"); /* 2 bytes of 3 */
    assert_string_equal(tg_nearest_name("Kommune", names, n), "kommune");
    assert_string_equal(tg_nearest_name("kommune", names, n), "kommune"); /* exact */
    assert_string_equal(tg_nearest_name("borgerid", names, n), "borger_id");
    assert_string_equal(tg_nearest_name("dat", names, n), "dato");
    assert_null(tg_nearest_name("borger", names, n)); /* 3 edits, 6 letters: limit 2 */
    assert_null(tg_nearest_name("dt", names, n));     /* 2 edits, limit 1 */
    assert_null(tg_nearest_name("xyz", names, n));
    assert_null(tg_nearest_name("sengedage", names, n));
    assert_null(tg_nearest_name("", names, n));
    assert_null(tg_nearest_name("kommune", names, 0));
    assert_null(tg_nearest_name("kommune", NULL, 0));

    /* The limit is a third of the length, at least 1 and at most 3 edits. */
    assert_string_equal(nearest("a", "b", NULL), "b");
    assert_null(nearest("a", "bc", NULL));
    assert_string_equal(nearest("abcdefgh", "abcdefxy", NULL), "abcdefxy"); /* 8: 2 */
    assert_null(nearest("abcdefgh", "abcdexyz", NULL));
    assert_string_equal(nearest("abcdefghi", "abcdefxyz", NULL), "abcdefxyz"); /* 9: 3 */
    assert_null(nearest("abcdefghi", "abcdewxyz", NULL));
    assert_string_equal(nearest("abcdefghijkl", "abcdefghixyz", NULL), "abcdefghixyz"); /* 12: 3 */
    assert_null(nearest("abcdefghijkl", "abcdefghwxyz", NULL));
    assert_string_equal(nearest("abcdefghijklmnopqrstu", "abcdefghijklmnopqrxyz", NULL),
                        "abcdefghijklmnopqrxyz");
    assert_null(nearest("abcdefghijklmnopqrstu", "abcdefghijklmnopqwxyz", NULL));

    /* The closest wins, wherever it is in the list. */
    assert_string_equal(nearest("kommuner", "kommun", "kommunes"), "kommunes");
    assert_string_equal(nearest("kommuner", "kommunes", "kommun"), "kommunes");
    assert_string_equal(nearest("takst", "takst_kr", "taksts"), "taksts");

    /* 64-byte names are still compared. */
    char long_name[65], long_typo[65];
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    memcpy(long_typo, long_name, sizeof long_typo);
    long_typo[63] = 'b';
    assert_string_equal(nearest(long_typo, "x", long_name), long_name);
    assert_string_equal(nearest(long_name, long_typo, NULL), long_typo);
    tg_test_no_leaks(blocks);
}

/* ---- allocation failures ---- */

static tg_status build_table(void *ctx) {
    (void)ctx;
    char name[16];
    tg_table *t = tg_table_new();
    if (!t) return TG_ENOMEM;
    for (int i = 0; i < 12; i++) {
        tg_type type = i % 2 ? TG_STRING : TG_INT;
        tg_col *col = tg_col_new(type, 0, NULL);
        tg_status st = col ? TG_OK : TG_ENOMEM;
        for (int r = 0; r < 20 && st == TG_OK; r++)
            st = type == TG_INT ? tg_col_push_i64(col, r)
                                : tg_col_push_str(col, "abc", (size_t)(r % 4));
        snprintf(name, sizeof name, "col_%d", i);
        if (st == TG_OK) st = tg_table_add(t, name, col);
        tg_col_release(col);
        if (st != TG_OK) {
            tg_table_release(t);
            return st;
        }
    }
    assert_int_equal(t->n_cols, 12);
    assert_int_equal(t->n_rows, 20);
    tg_table_release(t);
    return TG_OK;
}

static void test_table_oom_loop(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    assert_true(tg_test_oom_loop(build_table, NULL) > 12);
    tg_test_no_leaks(blocks);
}

/* A failed add leaves the table and the column as they were. */
static void test_table_oom_add_leaves_table_unchanged(void **state) {
    (void)state;
    enum { BASE = 8, END = 20 }; /* the 9th and 17th adds grow the arrays */
    size_t blocks = tg_mem_blocks();
    char name[16];
    tg_col *col = int_col(4, 0);
    int injected = 1;

    for (long k = 1; injected; k = tg_test_oom_next(k)) {
        tg_table *t = tg_table_new();
        assert_non_null(t);
        for (int i = 0; i < BASE; i++) {
            snprintf(name, sizeof name, "c%d", i);
            assert_int_equal(tg_table_add(t, name, col), TG_OK);
        }
        int i = BASE;
        tg_mem_fail_nth(k);
        for (; i < END; i++) {
            snprintf(name, sizeof name, "c%d", i);
            tg_status st = tg_table_add(t, name, col);
            if (st != TG_OK) {
                assert_int_equal(st, TG_ENOMEM);
                break;
            }
        }
        injected = i < END;
        tg_mem_fail_nth(0);
        assert_int_equal(t->n_cols, (size_t)i);
        assert_int_equal(col->refs, 1 + i);
        for (int j = 0; j < i; j++) {
            snprintf(name, sizeof name, "c%d", j);
            assert_int_equal(tg_table_find(t, name), j);
        }
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(tg_table_find(t, name), -1);
        for (; i < END; i++) {
            snprintf(name, sizeof name, "c%d", i);
            assert_int_equal(tg_table_add(t, name, col), TG_OK);
        }
        assert_int_equal(t->n_cols, END);
        tg_table_release(t);
        assert_int_equal(col->refs, 1);
    }
    tg_col_release(col);
    tg_test_no_leaks(blocks);
}


/* take: row i of the result is row idx[i]; TG_NO_ROW gives NULL. Expected
** values are written from the index list by hand. */
static void test_table_take_and_select(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_table *t = tg_table_new();
    tg_col *a = tg_col_new(TG_INT, 4, NULL), *b = tg_col_new(TG_STRING, 4, NULL);
    for (int i = 0; i < 4; i++) assert_int_equal(tg_col_push_i64(a, 10 * i), TG_OK);
    assert_int_equal(tg_col_push_str(b, "Tårnby", strlen("Tårnby")), TG_OK);
    assert_int_equal(tg_col_push_null(b), TG_OK);
    assert_int_equal(tg_col_push_str(b, "Ærø", strlen("Ærø")), TG_OK);
    assert_int_equal(tg_col_push_str(b, "Tårnby", strlen("Tårnby")), TG_OK);
    assert_int_equal(tg_table_add(t, "a", a), TG_OK);
    assert_int_equal(tg_table_add(t, "b", b), TG_OK);

    size_t idx[] = { 3, 1, TG_NO_ROW, 0, 3 };
    tg_table *u = tg_table_take(t, idx, 5);
    assert_non_null(u);
    assert_int_equal(u->n_rows, 5);
    const tg_col *ua = u->cols[0], *ub = u->cols[1];
    assert_int_equal(ua->v.i64[0], 30);
    assert_int_equal(ua->v.i64[1], 10);
    assert_false(tg_col_is_valid(ua, 2));
    assert_int_equal(ua->v.i64[3], 0);
    assert_true(ub->dict == b->dict); /* shared, not copied */
    assert_string_equal(tg_dict_str(ub->dict, ub->v.str[0], NULL), "Tårnby");
    assert_false(tg_col_is_valid(ub, 1)); /* source row 1 was NULL */
    assert_false(tg_col_is_valid(ub, 2)); /* TG_NO_ROW */
    assert_string_equal(tg_dict_str(ub->dict, ub->v.str[3], NULL), "Tårnby");
    assert_int_equal(tg_col_null_count(ub), 2);

    const char *names[] = { "b", "a" }, *bad = NULL;
    tg_table *s = NULL;
    assert_int_equal(tg_table_select(t, names, 2, &s, &bad), TG_OK);
    assert_string_equal(s->names[0], "b");
    assert_true(s->cols[1] == a); /* retained, not copied */
    assert_int_equal(s->n_rows, 4);
    const char *wrong[] = { "a", "c" };
    tg_table *s2 = NULL;
    assert_int_equal(tg_table_select(t, wrong, 2, &s2, &bad), TG_EARG);
    assert_null(s2);
    assert_string_equal(bad, "c");

    tg_table_release(s);
    tg_table_release(u);
    tg_col_release(a);
    tg_col_release(b);
    tg_table_release(t);
    tg_test_no_leaks(before);
}

struct take_ctx {
    tg_table *t;
};

static tg_status take_once(void *p) {
    struct take_ctx *ctx = p;
    size_t idx[] = { 1, TG_NO_ROW, 0 };
    tg_table *u = tg_table_take(ctx->t, idx, 3);
    if (!u) return TG_ENOMEM;
    tg_table_release(u);
    return TG_OK;
}

static void test_table_take_oom(void **state) {
    (void)state;
    struct take_ctx ctx = { tg_table_new() };
    tg_col *a = tg_col_new(TG_FLOAT, 2, NULL);
    assert_int_equal(tg_col_push_f64(a, 1.5), TG_OK);
    assert_int_equal(tg_col_push_f64(a, 2.5), TG_OK);
    assert_int_equal(tg_table_add(ctx.t, "x", a), TG_OK);
    tg_col_release(a);
    assert_true(tg_test_oom_loop(take_once, &ctx) > 3);
    tg_table_release(ctx.t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_take_and_select),
        cmocka_unit_test(test_table_take_oom),
        cmocka_unit_test(test_table_new_empty),
        cmocka_unit_test(test_table_add_find_col),
        cmocka_unit_test(test_table_duplicate_name),
        cmocka_unit_test(test_table_length_mismatch),
        cmocka_unit_test(test_table_many_columns),
        cmocka_unit_test(test_table_shared_column),
        cmocka_unit_test(test_table_retain_release),
        cmocka_unit_test(test_table_nearest_name),
        cmocka_unit_test_teardown(test_table_oom_loop, tg_test_disarm),
        cmocka_unit_test_teardown(test_table_oom_add_leaves_table_unchanged, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
