/*
** tg_plan.c -- plans of verbs (see tg_plan.h).
** The logical nodes a script builds are never changed once made: several
** Lua Tables may share one (a = t:filter(p); b = a:join(u); c = a:agg{}).
** A run therefore rewrites a tree of steps, each pointing at the node
** whose parameters it uses: pushing a filter down only relinks steps. The
** steps carry the column masks of projection pruning and the statistics
** that tg_plan_explain prints, and stay with the root node after the run.
** A step's result is a 'rel': a table plus, after a filter, the selected
** row indices; columns are gathered for those rows only when a kernel
** needs a table, and only the columns the step reads.
*/
#include "tg_plan.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tg_agg.h"
#include "tg_err.h"
#include "tg_eval.h"
#include "tg_exec.h"
#include "tg_group.h"
#include "tg_join.h"
#include "tg_mem.h"
#include "tg_pipe.h"
#include "tg_sbuf.h"

enum { SCAN, FILTER, DERIVE, JOIN, AGG, PROJECT };
enum { FUSES = 1, FUSED, WITH_ABOVE };

typedef struct aggdef {
    char *name;
    int fn;
    tg_expr *arg;
    double p;
    int method;
} aggdef;

typedef struct step step;

struct tg_plan {
    int refs, kind;
    tg_plan *in[2];
    tg_table *schema; /* 0 rows */
    char *where, *verb;
    tg_table *table; /* scan */
    size_t *sel, n_sel;
    int has_sel;
    tg_expr *pred;   /* filter */
    int may_fail;    /* filter: the predicate can raise a data error */
    char **names;    /* derive: n names; join: left keys; agg: keys */
    tg_expr **exprs; /* derive */
    char **rkeys;    /* join: right keys; project: the input column of each name */
    size_t n;
    int how;
    char *suffix;
    char **rmap; /* join: right column k -> its output name, NULL for a key */
    aggdef *aggs;
    size_t n_aggs;
    step *ran; /* the steps of the last run (or of the last explain) */
};

/* One step of a run: a node's operation (or a scan of 'table') over
** the steps below it. */
struct step {
    int kind;
    const tg_plan *node;
    const tg_table *table; /* scans */
    const tg_expr *pred;   /* filters: one AND term of the node's predicate */
    step *in[2];
    uint8_t *need;     /* per column of step_schema: used above */
    int pushed;        /* a filter the optimiser moved */
    tg_table *schema;  /* owned: the output of a step no node describes, else NULL */
    const char **keys; /* an aggregate moved below a join: its left keys */
    size_t n_keys;
    const tg_plan *regroup; /* a join above that aggregate: the group-by it replaces */
    int done;
    int fused; /* FUSES: a group-by running the steps below it (tg_pipe); FUSED: one of those,
                  or a filter run in one pass with the filter above */
    size_t rows_in, rows_out, bytes;
    double secs, total; /* this step alone; with the steps below it */
};


/* ---- nodes ---- */

static tg_plan *node_new(int kind, tg_error *err) {
    tg_plan *p = tg_calloc(1, sizeof *p);
    if (!p) {
        tg_err_nomem(err);
        return NULL;
    }
    p->refs = 1;
    p->kind = kind;
    return p;
}

tg_plan *tg_plan_retain(tg_plan *p) {
    if (p) p->refs++;
    return p;
}

static void free_names(char **v, size_t n) {
    if (!v) return;
    for (size_t i = 0; i < n; i++) tg_free(v[i]);
    tg_free(v);
}

static void steps_free(step *s) {
    if (!s) return;
    steps_free(s->in[0]);
    steps_free(s->in[1]);
    tg_free(s->need);
    tg_table_release(s->schema);
    tg_free(s->keys);
    tg_free(s);
}

void tg_plan_release(tg_plan *p) {
    if (!p || --p->refs > 0) return;
    if (p->rmap) free_names(p->rmap, p->in[1]->schema->n_cols); /* before in[1] goes */
    tg_plan_release(p->in[0]);
    tg_plan_release(p->in[1]);
    tg_table_release(p->schema);
    tg_table_release(p->table);
    tg_free(p->where);
    tg_free(p->verb);
    tg_free(p->sel);
    if (p->pred) tg_expr_release(p->pred);
    for (size_t i = 0; p->exprs && i < p->n; i++) tg_expr_release(p->exprs[i]);
    tg_free(p->exprs);
    free_names(p->names, p->n);
    free_names(p->rkeys, p->n);
    for (size_t i = 0; i < p->n_aggs; i++) {
        tg_free(p->aggs[i].name);
        if (p->aggs[i].arg) tg_expr_release(p->aggs[i].arg);
    }
    tg_free(p->aggs);
    tg_free(p->suffix);
    steps_free(p->ran);
    tg_free(p);
}

void tg_plan_set_origin(tg_plan *p, const char *where, const char *verb) {
    tg_free(p->where);
    tg_free(p->verb);
    p->where = where ? tg_strdup(where) : NULL;
    p->verb = verb ? tg_strdup(verb) : NULL;
}

const tg_table *tg_plan_schema(const tg_plan *p) {
    return p->schema;
}

static char **copy_names(const char *const *v, size_t n) {
    char **c = tg_calloc(n ? n : 1, sizeof *c);
    for (size_t i = 0; c && i < n; i++) {
        if (!(c[i] = tg_strdup(v[i]))) {
            free_names(c, i);
            return NULL;
        }
    }
    return c;
}

/* A table with t's columns and no rows: what builders check steps on. */
static tg_table *empty_like(const tg_table *t) {
    tg_table *e = tg_table_new();
    for (size_t k = 0; e && k < t->n_cols; k++) {
        tg_col *c = tg_col_new(t->cols[k]->type, 0, t->cols[k]->dict);
        tg_status st = c ? TG_OK : TG_ENOMEM;
        if (c && t->cols[k]->note && !(c->note = tg_strdup(t->cols[k]->note))) st = TG_ENOMEM;
        if (st == TG_OK) st = tg_table_add(e, t->names[k], c);
        tg_col_release(c);
        if (st != TG_OK) {
            tg_table_release(e);
            return NULL;
        }
    }
    return e;
}

/* Frees a node whose builder failed; returns NULL. */
static tg_plan *failed(tg_plan *p, tg_status st, tg_error *err) {
    if (st == TG_ENOMEM && err->code != TG_ENOMEM) tg_err_nomem(err);
    tg_plan_release(p);
    return NULL;
}

tg_plan *tg_plan_scan(const tg_table *t, const size_t *sel, size_t n, tg_error *err) {
    tg_plan *p = node_new(SCAN, err);
    if (!p) return NULL;
    p->table = tg_table_retain((tg_table *)t);
    p->has_sel = sel != NULL;
    p->n_sel = sel ? n : t->n_rows;
    if (sel && !(p->sel = tg_malloc((n ? n : 1) * sizeof *p->sel)))
        return failed(p, TG_ENOMEM, err);
    if (sel && n) memcpy(p->sel, sel, n * sizeof *sel);
    if (!(p->schema = empty_like(t))) return failed(p, TG_ENOMEM, err);
    return p;
}

