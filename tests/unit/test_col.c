/*
** test_col.c -- typed columns: push and read back per type, NULLs and the
** lazily created bitmap (across 64-row word boundaries), reserve/shrink,
** slices (offsets across words, shared dictionaries), int -> float, type
** names and allocation failures. Expected values come from ref_* formulas
** of the row number and null counts from a naive count of is_null_row().
*/
#include "tg_test.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_col.h"
#include "tg_err.h"
#include "tg_mem.h"

static const tg_type all_types[] = { TG_INT, TG_FLOAT, TG_BOOL, TG_DATE, TG_STRING };

/* ---- the reference: value and NULL-ness of row r ---- */

static int is_null_row(size_t r) {
    return r % 13 == 5 || r == 63 || r == 64 || r == 127 || r == 128 || r == 191 || r == 192 ||
           r == 255 || r == 256;
}

static int64_t ref_i64(size_t r) {
    return (int64_t)r * 1000003 - 5000;
}
static double ref_f64(size_t r) {
    return (double)r * 0.25 - 7.0;
}
static int ref_bool(size_t r) {
    return (r * 7) % 3 == 0;
}
static int32_t ref_date(size_t r) {
    return (int32_t)r * 17 - 2000;
}
static const char *ref_str(size_t r, char *buf, size_t size) {
    if (r % 37 == 0) return ""; /* the empty string is a value, not NULL */
    snprintf(buf, size, "%s-%zu", r % 2 ? "kommune" : "Ærø", r % 37);
    return buf;
}

/* Appends reference row r (NULL where is_null_row says so, if with_nulls). */
static tg_status push_row(tg_col *col, size_t r, int with_nulls) {
    char buf[32];
    if (with_nulls && is_null_row(r)) return tg_col_push_null(col);
    switch (col->type) {
    case TG_INT: return tg_col_push_i64(col, ref_i64(r));
    case TG_FLOAT: return tg_col_push_f64(col, ref_f64(r));
    case TG_BOOL: return tg_col_push_bool(col, ref_bool(r) ? 3 : 0); /* any non-zero is true */
    case TG_DATE: return tg_col_push_date(col, ref_date(r));
    case TG_STRING: {
        const char *s = ref_str(r, buf, sizeof buf);
        return tg_col_push_str(col, s, strlen(s));
    }
    }
    return TG_EARG;
}

/* Checks that col holds reference rows [base, base + n). */
static void check_rows(const tg_col *col, size_t base, size_t n, int with_nulls) {
    char buf[32];
    size_t nulls = 0;
    if (col->len != n) fail_msg("len %zu, expected %zu", col->len, n);
    for (size_t i = 0; i < n; i++) {
        size_t r = base + i;
        int null = with_nulls && is_null_row(r);
        nulls += (size_t)null;
        if (tg_col_is_valid(col, i) == null) fail_msg("row %zu: validity %d", i, !null);
        switch (col->type) {
        case TG_INT:
            if (col->v.i64[i] != (null ? 0 : ref_i64(r))) fail_msg("row %zu: int differs", i);
            break;
        case TG_FLOAT:
            if (col->v.f64[i] != (null ? 0.0 : ref_f64(r))) fail_msg("row %zu: float differs", i);
            break;
        case TG_BOOL:
            if (col->v.b8[i] != (null ? 0 : ref_bool(r))) fail_msg("row %zu: bool differs", i);
            break;
        case TG_DATE:
            if (col->v.date[i] != (null ? 0 : ref_date(r))) fail_msg("row %zu: date differs", i);
            break;
        case TG_STRING:
            if (null) {
                if (col->v.str[i] != 0) fail_msg("row %zu: NULL code not 0", i);
            } else {
                size_t len;
                const char *want = ref_str(r, buf, sizeof buf);
                const char *got = tg_dict_str(col->dict, col->v.str[i], &len);
                if (len != strlen(want) || memcmp(got, want, len) != 0)
                    fail_msg("row %zu: string '%s', expected '%s'", i, got, want);
            }
            break;
        }
    }
    if (tg_col_null_count(col) != nulls)
        fail_msg("null_count %zu, expected %zu", tg_col_null_count(col), nulls);
}

