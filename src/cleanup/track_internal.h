/* What the mask reader and the tracker share. */
#ifndef RS_CLEANUP_TRACK_INTERNAL_H
#define RS_CLEANUP_TRACK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cleanup/flow_cache.h"
#include "rushes/track.h"

/*
 * Set to 1 the pixels of a w x h mask whose centre is inside the polygon
 * v[0..nv) (x, y pairs), by the even-odd rule; other pixels are left alone.
 */
void rs_mask_fill_polygon(const double *v, int nv, int w, int h, uint8_t *out, ptrdiff_t stride);

/* Grow the 0/1 mask m (w x h) by a disc of radius r in place; tmp holds w x h bytes. */
void rs_mask_dilate(uint8_t *m, ptrdiff_t stride, int w, int h, int r, uint8_t *tmp);

/*
 * rs_track_shapes() and rs_mask_track() reading their flows from cache when
 * it was made for these frames with the tracker's flow settings: the fields
 * they read are computed into it first (several at a time) and stay there
 * for the passes after. NULL, or a cache that does not match: as the public
 * functions, each field computed and dropped in turn. With a cache, luma is
 * the cache's frames' 8-bit guides as rs_clean_guide() makes them (as
 * rs_clip_luma8() gives them): the cache computes from them.
 */
int rs_track_shapes_cached(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                           RsTrackShape *shapes, int nshapes, const RsTrackSettings *s, RsFlowCache *cache);
int rs_mask_track_cached(RsMask *m, const uint8_t *const *luma, ptrdiff_t stride, int n, const RsTrackSettings *s,
                         int *tracked, RsFlowCache *cache);

/* How many shapes of m are marked "track". */
int rs_mask_tracked_shapes(const RsMask *m);

#endif
