/*
 * Writing a short generated clip for the clean job's tests: any size, chroma
 * layout and depth (fx_write_planes(), for the tests of odd sizes and 10-bit
 * layouts), or the common case of 8-bit 4:2:0 whose luma alone is generated
 * (fx_write_clip()). One writer, so that every test's source is made the
 * same way and a change of the encoder's settings is followed in one place.
 */
#ifndef CLEANUP_WRITE_CLIP_H
#define CLEANUP_WRITE_CLIP_H

#include <stdint.h>
#include <stdlib.h>

#include "../rs_test.h"
#include "rushes/encode.h"

/* What fx_write_planes() writes. */
typedef struct FxClipFormat {
    const char *codec;
    int w, h;                  /* luma size; odd where the codec takes it */
    int lcw, lch;              /* log2 chroma subsampling across and down: 1, 1 is 4:2:0, 1, 0 4:2:2, 0, 0 4:4:4 */
    int depth;                 /* 8 (uint8_t samples) or 9..16 (uint16_t) */
    RsRational rate;
    const char *tc;            /* start timecode, may be NULL */
} FxClipFormat;

/* One plane of a frame to fill: w x h samples of depth bits, rows packed; sx, sy its subsampling. */
typedef struct FxPlane {
    uint8_t *data;
    int w, h, sx, sy, depth;
} FxPlane;

/* Store sample v at (x, y) of pl, at its depth's width. */
static inline void fx_put(const FxPlane *pl, int x, int y, int v)
{
    if (pl->depth > 8)
        ((uint16_t *)pl->data)[(size_t)y * pl->w + x] = (uint16_t)v;
    else
        pl->data[(size_t)y * pl->w + x] = (uint8_t)v;
}

/* Fills plane p (0 luma, 1 and 2 chroma) of frame t. */
typedef void (*FxFill)(int t, int p, const FxPlane *pl, void *opaque);

/* Write n frames of format f to path, each plane from fill(). Fails a check when the file cannot be written. */
static inline void fx_write_planes(const char *path, const FxClipFormat *f, int n, FxFill fill, void *opaque)
{
    const int bps = f->depth > 8 ? 2 : 1;
    const int cw = (f->w + (1 << f->lcw) - 1) >> f->lcw, ch = (f->h + (1 << f->lch) - 1) >> f->lch;
    const size_t luma = (size_t)f->w * f->h * bps, chroma = (size_t)cw * ch * bps;
    uint8_t *buf = malloc(luma + 2 * chroma);
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = f->codec;
    s.width = f->w;
    s.height = f->h;
    s.frame_rate = f->rate;
    s.start_timecode = f->tc;
    s.chroma = !f->lcw ? 444 : f->lch ? 420 : 422;
    s.bit_depth = f->depth;
    RsEncoder *e = NULL;
    RS_CHECK(buf != NULL);
    if (buf)
        RS_CHECK_EQ_INT(rs_encoder_open(&e, path, &s), 0);
    const FxPlane pl[3] = {
        { buf, f->w, f->h, 0, 0, f->depth },
        { buf + luma, cw, ch, f->lcw, f->lch, f->depth },
        { buf + luma + chroma, cw, ch, f->lcw, f->lch, f->depth },
    };
    for (int t = 0; t < n && e; t++) {
        for (int p = 0; p < 3; p++)
            fill(t, p, &pl[p], opaque);
        const uint8_t *planes[3] = { pl[0].data, pl[1].data, pl[2].data };
        const ptrdiff_t strides[3] = { (ptrdiff_t)f->w * bps, (ptrdiff_t)cw * bps, (ptrdiff_t)cw * bps };
        RS_CHECK_EQ_INT(rs_encoder_write_video(e, planes, strides), 0);
    }
    if (e)
        RS_CHECK_EQ_INT(rs_encoder_close(&e), 0);
    free(buf);
}

/* Fills the w x h luma of frame t (rows packed, w bytes each). */
typedef void (*FxLuma)(int t, uint8_t *y, void *opaque);

typedef struct FxLumaFill {
    FxLuma luma;
    void *opaque;
} FxLumaFill;

/* The luma from the test's FxLuma, the chroma a fixed fine pattern, the same on every frame. */
static inline void fx_fill_luma(int t, int p, const FxPlane *pl, void *opaque)
{
    const FxLumaFill *lf = opaque;
    if (!p) {
        lf->luma(t, pl->data, lf->opaque);
        return;
    }
    for (int i = 0; i < pl->w * pl->h; i++)
        pl->data[i] = (uint8_t)(110 + (i % 7));
}

/*
 * Write n frames of w x h 8-bit 4:2:0 (w and h even) to path with codec at
 * rate: the luma from luma(), the chroma a fixed fine pattern, the same on
 * every frame. tc (may be NULL) is the start timecode. Fails a check when
 * the file cannot be written.
 */
static inline void fx_write_clip(const char *path, const char *codec, int w, int h, int n, RsRational rate,
                                 const char *tc, FxLuma luma, void *opaque)
{
    const FxClipFormat f = { codec, w, h, 1, 1, 8, rate, tc };
    FxLumaFill lf = { luma, opaque };
    fx_write_planes(path, &f, n, fx_fill_luma, &lf);
}

#endif
