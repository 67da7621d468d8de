/*
** tg_gchart.c -- the charts of an indicator per group (see tg_gchart.h).
** Every chart is a column of rows: the group's name to the left (cut with
** "…" when it is wider than the name column; the table beside the chart
** has it whole), the plot in the middle over one value axis whose ticks
** are at the bottom, and a text column to the right (verdict, deviation).
** Rows are ROW apart, more than a line of text, so no two labels meet.
*/
#include "tg_gchart.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tg_chart.h"
#include "tg_collate.h"
#include "tg_dict.h"
#include "tg_enc.h"
#include "tg_indsum.h"
#include "tg_mem.h"
#include "tg_svg.h"

#define W        640.0
#define ROW      22.0 /* a row per group: twice the text's height */
#define TOP      8.0
#define BOTTOM   30.0  /* the value ticks */
#define CHAR_W   6.6   /* a character's width at 11px, to fit and thin labels */
#define NAME_MAX 200.0 /* the widest name column */

/* One chart: the groups in order with their shown row at the latest period. */
typedef struct gplot {
    size_t n;
    const tg_json *ind;
    const tg_json **vs;   /* verdict rows, in the order drawn */
    const tg_json **rows; /* the group's row at the latest period when shown, else NULL */
    double left, right;   /* the plot's x range */
    double text_x;        /* where the right column's text starts */
    tg_chart_axis ax;
    tg_rnum s;
    char latest[TG_RNUM_MAX];
    tg_gchart_rows *ix; /* the series by period and group */
} gplot;

/* ---- groups ---- */

void tg_gchart_label(tg_sbuf *b, const tg_json *v, const tg_json *by) {
    for (size_t k = 0; k < tg_rnum_len(by); k++) {
        const char *col = tg_json_str_value(tg_rnum_at(by, k), NULL);
        char g[TG_RNUM_MAX];
        tg_rnum_period(v, col ? col : "", g);
        tg_sbuf_cat(b, k ? " · " : "", g, NULL);
    }
}

/* 1 when every group value of every verdict row is a string: then the rows
** read best in Danish order. Numbers keep the document's numeric order. */
static int groups_are_text(const tg_json *vs, const tg_json *by) {
    for (size_t i = 0; i < tg_rnum_len(vs); i++)
        for (size_t k = 0; k < tg_rnum_len(by); k++) {
            const char *col = tg_json_str_value(tg_rnum_at(by, k), NULL);
            const tg_json *g = col ? tg_rnum_get(tg_rnum_at(vs, i), col) : NULL;
            if (!g || tg_json_kind_of(g) != TG_JSON_STRING) return 0;
        }
    return 1;
}

int tg_gchart_order(const tg_json *vs, const tg_json *by, size_t *order) {
    size_t n = tg_rnum_len(vs);
    for (size_t i = 0; i < n; i++) order[i] = i;
    if (n < 2 || !groups_are_text(vs, by)) return 1;
    tg_sbuf text = { NULL, 0, 0, 0 };
    size_t *end = tg_malloc(n * sizeof *end), *len = tg_malloc(n * sizeof *len);
    const char **str = tg_malloc(n * sizeof *str);
    uint32_t *rank = tg_malloc(n * sizeof *rank);
    tg_error err;
    int ok = end && len && str && rank;
    for (size_t i = 0; ok && i < n; i++) {
        tg_gchart_label(&text, tg_rnum_at(vs, i), by);
        end[i] = text.len;
    }
    ok = ok && !text.oom && text.p; /* p is NULL only when every label is "" */
    for (size_t i = 0; ok && i < n; i++) {
        str[i] = text.p + (i ? end[i - 1] : 0);
        len[i] = end[i] - (i ? end[i - 1] : 0);
    }
    tg_status st = ok ? tg_collate_ranks("da", str, len, n, rank, &err)
                      : (text.oom || !end || !len || !str || !rank ? TG_ENOMEM : TG_EARG);
    if (st == TG_OK)
        for (size_t i = 0; i < n; i++) order[rank[i]] = i;
    tg_free(text.p);
    tg_free(end);
    tg_free(len);
    tg_free(str);
    tg_free(rank);
    return st != TG_ENOMEM; /* ICU refusing "da" leaves the document's order */
}

