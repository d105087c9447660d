/*
 * Numbered image sequences ("shot_000101.dpx" ...): finding the printf
 * pattern and the first number that FFmpeg's image2 demuxer needs, or, for
 * numbers that advance by a constant step (scans that kept every second
 * frame: 100, 102, 104 ...), a glob(3) pattern that lists the files read.
 */
#ifndef RS_MEDIA_SEQUENCE_H
#define RS_MEDIA_SEQUENCE_H

#include <stdint.h>

typedef struct RsSequence {
    char *pattern;   /* printf pattern of the whole path, '%' in names escaped as "%%" */
    /* When step > 1 and more than one file is read: a pattern for image2's
     * "glob" pattern type (GLOB_BRACE, special characters escaped, a relative
     * folder prefixed "./") that names exactly the count files read, listed
     * in number order; checked against the folder with glob(3) itself. NULL
     * otherwise: the printf pattern and start are read as a sequence. */
    char *glob;
    char *first;     /* file names (no folder) of the first and last file read */
    char *last;
    int64_t start;   /* the lowest frame number on disk */
    int64_t step;    /* the smallest difference between two numbers on disk; 1 for one file */
    int64_t count;   /* files from start, step by step, up to the first missing number: what is read */
    int64_t total;   /* files of the sequence on disk, gaps or not */
} RsSequence;

/*
 * 1 when path looks like a pattern: it holds a "%d"-like conversion ("%d",
 * "%04d", "%4d"; "%%" is a literal '%'). rs_sequence_from_pattern() then says
 * whether it is one image2 can read.
 */
int rs_sequence_is_pattern(const char *path);

/*
 * Find the sequence named by a pattern path ("%%" in the folder part is a
 * literal '%', as image2 reads it). Errors: RS_ENOENT when no file matches,
 * RS_EINVAL for a pattern image2 cannot read or a stepped sequence whose glob
 * pattern would be longer than image2 takes, RS_EMEDIA when the stepped files
 * cannot be listed in number order, RS_EACCES / RS_EIO when the folder cannot
 * be listed, RS_ENOMEM.
 */
int rs_sequence_from_pattern(const char *pattern, RsSequence *seq);

/*
 * Find the one numbered sequence of png/tif/tiff/dpx/exr/jpg/jpeg files in dir.
 * Errors: RS_EMEDIA when the folder holds no sequence, several, or one with
 * inconsistent zero padding (the message names the folder), or stepped files
 * that cannot be listed in number order; RS_EINVAL for a glob pattern longer
 * than image2 takes; RS_EACCES, RS_EIO, RS_ENOMEM.
 */
int rs_sequence_from_dir(const char *dir, RsSequence *seq);

/*
 * The path of picture number of a printf pattern, as image2 names it ("%d",
 * "%0Nd", "%%" for a '%'), into buf: the one formula for the files the
 * encoder writes, the manifest hashes and the errors name. Returns 0, or
 * RS_EINVAL (no such conversion or more than one, a number past INT_MAX, a
 * path longer than size; no message).
 */
int rs_sequence_path(char *buf, size_t size, const char *pattern, int64_t number);

/*
 * The path of the index-th file read (0 for start, 1 for start + step, ...)
 * into buf. Returns 0, or RS_EINVAL when it does not fit (no message).
 */
int rs_sequence_file(const RsSequence *seq, int64_t index, char *buf, size_t size);

/* Free what seq holds; seq itself is the caller's. Safe on a zeroed RsSequence. */
void rs_sequence_free(RsSequence *seq);

#endif /* RS_MEDIA_SEQUENCE_H */
