/*
** test_err.c -- tg_error records: setting with and without a position,
** formatting compiler-style, truncation to the fixed fields, newline
** folding, NULL records and status names. Expected strings are written out
** by hand from the header's description.
*/
#include "tg_test.h"

#include <stdio.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"

static void test_err_clear(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error e;
    memset(&e, 0x7f, sizeof e);
    tg_err_clear(&e);
    assert_int_equal(e.code, TG_OK);
    assert_int_equal(e.line, 0);
    assert_int_equal(e.col, 0);
    assert_string_equal(e.file, "");
    assert_string_equal(e.msg, "");
    tg_err_clear(NULL);
    tg_test_no_leaks(blocks);
}

static void test_err_set_full_position(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error e;
    char buf[1024];

    tg_err_clear(&e);
    assert_int_equal(
        tg_err_set(&e, TG_EDATA, "prices.csv", 14, 3, "expected a number, got '%s'", "n/a"),
        TG_EDATA);
    assert_int_equal(e.code, TG_EDATA);
    assert_int_equal(e.line, 14);
    assert_int_equal(e.col, 3);
    assert_string_equal(e.file, "prices.csv");
    assert_string_equal(e.msg, "expected a number, got 'n/a'");
    assert_ptr_equal(tg_err_format(&e, buf, sizeof buf), buf);
    assert_string_equal(buf, "prices.csv:14:3: expected a number, got 'n/a'");
    tg_test_no_leaks(blocks);
}

static void test_err_format_partial_positions(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error e;
    char buf[256];

    tg_err_set(&e, TG_EDATA, "a.csv", 7, 0, "row has %d fields, expected %d", 3, 4);
    assert_string_equal(tg_err_format(&e, buf, sizeof buf),
                        "a.csv:7: row has 3 fields, expected 4");

    tg_err_set(&e, TG_EIO, "a.csv", 0, 0, "cannot open");
    assert_string_equal(tg_err_format(&e, buf, sizeof buf), "a.csv: cannot open");

    /* A column without a line is meaningless: the file alone is shown. */
    tg_err_set(&e, TG_EIO, "a.csv", 0, 9, "cannot open");
    assert_string_equal(tg_err_format(&e, buf, sizeof buf), "a.csv: cannot open");

    /* No file: the message alone, whatever the line says. */
    tg_err_set(&e, TG_EARG, NULL, 12, 4, "unknown column 'x'");
    assert_string_equal(e.file, "");
    assert_int_equal(e.line, 12);
    assert_string_equal(tg_err_format(&e, buf, sizeof buf), "unknown column 'x'");

    tg_err_set(&e, TG_EARG, "", 1, 1, "empty file name");
    assert_string_equal(tg_err_format(&e, buf, sizeof buf), "empty file name");

    tg_err_set(&e, TG_EDATA, "s.lua", -1, -1, "negative positions are unknown");
    assert_string_equal(tg_err_format(&e, buf, sizeof buf),
                        "s.lua: negative positions are unknown");
    tg_test_no_leaks(blocks);
}

static void test_err_set_overwrites(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error e;

    tg_err_set(&e, TG_EDATA, "a-rather-long-file-name.csv", 100, 20, "a rather long message");
    tg_err_set(&e, TG_EIO, NULL, 0, 0, "short");
    assert_int_equal(e.code, TG_EIO);
    assert_int_equal(e.line, 0);
    assert_int_equal(e.col, 0);
    assert_string_equal(e.file, "");
    assert_string_equal(e.msg, "short");
    tg_test_no_leaks(blocks);
}

static void test_err_truncates_long_text(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error e;
    char big[2000], path[600];

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memset(path, 'p', sizeof path - 1);
    path[sizeof path - 1] = '\0';

    tg_err_set(&e, TG_EDATA, path, 1, 2, "%s", big);
    assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
    assert_int_equal(strlen(e.file), sizeof e.file - 1);
    for (size_t i = 0; i < sizeof e.msg - 1; i++) assert_int_equal(e.msg[i], 'x');
    for (size_t i = 0; i < sizeof e.file - 1; i++) assert_int_equal(e.file[i], 'p');
    assert_int_equal(e.line, 1);
    assert_int_equal(e.col, 2);

    /* The formatted text is truncated too, always NUL-terminated. */
    char small[12];
    memset(small, '#', sizeof small);
    tg_err_set(&e, TG_EDATA, "f.csv", 3, 4, "abcdefghij");
    tg_err_format(&e, small, sizeof small);
    assert_string_equal(small, "f.csv:3:4: "); /* 11 chars + NUL */

    char one[1] = { '#' };
    tg_err_format(&e, one, sizeof one);
    assert_int_equal(one[0], '\0');

    char none[1] = { '#' };
    assert_ptr_equal(tg_err_format(&e, none, 0), none); /* size 0: untouched */
    assert_int_equal(none[0], '#');

    char full[2000];
    tg_err_set(&e, TG_EDATA, path, 999, 999, "%s", big);
    tg_err_format(&e, full, sizeof full);
    assert_int_equal(strlen(full), 255 + strlen(":999:999: ") + 511);
    tg_test_no_leaks(blocks);
}

