/*
 * Deflicker, second pass, first step: what the level of one region does
 * over a block of frames once the fits are chained into it. How much it
 * flickers (robust spreads that repeated frames and fades do not fool),
 * where it changes for good (a light switched on, which the smoothing must
 * not cross), and how much it moves from frame to frame beyond a smooth
 * curve (which bounds the correction, so that a fade is not taken for
 * flicker). deflicker_target.c then says which level each frame should
 * have; these statistics are kept apart because they describe the whole
 * series, not one frame.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/deflicker_level.h"

/*
 * A sustained change of level (a light switched on) starts at frame t when
 * the mean level of the half window of frames from t on differs from that
 * of the half window before t by more than DF_STEP_Z robust standard
 * deviations of that difference over the shot, and more than DF_MIN_STEP
 * levels, and by more than at any other frame within half a window. The
 * smoothing never crosses such a change.
 */
#define DF_STEP_Z 4.0

/*
 * The step once the common slope is out (detrended_step()) is noisier (the
 * slope is estimated too) and its spread less sure: it must pass
 * DF_STEP_Z_TREND of them. At 4, like the other, it took repeated-frame
 * runs of the archive film for steps (flicker index 3.28 -> 3.40); at 6 it
 * finds none there and still the steps of the tracking shots.
 */
#define DF_STEP_Z_TREND 6.0

/*
 * Within its segment, a frame takes part in the smoothing of frame t when
 * its level is within DF_OUTLIER_SIGMAS robust standard deviations of the
 * flicker (or DF_MIN_STEP levels) of the window's detrended median: one
 * wild frame does not pull its neighbours.
 */
#define DF_OUTLIER_SIGMAS 3.0

/*
 * Robust standard deviation of the flicker of a level: the median distance
 * of each frame from the median of the window around it, which a ramp does
 * not change and a step changes only next to it. (Differences between
 * neighbouring frames would be fooled by film transferred with repeated
 * frames, where two or three frames in a row are the same.)
 */
/* res[t]: the level minus its running median over t-h..t+h (which follows a step and a ramp). */
static void median_residual(const double *lev, int n, int h, double *res)
{
    /* The window t-h..t+h kept sorted as it slides: one value in and one out a frame. */
    double win[256];
    int m = 0;
    for (int t = 0, in = 0; t < n; t++) {
        for (; in < n && in <= t + h; in++) {
            int k = m++;
            for (; k > 0 && win[k - 1] > lev[in]; k--)
                win[k] = win[k - 1];
            win[k] = lev[in];
        }
        if (t - h - 1 >= 0) {
            int k = 0;
            while (win[k] != lev[t - h - 1])
                k++;
            memmove(win + k, win + k + 1, sizeof(double) * (--m - k));
        }
        res[t] = lev[t] - win[(m - 1) / 2];
    }
}

static double flicker_sigma(const double *lev, int n, int h, double *tmp)
{
    median_residual(lev, n, h, tmp);
    for (int t = 0; t < n; t++)
        tmp[t] = fabs(tmp[t]);
    qsort(tmp, n, sizeof(double), df_cmp_double);
    return tmp[n / 2] * 1.4826;
}

/*
 * The step at t between the half windows of h frames before and after it,
 * sums sb and sa, once a slope common to both is taken out: each half's
 * own trend (the pooled least-squares slope within the halves) is what the
 * light does anyway, a cloud or the drift of a tracking shot's levels, and
 * it would hide a step going the other way or fake one.
 */
static double detrended_step(const double *v, int t, int h, double sb, double sa)
{
    if (h < 2)
        return (sa - sb) / h;
    const double cb = -(h + 1) / 2.0, ca = (h - 1) / 2.0, sxx = h * ((double)h * h - 1) / 12;
    double sxy = 0;
    for (int i = 0; i < h; i++)
        sxy += (-h + i - cb) * v[t - h + i] + (i - ca) * v[t + i];
    return (sa - sb) / h - sxy / (2 * sxx) * h;
}

/* Robust standard deviation of the first cnt values of x (sorted in place). */
static double spread_of(double *x, int cnt)
{
    if (!cnt)
        return 0;
    qsort(x, cnt, sizeof(double), df_cmp_double);
    return 1.4826 * x[cnt / 2];
}

/*
 * The sustained changes of a level: seg_lo[t] and seg_hi[t] receive the
 * first and last frames of the stretch without one that holds t. w is
 * scratch for 5 n values.
 *
 * Two statistics say how far the levels after t are from those before it,
 * each against its own spread under the shot's flicker: the difference of
 * the half-window means, and the same once the half windows' common slope
 * is taken out (detrended_step()). The first is the less noisy; the second
 * sees a step that a trend going the other way hides (a tracking shot,
 * whose levels drift as the flow's errors chain). A change is the largest
 * of the two, in units of its threshold.
 */
