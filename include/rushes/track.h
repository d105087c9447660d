/*
 * rushes: mask tracking. A shape drawn on one frame (or a few) is carried
 * through the shot, following the motion of what is inside it: the camera's
 * and the object's own.
 *
 * Between consecutive frames the dense optical flow (include/rushes/flow.h)
 * is computed once; the pixels inside each shape (away from its edge, where
 * the flow mixes object and background) vote for one motion model, a
 * similarity or an affine map, fitted by iteratively reweighted least
 * squares so that background showing through the shape counts as an
 * outlier. The shape's vertices are moved by that map. Each key is tracked
 * forwards to the next key (or the end) and backwards to the previous key
 * (or the start); between two keys the forward and backward tracks are
 * blended linearly, so every key is met exactly.
 *
 * The functions take 8-bit luma planes: a caller with deeper samples hands
 * their top 8 bits. They keep no global state and may run concurrently on
 * distinct data; an RsMask is used by one thread at a time.
 */
#ifndef RUSHES_TRACK_H
#define RUSHES_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* The masks of include/rushes/cleanup.h (C11 allows the typedef twice). */
typedef struct RsMask RsMask;

enum RsTrackModel {
    RS_TRACK_TRANSLATION = 0,
    RS_TRACK_SIMILARITY = 1,    /* translation, rotation, uniform scale */
    RS_TRACK_AFFINE = 2,
};

typedef struct RsTrackSettings {
    int model;          /* enum RsTrackModel, default RS_TRACK_SIMILARITY */
    /* Pixels the tracked masks grow by when rendered (a disc), 0..64,
     * default 0. A mask may be generous: it must not miss the object. */
    int margin;
    /* Pixels at least this far inside the shape vote for its motion
     * (default 4): the flow at the edge mixes object and background. */
    int erode;
    /* Reweighting rounds of the robust fit (default 8). */
    int iterations;
    /* Flow settings (rs_flow_default_settings() when all are 0). */
    int flow_patch_size, flow_patch_stride, flow_iterations, flow_finest_level;
} RsTrackSettings;

RS_API void rs_track_default_settings(RsTrackSettings *s);

/* One polygon to track and the frames it was keyed on. */
typedef struct RsTrackShape {
    int npoints;                /* vertices, 3..256 */
    int nkeys;                  /* 1 or more */
    const int64_t *key_frames;  /* nkeys frames, increasing, 0-based */
    const double *keys;         /* nkeys * 2 * npoints numbers: x0, y0, x1, y1, ... per key */
    /* Receives n * 2 * npoints numbers: the polygon on every frame (the
     * caller owns it). On a key frame it is the key exactly. */
    double *out;
} RsTrackShape;

/*
 * Track nshapes polygons through the n frames luma[0..n-1] (width x height
 * 8-bit samples, stride bytes between rows). Keys at or past frame n are
 * ignored, except that a shape keyed only there is held at its first key.
 * Returns 0, RS_EINVAL (bad sizes, settings or keys, naming the shape and
 * the field) or RS_ENOMEM.
 */
RS_API int rs_track_shapes(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                           RsTrackShape *shapes, int nshapes, const RsTrackSettings *s);

/*
 * Track the shapes of a JSON mask (rs_mask_open()) marked "track": true
 * through the n frames of luma: afterwards rs_mask_render() draws them
 * where they were tracked (grown by s->margin) instead of where their keys
 * interpolate. Rectangles and ellipses are tracked as polygons (4 and 64
 * vertices). Other shapes, and masks made of pictures, are unchanged.
 * Frames past n hold the last tracked shape. s may be NULL for the defaults.
 * tracked (may be NULL) receives the number of shapes tracked.
 * Returns 0, RS_EINVAL or RS_ENOMEM.
 */
RS_API int rs_mask_track(RsMask *m, const uint8_t *const *luma, ptrdiff_t stride, int n,
                         const RsTrackSettings *s, int *tracked);

#endif /* RUSHES_TRACK_H */
