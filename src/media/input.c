/*
 * Opening media: path checks, image sequences, container probing, and error
 * messages that say in plain words what is wrong with which file.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <libavutil/avstring.h>
#include <libavutil/display.h>

#include "rushes/error.h"
#include "rushes/log.h"
#include "media/avlog.h"
#include "media/input.h"
#include "media/sequence.h"

/* Probe scores at or below this are guesses from a file name or a few bytes. */
#define MIN_PROBE_SCORE AVPROBE_SCORE_RETRY

int rs_media_averror(int averr, const char *path, const char *doing)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(averr, buf, sizeof(buf));
    if (averr == AVERROR(ENOENT))
        return rs_error(RS_ENOENT, "%s: no such file", path);
    if (averr == AVERROR(EACCES) || averr == AVERROR(EPERM))
        return rs_error(RS_EACCES, "%s: permission denied", path);
    if (averr == AVERROR(ENOMEM))
        return rs_error(RS_ENOMEM, "%s: out of memory while %s", path, doing);
    if (averr == AVERROR(EIO))
        return rs_error(RS_EIO, "%s: read error while %s", path, doing);
    return rs_error(RS_EMEDIA, "%s: %s failed (%s)", path, doing, buf);
}

static int errno_error(int e, const char *path)
{
    if (e == ENOENT || e == ENOTDIR)
        return rs_error(RS_ENOENT, "%s: no such file or folder", path);
    if (e == EACCES || e == EPERM)
        return rs_error(RS_EACCES, "%s: permission denied", path);
    return rs_error(RS_EIO, "%s: cannot read (%s)", path, strerror(e));
}

static int has_media_stream(const AVFormatContext *fmt)
{
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        const AVStream *st = fmt->streams[i];
        if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO ||
            (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
             !(st->disposition & AV_DISPOSITION_ATTACHED_PIC)))
            return 1;
    }
    return 0;
}

