/* What a supervisor checks before a fill is trusted: the masks, alone and over the picture. */
#ifndef RS_CLEANUP_REVIEW_H
#define RS_CLEANUP_REVIEW_H

#include "rushes/cleanup.h"

/*
 * Write the masks of n frames (w x h, 1 = fill) into the folder dir (made
 * when missing) as dir/mask_000000.png, ... white on black: a picture
 * sequence rs_mask_open() reads back (8-bit grey, libpng). Errors: RS_EIO
 * naming the file, RS_ENOMEM.
 */
int rs_clean_write_masks(const char *dir, const RsCleanFrame *f, int n, int w, int h);

/*
 * Write path (.mkv, FFV1, 8-bit in the frames' chroma layout: lcw/lch are
 * the chroma shifts across and down) with the n frames tinted half red where
 * their mask is set, keeping the rate and start timecode. Deeper frames are
 * rounded to 8 bits: the review shows where the mask lies, not the grade.
 * Errors: those of rs_encoder_open/write.
 */
int rs_clean_write_review(const char *path, const RsCleanFrame *f, int n, int w, int h, int lcw, int lch,
                          RsRational rate, const char *tc, int threads);

#endif
