/*
 * The clean job on a generated 10-bit 4:2:2 shot (FFV1 in MKV, BT.2020 HLG
 * tags, top-left chroma siting, a reel name and a timecode), as production
 * footage from ProRes or DNxHR decodes:
 *  - to FFV1: yuv422p10 kept, every sample outside the mask (a chroma sample
 *    is masked when either luma pixel it covers is) bit-identical to the
 *    decoded source, the fill at 10-bit precision, the tags (and the rate,
 *    the pixel aspect, the timecode and the reel) read back by our probe;
 *  - to ProRes 422 HQ: 10-bit 4:2:2, the tags, the pictures close;
 *  - to 16-bit PNG and half-float EXR sequences: every picture read back by
 *    FFmpeg's own decoders and compared with an independent YUV -> RGB
 *    conversion (BT.2020 non-constant luminance, limited range) of the FFV1
 *    render, within a stated tolerance;
 *  - bad output names and folders, and the memory limit, refused before
 *    decoding with messages naming the path.
 * Test-only: libavformat/libavcodec read the pictures back, independently of
 * the writer under test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "../rs_test.h"
#include "cleanup_fixtures.h"
#include "decode_frames.h"
#include "rushes/cleanup.h"
#include "rushes/encode.h"
#include "rushes/error.h"
#include "rushes/media.h"

#define W 96
#define H 64
#define N 6
#define CW (W / 2)
#define FRAME (W * H + 2 * CW * H)

static char dir[256], src[300], mask[300], out[300];

/* Samples of N frames, Y then Cb then Cr, 4:2:2. */
static uint16_t *make_source(void)
{
    uint16_t *buf = calloc(N, FRAME * sizeof(uint16_t));
    RsEncoderSettings s;
    rs_encoder_default_settings(&s);
    s.video_codec = "ffv1";
    s.width = W;
    s.height = H;
    s.frame_rate = (RsRational){ 24000, 1001 };
    s.sar = (RsRational){ 16, 15 };
    s.chroma = 422;
    s.bit_depth = 10;
    s.start_timecode = "10:00:00:00";
    s.reel_name = "A001";
    s.color_space = "bt2020nc";
    s.color_primaries = "bt2020";
    s.color_trc = "arib-std-b67";
    s.chroma_location = "topleft";
    RsEncoder *e;
    RS_CHECK_EQ_INT(rs_encoder_open(&e, src, &s), 0);
    for (int t = 0; t < N && e; t++) {
        uint16_t *y = buf + (size_t)t * FRAME, *u = y + W * H, *v = u + CW * H;
        for (int r = 0; r < H; r++) {
            for (int x = 0; x < W; x++) {
                int obj = x >= 10 + 6 * t && x < 26 + 6 * t && r >= 20 && r < 36;
                /* Four times the 8-bit texture plus a fine ramp: 10-bit detail the 8-bit guide lacks. */
                y[r * W + x] = (uint16_t)(obj ? 80 : 4 * fx_clip(fx_texture(x - 2.0 * t, r)) + ((x + 3 * r) & 3));
            }
            /* Smooth chroma, so the RGB comparison does not hinge on how chroma is upsampled. */
            for (int x = 0; x < CW; x++) {
                u[r * CW + x] = (uint16_t)lrint(512 + 90 * sin((2 * x - 2.0 * t) / 13.0) + r);
                v[r * CW + x] = (uint16_t)lrint(512 + 80 * cos((2 * x - 2.0 * t + r) / 17.0));
            }
        }
        const uint8_t *planes[3] = { (uint8_t *)y, (uint8_t *)u, (uint8_t *)v };
        const ptrdiff_t strides[3] = { 2 * W, 2 * CW, 2 * CW };
        RS_CHECK_EQ_INT(rs_encoder_write_video(e, planes, strides), 0);
    }
    RS_CHECK_EQ_INT(rs_encoder_close(&e), 0);
    FILE *f = fopen(mask, "w");
    fputs("{ \"shapes\": [ { \"type\": \"rect\", \"keys\": [ { \"frame\": 0, \"rect\": [7, 18, 21, 20] },"
          " { \"frame\": 5, \"rect\": [37, 18, 21, 20] } ] } ] }", f);
    fclose(f);
    return buf;
}

/* Decode N frames of a 10-bit 4:2:2 file with our decoder. */
/* The N frames of a 10-bit 4:2:2 file, FRAME samples each. */
static uint16_t *decode(const char *path)
{
    return (uint16_t *)fx_decode_frames(path, N, W, H, 1, 0, 10, NULL, NULL);
}

static void job_for(RsCleanJob *job, const char *output)
{
    rs_clean_job_default(job);
    job->input = src;
    job->mask = mask;
    job->output = output;
    job->fill.threads = 2;
}

