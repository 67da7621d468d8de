/*
** tg_reshape.c -- pivot, unpivot and complete.
** Pivot numbers the distinct row keys and the distinct column values by
** sorting (so both come out in tg_sort order), then aggregates every input
** row into a dense R x M grid of cells in one pass in input order, so FIRST
** and LAST mean input order. Complete sorts by (keys..., period), walks
** each group merging its existing rows with the periods it lacks, and
** builds the output columns by gathering (tg_col_take) plus fills.
*/
#include "tg_reshape.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_fill.h"
#include "tg_mem.h"
#include "tg_sort.h"

static const char *agg_names[] = { "error", "first", "last", "sum", "mean", "count", "min", "max" };

const char *tg_pivot_agg_name(tg_pivot_agg agg) {
    return (size_t)agg < TG_ARRAY_LEN(agg_names) ? agg_names[agg] : "?";
}

int tg_pivot_agg_parse(const char *name, tg_pivot_agg *agg) {
    for (size_t i = 0; i < TG_ARRAY_LEN(agg_names); i++) {
        if (strcmp(name, agg_names[i]) == 0) {
            *agg = (tg_pivot_agg)i;
            return 0;
        }
    }
    return -1;
}

static int is_number(tg_type type) {
    return type == TG_INT || type == TG_FLOAT || type == TG_BOOL;
}

/* Row r of c as text: strings as they are (quoted when 'quote'), numbers
** so they read back exactly, dates ISO, NULL as null. */
static void format_value(const tg_col *c, size_t r, int quote, char *buf, size_t size) {
    if (!tg_col_is_valid(c, r)) {
        snprintf(buf, size, "null");
        return;
    }
    switch (c->type) {
    case TG_INT: snprintf(buf, size, "%lld", (long long)c->v.i64[r]); break;
    case TG_BOOL: snprintf(buf, size, "%s", c->v.b8[r] ? "true" : "false"); break;
    case TG_DATE: {
        char d[16];
        tg_date_format(c->v.date[r], d);
        snprintf(buf, size, "%s", d);
        break;
    }
    case TG_FLOAT: {
        double v = c->v.f64[r];
        if (isnan(v)) {
            snprintf(buf, size, "NaN");
        } else if (isinf(v)) {
            snprintf(buf, size, "%s", v > 0 ? "inf" : "-inf");
        } else {
            /* The shortest %g precision that reads back as the same double. */
            for (int prec = 1; prec <= 17; prec++) {
                snprintf(buf, size, "%.*g", prec, v == 0 ? 0.0 : v);
                if (strtod(buf, NULL) == v) break;
            }
        }
        break;
    }
    case TG_STRING: {
        size_t len;
        const char *s = tg_dict_str(c->dict, c->v.str[r], &len);
        snprintf(buf, size, quote ? "'%.*s'" : "%.*s", (int)(len < 200 ? len : 200), s);
        break;
    }
    }
}

/* Sorts by 'keys' and numbers the distinct key combinations in sorted
** order: id[row] for every row, (*rep)[g] = the first input row of group g.
** With no keys every row is in group 0. */
static tg_status group_ids(const tg_table *t, const char *const *keys, size_t n_keys,
                           const tg_interrupt *intr, size_t *id, size_t **rep, size_t *n_groups,
                           tg_error *err) {
    size_t n = t->n_rows, *perm = NULL, g = 0;
    uint8_t *brk = tg_malloc(n ? n : 1);
    tg_status st;

    *rep = NULL;
    if (!brk) return tg_err_nomem(err);
    st = tg_sort_index(t, keys, NULL, n_keys, intr, &perm, err);
    if (st == TG_OK) st = tg_sort_breaks(t, keys, n_keys, perm, n, brk, err);
    if (st == TG_OK) {
        for (size_t j = 0; j < n; j++) g += brk[j];
        *rep = tg_malloc((g ? g : 1) * sizeof **rep);
        if (!*rep) st = tg_err_nomem(err);
    }
    if (st == TG_OK) {
        g = 0;
        for (size_t j = 0; j < n; j++) {
            if (brk[j]) (*rep)[g++] = perm[j];
            id[perm[j]] = g - 1;
        }
        *n_groups = g;
    }
    tg_free(perm);
    tg_free(brk);
    return st;
}

/* ---- pivot ---- */

struct cells {
    size_t n_cells;
    size_t *nrow;  /* rows per cell */
    size_t *nval;  /* non-NULL values per cell (SUM, MEAN, COUNT) */
    size_t *pick;  /* chosen row (ERROR, FIRST, LAST, MIN, MAX); TG_NO_ROW if none */
    int64_t *isum; /* SUM of ints */
    double *fsum;  /* SUM of floats, MEAN */
};

