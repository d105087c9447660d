/*
 * Containers and codecs of film work, made tiny by the ffmpeg command line
 * (10 frames of testsrc2): probe reports what was written, the decoder
 * returns every frame with the right shape. A codec whose encoder this
 * ffmpeg lacks is skipped, not failed.
 */
#include "media_fixtures.h"

typedef struct Case {
    const char *encoder;       /* needed in `ffmpeg -encoders` */
    const char *file;
    const char *args;          /* ffmpeg output options */
    int w, h;
    const char *rate;          /* testsrc2 rate */
    const char *format, *codec, *profile, *pix_fmt;
    int depth, log2_cw, log2_ch;
    int64_t rate_num, rate_den;
    int64_t frame_count;       /* what probe reports: -1 where the container does not say */
    const char *timecode;
    int tc_drop;
    const char *field_order;
} Case;

#define MOV "mov,mp4,m4a,3gp,3g2,mj2"
#define MKV "matroska,webm"

static const Case cases[] = {
    { "prores_ks", "prores.mov", "-c:v prores_ks -profile:v 3 -pix_fmt yuv422p10le "
      "-timecode 01:00:00:00", 64, 48, "24", MOV, "prores", "HQ", "yuv422p10le", 10, 1, 0,
      24, 1, 10, "01:00:00:00", 0, "progressive" },
    { "libx264", "df.mov", "-c:v libx264 -timecode '01:00:00;00'", 64, 48, "30000/1001", MOV,
      "h264", "High", "yuv420p", 8, 1, 1, 30000, 1001, 10, "01:00:00;00", 1, "progressive" },
    { "dnxhd", "dnxhr.mxf", "-c:v dnxhd -profile:v dnxhr_hq -pix_fmt yuv422p "
      "-timecode 10:00:00:00", 320, 240, "24000/1001", "mxf", "dnxhd", "DNXHR HQ", "yuv422p", 8,
      1, 0, 24000, 1001, 10, "10:00:00:00", 0, "progressive" },
    { "libx264", "h264.mp4", "-c:v libx264 -pix_fmt yuv420p", 64, 48, "25", MOV, "h264", "High",
      "yuv420p", 8, 1, 1, 25, 1, 10, "", 0, "progressive" },
    { "libx265", "hevc.mkv", "-c:v libx265 -x265-params log-level=error -pix_fmt yuv420p10le",
      64, 48, "24", MKV, "hevc", "Main 10", "yuv420p10le", 10, 1, 1, 24, 1, -1, "", 0, NULL },
    { "mpeg2video", "mpeg2.mxf", "-c:v mpeg2video -pix_fmt yuv422p -flags +ilme+ildct -top 1",
      64, 48, "25", "mxf", "mpeg2video", "4:2:2", "yuv422p", 8, 1, 0, 25, 1, 10, NULL, 0, "tt" },
    { "ffv1", "ffv1.mkv", "-c:v ffv1 -pix_fmt yuv444p12le", 64, 48, "24", MKV, "ffv1", "",
      "yuv444p12le", 12, 0, 0, 24, 1, -1, "", 0, "progressive" },
    { "libvpx-vp9", "vp9.webm", "-c:v libvpx-vp9 -deadline realtime", 64, 48, "24", MKV, "vp9",
      "Profile 0", "yuv420p", 8, 1, 1, 24, 1, -1, "", 0, NULL },
    { "libaom-av1", "av1.mkv", "-c:v libaom-av1 -cpu-used 8", 64, 48, "24", MKV, "av1", "Main",
      "yuv420p", 8, 1, 1, 24, 1, -1, "", 0, NULL },
    { "ffv1", "gray.mkv", "-c:v ffv1 -pix_fmt gray10le", 64, 48, "24", MKV, "ffv1", "",
      "gray10le", 10, 1, 1, 24, 1, -1, "", 0, NULL },
    { "rawvideo", "nv12.nut", "-c:v rawvideo -pix_fmt nv12", 64, 48, "24", "nut", "rawvideo", "",
      "nv12", 8, 0, 0, 24, 1, -1, "", 0, NULL },
    { "ffv1", "rgb.mkv", "-c:v ffv1 -pix_fmt bgr0", 64, 48, "24", MKV, "ffv1", "", "bgr0", 8, 0,
      0, 24, 1, -1, "", 0, NULL },
};

