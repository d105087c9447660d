/*
 * Odd sizes: a 97x65 shot, 8-bit 4:2:0 (chroma 49x33) and 10-bit 4:2:2
 * (chroma 49x65), cleaned under a box into FFV1, whole and in windows:
 * every sample outside the mask (a chroma sample is outside when no luma
 * pixel it covers is masked) decodes to the source's, bit for bit, and the
 * review, the pictures and ProRes 4444 keep the size. ProRes 422, which
 * cannot hold an odd width, is refused before decoding, naming the file,
 * the size and the codec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rs_test.h"
#include "cleanup_fixtures.h"
#include "decode_frames.h"
#include "rushes/cleanup.h"
#include "rushes/encode.h"
#include "rushes/error.h"
#include "rushes/media.h"
#include "write_clip.h"

#define W 97
#define H 65
#define N 16

static char src[256], mask[256], out[256], review[256], pics[256], mov[256];
static int pid;

/* Samples of the frame at (x, y) of plane p: the texture panning, a dark box going right. */
static int sample(int t, int p, int x, int y, int sx, int sy, int depth)
{
    const int bx = 20 + 3 * t, lx = x << sx, ly = y << sy;
    const int box = lx >= bx && lx < bx + 12 && ly >= 24 && ly < 40;
    double v = p ? 128 + 0.3 * (fx_texture(lx + 7 * p - 0.7 * t, ly) - 128) : fx_texture(lx - 0.7 * t, ly);
    if (box)
        v = p ? 100 : 30;
    const int s = fx_clip(v) << (depth - 8);
    /* Below 8 bits too, so that a 10-bit path that dropped them would show. */
    return depth > 8 ? s + ((x * 3 + y + t) & ((1 << (depth - 8)) - 1)) : s;
}

static void fill(int t, int p, const FxPlane *pl, void *opaque)
{
    (void)opaque;
    for (int y = 0; y < pl->h; y++)
        for (int x = 0; x < pl->w; x++)
            fx_put(pl, x, y, sample(t, p, x, y, pl->sx, pl->sy, pl->depth));
}

static void make_source(int lcw, int lch, int depth)
{
    const FxClipFormat f = { "ffv1", W, H, lcw, lch, depth, { 24, 1 }, NULL };
    fx_write_planes(src, &f, N, fill, NULL);
}

static int clean_profile(const char *output, int max_frames, const char *rev, int prores_profile)
{
    RsCleanJob job;
    rs_clean_job_default(&job);
    job.input = src;
    job.mask = mask;
    job.output = output;
    job.review = rev;
    job.max_frames = max_frames;
    job.fill.threads = 2;
    job.fill.max_distance = 2;
    job.prores_profile = prores_profile;
    return rs_clean_file(&job, NULL);
}

static int clean(const char *output, int max_frames, const char *rev)
{
    return clean_profile(output, max_frames, rev, 0);
}

/* Whether path opens with a first picture of W x H. */
static int size_ok(const char *path)
{
    RsDecoder *d = NULL;
    const RsMediaInfo *info = NULL;
    RS_CHECK_EQ_INT(rs_decoder_open(&d, path, NULL, &info), 0);
    const int ok = info && info->nb_video && info->video[0].width == W && info->video[0].height == H;
    rs_decoder_close(&d);
    return ok;
}

/* Samples outside the mask that differ from the source, and samples inside that do. */
static void compare(int lcw, int lch, int depth, long *outside, long *inside)
{
    const int cw = (W + (1 << lcw) - 1) >> lcw, ch = (H + (1 << lch) - 1) >> lch, bps = depth > 8 ? 2 : 1;
    const size_t fs = ((size_t)W * H + 2 * (size_t)cw * ch) * bps;
    uint8_t *a = fx_decode_frames(src, N, W, H, lcw, lch, depth, NULL, NULL);
    uint8_t *b = fx_decode_frames(out, N, W, H, lcw, lch, depth, NULL, NULL);
    uint8_t *m = malloc((size_t)W * H), *cm = malloc((size_t)cw * ch);
    RsMask *mk;
    RS_CHECK_EQ_INT(rs_mask_open(&mk, mask, W, H), 0);
    *outside = *inside = 0;
    for (int t = 0; t < N && mk; t++) {
        RS_CHECK_EQ_INT(rs_mask_render(mk, t, m, W), 0);
        memset(cm, 0, (size_t)cw * ch);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                cm[(y >> lch) * cw + (x >> lcw)] |= m[y * W + x];
        const uint8_t *fa = a + fs * t, *fb = b + fs * t;
        for (int p = 0; p < 3; p++) {
            const int pw = p ? cw : W, ph = p ? ch : H;
            const size_t off = p ? ((size_t)W * H + (size_t)(p - 1) * cw * ch) * bps : 0;
            for (int i = 0; i < pw * ph; i++) {
                const int diff = memcmp(fa + off + (size_t)i * bps, fb + off + (size_t)i * bps, bps) != 0;
                if ((p ? cm : m)[i])
                    *inside += diff;
                else
                    *outside += diff;
            }
        }
    }
    rs_mask_close(&mk);
    free(cm);
    free(m);
    free(a);
    free(b);
}

