/*
 * The flows between neighbouring frames of one shot, computed once for every
 * pass that reads them. The dust test, the scratch detector and the fill all
 * follow the flow from frame t to t - 1 and t + 1 on the same 8-bit luma
 * guides; with the same settings the fields are the same, so the clean job
 * keeps one cache for the shot and hands it to each pass in turn. The fill,
 * the last reader, takes the fields over (it completes them inside the
 * masks in place), so the shot never holds two copies.
 *
 * Only valid while the frames' luma stays as it was when the fields were
 * computed (the deflicker pass changes it: it runs before the cache is made).
 * Not thread-safe: one pass uses it at a time (each computes with its own
 * worker threads).
 */
#ifndef RS_CLEANUP_FLOW_CACHE_H
#define RS_CLEANUP_FLOW_CACHE_H

#include <stdint.h>

#include "rushes/cleanup.h"
#include "rushes/flow.h"

typedef struct RsFlowCache {
    const RsCleanFrame *frames;
    int n, w, h, threads;
    RsFlowSettings fs;
    int level, fw, fh;          /* fields are fw x fh, in pixels of pyramid level `level` */
    /* f[2 * t]: frame t to t + 1, f[2 * t + 1]: t to t - 1; u then v; NULL until computed. */
    float **f;
    /* The frames' 8-bit luma guides as rs_clean_guide() makes them (stride luma_stride), lent
     * for a compute by a caller that holds them already (the tracker); NULL: the fields make
     * their own, which for deeper frames is a rounding of two frames a field. */
    const uint8_t *const *luma;
    ptrdiff_t luma_stride;
    /* The job's RsCleanSettings.cancel (NULL: none): a compute stops before its next field. */
    const atomic_int *cancel;
} RsFlowCache;

/*
 * A cache for the n frames (w x h) and flow settings fs (checked by the
 * caller); threads: how many threads compute (0: one per core). Computes
 * nothing yet. Returns 0 or RS_ENOMEM (no message).
 */
int rs_flow_cache_init(RsFlowCache *c, const RsCleanFrame *frames, int n, int w, int h,
                       const RsFlowSettings *fs, int threads);

/* Whether fields made with settings fs for a w x h picture are this cache's. */
int rs_flow_cache_matches(const RsFlowCache *c, const RsFlowSettings *fs, int w, int h);

/*
 * Compute the fields want[2 * t + dir] asks for (as f[] is indexed) that
 * are not held yet, several at a time. Returns 0, RS_ENOMEM (no message),
 * RS_EINTR (cancelled) or the flow's error.
 */
int rs_flow_cache_compute(RsFlowCache *c, const uint8_t *want);

/* The field of frame t in direction dir (0: to t + 1, 1: to t - 1), or NULL if not held. */
static inline const float *rs_flow_cache_get(const RsFlowCache *c, int t, int dir)
{
    return c->f[2 * t + dir];
}

/* The field, handed over to the caller (who frees it), or NULL if not held. */
float *rs_flow_cache_take(RsFlowCache *c, int t, int dir);

/*
 * A cache over frames first..n-1 of c that shares c's slots: what it
 * computes is c's, and what c holds it reads (the windows' dust test reads
 * the frames it has not decided yet, clean_window.c). The view owns nothing
 * and is never freed; it is valid while c is.
 */
void rs_flow_cache_view(RsFlowCache *view, const RsFlowCache *c, int first);

/*
 * The fields every cache of the process has computed so far (an atomic
 * count): a test tells by it whether a field was computed again or taken
 * over from an earlier pass or window.
 */
int64_t rs_flow_cache_computed(void);

void rs_flow_cache_free(RsFlowCache *c);

/*
 * rs_dust_detect() and rs_scratch_detect() reading their flows from cache
 * (computing into it what it lacks) when it matches their settings; NULL:
 * as the public functions.
 */
int rs_dust_detect_cached(const RsCleanFrame *frames, int n, int width, int height, int threshold,
                          uint8_t *const *masks, ptrdiff_t mask_stride, int64_t *found, RsFlowCache *cache);

int rs_scratch_detect_cached(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                             const RsScratchSettings *s, uint8_t *const *masks, ptrdiff_t mask_stride,
                             RsScratch *found, int max_found, int *nfound, RsFlowCache *cache);

#endif
