/*
 * Long shots: a shot longer than a window (max_frames, max_memory) is
 * cleaned in overlapping windows, so any length fits in bounded memory.
 *
 * A window holds W frames: a left context of ctx frames already written,
 * the frames it writes, and a right context of ctx frames that still lack
 * future frames (the last window has none). The fill of a frame reads at
 * most max_distance frames each way along the flow, and each flow field
 * reads only its two frames, so with ctx >= max_distance a written frame
 * sees exactly the frames it would see in the whole shot: the result is the
 * whole shot's, bit for bit. Two things make that hold:
 *  - the left context keeps its decoded samples and its mask (its fill is
 *    not a source, as in the whole shot), except the last frame written,
 *    whose fill the first new frame carries on (rs_fill_frame() reads the
 *    previous frame's fill where no frame shows the background); its fill is
 *    put back after the flows are computed from the decoded samples;
 *  - the synthesis seed of a frame depends on its number in the fill, so
 *    each window's seed is moved by its first frame's number.
 * A window smaller than 4 * max_distance + 1 frames caps ctx at a quarter
 * of it, and max_distance with it: every frame looks as far as any other,
 * so nothing changes at a border, and the result is the whole shot's with
 * that max_distance (doc/cleanup.md "Long shots").
 *
 * Dust is decided for a frame from it and its two neighbours only, so each
 * window detects it on the frames not decided yet, plus one before.
 *
 * The first pass of the fill, like the dust test, follows the flows between
 * neighbouring frames computed from their decoded samples (the left
 * context's too), and each field reads only its two frames: the fields
 * among the frames two windows share are the same in both. A window
 * computes its fields in one cache (flow_cache.h) that the dust test and the
 * fill share, as a whole shot does, and copies those among the frames the
 * next window keeps before the fill completes them in place; the next
 * window's cache starts with them. The copy, 2 (ctx + right - 1) fields, is
 * held beside the window: when max_memory has no room for it the fields
 * are computed again. The refining passes' fields come from filled frames,
 * which the next window fills again: they are not kept.
 *
 * Tracked shapes follow the motion through the whole shot before any mask
 * is drawn, so their tracker gets the 8-bit luma of every frame from a
 * second decode: w x h bytes a frame (2 MB at 1080p, 6 GB for two minutes),
 * counted against max_memory beside the window.
 *
 * Scratches are decided over chains of frames that may run the whole
 * reel: each window detects them on every frame it holds, a chain taken by
 * the window before stays taken, and the right context is the detector's
 * lookahead (scratch_internal.h, doc/cleanup.md "Long shots"). The masks
 * and the review are written frame by frame as each window's frames are
 * final, just before they are filled; with track_only nothing is filled.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup/clean_job.h"
#include "cleanup/deflicker_job.h"
#include "cleanup/fill.h"
#include "cleanup/flow_cache.h"
#include "cleanup/flow_internal.h"
#include "cleanup/review.h"
#include "cleanup/scratch_internal.h"
#include "rushes/error.h"
#include "rushes/log.h"

typedef struct Win {
    RsClip *c;
    const RsCleanJob *job;
    RsMask *mask;
    RsEncoder *e;
    RsCleanStats *st;
    int64_t base;           /* the shot's number of the clip's frame 0 */
    int64_t written;        /* frames written */
    int64_t total;          /* the container's count of frames, -1 unknown */
    int ctx;                /* frames of left context */
    int right;              /* frames of the right context: ctx, one more with dust (its last frame's
                             * dust waits for the frame after it) */
    int left;               /* frames of the clip already written (the left context) */
    int dust_from;          /* first frame of the clip whose dust is not decided */
    size_t sb;              /* bytes of a frame's samples */
    uint8_t *orig[2];       /* decoded samples of the frames being filled */
    uint8_t *carry;         /* the fill of the last frame written; with refining passes, after it
                             * the fill each earlier pass gave the frame before the one the next
                             * window's same pass starts from (fill_frames_refined) */
    RsCleanReview *rv;      /* the review being written, or NULL */
    int wn;                 /* frames a window holds */
    size_t ln;              /* bytes of a luma plane */
    /* With --scratches, the scratch mask of each frame held, in a ring of wn
     * planes: clip frame t is at (sm0 + t) % wn. */
    uint8_t *sbuf;
    int sm0;
    /* The raw first-pass fields among the frames the next window keeps, in the slots of its
     * cache (2 wn, NULL where none is kept), and the bytes max_memory leaves beside the window
     * for them. */
    float **kept;
    int64_t room;
} Win;

