/*
 * Image sequences made by the ffmpeg command line: found from a folder or a
 * pattern, first number found on disk, rate from the settings, and the
 * picture converted (RGB, float) or passed through (JPEG's planar YUV).
 */
#include "seq_checks.h"

static const char *make_seq(const char *dir, const char *name, const char *args, int start)
{
    const char *d = fx_path("%s", dir);
    mkdir(d, 0700);
    /* ffmpeg's output name is a pattern too: a '%' in the folder is written "%%". */
    char escaped[512];
    size_t n = 0;
    for (const char *p = d; *p && n + 2 < sizeof(escaped); p++) {
        if (*p == '%')
            escaped[n++] = '%';
        escaped[n++] = *p;
    }
    escaped[n] = '\0';
    int ok = fx_ffmpeg("-f lavfi -i testsrc2=s=64x48:r=24 -frames:v 10 -start_number %d %s "
                       "'%s/%s'", start, args, escaped, name);
    RS_CHECK(ok);
    return ok ? d : NULL;
}

static void check_seq(const char *path, const char *codec, int64_t frames, int depth,
                      int full_range)
{
    RsMediaInfo *mi = fx_probe_seq(path, frames);
    if (!mi)
        return;
    if (mi->nb_video == 1) {
        RS_CHECK_EQ_STR(mi->video[0].codec, codec);
        RS_CHECK_EQ_INT(mi->video[0].width, 64);
    }
    rs_media_info_free(&mi);

    RsDecoderSettings s;
    fx_seq_decoder_settings(&s);
    FxDecode d;
    RS_CHECK_EQ_INT(fx_decode(path, &s, &d), 0);
    RS_CHECK_EQ_INT(d.ret, 0);
    RS_CHECK_EQ_INT(d.frames, frames);
    RS_CHECK_EQ_INT(d.first_pts, 0);
    RS_CHECK_EQ_INT(d.last_pts, frames - 1);
    RS_CHECK_EQ_INT(d.first.time_base.num, 1);
    RS_CHECK_EQ_INT(d.first.time_base.den, 25);
    RS_CHECK_EQ_INT(d.first.bit_depth, depth);
    RS_CHECK_EQ_INT(d.first.full_range, full_range);
    RS_CHECK_EQ_INT(d.stats.truncated, 0);
}

static void test_formats(void)
{
    const char *d;
    if ((d = make_seq("png", "shot_%04d.png", "", 1001))) {
        check_seq(d, "png", 10, 8, 1);
        check_seq(fx_path("png/shot_%%04d.png"), "png", 10, 8, 1);
    }
    if ((d = make_seq("tif", "plate.%06d.tif", "-pix_fmt rgb48le", 0)))
        check_seq(d, "tiff", 10, 16, 1);
    /* Unpadded numbers 1..10: the pattern is %d. */
    if ((d = make_seq("dpx", "f_%d.dpx", "-pix_fmt gbrp10le", 1))) {
        check_seq(d, "dpx", 10, 10, 1);
        check_seq(fx_path("dpx/f_%%d.dpx"), "dpx", 10, 10, 1);
    }
    if ((d = make_seq("jpg", "j%03d.jpg", "", 7)))
        check_seq(d, "mjpeg", 10, 8, 1);
    if (fx_has_encoder("exr")) {
        if ((d = make_seq("exr", "e_%03d.exr", "-pix_fmt gbrpf32le", 1)))
            check_seq(d, "exr", 10, 16, 1);
    } else {
        fprintf(stderr, "  no exr encoder, skipped\n");
    }
}

/* A frame missing on disk ends the sequence there (image2 reads up to the gap). */
static void test_gap(void)
{
    const char *d = make_seq("gap", "g_%04d.png", "", 1);
    if (!d)
        return;
    RS_CHECK(remove(fx_path("gap/g_0005.png")) == 0);
    check_seq(d, "png", 4, 8, 1);
}

/* Other files beside the sequence, and a '%' in the folder name. */
static void test_clutter_and_percent(void)
{
    const char *d = make_seq("100%", "s_%02d.png", "", 3);
    if (!d)
        return;
    FILE *f = fopen(fx_path("100%%/notes.txt"), "w");
    if (f)
        fclose(f);
    f = fopen(fx_path("100%%/.DS_Store"), "w");
    if (f)
        fclose(f);
    check_seq(d, "png", 10, 8, 1);
}

int main(void)
{
    fx_require_ffmpeg();
    RS_RUN(test_formats);
    RS_RUN(test_gap);
    RS_RUN(test_clutter_and_percent);
    return rs_test_end();
}
