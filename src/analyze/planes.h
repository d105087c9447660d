/* Shared planes: the reductions made once per frame for every analyzer. */
#ifndef RS_ANALYZE_PLANES_H
#define RS_ANALYZE_PLANES_H

#include <stdint.h>

#include "rushes/media.h"

/*
 * Box-filter src by fx x fy (each 1, 2 or 4) into an 8-bit plane of
 * (src->width / fx) x (src->height / fy); 16-bit samples are scaled down by
 * shift bits (bit_depth - 8). Rows of the remainder are dropped, as a decimation
 * would. rowacc needs room for dst_w * 4 uint32_t.
 */
void rs_plane_reduce(const RsPlane *src, int fx, int fy, int shift,
                     uint8_t *dst, ptrdiff_t dst_stride, int dst_w, int dst_h,
                     uint32_t *rowacc);

/* The C reference of rs_plane_reduce, kept beside it so the test can prove them equal. */
void rs_plane_reduce_ref(const RsPlane *src, int fx, int fy, int shift,
                         uint8_t *dst, ptrdiff_t dst_stride, int dst_w, int dst_h);

#endif
