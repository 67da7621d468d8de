/*
** tg_pipe.c -- a group-by fed morsel by morsel from a scan (see tg_pipe.h).
** Each worker owns one morsel's buffers for every column the steps read
** or make (struct mcol), a table per step over them (levels) and its own
** compiled programs, all made by the calling thread before the passes
** (compiling retains dictionaries, whose counts are not atomic). The
** buffers' bitmaps are lent to their columns only while a morsel holds a
** NULL, so the kernels' all-valid paths run on morsels without one.
** A morsel's groups leave the worker as their key values and the values
** min, max, first and last chose (a few rows each); merging them looks
** each group up in a global set over collected key columns, which only
** grow by the groups no earlier morsel had.
*/
#include "tg_pipe.h"

#include <assert.h>
#include <pthread.h>
#include <string.h>

#include "tg_agg.h"
#include "tg_err.h"
#include "tg_eval.h"
#include "tg_exec.h"
#include "tg_group.h"
#include "tg_keys.h"
#include "tg_mem.h"
#include "tg_par.h"

static size_t words_of(size_t n) {
    return (n + 63) / 64;
}

/* ---- a worker's buffers ---- */

/* One column of a morsel: gathered from 'src', or computed by 'prog' (one
** of them is set); 'bits' is lent to col->valid while the morsel has a
** NULL ('nulls'). */
struct mcol {
    tg_col *col;
    uint64_t *bits;
    const tg_col *src;
    tg_eval *prog;
    int nulls;
};

struct worker {
    tg_eval **terms;   /* the filters, compiled over 'ft' (or the pipe's table) */
    tg_table *ft;      /* with a selection: the filters' columns of one vector */
    struct mcol *fcol; /* ft's buffers */
    size_t n_fcol;
    struct mcol *mcol; /* gathered, then computed in order */
    size_t n_mcol, cap_mcol;
    tg_table **level; /* level[0]: the gathered columns; level[i + 1]: after step i */
    tg_agg *aggs;     /* the aggregates over this worker's buffers */
    tg_key keys[TG_KEYS_MAX];
    size_t *rows; /* one vector's scanned rows */
    uint32_t *vsel;
    uint8_t *mask;
};

static void mcols_free(struct mcol *m, size_t n) {
    for (size_t i = 0; m && i < n; i++) {
        if (m[i].col) m[i].col->valid = NULL;
        tg_col_release(m[i].col);
        tg_free(m[i].bits);
        tg_eval_free(m[i].prog);
    }
    tg_free(m);
}

static void worker_free(struct worker *w, const tg_pipe *p) {
    for (size_t k = 0; w->terms && k < p->n_terms; k++) tg_eval_free(w->terms[k]);
    tg_free(w->terms);
    /* programs first: they borrow the tables */
    mcols_free(w->fcol, w->n_fcol);
    tg_table_release(w->ft);
    for (size_t i = 0; w->mcol && i < w->n_mcol; i++) {
        tg_eval_free(w->mcol[i].prog);
        w->mcol[i].prog = NULL;
    }
    for (size_t i = 0; w->level && i <= p->n_steps; i++) tg_table_release(w->level[i]);
    tg_free(w->level);
    mcols_free(w->mcol, w->n_mcol);
    tg_free(w->aggs);
    tg_free(w->rows);
    tg_free(w->vsel);
    tg_free(w->mask);
    memset(w, 0, sizeof *w);
}

/* A new buffer of cap rows of 'type' (dict for strings) in m: its bitmap
** lent while the programs are compiled (a program reserves room for the
** validity of a column that has one), when the column can hold NULLs. */
static tg_status mcol_init(struct mcol *m, tg_type type, tg_dict *dict, size_t cap, int nullable) {
    memset(m, 0, sizeof *m);
    if (!(m->col = tg_col_new(type, cap, dict))) return TG_ENOMEM;
    m->col->len = cap;
    if (nullable) {
        if (!(m->bits = tg_malloc(words_of(cap) * sizeof *m->bits))) return TG_ENOMEM;
        memset(m->bits, 0xff, words_of(cap) * sizeof *m->bits);
        m->col->valid = m->bits;
    }
    return TG_OK;
}

