/*
 * rushes: deflicker, removing frame-to-frame luminance and colour flicker,
 * global and regional, from a shot held in memory, while keeping intended
 * changes (a light switched on and staying on, a cloud passing).
 *
 * How it works (doc/cleanup.md, "Deflicker", has the details):
 *  1. Measure. Each frame is compared with the previous one brought onto it
 *     along the optical flow (include/rushes/flow.h), so that motion is not
 *     taken for flicker. On a grid of regions, a trimmed fit of
 *     frame = gain * previous gives the change of light between the two
 *     frames, and the median chroma difference a colour offset per chroma
 *     plane. A region whose fit explains too little (an object entering,
 *     an occlusion) takes its neighbours' values. Chained over the shot,
 *     these give each region's light level frame by frame.
 *  2. Decide what to keep. A sustained change (a light switched on) is
 *     found where the mean levels of the half-windows before and after a
 *     frame differ by more than the shot's own flicker explains; the
 *     smoothing never crosses it. Within the stretches between such
 *     changes, the frames near the window's median take part, and the
 *     target is their weighted mean, or a line through them where its
 *     slope is significant (a cloud passing). Fast oscillation is averaged
 *     away.
 *  3. Correct. The gain and offset that take each region to its target are
 *     limited (max_gain, max_offset), interpolated smoothly between region
 *     centres (no block edges) and applied to every sample; a change that
 *     would push a sample towards black or white shrinks smoothly (a tanh
 *     knee), so no sample is clipped by the correction.
 * It uses only the shot's own pixels: every output sample is an affine
 * function of the same input sample.
 *
 * Threading: the functions keep no global state and may run concurrently on
 * distinct data; rs_deflicker_frames() itself uses settings->threads workers
 * and its result does not depend on their number.
 */
#ifndef RUSHES_DEFLICKER_H
#define RUSHES_DEFLICKER_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

typedef struct RsDeflickerSettings {
    /* Frames in the temporal window, odd, 3..255 (default 15). Changes that
     * last more than half of it are kept; faster ones are flicker. */
    int window;
    /* Regions across the width, 1..64 (default 8; 1 = one global
     * correction). Rows follow the picture's aspect ratio. */
    int regions;
    /* Largest contrast change applied, as a fraction (default 0.25: the
     * gain stays within 1/1.25 .. 1.25). */
    double max_gain;
    /* Largest change of a region's mean level, in 8-bit levels whatever the
     * depth (default 32). */
    double max_offset;
    /* 1 (default): also remove colour flicker (chroma offsets); 0: luma and
     * the chroma contrast that goes with a luma gain only. */
    int chroma;
    /* 1 (default): compare frames along the optical flow, so moving objects
     * and camera motion are not taken for flicker; 0: compare samples at the
     * same place (faster, for locked-off shots). */
    int motion;
    /* Worker threads for the measurements, 0 (default) = one per core, at
     * most 16. The result does not depend on it. */
    int threads;
} RsDeflickerSettings;

RS_API void rs_deflicker_default_settings(RsDeflickerSettings *s);

/*
 * One frame of planar YUV, changed in place. Samples are uint8_t when the
 * depth is 8, and native-endian uint16_t below 1 << depth when it is
 * 9..16. Strides are in bytes.
 */
typedef struct RsDeflickerFrame {
    void *plane[3];
    ptrdiff_t stride[3];
} RsDeflickerFrame;

typedef struct RsDeflickerStats {
    int regions_x, regions_y;  /* the grid used */
    int64_t samples;           /* luma samples examined (all frames) */
    double mean_change;        /* mean |out - in| over luma samples, 8-bit levels */
    double max_level_change;   /* largest change of a region's mean luma, 8-bit levels */
    double max_gain_change;    /* largest |gain - 1| applied to a region */
    double mean_chroma_change; /* mean |out - in| over chroma samples, 8-bit levels */
    int64_t limited;           /* region-frames whose correction max_gain or max_offset bound */
} RsDeflickerStats;

/*
 * Deflicker n frames of one shot in place. Every frame is width x height
 * (at least 16 x 16) with chroma planes subsampled by log2_chroma_w/h
 * (0 or 1 each: 4:4:4, 4:2:2, 4:2:0) and depth bits per sample (8..16).
 * Fewer than 3 frames are left as they are. The frames stay the caller's;
 * nothing is kept after the call. s may be NULL for the defaults, stats
 * may be NULL.
 * Returns 0, RS_EINVAL (bad sizes or settings, naming them) or RS_ENOMEM
 * (a failure on a worker thread is returned with a generic message).
 */
RS_API int rs_deflicker_frames(RsDeflickerFrame *frames, int n, int width, int height, int depth,
                               int log2_chroma_w, int log2_chroma_h, const RsDeflickerSettings *s,
                               RsDeflickerStats *stats);

#endif /* RUSHES_DEFLICKER_H */
