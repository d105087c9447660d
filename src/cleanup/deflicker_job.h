/*
 * The deflicker in the clean job: decoded frames pass through the deflicker
 * stream (include/rushes/deflicker.h) on their way to the clip, so the
 * whole-shot path and the windows of a long shot (clean_window.c) both see
 * deflickered frames, the same ones, in bounded memory.
 */
#ifndef RS_CLEANUP_DEFLICKER_JOB_H
#define RS_CLEANUP_DEFLICKER_JOB_H

#include "cleanup/clean_job.h"

typedef struct RsDfReader RsDfReader;

/* A reader deflickering with job->deflicker as its window. Returns 0 or RS_ENOMEM. */
int rs_df_reader_open(RsDfReader **r, const RsCleanJob *job);

/*
 * The next event for the clip: rs_decoder_read() itself when the clip has
 * no reader, else the next video frame deflickered (other events are
 * skipped), valid until the next call. The first frame takes the frames
 * the deflicker holds ahead out of c->max_memory (RS_ERANGE when they do
 * not fit). Returns 1, 0 at the end, or a negative error.
 */
int rs_clip_read(RsClip *c, RsDecoder *d, RsMediaEvent *ev);

/* What the deflicker did so far (zeros before the first frame). */
void rs_df_reader_stats(const RsDfReader *r, RsDeflickerStats *st);

/* Close and set *r to NULL; NULL is a no-op. */
void rs_df_reader_close(RsDfReader **r);

#endif
