/*
 * The fill on generated shots whose background is known: a textured
 * background pans behind a moving object (the background shows in other
 * frames: temporal fill), and a still camera on a still object (no frame
 * shows it: synthesis, then carried unchanged, also when sensor noise and
 * something passing nearby move the flow a little). Pixels outside the mask
 * must come out bit-identical.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "cleanup_fixtures.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"

#define W 96
#define H 64
#define N 10
#define CW (W / 2)
#define CH (H / 2)

typedef struct Shot {
    uint8_t y[N][W * H], u[N][CW * CH], v[N][CW * CH];
    uint8_t truth[N][W * H];
    uint8_t mask[N][W * H];
    RsCleanFrame f[N];
} Shot;

/* pan: background motion per frame; ox, ovx: the object's x and speed. */
static void make_shot(Shot *s, double pan, int ox, int ovx)
{
    for (int t = 0; t < N; t++) {
        const int x0 = ox + ovx * t, y0 = 20, side = 16;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                uint8_t bg = fx_clip(fx_texture(x - pan * t, y));
                s->truth[t][y * W + x] = bg;
                int in = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
                s->y[t][y * W + x] = in ? (uint8_t)(30 + ((x + y) & 7) * 4) : bg;
                /* The mask covers the object with a margin, as a roto artist draws it. */
                s->mask[t][y * W + x] = x >= x0 - 2 && x < x0 + side + 2 && y >= y0 - 2 && y < y0 + side + 2;
            }
        for (int y = 0; y < CH; y++)
            for (int x = 0; x < CW; x++) {
                s->u[t][y * CW + x] = fx_clip(0.5 * fx_texture(2 * x - pan * t + 40, 2 * y) + 64);
                s->v[t][y * CW + x] = fx_clip(0.5 * fx_texture(2 * x - pan * t, 2 * y + 30) + 64);
            }
        s->f[t] = (RsCleanFrame){ { s->y[t], s->u[t], s->v[t] }, { W, CW, CW }, s->mask[t], W };
    }
}

/* Every sample outside the (chroma-covering) mask equal to before. */
static int outside_identical(const Shot *a, const Shot *b)
{
    for (int t = 0; t < N; t++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                if (!a->mask[t][y * W + x] && a->y[t][y * W + x] != b->y[t][y * W + x])
                    return 0;
                int cm = 0;
                for (int k = 0; k < 4; k++)
                    cm |= a->mask[t][(2 * (y / 2) + k / 2) * W + 2 * (x / 2) + k % 2];
                if (!cm && (a->u[t][(y / 2) * CW + x / 2] != b->u[t][(y / 2) * CW + x / 2] ||
                            a->v[t][(y / 2) * CW + x / 2] != b->v[t][(y / 2) * CW + x / 2]))
                    return 0;
            }
    return 1;
}

static double psnr_in_mask(const Shot *s)
{
    double se = 0;
    long n = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++)
            if (s->mask[t][i]) {
                double d = s->y[t][i] - s->truth[t][i];
                se += d * d;
                n++;
            }
    return 10 * log10(255.0 * 255.0 / (se / n + 1e-9));
}

static void test_moving_object(void)
{
    static Shot s, before;
    make_shot(&s, 1.5, 10, 5);
    before = s;
    RsCleanStats st;
    RS_CHECK_EQ_INT(rs_clean_frames(s.f, N, W, H, 1, 1, NULL, &st), 0);
    double psnr = psnr_in_mask(&s), psnr_before = psnr_in_mask(&before);
    printf("moving object: PSNR in mask %.2f dB (object left in: %.2f dB); %lld masked, %lld from "
           "other frames, %lld carried, %lld synthesised\n", psnr, psnr_before, (long long)st.masked,
           (long long)st.from_time, (long long)st.carried, (long long)st.synthesised);
    fflush(stdout);
    RS_CHECK(outside_identical(&s, &before));
    RS_CHECK(psnr > 38);
    RS_CHECK(st.from_time > st.masked * 9 / 10);
    RS_CHECK(st.masked == 20 * 20 * N);
}

static void test_still_object(void)
{
    static Shot s, before;
    make_shot(&s, 0, 40, 0);
    before = s;
    RsCleanStats st;
    RS_CHECK_EQ_INT(rs_clean_frames(s.f, N, W, H, 1, 1, NULL, &st), 0);
    printf("still object: PSNR in mask %.2f dB; %lld synthesised, %lld carried\n", psnr_in_mask(&s),
           (long long)st.synthesised, (long long)st.carried);
    fflush(stdout);
    RS_CHECK(outside_identical(&s, &before));
    /* Only the first frame is synthesised; the others carry it, so the fill does not flicker. */
    RS_CHECK_EQ_INT(st.synthesised, 20 * 20);
    RS_CHECK_EQ_INT(st.carried, 20 * 20 * (N - 1));
    int same = 1;
    for (int t = 1; t < N; t++)
        same &= !memcmp(s.y[t], s.y[0], sizeof(s.y[0]));
    RS_CHECK(same);
    /* Nothing of the dark object is left: the fill is background-like. */
    int dark = 0;
    for (int i = 0; i < W * H; i++)
        dark += s.mask[0][i] && s.y[0][i] < 40 && s.truth[0][i] > 70;
    RS_CHECK(dark < 20);
}

