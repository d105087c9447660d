/*
 * A small writer over libavformat/libavcodec: one video and one audio stream,
 * camera, recorder and colour tags, or a numbered picture sequence. Input
 * video is planar YUV (8-bit 4:2:0 unless the settings say otherwise);
 * codecs that want another pixel format get it through swscale, once per
 * frame, which is fine for the demo, test and clean-up media this writer
 * exists for.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "rushes/encode.h"
#include "rushes/error.h"
#include "rushes/log.h"
#include "media/avlog.h"
#include "media/sequence.h"
#include "media/yuv_rgb.h"

#define AUDIO_CHUNK 1024

struct RsEncoder {
    char *path;
    char *tmp;                   /* what is written until close moves it to path */
    int is_seq;
    AVFormatContext *fmt;
    AVCodecContext *venc, *aenc;
    AVStream *vst, *ast;
    AVFrame *vframe, *aframe;
    AVPacket *pkt;
    struct SwsContext *sws;
    AVAudioFifo *fifo;
    float *chunk[8];             /* AUDIO_CHUNK floats per channel, read from the fifo */
    int audio_frame_size;
    int64_t vpts, apts;
    int header_written;
    int error;                   /* first error met; close returns it */
    char errmsg[512];            /* and its message, restored by close */
    enum AVPixelFormat in_fmt;   /* what rs_encoder_write_video() is given */
    int rgb_out;                 /* pictures: RGB made by yuv_rgb, not swscale */
    RsYuvRgb rgb;
    float *row;                  /* three rows of floats: R, G, B */
};

void rs_encoder_default_settings(RsEncoderSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->frame_rate = (RsRational){ 24, 1 };
    s->crf = 20;
    s->preset = "veryfast";
    s->prores_profile = 3;
    s->threads = 2;
    s->bitexact = 1;
    s->sample_rate = 48000;
    s->time_reference = -1;
}

static int av_fail(RsEncoder *e, int averr, const char *what)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(averr, buf, sizeof(buf));
    int code = averr == AVERROR(ENOMEM) ? RS_ENOMEM :
               averr == AVERROR(EIO) || averr == AVERROR(ENOSPC) ? RS_EIO : RS_EMEDIA;
    code = rs_error(code, "%s: %s: %s", e->path, what, buf);
    if (!e->error) {
        e->error = code;
        snprintf(e->errmsg, sizeof(e->errmsg), "%s", rs_error_message());
    }
    return code;
}

static int set_tag(AVDictionary **d, const char *key, const char *value)
{
    if (!value || !*value)
        return 0;
    return av_dict_set(d, key, value, 0);
}

/* Planar YUV of a chroma layout (420, 422, 444) and depth, native-endian; NONE when there is none. */
static enum AVPixelFormat input_pix_fmt(int chroma, int depth)
{
    static const enum AVPixelFormat fmts[3][6] = {
        { AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV420P9, AV_PIX_FMT_YUV420P10, AV_PIX_FMT_YUV420P12,
          AV_PIX_FMT_YUV420P14, AV_PIX_FMT_YUV420P16 },
        { AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUV422P9, AV_PIX_FMT_YUV422P10, AV_PIX_FMT_YUV422P12,
          AV_PIX_FMT_YUV422P14, AV_PIX_FMT_YUV422P16 },
        { AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUV444P9, AV_PIX_FMT_YUV444P10, AV_PIX_FMT_YUV444P12,
          AV_PIX_FMT_YUV444P14, AV_PIX_FMT_YUV444P16 },
    };
    const int row = chroma == 420 ? 0 : chroma == 422 ? 1 : chroma == 444 ? 2 : -1;
    const int col = depth == 8 ? 0 : depth == 9 ? 1 : depth == 10 ? 2 : depth == 12 ? 3 :
                    depth == 14 ? 4 : depth == 16 ? 5 : -1;
    return row < 0 || col < 0 ? AV_PIX_FMT_NONE : fmts[row][col];
}

static int is_sequence_codec(const char *codec)
{
    return !strcmp(codec, "png") || !strcmp(codec, "exr");
}

