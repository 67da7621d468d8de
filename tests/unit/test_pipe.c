/*
** test_pipe.c -- the fused group-by (tg_pipe) against the same steps run
** one at a time through the kernels: filter (tg_exec_filter_terms), gather
** (tg_table_take), derive (tg_exec_eval), group (tg_group_agg). Random
** tables with NULLs in keys and arguments, keys with few groups, with
** nearly one group per row and with none, filters keeping everything,
** about half and nothing, scans of a selection, every streamed aggregate;
** floats compared bit for bit, on one thread and on two (ctest runs the
** file again over 64-row morsels). Also: what tg_pipe declines, a plan
** saying it fused, interrupts, allocation failures and leaks.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_agg.h"
#include "tg_err.h"
#include "tg_exec.h"
#include "tg_expr.h"
#include "tg_group.h"
#include "tg_mem.h"
#include "tg_par.h"
#include "tg_pipe.h"
#include "tg_plan.h"
#include "tg_table.h"

/* k: int 0..6 with NULLs; u: int nearly unique; g: string with NULLs; x:
** float with NULLs; d: date; b: bool with NULLs. */
static tg_table *make_table(uint64_t seed, size_t n) {
    uint64_t s = seed * 0x9e3779b97f4a7c15u + 5;
    tg_table *t = tg_table_new();
    tg_test_add(t, "k", tg_test_random_col(&s, TG_INT, n, 10, 0, 7, 0));
    tg_test_add(t, "u", tg_test_random_col(&s, TG_INT, n, 0, 0, (int64_t)(n * 4 + 1), 0));
    tg_test_add(t, "g", tg_test_random_col(&s, TG_STRING, n, 15, 0, 1, 2));
    tg_test_add(t, "x", tg_test_random_col(&s, TG_FLOAT, n, 10, -1000, 2000, 0));
    tg_test_add(t, "d", tg_test_random_col(&s, TG_DATE, n, 0, 0, 400, 0));
    tg_test_add(t, "b", tg_test_random_col(&s, TG_BOOL, n, 10, 0, 2, 0));
    return t;
}

static tg_expr *cmp_lit(tg_op op, const char *col, tg_expr *lit) {
    tg_expr *c = tg_expr_col(col), *e = tg_expr_binary(op, c, lit);
    tg_expr_release(c);
    tg_expr_release(lit);
    return e;
}

/* The expressions of a test: filters, derives m = trunc(d, month) and y =
** x * 2 + k, and the aggregates' arguments. */
struct exprs {
    tg_expr *terms[2];
    tg_expr *m, *y, *x, *k, *g, *b, *d;
};

static void exprs_make(struct exprs *e, double x_above) {
    tg_expr *d = tg_expr_col("d"), *two = tg_expr_float(2), *x = tg_expr_col("x");
    tg_expr *k = tg_expr_col("k"), *x2 = tg_expr_binary(TG_OP_MUL, x, two);
    tg_expr *kf = tg_expr_cast(k, TG_FLOAT, 0);
    e->terms[0] = cmp_lit(TG_OP_GT, "x", tg_expr_float(x_above));
    e->terms[1] = cmp_lit(TG_OP_NE, "k", tg_expr_int(3)); /* NULL k drops the row */
    e->m = tg_expr_trunc(d, TG_UNIT_MONTH);
    e->y = tg_expr_binary(TG_OP_ADD, x2, kf);
    e->x = x;
    e->k = k;
    e->g = tg_expr_col("g");
    e->b = tg_expr_col("b");
    e->d = d;
    tg_expr_release(two);
    tg_expr_release(x2);
    tg_expr_release(kf);
}

static void exprs_free(struct exprs *e) {
    tg_expr *all[] = { e->terms[0], e->terms[1], e->m, e->y, e->x, e->k, e->g, e->b, e->d };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) tg_expr_release(all[i]);
}

enum { N_AGGS = 12 };

