/*
** tg_eval.c -- compiling an expression tree against a table's schema
** (see tg_eval.h). compile() walks the tree depth-first and appends a step
** per operation, so steps are in execution order and every input index is
** smaller than its user's. A node reached twice (shared subtrees) is
** compiled once. Types are settled here, never at run time: literals are
** converted in place of a cast step, a null literal becomes a typed null
** constant when it meets a typed operand, and string steps from different
** dictionaries are re-coded into one before they are blended.
*/
#include "tg_eval.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"

struct cc {
    tg_eval *p;
    const void **memo_key; /* shared nodes and columns compiled, and their steps */
    int *memo_step;
    size_t n_memo, cap_memo;
    size_t n_nodes; /* nodes compiled, for polling */
    tg_error *err;
    const tg_interrupt *intr; /* polled every POLL_NODES nodes; may be NULL */
    int need_tmp;             /* a step uses the program's tmp vectors */
};

#define POLL_NODES 1024 /* nodes compiled between polls */

static tg_step *S(struct cc *c, int i) {
    assert(i >= 0 && (size_t)i < c->p->n_steps);
    return &c->p->steps[i];
}

static tg_status compile(struct cc *c, const tg_expr *e, int *out);

/* ---- messages ---- */

/* Describes the operand of step i: "string column 'kommune'", "a number",
** "int expression (col("a") + 1)". */
static void describe(struct cc *c, int i, char *buf, size_t size) {
    const tg_step *s = S(c, i);
    const tg_expr *e = s->node;
    if (e->op == TG_OP_COL) {
        /* A loaded column that became text says which value made it so. */
        const char *why = s->kind == TG_K_COL && s->u.col->note ? s->u.col->note : NULL;
        snprintf(buf, size, "%s column '%s'%s%.200s%s", tg_type_name(s->type), e->u.name,
                 why ? " (" : "", why ? why : "", why ? ")" : "");
    } else if (e->op == TG_OP_LIT) {
        switch (e->u.lit.type) {
        case TG_INT:
        case TG_FLOAT: snprintf(buf, size, "a number"); break;
        case TG_BOOL: snprintf(buf, size, "a bool"); break;
        case TG_DATE: snprintf(buf, size, "a date"); break;
        case TG_STRING: snprintf(buf, size, "a string"); break;
        default: snprintf(buf, size, "null"); break;
        }
    } else {
        char *text = tg_expr_to_string_max(e, 120);
        snprintf(buf, size, "%s expression %.120s%s", tg_type_name(s->type), text ? text : "",
                 text && strlen(text) > 120 ? "..." : "");
        tg_free(text);
    }
}

/* TG_EARG with the message and " in <expression>". */
static tg_status fail(struct cc *c, const tg_expr *where, const char *fmt, ...) TG_PRINTF(3, 4);
static tg_status fail(struct cc *c, const tg_expr *where, const char *fmt, ...) {
    char msg[480];
    va_list ap;
    char *text = tg_expr_to_string_max(where, 300);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!text) return tg_err_set(c->err, TG_EARG, NULL, 0, 0, "%s", msg);
    tg_err_set(c->err, TG_EARG, NULL, 0, 0, "%s in %.300s%s", msg, text,
               strlen(text) > 300 ? "..." : "");
    tg_free(text);
    return TG_EARG;
}

static tg_status no_type(struct cc *c, const tg_expr *where) {
    return fail(c, where, "cannot tell the type of null here; cast it, e.g. cast(null, \"int\")");
}

/* ---- steps ---- */

static size_t width_of(tg_type type) {
    return type == TG_TYPE_NULL ? 8 : tg_type_width(type);
}

/* Appends a step. Its vectors are not allocated here: finish() gives every
** step a slot of the arena once the whole program is known. The array
** grows by half, so a wide program wastes at most a third of it. */
static tg_status add_step(struct cc *c, enum tg_step_kind kind, tg_type type, const tg_expr *node,
                          int *out) {
    tg_eval *p = c->p;
    tg_step *s;
    if (p->n_steps == p->cap_steps) {
        size_t cap = p->cap_steps ? p->cap_steps + p->cap_steps / 2 : 16;
        tg_step *steps = cap > INT32_MAX ? NULL : tg_realloc(p->steps, cap * sizeof *steps);
        if (!steps) return tg_err_nomem(c->err);
        p->steps = steps;
        p->cap_steps = cap;
    }
    s = &p->steps[p->n_steps];
    memset(s, 0, sizeof *s);
    s->kind = (uint8_t)kind;
    s->type = (uint8_t)type;
    s->node = node;
    s->in[0] = s->in[1] = -1;
    p->n_steps++;
    if (type == TG_STRING && kind != TG_K_COL && kind != TG_K_COALESCE && kind != TG_K_IF_ELSE) {
        s->dict = tg_dict_new(); /* blends get theirs from the inputs */
        if (!s->dict) return tg_err_nomem(c->err);
    }
    *out = (int)(p->n_steps - 1);
    return TG_OK;
}

/* A step with inputs a and b (either may be -1). */
static tg_status add_op(struct cc *c, enum tg_step_kind kind, tg_type type, const tg_expr *node,
                        int a, int b, int *out) {
    tg_status st = add_step(c, kind, type, node, out);
    if (st != TG_OK) return st;
    S(c, *out)->op = (uint8_t)node->op;
    S(c, *out)->in[0] = a;
    S(c, *out)->in[1] = b;
    if (a >= 0) {
        S(c, *out)->in_type = S(c, a)->type;
        if (S(c, a)->may_fail) S(c, *out)->may_fail = 1;
    }
    if (b >= 0 && S(c, b)->may_fail) S(c, *out)->may_fail = 1;
    return TG_OK;
}

/* A per-code table step (see tg_tab_kind) on input a. */
static tg_status add_strtab(struct cc *c, enum tg_tab_kind kind, tg_type type, const tg_expr *node,
                            int a, int *out) {
    tg_status st = add_op(c, TG_K_STRTAB, type, node, a, -1, out);
    if (st != TG_OK) return st;
    tg_strtab *tab = S(c, *out)->u.tab = tg_calloc(1, sizeof *tab);
    if (!tab) return tg_err_nomem(c->err);
    tab->kind = kind;
    return TG_OK;
}

/* A constant of 'type' (null when is_null). Its vector is filled when the
** arena is made (see finish()). */
static tg_status add_const(struct cc *c, const tg_expr *node, tg_type type, int64_t i, double f,
                           int is_null, int *out) {
    tg_status st = add_step(c, TG_K_CONST, type, node, out);
    tg_step *s;
    if (st != TG_OK) return st;
    s = S(c, *out);
    s->is_null = is_null != 0;
    if (is_null) return TG_OK; /* zeros: code 0, which NULL rows may hold */
    if (type == TG_FLOAT) s->u.f.lo = f;
    else if (type == TG_BOOL) s->u.i.lo = i != 0;
    else if (type == TG_DATE) s->u.i.lo = (int32_t)i;
    else if (type != TG_STRING) s->u.i.lo = i;
    else { /* code 0 of the literal's own dictionary */ uint32_t code;
        if (tg_dict_intern(s->dict, node->u.lit.s, node->u.lit.len, &code) != TG_OK)
            return tg_err_nomem(c->err);
    }
    return TG_OK;
}

static int is_value_const(struct cc *c, int i) {
    return S(c, i)->kind == TG_K_CONST && !S(c, i)->is_null;
}

