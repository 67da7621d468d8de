/*
** tg_join.c -- equi-joins and the as-of join (see tg_join.h).
** The right table's key tuples become a tg_keys set (right's strings are
** translated into left's dictionary codes once, so each left row is read
** as is); right rows are bucketed by tuple id in right order, and each left
** row looks up its id and walks its bucket. Output rows therefore come in
** left order, then right order, whatever the sizes. When every left row
** yields exactly one output row the left columns are shared, not copied.
*/
#include "tg_join.h"

#include <assert.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "tg_err.h"
#include "tg_keys.h"
#include "tg_mem.h"
#include "tg_par.h"

#define POLL_PAIRS (64 * TG_VECTOR) /* output pairs between polls */

/* Key columns paired across the two tables, in one word domain. */
struct pairs {
    tg_key l[TG_KEYS_MAX], r[TG_KEYS_MAX];
    const tg_col *rcols[TG_KEYS_MAX];
    uint32_t *maps[TG_KEYS_MAX]; /* owned: right codes -> left codes */
    size_t n;
};

static void pairs_free(struct pairs *p) {
    for (size_t i = 0; i < p->n; i++) tg_free(p->maps[i]);
}

/* Resolves and checks the key pairs; p->n counts the pairs set up so far,
** so pairs_free is right on every path. */
static tg_status pair_keys(const tg_table *left, const tg_table *right, const char *const *lnames,
                           const char *const *rnames, size_t n, struct pairs *p, tg_error *err) {
    memset(p, 0, sizeof *p);
    if (n > TG_KEYS_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "at most %d join keys, got %zu", TG_KEYS_MAX,
                          n);
    for (size_t i = 0; i < n; i++) {
        const tg_col *lc, *rc;
        tg_status st = tg_keys_find(left, lnames[i], "left", &lc, err);
        if (st == TG_OK) st = tg_keys_find(right, rnames[i], "right", &rc, err);
        if (st != TG_OK) return st;
        p->l[i] = (tg_key){ lc, NULL, 0 };
        p->r[i] = (tg_key){ rc, NULL, 0 };
        p->rcols[i] = rc;
        p->n = i + 1;
        if (lc->type == rc->type) {
            if (lc->type == TG_STRING && lc->dict != rc->dict) {
                if (tg_keys_dict_map(rc->dict, lc->dict, &p->maps[i]) != TG_OK)
                    return tg_err_nomem(err);
                p->r[i].map = p->maps[i];
            }
        } else if ((lc->type == TG_INT && rc->type == TG_FLOAT) ||
                   (lc->type == TG_FLOAT && rc->type == TG_INT)) {
            /* Compared as int64: a float key matches only whole numbers. */
            p->l[i].as_int = lc->type == TG_FLOAT;
            p->r[i].as_int = rc->type == TG_FLOAT;
        } else {
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "cannot join %s column '%s' (left) with %s column '%s' (right)",
                              tg_type_name(lc->type), lnames[i], tg_type_name(rc->type), rnames[i]);
        }
    }
    return TG_OK;
}