static tg_col *make_col(tg_type type, size_t rows, int with_nulls) {
    tg_col *col = tg_col_new(type, 0, NULL);
    assert_non_null(col);
    for (size_t r = 0; r < rows; r++) assert_int_equal(push_row(col, r, with_nulls), TG_OK);
    return col;
}

/* ---- types ---- */

static void test_col_type_names(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    assert_int_equal(tg_type_width(TG_INT), 8);
    assert_int_equal(tg_type_width(TG_FLOAT), 8);
    assert_int_equal(tg_type_width(TG_BOOL), 1);
    assert_int_equal(tg_type_width(TG_DATE), 4);
    assert_int_equal(tg_type_width(TG_STRING), 4);

    assert_string_equal(tg_type_name(TG_INT), "int");
    assert_string_equal(tg_type_name(TG_FLOAT), "float");
    assert_string_equal(tg_type_name(TG_BOOL), "bool");
    assert_string_equal(tg_type_name(TG_DATE), "date");
    assert_string_equal(tg_type_name(TG_STRING), "string");
    for (size_t i = 0; i < TG_ARRAY_LEN(all_types); i++)
        assert_int_equal(tg_type_parse(tg_type_name(all_types[i])), all_types[i]);

    assert_int_equal(tg_type_parse("integer"), TG_INT);
    assert_int_equal(tg_type_parse("double"), TG_FLOAT);
    assert_int_equal(tg_type_parse("number"), TG_FLOAT);
    assert_int_equal(tg_type_parse("str"), TG_STRING);
    assert_int_equal(tg_type_parse("text"), TG_STRING);
    assert_int_equal(tg_type_parse("INT"), TG_INT); /* case-insensitive */
    assert_int_equal(tg_type_parse("Text"), TG_STRING);
    assert_int_equal(tg_type_parse("varchar"), -1);
    assert_int_equal(tg_type_parse(""), -1);
    assert_int_equal(tg_type_parse("int "), -1);
    assert_int_equal(tg_type_parse("in"), -1);
    tg_test_no_leaks(blocks);
}

/* ---- lifecycle ---- */

static void test_col_new_and_refs(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        tg_col *col = tg_col_new(all_types[t], 100, NULL);
        assert_non_null(col);
        assert_int_equal(col->type, all_types[t]);
        assert_int_equal(col->len, 0);
        assert_true(col->cap >= 100);
        assert_null(col->valid);
        assert_int_equal(col->refs, 1);
        assert_int_equal(tg_col_null_count(col), 0);
        if (all_types[t] == TG_STRING) {
            assert_non_null(col->dict);
            assert_int_equal(tg_dict_size(col->dict), 0);
        }
        assert_ptr_equal(tg_col_retain(col), col);
        assert_int_equal(col->refs, 2);
        tg_col_release(col);
        assert_int_equal(col->refs, 1);
        tg_col_release(col);
    }
    tg_col_release(NULL);

    tg_col *empty = tg_col_new(TG_INT, 0, NULL);
    assert_non_null(empty);
    assert_int_equal(empty->len, 0);
    tg_col_release(empty);
    tg_test_no_leaks(blocks);
}

static void test_col_new_shares_given_dict(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    uint32_t code;
    tg_dict *d = tg_dict_new();
    assert_non_null(d);
    assert_int_equal(tg_dict_intern(d, "Aarhus", 6, &code), TG_OK);

    tg_col *col = tg_col_new(TG_STRING, 4, d);
    assert_non_null(col);
    assert_ptr_equal(col->dict, d);
    tg_dict_release(d); /* the column keeps its own reference */
    assert_int_equal(tg_col_push_str(col, "Odense", 6), TG_OK);
    assert_int_equal(tg_col_push_str(col, "Aarhus", 6), TG_OK);
    assert_int_equal(col->v.str[0], 1);
    assert_int_equal(col->v.str[1], 0);
    assert_int_equal(tg_dict_size(col->dict), 2);
    tg_col_release(col);
    tg_test_no_leaks(blocks);
}

/* ---- push and read back ---- */

