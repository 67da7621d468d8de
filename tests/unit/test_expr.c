/*
** test_expr.c -- expressions on hand-made tables with hand-computed
** answers: rendering, the three-valued truth table, rounding of ±x.5 and
** of 2.675/1.005, floor division, ISO weeks across New Year (checked with
** GNU date +%G-%V-%u), string case and length, casts; every error message
** an analyst can meet (unknown columns with suggestions, type errors, bad
** arguments, overflow, failed casts); bare columns and literals; filters;
** the interrupt poll; and allocation failures across build, eval and
** filter. test_expr_ref.c covers the operators against a reference.
*/
#include "tg_exprb.h"
#include "tg_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_exec.h"
#include "tg_expr.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_par.h"

/* ---- fixtures ---- */

static int32_t day(const char *iso) {
    int32_t d;
    assert_int_equal(tg_date_parse_iso(iso, strlen(iso), &d), 0);
    return d;
}

/* Adds a column to t from text values, one per row; "~" is NULL. */
static void add_col(tg_table *t, const char *name, tg_type type, const char *const *vals,
                    size_t n) {
    tg_col *c = tg_col_new(type, 0, NULL);
    assert_non_null(c);
    for (size_t r = 0; r < n; r++) {
        const char *v = vals[r];
        if (strcmp(v, "~") == 0) {
            assert_int_equal(tg_col_push_null(c), TG_OK);
            continue;
        }
        switch (type) {
        case TG_INT: assert_int_equal(tg_col_push_i64(c, strtoll(v, NULL, 10)), TG_OK); break;
        case TG_FLOAT: assert_int_equal(tg_col_push_f64(c, strtod(v, NULL)), TG_OK); break;
        case TG_BOOL: assert_int_equal(tg_col_push_bool(c, v[0] == 't'), TG_OK); break;
        case TG_DATE: assert_int_equal(tg_col_push_date(c, day(v)), TG_OK); break;
        default: assert_int_equal(tg_col_push_str(c, v, strlen(v)), TG_OK); break;
        }
    }
    assert_int_equal(tg_table_add(t, name, c), TG_OK);
    tg_col_release(c);
}

/* Evaluates e over t and renders every row as text ("~" for NULL), joined
** by '|', so a whole column is compared with one string. */
static void expect_rows(const tg_expr *e, const tg_table *t, const char *want) {
    tg_col *col;
    tg_error err;
    char got[2048] = "", buf[64];
    size_t blocks = tg_mem_blocks();
    tg_status st = tg_exec_eval(e, t, NULL, &col, &err);
    if (st != TG_OK) fail_msg("eval failed: %s", err.msg);
    for (size_t r = 0; r < col->len; r++) {
        if (r) strcat(got, "|");
        if (!tg_col_is_valid(col, r)) {
            strcat(got, "~");
            continue;
        }
        switch (col->type) {
        case TG_INT: tg_fmt_int64(col->v.i64[r], buf); break;
        case TG_FLOAT: tg_num_format_f64(col->v.f64[r], buf); break;
        case TG_BOOL: strcpy(buf, col->v.b8[r] ? "T" : "F"); break;
        case TG_DATE: tg_date_format(col->v.date[r], buf); break;
        default: {
            size_t len;
            const char *s = tg_dict_str(col->dict, col->v.str[r], &len);
            snprintf(buf, sizeof buf, "%.*s", (int)len, s);
        }
        }
        strcat(got, buf);
    }
    tg_col_release(col);
    tg_test_no_leaks(blocks);
    if (strcmp(got, want) != 0) {
        char *text = tg_expr_to_string(e);
        fail_msg("%s:\n got  %s\n want %s", text, got, want);
    }
}

static void expect_error(const tg_expr *e, const tg_table *t, tg_status code, const char *msg) {
    tg_col *col = (tg_col *)1;
    tg_error err;
    size_t blocks = tg_mem_blocks();
    tg_err_clear(&err);
    assert_int_equal(tg_exec_eval(e, t, NULL, &col, &err), code);
    assert_null(col);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, msg);
    tg_test_no_leaks(blocks);
}

/* ---- rendering ---- */

static void test_expr_to_string(void **state) {
    static const struct {
        int k;
        const char *text;
    } cases[] = {
        { 0, "(col(\"takst_kr\") >= 3000)" },
        { 1, "((col(\"status\") == \"belagt\") and between(col(\"dato\"), date(\"2023-01-01\"), "
             "\"2023-12-31\"))" },
        { 2, "round(col(\"x\"), 0, \"half_up\")" },
        { 3, "isin(col(\"s\"), [\"a\", null, 2.5])" },
        { 4, "cast(col(\"x\"), \"int\")" },
        { 5, "try_cast(col(\"x\"), \"date\")" },
        { 6, "(-col(\"x\"))" },
        { 7, "(not col(\"b\"))" },
        { 8, "trunc(year(col(\"d\")), \"month\")" },
        { 9, "\"a\\\"b\\\\c\\x0a\"" },
        { 10, "if_else(true, 3.0, (1 // 2))" },
        { 11, "round(col(\"x\"), -2, \"half_even\")" },
        { 12, "coalesce(col(\"a\"), col(\"b\"), 0.1)" },
    };
    tg_expr *e[13];
    tg_expr *list[3] = { S("a"), keep(tg_expr_null()), F(2.5) };
    (void)state;
    e[0] = Bi(TG_OP_GE, C("takst_kr"), I(3000));
    e[1] = Bi(TG_OP_AND, Bi(TG_OP_EQ, C("status"), S("belagt")),
              keep(tg_expr_between(C("dato"), D("2023-01-01"), S("2023-12-31"))));
    e[2] = keep(tg_expr_round(C("x"), 0, TG_ROUND_HALF_UP));
    e[3] = keep(tg_expr_isin(C("s"), list, 3));
    e[4] = keep(tg_expr_cast(C("x"), TG_INT, 1));
    e[5] = keep(tg_expr_cast(C("x"), TG_DATE, 0));
    e[6] = U(TG_OP_NEG, C("x"));
    e[7] = U(TG_OP_NOT, C("b"));
    e[8] = keep(tg_expr_trunc(U(TG_OP_YEAR, C("d")), TG_UNIT_MONTH));
    e[9] = S("a\"b\\c\n");
    e[10] = keep(tg_expr_if_else(keep(tg_expr_bool(1)), F(3.0), Bi(TG_OP_IDIV, I(1), I(2))));
    e[11] = keep(tg_expr_round(C("x"), -2, TG_ROUND_HALF_EVEN));
    tg_expr *args[3] = { C("a"), C("b"), F(0.1) };
    e[12] = keep(tg_expr_nary(TG_OP_COALESCE, args, 3));
    for (size_t k = 0; k < TG_ARRAY_LEN(cases); k++) {
        char *text = tg_expr_to_string(e[cases[k].k]);
        assert_non_null(text);
        assert_string_equal(text, cases[k].text);
        tg_free(text);
    }
    assert_string_equal(tg_op_name(TG_OP_IS_NULL), "is_null");
    assert_string_equal(tg_op_name(TG_OP_DAYS_IN_MONTH), "days_in_month");
    assert_string_equal(tg_op_name(TG_OP_CONCAT), "concat");
    assert_string_equal(tg_op_name((tg_op)999), "?");
    release_pool();
}

