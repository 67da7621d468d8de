/*
** test_xlsxw.c -- the Excel writer's guarantees that need no reader: sheet
** names by Excel's rules, the same bytes for the same tables whatever the
** target's name, and atomicity: a refused table, an interrupt and every
** allocation failing in turn leave the old file byte for byte and no
** temporary file. What the cells hold is read back by openpyxl and
** LibreOffice in tests/xlsxw/check_xlsxw.py.
*/
#include "tg_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_out.h"
#include "tg_xlsxw.h"

/* ---- helpers ---- */

static const char *scratch_dir(void) {
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s", tg_test_tmpfile(".d"));
    assert_int_equal(mkdir(dir, 0755), 0);
    return dir;
}

/* The file's bytes (malloc'd) and length in *n; NULL when missing. */
static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    *n = fread(buf, 1, (size_t)len, f);
    fclose(f);
    return buf;
}

static void assert_file(const char *path, const char *want) {
    size_t n;
    char *got = slurp(path, &n);
    assert_non_null(got);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(got, want, n);
    free(got);
}

/* n rows of every type, NULLs in each column. */
static tg_table *table(size_t rows) {
    uint64_t seed = 42;
    tg_table *t = tg_table_new();
    assert_non_null(t);
    tg_test_add(t, "id", tg_test_random_col(&seed, TG_INT, rows, 10, -50, 1000, 0));
    tg_test_add(t, "takst", tg_test_random_col(&seed, TG_FLOAT, rows, 10, 0, 100000, 0));
    tg_test_add(t, "dato", tg_test_random_col(&seed, TG_DATE, rows, 10, 0, 400, 0));
    tg_test_add(t, "ok", tg_test_random_col(&seed, TG_BOOL, rows, 10, 0, 2, 0));
    tg_test_add(t, "navn", tg_test_random_col(&seed, TG_STRING, rows, 10, 0, 11, 3));
    return t;
}

static tg_xlsxw_sheet one(const tg_table *t, const char *name) {
    tg_xlsxw_sheet s = { name, t, NULL, NULL };
    return s;
}

/* ---- names ---- */

static void test_xlsxw_names(void **state) {
    (void)state;
    tg_error err;
    static const char *good[] = { "Ark1", "Takster 2026", "æøå", "a'b",
                                  "1234567890123456789012345678901" };
    static const char *bad[] = { "",
                                 "a[b",
                                 "a]b",
                                 "a:b",
                                 "a*b",
                                 "a?b",
                                 "a/b",
                                 "a\\b",
                                 "'Ark1",
                                 "Ark1'",
                                 "History",
                                 "HISTORY",
                                 "12345678901234567890123456789012",
                                 "\xff" };
    for (size_t k = 0; k < TG_ARRAY_LEN(good); k++)
        assert_int_equal(tg_xlsxw_check_name(good[k], NULL, &err), TG_OK);
    for (size_t k = 0; k < TG_ARRAY_LEN(bad); k++)
        assert_int_equal(tg_xlsxw_check_name(bad[k], "b.xlsx", &err), TG_EARG);
    /* 31 characters of two bytes each are fine; 32 are not */
    char name[80] = "";
    for (int k = 0; k < 31; k++) strcat(name, "\xc3\xa6");
    assert_int_equal(tg_xlsxw_check_name(name, NULL, &err), TG_OK);
    strcat(name, "\xc3\xa6");
    assert_int_equal(tg_xlsxw_check_name(name, NULL, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "is 32 characters; Excel allows at most 31"));
}

static void test_xlsxw_duplicate_names(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    const char *path = tg_test_join(dir, "b.xlsx");
    tg_table *t = table(3);
    tg_error err;
    tg_xlsxw_sheet two[2] = { one(t, "\xc3\x86"
                                     "ble"),
                              one(t, "\xc3\xa6"
                                     "BLE") }; /* Æble, æBLE */
    tg_test_put(path, "old");
    assert_int_equal(tg_xlsxw_write(path, two, 2, NULL, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "are the same to Excel, which ignores case"));
    assert_file(path, "old");
    two[1].name = "\xc3\xa6"
                  "bler";
    assert_int_equal(tg_xlsxw_write(path, two, 2, NULL, &err), TG_OK);
    assert_int_equal(tg_test_count_entries(dir), 1);
    tg_table_release(t);
    tg_test_rmtree(dir);
    tg_test_no_leaks(blocks);
}

/* ---- the same bytes ---- */

