/*
 * Mask tracking: polygons carried through a shot by the motion of what is
 * inside them. See include/rushes/track.h for the method.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/flow_cache.h"
#include "cleanup/flow_internal.h"
#include "cleanup/track_internal.h"
#include "rushes/error.h"
#include "rushes/track.h"

/* At most this many pixels of a shape vote for its motion: more adds time, not accuracy. */
#define MAX_VOTES 6000
/* A vote within this many pixels of the background's motion may be background (see drop_background):
 * the flow of an edge mixes the two, and 3 px did better than 1.5 or 5 on the DAVIS clips. */
#define BG_CLOSE 3.0f
/* The largest change of a tracked shape's size from one frame to the next. */
#define MAX_SCALE 0.01
/* The largest turn of a tracked similarity from one frame to the next, radians (1 degree). */
#define MAX_TURN 0.0175

void rs_track_default_settings(RsTrackSettings *s)
{
    RsFlowSettings f;
    rs_flow_default_settings(&f);
    *s = (RsTrackSettings){
        .model = RS_TRACK_SIMILARITY, .margin = 0, .erode = 4, .iterations = 8,
        .flow_patch_size = f.patch_size, .flow_patch_stride = f.patch_stride,
        .flow_iterations = f.iterations, .flow_finest_level = f.finest_level,
    };
}

/* The flow of one frame pair at the pyramid's working level, and how to read it at full resolution. */
typedef struct Field {
    float *u, *v;       /* from this frame to the next one of the sweep */
    int fw, fh, lv;
} Field;

typedef struct Votes {
    float *px, *py, *qx, *qy, *w, *r;
    int n;
} Votes;

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static float median(float *tmp, const float *v, int n)
{
    memcpy(tmp, v, sizeof(float) * n);
    qsort(tmp, n, sizeof(float), cmp_float);
    return n & 1 ? tmp[n / 2] : 0.5f * (tmp[n / 2 - 1] + tmp[n / 2]);
}

/* The ring around a shape where the background's own motion is read, pixels. */
#define RING 12

static float flow_at(const Field *f, const float *comp, int x, int y)
{
    const float sc = (float)(1 << f->lv);
    return sc * rs_flow_sample(comp, f->fw, f->fh, (x + 0.5f) / sc - 0.5f, (y + 0.5f) / sc - 0.5f);
}

static int inside_at(const uint8_t *raster, int bw, int bh, int x, int y, int d)
{
    /* The eight neighbours at distance d (the point itself when d is 0). */
    for (int dy = -d; dy <= d; dy += d ? d : 1)
        for (int dx = -d; dx <= d; dx += d ? d : 1) {
            const int xx = x + dx, yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= bw || yy >= bh || !raster[(size_t)yy * bw + xx])
                return 0;
        }
    return 1;
}

static int near_at(const uint8_t *raster, int bw, int bh, int x, int y, int d)
{
    for (int dy = -d; dy <= d; dy += d)
        for (int dx = -d; dx <= d; dx += d) {
            const int xx = x + dx, yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < bw && yy < bh && raster[(size_t)yy * bw + xx])
                return 1;
        }
    return 0;
}

/*
 * Collect the votes of one polygon: grid points inside it and at least
 * `erode` pixels from its edge (tested on the eight neighbours at that
 * distance), each with its match in the next frame along the flow; and the
 * displacements of grid points in a ring just outside it (the background
 * around the object) into ring[0..*nring) as u, v pairs.
 */
