/*
** tg_expr.c -- expression trees: construction and rendering. Compiling a
** tree against a table is tg_eval's; running it, and the entry points that
** do both (type, evaluate into a column, filter into row indices), tg_exec's.
** A node is one allocation: the struct, its child pointers, then the bytes
** of a column name or string literal. Children hold references, so a tree
** lives as long as anything points at its root.
*/
#include "tg_expr.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "tg_dict.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_kern.h"
#include "tg_mem.h"
#include "tg_sbuf.h"

/* ---- nodes ---- */

static tg_expr *node_new(tg_op op, size_t n_args, const char *bytes, size_t len) {
    size_t head = sizeof(tg_expr) + n_args * sizeof(tg_expr *);
    tg_expr *e;
    if (n_args > UINT32_MAX || len > SIZE_MAX - head - 1) return NULL;
    e = tg_calloc(1, head + (bytes ? len + 1 : 0));
    if (!e) return NULL;
    e->refs = 1;
    e->op = op;
    e->depth = 1;
    e->n_args = (uint32_t)n_args;
    if (bytes) {
        char *copy = (char *)e + head;
        if (len) memcpy(copy, bytes, len);
        copy[len] = '\0';
        if (op == TG_OP_COL) {
            e->u.name = copy;
        } else {
            e->u.lit.s = copy;
            e->u.lit.len = len;
        }
    }
    return e;
}

static void set_args(tg_expr *e, tg_expr *const *args) {
    for (size_t k = 0; k < e->n_args; k++) {
        assert(args[k] != NULL);
        e->args[k] = tg_expr_retain(args[k]);
        if (args[k]->depth >= e->depth) e->depth = args[k]->depth + 1;
    }
}

tg_expr *tg_expr_col(const char *name) {
    assert(name != NULL);
    return node_new(TG_OP_COL, 0, name, strlen(name));
}

static tg_expr *literal(tg_type type, int64_t i, double f) {
    tg_expr *e = node_new(TG_OP_LIT, 0, NULL, 0);
    if (!e) return NULL;
    e->u.lit.type = type;
    if (type == TG_FLOAT) e->u.lit.f = f; /* i and f share their bytes */
    else e->u.lit.i = i;
    return e;
}

tg_expr *tg_expr_int(int64_t v) {
    return literal(TG_INT, v, 0);
}

tg_expr *tg_expr_float(double v) {
    return literal(TG_FLOAT, 0, v);
}

tg_expr *tg_expr_bool(int v) {
    return literal(TG_BOOL, v != 0, 0);
}

tg_expr *tg_expr_date(int32_t days) {
    return literal(TG_DATE, days, 0);
}

tg_expr *tg_expr_null(void) {
    return literal(TG_TYPE_NULL, 0, 0);
}

tg_expr *tg_expr_str(const char *s, size_t n) {
    tg_expr *e = node_new(TG_OP_LIT, 0, s ? s : "", s ? n : 0);
    if (e) e->u.lit.type = TG_STRING;
    return e;
}

static inline int is_unary(tg_op op) {
    switch (op) {
    case TG_OP_NEG:
    case TG_OP_IS_NULL:
    case TG_OP_NOT_NULL:
    case TG_OP_NOT:
    case TG_OP_FLOOR:
    case TG_OP_CEIL:
    case TG_OP_ABS:
    case TG_OP_YEAR:
    case TG_OP_QUARTER:
    case TG_OP_MONTH:
    case TG_OP_DAY:
    case TG_OP_WEEKDAY:
    case TG_OP_ISOWEEK:
    case TG_OP_ISOYEAR:
    case TG_OP_DAYS_IN_MONTH:
    case TG_OP_LOWER:
    case TG_OP_UPPER:
    case TG_OP_LEN: return 1;
    default: return 0;
    }
}

static inline int is_binary(tg_op op) {
    return (op >= TG_OP_ADD && op <= TG_OP_MOD) || (op >= TG_OP_EQ && op <= TG_OP_GE) ||
           op == TG_OP_AND || op == TG_OP_OR || op == TG_OP_FILL_NULL || op == TG_OP_COALESCE ||
           op == TG_OP_CONCAT || op == TG_OP_CONTAINS || op == TG_OP_STARTS_WITH ||
           op == TG_OP_ENDS_WITH;
}

