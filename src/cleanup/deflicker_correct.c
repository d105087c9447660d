/*
 * Deflicker, second pass, last step: chain the frame-to-frame fits of each
 * region into its light level over the shot, ask deflicker_target.c what
 * level each frame should have, and turn that into a gain and offset that
 * go no further than the flicker around the frame and the user's limits
 * allow (a wrong model must not become a visible change). Then correct
 * every sample with a gain and offset interpolated smoothly between
 * regions, bending before black and white instead of clipping. Why a level
 * is flicker or an intended change is deflicker_level.c's and
 * deflicker_target.c's business; this file only decides how far to act.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/deflicker_internal.h"
#include "cleanup/deflicker_level.h"
#include "rushes/error.h"

/* The largest correction, in units of the flicker around the frame (DfLevel.fast). */
#define DF_FAST_K 4.0

/* Beyond this fraction of the headroom a change starts to bend (tanh knee). */
#define DF_KNEE 0.05f

typedef struct Series {
    double *G, *O, *OC[2], *lev, *levc[2], *tmp, *scr;
    int *idx;
    DfLevel L[3];              /* the luma level and the two chroma levels */
} Series;

/* The correction of region b for frames t0..t1: corr[((t - t0) * nb + b) * 4 + {a, b, bc0, bc1}]. */
static void plan_region(const DfCtx *c, const DfFit *fit, const double *mu, int n, int t0, int t1, int b,
                        Series *s, float *corr, RsDeflickerStats *st)
{
    const double mu0 = mu[b];
    double muc0[2] = { mu[c->nb + b], mu[2 * c->nb + b] };
    s->G[0] = 1, s->O[0] = 0, s->OC[0][0] = s->OC[1][0] = 0;
    for (int t = 1; t < n; t++) {
        const DfFit *f = &fit[(size_t)t * c->nb + b];
        s->G[t] = f->g * s->G[t - 1];
        s->O[t] = f->g * s->O[t - 1] + f->o;
        for (int p = 0; p < 2; p++)
            s->OC[p][t] = f->g * s->OC[p][t - 1] + f->oc[p];
    }
    for (int t = 0; t < n; t++) {
        s->lev[t] = s->G[t] * mu0 + s->O[t];
        for (int p = 0; p < 2; p++)
            s->levc[p][t] = s->G[t] * muc0[p] + s->OC[p][t];
    }
    for (int p = 0; p < 3; p++)
        rs_df_level(&s->L[p], s->tmp, s->scr);
    const DfLevel *L = &s->L[0];
    const double mg = 1 + c->s->max_gain, D = c->s->max_offset;
    for (int t = t0; t <= t1; t++) {
        int hw, deg;
        int m = rs_df_frames(L, t, s->idx, s->tmp, &hw, &deg);
        const double tg = rs_df_model_at(s->G, s->idx, m, t, hw, deg);
        double to = rs_df_model_at(s->O, s->idx, m, t, hw, deg);
        double a = tg / s->G[t];
        const double lt = s->lev[t];
        /* Where the window's model strays from the smooth curve through the frames around t, it is the model that fails. */
        const double sm = rs_df_smooth_target(L, t, s->idx, m);
        if (fabs(a * lt + (to - a * s->O[t]) - sm) > DF_STRAY_K * L->fast[t] &&
            fabs(lt - sm) <= DF_STRAY_K * L->fast[t] && lt >= 1)
            a = sm / lt, to = a * s->O[t];
        /* No more than the flicker around t could have moved it (see fast_amplitude() in deflicker_level.c). */
        const double bound = fmax(DF_FAST_K * L->fast[t], DF_MIN_STEP);
        const double d0 = a * lt + (to - a * s->O[t]) - lt;
        if (fabs(d0) > bound)
            a = 1 + (a - 1) * bound / fabs(d0);
        int limited = 0;
        if (a > mg || a < 1 / mg) {
            a = a > mg ? mg : 1 / mg;
            limited = 1;
        }
        /* The change at the region's own level, limited, fixes the offset. */
        double d = a * lt + (to - a * s->O[t]) - lt;
        d = fabs(d) > bound ? (d > 0 ? bound : -bound) : d;
        if (fabs(d) > D) {
            d = d > 0 ? D : -D;
            limited = 1;
        }
        float *k = &corr[((size_t)(t - t0) * c->nb + b) * 4];
        k[0] = (float)a;
        k[1] = (float)(lt + d - a * lt);
        for (int p = 0; p < 2; p++) {
            k[2 + p] = 0;
            if (!c->s->chroma)
                continue;
            const DfLevel *Lc = &s->L[1 + p];
            int degc;
            m = rs_df_frames(Lc, t, s->idx, s->tmp, &hw, &degc);
            const double toc = rs_df_model_at(s->OC[p], s->idx, m, t, hw, degc);
            const double lc = s->levc[p][t];
            double dc = a * lc + (toc - a * s->OC[p][t]) - lc;
            const double smc = rs_df_smooth_target(Lc, t, s->idx, m);
            if (fabs(lc + dc - smc) > DF_STRAY_K * Lc->fast[t] && fabs(lc - smc) <= DF_STRAY_K * Lc->fast[t])
                dc = smc - lc;
            const double bc = fmax(DF_FAST_K * Lc->fast[t], DF_MIN_STEP);
            dc = fabs(dc) > bc ? (dc > 0 ? bc : -bc) : dc;
            if (fabs(dc) > D) {
                dc = dc > 0 ? D : -D;
                limited = 1;
            }
            k[2 + p] = (float)(lc + dc - a * lc);
        }
        st->limited += limited;
        st->max_level_change = fmax(st->max_level_change, fabs(d));
        st->max_gain_change = fmax(st->max_gain_change, fabs(a - 1));
    }
}

