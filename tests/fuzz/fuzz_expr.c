/*
** fuzz_expr.c -- libFuzzer target for the expression and verb layer,
** through the C API the Lua bindings use. The input bytes are read as a
** program: first a small table (up to 40 rows of an int key, a string, a
** float, a wide int, a date and a bool, each value possibly NULL, NaN,
** -0.0 or an int64 extreme), then up to 12 steps, each a verb with
** arguments drawn from the bytes: filter and mutate with a random
** expression tree, sort, group/aggregate, join (all four kinds), window,
** pivot, unpivot, distinct and top-n, as-of join, complete. Bytes run out
** as zeros.
**
** A run must not crash, trip ASan/UBSan or an assert, or leave a tg_mem
** block behind; an error must come with a message. Each result is checked
** by a second method where that is cheap: every column has the table's
** length; filter keeps exactly the rows where eval gives true; a mutated
** column has the type tg_exec_type announced; sort is a permutation in key
** order and stable; group counts add up to the rows and group sums to the
** total; semi + anti = left rows and inner + anti = left rows when the
** right keys are distinct; a window row_number counts rows; unpivot gives
** one row per row and melted column. The final table is described
** (tg_describe) and shown (tg_show): one summary row per column, with the
** NULL count tg_col_null_count gives, distinct values within the non-NULL
** rows, and a range, mean and median only where there are values. Built
** with -DTG_FUZZ=ON under clang
** (`make fuzz`, tests/fuzz/README.md).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_describe.h"
#include "tg_dict.h"
#include "tg_exec.h"
#include "tg_expr.h"
#include "tg_group.h"
#include "tg_join.h"
#include "tg_mem.h"
#include "tg_reshape.h"
#include "tg_sbuf.h"
#include "tg_show.h"
#include "tg_sort.h"
#include "tg_window.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "fuzz_expr: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

#define MAX_ROWS  40
#define MAX_STEPS 12
#define MAX_DEPTH 5

/* ---- reading the bytes ---- */

struct src {
    const uint8_t *p;
    size_t n;
};

static unsigned byte(struct src *s) {
    if (!s->n) return 0;
    s->n--;
    return *s->p++;
}

static unsigned pick(struct src *s, unsigned n) {
    return byte(s) % n;
}

/* ---- the table ---- */

static const char *const strings[] = { "a", "b", "B", "", "æble", "a b", "zz", "ø" };
static const double floats[] = { 0.0, -0.0, 1.5, -2.25, 1e300, -1e-300, 3.0, 0.1 };
static const int64_t wide[] = { 0, 1, -1, INT64_MAX, INT64_MIN, 1000000007, 4, -4 };

/* A value byte: 0 and every 9th are NULL, the rest pick a value. */
static int is_null(unsigned b) {
    return b % 9 == 0;
}

static tg_col *make_col(struct src *s, tg_type type, size_t n) {
    tg_col *c = tg_col_new(type, n, NULL);
    CHECK(c);
    for (size_t i = 0; i < n; i++) {
        unsigned b = byte(s);
        tg_status st;
        if (is_null(b)) {
            st = tg_col_push_null(c);
        } else {
            switch (type) {
            case TG_INT: st = tg_col_push_i64(c, type == TG_INT ? (int64_t)(b % 5) - 1 : 0); break;
            case TG_FLOAT: st = tg_col_push_f64(c, b % 17 == 1 ? NAN : floats[b % 8]); break;
            case TG_BOOL: st = tg_col_push_bool(c, (int)(b & 1)); break;
            case TG_DATE: st = tg_col_push_date(c, (int32_t)(b * 13) - 400); break;
            case TG_STRING: {
                const char *str = strings[b % 8];
                st = tg_col_push_str(c, str, strlen(str));
                break;
            }
            default: st = TG_EARG;
            }
        }
        CHECK(st == TG_OK);
    }
    return c;
}