static uint8_t masks[N][W * H];

static void test_ffv1(void)
{
    uint16_t *a = make_source();
    RsMask *m;
    RS_CHECK_EQ_INT(rs_mask_open(&m, mask, W, H), 0);
    for (int t = 0; t < N && m; t++)
        RS_CHECK_EQ_INT(rs_mask_render(m, t, masks[t], W), 0);
    rs_mask_close(&m);
    RsCleanJob job;
    job_for(&job, out);
    RsCleanStats st;
    RS_CHECK_EQ_INT(rs_clean_file(&job, &st), 0);
    RS_CHECK(st.masked == 21 * 20 * N);
    /* The source decodes to exactly what was written (FFV1 is lossless). */
    uint16_t *s = decode(src), *b = decode(out);
    RS_CHECK(!memcmp(a, s, (size_t)N * FRAME * sizeof(uint16_t)));
    long outside = 0, inside = 0, fine = 0, chroma_in = 0;
    double err = 0;
    for (int t = 0; t < N; t++) {
        const uint16_t *fa = s + (size_t)t * FRAME, *fb = b + (size_t)t * FRAME;
        for (int i = 0; i < W * H; i++) {
            if (!masks[t][i]) {
                outside += fa[i] != fb[i];
                continue;
            }
            inside += fa[i] != fb[i];
            fine += (fb[i] & 3) != 0;
            err += abs(fb[i] - (4 * fx_clip(fx_texture(i % W - 2.0 * t, i / W)) + ((i % W + 3 * (i / W)) & 3)));
        }
        for (int p = 0; p < 2; p++)
            for (int i = 0; i < CW * H; i++) {
                const int x = i % CW, r = i / CW, j = W * H + p * CW * H + i;
                if (masks[t][r * W + 2 * x] || masks[t][r * W + 2 * x + 1])
                    chroma_in++;
                else
                    outside += fa[j] != fb[j];
            }
    }
    err /= 21 * 20 * N;
    printf("10-bit 4:2:2 FFV1: %ld samples outside the mask differ; %ld of %d luma changed inside, %ld "
           "between 8-bit steps, mean error %.2f (10-bit levels); %ld chroma samples masked\n",
           outside, inside, 21 * 20 * N, fine, err, chroma_in);
    fflush(stdout);
    RS_CHECK_EQ_INT(outside, 0);
    RS_CHECK(inside > 21 * 20 * N / 2);
    RS_CHECK(fine * 4 > inside);
    /* The object was 80 on a background around 512: removed, the fill is close to the background. */
    RS_CHECK(err < 16);
    /* Masked columns 7..27 at frame 0 cover chroma columns 3..13: 11 of them over 20 rows. */
    RS_CHECK(chroma_in >= 2 * 11 * 20 * N);
    free(a);
    free(s);
    free(b);

    char man[320];
    snprintf(man, sizeof(man), "%s.manifest.json", out);
    FILE *mf = fopen(man, "r");
    char text[8192] = "";
    if (mf) {
        text[fread(text, 1, sizeof(text) - 1, mf)] = 0;
        fclose(mf);
    }
    RS_CHECK_CONTAINS(text, "\"bit_depth\": 10");
    RS_CHECK_CONTAINS(text, "\"chroma\": \"4:2:2\"");
    RsMediaInfo *info;
    RS_CHECK_EQ_INT(rs_media_probe(out, &info), 0);
    if (!info)
        return;
    const RsVideoInfo *v = &info->video[0];
    RS_CHECK_EQ_STR(v->codec, "ffv1");
    RS_CHECK_EQ_STR(v->pix_fmt, "yuv422p10le");
    RS_CHECK_EQ_STR(v->color_range, "tv");
    RS_CHECK_EQ_STR(v->color_space, "bt2020nc");
    RS_CHECK_EQ_STR(v->color_primaries, "bt2020");
    RS_CHECK_EQ_STR(v->color_trc, "arib-std-b67");
    RS_CHECK_EQ_STR(v->chroma_location, "topleft");
    RS_CHECK(v->frame_rate.num == 24000 && v->frame_rate.den == 1001);
    RS_CHECK(v->sar.num == 16 && v->sar.den == 15);
    RS_CHECK_EQ_STR(info->start_timecode, "10:00:00:00");
    RS_CHECK_EQ_STR(info->reel, "A001");
    rs_media_info_free(&info);
}

