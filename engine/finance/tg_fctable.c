/*
** tg_fctable.c -- forecasts and backtests over the groups of a table (see
** tg_fctable.h). The rows are sorted once by (by columns, period number);
** each group's series is then laid out in one reused buffer with NaN for
** missing periods and handed to tg_forecast.c. Output columns are sized
** up front, so the per-group loop writes into them in place.
*/
#include "tg_fctable.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tg_date.h"
#include "tg_dict.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_normal.h"
#include "tg_sort.h"

void tg_fctable_opts_init(tg_fctable_opts *o) {
    assert(o != NULL);
    static const double levels[] = { 80, 95 };
    memset(o, 0, sizeof *o);
    tg_fc_spec_init(&o->spec);
    o->horizon = 12;
    o->levels = levels;
    o->n_levels = 2;
    o->min_train = 36;
    o->refit = 1;
    tg_ets_spec_init(&o->ets);
    o->lower = -HUGE_VAL;
    o->upper = HUGE_VAL;
    o->seed = 1;
    o->lambda = NAN;
}

#define PERIOD_COL "\x01period" /* the time as a period number, for sorting */

/* A table's rows cut into series: perm orders the rows by group, then by
** period; group g owns perm[start[g] .. start[g + 1]). */
typedef struct series_set {
    tg_table *keyed; /* the by columns and PERIOD_COL */
    const int64_t *period;
    size_t *perm, *start, n_groups;
    double *y; /* room for the longest series */
    const tg_col *time, *value;
} series_set;

static void series_free(series_set *ss) {
    tg_table_release(ss->keyed);
    tg_free(ss->perm);
    tg_free(ss->start);
    tg_free(ss->y);
    memset(ss, 0, sizeof *ss);
}

/* Months since year 0 of "YYYY-MM"; -1 when s is not such a month. */
static int64_t parse_month(const char *s, size_t n) {
    int y = 0, m;
    if (n != 7 || s[4] != '-') return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9')) return -1;
    for (int i = 0; i < 4; i++) y = y * 10 + (s[i] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    if (m < 1 || m > 12) return -1;
    return (int64_t)y * 12 + m - 1;
}

/* Describes group g by its key values ("DSV-01", "7, 2023-01-01") for
** error messages. */
static void describe(const series_set *ss, size_t n_by, size_t g, char *buf, size_t size) {
    size_t r = ss->perm[ss->start[g]], off = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n_by && off < size; k++) {
        const tg_col *c = ss->keyed->cols[k];
        char val[64];
        if (!tg_col_is_valid(c, r)) {
            snprintf(val, sizeof val, "NULL");
        } else if (c->type == TG_STRING) {
            snprintf(val, sizeof val, "%s", tg_dict_str(c->dict, c->v.str[r], NULL));
        } else if (c->type == TG_INT) {
            snprintf(val, sizeof val, "%lld", (long long)c->v.i64[r]);
        } else if (c->type == TG_FLOAT) {
            snprintf(val, sizeof val, "%g", c->v.f64[r]);
        } else if (c->type == TG_BOOL) {
            snprintf(val, sizeof val, "%s", c->v.b8[r] ? "true" : "false");
        } else {
            tg_date_format(c->v.date[r], val);
        }
        off += (size_t)snprintf(buf + off, size - off, "%s%s", k ? ", " : "", val);
    }
    if (n_by == 0) snprintf(buf, size, "the series");
}

/* Fails with the message of 'why' prefixed by the group's name. */
static tg_status group_fail(const series_set *ss, const tg_fctable_opts *o, size_t g,
                            const tg_error *why, tg_error *err) {
    char name[200];
    describe(ss, o->n_by, g, name, sizeof name);
    return tg_err_set(err, why->code, NULL, 0, 0, "%s%s%s: %s", o->n_by ? "group '" : "", name,
                      o->n_by ? "'" : "", why->msg);
}

static tg_status period_column(const tg_table *t, const tg_fctable_opts *o, const tg_col *time,
                               tg_col **out, tg_error *err) {
    tg_col *p = tg_col_new(TG_INT, t->n_rows ? t->n_rows : 1, NULL);
    if (!p) return tg_err_nomem(err);
    for (size_t i = 0; i < t->n_rows; i++) {
        int64_t v;
        if (!tg_col_is_valid(time, i)) {
            tg_col_release(p);
            return tg_err_set(err, TG_EDATA, NULL, 0, 0, "'%s' is NULL in row %zu", o->time, i + 1);
        }
        if (time->type == TG_STRING) {
            size_t len;
            const char *s = tg_dict_str(time->dict, time->v.str[i], &len);
            if ((v = parse_month(s, len)) < 0) {
                tg_col_release(p);
                return tg_err_set(err, TG_EDATA, NULL, 0, 0,
                                  "expected a month 'YYYY-MM' in '%s', got '%.40s' (row %zu)",
                                  o->time, s, i + 1);
            }
        } else if (time->type == TG_DATE) {
            int y, m, d;
            tg_date_to_ymd(time->v.date[i], &y, &m, &d);
            v = (int64_t)y * 12 + m - 1;
        } else {
            v = time->v.i64[i];
        }
        p->v.i64[i] = v;
    }
    p->len = t->n_rows;
    *out = p;
    return TG_OK;
}