static void aggspecs(const struct exprs *e, tg_pipe_aggspec *a) {
    tg_pipe_aggspec v[N_AGGS] = {
        { "n", TG_AGG_COUNT, NULL, 0, 0 },     { "nx", TG_AGG_COUNT, e->x, 0, 0 },
        { "nb", TG_AGG_COUNT_IF, e->b, 0, 0 }, { "sx", TG_AGG_SUM, e->x, 0, 0 },
        { "sk", TG_AGG_SUM, e->k, 0, 0 },      { "sb", TG_AGG_SUM, e->b, 0, 0 },
        { "my", TG_AGG_MEAN, e->y, 0, 0 },     { "lo", TG_AGG_MIN, e->x, 0, 0 },
        { "hi", TG_AGG_MAX, e->d, 0, 0 },      { "fg", TG_AGG_FIRST, e->g, 0, 0 },
        { "ly", TG_AGG_LAST, e->y, 0, 0 },     { "mm", TG_AGG_MIN, e->m, 0, 0 },
    };
    memcpy(a, v, sizeof v);
}

/* The steps one at a time: the rows of t (sel: those rows) passing
** n_terms terms, m and y derived, grouped by keys. */
static tg_table *reference(const tg_table *t, const size_t *sel, size_t n_sel,
                           const struct exprs *e, size_t n_terms, const char *const *keys,
                           size_t n_keys) {
    tg_table *base = sel ? tg_table_take(t, sel, n_sel) : tg_table_retain((tg_table *)t), *f, *out;
    tg_pipe_aggspec spec[N_AGGS];
    tg_agg aggs[N_AGGS];
    tg_col *args[N_AGGS] = { 0 }, *m, *y;
    size_t *idx, n;
    tg_error err;
    assert_int_equal(
        tg_exec_filter_terms((const tg_expr *const *)e->terms, n_terms, base, NULL, &idx, &n, &err),
        TG_OK);
    f = tg_table_take(base, idx, n);
    tg_free(idx);
    assert_int_equal(tg_exec_eval(e->m, f, NULL, &m, &err), TG_OK);
    assert_int_equal(tg_exec_eval(e->y, f, NULL, &y, &err), TG_OK);
    tg_test_add(f, "m", m);
    tg_test_add(f, "y", y);
    aggspecs(e, spec);
    for (size_t i = 0; i < N_AGGS; i++) {
        if (spec[i].arg)
            assert_int_equal(tg_exec_eval(spec[i].arg, f, NULL, &args[i], &err), TG_OK);
        aggs[i] = (tg_agg){ spec[i].name, spec[i].fn, args[i], 0, 0 };
    }
    assert_int_equal(tg_group_agg(f, keys, n_keys, aggs, N_AGGS, NULL, &out, &err), TG_OK);
    for (size_t i = 0; i < N_AGGS; i++) tg_col_release(args[i]);
    tg_table_release(f);
    tg_table_release(base);
    return out;
}

/* The pipeline over t: filters, then derive m and y. */
struct setup {
    const char *names[2];
    const tg_expr *exprs[2];
    tg_pipe_step step;
    tg_pipe_aggspec aggs[N_AGGS];
    uint8_t carry[6];
    tg_pipe p;
};

static void setup_make(struct setup *s, const tg_table *t, const size_t *sel, size_t n_sel,
                       const struct exprs *e, size_t n_terms, const char *const *keys,
                       size_t n_keys) {
    s->names[0] = "m";
    s->names[1] = "y";
    s->exprs[0] = e->m;
    s->exprs[1] = e->y;
    s->step = (tg_pipe_step){ TG_PIPE_DERIVE, 2, s->names, s->exprs, NULL };
    aggspecs(e, s->aggs);
    memset(s->carry, 1, sizeof s->carry);
    s->p = (tg_pipe){ t,       sel,      n_sel,    (const tg_expr *const *)e->terms,
                      n_terms, s->carry, &s->step, 1,
                      keys,    n_keys,   s->aggs,  N_AGGS };
}

static tg_table *fused(const struct setup *s) {
    tg_table *out;
    size_t n_in;
    tg_error err;
    assert_int_equal(tg_pipe_agg(&s->p, NULL, &out, &n_in, &err), TG_OK);
    assert_non_null(out);
    return out;
}

static const char *const key_km[] = { "k", "m" };
static const char *const key_g[] = { "g" };
static const char *const key_u[] = { "u", "b" };