/* The k-th group column's name ("" for a name that is not text). */
static const char *col_name(const tg_json *by, size_t k) {
    const char *col = tg_json_str_value(tg_rnum_at(by, k), NULL);
    return col ? col : "";
}

tg_gchart_kind tg_gchart_kind_of(const tg_json *ind) {
    const tg_json *by = tg_rnum_get(ind, "by"), *series = tg_rnum_get(ind, "series");
    if (tg_rnum_len(by) == 1 && strcmp(col_name(by, 0), "trin") == 0) return TG_GCHART_FUNNEL;
    if (isfinite(tg_json_num_at(ind, "flag_deviation")))
        for (size_t i = 0; i < tg_rnum_len(series); i++)
            if (isfinite(tg_json_num_at(tg_rnum_at(series, i), "target"))) return TG_GCHART_BUDGET;
    return TG_GCHART_DOTS;
}

const tg_json *tg_gchart_latest(const tg_json *ind) {
    const char *key = tg_json_str_at(ind, "period");
    return tg_rnum_get(tg_indsum_latest(tg_rnum_get(ind, "series"), key), key);
}

/* 1 when rows a and b have the same text in column 'col'. */
static int same(const tg_json *a, const tg_json *b, const char *col) {
    char x[TG_RNUM_MAX], y[TG_RNUM_MAX];
    tg_rnum_period(a, col, x);
    tg_rnum_period(b, col, y);
    return strcmp(x, y) == 0;
}

const tg_json *tg_gchart_row(const tg_json *ind, const tg_json *v, const char *period) {
    const tg_json *series = tg_rnum_get(ind, "series"), *by = tg_rnum_get(ind, "by");
    const char *key = tg_json_str_at(ind, "period");
    char per[TG_RNUM_MAX];
    for (size_t i = 0; i < tg_rnum_len(series); i++) {
        const tg_json *row = tg_rnum_at(series, i);
        tg_rnum_period(row, key, per);
        if (strcmp(per, period) != 0) continue;
        int match = 1;
        for (size_t k = 0; match && k < tg_rnum_len(by); k++) match = same(row, v, col_name(by, k));
        if (match) return row;
    }
    return NULL;
}

/* ---- the series by period and group ----
** tg_gchart_row scans the series, and a report asks it for every group
** (and again for each baseline): g groups cost g times the series, which
** at a few thousand groups (the demo over --scale 100 data) took most of the
** run. The index answers the same question by the same texts in one pass:
** a row's key is its period text and each group column's text, each
** prefixed with its length, so no two different lists of texts meet. */

struct tg_gchart_rows {
    const tg_json *ind;
    tg_dict *keys;        /* key -> code, in the series' order */
    const tg_json **rows; /* code -> the first series row with that key */
};

/* The key of a row with period text 'period' and the group texts of 'g'. */
static void row_key(tg_sbuf *b, const tg_json *by, const tg_json *g, const char *period) {
    char text[TG_RNUM_MAX], len[24];
    b->len = 0;
    snprintf(len, sizeof len, "%zu:", strlen(period));
    tg_sbuf_cat(b, len, period, NULL);
    for (size_t k = 0; k < tg_rnum_len(by); k++) {
        tg_rnum_period(g, col_name(by, k), text);
        snprintf(len, sizeof len, "%zu:", strlen(text));
        tg_sbuf_cat(b, len, text, NULL);
    }
}

