/*
 * The deflicker over cuts and long shots: two different shots joined, each
 * flickering, are corrected as each alone, bit for bit; a shot longer than
 * the deflicker's block streamed frame by frame gives the same frames
 * whatever the order of sends and receives and the number of threads,
 * holds no more than its delay, removes the flicker all along and keeps a
 * step far into the shot.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup_fixtures.h"
#include "../rs_test.h"
#include "rushes/deflicker.h"
#include "rushes/error.h"

typedef struct Clip {
    int w, h, n;
    uint8_t *buf;
    RsDeflickerFrame *f;
} Clip;

/* A fixed pseudo-random sequence in [-1, 1], so the test is reproducible. */
static double rnd(int t, int k)
{
    uint32_t x = (uint32_t)t * 0x9E3779B9u + (uint32_t)k * 0x85EBCA6Bu + 0x165667B1u;
    x ^= x >> 16, x *= 0x85EBCA6Bu, x ^= x >> 13, x *= 0xC2B2AE35u, x ^= x >> 16;
    return (x >> 8) / (double)(1 << 23) - 1;
}

static size_t frame_size(const Clip *c)
{
    return (size_t)c->w * c->h * 3 / 2;
}

static void clip_alloc(Clip *c, int w, int h, int n)
{
    *c = (Clip){ w, h, n, NULL, NULL };
    c->buf = malloc(frame_size(c) * n);
    c->f = malloc(sizeof(RsDeflickerFrame) * n);
    for (int t = 0; t < n; t++) {
        uint8_t *b = c->buf + frame_size(c) * t;
        c->f[t] = (RsDeflickerFrame){ { b, b + w * h, b + w * h + w * h / 4 }, { w, w / 2, w / 2 } };
    }
}

static void clip_free(Clip *c)
{
    free(c->buf);
    free(c->f);
}

/*
 * Frames first..first+count-1 of clip c get scene s (0: a texture panning
 * right, 1: another texture, darker and moving up) at times 0..count-1,
 * lit by light(t) and, when flicker, under global and regional gain
 * flicker, a luma offset and chroma offsets that change every frame. truth
 * (may be NULL) receives the frames without flicker.
 */
static void paint(Clip *c, int first, int count, int s, int step_at, int flicker, Clip *truth)
{
    for (int k = 0; k < count; k++) {
        const int t = first + k;
        const double light = step_at && k >= step_at ? 1.2 : 1.0;
        for (int p = 0; p < 3; p++) {
            const int sh = p ? 1 : 0, pw = c->w >> sh, ph = c->h >> sh;
            uint8_t *pl = c->f[t].plane[p];
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    const double lx = (x << sh) + 0.5 * sh, ly = (y << sh) + 0.5 * sh;
                    const double tex = s ? fx_texture(1.7 * lx + 400, 1.3 * ly - 250 + 0.9 * k)
                                         : fx_texture(lx - 1.1 * k + 300 * p, ly - 0.5 * k);
                    double v = p ? 128 + light * 0.3 * (tex - 128) : light * (s ? 0.6 * (tex - 128) + 90
                                                                                 : 0.8 * (tex - 128) + 118);
                    if (truth)
                        ((uint8_t *)truth->f[t].plane[p])[y * pw + x] = fx_clip(v);
                    if (flicker) {
                        const double g = 1 + 0.08 * rnd(t, 1) + 0.08 * rnd(t, 2) * lx / c->w;
                        v = p ? 128 + g * (v - 128) + 3 * rnd(t, 2 + p) : g * v + 3 * rnd(t, 3);
                    }
                    pl[y * pw + x] = fx_clip(v);
                }
        }
    }
}

static double luma_mean(const Clip *c, int t)
{
    double m = 0;
    for (int i = 0; i < c->w * c->h; i++)
        m += ((const uint8_t *)c->f[t].plane[0])[i];
    return m / (c->w * c->h);
}

static int deflicker(Clip *c, int first, int n, int threads, RsDeflickerStats *st)
{
    RsDeflickerSettings s;
    rs_deflicker_default_settings(&s);
    s.threads = threads;
    return rs_deflicker_frames(c->f + first, n, c->w, c->h, 8, 1, 1, &s, st);
}

/* Two shots joined by a cut, both flickering: each side comes out as that shot deflickered alone. */
static void test_cut(void)
{
    const int na = 24, nb = 20;
    Clip j, a, b;
    clip_alloc(&j, 128, 72, na + nb);
    clip_alloc(&a, 128, 72, na);
    clip_alloc(&b, 128, 72, nb);
    paint(&j, 0, na, 0, 0, 1, NULL);
    paint(&j, na, nb, 1, 0, 1, NULL);
    memcpy(a.buf, j.buf, frame_size(&j) * na);
    memcpy(b.buf, j.buf + frame_size(&j) * na, frame_size(&j) * nb);
    RsDeflickerStats sj, sa, sb;
    RS_CHECK_EQ_INT(deflicker(&j, 0, na + nb, 2, &sj), 0);
    RS_CHECK_EQ_INT(deflicker(&a, 0, na, 2, &sa), 0);
    RS_CHECK_EQ_INT(deflicker(&b, 0, nb, 2, &sb), 0);
    printf("cut: %d cut(s) joined, %d and %d alone; mean change %.2f / %.2f / %.2f levels\n", sj.cuts, sa.cuts,
           sb.cuts, sj.mean_change, sa.mean_change, sb.mean_change);
    RS_CHECK_EQ_INT(sj.cuts, 1);
    RS_CHECK_EQ_INT(sa.cuts + sb.cuts, 0);
    RS_CHECK(sa.mean_change > 1 && sb.mean_change > 1);
    RS_CHECK(!memcmp(j.buf, a.buf, frame_size(&j) * na));
    RS_CHECK(!memcmp(j.buf + frame_size(&j) * na, b.buf, frame_size(&j) * nb));
    clip_free(&j);
    clip_free(&a);
    clip_free(&b);
}

