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

static uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

void tg_rng_seed(tg_rng *rng, uint64_t a, uint64_t b) {
    assert(rng != NULL);
    rng->s[0] = splitmix64(&a);
    rng->s[1] = splitmix64(&a);
    rng->s[2] = splitmix64(&b);
    rng->s[3] = splitmix64(&b);
}

uint64_t tg_rng_next(tg_rng *rng) {
    uint64_t *s = rng->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double tg_rng_double(tg_rng *rng) {
    return (double)(tg_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint64_t tg_rng_upto(tg_rng *rng, uint64_t r, uint64_t n) {
    uint64_t mask = n;
    for (int shift = 1; shift < 64; shift *= 2)
        mask |= mask >> shift;
    while ((r & mask) > n)
        r = tg_rng_next(rng);
    return r & mask;
}
