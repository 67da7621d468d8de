/*
** tg_expr.h -- column expressions: trees built once (by the Lua bindings)
** and evaluated in C over whole columns, a vector of TG_VECTOR rows at a
** time. Nodes are immutable and reference-counted, so subtrees are shared
** freely; evaluation type-checks against a table's schema first and then
** runs tight loops over the raw column buffers. docs/expressions.md is the
** user-facing description of every operator, type rule and NULL rule.
** The struct is open to engine modules (the evaluator reads it); code
** outside engine/ uses the constructors. Typing, evaluating and filtering
** over a table are tg_exec's (tg_exec_type, tg_exec_eval, tg_exec_filter),
** which compile the tree (tg_eval) and run it.
*/
#ifndef TG_EXPR_H
#define TG_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_col.h"
#include "tg_date.h"
#include "tg_num.h"
#include "tg_table.h"

typedef enum tg_op {
    /* leaves */
    TG_OP_COL = 1, /* column reference by name */
    TG_OP_LIT,     /* literal: int, float, bool, date, string or null */
    /* arithmetic: + - * on ints give ints (overflow is an error); with a
    ** float operand they give floats; / always gives a float; // and % floor
    ** (as Lua's: -7 // 2 = -4, -7 % 2 = 1); any division by zero is NULL.
    ** date + int and date - int give dates, date - date gives days (int). */
    TG_OP_ADD,
    TG_OP_SUB,
    TG_OP_MUL,
    TG_OP_DIV,
    TG_OP_IDIV,
    TG_OP_MOD,
    TG_OP_NEG,
    /* comparisons (bool; NULL if either side is NULL) */
    TG_OP_EQ,
    TG_OP_NE,
    TG_OP_LT,
    TG_OP_LE,
    TG_OP_GT,
    TG_OP_GE,
    TG_OP_BETWEEN, /* x, lo, hi: lo <= x AND x <= hi, inclusive */
    TG_OP_ISIN,    /* x, then literals; NULL literals in the list are ignored */
    TG_OP_IS_NULL, /* never NULL */
    TG_OP_NOT_NULL,
    /* three-valued logic on bools */
    TG_OP_AND, /* two or more arguments */
    TG_OP_OR,
    TG_OP_NOT,
    /* NULL handling and choice */
    TG_OP_FILL_NULL, /* e, value: value where e is NULL */
    TG_OP_COALESCE,  /* first non-NULL argument */
    TG_OP_IF_ELSE,   /* cond, a, b: a where cond is true, else b (NULL cond -> b) */
    /* conversion and rounding */
    TG_OP_CAST,
    TG_OP_ROUND,
    TG_OP_FLOOR,
    TG_OP_CEIL,
    TG_OP_ABS,
    /* dates: parts are ints; trunc gives a date */
    TG_OP_YEAR,
    TG_OP_QUARTER,
    TG_OP_MONTH,
    TG_OP_DAY,
    TG_OP_WEEKDAY, /* 1 = Monday .. 7 = Sunday */
    TG_OP_ISOWEEK,
    TG_OP_ISOYEAR,
    TG_OP_DAYS_IN_MONTH,
    TG_OP_TRUNC,
    /* strings */
    TG_OP_LOWER, /* ASCII and the Latin-1 letters (æ ø å é ü ...) */
    TG_OP_UPPER,
    TG_OP_LEN,         /* UTF-8 code points */
    TG_OP_CONTAINS,    /* e, string literal: plain byte search */
    TG_OP_STARTS_WITH, /* e, string literal */
    TG_OP_ENDS_WITH,   /* e, string literal */
    TG_OP_CONCAT       /* two or more; non-string arguments are cast to string */
} tg_op;

/* The null literal's type: it takes the type of whatever it meets. */
#define TG_TYPE_NULL ((tg_type)0)

typedef struct tg_expr tg_expr;

/* The deepest tree the engine types, compiles, runs and renders: its walks
** recurse, one C frame per level. The Lua bindings refuse to build a
** deeper one (a script error where it is built); tg_eval_compile and
** tg_expr_to_string refuse one built in C. Releasing is iterative, so a
** tree of any depth frees. */
#define TG_EXPR_MAX_DEPTH 1000

/* 48 bytes plus the child pointers: fields are sized to what they hold. */
struct tg_expr {
    int refs;
    tg_op op;
    unsigned depth;  /* 1 for a leaf, else 1 + the deepest child's */
    uint32_t n_args; /* at most UINT32_MAX children */
    union {
        const char *name; /* TG_OP_COL: NUL-terminated, stored with the node */
        struct {
            tg_type type; /* TG_TYPE_NULL for null */
            union {
                int64_t i; /* TG_INT; TG_BOOL as 0/1; TG_DATE as days */
                double f;  /* TG_FLOAT */
            };
            const char *s; /* TG_STRING: len bytes (plus a NUL), stored with the node */
            size_t len;
        } lit;
        struct {
            tg_type to;
            int strict;
        } cast;
        struct {
            int digits;
            tg_round_mode mode;
        } round;
        tg_date_unit unit; /* TG_OP_TRUNC */
        tg_expr *dead;     /* tg_expr_release's own list of nodes it is freeing */
    } u;
    tg_expr *args[]; /* n_args children, one reference each */
};

/* ---- building ---- */

