/* What the whole-shot clean job (clean_job.c) and the windowed one (clean_window.c) share. */
#ifndef RS_CLEANUP_CLEAN_JOB_H
#define RS_CLEANUP_CLEAN_JOB_H

#include "rushes/cleanup.h"
#include "rushes/encode.h"
#include "rushes/media.h"

/* The smallest window a long shot is cleaned in (clean_window.c). */
#define RS_CLEAN_MIN_WINDOW 8

/* What the output keeps of the source besides its pictures. */
typedef struct RsCleanSource {
    char tc[16], reel[RS_MEDIA_NAME_MAX];
    RsRational rate, sar;
    char range[16], space[32], primaries[32], trc[32], location[16];
    int rgb;                  /* decoded from RGB: converted to YUV with BT.709 unless tagged */
    int64_t frames;           /* the container's count, -1 unknown */
} RsCleanSource;

/* The frames held in memory: the whole shot, or one window of it. */
typedef struct RsClip {
    int n, cap, w, h;
    int lcw, lch;             /* chroma shifts: 1,1 for 4:2:0, 1,0 for 4:2:2, 0,0 for 4:4:4 */
    int depth, full_range;
    int64_t frame_bytes, max_memory;
    int windowed;             /* 1: a longer shot is read in windows, not refused */
    uint8_t **buf;            /* per frame: Y, Cb, Cr, mask back to back */
    RsCleanFrame *f;
    struct RsDfReader *dfl;   /* the deflicker the decoded frames pass through (deflicker_job.h), or NULL */
    const atomic_int *cancel; /* the job's RsCleanSettings.cancel: rs_clip_read() stops when set */
} RsClip;

/* Bytes of one frame's samples (Y, Cb, Cr) at the start of its buf[]. */
size_t rs_clip_sample_bytes(const RsClip *c);

/* Copy the decoded frame v to the end of the clip. Errors name the input and the frame. */
int rs_clip_keep(RsClip *c, const RsVideoFrame *v, const RsCleanJob *job, const RsCleanSource *src);

/*
 * The 8-bit luma planes the tracker and the scratch detector read (their
 * stride is the width): an 8-bit clip's own luma planes, a deeper clip's
 * luma rounded to 8 bits into *guide (n frames, freed by the caller). The
 * array is freed by the caller; NULL when out of memory.
 */
const uint8_t **rs_clip_luma8(const RsClip *c, uint8_t **guide);

/* Open the writer of job->output for the clip's size, layout and the source's tags. */
int rs_clip_open_encoder(RsEncoder **e, const RsClip *c, const RsCleanJob *job, const char *codec,
                         const RsCleanSource *src);

/*
 * Track the shapes of mask marked "track" through a shot longer than the
 * window c holds (decoding it again for its 8-bit luma). st->tracked
 * receives their number. RS_ERANGE when the luma does not fit in
 * max_memory beside the window.
 */
int rs_clean_track_long(const RsClip *c, RsMask *mask, const RsCleanJob *job, RsCleanStats *st);

/*
 * Clean a shot longer than a window (clean_window.c, doc/cleanup.md
 * "Long shots"). On entry c holds the first window's frames, decoded by d,
 * and next is the frame the decoder gave after them (the first frame of
 * the rest). mask may be NULL (dust only). *frames receives the frames
 * written. The caller frees the frames the clip still holds.
 */
int rs_clean_windows(RsClip *c, RsDecoder *d, const RsVideoFrame *next, RsMask *mask, const RsCleanJob *job,
                     const char *codec, const RsCleanSource *src, RsCleanStats *st, int *frames);

#endif
