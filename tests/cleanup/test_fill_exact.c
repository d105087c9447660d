/*
 * The fill's speed-ups change nothing: the completion, the chamfer distance and
 * the dilation against plain references (every pixel scanned, every neighbour's
 * bounds tested, no lists or runs) on random holes, bit for bit; the flows the
 * dust test shares with the fill give the same masks and the same fill as flows
 * of their own;
 * and the whole fill comes out the same on one thread and on two (luma and
 * chroma then fill at once), with masks at the picture's edges and pixels
 * only synthesis can fill.
 */
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "cleanup/fill.h"
#include "cleanup/flow_cache.h"
#include "cleanup_fixtures.h"
#include "rushes/cleanup.h"

/* The reference completion: every pixel scanned, every neighbour's bounds tested. */
static int ref_complete(float *u, float *v, int w, int h, uint8_t *hole)
{
    const size_t n = (size_t)w * h;
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += hole[i] == 1;
    if (!count)
        return 0;
    if (count == n) {
        /* Nothing known: assume a still background. */
        memset(u, 0, sizeof(float) * n);
        if (v)
            memset(v, 0, sizeof(float) * n);
        return 0;
    }
    int32_t *order = malloc(sizeof(int32_t) * count);
    if (!order)
        return -1;
    size_t len = 0;
    /* 2 marks the ring being filled, 3 a filled pixel. */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            if (hole[i] != 1)
                continue;
            int edge = 0;
            for (int dy = -1; dy <= 1 && !edge; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h && hole[(size_t)ny * w + nx] != 1) {
                        edge = 1;
                        break;
                    }
                }
            if (edge)
                order[len++] = (int32_t)i;
        }
    for (size_t i = 0; i < len; i++)
        hole[order[i]] = 2;
    size_t ring = 0;
    while (ring < len) {
        const size_t end = len;
        for (size_t k = ring; k < end; k++) {
            const int x = order[k] % w, y = order[k] / w;
            float su = 0, sv = 0;
            int cnt = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx, ny = y + dy;
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                        continue;
                    uint8_t st = hole[(size_t)ny * w + nx];
                    if (st == 1 || st == 2)
                        continue;
                    su += u[(size_t)ny * w + nx];
                    if (v)
                        sv += v[(size_t)ny * w + nx];
                    cnt++;
                }
            u[order[k]] = cnt ? su / cnt : 0;
            if (v)
                v[order[k]] = cnt ? sv / cnt : 0;
        }
        for (size_t k = ring; k < end; k++)
            hole[order[k]] = 3;
        for (size_t k = ring; k < end; k++) {
            const int x = order[k] % w, y = order[k] / w;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h && hole[(size_t)ny * w + nx] == 1) {
                        hole[(size_t)ny * w + nx] = 2;
                        order[len++] = (int32_t)((size_t)ny * w + nx);
                    }
                }
        }
        ring = end;
    }
    /* Red-black smoothing, every pixel scanned: the pixels inside the picture's one-pixel
     * frame with x + y even, then those with x + y odd; then the picture's edge pixels, with
     * as many neighbours as they have. */
    for (int it = 0; it < 16; it++) {
        for (int c = 0; c < 2; c++)
            for (int y = 1; y < h - 1; y++)
                for (int x = 1; x < w - 1; x++) {
                    const size_t i = (size_t)y * w + x;
                    if (hole[i] != 3 || ((x + y) & 1) != c)
                        continue;
                    u[i] = (u[i - 1] + u[i + 1] + u[i - w] + u[i + w]) * 0.25f;
                    if (v)
                        v[i] = (v[i - 1] + v[i + 1] + v[i - w] + v[i + w]) * 0.25f;
                }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const size_t i = (size_t)y * w + x;
                if (hole[i] != 3 || (x > 0 && y > 0 && x < w - 1 && y < h - 1))
                    continue;
                float su = 0, sv = 0;
                int cnt = 0;
                if (x > 0) { su += u[i - 1]; sv += v ? v[i - 1] : 0; cnt++; }
                if (x < w - 1) { su += u[i + 1]; sv += v ? v[i + 1] : 0; cnt++; }
                if (y > 0) { su += u[i - w]; sv += v ? v[i - w] : 0; cnt++; }
                if (y < h - 1) { su += u[i + w]; sv += v ? v[i + w] : 0; cnt++; }
                u[i] = su / cnt;
                if (v)
                    v[i] = sv / cnt;
            }
    }
    free(order);
    return 0;
}

