/*
 * rushes: removing what should not be in a shot (a boom, a reflection,
 * tracking markers, a wire, a sign) with the shot's own pixels only.
 *
 * Every filled pixel comes from the same shot: from another frame where the
 * background shows, carried along the optical flow (include/rushes/flow.h),
 * or, where no frame shows it, from another part of the same frame
 * (PatchMatch-style patch search). Every pixel outside the mask keeps its
 * decoded value exactly; chroma samples count as masked when any luma pixel
 * they cover is masked.
 *
 * Threading: an RsMask is used by one thread at a time; the clean functions
 * keep no global state and may run concurrently on distinct data.
 */
#ifndef RUSHES_CLEANUP_H
#define RUSHES_CLEANUP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "deflicker.h"
#include "scratch.h"
#include "track.h"

/* ---- Masks ------------------------------------------------------------ */

typedef struct RsMask RsMask;

/*
 * Open a mask for a width x height picture. path is one of:
 *  - a JSON file (name ending in ".json") of shapes keyed on frames
 *    (doc/cleanup.md): rectangles, ellipses and polygons whose numbers are
 *    interpolated linearly between keys and held before the first and
 *    after the last;
 *  - one PNG (or any picture rushes decodes): the same mask on every frame;
 *  - a folder or printf pattern of numbered pictures: one mask per frame,
 *    its first file for frame 0.
 * A picture's pixel is masked when its luma is 128 or more (white on black).
 * On success *out is owned by the caller (rs_mask_close). Errors name the
 * file and the field or byte at fault: RS_EINVAL (malformed JSON, unknown
 * shape, keys out of order, polygons whose keys differ in vertex count, a
 * picture of another size), RS_ENOENT, RS_EMEDIA, RS_ENOMEM.
 */
RS_API int rs_mask_open(RsMask **out, const char *path, int width, int height);

/*
 * Write the mask of frame (0-based) into out: width x height bytes with
 * stride bytes between rows, 1 masked, 0 kept. Picture sequences are read
 * forwards: frames must be asked in increasing order (a JSON mask accepts
 * any order). Errors: RS_EINVAL (a frame before the last one asked of a
 * sequence), RS_EMEDIA (the sequence ended before frame, naming it).
 */
RS_API int rs_mask_render(RsMask *m, int64_t frame, uint8_t *out, ptrdiff_t stride);

/* Close and set *m to NULL; NULL is a no-op. */
RS_API void rs_mask_close(RsMask **m);

/* ---- Filling frames in memory --------------------------------------- */

typedef struct RsCleanSettings {
    /* How many frames away a background pixel is looked for, in each
     * direction (default 60). */
    int max_distance;
    /* Pixels within this distance of the mask are not used as a source in
     * other frames (soft edges and shadows of the object), default 2. */
    int grow;
    /* Side of the patches of the spatial synthesis, odd, 3..15 (default 7). */
    int patch_size;
    /* Flow settings: see rs_flow_default_settings(). */
    int flow_patch_size, flow_patch_stride, flow_iterations, flow_finest_level;
    /* 1 (default): the difference between the frame and the propagated
     * background just outside the mask (an exposure change, a slight
     * misalignment) is spread over the fill from its edge, so the fill meets
     * its surroundings without a seam. Only masked pixels change. */
    int seam;
    /* Passes that refine the flow inside the mask (default 1, 0..3): the
     * flow is computed again on the filled frames, where the fill gives the
     * estimator texture to match across the mask, and every frame is filled
     * again along it. Thin masks (a wire, a line) then follow the true
     * motion instead of the motion around them; each pass costs about one
     * more fill. Parts of the mask deeper than a few samples of the field
     * are completed from around as before (see doc/cleanup.md). */
    int refine;
    /* 1: a 3x3 median of the flow after each pyramid level
     * (RsFlowSettings.median); 0 (default). On the clean-up bench it added
     * 0.1 dB on average; it is off so that the fill can take over the flows
     * the dust and scratch passes compute, which have none. */
    int flow_median;
    /* Threads computing the flow fields and the searches along them, 0
     * (default) = one per core, at most 16. The result does not depend on it. */
    int threads;
    /* Seed of the random patch search, so the output is reproducible. */
    uint32_t seed;
    /* When set and *cancel becomes non-zero (from another thread or a
     * signal handler), the fill stops with RS_EINTR before its next frame or
     * flow field, and rs_clean_file() before its next decoded frame too,
     * leaving no output (a file already at its path stays as it was). NULL
     * (default): never. */
    const atomic_int *cancel;
} RsCleanSettings;

RS_API void rs_clean_default_settings(RsCleanSettings *s);

/*
 * One frame of planar YUV in memory, changed in place. Samples are uint8_t
 * when bit_depth is 8 (or 0, which means 8), native-endian uint16_t holding
 * bit_depth significant bits (not shifted) when it is 9..16, as RsPlane in
 * include/rushes/media.h; strides are in bytes. Every frame of a call has
 * the same depth.
 */
