/*
 * The clean job: decode a shot, fill it under its mask, write it losslessly
 * (or as ProRes) with its rate and timecode, and a manifest of what went in
 * and came out.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup/fill.h"
#include "cleanup/manifest.h"
#include "rushes/cleanup.h"
#include "rushes/encode.h"
#include "rushes/error.h"
#include "rushes/media.h"

void rs_clean_job_default(RsCleanJob *job)
{
    memset(job, 0, sizeof(*job));
    job->max_frames = 900;
    rs_clean_default_settings(&job->fill);
}

typedef struct Clip {
    int n, cap, w, h;
    int l2c;                  /* chroma shift, both ways: 1 for 4:2:0, 0 for 4:4:4 */
    uint8_t **buf;            /* per frame: Y, Cb, Cr, mask back to back */
    RsCleanFrame *f;
} Clip;

static void clip_free(Clip *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->buf[i]);
    free(c->buf);
    free(c->f);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcasecmp(s + a - b, suffix);
}

/* Keep a copy of the decoded frame: 8-bit 4:2:0 is what the writer takes unchanged. */
static int keep_frame(Clip *c, const RsVideoFrame *v, const RsCleanJob *job)
{
    if (!c->n)
        c->l2c = v->log2_chroma_w;
    if (v->bit_depth != 8 || v->log2_chroma_w != c->l2c || v->log2_chroma_h != c->l2c || c->l2c > 1)
        return rs_error(RS_EUNSUP, "%s: frame %lld is %d-bit with chroma shifts %d,%d; clean reads 8-bit "
                        "4:2:0 and 4:4:4 only for now", job->input, (long long)v->index, v->bit_depth,
                        v->log2_chroma_w, v->log2_chroma_h);
    if (v->width != c->w || v->height != c->h)
        return rs_error(RS_EUNSUP, "%s: frame %lld is %dx%d, the first frame %dx%d", job->input,
                        (long long)v->index, v->width, v->height, c->w, c->h);
    if (c->n >= job->max_frames)
        return rs_error(RS_ERANGE, "%s: more than %d frames; clean holds a shot in memory (raise max "
                        "frames or cut the shot)", job->input, job->max_frames);
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 64;
        uint8_t **nb = realloc(c->buf, sizeof(*nb) * cap);
        if (!nb)
            return RS_ENOMEM;
        c->buf = nb;
        RsCleanFrame *nf = realloc(c->f, sizeof(*nf) * cap);
        if (!nf)
            return RS_ENOMEM;
        c->f = nf;
        c->cap = cap;
    }
    const int w = c->w, h = c->h, cw = w >> c->l2c, ch = h >> c->l2c;
    const size_t ln = (size_t)w * h, cn = (size_t)cw * ch;
    uint8_t *b = malloc(2 * ln + 2 * cn);
    if (!b)
        return RS_ENOMEM;
    c->buf[c->n] = b;
    RsCleanFrame *f = &c->f[c->n++];
    *f = (RsCleanFrame){ { b, b + ln, b + ln + cn }, { w, cw, cw }, b + ln + 2 * cn, w };
    for (int p = 0; p < 3; p++) {
        const RsPlane *s = &v->plane[p];
        for (int y = 0; y < (p ? ch : h); y++)
            memcpy(f->plane[p] + y * f->stride[p], s->data + y * s->stride, p ? cw : w);
    }
    return 0;
}

static int read_shot(Clip *c, const RsCleanJob *job, char tc[16], RsRational *rate)
{
    RsDecoderSettings ds;
    rs_decoder_default_settings(&ds);
    ds.threads = job->threads;
    RsDecoder *d;
    const RsMediaInfo *info;
    int ret = rs_decoder_open(&d, job->input, &ds, &info);
    if (ret < 0)
        return ret;
    if (!info->nb_video) {
        rs_decoder_close(&d);
        return rs_error(RS_EMEDIA, "%s: no picture to clean", job->input);
    }
    c->w = info->video[0].width;
    c->h = info->video[0].height;
    *rate = info->video[0].frame_rate;
    snprintf(tc, 16, "%s", info->start_timecode);
    if ((c->w | c->h) & 1)
        ret = rs_error(RS_EUNSUP, "%s: %dx%d has an odd side; the writer takes even sizes", job->input, c->w, c->h);
    RsMediaEvent ev;
    while (ret >= 0 && (ret = rs_decoder_read(d, &ev)) > 0)
        if (ev.type == RS_EVENT_VIDEO)
            ret = keep_frame(c, ev.video, job);
    rs_decoder_close(&d);
    if (ret == RS_ENOMEM)
        return rs_error(RS_ENOMEM, "%s: out of memory at frame %d", job->input, c->n);
    if (ret >= 0 && !c->n)
        return rs_error(RS_EMEDIA, "%s: no frame decoded", job->input);
    return ret;
}

static int write_shot(const Clip *c, const RsCleanJob *job, const char *codec, const char *tc, RsRational rate)
{
    RsEncoderSettings es;
    rs_encoder_default_settings(&es);
    es.video_codec = !strcmp(codec, "prores") ? "prores_ks" : "ffv1";
    es.prores_profile = job->prores_profile ? job->prores_profile : 3;
    es.width = c->w;
    es.height = c->h;
    if (rate.num > 0 && rate.den > 0)
        es.frame_rate = rate;
    es.threads = job->threads ? job->threads : 2;
    es.chroma_444 = !c->l2c;
    es.start_timecode = tc;
    RsEncoder *e;
    int ret = rs_encoder_open(&e, job->output, &es);
    for (int t = 0; ret >= 0 && t < c->n; t++) {
        const uint8_t *planes[3] = { c->f[t].plane[0], c->f[t].plane[1], c->f[t].plane[2] };
        ret = rs_encoder_write_video(e, planes, c->f[t].stride);
    }
    int cret = rs_encoder_close(&e);
    return ret < 0 ? ret : cret;
}