/*
 * A still camera with sensor noise, a still object masked wide, and a car
 * passing beside the mask: no frame shows the background under it, so the
 * deep fill is carried from frame to frame. The flow completed over the hole
 * is then a little off zero (the noise and the car pull on it); carried along
 * it, the fill would creep and blur with nothing in the picture moving. It
 * must stay put.
 */
static void test_still_noisy(void)
{
    static Shot s;
    make_shot(&s, 0, 40, 0);
    uint32_t seed = 12345;
    for (int t = 0; t < N; t++) {
        const int cx = 4 + 8 * t;   /* the car, 12 x 8, passing under the mask */
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                seed = seed * 1664525u + 1013904223u;
                const int noise = (int)(seed >> 29) - 4 + ((seed >> 28) & 1);
                const int car = x >= cx && x < cx + 12 && y >= 48 && y < 56;
                s.y[t][y * W + x] = car ? (uint8_t)(200 - ((x - cx) & 3) * 20) : fx_clip(s.truth[t][y * W + x] + noise);
                s.mask[t][y * W + x] = x >= 30 && x < 70 && y >= 12 && y < 44;
            }
    }
    RsCleanStats st;
    RS_CHECK_EQ_INT(rs_clean_frames(s.f, N, W, H, 1, 1, NULL, &st), 0);
    /* Deep inside the mask (6 pixels from its edge) every frame's fill is the first frame's. */
    int moved = 0;
    for (int t = 1; t < N; t++)
        for (int y = 18; y < 38; y++)
            for (int x = 36; x < 64; x++)
                moved += s.y[t][y * W + x] != s.y[0][y * W + x];
    printf("still noisy camera: %lld carried, %lld synthesised, %d deep samples moved\n", (long long)st.carried,
           (long long)st.synthesised, moved);
    fflush(stdout);
    RS_CHECK(st.carried > 0);
    RS_CHECK_EQ_INT(moved, 0);
}

/* The flows run on worker threads; the output must not depend on how many. */
static void test_threads(void)
{
    static Shot a, b;
    make_shot(&a, 1.5, 10, 5);
    make_shot(&b, 1.5, 10, 5);
    RsCleanSettings s;
    rs_clean_default_settings(&s);
    s.threads = 1;
    RS_CHECK_EQ_INT(rs_clean_frames(a.f, N, W, H, 1, 1, &s, NULL), 0);
    s.threads = 3;
    RS_CHECK_EQ_INT(rs_clean_frames(b.f, N, W, H, 1, 1, &s, NULL), 0);
    RS_CHECK(!memcmp(a.y, b.y, sizeof(a.y)) && !memcmp(a.u, b.u, sizeof(a.u)) && !memcmp(a.v, b.v, sizeof(a.v)));
}

/* Masked whole with nothing to carry from: left as it was, and said so. */
static void test_whole_frame(void)
{
    static Shot s, before;
    make_shot(&s, 0, 40, 0);
    memset(s.mask, 1, sizeof(s.mask));
    before = s;
    RsCleanStats st;
    RS_CHECK_EQ_INT(rs_clean_frames(s.f, N, W, H, 1, 1, NULL, &st), 0);
    RS_CHECK_EQ_INT(st.unfilled, W * H);
    RS_CHECK_EQ_INT(st.synthesised, 0);
    RS_CHECK_EQ_INT(st.carried, W * H * (N - 1));
    RS_CHECK(!memcmp(s.y[0], before.y[0], sizeof(s.y[0])));
}

static void test_errors(void)
{
    static Shot s;
    make_shot(&s, 0, 40, 0);
    RsCleanSettings set;
    rs_clean_default_settings(&set);
    set.patch_size = 4;
    RS_CHECK_EQ_INT(rs_clean_frames(s.f, N, W, H, 1, 1, &set, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "patch_size 4");
    RS_CHECK_EQ_INT(rs_clean_frames(s.f, N, 4, H, 1, 1, NULL, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "4x64");
}

int main(void)
{
    RS_RUN(test_moving_object);
    RS_RUN(test_still_object);
    RS_RUN(test_still_noisy);
    RS_RUN(test_threads);
    RS_RUN(test_whole_frame);
    RS_RUN(test_errors);
    return rs_test_end();
}
