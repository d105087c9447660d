/*
 * Filling one frame: follow the completed flow to the nearest frames where
 * each masked pixel's background shows (see fill.c), carry the previous
 * frame's fill where none does, synthesise the rest.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/fill.h"
#include "cleanup/flow_internal.h"
#include "cleanup/synth.h"
#include "cleanup/workers.h"
#include "rushes/error.h"

/* Offset of plane p's maps inside a frame's bad[] block. */
static size_t plane_offset(const RsFillCtx *c, int p)
{
    return p ? (size_t)c->w * c->h + (size_t)(p - 1) * c->pw[1] * c->ph[1] : 0;
}

/* Motion of plane p's point (x, y) along field f, in plane p's pixels. */
static void step(const RsFillCtx *c, const float *f, int p, float *x, float *y)
{
    const float sx = (float)(p ? 1 << c->lcw : 1), sy = (float)(p ? 1 << c->lch : 1);
    const float sc = (float)(1 << c->level);
    /* Plane point -> luma point -> flow-level point (pixel centres line up). */
    float lx = (*x + 0.5f) * sx - 0.5f, ly = (*y + 0.5f) * sy - 0.5f;
    float fx = (lx + 0.5f) / sc - 0.5f, fy = (ly + 0.5f) / sc - 0.5f;
    const size_t fn = (size_t)c->fw * c->fh;
    *x += rs_flow_sample(f, c->fw, c->fh, fx, fy) * sc / sx;
    *y += rs_flow_sample(f + fn, c->fw, c->fh, fx, fy) * sc / sy;
}

/* Bilinear read of plane p of frame t at (x, y); -1 when outside or touching a bad pixel. */
static float fetch(const RsFillCtx *c, int t, int p, float x, float y, int check)
{
    const int w = c->pw[p], h = c->ph[p];
    if (x < -0.5f || y < -0.5f || x > w - 0.5f || y > h - 0.5f)
        return -1;
    float cx = x < 0 ? 0 : x > w - 1 ? (float)(w - 1) : x;
    float cy = y < 0 ? 0 : y > h - 1 ? (float)(h - 1) : y;
    int x0 = (int)cx, y0 = (int)cy;
    int x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    if (check) {
        const uint8_t *bad = c->bad[t] + plane_offset(c, p);
        if ((bad[(size_t)y0 * w + x0] | bad[(size_t)y0 * w + x1] | bad[(size_t)y1 * w + x0] |
             bad[(size_t)y1 * w + x1]) & RS_FILL_BAD)
            return -1;
    }
    const uint8_t *d = c->frames[t].plane[p];
    const ptrdiff_t s = c->frames[t].stride[p];
    const int hbd = c->hbd;
    float fx = cx - x0, fy = cy - y0;
    return (rs_px(d, s, hbd, x0, y0) * (1 - fx) + rs_px(d, s, hbd, x1, y0) * fx) * (1 - fy) +
           (rs_px(d, s, hbd, x0, y1) * (1 - fx) + rs_px(d, s, hbd, x1, y1) * fx) * fy;
}

/* Follow the flow from frame t in direction dir (+1, -1); the value and distance of the first sighting. */
static float search(const RsFillCtx *c, int t, int p, int x, int y, int dir, int limit, int *dist)
{
    float px = (float)x, py = (float)y;
    for (int k = 1; k <= limit; k++) {
        int from = t + dir * (k - 1), to = t + dir * k;
        if (to < 0 || to >= c->n)
            break;
        step(c, dir > 0 ? c->fwd[from] : c->bwd[from], p, &px, &py);
        if (px < -0.5f || py < -0.5f || px > c->pw[p] - 0.5f || py > c->ph[p] - 0.5f)
            break;
        float v = fetch(c, to, p, px, py, 1);
        if (v >= 0) {
            *dist = k;
            return v;
        }
    }
    return -1;
}

/*
 * The background at (x, y) seen in the nearest frames each way, blended by
 * distance; -1 if none. *near: how many frames away the nearer sighting is.
 */
