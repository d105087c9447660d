/*
 * One shot's flows between neighbouring frames, shared by the passes that
 * read them (see flow_cache.h).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/fill.h"
#include "cleanup/flow_cache.h"
#include "cleanup/flow_internal.h"
#include "cleanup/workers.h"
#include "rushes/error.h"

static atomic_llong computed;

int64_t rs_flow_cache_computed(void)
{
    return atomic_load(&computed);
}

int rs_flow_cache_init(RsFlowCache *c, const RsCleanFrame *frames, int n, int w, int h,
                       const RsFlowSettings *fs, int threads)
{
    memset(c, 0, sizeof(*c));
    c->frames = frames;
    c->n = n;
    c->w = w;
    c->h = h;
    c->threads = threads;
    c->fs = *fs;
    c->level = rs_flow_level(fs, w, h);
    c->fw = w >> c->level;
    c->fh = h >> c->level;
    c->f = calloc(2 * (size_t)n, sizeof(*c->f));
    return c->f ? 0 : RS_ENOMEM;
}

int rs_flow_cache_matches(const RsFlowCache *c, const RsFlowSettings *fs, int w, int h)
{
    return c && c->w == w && c->h == h && c->fs.patch_size == fs->patch_size &&
           c->fs.patch_stride == fs->patch_stride && c->fs.iterations == fs->iterations &&
           c->fs.finest_level == fs->finest_level && c->fs.median == fs->median;
}

typedef struct Jobs {
    RsFlowCache *c;
    const uint8_t *want;
    atomic_int next;    /* the next slot of f[] to look at */
    atomic_int ret;     /* the first error */
} Jobs;

static int compute(RsFlowCache *c, int k, uint8_t *ga, uint8_t *gb)
{
    const int t = k / 2, o = k % 2 ? t - 1 : t + 1;
    const size_t fn = (size_t)c->fw * c->fh;
    float *f = malloc(sizeof(float) * fn * 2);
    if (!f)
        return RS_ENOMEM;
    ptrdiff_t sa = c->luma_stride, sb = c->luma_stride;
    const uint8_t *a = c->luma ? c->luma[t] : rs_clean_guide(&c->frames[t], c->w, c->h, ga, &sa);
    const uint8_t *b = c->luma ? c->luma[o] : rs_clean_guide(&c->frames[o], c->w, c->h, gb, &sb);
    int ret = rs_flow_compute_level(a, sa, b, sb, c->w, c->h, &c->fs, f, f + fn);
    if (ret < 0) {
        free(f);
        return ret;
    }
    /* Each slot is one job's, so no other thread writes it. */
    c->f[k] = f;
    atomic_fetch_add(&computed, 1);
    return 0;
}

static void *worker(void *opaque)
{
    Jobs *j = opaque;
    RsFlowCache *c = j->c;
    /* Guides of deeper frames: two luma-sized buffers (none needed at 8 bits or when lent). */
    const size_t ln = rs_clean_depth(&c->frames[0]) > 8 && !c->luma ? (size_t)c->w * c->h : 0;
    uint8_t *g = ln ? malloc(2 * ln) : NULL;
    if (ln && !g) {
        int zero = 0;
        atomic_compare_exchange_strong(&j->ret, &zero, RS_ENOMEM);
        return NULL;
    }
    for (;;) {
        const int k = atomic_fetch_add(&j->next, 1);
        if (k >= 2 * c->n || atomic_load(&j->ret) < 0)
            break;
        if (!j->want[k] || c->f[k])
            continue;
        if (c->cancel && atomic_load(c->cancel)) {
            int zero = 0;
            atomic_compare_exchange_strong(&j->ret, &zero, RS_EINTR);
            break;
        }
        const int ret = compute(c, k, g, g ? g + ln : NULL);
        if (ret < 0) {
            int zero = 0;
            atomic_compare_exchange_strong(&j->ret, &zero, ret);
        }
    }
    free(g);
    return NULL;
}

int rs_flow_cache_compute(RsFlowCache *c, const uint8_t *want)
{
    int todo = 0;
    for (int k = 0; k < 2 * c->n; k++) {
        const int o = k % 2 ? k / 2 - 1 : k / 2 + 1;
        todo += want[k] && !c->f[k] && o >= 0 && o < c->n;
    }
    if (!todo)
        return 0;
    /* Frames outside the shot have no field: those asks are dropped here, not in the workers. */
    uint8_t *w = malloc(2 * (size_t)c->n);
    if (!w)
        return RS_ENOMEM;
    for (int k = 0; k < 2 * c->n; k++) {
        const int o = k % 2 ? k / 2 - 1 : k / 2 + 1;
        w[k] = want[k] && o >= 0 && o < c->n;
    }
    Jobs j = { .c = c, .want = w };
    atomic_init(&j.next, 0);
    atomic_init(&j.ret, 0);
    rs_run_workers(worker, &j, rs_worker_count(c->threads, todo));
    free(w);
    const int ret = atomic_load(&j.ret);
    return ret == RS_EINTR ? rs_error(RS_EINTR, "clean: cancelled while computing the flows") : ret;
}

float *rs_flow_cache_take(RsFlowCache *c, int t, int dir)
{
    float *f = c->f[2 * t + dir];
    c->f[2 * t + dir] = NULL;
    return f;
}

void rs_flow_cache_view(RsFlowCache *view, const RsFlowCache *c, int first)
{
    *view = *c;
    view->frames = c->frames + first;
    view->n = c->n - first;
    view->f = c->f + 2 * (size_t)first;
}

void rs_flow_cache_free(RsFlowCache *c)
{
    for (int k = 0; c->f && k < 2 * c->n; k++)
        free(c->f[k]);
    free(c->f);
    memset(c, 0, sizeof(*c));
}
