/*
 * Plane rotation for display-matrix rotated clips: plain C over 32x32 tiles,
 * so both the rows read and the rows written stay in cache. No libav* here,
 * so the kernel is tested on its own against a naive reference.
 */
#ifndef RS_MEDIA_ROTATE_H
#define RS_MEDIA_ROTATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Rotate a w x h plane of 1- or 2-byte samples clockwise by rotation degrees
 * (90, 180 or 270; anything else copies). dst must hold the rotated plane:
 * h x w samples for 90 and 270, w x h for 0 and 180. Strides are in bytes.
 */
void rs_rotate_plane(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *src,
                     ptrdiff_t src_stride, int w, int h, int bytes_per_sample, int rotation);

#endif /* RS_MEDIA_ROTATE_H */
