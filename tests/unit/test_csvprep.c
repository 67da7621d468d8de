/*
** test_csvprep.c -- the files people actually export (issue 12): the
** format check and gzip (tg_csvprep), bare CR line ends, quotes in the
** header, text after a closing quote, backslash escapes, comments, title
** lines, the header vote, the notes that make every decision visible, and
** 1 and 2 threads giving the same table on files that need those paths.
** Each fixture in tests/fixtures/csv/ is small and its values are read off
** its text by hand.
*/
#include "tg_test_csv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tg_csv.h"
#include "tg_csvprep.h"
#include "tg_err.h"
#include "tg_mem.h"

/* ---- helpers ---- */

/* The error a fixture must fail with. */
static tg_error load_error(const char *name, const tg_csv_opts *opts, tg_status want) {
    tg_table *t = NULL;
    tg_csv_report *r = NULL;
    tg_error err;
    tg_err_clear(&err);
    assert_int_equal(tg_csv_read(tg_test_fixture(name), opts, &t, &r, &err), want);
    assert_null(t);
    tg_csv_report_free(r);
    return err;
}

/* The note holding 'text', or NULL. */
static const tg_csv_note *note(const tg_csv_report *r, const char *text) {
    for (size_t i = 0; i < r->n_notes; i++)
        if (strstr(r->notes[i].text, text)) return &r->notes[i];
    return NULL;
}

/* ---- issue 12 point 1: header names ---- */

/* An empty name whose generated name ("column2") is taken further on:
** it once overflowed a heap buffer while the names were made unique. */
static void test_prep_header_empty_collides(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/header_empty_collides.csv", &r);
    assert_int_equal(t->n_cols, 3);
    assert_string_equal(t->names[0], "x");
    assert_string_equal(t->names[1], "column2_2");
    assert_string_equal(t->names[2], "column2");
    assert_int_equal(col(t, "x")->v.i64[0], 1);
    assert_int_equal(col(t, "column2_2")->v.i64[0], 2);
    assert_int_equal(col(t, "column2")->v.i64[0], 3);
    done(t, r, before);
}

/* ---- point 2: silent data loss ---- */

static void test_prep_cr_only(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/cr_only.csv", &r);
    assert_int_equal(t->n_rows, 2); /* once 0 rows */
    assert_int_equal(col(t, "a")->v.i64[0], 1);
    assert_int_equal(col(t, "b")->v.i64[0], 2);
    assert_int_equal(col(t, "a")->v.i64[1], 3);
    assert_int_equal(col(t, "b")->v.i64[1], 4);
    assert_int_equal(r->dialect.cr_lines, 3);
    assert_non_null(note(r, "bare CR"));
    assert_true(note(r, "bare CR")->unusual);
    done(t, r, before);
}

static void test_prep_cr_mixed(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/cr_mixed.csv", &r);
    assert_int_equal(t->n_rows, 3); /* once only "5,6" */
    const int64_t a[] = { 1, 3, 5 }, b[] = { 2, 4, 6 };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(col(t, "a")->v.i64[i], a[i]);
        assert_int_equal(col(t, "b")->v.i64[i], b[i]);
    }
    done(t, r, before);
}

/* A CR-only file's line numbers count the CRs. */
static void test_prep_cr_error_line(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    const char *path = tg_test_tmpfile(".csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("a,b\r1,2\r3,4\r5\r7,8\r", f);
    fclose(f);
    tg_table *t = NULL;
    tg_error err;
    assert_int_equal(tg_csv_read(path, NULL, &t, NULL, &err), TG_EDATA);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.msg, "expected 2 fields, found 1"));
    unlink(path);
    tg_test_no_leaks(before);
}

static void test_prep_header_open_quote(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_error err = load_error("csv/header_open_quote.csv", NULL, TG_EDATA);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.col, 1);
    assert_non_null(strstr(err.msg, "the header's quoted field 1 is not closed"));
    tg_test_no_leaks(before);
}

