/*
 * rushes: deflicker, removing frame-to-frame luminance and colour flicker,
 * global and regional, from a shot held in memory or streamed through,
 * while keeping intended changes (a light switched on and staying on, a
 * cloud passing) and cuts.
 *
 * How it works (doc/cleanup.md, "Deflicker", has the details):
 *  1. Measure. Each frame is compared with the previous one brought onto it
 *     along the optical flow (include/rushes/flow.h), so that motion is not
 *     taken for flicker. On a grid of regions, a trimmed fit of
 *     frame = gain * previous gives the change of light between the two
 *     frames, and the median chroma difference a colour offset per chroma
 *     plane. A region whose fit explains too little (an object entering,
 *     an occlusion) takes its neighbours' values. Chained over the shot,
 *     these give each region's light level frame by frame. Where most
 *     regions with texture stop fitting at once, the picture changed for
 *     another (a cut): the frames on each side are corrected as shots of
 *     their own, and nothing is carried or smoothed across.
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
 * function of the same input sample. A frame is corrected from at most
 * max(97, 8 * (window / 2) + 1) frames around it (the whole shot when it
 * is that short), so a long shot is deflickered in bounded memory through
 * the stream functions below, with the same result as in one call.
 *
 * Threading: the functions keep no global state and may run concurrently on
 * distinct data (one RsDeflicker is used by one thread at a time);
 * rs_deflicker_frames() and rs_deflicker_send() use settings->threads
 * workers and their result does not depend on their number.
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
    int cuts;                  /* cuts found: the shot was corrected as cuts + 1 shots */
} RsDeflickerStats;

/*
 * Deflicker n frames of one shot in place. Every frame is width x height
 * (at least 16 x 16) with chroma planes subsampled by log2_chroma_w/h
 * (0 or 1 each: 4:4:4, 4:2:2, 4:2:0) and depth bits per sample (8..16).
 * Fewer than 3 frames (and fewer than 3 between two cuts) are left as they
 * are. The frames stay the caller's; nothing is kept after the call. s may be NULL for the defaults, stats
 * may be NULL.
 * Returns 0, RS_EINVAL (bad sizes or settings, naming them) or RS_ENOMEM
 * (a failure on a worker thread is returned with a generic message).
 */
RS_API int rs_deflicker_frames(RsDeflickerFrame *frames, int n, int width, int height, int depth,
                               int log2_chroma_w, int log2_chroma_h, const RsDeflickerSettings *s,
                               RsDeflickerStats *stats);

/*
 * The same, streamed: frames are sent one by one and come back corrected,
 * in order, once the frames after them that they depend on have been sent
 * (or the end of the shot). The result is rs_deflicker_frames()'s on the
 * same frames, bit for bit.
 */
typedef struct RsDeflicker RsDeflicker;

/*
 * Open a stream for frames of this geometry (as rs_deflicker_frames()). s
 * may be NULL for the defaults; it is copied. Returns 0 (*ctx set),
 * RS_EINVAL naming the bad size or setting, or RS_ENOMEM (*ctx NULL).
 */
RS_API int rs_deflicker_open(RsDeflicker **ctx, int width, int height, int depth, int log2_chroma_w,
                             int log2_chroma_h, const RsDeflickerSettings *s);

/*
 * Send the next frame, or NULL at the end of the shot. The frame's planes
 * stay the caller's, but the stream keeps pointing at them and corrects
 * them in place: they must stay valid and unchanged until the frame comes
 * back from rs_deflicker_receive(). The descriptor *frame is copied.
 * Returns 0, RS_EINVAL (a frame without a plane, or sent after the end) or
 * RS_ENOMEM; after an error other than RS_EINVAL the stream only closes.
 */
RS_API int rs_deflicker_send(RsDeflicker *ctx, const RsDeflickerFrame *frame);

/*
 * The next frame corrected: 1 and *frame (the descriptor that was sent;
 * its planes now hold the corrected samples, and the stream no longer
 * points at them), or 0 when none is ready (send more, or, after the end,
 * all came back). Returns RS_ENOMEM (a stream error) otherwise.
 */
RS_API int rs_deflicker_receive(RsDeflicker *ctx, RsDeflickerFrame *frame);

/*
 * The most frames the stream holds: a caller that receives after every
 * send has at most this many sent and not received.
 */
RS_API int rs_deflicker_delay(const RsDeflicker *ctx);

/* What was done to the frames received so far. */
RS_API void rs_deflicker_get_stats(const RsDeflicker *ctx, RsDeflickerStats *stats);

/* Close and set *ctx to NULL (NULL is a no-op). Frames not received stay as they were sent. */
RS_API void rs_deflicker_close(RsDeflicker **ctx);

#endif /* RUSHES_DEFLICKER_H */
