/*
 * Mixing the fill from other frames with a smooth interpolation of the
 * frame's own pixels around the mask, by how far each is to be trusted.
 *
 * A value carried from another frame goes wrong with the distance it
 * travelled (flow drift, the background itself changing); a smooth
 * interpolation from the mask's edge goes wrong with the distance from that
 * edge. Taking the errors' variances as growing linearly with those
 * distances, s frames for the carried value and e pixels for the
 * interpolated one, the best mix gives the carried value the weight
 * e / (e + k s), with k the ratio of the two growth rates. k is measured on
 * each frame and plane: in a band just outside the mask both estimates are
 * made as if the band were masked too, and compared with the pixels there.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/fill.h"
#include "rushes/error.h"

/* The first and last nonzero bytes of r[0..w), read eight at a time; *a > *b when none. */
static void row_span(const uint8_t *r, int w, int *a, int *b)
{
    int x = 0, e = w - 1;
    uint64_t q;
    while (x + 8 <= w && (memcpy(&q, r + x, 8), !q))
        x += 8;
    while (x < w && !r[x])
        x++;
    while (e >= x + 8 && (memcpy(&q, r + e - 7, 8), !q))
        e -= 8;
    while (e >= x && !r[e])
        e--;
    *a = x;
    *b = e;
}

/* Chamfer (3-4) distance inside hole to the nearest known pixel, in pixels: 1 on the edge. */
void rs_fill_edge_distance(const uint8_t *hole, int w, int h, float *dist)
{
    /* Only the rows from the first to the last holding a hole pixel are swept, and in each
     * only the columns from its first hole pixel to its last: everything else is 0 (the
     * passes read one pixel beyond, which is 0 by then). */
    int *span = malloc(sizeof(int) * 2 * (size_t)h);
    int ya = h, yb = -1;
    for (int y = 0; y < h; y++) {
        int a, b;
        row_span(hole + (size_t)y * w, w, &a, &b);
        if (!span && a <= b)
            a = 0, b = w - 1;   /* no memory for the spans: whole rows, as right and slower */
        if (span)
            span[2 * y] = a, span[2 * y + 1] = b;
        if (a <= b) {
            ya = y < ya ? y : ya;
            yb = y;
        }
    }
    if (yb < 0) {
        memset(dist, 0, sizeof(float) * (size_t)w * h);
        free(span);
        return;
    }
    memset(dist, 0, sizeof(float) * (size_t)w * h);
    for (int y = ya; y <= yb; y++) {
        const int xa = span ? span[2 * y] : 0, xb = span ? span[2 * y + 1] : w - 1;
        for (int x = xa; x <= xb; x++) {
            const size_t i = (size_t)y * w + x;
            if (!hole[i])
                continue;
            /* Outside the picture counts as known: the interpolation reads the nearest row there. */
            float v = 3;
            if (x > 0 && y > 0 && x < w - 1 && y < h - 1) {
                const float *up = dist + i - w;
                v = dist[i - 1] + 3;
                v = up[0] + 3 < v ? up[0] + 3 : v;
                v = up[-1] + 4 < v ? up[-1] + 4 : v;
                v = up[1] + 4 < v ? up[1] + 4 : v;
            }
            dist[i] = v;
        }
    }
    for (int y = yb < h - 2 ? yb : h - 2; y > 0 && y >= ya; y--) {
        const int xa = span ? span[2 * y] : 0, xb = span ? span[2 * y + 1] : w - 1;
        for (int x = xb < w - 2 ? xb : w - 2; x > 0 && x >= xa; x--) {
            const size_t i = (size_t)y * w + x;
            if (!hole[i])
                continue;
            const float *dn = dist + i + w;
            float v = dist[i];
            v = dist[i + 1] + 3 < v ? dist[i + 1] + 3 : v;
            v = dn[0] + 3 < v ? dn[0] + 3 : v;
            v = dn[1] + 4 < v ? dn[1] + 4 : v;
            v = dn[-1] + 4 < v ? dn[-1] + 4 : v;
            dist[i] = v;
        }
    }
    for (int y = ya; y <= yb; y++) {
        const int xa = span ? span[2 * y] : 0, xb = span ? span[2 * y + 1] : w - 1;
        for (int x = xa; x <= xb; x++)
            dist[(size_t)y * w + x] /= 3;
    }
    free(span);
}

/* out: plane's samples outside hole, a smooth interpolation of them inside (rs_fill_complete). */
static int interpolate(const uint8_t *plane, ptrdiff_t stride, int hbd, int w, int h, const uint8_t *hole,
                       float *out, uint8_t *state)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            state[i] = hole[i];
            out[i] = hole[i] ? 0 : (float)rs_px(plane, stride, hbd, x, y);
        }
    return rs_fill_complete(out, NULL, w, h, state);
}

/* Copy sp on the band (on_mask 0) or on the mask (on_mask 1) to keep->v (put 1) or back from it (put 0). */
static void keep_copy(RsBlendKeep *keep, float *sp, const uint8_t *msk, const uint8_t *band, size_t n, int on_mask,
                      int put)
{
    size_t k = on_mask ? keep->nb : 0;
    for (size_t i = 0; i < n; i++)
        if (on_mask ? msk[i] : band[i] && !msk[i]) {
            if (put)
                keep->v[k++] = sp[i];
            else
                sp[i] = keep->v[k++];
        }
    if (!on_mask)
        keep->nb = k;
}

