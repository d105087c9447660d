/*
 * What every image sequence test checks of a probe (test_media_sequences.c,
 * test_media_seq_step.c): written once so that a change of what the probe
 * reports for a sequence is checked the same way everywhere.
 */
#ifndef RS_TEST_MEDIA_SEQ_CHECKS_H
#define RS_TEST_MEDIA_SEQ_CHECKS_H

#include "media_fixtures.h"

/*
 * Probe path (a folder or a pattern) and check that it is an image
 * sequence of one video stream of frames frames at 24 fps (the probe's
 * rate for sequences). Returns the info for the caller's own checks (free
 * it with rs_media_info_free()), or NULL when the probe failed (a failed
 * check, with the error printed).
 */
static inline RsMediaInfo *fx_probe_seq(const char *path, int64_t frames)
{
    fprintf(stderr, "  %s\n", path);
    RsMediaInfo *mi;
    int r = rs_media_probe(path, &mi);
    RS_CHECK_EQ_INT(r, 0);
    if (r < 0) {
        fprintf(stderr, "%s\n", rs_error_message());
        return NULL;
    }
    RS_CHECK_EQ_INT(mi->is_image_sequence, 1);
    RS_CHECK_EQ_STR(mi->format, "image2");
    RS_CHECK_EQ_INT(mi->nb_video, 1);
    if (mi->nb_video == 1) {
        RS_CHECK_EQ_INT(mi->video[0].frame_count, frames);
        RS_CHECK_EQ_INT(mi->video[0].duration_ts, frames);
        RS_CHECK_EQ_INT(mi->video[0].frame_rate.num, 24);
        RS_CHECK_EQ_INT(mi->video[0].frame_rate.den, 1);
    }
    /* FFmpeg rounds the duration to the nearest microsecond. */
    RS_CHECK_EQ_INT(mi->duration_us, (frames * 1000000 + 12) / 24);
    return mi;
}

/*
 * Decoder settings that read a sequence at 25 fps: not the probe's 24, so
 * that a decode which ignored the settings would show in its time base.
 */
static inline void fx_seq_decoder_settings(RsDecoderSettings *s)
{
    rs_decoder_default_settings(s);
    s->image_rate = (RsRational){ 25, 1 };
}

#endif