static void check_case(const Case *c)
{
    if (!fx_has_encoder(c->encoder)) {
        fprintf(stderr, "  %s: no %s encoder, skipped\n", c->file, c->encoder);
        return;
    }
    const char *path = fx_path("%s", c->file);
    if (!fx_ffmpeg("-f lavfi -i testsrc2=s=%dx%d:r=%s -frames:v 10 %s %s", c->w, c->h, c->rate,
                   c->args, path)) {
        RS_CHECK(0);
        return;
    }
    fprintf(stderr, "  %s\n", c->file);
    RsMediaInfo *mi;
    int r = rs_media_probe(path, &mi);
    RS_CHECK_EQ_INT(r, 0);
    if (r < 0)
        return;
    RS_CHECK_EQ_STR(mi->format, c->format);
    RS_CHECK_EQ_INT(mi->nb_video, 1);
    const RsVideoInfo *v = &mi->video[0];
    RS_CHECK_EQ_STR(v->codec, c->codec);
    RS_CHECK_EQ_STR(v->profile, c->profile);
    RS_CHECK_EQ_STR(v->pix_fmt, c->pix_fmt);
    RS_CHECK_EQ_INT(v->width, c->w);
    RS_CHECK_EQ_INT(v->height, c->h);
    RS_CHECK_EQ_INT(v->bit_depth, c->depth);
    RS_CHECK_EQ_INT(v->frame_rate.num, c->rate_num);
    RS_CHECK_EQ_INT(v->frame_rate.den, c->rate_den);
    RS_CHECK_EQ_INT(v->vfr, 0);
    RS_CHECK_EQ_INT(v->frame_count, c->frame_count);
    if (c->timecode) {
        RS_CHECK_EQ_STR(mi->start_timecode, c->timecode);
        RS_CHECK_EQ_INT(mi->tc_drop, c->tc_drop);
    }
    if (c->field_order)
        RS_CHECK_EQ_STR(v->field_order, c->field_order);
    rs_media_info_free(&mi);

    RsDecoderSettings s;
    rs_decoder_default_settings(&s);
    s.threads = 2;
    s.audio = 1;                       /* no audio in these files: not an error */
    FxDecode d;
    RS_CHECK_EQ_INT(fx_decode(path, &s, &d), 0);
    RS_CHECK_EQ_INT(d.ret, 0);
    RS_CHECK_EQ_INT(d.frames, 10);
    RS_CHECK_EQ_INT(d.blocks, 0);
    RS_CHECK(d.pts_increasing);
    RS_CHECK_EQ_INT(d.stats.decode_errors, 0);
    RS_CHECK_EQ_INT(d.stats.truncated, 0);
    const RsVideoFrame *f = &d.first;
    /* Planes handed out: the decoder's own when planar YUV, else 4:4:4. */
    RS_CHECK_EQ_INT(f->width, c->w);
    RS_CHECK_EQ_INT(f->height, c->h);
    RS_CHECK_EQ_INT(f->bit_depth, c->depth);
    RS_CHECK_EQ_INT(f->log2_chroma_w, c->log2_cw);
    RS_CHECK_EQ_INT(f->log2_chroma_h, c->log2_ch);
    RS_CHECK_EQ_INT(f->plane[0].bytes_per_sample, c->depth > 8 ? 2 : 1);
    RS_CHECK_EQ_INT(f->plane[1].width, (c->w + (1 << c->log2_cw) - 1) >> c->log2_cw);
    RS_CHECK_EQ_INT(f->plane[2].height, (c->h + (1 << c->log2_ch) - 1) >> c->log2_ch);
}

static void test_codecs(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_case(&cases[i]);
}

typedef struct Sample3 { int y, cb, cr; } Sample3;

