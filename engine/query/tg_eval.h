/*
** tg_eval.h -- an expression compiled against one table's schema: the
** tree is type-checked, literals are coerced (int -> float, "2023-01-01"
** -> date), comparisons with literals are turned into ranges and
** dictionary lookups, and the result is a flat list of steps in execution
** order, each with its own scratch vector. tg_exec runs the steps a vector
** at a time. A program borrows the table and the expression (both must
** outlive it) and owns its buffers and the dictionaries it makes. The
** structs are open to tg_exec.c; everything else uses the functions.
*/
#ifndef TG_EVAL_H
#define TG_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_expr.h"
#include "tg_kern.h"

/* What a step computes. */
enum tg_step_kind {
    TG_K_COL = 1, /* a column's rows (no copy) */
    TG_K_CONST,   /* a literal, filled into the whole vector once */
    TG_K_CAST,    /* between int, float, bool and date */
    TG_K_ARITH,   /* + - * / // % on two ints or two floats */
    TG_K_NEG,
    TG_K_ABS,
    TG_K_ROUND,
    TG_K_FLOOR,
    TG_K_CEIL,
    TG_K_DATEADD, /* date +/- int */
    TG_K_DATEDIFF,
    TG_K_DATEPART,
    TG_K_TRUNC,
    TG_K_CMP,    /* vector against vector */
    TG_K_RANGE,  /* value against constant bounds (all comparisons with literals) */
    TG_K_ISIN,   /* numbers and dates against a sorted list */
    TG_K_STRTAB, /* anything computed once per dictionary entry (see tg_tab_kind) */
    TG_K_IS_NULL,
    TG_K_NOT_NULL,
    TG_K_AND,
    TG_K_OR,
    TG_K_NOT,
    TG_K_COALESCE, /* first valid of two */
    TG_K_IF_ELSE,
    TG_K_TOSTR, /* format and intern, row by row */
    TG_K_CONCAT
};

/* TG_K_STRTAB: a per-code table over the input's dictionary, extended
** whenever the dictionary has grown (codes never change meaning). */
enum tg_tab_kind {
    TG_TAB_PRED = 1, /* uint8: a string predicate against literals */
    TG_TAB_LEN,      /* int64: length in code points */
    TG_TAB_MAP,      /* uint32: code in this step's dictionary (lower, upper, re-coding) */
    TG_TAB_PARSE     /* value of the cast type, plus an ok byte */
};

/* How a TG_K_CMP compares. */
enum tg_cmp_kind {
    TG_CMPK_I64 = 1,
    TG_CMPK_F64,
    TG_CMPK_I32,
    TG_CMPK_U8,
    TG_CMPK_CODES, /* strings sharing a dictionary: == and != on codes */
    TG_CMPK_RANKS, /* strings sharing a fixed dictionary: order by rank */
    TG_CMPK_BYTES  /* strings from different dictionaries */
};

typedef struct tg_step {
    enum tg_step_kind kind;
    tg_op op;        /* the node's operator, for kernels with variants */
    tg_type type;    /* of the result; TG_TYPE_NULL only for a null literal */
    tg_type in_type; /* of the first input, where the kernel needs it */
    int in[3];       /* input steps (-1: none) */
    int *ins;        /* TG_K_CONCAT: n_in inputs */
    size_t n_in;
    const tg_expr *node; /* what the user wrote, for error messages */
    int may_fail;        /* can raise TG_EDATA at run time */

    /* Results of the current vector: data holds values of 'type'; valid is
    ** one byte per row or NULL when all rows are valid. Either may point
    ** into a column, an input step or this step's buffers. */
    const void *data;
    const uint8_t *valid;
    void *buf;     /* TG_VECTOR values */
    uint8_t *vbuf; /* TG_VECTOR validity bytes */
    tg_dict *dict; /* TG_STRING results: one reference */

    const tg_col *col; /* TG_K_COL */
    int64_t lo, hi;    /* TG_K_RANGE on ints, dates and codes; TG_K_CONST value */
    double flo, fhi;   /* TG_K_RANGE on floats; TG_K_CONST value */
    int neg;           /* TG_K_RANGE: NOT in range (!=) */
    int empty;         /* TG_K_RANGE: the range holds nothing */
    int lazy_code;     /* TG_K_RANGE on a growing dictionary: code not found yet */
    const char *str;   /* string literal for lazy codes and TG_TAB_PRED (borrowed) */
    size_t str_len;
    unsigned mask;         /* TG_K_CMP: TG_KERN_LT/EQ/GT bits */
    enum tg_cmp_kind cmpk; /* TG_K_CMP */
    uint32_t *rank;        /* TG_CMPK_RANKS */
    void *list;            /* TG_K_ISIN: sorted values (int64, double, int32 days) */
    size_t n_list;
    int sign;   /* TG_K_DATEADD: 1 or -1 */
    int digits; /* TG_K_ROUND */
    tg_round_mode mode;
    tg_datepart part;  /* TG_K_DATEPART */
    tg_date_unit unit; /* TG_K_TRUNC */
    int strict;        /* TG_K_CAST, TG_TAB_PARSE */

    enum tg_tab_kind tab_kind; /* TG_K_STRTAB */
    void *tab;
    uint8_t *tab_ok;       /* TG_TAB_PARSE */
    size_t tab_n, tab_cap; /* entries filled / allocated */
    char *scratch;         /* TG_K_CONCAT, TG_K_TOSTR: bytes of one value */
    size_t scratch_cap;
} tg_step;

typedef struct tg_eval {
    const tg_table *t;
    tg_step *steps;
    size_t n_steps, cap_steps;
    int root;
    int may_fail;
    const tg_col *column; /* the result when the expression is a bare column */
} tg_eval;

/* Compiles 'e' against the schema of 't' into *out (NULL on failure).
** TG_EARG for unknown columns, type errors and bad arguments (a round()
** digit count out of range, a non-literal isin() list, ...), with a message
** naming the expression; TG_ENOMEM. */
tg_status tg_eval_compile(const tg_expr *e, const tg_table *t, tg_eval **out, tg_error *err);
/* tg_eval_compile asking 'intr' (may be NULL) as it goes: a wide
** expression allocates vectors for every node; stops with its status. */
tg_status tg_eval_compile_poll(const tg_expr *e, const tg_table *t, const tg_interrupt *intr,
                               tg_eval **out, tg_error *err);
/* Frees the program, its buffers and the references it holds; NULL is a no-op. */
void tg_eval_free(tg_eval *p);

/* The result type (never TG_TYPE_NULL: compiling refuses an untyped null). */
tg_type tg_eval_type(const tg_eval *p);
/* TG_STRING results: the dictionary the result codes index (borrowed). */
tg_dict *tg_eval_dict(const tg_eval *p);

#endif /* TG_EVAL_H */
