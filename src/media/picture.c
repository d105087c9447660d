/*
 * Decoded frames as planar YUV. The rule that matters for speed: a planar YUV
 * frame is never converted (not even its range), because reading the decoded
 * planes costs nothing while a 1080p swscale pass costs milliseconds.
 */
#include <stdlib.h>
#include <string.h>

#include <libavutil/avconfig.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "rushes/error.h"
#include "media/picture.h"
#include "media/rotate.h"

#define ALIGN 64

static const uint64_t native_be = AV_HAVE_BIGENDIAN ? AV_PIX_FMT_FLAG_BE : 0;

/*
 * The bit depth when the format is planar YUV or gray we can hand out as is:
 * one component per plane in plane order Y, Cb, Cr (alpha ignored), 8-bit
 * samples or 9..16-bit samples in native-endian 16-bit words, no shifts.
 * 0 for anything else.
 */
static int passthrough_depth(const AVPixFmtDescriptor *d)
{
    if (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM |
                    AV_PIX_FMT_FLAG_FLOAT | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BAYER))
        return 0;
    if ((d->flags & AV_PIX_FMT_FLAG_BE) != native_be)
        return 0;
    if (d->nb_components != 1 && d->nb_components != 3 && d->nb_components != 4)
        return 0;
    int depth = d->comp[0].depth;
    if (depth < 8 || depth > 16)
        return 0;
    int step = depth > 8 ? 2 : 1, planes = d->nb_components == 1 ? 1 : 3;
    for (int i = 0; i < planes; i++) {
        const AVComponentDescriptor *c = &d->comp[i];
        if (c->plane != i || c->step != step || c->offset || c->shift || c->depth != depth)
            return 0;
    }
    return depth;
}

static int is_jpeg_format(enum AVPixelFormat f)
{
    return f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_YUVJ422P || f == AV_PIX_FMT_YUVJ444P ||
           f == AV_PIX_FMT_YUVJ440P || f == AV_PIX_FMT_YUVJ411P;
}

/* A neutral chroma plane for gray pictures, at 4:2:0 to keep it small. */
static int gray_chroma(RsPicture *p, RsVideoFrame *out)
{
    int cw = (out->width + 1) >> 1, ch = (out->height + 1) >> 1, depth = out->bit_depth;
    int bps = depth > 8 ? 2 : 1;
    if (!p->gray || p->gray_w != cw || p->gray_h != ch || p->gray_depth != depth) {
        av_freep(&p->gray);
        if (!(p->gray = av_malloc((size_t)cw * ch * bps)))
            return RS_ENOMEM;
        p->gray_w = cw;
        p->gray_h = ch;
        p->gray_depth = depth;
        if (bps == 1) {
            memset(p->gray, 128, (size_t)cw * ch);
        } else {
            uint16_t *g = (uint16_t *)p->gray, mid = (uint16_t)(1 << (depth - 1));
            for (size_t i = 0; i < (size_t)cw * ch; i++)
                g[i] = mid;
        }
    }
    out->log2_chroma_w = out->log2_chroma_h = 1;
    for (int i = 1; i < 3; i++)
        out->plane[i] = (RsPlane){ p->gray, (ptrdiff_t)cw * bps, cw, ch, bps };
    return 0;
}

static enum AVPixelFormat yuv444_for_depth(int depth)
{
    if (depth <= 8)
        return AV_PIX_FMT_YUV444P;
    if (depth <= 10)
        return AV_PIX_FMT_YUV444P10;
    if (depth <= 12)
        return AV_PIX_FMT_YUV444P12;
    if (depth <= 14)
        return AV_PIX_FMT_YUV444P14;
    return AV_PIX_FMT_YUV444P16;
}

/*
 * Everything that is not planar YUV: to 4:4:4 planar YUV at the source's
 * depth (8, 10, 12, 14 or 16 bits; float becomes 16). The range is kept: RGB
 * and palette pictures become full range, YUV ones keep theirs, so swscale
 * never spends time on a range change. RGB is converted with the frame's
 * matrix when it names one, else BT.709.
 */