static enum AVPixelFormat video_pix_fmt(const char *codec, int prores_profile, enum AVPixelFormat in_fmt)
{
    if (!strcmp(codec, "ffv1"))
        return in_fmt;
    if (!strncmp(codec, "prores", 6))
        return prores_profile >= 4 ? AV_PIX_FMT_YUV444P10LE : AV_PIX_FMT_YUV422P10LE;
    if (!strcmp(codec, "dnxhd"))
        return AV_PIX_FMT_YUV422P;
    if (!strcmp(codec, "png"))
        return AV_PIX_FMT_RGB48BE;
    if (!strcmp(codec, "exr"))
        return AV_PIX_FMT_GBRPF32;
    return AV_PIX_FMT_YUV420P;
}

/* One colour tag by FFmpeg's name: NULL or "" gives def; an unknown name is RS_EINVAL. */
static int color_tag(const RsEncoder *e, const char *field, const char *name, int (*from_name)(const char *),
                     int def, int *out)
{
    if (!name || !*name) {
        *out = def;
        return 0;
    }
    /* FFmpeg's tables name the unspecified values too: "unknown", or "unspecified" for the siting. */
    int v = from_name(name);
    if (v < 0 && !strcmp(name, "unknown"))
        v = from_name("unspecified");
    else if (v < 0 && !strcmp(name, "unspecified"))
        v = from_name("unknown");
    if (v < 0)
        return rs_error(RS_EINVAL, "%s: %s \"%s\" is not a colour tag FFmpeg knows", e->path, field, name);
    *out = v;
    return 0;
}

/* The colour tags of the settings, on c; *in_full: the input is full range. */
static int set_colors(const RsEncoder *e, const RsEncoderSettings *s, AVCodecContext *c, int *in_full)
{
    int range = 0, space = 0, prim = 0, trc = 0, loc = 0;
    int ret = color_tag(e, "color_range", s->color_range, av_color_range_from_name, AVCOL_RANGE_MPEG, &range);
    if (ret >= 0)
        ret = color_tag(e, "color_space", s->color_space, av_color_space_from_name, AVCOL_SPC_BT709, &space);
    if (ret >= 0)
        ret = color_tag(e, "color_primaries", s->color_primaries, av_color_primaries_from_name,
                        AVCOL_PRI_BT709, &prim);
    if (ret >= 0)
        ret = color_tag(e, "color_trc", s->color_trc, av_color_transfer_from_name, AVCOL_TRC_BT709, &trc);
    if (ret >= 0)
        ret = color_tag(e, "chroma_location", s->chroma_location, av_chroma_location_from_name,
                        AVCHROMA_LOC_UNSPECIFIED, &loc);
    if (ret < 0)
        return ret;
    *in_full = range == AVCOL_RANGE_JPEG;
    c->color_range = range;
    c->colorspace = space;
    c->color_primaries = prim;
    c->color_trc = trc;
    c->chroma_sample_location = loc;
    return 0;
}

/*
 * Encoders may read the padding right of the picture (SIMD, edge extension);
 * fresh buffers are zeroed so that those bytes never depend on the heap.
 */
static void zero_frame(AVFrame *f)
{
    for (int i = 0; i < AV_NUM_DATA_POINTERS && f->buf[i]; i++)
        memset(f->buf[i]->data, 0, f->buf[i]->size);
}