/* Checks the options and columns of 't' and cuts it into series. */
static tg_status series_prepare(const tg_table *t, const tg_fctable_opts *o,
                                const tg_interrupt *intr, series_set *ss, tg_error *err) {
    const char *keys[TG_FCTABLE_MAX_BY + 1];
    uint8_t *brk = NULL;
    tg_col *period = NULL;
    size_t max_span = 1;
    long k;
    tg_status st;

    memset(ss, 0, sizeof *ss);
    if ((st = tg_fc_check(&o->spec, err)) != TG_OK) return st;
    if (o->horizon < 1 || o->horizon > TG_FC_MAX_HORIZON)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "horizon must be between 1 and %d, got %zu",
                          TG_FC_MAX_HORIZON, o->horizon);
    if (o->n_by > TG_FCTABLE_MAX_BY)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "too many by columns (%zu)", o->n_by);
    if (o->n_levels > TG_FCTABLE_MAX_LEVELS)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "at most %d levels", TG_FCTABLE_MAX_LEVELS);
    for (size_t i = 0; i < o->n_levels; i++)
        if (!(o->levels[i] > 0 && o->levels[i] < 100))
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "a level is a percentage between 0 and 100, got %g", o->levels[i]);
    for (size_t i = 0; i < o->n_by; i++)
        if ((st = tg_table_lookup(t, o->by[i], &k, err)) != TG_OK) return st;
    if ((st = tg_table_lookup(t, o->time, &k, err)) != TG_OK) return st;
    ss->time = t->cols[k];
    if (ss->time->type != TG_STRING && ss->time->type != TG_DATE && ss->time->type != TG_INT)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "time column '%s' must hold 'YYYY-MM' strings, dates or integers, "
                          "not %s",
                          o->time, tg_type_name(ss->time->type));
    if ((st = tg_table_lookup(t, o->value, &k, err)) != TG_OK) return st;
    ss->value = t->cols[k];
    if (ss->value->type != TG_INT && ss->value->type != TG_FLOAT)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "value column '%s' must be numeric, not %s",
                          o->value, tg_type_name(ss->value->type));

    if ((st = period_column(t, o, ss->time, &period, err)) != TG_OK) return st;
    if (!(ss->keyed = tg_table_new())) goto nomem;
    for (size_t i = 0; i < o->n_by; i++) {
        keys[i] = o->by[i];
        if (tg_table_find(ss->keyed, o->by[i]) >= 0) continue; /* named twice */
        if ((st = tg_table_add(ss->keyed, o->by[i], tg_table_col(t, o->by[i]))) != TG_OK) goto fail;
    }
    keys[o->n_by] = PERIOD_COL;
    if ((st = tg_table_add(ss->keyed, PERIOD_COL, period)) != TG_OK) goto fail;
    ss->keyed->n_rows = t->n_rows;
    ss->period = period->v.i64;
    tg_col_release(period);
    period = NULL;
    st = tg_sort_index(ss->keyed, keys, NULL, o->n_by + 1, intr, &ss->perm, err);
    if (st != TG_OK) goto fail;

    if (!(brk = tg_malloc(t->n_rows ? t->n_rows : 1))) goto nomem;
    if ((st = tg_sort_breaks(ss->keyed, keys, o->n_by, ss->perm, t->n_rows, brk, err)) != TG_OK)
        goto fail;
    for (size_t i = 0; i < t->n_rows; i++) ss->n_groups += brk[i];
    if (!(ss->start = tg_malloc((ss->n_groups + 1) * sizeof *ss->start))) goto nomem;
    for (size_t i = 0, g = 0; i < t->n_rows; i++)
        if (brk[i]) ss->start[g++] = i;
    ss->start[ss->n_groups] = t->n_rows;
    tg_free(brk);
    brk = NULL;

    for (size_t g = 0; g < ss->n_groups; g++) {
        size_t a = ss->start[g], b = ss->start[g + 1];
        /* Unsigned: the difference of two int64 periods may not fit one. */
        uint64_t span =
            (uint64_t)ss->period[ss->perm[b - 1]] - (uint64_t)ss->period[ss->perm[a]] + 1;
        for (size_t i = a + 1; i < b; i++)
            if (ss->period[ss->perm[i]] == ss->period[ss->perm[i - 1]]) {
                tg_error why;
                size_t r = ss->perm[i];
                tg_err_set(&why, TG_EDATA, NULL, 0, 0, "'%s' has two rows for one period (row %zu)",
                           o->time, r + 1);
                st = group_fail(ss, o, g, &why, err);
                goto fail;
            }
        if (span > TG_FCTABLE_MAX_SPAN || span == 0) {
            tg_error why;
            tg_err_set(&why, TG_EDATA, NULL, 0, 0, "its periods span %llu, more than %d",
                       (unsigned long long)span, TG_FCTABLE_MAX_SPAN);
            st = group_fail(ss, o, g, &why, err);
            goto fail;
        }
        if (span > max_span) max_span = (size_t)span;
    }
    if (!(ss->y = tg_malloc(max_span * sizeof *ss->y))) goto nomem;
    return TG_OK;

