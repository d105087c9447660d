/*
 * The shot classifier against the hard cases of doc/shots.md, on feature
 * records built by hand (shot_pics.h): cuts that global histograms cannot
 * see (two low-contrast pictures with the same histogram, two night scenes,
 * two letterboxed pictures, flat ones too), a cut right after a flash, and distractors that
 * must not become boundaries (a strobe, a zoom, something dark passing the
 * lens, a black-to-white ramp), and a fade out of a flat picture.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/shots.h"
#include "shot_pics.h"
#include "../rs_test.h"

static const ShotParams params = { 0.25, 1.8, 6, 0.25, 90, 0.97 };

/* Classify n frames that show a up to frame 59 and b from frame 60; expect one cut at 60. */
static void expect_one_cut(const Pic *a, const Pic *b, const char *what)
{
    ShotFeat f[120];
    for (int i = 0; i < 120; i++)
        feat(&f[i], i < 60 ? a : b, i);
    ShotBoundary *bd = NULL;
    int nb = -1;
    RS_CHECK_EQ_INT(shots_detect(f, 120, &params, &bd, &nb), 0);
    if (nb != 1 || bd[0].type != SHOT_CUT || bd[0].start != 60)
        fprintf(stderr, "%s: %d boundaries, first %s at %lld\n", what, nb, nb > 0 ? shots_type_name(bd[0].type) : "-",
                nb > 0 ? (long long)bd[0].start : -1LL);
    RS_CHECK_EQ_INT(nb, 1);
    if (nb == 1) {
        RS_CHECK_EQ_STR(shots_type_name(bd[0].type), "cut");
        RS_CHECK_EQ_INT(bd[0].start, 60);
    }
    free(bd);
}

/* Two grey, low-contrast pictures with the same histogram: b holds a's blocks in reverse order. */
static void test_low_contrast_cut(void)
{
    Pic a, b;
    for (int i = 0; i < SHOT_CELLS; i++) {
        a.v[0][i] = 110 + rnd() % 30;
        a.v[1][i] = 126 + rnd() % 5;
        a.v[2][i] = 126 + rnd() % 5;
    }
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < SHOT_CELLS; i++)
            b.v[c][i] = a.v[c][SHOT_CELLS - 1 - i];
    expect_one_cut(&a, &b, "low contrast");
}

/* Two night scenes: pictures at 17 % of their level, as gen.py makes them. */
static void test_dark_cut(void)
{
    Pic a, b;
    pic_random(&a);
    pic_random(&b);
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < SHOT_CELLS; i++) {
            const double z = c ? 128 : 16;
            a.v[c][i] = z + (a.v[c][i] - z) * 0.17;
            b.v[c][i] = z + (b.v[c][i] - z) * 0.17;
        }
    expect_one_cut(&a, &b, "dark");
}

/* Two 2.39:1 pictures between black bars (the top and bottom block rows). */
static void test_letterbox_cut(void)
{
    Pic a, b;
    pic_random(&a);
    pic_random(&b);
    for (int i = 0; i < SHOT_GW; i++)
        for (int r = 0; r < SHOT_GH; r += SHOT_GH - 1) {
            a.v[0][r * SHOT_GW + i] = b.v[0][r * SHOT_GW + i] = 16;
            a.v[1][r * SHOT_GW + i] = b.v[1][r * SHOT_GW + i] = 128;
            a.v[2][r * SHOT_GW + i] = b.v[2][r * SHOT_GW + i] = 128;
        }
    expect_one_cut(&a, &b, "letterbox");
}

static void brighten(Pic *out, const Pic *in)
{
    *out = *in;
    for (int k = 0; k < SHOT_CELLS; k++)
        out->v[0][k] = in->v[0][k] * 0.3 + 200;
}