/* Stream c: receive after every send (greedy) or only after the end. Returns the most frames held. */
static int stream(Clip *c, int threads, int greedy, int *delay)
{
    RsDeflickerSettings s;
    rs_deflicker_default_settings(&s);
    s.threads = threads;
    s.regions = 4;
    RsDeflicker *x;
    if (rs_deflicker_open(&x, c->w, c->h, 8, 1, 1, &s) < 0)
        return -1;
    *delay = rs_deflicker_delay(x);
    int held = 0, most = 0, back = 0, ret = 0;
    RsDeflickerFrame f;
    for (int t = 0; ret >= 0 && t <= c->n; t++) {
        ret = rs_deflicker_send(x, t < c->n ? &c->f[t] : NULL);
        held += t < c->n;
        most = held > most ? held : most;
        while (ret >= 0 && (greedy || t == c->n) && (ret = rs_deflicker_receive(x, &f)) > 0) {
            /* Frames come back in order, as sent. */
            if (f.plane[0] != c->f[back++].plane[0])
                ret = -1;
            held--;
        }
    }
    rs_deflicker_close(&x);
    return ret < 0 || back != c->n ? -1 : most;
}

static void test_long(void)
{
    const int n = 160, step = 120;
    Clip a, b, c, tr;
    clip_alloc(&a, 96, 64, n);
    clip_alloc(&b, 96, 64, n);
    clip_alloc(&c, 96, 64, n);
    clip_alloc(&tr, 96, 64, n);
    paint(&a, 0, n, 0, step, 1, &tr);
    memcpy(b.buf, a.buf, frame_size(&a) * n);
    memcpy(c.buf, a.buf, frame_size(&a) * n);
    double fin = 0, fout = 0;
    for (int t = 1; t < n - 1; t++)
        fin += fabs(luma_mean(&a, t + 1) - 2 * luma_mean(&a, t) + luma_mean(&a, t - 1)) / (n - 2);
    int delay, delay3;
    const int most = stream(&a, 1, 1, &delay);
    RS_CHECK(most > 0 && most <= delay);
    RS_CHECK_EQ_INT(stream(&b, 3, 0, &delay3), n);
    RsDeflickerSettings s;
    rs_deflicker_default_settings(&s);
    s.regions = 4;
    s.threads = 2;
    RS_CHECK_EQ_INT(rs_deflicker_frames(c.f, n, c.w, c.h, 8, 1, 1, &s, NULL), 0);
    RS_CHECK(!memcmp(a.buf, b.buf, frame_size(&a) * n));
    RS_CHECK(!memcmp(a.buf, c.buf, frame_size(&a) * n));
    double err = 0;
    for (int t = 1; t < n - 1; t++) {
        const double e0 = luma_mean(&a, t - 1) - luma_mean(&tr, t - 1), e1 = luma_mean(&a, t) - luma_mean(&tr, t);
        const double e2 = luma_mean(&a, t + 1) - luma_mean(&tr, t + 1);
        fout += fabs(e2 - 2 * e1 + e0) / (n - 2);
        err += fabs(e1) / (n - 2);
    }
    double kept = 0, want = 0;
    for (int k = 0; k < 5; k++) {
        kept += luma_mean(&a, step + k) - luma_mean(&a, step - 1 - k);
        want += luma_mean(&tr, step + k) - luma_mean(&tr, step - 1 - k);
    }
    printf("long: %d frames, held at most %d (delay %d, %d with 3 threads); flicker %.2f -> %.2f, mean |error| "
           "%.2f; step kept %.1f of %.1f levels\n", n, most, delay, delay3, fin, fout, err, kept / 5, want / 5);
    RS_CHECK(fout < fin / 10);
    RS_CHECK(fabs(kept - want) < 0.1 * want);
    clip_free(&a);
    clip_free(&b);
    clip_free(&c);
    clip_free(&tr);
}

static void test_stream_errors(void)
{
    Clip c;
    clip_alloc(&c, 64, 48, 4);
    paint(&c, 0, 4, 0, 0, 0, NULL);
    RsDeflicker *x;
    RsDeflickerSettings s;
    rs_deflicker_default_settings(&s);
    s.window = 256;
    RS_CHECK_EQ_INT(rs_deflicker_open(&x, 64, 48, 8, 1, 1, &s), RS_EINVAL);
    RS_CHECK(x == NULL);
    RS_CHECK_CONTAINS(rs_error_message(), "window 256");
    RS_CHECK_EQ_INT(rs_deflicker_open(&x, 64, 48, 8, 1, 1, NULL), 0);
    RsDeflickerFrame f = c.f[0];
    f.plane[2] = NULL;
    RS_CHECK_EQ_INT(rs_deflicker_send(x, &f), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "no plane 2");
    for (int t = 0; t < 4; t++)
        RS_CHECK_EQ_INT(rs_deflicker_send(x, &c.f[t]), 0);
    RS_CHECK_EQ_INT(rs_deflicker_send(x, NULL), 0);
    RS_CHECK_EQ_INT(rs_deflicker_send(x, &c.f[0]), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "after the end");
    int back = 0;
    while (rs_deflicker_receive(x, &f) > 0)
        back++;
    RS_CHECK_EQ_INT(back, 4);
    rs_deflicker_close(&x);
    RS_CHECK(x == NULL);
    rs_deflicker_close(&x);
    clip_free(&c);
}

int main(void)
{
    RS_RUN(test_cut);
    RS_RUN(test_long);
    RS_RUN(test_stream_errors);
    return rs_test_end();
}
