/*
** tg_fan.c -- the band chart of scenarios and forecasts (see tg_fan.h).
** The geometry follows the series chart's (tg_chart): a fixed W x H drawing
** that scales to the page, round value ticks, period labels thinned from
** the latest backwards, and room on the right for the latest label.
*/
#include "tg_fan.h"

#include <math.h>
#include <string.h>

#include "tg_chart.h"
#include "tg_enc.h"
#include "tg_mem.h"
#include "tg_svg.h"

#define W      640.0
#define H      280.0
#define LEFT   40.0
#define RIGHT  16.0
#define TOP    12.0
#define BOTTOM 36.0
#define CHAR_W 6.6 /* a character's width at 11px */

typedef struct geom {
    double left, right;
    tg_chart_axis ax;
} geom;

int tg_fan_init(tg_fan *f, int n, tg_rnum style) {
    memset(f, 0, sizeof *f);
    double *all = tg_malloc(sizeof(double) * 6 * (size_t)(n ? n : 1));
    f->labels = tg_malloc(sizeof *f->labels * (size_t)(n ? n : 1));
    if (!all || !f->labels) {
        tg_free(all);
        tg_free(f->labels);
        f->labels = NULL;
        return 0;
    }
    for (int i = 0; i < 6 * n; i++) all[i] = NAN;
    for (int i = 0; i < n; i++) f->labels[i][0] = '\0';
    f->n = n;
    f->hist = all;
    f->mid = all + n;
    f->lo = all + 2 * n;
    f->hi = all + 3 * n;
    f->lo2 = all + 4 * n;
    f->hi2 = all + 5 * n;
    f->style = style;
    return 1;
}

void tg_fan_free(tg_fan *f) {
    tg_free(f->hist);
    tg_free(f->labels);
    memset(f, 0, sizeof *f);
}

static double text_w(const char *s) {
    return CHAR_W * (double)tg_enc_utf8_len(s, strlen(s));
}

static double x_of(const tg_fan *f, const geom *g, int i) {
    return g->left + (g->right - g->left) * (i + 0.5) / f->n;
}

static double y_of(const geom *g, double v) {
    return TOP + (H - TOP - BOTTOM) * (g->ax.hi - v) / (g->ax.hi - g->ax.lo);
}

static void layout(const tg_fan *f, geom *g) {
    double lo = INFINITY, hi = -INFINITY, most = 0;
    const double *cols[] = { f->hist, f->mid, f->lo, f->hi, f->lo2, f->hi2 };
    char tick[TG_RNUM_MAX];
    for (int c = 0; c < 6; c++)
        for (int i = 0; i < f->n; i++)
            if (isfinite(cols[c][i])) lo = fmin(lo, cols[c][i]), hi = fmax(hi, cols[c][i]);
    if (!isfinite(lo)) lo = 0, hi = 1;
    g->ax = tg_chart_nice(lo * f->style.scale, hi * f->style.scale);
    for (int k = 0; k <= tg_chart_ticks(&g->ax); k++) {
        tg_rnum_tick(&f->style, g->ax.lo + k * g->ax.step, g->ax.dec, tick);
        most = fmax(most, text_w(tick));
    }
    g->left = fmin(W / 2, fmax(LEFT, most + 12));
    double slot = (W - g->left - RIGHT) / f->n, half = text_w(f->labels[f->n - 1]) / 2;
    g->right = W - fmax(RIGHT, half + 2 - slot / 2);
}

static void draw_axis(tg_sbuf *b, const tg_fan *f, const geom *g) {
    char tick[TG_RNUM_MAX];
    for (int k = 0; k <= tg_chart_ticks(&g->ax); k++) {
        double v = g->ax.lo + k * g->ax.step, y = y_of(g, v);
        tg_svg_line(b, g->left, y, g->right, y, "grid");
        tg_rnum_tick(&f->style, v, g->ax.dec, tick);
        tg_svg_text(b, g->left - 6, y + 4, "end", "tick", tick);
    }
    double most = 0, slot = (g->right - g->left) / f->n;
    for (int i = 0; i < f->n; i++) most = fmax(most, text_w(f->labels[i]));
    int every = slot >= most + 10 ? 1 : (int)fmin(f->n, ceil((most + 10) / slot));
    for (int i = 0; i < f->n; i++)
        if ((f->n - 1 - i) % every == 0)
            tg_svg_text(b, x_of(f, g, i), H - BOTTOM + 18, "middle", "tick", f->labels[i]);
}

/* A band over each run of periods where both ends are there. */
static void draw_band(tg_sbuf *b, const tg_fan *f, const geom *g, const double *lo,
                      const double *hi, const char *cls, double *xs, double *ys) {
    for (int i = 0; i < f->n;) {
        int j = i;
        while (j < f->n && isfinite(lo[j]) && isfinite(hi[j])) j++;
        int m = j - i;
        for (int k = 0; k < m; k++) {
            xs[k] = xs[2 * m - 1 - k] = x_of(f, g, i + k);
            ys[k] = y_of(g, hi[i + k] * f->style.scale);
            ys[2 * m - 1 - k] = y_of(g, lo[i + k] * f->style.scale);
        }
        if (m > 1) tg_svg_poly(b, xs, ys, 2 * m, 1, cls);
        else if (m == 1) tg_svg_line(b, xs[0], ys[0], xs[0], ys[1], cls);
        i = j > i ? j : i + 1;
    }
}

/* A line over each run of periods with a value; a lone value is a point. */
static void draw_line(tg_sbuf *b, const tg_fan *f, const geom *g, const double *v, const char *cls,
                      double *xs, double *ys) {
    for (int i = 0; i < f->n;) {
        int j = i;
        while (j < f->n && isfinite(v[j])) j++;
        int m = j - i;
        for (int k = 0; k < m; k++) {
            xs[k] = x_of(f, g, i + k);
            ys[k] = y_of(g, v[i + k] * f->style.scale);
        }
        if (m > 1) tg_svg_poly(b, xs, ys, m, 0, cls);
        else if (m == 1) tg_svg_circle(b, xs[0], ys[0], 2.5, "point");
        i = j > i ? j : i + 1;
    }
}

void tg_fan_draw(tg_sbuf *b, const tg_fan *f, const char *id, const char *title, const char *desc) {
    geom g;
    if (f->n <= 0) return;
    double *xs = tg_malloc(sizeof(double) * 4 * (size_t)f->n);
    if (!xs) {
        b->oom = 1;
        return;
    }
    layout(f, &g);
    tg_svg_open(b, id, W, H, title, desc);
    draw_axis(b, f, &g);
    draw_band(b, f, &g, f->lo, f->hi, "band", xs, xs + 2 * f->n);
    draw_band(b, f, &g, f->lo2, f->hi2, "band2", xs, xs + 2 * f->n);
    draw_line(b, f, &g, f->hist, "value", xs, xs + 2 * f->n);
    draw_line(b, f, &g, f->mid, f->dashed ? "forecast" : "value", xs, xs + 2 * f->n);
    tg_svg_close(b);
    tg_free(xs);
}
