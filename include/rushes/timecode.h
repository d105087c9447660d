/*
 * rushes: SMPTE ST 12-1 timecode labels and frame counts.
 *
 * This is the one place in rushes where a timecode label is turned into a
 * frame count or back; every other module goes through these functions. A
 * frame count here is the number of frames since the label 00:00:00:00, so
 * that 01:00:00:00 at 24 fps is frame 86400. Labels are 24-hour clocks: frame
 * counts outside one day wrap (see rs_timecode_from_frames()).
 *
 * Supported media rates and their labels (doc/timecode.md has the details):
 *
 *   rate          fps  drop-frame
 *   24000/1001     24  no (23.976 has no drop-frame timecode)
 *   24/1           24  no
 *   25/1           25  no
 *   30000/1001     30  optional (29.97 DF or NDF)
 *   30/1           30  no
 *   48000/1001     48  no
 *   48/1           48  no
 *   50/1           50  no
 *   60000/1001     60  optional (59.94 DF or NDF)
 *   60/1           60  no
 *
 * Threading: every function here is pure apart from the per-thread error
 * message, so all of them may be called from any thread concurrently.
 *
 * Errors: functions returning int give 0 on success or a negative RS_E* code,
 * and record a message naming the field at fault (rs_error_message()).
 */
#ifndef RUSHES_TIMECODE_H
#define RUSHES_TIMECODE_H

#include <stdint.h>

#include "common.h"

typedef struct RsTimecodeFormat {
    RsRational rate; /* the media's frame rate, reduced: {24000,1001}, {30000,1001}, {25,1} */
    int fps;         /* nominal integer frames per second of the labels: 24, 25, 30, 48, 50, 60 */
    int drop;        /* 1 for drop-frame (only valid for 29.97 and 59.94), else 0 */
} RsTimecodeFormat;

/* Room for "HH:MM:SS:FF" and its terminating NUL, with some to spare. */
#define RS_TC_BUFSZ 16

/* Returned by rs_timecode_frame_from_pts() when it cannot give a frame. */
#define RS_TC_NO_FRAME INT64_MIN

/*
 * Fill *fmt for a media frame rate. rate may be given unreduced ({48000,2002}
 * is 23.976); it is stored reduced. drop is 0 or 1.
 *
 * Returns 0, RS_EINVAL for a NULL fmt, a rate that is not a positive fraction,
 * or drop-frame asked for a rate other than 29.97 or 59.94 (the message names
 * the rate), or RS_EUNSUP for a positive rate that has no timecode format in
 * the table above. *fmt is left untouched on failure.
 */
RS_API int rs_timecode_format_init(RsTimecodeFormat *fmt, RsRational rate, int drop);

/*
 * A short static name for fmt: "23.976", "25", "29.97 DF", "29.97 NDF",
 * "59.94 DF", ... or "invalid" when fmt does not come from
 * rs_timecode_format_init().
 */
RS_API const char *rs_timecode_format_name(const RsTimecodeFormat *fmt);

/*
 * Frames in 24 hours of labels for fmt: fps * 86400 without drop-frame,
 * 2589408 at 29.97 DF and 5178816 at 59.94 DF. Returns RS_EINVAL (negative)
 * when fmt is NULL or invalid.
 */
RS_API int64_t rs_timecode_frames_per_day(const RsTimecodeFormat *fmt);

/*
 * Write the label of frame into buf: "HH:MM:SS:FF", or "HH:MM:SS;FF" for
 * drop-frame. Any int64_t frame is accepted and wraps at 24 hours:
 * frames_per_day gives 00:00:00:00, and -1 gives the last label of the day
 * (23:59:59:23 at 24 fps). Returns 0, or RS_EINVAL for a NULL or invalid fmt
 * or a NULL buf (buf is then set to "" when not NULL).
 */
RS_API int rs_timecode_from_frames(const RsTimecodeFormat *fmt, int64_t frame,
                                   char buf[RS_TC_BUFSZ]);

/*
 * Parse the label tc into the frame count *frame, in [0, frames_per_day).
 *
 * tc is exactly four two-digit fields HH MM SS FF. The separator before FF
 * says how the label is counted: ':' for non-drop-frame; ';', '.' or ',' for
 * drop-frame. Each of the two other separators is ':' or the same character
 * as the one before FF ("01;00;00;00" is accepted as drop-frame). The kind of
 * label must agree with fmt->drop. No white space, sign or other text is
 * allowed around or inside the label.
 *
 * Returns 0, or RS_EINVAL with *frame untouched and a message that names the
 * field and quotes the input, for: NULL or empty tc, a field count other than
 * four, a field that is not two digits, hours >= 24, minutes or seconds >= 60,
 * frames >= fps, a drop-frame label that does not exist (00:01:00;00 at
 * 29.97 DF), a drop/non-drop mismatch with fmt, or a NULL/invalid fmt or
 * NULL frame.
 */
RS_API int rs_timecode_to_frames(const RsTimecodeFormat *fmt, const char *tc, int64_t *frame);

/*
 * The frame, at fmt->rate, showing at pts (in time_base units), counted from
 * pts 0: frame = floor(pts * time_base * rate + 1/2), in exact integer
 * arithmetic. A pts exactly half-way between two frame starts goes to the
 * later frame (ties round toward +infinity, for negative pts too), so the
 * mapping is monotonic and does not depend on where pts 0 lies.
 *
 * The result is not wrapped and does not include the start timecode: for
 * media whose first frame (pts 0) is labelled start_tc_frame, its label is
 * rs_timecode_from_frames(fmt, start_tc_frame + frame), which wraps.
 *
 * Returns RS_TC_NO_FRAME (INT64_MIN) and records an RS_EINVAL message for a
 * NULL or invalid fmt, a time_base that is not a positive fraction, a
 * time_base * rate product whose reduced terms do not fit in 64 bits, or a
 * result outside int64_t.
 */
RS_API int64_t rs_timecode_frame_from_pts(const RsTimecodeFormat *fmt, int64_t pts,
                                          RsRational time_base);

/*
 * The inverse: the pts (in time_base units) nearest to the start of frame,
 * pts = floor(frame / (time_base * rate) + 1/2). When a time_base unit is no
 * longer than a frame, rs_timecode_frame_from_pts() of the result gives frame
 * back. Same errors and RS_TC_NO_FRAME return as rs_timecode_frame_from_pts().
 */
RS_API int64_t rs_timecode_pts_from_frame(const RsTimecodeFormat *fmt, int64_t frame,
                                          RsRational time_base);

#endif /* RUSHES_TIMECODE_H */