static void test_err_folds_newlines(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error e;
    char buf[256];

    tg_err_set(&e, TG_ESCRIPT, "s.lua", 4, 0, "line one\nline two\r\nthree\r%s", "\n");
    assert_string_equal(e.msg, "line one line two  three  ");
    assert_null(strchr(tg_err_format(&e, buf, sizeof buf), '\n'));
    assert_string_equal(buf, "s.lua:4: line one line two  three  ");
    tg_test_no_leaks(blocks);
}

static void test_err_null_record(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    assert_int_equal(tg_err_set(NULL, TG_EDATA, "f", 1, 1, "x %d", 1), TG_EDATA);
    assert_int_equal(tg_err_set(NULL, TG_OK, NULL, 0, 0, "fine"), TG_OK);
    assert_int_equal(tg_err_set(NULL, TG_ECANCEL, NULL, 0, 0, "stop"), TG_ECANCEL);
    assert_int_equal(tg_err_nomem(NULL), TG_ENOMEM);
    tg_test_no_leaks(blocks);
}

static tg_status set_via_va_list(tg_error *err, tg_status code, const char *fmt, ...)
    TG_PRINTF(3, 4);

static tg_status set_via_va_list(tg_error *err, tg_status code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tg_status st = tg_err_setv(err, code, "v.csv", 2, 5, fmt, ap);
    va_end(ap);
    return st;
}

static void test_err_setv(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error e;
    char buf[128];

    assert_int_equal(set_via_va_list(&e, TG_EDATA, "bad date '%s' (%d-%02d)", "2024-13", 2024, 13),
                     TG_EDATA);
    assert_string_equal(tg_err_format(&e, buf, sizeof buf),
                        "v.csv:2:5: bad date '2024-13' (2024-13)");
    assert_int_equal(set_via_va_list(NULL, TG_EIO, "%s", "ignored"), TG_EIO);
    tg_test_no_leaks(blocks);
}

static void test_err_nomem_never_allocates(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error e;

    tg_err_set(&e, TG_EDATA, "x.csv", 1, 1, "previous");
    tg_mem_fail_nth(1); /* any allocation would consume this */
    assert_int_equal(tg_err_nomem(&e), TG_ENOMEM);
    tg_err_set(&e, TG_ENOMEM, "y.csv", 2, 2, "%s", "formatting allocates nothing either");
    tg_err_nomem(&e);
    assert_int_equal(tg_mem_fail_pending(), 1);
    tg_mem_fail_nth(0);
    assert_int_equal(e.code, TG_ENOMEM);
    assert_string_equal(e.file, "");
    assert_int_equal(e.line, 0);
    assert_int_equal(e.col, 0);
    assert_string_equal(e.msg, "out of memory");
    tg_test_no_leaks(blocks);
}

static void test_err_status_names(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const tg_status all[] = { TG_OK,      TG_ENOMEM, TG_EIO,    TG_EDATA,
                              TG_ESCRIPT, TG_EARG,   TG_ELIMIT, TG_ECANCEL };

    assert_string_equal(tg_status_name(TG_EDATA), "data error");
    assert_string_equal(tg_status_name(TG_ENOMEM), "out of memory");
    /* Every status has its own non-empty name. */
    for (size_t i = 0; i < TG_ARRAY_LEN(all); i++) {
        const char *a = tg_status_name(all[i]);
        assert_non_null(a);
        assert_true(strlen(a) > 0);
        for (size_t j = 0; j < i; j++) assert_string_not_equal(a, tg_status_name(all[j]));
    }
    const char *unknown = tg_status_name((tg_status)99);
    assert_non_null(unknown);
    for (size_t i = 0; i < TG_ARRAY_LEN(all); i++)
        assert_string_not_equal(unknown, tg_status_name(all[i]));
    tg_test_no_leaks(blocks);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_clear),
        cmocka_unit_test(test_err_set_full_position),
        cmocka_unit_test(test_err_format_partial_positions),
        cmocka_unit_test(test_err_set_overwrites),
        cmocka_unit_test(test_err_truncates_long_text),
        cmocka_unit_test(test_err_folds_newlines),
        cmocka_unit_test(test_err_null_record),
        cmocka_unit_test(test_err_setv),
        cmocka_unit_test(test_err_nomem_never_allocates),
        cmocka_unit_test(test_err_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
