/*
 * Vertical line scratches: thin lines over most of the picture's height
 * that stay at nearly the same x while the picture moves under them.
 *
 * 1. Per frame, every pixel's line response: how much brighter (or darker)
 *    it is than both its sides, a little more than half the widest line
 *    away. A step (the edge of a wall, a matte) is brighter than one side
 *    only and gives nothing; texture gives both signs and averages out.
 * 2. The responses are averaged over bands of BLOCK rows; a column is a
 *    candidate when its response stays above the threshold on at least
 *    min_height of the bands (a quantile, so a bright object crossing the
 *    line does not make one, and a line broken in places still counts).
 * 3. Candidates of consecutive frames at nearly the same x and of the same
 *    polarity are linked; a chain of min_frames or more is a scratch when
 *    the picture beside it (its flow, on both sides) moved relative to it
 *    by min_motion pixels or more over its life (what moves with the
 *    picture is part of the scene), or, on a still camera, when it stayed
 *    on top of min_crossings things passing it (band by band and frame by
 *    frame: it shows on both frames while what is beside it changed).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/flow_cache.h"
#include "cleanup/flow_internal.h"
#include "cleanup/scratch_internal.h"
#include "rushes/error.h"
#include "rushes/log.h"
#include "rushes/scratch.h"

#define BLOCK 16        /* rows per band */
#define MAX_CAND 48     /* candidates kept per frame, strongest first */
#define MAX_GAP 2       /* frames a scratch may fade out of and still be the same one */
#define MAX_STEP 1.5    /* relative motion one frame pair may add, pixels */
#define FLAT_VARIANCE 9.0 /* luma variance (levels squared) under which a side is flat */
#define MAX_BANDS 128   /* bands remembered per candidate for the crossing test (2048 rows) */

void rs_scratch_default_settings(RsScratchSettings *s)
{
    *s = (RsScratchSettings){ .threshold = 6, .max_width = 5, .min_frames = 5, .max_drift = 1.0,
                              .min_height = 0.5, .min_motion = 4.0, .min_crossings = 12,
                              .margin = 1, .min_weave = 0.1 };
}

typedef struct Cand {
    float x, contrast;
    int c0, c1;         /* columns of the line */
    int r0, r1;         /* rows where it shows, r1 excluded */
    int pol, track;
    uint64_t bands[MAX_BANDS / 64];  /* the bands where it shows */
} Cand;

typedef struct Track {
    int first, last, count, pol, width, accepted;
    float x_last, contrast;
    double d, dmin, dmax;   /* accumulated motion of the picture relative to the line */
    /* Over the frame pairs it lived: sums of g^2 and g * dx (g the whole
     * picture's motion across, dx the line's), to tell a line that weaves
     * with the picture (dx = g) from one that stays while it weaves (dx = 0). */
    double spp, spd;
    int pairs;
    int crossings;          /* bands where something passed beside it and it stayed */
} Track;

typedef struct Frame {
    Cand c[MAX_CAND];
    int n;
} Frame;

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/*
 * S[j * w + x]: how much brighter than both its sides column x is over band
 * j: the smaller of the band's mean differences with its left and its right
 * side, in 8-bit levels times pixels of width (the excess of column x
 * alone, or of x and x + 1 together, whichever is more, so that a thin line
 * falling between two columns counts whole); D: how much darker, the same
 * way. Averaging the differences before taking the smaller keeps texture
 * from biasing it (the smaller of two noisy numbers is low on average), and
 * beside a strong line or a step, where one side difference is large and
 * the other is texture, the smaller is near zero. acc holds 4 nb w floats.
 */
