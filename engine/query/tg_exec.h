/*
** tg_exec.h -- running expressions, the top of the expression stack
** (tg_expr builds trees, tg_eval compiles them, tg_exec runs them). The
** entry points most callers want are at the end: tg_exec_type,
** tg_exec_eval and tg_exec_filter take a tree and a table and do both.
** Below them, tg_exec_run runs a compiled program over one vector of
** rows at a time. Each call computes every step for rows [off, off + n)
** of the program's table into the steps' scratch vectors; the program
** keeps per-dictionary tables it builds between calls, so call it with
** increasing offsets over one table. Not thread-safe per program: give
** each thread its own compiled program.
*/
#ifndef TG_EXEC_H
#define TG_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_eval.h"

/* Evaluates rows [off, off + n) (off a multiple of 64, n <= TG_VECTOR);
** the result is the root step's data and valid. TG_EDATA for integer
** overflow, dates out of range and failed strict casts, naming the
** expression and the 1-based row; TG_ENOMEM. */
tg_status tg_exec_run(tg_eval *p, size_t off, size_t n, tg_error *err);

/* For a bool program: keeps, of the candidate rows sel[0..*nsel)
** (positions within the vector [off, off + n), ascending), those where
** the program is true, writing them back into sel and their count into
** *nsel. The program's inputs run over the whole vector; a comparison
** with literals, a string predicate or a NULL test at the root is then
** tested only on the candidates. Errors as tg_exec_run. */
tg_status tg_exec_refine(tg_eval *p, size_t off, size_t n, uint32_t *sel, size_t *nsel,
                         tg_error *err);

/* For bool programs progs[0..n) over one table, ANDed (a NULL program is
** a bare null: it keeps nothing): the rows of the vector [off, off + len)
** where every one is true, as ascending positions within the vector, into
** sel[0..*m); 'mask' is len bytes of scratch. Terms run in order, over
** whole vectors into the mask while most rows survive, then only on the
** survivors; a program that can fail still sees every row, so selecting
** raises what evaluating would. tg_exec_filter's kernel, for callers that
** filter a vector at a time themselves. Errors as tg_exec_run. */
tg_status tg_exec_select(tg_eval *const *progs, size_t n, size_t off, size_t len, uint32_t *sel,
                         uint8_t *mask, size_t *m, tg_error *err);

/* ---- the entry points: compile an expression, then run it ---- */

/* The type 'e' has over table 't' in *type, after the same checks as
** tg_exec_eval: TG_EARG for an unknown column ("no column 'x'; did you
** mean 'y'?"), a type error ("cannot compare string column 'kommune' with
** a number in (...)") or an expression whose type is only null; TG_ENOMEM.
** Finding the type compiles the expression, which for a wide one takes
** time: 'intr' (may be NULL) is asked as for tg_exec_eval, and its status
** (TG_ELIMIT, TG_ECANCEL) returned when it stops the compilation. */
tg_status tg_exec_type(const tg_expr *e, const tg_table *t, const tg_interrupt *intr, tg_type *type,
                       tg_error *err);

/* Evaluates 'e' over every row of 't' into a new column of t->n_rows rows
** (*out, one reference; NULL on failure). A bare column reference returns
** that column itself, retained, without copying. String results share the
** input column's dictionary when they pick codes from one column, and get
** a new dictionary when they make strings (concat, lower, casts) or mix
** dictionaries. Errors: TG_EARG for unknown columns and type errors (before
** any row is touched); TG_EDATA for integer overflow, a date outside years
** 1-9999 or a failed strict cast (the message names the expression, the
** value and the 1-based row); the poll's status (TG_ELIMIT, TG_ECANCEL),
** checked once per TG_VECTOR rows; TG_ENOMEM. Every branch of if_else,
** coalesce and fill_null is evaluated on every row, so an error in a
** branch that is not chosen is still raised. */
tg_status tg_exec_eval(const tg_expr *e, const tg_table *t, const tg_interrupt *intr, tg_col **out,
                       tg_error *err);

/* The rows of 't' where the bool expression 'pred' is true (NULL and false
** rows are dropped), as an ascending tg_malloc'ed array of *n row indices
** (*idx is NULL when *n is 0). The same checks and errors as tg_exec_eval,
** plus TG_EARG when 'pred' is not a bool. Top-level AND arguments are
** applied in order: while most rows survive, over whole vectors into a
** byte mask; once fewer than one in eight is left, only on the surviving
** rows. Comparisons with literals are range tests on the raw column, and a
** string equality with a literal is one dictionary lookup, then integer
** compares. A term that can fail (overflow, strict casts) still runs on
** every row, so filter and eval raise the same errors. */
tg_status tg_exec_filter(const tg_expr *pred, const tg_table *t, const tg_interrupt *intr,
                         size_t **idx, size_t *n, tg_error *err);

/* tg_exec_filter of the AND of terms[0..n_terms) (none: every row), each
** a bool expression applied in the order given. */
tg_status tg_exec_filter_terms(const tg_expr *const *terms, size_t n_terms, const tg_table *t,
                               const tg_interrupt *intr, size_t **idx, size_t *n, tg_error *err);

#endif /* TG_EXEC_H */
