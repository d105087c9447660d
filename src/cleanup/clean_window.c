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
 * Tracked shapes follow the motion through the whole shot before any mask
 * is drawn, so their tracker gets the 8-bit luma of every frame from a
 * second decode: w x h bytes a frame (2 MB at 1080p, 6 GB for two minutes),
 * counted against max_memory beside the window.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup/clean_job.h"
#include "cleanup/deflicker_job.h"
#include "cleanup/fill.h"
#include "rushes/error.h"

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
    uint8_t *carry;         /* the fill of the last frame written */
} Win;

static int render(Win *w, int t)
{
    RsCleanFrame *f = &w->c->f[t];
    if (w->mask)
        return rs_mask_render(w->mask, w->base + t, (uint8_t *)f->mask, f->mask_stride);
    memset((uint8_t *)f->mask, 0, (size_t)w->c->w * w->c->h);
    return 0;
}

/* Add the dust of frames dust_from .. n - 2 (the last waits for its next neighbour) to their masks. */
static int add_dust(Win *w, int last)
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
    if (ret >= 0)
        ret = rs_dust_detect(c->f + first, n, c->w, c->h, w->job->dust, m, c->w, &found);
    for (int t = 1; ret >= 0 && t < n; t++)
        for (size_t i = 0; i < ln; i++)
            ((uint8_t *)c->f[first + t].mask)[i] |= m[t][i];
    w->st->dust += found;
    w->dust_from = last ? c->n : c->n - 1;
    free(buf);
    free(m);
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
    int ret = w->job->dust ? add_dust(w, last) : 0;
    if (ret < 0)
        return ret;
    RsCleanSettings s = w->job->fill;
    s.seed += (uint32_t)(3 * w->base);
    /* Every frame looks as far as the context reaches, not farther: a frame in the middle of a
     * window could see farther than one at its border, and the fill would jump there. */
    if (s.max_distance > w->ctx)
        s.max_distance = w->ctx;
    RsFillCtx fc = { 0 };
    /* Deflicker alone masks nothing: the flows of the fill would be wasted (as for a whole shot). */
    const int fill = w->job->mask || w->job->dust || w->job->scratches;
    ret = fill ? rs_fill_prepare(&fc, c->f, c->n, c->w, c->h, c->lcw, c->lch, &s) : 0;
    if (ret == RS_ENOMEM)
        ret = rs_error(RS_ENOMEM, "%s: out of memory for the flow of %d frames", w->job->input, c->n);
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
        if (w->job->progress)
            w->job->progress(w->job->opaque, w->written, w->total > w->written ? w->total : w->written);
    }
    rs_fill_free(&fc);
    /* The last frame written goes on as the carry; its slot gets its decoded samples back. */
    if (ret >= 0 && end > lc) {
        memcpy(w->carry, c->buf[end - 1], w->sb);
        memcpy(c->buf[end - 1], w->orig[1], w->sb);
    }
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
    Win w = { .c = c, .job = job, .mask = mask, .st = st, .sb = rs_clip_sample_bytes(c) };
    /* A quarter of the window at most, so each window writes at least half of what it holds. */
    const int md = job->fill.max_distance;
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
    w.carry = malloc(w.sb);
    int ret = !w.orig[0] || !w.orig[1] || !w.carry ? rs_error(RS_ENOMEM, "%s: out of memory", job->input) : 0;
    if (ret >= 0)
        ret = rs_clip_open_encoder(&w.e, c, job, codec, src);
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
    int cret = w.e ? rs_encoder_close(&w.e) : 0;
    free(w.orig[0]);
    free(w.orig[1]);
    free(w.carry);
    *frames = (int)w.written;
    return ret < 0 ? ret : cret;
}
