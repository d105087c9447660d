/*
 * rs_media_probe(): what a file holds, from its container header and the
 * first packets FFmpeg reads to be sure of the stream parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/avstring.h>
#include <libavutil/pixdesc.h>

#include "rushes/error.h"
#include "rushes/media.h"
#include "media/input.h"

/* At most this many index timestamps are read to tell CFR from VFR. */
#define VFR_SCAN_MAX 20000

static void set_str(char *dst, size_t cap, const char *s)
{
    av_strlcpy(dst, s ? s : "", cap);
}

static RsRational rs_q(AVRational q)
{
    return (RsRational){ q.num, q.den };
}

static int q_valid(AVRational q)
{
    return q.num > 0 && q.den > 0;
}

/* a and b within rel of each other */
static int q_close(AVRational a, AVRational b, double rel)
{
    double x = av_q2d(a), y = av_q2d(b);
    return x > 0 && y > 0 && (x > y ? x - y : y - x) <= rel * (x > y ? x : y);
}

/*
 * VFR rule. When the container indexes every frame (mov/mp4 build the index
 * from the sample table), the decode timestamps of the first VFR_SCAN_MAX
 * frames decide: the stream is VFR when the largest step between two frames
 * exceeds the smallest by more than one tick or 0.2 %, whichever is larger
 * (the slack absorbs time bases that cannot hold the rate exactly, such as
 * 23.976 fps in 1/600 or 1/1000). Otherwise FFmpeg's two rates decide: VFR
 * when avg_frame_rate (frames over duration) and r_frame_rate (the base rate
 * seen in the timestamps) differ by more than 1 %.
 */
static int stream_is_vfr(AVStream *st)
{
    int n = avformat_index_get_entries_count(st);
    if (n >= 3 && st->nb_frames > 0 && (int64_t)n * 10 >= st->nb_frames * 9) {
        int64_t lo = INT64_MAX, hi = 0;
        const AVIndexEntry *prev = avformat_index_get_entry(st, 0);
        for (int i = 1; i < n && i <= VFR_SCAN_MAX; i++) {
            const AVIndexEntry *e = avformat_index_get_entry(st, i);
            int64_t step = e->timestamp - prev->timestamp;
            prev = e;
            if (step <= 0)
                continue;
            lo = step < lo ? step : lo;
            hi = step > hi ? step : hi;
        }
        if (hi == 0)
            return 0;
        int64_t slack = lo / 500 > 1 ? lo / 500 : 1;
        return hi - lo > slack;
    }
    if (q_valid(st->avg_frame_rate) && q_valid(st->r_frame_rate))
        return !q_close(st->avg_frame_rate, st->r_frame_rate, 0.01);
    return 0;
}

/*
 * Nominal rate: r_frame_rate, the base rate FFmpeg reads from the timestamps
 * (23.976 for a 23.976 clip with dropped frames), unless it is implausible:
 * above 240 fps it is a time base rather than a rate (phone clips report
 * 90000), and at twice the average it is a field rate; then avg_frame_rate.
 */
static RsRational nominal_rate(const AVStream *st)
{
    AVRational r = st->r_frame_rate, a = st->avg_frame_rate;
    int r_ok = q_valid(r) && av_q2d(r) <= 240.0;
    if (r_ok && q_valid(a) && q_close(r, av_mul_q(a, (AVRational){ 2, 1 }), 0.001) &&
        !q_close(r, a, 0.01))
        r_ok = 0;
    if (r_ok)
        return rs_q(r);
    if (q_valid(a))
        return rs_q(a);
    return (RsRational){ 0, 1 };
}

static const char *field_order_name(enum AVFieldOrder f)
{
    switch (f) {
    case AV_FIELD_PROGRESSIVE: return "progressive";
    case AV_FIELD_TT:          return "tt";
    case AV_FIELD_BB:          return "bb";
    case AV_FIELD_TB:          return "tb";
    case AV_FIELD_BT:          return "bt";
    default:                   return "";
    }
}