static void test_col_push_each_type(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        tg_col *col = make_col(all_types[t], 1000, 0); /* well past the first buffer */
        assert_true(col->cap >= 1000);
        assert_null(col->valid);
        check_rows(col, 0, 1000, 0);
        tg_col_release(col);
    }
    tg_test_no_leaks(blocks);
}

static void test_col_push_extremes(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_col *i = tg_col_new(TG_INT, 0, NULL), *f = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *b = tg_col_new(TG_BOOL, 0, NULL), *d = tg_col_new(TG_DATE, 0, NULL);
    tg_col *s = tg_col_new(TG_STRING, 0, NULL);
    assert_true(i && f && b && d && s);

    assert_int_equal(tg_col_push_i64(i, INT64_MIN), TG_OK);
    assert_int_equal(tg_col_push_i64(i, INT64_MAX), TG_OK);
    assert_int_equal(tg_col_push_i64(i, -1), TG_OK);
    assert_true(i->v.i64[0] == INT64_MIN && i->v.i64[1] == INT64_MAX && i->v.i64[2] == -1);

    assert_int_equal(tg_col_push_f64(f, -0.0), TG_OK);
    assert_int_equal(tg_col_push_f64(f, INFINITY), TG_OK);
    assert_int_equal(tg_col_push_f64(f, NAN), TG_OK);
    assert_int_equal(tg_col_push_f64(f, 1e-310), TG_OK); /* subnormal */
    assert_true(f->v.f64[0] == 0.0 && signbit(f->v.f64[0]));
    assert_true(isinf(f->v.f64[1]) && f->v.f64[1] > 0);
    assert_true(isnan(f->v.f64[2]));
    assert_true(f->v.f64[3] == 1e-310);
    assert_true(tg_col_is_valid(f, 2)); /* NaN is a value, not NULL */

    assert_int_equal(tg_col_push_bool(b, 0), TG_OK);
    assert_int_equal(tg_col_push_bool(b, 1), TG_OK);
    assert_int_equal(tg_col_push_bool(b, -7), TG_OK);
    assert_int_equal(tg_col_push_bool(b, 256), TG_OK); /* not truncated to a byte first */
    assert_memory_equal(b->v.b8, "\0\1\1\1", 4);

    assert_int_equal(tg_col_push_date(d, INT32_MIN), TG_OK);
    assert_int_equal(tg_col_push_date(d, -719162), TG_OK); /* 0001-01-01 */
    assert_int_equal(tg_col_push_date(d, INT32_MAX), TG_OK);
    assert_true(d->v.date[0] == INT32_MIN && d->v.date[1] == -719162 && d->v.date[2] == INT32_MAX);

    assert_int_equal(tg_col_push_str(s, "æøå", 6), TG_OK);
    assert_int_equal(tg_col_push_str(s, "a\0b", 3), TG_OK);
    assert_int_equal(tg_col_push_str(s, "a", 1), TG_OK);
    assert_int_equal(tg_col_push_str(s, "æøåxyz", 6), TG_OK); /* n bytes only */
    assert_int_equal(s->v.str[0], 0);
    assert_int_equal(s->v.str[1], 1);
    assert_int_equal(s->v.str[2], 2);
    assert_int_equal(s->v.str[3], 0);

    tg_col_release(i);
    tg_col_release(f);
    tg_col_release(b);
    tg_col_release(d);
    tg_col_release(s);
    tg_test_no_leaks(blocks);
}

/* ---- NULLs ---- */

static void test_col_nulls_each_type(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        tg_col *col = tg_col_new(all_types[t], 0, NULL);
        assert_non_null(col);
        for (size_t r = 0; r < 300; r++) {
            assert_int_equal(push_row(col, r, 1), TG_OK);
            if (r < 5) assert_null(col->valid); /* no bitmap before the first NULL */
            check_rows(col, 0, r + 1, 1);
        }
        assert_non_null(col->valid);
        tg_col_release(col);
    }
    tg_test_no_leaks(blocks);
}

