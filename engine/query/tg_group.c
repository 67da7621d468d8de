/*
** tg_group.c -- the grouping verbs: group-by aggregation, distinct and top
** n per group.
** Group ids come from tg_keys in order of first appearance; the groups are
** then sorted by their keys into 'order' (output position -> group), so
** the output never depends on hashing. tg_group_agg assigns ids a vector
** at a time and feeds each vector straight to the aggregates (tg_agg), so
** the per-row id array is stored only when an aggregate needs a second
** pass over it.
*/
#include "tg_group.h"

#include <assert.h>
#include <pthread.h>
#include <string.h>

#include "tg_err.h"
#include "tg_keys.h"
#include "tg_mem.h"
#include "tg_par.h"
#include "tg_sort.h"

/* Resolves key names into cols[] (at most TG_KEYS_MAX). */
static tg_status find_keys(const tg_table *t, const char *const *names, size_t n,
                           const tg_col **cols, tg_error *err) {
    if (n > TG_KEYS_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "at most %d key columns, got %zu", TG_KEYS_MAX,
                          n);
    for (size_t k = 0; k < n; k++) {
        tg_status st = tg_keys_find(t, names[k], NULL, &cols[k], err);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

static tg_status too_many_rows(const tg_table *t, tg_error *err) {
    return tg_err_set(err, TG_EARG, NULL, 0, 0, "too many rows to group (%zu)", t->n_rows);
}

/* *order = the set's groups sorted by their keys (NULL last), as output
** position -> group. */
static tg_status sort_groups(const tg_keys *set, const tg_col *const *cols, size_t n_keys,
                             size_t **order) {
    tg_sortkey sk[TG_KEYS_MAX];
    size_t g = tg_keys_count(set), cells = (g ? g : 1) * (n_keys ? n_keys : 1);
    uint64_t *enc = tg_malloc(cells * sizeof *enc);
    uint8_t *isnull = tg_malloc(cells);
    tg_status st = TG_ENOMEM;

    *order = tg_malloc((g ? g : 1) * sizeof **order);
    if (!*order || !enc || !isnull) goto done;
    for (size_t k = 0; k < n_keys; k++) {
        if (tg_keys_encode(cols[k], tg_keys_first(set), g, 0, enc + k * g, isnull + k * g) != TG_OK)
            goto done;
        sk[k] = (tg_sortkey){ enc + k * g, isnull + k * g, 0 };
    }
    for (size_t i = 0; i < g; i++) (*order)[i] = i;
    st = tg_keys_sort(*order, g, sk, n_keys);
done:
    if (st != TG_OK) {
        tg_free(*order);
        *order = NULL;
    }
    tg_free(enc);
    tg_free(isnull);
    return st;
}

/* Every row's group id (grouping by 'cols'), with the groups sorted. */
struct grouping {
    uint32_t *ids;
    tg_keys *set;
    size_t *order;
};

static void grouping_free(struct grouping *gr) {
    tg_free(gr->ids);
    tg_keys_free(gr->set);
    tg_free(gr->order);
}

static tg_status grouping_make(const tg_table *t, const tg_col *const *cols, size_t n_keys,
                               struct grouping *gr) {
    tg_key keys[TG_KEYS_MAX];
    tg_status st;

    memset(gr, 0, sizeof *gr);
    for (size_t k = 0; k < n_keys; k++) keys[k] = (tg_key){ cols[k], NULL, 0 };
    if (!(gr->ids = tg_malloc((t->n_rows ? t->n_rows : 1) * sizeof *gr->ids))) return TG_ENOMEM;
    if ((st = tg_keys_build(keys, n_keys, t->n_rows, 1, NULL, gr->ids, &gr->set)) != TG_OK)
        return st;
    return sort_groups(gr->set, cols, n_keys, &gr->order);
}

static tg_status add_col(tg_table *out, const char *name, tg_col *col, tg_error *err) {
    if (!col) return tg_err_nomem(err);
    tg_status st = tg_table_add(out, name, col);
    tg_col_release(col);
    if (st == TG_EARG)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "duplicate output column '%s'", name);
    return st == TG_ENOMEM ? tg_err_nomem(err) : st;
}

/* ---- aggregation ---- */

/* Assigns group ids a vector at a time and feeds the aggregates; keeps the
** ids in 'ids' when that is not NULL. With no keys every row is group 0. */
static tg_status feed_rows(const tg_table *t, tg_keys *set, tg_agg_state *st, uint32_t *ids,
                           const tg_interrupt *intr, tg_error *err) {
    uint32_t buf[TG_VECTOR];
    tg_status rc;

    memset(buf, 0, sizeof buf);
    for (size_t base = 0; base < t->n_rows; base += TG_VECTOR) {
        size_t n = t->n_rows - base < TG_VECTOR ? t->n_rows - base : TG_VECTOR;
        uint32_t *g = ids ? ids + base : buf;
        if ((rc = tg_poll(intr)) != TG_OK) return rc;
        if (set && (rc = tg_keys_add(set, base, n, g)) != TG_OK) return rc;
        if (!set && ids) memset(g, 0, n * sizeof *g);
        rc = tg_agg_feed(st, g, base, n, set ? tg_keys_count(set) : 1, err);
        if (rc != TG_OK) return rc;
    }
    return TG_OK;
}

/* ---- aggregation by morsels ---- */

/* A table of several morsels is grouped per morsel on every worker: each
** morsel gets its own key set and accumulators, and keeps its groups'
** first rows. The morsels are merged in order, as soon as the next one in
** order is done, by whichever worker finished it (under 'lock'): each
** local group's first row is looked up in (or added to) the global set,
** which so meets the groups in the order one pass would, and the
** accumulators are added into the global ones (tg_agg_merge), then freed,
** so only the morsels waiting for an earlier one are held. The stored
** ids, when an aggregate needs them, are finally turned from local into
** global ids. */
struct part {
    tg_agg_state *state;
    size_t n_groups;
    size_t *first; /* each local group's first row */
    uint32_t *map; /* local -> global id */
    int ready;     /* computed, waiting for its turn (under lock) */
};

struct group_job {
    const tg_table *t;
    const tg_key *keys;
    size_t n_keys;
    const tg_agg *aggs;
    size_t n_aggs;
    uint32_t *ids; /* every row's id, or NULL */
    struct part *parts;
    size_t n_morsels;
    tg_keys *set;        /* global; NULL without keys */
    tg_agg_state *state; /* global */
    pthread_mutex_t lock;
    size_t merged;      /* morsels merged so far */
    tg_status merge_st; /* the failure of merging morsel 'merged' */
    tg_error merge_err;
};

/* Each local group's global id into p->map. Few groups: their first rows
** are added to the global set one by one. Many (a key nearly unique per
** row): one row at a time would rebuild the set's cell table again and
** again, so the morsel's rows are added as one range, as a single pass
** adds them; either way new groups get ids in order of first appearance. */
static tg_status map_groups(struct group_job *j, struct part *p, size_t off, size_t len) {
    uint32_t *ids;
    if (!j->set) {
        p->map[0] = 0;
        return TG_OK;
    }
    if (p->n_groups <= len / 16) {
        for (size_t g = 0; g < p->n_groups; g++)
            if (tg_keys_add(j->set, p->first[g], 1, &p->map[g]) != TG_OK) return TG_ENOMEM;
        return TG_OK;
    }
    if (!(ids = tg_malloc(len * sizeof *ids))) return TG_ENOMEM;
    if (tg_keys_add(j->set, off, len, ids) != TG_OK) {
        tg_free(ids);
        return TG_ENOMEM;
    }
    for (size_t g = 0; g < p->n_groups; g++) p->map[g] = ids[p->first[g] - off];
    tg_free(ids);
    return TG_OK;
}

/* Merges morsel m (the next in order) into the global set and state. */
static tg_status merge_one(struct group_job *j, size_t m, tg_error *err) {
    struct part *p = &j->parts[m];
    size_t off, len;
    tg_status st;
    tg_par_morsel(j->t->n_rows, m, &off, &len);
    if (!(p->map = tg_malloc(p->n_groups * sizeof *p->map))) return tg_err_nomem(err);
    if (map_groups(j, p, off, len) != TG_OK) return tg_err_nomem(err);
    st = tg_agg_merge(j->state, p->state, p->map, p->n_groups, j->set ? tg_keys_count(j->set) : 1,
                      0, off + len, err);
    if (st != TG_OK) return st == TG_ENOMEM ? tg_err_nomem(err) : st;
    tg_agg_end(p->state);
    tg_free(p->first);
    p->state = NULL;
    p->first = NULL;
    if (!j->ids) {
        tg_free(p->map);
        p->map = NULL;
    }
    return TG_OK;
}

/* Marks morsel m done and merges every morsel whose turn has come. */
static void merge_ready(struct group_job *j, size_t m) {
    pthread_mutex_lock(&j->lock);
    j->parts[m].ready = 1;
    while (j->merge_st == TG_OK && j->merged < j->n_morsels && j->parts[j->merged].ready) {
        j->merge_st = merge_one(j, j->merged, &j->merge_err);
        if (j->merge_st == TG_OK) j->merged++;
    }
    pthread_mutex_unlock(&j->lock);
}

static tg_status group_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    struct group_job *j = ctx;
    struct part *p = &j->parts[m];
    tg_keys *set = NULL;
    uint32_t buf[TG_VECTOR];
    size_t off, len;
    tg_status st;
    (void)worker;
    tg_par_morsel(j->t->n_rows, m, &off, &len);
    memset(buf, 0, sizeof buf);
    if ((st = tg_agg_begin(j->aggs, j->n_aggs, &p->state)) != TG_OK) return tg_err_nomem(err);
    if (j->n_keys && (st = tg_keys_new(j->keys, j->n_keys, j->t->n_rows, 1, &set)) != TG_OK)
        return tg_err_nomem(err);
    for (size_t base = off; st == TG_OK && base < off + len; base += TG_VECTOR) {
        size_t n = off + len - base < TG_VECTOR ? off + len - base : TG_VECTOR;
        uint32_t *g = j->ids ? j->ids + base : buf;
        if (set) st = tg_keys_add(set, base, n, g);
        else if (j->ids) memset(g, 0, n * sizeof *g);
        if (st == TG_OK) st = tg_agg_feed(p->state, g, base, n, set ? tg_keys_count(set) : 1, err);
    }
    p->n_groups = set ? tg_keys_count(set) : 1;
    if (st == TG_OK && !(p->first = tg_malloc(p->n_groups * sizeof *p->first))) st = TG_ENOMEM;
    if (st == TG_OK) {
        if (set) memcpy(p->first, tg_keys_first(set), p->n_groups * sizeof *p->first);
        else p->first[0] = off;
    }
    tg_keys_free(set);
    if (st == TG_ENOMEM) tg_err_nomem(err);
    if (st == TG_OK) merge_ready(j, m);
    return st;
}

