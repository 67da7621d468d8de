/*
** test_sbuf.c -- growing strings: appends across many doublings, printf,
** and a sticky out of memory that leaks nothing.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_mem.h"
#include "tg_sbuf.h"

static void test_sbuf_grows_and_formats(void **state) {
    tg_sbuf b = { 0 };
    char want[1200];
    (void)state;
    for (int i = 0; i < 100; i++) tg_sbuf_str(&b, "abcdefghij"); /* 1,000 bytes: 4 doublings */
    tg_sbuf_add(&b, "xyz", 2);
    tg_sbuf_printf(&b, "|%d-%s|", 42, "æø");
    memset(want, 0, sizeof want);
    for (int i = 0; i < 100; i++) memcpy(want + 10 * i, "abcdefghij", 10);
    strcat(want, "xy|42-æø|");
    assert_false(b.oom);
    assert_int_equal(b.len, strlen(want));
    assert_string_equal(b.p, want);
    tg_free(b.p);
}

/* tg_sbuf_cat joins strings of any length (tg_sbuf_printf cuts at 511). */
static void test_sbuf_cat(void **state) {
    tg_sbuf b = { 0 };
    char big[2000];
    (void)state;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tg_sbuf_cat(&b, "<", big, ">", "", "æ", NULL);
    assert_false(b.oom);
    assert_int_equal(b.len, 1 + 1999 + 1 + 2);
    assert_memory_equal(b.p + 1, big, 1999);
    assert_string_equal(b.p + 2000, ">æ");
    tg_free(b.p);
}

static tg_status build(void *ctx) {
    tg_sbuf b = { 0 };
    tg_status st;
    (void)ctx;
    for (int i = 0; i < 50; i++) tg_sbuf_printf(&b, "line %d\n", i);
    st = b.oom ? TG_ENOMEM : TG_OK;
    if (st == TG_OK) assert_int_equal(b.len, 10 * 7 + 40 * 8);
    tg_free(b.p);
    return st;
}

static void test_sbuf_out_of_memory_is_sticky(void **state) {
    (void)state;
    assert_true(tg_test_oom_loop(build, NULL) >= 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sbuf_grows_and_formats),
        cmocka_unit_test(test_sbuf_out_of_memory_is_sticky),
        cmocka_unit_test(test_sbuf_cat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