/* k: small ints (keys), s: strings, x: floats, i: wide ints, d: dates, b: bools */
static tg_table *make_table(struct src *s) {
    static const char *const names[] = { "k", "s", "x", "i", "d", "b" };
    static const tg_type types[] = { TG_INT, TG_STRING, TG_FLOAT, TG_INT, TG_DATE, TG_BOOL };
    size_t n = pick(s, MAX_ROWS + 1);
    tg_table *t = tg_table_new();
    CHECK(t);
    for (size_t k = 0; k < 6; k++) {
        tg_col *c = make_col(s, types[k], n);
        if (k == 3) /* the wide ints: extremes, for overflow */
            for (size_t i = 0; i < n; i++) c->v.i64[i] = wide[(c->v.i64[i] + 1) & 7];
        CHECK(tg_table_add(t, names[k], c) == TG_OK);
        tg_col_release(c);
    }
    return t;
}

/* A column name of t, or now and then one that is not there. */
static const char *col_name(struct src *s, const tg_table *t) {
    unsigned b = byte(s);
    if (t->n_cols == 0 || b % 23 == 22) return "nope";
    return t->names[b % t->n_cols];
}

/* ---- expressions ---- */

static tg_expr *gen_expr(struct src *s, const tg_table *t, int depth);

static tg_expr *gen_literal(struct src *s) {
    unsigned b = byte(s);
    switch (b % 7) {
    case 0: return tg_expr_int(wide[(b >> 3) & 7]);
    case 1: return tg_expr_float(b % 19 == 1 ? NAN : floats[(b >> 3) & 7]);
    case 2: return tg_expr_bool((int)((b >> 3) & 1));
    case 3: return tg_expr_date((int32_t)b * 13 - 400);
    case 4: {
        const char *str = strings[(b >> 3) & 7];
        return tg_expr_str(str, strlen(str));
    }
    case 5: return tg_expr_null();
    default: return tg_expr_int((int64_t)(b >> 3) - 2);
    }
}

static const tg_op unary_ops[] = {
    TG_OP_NEG,     TG_OP_IS_NULL, TG_OP_NOT_NULL,      TG_OP_NOT,   TG_OP_FLOOR, TG_OP_CEIL,
    TG_OP_ABS,     TG_OP_YEAR,    TG_OP_QUARTER,       TG_OP_MONTH, TG_OP_DAY,   TG_OP_WEEKDAY,
    TG_OP_ISOWEEK, TG_OP_ISOYEAR, TG_OP_DAYS_IN_MONTH, TG_OP_LOWER, TG_OP_UPPER, TG_OP_LEN,
};
static const tg_op binary_ops[] = {
    TG_OP_ADD, TG_OP_SUB, TG_OP_MUL,       TG_OP_DIV,      TG_OP_IDIV,   TG_OP_MOD,
    TG_OP_EQ,  TG_OP_NE,  TG_OP_LT,        TG_OP_LE,       TG_OP_GT,     TG_OP_GE,
    TG_OP_AND, TG_OP_OR,  TG_OP_FILL_NULL, TG_OP_COALESCE, TG_OP_CONCAT,
};
static const tg_op string_ops[] = { TG_OP_CONTAINS, TG_OP_STARTS_WITH, TG_OP_ENDS_WITH };
static const tg_op nary_ops[] = { TG_OP_AND, TG_OP_OR, TG_OP_COALESCE, TG_OP_CONCAT };

#define N_OF(a) (sizeof(a) / sizeof *(a))

/* Builds with the children, then drops the builder's references to them. */
static tg_expr *own(tg_expr *e, tg_expr **kids, size_t n) {
    for (size_t i = 0; i < n; i++) tg_expr_release(kids[i]);
    CHECK(e);
    return e;
}

