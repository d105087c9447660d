/*
 * Deflicker, first pass: how the light of each region changes from one
 * frame to the next, measured along the optical flow so that motion is not
 * taken for flicker, and where the picture changes for another (a cut).
 * The temporal smoothing and the correction are in deflicker_correct.c,
 * the stream that runs both over a shot in deflicker_stream.c.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/deflicker_internal.h"
#include "cleanup/flow_internal.h"
#include "cleanup/workers.h"
#include "rushes/error.h"

void rs_deflicker_default_settings(RsDeflickerSettings *s)
{
    *s = (RsDeflickerSettings){
        .window = 15, .regions = 8, .max_gain = 0.25, .max_offset = 32, .chroma = 1, .motion = 1, .threads = 0,
    };
}

/* Samples at or beyond these 8-bit levels may be clipped and break the affine model. */
#define DF_DARK 4.0f
#define DF_BRIGHT 251.0f

typedef struct Worker {
    const DfCtx *c;
    DfPair *pairs;
    int n;
    atomic_int next, ret;
    int step, level;
    RsFlowSettings fs;
} Worker;

typedef struct Scratch {
    uint8_t *y8[2];            /* 8-bit luma for the flow when depth > 8 */
    float *u, *v;              /* flow at its pyramid level */
    float *a, *b, *ca[2], *cb[2], *r;
    float *q;                  /* a ratio a region, for the cut test, then the same for the affine fit */
    uint8_t *in;
} Scratch;

static float select_kth(float *x, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        float p = x[(lo + hi) >> 1];
        int i = lo, j = hi;
        while (i <= j) {
            while (x[i] < p) i++;
            while (x[j] > p) j--;
            if (i <= j) {
                float t = x[i];
                x[i++] = x[j];
                x[j--] = t;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else break;
    }
    return x[k];
}

/*
 * b = g * a over the samples: the ratio of their means, refitted three
 * times on the samples within 2.5 robust standard deviations of the line
 * (at least one level), so what moved in a way the flow missed, or appeared
 * from behind something, falls out. A gain through black is what a change
 * of exposure does (in linear light and after any power-law transfer
 * alike). A gain and an offset fitted freely were less robust: the
 * contrast of a region changes with motion blur and focus, and a free
 * offset took that for flicker. *res receives the robust standard
 * deviation of the residual. Returns the number of samples kept.
 */
static int robust_fit(const float *a, const float *b, int n, float *r, uint8_t *in, float *g, float *res)
{
    memset(in, 1, n);
    int kept = 0;
    *g = 1;
    *res = INFINITY;
    for (int it = 0; it < 4; it++) {
        double s = 0, sa = 0, sb = 0;
        for (int i = 0; i < n; i++)
            if (in[i])
                s++, sa += a[i], sb += b[i];
        if (s < 16 || sa <= 0)
            return 0;
        kept = (int)s;
        *g = (float)(sb / sa);
        if (it == 3)
            break;
        for (int i = 0; i < n; i++)
            r[i] = fabsf(b[i] - *g * a[i]);
        *res = 1.4826f * select_kth(r, n, n / 2);
        const float thr = 2.5f * *res < 1 ? 1 : 2.5f * *res;
        for (int i = 0; i < n; i++)
            in[i] = fabsf(b[i] - *g * a[i]) <= thr;
    }
    return kept;
}

/* Median of cb - g * ca over the kept samples: the colour offset of the region. */
static float chroma_offset(const float *ca, const float *cb, const uint8_t *in, int n, float g, float *r)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        if (in[i])
            r[m++] = cb[i] - g * ca[i];
    return m ? select_kth(r, m, m / 2) : 0;
}

static void to8(uint8_t *dst, const RsDeflickerFrame *f, int w, int h, int depth)
{
    const int sh = depth - 8, half = 1 << (sh - 1);
    for (int y = 0; y < h; y++) {
        const uint16_t *s = (const uint16_t *)((const uint8_t *)f->plane[0] + y * f->stride[0]);
        for (int x = 0; x < w; x++) {
            int v = (s[x] + half) >> sh;
            dst[(size_t)y * w + x] = v > 255 ? 255 : (uint8_t)v;
        }
    }
}

