/*
** tg_optim.h -- the one home of derivative-free minimisation: a
** Nelder-Mead simplex in a box (reflection 1, expansion 2, contraction
** 1/2, shrink 1/2), every trial point projected onto the box. Used by the
** exponential smoothing fits (tg_forecast, tg_ets). Deterministic and
** allocation-free: the simplex lives on the stack.
*/
#ifndef TG_OPTIM_H
#define TG_OPTIM_H

#define TG_OPTIM_MAX_DIM 72 /* coordinates a simplex may have */

/* The function to minimise at x[0..k); HUGE_VAL marks a point outside
** the feasible region (the simplex then moves away from it). */
typedef double (*tg_optim_fn)(void *ctx, const double *x);

/* One run. lo[i] <= x[i] <= hi[i] (infinite bounds allowed). The initial
** simplex is x and, per coordinate i, x moved by step[i] towards the
** middle of its box (upwards when a bound is infinite). A run stops when
** the worst and best values differ by less than ftol relative (plus
** 1e-300) and the simplex is smaller than xtol in every coordinate, when
** it is smaller than 1e-9, or after max_evals evaluations. */
typedef struct tg_optim_nm {
    int k;
    const double *lo, *hi, *step;
    double ftol, xtol;
    int max_evals;
} tg_optim_nm;

/* Minimises f from x (k coordinates, k <= TG_OPTIM_MAX_DIM), leaves the
** best vertex in x and returns its value. */
double tg_optim_nelder_mead(const tg_optim_nm *nm, tg_optim_fn f, void *ctx, double *x);

#endif /* TG_OPTIM_H */
