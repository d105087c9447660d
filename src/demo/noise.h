/*
 * Deterministic randomness for the demo: integer hashes, a small PRNG and 2-D
 * value noise. Everything derives from the demo seed, so the same seed gives
 * the same pictures and sounds on every machine.
 */
#ifndef RS_DEMO_NOISE_H
#define RS_DEMO_NOISE_H

#include <stdint.h>

/* A 32-bit integer mix (good avalanche); the basis of every hash below. */
static inline uint32_t demo_hash(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static inline uint32_t demo_hash3(uint32_t a, uint32_t b, uint32_t c)
{
    return demo_hash(a ^ demo_hash(b ^ demo_hash(c)));
}

/* splitmix64: a tiny PRNG for planning (event frames, positions). */
typedef struct DemoRng {
    uint64_t s;
} DemoRng;

static inline void demo_rng_init(DemoRng *r, uint32_t seed, uint32_t stream)
{
    r->s = ((uint64_t)seed << 32) ^ (uint64_t)stream * 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t demo_rng_next(DemoRng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi] for integers, [lo, hi) for floats. */
static inline int demo_rng_int(DemoRng *r, int lo, int hi)
{
    return lo + (int)(demo_rng_next(r) % (uint64_t)(hi - lo + 1));
}

static inline float demo_rng_float(DemoRng *r, float lo, float hi)
{
    return lo + (hi - lo) * (float)(demo_rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

/* Hash to a float in [-1, 1). */
static inline float demo_hashf(uint32_t h)
{
    return (float)(demo_hash(h) >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

#define DEMO_NOISE_SIZE 256

/* A 256x256 lattice of random values for value noise; tiles seamlessly. */
typedef struct DemoNoise {
    float v[DEMO_NOISE_SIZE * DEMO_NOISE_SIZE];
} DemoNoise;

void demo_noise_init(DemoNoise *n, uint32_t seed);

/* Smooth value noise in [-1, 1] at (x, y), lattice spacing 1. */
float demo_noise2(const DemoNoise *n, float x, float y);

/* Fractal sum of octaves of demo_noise2, roughly in [-1, 1]. */
float demo_fbm2(const DemoNoise *n, float x, float y, int octaves);

/* Smooth 1-D noise in [-1, 1] from a hash lattice: camera shake, flicker. */
float demo_noise1(uint32_t seed, float t);

#endif /* RS_DEMO_NOISE_H */
