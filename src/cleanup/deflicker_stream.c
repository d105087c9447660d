/*
 * Deflicker, the stream: frames go in one by one and come out corrected
 * once enough frames after them are known, so a shot of any length is
 * deflickered holding a bounded number of frames.
 *
 * Each frame is measured against the one before it as it arrives
 * (deflicker.c): its region means, the fit of its light against the
 * previous frame along the flow, and whether it starts a new shot (a cut).
 * The frames between two cuts are a segment, and nothing crosses a cut: a
 * segment is corrected exactly as if it were a shot of its own.
 *
 * Frame t of a segment [first, last] is corrected from a block of at most
 * L frames of its segment: the whole segment when it is that short, else
 * the L frames ending K frames after t (the first L frames of the segment
 * for its first frames, the last L for its last). Within the block, the
 * fits are distrusted, chained into levels and smoothed as for a whole
 * shot (deflicker_correct.c), and the result at t is kept. K (four half
 * windows) is what the smoothing and the test for sustained changes look
 * ahead: a change up to two half windows after t moves t's window, and is
 * decided from the half windows on either side of it. L (at least 2K + 1)
 * is the span of the statistics (the region's usual fit residual, its
 * flicker and the spread of its half-window differences), which follow the
 * shot instead of being fixed for it. A frame's result depends only on its
 * block, so it is the same whatever order frames are received in, however
 * many are held, and on how many threads they were measured.
 */
#include <stdlib.h>
#include <string.h>

#include "cleanup/deflicker_internal.h"
#include "cleanup/workers.h"
#include "rushes/error.h"

/* Shortest block: a shot up to this many frames is corrected from all of its frames at once. */
#define DF_BLOCK_MIN 97

/*
 * A cut before frame t, from the evidence q (deflicker.c: the median share
 * of a textured region's spread that the fit along the flow leaves):
 * unrelated pictures leave about 1.4 times their spread, so DF_CUT_ABS or
 * more is a cut whatever comes around it. Under it, the flow may have
 * warped one picture partly onto the other (smooth textures), while fast
 * blurred motion that the flow loses leaves up to about 1.0 (running_car,
 * doc/cleanup.md) but for several frames in a row: so DF_CUT_MIN or more
 * is a cut when it is DF_CUT_RISE times both the median of up to
 * DF_CUT_PAST pairs before it in the segment and the pair after it. A cut
 * is one pair; motion lasts.
 */
#define DF_CUT_ABS 1.1f
#define DF_CUT_MIN 0.4f
#define DF_CUT_RISE 4.0f
#define DF_CUT_PAST 4

struct RsDeflicker {
    RsDeflickerSettings s;
    DfCtx c;
    int batch;                 /* frames measured together on the workers */
    int threads;
    int K, L;
    int64_t base;              /* the frame number of entry 0 of the arrays below */
    int cap;
    RsDeflickerFrame *frm;     /* the frames sent, the caller's planes */
    DfFit *fit;                /* cap * nb: frame t - 1 to t */
    double *mu;                /* cap * 3 * nb: region means */
    float *q;                  /* cap: the evidence of a cut before the frame */
    uint8_t *cut;              /* cap: the frame starts a shot */
    int64_t *first;            /* cap: the first frame of its segment */
    int64_t n_in, n_meas, n_dec, n_out;   /* frames sent, measured, decided (cut or not), received */
    int eof, err;
    int64_t blk_a, blk_b, plan_t0, plan_t1;   /* the block planned last and the frames planned from it */
    float *corr;               /* L * nb * 4 */
    DfFit *work;               /* L * nb */
    DfPair *pairs;             /* batch */
    RsDeflickerStats st;
    double chroma_sum;
};

#define AT(ctx, t) ((size_t)((t) - (ctx)->base))