/* "abc"def once kept the field open and swallowed the next record. */
static void test_prep_after_quote_strict(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_opts o;
    tg_csv_opts_init(&o);
    o.dialect.lenient = 0;
    for (int fast = 0; fast < 2; fast++) {
        o.no_fast_path = !fast;
        tg_error err = load_error("csv/after_quote.csv", &o, TG_EDATA);
        assert_int_equal(err.line, 2);
        assert_int_equal(err.col, 1);
        assert_non_null(strstr(err.msg, "column 'navn': text after the closing quote"));
        assert_non_null(strstr(err.msg, "quotes = \"lenient\""));
    }
    tg_test_no_leaks(before);
}

/* The same text after the closing quote of a field that spans lines: the
** line after the opening one went straight to libcsv, which kept the field
** open and swallowed the records after it (the name became "Anna\nHansen
** sen;4\n2;Bo" up to the next stray quote: 2 rows, exit 0). Now an error in both parsers and both
** dialects, at the line and field where the text is (issue 12). */
static void test_prep_after_quote_multiline(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_opts o;
    tg_csv_opts_init(&o);
    for (int lenient = 0; lenient < 2; lenient++) {
        for (int fast = 0; fast < 2; fast++) {
            o.dialect.lenient = lenient;
            o.no_fast_path = !fast;
            tg_error err = load_error("csv/after_quote_multiline.csv", &o, TG_EDATA);
            assert_int_equal(err.line, 3);
            assert_int_equal(err.col, 2);
            assert_string_equal(err.msg, "column 'navn': text after the closing quote of a quoted "
                                         "field that spans lines (write \"\" inside quotes for a "
                                         "literal quote)");
        }
    }
    o.on_error = TG_CSV_REJECT; /* never rejected: the records after it cannot be found */
    tg_error err = load_error("csv/after_quote_multiline.csv", &o, TG_EDATA);
    assert_int_equal(err.line, 3);
    err = load_error("csv/after_quote_multiline_header.csv", NULL, TG_EDATA);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 2);
    assert_string_equal(err.msg, "header: text after the closing quote of a quoted field that "
                                 "spans lines (write \"\" inside quotes for a literal quote)");
    tg_test_no_leaks(before);
}

static void test_prep_after_quote_lenient(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/after_quote_lenient.csv", &r);
    assert_int_equal(r->dialect.lenient, 1);
    assert_int_equal(r->dialect.n_lenient, 1);
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(str(col(t, "navn"), 0), "\"Swing it\" magistern");
    assert_string_equal(str(col(t, "by"), 0), "Kbh");
    assert_string_equal(str(col(t, "navn"), 1), "Anna");
    assert_string_equal(str(col(t, "by"), 2), "Odense");
    assert_non_null(note(r, "quotes lenient: 1 field(s)"));
    tg_csv_report_free(r);
    tg_table_release(t);
    /* the same through libcsv's path, and the sniffed lenient file of
    ** after_quote.csv */
    tg_csv_opts o;
    tg_csv_opts_init(&o);
    o.no_fast_path = 1;
    t = load_opts("csv/after_quote.csv", &o, &r);
    assert_int_equal(t->n_rows, 2);
    assert_string_equal(str(col(t, "navn"), 0), "\"abc\"def");
    assert_string_equal(str(col(t, "navn"), 1), "5");
    assert_int_equal(col(t, "n")->v.i64[1], 6);
    done(t, r, before);
}

static void test_prep_backslash_escape(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/backslash_escape.csv", &r);
    assert_int_equal(r->dialect.escape, '\\');
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(str(col(t, "txt"), 0), "He said \"hi\"");
    assert_string_equal(str(col(t, "txt"), 1), "plain");
    assert_string_equal(str(col(t, "txt"), 2), "a \\ b");
    assert_int_equal(col(t, "id")->v.i64[2], 3);
    assert_non_null(note(r, "escape \\"));
    tg_csv_report_free(r);
    tg_table_release(t);
    /* escape = none: the backslashes stay, the fields kept as they stand */
    tg_csv_opts o;
    tg_csv_opts_init(&o);
    o.dialect.escape = 0;
    t = load_opts("csv/backslash_escape.csv", &o, &r);
    assert_int_equal(r->dialect.escape, 0);
    assert_string_equal(str(col(t, "txt"), 0), "\"He said \\\"hi\\\"\"");
    done(t, r, before);
}

