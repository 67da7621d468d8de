/*
** tg_rng.h -- the seeded pseudo-random generator behind math.random and
** simulations: xoshiro256** (Blackman and Vigna) seeded through
** splitmix64. Pure 64-bit integer arithmetic, so one seed gives the same
** sequence on every machine and compiler.
*/
#ifndef TG_RNG_H
#define TG_RNG_H

#include <stdint.h>

typedef struct tg_rng {
    uint64_t s[4];
} tg_rng;

/* Seeds from two words: s[0], s[1] are the first two splitmix64 outputs
** starting from a, s[2], s[3] the first two starting from b. The state is
** never all zero (splitmix64 is a bijection of its counter). */
void tg_rng_seed(tg_rng *rng, uint64_t a, uint64_t b);

/* The next 64 random bits. Inline: simulations draw hundreds of millions. */
static inline uint64_t tg_rng_next(tg_rng *rng) {
    uint64_t *s = rng->s;
    uint64_t x = s[1] * 5;
    uint64_t out = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return out;
}

/* A double in [0, 1): the top 53 bits of the next draw times 2^-53. */
static inline double tg_rng_double(tg_rng *rng) {
    return (double)(tg_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* A uniform integer in [0, n] from the draw r, drawing again (from rng)
** while r masked to the next 2^k - 1 exceeds n: no modulo bias, fewer
** than two draws on average. */
uint64_t tg_rng_upto(tg_rng *rng, uint64_t r, uint64_t n);

#endif /* TG_RNG_H */