tg_gchart_rows *tg_gchart_rows_new(const tg_json *ind) {
    const tg_json *series = tg_rnum_get(ind, "series"), *by = tg_rnum_get(ind, "by");
    const char *key = tg_json_str_at(ind, "period");
    size_t n = tg_rnum_len(series);
    tg_gchart_rows *ix = tg_calloc(1, sizeof *ix);
    tg_sbuf b = { NULL, 0, 0, 0 };
    char per[TG_RNUM_MAX];
    if (!ix) return NULL;
    ix->ind = ind;
    ix->keys = tg_dict_new();
    ix->rows = tg_malloc((n ? n : 1) * sizeof *ix->rows);
    int ok = ix->keys && ix->rows;
    for (size_t i = 0; ok && i < n; i++) {
        const tg_json *row = tg_rnum_at(series, i);
        uint32_t code, size = tg_dict_size(ix->keys);
        tg_rnum_period(row, key, per);
        row_key(&b, by, row, per);
        ok = !b.oom && tg_dict_intern(ix->keys, b.p, b.len, &code) == TG_OK;
        if (ok && code == size) ix->rows[code] = row; /* new: the first row keeps it */
    }
    tg_free(b.p);
    if (!ok) {
        tg_gchart_rows_free(ix);
        return NULL;
    }
    return ix;
}

const tg_json *tg_gchart_rows_find(const tg_gchart_rows *ix, const tg_json *v, const char *period) {
    tg_sbuf b = { NULL, 0, 0, 0 };
    row_key(&b, tg_rnum_get(ix->ind, "by"), v, period);
    uint32_t code = b.oom ? TG_DICT_NONE : tg_dict_find(ix->keys, b.p, b.len);
    int oom = b.oom;
    tg_free(b.p);
    if (oom) return tg_gchart_row(ix->ind, v, period); /* the slow way needs no memory */
    return code == TG_DICT_NONE ? NULL : ix->rows[code];
}

void tg_gchart_rows_free(tg_gchart_rows *ix) {
    if (!ix) return;
    tg_dict_release(ix->keys);
    tg_free(ix->rows);
    tg_free(ix);
}

tg_rnum tg_gchart_budget_style(const tg_json *ind) {
    tg_rnum s = tg_rnum_of(ind);
    if (tg_json_num_at(ind, "per") == 100) {
        s.scale = 1;
        s.dec = 1;
        s.suffix = " %";
        s.change_suffix = " pp";
    }
    s.ratio = 0; /* a deviation is a difference */
    return s;
}

/* ---- text that fits ---- */

/* s cut to at most 'chars' characters, the last of them "…" when cut. */
static void fit(const char *s, size_t chars, char *out) {
    size_t n = strlen(s);
    if (tg_enc_utf8_len(s, n) <= chars || chars < 2) {
        snprintf(out, TG_RNUM_MAX, "%s", s);
        return;
    }
    size_t at = 0, kept = 0;
    while (at < n && kept < chars - 1) {
        at++;
        while (at < n && ((unsigned char)s[at] & 0xC0) == 0x80) at++;
        kept++;
    }
    snprintf(out, TG_RNUM_MAX, "%.*s…", (int)at, s);
}

static double text_w(const char *s) {
    return CHAR_W * (double)tg_enc_utf8_len(s, strlen(s));
}

/* A step "1_droeftet" as "1. droeftet"; other underscores as spaces. */
static void step_name(const char *in, char *out) {
    size_t d = strspn(in, "0123456789"), o = 0;
    const char *rest = in;
    if (d > 0 && in[d] == '_') {
        o = (size_t)snprintf(out, TG_RNUM_MAX, "%.*s. ", (int)d, in);
        rest = in + d + 1;
    }
    for (; *rest && o < TG_RNUM_MAX - 1; rest++) out[o++] = *rest == '_' ? ' ' : *rest;
    out[o] = '\0';
}

/* The group's name as the chart and its table show it. */
int tg_gchart_name(const tg_json *ind, const tg_json *v, char *out) {
    tg_sbuf b = { NULL, 0, 0, 0 };
    tg_gchart_label(&b, v, tg_rnum_get(ind, "by"));
    if (tg_gchart_kind_of(ind) == TG_GCHART_FUNNEL) step_name(b.p ? b.p : "", out);
    else snprintf(out, TG_RNUM_MAX, "%s", b.p ? b.p : "");
    tg_free(b.p);
    return !b.oom;
}

