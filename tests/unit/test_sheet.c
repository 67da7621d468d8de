/*
** test_sheet.c -- cells into a table (tg_sheet): Excel's date serials in
** both systems, the layout decisions (header, totals, the stop at an empty
** row, merged header names), cell names and ranges, and every allocation
** failure. The cells are fed by a fake source, so no workbook is needed;
** expected dates were computed with Python's datetime, not with tegn.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tg_col.h"
#include "tg_dict.h"
#include "tg_mem.h"
#include "tg_sheet.h"
#include "tg_table.h"
#include "tg_test.h"

/* A sheet as a list of cells, in row order; merges after them. */
struct fake {
    const tg_sheet_cell *cells;
    size_t n;
    const uint32_t (*merges)[4];
    size_t n_merges;
};

static tg_status fake_scan(void *src, tg_sheet *b, tg_error *err) {
    const struct fake *f = src;
    for (size_t i = 0; i < f->n; i++) {
        tg_status st = tg_sheet_put(b, &f->cells[i], err);
        if (st != TG_OK) return st;
    }
    for (size_t i = 0; i < f->n_merges; i++)
        if (tg_sheet_merge(b, f->merges[i][0], f->merges[i][1], f->merges[i][2], f->merges[i][3]) !=
            TG_OK)
            return TG_ENOMEM;
    return TG_OK;
}

#define STR(r, c, s) \
    { r, c, TG_SC_STR, 0, s, sizeof s - 1, 0 }
#define NUM(r, c, s) \
    { r, c, TG_SC_NUM, 0, s, sizeof s - 1, 0 }
#define DAY(r, c, v) \
    { r, c, TG_SC_SERIAL, TG_SD_DATE, NULL, 0, v }

static const char *str_at(const tg_table *t, size_t k, size_t i) {
    const tg_col *c = t->cols[k];
    return tg_col_is_valid(c, i) ? tg_dict_str(c->dict, c->v.str[i], NULL) : NULL;
}

/* ---- dates ---- */

static void test_sheet_serials_1900(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    /* serial 1 is 1900-01-01; 59 is 1900-02-28; 60 is Lotus's 1900-02-29,
    ** read as 1900-02-28 (as openpyxl reads it); 61 is 1900-03-01 */
    static const tg_sheet_cell cells[] = {
        STR(0, 0, "d"), DAY(1, 0, 1),  DAY(2, 0, 59),
        DAY(3, 0, 60),  DAY(4, 0, 61), DAY(5, 0, 45322.0),
    };
    static const int32_t want[] = { -25567, -25509, -25509, -25508, 19753 };
    struct fake f = { cells, sizeof cells / sizeof cells[0], NULL, 0 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    tg_table *t;
    tg_error err;
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_OK);
    assert_int_equal(t->cols[0]->type, TG_DATE);
    for (size_t i = 0; i < 5; i++) assert_int_equal(t->cols[0]->v.date[i], want[i]);
    tg_table_release(t);
    tg_test_no_leaks(before);
}

static void test_sheet_serials_1904(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    /* 0 is 1904-01-01, 43100 is 2022-01-01, 43101.5 a date-time at noon */
    static const tg_sheet_cell cells[] = {
        STR(0, 0, "d"),   STR(0, 1, "t"),
        DAY(1, 0, 0),     { 1, 1, TG_SC_SERIAL, TG_SD_DATETIME, NULL, 0, 43101.5 },
        DAY(2, 0, 43100),
    };
    struct fake f = { cells, sizeof cells / sizeof cells[0], NULL, 0 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    o.date1904 = 1;
    tg_table *t;
    tg_error err;
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_OK);
    assert_int_equal(t->cols[0]->v.date[0], -24107);
    assert_int_equal(t->cols[0]->v.date[1], 18993);
    assert_string_equal(str_at(t, 1, 0), "2022-01-02 12:00:00");
    tg_table_release(t);
    tg_test_no_leaks(before);
}

/* ---- layout ---- */