/* Deflicker the whole shot in place, before any fill reads it. */
static int deflicker_shot(Clip *c, const RsCleanJob *job, RsDeflickerStats *st)
{
    RsDeflickerSettings s;
    rs_deflicker_default_settings(&s);
    s.window = job->deflicker;
    s.threads = job->fill.threads;
    RsDeflickerFrame *f = malloc(sizeof(*f) * c->n);
    if (!f)
        return rs_error(RS_ENOMEM, "deflicker: out of memory for %d frames", c->n);
    for (int t = 0; t < c->n; t++)
        f[t] = (RsDeflickerFrame){ { c->f[t].plane[0], c->f[t].plane[1], c->f[t].plane[2] },
                                   { c->f[t].stride[0], c->f[t].stride[1], c->f[t].stride[2] } };
    int ret = rs_deflicker_frames(f, c->n, c->w, c->h, 8, c->l2c, c->l2c, &s, st);
    free(f);
    return ret;
}

/* Add the one-frame defects to the masks (the user's mask, if any, stays). */
static int add_dust(Clip *c, int threshold, int64_t *found)
{
    const size_t ln = (size_t)c->w * c->h;
    uint8_t **m = calloc(c->n, sizeof(*m));
    uint8_t *buf = malloc(ln * c->n);
    int ret = !m || !buf ? rs_error(RS_ENOMEM, "dust: out of memory for %d frames", c->n) : 0;
    for (int t = 0; ret >= 0 && t < c->n; t++)
        m[t] = buf + ln * t;
    if (ret >= 0)
        ret = rs_dust_detect(c->f, c->n, c->w, c->h, threshold, m, c->w, found);
    for (int t = 0; ret >= 0 && t < c->n; t++)
        for (size_t i = 0; i < ln; i++)
            ((uint8_t *)c->f[t].mask)[i] |= m[t][i];
    free(buf);
    free(m);
    return ret;
}

int rs_clean_file(const RsCleanJob *job, RsCleanStats *stats)
{
    if (!job || !job->input || (!job->mask && !job->dust && !job->deflicker) || !job->output)
        return rs_error(RS_EINVAL, "clean: the input, the output and a mask, the dust or the deflicker pass are needed");
    if (job->dust < 0 || job->dust > 255)
        return rs_error(RS_EINVAL, "clean: dust threshold %d (1..255, 0 for none)", job->dust);
    const char *codec = job->codec && *job->codec ? job->codec : ends_with(job->output, ".mov") ? "prores" : "ffv1";
    if (strcmp(codec, "ffv1") && strcmp(codec, "prores"))
        return rs_error(RS_EINVAL, "clean: codec '%s' (ffv1 or prores)", codec);
    if (!ends_with(job->output, ".mkv") && !ends_with(job->output, ".mov"))
        return rs_error(RS_EINVAL, "%s: the output is .mkv (FFV1) or .mov (ProRes)", job->output);
    if (job->prores_profile && job->prores_profile != 3 && job->prores_profile != 4)
        return rs_error(RS_EINVAL, "clean: ProRes profile %d (3 422 HQ, 4 4444)", job->prores_profile);
    if (job->max_frames < 1)
        return rs_error(RS_EINVAL, "clean: max_frames %d", job->max_frames);
    RsCleanStats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    Clip c = { 0 };
    char tc[16] = "";
    RsRational rate = { 0, 1 };
    RsMask *mask = NULL;
    RsFillCtx fc = { 0 };
    int ret = read_shot(&c, job, tc, &rate);
    if (ret >= 0 && job->deflicker)
        ret = deflicker_shot(&c, job, &stats->deflicker);
    if (ret >= 0 && job->mask)
        ret = rs_mask_open(&mask, job->mask, c.w, c.h);
    for (int t = 0; ret >= 0 && t < c.n; t++) {
        if (mask)
            ret = rs_mask_render(mask, t, (uint8_t *)c.f[t].mask, c.f[t].mask_stride);
        else
            memset((uint8_t *)c.f[t].mask, 0, (size_t)c.w * c.h);
    }
    rs_mask_close(&mask);
    int64_t dust = 0;
    if (ret >= 0 && job->dust)
        ret = add_dust(&c, job->dust, &dust);
    /* Deflicker alone masks nothing: the flows of the fill would be wasted. */
    const int fill = job->mask || job->dust;
    if (ret >= 0 && fill) {
        ret = rs_fill_prepare(&fc, c.f, c.n, c.w, c.h, c.l2c, c.l2c, &job->fill);
        if (ret == RS_ENOMEM)
            ret = rs_error(RS_ENOMEM, "%s: out of memory for the flow of %d frames", job->input, c.n);
        if (job->progress)
            job->progress(job->opaque, 0, c.n);
    }
    for (int t = 0; ret >= 0 && fill && t < c.n; t++) {
        ret = rs_fill_frame(&fc, t, stats);
        if (job->progress)
            job->progress(job->opaque, t + 1, c.n);
    }
    rs_fill_free(&fc);
    stats->dust = dust;
    if (ret >= 0)
        ret = write_shot(&c, job, codec, tc, rate);
    if (ret >= 0) {
        RsManifestInfo mi = { job, codec, c.n, c.w, c.h, rate, tc, stats };
        ret = rs_clean_write_manifest(&mi);
    }
    clip_free(&c);
    return ret;
}
