/*
 * Deflicker on generated shots whose truth is known: a textured picture
 * panning under global and regional (gradient) flicker, an intended step
 * (a light switched on), 8-bit against 10-bit, and a moving object over a
 * still background without flicker. Ramps and fades: test_deflicker_fade.c.
 */
#include "deflicker_fixtures.h"

static void test_global(void)
{
    Scene s = { .vx = 1.3, .vy = 0.6, .gain = 0.08, .offset = 4, .chroma = 3 };
    Shot sh;
    make(&sh, &s, 8, 1);
    const double before = rms(&sh, &s, 0), cbefore = rms(&sh, &s, 1), fbefore = flicker(&sh, &s);
    RsDeflickerStats st;
    RS_CHECK_EQ_INT(run(&sh, 15, &st), 0);
    const double after = rms(&sh, &s, 0), cafter = rms(&sh, &s, 1), fafter = flicker(&sh, &s);
    printf("global: luma rms %.2f -> %.2f, flicker %.2f -> %.2f, chroma rms %.2f -> %.2f, mean change %.2f\n",
           before, after, fbefore, fafter, cbefore, cafter, st.mean_change);
    /* What is left is mostly the slow part of the random flicker, which no
     * temporal filter can tell from a change of light; the fast part goes. */
    RS_CHECK(after < before / 2.2);
    RS_CHECK(fafter < fbefore / 20);
    RS_CHECK(cafter < cbefore / 2);
    RS_CHECK(st.mean_change > 2 && st.max_gain_change > 0.02);
    drop(&sh);
}

/* 10-bit 4:2:2 and 12-bit 4:4:4, as a scan or a camera original would come. */
static void test_other_layouts(void)
{
    static const int layout[2][3] = { { 10, 1, 0 }, { 12, 0, 0 } };
    for (int i = 0; i < 2; i++) {
        lcw = layout[i][1], lch = layout[i][2];
        Scene s = { .vx = 1.3, .vy = 0.6, .gain = 0.08, .regional = 0.08, .chroma = 3 };
        Shot sh;
        make(&sh, &s, layout[i][0], 1);
        const double before = rms(&sh, &s, 0), cbefore = rms(&sh, &s, 1), fbefore = flicker(&sh, &s);
        RS_CHECK_EQ_INT(run(&sh, 15, NULL), 0);
        const double after = rms(&sh, &s, 0), cafter = rms(&sh, &s, 1), fafter = flicker(&sh, &s);
        printf("%d-bit, shifts %d,%d: luma rms %.2f -> %.2f, flicker %.2f -> %.2f, chroma rms %.2f -> %.2f\n",
               layout[i][0], lcw, lch, before, after, fbefore, fafter, cbefore, cafter);
        RS_CHECK(after < before / 2.2);
        RS_CHECK(fafter < fbefore / 20);
        RS_CHECK(cafter < cbefore / 2);
        drop(&sh);
    }
    lcw = lch = 1;
}

static void test_regional(void)
{
    Scene s = { .vx = -0.8, .vy = 0.4, .regional = 0.16, .chroma = 3 };
    Shot sh;
    make(&sh, &s, 8, 1);
    const double before = rms(&sh, &s, 0), fbefore = flicker(&sh, &s);
    RS_CHECK_EQ_INT(run(&sh, 15, NULL), 0);
    const double after = rms(&sh, &s, 0), fafter = flicker(&sh, &s);
    /* One global correction cannot follow a gradient: the regions are what does it. */
    Shot one;
    make(&one, &s, 8, 1);
    RsDeflickerSettings set;
    rs_deflicker_default_settings(&set);
    set.regions = 1;
    RS_CHECK_EQ_INT(rs_deflicker_frames(one.f, N, W, H, 8, 1, 1, &set, NULL), 0);
    const double fone = flicker(&one, &s);
    printf("regional: luma rms %.2f -> %.2f, flicker %.2f -> %.2f (one region: %.2f)\n", before, after, fbefore,
           fafter, fone);
    RS_CHECK(after < before / 2.2);
    RS_CHECK(fafter < fbefore / 20);
    RS_CHECK(fone > 4 * fafter);
    drop(&sh);
    drop(&one);
}

static void test_step_kept(void)
{
    Scene s = { .vx = 1.0, .step_at = 16, .step_gain = 1.25, .gain = 0.08, .regional = 0.08, .offset = 3 };
    Shot sh;
    make(&sh, &s, 8, 1);
    RS_CHECK_EQ_INT(run(&sh, 15, NULL), 0);
    /* The step in the output against the truth's, over the three frames each side. */
    double out = 0;
    for (int k = 0; k < 3; k++)
        out += frame_mean(&sh, s.step_at + k) - frame_mean(&sh, s.step_at - 1 - k);
    Scene clean = s;
    clean.gain = clean.offset = 0;
    Shot tr;
    make(&tr, &clean, 8, 0);
    double want = 0;
    for (int k = 0; k < 3; k++)
        want += frame_mean(&tr, s.step_at + k) - frame_mean(&tr, s.step_at - 1 - k);
    printf("step: kept %.1f of %.1f levels, rms vs truth %.2f\n", out / 3, want / 3, rms(&sh, &s, 0));
    RS_CHECK(fabs(out - want) < 0.1 * want);
    RS_CHECK(rms(&sh, &s, 0) < 3.5);
    drop(&sh);
    drop(&tr);
}