tg_plan *tg_plan_scan_take(const tg_table *t, size_t *sel, size_t n, tg_error *err) {
    tg_plan *p = node_new(SCAN, err);
    if (!p) return NULL;
    p->table = tg_table_retain((tg_table *)t);
    p->has_sel = 1;
    p->n_sel = n;
    if (!(p->schema = empty_like(t))) return failed(p, TG_ENOMEM, err);
    if (!sel && !(sel = tg_malloc(sizeof *sel))) /* no rows (tg_exec_filter's NULL) */
        return failed(p, TG_ENOMEM, err);
    p->sel = sel;
    return p;
}

tg_plan *tg_plan_filter(tg_plan *in, const tg_expr *pred, tg_error *err) {
    tg_plan *p = node_new(FILTER, err);
    size_t *idx = NULL, m = 0;
    tg_status st;
    if (!p) return NULL;
    p->in[0] = tg_plan_retain(in);
    p->pred = tg_expr_retain((tg_expr *)pred);
    p->schema = tg_table_retain(in->schema);
    st = tg_exec_filter(pred, in->schema, NULL, &idx, &m, err); /* the checks, on no rows */
    tg_free(idx);
    if (st == TG_OK) {
        tg_eval *prog;
        st = tg_eval_compile(pred, in->schema, &prog, err);
        if (st == TG_OK) p->may_fail = prog->may_fail;
        tg_eval_free(prog);
    }
    return st == TG_OK ? p : failed(p, st, err);
}

int tg_plan_may_fail(const tg_plan *p) {
    return p->kind == FILTER && p->may_fail;
}

/* t's columns with cols[i] named names[i] replacing same-named ones in
** place, the others appended: t:derive's layout. */
static tg_status assemble(const tg_table *t, char *const *names, tg_col *const *cols, size_t n,
                          tg_table **out) {
    tg_table *r = tg_table_new();
    tg_status st = r ? TG_OK : TG_ENOMEM;
    for (size_t k = 0; st == TG_OK && k < t->n_cols; k++) {
        tg_col *c = t->cols[k];
        for (size_t i = 0; i < n; i++)
            if (cols[i] && strcmp(names[i], t->names[k]) == 0) c = cols[i];
        st = tg_table_add(r, t->names[k], c);
    }
    for (size_t i = 0; st == TG_OK && i < n; i++)
        if (cols[i] && tg_table_find(r, names[i]) < 0) st = tg_table_add(r, names[i], cols[i]);
    if (r) r->n_rows = t->n_rows;
    if (st != TG_OK) tg_table_release(r);
    *out = st == TG_OK ? r : NULL;
    return st;
}

/* Evaluates the derive's expressions (those with want[i], all when want
** is NULL) over t and assembles the result. */
static tg_status run_derive(const tg_plan *p, const tg_table *t, const uint8_t *want,
                            const tg_interrupt *intr, tg_table **out, tg_error *err) {
    tg_col **cols = tg_calloc(p->n ? p->n : 1, sizeof *cols);
    tg_status st = cols ? TG_OK : tg_err_nomem(err);
    for (size_t i = 0; st == TG_OK && i < p->n; i++)
        if (!want || want[i]) st = tg_exec_eval(p->exprs[i], t, intr, &cols[i], err);
    if (st == TG_OK && (st = assemble(t, p->names, cols, p->n, out)) != TG_OK) tg_err_nomem(err);
    for (size_t i = 0; cols && i < p->n; i++) tg_col_release(cols[i]);
    tg_free(cols);
    return st;
}

tg_plan *tg_plan_derive(tg_plan *in, const char *const *names, const tg_expr *const *exprs,
                        size_t n, tg_error *err) {
    tg_plan *p = node_new(DERIVE, err);
    tg_status st;
    if (!p) return NULL;
    p->in[0] = tg_plan_retain(in);
    p->n = n;
    p->names = copy_names(names, n);
    p->exprs = tg_calloc(n ? n : 1, sizeof *p->exprs);
    if (!p->names || !p->exprs) return failed(p, TG_ENOMEM, err);
    for (size_t i = 0; i < n; i++) p->exprs[i] = tg_expr_retain((tg_expr *)exprs[i]);
    st = run_derive(p, in->schema, NULL, NULL, &p->schema, err);
    return st == TG_OK ? p : failed(p, st, err);
}

/* rmap[k]: the output name of right column k (NULL for a key column):
** the join's result lists right's non-key columns after left's, in order. */
static tg_status map_right(tg_plan *p) {
    const tg_table *r = p->in[1]->schema;
    size_t j = p->in[0]->schema->n_cols;
    if (!(p->rmap = tg_calloc(r->n_cols ? r->n_cols : 1, sizeof *p->rmap))) return TG_ENOMEM;
    if (p->how == TG_JOIN_SEMI || p->how == TG_JOIN_ANTI) return TG_OK;
    for (size_t k = 0; k < r->n_cols; k++) {
        int key = 0;
        for (size_t i = 0; i < p->n; i++) key |= strcmp(p->rkeys[i], r->names[k]) == 0;
        if (key || j >= p->schema->n_cols) continue;
        if (!(p->rmap[k] = tg_strdup(p->schema->names[j++]))) return TG_ENOMEM;
    }
    return TG_OK;
}

tg_plan *tg_plan_join(tg_plan *left, tg_plan *right, const char *const *left_keys,
                      const char *const *right_keys, size_t n_keys, int how, const char *suffix,
                      tg_error *err) {
    tg_plan *p = node_new(JOIN, err);
    tg_status st;
    if (!p) return NULL;
    p->in[0] = tg_plan_retain(left);
    p->in[1] = tg_plan_retain(right);
    p->n = n_keys;
    p->how = how;
    p->names = copy_names(left_keys, n_keys);
    p->rkeys = copy_names(right_keys, n_keys);
    p->suffix = tg_strdup(suffix ? suffix : "_right");
    if (!p->names || !p->rkeys || !p->suffix) return failed(p, TG_ENOMEM, err);
    st = tg_join(left->schema, right->schema, left_keys, right_keys, n_keys, how, suffix, NULL,
                 &p->schema, err);
    if (st == TG_OK && map_right(p) != TG_OK) st = TG_ENOMEM;
    return st == TG_OK ? p : failed(p, st, err);
}

/* Column from[i] of t under names[i]: a project's output. */
static tg_status run_project(const tg_plan *p, const tg_table *t, tg_table **out, tg_error *err) {
    tg_table *r = tg_table_new();
    tg_status st = r ? TG_OK : tg_err_nomem(err);
    for (size_t i = 0; st == TG_OK && i < p->n; i++) {
        long k;
        if ((st = tg_table_lookup(t, p->rkeys[i], &k, err)) != TG_OK) break;
        st = tg_table_add(r, p->names[i], t->cols[k]);
        if (st == TG_EARG)
            st = tg_err_set(err, TG_EARG, NULL, 0, 0, "column '%s' given twice", p->names[i]);
        else if (st != TG_OK) st = tg_err_nomem(err);
    }
    if (r) r->n_rows = t->n_rows;
    if (st != TG_OK) tg_table_release(r);
    *out = st == TG_OK ? r : NULL;
    return st;
}

