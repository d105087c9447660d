/*
 * Hand-made feature records for the shot classifier tests: pictures are
 * pseudo-random block layouts (with a little noise per frame, as grain
 * gives) so that no two shots look alike, turned into ShotFeat records as
 * frame() makes them.
 */
#ifndef RS_TEST_SHOT_PICS_H
#define RS_TEST_SHOT_PICS_H

#include <stdint.h>
#include <string.h>

#include "analyze/shots.h"

static uint32_t seed = 12345;

static inline unsigned rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
}

typedef struct Pic {
    double v[3][SHOT_CELLS];
} Pic;

static inline void pic_random(Pic *p)
{
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < SHOT_CELLS; i++)
            p->v[c][i] = c ? 96 + rnd() % 64 : 30 + rnd() % 190;
}

static inline void pic_fill(Pic *p, double y)
{
    for (int i = 0; i < SHOT_CELLS; i++) {
        p->v[0][i] = y;
        p->v[1][i] = p->v[2][i] = 128;
    }
}

/* A feature record of a picture, as frame() makes it, with grain of +-1. */
static inline void feat(ShotFeat *f, const Pic *p, int64_t idx)
{
    uint32_t h[SHOT_HBINS] = { 0 };
    double s = 0, q = 0;
    memset(f, 0, sizeof(*f));
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < SHOT_CELLS; i++) {
            int v = (int)(p->v[c][i] + 0.5) + (int)(rnd() % 3) - 1;
            v = v < 0 ? 0 : v > 255 ? 255 : v;
            f->grid[c][i] = (uint8_t)v;
            if (!c) {
                h[v >> 3]++;
                s += v;
                q += (double)v * v;
            } else {
                h[SHOT_HY + (c - 1) * SHOT_HC + (v >> 4)]++;
            }
        }
    for (int b = 0; b < SHOT_HBINS; b++)
        f->hist[b] = (uint16_t)(h[b] * (double)SHOT_HSCALE / SHOT_CELLS + 0.5);
    f->y_mean = (float)(s / SHOT_CELLS);
    double var = q / SHOT_CELLS - f->y_mean * (double)f->y_mean;
    f->y_sd = (float)(var > 0 ? __builtin_sqrt(var) : 0);
    f->pts = idx;
}

static inline void mix(Pic *out, const Pic *a, const Pic *b, double t)
{
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < SHOT_CELLS; i++)
            out->v[c][i] = (1 - t) * a->v[c][i] + t * b->v[c][i];
}

static inline void wipe(Pic *out, const Pic *a, const Pic *b, double t)
{
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < SHOT_CELLS; i++)
            out->v[c][i] = (i % SHOT_GW) < t * SHOT_GW ? b->v[c][i] : a->v[c][i];
}

#endif
