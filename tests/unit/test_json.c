/*
** test_json.c -- JSON trees and their text. Expected documents are written
** by hand; as a second method every document is parsed back with jansson
** (tg_json_parse), which also checks that what we write is valid JSON and
** valid UTF-8, and the values it reads are compared with the inputs
** (floats bit for bit). A table written through tg_json_table must give the
** same bytes as the same rows built node by node.
*/
#include "tg_test.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_json.h"
#include "tg_mem.h"
#include "tg_table.h"

/* Dumps, compares with 'want', frees. */
static void assert_dump(const tg_json *v, int indent, const char *want) {
    char *got = tg_json_dump(v, indent);
    assert_non_null(got);
    assert_string_equal(got, want);
    tg_free(got);
}

static tg_json *parse_ok(const char *text) {
    tg_json *v = NULL;
    tg_error err;
    tg_err_clear(&err);
    tg_status st = tg_json_parse(text, strlen(text), &v, &err);
    if (st != TG_OK) fail_msg("parse failed: %s (%d:%d)", err.msg, err.line, err.col);
    return v;
}

static void test_json_scalars(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_json *v = tg_json_null();
    assert_dump(v, 0, "null");
    tg_json_free(v);
    v = tg_json_bool(7);
    assert_dump(v, 0, "true");
    assert_int_equal(tg_json_bool_value(v), 1);
    tg_json_free(v);
    v = tg_json_bool(0);
    assert_dump(v, 2, "false");
    tg_json_free(v);
    v = tg_json_int(INT64_MIN);
    assert_dump(v, 0, "-9223372036854775808");
    tg_json_free(v);
    v = tg_json_real(NAN, -1);
    assert_dump(v, 0, "null");
    tg_json_free(v);
    v = tg_json_real(-INFINITY, 2);
    assert_dump(v, 0, "null");
    tg_json_free(v);
    v = tg_json_real(2.675, 2);
    assert_dump(v, 0, "2.68");
    tg_json_free(v);
    v = tg_json_real(0.47, 4);
    assert_dump(v, 0, "0.47");
    tg_json_free(v);
    v = tg_json_str(NULL, 0);
    assert_dump(v, 0, "\"\"");
    tg_json_free(v);
    tg_json_free(NULL);
    tg_test_no_leaks(blocks);
}

static void test_json_escaping(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const char in[] = "a\"b\\c\nd\te\x01\x1f\x7f/æøå€😀\0z\b\f\r";
    tg_json *v = tg_json_str(in, sizeof in - 1);
    assert_dump(v, 0, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f\x7f/æøå€😀\\u0000z\\b\\f\\r\"");
    char *text = tg_json_dump(v, 0);
    tg_json_free(v);

    /* jansson reads back the same bytes, NUL included */
    v = parse_ok(text);
    size_t len;
    const char *s = tg_json_str_value(v, &len);
    assert_int_equal(len, sizeof in - 1);
    assert_memory_equal(s, in, len);
    tg_json_free(v);
    tg_free(text);

    /* every control character has an escape jansson accepts */
    char ctl[32];
    for (int c = 0; c < 32; c++) ctl[c] = (char)c;
    v = tg_json_str(ctl, sizeof ctl);
    text = tg_json_dump(v, 0);
    tg_json_free(v);
    assert_non_null(strstr(text, "\\u0000\\u0001"));
    assert_non_null(strstr(text, "\\u001e\\u001f\""));
    v = parse_ok(text);
    s = tg_json_str_value(v, &len);
    assert_int_equal(len, 32);
    assert_memory_equal(s, ctl, 32);
    tg_json_free(v);
    tg_free(text);
    tg_test_no_leaks(blocks);
}

