/*
 * Temporal propagation: the flow of each frame is completed inside its mask
 * (the background's motion, diffused in from the mask's border), then every
 * masked pixel follows that flow forwards and backwards until it lands on a
 * frame where the background shows. The nearer direction weighs more.
 * Pixels no frame shows are carried from the previous frame's fill, so a
 * synthesised patch stays put over time, and are synthesised only where
 * nothing can be carried (see synth.c).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/fill.h"
#include "cleanup/flow_cache.h"
#include "cleanup/flow_internal.h"
#include "cleanup/synth.h"
#include "cleanup/workers.h"
#include "rushes/error.h"

void rs_clean_default_settings(RsCleanSettings *s)
{
    RsFlowSettings f;
    rs_flow_default_settings(&f);
    *s = (RsCleanSettings){
        .max_distance = 60, .grow = 2, .patch_size = 7, .seam = 1, .refine = 1, .flow_median = 0, .threads = 0,
        .flow_patch_size = f.patch_size, .flow_patch_stride = f.patch_stride,
        .flow_iterations = f.iterations, .flow_finest_level = f.finest_level,
        .seed = 1,
    };
}

/*
 * Complete a field inside hole: rings of neighbour means from the border
 * inwards (each ring reads only known pixels and the rings before it), then
 * smoothing passes over the filled pixels. Work is proportional to the hole,
 * not to its bounding box.
 */
/* Whether hole pixel (x, y) has a neighbour inside the picture that is not a hole (1). */
static int on_edge(const uint8_t *hole, int w, int h, int x, int y)
{
    const uint8_t *p = hole + (size_t)y * w + x;
    if (x > 0 && y > 0 && x < w - 1 && y < h - 1)
        return (p[-w - 1] != 1) | (p[-w] != 1) | (p[-w + 1] != 1) | (p[-1] != 1) | (p[1] != 1) |
               (p[w - 1] != 1) | (p[w] != 1) | (p[w + 1] != 1);
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int nx = x + dx, ny = y + dy;
            if (nx >= 0 && ny >= 0 && nx < w && ny < h && hole[(size_t)ny * w + nx] != 1)
                return 1;
        }
    return 0;
}