static void test_prores(void)
{
    char mov[320];
    snprintf(mov, sizeof(mov), "%s/out.mov", dir);
    RsCleanJob job;
    job_for(&job, mov);
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), 0);
    RsMediaInfo *info;
    RS_CHECK_EQ_INT(rs_media_probe(mov, &info), 0);
    if (!info)
        return;
    const RsVideoInfo *v = &info->video[0];
    RS_CHECK_EQ_STR(v->codec, "prores");
    RS_CHECK_EQ_STR(v->pix_fmt, "yuv422p10le");
    RS_CHECK_EQ_STR(v->color_space, "bt2020nc");
    RS_CHECK_EQ_STR(v->color_primaries, "bt2020");
    RS_CHECK_EQ_STR(v->color_trc, "arib-std-b67");
    RS_CHECK_EQ_STR(info->start_timecode, "10:00:00:00");
    RS_CHECK_EQ_STR(info->reel, "A001");
    rs_media_info_free(&info);
    /* ProRes is not lossless, but at 10 bits outside the mask it stays within a few levels. */
    uint16_t *a = decode(out), *b = decode(mov);
    double diff = 0;
    long n = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++)
            if (!masks[t][i]) {
                diff += abs(a[(size_t)t * FRAME + i] - b[(size_t)t * FRAME + i]);
                n++;
            }
    printf("ProRes 422 HQ: mean luma difference outside the mask %.2f (10-bit levels)\n", diff / n);
    RS_CHECK(diff / n < 4);
    free(a);
    free(b);
    unlink(mov);
}

/* One picture decoded by FFmpeg: RGB as doubles in 0..1, W x H x 3. */
static int read_picture(const char *path, double *rgb)
{
    AVFormatContext *fmt = NULL;
    if (avformat_open_input(&fmt, path, NULL, NULL) < 0)
        return -1;
    int ret = avformat_find_stream_info(fmt, NULL);
    const AVCodec *codec = ret >= 0 ? avcodec_find_decoder(fmt->streams[0]->codecpar->codec_id) : NULL;
    AVCodecContext *c = codec ? avcodec_alloc_context3(codec) : NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    ret = c && pkt && f ? avcodec_parameters_to_context(c, fmt->streams[0]->codecpar) : -1;
    if (ret >= 0)
        ret = avcodec_open2(c, codec, NULL);
    if (ret >= 0)
        ret = av_read_frame(fmt, pkt);
    if (ret >= 0)
        ret = avcodec_send_packet(c, pkt);
    if (ret >= 0)
        ret = avcodec_receive_frame(c, f);
    if (ret >= 0 && (f->width != W || f->height != H))
        ret = -1;
    if (ret >= 0 && f->format == AV_PIX_FMT_RGB48BE) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int k = 0; k < 3; k++) {
                    const uint8_t *p = f->data[0] + y * f->linesize[0] + 6 * x + 2 * k;
                    rgb[(y * W + x) * 3 + k] = (p[0] << 8 | p[1]) / 65535.0;
                }
    } else if (ret >= 0 && f->format == AV_PIX_FMT_GBRPF32LE) {
        static const int plane_of[3] = { 2, 0, 1 }; /* R, G, B in planes 2, 0, 1 */
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int k = 0; k < 3; k++)
                    rgb[(y * W + x) * 3 + k] =
                        ((const float *)(f->data[plane_of[k]] + y * f->linesize[plane_of[k]]))[x];
    } else if (ret >= 0) {
        printf("%s: unexpected pixel format %d\n", path, f->format);
        ret = -1;
    }
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&c);
    avformat_close_input(&fmt);
    return ret < 0 ? -1 : 0;
}

/*
 * The reference: BT.2020 non-constant luminance (Kr 0.2627, Kb 0.0593),
 * limited range 10-bit (Y 64..940, C 64..960 around 512), chroma taken from
 * the left sample for even columns and the mean of both neighbours for odd
 * ones (top-left siting).
 */
static void reference_rgb(const uint16_t *f, int x, int y, double rgb[3])
{
    const uint16_t *u = f + W * H, *v = u + CW * H;
    const int cx = x / 2, nx = cx + 1 < CW ? cx + 1 : cx;
    double cb = x & 1 ? (u[y * CW + cx] + u[y * CW + nx]) / 2.0 : u[y * CW + cx];
    double cr = x & 1 ? (v[y * CW + cx] + v[y * CW + nx]) / 2.0 : v[y * CW + cx];
    const double yy = (f[y * W + x] - 64) / 876.0, pb = (cb - 512) / 896.0, pr = (cr - 512) / 896.0;
    const double kr = 0.2627, kb = 0.0593, kg = 1 - kr - kb;
    double r = yy + 2 * (1 - kr) * pr, b = yy + 2 * (1 - kb) * pb;
    double g = (yy - kr * r - kb * b) / kg;
    rgb[0] = r < 0 ? 0 : r > 1 ? 1 : r;
    rgb[1] = g < 0 ? 0 : g > 1 ? 1 : g;
    rgb[2] = b < 0 ? 0 : b > 1 ? 1 : b;
}