static void test_xlsxw_same_bytes(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), na, nb;
    const char *dir = scratch_dir();
    char a[1100], b[1100];
    snprintf(a, sizeof a, "%s", tg_test_join(dir, "a.xlsx"));
    snprintf(b, sizeof b, "%s", tg_test_join(dir, "other name.xlsx"));
    tg_table *t = table(5000);
    tg_xlsxw_sheet s = one(t, "Ark1");
    tg_error err;
    assert_int_equal(tg_xlsxw_write(a, &s, 1, NULL, &err), TG_OK);
    sleep(1); /* a clock that leaked in would show */
    assert_int_equal(tg_xlsxw_write(b, &s, 1, NULL, &err), TG_OK);
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    assert_true(na > 1000 && memcmp(x, "PK\x03\x04", 4) == 0);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
    tg_table_release(t);
    tg_test_rmtree(dir);
    tg_test_no_leaks(blocks);
}

/* ---- atomicity ---- */

static void test_xlsxw_refused_table(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    const char *path = tg_test_join(dir, "b.xlsx");
    tg_table *wide = tg_table_new();
    tg_error err;
    char name[16];
    for (int k = 0; k <= TG_XLSXW_MAX_COLS; k++) {
        snprintf(name, sizeof name, "c%d", k);
        tg_test_add(wide, name, tg_col_new(TG_INT, 0, NULL));
    }
    tg_xlsxw_sheet s = one(wide, "Ark1");
    tg_test_put(path, "old");
    assert_int_equal(tg_xlsxw_write(path, &s, 1, NULL, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "16385 columns; an Excel sheet holds at most 16384"));
    assert_file(path, "old");
    assert_int_equal(tg_test_count_entries(dir), 1);
    tg_table_release(wide);
    tg_test_rmtree(dir);
    tg_test_no_leaks(blocks);
}

static void test_xlsxw_interrupt(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    const char *path = tg_test_join(dir, "b.xlsx");
    tg_table *t = table(10 * TG_VECTOR);
    tg_test_stopper stop = { 0, 3 };
    tg_interrupt intr = { tg_test_stop_poll, &stop };
    tg_xlsxw_opts opts;
    tg_error err;
    tg_xlsxw_sheet s = one(t, "Ark1");
    tg_xlsxw_opts_init(&opts);
    opts.intr = &intr;
    tg_test_put(path, "old");
    assert_int_equal(tg_xlsxw_write(path, &s, 1, &opts, &err), TG_ELIMIT);
    assert_int_equal(stop.calls, 3);
    assert_file(path, "old");
    assert_int_equal(tg_test_count_entries(dir), 1);
    tg_table_release(t);
    /* too few rows to poll between them, but megabytes of text: the check
    ** of the zip polls (once per MiB it reads back) */
    static char text[1501];
    memset(text, 'x', 1500);
    t = tg_table_new();
    tg_col *c = tg_col_new(TG_STRING, 0, NULL);
    for (int r = 0; r < 1500; r++) assert_int_equal(tg_col_push_str(c, text, 1500), TG_OK);
    tg_test_add(t, "tekst", c);
    s = one(t, "Ark1");
    stop.calls = 0;
    stop.stop_at = 1;
    assert_int_equal(tg_xlsxw_write(path, &s, 1, &opts, &err), TG_ELIMIT);
    assert_int_equal(stop.calls, 1);
    assert_file(path, "old");
    assert_int_equal(tg_test_count_entries(dir), 1);
    tg_table_release(t);
    tg_test_rmtree(dir);
    tg_test_no_leaks(blocks);
}

struct oom_ctx {
    const char *path;
    const tg_table *t;
};

/* One write under the failure loop: on failure the old file stays. */
static tg_status write_once(void *ud) {
    struct oom_ctx *c = ud;
    tg_xlsxw_sheet s = one(c->t, "Ark1");
    tg_error err;
    tg_test_put(c->path, "old");
    tg_status st = tg_xlsxw_write(c->path, &s, 1, NULL, &err);
    if (st != TG_OK) assert_file(c->path, "old");
    return st;
}

static void test_xlsxw_oom(void **state) {
    (void)state;
    const char *dir = scratch_dir();
    char path[1100];
    snprintf(path, sizeof path, "%s", tg_test_join(dir, "b.xlsx"));
    tg_table *t = table(50);
    struct oom_ctx c = { path, t };
    assert_true(tg_test_oom_loop(write_once, &c) >= 4);
    assert_int_equal(tg_test_count_entries(dir), 1);
    tg_table_release(t);
    tg_test_rmtree(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsxw_names),
        cmocka_unit_test(test_xlsxw_duplicate_names),
        cmocka_unit_test(test_xlsxw_same_bytes),
        cmocka_unit_test(test_xlsxw_refused_table),
        cmocka_unit_test(test_xlsxw_interrupt),
        cmocka_unit_test_teardown(test_xlsxw_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
