/*
 * Planar YUV (any depth 8..16, 4:2:0 / 4:2:2 / 4:4:4) to R'G'B' in 0..1,
 * in floating point. swscale's high-depth RGB output is scaled to 255 << 8
 * rather than 65535 (10-bit white came out 65283), a 0.4 % gain error that a
 * 16-bit picture should not have; this is exact to float precision.
 */
#ifndef RS_MEDIA_YUV_RGB_H
#define RS_MEDIA_YUV_RGB_H

#include <stddef.h>
#include <stdint.h>

typedef struct RsYuvRgb {
    int depth, lcw, lch;        /* sample depth, chroma shifts */
    float y_off, y_scale, c_off, c_scale;
    float kr, kb;               /* luma weights of the matrix */
    float sx, ox, sy, oy;       /* luma column x sits at chroma column x * sx + ox (likewise rows) */
} RsYuvRgb;

/*
 * space: an AVColorSpace (unspecified and RGB read as BT.709; BT.2020
 * constant luminance as non-constant); full_range: 0 limited, 1 full;
 * chroma_location: an AVChromaLocation (unspecified: co-sited left, centred
 * between rows for 4:2:0, as MPEG-2, H.264 and ProRes site it).
 */
void rs_yuv_rgb_init(RsYuvRgb *c, int depth, int lcw, int lch, int full_range, int space, int chroma_location);

/* Row y of a w x h picture (planes of uint8_t at depth 8, else native uint16_t) into r, g, b (w floats each). */
void rs_yuv_rgb_row(const RsYuvRgb *c, const uint8_t *const planes[3], const ptrdiff_t strides[3], int w, int h,
                    int y, float *r, float *g, float *b);

#endif
