/*
 * Vertical line scratches: drawn over a panning textured picture, bright
 * and dark, 1 to 3 pixels wide, one drifting and one over part of the
 * height only. They are found and masked whole; a thin pole of the scene
 * (moving with the picture), a static step edge (a matte) and a thin pole on
 * a still picture are not. The fill then repairs the scratches.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "cleanup_fixtures.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"
#include "rushes/scratch.h"

#define W 192
#define H 128
#define N 12
#define CW (W / 2)
#define CH (H / 2)

static uint8_t y[N][W * H], u[N][CW * CH], v[N][CW * CH], truth[N][W * H], mask[N][W * H];
static uint8_t is_scratch[N][W * H], is_scene_line[N][W * H];

/* Coverage of pixel column x by a line of the given width centred on c (anti-aliased). */
static double cover(int x, double c, double width)
{
    double a = fmax(x, c - width / 2), b = fmin(x + 1.0, c + width / 2);
    return b > a ? b - a : 0;
}

static void scratch(int t, double c, double width, double contrast, int r0, int r1)
{
    for (int r = r0; r < r1; r++)
        for (int x = (int)(c - width) - 1; x <= (int)(c + width) + 1; x++) {
            double k = cover(x, c, width);
            if (k <= 0)
                continue;
            int i = r * W + x;
            y[t][i] = fx_clip(y[t][i] + k * contrast);
            is_scratch[t][i] |= k > 0.2;
        }
}

/* Gate weave: the picture (not the scratches) jitters by up to this many pixels across, frame by frame. */
static double weave;

static double weave_at(int t)
{
    static const double jitter[N] = { 0.1, -0.9, 0.6, -0.3, 1.0, -0.7, 0.2, 0.8, -1.0, 0.4, -0.5, 0.9 };
    return weave * jitter[t];
}

/* pan: pixels a frame the picture moves by; the pole is part of it. */
static void make(double pan, int with_scratches)
{
    memset(is_scratch, 0, sizeof(is_scratch));
    memset(is_scene_line, 0, sizeof(is_scene_line));
    for (int t = 0; t < N; t++) {
        const double shift = pan * t + weave_at(t), pole = 60 + shift;
        for (int r = 0; r < H; r++)
            for (int x = 0; x < W; x++) {
                /* The texture at 60 % of its amplitude: the curvature of its
                 * strongest waves across a few pixels would otherwise match
                 * the contrast of the faintest scratch here. */
                double val = 128 + 0.6 * (fx_texture(x - shift, r) - 128);
                double k = cover(x, pole + 0.5, 2);
                val -= 45 * k;
                is_scene_line[t][r * W + x] = k > 0;
                /* A matte on the right: a static vertical step. */
                if (x >= 176)
                    val = 16;
                truth[t][r * W + x] = y[t][r * W + x] = fx_clip(val);
            }
        memset(u[t], 128, sizeof(u[t]));
        memset(v[t], 128, sizeof(v[t]));
        if (with_scratches) {
            scratch(t, 40.5 + 0.15 * t, 1, 30, 0, H);      /* bright, 1 px, drifting */
            scratch(t, 100.5, 3, -35, 0, H);               /* dark, 3 px, still */
            if (t >= 2)
                scratch(t, 150 - 0.2 * t, 2, 25, 12, 116); /* bright, 2 px, part of the height */
        }
    }
}

static void detect(int *nfound, RsScratch *found)
{
    uint8_t *l[N], *m[N];
    for (int t = 0; t < N; t++)
        l[t] = y[t], m[t] = mask[t];
    RS_CHECK_EQ_INT(rs_scratch_detect((const uint8_t *const *)l, W, N, W, H, NULL, m, W, found, 8, nfound), 0);
}

static void test_found_and_repaired(void)
{
    make(0.8, 1);
    int nfound = 0;
    RsScratch found[8];
    detect(&nfound, found);
    int sc = 0, caught = 0, scene = 0, matte = 0, masked = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++) {
            sc += is_scratch[t][i];
            caught += is_scratch[t][i] && mask[t][i];
            scene += is_scene_line[t][i] && mask[t][i] && !is_scratch[t][i];
            matte += i % W >= 170 && mask[t][i];
            masked += mask[t][i];
        }
    printf("scratches: %d found, %d of %d scratch pixels masked, %d masked in all, %d pole pixels, %d matte\n",
           nfound, caught, sc, masked, scene, matte);
    for (int i = 0; i < nfound && i < 8; i++)
        printf("  frames %d-%d x %.1f-%.1f width %d polarity %+d contrast %.1f motion %.1f\n", found[i].first,
               found[i].last, found[i].x_first, found[i].x_last, found[i].width, found[i].polarity,
               found[i].contrast, found[i].motion);
    fflush(stdout);
    RS_CHECK_EQ_INT(nfound, 3);
    RS_CHECK(caught >= sc * 98 / 100);
    RS_CHECK_EQ_INT(scene, 0);
    RS_CHECK_EQ_INT(matte, 0);
    /* Generous, not wasteful: the width plus a pixel each side. */
    RS_CHECK(masked < 3 * sc);
    RsCleanFrame f[N];
    for (int t = 0; t < N; t++)
        f[t] = (RsCleanFrame){ { y[t], u[t], v[t] }, { W, CW, CW }, mask[t], W };
    RS_CHECK_EQ_INT(rs_clean_frames(f, N, W, H, 1, 1, NULL, NULL), 0);
    double before = 0, after = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++)
            if (is_scratch[t][i])
                after += abs(y[t][i] - truth[t][i]);
    make(0.8, 1);
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++)
            if (is_scratch[t][i])
                before += abs(y[t][i] - truth[t][i]);
    printf("repair: mean error on scratch pixels %.2f before, %.2f after\n", before / sc, after / sc);
    RS_CHECK(after / sc < 4);
}

