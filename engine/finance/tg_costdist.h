/*
** tg_costdist.h -- the uncertainty of a budget line's actual cost, as a
** distribution of the actual amount around the budget (tegn.scenario's
** omkostninger_usikkerhed). The distribution is stated for the line's
** full-year amount in its price year; a year whose line is scaled (price
** growth, places closed) scales the deviation with it.
*/
#ifndef TG_COSTDIST_H
#define TG_COSTDIST_H

#include "tegn.h"
#include "tg_rng.h"
#include "tg_sim.h"

enum {
    TG_COSTDIST_NONE = 0,  /* the actual cost is the budget */
    TG_COSTDIST_NORMAL,    /* actual = budget + N(mean, sd^2) */
    TG_COSTDIST_LOGNORMAL, /* actual = budget x X, X lognormal with mean 1, sd sd / budget */
    TG_COSTDIST_TRIANGLE   /* actual = budget + triangular(min, mode, max) */
};

typedef struct tg_costdist {
    int kind;
    double mean, sd; /* normal: the deviation's mean (0) and sd; lognormal: sd of the actual */
    double min, mode, max; /* triangle: the deviation's range and most likely value */
} tg_costdist;

/* Checks d for a line whose price-year amount is 'base' (what names it in
** messages): sd >= 0 and finite, min <= mode <= max with min < max, and a
** lognormal line > 0. TG_OK or TG_EARG. */
tg_status tg_costdist_check(const tg_costdist *d, double base, const char *what, tg_error *err);

/* One year's deviation actual - budget of a line budgeted at 'line' kroner
** that year (base in the price year). */
double tg_costdist_draw(const tg_costdist *d, double base, double line, const tg_sim_zig *zig,
                        tg_rng *rng);

#endif
