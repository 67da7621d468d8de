/*
** tg_report.h -- the committee report: an indicator document rendered as
** one self-contained HTML file in Danish (no script, no external file, font
** or request), with a front page (verdict counts, strategies, the run's
** inputs with their SHA-256, how to read interval and verdict) and a
** section per indicator: its series chart (tg_chart) with a data table
** beside it, or, for an indicator per group, a table of the groups'
** verdicts. The same document gives the same bytes. A suppressed row
** shows no number from it, whatever the document holds there.
** See docs/report.md.
*/
#ifndef TG_REPORT_H
#define TG_REPORT_H

#include "tegn.h"
#include "tg_histdiff.h"
#include "tg_json.h"

/* The report of 'doc' as a tg_malloc'ed NUL-terminated string the caller
** frees with tg_free; NULL when 'doc' does not have the indicator
** document's shape (tg_indsum_check says why) or on out of memory. */
char *tg_report_html(const tg_json *doc);

/* Writes the report of 'doc' to 'path' atomically (tg_out_write_atomic:
** the old file stays as it was on failure). TG_OK; TG_EDATA when 'doc' is
** not an indicator document (err says why); TG_ENOMEM; TG_EIO. */
tg_status tg_report_write(const tg_json *doc, const char *path, tg_error *err);

/* The same, marked with what changed since an earlier run ('d', from the
** run history, docs/history.md; NULL: unmarked, as tg_report_html): under
** each indicator with a change, "Ændret siden sidste kørsel" and the
** changes (verdicts, revised periods, groups), and in its table the note
** "revideret siden sidste kørsel (var ...)" on each revised period. A
** suppressed value shows as "skjult" there too. */
char *tg_report_html_since(const tg_json *doc, const tg_histdiff *d);
tg_status tg_report_write_since(const tg_json *doc, const tg_histdiff *d, const char *path,
                                tg_error *err);

#endif /* TG_REPORT_H */