static int convert(RsPicture *p, const AVFrame *f, const AVPixFmtDescriptor *d, RsVideoFrame *out)
{
    int src_depth = (d->flags & AV_PIX_FMT_FLAG_FLOAT) ? 16 : d->comp[0].depth;
    enum AVPixelFormat dst = yuv444_for_depth(src_depth);
    int full = (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) ||
               d->nb_components < 3 || f->color_range == AVCOL_RANGE_JPEG;
    int space = f->colorspace;
    if (space == AVCOL_SPC_UNSPECIFIED || space == AVCOL_SPC_RGB || space == AVCOL_SPC_RESERVED)
        space = AVCOL_SPC_BT709;

    if (!p->sws || p->sws_fmt != f->format || p->sws_w != f->width || p->sws_h != f->height ||
        p->sws_full != full || p->sws_space != space) {
        sws_freeContext(p->sws);
        p->sws = sws_getContext(f->width, f->height, f->format, f->width, f->height, dst,
                                SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT |
                                SWS_FULL_CHR_H_INP, NULL, NULL, NULL);
        if (!p->sws)
            return rs_error(RS_EUNSUP, "cannot convert %s pictures to %s",
                            av_get_pix_fmt_name(f->format), av_get_pix_fmt_name(dst));
        const int *coef = sws_getCoefficients(space);
        sws_setColorspaceDetails(p->sws, coef, full, coef, full, 0, 1 << 16, 1 << 16);
        p->sws_fmt = f->format;
        p->sws_w = f->width;
        p->sws_h = f->height;
        p->sws_full = full;
        p->sws_space = space;
    }
    if (!p->conv[0] || p->conv_fmt != dst || p->conv_w != f->width || p->conv_h != f->height) {
        av_freep(&p->conv[0]);
        if (av_image_alloc(p->conv, p->conv_linesize, f->width, f->height, dst, ALIGN) < 0)
            return RS_ENOMEM;
        p->conv_fmt = dst;
        p->conv_w = f->width;
        p->conv_h = f->height;
    }
    sws_scale(p->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, p->conv,
              p->conv_linesize);

    int bps = src_depth > 8 ? 2 : 1;
    out->bit_depth = av_pix_fmt_desc_get(dst)->comp[0].depth;
    out->full_range = full;
    out->log2_chroma_w = out->log2_chroma_h = 0;
    for (int i = 0; i < 3; i++)
        out->plane[i] = (RsPlane){ p->conv[i], p->conv_linesize[i], f->width, f->height, bps };
    return 0;
}

int rs_picture_map(RsPicture *p, const AVFrame *f, RsVideoFrame *out)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
    if (!d)
        return rs_error(RS_EUNSUP, "decoded picture has no pixel format");
    out->width = f->width;
    out->height = f->height;
    out->key_frame = f->key_frame;

    int depth = passthrough_depth(d);
    if (!depth)
        return convert(p, f, d, out);

    int bps = depth > 8 ? 2 : 1;
    out->bit_depth = depth;
    out->full_range = f->color_range == AVCOL_RANGE_JPEG || is_jpeg_format(f->format);
    out->plane[0] = (RsPlane){ f->data[0], f->linesize[0], f->width, f->height, bps };
    if (d->nb_components == 1)
        return gray_chroma(p, out);
    out->log2_chroma_w = d->log2_chroma_w;
    out->log2_chroma_h = d->log2_chroma_h;
    int cw = AV_CEIL_RSHIFT(f->width, d->log2_chroma_w);
    int ch = AV_CEIL_RSHIFT(f->height, d->log2_chroma_h);
    for (int i = 1; i < 3; i++)
        out->plane[i] = (RsPlane){ f->data[i], f->linesize[i], cw, ch, bps };
    return 0;
}

int rs_picture_rotate(RsPicture *p, RsVideoFrame *out, int rotation)
{
    if (rotation != 90 && rotation != 180 && rotation != 270)
        return 0;
    int swap = rotation != 180;
    for (int i = 0; i < 3; i++) {
        RsPlane *pl = &out->plane[i];
        int dw = swap ? pl->height : pl->width, dh = swap ? pl->width : pl->height;
        ptrdiff_t stride = FFALIGN((ptrdiff_t)dw * pl->bytes_per_sample, ALIGN);
        size_t need = (size_t)stride * dh;
        if (p->rot_size[i] < need) {
            av_freep(&p->rot[i]);
            if (!(p->rot[i] = av_malloc(need))) {
                p->rot_size[i] = 0;
                return RS_ENOMEM;
            }
            p->rot_size[i] = need;
        }
        rs_rotate_plane(p->rot[i], stride, pl->data, pl->stride, pl->width, pl->height,
                        pl->bytes_per_sample, rotation);
        *pl = (RsPlane){ p->rot[i], stride, dw, dh, pl->bytes_per_sample };
    }
    if (swap) {
        int t = out->width;
        out->width = out->height;
        out->height = t;
        t = out->log2_chroma_w;
        out->log2_chroma_w = out->log2_chroma_h;
        out->log2_chroma_h = t;
    }
    return 0;
}

void rs_picture_free(RsPicture *p)
{
    sws_freeContext(p->sws);
    av_freep(&p->conv[0]);
    av_freep(&p->gray);
    for (int i = 0; i < 3; i++)
        av_freep(&p->rot[i]);
    memset(p, 0, sizeof(*p));
}