/* Morsel m's local ids into global ids. */
static tg_status remap_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    struct group_job *j = ctx;
    const uint32_t *map = j->parts[m].map;
    size_t off, len;
    (void)worker;
    (void)err;
    tg_par_morsel(j->t->n_rows, m, &off, &len);
    for (size_t r = off; r < off + len; r++) j->ids[r] = map[j->ids[r]];
    return TG_OK;
}

static void parts_free(struct part *parts, size_t n) {
    for (size_t m = 0; parts && m < n; m++) {
        tg_agg_end(parts[m].state);
        tg_free(parts[m].first);
        tg_free(parts[m].map);
    }
    tg_free(parts);
}

/* Feeds 'state' and makes *set (NULL without keys) from the morsels of t;
** the ids, when kept, are global. A merge can fail only after every
** earlier morsel was computed and merged, so its failure is the lowest
** one and wins over a worker's (which is then in a later morsel). */
static tg_status feed_morsels(struct group_job *j, tg_keys **set, tg_agg_state *state,
                              const tg_interrupt *intr, tg_error *err) {
    tg_status st = TG_OK;
    j->n_morsels = tg_par_morsels(j->t->n_rows);
    j->state = state;
    j->set = NULL;
    j->merged = 0;
    j->merge_st = TG_OK;
    *set = NULL;
    if (!(j->parts = tg_calloc(j->n_morsels, sizeof *j->parts))) return tg_err_nomem(err);
    if (j->n_keys && tg_keys_new(j->keys, j->n_keys, j->t->n_rows, 1, &j->set) != TG_OK)
        st = tg_err_nomem(err);
    pthread_mutex_init(&j->lock, NULL);
    if (st == TG_OK) st = tg_par_for(j->n_morsels, group_morsel, j, intr, err);
    pthread_mutex_destroy(&j->lock);
    if (j->merge_st != TG_OK) {
        st = j->merge_st;
        if (err) *err = j->merge_err;
    }
    assert(st != TG_OK || j->merged == j->n_morsels);
    if (st == TG_OK && j->ids) st = tg_par_for(j->n_morsels, remap_morsel, j, intr, err);
    parts_free(j->parts, j->n_morsels);
    j->parts = NULL;
    *set = j->set;
    return st;
}

