/* Value noise over a hashed lattice; see noise.h. */
#include <math.h>

#include "demo/noise.h"

void demo_noise_init(DemoNoise *n, uint32_t seed)
{
    for (uint32_t i = 0; i < DEMO_NOISE_SIZE * DEMO_NOISE_SIZE; i++)
        n->v[i] = demo_hashf(demo_hash(seed * 0x9e3779b9U) ^ i);
}

static inline float smooth(float t)
{
    return t * t * (3.0f - 2.0f * t);
}

float demo_noise2(const DemoNoise *n, float x, float y)
{
    float fx = floorf(x), fy = floorf(y);
    int ix = (int)fx & (DEMO_NOISE_SIZE - 1), iy = (int)fy & (DEMO_NOISE_SIZE - 1);
    int jx = (ix + 1) & (DEMO_NOISE_SIZE - 1), jy = (iy + 1) & (DEMO_NOISE_SIZE - 1);
    float tx = smooth(x - fx), ty = smooth(y - fy);
    const float *r0 = n->v + iy * DEMO_NOISE_SIZE, *r1 = n->v + jy * DEMO_NOISE_SIZE;
    float a = r0[ix] + (r0[jx] - r0[ix]) * tx;
    float b = r1[ix] + (r1[jx] - r1[ix]) * tx;
    return a + (b - a) * ty;
}

float demo_fbm2(const DemoNoise *n, float x, float y, int octaves)
{
    float sum = 0.0f, amp = 0.5f;
    for (int o = 0; o < octaves; o++) {
        sum += amp * demo_noise2(n, x, y);
        /* Each octave is shifted so the lattices do not line up. */
        x = x * 2.03f + 17.1f;
        y = y * 2.03f + 31.7f;
        amp *= 0.5f;
    }
    return sum * 1.07f;
}

float demo_noise1(uint32_t seed, float t)
{
    float ft = floorf(t);
    int32_t i = (int32_t)ft;
    float a = demo_hashf(seed ^ demo_hash((uint32_t)i));
    float b = demo_hashf(seed ^ demo_hash((uint32_t)(i + 1)));
    return a + (b - a) * smooth(t - ft);
}