static void collect(const double *poly, int np, int w, int h, int erode, uint8_t *raster, const Field *f,
                    Votes *vt, float *ring, int *nring)
{
    double x0 = poly[0], x1 = poly[0], y0 = poly[1], y1 = poly[1];
    for (int i = 1; i < np; i++) {
        x0 = fmin(x0, poly[2 * i]);
        x1 = fmax(x1, poly[2 * i]);
        y0 = fmin(y0, poly[2 * i + 1]);
        y1 = fmax(y1, poly[2 * i + 1]);
    }
    vt->n = 0;
    *nring = 0;
    int bx0 = (int)fmax(0, floor(x0) - RING), by0 = (int)fmax(0, floor(y0) - RING);
    int bx1 = (int)fmin(w - 1, ceil(x1) + RING), by1 = (int)fmin(h - 1, ceil(y1) + RING);
    if (bx1 < bx0 || by1 < by0 || x1 < 0 || y1 < 0 || x0 > w || y0 > h)
        return;
    const int bw = bx1 - bx0 + 1, bh = by1 - by0 + 1;
    memset(raster, 0, (size_t)bw * bh);
    /* Rasterise in the box's own coordinates. */
    double shifted[512];
    for (int i = 0; i < np; i++) {
        shifted[2 * i] = poly[2 * i] - bx0;
        shifted[2 * i + 1] = poly[2 * i + 1] - by0;
    }
    rs_mask_fill_polygon(shifted, 2 * np, bw, bh, raster, bw);
    int step = (int)sqrt((double)bw * bh / MAX_VOTES);
    if (step < 1)
        step = 1;
    for (int erode_now = erode; erode_now >= 0 && vt->n < 12; erode_now--) {
        vt->n = 0;
        *nring = 0;
        for (int y = 0; y < bh; y += step)
            for (int x = 0; x < bw && vt->n < 4 * MAX_VOTES; x += step) {
                const int ax = bx0 + x, ay = by0 + y;
                if (!raster[(size_t)y * bw + x]) {
                    if (*nring < 4 * MAX_VOTES && !near_at(raster, bw, bh, x, y, 3) &&
                        near_at(raster, bw, bh, x, y, RING)) {
                        ring[2 * *nring] = flow_at(f, f->u, ax, ay);
                        ring[2 * (*nring)++ + 1] = flow_at(f, f->v, ax, ay);
                    }
                    continue;
                }
                if (!inside_at(raster, bw, bh, x, y, erode_now))
                    continue;
                const float fu = flow_at(f, f->u, ax, ay), fv = flow_at(f, f->v, ax, ay);
                const int k = vt->n++;
                vt->px[k] = (float)ax + 0.5f;
                vt->py[k] = (float)ay + 0.5f;
                vt->qx[k] = vt->px[k] + fu;
                vt->qy[k] = vt->py[k] + fv;
            }
    }
}

/*
 * Background seen through the shape moves as the ring around it does. When
 * enough of the votes move otherwise, the object is those: the votes that
 * move as the background does are dropped (an object moving with the
 * background keeps them all).
 */
static void drop_background(Votes *vt, float *ring, int nring, float *tmp)
{
    if (nring < 8)
        return;
    for (int i = 0; i < nring; i++)
        tmp[i] = ring[2 * i], tmp[nring + i] = ring[2 * i + 1];
    const float bu = median(tmp + 2 * nring, tmp, nring), bv = median(tmp + 2 * nring, tmp + nring, nring);
    int other = 0;
    for (int i = 0; i < vt->n; i++) {
        const float du = vt->qx[i] - vt->px[i] - bu, dv = vt->qy[i] - vt->py[i] - bv;
        vt->r[i] = du * du + dv * dv > BG_CLOSE * BG_CLOSE;
        other += vt->r[i] > 0;
    }
    if (other < 12 || other < vt->n / 4)
        return;
    int k = 0;
    for (int i = 0; i < vt->n; i++)
        if (vt->r[i] > 0) {
            vt->px[k] = vt->px[i], vt->py[k] = vt->py[i], vt->qx[k] = vt->qx[i], vt->qy[k] = vt->qy[i];
            k++;
        }
    vt->n = k;
}

/*
 * Fit q = cq + M (p - cp) to the votes, robustly: start from the median
 * displacement, then reweight by Tukey's biweight on the residuals, with the
 * scale taken from their median (never under 0.3 px: the flow is not
 * sharper than that). Votes far off the fit (background seen through the
 * shape, an arm moving on its own) end with weight 0.
 */