/* ---- values ---- */

static void test_expr_truth_table(void **state) {
    /* all nine pairs of true, false and NULL */
    static const char *const p[] = { "t", "t", "t", "f", "f", "f", "~", "~", "~" };
    static const char *const q[] = { "t", "f", "~", "t", "f", "~", "t", "f", "~" };
    tg_table *t = tg_table_new();
    (void)state;
    add_col(t, "p", TG_BOOL, p, 9);
    add_col(t, "q", TG_BOOL, q, 9);
    expect_rows(Bi(TG_OP_AND, C("p"), C("q")), t, "T|F|~|F|F|F|~|F|~");
    expect_rows(Bi(TG_OP_OR, C("p"), C("q")), t, "T|T|T|T|F|~|T|~|~");
    expect_rows(U(TG_OP_NOT, C("p")), t, "F|F|F|T|T|T|~|~|~");
    expect_rows(U(TG_OP_IS_NULL, C("q")), t, "F|F|T|F|F|T|F|F|T");
    expect_rows(U(TG_OP_NOT_NULL, C("q")), t, "T|T|F|T|T|F|T|T|F");
    /* the literals behave as the columns do */
    expect_rows(Bi(TG_OP_AND, C("p"), keep(tg_expr_null())), t, "~|~|~|F|F|F|~|~|~");
    expect_rows(Bi(TG_OP_OR, C("p"), keep(tg_expr_null())), t, "T|T|T|~|~|~|~|~|~");
    expect_rows(Bi(TG_OP_AND, C("p"), keep(tg_expr_bool(1))), t, "T|T|T|F|F|F|~|~|~");
    /* filter keeps only true rows */
    size_t *idx, n;
    assert_int_equal(tg_exec_filter(Bi(TG_OP_OR, C("p"), C("q")), t, NULL, &idx, &n, NULL), TG_OK);
    assert_int_equal(n, 5);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[3], 3);
    assert_int_equal(idx[4], 6);
    tg_free(idx);
    tg_table_release(t);
    release_pool();
}

static void test_expr_rounding_hand(void **state) {
    static const char *const x[] = { "2.5",    "-2.5",  "0.5",   "-0.5",   "1.5",   "3297.5",
                                     "3296.5", "2.675", "1.005", "-1.005", "0.125", "~" };
    static const char *const k[] = { "1250", "-1250", "1350", "1249", "-1251", "~" };
    tg_table *t = tg_table_new(), *ti = tg_table_new();
    (void)state;
    add_col(t, "x", TG_FLOAT, x, TG_ARRAY_LEN(x));
    add_col(ti, "k", TG_INT, k, TG_ARRAY_LEN(k));
    expect_rows(keep(tg_expr_round(C("x"), 0, TG_ROUND_HALF_UP)), t,
                "3.0|-3.0|1.0|-1.0|2.0|3298.0|3297.0|3.0|1.0|-1.0|0.0|~");
    expect_rows(keep(tg_expr_round(C("x"), 0, TG_ROUND_HALF_EVEN)), t,
                "2.0|-2.0|0.0|0.0|2.0|3298.0|3296.0|3.0|1.0|-1.0|0.0|~");
    /* to two decimals the decimal text decides: 2.675 -> 2.68, 1.005 -> 1.01 */
    expect_rows(keep(tg_expr_round(C("x"), 2, TG_ROUND_HALF_UP)), t,
                "2.5|-2.5|0.5|-0.5|1.5|3297.5|3296.5|2.68|1.01|-1.01|0.13|~");
    expect_rows(keep(tg_expr_round(C("x"), 2, TG_ROUND_HALF_EVEN)), t,
                "2.5|-2.5|0.5|-0.5|1.5|3297.5|3296.5|2.68|1.0|-1.0|0.12|~");
    expect_rows(keep(tg_expr_round(C("k"), -2, TG_ROUND_HALF_UP)), ti,
                "1300|-1300|1400|1200|-1300|~");
    expect_rows(keep(tg_expr_round(C("k"), -2, TG_ROUND_HALF_EVEN)), ti,
                "1200|-1200|1400|1200|-1300|~");
    expect_rows(keep(tg_expr_round(C("k"), 2, TG_ROUND_HALF_UP)), ti,
                "1250|-1250|1350|1249|-1251|~");
    expect_rows(U(TG_OP_FLOOR, C("x")), t,
                "2.0|-3.0|0.0|-1.0|1.0|3297.0|3296.0|2.0|1.0|-2.0|0.0|~");
    expect_rows(U(TG_OP_CEIL, C("x")), t, "3.0|-2.0|1.0|0.0|2.0|3298.0|3297.0|3.0|2.0|-1.0|1.0|~");
    expect_rows(U(TG_OP_ABS, C("k")), ti, "1250|1250|1350|1249|1251|~");
    /* round keeps the type: an int column rounded is still int */
    tg_type type;
    assert_int_equal(
        tg_exec_type(keep(tg_expr_round(C("k"), -1, TG_ROUND_HALF_UP)), ti, NULL, &type, NULL),
        TG_OK);
    assert_int_equal(type, TG_INT);
    tg_table_release(t);
    tg_table_release(ti);
    release_pool();
}

