/* Flow at the pyramid's working resolution, for callers that keep many fields. */
#ifndef RS_CLEANUP_FLOW_INTERNAL_H
#define RS_CLEANUP_FLOW_INTERNAL_H

#include "rushes/flow.h"

/* RS_EINVAL with a message naming the bad setting, or 0. */
int rs_flow_check(const RsFlowSettings *s, int w, int h);

/* The finest level the settings give for a w x h picture. */
int rs_flow_level(const RsFlowSettings *s, int w, int h);

/*
 * As rs_flow_compute, but the field is left at pyramid level `level` (as
 * returned by rs_flow_level): fw = w >> level, fh = h >> level samples, in
 * units of that level's pixels. u and v hold fw * fh floats.
 */
int rs_flow_compute_level(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b,
                          ptrdiff_t b_stride, int w, int h, const RsFlowSettings *s,
                          float *u, float *v);

/* Bilinear sample of a w x h float field at (x, y), clamped at the edges. */
static inline float rs_flow_sample(const float *f, int w, int h, float x, float y)
{
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    if (x > w - 1) x = (float)(w - 1);
    if (y > h - 1) y = (float)(h - 1);
    int x0 = (int)x, y0 = (int)y;
    int x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    float fx = x - x0, fy = y - y0;
    const float *r0 = f + (size_t)y0 * w, *r1 = f + (size_t)y1 * w;
    return (r0[x0] * (1 - fx) + r0[x1] * fx) * (1 - fy) + (r1[x0] * (1 - fx) + r1[x1] * fx) * fy;
}

#endif