/* ---- the plot ---- */

static double x_of(const gplot *p, double v) {
    return p->left + (p->right - p->left) * (v - p->ax.lo) / (p->ax.hi - p->ax.lo);
}

static double y_of(size_t r) {
    return TOP + ROW * ((double)r + 0.5);
}

static void widen(double *lo, double *hi, double v) {
    if (!isfinite(v)) return;
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

/* The shown value of 'row' under 'key', scaled; NaN for a row not shown. */
static double shown(const gplot *p, const tg_json *row, const char *key) {
    return row && tg_chart_shown(row) ? tg_json_num_at(row, key) * p->s.scale : NAN;
}

/* The baseline value of verdict row v, from its shown series row only. */
static double baseline(const gplot *p, const tg_json *v) {
    char per[TG_RNUM_MAX];
    if (!tg_rnum_is_set(tg_rnum_get(v, "baseline_period"))) return NAN;
    tg_rnum_period(v, "baseline_period", per);
    return shown(p, tg_gchart_rows_find(p->ix, v, per), "value");
}

/* The value axis over everything the chart draws. */
static void gplot_axis(gplot *p, tg_gchart_kind kind) {
    double lo = INFINITY, hi = -INFINITY, fd = tg_json_num_at(p->ind, "flag_deviation");
    for (size_t r = 0; r < p->n; r++) {
        widen(&lo, &hi, shown(p, p->rows[r], "value"));
        widen(&lo, &hi, shown(p, p->rows[r], "lo"));
        widen(&lo, &hi, shown(p, p->rows[r], "hi"));
        if (kind == TG_GCHART_DOTS) widen(&lo, &hi, baseline(p, p->vs[r]));
        if (kind == TG_GCHART_BUDGET && p->rows[r]) {
            double t = tg_json_num_at(p->rows[r], "target") * p->s.scale;
            widen(&lo, &hi, t - fd);
            widen(&lo, &hi, t + fd);
        }
    }
    if (kind == TG_GCHART_FUNNEL) lo = 0, hi = fmax(hi, p->s.scale);
    if (!isfinite(lo)) lo = 0, hi = p->s.scale;
    p->ax = tg_chart_nice(lo, hi);
}

/* The rows and geometry; 0 when out of memory. */
static int gplot_read(gplot *p, const tg_json *ind, const size_t *order, tg_gchart_kind kind) {
    const tg_json *vs = tg_rnum_get(ind, "verdicts");
    p->ind = ind;
    p->n = tg_rnum_len(vs);
    p->s = kind == TG_GCHART_BUDGET ? tg_gchart_budget_style(ind) : tg_rnum_of(ind);
    p->vs = tg_malloc(2 * (p->n ? p->n : 1) * sizeof *p->vs);
    p->ix = tg_gchart_rows_new(ind);
    if (!p->vs || !p->ix) {
        tg_free(p->vs);
        tg_gchart_rows_free(p->ix);
        return 0;
    }
    p->rows = p->vs + p->n;
    tg_rnum_period_of(tg_gchart_latest(ind), p->latest);
    double name_w = 0, right_w = kind == TG_GCHART_FUNNEL ? 200 : 150;
    for (size_t r = 0; r < p->n; r++) {
        char name[TG_RNUM_MAX];
        p->vs[r] = tg_rnum_at(vs, order[r]);
        p->rows[r] = tg_gchart_rows_find(p->ix, p->vs[r], p->latest);
        if (p->rows[r] && !tg_chart_shown(p->rows[r])) p->rows[r] = NULL;
        if (!tg_gchart_name(ind, p->vs[r], name)) {
            tg_free(p->vs);
            tg_gchart_rows_free(p->ix);
            return 0;
        }
        name_w = fmax(name_w, text_w(name));
    }
    p->left = fmin(NAME_MAX, name_w + 8) + 12;
    p->text_x = W - right_w + 10;
    p->right = W - right_w;
    gplot_axis(p, kind);
    return 1;
}

static double height(size_t n) {
    return TOP + ROW * (double)n + BOTTOM;
}

/* Vertical grid lines at the ticks, labelled under the rows: every one
** when they fit, else every k-th counted from the first. */
static void draw_axis(tg_sbuf *b, const gplot *p) {
    char tick[TG_RNUM_MAX];
    int nt = tg_chart_ticks(&p->ax);
    double most = 0, y = height(p->n) - BOTTOM;
    for (int k = 0; k <= nt; k++) {
        tg_rnum_tick(&p->s, p->ax.lo + k * p->ax.step, p->ax.dec, tick);
        most = fmax(most, text_w(tick));
    }
    double slot = nt ? (p->right - p->left) / nt : W;
    int every = slot >= most + 8 ? 1 : (int)ceil((most + 8) / slot);
    for (int k = 0; k <= nt; k++) {
        double v = p->ax.lo + k * p->ax.step, x = x_of(p, v);
        tg_svg_line(b, x, TOP, x, y, "grid");
        if (k % every) continue;
        tg_rnum_tick(&p->s, v, p->ax.dec, tick);
        tg_svg_text(b, x, y + 16, "middle", "tick", tick);
    }
}

/* Each group's name, right-aligned before the plot, cut to the column. */
static void draw_names(tg_sbuf *b, const gplot *p) {
    size_t chars = (size_t)floor((p->left - 12) / CHAR_W);
    for (size_t r = 0; r < p->n; r++) {
        char name[TG_RNUM_MAX], cut[TG_RNUM_MAX];
        if (!tg_gchart_name(p->ind, p->vs[r], name)) b->oom = 1;
        fit(name, chars, cut);
        tg_svg_text(b, p->left - 12, y_of(r) + 4, "end", "tick", cut);
    }
}

/* A dash at the start of a row with no shown value. */
static void draw_none(tg_sbuf *b, const gplot *p, size_t r) {
    tg_svg_text(b, p->left + 6, y_of(r) + 5, "start", "gap", "–");
}

static void draw_dots(tg_sbuf *b, const gplot *p) {
    for (size_t r = 0; r < p->n; r++) {
        const tg_json *v = p->vs[r];
        double y = y_of(r), val = shown(p, p->rows[r], "value"), base = baseline(p, v);
        double lo = shown(p, p->rows[r], "lo"), hi = shown(p, p->rows[r], "hi");
        const char *code = tg_json_str_at(v, "verdict");
        if (isfinite(base)) tg_svg_line(b, x_of(p, base), y - 7, x_of(p, base), y + 7, "basis");
        if (isfinite(lo) && isfinite(hi)) tg_svg_line(b, x_of(p, lo), y, x_of(p, hi), y, "bar");
        if (isfinite(val)) tg_svg_circle(b, x_of(p, val), y, 4, "point");
        else draw_none(b, p, r);
        tg_svg_text(b, p->text_x, y + 4, "start", "tick", tg_indsum_verdict_mark(code));
    }
}

static void draw_budget(tg_sbuf *b, const gplot *p) {
    double fd = tg_json_num_at(p->ind, "flag_deviation");
    for (size_t r = 0; r < p->n; r++) {
        const tg_json *row = p->rows[r];
        double y = y_of(r), val = shown(p, row, "value");
        double t = row ? tg_json_num_at(row, "target") * p->s.scale : NAN;
        char dev[TG_RNUM_MAX], text[TG_RNUM_MAX + 16];
        if (!isfinite(val)) {
            draw_none(b, p, r);
            continue;
        }
        if (isfinite(t)) {
            tg_svg_rect(b, x_of(p, t - fd), y - 8, x_of(p, t + fd) - x_of(p, t - fd), 16,
                        "budgetband");
            tg_svg_line(b, x_of(p, t), y - 9, x_of(p, t), y + 9, "budget");
        }
        int flag = tg_json_bool_value(tg_rnum_get(row, "flag"));
        tg_svg_circle(b, x_of(p, val), y, 4, flag ? "point flag" : "point");
        tg_rnum_change(&p->s, val - t, dev);
        snprintf(text, sizeof text, "%s%s", dev, flag ? " ◆ afviger" : "");
        if (dev[0]) tg_svg_text(b, p->text_x, y + 4, "start", "tick", text);
    }
}

/* Centred bars: a step's share as the bar's width, its interval as a
** whisker at both ends. */
static void draw_funnel(tg_sbuf *b, const gplot *p) {
    double cx = (p->left + p->right) / 2, half = (p->right - p->left) / 2;
    for (size_t r = 0; r < p->n; r++) {
        const tg_json *row = p->rows[r];
        double y = y_of(r), val = shown(p, row, "value") / p->ax.hi * half;
        double lo = shown(p, row, "lo") / p->ax.hi * half,
               hi = shown(p, row, "hi") / p->ax.hi * half;
        char text[TG_RNUM_MAX];
        if (!isfinite(val)) {
            draw_none(b, p, r);
            continue;
        }
        tg_svg_rect(b, cx - val, y - 8, 2 * val, 16, "funnel");
        if (isfinite(lo) && isfinite(hi)) {
            tg_svg_line(b, cx - hi, y, cx - lo, y, "whisker");
            tg_svg_line(b, cx + lo, y, cx + hi, y, "whisker");
        }
        tg_rnum_value(&p->s, tg_json_num_at(row, "value"), text);
        tg_svg_text(b, p->text_x, y + 4, "start", "tick", text);
        tg_svg_text(b, p->text_x + 56, y + 4, "start", "tick",
                    tg_indsum_verdict_mark(tg_json_str_at(p->vs[r], "verdict")));
    }
}

/* The funnel's axis is the share from the centre out: 0 in the middle. */
static void draw_funnel_axis(tg_sbuf *b, const gplot *p) {
    char tick[TG_RNUM_MAX];
    double cx = (p->left + p->right) / 2, half = (p->right - p->left) / 2,
           y = height(p->n) - BOTTOM;
    for (int side = -1; side <= 1; side += 2) {
        tg_svg_line(b, cx + side * half, TOP, cx + side * half, y, "grid");
        tg_rnum_tick(&p->s, p->ax.hi, p->ax.dec, tick);
        tg_svg_text(b, cx + side * half, y + 16, "middle", "tick", tick);
    }
    tg_svg_line(b, cx, TOP, cx, y, "grid");
}

static void describe(tg_sbuf *d, const gplot *p, tg_gchart_kind kind) {
    size_t none = 0, flagged = 0;
    for (size_t r = 0; r < p->n; r++) {
        none += p->rows[r] == NULL;
        flagged += p->rows[r] && tg_json_bool_value(tg_rnum_get(p->rows[r], "flag"));
    }
    if (kind == TG_GCHART_FUNNEL) tg_sbuf_printf(d, "Tragt over %zu trin i ", p->n);
    else if (kind == TG_GCHART_BUDGET)
        tg_sbuf_printf(d, "Værdi mod budget for %zu grupper i ", p->n);
    else tg_sbuf_printf(d, "Punktdiagram over %zu grupper i ", p->n);
    tg_sbuf_cat(d, p->latest, NULL);
    if (kind == TG_GCHART_FUNNEL)
        tg_sbuf_str(d, ": andelen, der når hvert trin, som en centreret bjælke med interval, og "
                       "trinnets vurdering");
    else if (kind == TG_GCHART_BUDGET) {
        char fd[TG_RNUM_MAX];
        tg_rnum_value(&p->s, tg_json_num_at(p->ind, "flag_deviation"), fd);
        tg_sbuf_cat(d, ": værdien som punkt, budgettet som lodret streg i et bånd på ± ", fd, NULL);
        if (strcmp(p->s.suffix, " %") == 0) d->len -= 2, tg_sbuf_str(d, " procentpoint");
        tg_sbuf_printf(d, ". %zu markeret som afvigende", flagged);
    } else
        tg_sbuf_str(d, ": værdien som punkt med interval, basisværdien som lodret streg, og "
                       "gruppens vurdering");
    if (none) tg_sbuf_printf(d, ". %zu uden viste tal", none);
    tg_sbuf_str(d, ".");
}

void tg_gchart_draw(tg_sbuf *b, const tg_json *ind, const size_t *order, const char *id) {
    tg_gchart_kind kind = tg_gchart_kind_of(ind);
    tg_sbuf desc = { NULL, 0, 0, 0 };
    gplot p;
    if (tg_rnum_len(tg_rnum_get(ind, "verdicts")) == 0 || !tg_gchart_latest(ind)) return;
    if (!gplot_read(&p, ind, order, kind)) {
        b->oom = 1;
        return;
    }
    describe(&desc, &p, kind);
    tg_svg_open(b, id, W, height(p.n), tg_json_str_at(ind, "title"), desc.p ? desc.p : "");
    if (kind == TG_GCHART_FUNNEL) draw_funnel_axis(b, &p);
    else draw_axis(b, &p);
    draw_names(b, &p);
    if (kind == TG_GCHART_FUNNEL) draw_funnel(b, &p);
    else if (kind == TG_GCHART_BUDGET) draw_budget(b, &p);
    else draw_dots(b, &p);
    tg_svg_close(b);
    if (desc.oom) b->oom = 1;
    tg_free(desc.p);
    tg_free(p.vs);
    tg_gchart_rows_free(p.ix);
}

/* ---- the funnel's reasons ---- */

const tg_json *tg_gchart_reasons(const tg_json *ind, const char **name) {
    const tg_json *details = tg_rnum_get(ind, "details");
    const char *key = tg_json_str_at(ind, "period");
    if (!details || tg_json_kind_of(details) != TG_JSON_OBJECT) return NULL;
    for (size_t i = 0; i < tg_rnum_len(details); i++) {
        const tg_json *list = tg_rnum_at(details, i);
        if (tg_json_kind_of(list) != TG_JSON_ARRAY || tg_rnum_len(list) == 0) continue;
        if (!tg_rnum_get(tg_rnum_at(list, 0), key)) continue;
        if (name) *name = tg_json_key(details, i);
        return list;
    }
    return NULL;
}

/* The first member of row 'r' other than the period whose value is of
** kind k1 or k2. */
static const tg_json *member(const tg_json *r, const char *period, tg_json_kind k1,
                             tg_json_kind k2) {
    for (size_t i = 0; i < tg_rnum_len(r); i++) {
        const tg_json *v = tg_rnum_at(r, i);
        tg_json_kind k = tg_json_kind_of(v);
        if ((k == k1 || k == k2) && strcmp(tg_json_key(r, i), period) != 0) return v;
    }
    return NULL;
}

int tg_gchart_reason(const tg_json *ind, const tg_json *r, char *label, char *count) {
    const char *key = tg_json_str_at(ind, "period");
    const tg_json *text = member(r, key, TG_JSON_STRING, TG_JSON_STRING);
    const tg_json *num = member(r, key, TG_JSON_INT, TG_JSON_REAL);
    int hidden = !num || tg_json_bool_value(tg_rnum_get(r, "skjult")) ||
                 tg_json_bool_value(tg_rnum_get(r, "suppressed"));
    step_name(text ? tg_json_str_value(text, NULL) : "", label);
    if (hidden) count[0] = '\0';
    else {
        tg_rnum whole = { 1, 0, "", "", 0 };
        tg_rnum_value(&whole, tg_json_real_value(num), count);
    }
    return hidden;
}

/* The reasons of the latest period: shown ones by count, most first, then
** the hidden ones, each in the document's order. Returns how many. */
static size_t reasons_of(const tg_json *ind, const tg_json *list, const char *latest,
                         const tg_json **out, double *counts) {
    const char *key = tg_json_str_at(ind, "period");
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < tg_rnum_len(list); i++) {
            const tg_json *r = tg_rnum_at(list, i);
            char per[TG_RNUM_MAX], label[TG_RNUM_MAX], count[TG_RNUM_MAX];
            tg_rnum_period(r, key, per);
            if (strcmp(per, latest) != 0 || tg_gchart_reason(ind, r, label, count) != pass)
                continue;
            double c = pass ? NAN : tg_json_real_value(member(r, key, TG_JSON_INT, TG_JSON_REAL));
            size_t at = n++;
            for (; !pass && at > 0 && counts[at - 1] < c; at--) { /* stable insertion */
                out[at] = out[at - 1];
                counts[at] = counts[at - 1];
            }
            out[at] = r;
            counts[at] = c;
        }
    return n;
}