static float from_time(const RsFillCtx *c, int t, int p, int x, int y, float *near)
{
    int df = 0, db = 0;
    float vf = search(c, t, p, x, y, +1, c->s.max_distance, &df);
    /* A sighting much farther back than the one ahead would weigh little in the blend. */
    int back = vf >= 0 && 4 * df + 4 < c->s.max_distance ? 4 * df + 4 : c->s.max_distance;
    float vb = search(c, t, p, x, y, -1, back, &db);
    *near = (float)(vf >= 0 && vb >= 0 ? (df < db ? df : db) : vf >= 0 ? df : db);
    if (vf >= 0 && vb >= 0)
        return (vf * db + vb * df) / (float)(df + db);
    return vf >= 0 ? vf : vb;
}

/*
 * Seam correction: on the ring of pixels just outside the mask, the frame's
 * own value minus the propagated background (clamped to 32 levels at 8 bits,
 * the same share of the range at any depth, so one misaligned edge cannot
 * dominate) is known; it is spread inwards over the mask and added to the
 * pixels filled from other frames. The ring's propagated values are in val[]
 * already (the search covers a band around the mask). Only rows y0..y1 of
 * the maps are read and written (see plane_search()).
 */
static int correct_seam(const RsFillCtx *c, int t, int p, int y0, int y1, const uint8_t *msk,
                        const uint8_t *band, float *val, float *corr, float *scratch, uint8_t *state)
{
    const int w = c->pw[p], h = c->ph[p];
    const uint8_t *d = c->frames[t].plane[p];
    const ptrdiff_t s = c->frames[t].stride[p];
    const float lim = (float)(32 << (c->depth - 8));
    for (int y = y0; y <= y1; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            corr[i] = scratch[i] = 0;
            state[i] = msk[i];
            /* The ring lies in the band (within 3 of the mask): elsewhere there is nothing to look at. */
            if (msk[i] || !band[i])
                continue;
            int ring = 0;
            for (int dy = -1; dy <= 1 && !ring; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h && msk[(size_t)ny * w + nx]) {
                        ring = 1;
                        break;
                    }
                }
            if (!ring)
                continue;
            const float e = val[i];
            if (e >= 0) {
                float r = rs_px(d, s, c->hbd, x, y) - e;
                corr[i] = r < -lim ? -lim : r > lim ? lim : r;
            }
        }
    const size_t o = (size_t)y0 * w;
    const int hc = y1 - y0 + 1;
    if (rs_fill_complete(corr + o, NULL, w, hc, state + o) < 0)
        return RS_ENOMEM;
    /* What the edge says holds near it; deep inside a large mask it says little (a local
     * misalignment, the object's shadow), so it fades over 12 pixels of a 640-pixel-wide
     * plane, the same share of any picture. */
    const float fade = 12.0f * w / 640 > 2 ? 12.0f * w / 640 : 2;
    rs_fill_edge_distance(msk + o, w, hc, scratch + o);
    for (size_t i = o; i < o + (size_t)w * hc; i++)
        if (msk[i] && val[i] >= 0)
            val[i] += corr[i] * expf(-(scratch[i] - 1) / fade);
    return 0;
}

typedef struct Rows {
    const RsFillCtx *c;
    int t, p;
    const uint8_t *want;
    float *val, *near;
    int y1;             /* the last row to search */
    atomic_int next;    /* next row to search */
} Rows;

/* Searches only read other frames and write their own val[], so rows can run on any thread. */
static void *search_rows(void *opaque)
{
    Rows *r = opaque;
    const int w = r->c->pw[r->p];
    for (int y; (y = atomic_fetch_add(&r->next, 1)) <= r->y1;)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            r->val[i] = r->want[i] ? from_time(r->c, r->t, r->p, x, y, &r->near[i]) : -1;
        }
    return NULL;
}