nomem:
    st = tg_err_nomem(err);
fail:
    tg_col_release(period);
    tg_free(brk);
    series_free(ss);
    return st;
}

/* Fills ss->y with group g's series and returns its length. */
static size_t series_fill(series_set *ss, size_t g) {
    size_t a = ss->start[g], b = ss->start[g + 1];
    int64_t first = ss->period[ss->perm[a]];
    size_t n = (size_t)(ss->period[ss->perm[b - 1]] - first) + 1;
    for (size_t i = 0; i < n; i++) ss->y[i] = NAN;
    for (size_t i = a; i < b; i++) {
        size_t r = ss->perm[i];
        if (!tg_col_is_valid(ss->value, r)) continue;
        ss->y[ss->period[r] - first] =
            ss->value->type == TG_FLOAT ? ss->value->v.f64[r] : (double)ss->value->v.i64[r];
    }
    return n;
}

/* Adds the by columns of the rows idx[0..n) of the input to 'out'. */
static tg_status add_keys(const series_set *ss, const size_t *idx, size_t n, tg_table *out) {
    for (size_t k = 0; k < ss->keyed->n_cols - 1; k++) {
        tg_col *c = tg_col_take(ss->keyed->cols[k], idx, n);
        tg_status st;
        if (!c) return TG_ENOMEM;
        st = tg_table_add(out, ss->keyed->names[k], c);
        tg_col_release(c);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

/* A float column of n rows (values set by the caller), NULL on failure. */
static tg_col *float_col(size_t n) {
    tg_col *c = tg_col_new(TG_FLOAT, n ? n : 1, NULL);
    if (c) c->len = n;
    return c;
}

/* Sets row i of a float column to v, or NULL when v is NaN. */
static tg_status put_f64(tg_col *c, size_t i, double v) {
    c->v.f64[i] = isnan(v) ? 0 : v;
    return isnan(v) ? tg_col_set_null(c, i) : TG_OK;
}

/* While *st is TG_OK, adds *c to t under 'name'; drops the caller's
** reference to *c either way and clears it. A name already taken (a by
** or time column called like an output column) is TG_EARG. */
static void add_or_drop(tg_table *t, const char *name, tg_col **c, tg_status *st, tg_error *err) {
    if (*st == TG_OK) {
        *st = tg_table_add(t, name, *c);
        if (*st == TG_EARG)
            tg_err_set(err, TG_EARG, NULL, 0, 0,
                       "the output column '%s' clashes with a by or time column; rename it", name);
    }
    tg_col_release(*c);
    *c = NULL;
}

/* The output time value 'p' periods into a column of the input's type. */
static tg_status push_time(tg_col *c, int64_t p, tg_error *err) {
    if (c->type == TG_INT) return tg_col_push_i64(c, p);
    if (p >= (int64_t)10000 * 12)
        return tg_err_set(err, TG_EDATA, NULL, 0, 0, "a forecast month falls after year 9999");
    if (c->type == TG_DATE)
        return tg_col_push_date(c, tg_date_from_ymd((int)(p / 12), (int)(p % 12) + 1, 1));
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02d", (int)(p / 12), (int)(p % 12) + 1);
    return tg_col_push_str(c, buf, 7);
}

/* ---- forecasts ---- */

/* New tables holding the by columns of each group's first row, every
** group repeated 'each' times. */
static tg_status keys_table(const series_set *ss, size_t each, tg_table **out) {
    size_t n = ss->n_groups * each, *idx = tg_malloc((n ? n : 1) * sizeof *idx);
    tg_status st;
    if (!idx || !(*out = tg_table_new())) {
        tg_free(idx);
        return TG_ENOMEM;
    }
    for (size_t g = 0; g < ss->n_groups; g++)
        for (size_t j = 0; j < each; j++) idx[g * each + j] = ss->perm[ss->start[g]];
    st = add_keys(ss, idx, n, *out);
    (*out)->n_rows = n;
    tg_free(idx);
    return st;
}

enum { P_NOBS, P_ALPHA, P_BETA, P_GAMMA, P_PHI, P_SIGMA, P_SSE, N_PCOLS };

tg_status tg_fctable_holt_winters(const tg_table *t, const tg_fctable_opts *o,
                                  const tg_interrupt *intr, tg_table **forecasts, tg_table **params,
                                  tg_error *err) {
    assert(t != NULL && o != NULL && forecasts != NULL && params != NULL);
    static const char *const pnames[N_PCOLS] = { "n_obs", "alpha", "beta", "gamma",
                                                 "phi",   "sigma", "sse" };
    const size_t H = o->horizon, L = o->n_levels;
    series_set ss;
    tg_table *fc = NULL, *pa = NULL;
    tg_col *time = NULL, *hcol = NULL, *point = NULL, *band[2 * TG_FCTABLE_MAX_LEVELS] = { 0 };
    tg_col *pcol[N_PCOLS] = { 0 };
    double z[TG_FCTABLE_MAX_LEVELS], *pt = NULL, *sd = NULL;
    char names[2 * TG_FCTABLE_MAX_LEVELS][32];
    size_t rows = 0;
    tg_status st;

    *forecasts = *params = NULL;
    if ((st = series_prepare(t, o, intr, &ss, err)) != TG_OK) return st;
    rows = ss.n_groups * H;
    if ((st = keys_table(&ss, H, &fc)) != TG_OK) goto fail;
    if ((st = keys_table(&ss, 1, &pa)) != TG_OK) goto fail;
    time = tg_col_new(ss.time->type, rows ? rows : 1, NULL);
    hcol = tg_col_new(TG_INT, rows ? rows : 1, NULL);
    point = float_col(rows);
    for (size_t l = 0; l < 2 * L; l++) band[l] = float_col(rows);
    pcol[P_NOBS] = tg_col_new(TG_INT, ss.n_groups ? ss.n_groups : 1, NULL);
    if (pcol[P_NOBS]) pcol[P_NOBS]->len = ss.n_groups;
    for (int k = P_ALPHA; k < N_PCOLS; k++) pcol[k] = float_col(ss.n_groups);
    pt = tg_malloc(H * sizeof *pt);
    sd = tg_malloc(H * sizeof *sd);
    if (!time || !hcol || !point || !pt || !sd) goto nomem;
    for (size_t l = 0; l < 2 * L; l++)
        if (!band[l]) goto nomem;
    for (int k = 0; k < N_PCOLS; k++)
        if (!pcol[k]) goto nomem;
    for (size_t l = 0; l < L; l++) {
        z[l] = tg_normal_quantile(0.5 + o->levels[l] / 200);
        snprintf(names[2 * l], sizeof names[0], "lo%g", o->levels[l]);
        snprintf(names[2 * l + 1], sizeof names[0], "hi%g", o->levels[l]);
    }

    for (size_t g = 0; g < ss.n_groups; g++) {
        tg_fc_model mod;
        tg_error why;
        size_t n = series_fill(&ss, g), r0 = g * H;
        int64_t last = ss.period[ss.perm[ss.start[g + 1] - 1]];
        if ((st = tg_poll(intr)) != TG_OK) goto fail;
        if (last > INT64_MAX - (int64_t)H) {
            st = tg_err_set(err, TG_EDATA, NULL, 0, 0, "'%s' is too large to forecast past",
                            o->time);
            goto fail;
        }
        if (tg_fc_fit(&o->spec, ss.y, n, &mod, &why) != TG_OK) {
            st = group_fail(&ss, o, g, &why, err);
            goto fail;
        }
        tg_fc_forecast(&mod, H, pt, sd);
        for (size_t j = 0; j < H; j++) {
            if ((st = push_time(time, last + (int64_t)j + 1, err)) != TG_OK) goto fail;
            hcol->v.i64[r0 + j] = (int64_t)j + 1;
            point->v.f64[r0 + j] = pt[j];
            for (size_t l = 0; l < L; l++) {
                band[2 * l]->v.f64[r0 + j] = pt[j] - z[l] * sd[j];
                band[2 * l + 1]->v.f64[r0 + j] = pt[j] + z[l] * sd[j];
            }
        }
        pcol[P_NOBS]->v.i64[g] = (int64_t)mod.n_obs;
        if ((st = put_f64(pcol[P_ALPHA], g, mod.alpha)) != TG_OK ||
            (st = put_f64(pcol[P_BETA], g, mod.trend ? mod.beta : NAN)) != TG_OK ||
            (st = put_f64(pcol[P_GAMMA], g, mod.period > 1 ? mod.gamma : NAN)) != TG_OK ||
            (st = put_f64(pcol[P_PHI], g, mod.damped ? mod.phi : NAN)) != TG_OK ||
            (st = put_f64(pcol[P_SIGMA], g, mod.sigma)) != TG_OK ||
            (st = put_f64(pcol[P_SSE], g, mod.sse)) != TG_OK)
            goto fail;
    }
    hcol->len = rows;

    add_or_drop(fc, o->time, &time, &st, err);
    add_or_drop(fc, "h", &hcol, &st, err);
    add_or_drop(fc, "point", &point, &st, err);
    for (size_t l = 0; l < 2 * L; l++) add_or_drop(fc, names[l], &band[l], &st, err);
    for (int k = 0; k < N_PCOLS; k++) add_or_drop(pa, pnames[k], &pcol[k], &st, err);
    if (st != TG_OK) goto fail;
    *forecasts = fc;
    *params = pa;
    fc = pa = NULL;
    goto done;

nomem:
    st = TG_ENOMEM;
fail:
    if (st == TG_ENOMEM) tg_err_nomem(err);
done:
    tg_table_release(fc);
    tg_table_release(pa);
    tg_col_release(time);
    tg_col_release(hcol);
    tg_col_release(point);
    for (size_t l = 0; l < 2 * L; l++) tg_col_release(band[l]);
    for (int k = 0; k < N_PCOLS; k++) tg_col_release(pcol[k]);
    tg_free(pt);
    tg_free(sd);
    series_free(&ss);
    return st;
}

/* ---- the ETS family ---- */

enum { E_MODEL, E_REASON, E_INTERVALS, N_ESTR };
enum {
    E_NOBS,
    E_ALPHA,
    E_BETA,
    E_GAMMA,
    E_PHI,
    E_L0,
    E_B0,
    E_SIGMA,
    E_SSE,
    E_LOGLIK,
    E_AICC,
    N_ENUM
};
enum { C_MODEL, C_NOTE, C_AICC, C_LOGLIK, C_CHOSEN, N_CCOLS };

static double clip(double v, double lo, double hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

/* Box-Cox transforms y[0..n) in place; 0 with *why set when a value is
** not positive. */
static int boxcox_series(double *y, size_t n, double lambda, tg_error *why) {
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i])) continue;
        if (!(y[i] > 0)) {
            tg_err_set(why, TG_EDATA, NULL, 0, 0,
                       "a Box-Cox transformation needs positive values, got %g", y[i]);
            return 0;
        }
        y[i] = tg_ets_boxcox(y[i], lambda);
    }
    return 1;
}