tg_plan *tg_plan_project(tg_plan *in, const char *const *names, const char *const *from, size_t n,
                         tg_error *err) {
    tg_plan *p = node_new(PROJECT, err);
    tg_status st;
    if (!p) return NULL;
    p->in[0] = tg_plan_retain(in);
    p->n = n;
    p->names = copy_names(names, n);
    p->rkeys = copy_names(from, n);
    if (!p->names || !p->rkeys) return failed(p, TG_ENOMEM, err);
    st = run_project(p, in->schema, &p->schema, err);
    return st == TG_OK ? p : failed(p, st, err);
}

/* Evaluates the aggregates' arguments over t, then groups. */
static tg_status run_agg(const tg_plan *p, const char *const *keys, size_t n_keys,
                         const tg_table *t, const tg_interrupt *intr, tg_table **out,
                         tg_error *err) {
    tg_agg *a = tg_calloc(p->n_aggs ? p->n_aggs : 1, sizeof *a);
    tg_col **args = tg_calloc(p->n_aggs ? p->n_aggs : 1, sizeof *args);
    tg_status st = a && args ? TG_OK : tg_err_nomem(err);
    for (size_t i = 0; st == TG_OK && i < p->n_aggs; i++) {
        const aggdef *d = &p->aggs[i];
        a[i] = (tg_agg){ d->name, d->fn, NULL, d->p, d->method };
        if (d->arg && (st = tg_exec_eval(d->arg, t, intr, &args[i], err)) == TG_OK)
            a[i].arg = args[i];
    }
    if (st == TG_OK) st = tg_group_agg(t, keys, n_keys, a, p->n_aggs, intr, out, err);
    for (size_t i = 0; args && i < p->n_aggs; i++) tg_col_release(args[i]);
    tg_free(args);
    tg_free(a);
    return st;
}

tg_plan *tg_plan_agg(tg_plan *in, const char *const *keys, size_t n_keys,
                     const tg_plan_aggspec *aggs, size_t n_aggs, tg_error *err) {
    tg_plan *p = node_new(AGG, err);
    tg_status st;
    if (!p) return NULL;
    p->in[0] = tg_plan_retain(in);
    p->n = n_keys;
    p->names = copy_names(keys, n_keys);
    p->aggs = tg_calloc(n_aggs ? n_aggs : 1, sizeof *p->aggs);
    if (!p->names || !p->aggs) return failed(p, TG_ENOMEM, err);
    p->n_aggs = n_aggs;
    for (size_t i = 0; i < n_aggs; i++) {
        aggdef *d = &p->aggs[i];
        *d = (aggdef){ tg_strdup(aggs[i].name), aggs[i].fn,
                       aggs[i].arg ? tg_expr_retain((tg_expr *)aggs[i].arg) : NULL, aggs[i].p,
                       aggs[i].method };
        if (!d->name) return failed(p, TG_ENOMEM, err);
    }
    st = run_agg(p, (const char *const *)p->names, p->n, in->schema, NULL, &p->schema, err);
    return st == TG_OK ? p : failed(p, st, err);
}

/* ---- the steps: copying, pushing filters down, pruning columns ---- */

static step *step_new(int kind, const tg_plan *p) {
    step *s = tg_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->kind = kind;
    s->node = p;
    s->table = p->table;
    s->pred = p->pred;
    return s;
}

/* A filter on a AND b is a filter on a under a filter on b: the same rows
** (a row is kept when every term is true), and each term can then move
** down on its own. Returns the top of the chain over 'below'. */
static step *split_and(const tg_plan *p, const tg_expr *e, step *below) {
    step *s;
    if (e->op == TG_OP_AND) {
        for (uint32_t i = 0; below && i < e->n_args; i++) below = split_and(p, e->args[i], below);
        return below;
    }
    if (!(s = step_new(FILTER, p))) {
        steps_free(below);
        return NULL;
    }
    s->pred = e;
    s->in[0] = below;
    return s;
}

static step *steps_of(const tg_plan *p) {
    step *s, *in[2] = { NULL, NULL };
    for (int i = 0; i < 2; i++) {
        if (p->in[i] && !(in[i] = steps_of(p->in[i]))) {
            steps_free(in[0]);
            return NULL;
        }
    }
    if (p->kind == FILTER) return split_and(p, p->pred, in[0]);
    if (!(s = step_new(p->kind, p))) {
        steps_free(in[0]);
        steps_free(in[1]);
        return NULL;
    }
    s->in[0] = in[0];
    s->in[1] = in[1];
    return s;
}

/* The columns a step outputs: a filter's are its input's. */
static const tg_table *step_schema(const step *s) {
    if (s->schema) return s->schema;
    return s->kind == FILTER ? step_schema(s->in[0]) : s->node->schema;
}

/* 1 if every column 'e' reads passes 'ok'. */
typedef int (*name_test)(const step *s, const char *name);

static int expr_reads_only(const tg_expr *e, const step *s, name_test ok) {
    const char **names;
    size_t n;
    int all = 1;
    if (tg_expr_columns(e, &names, &n) != TG_OK) return 0;
    for (size_t i = 0; i < n && all; i++) all = ok(s, names[i]);
    tg_free(names);
    return all;
}

static int not_derived(const step *d, const char *name) {
    for (size_t i = 0; i < d->node->n; i++)
        if (strcmp(d->node->names[i], name) == 0) return 0;
    return 1;
}

/* A column a project keeps under its own name. */
static int unrenamed(const step *pr, const char *name) {
    for (size_t i = 0; i < pr->node->n; i++)
        if (strcmp(pr->node->names[i], name) == 0) return strcmp(pr->node->rkeys[i], name) == 0;
    return 0;
}

/* A key of the group-by a: a filter reading only keys keeps or drops whole
** groups, so it may run on the rows before they are grouped. */
static int group_key(const step *a, const char *name) {
    return !not_derived(a, name);
}

/* A column of the join's output that is left's, under its own name. */
static int from_left(const step *j, const char *name) {
    return tg_table_find(step_schema(j->in[0]), name) >= 0;
}

/* A column of an inner join's output that right brings under its name. */
static int from_right(const step *j, const char *name) {
    const tg_table *r = step_schema(j->in[1]);
    long k = tg_table_find(r, name);
    return !from_left(j, name) && k >= 0 && j->node->rmap[k] && strcmp(j->node->rmap[k], name) == 0;
}

/* Moves filters below derives that do not make their columns, below joins
** that do not bring them and below group-bys whose keys are all they read
** (not a group-by without keys: it makes its one row even from no rows);
** returns the step now at s's place. */
static step *push_filters(step *s) {
    for (int i = 0; i < 2; i++)
        if (s->in[i]) s->in[i] = push_filters(s->in[i]);
    if (s->kind != FILTER) return s;
    step *c = s->in[0], *moved;
    const tg_expr *pred = s->pred;
    int side = -1;
    if (c->kind == FILTER) { /* past a filter that stays, when it can go further */
        s->in[0] = c->in[0];
        moved = push_filters(s);
        if (moved == s) {
            s->in[0] = c;
            return s;
        }
        c->in[0] = moved;
        return c;
    }
    if (c->kind == DERIVE && expr_reads_only(pred, c, not_derived)) side = 0;
    else if (c->kind == AGG && c->node->n > 0 && expr_reads_only(pred, c, group_key)) side = 0;
    else if (c->kind == PROJECT && expr_reads_only(pred, c, unrenamed)) side = 0;
    else if (c->kind == JOIN && expr_reads_only(pred, c, from_left)) side = 0;
    else if (c->kind == JOIN && c->node->how == TG_JOIN_INNER &&
             expr_reads_only(pred, c, from_right))
        side = 1;
    if (side < 0) return s;
    s->in[0] = c->in[side];
    s->pushed = 1;
    c->in[side] = push_filters(s);
    return c;
}

