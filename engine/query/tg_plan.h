/*
** tg_plan.h -- a chain of verbs as a plan: built step by step without
** touching data, optimised as a whole, then run through the existing
** kernels (tg_exec, tg_join, tg_group) when its result is needed.
**
** A plan is a tree of reference-counted nodes: a scan of a table (or of
** a selection of its rows), a filter, a derive, a select (project), a join
** and a group-by with aggregates. Each builder checks its step at once by running it on
** empty (0-row) inputs, so a misspelt column or a type error is reported
** when the step is built, exactly as the eager verb reports it, and the
** node knows its output columns and types (tg_plan_schema) before any row
** is read. Running a plan first rewrites a copy of it:
**   - each AND term of a filter moves below a derive that does not make
**     its columns, below a join when it reads only the left side's columns
**     (or, for an inner join, only columns the right side brings
**     unrenamed), and below a group-by when it reads only its keys;
**     A filter also moves below a select or rename when it reads only
**     columns those keep under their own names;
**   - a group-by over an inner or left join whose right keys are distinct
**     runs before the join when the left join keys are group keys (before
**     any key from the right side) and the aggregates read left columns;
**   - every step carries only the columns some later step uses (a scan
**     hands on only those, a derive computes only those, a join gathers
**     and copies only those);
**   - a filter's result stays a selection vector (row indices into its
**     input) until a step needs columns, and then only the columns that
**     step reads are gathered for the selected rows; the AND terms of one
**     filter that stay together run in one pass (tg_exec_filter_terms);
**   - a group-by over derives and selects over filters over a scan (or
**     over the scan of a selection) runs as one pipeline (tg_pipe): the
**     filters leave a bit per scanned row, and each morsel of the kept
**     rows is gathered, derived and grouped in one worker's buffers, the
**     morsels merged in order; no selection vector and no gathered
**     column of every kept row exist. tg_pipe declines aggregates that
**     need every row's group id and derived strings; then, and when the
**     pipeline raises a data error (its row numbers are a morsel's), the
**     steps run one at a time as above.
** The result is identical to running each verb eagerly, row order, names,
** types and values, except that an error an eager derive would raise on a
** row that a later filter drops is not raised. The rewritten plan is kept
** with rows in and out, time and memory per step for tg_plan_explain.
*/
#ifndef TG_PLAN_H
#define TG_PLAN_H

#include <stddef.h>

#include "tegn.h"
#include "tg_expr.h"
#include "tg_table.h"

typedef struct tg_plan tg_plan;

/* One aggregate of tg_plan_agg: as tg_agg, with the argument an
** expression over the group-by's input (NULL: count rows). */
typedef struct tg_plan_aggspec {
    const char *name;
    int fn;
    const tg_expr *arg;
    double p;
    int method;
} tg_plan_aggspec;

/* ---- building (each returns a new node with one reference, or NULL and
** fills *err: the status is in err->code) ---- */

/* All rows of 't' (sel NULL) or rows sel[0..n) (copied), retained. */
tg_plan *tg_plan_scan(const tg_table *t, const size_t *sel, size_t n, tg_error *err);
/* tg_plan_scan of rows sel[0..n), a tg_malloc'ed array the node takes
** over when it succeeds (freed with the node; the caller may go on reading
** it while it holds a reference to the node). */
tg_plan *tg_plan_scan_take(const tg_table *t, size_t *sel, size_t n, tg_error *err);
/* The rows of 'in' where the bool 'pred' is true (tg_exec_filter). */
tg_plan *tg_plan_filter(tg_plan *in, const tg_expr *pred, tg_error *err);
/* 'in' with columns names[i] = exprs[i] (n of them, distinct names)
** replacing same-named ones in place, the others appended in order; every
** expression sees 'in' as it was (t:derive). */
tg_plan *tg_plan_derive(tg_plan *in, const char *const *names, const tg_expr *const *exprs,
                        size_t n, tg_error *err);
/* tg_join of 'left' and 'right' (arguments as there). */
tg_plan *tg_plan_join(tg_plan *left, tg_plan *right, const char *const *left_keys,
                      const char *const *right_keys, size_t n_keys, int how, const char *suffix,
                      tg_error *err);
/* Column from[i] of 'in' under the name names[i], for i < n (t:select,
** t:rename): the rows unchanged, a selection still a selection. TG_EARG for
** an unknown column or a name given twice. */
tg_plan *tg_plan_project(tg_plan *in, const char *const *names, const char *const *from, size_t n,
                         tg_error *err);
/* tg_group_agg of 'in' by the key columns, with aggs[0..n_aggs). */
tg_plan *tg_plan_agg(tg_plan *in, const char *const *keys, size_t n_keys,
                     const tg_plan_aggspec *aggs, size_t n_aggs, tg_error *err);

/* 1 if 'p' is a filter whose predicate can raise a data error when it
** runs (integer overflow, a strict cast): running it later than the
** script's line could then move the error. */
int tg_plan_may_fail(const tg_plan *p);

/* Records the script position of the verb that built 'p' ("script.lua:4: ")
** and the verb's name ("filter"), for errors raised when it runs. */
void tg_plan_set_origin(tg_plan *p, const char *where, const char *verb);

tg_plan *tg_plan_retain(tg_plan *p);
void tg_plan_release(tg_plan *p);

/* ---- inspecting and running ---- */

/* The output columns of 'p' (names, types, dictionaries) as a 0-row
** table owned by the node. */
const tg_table *tg_plan_schema(const tg_plan *p);

/* Optimises and runs 'p'. On success *out is a new table with the plan's
** columns and *sel NULL, or (when the last step is a filter) *out is the
** filter's input and *sel a tg_malloc'ed array of the *n selected rows.
** On failure the status, with *err naming the step; *where and *verb (may
** be NULL) are set to the origin of the step that failed (borrowed from
** 'p', "" when none was recorded). Each kernel polls 'intr'. The run's
** statistics are kept in 'p' for tg_plan_explain. */
tg_status tg_plan_run(tg_plan *p, const tg_interrupt *intr, tg_table **out, size_t **sel, size_t *n,
                      const char **where, const char **verb, tg_error *err);

/* The plan as text, one step per line, indented under the step that uses
** it, as it runs (after optimisation); after tg_plan_run each step also
** shows its rows in and out, time and the bytes of its output columns.
** tg_malloc'ed; NULL on allocation failure. */
char *tg_plan_explain(tg_plan *p);

#endif /* TG_PLAN_H */