static tg_expr *gen_nary(struct src *s, const tg_table *t, int depth, unsigned form) {
    tg_expr *k[4];
    size_t n = 2 + pick(s, 2);
    switch (form) {
    case 0:
        for (size_t i = 0; i < n; i++) k[i] = gen_expr(s, t, depth + 1);
        return own(tg_expr_nary(nary_ops[pick(s, N_OF(nary_ops))], k, n), k, n);
    case 1:
        for (size_t i = 0; i < 3; i++) k[i] = gen_expr(s, t, depth + 1);
        return own(tg_expr_between(k[0], k[1], k[2]), k, 3);
    case 2:
        for (size_t i = 0; i < 3; i++) k[i] = gen_expr(s, t, depth + 1);
        return own(tg_expr_if_else(k[0], k[1], k[2]), k, 3);
    default:
        k[0] = gen_expr(s, t, depth + 1);
        for (size_t i = 1; i < n; i++) k[i] = gen_literal(s);
        return own(tg_expr_isin(k[0], k + 1, n - 1), k, n);
    }
}

static tg_expr *gen_expr(struct src *s, const tg_table *t, int depth) {
    unsigned b = byte(s);
    tg_expr *k[2];
    if (depth >= MAX_DEPTH || b % 16 < 3) return tg_expr_col(col_name(s, t));
    if (b % 16 < 5) return gen_literal(s);
    switch (b % 16) {
    case 5:
    case 6:
    case 7:
        k[0] = gen_expr(s, t, depth + 1);
        return own(tg_expr_unary(unary_ops[pick(s, N_OF(unary_ops))], k[0]), k, 1);
    case 8:
    case 9:
    case 10:
        k[0] = gen_expr(s, t, depth + 1);
        k[1] = gen_expr(s, t, depth + 1);
        return own(tg_expr_binary(binary_ops[pick(s, N_OF(binary_ops))], k[0], k[1]), k, 2);
    case 11: {
        const char *str = strings[pick(s, N_OF(strings))];
        k[0] = gen_expr(s, t, depth + 1);
        k[1] = tg_expr_str(str, strlen(str));
        return own(tg_expr_binary(string_ops[pick(s, N_OF(string_ops))], k[0], k[1]), k, 2);
    }
    case 12: return gen_nary(s, t, depth, pick(s, 4));
    case 13:
        k[0] = gen_expr(s, t, depth + 1);
        return own(tg_expr_cast(k[0], (tg_type)(1 + pick(s, 5)), (int)pick(s, 2)), k, 1);
    case 14:
        k[0] = gen_expr(s, t, depth + 1);
        return own(tg_expr_round(k[0], (int)pick(s, 40) - 20, (tg_round_mode)(1 + pick(s, 3))), k,
                   1);
    default:
        k[0] = gen_expr(s, t, depth + 1);
        return own(tg_expr_trunc(k[0], (tg_date_unit)(1 + pick(s, 4))), k, 1);
    }
}

/* Mostly a comparison, a null test or a logical combination, so that a
** filter often has a bool to work with. */
static tg_expr *gen_pred(struct src *s, const tg_table *t, int depth) {
    static const tg_op cmp_ops[] = { TG_OP_EQ, TG_OP_NE, TG_OP_LT, TG_OP_LE, TG_OP_GT, TG_OP_GE };
    tg_expr *k[2];
    switch (depth >= 2 ? 1 + pick(s, 3) : pick(s, 5)) {
    case 0: return gen_expr(s, t, depth);
    case 1:
        k[0] = tg_expr_col(col_name(s, t));
        k[1] = gen_literal(s);
        return own(tg_expr_binary(cmp_ops[pick(s, N_OF(cmp_ops))], k[0], k[1]), k, 2);
    case 2:
        k[0] = gen_expr(s, t, depth + 1);
        k[1] = gen_expr(s, t, depth + 1);
        return own(tg_expr_binary(cmp_ops[pick(s, N_OF(cmp_ops))], k[0], k[1]), k, 2);
    case 3:
        k[0] = gen_expr(s, t, depth + 1);
        return own(tg_expr_unary(pick(s, 2) ? TG_OP_IS_NULL : TG_OP_NOT_NULL, k[0]), k, 1);
    default:
        k[0] = gen_pred(s, t, depth + 1);
        k[1] = gen_pred(s, t, depth + 1);
        return own(tg_expr_binary(pick(s, 2) ? TG_OP_AND : TG_OP_OR, k[0], k[1]), k, 2);
    }
}