tg_expr *tg_expr_unary(tg_op op, tg_expr *a) {
    assert(is_unary(op));
    tg_expr *e = node_new(op, 1, NULL, 0);
    if (e) set_args(e, &a);
    return e;
}

tg_expr *tg_expr_binary(tg_op op, tg_expr *a, tg_expr *b) {
    tg_expr *args[2] = { a, b };
    assert(is_binary(op));
    tg_expr *e = node_new(op, 2, NULL, 0);
    if (e) set_args(e, args);
    return e;
}

tg_expr *tg_expr_nary(tg_op op, tg_expr *const *args, size_t n) {
    assert(((op == TG_OP_AND || op == TG_OP_OR || op == TG_OP_COALESCE || op == TG_OP_CONCAT) &&
            n >= 2) ||
           ((op == TG_OP_BETWEEN || op == TG_OP_IF_ELSE) && n == 3) ||
           (op == TG_OP_ISIN && n >= 1));
    tg_expr *e = node_new(op, n, NULL, 0);
    if (e) set_args(e, args);
    return e;
}

tg_expr *tg_expr_between(tg_expr *x, tg_expr *lo, tg_expr *hi) {
    tg_expr *args[3] = { x, lo, hi };
    return tg_expr_nary(TG_OP_BETWEEN, args, 3);
}

tg_expr *tg_expr_if_else(tg_expr *cond, tg_expr *a, tg_expr *b) {
    tg_expr *args[3] = { cond, a, b };
    return tg_expr_nary(TG_OP_IF_ELSE, args, 3);
}

tg_expr *tg_expr_isin(tg_expr *x, tg_expr *const *list, size_t n) {
    tg_expr *e = node_new(TG_OP_ISIN, n + 1, NULL, 0);
    if (!e) return NULL;
    e->args[0] = x;
    if (n) memcpy(&e->args[1], list, n * sizeof *list);
    set_args(e, e->args);
    return e;
}

tg_expr *tg_expr_cast(tg_expr *a, tg_type to, int strict) {
    assert(to >= TG_INT && to <= TG_STRING);
    tg_expr *e = node_new(TG_OP_CAST, 1, NULL, 0);
    if (!e) return NULL;
    set_args(e, &a);
    e->u.cast.to = to;
    e->u.cast.strict = strict != 0;
    return e;
}

tg_expr *tg_expr_round(tg_expr *a, int digits, tg_round_mode mode) {
    assert(mode == TG_ROUND_HALF_UP || mode == TG_ROUND_HALF_EVEN || mode == TG_ROUND_HALF_UP_TOL);
    tg_expr *e = node_new(TG_OP_ROUND, 1, NULL, 0);
    if (!e) return NULL;
    set_args(e, &a);
    e->u.round.digits = digits;
    e->u.round.mode = mode;
    return e;
}

tg_expr *tg_expr_trunc(tg_expr *a, tg_date_unit unit) {
    assert(unit >= TG_UNIT_WEEK && unit <= TG_UNIT_YEAR);
    tg_expr *e = node_new(TG_OP_TRUNC, 1, NULL, 0);
    if (!e) return NULL;
    set_args(e, &a);
    e->u.unit = unit;
    return e;
}

tg_status tg_expr_check_depth(const tg_expr *e, tg_error *err) {
    assert(e != NULL);
    if (e->depth <= TG_EXPR_MAX_DEPTH) return TG_OK;
    return tg_err_set(err, TG_EARG, NULL, 0, 0, "expression nested deeper than %d levels",
                      TG_EXPR_MAX_DEPTH);
}

tg_expr *tg_expr_retain(tg_expr *e) {
    assert(e != NULL && e->refs > 0);
    e->refs++;
    return e;
}

/* Without recursion: a node whose count reaches zero joins a list of dead
** nodes linked through u.dead (its payload is no longer needed), and its
** children are dropped one at a time from the end of args, the count in
** n_args going down, so no memory is needed to free any depth. */
void tg_expr_release(tg_expr *e) {
    tg_expr *dead = NULL;
    for (;;) {
        if (e) {
            assert(e->refs > 0);
            if (--e->refs == 0) {
                e->u.dead = dead;
                dead = e;
            }
        }
        while (dead && dead->n_args == 0) {
            tg_expr *next = dead->u.dead;
            tg_free(dead);
            dead = next;
        }
        if (!dead) return;
        e = dead->args[--dead->n_args];
    }
}

