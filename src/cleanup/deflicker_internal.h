/*
 * Shared state of the deflicker passes: measure (deflicker.c), smooth and
 * correct (deflicker_correct.c, with deflicker_level.c and
 * deflicker_target.c behind deflicker_level.h), and the stream that runs
 * them over a shot of any length (deflicker_stream.c).
 */
#ifndef RS_CLEANUP_DEFLICKER_INTERNAL_H
#define RS_CLEANUP_DEFLICKER_INTERNAL_H

#include <stdint.h>

#include "rushes/deflicker.h"

/*
 * The change of light in one region from frame t - 1 to frame t: luma
 * Y_t = g * Y_t-1 + o, chroma (centred on grey) C_t = g * C_t-1 + oc.
 * Values are in 8-bit levels whatever the depth. The measurement fits a
 * gain only (o = 0, see robust_fit() in deflicker.c); the chaining and the
 * correction keep the general affine form.
 */
typedef struct DfFit {
    float g, o, oc[2];
    float res;                 /* robust residual of the fit, infinite when not trusted */
} DfFit;

/* The picture's geometry and the settings, fixed for a shot. */
typedef struct DfCtx {
    int w, h, depth, lcw, lch;
    int bx, by, nb;            /* the grid of regions */
    float scale;               /* 1 << (depth - 8): native sample per 8-bit level */
    const RsDeflickerSettings *s;
} DfCtx;

/* One measurement: frame cur against the frame before it. */
typedef struct DfPair {
    const RsDeflickerFrame *prev;  /* NULL for the first frame of the stream */
    const RsDeflickerFrame *cur;
    DfFit *fit;                /* nb fits taking prev to cur */
    double *mu;                /* 3 * nb: the mean of each region of cur, plane after plane */
    float *q;                  /* receives the evidence of a cut before cur (0 when prev is NULL, see deflicker.c) */
} DfPair;

/* Sample (x, y) of a plane, in 8-bit levels. */
static inline float df_get(const void *p, ptrdiff_t stride, int depth, float inv_scale, int x, int y)
{
    const uint8_t *row = (const uint8_t *)p + (ptrdiff_t)y * stride;
    return depth == 8 ? row[x] : ((const uint16_t *)row)[x] * inv_scale;
}

/* Bilinear sample of a w x h plane at (x, y), clamped at the edges, in 8-bit levels. */
static inline float df_bilinear(const void *p, ptrdiff_t stride, int depth, float inv_scale, int w, int h,
                                float x, float y)
{
    x = x < 0 ? 0 : x > w - 1 ? (float)(w - 1) : x;
    y = y < 0 ? 0 : y > h - 1 ? (float)(h - 1) : y;
    const int x0 = (int)x, y0 = (int)y, x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    const float fx = x - x0, fy = y - y0;
    const float a = df_get(p, stride, depth, inv_scale, x0, y0), b = df_get(p, stride, depth, inv_scale, x1, y0);
    const float c = df_get(p, stride, depth, inv_scale, x0, y1), d = df_get(p, stride, depth, inv_scale, x1, y1);
    return (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
}

/* First luma column of region i of n across a side of w samples. */
static inline int df_edge(int i, int n, int w)
{
    return (int)((int64_t)i * w / n);
}

/* Check the geometry and the settings and fill c (its grid). Returns 0 or RS_EINVAL. */
int rs_df_setup(DfCtx *c, int width, int height, int depth, int lcw, int lch, const RsDeflickerSettings *s);

/* Measure n pairs on up to threads workers (0: one per core). Returns 0, RS_EINVAL or RS_ENOMEM. */
int rs_df_measure(const DfCtx *c, DfPair *pairs, int n, int threads);

/*
 * Fits of n frames of one shot (fit[t * nb + b] takes frame t - 1 to t,
 * row 0 unused): distrust those whose residual is far above the region's
 * usual one over these frames, and replace them by their neighbours'.
 * Returns 0 or RS_ENOMEM.
 */
int rs_df_distrust(const DfCtx *c, DfFit *fit, int n);

/*
 * The corrections of frames t0..t1 of a block of n frames of one shot,
 * whose fits have been through rs_df_distrust() and whose frame 0 has the
 * region means mu0 (3 * nb): corr[((t - t0) * nb + b) * 4 + {gain, luma
 * offset, two chroma offsets}]. Returns 0 or RS_ENOMEM.
 */
int rs_df_plan(const DfCtx *c, const DfFit *fit, const double *mu0, int n, int t0, int t1, float *corr,
               RsDeflickerStats *st);

/* Apply the corrections corr (nb * 4) to a frame in place. Returns 0 or RS_ENOMEM. */
int rs_df_apply(const DfCtx *c, RsDeflickerFrame *f, const float *corr, RsDeflickerStats *st);

#endif
