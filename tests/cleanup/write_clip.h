/* Writing a short generated clip for the clean job's tests. */
#ifndef CLEANUP_WRITE_CLIP_H
#define CLEANUP_WRITE_CLIP_H

#include <stdint.h>
#include <stdlib.h>

#include "../rs_test.h"
#include "rushes/encode.h"

/* Fills the w x h luma of frame t (rows packed, w bytes each). */
typedef void (*FxLuma)(int t, uint8_t *y, void *opaque);

/*
 * Write n frames of w x h 8-bit 4:2:0 (w and h even) to path with codec at
 * rate: the luma from luma(), the chroma a fixed fine pattern, the same on
 * every frame. tc (may be NULL) is the start timecode. Fails a check when
 * the file cannot be written.
 */
static inline void fx_write_clip(const char *path, const char *codec, int w, int h, int n, RsRational rate,
                                 const char *tc, FxLuma luma, void *opaque)
{
    uint8_t *y = malloc((size_t)w * h * 3 / 2), *c = y + (size_t)w * h;
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = codec;
    s.width = w;
    s.height = h;
    s.frame_rate = rate;
    s.start_timecode = tc;
    RsEncoder *e = NULL;
    RS_CHECK(y != NULL);
    if (y)
        RS_CHECK_EQ_INT(rs_encoder_open(&e, path, &s), 0);
    for (int i = 0; e && i < w * h / 4; i++)
        c[i] = (uint8_t)(110 + (i % 7));
    for (int t = 0; t < n && e; t++) {
        luma(t, y, opaque);
        const uint8_t *planes[3] = { y, c, c };
        const ptrdiff_t strides[3] = { w, w / 2, w / 2 };
        RS_CHECK_EQ_INT(rs_encoder_write_video(e, planes, strides), 0);
    }
    if (e)
        RS_CHECK_EQ_INT(rs_encoder_close(&e), 0);
    free(y);
}

#endif