static uint8_t *scratch_mask(const Win *w, int t)
{
    return w->sbuf + (size_t)((w->sm0 + t) % w->wn) * w->ln;
}

static int render(Win *w, int t)
{
    RsCleanFrame *f = &w->c->f[t];
    if (w->sbuf)
        memset(scratch_mask(w, t), 0, w->ln);
    if (w->mask)
        return rs_mask_render(w->mask, w->base + t, (uint8_t *)f->mask, f->mask_stride);
    memset((uint8_t *)f->mask, 0, (size_t)w->c->w * w->c->h);
    return 0;
}

/*
 * Add the dust of frames dust_from .. n - 2 (the last waits for its next neighbour) to their
 * masks, reading the flows from the window's cache fl (NULL: computed here).
 */
static int add_dust(Win *w, int last, RsFlowCache *fl)
{
    RsClip *c = w->c;
    const int first = w->dust_from ? w->dust_from - 1 : 0, n = c->n - first;
    if (n < 3)
        return 0;
    const size_t ln = (size_t)c->w * c->h;
    uint8_t **m = calloc(n, sizeof(*m));
    uint8_t *buf = malloc(ln * n);
    int64_t found = 0;
    int ret = !m || !buf ? rs_error(RS_ENOMEM, "dust: out of memory for %d frames", n) : 0;
    for (int t = 0; ret >= 0 && t < n; t++)
        m[t] = buf + ln * t;
    RsFlowCache view;
    if (fl)
        rs_flow_cache_view(&view, fl, first);
    if (ret >= 0)
        ret = rs_dust_detect_cached(c->f + first, n, c->w, c->h, w->job->dust, m, c->w, &found,
                                    fl ? &view : NULL);
    for (int t = 1; ret >= 0 && t < n; t++)
        for (size_t i = 0; i < ln; i++)
            ((uint8_t *)c->f[first + t].mask)[i] |= m[t][i];
    w->st->dust += found;
    w->dust_from = last ? c->n : c->n - 1;
    free(buf);
    free(m);
    return ret;
}

/*
 * Find the scratches of the window's frames (doc/cleanup.md "Long shots"):
 * the detector reads every frame held, keeps the left context's masks as
 * they were written and carries the scratches taken there, and ORs what it
 * finds into the masks of the frames not written yet (frames lc..end-1 are
 * written now, the right context by the next window). A scratch is counted
 * and listed by the window that first takes it on a frame it writes.
 */
#define LISTED 256
/* fl: the window's cache of first-pass flows, which the motion test reads (NULL: its own). */
static int add_scratches(Win *w, int end, RsFlowCache *fl)
{
    RsClip *c = w->c;
    const int n = c->n, lc = w->left;
    uint8_t *guide = NULL;
    const uint8_t **l = rs_clip_luma8(c, &guide);
    uint8_t **m = malloc(sizeof(*m) * n);
    RsScratch *list = malloc(sizeof(*list) * LISTED);
    uint8_t carried[LISTED];
    int found = 0;
    int ret = !l || !m || !list ? rs_error(RS_ENOMEM, "scratches: out of memory for %d frames", n) : 0;
    for (int t = 0; ret >= 0 && t < n; t++)
        m[t] = scratch_mask(w, t);
    if (ret >= 0)
        ret = rs_scratch_detect_window(l, c->w, n, c->w, c->h, &w->job->scratch, lc, m, c->w, list, carried,
                                       LISTED, &found, fl);
    for (int i = 0; ret >= 0 && i < found; i++) {
        /* Past the list nothing says where a chain is: it is counted, as the whole shot would. */
        if (i < LISTED && (carried[i] || list[i].first >= end))
            continue;
        w->st->scratches++;
        if (i < LISTED)
            rs_log(RS_LOG_INFO, "%s: scratch %lld: frames %lld-%lld, x %.1f-%.1f, %s, %d px, contrast %.1f",
                   w->job->input, (long long)(w->st->scratches - 1), (long long)(w->base + list[i].first),
                   (long long)(w->base + list[i].last), list[i].x_first, list[i].x_last,
                   list[i].polarity > 0 ? "bright" : "dark", list[i].width, list[i].contrast);
    }
    for (int t = lc; ret >= 0 && t < n; t++) {
        uint8_t *fm = (uint8_t *)c->f[t].mask;
        for (size_t i = 0; i < w->ln; i++) {
            if (t < end)
                w->st->scratch_pixels += m[t][i];
            fm[i] |= m[t][i];
        }
    }
    free(list);
    free(m);
    free(guide);
    free(l);
    return ret;
}