/* Regions the fit could not trust take the mean of their trusted neighbours, else of all, else no change. */
static void fill_untrusted(const DfCtx *c, DfFit *fit, const uint8_t *ok)
{
    DfFit all = { 0 };
    int na = 0;
    for (int b = 0; b < c->nb; b++)
        if (ok[b]) {
            all.g += fit[b].g, all.o += fit[b].o, all.oc[0] += fit[b].oc[0], all.oc[1] += fit[b].oc[1];
            na++;
        }
    for (int by = 0; by < c->by; by++)
        for (int bx = 0; bx < c->bx; bx++) {
            if (ok[by * c->bx + bx])
                continue;
            DfFit m = { 0 };
            int k = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int y = by + dy, x = bx + dx;
                    if (y < 0 || x < 0 || y >= c->by || x >= c->bx || !ok[y * c->bx + x])
                        continue;
                    const DfFit *p = &fit[y * c->bx + x];
                    m.g += p->g, m.o += p->o, m.oc[0] += p->oc[0], m.oc[1] += p->oc[1];
                    k++;
                }
            if (!k)
                m = all, k = na;
            fit[by * c->bx + bx] = k ? (DfFit){ m.g / k, m.o / k, { m.oc[0] / k, m.oc[1] / k } }
                                     : (DfFit){ 1, 0, { 0, 0 } };
        }
}

/*
 * A region's fit is distrusted when it explained too little of the region
 * (res is infinite) or when its residual is more than twice the region's
 * usual residual over the frames given plus a level: the region's content
 * changed in a way the flow did not follow (an object entering, an
 * occlusion), so the change of its samples is not a change of light.
 */
int rs_df_distrust(const DfCtx *c, DfFit *fits, int n)
{
    const int nb = c->nb;
    float *tmp = malloc(sizeof(float) * (n > 0 ? n : 1));
    uint8_t *ok = malloc(nb);
    if (!tmp || !ok) {
        free(tmp);
        free(ok);
        return RS_ENOMEM;
    }
    for (int b = 0; b < nb; b++) {
        int m = 0;
        for (int t = 1; t < n; t++)
            if (isfinite(fits[(size_t)t * nb + b].res))
                tmp[m++] = fits[(size_t)t * nb + b].res;
        const float med = m ? select_kth(tmp, m, m / 2) : 0;
        for (int t = 1; t < n; t++) {
            DfFit *f = &fits[(size_t)t * nb + b];
            f->res = f->res > 2 * med + 1 ? INFINITY : f->res;
        }
    }
    for (int t = 1; t < n; t++) {
        DfFit *fit = &fits[(size_t)t * nb];
        for (int b = 0; b < nb; b++)
            ok[b] = isfinite(fit[b].res);
        fill_untrusted(c, fit, ok);
    }
    free(tmp);
    free(ok);
    return 0;
}

/* Mean of region b of plane p of a frame, in 8-bit levels (chroma centred on grey). */
static double region_mean(const DfCtx *c, const RsDeflickerFrame *f, int p, int b)
{
    const int sx = p ? c->lcw : 0, sy = p ? c->lch : 0, bx = b % c->bx, by = b / c->bx;
    const int x0 = df_edge(bx, c->bx, c->w) >> sx, x1 = df_edge(bx + 1, c->bx, c->w) >> sx;
    const int y0 = df_edge(by, c->by, c->h) >> sy, y1 = df_edge(by + 1, c->by, c->h) >> sy;
    const float inv = 1.0f / c->scale;
    double s = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            s += df_get(f->plane[p], f->stride[p], c->depth, inv, x, y);
    const double k = (double)(x1 - x0) * (y1 - y0);
    return k > 0 ? s / k - (p ? 128 : 0) : 0;
}

