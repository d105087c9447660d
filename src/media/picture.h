/*
 * From a decoded AVFrame to the planar YUV that RsVideoFrame promises.
 * Planar YUV (and gray) frames are passed through untouched: their planes are
 * the AVFrame's own. Only other layouts (RGB, packed, semi-planar, palette,
 * float) go through swscale, once, into a reused 4:4:4 buffer.
 */
#ifndef RS_MEDIA_PICTURE_H
#define RS_MEDIA_PICTURE_H

#include <libavutil/frame.h>

#include "rushes/media.h"

typedef struct RsPicture {
    struct SwsContext *sws;
    int sws_fmt, sws_w, sws_h, sws_full, sws_space;  /* what sws was set up for */
    uint8_t *conv[4];                                 /* converted picture */
    int conv_linesize[4];
    int conv_fmt, conv_w, conv_h;
    uint8_t *gray;                                    /* constant chroma for gray sources */
    int gray_w, gray_h, gray_depth;
    uint8_t *rot[3];                                  /* rotated planes */
    size_t rot_size[3];
} RsPicture;

/*
 * Describe f as planar YUV in out (all fields but index, pts, time_base and
 * corrupt). The planes point into f or into p's buffers, valid until f is
 * unreferenced or the next call. Errors: RS_ENOMEM, RS_EUNSUP (a pixel format
 * swscale cannot read).
 */
int rs_picture_map(RsPicture *p, const AVFrame *f, RsVideoFrame *out);

/* Rotate out's planes clockwise by rotation (90, 180, 270) into p's buffers. RS_ENOMEM. */
int rs_picture_rotate(RsPicture *p, RsVideoFrame *out, int rotation);

void rs_picture_free(RsPicture *p);

#endif /* RS_MEDIA_PICTURE_H */
