/*
 * rushes: dense optical flow between two 8-bit grey pictures.
 *
 * The method follows DIS flow (Kroeger et al., ECCV 2016) without its
 * variational refinement: a coarse-to-fine pyramid; at each level, square
 * patches on a regular grid are aligned by inverse-compositional
 * Gauss-Newton from the flow of the coarser level; the dense field is the
 * weighted average of the patches covering each pixel, each weighted by how
 * well it explains that pixel. Patches are compared after removing their
 * mean, so a change of exposure between the two pictures (a cloud, a flicker)
 * does not bend the flow.
 *
 * Threading: the functions keep no global state and may run concurrently.
 */
#ifndef RUSHES_FLOW_H
#define RUSHES_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

typedef struct RsFlowSettings {
    int patch_size;     /* side of the square patches, 4..16 (default 8) */
    int patch_stride;   /* grid step between patches, 1..patch_size (default 4) */
    int iterations;     /* Gauss-Newton steps per patch (default 12) */
    /* Finest pyramid level computed: 0 is full resolution, 1 half, ... The
     * field is then upsampled to the output size. -1 (default) picks the
     * smallest level at most 480 samples wide, the usual DIS trade-off. */
    int finest_level;
    /* 1: a 3x3 median of the field after each level, which removes isolated
     * vectors that locked onto the wrong texture and keeps motion edges
     * (default 0). */
    int median;
} RsFlowSettings;

RS_API void rs_flow_default_settings(RsFlowSettings *s);

/*
 * Flow from picture a to picture b, both w x h 8-bit samples with their
 * strides: for every pixel x of a, its match in b is x + (u[x], v[x]) in
 * pixels. u and v are w * h floats (row-major, no padding) the caller owns.
 * Returns 0, RS_EINVAL (NULL pointers, w or h under 8, bad settings, the
 * message names the field) or RS_ENOMEM. s may be NULL for the defaults.
 */
RS_API int rs_flow_compute(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b,
                           ptrdiff_t b_stride, int w, int h, const RsFlowSettings *s,
                           float *u, float *v);

#endif /* RUSHES_FLOW_H */