/*
 * The evidence of a cut: the picture after it is not the one before it
 * moved and relit, so the gain fit along the flow explains little of it.
 * In a region with DF_CUT_TEXTURE levels of robust spread (a flat region
 * fits anything) the ratio of the fit's residual to that spread is small
 * where the flow follows the motion; the median ratio over such regions is
 * the evidence (deflicker_stream.c decides), 0 when fewer than
 * DF_CUT_VOTES regions have texture.
 */
#define DF_CUT_TEXTURE 3.0f
#define DF_CUT_VOTES 4

/*
 * A fade to or from black (or any flat picture) is not a gain through
 * black: each frame is the one before it scaled towards the flat level,
 * b = g a + o, which the gain fit cannot follow when the fade is fast, so
 * it leaves as much as a cut does (two cuts were found in a 10-frame fade
 * to black and back). The same median ratio for the affine least-squares
 * fit of each textured region tells them apart: a cut leaves about the
 * whole spread (unrelated pictures), a fade no more than the flow's error.
 * Under DF_CUT_FADE the pair is the same picture, and its evidence is that
 * ratio.
 */
#define DF_CUT_FADE 0.4f

/* Robust standard deviation of the residual of the least-squares line b = g a + o over m samples; r is scratch. */
static float affine_residual(const float *a, const float *b, int m, int k, float *r)
{
    double sa = 0, sb = 0, saa = 0, sab = 0;
    int cnt = 0;
    for (int i = 0; i < m; i += k, cnt++)
        sa += a[i], sb += b[i], saa += (double)a[i] * a[i], sab += (double)a[i] * b[i];
    const double ma = sa / cnt, mb = sb / cnt, va = saa / cnt - ma * ma, cab = sab / cnt - ma * mb;
    const double g = va > 1e-6 ? cab / va : 0;
    int j = 0;
    for (int i = 0; i < m; i += k)
        r[j++] = fabsf((float)(b[i] - mb - g * (a[i] - ma)));
    return 1.4826f * select_kth(r, j, j / 2);
}

/* Robust standard deviation of x (scrambled): 1.4826 times the median distance from the median. */
static float robust_spread(float *x, int n)
{
    if (n < 2)
        return 0;
    const float med = select_kth(x, n, n / 2);
    for (int i = 0; i < n; i++)
        x[i] = fabsf(x[i] - med);
    return 1.4826f * select_kth(x, n, n / 2);
}