static void mark(step *s, const char *name) {
    long k = tg_table_find(step_schema(s), name);
    if (k >= 0) s->need[k] = 1;
}

static void mark_expr(step *s, const tg_expr *e) {
    const char **names;
    size_t n;
    if (!e || tg_expr_columns(e, &names, &n) != TG_OK) {
        memset(s->need, 1, step_schema(s)->n_cols); /* no list: keep every column */
        return;
    }
    for (size_t i = 0; i < n; i++) mark(s, names[i]);
    tg_free(names);
}

static int derived_at(const tg_plan *d, const char *name) {
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->names[i], name) == 0) return (int)i;
    return -1;
}

/* What a join's inputs must bring for the columns needed of its output. */
static void need_join(step *s) {
    const tg_table *o = s->node->schema, *l = step_schema(s->in[0]), *r = step_schema(s->in[1]);
    for (size_t i = 0; i < s->node->n; i++) {
        mark(s->in[0], s->node->names[i]);
        mark(s->in[1], s->node->rkeys[i]);
    }
    for (size_t k = 0; k < l->n_cols && k < o->n_cols; k++)
        if (s->need[k]) s->in[0]->need[k] = 1;
    /* right's non-key columns follow left's in the output, in order */
    for (size_t j = 0, k = l->n_cols; j < r->n_cols && k < o->n_cols; j++)
        if (s->node->rmap[j] && s->need[k++]) s->in[1]->need[j] = 1;
}

static void need_regroup(step *s);