static void cells_free(struct cells *c) {
    tg_free(c->nrow);
    tg_free(c->nval);
    tg_free(c->pick);
    tg_free(c->isum);
    tg_free(c->fsum);
}

/* Value a < value b in tg_sort's ascending order; both rows valid. */
static int sorts_before(const tg_col *c, const uint32_t *rank, size_t a, size_t b) {
    switch (c->type) {
    case TG_INT: return c->v.i64[a] < c->v.i64[b];
    case TG_BOOL: return c->v.b8[a] < c->v.b8[b];
    case TG_DATE: return c->v.date[a] < c->v.date[b];
    case TG_STRING: return rank[c->v.str[a]] < rank[c->v.str[b]];
    case TG_FLOAT: {
        double x = c->v.f64[a], y = c->v.f64[b];
        return isnan(y) ? !isnan(x) : x < y; /* NaN after every number */
    }
    }
    return 0;
}

static tg_type cell_type(tg_pivot_agg agg, tg_type value_type) {
    switch (agg) {
    case TG_PIVOT_COUNT: return TG_INT;
    case TG_PIVOT_MEAN: return TG_FLOAT;
    case TG_PIVOT_SUM: return value_type == TG_FLOAT ? TG_FLOAT : TG_INT;
    default: return value_type;
    }
}

static tg_status aggregate(const tg_pivot_spec *p, const tg_col *v, const uint32_t *rank,
                           const size_t *rid, const size_t *cid, size_t m, size_t n,
                           struct cells *c, const tg_interrupt *intr, tg_error *err) {
    for (size_t i = 0; i < n; i++) {
        if (i % TG_VECTOR == 0) {
            tg_status st = tg_poll(intr);
            if (st != TG_OK) return st;
        }
        size_t cell = rid[i] * m + cid[i];
        int valid = tg_col_is_valid(v, i);
        c->nrow[cell]++;
        switch (p->agg) {
        case TG_PIVOT_ERROR:
        case TG_PIVOT_FIRST:
            if (c->nrow[cell] == 1) c->pick[cell] = i;
            break;
        case TG_PIVOT_LAST: c->pick[cell] = i; break;
        case TG_PIVOT_MIN:
        case TG_PIVOT_MAX:
            if (!valid) break;
            if (c->pick[cell] == TG_NO_ROW ||
                (p->agg == TG_PIVOT_MIN ? sorts_before(v, rank, i, c->pick[cell])
                                        : sorts_before(v, rank, c->pick[cell], i)))
                c->pick[cell] = i;
            break;
        case TG_PIVOT_COUNT: c->nval[cell] += (size_t)valid; break;
        case TG_PIVOT_SUM:
        case TG_PIVOT_MEAN:
            if (!valid) break;
            c->nval[cell]++;
            if (v->type == TG_FLOAT) {
                c->fsum[cell] += v->v.f64[i];
            } else {
                int64_t x = v->type == TG_INT ? v->v.i64[i] : (int64_t)v->v.b8[i];
                if (p->agg == TG_PIVOT_MEAN) c->fsum[cell] += (double)x;
                else if (__builtin_add_overflow(c->isum[cell], x, &c->isum[cell]))
                    return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                                      "pivot: sum of '%s' overflows int64 at row %zu", p->values,
                                      i + 1);
            }
            break;
        }
    }
    return TG_OK;
}

/* "3 rows have tilbud 'A', maaned 2023-02-01 and type 'x'" */
static tg_status duplicate_error(const tg_table *t, const tg_pivot_spec *p, const size_t *rrep,
                                 const size_t *crep, size_t r, size_t j, size_t count,
                                 tg_error *err) {
    char msg[400], val[240];
    size_t len = (size_t)snprintf(msg, sizeof msg, "pivot: %zu rows have ", count);
    for (size_t k = 0; k <= p->n_rows && len < sizeof msg; k++) {
        const char *name = k < p->n_rows ? p->rows[k] : p->cols;
        format_value(tg_table_col(t, name), k < p->n_rows ? rrep[r] : crep[j], 1, val, sizeof val);
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s %s",
                                k == 0 ? "" : (k == p->n_rows ? " and " : ", "), name, val);
    }
    return tg_err_set(err, TG_EDATA, NULL, 0, 0, "%s; choose an aggregate (agg) to combine them",
                      msg);
}

