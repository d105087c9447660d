/*
 * rs_media_probe() on real footage, asserted against the facts in each
 * folder's PROVENANCE.md (ffprobe tables: size, rate, frame count, rotation,
 * SAR, audio), not against numbers of our own.
 */
#include "media_fixtures.h"

typedef struct Expect {
    const char *file;
    const char *codec, *pix_fmt;
    int w, h;
    int64_t rate_num, rate_den;
    int vfr;
    int64_t frames;
    int64_t duration_ms;
    int rotation;
    int sar_num, sar_den;
    int audio_rate, audio_channels;   /* 0 when no audio */
} Expect;

static const Expect clips[] = {
    { "pyscenedetect/counter.mp4", "h264", "yuv420p", 1920, 1080, 10, 1, 0, 30, 3000, 0, 1, 1, 0, 0 },
    { "pyscenedetect/fades.mp4", "mpeg4", "yuv420p", 480, 320, 25, 1, 0, 250, 10000, 0, 1, 1, 0, 0 },
    { "pyscenedetect/goldeneye-vfr-drop3.mp4", "h264", "yuv420p", 1280, 544, 24000, 1001, 1, 160,
      9969, 0, 1, 1, 0, 0 },
    { "pyscenedetect/issue-134-rotate.mp4", "h264", "yuv420p", 1280, 544, 24000, 1001, 0, 240,
      10010, 90, 1, 1, 44100, 2 },
    { "pyscenedetect/issue-195-aspect-ratio.mp4", "h264", "yuv420p", 704, 576, 25, 1, 0, 628,
      25139, 0, 16, 11, 48000, 2 },
    { "pyscenedetect/testvideo.mp4", "h264", "yuv420p", 1280, 720, 30000, 1001, 0, 720, 24023, 0,
      1, 1, 0, 0 },
    { "moviepy/fire2.mp4", "h264", "yuv420p", 1280, 720, 0, 0, 1, 25, 2380, 180, 1, 1, 48000, 1 },
    { "moviepy/smpte-2997.mp4", "h264", "yuv420p", 1920, 1080, 25, 1, 0, 251, 10048, 0, 1, 1,
      48000, 2 },
    { "moviepy/chaplin.mp4", "h264", "yuv420p", 640, 360, 25, 1, 0, 241, 9640, 0, 1, 1, 44100, 2 },
    { "moviepy/big_buck_bunny_0_30.webm", "vp8", "yuv420p", 1280, 720, 24, 1, 0, -1, 30003, 0, 1,
      1, 44100, 2 },
    { "align-videos-by-sound/full.mp4", "h264", "yuvj420p", 10, 18, 25, 1, 0, 377, 15080, 0, 81,
      80, 48000, 1 },
    { "align-videos-by-sound/full-44100Hz-stereo.mp4", "h264", "yuvj420p", 10, 18, 25, 1, 0, 377,
      15080, 0, 81, 80, 44100, 2 },
};

static void check_clip(const Expect *e)
{
    RsMediaInfo *mi = NULL;
    int r = rs_media_probe(fx_shared(e->file), &mi);
    RS_CHECK_EQ_INT(r, 0);
    if (r < 0) {
        fprintf(stderr, "%s: %s\n", e->file, rs_error_message());
        return;
    }
    fprintf(stderr, "  %s\n", e->file);
    RS_CHECK_EQ_INT(mi->nb_video, 1);
    const RsVideoInfo *v = &mi->video[0];
    RS_CHECK_EQ_STR(v->codec, e->codec);
    RS_CHECK_EQ_STR(v->pix_fmt, e->pix_fmt);
    RS_CHECK_EQ_INT(v->width, e->w);
    RS_CHECK_EQ_INT(v->height, e->h);
    RS_CHECK_EQ_INT(v->bit_depth, 8);
    if (e->rate_num) {
        RS_CHECK_EQ_INT(v->frame_rate.num, e->rate_num);
        RS_CHECK_EQ_INT(v->frame_rate.den, e->rate_den);
    }
    RS_CHECK_EQ_INT(v->vfr, e->vfr);
    RS_CHECK_EQ_INT(v->frame_count, e->frames);
    RS_CHECK(llabs(mi->duration_us - e->duration_ms * 1000) <= 1000);
    RS_CHECK_EQ_INT(v->rotation, e->rotation);
    RS_CHECK_EQ_INT(v->sar.num, e->sar_num);
    RS_CHECK_EQ_INT(v->sar.den, e->sar_den);
    RS_CHECK_EQ_INT(mi->nb_audio, e->audio_rate ? 1 : 0);
    if (e->audio_rate && mi->nb_audio) {
        RS_CHECK_EQ_INT(mi->audio[0].sample_rate, e->audio_rate);
        RS_CHECK_EQ_INT(mi->audio[0].channels, e->audio_channels);
    }
    RS_CHECK_EQ_INT(mi->is_image_sequence, 0);
    RS_CHECK(mi->bit_rate > 0);
    rs_media_info_free(&mi);
    RS_CHECK(mi == NULL);
}