/* ---- walking ---- */

/* The nodes a walk has seen: an open-addressing set of addresses, cap a
** power of two, at most half full. */
struct seen {
    const tg_expr **slot;
    size_t n, cap;
};

static size_t seen_slot(const struct seen *s, const tg_expr *e) {
    uint64_t h = (uint64_t)(uintptr_t)e * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(h >> 32) & (s->cap - 1);
    while (s->slot[i] && s->slot[i] != e) i = (i + 1) & (s->cap - 1);
    return i;
}

/* Adds e; 1 if it was new, 0 if seen before, -1 when out of memory. */
static int seen_add(struct seen *s, const tg_expr *e) {
    if (2 * (s->n + 1) > s->cap) {
        struct seen bigger = { NULL, 0, s->cap ? s->cap * 2 : 64 };
        bigger.slot = tg_calloc(bigger.cap, sizeof *bigger.slot);
        if (!bigger.slot) return -1;
        for (size_t k = 0; k < s->cap; k++)
            if (s->slot[k]) bigger.slot[seen_slot(&bigger, s->slot[k])] = s->slot[k];
        bigger.n = s->n;
        tg_free(s->slot);
        *s = bigger;
    }
    size_t i = seen_slot(s, e);
    if (s->slot[i]) return 0;
    s->slot[i] = e;
    s->n++;
    return 1;
}

tg_status tg_expr_walk(const tg_expr *e, tg_expr_visit fn, void *ud) {
    struct seen seen = { NULL, 0, 0 };
    const tg_expr **stack = NULL;
    size_t n = 0, cap = 0;
    tg_status st = TG_OK;
    const tg_expr *top = e;

    for (;;) {
        int fresh = seen_add(&seen, top), into = 0;
        if (fresh < 0) st = TG_ENOMEM;
        else if (fresh) into = fn(top, ud);
        if (into < 0) st = (tg_status)-into;
        if (st != TG_OK) break;
        if (into && top->n_args) { /* children, the first on top */
            if (n + top->n_args > cap) {
                size_t c = cap ? cap : 64;
                while (c < n + top->n_args) c *= 2;
                const tg_expr **s = tg_realloc(stack, c * sizeof *s);
                if (!s) {
                    st = TG_ENOMEM;
                    break;
                }
                stack = s;
                cap = c;
            }
            for (size_t k = top->n_args; k-- > 0;) stack[n++] = top->args[k];
        }
        if (n == 0) break;
        top = stack[--n];
    }
    tg_free(stack);
    tg_free(seen.slot);
    return st;
}

struct names {
    const char **v;
    size_t n, cap;
    tg_dict *dict; /* the names so far, each once */
};

static int add_name(const tg_expr *e, void *ud) {
    struct names *nm = ud;
    uint32_t code, size = tg_dict_size(nm->dict);
    if (e->op != TG_OP_COL) return 1;
    if (tg_dict_intern(nm->dict, e->u.name, strlen(e->u.name), &code) != TG_OK) return -TG_ENOMEM;
    if (code < size) return 0; /* met before */
    if (nm->n == nm->cap) {
        size_t cap = nm->cap ? nm->cap * 2 : 8;
        const char **v = tg_realloc(nm->v, cap * sizeof *v);
        if (!v) return -TG_ENOMEM;
        nm->v = v;
        nm->cap = cap;
    }
    nm->v[nm->n++] = e->u.name;
    return 0;
}

tg_status tg_expr_columns(const tg_expr *e, const char ***names, size_t *n) {
    struct names nm = { NULL, 0, 0, tg_dict_new() };
    tg_status st = nm.dict ? tg_expr_walk(e, add_name, &nm) : TG_ENOMEM;
    tg_dict_release(nm.dict);
    if (st != TG_OK) {
        tg_free(nm.v);
        nm.v = NULL;
        nm.n = 0;
    }
    *names = nm.v;
    *n = nm.n;
    return st;
}

/* ---- rendering ---- */