static void test_expr_division_hand(void **state) {
    static const char *const a[] = { "-7", "7", "-7", "7", "7", "~", "9223372036854775807" };
    static const char *const b[] = { "2", "-2", "-2", "0", "2", "2", "1" };
    static const char *const x[] = { "7.5", "-7.5", "7.5", "-7.5", "1", "~", "0" };
    static const char *const y[] = { "2", "2", "-2", "-2", "0", "1", "-0" };
    tg_table *t = tg_table_new();
    (void)state;
    add_col(t, "a", TG_INT, a, 7);
    add_col(t, "b", TG_INT, b, 7);
    add_col(t, "x", TG_FLOAT, x, 7);
    add_col(t, "y", TG_FLOAT, y, 7);
    expect_rows(Bi(TG_OP_IDIV, C("a"), C("b")), t, "-4|-4|3|~|3|~|9223372036854775807");
    expect_rows(Bi(TG_OP_MOD, C("a"), C("b")), t, "1|-1|-1|~|1|~|0");
    expect_rows(Bi(TG_OP_DIV, C("a"), C("b")), t, "-3.5|-3.5|3.5|~|3.5|~|9223372036854776000.0");
    expect_rows(Bi(TG_OP_IDIV, C("x"), C("y")), t, "3.0|-4.0|-4.0|3.0|~|~|~");
    expect_rows(Bi(TG_OP_MOD, C("x"), C("y")), t, "1.5|0.5|-0.5|-1.5|~|~|~");
    expect_rows(Bi(TG_OP_DIV, C("x"), I(0)), t, "~|~|~|~|~|~|~");
    expect_rows(Bi(TG_OP_SUB, C("a"), C("x")), t,
                "-14.5|14.5|-14.5|14.5|6.0|~|9223372036854776000.0");
    expect_rows(U(TG_OP_NEG, C("a")), t, "7|-7|7|-7|-7|~|-9223372036854775807");
    tg_table_release(t);
    release_pool();
}

static void test_expr_dates_hand(void **state) {
    static const char *const d[] = { "2020-12-31", "2021-01-01", "2021-01-03", "2021-01-04",
                                     "2024-12-29", "2024-12-30", "2025-12-31", "2026-01-01",
                                     "2027-01-01", "2027-01-04", "2024-03-15", "~" };
    static const char *const m[] = { "2024-02-10", "2023-02-10", "2000-02-01", "1900-02-01",
                                     "2024-04-30", "2024-11-20", "9999-12-31" };
    tg_table *t = tg_table_new(), *tm = tg_table_new();
    (void)state;
    add_col(t, "d", TG_DATE, d, TG_ARRAY_LEN(d));
    add_col(tm, "m", TG_DATE, m, TG_ARRAY_LEN(m));
    /* GNU date +%G-%V-%u gave these */
    expect_rows(U(TG_OP_ISOWEEK, C("d")), t, "53|53|53|1|52|1|1|1|53|1|11|~");
    expect_rows(U(TG_OP_ISOYEAR, C("d")), t,
                "2020|2020|2020|2021|2024|2025|2026|2026|2026|2027|2024|~");
    expect_rows(U(TG_OP_WEEKDAY, C("d")), t, "4|5|7|1|7|1|3|4|5|1|5|~");
    expect_rows(U(TG_OP_YEAR, C("d")), t,
                "2020|2021|2021|2021|2024|2024|2025|2026|2027|2027|2024|~");
    expect_rows(keep(tg_expr_trunc(C("d"), TG_UNIT_WEEK)), t,
                "2020-12-28|2020-12-28|2020-12-28|2021-01-04|2024-12-23|2024-12-30|2025-12-29|"
                "2025-12-29|2026-12-28|2027-01-04|2024-03-11|~");
    expect_rows(U(TG_OP_DAYS_IN_MONTH, C("m")), tm, "29|28|29|28|30|30|31");
    expect_rows(U(TG_OP_QUARTER, C("m")), tm, "1|1|1|1|2|4|4");
    expect_rows(U(TG_OP_MONTH, C("m")), tm, "2|2|2|2|4|11|12");
    expect_rows(U(TG_OP_DAY, C("m")), tm, "10|10|1|1|30|20|31");
    expect_rows(keep(tg_expr_trunc(C("m"), TG_UNIT_MONTH)), tm,
                "2024-02-01|2023-02-01|2000-02-01|1900-02-01|2024-04-01|2024-11-01|9999-12-01");
    expect_rows(keep(tg_expr_trunc(C("m"), TG_UNIT_QUARTER)), tm,
                "2024-01-01|2023-01-01|2000-01-01|1900-01-01|2024-04-01|2024-10-01|9999-10-01");
    expect_rows(keep(tg_expr_trunc(C("m"), TG_UNIT_YEAR)), tm,
                "2024-01-01|2023-01-01|2000-01-01|1900-01-01|2024-01-01|2024-01-01|9999-01-01");
    expect_rows(Bi(TG_OP_SUB, C("m"), I(1)), tm,
                "2024-02-09|2023-02-09|2000-01-31|1900-01-31|2024-04-29|2024-11-19|9999-12-30");
    expect_rows(Bi(TG_OP_SUB, C("m"), D("2024-02-01")), tm, "9|-356|-8766|-45290|89|293|2913142");
    /* 9999-12-31 + 19 leaves the calendar */
    expect_error(Bi(TG_OP_ADD, I(19), C("m")), tm, TG_EDATA,
                 "date out of range (years 1-9999) in (19 + col(\"m\")) at row 7");
    tg_table_release(t);
    tg_table_release(tm);
    release_pool();
}

static void test_expr_strings_hand(void **state) {
    static const char *const s[] = { "æble", "ÆØÅ Høje", "Høje-Taastrup", "", "x×y÷z", "~" };
    static const char *const n[] = { "1", "-2", "~", "4", "5", "6" };
    tg_table *t = tg_table_new();
    (void)state;
    add_col(t, "s", TG_STRING, s, 6);
    add_col(t, "n", TG_INT, n, 6);
    expect_rows(U(TG_OP_UPPER, C("s")), t, "ÆBLE|ÆØÅ HØJE|HØJE-TAASTRUP||X×Y÷Z|~");
    expect_rows(U(TG_OP_LOWER, C("s")), t, "æble|æøå høje|høje-taastrup||x×y÷z|~");
    expect_rows(U(TG_OP_LEN, C("s")), t, "4|8|13|0|5|~");
    expect_rows(Bi(TG_OP_CONTAINS, C("s"), S("øj")), t, "F|T|T|F|F|~");
    expect_rows(Bi(TG_OP_STARTS_WITH, C("s"), S("Hø")), t, "F|F|T|F|F|~");
    expect_rows(Bi(TG_OP_ENDS_WITH, C("s"), S("")), t, "T|T|T|T|T|~");
    expect_rows(Bi(TG_OP_GT, C("s"), S("H")), t, "T|T|T|F|T|~"); /* bytes: 'æ' (C3 A6) > 'H' */
    tg_expr *parts[5] = { C("s"), S("/"), C("n"), F(2.5), keep(tg_expr_bool(1)) };
    expect_rows(keep(tg_expr_nary(TG_OP_CONCAT, parts, 5)), t,
                "æble/12.5true|ÆØÅ Høje/-22.5true|~|/42.5true|x×y÷z/52.5true|~");
    expect_rows(Bi(TG_OP_EQ, U(TG_OP_UPPER, C("s")), S("ÆBLE")), t, "T|F|F|F|F|~");
    tg_table_release(t);
    release_pool();
}