static const tg_sheet_cell budget[] = {
    STR(0, 0, "kommune"),
    STR(0, 1, "Udgifter"), /* C1 merged into B1 */
    STR(1, 0, "Tårnby"),
    NUM(1, 1, "10.5"),
    NUM(1, 2, "1"),
    STR(2, 0, "I alt"),
    NUM(2, 1, "10.5"),
    NUM(2, 2, "1"), /* a subtotal: kept */
    STR(3, 0, "Køge"),
    NUM(3, 1, "7"),
    NUM(3, 2, "2"),
    STR(4, 0, "I alt"),
    NUM(4, 1, "17.5"),
    NUM(4, 2, "3"),               /* at the bottom */
    STR(6, 0, "Kilde: regionen"), /* below an empty row */
};
static const uint32_t budget_merges[][4] = { { 0, 1, 0, 2 } };

static void test_sheet_layout(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    static const char *const totals[] = { "i alt" };
    struct fake f = { budget, sizeof budget / sizeof budget[0], budget_merges, 1 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    o.totals = totals;
    o.n_totals = 1;
    tg_table *t;
    tg_sheet_report *r;
    tg_error err;
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, &r, &err), TG_OK);
    assert_int_equal(t->n_rows, 3);
    assert_int_equal(t->n_cols, 3);
    assert_string_equal(t->names[1], "Udgifter");
    assert_string_equal(t->names[2], "Udgifter_2");
    assert_string_equal(str_at(t, 0, 1), "I alt");
    assert_string_equal(str_at(t, 0, 2), "Køge");
    assert_int_equal(t->cols[1]->type, TG_FLOAT);
    assert_int_equal(t->cols[2]->type, TG_INT);
    assert_int_equal(r->n_totals, 1);
    assert_int_equal(r->header_row, 1);
    int stop_note = 0;
    for (size_t i = 0; i < r->n_notes; i++)
        stop_note |= strstr(r->notes[i].text, "stopped at the empty row 6: 1 value") != NULL;
    assert_true(stop_note);
    tg_sheet_report_free(r);
    tg_table_release(t);
    tg_test_no_leaks(before);
}

static void test_sheet_no_header_letters(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    static const tg_sheet_cell cells[] = {
        NUM(4, 1, "1"),
        STR(4, 2, "a"),
        NUM(5, 1, "2"),
        STR(5, 2, "b"),
    };
    struct fake f = { cells, sizeof cells / sizeof cells[0], NULL, 0 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    tg_table *t;
    tg_error err;
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_OK);
    assert_int_equal(t->n_rows, 2);
    assert_string_equal(t->names[0], "B");
    assert_string_equal(t->names[1], "C");
    assert_int_equal(t->cols[0]->v.i64[1], 2);
    tg_table_release(t);
    tg_test_no_leaks(before);
}

/* A decimal comma or a date format given in 'types' is for values written
** as text; the number and date cells of the same columns still read. */
static void test_sheet_type_formats(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    static const tg_sheet_cell cells[] = {
        STR(0, 0, "n"),    STR(0, 1, "d"),   STR(0, 2, "e"),          /* header */
        NUM(1, 0, "1.5"),  DAY(1, 1, 45322), STR(1, 2, "01-03-2024"), /* cells */
        STR(2, 0, "2,25"), DAY(2, 1, 45323), STR(2, 2, "31-12-1999"),
    };
    static const tg_csv_coltype types[] = { { "n", TG_FLOAT, "," },
                                            { "d", TG_DATE, "%d-%m-%Y" },
                                            { "e", TG_DATE, "%d-%m-%Y" } };
    struct fake f = { cells, sizeof cells / sizeof cells[0], NULL, 0 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    o.types = types;
    o.n_types = 3;
    tg_table *t;
    tg_error err;
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_OK);
    assert_true(t->cols[0]->v.f64[0] == 1.5 && t->cols[0]->v.f64[1] == 2.25);
    /* 2024-01-31 and 2024-02-01; 2024-03-01 and 1999-12-31 (Python's datetime) */
    assert_int_equal(t->cols[1]->v.date[0], 19753);
    assert_int_equal(t->cols[1]->v.date[1], 19754);
    assert_int_equal(t->cols[2]->v.date[0], 19783);
    assert_int_equal(t->cols[2]->v.date[1], 10956);
    tg_table_release(t);
    tg_test_no_leaks(before);
}

