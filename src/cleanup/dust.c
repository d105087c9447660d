/*
 * Dust and sparkle: one-frame defects. A pixel is a defect when it differs
 * from both motion-compensated neighbours (the previous and the next frame
 * brought onto it along the flow) by more than the threshold, in the same
 * direction, while those two neighbours agree with each other (within the
 * threshold). Real motion that the flow follows is explained by the
 * neighbours; motion it misses is caught by the displaced-patch check below. The flagged
 * pixels (grown by one) become the mask of an ordinary fill, which takes
 * them from the nearest frames where they are clean.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/fill.h"
#include "cleanup/flow_cache.h"
#include "cleanup/flow_internal.h"
#include "cleanup/workers.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"

/* An 8-bit luma guide (see rs_clean_guide). */
typedef struct Guide {
    const uint8_t *d;
    ptrdiff_t s;
} Guide;

/* Luma of guide o at (x, y) of frame t moved by field f (fw x fh, level lv); -1 outside. */
static float warp(const Guide *go, int w, int h, const float *f, int fw, int fh, int lv, int x, int y)
{
    const float sc = (float)(1 << lv);
    const float fx = (x + 0.5f) / sc - 0.5f, fy = (y + 0.5f) / sc - 0.5f;
    const size_t fn = (size_t)fw * fh;
    float px = x + rs_flow_sample(f, fw, fh, fx, fy) * sc, py = y + rs_flow_sample(f + fn, fw, fh, fx, fy) * sc;
    if (px < 0 || py < 0 || px > w - 1 || py > h - 1)
        return -1;
    int x0 = (int)px, y0 = (int)py, x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
    float ax = px - x0, ay = py - y0;
    const uint8_t *d = go->d;
    const ptrdiff_t s = go->s;
    return (d[y0 * s + x0] * (1 - ax) + d[y0 * s + x1] * ax) * (1 - ay) +
           (d[y1 * s + x0] * (1 - ax) + d[y1 * s + x1] * ax) * ay;
}

/*
 * Motion the flow did not follow (a small fast object) also differs from
 * both warped neighbours while they agree, just like dirt. The difference:
 * the object is still there in the neighbour, displaced. So a candidate is
 * kept only when its 3x3 patch matches nothing within SEARCH pixels of its
 * warped position in either neighbour (a match: four samples or more within
 * half the threshold). The rim of a speck, whose patch is mostly background,
 * may be dropped here; growing the mask by one pixel puts it back.
 */
#define SEARCH 12

static int found_nearby(const Guide *f, const Guide *o, int w, int h, int x, int y, int threshold)
{
    const uint8_t *a = f->d, *b = o->d;
    const ptrdiff_t sa = f->s, sb = o->s;
    for (int dy = -SEARCH; dy <= SEARCH; dy++)
        for (int dx = -SEARCH; dx <= SEARCH; dx++) {
            /* Samples of the 3x3 patch that match: four are enough, so the corner of an
             * object on a background that moves otherwise is still recognised. */
            int same = 0;
            for (int ky = -1; ky <= 1; ky++)
                for (int kx = -1; kx <= 1; kx++) {
                    int ax = x + kx, ay = y + ky, bx = ax + dx, by = ay + dy;
                    if (ax < 0 || ay < 0 || ax >= w || ay >= h || bx < 0 || by < 0 || bx >= w || by >= h)
                        continue;
                    same += 2 * abs(a[ay * sa + ax] - b[by * sb + bx]) < threshold;
                }
            if (same >= 4)
                return 1;
        }
    return 0;
}

int rs_dust_detect(const RsCleanFrame *frames, int n, int width, int height, int threshold,
                   uint8_t *const *masks, ptrdiff_t mask_stride, int64_t *found)
{
    return rs_dust_detect_cached(frames, n, width, height, threshold, masks, mask_stride, found, NULL);
}

/* One detection, shared by the threads that take its frames one at a time. */
typedef struct Job {
    const RsCleanFrame *frames;
    int n, width, height, threshold;
    uint8_t *const *masks;
    ptrdiff_t mask_stride;
    RsFlowCache *cache;         /* the fields, computed already; NULL: each frame computes its own */
    RsFlowSettings fs;
    int lv, fw, fh;
    atomic_int next;            /* the next frame to take */
    atomic_int ret;             /* the first error */
    atomic_llong total;         /* defect pixels found */
} Job;

/*
 * The mask of frame t: its defects, grown by one. fp holds the two fields
 * when they are computed here (4 fw x fh floats), hit three guides of deeper
 * frames after a w x h map.
 */
