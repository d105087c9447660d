/* Generated shots with known truth for the deflicker's tests. */
#ifndef CLEANUP_DEFLICKER_FIXTURES_H
#define CLEANUP_DEFLICKER_FIXTURES_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup_fixtures.h"
#include "../rs_test.h"
#include "rushes/deflicker.h"
#include "rushes/error.h"

#define W 160
#define H 96
#define N 32

typedef struct Scene {
    double vx, vy;        /* pan, pixels per frame */
    int step_at;          /* from this frame the light is step_gain brighter (0: never) */
    double step_gain;
    double ramp;          /* the light rises by this fraction over the shot */
    int object;           /* a bright square crossing at 6 px per frame */
    int fade;             /* frames of an S-curve to fade_to and as many back, after 4 frames and a hold of 4 */
    double fade_to;       /* the level faded to: 16 (black) or 235 (white); chroma goes to grey */
    /* Flicker: per-frame gain amplitude (global), gain amplitude growing from 0 on the left
     * edge to this on the right (regional), luma offset and chroma offset amplitudes. */
    double gain, regional, offset, chroma;
} Scene;

/* Chroma subsampling of the generated shots: 4:2:0 unless a test says otherwise. */
static int lcw = 1, lch = 1;
#define CW (W >> lcw)
#define CH (H >> lch)

typedef struct Shot {
    int depth;
    uint8_t *buf;
    float *ref;           /* the truth, clipped, plane after plane, frame after frame */
    RsDeflickerFrame f[N];
} Shot;

/* A fixed pseudo-random sequence in [-1, 1], so the test is reproducible. */
static inline double rnd(int t, int k)
{
    uint32_t x = (uint32_t)t * 0x9E3779B9u + (uint32_t)k * 0x85EBCA6Bu + 0x165667B1u;
    x ^= x >> 16, x *= 0x85EBCA6Bu, x ^= x >> 13, x *= 0xC2B2AE35u, x ^= x >> 16;
    return (x >> 8) / (double)(1 << 23) - 1;
}

/* The clean picture (the truth), 8-bit levels; p 0 luma, 1 and 2 chroma at chroma coordinates. */
static inline double truth(const Scene *s, int t, double x, double y, int p)
{
    double lx = p ? (x + 0.5) * (1 << lcw) - 0.5 : x, ly = p ? (y + 0.5) * (1 << lch) - 0.5 : y;
    double v;
    if (s->object && lx >= 20 + 6 * t && lx < 52 + 6 * t && ly >= 40 && ly < 72)
        v = p ? 128 + 0.4 * (fx_texture(lx - 6 * t, ly + 90) - 128) : 190 + 0.4 * (fx_texture(lx - 6 * t, ly) - 128);
    else if (p)
        v = 128 + 0.3 * (fx_texture(lx - s->vx * t + 300 * p, ly - s->vy * t) - 128);
    else
        v = 0.8 * (fx_texture(lx - s->vx * t, ly - s->vy * t) - 128) + 118;
    double light = 1 + s->ramp * t / (N - 1) + (s->step_at && t >= s->step_at ? s->step_gain - 1 : 0);
    v = p ? 128 + light * (v - 128) : light * v;
    if (s->fade) {
        /* A dissolve to a flat level, as an editor makes it: smoothstep out, hold, smoothstep back in. */
        const int a = 4, b = a + s->fade, c = b + 4, d = c + s->fade;
        double u = t < a ? 0 : t < b ? (double)(t - a) / s->fade : t < c ? 1 : t < d ? 1 - (double)(t - c) / s->fade : 0;
        u = u * u * (3 - 2 * u);
        v = p ? 128 + (1 - u) * (v - 128) : s->fade_to + (1 - u) * (v - s->fade_to);
    }
    return v;
}

static inline double flickered(const Scene *s, int t, double x, double y, int p, double v)
{
    double lx = p ? (x + 0.5) * (1 << lcw) - 0.5 : x;
    double g = 1 + s->gain * rnd(t, 1) + s->regional * rnd(t, 2) * lx / W;
    if (p)
        return 128 + g * (v - 128) + s->chroma * rnd(t, 2 + p);
    return g * v + s->offset * rnd(t, 3);
}