static void test_still_picture(void)
{
    /* Nothing moves: the thin pole could be a scratch that does not drift,
     * and is left alone. */
    make(0.0, 0);
    int nfound = -1;
    detect(&nfound, NULL);
    int masked = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++)
            masked += mask[t][i];
    RS_CHECK_EQ_INT(nfound, 0);
    RS_CHECK_EQ_INT(masked, 0);
}

/*
 * A scan: the picture weaves by half a pixel back and forth and goes
 * nowhere, the scratches on the film stay. They are found by the weave test
 * alone (without it nothing is: the excursion is under a pixel and nothing
 * crosses them); the thin pole weaves with the picture and is left alone.
 */
static void test_weave(void)
{
    weave = 0.5;
    make(0.0, 1);
    int nfound = 0;
    RsScratch found[8];
    detect(&nfound, found);
    int sc = 0, caught = 0, scene = 0, matte = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++) {
            sc += is_scratch[t][i];
            caught += is_scratch[t][i] && mask[t][i];
            scene += is_scene_line[t][i] && mask[t][i] && !is_scratch[t][i];
            matte += i % W >= 170 && mask[t][i];
        }
    printf("weave: %d found, %d of %d scratch pixels masked, %d pole pixels, %d matte\n", nfound, caught, sc, scene,
           matte);
    for (int i = 0; i < nfound && i < 8; i++)
        printf("  frames %d-%d x %.1f-%.1f width %d polarity %+d\n", found[i].first, found[i].last, found[i].x_first,
               found[i].x_last, found[i].width, found[i].polarity);
    RS_CHECK_EQ_INT(nfound, 3);
    RS_CHECK(caught >= sc * 95 / 100);
    RS_CHECK_EQ_INT(scene, 0);
    RS_CHECK_EQ_INT(matte, 0);
    RsScratchSettings s;
    rs_scratch_default_settings(&s);
    s.min_weave = 0;
    uint8_t *l[N], *m[N];
    for (int t = 0; t < N; t++)
        l[t] = y[t], m[t] = mask[t];
    RS_CHECK_EQ_INT(rs_scratch_detect((const uint8_t *const *)l, W, N, W, H, &s, m, W, NULL, 0, &nfound), 0);
    RS_CHECK_EQ_INT(nfound, 0);
    weave = 0;
}

/*
 * A still camera: a textured block crosses the picture. A scratch stays on
 * top of it and is taken; a pole the block passes in front of (it hides
 * the pole) is part of the scene and left alone, and so are the static
 * lines of the texture and the sides of the scratch itself.
 */
static void test_still_camera_crossing(void)
{
    memset(is_scratch, 0, sizeof(is_scratch));
    for (int t = 0; t < N; t++) {
        const int bx = 40 + 6 * t;
        for (int r = 0; r < H; r++)
            for (int x = 0; x < W; x++) {
                double val = 128 + 0.6 * (fx_texture(x, r) - 128);
                is_scene_line[t][r * W + x] = x >= 70 && x < 72;
                if (x >= 70 && x < 72)
                    val -= 45;
                if (x >= bx && x < bx + 60 && r >= 10 && r < 118)
                    val = 200 - 0.5 * (fx_texture(x - bx + 400, r) - 128);
                y[t][r * W + x] = fx_clip(val);
            }
        scratch(t, 120.5, 1, 30, 0, H);
    }
    int nfound = 0;
    RsScratch found[8];
    detect(&nfound, found);
    for (int i = 0; i < nfound && i < 8; i++)
        printf("  frames %d-%d x %.1f-%.1f width %d polarity %+d contrast %.1f motion %.1f crossings %d\n",
               found[i].first, found[i].last, found[i].x_first, found[i].x_last, found[i].width, found[i].polarity,
               found[i].contrast, found[i].motion, found[i].crossings);
    int sc = 0, caught = 0, pole = 0;
    for (int t = 0; t < N; t++)
        for (int i = 0; i < W * H; i++) {
            sc += is_scratch[t][i];
            caught += is_scratch[t][i] && mask[t][i];
            pole += is_scene_line[t][i] && mask[t][i];
        }
    printf("still camera: %d found, %d of %d scratch pixels masked, %d pole pixels masked\n", nfound, caught, sc,
           pole);
    RS_CHECK_EQ_INT(nfound, 1);
    RS_CHECK(caught >= sc * 98 / 100);
    RS_CHECK_EQ_INT(pole, 0);
}

static void test_errors(void)
{
    uint8_t *l[1] = { y[0] }, *m[1] = { mask[0] };
    RsScratchSettings s;
    rs_scratch_default_settings(&s);
    s.max_width = 9;
    RS_CHECK_EQ_INT(rs_scratch_detect((const uint8_t *const *)l, W, 1, W, H, &s, m, W, NULL, 0, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "max_width 9");
    RS_CHECK_EQ_INT(rs_scratch_detect((const uint8_t *const *)l, W, 1, W, 40, NULL, m, W, NULL, 0, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "192x40");
}

int main(void)
{
    RS_RUN(test_found_and_repaired);
    RS_RUN(test_still_picture);
    RS_RUN(test_still_camera_crossing);
    RS_RUN(test_weave);
    RS_RUN(test_errors);
    return rs_test_end();
}