static void test_col_set_null_and_valid(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_col *col = make_col(TG_INT, 200, 0);

    tg_col_set_valid(col, 10); /* no bitmap: nothing to do */
    assert_null(col->valid);
    assert_int_equal(tg_col_set_null(col, 130), TG_OK);
    assert_non_null(col->valid);
    assert_int_equal(tg_col_null_count(col), 1);
    assert_false(tg_col_is_valid(col, 130));
    assert_true(tg_col_is_valid(col, 129));
    assert_true(tg_col_is_valid(col, 131));
    assert_int_equal(tg_col_set_null(col, 130), TG_OK); /* idempotent */
    assert_int_equal(tg_col_null_count(col), 1);

    static const size_t rows[] = { 0, 63, 64, 127, 128, 199 };
    for (size_t k = 0; k < TG_ARRAY_LEN(rows); k++)
        assert_int_equal(tg_col_set_null(col, rows[k]), TG_OK);
    assert_int_equal(tg_col_null_count(col), 7);
    for (size_t r = 0; r < 200; r++) {
        int null = r == 130;
        for (size_t k = 0; k < TG_ARRAY_LEN(rows); k++) null |= r == rows[k];
        assert_int_equal(tg_col_is_valid(col, r), !null);
    }
    tg_col_set_valid(col, 64);
    tg_col_set_valid(col, 130);
    assert_int_equal(tg_col_null_count(col), 5);
    assert_true(tg_col_is_valid(col, 64));
    assert_false(tg_col_is_valid(col, 63));

    /* Rows past len are not rows yet: they do not count. */
    if (col->cap > 200) {
        assert_int_equal(tg_col_set_null(col, col->cap - 1), TG_OK);
        assert_int_equal(tg_col_null_count(col), 5);
    }
    tg_col_release(col);
    tg_test_no_leaks(blocks);
}

/* ---- reserve and shrink ---- */

static void test_col_reserve_keeps_rows(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        tg_col *col = make_col(all_types[t], 100, 1);
        assert_int_equal(tg_col_reserve(col, 5000), TG_OK);
        assert_true(col->cap >= 5000);
        check_rows(col, 0, 100, 1);
        size_t cap = col->cap;
        assert_int_equal(tg_col_reserve(col, 10), TG_OK); /* never shrinks */
        assert_int_equal(col->cap, cap);
        /* Rows added into the reserved space are valid unless pushed NULL. */
        for (size_t r = 100; r < 5000; r++) assert_int_equal(push_row(col, r, 1), TG_OK);
        assert_int_equal(col->cap, cap); /* no regrowth needed */
        check_rows(col, 0, 5000, 1);
        tg_col_release(col);
    }
    tg_test_no_leaks(blocks);
}

static void test_col_shrink_keeps_rows(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        for (int with_nulls = 0; with_nulls < 2; with_nulls++) {
            tg_col *col = make_col(all_types[t], 130, with_nulls);
            assert_int_equal(tg_col_reserve(col, 4096), TG_OK);
            tg_col_shrink(col);
            assert_int_equal(col->cap, 130);
            check_rows(col, 0, 130, with_nulls);
            for (size_t r = 130; r < 400; r++)
                assert_int_equal(push_row(col, r, with_nulls), TG_OK);
            check_rows(col, 0, 400, with_nulls);
            tg_col_release(col);
        }
    }
    tg_test_no_leaks(blocks);
}

/* ---- slices ---- */

static void test_col_slice_offsets(void **state) {
    (void)state;
    static const size_t offs[] = { 0, 1, 62, 63, 64, 65, 127, 128, 129, 200, 299, 300 };
    static const size_t lens[] = { 0, 1, 2, 63, 64, 65, 100, 171, 300 };
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        tg_col *src = make_col(all_types[t], 300, 1);
        for (size_t a = 0; a < TG_ARRAY_LEN(offs); a++) {
            for (size_t b = 0; b < TG_ARRAY_LEN(lens); b++) {
                if (offs[a] + lens[b] > 300) continue;
                tg_col *s = tg_col_slice(src, offs[a], lens[b]);
                assert_non_null(s);
                assert_int_equal(s->type, src->type);
                assert_int_equal(s->refs, 1);
                assert_ptr_equal(s->dict, src->dict);
                check_rows(s, offs[a], lens[b], 1);
                tg_col_release(s);
            }
        }
        check_rows(src, 0, 300, 1);
        tg_col_release(src);
    }
    tg_test_no_leaks(blocks);
}

