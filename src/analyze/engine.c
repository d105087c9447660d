/*
 * The one-pass engine.
 *
 * The calling thread decodes and prepares events (a video frame with its
 * shared planes, or an audio block) into a ring of RING slots. Worker threads
 * take (analyzer, event) pairs: an analyzer is run by one worker at a time and
 * always on its next event, so each analyzer sees the clip in order and its
 * results cannot depend on the number of threads. The producer reuses a slot
 * only once every analyzer has moved past it. With threads == 0 everything
 * runs on the calling thread, which is the reference the tests compare with.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/engine_internal.h"
#include "analyze/planes.h"
#include "core/json.h"
#include "rushes/error.h"
#include "rushes/log.h"

#define RING 8

typedef struct Slot {
    int is_audio;
    RsFramePlanes planes;
    RsAudioBlock audio;
    /* Owned storage behind the pointers above. */
    uint8_t *buf[6];
    size_t buf_size[6];
    float *samples;
    size_t samples_size;
    const float *chan[64];
} Slot;

typedef struct AState {
    const RsAnalyzer *a;
    RsAnalyzerCtx ctx;
    RsValue *row;
    int nb_series;
    int64_t cap;
    int64_t count;
    void **data;          /* one growable array per series */
    int64_t next;         /* next event this analyzer processes */
    int busy;
    int initialised;
} AState;

typedef struct Engine {
    const RsEngineSettings *s;
    AState *st;
    int n;
    unsigned needs;
    Slot ring[RING];
    int64_t produced;     /* events published */
    int done;             /* no more events will be published */
    int error;
    pthread_mutex_t lock;
    pthread_cond_t work;  /* workers wait for events */
    pthread_cond_t room;  /* the producer waits for a free slot */
} Engine;

static int ensure(uint8_t **buf, size_t *size, size_t want)
{
    if (*size >= want)
        return 0;
    uint8_t *p = realloc(*buf, want);
    if (!p)
        return RS_ENOMEM;
    *buf = p;
    *size = want;
    return 0;
}

static int copy_plane(const RsPlane *src, RsPlane *dst, uint8_t **buf, size_t *size)
{
    size_t row = (size_t)src->width * (size_t)src->bytes_per_sample;
    int ret = ensure(buf, size, row * (size_t)src->height);
    if (ret < 0)
        return ret;
    for (int y = 0; y < src->height; y++)
        memcpy(*buf + row * (size_t)y, src->data + src->stride * y, row);
    *dst = *src;
    dst->data = *buf;
    dst->stride = (ptrdiff_t)row;
    return 0;
}

static int prepare_video(Engine *e, Slot *sl, const RsVideoFrame *f)
{
    RsFramePlanes *p = &sl->planes;
    memset(p, 0, sizeof(*p));
    sl->is_audio = 0;
    p->index = f->index;
    p->pts = f->pts;
    p->time_base = f->time_base;
    p->width = f->width;
    p->height = f->height;
    p->bit_depth = f->bit_depth;
    p->full_range = f->full_range;
    p->corrupt = f->corrupt;
    int ret;
    if (e->needs & RS_NEED_LUMA)
        if ((ret = copy_plane(&f->plane[0], &p->luma, &sl->buf[0], &sl->buf_size[0])) < 0)
            return ret;
    if (e->needs & RS_NEED_CHROMA)
        for (int c = 0; c < 2; c++)
            if ((ret = copy_plane(&f->plane[1 + c], &p->chroma[c], &sl->buf[1 + c], &sl->buf_size[1 + c])) < 0)
                return ret;
    if (e->needs & RS_NEED_REDUCED) {
        const int rw = f->width >> RS_REDUCE_LOG2, rh = f->height >> RS_REDUCE_LOG2;
        const int shift = f->bit_depth > 8 ? f->bit_depth - 8 : 0;
        const int f_luma = 1 << RS_REDUCE_LOG2;
        const int fx_c = f_luma >> f->log2_chroma_w, fy_c = f_luma >> f->log2_chroma_h;
        /* buf[3..5] hold the reduced planes; buf[5]'s tail holds the row accumulator. */
        for (int c = 0; c < 3; c++) {
            size_t plane = (size_t)(rw > 0 ? rw : 1) * (size_t)(rh > 0 ? rh : 1);
            size_t extra = c == 2 ? (size_t)(rw + 1) * 4 * sizeof(uint32_t) + 16 : 0;
            if ((ret = ensure(&sl->buf[3 + c], &sl->buf_size[3 + c], plane + extra)) < 0)
                return ret;
        }
        uint32_t *acc = (uint32_t *)(((uintptr_t)(sl->buf[5] + (size_t)rw * rh) + 15) & ~(uintptr_t)15);
        for (int c = 0; c < 3; c++) {
            int fx = c ? fx_c : f_luma, fy = c ? fy_c : f_luma;
            if (fx < 1) fx = 1;
            if (fy < 1) fy = 1;
            rs_plane_reduce(&f->plane[c], fx, fy, shift, sl->buf[3 + c], rw, rw, rh, acc);
            p->reduced[c] = (RsPlane){ sl->buf[3 + c], rw, rw, rh, 1 };
        }
    }
    return 0;
}