/* The result: left's columns (shared when lidx is NULL, else gathered),
** then each rcols[k] that is not NULL (right's column k, prebuilt; taken
** over, so released here either way), renamed with 'suffix' where its name
** is taken. */
static tg_status make_output(const tg_table *left, const tg_table *right, const size_t *lidx,
                             tg_col **rcols, size_t n_out, const char *suffix,
                             const tg_interrupt *intr, tg_table **out, tg_error *err) {
    tg_table *res = tg_table_new();
    char *name = NULL;
    tg_status st = TG_ENOMEM;

    if (!res) goto fail;
    for (size_t k = 0; k < left->n_cols; k++) {
        tg_col *c = left->cols[k];
        /* a big result gathers for a while: the gather polls the limit */
        if (lidx && !(c = tg_col_take_poll(left->cols[k], lidx, n_out, intr, &st))) goto fail;
        st = tg_table_add(res, left->names[k], c);
        if (lidx) tg_col_release(c);
        if (st != TG_OK) goto fail;
    }
    for (size_t k = 0; rcols && k < right->n_cols; k++) {
        const char *nm = right->names[k];
        if (!rcols[k]) continue;
        if (tg_table_find(res, nm) >= 0) {
            size_t a = strlen(nm), b = strlen(suffix);
            st = TG_ENOMEM;
            if (!(name = tg_malloc(a + b + 1))) goto fail;
            memcpy(name, nm, a);
            memcpy(name + a, suffix, b + 1);
            if (tg_table_find(res, name) >= 0) {
                st = tg_err_set(err, TG_EARG, NULL, 0, 0,
                                "column '%s' from the right table would be '%s', which is "
                                "taken; choose another suffix",
                                nm, name);
                goto fail;
            }
            nm = name;
        }
        st = tg_table_add(res, nm, rcols[k]);
        tg_free(name);
        name = NULL;
        if (st != TG_OK) goto fail;
    }
    res->n_rows = n_out;
    *out = res;
    res = NULL;
    st = TG_OK;
fail:
    for (size_t k = 0; rcols && k < right->n_cols; k++) tg_col_release(rcols[k]);
    tg_free(name);
    tg_table_release(res);
    return st == TG_ENOMEM ? tg_err_nomem(err) : st;
}

/* New columns for right's columns other than the key columns 'skip':
** each gathered at ridx (n_out rows), or, with ridx NULL, made empty with
** room for n_out rows. *rcols has right->n_cols entries, NULL for keys. */
static tg_status right_cols(const tg_table *right, const size_t *ridx, size_t n_out,
                            const tg_col *const *skip, size_t n_skip, const tg_interrupt *intr,
                            tg_col ***rcols) {
    tg_col **c = tg_calloc(right->n_cols ? right->n_cols : 1, sizeof *c);
    if (!c) return TG_ENOMEM;
    for (size_t k = 0; k < right->n_cols; k++) {
        tg_status st = TG_ENOMEM;
        const tg_col *src = right->cols[k];
        int key = 0;
        for (size_t i = 0; i < n_skip; i++) key |= src == skip[i];
        if (key) continue;
        c[k] = ridx ? tg_col_take_poll(src, ridx, n_out, intr, &st)
                    : tg_col_new(src->type, n_out ? n_out : 1, src->dict);
        if (!c[k]) {
            for (size_t j = 0; j <= k; j++) tg_col_release(c[j]);
            tg_free(c);
            return st;
        }
    }
    *rcols = c;
    return TG_OK;
}

/* dst rows [base, base + n) = src rows id_row[ids[i]] (NULL for
** TG_KEYS_NONE): the gather of a lookup join, one loop per width. */
static tg_status gather_ids(tg_col *dst, const tg_col *src, size_t base, const uint32_t *ids,
                            size_t n, const size_t *id_row) {
    size_t width = tg_type_width(src->type);
    const char *from = src->v.any;
    char *to = (char *)dst->v.any + base * width;
    int holes = 0;
    switch (width) {
    case 8:
        for (size_t i = 0; i < n; i++) {
            if (ids[i] == TG_KEYS_NONE) holes = 1;
            else memcpy(to + i * 8, from + id_row[ids[i]] * 8, 8);
        }
        break;
    case 4:
        for (size_t i = 0; i < n; i++) {
            if (ids[i] == TG_KEYS_NONE) holes = 1;
            else memcpy(to + i * 4, from + id_row[ids[i]] * 4, 4);
        }
        break;
    default:
        for (size_t i = 0; i < n; i++) {
            if (ids[i] == TG_KEYS_NONE) holes = 1;
            else to[i] = from[id_row[ids[i]]];
        }
        break;
    }
    if (!holes && !src->valid) return TG_OK;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] != TG_KEYS_NONE && tg_col_is_valid(src, id_row[ids[i]])) continue;
        memset(to + i * width, 0, width);
        if (tg_col_set_null(dst, base + i) != TG_OK) return TG_ENOMEM;
    }
    return TG_OK;
}