/* MIN and MAX of strings rank the dictionary per accumulator set: once,
** not once per morsel. */
static int by_morsels(const tg_table *t, const tg_agg *aggs, size_t n_aggs) {
    if (tg_par_morsels(t->n_rows) < 2) return 0;
    for (size_t i = 0; i < n_aggs; i++)
        if ((aggs[i].fn == TG_AGG_MIN || aggs[i].fn == TG_AGG_MAX) &&
            aggs[i].arg->type == TG_STRING)
            return 0;
    return 1;
}

tg_status tg_group_output(const tg_keys *set, const tg_col *const *cols, const char *const *keys,
                          size_t n_keys, tg_agg_state *state, const tg_agg *aggs, size_t n_aggs,
                          const uint32_t *ids, size_t n_rows, const tg_interrupt *intr,
                          tg_table **out, tg_error *err) {
    size_t *order = NULL, *rows = NULL, n_groups = n_keys ? tg_keys_count(set) : 1;
    tg_col **acols = NULL;
    tg_table *res = NULL;
    tg_status st = TG_OK;

    *out = NULL;
    if (n_keys && (st = sort_groups(set, cols, n_keys, &order)) != TG_OK) goto fail;
    st = TG_ENOMEM;
    if (!(res = tg_table_new())) goto fail;
    if (!(acols = tg_calloc(n_aggs ? n_aggs : 1, sizeof *acols))) goto fail;
    if (!(rows = tg_malloc((n_groups ? n_groups : 1) * sizeof *rows))) goto fail;
    for (size_t pos = 0; n_keys && pos < n_groups; pos++)
        rows[pos] = tg_keys_first(set)[order[pos]];
    for (size_t i = 0; i < n_keys; i++)
        if ((st = add_col(res, keys[i], tg_col_take(cols[i], rows, n_groups), err)) != TG_OK)
            goto fail;
    st = tg_agg_finish(state, ids, n_rows, n_groups, order, intr, acols, err);
    if (st != TG_OK) goto fail;
    for (size_t i = 0; i < n_aggs; i++) {
        st = add_col(res, aggs[i].name, acols[i], err);
        acols[i] = NULL;
        if (st != TG_OK) goto fail;
    }
    res->n_rows = n_groups;
    *out = res;
    res = NULL;
fail:
    for (size_t i = 0; acols && i < n_aggs; i++) tg_col_release(acols[i]);
    tg_free(acols);
    tg_free(rows);
    tg_free(order);
    tg_table_release(res);
    if (st == TG_ENOMEM) tg_err_nomem(err);
    return st;
}

