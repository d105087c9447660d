/*
 * The decoder: demux, decode (frame and slice threads), and hand out video
 * frames as planar YUV and audio as planar float in packet order. Damage is
 * counted, not fatal: a rejected packet is skipped and decoding goes on.
 */
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/cpu.h>
#include <libswresample/swresample.h>

#include "rushes/error.h"
#include "rushes/log.h"
#include "rushes/media.h"
#include "media/avlog.h"
#include "media/input.h"
#include "media/picture.h"

/* Errors in a row from one decoder before it is treated as drained. */
#define MAX_RECEIVE_ERRORS 64
/* libavcodec's own ceiling for automatic thread counts. */
#define MAX_AUTO_THREADS 16

typedef struct Stream {
    AVStream *st;
    AVCodecContext *ctx;         /* NULL when this kind is not decoded */
    AVFrame *frame;
    int flushed;                 /* the end-of-stream packet was sent */
    int done;                    /* the decoder has nothing more */
    int64_t packets;             /* packets read for this stream */
    int64_t last_end;            /* latest pts + duration seen in a packet */
    int64_t last_pts;            /* pts of the last frame or block returned */
    int64_t last_dur;            /* duration of the last block returned, time_base units */
    int64_t last_dur_pkt;        /* duration of the latest packet read */
} Stream;

struct RsDecoder {
    RsMediaInput in;
    RsMediaInfo *info;
    RsDecoderSettings s;
    AVPacket *pkt;
    Stream v, a;
    Stream *pending;             /* decoder that may hold output */
    Stream *held;                /* pkt was refused (EAGAIN) by this decoder: send again */
    int demux_end;               /* no more packets: flushing */
    int read_error;              /* the demuxer stopped on an error rather than at the end */
    int finished;
    int rotation;

    RsPicture pic;
    RsVideoFrame vf;

    SwrContext *swr;
    int swr_fmt, swr_rate;
    AVChannelLayout swr_layout;
    float **abuf;                /* converted samples, one buffer per channel */
    int abuf_ch, abuf_cap;
    const float **chans;         /* what RsAudioBlock.data points to */
    int chans_cap;
    RsAudioBlock ab;
    int64_t next_sample;

    RsDecodeStats stats;
};

void rs_decoder_default_settings(RsDecoderSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->threads = 0;
    s->video = 1;
    s->audio = 0;
    s->apply_rotation = 0;
    s->image_rate = (RsRational){ 24, 1 };
}

static int open_codec(RsDecoder *d, Stream *s, int index, int threads)
{
    s->st = d->in.fmt->streams[index];
    s->last_end = s->last_pts = AV_NOPTS_VALUE;
    const AVCodecParameters *par = s->st->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec)
        return rs_error(RS_EUNSUP, "%s: no decoder for the %s codec %s", d->in.path,
                        av_get_media_type_string(par->codec_type), avcodec_get_name(par->codec_id));
    if (!(s->ctx = avcodec_alloc_context3(codec)) || !(s->frame = av_frame_alloc()))
        return RS_ENOMEM;
    int r = avcodec_parameters_to_context(s->ctx, par);
    if (r < 0)
        return rs_media_averror(r, d->in.path, "setting up the decoder");
    s->ctx->pkt_timebase = s->st->time_base;
    s->ctx->thread_count = threads;
    s->ctx->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    rs_media_capture_begin();
    r = avcodec_open2(s->ctx, codec, NULL);
    const char *why = rs_media_capture_end();
    if (r < 0) {
        char buf[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(r, buf, sizeof(buf));
        return rs_error(r == AVERROR(ENOMEM) ? RS_ENOMEM : RS_EMEDIA,
                        "%s: cannot open the %s decoder for stream %d (%s)", d->in.path,
                        codec->name, index, why[0] ? why : buf);
    }
    s->st->discard = AVDISCARD_DEFAULT;
    return 0;
}