/* Gives every step its mask of needed columns, top down from s's own. */
static tg_status prune(step *s) {
    step *c = s->in[0];
    const tg_plan *p = s->node;
    const tg_table *sch = step_schema(s);
    for (int i = 0; i < 2; i++) {
        if (!s->in[i]) continue;
        size_t n = step_schema(s->in[i])->n_cols;
        if (!(s->in[i]->need = tg_calloc(n ? n : 1, 1))) return TG_ENOMEM;
    }
    switch (s->kind) {
    case FILTER:
        memcpy(c->need, s->need, sch->n_cols);
        mark_expr(c, s->pred);
        break;
    case DERIVE:
        for (size_t k = 0; k < sch->n_cols; k++) {
            int d = s->need[k] ? derived_at(p, sch->names[k]) : -1;
            if (s->need[k] && d < 0) mark(c, sch->names[k]);
            if (d >= 0) mark_expr(c, p->exprs[d]);
        }
        break;
    case PROJECT:
        for (size_t i = 0; i < p->n; i++)
            if (s->need[i]) mark(c, p->rkeys[i]);
        break;
    case JOIN:
        if (s->regroup) need_regroup(s);
        else need_join(s);
        break;
    case AGG:
        for (size_t i = 0; i < p->n; i++) mark(c, p->names[i]);
        for (size_t i = 0; i < p->n_aggs; i++)
            if (p->aggs[i].arg) mark_expr(c, p->aggs[i].arg);
        break;
    default: break;
    }
    for (int i = 0; i < 2; i++) {
        tg_status st = s->in[i] ? prune(s->in[i]) : TG_OK;
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

/* ---- a group-by moved below a join ---- */

/* A step's result: a table and, after a filter, the selected rows. */
typedef struct rel {
    tg_table *t;
    size_t *sel; /* NULL: every row of t */
    size_t n;
    int own_sel;
} rel;

static tg_status rel_table(rel *r, const tg_interrupt *intr, tg_table **out, tg_error *err);

/* A column of the group-by's input 'top' (the join, or a derive over it)
** that comes from the join's left side or the derive. */
static int left_side(const step *top, const char *name) {
    if (top->kind == DERIVE) return derived_at(top->node, name) >= 0 || left_side(top->in[0], name);
    return from_left(top, name);
}

/* The right column of join j that the join's output calls 'name', or -1. */
static long right_col(const step *j, const char *name) {
    const tg_table *r = step_schema(j->in[1]);
    if (from_left(j, name)) return -1;
    for (size_t k = 0; k < r->n_cols; k++)
        if (j->node->rmap[k] && strcmp(j->node->rmap[k], name) == 0) return (long)k;
    return -1;
}

/* 1 if the rows the scan r reads have distinct (non-NULL) join keys: each
** left row then meets at most one right row. */
static int right_unique(const step *r, const tg_plan *j) {
    rel rr = { NULL, NULL, 0, 0 };
    tg_table *kt = NULL, *g = NULL;
    tg_error err;
    int unique = 0;
    if (tg_table_select(r->table, (const char *const *)j->rkeys, j->n, &rr.t, NULL) != TG_OK)
        return 0;
    rr.t->n_rows = r->table->n_rows;
    rr.sel = r->node->has_sel ? r->node->sel : NULL;
    rr.n = r->node->n_sel;
    if (rel_table(&rr, NULL, &kt, &err) == TG_OK &&
        tg_group_agg(kt, (const char *const *)j->rkeys, j->n, NULL, 0, NULL, &g, &err) == TG_OK)
        unique = g->n_rows == kt->n_rows;
    for (size_t k = 0; unique && k < kt->n_cols; k++) unique = tg_col_null_count(kt->cols[k]) == 0;
    tg_table_release(rr.t);
    tg_table_release(kt);
    tg_table_release(g);
    return unique;
}

/* The group-by s may run below the join when each group meets one right
** row: the join (inner or left) matches each left row with at most one
** right row (distinct right keys in the table the right side scans, before
** any filter moved onto it), the left join keys are group keys and
** come before every key taken from the right side (which they then
** determine, so those keys neither split groups nor change their order),
** and the aggregates read only left columns. Fills keys with the left
** keys; 0 when it may not move. */
static int may_move_agg(const step *s, const step *top, const step *j, const char **keys,
                        size_t *n_left) {
    const tg_plan *a = s->node, *jn = j->node;
    const step *scan = j->in[1];
    size_t first_right = a->n;
    if (jn->how != TG_JOIN_INNER && jn->how != TG_JOIN_LEFT) return 0;
    while (scan->kind == FILTER) scan = scan->in[0]; /* fewer rows: keys stay distinct */
    if (scan->kind != SCAN) return 0;
    for (size_t i = 0; top->kind == DERIVE && i < top->node->n; i++)
        if (!expr_reads_only(top->node->exprs[i], j, from_left)) return 0;
    for (size_t i = 0; i < a->n_aggs; i++)
        if (a->aggs[i].arg && !expr_reads_only(a->aggs[i].arg, top, left_side)) return 0;
    *n_left = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (left_side(top, a->names[i])) keys[(*n_left)++] = a->names[i];
        else if (right_col(j, a->names[i]) < 0) return 0;
        else if (first_right == a->n) first_right = i;
    }
    for (size_t i = 0; i < jn->n; i++) {
        size_t at = 0;
        while (at < a->n && strcmp(a->names[at], jn->names[i]) != 0) at++;
        if (at >= first_right) return 0; /* not a key, or after a right key */
        if (top->kind == DERIVE && derived_at(top->node, jn->names[i]) >= 0) return 0;
    }
    return right_unique(scan, jn);
}

/* Group-by over join (possibly through a derive of left columns) becomes
** join over group-by when may_move_agg allows: the join then meets one row
** per group instead of every row. Returns the step now at s's place. */
static step *move_aggs(step *s) {
    step *top, *j;
    const char **keys;
    size_t n;
    tg_error err;
    for (int i = 0; i < 2; i++)
        if (s->in[i]) s->in[i] = move_aggs(s->in[i]);
    if (s->kind != AGG || s->keys) return s;
    top = s->in[0];
    j = top->kind == DERIVE ? top->in[0] : top;
    if (j->kind != JOIN || j->regroup) return s;
    if (!(keys = tg_malloc((s->node->n ? s->node->n : 1) * sizeof *keys))) return s;
    if (!may_move_agg(s, top, j, keys, &n) ||
        run_agg(s->node, keys, n, step_schema(top), NULL, &s->schema, &err) != TG_OK) {
        tg_free(keys);
        return s;
    }
    s->keys = keys;
    s->n_keys = n;
    if (top != j) top->in[0] = j->in[0];
    s->in[0] = top == j ? j->in[0] : top;
    j->in[0] = s;
    j->regroup = s->node;
    j->schema = tg_table_retain(s->node->schema);
    return j;
}

/* What a join above a moved group-by needs: every column of the groups,
** and of the right side its keys and the columns that were group keys. */
static void need_regroup(step *s) {
    const tg_table *r = step_schema(s->in[1]);
    memset(s->in[0]->need, 1, step_schema(s->in[0])->n_cols);
    for (size_t i = 0; i < s->node->n; i++) mark(s->in[1], s->node->rkeys[i]);
    for (size_t i = 0; i < s->regroup->n; i++) {
        long k = right_col(s, s->regroup->names[i]);
        if (k >= 0 && (size_t)k < r->n_cols) s->in[1]->need[k] = 1;
    }
}

/* The optimised steps of p, kept in p->ran (replacing an earlier run's). */
static tg_status optimise(tg_plan *p) {
    step *s = steps_of(p);
    size_t n = p->schema->n_cols;
    if (!s) return TG_ENOMEM;
    s = move_aggs(push_filters(s));
    if (!(s->need = tg_malloc(n ? n : 1))) {
        steps_free(s);
        return TG_ENOMEM;
    }
    memset(s->need, 1, n ? n : 1);
    steps_free(p->ran);
    p->ran = s;
    return prune(s);
}

/* ---- running ---- */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void rel_free(rel *r) {
    tg_table_release(r->t);
    if (r->own_sel) tg_free(r->sel);
    memset(r, 0, sizeof *r);
}

/* The needed columns of 'from' (per s->need over step_schema(s)), sharing
** them; NULL on allocation failure. */
static tg_table *needed_cols(const step *s, const tg_table *from) {
    const tg_table *sch = step_schema(s);
    tg_table *t = tg_table_new();
    for (size_t k = 0; t && k < sch->n_cols; k++) {
        tg_col *c = s->need[k] ? tg_table_col(from, sch->names[k]) : NULL;
        if (c && tg_table_add(t, sch->names[k], c) != TG_OK) {
            tg_table_release(t);
            return NULL;
        }
    }
    if (t) t->n_rows = from->n_rows;
    return t;
}

/* The rel's rows as a table: the selected rows of its columns gathered
** (the only place a selection becomes columns). */
static tg_status rel_table(rel *r, const tg_interrupt *intr, tg_table **out, tg_error *err) {
    tg_table *t;
    if (!r->sel) {
        *out = tg_table_retain(r->t);
        return TG_OK;
    }
    if (!(t = tg_table_new())) return tg_err_nomem(err);
    for (size_t k = 0; k < r->t->n_cols; k++) {
        tg_status st;
        tg_col *c = tg_col_take_poll(r->t->cols[k], r->sel, r->n, intr, &st);
        if (st == TG_OK && tg_table_add(t, r->t->names[k], c) != TG_OK) st = TG_ENOMEM;
        if (st == TG_ENOMEM) tg_err_nomem(err);
        else if (st != TG_OK) tg_err_set(err, st, NULL, 0, 0, "gather interrupted");
        tg_col_release(c);
        if (st != TG_OK) {
            tg_table_release(t);
            return st;
        }
    }
    t->n_rows = r->n;
    *out = t;
    return TG_OK;
}

typedef struct run {
    const tg_interrupt *intr;
    tg_error *err;
    const tg_plan *failed; /* the node whose step failed */
} run;

static tg_status exec_step(step *s, run *ru, rel *out);

/* The input of s as a table (its needed columns, selected rows). */
static tg_status input_table(step *s, int i, run *ru, tg_table **t) {
    rel in = { 0 };
    tg_status st = exec_step(s->in[i], ru, &in);
    if (st == TG_OK) st = rel_table(&in, ru->intr, t, ru->err);
    if (st == TG_OK) s->rows_in += (*t)->n_rows;
    rel_free(&in);
    return st;
}

static tg_status exec_scan(step *s, rel *out, tg_error *err) {
    const tg_plan *p = s->node;
    if (!(out->t = needed_cols(s, s->table))) return tg_err_nomem(err);
    out->sel = p->has_sel ? p->sel : NULL;
    out->n = p->n_sel;
    s->rows_in = s->table->n_rows;
    return TG_OK;
}

/* The columns of the preds (each column once) into *names, a tg_malloc'ed array. */
static tg_status preds_columns(const tg_expr *const *preds, size_t n, const char ***names,
                               size_t *n_names) {
    size_t cap = 0;
    *names = NULL;
    *n_names = 0;
    for (size_t i = 0; i < n; i++) {
        const char **cols;
        size_t m;
        if (tg_expr_columns(preds[i], &cols, &m) != TG_OK) return TG_ENOMEM;
        for (size_t k = 0; k < m; k++) {
            size_t at = 0;
            while (at < *n_names && strcmp((*names)[at], cols[k]) != 0) at++;
            if (at < *n_names) continue;
            if (*n_names == cap) {
                const char **g = tg_realloc(*names, (cap = cap ? 2 * cap : 8) * sizeof *g);
                if (!g) {
                    tg_free(cols);
                    return TG_ENOMEM;
                }
                *names = g;
            }
            (*names)[(*n_names)++] = cols[k];
        }
        tg_free(cols);
    }
    return TG_OK;
}

/* The selection of a filter: the predicate's columns gathered for the
** input's selected rows, the new indices composed with the old. The terms
** of one predicate that stay together (a chain of filter steps of one
** node) run in one pass, as the eager filter runs them: the inner steps
** are marked WITH_ABOVE. */
static tg_status exec_filter(step *s, run *ru, rel *out) {
    rel in = { 0 };
    tg_table *view = NULL;
    size_t *sub = NULL, m = 0, n_terms = 1;
    const tg_expr **terms;
    step *b = s;
    tg_status st;
    while (b->in[0]->kind == FILTER && b->in[0]->node == s->node) {
        b = b->in[0];
        n_terms++;
    }
    if (!(terms = tg_malloc(n_terms * sizeof *terms))) return tg_err_nomem(ru->err);
    b = s;
    for (size_t i = n_terms; i-- > 0; b = i ? b->in[0] : b) { /* bottom up */
        terms[i] = b->pred;
        if (b != s) b->fused = WITH_ABOVE;
    }
    st = exec_step(b->in[0], ru, &in);
    if (st != TG_OK) {
        tg_free(terms);
        return st;
    }
    s->rows_in = in.n;
    if (!in.sel) {
        view = tg_table_retain(in.t);
    } else {
        rel pv = { 0 };
        const char **names = NULL;
        size_t n = 0;
        if (preds_columns(terms, n_terms, &names, &n) != TG_OK) st = tg_err_nomem(ru->err);
        if (st == TG_OK && tg_table_select(in.t, names, n, &pv.t, NULL) != TG_OK)
            st = tg_err_nomem(ru->err);
        if (st == TG_OK) {
            pv.t->n_rows = in.t->n_rows;
            pv.sel = in.sel;
            pv.n = in.n;
            st = rel_table(&pv, ru->intr, &view, ru->err);
        }
        tg_table_release(pv.t);
        tg_free(names);
    }
    if (st == TG_OK) st = tg_exec_filter_terms(terms, n_terms, view, ru->intr, &sub, &m, ru->err);
    if (st == TG_OK && !sub && !(sub = tg_malloc(sizeof *sub))) /* no rows, still a selection */
        st = tg_err_nomem(ru->err);
    tg_table_release(view);
    tg_free(terms);
    if (st == TG_OK && in.sel)
        for (size_t i = 0; i < m; i++) sub[i] = in.sel[sub[i]];
    if (st == TG_OK) {
        out->t = tg_table_retain(in.t);
        out->sel = sub;
        out->own_sel = 1;
        out->n = m;
    } else {
        tg_free(sub);
    }
    rel_free(&in);
    return st;
}

/* Drops the columns of out no later step reads (a derive's inputs, a
** join's keys), so their memory goes back before the next kernel runs. */
static tg_status keep_needed(const step *s, rel *out, tg_error *err) {
    tg_table *kept = needed_cols(s, out->t);
    if (!kept) return tg_err_nomem(err);
    tg_table_release(out->t);
    out->t = kept;
    out->n = kept->n_rows;
    return TG_OK;
}

static tg_status exec_derive(step *s, run *ru, rel *out) {
    const tg_plan *p = s->node;
    const tg_table *sch = p->schema;
    uint8_t *want = tg_calloc(p->n ? p->n : 1, 1);
    tg_table *t = NULL;
    tg_status st = want ? input_table(s, 0, ru, &t) : tg_err_nomem(ru->err);
    for (size_t k = 0; st == TG_OK && k < sch->n_cols; k++) {
        int d = s->need[k] ? derived_at(p, sch->names[k]) : -1;
        if (d >= 0) want[d] = 1;
    }
    if (st == TG_OK) st = run_derive(p, t, want, ru->intr, &out->t, ru->err);
    if (st == TG_OK) st = keep_needed(s, out, ru->err);
    tg_table_release(t);
    tg_free(want);
    return st;
}

static int is_rkey(const tg_plan *j, const char *name) {
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->rkeys[i], name) == 0) return 1;
    return 0;
}