static void fit(Votes *vt, int model, int iterations, float *tmp, double M[4], double cp[2], double cq[2])
{
    const int n = vt->n;
    for (int i = 0; i < n; i++) {
        tmp[i] = vt->qx[i] - vt->px[i];
        tmp[n + i] = vt->qy[i] - vt->py[i];
    }
    float *sorted = tmp + 2 * n;
    const double tx = median(sorted, tmp, n), ty = median(sorted, tmp + n, n);
    M[0] = 1, M[1] = 0, M[2] = 0, M[3] = 1;
    cp[0] = 0, cp[1] = 0, cq[0] = tx, cq[1] = ty;
    for (int it = 0; it <= iterations; it++) {
        for (int i = 0; i < n; i++) {
            double dx = vt->px[i] - cp[0], dy = vt->py[i] - cp[1];
            double ex = cq[0] + M[0] * dx + M[1] * dy - vt->qx[i];
            double ey = cq[1] + M[2] * dx + M[3] * dy - vt->qy[i];
            vt->r[i] = (float)sqrt(ex * ex + ey * ey);
        }
        double sigma = 1.4826 * median(sorted, vt->r, n);
        if (sigma < 0.3)
            sigma = 0.3;
        const double c = 4.685 * sigma;
        double sw = 0, spx = 0, spy = 0, sqx = 0, sqy = 0;
        for (int i = 0; i < n; i++) {
            double u = vt->r[i] / c;
            vt->w[i] = u < 1 ? (float)((1 - u * u) * (1 - u * u)) : 0.f;
            sw += vt->w[i];
            spx += vt->w[i] * vt->px[i];
            spy += vt->w[i] * vt->py[i];
            sqx += vt->w[i] * vt->qx[i];
            sqy += vt->w[i] * vt->qy[i];
        }
        if (sw <= 0 || it == iterations)
            break;
        cp[0] = spx / sw, cp[1] = spy / sw, cq[0] = sqx / sw, cq[1] = sqy / sw;
        if (model == RS_TRACK_TRANSLATION)
            continue;
        /* Second moments of the centred votes. */
        double sxx = 0, sxy = 0, syy = 0, axx = 0, axy = 0, ayx = 0, ayy = 0;
        for (int i = 0; i < n; i++) {
            const double wi = vt->w[i], x = vt->px[i] - cp[0], y = vt->py[i] - cp[1];
            const double X = vt->qx[i] - cq[0], Y = vt->qy[i] - cq[1];
            sxx += wi * x * x, sxy += wi * x * y, syy += wi * y * y;
            axx += wi * X * x, axy += wi * X * y, ayx += wi * Y * x, ayy += wi * Y * y;
        }
        const double det = sxx * syy - sxy * sxy;
        if (model == RS_TRACK_AFFINE && det > 1e-3 * (sxx + syy) * (sxx + syy)) {
            M[0] = (axx * syy - axy * sxy) / det;
            M[1] = (axy * sxx - axx * sxy) / det;
            M[2] = (ayx * syy - ayy * sxy) / det;
            M[3] = (ayy * sxx - ayx * sxy) / det;
        } else if (sxx + syy > 0) {
            double a = (axx + ayy) / (sxx + syy), b = (ayx - axy) / (sxx + syy);
            /* Turning is damped like growing (below): over a long shape a
             * small error of angle moves the far vertices a long way. */
            const double r = hypot(a, b), ang = atan2(b, a);
            if (fabs(ang) > MAX_TURN)
                a = r * cos(ang > 0 ? MAX_TURN : -MAX_TURN), b = r * sin(ang > 0 ? MAX_TURN : -MAX_TURN);
            M[0] = a, M[1] = -b, M[2] = b, M[3] = a;
        }
        /* A shape does not grow or shrink by a quarter in one frame: such a
         * fit comes from too few or too flat votes; keep the translation.
         * Smaller changes of size are damped to MAX_SCALE a frame: a small
         * bias of the flow (the background pulling at the edge) would
         * otherwise compound over the shot. */
        const double scale = sqrt(fabs(M[0] * M[3] - M[1] * M[2]));
        if (!(scale > 0.8 && scale < 1.25)) {
            M[0] = 1, M[1] = 0, M[2] = 0, M[3] = 1;
        } else if (fabs(scale - 1) > MAX_SCALE) {
            const double k = (1 + (scale > 1 ? MAX_SCALE : -MAX_SCALE)) / scale;
            for (int j = 0; j < 4; j++)
                M[j] *= k;
        }
    }
}