/* Every key shape and filter, with and without a scanned selection, on
** one thread and on two: the answer of the steps run one at a time. */
static void test_pipe_same_as_steps(void **state) {
    const char *const *keys[] = { key_km, key_g, key_u, NULL };
    size_t n_keys[] = { 2, 1, 2, 0 };
    double above[] = { 0, -2000, 0, 5000 }; /* none; keeps all but NULLs, about half, nothing */
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        size_t n = 3000 + seed * 1111, blocks = tg_mem_blocks();
        tg_table *t = make_table(seed, n);
        size_t *sel = tg_malloc(n * sizeof *sel), n_sel = 0;
        for (size_t i = 0; i < n; i++)
            if (i % 3 != 1) sel[n_sel++] = n - 1 - i; /* descending: a sorted view */
        for (size_t a = 0; a < 4; a++) {
            struct exprs e;
            exprs_make(&e, above[a]);
            for (size_t kk = 0; kk < 4; kk++) {
                for (int with_sel = 0; with_sel < 2; with_sel++) {
                    size_t n_terms = a == 0 ? 0 : 2;
                    const size_t *sl = with_sel ? sel : NULL;
                    struct setup s;
                    tg_table *want = reference(t, sl, n_sel, &e, n_terms, keys[kk], n_keys[kk]);
                    setup_make(&s, t, sl, n_sel, &e, n_terms, keys[kk], n_keys[kk]);
                    for (int threads = 1; threads <= 2; threads++) {
                        tg_par_set_threads(threads);
                        tg_table *got = fused(&s);
                        tg_test_assert_same_table(got, want);
                        tg_table_release(got);
                    }
                    if (a == 3) assert_int_equal(want->n_rows, n_keys[kk] ? 0 : 1);
                    tg_table_release(want);
                }
            }
            exprs_free(&e);
        }
        tg_free(sel);
        tg_table_release(t);
        tg_test_no_leaks(blocks);
    }
    tg_par_set_threads(0);
}

/* An empty table, and one row. */
static void test_pipe_tiny(void **state) {
    (void)state;
    for (size_t n = 0; n <= 1; n++) {
        size_t blocks = tg_mem_blocks();
        tg_table *t = make_table(9, n);
        struct exprs e;
        struct setup s;
        exprs_make(&e, -2000);
        for (size_t nk = 0; nk <= 2; nk++) {
            tg_table *want = reference(t, NULL, 0, &e, 2, key_km, nk);
            setup_make(&s, t, NULL, 0, &e, 2, key_km, nk);
            tg_table *got = fused(&s);
            tg_test_assert_same_table(got, want);
            tg_table_release(got);
            tg_table_release(want);
        }
        exprs_free(&e);
        tg_table_release(t);
        tg_test_no_leaks(blocks);
    }
}