/* The reference chamfer distance: both passes over every row. */
static void ref_edge_distance(const uint8_t *hole, int w, int h, float *dist)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)y * w + x;
            if (!hole[i]) {
                dist[i] = 0;
                continue;
            }
            /* Outside the picture counts as known: the interpolation reads the nearest row there. */
            float v = 3;
            if (x > 0 && y > 0 && x < w - 1 && y < h - 1) {
                const float *up = dist + i - w;
                v = dist[i - 1] + 3;
                v = up[0] + 3 < v ? up[0] + 3 : v;
                v = up[-1] + 4 < v ? up[-1] + 4 : v;
                v = up[1] + 4 < v ? up[1] + 4 : v;
            }
            dist[i] = v;
        }
    for (int y = h - 2; y > 0; y--)
        for (int x = w - 2; x > 0; x--) {
            const size_t i = (size_t)y * w + x;
            if (!hole[i])
                continue;
            const float *dn = dist + i + w;
            float v = dist[i];
            v = dist[i + 1] + 3 < v ? dist[i + 1] + 3 : v;
            v = dn[0] + 3 < v ? dn[0] + 3 : v;
            v = dn[1] + 4 < v ? dn[1] + 4 : v;
            v = dn[-1] + 4 < v ? dn[-1] + 4 : v;
            dist[i] = v;
        }
    for (size_t i = 0; i < (size_t)w * h; i++)
        dist[i] /= 3;
}

/* The reference dilation: a column pass gathering each column. */
static int ref_dilate(uint8_t *m, int w, int h, int r)
{
    uint8_t *row = malloc(w > h ? w : h);
    if (!row)
        return -1;
    for (int y = 0; y < h; y++) {
        uint8_t *p = m + (size_t)y * w;
        memcpy(row, p, w);
        for (int x = 0; x < w; x++)
            if (row[x])
                memset(p + (x - r < 0 ? 0 : x - r), 1, (x + r >= w ? w - 1 : x + r) - (x - r < 0 ? 0 : x - r) + 1);
    }
    for (int x = 0; x < w; x++) {
        for (int y = 0; y < h; y++)
            row[y] = m[(size_t)y * w + x];
        for (int y = 0; y < h; y++)
            if (row[y])
                for (int yy = y - r < 0 ? 0 : y - r; yy <= y + r && yy < h; yy++)
                    m[(size_t)yy * w + x] = 1;
    }
    free(row);
    return 0;
}

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Random rectangles and single pixels, some on the picture's edges, over a w x h map. */
static void random_hole(uint8_t *hole, int w, int h, uint32_t *seed)
{
    memset(hole, 0, (size_t)w * h);
    const int shapes = 1 + rnd(seed) % 4;
    for (int k = 0; k < shapes; k++) {
        int x0 = rnd(seed) % w, y0 = rnd(seed) % h;
        int rw = 1 + rnd(seed) % (w / 2), rh = 1 + rnd(seed) % (h / 2);
        if (rnd(seed) % 3 == 0)
            y0 = rnd(seed) % 2 ? 0 : h - rh;    /* touching the top or the bottom row */
        if (rnd(seed) % 3 == 0)
            x0 = rnd(seed) % 2 ? 0 : w - rw;
        for (int y = y0; y < y0 + rh && y < h; y++)
            for (int x = x0; x < x0 + rw && x < w; x++)
                hole[(size_t)y * w + x] = 1;
    }
    for (int k = 0; k < 8; k++)
        hole[rnd(seed) % ((uint32_t)w * h)] = 1;
}

