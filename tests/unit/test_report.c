/*
** test_report.c -- the report's modules on their own: tg_svg's escaping and
** number text, tg_report_html on odd documents that pass the shape check
** (missing keys, empty series, text where numbers belong: a report, never
** a crash), and out of memory at every allocation leaking nothing.
** tests/report/check_report.py checks the HTML of real documents.
*/
#include "tg_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg_brand.h"
#include "tg_gchart.h"
#include "tg_json.h"
#include "tg_mem.h"
#include "tg_report.h"
#include "tg_rnum.h"
#include "tg_sbuf.h"
#include "tg_svg.h"

static void test_svg_text_and_numbers(void **state) {
    tg_sbuf b = { 0 };
    (void)state;
    tg_svg_text(&b, 12.0, 0.05, "end", "tick", "<a & 'b'> \"c\"");
    tg_svg_line(&b, -0.04, 1e3, 2.25, 7.75, NULL);
    assert_false(b.oom);
    /* one decimal, rounded half away from zero; "12" for 12.0; "0" for -0.04 */
    assert_string_equal(b.p, "<text x=\"12\" y=\"0.1\" text-anchor=\"end\" class=\"tick\">"
                             "&lt;a &amp; &#39;b&#39;&gt; &quot;c&quot;</text>\n"
                             "<line x1=\"0\" y1=\"1000\" x2=\"2.3\" y2=\"7.8\"/>\n");
    tg_free(b.p);
}

/* The report's numbers: tg_fmt_da's Danish form with a real minus sign,
** a sign on changes, none on a change that rounds to zero. */
static void test_rnum_danish(void **state) {
    static const tg_rnum share = { 100, 1, " %", " pp", 0 }, kr = { 1, 0, " kr.", " kr.", 0 },
                         rate = { 1, 1, "", "", 1 };
    char buf[TG_RNUM_MAX];
    (void)state;
    tg_rnum_value(&share, 0.4097127595792228, buf);
    assert_string_equal(buf, "41,0 %");
    tg_rnum_change(&share, -0.06033649889334802, buf);
    assert_string_equal(buf, "\xe2\x88\x92"
                             "6,0 pp");
    tg_rnum_change(&share, 0.02, buf);
    assert_string_equal(buf, "+2,0 pp");
    tg_rnum_change(&share, -0.0004, buf); /* -0,04 pp rounds to zero: no sign */
    assert_string_equal(buf, "0,0 pp");
    tg_rnum_value(&kr, 5786.4, buf);
    assert_string_equal(buf, "5.786 kr.");
    tg_rnum_value(&kr, -1234567.5, buf);
    assert_string_equal(buf, "\xe2\x88\x92"
                             "1.234.568 kr.");
    tg_rnum_change(&rate, 0.9496, buf);
    assert_string_equal(buf, "×0,95");
    tg_rnum_value(&rate, NAN, buf);
    assert_string_equal(buf, "");
}

static tg_json *parse(const char *text);

/* WCAG 2.1's contrast ratio: black on white is 21:1, #767676 the lightest
** grey with 4.5:1 on white, #777777 just below it. */
static void test_brand_contrast(void **state) {
    (void)state;
    assert_true(fabs(tg_brand_contrast("#000000", "#ffffff") - 21) < 1e-9);
    assert_true(fabs(tg_brand_contrast("#FFFFFF", "#ffffff") - 1) < 1e-9);
    assert_true(tg_brand_contrast("#767676", "#ffffff") >= 4.5);
    assert_true(tg_brand_contrast("#777777", "#ffffff") < 4.5);
    assert_true(fabs(tg_brand_contrast("#ffffff", "#00557f") -
                     tg_brand_contrast("#00557f", "#ffffff")) < 1e-12);
}

