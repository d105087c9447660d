/* Decoding a whole (short) output back into memory, for the clean job's tests. */
#ifndef CLEANUP_DECODE_FRAMES_H
#define CLEANUP_DECODE_FRAMES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "rushes/media.h"

/*
 * The first n pictures of path, each frame's planes packed one after the
 * other (Y w x h, then Cb and Cr at w x h shifted by lcw, lch and rounded
 * up: 49x33 for 97x65 4:2:0), one byte a
 * sample at depth 8 and two above. Fails a check unless the file opens and
 * n frames of that size, layout and depth come. tc and rate (may be NULL)
 * receive the file's start timecode and frame rate. The caller frees the
 * buffer; frames not decoded are zero.
 */
static inline uint8_t *fx_decode_frames(const char *path, int n, int w, int h, int lcw, int lch, int depth,
                                        char tc[16], RsRational *rate)
{
    const int bps = depth > 8 ? 2 : 1, cw = (w + (1 << lcw) - 1) >> lcw, ch = (h + (1 << lch) - 1) >> lch;
    const size_t frame = ((size_t)w * h + 2 * (size_t)cw * ch) * bps;
    uint8_t *buf = calloc(n, frame);
    RsDecoder *d = NULL;
    const RsMediaInfo *info = NULL;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, path, NULL, &info), 0);
    if (!d || !buf)
        return buf;
    if (tc)
        snprintf(tc, 16, "%s", info->start_timecode);
    if (rate)
        *rate = info->video[0].frame_rate;
    RsMediaEvent ev;
    int t = 0;
    while (t < n && rs_decoder_read(d, &ev) > 0) {
        if (ev.type != RS_EVENT_VIDEO)
            continue;
        const RsVideoFrame *v = ev.video;
        RS_CHECK(v->width == w && v->height == h && v->bit_depth == depth && v->log2_chroma_w == lcw &&
                 v->log2_chroma_h == lch);
        if (v->width != w || v->height != h || v->bit_depth != depth || v->log2_chroma_w != lcw ||
            v->log2_chroma_h != lch)
            break;
        uint8_t *dst = buf + (size_t)t++ * frame;
        for (int p = 0; p < 3; p++) {
            const int pw = p ? cw : w, ph = p ? ch : h;
            for (int r = 0; r < ph; r++, dst += (size_t)pw * bps)
                memcpy(dst, v->plane[p].data + r * v->plane[p].stride, (size_t)pw * bps);
        }
    }
    RS_CHECK_EQ_INT(t, n);
    rs_decoder_close(&d);
    return buf;
}

#endif