int rs_fill_blend_spatial(const uint8_t *plane, ptrdiff_t stride, int depth, int w, int h, const uint8_t *msk,
                          const uint8_t *band, float *val, const float *near, RsBlendKeep *keep)
{
    const size_t n = (size_t)w * h;
    const int hbd = depth > 8;
    float *sp = malloc(sizeof(float) * n * 2);
    uint8_t *state = malloc(n * 2);
    if (!sp || !state) {
        free(sp);
        free(state);
        return RS_ENOMEM;
    }
    float *dist = sp + n;
    uint8_t *both = state + n;
    int ret = 0;
    /* The test: the band is masked too; both estimates are compared with its pixels. */
    size_t known = 0;
    for (size_t i = 0; i < n; i++) {
        both[i] = msk[i] | band[i];
        known += !both[i];
    }
    if (!known)
        goto end;   /* nothing of the frame to interpolate from */
    if (keep && keep->have)
        keep_copy(keep, sp, msk, band, n, 0, 0);
    else if ((ret = interpolate(plane, stride, hbd, w, h, both, sp, state)) < 0)
        goto end;
    else if (keep && keep->v)
        keep_copy(keep, sp, msk, band, n, 0, 1);
    rs_fill_edge_distance(both, w, h, dist);
    double se_sp = 0, sum_e = 0, se_t = 0, sum_s = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            if (!band[i] || msk[i] || val[i] < 0)
                continue;
            const double v0 = rs_px(plane, stride, hbd, x, y);
            se_sp += (sp[i] - v0) * (sp[i] - v0);
            sum_e += dist[i];
            se_t += (val[i] - v0) * (val[i] - v0);
            sum_s += near[i];
        }
    if (sum_s <= 0)
        goto end;   /* nothing to compare: the fill from other frames stays as it is */
    /* k = (temporal variance per frame) / (spatial variance per pixel); a perfect
     * interpolation leaves everything to it. */
    const double k = se_sp > 0 ? (se_t / sum_s) / (se_sp / sum_e) : 1e9;
    /* The same ratio measured locally, each band pixel's own errors spread over the
     * mask from the edge: the fill from other frames may be right over the room and
     * wrong over the dog moving in it. Local figures are noisy and say little deep
     * inside, so near the edge they count and within a few pixels the frame's
     * figure takes over. Band pixels with no fill from other frames take the frame's. */
    float *kl = malloc(sizeof(float) * n * 2);
    if (!kl) {
        ret = RS_ENOMEM;
        goto end;
    }
    float *ks = kl + n;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            kl[i] = (float)(se_t / sum_s);
            ks[i] = (float)(se_sp / sum_e);
            if (!band[i] || msk[i] || val[i] < 0)
                continue;
            const double v0 = rs_px(plane, stride, hbd, x, y);
            kl[i] = (float)((val[i] - v0) * (val[i] - v0) / near[i]);
            ks[i] = (float)((sp[i] - v0) * (sp[i] - v0) / dist[i]);
        }
    /* Beyond five fades the local figures weigh under 1 %: they are spread no deeper. */
    const double fade = 4.0 * w / 640 > 1 ? 4.0 * w / 640 : 1;
    rs_fill_edge_distance(msk, w, h, dist);
    for (size_t i = 0; i < n; i++)
        state[i] = msk[i] && dist[i] <= 1 + 5 * fade;
    if ((ret = rs_fill_complete(kl, ks, w, h, state)) < 0 ||
        (!(keep && keep->have) && (ret = interpolate(plane, stride, hbd, w, h, msk, sp, state)) < 0)) {
        free(kl);
        goto end;
    }
    if (keep && keep->have) {
        keep_copy(keep, sp, msk, band, n, 1, 0);
    } else if (keep && keep->v) {
        keep_copy(keep, sp, msk, band, n, 1, 1);
        keep->have = 1;
    }
    for (size_t i = 0; i < n; i++)
        if (msk[i] && val[i] >= 0) {
            const double local = ks[i] > 0 ? kl[i] / ks[i] : kl[i] > 0 ? 1e9 : k;
            const double wl = exp(-(dist[i] - 1) / fade);
            /* A geometric mean, as the ratios spread over orders of magnitude; an exact
             * fill from other frames (a ratio of 0) stays exact. */
            const double kk = local > 0 && k > 0 ? exp(wl * log(local) + (1 - wl) * log(k))
                                                 : wl * local + (1 - wl) * k;
            const double a = dist[i] / (dist[i] + kk * near[i]);
            val[i] = (float)(a * val[i] + (1 - a) * sp[i]);
        }
    free(kl);
end:
    free(sp);
    free(state);
    return ret;
}

int rs_fill_blend_synth(uint8_t *plane, ptrdiff_t stride, int depth, int w, int h, const uint8_t *filled,
                        float reach)
{
    const size_t n = (size_t)w * h;
    const int hbd = depth > 8;
    float *sp = malloc(sizeof(float) * n * 2);
    uint8_t *state = malloc(n);
    if (!sp || !state) {
        free(sp);
        free(state);
        return RS_ENOMEM;
    }
    float *dist = sp + n;
    /* The synthesised pixels are not read: only the known ones around them are. */
    int ret = interpolate(plane, stride, hbd, w, h, filled, sp, state);
    if (ret >= 0) {
        rs_fill_edge_distance(filled, w, h, dist);
        const int mx = (1 << depth) - 1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const size_t i = (size_t)y * w + x;
                if (!filled[i])
                    continue;
                const float a = dist[i] / (dist[i] + reach);
                int v = (int)lrintf(a * rs_px(plane, stride, hbd, x, y) + (1 - a) * sp[i]);
                rs_px_set(plane, stride, hbd, x, y, v < 0 ? 0 : v > mx ? mx : v);
            }
    }
    free(sp);
    free(state);
    return ret;
}