static int open_video(RsEncoder *e, const RsEncoderSettings *s)
{
    const AVCodec *codec = avcodec_find_encoder_by_name(s->video_codec);
    if (!codec)
        return rs_error(RS_EUNSUP, "%s: video codec \"%s\" is not available", e->path, s->video_codec);
    if (s->width < 16 || s->height < 16)
        return rs_error(RS_EINVAL, "%s: video size %dx%d is under 16x16", e->path, s->width, s->height);
    /* FFV1 stores any size in any chroma layout (its chroma planes are the rounded-up halves),
     * and pictures are RGB. prores_ks codes the 4:2:2 chroma of an odd width wrongly (FFmpeg's
     * 97x64 test pattern came back at 23 dB in Cb, against 50 dB at 96x64 and 47 at 98x64) but
     * 4:4:4 (profile 4) and odd heights well; x264 and DNxHR are written in 4:2:0 or 4:2:2 here
     * and are kept to even sizes. */
    const int odd_ok = !strcmp(s->video_codec, "ffv1") || is_sequence_codec(s->video_codec);
    const int prores = !strncmp(s->video_codec, "prores", 6);
    if (!odd_ok && (prores ? s->prores_profile < 4 && s->width & 1 : (s->width | s->height) & 1))
        return rs_error(RS_EINVAL, "%s: %s takes %s, not %dx%d", e->path, s->video_codec,
                        prores ? "an even width below profile 4 (4444)" : "even sizes", s->width, s->height);
    if (s->frame_rate.num <= 0 || s->frame_rate.den <= 0 || s->frame_rate.num > INT32_MAX ||
        s->frame_rate.den > INT32_MAX)
        return rs_error(RS_EINVAL, "%s: bad frame rate %" PRId64 "/%" PRId64, e->path,
                        s->frame_rate.num, s->frame_rate.den);
    AVRational rate = { (int)s->frame_rate.num, (int)s->frame_rate.den };

    AVCodecContext *c = e->venc = avcodec_alloc_context3(codec);
    if (!c)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    c->width = s->width;
    c->height = s->height;
    c->time_base = av_inv_q(rate);
    c->framerate = rate;
    c->sample_aspect_ratio = (AVRational){ 1, 1 };
    if (s->sar.num > 0 && s->sar.den > 0 && s->sar.num <= INT32_MAX && s->sar.den <= INT32_MAX)
        c->sample_aspect_ratio = (AVRational){ (int)s->sar.num, (int)s->sar.den };
    const int chroma = s->chroma ? s->chroma : s->chroma_444 ? 444 : 420;
    const int depth = s->bit_depth ? s->bit_depth : 8;
    e->in_fmt = input_pix_fmt(chroma, depth);
    if (e->in_fmt == AV_PIX_FMT_NONE)
        return rs_error(RS_EINVAL, "%s: input chroma %d at %d bits (420, 422 or 444 at 8, 9, 10, 12, 14 "
                        "or 16 bits)", e->path, chroma, depth);
    c->pix_fmt = video_pix_fmt(s->video_codec, s->prores_profile, e->in_fmt);
    int in_full, ret = set_colors(e, s, c, &in_full);
    if (ret < 0)
        return ret;
    /* ProRes and DNxHR hold limited range only; pictures are RGB at full range. */
    const int rgb_out = is_sequence_codec(s->video_codec), in_space = c->colorspace;
    int out_full = in_full;
    if (!strncmp(s->video_codec, "prores", 6) || !strcmp(s->video_codec, "dnxhd")) {
        out_full = 0;
        if (c->color_range == AVCOL_RANGE_JPEG)
            c->color_range = AVCOL_RANGE_MPEG;
    } else if (rgb_out) {
        out_full = 1;
        c->color_range = AVCOL_RANGE_JPEG;
        c->colorspace = AVCOL_SPC_RGB;
    }
    c->gop_size = s->gop > 0 ? s->gop : (rate.num + rate.den / 2) / rate.den;
    c->thread_count = s->threads;
    if (s->bitexact)
        c->flags |= AV_CODEC_FLAG_BITEXACT;
    if (e->fmt->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

    if (!strcmp(s->video_codec, "libx264")) {
        /* Frame threads rather than slices: better pictures, and the output
         * still depends only on the thread count, which the settings fix. */
        c->thread_type = FF_THREAD_FRAME;
        av_opt_set(c->priv_data, "preset", s->preset ? s->preset : "veryfast", 0);
        av_opt_set_int(c->priv_data, "crf", s->crf, 0);
        /* x264's AVX-512 macroblock-tree code gave different bytes for the
         * same input depending on what the process did before; the
         * CPU-independent paths are exact, and the same on every machine. */
        if (s->bitexact)
            av_opt_set(c->priv_data, "x264-params", "cpu-independent=1", 0);
    } else if (!strncmp(s->video_codec, "prores", 6)) {
        c->profile = s->prores_profile;
        av_opt_set(c->priv_data, "vendor", "apl0", 0);
    } else if (!strcmp(s->video_codec, "dnxhd")) {
        /* DNxHR takes any frame size; the DNxHD profiles need broadcast sizes. */
        av_opt_set(c->priv_data, "profile", "dnxhr_hq", 0);
    } else if (!strcmp(s->video_codec, "ffv1")) {
        c->level = 3;
        av_opt_set_int(c->priv_data, "slicecrc", 1, 0);
    } else if (!strcmp(s->video_codec, "exr")) {
        /* Half floats hold 16-bit code values with room to spare; ZIP is lossless and widely read. */
        av_opt_set(c->priv_data, "format", "half", 0);
        av_opt_set(c->priv_data, "compression", "zip16", 0);
    }

    ret = avcodec_open2(c, codec, NULL);
    if (ret < 0)
        return av_fail(e, ret, "cannot open the video encoder");

    AVStream *st = e->vst = avformat_new_stream(e->fmt, NULL);
    if (!st)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    st->time_base = c->time_base;
    /* Matroska takes the display size from the stream's aspect, not the codec's. */
    st->sample_aspect_ratio = c->sample_aspect_ratio;
    st->avg_frame_rate = rate;
    st->r_frame_rate = rate;
    ret = avcodec_parameters_from_context(st->codecpar, c);
    if (ret < 0)
        return av_fail(e, ret, "video stream parameters");
    /* The mov muxer turns a "timecode" tag on the video stream into a tmcd
     * track and writes "reel_name" into that track's source reference. */
    if (set_tag(&st->metadata, "timecode", s->start_timecode) < 0 ||
        set_tag(&st->metadata, "reel_name", s->reel_name) < 0)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);

    e->vframe = av_frame_alloc();
    if (!e->vframe)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    e->vframe->format = c->pix_fmt;
    e->vframe->width = c->width;
    e->vframe->height = c->height;
    e->vframe->color_range = c->color_range;
    e->vframe->colorspace = c->colorspace;
    e->vframe->color_primaries = c->color_primaries;
    e->vframe->color_trc = c->color_trc;
    e->vframe->chroma_location = c->chroma_sample_location;
    ret = av_frame_get_buffer(e->vframe, 0);
    if (ret < 0)
        return av_fail(e, ret, "video frame");
    zero_frame(e->vframe);
    if (rgb_out) {
        const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(e->in_fmt);
        e->rgb_out = 1;
        rs_yuv_rgb_init(&e->rgb, depth, d->log2_chroma_w, d->log2_chroma_h, in_full, in_space,
                        c->chroma_sample_location);
        if (!(e->row = malloc(sizeof(float) * 3 * c->width)))
            return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    } else if (c->pix_fmt != e->in_fmt) {
        e->sws = sws_getContext(c->width, c->height, e->in_fmt, c->width, c->height, c->pix_fmt,
                                SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT, NULL, NULL, NULL);
        if (!e->sws)
            return rs_error(RS_EUNSUP, "%s: no conversion to %s", e->path, av_get_pix_fmt_name(c->pix_fmt));
        /* YUV to YUV: the matrix stays, the range changes where the codec holds limited range only. */
        const int *m = sws_getCoefficients(in_space);
        if (sws_setColorspaceDetails(e->sws, m, in_full, m, out_full, 0, 1 << 16, 1 << 16) < 0)
            return rs_error(RS_EUNSUP, "%s: no conversion from %s range to %s", e->path,
                            in_full ? "full" : "limited", av_get_pix_fmt_name(c->pix_fmt));
    }
    return 0;
}

