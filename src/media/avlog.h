/*
 * The bridge between FFmpeg's logging and rs_log. Every file of src/media
 * calls rs_media_av_init() before its first libav* call, so that FFmpeg never
 * prints on its own.
 */
#ifndef RS_MEDIA_AVLOG_H
#define RS_MEDIA_AVLOG_H

/*
 * Install the av_log callback that forwards FFmpeg's messages to rs_log
 * (errors and warnings at RS_LOG_WARNING, the rest at RS_LOG_DEBUG). Runs once
 * per process; thread-safe; cheap after the first call.
 */
void rs_media_av_init(void);

/*
 * Capture the first error FFmpeg logs on the calling thread between begin and
 * end, so that a failing open can say why ("moov atom not found") instead of
 * FFmpeg's generic "Invalid data found when processing input".
 * rs_media_capture_end() returns the captured text without FFmpeg's
 * "[demuxer @ 0x...]" prefix, or "" when nothing was logged; the pointer stays
 * valid until the next rs_media_capture_begin() on this thread.
 */
void rs_media_capture_begin(void);
const char *rs_media_capture_end(void);

#endif /* RS_MEDIA_AVLOG_H */