static int detect_frame(Job *j, int t, float *fp, uint8_t *hit)
{
    const int width = j->width, height = j->height, threshold = j->threshold;
    const int fw = j->fw, fh = j->fh, lv = j->lv;
    const size_t fn = (size_t)fw * fh, ln = (size_t)width * height;
    int ret = 0;
    int64_t total = 0;
    memset(hit, 0, ln);
    /* The first and last frames have one neighbour: nothing to tell a defect from a change. */
    if (t > 0 && t < j->n - 1) {
        Guide g[3];
        for (int k = 0; k < 3; k++)
            g[k].d = rs_clean_guide(&j->frames[t - 1 + k], width, height, hit + ln * (1 + k), &g[k].s);
        const Guide *f = &g[1];
        const float *fb = fp, *ff = fp + 2 * fn;
        if (j->cache) {
            fb = rs_flow_cache_get(j->cache, t, 1);
            ff = rs_flow_cache_get(j->cache, t, 0);
        } else {
            ret = rs_flow_compute_level(f->d, f->s, g[0].d, g[0].s, width, height, &j->fs, fp, fp + fn);
            if (ret >= 0)
                ret = rs_flow_compute_level(f->d, f->s, g[2].d, g[2].s, width, height, &j->fs, fp + 2 * fn,
                                            fp + 3 * fn);
        }
        for (int y = 0; ret >= 0 && y < height; y++)
            for (int x = 0; x < width; x++) {
                float v = f->d[y * f->s + x];
                float p = warp(&g[0], width, height, fb, fw, fh, lv, x, y);
                float dp = v - p;
                /* Nearly every pixel agrees with the frame before: the one after is not read. */
                if (p < 0 || (dp <= threshold && dp >= -threshold))
                    continue;
                float q = warp(&g[2], width, height, ff, fw, fh, lv, x, y);
                if (q < 0)
                    continue;
                float dq = v - q, pq = p - q;
                if (((dp > threshold && dq > threshold) || (dp < -threshold && dq < -threshold)) &&
                    pq < threshold && pq > -threshold)
                    hit[(size_t)y * width + x] = 1;
            }
        for (int y = 0; ret >= 0 && y < height; y++)
            for (int x = 0; x < width; x++)
                if (hit[(size_t)y * width + x] &&
                    (found_nearby(f, &g[0], width, height, x, y, threshold) ||
                     found_nearby(f, &g[2], width, height, x, y, threshold)))
                    hit[(size_t)y * width + x] = 0;
    }
    if (ret < 0)
        return ret;
    uint8_t *m = j->masks[t];
    const ptrdiff_t ms = j->mask_stride;
    for (int y = 0; y < height; y++)
        memset(m + y * ms, 0, width);
    /* Grow by one pixel: a speck's soft rim is below the threshold but still dirt. */
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            if (hit[(size_t)y * width + x]) {
                total++;
                for (int yy = y > 0 ? y - 1 : 0; yy <= y + 1 && yy < height; yy++)
                    for (int xx = x > 0 ? x - 1 : 0; xx <= x + 1 && xx < width; xx++)
                        m[yy * ms + xx] = 1;
            }
    atomic_fetch_add(&j->total, total);
    return 0;
}

/* Frames are independent (each writes its own mask): each thread takes the next one. */
static void *worker(void *opaque)
{
    Job *j = opaque;
    const size_t fn = (size_t)j->fw * j->fh, ln = (size_t)j->width * j->height;
    const int hbd = rs_clean_depth(&j->frames[0]) > 8;
    float *fp = j->cache ? NULL : malloc(sizeof(float) * fn * 4);
    uint8_t *hit = malloc(ln * (hbd ? 4 : 1));
    int ret = (!j->cache && !fp) || !hit ? RS_ENOMEM : 0;
    for (int t; ret >= 0 && atomic_load(&j->ret) >= 0 && (t = atomic_fetch_add(&j->next, 1)) < j->n;)
        ret = detect_frame(j, t, fp, hit);
    if (ret < 0) {
        int zero = 0;
        atomic_compare_exchange_strong(&j->ret, &zero, ret);
    }
    free(fp);
    free(hit);
    return NULL;
}

int rs_dust_detect_cached(const RsCleanFrame *frames, int n, int width, int height, int threshold,
                          uint8_t *const *masks, ptrdiff_t mask_stride, int64_t *found, RsFlowCache *cache)
{
    if (!frames || !masks || n < 1 || width < 8 || height < 8 || threshold < 1 || threshold > 255)
        return rs_error(RS_EINVAL, "dust: %d frames of %dx%d, threshold %d (1..255)", n, width, height,
                        threshold);
    /* Deeper frames are compared on their 8-bit guides: the threshold is in 8-bit levels. */
    for (int t = 0; t < n; t++)
        if (rs_clean_depth(&frames[t]) != rs_clean_depth(&frames[0]))
            return rs_error(RS_EINVAL, "dust: frame %d is %d-bit, frame 0 %d-bit", t, rs_clean_depth(&frames[t]),
                            rs_clean_depth(&frames[0]));
    Job j = { .frames = frames, .n = n, .width = width, .height = height, .threshold = threshold,
              .masks = masks, .mask_stride = mask_stride };
    rs_flow_default_settings(&j.fs);
    j.lv = rs_flow_level(&j.fs, width, height);
    j.fw = width >> j.lv;
    j.fh = height >> j.lv;
    int ret = 0;
    /* With the shot's cache the fields to both neighbours of every inner frame are computed
     * there, several at once, and the fill reads them again later. */
    if (cache && n >= 3 && rs_flow_cache_matches(cache, &j.fs, width, height)) {
        uint8_t *want = calloc(2 * (size_t)n, 1);
        if (!want)
            return rs_error(RS_ENOMEM, "dust: out of memory for the flows of %d frames", n);
        for (int t = 1; t < n - 1; t++)
            want[2 * t] = want[2 * t + 1] = 1;
        ret = rs_flow_cache_compute(cache, want);
        free(want);
        if (ret == RS_ENOMEM)
            return rs_error(RS_ENOMEM, "dust: out of memory for the flows of %d frames", n);
        if (ret < 0)
            return ret;
        j.cache = cache;
    }
    atomic_init(&j.next, 0);
    atomic_init(&j.ret, 0);
    atomic_init(&j.total, 0);
    rs_run_workers(worker, &j, rs_worker_count(cache ? cache->threads : 0, n));
    if ((ret = atomic_load(&j.ret)) < 0)
        return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "dust: out of memory for %dx%d", width, height)
                                : rs_error(ret, "dust: the flow of %dx%d frames failed", width, height);
    if (found)
        *found = atomic_load(&j.total);
    return 0;
}