int rs_fill_complete(float *u, float *v, int w, int h, uint8_t *hole)
{
    const size_t n = (size_t)w * h;
    size_t count = 0;
    /* The rows holding the hole: the scans below skip the others. */
    int ya = h, yb = -1;
    for (int y = 0; y < h; y++) {
        const uint8_t *r = hole + (size_t)y * w;
        size_t c = 0;
        for (int x = 0; x < w; x++)
            c += r[x] == 1;
        if (c) {
            ya = y < ya ? y : ya;
            yb = y;
            count += c;
        }
    }
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
        return RS_ENOMEM;
    size_t len = 0;
    /* 2 marks the ring being filled, 3 a filled pixel. */
    for (int y = ya; y <= yb; y++) {
        const uint8_t *r = hole + (size_t)y * w, *q = r;
        while ((q = memchr(q, 1, (size_t)(r + w - q)))) {
            const int x = (int)(q - r);
            if (on_edge(hole, w, h, x, y))
                order[len++] = (int32_t)((size_t)y * w + x);
            if (++q == r + w)
                break;
        }
    }
    for (size_t i = 0; i < len; i++)
        hole[order[i]] = 2;
    /* The eight neighbours in the order the sums take them (the centre is never read: it is
     * in the ring, or filled). */
    const ptrdiff_t nb[8] = { -(ptrdiff_t)w - 1, -(ptrdiff_t)w, -(ptrdiff_t)w + 1, -1, 1, w - 1, w, w + 1 };
    size_t ring = 0;
    while (ring < len) {
        const size_t end = len;
        for (size_t k = ring; k < end; k++) {
            const int y = order[k] / w, x = order[k] - y * w;
            float su = 0, sv = 0;
            int cnt = 0;
            if (x > 0 && y > 0 && x < w - 1 && y < h - 1) {
                /* Inside the picture: no bounds to test, the same additions in the same order. */
                for (int j = 0; j < 8; j++) {
                    const size_t i = (size_t)(order[k] + nb[j]);
                    const uint8_t st = hole[i];
                    if (st == 1 || st == 2)
                        continue;
                    su += u[i];
                    if (v)
                        sv += v[i];
                    cnt++;
                }
            } else {
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
            }
            u[order[k]] = cnt ? su / cnt : 0;
            if (v)
                v[order[k]] = cnt ? sv / cnt : 0;
        }
        for (size_t k = ring; k < end; k++)
            hole[order[k]] = 3;
        for (size_t k = ring; k < end; k++) {
            const int y = order[k] / w, x = order[k] - y * w;
            if (x > 0 && y > 0 && x < w - 1 && y < h - 1) {
                for (int j = 0; j < 8; j++) {
                    const size_t i = (size_t)(order[k] + nb[j]);
                    if (hole[i] == 1) {
                        hole[i] = 2;
                        order[len++] = (int32_t)i;
                    }
                }
                continue;
            }
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
    /* Smoothing evens out the rings' streaks; known pixels stay as they are. The passes are
     * red-black: the pixels with x + y even, then the odd ones. A pixel's four neighbours are
     * all of the other colour, so no sum waits on the one before it, and the passes go down
     * runs of hole pixels along the rows (where the ring order jumped about the hole): each
     * run's sums are taken for all its pixels in a loop the compiler vectorises, and one
     * colour's are stored. Runs are (index of the first pixel, length), inside the picture's
     * one-pixel frame; hole pixels on the picture's edge, with fewer neighbours, are listed
     * apart in order[], whose ring order is not needed any more. */
    size_t nruns = 0, nedge = 0;
    int32_t *edge = order;
    int32_t *runs = malloc(sizeof(int32_t) * 2 * (len + 1));
    float *tmp = malloc(sizeof(float) * (size_t)w);
    if (!runs || !tmp) {
        free(runs);
        free(tmp);
        free(order);
        return RS_ENOMEM;
    }
    for (int y = ya; y <= yb; y++) {
        const uint8_t *r = hole + (size_t)y * w, *q;
        for (int x = 0; x < w && (q = memchr(r + x, 3, (size_t)(w - x)));) {
            x = (int)(q - r);
            int e = x;
            while (e < w && r[e] == 3)
                e++;
            const size_t row = (size_t)y * w;
            if (y == 0 || y == h - 1) {
                for (int k = x; k < e; k++)
                    edge[nedge++] = (int32_t)(row + k);
            } else {
                int a = x, b = e;
                if (a == 0)
                    edge[nedge++] = (int32_t)row, a = 1;
                if (b == w)
                    edge[nedge++] = (int32_t)(row + w - 1), b = w - 1;
                if (b > a) {
                    runs[2 * nruns] = (int32_t)(row + a);
                    runs[2 * nruns + 1] = b - a;
                    nruns++;
                }
            }
            x = e;
        }
    }
    for (int it = 0; it < 16; it++) {
        for (int c = 0; c < 2; c++)
            for (int f = 0; f < (v ? 2 : 1); f++) {
                float *p = f ? v : u;
                for (size_t k = 0; k < nruns; k++) {
                    float *q = p + runs[2 * k];
                    const int len_k = runs[2 * k + 1];
                    for (int x = 0; x < len_k; x++)
                        tmp[x] = (q[x - 1] + q[x + 1] + q[x - w] + q[x + w]) * 0.25f;
                    const int first = (int)(((size_t)runs[2 * k] / w + (size_t)runs[2 * k] % w + c) & 1);
                    for (int x = first; x < len_k; x += 2)
                        q[x] = tmp[x];
                }
            }
        for (size_t k = 0; k < nedge; k++) {
            const size_t i = (size_t)edge[k];
            const int y = (int)(i / w), x = (int)(i - (size_t)y * w);
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
    free(runs);
    free(tmp);
    free(order);
    return 0;
}

/*
 * Grow the set pixels of m (w x h) by r in each direction: a row pass, then a
 * pass down the rows counting, per column, the set pixels within r rows (a
 * window that slides one row at a time), so the picture is read row by row
 * and the work does not grow with r. The rows the window has left keep their
 * values from before the pass in ring (r + 2 rows).
 */
int rs_fill_dilate(uint8_t *m, int w, int h, int r)
{
    uint8_t *ring = malloc((size_t)(r + 2) * w);
    int32_t *cnt = calloc(w, sizeof(*cnt));
    if (!ring || !cnt) {
        free(ring);
        free(cnt);
        return RS_ENOMEM;
    }
    uint8_t *row = ring;
    for (int y = 0; y < h; y++) {
        uint8_t *p = m + (size_t)y * w;
        memcpy(row, p, w);
        for (int x = 0; x < w; x++)
            if (row[x])
                memset(p + (x - r < 0 ? 0 : x - r), 1, (x + r >= w ? w - 1 : x + r) - (x - r < 0 ? 0 : x - r) + 1);
    }
    /* The window of row y is rows y - r .. y + r; rows from y on are still as the row pass left them. */
    for (int y = 0; y < r && y < h; y++)
        for (int x = 0; x < w; x++)
            cnt[x] += m[(size_t)y * w + x] != 0;
    for (int y = 0; y < h; y++) {
        uint8_t *p = m + (size_t)y * w;
        if (y + r < h) {
            const uint8_t *in = m + (size_t)(y + r) * w;
            for (int x = 0; x < w; x++)
                cnt[x] += in[x] != 0;
        }
        if (y - r - 1 >= 0) {
            const uint8_t *out = ring + (size_t)((y - r - 1) % (r + 2)) * w;
            for (int x = 0; x < w; x++)
                cnt[x] -= out[x] != 0;
        }
        memcpy(ring + (size_t)(y % (r + 2)) * w, p, w);
        for (int x = 0; x < w; x++)
            p[x] = cnt[x] > 0;
    }
    free(ring);
    free(cnt);
    return 0;
}

const uint8_t *rs_clean_guide(const RsCleanFrame *f, int w, int h, uint8_t *buf, ptrdiff_t *stride)
{
    const int depth = rs_clean_depth(f);
    if (depth == 8) {
        *stride = f->stride[0];
        return f->plane[0];
    }
    /* Rounded, not truncated, so the guide of a 10-bit picture made from an
     * 8-bit one (v << 2) is that 8-bit picture again. */
    const int sh = depth - 8, half = 1 << (sh - 1);
    for (int y = 0; y < h; y++) {
        const uint16_t *r = (const uint16_t *)(f->plane[0] + y * f->stride[0]);
        uint8_t *o = buf + (size_t)y * w;
        for (int x = 0; x < w; x++) {
            int v = (r[x] + half) >> sh;
            o[x] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
    *stride = w;
    return buf;
}

typedef struct FlowJobs {
    RsFillCtx *c;
    atomic_int next;    /* the next job: frame t = job / 2, direction job % 2 */
    atomic_int ret;     /* the first error */
} FlowJobs;

/*
 * One flow field, completed inside the masks. hole is fw x fh bytes of
 * scratch; ga and gb are w x h bytes each for the luma guides of deeper
 * frames (unused at 8 bits).
 */
static int flow_job(RsFillCtx *c, int t, int dir, uint8_t *hole, uint8_t *ga, uint8_t *gb)
{
    const int w = c->w, h = c->h;
    const size_t fn = (size_t)c->fw * c->fh;
    const int o = dir ? t - 1 : t + 1;
    if (o < 0 || o >= c->n)
        return 0;
    float **slot = dir ? &c->bwd[t] : &c->fwd[t];
    /* A refining pass computes again only the fields that cross a mask, from the filled
     * frames: the fill is what lets the flow be matched across the mask. */
    if (c->pass && !rs_fill_refines(c, t) && !rs_fill_refines(c, o))
        return 0;
    int ret;
    /* A field an earlier pass computed is taken over as it is (each job takes its own). */
    if (!c->pass && c->cache && (*slot = rs_flow_cache_take(c->cache, t, dir))) {
        ret = 0;
    } else {
        if (!*slot && !(*slot = malloc(sizeof(float) * fn * 2)))
            return RS_ENOMEM;
        ptrdiff_t sa, sb;
        const uint8_t *a = rs_clean_guide(&c->frames[t], w, h, ga, &sa);
        const uint8_t *b = rs_clean_guide(&c->frames[o], w, h, gb, &sb);
        ret = rs_flow_compute_level(a, sa, b, sb, w, h, &c->fs, *slot, *slot + fn);
    }
    if (ret < 0)
        return ret;
    /* The flow over the object is the object's; the background's comes from around it.
     * Where the object will be in the other frame, the background has no match either:
     * a flow sample is a hole when a patch around it reaches a bad pixel of either frame. */
    memset(hole, 0, fn);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (((c->bad[t][(size_t)y * w + x] | c->bad[o][(size_t)y * w + x]) & RS_FILL_BAD) &&
                (x >> c->level) < c->fw && (y >> c->level) < c->fh)
                hole[(size_t)(y >> c->level) * c->fw + (x >> c->level)] = 1;
    if ((ret = rs_fill_dilate(hole, c->fw, c->fh, c->fs.patch_size / 2)) < 0)
        return ret;
    return c->pass ? rs_fill_complete_refined(*slot, *slot + fn, c->fw, c->fh, hole)
                       : rs_fill_complete_motion(*slot, *slot + fn, c->fw, c->fh, hole);
}

/* Fields are independent: each worker takes the next one until none is left or one failed. */
static void *flow_worker(void *opaque)
{
    FlowJobs *j = opaque;
    const size_t ln = j->c->hbd ? (size_t)j->c->w * j->c->h : 0;
    uint8_t *hole = malloc((size_t)j->c->fw * j->c->fh + 2 * ln);
    if (!hole) {
        int zero = 0;
        atomic_compare_exchange_strong(&j->ret, &zero, RS_ENOMEM);
        return NULL;
    }
    for (;;) {
        int k = atomic_fetch_add(&j->next, 1);
        if (k >= 2 * j->c->n || atomic_load(&j->ret) < 0)
            break;
        if (rs_fill_cancelled(j->c)) {
            int zero = 0;
            atomic_compare_exchange_strong(&j->ret, &zero, RS_EINTR);
            break;
        }
        uint8_t *guides = hole + (size_t)j->c->fw * j->c->fh;
        int ret = flow_job(j->c, k / 2, k % 2, hole, guides, guides + ln);
        if (ret < 0) {
            int zero = 0;
            atomic_compare_exchange_strong(&j->ret, &zero, ret);
        }
    }
    free(hole);
    return NULL;
}

/* Compute every field (or, refining, every field that crosses a mask) on the job's threads. */
static int run_flows(RsFillCtx *c)
{
    FlowJobs jobs = { .c = c };
    atomic_init(&jobs.next, 0);
    atomic_init(&jobs.ret, 0);
    rs_run_workers(flow_worker, &jobs, rs_worker_count(c->s.threads, 2 * c->n));
    const int ret = atomic_load(&jobs.ret);
    if (ret == RS_EINTR)
        return rs_error(RS_EINTR, "clean: cancelled while computing the flows");
    return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "clean: out of memory for the flow of %d frames", c->n) : ret;
}

int rs_fill_prepare(RsFillCtx *c, RsCleanFrame *frames, int n, int w, int h, int lcw, int lch,
                    const RsCleanSettings *s)
{
    return rs_fill_prepare_cached(c, frames, n, w, h, lcw, lch, s, NULL);
}

int rs_fill_prepare_cached(RsFillCtx *c, RsCleanFrame *frames, int n, int w, int h, int lcw, int lch,
                           const RsCleanSettings *s, RsFlowCache *cache)
{
    memset(c, 0, sizeof(*c));
    c->frames = frames;
    c->n = n;
    c->w = w;
    c->h = h;
    c->lcw = lcw;
    c->lch = lch;
    c->s = *s;
    c->depth = rs_clean_depth(&frames[0]);
    c->hbd = c->depth > 8;
    c->maxval = (1 << c->depth) - 1;
    for (int t = 0; t < n; t++)
        if (rs_clean_depth(&frames[t]) != c->depth || c->depth > 16 || c->depth < 8)
            return rs_error(RS_EINVAL, "clean: frame %d is %d-bit, frame 0 %d-bit (8..16, all alike)", t,
                            rs_clean_depth(&frames[t]), c->depth);
    RsFlowSettings fs = { s->flow_patch_size, s->flow_patch_stride, s->flow_iterations, s->flow_finest_level,
                          s->flow_median };
    c->fs = fs;
    c->level = rs_flow_level(&fs, w, h);
    c->fw = w >> c->level;
    c->fh = h >> c->level;
    if (cache && cache->frames == frames && cache->n == n && rs_flow_cache_matches(cache, &fs, w, h))
        c->cache = cache;
    const size_t ln = (size_t)w * h;
    const int cw = (w + (1 << lcw) - 1) >> lcw, ch = (h + (1 << lch) - 1) >> lch;
    c->pw[0] = w; c->ph[0] = h;
    c->pw[1] = c->pw[2] = cw;
    c->ph[1] = c->ph[2] = ch;
    c->fwd = calloc(n, sizeof(float *));
    c->bwd = calloc(n, sizeof(float *));
    c->bad = calloc(n, sizeof(uint8_t *));
    c->masked = calloc(n, 1);
    c->chroma0 = calloc(n, 1);
    if (!c->fwd || !c->bad || !c->bwd || !c->masked || !c->chroma0)
        return RS_ENOMEM;
    if (s->refine < 0 || s->refine > 3)
        return rs_error(RS_EINVAL, "clean: refine %d is outside 0..3", s->refine);
    /* The spatial blend's interpolations do not change from pass to pass: kept, up to
     * 256 MB, for the refining passes (propagate.c). */
    if (s->refine && (!(c->keep = calloc((size_t)3 * n, sizeof(*c->keep))) ||
                      !(c->keep_room = malloc(sizeof(*c->keep_room)))))
        return RS_ENOMEM;
    if (c->keep_room)
        atomic_init(c->keep_room, 256LL << 20);
    /* bad[t]: per plane, a byte per sample: RS_FILL_BAD for source pixels not to use (the mask
     * grown by s->grow), RS_FILL_MASK for the mask itself. One byte for both halves what the
     * shot costs in maps. The grown mask is made in grown[] (luma size, 0 or 1) first. */
    const size_t per = ln + 2 * (size_t)cw * ch;
    uint8_t *grown = malloc(ln);
    if (!grown)
        return RS_ENOMEM;
    for (int t = 0; t < n; t++) {
        if (!(c->bad[t] = calloc(per, 1))) {
            free(grown);
            return RS_ENOMEM;
        }
        uint8_t *bad = c->bad[t];
        const uint8_t *m = frames[t].mask;
        const ptrdiff_t ms = frames[t].mask_stride;
        memset(grown, 0, ln);
        size_t count = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (m[y * ms + x]) {
                    count++;
                    grown[(size_t)y * w + x] = 1;
                    bad[(size_t)y * w + x] = RS_FILL_MASK;
                    bad[ln + (size_t)(y >> lch) * cw + (x >> lcw)] = RS_FILL_MASK;
                }
        /* A mask under a thousandth of the picture (a few specks of dust) barely moves the
         * flow, and the next frame fills it already: the refining passes leave it. */
        c->masked[t] = !count ? 0 : count * 1000 >= ln ? 2 : 1;
        if (rs_fill_dilate(grown, w, h, s->grow) < 0) {
            free(grown);
            return RS_ENOMEM;
        }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (grown[(size_t)y * w + x]) {
                    bad[(size_t)y * w + x] |= RS_FILL_BAD;
                    bad[ln + (size_t)(y >> lch) * cw + (x >> lcw)] |= RS_FILL_BAD;
                }
        memcpy(bad + ln + (size_t)cw * ch, bad + ln, (size_t)cw * ch);
    }
    free(grown);
    /* The chroma the first fill must give: all of it without refining passes; else that of
     * the frames they leave, and of the masked frames before one of those, in a row, whose
     * fill its carry may read. The shot ends with frame n - 1. */
    for (int t = n - 1, need = 0; t >= 0; t--) {
        need = !s->refine || c->masked[t] == 1 || (c->masked[t] && need);
        c->chroma0[t] = (uint8_t)need;
    }
    /* Settings are checked here, where the error message reaches the caller's thread. */
    int ret = rs_flow_check(&c->fs, w, h);
    if (ret < 0)
        return ret;
    return run_flows(c);
}

void rs_fill_open_end(RsFillCtx *c)
{
    memset(c->chroma0, 1, c->n);
}

int rs_fill_refine(RsFillCtx *c)
{
    c->pass++;
    /* A search made ahead read the old fields. */
    rs_fill_drop_ahead(c);
    return run_flows(c);
}

void rs_fill_free(RsFillCtx *c)
{
    for (int t = 0; t < c->n; t++) {
        if (c->fwd) free(c->fwd[t]);
        if (c->bwd) free(c->bwd[t]);
        if (c->bad) free(c->bad[t]);
    }
    free(c->fwd);
    free(c->bwd);
    free(c->bad);
    rs_fill_slot_free(&c->slot[0]);
    rs_fill_slot_free(&c->slot[1]);
    free(c->masked);
    free(c->chroma0);
    for (int i = 0; c->keep && i < 3 * c->n; i++)
        free(c->keep[i].v);
    free(c->keep);
    free((void *)c->keep_room);
    memset(c, 0, sizeof(*c));
}
