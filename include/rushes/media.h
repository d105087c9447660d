/*
 * rushes: media probing and decoding. The only public face of FFmpeg's
 * libraries; nothing outside src/media includes libav* headers.
 *
 * Time is integer: timestamps are in the stream's time base, rates are
 * rationals. A video frame number is the 0-based index in presentation
 * order; its PTS is kept beside it (variable frame rate keeps both honest).
 */
#ifndef RUSHES_MEDIA_H
#define RUSHES_MEDIA_H

#include "common.h"

#define RS_MEDIA_NAME_MAX 64

typedef struct RsTag {
    char *key;
    char *value;
} RsTag;

typedef struct RsVideoInfo {
    int index;                      /* stream index in the container */
    char codec[RS_MEDIA_NAME_MAX];  /* "h264", "prores", "dnxhd", ... */
    char profile[RS_MEDIA_NAME_MAX];/* "High", "HQ", "" when none */
    char pix_fmt[RS_MEDIA_NAME_MAX];/* as decoded: "yuv422p10le" */
    int width, height;              /* coded picture size, before rotation */
    int bit_depth;                  /* bits per luma sample */
    RsRational frame_rate;          /* nominal rate; {0,1} when unknown */
    int vfr;                        /* 1 when the timestamps are not evenly spaced */
    RsRational time_base;
    RsRational sar;                 /* sample aspect ratio; {1,1} when unset */
    int rotation;                   /* display rotation, degrees clockwise: 0, 90, 180, 270 */
    int64_t start_pts;              /* first PTS, time_base units */
    int64_t duration_ts;            /* time_base units, -1 when unknown */
    int64_t frame_count;            /* from the container index, -1 when unknown */
    char color_range[16];           /* "tv", "pc", "" */
    char color_space[32];
    char color_primaries[32];
    char color_trc[32];
    char field_order[16];           /* "progressive", "tt", "bb", "tb", "bt", "" */
} RsVideoInfo;

typedef struct RsAudioInfo {
    int index;
    char codec[RS_MEDIA_NAME_MAX];
    int sample_rate;
    int channels;
    char layout[RS_MEDIA_NAME_MAX];  /* "stereo", "5.1", "8 channels" */
    int bits_per_sample;             /* 0 when not meaningful (compressed) */
    RsRational time_base;
    int64_t start_pts;
    int64_t duration_ts;             /* -1 when unknown */
} RsAudioInfo;

typedef struct RsMediaInfo {
    char *path;
    char format[RS_MEDIA_NAME_MAX];  /* demuxer short name: "mov,mp4,m4a,3gp,3g2,mj2", "wav" */
    int64_t duration_us;             /* container duration in microseconds, -1 unknown */
    int64_t bit_rate;                /* bits/s, 0 unknown */
    int is_image_sequence;
    int nb_video, nb_audio;
    RsVideoInfo *video;              /* nb_video entries; video[0] is the best stream */
    RsAudioInfo *audio;              /* nb_audio entries */

    /* Start timecode as written in the file (tmcd track, stream or format
     * metadata), "" when none; tc_drop is 1 when written with ';'. */
    char start_timecode[16];
    int tc_drop;
    /* BWF bext time reference: samples since midnight, -1 when none. */
    int64_t bwf_time_reference;
    char reel[RS_MEDIA_NAME_MAX];    /* reel/roll/tape name from metadata, "" when none */
    char camera[RS_MEDIA_NAME_MAX];  /* camera make/model or id from metadata, "" when none */

    int nb_tags;                     /* every container and stream tag, "stream:N:" prefixed */
    RsTag *tags;
} RsMediaInfo;

/*
 * Read the container header (and the first packets where the container needs
 * that to be sure) of path. An image sequence is named by a printf pattern
 * ("shot_%06d.exr") or by a folder holding one numbered sequence.
 * On success *out is a new RsMediaInfo owned by the caller (rs_media_info_free).
 * Errors: RS_ENOENT, RS_EACCES, RS_EMEDIA (not media, truncated or corrupt
 * header; the message names the file and the fault). Thread-safe.
 */