/* The join of the two inputs' needed columns; the right columns renamed
** as they are named in the full join (a clash with a left column that was
** not carried would otherwise lose its suffix). */
static tg_status exec_join(step *s, run *ru, rel *out) {
    const tg_plan *p = s->node;
    tg_table *l = NULL, *r = NULL, *j = NULL;
    tg_status st = input_table(s, 0, ru, &l);
    if (st == TG_OK) st = input_table(s, 1, ru, &r);
    if (st == TG_OK)
        st = tg_join(l, r, (const char *const *)p->names, (const char *const *)p->rkeys, p->n,
                     p->how, p->suffix, ru->intr, &j, ru->err);
    if (st == TG_OK && !(out->t = tg_table_new())) st = tg_err_nomem(ru->err);
    for (size_t k = 0, rk = 0; st == TG_OK && k < j->n_cols; k++) {
        const char *name = j->names[k];
        if (k >= l->n_cols) {
            while (rk < r->n_cols && is_rkey(p, r->names[rk])) rk++;
            name = p->rmap[tg_table_find(p->in[1]->schema, r->names[rk++])];
        }
        if (tg_table_add(out->t, name, j->cols[k]) != TG_OK) st = tg_err_nomem(ru->err);
    }
    if (st == TG_OK) out->n = out->t->n_rows = j->n_rows;
    if (st == TG_OK && !s->regroup) st = keep_needed(s, out, ru->err);
    if (st == TG_OK && s->regroup) { /* the group-by's columns, in its order */
        const tg_table *g = s->regroup->schema;
        tg_table *o = NULL;
        if (tg_table_select(out->t, (const char *const *)g->names, g->n_cols, &o, NULL) != TG_OK)
            st = tg_err_nomem(ru->err);
        else o->n_rows = out->t->n_rows;
        tg_table_release(out->t);
        out->t = o;
    }
    tg_table_release(l);
    tg_table_release(r);
    tg_table_release(j);
    return st;
}

/* The input's needed columns renamed; a selection stays one. */
static tg_status exec_project(step *s, run *ru, rel *out) {
    const tg_plan *p = s->node;
    rel in = { 0 };
    tg_status st = exec_step(s->in[0], ru, &in);
    if (st == TG_OK && !(out->t = tg_table_new())) st = tg_err_nomem(ru->err);
    for (size_t i = 0; st == TG_OK && i < p->n; i++) {
        tg_col *c = s->need[i] ? tg_table_col(in.t, p->rkeys[i]) : NULL;
        if (c && tg_table_add(out->t, p->names[i], c) != TG_OK) st = tg_err_nomem(ru->err);
    }
    if (st == TG_OK) {
        s->rows_in = in.n;
        out->t->n_rows = in.t->n_rows;
        out->sel = in.sel;
        out->own_sel = in.own_sel;
        out->n = in.n;
        in.own_sel = 0;
    }
    rel_free(&in);
    return st;
}

/* ---- a group-by fused with the filters and derives below it ---- */

/* The pipeline of s's input: derives and selects over filters over a
** scan (NULL when the steps have another shape). Arrays owned by 'pp',
** freed by pipe_free. */
typedef struct fusion {
    tg_pipe pp;
    tg_table *t;
    step *scan, *top_filter;
    tg_pipe_step *steps;
    const tg_expr **terms;
    uint8_t *carry;
    const tg_expr ***exprs;
    const char ***from;
    tg_pipe_aggspec *aggs;
} fusion;

