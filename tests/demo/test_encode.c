/*
 * The media writer: every codec and container it offers opens and finishes,
 * the tags (timecode, reel, camera, BWF time reference) read back through
 * ffprobe, lossless video survives exactly, failures name the file, and an
 * output replaces what is at its path only once it is whole.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../rs_test.h"
#include "demo_test_util.h"
#include "rushes/encode.h"
#include "rushes/error.h"

static char root[64];
static int tools;

/* A frame whose every sample depends on position and frame number. */
static void pattern(uint8_t *buf, int w, int h, int n, uint8_t *planes[3], ptrdiff_t strides[3])
{
    planes[0] = buf;
    planes[1] = buf + w * h;
    planes[2] = buf + w * h + w * h / 4;
    strides[0] = w;
    strides[1] = strides[2] = w / 2;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            planes[0][y * w + x] = (uint8_t)(16 + (x * 3 + y * 5 + n * 7) % 220);
    for (int p = 1; p < 3; p++)
        for (int y = 0; y < h / 2; y++)
            for (int x = 0; x < w / 2; x++)
                planes[p][y * (w / 2) + x] = (uint8_t)(64 + (x * p + y * 2 + n) % 128);
}

/* Write `frames` frames (and audio) to name under root; returns the encoder's verdict. */
static int write_file(const char *name, RsEncoderSettings *s, int frames, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", root, name);
    RsEncoder *e = NULL;
    int ret = rs_encoder_open(&e, path, s);
    if (ret < 0)
        return ret;
    int w = s->width, h = s->height;
    uint8_t *buf = s->video_codec ? malloc((size_t)w * h * 3 / 2) : NULL;
    float *ch[8];
    for (int c = 0; c < 8; c++) {
        ch[c] = malloc(2000 * sizeof(float));
        for (int i = 0; i < 2000; i++)
            ch[c][i] = (float)((i * (c + 3)) % 200 - 100) / 150.0f; /* a few samples clip */
    }
    for (int n = 0; n < frames && ret >= 0; n++) {
        if (buf) {
            uint8_t *planes[3];
            ptrdiff_t strides[3];
            pattern(buf, w, h, n, planes, strides);
            ret = rs_encoder_write_video(e, (const uint8_t *const *)planes, strides);
        }
        if (ret >= 0 && s->audio_channels)
            ret = rs_encoder_write_audio(e, (const float *const *)ch, 2000);
    }
    int cret = rs_encoder_close(&e);
    RS_CHECK(e == NULL);
    for (int c = 0; c < 8; c++)
        free(ch[c]);
    free(buf);
    return ret < 0 ? ret : cret;
}

static char *probe(const char *path, const char *entries)
{
    char cmd[640];
    snprintf(cmd, sizeof(cmd), "ffprobe -v error -count_frames -show_entries %s -of default=nw=1 '%s'",
             entries, path);
    return run_capture(cmd, 1 << 16, NULL);
}

static void test_mov_h264_tags(void)
{
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = "libx264";
    s.width = 128;
    s.height = 72;
    s.frame_rate = (RsRational){ 24000, 1001 };
    s.start_timecode = "10:15:03:12";
    s.reel_name = "A001";
    s.camera_make = "Maker";
    s.camera_model = "Model 7";
    s.camera_id = "A";
    s.audio_channels = 2;
    s.audio_codec = "aac";
    char path[256], v[64];
    RS_CHECK_EQ_INT(write_file("tags.mov", &s, 12, path, sizeof(path)), 0);
    if (!tools)
        return;
    char *out = probe(path, "stream=codec_name,nb_read_frames,r_frame_rate:stream_tags=timecode,reel_name:"
                            "format_tags=make,model,camera_id");
    RS_CHECK_CONTAINS(out, "codec_name=h264");
    RS_CHECK_CONTAINS(out, "codec_name=aac");
    RS_CHECK_CONTAINS(out, "nb_read_frames=12");
    RS_CHECK_CONTAINS(out, "r_frame_rate=24000/1001");
    probe_value(out, "TAG:timecode", v, sizeof(v));
    RS_CHECK_EQ_STR(v, "10:15:03:12");
    probe_value(out, "TAG:reel_name", v, sizeof(v));
    RS_CHECK_EQ_STR(v, "A001");
    RS_CHECK_CONTAINS(out, "TAG:model=Model 7");
    RS_CHECK_CONTAINS(out, "TAG:camera_id=A");
    free(out);
    /* The timecode is a real tmcd track, not only a tag on the video. */
    out = probe(path, "stream=codec_tag_string");
    RS_CHECK_CONTAINS(out, "codec_tag_string=tmcd");
    free(out);
}

