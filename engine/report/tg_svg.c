/*
** tg_svg.c -- inline SVG primitives (see tg_svg.h). Every number goes
** through put_num, so a drawing has one way to print a coordinate.
*/
#include "tg_svg.h"

#include <assert.h>
#include <string.h>

#include "tg_fmt.h"

/* One decimal is a tenth of a user unit: finer than any screen or print
** resolution at the report's sizes, and short. */
static void put_num(tg_sbuf *b, double v) {
    char buf[TG_FMT_DOUBLE_MAX];
    size_t n = tg_fmt_double(v, 1, 0, buf);
    if (n > 2 && strcmp(buf + n - 2, ".0") == 0) n -= 2; /* "12" for "12.0" */
    tg_sbuf_add(b, n ? buf : "0", n ? n : 1);
}

static void put_attr(tg_sbuf *b, const char *name, double v) {
    tg_sbuf_printf(b, " %s=\"", name);
    put_num(b, v);
    tg_sbuf_add(b, "\"", 1);
}

static void put_class(tg_sbuf *b, const char *cls) {
    if (!cls) return;
    tg_sbuf_str(b, " class=\"");
    tg_svg_escape(b, cls);
    tg_sbuf_add(b, "\"", 1);
}

void tg_svg_escape(tg_sbuf *b, const char *s) {
    assert(s != NULL);
    for (; *s; s++) {
        switch (*s) {
        case '&': tg_sbuf_str(b, "&amp;"); break;
        case '<': tg_sbuf_str(b, "&lt;"); break;
        case '>': tg_sbuf_str(b, "&gt;"); break;
        case '"': tg_sbuf_str(b, "&quot;"); break;
        case '\'': tg_sbuf_str(b, "&#39;"); break;
        default: tg_sbuf_add(b, s, 1);
        }
    }
}

void tg_svg_open(tg_sbuf *b, const char *id, double w, double h, const char *title,
                 const char *desc) {
    tg_sbuf_str(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    put_num(b, w);
    tg_sbuf_add(b, " ", 1);
    put_num(b, h);
    tg_sbuf_printf(b, "\" role=\"img\" aria-labelledby=\"%s-t %s-d\">\n<title id=\"%s-t\">", id, id,
                   id);
    tg_svg_escape(b, title);
    tg_sbuf_printf(b, "</title>\n<desc id=\"%s-d\">", id);
    tg_svg_escape(b, desc);
    tg_sbuf_str(b, "</desc>\n");
}

void tg_svg_close(tg_sbuf *b) {
    tg_sbuf_str(b, "</svg>\n");
}

void tg_svg_line(tg_sbuf *b, double x1, double y1, double x2, double y2, const char *cls) {
    tg_sbuf_str(b, "<line");
    put_attr(b, "x1", x1);
    put_attr(b, "y1", y1);
    put_attr(b, "x2", x2);
    put_attr(b, "y2", y2);
    put_class(b, cls);
    tg_sbuf_str(b, "/>\n");
}

void tg_svg_poly(tg_sbuf *b, const double *xs, const double *ys, int n, int closed,
                 const char *cls) {
    tg_sbuf_str(b, closed ? "<polygon points=\"" : "<polyline points=\"");
    for (int i = 0; i < n; i++) {
        if (i) tg_sbuf_add(b, " ", 1);
        put_num(b, xs[i]);
        tg_sbuf_add(b, ",", 1);
        put_num(b, ys[i]);
    }
    tg_sbuf_add(b, "\"", 1);
    put_class(b, cls);
    tg_sbuf_str(b, "/>\n");
}

void tg_svg_rect(tg_sbuf *b, double x, double y, double w, double h, const char *cls) {
    tg_sbuf_str(b, "<rect");
    put_attr(b, "x", x);
    put_attr(b, "y", y);
    put_attr(b, "width", w > 0 ? w : 0);
    put_attr(b, "height", h > 0 ? h : 0);
    put_class(b, cls);
    tg_sbuf_str(b, "/>\n");
}

void tg_svg_circle(tg_sbuf *b, double cx, double cy, double r, const char *cls) {
    tg_sbuf_str(b, "<circle");
    put_attr(b, "cx", cx);
    put_attr(b, "cy", cy);
    put_attr(b, "r", r);
    put_class(b, cls);
    tg_sbuf_str(b, "/>\n");
}

void tg_svg_text(tg_sbuf *b, double x, double y, const char *anchor, const char *cls,
                 const char *text) {
    tg_sbuf_str(b, "<text");
    put_attr(b, "x", x);
    put_attr(b, "y", y);
    tg_sbuf_printf(b, " text-anchor=\"%s\"", anchor);
    put_class(b, cls);
    tg_sbuf_add(b, ">", 1);
    tg_svg_escape(b, text);
    tg_sbuf_str(b, "</text>\n");
}