/* Converts step i to 'to' where the language does so implicitly: null to
** anything, int to float, a string literal to a date. Constants are
** converted here rather than by a cast step. */
static tg_status coerce(struct cc *c, int i, tg_type to, const tg_expr *where, int *out) {
    tg_step *s = S(c, i);
    const tg_expr *node = s->node;

    *out = i;
    if (s->type == to) return TG_OK;
    if (s->kind == TG_K_CONST && s->is_null) return add_const(c, node, to, 0, 0, 1, out);
    if (s->type == TG_INT && to == TG_FLOAT) {
        if (s->kind == TG_K_CONST) return add_const(c, node, to, 0, (double)s->u.i.lo, 0, out);
        tg_status st = add_op(c, TG_K_CAST, TG_FLOAT, node, i, -1, out);
        if (st == TG_OK) S(c, *out)->op = TG_OP_CAST;
        return st;
    }
    if (s->type == TG_STRING && to == TG_DATE && s->kind == TG_K_CONST) {
        int32_t days;
        if (tg_date_parse_iso(node->u.lit.s, node->u.lit.len, &days) != 0)
            return fail(c, where, "'%.60s' is not a date (expected YYYY-MM-DD)", node->u.lit.s);
        return add_const(c, node, to, days, 0, 0, out);
    }
    char a[320];
    describe(c, i, a, sizeof a);
    return fail(c, where, "expected %s, got %s", tg_type_name(to), a);
}

/* The common type of n operands: equal types, int with float (float), or
** date with string literals (date); NULLs take it too. *type is
** TG_TYPE_NULL when every operand is null. 'verb' words the error:
** "cannot compare string column 'kommune' with a number". */
static tg_status unify(struct cc *c, const tg_expr *where, const char *verb, int *idx, size_t n,
                       tg_type *type) {
    tg_type t = TG_TYPE_NULL;
    size_t first = 0;
    for (size_t k = 0; k < n; k++) {
        tg_type u = S(c, idx[k])->type;
        if (u == TG_TYPE_NULL || u == t) continue;
        if (t == TG_TYPE_NULL) {
            t = u;
            first = k;
        } else if ((t == TG_INT && u == TG_FLOAT) || (t == TG_FLOAT && u == TG_INT)) {
            t = TG_FLOAT;
        } else if (t == TG_DATE && u == TG_STRING && S(c, idx[k])->kind == TG_K_CONST) {
            continue;
        } else if (t == TG_STRING && u == TG_DATE && S(c, idx[first])->kind == TG_K_CONST) {
            t = TG_DATE;
            first = k;
        } else {
            char a[320], b[320];
            describe(c, idx[first], a, sizeof a);
            describe(c, idx[k], b, sizeof b);
            return fail(c, where, "cannot %s %s with %s", verb, a, b);
        }
    }
    /* A date meeting a string that is not a literal is an error coerce reports. */
    for (size_t k = 0; k < n && t != TG_TYPE_NULL; k++) {
        if (S(c, idx[k])->type == TG_STRING && t == TG_DATE && S(c, idx[k])->kind != TG_K_CONST) {
            char a[320], b[320];
            describe(c, idx[first], a, sizeof a);
            describe(c, idx[k], b, sizeof b);
            return fail(c, where, "cannot %s %s with %s", verb, a, b);
        }
        tg_status st = coerce(c, idx[k], t, where, &idx[k]);
        if (st != TG_OK) return st;
    }
    *type = t;
    return TG_OK;
}

/* Gives string steps idx[0..n) one dictionary: when they differ, each is
** re-coded into a new shared one. *dict receives it (borrowed). */
static tg_status share_dict(struct cc *c, const tg_expr *where, int *idx, size_t n,
                            tg_dict **dict) {
    tg_dict *d = S(c, idx[0])->dict;
    size_t k;
    for (k = 1; k < n && S(c, idx[k])->dict == d; k++) {
    }
    if (k == n) {
        *dict = d;
        return TG_OK;
    }
    d = tg_dict_new();
    if (!d) return tg_err_nomem(c->err);
    for (k = 0; k < n; k++) {
        int m;
        tg_status st = add_strtab(c, TG_TAB_MAP, TG_STRING, where, idx[k], &m);
        if (st != TG_OK) {
            tg_dict_release(d);
            return st;
        }
        tg_step *s = S(c, m);
        s->op = TG_OP_COALESCE; /* identity: copy each string */
        tg_dict_release(s->dict);
        s->dict = tg_dict_retain(d);
        idx[k] = m;
    }
    tg_dict_release(d); /* the map steps hold it */
    *dict = S(c, idx[0])->dict;
    return TG_OK;
}