/* Rows of one text value above a table are titles; a table of one column
** is not mistaken for titles. */
static void test_sheet_titles(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    static const tg_sheet_cell titled[] = {
        STR(0, 0, "Udtræk fra Nexus"),
        STR(1, 0, "07-12-2026"),
        STR(3, 0, "id"),
        STR(3, 1, "navn"),
        NUM(4, 0, "1"),
        STR(4, 1, "a"),
    };
    static const tg_sheet_cell one_col[] = {
        STR(0, 0, "navn"),
        STR(1, 0, "a"),
        STR(2, 0, "b"),
        STR(3, 0, "c"),
    };
    tg_sheet_cell many[14];
    static const char *const words[] = { "navn", "a", "b", "c", "d", "e", "f",
                                         "g",    "h", "i", "j", "k", "l", "m" };
    for (uint32_t i = 0; i < 14; i++)
        many[i] = (tg_sheet_cell){ i, 0, TG_SC_STR, 0, words[i], strlen(words[i]), 0 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    tg_table *t;
    tg_sheet_report *r;
    tg_error err;

    struct fake f = { titled, sizeof titled / sizeof titled[0], NULL, 0 };
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, &r, &err), TG_OK);
    assert_int_equal(t->n_rows, 1);
    assert_string_equal(t->names[0], "id");
    assert_string_equal(t->names[1], "navn");
    assert_int_equal(r->header_row, 4);
    assert_non_null(strstr(r->notes[0].text, "2 title row(s) above the header skipped"));
    tg_sheet_report_free(r);
    tg_table_release(t);

    f = (struct fake){ one_col, 4, NULL, 0 };
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_OK);
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(t->names[0], "navn");
    assert_string_equal(str_at(t, 0, 2), "c");
    tg_table_release(t);

    f = (struct fake){ many, 14, NULL, 0 };
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_OK);
    assert_int_equal(t->n_rows, 13);
    assert_string_equal(t->names[0], "navn");
    assert_string_equal(str_at(t, 0, 12), "m");
    tg_table_release(t);
    tg_test_no_leaks(before);
}