static void fusion_free(fusion *f, size_t n_steps) {
    for (size_t i = 0; i < n_steps; i++) {
        tg_free(f->exprs ? f->exprs[i] : NULL);
        tg_free(f->from ? f->from[i] : NULL);
    }
    tg_free(f->exprs);
    tg_free(f->from);
    tg_free(f->steps);
    tg_free(f->terms);
    tg_free(f->carry);
    tg_free(f->aggs);
    tg_table_release(f->t);
}

/* One derive or select step as a tg_pipe_step computing what is needed. */
static tg_status pipe_step(fusion *f, size_t i, const step *d) {
    const tg_plan *p = d->node;
    const tg_table *sch = step_schema(d);
    tg_pipe_step *ps = &f->steps[i];
    *ps = (tg_pipe_step){ d->kind == DERIVE ? TG_PIPE_DERIVE : TG_PIPE_RENAME, p->n,
                          (const char *const *)p->names, NULL, NULL };
    if (d->kind == DERIVE) {
        if (!(f->exprs[i] = tg_calloc(p->n ? p->n : 1, sizeof **f->exprs))) return TG_ENOMEM;
        for (size_t k = 0; k < sch->n_cols; k++) {
            int at = d->need[k] ? derived_at(p, sch->names[k]) : -1;
            if (at >= 0) f->exprs[i][at] = p->exprs[at];
        }
        ps->exprs = f->exprs[i];
    } else {
        if (!(f->from[i] = tg_calloc(p->n ? p->n : 1, sizeof **f->from))) return TG_ENOMEM;
        for (size_t k = 0; k < p->n; k++)
            if (d->need[k]) f->from[i][k] = p->rkeys[k];
        ps->from = f->from[i];
    }
    return TG_OK;
}

/* Fills f for the group-by s: 0 when its input is not derives and selects
** over filters over a scan, or is the scan of a whole table itself, -1 on
** allocation failure, else 1. */
static int fusion_make(step *s, fusion *f, size_t *n_steps) {
    step *c = s->in[0];
    const tg_plan *a = s->node;
    size_t n_filters = 0, i;
    *n_steps = 0;
    for (; c->kind == DERIVE || c->kind == PROJECT; c = c->in[0]) (*n_steps)++;
    for (f->top_filter = c->kind == FILTER ? c : NULL; c->kind == FILTER; c = c->in[0]) n_filters++;
    /* A group-by straight over a scan reads its columns in place; over a
    ** derive it would compute the derived column whole. */
    if (c->kind != SCAN || (!n_filters && !c->node->has_sel && !*n_steps)) return 0;
    f->scan = c;
    if (!(f->t = needed_cols(c, c->table)) ||
        !(f->steps = tg_calloc(*n_steps ? *n_steps : 1, sizeof *f->steps)) ||
        !(f->exprs = tg_calloc(*n_steps ? *n_steps : 1, sizeof *f->exprs)) ||
        !(f->from = tg_calloc(*n_steps ? *n_steps : 1, sizeof *f->from)) ||
        !(f->terms = tg_calloc(n_filters ? n_filters : 1, sizeof *f->terms)) ||
        !(f->carry = tg_calloc(f->t->n_cols ? f->t->n_cols : 1, 1)) ||
        !(f->aggs = tg_calloc(a->n_aggs ? a->n_aggs : 1, sizeof *f->aggs)))
        return -1;
    i = *n_steps;
    for (c = s->in[0]; c->kind == DERIVE || c->kind == PROJECT; c = c->in[0])
        if (pipe_step(f, --i, c) != TG_OK) return -1; /* bottom up */
    i = n_filters;
    for (; c->kind == FILTER; c = c->in[0]) f->terms[--i] = c->pred;
    for (size_t k = 0; k < f->t->n_cols; k++) {
        long at = tg_table_find(step_schema(c), f->t->names[k]);
        f->carry[k] = !f->top_filter || (at >= 0 && f->top_filter->need[at]);
    }
    for (size_t k = 0; k < a->n_aggs; k++)
        f->aggs[k] = (tg_pipe_aggspec){ a->aggs[k].name, a->aggs[k].fn, a->aggs[k].arg,
                                        a->aggs[k].p, a->aggs[k].method };
    f->pp = (tg_pipe){ f->t,
                       c->node->has_sel ? c->node->sel : NULL,
                       c->node->n_sel,
                       f->terms,
                       n_filters,
                       f->carry,
                       f->steps,
                       *n_steps,
                       s->keys ? s->keys : (const char *const *)a->names,
                       s->keys ? s->n_keys : a->n,
                       f->aggs,
                       a->n_aggs };
    return 1;
}

/* Runs the group-by s with the steps below it through tg_pipe; returns 0
** when it does not (another shape, an aggregate tg_pipe declines, or a
** data error, whose message names a row of a morsel: the steps then run
** one at a time and raise it as they would). */
static int exec_fused(step *s, run *ru, rel *out, tg_status *st) {
    fusion f;
    size_t n_steps, kept;
    int made;
    memset(&f, 0, sizeof f);
    if ((made = fusion_make(s, &f, &n_steps)) <= 0) {
        fusion_free(&f, n_steps);
        if (made < 0) *st = tg_err_nomem(ru->err);
        return made < 0;
    }
    *st = tg_pipe_agg(&f.pp, ru->intr, &out->t, &kept, ru->err);
    if ((*st == TG_OK && !out->t) || *st == TG_EDATA || *st == TG_EARG) {
        fusion_free(&f, n_steps);
        return 0;
    }
    if (*st == TG_OK) {
        out->n = out->t->n_rows;
        s->rows_in = kept;
        s->fused = FUSES;
        for (step *c = s->in[0]; c != f.scan; c = c->in[0]) c->fused = FUSED;
        f.scan->done = 1;
        f.scan->rows_in = f.scan->table->n_rows;
        f.scan->rows_out = f.scan->node->n_sel;
    }
    fusion_free(&f, n_steps);
    return 1;
}

static tg_status exec_agg(step *s, run *ru, rel *out) {
    tg_table *t = NULL;
    tg_status st;
    if (exec_fused(s, ru, out, &st)) return st;
    st = input_table(s, 0, ru, &t);
    if (st == TG_OK && s->keys)
        st = run_agg(s->node, s->keys, s->n_keys, t, ru->intr, &out->t, ru->err);
    else if (st == TG_OK)
        st = run_agg(s->node, (const char *const *)s->node->names, s->node->n, t, ru->intr, &out->t,
                     ru->err);
    if (st == TG_OK) out->n = out->t->n_rows;
    tg_table_release(t);
    return st;
}

static size_t rel_bytes(const rel *r) {
    size_t b = 0;
    if (r->sel) return r->n * sizeof *r->sel;
    for (size_t k = 0; k < r->t->n_cols; k++) b += r->n * tg_type_width(r->t->cols[k]->type);
    return b;
}