static void test_mp4(void)
{
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = "libx264";
    s.width = 64;
    s.height = 64;
    s.frame_rate = (RsRational){ 25, 1 };
    s.camera_id = "C";
    s.audio_channels = 1;
    s.audio_codec = "aac";
    char path[256];
    RS_CHECK_EQ_INT(write_file("clip.mp4", &s, 10, path, sizeof(path)), 0);
    if (!tools)
        return;
    char *out = probe(path, "format=format_name:stream=codec_name,nb_read_frames:format_tags=camera_id");
    RS_CHECK_CONTAINS(out, "mp4");
    RS_CHECK_CONTAINS(out, "codec_name=h264");
    RS_CHECK_CONTAINS(out, "codec_name=aac");
    RS_CHECK_CONTAINS(out, "nb_read_frames=10");
    RS_CHECK_CONTAINS(out, "TAG:camera_id=C");
    free(out);
}

static void test_lossless_round_trip(void)
{
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = "ffv1";
    s.width = 64;
    s.height = 48;
    s.frame_rate = (RsRational){ 25, 1 };
    s.start_timecode = "01:00:00:00";
    s.audio_channels = 1;
    s.audio_codec = "pcm_s16le";
    char path[256], cmd[512];
    RS_CHECK_EQ_INT(write_file("lossless.mkv", &s, 3, path, sizeof(path)), 0);
    if (!tools)
        return;
    snprintf(cmd, sizeof(cmd), "ffmpeg -v error -i '%s' -f rawvideo -pix_fmt yuv420p -", path);
    size_t len, fsz = 64 * 48 * 3 / 2;
    uint8_t *got = (uint8_t *)run_capture(cmd, 3 * fsz, &len);
    RS_CHECK_EQ_INT(len, 3 * fsz);
    uint8_t *want = malloc(fsz);
    for (int n = 0; n < 3 && len == 3 * fsz; n++) {
        uint8_t *planes[3];
        ptrdiff_t strides[3];
        pattern(want, 64, 48, n, planes, strides);
        RS_CHECK(!memcmp(got + n * fsz, want, fsz));
    }
    free(want);
    free(got);
    char *out = probe(path, "format_tags=timecode:stream=codec_name");
    RS_CHECK_CONTAINS(out, "codec_name=ffv1");
    RS_CHECK_CONTAINS(out, "codec_name=pcm_s16le");
    RS_CHECK_CONTAINS(out, "01:00:00:00");
    free(out);
}

static void test_intermediate_codecs(void)
{
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.width = 256;
    s.height = 144;
    char path[256];
    const char *codecs[] = { "prores_ks", "prores_aw", "dnxhd" };
    const char *expect[] = { "pix_fmt=yuv422p10le", "pix_fmt=yuv422p10le", "pix_fmt=yuv422p" };
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof(name), "%s.mov", codecs[i]);
        s.video_codec = codecs[i];
        s.audio_channels = i == 0 ? 3 : 0;
        s.audio_codec = "pcm_s24le";
        RS_CHECK_EQ_INT(write_file(name, &s, 3, path, sizeof(path)), 0);
        if (!tools)
            continue;
        char *out = probe(path, "stream=pix_fmt,profile,nb_read_frames,channels");
        RS_CHECK_CONTAINS(out, expect[i]);
        RS_CHECK_CONTAINS(out, "nb_read_frames=3");
        if (i < 2)
            RS_CHECK_CONTAINS(out, "profile=HQ");
        if (i == 0)
            RS_CHECK_CONTAINS(out, "channels=3");
        free(out);
    }
}