static void test_expr_casts_hand(void **state) {
    static const char *const f[] = { "2.7", "-2.7", "1e19", "-0.5", "~" };
    static const char *const s[] = {
        "0800", " 42 ", "12.5", "ja", "2024-02-29", "2023-02-29", "~"
    };
    tg_table *t = tg_table_new(), *ts = tg_table_new();
    (void)state;
    add_col(t, "f", TG_FLOAT, f, 5);
    add_col(ts, "s", TG_STRING, s, 7);
    expect_rows(keep(tg_expr_cast(C("f"), TG_INT, 0)), t, "2|-2|~|0|~");
    expect_error(keep(tg_expr_cast(C("f"), TG_INT, 1)), t, TG_EDATA,
                 "cannot cast 10000000000000000000.0 to int (out of range) in cast(col(\"f\"), "
                 "\"int\") at row 3");
    expect_rows(keep(tg_expr_cast(C("f"), TG_STRING, 1)), t,
                "2.7|-2.7|10000000000000000000.0|-0.5|~");
    expect_rows(keep(tg_expr_cast(C("f"), TG_BOOL, 1)), t, "T|T|T|T|~");
    expect_rows(keep(tg_expr_cast(C("s"), TG_INT, 0)), ts, "800|42|~|~|~|~|~");
    expect_error(keep(tg_expr_cast(C("s"), TG_INT, 1)), ts, TG_EDATA,
                 "cannot cast '12.5' to int in cast(col(\"s\"), \"int\") at row 3");
    expect_rows(keep(tg_expr_cast(C("s"), TG_FLOAT, 0)), ts, "800.0|42.0|12.5|~|~|~|~");
    expect_rows(keep(tg_expr_cast(C("s"), TG_DATE, 0)), ts, "~|~|~|~|2024-02-29|~|~");
    expect_rows(keep(tg_expr_cast(C("s"), TG_BOOL, 0)), ts, "~|~|~|T|~|~|~");
    expect_rows(keep(tg_expr_cast(keep(tg_expr_cast(C("s"), TG_DATE, 0)), TG_INT, 1)), ts,
                "~|~|~|~|19782|~|~");
    expect_rows(keep(tg_expr_cast(I(19782), TG_DATE, 1)), ts,
                "2024-02-29|2024-02-29|2024-02-29|2024-02-29|2024-02-29|2024-02-29|2024-02-29");
    expect_rows(keep(tg_expr_cast(keep(tg_expr_bool(1)), TG_STRING, 1)), t,
                "true|true|true|true|true");
    expect_rows(keep(tg_expr_cast(keep(tg_expr_null()), TG_INT, 1)), t, "~|~|~|~|~");
    tg_table_release(t);
    tg_table_release(ts);
    release_pool();
}

/* ---- errors ---- */

static tg_table *error_table(void) {
    static const char *const takst[] = { "3297.5", "3000", "2999.99" };
    static const char *const kommune[] = { "Høje-Taastrup", "Aarhus", "~" };
    static const char *const dato[] = { "2023-01-01", "2023-12-31", "2024-01-01" };
    static const char *const antal[] = { "1", "2", "3" };
    static const char *const big[] = { "0", "~", "9223372036854775807" };
    tg_table *t = tg_table_new();
    add_col(t, "takst_kr", TG_FLOAT, takst, 3);
    add_col(t, "kommune", TG_STRING, kommune, 3);
    add_col(t, "status", TG_STRING, kommune, 3);
    add_col(t, "dato", TG_DATE, dato, 3);
    add_col(t, "antal", TG_INT, antal, 3);
    add_col(t, "big", TG_INT, big, 3);
    return t;
}