/* Periods and dates in Danish words; what is not one stays as it is. */
static void test_rnum_periods(void **state) {
    static const char *const cases[][2] = {
        { "\"2021K4\"", "4. kvt. 2021" },
        { "\"2024-03\"", "marts 2024" },
        { "\"2026-12-07\"", "7. december 2026" },
        { "\"2025-01-31\"", "31. januar 2025" },
        { "2019", "2019" },
        { "\"2021K5\"", "2021K5" },
        { "\"2024-13\"", "2024-13" },
        { "\"2024-02-00\"", "2024-02-00" },
        { "\"DSV-01\"", "DSV-01" },
        { "null", "–" },
    };
    char buf[TG_RNUM_MAX], text[64];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "{\"p\": %s}", cases[i][0]);
        tg_json *row = parse(text);
        tg_rnum_period(row, "p", buf);
        assert_string_equal(buf, cases[i][1]);
        tg_json_free(row);
    }
    tg_rnum_time("2026-12-07T18:16:36Z", buf);
    assert_string_equal(buf, "7. december 2026 kl. 18.16.36 UTC");
    tg_rnum_time("2026-12-07 18:16", buf); /* not the document's form: as it is */
    assert_string_equal(buf, "2026-12-07 18:16");
    tg_rnum_time("2026-13-07T18:16:36Z", buf);
    assert_string_equal(buf, "2026-13-07T18:16:36Z");
}

static tg_json *parse(const char *text) {
    tg_json *doc = NULL;
    tg_error err;
    assert_int_equal(tg_json_parse(text, strlen(text), &doc, &err), TG_OK);
    return doc;
}

static size_t count(const char *s, const char *what) {
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p++) n++;
    return n;
}

/* Documents that pass tg_indsum_check but lack most of what a run writes. */
static void test_report_odd_documents(void **state) {
    static const char *const docs[] = {
        "{\"indicators\": []}",
        "{\"indicators\": [{\"title\": \"T\", \"series\": [], \"verdicts\": []}]}",
        "{\"indicators\": [{\"title\": \"T\", \"series\": [{}, {\"value\": \"x\"}], "
        "\"verdicts\": [{}]}], \"meta\": 3}",
        "{\"indicators\": [{\"title\": \"T\", \"by\": null, \"period\": \"p\", \"kind\": 7, "
        "\"series\": [{\"p\": [1], \"value\": 1e300, \"lo\": -1e300, \"hi\": 2, "
        "\"target\": \"t\"}, {\"p\": 2, \"value\": 5, \"suppressed\": true}], "
        "\"verdicts\": [{\"verdict\": 1, \"change\": 1e300, \"baseline_period\": [2]}]}], "
        "\"meta\": {\"inputs\": [1, {\"rows\": \"x\"}]}}",
        "{\"indicators\": [{\"title\": \"G\", \"by\": [\"g\", 4], \"series\": [{}], "
        "\"verdicts\": [{\"g\": {\"a\": 1}}, {}]}]}",
        /* a funnel with odd steps and reasons: its chart and the reasons' chart */
        "{\"indicators\": [{\"title\": \"F\", \"by\": [\"trin\"], \"period\": \"p\", "
        "\"series\": [{\"trin\": \"1_a\", \"p\": 1, \"value\": 0.5, \"lo\": 0.4, \"hi\": \"x\"}, "
        "{\"trin\": 3, \"p\": 1, \"value\": 2}], \"verdicts\": [{\"trin\": \"1_a\"}, {\"trin\": "
        "3}], "
        "\"details\": {\"s\": 5, \"r\": [{\"p\": 1, \"x\": \"a_b\", \"n\": null}, "
        "{\"p\": 1, \"x\": 5, \"n\": 3}, {\"p\": 1, \"n\": -1e300}]}}]}",
        /* a budget with a text target and a row with none */
        "{\"indicators\": [{\"title\": \"B\", \"by\": [\"t\"], \"period\": \"p\", "
        "\"flag_deviation\": 5, \"per\": 100, \"series\": [{\"t\": \"a\", \"p\": 1, \"value\": 90, "
        "\"target\": 95, \"flag\": true}, {\"t\": \"b\", \"p\": 1, \"value\": 1e300, "
        "\"target\": \"x\"}], \"verdicts\": [{\"t\": \"a\"}, {\"t\": \"b\"}, {\"t\": \"c\"}]}]}",
        /* not indicators: a scenario with holes and a forecast without groups or history */
        "{\"s\": [{\"aar\": 2026, \"doegntakst_p5\": \"x\", \"doegntakst_p50\": null, "
        "\"doegntakst_p95\": 1}, {\"aar\": 2027, \"doegntakst_p5\": 1, \"doegntakst_p50\": 2, "
        "\"doegntakst_p95\": 3}], \"f\": [{\"t\": \"2026-01\", \"h\": 1, \"point\": 1, "
        "\"lo95\": 0, \"hi95\": 2}], \"meta\": 1}",
    };
    static const int charts[] = { 0, 0, 1, 1, 0, 2, 1, 2 };
    (void)state;
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        tg_json *doc = parse(docs[i]);
        char *html = tg_report_html(doc);
        assert_non_null(html);
        assert_int_equal(count(html, "<html"), 1);
        assert_int_equal(count(html, "</html>"), 1);
        /* a chart only where there is a series with periods */
        assert_int_equal(count(html, "<svg"), charts[i]);
        tg_free(html);
        tg_json_free(doc);
    }
}