/* Where column (or row) i of a plane falls between region centres: region *k and the next, weight *f. */
static void grid_at(int i, int luma_side, int regions, int shift, int *k, float *f)
{
    const double pos = (i + 0.5) * (1 << shift) / ((double)luma_side / regions) - 0.5;
    int j = (int)floor(pos);
    double r = pos - j;
    if (j < 0) j = 0, r = 0;
    if (j >= regions - 1) j = regions - 1, r = 0;
    *k = j;
    *f = (float)r;
}

/* Correct one plane of a frame; returns the sum of |out - in| in 8-bit levels. */
static double apply_plane(const DfCtx *c, RsDeflickerFrame *f, int p, const float *k, int *ix, float *fx,
                          float *row)
{
    const int sx = p ? c->lcw : 0, sy = p ? c->lch : 0;
    const int pw = (c->w + (1 << sx) - 1) >> sx, ph = (c->h + (1 << sy) - 1) >> sy, bx = c->bx;
    const float inv = 1.0f / c->scale, maxv = (float)((1 << c->depth) - 1), max8 = maxv * inv;
    const float grey = p ? 128.0f : 0.0f;
    const int pk = p ? 1 + p : 1;
    for (int x = 0; x < pw; x++)
        grid_at(x, c->w, bx, sx, &ix[x], &fx[x]);
    double sum = 0;
    for (int y = 0; y < ph; y++) {
        int jy;
        float fy;
        grid_at(y, c->h, c->by, sy, &jy, &fy);
        const int jy1 = jy + 1 < c->by ? jy + 1 : jy;
        for (int i = 0; i < bx; i++) {
            const float *k0 = &k[(jy * bx + i) * 4], *k1 = &k[(jy1 * bx + i) * 4];
            row[2 * i] = k0[0] + (k1[0] - k0[0]) * fy;
            row[2 * i + 1] = k0[pk] + (k1[pk] - k0[pk]) * fy;
        }
        uint8_t *line = (uint8_t *)f->plane[p] + (ptrdiff_t)y * f->stride[p];
        for (int x = 0; x < pw; x++) {
            const int i = ix[x], i1 = i + 1 < bx ? i + 1 : i;
            const float a = row[2 * i] + (row[2 * i1] - row[2 * i]) * fx[x];
            const float o = row[2 * i + 1] + (row[2 * i1 + 1] - row[2 * i + 1]) * fx[x];
            const float v = c->depth == 8 ? line[x] : ((uint16_t *)line)[x];
            const float x8 = v * inv;
            float dl = a * (x8 - grey) + grey + o - x8;
            /* The change bends before black and white instead of clipping there. */
            const float hr = dl > 0 ? max8 - x8 : x8;
            if (fabsf(dl) > DF_KNEE * hr)
                dl = hr > 0 ? hr * tanhf(dl / hr) : 0;
            float out = rintf((x8 + dl) * c->scale);
            out = out < 0 ? 0 : out > maxv ? maxv : out;
            sum += fabsf(out - v) * inv;
            if (c->depth == 8)
                line[x] = (uint8_t)out;
            else
                ((uint16_t *)line)[x] = (uint16_t)out;
        }
    }
    return sum;
}

int rs_df_plan(const DfCtx *c, const DfFit *fit, const double *mu0, int n, int t0, int t1, float *corr,
               RsDeflickerStats *st)
{
    double *buf = malloc(sizeof(double) * 16 * (size_t)n);
    int *idx = malloc(sizeof(int) * 7 * (size_t)n);
    if (!buf || !idx) {
        free(buf);
        free(idx);
        return RS_ENOMEM;
    }
    Series s = { buf, buf + n, { buf + 2 * n, buf + 3 * n }, buf + 4 * n, { buf + 5 * n, buf + 6 * n },
                 buf + 7 * n, buf + 8 * n, idx, { { 0 } } };
    for (int p = 0; p < 3; p++) {
        DfLevel *l = &s.L[p];
        l->lev = p ? s.levc[p - 1] : s.lev;
        l->n = n;
        l->h = c->s->window / 2;
        l->seg_lo = idx + (1 + 2 * p) * n;
        l->seg_hi = idx + (2 + 2 * p) * n;
        l->fast = buf + (13 + p) * n;
    }
    for (int b = 0; b < c->nb; b++)
        plan_region(c, fit, mu0, n, t0, t1, b, &s, corr, st);
    free(buf);
    free(idx);
    return 0;
}

int rs_df_apply(const DfCtx *c, RsDeflickerFrame *f, const float *corr, RsDeflickerStats *st)
{
    int *ix = malloc(sizeof(int) * (size_t)c->w);
    float *fx = malloc(sizeof(float) * ((size_t)c->w + 2 * (size_t)c->bx));
    if (!ix || !fx) {
        free(ix);
        free(fx);
        return RS_ENOMEM;
    }
    const int64_t cn = (int64_t)((c->w + (1 << c->lcw) - 1) >> c->lcw) * ((c->h + (1 << c->lch) - 1) >> c->lch);
    const double sl = apply_plane(c, f, 0, corr, ix, fx, fx + c->w);
    double sc = 0;
    for (int p = 1; p < 3; p++)
        sc += apply_plane(c, f, p, corr, ix, fx, fx + c->w);
    /* The means over all frames are kept as sums until the end of the shot (deflicker_stream.c). */
    st->samples += (int64_t)c->w * c->h;
    st->mean_change += sl;
    st->mean_chroma_change += sc / (2.0 * cn);
    free(ix);
    free(fx);
    return 0;
}
