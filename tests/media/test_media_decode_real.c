/*
 * RsDecoder on real footage: frame counts from PROVENANCE.md, presentation
 * order and timestamps (VFR included), rotation, range, audio, and results
 * that do not depend on the thread count.
 */
#include "media_fixtures.h"

static RsDecoderSettings settings(int threads, int video, int audio, int rotate)
{
    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    s.threads = threads;
    s.video = video;
    s.audio = audio;
    s.apply_rotation = rotate;
    return s;
}

static void test_frame_counts(void)
{
    static const struct { const char *file; int64_t frames; } clips[] = {
        { "pyscenedetect/counter.mp4", 30 },
        { "pyscenedetect/delayed_start.mp4", 24 },
        { "pyscenedetect/goldeneye-vfr-drop3.mp4", 160 },
        { "moviepy/fire2.mp4", 25 },
        { "moviepy/chaplin.mp4", 241 },
        { "align-videos-by-sound/full.mp4", 377 },
    };
    RsDecoderSettings s = settings(2, 1, 0, 0);
    for (size_t i = 0; i < sizeof(clips) / sizeof(clips[0]); i++) {
        FxDecode r;
        RS_CHECK_EQ_INT(fx_decode(fx_shared(clips[i].file), &s, &r), 0);
        RS_CHECK_EQ_INT(r.ret, 0);
        RS_CHECK_EQ_INT(r.frames, clips[i].frames);
        RS_CHECK_EQ_INT(r.stats.video_frames, clips[i].frames);
        RS_CHECK(r.pts_increasing);
        RS_CHECK(r.index_ok);
        RS_CHECK_EQ_INT(r.stats.decode_errors, 0);
        RS_CHECK_EQ_INT(r.stats.corrupt_frames, 0);
        RS_CHECK_EQ_INT(r.stats.truncated, 0);
        RS_CHECK_EQ_INT(r.blocks, 0);
    }
}

/* goldeneye-vfr-drop3: 23.976 fps with frames dropped, so the pts steps vary. */
static void test_vfr_timestamps(void)
{
    RsDecoderSettings s = settings(2, 1, 0, 0);
    RsDecoder *d;
    const RsMediaInfo *mi;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, fx_shared("pyscenedetect/goldeneye-vfr-drop3.mp4"), &s,
                                    &mi), 0);
    RS_CHECK_EQ_INT(mi->video[0].vfr, 1);
    RsMediaEvent ev;
    int64_t prev = -1, min_step = INT64_MAX, max_step = 0, n = 0;
    while (rs_decoder_read(d, &ev) > 0) {
        RS_CHECK_EQ_INT(ev.video->time_base.num, 1);
        RS_CHECK_EQ_INT(ev.video->time_base.den, 24000);
        if (prev >= 0) {
            int64_t step = ev.video->pts - prev;
            min_step = step < min_step ? step : min_step;
            max_step = step > max_step ? step : max_step;
        }
        prev = ev.video->pts;
        n++;
    }
    RS_CHECK_EQ_INT(n, 160);
    /* One frame at 24000/1001 is 1001 ticks; a dropped frame doubles the step. */
    RS_CHECK_EQ_INT(min_step, 1001);
    RS_CHECK(max_step >= 2002);
    rs_decoder_close(&d);
}

