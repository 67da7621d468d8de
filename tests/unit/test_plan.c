/*
** test_plan.c -- plans (tg_plan) against the same verbs run one at a time
** through the kernels: filters after joins (moved below them, one AND term
** to each side), group-bys after joins (moved below when the right keys
** are distinct, kept above when not), inner and left joins, over random
** tables with NULLs and a right column whose name clashes. Also what
** tg_plan_explain says was moved, build errors, interrupts and leaks.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_agg.h"
#include "tg_err.h"
#include "tg_exec.h"
#include "tg_expr.h"
#include "tg_group.h"
#include "tg_join.h"
#include "tg_mem.h"
#include "tg_plan.h"
#include "tg_table.h"

/* Left: k x s d; right: k (distinct 0..nr-1 when 'unique') name cap x. */
static void make_pair(uint64_t seed, size_t nl, size_t nr, int unique, tg_table **l, tg_table **r) {
    uint64_t s = seed * 0x9e3779b97f4a7c15u + 11;
    *l = tg_table_new();
    *r = tg_table_new();
    tg_test_add(*l, "k", tg_test_random_col(&s, TG_INT, nl, 10, 0, (int64_t)nr + 2, 0));
    tg_test_add(*l, "x", tg_test_random_col(&s, TG_FLOAT, nl, 10, -20, 40, 0));
    tg_test_add(*l, "s", tg_test_random_col(&s, TG_STRING, nl, 10, 0, 1, 0));
    tg_test_add(*l, "d", tg_test_random_col(&s, TG_DATE, nl, 0, 0, 90, 0));
    tg_col *k = tg_col_new(TG_INT, 0, NULL);
    for (size_t i = 0; i < nr; i++)
        assert_int_equal(tg_col_push_i64(k, unique ? (int64_t)i : (int64_t)(i % (nr / 2 + 1))),
                         TG_OK);
    tg_test_add(*r, "k", k);
    tg_test_add(*r, "name", tg_test_random_col(&s, TG_STRING, nr, 0, 0, 1, 3));
    tg_test_add(*r, "cap", tg_test_random_col(&s, TG_INT, nr, 20, 1, 30, 0));
    tg_test_add(*r, "x", tg_test_random_col(&s, TG_FLOAT, nr, 10, -10, 20, 0));
}

/* The plan's result as a table (a selection gathered). */
static tg_table *run(tg_plan *p) {
    tg_table *out, *t;
    size_t *sel, n;
    tg_error err;
    assert_int_equal(tg_plan_run(p, NULL, &out, &sel, &n, NULL, NULL, &err), TG_OK);
    if (!sel) return out;
    t = tg_table_take(out, sel, n);
    tg_free(sel);
    tg_table_release(out);
    return t;
}

static tg_table *eager_filter(const tg_table *t, const tg_expr *pred) {
    size_t *idx = NULL, n = 0;
    tg_error err;
    assert_int_equal(tg_exec_filter(pred, t, NULL, &idx, &n, &err), TG_OK);
    tg_table *r = tg_table_take(t, idx, n);
    tg_free(idx);
    return r;
}

static tg_expr *cmp(tg_op op, const char *col, double v) {
    tg_expr *c = tg_expr_col(col), *lit = tg_expr_float(v);
    tg_expr *e = tg_expr_binary(op, c, lit);
    tg_expr_release(c);
    tg_expr_release(lit);
    return e;
}

static int explains(tg_plan *p, const char *what) {
    char *text = tg_plan_explain(p);
    int has = text && strstr(text, what) != NULL;
    tg_free(text);
    return has;
}

static const char *const key_k[] = { "k" };

/* filter(join(l, r), x > 0 & cap < 20 & x_right < 5) equals the join
** filtered: x is left's, so its term goes below the join; cap is right's
** under its own name, so below an inner join; x_right is right's x renamed,
** so its term stays above. */
static void test_plan_filter_below_join(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        int how = seed % 2 ? TG_JOIN_INNER : TG_JOIN_LEFT;
        size_t blocks = tg_mem_blocks();
        tg_table *l, *r, *j;
        tg_error err;
        make_pair(seed, 500 + seed * 37, 12, (int)(seed % 3 != 0), &l, &r);
        tg_expr *a = cmp(TG_OP_GT, "x", 0), *b = cmp(TG_OP_LT, "x_right", 5);
        tg_expr *cap = tg_expr_col("cap"), *twenty = tg_expr_int(20);
        tg_expr *c = tg_expr_binary(TG_OP_LT, cap, twenty);
        tg_expr_release(cap);
        tg_expr_release(twenty);
        tg_expr *terms[] = { a, c, b };
        tg_expr *both = tg_expr_nary(TG_OP_AND, terms, 3);
        tg_plan *sl = tg_plan_scan(l, NULL, 0, &err), *sr = tg_plan_scan(r, NULL, 0, &err);
        tg_plan *pj = tg_plan_join(sl, sr, key_k, key_k, 1, how, NULL, &err);
        assert_non_null(pj);
        tg_plan *pf = tg_plan_filter(pj, both, &err);
        assert_non_null(pf);
        tg_table *got = run(pf);
        assert_int_equal(tg_join(l, r, key_k, key_k, 1, how, NULL, NULL, &j, &err), TG_OK);
        tg_table *want = eager_filter(j, both);
        tg_test_assert_same_table(got, want);
        assert_true(explains(pf, "filter (col(\"x\") > 0.0) (pushed down)"));
        assert_int_equal(explains(pf, "filter (col(\"cap\") < 20) (pushed down)"),
                         how == TG_JOIN_INNER);
        assert_true(explains(pf, "filter (col(\"x_right\") < 5.0)"));
        assert_false(explains(pf, "filter (col(\"x_right\") < 5.0) (pushed down)"));
        tg_table_release(got);
        tg_table_release(want);
        tg_table_release(j);
        tg_plan_release(pf);
        tg_plan_release(pj);
        tg_plan_release(sl);
        tg_plan_release(sr);
        tg_expr_release(both);
        tg_expr_release(a);
        tg_expr_release(b);
        tg_expr_release(c);
        tg_table_release(l);
        tg_table_release(r);
        tg_test_no_leaks(blocks);
    }
}