int rs_deflicker_open(RsDeflicker **pctx, int width, int height, int depth, int log2_chroma_w, int log2_chroma_h,
                      const RsDeflickerSettings *s)
{
    *pctx = NULL;
    RsDeflicker *x = calloc(1, sizeof(*x));
    if (!x)
        return rs_error(RS_ENOMEM, "deflicker: out of memory");
    if (s)
        x->s = *s;
    else
        rs_deflicker_default_settings(&x->s);
    int ret = rs_df_setup(&x->c, width, height, depth, log2_chroma_w, log2_chroma_h, &x->s);
    if (ret < 0) {
        free(x);
        return ret;
    }
    const int h = x->s.window / 2, nb = x->c.nb;
    x->K = 4 * h;
    x->L = 2 * x->K + 1 > DF_BLOCK_MIN ? 2 * x->K + 1 : DF_BLOCK_MIN;
    x->threads = rs_worker_count(x->s.threads, 0);
    /* Two pairs a worker keep them busy while the slowest one finishes. */
    x->batch = x->threads > 1 ? 2 * x->threads : 1;
    x->blk_a = x->blk_b = -1;
    x->st.regions_x = x->c.bx;
    x->st.regions_y = x->c.by;
    x->corr = malloc(sizeof(float) * 4 * (size_t)x->L * nb);
    x->work = malloc(sizeof(DfFit) * (size_t)x->L * nb);
    x->pairs = malloc(sizeof(DfPair) * (size_t)x->batch);
    if (!x->corr || !x->work || !x->pairs) {
        rs_deflicker_close(&x);
        return rs_error(RS_ENOMEM, "deflicker: out of memory");
    }
    *pctx = x;
    return 0;
}

void rs_deflicker_close(RsDeflicker **pctx)
{
    RsDeflicker *x = *pctx;
    if (!x)
        return;
    free(x->frm);
    free(x->fit);
    free(x->mu);
    free(x->q);
    free(x->cut);
    free(x->first);
    free(x->corr);
    free(x->work);
    free(x->pairs);
    free(x);
    *pctx = NULL;
}

int rs_deflicker_delay(const RsDeflicker *x)
{
    return x->L + x->batch;
}

void rs_deflicker_get_stats(const RsDeflicker *x, RsDeflickerStats *st)
{
    *st = x->st;
    const int64_t frames = x->n_out;
    st->mean_change = x->st.samples ? x->st.mean_change / x->st.samples : 0;
    st->mean_chroma_change = frames ? x->chroma_sum / frames : 0;
}

/* Room for one more frame: drop the entries no block needs any more, grow if still full. */
static int make_room(RsDeflicker *x)
{
    const int nb = x->c.nb;
    const int64_t keep = x->n_out - x->L + 1;
    const int64_t drop = keep - x->base;
    if (x->n_in - x->base == x->cap && drop > 0) {
        const size_t d = (size_t)drop, m = (size_t)(x->n_in - keep);
        memmove(x->frm, x->frm + d, sizeof(*x->frm) * m);
        memmove(x->fit, x->fit + d * nb, sizeof(*x->fit) * m * nb);
        memmove(x->mu, x->mu + d * 3 * nb, sizeof(*x->mu) * m * 3 * nb);
        memmove(x->q, x->q + d, sizeof(*x->q) * m);
        memmove(x->cut, x->cut + d, m);
        memmove(x->first, x->first + d, sizeof(*x->first) * m);
        x->base = keep;
    }
    if (x->n_in - x->base < x->cap)
        return 0;
    const int cap = x->cap ? 2 * x->cap : x->L + x->batch + 64;
    void *p;
    if (!(p = realloc(x->frm, sizeof(*x->frm) * cap))) return RS_ENOMEM;
    x->frm = p;
    if (!(p = realloc(x->fit, sizeof(*x->fit) * cap * nb))) return RS_ENOMEM;
    x->fit = p;
    if (!(p = realloc(x->mu, sizeof(*x->mu) * cap * 3 * nb))) return RS_ENOMEM;
    x->mu = p;
    if (!(p = realloc(x->q, sizeof(*x->q) * cap))) return RS_ENOMEM;
    x->q = p;
    if (!(p = realloc(x->cut, cap))) return RS_ENOMEM;
    x->cut = p;
    if (!(p = realloc(x->first, sizeof(*x->first) * cap))) return RS_ENOMEM;
    x->first = p;
    x->cap = cap;
    return 0;
}