/* Why the chosen model won, for the params table. */
static void ets_reason(const tg_fctable_opts *o, const tg_ets_cand *c, size_t nc,
                       const tg_ets_model *m, char *buf, size_t size) {
    const tg_ets_spec *s = &o->ets;
    size_t fitted = 0, runner = nc;
    char name[8];
    if (s->error != TG_ETS_AUTO && s->trend != TG_ETS_AUTO && s->season != TG_ETS_AUTO &&
        (s->trend == TG_ETS_N || s->damped != TG_ETS_AUTO)) {
        snprintf(buf, size, "fixed by the caller");
        return;
    }
    for (size_t i = 0; i < nc; i++) {
        if (!c[i].fitted) continue;
        fitted++;
        if (c[i].aicc > m->aicc && (runner == nc || c[i].aicc < c[runner].aicc)) runner = i;
    }
    if (runner == nc) {
        snprintf(buf, size, "the only candidate that could be fitted");
        return;
    }
    tg_ets_name(c[runner].error, c[runner].trend, c[runner].damped, c[runner].season, name);
    snprintf(buf, size, "lowest AICc of %zu candidates (next: %s, +%.2f)", fitted, name,
             c[runner].aicc - m->aicc);
}

tg_status tg_fctable_ets(const tg_table *t, const tg_fctable_opts *o, const tg_interrupt *intr,
                         tg_table **forecasts, tg_table **params, tg_table **cands, tg_error *err) {
    assert(t != NULL && o != NULL && forecasts != NULL && params != NULL && cands != NULL);
    static const char *const snames[N_ESTR] = { "model", "reason", "intervals" };
    static const char *const nnames[N_ENUM] = { "n_obs", "alpha", "beta", "gamma",  "phi", "l0",
                                                "b0",    "sigma", "sse",  "loglik", "aicc" };
    static const char *const cnames[N_CCOLS] = { "model", "note", "aicc", "loglik", "chosen" };
    const size_t H = o->horizon, L = o->n_levels;
    tg_fctable_opts oo = *o;
    series_set ss;
    tg_table *fc = NULL, *pa = NULL, *ca = NULL;
    tg_col *time = NULL, *hcol = NULL, *point = NULL, *band[2 * TG_FCTABLE_MAX_LEVELS] = { 0 };
    tg_col *pstr[N_ESTR] = { 0 }, *pnum[N_ENUM] = { 0 }, *ccol[N_CCOLS] = { 0 };
    double *pt = NULL, *lo = NULL, *hi = NULL;
    char names[2 * TG_FCTABLE_MAX_LEVELS][32];
    size_t rows = 0, crows = 0, *cidx = NULL;
    tg_status st;

    *forecasts = *params = *cands = NULL;
    if ((st = tg_ets_check(&o->ets, err)) != TG_OK) return st;
    if (!(o->lower <= o->upper))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "lower must not be above upper");
    /* The Holt-Winters spec only steers the shared checks. */
    tg_fc_spec_init(&oo.spec);
    oo.spec.trend = 0;
    oo.spec.period = o->ets.period;
    if ((st = series_prepare(t, &oo, intr, &ss, err)) != TG_OK) return st;
    rows = ss.n_groups * H;
    if ((st = keys_table(&ss, H, &fc)) != TG_OK) goto fail;
    if ((st = keys_table(&ss, 1, &pa)) != TG_OK) goto fail;
    if (!(ca = tg_table_new())) goto nomem;
    time = tg_col_new(ss.time->type, rows ? rows : 1, NULL);
    hcol = tg_col_new(TG_INT, rows ? rows : 1, NULL);
    point = float_col(rows);
    for (size_t l = 0; l < 2 * L; l++) band[l] = float_col(rows);
    for (int k = 0; k < N_ESTR; k++) pstr[k] = tg_col_new(TG_STRING, ss.n_groups + 1, NULL);
    pnum[E_NOBS] = tg_col_new(TG_INT, ss.n_groups ? ss.n_groups : 1, NULL);
    if (pnum[E_NOBS]) pnum[E_NOBS]->len = ss.n_groups;
    for (int k = E_ALPHA; k < N_ENUM; k++) pnum[k] = float_col(ss.n_groups);
    crows = ss.n_groups * TG_ETS_MAX_CANDIDATES;
    ccol[C_MODEL] = tg_col_new(TG_STRING, crows + 1, NULL);
    ccol[C_NOTE] = tg_col_new(TG_STRING, crows + 1, NULL);
    ccol[C_AICC] = float_col(crows);
    ccol[C_LOGLIK] = float_col(crows);
    ccol[C_CHOSEN] = tg_col_new(TG_INT, crows + 1, NULL);
    cidx = tg_malloc((crows + 1) * sizeof *cidx);
    pt = tg_malloc(H * sizeof *pt);
    lo = tg_malloc((L ? L : 1) * H * sizeof *lo);
    hi = tg_malloc((L ? L : 1) * H * sizeof *hi);
    if (!time || !hcol || !point || !pt || !lo || !hi || !cidx) goto nomem;
    for (size_t l = 0; l < 2 * L; l++)
        if (!band[l]) goto nomem;
    for (int k = 0; k < N_ESTR; k++)
        if (!pstr[k]) goto nomem;
    for (int k = 0; k < N_ENUM; k++)
        if (!pnum[k]) goto nomem;
    for (int k = 0; k < N_CCOLS; k++)
        if (!ccol[k]) goto nomem;
    for (size_t l = 0; l < L; l++) {
        snprintf(names[2 * l], sizeof names[0], "lo%g", o->levels[l]);
        snprintf(names[2 * l + 1], sizeof names[0], "hi%g", o->levels[l]);
    }

    crows = 0;
    for (size_t g = 0; g < ss.n_groups; g++) {
        tg_ets_model mod;
        tg_ets_cand cd[TG_ETS_MAX_CANDIDATES];
        tg_error why;
        char name[8], reason[160];
        size_t n = series_fill(&ss, g), r0 = g * H, nc = 0;
        int64_t last = ss.period[ss.perm[ss.start[g + 1] - 1]];
        if ((st = tg_poll(intr)) != TG_OK) goto fail;
        if (last > INT64_MAX - (int64_t)H) {
            st = tg_err_set(err, TG_EDATA, NULL, 0, 0, "'%s' is too large to forecast past",
                            o->time);
            goto fail;
        }
        if (!isnan(o->lambda) && !boxcox_series(ss.y, n, o->lambda, &why)) {
            st = group_fail(&ss, o, g, &why, err);
            goto fail;
        }
        if (tg_ets_fit(&o->ets, ss.y, n, &mod, cd, &nc, &why) != TG_OK) {
            st = group_fail(&ss, o, g, &why, err);
            goto fail;
        }
        if ((st = tg_ets_forecast(&mod, H, o->levels, L, o->seed + g, pt, lo, hi, err)) != TG_OK)
            goto fail;
        if (!isnan(o->lambda))
            for (size_t j = 0; j < H; j++) {
                pt[j] = tg_ets_inv_boxcox(pt[j], o->lambda);
                for (size_t l = 0; l < L; l++) {
                    lo[l * H + j] = tg_ets_inv_boxcox(lo[l * H + j], o->lambda);
                    hi[l * H + j] = tg_ets_inv_boxcox(hi[l * H + j], o->lambda);
                }
            }
        for (size_t j = 0; j < H; j++) {
            if ((st = push_time(time, last + (int64_t)j + 1, err)) != TG_OK) goto fail;
            hcol->v.i64[r0 + j] = (int64_t)j + 1;
            point->v.f64[r0 + j] = clip(pt[j], o->lower, o->upper);
            for (size_t l = 0; l < L; l++) {
                band[2 * l]->v.f64[r0 + j] = clip(lo[l * H + j], o->lower, o->upper);
                band[2 * l + 1]->v.f64[r0 + j] = clip(hi[l * H + j], o->lower, o->upper);
            }
        }
        tg_ets_name(mod.error, mod.trend, mod.damped, mod.season, name);
        ets_reason(o, cd, nc, &mod, reason, sizeof reason);
        if ((st = tg_col_push_str(pstr[E_MODEL], name, strlen(name))) != TG_OK ||
            (st = tg_col_push_str(pstr[E_REASON], reason, strlen(reason))) != TG_OK)
            goto fail;
        {
            const char *iv = tg_ets_analytic(&mod) ? "analytic" : "simulated";
            if ((st = tg_col_push_str(pstr[E_INTERVALS], iv, strlen(iv))) != TG_OK) goto fail;
        }
        pnum[E_NOBS]->v.i64[g] = (int64_t)mod.n_obs;
        if ((st = put_f64(pnum[E_ALPHA], g, mod.alpha)) != TG_OK ||
            (st = put_f64(pnum[E_BETA], g, mod.trend ? mod.beta : NAN)) != TG_OK ||
            (st = put_f64(pnum[E_GAMMA], g, mod.season ? mod.gamma : NAN)) != TG_OK ||
            (st = put_f64(pnum[E_PHI], g, mod.damped ? mod.phi : NAN)) != TG_OK ||
            (st = put_f64(pnum[E_L0], g, mod.init.level)) != TG_OK ||
            (st = put_f64(pnum[E_B0], g, mod.trend ? mod.init.slope : NAN)) != TG_OK ||
            (st = put_f64(pnum[E_SIGMA], g, sqrt(mod.sigma2))) != TG_OK ||
            (st = put_f64(pnum[E_SSE], g, mod.sse)) != TG_OK ||
            (st = put_f64(pnum[E_LOGLIK], g, mod.loglik)) != TG_OK ||
            (st = put_f64(pnum[E_AICC], g, mod.aicc)) != TG_OK)
            goto fail;
        for (size_t i = 0; i < nc; i++, crows++) {
            const char *note = cd[i].why ? cd[i].why : "";
            int chosen = cd[i].fitted && cd[i].error == mod.error && cd[i].trend == mod.trend &&
                         cd[i].damped == mod.damped && cd[i].season == mod.season;
            tg_ets_name(cd[i].error, cd[i].trend, cd[i].damped, cd[i].season, name);
            cidx[crows] = ss.perm[ss.start[g]];
            if ((st = tg_col_push_str(ccol[C_MODEL], name, strlen(name))) != TG_OK ||
                (st = tg_col_push_str(ccol[C_NOTE], note, strlen(note))) != TG_OK ||
                (st = put_f64(ccol[C_AICC], crows, cd[i].aicc)) != TG_OK ||
                (st = put_f64(ccol[C_LOGLIK], crows, cd[i].loglik)) != TG_OK)
                goto fail;
            ccol[C_CHOSEN]->v.i64[crows] = chosen;
        }
    }
    hcol->len = rows;
    ccol[C_AICC]->len = ccol[C_LOGLIK]->len = ccol[C_CHOSEN]->len = crows;
    if ((st = add_keys(&ss, cidx, crows, ca)) != TG_OK) goto fail;
    ca->n_rows = crows;

    add_or_drop(fc, o->time, &time, &st, err);
    add_or_drop(fc, "h", &hcol, &st, err);
    add_or_drop(fc, "point", &point, &st, err);
    for (size_t l = 0; l < 2 * L; l++) add_or_drop(fc, names[l], &band[l], &st, err);
    add_or_drop(pa, snames[E_MODEL], &pstr[E_MODEL], &st, err);
    for (int k = 0; k < N_ENUM; k++) add_or_drop(pa, nnames[k], &pnum[k], &st, err);
    add_or_drop(pa, snames[E_INTERVALS], &pstr[E_INTERVALS], &st, err);
    add_or_drop(pa, snames[E_REASON], &pstr[E_REASON], &st, err);
    for (int k = 0; k < N_CCOLS; k++) add_or_drop(ca, cnames[k], &ccol[k], &st, err);
    if (st != TG_OK) goto fail;
    *forecasts = fc;
    *params = pa;
    *cands = ca;
    fc = pa = ca = NULL;
    goto done;

