/*
** tg_gchart.h -- the charts of an indicator per group, one row per group
** in the order the caller gives (Danish order for text groups), all at the
** indicator's latest period:
**   - dots: each group's value as a point with its interval, the baseline
**     value as a tick, and the group's verdict in words beside it;
**   - budget: an indicator with a target and flag_deviation (occupancy
**     against its budget): the target as a line inside the band target ±
**     flag_deviation, the value as a point, its deviation beside it and
**     whether it is flagged;
**   - funnel: an indicator grouped by one column "trin" (steps): centred
**     bars of each step's share with its interval, and the reasons the
**     indicator's details carry for the latest period as a second chart.
** A suppressed row draws nothing from its numbers (tg_chart_shown); a
** group with no shown value at the latest period gets a dash. Same
** document, same bytes. See docs/report.md.
*/
#ifndef TG_GCHART_H
#define TG_GCHART_H

#include <stddef.h>

#include "tg_json.h"
#include "tg_rnum.h"
#include "tg_sbuf.h"

typedef enum tg_gchart_kind { TG_GCHART_DOTS, TG_GCHART_BUDGET, TG_GCHART_FUNNEL } tg_gchart_kind;

/* Which chart the grouped indicator 'ind' gets. */
tg_gchart_kind tg_gchart_kind_of(const tg_json *ind);

/* Appends the group of row 'v' (a series or verdict row) as text: its
** 'by' values joined by " · ". */
void tg_gchart_label(tg_sbuf *b, const tg_json *v, const tg_json *by);

/* order[r] = the verdict row shown r-th: Danish order (tg_collate) when
** every group value is text, else the document's. 0 when out of memory. */
int tg_gchart_order(const tg_json *vs, const tg_json *by, size_t *order);

/* The group of verdict row 'v' of 'ind' as the chart and its table name
** it (TG_RNUM_MAX bytes): its label, a funnel's step "1_droeftet" as
** "1. droeftet". 0 when out of memory. */
int tg_gchart_name(const tg_json *ind, const tg_json *v, char *out);

/* The indicator's latest period as it appears in its series (the greatest
** period value; years by number, other periods as text), as a JSON value
** borrowed from the document, or NULL when the series is empty. */
const tg_json *tg_gchart_latest(const tg_json *ind);

/* The series row of the group of verdict row 'v' at the period whose
** text is 'period' (tg_rnum_period), or NULL. */
const tg_json *tg_gchart_row(const tg_json *ind, const tg_json *v, const char *period);

/* tg_gchart_row's answers for every group at once: the series of 'ind'
** (borrowed; it must outlive the index) indexed by period and group text.
** NULL when out of memory. */
typedef struct tg_gchart_rows tg_gchart_rows;
tg_gchart_rows *tg_gchart_rows_new(const tg_json *ind);
/* tg_gchart_row(ind, v, period), from the index. */
const tg_json *tg_gchart_rows_find(const tg_gchart_rows *ix, const tg_json *v, const char *period);
void tg_gchart_rows_free(tg_gchart_rows *ix);

/* The style of the budget chart's numbers: a rate per 100 in per cent
** with one place ("97,3 %", deviations "−6,3 pp"), else tg_rnum_of's. */
tg_rnum tg_gchart_budget_style(const tg_json *ind);

/* Appends the chart of grouped indicator 'ind' (kind tg_gchart_kind_of)
** as one <svg> with ids from 'id', its groups in 'order' (as from
** tg_gchart_order). Out of memory is recorded in b->oom. */
void tg_gchart_draw(tg_sbuf *b, const tg_json *ind, const size_t *order, const char *id);

/* The funnel's reasons: the first array in the indicator's details whose
** rows carry the indicator's period column; NULL when it has none. Its
** label is its first text column other than the period, its count the
** first number column; a row whose count is null or whose "skjult" or
** "suppressed" is true is hidden. */
const tg_json *tg_gchart_reasons(const tg_json *ind, const char **name);

/* Whether reason row 'r' is hidden, and its label (underscores as spaces)
** and count ("" when hidden). */
int tg_gchart_reason(const tg_json *ind, const tg_json *r, char *label, char *count);

/* The reason rows of the latest period in the chart's order (shown ones by
** count, most first, then the hidden ones) into out (room for every row of
** the list) with their counts (NaN when hidden); returns how many. */
size_t tg_gchart_reason_rows(const tg_json *ind, const tg_json **out, double *counts);

/* Appends the bar chart of the reasons at the latest period, or nothing
** when there are none. */
void tg_gchart_reasons_draw(tg_sbuf *b, const tg_json *ind, const char *id);

#endif /* TG_GCHART_H */