int rs_decoder_open(RsDecoder **out, const char *path, const RsDecoderSettings *settings,
                    const RsMediaInfo **info)
{
    if (!out)
        return rs_error(RS_EINVAL, "rs_decoder_open: no output pointer");
    *out = NULL;
    if (info)
        *info = NULL;
    RsDecoderSettings s;
    if (settings)
        s = *settings;
    else
        rs_decoder_default_settings(&s);
    if (s.threads < 0)
        return rs_error(RS_EINVAL, "%s: negative decoder thread count %d", path, s.threads);

    RsDecoder *d = calloc(1, sizeof(*d));
    if (!d)
        return RS_ENOMEM;
    d->s = s;
    int r = rs_media_input_open(&d->in, path, s.image_rate);
    if (r < 0) {
        free(d);
        return r;
    }
    /* Unlike rs_media_probe(), a file cut short after its header is opened:
     * what is there is decoded and the shortfall reported as truncated. */
    if ((r = rs_media_info_build(&d->in, &d->info)) < 0)
        goto fail;
    if (!(d->pkt = av_packet_alloc())) {
        r = RS_ENOMEM;
        goto fail;
    }
    /* Packets of streams not decoded are dropped by the demuxer. */
    for (unsigned i = 0; i < d->in.fmt->nb_streams; i++)
        d->in.fmt->streams[i]->discard = AVDISCARD_ALL;

    int threads = s.threads;
    if (!threads)
        threads = av_cpu_count() < MAX_AUTO_THREADS ? av_cpu_count() : MAX_AUTO_THREADS;
    int vindex = -1;
    if (s.video && d->info->nb_video > 0) {
        vindex = d->info->video[0].index;
        if ((r = open_codec(d, &d->v, vindex, threads)) < 0)
            goto fail;
        d->rotation = s.apply_rotation ? d->info->video[0].rotation : 0;
    }
    if (s.audio && d->info->nb_audio > 0) {
        int aindex = av_find_best_stream(d->in.fmt, AVMEDIA_TYPE_AUDIO, -1, vindex, NULL, 0);
        if (aindex < 0)
            aindex = d->info->audio[0].index;
        /* Audio decoders gain nothing from threads. */
        if ((r = open_codec(d, &d->a, aindex, 1)) < 0)
            goto fail;
    }
    *out = d;
    if (info)
        *info = d->info;
    return 0;

fail:
    rs_decoder_close(&d);
    return r;
}

static int video_event(RsDecoder *d, RsMediaEvent *ev)
{
    Stream *s = &d->v;
    AVFrame *f = s->frame;
    RsVideoFrame *vf = &d->vf;
    memset(vf, 0, sizeof(*vf));
    int r = rs_picture_map(&d->pic, f, vf);
    if (r >= 0 && d->rotation)
        r = rs_picture_rotate(&d->pic, vf, d->rotation);
    if (r < 0)
        return r;

    /* A frame without a timestamp follows the previous one by its packet's
     * duration, or else by one frame at the nominal rate, or else one tick. */
    int64_t pts = f->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) {
        int64_t step = f->pkt_duration;
        RsRational rate = d->info->video[0].frame_rate;
        if (step <= 0 && rate.num > 0)
            step = av_rescale_q(1, (AVRational){ (int)rate.den, (int)rate.num }, s->st->time_base);
        if (step <= 0)
            step = 1;
        pts = s->last_pts == AV_NOPTS_VALUE ? d->info->video[0].start_pts : s->last_pts + step;
    }
    s->last_pts = pts;

    vf->index = d->stats.video_frames++;
    vf->pts = pts;
    vf->time_base = (RsRational){ s->st->time_base.num, s->st->time_base.den };
    vf->corrupt = f->decode_error_flags || (f->flags & AV_FRAME_FLAG_CORRUPT);
    d->stats.corrupt_frames += vf->corrupt;
    ev->type = RS_EVENT_VIDEO;
    ev->video = vf;
    return 1;
}

/* Planar float at the native rate through swresample, for formats that are not that already. */
static int audio_convert(RsDecoder *d, AVFrame *f)
{
    int ch = f->ch_layout.nb_channels, n = f->nb_samples;
    if (!d->swr || d->swr_fmt != f->format || d->swr_rate != f->sample_rate ||
        av_channel_layout_compare(&d->swr_layout, &f->ch_layout)) {
        swr_free(&d->swr);
        av_channel_layout_uninit(&d->swr_layout);
        int r = swr_alloc_set_opts2(&d->swr, &f->ch_layout, AV_SAMPLE_FMT_FLTP, f->sample_rate,
                                    &f->ch_layout, f->format, f->sample_rate, 0, NULL);
        if (r >= 0)
            r = swr_init(d->swr);
        if (r >= 0)
            r = av_channel_layout_copy(&d->swr_layout, &f->ch_layout);
        if (r < 0) {
            swr_free(&d->swr);
            return rs_media_averror(r, d->in.path, "setting up the audio conversion");
        }
        d->swr_fmt = f->format;
        d->swr_rate = f->sample_rate;
    }
    if (ch > d->abuf_ch || n > d->abuf_cap) {
        for (int c = 0; c < d->abuf_ch; c++)
            av_freep(&d->abuf[c]);
        av_freep(&d->abuf);
        d->abuf_ch = d->abuf_cap = 0;
        if (!(d->abuf = av_calloc(ch, sizeof(*d->abuf))))
            return RS_ENOMEM;
        d->abuf_ch = ch;
        for (int c = 0; c < ch; c++)
            if (!(d->abuf[c] = av_malloc_array(n, sizeof(float))))
                return RS_ENOMEM;
        d->abuf_cap = n;
    }
    int got = swr_convert(d->swr, (uint8_t **)d->abuf, n, (const uint8_t **)f->extended_data, n);
    if (got < 0)
        return rs_media_averror(got, d->in.path, "converting audio");
    return got;
}

