/* What a supervisor checks before a fill is trusted: the masks, alone and over the picture. */
#ifndef RS_CLEANUP_REVIEW_H
#define RS_CLEANUP_REVIEW_H

#include "rushes/cleanup.h"

/* Make the mask folder dir when it is missing. Errors: RS_EIO naming it. */
int rs_clean_mask_folder(const char *dir);

/*
 * Write the mask of the shot's frame t (w x h, 1 = fill) as
 * dir/mask_%06d.png, white on black: a picture rs_mask_open() reads back
 * (8-bit grey, libpng). Frames may be written one at a time, in any order,
 * as soon as their masks are final. Errors: RS_EIO naming the file, RS_ENOMEM.
 */
int rs_clean_write_mask(const char *dir, int64_t t, const RsCleanFrame *f, int w, int h);

/* rs_clean_mask_folder(), then rs_clean_write_mask() for frames 0..n-1 of f. */
int rs_clean_write_masks(const char *dir, const RsCleanFrame *f, int n, int w, int h);

/*
 * The review file, written frame by frame: path (.mkv, FFV1, 8-bit in the
 * frames' chroma layout: lcw/lch are the chroma shifts across and down)
 * with each frame tinted half red where its mask is set, keeping the rate
 * and start timecode. Deeper frames are rounded to 8 bits: the review shows
 * where the mask lies, not the grade. Sizes may be odd (chroma planes are
 * the rounded-up halves).
 *
 * rs_clean_review_open() creates path; on success *out is owned by the
 * caller and finished by rs_clean_review_close(), which sets it to NULL and
 * returns the writer's error at the end, if any (a NULL *out is 0); with
 * keep 0 it gives the review up instead, leaving nothing at path.
 * rs_clean_review_write() appends one frame at its samples before the fill.
 * Errors: those of rs_encoder_open/write/close, RS_ENOMEM. One review is
 * used from one thread at a time.
 */
typedef struct RsCleanReview RsCleanReview;
int rs_clean_review_open(RsCleanReview **out, const char *path, int w, int h, int lcw, int lch, RsRational rate,
                         const char *tc, int threads);
int rs_clean_review_write(RsCleanReview *r, const RsCleanFrame *f);
int rs_clean_review_close(RsCleanReview **r, int keep);

/* The review of n whole-shot frames at once: open, write each, close. */
int rs_clean_write_review(const char *path, const RsCleanFrame *f, int n, int w, int h, int lcw, int lch,
                          RsRational rate, const char *tc, int threads);

#endif