static int open_audio(RsEncoder *e, const RsEncoderSettings *s)
{
    const char *name = s->audio_codec && *s->audio_codec ? s->audio_codec : "pcm_s24le";
    if (s->audio_channels < 1 || s->audio_channels > 8)
        return rs_error(RS_EINVAL, "%s: %d audio channels (1 to 8 supported)", e->path,
                        s->audio_channels);
    if (s->sample_rate < 8000 || s->sample_rate > 192000)
        return rs_error(RS_EINVAL, "%s: sample rate %d out of range", e->path, s->sample_rate);
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec || !codec->sample_fmts)
        return rs_error(RS_EUNSUP, "%s: audio codec \"%s\" is not available", e->path, name);

    AVCodecContext *c = e->aenc = avcodec_alloc_context3(codec);
    if (!c)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    c->sample_rate = s->sample_rate;
    c->time_base = (AVRational){ 1, s->sample_rate };
    c->sample_fmt = codec->sample_fmts[0];
    av_channel_layout_default(&c->ch_layout, s->audio_channels);
    if (!strcmp(name, "pcm_s24le"))
        c->bits_per_raw_sample = 24;
    if (!strcmp(name, "aac"))
        c->bit_rate = 96000 * s->audio_channels;
    if (s->bitexact)
        c->flags |= AV_CODEC_FLAG_BITEXACT;
    if (e->fmt->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int ret = avcodec_open2(c, codec, NULL);
    if (ret < 0)
        return av_fail(e, ret, "cannot open the audio encoder");

    AVStream *st = e->ast = avformat_new_stream(e->fmt, NULL);
    if (!st)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    st->time_base = c->time_base;
    ret = avcodec_parameters_from_context(st->codecpar, c);
    if (ret < 0)
        return av_fail(e, ret, "audio stream parameters");

    e->audio_frame_size = c->frame_size > 0 ? c->frame_size : AUDIO_CHUNK;
    if (e->audio_frame_size > AUDIO_CHUNK)
        return rs_error(RS_EUNSUP, "%s: audio frame size %d too large", e->path, c->frame_size);
    e->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, s->audio_channels, AUDIO_CHUNK * 4);
    e->aframe = av_frame_alloc();
    if (!e->fifo || !e->aframe)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    for (int ch = 0; ch < s->audio_channels; ch++)
        if (!(e->chunk[ch] = malloc(AUDIO_CHUNK * sizeof(float))))
            return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    return 0;
}

