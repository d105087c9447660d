/*
 * Audio made by the ffmpeg command line: a 24-bit 8-channel 96 kHz BWF with
 * a time reference, 16-bit stereo, MP3 and AAC. Decoded to planar float at
 * the native rate, sample values checked against the generating sine.
 */
#include <math.h>

#include "media_fixtures.h"

/* ffmpeg's sine source: 440 Hz at amplitude 1/8. */
static double sine_at(int64_t i, int rate)
{
    return 0.125 * sin(2.0 * M_PI * 440.0 * (double)i / rate);
}

/* Decode audio and compare every sample of every channel with the sine. */
static void check_pcm(const char *path, int rate, int channels, int64_t samples)
{
    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    s.audio = 1;
    RsDecoder *d;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, path, &s, NULL), 0);
    RsMediaEvent ev;
    int64_t n = 0;
    double worst = 0;
    int r;
    while ((r = rs_decoder_read(d, &ev)) > 0) {
        RS_CHECK_EQ_INT(ev.type, RS_EVENT_AUDIO);
        const RsAudioBlock *b = ev.audio;
        RS_CHECK_EQ_INT(b->first_sample, n);
        RS_CHECK_EQ_INT(b->channels, channels);
        RS_CHECK_EQ_INT(b->sample_rate, rate);
        RS_CHECK_EQ_INT(b->time_base.num, 1);
        RS_CHECK_EQ_INT(b->pts, b->first_sample * b->time_base.den / rate);
        for (int c = 0; c < b->channels; c++)
            for (int i = 0; i < b->nb_samples; i++) {
                double e = fabs(b->data[c][i] - sine_at(b->first_sample + i, rate));
                worst = e > worst ? e : worst;
            }
        n += b->nb_samples;
    }
    RS_CHECK_EQ_INT(r, 0);
    RS_CHECK_EQ_INT(n, samples);
    /* The sine source is 16-bit: one step of 1/32768 plus rounding. */
    RS_CHECK(worst < 1e-4);
    rs_decoder_close(&d);
}

static void test_bwf(void)
{
    const char *path = fx_path("bwf.wav");
    RS_CHECK(fx_ffmpeg("-f lavfi -i sine=r=96000:d=0.2 -af 'pan=7.1|c0=c0|c1=c0|c2=c0|c3=c0|"
                       "c4=c0|c5=c0|c6=c0|c7=c0' -c:a pcm_s24le -write_bext 1 "
                       "-metadata time_reference=345600000 %s", path));
    RsMediaInfo *mi;
    RS_CHECK_EQ_INT(rs_media_probe(path, &mi), 0);
    RS_CHECK_EQ_STR(mi->format, "wav");
    RS_CHECK_EQ_INT(mi->nb_video, 0);
    RS_CHECK_EQ_INT(mi->nb_audio, 1);
    RS_CHECK_EQ_STR(mi->audio[0].codec, "pcm_s24le");
    RS_CHECK_EQ_INT(mi->audio[0].sample_rate, 96000);
    RS_CHECK_EQ_INT(mi->audio[0].channels, 8);
    RS_CHECK_EQ_STR(mi->audio[0].layout, "7.1");
    RS_CHECK_EQ_INT(mi->audio[0].bits_per_sample, 24);
    /* 345600000 samples at 96 kHz: 01:00:00 after midnight. */
    RS_CHECK_EQ_INT(mi->bwf_time_reference, 345600000);
    RS_CHECK_EQ_INT(mi->duration_us, 200000);
    rs_media_info_free(&mi);
    check_pcm(path, 96000, 8, 19200);
}

static void test_pcm16_stereo(void)
{
    const char *path = fx_path("s16.wav");
    RS_CHECK(fx_ffmpeg("-f lavfi -i sine=r=48000:d=0.5 -af 'pan=stereo|c0=c0|c1=c0' "
                       "-c:a pcm_s16le %s", path));
    RsMediaInfo *mi;
    RS_CHECK_EQ_INT(rs_media_probe(path, &mi), 0);
    RS_CHECK_EQ_INT(mi->audio[0].bits_per_sample, 16);
    RS_CHECK_EQ_INT(mi->bwf_time_reference, -1);
    rs_media_info_free(&mi);
    check_pcm(path, 48000, 2, 24000);
}

/* Lossy codecs: the count of samples and the level, not the waveform. */
static void check_lossy(const char *path, int rate, int64_t seconds_ms)
{
    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    s.audio = 1;
    FxDecode r;
    RS_CHECK_EQ_INT(fx_decode(path, &s, &r), 0);
    RS_CHECK_EQ_INT(r.ret, 0);
    RS_CHECK_EQ_INT(r.frames, 0);
    RS_CHECK(r.samples_ok);
    /* Within one codec frame (1152 or 1024 samples) of the length encoded. */
    RS_CHECK(llabs(r.samples - seconds_ms * rate / 1000) <= 1152);
    RS_CHECK_EQ_INT(r.stats.decode_errors, 0);
}

static void test_lossy(void)
{
    if (fx_has_encoder("libmp3lame")) {
        const char *mp3 = fx_path("s.mp3");
        RS_CHECK(fx_ffmpeg("-f lavfi -i sine=r=44100:d=0.5 -c:a libmp3lame %s", mp3));
        RsMediaInfo *mi;
        RS_CHECK_EQ_INT(rs_media_probe(mp3, &mi), 0);
        RS_CHECK_EQ_STR(mi->audio[0].codec, "mp3");
        RS_CHECK_EQ_INT(mi->audio[0].bits_per_sample, 0);
        rs_media_info_free(&mi);
        check_lossy(mp3, 44100, 500);
    }
    const char *aac = fx_path("s.m4a");
    RS_CHECK(fx_ffmpeg("-f lavfi -i sine=r=48000:d=0.5 -ac 2 -c:a aac %s", aac));
    check_lossy(aac, 48000, 500);
}

int main(void)
{
    fx_require_ffmpeg();
    RS_RUN(test_bwf);
    RS_RUN(test_pcm16_stereo);
    RS_RUN(test_lossy);
    return rs_test_end();
}
