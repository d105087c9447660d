/* Generated pictures with known motion for the cleanup tests. */
#ifndef CLEANUP_FIXTURES_H
#define CLEANUP_FIXTURES_H

#include <math.h>
#include <stdint.h>

/* A smooth texture defined everywhere, so a sub-pixel shift of it is exact. */
static inline double fx_texture(double x, double y)
{
    static const double k[][4] = {
        /* angle, wavelength, phase, amplitude */
        { 0.3, 31, 0.1, 30 }, { 1.4, 23, 2.0, 26 }, { 2.2, 17, 1.1, 22 }, { 2.9, 13, 0.7, 16 },
        { 0.9, 11, 2.9, 12 }, { 1.9, 9, 0.4, 10 }, { 2.6, 41, 1.7, 24 }, { 0.6, 7.5, 3.1, 8 },
    };
    double v = 128;
    for (unsigned i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        double c = cos(k[i][0]), s = sin(k[i][0]);
        v += k[i][3] * sin(2 * M_PI * (c * x + s * y) / k[i][1] + k[i][2]);
    }
    return v;
}

static inline uint8_t fx_clip(double v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)lrint(v);
}

#endif