/*
 * val[] of plane p, rows y0..y1: the background seen in other frames where
 * want[] is set, -1 where none (or not wanted); near[]: how many frames away.
 */
static void search_plane(const RsFillCtx *c, int t, int p, int y0, int y1, const uint8_t *want, float *val,
                         float *near, int nt)
{
    Rows r = { .c = c, .t = t, .p = p, .want = want, .val = val, .near = near, .y1 = y1 };
    atomic_init(&r.next, y0);
    rs_run_workers(search_rows, &r, nt);
}

/*
 * What one thread fills a frame with: per plane the mask and the values
 * found (val[], kept from the search to the write), and scratch maps for one
 * plane at a time (the largest): four of bytes, then three of floats.
 */
struct RsFillSlot {
    int t;              /* the frame searched, -1 for none */
    int ret;            /* the search's result */
    int y0[3], y1[3];   /* the rows each plane's maps hold (see plane_search()) */
    uint8_t *msk[3];
    float *val[3];
    uint8_t *hole, *ok, *band, *want;
    float *corr, *scratch, *near;
};

static RsFillSlot *slot_alloc(const RsFillCtx *c)
{
    const size_t ln = (size_t)c->w * c->h, cn = (size_t)c->pw[1] * c->ph[1], all = ln + 2 * cn;
    RsFillSlot *s = calloc(1, sizeof(*s));
    uint8_t *b = s ? malloc(all * (1 + sizeof(float)) + ln * (4 + 3 * sizeof(float))) : NULL;
    if (!b) {
        free(s);
        return NULL;
    }
    /* Floats first, so all are aligned. */
    s->val[0] = (float *)b;
    s->val[1] = s->val[0] + ln;
    s->val[2] = s->val[1] + cn;
    s->corr = s->val[2] + cn;
    s->scratch = s->corr + ln;
    s->near = s->scratch + ln;
    s->msk[0] = (uint8_t *)(s->near + ln);
    s->msk[1] = s->msk[0] + ln;
    s->msk[2] = s->msk[1] + cn;
    s->hole = s->msk[2] + cn;
    s->ok = s->hole + ln;
    s->band = s->ok + ln;
    s->want = s->band + ln;
    s->t = -1;
    return s;
}

void rs_fill_slot_free(RsFillSlot **s)
{
    if (*s)
        free((*s)->val[0]);
    free(*s);
    *s = NULL;
}

/*
 * Where the spatial blend of plane p of frame t keeps its interpolations for
 * the refining passes (NULL: it does not). Room is taken on first use while
 * the budget lasts; without it the pass computes them again, to the same
 * values.
 */
static RsBlendKeep *blend_keep(const RsFillCtx *c, int t, int p, const uint8_t *msk, const uint8_t *band, size_t n)
{
    if (!c->keep)
        return NULL;
    RsBlendKeep *k = &c->keep[3 * t + p];
    if (k->have || k->v)
        return k;
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        cnt += band[i] | msk[i];
    const long long bytes = (long long)(cnt * sizeof(float));
    if (!cnt || atomic_fetch_sub(c->keep_room, bytes) < bytes) {
        atomic_fetch_add(c->keep_room, bytes);
        return NULL;
    }
    if (!(k->v = malloc(cnt * sizeof(float)))) {
        atomic_fetch_add(c->keep_room, bytes);
        return NULL;
    }
    k->n = cnt;
    return k;
}

/*
 * The first half of filling plane p of frame t: the search of other frames,
 * the seam correction and the spatial blend, into sl->val[p] over the
 * mask sl->msk[p]. It reads only pixels no fill writes (a frame's own pixels
 * outside its mask, other frames' outside their grown masks), so it may run
 * while an earlier frame is written (see rs_fill_frame()). nt: threads
 * for the search. Returns 0 or RS_ENOMEM (no message: it may run on a
 * helper thread).
 *
 * Everything here reads and writes only rows y0..y1 of the maps: the mask's
 * rows and a margin of five, which hold the band (3 rows), the ring the
 * completions read around it (1 row) and a spare row. Pixels outside those
 * rows are neither masked nor in the band, so they were skipped by every
 * loop, and the completions and the chamfer distance see known rows before
 * the margin's edge as they saw them in the whole plane: the output is the
 * same, bit for bit, as over the whole plane. The blends are given the rows
 * as a shorter plane of the same width (their lengths scale with the width).
 */