static void test_expr_errors(void **state) {
    tg_table *t = error_table();
    tg_expr *lits[1];
    (void)state;
    expect_error(Bi(TG_OP_GE, C("takst_k"), I(3000)), t, TG_EARG,
                 "no column 'takst_k'; did you mean 'takst_kr'?");
    expect_error(U(TG_OP_YEAR, C("kommue")), t, TG_EARG,
                 "no column 'kommue'; did you mean 'kommune'?");
    expect_error(C("xyz"), t, TG_EARG, "no column 'xyz'");
    expect_error(
        Bi(TG_OP_EQ, C("kommune"), I(3000)), t, TG_EARG,
        "cannot compare string column 'kommune' with a number in (col(\"kommune\") == 3000)");
    expect_error(Bi(TG_OP_LT, S("x"), C("antal")), t, TG_EARG,
                 "cannot compare a string with int column 'antal' in (\"x\" < col(\"antal\"))");
    expect_error(Bi(TG_OP_EQ, C("dato"), C("kommune")), t, TG_EARG,
                 "cannot compare date column 'dato' with string column 'kommune' in "
                 "(col(\"dato\") == col(\"kommune\"))");
    expect_error(Bi(TG_OP_EQ, Bi(TG_OP_ADD, C("antal"), I(1)), S("x")), t, TG_EARG,
                 "cannot compare int expression (col(\"antal\") + 1) with a string in "
                 "((col(\"antal\") + 1) == \"x\")");
    expect_error(
        Bi(TG_OP_ADD, C("kommune"), I(1)), t, TG_EARG,
        "cannot apply '+' to string column 'kommune' and a number in (col(\"kommune\") + 1)");
    expect_error(
        Bi(TG_OP_MUL, C("kommune"), I(1)), t, TG_EARG,
        "cannot apply '*' to string column 'kommune' and a number in (col(\"kommune\") * 1)");
    expect_error(Bi(TG_OP_DIV, C("dato"), I(1)), t, TG_EARG,
                 "cannot apply '/' to date column 'dato' and a number in (col(\"dato\") / 1)");
    expect_error(Bi(TG_OP_IDIV, C("dato"), I(1)), t, TG_EARG,
                 "cannot apply '//' to date column 'dato' and a number in (col(\"dato\") // 1)");
    expect_error(Bi(TG_OP_MOD, keep(tg_expr_bool(1)), I(1)), t, TG_EARG,
                 "cannot apply '%' to a bool and a number in (true % 1)");
    expect_error(Bi(TG_OP_EQ, keep(tg_expr_bool(1)), D("2024-01-01")), t, TG_EARG,
                 "cannot compare a bool with a date in (true == date(\"2024-01-01\"))");
    expect_error(keep(tg_expr_between(S("2023-05-01"), C("kommune"), C("dato"))), t, TG_EARG,
                 "cannot compare date column 'dato' with string column 'kommune' in "
                 "between(\"2023-05-01\", col(\"kommune\"), col(\"dato\"))");
    expect_error(Bi(TG_OP_SUB, I(1), C("dato")), t, TG_EARG,
                 "cannot apply '-' to a number and date column 'dato' in (1 - col(\"dato\"))");
    expect_error(U(TG_OP_YEAR, C("antal")), t, TG_EARG,
                 "year() needs a date, got int column 'antal' in year(col(\"antal\"))");
    expect_error(U(TG_OP_LOWER, C("antal")), t, TG_EARG,
                 "lower() needs a string, got int column 'antal' in lower(col(\"antal\"))");
    expect_error(U(TG_OP_NEG, C("dato")), t, TG_EARG,
                 "neg() needs a number, got date column 'dato' in (-col(\"dato\"))");
    expect_error(Bi(TG_OP_AND, C("antal"), keep(tg_expr_bool(1))), t, TG_EARG,
                 "'and' needs bools, got int column 'antal' in (col(\"antal\") and true)");
    expect_error(
        keep(tg_expr_round(C("takst_kr"), 16, TG_ROUND_HALF_UP)), t, TG_EARG,
        "round() takes -18 to 15 digits, got 16 in round(col(\"takst_kr\"), 16, \"half_up\")");
    lits[0] = C("big");
    expect_error(keep(tg_expr_isin(C("antal"), lits, 1)), t, TG_EARG,
                 "isin() takes a list of literals in isin(col(\"antal\"), [col(\"big\")])");
    lits[0] = S("2023-13-01");
    expect_error(keep(tg_expr_isin(C("dato"), lits, 1)), t, TG_EARG,
                 "'2023-13-01' is not a date (expected YYYY-MM-DD) in "
                 "isin(col(\"dato\"), [\"2023-13-01\"])");
    lits[0] = keep(tg_expr_date(-800000));
    expect_error(
        keep(tg_expr_isin(C("dato"), lits, 1)), t, TG_EARG,
        "date literal out of range (years 1-9999) in isin(col(\"dato\"), [date(-800000)])");
    lits[0] = S("x");
    expect_error(
        keep(tg_expr_isin(C("antal"), lits, 1)), t, TG_EARG,
        "cannot compare int column 'antal' with a string in isin(col(\"antal\"), [\"x\"])");
    expect_error(Bi(TG_OP_CONTAINS, C("kommune"), C("status")), t, TG_EARG,
                 "contains() needs a string literal to look for in "
                 "contains(col(\"kommune\"), col(\"status\"))");
    expect_error(
        Bi(TG_OP_EQ, C("dato"), S("2023-13-01")), t, TG_EARG,
        "'2023-13-01' is not a date (expected YYYY-MM-DD) in (col(\"dato\") == \"2023-13-01\")");
    expect_error(
        Bi(TG_OP_COALESCE, C("antal"), S("x")), t, TG_EARG,
        "cannot combine int column 'antal' with a string in coalesce(col(\"antal\"), \"x\")");
    expect_error(keep(tg_expr_if_else(C("antal"), I(1), I(2))), t, TG_EARG,
                 "if_else() needs a bool condition, got int column 'antal' in "
                 "if_else(col(\"antal\"), 1, 2)");
    expect_error(keep(tg_expr_cast(C("dato"), TG_FLOAT, 1)), t, TG_EARG,
                 "cannot cast date to float in cast(col(\"dato\"), \"float\")");
    expect_error(keep(tg_expr_null()), t, TG_EARG,
                 "cannot tell the type of null here; cast it, e.g. cast(null, \"int\") in null");
    expect_error(
        Bi(TG_OP_ADD, keep(tg_expr_null()), keep(tg_expr_null())), t, TG_EARG,
        "cannot tell the type of null here; cast it, e.g. cast(null, \"int\") in (null + null)");
    expect_error(Bi(TG_OP_EQ, C("dato"), keep(tg_expr_date(5000000))), t, TG_EARG,
                 "date literal out of range (years 1-9999) in date(5000000)");
    expect_error(Bi(TG_OP_ADD, C("big"), I(1)), t, TG_EDATA,
                 "integer overflow in (col(\"big\") + 1) at row 3");
    expect_error(Bi(TG_OP_MUL, C("antal"), C("big")), t, TG_EDATA,
                 "integer overflow in (col(\"antal\") * col(\"big\")) at row 3");

    /* tg_exec_type reports the same, and the type when there is one */
    tg_type type;
    tg_error err;
    assert_int_equal(tg_exec_type(C("xyz"), t, NULL, &type, &err), TG_EARG);
    assert_string_equal(err.msg, "no column 'xyz'");
    assert_int_equal(tg_exec_type(Bi(TG_OP_DIV, C("antal"), I(2)), t, NULL, &type, NULL), TG_OK);
    assert_int_equal(type, TG_FLOAT);
    assert_int_equal(tg_exec_type(Bi(TG_OP_SUB, C("dato"), C("dato")), t, NULL, &type, NULL),
                     TG_OK);
    assert_int_equal(type, TG_INT);
    assert_int_equal(tg_exec_type(Bi(TG_OP_FILL_NULL, C("kommune"), S("?")), t, NULL, &type, NULL),
                     TG_OK);
    assert_int_equal(type, TG_STRING);

    /* filter: the predicate must be a bool */
    size_t *idx = (size_t *)1, n = 7;
    assert_int_equal(tg_exec_filter(C("antal"), t, NULL, &idx, &n, &err), TG_EARG);
    assert_string_equal(err.msg, "the predicate must be a bool, got int in col(\"antal\")");
    assert_null(idx);
    assert_int_equal(n, 0);
    assert_int_equal(tg_exec_filter(Bi(TG_OP_EQ, C("kommune"), I(1)), t, NULL, &idx, &n, &err),
                     TG_EARG);
    assert_string_equal(
        err.msg, "cannot compare string column 'kommune' with a number in (col(\"kommune\") == 1)");
    tg_table_release(t);
    release_pool();
}

/* ---- bare columns, literals, filters ---- */