static void response(const uint8_t *y, ptrdiff_t stride, int w, int h, int a, int nb, float *S, float *D,
                     float *acc)
{
    const size_t nbw = (size_t)nb * w;
    memset(acc, 0, sizeof(float) * 4 * nbw);
    for (int r = 0; r < h; r++) {
        const int j = r / BLOCK < nb ? r / BLOCK : nb - 1;
        const uint8_t *p = y + r * stride;
        float *l1 = acc + (size_t)j * w, *r1 = l1 + nbw, *l2 = r1 + nbw, *r2 = l2 + nbw;
        for (int x = a + 1; x < w - a - 2; x++) {
            /* Sides are the mean of two pixels (doubled here); one very bright
             * object must not outweigh a band of faint line. */
            const int L = p[x - a] + p[x - a - 1], R = p[x + a] + p[x + a + 1], R2 = p[x + 1 + a] + p[x + 2 + a];
            int dl = 2 * p[x] - L, dr = 2 * p[x] - R;
            int el = 2 * (p[x] + p[x + 1] - L), er = 2 * (p[x] + p[x + 1] - R2);
            dl = dl > 96 ? 96 : dl < -96 ? -96 : dl;
            dr = dr > 96 ? 96 : dr < -96 ? -96 : dr;
            el = el > 192 ? 192 : el < -192 ? -192 : el;
            er = er > 192 ? 192 : er < -192 ? -192 : er;
            l1[x] += (float)dl, r1[x] += (float)dr, l2[x] += (float)el, r2[x] += (float)er;
        }
    }
    for (int j = 0; j < nb; j++) {
        const float k = 1.0f / (2.0f * (j < nb - 1 ? BLOCK : h - (nb - 1) * BLOCK));
        for (int x = 0; x < w; x++) {
            const size_t i = (size_t)j * w + x;
            const float l1 = acc[i] * k, r1 = acc[nbw + i] * k, l2 = acc[2 * nbw + i] * k, r2 = acc[3 * nbw + i] * k;
            const float b1 = fminf(l1, r1), b2 = fminf(l2, r2), d1 = -fmaxf(l1, r1), d2 = -fmaxf(l2, r2);
            S[i] = fmaxf(b1, b2);
            D[i] = fmaxf(d1, d2);
        }
    }
}

/* The candidates of one frame, from the quantile of each column's band responses. */
static void candidates(const float *Sb, const float *Sd, int w, int nb, int a, const RsScratchSettings *s,
                       float *Q, float *tmp, Frame *fr)
{
    const int k = (int)ceil(s->min_height * nb - 1e-9);
    fr->n = 0;
    for (int pol = 1; pol >= -1; pol -= 2) {
        const float *S = pol > 0 ? Sb : Sd;
        for (int x = 0; x < w; x++) {
            Q[x] = 0;
            if (x <= a || x >= w - a - 1)
                continue;
            for (int j = 0; j < nb; j++)
                tmp[j] = S[(size_t)j * w + x];
            qsort(tmp, nb, sizeof(float), cmp_float);
            Q[x] = tmp[nb - k];
        }
        for (int x = 1, prev = 0; x < w - 1; x++) {
            if (Q[x] < s->threshold || Q[x] < Q[x - 1] || Q[x] <= Q[x + 1])
                continue;
            int c0 = x, c1 = x;
            /* A line's columns belong to one candidate: never reach into the previous one. */
            while (c0 > prev + 1 && Q[c0 - 1] >= 0.4f * Q[x] && x - c0 <= s->max_width)
                c0--;
            while (c1 < w - 1 && Q[c1 + 1] >= 0.4f * Q[x] && c1 - x <= s->max_width)
                c1++;
            prev = c1;
            if (c1 - c0 + 1 > s->max_width) {
                x = c1;
                continue;
            }
            double sx = 0, sq = 0;
            for (int c = c0; c <= c1; c++)
                sx += c * (double)Q[c], sq += Q[c];
            /* Bands where the line shows: from the first to the last, one band more each way. */
            int j0 = nb, j1 = -1;
            Cand cd = { (float)(sx / sq), Q[x], c0, c1, 0, 0, pol, -1, { 0 } };
            for (int j = 0; j < nb; j++) {
                float best = 0;
                for (int c = c0; c <= c1; c++)
                    best = fmaxf(best, S[(size_t)j * w + c]);
                if (best >= 0.5f * s->threshold) {
                    j0 = j < j0 ? j : j0;
                    j1 = j;
                    if (j < MAX_BANDS)
                        cd.bands[j / 64] |= (uint64_t)1 << (j % 64);
                }
            }
            cd.r0 = (j0 > 0 ? j0 - 1 : 0) * BLOCK;
            cd.r1 = (j1 + 2 < nb ? j1 + 2 : nb) * BLOCK;
            if (fr->n < MAX_CAND) {
                fr->c[fr->n++] = cd;
            } else {
                /* Keep the strongest. */
                int weakest = 0;
                for (int i = 1; i < fr->n; i++)
                    if (fr->c[i].contrast < fr->c[weakest].contrast)
                        weakest = i;
                if (fr->c[weakest].contrast < cd.contrast)
                    fr->c[weakest] = cd;
            }
            x = c1;
        }
    }
    /* A strong line makes its sides look like lines of the other polarity
     * (darker than the line on one side, texture on the other): drop a
     * candidate that has a stronger one of the other polarity where its
     * side would be. */
    const float reach = (float)(a + s->max_width / 2 + 1);
    int kept = 0;
    for (int i = 0; i < fr->n; i++) {
        int lobe = 0;
        for (int j = 0; j < fr->n && !lobe; j++)
            lobe = fr->c[j].pol != fr->c[i].pol && fr->c[j].contrast > 1.25f * fr->c[i].contrast &&
                   fabsf(fr->c[j].x - fr->c[i].x) >= a - 1 && fabsf(fr->c[j].x - fr->c[i].x) <= reach;
        if (!lobe)
            fr->c[kept++] = fr->c[i];
    }
    fr->n = kept;
}

