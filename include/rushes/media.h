/*
 * rushes: media probing and decoding. The only public face of FFmpeg's
 * libraries; nothing outside src/media includes libav* headers.
 *
 * Time is integer: timestamps are in the stream's time base, rates are
 * rationals. A video frame number is the 0-based index in presentation
 * order; its PTS is kept beside it (variable frame rate keeps both honest).
 *
 * FFmpeg never prints: its messages go to rs_log() (warnings and errors at
 * RS_LOG_WARNING, the rest at RS_LOG_DEBUG, prefixed "ffmpeg: "), within
 * FFmpeg's own level threshold (av_log_set_level(), INFO by default).
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
    int bit_depth;                  /* bits per luma sample as stored (32 for float EXR) */
    /* Nominal rate: FFmpeg's r_frame_rate (the base rate of the timestamps,
     * 24000/1001 for a 23.976 clip with dropped frames) unless that is above
     * 240 fps (a time base, as phones write) or twice the average (a field
     * rate); then avg_frame_rate. {0,1} when unknown. Image sequences: 24/1. */
    RsRational frame_rate;
    /* 1 when the timestamps are not evenly spaced. Where the container
     * indexes every frame (mov/mp4), the first 20000 decode timestamps decide:
     * VFR when the largest step exceeds the smallest by more than one tick or
     * 0.2 %. Elsewhere VFR when avg_frame_rate and r_frame_rate differ by more
     * than 1 %. Image sequences: 0. */
    int vfr;
    RsRational time_base;
    RsRational sar;                 /* sample aspect ratio; {1,1} when unset */
    /* Display rotation, degrees clockwise: 0, 90, 180, 270. The clockwise turn
     * that shows the picture upright: the negated av_display_rotation_get()
     * of the display matrix, to the nearest quarter turn (ffprobe's
     * "rotation=-90" is 90 here). */
    int rotation;
    int64_t start_pts;              /* first PTS, time_base units; 0 when unknown */
    int64_t duration_ts;            /* time_base units, -1 when unknown */
    /* From the container index (mov/mp4 sample tables); for a constant rate
     * container whose time base is one frame (MXF), the duration; for image
     * sequences the files read (up to the first gap); -1 when unknown (mkv). */
    int64_t frame_count;
    char color_range[16];           /* "tv", "pc", "" */
    char color_space[32];
    char color_primaries[32];
    char color_trc[32];
    char field_order[16];           /* "progressive", "tt", "bb", "tb", "bt", "" */
    /* Chroma sample position, FFmpeg's name: "left" (MPEG-2, H.264 4:2:0),
     * "center", "topleft", ...; "" when the file does not say. */
    char chroma_location[16];
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
    /* nb_video entries; video[0] is the best stream (FFmpeg's choice). Cover
     * art (attached pictures, as in MP3s) is not video and is left out. */
    RsVideoInfo *video;
    RsAudioInfo *audio;              /* nb_audio entries */

    /* Start timecode as written in the file, "" when none. Looked up in
     * order: a data stream's (the tmcd track's) "timecode" tag, the best video
     * stream's, the container's, any other stream's. tc_drop is 1 when written
     * with ';' or '.' (drop frame). */
    char start_timecode[16];
    int tc_drop;
    /* BWF bext time reference ("time_reference" as the wav demuxer exposes
     * it): samples since midnight, -1 when none. */
    int64_t bwf_time_reference;
    /* Reel/roll/tape name, "" when none: the first of the tags "reel_name"
     * (MXF, QuickTime tmcd), "reel", "tape_name", "tape",
     * "com.apple.proapps.reel", "com.apple.quicktime.reel", looked for in the
     * container's tags and then each stream's. */
    char reel[RS_MEDIA_NAME_MAX];
    /* Camera, "" when none: "make model" from com.apple.quicktime.make/model
     * (or "make"/"model", com.android.manufacturer/model; the make is not
     * repeated when the model starts with it), else the first of
     * com.apple.proapps.cameraName, "camera", "camera_name", "camera_id",
     * com.apple.quicktime.camera.identifier. */
    char camera[RS_MEDIA_NAME_MAX];

    /* Every container tag (its own key) and stream tag ("stream:N:key", N the
     * stream index), in FFmpeg's order. */
    int nb_tags;
    RsTag *tags;
} RsMediaInfo;

/*
 * Read the container header (and the first packets where the container needs
 * that to be sure) of path. An image sequence is named by a printf pattern
 * ("shot_%06d.exr": "%d" or "%0Nd" in the file name, "%%" for a literal '%')
 * or by a folder holding one numbered sequence of png, tif, tiff, dpx, exr,
 * jpg or jpeg files (the last run of digits before the extension is the frame
 * number; other files are ignored). The first number is found on disk. The
 * numbers may step by more than one (100, 102, 104 ...: the smallest
 * difference between two numbers is the step); each file is then read as the
 * next frame. The sequence ends at the first number of that step that is
 * missing (a warning names it and what is not read). Probing reports
 * sequences at 24 fps.
 * On success *out is a new RsMediaInfo owned by the caller (rs_media_info_free).
 * Errors, each with a message that names the file and the fault in words:
 * RS_ENOENT (no such file; no file matches the pattern), RS_EACCES,
 * RS_EINVAL (NULL or empty arguments; a pattern image2 cannot read),
 * RS_EMEDIA: empty file, not a regular file, not a media file (no known
 * container format), truncated or corrupt container (the header cannot be
 * read, e.g. "moov atom not found", or the container's index points past the
 * end of the file, as in an mp4 cut short after its header), no audio or
 * video streams, a folder that holds no sequence, several, or one with mixed
 * zero padding. Thread-safe.
 */
