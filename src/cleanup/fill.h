/* The state of one fill: completed flows and grown masks of every frame. */
#ifndef RS_CLEANUP_FILL_H
#define RS_CLEANUP_FILL_H

#include "rushes/cleanup.h"
#include "rushes/flow.h"

typedef struct RsFillCtx {
    RsCleanFrame *frames;
    int n, w, h, lcw, lch;
    int pw[3], ph[3];           /* plane sizes */
    RsCleanSettings s;
    RsFlowSettings fs;
    int level, fw, fh;          /* flow fields are fw x fh, in pixels of that level */
    /* fwd[t]: flow t -> t+1 (u then v), bwd[t]: t -> t-1, completed inside the masks. */
    float **fwd, **bwd;
    /* bad[t]: per plane (Y, Cb, Cr back to back) the grown mask (not a source),
     * followed by the same layout for the mask itself (to fill). */
    uint8_t **bad;
} RsFillCtx;

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