/* Link the candidates of frame t to the chains that reached a recent frame. */
static int link(Frame *fr, int t, Track **tracks, int *ntracks, int *cap, const RsScratchSettings *s)
{
    for (int i = 0; i < fr[t].n; i++) {
        Cand *cd = &fr[t].c[i];
        int best = -1;
        float bestd = 0;
        for (int k = 0; k < *ntracks; k++) {
            const Track *tr = &(*tracks)[k];
            if (tr->pol != cd->pol || tr->last >= t || tr->last < t - 1 - MAX_GAP)
                continue;
            const float d = fabsf(cd->x - tr->x_last);
            /* Of two chains within reach, the longer: a short one started
             * beside a scratch where it was seen twice must not take it over. */
            if (d <= s->max_drift * (t - tr->last) + 0.5 &&
                (best < 0 || tr->count > (*tracks)[best].count || (tr->count == (*tracks)[best].count && d < bestd)))
                best = k, bestd = d;
        }
        if (best < 0) {
            if (*ntracks == *cap) {
                int nc = *cap ? 2 * *cap : 64;
                Track *nt = realloc(*tracks, sizeof(Track) * nc);
                if (!nt)
                    return RS_ENOMEM;
                *tracks = nt;
                *cap = nc;
            }
            best = (*ntracks)++;
            (*tracks)[best] = (Track){ .first = t, .pol = cd->pol };
        }
        Track *tr = &(*tracks)[best];
        tr->last = t;
        tr->count++;
        tr->x_last = cd->x;
        tr->contrast += cd->contrast;
        if (cd->c1 - cd->c0 + 1 > tr->width)
            tr->width = cd->c1 - cd->c0 + 1;
        cd->track = best;
    }
    return 0;
}

static const Cand *find(const Frame *fr, int track)
{
    for (int i = 0; i < fr->n; i++)
        if (fr->c[i].track == track)
            return &fr->c[i];
    return NULL;
}

