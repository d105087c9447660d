/* The state of one fill: completed flows and grown masks of every frame. */
#ifndef RS_CLEANUP_FILL_H
#define RS_CLEANUP_FILL_H

#include <stdatomic.h>

#include "rushes/cleanup.h"
#include "rushes/flow.h"

#define RS_FILL_BAD 1
#define RS_FILL_MASK 2

typedef struct RsFillSlot RsFillSlot;

/*
 * The interpolations of a plane's own pixels that rs_fill_blend_spatial()
 * makes: they read only the pixels outside the mask and its band, so a
 * refining pass, which fills the same frame again, can take them as they
 * were. v: on the band then on the mask, in raster order (n floats).
 */
typedef struct RsBlendKeep {
    float *v;
    size_t n;
    size_t nb;  /* of which on the band (the mask's values follow them) */
    int have;   /* v holds them; 0: compute them (and keep them if v is set) */
} RsBlendKeep;

typedef struct RsFillCtx {
    RsCleanFrame *frames;
    int n, w, h, lcw, lch;
    int depth, hbd, maxval;     /* sample depth, 1 for uint16 samples, largest sample value */
    int pw[3], ph[3];           /* plane sizes */
    RsCleanSettings s;
    RsFlowSettings fs;
    int level, fw, fh;          /* flow fields are fw x fh, in pixels of that level */
    /* fwd[t]: flow t -> t+1 (u then v), bwd[t]: t -> t-1, completed inside the masks. */
    float **fwd, **bwd;
    /* bad[t]: per plane (Y, Cb, Cr back to back) a byte per sample: RS_FILL_BAD in
     * the grown mask (not a source), RS_FILL_MASK in the mask itself (to fill). */
    uint8_t **bad;
    /* What rs_fill_frame() fills with, kept from frame to frame: this thread's, and the
     * helper's that searches the next frame (propagate.c). */
    struct RsFillSlot *slot[2];
    /* Fields computed by earlier passes, taken over by rs_fill_prepare_cached(); NULL: none. */
    struct RsFlowCache *cache;
    /* keep[3 t + p]: the spatial blend's interpolations of plane p of frame t, kept for the
     * refining passes (refine > 0) up to keep_room bytes in all (propagate.c). */
    RsBlendKeep *keep;
    atomic_llong *keep_room;
    uint8_t *masked;            /* masked[t]: 0 no mask, 1 under a thousandth of the picture, 2 more */
    /* 0 for the first fill, then one more per rs_fill_refine(): from 1 on, the fields come from
     * the filled frames. */
    int pass;
    /* chroma0[t]: the first fill of frame t fills its chroma too (rs_fill_planes()). */
    uint8_t *chroma0;
} RsFillCtx;

/* Whether the caller asked the fill to stop (RsCleanSettings.cancel). */
static inline int rs_fill_cancelled(const RsFillCtx *c)
{
    return c->s.cancel && atomic_load(c->s.cancel);
}

/*
 * Whether the refining passes fill frame t again (and compute its fields
 * again): its mask covers a thousandth of the picture or more. The others
 * keep their first fill, and their statistics come from it.
 */
static inline int rs_fill_refines(const RsFillCtx *c, int t)
{
    return c->masked[t] > 1;
}

/*
 * The planes the current pass fills in frame t: 3, or 1 (the luma) when its
 * chroma would be filled again later before anything reads it. The flows of
 * the refining passes see only the luma of the filled frames, and a fill
 * reads no masked sample of another frame but through the carry, which reads
 * the frame before. So the chroma of a frame the refining passes fill again
 * is needed from a pass before the last only where a frame the first fill
 * finishes carries it on, through masked frames in a row (chroma0[], set by
 * rs_fill_prepare(); rs_fill_open_end() sets it for every frame).
 */
static inline int rs_fill_planes(const RsFillCtx *c, int t)
{
    return c->pass == c->s.refine || (!c->pass && c->chroma0[t]) ? 3 : 1;
}

/* Sample (x, y) of a plane of uint8_t (hbd 0) or uint16_t (hbd 1) samples; stride in bytes. */
static inline int rs_px(const uint8_t *d, ptrdiff_t stride, int hbd, int x, int y)
{
    return hbd ? ((const uint16_t *)(d + y * stride))[x] : d[y * stride + x];
}

static inline void rs_px_set(uint8_t *d, ptrdiff_t stride, int hbd, int x, int y, int v)
{
    if (hbd)
        ((uint16_t *)(d + y * stride))[x] = (uint16_t)v;
    else
        d[y * stride + x] = (uint8_t)v;
}

/* The depth of a frame: 0 means 8. */
static inline int rs_clean_depth(const RsCleanFrame *f)
{
    return f->bit_depth ? f->bit_depth : 8;
}

/*
 * The 8-bit luma guide of f (w x h) that the flow and the dust test read:
 * 8-bit luma as it is (no copy, *stride is the frame's), deeper luma rounded
 * to 8 bits into buf (w x h bytes, *stride = w).
 */
const uint8_t *rs_clean_guide(const RsCleanFrame *f, int w, int h, uint8_t *buf, ptrdiff_t *stride);

