/*
** test_excel.c -- the workbook front (tg_excel) over the committed
** LibreOffice workbooks of tests/fixtures/excel: the sheet list with
** states and stated dimensions, the kind told by content, and every
** allocation failure on the way through libzip, expat and freexl (expat's
** memory is tegn's; libzip's and freexl's own are not counted, so their
** failures cannot be injected here).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tg_excel.h"
#include "tg_mem.h"
#include "tg_table.h"
#include "tg_test.h"

static void test_excel_list(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_excel_report *r;
    tg_error err;
    assert_int_equal(tg_excel_list(tg_test_fixture("excel/features_lo.xlsx"), -1, &r, &err), TG_OK);
    assert_int_equal(r->kind, TG_EXCEL_XLSX);
    assert_int_equal(r->n_sheets, 2);
    assert_string_equal(r->sheets[0].name, "Opslag");
    assert_int_equal(r->sheets[0].state, 1);
    assert_string_equal(r->sheets[1].dim, "A1:E5");
    tg_excel_report_free(r);
    assert_int_equal(tg_excel_list(tg_test_fixture("excel/takster_lo.xls"), -1, &r, &err), TG_OK);
    assert_int_equal(r->kind, TG_EXCEL_XLS);
    assert_string_equal(r->sheets[0].dim, "A1:F5");
    tg_excel_report_free(r);
    assert_int_equal(tg_excel_list(tg_test_fixture("excel/features_lo.xls"), -1, &r, &err), TG_OK);
    assert_int_equal(r->n_sheets, 2);
    assert_int_equal(r->sheets[0].state, 1); /* "Opslag", hidden: from tg_biff */
    assert_int_equal(r->sheets[1].state, 0);
    tg_excel_report_free(r);
    assert_int_equal(tg_excel_list(tg_test_fixture("excel/takster.csv"), -1, &r, &err), TG_EDATA);
    assert_non_null(strstr(err.msg, "not an Excel workbook"));
    tg_test_no_leaks(before);
}

/* fuzz_xlsx's findings in freexl 1.0.6: a directory entry whose name
** length runs past the entry made it read past a buffer of its own; tg_biff
** now refuses such a compound file before freexl sees it. */
static void test_excel_xls_bad_directory(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_table *t = NULL;
    tg_error err;
    tg_status st = tg_excel_read(tg_test_fixture("excel/fuzz_dirname.xls"), NULL, &t, NULL, &err);
    assert_int_equal(st, TG_EDATA);
    assert_null(t);
    assert_non_null(strstr(err.msg, "is corrupt"));
    /* its second: a FAT entry naming a sector past the file, which freexl
    ** refuses but leaks memory on (LeakSanitizer); its third: a workbook
    ** stream of a size freexl allocates (1.85 GB); refused before freexl */
    st = tg_excel_read(tg_test_fixture("excel/fuzz_fat.xls"), NULL, &t, NULL, &err);
    assert_int_equal(st, TG_EDATA);
    assert_non_null(strstr(err.msg, "is corrupt"));
    st = tg_excel_read(tg_test_fixture("excel/fuzz_stream.xls"), NULL, &t, NULL, &err);
    assert_int_equal(st, TG_EDATA);
    assert_non_null(strstr(err.msg, "is corrupt"));
    tg_test_no_leaks(before);
}

static tg_status read_one(void *ctx) {
    tg_excel_opts o;
    tg_table *t = NULL;
    tg_excel_report *r = NULL;
    tg_error err;
    tg_excel_opts_init(&o);
    o.cells.n_totals = 1;
    o.cells.totals = (const char *const[]){ "I alt" };
    tg_status st = tg_excel_read(tg_test_fixture(ctx), &o, &t, &r, &err);
    if (st == TG_OK && (t->n_rows == 0 || r->rep->n_rows != t->n_rows)) st = TG_EARG;
    tg_table_release(t);
    tg_excel_report_free(r);
    return st;
}

static void test_excel_oom_xlsx(void **state) {
    (void)state;
    tg_test_oom_loop(read_one, "excel/features_lo.xlsx");
}

static void test_excel_oom_xls(void **state) {
    (void)state;
    tg_test_oom_loop(read_one, "excel/takster_lo.xls");
    tg_test_oom_loop(read_one, "excel/features_lo.xls"); /* tg_biff's allocations too */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_excel_list),
        cmocka_unit_test(test_excel_xls_bad_directory),
        cmocka_unit_test_teardown(test_excel_oom_xlsx, tg_test_disarm),
        cmocka_unit_test_teardown(test_excel_oom_xls, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
