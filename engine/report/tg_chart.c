/*
** tg_chart.c -- the series chart (see tg_chart.h). The plot's geometry is
** fixed (W x H user units, the SVG scales to the page), periods are evenly
** spaced categories and the value axis runs between round ticks that hold
** every value, interval end, target and the baseline value.
*/
#include "tg_chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg_enc.h"
#include "tg_indsum.h"
#include "tg_mem.h"
#include "tg_rnum.h"
#include "tg_svg.h"

#define W      640.0
#define H      280.0
#define LEFT   40.0 /* the least room for the value ticks; wider ticks get more */
#define RIGHT  16.0
#define TOP    24.0 /* room for the baseline and break labels */
#define BOTTOM 36.0
#define CHAR_W 6.6 /* a tick label character's width at 11px, to thin out crowded labels */

typedef tg_chart_axis axis;

/* One chart's points: x and the scaled value, interval and target per row;
** 'open' is 1 for a value shown but not judged (a small n, or before the
** comparable-from period), drawn as a hollow point. */
typedef struct plot {
    int n;
    double *x, *v, *lo, *hi, *target, *open;
    double *xs, *ys; /* room for 2n points of a band, a line or the target */
    double left;     /* the plot's left edge: the widest value tick fits before it */
    double right;    /* its right edge: the latest period's label fits under it */
    int base, brk;   /* rows of the baseline and the comparable-from period, or -1 */
    axis ax;
} plot;

int tg_chart_shown(const tg_json *row) {
    return !tg_json_bool_value(tg_rnum_get(row, "suppressed")) &&
           isfinite(tg_json_num_at(row, "value"));
}

/* ---- the value axis ---- */