static void test_layout(int lcw, int lch, int depth)
{
    make_source(lcw, lch, depth);
    long outside, inside;
    RS_CHECK_EQ_INT(clean(out, 900, review), 0);
    compare(lcw, lch, depth, &outside, &inside);
    printf("%dx%d %d-bit %s, whole: %ld samples differ outside the mask, %ld inside\n", W, H, depth,
           lch ? "4:2:0" : "4:2:2", outside, inside);
    RS_CHECK(outside == 0 && inside > 0);
    /* The review keeps the size and the layout, at 8 bits. */
    uint8_t *r = fx_decode_frames(review, N, W, H, lcw, lch, 8, NULL, NULL);
    free(r);
    RS_CHECK_EQ_INT(clean(out, 8, NULL), 0);
    compare(lcw, lch, depth, &outside, &inside);
    printf("  in windows of 8: %ld outside, %ld inside\n", outside, inside);
    RS_CHECK(outside == 0 && inside > 0);
}

static void test_420_8(void)
{
    test_layout(1, 1, 8);
}

static void test_422_10(void)
{
    test_layout(1, 0, 10);
}

static void test_pictures_and_prores(void)
{
    make_source(1, 1, 8);
    RS_CHECK_EQ_INT(clean(pics, 900, NULL), 0);
    char first[300];
    snprintf(first, sizeof(first), "/tmp/rs_odd_pic_%d_000.png", pid);
    RS_CHECK(size_ok(first));
    RS_CHECK_EQ_INT(clean(mov, 900, NULL), RS_EUNSUP);
    const char *msg = rs_error_message();
    RS_CHECK_CONTAINS(msg, src);
    RS_CHECK_CONTAINS(msg, "97x65");
    RS_CHECK_CONTAINS(msg, "ProRes 422");
    RS_CHECK(access(mov, F_OK) != 0);
    /* 4:4:4 ProRes holds it. */
    RS_CHECK_EQ_INT(clean_profile(mov, 900, NULL, 4), 0);
    RS_CHECK(size_ok(mov));
}

/* The writer's own checks: which codecs take which odd sides. */
static void test_encoder_sizes(void)
{
    static const struct {
        const char *codec;
        int w, h, profile, ok;
    } c[] = {
        { "ffv1", 97, 65, 0, 1 }, { "prores_ks", 96, 65, 3, 1 }, { "prores_ks", 97, 64, 4, 1 },
        { "prores_ks", 97, 64, 3, 0 }, { "libx264", 97, 64, 0, 0 }, { "libx264", 96, 65, 0, 0 },
    };
    char path[300];
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        snprintf(path, sizeof(path), "/tmp/rs_odd_enc_%d_%zu.%s", pid, i, strcmp(c[i].codec, "ffv1") ? "mov" : "mkv");
        RsEncoderSettings s;
        rs_encoder_default_settings(&s);
        s.video_codec = c[i].codec;
        s.width = c[i].w;
        s.height = c[i].h;
        s.prores_profile = c[i].profile;
        s.chroma = c[i].profile == 4 ? 444 : 420;
        RsEncoder *e = NULL;
        const int ret = rs_encoder_open(&e, path, &s);
        if (c[i].ok) {
            RS_CHECK_EQ_INT(ret, 0);
        } else {
            RS_CHECK_EQ_INT(ret, RS_EINVAL);
            RS_CHECK_CONTAINS(rs_error_message(), path);
            RS_CHECK_CONTAINS(rs_error_message(), c[i].codec);
        }
        if (e)
            RS_CHECK_EQ_INT(rs_encoder_close(&e), 0);
        unlink(path);
    }
}

int main(void)
{
    pid = (int)getpid();
    snprintf(src, sizeof(src), "/tmp/rs_odd_src_%d.mkv", pid);
    snprintf(mask, sizeof(mask), "/tmp/rs_odd_mask_%d.json", pid);
    snprintf(out, sizeof(out), "/tmp/rs_odd_out_%d.mkv", pid);
    snprintf(review, sizeof(review), "/tmp/rs_odd_review_%d.mkv", pid);
    snprintf(pics, sizeof(pics), "/tmp/rs_odd_pic_%d_%%03d.png", pid);
    snprintf(mov, sizeof(mov), "/tmp/rs_odd_out_%d.mov", pid);
    FILE *f = fopen(mask, "w");
    /* A box following the dark one, with odd corners so that chroma samples straddle its edges. */
    fprintf(f, "{ \"shapes\": [ { \"type\": \"rect\", \"keys\": [ { \"frame\": 0, \"rect\": [19, 23, 15, 19] }, "
               "{ \"frame\": %d, \"rect\": [%d, 23, 15, 19] } ] } ] }", N - 1, 19 + 3 * (N - 1));
    fclose(f);
    RS_RUN(test_420_8);
    RS_RUN(test_422_10);
    RS_RUN(test_pictures_and_prores);
    RS_RUN(test_encoder_sizes);
    char m[320];
    for (int t = 0; t < N; t++) {
        snprintf(m, sizeof(m), "/tmp/rs_odd_pic_%d_%03d.png", pid, t);
        unlink(m);
    }
    const char *files[] = { src, mask, out, review, pics, mov };
    for (int i = 0; i < 6; i++) {
        snprintf(m, sizeof(m), "%s.manifest.json", files[i]);
        unlink(m);
        unlink(files[i]);
    }
    return rs_test_end();
}
