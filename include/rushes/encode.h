/*
 * rushes: a small media writer. It turns planar 8-bit YUV 4:2:0 frames and
 * planar float audio into a MOV, MP4, MKV or WAV file, with the tags a camera
 * or a sound recorder would write: start timecode (a tmcd track in MOV),
 * reel name, camera make/model, and for WAV a BWF bext chunk whose time
 * reference is the start time of day in samples since midnight.
 *
 * It exists for the demo shoot day and for tests that need media with known
 * content; it is not a transcoder (no scaling, one video and one audio
 * stream at most). The container follows the file extension.
 *
 * Threading: one RsEncoder is used from one thread at a time; distinct
 * encoders may run concurrently. Codec threads are internal.
 */
#ifndef RUSHES_ENCODE_H
#define RUSHES_ENCODE_H

#include "common.h"

typedef struct RsEncoderSettings {
    /* Video; video_codec NULL or "" writes an audio-only file (WAV). */
    const char *video_codec;     /* "libx264", "prores_ks", "prores_aw" (about 3x faster
                                  * than prores_ks), "dnxhd" (DNxHR HQ), "ffv1" */
    int width, height;           /* even, input and output size */
    RsRational frame_rate;       /* e.g. {24000, 1001}; default {24, 1} */
    int crf;                     /* libx264 quality, default 20 */
    const char *preset;          /* libx264 preset, default "veryfast" */
    int prores_profile;          /* ProRes 0 proxy .. 3 422 HQ (default) .. 4 4444 */
    int gop;                     /* key frame interval for long-GOP codecs, 0 = one second */
    int threads;                 /* codec threads, 0 = one per core; default 2, so that
                                  * x264 output (which records its thread count) is the
                                  * same on every machine */
    int bitexact;                /* leave library versions and dates out of the file (default 1) */
    /* 1: rs_encoder_write_video() is given 4:4:4 planes (chroma at full
     * size) instead of 4:2:0; ffv1 then stores them as yuv444p, unchanged,
     * and the other codecs convert as they do from 4:2:0. Default 0. */
    int chroma_444;

    /* Tags, each NULL or "" for none. */
    const char *start_timecode;  /* "HH:MM:SS:FF", ';' before FF for drop frame */
    const char *reel_name;       /* MOV: written in the tmcd track; other containers: a tag */
    const char *camera_make;
    const char *camera_model;
    const char *camera_id;       /* camera index / serial, e.g. "A" */
    const char *description;     /* comment tag; BWF bext description in WAV */

    /* Audio; audio_channels 0 writes no audio. */
    int audio_channels;          /* 1..8 */
    int sample_rate;             /* default 48000 */
    const char *audio_codec;     /* "pcm_s16le", "pcm_s24le", "aac"; NULL picks pcm_s24le */
    int64_t time_reference;      /* WAV only: BWF bext time reference, samples since
                                  * midnight; -1 (default) writes no bext chunk */
    const char *origination_date;/* WAV bext "YYYY-MM-DD", NULL = none */
    const char *origination_time;/* WAV bext "HH:MM:SS", NULL = none */
} RsEncoderSettings;

typedef struct RsEncoder RsEncoder;

/* Fill s with the defaults documented above (no video codec, no audio). */
RS_API void rs_encoder_default_settings(RsEncoderSettings *s);

/*
 * Create path (truncating it) and write its header. On success *out is a new
 * encoder owned by the caller, to be finished with rs_encoder_close().
 * Errors: RS_EINVAL (bad settings, unknown extension), RS_EUNSUP (codec not
 * built into this FFmpeg), RS_EIO (cannot create or write path). The message
 * names path. On failure nothing is left open; a partial file may remain.
 */
RS_API int rs_encoder_open(RsEncoder **out, const char *path, const RsEncoderSettings *s);

/*
 * Append one frame: planes[0] is Y at width x height, planes[1] and [2] are
 * Cb and Cr at half width and half height (4:2:0, limited range, BT.709;
 * full width and height with chroma_444),
 * with strides[i] bytes between rows. The data is copied (and converted when
 * the codec needs another pixel format) before returning. Frames are timed
 * at the settings' frame rate from 0. Errors: RS_EINVAL (no video stream),
 * RS_EMEDIA or RS_EIO when encoding or writing fails, naming the path.
 */
RS_API int rs_encoder_write_video(RsEncoder *e, const uint8_t *const planes[3],
                                  const ptrdiff_t strides[3]);

/*
 * Append nb_samples samples per channel: data[c] points at channel c's
 * samples in [-1, 1] (values outside are clipped). Samples are timed from 0
 * at the sample rate. Errors as rs_encoder_write_video.
 */
RS_API int rs_encoder_write_audio(RsEncoder *e, const float *const *data, int nb_samples);

/*
 * Flush the codecs, write the trailer, close the file, free the encoder and
 * set *e to NULL (NULL is a no-op). Returns 0, or the first error met while
 * writing (including an earlier one from a write call), naming the path.
 */
RS_API int rs_encoder_close(RsEncoder **e);

#endif /* RUSHES_ENCODE_H */