/* The first frame's centre sample of each plane. */
static Sample3 centre(const char *path, RsVideoFrame *shape)
{
    Sample3 s = { -1, -1, -1 };
    RsDecoder *d;
    RsMediaEvent ev;
    if (rs_decoder_open(&d, path, NULL, NULL) < 0 || rs_decoder_read(d, &ev) != 1)
        return s;
    *shape = *ev.video;
    int v[3];
    for (int p = 0; p < 3; p++) {
        const RsPlane *pl = &ev.video->plane[p];
        const uint8_t *row = pl->data + (pl->height / 2) * pl->stride;
        v[p] = pl->bytes_per_sample == 2 ? ((const uint16_t *)row)[pl->width / 2] : row[pl->width / 2];
    }
    rs_decoder_close(&d);
    return (Sample3){ v[0], v[1], v[2] };
}

/*
 * RGB becomes full-range BT.709 YUV at the source depth. Pure red gives
 * Y = 0.2126, Cb = 0.5 - 0.2126 / 1.8556 = 0.3854, Cr = 0.5 + 0.7874 / 1.5748 = 1:
 * 54, 98.3, 255 in 8 bits and 13933, 25259, 65535 in 16.
 */
static void test_rgb_conversion(void)
{
    const char *path = fx_path("red.mkv");
    RS_CHECK(fx_ffmpeg("-f lavfi -i color=c=red:s=64x48:r=24,format=bgr0 -frames:v 2 "
                       "-c:v ffv1 -pix_fmt bgr0 %s", path));
    RsVideoFrame f;
    Sample3 s = centre(path, &f);
    RS_CHECK_EQ_INT(f.full_range, 1);
    RS_CHECK_EQ_INT(f.bit_depth, 8);
    RS_CHECK_EQ_INT(f.log2_chroma_w, 0);
    RS_CHECK(abs(s.y - 54) <= 1);
    RS_CHECK(abs(s.cb - 98) <= 1);
    RS_CHECK(s.cr >= 254);

    path = fx_path("red16.mkv");
    RS_CHECK(fx_ffmpeg("-f lavfi -i color=c=red:s=64x48:r=24,format=gbrp16le -frames:v 2 "
                       "-c:v ffv1 -pix_fmt gbrp16le %s", path));
    s = centre(path, &f);
    RS_CHECK_EQ_INT(f.bit_depth, 16);
    RS_CHECK_EQ_INT(f.plane[0].bytes_per_sample, 2);
    RS_CHECK(abs(s.y - 13933) <= 2);
    RS_CHECK(abs(s.cb - 25259) <= 2);
    RS_CHECK(s.cr >= 65530);
}

/* Gray has no chroma: a neutral constant plane is provided. */
static void test_gray_chroma(void)
{
    const char *path = fx_path("gray8.mkv");
    RS_CHECK(fx_ffmpeg("-f lavfi -i testsrc2=s=64x48:r=24 -frames:v 2 -vf scale=63:47 "
                       "-c:v ffv1 -pix_fmt gray %s", path));
    RsDecoder *d;
    RsMediaEvent ev;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, path, NULL, NULL), 0);
    RS_CHECK_EQ_INT(rs_decoder_read(d, &ev), 1);
    const RsVideoFrame *f = ev.video;
    int bad = 0;
    for (int p = 1; p < 3; p++) {
        RS_CHECK_EQ_INT(f->plane[p].width, 32);
        RS_CHECK_EQ_INT(f->plane[p].height, 24);
        for (int y = 0; y < f->plane[p].height; y++)
            for (int x = 0; x < f->plane[p].width; x++)
                bad += f->plane[p].data[y * f->plane[p].stride + x] != 128;
    }
    RS_CHECK_EQ_INT(bad, 0);
    rs_decoder_close(&d);
}

/* The first frame of path through the decoder, its planes copied out. */
typedef struct Picture {
    RsVideoFrame f;
    uint8_t *data[3];
} Picture;

static int first_picture(const char *path, Picture *p)
{
    RsDecoder *d;
    RsMediaEvent ev;
    memset(p, 0, sizeof(*p));
    if (rs_decoder_open(&d, path, NULL, NULL) < 0)
        return 0;
    int ok = rs_decoder_read(d, &ev) == 1;
    if (ok) {
        p->f = *ev.video;
        for (int i = 0; i < 3; i++) {
            const RsPlane *pl = &ev.video->plane[i];
            size_t row = (size_t)pl->width * pl->bytes_per_sample;
            p->data[i] = malloc(row * pl->height);
            for (int y = 0; y < pl->height; y++)
                memcpy(p->data[i] + y * row, pl->data + y * pl->stride, row);
        }
    }
    rs_decoder_close(&d);
    return ok;
}

