/* The deflicker stream between the decoder and the clean job's clip (deflicker_job.h). */
#include <stdlib.h>
#include <string.h>

#include "cleanup/deflicker_job.h"
#include "rushes/error.h"
#include "rushes/log.h"

struct RsDfReader {
    RsDeflickerSettings s;
    const RsCleanJob *job;
    RsDeflicker *df;
    int w, h, depth, lcw, lch, cw, ch, bps;
    RsVideoFrame *meta;        /* what the decoder said of the frames held, in order (a ring) */
    uint8_t **bufs;            /* their samples, the reader's copies */
    int cap, head, count;
    RsVideoFrame out;
    uint8_t *out_buf;          /* the samples of out, freed at the next read */
    int eof;
};

int rs_df_reader_open(RsDfReader **pr, const RsCleanJob *job)
{
    RsDfReader *r = calloc(1, sizeof(*r));
    if (!(*pr = r))
        return rs_error(RS_ENOMEM, "deflicker: out of memory");
    rs_deflicker_default_settings(&r->s);
    r->s.window = job->deflicker;
    r->s.threads = job->fill.threads;
    r->job = job;
    return 0;
}

void rs_df_reader_close(RsDfReader **pr)
{
    RsDfReader *r = *pr;
    if (!r)
        return;
    /* Frames still held (after an error) are the reader's own copies. */
    rs_deflicker_close(&r->df);
    for (int i = 0; i < r->count; i++)
        free(r->bufs[(r->head + i) % r->cap]);
    free(r->bufs);
    free(r->out_buf);
    free(r->meta);
    free(r);
    *pr = NULL;
}

void rs_df_reader_stats(const RsDfReader *r, RsDeflickerStats *st)
{
    memset(st, 0, sizeof(*st));
    if (r && r->df)
        rs_deflicker_get_stats(r->df, st);
}

/* The first frame sets the geometry and opens the stream; its frames ahead come out of max_memory. */
static int start(RsDfReader *r, RsClip *c, const RsVideoFrame *v)
{
    r->w = v->width, r->h = v->height, r->depth = v->bit_depth, r->lcw = v->log2_chroma_w, r->lch = v->log2_chroma_h;
    r->cw = (r->w + (1 << r->lcw) - 1) >> r->lcw, r->ch = (r->h + (1 << r->lch) - 1) >> r->lch;
    r->bps = r->depth > 8 ? 2 : 1;
    int ret = rs_deflicker_open(&r->df, r->w, r->h, r->depth, r->lcw, r->lch, &r->s);
    if (ret < 0)
        return ret;
    r->cap = rs_deflicker_delay(r->df) + 1;
    r->bufs = malloc(sizeof(*r->bufs) * r->cap);
    if (!(r->meta = malloc(sizeof(*r->meta) * r->cap)) || !r->bufs)
        return rs_error(RS_ENOMEM, "deflicker: out of memory");
    const int64_t ahead = (int64_t)r->cap * (((int64_t)r->w * r->h + 2 * (int64_t)r->cw * r->ch) * r->bps);
    if (ahead >= c->max_memory)
        return rs_error(RS_ERANGE, "%s: the deflicker holds %d frames ahead (%lld MB), more than max memory "
                        "%lld MB", r->job->input, r->cap, (long long)(ahead / 1000000),
                        (long long)(c->max_memory / 1000000));
    c->max_memory -= ahead;
    return 0;
}

/* Copy a decoded frame and send it to the stream. */
static int push(RsDfReader *r, RsClip *c, const RsVideoFrame *v)
{
    int ret = r->df ? 0 : start(r, c, v);
    if (ret < 0)
        return ret;
    if (v->width != r->w || v->height != r->h || v->bit_depth != r->depth || v->log2_chroma_w != r->lcw ||
        v->log2_chroma_h != r->lch)
        return rs_error(RS_EUNSUP, "%s: frame %lld is %dx%d %d-bit, chroma shifts %d,%d; the first frame %dx%d "
                        "%d-bit, %d,%d", r->job->input, (long long)v->index, v->width, v->height, v->bit_depth,
                        v->log2_chroma_w, v->log2_chroma_h, r->w, r->h, r->depth, r->lcw, r->lch);
    if (r->count == r->cap)
        return rs_error(RS_EINVAL, "deflicker: more frames held than its delay");
    const size_t ln = (size_t)r->w * r->h * r->bps, cn = (size_t)r->cw * r->ch * r->bps;
    uint8_t *b = malloc(ln + 2 * cn);
    if (!b)
        return rs_error(RS_ENOMEM, "%s: out of memory at frame %lld", r->job->input, (long long)v->index);
    RsDeflickerFrame f = { { b, b + ln, b + ln + cn },
                           { (ptrdiff_t)r->w * r->bps, (ptrdiff_t)r->cw * r->bps, (ptrdiff_t)r->cw * r->bps } };
    for (int p = 0; p < 3; p++)
        for (int y = 0; y < (p ? r->ch : r->h); y++)
            memcpy((uint8_t *)f.plane[p] + y * f.stride[p], v->plane[p].data + y * v->plane[p].stride,
                   (size_t)(p ? r->cw : r->w) * r->bps);
    ret = rs_deflicker_send(r->df, &f);
    if (ret < 0) {
        free(b);
        return ret;
    }
    r->meta[(r->head + r->count) % r->cap] = *v;
    r->bufs[(r->head + r->count++) % r->cap] = b;
    return 0;
}

int rs_clip_read(RsClip *c, RsDecoder *d, RsMediaEvent *ev)
{
    if (c->cancel && atomic_load(c->cancel))
        return rs_error(RS_EINTR, "clean: cancelled after %d frames were read", c->n);
    RsDfReader *r = c->dfl;
    if (!r)
        return rs_decoder_read(d, ev);
    free(r->out_buf);
    r->out_buf = NULL;
    for (;;) {
        RsDeflickerFrame f;
        int ret = r->df ? rs_deflicker_receive(r->df, &f) : 0;
        if (ret < 0)
            return ret;
        if (ret > 0) {
            r->out = r->meta[r->head];
            r->head = (r->head + 1) % r->cap;
            r->count--;
            r->out_buf = f.plane[0];
            for (int p = 0; p < 3; p++)
                r->out.plane[p] = (RsPlane){ f.plane[p], f.stride[p], p ? r->cw : r->w, p ? r->ch : r->h, r->bps };
            *ev = (RsMediaEvent){ .type = RS_EVENT_VIDEO, .video = &r->out };
            return 1;
        }
        if (r->eof)
            return 0;
        RsMediaEvent e;
        if ((ret = rs_decoder_read(d, &e)) < 0)
            return ret;
        if (!ret) {
            r->eof = 1;
            if (r->df && (ret = rs_deflicker_send(r->df, NULL)) < 0)
                return ret;
            RsDeflickerStats st;
            rs_df_reader_stats(r, &st);
            if (st.cuts)
                rs_log(RS_LOG_INFO, "%s: deflicker: %d cut%s inside the shot; each side was corrected on its own",
                       r->job->input, st.cuts, st.cuts > 1 ? "s" : "");
        } else if (e.type == RS_EVENT_VIDEO && (ret = push(r, c, e.video)) < 0)
            return ret;
    }
}
