/*
** test_fill.c -- 1-row values written into masked rows: type checks and
** their messages, every column type, int into float, NULL values, strings
** new to a shared dictionary (which must not change), allocation failures.
** Expected values are written out by hand.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_err.h"
#include "tg_fill.h"
#include "tg_mem.h"

static tg_col *one_int(int64_t v) {
    tg_col *c = tg_col_new(TG_INT, 1, NULL);
    assert_int_equal(tg_col_push_i64(c, v), TG_OK);
    return c;
}

static tg_col *strings(const char *const *s, size_t n, tg_dict *dict) {
    tg_col *c = tg_col_new(TG_STRING, n, dict);
    for (size_t i = 0; i < n; i++) assert_int_equal(tg_col_push_str(c, s[i], strlen(s[i])), TG_OK);
    return c;
}

static void test_fill_check(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error err;
    tg_col *i = one_int(3), *f = tg_col_new(TG_FLOAT, 1, NULL),
           *nul = tg_col_new(TG_STRING, 1, NULL);
    tg_col *two = one_int(1);
    const char *s[] = { "x" };
    tg_col *str = strings(s, 1, NULL);
    assert_int_equal(tg_col_push_f64(f, 0.5), TG_OK);
    assert_int_equal(tg_col_push_null(nul), TG_OK);
    assert_int_equal(tg_col_push_i64(two, 2), TG_OK);

    assert_int_equal(tg_fill_check(i, TG_INT, "fill value", "n", &err), TG_OK);
    assert_int_equal(tg_fill_check(i, TG_FLOAT, "fill value", "n", &err), TG_OK);
    assert_int_equal(tg_fill_check(nul, TG_DATE, "fill value", "n", &err), TG_OK);
    assert_int_equal(tg_fill_check(f, TG_INT, "fill value", "n", &err), TG_EARG);
    assert_string_equal(err.msg, "fill value for 'n' is a float, but the column is int");
    assert_int_equal(tg_fill_check(str, TG_DATE, "default", "dato", &err), TG_EARG);
    assert_string_equal(err.msg, "default for 'dato' is a string, but the column is date");
    assert_int_equal(tg_fill_check(i, TG_BOOL, "default", "b", &err), TG_EARG);
    assert_string_equal(err.msg, "default for 'b' is an int, but the column is bool");
    assert_int_equal(tg_fill_check(two, TG_INT, "fill value", "n", &err), TG_EARG);
    assert_string_equal(err.msg, "fill value for 'n' must be one value, got 2");

    tg_col_release(i);
    tg_col_release(f);
    tg_col_release(nul);
    tg_col_release(two);
    tg_col_release(str);
    tg_test_no_leaks(blocks);
}

static void test_fill_mask_numbers(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const uint8_t mask[] = { 1, 0, 1, 0 };
    tg_col *c = tg_col_new(TG_FLOAT, 4, NULL), *v = one_int(7);
    for (int r = 0; r < 4; r++) assert_int_equal(tg_col_push_null(c), TG_OK);
    assert_int_equal(tg_fill_mask(c, mask, v, NULL), TG_OK);
    assert_true(tg_col_is_valid(c, 0) && c->v.f64[0] == 7.0);
    assert_false(tg_col_is_valid(c, 1));
    assert_true(tg_col_is_valid(c, 2) && c->v.f64[2] == 7.0);
    assert_false(tg_col_is_valid(c, 3));
    tg_col_release(v);

    /* A NULL value makes the masked rows NULL. */
    tg_col *d = tg_col_new(TG_DATE, 4, NULL), *nul = tg_col_new(TG_DATE, 1, NULL);
    for (int r = 0; r < 4; r++) assert_int_equal(tg_col_push_date(d, 100 + r), TG_OK);
    assert_int_equal(tg_col_push_null(nul), TG_OK);
    assert_int_equal(tg_fill_mask(d, mask, nul, NULL), TG_OK);
    assert_false(tg_col_is_valid(d, 0));
    assert_true(tg_col_is_valid(d, 1) && d->v.date[1] == 101);
    assert_false(tg_col_is_valid(d, 2));
    assert_true(tg_col_is_valid(d, 3) && d->v.date[3] == 103);

    tg_col *b = tg_col_new(TG_BOOL, 4, NULL), *t = tg_col_new(TG_BOOL, 1, NULL);
    for (int r = 0; r < 4; r++) assert_int_equal(tg_col_push_bool(b, 0), TG_OK);
    assert_int_equal(tg_col_push_bool(t, 1), TG_OK);
    assert_int_equal(tg_fill_mask(b, mask, t, NULL), TG_OK);
    assert_memory_equal(b->v.b8, ((const uint8_t[]){ 1, 0, 1, 0 }), 4);

    tg_col_release(c);
    tg_col_release(d);
    tg_col_release(nul);
    tg_col_release(b);
    tg_col_release(t);
    tg_test_no_leaks(blocks);
}