static int prepare_audio(Slot *sl, const RsAudioBlock *b)
{
    sl->is_audio = 1;
    sl->audio = *b;
    if (b->channels > 64)
        return rs_error(RS_EUNSUP, "audio with %d channels (at most 64)", b->channels);
    size_t want = (size_t)b->channels * (size_t)b->nb_samples * sizeof(float);
    int ret = ensure((uint8_t **)&sl->samples, &sl->samples_size, want ? want : 1);
    if (ret < 0)
        return ret;
    for (int c = 0; c < b->channels; c++) {
        float *dst = sl->samples + (size_t)c * (size_t)b->nb_samples;
        memcpy(dst, b->data[c], (size_t)b->nb_samples * sizeof(float));
        sl->chan[c] = dst;
    }
    sl->audio.data = sl->chan;
    return 0;
}

static int append_row(AState *st)
{
    if (st->count == st->cap) {
        int64_t cap = st->cap ? st->cap * 2 : 1024;
        for (int i = 0; i < st->nb_series; i++) {
            size_t el = st->a->series[i].type == RS_SERIES_U64 ? sizeof(uint64_t) : sizeof(float);
            void *p = realloc(st->data[i], (size_t)cap * el);
            if (!p)
                return RS_ENOMEM;
            st->data[i] = p;
        }
        st->cap = cap;
    }
    for (int i = 0; i < st->nb_series; i++) {
        if (st->a->series[i].type == RS_SERIES_U64)
            ((uint64_t *)st->data[i])[st->count] = st->row[i].u;
        else
            ((float *)st->data[i])[st->count] = (float)st->row[i].f;
    }
    st->count++;
    return 0;
}

/* Run one analyzer on one event. */
static int process(AState *st, const Slot *sl)
{
    const RsAnalyzer *a = st->a;
    if (sl->is_audio)
        return (a->needs & RS_NEED_AUDIO) && a->audio ? a->audio(&st->ctx, &sl->audio) : 0;
    if (!a->frame)
        return 0;
    for (int i = 0; i < st->nb_series; i++)
        st->row[i].u = 0;
    int ret = a->frame(&st->ctx, &sl->planes, st->row);
    if (ret < 0)
        return ret;
    return append_row(st);
}