static void fill_video(const RsMediaInput *in, AVStream *st, RsVideoInfo *v)
{
    const AVCodecParameters *par = st->codecpar;
    v->index = st->index;
    set_str(v->codec, sizeof(v->codec), avcodec_get_name(par->codec_id));
    set_str(v->profile, sizeof(v->profile), avcodec_profile_name(par->codec_id, par->profile));
    set_str(v->pix_fmt, sizeof(v->pix_fmt), av_get_pix_fmt_name(par->format));
    v->width = par->width;
    v->height = par->height;
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(par->format);
    v->bit_depth = desc ? desc->comp[0].depth : par->bits_per_raw_sample;
    v->frame_rate = in->is_sequence ? rs_q(av_inv_q(st->time_base)) : nominal_rate(st);
    v->vfr = in->is_sequence ? 0 : stream_is_vfr(st);
    v->time_base = rs_q(st->time_base);

    AVRational sar = q_valid(st->sample_aspect_ratio) ? st->sample_aspect_ratio
                                                      : par->sample_aspect_ratio;
    if (q_valid(sar))
        av_reduce(&sar.num, &sar.den, sar.num, sar.den, INT32_MAX);
    else
        sar = (AVRational){ 1, 1 };
    v->sar = rs_q(sar);
    v->rotation = rs_media_stream_rotation(st);
    v->start_pts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    v->duration_ts = st->duration != AV_NOPTS_VALUE ? st->duration : -1;

    /* The container's count; image sequences count their files; a constant
     * rate container whose time base is one frame (MXF) counts in frames. */
    if (in->is_sequence)
        v->frame_count = in->seq_count;
    else if (st->nb_frames > 0)
        v->frame_count = st->nb_frames;
    else if (!v->vfr && v->duration_ts > 0 && v->frame_rate.num > 0 &&
             v->time_base.num * v->frame_rate.num == v->time_base.den * v->frame_rate.den)
        v->frame_count = v->duration_ts;
    else
        v->frame_count = -1;

    if (par->color_range != AVCOL_RANGE_UNSPECIFIED)
        set_str(v->color_range, sizeof(v->color_range), av_color_range_name(par->color_range));
    if (par->color_space != AVCOL_SPC_UNSPECIFIED)
        set_str(v->color_space, sizeof(v->color_space), av_color_space_name(par->color_space));
    if (par->color_primaries != AVCOL_PRI_UNSPECIFIED)
        set_str(v->color_primaries, sizeof(v->color_primaries),
                av_color_primaries_name(par->color_primaries));
    if (par->color_trc != AVCOL_TRC_UNSPECIFIED)
        set_str(v->color_trc, sizeof(v->color_trc), av_color_transfer_name(par->color_trc));
    if (par->chroma_location != AVCHROMA_LOC_UNSPECIFIED)
        set_str(v->chroma_location, sizeof(v->chroma_location),
                av_chroma_location_name(par->chroma_location));
    set_str(v->field_order, sizeof(v->field_order), field_order_name(par->field_order));
}

static void fill_audio(AVStream *st, RsAudioInfo *a)
{
    const AVCodecParameters *par = st->codecpar;
    a->index = st->index;
    set_str(a->codec, sizeof(a->codec), avcodec_get_name(par->codec_id));
    a->sample_rate = par->sample_rate;
    a->channels = par->ch_layout.nb_channels;
    av_channel_layout_describe(&par->ch_layout, a->layout, sizeof(a->layout));
    /* PCM has a sample size; lossless codecs carry the source's; lossy ones have none. */
    a->bits_per_sample = av_get_bits_per_sample(par->codec_id);
    const AVCodecDescriptor *cd = avcodec_descriptor_get(par->codec_id);
    if (!a->bits_per_sample && cd && (cd->props & AV_CODEC_PROP_LOSSLESS))
        a->bits_per_sample = par->bits_per_raw_sample;
    a->time_base = rs_q(st->time_base);
    a->start_pts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    a->duration_ts = st->duration != AV_NOPTS_VALUE ? st->duration : -1;
}

