/*
** tg_indicator.h -- an indicator's series judged: the table an
** indicator's compute function returned (one row per group and period)
** becomes a series table with values, intervals and suppression marks,
** and a verdict table with one row per group (tg_judge). The column
** contract by kind:
**   proportion  numerator, denominator [, n = effective n]
**   mean        value, sd, n
**   rate        numerator (events), denominator (exposure) [, n, dispersion]
** plus the period column, the group columns and an optional 'target';
** a sum of money may add top1, top2 (its two largest parts) and parts
** (how many there are) for the dominance rule.
*/
#ifndef TG_INDICATOR_H
#define TG_INDICATOR_H

#include <stddef.h>

#include "tegn.h"
#include "tg_judge.h"
#include "tg_table.h"

/* A period named in a spec (baseline, comparable_from): a number for a
** numeric period column, text (an ISO date, "2021K1", "2023-09") else. */
typedef struct tg_period_lit {
    int set;
    int is_num;
    double num;
    const char *str;
} tg_period_lit;

#define TG_INDICATOR_MAX_BY 8 /* group columns an indicator may have */

typedef struct tg_indicator_spec {
    tg_judge_opts judge;
    const char *const *by; /* group columns (borrowed) */
    size_t n_by;
    const char *period;    /* the period column */
    tg_period_lit from;    /* periods before this are not comparable */
    tg_period_lit base;    /* the baseline period; unset: the first comparable */
    const tg_table *total; /* NULL, or the series of the indicator whose
                           ** periods this one's groups add up to (borrowed;
                           ** no groups, the same period column): its rows
                           ** are the margins of secondary suppression */
    double total_round_to; /* the total's published counts are rounded to this
                           ** (its rules' round_to; 0: exact) */
    int funnel;            /* the groups, in order, are a funnel's steps, each
                           ** a subset of the one before (numerators) */
} tg_indicator_spec;

/* Judges table 't' under 's'. On success *series (rows sorted by group
** and period: the group columns, period, value, lo, hi, the count
** columns of the kind, suppressed, small, and target/deviation/flag when
** 't' has a target) and *verdicts (the group columns, baseline and
** latest period and value, change, change_lo, change_hi, p, q (Benjamini-
** Hochberg over the groups' p), the trend's n, tau, p, slope, slope_lo,
** slope_hi, verdict, reason) are new tables the caller releases. A
** suppressed period has NULL counts and values. With s->total, more
** periods are suppressed (secondary suppression, tg_sdc) until no hidden
** group of a period can be worked out from the total and the groups
** shown: for proportions from the counts, the sizes and their
** differences; for rates from events and exposure; for means from n and
** value * n. With s->funnel (proportions, one group per step, in the
** order of the group columns), more periods are suppressed until no
** number who stopped at a step (a step's count less the next one's) of
** 1 .. min_count - 1 can be worked out from the steps shown. Published
** counts are rounded when the rules say so.
** Errors: TG_EARG for a missing or non-numeric column, a NULL period,
** two rows for one group and period (the message names them), or groups
** that do not add up to the total they claim, a funnel step with more
** than the step before it; TG_ENOMEM. */
tg_status tg_indicator_judge(const tg_table *t, const tg_indicator_spec *s, tg_table **series,
                             tg_table **verdicts, tg_error *err);

#endif /* TG_INDICATOR_H */