/* Column j of the output: the cells (r, j) for every output row r. */
static tg_status cell_column(const tg_pivot_spec *p, const tg_col *v, const struct cells *c,
                             size_t rows, size_t m, size_t j, tg_type type, size_t *idx,
                             uint8_t *absent, tg_col **out, tg_error *err) {
    tg_col *col;
    *out = NULL;
    for (size_t r = 0; r < rows; r++) absent[r] = c->nrow[r * m + j] == 0;
    if (c->pick) {
        for (size_t r = 0; r < rows; r++) idx[r] = c->pick[r * m + j];
        col = tg_col_take(v, idx, rows);
        if (!col) goto nomem;
    } else {
        col = tg_col_new(type, rows ? rows : 1, NULL);
        if (!col) goto nomem;
        col->len = rows;
        for (size_t r = 0; r < rows; r++) {
            size_t cell = r * m + j;
            if (absent[r] || (p->agg != TG_PIVOT_COUNT && c->nval[cell] == 0)) {
                if (tg_col_set_null(col, r) != TG_OK) goto nomem;
            } else if (p->agg == TG_PIVOT_COUNT) {
                col->v.i64[r] = (int64_t)c->nval[cell];
            } else if (p->agg == TG_PIVOT_MEAN) {
                col->v.f64[r] = c->fsum[cell] / (double)c->nval[cell];
            } else if (type == TG_FLOAT) {
                col->v.f64[r] = c->fsum[cell];
            } else {
                col->v.i64[r] = c->isum[cell];
            }
        }
    }
    if (p->fill && tg_fill_mask(col, absent, p->fill, err) != TG_OK) goto nomem;
    *out = col;
    return TG_OK;
nomem:
    tg_col_release(col);
    return tg_err_nomem(err);
}

static tg_status check_pivot(const tg_table *t, const tg_pivot_spec *p, long *vk, tg_error *err) {
    long k;
    tg_status st;
    if ((st = tg_table_lookup(t, p->cols, &k, err)) != TG_OK) return st;
    if ((st = tg_table_lookup(t, p->values, vk, err)) != TG_OK) return st;
    if (strcmp(p->cols, p->values) == 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "'%s' cannot be both cols and values", p->cols);
    for (size_t i = 0; i < p->n_rows; i++) {
        if ((st = tg_table_lookup(t, p->rows[i], &k, err)) != TG_OK) return st;
        if (strcmp(p->rows[i], p->cols) == 0 || strcmp(p->rows[i], p->values) == 0)
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "'%s' cannot be both a row key and the %s",
                              p->rows[i], strcmp(p->rows[i], p->cols) == 0 ? "cols" : "values");
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->rows[i], p->rows[j]) == 0)
                return tg_err_set(err, TG_EARG, NULL, 0, 0, "row key '%s' given twice", p->rows[i]);
    }
    tg_type vt = t->cols[*vk]->type;
    if (tg_pivot_agg_name(p->agg)[0] == '?')
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "unknown aggregate %d", (int)p->agg);
    if ((p->agg == TG_PIVOT_SUM || p->agg == TG_PIVOT_MEAN) && !is_number(vt))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s needs numbers; '%s' is %s",
                          tg_pivot_agg_name(p->agg), p->values, tg_type_name(vt));
    if (p->fill) return tg_fill_check(p->fill, cell_type(p->agg, vt), "fill value", p->values, err);
    return TG_OK;
}

