/*
 * Dense optical flow in the spirit of DIS (see include/rushes/flow.h): patch
 * inverse search on a pyramid, densified by residual-weighted averaging.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/flow_internal.h"
#include "rushes/error.h"

#define MAX_LEVELS 12

typedef struct Image {
    float *p;
    int w, h;
} Image;

void rs_flow_default_settings(RsFlowSettings *s)
{
    *s = (RsFlowSettings){ .patch_size = 8, .patch_stride = 4, .iterations = 12, .finest_level = -1, .median = 0 };
}

int rs_flow_level(const RsFlowSettings *s, int w, int h)
{
    int level = 0;
    if (s->finest_level >= 0)
        level = s->finest_level;
    else
        while ((w >> level) > 480)
            level++;
    /* Never go below the size where a patch still fits twice. */
    while (level > 0 && ((w >> level) < 2 * s->patch_size || (h >> level) < 2 * s->patch_size))
        level--;
    return level;
}

int rs_flow_check(const RsFlowSettings *s, int w, int h)
{
    if (s->patch_size < 4 || s->patch_size > 16)
        return rs_error(RS_EINVAL, "flow: patch_size %d is outside 4..16", s->patch_size);
    if (s->patch_stride < 1 || s->patch_stride > s->patch_size)
        return rs_error(RS_EINVAL, "flow: patch_stride %d is outside 1..%d", s->patch_stride, s->patch_size);
    if (s->iterations < 1 || s->iterations > 100)
        return rs_error(RS_EINVAL, "flow: iterations %d is outside 1..100", s->iterations);
    if (s->median < 0 || s->median > 1)
        return rs_error(RS_EINVAL, "flow: median %d is not 0 or 1", s->median);
    if (s->finest_level < -1 || s->finest_level >= MAX_LEVELS)
        return rs_error(RS_EINVAL, "flow: finest_level %d is outside -1..%d", s->finest_level, MAX_LEVELS - 1);
    if (w < 8 || h < 8)
        return rs_error(RS_EINVAL, "flow: picture %dx%d is under 8x8", w, h);
    return 0;
}

static float sample(const Image *im, float x, float y)
{
    return rs_flow_sample(im->p, im->w, im->h, x, y);
}

/*
 * Read the ps x ps patch of im whose top-left corner is at (x, y). Every
 * sample of a translated patch has the same fractional position, so the
 * bilinear weights are computed once; only patches reaching past the border
 * take the clamped path.
 */
static void sample_patch(const Image *im, float x, float y, int ps, float *out)
{
    const float fx0 = floorf(x), fy0 = floorf(y);
    const int ix = (int)fx0, iy = (int)fy0;
    if (ix < 0 || iy < 0 || ix + ps >= im->w || iy + ps >= im->h) {
        for (int r = 0; r < ps; r++)
            for (int c = 0; c < ps; c++)
                out[r * ps + c] = sample(im, x + c, y + r);
        return;
    }
    const float ax = x - fx0, ay = y - fy0;
    const float w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
    for (int r = 0; r < ps; r++) {
        const float *p0 = im->p + (size_t)(iy + r) * im->w + ix, *p1 = p0 + im->w;
        for (int c = 0; c < ps; c++)
            out[r * ps + c] = w00 * p0[c] + w01 * p0[c + 1] + w10 * p1[c] + w11 * p1[c + 1];
    }
}

/* Level 0 is the picture as floats; each next level is a 2x2 box average. */
static int build_pyramid(Image *pyr, int levels, const uint8_t *src, ptrdiff_t stride, int w, int h)
{
    for (int l = 0; l < levels; l++) {
        int lw = l ? pyr[l - 1].w / 2 : w, lh = l ? pyr[l - 1].h / 2 : h;
        pyr[l] = (Image){ malloc(sizeof(float) * (size_t)lw * lh), lw, lh };
        if (!pyr[l].p)
            return RS_ENOMEM;
        for (int y = 0; y < lh; y++)
            for (int x = 0; x < lw; x++) {
                float *d = &pyr[l].p[(size_t)y * lw + x];
                if (!l) {
                    *d = src[y * stride + x];
                } else {
                    const Image *u = &pyr[l - 1];
                    const float *r0 = u->p + (size_t)(2 * y) * u->w + 2 * x, *r1 = r0 + u->w;
                    *d = 0.25f * (r0[0] + r0[1] + r1[0] + r1[1]);
                }
            }
    }
    return 0;
}