static int audio_event(RsDecoder *d, RsMediaEvent *ev)
{
    Stream *s = &d->a;
    AVFrame *f = s->frame;
    int ch = f->ch_layout.nb_channels, n = f->nb_samples;
    const float *const *src = (const float *const *)f->extended_data;
    if (f->format != AV_SAMPLE_FMT_FLTP) {
        if ((n = audio_convert(d, f)) < 0)
            return n;
        src = (const float *const *)d->abuf;
    }
    if (n == 0)
        return 0;
    if (ch > d->chans_cap) {
        av_freep(&d->chans);
        if (!(d->chans = av_calloc(ch, sizeof(*d->chans))))
            return RS_ENOMEM;
        d->chans_cap = ch;
    }
    for (int c = 0; c < ch; c++)
        d->chans[c] = src[c];

    /* A block without a timestamp follows the previous block. */
    int64_t pts = f->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE)
        pts = s->last_pts != AV_NOPTS_VALUE ? s->last_pts + s->last_dur
            : s->st->start_time != AV_NOPTS_VALUE ? s->st->start_time : 0;
    s->last_pts = pts;
    s->last_dur = av_rescale_q(n, (AVRational){ 1, f->sample_rate }, s->st->time_base);

    RsAudioBlock *b = &d->ab;
    b->first_sample = d->next_sample;
    b->pts = pts;
    b->time_base = (RsRational){ s->st->time_base.num, s->st->time_base.den };
    b->sample_rate = f->sample_rate;
    b->channels = ch;
    b->nb_samples = n;
    b->data = d->chans;
    d->next_sample += n;
    d->stats.audio_samples += n;
    ev->type = RS_EVENT_AUDIO;
    ev->audio = b;
    return 1;
}

/* 1 with an event, 0 when the decoder wants input or has ended, < 0 on a fatal error. */
static int receive(RsDecoder *d, Stream *s, RsMediaEvent *ev)
{
    for (int errors = 0; errors < MAX_RECEIVE_ERRORS;) {
        av_frame_unref(s->frame);
        int r = avcodec_receive_frame(s->ctx, s->frame);
        if (r == AVERROR(EAGAIN))
            return 0;
        if (r == AVERROR_EOF) {
            s->done = 1;
            return 0;
        }
        if (r == AVERROR(ENOMEM))
            return RS_ENOMEM;
        if (r < 0) {
            d->stats.decode_errors++;
            errors++;
            continue;
        }
        if (s == &d->v)
            return video_event(d, ev);
        if (s->frame->nb_samples > 0 && s->frame->ch_layout.nb_channels > 0 &&
            s->frame->sample_rate > 0) {
            if ((r = audio_event(d, ev)) != 0)
                return r;
        }
    }
    return 0;
}

/* 0 when taken (or rejected and counted), 1 when the decoder must be drained first. */
static int send(RsDecoder *d, Stream *s, const AVPacket *pkt)
{
    int r = avcodec_send_packet(s->ctx, pkt);
    if (r == AVERROR(EAGAIN))
        return 1;
    if (r == AVERROR(ENOMEM))
        return RS_ENOMEM;
    if (r < 0 && r != AVERROR_EOF) {
        d->stats.decode_errors++;
        rs_log(RS_LOG_DEBUG, "%s: stream %d: packet at pts %lld rejected by the decoder",
               d->in.path, s->st->index, pkt ? (long long)pkt->pts : -1LL);
    }
    return 0;
}

/*
 * Did stream s end before its declared end? Image sequences know their frame
 * count. Otherwise the end of the last packet read is compared with the
 * stream's declared duration, with a tolerance of 0.1 s or two packets; when
 * the stream has no duration, the container's frame count decides (fewer
 * packets than declared), and when it has none either, the container's
 * duration less 0.5 s (the streams of one file may end a little apart).
 * Timestamps come first because parsers may merge or split packets of a
 * damaged stream, so packet counts alone would call a garbled file
 * truncated. Durations FFmpeg only estimated from the bit rate are not trusted.
 */