typedef struct RsCleanFrame {
    uint8_t *plane[3];
    ptrdiff_t stride[3];
    const uint8_t *mask;    /* width x height luma mask, 1 = fill */
    ptrdiff_t mask_stride;
    int bit_depth;          /* 0 or 8..16 */
} RsCleanFrame;

typedef struct RsCleanStats {
    int64_t masked;         /* luma pixels in the masks, all frames */
    int64_t from_time;      /* of those, filled from other frames */
    int64_t carried;        /* carried along from the previous frame's fill */
    int64_t synthesised;    /* synthesised from the same frame */
    int64_t unfilled;       /* left as they were: a frame masked whole, nothing to carry */
    int64_t dust;           /* defect pixels found by the dust pass (before growing) */
    RsDeflickerStats deflicker; /* what the deflicker pass corrected (zero when off) */
    int64_t tracked;        /* shapes of the mask tracked through the shot */
    int64_t scratches;      /* vertical line scratches found */
    int64_t scratch_pixels; /* luma pixels of their masks, all frames */
    /* rs_clean_file() only: the windows a long shot was cleaned in (0: the
     * whole shot at once), the frames a window holds, the frames it reads
     * past the last frame it writes, the frames two windows share, and the
     * most frames held in memory at once (doc/cleanup.md "Long shots"). */
    int64_t windows, window, context, overlap, held;
    /* rs_clean_file() only: the frames written; truncated 1 when the shot
     * ended before its declared end (the frames there are cleaned, the rest
     * were never in the file); damaged: the packets the decoder rejected and
     * the frames it flagged corrupt (decoding goes on past them: media.h), so
     * a clean of a damaged clip says what it could not read. */
    int64_t frames, damaged;
    int truncated;
} RsCleanStats;

/*
 * Fill the masked pixels of n frames of one shot, in place. Every frame is
 * width x height with chroma planes subsampled by log2_chroma_w and
 * log2_chroma_h, each 0 or 1 on its own (4:2:0 is 1,1; 4:2:2 is 1,0; 4:4:4
 * is 0,0). Chroma planes are (width + (1 << log2_chroma_w) - 1) >>
 * log2_chroma_w wide, and likewise high. A chroma sample is masked when any
 * luma pixel it covers is masked. The fill works at the frames' full
 * precision; the optical flow and the dust test read an 8-bit luma guide
 * (the luma rounded to 8 bits). Pixels outside the masks are never written.
 * stats may be NULL.
 * Returns 0, RS_EINVAL (bad sizes, depths or settings, naming them) or RS_ENOMEM
 * (a failure on a worker thread is returned with a generic message).
 */
RS_API int rs_clean_frames(RsCleanFrame *frames, int n, int width, int height, int log2_chroma_w,
                           int log2_chroma_h, const RsCleanSettings *s, RsCleanStats *stats);

/*
 * Find one-frame defects (dust, sparkle, a hair for one frame): luma pixels
 * that differ from both motion-compensated neighbours by more than
 * threshold (8-bit levels, whatever the frames' depth: deeper frames are
 * compared on their luma rounded to 8 bits; 24 is a good start), in the
 * same direction, while
 * the two neighbours agree within threshold. Fast motion the flow
 * follows is explained by the neighbours; a candidate whose 3x3 patch is
 * found displaced (up to 12 pixels) in either neighbour is motion the flow
 * missed, not dirt. The first and last frames are
 * never flagged. masks[t] (width x height, mask_stride) receives 1 on the
 * defects grown by one pixel, 0 elsewhere: a mask for rs_clean_frames().
 * found (may be NULL) receives the number of flagged pixels before growing.
 * Frames are decided on one thread per core; the masks do not depend on it.
 * Returns 0, RS_EINVAL or RS_ENOMEM.
 */
RS_API int rs_dust_detect(const RsCleanFrame *frames, int n, int width, int height, int threshold,
                          uint8_t *const *masks, ptrdiff_t mask_stride, int64_t *found);

/* ---- The clean job -------------------------------------------------- */