static int read_stream_info(RsMediaInput *in)
{
    rs_media_capture_begin();
    int r = avformat_find_stream_info(in->fmt, NULL);
    const char *why = rs_media_capture_end();
    if (r == AVERROR(ENOMEM))
        return RS_ENOMEM;
    if (r < 0) {
        char buf[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(r, buf, sizeof(buf));
        return rs_error(RS_EMEDIA, "%s: cannot read the stream parameters (%s)", in->path,
                        why[0] ? why : buf);
    }
    if (!has_media_stream(in->fmt))
        return rs_error(RS_EMEDIA, "%s: no audio or video streams", in->path);
    return 0;
}

static int open_file(RsMediaInput *in)
{
    /* The "file:" prefix keeps a name such as "A001:C002.mov" from being read
     * as a protocol. */
    char *url = av_asprintf("file:%s", in->path);
    if (!url)
        return RS_ENOMEM;
    int r = avio_open(&in->pb, url, AVIO_FLAG_READ);
    if (r < 0) {
        r = rs_media_averror(r, in->path, "opening");
        goto done;
    }
    in->file_size = avio_size(in->pb);

    /* Probing here rather than inside avformat_open_input() tells "no known
     * format" apart from "a known format whose header is broken". */
    const AVInputFormat *ifmt = NULL;
    rs_media_capture_begin();
    r = av_probe_input_buffer2(in->pb, &ifmt, url, NULL, 0, 0);
    rs_media_capture_end();
    if (r == AVERROR_INVALIDDATA || (r >= 0 && r <= MIN_PROBE_SCORE)) {
        r = rs_error(RS_EMEDIA, "%s: not a media file (no known container format)", in->path);
        goto done;
    }
    if (r < 0) {
        r = rs_media_averror(r, in->path, "reading the header");
        goto done;
    }
    if (!strcmp(ifmt->name, "tty")) {
        r = rs_error(RS_EMEDIA, "%s: not a media file (plain text)", in->path);
        goto done;
    }

    if (!(in->fmt = avformat_alloc_context())) {
        r = RS_ENOMEM;
        goto done;
    }
    in->fmt->pb = in->pb;
    rs_media_capture_begin();
    r = avformat_open_input(&in->fmt, url, ifmt, NULL);
    const char *why = rs_media_capture_end();
    if (r < 0) {
        /* avformat_open_input() freed the context on failure. */
        if (r == AVERROR(ENOMEM) || r == AVERROR(EIO)) {
            r = rs_media_averror(r, in->path, "reading the header");
        } else {
            char buf[AV_ERROR_MAX_STRING_SIZE];
            av_strerror(r, buf, sizeof(buf));
            r = rs_error(RS_EMEDIA, "%s: truncated or corrupt container (%s)", in->path,
                         why[0] ? why : buf);
        }
        goto done;
    }
    r = read_stream_info(in);

done:
    av_free(url);
    return r;
}

static int open_sequence(RsMediaInput *in, int is_dir, RsRational rate)
{
    RsSequence seq;
    int r = is_dir ? rs_sequence_from_dir(in->path, &seq) : rs_sequence_from_pattern(in->path, &seq);
    if (r < 0)
        return r;
    /* Files of a stepped sequence are frames one after the other: a scan
     * that kept every second frame plays at the sequence rate, not half. */
    if (seq.step > 1 && seq.count > 1)
        rs_log(RS_LOG_INFO, "%s: the frame numbers step by %lld (%s to %s); each file is read "
               "as the next frame", in->path, (long long)seq.step, seq.first, seq.last);
    /* A missing scan frame is never stepped over: the operator must hear of it. */
    if (seq.count < seq.total)
        rs_log(RS_LOG_WARNING, "%s: frame %lld is missing; %lld frame%s read (%s to %s) "
               "and the %lld frame%s after the gap %s not read", in->path,
               (long long)(seq.start + seq.count * seq.step), (long long)seq.count,
               seq.count > 1 ? "s are" : " is", seq.first, seq.last, (long long)(seq.total - seq.count),
               seq.total - seq.count > 1 ? "s" : "", seq.total - seq.count > 1 ? "are" : "is");
    in->is_sequence = 1;
    in->seq_count = seq.count;

    char rate_str[48];
    snprintf(rate_str, sizeof(rate_str), "%lld/%lld", (long long)rate.num, (long long)rate.den);
    AVDictionary *opts = NULL;
    if (seq.glob) {
        av_dict_set(&opts, "pattern_type", "glob", 0);
    } else {
        av_dict_set(&opts, "pattern_type", "sequence", 0);
        av_dict_set_int(&opts, "start_number", seq.start, 0);
    }
    av_dict_set(&opts, "framerate", rate_str, 0);
    /* glob(3) takes a plain path ("file:" would be read as a folder name);
     * the glob starts with '/' or "./", so no name is taken for a protocol. */
    char *url = seq.glob ? av_strdup(seq.glob) : av_asprintf("file:%s", seq.pattern);
    if (!url) {
        r = RS_ENOMEM;
        goto done;
    }
    rs_media_capture_begin();
    r = avformat_open_input(&in->fmt, url, av_find_input_format("image2"), &opts);
    const char *why = rs_media_capture_end();
    if (r < 0) {
        char buf[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(r, buf, sizeof(buf));
        r = rs_error(r == AVERROR(ENOMEM) ? RS_ENOMEM : RS_EMEDIA,
                     "%s: cannot open the image sequence %s (%s)", in->path, seq.pattern,
                     why[0] ? why : buf);
        goto done;
    }
    r = read_stream_info(in);

done:
    av_free(url);
    av_dict_free(&opts);
    rs_sequence_free(&seq);
    return r;
}

int rs_media_input_open(RsMediaInput *in, const char *path, RsRational image_rate)
{
    memset(in, 0, sizeof(*in));
    in->path = path;
    in->file_size = -1;
    rs_media_av_init();
    if (!path || !path[0])
        return rs_error(RS_EINVAL, "no media path given");
    if (image_rate.num <= 0 || image_rate.den <= 0 || image_rate.num > INT32_MAX ||
        image_rate.den > INT32_MAX)
        return rs_error(RS_EINVAL, "%s: invalid image sequence rate %lld/%lld", path,
                        (long long)image_rate.num, (long long)image_rate.den);

    int r;
    struct stat sb;
    if (stat(path, &sb) < 0) {
        int e = errno;
        if (e == ENOENT && rs_sequence_is_pattern(path))
            r = open_sequence(in, 0, image_rate);
        else
            r = errno_error(e, path);
    } else if (S_ISDIR(sb.st_mode)) {
        r = open_sequence(in, 1, image_rate);
    } else if (!S_ISREG(sb.st_mode)) {
        r = rs_error(RS_EMEDIA, "%s: not a regular file", path);
    } else if (sb.st_size == 0) {
        r = rs_error(RS_EMEDIA, "%s: empty file (0 bytes)", path);
    } else {
        r = open_file(in);
    }
    if (r < 0)
        rs_media_input_close(in);
    return r;
}

void rs_media_input_close(RsMediaInput *in)
{
    avformat_close_input(&in->fmt);
    avio_closep(&in->pb);
}

int rs_media_input_check_complete(const RsMediaInput *in)
{
    if (in->file_size <= 0)
        return 0;
    int64_t end = 0;
    for (unsigned i = 0; i < in->fmt->nb_streams; i++) {
        AVStream *st = in->fmt->streams[i];
        int n = avformat_index_get_entries_count(st);
        for (int k = 0; k < n; k++) {
            const AVIndexEntry *e = avformat_index_get_entry(st, k);
            if (e && e->pos + e->size > end)
                end = e->pos + e->size;
        }
    }
    if (end > in->file_size)
        return rs_error(RS_EMEDIA, "%s: truncated or corrupt container (the file ends at byte "
                        "%lld but its index expects media data up to byte %lld)", in->path,
                        (long long)in->file_size, (long long)end);
    return 0;
}

int rs_media_stream_rotation(const AVStream *st)
{
    size_t size = 0;
    const uint8_t *m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!m || size < 9 * sizeof(int32_t))
        return 0;
    /* av_display_rotation_get() returns the matrix's angle counterclockwise;
     * ffmpeg's own autorotation turns the decoded picture clockwise by the
     * negated angle to show it upright, and so do we. */
    double ccw = av_display_rotation_get((const int32_t *)m);
    if (isnan(ccw))
        return 0;
    long quarter = lround(-ccw / 90.0);
    return (int)(((quarter % 4) + 4) % 4) * 90;
}
