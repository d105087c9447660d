/*
 * Internal to the shots analyzer: the per-frame features it keeps and the
 * classifier that turns them into typed boundaries. The features are small
 * (about 600 bytes a frame) so that the whole clip can be kept and the
 * classifier can compare frames that are not neighbours: a flash is only
 * known to be a flash once the picture after it matches the one before it,
 * and a dissolve only once both of its ends are seen.
 */
#ifndef RS_ANALYZE_SHOTS_H
#define RS_ANALYZE_SHOTS_H

#include <stdint.h>

#define SHOT_GW 16                 /* grid of block means, columns */
#define SHOT_GH 9                  /* rows */
#define SHOT_CELLS (SHOT_GW * SHOT_GH)
#define SHOT_HY 32                 /* luma histogram bins */
#define SHOT_HC 16                 /* bins for each chroma plane */
#define SHOT_HBINS (SHOT_HY + 2 * SHOT_HC)
#define SHOT_HSCALE 65535          /* each plane's histogram sums to about this */

typedef struct ShotFeat {
    uint8_t grid[3][SHOT_CELLS];   /* Y, Cb, Cr block means, 8-bit */
    uint16_t hist[SHOT_HBINS];     /* Y, Cb, Cr histograms, each scaled to SHOT_HSCALE */
    float y_mean, y_sd;            /* of the reduced luma plane */
    int64_t pts;
} ShotFeat;

typedef enum ShotType {
    SHOT_CUT,
    SHOT_DISSOLVE,
    SHOT_WIPE,
    SHOT_FADE_OUT,
    SHOT_FADE_IN,
    SHOT_FADE_OUT_IN,
} ShotType;

typedef struct ShotBoundary {
    ShotType type;
    int64_t start, end;            /* inclusive; a cut has start == end == first frame of the new shot */
    int64_t cut;                   /* first frame of the incoming shot in the shot list */
    double confidence;             /* 0..1 */
    int white;                     /* fades: 1 to/from white, 0 black */
} ShotBoundary;

typedef struct ShotParams {
    double cut_threshold;          /* frame distance a cut must reach */
    double cut_ratio;              /* and how many times the largest distance around it */
    int64_t flash_frames;          /* longest disturbance that returns to the same picture */
    double gradual_threshold;      /* distance between the two ends of a dissolve or wipe */
    int64_t max_fade;              /* longest fade, frames */
    double solid_fraction;         /* share of pixels that must be dark (or bright) in a solid frame */
} ShotParams;

/* Distance between two frames in [0, 1]: histograms and block layout together. */
double shots_distance(const ShotFeat *a, const ShotFeat *b);

/* shots_compare.c: the block tests (see there). */
double shots_grid_distance(const ShotFeat *a, const ShotFeat *b);
int shots_black_cell(const ShotFeat *f, int i);
double shots_unchanged_share(const ShotFeat *a, const ShotFeat *b);
int shots_same_layout(const ShotFeat *a, const ShotFeat *b);
double shots_layout_change(const ShotFeat *a, const ShotFeat *b);
double shots_cut_distance(const ShotFeat *a, const ShotFeat *b);

/*
 * Classify n frames of features into boundaries sorted by start. *out is
 * malloc'ed (NULL when none), owned by the caller. Returns 0 or RS_ENOMEM.
 */
int shots_detect(const ShotFeat *f, int64_t n, const ShotParams *p, ShotBoundary **out, int *nb_out);

const char *shots_type_name(ShotType t);

#endif