static void test_bwf(void)
{
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.audio_channels = 4;
    s.time_reference = 1773026193LL;
    s.description = "sSCENE=1";
    s.origination_date = "2025-06-12";
    char path[256];
    RS_CHECK_EQ_INT(write_file("poly.wav", &s, 5, path, sizeof(path)), 0);
    if (!tools)
        return;
    char *out = probe(path, "stream=codec_name,channels,bits_per_sample:format_tags=time_reference,comment");
    RS_CHECK_CONTAINS(out, "codec_name=pcm_s24le");
    RS_CHECK_CONTAINS(out, "channels=4");
    RS_CHECK_CONTAINS(out, "bits_per_sample=24");
    RS_CHECK_CONTAINS(out, "TAG:time_reference=1773026193");
    RS_CHECK_CONTAINS(out, "TAG:comment=sSCENE=1");
    free(out);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ffprobe -v error -count_packets -show_entries stream=duration_ts -of csv=p=0 '%s'", path);
    out = run_capture(cmd, 256, NULL);
    RS_CHECK_EQ_INT(atoi(out ? out : "0"), 10000);
    free(out);
}

/* Same input, same settings: the same bytes (no dates or versions in the file). */
static void test_reproducible(void)
{
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = "libx264";
    s.width = 96;
    s.height = 64;
    s.start_timecode = "10:00:00:00";
    s.reel_name = "A001";
    s.audio_channels = 2;
    s.audio_codec = "pcm_s16le";
    char a[256], b[256];
    RS_CHECK_EQ_INT(write_file("same1.mov", &s, 30, a, sizeof(a)), 0);
    RS_CHECK_EQ_INT(write_file("same2.mov", &s, 30, b, sizeof(b)), 0);
    char *fa = read_file(a), *fb = read_file(b);
    FILE *f = fopen(a, "rb");
    long na = -1;
    if (f) {
        fseek(f, 0, SEEK_END);
        na = ftell(f);
        fclose(f);
    }
    RS_CHECK(fa && fb && na > 1000 && !memcmp(fa, fb, (size_t)na));
    free(fa);
    free(fb);
}

static void test_errors(void)
{
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = "libx264";
    s.width = 64;
    s.height = 48;
    char path[256];
    RS_CHECK_EQ_INT(write_file("clip.notacontainer", &s, 1, path, sizeof(path)), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "clip.notacontainer");
    s.video_codec = "no_such_codec";
    RS_CHECK_EQ_INT(write_file("x.mov", &s, 1, path, sizeof(path)), RS_EUNSUP);
    RS_CHECK_CONTAINS(rs_error_message(), "x.mov");
    RS_CHECK_CONTAINS(rs_error_message(), "no_such_codec");
    s.video_codec = "libx264";
    s.width = 63;
    RS_CHECK_EQ_INT(write_file("odd.mov", &s, 1, path, sizeof(path)), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "odd.mov");
    s.width = 64;
    RS_CHECK(write_file("missing/folder/y.mov", &s, 1, path, sizeof(path)) < 0);
    RS_CHECK_CONTAINS(rs_error_message(), "missing/folder/y.mov");
    s.audio_channels = 2;
    RS_CHECK_EQ_INT(write_file("video.wav", &s, 1, path, sizeof(path)), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "video.wav");

    /* Audio into a video-only file is refused, and close still succeeds. */
    rs_encoder_default_settings(&s);
    s.video_codec = "ffv1";
    s.width = 32;
    s.height = 32;
    snprintf(path, sizeof(path), "%s/noaudio.mkv", root);
    RsEncoder *e;
    RS_CHECK_EQ_INT(rs_encoder_open(&e, path, &s), 0);
    float one = 0.0f;
    const float *data[1] = { &one };
    RS_CHECK_EQ_INT(rs_encoder_write_audio(e, data, 1), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "noaudio.mkv");
    RS_CHECK_EQ_INT(rs_encoder_close(&e), 0);
    RS_CHECK_EQ_INT(rs_encoder_close(&e), 0);
}

/* Names in folder dir (not . and ..), joined by spaces into buf. */
static int list_dir(const char *dir, char *buf, size_t size)
{
    DIR *d = opendir(dir);
    int n = 0;
    *buf = 0;
    for (struct dirent *de; d && (de = readdir(d));) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        n++;
        strncat(buf, de->d_name, size - strlen(buf) - 2);
        strcat(buf, " ");
    }
    if (d)
        closedir(d);
    return n;
}