/* Mean luma of the two side columns on the left (side -1) or right (+1) of a line over band j. */
static float side_mean(const uint8_t *y, ptrdiff_t stride, int w, int h, const Cand *cd, int a, int j, int side)
{
    const int x0 = side < 0 ? cd->c0 - a - 1 : cd->c1 + a, r1 = (j + 1) * BLOCK < h ? (j + 1) * BLOCK : h;
    if (x0 < 0 || x0 + 1 >= w)
        return 0;
    int sum = 0;
    for (int r = j * BLOCK; r < r1; r++)
        sum += y[r * stride + x0] + y[r * stride + x0 + 1];
    return sum / (2.0f * (r1 - j * BLOCK));
}

/*
 * Bands where the line shows on both frames while what is on both its
 * sides changed (something passed through it): a line that stays on top of what moves
 * is not behind it. A thin object in front of the motion does that too;
 * see min_crossings.
 */
static int crossings(const uint8_t *a_, const uint8_t *b_, ptrdiff_t stride, int w, int h, int nb, int a,
                     const Cand *c, const Cand *d, int threshold)
{
    /* Only where the line stood still: beside a moving line the sides change
     * by its own motion through the texture. */
    if (fabsf(d->x - c->x) > 0.5f)
        return 0;
    int n = 0;
    for (int j = 0; j < nb && j < MAX_BANDS; j++) {
        const uint64_t bit = (uint64_t)1 << (j % 64);
        if (!(c->bands[j / 64] & bit) || !(d->bands[j / 64] & bit))
            continue;
        /* Both sides at once: what passes through a line covers both; an arm
         * moving beside the edge of a coat changes one. */
        n += fabsf(side_mean(a_, stride, w, h, c, a, j, -1) - side_mean(b_, stride, w, h, d, a, j, -1)) >=
                 2.0f * threshold &&
             fabsf(side_mean(a_, stride, w, h, c, a, j, 1) - side_mean(b_, stride, w, h, d, a, j, 1)) >=
                 2.0f * threshold;
    }
    return n;
}

/*
 * The picture's sideways motion beside the line, from the flow of frame t
 * to t + 1: the median on each side, into *m, when the two agree (within
 * half a pixel and a quarter of the motion). When they do not (a car
 * passing beside a pole) the pair says nothing: returns 0, else 1.
 */
static int picture_motion(const Cand *cd, const uint8_t *y0, ptrdiff_t stride, const float *u, int fw, int fh,
                          int lv, int w, int a, float *tmp, float *m)
{
    const float sc = (float)(1 << lv);
    float med[2];
    for (int side = 0; side < 2; side++) {
        int n = 0;
        double s1 = 0, s2 = 0;
        for (int y = cd->r0 + 4; y < cd->r1; y += 8)
            for (int d = a + 2; d <= a + 10; d += 4) {
                const int x = side ? cd->c1 + d : cd->c0 - d;
                if (x < 0 || x >= w)
                    continue;
                tmp[n++] = sc * rs_flow_sample(u, fw, fh, (x + 0.5f) / sc - 0.5f, (y + 0.5f) / sc - 0.5f);
                s1 += y0[y * stride + x];
                s2 += (double)y0[y * stride + x] * y0[y * stride + x];
            }
        /* A flat side (the black of a pillarbox, a clear sky) has no motion of
         * its own: its flow is filled in from around, and says nothing. */
        if (!n || s2 / n - (s1 / n) * (s1 / n) < FLAT_VARIANCE)
            return 0;
        qsort(tmp, n, sizeof(float), cmp_float);
        med[side] = tmp[n / 2];
    }
    if (fabsf(med[0] - med[1]) > 0.5f + 0.25f * fmaxf(fabsf(med[0]), fabsf(med[1])))
        return 0;
    *m = 0.5f * (med[0] + med[1]);
    return 1;
}