nomem:
    st = TG_ENOMEM;
fail:
    if (st == TG_ENOMEM) tg_err_nomem(err);
done:
    tg_table_release(fc);
    tg_table_release(pa);
    tg_table_release(ca);
    tg_col_release(time);
    tg_col_release(hcol);
    tg_col_release(point);
    for (size_t l = 0; l < 2 * L; l++) tg_col_release(band[l]);
    for (int k = 0; k < N_ESTR; k++) tg_col_release(pstr[k]);
    for (int k = 0; k < N_ENUM; k++) tg_col_release(pnum[k]);
    for (int k = 0; k < N_CCOLS; k++) tg_col_release(ccol[k]);
    tg_free(cidx);
    tg_free(pt);
    tg_free(lo);
    tg_free(hi);
    series_free(&ss);
    return st;
}

/* ---- backtests ---- */

enum { B_N, B_MAE, B_MAPE, B_MASE, N_BCOLS };

/* Writes one score into row r of the score columns. */
static tg_status put_score(tg_col **c, size_t r, const tg_fc_score *s) {
    tg_status st;
    c[B_N]->v.i64[r] = (int64_t)s->n;
    if ((st = put_f64(c[B_MAE], r, s->mae)) != TG_OK) return st;
    if ((st = put_f64(c[B_MAPE], r, s->mape)) != TG_OK) return st;
    return put_f64(c[B_MASE], r, s->mase);
}

