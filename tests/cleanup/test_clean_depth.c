/*
 * The fill at any depth and chroma layout, in memory. A shot is made at 8
 * bits, then the same shot at 12 and 16 bits (every sample shifted up, so the
 * 8-bit luma guide is the 8-bit shot itself and the flows are the same).
 * Where the background shows in other frames, the deep fills must land
 * within one 8-bit level of the 8-bit fill scaled up, with values between
 * the 8-bit steps: every read, blend and seam step follows the depth. Where
 * nothing shows it, the deep synthesis must be as close to the truth as the
 * 8-bit one. The shot is 4:2:2 (chroma at half width, full height), so the
 * chroma mask rule is checked with different shifts across and down: a
 * chroma sample may change only when one of the two luma pixels it covers
 * is masked. Dust on a 10-bit shot is found exactly where it is found on
 * the same shot at 8 bits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "cleanup_fixtures.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"

#define W 96
#define H 64
#define N 8
#define CW (W / 2)

typedef struct Shot {
    int depth;
    uint16_t y[N][W * H], u[N][CW * H], v[N][CW * H];
    uint8_t y8[N][W * H], u8[N][CW * H], v8[N][CW * H];
    uint8_t mask[N][W * H];
    RsCleanFrame f[N];
} Shot;

/*
 * A textured background panning behind an object, chroma at 4:2:2. The still
 * rectangle in the corner is masked on every frame of a still background
 * strip, so nothing shows it: it is synthesised, then carried.
 */
static void make_shot(Shot *s, int depth, int with_still)
{
    const int sh = depth - 8;
    s->depth = depth;
    for (int t = 0; t < N; t++) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const int obj = x >= 10 + 5 * t && x < 26 + 5 * t && y >= 20 && y < 36;
                const int still = with_still && x >= 70 && x < 82 && y >= 46 && y < 56;
                const double bg = y >= 44 ? fx_texture(x, y) : fx_texture(x - 2.5 * t, y);
                uint8_t v = obj ? (uint8_t)(30 + ((x + y) & 7) * 4) : fx_clip(bg);
                s->y8[t][y * W + x] = v;
                s->y[t][y * W + x] = (uint16_t)(v << sh);
                s->mask[t][y * W + x] = (x >= 8 + 5 * t && x < 28 + 5 * t && y >= 18 && y < 38) || still;
            }
        for (int y = 0; y < H; y++)
            for (int x = 0; x < CW; x++) {
                uint8_t u = fx_clip(0.5 * fx_texture(2 * x - 2.5 * t + 40, y) + 64);
                uint8_t v = fx_clip(0.5 * fx_texture(2 * x - 2.5 * t, y + 30) + 64);
                s->u8[t][y * CW + x] = u;
                s->v8[t][y * CW + x] = v;
                s->u[t][y * CW + x] = (uint16_t)(u << sh);
                s->v[t][y * CW + x] = (uint16_t)(v << sh);
            }
        if (depth == 8)
            s->f[t] = (RsCleanFrame){ { s->y8[t], s->u8[t], s->v8[t] }, { W, CW, CW }, s->mask[t], W, 8 };
        else
            s->f[t] = (RsCleanFrame){ { (uint8_t *)s->y[t], (uint8_t *)s->u[t], (uint8_t *)s->v[t] },
                                      { 2 * W, 2 * CW, 2 * CW }, s->mask[t], W, depth };
    }
}

static int sample(const Shot *s, int t, int p, int i)
{
    if (s->depth == 8)
        return p == 0 ? s->y8[t][i] : p == 1 ? s->u8[t][i] : s->v8[t][i];
    return p == 0 ? s->y[t][i] : p == 1 ? s->u[t][i] : s->v[t][i];
}

static int chroma_masked(const Shot *s, int t, int x, int y)
{
    return s->mask[t][y * W + 2 * x] || s->mask[t][y * W + 2 * x + 1];
}

/* Samples outside the masks that changed. */
static long outside_changed(const Shot *b, const Shot *orig)
{
    long n = 0;
    for (int t = 0; t < N; t++)
        for (int p = 0; p < 3; p++) {
            const int pw = p ? CW : W;
            for (int i = 0; i < pw * H; i++) {
                const int m = p ? chroma_masked(b, t, i % pw, i / pw) : b->mask[t][i];
                n += !m && sample(b, t, p, i) != sample(orig, t, p, i);
            }
        }
    return n;
}

/*
 * Background seen in other frames (and carried where it is not): the deep
 * fill is the 8-bit fill scaled up, within the 8-bit fill's rounding (which
 * the 8-bit fill also carries from frame to frame). The weights of the
 * spatial blend are measured on the samples at their own depth, so a few
 * samples may move a little further (at most 3 levels).
 */