/* Two flat letterboxed pictures (a pale sky, grey asphalt): the shared bars alone must not make them one layout. */
static void test_flat_letterbox_cut(void)
{
    Pic a, b;
    for (int i = 0; i < SHOT_CELLS; i++) {
        const int bar = i < SHOT_GW || i >= SHOT_CELLS - SHOT_GW;
        a.v[0][i] = bar ? 16 : 170 + rnd() % 12;
        a.v[1][i] = bar ? 128 : 140 + rnd() % 3;
        a.v[2][i] = bar ? 128 : 120 + rnd() % 3;
        b.v[0][i] = bar ? 16 : 100 + rnd() % 12;
        b.v[1][i] = b.v[2][i] = bar ? 128 : 127 + rnd() % 3;
    }
    expect_one_cut(&a, &b, "flat letterbox");
}

/* Two night scenes with every pixel under luma 40, most above black: not black frames. */
static void test_night_cut(void)
{
    Pic a, b;
    for (int i = 0; i < SHOT_CELLS; i++) {
        a.v[0][i] = 16 + (30 + rnd() % 90) * 0.17;
        b.v[0][i] = 16 + (30 + rnd() % 90) * 0.17;
        a.v[1][i] = a.v[2][i] = b.v[1][i] = b.v[2][i] = 128;
    }
    expect_one_cut(&a, &b, "night");
}

/* A strobe (three one-frame flashes within 7 frames) and, apart from it, a flash 4 frames before a cut. */
static void test_strobe_and_flash_before_cut(void)
{
    ShotFeat f[120];
    Pic a, b, fl;
    pic_random(&a);
    pic_random(&b);
    brighten(&fl, &a);
    for (int i = 0; i < 120; i++) {
        const int flash = i == 20 || i == 23 || i == 26 || i == 55 || i == 56;
        feat(&f[i], flash ? &fl : i < 60 ? &a : &b, i);
    }
    ShotBoundary *bd = NULL;
    int nb = -1;
    RS_CHECK_EQ_INT(shots_detect(f, 120, &params, &bd, &nb), 0);
    RS_CHECK_EQ_INT(nb, 1);
    if (nb == 1) {
        RS_CHECK_EQ_STR(shots_type_name(bd[0].type), "cut");
        RS_CHECK_EQ_INT(bd[0].start, 60);
    }
    free(bd);
}

/*
 * A textured picture, as seen through a lens zoomed z times on its centre. The
 * texture changes within a block or two, as real pictures do at this scale: a
 * zoom over a picture smooth across many blocks looks like a dissolve to the
 * block tests (doc/shots.md).
 */
static void zoomed(Pic *p, double z)
{
    for (int i = 0; i < SHOT_CELLS; i++) {
        const double u = ((i % SHOT_GW) + 0.5) / SHOT_GW - 0.5, v = ((i / SHOT_GW) + 0.5) / SHOT_GH - 0.5;
        const double x = u / z, y = v / z;
        p->v[0][i] = 120 + 50 * sin(53 * x + 3) * cos(37 * y) + 30 * sin(71 * x - 43 * y);
        p->v[1][i] = 128 + 20 * sin(13 * x + 19 * y);
        p->v[2][i] = 128 + 20 * cos(31 * x - 7 * y);
    }
}

/* A push-in from 1x to 1.5x over 15 frames inside one shot: no boundary. */
static void test_zoom(void)
{
    ShotFeat f[100];
    Pic p;
    for (int i = 0; i < 100; i++) {
        zoomed(&p, i < 40 ? 1 : i < 55 ? 1 + 0.5 * (i - 40) / 15.0 : 1.5);
        feat(&f[i], &p, i);
    }
    ShotBoundary *bd = NULL;
    int nb = -1;
    RS_CHECK_EQ_INT(shots_detect(f, 100, &params, &bd, &nb), 0);
    if (nb > 0)
        fprintf(stderr, "zoom: %s at %lld-%lld\n", shots_type_name(bd[0].type), (long long)bd[0].start,
                (long long)bd[0].end);
    RS_CHECK_EQ_INT(nb, 0);
    free(bd);
}

