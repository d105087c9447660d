/*
 * The level of one region over a block of frames, as the second deflicker
 * pass sees it: how much it flickers and where it changes for good
 * (deflicker_level.c), and the level it should have at each frame
 * (deflicker_target.c). The correction (deflicker_correct.c) chains the
 * fits into such levels and turns the targets into gains and offsets.
 */
#ifndef RS_CLEANUP_DEFLICKER_LEVEL_H
#define RS_CLEANUP_DEFLICKER_LEVEL_H

/*
 * The smallest change of level, in 8-bit levels, that counts as a step or
 * as an outlier, and the least that a correction may always make: below
 * it a level's own flicker estimate is too small to trust.
 */
#define DF_MIN_STEP 0.5

/* The half width of the short smoother that follows a fade (rs_df_smooth_at(), rs_df_frames()). */
#define DF_SG 3

/*
 * How far, in units of the flicker around the frame (DfLevel.fast), the
 * target may stray from the short smoother through the 7 frames around the
 * frame before that smoother is taken instead. Under independent flicker
 * the two differ by about 0.65 of it (the smoother keeps a third of the
 * flicker's variance, the window a tenth), so this is three of their
 * standard deviations; on a fade without flicker it is a level or so, and a
 * window over a fade and its knee misses by more.
 */
#define DF_STRAY_K 2.0

/*
 * One level series (the luma, or one chroma plane centred on grey, of one
 * region) over the n frames of a block. The caller fills lev, n, h and the
 * arrays' memory; rs_df_level() fills the rest.
 */
typedef struct DfLevel {
    const double *lev;         /* n levels, 8-bit */
    int n;
    int h;                     /* half the smoothing window */
    double sigma;              /* robust standard deviation of the flicker */
    double tau;                /* how far from the window's trend a frame is still smoothed over */
    int *seg_lo, *seg_hi;      /* n each: the first and last frames of the stretch without a sustained change around t */
    double *fast;              /* n: how much the level moves from frame to frame beyond a smooth curve around t */
} DfLevel;

/* Sort helper for qsort() over doubles. */
static inline int df_cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fill sigma, tau, seg_lo, seg_hi and fast of l; tmp is scratch for n values, scr for 5 n. */
void rs_df_level(DfLevel *l, double *tmp, double *scr);

/* The quadratic through the 2 DF_SG + 1 frames around t at t (Savitzky-Golay), NAN when they are not all in [first, last]. */
double rs_df_smooth_at(const double *lev, int t, int first, int last);

/*
 * The frames that the target of frame t is fitted through, and the model
 * they fix: idx receives their numbers and the count is returned, *hw the
 * model's half width and *deg its degree (0: the mean, 1: a line, 2: a
 * parabola). tmp is scratch for n values.
 */
int rs_df_frames(const DfLevel *l, int t, int *idx, double *tmp, int *hw, int *deg);

/* The value at t of the model of degree deg fitted to y over the m frames idx, or of a lower one when they do not fix it. */
double rs_df_model_at(const double *y, const int *idx, int m, int t, int hw, int deg);

/*
 * The smooth curve the level follows at t, against which the target from
 * the m frames idx of rs_df_frames() is checked: the short smoother across a
 * sustained change when t is on its way from one level to the other, else
 * the parabola through the frames nearest t when it explains them (a
 * fade), else NAN. idx is overwritten.
 */
double rs_df_smooth_target(const DfLevel *l, int t, int *idx, int m);

#endif
