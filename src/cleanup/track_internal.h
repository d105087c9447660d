/* What the mask reader and the tracker share. */
#ifndef RS_CLEANUP_TRACK_INTERNAL_H
#define RS_CLEANUP_TRACK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Set to 1 the pixels of a w x h mask whose centre is inside the polygon
 * v[0..nv) (x, y pairs), by the even-odd rule; other pixels are left alone.
 */
void rs_mask_fill_polygon(const double *v, int nv, int w, int h, uint8_t *out, ptrdiff_t stride);

/* Grow the 0/1 mask m (w x h) by a disc of radius r in place; tmp holds w x h bytes. */
void rs_mask_dilate(uint8_t *m, ptrdiff_t stride, int w, int h, int r, uint8_t *tmp);

#endif