static void check_depth(int depth)
{
    static Shot a, b, orig;
    make_shot(&a, 8, 0);
    make_shot(&b, depth, 0);
    make_shot(&orig, depth, 0);
    RsCleanSettings s;
    rs_clean_default_settings(&s);
    s.threads = 2;
    RsCleanStats sa, sb;
    RS_CHECK_EQ_INT(rs_clean_frames(a.f, N, W, H, 1, 0, &s, &sa), 0);
    RS_CHECK_EQ_INT(rs_clean_frames(b.f, N, W, H, 1, 0, &s, &sb), 0);
    RS_CHECK(sa.masked == sb.masked && sa.from_time == sb.from_time && sa.carried == sb.carried);
    RS_CHECK(sb.from_time > 0);
    const int sh = depth - 8, tol = 1 << sh;
    long inside = 0, far = 0, fine = 0;
    int worst = 0;
    for (int t = 0; t < N; t++)
        for (int p = 0; p < 3; p++) {
            const int pw = p ? CW : W;
            for (int i = 0; i < pw * H; i++) {
                if (!(p ? chroma_masked(&b, t, i % pw, i / pw) : b.mask[t][i]))
                    continue;
                const int vb = sample(&b, t, p, i);
                inside += vb != sample(&orig, t, p, i);
                int d = abs(vb - (sample(&a, t, p, i) << sh));
                worst = d > worst ? d : worst;
                far += d > tol;
                /* A fill at full precision has values between the 8-bit steps. */
                fine += (vb & ((1 << sh) - 1)) != 0;
            }
        }
    const long outside = outside_changed(&b, &orig);
    printf("%d-bit 4:2:2 from other frames: %ld samples outside changed, %ld inside; %ld beyond one 8-bit level "
           "of the 8-bit fill (worst %.2f levels); %ld between 8-bit steps\n", depth, outside, inside, far,
           worst / (double)tol, fine);
    fflush(stdout);
    RS_CHECK_EQ_INT(outside, 0);
    RS_CHECK(inside > 1000);
    RS_CHECK(far * 50 < inside);
    RS_CHECK(worst <= 3 << sh);
    RS_CHECK(fine * 4 > inside);
}

/*
 * Background no frame shows (a still rectangle on a still strip): the patch
 * search works on deep samples. Its choices may differ from the 8-bit
 * search's where two patches tie within rounding, so the check is on the
 * result: as close to the truth as the 8-bit fill, outside untouched.
 */
static void check_synthesis(int depth)
{
    static Shot a, b, orig;
    make_shot(&a, 8, 1);
    make_shot(&b, depth, 1);
    make_shot(&orig, depth, 1);
    RsCleanStats sa, sb;
    RS_CHECK_EQ_INT(rs_clean_frames(a.f, N, W, H, 1, 0, NULL, &sa), 0);
    RS_CHECK_EQ_INT(rs_clean_frames(b.f, N, W, H, 1, 0, NULL, &sb), 0);
    RS_CHECK(sb.synthesised > 0 && sb.synthesised == sa.synthesised);
    RS_CHECK_EQ_INT(outside_changed(&b, &orig), 0);
    const int sh = depth - 8;
    double ea = 0, eb = 0;
    int n = 0;
    for (int t = 0; t < N; t++)
        for (int y = 46; y < 56; y++)
            for (int x = 70; x < 82; x++, n++) {
                ea += abs(a.y8[t][y * W + x] - orig.y8[t][y * W + x]);
                eb += abs(b.y[t][y * W + x] - orig.y[t][y * W + x]) / (double)(1 << sh);
            }
    printf("%d-bit synthesis: mean error %.2f 8-bit levels (the 8-bit fill: %.2f)\n", depth, eb / n, ea / n);
    fflush(stdout);
    RS_CHECK(eb / n <= 1.5 * ea / n + 1);
}

static void test_depth_12(void)
{
    check_depth(12);
    check_synthesis(12);
}

static void test_depth_16(void)
{
    check_depth(16);
    check_synthesis(16);
}

/* Dust on deep frames is found on their 8-bit guide: the same defects as in the 8-bit shot. */
static void test_dust(void)
{
    static Shot a, b;
    static uint8_t ma[N][W * H], mb[N][W * H];
    make_shot(&a, 8, 0);
    make_shot(&b, 10, 0);
    for (int y = 50; y < 54; y++)
        for (int x = 40; x < 44; x++) {
            a.y8[3][y * W + x] = 250;
            b.y[3][y * W + x] = 250 << 2;
        }
    uint8_t *pa[N], *pb[N];
    for (int t = 0; t < N; t++) {
        pa[t] = ma[t];
        pb[t] = mb[t];
    }
    int64_t fa = 0, fb = 0;
    RS_CHECK_EQ_INT(rs_dust_detect(a.f, N, W, H, 24, pa, W, &fa), 0);
    RS_CHECK_EQ_INT(rs_dust_detect(b.f, N, W, H, 24, pb, W, &fb), 0);
    RS_CHECK(fb >= 8 && fb == fa);
    RS_CHECK(ma[3][52 * W + 42] && mb[3][52 * W + 42]);
    RS_CHECK(!memcmp(ma, mb, sizeof(ma)));
}

static void test_errors(void)
{
    static Shot s;
    make_shot(&s, 10, 0);
    s.f[3].bit_depth = 8;
    RS_CHECK_EQ_INT(rs_clean_frames(s.f, N, W, H, 1, 0, NULL, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "frame 3 is 8-bit");
    s.f[3].bit_depth = 17;
    RS_CHECK_EQ_INT(rs_clean_frames(s.f, N, W, H, 1, 0, NULL, NULL), RS_EINVAL);
    /* 16.6 MB a 1080p 10-bit 4:2:2 frame: samples 8.29, mask 2.07, maps 4.15, flows 2.07. */
    RS_CHECK(rs_clean_frame_bytes(1920, 1080, 10, 1, 0, 0) == 4147200LL * 3 + 2073600 + 16 * 480 * 270);
    RS_CHECK(rs_clean_frame_bytes(1920, 1080, 8, 1, 1, 1) == 3110400LL * 2 + 2 * 2073600 + 16 * 480 * 270);
}

int main(void)
{
    RS_RUN(test_depth_12);
    RS_RUN(test_depth_16);
    RS_RUN(test_dust);
    RS_RUN(test_errors);
    return rs_test_end();
}