static void test_col_slice_is_independent(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_col *src = make_col(TG_INT, 300, 1);
    tg_col *s = tg_col_slice(src, 64, 100);
    assert_non_null(s);
    s->v.i64[0] = 42;
    assert_int_equal(tg_col_set_null(s, 1), TG_OK);
    assert_int_equal(tg_col_push_i64(s, 7), TG_OK);
    check_rows(src, 0, 300, 1); /* the source did not see any of it */
    assert_int_equal(s->len, 101);
    assert_int_equal(s->v.i64[100], 7);
    assert_true(tg_col_is_valid(s, 100));
    tg_col_release(s);
    tg_col_release(src);

    /* A slice of a column with NULLs elsewhere has none. */
    src = make_col(TG_INT, 300, 1);
    s = tg_col_slice(src, 6, 7); /* rows 6..12: none NULL */
    assert_non_null(s);
    assert_int_equal(tg_col_null_count(s), 0);
    check_rows(s, 6, 7, 1);
    tg_col_release(s);
    tg_col_release(src);
    tg_test_no_leaks(blocks);
}

static void test_col_slice_shares_dict(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_col *src = make_col(TG_STRING, 300, 1);
    tg_dict *d = src->dict;
    uint32_t before = tg_dict_size(d);

    tg_col *s = tg_col_slice(src, 60, 150);
    assert_non_null(s);
    assert_ptr_equal(s->dict, d);
    assert_int_equal(tg_col_push_str(s, "ny streng", 9), TG_OK); /* one dictionary */
    assert_int_equal(tg_dict_size(src->dict), before + 1);
    assert_int_equal(tg_dict_find(src->dict, "ny streng", 9), s->v.str[150]);
    tg_col_release(s);

    s = tg_col_slice(src, 60, 150);
    assert_non_null(s);
    size_t with_both = tg_mem_blocks();
    tg_col_release(src); /* the slice keeps the dictionary alive */
    assert_true(tg_mem_blocks() < with_both);
    check_rows(s, 60, 150, 1);
    assert_int_equal(tg_dict_size(s->dict), before + 1);
    assert_string_equal(tg_dict_str(s->dict, tg_dict_find(s->dict, "ny streng", 9), NULL),
                        "ny streng");
    tg_col_release(s);
    tg_test_no_leaks(blocks);
}

/* ---- int -> float ---- */

static void test_col_int_to_float(void **state) {
    (void)state;
    static const int64_t in[] = { 0,        -3, 123456789012, (int64_t)1 << 53, -((int64_t)1 << 53),
                                  INT64_MIN };
    static const double want[] = {
        0.0, -3.0, 123456789012.0, 9007199254740992.0, -9007199254740992.0, -9223372036854775808.0
    };
    size_t blocks = tg_mem_blocks();
    tg_col *col = tg_col_new(TG_INT, 0, NULL);
    assert_non_null(col);
    for (size_t i = 0; i < TG_ARRAY_LEN(in); i++) {
        assert_int_equal(tg_col_push_i64(col, in[i]), TG_OK);
        assert_int_equal(tg_col_push_null(col), TG_OK);
    }
    size_t live = tg_mem_blocks();
    tg_mem_fail_nth(1); /* converting must not allocate */
    tg_col_int_to_float(col);
    assert_int_equal(tg_mem_fail_pending(), 1);
    tg_mem_fail_nth(0);
    assert_int_equal(tg_mem_blocks(), live);
    assert_int_equal(col->type, TG_FLOAT);
    assert_int_equal(col->len, 2 * TG_ARRAY_LEN(in));
    for (size_t i = 0; i < TG_ARRAY_LEN(in); i++) {
        assert_true(col->v.f64[2 * i] == want[i]);
        assert_true(tg_col_is_valid(col, 2 * i));
        assert_false(tg_col_is_valid(col, 2 * i + 1));
        assert_true(col->v.f64[2 * i + 1] == 0.0);
    }
    assert_int_equal(tg_col_null_count(col), TG_ARRAY_LEN(in));
    assert_int_equal(tg_col_push_f64(col, 0.5), TG_OK); /* now a float column */
    assert_true(col->v.f64[col->len - 1] == 0.5);
    tg_col_release(col);
    tg_test_no_leaks(blocks);
}