/* A tree deeper than TG_EXPR_MAX_DEPTH: refused by every walk that
** recurses (typing, evaluating, filtering, rendering) with a clear error,
** and freed without recursion. 300,000 levels overflowed the 8 MiB stack
** in tg_expr_release and in the compiler. */
static void test_expr_too_deep(void **state) {
    (void)state;
    size_t before = tg_mem_blocks();
    tg_table *t = error_table();
    tg_expr *one = tg_expr_int(1), *e = tg_expr_col("antal");
    tg_error err;
    tg_col *col = NULL;
    tg_type type;
    size_t *idx = NULL, n = 0;
    assert_non_null(one);
    assert_non_null(e);
    for (int i = 0; i < 300000; i++) {
        tg_expr *up = tg_expr_binary(i % 2 ? TG_OP_ADD : TG_OP_SUB, e, one);
        assert_non_null(up);
        tg_expr_release(e);
        e = up;
    }
    assert_int_equal(e->depth, 300001);
    assert_int_equal(tg_exec_eval(e, t, NULL, &col, &err), TG_EARG);
    assert_null(col);
    assert_string_equal(err.msg, "expression nested deeper than 1000 levels");
    assert_int_equal(tg_exec_type(e, t, NULL, &type, &err), TG_EARG);
    tg_expr *pred = tg_expr_binary(TG_OP_AND, e, e);
    assert_non_null(pred);
    assert_int_equal(tg_exec_filter(pred, t, NULL, &idx, &n, &err), TG_EARG);
    assert_string_equal(err.msg, "expression nested deeper than 1000 levels");
    char *text = tg_expr_to_string(e);
    assert_non_null(text);
    assert_string_equal(text, "(an expression nested 300001 levels deep)");
    tg_free(text);
    tg_expr_release(pred);
    tg_expr_release(e);
    tg_expr_release(one);

    /* exactly the limit still evaluates */
    e = tg_expr_col("antal");
    for (int i = 1; i < TG_EXPR_MAX_DEPTH; i++) {
        tg_expr *up = tg_expr_unary(TG_OP_NEG, e);
        tg_expr_release(e);
        e = up;
    }
    assert_int_equal(e->depth, TG_EXPR_MAX_DEPTH);
    assert_int_equal(tg_exec_eval(e, t, NULL, &col, &err), TG_OK);
    tg_col_release(col);
    tg_expr_release(e);
    tg_table_release(t);
    tg_test_no_leaks(before);
}

static void test_expr_columns_and_literals(void **state) {
    tg_table *t = error_table(), *empty = tg_table_new();
    tg_col *col;
    (void)state;
    tg_expr *antal = C("antal");
    size_t blocks = tg_mem_blocks();
    assert_int_equal(tg_exec_eval(antal, t, NULL, &col, NULL), TG_OK);
    assert_ptr_equal(col, tg_table_col(t, "antal")); /* the column itself, no copy */
    assert_int_equal(col->refs, 2);
    tg_col_release(col);
    tg_test_no_leaks(blocks);
    expect_rows(I(7), t, "7|7|7");
    expect_rows(S("x"), t, "x|x|x");
    expect_rows(D("2024-02-29"), t, "2024-02-29|2024-02-29|2024-02-29");
    expect_rows(Bi(TG_OP_ADD, I(2), F(0.5)), t, "2.5|2.5|2.5");
    expect_rows(Bi(TG_OP_FILL_NULL, C("kommune"), S("ukendt")), t, "Høje-Taastrup|Aarhus|ukendt");
    /* inputs without NULLs take the short paths */
    tg_expr *gt1 = Bi(TG_OP_GT, C("antal"), I(1)), *lt3 = Bi(TG_OP_LT, C("antal"), I(3));
    expect_rows(Bi(TG_OP_AND, gt1, lt3), t, "F|T|F");
    expect_rows(Bi(TG_OP_OR, U(TG_OP_NOT, gt1), U(TG_OP_NOT, lt3)), t, "T|F|T");
    expect_rows(Bi(TG_OP_COALESCE, C("antal"), I(0)), t, "1|2|3");
    expect_rows(keep(tg_expr_if_else(gt1, C("antal"), I(0))), t, "0|2|3");
    expect_rows(keep(tg_expr_if_else(gt1, C("kommune"), C("status"))), t, "Høje-Taastrup|Aarhus|~");
    /* a filter that keeps nothing gives no array */
    size_t *idx = (size_t *)1, n = 9;
    assert_int_equal(tg_exec_filter(Bi(TG_OP_GT, C("antal"), I(10)), t, NULL, &idx, &n, NULL),
                     TG_OK);
    assert_null(idx);
    assert_int_equal(n, 0);
    /* an empty table: zero rows out */
    add_col(empty, "x", TG_INT, NULL, 0);
    assert_int_equal(tg_exec_eval(Bi(TG_OP_MUL, C("x"), I(2)), empty, NULL, &col, NULL), TG_OK);
    assert_int_equal(col->len, 0);
    assert_int_equal(col->type, TG_INT);
    tg_col_release(col);
    assert_int_equal(tg_exec_filter(Bi(TG_OP_GT, C("x"), I(1)), empty, NULL, &idx, &n, NULL),
                     TG_OK);
    assert_int_equal(n, 0);
    tg_table_release(t);
    tg_table_release(empty);
    release_pool();
}

/* Query (c) of the benchmark on a table where each row misses exactly one
** condition, or none (rows 0 and 6). */
static void test_expr_filter_query(void **state) {
    static const char *const status[] = { "belagt", "ledig",  "belagt", "belagt",
                                          "belagt", "belagt", "belagt", "~" };
    static const char *const kommune[] = { "Høje-Taastrup", "Høje-Taastrup", "Aarhus",
                                           "Høje-Taastrup", "Høje-Taastrup", "~",
                                           "Høje-Taastrup", "Høje-Taastrup" };
    static const char *const takst[] = { "3000", "3500", "3500", "2999.99",
                                         "3500", "3500", "4000", "3500" };
    static const char *const dato[] = { "2023-01-01", "2023-06-01", "2023-06-01", "2023-06-01",
                                        "2024-01-01", "2023-06-01", "2023-12-31", "2023-06-01" };
    tg_table *t = tg_table_new();
    (void)state;
    add_col(t, "status", TG_STRING, status, 8);
    add_col(t, "kommune", TG_STRING, kommune, 8);
    add_col(t, "takst_kr", TG_FLOAT, takst, 8);
    add_col(t, "dato", TG_DATE, dato, 8);
    tg_expr *terms[4] = { Bi(TG_OP_EQ, C("status"), S("belagt")),
                          Bi(TG_OP_EQ, C("kommune"), S("Høje-Taastrup")),
                          Bi(TG_OP_GE, C("takst_kr"), I(3000)),
                          keep(tg_expr_between(C("dato"), S("2023-01-01"), S("2023-12-31"))) };
    tg_expr *pred = keep(tg_expr_nary(TG_OP_AND, terms, 4));
    size_t *idx, n;
    assert_int_equal(tg_exec_filter(pred, t, NULL, &idx, &n, NULL), TG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 6);
    tg_free(idx);
    expect_rows(pred, t, "T|F|F|F|F|~|T|~");
    /* nested ANDs are flattened, ORs are not */
    tg_expr *nested =
        Bi(TG_OP_AND, Bi(TG_OP_AND, terms[0], terms[1]), Bi(TG_OP_OR, terms[2], terms[3]));
    assert_int_equal(tg_exec_filter(nested, t, NULL, &idx, &n, NULL), TG_OK);
    assert_int_equal(n, 4); /* rows 3 and 4 miss only one side of the OR */
    assert_int_equal(idx[1], 3);
    assert_int_equal(idx[3], 6);
    tg_free(idx);
    /* a term that can fail still runs when earlier terms keep nothing */
    tg_table *e = error_table();
    tg_expr *fails = Bi(TG_OP_AND, Bi(TG_OP_GT, C("antal"), I(10)),
                        Bi(TG_OP_GT, Bi(TG_OP_ADD, C("big"), I(1)), I(0)));
    tg_error err;
    size_t blocks = tg_mem_blocks();
    assert_int_equal(tg_exec_filter(fails, e, NULL, &idx, &n, &err), TG_EDATA);
    assert_string_equal(err.msg, "integer overflow in (col(\"big\") + 1) at row 3");
    tg_test_no_leaks(blocks);
    tg_table_release(e);
    tg_table_release(t);
    release_pool();
}

