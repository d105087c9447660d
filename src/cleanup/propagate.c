/*
 * Filling one frame: follow the completed flow to the nearest frames where
 * each masked pixel's background shows (see fill.c), carry the previous
 * frame's fill where none does, synthesise the rest.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/fill.h"
#include "cleanup/flow_internal.h"
#include "cleanup/synth.h"
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
 * already (the search covers a band around the mask).
 */
static int correct_seam(const RsFillCtx *c, int t, int p, const uint8_t *msk, float *val, float *corr,
                         float *scratch, uint8_t *state)
{
    const int w = c->pw[p], h = c->ph[p];
    const uint8_t *d = c->frames[t].plane[p];
    const ptrdiff_t s = c->frames[t].stride[p];
    const float lim = (float)(32 << (c->depth - 8));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            corr[i] = scratch[i] = 0;
            state[i] = msk[i];
            if (msk[i])
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
    if (rs_fill_complete(corr, NULL, w, h, state) < 0)
        return rs_error(RS_ENOMEM, "clean: out of memory for the seam of frame %d", t);
    /* What the edge says holds near it; deep inside a large mask it says little (a local
     * misalignment, the object's shadow), so it fades over 12 pixels of a 640-pixel-wide
     * plane, the same share of any picture. */
    const float fade = 12.0f * w / 640 > 2 ? 12.0f * w / 640 : 2;
    rs_fill_edge_distance(msk, w, h, scratch);
    for (size_t i = 0; i < (size_t)w * h; i++)
        if (msk[i] && val[i] >= 0)
            val[i] += corr[i] * expf(-(scratch[i] - 1) / fade);
    return 0;
}

typedef struct Rows {
    const RsFillCtx *c;
    int t, p;
    const uint8_t *want;
    float *val, *near;
    atomic_int next;    /* next row to search */
} Rows;

/* Searches only read other frames and write their own val[], so rows can run on any thread. */
static void *search_rows(void *opaque)
{
    Rows *r = opaque;
    const int w = r->c->pw[r->p], h = r->c->ph[r->p];
    for (int y; (y = atomic_fetch_add(&r->next, 1)) < h;)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            r->val[i] = r->want[i] ? from_time(r->c, r->t, r->p, x, y, &r->near[i]) : -1;
        }
    return NULL;
}

/*
 * val[] of plane p: the background seen in other frames where want[] is set,
 * -1 where none (or not wanted); near[]: how many frames away.
 */
static void search_plane(const RsFillCtx *c, int t, int p, const uint8_t *want, float *val, float *near)
{
    Rows r = { .c = c, .t = t, .p = p, .want = want, .val = val, .near = near };
    atomic_init(&r.next, 0);
    int nt = c->s.threads > 0 ? c->s.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    nt = nt < 1 ? 1 : nt > 16 ? 16 : nt;
    pthread_t th[16];
    int started = 0;
    for (int i = 1; i < nt; i++, started++)
        if (pthread_create(&th[i], NULL, search_rows, &r))
            break;
    /* This thread works too, so a failed thread start only costs speed. */
    search_rows(&r);
    for (int i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
}

int rs_fill_frame(RsFillCtx *c, int t, RsCleanStats *stats)
{
    const size_t ln = (size_t)c->w * c->h;
    uint8_t *hole = calloc(ln, 5);
    float *val = malloc(sizeof(float) * ln * 4);
    if (!hole || !val) {
        free(hole);
        free(val);
        return rs_error(RS_ENOMEM, "clean: out of memory for frame %d", t);
    }
    uint8_t *ok = hole + ln, *msk = ok + ln, *band = msk + ln, *want = band + ln;
    float *corr = val + ln, *scratch = corr + ln, *near = scratch + ln;
    int ret = 0;
    for (int p = 0; p < 3 && ret >= 0; p++) {
        const int w = c->pw[p], h = c->ph[p];
        const uint8_t *bad = c->bad[t] + plane_offset(c, p);
        for (size_t i = 0; i < (size_t)w * h; i++)
            msk[i] = !!(bad[i] & RS_FILL_MASK);
        uint8_t *d = c->frames[t].plane[p];
        const ptrdiff_t s = c->frames[t].stride[p];
        int nsynth = 0, ntime = 0;
        memset(hole, 0, (size_t)w * h);
        /* The band: pixels within 3 of the mask, where the seam correction and the
         * spatial blend compare the fill from other frames with the frame itself. */
        memcpy(band, msk, (size_t)w * h);
        if (rs_fill_dilate(band, w, h, 3) < 0) {
            ret = rs_error(RS_ENOMEM, "clean: out of memory for frame %d", t);
            break;
        }
        for (size_t i = 0; i < (size_t)w * h; i++) {
            band[i] = band[i] && !msk[i];
            want[i] = band[i] | msk[i];
        }
        search_plane(c, t, p, want, val, near);
        for (size_t i = 0; i < (size_t)w * h; i++)
            ntime += msk[i] && val[i] >= 0;
        if (c->s.seam && ntime && (ret = correct_seam(c, t, p, msk, val, corr, scratch, hole)) < 0)
            break;
        if (ntime && rs_fill_blend_spatial(d, s, c->depth, w, h, msk, band, val, near) < 0) {
            ret = rs_error(RS_ENOMEM, "clean: out of memory for frame %d", t);
            break;
        }
        memset(hole, 0, (size_t)w * h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                size_t i = (size_t)y * w + x;
                if (!msk[i])
                    continue;
                float v = val[i];
                if (v >= 0) {
                    if (!p && stats)
                        stats->from_time++;
                } else if (t > 0) {
                    /* The previous frame is filled already: carry its fill along the flow. */
                    float px = (float)x, py = (float)y;
                    step(c, c->bwd[t], p, &px, &py);
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
            continue;
        for (size_t i = 0; i < (size_t)w * h; i++)
            ok[i] = !(bad[i] & RS_FILL_BAD);
        int ps = p ? (c->s.patch_size / 2) | 1 : c->s.patch_size;
        ps = ps < 3 ? 3 : ps;
        memcpy(band, hole, (size_t)w * h);
        ret = rs_synth_fill(d, s, c->depth, w, h, hole, ok, ps, c->s.seed + (uint32_t)t * 3 + (uint32_t)p);
        /* Synthesised texture is right in kind but rarely in place: near the edge the smooth
         * interpolation of the surroundings weighs more, within about three patches. Skipped
         * when the plane had nothing known to synthesise from. */
        if (!ret && rs_fill_blend_synth(d, s, c->depth, w, h, band, (float)(3 * ps)) < 0)
            ret = rs_error(RS_ENOMEM, "clean: out of memory for frame %d", t);
        if (ret >= 0 && !p && stats) {
            stats->synthesised += nsynth - ret;
            stats->unfilled += ret;
        }
        ret = ret < 0 ? ret : 0;
    }
    free(hole);
    free(val);
    return ret;
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
    for (int pass = 0; ret >= 0 && pass <= s->refine; pass++) {
        if (pass)
            ret = rs_fill_refine(&c);
        for (int t = 0; ret >= 0 && t < n; t++)
            ret = rs_fill_frame(&c, t, pass == s->refine ? stats : NULL);
    }
    rs_fill_free(&c);
    return ret;
}
