/*
** tg_exprb.h -- terse expression builders for the expression tests:
** C("col"), I(3), F(2.5), B(1), S("x"), D("2024-03-01"), N(), U(op, a),
** Bi(op, a, b), Nary(op, a, b, c). Every node goes into a pool that
** release_pool() empties at the end of a test, so tests need no cleanup
** per node.
*/
#ifndef TG_EXPRB_H
#define TG_EXPRB_H

#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_expr.h"
#include "tg_test.h"

static tg_expr *pool[4096];
static size_t n_pool;

static inline tg_expr *keep(tg_expr *e) {
    assert_non_null(e);
    assert_true(n_pool < TG_ARRAY_LEN(pool));
    pool[n_pool++] = e;
    return e;
}

static inline void release_pool(void) {
    while (n_pool) tg_expr_release(pool[--n_pool]);
}

static inline tg_expr *C(const char *name) {
    return keep(tg_expr_col(name));
}
static inline tg_expr *I(int64_t v) {
    return keep(tg_expr_int(v));
}
static inline tg_expr *F(double v) {
    return keep(tg_expr_float(v));
}
static inline tg_expr *B(int v) {
    return keep(tg_expr_bool(v));
}
static inline tg_expr *S(const char *s) {
    return keep(tg_expr_str(s, strlen(s)));
}
static inline tg_expr *D(const char *iso) {
    int32_t days;
    assert_int_equal(tg_date_parse_iso(iso, strlen(iso), &days), 0);
    return keep(tg_expr_date(days));
}
static inline tg_expr *N(void) {
    return keep(tg_expr_null());
}
static inline tg_expr *U(tg_op op, tg_expr *a) {
    return keep(tg_expr_unary(op, a));
}
static inline tg_expr *Bi(tg_op op, tg_expr *a, tg_expr *b) {
    return keep(tg_expr_binary(op, a, b));
}
static inline tg_expr *Nary(tg_op op, tg_expr *a, tg_expr *b, tg_expr *c) {
    tg_expr *args[3] = { a, b, c };
    return keep(tg_expr_nary(op, args, 3));
}

#endif /* TG_EXPRB_H */