/* Makes the method and score columns of a backtest table of 'rows' rows. */
static int new_score_cols(size_t rows, tg_col **method, tg_col **c) {
    *method = tg_col_new(TG_STRING, rows ? rows : 1, NULL);
    c[B_N] = tg_col_new(TG_INT, rows ? rows : 1, NULL);
    if (c[B_N]) c[B_N]->len = rows;
    for (int k = B_MAE; k < N_BCOLS; k++) c[k] = float_col(rows);
    for (int k = 0; k < N_BCOLS; k++)
        if (!c[k]) return 0;
    return *method != NULL;
}

/* Adds the method column, 'extra' (origins or h) and the score columns. */
static void add_score_cols(tg_table *t, tg_col **method, const char *extra_name, tg_col **extra,
                           tg_col **c, tg_status *st, tg_error *err) {
    static const char *const names[N_BCOLS] = { "n", "mae", "mape", "mase" };
    add_or_drop(t, "method", method, st, err);
    add_or_drop(t, extra_name, extra, st, err);
    for (int k = 0; k < N_BCOLS; k++) add_or_drop(t, names[k], &c[k], st, err);
}

tg_status tg_fctable_backtest(const tg_table *t, const tg_fctable_opts *o, const tg_interrupt *intr,
                              tg_table **overall, tg_table **per_h, tg_error *err) {
    assert(t != NULL && o != NULL && overall != NULL && per_h != NULL);
    const char *const methods[2] = { o->use_ets ? "ets" : "hw", "snaive" };
    tg_fctable_opts oo = *o;
    const size_t H = o->horizon;
    series_set ss;
    tg_table *ov = NULL, *ph = NULL;
    tg_col *om = NULL, *origins = NULL, *oc[N_BCOLS] = { 0 };
    tg_col *pm = NULL, *hcol = NULL, *pc[N_BCOLS] = { 0 };
    tg_fc_score *sc = NULL;
    size_t rows;
    tg_status st;

    *overall = *per_h = NULL;
    if (o->use_ets) {
        /* The Holt-Winters spec only steers the shared checks. */
        if ((st = tg_ets_check(&o->ets, err)) != TG_OK) return st;
        tg_fc_spec_init(&oo.spec);
        oo.spec.trend = o->ets.trend == TG_ETS_N ? 0 : 1;
        oo.spec.period = o->ets.season == TG_ETS_N ? 1 : o->ets.period;
        o = &oo;
    }
    if (o->min_train < tg_fc_min_length(&o->spec))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "min_train must be at least %zu for this model, got %zu",
                          tg_fc_min_length(&o->spec), o->min_train);
    if ((st = series_prepare(t, o, intr, &ss, err)) != TG_OK) return st;
    rows = ss.n_groups * 2 * H;
    if ((st = keys_table(&ss, 2, &ov)) != TG_OK) goto fail;
    if ((st = keys_table(&ss, 2 * H, &ph)) != TG_OK) goto fail;
    origins = tg_col_new(TG_INT, ss.n_groups ? 2 * ss.n_groups : 1, NULL);
    hcol = tg_col_new(TG_INT, rows ? rows : 1, NULL);
    sc = tg_malloc(2 * (H + 1) * sizeof *sc);
    if (!new_score_cols(2 * ss.n_groups, &om, oc) || !new_score_cols(rows, &pm, pc) || !origins ||
        !hcol || !sc)
        goto nomem;

    for (size_t g = 0; g < ss.n_groups; g++) {
        tg_fc_score *hw = sc, *sn = sc + H + 1;
        tg_error why;
        size_t n = series_fill(&ss, g), n_orig;
        if ((st = tg_poll(intr)) != TG_OK) goto fail;
        if ((o->use_ets ? tg_ets_backtest(&o->ets, ss.y, n, H, o->min_train, o->refit, hw, sn,
                                          &n_orig, &why)
                        : tg_fc_backtest(&o->spec, ss.y, n, H, o->min_train, o->refit, hw, sn,
                                         &n_orig, &why)) != TG_OK) {
            st = group_fail(&ss, o, g, &why, err);
            goto fail;
        }
        for (size_t k = 0; k < 2; k++) {
            const tg_fc_score *s = k ? sn : hw;
            size_t r = 2 * g + k;
            if ((st = tg_col_push_str(om, methods[k], strlen(methods[k]))) != TG_OK) goto fail;
            origins->v.i64[r] = (int64_t)n_orig;
            if ((st = put_score(oc, r, &s[0])) != TG_OK) goto fail;
            for (size_t j = 1; j <= H; j++) {
                r = (2 * g + k) * H + j - 1;
                if ((st = tg_col_push_str(pm, methods[k], strlen(methods[k]))) != TG_OK) goto fail;
                hcol->v.i64[r] = (int64_t)j;
                if ((st = put_score(pc, r, &s[j])) != TG_OK) goto fail;
            }
        }
    }
    origins->len = 2 * ss.n_groups;
    hcol->len = rows;
    add_score_cols(ov, &om, "origins", &origins, oc, &st, err);
    add_score_cols(ph, &pm, "h", &hcol, pc, &st, err);
    if (st != TG_OK) goto fail;
    *overall = ov;
    *per_h = ph;
    ov = ph = NULL;
    goto done;

nomem:
    st = TG_ENOMEM;
fail:
    if (st == TG_ENOMEM) tg_err_nomem(err);
done:
    tg_table_release(ov);
    tg_table_release(ph);
    tg_col_release(om);
    tg_col_release(pm);
    tg_col_release(origins);
    tg_col_release(hcol);
    for (int k = 0; k < N_BCOLS; k++) {
        tg_col_release(oc[k]);
        tg_col_release(pc[k]);
    }
    tg_free(sc);
    series_free(&ss);
    return st;
}