/* Fit frame cur against frame prev brought onto it along the flow, region by region, and weigh the evidence of a cut. */
static int measure_pair(Worker *wk, Scratch *sc, const DfPair *pair)
{
    const DfCtx *c = wk->c;
    const RsDeflickerFrame *prev = pair->prev, *cur = pair->cur;
    for (int p = 0; p < 3; p++)
        for (int b = 0; b < c->nb; b++)
            pair->mu[p * c->nb + b] = region_mean(c, cur, p, b);
    *pair->q = 0;
    if (!prev)
        return 0;
    const int w = c->w, h = c->h, d = c->depth, L = wk->level, fw = w >> L, fh = h >> L;
    const float inv = 1.0f / c->scale, lsc = (float)(1 << L);
    if (c->s->motion) {
        const uint8_t *ya = cur->plane[0], *yb = prev->plane[0];
        ptrdiff_t sa = cur->stride[0], sb = prev->stride[0];
        if (d > 8) {
            to8(sc->y8[0], cur, w, h, d);
            to8(sc->y8[1], prev, w, h, d);
            ya = sc->y8[0], yb = sc->y8[1], sa = sb = w;
        }
        int ret = rs_flow_compute_level(ya, sa, yb, sb, w, h, &wk->fs, sc->u, sc->v);
        if (ret < 0)
            return ret;
    }
    const int cwp = (w + (1 << c->lcw) - 1) >> c->lcw, chp = (h + (1 << c->lch) - 1) >> c->lch;
    DfFit *fit = pair->fit;
    int votes = 0;
    float *qa = sc->q + c->nb;
    for (int by = 0; by < c->by; by++)
        for (int bx = 0; bx < c->bx; bx++) {
            const int x0 = df_edge(bx, c->bx, w), x1 = df_edge(bx + 1, c->bx, w);
            const int y0 = df_edge(by, c->by, h), y1 = df_edge(by + 1, c->by, h);
            int n = 0;
            for (int y = y0 + wk->step / 2; y < y1; y += wk->step)
                for (int x = x0 + wk->step / 2; x < x1; x += wk->step) {
                    float du = 0, dv = 0;
                    if (c->s->motion) {
                        float lx = (x + 0.5f) / lsc - 0.5f, ly = (y + 0.5f) / lsc - 0.5f;
                        du = rs_flow_sample(sc->u, fw, fh, lx, ly) * lsc;
                        dv = rs_flow_sample(sc->v, fw, fh, lx, ly) * lsc;
                    }
                    const float px = x + du, py = y + dv;
                    if (px < 0 || py < 0 || px > w - 1 || py > h - 1)
                        continue;
                    const float a = df_bilinear(prev->plane[0], prev->stride[0], d, inv, w, h, px, py);
                    const float b = df_get(cur->plane[0], cur->stride[0], d, inv, x, y);
                    if (a < DF_DARK || a > DF_BRIGHT || b < DF_DARK || b > DF_BRIGHT)
                        continue;
                    sc->a[n] = a;
                    sc->b[n] = b;
                    const int cx = x >> c->lcw, cy = y >> c->lch;
                    const float qx = cx + du / (1 << c->lcw), qy = cy + dv / (1 << c->lch);
                    for (int p = 0; p < 2; p++) {
                        sc->ca[p][n] = df_bilinear(prev->plane[p + 1], prev->stride[p + 1], d, inv, cwp,
                                                            chp, qx, qy) - 128;
                        sc->cb[p][n] = df_get(cur->plane[p + 1], cur->stride[p + 1], d, inv, cx, cy) - 128;
                    }
                    n++;
                }
            const int b = by * c->bx + bx;
            fit[b].o = 0;
            int kept = robust_fit(sc->a, sc->b, n, sc->r, sc->in, &fit[b].g, &fit[b].res);
            /* A fit that explains fewer than a quarter of the region is not its light. */
            if (kept < 32 || 4 * kept < n)
                fit[b].res = INFINITY;
            for (int p = 0; p < 2; p++)
                fit[b].oc[p] = isfinite(fit[b].res) ? chroma_offset(sc->ca[p], sc->cb[p], sc->in, n, fit[b].g, sc->r) : 0;
            if (n >= 64) {
                /* A spread needs no more than a few hundred samples: every fourth of a large region. */
                const int k = n >= 1024 ? 4 : 1, m = (n + k - 1) / k;
                for (int i = 0; i < m; i++)
                    sc->r[i] = sc->b[i * k];
                const float sd = robust_spread(sc->r, m);
                /* A fit that explained too little of the region explained nothing. */
                if (sd >= DF_CUT_TEXTURE) {
                    qa[votes] = affine_residual(sc->a, sc->b, n, k, sc->r) / sd;
                    sc->q[votes++] = isfinite(fit[b].res) ? fit[b].res / sd : INFINITY;
                }
            }
        }
    *pair->q = votes >= DF_CUT_VOTES ? select_kth(sc->q, votes, votes / 2) : 0;
    if (votes >= DF_CUT_VOTES) {
        const float fade = select_kth(qa, votes, votes / 2);
        *pair->q = fade < DF_CUT_FADE && fade < *pair->q ? fade : *pair->q;
    }
    return 0;
}