tg_status tg_group_agg(const tg_table *t, const char *const *keys, size_t n_keys,
                       const tg_agg *aggs, size_t n_aggs, const tg_interrupt *intr, tg_table **out,
                       tg_error *err) {
    const tg_col *cols[TG_KEYS_MAX];
    tg_key k[TG_KEYS_MAX];
    tg_keys *set = NULL;
    tg_agg_state *state = NULL;
    uint32_t *ids = NULL;
    tg_status st;

    assert(t != NULL && out != NULL && (aggs != NULL || n_aggs == 0));
    *out = NULL;
    if ((st = find_keys(t, keys, n_keys, cols, err)) != TG_OK) return st;
    for (size_t i = 0; i < n_aggs; i++)
        if ((st = tg_agg_check(&aggs[i], t->n_rows, err)) != TG_OK) return st;
    if (t->n_rows >= UINT32_MAX) return too_many_rows(t, err);

    if ((st = tg_agg_begin(aggs, n_aggs, &state)) != TG_OK) goto fail;
    for (size_t i = 0; i < n_keys; i++) k[i] = (tg_key){ cols[i], NULL, 0 };
    st = TG_ENOMEM;
    if (tg_agg_need_ids(state) && n_keys &&
        !(ids = tg_malloc((t->n_rows ? t->n_rows : 1) * sizeof *ids)))
        goto fail;
    if (by_morsels(t, aggs, n_aggs)) {
        struct group_job j = {
            .t = t, .keys = k, .n_keys = n_keys, .aggs = aggs, .n_aggs = n_aggs, .ids = ids
        };
        if ((st = feed_morsels(&j, &set, state, intr, err)) != TG_OK) goto fail;
    } else {
        if (n_keys && (st = tg_keys_new(k, n_keys, t->n_rows, 1, &set)) != TG_OK) goto fail;
        if ((st = feed_rows(t, set, state, ids, intr, err)) != TG_OK) goto fail;
    }
    st = tg_group_output(set, cols, keys, n_keys, state, aggs, n_aggs, ids, t->n_rows, intr, out,
                         err);
fail:
    tg_free(ids);
    tg_keys_free(set);
    tg_agg_end(state);
    if (st == TG_ENOMEM) tg_err_nomem(err);
    else if (st == TG_ELIMIT || st == TG_ECANCEL)
        tg_err_set(err, st, NULL, 0, 0, "group-by interrupted");
    return st;
}

