/*
** tg_eval.h -- an expression compiled against one table's schema: the
** tree is type-checked, literals are coerced (int -> float, "2023-01-01"
** -> date), comparisons with literals are turned into ranges and
** dictionary lookups, and the result is a flat list of steps in execution
** order. The vectors the steps write are slots of one arena, each shared
** by steps whose results are never needed at the same time, so a program
** costs about 80 bytes a step plus as many vectors as are alive at once
** (about the tree's depth), and compiling is linear in the nodes. tg_exec
** runs the steps a vector at a time. A program borrows the table and the
** expression (both must outlive it) and owns its arena and the
** dictionaries it makes. The structs are open to tg_exec.c; everything
** else uses the functions.
*/
#ifndef TG_EVAL_H
#define TG_EVAL_H

#include <stdbool.h>
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

/* TG_K_STRTAB's table, grown with the input's dictionary. */
typedef struct tg_strtab {
    enum tg_tab_kind kind;
    void *tab;
    uint8_t *ok;     /* TG_TAB_PARSE: the entry parsed */
    size_t n, cap;   /* entries filled / allocated */
    const char *str; /* TG_TAB_PRED: the literal compared with (borrowed) */
    size_t str_len;
} tg_strtab;

/* A step is small (80 bytes): what only some kinds need is in the union
** or, for string tables, behind a pointer, and the vectors a step writes
** are slots of the program's arena, shared by steps whose results are not
** needed at the same time (see tg_eval.c). */
typedef struct tg_step {
    /* Results of the current vector: data holds values of 'type'; valid is
    ** one byte per row or NULL when all rows are valid. Either may point
    ** into a column, an input step (unary steps pass validity through,
    ** coalesce its first input's values) or this step's slots. */
    const void *data;
    const uint8_t *valid;
    void *buf;           /* this step's values: an arena slot (NULL for a column) */
    uint8_t *vbuf;       /* this step's validity bytes: an arena slot or NULL */
    const tg_expr *node; /* what the user wrote, for error messages */
    tg_dict *dict;       /* TG_STRING results: one reference */
    int32_t in[2];       /* input steps (-1: none) */
    uint8_t kind;        /* enum tg_step_kind */
    uint8_t op;          /* tg_op: the node's operator, for kernels with variants */
    uint8_t type;        /* tg_type of the result; TG_TYPE_NULL only for a null literal */
    uint8_t in_type;     /* tg_type of the first input, where the kernel needs it */
    bool may_fail : 1;   /* can raise TG_EDATA at run time */
    bool neg : 1;        /* TG_K_RANGE: NOT in range (!=) */
    bool empty : 1;      /* TG_K_RANGE: the range holds nothing */
    bool lazy_code : 1;  /* TG_K_RANGE on a growing dictionary: code not found yet */
    bool strict : 1;     /* TG_K_CAST, TG_TAB_PARSE */
    bool is_null : 1;    /* TG_K_CONST: the null of its type */
    bool refill : 1;     /* TG_K_CONST: refilled every vector (not pinned) */
    union {
        const tg_col *col; /* TG_K_COL */
        struct {
            int64_t lo, hi; /* TG_K_RANGE on ints, dates and codes; TG_K_CONST */
        } i;
        struct {
            double lo, hi; /* TG_K_RANGE on floats; TG_K_CONST of TG_FLOAT */
        } f;
        struct {
            const char *s; /* TG_K_RANGE with lazy_code: the literal (borrowed) */
            size_t len;
        } str;
        struct {
            uint32_t *rank; /* TG_CMPK_RANKS */
            uint8_t mask;   /* TG_KERN_LT/EQ/GT bits */
            uint8_t kind;   /* enum tg_cmp_kind */
        } cmp;
        struct {
            void *v; /* TG_K_ISIN: sorted values (int64, double, int32 days) */
            size_t n;
        } list;
        tg_strtab *tab; /* TG_K_STRTAB */
        struct {
            int32_t *ins; /* TG_K_CONCAT: n inputs */
            size_t n;
        } cat;
        int32_t cond; /* TG_K_IF_ELSE: the condition step */
        int sign;     /* TG_K_DATEADD: 1 or -1 */
        struct {
            int digits; /* TG_K_ROUND */
            tg_round_mode mode;
        } round;
        tg_datepart part;  /* TG_K_DATEPART */
        tg_date_unit unit; /* TG_K_TRUNC */
    } u;
} tg_step;

typedef struct tg_eval {
    const tg_table *t;
    tg_step *steps;
    size_t n_steps, cap_steps;
    int root;
    int may_fail;
    const tg_col *column; /* the result when the expression is a bare column */
    size_t vec;           /* rows per vector: TG_VECTOR, or fewer for a short table */
    void *arena;          /* the steps' slots, the constants and tmp */
    void *tmp;            /* 8 * vec bytes a step may use while it runs */
    char *scratch;        /* bytes of one string value (concat, lower, upper) */
    size_t scratch_cap;
} tg_eval;

/* Compiles 'e' against the schema of 't' into *out (NULL on failure).
** TG_EARG for unknown columns, type errors and bad arguments (a round()
** digit count out of range, a non-literal isin() list, ...), with a message
** naming the expression; TG_ENOMEM. */
tg_status tg_eval_compile(const tg_expr *e, const tg_table *t, tg_eval **out, tg_error *err);
/* tg_eval_compile asking 'intr' (may be NULL) every 1,024 nodes, so a
** very wide expression stops with its status. */
tg_status tg_eval_compile_poll(const tg_expr *e, const tg_table *t, const tg_interrupt *intr,
                               tg_eval **out, tg_error *err);
/* Fills a constant step's vectors (rows [0, n)); tg_exec refills the
** constants that have no slot of their own every vector. */
void tg_eval_fill_const(tg_step *s, size_t n);
/* Frees the program, its buffers and the references it holds; NULL is a no-op. */
void tg_eval_free(tg_eval *p);

/* The result type (never TG_TYPE_NULL: compiling refuses an untyped null). */
tg_type tg_eval_type(const tg_eval *p);
/* TG_STRING results: the dictionary the result codes index (borrowed). */
tg_dict *tg_eval_dict(const tg_eval *p);

#endif /* TG_EVAL_H */
