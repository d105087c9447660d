/*
 * The clean job end to end on a generated H.264 shot: the FFV1 output keeps
 * every decoded pixel outside the mask bit-identical, changes the pixels
 * under it, keeps size, rate and timecode, and the manifest carries the
 * xxh64 of the input, the mask and the output.
 */
#include <glob.h>
#include <stdatomic.h>
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
#include "rushes/hash.h"
#include "rushes/media.h"

#define W 96
#define H 64
#define N 8

static char src[256], out[256], mask[256], manifest[300];

/* The texture panning 2 px a frame, a dark box crossing it 6 px a frame. */
static void luma(int t, uint8_t *y, void *opaque)
{
    for (int r = 0; r < H; r++)
        for (int x = 0; x < W; x++) {
            int obj = x >= 10 + 6 * t && x < 26 + 6 * t && r >= 20 && r < 36;
            y[r * W + x] = obj ? 20 : fx_clip(fx_texture(x - 2.0 * t, r));
        }
}

static void make_source(void)
{
    fx_write_clip(src, "libx264", W, H, N, (RsRational){ 25, 1 }, "01:02:03:04", luma, NULL);
    FILE *f = fopen(mask, "w");
    fputs("{ \"shapes\": [ { \"type\": \"rect\", \"keys\": [ { \"frame\": 0, \"rect\": [8, 18, 20, 20] },"
          " { \"frame\": 7, \"rect\": [50, 18, 20, 20] } ] } ] }", f);
    fclose(f);
}

/* Decode all frames of path: Y, Cb, Cr of N frames back to back. */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = calloc(1, 1 << 16);
    fread(b, 1, (1 << 16) - 1, f);
    fclose(f);
    return b;
}

static void test_job(void)
{
    make_source();
    RsCleanJob job;
    rs_clean_job_default(&job);
    job.input = src;
    job.mask = mask;
    job.output = out;
    RsCleanStats st;
    RS_CHECK_EQ_INT(rs_clean_file(&job, &st), 0);
    RS_CHECK(st.masked == 20 * 20 * N);
    char tca[16], tcb[16];
    RsRational ra, rb;
    uint8_t *a = fx_decode_frames(src, N, W, H, 1, 1, 8, tca, &ra), *b = fx_decode_frames(out, N, W, H, 1, 1, 8, tcb, &rb);
    RS_CHECK_EQ_STR(tcb, "01:02:03:04");
    RS_CHECK(rb.num == 25 && rb.den == 1);
    RsMask *m;
    static uint8_t mk[W * H];
    RS_CHECK_EQ_INT(rs_mask_open(&m, mask, W, H), 0);
    long outside_diff = 0, inside_diff = 0;
    double err = 0;
    for (int t = 0; t < N && m; t++) {
        RS_CHECK_EQ_INT(rs_mask_render(m, t, mk, W), 0);
        const uint8_t *fa = a + (size_t)t * W * H * 3 / 2, *fb = b + (size_t)t * W * H * 3 / 2;
        for (int i = 0; i < W * H; i++) {
            if (!mk[i])
                outside_diff += fa[i] != fb[i];
            else {
                inside_diff += fa[i] != fb[i];
                err += abs(fb[i] - fx_clip(fx_texture(i % W - 2.0 * t, i / W)));
            }
        }
        for (int p = 1; p < 3; p++)
            for (int r = 0; r < H / 2; r++)
                for (int x = 0; x < W / 2; x++) {
                    int cov = mk[2 * r * W + 2 * x] | mk[2 * r * W + 2 * x + 1] | mk[(2 * r + 1) * W + 2 * x] |
                              mk[(2 * r + 1) * W + 2 * x + 1];
                    size_t i = W * H + (size_t)(p - 1) * W * H / 4 + (size_t)r * W / 2 + x;
                    if (!cov)
                        outside_diff += fa[i] != fb[i];
                }
    }
    rs_mask_close(&m);
    err /= 20 * 20 * N;
    printf("outside the mask: %ld samples differ; inside: %ld of %d changed, mean error %.2f against the "
           "background\n", outside_diff, inside_diff, 20 * 20 * N, err);
    fflush(stdout);
    RS_CHECK_EQ_INT(outside_diff, 0);
    RS_CHECK(inside_diff > 20 * 20 * N / 4);
    /* The object was 20 on a background around 128: its removal brings the error near the codec's. */
    RS_CHECK(err < 6);
    free(a);
    free(b);
    /* The manifest names the three files with their hashes. */
    char *text = read_all(manifest);
    char hex[RS_HASH_HEX_MAX];
    RS_CHECK(text != NULL);
    RS_CHECK_EQ_INT(rs_hash_file(src, RS_HASH_XXH64, hex, NULL), 0);
    RS_CHECK_CONTAINS(text, hex);
    RS_CHECK_EQ_INT(rs_hash_file(mask, RS_HASH_XXH64, hex, NULL), 0);
    RS_CHECK_CONTAINS(text, hex);
    RS_CHECK_EQ_INT(rs_hash_file(out, RS_HASH_XXH64, hex, NULL), 0);
    RS_CHECK_CONTAINS(text, hex);
    RS_CHECK_CONTAINS(text, "\"version\"");
    RS_CHECK_CONTAINS(text, "\"signature\": null");
    free(text);
}