static int plane_search(const RsFillCtx *c, int t, int p, RsFillSlot *sl, int nt)
{
    const int w = c->pw[p], h = c->ph[p];
    uint8_t *msk = sl->msk[p], *band = sl->band, *want = sl->want;
    float *val = sl->val[p];
    const uint8_t *bad = c->bad[t] + plane_offset(c, p);
    int y0 = h, y1 = -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (bad[(size_t)y * w + x] & RS_FILL_MASK) {
                y0 = y < y0 ? y : y0;
                y1 = y;
                break;
            }
    sl->y0[p] = 0;
    sl->y1[p] = -1;
    if (y1 < 0)
        return 0;   /* nothing masked in this plane */
    y0 = y0 - 5 > 0 ? y0 - 5 : 0;
    y1 = y1 + 5 < h - 1 ? y1 + 5 : h - 1;
    sl->y0[p] = y0;
    sl->y1[p] = y1;
    const size_t o = (size_t)y0 * w, nc = (size_t)(y1 - y0 + 1) * w;
    const int hc = y1 - y0 + 1;
    for (size_t i = o; i < o + nc; i++)
        msk[i] = !!(bad[i] & RS_FILL_MASK);
    const uint8_t *d = c->frames[t].plane[p];
    const ptrdiff_t s = c->frames[t].stride[p];
    /* The band: pixels within 3 of the mask, where the seam correction and the
     * spatial blend compare the fill from other frames with the frame itself. */
    memcpy(band + o, msk + o, nc);
    if (rs_fill_dilate(band + o, w, hc, 3) < 0)
        return RS_ENOMEM;
    for (size_t i = o; i < o + nc; i++) {
        band[i] = band[i] && !msk[i];
        want[i] = band[i] | msk[i];
    }
    search_plane(c, t, p, y0, y1, want, val, sl->near, nt);
    int ntime = 0;
    for (size_t i = o; i < o + nc; i++)
        ntime += msk[i] && val[i] >= 0;
    if (c->s.seam && ntime) {
        const int ret = correct_seam(c, t, p, y0, y1, msk, band, val, sl->corr, sl->scratch, sl->hole);
        if (ret < 0)
            return ret;
    }
    if (ntime && rs_fill_blend_spatial(d + y0 * s, s, c->depth, w, hc, msk + o, band + o, val + o, sl->near + o,
                                       blend_keep(c, t, p, msk + o, band + o, nc)) < 0)
        return RS_ENOMEM;
    return 0;
}

/*
 * The second half: write the values found into plane p of frame t, carry
 * the previous frame's fill where none was found, synthesise the rest. Only
 * plane 0 counts in stats. Returns 0, RS_ENOMEM or another negative code.
 */