tg_status tg_pivot(const tg_table *t, const tg_pivot_spec *p, const tg_interrupt *intr,
                   tg_table **out, tg_error *err) {
    size_t n = t->n_rows, m = 0, rows = 0, *rid = NULL, *cid = NULL, *rrep = NULL, *crep = NULL;
    size_t *idx = NULL;
    uint8_t *absent = NULL;
    uint32_t *rank = NULL;
    struct cells c = { 0 };
    tg_table *res = NULL;
    long vk;
    tg_status st;

    assert(t != NULL && p != NULL && out != NULL && (p->rows || !p->n_rows));
    *out = NULL;
    if ((st = check_pivot(t, p, &vk, err)) != TG_OK) return st;
    const tg_col *v = t->cols[vk];
    tg_type type = cell_type(p->agg, v->type);

    rid = tg_malloc((n ? n : 1) * sizeof *rid);
    cid = tg_malloc((n ? n : 1) * sizeof *cid);
    if (!rid || !cid) goto nomem;
    if ((st = group_ids(t, &p->cols, 1, intr, cid, &crep, &m, err)) != TG_OK) goto fail;
    if ((st = group_ids(t, p->rows, p->n_rows, intr, rid, &rrep, &rows, err)) != TG_OK) goto fail;
    if (m && rows > SIZE_MAX / sizeof(size_t) / m) goto nomem;
    c.n_cells = rows * m;
    size_t cells = c.n_cells ? c.n_cells : 1;
    if (!(c.nrow = tg_calloc(cells, sizeof *c.nrow))) goto nomem;
    switch (p->agg) {
    case TG_PIVOT_COUNT: c.nval = tg_calloc(cells, sizeof *c.nval); break;
    case TG_PIVOT_SUM:
    case TG_PIVOT_MEAN:
        c.nval = tg_calloc(cells, sizeof *c.nval);
        if (type == TG_FLOAT) c.fsum = tg_calloc(cells, sizeof *c.fsum);
        else c.isum = tg_calloc(cells, sizeof *c.isum);
        if (!c.fsum && !c.isum) goto nomem;
        break;
    default:
        c.pick = tg_malloc(cells * sizeof *c.pick);
        if (c.pick)
            for (size_t i = 0; i < cells; i++) c.pick[i] = TG_NO_ROW;
        break;
    }
    if (!c.nval && !c.pick) goto nomem;
    if (v->type == TG_STRING && (p->agg == TG_PIVOT_MIN || p->agg == TG_PIVOT_MAX)) {
        uint32_t size = tg_dict_size(v->dict);
        rank = tg_malloc((size ? size : 1) * sizeof *rank);
        if (!rank || tg_dict_ranks(v->dict, rank) != TG_OK) goto nomem;
    }
    if ((st = aggregate(p, v, rank, rid, cid, m, n, &c, intr, err)) != TG_OK) goto fail;
    if (p->agg == TG_PIVOT_ERROR) {
        for (size_t cell = 0; cell < c.n_cells; cell++) {
            if (c.nrow[cell] > 1) {
                st = duplicate_error(t, p, rrep, crep, cell / m, cell % m, c.nrow[cell], err);
                goto fail;
            }
        }
    }

    /* The row keys, then one column per distinct cols value. */
    if (!(res = tg_table_new())) goto nomem;
    for (size_t k = 0; k < p->n_rows; k++) {
        tg_col *kc = tg_col_take(tg_table_col(t, p->rows[k]), rrep, rows);
        st = kc ? tg_table_add(res, p->rows[k], kc) : TG_ENOMEM;
        tg_col_release(kc);
        if (st != TG_OK) goto nomem;
    }
    idx = tg_malloc((rows ? rows : 1) * sizeof *idx);
    absent = tg_malloc(rows ? rows : 1);
    if (!idx || !absent) goto nomem;
    const tg_col *cc = tg_table_col(t, p->cols);
    for (size_t j = 0; j < m; j++) {
        char name[256];
        if ((st = tg_poll(intr)) != TG_OK) goto fail;
        format_value(cc, crep[j], 0, name, sizeof name);
        if (tg_table_find(res, name) >= 0) {
            st = tg_err_set(err, TG_EDATA, NULL, 0, 0,
                            "pivot: the value '%s' of '%s' would name a second column '%s'", name,
                            p->cols, name);
            goto fail;
        }
        tg_col *col;
        if ((st = cell_column(p, v, &c, rows, m, j, type, idx, absent, &col, err)) != TG_OK)
            goto fail;
        st = tg_table_add(res, name, col);
        tg_col_release(col);
        if (st != TG_OK) goto nomem;
    }
    res->n_rows = rows;
    *out = res;
    res = NULL;
    st = TG_OK;
    goto done;

nomem:
    st = tg_err_nomem(err);
fail:
    if (st == TG_ELIMIT || st == TG_ECANCEL) tg_err_set(err, st, NULL, 0, 0, "pivot interrupted");
done:
    tg_table_release(res);
    tg_free(rid);
    tg_free(cid);
    tg_free(rrep);
    tg_free(crep);
    tg_free(idx);
    tg_free(absent);
    tg_free(rank);
    cells_free(&c);
    return st;
}

/* ---- unpivot ---- */

static int in_list(const char *name, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (list && strcmp(name, list[i]) == 0) return 1;
    return 0;
}

/* Column indices of the n names in 'list' (each once, none in 'other'). */
static tg_status resolve_names(const tg_table *t, const char *const *list, size_t n,
                               const char *const *other, size_t n_other, long *ix, tg_error *err) {
    for (size_t i = 0; i < n; i++) {
        tg_status st = tg_table_lookup(t, list[i], &ix[i], err);
        if (st != TG_OK) return st;
        if (in_list(list[i], list, i))
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "column '%s' is given twice", list[i]);
        if (in_list(list[i], other, n_other))
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "column '%s' cannot be both kept and melted", list[i]);
    }
    return TG_OK;
}

/* Every column of t not named in 'other', in table order. */
static size_t the_rest(const tg_table *t, const char *const *other, size_t n_other, long *ix) {
    size_t n = 0;
    for (size_t k = 0; k < t->n_cols; k++)
        if (!in_list(t->names[k], other, n_other)) ix[n++] = (long)k;
    return n;
}