/* ---- distinct and top n ---- */

tg_status tg_distinct(const tg_table *t, const char *const *keys, size_t n_keys, tg_table **out,
                      tg_error *err) {
    const tg_col *cols[TG_KEYS_MAX];
    tg_key k[TG_KEYS_MAX];
    tg_keys *set = NULL;
    uint32_t *ids;
    tg_status st;

    assert(t != NULL && out != NULL);
    *out = NULL;
    if (n_keys == 0) {
        if (t->n_cols > TG_KEYS_MAX)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "distinct over all %zu columns: at most %d; name the keys", t->n_cols,
                              TG_KEYS_MAX);
        for (size_t i = 0; i < t->n_cols; i++) cols[i] = t->cols[i];
        n_keys = t->n_cols;
    } else if ((st = find_keys(t, keys, n_keys, cols, err)) != TG_OK) {
        return st;
    }
    if (t->n_rows >= UINT32_MAX) return too_many_rows(t, err);
    for (size_t i = 0; i < n_keys; i++) k[i] = (tg_key){ cols[i], NULL, 0 };
    if (!(ids = tg_malloc((t->n_rows ? t->n_rows : 1) * sizeof *ids))) return tg_err_nomem(err);
    st = tg_keys_build(k, n_keys, t->n_rows, 1, NULL, ids, &set);
    tg_free(ids);
    if (st != TG_OK) return st == TG_ENOMEM ? tg_err_nomem(err) : st;
    *out = tg_table_take(t, tg_keys_first(set), tg_keys_count(set));
    tg_keys_free(set);
    return *out ? TG_OK : tg_err_nomem(err);
}

/* Row order for top n: 'enc'/'isnull' of the 'by' column; a row ranks
** before another by value (reversed when desc), NULLs last, then by row. */
struct rank {
    const uint64_t *enc;
    const uint8_t *isnull;
    int desc;
};

static int ranks_before(const struct rank *k, uint32_t a, uint32_t b) {
    if (k->isnull[a] != k->isnull[b]) return k->isnull[b];
    if (!k->isnull[a] && k->enc[a] != k->enc[b]) return (k->enc[a] < k->enc[b]) != (k->desc != 0);
    return a < b;
}

/* Max-heap by rank: the root is the row that ranks last. */
static void heap_down(const struct rank *k, uint32_t *h, size_t n, size_t i) {
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) return;
        if (c + 1 < n && ranks_before(k, h[c], h[c + 1])) c++;
        if (!ranks_before(k, h[i], h[c])) return;
        uint32_t tmp = h[i];
        h[i] = h[c];
        h[c] = tmp;
        i = c;
    }
}

/* Keeps the best min(n, m) of rows[0..m) in rank order at rows[0..). */
static size_t top_of_bucket(const struct rank *k, uint32_t *rows, size_t m, size_t n) {
    size_t keep = n < m ? n : m;
    if (keep == 0) return 0;
    for (size_t i = keep / 2; i-- > 0;) heap_down(k, rows, keep, i);
    for (size_t i = keep; i < m; i++) {
        if (ranks_before(k, rows[i], rows[0])) {
            rows[0] = rows[i];
            heap_down(k, rows, keep, 0);
        }
    }
    /* Heap sort: the last-ranked row goes to the back each time. */
    for (size_t end = keep; end-- > 1;) {
        uint32_t tmp = rows[0];
        rows[0] = rows[end];
        rows[end] = tmp;
        heap_down(k, rows, end, 0);
    }
    return keep;
}