static void test_complete_exact(void)
{
    enum { W = 67, H = 41, N = W * H };
    static float u[N], v[N], ru[N], rv[N];
    static uint8_t hole[N], rhole[N];
    uint32_t seed = 7;
    int same = 1;
    for (int it = 0; it < 200; it++) {
        random_hole(hole, W, H, &seed);
        memcpy(rhole, hole, N);
        for (int i = 0; i < N; i++) {
            ru[i] = u[i] = (float)(rnd(&seed) % 1000) / 7.0f;
            rv[i] = v[i] = (float)(rnd(&seed) % 1000) / 3.0f - 100;
        }
        const int two = it % 2;
        RS_CHECK_EQ_INT(rs_fill_complete(u, two ? v : NULL, W, H, hole), 0);
        RS_CHECK_EQ_INT(ref_complete(ru, two ? rv : NULL, W, H, rhole), 0);
        same &= !memcmp(u, ru, sizeof(u)) && !memcmp(v, rv, sizeof(v)) && !memcmp(hole, rhole, sizeof(hole));
    }
    RS_CHECK(same);
}

static void test_edge_distance_exact(void)
{
    enum { W = 53, H = 47, N = W * H };
    static float d[N], rd[N];
    static uint8_t hole[N];
    uint32_t seed = 11;
    int same = 1;
    for (int it = 0; it < 200; it++) {
        if (it % 10)
            random_hole(hole, W, H, &seed);
        else
            memset(hole, it % 20 ? 1 : 0, N);     /* none, and everything */
        /* Garbage first: every sample must be written. */
        memset(d, 0x7f, sizeof(d));
        rs_fill_edge_distance(hole, W, H, d);
        ref_edge_distance(hole, W, H, rd);
        same &= !memcmp(d, rd, sizeof(d));
    }
    RS_CHECK(same);
}

static void test_dilate_exact(void)
{
    enum { W = 59, H = 43, N = W * H };
    static uint8_t m[N], rm[N];
    uint32_t seed = 5;
    int same = 1;
    for (int it = 0; it < 120; it++) {
        random_hole(m, W, H, &seed);
        /* Any non-zero value counts as set. */
        m[rnd(&seed) % N] = 3;
        memcpy(rm, m, N);
        const int r = it % 40 == 0 ? 0 : 1 + (int)(rnd(&seed) % (it % 3 ? 4 : 60));
        RS_CHECK_EQ_INT(rs_fill_dilate(m, W, H, r), 0);
        RS_CHECK_EQ_INT(ref_dilate(rm, W, H, r), 0);
        same &= !memcmp(m, rm, N);
    }
    RS_CHECK(same);
}

#define W 96
#define H 64
#define N 9
#define CW (W / 2)
#define CH (H / 2)

typedef struct Shot {
    uint8_t y[N][W * H], u[N][CW * CH], v[N][CW * CH];
    uint8_t mask[N][W * H];
    RsCleanFrame f[N];
} Shot;

/*
 * A panning texture with a dark square passing, masked from the top row to
 * the bottom one in part, a still square no frame shows behind (synthesis),
 * and a bright speck on one frame (dust).
 */
static void make_shot(Shot *s)
{
    for (int t = 0; t < N; t++) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const int mv = x >= 10 + 6 * t && x < 26 + 6 * t && y >= 20 && y < 36;
                const int still = x >= 70 && x < 82 && y >= 40 && y < 52;
                const int bar = x >= 50 && x < 54;
                uint8_t bg = fx_clip(fx_texture(x - 1.5 * t, y + 0.5 * t));
                s->y[t][y * W + x] = mv ? 30 : still ? 200 : bg;
                s->mask[t][y * W + x] = (uint8_t)(mv || still || bar);
            }
        if (t == N / 2)
            for (int y = 8; y < 11; y++)
                for (int x = 80; x < 83; x++)
                    s->y[t][y * W + x] = 255;
        for (int y = 0; y < CH; y++)
            for (int x = 0; x < CW; x++) {
                s->u[t][y * CW + x] = fx_clip(0.5 * fx_texture(2 * x - 1.5 * t + 40, 2 * y) + 64);
                s->v[t][y * CW + x] = fx_clip(0.5 * fx_texture(2 * x - 1.5 * t, 2 * y + 30) + 64);
            }
        s->f[t] = (RsCleanFrame){ { s->y[t], s->u[t], s->v[t] }, { W, CW, CW }, s->mask[t], W };
    }
}