size_t tg_gchart_reason_rows(const tg_json *ind, const tg_json **out, double *counts) {
    char latest[TG_RNUM_MAX];
    const tg_json *list = tg_gchart_reasons(ind, NULL);
    tg_rnum_period_of(tg_gchart_latest(ind), latest);
    return list ? reasons_of(ind, list, latest, out, counts) : 0;
}

void tg_gchart_reasons_draw(tg_sbuf *b, const tg_json *ind, const char *id) {
    const tg_json *list = tg_gchart_reasons(ind, NULL);
    size_t cap = tg_rnum_len(list);
    if (!cap) return;
    const tg_json **rows = tg_malloc(cap * sizeof *rows);
    double *counts = tg_malloc(cap * sizeof *counts), most = 0, name_w = 0;
    char latest[TG_RNUM_MAX], label[TG_RNUM_MAX], count[TG_RNUM_MAX], cut[TG_RNUM_MAX];
    if (!rows || !counts) {
        b->oom = 1;
        tg_free(rows);
        tg_free(counts);
        return;
    }
    tg_rnum_period_of(tg_gchart_latest(ind), latest);
    size_t n = reasons_of(ind, list, latest, rows, counts), hidden = 0;
    for (size_t r = 0; r < n; r++) {
        hidden += (size_t)tg_gchart_reason(ind, rows[r], label, count);
        if (isfinite(counts[r])) most = fmax(most, counts[r]);
        name_w = fmax(name_w, text_w(label));
    }
    if (n) {
        tg_sbuf d = { NULL, 0, 0, 0 };
        double left = fmin(NAME_MAX + 60, name_w + 8) + 12, right = W - 60;
        tg_sbuf_printf(&d, "Søjlediagram over %zu årsager i %s, flest først", n, latest);
        if (hidden) tg_sbuf_printf(&d, "; %zu skjult af hensyn til diskretionen", hidden);
        tg_sbuf_str(&d, ".");
        tg_svg_open(b, id, W, height(n) - BOTTOM + TOP, "Årsager", d.p ? d.p : "");
        for (size_t r = 0; r < n; r++) {
            double y = y_of(r);
            tg_gchart_reason(ind, rows[r], label, count);
            fit(label, (size_t)floor((left - 12) / CHAR_W), cut);
            tg_svg_text(b, left - 12, y + 4, "end", "tick", cut);
            if (!count[0]) {
                tg_svg_text(b, left + 6, y + 4, "start", "gap", "skjult");
                continue;
            }
            double w = most > 0 ? (right - left - 50) * counts[r] / most : 0;
            tg_svg_rect(b, left, y - 7, w, 14, "reason");
            tg_svg_text(b, left + w + 6, y + 4, "start", "tick", count);
        }
        tg_svg_close(b);
        if (d.oom) b->oom = 1;
        tg_free(d.p);
    }
    tg_free(rows);
    tg_free(counts);
}
