/*
 * A manual tool, not a test: print what rs_media_probe() sees in a file, or
 * decode it through RsDecoder and report counts and wall time (the decode
 * figure compared with `ffmpeg -threads N -i FILE -f null -`).
 *
 *   media_tool probe FILE
 *   media_tool decode FILE [threads] [audio 0/1] [rotate 0/1]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rushes/error.h"
#include "rushes/log.h"
#include "rushes/media.h"

static void log_cb(void *opaque, RsLogLevel level, const char *msg)
{
    fprintf(stderr, "[%d] %s\n", (int)level, msg);
}

static int probe(const char *path)
{
    RsMediaInfo *mi;
    int r = rs_media_probe(path, &mi);
    if (r < 0) {
        printf("error %d (%s): %s\n", r, rs_strerror(r), rs_error_message());
        return 1;
    }
    printf("format %s duration_us %" PRId64 " bit_rate %" PRId64 " seq %d tc '%s' drop %d "
           "bwf %" PRId64 " reel '%s' camera '%s'\n", mi->format, mi->duration_us, mi->bit_rate,
           mi->is_image_sequence, mi->start_timecode, mi->tc_drop, mi->bwf_time_reference,
           mi->reel, mi->camera);
    for (int i = 0; i < mi->nb_video; i++) {
        const RsVideoInfo *v = &mi->video[i];
        printf("video #%d %s '%s' %s %dx%d depth %d rate %" PRId64 "/%" PRId64 " vfr %d tb %"
               PRId64 "/%" PRId64 " sar %" PRId64 ":%" PRId64 " rot %d start %" PRId64 " dur %"
               PRId64 " frames %" PRId64 " range '%s' space '%s' prim '%s' trc '%s' field '%s'\n",
               v->index, v->codec, v->profile, v->pix_fmt, v->width, v->height, v->bit_depth,
               v->frame_rate.num, v->frame_rate.den, v->vfr, v->time_base.num, v->time_base.den,
               v->sar.num, v->sar.den, v->rotation, v->start_pts, v->duration_ts, v->frame_count,
               v->color_range, v->color_space, v->color_primaries, v->color_trc, v->field_order);
    }
    for (int i = 0; i < mi->nb_audio; i++) {
        const RsAudioInfo *a = &mi->audio[i];
        printf("audio #%d %s %d Hz %d ch '%s' bits %d tb %" PRId64 "/%" PRId64 " start %" PRId64
               " dur %" PRId64 "\n", a->index, a->codec, a->sample_rate, a->channels, a->layout,
               a->bits_per_sample, a->time_base.num, a->time_base.den, a->start_pts,
               a->duration_ts);
    }
    for (int i = 0; i < mi->nb_tags; i++)
        printf("tag %s = %s\n", mi->tags[i].key, mi->tags[i].value);
    rs_media_info_free(&mi);
    return 0;
}

static int decode(const char *path, int threads, int audio, int rotate)
{
    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    s.threads = threads;
    s.audio = audio;
    s.apply_rotation = rotate;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    RsDecoder *d;
    int r = rs_decoder_open(&d, path, &s, NULL);
    if (r < 0) {
        printf("error %d (%s): %s\n", r, rs_strerror(r), rs_error_message());
        return 1;
    }
    RsMediaEvent ev;
    uint64_t sum = 0;
    while ((r = rs_decoder_read(d, &ev)) > 0) {
        /* Touch one sample per frame so the work cannot be skipped. */
        if (ev.type == RS_EVENT_VIDEO)
            sum += ev.video->plane[0].data[0];
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    RsDecodeStats st;
    rs_decoder_stats(d, &st);
    rs_decoder_close(&d);
    printf("result %d frames %" PRId64 " samples %" PRId64 " errors %" PRId64 " corrupt %" PRId64
           " truncated %d checksum %" PRIu64 " wall %.3f s\n", r, st.video_frames,
           st.audio_samples, st.decode_errors, st.corrupt_frames, st.truncated, sum,
           (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return r < 0;
}

int main(int argc, char **argv)
{
    if (getenv("MEDIA_TOOL_LOG"))
        rs_log_set_callback(log_cb, NULL, RS_LOG_DEBUG);
    if (argc >= 3 && !strcmp(argv[1], "probe"))
        return probe(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "decode"))
        return decode(argv[2], argc > 3 ? atoi(argv[3]) : 0, argc > 4 ? atoi(argv[4]) : 0,
                      argc > 5 ? atoi(argv[5]) : 0);
    fprintf(stderr, "usage: media_tool probe FILE | decode FILE [threads] [audio] [rotate]\n");
    return 2;
}