/* ---- the interrupt poll ---- */

struct countdown {
    int calls, limit;
    tg_status status;
};

static tg_status poll_countdown(void *ud) {
    struct countdown *c = ud;
    return ++c->calls > c->limit ? c->status : TG_OK;
}

static void test_expr_interrupt(void **state) {
    tg_table *t = tg_table_new();
    tg_col *x = tg_col_new(TG_INT, 0, NULL);
    (void)state;
    for (int r = 0; r < 3 * TG_VECTOR + 5; r++) assert_int_equal(tg_col_push_i64(x, r), TG_OK);
    assert_int_equal(tg_table_add(t, "x", x), TG_OK);
    tg_col_release(x);
    tg_expr *e = Bi(TG_OP_MUL, C("x"), I(3));
    tg_expr *p = Bi(TG_OP_GT, Bi(TG_OP_MOD, C("x"), I(7)), I(2));
    for (int k = 0; k < 4; k++) {
        struct countdown c = { 0, k, k % 2 ? TG_ECANCEL : TG_ELIMIT };
        tg_interrupt intr = { poll_countdown, &c };
        tg_col *col = (tg_col *)1;
        size_t *idx = (size_t *)1, n = 1;
        tg_error err;
        size_t blocks = tg_mem_blocks();
        assert_int_equal(tg_exec_eval(e, t, &intr, &col, &err), c.status);
        assert_null(col);
        assert_int_equal(err.code, c.status);
        assert_int_equal(c.calls, k + 1); /* stopped at the first refusal */
        c.calls = 0;
        assert_int_equal(tg_exec_filter(p, t, &intr, &idx, &n, &err), c.status);
        assert_null(idx);
        assert_int_equal(n, 0);
        assert_int_equal(c.calls, k + 1);
        tg_test_no_leaks(blocks);
    }
    /* with room for every poll it completes: once per morsel and once per
    ** vector, so a row of a wide expression cannot outlast the time limit
    ** by a whole morsel (one morsel of 4 vectors here) */
    struct countdown c = { 0, 1000, TG_ELIMIT };
    tg_interrupt intr = { poll_countdown, &c };
    tg_col *col;
    assert_int_equal(tg_exec_eval(e, t, &intr, &col, NULL), TG_OK);
    assert_true(c.calls >= 5);
    assert_int_equal(col->v.i64[3 * TG_VECTOR + 4], 3 * (3 * TG_VECTOR + 4));
    tg_col_release(col);
    tg_table_release(t);
    release_pool();
}

/* ---- vectors shared by steps ---- */

/* A step's vectors are reused once no later step reads them; a step that
** hands an input's vectors on as its own keeps that input's alive. Here
** coalesce passes x + 1's values on (x has no NULLs), and the steps of
** b * 2 + b * 3, which run before the last addition reads them, must not
** get x + 1's slot; not(is_null(...)) hands on validity. */
static void test_expr_slots_handed_on(void **state) {
    static const char *const x[] = { "1", "2", "3" }, *const b[] = { "10", "~", "30" };
    tg_table *t = tg_table_new();
    (void)state;
    add_col(t, "x", TG_INT, x, 3);
    add_col(t, "b", TG_INT, b, 3);
    tg_expr *kept = Bi(TG_OP_COALESCE, Bi(TG_OP_ADD, C("x"), I(1)), I(0));
    tg_expr *later = Bi(TG_OP_ADD, Bi(TG_OP_MUL, C("b"), I(2)), Bi(TG_OP_MUL, C("b"), I(3)));
    expect_rows(Bi(TG_OP_ADD, kept, later), t, "52|~|154");
    expect_rows(Bi(TG_OP_ADD, later, kept), t, "52|~|154");
    tg_expr *neg = U(TG_OP_NEG, U(TG_OP_ABS, C("b"))); /* validity of b, handed on twice */
    expect_rows(Bi(TG_OP_ADD, neg, Bi(TG_OP_MUL, Bi(TG_OP_ADD, C("x"), I(5)), I(2))), t, "2|~|-14");
    tg_table_release(t);
    release_pool();
}

/* ---- wide expressions: small nodes, linear compile ---- */

/* A balanced sum of leaves [lo, hi): even leaves col("a"), odd ones the
** literal i, so the constants are all distinct (more than a program pins). */
static tg_expr *wide_sum(int lo, int hi) {
    if (hi - lo == 1) return lo % 2 ? tg_expr_int(lo) : tg_expr_col("a");
    tg_expr *l = wide_sum(lo, lo + (hi - lo) / 2), *r = wide_sum(lo + (hi - lo) / 2, hi);
    tg_expr *e = tg_expr_binary(TG_OP_ADD, l, r);
    tg_expr_release(l);
    tg_expr_release(r);
    assert_non_null(e);
    return e;
}