/* A series longer than any fixed buffer: one band and one line through
** every point, and a target through every row. */
static void test_chart_long_series(void **state) {
    tg_sbuf src = { 0 };
    (void)state;
    tg_sbuf_str(&src, "{\"indicators\": [{\"title\": \"L\", \"period\": \"p\", \"series\": [");
    for (int i = 0; i < 700; i++)
        tg_sbuf_printf(&src, "%s{\"p\": %d, \"value\": %d, \"lo\": %d, \"hi\": %d, \"target\": 5}",
                       i ? "," : "", i, i % 10, i % 10 - 1, i % 10 + 1);
    tg_sbuf_str(&src, "], \"verdicts\": []}]}");
    assert_false(src.oom);
    tg_json *doc = parse(src.p);
    char *html = tg_report_html(doc);
    assert_non_null(html);
    assert_int_equal(count(html, "<circle"), 700);
    assert_int_equal(count(html, "class=\"band\""), 1);
    assert_int_equal(count(html, "class=\"value\""), 1);
    const char *line = strstr(html, "<polyline points=\"");
    assert_non_null(line);
    size_t pairs = 0;
    for (const char *q = line; *q != '/'; q++) pairs += *q == ',';
    assert_int_equal(pairs, 700);
    assert_int_equal(count(html, "class=\"target\""), 1);
    tg_free(html);
    tg_json_free(doc);
    tg_free(src.p);
}

static const char *fixture =
    "{\"indicators\": [{\"title\": \"Andel\", \"strategy\": \"kbh\", \"kind\": \"proportion\", "
    "\"period\": \"aar\", \"by\": [], \"comparable_from\": 2020, "
    "\"series\": [{\"aar\": 2019, \"value\": 0.47, \"lo\": 0.45, \"hi\": 0.49, "
    "\"suppressed\": false}, {\"aar\": 2020, \"value\": null, \"suppressed\": true}, "
    "{\"aar\": 2021, \"value\": 0.41, \"lo\": 0.39, \"hi\": 0.43, \"target\": 0.4, "
    "\"suppressed\": false}], \"verdicts\": [{\"baseline_period\": 2019, "
    "\"latest_period\": 2021, \"change\": -0.06, \"change_lo\": -0.08, \"change_hi\": -0.04, "
    "\"verdict\": \"improved\"}]}, {\"title\": \"Pr. tilbud\", \"strategy\": \"regsj\", "
    "\"by\": [\"tilbud\"], \"series\": [], \"verdicts\": [{\"tilbud\": \"A\", "
    "\"verdict\": \"worse\"}, {\"tilbud\": \"\xc3\x85\", \"verdict\": \"improved\"}, "
    "{\"tilbud\": \"\xc3\x86\", \"verdict\": \"improved\"}]}], \"meta\": {\"inputs\": [{\"path\": "
    "\"a.csv\", "
    "\"sha256\": \"ab\", \"rows\": 12345}]}}";