/* agg(join(l, r)) by k, name, s: moved below the join exactly when the
** right keys are distinct; the same answer either way. */
static void test_plan_agg_below_join(void **state) {
    (void)state;
    static const char *const keys[] = { "k", "name", "s" };
    for (uint64_t seed = 1; seed <= 8; seed++) {
        int how = seed % 2 ? TG_JOIN_INNER : TG_JOIN_LEFT, unique = seed % 4 < 2;
        size_t blocks = tg_mem_blocks();
        tg_table *l, *r, *j, *want;
        tg_error err;
        make_pair(seed, 800, 15, unique, &l, &r);
        tg_expr *x = tg_expr_col("x");
        tg_plan_aggspec specs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 },
                                    { "sx", TG_AGG_SUM, x, 0, 0 },
                                    { "fx", TG_AGG_FIRST, x, 0, 0 } };
        tg_plan *sl = tg_plan_scan(l, NULL, 0, &err), *sr = tg_plan_scan(r, NULL, 0, &err);
        tg_plan *pj = tg_plan_join(sl, sr, key_k, key_k, 1, how, NULL, &err);
        tg_plan *pa = tg_plan_agg(pj, keys, 3, specs, 3, &err);
        assert_non_null(pa);
        tg_table *got = run(pa);
        assert_int_equal(tg_join(l, r, key_k, key_k, 1, how, NULL, NULL, &j, &err), TG_OK);
        tg_agg aggs[] = { { "n", TG_AGG_COUNT, NULL, 0, 0 },
                          { "sx", TG_AGG_SUM, tg_table_col(j, "x"), 0, 0 },
                          { "fx", TG_AGG_FIRST, tg_table_col(j, "x"), 0, 0 } };
        assert_int_equal(tg_group_agg(j, keys, 3, aggs, 3, NULL, &want, &err), TG_OK);
        tg_test_assert_same_table(got, want);
        assert_int_equal(explains(pa, "(moved below the join)"), unique);
        tg_table_release(got);
        tg_table_release(want);
        tg_table_release(j);
        tg_plan_release(pa);
        tg_plan_release(pj);
        tg_plan_release(sl);
        tg_plan_release(sr);
        tg_expr_release(x);
        tg_table_release(l);
        tg_table_release(r);
        tg_test_no_leaks(blocks);
    }
}

/* A builder reports what the eager kernel reports, at once. */
static void test_plan_build_errors(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *l, *r;
    tg_error err;
    make_pair(1, 10, 4, 1, &l, &r);
    tg_plan *sl = tg_plan_scan(l, NULL, 0, &err), *sr = tg_plan_scan(r, NULL, 0, &err);
    static const char *const bad[] = { "kk" };
    assert_null(tg_plan_join(sl, sr, bad, key_k, 1, TG_JOIN_INNER, NULL, &err));
    assert_int_equal(err.code, TG_EARG);
    assert_non_null(strstr(err.msg, "kk"));
    tg_expr *notbool = tg_expr_col("x");
    assert_null(tg_plan_filter(sl, notbool, &err));
    assert_int_equal(err.code, TG_EARG);
    tg_expr_release(notbool);
    tg_plan_release(sl);
    tg_plan_release(sr);
    tg_table_release(l);
    tg_table_release(r);
    tg_test_no_leaks(blocks);
}

/* A run stops with the interrupt's status and frees what it made. */
static void test_plan_interrupt(void **state) {
    (void)state;
    tg_table *l, *r;
    tg_error err;
    make_pair(3, 20000, 10, 1, &l, &r);
    tg_expr *pred = cmp(TG_OP_GT, "x", -5);
    int stopped = 0;
    for (int at = 1;; at += 3) {
        size_t blocks = tg_mem_blocks();
        tg_plan *sl = tg_plan_scan(l, NULL, 0, &err), *sr = tg_plan_scan(r, NULL, 0, &err);
        tg_plan *pj = tg_plan_join(sl, sr, key_k, key_k, 1, TG_JOIN_INNER, NULL, &err);
        tg_plan *pf = tg_plan_filter(pj, pred, &err);
        tg_test_stopper s = { 0, at };
        tg_interrupt intr = { tg_test_stop_poll, &s };
        tg_table *out;
        size_t *sel, n;
        tg_status st = tg_plan_run(pf, &intr, &out, &sel, &n, NULL, NULL, &err);
        if (st == TG_OK) {
            tg_table_release(out);
            tg_free(sel);
        } else {
            assert_int_equal(st, TG_ELIMIT);
            assert_null(out);
            stopped++;
        }
        tg_plan_release(pf);
        tg_plan_release(pj);
        tg_plan_release(sl);
        tg_plan_release(sr);
        tg_test_no_leaks(blocks);
        if (st == TG_OK) break;
    }
    assert_true(stopped > 3);
    tg_expr_release(pred);
    tg_table_release(l);
    tg_table_release(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_filter_below_join),
        cmocka_unit_test(test_plan_agg_below_join),
        cmocka_unit_test(test_plan_build_errors),
        cmocka_unit_test(test_plan_interrupt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
