/*
 * rushes: a small media writer. It turns planar YUV frames (8-bit 4:2:0 by
 * default; 4:2:2, 4:4:4 and 9..16-bit samples on request) and planar float
 * audio into a MOV, MP4, MKV or WAV file, with the tags a camera or a sound
 * recorder would write: start timecode (a tmcd track in MOV), reel name,
 * camera make/model, colour tags, and for WAV a BWF bext chunk whose time
 * reference is the start time of day in samples since midnight. It also
 * writes numbered picture sequences: a path with a printf frame number
 * ("shot_%06d.png", "shot_%06d.exr"), first file number 0, as 16-bit RGB
 * PNG (video_codec "png") or half-float RGB OpenEXR ("exr", ZIP
 * compression), the YUV converted with the colour tags' matrix and range.
 *
 * It exists for the demo shoot day, for tests that need media with known
 * content and for the clean-up's renders; it is not a transcoder (no
 * scaling, one video and one audio stream at most). The container follows
 * the file extension.
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
                                  * than prores_ks), "dnxhd" (DNxHR HQ), "ffv1"; for a
                                  * numbered sequence "png" or "exr" */
    int width, height;           /* input and output size, at least 16x16 and even,
                                  * except: ffv1, png and exr take odd sizes too,
                                  * ProRes an odd height, and ProRes 4444 an odd
                                  * width (4:2:2 ProRes loses an odd width's chroma) */
    RsRational frame_rate;       /* e.g. {24000, 1001}; default {24, 1} */
    RsRational sar;              /* sample aspect ratio; {0, 0} (default) writes 1:1 */
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
    /* The input's chroma layout, said another way: 420, 422 (chroma at half
     * width, full height) or 444; 0 (default) means 444 with chroma_444 and
     * 420 otherwise. */
    int chroma;
    /* The input's sample depth: 8 (default, uint8_t samples) or 9..16
     * (native-endian uint16_t holding that many bits). ffv1 stores the
     * input's layout and depth as they are (yuv422p10 stays yuv422p10);
     * ProRes is written at 10 bits (4:2:2 or 4:4:4 by profile). */
    int bit_depth;
    /* Colour tags, by FFmpeg's names as RsVideoInfo reports them:
     * color_range "tv" or "pc"; color_space (the matrix) "bt709",
     * "bt470bg", "bt2020nc", ...; color_primaries "bt709", "bt2020", ...;
     * color_trc "bt709", "smpte2084", "arib-std-b67", ...; chroma_location
     * "left", "center", "topleft", ...; "unknown" writes the tag as
     * unspecified. NULL or "" keeps the defaults: limited range, BT.709
     * matrix, primaries and transfer, chroma location unspecified. The range
     * and the matrix also say how the input is to be read when it is
     * converted (to limited range for ProRes and DNxHR, to RGB for
     * sequences). An unknown name is RS_EINVAL. */
    const char *color_range, *color_space, *color_primaries, *color_trc, *chroma_location;

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
 * Start writing path and write its header. Everything is written to a
 * hidden temporary name in path's folder (".rushes-PID-N." and path's own
 * name; for a sequence, each picture's), which rs_encoder_close() moves onto
 * path when the whole output is written: until then a file already at path
 * is left as it was, and a failed or discarded output leaves nothing behind
 * (a process killed while writing leaves its temporary file). On success
 * *out is a new encoder owned by the caller, to be finished with
 * rs_encoder_close() or given up with rs_encoder_discard().
 * Errors: RS_EINVAL (bad settings, unknown extension, a sequence codec
 * without a %d pattern or the other way round), RS_EUNSUP (codec not built
 * into this FFmpeg), RS_ENOENT or RS_EACCES (the file, or the folder of a
 * sequence, cannot be created there), RS_EIO (cannot create or write path).
 * The message names path. On failure nothing is left open or written.
 */
RS_API int rs_encoder_open(RsEncoder **out, const char *path, const RsEncoderSettings *s);

/*
 * Append one frame: planes[0] is Y at width x height, planes[1] and [2] are
 * Cb and Cr at half width and half height (4:2:0; half width and full
 * height for 4:2:2; full width and height with chroma_444 or 444; halves of
 * odd sides round up: 97x65 4:2:0 has 49x33 chroma), with
 * samples of the settings' bit_depth, range and matrix (by default 8 bits,
 * limited range, BT.709), with strides[i] bytes between rows. The data is copied (and converted when
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
 * Flush the codecs, write the trailer, close the file, move it onto the path
 * given to rs_encoder_open() (replacing a file there; for a sequence, each
 * picture), free the encoder and set *e to NULL (NULL is a no-op). Returns
 * 0, or the first error met while writing (including an earlier one from a
 * write call), naming the path; then nothing was moved and the temporary
 * output is removed, but for a sequence whose pictures could not all be
 * moved (RS_EIO: the message says which are in place).
 */
RS_API int rs_encoder_close(RsEncoder **e);

/*
 * Give the output up: close and remove what was written, leaving the path
 * given to rs_encoder_open() as it was; free the encoder and set *e to NULL
 * (NULL is a no-op). For a job that fails after it started writing.
 */
RS_API void rs_encoder_discard(RsEncoder **e);

#endif /* RUSHES_ENCODE_H */