tg_status tg_top_n(const tg_table *t, const char *by, int desc, size_t n, const char *const *per,
                   size_t n_per, tg_table **out, tg_error *err) {
    const tg_col *cols[TG_KEYS_MAX], *bycol;
    struct grouping gr;
    size_t rows_n = t->n_rows ? t->n_rows : 1, *off = NULL, *idx = NULL, n_out = 0;
    uint32_t *rows = NULL;
    uint64_t *enc = NULL;
    uint8_t *isnull = NULL;
    tg_status st;

    assert(t != NULL && by != NULL && out != NULL);
    *out = NULL;
    memset(&gr, 0, sizeof gr);
    if ((st = tg_keys_find(t, by, NULL, &bycol, err)) != TG_OK) return st;
    if ((st = find_keys(t, per, n_per, cols, err)) != TG_OK) return st;
    if (t->n_rows >= UINT32_MAX) return too_many_rows(t, err);
    if ((st = grouping_make(t, cols, n_per, &gr)) != TG_OK) goto done;
    size_t n_groups = tg_keys_count(gr.set);
    st = TG_ENOMEM;
    off = tg_malloc((n_groups + 1) * sizeof *off);
    rows = tg_malloc(rows_n * sizeof *rows);
    idx = tg_malloc(rows_n * sizeof *idx);
    enc = tg_malloc(rows_n * sizeof *enc);
    isnull = tg_malloc(rows_n);
    if (!off || !rows || !idx || !enc || !isnull) goto done;
    if (tg_keys_encode(bycol, NULL, t->n_rows, 0, enc, isnull) != TG_OK) goto done;
    tg_keys_bucket(gr.ids, t->n_rows, n_groups, NULL, off, rows);
    struct rank k = { enc, isnull, desc };
    for (size_t pos = 0; pos < n_groups; pos++) {
        size_t g = gr.order[pos];
        uint32_t *b = rows + off[g];
        size_t keep = top_of_bucket(&k, b, off[g + 1] - off[g], n);
        for (size_t j = 0; j < keep; j++) idx[n_out++] = b[j];
    }
    st = (*out = tg_table_take(t, idx, n_out)) ? TG_OK : TG_ENOMEM;
done:
    grouping_free(&gr);
    tg_free(off);
    tg_free(rows);
    tg_free(idx);
    tg_free(enc);
    tg_free(isnull);
    return st == TG_ENOMEM ? tg_err_nomem(err) : st;
}

tg_status tg_top_n_collate(const tg_table *t, const char *by, int desc, size_t n,
                           const char *const *per, size_t n_per, const char *collate,
                           tg_table **out, tg_error *err) {
    const char *keys[TG_KEYS_MAX + 1];
    int descs[TG_KEYS_MAX + 1] = { 0 };
    size_t *perm = NULL, *idx = NULL, n_out = 0, in_group = 0;
    uint8_t *brk = NULL;
    tg_status st;

    if (!collate) return tg_top_n(t, by, desc, n, per, n_per, out, err);
    *out = NULL;
    if (n_per > TG_KEYS_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "top: at most %d per keys", TG_KEYS_MAX);
    /* The per keys, then 'by', all in the language's order: a stable sort,
    ** so ties keep row order and NULLs come last, as tg_top_n has them. */
    for (size_t k = 0; k < n_per; k++) keys[k] = per[k];
    keys[n_per] = by;
    descs[n_per] = desc;
    st = tg_sort_index_collate(t, keys, descs, n_per + 1, collate, NULL, &perm, err);
    if (st != TG_OK) return st;
    idx = tg_malloc((t->n_rows ? t->n_rows : 1) * sizeof *idx);
    brk = tg_malloc(t->n_rows ? t->n_rows : 1);
    if (!idx || !brk) {
        st = tg_err_nomem(err);
        goto done;
    }
    if ((st = tg_sort_breaks(t, per, n_per, perm, t->n_rows, brk, err)) != TG_OK) goto done;
    for (size_t i = 0; i < t->n_rows; i++) {
        in_group = brk[i] ? 1 : in_group + 1;
        if (in_group <= n) idx[n_out++] = perm[i];
    }
    st = (*out = tg_table_take(t, idx, n_out)) ? TG_OK : tg_err_nomem(err);
done:
    tg_free(perm);
    tg_free(idx);
    tg_free(brk);
    return st;
}