static tg_status interrupted(tg_status st, tg_error *err) {
    if (st == TG_ENOMEM) return tg_err_nomem(err);
    if (st == TG_ELIMIT || st == TG_ECANCEL)
        return tg_err_set(err, st, NULL, 0, 0, "join interrupted");
    return st;
}

/* ---- equi-join ---- */

/* A join on keys that are unique on the right (a lookup table) where each
** left row yields one output row (a left join, or an inner join that
** matched every row): the right columns are gathered through id_row[id],
** a vector at a time straight from the probe (or from 'lids' when the
** rows were probed already), and the left columns are shared. */
/* The morsels of a lookup join: each probes (unless 'lids' has the ids)
** and gathers its own rows of the right columns. */
struct lookup_job {
    const tg_table *right;
    const tg_keys *set;
    const tg_key *keys;
    const size_t *id_row;
    const uint32_t *lids;
    tg_col **rcols;
    size_t n_rows;
};

static tg_status lookup_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    struct lookup_job *j = ctx;
    uint32_t buf[TG_VECTOR];
    size_t off, len;
    (void)worker;
    tg_par_morsel(j->n_rows, m, &off, &len);
    for (size_t base = off; base < off + len; base += TG_VECTOR) {
        size_t n = off + len - base < TG_VECTOR ? off + len - base : TG_VECTOR;
        const uint32_t *ids = j->lids ? j->lids + base : buf;
        if (!j->lids && tg_keys_probe_shared(j->set, j->keys, base, n, buf) != TG_OK)
            return tg_err_nomem(err);
        for (size_t k = 0; k < j->right->n_cols; k++)
            if (j->rcols[k] &&
                gather_ids(j->rcols[k], j->right->cols[k], base, ids, n, j->id_row) != TG_OK)
                return tg_err_nomem(err);
    }
    return TG_OK;
}

/* Workers clear bits of one bitmap, each in its own words (morsels start
** at multiples of 64): it must exist before they start. A column whose
** bits all stayed set gets its NULL bitmap back (all valid). */
static tg_status bitmap_before(tg_col *c) {
    if (tg_col_set_null(c, 0) != TG_OK) return TG_ENOMEM;
    tg_col_set_valid(c, 0);
    return TG_OK;
}

static void bitmap_after(tg_col *c, size_t n) {
    for (size_t w = 0; w < n / 64; w++)
        if (c->valid[w] != UINT64_MAX) return;
    for (size_t i = n / 64 * 64; i < n; i++)
        if (!tg_col_is_valid(c, i)) return;
    tg_free(c->valid);
    c->valid = NULL;
}

/* A join on keys that are unique on the right (a lookup table) where each
** left row yields one output row (a left join, or an inner join that
** matched every row): the right columns are gathered through id_row[id],
** a morsel at a time straight from the probe (or from 'lids' when the
** rows were probed already), and the left columns are shared. */
static tg_status lookup_join(const tg_table *left, const tg_table *right, struct pairs *p,
                             tg_keys *set, const size_t *id_row, const uint32_t *lids,
                             const char *suffix, const tg_interrupt *intr, tg_table **out,
                             tg_error *err) {
    size_t nl = left->n_rows;
    tg_col **rcols;
    tg_status st = right_cols(right, NULL, nl, p->rcols, p->n, intr, &rcols);
    struct lookup_job j = { right, set, p->l, id_row, lids, rcols, nl };

    if (st != TG_OK) return st;
    for (size_t k = 0; k < right->n_cols && st == TG_OK; k++)
        if (rcols[k] && nl) st = bitmap_before(rcols[k]);
    if (st == TG_OK) st = tg_par_for(tg_par_morsels(nl), lookup_morsel, &j, intr, err);
    for (size_t k = 0; k < right->n_cols; k++) {
        if (!rcols[k]) continue;
        rcols[k]->len = nl;
        if (st == TG_OK && rcols[k]->valid) bitmap_after(rcols[k], nl);
    }
    if (st != TG_OK) {
        for (size_t k = 0; k < right->n_cols; k++) tg_col_release(rcols[k]);
        tg_free(rcols);
        return st;
    }
    st = make_output(left, right, NULL, rcols, nl, suffix, intr, out, err);
    tg_free(rcols);
    return st;
}