/*
 * Tolerances, of full scale: PNG16 within one 16-bit step (1.5e-5) at worst;
 * EXR within half-float rounding (2^-11 relative: 4.9e-4 near 1.0).
 */
static void check_sequence(const char *ext, double max_tol, double mean_tol)
{
    char pattern[320], path[400];
    snprintf(pattern, sizeof(pattern), "%s/seq_%%06d.%s", dir, ext);
    RsCleanJob job;
    job_for(&job, pattern);
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), 0);
    uint16_t *ref = decode(out);
    double *rgb = malloc(sizeof(double) * W * H * 3), worst = 0, sum = 0;
    long n = 0;
    for (int t = 0; t < N; t++) {
        snprintf(path, sizeof(path), "%s/seq_%06d.%s", dir, t, ext);
        RS_CHECK_EQ_INT(read_picture(path, rgb), 0);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double want[3];
                reference_rgb(ref + (size_t)t * FRAME, x, y, want);
                for (int k = 0; k < 3; k++) {
                    double d = fabs(rgb[(y * W + x) * 3 + k] - want[k]);
                    worst = d > worst ? d : worst;
                    sum += d;
                    n++;
                }
            }
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/seq_%06d.%s", dir, N, ext);
    RS_CHECK(access(path, F_OK) < 0);
    snprintf(path, sizeof(path), "%s.manifest.json", pattern);
    RS_CHECK(access(path, F_OK) == 0);
    unlink(path);
    printf("%s: largest difference from the reference conversion %.5f, mean %.6f (of 1.0)\n", ext, worst, sum / n);
    fflush(stdout);
    RS_CHECK(worst < max_tol);
    RS_CHECK(sum / n < mean_tol);
    free(rgb);
    free(ref);
}

static void test_png16(void)
{
    check_sequence("png", 2e-5, 1e-5);
}

static void test_exr(void)
{
    check_sequence("exr", 6e-4, 3e-4);
}

static void expect_refused(const char *output, int code, const char *text)
{
    RsCleanJob job;
    job_for(&job, output);
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), code);
    RS_CHECK_CONTAINS(rs_error_message(), output);
    RS_CHECK_CONTAINS(rs_error_message(), text);
}

static void test_bad_outputs(void)
{
    char path[320];
    snprintf(path, sizeof(path), "%s/still.png", dir);
    expect_refused(path, RS_EINVAL, "frame number");
    snprintf(path, sizeof(path), "%s/out.avi", dir);
    expect_refused(path, RS_EINVAL, "name_%06d.exr");
    snprintf(path, sizeof(path), "%s/missing/out_%%04d.exr", dir);
    expect_refused(path, RS_ENOENT, "does not exist");
    snprintf(path, sizeof(path), "%s/missing/out.mkv", dir);
    expect_refused(path, RS_ENOENT, "does not exist");
    /* root writes anywhere: the permission check can only fail for others. */
    if (geteuid()) {
        snprintf(path, sizeof(path), "%s/ro", dir);
        mkdir(path, 0555);
        snprintf(path, sizeof(path), "%s/ro/out_%%06d.png", dir);
        expect_refused(path, RS_EACCES, "not writable");
        snprintf(path, sizeof(path), "%s/ro", dir);
        rmdir(path);
    }
    RsCleanJob job;
    job_for(&job, out);
    job.codec = "prores";
    snprintf(path, sizeof(path), "%s/p_%%06d.png", dir);
    job.output = path;
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "cannot write .png");
    /* The memory limit: 6 frames of 96x64 10-bit 4:2:2 are about 150 kB. */
    job_for(&job, out);
    job.max_memory = 100000;
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), RS_ERANGE);
    RS_CHECK_CONTAINS(rs_error_message(), "max memory");
    RS_CHECK_CONTAINS(rs_error_message(), "10-bit 4:2:2");
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/rs_clean_output_%d", (int)getpid());
    mkdir(dir, 0755);
    snprintf(src, sizeof(src), "%s/src.mkv", dir);
    snprintf(mask, sizeof(mask), "%s/mask.json", dir);
    snprintf(out, sizeof(out), "%s/out.mkv", dir);
    RS_RUN(test_ffv1);
    RS_RUN(test_prores);
    RS_RUN(test_png16);
    RS_RUN(test_exr);
    RS_RUN(test_bad_outputs);
    char path[320];
    const char *left[] = { "src.mkv", "mask.json", "out.mkv", "out.mkv.manifest.json", "out.mov.manifest.json" };
    for (unsigned i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, left[i]);
        unlink(path);
    }
    rmdir(dir);
    return rs_test_end();
}
