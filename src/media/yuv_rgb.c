/*
 * YUV to R'G'B' for the picture sequences the writer makes: the matrix and
 * range of the source, chroma interpolated linearly at its siting. The
 * values stay display-referred (no transfer function is undone).
 */
#include <libavutil/pixfmt.h>

#include "media/yuv_rgb.h"

void rs_yuv_rgb_init(RsYuvRgb *c, int depth, int lcw, int lch, int full_range, int space, int chroma_location)
{
    const float one = (float)(1 << (depth - 8));
    c->depth = depth;
    c->lcw = lcw;
    c->lch = lch;
    c->c_off = 128 * one;
    if (full_range) {
        c->y_off = 0;
        c->y_scale = c->c_scale = 1.0f / (float)((1 << depth) - 1);
    } else {
        c->y_off = 16 * one;
        c->y_scale = 1.0f / (219 * one);
        c->c_scale = 1.0f / (224 * one);
    }
    switch (space) {
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
        c->kr = 0.299f, c->kb = 0.114f;
        break;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
        c->kr = 0.2627f, c->kb = 0.0593f;
        break;
    case AVCOL_SPC_SMPTE240M:
        c->kr = 0.212f, c->kb = 0.087f;
        break;
    case AVCOL_SPC_FCC:
        c->kr = 0.30f, c->kb = 0.11f;
        break;
    default:
        c->kr = 0.2126f, c->kb = 0.0722f;
        break;
    }
    /* Luma x lands on chroma x / 2 when co-sited, (x + 0.5) / 2 - 0.5 when centred. */
    const int centred_x = chroma_location == AVCHROMA_LOC_CENTER || chroma_location == AVCHROMA_LOC_TOP ||
                          chroma_location == AVCHROMA_LOC_BOTTOM;
    const int cosited_y = chroma_location == AVCHROMA_LOC_TOPLEFT || chroma_location == AVCHROMA_LOC_TOP;
    c->sx = lcw ? 0.5f : 1;
    c->ox = lcw && centred_x ? -0.25f : 0;
    c->sy = lch ? 0.5f : 1;
    c->oy = lch && !cosited_y ? -0.25f : 0;
}

static float at(const uint8_t *p, ptrdiff_t stride, int hbd, int x, int y)
{
    return hbd ? ((const uint16_t *)(p + y * stride))[x] : p[y * stride + x];
}

/* Bilinear read of a chroma plane (cw x ch) at (fx, fy), clamped at the edges. */
static float chroma(const uint8_t *p, ptrdiff_t stride, int hbd, int cw, int ch, float fx, float fy)
{
    fx = fx < 0 ? 0 : fx > cw - 1 ? (float)(cw - 1) : fx;
    fy = fy < 0 ? 0 : fy > ch - 1 ? (float)(ch - 1) : fy;
    const int x0 = (int)fx, y0 = (int)fy, x1 = x0 + 1 < cw ? x0 + 1 : x0, y1 = y0 + 1 < ch ? y0 + 1 : y0;
    const float ax = fx - x0, ay = fy - y0;
    return (at(p, stride, hbd, x0, y0) * (1 - ax) + at(p, stride, hbd, x1, y0) * ax) * (1 - ay) +
           (at(p, stride, hbd, x0, y1) * (1 - ax) + at(p, stride, hbd, x1, y1) * ax) * ay;
}

static float clip01(float v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

void rs_yuv_rgb_row(const RsYuvRgb *c, const uint8_t *const planes[3], const ptrdiff_t strides[3], int w, int h,
                    int y, float *r, float *g, float *b)
{
    const int hbd = c->depth > 8;
    const int cw = (w + (1 << c->lcw) - 1) >> c->lcw, ch = (h + (1 << c->lch) - 1) >> c->lch;
    const float kr = c->kr, kb = c->kb, kg = 1 - kr - kb;
    const float fy = y * c->sy + c->oy;
    for (int x = 0; x < w; x++) {
        const float fx = x * c->sx + c->ox;
        const float yy = (at(planes[0], strides[0], hbd, x, y) - c->y_off) * c->y_scale;
        const float pb = (chroma(planes[1], strides[1], hbd, cw, ch, fx, fy) - c->c_off) * c->c_scale;
        const float pr = (chroma(planes[2], strides[2], hbd, cw, ch, fx, fy) - c->c_off) * c->c_scale;
        const float rr = yy + 2 * (1 - kr) * pr, bb = yy + 2 * (1 - kb) * pb;
        r[x] = clip01(rr);
        b[x] = clip01(bb);
        g[x] = clip01((yy - kr * rr - kb * bb) / kg);
    }
}