static int is_video(const AVStream *st)
{
    return st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
           !(st->disposition & AV_DISPOSITION_ATTACHED_PIC);
}

/* The first key found, looking in the format's tags and then each stream's. */
static const char *find_tag(const AVFormatContext *fmt, const char *const *keys)
{
    for (const char *const *k = keys; *k; k++) {
        const AVDictionaryEntry *e = av_dict_get(fmt->metadata, *k, NULL, 0);
        for (unsigned i = 0; !e && i < fmt->nb_streams; i++)
            e = av_dict_get(fmt->streams[i]->metadata, *k, NULL, 0);
        if (e && e->value[0])
            return e->value;
    }
    return NULL;
}

static void fill_timecode(const AVFormatContext *fmt, int best_video, RsMediaInfo *info)
{
    const AVDictionaryEntry *e = NULL;
    /* The tmcd track (a data stream) is the authority, then the video
     * stream's tag, then the container's, then any other stream's. */
    for (unsigned i = 0; !e && i < fmt->nb_streams; i++)
        if (fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_DATA)
            e = av_dict_get(fmt->streams[i]->metadata, "timecode", NULL, 0);
    if (!e && best_video >= 0)
        e = av_dict_get(fmt->streams[best_video]->metadata, "timecode", NULL, 0);
    if (!e)
        e = av_dict_get(fmt->metadata, "timecode", NULL, 0);
    for (unsigned i = 0; !e && i < fmt->nb_streams; i++)
        e = av_dict_get(fmt->streams[i]->metadata, "timecode", NULL, 0);
    if (!e)
        return;
    set_str(info->start_timecode, sizeof(info->start_timecode), e->value);
    info->tc_drop = strchr(e->value, ';') || strchr(e->value, '.');
}

static void fill_names(const AVFormatContext *fmt, RsMediaInfo *info)
{
    static const char *const reel_keys[] = {
        "reel_name", "reel", "tape_name", "tape", "com.apple.proapps.reel",
        "com.apple.quicktime.reel", NULL,
    };
    static const char *const make_keys[] = {
        "com.apple.quicktime.make", "make", "com.android.manufacturer", NULL,
    };
    static const char *const model_keys[] = {
        "com.apple.quicktime.model", "model", "com.android.model", NULL,
    };
    static const char *const camera_keys[] = {
        "com.apple.proapps.cameraName", "camera", "camera_name", "camera_id",
        "com.apple.quicktime.camera.identifier", NULL,
    };
    set_str(info->reel, sizeof(info->reel), find_tag(fmt, reel_keys));

    /* "make model", unless the model already names the make ("Canon EOS R5"). */
    const char *make = find_tag(fmt, make_keys), *model = find_tag(fmt, model_keys);
    if (model && make && av_strncasecmp(model, make, strlen(make)))
        snprintf(info->camera, sizeof(info->camera), "%s %s", make, model);
    else if (model || make)
        set_str(info->camera, sizeof(info->camera), model ? model : make);
    else
        set_str(info->camera, sizeof(info->camera), find_tag(fmt, camera_keys));

    info->bwf_time_reference = -1;
    const AVDictionaryEntry *e = av_dict_get(fmt->metadata, "time_reference", NULL, 0);
    if (e && e->value[0]) {
        char *end;
        long long v = strtoll(e->value, &end, 10);
        if (!*end && v >= 0)
            info->bwf_time_reference = v;
    }
}

static int add_tag(RsMediaInfo *info, const char *key, const char *value, int stream)
{
    RsTag *t = &info->tags[info->nb_tags];
    t->key = stream < 0 ? av_strdup(key) : av_asprintf("stream:%d:%s", stream, key);
    t->value = av_strdup(value);
    info->nb_tags++;
    return t->key && t->value ? 0 : RS_ENOMEM;
}