static void test_json_invalid_utf8(void **state) {
    (void)state;
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        { "a\xff"
          "b",
          "\"a\xEF\xBF\xBD"
          "b\"" },
        { "\xc3", "\"\xEF\xBF\xBD\"" },                                 /* cut off */
        { "\xc0\xaf", "\"\xEF\xBF\xBD\xEF\xBF\xBD\"" },                 /* overlong '/' */
        { "\xed\xa0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"" }, /* surrogate */
        { "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },                 /* U+10FFFF is fine */
        { "\xf4\x90\x80\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"" },
        { "\xe2\x82x", "\"\xEF\xBF\xBD\xEF\xBF\xBDx\"" },
        { "\xe2\x82\xac", "\"\xe2\x82\xac\"" }, /* € */
    };
    size_t blocks = tg_mem_blocks();
    for (size_t i = 0; i < TG_ARRAY_LEN(cases); i++) {
        tg_json *v = tg_json_str(cases[i].in, strlen(cases[i].in));
        assert_dump(v, 0, cases[i].want);
        char *text = tg_json_dump(v, 0);
        tg_json_free(v);
        tg_json_free(parse_ok(text)); /* jansson rejects invalid UTF-8 */
        tg_free(text);
    }
    tg_test_no_leaks(blocks);
}

static void test_json_floats(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const double vals[] = { 0.1,
                            1e21,
                            5e-324,
                            2.675,
                            -0.0,
                            1.0 / 3.0,
                            9223372036854775808.0,
                            1e-7,
                            1.7976931348623157e308,
                            3.0,
                            -1.5,
                            1e20 };
    tg_json *arr = tg_json_array();
    for (size_t i = 0; i < TG_ARRAY_LEN(vals); i++)
        assert_int_equal(tg_json_push_take(arr, tg_json_real(vals[i], -1), NULL), TG_OK);
    assert_int_equal(tg_json_push_take(arr, tg_json_int(INT64_MAX), NULL), TG_OK);
    assert_int_equal(tg_json_push_take(arr, tg_json_int(INT64_MIN), NULL), TG_OK);
    assert_int_equal(tg_json_push_take(arr, tg_json_int(0), NULL), TG_OK);
    assert_dump(arr, 0,
                "[0.1,1e+21,5e-324,2.675,0.0,0.3333333333333333,9223372036854776000.0,1e-7,"
                "1.7976931348623157e+308,3.0,-1.5,100000000000000000000.0,"
                "9223372036854775807,-9223372036854775808,0]");

    char *text = tg_json_dump(arr, 0);
    tg_json *back = parse_ok(text);
    assert_int_equal(tg_json_len(back), TG_ARRAY_LEN(vals) + 3);
    for (size_t i = 0; i < TG_ARRAY_LEN(vals); i++) {
        const tg_json *x = tg_json_at(back, i);
        assert_int_equal(tg_json_kind_of(x), TG_JSON_REAL); /* a float stays a float */
        double want = vals[i] == 0 ? 0.0 : vals[i];         /* -0.0 is written 0.0 */
        assert_memory_equal(&(double){ tg_json_real_value(x) }, &want, sizeof want);
    }
    assert_int_equal(tg_json_kind_of(tg_json_at(back, TG_ARRAY_LEN(vals))), TG_JSON_INT);
    assert_true(tg_json_int_value(tg_json_at(back, TG_ARRAY_LEN(vals))) == INT64_MAX);
    assert_true(tg_json_int_value(tg_json_at(back, TG_ARRAY_LEN(vals) + 1)) == INT64_MIN);
    /* written again, the parsed tree gives the same bytes */
    assert_dump(back, 0, text);
    tg_json_free(back);
    tg_free(text);
    tg_json_free(arr);

    arr = tg_json_array();
    const double rounded[] = { 2.675, 1.005, 0.125, -0.125, 9.995, -0.004, 3297.456 };
    for (size_t i = 0; i < TG_ARRAY_LEN(rounded); i++)
        assert_int_equal(tg_json_push_take(arr, tg_json_real(rounded[i], 2), NULL), TG_OK);
    assert_dump(arr, 0, "[2.68,1.01,0.13,-0.13,10.0,0.0,3297.46]");
    tg_json_free(arr);
    tg_test_no_leaks(blocks);
}

static void test_json_key_order(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_json *obj = tg_json_object();
    assert_int_equal(tg_json_set_take(obj, "z", tg_json_int(1), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "a", tg_json_int(2), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "æ", tg_json_int(3), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "B", tg_json_int(4), NULL), TG_OK);
    assert_dump(obj, 0, "{\"z\":1,\"a\":2,\"æ\":3,\"B\":4}");
    /* a repeated key keeps its place */
    assert_int_equal(tg_json_set_take(obj, "a", tg_json_str("x", 1), NULL), TG_OK);
    assert_dump(obj, 0, "{\"z\":1,\"a\":\"x\",\"æ\":3,\"B\":4}");
    assert_int_equal(tg_json_len(obj), 4);
    assert_string_equal(tg_json_key(obj, 1), "a");
    assert_int_equal(tg_json_int_value(tg_json_get(obj, "æ")), 3);
    assert_null(tg_json_get(obj, "q"));

    /* parsed back, jansson keeps document order */
    char *text = tg_json_dump(obj, 0);
    tg_json *back = parse_ok(text);
    assert_dump(back, 0, text);
    tg_json_free(back);
    tg_free(text);

    /* sorted by bytes: 'B' (0x42) < 'a' < 'z' < 'æ' (0xC3 0xA6) */
    tg_json_sort_keys(obj);
    assert_dump(obj, 0, "{\"B\":4,\"a\":\"x\",\"z\":1,\"æ\":3}");
    tg_json_free(obj);
    tg_test_no_leaks(blocks);
}

static void test_json_pretty(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_json *obj = tg_json_object(), *list = tg_json_array(), *nested = tg_json_object();
    assert_int_equal(tg_json_push_take(list, tg_json_int(1), NULL), TG_OK);
    assert_int_equal(tg_json_push_take(list, tg_json_real(2.5, -1), NULL), TG_OK);
    assert_int_equal(tg_json_push_take(list, tg_json_null(), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(nested, "a", tg_json_bool(1), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "name", tg_json_str("x", 1), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "list", list, NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "empty", tg_json_object(), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "e2", tg_json_array(), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "nested", nested, NULL), TG_OK);
    assert_dump(obj, 0,
                "{\"name\":\"x\",\"list\":[1,2.5,null],\"empty\":{},\"e2\":[],"
                "\"nested\":{\"a\":true}}");
    assert_dump(obj, 2,
                "{\n"
                "  \"name\": \"x\",\n"
                "  \"list\": [\n"
                "    1,\n"
                "    2.5,\n"
                "    null\n"
                "  ],\n"
                "  \"empty\": {},\n"
                "  \"e2\": [],\n"
                "  \"nested\": {\n"
                "    \"a\": true\n"
                "  }\n"
                "}");
    tg_json_free(obj);
    tg_test_no_leaks(blocks);
}

/* id int, takst float, ok bool, dato date, kommune string; NULLs in each. */
static tg_table *sample_table(void) {
    tg_table *t = tg_table_new();
    tg_col *id = tg_col_new(TG_INT, 0, NULL), *takst = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *ok = tg_col_new(TG_BOOL, 0, NULL), *dato = tg_col_new(TG_DATE, 0, NULL);
    tg_col *kommune = tg_col_new(TG_STRING, 0, NULL);
    assert_true(t && id && takst && ok && dato && kommune);

    assert_int_equal(tg_col_push_i64(id, 1), TG_OK);
    assert_int_equal(tg_col_push_null(id), TG_OK);
    assert_int_equal(tg_col_push_i64(id, -3), TG_OK);
    assert_int_equal(tg_col_push_i64(id, INT64_MAX), TG_OK);

    assert_int_equal(tg_col_push_f64(takst, 3297.46), TG_OK);
    assert_int_equal(tg_col_push_f64(takst, 0.1), TG_OK);
    assert_int_equal(tg_col_push_null(takst), TG_OK);
    assert_int_equal(tg_col_push_f64(takst, NAN), TG_OK);

    assert_int_equal(tg_col_push_bool(ok, 1), TG_OK);
    assert_int_equal(tg_col_push_bool(ok, 0), TG_OK);
    assert_int_equal(tg_col_push_null(ok), TG_OK);
    assert_int_equal(tg_col_push_bool(ok, 1), TG_OK);

    assert_int_equal(tg_col_push_date(dato, tg_date_from_ymd(2024, 3, 1)), TG_OK);
    assert_int_equal(tg_col_push_null(dato), TG_OK);
    assert_int_equal(tg_col_push_date(dato, -1), TG_OK); /* 1969-12-31 */
    assert_int_equal(tg_col_push_date(dato, tg_date_from_ymd(2000, 2, 29)), TG_OK);

    assert_int_equal(tg_col_push_str(kommune, "Høje-Taastrup", strlen("Høje-Taastrup")), TG_OK);
    assert_int_equal(tg_col_push_str(kommune, "say \"hi\"\n", 9), TG_OK);
    assert_int_equal(tg_col_push_null(kommune), TG_OK);
    assert_int_equal(tg_col_push_str(kommune, "æøå", strlen("æøå")), TG_OK);

    assert_int_equal(tg_table_add(t, "id", id), TG_OK);
    assert_int_equal(tg_table_add(t, "takst", takst), TG_OK);
    assert_int_equal(tg_table_add(t, "ok", ok), TG_OK);
    assert_int_equal(tg_table_add(t, "dato", dato), TG_OK);
    assert_int_equal(tg_table_add(t, "kommune", kommune), TG_OK);
    tg_col_release(id);
    tg_col_release(takst);
    tg_col_release(ok);
    tg_col_release(dato);
    tg_col_release(kommune);
    return t;
}

static const char sample_json[] =
    "[{\"id\":1,\"takst\":3297.46,\"ok\":true,\"dato\":\"2024-03-01\",\"kommune\":\"Høje-"
    "Taastrup\"},"
    "{\"id\":null,\"takst\":0.1,\"ok\":false,\"dato\":null,\"kommune\":\"say \\\"hi\\\"\\n\"},"
    "{\"id\":-3,\"takst\":null,\"ok\":null,\"dato\":\"1969-12-31\",\"kommune\":null},"
    "{\"id\":9223372036854775807,\"takst\":null,\"ok\":true,\"dato\":\"2000-02-29\","
    "\"kommune\":\"æøå\"}]";

/* The same rows built node by node, as a binding would without tg_json_table. */
static tg_json *sample_by_hand(int decimals) {
    tg_json *rows = tg_json_array();
    const char *names[] = { "id", "takst", "ok", "dato", "kommune" };
    tg_json *cells[4][5] = {
        { tg_json_int(1), tg_json_real(3297.46, decimals), tg_json_bool(1),
          tg_json_str("2024-03-01", 10), tg_json_str("Høje-Taastrup", strlen("Høje-Taastrup")) },
        { tg_json_null(), tg_json_real(0.1, decimals), tg_json_bool(0), tg_json_null(),
          tg_json_str("say \"hi\"\n", 9) },
        { tg_json_int(-3), tg_json_null(), tg_json_null(), tg_json_str("1969-12-31", 10),
          tg_json_null() },
        { tg_json_int(INT64_MAX), tg_json_real(NAN, decimals), tg_json_bool(1),
          tg_json_str("2000-02-29", 10), tg_json_str("æøå", strlen("æøå")) },
    };
    for (int r = 0; r < 4; r++) {
        tg_json *row = tg_json_object();
        for (int j = 0; j < 5; j++)
            assert_int_equal(tg_json_set_take(row, names[j], cells[r][j], NULL), TG_OK);
        assert_int_equal(tg_json_push_take(rows, row, NULL), TG_OK);
    }
    return rows;
}

static void test_json_table(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = sample_table();
    tg_json *v = tg_json_table(t, -1);
    assert_non_null(v);
    assert_int_equal(tg_json_kind_of(v), TG_JSON_TABLE);
    assert_int_equal(tg_json_len(v), 4);
    assert_dump(v, 0, sample_json);

    /* identical bytes to the node-by-node tree, in every layout */
    tg_json *hand = sample_by_hand(-1);
    for (int indent = 0; indent <= 4; indent += 2) {
        char *a = tg_json_dump(v, indent), *b = tg_json_dump(hand, indent);
        assert_string_equal(a, b);
        tg_free(a);
        tg_free(b);
    }
    tg_json_free(hand);

    /* a column added to t afterwards does not show */
    tg_col *extra = tg_col_new(TG_INT, 0, NULL);
    for (int r = 0; r < 4; r++) assert_int_equal(tg_col_push_i64(extra, r), TG_OK);
    assert_int_equal(tg_table_add(t, "extra", extra), TG_OK);
    tg_col_release(extra);
    assert_dump(v, 0, sample_json);

    /* parsed back: values per cell */
    char *text = tg_json_dump(v, 2);
    tg_json *back = parse_ok(text);
    assert_int_equal(tg_json_len(back), 4);
    const tg_json *row1 = tg_json_at(back, 1);
    assert_int_equal(tg_json_kind_of(tg_json_get(row1, "id")), TG_JSON_NULL);
    assert_true(tg_json_real_value(tg_json_get(row1, "takst")) == 0.1);
    assert_string_equal(tg_json_str_value(tg_json_get(row1, "kommune"), NULL), "say \"hi\"\n");
    assert_string_equal(tg_json_key(row1, 4), "kommune");
    assert_true(tg_json_int_value(tg_json_get(tg_json_at(back, 3), "id")) == INT64_MAX);
    assert_string_equal(tg_json_str_value(tg_json_get(tg_json_at(back, 2), "dato"), NULL),
                        "1969-12-31");
    tg_json_free(back);
    tg_free(text);
    tg_json_free(v);

    /* rounded floats */
    v = tg_json_table(t, 0);
    text = tg_json_dump(v, 0);
    assert_non_null(strstr(text, "\"takst\":3297.0,"));
    assert_non_null(strstr(text, "\"takst\":0.0,"));
    tg_free(text);
    tg_json_free(v);

    /* an empty table, and a table inside a document */
    tg_table *empty = tg_table_new();
    v = tg_json_table(empty, -1);
    assert_dump(v, 0, "[]");
    assert_dump(v, 2, "[]");
    tg_json_free(v);
    tg_table_release(empty);
    tg_json *doc = tg_json_object();
    tg_table *two = tg_table_take(t, (size_t[]){ 2, 0 }, 2);
    assert_int_equal(tg_json_set_take(doc, "rows", tg_json_table(two, -1), NULL), TG_OK);
    tg_table_release(two);
    assert_dump(doc, 2,
                "{\n"
                "  \"rows\": [\n"
                "    {\n"
                "      \"id\": -3,\n"
                "      \"takst\": null,\n"
                "      \"ok\": null,\n"
                "      \"dato\": \"1969-12-31\",\n"
                "      \"kommune\": null,\n"
                "      \"extra\": 2\n"
                "    },\n"
                "    {\n"
                "      \"id\": 1,\n"
                "      \"takst\": 3297.46,\n"
                "      \"ok\": true,\n"
                "      \"dato\": \"2024-03-01\",\n"
                "      \"kommune\": \"Høje-Taastrup\",\n"
                "      \"extra\": 0\n"
                "    }\n"
                "  ]\n"
                "}");
    tg_json_free(doc);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_json_depth(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_json *v = tg_json_array();
    for (int d = 1; d < TG_JSON_MAX_DEPTH; d++) {
        tg_json *outer = tg_json_array();
        assert_int_equal(tg_json_push_take(outer, v, NULL), TG_OK);
        v = outer;
    }
    char *text = tg_json_dump(v, 0);
    assert_int_equal(strlen(text), 2 * TG_JSON_MAX_DEPTH);
    assert_int_equal(strspn(text, "["), TG_JSON_MAX_DEPTH);
    tg_json *back = parse_ok(text);
    tg_json_free(back);
    tg_free(text);

    tg_error err;
    tg_err_clear(&err);
    tg_json *outer = tg_json_object();
    assert_int_equal(tg_json_set_take(outer, "deep", v, &err), TG_EARG); /* v is freed */
    assert_non_null(strstr(err.msg, "deeper than 1000"));
    assert_int_equal(tg_json_len(outer), 0);
    tg_json_free(outer);

    /* the parser refuses the same depth */
    char deep[2 * (TG_JSON_MAX_DEPTH + 1) + 1];
    memset(deep, '[', TG_JSON_MAX_DEPTH + 1);
    memset(deep + TG_JSON_MAX_DEPTH + 1, ']', TG_JSON_MAX_DEPTH + 1);
    deep[sizeof deep - 1] = '\0';
    assert_int_equal(tg_json_parse(deep, strlen(deep), &back, &err), TG_EARG);
    assert_null(back);
    tg_test_no_leaks(blocks);
}

static void test_json_take_null(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_error err;
    tg_json *arr = tg_json_array(), *obj = tg_json_object();
    assert_int_equal(tg_json_push_take(arr, NULL, &err), TG_ENOMEM);
    assert_int_equal(err.code, TG_ENOMEM);
    assert_int_equal(tg_json_set_take(obj, "k", NULL, NULL), TG_ENOMEM);
    assert_int_equal(tg_json_set_take(obj, "k", tg_json_int(1), NULL), TG_OK);
    assert_int_equal(tg_json_set_take(obj, "k", NULL, NULL), TG_ENOMEM); /* old value stays */
    assert_dump(obj, 0, "{\"k\":1}");
    assert_dump(arr, 0, "[]");
    tg_json_free(arr);
    tg_json_free(obj);
    tg_test_no_leaks(blocks);
}

static void test_json_parse(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_json *v = parse_ok(" [1, 2.5, \"a\\u00e6\", true, null, {\"k\": -0.0, \"e\": 1E2}] ");
    assert_int_equal(tg_json_len(v), 6);
    assert_int_equal(tg_json_kind_of(tg_json_at(v, 0)), TG_JSON_INT);
    assert_int_equal(tg_json_kind_of(tg_json_at(v, 1)), TG_JSON_REAL);
    assert_string_equal(tg_json_str_value(tg_json_at(v, 2), NULL), "aæ");
    assert_int_equal(tg_json_kind_of(tg_json_at(v, 3)), TG_JSON_BOOL);
    assert_int_equal(tg_json_kind_of(tg_json_at(v, 4)), TG_JSON_NULL);
    assert_null(tg_json_at(v, 6));
    assert_null(tg_json_str_value(tg_json_at(v, 0), NULL));
    assert_true(tg_json_real_value(tg_json_at(v, 0)) == 1.0);
    assert_dump(v, 0, "[1,2.5,\"aæ\",true,null,{\"k\":0.0,\"e\":100.0}]");
    tg_json_free(v);

    v = parse_ok("\"just a string\"");
    assert_dump(v, 0, "\"just a string\"");
    tg_json_free(v);

    static const char *bad[] = {
        "{\"a\":1,\"a\":2}",  "[1,]",    "", "1e400", "18446744073709551616",
        "{\n  \"a\": tru\n}", "\"\xff\""
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(bad); i++) {
        tg_error err;
        tg_err_clear(&err);
        v = (tg_json *)1;
        assert_int_equal(tg_json_parse(bad[i], strlen(bad[i]), &v, &err), TG_EDATA);
        assert_null(v);
        assert_true(err.msg[0] != '\0');
        if (i == 5) assert_int_equal(err.line, 2);
    }
    tg_test_no_leaks(blocks);
}

static tg_status cancel_now(void *ud) {
    (void)ud;
    return TG_ECANCEL;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void test_json_write_file(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = sample_table();
    tg_json *doc = tg_json_object();
    assert_int_equal(tg_json_set_take(doc, "rows", tg_json_table(t, -1), NULL), TG_OK);
    const char *path = tg_test_tmpfile(".json");
    char p[1024];
    snprintf(p, sizeof p, "%s", path);

    assert_int_equal(tg_json_write_file(doc, 0, p, NULL, NULL), TG_OK);
    char *want = tg_json_dump(doc, 0);
    char *got = slurp(p);
    assert_non_null(got);
    assert_int_equal(strlen(got), strlen(want) + 1);
    assert_memory_equal(got, want, strlen(want));
    assert_int_equal(got[strlen(want)], '\n');
    tg_free(want);

    /* an interrupt stops a long table and leaves the old file */
    tg_table *big = tg_table_new();
    tg_col *c = tg_col_new(TG_INT, 0, NULL);
    for (int r = 0; r < 3 * TG_VECTOR; r++) assert_int_equal(tg_col_push_i64(c, r), TG_OK);
    assert_int_equal(tg_table_add(big, "n", c), TG_OK);
    tg_col_release(c);
    tg_json *bigv = tg_json_table(big, -1);
    tg_interrupt intr = { cancel_now, NULL };
    tg_error err;
    assert_int_equal(tg_json_write_file(bigv, 0, p, &intr, &err), TG_ECANCEL);
    got = slurp(p);
    assert_int_equal(got[0], '{');
    assert_int_equal(tg_json_write_file(bigv, 0, p, NULL, &err), TG_OK);
    got = slurp(p);
    assert_memory_equal(got, "[{\"n\":0},{\"n\":1},", 17);
    assert_non_null(strstr(got, ",{\"n\":6143}]\n"));

    /* a write that fails halfway (file size limit) leaves the old file */
    struct rlimit lim, old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 20000;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    tg_status st = tg_json_write_file(bigv, 2, p, NULL, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_DFL);
    assert_int_equal(st, TG_EIO);
    assert_non_null(strstr(err.msg, "cannot write"));
    got = slurp(p);
    assert_memory_equal(got, "[{\"n\":0},{\"n\":1},", 17);

    /* a directory that does not exist */
    char missing[1100];
    snprintf(missing, sizeof missing, "%s.d/out.json", p);
    assert_int_equal(tg_json_write_file(doc, 0, missing, NULL, &err), TG_EIO);
    assert_string_equal(err.file, missing);

    remove(p);
    tg_json_free(bigv);
    tg_table_release(big);
    tg_json_free(doc);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- allocation failures ---- */

static tg_status build_and_dump(void *ctx) {
    const tg_table *t = ctx;
    tg_status st;
    tg_json *doc = tg_json_object(), *meta = tg_json_object(), *list = tg_json_array();
    if (!doc || !meta || !list) {
        tg_json_free(doc);
        tg_json_free(meta);
        tg_json_free(list);
        return TG_ENOMEM;
    }
    for (int i = 0; i < 9; i++) {
        if ((st = tg_json_push_take(list, tg_json_real(i / 7.0, i % 3 - 1), NULL)) != TG_OK)
            goto fail;
    }
    if ((st = tg_json_set_take(meta, "script", tg_json_str("belægning.lua", 14), NULL)) ||
        (st = tg_json_set_take(meta, "rows", tg_json_int(4), NULL)) ||
        (st = tg_json_set_take(meta, "ok", tg_json_bool(1), NULL)) ||
        (st = tg_json_set_take(meta, "none", tg_json_null(), NULL)))
        goto fail;
    st = tg_json_set_take(doc, "meta", meta, NULL);
    meta = NULL; /* taken, even on failure */
    if (st != TG_OK) goto fail;
    st = tg_json_set_take(doc, "list", list, NULL);
    list = NULL;
    if (st != TG_OK) goto fail;
    if ((st = tg_json_set_take(doc, "rows", tg_json_table(t, -1), NULL)) != TG_OK) goto fail;
    tg_json_sort_keys(doc);

    char *text = tg_json_dump(doc, 2);
    if (!text) {
        st = TG_ENOMEM;
        goto fail;
    }
    tg_json *back = NULL;
    st = tg_json_parse(text, strlen(text), &back, NULL);
    if (st == TG_OK) {
        char *again = tg_json_dump(back, 2);
        if (!again) st = TG_ENOMEM;
        else if (strcmp(again, text) != 0) st = TG_EDATA; /* not ENOMEM: fails the loop */
        tg_free(again);
    }
    tg_json_free(back);
    tg_free(text);
fail:
    tg_json_free(doc);
    tg_json_free(meta);
    tg_json_free(list);
    return st;
}

struct file_ctx {
    const tg_json *doc;
    const char *path;
    const char *want;
};

static tg_status write_once(void *p) {
    struct file_ctx *c = p;
    FILE *f = fopen(c->path, "wb");
    assert_non_null(f);
    fputs("before", f);
    fclose(f);
    tg_status st = tg_json_write_file(c->doc, 2, c->path, NULL, NULL);
    const char *got = slurp(c->path);
    assert_string_equal(got, st == TG_OK ? c->want : "before");
    return st;
}

static void test_json_oom(void **state) {
    (void)state;
    tg_table *t = sample_table();
    int runs = tg_test_oom_loop(build_and_dump, t);
    assert_true(runs > 30);

    /* writing a file: a failure anywhere leaves the old file */
    tg_json *doc = tg_json_object();
    assert_int_equal(tg_json_set_take(doc, "rows", tg_json_table(t, -1), NULL), TG_OK);
    char *text = tg_json_dump(doc, 2);
    static char want[4096];
    snprintf(want, sizeof want, "%s\n", text);
    tg_free(text);
    char path[1024];
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".json"));
    struct file_ctx c = { doc, path, want };
    assert_true(tg_test_oom_loop(write_once, &c) >= 5);
    remove(path);
    tg_json_free(doc);
    tg_table_release(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_scalars),      cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_json_invalid_utf8), cmocka_unit_test(test_json_floats),
        cmocka_unit_test(test_json_key_order),    cmocka_unit_test(test_json_pretty),
        cmocka_unit_test(test_json_table),        cmocka_unit_test(test_json_depth),
        cmocka_unit_test(test_json_take_null),    cmocka_unit_test(test_json_parse),
        cmocka_unit_test(test_json_write_file),   cmocka_unit_test(test_json_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