static int check(int n, int width, int height, const RsScratchSettings *s, uint8_t *const *masks)
{
    if (!masks || n < 1 || width < 32 || height < 4 * BLOCK)
        return rs_error(RS_EINVAL, "scratch: %d frames of %dx%d (at least 32x%d)", n, width, height, 4 * BLOCK);
    if (s->threshold < 1 || s->threshold > 255 || s->max_width < 1 || s->max_width > 8 || s->min_frames < 2)
        return rs_error(RS_EINVAL, "scratch: threshold %d (1..255), max_width %d (1..8), min_frames %d (2..)",
                        s->threshold, s->max_width, s->min_frames);
    if (!(s->min_height >= 0.1 && s->min_height <= 1) || !(s->max_drift >= 0 && s->max_drift <= 16) ||
        !(s->min_motion >= 0 && s->min_motion <= 1000) || s->margin < 0 || s->margin > 8 || s->min_crossings < 0 ||
        !(s->min_weave >= 0 && s->min_weave <= 16))
        return rs_error(RS_EINVAL, "scratch: min_height %g (0.1..1), max_drift %g (0..16), min_motion %g, margin %d "
                        "(0..8), min_weave %g (0..16)", s->min_height, s->max_drift, s->min_motion, s->margin,
                        s->min_weave);
    return 0;
}

/* Mark scratch k on frame t: its own columns or, on a frame it faded out of, those of its neighbours. */
static void paint(const Frame *fr, int t, int k, const Track *tr, int w, int h, int margin, uint8_t *m,
                  ptrdiff_t ms)
{
    const Cand *cd = find(&fr[t], k), *p = NULL, *q = NULL;
    Cand gap;
    if (!cd) {
        for (int u = t - 1; u >= tr->first && !p; u--)
            p = find(&fr[u], k);
        for (int u = t + 1; u <= tr->last && !q; u++)
            q = find(&fr[u], k);
        if (!p || !q)
            return;
        gap = *p;
        gap.c0 = p->c0 < q->c0 ? p->c0 : q->c0;
        gap.c1 = p->c1 > q->c1 ? p->c1 : q->c1;
        gap.r0 = p->r0 < q->r0 ? p->r0 : q->r0;
        gap.r1 = p->r1 > q->r1 ? p->r1 : q->r1;
        cd = &gap;
    }
    const int x0 = cd->c0 - margin < 0 ? 0 : cd->c0 - margin, x1 = cd->c1 + margin >= w ? w - 1 : cd->c1 + margin;
    for (int y = cd->r0; y < cd->r1 && y < h; y++)
        memset(m + y * ms + x0, 1, x1 - x0 + 1);
}

/* Whether chain k shows on one of the frames before keep where its line's centre column is masked. */
static int carried(const Frame *fr, int k, const Track *tr, int keep, uint8_t *const *masks, ptrdiff_t ms, int w)
{
    for (int t = tr->first; t <= tr->last && t < keep; t++) {
        const Cand *cd = find(&fr[t], k);
        const int x = cd ? (int)lrintf(cd->x) : -1;
        for (int y = cd ? cd->r0 : 0; cd && x >= 0 && x < w && y < cd->r1; y++)
            if (masks[t][y * ms + x])
                return 1;
    }
    return 0;
}

/* Whether the motion test needs the flow from frame t to t + 1: a chain long enough goes on there. */
static int needs_flow(const Frame *fr, int t, const Track *tracks, const RsScratchSettings *s)
{
    for (int i = 0; i < fr[t].n; i++) {
        const Track *tr = &tracks[fr[t].c[i].track];
        if (tr->count >= s->min_frames && find(&fr[t + 1], fr[t].c[i].track))
            return 1;
    }
    return 0;
}

