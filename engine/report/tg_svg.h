/*
** tg_svg.h -- inline SVG for the report, written into a tg_sbuf with the
** same bytes for the same drawing: coordinates are printed with one decimal
** through tg_fmt (no locale, no printf defaults), and nothing depends on
** time or addresses. Also home of the XML text escaping the HTML writer
** shares. Nothing here reports errors: a tg_sbuf records running out of
** memory in its 'oom' flag, which the caller checks once at the end.
*/
#ifndef TG_SVG_H
#define TG_SVG_H

#include "tg_sbuf.h"

/* Appends s (UTF-8, NUL-terminated) with &, <, >, " and ' escaped, so it
** is safe as element text and inside a double-quoted attribute. */
void tg_svg_escape(tg_sbuf *b, const char *s);

/* Opens an <svg> of w x h user units that scales to its container, with
** role="img" and aria-labelledby pointing at its <title> and <desc>
** (ids "<id>-t" and "<id>-d"); 'id' must be a valid XML name. */
void tg_svg_open(tg_sbuf *b, const char *id, double w, double h, const char *title,
                 const char *desc);
void tg_svg_close(tg_sbuf *b);

/* A straight line; 'cls' (may be NULL) is its CSS class. */
void tg_svg_line(tg_sbuf *b, double x1, double y1, double x2, double y2, const char *cls);

/* A polyline (open) or polygon (closed) through the n points xs[i], ys[i]. */
void tg_svg_poly(tg_sbuf *b, const double *xs, const double *ys, int n, int closed,
                 const char *cls);

/* A rectangle from (x, y) of w x h (a negative w or h counts as 0). */
void tg_svg_rect(tg_sbuf *b, double x, double y, double w, double h, const char *cls);

void tg_svg_circle(tg_sbuf *b, double cx, double cy, double r, const char *cls);

/* Text at (x, y); 'anchor' is "start", "middle" or "end". */
void tg_svg_text(tg_sbuf *b, double x, double y, const char *anchor, const char *cls,
                 const char *text);

#endif /* TG_SVG_H */
