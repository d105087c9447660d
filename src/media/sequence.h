/*
 * Numbered image sequences ("shot_000101.dpx" ...): finding the printf
 * pattern and the first number that FFmpeg's image2 demuxer needs.
 */
#ifndef RS_MEDIA_SEQUENCE_H
#define RS_MEDIA_SEQUENCE_H

#include <stdint.h>

typedef struct RsSequence {
    char *pattern;   /* printf pattern of the whole path, '%' in names escaped as "%%" */
    int64_t start;   /* the lowest frame number on disk */
    int64_t count;   /* files from start up to the first gap: what image2 reads */
    int64_t total;   /* files of the sequence on disk, gaps or not */
} RsSequence;

/*
 * 1 when path looks like a pattern: it holds a "%d"-like conversion ("%d",
 * "%04d", "%4d"; "%%" is a literal '%'). rs_sequence_from_pattern() then says
 * whether it is one image2 can read.
 */
int rs_sequence_is_pattern(const char *path);

/*
 * Find the sequence named by a pattern path. Errors: RS_ENOENT when no file
 * matches, RS_EINVAL for a pattern image2 cannot read, RS_EACCES / RS_EIO
 * when the folder cannot be listed, RS_ENOMEM.
 */
int rs_sequence_from_pattern(const char *pattern, RsSequence *seq);

/*
 * Find the one numbered sequence of png/tif/tiff/dpx/exr/jpg/jpeg files in dir.
 * Errors: RS_EMEDIA when the folder holds no sequence, several, or one with
 * inconsistent zero padding (the message names the folder); RS_EACCES, RS_EIO,
 * RS_ENOMEM.
 */
int rs_sequence_from_dir(const char *dir, RsSequence *seq);

void rs_sequence_free(RsSequence *seq);

#endif /* RS_MEDIA_SEQUENCE_H */