static void *worker(void *arg)
{
    Engine *e = arg;
    pthread_mutex_lock(&e->lock);
    for (;;) {
        AState *pick = NULL;
        for (int i = 0; i < e->n && !e->error; i++)
            if (!e->st[i].busy && e->st[i].next < e->produced) {
                pick = &e->st[i];
                break;
            }
        if (!pick) {
            int all_done = 1;
            for (int i = 0; i < e->n; i++)
                if (e->st[i].busy || e->st[i].next < e->produced)
                    all_done = 0;
            if (e->error || (e->done && all_done))
                break;
            pthread_cond_wait(&e->work, &e->lock);
            continue;
        }
        pick->busy = 1;
        const Slot *sl = &e->ring[pick->next % RING];
        pthread_mutex_unlock(&e->lock);
        int ret = process(pick, sl);
        pthread_mutex_lock(&e->lock);
        pick->busy = 0;
        pick->next++;
        if (ret < 0 && !e->error)
            e->error = ret;
        pthread_cond_broadcast(&e->room);
        pthread_cond_broadcast(&e->work);
    }
    pthread_cond_broadcast(&e->room);
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

static int64_t slowest(const Engine *e)
{
    int64_t m = INT64_MAX;
    for (int i = 0; i < e->n; i++)
        if (e->st[i].next < m)
            m = e->st[i].next;
    return m;
}

void rs_engine_default_settings(RsEngineSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->threads = 2;
}

void rs_clip_analysis_free(RsClipAnalysis **pa)
{
    RsClipAnalysis *a = *pa;
    if (!a)
        return;
    for (int i = 0; i < a->nb_results; i++) {
        RsAnalyzerResult *r = &a->results[i];
        free(r->params_json);
        free(r->summary_json);
        for (int k = 0; k < r->nb_series; k++)
            free(r->series[k].data);
        free(r->series);
    }
    free(a->results);
    free(a->pts);
    free(a);
    *pa = NULL;
}

static int init_states(Engine *e, RsAnalyzerSetup *setup, const RsMediaInfo *info)
{
    for (int i = 0; i < e->n; i++) {
        AState *st = &e->st[i];
        st->a = setup[i].analyzer;
        st->ctx.opts = setup[i].opts;
        st->ctx.info = info;
        e->needs |= st->a->needs;
        while (st->a->series && st->a->series[st->nb_series].name)
            st->nb_series++;
        st->row = calloc((size_t)st->nb_series + 1, sizeof(*st->row));
        st->data = calloc((size_t)st->nb_series + 1, sizeof(*st->data));
        if (st->a->priv_size)
            st->ctx.priv = calloc(1, st->a->priv_size);
        if (!st->row || !st->data || (st->a->priv_size && !st->ctx.priv))
            return RS_ENOMEM;
        if (st->a->init) {
            int ret = st->a->init(&st->ctx);
            if (ret < 0)
                return ret;
        }
        st->initialised = 1;
    }
    return 0;
}

/* Move each analyzer's series and summary into the result. */
static int collect(Engine *e, RsAnalyzerSetup *setup, RsClipAnalysis *out)
{
    out->results = calloc((size_t)e->n, sizeof(*out->results));
    if (!out->results)
        return RS_ENOMEM;
    out->nb_results = e->n;
    for (int i = 0; i < e->n; i++) {
        AState *st = &e->st[i];
        RsAnalyzerResult *r = &out->results[i];
        r->analyzer = st->a;
        r->params_json = rs_options_json(st->a->options, setup[i].opts);
        RsJson j = { 0 };
        rs_json_begin_object(&j, NULL);
        if (st->a->finish) {
            int ret = st->a->finish(&st->ctx, &j);
            if (ret < 0) {
                rs_strbuf_free(&j.buf);
                return ret;
            }
        }
        rs_json_end_object(&j);
        r->summary_json = rs_json_take(&j);
        r->series = calloc((size_t)st->nb_series + 1, sizeof(*r->series));
        if (!r->params_json || !r->summary_json || !r->series)
            return RS_ENOMEM;
        r->nb_series = st->nb_series;
        for (int k = 0; k < st->nb_series; k++) {
            r->series[k].desc = &st->a->series[k];
            r->series[k].count = st->count;
            r->series[k].data = st->data[k];
            st->data[k] = NULL;
        }
    }
    return 0;
}

static int push_pts(RsClipAnalysis *out, int64_t *cap, int64_t pts)
{
    if (out->frames == *cap) {
        int64_t c = *cap ? *cap * 2 : 1024;
        int64_t *p = realloc(out->pts, (size_t)c * sizeof(*p));
        if (!p)
            return RS_ENOMEM;
        out->pts = p;
        *cap = c;
    }
    out->pts[out->frames++] = pts;
    return 0;
}

static int64_t expected_frames(const RsMediaInfo *info)
{
    if (!info->nb_video)
        return 0;
    const RsVideoInfo *v = &info->video[0];
    if (v->frame_count > 0)
        return v->frame_count;
    if (v->duration_ts > 0 && v->frame_rate.num > 0 && v->time_base.den > 0)
        return v->duration_ts * v->time_base.num * v->frame_rate.num /
               (v->time_base.den * v->frame_rate.den);
    return 0;
}

int rs_engine_analyze(const char *path, const RsEngineSettings *s, RsClipAnalysis **pout)
{
    RsEngineSettings defaults;
    if (!s) {
        rs_engine_default_settings(&defaults);
        s = &defaults;
    }
    RsAnalyzerSetup *setup = NULL;
    int nsetup = 0;
    int ret = rs_engine_setup(s, &setup, &nsetup);
    if (ret < 0)
        return ret;

    Engine e = { .s = s, .n = nsetup };
    RsDecoder *dec = NULL;
    RsClipAnalysis *out = calloc(1, sizeof(*out));
    pthread_t threads[16];
    int nthreads = 0;
    int64_t pts_cap = 0;
    const RsMediaInfo *info = NULL;

    e.st = calloc((size_t)nsetup, sizeof(*e.st));
    if (!out || !e.st) {
        ret = RS_ENOMEM;
        goto end;
    }
    for (int i = 0; i < nsetup; i++)
        e.needs |= setup[i].analyzer->needs;

    RsDecoderSettings ds;
    rs_decoder_default_settings(&ds);
    ds.threads = s->decode_threads;
    ds.audio = !!(e.needs & RS_NEED_AUDIO);
    /* Sound-only analyzers do not pay for decoding pictures. */
    ds.video = !!(e.needs & (RS_NEED_LUMA | RS_NEED_CHROMA | RS_NEED_REDUCED));
    if ((ret = rs_decoder_open(&dec, path, &ds, &info)) < 0)
        goto end;
    if ((ret = init_states(&e, setup, info)) < 0)
        goto end;
    const int64_t total = expected_frames(info);

    pthread_mutex_init(&e.lock, NULL);
    pthread_cond_init(&e.work, NULL);
    pthread_cond_init(&e.room, NULL);
    int want = s->threads < 0 ? 0 : s->threads > 16 ? 16 : s->threads;
    for (; nthreads < want; nthreads++)
        if (pthread_create(&threads[nthreads], NULL, worker, &e))
            break;

    for (;;) {
        if (s->cancel && *s->cancel) {
            ret = rs_error(RS_EINTR, "%s: analysis cancelled", path);
            break;
        }
        RsMediaEvent ev;
        ret = rs_decoder_read(dec, &ev);
        if (ret <= 0)
            break;
        int64_t idx = e.produced;
        Slot *sl = &e.ring[idx % RING];
        if (nthreads) {
            pthread_mutex_lock(&e.lock);
            while (!e.error && slowest(&e) <= idx - RING)
                pthread_cond_wait(&e.room, &e.lock);
            int err = e.error;
            pthread_mutex_unlock(&e.lock);
            if (err) {
                ret = err;
                break;
            }
        }
        ret = ev.type == RS_EVENT_VIDEO ? prepare_video(&e, sl, ev.video) : prepare_audio(sl, ev.audio);
        if (ret < 0)
            break;
        if (ev.type == RS_EVENT_VIDEO) {
            if ((ret = push_pts(out, &pts_cap, ev.video->pts)) < 0)
                break;
            out->time_base = ev.video->time_base;
        }
        if (nthreads) {
            pthread_mutex_lock(&e.lock);
            e.produced++;
            pthread_cond_broadcast(&e.work);
            pthread_mutex_unlock(&e.lock);
        } else {
            e.produced++;
            for (int i = 0; i < e.n && ret >= 0; i++) {
                ret = process(&e.st[i], sl);
                e.st[i].next++;
            }
            if (ret < 0)
                break;
        }
        if (s->progress && ev.type == RS_EVENT_VIDEO)
            s->progress(s->progress_opaque, out->frames, total);
    }

    pthread_mutex_lock(&e.lock);
    e.done = 1;
    if (ret < 0 && !e.error)
        e.error = ret;
    pthread_cond_broadcast(&e.work);
    pthread_mutex_unlock(&e.lock);
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    if (e.error)
        ret = e.error;
    pthread_mutex_destroy(&e.lock);
    pthread_cond_destroy(&e.work);
    pthread_cond_destroy(&e.room);

    if (ret >= 0) {
        rs_decoder_stats(dec, &out->decode);
        if (out->frames == 0 && info->nb_video && ds.video)
            ret = rs_error(RS_EMEDIA, "%s: no video frame could be decoded", path);
        else
            ret = collect(&e, setup, out);
    }
end:
    if (e.st) {
        for (int i = 0; i < e.n; i++) {
            AState *st = &e.st[i];
            if (st->initialised && st->a->close)
                st->a->close(&st->ctx);
            free(st->ctx.priv);
            free(st->row);
            for (int k = 0; k < st->nb_series && st->data; k++)
                free(st->data[k]);
            free(st->data);
        }
        free(e.st);
    }
    for (int i = 0; i < RING; i++) {
        for (int b = 0; b < 6; b++)
            free(e.ring[i].buf[b]);
        free(e.ring[i].samples);
    }
    rs_decoder_close(&dec);
    rs_engine_setup_free(&setup, nsetup);
    if (ret < 0) {
        rs_clip_analysis_free(&out);
        return ret;
    }
    *pout = out;
    return 0;
}