static void test_provenance_facts(void)
{
    for (size_t i = 0; i < sizeof(clips) / sizeof(clips[0]); i++)
        check_clip(&clips[i]);
}

/* fire2 has no nominal rate: PROVENANCE gives its average as 10.505 fps. */
static void test_vfr_phone_clip_rate(void)
{
    RsMediaInfo *mi;
    RS_CHECK_EQ_INT(rs_media_probe(fx_shared("moviepy/fire2.mp4"), &mi), 0);
    double fps = (double)mi->video[0].frame_rate.num / mi->video[0].frame_rate.den;
    RS_CHECK(fps > 10.50 && fps < 10.51);
    rs_media_info_free(&mi);
}

static const char *tag(const RsMediaInfo *mi, const char *key)
{
    for (int i = 0; i < mi->nb_tags; i++)
        if (!strcmp(mi->tags[i].key, key))
            return mi->tags[i].value;
    return NULL;
}

static void test_tags_and_containers(void)
{
    RsMediaInfo *mi;
    RS_CHECK_EQ_INT(rs_media_probe(fx_shared("moviepy/fire2.mp4"), &mi), 0);
    RS_CHECK_EQ_STR(mi->format, "mov,mp4,m4a,3gp,3g2,mj2");
    RS_CHECK_EQ_STR(tag(mi, "major_brand"), "mp42");
    RS_CHECK_EQ_STR(tag(mi, "stream:0:handler_name"), "VideoHandle");
    RS_CHECK_EQ_STR(tag(mi, "stream:1:handler_name"), "SoundHandle");
    RS_CHECK_EQ_STR(tag(mi, "location"), "+54.1843-002.7189/");
    /* smpte-2997 burns its timecode into the picture; the file carries none. */
    RS_CHECK_EQ_STR(mi->start_timecode, "");
    RS_CHECK_EQ_INT(mi->bwf_time_reference, -1);
    rs_media_info_free(&mi);

    RS_CHECK_EQ_INT(rs_media_probe(fx_shared("moviepy/smpte-2997.mp4"), &mi), 0);
    RS_CHECK_EQ_STR(mi->start_timecode, "");
    RS_CHECK_EQ_STR(mi->video[0].color_primaries, "bt709");
    rs_media_info_free(&mi);

    RS_CHECK_EQ_INT(rs_media_probe(fx_shared("moviepy/big_buck_bunny_0_30.webm"), &mi), 0);
    RS_CHECK_EQ_STR(mi->format, "matroska,webm");
    RS_CHECK_EQ_STR(mi->audio[0].codec, "vorbis");
    rs_media_info_free(&mi);

    RS_CHECK_EQ_INT(rs_media_probe(fx_shared("audio-offset-finder/timbl_1.mp3"), &mi), 0);
    RS_CHECK_EQ_STR(mi->format, "mp3");
    RS_CHECK_EQ_INT(mi->nb_video, 0);
    RS_CHECK_EQ_INT(mi->nb_audio, 1);
    RS_CHECK_EQ_INT(mi->audio[0].sample_rate, 48000);
    RS_CHECK_EQ_INT(mi->audio[0].channels, 2);
    RS_CHECK_EQ_STR(mi->audio[0].layout, "stereo");
    RS_CHECK_EQ_INT(mi->audio[0].bits_per_sample, 0);
    RS_CHECK(llabs(mi->duration_us - 48024000) <= 1000);
    rs_media_info_free(&mi);
}

int main(void)
{
    RS_RUN(test_provenance_facts);
    RS_RUN(test_vfr_phone_clip_rate);
    RS_RUN(test_tags_and_containers);
    return rs_test_end();
}