/* Move the polygon src (np vertices) by the motion of its inside from one frame to the next. */
static void advance(const double *src, double *dst, int np, int w, int h, const RsTrackSettings *s,
                    const Field *f, uint8_t *raster, Votes *vt, float *tmp)
{
    int nring;
    float *ring = tmp + 3 * (4 * MAX_VOTES + 4);
    collect(src, np, w, h, s->erode, raster, f, vt, ring, &nring);
    drop_background(vt, ring, nring, tmp);
    if (vt->n < 3) {
        /* The shape has left the picture or is thinner than a pixel: hold it. */
        memcpy(dst, src, sizeof(double) * 2 * np);
        return;
    }
    double M[4], cp[2], cq[2];
    fit(vt, s->model, s->iterations, tmp, M, cp, cq);
    for (int i = 0; i < np; i++) {
        double dx = src[2 * i] - cp[0], dy = src[2 * i + 1] - cp[1];
        dst[2 * i] = cq[0] + M[0] * dx + M[1] * dy;
        dst[2 * i + 1] = cq[1] + M[2] * dx + M[3] * dy;
    }
}

static int check(const RsTrackShape *shapes, int nshapes, const RsTrackSettings *s)
{
    if (s->model < RS_TRACK_TRANSLATION || s->model > RS_TRACK_AFFINE)
        return rs_error(RS_EINVAL, "track: model %d (0 translation, 1 similarity, 2 affine)", s->model);
    if (s->margin < 0 || s->margin > 64 || s->erode < 0 || s->erode > 16 || s->iterations < 0 || s->iterations > 100)
        return rs_error(RS_EINVAL, "track: margin %d (0..64), erode %d (0..16), iterations %d (0..100)", s->margin,
                        s->erode, s->iterations);
    for (int i = 0; i < nshapes; i++) {
        const RsTrackShape *sh = &shapes[i];
        if (sh->npoints < 3 || sh->npoints > 256 || sh->nkeys < 1 || !sh->key_frames || !sh->keys || !sh->out)
            return rs_error(RS_EINVAL, "track: shape %d: %d points (3..256), %d keys, or a NULL array", i,
                            sh->npoints, sh->nkeys);
        for (int k = 0; k < sh->nkeys; k++)
            if (sh->key_frames[k] < 0 || (k && sh->key_frames[k] <= sh->key_frames[k - 1]))
                return rs_error(RS_EINVAL, "track: shape %d: key %d at frame %lld is not after the previous", i, k,
                                (long long)sh->key_frames[k]);
    }
    return 0;
}

/* Which keys of sh fall inside the shot: [0, *nk). */
static int keys_in(const RsTrackShape *sh, int n)
{
    int nk = 0;
    while (nk < sh->nkeys && sh->key_frames[nk] < n)
        nk++;
    return nk;
}

/* Whether the sweep in direction dir moves a shape on from frame t: one has a key at t or before
 * it (forwards), at t or after it (backwards). */
static int busy_at(const RsTrackShape *shapes, int nshapes, int n, int t, int dir)
{
    int busy = 0;
    for (int i = 0; i < nshapes; i++) {
        const int nk = keys_in(&shapes[i], n);
        busy |= nk && (dir > 0 ? shapes[i].key_frames[0] <= t : shapes[i].key_frames[nk - 1] >= t);
    }
    return busy;
}

/*
 * One pass over the shot in one direction (dir +1 forwards, -1 backwards):
 * trk[t] is set on every frame reached from a key, restarting at each key.
 */