/*
 * A numbered sequence: png or exr pictures, a frame number pattern in the
 * name and a folder to write in, all checked before the first picture.
 */
static int check_sequence(const RsEncoder *e, const RsEncoderSettings *s, int is_seq)
{
    const int seq_codec = is_sequence_codec(s->video_codec);
    if (is_seq && !seq_codec)
        return rs_error(RS_EINVAL, "%s: picture sequences are written as png or exr, not %s", e->path,
                        s->video_codec);
    if (!is_seq && seq_codec)
        return rs_error(RS_EINVAL, "%s: %s pictures are written as a numbered sequence (name_%%06d.%s)",
                        e->path, s->video_codec, s->video_codec);
    if (!is_seq)
        return 0;
    if (av_filename_number_test(e->path) <= 0)
        return rs_error(RS_EINVAL, "%s: a picture sequence needs a frame number in its name, e.g. name_%%06d.%s",
                        e->path, s->video_codec);
    char dir[4096];
    const char *slash = strrchr(e->path, '/');
    if (slash && (size_t)(slash - e->path) >= sizeof(dir))
        return rs_error(RS_EINVAL, "%s: path too long", e->path);
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - e->path) + 1 : 1, slash ? e->path : ".");
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return rs_error(RS_ENOENT, "%s: the folder %s does not exist", e->path, dir);
    if (access(dir, W_OK) < 0)
        return rs_error(errno == EACCES || errno == EROFS ? RS_EACCES : RS_EIO, "%s: the folder %s is not writable",
                        e->path, dir);
    return 0;
}

static int open_file(RsEncoder *e, const RsEncoderSettings *s)
{
    int ret = avformat_alloc_output_context2(&e->fmt, NULL, NULL, e->path);
    if (ret < 0 || !e->fmt)
        return rs_error(RS_EINVAL, "%s: no container for this file extension "
                        "(use .mov, .mp4, .mkv, .wav, or name_%%06d.png / .exr)", e->path);
    const char *muxer = e->fmt->oformat->name;
    int is_wav = !strcmp(muxer, "wav");
    int is_mov = !strcmp(muxer, "mov") || !strcmp(muxer, "mp4");
    int is_seq = e->is_seq = !strcmp(muxer, "image2");
    /* The muxer was chosen by the final name; it writes the temporary one. */
    av_free(e->fmt->url);
    if (!(e->fmt->url = av_strdup(e->tmp)))
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    if (s->bitexact)
        e->fmt->flags |= AVFMT_FLAG_BITEXACT;

    if (s->video_codec && *s->video_codec) {
        if (is_wav)
            return rs_error(RS_EINVAL, "%s: a WAV file cannot hold video", e->path);
        if ((ret = check_sequence(e, s, is_seq)) < 0)
            return ret;
        if ((ret = open_video(e, s)) < 0)
            return ret;
    }
    if (s->audio_channels > 0 && (ret = open_audio(e, s)) < 0)
        return ret;
    if (!e->venc && !e->aenc)
        return rs_error(RS_EINVAL, "%s: neither video nor audio requested", e->path);

    AVDictionary **md = &e->fmt->metadata;
    if (set_tag(md, "make", s->camera_make) < 0 || set_tag(md, "model", s->camera_model) < 0 ||
        set_tag(md, "camera_id", s->camera_id) < 0 || set_tag(md, "comment", s->description) < 0)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    if (!is_mov && set_tag(md, "reel_name", s->reel_name) < 0)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    if (!is_mov && !is_wav && set_tag(md, "timecode", s->start_timecode) < 0)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);

    AVDictionary *opts = NULL;
    if (is_mov) {
        /* Without use_metadata_tags the mov muxer drops keys it has no atom
         * for, such as camera_id. */
        av_dict_set(&opts, "movflags", "use_metadata_tags", 0);
    }
    if (is_wav && s->time_reference >= 0) {
        char tr[32];
        snprintf(tr, sizeof(tr), "%" PRId64, s->time_reference);
        av_dict_set(&opts, "write_bext", "1", 0);
        if (av_dict_set(md, "time_reference", tr, 0) < 0 ||
            set_tag(md, "originator", s->camera_make) < 0 ||
            set_tag(md, "description", s->description) < 0 ||
            set_tag(md, "origination_date", s->origination_date) < 0 ||
            set_tag(md, "origination_time", s->origination_time) < 0) {
            av_dict_free(&opts);
            return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
        }
    }

    /* A sequence's muxer opens one file per picture (numbered from 0, as frames are). */
    if (is_seq)
        av_dict_set(&opts, "start_number", "0", 0);
    ret = e->fmt->oformat->flags & AVFMT_NOFILE ? 0 : avio_open(&e->fmt->pb, e->tmp, AVIO_FLAG_WRITE);
    if (ret < 0) {
        av_dict_free(&opts);
        return rs_error(ret == AVERROR(EACCES) ? RS_EACCES : ret == AVERROR(ENOENT) ? RS_ENOENT : RS_EIO,
                        "%s: cannot create: %s", e->path, av_err2str(ret));
    }
    ret = avformat_write_header(e->fmt, &opts);
    av_dict_free(&opts);
    if (ret < 0)
        return av_fail(e, ret, "cannot write the header");
    e->header_written = 1;
    e->pkt = av_packet_alloc();
    if (!e->pkt)
        return rs_error(RS_ENOMEM, "%s: out of memory", e->path);
    return 0;
}