static int write_frames(RsEncoder *e, int w, int h, int n)
{
    uint8_t *buf = malloc((size_t)w * h * 3 / 2);
    int ret = buf ? 0 : -1;
    for (int i = 0; i < n && ret >= 0; i++) {
        uint8_t *planes[3];
        ptrdiff_t strides[3];
        pattern(buf, w, h, i, planes, strides);
        ret = rs_encoder_write_video(e, (const uint8_t *const *)planes, strides);
    }
    free(buf);
    return ret;
}

/*
 * The output appears at its path only when it is whole: until close a file
 * already there is untouched, a discarded output leaves nothing behind, and
 * close leaves no temporary file; for a file and for a picture sequence.
 */
static void test_replace(void)
{
    char dir[128], path[192], names[1024];
    snprintf(dir, sizeof(dir), "%s/replace", root);
    RS_CHECK_EQ_INT(mkdir(dir, 0777), 0);
    snprintf(path, sizeof(path), "%s/out.mkv", dir);
    RS_CHECK_EQ_INT(rs_test_write_text(path, "previous"), 0);
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = "ffv1";
    s.width = 32;
    s.height = 32;
    RsEncoder *e;
    RS_CHECK_EQ_INT(rs_encoder_open(&e, path, &s), 0);
    RS_CHECK_EQ_INT(write_frames(e, 32, 32, 3), 0);
    RS_CHECK_EQ_INT(list_dir(dir, names, sizeof(names)), 2);
    RS_CHECK_CONTAINS(names, ".rushes-");
    rs_encoder_discard(&e);
    RS_CHECK(e == NULL);
    RS_CHECK_EQ_INT(list_dir(dir, names, sizeof(names)), 1);
    RS_CHECK_EQ_STR(names, "out.mkv ");
    char got[16];
    RS_CHECK_EQ_STR(rs_test_read_text(path, got, sizeof(got)), "previous");
    RS_CHECK_EQ_INT(rs_encoder_open(&e, path, &s), 0);
    RS_CHECK_EQ_INT(write_frames(e, 32, 32, 3), 0);
    RS_CHECK_EQ_INT(rs_encoder_close(&e), 0);
    RS_CHECK_EQ_INT(list_dir(dir, names, sizeof(names)), 1);
    struct stat st;
    RS_CHECK(!stat(path, &st) && st.st_size > 100);
    if (tools) {
        char *out = probe(path, "stream=nb_read_frames");
        RS_CHECK_CONTAINS(out, "nb_read_frames=3");
        free(out);
    }

    unlink(path);
    snprintf(path, sizeof(path), "%s/pic_%%03d.png", dir);
    s.video_codec = "png";
    RS_CHECK_EQ_INT(rs_encoder_open(&e, path, &s), 0);
    RS_CHECK_EQ_INT(write_frames(e, 32, 32, 3), 0);
    rs_encoder_discard(&e);
    RS_CHECK_EQ_INT(list_dir(dir, names, sizeof(names)), 0);
    RS_CHECK_EQ_INT(rs_encoder_open(&e, path, &s), 0);
    RS_CHECK_EQ_INT(write_frames(e, 32, 32, 3), 0);
    RS_CHECK_EQ_INT(rs_encoder_close(&e), 0);
    RS_CHECK_EQ_INT(list_dir(dir, names, sizeof(names)), 3);
    RS_CHECK_CONTAINS(names, "pic_000.png");
    RS_CHECK_CONTAINS(names, "pic_002.png");
    RS_CHECK(!strstr(names, ".rushes-"));
    rs_encoder_discard(&e);     /* NULL: nothing */
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/rs_encode_test_XXXXXX");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    tools = have_tool("ffprobe") && have_tool("ffmpeg");
    RS_RUN(test_mov_h264_tags);
    RS_RUN(test_mp4);
    RS_RUN(test_lossless_round_trip);
    RS_RUN(test_intermediate_codecs);
    RS_RUN(test_bwf);
    RS_RUN(test_reproducible);
    RS_RUN(test_errors);
    RS_RUN(test_replace);
    if (!getenv("KEEP"))
        if (!getenv("RS_KEEP_TEST_FILES"))
        rm_tree(root);
    if (!tools)
        fprintf(stderr, "note: ffprobe/ffmpeg missing: files written but not read back\n");
    return rs_test_end();
}
