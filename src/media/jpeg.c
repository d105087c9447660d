/*
 * JPEG stills through libavcodec's mjpeg encoder: one packet of the mjpeg
 * encoder is a complete JFIF file, so no muxer is needed.
 */
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>

#include "media/avlog.h"
#include "rushes/error.h"
#include "rushes/thumbs.h"

/* Limited-range code values stretched to JPEG's full range (BT.601/709 scaling: 219 and 224 steps). */
static uint8_t full_luma(int v)
{
    int y = ((v - 16) * 255 + 109) / 219;
    return (uint8_t)(y < 0 ? 0 : y > 255 ? 255 : y);
}

static uint8_t full_chroma(int v)
{
    int c = 128 + ((v - 128) * 255 + (v >= 128 ? 112 : -112)) / 224;
    return (uint8_t)(c < 0 ? 0 : c > 255 ? 255 : c);
}

int rs_jpeg_write(const char *path, const uint8_t *const planes[3], const ptrdiff_t strides[3],
                  int width, int height, int full_range, int quality)
{
    if (width <= 0 || height <= 0 || (width & 1) || (height & 1) || width > 16384 || height > 16384)
        return rs_error(RS_EINVAL, "%s: JPEG size %dx%d must be even and positive", path, width, height);
    if (quality < 2 || quality > 31)
        return rs_error(RS_EINVAL, "%s: JPEG quality %d is outside 2..31", path, quality);
    rs_media_av_init();
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    if (!codec)
        return rs_error(RS_EUNSUP, "%s: this FFmpeg has no mjpeg encoder", path);
    AVCodecContext *c = avcodec_alloc_context3(codec);
    AVFrame *f = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    int ret = RS_ENOMEM;
    if (!c || !f || !pkt)
        goto end;
    c->width = width;
    c->height = height;
    c->pix_fmt = AV_PIX_FMT_YUVJ420P;
    c->color_range = AVCOL_RANGE_JPEG;
    c->time_base = (AVRational){ 1, 25 };
    c->flags |= AV_CODEC_FLAG_QSCALE;
    c->global_quality = FF_QP2LAMBDA * quality;
    c->qmin = c->qmax = quality;
    c->thread_count = 1;
    if (avcodec_open2(c, codec, NULL) < 0) {
        ret = rs_error(RS_EMEDIA, "%s: the mjpeg encoder refused %dx%d", path, width, height);
        goto end;
    }
    f->format = AV_PIX_FMT_YUVJ420P;
    f->width = width;
    f->height = height;
    f->quality = c->global_quality;
    f->pict_type = AV_PICTURE_TYPE_I;
    if (av_frame_get_buffer(f, 0) < 0)
        goto end;
    for (int p = 0; p < 3; p++) {
        const int w = p ? (width + 1) / 2 : width, h = p ? (height + 1) / 2 : height;
        for (int y = 0; y < h; y++) {
            const uint8_t *src = planes[p] + strides[p] * y;
            uint8_t *dst = f->data[p] + f->linesize[p] * y;
            if (full_range)
                memcpy(dst, src, (size_t)w);
            else
                for (int x = 0; x < w; x++)
                    dst[x] = p ? full_chroma(src[x]) : full_luma(src[x]);
        }
    }
    if (avcodec_send_frame(c, f) < 0 || avcodec_send_frame(c, NULL) < 0 || avcodec_receive_packet(c, pkt) < 0) {
        ret = rs_error(RS_EMEDIA, "%s: the mjpeg encoder failed", path);
        goto end;
    }
    FILE *out = fopen(path, "wb");
    if (!out) {
        ret = rs_error(RS_EIO, "%s: cannot create", path);
        goto end;
    }
    size_t wrote = fwrite(pkt->data, 1, (size_t)pkt->size, out);
    if (fclose(out) != 0 || wrote != (size_t)pkt->size) {
        ret = rs_error(RS_EIO, "%s: cannot write", path);
        goto end;
    }
    ret = 0;
end:
    av_packet_free(&pkt);
    av_frame_free(&f);
    avcodec_free_context(&c);
    return ret;
}