/* tg_csvprep_head: a title line, the header and the first 2 records; a
** quoted field's line break is no record's end. gzip and UTF-16 files,
** and a file no longer than the sample, are read whole (-1). */
static void test_prep_head(void **state) {
    (void)state;
    const char *path = tg_test_tmpfile(".csv");
    const char *text = "Titel\n"
                       "a;b\n"
                       "1;\"to\nlinjer\"\n"
                       "2;x\n"
                       "3;y\n";
    char buf[200];
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    int head = tg_csvprep_head(fd, 3); /* Titel, header, record 1 spans two lines */
    assert_true(head >= 0);
    ssize_t n = read(head, buf, sizeof buf - 1);
    assert_true(n >= 0);
    buf[n] = '\0';
    assert_string_equal(buf, "Titel\na;b\n1;\"to\nlinjer\"\n2;x\n");
    close(head);
    assert_int_equal(tg_csvprep_head(fd, 5), -1); /* the whole file is the sample */
    close(fd);

    f = fopen(path, "wb");
    static const unsigned char utf16[] = { 0xff, 0xfe, 'a', 0, ';', 0, 'b', 0, '\n', 0 };
    fwrite(utf16, 1, sizeof utf16, f); /* UTF-16LE */
    fclose(f);
    fd = open(path, O_RDONLY);
    assert_int_equal(tg_csvprep_head(fd, 0), -1);
    close(fd);
}

static void test_prep_gzip(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    const char *names[] = { "csv/gzip_semicolon.csv.gz", "csv/gzip_no_suffix.csv" };
    for (int i = 0; i < 2; i++) {
        tg_csv_report *r;
        tg_table *t = load(names[i], &r);
        assert_int_equal(r->dialect.delim, ';');
        assert_int_equal(t->n_rows, 2);
        assert_string_equal(str(col(t, "kommune"), 0), "Tårnby");
        assert_string_equal(str(col(t, "kommune"), 1), "Ishøj");
        assert_true(col(t, "takst")->v.f64[0] == 3297.46);
        assert_true(col(t, "takst")->v.f64[1] == 1875.25);
        assert_non_null(note(r, "gzip-compressed: 45 bytes decompressed"));
        tg_csv_report_free(r);
        tg_table_release(t);
    }
    tg_test_no_leaks(before);
}

static void test_prep_gzip_cut(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    FILE *in = fopen(tg_test_fixture("csv/gzip_semicolon.csv.gz"), "rb");
    unsigned char buf[256];
    assert_non_null(in);
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    const char *path = tg_test_tmpfile(".gz");
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    fwrite(buf, 1, n - 10, out);
    fclose(out);
    tg_table *t = NULL;
    tg_error err;
    assert_int_equal(tg_csv_read(path, NULL, &t, NULL, &err), TG_EDATA);
    assert_non_null(strstr(err.msg, "gzip stream is cut off"));
    unlink(path);
    tg_test_no_leaks(before);
}

static void test_prep_refused_formats(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_error err = load_error("csv/excel_xlsx.csv", NULL, TG_EDATA);
    assert_string_equal(err.msg, "not a CSV file: this is an Excel workbook (.xlsx, a zip "
                                 "archive); read it with tegn.read_excel");
    err = load_error("csv/excel_xls.csv", NULL, TG_EDATA);
    assert_non_null(strstr(err.msg, "an old Excel workbook (.xls)"));
    err = load_error("csv/shift_jis.csv", NULL, TG_EDATA);
    assert_non_null(strstr(err.msg, "neither UTF-8 nor Windows-1252"));
    /* given the encoding, it is read as asked */
    tg_csv_opts o;
    tg_csv_opts_init(&o);
    o.dialect.encoding = TG_ENC_CP1252;
    tg_csv_report *r;
    tg_table *t = load_opts("csv/shift_jis.csv", &o, &r);
    assert_int_equal(t->n_rows, 2);
    done(t, r, before);
}