static struct mcol *mcol_add(struct worker *w) {
    if (w->n_mcol == w->cap_mcol) {
        size_t cap = w->cap_mcol ? 2 * w->cap_mcol : 8;
        struct mcol *m = tg_realloc(w->mcol, cap * sizeof *m);
        if (!m) return NULL;
        w->mcol = m;
        w->cap_mcol = cap;
    }
    memset(&w->mcol[w->n_mcol], 0, sizeof *w->mcol);
    return &w->mcol[w->n_mcol++];
}

/* Why a pipeline is declined: setup returns this (not a tg_status). */
#define DECLINE (-1)

/* The column 'e' computes over 'in', into *col: a column of 'in' itself,
** or a new buffer of w's computed by a program. DECLINE for strings
** computed (each worker's program would have its own dictionary). */
static int computed(struct worker *w, const tg_expr *e, const tg_table *in, size_t cap,
                    tg_col **col, tg_error *err) {
    tg_eval *prog;
    struct mcol *m;
    tg_status st = tg_eval_compile(e, in, &prog, err);
    if (st != TG_OK) return st;
    if (prog->column) {
        *col = (tg_col *)prog->column;
        tg_eval_free(prog);
        return TG_OK;
    }
    if (tg_eval_type(prog) == TG_STRING) {
        tg_eval_free(prog);
        return DECLINE;
    }
    if (!(m = mcol_add(w))) {
        tg_eval_free(prog);
        return TG_ENOMEM;
    }
    if (mcol_init(m, tg_eval_type(prog), NULL, cap, 1) != TG_OK) {
        tg_eval_free(prog);
        return TG_ENOMEM;
    }
    m->prog = prog;
    *col = m->col;
    return TG_OK;
}

/* The table after step s over 'in'. */
static int step_level(struct worker *w, const tg_pipe_step *s, const tg_table *in, size_t cap,
                      tg_table **out, tg_error *err) {
    tg_table *t = tg_table_new();
    tg_col **made = tg_calloc(s->n ? s->n : 1, sizeof *made);
    int st = t && made ? TG_OK : TG_ENOMEM;
    *out = t;
    for (size_t i = 0; st == TG_OK && i < s->n; i++) {
        if (s->kind == TG_PIPE_DERIVE && s->exprs[i])
            st = computed(w, s->exprs[i], in, cap, &made[i], err);
        else if (s->kind == TG_PIPE_RENAME && s->from[i] &&
                 !(made[i] = tg_table_col(in, s->from[i])))
            st = DECLINE;
    }
    if (s->kind == TG_PIPE_DERIVE) { /* t:derive's layout: replaced in place, new ones after */
        for (size_t k = 0; st == TG_OK && k < in->n_cols; k++) {
            tg_col *c = in->cols[k];
            for (size_t i = 0; i < s->n; i++)
                if (made[i] && strcmp(s->names[i], in->names[k]) == 0) c = made[i];
            if (tg_table_add(t, in->names[k], c) != TG_OK) st = TG_ENOMEM;
        }
    }
    for (size_t i = 0; st == TG_OK && i < s->n; i++)
        if (made[i] && tg_table_find(t, s->names[i]) < 0 &&
            tg_table_add(t, s->names[i], made[i]) != TG_OK)
            st = DECLINE; /* a name given twice: let the steps report it */
    if (t) t->n_rows = cap;
    tg_free(made);
    return st;
}

/* The aggregates over the last level; DECLINE for those tg_pipe does not run. */
static int setup_aggs(struct worker *w, const tg_pipe *p, const tg_table *top, size_t cap,
                      tg_error *err) {
    if (!(w->aggs = tg_calloc(p->n_aggs ? p->n_aggs : 1, sizeof *w->aggs))) return TG_ENOMEM;
    for (size_t i = 0; i < p->n_aggs; i++) {
        const tg_pipe_aggspec *a = &p->aggs[i];
        tg_col *col = NULL;
        int st;
        if (a->fn == TG_AGG_STD || a->fn == TG_AGG_VAR || a->fn == TG_AGG_MEDIAN ||
            a->fn == TG_AGG_QUANTILE || a->fn == TG_AGG_N_DISTINCT)
            return DECLINE; /* need every row's group id */
        if (a->arg && (st = computed(w, a->arg, top, cap, &col, err)) != TG_OK) return st;
        if (col && col->type == TG_STRING && (a->fn == TG_AGG_MIN || a->fn == TG_AGG_MAX))
            return DECLINE; /* ranks the dictionary per accumulator set */
        w->aggs[i] = (tg_agg){ a->name, a->fn, col, a->p, a->method };
    }
    for (size_t k = 0; k < p->n_keys; k++) {
        tg_col *c = tg_table_col(top, p->keys[k]);
        if (!c) return DECLINE;
        w->keys[k] = (tg_key){ c, NULL, 0 };
    }
    return TG_OK;
}