/* ---- probing and pairing by morsels ---- */

/* The left rows' ids (a morsel each), then each morsel's count of output
** rows, then, from the counts' running sums, each morsel's pairs written
** at its own offset: the pairs come in left order as from one pass. */
struct pair_job {
    const tg_keys *set;
    const tg_key *keys;
    size_t nl;
    int how;
    uint32_t *lids;
    const size_t *off;
    const uint32_t *rrows;
    size_t *count;    /* per morsel; then where its pairs start */
    atomic_int multi; /* some left row yields other than one row */
    size_t *lidx, *ridx;
    const tg_interrupt *intr;
};

static tg_status probe_morsel(void *ctx, size_t m, int worker, tg_error *err) {
    struct pair_job *j = ctx;
    size_t off, len;
    (void)worker;
    tg_par_morsel(j->nl, m, &off, &len);
    if (tg_keys_probe_shared(j->set, j->keys, off, len, j->lids + off) != TG_OK)
        return tg_err_nomem(err);
    return TG_OK;
}

/* Output rows of left row i. */
static size_t pairs_of(const struct pair_job *j, size_t i) {
    size_t m = j->lids[i] == TG_KEYS_NONE ? 0 : j->off[j->lids[i] + 1] - j->off[j->lids[i]];
    if (j->how == TG_JOIN_LEFT && m == 0) return 1;
    if (j->how == TG_JOIN_SEMI) return m > 0;
    if (j->how == TG_JOIN_ANTI) return m == 0;
    return m;
}

static tg_status count_morsel(void *ctx, size_t mi, int worker, tg_error *err) {
    struct pair_job *j = ctx;
    size_t off, len, n = 0;
    int multi = 0;
    (void)worker;
    (void)err;
    tg_par_morsel(j->nl, mi, &off, &len);
    for (size_t i = off; i < off + len; i++) {
        size_t m = pairs_of(j, i);
        multi |= m != 1;
        n += m;
    }
    j->count[mi] = n;
    if (multi) atomic_store(&j->multi, 1);
    return TG_OK;
}

static tg_status fill_morsel(void *ctx, size_t mi, int worker, tg_error *err) {
    struct pair_job *j = ctx;
    size_t off, len, o = j->count[mi], polled = o;
    size_t *lidx = j->lidx, *ridx = j->ridx;
    int how = j->how;
    (void)worker;
    tg_par_morsel(j->nl, mi, &off, &len);
    for (size_t i = off; i < off + len; i++) {
        uint32_t id = j->lids[i];
        if (how == TG_JOIN_SEMI || how == TG_JOIN_ANTI) {
            if ((id != TG_KEYS_NONE) == (how == TG_JOIN_SEMI) && lidx) lidx[o++] = i;
            continue;
        }
        if (id == TG_KEYS_NONE) {
            if (how == TG_JOIN_LEFT) {
                if (lidx) lidx[o] = i;
                ridx[o++] = TG_NO_ROW;
            }
            continue;
        }
        for (size_t k = j->off[id]; k < j->off[id + 1]; k++) {
            if (lidx) lidx[o] = i;
            ridx[o++] = j->rrows[k];
        }
        /* A key matching thousands of rows makes a vector of left rows
        ** billions of pairs: poll by pairs written too. */
        if (o - polled >= POLL_PAIRS) {
            tg_status st = tg_poll(j->intr);
            polled = o;
            if (st != TG_OK) return tg_err_set(err, st, NULL, 0, 0, "join interrupted");
        }
    }
    return TG_OK;
}