static void test_fill_mask_strings(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *s[] = { "Ærø", "Aarhus", "Ærø" };
    const char *known[] = { "Aarhus" }, *fresh[] = { "Odense" };
    const uint8_t mask[] = { 0, 1, 1 };
    tg_col *a = strings(s, 3, NULL);
    tg_col *b = tg_col_new(TG_STRING, 3, a->dict); /* shares a's dictionary */
    for (int r = 0; r < 3; r++) assert_int_equal(tg_col_push_str(b, "Ærø", strlen("Ærø")), TG_OK);
    tg_col *k = strings(known, 1, NULL), *f = strings(fresh, 1, NULL);

    /* A string the dictionary has: codes only, dictionary still shared. */
    assert_int_equal(tg_fill_mask(b, mask, k, NULL), TG_OK);
    assert_ptr_equal(b->dict, a->dict);
    assert_string_equal(tg_dict_str(b->dict, b->v.str[2], NULL), "Aarhus");

    /* A new string: b gets a copy with the same codes plus "Odense"; a's
    ** dictionary is untouched. */
    const uint8_t first[] = { 1, 0, 0 };
    assert_int_equal(tg_fill_mask(b, first, f, NULL), TG_OK);
    assert_ptr_not_equal(b->dict, a->dict);
    assert_int_equal(tg_dict_size(a->dict), 2);
    assert_int_equal(tg_dict_size(b->dict), 3);
    assert_string_equal(tg_dict_str(b->dict, b->v.str[0], NULL), "Odense");
    assert_string_equal(tg_dict_str(b->dict, b->v.str[1], NULL), "Aarhus");
    assert_string_equal(tg_dict_str(b->dict, b->v.str[2], NULL), "Aarhus");
    assert_string_equal(tg_dict_str(a->dict, a->v.str[0], NULL), "Ærø");

    tg_col_release(a);
    tg_col_release(b);
    tg_col_release(k);
    tg_col_release(f);
    tg_test_no_leaks(blocks);
}

static tg_status oom_fill(void *ctx) {
    const tg_col *value = ctx;
    const char *s[] = { "a", "b", "c", "d" };
    const uint8_t mask[] = { 1, 0, 0, 1 };
    tg_col *c = tg_col_new(TG_STRING, 4, NULL);
    tg_status st = c ? TG_OK : TG_ENOMEM;
    for (size_t i = 0; i < 4 && st == TG_OK; i++) st = tg_col_push_str(c, s[i], 1);
    if (st == TG_OK) st = tg_fill_mask(c, mask, value, NULL);
    tg_col_release(c);
    return st;
}

static void test_fill_oom(void **state) {
    (void)state;
    const char *s[] = { "ny" };
    tg_col *fresh = strings(s, 1, NULL), *nul = tg_col_new(TG_STRING, 1, NULL);
    assert_int_equal(tg_col_push_null(nul), TG_OK);
    size_t blocks = tg_mem_blocks();
    assert_true(tg_test_oom_loop(oom_fill, fresh) > 5);
    assert_true(tg_test_oom_loop(oom_fill, nul) > 3);
    tg_test_no_leaks(blocks);
    tg_col_release(fresh);
    tg_col_release(nul);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_check),
        cmocka_unit_test(test_fill_mask_numbers),
        cmocka_unit_test(test_fill_mask_strings),
        cmocka_unit_test_teardown(test_fill_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