static void encoder_free(RsEncoder *e)
{
    if (e->fmt && e->fmt->pb)
        avio_closep(&e->fmt->pb);
    avformat_free_context(e->fmt);
    avcodec_free_context(&e->venc);
    avcodec_free_context(&e->aenc);
    av_frame_free(&e->vframe);
    free(e->row);
    av_frame_free(&e->aframe);
    av_packet_free(&e->pkt);
    sws_freeContext(e->sws);
    if (e->fifo)
        av_audio_fifo_free(e->fifo);
    for (int ch = 0; ch < 8; ch++)
        free(e->chunk[ch]);
    free(e->path);
    free(e->tmp);
    free(e);
}

/*
 * The temporary name of path: in the same folder (so the move at the end is
 * a rename on one file system), hidden, and marked as rushes' with the
 * process and a counter, so two writers never share one; the name part
 * keeps its extension and, for a sequence, its frame number pattern.
 */
static char *temp_name(const char *path)
{
    static atomic_uint counter;
    const char *slash = strrchr(path, '/');
    const size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    const size_t len = strlen(path) + 64;
    char *t = malloc(len);
    if (t)
        snprintf(t, len, "%.*s.rushes-%ld-%u.%s", (int)dir, path, (long)getpid(),
                 atomic_fetch_add(&counter, 1), path + dir);
    return t;
}

/* Remove what was written to the temporary name. */
static void remove_temp(const RsEncoder *e)
{
    if (!e->is_seq) {
        unlink(e->tmp);
        return;
    }
    char f[4096];
    for (int64_t i = 0; i < e->vpts; i++)
        if (rs_sequence_path(f, sizeof(f), e->tmp, i) >= 0)
            unlink(f);
}

/* Move the finished output into place: the file, or each picture of the sequence. */
static int move_into_place(RsEncoder *e)
{
    if (!e->is_seq) {
        if (rename(e->tmp, e->path) < 0)
            return rs_error(RS_EIO, "%s: cannot move the finished file into place from %s: %s", e->path, e->tmp,
                            strerror(errno));
        return 0;
    }
    char from[4096], to[4096];
    for (int64_t i = 0; i < e->vpts; i++) {
        if (rs_sequence_path(from, sizeof(from), e->tmp, i) < 0 || rs_sequence_path(to, sizeof(to), e->path, i) < 0)
            return rs_error(RS_EINVAL, "%s: no file name for picture %" PRId64, e->path, i);
        if (rename(from, to) < 0)
            return rs_error(RS_EIO, "%s: cannot move picture %" PRId64 " into place (%s -> %s): %s; pictures "
                            "0-%" PRId64 " are in place", e->path, i, from, to, strerror(errno), i - 1);
    }
    return 0;
}

