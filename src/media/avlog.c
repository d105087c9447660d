/* FFmpeg's messages go to rs_log: the library never prints. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/log.h>

#include "rushes/log.h"
#include "media/avlog.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static _Thread_local struct {
    int active;
    char msg[256];
} tl_capture;

static void strip_newlines(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
}

static void forward(void *avcl, int level, const char *fmt, va_list vl)
{
    /* A custom callback receives every message, debug and trace included;
     * av_log_get_level() keeps FFmpeg's own threshold (INFO unless the
     * application changed it) so that a damaged stream's debug chatter costs
     * nothing. */
    if (level > av_log_get_level())
        return;

    if (level <= AV_LOG_ERROR && tl_capture.active && !tl_capture.msg[0]) {
        va_list copy;
        va_copy(copy, vl);
        vsnprintf(tl_capture.msg, sizeof(tl_capture.msg), fmt, copy);
        va_end(copy);
        strip_newlines(tl_capture.msg);
    }

    char line[1024];
    int print_prefix = 1;
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof(line), &print_prefix);
    strip_newlines(line);
    if (!line[0])
        return;
    /*
     * FFmpeg's own words go out at debug level: every failure that matters
     * already reaches the caller as an rs_error naming the file, and a damaged
     * clip can make the decoder say the same thing hundreds of times.
     */
    rs_log(RS_LOG_DEBUG, "ffmpeg: %s", line);
}

static void install(void)
{
    av_log_set_callback(forward);
}

void rs_media_av_init(void)
{
    pthread_once(&g_once, install);
}

void rs_media_capture_begin(void)
{
    tl_capture.msg[0] = '\0';
    tl_capture.active = 1;
}

const char *rs_media_capture_end(void)
{
    tl_capture.active = 0;
    return tl_capture.msg;
}