static int plane_write(RsFillCtx *c, int t, int p, RsFillSlot *sl, RsCleanStats *stats)
{
    const int w = c->pw[p], h = c->ph[p], y0 = sl->y0[p], y1 = sl->y1[p];
    if (y1 < 0)
        return 0;
    const size_t n = (size_t)w * h, o = (size_t)y0 * w, nc = (size_t)(y1 - y0 + 1) * w;
    const int hc = y1 - y0 + 1;
    const uint8_t *msk = sl->msk[p], *bad = c->bad[t] + plane_offset(c, p);
    const float *val = sl->val[p];
    uint8_t *hole = sl->hole, *ok = sl->ok, *band = sl->band;
    uint8_t *d = c->frames[t].plane[p];
    const ptrdiff_t s = c->frames[t].stride[p];
    int nsynth = 0;
    /* The synthesis reads the whole plane's map of what to fill. */
    memset(hole, 0, n);
    for (int y = y0; y <= y1; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            if (!msk[i])
                continue;
            float v = val[i];
            if (v >= 0) {
                if (!p && stats)
                    stats->from_time++;
            } else if (t > 0) {
                /* The previous frame is filled already: carry its fill along the flow. A
                 * motion under a quarter of a luma pixel is taken for none: on a still
                 * camera the field completed over a wide hole is not exactly zero (what
                 * moves past the hole pulls on the fit), and every carry resamples, so
                 * the fill would creep and blur from frame to frame with nothing in the
                 * picture moving. */
                float px = (float)x, py = (float)y;
                step(c, c->bwd[t], p, &px, &py);
                if (fabsf(px - x) * (p ? 1 << c->lcw : 1) < 0.25f && fabsf(py - y) * (p ? 1 << c->lch : 1) < 0.25f)
                    px = (float)x, py = (float)y;
                v = fetch(c, t - 1, p, px, py, 0);
                if (v >= 0 && !p && stats)
                    stats->carried++;
            }
            if (!p && stats)
                stats->masked++;
            if (v >= 0) {
                const float mx = (float)c->maxval;
                rs_px_set(d, s, c->hbd, x, y, (int)lrintf(v < 0 ? 0 : v > mx ? mx : v));
            } else {
                hole[i] = 1;
                nsynth++;
            }
        }
    if (!nsynth)
        return 0;
    for (size_t i = 0; i < n; i++)
        ok[i] = !(bad[i] & RS_FILL_BAD);
    int ps = p ? (c->s.patch_size / 2) | 1 : c->s.patch_size;
    ps = ps < 3 ? 3 : ps;
    memcpy(band + o, hole + o, nc);
    int ret = rs_synth_fill(d, s, c->depth, w, h, hole, ok, ps, c->s.seed + (uint32_t)t * 3 + (uint32_t)p);
    /* Synthesised texture is right in kind but rarely in place: near the edge the smooth
     * interpolation of the surroundings weighs more, within about three patches. Skipped
     * when the plane had nothing known to synthesise from. The synthesised pixels lie in
     * the mask's rows, so the blend reads those rows only, as above. */
    if (!ret && rs_fill_blend_synth(d + y0 * s, s, c->depth, w, hc, band + o, (float)(3 * ps)) < 0)
        ret = RS_ENOMEM;
    if (ret >= 0 && !p && stats) {
        stats->synthesised += nsynth - ret;
        stats->unfilled += ret;
    }
    return ret < 0 ? ret : 0;
}

/* The first half of frame t, every plane, into sl. */
static int frame_search(const RsFillCtx *c, int t, RsFillSlot *sl, int nt)
{
    sl->t = t;
    sl->ret = 0;
    for (int p = 0; p < rs_fill_planes(c, t) && sl->ret >= 0; p++)
        sl->ret = plane_search(c, t, p, sl, nt);
    return sl->ret;
}

void rs_fill_drop_ahead(RsFillCtx *c)
{
    if (c->slot[1])
        c->slot[1]->t = -1;
}

typedef struct Ahead {
    const RsFillCtx *c;
    int t;
    RsFillSlot *sl;
} Ahead;

static void *search_ahead(void *opaque)
{
    Ahead *a = opaque;
    frame_search(a->c, a->t, a->sl, 1);
    return NULL;
}

/*
 * Frames go in pairs when there are two threads or more: while this thread
 * searches frame t and writes it, a helper searches frame t + 1 (its search
 * reads no pixel the write of t changes); the call for t + 1 then only
 * writes. Every half is computed as it would be alone and the writes stay in
 * order, so the output does not depend on the threads.
 */