static void *worker(void *opaque)
{
    Worker *wk = opaque;
    const DfCtx *c = wk->c;
    const int w = c->w, h = c->h, fw = w >> wk->level, fh = h >> wk->level;
    const size_t cap = (size_t)((w / c->bx + 2) / wk->step + 1) * ((h / c->by + 2) / wk->step + 1);
    Scratch sc = { 0 };
    float *fbuf = malloc(sizeof(float) * (2 * (size_t)fw * fh + 7 * cap + 2 * (size_t)c->nb));
    sc.in = malloc(cap);
    uint8_t *y8 = c->depth > 8 && c->s->motion ? malloc(2 * (size_t)w * h) : NULL;
    int ret = !fbuf || !sc.in || (c->depth > 8 && c->s->motion && !y8) ? RS_ENOMEM : 0;
    if (ret >= 0) {
        sc.u = fbuf, sc.v = fbuf + (size_t)fw * fh;
        float *p = sc.v + (size_t)fw * fh;
        sc.a = p, sc.b = p + cap, sc.ca[0] = p + 2 * cap, sc.ca[1] = p + 3 * cap;
        sc.cb[0] = p + 4 * cap, sc.cb[1] = p + 5 * cap, sc.r = p + 6 * cap, sc.q = p + 7 * cap;
        sc.y8[0] = y8, sc.y8[1] = y8 ? y8 + (size_t)w * h : NULL;
    }
    for (int t; ret >= 0 && atomic_load(&wk->ret) >= 0 && (t = atomic_fetch_add(&wk->next, 1)) < wk->n;)
        ret = measure_pair(wk, &sc, &wk->pairs[t]);
    if (ret < 0)
        atomic_store(&wk->ret, ret);
    free(fbuf);
    free(sc.in);
    free(y8);
    return NULL;
}

int rs_df_measure(const DfCtx *c, DfPair *pairs, int n, int threads)
{
    Worker wk = { .c = c, .pairs = pairs, .n = n };
    rs_flow_default_settings(&wk.fs);
    int ret = rs_flow_check(&wk.fs, c->w, c->h);
    if (ret < 0)
        return ret;
    wk.level = c->s->motion ? rs_flow_level(&wk.fs, c->w, c->h) : 0;
    /* About 480 samples across is plenty for a region's statistics. */
    wk.step = c->w / 480 > 1 ? c->w / 480 : 1;
    atomic_init(&wk.next, 0);
    atomic_init(&wk.ret, 0);
    rs_run_workers(worker, &wk, rs_worker_count(threads, n));
    return atomic_load(&wk.ret);
}

int rs_df_setup(DfCtx *c, int width, int height, int depth, int lcw, int lch, const RsDeflickerSettings *s)
{
    if (width < 16 || height < 16)
        return rs_error(RS_EINVAL, "deflicker: %dx%d (at least 16x16)", width, height);
    if (depth < 8 || depth > 16)
        return rs_error(RS_EINVAL, "deflicker: depth %d (8..16 bits)", depth);
    if (lcw < 0 || lcw > 1 || lch < 0 || lch > 1)
        return rs_error(RS_EINVAL, "deflicker: chroma shifts %d,%d (0 or 1)", lcw, lch);
    if (s->window < 3 || s->window > 255 || !(s->window & 1))
        return rs_error(RS_EINVAL, "deflicker: window %d (odd, 3..255 frames)", s->window);
    if (s->regions < 1 || s->regions > 64)
        return rs_error(RS_EINVAL, "deflicker: regions %d (1..64)", s->regions);
    if (!(s->max_gain >= 0 && s->max_gain <= 1))
        return rs_error(RS_EINVAL, "deflicker: max_gain %g (0..1)", s->max_gain);
    if (!(s->max_offset >= 0 && s->max_offset <= 128))
        return rs_error(RS_EINVAL, "deflicker: max_offset %g (0..128 levels)", s->max_offset);
    *c = (DfCtx){ .w = width, .h = height, .depth = depth, .lcw = lcw, .lch = lch,
                  .scale = (float)(1 << (depth - 8)), .s = s };
    c->bx = s->regions;
    c->by = (int)(s->regions * (double)height / width + 0.5);
    c->by = c->by < 1 ? 1 : c->by;
    /* A region keeps at least 8 samples a side, or its statistics mean nothing. */
    while (c->bx > 1 && width / c->bx < 8) c->bx--;
    while (c->by > 1 && height / c->by < 8) c->by--;
    c->nb = c->bx * c->by;
    return 0;
}