static int classify(const ShotFeat *f, int64_t n, ShotBoundary **bd)
{
    int nb = -1;
    RS_CHECK_EQ_INT(shots_detect(f, n, &params, bd, &nb), 0);
    return nb;
}

/* A flat, bright picture (little contrast to lose) fading to black over 4 frames, then a fade in. */
static void test_flat_picture_fade(void)
{
    ShotFeat f[120];
    Pic a, b, black, m;
    for (int i = 0; i < SHOT_CELLS; i++) {
        a.v[0][i] = 145 + rnd() % 10;
        a.v[1][i] = a.v[2][i] = 128;
    }
    pic_random(&b);
    pic_fill(&black, 16);
    for (int i = 0; i < 120; i++) {
        if (i < 50)
            m = a;
        else if (i < 54)
            mix(&m, &a, &black, (i - 49) / 5.0);
        else if (i < 60)
            m = black;
        else if (i < 72)
            mix(&m, &black, &b, (i - 59) / 13.0);
        else
            m = b;
        feat(&f[i], &m, i);
    }
    ShotBoundary *bd = NULL;
    int nb = classify(f, 120, &bd);
    RS_CHECK_EQ_INT(nb, 1);
    if (nb == 1) {
        RS_CHECK_EQ_STR(shots_type_name(bd[0].type), "fade_out_in");
        RS_CHECK(bd[0].start >= 48 && bd[0].start <= 52 && bd[0].end >= 68 && bd[0].end <= 72);
    }
    free(bd);
}

/* Something black sweeping across a dark picture (it covers all of it on one frame): no boundary. */
static void test_dark_pass(void)
{
    ShotFeat f[80];
    Pic a, m;
    for (int i = 0; i < SHOT_CELLS; i++) {
        a.v[0][i] = 20 + rnd() % 40;
        a.v[1][i] = a.v[2][i] = 128;
    }
    for (int i = 0; i < 80; i++) {
        m = a;
        /* Frames 30-36: the edge of the black shape crosses the grid, then leaves it. */
        for (int c = 0; c < SHOT_CELLS; c++) {
            const int x = c % SHOT_GW, lo = (i - 30) * 4 - 8, hi = lo + 16;
            if (i >= 30 && i <= 36 && x >= lo && x < hi)
                m.v[0][c] = 16;
        }
        feat(&f[i], &m, i);
    }
    ShotBoundary *bd = NULL;
    int nb = classify(f, 80, &bd);
    if (nb > 0)
        fprintf(stderr, "dark pass: %s at %lld-%lld\n", shots_type_name(bd[0].type), (long long)bd[0].start,
                (long long)bd[0].end);
    RS_CHECK_EQ_INT(nb, 0);
    free(bd);
}

/* A flat field ramping from black to white and back (a test pattern): no shot, no fade. */
static void test_black_white_ramp(void)
{
    ShotFeat f[100];
    Pic m;
    for (int i = 0; i < 100; i++) {
        const double y = i < 20 ? 16 : i < 40 ? 16 + (i - 19) * 11 : i < 60 ? 235 : i < 80 ? 235 - (i - 59) * 11 : 16;
        pic_fill(&m, y);
        feat(&f[i], &m, i);
    }
    ShotBoundary *bd = NULL;
    RS_CHECK_EQ_INT(classify(f, 100, &bd), 0);
    free(bd);
}

int main(void)
{
    RS_RUN(test_low_contrast_cut);
    RS_RUN(test_dark_cut);
    RS_RUN(test_letterbox_cut);
    RS_RUN(test_flat_letterbox_cut);
    RS_RUN(test_night_cut);
    RS_RUN(test_strobe_and_flash_before_cut);
    RS_RUN(test_zoom);
    RS_RUN(test_flat_picture_fade);
    RS_RUN(test_dark_pass);
    RS_RUN(test_black_white_ramp);
    return rs_test_end();
}