static void test_errors(void)
{
    RsCleanJob job;
    rs_clean_job_default(&job);
    job.input = src;
    job.mask = mask;
    job.output = "/tmp/x.mp4";
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "/tmp/x.mp4");
    job.output = out;
    job.max_frames = 3;
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), RS_ERANGE);
    RS_CHECK_CONTAINS(rs_error_message(), "more than 3 frames");
    job.max_frames = 100;
    job.mask = "/nonexistent.json";
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), RS_ENOENT);
    RS_CHECK_CONTAINS(rs_error_message(), "/nonexistent.json");
}

static atomic_int cancel_flag;

static void cancel_after_three(void *opaque, int64_t done, int64_t total)
{
    if (done >= 3)
        atomic_store(&cancel_flag, 1);
}

/* Whether a temporary output of this process is left in /tmp. */
static int temp_left(void)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "/tmp/.rushes-%d-*", (int)getpid());
    glob_t g;
    const int found = !glob(pat, 0, NULL, &g);
    if (found)
        globfree(&g);
    return found;
}

/*
 * A job cancelled part way (RsCleanSettings.cancel, as Ctrl-C sets it on the
 * command line) stops with RS_EINTR, writes no output and no manifest, and
 * leaves the file already at its output as it was; so does one cancelled
 * before it starts.
 */
static void test_cancel(void)
{
    unlink(manifest);
    RS_CHECK_EQ_INT(rs_test_write_text(out, "previous"), 0);
    RsCleanJob job;
    rs_clean_job_default(&job);
    job.input = src;
    job.mask = mask;
    job.output = out;
    job.fill.cancel = &cancel_flag;
    job.progress = cancel_after_three;
    atomic_store(&cancel_flag, 0);
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), RS_EINTR);
    RS_CHECK_CONTAINS(rs_error_message(), "cancelled");
    char got[16];
    RS_CHECK_EQ_STR(rs_test_read_text(out, got, sizeof(got)), "previous");
    RS_CHECK(access(manifest, F_OK) != 0);
    RS_CHECK(!temp_left());
    job.progress = NULL;
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), RS_EINTR);
    RS_CHECK(!temp_left());
    atomic_store(&cancel_flag, 0);
    RS_CHECK_EQ_INT(rs_clean_file(&job, NULL), 0);
    RS_CHECK(access(manifest, F_OK) == 0);
}

int main(void)
{
    int pid = (int)getpid();
    snprintf(src, sizeof(src), "/tmp/rs_clean_src_%d.mp4", pid);
    snprintf(out, sizeof(out), "/tmp/rs_clean_out_%d.mkv", pid);
    snprintf(mask, sizeof(mask), "/tmp/rs_clean_mask_%d.json", pid);
    snprintf(manifest, sizeof(manifest), "%s.manifest.json", out);
    RS_RUN(test_job);
    RS_RUN(test_errors);
    RS_RUN(test_cancel);
    unlink(src);
    unlink(out);
    unlink(mask);
    unlink(manifest);
    return rs_test_end();
}