const char *tg_op_name(tg_op op) {
    static const char *const names[] = {
        [TG_OP_COL] = "col",
        [TG_OP_LIT] = "lit",
        [TG_OP_ADD] = "add",
        [TG_OP_SUB] = "sub",
        [TG_OP_MUL] = "mul",
        [TG_OP_DIV] = "div",
        [TG_OP_IDIV] = "idiv",
        [TG_OP_MOD] = "mod",
        [TG_OP_NEG] = "neg",
        [TG_OP_EQ] = "eq",
        [TG_OP_NE] = "ne",
        [TG_OP_LT] = "lt",
        [TG_OP_LE] = "le",
        [TG_OP_GT] = "gt",
        [TG_OP_GE] = "ge",
        [TG_OP_BETWEEN] = "between",
        [TG_OP_ISIN] = "isin",
        [TG_OP_IS_NULL] = "is_null",
        [TG_OP_NOT_NULL] = "not_null",
        [TG_OP_AND] = "and",
        [TG_OP_OR] = "or",
        [TG_OP_NOT] = "not",
        [TG_OP_FILL_NULL] = "fill_null",
        [TG_OP_COALESCE] = "coalesce",
        [TG_OP_IF_ELSE] = "if_else",
        [TG_OP_CAST] = "cast",
        [TG_OP_ROUND] = "round",
        [TG_OP_FLOOR] = "floor",
        [TG_OP_CEIL] = "ceil",
        [TG_OP_ABS] = "abs",
        [TG_OP_YEAR] = "year",
        [TG_OP_QUARTER] = "quarter",
        [TG_OP_MONTH] = "month",
        [TG_OP_DAY] = "day",
        [TG_OP_WEEKDAY] = "weekday",
        [TG_OP_ISOWEEK] = "isoweek",
        [TG_OP_ISOYEAR] = "isoyear",
        [TG_OP_DAYS_IN_MONTH] = "days_in_month",
        [TG_OP_TRUNC] = "trunc",
        [TG_OP_LOWER] = "lower",
        [TG_OP_UPPER] = "upper",
        [TG_OP_LEN] = "len",
        [TG_OP_CONTAINS] = "contains",
        [TG_OP_STARTS_WITH] = "starts_with",
        [TG_OP_ENDS_WITH] = "ends_with",
        [TG_OP_CONCAT] = "concat",
    };
    if ((size_t)op >= TG_ARRAY_LEN(names) || !names[op]) return "?";
    return names[op];
}

/* Infix spelling of the operators rendered between their arguments. */
static const char *infix(tg_op op) {
    switch (op) {
    case TG_OP_ADD: return "+";
    case TG_OP_SUB: return "-";
    case TG_OP_MUL: return "*";
    case TG_OP_DIV: return "/";
    case TG_OP_IDIV: return "//";
    case TG_OP_MOD: return "%";
    case TG_OP_EQ: return "==";
    case TG_OP_NE: return "!=";
    case TG_OP_LT: return "<";
    case TG_OP_LE: return "<=";
    case TG_OP_GT: return ">";
    case TG_OP_GE: return ">=";
    case TG_OP_AND: return "and";
    case TG_OP_OR: return "or";
    default: return NULL;
    }
}

/* A double-quoted string with \" \\ and control bytes escaped. */
static void put_quoted(tg_sbuf *t, const char *s, size_t n) {
    tg_sbuf_add(t, "\"", 1);
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            tg_sbuf_add(t, esc, 2);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            tg_sbuf_add(t, esc, 4);
        } else {
            tg_sbuf_add(t, s + k, 1);
        }
    }
    tg_sbuf_add(t, "\"", 1);
}

/* render() stops descending once the text holds max bytes: what is written
** before then is exact, and the text is longer than max exactly when the
** whole rendering is, so a caller showing max bytes loses nothing, and a
** tree whose shared subtrees would render to an exponential length costs
** about max bytes. */
static void render(tg_sbuf *t, size_t max, const tg_expr *e);

static void render_args(tg_sbuf *t, size_t max, const tg_expr *e, size_t from) {
    for (size_t k = from; k < e->n_args; k++) {
        if (k > from) tg_sbuf_str(t, ", ");
        render(t, max, e->args[k]);
    }
}