tg_status tg_join(const tg_table *left, const tg_table *right, const char *const *left_keys,
                  const char *const *right_keys, size_t n_keys, int how, const char *suffix,
                  const tg_interrupt *intr, tg_table **out, tg_error *err) {
    struct pairs p;
    tg_keys *set = NULL;
    size_t nl = left->n_rows, nr = right->n_rows, n_out = 0, *off = NULL, *id_row = NULL;
    size_t *lidx = NULL, *ridx = NULL;
    uint32_t *rids = NULL, *lids = NULL, *rrows = NULL;
    tg_col **rcols = NULL;
    int single = 1, unique = 1; /* each left row yields one output row; right keys unique */
    tg_status st;

    assert(left != NULL && right != NULL && out != NULL);
    *out = NULL;
    if (how < TG_JOIN_INNER || how > TG_JOIN_ANTI)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "unknown join type %d", how);
    if (n_keys == 0) return tg_err_set(err, TG_EARG, NULL, 0, 0, "a join needs at least one key");
    if (nl >= UINT32_MAX || nr >= UINT32_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "too many rows to join");
    if (!suffix) suffix = "_right";
    if ((st = pair_keys(left, right, left_keys, right_keys, n_keys, &p, err)) != TG_OK) goto done;

    st = TG_ENOMEM;
    rids = tg_malloc((nr ? nr : 1) * sizeof *rids);
    rrows = tg_malloc((nr ? nr : 1) * sizeof *rrows);
    if (!rids || !rrows) goto done;
    if ((st = tg_keys_build(p.r, p.n, nr, 0, intr, rids, &set)) != TG_OK) goto done;
    size_t n_ids = tg_keys_count(set);
    st = TG_ENOMEM;
    if (!(off = tg_malloc((n_ids + 1) * sizeof *off))) goto done;
    tg_keys_bucket(rids, nr, n_ids, NULL, off, rrows);
    for (size_t id = 0; id < n_ids; id++) unique &= off[id + 1] - off[id] == 1;
    if (unique && how <= TG_JOIN_LEFT) {
        if (!(id_row = tg_malloc((n_ids ? n_ids : 1) * sizeof *id_row))) goto done;
        for (size_t id = 0; id < n_ids; id++) id_row[id] = rrows[off[id]];
    }
    if (unique && how == TG_JOIN_LEFT) {
        st = lookup_join(left, right, &p, set, id_row, NULL, suffix, intr, out, err);
        goto done;
    }
    if (!(lids = tg_malloc((nl ? nl : 1) * sizeof *lids))) goto done;
    size_t n_morsels = tg_par_morsels(nl);
    struct pair_job pj = { set, p.l, nl, how, lids, off, rrows, NULL, 0, NULL, NULL, intr };
    if (!(pj.count = tg_calloc(n_morsels, sizeof *pj.count))) goto done;
    if ((st = tg_par_for(n_morsels, probe_morsel, &pj, intr, err)) != TG_OK) goto pairs_done;

    /* Count the output, then fill the row indexes. */
    if ((st = tg_par_for(n_morsels, count_morsel, &pj, intr, err)) != TG_OK) goto pairs_done;
    for (size_t m = 0; m < n_morsels; m++) {
        size_t c = pj.count[m];
        pj.count[m] = n_out;
        n_out += c;
    }
    single = !atomic_load(&pj.multi);
    if (unique && single && how == TG_JOIN_INNER) { /* every left row matched once */
        tg_free(pj.count);
        st = lookup_join(left, right, &p, set, id_row, lids, suffix, intr, out, err);
        goto done;
    }
    st = TG_ENOMEM;
    if (!single && !(lidx = tg_malloc((n_out ? n_out : 1) * sizeof *lidx))) goto pairs_done;
    if (how <= TG_JOIN_LEFT && !(ridx = tg_malloc((n_out ? n_out : 1) * sizeof *ridx)))
        goto pairs_done;
    pj.lidx = lidx;
    pj.ridx = ridx;
    st = tg_par_for(n_morsels, fill_morsel, &pj, intr, err);