/*
 * A light switched on while the light falls (a tracking shot's levels
 * drift as much): the half-window means before and after the step hardly
 * differ, so the step is found only once the common slope is taken out.
 */
static void test_step_on_drift(void)
{
    Scene s = { .vx = 1.0, .step_at = 16, .step_gain = 1.12, .ramp = -0.5, .gain = 0.02 };
    Shot sh, tr;
    make(&sh, &s, 8, 1);
    Scene clean = s;
    clean.gain = 0;
    make(&tr, &clean, 8, 0);
    /* A window of 9: in 32 frames, 15 would leave few frames whose half windows miss the step. */
    RS_CHECK_EQ_INT(run(&sh, 9, NULL), 0);
    const double out = frame_mean(&sh, s.step_at) - frame_mean(&sh, s.step_at - 1);
    const double want = frame_mean(&tr, s.step_at) - frame_mean(&tr, s.step_at - 1);
    printf("step on a drift: kept %.1f of %.1f levels, rms vs truth %.2f\n", out, want, rms(&sh, &s, 0));
    RS_CHECK(fabs(out - want) < 0.15 * want);
    RS_CHECK(rms(&sh, &s, 0) < 1.5);
    drop(&sh);
    drop(&tr);
}

static void test_depths_agree(void)
{
    Scene s = { .vx = 1.3, .vy = 0.6, .gain = 0.08, .offset = 4, .regional = 0.08, .chroma = 3 };
    Shot a, b;
    make(&a, &s, 8, 1);
    make(&b, &s, 10, 1);
    RsDeflickerStats sa, sb;
    RS_CHECK_EQ_INT(run(&a, 15, &sa), 0);
    RS_CHECK_EQ_INT(run(&b, 15, &sb), 0);
    double d = 0, m = 0;
    for (int t = 0; t < N; t++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double e = fabs(get(&a, t, 0, x, y) - get(&b, t, 0, x, y));
                d += e;
                m = e > m ? e : m;
            }
    d /= (double)N * W * H;
    printf("8 vs 10 bit: mean |diff| %.3f, max %.2f (8-bit levels); rms %.2f / %.2f\n", d, m, rms(&a, &s, 0),
           rms(&b, &s, 0));
    RS_CHECK(d < 0.6);
    RS_CHECK(fabs(rms(&a, &s, 0) - rms(&b, &s, 0)) < 0.3);
    drop(&a);
    drop(&b);
}

static void test_object_not_flicker(void)
{
    Scene s = { .object = 1 };
    Shot sh;
    make(&sh, &s, 8, 0);
    RsDeflickerStats st;
    RS_CHECK_EQ_INT(run(&sh, 9, &st), 0);
    double e = 0, m = 0;
    long k = 0;
    for (int t = 0; t < N; t++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                /* The background: away from the square in this frame. */
                if (x >= 4 + 6 * t && x < 68 + 6 * t && y >= 24 && y < 88)
                    continue;
                double d = fabs(get(&sh, t, 0, x, y) - fx_clip(ref_at(&sh, t, 0, x, y)));
                e += d, k++;
                m = d > m ? d : m;
            }
    printf("object: background mean |change| %.3f, max %.1f\n", e / k, m);
    RS_CHECK(e / k < 0.25);
    RS_CHECK(m < 4);
    drop(&sh);
}

static void test_threads_agree(void)
{
    Scene s = { .vx = 1.3, .vy = 0.6, .gain = 0.08, .regional = 0.08, .chroma = 3 };
    Shot a, b;
    make(&a, &s, 8, 1);
    make(&b, &s, 8, 1);
    RsDeflickerSettings set;
    rs_deflicker_default_settings(&set);
    set.threads = 1;
    RS_CHECK_EQ_INT(rs_deflicker_frames(a.f, N, W, H, 8, 1, 1, &set, NULL), 0);
    set.threads = 3;
    RS_CHECK_EQ_INT(rs_deflicker_frames(b.f, N, W, H, 8, 1, 1, &set, NULL), 0);
    RS_CHECK(!memcmp(a.buf, b.buf, (size_t)N * W * H * 3 / 2));
    drop(&a);
    drop(&b);
}

static void test_errors(void)
{
    Shot sh;
    Scene s = { 0 };
    make(&sh, &s, 8, 0);
    RsDeflickerSettings set;
    rs_deflicker_default_settings(&set);
    set.window = 4;
    RS_CHECK_EQ_INT(rs_deflicker_frames(sh.f, N, W, H, 8, 1, 1, &set, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "window 4");
    rs_deflicker_default_settings(&set);
    RS_CHECK_EQ_INT(rs_deflicker_frames(sh.f, N, W, H, 7, 1, 1, &set, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "depth 7");
    RS_CHECK_EQ_INT(rs_deflicker_frames(sh.f, 2, W, H, 8, 1, 1, &set, NULL), 0);
    drop(&sh);
}

int main(void)
{

    RS_RUN(test_global);
    RS_RUN(test_regional);
    RS_RUN(test_other_layouts);
    RS_RUN(test_step_kept);
    RS_RUN(test_step_on_drift);
    RS_RUN(test_depths_agree);
    RS_RUN(test_object_not_flicker);
    RS_RUN(test_threads_agree);
    RS_RUN(test_errors);
    return rs_test_end();
}
