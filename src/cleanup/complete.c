/*
 * Completing a flow field inside a hole when the camera moves.
 *
 * Diffusing the border's flow inwards (rs_fill_complete) keeps the border's
 * value along the inward normal: right for a still camera, wrong for a
 * zoom, a rotation or a tracking shot, where the background's motion changes
 * across the hole. Here the background's motion is modelled as an affine
 * field fitted robustly to the flow in a band around the hole (outliers such
 * as other moving objects weigh little); what the border's flow departs from
 * that model is diffused in as before, and fades with depth in thick holes,
 * so deep inside the model speaks. Thin holes (a wire, a line) keep the
 * border's departures in full: both sides see the background there, and the
 * departures are the background's own motion (a car passing under a wire).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/fill.h"
#include "rushes/error.h"

/* Solve the 3x3 system m x = b by Cramer's rule; 0 when it is singular. */
static int solve3(const double m[9], const double b[3], double x[3])
{
    const double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                       m[2] * (m[3] * m[7] - m[4] * m[6]);
    if (fabs(det) < 1e-9)
        return 0;
    for (int k = 0; k < 3; k++) {
        double a[9];
        memcpy(a, m, sizeof(a));
        a[k] = b[0];
        a[3 + k] = b[1];
        a[6 + k] = b[2];
        x[k] = (a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
                a[2] * (a[3] * a[7] - a[4] * a[6])) / det;
    }
    return 1;
}

/*
 * Fit u = au0 + au1 x + au2 y and v alike to the samples where band is set,
 * by iteratively reweighted least squares with Cauchy weights (scale: one
 * pixel of the field). Returns 0 when there are too few samples to trust.
 */
static int fit_affine(const float *u, const float *v, int w, int h, const uint8_t *band, double au[3],
                      double av[3])
{
    int have = 0;
    for (int it = 0; it < 5; it++) {
        double m[9] = { 0 }, bu[3] = { 0 }, bv[3] = { 0 };
        int64_t cnt = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const size_t i = (size_t)y * w + x;
                if (!band[i])
                    continue;
                double wt = 1;
                if (have) {
                    const double ru = u[i] - (au[0] + au[1] * x + au[2] * y);
                    const double rv = v[i] - (av[0] + av[1] * x + av[2] * y);
                    wt = 1 / (1 + ru * ru + rv * rv);
                }
                const double f[3] = { 1, x, y };
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++)
                        m[a * 3 + b] += wt * f[a] * f[b];
                    bu[a] += wt * f[a] * u[i];
                    bv[a] += wt * f[a] * v[i];
                }
                cnt++;
            }
        if (cnt < 16 || !solve3(m, bu, au) || !solve3(m, bv, av))
            return 0;
        have = 1;
    }
    return 1;
}

/*
 * depth[i]: for hole pixels, the 4-connected distance to the nearest known
 * pixel (1 on the hole's edge), by a breadth-first search from the edge;
 * thick[i]: 1 when the hole's connected part holding i is deeper than
 * `thin`. queue holds w * h entries.
 */
