/* The scratch detector on one window of a longer shot (clean_window.c, doc/cleanup.md "Long shots"). */
#ifndef RS_CLEANUP_SCRATCH_INTERNAL_H
#define RS_CLEANUP_SCRATCH_INTERNAL_H

#include "rushes/scratch.h"

/*
 * rs_scratch_detect() on frames 0..n-1 of a window whose first keep frames
 * were written already by the window before. masks[0..keep-1] hold on entry
 * the scratch masks those frames were written with and are only read: a
 * chain whose line is masked there (its centre column, on one of its rows,
 * on one of those frames) was taken by an earlier window and is taken again
 * ("carried"), whatever its evidence in this window, so a scratch crossing
 * a window's border is masked on both sides. masks[keep..n-1] receive the
 * scratches OR-ed into what they hold (the caller clears a frame's mask
 * when it arrives), so a frame two windows see gets the union of their
 * decisions. was_carried (may be NULL) receives, beside each of the first
 * max_found entries of found, whether it was carried. With keep 0 and
 * cleared masks this is rs_scratch_detect(). The flows of the motion test
 * come from cache (the window's, flow_cache.h) when its settings match, and
 * are computed into it; NULL: computed here. Errors as rs_scratch_detect().
 */
struct RsFlowCache;
int rs_scratch_detect_window(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                             const RsScratchSettings *s, int keep, uint8_t *const *masks, ptrdiff_t mask_stride,
                             RsScratch *found, uint8_t *was_carried, int max_found, int *nfound,
                             struct RsFlowCache *cache);

#endif