static tg_status exec_step(step *s, run *ru, rel *out) {
    double t0 = now();
    tg_status st;
    memset(out, 0, sizeof *out);
    switch (s->kind) {
    case SCAN: st = exec_scan(s, out, ru->err); break;
    case FILTER: st = exec_filter(s, ru, out); break;
    case DERIVE: st = exec_derive(s, ru, out); break;
    case JOIN: st = exec_join(s, ru, out); break;
    case PROJECT: st = exec_project(s, ru, out); break;
    default: st = exec_agg(s, ru, out); break;
    }
    if (st != TG_OK) {
        if (!ru->failed) ru->failed = s->node;
        rel_free(out);
        return st;
    }
    s->total = now() - t0;
    s->secs = s->total;
    for (int i = 0; i < 2; i++)
        if (s->in[i]) s->secs -= s->in[i]->total; /* the time of this step alone */
    s->rows_out = out->n;
    s->bytes = rel_bytes(out);
    s->done = 1;
    return TG_OK;
}

tg_status tg_plan_run(tg_plan *p, const tg_interrupt *intr, tg_table **out, size_t **sel, size_t *n,
                      const char **where, const char **verb, tg_error *err) {
    run ru = { intr, err, NULL };
    rel r = { 0 };
    const tg_table *sch = p->schema;
    tg_status st = optimise(p) == TG_OK ? TG_OK : tg_err_nomem(err);

    *out = NULL;
    *sel = NULL;
    *n = 0;
    if (st == TG_OK) st = exec_step(p->ran, &ru, &r);
    if (st == TG_OK &&
        tg_table_select(r.t, (const char *const *)sch->names, sch->n_cols, out, NULL) != TG_OK)
        st = tg_err_nomem(err);
    if (st == TG_OK) {
        (*out)->n_rows = r.t->n_rows;
        *n = r.n;
        if (r.sel && !r.own_sel) { /* the scan's own rows: the caller gets a copy */
            size_t *c = tg_malloc((r.n ? r.n : 1) * sizeof *c);
            if (!c) st = tg_err_nomem(err);
            else if (r.n) memcpy(c, r.sel, r.n * sizeof *c);
            r.sel = c;
            r.own_sel = 1;
        }
        if (st == TG_OK) {
            *sel = r.sel;
            r.sel = NULL;
        }
    }
    if (st != TG_OK) {
        tg_table_release(*out);
        *out = NULL;
    }
    rel_free(&r);
    if (where) *where = ru.failed && ru.failed->where ? ru.failed->where : "";
    if (verb) *verb = ru.failed && ru.failed->verb ? ru.failed->verb : "";
    return st;
}

/* ---- explain ---- */

static const char *agg_name(int fn) {
    static const char *const names[] = { "?",   "count",      "count_if", "sum",      "mean",
                                         "min", "max",        "median",   "quantile", "std",
                                         "var", "n_distinct", "first",    "last" };
    return fn > 0 && fn < (int)(sizeof names / sizeof names[0]) ? names[fn] : "?";
}

static void add_expr(tg_sbuf *b, const tg_expr *e) {
    char *s = tg_expr_to_string_max(e, 200);
    tg_sbuf_str(b, s ? s : "?");
    tg_free(s);
}

static void add_names(tg_sbuf *b, char *const *v, size_t n) {
    for (size_t i = 0; i < n; i++) tg_sbuf_printf(b, "%s%s", i ? ", " : "", v[i]);
}

static size_t count_needed(const step *s) {
    size_t n = 0, w = step_schema(s)->n_cols;
    for (size_t k = 0; s->need && k < w; k++) n += s->need[k];
    return n;
}

/* One step's line: what it does, then its figures once it ran. */
static void explain_line(tg_sbuf *b, const step *s) {
    static const char *const hows[] = { "", "inner", "left", "semi", "anti" };
    const tg_plan *p = s->node;
    switch (s->kind) {
    case SCAN:
        tg_sbuf_printf(b, "scan %zu %s, %zu of %zu columns", p->n_sel,
                       p->has_sel ? "selected rows" : "rows", count_needed(s), s->table->n_cols);
        break;
    case FILTER:
        tg_sbuf_str(b, "filter ");
        add_expr(b, s->pred);
        if (s->pushed) tg_sbuf_str(b, " (pushed down)");
        break;
    case DERIVE:
        tg_sbuf_str(b, "derive ");
        for (size_t i = 0; i < p->n; i++) {
            tg_sbuf_printf(b, "%s%s = ", i ? ", " : "", p->names[i]);
            add_expr(b, p->exprs[i]);
        }
        break;
    case PROJECT:
        tg_sbuf_str(b, "select ");
        for (size_t i = 0; i < p->n; i++) {
            tg_sbuf_printf(b, "%s%s", i ? ", " : "", p->names[i]);
            if (strcmp(p->names[i], p->rkeys[i]) != 0) tg_sbuf_printf(b, " = %s", p->rkeys[i]);
        }
        break;
    case JOIN:
        tg_sbuf_printf(b, "join %s on ", hows[p->how > 0 && p->how <= 4 ? p->how : 0]);
        for (size_t i = 0; i < p->n; i++)
            tg_sbuf_printf(b, "%s%s = %s", i ? ", " : "", p->names[i], p->rkeys[i]);
        if (s->regroup) tg_sbuf_str(b, " (after the group-by)");
        break;
    default:
        tg_sbuf_str(b, "group_by ");
        if (s->keys) add_names(b, (char *const *)s->keys, s->n_keys);
        else add_names(b, p->names, p->n);
        tg_sbuf_str(b, " agg ");
        for (size_t i = 0; i < p->n_aggs; i++) {
            tg_sbuf_printf(b, "%s%s = %s(", i ? ", " : "", p->aggs[i].name,
                           agg_name(p->aggs[i].fn));
            if (p->aggs[i].arg) add_expr(b, p->aggs[i].arg);
            tg_sbuf_str(b, ")");
        }
        if (s->keys) tg_sbuf_str(b, " (moved below the join)");
        if (s->fused == FUSES) tg_sbuf_str(b, " (fused: runs the steps below, morsel by morsel)");
    }
    if (s->fused == FUSED) tg_sbuf_str(b, " (in the group-by's morsels)");
    if (s->fused == WITH_ABOVE) tg_sbuf_str(b, " (one pass with the filter above)");
    if (p->where && *p->where) tg_sbuf_printf(b, "  [%.*s]", (int)strlen(p->where) - 2, p->where);
    if (s->done)
        tg_sbuf_printf(b, "  rows %zu -> %zu, %.3f ms, %.1f KiB", s->rows_in, s->rows_out,
                       s->secs * 1e3, (double)s->bytes / 1024.0);
    tg_sbuf_str(b, "\n");
}

static void explain_steps(tg_sbuf *b, const step *s, int depth) {
    for (int i = 0; i < depth; i++) tg_sbuf_str(b, "  ");
    explain_line(b, s);
    for (int i = 0; i < 2; i++)
        if (s->in[i]) explain_steps(b, s->in[i], depth + 1);
}

char *tg_plan_explain(tg_plan *p) {
    tg_sbuf b = { 0 };
    if (!p->ran && optimise(p) != TG_OK) return NULL;
    explain_steps(&b, p->ran, 0);
    if (b.oom) {
        tg_free(b.p);
        return NULL;
    }
    return b.p ? b.p : tg_strdup("");
}