static int sweep(const uint8_t *const *luma, ptrdiff_t stride, int n, int w, int h, RsTrackShape *shapes,
                 int nshapes, double **trk, const RsTrackSettings *s, const RsFlowSettings *fs, Field *f,
                 uint8_t *raster, Votes *vt, float *tmp, int dir, const RsFlowCache *cache)
{
    float *own_u = f->u, *own_v = f->v;
    for (int t = dir > 0 ? 0 : n - 1; dir > 0 ? t < n - 1 : t > 0; t += dir) {
        if (!busy_at(shapes, nshapes, n, t, dir))
            continue;
        /* The cache holds every field the sweep reads (rs_track_shapes_cached() computed them). */
        const float *cf = cache ? rs_flow_cache_get(cache, t, dir < 0) : NULL;
        if (cf) {
            f->u = (float *)cf;
            f->v = (float *)cf + (size_t)f->fw * f->fh;
        } else {
            f->u = own_u;
            f->v = own_v;
            int ret = rs_flow_compute_level(luma[t], stride, luma[t + dir], stride, w, h, fs, f->u, f->v);
            if (ret < 0)
                return ret;
        }
        for (int i = 0; i < nshapes; i++) {
            const RsTrackShape *sh = &shapes[i];
            const int nk = keys_in(sh, n), np = sh->npoints;
            if (!nk || (dir > 0 ? sh->key_frames[0] > t : sh->key_frames[nk - 1] < t))
                continue;
            int key = -1;
            for (int k = 0; k < nk; k++)
                if (sh->key_frames[k] == t + dir)
                    key = k;
            double *dst = trk[i] + (size_t)(t + dir) * 2 * np;
            if (key >= 0)
                memcpy(dst, sh->keys + (size_t)key * 2 * np, sizeof(double) * 2 * np);
            else
                advance(trk[i] + (size_t)t * 2 * np, dst, np, w, h, s, f, raster, vt, tmp);
        }
    }
    f->u = own_u;
    f->v = own_v;
    return 0;
}

int rs_track_shapes(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                    RsTrackShape *shapes, int nshapes, const RsTrackSettings *s)
{
    return rs_track_shapes_cached(luma, stride, n, width, height, shapes, nshapes, s, NULL);
}

