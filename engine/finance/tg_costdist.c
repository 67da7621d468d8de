/*
** tg_costdist.c -- draws of a budget line's actual cost (see
** tg_costdist.h). The normal and triangular deviations are in kroner of
** the price year and scale with the year's line; the lognormal is a factor
** on the line, so an actual cost never turns negative.
*/
#include "tg_costdist.h"

#include <assert.h>
#include <math.h>

#include "tg_err.h"

tg_status tg_costdist_check(const tg_costdist *d, double base, const char *what, tg_error *err) {
    assert(d != NULL && what != NULL);
    switch (d->kind) {
    case TG_COSTDIST_NONE: return TG_OK;
    case TG_COSTDIST_NORMAL:
    case TG_COSTDIST_LOGNORMAL:
        if (!(d->sd >= 0 && isfinite(d->sd)) || !isfinite(d->mean))
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s: sd must be a number >= 0", what);
        if (d->kind == TG_COSTDIST_LOGNORMAL && !(base > 0 && isfinite(base)))
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "%s: a lognormal cost needs a budget line > 0, got %g", what, base);
        break;
    case TG_COSTDIST_TRIANGLE:
        if (!(d->min <= d->mode && d->mode <= d->max && d->min < d->max) || !isfinite(d->min) ||
            !isfinite(d->max))
            return tg_err_set(err, TG_EARG, NULL, 0, 0,
                              "%s: a triangular cost needs min <= typisk <= max and min < max",
                              what);
        break;
    default: return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s: unknown distribution", what);
    }
    if (!(base != 0 && isfinite(base)))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "%s: an uncertain cost needs its line in omkostninger (not 0)", what);
    return TG_OK;
}

/* The triangular distribution on [a, b] with mode c, by inversion. */
static double triangle(double a, double c, double b, double u) {
    double fc = (c - a) / (b - a);
    if (u < fc) return a + sqrt(u * (b - a) * (c - a));
    return b - sqrt((1 - u) * (b - a) * (b - c));
}

double tg_costdist_draw(const tg_costdist *d, double base, double line, const tg_sim_zig *zig,
                        tg_rng *rng) {
    assert(d != NULL && zig != NULL && rng != NULL);
    double scale = base != 0 ? line / base : 0;
    switch (d->kind) {
    case TG_COSTDIST_NORMAL: return scale * (d->mean + d->sd * tg_sim_draw_normal(zig, rng));
    case TG_COSTDIST_LOGNORMAL:
        if (!(d->sd > 0)) return 0;
        return line * (tg_sim_draw_lognormal(zig, rng, 1.0, d->sd / base) - 1);
    case TG_COSTDIST_TRIANGLE: return scale * triangle(d->min, d->mode, d->max, tg_rng_double(rng));
    default: return 0;
    }
}
