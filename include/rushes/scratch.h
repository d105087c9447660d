/*
 * rushes: vertical line scratches on scanned film.
 *
 * A scratch is a thin (1-5 px) bright or dark vertical line over most of the
 * picture's height that persists over several frames at nearly the same x
 * (it may drift slowly) and is not part of the scene: the scene moves under
 * it. The detector never takes what moves with the picture (a pole, a
 * rope, a mast), nor a step (the edge of a wall, a matte): only a line
 * darker or brighter than both its sides, that stays while the picture
 * beside it moves, or that stays on top of what passes it. On a locked-off
 * shot where nothing moves at all, a scratch that does not drift cannot be
 * told from a thin static object in the scene and is left alone: a scratch
 * left is better than a detail eaten.
 *
 * The functions take 8-bit luma planes: a caller with deeper samples hands
 * their top 8 bits. They keep no global state and may run concurrently.
 */
#ifndef RUSHES_SCRATCH_H
#define RUSHES_SCRATCH_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

typedef struct RsScratchSettings {
    /* Contrast of the line against both its sides, 8-bit levels, which it
     * must keep over min_height of the picture (default 6). */
    int threshold;
    int max_width;          /* widest line in pixels, 1..8 (default 5) */
    int min_frames;         /* frames it must persist, 2.. (default 5) */
    double max_drift;       /* pixels its x may move from one frame to the next (default 1) */
    double min_height;      /* fraction of the picture height it covers, 0.1..1 (default 0.5) */
    /* How far, in pixels, the picture beside the line must move relative to
     * it over the line's life (the largest excursion of the accumulated
     * difference), so that it is not part of the scene (default 4). */
    double min_motion;
    /* On a still camera nothing moves sideways under a scratch that does
     * not drift; it is taken instead when it stayed on top of what passed
     * it: the count of (band of 16 rows, frame) where it showed on two
     * consecutive frames, standing still, while the picture beside it
     * changed by twice the threshold (default 12; 0 turns this off).
     * A thin vertical object in front of moving things (a lamp post before
     * traffic) does that too: where the shot has one, set 0. */
    int min_crossings;
    int margin;             /* pixels the mask extends on each side of the line, 0..8 (default 1) */
    /* Gate weave: a scanned frame settles a little differently in the gate
     * every time, so the picture jitters under a scratch (which is on the
     * film, not in the scene) by a fraction of a pixel, back and forth,
     * without going anywhere the excursion test could see. A line is also
     * taken when, over the frame pairs it lived (at least min_frames), the
     * whole picture's motion across (the median of the flow) has an rms of
     * this many pixels or more and the line did not follow it (the slope of the
     * line's motion on the picture's is under 1/3; what is in the scene
     * weaves with the picture, slope 1). Default 0.1; 0 turns this off. */
    double min_weave;
} RsScratchSettings;

RS_API void rs_scratch_default_settings(RsScratchSettings *s);

/* One scratch found: where it was first and last seen and how it looked. */
typedef struct RsScratch {
    int first, last;        /* frames, inclusive */
    double x_first, x_last; /* its centre on those frames, pixels */
    int width;              /* widest it was, pixels */
    int polarity;           /* +1 bright, -1 dark */
    double contrast;        /* median contrast against its sides, 8-bit levels */
    double motion;          /* the picture's excursion relative to it, pixels */
    int crossings;          /* things it stayed on top of (see min_crossings) */
} RsScratch;

/*
 * Find the scratches of n frames luma[0..n-1] (width x height 8-bit samples,
 * stride bytes between rows). masks[t] (width x height, mask_stride)
 * receives 1 over each scratch present on frame t (its width plus margin
 * each side, over the rows where it shows), 0 elsewhere: a mask for
 * rs_clean_frames(). found (may be NULL) receives up to max_found
 * scratches, and nfound (may be NULL) how many there were in all. s may be
 * NULL for the defaults. Returns 0, RS_EINVAL (bad sizes or settings,
 * naming them) or RS_ENOMEM.
 */
RS_API int rs_scratch_detect(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                             const RsScratchSettings *s, uint8_t *const *masks, ptrdiff_t mask_stride,
                             RsScratch *found, int max_found, int *nfound);

#endif /* RUSHES_SCRATCH_H */