RS_API int rs_media_probe(const char *path, RsMediaInfo **out);

/* Free *info and set it to NULL; NULL is a no-op. */
RS_API void rs_media_info_free(RsMediaInfo **info);

/*
 * One image plane. Samples are uint8_t when bytes_per_sample is 1, native-endian
 * uint16_t when 2 (holding bit_depth significant bits, not shifted).
 */
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
    /* Y, Cb, Cr: always planar YUV. A planar YUV picture (8 bits, or 9..16
     * bits in native 16-bit words) is handed out as decoded, never converted,
     * not even its range. Gray pictures come with a constant neutral chroma
     * plane at 4:2:0 (log2_chroma_w/h 1). Anything else (RGB, packed,
     * semi-planar NV12/P010, palette, float) is converted once by swscale to
     * planar YUV 4:4:4 at the source depth (8, 10, 12, 14 or 16 bits; float
     * gives 16) keeping the range: RGB and palette become full range, with
     * the frame's matrix or else BT.709; YUV keeps its own range. */
    RsPlane plane[3];
    int key_frame;
    /* The decoder flagged this frame as damaged (decode_error_flags or
     * AV_FRAME_FLAG_CORRUPT); it is returned all the same. */
    int corrupt;
} RsVideoFrame;

/* A block of decoded audio: one decoded frame, any size up to a few thousand samples. */
typedef struct RsAudioBlock {
    int64_t first_sample;            /* index of data[c][0]: samples returned before it */
    int64_t pts;                     /* time_base units; derived from the previous block when missing */
    RsRational time_base;
    int sample_rate;
    int channels;
    int nb_samples;
    const float *const *data;        /* planar float at the native rate, channels pointers */
} RsAudioBlock;

typedef struct RsDecoderSettings {
    int threads;                     /* video decoder threads (frame and slice), 0 = one per core (at most 16) */
    int video;                       /* decode video (default 1) */
    int audio;                       /* decode audio of the best audio stream (default 0) */
    /* Rotate frames by the display rotation (default 0): planes are turned
     * clockwise by RsVideoInfo.rotation into the decoder's buffers, width and
     * height (and the chroma shifts) swapped for 90 and 270. */
    int apply_rotation;
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
    int64_t decode_errors;           /* packets the decoder rejected, and decode errors it reported */
    int64_t corrupt_frames;          /* frames returned with the corrupt flag */
    /* Set at the end: a decoded stream ended before its declared end. Image
     * sequences: fewer files read than counted. Otherwise the end of the last
     * packet against the stream's declared duration (tolerance 0.1 s or two
     * packets); without one, fewer packets than the container's frame count;
     * without that, the container's duration less 0.5 s. Durations FFmpeg
     * only estimated from the bit rate are not trusted. Reading stopped by an
     * error other than the end of the file also counts. */
    int truncated;
} RsDecodeStats;

RS_API void rs_decoder_default_settings(RsDecoderSettings *s);

/*
 * Open path for decoding. s may be NULL for the defaults. On success *out
 * owns the file until rs_decoder_close(). Errors as rs_media_probe, plus
 * RS_EUNSUP when no decoder exists for the codec and RS_EINVAL for bad
 * settings (negative threads, a non-positive image_rate). One difference: a
 * file whose header is readable but whose data is cut short is opened (probe
 * refuses it): what is there is decoded and stats.truncated reports the rest.
 * Asking for video or audio that the file lacks is not an error; those events
 * simply never come. The best video stream (video[0]) and FFmpeg's best audio
 * stream are decoded. info, if not NULL, receives a borrowed pointer to the
 * decoder's own RsMediaInfo, valid until close. On failure *out (and *info)
 * are NULL.
 */
RS_API int rs_decoder_open(RsDecoder **out, const char *path, const RsDecoderSettings *s,
                           const RsMediaInfo **info);

/*
 * Decode until the next video frame or audio block. Returns 1 and fills *ev,
 * 0 at the end of the media, or a negative code. Damaged packets do not end
 * decoding: they are counted in the stats and decoding goes on, so a clip with
 * a bad patch still yields every frame that can be decoded.
 * Video frames come in presentation order with index 0, 1, 2, ... and the
 * pts of FFmpeg's best_effort_timestamp; a frame without one gets the
 * previous pts plus its packet's duration, or else one frame at the nominal
 * rate (the first such frame gets start_pts). Events come in the order their
 * packets are stored, so audio and video interleave as in the file.
 */
RS_API int rs_decoder_read(RsDecoder *d, RsMediaEvent *ev);

RS_API void rs_decoder_stats(const RsDecoder *d, RsDecodeStats *stats);

/* Close and set *d to NULL; NULL is a no-op. */
RS_API void rs_decoder_close(RsDecoder **d);

#endif /* RUSHES_MEDIA_H */