/* ---- checks shared by the verbs ---- */

static void check_table(const tg_table *t) {
    for (size_t k = 0; k < t->n_cols; k++) {
        CHECK(t->cols[k]->len == t->n_rows);
        for (size_t j = 0; j < k; j++) CHECK(strcmp(t->names[j], t->names[k]) != 0);
    }
}

static void check_status(tg_status st, const tg_error *err) {
    CHECK(st == TG_OK || st == TG_EARG || st == TG_EDATA);
    if (st != TG_OK) CHECK(err->msg[0] != '\0');
}

/* tg_sort's order for one column: NULL last, NaN after numbers, strings by
** bytes; desc flips all but NULL and NaN placement. */
static int cmp_value(const tg_col *c, size_t a, size_t b, int desc) {
    int va = tg_col_is_valid(c, a), vb = tg_col_is_valid(c, b);
    if (!va || !vb) return va == vb ? 0 : va ? -1 : 1;
    int r = 0;
    switch (c->type) {
    case TG_INT: r = (c->v.i64[a] > c->v.i64[b]) - (c->v.i64[a] < c->v.i64[b]); break;
    case TG_DATE: r = (c->v.date[a] > c->v.date[b]) - (c->v.date[a] < c->v.date[b]); break;
    case TG_BOOL: r = (c->v.b8[a] > c->v.b8[b]) - (c->v.b8[a] < c->v.b8[b]); break;
    case TG_FLOAT: {
        double x = c->v.f64[a], y = c->v.f64[b];
        if (isnan(x) || isnan(y)) return isnan(x) == isnan(y) ? 0 : isnan(x) ? 1 : -1;
        r = (x > y) - (x < y);
        break;
    }
    case TG_STRING: {
        size_t la, lb;
        const char *x = tg_dict_str(c->dict, c->v.str[a], &la);
        const char *y = tg_dict_str(c->dict, c->v.str[b], &lb);
        int m = memcmp(x, y, la < lb ? la : lb);
        r = m ? (m > 0) - (m < 0) : (la > lb) - (la < lb);
        break;
    }
    }
    return desc ? -r : r;
}

static size_t count_valid_true(const tg_col *c, size_t i) {
    return tg_col_is_valid(c, i) && c->v.b8[i];
}

/* ---- the verbs ---- */

struct run {
    struct src *s;
    tg_table *t; /* the current table; some verbs replace it */
    int step;
};

static void replace(struct run *r, tg_table *t) {
    check_table(t);
    tg_table_release(r->t);
    r->t = t;
}

/* filter: the rows tg_exec_filter keeps are those tg_exec_eval makes true. */
static void verb_filter(struct run *r) {
    tg_expr *e = gen_pred(r->s, r->t, 0);
    size_t *idx = NULL, n = 0;
    tg_error err, err2;
    tg_status st = tg_exec_filter(e, r->t, NULL, &idx, &n, &err);
    check_status(st, &err);
    tg_col *c = NULL;
    tg_status st2 = tg_exec_eval(e, r->t, NULL, &c, &err2);
    check_status(st2, &err2);
    if (((st == TG_OK && st2 != TG_OK) || (st == TG_EDATA && st2 != TG_EDATA)) &&
        getenv("FUZZ_EXPR_VERBOSE")) {
        char *text = tg_expr_to_string(e);
        fprintf(stderr, "filter %d '%s', eval %d '%s': %s\n", st, st ? err.msg : "", st2,
                st2 ? err2.msg : "", text ? text : "?");
        tg_free(text);
    }
    /* A bare null predicate keeps nothing (tg_exec_filter), though alone
    ** it has no type to evaluate to. */
    int bare_null = st == TG_OK && st2 == TG_EARG && strstr(err2.msg, "type of null");
    if (bare_null) CHECK(n == 0);
    if (st == TG_OK && !bare_null) {
        CHECK(st2 == TG_OK && c->type == TG_BOOL && c->len == r->t->n_rows);
        size_t j = 0;
        for (size_t i = 0; i < r->t->n_rows; i++)
            if (count_valid_true(c, i)) CHECK(j < n && idx[j++] == i);
        CHECK(j == n);
        tg_table *out = tg_table_take(r->t, idx, n);
        CHECK(out);
        replace(r, out);
    } else if (st == TG_EDATA) {
        CHECK(st2 == TG_EDATA); /* filter and eval raise the same errors */
    }
    tg_col_release(c);
    tg_free(idx);
    tg_expr_release(e);
}

