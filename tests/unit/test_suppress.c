/*
** test_suppress.c -- t:suppress's C module on count tables worked by hand:
** a small count and the cheapest further count of its year; a count and its
** complement; a year of zeros; a NULL count; the "dst" minimum; a total
** published elsewhere (the rest of it hidden there stays hidden here); the
** errors; and allocation failure at every point.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_mem.h"
#include "tg_suppress.h"

/* A table aar (int), k (text), antal (int; -1 for NULL) and, when tot is
** given, tilbud (int). */
static tg_table *counts(size_t n, const int *aar, const char *const *k, const int *antal,
                        const int *tot) {
    tg_table *t = tg_table_new();
    tg_col *a = tg_col_new(TG_INT, n, NULL), *s = tg_col_new(TG_STRING, n, NULL),
           *x = tg_col_new(TG_INT, n, NULL), *u = tot ? tg_col_new(TG_INT, n, NULL) : NULL;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tg_col_push_i64(a, aar[i]), TG_OK);
        assert_int_equal(tg_col_push_str(s, k[i], strlen(k[i])), TG_OK);
        assert_int_equal(antal[i] < 0 ? tg_col_push_null(x) : tg_col_push_i64(x, antal[i]), TG_OK);
        if (u) assert_int_equal(tg_col_push_i64(u, tot[i]), TG_OK);
    }
    tg_test_add(t, "aar", a);
    tg_test_add(t, "k", s);
    tg_test_add(t, "antal", x);
    if (u) tg_test_add(t, "tilbud", u);
    t->n_rows = n;
    return t;
}

static const char *const within[] = { "aar" };

static tg_suppress_opts opts(const char *rules, const char *total) {
    tg_suppress_opts o = {
        .count = "antal", .within = within, .n_within = 1, .total = total, .mark = "skjult"
    };
    assert_true(tg_sdc_rules_named(&o.rules, rules));
    return o;
}

/* Checks the count column against want (-1: NULL) and the mark. */
static void check(const tg_table *out, size_t n, const int *want, const int *mark) {
    const tg_col *x = tg_table_col(out, "antal"), *m = tg_table_col(out, "skjult");
    assert_non_null(x);
    assert_non_null(m);
    assert_int_equal(out->n_rows, n);
    for (size_t i = 0; i < n; i++) {
        if (want[i] < 0) {
            assert_false(tg_col_is_valid(x, i));
        } else {
            assert_true(tg_col_is_valid(x, i));
            assert_int_equal(x->v.i64[i], want[i]);
        }
        assert_int_equal(m->v.b8[i] != 0, mark[i]);
    }
}

/* 2024: 3 + 20 + 25 = 48: the 3 is small, and 48 - 45 would give it back,
** so the cheapest other (20) goes too. 2025: 2 + 38 = 40: 2 is small, 38
** its complement; each then lies in a range (1-4 and 36-39). 2026: 0 + 10 +
** 12: nothing to hide. A NULL count counts as 0 and stays NULL, unmarked. */
static void test_suppress_secondary(void **state) {
    static const int aar[] = { 2024, 2024, 2024, 2025, 2025, 2026, 2026, 2026, 2026 };
    static const char *const k[] = { "a", "b", "c", "a", "b", "a", "b", "c", "d" };
    static const int antal[] = { 3, 20, 25, 2, 38, 0, 10, 12, -1 };
    static const int want[] = { -1, -1, 25, -1, -1, 0, 10, 12, -1 };
    static const int mark[] = { 1, 1, 0, 1, 1, 0, 0, 0, 0 };
    tg_table *t = counts(9, aar, k, antal, NULL), *out = NULL;
    tg_suppress_opts o = opts("tegn", NULL);
    tg_error err;
    (void)state;
    assert_int_equal(tg_suppress_table(t, &o, &out, &err), TG_OK);
    check(out, 9, want, mark);
    assert_non_null(tg_table_col(out, "k")); /* the other columns, in place */
    assert_string_equal(out->names[3], "skjult");
    tg_table_release(out);
    tg_table_release(t);
}

/* "dst": 3 + 2 + 1 = 6: 3 is shown, 2 and 1 are small; their sum 3 leaves
** each in 1-2, so nothing more is hidden. Under "tegn" all three are small. */
static void test_suppress_dst(void **state) {
    static const int aar[] = { 2024, 2024, 2024 };
    static const char *const k[] = { "a", "b", "c" };
    static const int antal[] = { 3, 2, 1 };
    static const int want_dst[] = { 3, -1, -1 }, mark_dst[] = { 0, 1, 1 };
    static const int want_tegn[] = { -1, -1, -1 }, mark_tegn[] = { 1, 1, 1 };
    tg_table *t = counts(3, aar, k, antal, NULL), *out = NULL;
    tg_suppress_opts o = opts("dst", NULL);
    (void)state;
    assert_int_equal(tg_suppress_table(t, &o, &out, NULL), TG_OK);
    check(out, 3, want_dst, mark_dst);
    tg_table_release(out);
    o = opts("tegn", NULL);
    assert_int_equal(tg_suppress_table(t, &o, &out, NULL), TG_OK);
    check(out, 3, want_tegn, mark_tegn);
    tg_table_release(out);
    tg_table_release(t);
}

