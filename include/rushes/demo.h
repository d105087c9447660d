/*
 * rushes: the demo shoot day. rs_demo_generate() films (renders) a small
 * shoot day with known truth, so that a new user can run the whole job on a
 * fresh machine with nothing downloaded, and tests can check every step
 * against the truth:
 *
 *   OUT/day01/A001/       camera A card: H.264 MOV clips with time-of-day
 *                         timecode (tmcd), reel "A001", stereo scratch audio
 *   OUT/day01/B001/       camera B card: ProRes 422 HQ (10-bit) MOV clips
 *   OUT/day01/SCAN_001/   a film scan: sepia, weave, flicker, dust, a scratch
 *   OUT/day01/SOUND_001/  sound recorder: poly BWF WAV, 24-bit 48 kHz, with
 *                         bext time reference, rolling before the cameras
 *   OUT/truth.json        what was planted where (see doc/demo.md)
 *
 * The same seed and settings give byte-identical pictures and sounds; the
 * files are identical too with the same FFmpeg build (codec threads are fixed
 * by the settings, and library versions are left out of the files).
 */
#ifndef RUSHES_DEMO_H
#define RUSHES_DEMO_H

#include "common.h"

/*
 * Progress: output `item` (0-based) of nb_items, `done` of `total` units
 * (frames for clips, blocks for sound files). Called from the calling thread
 * of rs_demo_generate(); return non-zero to cancel (RS_EINTR).
 */
typedef int (*RsDemoProgress)(void *opaque, int item, int nb_items, int64_t done, int64_t total);

typedef struct RsDemoSettings {
    const char *output_dir;      /* created if missing; files in it are overwritten */
    uint32_t seed;               /* default 1 */
    int width, height;           /* even, 160x90 .. 3840x2160; default 1280x720 */
    int take_frames;             /* frames per clip, >= 48; default 96 (4 s) */
    int threads;                 /* codec threads per clip (and plate threads), default 2;
                                  * the H.264 files depend on it (x264), the pictures do not */
    RsDemoProgress progress;     /* may be NULL */
    void *opaque;
} RsDemoSettings;

typedef struct RsDemoReport {
    char *output_dir;
    char *truth_path;            /* OUT/truth.json */
    int nb_clips;                /* video files written */
    int nb_sound_files;          /* WAV files written */
    int64_t video_frames;        /* frames rendered and encoded, all clips */
    int64_t audio_samples;       /* samples per channel written, all files */
} RsDemoReport;

RS_API void rs_demo_default_settings(RsDemoSettings *s);

/*
 * Generate the shoot day into s->output_dir. On success *out (if out is not
 * NULL) receives a report owned by the caller (rs_demo_report_free).
 * Errors: RS_EINVAL (bad settings), RS_EIO / RS_EACCES (cannot create or write
 * a file; the message names it), RS_EUNSUP (an encoder missing from FFmpeg),
 * RS_ENOMEM, RS_EINTR (cancelled by the progress callback). Files already
 * written stay on failure. Not re-entrant on the same folder; thread-safe
 * otherwise.
 */
RS_API int rs_demo_generate(const RsDemoSettings *s, RsDemoReport **out);

/* Free *r and set it to NULL; NULL is a no-op. */
RS_API void rs_demo_report_free(RsDemoReport **r);

#endif /* RUSHES_DEMO_H */