RS_API int rs_media_probe(const char *path, RsMediaInfo **out);

/* Free *info and set it to NULL; NULL is a no-op. */
RS_API void rs_media_info_free(RsMediaInfo **info);

/* One image plane. Samples are uint8_t when bytes_per_sample is 1, native-endian uint16_t when 2. */
typedef struct RsPlane {
    const uint8_t *data;
    ptrdiff_t stride;                /* bytes between rows */
    int width, height;
    int bytes_per_sample;
} RsPlane;

typedef struct RsVideoFrame {
    int64_t index;                   /* 0-based, presentation order */
    int64_t pts;                     /* time_base units */
    RsRational time_base;
    int width, height;
    int bit_depth;                   /* 8..16 */
    int full_range;                  /* 1 for full ("pc") range */
    int log2_chroma_w, log2_chroma_h;/* chroma subsampling shifts */
    RsPlane plane[3];                /* Y, Cb, Cr: always planar YUV */
    int key_frame;
    int corrupt;                     /* the decoder flagged this frame as damaged */
} RsVideoFrame;

typedef struct RsAudioBlock {
    int64_t first_sample;            /* index of data[c][0] since the stream's start */
    int64_t pts;                     /* time_base units */
    RsRational time_base;
    int sample_rate;
    int channels;
    int nb_samples;
    const float *const *data;        /* planar float, channels pointers */
} RsAudioBlock;

typedef struct RsDecoderSettings {
    int threads;                     /* decoder threads, 0 = one per core */
    int video;                       /* decode video (default 1) */
    int audio;                       /* decode audio of the best audio stream (default 0) */
    int apply_rotation;              /* rotate frames by the display matrix (default 0) */
    RsRational image_rate;           /* rate for image sequences; default {24,1} */
} RsDecoderSettings;

typedef struct RsDecoder RsDecoder;

typedef enum RsMediaEventType {
    RS_EVENT_VIDEO = 1,
    RS_EVENT_AUDIO = 2,
} RsMediaEventType;

typedef struct RsMediaEvent {
    RsMediaEventType type;
    const RsVideoFrame *video;       /* valid until the next rs_decoder_read() */
    const RsAudioBlock *audio;
} RsMediaEvent;

typedef struct RsDecodeStats {
    int64_t video_frames;            /* frames returned */
    int64_t audio_samples;           /* samples per channel returned */
    int64_t decode_errors;           /* packets the decoder rejected */
    int64_t corrupt_frames;          /* frames returned with the corrupt flag */
    int truncated;                   /* the stream ended before its declared end */
} RsDecodeStats;

RS_API void rs_decoder_default_settings(RsDecoderSettings *s);

/*
 * Open path for decoding. On success *out owns the file until
 * rs_decoder_close(). Errors as rs_media_probe, plus RS_EUNSUP when no
 * decoder exists for the codec. info, if not NULL, receives a borrowed
 * pointer to the decoder's own RsMediaInfo, valid until close.
 */
RS_API int rs_decoder_open(RsDecoder **out, const char *path, const RsDecoderSettings *s,
                           const RsMediaInfo **info);

/*
 * Decode until the next video frame or audio block. Returns 1 and fills *ev,
 * 0 at the end of the media, or a negative code. Damaged packets do not end
 * decoding: they are counted in the stats and decoding goes on, so a clip with
 * a bad patch still yields every frame that can be decoded.
 */
RS_API int rs_decoder_read(RsDecoder *d, RsMediaEvent *ev);

RS_API void rs_decoder_stats(const RsDecoder *d, RsDecodeStats *stats);

/* Close and set *d to NULL; NULL is a no-op. */
RS_API void rs_decoder_close(RsDecoder **d);

#endif /* RUSHES_MEDIA_H */