static tg_status unpivot_columns(const tg_table *t, const tg_unpivot_spec *u, long *keep,
                                 size_t *nk, long *melt, size_t *nm, tg_error *err) {
    tg_status st;
    if (!u->keep && !u->melt)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "unpivot needs the columns to keep or melt");
    if (u->keep) {
        if ((st = resolve_names(t, u->keep, u->n_keep, NULL, 0, keep, err)) != TG_OK) return st;
        *nk = u->n_keep;
    }
    if (u->melt) {
        st = resolve_names(t, u->melt, u->n_melt, u->keep, u->n_keep, melt, err);
        if (st != TG_OK) return st;
        *nm = u->n_melt;
    }
    if (!u->keep) *nk = the_rest(t, u->melt, u->n_melt, keep);
    if (!u->melt) *nm = the_rest(t, u->keep, u->n_keep, melt);
    if (*nm == 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "nothing to melt; every column is kept");
    return TG_OK;
}

/* The one type of the melted columns (ints and floats together: float). */
static tg_status melt_type(const tg_table *t, const long *melt, size_t nm, tg_type *type,
                           tg_error *err) {
    *type = t->cols[melt[0]]->type;
    for (size_t j = 1; j < nm; j++) {
        tg_type b = t->cols[melt[j]]->type;
        if (b == *type) continue;
        if ((b == TG_INT || b == TG_FLOAT) && (*type == TG_INT || *type == TG_FLOAT)) {
            *type = TG_FLOAT;
            continue;
        }
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "melted columns must share a type: '%s' is %s, '%s' is %s",
                          t->names[melt[0]], tg_type_name(t->cols[melt[0]]->type),
                          t->names[melt[j]], tg_type_name(b));
    }
    return TG_OK;
}

/* Code maps into one new dictionary when the melted string columns do not
** all share one; map[j] is NULL when column j's codes can be used as is. */
static tg_status string_maps(const tg_table *t, const long *melt, size_t nm, tg_col *out,
                             uint32_t **map) {
    for (size_t j = 0; j < nm; j++) {
        const tg_dict *d = t->cols[melt[j]]->dict;
        uint32_t size = tg_dict_size(d);
        if (!(map[j] = tg_malloc((size ? size : 1) * sizeof **map))) return TG_ENOMEM;
        for (uint32_t code = 0; code < size; code++) {
            size_t len;
            const char *s = tg_dict_str(d, code, &len);
            if (tg_dict_intern(out->dict, s, len, &map[j][code]) != TG_OK) return TG_ENOMEM;
        }
    }
    return TG_OK;
}

static tg_status melt_values(const tg_table *t, const long *melt, const size_t *idx,
                             const size_t *which, size_t n, tg_type type, tg_col *out,
                             uint32_t *const *map, const tg_interrupt *intr) {
    for (size_t o = 0; o < n; o++) {
        if (o % TG_VECTOR == 0) {
            tg_status st = tg_poll(intr);
            if (st != TG_OK) return st;
        }
        const tg_col *c = t->cols[melt[which[o]]];
        size_t r = idx[o];
        if (!tg_col_is_valid(c, r)) {
            if (tg_col_set_null(out, o) != TG_OK) return TG_ENOMEM;
            continue;
        }
        switch (type) {
        case TG_INT: out->v.i64[o] = c->v.i64[r]; break;
        case TG_FLOAT: out->v.f64[o] = c->type == TG_INT ? (double)c->v.i64[r] : c->v.f64[r]; break;
        case TG_BOOL: out->v.b8[o] = c->v.b8[r]; break;
        case TG_DATE: out->v.date[o] = c->v.date[r]; break;
        case TG_STRING:
            out->v.str[o] = map[which[o]] ? map[which[o]][c->v.str[r]] : c->v.str[r];
            break;
        }
    }
    return TG_OK;
}

