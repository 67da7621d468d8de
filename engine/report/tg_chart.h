/*
** tg_chart.h -- the series chart of one indicator as inline SVG: values
** over periods with the interval band, the baseline period and the
** comparable-from break marked, the target line where there is one, and
** periods without a shown value (suppressed, or no value) as gaps with a
** dash, never a point. A suppressed row draws nothing from its numbers,
** whatever the document holds in them. Same document, same bytes.
*/
#ifndef TG_CHART_H
#define TG_CHART_H

#include "tg_json.h"
#include "tg_sbuf.h"

/* A value axis: round ticks from lo to hi by step, with 'dec' places. */
typedef struct tg_chart_axis {
    double lo, hi, step;
    int dec;
} tg_chart_axis;

/* The axis that holds lo..hi between round ticks: a step of 1, 2 or 5
** times a power of ten giving about five ticks (an empty or absurd range
** gets a small one around it). */
tg_chart_axis tg_chart_nice(double lo, double hi);
/* The number of steps between the axis' ends (its ticks are that plus
** one), at most 20. */
int tg_chart_ticks(const tg_chart_axis *a);

/* 1 when series row 'row' has a value the report may show: not
** suppressed and a finite value. */
int tg_chart_shown(const tg_json *row);

/* Appends the chart of the ungrouped indicator 'ind' (an object of the
** indicator document) to 'b' as one <svg> whose element ids start with
** 'id' (a valid XML name), with a <title> (the indicator's title) and a
** <desc> saying in words what the chart shows. Out of memory is recorded
** in b->oom. An indicator with no series rows gets no chart. */
void tg_chart_series(tg_sbuf *b, const tg_json *ind, const char *id);

#endif /* TG_CHART_H */
