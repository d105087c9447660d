/*
 * Dust: specks on single frames of a panning shot are found and repaired
 * from the neighbours, while a small object moving fast through every frame
 * (real motion) is left alone; the masks do not depend on the threads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "cleanup/flow_cache.h"
#include "cleanup_fixtures.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"

#define W 96
#define H 64
#define N 7
#define CW (W / 2)
#define CH (H / 2)

static uint8_t y[N][W * H], u[N][CW * CH], v[N][CW * CH], truth[N][W * H], mask[N][W * H];
static uint8_t is_dust[N][W * H], is_object[N][W * H];

static void speck(int t, int x0, int y0, uint8_t value)
{
    for (int r = y0; r < y0 + 3; r++)
        for (int x = x0; x < x0 + 3; x++) {
            y[t][r * W + x] = value;
            is_dust[t][r * W + x] = 1;
        }
}

static void make(void)
{
    for (int t = 0; t < N; t++) {
        for (int r = 0; r < H; r++)
            for (int x = 0; x < W; x++) {
                uint8_t bg = fx_clip(fx_texture(x - 2.0 * t, r));
                int obj = x >= 5 + 11 * t && x < 15 + 11 * t && r >= 40 && r < 50;
                truth[t][r * W + x] = y[t][r * W + x] = obj ? (uint8_t)(235 - ((x + r) & 3) * 10) : bg;
                is_object[t][r * W + x] = (uint8_t)obj;
            }
        memset(u[t], 128, sizeof(u[t]));
        memset(v[t], 128, sizeof(v[t]));
    }
    speck(3, 20, 10, 250);
    speck(3, 60, 25, 5);
    speck(2, 40, 15, 250);
    speck(4, 70, 8, 5);
}

static void test_dust(void)
{
    make();
    RsCleanFrame f[N];
    uint8_t *m[N];
    for (int t = 0; t < N; t++) {
        f[t] = (RsCleanFrame){ { y[t], u[t], v[t] }, { W, CW, CW }, mask[t], W };
        m[t] = mask[t];
    }
    int64_t found = 0;
    RS_CHECK_EQ_INT(rs_dust_detect(f, N, W, H, 24, m, W, &found), 0);
    int dust = 0, caught = 0, object_hits = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++) {
            dust += is_dust[t][i];
            caught += is_dust[t][i] && mask[t][i];
            object_hits += is_object[t][i] && mask[t][i];
        }
    printf("dust: %d of %d speck pixels masked, %d object pixels masked, %lld flagged\n", caught, dust,
           object_hits, (long long)found);
    fflush(stdout);
    RS_CHECK(caught == dust);
    RS_CHECK_EQ_INT(object_hits, 0);
    RS_CHECK_EQ_INT(rs_clean_frames(f, N, W, H, 1, 1, NULL, NULL), 0);
    double err = 0;
    int object_changed = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++) {
            if (is_dust[t][i])
                err += abs(y[t][i] - truth[t][i]);
            object_changed += is_object[t][i] && y[t][i] != truth[t][i];
        }
    printf("repair: mean error %.2f on speck pixels\n", err / dust);
    RS_CHECK(err / dust < 6);
    RS_CHECK_EQ_INT(object_changed, 0);
    RS_CHECK_EQ_INT(rs_dust_detect(f, N, W, H, 0, m, W, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "threshold 0");
}

/*
 * Frames are decided on several threads: the masks are the same on one
 * thread and on three, with the flows computed per frame or taken from a
 * cache; a frame of another depth is refused, naming it.
 */
static void test_threads(void)
{
    make();
    RsCleanFrame f[N];
    static uint8_t ms[4][N][W * H];
    uint8_t *m[4][N];
    for (int t = 0; t < N; t++) {
        f[t] = (RsCleanFrame){ { y[t], u[t], v[t] }, { W, CW, CW }, mask[t], W };
        for (int k = 0; k < 4; k++)
            m[k][t] = ms[k][t];
    }
    RsFlowSettings fs;
    rs_flow_default_settings(&fs);
    int64_t found[4] = { 0 };
    RS_CHECK_EQ_INT(rs_dust_detect(f, N, W, H, 24, m[0], W, &found[0]), 0);
    for (int k = 1; k < 4; k++) {
        RsFlowCache cache;
        RS_CHECK_EQ_INT(rs_flow_cache_init(&cache, f, N, W, H, &fs, k == 1 ? 1 : 3), 0);
        RS_CHECK_EQ_INT(rs_dust_detect_cached(f, N, W, H, 24, m[k], W, &found[k], k < 3 ? &cache : NULL), 0);
        rs_flow_cache_free(&cache);
    }
    printf("threads: %lld %lld %lld %lld pixels flagged\n", (long long)found[0], (long long)found[1],
           (long long)found[2], (long long)found[3]);
    fflush(stdout);
    RS_CHECK(found[0] > 0);
    for (int k = 1; k < 4; k++) {
        RS_CHECK_EQ_INT(found[k], found[0]);
        RS_CHECK(!memcmp(ms[k], ms[0], sizeof(ms[0])));
    }
    f[4].bit_depth = 10;
    RS_CHECK_EQ_INT(rs_dust_detect(f, N, W, H, 24, m[0], W, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "frame 4 is 10-bit");
}

int main(void)
{
    RS_RUN(test_dust);
    RS_RUN(test_threads);
    return rs_test_end();
}