int rs_encoder_open(RsEncoder **out, const char *path, const RsEncoderSettings *s)
{
    *out = NULL;
    if (!path || !*path || !s)
        return rs_error(RS_EINVAL, "rs_encoder_open: no output path or settings");
    rs_media_av_init();
    RsEncoder *e = calloc(1, sizeof(*e));
    if (!e || !(e->path = strdup(path)) || !(e->tmp = temp_name(path))) {
        if (e)
            free(e->path);
        free(e);
        return rs_error(RS_ENOMEM, "%s: out of memory", path);
    }
    int ret = open_file(e, s);
    if (ret < 0) {
        if (e->fmt && e->fmt->pb)
            avio_closep(&e->fmt->pb);
        remove_temp(e);
        encoder_free(e);
        return ret;
    }
    *out = e;
    return 0;
}

/* Send one frame (NULL flushes) and write every packet the codec returns. */
static int encode(RsEncoder *e, AVCodecContext *c, AVStream *st, AVFrame *frame)
{
    int ret = avcodec_send_frame(c, frame);
    if (ret < 0)
        return av_fail(e, ret, "encoding failed");
    for (;;) {
        ret = avcodec_receive_packet(c, e->pkt);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0)
            return av_fail(e, ret, "encoding failed");
        av_packet_rescale_ts(e->pkt, c->time_base, st->time_base);
        e->pkt->stream_index = st->index;
        ret = av_interleaved_write_frame(e->fmt, e->pkt);
        if (ret < 0)
            return av_fail(e, ret, "writing failed");
    }
}

int rs_encoder_write_video(RsEncoder *e, const uint8_t *const planes[3], const ptrdiff_t strides[3])
{
    if (e->error)
        return e->error;
    if (!e->venc)
        return rs_error(RS_EINVAL, "%s: the file has no video stream", e->path);
    AVFrame *f = e->vframe;
    /* The codec may still hold the previous buffer (frame threads); this
     * gives a fresh one in that case instead of writing under it. */
    uint8_t *before = f->data[0];
    int ret = av_frame_make_writable(f);
    if (ret < 0)
        return av_fail(e, ret, "video frame");
    if (f->data[0] != before)
        zero_frame(f);
    if (e->sws) {
        const int src_stride[4] = { (int)strides[0], (int)strides[1], (int)strides[2], 0 };
        const uint8_t *src[4] = { planes[0], planes[1], planes[2], NULL };
        sws_scale(e->sws, src, src_stride, 0, f->height, f->data, f->linesize);
    } else if (e->rgb_out) {
        const int w = f->width;
        float *r = e->row, *g = r + w, *b = g + w;
        for (int y = 0; y < f->height; y++) {
            rs_yuv_rgb_row(&e->rgb, planes, strides, w, f->height, y, r, g, b);
            if (f->format == AV_PIX_FMT_GBRPF32) {
                memcpy(f->data[0] + (ptrdiff_t)y * f->linesize[0], g, sizeof(float) * w);
                memcpy(f->data[1] + (ptrdiff_t)y * f->linesize[1], b, sizeof(float) * w);
                memcpy(f->data[2] + (ptrdiff_t)y * f->linesize[2], r, sizeof(float) * w);
                continue;
            }
            /* RGB48BE: big-endian 16-bit R, G, B. */
            uint8_t *o = f->data[0] + (ptrdiff_t)y * f->linesize[0];
            for (int x = 0; x < w; x++) {
                const float v[3] = { r[x], g[x], b[x] };
                for (int k = 0; k < 3; k++, o += 2) {
                    const int q = (int)lrintf(v[k] * 65535.0f);
                    o[0] = (uint8_t)(q >> 8);
                    o[1] = (uint8_t)q;
                }
            }
        }
    } else {
        const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(e->in_fmt);
        const int bps = d->comp[0].depth > 8 ? 2 : 1;
        for (int p = 0; p < 3; p++) {
            int w = p ? AV_CEIL_RSHIFT(f->width, d->log2_chroma_w) : f->width;
            int h = p ? AV_CEIL_RSHIFT(f->height, d->log2_chroma_h) : f->height;
            for (int y = 0; y < h; y++)
                memcpy(f->data[p] + (ptrdiff_t)y * f->linesize[p], planes[p] + y * strides[p], (size_t)w * bps);
        }
    }
    f->pts = e->vpts++;
    return encode(e, e->venc, e->vst, f);
}