/* Every constructor returns a new node with one reference, or NULL when
** allocation fails. Child arguments are borrowed: the node takes its own
** reference to each, so the caller still releases what it passed. Strings
** (names, literals) are copied. Passing an op of the wrong shape (a binary
** op to tg_expr_unary, ...) is a programming error (assert); a well-shaped
** tree that does not type-check against a table is reported by
** tg_exec_eval and friends as TG_EARG. */
tg_expr *tg_expr_col(const char *name);
tg_expr *tg_expr_int(int64_t v);
tg_expr *tg_expr_float(double v);
tg_expr *tg_expr_bool(int v);
tg_expr *tg_expr_date(int32_t days);
tg_expr *tg_expr_str(const char *s, size_t n);
tg_expr *tg_expr_null(void);

/* Unary ops: NEG, IS_NULL, NOT_NULL, NOT, FLOOR, CEIL, ABS, the date parts
** YEAR .. DAYS_IN_MONTH, LOWER, UPPER, LEN. */
tg_expr *tg_expr_unary(tg_op op, tg_expr *a);
/* Binary ops: ADD .. MOD, EQ .. GE, AND, OR, FILL_NULL, COALESCE, CONCAT,
** CONTAINS, STARTS_WITH, ENDS_WITH (b a string literal). */
tg_expr *tg_expr_binary(tg_op op, tg_expr *a, tg_expr *b);
/* AND, OR, COALESCE, CONCAT with n >= 2 arguments; also BETWEEN (x, lo,
** hi), IF_ELSE (cond, a, b) and ISIN (x, then n - 1 literals, n >= 1). */
tg_expr *tg_expr_nary(tg_op op, tg_expr *const *args, size_t n);
tg_expr *tg_expr_between(tg_expr *x, tg_expr *lo, tg_expr *hi);
tg_expr *tg_expr_if_else(tg_expr *cond, tg_expr *a, tg_expr *b);
/* x is in the list of n literals (any NULL among them matches nothing). */
tg_expr *tg_expr_isin(tg_expr *x, tg_expr *const *list, size_t n);

/* Converts to 'to'. int -> float is exact up to 2^53; float -> int
** truncates toward zero and fails on NaN, infinities and values outside
** int64; bool <-> int/float is 0/1 (nonzero -> true); date <-> int is days
** since 1970-01-01; anything -> string formats (ints plainly, floats by
** tg_num_format_f64, dates as YYYY-MM-DD, bools as true/false); string ->
** int/float/date/bool parses (tg_num_parse_*, ISO dates, tg_conv_bool
** words). A value that cannot be converted is an error (TG_EDATA naming the
** value and row) when 'strict', and NULL otherwise. */
tg_expr *tg_expr_cast(tg_expr *a, tg_type to, int strict);
/* Rounds to 'digits' decimals (see tg_num_round_f64); ints stay ints
** (only negative digits change them). digits outside
** [TG_ROUND_MIN_DIGITS, TG_ROUND_MAX_DIGITS] is a TG_EARG at evaluation. */
tg_expr *tg_expr_round(tg_expr *a, int digits, tg_round_mode mode);
/* The first day of the week (Monday), month, quarter or year. */
tg_expr *tg_expr_trunc(tg_expr *a, tg_date_unit unit);

/* TG_OK, or TG_EARG with "expression nested deeper than 1000 levels" in
** err (which may be NULL) when e is deeper than TG_EXPR_MAX_DEPTH. */
tg_status tg_expr_check_depth(const tg_expr *e, tg_error *err);

/* Adds a reference; returns e. */
tg_expr *tg_expr_retain(tg_expr *e);
/* Drops a reference, releasing the children at zero; NULL is a no-op.
** Iterative (no recursion), so a tree of any depth is safe to drop. */
void tg_expr_release(tg_expr *e);

/* ---- inspecting ---- */

/* What tg_expr_walk's visitor returns for a node: 1 to walk its children,
** 0 not to, or minus a tg_status (-TG_ENOMEM, ...) to stop the walk with it. */
typedef int (*tg_expr_visit)(const tg_expr *e, void *ud);

/* Calls fn once for each distinct node under e (e included), depth first,
** left to right, parents before their children: a node shared by several
** parents is visited where the walk first meets it, and not again, so a
** tree whose shared subtrees would make a plain recursion exponential
** (x = x + x, sixty times) costs its number of distinct nodes. Iterative.
** TG_OK, the status fn stopped with, or TG_ENOMEM. */
tg_status tg_expr_walk(const tg_expr *e, tg_expr_visit fn, void *ud);

/* The distinct column names under e, in the order a left-to-right walk
** first meets them, as a tg_malloc'ed array (*names, NULL when *n is 0; the
** strings belong to the nodes). TG_ENOMEM. */
tg_status tg_expr_columns(const tg_expr *e, const char ***names, size_t *n);

/* The operator's short name as scripts see it ("add", "eq", "is_null",
** "year", ...); "?" for an unknown value. */
const char *tg_op_name(tg_op op);

/* A readable rendering for messages and debugging, e.g.
** (col("takst_kr") >= 3000) or year(col("dato")); tg_malloc'ed (free with
** tg_free), NULL on allocation failure. A tree deeper than
** TG_EXPR_MAX_DEPTH renders as a short note saying so. */
char *tg_expr_to_string(const tg_expr *e);
/* The same, rendered only as far as needed to show its first max bytes
** (messages show a few hundred): the result agrees with the full rendering
** on its first max bytes and is longer than max exactly when that is. */
char *tg_expr_to_string_max(const tg_expr *e, size_t max);

#endif /* TG_EXPR_H */
