/*
** tg_judge.h -- the verdict on a success sign ("tegn på succes"): one
** group's series of periods in, an estimate with its interval per period
** and a three-way verdict relative to the indicator's direction out. The
** statistics are tg_stats'; this module decides which test applies to
** which kind of indicator, what is too small to show or to judge, and how
** the baseline-versus-latest comparison and the trend combine. Pure
** computation: no tables, no Lua, no allocation except in tg_stats_trend.
*/
#ifndef TG_JUDGE_H
#define TG_JUDGE_H

#include <stddef.h>

#include "tegn.h"
#include "tg_sdc.h"
#include "tg_stats.h"

/* What a period's number is. */
typedef enum tg_judge_kind {
    TG_JUDGE_PROPORTION, /* a share of people or cases: numerator / denominator */
    TG_JUDGE_MEAN,       /* a mean score with its standard deviation and n */
    TG_JUDGE_RATE        /* events per exposure (sick days per FTE-year) */
} tg_judge_kind;

typedef enum tg_verdict {
    TG_VERDICT_NOT_JUDGED,
    TG_VERDICT_IMPROVED,
    TG_VERDICT_NO_CLEAR_CHANGE,
    TG_VERDICT_WORSE
} tg_verdict;

typedef struct tg_judge_opts {
    tg_judge_kind kind;
    int direction;         /* +1: a rise is good; -1: a fall is good */
    double conf;           /* interval level, e.g. 0.95; tests use 1 - conf */
    double per;            /* rates: value = events / exposure * per */
    double min_n;          /* both ends of a comparison need n >= min_n */
    tg_sdc_rules sdc;      /* which counts hide a period's numbers (tg_sdc);
                           ** sdc.min_count is the spec's suppress_below */
    double flag_deviation; /* |value - target| >= this sets flag; NaN: none */
    int census;            /* a full count, not a sample (occupancy from the
                           ** registers): no intervals, no verdict, only flags */
    int first_judged;      /* the baseline is the first comparable point that
                           ** can be judged (not suppressed, not small), so a
                           ** suppressed first year does not leave a group
                           ** unjudged; x_base is then ignored */
} tg_judge_opts;

/* One period of one group. The caller fills the inputs its kind uses
** (NaN where unknown) and x; tg_judge_point fills the outputs. */
typedef struct tg_judge_point {
    double x;          /* the period on the trend's axis (the year, or a rank) */
    double num, den;   /* proportion: numerator, denominator (weighted sums
                       ** for a weighted survey); rate: events, exposure */
    double n;          /* proportion: effective n (NaN: den); mean: respondents */
    double mean, sd;   /* mean kind */
    double target;     /* a goal or budget to compare with; NaN: none */
    double dispersion; /* rates: variance / mean of the events (quasi-Poisson,
                       ** >= 1 when days cluster in persons); NaN or < 1: 1 */
    double top1, top2; /* the two largest contributions to num (a sum of
                       ** money) for the dominance rule; 0 or NaN: none */
    double parts;      /* how many contribute to num; 0 or NaN: unknown */
    /* outputs */
    double value, lo, hi; /* NaN when suppressed or undefined */
    double size;          /* the n that min_n is checked against */
    int suppressed;       /* a tg_sdc_reason: 0 shown, else why hidden */
    int small;            /* shown, but too small to judge */
    int flag;             /* |value - target| >= flag_deviation */
} tg_judge_point;

typedef struct tg_judge_verdict {
    tg_verdict verdict;
    const char *reason;  /* a short English sentence (static storage) */
    long base, last;     /* indices of the compared points; -1: none */
    int has_change;      /* change below is filled */
    int change_is_ratio; /* rates: change.est is latest / baseline */
    tg_test_result change;
    int has_trend; /* trend below is filled (>= 3 usable periods) */
    tg_trend trend;
} tg_judge_verdict;

/* Default options for 'kind': direction +1, conf 0.95, per 1, min_n 20,
** the "tegn" disclosure rules (a count or its complement of 1-4 hidden),
** no flags, not a census. */
void tg_judge_opts_init(tg_judge_opts *o, tg_judge_kind kind);

/* Fills the outputs of one point: the value and its interval (Wilson for
** proportions, t for means, exact Poisson for rates), the size checked
** against min_n, and the suppression, small and flag marks. The primary
** disclosure rules of o->sdc decide suppression: proportions on the count
** x = value * n and on n - x, rates on the events and the size, means on
** n; with top1 given, the dominance rule on num. A suppressed point keeps
** its inputs (the caller must not publish them). */
void tg_judge_point_fill(tg_judge_point *p, const tg_judge_opts *o);

/* Judges one group's points, which must be filled and sorted by x. Points
** with x < x_from are not comparable with the later ones (a question's
** wording changed) and take no part. The baseline is the comparable point
** with x == x_base, or the first comparable one when x_base is NaN or
** absent, or with o->first_judged the first comparable one that can be
** judged (before the latest); the latest is the last comparable point. The change is the
** difference (proportions, means) or ratio (rates) latest versus baseline
** with its interval; with three or more comparable, unsuppressed points
** a Mann-Kendall test and Theil-Sen slope are added. The verdict is
** IMPROVED or WORSE when the change's interval excludes no change on that
** side of 'direction' and a significant trend does not point the other
** way, NO_CLEAR_CHANGE otherwise, and NOT_JUDGED when a compared point is
** suppressed or small, or there is nothing to compare, or for a census
** (which has no sampling error to judge a change against; its targets are
** flagged instead). Errors: TG_ENOMEM (from the trend). */
tg_status tg_judge_group(const tg_judge_point *pts, size_t n, double x_from, double x_base,
                         const tg_judge_opts *o, tg_judge_verdict *out, tg_error *err);

/* "improved", "no_clear_change", "worse", "not_judged". */
const char *tg_judge_verdict_name(tg_verdict v);

#endif /* TG_JUDGE_H */