static int stream_short(const RsDecoder *d, const Stream *s)
{
    const AVFormatContext *fmt = d->in.fmt;
    const AVStream *st = s->st;
    if (!s->ctx)
        return 0;
    if (d->in.is_sequence)
        return s->packets < d->in.seq_count;
    if (s->packets == 0)
        return st->duration > 0 || st->nb_frames > 0 || fmt->duration > 0;
    if (fmt->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE)
        return 0;
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0 && s->last_end != AV_NOPTS_VALUE) {
        int64_t start = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
        int64_t tol = av_rescale_q(1, (AVRational){ 1, 10 }, st->time_base);
        if (tol < 2 * s->last_dur_pkt)
            tol = 2 * s->last_dur_pkt;
        return s->last_end < start + st->duration - tol;
    }
    if (st->nb_frames > 0)
        return s->packets < st->nb_frames;
    if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0 && s->last_end != AV_NOPTS_VALUE) {
        int64_t start = fmt->start_time != AV_NOPTS_VALUE ? fmt->start_time : 0;
        int64_t end = av_rescale_q(s->last_end, st->time_base, AV_TIME_BASE_Q);
        return end < start + fmt->duration - AV_TIME_BASE / 2;
    }
    return 0;
}

static void finish(RsDecoder *d)
{
    if (d->finished)
        return;
    d->finished = 1;
    d->stats.truncated = d->read_error || stream_short(d, &d->v) || stream_short(d, &d->a);
    if (d->stats.truncated)
        rs_log(RS_LOG_WARNING, "%s: the media ends before its declared end", d->in.path);
}

static void note_packet(Stream *s, const AVPacket *pkt)
{
    s->packets++;
    int64_t t = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
    if (t == AV_NOPTS_VALUE)
        return;
    int64_t end = t + (pkt->duration > 0 ? pkt->duration : 0);
    if (pkt->duration > 0)
        s->last_dur_pkt = pkt->duration;
    if (s->last_end == AV_NOPTS_VALUE || end > s->last_end)
        s->last_end = end;
}

int rs_decoder_read(RsDecoder *d, RsMediaEvent *ev)
{
    memset(ev, 0, sizeof(*ev));
    for (;;) {
        if (d->pending) {
            Stream *s = d->pending;
            int r = receive(d, s, ev);
            if (r != 0)
                return r;
            d->pending = NULL;
            if (s->flushed)
                s->done = 1;
        }
        if (d->held) {
            Stream *s = d->held;
            int r = send(d, s, d->pkt);
            if (r < 0)
                return r;
            if (r == 1)
                d->stats.decode_errors++;  /* refused even when drained: drop it */
            av_packet_unref(d->pkt);
            d->held = NULL;
            d->pending = s;
            continue;
        }
        if (d->demux_end) {
            Stream *s = d->v.ctx && !d->v.done ? &d->v : d->a.ctx && !d->a.done ? &d->a : NULL;
            if (!s) {
                finish(d);
                return 0;
            }
            if (!s->flushed) {
                int r = send(d, s, NULL);
                if (r < 0)
                    return r;
                s->flushed = 1;
            }
            d->pending = s;
            continue;
        }

        int r = av_read_frame(d->in.fmt, d->pkt);
        if (r == AVERROR(ENOMEM))
            return RS_ENOMEM;
        if (r < 0) {
            if (r != AVERROR_EOF) {
                char buf[AV_ERROR_MAX_STRING_SIZE];
                av_strerror(r, buf, sizeof(buf));
                rs_log(RS_LOG_WARNING, "%s: reading stopped early (%s)", d->in.path, buf);
                d->read_error = 1;
            }
            d->demux_end = 1;
            continue;
        }
        Stream *s = d->v.ctx && d->pkt->stream_index == d->v.st->index ? &d->v
                  : d->a.ctx && d->pkt->stream_index == d->a.st->index ? &d->a : NULL;
        if (!s) {
            av_packet_unref(d->pkt);
            continue;
        }
        note_packet(s, d->pkt);
        r = send(d, s, d->pkt);
        if (r < 0) {
            av_packet_unref(d->pkt);
            return r;
        }
        if (r == 1)
            d->held = s;
        else
            av_packet_unref(d->pkt);
        d->pending = s;
    }
}

void rs_decoder_stats(const RsDecoder *d, RsDecodeStats *stats)
{
    *stats = d->stats;
}

static void close_stream(Stream *s)
{
    avcodec_free_context(&s->ctx);
    av_frame_free(&s->frame);
}

void rs_decoder_close(RsDecoder **pd)
{
    RsDecoder *d = pd ? *pd : NULL;
    if (!d)
        return;
    close_stream(&d->v);
    close_stream(&d->a);
    av_packet_free(&d->pkt);
    rs_media_input_close(&d->in);
    rs_media_info_free(&d->info);
    rs_picture_free(&d->pic);
    swr_free(&d->swr);
    av_channel_layout_uninit(&d->swr_layout);
    for (int c = 0; c < d->abuf_ch; c++)
        av_freep(&d->abuf[c]);
    av_freep(&d->abuf);
    av_freep(&d->chans);
    free(d);
    *pd = NULL;
}
