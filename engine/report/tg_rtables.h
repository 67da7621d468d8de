/*
** tg_rtables.h -- the report of a document that is not an indicator
** document but holds the tables of a scenario or a forecast, as
** examples/scenarie_kapacitet.lua and examples/prognose.lua emit them
** (tegn.emit{...}). The tables are told by their columns:
**   - a scenario (tegn.scenario.run): rows with "aar" and
**     "doegntakst_p5", "doegntakst_p50", "doegntakst_p95", a group per
**     tilbud: a fan chart of the takst's median and 5-95 % range per year;
**   - a forecast (tegn.forecast.holt_winters): rows with "h", "point" and
**     interval columns "loNN"/"hiNN", the time column just before "h" and
**     the group columns before that: per group the history (from another
**     table of the document with the same group and time columns), the
**     point forecast and its two widest intervals.
** See docs/report.md.
*/
#ifndef TG_RTABLES_H
#define TG_RTABLES_H

#include "tg_json.h"
#include "tg_sbuf.h"

#define TG_RTABLES_SCENARIO 1
#define TG_RTABLES_FORECAST 2

/* The number of scenario and forecast tables among doc's members; *kinds
** (may be NULL) gets which of the two there are (TG_RTABLES_*). */
int tg_rtables_count(const tg_json *doc, int *kinds);

/* Appends a list of links to the tables' sections. */
void tg_rtables_toc(tg_sbuf *b, const tg_json *doc);

/* Appends a <section> per table: an <article> per group with its chart
** and the numbers behind it. Out of memory is recorded in b->oom. */
void tg_rtables_sections(tg_sbuf *b, const tg_json *doc);

#endif /* TG_RTABLES_H */