/* The masks and the review of frames lc..end-1, final now, before they are filled. */
static int write_outputs(Win *w, int lc, int end)
{
    const RsClip *c = w->c;
    int ret = 0;
    for (int t = lc; ret >= 0 && t < end; t++) {
        if (w->job->mask_out)
            ret = rs_clean_write_mask(w->job->mask_out, w->base + t, &c->f[t], c->w, c->h);
        if (ret >= 0 && w->rv)
            ret = rs_clean_review_write(w->rv, &c->f[t]);
    }
    return ret;
}

static void progress(Win *w)
{
    if (w->job->progress)
        w->job->progress(w->job->opaque, w->written, w->total > w->written ? w->total : w->written);
}

/*
 * Copy the samples under the masks of every frame of the window out to
 * (put 0) or back from (put 1) buf, which holds them back to back in frame,
 * plane and raster order. With buf NULL, only count them.
 */
static size_t masked_samples(const RsFillCtx *fc, const RsClip *c, uint8_t *buf, int put)
{
    const int bps = fc->hbd ? 2 : 1;
    size_t k = 0;
    for (int t = 0; t < c->n; t++) {
        const uint8_t *bad = fc->bad[t];
        for (int p = 0; p < 3; p++) {
            const int pw = fc->pw[p], ph = fc->ph[p];
            for (int y = 0; y < ph; y++) {
                uint8_t *row = c->f[t].plane[p] + y * c->f[t].stride[p];
                for (int x = 0; x < pw; x++)
                    if (bad[(size_t)y * pw + x] & RS_FILL_MASK) {
                        if (buf && put)
                            memcpy(row + x * bps, buf + k * bps, bps);
                        else if (buf)
                            memcpy(buf + k * bps, row + x * bps, bps);
                        k++;
                    }
            }
            bad += (size_t)pw * ph;
        }
    }
    return k;
}

/*
 * The window's cache of first-pass fields, which starts with those the
 * window before kept. *out is NULL when the fill's flow settings are wrong
 * (the fill says why, as for a whole shot).
 */
static int open_flows(Win *w, RsFlowCache *fl, RsFlowCache **out)
{
    const RsClip *c = w->c;
    const RsCleanSettings *s = &w->job->fill;
    const RsFlowSettings fs = { s->flow_patch_size, s->flow_patch_stride, s->flow_iterations, s->flow_finest_level,
                                s->flow_median };
    *out = NULL;
    if (rs_flow_check(&fs, c->w, c->h) < 0)
        return 0;
    if (rs_flow_cache_init(fl, c->f, c->n, c->w, c->h, &fs, s->threads) < 0)
        return rs_error(RS_ENOMEM, "%s: out of memory for the flows of %d frames", w->job->input, c->n);
    fl->cancel = s->cancel;
    for (int k = 0; k < 2 * c->n; k++) {
        fl->f[k] = w->kept[k];
        w->kept[k] = NULL;
    }
    *out = fl;
    return 0;
}

/*
 * Compute every first-pass field of the window the cache lacks, and copy
 * those among frames from..n-1 (the next window's) to w->kept, before the
 * fill completes them in place; from < 0: the last window, nothing is kept.
 */