tg_chart_axis tg_chart_nice(double lo, double hi) {
    axis a;
    if (!isfinite(hi - lo)) lo = -1, hi = 1; /* values near DBL_MAX: no honest axis */
    if (!(hi > lo)) {
        double pad = lo != 0 ? fabs(lo) * 0.1 : 1;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    a.step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    a.lo = floor(lo / a.step) * a.step;
    a.hi = ceil(hi / a.step) * a.step;
    a.dec = a.step >= 1 ? 0 : (int)ceil(-log10(a.step) - 1e-9);
    return a;
}

static double y_of(const axis *a, double v) {
    return TOP + (H - TOP - BOTTOM) * (a->hi - v) / (a->hi - a->lo);
}

static void widen(double *lo, double *hi, double v) {
    if (!isfinite(v)) return;
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

/* ---- reading the rows ---- */

static int plot_alloc(plot *p, int n) {
    double *all = tg_malloc(sizeof(double) * 10 * (size_t)(n ? n : 1));
    if (!all) return 0;
    p->n = n;
    p->x = all;
    p->v = all + n;
    p->lo = all + 2 * n;
    p->hi = all + 3 * n;
    p->target = all + 4 * n;
    p->open = all + 5 * n;
    p->xs = all + 6 * n;
    p->ys = all + 8 * n;
    return 1;
}

/* The index of the row whose period reads 'want', or -1. */
static int find_period(const tg_json *series, const char *key, const char *want) {
    char per[TG_RNUM_MAX];
    for (size_t i = 0; i < tg_rnum_len(series); i++) {
        tg_rnum_period(tg_rnum_at(series, i), key, per);
        if (strcmp(per, want) == 0) return (int)i;
    }
    return -1;
}

int tg_chart_ticks(const tg_chart_axis *a) {
    int nt = (int)lround((a->hi - a->lo) / a->step);
    return nt < 0 ? 0 : nt > 20 ? 20 : nt;
}

/* The width of the widest value tick label. */
static double tick_width(const plot *p, const tg_rnum *s) {
    char tick[TG_RNUM_MAX];
    size_t most = 1;
    for (int k = 0; k <= tg_chart_ticks(&p->ax); k++) {
        tg_rnum_tick(s, p->ax.lo + k * p->ax.step, p->ax.dec, tick);
        size_t n = tg_enc_utf8_len(tick, strlen(tick));
        if (n > most) most = n;
    }
    return CHAR_W * (double)most;
}

/* The right margin: RIGHT, or more when half the latest period's label
** (always shown, centred under its point half a slot from the edge) would
** stick out of the drawing. */
static double last_label(const tg_json *series, const char *key, double slot) {
    char per[TG_RNUM_MAX];
    tg_rnum_period(tg_rnum_at(series, tg_rnum_len(series) - 1), key, per);
    double half = CHAR_W * (double)tg_enc_utf8_len(per, strlen(per)) / 2;
    return fmax(RIGHT, half + 2 - slot / 2);
}

/* Reads the rows; a row not shown gets NaN for everything from its data. */
static void plot_read(plot *p, const tg_json *ind, const tg_json *series) {
    const tg_rnum s = tg_rnum_of(ind);
    const tg_json *verdict = tg_rnum_at(tg_rnum_get(ind, "verdicts"), 0);
    const char *key = tg_json_str_at(ind, "period");
    char per[TG_RNUM_MAX];
    double lo = INFINITY, hi = -INFINITY;
    p->base = p->brk = -1;
    if (tg_rnum_is_set(tg_rnum_get(verdict, "baseline_period"))) {
        tg_rnum_period(verdict, "baseline_period", per);
        p->base = find_period(series, key, per);
    }
    if (tg_rnum_is_set(tg_rnum_get(ind, "comparable_from"))) {
        tg_rnum_period(ind, "comparable_from", per);
        p->brk = find_period(series, key, per);
    }
    for (int i = 0; i < p->n; i++) {
        const tg_json *row = tg_rnum_at(series, (size_t)i);
        int shown = tg_chart_shown(row);
        p->v[i] = shown ? tg_json_num_at(row, "value") * s.scale : NAN;
        p->lo[i] = shown ? tg_json_num_at(row, "lo") * s.scale : NAN;
        p->hi[i] = shown ? tg_json_num_at(row, "hi") * s.scale : NAN;
        p->target[i] = tg_json_num_at(row, "target") * s.scale;
        p->open[i] = tg_json_bool_value(tg_rnum_get(row, "small")) || i < p->brk;
        widen(&lo, &hi, p->v[i]);
        widen(&lo, &hi, p->lo[i]);
        widen(&lo, &hi, p->hi[i]);
        widen(&lo, &hi, p->target[i]);
    }
    if (verdict) widen(&lo, &hi, tg_json_num_at(verdict, "baseline_value") * s.scale);
    if (!isfinite(lo)) lo = 0, hi = s.scale;
    p->ax = tg_chart_nice(lo, hi);
    p->left = fmin(W / 2, fmax(LEFT, tick_width(p, &s) + 12)); /* absurd ticks get cut */
    p->right = W - last_label(series, key, (W - p->left - RIGHT) / p->n);
    for (int i = 0; i < p->n; i++) p->x[i] = p->left + (p->right - p->left) * (i + 0.5) / p->n;
}

/* ---- drawing ---- */

static void draw_axis(tg_sbuf *b, const plot *p, const tg_rnum *s) {
    char tick[TG_RNUM_MAX];
    for (int k = 0; k <= tg_chart_ticks(&p->ax); k++) {
        double v = p->ax.lo + k * p->ax.step, y = y_of(&p->ax, v);
        tg_svg_line(b, p->left, y, p->right, y, "grid");
        tg_rnum_tick(s, v, p->ax.dec, tick);
        tg_svg_text(b, p->left - 6, y + 4, "end", "tick", tick);
    }
}

/* The width the longest period label needs, with a gap. */
static double label_width(const tg_json *series, const char *key) {
    char per[TG_RNUM_MAX];
    size_t most = 1;
    for (size_t i = 0; i < tg_rnum_len(series); i++) {
        tg_rnum_period(tg_rnum_at(series, i), key, per);
        size_t n = tg_enc_utf8_len(per, strlen(per));
        if (n > most) most = n;
    }
    return CHAR_W * (double)most + 10;
}

/* Every period's label when they fit, else every k-th counted from the
** latest, which is always labelled. */
static void draw_periods(tg_sbuf *b, const plot *p, const tg_json *series, const char *key) {
    char per[TG_RNUM_MAX];
    double slot = (p->right - p->left) / p->n, need = label_width(series, key);
    int every = slot >= need ? 1 : (int)fmin(p->n, ceil(need / slot));
    for (int i = 0; i < p->n; i++) {
        if ((p->n - 1 - i) % every != 0) continue;
        tg_rnum_period(tg_rnum_at(series, (size_t)i), key, per);
        tg_svg_text(b, p->x[i], H - BOTTOM + 18, "middle", "tick", per);
    }
}

/* The band and line over each run of consecutive shown rows; a run of one
** gets an interval bar, since a band needs two points. */
static void draw_runs(tg_sbuf *b, const plot *p) {
    double *xs = p->xs, *ys = p->ys;
    int i = 0;
    while (i < p->n) {
        if (!isfinite(p->v[i])) {
            i++;
            continue;
        }
        int j = i;
        while (j < p->n && isfinite(p->v[j])) j++;
        int m = j - i, band = 1;
        for (int k = i; k < j; k++) band &= isfinite(p->lo[k]) && isfinite(p->hi[k]);
        if (band && m > 1) {
            for (int k = 0; k < m; k++) {
                xs[k] = xs[2 * m - 1 - k] = p->x[i + k];
                ys[k] = y_of(&p->ax, p->hi[i + k]);
                ys[2 * m - 1 - k] = y_of(&p->ax, p->lo[i + k]);
            }
            tg_svg_poly(b, xs, ys, 2 * m, 1, "band");
        } else if (band) {
            tg_svg_line(b, p->x[i], y_of(&p->ax, p->lo[i]), p->x[i], y_of(&p->ax, p->hi[i]), "bar");
        }
        for (int k = 0; k < m; k++) {
            xs[k] = p->x[i + k];
            ys[k] = y_of(&p->ax, p->v[i + k]);
        }
        if (m > 1) tg_svg_poly(b, xs, ys, m, 0, "value");
        for (int k = 0; k < m; k++)
            tg_svg_circle(b, xs[k], ys[k], 3.5, p->open[i + k] != 0 ? "point open" : "point");
        i = j;
    }
}

/* The target as a dashed line through the rows that have one. */
static void draw_target(tg_sbuf *b, const plot *p) {
    double *xs = p->xs, *ys = p->ys;
    int m = 0;
    for (int i = 0; i < p->n; i++)
        if (isfinite(p->target[i])) {
            xs[m] = p->x[i];
            ys[m++] = y_of(&p->ax, p->target[i]);
        }
    if (m == 1) tg_svg_line(b, xs[0] - 12, ys[0], xs[0] + 12, ys[0], "target");
    else if (m > 1) tg_svg_poly(b, xs, ys, m, 0, "target");
    if (m > 0) tg_svg_text(b, xs[m - 1], ys[m - 1] - 5, "end", "label", "Målværdi");
}

/* A vertical mark at row i with its label to the right ('right') or left. */
static void draw_mark(tg_sbuf *b, const plot *p, int i, const char *cls, const char *label,
                      int right) {
    if (i < 0) return;
    tg_svg_line(b, p->x[i], TOP - 4, p->x[i], H - BOTTOM, cls);
    tg_svg_text(b, p->x[i] + (right ? 3 : -3), TOP - 8, right ? "start" : "end", "label", label);
}

/* The baseline (label to the right) and the comparable-from break (label
** to the left, as it comes first); one label when they fall together. */
static void draw_marks(tg_sbuf *b, const plot *p) {
    if (p->brk >= 0 && p->brk == p->base) {
        draw_mark(b, p, p->brk, "break", "Basis; sammenlignelig fra her", 1);
        return;
    }
    draw_mark(b, p, p->brk, "break", "Sammenlignelig fra", 0);
    draw_mark(b, p, p->base, "baseline", "Basis", 1);
}

/* Gaps: a dash on the axis where a period has no shown value. */
static void draw_gaps(tg_sbuf *b, const plot *p) {
    for (int i = 0; i < p->n; i++)
        if (!isfinite(p->v[i])) tg_svg_text(b, p->x[i], H - BOTTOM - 6, "middle", "gap", "–");
}

static void describe(tg_sbuf *d, const tg_json *ind, const tg_json *series, const plot *p) {
    const tg_rnum s = tg_rnum_of(ind);
    const char *key = tg_json_str_at(ind, "period");
    const tg_json *verdict = tg_rnum_at(tg_rnum_get(ind, "verdicts"), 0);
    char a[TG_RNUM_MAX], z[TG_RNUM_MAX], v[TG_RNUM_MAX], lo[TG_RNUM_MAX], hi[TG_RNUM_MAX];
    int last = -1, gaps = 0;
    for (int i = 0; i < p->n; i++) {
        if (isfinite(p->v[i])) last = i;
        else gaps++;
    }
    tg_rnum_period(tg_rnum_at(series, 0), key, a);
    tg_rnum_period(tg_rnum_at(series, (size_t)(p->n - 1)), key, z);
    tg_sbuf_printf(d, "Linjediagram over %d perioder fra ", p->n);
    tg_sbuf_cat(d, a, " til ", z, NULL);
    if (last >= 0) {
        const tg_json *row = tg_rnum_at(series, (size_t)last);
        tg_rnum_period(row, key, a);
        tg_rnum_value(&s, tg_json_num_at(row, "value"), v);
        tg_rnum_value(&s, tg_json_num_at(row, "lo"), lo);
        tg_rnum_value(&s, tg_json_num_at(row, "hi"), hi);
        tg_sbuf_cat(d, ". Seneste viste værdi (", a, "): ", v, NULL);
        if (lo[0] && hi[0]) tg_sbuf_cat(d, ", interval ", lo, " til ", hi, NULL);
    }
    if (gaps) tg_sbuf_printf(d, ". %d perioder uden viste tal", gaps);
    tg_sbuf_printf(d, ". Vurdering: %s.",
                   tg_indsum_verdict_da(verdict ? tg_json_str_at(verdict, "verdict") : ""));
}

void tg_chart_series(tg_sbuf *b, const tg_json *ind, const char *id) {
    const tg_json *series = tg_rnum_get(ind, "series");
    const char *key = tg_json_str_at(ind, "period");
    const tg_rnum s = tg_rnum_of(ind);
    tg_sbuf desc = { NULL, 0, 0, 0 };
    plot p;

    if (tg_rnum_len(series) == 0) return;
    if (!plot_alloc(&p, (int)tg_rnum_len(series))) {
        b->oom = 1;
        return;
    }
    plot_read(&p, ind, series);
    describe(&desc, ind, series, &p);
    tg_svg_open(b, id, W, H, tg_json_str_at(ind, "title"), desc.p ? desc.p : "");
    draw_axis(b, &p, &s);
    draw_periods(b, &p, series, key);
    draw_marks(b, &p);
    draw_runs(b, &p);
    draw_target(b, &p);
    draw_gaps(b, &p);
    tg_svg_close(b);
    if (desc.oom) b->oom = 1;
    tg_free(desc.p);
    tg_free(p.x);
}