typedef struct RsCleanJob {
    const char *input;      /* the shot */
    const char *mask;       /* see rs_mask_open(); may be NULL with dust */
    /* ".mkv" (FFV1, lossless, in the source's pixel format: yuv422p10 stays
     * yuv422p10), ".mov" (ProRes, 10-bit), or a numbered picture sequence
     * "DIR/name_%06d.png" (16-bit RGB PNG) or "DIR/name_%06d.exr" (half-float
     * RGB OpenEXR), first file number 0. Pictures are converted to RGB with
     * the source's matrix and range; EXR holds those display-referred code
     * values scaled to 0..1, not linear light. */
    const char *output;
    /* "ffv1" (default for .mkv) or "prores" (default for .mov: 422 HQ;
     * prores_profile 4 gives 4444). ProRes is not lossless: only FFV1 keeps
     * the pixels outside the mask bit-exact in the file. Sequences take the
     * codec of their extension (NULL, "", "png" or "exr"). */
    const char *codec;
    int prores_profile;
    int threads;            /* decoder and encoder threads, 0 = automatic */
    /* Frames held in memory at once (default 900). A longer shot is cleaned
     * in overlapping windows of this many frames (doc/cleanup.md "Long
     * shots"): with fill.max_distance at most a quarter of the window the
     * result is the whole shot's exactly; a larger one is held to a quarter
     * of the window (the result is then the whole shot's with that
     * max_distance). The scratch pass, mask_out, review and track_only
     * work window by window (the scratches' decision for a frame sees the
     * right context ahead: see "Long shots"); the deflicker pass reads the
     * whole shot at once: with it a longer shot is refused (RS_ERANGE), as
     * is any shot when the window would be under 8 frames. Tracked shapes read the 8-bit luma of the whole shot (w x h
     * bytes a frame, counted against max_memory beside the window). */
    int max_frames;
    /* Also repair one-frame defects found by rs_dust_detect() with this
     * threshold (0, the default: no dust pass). */
    int dust;
    /* Remove flicker first (rs_deflicker_frames(), default settings, this
     * window in frames, odd) before any fill; 0, the default: off. With it
     * every pixel may change, so "outside the mask nothing changes" holds
     * against the deflickered frames, not the decoded ones. */
    int deflicker;
    RsCleanSettings fill;
    /* Shapes marked "track": true in a JSON mask are tracked with these
     * settings (include/rushes/track.h). */
    RsTrackSettings track;
    /* 1: also repair vertical line scratches found by rs_scratch_detect()
     * with these settings (include/rushes/scratch.h). Default 0. */
    int scratches;
    RsScratchSettings scratch;
    /* Review, so a supervisor checks the masks before the fill is trusted
     * (each may be NULL): mask_out, a folder receiving the final mask of
     * every frame (mask_000000.png, ...; white = filled), readable again
     * with rs_mask_open(); review, an .mkv (FFV1) of the source with the
     * mask tinted half red. With track_only the job stops there: no fill,
     * no output, no manifest (output may be NULL). */
    const char *mask_out;
    const char *review;
    int track_only;
    /* Called after each stage with frames done and total, may be NULL. */
    void (*progress)(void *opaque, int64_t done, int64_t total);
    void *opaque;
    /* Bytes the shot may take in memory while it is cleaned, 0 (default) =
     * three quarters of the physical memory. A shot costs, per frame,
     * rs_clean_frame_bytes() (about 17 MB at 1080p 10-bit 4:2:2); a longer
     * shot is cleaned in windows of the frames that fit (see max_frames), or
     * where it cannot be, refused with RS_ERANGE before it is decoded when
     * the container counts its frames, else when the limit is reached.
     * Windows add three frames' samples (the decoded samples of the frames
     * being filled and the fill carried to the next window). */
    int64_t max_memory;
} RsCleanJob;

/*
 * Bytes one frame costs while a shot is cleaned: its samples (2 bytes each
 * above 8 bits), the mask, the fill's per-plane map (a byte a sample) and
 * the two flow fields (at the flow's working resolution), plus one byte a
 * pixel with the dust pass. For 1920x1080: 10-bit 4:2:2 16.6 MB, 8-bit
 * 4:2:0 10.4 MB (18.7 and 12.4 with dust).
 */
RS_API int64_t rs_clean_frame_bytes(int width, int height, int bit_depth, int log2_chroma_w,
                                    int log2_chroma_h, int dust);

RS_API void rs_clean_job_default(RsCleanJob *job);

/*
 * Decode job->input (planar YUV 4:2:0, 4:2:2 or 4:4:4 at 8, 9, 10, 12, 14
 * or 16 bits; RGB pictures decode to 4:4:4), deflicker it when asked, fill
 * it under the mask at the source's depth, write job->output keeping size,
 * rate, start timecode, reel name and colour tags (range, matrix,
 * primaries, transfer, chroma location; sequences carry none of these),
 * then the manifest
 * OUTPUT.manifest.json: the input and mask files with their xxh64, the
 * parameters, the software version, what was filled and the output's
 * xxh64 (every file of a sequence) (unsigned). stats may be NULL. Errors name
 * the file or frame at fault: those of the decoder, rs_mask_open/render and
 * the encoder, plus RS_EUNSUP (another chroma layout or bit depth), RS_ERANGE
 * (more frames than max_frames or max_memory holds, where the shot cannot be
 * cleaned in windows; see max_frames), RS_EINVAL (a bad
 * output name: unknown extension, a sequence without a frame number; or
 * an output or review that is the shot, the mask or the review, or pictures
 * written into the folder of the shot's or the mask's pictures), RS_ENOENT /
 * RS_EACCES (the output's folder is missing or not writable; checked before
 * decoding), RS_EINTR (cancelled: fill.cancel). A job that fails leaves no
 * output and a file already at its path as it was (rs_encoder_close()).
 */
RS_API int rs_clean_file(const RsCleanJob *job, RsCleanStats *stats);

#endif /* RUSHES_CLEANUP_H */