static int same_shot(const Shot *a, const Shot *b)
{
    return !memcmp(a->y, b->y, sizeof(a->y)) && !memcmp(a->u, b->u, sizeof(a->u)) &&
           !memcmp(a->v, b->v, sizeof(a->v));
}

/* The fill of the N frames f and its refining passes, with the fields of cache taken over (NULL:
 * its own); open: as a window of a longer shot (rs_fill_open_end()). */
static int fill_frames(RsCleanFrame *f, const RsCleanSettings *set, RsFlowCache *cache, int open)
{
    RsFillCtx c;
    int ret = rs_fill_prepare_cached(&c, f, N, W, H, 1, 1, set, cache);
    if (ret >= 0 && open)
        rs_fill_open_end(&c);
    if (ret >= 0)
        ret = rs_fill_all(&c, NULL, NULL, NULL);
    rs_fill_free(&c);
    return ret;
}

static int fill_open(Shot *s, const RsCleanSettings *set, RsFlowCache *cache, int open)
{
    return fill_frames(s->f, set, cache, open);
}

static int fill(Shot *s, const RsCleanSettings *set, RsFlowCache *cache)
{
    return fill_open(s, set, cache, 0);
}

/*
 * The first fill leaves the chroma of frames the refining pass fills again
 * unless a frame it finishes carries it on: the same shot as when it fills
 * every frame's chroma. Masks: on frames 4 and 5 only a speck under a
 * thousandth of the picture (not refined) over the still square, which no
 * other frame shows, so they carry frame 3's first fill on.
 */
static void test_chroma_once(void)
{
    static Shot a, b;
    make_shot(&a);
    make_shot(&b);
    for (Shot *s = &a; s; s = s == &a ? &b : NULL)
        for (int t = 4; t <= 5; t++) {
            memset(s->mask[t], 0, W * H);
            for (int y = 45; y < 47; y++)
                for (int x = 75; x < 77; x++)
                    s->mask[t][y * W + x] = 1;
        }
    RsCleanSettings s;
    rs_clean_default_settings(&s);
    s.threads = 2;
    RS_CHECK_EQ_INT(s.refine, 1);
    RS_CHECK_EQ_INT(fill_open(&a, &s, NULL, 0), 0);
    RS_CHECK_EQ_INT(fill_open(&b, &s, NULL, 1), 0);
    RS_CHECK(same_shot(&a, &b));
    /* The chroma under the masks was filled (the dark square's chroma is the texture's). */
    Shot o;
    make_shot(&o);
    RS_CHECK(memcmp(a.u[1], o.u[1], sizeof(o.u[1])));
}

/* Whole fill: one thread against two (chroma on its own thread), every sample. */
static void test_threads_agree(void)
{
    static Shot a, b;
    make_shot(&a);
    make_shot(&b);
    RsCleanSettings s;
    rs_clean_default_settings(&s);
    s.threads = 1;
    RsCleanStats sa, sb;
    RS_CHECK_EQ_INT(rs_clean_frames(a.f, N, W, H, 1, 1, &s, &sa), 0);
    s.threads = 2;
    RS_CHECK_EQ_INT(rs_clean_frames(b.f, N, W, H, 1, 1, &s, &sb), 0);
    RS_CHECK(same_shot(&a, &b));
    RS_CHECK(!memcmp(&sa, &sb, sizeof(sa)));
    /* The shot does exercise the synthesis and the fill from other frames. */
    RS_CHECK(sa.synthesised > 0);
    RS_CHECK(sa.from_time > 0);
}

/*
 * Dust found on frames fa on their own flows and on frames fb (the same
 * pictures) through a cache made here: some found, the same masks.
 */