/* Whether frame t (> 0, its next frame measured unless it is the last) starts a shot. */
static int is_cut(const RsDeflicker *x, int64_t t)
{
    const float q = x->q[AT(x, t)];
    if (q >= DF_CUT_ABS)
        return 1;
    if (q < DF_CUT_MIN)
        return 0;
    float past[DF_CUT_PAST];
    int m = 0;
    for (int64_t j = t - 1; j > x->first[AT(x, t - 1)] && m < DF_CUT_PAST; j--) {
        int k = m++;
        for (; k > 0 && past[k - 1] > x->q[AT(x, j)]; k--)
            past[k] = past[k - 1];
        past[k] = x->q[AT(x, j)];
    }
    const float before = m ? past[(m - 1) / 2] : 0, after = t + 1 < x->n_meas ? x->q[AT(x, t + 1)] : 0;
    return q >= DF_CUT_RISE * before && q >= DF_CUT_RISE * after;
}

/* Measure the frames sent and not measured yet (each against the one before it, still as it came). */
static int measure(RsDeflicker *x)
{
    const int nb = x->c.nb;
    while (x->n_meas < x->n_in) {
        int n = 0;
        for (int64_t t = x->n_meas; t < x->n_in && n < x->batch; t++, n++) {
            const size_t i = AT(x, t);
            x->pairs[n] = (DfPair){ t ? &x->frm[i - 1] : NULL, &x->frm[i], &x->fit[i * nb], &x->mu[i * 3 * nb],
                                    &x->q[i] };
        }
        int ret = rs_df_measure(&x->c, x->pairs, n, x->threads);
        if (ret < 0)
            return ret;
        x->n_meas += n;
    }
    /* A frame is decided once the frame after it is measured (or it is the last). */
    for (; x->n_dec < x->n_meas - 1 || (x->eof && x->n_dec < x->n_in && x->n_meas == x->n_in); x->n_dec++) {
        const size_t i = AT(x, x->n_dec);
        x->cut[i] = !x->n_dec || is_cut(x, x->n_dec);
        x->first[i] = x->cut[i] ? x->n_dec : x->first[i - 1];
        x->st.cuts += x->n_dec > 0 && x->cut[i];
    }
    return 0;
}

int rs_deflicker_send(RsDeflicker *x, const RsDeflickerFrame *f)
{
    if (x->err)
        return x->err;
    if (x->eof)
        return rs_error(RS_EINVAL, "deflicker: a frame sent after the end of the shot");
    if (!f) {
        x->eof = 1;
        int ret = measure(x);
        return ret < 0 ? (x->err = ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "deflicker: out of memory") : ret) : 0;
    }
    for (int p = 0; p < 3; p++)
        if (!f->plane[p])
            return rs_error(RS_EINVAL, "deflicker: frame %lld has no plane %d", (long long)x->n_in, p);
    int ret = make_room(x);
    if (ret >= 0) {
        x->frm[AT(x, x->n_in)] = *f;
        x->n_in++;
        if (x->n_in - x->n_meas >= x->batch)
            ret = measure(x);
    }
    if (ret < 0)
        x->err = ret == RS_ENOMEM ? rs_error(RS_ENOMEM, "deflicker: out of memory at frame %lld", (long long)x->n_in)
                                  : ret;
    return ret < 0 ? x->err : 0;
}

/*
 * The block of frame t: 1 and [*a, *b] with *last_known when the frames it
 * needs are measured, 0 when it waits for more. *t1 receives the last
 * frame whose block is the same.
 */