static int keep_flows(Win *w, RsFlowCache *fl, int from)
{
    const int n = w->c->n;
    const size_t bytes = sizeof(float) * 2 * (size_t)fl->fw * fl->fh;
    uint8_t *want = malloc(2 * (size_t)n);
    if (!want)
        return rs_error(RS_ENOMEM, "%s: out of memory for the flows of %d frames", w->job->input, n);
    memset(want, 1, 2 * (size_t)n);
    int ret = rs_flow_cache_compute(fl, want);
    free(want);
    if (ret >= 0 && from >= 0 && (int64_t)bytes * 2 * (n - from - 1) > w->room) {
        rs_log(RS_LOG_DEBUG, "%s: no room beside the window for the %.1f MB of flows the next one shares; "
               "they are computed again", w->job->input, bytes * 2 * (n - from - 1) / 1e6);
        from = -1;
    }
    for (int k = 2 * from; ret >= 0 && from >= 0 && k < 2 * n; k++) {
        const int t = k / 2, o = k % 2 ? t - 1 : t + 1;
        if (o < from || o >= n || !fl->f[k])
            continue;
        if (!(w->kept[k - 2 * from] = malloc(bytes)))
            ret = RS_ENOMEM;
        else
            memcpy(w->kept[k - 2 * from], fl->f[k], bytes);
    }
    if (ret == RS_ENOMEM)
        ret = rs_error(RS_ENOMEM, "%s: out of memory for the flows of %d frames", w->job->input, n);
    return ret;
}

/*
 * With refining passes (RsCleanSettings.refine) each pass fills along the
 * flow of the frames the pass before filled. The final pass writes from lc
 * = ctx = (1 + passes) x d (d the reach of a fill); it reads the fill of the
 * pass before on frames from lc - d, which read that of the pass before it
 * from d earlier again, and so on: pass p is needed from (p + 1) x d, and
 * there it sees what it sees in the whole shot, given the fill of the frame
 * before (where no frame shows the background it is carried on). So each
 * pass starts there from the fill the previous window's same pass gave that
 * frame, and keeps its own for the next window: the result is the whole
 * shot's, bit for bit. The samples under the masks are put back afterwards:
 * the next window's dust test reads the decoded frames of its left
 * context, as in the whole shot.
 */
static int fill_frames_refined(Win *w, RsFillCtx *fc, int lc, int end, int reach)
{
    RsClip *c = w->c;
    const int passes = fc->s.refine, drop = end - w->ctx;
    const size_t count = masked_samples(fc, c, NULL, 0);
    uint8_t *save = malloc(count * (fc->hbd ? 2 : 1) + 1);
    if (!save)
        return rs_error(RS_ENOMEM, "%s: out of memory for the masked samples of %d frames", w->job->input, c->n);
    masked_samples(fc, c, save, 0);
    int ret = 0;
    for (int pass = 0; ret >= 0 && pass <= passes; pass++) {
        const int final = pass == passes, first = lc ? (final ? lc : (pass + 1) * reach) : 0;
        const int stop = final ? end : c->n;
        uint8_t *carry = w->carry + (size_t)(final ? 0 : 1 + pass) * w->sb;
        if (pass)
            ret = rs_fill_refine(fc);
        if (ret >= 0 && first)
            memcpy(c->buf[first - 1], carry, w->sb);
        for (int t = first; ret >= 0 && t < stop; t++) {
            /* A frame the refining passes leave keeps its first fill; a frame's statistics are
             * those of its last fill, counted by the window that writes it. */
            const int again = rs_fill_refines(fc, t), mine = t >= lc && t < end;
            if (!pass || again)
                ret = rs_fill_frame(fc, t, mine && (final ? again : !pass && !again) ? w->st : NULL);
            /* The frame this pass of the next window starts after. */
            if (ret >= 0 && !final && t == (pass + 1) * reach - 1 + drop)
                memcpy(carry, c->buf[t], w->sb);
            if (ret < 0 || !final)
                continue;
            const uint8_t *planes[3] = { c->f[t].plane[0], c->f[t].plane[1], c->f[t].plane[2] };
            ret = rs_encoder_write_video(w->e, planes, c->f[t].stride);
            w->written++;
            progress(w);
        }
    }
    if (ret >= 0 && end > lc)
        memcpy(w->carry, c->buf[end - 1], w->sb);
    masked_samples(fc, c, save, 1);
    free(save);
    return ret;
}

