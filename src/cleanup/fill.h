/* The state of one fill: completed flows and grown masks of every frame. */
#ifndef RS_CLEANUP_FILL_H
#define RS_CLEANUP_FILL_H

#include "rushes/cleanup.h"
#include "rushes/flow.h"

#define RS_FILL_BAD 1
#define RS_FILL_MASK 2

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
} RsFillCtx;

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

/* Fill frame t; frames before t must be filled already. */
int rs_fill_frame(RsFillCtx *c, int t, RsCleanStats *stats);

void rs_fill_free(RsFillCtx *c);

/*
 * Fill u and v (w x h) where hole is 1 from the values around it: rings of
 * neighbour means from the border inwards, then smoothing. hole is changed.
 * Returns 0 or RS_ENOMEM (no message).
 */
int rs_fill_complete(float *u, float *v, int w, int h, uint8_t *hole);

#endif