static tg_status compile_args(struct cc *c, const tg_expr *e, int *idx) {
    for (size_t k = 0; k < e->n_args; k++) {
        tg_status st = compile(c, e->args[k], &idx[k]);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

/* ---- comparisons ---- */

static unsigned cmp_mask(tg_op op) {
    switch (op) {
    case TG_OP_EQ: return TG_KERN_EQ;
    case TG_OP_NE: return TG_KERN_LT | TG_KERN_GT;
    case TG_OP_LT: return TG_KERN_LT;
    case TG_OP_LE: return TG_KERN_LT | TG_KERN_EQ;
    case TG_OP_GT: return TG_KERN_GT;
    default: return TG_KERN_GT | TG_KERN_EQ;
    }
}

/* The comparison with its operands swapped: a < b is b > a. */
static tg_op flip(tg_op op) {
    switch (op) {
    case TG_OP_LT: return TG_OP_GT;
    case TG_OP_LE: return TG_OP_GE;
    case TG_OP_GT: return TG_OP_LT;
    case TG_OP_GE: return TG_OP_LE;
    default: return op;
    }
}

/* Sets the integer range of 'x op v' on a range step over [min, max]. */
static void int_range(tg_step *s, tg_op op, int64_t v, int64_t min, int64_t max) {
    s->u.i.lo = min;
    s->u.i.hi = max;
    switch (op) {
    case TG_OP_EQ: s->u.i.lo = s->u.i.hi = v; break;
    case TG_OP_NE: s->u.i.lo = s->u.i.hi = v, s->neg = 1; break;
    case TG_OP_LT: s->empty = v <= min; break;
    case TG_OP_LE: s->u.i.hi = v; break;
    case TG_OP_GT: s->empty = v >= max; break;
    default: s->u.i.lo = v; break;
    }
    if (s->empty) s->u.i.lo = s->u.i.hi = 0;
    else if (op == TG_OP_LT) s->u.i.hi = v - 1;
    else if (op == TG_OP_GT) s->u.i.lo = v + 1;
}

/* The same for floats; NaN is in no range, so x != NaN is always true. */
static void float_range(tg_step *s, tg_op op, double v) {
    s->u.f.lo = -INFINITY;
    s->u.f.hi = INFINITY;
    if (isnan(v)) {
        s->empty = 1;
        s->neg = op == TG_OP_NE;
        return;
    }
    switch (op) {
    case TG_OP_EQ: s->u.f.lo = s->u.f.hi = v; break;
    case TG_OP_NE: s->u.f.lo = s->u.f.hi = v, s->neg = 1; break;
    case TG_OP_LT: s->u.f.hi = nextafter(v, -INFINITY), s->empty = v == -INFINITY; break;
    case TG_OP_LE: s->u.f.hi = v; break;
    case TG_OP_GT: s->u.f.lo = nextafter(v, INFINITY), s->empty = v == INFINITY; break;
    default: s->u.f.lo = v; break;
    }
}

/* A per-code string predicate step on input a, comparing with str (may be
** NULL: the literals are node's). */
static tg_status add_pred(struct cc *c, const tg_expr *node, tg_op op, int a, const char *str,
                          size_t len, int *out) {
    tg_status st = add_strtab(c, TG_TAB_PRED, TG_BOOL, node, a, out);
    if (st != TG_OK) return st;
    S(c, *out)->op = (uint8_t)op;
    S(c, *out)->u.tab->str = str;
    S(c, *out)->u.tab->str_len = len;
    return TG_OK;
}

/* 'a op b' for op EQ .. GE; node is what the user wrote. */
static tg_status cmp_steps(struct cc *c, const tg_expr *node, tg_op op, int a, int b, int *out) {
    int idx[2] = { a, b };
    tg_type t;
    tg_status st = unify(c, node, "compare", idx, 2, &t);
    if (st != TG_OK) return st;
    a = idx[0];
    b = idx[1];
    if (t == TG_TYPE_NULL) return add_const(c, node, TG_BOOL, 0, 0, 1, out);
    if (is_value_const(c, a) && !is_value_const(c, b)) {
        int tmp = a;
        a = b;
        b = tmp;
        op = flip(op);
    }
    if (is_value_const(c, b) && !is_value_const(c, a) && t != TG_BOOL) {
        int64_t v = t == TG_FLOAT || t == TG_STRING ? 0 : S(c, b)->u.i.lo;
        double f = t == TG_FLOAT ? S(c, b)->u.f.lo : 0;
        const char *str = t == TG_STRING ? S(c, b)->node->u.lit.s : NULL;
        size_t len = t == TG_STRING ? S(c, b)->node->u.lit.len : 0;
        if (t == TG_STRING && op != TG_OP_EQ && op != TG_OP_NE)
            return add_pred(c, node, op, a, str, len, out);
        st = add_op(c, TG_K_RANGE, TG_BOOL, node, a, -1, out);
        if (st != TG_OK) return st;
        tg_step *s = S(c, *out);
        s->op = (uint8_t)op;
        if (t == TG_INT) int_range(s, op, v, INT64_MIN, INT64_MAX);
        else if (t == TG_DATE) int_range(s, op, v, INT32_MIN, INT32_MAX);
        else if (t == TG_FLOAT) float_range(s, op, f);
        else { /* string == / != literal: the code is looked up when the rows run */
            s->lazy_code = 1;
            s->neg = op == TG_OP_NE;
            s->u.str.s = str;
            s->u.str.len = len;
        }
        return TG_OK;
    }
    st = add_op(c, TG_K_CMP, TG_BOOL, node, a, b, out);
    if (st != TG_OK) return st;
    tg_step *s = S(c, *out);
    s->op = (uint8_t)op;
    s->u.cmp.mask = (uint8_t)cmp_mask(op);
    switch (t) {
    case TG_INT: s->u.cmp.kind = TG_CMPK_I64; break;
    case TG_FLOAT: s->u.cmp.kind = TG_CMPK_F64; break;
    case TG_DATE: s->u.cmp.kind = TG_CMPK_I32; break;
    case TG_BOOL: s->u.cmp.kind = TG_CMPK_U8; break;
    default: {
        tg_dict *da = S(c, a)->dict, *db = S(c, b)->dict;
        int fixed = S(c, a)->kind == TG_K_COL && S(c, b)->kind == TG_K_COL;
        if (da == db && (op == TG_OP_EQ || op == TG_OP_NE)) {
            s->u.cmp.kind = TG_CMPK_CODES;
        } else if (da == db && fixed) {
            /* Ranks are fixed because a column's dictionary does not grow
            ** while the program runs. */
            uint32_t *rank = tg_malloc((tg_dict_size(da) + 1) * sizeof *rank);
            s->u.cmp.kind = TG_CMPK_RANKS;
            s->u.cmp.rank = rank;
            if (!rank || tg_dict_ranks(da, rank) != TG_OK) return tg_err_nomem(c->err);
            rank[tg_dict_size(da)] = 0;
            c->need_tmp = 1; /* both sides' ranks */
        } else {
            s->u.cmp.kind = TG_CMPK_BYTES;
        }
        break;
    }
    }
    return TG_OK;
}

static tg_status compile_between(struct cc *c, const tg_expr *e, int *out) {
    int idx[3], ge, le;
    tg_type t;
    tg_status st = compile_args(c, e, idx);
    if (st == TG_OK) st = unify(c, e, "compare", idx, 3, &t);
    if (st != TG_OK) return st;
    if (t != TG_TYPE_NULL && t != TG_BOOL && !is_value_const(c, idx[0]) &&
        is_value_const(c, idx[1]) && is_value_const(c, idx[2])) {
        tg_step lo = *S(c, idx[1]), hi = *S(c, idx[2]);
        if (t == TG_STRING) /* bounds: e's literals */
            return add_pred(c, e, TG_OP_BETWEEN, idx[0], NULL, 0, out);
        st = add_op(c, TG_K_RANGE, TG_BOOL, e, idx[0], -1, out);
        if (st != TG_OK) return st;
        tg_step *s = S(c, *out);
        if (t == TG_FLOAT) {
            s->u.f.lo = lo.u.f.lo;
            s->u.f.hi = hi.u.f.lo;
            s->empty = !(lo.u.f.lo <= hi.u.f.lo);
        } else {
            s->u.i.lo = lo.u.i.lo;
            s->u.i.hi = hi.u.i.lo;
            s->empty = lo.u.i.lo > hi.u.i.lo;
        }
        if (s->empty) s->u.i.lo = s->u.i.hi = 0;
        return TG_OK;
    }
    st = cmp_steps(c, e, TG_OP_GE, idx[0], idx[1], &ge);
    if (st == TG_OK) st = cmp_steps(c, e, TG_OP_LE, idx[0], idx[2], &le);
    if (st == TG_OK) st = add_op(c, TG_K_AND, TG_BOOL, e, ge, le, out);
    return st;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_i32(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_f64(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* isin(x, literals): the literals become a sorted list (numbers, dates) or
** a per-code predicate (strings); NULL literals match nothing. */
static tg_status compile_isin(struct cc *c, const tg_expr *e, int *out) {
    int x;
    tg_type t = TG_TYPE_NULL;
    size_t n = e->n_args - 1, m = 0;
    tg_status st = compile(c, e->args[0], &x);
    if (st != TG_OK) return st;
    t = S(c, x)->type;
    for (size_t k = 1; k <= n; k++) {
        const tg_expr *l = e->args[k];
        if (l->op != TG_OP_LIT) return fail(c, e, "isin() takes a list of literals");
        tg_type u = l->u.lit.type;
        if (u == TG_TYPE_NULL || u == t) continue;
        if (t == TG_TYPE_NULL || (t == TG_INT && u == TG_FLOAT)) t = u;
        else if (t == TG_FLOAT && u == TG_INT) continue;
        else if (t == TG_DATE && u == TG_STRING) continue;
        else {
            char a[320];
            describe(c, x, a, sizeof a);
            return fail(c, e, "cannot compare %s with %s", a,
                        u == TG_STRING
                            ? "a string"
                            : (u == TG_DATE ? "a date" : (u == TG_BOOL ? "a bool" : "a number")));
        }
    }
    if (t == TG_TYPE_NULL) return add_const(c, e, TG_BOOL, 0, 0, 1, out);
    if (t == TG_BOOL) return fail(c, e, "isin() does not take bools; use eq()");
    st = coerce(c, x, t, e, &x);
    if (st != TG_OK) return st;
    if (t == TG_STRING) {
        return add_pred(c, e, TG_OP_ISIN, x, NULL, 0, out); /* the list: e's literals */
    }
    st = add_op(c, TG_K_ISIN, TG_BOOL, e, x, -1, out);
    if (st != TG_OK) return st;
    tg_step *s = S(c, *out);
    void *list = s->u.list.v = tg_malloc((n ? n : 1) * 8);
    if (!list) return tg_err_nomem(c->err);
    for (size_t k = 1; k <= n; k++) {
        const tg_expr *l = e->args[k];
        if (l->u.lit.type == TG_TYPE_NULL) continue;
        if (t == TG_FLOAT) {
            double f = l->u.lit.type == TG_FLOAT ? l->u.lit.f : (double)l->u.lit.i;
            if (!isnan(f)) ((double *)list)[m++] = f;
        } else if (t == TG_INT) {
            ((int64_t *)list)[m++] = l->u.lit.i;
        } else {
            int32_t d;
            if (l->u.lit.type == TG_STRING) {
                if (tg_date_parse_iso(l->u.lit.s, l->u.lit.len, &d) != 0)
                    return fail(c, e, "'%.60s' is not a date (expected YYYY-MM-DD)", l->u.lit.s);
            } else if (l->u.lit.i < TG_DATE_MIN || l->u.lit.i > TG_DATE_MAX) {
                return fail(c, e, "date literal out of range (years 1-9999)");
            } else {
                d = (int32_t)l->u.lit.i;
            }
            ((int32_t *)list)[m++] = d;
        }
    }
    qsort(list, m, t == TG_DATE ? 4 : 8,
          t == TG_FLOAT ? cmp_f64 : (t == TG_INT ? cmp_i64 : cmp_i32));
    s->u.list.n = m;
    return TG_OK;
}

/* ---- arithmetic ---- */

static const char *op_symbol(tg_op op) {
    switch (op) {
    case TG_OP_ADD: return "+";
    case TG_OP_SUB: return "-";
    case TG_OP_MUL: return "*";
    case TG_OP_DIV: return "/";
    case TG_OP_IDIV: return "//";
    default: return "%";
    }
}

static tg_status compile_arith(struct cc *c, const tg_expr *e, int *out) {
    int idx[2];
    tg_op op = e->op;
    tg_status st = compile_args(c, e, idx);
    if (st != TG_OK) return st;
    tg_type ta = S(c, idx[0])->type, tb = S(c, idx[1])->type;

    /* A null operand takes the type that makes sense beside the other. */
    if (ta == TG_TYPE_NULL && tb == TG_TYPE_NULL) return no_type(c, e);
    if (ta == TG_TYPE_NULL) ta = tb == TG_DATE && op == TG_OP_ADD ? TG_INT : tb;
    if (tb == TG_TYPE_NULL) tb = ta == TG_DATE ? (op == TG_OP_SUB ? TG_DATE : TG_INT) : ta;
    if ((st = coerce(c, idx[0], ta, e, &idx[0])) != TG_OK) return st;
    if ((st = coerce(c, idx[1], tb, e, &idx[1])) != TG_OK) return st;

    if (ta == TG_INT && tb == TG_DATE && op == TG_OP_ADD) {
        int tmp = idx[0];
        idx[0] = idx[1];
        idx[1] = tmp;
        ta = TG_DATE;
        tb = TG_INT;
    }
    if (ta == TG_DATE && tb == TG_INT && (op == TG_OP_ADD || op == TG_OP_SUB)) {
        st = add_op(c, TG_K_DATEADD, TG_DATE, e, idx[0], idx[1], out);
        if (st == TG_OK) S(c, *out)->u.sign = op == TG_OP_ADD ? 1 : -1, S(c, *out)->may_fail = 1;
        return st;
    }
    if (ta == TG_DATE && tb == TG_DATE && op == TG_OP_SUB)
        return add_op(c, TG_K_DATEDIFF, TG_INT, e, idx[0], idx[1], out);
    if ((ta == TG_INT || ta == TG_FLOAT) && (tb == TG_INT || tb == TG_FLOAT)) {
        tg_type t = ta == TG_FLOAT || tb == TG_FLOAT || op == TG_OP_DIV ? TG_FLOAT : TG_INT;
        if ((st = coerce(c, idx[0], t, e, &idx[0])) != TG_OK) return st;
        if ((st = coerce(c, idx[1], t, e, &idx[1])) != TG_OK) return st;
        st = add_op(c, TG_K_ARITH, t, e, idx[0], idx[1], out);
        if (st == TG_OK && t == TG_INT && op != TG_OP_MOD) S(c, *out)->may_fail = 1;
        return st;
    }
    char a[320], b[320];
    describe(c, idx[0], a, sizeof a);
    describe(c, idx[1], b, sizeof b);
    return fail(c, e, "cannot apply '%s' to %s and %s", op_symbol(op), a, b);
}

/* Operand i of a unary operator that wants 'want' (or, for numbers, int
** or float): nulls become typed, string literals become dates. */
static tg_status unary_operand(struct cc *c, const tg_expr *e, tg_type want, int numeric,
                               int *out) {
    tg_status st = compile(c, e->args[0], out);
    if (st != TG_OK) return st;
    tg_type t = S(c, *out)->type;
    if (numeric && (t == TG_INT || t == TG_FLOAT)) return TG_OK;
    if (t == want) return TG_OK;
    if (t == TG_TYPE_NULL || (want == TG_DATE && t == TG_STRING && S(c, *out)->kind == TG_K_CONST))
        return coerce(c, *out, want, e, out);
    char a[320];
    describe(c, *out, a, sizeof a);
    return fail(c, e, "%s() needs %s, got %s", tg_op_name(e->op),
                numeric ? "a number"
                        : (want == TG_DATE ? "a date" : (want == TG_BOOL ? "a bool" : "a string")),
                a);
}

static tg_status compile_numeric_unary(struct cc *c, const tg_expr *e, int *out) {
    int a;
    tg_status st = unary_operand(c, e, e->op == TG_OP_ROUND ? TG_FLOAT : TG_INT, 1, &a);
    if (st != TG_OK) return st;
    tg_type t = S(c, a)->type;
    switch (e->op) {
    case TG_OP_NEG: st = add_op(c, TG_K_NEG, t, e, a, -1, out); break;
    case TG_OP_ABS: st = add_op(c, TG_K_ABS, t, e, a, -1, out); break;
    case TG_OP_FLOOR:
    case TG_OP_CEIL:
        if (t == TG_INT) {
            *out = a; /* already whole */
            return TG_OK;
        }
        return add_op(c, e->op == TG_OP_FLOOR ? TG_K_FLOOR : TG_K_CEIL, t, e, a, -1, out);
    default: /* round */
        if (e->u.round.digits < TG_ROUND_MIN_DIGITS || e->u.round.digits > TG_ROUND_MAX_DIGITS)
            return fail(c, e, "round() takes %d to %d digits, got %d", TG_ROUND_MIN_DIGITS,
                        TG_ROUND_MAX_DIGITS, e->u.round.digits);
        if (t == TG_INT && e->u.round.digits >= 0) {
            *out = a;
            return TG_OK;
        }
        st = add_op(c, TG_K_ROUND, t, e, a, -1, out);
        if (st == TG_OK) S(c, *out)->u.round.digits = e->u.round.digits;
        if (st == TG_OK) S(c, *out)->u.round.mode = e->u.round.mode;
        break;
    }
    if (st == TG_OK && t == TG_INT) S(c, *out)->may_fail = 1;
    return st;
}

/* ---- logic and choice ---- */

static tg_status compile_logic(struct cc *c, const tg_expr *e, int *out) {
    int acc = -1;
    for (size_t k = 0; k < e->n_args; k++) {
        int a;
        tg_status st = compile(c, e->args[k], &a);
        if (st != TG_OK) return st;
        if (S(c, a)->type == TG_TYPE_NULL) st = coerce(c, a, TG_BOOL, e, &a);
        if (st != TG_OK) return st;
        if (S(c, a)->type != TG_BOOL) {
            char d[320];
            describe(c, a, d, sizeof d);
            return fail(c, e, "'%s' needs bools, got %s", tg_op_name(e->op), d);
        }
        if (e->op == TG_OP_NOT) return add_op(c, TG_K_NOT, TG_BOOL, e, a, -1, out);
        if (acc < 0) {
            acc = a;
            continue;
        }
        st = add_op(c, e->op == TG_OP_AND ? TG_K_AND : TG_K_OR, TG_BOOL, e, acc, a, &acc);
        if (st != TG_OK) return st;
    }
    *out = acc;
    return TG_OK;
}

/* coalesce / fill_null (first valid argument) and if_else (cond, a, b). */
static tg_status compile_choice(struct cc *c, const tg_expr *e, int *out) {
    int idx[64], *v = idx, cond = -1;
    size_t n = e->n_args;
    tg_type t;
    tg_dict *dict = NULL;
    tg_status st;

    if (n > TG_ARRAY_LEN(idx))
        return fail(c, e, "%s() takes at most 64 arguments", tg_op_name(e->op));
    if ((st = compile_args(c, e, idx)) != TG_OK) return st;
    if (e->op == TG_OP_IF_ELSE) {
        cond = idx[0];
        if (S(c, cond)->type == TG_TYPE_NULL && (st = coerce(c, cond, TG_BOOL, e, &cond)) != TG_OK)
            return st;
        if (S(c, cond)->type != TG_BOOL) {
            char d[320];
            describe(c, cond, d, sizeof d);
            return fail(c, e, "if_else() needs a bool condition, got %s", d);
        }
        v = idx + 1;
        n = 2;
    }
    st = unify(c, e, e->op == TG_OP_IF_ELSE ? "choose between" : "combine", v, n, &t);
    if (st != TG_OK) return st;
    if (t == TG_TYPE_NULL) return no_type(c, e);
    if (t == TG_STRING && (st = share_dict(c, e, v, n, &dict)) != TG_OK) return st;
    if (e->op == TG_OP_IF_ELSE) {
        st = add_op(c, TG_K_IF_ELSE, t, e, v[0], v[1], out);
        if (st != TG_OK) return st;
        tg_step *s = S(c, *out);
        s->u.cond = cond;
        s->may_fail |= S(c, cond)->may_fail;
        c->need_tmp = 1; /* which rows take a */
        if (dict) s->dict = tg_dict_retain(dict);
        return TG_OK;
    }
    int acc = v[0];
    for (size_t k = 1; k < n; k++) {
        st = add_op(c, TG_K_COALESCE, t, e, acc, v[k], &acc);
        if (st != TG_OK) return st;
        if (dict) S(c, acc)->dict = tg_dict_retain(dict);
    }
    *out = acc;
    return TG_OK;
}

/* ---- casts ---- */

static tg_status compile_cast(struct cc *c, const tg_expr *e, int *out) {
    int a;
    tg_type to = e->u.cast.to, from;
    tg_status st = compile(c, e->args[0], &a);
    if (st != TG_OK) return st;
    from = S(c, a)->type;
    if (from == to) {
        *out = a;
        return TG_OK;
    }
    if (from == TG_TYPE_NULL) return coerce(c, a, to, e, out);
    if (to == TG_STRING) return add_op(c, TG_K_TOSTR, TG_STRING, e, a, -1, out);
    if (from == TG_STRING) {
        st = add_strtab(c, TG_TAB_PARSE, to, e, a, out);
        if (st != TG_OK) return st;
        tg_step *s = S(c, *out);
        s->strict = e->u.cast.strict;
        s->may_fail |= s->strict;
        return TG_OK;
    }
    int ok = (from == TG_INT && (to == TG_FLOAT || to == TG_BOOL || to == TG_DATE)) ||
             (from == TG_FLOAT && (to == TG_INT || to == TG_BOOL)) ||
             (from == TG_BOOL && (to == TG_INT || to == TG_FLOAT)) ||
             (from == TG_DATE && to == TG_INT);
    if (!ok) return fail(c, e, "cannot cast %s to %s", tg_type_name(from), tg_type_name(to));
    st = add_op(c, TG_K_CAST, to, e, a, -1, out);
    if (st != TG_OK) return st;
    S(c, *out)->strict = e->u.cast.strict;
    if (e->u.cast.strict &&
        ((from == TG_FLOAT && to == TG_INT) || (from == TG_INT && to == TG_DATE)))
        S(c, *out)->may_fail = 1;
    return TG_OK;
}

/* ---- dates and strings ---- */

static tg_status compile_date_fn(struct cc *c, const tg_expr *e, int *out) {
    static const tg_datepart parts[] = { TG_PART_YEAR,    TG_PART_QUARTER,      TG_PART_MONTH,
                                         TG_PART_DAY,     TG_PART_WEEKDAY,      TG_PART_ISOWEEK,
                                         TG_PART_ISOYEAR, TG_PART_DAYS_IN_MONTH };
    int a;
    tg_status st = unary_operand(c, e, TG_DATE, 0, &a);
    if (st != TG_OK) return st;
    if (e->op == TG_OP_TRUNC) {
        if (e->u.unit < TG_UNIT_WEEK || e->u.unit > TG_UNIT_YEAR)
            return fail(c, e, "trunc() takes \"week\", \"month\", \"quarter\" or \"year\"");
        st = add_op(c, TG_K_TRUNC, TG_DATE, e, a, -1, out);
        if (st == TG_OK) S(c, *out)->u.unit = e->u.unit;
        return st;
    }
    st = add_op(c, TG_K_DATEPART, TG_INT, e, a, -1, out);
    if (st == TG_OK) S(c, *out)->u.part = parts[e->op - TG_OP_YEAR];
    return st;
}

static tg_status compile_string_fn(struct cc *c, const tg_expr *e, int *out) {
    int a;
    tg_status st = unary_operand(c, e, TG_STRING, 0, &a);
    if (st != TG_OK) return st;
    switch (e->op) {
    case TG_OP_LOWER:
    case TG_OP_UPPER: return add_strtab(c, TG_TAB_MAP, TG_STRING, e, a, out);
    case TG_OP_LEN: return add_strtab(c, TG_TAB_LEN, TG_INT, e, a, out);
    default: { /* contains, starts_with, ends_with */
        const tg_expr *lit = e->args[1];
        if (lit->op != TG_OP_LIT || lit->u.lit.type != TG_STRING)
            return fail(c, e, "%s() needs a string literal to look for", tg_op_name(e->op));
        return add_pred(c, e, e->op, a, lit->u.lit.s, lit->u.lit.len, out);
    }
    }
}

static tg_status compile_concat(struct cc *c, const tg_expr *e, int *out) {
    int32_t *ins = tg_malloc(e->n_args * sizeof *ins);
    tg_status st = ins ? TG_OK : tg_err_nomem(c->err);
    for (size_t k = 0; k < e->n_args && st == TG_OK; k++) {
        st = compile(c, e->args[k], &ins[k]);
        if (st != TG_OK) break;
        tg_type t = S(c, ins[k])->type;
        if (t == TG_TYPE_NULL) st = coerce(c, ins[k], TG_STRING, e, &ins[k]);
        else if (t != TG_STRING)
            st = add_op(c, TG_K_TOSTR, TG_STRING, e->args[k], ins[k], -1, &ins[k]);
    }
    if (st == TG_OK) st = add_op(c, TG_K_CONCAT, TG_STRING, e, -1, -1, out);
    if (st != TG_OK) {
        tg_free(ins);
        return st;
    }
    tg_step *s = S(c, *out);
    s->u.cat.ins = ins;
    s->u.cat.n = e->n_args;
    for (size_t k = 0; k < e->n_args; k++) s->may_fail |= S(c, ins[k])->may_fail;
    return TG_OK;
}

/* ---- the walk ---- */

/* The memo of compiled nodes is an open-addressing hash on the key's
** address (cap_memo a power of two, at most half full): a linear scan made
** compiling a wide expression quadratic (2^15 terms took 3 s). The keys
** are nodes reachable more than once and a table's column slots, so every
** reference to one column is one step. */
static size_t memo_slot(const struct cc *c, const void *key) {
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(h >> 32) & (c->cap_memo - 1);
    while (c->memo_key[i] && c->memo_key[i] != key) i = (i + 1) & (c->cap_memo - 1);
    return i;
}

/* The step compiled for key, or -1. */
static int memo_find(const struct cc *c, const void *key) {
    if (!c->cap_memo) return -1;
    size_t i = memo_slot(c, key);
    return c->memo_key[i] ? c->memo_step[i] : -1;
}

static tg_status memo_grow(struct cc *c) {
    size_t cap = c->cap_memo ? c->cap_memo * 2 : 64;
    struct cc old = *c;
    c->memo_key = tg_calloc(cap, sizeof *c->memo_key);
    c->memo_step = tg_malloc(cap * sizeof *c->memo_step);
    if (!c->memo_key || !c->memo_step) {
        tg_free(c->memo_key);
        tg_free(c->memo_step);
        c->memo_key = old.memo_key;
        c->memo_step = old.memo_step;
        return tg_err_nomem(c->err);
    }
    c->cap_memo = cap;
    for (size_t k = 0; k < old.cap_memo; k++) {
        if (!old.memo_key[k]) continue;
        size_t i = memo_slot(c, old.memo_key[k]);
        c->memo_key[i] = old.memo_key[k];
        c->memo_step[i] = old.memo_step[k];
    }
    tg_free(old.memo_key);
    tg_free(old.memo_step);
    return TG_OK;
}

static tg_status memo_add(struct cc *c, const void *key, int step) {
    if (2 * (c->n_memo + 1) > c->cap_memo && memo_grow(c) != TG_OK) return TG_ENOMEM;
    size_t i = memo_slot(c, key);
    c->memo_key[i] = key;
    c->memo_step[i] = step;
    c->n_memo++;
    return TG_OK;
}

static tg_status compile_column(struct cc *c, const tg_expr *e, int *out) {
    const tg_table *t = c->p->t;
    long k;
    tg_status st = tg_table_lookup(t, e->u.name, &k, c->err);
    if (st != TG_OK) return st;
    if ((*out = memo_find(c, &t->cols[k])) >= 0) return TG_OK;
    st = add_step(c, TG_K_COL, t->cols[k]->type, e, out);
    if (st != TG_OK) return st;
    tg_step *s = S(c, *out);
    s->u.col = t->cols[k];
    if (s->u.col->dict) s->dict = tg_dict_retain(s->u.col->dict);
    return memo_add(c, &t->cols[k], *out);
}

static tg_status compile_literal(struct cc *c, const tg_expr *e, int *out) {
    tg_type t = e->u.lit.type;
    if (t == TG_DATE && (e->u.lit.i < TG_DATE_MIN || e->u.lit.i > TG_DATE_MAX))
        return fail(c, e, "date literal out of range (years 1-9999)");
    return add_const(c, e, t, e->u.lit.i, e->u.lit.f, t == TG_TYPE_NULL, out);
}

static tg_status compile_node(struct cc *c, const tg_expr *e, int *out) {
    switch (e->op) {
    case TG_OP_COL: return compile_column(c, e, out);
    case TG_OP_LIT: return compile_literal(c, e, out);
    case TG_OP_ADD:
    case TG_OP_SUB:
    case TG_OP_MUL:
    case TG_OP_DIV:
    case TG_OP_IDIV:
    case TG_OP_MOD: return compile_arith(c, e, out);
    case TG_OP_NEG:
    case TG_OP_ABS:
    case TG_OP_FLOOR:
    case TG_OP_CEIL:
    case TG_OP_ROUND: return compile_numeric_unary(c, e, out);
    case TG_OP_EQ:
    case TG_OP_NE:
    case TG_OP_LT:
    case TG_OP_LE:
    case TG_OP_GT:
    case TG_OP_GE: {
        int idx[2];
        tg_status st = compile_args(c, e, idx);
        return st != TG_OK ? st : cmp_steps(c, e, e->op, idx[0], idx[1], out);
    }
    case TG_OP_BETWEEN: return compile_between(c, e, out);
    case TG_OP_ISIN: return compile_isin(c, e, out);
    case TG_OP_IS_NULL:
    case TG_OP_NOT_NULL: {
        int a;
        tg_status st = compile(c, e->args[0], &a);
        if (st != TG_OK) return st;
        return add_op(c, e->op == TG_OP_IS_NULL ? TG_K_IS_NULL : TG_K_NOT_NULL, TG_BOOL, e, a, -1,
                      out);
    }
    case TG_OP_AND:
    case TG_OP_OR:
    case TG_OP_NOT: return compile_logic(c, e, out);
    case TG_OP_FILL_NULL:
    case TG_OP_COALESCE:
    case TG_OP_IF_ELSE: return compile_choice(c, e, out);
    case TG_OP_CAST: return compile_cast(c, e, out);
    case TG_OP_YEAR:
    case TG_OP_QUARTER:
    case TG_OP_MONTH:
    case TG_OP_DAY:
    case TG_OP_WEEKDAY:
    case TG_OP_ISOWEEK:
    case TG_OP_ISOYEAR:
    case TG_OP_DAYS_IN_MONTH:
    case TG_OP_TRUNC: return compile_date_fn(c, e, out);
    case TG_OP_LOWER:
    case TG_OP_UPPER:
    case TG_OP_LEN:
    case TG_OP_CONTAINS:
    case TG_OP_STARTS_WITH:
    case TG_OP_ENDS_WITH: return compile_string_fn(c, e, out);
    case TG_OP_CONCAT: return compile_concat(c, e, out);
    }
    return fail(c, e, "unknown operator %d", (int)e->op);
}

/* A node held by one reference (its parent's) is reached once, so only
** shared nodes go into the memo. */
static tg_status compile(struct cc *c, const tg_expr *e, int *out) {
    int shared = e->refs > 1 && e->op != TG_OP_COL; /* columns have their own memo */
    if (shared && (*out = memo_find(c, e)) >= 0) return TG_OK;
    tg_status st = ++c->n_nodes % POLL_NODES == 0 ? tg_poll(c->intr) : TG_OK;
    if (st != TG_OK) return tg_err_set(c->err, st, NULL, 0, 0, "interrupted while compiling");
    st = compile_node(c, e, out);
    if (st != TG_OK) return st;
    if (shared && memo_add(c, e, *out) != TG_OK) return TG_ENOMEM;
    if (S(c, *out)->may_fail) c->p->may_fail = 1;
    return TG_OK;
}

/* ---- slots ---- */

/* The vectors steps write live in one arena, in slots of vec rows of 1, 4
** or 8 bytes. Steps run in order, so a step's vectors are needed from when
** it runs until its last reader has run: finish() hands a slot to a step
** when it runs and takes it back after that reader, so the arena holds as
** many vectors as are alive at once (about the tree's depth), not one per
** node. A reader may hand its input's vectors on as its own: a step with
** one input may pass on that input's validity, coalesce its first input's
** values; the input's slot then stays until the reader's readers are done.
** Steps with more inputs write validity of their own (see tg_exec.c), so
** these chains stay short. Constants are filled once into slots of their
** own, equal ones sharing, up to MAX_PINNED distinct ones; any further
** ones are refilled every vector in ordinary slots. The step array is cut
** to size first, so the program holds no more than it uses. */

#define MAX_PINNED 8 /* vectors of 16 KiB at most */

struct pool {
    size_t n[3];  /* slots made, by width class: 8, 4 and 1 bytes per row */
    int *free[3]; /* slots given back, by class */
    size_t n_free[3], cap_free[3];
    tg_error *err;
};

static int width_class(size_t width) {
    return width == 8 ? 0 : (width == 4 ? 1 : 2);
}

/* A slot of class cls: one given back, or a new one. */
static tg_status pool_get(struct pool *pl, int cls, int *slot) {
    if (pl->n_free[cls]) {
        *slot = pl->free[cls][--pl->n_free[cls]];
        return TG_OK;
    }
    if (pl->n[cls] >= pl->cap_free[cls]) { /* room for every slot to come back */
        size_t cap = pl->cap_free[cls] ? pl->cap_free[cls] : 16;
        while (cap <= pl->n[cls]) cap *= 2;
        int *f = tg_realloc(pl->free[cls], cap * sizeof *f);
        if (!f) return tg_err_nomem(pl->err);
        pl->free[cls] = f;
        pl->cap_free[cls] = cap;
    }
    *slot = (int)pl->n[cls]++;
    return TG_OK;
}

static void pool_put(struct pool *pl, int cls, int slot) {
    pl->free[cls][pl->n_free[cls]++] = slot;
}

/* The steps step k reads, in ins[0..return). */
static size_t step_inputs(const tg_step *s, int *ins, const int **more) {
    size_t n = 0;
    *more = NULL;
    if (s->in[0] >= 0) ins[n++] = s->in[0];
    if (s->in[1] >= 0) ins[n++] = s->in[1];
    if (s->kind == TG_K_IF_ELSE) ins[n++] = s->u.cond;
    if (s->kind == TG_K_CONCAT) *more = s->u.cat.ins;
    return n;
}

/* end_d[k] / end_v[k]: the last step that reads step k's values / validity,
** directly or through steps that hand them on; n_steps for the root's. */
static void lifetimes(const tg_eval *p, int *end_d, int *end_v) {
    int n = (int)p->n_steps;
    for (int k = 0; k < n; k++) end_d[k] = end_v[k] = k;
    for (int k = 0; k < n; k++) {
        const tg_step *s = &p->steps[k];
        const int *more;
        int ins[3];
        size_t m = step_inputs(s, ins, &more);
        for (size_t j = 0; j < m; j++) end_d[ins[j]] = end_v[ins[j]] = k;
        for (size_t j = 0; more && j < s->u.cat.n; j++) end_d[more[j]] = end_v[more[j]] = k;
    }
    end_d[p->root] = end_v[p->root] = n;
    for (int k = n - 1; k >= 0; k--) {
        const tg_step *s = &p->steps[k];
        if (s->in[0] >= 0 && s->in[1] < 0 && end_v[k] > end_v[s->in[0]]) end_v[s->in[0]] = end_v[k];
        if (s->kind == TG_K_COALESCE && end_d[k] > end_d[s->in[0]]) end_d[s->in[0]] = end_d[k];
    }
}

/* The pinned constant equal to step s (type, nullness and value), or -1. */
static int find_pin(const tg_eval *p, const int *pins, size_t n_pins, const tg_step *s) {
    for (size_t j = 0; j < n_pins; j++) {
        const tg_step *q = &p->steps[pins[j]];
        if (q->type == s->type && q->is_null == s->is_null &&
            memcmp(&q->u.i.lo, &s->u.i.lo, sizeof q->u.i.lo) == 0)
            return pins[j];
    }
    return -1;
}

void tg_eval_fill_const(tg_step *s, size_t n) {
    if (s->is_null) {
        memset(s->buf, 0, n * width_of(s->type));
        memset(s->vbuf, 0, n);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        switch (s->type) {
        case TG_INT: ((int64_t *)s->buf)[k] = s->u.i.lo; break;
        case TG_FLOAT: ((double *)s->buf)[k] = s->u.f.lo; break;
        case TG_BOOL: ((uint8_t *)s->buf)[k] = (uint8_t)s->u.i.lo; break;
        case TG_DATE: ((int32_t *)s->buf)[k] = (int32_t)s->u.i.lo; break;
        default: ((uint32_t *)s->buf)[k] = 0; break; /* code 0 of the literal's dictionary */
        }
    }
}

/* Gives step k its slots (slot_d[k] for values, slot_v[k] for validity;
** -1 for none). */
static tg_status assign(tg_eval *p, struct pool *pl, int k, const int *end_d, int *pins,
                        size_t *n_pins, int *slot_d, int *slot_v) {
    tg_step *s = &p->steps[k];
    int cls = width_class(width_of(s->type));
    slot_d[k] = slot_v[k] = -1;
    if (s->kind == TG_K_COL) return s->u.col->valid ? pool_get(pl, 2, &slot_v[k]) : TG_OK;
    if (s->kind == TG_K_CONST) {
        if (end_d[k] == k) return TG_OK; /* never read: a value folded into its user */
        int pin = find_pin(p, pins, *n_pins, s);
        if (pin >= 0) {
            slot_d[k] = slot_d[pin];
            slot_v[k] = slot_v[pin];
            return TG_OK;
        }
        if (*n_pins < MAX_PINNED) { /* a slot of its own, never given back */
            pins[(*n_pins)++] = k;
            slot_d[k] = (int)pl->n[cls]++;
            if (s->is_null) slot_v[k] = (int)pl->n[2]++;
            return TG_OK;
        }
        s->refill = 1;
    }
    tg_status st = pool_get(pl, cls, &slot_d[k]);
    if (st == TG_OK) st = pool_get(pl, 2, &slot_v[k]);
    return st;
}

/* Whether step k's slots go back to the pool once no one reads them. */
static int gives_back(const tg_step *s) {
    return s->kind != TG_K_CONST || s->refill;
}

/* Lists the steps by the step after which their values (list 0) and
** validity (list 1) are no longer needed: head[l][k], then next[l][...]. */
static void end_lists(size_t n, const int *end_d, const int *end_v, int *head[2], int *next[2]) {
    for (size_t k = 0; k <= n; k++) head[0][k] = head[1][k] = -1;
    for (size_t k = 0; k < n; k++) {
        next[0][k] = head[0][end_d[k]];
        head[0][end_d[k]] = (int)k;
        next[1][k] = head[1][end_v[k]];
        head[1][end_v[k]] = (int)k;
    }
}

/* Slots are SLOT_PAD bytes apart: slots a whole number of pages apart
** would put a kernel's inputs and output at the same offset within a
** page, and the CPU then stalls loads on stores to other slots ("4K
** aliasing"; a 64-term sum ran 30% slower). */
#define SLOT_PAD 64

/* Points every step at its slots in one new arena and fills the pinned
** constants. Classes are laid out widest first, each slot vec rows. */
static tg_status make_arena(struct cc *c, const struct pool *pl, const int *slot_d,
                            const int *slot_v) {
    tg_eval *p = c->p;
    size_t vec = p->vec, stride[3] = { 8 * vec + SLOT_PAD, 4 * vec + SLOT_PAD, vec + SLOT_PAD };
    size_t off[3], size;
    off[0] = 0;
    off[1] = off[0] + pl->n[0] * stride[0];
    off[2] = off[1] + pl->n[1] * stride[1];
    size = off[2] + pl->n[2] * stride[2] + (c->need_tmp ? 8 * vec : 0);
    char *base = p->arena = tg_calloc(size ? size : 1, 1);
    if (!base) return tg_err_nomem(c->err);
    if (c->need_tmp) p->tmp = base + off[2] + pl->n[2] * stride[2];
    for (size_t k = 0; k < p->n_steps; k++) {
        tg_step *s = &p->steps[k];
        int cls = width_class(width_of(s->type));
        if (slot_d[k] >= 0) s->buf = base + off[cls] + (size_t)slot_d[k] * stride[cls];
        if (slot_v[k] >= 0) s->vbuf = (uint8_t *)base + off[2] + (size_t)slot_v[k] * stride[2];
        if (s->kind == TG_K_COL) continue;
        s->data = s->buf;
        if (s->kind == TG_K_CONST && s->buf) {
            s->valid = s->is_null ? s->vbuf : NULL;
            if (!s->refill) tg_eval_fill_const(s, vec);
        }
    }
    return TG_OK;
}

/* Hands out the slots in step order (see above) and makes the arena. */
static tg_status finish(struct cc *c) {
    tg_eval *p = c->p;
    size_t n = p->n_steps, n_pins = 0;
    struct pool pl = { { 0 }, { NULL }, { 0 }, { 0 }, c->err };
    int pins[MAX_PINNED];
    tg_step *fit = n ? tg_realloc(p->steps, n * sizeof *fit) : NULL;
    if (fit) p->steps = fit, p->cap_steps = n; /* else it keeps its spare room */
    int *a = tg_malloc(8 * (n + 1) * sizeof *a);
    if (!a) return tg_err_nomem(c->err);
    int *end_d = a, *end_v = a + (n + 1), *slot_d = a + 2 * (n + 1), *slot_v = a + 3 * (n + 1);
    int *head[2] = { a + 4 * (n + 1), a + 5 * (n + 1) };
    int *next[2] = { a + 6 * (n + 1), a + 7 * (n + 1) };
    tg_status st = TG_OK;

    p->vec = p->t->n_rows < TG_VECTOR ? (p->t->n_rows + 63) / 64 * 64 : TG_VECTOR;
    if (p->vec == 0) p->vec = 64;
    lifetimes(p, end_d, end_v);
    end_lists(n, end_d, end_v, head, next);
    for (size_t k = 0; k < n && st == TG_OK; k++) {
        st = assign(p, &pl, (int)k, end_d, pins, &n_pins, slot_d, slot_v);
        for (int j = head[0][k]; j >= 0 && st == TG_OK; j = next[0][j])
            if (slot_d[j] >= 0 && gives_back(&p->steps[j]))
                pool_put(&pl, width_class(width_of(p->steps[j].type)), slot_d[j]);
        for (int j = head[1][k]; j >= 0 && st == TG_OK; j = next[1][j])
            if (slot_v[j] >= 0 && gives_back(&p->steps[j])) pool_put(&pl, 2, slot_v[j]);
    }
    if (st == TG_OK) st = make_arena(c, &pl, slot_d, slot_v);
    tg_free(a);
    for (int cls = 0; cls < 3; cls++) tg_free(pl.free[cls]);
    return st;
}

tg_status tg_eval_compile(const tg_expr *e, const tg_table *t, tg_eval **out, tg_error *err) {
    return tg_eval_compile_poll(e, t, NULL, out, err);
}

tg_status tg_eval_compile_poll(const tg_expr *e, const tg_table *t, const tg_interrupt *intr,
                               tg_eval **out, tg_error *err) {
    struct cc c = { 0 };
    tg_status st;

    assert(e != NULL && t != NULL && out != NULL);
    *out = NULL;
    c.err = err;
    c.intr = intr;
    st = tg_expr_check_depth(e, err); /* compile() recurses once per level */
    if (st != TG_OK) return st;
    c.p = tg_calloc(1, sizeof *c.p);
    if (!c.p) return tg_err_nomem(err);
    c.p->t = t;
    st = compile(&c, e, &c.p->root);
    if (st == TG_OK && S(&c, c.p->root)->type == TG_TYPE_NULL) st = no_type(&c, e);
    tg_free(c.memo_key);
    tg_free(c.memo_step);
    if (st == TG_OK) st = finish(&c);
    if (st != TG_OK) {
        tg_eval_free(c.p);
        return st;
    }
    if (S(&c, c.p->root)->kind == TG_K_COL) c.p->column = S(&c, c.p->root)->u.col;
    *out = c.p;
    return TG_OK;
}

void tg_eval_free(tg_eval *p) {
    if (!p) return;
    for (size_t k = 0; k < p->n_steps; k++) {
        tg_step *s = &p->steps[k];
        tg_dict_release(s->dict);
        switch (s->kind) {
        case TG_K_CONCAT: tg_free(s->u.cat.ins); break;
        case TG_K_CMP:
            if (s->u.cmp.kind == TG_CMPK_RANKS) tg_free(s->u.cmp.rank);
            break;
        case TG_K_ISIN: tg_free(s->u.list.v); break;
        case TG_K_STRTAB:
            if (s->u.tab) {
                tg_free(s->u.tab->tab);
                tg_free(s->u.tab->ok);
                tg_free(s->u.tab);
            }
            break;
        default: break;
        }
    }
    tg_free(p->steps);
    tg_free(p->arena);
    tg_free(p->scratch);
    tg_free(p);
}

tg_type tg_eval_type(const tg_eval *p) {
    return p->steps[p->root].type;
}

tg_dict *tg_eval_dict(const tg_eval *p) {
    return p->steps[p->root].dict;
}