/* Fill frames lc..end-1; fl: the window's cache of first-pass fields, or NULL. */
static int fill_frames(Win *w, int lc, int end, int last, RsFlowCache *fl)
{
    RsClip *c = w->c;
    RsCleanSettings s = w->job->fill;
    s.seed += (uint32_t)(3 * w->base);
    /* Every frame looks as far as the context reaches, not farther: a frame in the middle of a
     * window could see farther than one at its border, and the fill would jump there. Each
     * refining pass reads the fill of frames as far again, so the reach is shared out. */
    const int reach = w->ctx / (1 + s.refine) > 1 ? w->ctx / (1 + s.refine) : 1;
    if (s.max_distance > reach)
        s.max_distance = reach;
    RsFillCtx fc = { 0 };
    /* Deflicker alone masks nothing: the flows of the fill would be wasted (as for a whole shot). */
    const int fill = w->job->mask || w->job->dust || w->job->scratches;
    int ret = fill && fl ? keep_flows(w, fl, last ? -1 : end - w->ctx) : 0;
    if (ret >= 0 && fill)
        ret = rs_fill_prepare_cached(&fc, c->f, c->n, c->w, c->h, c->lcw, c->lch, &s, fl);
    if (ret == RS_ENOMEM)
        ret = rs_error(RS_ENOMEM, "%s: out of memory for the flow of %d frames", w->job->input, c->n);
    if (ret >= 0 && fill && s.refine) {
        rs_fill_open_end(&fc);
        ret = fill_frames_refined(w, &fc, lc, end, reach);
        rs_fill_free(&fc);
        return ret;
    }
    /* The flows saw the decoded samples; the carry reads the fill. orig[1] holds the frame before t. */
    if (ret >= 0 && lc) {
        memcpy(w->orig[1], c->buf[lc - 1], w->sb);
        memcpy(c->buf[lc - 1], w->carry, w->sb);
    }
    for (int t = lc; ret >= 0 && t < end; t++) {
        memcpy(w->orig[0], c->buf[t], w->sb);
        ret = fill ? rs_fill_frame(&fc, t, w->st) : 0;
        if (ret >= 0) {
            const uint8_t *planes[3] = { c->f[t].plane[0], c->f[t].plane[1], c->f[t].plane[2] };
            ret = rs_encoder_write_video(w->e, planes, c->f[t].stride);
        }
        if (t > 0)
            memcpy(c->buf[t - 1], w->orig[1], w->sb);
        uint8_t *o = w->orig[0];
        w->orig[0] = w->orig[1];
        w->orig[1] = o;
        w->written++;
        progress(w);
    }
    rs_fill_free(&fc);
    /* The last frame written goes on as the carry; its slot gets its decoded samples back. */
    if (ret >= 0 && end > lc) {
        memcpy(w->carry, c->buf[end - 1], w->sb);
        memcpy(c->buf[end - 1], w->orig[1], w->sb);
    }
    return ret;
}

/* Fill and write the frames of the window after the left context, up to its right context. */
static int fill_window(Win *w, int last)
{
    RsClip *c = w->c;
    const int end = last ? c->n : c->n - w->right, lc = w->left;
    w->st->windows++;
    if (c->n > w->st->held)
        w->st->held = c->n;
    /* Tracking only, nothing is filled: the dust test computes the few fields it reads itself. */
    const int fill = !w->job->track_only && (w->job->mask || w->job->dust || w->job->scratches);
    RsFlowCache flows = { 0 }, *fl = NULL;
    int ret = fill ? open_flows(w, &flows, &fl) : 0;
    if (ret >= 0 && w->job->dust)
        ret = add_dust(w, last, fl);
    if (ret >= 0 && w->job->scratches)
        ret = add_scratches(w, end, fl);
    if (ret >= 0)
        ret = write_outputs(w, lc, end);
    if (ret >= 0 && w->job->track_only) {
        for (int t = lc; t < end; t++, w->written++)
            progress(w);
    } else if (ret >= 0) {
        ret = fill_frames(w, lc, end, last, fl);
    }
    rs_flow_cache_free(&flows);
    if (ret < 0 || last)
        return ret;
    /* Slide: drop what the next window does not need, keep ctx written frames as its left context. */
    const int drop = end - w->ctx;
    for (int t = 0; t < drop; t++)
        free(c->buf[t]);
    memmove(c->buf, c->buf + drop, sizeof(*c->buf) * (c->n - drop));
    memmove(c->f, c->f + drop, sizeof(*c->f) * (c->n - drop));
    c->n -= drop;
    w->base += drop;
    w->left = w->ctx;
    w->dust_from -= drop;
    w->sm0 = (w->sm0 + drop) % w->wn;
    return 0;
}