/* What it does not run: nothing ran, no table, TG_OK. */
static void test_pipe_declines(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = make_table(4, 500), *out = NULL;
    struct exprs e;
    struct setup s;
    size_t n_in;
    tg_error err;
    tg_expr *lower;
    exprs_make(&e, 0);
    lower = tg_expr_unary(TG_OP_LOWER, e.g);
    setup_make(&s, t, NULL, 0, &e, 2, key_km, 2);
    s.aggs[0] = (tg_pipe_aggspec){ "s", TG_AGG_STD, e.x, 0, 0 };
    assert_int_equal(tg_pipe_agg(&s.p, NULL, &out, &n_in, &err), TG_OK);
    assert_null(out);
    s.aggs[0] = (tg_pipe_aggspec){ "s", TG_AGG_MIN, e.g, 0, 0 }; /* min of strings */
    assert_int_equal(tg_pipe_agg(&s.p, NULL, &out, &n_in, &err), TG_OK);
    assert_null(out);
    s.aggs[0] = (tg_pipe_aggspec){ "s", TG_AGG_FIRST, lower, 0, 0 }; /* strings computed */
    assert_int_equal(tg_pipe_agg(&s.p, NULL, &out, &n_in, &err), TG_OK);
    assert_null(out);
    tg_expr_release(lower);
    exprs_free(&e);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* A plan of filter, derive and group-by runs fused, says so, and gives
** the steps' answer. */
static void test_pipe_in_plan(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = make_table(5, 5000), *got, *want;
    struct exprs e;
    tg_error err;
    size_t *sel, n;
    static const char *const dn[] = { "m", "y" };
    exprs_make(&e, 0);
    const tg_expr *dx[] = { e.m, e.y };
    tg_expr *both = tg_expr_nary(TG_OP_AND, e.terms, 2);
    tg_pipe_aggspec spec[N_AGGS];
    tg_plan_aggspec ps[N_AGGS];
    aggspecs(&e, spec);
    for (size_t i = 0; i < N_AGGS; i++)
        ps[i] = (tg_plan_aggspec){ spec[i].name, spec[i].fn, spec[i].arg, 0, 0 };
    tg_plan *sc = tg_plan_scan(t, NULL, 0, &err);
    tg_plan *f = tg_plan_filter(sc, both, &err);
    tg_plan *d = tg_plan_derive(f, dn, dx, 2, &err);
    tg_plan *a = tg_plan_agg(d, key_km, 2, ps, N_AGGS, &err);
    assert_non_null(a);
    assert_false(tg_plan_may_fail(f));
    assert_int_equal(tg_plan_run(a, NULL, &got, &sel, &n, NULL, NULL, &err), TG_OK);
    assert_null(sel);
    want = reference(t, NULL, 0, &e, 2, key_km, 2);
    tg_test_assert_same_table(got, want);
    char *text = tg_plan_explain(a);
    assert_non_null(strstr(text, "(fused: runs the steps below, morsel by morsel)"));
    assert_non_null(strstr(text, "derive m = trunc(col(\"d\"), \"month\")"));
    assert_non_null(strstr(text, "(in the group-by's morsels)"));
    assert_non_null(strstr(text, "filter (col(\"x\") > 0.0) (in the group-by's morsels)"));
    tg_free(text);
    /* The filter alone: its two terms in one pass, as the eager filter */
    tg_table_release(got);
    assert_int_equal(tg_plan_run(f, NULL, &got, &sel, &n, NULL, NULL, &err), TG_OK);
    text = tg_plan_explain(f);
    assert_non_null(strstr(text, "(one pass with the filter above)"));
    tg_free(text);
    tg_free(sel);
    tg_table_release(got);
    tg_table_release(want);
    tg_plan_release(a);
    tg_plan_release(d);
    tg_plan_release(f);
    tg_plan_release(sc);
    tg_expr_release(both);
    exprs_free(&e);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* A run stops with the interrupt's status and frees what it made. */
static void test_pipe_interrupt(void **state) {
    (void)state;
    tg_table *t = make_table(6, 20000);
    struct exprs e;
    struct setup s;
    int stopped = 0;
    exprs_make(&e, 0);
    setup_make(&s, t, NULL, 0, &e, 2, key_km, 2);
    for (int at = 1;; at += 2) {
        size_t blocks = tg_mem_blocks(), n_in;
        tg_test_stopper st = { 0, at };
        tg_interrupt intr = { tg_test_stop_poll, &st };
        tg_table *out;
        tg_error err;
        tg_status rc = tg_pipe_agg(&s.p, &intr, &out, &n_in, &err);
        if (rc == TG_OK) {
            assert_non_null(out);
            tg_table_release(out);
        } else {
            assert_int_equal(rc, TG_ELIMIT);
            assert_null(out);
            stopped++;
        }
        tg_test_no_leaks(blocks);
        if (rc == TG_OK) break;
    }
    assert_true(stopped > 3);
    exprs_free(&e);
    tg_table_release(t);
}

static tg_status run_once(void *ctx) {
    tg_table *out;
    size_t n_in;
    tg_error err;
    tg_status st = tg_pipe_agg(ctx, NULL, &out, &n_in, &err);
    tg_table_release(out);
    return st;
}

/* Every allocation failing in turn: TG_ENOMEM and nothing left behind. */
static void test_pipe_oom(void **state) {
    (void)state;
    tg_table *t = make_table(7, 700);
    size_t *sel = tg_malloc(400 * sizeof *sel);
    struct exprs e;
    struct setup s;
    for (size_t i = 0; i < 400; i++) sel[i] = i + 100;
    exprs_make(&e, 0);
    setup_make(&s, t, sel, 400, &e, 2, key_km, 2);
    tg_test_oom_loop(run_once, &s.p);
    exprs_free(&e);
    tg_free(sel);
    tg_table_release(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipe_same_as_steps),
        cmocka_unit_test(test_pipe_tiny),
        cmocka_unit_test(test_pipe_declines),
        cmocka_unit_test(test_pipe_in_plan),
        cmocka_unit_test(test_pipe_interrupt),
        cmocka_unit_test_teardown(test_pipe_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
