/*
 * The passes that once needed the whole shot, on a shot longer than a
 * window: a 60-frame generated FFV1 shot (96x64, a texture panning under
 * two vertical scratches that cross the windows' borders) cleaned with
 * --scratches, --mask-out and --review, whole and in windows of 24 frames.
 * The masks written, the review, the scratch count and the output are the
 * whole shot's; --track-only writes the same masks without filling; pixels
 * outside the mask stay the source's. Windows of 16 (a right context of 3
 * frames, under the 5 frames a scratch needs) show the documented
 * difference: a scratch that starts on the last frame a window writes is
 * masked from the next window on, and nothing else changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rs_test.h"
#include "cleanup_fixtures.h"
#include "write_clip.h"
#include "decode_frames.h"
#include "rushes/cleanup.h"
#include "rushes/encode.h"
#include "rushes/error.h"
#include "rushes/media.h"

#define W 96
#define H 64
#define N 60
#define FS (W * H * 3 / 2)

static char src[256], dir[4][256], review[4][256], out[256];

/* Coverage of column x by a line of the given width centred on c (anti-aliased). */
static double cover(int x, double c, double width)
{
    double a = fmax(x, c - width / 2), b = fmin(x + 1.0, c + width / 2);
    return b > a ? b - a : 0;
}

/* The scratches: first and last frame, centre, width, contrast. */
static const struct {
    int first, last;
    double x, width, contrast;
} scratch[] = {
    { 6, 50, 40.5, 1, 40 },     /* across three borders of the windows of 24 (18/19, 32/33, 46/47) */
    { 15, 29, 70.5, 2, -40 },   /* from four frames before the first border */
    { 32, 52, 20.5, 1, 40 },    /* from the last frame a window of 16 writes before 33 */
};

static void luma(int t, uint8_t *y, void *opaque)
{
    for (int r = 0; r < H; r++)
        for (int x = 0; x < W; x++) {
            /* The texture at 30 % of its amplitude, panning 1.6 px a frame (faster than a scratch
             * may drift, so that no line of the texture chains into one on this small picture)
             * up to frame 36, then still: the last window sees no motion under the first
             * scratch, and masks it only because the windows before took it. */
            double val = 128 + 0.3 * (fx_texture(x - 1.6 * (t < 36 ? t : 36), r) - 128);
            for (size_t k = 0; k < sizeof(scratch) / sizeof(scratch[0]); k++)
                if (t >= scratch[k].first && t <= scratch[k].last)
                    val += scratch[k].contrast * cover(x, scratch[k].x, scratch[k].width);
            y[r * W + x] = fx_clip(val);
        }
}

static void make_source(void)
{
    fx_write_clip(src, "ffv1", W, H, N, (RsRational){ 24, 1 }, NULL, luma, NULL);
}

static int clean(int k, int max_frames, int track_only, RsCleanStats *st)
{
    RsCleanJob job;
    rs_clean_job_default(&job);
    job.input = src;
    job.output = track_only ? NULL : out;
    job.scratches = 1;
    job.mask_out = dir[k];
    job.review = review[k];
    job.track_only = track_only;
    job.max_frames = max_frames;
    job.fill.threads = 2;
    /* Within the context of windows of 24, so that their fill is the whole shot's too; and quick. */
    job.fill.max_distance = 4;
    /* Without refining passes, whose reach would share out the context (test_clean_window). */
    job.fill.refine = 0;
    return rs_clean_file(&job, st);
}

/* The masks written into dir[k], N frames of W x H (1 = masked). */
static uint8_t *read_masks(int k)
{
    uint8_t *m = calloc(N, W * H);
    RsMask *mk;
    RS_CHECK_EQ_INT(rs_mask_open(&mk, dir[k], W, H), 0);
    for (int t = 0; t < N && mk; t++)
        RS_CHECK_EQ_INT(rs_mask_render(mk, t, m + (size_t)t * W * H, W), 0);
    rs_mask_close(&mk);
    return m;
}

/* Frames whose masks differ, as a bit set; *px receives the pixels that differ. */
static uint64_t frames_differing(const uint8_t *a, const uint8_t *b, long *px)
{
    uint64_t set = 0;
    *px = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++)
            if (!!a[(size_t)t * W * H + i] != !!b[(size_t)t * W * H + i]) {
                set |= (uint64_t)1 << t;
                (*px)++;
            }
    return set;
}

static long samples_differing(const uint8_t *a, const uint8_t *b, size_t n)
{
    long d = 0;
    for (size_t i = 0; i < n; i++)
        d += a[i] != b[i];
    return d;
}

static uint8_t *whole_masks, *whole_out, *source;

static void test_whole(void)
{
    RsCleanStats st;
    RS_CHECK_EQ_INT(clean(0, 900, 0, &st), 0);
    RS_CHECK(st.windows == 0 && st.held == N);
    printf("whole shot: %lld scratches, %lld scratch pixels\n", (long long)st.scratches,
           (long long)st.scratch_pixels);
    RS_CHECK_EQ_INT((int)st.scratches, 3);
    whole_masks = read_masks(0);
    whole_out = fx_decode_frames(out, N, W, H, 1, 1, 8, NULL, NULL);
    /* Every scratch is masked on every frame it is on: the comparisons below are not of empty masks. */
    for (size_t k = 0; k < sizeof(scratch) / sizeof(scratch[0]); k++)
        for (int t = scratch[k].first; t <= scratch[k].last; t++)
            RS_CHECK(whole_masks[(size_t)t * W * H + 32 * W + (int)scratch[k].x]);
    RS_CHECK(!whole_masks[(size_t)5 * W * H + 32 * W + 40] && !whole_masks[(size_t)53 * W * H + 32 * W + 40]);
}