/* Compute the flows and masks. On failure the caller still calls rs_fill_free(). */
int rs_fill_prepare(RsFillCtx *c, RsCleanFrame *frames, int n, int w, int h, int lcw, int lch,
                    const RsCleanSettings *s);

/* As rs_fill_prepare(), taking over the fields cache holds for these frames and settings (NULL: none). */
int rs_fill_prepare_cached(RsFillCtx *c, RsCleanFrame *frames, int n, int w, int h, int lcw, int lch,
                           const RsCleanSettings *s, struct RsFlowCache *cache);

/*
 * Compute the fields that cross a mask again from the frames as they are
 * now (filled): in thin parts of the holes and near the edge of thick ones
 * the new flow is kept, deeper in thick ones it is completed from around
 * (rs_fill_complete_refined); a search rs_fill_frame() made ahead is
 * dropped. The caller then fills the frames again in order. On failure it
 * still calls rs_fill_free().
 */
int rs_fill_refine(RsFillCtx *c);

/*
 * Frames follow the last one of the context (a window of a longer shot,
 * clean_window.c), which may carry the chroma of any of them on: the first
 * fill fills every frame's chroma.
 */
void rs_fill_open_end(RsFillCtx *c);

/*
 * Fill frame t; frames before t must be filled already. With two threads or
 * more the call for t also searches frame t + 1, for the next call to use:
 * between the calls the caller may change masked samples only (the windows
 * put a frame's decoded samples back, clean_window.c).
 */
int rs_fill_frame(RsFillCtx *c, int t, RsCleanStats *stats);

/*
 * Fill every frame of a prepared context, then run its refining passes, each
 * filling again the frames it refines; a frame's statistics (stats, may be
 * NULL) are those of its last fill. progress (may be NULL) is called after
 * each frame with the frames done and (1 + refine) x n in all.
 */
int rs_fill_all(RsFillCtx *c, RsCleanStats *stats, void (*progress)(void *opaque, int64_t done, int64_t total),
                void *opaque);

void rs_fill_free(RsFillCtx *c);

/* Forget the search of the next frame rs_fill_frame() made ahead, if any (propagate.c). */
void rs_fill_drop_ahead(RsFillCtx *c);

/* Free what rs_fill_frame() kept (propagate.c); sets *s to NULL. */
void rs_fill_slot_free(RsFillSlot **s);

/*
 * Fill u and v (w x h) where hole is 1 from the values around it: rings of
 * neighbour means from the border inwards, then smoothing. v may be NULL (one
 * field; u comes out the same). hole is changed.
 * Returns 0 or RS_ENOMEM (no message).
 */
int rs_fill_complete(float *u, float *v, int w, int h, uint8_t *hole);

/*
 * Complete a flow field (u, v: w x h) inside hole (1 = unknown; left as it
 * was) for a camera that may move: an affine motion fitted robustly around
 * the hole, plus the border's departures from it, which fade with depth in
 * thick holes (see complete.c). Falls back to rs_fill_complete() when too
 * little is known around the hole. Returns 0 or RS_ENOMEM (no message).
 */
int rs_fill_complete_motion(float *u, float *v, int w, int h, uint8_t *hole);

/*
 * For a field computed on filled frames: keep it in the thin parts of hole
 * (at most 16 samples deep in a 320-sample-wide field, as for
 * rs_fill_complete_motion) and within 3 samples of the edge of thick parts,
 * where the fill gave the estimator texture that was really there nearby;
 * complete the deeper parts with rs_fill_complete_motion(). hole is changed.
 * Returns 0 or RS_ENOMEM (no message).
 */
int rs_fill_complete_refined(float *u, float *v, int w, int h, uint8_t *hole);

/*
 * Mix the fill from other frames with a smooth interpolation of the frame's
 * own pixels (see blend.c). On msk, val[] is the fill from other frames (-1
 * where none; those stay -1) and near[] how many frames away it was found;
 * on band (known pixels near the mask) the same search's values, used to
 * weigh one against the other. Returns 0 or RS_ENOMEM (no message).
 */
int rs_fill_blend_spatial(const uint8_t *plane, ptrdiff_t stride, int depth, int w, int h, const uint8_t *msk,
                          const uint8_t *band, float *val, const float *near, RsBlendKeep *keep);

/*
 * Blend the synthesised pixels (filled[] set) of a plane with a smooth
 * interpolation of the known pixels around them, the interpolation weighing
 * most at the edge and half at `reach` pixels in. Returns 0 or RS_ENOMEM.
 */
int rs_fill_blend_synth(uint8_t *plane, ptrdiff_t stride, int depth, int w, int h, const uint8_t *filled,
                        float reach);

/* Chamfer (3-4) distance of each hole pixel (w x h) to the nearest known one, in pixels (1 on the edge). */
void rs_fill_edge_distance(const uint8_t *hole, int w, int h, float *dist);

/* Grow the set pixels of m (w x h, 0 or 1) by r in each direction. Returns 0 or RS_ENOMEM. */
int rs_fill_dilate(uint8_t *m, int w, int h, int r);

#endif
