/*
** tg_indsum.h -- the terminal summary of an indicator document: one line
** per indicator under its strategy, with the latest value and interval,
** the change since the baseline and the verdict, in Danish number format
** (decimal comma), as a committee reads it. Grouped indicators (per
** tilbud) get one line counting their groups' verdicts and flags.
*/
#ifndef TG_INDSUM_H
#define TG_INDSUM_H

#include "tg_json.h"

/* 1 when 'doc' has the shape the summary reads: an "indicators" list of
** objects, each with a string "title" and "series" and "verdicts" lists of
** objects ("by", when present, a list). Otherwise 0, with the first thing
** amiss in 'why' ("indicators[2] is not an indicator (no "title")"), so any
** JSON a user names gets a message and never reaches an assert. */
int tg_indsum_check(const tg_json *doc, char *why, size_t cap);

/* The summary of 'doc' (as tegn.indicator's runs write it) as text, a
** tg_malloc'ed string the caller frees with tg_free; NULL when
** tg_indsum_check refuses 'doc' or on out of memory. */
char *tg_indsum_format(const tg_json *doc);

/* The same; with 'groups', a grouped indicator's line is followed by one
** line per group: its keys, latest period and value, the change since its
** baseline and its verdict (`tegn summary --groups`). */
char *tg_indsum_format_groups(const tg_json *doc, int groups);

/* The Danish word for a verdict code ("improved" -> "forbedret"; anything
** else "ikke vurderet"), shared by the summary and the report. */
const char *tg_indsum_verdict_da(const char *code);
/* The same with a symbol, capitalised, so it reads in greyscale
** ("▲ Forbedret", "● Ingen klar ændring", "▼ Forværret", "○ Ikke vurderet"):
** the report's badges and chart labels. */
const char *tg_indsum_verdict_mark(const char *code);

/* The row of 'series' (an array of row objects) with the latest value in
** column 'key' (groups end at different periods): numbers compare as
** numbers, text (quarters, months, dates) as text; NULL for no rows. */
const tg_json *tg_indsum_latest(const tg_json *series, const char *key);

/* The full name of a strategy code ("kbh", "regionh", "regsj"), or NULL
** for a code tegn does not know. */
const char *tg_indsum_strategy_name(const char *code);

#endif /* TG_INDSUM_H */