tg_status tg_unpivot(const tg_table *t, const tg_unpivot_spec *u, const tg_interrupt *intr,
                     tg_table **out, tg_error *err) {
    const char *name_col = u->name_col ? u->name_col : "name";
    const char *value_col = u->value_col ? u->value_col : "value";
    long *keep = NULL, *melt = NULL;
    size_t nk = 0, nm = 0, n_out = 0, *idx = NULL, *which = NULL;
    uint32_t **map = NULL;
    tg_col *names = NULL, *values = NULL;
    tg_table *res = NULL;
    tg_type type;
    tg_status st;

    assert(t != NULL && u != NULL && out != NULL);
    *out = NULL;
    keep = tg_malloc((t->n_cols + 1) * sizeof *keep);
    melt = tg_malloc((t->n_cols + 1) * sizeof *melt);
    if (!keep || !melt) goto nomem;
    if ((st = unpivot_columns(t, u, keep, &nk, melt, &nm, err)) != TG_OK) goto fail;
    if ((st = melt_type(t, melt, nm, &type, err)) != TG_OK) goto fail;
    for (size_t k = 0; k <= nk; k++) {
        const char *clash = k < nk ? t->names[keep[k]] : value_col;
        if (strcmp(clash, name_col) == 0 || (k < nk && strcmp(clash, value_col) == 0)) {
            st = tg_err_set(err, TG_EARG, NULL, 0, 0,
                            "output column '%s' clashes with %s; choose other names", clash,
                            k < nk ? "a kept column" : "the value column");
            goto fail;
        }
    }

    /* Which input row and melted column each output row comes from. */
    if (u->drop_null) {
        for (size_t i = 0; i < t->n_rows; i++)
            for (size_t j = 0; j < nm; j++) n_out += (size_t)tg_col_is_valid(t->cols[melt[j]], i);
    } else {
        if (t->n_rows > SIZE_MAX / sizeof(size_t) / nm) goto nomem;
        n_out = t->n_rows * nm;
    }
    idx = tg_malloc((n_out ? n_out : 1) * sizeof *idx);
    which = tg_malloc((n_out ? n_out : 1) * sizeof *which);
    if (!idx || !which) goto nomem;
    for (size_t i = 0, o = 0; i < t->n_rows; i++) {
        for (size_t j = 0; j < nm; j++) {
            if (u->drop_null && !tg_col_is_valid(t->cols[melt[j]], i)) continue;
            idx[o] = i;
            which[o++] = j;
        }
    }

    if (!(res = tg_table_new())) goto nomem;
    for (size_t k = 0; k < nk; k++) {
        tg_col *c = tg_col_take(t->cols[keep[k]], idx, n_out);
        st = c ? tg_table_add(res, t->names[keep[k]], c) : TG_ENOMEM;
        tg_col_release(c);
        if (st != TG_OK) goto nomem;
    }
    if (!(names = tg_col_new(TG_STRING, n_out ? n_out : 1, NULL))) goto nomem;
    for (size_t j = 0; j < nm; j++) {
        uint32_t code;
        const char *s = t->names[melt[j]];
        if (tg_dict_intern(names->dict, s, strlen(s), &code) != TG_OK) goto nomem;
        assert(code == j);
    }
    for (size_t o = 0; o < n_out; o++) names->v.str[o] = (uint32_t)which[o];
    names->len = n_out;

    /* Strings keep their dictionary when all melted columns share one. */
    int shared = 1;
    for (size_t j = 1; j < nm; j++) shared &= t->cols[melt[j]]->dict == t->cols[melt[0]]->dict;
    values = tg_col_new(type, n_out ? n_out : 1,
                        type == TG_STRING && shared ? t->cols[melt[0]]->dict : NULL);
    if (!values || !(map = tg_calloc(nm, sizeof *map))) goto nomem;
    if (type == TG_STRING && !shared && string_maps(t, melt, nm, values, map) != TG_OK) goto nomem;
    values->len = n_out;
    st = melt_values(t, melt, idx, which, n_out, type, values, map, intr);
    if (st == TG_ENOMEM) goto nomem;
    if (st != TG_OK) {
        tg_err_set(err, st, NULL, 0, 0, "unpivot interrupted");
        goto fail;
    }
    if (tg_table_add(res, name_col, names) != TG_OK ||
        tg_table_add(res, value_col, values) != TG_OK)
        goto nomem;
    res->n_rows = n_out;
    *out = res;
    res = NULL;
    st = TG_OK;
    goto done;

nomem:
    st = tg_err_nomem(err);
fail:
done:
    for (size_t j = 0; map && j < nm; j++) tg_free(map[j]);
    tg_free(map);
    tg_col_release(names);
    tg_col_release(values);
    tg_table_release(res);
    tg_free(keep);
    tg_free(melt);
    tg_free(idx);
    tg_free(which);
    return st;
}

/* ---- complete ---- */

#define UNIT_DAY 0 /* besides the tg_date_unit values */

static int parse_unit(const char *unit, int *u) {
    static const struct {
        const char *name;
        int unit;
    } units[] = { { "day", UNIT_DAY },
                  { "week", TG_UNIT_WEEK },
                  { "month", TG_UNIT_MONTH },
                  { "quarter", TG_UNIT_QUARTER },
                  { "year", TG_UNIT_YEAR } };
    for (size_t i = 0; i < TG_ARRAY_LEN(units); i++) {
        if (strcmp(unit, units[i].name) == 0) {
            *u = units[i].unit;
            return 0;
        }
    }
    return -1;
}

/* Months since year 0 of a date's month. */
static long month_number(int32_t d) {
    int y, m, day;
    tg_date_to_ymd(d, &y, &m, &day);
    return (long)y * 12 + m - 1;
}