static void dust_both_ways(const RsCleanFrame *fa, const RsCleanFrame *fb, RsFlowCache *cache)
{
    static uint8_t ma[N][W * H], mb[N][W * H];
    uint8_t *pa[N], *pb[N];
    for (int t = 0; t < N; t++) {
        pa[t] = ma[t];
        pb[t] = mb[t];
    }
    int64_t na = -1, nb = -1;
    RS_CHECK_EQ_INT(rs_dust_detect(fa, N, W, H, 24, pa, W, &na), 0);
    RsFlowSettings fs;
    rs_flow_default_settings(&fs);
    RS_CHECK_EQ_INT(rs_flow_cache_init(cache, fb, N, W, H, &fs, 2), 0);
    RS_CHECK_EQ_INT(rs_dust_detect_cached(fb, N, W, H, 24, pb, W, &nb, cache), 0);
    RS_CHECK(na > 0);
    RS_CHECK(na == nb && !memcmp(ma, mb, sizeof(ma)));
}

/* Dust found on shared flows, and the fill on them, as on flows of their own. */
static void test_shared_flows(void)
{
    static Shot a, b;
    make_shot(&a);
    make_shot(&b);
    RsFlowCache cache;
    dust_both_ways(a.f, b.f, &cache);
    /* The dust test left the fields of its inner frames in the cache. */
    int held = 0;
    for (int k = 0; k < 2 * N; k++)
        held += cache.f[k] != NULL;
    RS_CHECK_EQ_INT(held, 2 * (N - 2));
    RsCleanSettings s;
    rs_clean_default_settings(&s);
    s.threads = 2;
    /* The fill takes fields computed as its own would be: the dust test's have no median. */
    s.flow_median = 0;
    RS_CHECK_EQ_INT(fill(&a, &s, NULL), 0);
    RS_CHECK_EQ_INT(fill(&b, &s, &cache), 0);
    /* ... and the fill took them all over. */
    held = 0;
    for (int k = 0; k < 2 * N; k++)
        held += cache.f[k] != NULL;
    RS_CHECK_EQ_INT(held, 0);
    RS_CHECK(same_shot(&a, &b));
    rs_flow_cache_free(&cache);
}

typedef struct Deep {
    uint16_t y[N][W * H], u[N][CW * CH], v[N][CW * CH];
    RsCleanFrame f[N];
} Deep;

/* The shot at 10 bits (each sample times 4), on the same masks. */
static void make_deep(Deep *d, const Shot *s)
{
    for (int t = 0; t < N; t++) {
        for (int i = 0; i < W * H; i++)
            d->y[t][i] = (uint16_t)(s->y[t][i] << 2);
        for (int i = 0; i < CW * CH; i++) {
            d->u[t][i] = (uint16_t)(s->u[t][i] << 2);
            d->v[t][i] = (uint16_t)(s->v[t][i] << 2);
        }
        d->f[t] = (RsCleanFrame){ { (uint8_t *)d->y[t], (uint8_t *)d->u[t], (uint8_t *)d->v[t] },
                                  { 2 * W, 2 * CW, 2 * CW }, s->mask[t], W, 10 };
    }
}

/* Deeper frames: the cache makes its own 8-bit guides, as the passes do. */
static void test_shared_flows_deep(void)
{
    static Shot s;
    static Deep a, b, o;
    make_shot(&s);
    make_deep(&a, &s);
    make_deep(&b, &s);
    make_deep(&o, &s);
    RsFlowCache cache;
    dust_both_ways(a.f, b.f, &cache);
    RsCleanSettings set;
    rs_clean_default_settings(&set);
    set.threads = 2;
    set.flow_median = 0;
    RS_CHECK_EQ_INT(fill_frames(a.f, &set, NULL, 0), 0);
    RS_CHECK_EQ_INT(fill_frames(b.f, &set, &cache, 0), 0);
    RS_CHECK(!memcmp(a.y, b.y, sizeof(a.y)) && !memcmp(a.u, b.u, sizeof(a.u)) && !memcmp(a.v, b.v, sizeof(a.v)));
    /* The chroma was filled too (the refining pass fills it), so its comparison says something. */
    RS_CHECK(memcmp(a.u, o.u, sizeof(a.u)));
    rs_flow_cache_free(&cache);
}

int main(void)
{
    RS_RUN(test_complete_exact);
    RS_RUN(test_edge_distance_exact);
    RS_RUN(test_dilate_exact);
    RS_RUN(test_threads_agree);
    RS_RUN(test_chroma_once);
    RS_RUN(test_shared_flows);
    RS_RUN(test_shared_flows_deep);
    return rs_test_end();
}