/* Reasons a health check was not carried out, 6 + 7 = 13 of the year's 16
** offers: the 3 carried out are hidden where they are published (1-4), so
** showing 6 and 7 would give them back as 16 - 13. The cheaper reason (6)
** is hidden: the 3 is then 16 - 7 - (at least 5), 1 to 4. Without the
** total, nothing is hidden. 2025: 4 offers, one not carried out: the year
** is hidden where it is published, so its reasons are, even a 0. */
static void test_suppress_total(void **state) {
    static const int aar[] = { 2024, 2024, 2025, 2025 };
    static const char *const k[] = { "flyttet", "sagde_nej", "flyttet", "sagde_nej" };
    static const int antal[] = { 6, 7, 0, 1 }, tot[] = { 16, 16, 4, 4 };
    static const int want[] = { -1, 7, -1, -1 }, mark[] = { 1, 0, 1, 1 };
    static const int want_no[] = { 6, 7, -1, -1 }, mark_no[] = { 0, 0, 1, 1 };
    tg_table *t = counts(4, aar, k, antal, tot), *out = NULL;
    tg_suppress_opts o = opts("tegn", "tilbud");
    (void)state;
    assert_int_equal(tg_suppress_table(t, &o, &out, NULL), TG_OK);
    check(out, 4, want, mark);
    tg_table_release(out);
    o = opts("tegn", NULL);
    assert_int_equal(tg_suppress_table(t, &o, &out, NULL), TG_OK);
    check(out, 4, want_no, mark_no);
    tg_table_release(out);
    tg_table_release(t);
}

/* hide = "risiko": 2024's counts 6, 7 and 20 would all be shown; the row
** flagged is hidden, and then the cheapest other too (else 33 - 27 gives
** it back). A NULL flag hides nothing. */
static void test_suppress_hide(void **state) {
    static const int aar[] = { 2024, 2024, 2024, 2025 };
    static const char *const k[] = { "a", "b", "c", "a" };
    static const int antal[] = { 6, 7, 20, 9 };
    static const int want[] = { -1, -1, 20, 9 }, mark[] = { 1, 1, 0, 0 };
    tg_table *t = counts(4, aar, k, antal, NULL), *out = NULL;
    tg_col *h = tg_col_new(TG_BOOL, 4, NULL);
    tg_suppress_opts o = opts("tegn", NULL);
    (void)state;
    assert_int_equal(tg_col_push_bool(h, 0), TG_OK);
    assert_int_equal(tg_col_push_bool(h, 1), TG_OK);
    assert_int_equal(tg_col_push_bool(h, 0), TG_OK);
    assert_int_equal(tg_col_push_null(h), TG_OK);
    tg_test_add(t, "risiko", h);
    o.hide = "risiko";
    assert_int_equal(tg_suppress_table(t, &o, &out, NULL), TG_OK);
    check(out, 4, want, mark);
    tg_table_release(out);
    o.hide = "k";
    assert_int_equal(tg_suppress_table(t, &o, &out, NULL), TG_EARG);
    tg_table_release(t);
}

static void expect_error(const tg_table *t, tg_suppress_opts o, const char *message) {
    tg_table *out = (tg_table *)1;
    tg_error err;
    assert_int_equal(tg_suppress_table(t, &o, &out, &err), TG_EARG);
    assert_null(out);
    assert_string_equal(err.msg, message);
}

static void test_suppress_errors(void **state) {
    static const int aar[] = { 2024, 2024 }, antal[] = { 6, 7 }, tot[] = { 16, 17 },
                     low[] = { 10, 10 };
    static const char *const k[] = { "a", "b" };
    static const char *const many[9] = { "aar", "aar", "aar", "aar", "aar",
                                         "aar", "aar", "aar", "aar" };
    tg_table *t = counts(2, aar, k, antal, tot), *t2 = counts(2, aar, k, antal, low);
    tg_suppress_opts o = opts("tegn", NULL);
    (void)state;
    o.count = "k";
    expect_error(t, o, "column 'k' must hold whole numbers, not string");
    o.count = "antl";
    expect_error(t, o, "no column 'antl'; did you mean 'antal'?");
    o = opts("tegn", "tilbud");
    expect_error(t, o, "total 'tilbud' must have one value per group");
    expect_error(t2, o, "total 'tilbud' (10) is less than its group's counts (13)");
    o = opts("tegn", NULL);
    o.mark = "k";
    expect_error(t, o, "the table already has a column 'k'");
    o = opts("tegn", NULL);
    o.within = many;
    o.n_within = 9;
    expect_error(t, o, "at most 8 'within' columns");
    tg_table_release(t);
    tg_table_release(t2);
}

static tg_status oom_suppress(void *ctx) {
    tg_suppress_opts o = opts("tegn", "tilbud");
    tg_table *out = NULL;
    tg_status st = tg_suppress_table(ctx, &o, &out, NULL);
    tg_table_release(out);
    return st;
}

static void test_suppress_oom(void **state) {
    static const int aar[] = { 2024, 2024, 2025, 2025 };
    static const char *const k[] = { "a", "b", "a", "b" };
    static const int antal[] = { 6, 7, 0, 1 }, tot[] = { 16, 16, 4, 4 };
    tg_table *t = counts(4, aar, k, antal, tot);
    size_t blocks = tg_mem_blocks();
    (void)state;
    assert_true(tg_test_oom_loop(oom_suppress, t) > 5);
    tg_test_no_leaks(blocks);
    tg_table_release(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suppress_secondary),
        cmocka_unit_test(test_suppress_dst),
        cmocka_unit_test(test_suppress_total),
        cmocka_unit_test(test_suppress_hide),
        cmocka_unit_test(test_suppress_errors),
        cmocka_unit_test_teardown(test_suppress_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