static int fill_tags(const AVFormatContext *fmt, RsMediaInfo *info)
{
    int n = av_dict_count(fmt->metadata);
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        n += av_dict_count(fmt->streams[i]->metadata);
    if (!n)
        return 0;
    if (!(info->tags = calloc(n, sizeof(*info->tags))))
        return RS_ENOMEM;
    const AVDictionaryEntry *e = NULL;
    while ((e = av_dict_get(fmt->metadata, "", e, AV_DICT_IGNORE_SUFFIX)))
        if (add_tag(info, e->key, e->value, -1) < 0)
            return RS_ENOMEM;
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        e = NULL;
        while ((e = av_dict_get(fmt->streams[i]->metadata, "", e, AV_DICT_IGNORE_SUFFIX)))
            if (add_tag(info, e->key, e->value, (int)i) < 0)
                return RS_ENOMEM;
    }
    return 0;
}

/* The stream FFmpeg would pick, unless it is cover art; then the first real one. */
static int best_video_stream(AVFormatContext *fmt)
{
    int best = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (best >= 0 && is_video(fmt->streams[best]))
        return best;
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        if (is_video(fmt->streams[i]))
            return (int)i;
    return -1;
}

int rs_media_info_build(const RsMediaInput *in, RsMediaInfo **out)
{
    AVFormatContext *fmt = in->fmt;
    RsMediaInfo *info = calloc(1, sizeof(*info));
    *out = NULL;
    if (!info || !(info->path = strdup(in->path)))
        goto fail;
    set_str(info->format, sizeof(info->format), fmt->iformat->name);
    info->duration_us = fmt->duration != AV_NOPTS_VALUE ? fmt->duration : -1;
    info->bit_rate = fmt->bit_rate > 0 ? fmt->bit_rate : 0;
    info->is_image_sequence = in->is_sequence;

    int nv = 0, na = 0;
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        nv += is_video(fmt->streams[i]);
        na += fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
    }
    if ((nv && !(info->video = calloc(nv, sizeof(*info->video)))) ||
        (na && !(info->audio = calloc(na, sizeof(*info->audio)))))
        goto fail;

    int best = best_video_stream(fmt);
    if (best >= 0)
        fill_video(in, fmt->streams[best], &info->video[info->nb_video++]);
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        AVStream *st = fmt->streams[i];
        if (is_video(st) && (int)i != best)
            fill_video(in, st, &info->video[info->nb_video++]);
        else if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
            fill_audio(st, &info->audio[info->nb_audio++]);
    }

    fill_timecode(fmt, best, info);
    fill_names(fmt, info);
    if (fill_tags(fmt, info) < 0)
        goto fail;
    *out = info;
    return 0;

fail:
    rs_media_info_free(&info);
    return rs_error(RS_ENOMEM, "%s: out of memory while describing the media", in->path);
}

int rs_media_probe(const char *path, RsMediaInfo **out)
{
    if (!out)
        return rs_error(RS_EINVAL, "rs_media_probe: no output pointer");
    *out = NULL;
    RsMediaInput in;
    int r = rs_media_input_open(&in, path, (RsRational){ 24, 1 });
    if (r < 0)
        return r;
    r = rs_media_input_check_complete(&in);
    if (r >= 0)
        r = rs_media_info_build(&in, out);
    rs_media_input_close(&in);
    return r;
}

void rs_media_info_free(RsMediaInfo **pinfo)
{
    RsMediaInfo *info = pinfo ? *pinfo : NULL;
    if (!info)
        return;
    for (int i = 0; i < info->nb_tags; i++) {
        av_free(info->tags[i].key);
        av_free(info->tags[i].value);
    }
    free(info->tags);
    free(info->video);
    free(info->audio);
    free(info->path);
    free(info);
    *pinfo = NULL;
}