static void free_picture(Picture *p)
{
    for (int i = 0; i < 3; i++)
        free(p->data[i]);
}

/*
 * Semi-planar NV12 is converted, planar yuv420p is not, and the luma of both
 * is the same: the conversion keeps the range and the samples. On a flat
 * colour the 4:4:4 chroma equals the 4:2:0 chroma.
 */
static void test_nv12_keeps_samples(void)
{
    const char *a = fx_path("p420.nut"), *b = fx_path("nv12b.nut");
    const char *fa = fx_path("flat420.nut"), *fb = fx_path("flatnv12.nut");
    RS_CHECK(fx_ffmpeg("-f lavfi -i testsrc2=s=64x48:r=24 -frames:v 1 -c:v rawvideo "
                       "-pix_fmt yuv420p %s", a));
    RS_CHECK(fx_ffmpeg("-i %s -c:v rawvideo -pix_fmt nv12 %s", a, b));
    RS_CHECK(fx_ffmpeg("-f lavfi -i color=c=0x3366CC:s=64x48:r=24 -frames:v 1 -c:v rawvideo "
                       "-pix_fmt yuv420p %s", fa));
    RS_CHECK(fx_ffmpeg("-i %s -c:v rawvideo -pix_fmt nv12 %s", fa, fb));
    Picture pa, pb;
    RS_CHECK(first_picture(a, &pa));
    RS_CHECK(first_picture(b, &pb));
    RS_CHECK_EQ_INT(pa.f.full_range, pb.f.full_range);
    RS_CHECK_EQ_INT(pa.f.log2_chroma_w, 1);
    RS_CHECK_EQ_INT(pb.f.log2_chroma_w, 0);
    RS_CHECK_EQ_INT(pb.f.plane[1].width, 64);
    RS_CHECK(pa.data[0] && pb.data[0] && !memcmp(pa.data[0], pb.data[0], 64 * 48));
    free_picture(&pa);
    free_picture(&pb);

    RS_CHECK(first_picture(fa, &pa));
    RS_CHECK(first_picture(fb, &pb));
    for (int i = 1; i < 3 && pa.data[i] && pb.data[i]; i++) {
        RS_CHECK_EQ_INT(pb.data[i][24 * 64 + 32], pa.data[i][12 * 32 + 16]);
        RS_CHECK_EQ_INT(pb.data[i][0], pa.data[i][0]);
    }
    free_picture(&pa);
    free_picture(&pb);
}

static void test_camera_and_reel_tags(void)
{
    const char *path = fx_path("cam.mov");
    RS_CHECK(fx_ffmpeg("-f lavfi -i testsrc2=s=64x48:r=24 -frames:v 2 -c:v prores_ks "
                       "-timecode 14:03:22:11 -movflags use_metadata_tags "
                       "-metadata com.apple.quicktime.make=ARRI "
                       "-metadata com.apple.quicktime.model=\"ALEXA Mini\" "
                       "-metadata:s:v:0 reel_name=A001C003 %s", path));
    RsMediaInfo *mi;
    RS_CHECK_EQ_INT(rs_media_probe(path, &mi), 0);
    RS_CHECK_EQ_STR(mi->camera, "ARRI ALEXA Mini");
    RS_CHECK_EQ_STR(mi->reel, "A001C003");
    RS_CHECK_EQ_STR(mi->start_timecode, "14:03:22:11");
    int found = 0;
    for (int i = 0; i < mi->nb_tags; i++)
        found += !strcmp(mi->tags[i].key, "com.apple.quicktime.model") &&
                 !strcmp(mi->tags[i].value, "ALEXA Mini");
    RS_CHECK_EQ_INT(found, 1);
    rs_media_info_free(&mi);
}

int main(void)
{
    fx_require_ffmpeg();
    RS_RUN(test_codecs);
    RS_RUN(test_rgb_conversion);
    RS_RUN(test_gray_chroma);
    RS_RUN(test_nv12_keeps_samples);
    RS_RUN(test_camera_and_reel_tags);
    return rs_test_end();
}