/* ---- allocation failures ---- */

static tg_status build_all_types(void *ctx) {
    (void)ctx;
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        tg_col *col = tg_col_new(all_types[t], 0, NULL);
        if (!col) return TG_ENOMEM;
        for (size_t r = 0; r < 300; r++) {
            if (push_row(col, r, 1) != TG_OK) {
                tg_col_release(col);
                return TG_ENOMEM;
            }
        }
        tg_col_shrink(col);
        check_rows(col, 0, 300, 1);
        tg_col_release(col);
    }
    return TG_OK;
}

static void test_col_oom_push(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    assert_true(tg_test_oom_loop(build_all_types, NULL) > 20);
    tg_test_no_leaks(blocks);
}

/* A failed push leaves the column as it was; the rest then succeed. */
static void test_col_oom_push_leaves_col_unchanged(void **state) {
    (void)state;
    enum { BASE = 40, END = 700 };
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        int injected = 1;
        for (long k = 1; injected; k = tg_test_oom_next(k)) {
            tg_col *col = make_col(all_types[t], BASE, 1);
            size_t r = BASE;
            tg_mem_fail_nth(k);
            for (; r < END; r++) {
                tg_status st = push_row(col, r, 1);
                if (st != TG_OK) {
                    assert_int_equal(st, TG_ENOMEM);
                    break;
                }
            }
            injected = r < END;
            tg_mem_fail_nth(0);
            check_rows(col, 0, r, 1);
            for (; r < END; r++) assert_int_equal(push_row(col, r, 1), TG_OK);
            check_rows(col, 0, END, 1);
            tg_col_release(col);
            tg_test_no_leaks(blocks);
        }
    }
}

struct slice_ctx {
    const tg_col *src;
    size_t off, n;
};

static tg_status slice_once(void *ctx) {
    struct slice_ctx *c = ctx;
    tg_col *s = tg_col_slice(c->src, c->off, c->n);
    if (!s) return TG_ENOMEM;
    check_rows(s, c->off, c->n, 1);
    tg_col_release(s);
    return TG_OK;
}

static void test_col_oom_slice(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        tg_col *src = make_col(all_types[t], 300, 1);
        struct slice_ctx c = { src, 60, 150 };
        assert_true(tg_test_oom_loop(slice_once, &c) >= 3); /* column, values, bitmap */
        check_rows(src, 0, 300, 1);
        tg_col_release(src);
    }
    tg_test_no_leaks(blocks);
}

static void test_col_oom_reserve(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (long k = 1; k <= 2; k++) { /* values, then bitmap */
        tg_col *col = make_col(TG_DATE, 100, 1);
        size_t cap = col->cap;
        tg_mem_fail_nth(k);
        assert_int_equal(tg_col_reserve(col, 10000), TG_ENOMEM);
        tg_mem_fail_nth(0);
        assert_int_equal(col->cap, cap);
        check_rows(col, 0, 100, 1);
        for (size_t r = 100; r < 1000; r++) assert_int_equal(push_row(col, r, 1), TG_OK);
        check_rows(col, 0, 1000, 1);
        tg_col_release(col);
    }
    tg_test_no_leaks(blocks);
}

/* Shrinking is best effort, but whatever it leaves must hold 'cap' rows:
** the bytes the column owns (counted by tg_mem) cover cap values, and
** filling the column up to cap stays inside its buffers (ASan checks). */
static void test_col_oom_shrink(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (size_t t = 0; t < TG_ARRAY_LEN(all_types); t++) {
        for (long k = 1; k <= 3; k++) {
            size_t used = tg_mem_used();
            tg_col *col = make_col(all_types[t], 100, 1);
            assert_int_equal(tg_col_reserve(col, 1024), TG_OK);
            tg_mem_fail_nth(k);
            tg_col_shrink(col);
            tg_mem_fail_nth(0);
            assert_true(col->cap >= 100);
            size_t owned = tg_mem_used() - used;
            if (owned < col->cap * tg_type_width(col->type))
                fail_msg("%s, failing allocation %ld: cap %zu rows but only %zu bytes owned",
                         tg_type_name(col->type), k, col->cap, owned);
            check_rows(col, 0, 100, 1);
            for (size_t r = 100; r < 1100; r++) assert_int_equal(push_row(col, r, 1), TG_OK);
            check_rows(col, 0, 1100, 1);
            tg_col_release(col);
        }
    }
    tg_test_no_leaks(blocks);
}