static void test_sheet_type_error_names_cell(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    static const tg_sheet_cell cells[] = {
        STR(0, 2, "n"),
        NUM(1, 2, "1"),
        STR(16, 2, "n/a"),
    };
    static const tg_csv_coltype types[] = { { "n", TG_INT, NULL } };
    struct fake f = { cells, sizeof cells / sizeof cells[0], NULL, 0 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    o.stop_at_empty = 0;
    o.types = types;
    o.n_types = 1;
    tg_table *t;
    tg_error err;
    assert_int_equal(tg_sheet_read("book.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_EDATA);
    assert_string_equal(err.file, "book.xlsx[Ark1]!C17");
    assert_string_equal(err.msg, "expected a number, got 'n/a'");
    assert_null(t);
    tg_test_no_leaks(before);
}

static void test_sheet_out_of_order(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    static const tg_sheet_cell cells[] = { STR(0, 0, "a"), NUM(2, 0, "1"), NUM(1, 0, "2") };
    struct fake f = { cells, sizeof cells / sizeof cells[0], NULL, 0 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    o.stop_at_empty = 0;
    tg_table *t;
    tg_error err;
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_EDATA);
    assert_string_equal(err.file, "b.xlsx[Ark1]!A2");
    assert_non_null(strstr(err.msg, "out of order (it comes after A3)"));
    tg_test_no_leaks(before);
}

/* Two cells at the corners of a sheet would be a table of 17 billion
** NULLs: refused before a column is made. */
static void test_sheet_sparse(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    static const tg_sheet_cell cells[] = { NUM(0, 0, "1"), NUM(1048575, 16383, "2") };
    struct fake f = { cells, 2, NULL, 0 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    o.header = 0;
    o.stop_at_empty = 0;
    tg_table *t;
    tg_error err;
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_EDATA);
    assert_non_null(strstr(err.msg, "1048576 rows x 16384 columns for 2 values"));
    /* 200 columns in the first row and the last: the NULLs between them
    ** are refused while they are pushed */
    static tg_sheet_cell wide[400];
    for (uint32_t i = 0; i < 400; i++)
        wide[i] = (tg_sheet_cell){ i < 200 ? 0 : 1048575, i % 200, TG_SC_NUM, 0, "1", 1, 0 };
    f = (struct fake){ wide, 400, NULL, 0 };
    assert_int_equal(tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, NULL, &err), TG_EDATA);
    assert_non_null(strstr(err.msg, "empty cells between"));
    tg_test_no_leaks(before);
}

/* ---- names and ranges ---- */

static void test_sheet_names_ranges(void **state) {
    (void)state;
    char buf[16];
    uint32_t r0, c0, r1, c1;
    tg_sheet_cell_name(17, 2, buf);
    assert_string_equal(buf, "C17");
    tg_sheet_cell_name(0, 26, buf);
    assert_string_equal(buf, "AA");
    tg_sheet_cell_name(1048576, 16383, buf);
    assert_string_equal(buf, "XFD1048576");
    assert_int_equal(tg_sheet_parse_range("B3:F200", &r0, &c0, &r1, &c1), 0);
    assert_true(r0 == 2 && c0 == 1 && r1 == 199 && c1 == 5);
    assert_int_equal(tg_sheet_parse_range("A0", &r0, &c0, &r1, &c1), -1);
    assert_int_equal(tg_sheet_parse_range("B3:A1", &r0, &c0, &r1, &c1), -1);
    assert_int_equal(tg_sheet_parse_range("XFE1", &r0, &c0, &r1, &c1), -1);
    assert_int_equal(tg_sheet_parse_range("b3", &r0, &c0, &r1, &c1), -1);
}

/* ---- allocation failures ---- */

static tg_status oom_read(void *ctx) {
    static const char *const totals[] = { "I alt" };
    struct fake f = { budget, sizeof budget / sizeof budget[0], budget_merges, 1 };
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    o.totals = totals;
    o.n_totals = 1;
    tg_table *t = NULL;
    tg_sheet_report *r = NULL;
    tg_error err;
    (void)ctx;
    tg_status st = tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, &f, &t, &r, &err);
    tg_table_release(t);
    tg_sheet_report_free(r);
    return st;
}

/* Titles skipped, then a column held past the title limit and replayed. */
static const tg_sheet_cell held_rows[] = {
    STR(0, 0, "Udtræk"), STR(2, 0, "id"), STR(2, 1, "navn"), NUM(3, 0, "1"), STR(3, 1, "a"),
};
static const tg_sheet_cell long_col[] = {
    STR(0, 0, "navn"), STR(1, 0, "a"),  STR(2, 0, "b"),  STR(3, 0, "c"), STR(4, 0, "d"),
    STR(5, 0, "e"),    STR(6, 0, "f"),  STR(7, 0, "g"),  STR(8, 0, "h"), STR(9, 0, "i"),
    STR(10, 0, "j"),   STR(11, 0, "k"), STR(12, 0, "l"),
};

static tg_status oom_titles(void *ctx) {
    const struct fake *f = ctx;
    tg_sheet_opts o;
    tg_sheet_opts_init(&o);
    tg_table *t = NULL;
    tg_sheet_report *r = NULL;
    tg_error err;
    tg_status st = tg_sheet_read("b.xlsx[Ark1]", &o, fake_scan, (void *)f, &t, &r, &err);
    tg_table_release(t);
    tg_sheet_report_free(r);
    return st;
}

static void test_sheet_oom(void **state) {
    (void)state;
    struct fake held = { held_rows, sizeof held_rows / sizeof held_rows[0], NULL, 0 };
    struct fake col = { long_col, sizeof long_col / sizeof long_col[0], NULL, 0 };
    tg_test_oom_loop(oom_read, NULL);
    tg_test_oom_loop(oom_titles, &held);
    tg_test_oom_loop(oom_titles, &col);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet_serials_1900),
        cmocka_unit_test(test_sheet_serials_1904),
        cmocka_unit_test(test_sheet_layout),
        cmocka_unit_test(test_sheet_no_header_letters),
        cmocka_unit_test(test_sheet_titles),
        cmocka_unit_test(test_sheet_type_formats),
        cmocka_unit_test(test_sheet_type_error_names_cell),
        cmocka_unit_test(test_sheet_out_of_order),
        cmocka_unit_test(test_sheet_sparse),
        cmocka_unit_test(test_sheet_names_ranges),
        cmocka_unit_test_teardown(test_sheet_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
