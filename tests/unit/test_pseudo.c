/*
** test_pseudo.c -- keyed pseudonyms: the pseudonyms of a text and a
** whole-number column against HMAC-SHA-256 computed by Python's hmac module
** (the values in the comments), one pseudonym for a CPR number with and
** without its hyphen, NULL kept, a collision refused, and allocation
** failure at every point.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_mem.h"
#include "tg_pseudo.h"

static const char key[] = "0123456789abcdef-test-key";

/* python3 -c "import hmac,hashlib; print(hmac.new(b'0123456789abcdef-test-key',
** b'1204851234', hashlib.sha256).hexdigest()[:16])" and so on */
#define P_CPR   "63cd103b9097d035" /* 1204851234 */
#define P_42    "9a28f91c6637b30b" /* 42 */
#define P_0101  "9d80ccc65c7ba121" /* 0101011234 */
#define P_HELLO "1ff1480be9988faf" /* hello */

static void check_str(const tg_col *c, size_t i, const char *want) {
    size_t n;
    const char *s;
    assert_true(tg_col_is_valid(c, i));
    s = tg_dict_str(c->dict, c->v.str[i], &n);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(s, want, n);
}

static tg_col *text_col(void) {
    static const char *const v[] = { "120485-1234", "hello", NULL,
                                     "1204851234",  "hello", "120485-1234" };
    tg_col *c = tg_col_new(TG_STRING, 6, NULL);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(v[i] ? tg_col_push_str(c, v[i], strlen(v[i])) : tg_col_push_null(c),
                         TG_OK);
    return c;
}

static void test_pseudo_text(void **state) {
    tg_col *c = text_col(), *out = NULL;
    (void)state;
    assert_int_equal(tg_pseudo_column(c, 6, key, strlen(key), 16, &out, NULL), TG_OK);
    assert_int_equal(out->len, 6);
    check_str(out, 0, P_CPR);
    check_str(out, 1, P_HELLO);
    assert_false(tg_col_is_valid(out, 2));
    check_str(out, 3, P_CPR);
    check_str(out, 4, P_HELLO);
    check_str(out, 5, P_CPR);
    assert_int_equal(tg_dict_size(out->dict), 2); /* one per person */
    tg_col_release(out);
    assert_int_equal(tg_pseudo_column(c, 6, key, strlen(key), 8, &out, NULL), TG_OK);
    check_str(out, 0, "63cd103b");
    tg_col_release(out);
    tg_col_release(c);
}

/* 101011234 is CPR 010101-1234 that lost its leading zero as a number. */
static void test_pseudo_int(void **state) {
    static const int64_t v[] = { 42, 1204851234, 101011234, 42 };
    tg_col *c = tg_col_new(TG_INT, 5, NULL), *out = NULL;
    (void)state;
    for (size_t i = 0; i < 4; i++) assert_int_equal(tg_col_push_i64(c, v[i]), TG_OK);
    assert_int_equal(tg_col_push_null(c), TG_OK);
    assert_int_equal(tg_pseudo_column(c, 5, key, strlen(key), 16, &out, NULL), TG_OK);
    check_str(out, 0, P_42);
    check_str(out, 1, P_CPR);
    check_str(out, 2, P_0101);
    check_str(out, 3, P_42);
    assert_false(tg_col_is_valid(out, 4));
    tg_col_release(out);
    tg_col_release(c);
}

/* 200 000 values in 2^32 pseudonyms of 8 hex digits: about 4.7 pairs are
** expected to share one (n^2 / 2^33), so this key gives a collision. */
static void test_pseudo_collision(void **state) {
    tg_col *c = tg_col_new(TG_INT, 200000, NULL), *out = (tg_col *)1;
    tg_error err;
    (void)state;
    for (int64_t i = 0; i < 200000; i++) assert_int_equal(tg_col_push_i64(c, i), TG_OK);
    assert_int_equal(tg_pseudo_column(c, 200000, key, strlen(key), 8, &out, &err), TG_EDATA);
    assert_null(out);
    assert_string_equal(err.msg, "two values share a pseudonym of 8 hex digits; use a longer "
                                 "length");
    assert_int_equal(tg_pseudo_column(c, 200000, key, strlen(key), 16, &out, NULL), TG_OK);
    assert_int_equal(tg_dict_size(out->dict), 200000);
    tg_col_release(out);
    tg_col_release(c);
}

static tg_status oom_pseudo(void *ctx) {
    tg_col *out = NULL;
    tg_status st = tg_pseudo_column(ctx, 6, key, strlen(key), 16, &out, NULL);
    tg_col_release(out);
    return st;
}

static void test_pseudo_oom(void **state) {
    tg_col *c = text_col();
    size_t blocks = tg_mem_blocks();
    (void)state;
    assert_true(tg_test_oom_loop(oom_pseudo, c) > 3);
    tg_test_no_leaks(blocks);
    tg_col_release(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pseudo_text),
        cmocka_unit_test(test_pseudo_int),
        cmocka_unit_test(test_pseudo_collision),
        cmocka_unit_test_teardown(test_pseudo_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