/* rs_scratch_detect_window(), with its flows from cache when it matches (NULL: its own). */
static int detect(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                  const RsScratchSettings *s, int keep, uint8_t *const *masks, ptrdiff_t mask_stride,
                  RsScratch *found, uint8_t *was_carried, int max_found, int *nfound, RsFlowCache *cache)
{
    RsScratchSettings def;
    if (!s) {
        rs_scratch_default_settings(&def);
        s = &def;
    }
    if (nfound)
        *nfound = 0;
    int ret = check(n, width, height, s, masks);
    if (ret < 0)
        return ret;
    if (!luma || stride < width)
        return rs_error(RS_EINVAL, "scratch: no frames or stride %td under width %d", stride, width);
    const int nb = height / BLOCK, a = s->max_width / 2 + 2;
    RsFlowSettings fs;
    rs_flow_default_settings(&fs);
    const int lv = rs_flow_level(&fs, width, height), fw = width >> lv, fh = height >> lv;
    /* S, D and the four sums of the bands, Q and tmp of one column, the flow, the samples beside a line. */
    const size_t nbw = (size_t)nb * width;
    float *S = malloc(sizeof(float) * (6 * nbw + width + nb + 2 * (size_t)fw * fh + 4 * (size_t)height));
    Frame *fr = calloc(n, sizeof(*fr));
    Track *tracks = NULL;
    int ntracks = 0, cap = 0;
    if (!S || !fr) {
        ret = RS_ENOMEM;
        goto end;
    }
    float *Dk = S + nbw, *acc = Dk + nbw, *Q = acc + 4 * nbw, *tmp = Q + width;
    float *u = tmp + nb, *v = u + (size_t)fw * fh, *side = v + (size_t)fw * fh;
    for (int t = 0; t < n && ret >= 0; t++) {
        response(luma[t], stride, width, height, a, nb, S, Dk, acc);
        candidates(S, Dk, width, nb, a, s, Q, tmp, &fr[t]);
        ret = link(fr, t, &tracks, &ntracks, &cap, s);
    }
    /* The motion test, on the chains long enough: one flow per frame pair that needs it. With
     * the shot's cache they are computed there, several at once (the fill reads them again). */
    const int shared = cache && rs_flow_cache_matches(cache, &fs, width, height);
    if (shared && ret >= 0) {
        uint8_t *want = calloc(2 * (size_t)n, 1);
        if (!want)
            ret = RS_ENOMEM;
        for (int t = 0; want && t + 1 < n; t++)
            want[2 * t] = (uint8_t)needs_flow(fr, t, tracks, s);
        if (want)
            ret = rs_flow_cache_compute(cache, want);
        free(want);
    }
    for (int t = 0; t + 1 < n && ret >= 0; t++) {
        if (!needs_flow(fr, t, tracks, s))
            continue;
        const float *fu = u;
        if (shared)
            fu = rs_flow_cache_get(cache, t, 0);
        else
            ret = rs_flow_compute_level(luma[t], stride, luma[t + 1], stride, width, height, &fs, u, v);
        /* The whole picture's motion across (the median of a grid of the field): a gate weave
         * moves every part of a scanned frame alike, and a scratch does not follow it. */
        const int step = 1 + (int)sqrt((double)fw * fh / (4.0 * height));
        int ns = 0;
        for (int y = step / 2; y < fh; y += step)
            for (int x = step / 2; x < fw && ns < 4 * height; x += step)
                side[ns++] = fu[(size_t)y * fw + x];
        qsort(side, ns, sizeof(float), cmp_float);
        const double gm = ns ? (double)(1 << lv) * side[ns / 2] : 0;
        for (int i = 0; ret >= 0 && i < fr[t].n; i++) {
            Track *tr = &tracks[fr[t].c[i].track];
            const Cand *next = find(&fr[t + 1], fr[t].c[i].track);
            if (tr->count < s->min_frames || !next)
                continue;
            float pm;
            /* One frame pair adds at most MAX_STEP: a glitch of the flow (a fast
             * object's motion bleeding beside the line) is one pair; a scratch
             * under a pan or over passing things gathers its motion over many. */
            const double dx = next->x - fr[t].c[i].x;
            if (picture_motion(&fr[t].c[i], luma[t], stride, fu, fw, fh, lv, width, a, side, &pm))
                tr->d += fmax(-MAX_STEP, fmin(MAX_STEP, pm - dx));
            tr->spp += gm * gm;
            tr->spd += gm * dx;
            tr->pairs++;
            tr->crossings += crossings(luma[t], luma[t + 1], stride, width, height, nb, a, &fr[t].c[i], next,
                                       s->threshold);
            tr->dmin = fmin(tr->dmin, tr->d);
            tr->dmax = fmax(tr->dmax, tr->d);
        }
    }
    int nf = 0;
    for (int k = 0; ret >= 0 && k < ntracks; k++) {
        Track *tr = &tracks[k];
        /* The picture weaved enough under it (rms of its motion) and the line did not follow:
         * the slope of the line's motion on the picture's is under 1/3. */
        const int weaves = s->min_weave > 0 && tr->pairs >= s->min_frames &&
                           tr->spp >= s->min_weave * s->min_weave * tr->pairs && 3 * tr->spd < tr->spp;
        if (tr->count >= s->min_frames)
            rs_log(RS_LOG_DEBUG, "scratch candidate %d: frames %d-%d, x %.1f, pairs %d, picture rms %.3f px, "
                   "slope %.2f, range %.2f px, crossings %d", k, tr->first, tr->last, tr->x_last, tr->pairs,
                   tr->pairs ? sqrt(tr->spp / tr->pairs) : 0.0, tr->spp > 0 ? tr->spd / tr->spp : 0.0,
                   tr->dmax - tr->dmin, tr->crossings);
        /* A chain an earlier window took (its line is masked on a frame written already) stays taken. */
        const int carry = keep && carried(fr, k, tr, keep, masks, mask_stride, width);
        if (!carry && (tr->count < s->min_frames ||
                       (tr->dmax - tr->dmin < s->min_motion &&
                        (!s->min_crossings || tr->crossings < s->min_crossings) && !weaves)))
            continue;
        tr->accepted = 1;
        if (found && nf < max_found) {
            const Cand *c0 = find(&fr[tr->first], k), *c1 = find(&fr[tr->last], k);
            found[nf] = (RsScratch){ tr->first, tr->last, c0->x, c1->x, tr->width, tr->pol, tr->contrast / tr->count,
                                     tr->dmax - tr->dmin, tr->crossings };
            if (was_carried)
                was_carried[nf] = (uint8_t)carry;
        }
        nf++;
        for (int t = tr->first > keep ? tr->first : keep; t <= tr->last; t++)
            paint(fr, t, k, tr, width, height, s->margin, masks[t], mask_stride);
    }
    if (nfound)
        *nfound = nf;
end:
    free(S);
    free(fr);
    free(tracks);
    return ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "scratch: out of memory for %d frames of %dx%d", n, width, height)
                            : ret;
}