/*
 * Align one patch of a (top-left x0, y0) into b starting from (*pu, *pv).
 * Inverse compositional: the Hessian comes from a's mean-free gradients once;
 * each step only resamples b. Returns the final mean-free SSD per sample.
 */
static float align_patch(const Image *a, const Image *b, const float *gx, const float *gy,
                         int x0, int y0, int ps, int iters, float *pu, float *pv)
{
    float mgx = 0, mgy = 0, ma = 0;
    const int n = ps * ps;
    for (int y = 0; y < ps; y++)
        for (int x = 0; x < ps; x++) {
            size_t i = (size_t)(y0 + y) * a->w + x0 + x;
            mgx += gx[i]; mgy += gy[i]; ma += a->p[i];
        }
    mgx /= n; mgy /= n; ma /= n;
    float hxx = 0, hxy = 0, hyy = 0;
    for (int y = 0; y < ps; y++)
        for (int x = 0; x < ps; x++) {
            size_t i = (size_t)(y0 + y) * a->w + x0 + x;
            float jx = gx[i] - mgx, jy = gy[i] - mgy;
            hxx += jx * jx; hxy += jx * jy; hyy += jy * jy;
        }
    float det = hxx * hyy - hxy * hxy;
    /* A flat patch (under about one grey level of gradient per sample, as
     * fine texture becomes at coarse levels) has no motion to find: it keeps
     * the coarser estimate instead of following noise. */
    const int flat = hxx + hyy < (float)n || det < 1e-3f * (hxx + hyy) * (hxx + hyy);
    const float u0 = *pu, v0 = *pv;
    float u = u0, v = v0, ssd = 0, ssd0 = 0;
    float diff[16 * 16];
    for (int it = 0; it <= iters; it++) {
        float mb = 0;
        sample_patch(b, x0 + u, y0 + v, ps, diff);
        for (int i = 0; i < n; i++)
            mb += diff[i];
        mb /= n;
        float bx = 0, by = 0;
        ssd = 0;
        for (int y = 0; y < ps; y++)
            for (int x = 0; x < ps; x++) {
                size_t i = (size_t)(y0 + y) * a->w + x0 + x;
                float r = (diff[y * ps + x] - mb) - (a->p[i] - ma);
                ssd += r * r;
                bx += (gx[i] - mgx) * r;
                by += (gy[i] - mgy) * r;
            }
        if (!it)
            ssd0 = ssd;
        if (it == iters || flat)
            break;
        float du = (hyy * bx - hxy * by) / det, dv = (hxx * by - hxy * bx) / det;
        u -= du;
        v -= dv;
        if (du * du + dv * dv < 1e-4f)
            it = iters - 1;
    }
    /* Gauss-Newton can walk away on aliased or repetitive texture: keep the
     * start when the patch matches worse than it did there. */
    if (ssd > ssd0) {
        u = u0;
        v = v0;
        ssd = ssd0;
    }
    *pu = u;
    *pv = v;
    return ssd / n;
}