/* tg_col_take_poll gives what tg_col_take gives, and stops at the poll. */
static void test_col_take_poll(void **state) {
    (void)state;
    size_t before = tg_mem_blocks(), n = 300000;
    tg_col *src = tg_col_new(TG_INT, n, NULL);
    size_t *idx = malloc(n * sizeof *idx);
    assert_non_null(idx);
    for (size_t i = 0; i < n; i++) {
        if (i % 7 == 3) assert_int_equal(tg_col_push_null(src), TG_OK);
        else assert_int_equal(tg_col_push_i64(src, (int64_t)i * 3), TG_OK);
        idx[i] = i % 11 == 5 ? TG_NO_ROW : (i * 7919) % n;
    }
    tg_test_stopper never = { 0, INT_MAX }, third = { 0, 3 }; /* polled once per morsel */
    tg_interrupt intr = { tg_test_stop_poll, &never };
    tg_status st;
    tg_col *a = tg_col_take(src, idx, n), *b = tg_col_take_poll(src, idx, n, &intr, &st);
    assert_int_equal(st, TG_OK);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(tg_col_is_valid(a, i), tg_col_is_valid(b, i));
        assert_true(a->v.i64[i] == b->v.i64[i]);
    }
    intr.ud = &third; /* the third step's poll stops it */
    assert_null(tg_col_take_poll(src, idx, n, &intr, &st));
    assert_int_equal(st, TG_ELIMIT);
    tg_col_release(a);
    tg_col_release(b);
    tg_col_release(src);
    free(idx);
    tg_test_no_leaks(before);
}

/* ---- one dictionary from several ---- */

/* Rows 0..5 (spans of 2) computed by workers 1, 0, 1 into their own
** dictionaries: "b" is code 1 in d0 and code 0 in d1. */
static tg_col *unify_input(tg_dict *d0, tg_dict *d1) {
    static const char *s0[] = { "a", "b", "c" }, *s1[] = { "b", "z" };
    uint32_t code;
    for (size_t i = 0; i < 3; i++) assert_int_equal(tg_dict_intern(d0, s0[i], 1, &code), TG_OK);
    for (size_t i = 0; i < 2; i++) assert_int_equal(tg_dict_intern(d1, s1[i], 1, &code), TG_OK);
    tg_col *c = tg_col_new(TG_STRING, 6, d0);
    static const uint32_t codes[] = { 1, 0, /* d0 */ 2, 1, /* d1 */ 0, 1 };
    memcpy(c->v.str, codes, sizeof codes);
    c->len = 6;
    assert_int_equal(tg_col_set_null(c, 2), TG_OK); /* d0's "c": never used */
    return c;
}

