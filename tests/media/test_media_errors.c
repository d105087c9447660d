/*
 * What probe and open say about things that are not (readable) media: each
 * fails with the right code and a message that names the file and the fault.
 * Needs neither real footage nor the ffmpeg command line.
 */
#include "media_fixtures.h"

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    RS_CHECK(f != NULL);
    if (f) {
        RS_CHECK(fwrite(text, 1, len, f) == len);
        fclose(f);
    }
}

/* Probe and decoder open must both fail with code and a message holding want. */
static void expect_fail(const char *path, int code, const char *want)
{
    RsMediaInfo *mi = (RsMediaInfo *)&mi;
    RS_CHECK_EQ_INT(rs_media_probe(path, &mi), code);
    RS_CHECK(mi == NULL);
    RS_CHECK_CONTAINS(rs_error_message(), want);
    RsDecoder *d = (RsDecoder *)&d;
    const RsMediaInfo *info = (const RsMediaInfo *)&info;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, path, NULL, &info), code);
    RS_CHECK(d == NULL);
    RS_CHECK(info == NULL);
    RS_CHECK_CONTAINS(rs_error_message(), want);
}

static void test_files_that_are_not_media(void)
{
    const char *empty = fx_path("empty.mov");
    write_file(empty, "", 0);
    expect_fail(empty, RS_EMEDIA, "empty.mov: empty file (0 bytes)");

    const char *text = fx_path("notes.txt");
    const char *words = "Day 12, scene 4, take 3: boom in shot.\n";
    write_file(text, words, strlen(words));
    expect_fail(text, RS_EMEDIA, "notes.txt: not a media file (no known container format)");

    /* A text file with a media extension is still text. */
    const char *fake = fx_path("clip.mov");
    write_file(fake, words, strlen(words));
    expect_fail(fake, RS_EMEDIA, "clip.mov: not a media file (no known container format)");

    char noise[20000];
    uint32_t x = 1;
    for (size_t i = 0; i < sizeof(noise); i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (char)(x >> 16);
    }
    const char *bin = fx_path("noise.bin");
    write_file(bin, noise, sizeof(noise));
    expect_fail(bin, RS_EMEDIA, "noise.bin: not a media file");

    /* A subtitle file is a container FFmpeg reads, but holds no picture or sound. */
    const char *srt = fx_path("subs.srt");
    const char *cue = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n";
    write_file(srt, cue, strlen(cue));
    expect_fail(srt, RS_EMEDIA, "subs.srt: no audio or video streams");

    expect_fail("/dev/null", RS_EMEDIA, "/dev/null: not a regular file");
}

static void test_paths(void)
{
    expect_fail(fx_path("missing.mov"), RS_ENOENT, "missing.mov: no such file");
    expect_fail(fx_path("missing/clip.mov"), RS_ENOENT, "clip.mov: no such file");
    if (geteuid() != 0) {
        const char *locked = fx_path("locked.mov");
        write_file(locked, "x", 1);
        chmod(locked, 0);
        expect_fail(locked, RS_EACCES, "locked.mov: permission denied");
    }
    RsMediaInfo *mi;
    RS_CHECK_EQ_INT(rs_media_probe("", &mi), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_media_probe(NULL, &mi), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_media_probe(fx_path("x"), NULL), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_decoder_open(NULL, fx_path("x"), NULL, NULL), RS_EINVAL);
}

static void test_folders_that_are_not_sequences(void)
{
    const char *dir = fx_path("notes");
    mkdir(dir, 0700);
    write_file(fx_path("notes/readme.txt"), "x", 1);
    write_file(fx_path("notes/poster.png"), "x", 1);
    expect_fail(dir, RS_EMEDIA, "notes: not an image sequence");

    const char *two = fx_path("two");
    mkdir(two, 0700);
    write_file(fx_path("two/a_0001.png"), "x", 1);
    write_file(fx_path("two/a_0002.png"), "x", 1);
    write_file(fx_path("two/b_0001.dpx"), "x", 1);
    expect_fail(two, RS_EMEDIA, "holds 2 numbered sequences");

    const char *mixed = fx_path("mixed");
    mkdir(mixed, 0700);
    write_file(fx_path("mixed/f_001.png"), "x", 1);
    write_file(fx_path("mixed/f_2.png"), "x", 1);
    expect_fail(mixed, RS_EMEDIA, "mixes zero padded and unpadded");

    expect_fail(fx_path("two/c_%%04d.png"), RS_ENOENT, "c_%04d.png: no file matches the pattern");
    expect_fail(fx_path("tw%%02d/a_%%04d.png"), RS_EINVAL, "must be in the file name");
    expect_fail(fx_path("two/a_%%4d.png"), RS_EINVAL, "needs one %d or %0Nd");

    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    s.image_rate = (RsRational){ 0, 1 };
    RsDecoder *d;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, fx_path("two/a_%%04d.png"), &s, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "invalid image sequence rate 0/1");
    rs_decoder_default_settings(&s);
    s.threads = -1;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, fx_path("two/a_%%04d.png"), &s, NULL), RS_EINVAL);
}

static void test_defaults_and_null_frees(void)
{
    RsDecoderSettings s;
    memset(&s, 0x5a, sizeof(s));
    rs_decoder_default_settings(&s);
    RS_CHECK_EQ_INT(s.threads, 0);
    RS_CHECK_EQ_INT(s.video, 1);
    RS_CHECK_EQ_INT(s.audio, 0);
    RS_CHECK_EQ_INT(s.apply_rotation, 0);
    RS_CHECK_EQ_INT(s.image_rate.num, 24);
    RS_CHECK_EQ_INT(s.image_rate.den, 1);
    RsMediaInfo *mi = NULL;
    rs_media_info_free(&mi);
    rs_media_info_free(NULL);
    RsDecoder *d = NULL;
    rs_decoder_close(&d);
    rs_decoder_close(NULL);
}

int main(void)
{
    RS_RUN(test_files_that_are_not_media);
    RS_RUN(test_paths);
    RS_RUN(test_folders_that_are_not_sequences);
    RS_RUN(test_defaults_and_null_frees);
    return rs_test_end();
}