static void convert_chunk(RsEncoder *e, AVFrame *f, int n)
{
    int channels = e->aenc->ch_layout.nb_channels;
    enum AVSampleFormat fmt = f->format;
    int planar = av_sample_fmt_is_planar(fmt);
    for (int ch = 0; ch < channels; ch++) {
        const float *src = e->chunk[ch];
        for (int i = 0; i < n; i++) {
            float v = src[i] < -1.0f ? -1.0f : src[i] > 1.0f ? 1.0f : src[i];
            size_t at = planar ? (size_t)i : (size_t)i * channels + ch;
            uint8_t *base = f->data[planar ? ch : 0];
            switch (av_get_packed_sample_fmt(fmt)) {
            case AV_SAMPLE_FMT_S16:
                ((int16_t *)base)[at] = (int16_t)lrintf(v * 32767.0f);
                break;
            case AV_SAMPLE_FMT_S32:
                /* 24-bit codecs take the top 24 bits of an int32. */
                ((int32_t *)base)[at] = (int32_t)lrintf(v * 8388607.0f) * 256;
                break;
            default:
                ((float *)base)[at] = v;
                break;
            }
        }
    }
}

/* Encode whole chunks from the fifo; at the end (flush) also the remainder. */
static int drain_audio(RsEncoder *e, int flush)
{
    AVCodecContext *c = e->aenc;
    while (av_audio_fifo_size(e->fifo) >= e->audio_frame_size ||
           (flush && av_audio_fifo_size(e->fifo) > 0)) {
        int n = FFMIN(av_audio_fifo_size(e->fifo), e->audio_frame_size);
        if (av_audio_fifo_read(e->fifo, (void **)e->chunk, n) != n)
            return av_fail(e, AVERROR_BUG, "audio buffer");
        AVFrame *f = e->aframe;
        av_frame_unref(f);
        f->format = c->sample_fmt;
        f->nb_samples = n;
        f->sample_rate = c->sample_rate;
        int ret = av_channel_layout_copy(&f->ch_layout, &c->ch_layout);
        if (ret >= 0)
            ret = av_frame_get_buffer(f, 0);
        if (ret < 0)
            return av_fail(e, ret, "audio frame");
        convert_chunk(e, f, n);
        f->pts = e->apts;
        e->apts += n;
        if ((ret = encode(e, c, e->ast, f)) < 0)
            return ret;
    }
    return 0;
}

int rs_encoder_write_audio(RsEncoder *e, const float *const *data, int nb_samples)
{
    if (e->error)
        return e->error;
    if (!e->aenc)
        return rs_error(RS_EINVAL, "%s: the file has no audio stream", e->path);
    if (nb_samples <= 0)
        return 0;
    /* The fifo only reads the samples; its prototype just lacks the const. */
    void *ptrs[8];
    for (int ch = 0; ch < e->aenc->ch_layout.nb_channels; ch++)
        ptrs[ch] = (void *)data[ch];
    int ret = av_audio_fifo_write(e->fifo, ptrs, nb_samples);
    if (ret < nb_samples)
        return av_fail(e, ret < 0 ? ret : AVERROR(ENOMEM), "audio buffer");
    return drain_audio(e, 0);
}

int rs_encoder_close(RsEncoder **pe)
{
    RsEncoder *e = pe ? *pe : NULL;
    if (!e)
        return 0;
    *pe = NULL;
    if (!e->error && e->venc)
        encode(e, e->venc, e->vst, NULL);
    if (!e->error && e->aenc && drain_audio(e, 1) >= 0)
        encode(e, e->aenc, e->ast, NULL);
    if (!e->error && e->header_written) {
        int ret = av_write_trailer(e->fmt);
        if (ret < 0)
            av_fail(e, ret, "cannot finish the file");
    }
    if (e->fmt && e->fmt->pb) {
        int ret = avio_closep(&e->fmt->pb);
        if (ret < 0 && !e->error)
            av_fail(e, ret, "cannot close");
    }
    int err = e->error;
    if (err) {
        remove_temp(e);
        rs_error(err, "%s", e->errmsg); /* the first failure, not a later consequence */
    } else {
        err = move_into_place(e);
        if (err < 0)
            remove_temp(e);
    }
    encoder_free(e);
    return err;
}

void rs_encoder_discard(RsEncoder **pe)
{
    RsEncoder *e = pe ? *pe : NULL;
    if (!e)
        return;
    *pe = NULL;
    if (e->fmt && e->fmt->pb)
        avio_closep(&e->fmt->pb);
    remove_temp(e);
    encoder_free(e);
}