int rs_track_shapes_cached(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                           RsTrackShape *shapes, int nshapes, const RsTrackSettings *s, RsFlowCache *cache)
{
    RsTrackSettings def;
    if (!s) {
        rs_track_default_settings(&def);
        s = &def;
    }
    if (!luma || n < 1 || width < 8 || height < 8 || stride < width || nshapes < 0 || (nshapes && !shapes))
        return rs_error(RS_EINVAL, "track: %d frames of %dx%d, stride %td, %d shapes", n, width, height, stride,
                        nshapes);
    int ret = check(shapes, nshapes, s);
    if (ret < 0)
        return ret;
    RsFlowSettings fs = { s->flow_patch_size, s->flow_patch_stride, s->flow_iterations, s->flow_finest_level };
    if ((ret = rs_flow_check(&fs, width, height)) < 0)
        return ret;
    /* The fields of a cache made for these frames with these settings are the tracker's own:
     * all it reads are computed there at once, on the cache's threads, and stay for the fill. */
    if (cache && (cache->n != n || !rs_flow_cache_matches(cache, &fs, width, height)))
        cache = NULL;
    if (cache) {
        uint8_t *want = calloc(2 * (size_t)n, 1);
        if (!want)
            return rs_error(RS_ENOMEM, "track: out of memory for %d frames of %dx%d", n, width, height);
        for (int t = 0; t < n; t++) {
            want[2 * t] = t < n - 1 && busy_at(shapes, nshapes, n, t, 1);
            want[2 * t + 1] = t > 0 && busy_at(shapes, nshapes, n, t, -1);
        }
        /* The tracker's luma is the frames' 8-bit guide (track_internal.h): the cache reads it
         * rather than rounding deeper frames to 8 bits again for each field. */
        cache->luma = luma;
        cache->luma_stride = stride;
        ret = rs_flow_cache_compute(cache, want);
        cache->luma = NULL;
        free(want);
        if (ret == RS_ENOMEM)
            return rs_error(RS_ENOMEM, "track: out of memory for the flow of %d frames of %dx%d", n, width, height);
        if (ret < 0)
            return ret;
    }
    const int lv = rs_flow_level(&fs, width, height);
    Field f = { NULL, NULL, width >> lv, height >> lv, lv };
    const size_t fn = (size_t)f.fw * f.fh;
    const int cap = 4 * MAX_VOTES + 4;
    float *fp = malloc(sizeof(float) * (2 * fn + 6 * (size_t)cap + 5 * (size_t)cap));
    uint8_t *raster = malloc((size_t)width * height);  /* one shape's box */
    double **fwd = calloc(nshapes ? nshapes : 1, sizeof(*fwd)), **bwd = calloc(nshapes ? nshapes : 1, sizeof(*bwd));
    ret = fp && raster && fwd && bwd ? 0 : RS_ENOMEM;
    for (int i = 0; ret >= 0 && i < nshapes; i++) {
        const size_t len = (size_t)n * 2 * shapes[i].npoints;
        fwd[i] = calloc(len, sizeof(double));
        bwd[i] = calloc(len, sizeof(double));
        if (!fwd[i] || !bwd[i])
            ret = RS_ENOMEM;
    }
    if (ret < 0) {
        ret = rs_error(RS_ENOMEM, "track: out of memory for %d frames of %dx%d", n, width, height);
    } else {
        f.u = fp;
        f.v = fp + fn;
        float *vb = fp + 2 * fn;
        Votes vt = { vb, vb + cap, vb + 2 * cap, vb + 3 * cap, vb + 4 * cap, vb + 5 * cap, 0 };
        float *tmp = vb + 6 * cap;
        for (int i = 0; i < nshapes; i++) {
            const int nk = keys_in(&shapes[i], n), np = shapes[i].npoints;
            for (int k = 0; k < nk; k++) {
                const size_t at = (size_t)shapes[i].key_frames[k] * 2 * np;
                memcpy(fwd[i] + at, shapes[i].keys + (size_t)k * 2 * np, sizeof(double) * 2 * np);
                memcpy(bwd[i] + at, shapes[i].keys + (size_t)k * 2 * np, sizeof(double) * 2 * np);
            }
        }
        ret = sweep(luma, stride, n, width, height, shapes, nshapes, fwd, s, &fs, &f, raster, &vt, tmp, 1, cache);
        if (ret >= 0)
            ret = sweep(luma, stride, n, width, height, shapes, nshapes, bwd, s, &fs, &f, raster, &vt, tmp, -1, cache);
    }
    for (int i = 0; ret >= 0 && i < nshapes; i++) {
        const RsTrackShape *sh = &shapes[i];
        const int nk = keys_in(sh, n), np2 = 2 * sh->npoints;
        for (int t = 0; t < n; t++) {
            double *o = sh->out + (size_t)t * np2;
            if (!nk) {
                memcpy(o, sh->keys, sizeof(double) * np2);
                continue;
            }
            int a = -1, b = -1;
            for (int k = 0; k < nk; k++) {
                if (sh->key_frames[k] <= t)
                    a = k;
                if (sh->key_frames[k] >= t && b < 0)
                    b = k;
            }
            const double *fv = fwd[i] + (size_t)t * np2, *bv = bwd[i] + (size_t)t * np2;
            if (a < 0 || b < 0 || a == b) {
                memcpy(o, a < 0 ? bv : fv, sizeof(double) * np2);
            } else {
                /* Between two keys: the forward track from the first and the
                 * backward track from the second, each trusted near its key. */
                const double wb = (double)(t - sh->key_frames[a]) / (double)(sh->key_frames[b] - sh->key_frames[a]);
                for (int j = 0; j < np2; j++)
                    o[j] = (1 - wb) * fv[j] + wb * bv[j];
            }
        }
    }
    for (int i = 0; fwd && bwd && i < nshapes; i++) {
        free(fwd[i]);
        free(bwd[i]);
    }
    free(fwd);
    free(bwd);
    free(fp);
    free(raster);
    return ret;
}
