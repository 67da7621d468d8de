/*
** tg_rng.c -- xoshiro256** seeded by splitmix64 (see tg_rng.h). The
** constants are the published ones; nothing here depends on the platform.
*/
#include "tg_rng.h"

#include <assert.h>
#include <stddef.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

void tg_rng_seed(tg_rng *rng, uint64_t a, uint64_t b) {
    assert(rng != NULL);
    rng->s[0] = splitmix64(&a);
    rng->s[1] = splitmix64(&a);
    rng->s[2] = splitmix64(&b);
    rng->s[3] = splitmix64(&b);
}

uint64_t tg_rng_upto(tg_rng *rng, uint64_t r, uint64_t n) {
    uint64_t mask = n;
    for (int shift = 1; shift < 64; shift *= 2) mask |= mask >> shift;
    while ((r & mask) > n) r = tg_rng_next(rng);
    return r & mask;
}