/* mutate: a new column of the announced type and the table's length. */
static void verb_mutate(struct run *r) {
    tg_expr *e = gen_expr(r->s, r->t, 0);
    tg_col *c = NULL;
    tg_type type;
    tg_error err, err2;
    tg_status st = tg_exec_eval(e, r->t, NULL, &c, &err);
    check_status(st, &err);
    tg_status st2 = tg_exec_type(e, r->t, NULL, &type, &err2);
    if (st == TG_OK) {
        CHECK(st2 == TG_OK && c->type == type && c->len == r->t->n_rows);
        char name[16];
        snprintf(name, sizeof name, "m%d", r->step);
        if (r->t->n_cols < 24) CHECK(tg_table_add(r->t, name, c) == TG_OK);
    } else if (st == TG_EARG) {
        CHECK(st2 == TG_EARG); /* typing fails as evaluation does */
    }
    tg_col_release(c);
    tg_expr_release(e);
}

/* 1 to 3 key columns from the table (or one that is not there). */
static size_t gen_keys(struct run *r, const char **keys, int *desc) {
    size_t n = 1 + pick(r->s, 3);
    for (size_t i = 0; i < n; i++) {
        keys[i] = col_name(r->s, r->t);
        if (desc) desc[i] = (int)pick(r->s, 2);
    }
    return n;
}