static void segments(const double *lev, int n, int h, int *seg_lo, int *seg_hi, double *w)
{
    double *d = w, *tmp = w + n, *res = w + 2 * n, *d2 = w + 3 * n, *tmp2 = w + 4 * n;
    /*
     * How far the statistics move under the shot's own flicker is measured
     * on the level minus its running median (which follows a step and a
     * ramp), as the spread of the same statistics: film transferred with
     * repeated frames flickers in runs of two or three, so the spread is
     * larger than independent frames would give.
     */
    median_residual(lev, n, h, res);
    int cnt = 0;
    for (int t = 0; t < n; t++) {
        d[t] = d2[t] = 0;
        /* A change is sustained when it lasts half a window: too near either end, nothing tells. */
        if (t < h || t + h > n)
            continue;
        double before = 0, after = 0, rb = 0, ra = 0;
        for (int i = 1; i <= h; i++)
            before += lev[t - i], after += lev[t + i - 1], rb += res[t - i], ra += res[t + i - 1];
        d[t] = fabs(after - before) / h;
        d2[t] = fabs(detrended_step(lev, t, h, before, after));
        tmp[cnt] = fabs(ra - rb) / h;
        tmp2[cnt++] = fabs(detrended_step(res, t, h, rb, ra));
    }
    const double thr = fmax(DF_STEP_Z * spread_of(tmp, cnt), DF_MIN_STEP);
    const double thr2 = fmax(DF_STEP_Z_TREND * spread_of(tmp2, cnt), DF_MIN_STEP);
    for (int t = 0; t < n; t++) {
        d[t] = fmax(d[t] / thr, d2[t] / thr2);
        d[t] = d[t] > 1 ? d[t] : 0;
    }
    int start = 0;
    for (int t = 0; t < n; t++) {
        int peak = d[t] > 0;
        for (int k = t - h; peak && k <= t + h; k++)
            if (k >= 0 && k < n && k != t && (d[k] > d[t] || (d[k] == d[t] && k < t)))
                peak = 0;
        if (peak && t > 0) {
            for (int k = start; k < t; k++)
                seg_hi[k] = t - 1;
            start = t;
        }
        seg_lo[t] = start;
    }
    for (int k = start; k < n; k++)
        seg_hi[k] = n - 1;
}

double rs_df_smooth_at(const double *lev, int t, int first, int last)
{
    static const double w[2 * DF_SG + 1] = { -2, 3, 6, 7, 6, 3, -2 };
    if (t - DF_SG < first || t + DF_SG > last)
        return NAN;
    double sm = 0;
    for (int i = -DF_SG; i <= DF_SG; i++)
        sm += w[i + DF_SG] * lev[t + i];
    return sm / 21;
}

/*
 * Flicker is fast and a fade is smooth. fast[t] receives how much the level
 * moves from frame to frame beyond a smooth curve around t: the RMS, over
 * the window of t within its segment, of each frame's distance from the
 * local quadratic through the 7 frames around it (the Savitzky-Golay
 * smoother, which follows a fade, its knee and an S-curve within a
 * fraction of a level), scaled to the standard deviation of independent
 * flicker (the residual keeps 2/3 of its variance). A correction larger
 * than DF_FAST_K times it (deflicker_correct.c) would change the frame by
 * more than any flicker there: it is the window's model failing on a
 * smooth change, not flicker.
 * Where the segment is too short to tell, fast[t] is infinite. The same
 * holds for the chroma levels.
 */
static void fast_amplitude(const double *lev, int n, int h, const int *seg_lo, const int *seg_hi, double *r,
                           double *fast)
{
    for (int t = 0; t < n; t++)
        r[t] = lev[t] - rs_df_smooth_at(lev, t, seg_lo[t], seg_hi[t]);
    for (int t = 0; t < n; t++) {
        double s2 = 0;
        int m = 0;
        for (int j = t - h > seg_lo[t] ? t - h : seg_lo[t]; j <= t + h && j <= seg_hi[t]; j++)
            if (!isnan(r[j]))
                s2 += r[j] * r[j], m++;
        fast[t] = m ? sqrt(1.5 * s2 / m) : INFINITY;
    }
}

/*
 * The flicker's robust standard deviation from the residuals r of the
 * short smoother (fast_amplitude()), NAN where unknown: infinite when none
 * is known. The running median that flicker_sigma() measures against lags
 * behind a fast fade (a fade to black and back inflated it tenfold on a
 * shot without flicker, so no curvature stood out of it); this one
 * follows a fade but reads flicker in runs of repeated frames as smaller,
 * so the smaller of the two, with this one doubled, is taken.
 */
#define DF_SIGMA_FAST 2.0

static double fast_sigma(const double *r, int n, double *tmp)
{
    int m = 0;
    for (int t = 0; t < n; t++)
        if (!isnan(r[t]))
            tmp[m++] = fabs(r[t]);
    return m ? sqrt(1.5) * spread_of(tmp, m) : INFINITY;
}

void rs_df_level(DfLevel *l, double *tmp, double *scr)
{
    const double sig = flicker_sigma(l->lev, l->n, l->h, tmp);
    segments(l->lev, l->n, l->h, l->seg_lo, l->seg_hi, scr);
    fast_amplitude(l->lev, l->n, l->h, l->seg_lo, l->seg_hi, tmp, l->fast);
    l->sigma = fmin(sig, DF_SIGMA_FAST * fast_sigma(tmp, l->n, scr));
    l->tau = fmax(DF_OUTLIER_SIGMAS * l->sigma, DF_MIN_STEP);
}