/* Read the first video frame of two decoders and compare plane 0 after rotation. */
static void check_rotation(const char *file, int rotation)
{
    RsDecoderSettings plain = settings(1, 1, 0, 0), rot = settings(1, 1, 0, 1);
    RsDecoder *a, *b;
    RS_CHECK_EQ_INT(rs_decoder_open(&a, fx_shared(file), &plain, NULL), 0);
    RS_CHECK_EQ_INT(rs_decoder_open(&b, fx_shared(file), &rot, NULL), 0);
    RsMediaEvent ea, eb;
    RS_CHECK_EQ_INT(rs_decoder_read(a, &ea), 1);
    RS_CHECK_EQ_INT(rs_decoder_read(b, &eb), 1);
    const RsVideoFrame *fa = ea.video, *fb = eb.video;
    int swap = rotation != 180;
    RS_CHECK_EQ_INT(fb->width, swap ? fa->height : fa->width);
    RS_CHECK_EQ_INT(fb->height, swap ? fa->width : fa->height);
    RS_CHECK_EQ_INT(fb->pts, fa->pts);
    int w = fa->width, h = fa->height, bad = 0;
    for (int p = 0; p < 3; p++) {
        const RsPlane *pa = &fa->plane[p], *pb = &fb->plane[p];
        RS_CHECK_EQ_INT(pb->width, swap ? pa->height : pa->width);
        RS_CHECK_EQ_INT(pb->height, swap ? pa->width : pa->height);
        if (p == 0) {
            RS_CHECK_EQ_INT(pa->width, w);
            RS_CHECK_EQ_INT(pa->height, h);
        }
        for (int y = 0; y < pa->height && !bad; y++) {
            for (int x = 0; x < pa->width; x++) {
                int dx = rotation == 90 ? pa->height - 1 - y : rotation == 180 ? pa->width - 1 - x : y;
                int dy = rotation == 90 ? x : rotation == 180 ? pa->height - 1 - y : pa->width - 1 - x;
                if (pa->data[y * pa->stride + x] != pb->data[dy * pb->stride + dx]) {
                    bad = 1;
                    break;
                }
            }
        }
    }
    RS_CHECK(!bad);
    rs_decoder_close(&a);
    rs_decoder_close(&b);
}

static void test_rotation(void)
{
    check_rotation("pyscenedetect/issue-134-rotate.mp4", 90);
    check_rotation("moviepy/fire2.mp4", 180);
}

static void test_range_and_shape(void)
{
    RsDecoderSettings s = settings(2, 1, 0, 0);
    FxDecode r;
    RS_CHECK_EQ_INT(fx_decode(fx_shared("align-videos-by-sound/full.mp4"), &s, &r), 0);
    RS_CHECK_EQ_INT(r.first.full_range, 1);     /* yuvj420p */
    RS_CHECK_EQ_INT(r.first.width, 10);
    RS_CHECK_EQ_INT(r.first.height, 18);
    RS_CHECK_EQ_INT(r.first.plane[1].width, 5);
    RS_CHECK_EQ_INT(r.first.plane[1].height, 9);

    /* Only the first frame of the 1080p clip is needed. */
    RsDecoder *d;
    RsMediaEvent ev;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, fx_shared("moviepy/smpte-2997.mp4"), &s, NULL), 0);
    RS_CHECK_EQ_INT(rs_decoder_read(d, &ev), 1);
    const RsVideoFrame *f = ev.video;
    RS_CHECK_EQ_INT(f->full_range, 0);
    RS_CHECK_EQ_INT(f->bit_depth, 8);
    RS_CHECK_EQ_INT(f->width, 1920);
    RS_CHECK_EQ_INT(f->height, 1080);
    RS_CHECK_EQ_INT(f->log2_chroma_w, 1);
    RS_CHECK_EQ_INT(f->log2_chroma_h, 1);
    RS_CHECK_EQ_INT(f->plane[0].bytes_per_sample, 1);
    RS_CHECK_EQ_INT(f->plane[2].width, 960);
    RS_CHECK(f->plane[0].stride >= 1920);
    RS_CHECK(f->key_frame);
    RS_CHECK_EQ_INT(f->index, 0);
    RS_CHECK_EQ_INT(f->pts, 0);
    rs_decoder_close(&d);
}

/* A hash of every fourth luma row of every frame, and of the timestamps. */
static uint64_t luma_hash(const char *path, int threads, int64_t *frames)
{
    RsDecoderSettings s = settings(threads, 1, 0, 0);
    RsDecoder *d;
    uint64_t h = 1469598103934665603ull;
    *frames = 0;
    if (rs_decoder_open(&d, path, &s, NULL) < 0)
        return 0;
    RsMediaEvent ev;
    while (rs_decoder_read(d, &ev) > 0) {
        const RsPlane *p = &ev.video->plane[0];
        for (int y = 0; y < p->height; y += 4)
            for (int x = 0; x < p->width; x++)
                h = (h ^ p->data[y * p->stride + x]) * 1099511628211ull;
        h = (h ^ (uint64_t)ev.video->pts) * 1099511628211ull;
        (*frames)++;
    }
    rs_decoder_close(&d);
    return h;
}