/* One level: patches from the current dense field, then densify into it. */
static int refine_level(const Image *a, const Image *b, const RsFlowSettings *s, float *u, float *v)
{
    const int w = a->w, h = a->h, ps = s->patch_size < w && s->patch_size < h ? s->patch_size : 4;
    const int st = s->patch_stride;
    const size_t n = (size_t)w * h;
    float *gx = malloc(sizeof(float) * n * 5);
    if (!gx)
        return RS_ENOMEM;
    float *gy = gx + n, *acc_u = gy + n, *acc_v = acc_u + n, *acc_w = acc_v + n;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const float *r = a->p + (size_t)y * w;
            int xl = x > 0 ? x - 1 : x, xr = x < w - 1 ? x + 1 : x;
            int yu = y > 0 ? y - 1 : y, yd = y < h - 1 ? y + 1 : y;
            gx[(size_t)y * w + x] = (r[xr] - r[xl]) / (float)(xr - xl);
            gy[(size_t)y * w + x] = (a->p[(size_t)yd * w + x] - a->p[(size_t)yu * w + x]) / (float)(yd - yu);
        }
    memset(acc_u, 0, sizeof(float) * n * 3);
    /* The grid always includes the last row and column, so every pixel is covered. */
    for (int py = 0;; py += st) {
        int y0 = py + ps > h ? h - ps : py;
        for (int px = 0;; px += st) {
            int x0 = px + ps > w ? w - ps : px;
            size_t c = (size_t)(y0 + ps / 2) * w + x0 + ps / 2;
            float pu = u[c], pv = v[c];
            align_patch(a, b, gx, gy, x0, y0, ps, s->iterations, &pu, &pv);
            /* Weight each covered pixel by how well this patch's motion explains it. */
            float ma = 0, mb = 0, pb[16 * 16];
            sample_patch(b, x0 + pu, y0 + pv, ps, pb);
            for (int y = 0; y < ps; y++)
                for (int x = 0; x < ps; x++) {
                    ma += a->p[(size_t)(y0 + y) * w + x0 + x];
                    mb += pb[y * ps + x];
                }
            float off = (mb - ma) / (ps * ps);
            for (int y = 0; y < ps; y++)
                for (int x = 0; x < ps; x++) {
                    size_t i = (size_t)(y0 + y) * w + x0 + x;
                    float r = pb[y * ps + x] - off - a->p[i];
                    float wt = 1.0f / fmaxf(1.0f, fabsf(r));
                    acc_u[i] += wt * pu;
                    acc_v[i] += wt * pv;
                    acc_w[i] += wt;
                }
            if (x0 == w - ps)
                break;
        }
        if (y0 == h - ps)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        u[i] = acc_u[i] / acc_w[i];
        v[i] = acc_v[i] / acc_w[i];
    }
    free(gx);
    return 0;
}

/*
 * 3x3 median of each component of the field (edges replicated). Densified
 * patch votes leave isolated wrong vectors where a patch locked onto the
 * wrong texture; a median removes them and keeps motion edges where they
 * are, which a mean would blur. The median of nine is a fixed network of 19
 * exchanges (min and max, written so the compiler runs a row's pixels side
 * by side); the picture's first and last columns take the clamped path.
 */
#define MIN2(a, b) ((a) < (b) ? (a) : (b))
#define MAX2(a, b) ((a) < (b) ? (b) : (a))
#define SORT2(a, b) { const float lo_ = MIN2(a, b), hi_ = MAX2(a, b); a = lo_; b = hi_; }

static inline float median9(float p0, float p1, float p2, float p3, float p4, float p5, float p6, float p7,
                            float p8)
{
    SORT2(p1, p2); SORT2(p4, p5); SORT2(p7, p8); SORT2(p0, p1); SORT2(p3, p4); SORT2(p6, p7);
    SORT2(p1, p2); SORT2(p4, p5); SORT2(p7, p8); SORT2(p0, p3); SORT2(p5, p8); SORT2(p4, p7);
    SORT2(p3, p6); SORT2(p1, p4); SORT2(p2, p5); SORT2(p4, p7); SORT2(p4, p2); SORT2(p6, p4);
    SORT2(p4, p2);
    return p4;
}

static int median_field(float *u, float *v, int w, int h)
{
    const size_t n = (size_t)w * h;
    float *t = malloc(sizeof(float) * n);
    if (!t)
        return RS_ENOMEM;
    for (int f = 0; f < 2; f++) {
        float *d = f ? v : u;
        memcpy(t, d, sizeof(float) * n);
        for (int y = 0; y < h; y++) {
            const float *a = t + (size_t)(y > 0 ? y - 1 : y) * w, *b = t + (size_t)y * w;
            const float *c = t + (size_t)(y < h - 1 ? y + 1 : y) * w;
            float *o = d + (size_t)y * w;
            for (int x = 1; x < w - 1; x++)
                o[x] = median9(a[x - 1], a[x], a[x + 1], b[x - 1], b[x], b[x + 1], c[x - 1], c[x], c[x + 1]);
            for (int x = 0; x < w; x += w - 1 > 0 ? w - 1 : 1) {
                const int xl = x > 0 ? x - 1 : x, xr = x < w - 1 ? x + 1 : x;
                o[x] = median9(a[xl], a[x], a[xr], b[xl], b[x], b[xr], c[xl], c[x], c[xr]);
            }
        }
    }
    free(t);
    return 0;
}

#undef SORT2
#undef MAX2
#undef MIN2

