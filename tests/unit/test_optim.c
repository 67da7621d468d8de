/*
** test_optim.c -- the Nelder-Mead of tg_optim.c: minima known in closed
** form (a quadratic inside the box and one whose minimum lies outside it,
** so the answer is the projection on a bound), the evaluation cap, and
** unbounded coordinates.
*/
#include "tg_test.h"

#include <math.h>

#include "tg_optim.h"

typedef struct counted {
    int calls;
    double cx, cy;
} counted;

/* (x - cx)^2 + 10 (y - cy)^2 + 1: minimum 1 at (cx, cy). */
static double bowl(void *ctx, const double *x) {
    counted *c = ctx;
    c->calls++;
    return (x[0] - c->cx) * (x[0] - c->cx) + 10 * (x[1] - c->cy) * (x[1] - c->cy) + 1;
}

static void test_optim_inside(void **state) {
    static const double lo[2] = { 0, 0 }, hi[2] = { 1, 1 }, step[2] = { 0.1, 0.1 };
    tg_optim_nm nm = { 2, lo, hi, step, 1e-14, 1e-7, 2000 };
    counted c = { 0, 0.3, 0.7 };
    double x[2] = { 0.9, 0.1 }, f;
    (void)state;
    f = tg_optim_nelder_mead(&nm, bowl, &c, x);
    assert_true(fabs(f - 1) < 1e-12);
    assert_true(fabs(x[0] - 0.3) < 1e-6 && fabs(x[1] - 0.7) < 1e-6);
    assert_true(c.calls <= 2000 + 4); /* one iteration may pass the cap by k + 1 */
}

static void test_optim_bound(void **state) {
    /* The minimum (1.5, -0.2) is outside [0, 1]^2: the answer is (1, 0),
    ** f = 0.25 + 0.4 + 1. */
    static const double lo[2] = { 0, 0 }, hi[2] = { 1, 1 }, step[2] = { 0.1, 0.1 };
    tg_optim_nm nm = { 2, lo, hi, step, 1e-14, 1e-9, 4000 };
    counted c = { 0, 1.5, -0.2 };
    double x[2] = { 0.5, 0.5 }, f;
    (void)state;
    f = tg_optim_nelder_mead(&nm, bowl, &c, x);
    assert_true(x[0] == 1 && x[1] == 0);
    assert_true(fabs(f - 1.65) < 1e-12);
}

static void test_optim_unbounded_and_cap(void **state) {
    const double lo[2] = { -HUGE_VAL, -HUGE_VAL }, hi[2] = { HUGE_VAL, HUGE_VAL },
                 step[2] = { 1, 1 };
    tg_optim_nm nm = { 2, lo, hi, step, 1e-14, 1e-7, 3000 };
    counted c = { 0, -40, 25 };
    double x[2] = { 0, 0 }, f;
    (void)state;
    f = tg_optim_nelder_mead(&nm, bowl, &c, x);
    assert_true(fabs(x[0] + 40) < 1e-5 && fabs(x[1] - 25) < 1e-5);
    assert_true(fabs(f - 1) < 1e-9);
    /* Ten evaluations allowed: the 3 of the first simplex and a few steps. */
    nm.max_evals = 10;
    c.calls = 0;
    x[0] = x[1] = 0;
    tg_optim_nelder_mead(&nm, bowl, &c, x);
    assert_true(c.calls >= 10 && c.calls <= 10 + 3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optim_inside),
        cmocka_unit_test(test_optim_bound),
        cmocka_unit_test(test_optim_unbounded_and_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