static void test_col_unify_dicts(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_dict *d0 = tg_dict_new(), *d1 = tg_dict_new();
    tg_col *c = unify_input(d0, d1);
    tg_dict *dicts[] = { d0, d1 };
    static const int owner[] = { 1, 0, 1 };
    assert_int_equal(tg_col_unify_dicts(c, dicts, 2, owner, 2, NULL), TG_OK);
    /* rows: z b NULL b b z -> dictionary z, b; NULL row code 0 */
    static const uint32_t want[] = { 0, 1, 0, 1, 1, 0 };
    assert_int_equal(tg_dict_size(c->dict), 2);
    assert_string_equal(tg_dict_str(c->dict, 0, NULL), "z");
    assert_string_equal(tg_dict_str(c->dict, 1, NULL), "b");
    assert_memory_equal(c->v.str, want, sizeof want);
    assert_false(tg_col_is_valid(c, 2));
    assert_true(c->dict != d0 && c->dict != d1);
    tg_col_release(c);

    /* One dictionary already in order of first use is kept as it is. */
    tg_dict *d2 = tg_dict_new();
    uint32_t code;
    assert_int_equal(tg_dict_intern(d2, "p", 1, &code), TG_OK);
    assert_int_equal(tg_dict_intern(d2, "q", 1, &code), TG_OK);
    c = tg_col_new(TG_STRING, 3, d2);
    c->v.str[0] = 0, c->v.str[1] = 1, c->v.str[2] = 0, c->len = 3;
    static const int same[] = { 0, 0 };
    tg_dict *only[] = { d2 };
    assert_int_equal(tg_col_unify_dicts(c, only, 1, same, 2, NULL), TG_OK);
    assert_ptr_equal(c->dict, d2);
    tg_col_release(c);
    tg_dict_release(d0);
    tg_dict_release(d1);
    tg_dict_release(d2);
    tg_test_no_leaks(blocks);
}

/* unify_input's column made and unified with every allocation failing
** in turn; the input's own allocations may fail too. */
static tg_status unify_once(void *ctx) {
    static const char *s0[] = { "a", "b", "c" }, *s1[] = { "b", "z" };
    static const uint32_t codes[] = { 1, 0, 2, 1, 0, 1 };
    static const int owner[] = { 1, 0, 1 };
    tg_dict *d0 = tg_dict_new(), *d1 = tg_dict_new();
    tg_col *c = NULL;
    tg_status st = d0 && d1 ? TG_OK : TG_ENOMEM;
    uint32_t code;
    (void)ctx;
    for (size_t i = 0; st == TG_OK && i < 3; i++) st = tg_dict_intern(d0, s0[i], 1, &code);
    for (size_t i = 0; st == TG_OK && i < 2; i++) st = tg_dict_intern(d1, s1[i], 1, &code);
    if (st == TG_OK && !(c = tg_col_new(TG_STRING, 6, d0))) st = TG_ENOMEM;
    if (st == TG_OK) {
        memcpy(c->v.str, codes, sizeof codes);
        c->len = 6;
        st = tg_col_set_null(c, 2);
    }
    if (st == TG_OK) {
        tg_dict *dicts[] = { d0, d1 };
        st = tg_col_unify_dicts(c, dicts, 2, owner, 2, NULL);
    }
    tg_col_release(c);
    tg_dict_release(d0);
    tg_dict_release(d1);
    return st;
}

static void test_col_oom_unify_dicts(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    assert_true(tg_test_oom_loop(unify_once, NULL) > 8);
    tg_test_no_leaks(blocks);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_col_type_names),
        cmocka_unit_test(test_col_take_poll),
        cmocka_unit_test(test_col_new_and_refs),
        cmocka_unit_test(test_col_new_shares_given_dict),
        cmocka_unit_test(test_col_push_each_type),
        cmocka_unit_test(test_col_push_extremes),
        cmocka_unit_test(test_col_nulls_each_type),
        cmocka_unit_test(test_col_set_null_and_valid),
        cmocka_unit_test(test_col_reserve_keeps_rows),
        cmocka_unit_test(test_col_shrink_keeps_rows),
        cmocka_unit_test(test_col_slice_offsets),
        cmocka_unit_test(test_col_slice_is_independent),
        cmocka_unit_test(test_col_slice_shares_dict),
        cmocka_unit_test_teardown(test_col_int_to_float, tg_test_disarm),
        cmocka_unit_test_teardown(test_col_oom_push, tg_test_disarm),
        cmocka_unit_test_teardown(test_col_oom_push_leaves_col_unchanged, tg_test_disarm),
        cmocka_unit_test_teardown(test_col_oom_slice, tg_test_disarm),
        cmocka_unit_test_teardown(test_col_oom_reserve, tg_test_disarm),
        cmocka_unit_test_teardown(test_col_oom_shrink, tg_test_disarm),
        cmocka_unit_test(test_col_unify_dicts),
        cmocka_unit_test_teardown(test_col_oom_unify_dicts, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