int rs_scratch_detect_window(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                             const RsScratchSettings *s, int keep, uint8_t *const *masks, ptrdiff_t mask_stride,
                             RsScratch *found, uint8_t *was_carried, int max_found, int *nfound,
                             RsFlowCache *cache)
{
    return detect(luma, stride, n, width, height, s, keep, masks, mask_stride, found, was_carried, max_found,
                  nfound, cache);
}

int rs_scratch_detect(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                      const RsScratchSettings *s, uint8_t *const *masks, ptrdiff_t mask_stride,
                      RsScratch *found, int max_found, int *nfound)
{
    return rs_scratch_detect_cached(luma, stride, n, width, height, s, masks, mask_stride, found, max_found,
                                    nfound, NULL);
}

int rs_scratch_detect_cached(const uint8_t *const *luma, ptrdiff_t stride, int n, int width, int height,
                             const RsScratchSettings *s, uint8_t *const *masks, ptrdiff_t mask_stride,
                             RsScratch *found, int max_found, int *nfound, RsFlowCache *cache)
{
    RsScratchSettings def;
    if (!s) {
        rs_scratch_default_settings(&def);
        s = &def;
    }
    /* The masks are cleared only once the sizes are known to be good. */
    if (check(n, width, height, s, masks) >= 0 && luma && stride >= width)
        for (int t = 0; t < n; t++)
            for (int y = 0; y < height; y++)
                memset(masks[t] + y * mask_stride, 0, width);
    return detect(luma, stride, n, width, height, s, 0, masks, mask_stride, found, NULL, max_found, nfound, cache);
}