static void test_expr_wide_is_small(void **state) {
    enum { LEAVES = 5000, NODES = 2 * LEAVES - 1, ROWS = 3 * TG_VECTOR + 5 };
    size_t blocks = tg_mem_blocks();
    tg_table *t = tg_table_new();
    tg_col *a = tg_col_new(TG_INT, 0, NULL), *col;
    (void)state;
    for (int r = 0; r < ROWS; r++) /* NULLs in some vectors: validity is copied */
        assert_int_equal(r % 7 == 3 ? tg_col_push_null(a) : tg_col_push_i64(a, r), TG_OK);
    assert_int_equal(tg_table_add(t, "a", a), TG_OK);
    tg_col_release(a);
    size_t used = tg_mem_used();
    tg_mem_reset_peak();
    tg_expr *e = wide_sum(0, LEAVES);
    assert_int_equal(tg_exec_eval(e, t, NULL, &col, NULL), TG_OK);
    size_t peak = tg_mem_peak() - used - tg_mem_size(col->v.any) - tg_mem_size(col->valid);
    /* The tree, the program and its vectors: 175 bytes a node (it was
    ** 9 KiB a node, 18 KiB an addition, when every step had vectors of
    ** its own). */
    assert_true(peak < 200 * (size_t)NODES);
    int64_t lits = 0;
    for (int i = 1; i < LEAVES; i += 2) lits += i;
    for (int r = 0; r < ROWS; r++) {
        assert_int_equal(!tg_col_bits_valid(col->valid, (size_t)r), r % 7 == 3);
        if (r % 7 != 3) assert_int_equal(col->v.i64[r], (int64_t)(LEAVES / 2) * r + lits);
    }
    tg_col_release(col);
    tg_expr_release(e);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

/* ---- allocation failures ---- */

static tg_table *oom_table;

static tg_status oom_run(void *ctx) {
    const tg_table *t = oom_table;
    tg_expr *made[64];
    size_t nm = 0;
    tg_status st = TG_OK;
    (void)ctx;

#define MAKE(call) (nm < TG_ARRAY_LEN(made) && (made[nm] = (call)) != NULL ? made[nm++] : NULL)
    tg_expr *s = MAKE(tg_expr_col("kommune")), *d = MAKE(tg_expr_col("dato"));
    tg_expr *a = MAKE(tg_expr_col("antal")), *f = MAKE(tg_expr_col("takst_kr"));
    tg_expr *lit = MAKE(tg_expr_str("Aarhus", 6)), *one = MAKE(tg_expr_int(1));
    tg_expr *low = s ? MAKE(tg_expr_unary(TG_OP_LOWER, s)) : NULL;
    tg_expr *cat = low && a ? MAKE(tg_expr_binary(TG_OP_CONCAT, low, a)) : NULL;
    tg_expr *fill = s && lit ? MAKE(tg_expr_binary(TG_OP_FILL_NULL, s, lit)) : NULL;
    tg_expr *eq = s && lit ? MAKE(tg_expr_binary(TG_OP_EQ, s, lit)) : NULL;
    tg_expr *lt = s && cat ? MAKE(tg_expr_binary(TG_OP_LT, s, cat)) : NULL;
    tg_expr *yr = d ? MAKE(tg_expr_unary(TG_OP_YEAR, d)) : NULL;
    tg_expr *str = f ? MAKE(tg_expr_cast(f, TG_STRING, 1)) : NULL;
    tg_expr *num = str ? MAKE(tg_expr_cast(str, TG_FLOAT, 1)) : NULL;
    tg_expr *sum = a && one ? MAKE(tg_expr_binary(TG_OP_ADD, a, one)) : NULL;
    tg_expr *list[2] = { lit, one };
    tg_expr *in = s && lit ? MAKE(tg_expr_isin(s, list, 1)) : NULL;
    tg_expr *both = eq && lt ? MAKE(tg_expr_binary(TG_OP_OR, eq, lt)) : NULL;
    tg_expr *pred = both && in ? MAKE(tg_expr_binary(TG_OP_AND, both, in)) : NULL;
    tg_expr *evals[] = { cat, fill, yr, num, sum, lt };
#undef MAKE
    if (!pred) st = TG_ENOMEM;
    for (size_t k = 0; k < TG_ARRAY_LEN(evals); k++)
        if (!evals[k]) st = TG_ENOMEM;
    for (size_t k = 0; st == TG_OK && k < TG_ARRAY_LEN(evals); k++) {
        tg_col *col;
        st = tg_exec_eval(evals[k], t, NULL, &col, NULL);
        if (st == TG_OK) tg_col_release(col);
    }
    if (st == TG_OK) {
        char *text = tg_expr_to_string(pred);
        st = text ? TG_OK : TG_ENOMEM;
        tg_free(text);
    }
    if (st == TG_OK) {
        size_t *idx, n;
        st = tg_exec_filter(pred, t, NULL, &idx, &n, NULL);
        if (st == TG_OK) {
            if (n != TG_VECTOR + 10) st = TG_EARG; /* every "Aarhus" row */
            tg_free(idx);
        }
    }
    while (nm) tg_expr_release(made[--nm]);
    return st;
}

static void test_expr_oom(void **state) {
    (void)state;
    oom_table = tg_table_new();
    tg_col *k = tg_col_new(TG_STRING, 0, NULL), *d = tg_col_new(TG_DATE, 0, NULL);
    tg_col *a = tg_col_new(TG_INT, 0, NULL), *f = tg_col_new(TG_FLOAT, 0, NULL);
    for (int r = 0; r < 2 * TG_VECTOR + 20; r++) {
        if (r % 2) tg_col_push_str(k, "Aarhus", 6);
        else if (r % 4 == 0) tg_col_push_null(k);
        else tg_col_push_str(k, "Odense", 6);
        tg_col_push_date(d, 19000 + r);
        tg_col_push_i64(a, r % 50);
        tg_col_push_f64(f, r * 0.25);
    }
    tg_table_add(oom_table, "kommune", k);
    tg_table_add(oom_table, "dato", d);
    tg_table_add(oom_table, "antal", a);
    tg_table_add(oom_table, "takst_kr", f);
    tg_col_release(k);
    tg_col_release(d);
    tg_col_release(a);
    tg_col_release(f);
    int runs = tg_test_oom_loop(oom_run, NULL);
    assert_true(runs > 50);
    tg_table_release(oom_table);
}

int main(void) {
    /* Kernels poll once per morsel: morsels of one vector make the
    ** interrupt test's four vectors four polls (read once, before any
    ** kernel runs), and one thread makes the count of polls exact. */
    setenv("TEGN_MORSEL_ROWS", "2048", 1);
    tg_par_set_threads(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expr_to_string),
        cmocka_unit_test(test_expr_truth_table),
        cmocka_unit_test(test_expr_rounding_hand),
        cmocka_unit_test(test_expr_division_hand),
        cmocka_unit_test(test_expr_dates_hand),
        cmocka_unit_test(test_expr_strings_hand),
        cmocka_unit_test(test_expr_casts_hand),
        cmocka_unit_test(test_expr_errors),
        cmocka_unit_test(test_expr_too_deep),
        cmocka_unit_test(test_expr_columns_and_literals),
        cmocka_unit_test(test_expr_filter_query),
        cmocka_unit_test(test_expr_interrupt),
        cmocka_unit_test(test_expr_oom),
        cmocka_unit_test(test_expr_wide_is_small),
        cmocka_unit_test(test_expr_slots_handed_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