static void render_literal(tg_sbuf *t, const tg_expr *e) {
    char buf[TG_NUM_BUF];
    switch (e->u.lit.type) {
    case TG_INT: tg_sbuf_add(t, buf, tg_fmt_int64(e->u.lit.i, buf)); break;
    case TG_FLOAT: tg_sbuf_add(t, buf, tg_num_format_f64(e->u.lit.f, buf)); break;
    case TG_BOOL: tg_sbuf_str(t, e->u.lit.i ? "true" : "false"); break;
    case TG_DATE:
        if (e->u.lit.i >= TG_DATE_MIN && e->u.lit.i <= TG_DATE_MAX) {
            tg_sbuf_str(t, "date(\"");
            tg_sbuf_add(t, buf, tg_date_format((int32_t)e->u.lit.i, buf));
            tg_sbuf_str(t, "\")");
        } else { /* out of range: refused at evaluation, shown as its day number */
            tg_sbuf_str(t, "date(");
            tg_sbuf_add(t, buf, tg_fmt_int64(e->u.lit.i, buf));
            tg_sbuf_str(t, ")");
        }
        break;
    case TG_STRING: put_quoted(t, e->u.lit.s, e->u.lit.len); break;
    default: tg_sbuf_str(t, "null"); break;
    }
}

static void render(tg_sbuf *t, size_t max, const tg_expr *e) {
    static const char *const units[] = { "", "week", "month", "quarter", "year" };
    const char *in = infix(e->op);
    char buf[TG_NUM_BUF];

    if (t->len > max) return;
    if (e->op == TG_OP_COL) {
        tg_sbuf_str(t, "col(");
        put_quoted(t, e->u.name, strlen(e->u.name));
        tg_sbuf_str(t, ")");
    } else if (e->op == TG_OP_LIT) {
        render_literal(t, e);
    } else if (in) {
        tg_sbuf_str(t, "(");
        for (size_t k = 0; k < e->n_args; k++) {
            if (k) {
                tg_sbuf_str(t, " ");
                tg_sbuf_str(t, in);
                tg_sbuf_str(t, " ");
            }
            render(t, max, e->args[k]);
        }
        tg_sbuf_str(t, ")");
    } else if (e->op == TG_OP_NEG || e->op == TG_OP_NOT) {
        tg_sbuf_str(t, e->op == TG_OP_NEG ? "(-" : "(not ");
        render(t, max, e->args[0]);
        tg_sbuf_str(t, ")");
    } else if (e->op == TG_OP_ISIN) {
        tg_sbuf_str(t, "isin(");
        render(t, max, e->args[0]);
        tg_sbuf_str(t, ", [");
        render_args(t, max, e, 1);
        tg_sbuf_str(t, "])");
    } else if (e->op == TG_OP_CAST) {
        tg_sbuf_str(t, e->u.cast.strict ? "cast(" : "try_cast(");
        render(t, max, e->args[0]);
        tg_sbuf_str(t, ", \"");
        tg_sbuf_str(t, tg_type_name(e->u.cast.to));
        tg_sbuf_str(t, "\")");
    } else if (e->op == TG_OP_ROUND) {
        tg_sbuf_str(t, "round(");
        render(t, max, e->args[0]);
        tg_sbuf_str(t, ", ");
        tg_sbuf_add(t, buf, tg_fmt_int64(e->u.round.digits, buf));
        tg_sbuf_str(t,
                    e->u.round.mode == TG_ROUND_HALF_EVEN ? ", \"half_even\")" : ", \"half_up\")");
    } else if (e->op == TG_OP_TRUNC) {
        tg_sbuf_str(t, "trunc(");
        render(t, max, e->args[0]);
        tg_sbuf_str(t, ", \"");
        tg_sbuf_str(t, (size_t)e->u.unit < TG_ARRAY_LEN(units) ? units[e->u.unit] : "?");
        tg_sbuf_str(t, "\")");
    } else {
        tg_sbuf_str(t, tg_op_name(e->op));
        tg_sbuf_str(t, "(");
        render_args(t, max, e, 0);
        tg_sbuf_str(t, ")");
    }
}

char *tg_expr_to_string(const tg_expr *e) {
    return tg_expr_to_string_max(e, SIZE_MAX);
}

char *tg_expr_to_string_max(const tg_expr *e, size_t max) {
    tg_sbuf t = { 0 };
    if (e->depth > TG_EXPR_MAX_DEPTH)
        tg_sbuf_printf(&t, "(an expression nested %u levels deep)", e->depth);
    else render(&t, max, e);
    if (t.oom) {
        tg_free(t.p);
        return NULL;
    }
    return t.p;
}
