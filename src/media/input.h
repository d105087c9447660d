/*
 * Opening media for probe and decode: one place that checks the path, finds
 * image sequences, probes the container and turns FFmpeg's failures into
 * rushes errors whose messages name the file and the fault.
 */
#ifndef RS_MEDIA_INPUT_H
#define RS_MEDIA_INPUT_H

#include <stdint.h>

#include <libavformat/avformat.h>

#include "rushes/media.h"

typedef struct RsMediaInput {
    AVFormatContext *fmt;
    AVIOContext *pb;          /* ours for files; NULL for image sequences (image2 opens each file) */
    const char *path;         /* the caller's path, borrowed, for messages */
    int is_sequence;
    int64_t seq_count;        /* frames image2 will read (up to the first gap) */
    int64_t file_size;        /* bytes; -1 for image sequences */
} RsMediaInput;

/*
 * Open path (a file, a pattern or a folder holding one image sequence) and
 * read its stream parameters. image_rate is the frame rate given to image
 * sequences. On failure in is left closed. Errors: RS_ENOENT, RS_EACCES,
 * RS_EIO, RS_EINVAL, RS_EMEDIA, RS_ENOMEM.
 */
int rs_media_input_open(RsMediaInput *in, const char *path, RsRational image_rate);

void rs_media_input_close(RsMediaInput *in);

/*
 * RS_EMEDIA when the container's sample index points past the end of the
 * file (a file cut short after its header, e.g. an mp4 whose moov comes first
 * and whose mdat is short), else 0.
 */
int rs_media_input_check_complete(const RsMediaInput *in);

/* Describe the open input; *out is owned by the caller (rs_media_info_free). */
int rs_media_info_build(const RsMediaInput *in, RsMediaInfo **out);

/* The rotation in clockwise degrees (0, 90, 180, 270) of a stream's display matrix. */
int rs_media_stream_rotation(const AVStream *st);

/* Map an AVERROR from opening or reading path to a rushes error with a message. */
int rs_media_averror(int averr, const char *path, const char *doing);

#endif /* RS_MEDIA_INPUT_H */