/* sort: a permutation, in key order, equal keys in input order. */
static void verb_sort(struct run *r) {
    const char *keys[3];
    int desc[3];
    size_t nk = gen_keys(r, keys, desc), *perm = NULL, n = r->t->n_rows;
    tg_error err;
    tg_status st = tg_sort_index(r->t, keys, desc, nk, NULL, &perm, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    uint8_t seen[MAX_ROWS * 4] = { 0 };
    const tg_col *cols[3];
    for (size_t k = 0; k < nk; k++) cols[k] = tg_table_col(r->t, keys[k]);
    for (size_t i = 0; i < n; i++) {
        CHECK(perm[i] < n && perm[i] < sizeof seen && !seen[perm[i]]);
        seen[perm[i]] = 1;
        if (i == 0) continue;
        int c = 0;
        for (size_t k = 0; k < nk && c == 0; k++)
            c = cmp_value(cols[k], perm[i - 1], perm[i], desc[k]);
        CHECK(c < 0 || (c == 0 && perm[i - 1] < perm[i]));
    }
    tg_table *out = tg_table_take(r->t, perm, n);
    CHECK(out);
    replace(r, out);
    tg_free(perm);
}

/* group: counts add up to the rows, int sums of k to the total. */
static void verb_group(struct run *r) {
    const char *keys[3];
    size_t nk = pick(r->s, 2) ? gen_keys(r, keys, NULL) : 0;
    const tg_col *k = tg_table_col(r->t, "k");
    const tg_col *other = tg_table_col(r->t, col_name(r->s, r->t));
    static const int fns[] = { TG_AGG_MIN,    TG_AGG_MAX,        TG_AGG_MEAN,
                               TG_AGG_MEDIAN, TG_AGG_N_DISTINCT, TG_AGG_FIRST,
                               TG_AGG_LAST,   TG_AGG_STD,        TG_AGG_QUANTILE };
    tg_agg aggs[3] = {
        { "n__", TG_AGG_COUNT, NULL, 0, 0 },
        { "sum_k__", TG_AGG_SUM, k, 0, 0 },
        { "other__", fns[pick(r->s, N_OF(fns))], other, (double)pick(r->s, 12) / 10.0,
          (int)pick(r->s, 10) },
    };
    size_t na = !k ? 1 : other ? 3 : 2;
    tg_table *out = NULL;
    tg_error err;
    tg_status st = tg_group_agg(r->t, keys, nk, aggs, na, NULL, &out, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    check_table(out);
    const tg_col *n = tg_table_col(out, "n__");
    int64_t rows = 0, sum = 0, total = 0;
    for (size_t i = 0; i < out->n_rows; i++) rows += n->v.i64[i];
    CHECK(rows == (int64_t)r->t->n_rows);
    if (nk == 0) CHECK(out->n_rows == 1);
    if (k) {
        const tg_col *s = tg_table_col(out, "sum_k__");
        for (size_t i = 0; i < out->n_rows; i++) sum += tg_col_is_valid(s, i) ? s->v.i64[i] : 0;
        for (size_t i = 0; i < k->len; i++) total += tg_col_is_valid(k, i) ? k->v.i64[i] : 0;
        CHECK(sum == total);
    }
    tg_table_release(out);
}

/* join with the distinct keys of a column pair: every left row matches at
** most once, so inner + anti = left = semi + anti, and left join = left. */
static void verb_join(struct run *r) {
    const char *lk = col_name(r->s, r->t), *rk = col_name(r->s, r->t);
    tg_table *right = NULL, *out[4] = { NULL, NULL, NULL, NULL };
    tg_error err;
    tg_status st = tg_distinct(r->t, &rk, 1, &right, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    check_table(right);
    tg_status sts[4];
    for (int how = TG_JOIN_INNER; how <= TG_JOIN_ANTI; how++) {
        sts[how - 1] = tg_join(r->t, right, &lk, &rk, 1, how, "_r", NULL, &out[how - 1], &err);
        check_status(sts[how - 1], &err);
        if (sts[how - 1] == TG_OK) check_table(out[how - 1]);
    }
    /* inner and left add right's columns, whose names may clash; semi and
    ** anti do not, so each pair fails alike */
    CHECK(sts[0] == sts[1] && sts[2] == sts[3]);
    if (sts[0] == TG_OK && sts[2] == TG_OK) {
        size_t inner = out[0]->n_rows, left = out[1]->n_rows, semi = out[2]->n_rows,
               anti = out[3]->n_rows, n = r->t->n_rows;
        CHECK(semi + anti == n && inner + anti == n && left == n && semi == inner);
    }
    unsigned keep = pick(r->s, 3);
    if (sts[0] == TG_OK && keep < 2 && out[keep]->n_cols < 24) {
        replace(r, out[keep]);
        out[keep] = NULL;
    }
    for (int i = 0; i < 4; i++) tg_table_release(out[i]);
    tg_table_release(right);
}

/* window: one value per row; row_number over the whole table counts rows. */
static void verb_window(struct run *r) {
    const char *by[3], *order[3];
    int desc[3];
    tg_window_spec w;
    memset(&w, 0, sizeof w);
    w.fn = (tg_window_fn)(1 + pick(r->s, 7));
    w.col = col_name(r->s, r->t);
    w.k = (long)pick(r->s, 5) - 1;
    w.min_periods = (long)pick(r->s, 4);
    if (pick(r->s, 2)) {
        w.by = by;
        w.n_by = gen_keys(r, by, NULL);
    }
    if (pick(r->s, 2)) {
        w.order = order;
        w.order_desc = desc;
        w.n_order = gen_keys(r, order, desc);
    }
    tg_col *c = NULL;
    tg_error err;
    tg_status st = tg_window(r->t, &w, NULL, &c, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    CHECK(c->len == r->t->n_rows);
    if (w.fn == TG_WIN_ROW_NUMBER && w.n_by == 0)
        for (size_t i = 0; i < c->len; i++) CHECK(c->type == TG_INT && c->v.i64[i] >= 1);
    if (w.fn == TG_WIN_ROW_NUMBER && w.n_by == 0 && w.n_order == 0)
        for (size_t i = 0; i < c->len; i++) CHECK(c->v.i64[i] == (int64_t)i + 1);
    char name[16];
    snprintf(name, sizeof name, "w%d", r->step);
    if (r->t->n_cols < 24) CHECK(tg_table_add(r->t, name, c) == TG_OK);
    tg_col_release(c);
}

/* pivot: one row per distinct row key; COUNT cells add up to the values. */
static void verb_pivot(struct run *r) {
    const char *rows[3];
    tg_pivot_spec p;
    memset(&p, 0, sizeof p);
    p.rows = rows;
    p.n_rows = pick(r->s, 3) ? gen_keys(r, rows, NULL) : 0;
    p.cols = col_name(r->s, r->t);
    p.values = col_name(r->s, r->t);
    p.agg = (tg_pivot_agg)pick(r->s, 8);
    tg_table *out = NULL;
    tg_error err;
    tg_status st = tg_pivot(r->t, &p, NULL, &out, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    check_table(out);
    if (p.agg == TG_PIVOT_COUNT) {
        const tg_col *v = tg_table_col(r->t, p.values);
        int64_t cells = 0;
        size_t values = 0;
        for (size_t k = p.n_rows; k < out->n_cols; k++)
            for (size_t i = 0; i < out->n_rows; i++)
                cells += tg_col_is_valid(out->cols[k], i) ? out->cols[k]->v.i64[i] : 0;
        for (size_t i = 0; i < v->len; i++) values += (size_t)tg_col_is_valid(v, i);
        CHECK(cells == (int64_t)values);
    }
    tg_table_release(out);
}

/* unpivot: one output row per input row and melted column. */
static void verb_unpivot(struct run *r) {
    const char *melt[2] = { col_name(r->s, r->t), col_name(r->s, r->t) };
    tg_unpivot_spec u;
    memset(&u, 0, sizeof u);
    u.melt = melt;
    u.n_melt = 1 + pick(r->s, 2);
    u.name_col = "name__";
    u.value_col = "value__";
    u.drop_null = (int)pick(r->s, 2);
    tg_table *out = NULL;
    tg_error err;
    tg_status st = tg_unpivot(r->t, &u, NULL, &out, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    check_table(out);
    if (!u.drop_null) CHECK(out->n_rows == r->t->n_rows * u.n_melt);
    else CHECK(out->n_rows <= r->t->n_rows * u.n_melt);
    tg_table_release(out);
}

/* distinct and top-n: no more rows than came in; distinct keeps first rows. */
static void verb_distinct(struct run *r) {
    const char *keys[3];
    size_t nk = gen_keys(r, keys, NULL);
    tg_table *out = NULL;
    tg_error err;
    tg_status st = pick(r->s, 2) ? tg_distinct(r->t, keys, nk, &out, &err)
                                 : tg_top_n(r->t, keys[0], (int)pick(r->s, 2), pick(r->s, 4),
                                            keys + 1, nk - 1, &out, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    check_table(out);
    CHECK(out->n_rows <= r->t->n_rows);
    if (pick(r->s, 4) == 0) replace(r, out);
    else tg_table_release(out);
}

/* as-of join: every left row once, in order. */
static void verb_asof(struct run *r) {
    const char *on = col_name(r->s, r->t), *by = col_name(r->s, r->t);
    size_t n_by = pick(r->s, 2);
    tg_table *right = NULL, *out = NULL;
    tg_error err;
    tg_status st = tg_distinct(r->t, &on, 1, &right, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    st =
        tg_join_asof(r->t, right, &by, &by, n_by, on, on, 1 + (int)pick(r->s, 3), "_r", &out, &err);
    check_status(st, &err);
    if (st == TG_OK) {
        check_table(out);
        CHECK(out->n_rows == r->t->n_rows);
        for (size_t k = 0; k < r->t->n_cols; k++) CHECK(strcmp(out->names[k], r->t->names[k]) == 0);
    }
    tg_table_release(out);
    tg_table_release(right);
}

/* complete: every row kept, periods filled in; days, so any date is a start. */
static void verb_complete(struct run *r) {
    static const char *const units[] = { "day", "week", "month", "quarter", "year" };
    const char *keys[3];
    size_t nk = pick(r->s, 2) ? gen_keys(r, keys, NULL) : 0;
    const char *unit = units[pick(r->s, 4) ? 0 : pick(r->s, 5)];
    tg_table *out = NULL;
    tg_error err;
    tg_status st = tg_complete(r->t, keys, nk, col_name(r->s, r->t), unit, NULL, NULL, &out, &err);
    check_status(st, &err);
    if (st != TG_OK) return;
    check_table(out);
    CHECK(out->n_rows >= r->t->n_rows && out->n_cols == r->t->n_cols);
    tg_table_release(out);
}

/* t:describe() and t:show() of the final table; reads no bytes, so the
** corpus keeps its meaning. */
static void check_describe(const tg_table *t) {
    tg_table *d = NULL;
    tg_error err;
    tg_status st = tg_describe(t, &d, &err);
    if (st != TG_OK) {
        CHECK(st == TG_ENOMEM);
        return;
    }
    check_table(d);
    CHECK(d->n_rows == t->n_cols && d->n_cols == 9);
    for (size_t k = 0; k < t->n_cols; k++) {
        const tg_col *c = t->cols[k];
        int64_t nulls = d->cols[2]->v.i64[k], distinct = d->cols[3]->v.i64[k];
        int has = (size_t)nulls < t->n_rows, number = c->type == TG_INT || c->type == TG_FLOAT;
        CHECK((size_t)nulls == tg_col_null_count(c));
        CHECK(distinct <= (int64_t)t->n_rows - nulls && (distinct > 0) == has);
        CHECK(tg_col_is_valid(d->cols[4], k) == has && tg_col_is_valid(d->cols[5], k) == has);
        CHECK(tg_col_is_valid(d->cols[6], k) == (has && number));
        CHECK(tg_col_is_valid(d->cols[8], k) ==
              (has && (c->type == TG_STRING || c->type == TG_BOOL)));
        if (has && number && c->type == TG_INT) {
            double med = d->cols[7]->v.f64[k];
            int64_t lo = INT64_MAX, hi = INT64_MIN;
            for (size_t i = 0; i < c->len; i++) {
                if (!tg_col_is_valid(c, i)) continue;
                if (c->v.i64[i] < lo) lo = c->v.i64[i];
                if (c->v.i64[i] > hi) hi = c->v.i64[i];
            }
            CHECK(med >= (double)lo && med <= (double)hi);
        }
    }
    tg_sbuf text = { 0 };
    tg_show_opts o = { -1, 0, 1 };
    tg_show_table(t, 10, &o, &text);
    tg_show_table(d, d->n_rows, &o, &text);
    tg_free(text.p);
    tg_table_release(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static void (*const verbs[])(struct run *) = {
        verb_filter, verb_mutate,  verb_sort,     verb_group, verb_join,     verb_window,
        verb_pivot,  verb_unpivot, verb_distinct, verb_asof,  verb_complete,
    };
    struct src s = { data, size };
    size_t before = tg_mem_blocks();
    struct run r = { &s, make_table(&s), 0 };
    check_table(r.t);
    for (r.step = 0; r.step < MAX_STEPS && s.n > 0; r.step++) verbs[pick(&s, N_OF(verbs))](&r);
    check_describe(r.t);
    tg_table_release(r.t);
    CHECK(tg_mem_blocks() == before); /* a leak on some path */
    return 0;
}
