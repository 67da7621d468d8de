/*
** tg_sdc.h -- statistical disclosure control for what tegn publishes:
** the primary rules that decide from one cell alone whether it is shown
** (a minimum count on the count and on its complement, zeros that put a
** whole group in one class, one or two contributors dominating a sum,
** rounding), grouped as named rule sets, and secondary suppression over
** the margins a table publishes, which hides further cells, cheapest
** first, until no hidden cell can be worked out to a single value from
** what is shown. Pure computation: no tables, no Lua (docs/disclosure.md).
*/
#ifndef TG_SDC_H
#define TG_SDC_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"

/* A rule set. Counts may be weighted (fractional); the comparisons
** allow for rounding noise. */
typedef struct tg_sdc_rules {
    const char *name;  /* "tegn", "dst" or "custom" (static storage) */
    double min_count;  /* a count from 1 to min_count - 1 is hidden */
    int complement;    /* the rule applies to n - x as well as to x */
    int zero_hides;    /* a count of 0 (and n - x = 0 with complement) is
                       ** hidden too: everyone in the group shares the
                       ** answer, which discloses them all */
    double p_percent;  /* dominance, p %-rule: a sum is hidden when the
                       ** rest beyond its two largest parts is under p %
                       ** of the largest; NaN: no rule */
    double nk_n, nk_k; /* dominance, (n, k)-rule: hidden when the nk_n
                       ** largest parts are more than nk_k % of the sum;
                       ** NaN: no rule */
    double round_to;   /* published counts are rounded to a multiple of
                       ** this (half up); 0: not rounded */
} tg_sdc_rules;

/* Why a cell is hidden; TG_SDC_SHOWN when it is not. */
typedef enum tg_sdc_reason {
    TG_SDC_SHOWN = 0,
    TG_SDC_SMALL,      /* the count is 1 .. min_count - 1, or n is */
    TG_SDC_COMPLEMENT, /* n - x is 1 .. min_count - 1 */
    TG_SDC_ZERO,       /* x or n - x is 0 and zero_hides is set */
    TG_SDC_DOMINANCE,  /* one or two parts dominate the sum */
    TG_SDC_SECONDARY   /* shown by the primary rules, hidden to protect others */
} tg_sdc_reason;

/* Fills 'r' with the named set and returns 1, or returns 0 (r unchanged)
** for a name it does not know. "tegn": minimum 5 on x and n - x, zeros
** shown, p %-rule with p = 10, no rounding. "dst": the same with minimum 3
** (Danmarks Statistik's minimum of 3 individuals per group). The sources of
** each rule: docs/disclosure.md, "Rule sets". */
int tg_sdc_rules_named(tg_sdc_rules *r, const char *name);

/* "small", "complement", "zero", "dominance", "secondary"; "" for SHOWN. */
const char *tg_sdc_reason_name(tg_sdc_reason why);

/* The primary rule for a count x of n (n NaN: a count with no total, so
** no complement and no zero rule). A size n itself below min_count is
** SMALL whatever x is. */
tg_sdc_reason tg_sdc_count(const tg_sdc_rules *r, double x, double n);

/* Whether a sum 'total' whose largest parts are top[0] >= top[1] >= ...
** (n_top of them; missing ones count as 0) is dominated under the
** p %-rule or the (n, k)-rule of 'r'. A sum with fewer than 3 parts is
** always dominated under the p %-rule (each part knows the other). */
int tg_sdc_dominated(const tg_sdc_rules *r, double total, const double *top, size_t n_top,
                     double n_parts);

/* 'count' rounded to r->round_to (unchanged when 0 or not finite). */
double tg_sdc_round(const tg_sdc_rules *r, double count);

/* ---- secondary suppression ---- */

/* One term of a published margin: the quantity 'value' of cell 'cell'
** with sign +1 (a part) or -1 (the total), so the terms of a line sum to
** 0. A cell (a published row) may have terms in several lines (its count
** in one, its size in another); hiding is per cell. lo and hi are what a
** reader knows of the value when the cell is hidden (a hidden count of
** 1-4 is in [1, 4]; a cell hidden for no reason of its own in [0, inf]). */
typedef struct tg_sdc_term {
    size_t cell;
    int sign;
    double value, lo, hi;
    int free; /* 1: a quantity never published and never protected (a
              ** funnel's number who stopped at a step, when the rules do
              ** not hide it): its cell is hidden, so it widens the others'
              ** ranges by its bounds, but a reader may pin it */
} tg_sdc_term;

/* The bounds [*lo, *hi] the secondary search assumes a reader knows of a
** hidden quantity v: for a count, [1, min_count - 1] when v is 1 to
** min_count - 1 (the rule is public), [min_count, inf] when it is at least
** that, [0, min_count - 1] for 0; [0, inf] for anything else (a weighted
** sum, an exposure). Narrower than what a reader who knows only the rules
** can say, never wider, so a line the search judges safe is safe for that
** reader too (the attack test checks it exactly). */
void tg_sdc_bounds(const tg_sdc_rules *r, double v, int is_count, double *lo, double *hi);

/* The values term 'i' of the line terms[0 .. n) can take given the
** shown terms' values and the hidden terms' bounds: [*lo, *hi]. */
void tg_sdc_range(const tg_sdc_term *terms, size_t n, const uint8_t *hidden, size_t i, double *lo,
                  double *hi);

/* Hides cells until, in every line, every hidden term's range (but a free
** one's) is at least one unit wide, and returns the number of lines left exposed
** because no cell could be chosen. Line k is terms[start[k] ..
** start[k + 1]). hidden (one per cell, n_cells of them) is read and
** updated: cells it adds are set to TG_SDC_SECONDARY. Each round hides
** the cheapest shown cell of an exposed line (least cost[cell], then
** lowest index; a cell with infinite cost, such as a total another table
** has published, is never chosen). */
size_t tg_sdc_secondary(const tg_sdc_term *terms, const size_t *start, size_t n_lines,
                        const double *cost, uint8_t *hidden, size_t n_cells);

#endif /* TG_SDC_H */