/* Whether the JSON mask has shapes to track: a throwaway copy tracks them over frame 0 alone. */
static int has_tracked(const RsClip *c, const RsCleanJob *job, int *count)
{
    const size_t len = strlen(job->mask);
    *count = 0;
    if (len < 5 || strcasecmp(job->mask + len - 5, ".json"))
        return 0;
    RsMask *probe;
    int ret = rs_mask_open(&probe, job->mask, c->w, c->h);
    uint8_t *buf = ret >= 0 ? malloc((size_t)c->w * c->h) : NULL;
    ptrdiff_t stride;
    if (ret >= 0 && !buf)
        ret = rs_error(RS_ENOMEM, "%s: out of memory", job->input);
    if (ret >= 0) {
        const uint8_t *l = rs_clean_guide(&c->f[0], c->w, c->h, buf, &stride);
        RsTrackSettings s = job->track;
        s.margin = 0;
        ret = rs_mask_track(probe, &l, stride, 1, &s, count);
    }
    free(buf);
    rs_mask_close(&probe);
    return ret;
}

int rs_clean_track_long(const RsClip *c, RsMask *mask, const RsCleanJob *job, RsCleanStats *st)
{
    int count, ret = has_tracked(c, job, &count);
    if (ret < 0 || !count)
        return ret;
    const size_t ln = (size_t)c->w * c->h;
    const int64_t room = c->max_memory - c->n * c->frame_bytes, fit = room > 0 ? room / (int64_t)ln : 0;
    RsDecoderSettings ds;
    rs_decoder_default_settings(&ds);
    ds.threads = job->threads;
    RsDecoder *d;
    const RsMediaInfo *info;
    if ((ret = rs_decoder_open(&d, job->input, &ds, &info)) < 0)
        return ret;
    uint8_t **luma = NULL;
    int n = 0, cap = 0;
    RsMediaEvent ev;
    while (ret >= 0 && (ret = rs_decoder_read(d, &ev)) > 0) {
        if (ev.type != RS_EVENT_VIDEO)
            continue;
        if (n >= fit) {
            ret = rs_error(RS_ERANGE, "%s: tracking reads the 8-bit luma of the whole shot (%.1f MB a frame); "
                           "more than %lld frames do not fit beside a window of %d frames in max memory "
                           "%lld MB (lower max frames or raise max memory)", job->input, ln / 1e6,
                           (long long)fit, c->n, (long long)(c->max_memory / 1000000));
            break;
        }
        if (n == cap) {
            uint8_t **nl = realloc(luma, sizeof(*nl) * (cap = cap ? 2 * cap : 256));
            if (!nl) {
                ret = RS_ENOMEM;
                break;
            }
            luma = nl;
        }
        if (!(luma[n] = malloc(ln))) {
            ret = RS_ENOMEM;
            break;
        }
        const RsVideoFrame *v = ev.video;
        const RsCleanFrame f = { { (uint8_t *)v->plane[0].data }, { v->plane[0].stride }, NULL, 0, v->bit_depth };
        ptrdiff_t stride;
        const uint8_t *l = rs_clean_guide(&f, c->w, c->h, luma[n], &stride);
        for (int y = 0; l != luma[n] && y < c->h; y++)
            memcpy(luma[n] + (size_t)y * c->w, l + y * stride, c->w);
        n++;
    }
    rs_decoder_close(&d);
    int tracked = 0;
    if (ret == RS_ENOMEM)
        ret = rs_error(RS_ENOMEM, "%s: out of memory for the luma of frame %d", job->input, n);
    if (ret >= 0)
        ret = rs_mask_track(mask, (const uint8_t *const *)luma, c->w, n, &job->track, &tracked);
    st->tracked = tracked;
    for (int t = 0; t < n; t++)
        free(luma[t]);
    free(luma);
    return ret;
}