/* The filter programs: over the pipe's table, or with a selection over a
** vector of its rows gathered into w->ft. */
static int setup_filters(struct worker *w, const tg_pipe *p, tg_error *err) {
    const tg_table *over = p->t;
    size_t cap = TG_VECTOR;
    if (!(w->terms = tg_calloc(p->n_terms ? p->n_terms : 1, sizeof *w->terms))) return TG_ENOMEM;
    if (p->sel && p->n_terms) {
        if (!(w->ft = tg_table_new())) return TG_ENOMEM;
        if (!(w->fcol = tg_calloc(p->t->n_cols ? p->t->n_cols : 1, sizeof *w->fcol)))
            return TG_ENOMEM;
        for (size_t k = 0; k < p->t->n_cols; k++) {
            const tg_col *src = p->t->cols[k];
            struct mcol *m = &w->fcol[w->n_fcol++];
            if (mcol_init(m, src->type, src->dict, cap, src->valid != NULL) != TG_OK ||
                tg_table_add(w->ft, p->t->names[k], m->col) != TG_OK)
                return TG_ENOMEM;
            m->src = src;
        }
        w->ft->n_rows = cap;
        over = w->ft;
    }
    for (size_t k = 0; k < p->n_terms; k++) {
        const tg_expr *e = p->terms[k];
        if (e->op == TG_OP_LIT && e->u.lit.type == TG_TYPE_NULL) continue; /* keeps nothing */
        tg_status st = tg_eval_compile(e, over, &w->terms[k], err);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

static int setup_worker(struct worker *w, const tg_pipe *p, size_t cap, tg_error *err) {
    const tg_table *t = p->t;
    int st;
    if (!(w->rows = tg_malloc(TG_VECTOR * sizeof *w->rows)) ||
        !(w->vsel = tg_malloc(TG_VECTOR * sizeof *w->vsel)) || !(w->mask = tg_malloc(TG_VECTOR)) ||
        !(w->level = tg_calloc(p->n_steps + 1, sizeof *w->level)) ||
        !(w->level[0] = tg_table_new()))
        return TG_ENOMEM;
    if ((st = setup_filters(w, p, err)) != TG_OK) return st;
    for (size_t k = 0; k < t->n_cols; k++) {
        struct mcol *m;
        if (!p->carry[k]) continue;
        if (!(m = mcol_add(w))) return TG_ENOMEM;
        if (mcol_init(m, t->cols[k]->type, t->cols[k]->dict, cap, t->cols[k]->valid != NULL) !=
                TG_OK ||
            tg_table_add(w->level[0], t->names[k], m->col) != TG_OK)
            return TG_ENOMEM;
        m->src = t->cols[k];
    }
    w->level[0]->n_rows = cap;
    for (size_t i = 0; i < p->n_steps; i++)
        if ((st = step_level(w, &p->steps[i], w->level[i], cap, &w->level[i + 1], err)) != TG_OK)
            return st;
    return setup_aggs(w, p, w->level[p->n_steps], cap, err);
}

/* ---- gathering and computing a morsel ---- */

/* Rows rows[0..n) of m->src into rows [at, at + n) of m's buffer; a NULL
** row's value is 0, as tg_col_take leaves it. */
static void gather(struct mcol *m, size_t at, const size_t *rows, size_t n) {
    const tg_col *src = m->src;
    size_t width = tg_type_width(src->type);
    char *to = (char *)m->col->v.any + at * width;
    (void)tg_col_gather(to, src, rows, n); /* the rows are real: none missing */
    if (!src->valid) return;
    for (size_t i = 0; i < n; i++) {
        if (tg_col_bits_valid(src->valid, rows[i])) continue;
        memset(to + i * width, 0, width);
        tg_col_bit_clear(m->bits, at + i);
        m->nulls = 1;
    }
}

/* Starts a morsel of n rows in every buffer: all valid so far. */
static void mcols_begin(struct mcol *m, size_t n_mcol, size_t n) {
    for (size_t i = 0; i < n_mcol; i++) {
        m[i].nulls = 0;
        if (m[i].bits) memset(m[i].bits, 0xff, words_of(n ? n : 1) * sizeof *m[i].bits);
    }
}

/* Ends the gathering: lengths set, bitmaps lent where there are NULLs. */
static void mcols_end(struct mcol *m, size_t n_mcol, size_t n) {
    for (size_t i = 0; i < n_mcol; i++) {
        m[i].col->len = n;
        m[i].col->valid = m[i].nulls ? m[i].bits : NULL;
    }
}

/* Computes the buffer of a program over its level, a vector at a time. */
static tg_status compute(struct mcol *m, size_t n, const tg_interrupt *intr, tg_error *err) {
    tg_eval *prog = m->prog;
    size_t width = tg_type_width(m->col->type);
    m->nulls = 0;
    for (size_t off = 0; off < n; off += TG_VECTOR) {
        size_t len = n - off < TG_VECTOR ? n - off : TG_VECTOR;
        tg_status st = tg_par_poll(intr, err);
        if (st == TG_OK) st = tg_exec_run(prog, off, len, err);
        if (st != TG_OK) return st;
        const tg_step *root = &prog->steps[prog->root];
        memcpy((char *)m->col->v.any + off * width, root->data, len * width);
        for (size_t i = 0; root->valid && i < len; i++) {
            if (root->valid[i]) continue;
            tg_col_bit_clear(m->bits, off + i);
            m->nulls = 1;
        }
    }
    m->col->len = n;
    m->col->valid = m->nulls ? m->bits : NULL;
    return TG_OK;
}

/* ---- the surviving rows ---- */

/* Reads the positions of set bits in order, from a given one on. */
struct cursor {
    const uint64_t *bits;
    size_t w;
    uint64_t cur; /* word w's bits not read yet */
};

/* The cursor at the skip-th set bit at or after bit 'from' (a multiple of 64). */
static void cursor_seek(struct cursor *c, const uint64_t *bits, size_t from, size_t skip) {
    c->bits = bits;
    c->w = from / 64;
    c->cur = bits[c->w];
    for (size_t k = (size_t)__builtin_popcountll(c->cur); k <= skip;
         k = (size_t)__builtin_popcountll(c->cur)) {
        skip -= k;
        c->cur = bits[++c->w];
    }
    while (skip--) c->cur &= c->cur - 1;
}

static void cursor_take(struct cursor *c, size_t n, size_t *pos) {
    for (size_t i = 0; i < n; i++) {
        while (!c->cur) c->cur = c->bits[++c->w];
        pos[i] = c->w * 64 + (size_t)__builtin_ctzll(c->cur);
        c->cur &= c->cur - 1;
    }
}

/* ---- the job ---- */

/* A morsel's groups, until merged: their key values, the values the
** picking aggregates chose, and the other accumulators. */
struct part {
    tg_agg_state *state;
    size_t n_groups;
    tg_col **kcol; /* n_keys */
    tg_col **vals; /* n_aggs, NULL where not a picking aggregate */
    int ready;
};

struct job {
    const tg_pipe *p;
    const tg_interrupt *intr;
    struct worker *w;
    size_t n_in, n_inm;  /* scanned rows; their morsels */
    uint64_t *bits;      /* with filters: a bit per scanned row */
    size_t *before;      /* with filters: rows kept in the morsels before each */
    size_t total, n_out; /* rows kept; their morsels */
    struct part *parts;
    /* the merged result */
    tg_keys *set;
    tg_col *gkey[TG_KEYS_MAX]; /* every group's key values (and a few repeated) */
    tg_col **gval;             /* n_aggs: arguments of the merged aggregates */
    tg_agg *gaggs;
    tg_agg_state *state;
    size_t n_vals; /* rows of each picking aggregate's gval */
    pthread_mutex_t lock;
    size_t merged;
    tg_status merge_st;
    tg_error merge_err;
};

/* The filters over scanned morsel i: its bits and count. */
static tg_status filter_item(void *ctx, size_t i, int wi, tg_error *err) {
    struct job *j = ctx;
    struct worker *w = &j->w[wi];
    const tg_pipe *p = j->p;
    size_t off, len, kept = 0;
    tg_par_morsel(j->n_in, i, &off, &len);
    for (size_t v = off; v < off + len; v += TG_VECTOR) {
        size_t n = off + len - v < TG_VECTOR ? off + len - v : TG_VECTOR, m, at = v;
        tg_status st = tg_par_poll(j->intr, err);
        if (st != TG_OK) return st;
        if (p->sel) { /* the filters' columns of the selected rows */
            mcols_begin(w->fcol, w->n_fcol, n);
            for (size_t k = 0; k < w->n_fcol; k++) gather(&w->fcol[k], 0, p->sel + v, n);
            mcols_end(w->fcol, w->n_fcol, n);
            w->ft->n_rows = n;
            at = 0;
        }
        st = tg_exec_select(w->terms, p->n_terms, at, n, w->vsel, w->mask, &m, err);
        if (st != TG_OK) return st;
        for (size_t k = 0; k < m; k++) {
            size_t r = v + w->vsel[k];
            j->bits[r / 64] |= (uint64_t)1 << (r % 64);
        }
        kept += m;
    }
    j->before[i + 1] = kept; /* summed into counts before, after the pass */
    return TG_OK;
}

/* The scanned rows of the kept rows [start, start + n) into w->rows, with
** c the cursor over the bits (filters) or NULL. */
static void scanned_rows(struct job *j, struct cursor *c, size_t start, size_t n, size_t *rows) {
    const tg_pipe *p = j->p;
    if (c) cursor_take(c, n, rows);
    else
        for (size_t i = 0; i < n; i++) rows[i] = start + i;
    if (p->sel)
        for (size_t i = 0; i < n; i++) rows[i] = p->sel[rows[i]];
}

/* Gathers kept rows [off, off + len) into w's buffers and computes the
** derived columns and arguments. */
static tg_status fill_morsel(struct job *j, struct worker *w, size_t off, size_t len,
                             tg_error *err) {
    struct cursor cur, *c = NULL;
    size_t n_gathered = 0;
    if (j->bits) { /* the scanned morsel holding kept row 'off', by bisection */
        size_t lo = 0, hi = j->n_inm;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (j->before[mid] <= off) lo = mid;
            else hi = mid;
        }
        if (len) cursor_seek(&cur, j->bits, lo * tg_par_morsel_rows(), off - j->before[lo]);
        c = &cur;
    }
    while (n_gathered < w->n_mcol && w->mcol[n_gathered].src) n_gathered++;
    mcols_begin(w->mcol, w->n_mcol, len);
    for (size_t at = 0; at < len; at += TG_VECTOR) {
        size_t n = len - at < TG_VECTOR ? len - at : TG_VECTOR;
        tg_status st = tg_par_poll(j->intr, err);
        if (st != TG_OK) return st;
        scanned_rows(j, c, off + at, n, w->rows);
        for (size_t k = 0; k < n_gathered; k++) gather(&w->mcol[k], at, w->rows, n);
    }
    mcols_end(w->mcol, n_gathered, len);
    for (size_t i = 0; i <= j->p->n_steps; i++) w->level[i]->n_rows = len;
    for (size_t k = n_gathered; k < w->n_mcol; k++) {
        tg_status st = compute(&w->mcol[k], len, j->intr, err);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

static void part_free(struct part *pt, const tg_pipe *p) {
    tg_agg_end(pt->state);
    for (size_t k = 0; pt->kcol && k < p->n_keys; k++) tg_col_release(pt->kcol[k]);
    for (size_t i = 0; pt->vals && i < p->n_aggs; i++) tg_col_release(pt->vals[i]);
    tg_free(pt->kcol);
    tg_free(pt->vals);
    memset(pt, 0, sizeof *pt);
}

/* A new column of rows rows[0..n) of src (TG_NO_ROW: NULL), made on a
** worker thread: a string column gets src's codes but no dictionary, since
** retaining src's would change its count, which is not atomic. Only its
** values are read (merged into columns that have the dictionary). */
static tg_col *take_codes(const tg_col *src, const size_t *rows, size_t n) {
    size_t width = tg_type_width(src->type);
    tg_col *c = tg_col_new(src->type == TG_STRING ? TG_DATE : src->type, n ? n : 1, NULL);
    if (!c) return NULL;
    c->type = src->type; /* TG_DATE has the width of codes and no dictionary */
    for (size_t i = 0; i < n; i++) {
        size_t r = rows[i];
        if (r != TG_NO_ROW && tg_col_is_valid(src, r)) {
            memcpy((char *)c->v.any + i * width, (const char *)src->v.any + r * width, width);
        } else if (tg_col_set_null(c, i) != TG_OK) {
            tg_col_release(c);
            return NULL;
        }
    }
    c->len = n;
    return c;
}

/* Groups the morsel in w's buffers (len rows) into part pt. */
static tg_status group_morsel(struct job *j, struct worker *w, struct part *pt, size_t len,
                              tg_error *err) {
    const tg_pipe *p = j->p;
    tg_keys *set = NULL;
    uint32_t g[TG_VECTOR];
    size_t **picked = NULL;
    tg_status st;
    memset(g, 0, sizeof g);
    if (!(pt->kcol = tg_calloc(p->n_keys ? p->n_keys : 1, sizeof *pt->kcol)) ||
        !(pt->vals = tg_calloc(p->n_aggs ? p->n_aggs : 1, sizeof *pt->vals)))
        return tg_err_nomem(err);
    if (tg_agg_begin(w->aggs, p->n_aggs, &pt->state) != TG_OK) return tg_err_nomem(err);
    if (p->n_keys && tg_keys_new(w->keys, p->n_keys, len, 1, &set) != TG_OK)
        return tg_err_nomem(err);
    st = TG_OK;
    for (size_t base = 0; st == TG_OK && base < len; base += TG_VECTOR) {
        size_t n = len - base < TG_VECTOR ? len - base : TG_VECTOR;
        if (set) st = tg_keys_add(set, base, n, g);
        if (st == TG_OK) st = tg_agg_feed(pt->state, g, base, n, set ? tg_keys_count(set) : 1, err);
    }
    pt->n_groups = set ? tg_keys_count(set) : 1;
    for (size_t k = 0; st == TG_OK && k < p->n_keys; k++)
        if (!(pt->kcol[k] = take_codes(w->keys[k].col, tg_keys_first(set), pt->n_groups)))
            st = TG_ENOMEM;
    if (st == TG_OK && !(picked = tg_calloc(p->n_aggs ? p->n_aggs : 1, sizeof *picked)))
        st = TG_ENOMEM;
    if (st == TG_OK) st = tg_agg_detach(pt->state, pt->n_groups, picked);
    for (size_t i = 0; st == TG_OK && i < p->n_aggs; i++)
        if (picked[i] && !(pt->vals[i] = take_codes(w->aggs[i].arg, picked[i], pt->n_groups)))
            st = TG_ENOMEM;
    for (size_t i = 0; picked && i < p->n_aggs; i++) tg_free(picked[i]);
    tg_free(picked);
    tg_keys_free(set);
    return st == TG_ENOMEM ? tg_err_nomem(err) : st;
}

/* Appends rows rows[0..n) of src (rows NULL: all n) to dst. */
static tg_status append(tg_col *dst, const tg_col *src, const size_t *rows, size_t n) {
    size_t width = tg_type_width(src->type), at = dst->len;
    if (dst->len + n > dst->cap) {
        size_t cap = 2 * dst->cap > dst->len + n ? 2 * dst->cap : dst->len + n;
        if (tg_col_reserve(dst, cap) != TG_OK) return TG_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        memcpy((char *)dst->v.any + (at + i) * width, (const char *)src->v.any + r * width, width);
        if (!tg_col_is_valid(src, r) && tg_col_set_null(dst, at + i) != TG_OK) return TG_ENOMEM;
    }
    dst->len += n;
    return TG_OK;
}

/* Each of part's groups' global id into map: the groups the set lacks
** have their key values appended to the collected columns and are added
** (in part's order, which is their order of first appearance). */
static tg_status map_groups(struct job *j, struct part *pt, uint32_t *map) {
    const tg_pipe *p = j->p;
    tg_key keys[TG_KEYS_MAX];
    size_t *missing, n_missing = 0, row0 = j->gkey[0]->len;
    uint32_t *ids;
    tg_status st = TG_OK;
    for (size_t k = 0; k < p->n_keys; k++) keys[k] = (tg_key){ pt->kcol[k], NULL, 0 };
    tg_keys_probe(j->set, keys, 0, pt->n_groups, map);
    missing = tg_malloc((pt->n_groups ? pt->n_groups : 1) * sizeof *missing);
    ids = tg_malloc((pt->n_groups ? pt->n_groups : 1) * sizeof *ids);
    if (!missing || !ids) st = TG_ENOMEM;
    for (size_t g = 0; st == TG_OK && g < pt->n_groups; g++)
        if (map[g] == TG_KEYS_NONE) missing[n_missing++] = g; /* new, or a NULL in its keys */
    for (size_t k = 0; st == TG_OK && k < p->n_keys; k++)
        st = append(j->gkey[k], pt->kcol[k], missing, n_missing);
    if (st == TG_OK) st = tg_keys_add(j->set, row0, n_missing, ids);
    for (size_t i = 0; st == TG_OK && i < n_missing; i++) map[missing[i]] = ids[i];
    tg_free(missing);
    tg_free(ids);
    return st;
}

/* Merges morsel m (the next in order) into the global set and state. */
static tg_status merge_one(struct job *j, size_t m, tg_error *err) {
    const tg_pipe *p = j->p;
    struct part *pt = &j->parts[m];
    size_t off, len, base = j->n_vals;
    uint32_t *map = tg_malloc((pt->n_groups ? pt->n_groups : 1) * sizeof *map);
    tg_status st = map ? TG_OK : TG_ENOMEM;
    tg_par_morsel(j->total, m, &off, &len);
    if (st == TG_OK && p->n_keys) st = map_groups(j, pt, map);
    else if (st == TG_OK) map[0] = 0;
    for (size_t i = 0; st == TG_OK && i < p->n_aggs; i++) {
        if (!pt->vals[i]) continue;
        st = append(j->gval[i], pt->vals[i], NULL, pt->n_groups);
        j->n_vals = base + pt->n_groups;
    }
    if (st == TG_OK)
        st = tg_agg_merge(j->state, pt->state, map, pt->n_groups,
                          p->n_keys ? tg_keys_count(j->set) : 1, base, off + len, err);
    tg_free(map);
    part_free(pt, p);
    return st == TG_ENOMEM ? tg_err_nomem(err) : st;
}

/* Marks morsel m done and merges every morsel whose turn has come. */
static void merge_ready(struct job *j, size_t m) {
    pthread_mutex_lock(&j->lock);
    j->parts[m].ready = 1;
    while (j->merge_st == TG_OK && j->merged < j->n_out && j->parts[j->merged].ready) {
        j->merge_st = merge_one(j, j->merged, &j->merge_err);
        if (j->merge_st == TG_OK) j->merged++;
    }
    pthread_mutex_unlock(&j->lock);
}

static tg_status group_item(void *ctx, size_t m, int wi, tg_error *err) {
    struct job *j = ctx;
    struct worker *w = &j->w[wi];
    size_t off, len;
    tg_status st;
    tg_par_morsel(j->total, m, &off, &len);
    if ((st = fill_morsel(j, w, off, len, err)) != TG_OK) return st;
    if ((st = group_morsel(j, w, &j->parts[m], len, err)) != TG_OK) return st;
    merge_ready(j, m);
    return TG_OK;
}

/* ---- running ---- */

/* The merged state's arguments (collected values) and the global set. */
static tg_status setup_merge(struct job *j) {
    const tg_pipe *p = j->p;
    const struct worker *w0 = &j->w[0];
    tg_key keys[TG_KEYS_MAX];
    if (!(j->gval = tg_calloc(p->n_aggs ? p->n_aggs : 1, sizeof *j->gval)) ||
        !(j->gaggs = tg_calloc(p->n_aggs ? p->n_aggs : 1, sizeof *j->gaggs)))
        return TG_ENOMEM;
    for (size_t i = 0; i < p->n_aggs; i++) {
        const tg_col *a = w0->aggs[i].arg;
        if (a && !(j->gval[i] = tg_col_new(a->type, 16, a->dict))) return TG_ENOMEM;
        j->gaggs[i] = w0->aggs[i];
        j->gaggs[i].arg = j->gval[i];
    }
    if (tg_agg_begin(j->gaggs, p->n_aggs, &j->state) != TG_OK) return TG_ENOMEM;
    for (size_t k = 0; k < p->n_keys; k++) {
        const tg_col *c = w0->keys[k].col;
        /* with its bitmap from the start: a NULL may come in any morsel */
        if (!(j->gkey[k] = tg_col_new(c->type, 64, c->dict)) ||
            tg_col_set_null(j->gkey[k], 0) != TG_OK)
            return TG_ENOMEM;
        tg_col_set_valid(j->gkey[k], 0);
        keys[k] = (tg_key){ j->gkey[k], NULL, 0 };
    }
    if (p->n_keys && tg_keys_new(keys, p->n_keys, j->total, 1, &j->set) != TG_OK) return TG_ENOMEM;
    return TG_OK;
}

static void job_free(struct job *j, int workers) {
    const tg_pipe *p = j->p;
    for (int i = 0; j->w && i < workers; i++) worker_free(&j->w[i], p);
    tg_free(j->w);
    for (size_t m = 0; j->parts && m < j->n_out; m++) part_free(&j->parts[m], p);
    tg_free(j->parts);
    tg_free(j->bits);
    tg_free(j->before);
    tg_keys_free(j->set);
    tg_agg_end(j->state);
    for (size_t k = 0; k < p->n_keys; k++) tg_col_release(j->gkey[k]);
    for (size_t i = 0; j->gval && i < p->n_aggs; i++) tg_col_release(j->gval[i]);
    tg_free(j->gval);
    tg_free(j->gaggs);
}

/* The filters' pass: j->bits, j->before and j->total. */
static tg_status run_filters(struct job *j, tg_error *err) {
    tg_status st;
    if (!(j->bits = tg_calloc(words_of(j->n_in ? j->n_in : 1), sizeof *j->bits)) ||
        !(j->before = tg_calloc(j->n_inm + 1, sizeof *j->before)))
        return tg_err_nomem(err);
    if ((st = tg_par_for(j->n_inm, filter_item, j, j->intr, err)) != TG_OK) return st;
    for (size_t i = 0; i < j->n_inm; i++) j->before[i + 1] += j->before[i];
    j->total = j->before[j->n_inm];
    return TG_OK;
}

tg_status tg_pipe_agg(const tg_pipe *p, const tg_interrupt *intr, tg_table **out, size_t *n_in,
                      tg_error *err) {
    struct job j;
    size_t morsel = tg_par_morsel_rows(), cap;
    int workers;
    tg_status st = TG_OK;

    assert(p != NULL && out != NULL && p->n_keys <= TG_KEYS_MAX);
    *out = NULL;
    *n_in = 0;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.intr = intr;
    j.n_in = p->sel ? p->n_sel : p->t->n_rows;
    j.n_inm = tg_par_morsels(j.n_in);
    if (j.n_in >= UINT32_MAX) return TG_OK; /* the steps report it */
    cap = j.n_in < morsel ? (j.n_in + 63) / 64 * 64 : morsel;
    if (cap == 0) cap = 64;
    workers = tg_par_workers(j.n_inm);
    if (!(j.w = tg_calloc((size_t)workers, sizeof *j.w))) return tg_err_nomem(err);
    for (int i = 0; st == TG_OK && i < workers; i++) {
        int rc = setup_worker(&j.w[i], p, cap, err);
        if (rc == DECLINE) {
            job_free(&j, workers);
            return TG_OK;
        }
        st = rc == TG_ENOMEM ? tg_err_nomem(err) : (tg_status)rc;
    }
    j.total = j.n_in;
    if (st == TG_OK && p->n_terms) st = run_filters(&j, err);
    j.n_out = tg_par_morsels(j.total);
    if (st == TG_OK &&
        (!(j.parts = tg_calloc(j.n_out, sizeof *j.parts)) || setup_merge(&j) != TG_OK))
        st = tg_err_nomem(err);
    pthread_mutex_init(&j.lock, NULL);
    if (st == TG_OK) st = tg_par_for_n(j.n_out, workers, group_item, &j, intr, err);
    pthread_mutex_destroy(&j.lock);
    if (j.merge_st != TG_OK) {
        st = j.merge_st;
        if (err) *err = j.merge_err;
    }
    assert(st != TG_OK || j.merged == j.n_out);
    if (st == TG_OK)
        st = tg_group_output(j.set, (const tg_col *const *)j.gkey, p->keys, p->n_keys, j.state,
                             j.gaggs, p->n_aggs, NULL, j.total, intr, out, err);
    *n_in = j.total;
    job_free(&j, workers);
    return st;
}
