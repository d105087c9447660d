/*
 * rushes: still images of shots: JPEG thumbnails of the first, middle and
 * last frame of every shot, and a contact sheet of the whole clip (the
 * middle frame of every shot in a grid), made in one decode of the clip.
 *
 * Threading: no shared state; distinct calls may run concurrently.
 */
#ifndef RUSHES_THUMBS_H
#define RUSHES_THUMBS_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "interchange.h"

/*
 * Write one 8-bit 4:2:0 picture as a baseline JPEG (JFIF) file through
 * FFmpeg's mjpeg encoder. planes/strides as rs_encoder_write_video(): Y at
 * width x height, Cb and Cr at half size (rounded up), limited range when
 * full_range is 0 (expanded to JPEG's full range), width and height even.
 * quality is the encoder's quantiser, 2 (best) to 31. Errors: RS_EINVAL for
 * bad sizes or quality, RS_EUNSUP without the mjpeg encoder, RS_EIO naming
 * path when it cannot be written, RS_ENOMEM.
 */
RS_API int rs_jpeg_write(const char *path, const uint8_t *const planes[3], const ptrdiff_t strides[3],
                         int width, int height, int full_range, int quality);

typedef struct RsThumbSettings {
    int width;              /* thumbnail width in pixels (even), default 320; height keeps the aspect */
    int quality;            /* JPEG quantiser 2..31, default 4 */
    int sheet_columns;      /* contact sheet columns, default 6 */
    int sheet_tile_width;   /* width of one contact-sheet picture, default 240 */
} RsThumbSettings;

RS_API void rs_thumb_default_settings(RsThumbSettings *s);

/*
 * Decode path once and write, into the existing folder out_dir:
 *   <clip>_shotNNN_first.jpg, _mid.jpg, _last.jpg  for every shot of l
 *   <clip>_contact.jpg                               the middle frames in a grid
 * where <clip> is l->clip without its extension and NNN the 1-based shot
 * number. The display aspect ratio (sample aspect ratio and rotation) is
 * kept. Errors: media errors as rs_decoder_open(), RS_EINVAL for bad
 * settings or a shot outside the clip (naming it), RS_EMEDIA when a frame a
 * shot needs never decodes, RS_EIO naming the file that cannot be written.
 */
RS_API int rs_shot_thumbnails(const char *path, const RsShotList *l, const char *out_dir,
                              const RsThumbSettings *s);

#endif /* RUSHES_THUMBS_H */