/* Index of period start d counted from period start 'first'. */
static size_t period_index(int32_t d, int32_t first, int unit) {
    switch (unit) {
    case UNIT_DAY: return (size_t)(d - first);
    case TG_UNIT_WEEK: return (size_t)(d - first) / 7;
    case TG_UNIT_MONTH: return (size_t)(month_number(d) - month_number(first));
    case TG_UNIT_QUARTER: return (size_t)(month_number(d) - month_number(first)) / 3;
    default: return (size_t)(tg_date_year(d) - tg_date_year(first));
    }
}

static int32_t next_period(int32_t d, int unit) {
    int y, m, day, step;
    switch (unit) {
    case UNIT_DAY: return d + 1;
    case TG_UNIT_WEEK: return d + 7;
    default:
        step = unit == TG_UNIT_MONTH ? 1 : unit == TG_UNIT_QUARTER ? 3 : 12;
        tg_date_to_ymd(d, &y, &m, &day);
        m += step;
        y += (m - 1) / 12;
        m = (m - 1) % 12 + 1;
        return tg_date_from_ymd(y, m, 1);
    }
}

/* Checks the fill table: one row, existing columns that are neither keys
** nor the period, with values that fit. fill_of[k] is the fill column for
** t's column k, or NULL. */
static tg_status check_fill(const tg_table *t, const char *const *keys, size_t n_keys,
                            const char *period, const tg_table *fill, const tg_col **fill_of,
                            tg_error *err) {
    for (size_t k = 0; fill && k < fill->n_cols; k++) {
        const char *name = fill->names[k];
        long c;
        tg_status st = tg_table_lookup(t, name, &c, err);
        if (st != TG_OK) return st;
        if (in_list(name, keys, n_keys) || strcmp(name, period) == 0)
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "cannot fill '%s'; it is a key or the period", name);
        st = tg_fill_check(fill->cols[k], t->cols[c]->type, "fill value", name, err);
        if (st != TG_OK) return st;
        fill_of[c] = fill->cols[k];
    }
    return TG_OK;
}

/* Checks that period values are unit starts; finds the global range. */
static tg_status period_range(const tg_col *pc, const char *period, int unit, const char *unit_name,
                              int32_t *lo, int32_t *hi, int *any, tg_error *err) {
    *any = 0;
    for (size_t i = 0; i < pc->len; i++) {
        if (!tg_col_is_valid(pc, i)) continue;
        int32_t d = pc->v.date[i];
        if (unit != UNIT_DAY && tg_date_trunc(d, (tg_date_unit)unit) != d) {
            char buf[16];
            tg_date_format(d, buf);
            return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                              "complete: '%s' has %s at row %zu, which is not the start of a %s%s; "
                              "truncate it first with :trunc(\"%s\")",
                              period, buf, i + 1, unit_name,
                              unit == TG_UNIT_WEEK ? " (a Monday)" : "", unit_name);
        }
        if (!*any || d < *lo) *lo = d;
        if (!*any || d > *hi) *hi = d;
        *any = 1;
    }
    return TG_OK;
}

/* Output row o is input row src[o], or (when per[o] != SIZE_MAX) a new row
** for period per[o] of the group whose first row is src[o]. */
struct plan {
    size_t n, *src, *per;
};

/* Walks the groups along perm, merging existing rows (sorted by period,
** NULL periods last) with the periods each group lacks. With plan->src
** NULL it only counts the output rows into plan->n. */
static void merge_groups(const tg_col *pc, const size_t *perm, const uint8_t *brk, size_t n,
                         int32_t lo, size_t m, int unit, struct plan *plan) {
    size_t o = 0;
    for (size_t gs = 0, ge; gs < n; gs = ge) {
        size_t next = 0; /* first period index not yet emitted */
        for (ge = gs + 1; ge < n && !brk[ge]; ge++) continue;
        for (size_t j = gs; j <= ge; j++) {
            int end = j == ge;
            size_t r = end ? 0 : perm[j];
            size_t q = end || !tg_col_is_valid(pc, r) ? m : period_index(pc->v.date[r], lo, unit);
            for (; next < q; next++) {
                if (plan->src) {
                    plan->src[o] = perm[gs];
                    plan->per[o] = next;
                }
                o++;
            }
            if (q < m && next == q) next = q + 1;
            if (end) break;
            if (plan->src) {
                plan->src[o] = r;
                plan->per[o] = SIZE_MAX;
            }
            o++;
        }
    }
    plan->n = o;
}