int rs_fill_frame(RsFillCtx *c, int t, RsCleanStats *stats)
{
    if (rs_fill_cancelled(c))
        return rs_error(RS_EINTR, "clean: cancelled at frame %d", t);
    const int nt = rs_worker_count(c->s.threads, 0);
    for (int k = 0; k < 1 + (nt > 1); k++)
        if (!c->slot[k] && !(c->slot[k] = slot_alloc(c)))
            return rs_error(RS_ENOMEM, "clean: out of memory for frame %d", t);
    RsFillSlot *sl = c->slot[0];
    int ret;
    if (c->slot[1] && c->slot[1]->t == t) {
        /* Searched on the helper during the call for t - 1. */
        sl = c->slot[1];
        ret = sl->ret;
    } else {
        Ahead a = { c, t + 1, c->slot[1] };
        pthread_t th;
        const int helper = c->slot[1] && t + 1 < c->n && !pthread_create(&th, NULL, search_ahead, &a);
        /* What the helper holds is only used by the very next call. */
        if (!helper && c->slot[1])
            c->slot[1]->t = -1;
        ret = frame_search(c, t, sl, helper ? 1 : nt);
        for (int p = 0; p < rs_fill_planes(c, t) && ret >= 0; p++)
            ret = plane_write(c, t, p, sl, stats);
        if (helper)
            pthread_join(th, NULL);
        sl->t = -1;
        return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "clean: out of memory for frame %d", t) : ret;
    }
    for (int p = 0; p < rs_fill_planes(c, t) && ret >= 0; p++)
        ret = plane_write(c, t, p, sl, stats);
    sl->t = -1;
    return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "clean: out of memory for frame %d", t) : ret;
}

int rs_clean_frames(RsCleanFrame *frames, int n, int width, int height, int log2_chroma_w,
                    int log2_chroma_h, const RsCleanSettings *s, RsCleanStats *stats)
{
    RsCleanSettings def;
    if (!s) {
        rs_clean_default_settings(&def);
        s = &def;
    }
    if (!frames || n < 1 || width < 8 || height < 8)
        return rs_error(RS_EINVAL, "clean: %d frames of %dx%d (at least 1 frame of 8x8)", n, width, height);
    if (log2_chroma_w < 0 || log2_chroma_w > 1 || log2_chroma_h < 0 || log2_chroma_h > 1)
        return rs_error(RS_EINVAL, "clean: chroma shifts %d,%d (0 or 1)", log2_chroma_w, log2_chroma_h);
    if (s->max_distance < 0 || s->grow < 0 || s->grow > 64)
        return rs_error(RS_EINVAL, "clean: max_distance %d or grow %d out of range", s->max_distance, s->grow);
    if (s->patch_size < 3 || s->patch_size > 15 || !(s->patch_size & 1))
        return rs_error(RS_EINVAL, "clean: patch_size %d is not odd in 3..15", s->patch_size);
    if (stats)
        memset(stats, 0, sizeof(*stats));
    RsFillCtx c;
    int ret = rs_fill_prepare(&c, frames, n, width, height, log2_chroma_w, log2_chroma_h, s);
    if (ret == RS_ENOMEM)
        ret = rs_error(RS_ENOMEM, "clean: out of memory for %d frames of %dx%d", n, width, height);
    if (ret >= 0)
        ret = rs_fill_all(&c, stats, NULL, NULL);
    rs_fill_free(&c);
    return ret;
}

int rs_fill_all(RsFillCtx *c, RsCleanStats *stats, void (*progress)(void *opaque, int64_t done, int64_t total),
                void *opaque)
{
    const int passes = c->s.refine;
    int ret = 0;
    for (int pass = 0; ret >= 0 && pass <= passes; pass++) {
        if (pass)
            ret = rs_fill_refine(c);
        for (int t = 0; ret >= 0 && t < c->n; t++) {
            const int again = rs_fill_refines(c, t);
            if (!pass || again)
                ret = rs_fill_frame(c, t, pass == passes || !again ? stats : NULL);
            if (progress)
                progress(opaque, (int64_t)pass * c->n + t + 1, (int64_t)(1 + passes) * c->n);
        }
    }
    return ret;
}