int rs_clean_windows(RsClip *c, RsDecoder *d, const RsVideoFrame *next, RsMask *mask, const RsCleanJob *job,
                     const char *codec, const RsCleanSource *src, RsCleanStats *st, int *frames)
{
    const int wn = c->n;
    Win w = { .c = c, .job = job, .mask = mask, .st = st, .sb = rs_clip_sample_bytes(c), .wn = wn,
              .ln = (size_t)c->w * c->h };
    /* A quarter of the window at most, so each window writes at least half of what it holds. */
    const int md = job->fill.max_distance * (1 + job->fill.refine);
    w.ctx = md <= (wn - 1) / 4 ? md : (wn - 1) / 4;
    if (w.ctx < 1)
        w.ctx = 1;
    w.right = w.ctx + !!job->dust;
    w.total = src->frames;
    st->window = wn;
    st->context = w.right;
    st->overlap = w.ctx + w.right;
    w.orig[0] = malloc(w.sb);
    w.orig[1] = malloc(w.sb);
    w.carry = malloc(w.sb * (1 + job->fill.refine));
    w.sbuf = job->scratches ? malloc(w.ln * wn) : NULL;
    w.kept = calloc(2 * (size_t)wn, sizeof(*w.kept));
    w.room = c->max_memory - wn * c->frame_bytes;
    int ret = !w.orig[0] || !w.orig[1] || !w.carry || !w.kept || (job->scratches && !w.sbuf) ?
              rs_error(RS_ENOMEM, "%s: out of memory", job->input) : 0;
    if (ret >= 0 && !job->track_only)
        ret = rs_clip_open_encoder(&w.e, c, job, codec, src);
    if (ret >= 0 && job->mask_out)
        ret = rs_clean_mask_folder(job->mask_out);
    if (ret >= 0 && job->review)
        ret = rs_clean_review_open(&w.rv, job->review, c->w, c->h, c->lcw, c->lch, src->rate, src->tc,
                                   job->threads);
    for (int t = 0; ret >= 0 && t < c->n; t++)
        ret = render(&w, t);
    /* The first window is full and next waits: the shot goes on. */
    if (ret >= 0)
        ret = fill_window(&w, 0);
    RsMediaEvent ev;
    int more = 1;
    while (ret >= 0 && more) {
        if (next) {
            ret = rs_clip_keep(c, next, job, src);
            next = NULL;
            if (ret >= 0)
                ret = render(&w, c->n - 1);
        }
        while (ret >= 0 && c->n < wn && (ret = rs_clip_read(c, d, &ev)) > 0)
            if (ev.type == RS_EVENT_VIDEO && (ret = rs_clip_keep(c, ev.video, job, src)) >= 0)
                ret = render(&w, c->n - 1);
        if (ret < 0)
            break;
        /* A full window may be the last: only the next frame tells. */
        while (c->n == wn && (ret = rs_clip_read(c, d, &ev)) > 0 && ev.type != RS_EVENT_VIDEO)
            ;
        if (ret < 0)
            break;
        more = c->n == wn && ret > 0;
        if (more)
            next = ev.video;
        ret = fill_window(&w, !more);
    }
    if (ret == RS_ENOMEM)
        ret = rs_error(RS_ENOMEM, "%s: out of memory at frame %lld", job->input, (long long)(w.base + c->n));
    /* A job that fails leaves no output behind, and a file already there as it was. */
    int cret = 0;
    if (ret < 0)
        rs_encoder_discard(&w.e);
    else
        cret = rs_encoder_close(&w.e);
    const int rret = rs_clean_review_close(&w.rv, ret >= 0 && cret >= 0);
    cret = cret < 0 ? cret : rret;
    free(w.sbuf);
    free(w.orig[0]);
    free(w.orig[1]);
    free(w.carry);
    for (int k = 0; w.kept && k < 2 * wn; k++)
        free(w.kept[k]);
    free(w.kept);
    *frames = (int)w.written;
    return ret < 0 ? ret : cret;
}