static int block_of(const RsDeflicker *x, int64_t t, int64_t *a, int64_t *b, int64_t *t1)
{
    const int64_t first = x->first[AT(x, t)];
    const int64_t want = first + x->L - 1 > t + x->K ? first + x->L - 1 : t + x->K;
    int64_t last = -1;
    for (int64_t j = t + 1; j <= want && j < x->n_dec; j++)
        if (x->cut[AT(x, j)]) {
            last = j - 1;
            break;
        }
    if (last < 0 && x->eof && x->n_dec == x->n_in && want >= x->n_in)
        last = x->n_in - 1;
    if (last < 0 && x->n_dec <= want)
        return 0;
    *b = last >= 0 ? last : want;
    *a = *b - x->L + 1 > first ? *b - x->L + 1 : first;
    *t1 = last >= 0 ? last : *b - x->K > t ? *b - x->K : t;
    return 1;
}

int rs_deflicker_receive(RsDeflicker *x, RsDeflickerFrame *out)
{
    if (x->err)
        return x->err;
    const int64_t t = x->n_out;
    int64_t a, b, t1;
    if (t >= x->n_dec || !block_of(x, t, &a, &b, &t1))
        return 0;
    const int nb = x->c.nb;
    RsDeflickerFrame *f = &x->frm[AT(x, t)];
    int ret = 0;
    /* Fewer than 3 frames between cuts tell nothing of flicker: they stay as they are. */
    if (b - a + 1 >= 3) {
        if (a != x->blk_a || b != x->blk_b || t < x->plan_t0 || t > x->plan_t1) {
            const int n = (int)(b - a + 1);
            memcpy(x->work + nb, &x->fit[AT(x, a + 1) * nb], sizeof(*x->work) * (size_t)(n - 1) * nb);
            ret = rs_df_distrust(&x->c, x->work, n);
            if (ret >= 0)
                ret = rs_df_plan(&x->c, x->work, &x->mu[AT(x, a) * 3 * nb], n, (int)(t - a), (int)(t1 - a), x->corr,
                                 &x->st);
            x->blk_a = a, x->blk_b = b, x->plan_t0 = t, x->plan_t1 = t1;
        }
        RsDeflickerStats st = { 0 };
        if (ret >= 0)
            ret = rs_df_apply(&x->c, f, &x->corr[(size_t)(t - x->plan_t0) * nb * 4], &st);
        x->st.mean_change += st.mean_change;
        x->chroma_sum += st.mean_chroma_change;
    }
    if (ret < 0)
        return x->err = rs_error(RS_ENOMEM, "deflicker: out of memory at frame %lld", (long long)t);
    x->st.samples += (int64_t)x->c.w * x->c.h;
    *out = *f;
    x->n_out++;
    return 1;
}

int rs_deflicker_frames(RsDeflickerFrame *frames, int n, int width, int height, int depth, int log2_chroma_w,
                        int log2_chroma_h, const RsDeflickerSettings *s, RsDeflickerStats *stats)
{
    RsDeflickerStats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    if (!frames || n < 0)
        return rs_error(RS_EINVAL, "deflicker: %d frames of %dx%d", n, width, height);
    RsDeflicker *x;
    int ret = rs_deflicker_open(&x, width, height, depth, log2_chroma_w, log2_chroma_h, s);
    if (ret < 0)
        return ret;
    RsDeflickerFrame done;
    /* The frames are corrected in place: what comes back is the caller's own. */
    for (int t = 0; ret >= 0 && t <= n; t++) {
        ret = rs_deflicker_send(x, t < n ? &frames[t] : NULL);
        while (ret >= 0 && (ret = rs_deflicker_receive(x, &done)) > 0)
            ;
    }
    rs_deflicker_get_stats(x, stats);
    rs_deflicker_close(&x);
    return ret;
}