static void test_prep_kind(void **state) {
    (void)state;
    const char *what;
    static const struct {
        const char *bytes;
        size_t n;
        int kind;
        const char *has;
    } cases[] = {
        { "\x1f\x8b\x08", 3, TG_PREP_GZIP, NULL },
        { "PK\x03\x04....xl/workbook.xml", 24, TG_PREP_XLSX, ".xlsx" },
        { "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, TG_PREP_XLS, ".xls" },
        { "PK\x03\x04....data.csv", 16, TG_PREP_REFUSE, "zip archive" },
        { "\x28\xb5\x2f\xfd", 4, TG_PREP_REFUSE, "zstd" },
        { "BZh91AY&SY", 10, TG_PREP_REFUSE, "bzip2" },
        { "\xfd"
          "7zXZ\x00",
          6, TG_PREP_REFUSE, "xz" },
        { "PAR1", 4, TG_PREP_REFUSE, "Parquet" },
        { "SQLite format 3", 16, TG_PREP_REFUSE, "read_sqlite" },
        { "BZh;x\n", 6, TG_PREP_TEXT, NULL },
        { "PAR;1\n", 6, TG_PREP_TEXT, NULL },
        { "a,b\n", 4, TG_PREP_TEXT, NULL },
        { "", 0, TG_PREP_TEXT, NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int k = tg_csvprep_kind((const unsigned char *)cases[i].bytes, cases[i].n, &what);
        if (k != cases[i].kind) fail_msg("case %zu: kind %d, want %d", i, k, cases[i].kind);
        if (cases[i].has && !strstr(what, cases[i].has)) fail_msg("case %zu: %s", i, what);
    }
}

static void test_prep_rewrite(void **state) {
    (void)state;
    static const struct {
        const char *in, *out;
        int cr;
        char esc;
    } cases[] = {
        { "a,b\r1,2\r\n3,\"x\ry\"\r", "a,b\n1,2\r\n3,\"x\ry\"\n", 1, 0 },
        { "1,\"a \\\"b\\\" c\",\"d\\\\e\"\n", "1,\"a \"\"b\"\" c\",\"d\\e\"\n", 0, '\\' },
        { "x\\\"y,\"q\"\"r\"\n", "x\\\"y,\"q\"\"r\"\n", 0, '\\' }, /* outside quotes: as is */
        { "  \"a\rb\"\r", "  \"a\rb\"\n", 1, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        size_t n = strlen(cases[i].in);
        memcpy(buf, cases[i].in, n + 1);
        n = tg_csvprep_rewrite((unsigned char *)buf, n, ',', '"', cases[i].cr,
                               (unsigned char)cases[i].esc, NULL);
        buf[n] = '\0';
        if (strcmp(buf, cases[i].out) != 0) fail_msg("case %zu: got '%s'", i, buf);
    }
}

/* ---- point 3: the header vote ---- */

static void test_prep_header_mixed_column(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/header_mixed_column.csv", &r);
    assert_int_equal(r->dialect.header, 1); /* once a data row, every column text */
    assert_int_equal(t->n_rows, 3);
    assert_int_equal(col(t, "v")->type, TG_INT);
    assert_int_equal(col(t, "v")->v.i64[2], 4);
    assert_string_equal(str(col(t, "id"), 2), "3r");
    assert_non_null(strstr(r->cols[0].note, "expected a number, got '3r' (line 4)"));
    assert_non_null(note(r, "header: 'id' (column 1) is not like the values below it"));
    done(t, r, before);
}

static void test_prep_header_unsure(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/header_unsure.csv", &r);
    assert_int_equal(r->dialect.header, 1);
    assert_int_equal(r->dialect.header_unsure, 1);
    assert_string_equal(t->names[1], "1");
    assert_int_equal(col(t, "aar")->v.i64[0], 2023);
    assert_int_equal(col(t, "1")->v.i64[1], 3);
    const tg_csv_note *n = note(r, "header kept although '1' (column 2)");
    assert_non_null(n);
    assert_true(n->unusual);
    assert_non_null(strstr(n->text, "header = false"));
    done(t, r, before);
}

/* A pivoted table (Statistikbanken): years name the number columns. */
static void test_prep_header_years(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/header_years.csv", &r);
    assert_int_equal(r->dialect.header, 1);
    assert_int_equal(t->n_rows, 2);
    assert_string_equal(t->names[1], "2021");
    assert_int_equal(col(t, "2022")->v.i64[1], 8);
    assert_string_equal(str(col(t, "kommune"), 0), "Kbh");
    assert_non_null(note(r, "header: the years on line 1 ('2021', column 2) name columns"));
    tg_csv_report_free(r);
    tg_table_release(t);
    /* years above years are data, and a sniffed "no header" is a note a
    ** reader sees (unusual) */
    const char *path = tg_test_tmpfile(".csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("2021;5\n2022;7\n2023;9\n", f);
    fclose(f);
    tg_error err;
    assert_int_equal(tg_csv_read(path, NULL, &t, &r, &err), TG_OK);
    assert_int_equal(r->dialect.header, 0);
    assert_int_equal(t->n_rows, 3);
    assert_true(note(r, "no header: '2021' (column 1) is like the values below it")->unusual);
    unlink(path);
    done(t, r, before);
}

/* ---- point 4: what people export ---- */

static void test_prep_leading_dot(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/leading_dot.csv", &r);
    assert_int_equal(col(t, "a")->type, TG_FLOAT);
    assert_true(col(t, "a")->v.f64[0] == 0.2);
    assert_true(col(t, "a")->v.f64[1] == -0.5);
    done(t, r, before);
}

static void test_prep_comments(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    for (int fast = 0; fast < 2; fast++) {
        tg_csv_opts o;
        tg_csv_opts_init(&o);
        o.no_fast_path = !fast;
        tg_csv_report *r;
        tg_table *t = load_opts("csv/comments.csv", &o, &r);
        assert_int_equal(r->dialect.comment, '#');
        assert_int_equal(t->n_rows, 3);
        assert_string_equal(t->names[0], "id");
        const int64_t id[] = { 1, 2, 3 }, n[] = { 3, 4, 5 };
        for (size_t i = 0; i < 3; i++) {
            assert_int_equal(col(t, "id")->v.i64[i], id[i]);
            assert_int_equal(col(t, "n")->v.i64[i], n[i]);
        }
        assert_string_equal(str(col(t, "navn"), 1), "Bo");
        assert_non_null(note(r, "3 comment line(s) starting with '#' skipped"));
        tg_csv_report_free(r);
        tg_table_release(t);
    }
    /* a bad row after a comment is reported at its own line */
    const char *path = tg_test_tmpfile(".csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# a\nid;n\n1;2\n2;3\n4;5\n5;6\n# b\n# c\n3;x;9\n", f);
    fclose(f);
    tg_table *t = NULL;
    tg_error err;
    assert_int_equal(tg_csv_read(path, NULL, &t, NULL, &err), TG_EDATA);
    assert_int_equal(err.line, 9);
    assert_int_equal(err.col, 3);
    unlink(path);
    tg_test_no_leaks(before);
}

/* Rows starting with '#' that fit the records stay data. */
static void test_prep_hash_data(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/hash_data.csv", &r);
    assert_int_equal(r->dialect.comment, 0);
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(str(col(t, "ticket"), 0), "#12");
    done(t, r, before);
}

static void test_prep_title_line(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/title_line.csv", &r);
    assert_int_equal(r->dialect.n_titles, 1);
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(t->names[1], "navn");
    assert_string_equal(str(col(t, "navn"), 2), "Cy");
    assert_int_equal(col(t, "n")->v.i64[0], 3);
    assert_non_null(note(r, "1 title line(s) above the header skipped (\"Udtræk fra Sensum den "
                            "01-03-2024\")"));
    tg_csv_report_free(r);
    tg_table_release(t);
    /* skip = 2 says it; an error's line counts the skipped lines */
    tg_csv_opts o;
    tg_csv_opts_init(&o);
    o.dialect.skip = 2;
    t = load_opts("csv/title_line.csv", &o, &r);
    assert_int_equal(t->n_rows, 3);
    assert_int_equal(col(t, "id")->v.i64[2], 3);
    assert_non_null(note(r, "2 line(s) skipped (skip = 2)"));
    tg_csv_report_free(r);
    tg_table_release(t);
    o.dialect.skip = 1; /* the blank line 2 is skipped anyway */
    o.types = (tg_csv_coltype[]){ { "n", TG_DATE, NULL } };
    o.n_types = 1;
    tg_error err = load_error("csv/title_line.csv", &o, TG_EDATA);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.col, 3);
    tg_test_no_leaks(before);
}

static void test_prep_trailing_delimiter(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    const char *names[] = { "csv/trailing_every.csv", "csv/trailing_header.csv" };
    for (int i = 0; i < 2; i++) {
        for (int fast = 0; fast < 2; fast++) {
            tg_csv_opts o;
            tg_csv_opts_init(&o);
            o.no_fast_path = !fast;
            tg_csv_report *r;
            tg_table *t = load_opts(names[i], &o, &r);
            assert_int_equal(r->dialect.trailing, i ? 1 : 2);
            assert_int_equal(t->n_cols, 3);
            assert_int_equal(t->n_rows, 3);
            assert_string_equal(t->names[2], "n");
            assert_int_equal(col(t, "n")->v.i64[2], 5);
            assert_string_equal(str(col(t, "navn"), 1), "Bo");
            assert_non_null(note(r, i ? "a delimiter ends the header line only"
                                      : "a delimiter ends every line"));
            tg_csv_report_free(r);
            tg_table_release(t);
        }
    }
    /* a value in the last column anywhere in the sample keeps the column */
    const char *path = tg_test_tmpfile(".csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("id;n;\n1;2;\n3;4;x\n5;6;\n", f);
    fclose(f);
    tg_table *t = NULL;
    tg_csv_report *r = NULL;
    tg_error err;
    assert_int_equal(tg_csv_read(path, NULL, &t, &r, &err), TG_OK);
    assert_int_equal(r->dialect.trailing, 0);
    assert_int_equal(t->n_cols, 3);
    assert_string_equal(str(col(t, "column3"), 1), "x");
    assert_false(tg_col_is_valid(col(t, "column3"), 0));
    tg_csv_report_free(r);
    tg_table_release(t);
    unlink(path);
    tg_test_no_leaks(before);
}

/* ISO beside m/d/Y is two sources: text with a note, not a failed load;
** the same shape read day- and month-first stays an error (test_csv.c). */
static void test_prep_dates_mixed(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/dates_mixed_iso_mdy.csv", &r);
    assert_int_equal(col(t, "dato")->type, TG_STRING);
    assert_string_equal(str(col(t, "dato"), 0), "2024-03-01");
    assert_string_equal(str(col(t, "dato"), 2), "03/13/2024");
    assert_string_equal(r->cols[0].note, "read as text: the dates mix formats, '03/13/2024' among "
                                         "%Y-%m-%d dates (types fixes one) (line 4)");
    assert_non_null(col(t, "dato")->note);
    tg_csv_report_free(r);
    tg_table_release(t);
    /* an explicit type still fails on the other format */
    tg_csv_opts o;
    tg_csv_opts_init(&o);
    o.types = (tg_csv_coltype[]){ { "dato", TG_DATE, NULL } };
    o.n_types = 1;
    tg_error err = load_error("csv/dates_mixed_iso_mdy.csv", &o, TG_EDATA);
    assert_int_equal(err.line, 4);
    tg_test_no_leaks(before);
}

/* UTF-16 is sniffed twice (raw, then transcoded): the title, the comment
** and the encoding's reason survive both. */
static void test_prep_utf16_title_comment(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/utf16_title_comment.csv", &r);
    assert_int_equal(r->dialect.encoding, TG_ENC_UTF16LE);
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(str(col(t, "navn"), 0), "Åse");
    assert_int_equal(col(t, "id")->v.i64[2], 3);
    assert_string_equal(r->notes[0].text, "encoding utf-16le from its byte-order mark");
    assert_non_null(note(r, "1 comment line(s)"));
    assert_non_null(note(r, "1 title line(s) above the header skipped (\"Udtræk fra X\")"));
    done(t, r, before);
}

/* Spaces and tabs around unquoted fields are trimmed, as docs/csv.md
** says, but never the delimiter: a tab-separated file keeps its empty
** fields and its columns in place. */
static void test_prep_tabs(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    for (int fast = 0; fast < 2; fast++) {
        tg_csv_opts o;
        tg_csv_opts_init(&o);
        o.no_fast_path = !fast;
        tg_csv_report *r;
        tg_table *t = load_opts("csv/tabs_around.csv", &o, &r);
        assert_string_equal(str(col(t, "navn"), 0), "Anna");
        assert_string_equal(str(col(t, "by"), 0), "Kbh");
        tg_csv_report_free(r);
        tg_table_release(t);
        t = load_opts("csv/tabs_empty.tsv", &o, &r);
        assert_int_equal(r->dialect.delim, '\t');
        assert_int_equal(t->n_cols, 3);
        assert_int_equal(col(t, "a")->v.i64[0], 1);
        assert_false(tg_col_is_valid(col(t, "b"), 0));
        assert_int_equal(col(t, "c")->v.i64[0], 3);
        assert_false(tg_col_is_valid(col(t, "a"), 1));
        assert_int_equal(col(t, "b")->v.i64[1], 5);
        tg_csv_report_free(r);
        tg_table_release(t);
    }
    tg_test_no_leaks(before);
}

/* ---- point 5: the routine decisions are in the notes too ---- */

static void test_prep_routine_notes(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_csv_report *r;
    tg_table *t = load("csv/comma.csv", &r);
    assert_int_equal(r->n_notes, 3);
    assert_string_equal(r->notes[0].text,
                        "encoding utf-8: the bytes are valid UTF-8; encoding overrides");
    assert_string_equal(r->notes[1].text,
                        "delimiter ',': 4 of 4 records looked at have 5 fields; sep overrides");
    assert_non_null(strstr(r->notes[2].text, "header: "));
    for (size_t i = 0; i < r->n_notes; i++) assert_false(r->notes[i].unusual);
    done(t, r, before);
}

/* ---- point 7: 1 and 2 threads give the same table ---- */

static void assert_same(const tg_table *a, const tg_table *b) {
    assert_int_equal(a->n_cols, b->n_cols);
    assert_int_equal(a->n_rows, b->n_rows);
    for (size_t k = 0; k < a->n_cols; k++) {
        const tg_col *x = a->cols[k], *y = b->cols[k];
        assert_string_equal(a->names[k], b->names[k]);
        assert_int_equal(x->type, y->type);
        for (size_t i = 0; i < a->n_rows; i++) {
            assert_int_equal(tg_col_is_valid(x, i), tg_col_is_valid(y, i));
            if (!tg_col_is_valid(x, i)) continue;
            if (x->type == TG_STRING) assert_string_equal(str(x, i), str(y, i));
            else if (x->type == TG_INT) assert_int_equal(x->v.i64[i], y->v.i64[i]);
            else if (x->type == TG_FLOAT) assert_memory_equal(&x->v.f64[i], &y->v.f64[i], 8);
        }
    }
}

/* A file over the 8 MiB split size: a title line, '#' comments between
** records, quoted fields with newlines (so split points land inside them),
** and the line end given ("\n" or a bare "\r"). */
static const char *write_big(const char *eol, size_t rows) {
    const char *path = tg_test_tmpfile(".csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "Udtræk fra Sensum den 01-03-2024%s%s", eol, eol);
    fprintf(f, "id;tekst;beloeb%s", eol);
    for (size_t i = 0; i < rows; i++) {
        if (i % 1000 == 7) fprintf(f, "# kommentar %zu%s", i, eol);
        if (i % 5 == 0)
            fprintf(f, "%zu;\"linje et%slinje to; og \"\"tre\"\"\";%zu,%02zu%s", i, eol, i % 977,
                    i % 100, eol);
        else fprintf(f, "%zu;enkel tekst %zu;%zu,%02zu%s", i, i % 97, i % 977, i % 100, eol);
    }
    long size = ftell(f);
    fclose(f);
    assert_true(size > 9L << 20); /* above the 8 MiB below which one thread reads */
    return path;
}

static void test_prep_threads_same(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    const char *eols[] = { "\n", "\r" };
    for (int e = 0; e < 2; e++) {
        const size_t rows = 340000;
        const char *path = write_big(eols[e], rows);
        tg_table *t[2] = { NULL, NULL };
        tg_csv_report *r[2] = { NULL, NULL };
        for (int k = 0; k < 2; k++) {
            tg_csv_opts o;
            tg_csv_opts_init(&o);
            o.threads = k + 1;
            tg_error err;
            if (tg_csv_read(path, &o, &t[k], &r[k], &err) != TG_OK) fail_msg("%s", err.msg);
        }
        assert_int_equal(t[0]->n_rows, rows);
        assert_same(t[0], t[1]);
        assert_int_equal(col(t[0], "id")->v.i64[rows - 1], (int64_t)rows - 1);
        assert_string_equal(str(col(t[1], "tekst"), 5), e ? "linje et\rlinje to; og \"tre\""
                                                          : "linje et\nlinje to; og \"tre\"");
        assert_true(col(t[1], "beloeb")->v.f64[6] == 6.06);
        assert_non_null(note(r[1], "340 comment line(s)"));
        assert_non_null(note(r[1], "1 title line(s)"));
        for (int k = 0; k < 2; k++) {
            tg_table_release(t[k]);
            tg_csv_report_free(r[k]);
        }
        unlink(path);
    }
    tg_test_no_leaks(before);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prep_header_empty_collides),
        cmocka_unit_test(test_prep_cr_only),
        cmocka_unit_test(test_prep_cr_mixed),
        cmocka_unit_test(test_prep_cr_error_line),
        cmocka_unit_test(test_prep_header_open_quote),
        cmocka_unit_test(test_prep_after_quote_strict),
        cmocka_unit_test(test_prep_after_quote_lenient),
        cmocka_unit_test(test_prep_after_quote_multiline),
        cmocka_unit_test(test_prep_backslash_escape),
        cmocka_unit_test(test_prep_gzip),
        cmocka_unit_test(test_prep_gzip_cut),
        cmocka_unit_test(test_prep_refused_formats),
        cmocka_unit_test(test_prep_kind),
        cmocka_unit_test(test_prep_rewrite),
        cmocka_unit_test(test_prep_header_mixed_column),
        cmocka_unit_test(test_prep_header_unsure),
        cmocka_unit_test(test_prep_header_years),
        cmocka_unit_test(test_prep_leading_dot),
        cmocka_unit_test(test_prep_comments),
        cmocka_unit_test(test_prep_hash_data),
        cmocka_unit_test(test_prep_title_line),
        cmocka_unit_test(test_prep_trailing_delimiter),
        cmocka_unit_test(test_prep_dates_mixed),
        cmocka_unit_test(test_prep_utf16_title_comment),
        cmocka_unit_test(test_prep_tabs),
        cmocka_unit_test(test_prep_head),
        cmocka_unit_test(test_prep_routine_notes),
        cmocka_unit_test(test_prep_threads_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