/* Column k of the output. */
static tg_status complete_column(const tg_table *t, size_t k, int is_key, int is_period,
                                 const tg_col *fill, const struct plan *plan,
                                 const int32_t *periods, size_t *idx, uint8_t *mask, tg_col **out,
                                 tg_error *err) {
    tg_col *c;
    for (size_t o = 0; o < plan->n; o++) {
        mask[o] = plan->per[o] != SIZE_MAX;
        idx[o] = mask[o] && !is_key ? TG_NO_ROW : plan->src[o];
    }
    *out = NULL;
    if (!(c = tg_col_take(t->cols[k], idx, plan->n))) return tg_err_nomem(err);
    if (is_period) {
        for (size_t o = 0; o < plan->n; o++) {
            if (!mask[o]) continue;
            c->v.date[o] = periods[plan->per[o]];
            tg_col_set_valid(c, o);
        }
    } else if (fill && tg_fill_mask(c, mask, fill, err) != TG_OK) {
        tg_col_release(c);
        return TG_ENOMEM;
    }
    *out = c;
    return TG_OK;
}

tg_status tg_complete(const tg_table *t, const char *const *keys, size_t n_keys, const char *period,
                      const char *unit, const tg_table *fill, const tg_interrupt *intr,
                      tg_table **out, tg_error *err) {
    const char **sort_keys = NULL;
    const tg_col **fill_of = NULL;
    size_t n = t->n_rows, m = 0, *perm = NULL, *idx = NULL;
    uint8_t *brk = NULL, *mask = NULL;
    int32_t lo = 0, hi = 0, *periods = NULL;
    struct plan plan = { 0 };
    tg_table *res = NULL;
    int u, any;
    long pk;
    tg_status st;

    assert(t != NULL && period != NULL && unit != NULL && out != NULL && (keys || !n_keys));
    *out = NULL;
    if ((st = tg_table_lookup(t, period, &pk, err)) != TG_OK) return st;
    const tg_col *pc = t->cols[pk];
    if (pc->type != TG_DATE)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "period column '%s' is %s, not a date", period,
                          tg_type_name(pc->type));
    if (parse_unit(unit, &u) != 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "unknown unit '%s'; use day, week, month, quarter or year", unit);
    if (in_list(period, keys, n_keys))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "'%s' is both a key and the period", period);
    if (!(fill_of = tg_calloc(t->n_cols + 1, sizeof *fill_of))) goto nomem;
    if ((st = check_fill(t, keys, n_keys, period, fill, fill_of, err)) != TG_OK) goto fail;
    if ((st = period_range(pc, period, u, unit, &lo, &hi, &any, err)) != TG_OK) goto fail;

    m = any ? period_index(hi, lo, u) + 1 : 0;
    if (!(periods = tg_malloc((m ? m : 1) * sizeof *periods))) goto nomem;
    for (size_t q = 0; q < m; q++) periods[q] = q ? next_period(periods[q - 1], u) : lo;

    if (!(sort_keys = tg_malloc((n_keys + 1) * sizeof *sort_keys))) goto nomem;
    for (size_t k = 0; k < n_keys; k++) sort_keys[k] = keys[k];
    sort_keys[n_keys] = period;
    if ((st = tg_sort_index(t, sort_keys, NULL, n_keys + 1, intr, &perm, err)) != TG_OK) goto fail;
    if (!(brk = tg_malloc(n ? n : 1))) goto nomem;
    if ((st = tg_sort_breaks(t, keys, n_keys, perm, n, brk, err)) != TG_OK) goto fail;

    merge_groups(pc, perm, brk, n, lo, m, u, &plan);
    plan.src = tg_malloc((plan.n ? plan.n : 1) * sizeof *plan.src);
    plan.per = tg_malloc((plan.n ? plan.n : 1) * sizeof *plan.per);
    idx = tg_malloc((plan.n ? plan.n : 1) * sizeof *idx);
    mask = tg_malloc(plan.n ? plan.n : 1);
    if (!plan.src || !plan.per || !idx || !mask) goto nomem;
    merge_groups(pc, perm, brk, n, lo, m, u, &plan);

    if (!(res = tg_table_new())) goto nomem;
    for (size_t k = 0; k < t->n_cols; k++) {
        tg_col *c;
        if ((st = tg_poll(intr)) != TG_OK) {
            tg_err_set(err, st, NULL, 0, 0, "complete interrupted");
            goto fail;
        }
        st = complete_column(t, k, in_list(t->names[k], keys, n_keys), (long)k == pk, fill_of[k],
                             &plan, periods, idx, mask, &c, err);
        if (st != TG_OK) goto fail;
        st = tg_table_add(res, t->names[k], c);
        tg_col_release(c);
        if (st != TG_OK) goto nomem;
    }
    res->n_rows = plan.n;
    *out = res;
    res = NULL;
    goto done;

nomem:
    st = tg_err_nomem(err);
fail:
done:
    tg_table_release(res);
    tg_free(sort_keys);
    tg_free(fill_of);
    tg_free(periods);
    tg_free(perm);
    tg_free(brk);
    tg_free(idx);
    tg_free(mask);
    tg_free(plan.src);
    tg_free(plan.per);
    return st;
}