static inline void put(Shot *sh, int t, int p, int x, int y, double v)
{
    const double m = (1 << sh->depth) - 1;
    v = v * (1 << (sh->depth - 8));
    v = v < 0 ? 0 : v > m ? m : v;
    uint8_t *row = (uint8_t *)sh->f[t].plane[p] + y * sh->f[t].stride[p];
    if (sh->depth == 8)
        row[x] = (uint8_t)lrint(v);
    else
        ((uint16_t *)row)[x] = (uint16_t)lrint(v);
}

static inline double get(const Shot *sh, int t, int p, int x, int y)
{
    const uint8_t *row = (const uint8_t *)sh->f[t].plane[p] + y * sh->f[t].stride[p];
    return (sh->depth == 8 ? row[x] : ((const uint16_t *)row)[x]) / (double)(1 << (sh->depth - 8));
}

static inline double ref_at(const Shot *sh, int t, int p, int x, int y)
{
    const float *f = sh->ref + (size_t)t * (W * H + 2 * CW * CH);
    return p ? f[W * H + (p - 1) * CW * CH + y * CW + x] : f[y * W + x];
}

static inline void drop(Shot *sh)
{
    free(sh->buf);
    free(sh->ref);
}

static inline void make(Shot *sh, const Scene *s, int depth, int with_flicker)
{
    const int bs = depth > 8 ? 2 : 1, ln = W * H * bs, cn = CW * CH * bs;
    sh->depth = depth;
    sh->buf = malloc((size_t)N * (ln + 2 * cn));
    float *r = sh->ref = malloc(sizeof(float) * N * (W * H + 2 * CW * CH));
    for (int t = 0; t < N; t++) {
        uint8_t *b = sh->buf + (size_t)t * (ln + 2 * cn);
        sh->f[t] = (RsDeflickerFrame){ { b, b + ln, b + ln + cn }, { W * bs, CW * bs, CW * bs } };
        for (int p = 0; p < 3; p++)
            for (int y = 0; y < (p ? CH : H); y++)
                for (int x = 0; x < (p ? CW : W); x++)
                {
                    const double v = truth(s, t, x, y, p);
                    *r++ = (float)(v < 0 ? 0 : v > 255 ? 255 : v);
                    put(sh, t, p, x, y, with_flicker ? flickered(s, t, x, y, p, v) : v);
                }
    }
}

/* RMS error of plane p (0 luma, 1 both chroma planes) against the truth over all frames. */
static inline double rms(const Shot *sh, const Scene *s, int chroma)
{
    double e = 0;
    long k = 0;
    for (int t = 0; t < N; t++)
        for (int p = chroma ? 1 : 0; p < (chroma ? 3 : 1); p++)
            for (int y = 0; y < (p ? CH : H); y++)
                for (int x = 0; x < (p ? CW : W); x++, k++) {
                    const double v = ref_at(sh, t, p, x, y);
                    e += (get(sh, t, p, x, y) - v) * (get(sh, t, p, x, y) - v);
                }
    return sqrt(e / k);
}

/*
 * What is left of fast flicker: the mean |second temporal difference| of
 * the error (out - truth) averaged over each region of a 4 x 2 grid. A
 * level that is wrong but steady does not count; one that jumps does.
 */
static inline double flicker(const Shot *sh, const Scene *s)
{
    double e[N][8] = { { 0 } }, f = 0;
    for (int t = 0; t < N; t++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const double v = ref_at(sh, t, 0, x, y);
                e[t][(y * 2 / H) * 4 + x * 4 / W] += (get(sh, t, 0, x, y) - v) / (W * H / 8);
            }
    for (int t = 1; t < N - 1; t++)
        for (int r = 0; r < 8; r++)
            f += fabs(e[t + 1][r] - 2 * e[t][r] + e[t - 1][r]) / (8 * (N - 2));
    return f;
}

static inline double frame_mean(const Shot *sh, int t)
{
    double m = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            m += get(sh, t, 0, x, y);
    return m / (W * H);
}

static inline double truth_mean(const Shot *sh, int t)
{
    double m = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            m += ref_at(sh, t, 0, x, y);
    return m / (W * H);
}

static inline int run(Shot *sh, int window, RsDeflickerStats *st)
{
    RsDeflickerSettings s;
    rs_deflicker_default_settings(&s);
    s.window = window;
    s.threads = 2;
    return rs_deflicker_frames(sh->f, N, W, H, sh->depth, lcw, lch, &s, st);
}

#endif