static tg_status render(void *ctx) {
    char *html = tg_report_html(ctx);
    if (!html) return TG_ENOMEM;
    assert_non_null(strstr(html, "<td class=\"num\">47,0 %</td>"));
    assert_non_null(strstr(html, "\xe2\x88\x92"
                                 "6,0 pp"));
    assert_non_null(strstr(html, "12.345"));
    /* Danish order: A, Æ, Å (bytes put Å before Æ) */
    const char *a = strstr(html, ">A</th>"), *ae = strstr(html, ">\xc3\x86</th>"),
               *aa = strstr(html, ">\xc3\x85</th>");
    assert_true(a && ae && aa && a < ae && ae < aa);
    tg_free(html);
    return TG_OK;
}

static void test_report_out_of_memory(void **state) {
    tg_json *doc = parse(fixture);
    (void)state;
    assert_true(tg_test_oom_loop(render, doc) > 2);
    tg_json_free(doc);
}

/* Every chart kind: dots, budget, funnel with reasons; a document of tables. */
static const char *const every_chart[] = {
    "{\"indicators\": [{\"title\": \"D\", \"by\": [\"t\"], \"period\": \"p\", \"series\": "
    "[{\"t\": \"\xc3\x85\", \"p\": 1, \"value\": 0.5, \"lo\": 0.4, \"hi\": 0.6}, {\"t\": \"B\", "
    "\"p\": 1, \"value\": 0.3}], \"verdicts\": [{\"t\": \"\xc3\x85\", \"baseline_period\": 1}, "
    "{\"t\": \"B\"}]}, {\"title\": \"B\", \"by\": [\"t\"], \"period\": \"p\", "
    "\"flag_deviation\": 5, \"per\": 100, \"series\": [{\"t\": \"a\", \"p\": 1, \"value\": 90, "
    "\"target\": 95, \"flag\": true}], \"verdicts\": [{\"t\": \"a\"}]}, {\"title\": \"F\", "
    "\"by\": [\"trin\"], \"period\": \"p\", \"series\": [{\"trin\": \"1_a\", \"p\": 1, "
    "\"value\": 0.5, \"lo\": 0.4, \"hi\": 0.6}], \"verdicts\": [{\"trin\": \"1_a\"}], "
    "\"details\": {\"r\": [{\"p\": 1, \"x\": \"a_b\", \"n\": 4}, {\"p\": 1, \"x\": \"c\", "
    "\"n\": null}]}}]}",
    "{\"s\": [{\"g\": \"A\", \"aar\": 2026, \"doegntakst_p5\": 1, \"doegntakst_p50\": 2, "
    "\"doegntakst_p95\": 3}, {\"g\": \"B\", \"aar\": 2026, \"doegntakst_p5\": 1, "
    "\"doegntakst_p50\": 2, \"doegntakst_p95\": 3}], \"f\": [{\"g\": \"A\", \"t\": \"2026-01\", "
    "\"h\": 1, \"point\": 1, \"lo80\": 0.5, \"hi80\": 1.5, \"lo95\": 0, \"hi95\": 2}], "
    "\"hist\": [{\"g\": \"A\", \"t\": \"2025-12\", \"v\": 1}]}",
};

static tg_status render_any(void *ctx) {
    char *html = tg_report_html(ctx);
    if (!html) return TG_ENOMEM;
    assert_true(count(html, "<svg") >= 3);
    tg_free(html);
    return TG_OK;
}

