/*
 * One shot as the camera sees it, frame by frame: the plate cut out with a
 * sub-pixel handheld drift, the moving things drawn over it (actor, slate,
 * ball, boom), then the look (flash, vignette, grain, or the film-scan look
 * with weave, flicker, dust and a scratch). demo_render_frame() is a pure
 * function of the shot and the frame number: the same seed gives the same
 * bytes, whatever thread renders it.
 */
#ifndef RS_DEMO_RENDER_H
#define RS_DEMO_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "demo/plate.h"

#define DEMO_SLATE_MW 72
#define DEMO_SLATE_MH 52
#define DEMO_MAX_DUST 12

enum { DEMO_LOOK_DIGITAL, DEMO_LOOK_SCAN };

typedef struct DemoDust {
    int frame;
    float x, y, r;            /* luma pixels */
    int bright;               /* 1: white speck (dirt on the negative), 0: dark */
} DemoDust;

typedef struct DemoShot {
    int w, h;
    uint32_t seed;                /* shake, grain, dust shapes */
    int look;
    const DemoPlate *plate[2];    /* plate[1] from cut_frame on */
    DemoCamera cam[2];
    DemoSet set[2];
    int cut_frame;                /* -1: no cut */
    float grain;                  /* grain strength in 8-bit code values */
    float shake;                  /* handheld drift amplitude, pixels at 1280 wide */

    /* Frame j is exposed at sample first_sample + j * spf (48 kHz samples
     * since midnight); action time 0 (the clap) is sample origin. */
    int64_t first_sample, origin;
    int spf;

    int slate;                    /* a clapperboard closes at action time 0 */
    uint8_t slate_mask[DEMO_SLATE_MW * DEMO_SLATE_MH];

    int actor;                    /* walks (ax0, az0) -> (ax1, az1) in seconds at0 .. at1 */
    float ax0, az0, ax1, az1, at0, at1;
    int ball;                     /* rolls on the table bx0 -> bx1 at depth bz, bt0 .. bt1 */
    float bx0, bx1, bz, bt0, bt1;

    /* Planted events in clip frames, inclusive; first > last when absent. */
    int flash_first, flash_last;
    int black_first, black_last;
    int boom_first, boom_last;
    float boom_x;                 /* centre of the windshield, fraction of width */
    float boom_depth;             /* deepest reach into the frame, luma rows */
    int nb_dust;
    DemoDust dust[DEMO_MAX_DUST];
    int scratch_first, scratch_last;
    float scratch_x;              /* luma column */
} DemoShot;

/* Render frame `frame` (0-based) of s into 8-bit 4:2:0 planes of s->w x s->h. */
void demo_render_frame(const DemoShot *s, int frame, uint8_t *const planes[3], const ptrdiff_t strides[3]);

/*
 * Walk-cycle phase (radians; a footfall at every multiple of pi) of an actor
 * covering `len` metres between seconds t0 and t1, at second t. The picture
 * and the footstep sounds both use it, so steps land on the frames.
 */
float demo_walk_phase(float len, float t0, float t1, float t);

/* Rows the boom reaches into the frame at `frame` (0 when out of frame). */
float demo_shot_boom_depth(const DemoShot *s, int frame);

#endif /* RS_DEMO_RENDER_H */