/* Windows of 24 (right context 5): the whole shot's masks, review and count. */
static void test_windows(void)
{
    RsCleanStats st;
    RS_CHECK_EQ_INT(clean(1, 24, 0, &st), 0);
    RS_CHECK(st.windows == 4 && st.held <= 24);
    RS_CHECK_EQ_INT((int)st.scratches, 3);
    uint8_t *m = read_masks(1);
    long px;
    const uint64_t diff = frames_differing(whole_masks, m, &px);
    printf("windows of 24: %lld scratches, %ld mask pixels differ from the whole shot\n", (long long)st.scratches, px);
    RS_CHECK(diff == 0);
    uint8_t *ra = fx_decode_frames(review[0], N, W, H, 1, 1, 8, NULL, NULL);
    uint8_t *rb = fx_decode_frames(review[1], N, W, H, 1, 1, 8, NULL, NULL);
    RS_CHECK(samples_differing(ra, rb, (size_t)N * FS) == 0);
    /* Outside the mask the output is the source. */
    uint8_t *o = fx_decode_frames(out, N, W, H, 1, 1, 8, NULL, NULL);
    long outside = 0, inside = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++) {
            const size_t j = (size_t)t * FS + i;
            if (!m[(size_t)t * W * H + i])
                outside += o[j] != source[j];
            else
                inside += o[j] != source[j];
        }
    RS_CHECK(outside == 0 && inside > 0);
    /* max_distance 4 is within the context (5): the fill is the whole shot's too. */
    RS_CHECK(samples_differing(o, whole_out, (size_t)N * FS) == 0);
    free(o);
    free(ra);
    free(rb);
    free(m);
}

/* --track-only in windows: the same masks and review, no fill. */
static void test_track_only(void)
{
    RsCleanStats st;
    RS_CHECK_EQ_INT(clean(2, 24, 1, &st), 0);
    RS_CHECK(st.windows == 4 && st.masked == 0);
    RS_CHECK_EQ_INT((int)st.scratches, 3);
    uint8_t *m = read_masks(2);
    long px;
    RS_CHECK(frames_differing(whole_masks, m, &px) == 0);
    uint8_t *ra = fx_decode_frames(review[0], N, W, H, 1, 1, 8, NULL, NULL);
    uint8_t *rb = fx_decode_frames(review[2], N, W, H, 1, 1, 8, NULL, NULL);
    RS_CHECK(samples_differing(ra, rb, (size_t)N * FS) == 0);
    free(ra);
    free(rb);
    free(m);
}

/*
 * Windows of 16 (C = 3): the window writing frames 23..32 holds 20..35, so
 * the third scratch, from 32, shows on 4 frames there, under the 5 a
 * scratch needs: not taken. The next window (33..42 written) takes it:
 * frame 32 loses its mask of it, and no other frame changes.
 */
static void test_short_lookahead(void)
{
    RsCleanStats st;
    RS_CHECK_EQ_INT(clean(3, 16, 1, &st), 0);
    RS_CHECK(st.windows > 4 && st.held <= 16);
    uint8_t *m = read_masks(3);
    long px;
    const uint64_t diff = frames_differing(whole_masks, m, &px);
    printf("windows of 16: %lld scratches, frames differing %#llx, %ld pixels\n", (long long)st.scratches,
           (unsigned long long)diff, px);
    RS_CHECK(diff == (uint64_t)1 << 32);
    /* What differs is only missing there, over that scratch. */
    int x0 = W, x1 = -1;
    for (int i = 0; i < W * H; i++)
        if (whole_masks[(size_t)32 * W * H + i] != m[(size_t)32 * W * H + i]) {
            RS_CHECK(!m[(size_t)32 * W * H + i]);
            x0 = i % W < x0 ? i % W : x0;
            x1 = i % W > x1 ? i % W : x1;
        }
    printf("frame 32 lacks columns %d-%d\n", x0, x1);
    RS_CHECK(x0 >= 20 - 6 && x1 <= 20 + 6);
    RS_CHECK_EQ_INT((int)st.scratches, 3);
    free(m);
}

int main(void)
{
    int pid = (int)getpid();
    snprintf(src, sizeof(src), "/tmp/rs_lscr_src_%d.mkv", pid);
    snprintf(out, sizeof(out), "/tmp/rs_lscr_out_%d.mkv", pid);
    for (int k = 0; k < 4; k++) {
        snprintf(dir[k], sizeof(dir[k]), "/tmp/rs_lscr_masks%d_%d", k, pid);
        snprintf(review[k], sizeof(review[k]), "/tmp/rs_lscr_review%d_%d.mkv", k, pid);
    }
    make_source();
    source = fx_decode_frames(src, N, W, H, 1, 1, 8, NULL, NULL);
    RS_RUN(test_whole);
    RS_RUN(test_windows);
    RS_RUN(test_track_only);
    RS_RUN(test_short_lookahead);
    char m[1100];
    for (int k = 0; k < 4; k++) {
        for (int t = 0; t < N; t++) {
            snprintf(m, sizeof(m), "%s/mask_%06d.png", dir[k], t);
            unlink(m);
        }
        rmdir(dir[k]);
        unlink(review[k]);
    }
    unlink(src);
    unlink(out);
    snprintf(m, sizeof(m), "%s.manifest.json", out);
    unlink(m);
    free(whole_masks);
    free(whole_out);
    free(source);
    return rs_test_end();
}