int rs_flow_compute_level(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                          int w, int h, const RsFlowSettings *s, float *u, float *v)
{
    RsFlowSettings def;
    if (!s) {
        rs_flow_default_settings(&def);
        s = &def;
    }
    if (!a || !b || !u || !v)
        return rs_error(RS_EINVAL, "flow: NULL picture or field");
    int ret = rs_flow_check(s, w, h);
    if (ret < 0)
        return ret;
    const int finest = rs_flow_level(s, w, h);
    int levels = finest + 1;
    /* Coarsest level: about four patches across the smaller side. */
    while (levels < MAX_LEVELS && (w >> levels) >= 4 * s->patch_size && (h >> levels) >= 4 * s->patch_size)
        levels++;
    Image pa[MAX_LEVELS] = { { 0 } }, pb[MAX_LEVELS] = { { 0 } };
    float *cu = NULL, *cv = NULL;
    ret = build_pyramid(pa, levels, a, a_stride, w, h);
    if (ret >= 0)
        ret = build_pyramid(pb, levels, b, b_stride, w, h);
    int cw = 0, ch = 0;
    for (int l = levels - 1; ret >= 0 && l >= finest; l--) {
        const int lw = pa[l].w, lh = pa[l].h;
        float *nu = malloc(sizeof(float) * (size_t)lw * lh * 2);
        if (!nu) {
            ret = RS_ENOMEM;
            break;
        }
        float *nv = nu + (size_t)lw * lh;
        /* Start from the coarser field, upsampled and doubled; zero at the top. */
        for (int y = 0; y < lh; y++)
            for (int x = 0; x < lw; x++) {
                size_t i = (size_t)y * lw + x;
                if (!cu) {
                    nu[i] = nv[i] = 0;
                } else {
                    float sx = (x + 0.5f) * cw / lw - 0.5f, sy = (y + 0.5f) * ch / lh - 0.5f;
                    nu[i] = 2 * rs_flow_sample(cu, cw, ch, sx, sy);
                    nv[i] = 2 * rs_flow_sample(cv, cw, ch, sx, sy);
                }
            }
        free(cu);
        cu = nu;
        cv = nv;
        cw = lw;
        ch = lh;
        ret = refine_level(&pa[l], &pb[l], s, cu, cv);
        if (ret >= 0 && s->median)
            ret = median_field(cu, cv, lw, lh);
    }
    /* The finest level may be a pixel narrower than w >> finest after halving odd sizes. */
    if (ret >= 0) {
        const int fw = w >> finest, fh = h >> finest;
        for (int y = 0; y < fh; y++)
            for (int x = 0; x < fw; x++) {
                u[(size_t)y * fw + x] = rs_flow_sample(cu, cw, ch, (float)x, (float)y);
                v[(size_t)y * fw + x] = rs_flow_sample(cv, cw, ch, (float)x, (float)y);
            }
    }
    free(cu);
    for (int l = 0; l < levels; l++) {
        free(pa[l].p);
        free(pb[l].p);
    }
    return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "flow: out of memory for %dx%d", w, h) : ret;
}

int rs_flow_compute(const uint8_t *a, ptrdiff_t a_stride, const uint8_t *b, ptrdiff_t b_stride,
                    int w, int h, const RsFlowSettings *s, float *u, float *v)
{
    RsFlowSettings def;
    if (!s) {
        rs_flow_default_settings(&def);
        s = &def;
    }
    int ret = rs_flow_check(s, w, h);
    if (ret < 0 || !u || !v)
        return ret < 0 ? ret : rs_error(RS_EINVAL, "flow: NULL field");
    const int level = rs_flow_level(s, w, h);
    if (!level)
        return rs_flow_compute_level(a, a_stride, b, b_stride, w, h, s, u, v);
    const int fw = w >> level, fh = h >> level;
    float *lu = malloc(sizeof(float) * (size_t)fw * fh * 2);
    if (!lu)
        return rs_error(RS_ENOMEM, "flow: out of memory for %dx%d", w, h);
    float *lv = lu + (size_t)fw * fh;
    ret = rs_flow_compute_level(a, a_stride, b, b_stride, w, h, s, lu, lv);
    const float scale = (float)(1 << level);
    for (int y = 0; ret >= 0 && y < h; y++)
        for (int x = 0; x < w; x++) {
            float sx = (x + 0.5f) / scale - 0.5f, sy = (y + 0.5f) / scale - 0.5f;
            u[(size_t)y * w + x] = scale * rs_flow_sample(lu, fw, fh, sx, sy);
            v[(size_t)y * w + x] = scale * rs_flow_sample(lv, fw, fh, sx, sy);
        }
    free(lu);
    return ret;
}