static void hole_depth(const uint8_t *hole, int w, int h, int thin, int32_t *depth, uint8_t *thick,
                       int32_t *queue)
{
    const size_t n = (size_t)w * h;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        depth[i] = 0;
        thick[i] = 0;
        if (!hole[i])
            continue;
        const int x = (int)(i % w), y = (int)(i / w);
        if (x == 0 || y == 0 || x == w - 1 || y == h - 1 || !hole[i - 1] || !hole[i + 1] || !hole[i - w] ||
            !hole[i + w]) {
            depth[i] = 1;
            queue[len++] = (int32_t)i;
        }
    }
    for (size_t k = 0; k < len; k++) {
        const int32_t i = queue[k];
        const int x = i % w, y = i / w;
        const int32_t nb[4] = { x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1,
                                y < h - 1 ? i + w : -1 };
        for (int j = 0; j < 4; j++)
            if (nb[j] >= 0 && hole[nb[j]] && !depth[nb[j]]) {
                depth[nb[j]] = depth[i] + 1;
                queue[len++] = nb[j];
            }
    }
    /* Connected parts, one at a time: thick[] doubles as the visited mark (2) until each is labelled. */
    for (size_t s = 0; s < n; s++) {
        if (!hole[s] || thick[s])
            continue;
        size_t a = 0, b = 0;
        int32_t deepest = 0;
        queue[b++] = (int32_t)s;
        thick[s] = 2;
        while (a < b) {
            const int32_t i = queue[a++];
            const int x = i % w, y = i / w;
            deepest = depth[i] > deepest ? depth[i] : deepest;
            const int32_t nb[4] = { x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1,
                                    y < h - 1 ? i + w : -1 };
            for (int j = 0; j < 4; j++)
                if (nb[j] >= 0 && hole[nb[j]] && !thick[nb[j]]) {
                    thick[nb[j]] = 2;
                    queue[b++] = nb[j];
                }
        }
        /* Marks of 3 and 4 stay distinct from the unvisited 0 until the final pass. */
        for (size_t k = 0; k < b; k++)
            thick[queue[k]] = deepest > thin ? 4 : 3;
    }
    for (size_t i = 0; i < n; i++)
        thick[i] = thick[i] == 4;
}

/* Lengths in samples of the field, for a field 320 samples wide (a 640-pixel picture at
 * level 1), scaled with its width so they stay the same share of the picture. */
static int scaled(int w, int len, int least)
{
    const int v = (int)lrintf(len * (float)w / 320);
    return v > least ? v : least;
}

int rs_fill_complete_motion(float *u, float *v, int w, int h, uint8_t *hole)
{
    const size_t n = (size_t)w * h;
    const float sc = (float)w / 320;
    const int band_r = scaled(w, 32, 8);
    const int thin = scaled(w, 16, 4);
    const float fade = 4 * sc > 1 ? 4 * sc : 1;
    float *ru = malloc(sizeof(float) * n * 2);
    int32_t *work = malloc(sizeof(int32_t) * n * 2);
    uint8_t *band = malloc(n * 3);
    if (!ru || !work || !band) {
        free(ru);
        free(work);
        free(band);
        return RS_ENOMEM;
    }
    float *rv = ru + n;
    uint8_t *state = band + n, *thick = state + n;
    int ret = 0;
    memcpy(band, hole, n);
    if ((ret = rs_fill_dilate(band, w, h, band_r)) < 0)
        goto end;
    for (size_t i = 0; i < n; i++)
        band[i] = band[i] && !hole[i];
    double au[3], av[3];
    if (!fit_affine(u, v, w, h, band, au, av)) {
        ret = rs_fill_complete(u, v, w, h, hole);
        goto end;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            ru[i] = u[i] - (float)(au[0] + au[1] * x + au[2] * y);
            rv[i] = v[i] - (float)(av[0] + av[1] * x + av[2] * y);
            state[i] = hole[i];
        }
    if ((ret = rs_fill_complete(ru, rv, w, h, state)) < 0)
        goto end;
    hole_depth(hole, w, h, thin, work, thick, work + n);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            if (!hole[i])
                continue;
            const float keep = thick[i] ? expf(-(float)(work[i] - 1) / fade) : 1;
            u[i] = (float)(au[0] + au[1] * x + au[2] * y) + keep * ru[i];
            v[i] = (float)(av[0] + av[1] * x + av[2] * y) + keep * rv[i];
        }
end:
    free(ru);
    free(work);
    free(band);
    return ret;
}

int rs_fill_complete_refined(float *u, float *v, int w, int h, uint8_t *hole)
{
    const size_t n = (size_t)w * h;
    const int thin = scaled(w, 16, 4), keep = scaled(w, 3, 1);
    int32_t *work = malloc(sizeof(int32_t) * n * 2);
    uint8_t *thick = malloc(n);
    if (!work || !thick) {
        free(work);
        free(thick);
        return RS_ENOMEM;
    }
    hole_depth(hole, w, h, thin, work, thick, work + n);
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        if (hole[i] && (!thick[i] || work[i] <= keep))
            hole[i] = 0;
        left += hole[i];
    }
    free(work);
    free(thick);
    return left ? rs_fill_complete_motion(u, v, w, h, hole) : 0;
}