static void test_thread_count_does_not_change_output(void)
{
    const char *clip = fx_shared("moviepy/chaplin.mp4");
    int64_t n1, n3;
    uint64_t h1 = luma_hash(clip, 1, &n1), h3 = luma_hash(clip, 3, &n3);
    RS_CHECK_EQ_INT(n1, 241);
    RS_CHECK_EQ_INT(n3, 241);
    RS_CHECK(h1 == h3);
}

static void test_audio(void)
{
    /* Audio only: video requested but absent is not an error. */
    RsDecoderSettings s = settings(2, 1, 1, 0);
    FxDecode r;
    RS_CHECK_EQ_INT(fx_decode(fx_shared("audio-offset-finder/timbl_1.mp3"), &s, &r), 0);
    RS_CHECK_EQ_INT(r.ret, 0);
    RS_CHECK_EQ_INT(r.frames, 0);
    RS_CHECK(r.samples_ok);
    /* PROVENANCE: 48.024 s at 48 kHz; the decoder trims the encoder delay. */
    RS_CHECK(llabs(r.samples - 48024 * 48) < 4800);
    RS_CHECK_EQ_INT(r.stats.audio_samples, r.samples);
    RS_CHECK_EQ_INT(r.stats.truncated, 0);

    /* Video and audio interleaved; the aac stream declares 441344 samples. */
    RS_CHECK_EQ_INT(fx_decode(fx_shared("pyscenedetect/issue-134-rotate.mp4"), &s, &r), 0);
    RS_CHECK_EQ_INT(r.frames, 240);
    RS_CHECK(r.samples_ok);
    RS_CHECK(llabs(r.samples - 441344) <= 1024);
    RS_CHECK(r.blocks > 100);

    /* Audio off: no audio events from a clip that has audio. */
    s = settings(2, 1, 0, 0);
    RS_CHECK_EQ_INT(fx_decode(fx_shared("pyscenedetect/issue-134-rotate.mp4"), &s, &r), 0);
    RS_CHECK_EQ_INT(r.blocks, 0);
    RS_CHECK_EQ_INT(r.frames, 240);

    /* Video off, audio on. */
    s = settings(2, 0, 1, 0);
    RS_CHECK_EQ_INT(fx_decode(fx_shared("align-videos-by-sound/full-44100Hz-stereo.mp4"), &s, &r), 0);
    RS_CHECK_EQ_INT(r.frames, 0);
    RS_CHECK(r.blocks > 0);
    /* PROVENANCE: 15.080 s; the aac audio ends within a frame of that. */
    RS_CHECK(llabs(r.samples - 15080 * 441 / 10) < 4096);
}

/* The block layout: planar float, as many channel pointers as channels, values in range. */
static void test_audio_block_shape(void)
{
    RsDecoderSettings s = settings(1, 0, 1, 0);
    RsDecoder *d;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, fx_shared("moviepy/chaplin.mp4"), &s, NULL), 0);
    RsMediaEvent ev;
    int blocks = 0, out_of_range = 0;
    double energy = 0;
    while (rs_decoder_read(d, &ev) > 0 && blocks < 50) {
        RS_CHECK_EQ_INT(ev.type, RS_EVENT_AUDIO);
        const RsAudioBlock *b = ev.audio;
        RS_CHECK_EQ_INT(b->channels, 2);
        RS_CHECK_EQ_INT(b->sample_rate, 44100);
        RS_CHECK(b->nb_samples > 0 && b->nb_samples <= 8192);
        for (int c = 0; c < b->channels; c++)
            for (int i = 0; i < b->nb_samples; i++) {
                float v = b->data[c][i];
                out_of_range += !(v >= -2.0f && v <= 2.0f);
                energy += (double)v * v;
            }
        blocks++;
    }
    RS_CHECK_EQ_INT(out_of_range, 0);
    RS_CHECK(energy > 0);
    rs_decoder_close(&d);
}

int main(void)
{
    RS_RUN(test_frame_counts);
    RS_RUN(test_vfr_timestamps);
    RS_RUN(test_rotation);
    RS_RUN(test_range_and_shape);
    RS_RUN(test_thread_count_does_not_change_output);
    RS_RUN(test_audio);
    RS_RUN(test_audio_block_shape);
    return rs_test_end();
}