pairs_done:
    tg_free(pj.count);
    if (st != TG_OK) goto done;
    if (ridx && (st = right_cols(right, ridx, n_out, p.rcols, p.n, intr, &rcols)) != TG_OK)
        goto done;
    st = make_output(left, right, lidx, rcols, n_out, suffix, intr, out, err);
done:
    pairs_free(&p);
    tg_keys_free(set);
    tg_free(rids);
    tg_free(lids);
    tg_free(rrows);
    tg_free(off);
    tg_free(id_row);
    tg_free(lidx);
    tg_free(ridx);
    tg_free(rcols);
    return st == TG_OK ? TG_OK : interrupted(st, err);
}

/* ---- as-of join ---- */

/* The value of an 'on' column as a double (for nearest distances). */
static double on_value(const tg_col *c, size_t r) {
    switch (c->type) {
    case TG_INT: return (double)c->v.i64[r];
    case TG_DATE: return c->v.date[r];
    default: return c->v.f64[r];
    }
}

static int on_usable(const tg_col *c, size_t r, const uint8_t *isnull, size_t i) {
    return !isnull[i] && !(c->type == TG_FLOAT && isnan(c->v.f64[r]));
}

tg_status tg_join_asof(const tg_table *left, const tg_table *right, const char *const *by_left,
                       const char *const *by_right, size_t n_by, const char *on_left,
                       const char *on_right, int direction, const char *suffix, tg_table **out,
                       tg_error *err) {
    struct pairs p;
    const tg_col *lon, *ron;
    tg_keys *set = NULL;
    size_t nl = left->n_rows, nr = right->n_rows, *off = NULL, *sorted = NULL, *ridx = NULL;
    uint32_t *rids = NULL, *lids = NULL, *rrows = NULL;
    uint64_t *renc = NULL, *lenc = NULL, *sv = NULL;
    uint8_t *rnull = NULL, *lnull = NULL;
    tg_status st;

    assert(left != NULL && right != NULL && out != NULL);
    *out = NULL;
    memset(&p, 0, sizeof p);
    if (direction < TG_ASOF_BACKWARD || direction > TG_ASOF_NEAREST)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "unknown as-of direction %d", direction);
    if (nl >= UINT32_MAX || nr >= UINT32_MAX)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "too many rows to join");
    if (!suffix) suffix = "_right";
    if ((st = tg_keys_find(left, on_left, "left", &lon, err)) != TG_OK) return st;
    if ((st = tg_keys_find(right, on_right, "right", &ron, err)) != TG_OK) return st;
    int lnum = lon->type == TG_INT || lon->type == TG_FLOAT;
    int rnum = ron->type == TG_INT || ron->type == TG_FLOAT;
    if (!((lon->type == TG_DATE && ron->type == TG_DATE) || (lnum && rnum)))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "cannot match %s column '%s' (left) with %s column '%s' (right) "
                          "as-of: need dates or numbers on both sides",
                          tg_type_name(lon->type), on_left, tg_type_name(ron->type), on_right);
    /* Float order is not linear in the encoding; int and date order is. */
    int as_float = lon->type == TG_FLOAT || ron->type == TG_FLOAT;
    if ((st = pair_keys(left, right, by_left, by_right, n_by, &p, err)) != TG_OK) goto done;

    st = TG_ENOMEM;
    rids = tg_malloc((nr ? nr : 1) * sizeof *rids);
    rrows = tg_malloc((nr ? nr : 1) * sizeof *rrows);
    sorted = tg_malloc((nr ? nr : 1) * sizeof *sorted);
    sv = tg_malloc((nr ? nr : 1) * sizeof *sv);
    renc = tg_malloc((nr ? nr : 1) * sizeof *renc);
    rnull = tg_malloc(nr ? nr : 1);
    lids = tg_malloc((nl ? nl : 1) * sizeof *lids);
    lenc = tg_malloc((nl ? nl : 1) * sizeof *lenc);
    lnull = tg_malloc(nl ? nl : 1);
    ridx = tg_malloc((nl ? nl : 1) * sizeof *ridx);
    if (!rids || !rrows || !sorted || !sv || !renc || !rnull || !lids || !lenc || !lnull || !ridx)
        goto done;
    if (tg_keys_encode(ron, NULL, nr, as_float, renc, rnull) != TG_OK) goto done;
    if (tg_keys_encode(lon, NULL, nl, as_float, lenc, lnull) != TG_OK) goto done;
    if ((st = tg_keys_build(p.r, p.n, nr, 0, NULL, rids, &set)) != TG_OK) goto done;
    for (size_t r = 0; r < nr; r++)
        if (!on_usable(ron, r, rnull, r)) rids[r] = TG_KEYS_NONE;
    size_t n_ids = tg_keys_count(set);
    st = TG_ENOMEM;
    if (!(off = tg_malloc((n_ids + 1) * sizeof *off))) goto done;
    tg_keys_bucket(rids, nr, n_ids, NULL, off, rrows);
    /* Each bucket sorted by 'on', stably, so equal values keep right's order. */
    tg_sortkey key = { renc, NULL, 0 };
    for (size_t j = 0; j < off[n_ids]; j++) sorted[j] = rrows[j];
    for (size_t g = 0; g < n_ids; g++)
        if (tg_keys_sort(sorted + off[g], off[g + 1] - off[g], &key, 1) != TG_OK) goto done;
    for (size_t j = 0; j < off[n_ids]; j++) sv[j] = renc[sorted[j]];
    tg_keys_probe(set, p.l, 0, nl, lids);

    for (size_t i = 0; i < nl; i++) {
        uint32_t id = lids[i];
        ridx[i] = TG_NO_ROW;
        if (id == TG_KEYS_NONE || !on_usable(lon, i, lnull, i)) continue;
        uint64_t x = lenc[i];
        size_t a = off[id], b = off[id + 1], lo = a, hi = b;
        while (lo < hi) { /* lower bound: the first value >= x */
            size_t mid = lo + (hi - lo) / 2;
            if (sv[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        size_t fwd = lo < b ? lo : SIZE_MAX;
        for (hi = b; lo < hi;) { /* upper bound: the first value > x */
            size_t mid = lo + (hi - lo) / 2;
            if (sv[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        size_t back = lo > a ? lo - 1 : SIZE_MAX;
        size_t pick = direction == TG_ASOF_BACKWARD  ? back
                      : direction == TG_ASOF_FORWARD ? fwd
                                                     : back;
        if (direction == TG_ASOF_NEAREST && fwd != SIZE_MAX && fwd != back) {
            if (back == SIZE_MAX) {
                pick = fwd;
            } else if (as_float) {
                double xv = on_value(lon, i);
                if (on_value(ron, sorted[fwd]) - xv < xv - on_value(ron, sorted[back])) pick = fwd;
            } else if (sv[fwd] - x < x - sv[back]) { /* order-preserving and exact for ints */
                pick = fwd;
            }
        }
        if (pick != SIZE_MAX) ridx[i] = sorted[pick];
    }
    tg_col **rcols;
    if ((st = right_cols(right, ridx, nl, p.rcols, p.n, NULL, &rcols)) != TG_OK) goto done;
    st = make_output(left, right, NULL, rcols, nl, suffix, NULL, out, err);
    tg_free(rcols);
done:
    pairs_free(&p);
    tg_keys_free(set);
    tg_free(rids);
    tg_free(rrows);
    tg_free(sorted);
    tg_free(sv);
    tg_free(renc);
    tg_free(rnull);
    tg_free(lids);
    tg_free(lenc);
    tg_free(lnull);
    tg_free(ridx);
    tg_free(off);
    return st == TG_OK ? TG_OK : interrupted(st, err);
}
