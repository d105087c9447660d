/*
 * The flow cache on 10-bit frames: fields computed from 8-bit guides a
 * caller lends (the tracker's) are bit for bit those the cache computes
 * from the frames itself, and the lent guides are what it reads (other
 * guides give other fields). A view over the frames from the third on
 * computes into the slots of the whole cache. The count of computed fields
 * grows by one a field, and not for a field already held.
 */
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "cleanup_fixtures.h"
#include "cleanup/fill.h"
#include "cleanup/flow_cache.h"
#include "rushes/flow.h"

#define W 96
#define H 64
#define N 5

static uint16_t pix[N][W * H];
static uint8_t guide[N][W * H], other[N][W * H];
static RsCleanFrame fr[N];

/* A texture panning 1.5 pixels right and half a pixel down a frame, at 10 bits. */
static void make(void)
{
    for (int t = 0; t < N; t++) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const double v = 4 * fx_texture(x - 1.5 * t, y - 0.5 * t);
                pix[t][y * W + x] = (uint16_t)(v < 0 ? 0 : v > 1023 ? 1023 : lrint(v));
            }
        fr[t] = (RsCleanFrame){ .plane = { (uint8_t *)pix[t] }, .stride = { 2 * W }, .bit_depth = 10 };
        ptrdiff_t stride;
        const uint8_t *g = rs_clean_guide(&fr[t], W, H, guide[t], &stride);
        RS_CHECK(g == guide[t] && stride == W);
        /* The guide of a frame further along the pan: a different field. */
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                other[t][y * W + x] = fx_clip(fx_texture(x - 3.0 * t, y - 0.5 * t));
    }
}

/* Every field of cache c computed, with luma lent (NULL: none); returns how many were computed. */
static int64_t compute_all(RsFlowCache *c, const uint8_t *const *luma)
{
    uint8_t want[2 * N];
    memset(want, 1, sizeof(want));
    const int64_t before = rs_flow_cache_computed();
    c->luma = luma;
    c->luma_stride = W;
    RS_CHECK_EQ_INT(rs_flow_cache_compute(c, want), 0);
    c->luma = NULL;
    return rs_flow_cache_computed() - before;
}

static void test_lent(void)
{
    make();
    RsFlowSettings fs;
    rs_flow_default_settings(&fs);
    RsFlowCache own, lent, wrong;
    RS_CHECK_EQ_INT(rs_flow_cache_init(&own, fr, N, W, H, &fs, 2), 0);
    RS_CHECK_EQ_INT(rs_flow_cache_init(&lent, fr, N, W, H, &fs, 2), 0);
    RS_CHECK_EQ_INT(rs_flow_cache_init(&wrong, fr, N, W, H, &fs, 2), 0);
    const uint8_t *g[N], *o[N];
    for (int t = 0; t < N; t++)
        g[t] = guide[t], o[t] = other[t];
    RS_CHECK_EQ_INT((int)compute_all(&own, NULL), 2 * (N - 1));
    RS_CHECK_EQ_INT((int)compute_all(&lent, g), 2 * (N - 1));
    RS_CHECK_EQ_INT((int)compute_all(&wrong, o), 2 * (N - 1));
    /* Held already: nothing is computed again. */
    RS_CHECK_EQ_INT((int)compute_all(&own, NULL), 0);
    const size_t bytes = sizeof(float) * 2 * (size_t)own.fw * own.fh;
    int same = 0, differ = 0;
    for (int t = 0; t < N; t++)
        for (int dir = 0; dir < 2; dir++) {
            const float *a = rs_flow_cache_get(&own, t, dir), *b = rs_flow_cache_get(&lent, t, dir);
            const float *c = rs_flow_cache_get(&wrong, t, dir);
            if (!a)
                continue;
            same += b && !memcmp(a, b, bytes);
            differ += c && memcmp(a, c, bytes);
        }
    RS_CHECK_EQ_INT(same, 2 * (N - 1));
    RS_CHECK_EQ_INT(differ, 2 * (N - 1));
    rs_flow_cache_free(&own);
    rs_flow_cache_free(&lent);
    rs_flow_cache_free(&wrong);
}

static void test_view(void)
{
    RsFlowSettings fs;
    rs_flow_default_settings(&fs);
    RsFlowCache c, v;
    RS_CHECK_EQ_INT(rs_flow_cache_init(&c, fr, N, W, H, &fs, 2), 0);
    rs_flow_cache_view(&v, &c, 2);
    RS_CHECK(v.n == N - 2 && v.frames == fr + 2);
    /* The view's frames 2..4 have 4 fields among them; frame 2's to frame 1 is not the view's. */
    RS_CHECK_EQ_INT((int)compute_all(&v, NULL), 4);
    RS_CHECK(!rs_flow_cache_get(&c, 2, 1) && !rs_flow_cache_get(&c, 1, 0));
    RS_CHECK(rs_flow_cache_get(&c, 2, 0) && rs_flow_cache_get(&c, 3, 1) && rs_flow_cache_get(&c, 4, 1));
    RS_CHECK(rs_flow_cache_get(&v, 0, 0) == rs_flow_cache_get(&c, 2, 0));
    /* The whole cache computes the rest only. */
    RS_CHECK_EQ_INT((int)compute_all(&c, NULL), 2 * (N - 1) - 4);
    rs_flow_cache_free(&c);
}

int main(void)
{
    RS_RUN(test_lent);
    RS_RUN(test_view);
    return rs_test_end();
}