static void test_report_charts_out_of_memory(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof every_chart / sizeof *every_chart; i++) {
        tg_json *doc = parse(every_chart[i]);
        assert_true(tg_test_oom_loop(render_any, doc) > 2);
        tg_json_free(doc);
    }
}

/* tg_gchart_rows answers as tg_gchart_row's scan does, for every verdict
** row and period: the first of two rows with the same key wins, 1 and "1"
** are the same text, a missing group value is "–", and group texts that
** join to the same string ("a" "bc", "ab" "c") stay apart. */
static const char gchart_rows_doc[] =
    "{\"period\": \"aar\", \"by\": [\"t\", \"k\"], \"series\": ["
    "{\"aar\": 2024, \"t\": \"a\", \"k\": \"bc\", \"value\": 1},"
    "{\"aar\": 2024, \"t\": \"ab\", \"k\": \"c\", \"value\": 2},"
    "{\"aar\": 2024, \"t\": \"a\", \"k\": \"bc\", \"value\": 3},"
    "{\"aar\": 2025, \"t\": 1, \"k\": \"x\", \"value\": 4},"
    "{\"aar\": \"2025\", \"t\": \"2\", \"value\": 5},"
    "{\"aar\": 2025, \"t\": \"a\", \"k\": \"bc\", \"value\": 6}],"
    "\"verdicts\": [{\"t\": \"a\", \"k\": \"bc\"}, {\"t\": \"ab\", \"k\": \"c\"},"
    "{\"t\": \"1\", \"k\": \"x\"}, {\"t\": 2}, {\"t\": \"a\"}, {\"t\": \"abc\", \"k\": \"\"}]}";

static void test_gchart_rows_index(void **state) {
    static const char *const periods[] = { "2024", "2025", "2026", "" };
    /* the value of the row each verdict finds in 2024 and 2025, 0 for none */
    static const int want[6][2] = { { 1, 6 }, { 2, 0 }, { 0, 4 }, { 0, 5 }, { 0, 0 }, { 0, 0 } };
    tg_json *ind = parse(gchart_rows_doc);
    const tg_json *vs = tg_json_get(ind, "verdicts");
    tg_gchart_rows *ix = tg_gchart_rows_new(ind);
    (void)state;
    assert_non_null(ix);
    for (size_t i = 0; i < tg_json_len(vs); i++) {
        const tg_json *v = tg_json_at(vs, i);
        for (size_t p = 0; p < sizeof periods / sizeof *periods; p++) {
            const tg_json *row = tg_gchart_rows_find(ix, v, periods[p]);
            assert_ptr_equal(row, tg_gchart_row(ind, v, periods[p]));
            if (p < 2) assert_int_equal(row ? (int)tg_json_num_at(row, "value") : 0, want[i][p]);
        }
    }
    tg_gchart_rows_free(ix);
    tg_json_free(ind);
}

static tg_status index_rows(void *ctx) {
    tg_gchart_rows *ix = tg_gchart_rows_new(ctx);
    if (!ix) return TG_ENOMEM;
    tg_gchart_rows_free(ix);
    return TG_OK;
}

static void test_gchart_rows_out_of_memory(void **state) {
    tg_json *ind = parse(gchart_rows_doc);
    (void)state;
    assert_true(tg_test_oom_loop(index_rows, ind) > 2);
    tg_json_free(ind);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svg_text_and_numbers),
        cmocka_unit_test(test_rnum_danish),
        cmocka_unit_test(test_rnum_periods),
        cmocka_unit_test(test_brand_contrast),
        cmocka_unit_test(test_report_odd_documents),
        cmocka_unit_test(test_chart_long_series),
        cmocka_unit_test_teardown(test_report_out_of_memory, tg_test_disarm),
        cmocka_unit_test_teardown(test_report_charts_out_of_memory, tg_test_disarm),
        cmocka_unit_test(test_gchart_rows_index),
        cmocka_unit_test_teardown(test_gchart_rows_out_of_memory, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
