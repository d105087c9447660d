/*
 * Deflicker, second pass: chain the frame-to-frame fits of each region into
 * its light level over the shot, decide what is flicker and what is an
 * intended change (an edge-preserving filter in time), and correct every
 * sample with a gain and offset interpolated smoothly between regions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/deflicker_internal.h"
#include "rushes/error.h"

/*
 * A sustained change of level (a light switched on) starts at frame t when
 * the mean level of the half window of frames from t on differs from that
 * of the half window before t by more than DF_STEP_Z robust standard
 * deviations of that difference over the shot, and more than DF_MIN_STEP
 * levels, and by more than at any other frame within half a window. The
 * smoothing never crosses such a change.
 */
#define DF_STEP_Z 4.0
#define DF_MIN_STEP 0.5

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

/* The half width of the short smoother that follows a fade (fast_amplitude(), near_frames()). */
#define DF_SG 3

/* The largest correction, in units of the flicker around the frame (fast_amplitude()). */
#define DF_FAST_K 4.0

/*
 * How far, in the same units, the target may stray from the short smoother
 * through the 7 frames around the frame before that smoother is taken
 * instead. Under independent flicker the two differ by about 0.65 of it
 * (the smoother keeps a third of the flicker's variance, the window a
 * tenth), so this is three of their standard deviations; on a fade without
 * flicker it is a level or so, and a window over a fade and its knee
 * misses by more.
 */
#define DF_STRAY_K 2.0

/* Beyond this fraction of the headroom a change starts to bend (tanh knee). */
#define DF_KNEE 0.05f

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

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
    qsort(tmp, n, sizeof(double), cmp_double);
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
    qsort(x, cnt, sizeof(double), cmp_double);
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

/*
 * The window around t: window frames centred on t within [lo, hi] (its
 * segment), shifted inwards at the segment's ends so that frames there are
 * smoothed over as many frames as the others. *hw receives its largest
 * distance from t.
 */
static void window_at(int first, int last, int t, int h, int *lo, int *hi, int *hw)
{
    int a = t - h, b = t + h;
    if (a < first) b += first - a, a = first;
    if (b > last) a -= b - last, b = last;
    a = a < first ? first : a;
    *lo = a, *hi = b;
    *hw = t - a > b - t ? t - a : b - t;
}

/*
 * The frames of the window whose level, once the window's trend is taken
 * out, is within tau of the median. The trend is the median of the
 * frame-to-frame changes and the median of their changes (a slope and a
 * curvature), which a step (one change) does not move and a ramp or a
 * fade sets, so a ramp or a curved fade keeps the whole window and a step
 * splits it. Under strong flicker those medians are noisy, so each is used
 * only when it stands out of its own noise (three standard errors, from
 * sigma).
 */
static int pick(const double *lev, int lo, int hi, double tau, double sigma, int *idx, double *tmp)
{
    double slope = 0, curv = 0;
    const double mid = (lo + hi) / 2.0;
    if (hi - lo >= 3) {
        for (int i = lo + 1; i < hi; i++)
            tmp[i - lo - 1] = lev[i + 1] - 2 * lev[i] + lev[i - 1];
        qsort(tmp, hi - lo - 1, sizeof(double), cmp_double);
        curv = tmp[(hi - lo - 2) / 2];
        /* Second differences of independent flicker have a variance of 6 sigma^2. */
        if (fabs(curv) < 3 * 1.2533 * sigma * sqrt(6.0 / (hi - lo - 1)))
            curv = 0;
    }
    if (hi > lo) {
        for (int i = lo; i < hi; i++)
            tmp[i - lo] = lev[i + 1] - lev[i];
        qsort(tmp, hi - lo, sizeof(double), cmp_double);
        slope = tmp[(hi - lo - 1) / 2];
        /* The median of m differences of variance 2 sigma^2 has a standard error of 1.25 sigma sqrt(2 / m). */
        if (fabs(slope) < 3 * 1.2533 * sigma * sqrt(2.0 / (hi - lo)))
            slope = 0;
    }
    for (int i = lo; i <= hi; i++)
        tmp[i - lo] = lev[i] - slope * (i - mid) - 0.5 * curv * (i - mid) * (i - mid);
    qsort(tmp, hi - lo + 1, sizeof(double), cmp_double);
    const double med = tmp[(hi - lo) / 2];
    int m = 0;
    for (int i = lo; i <= hi; i++)
        if (fabs(lev[i] - slope * (i - mid) - 0.5 * curv * (i - mid) * (i - mid) - med) <= tau)
            idx[m++] = i;
    return m;
}

/*
 * The value at t of a polynomial of degree deg (0: the mean, 1: a line, 2:
 * a parabola) fitted to y over the picked frames, weighted by a triangle
 * centred on t that reaches zero just beyond the window. *z (may be NULL)
 * receives its highest coefficient in standard errors under flicker of
 * standard deviation sigma (infinite when sigma is 0 and the coefficient
 * is not). Returns 0, or -1 when the frames cannot fix that polynomial.
 */
static int poly_fit(const double *y, const int *idx, int m, int t, int hw, int deg, double sigma, double *val,
                    double *z)
{
    const int k = deg + 1;
    double A[3][3] = { { 0 } }, B[3][3] = { { 0 } }, r[3] = { 0 };
    if (m < k + (deg > 0))
        return -1;
    for (int j = 0; j < m; j++) {
        const double d = idx[j] - t, w = hw + 1 - fabs(d), x[3] = { 1, d, d * d };
        for (int a = 0; a < k; a++) {
            r[a] += w * x[a] * y[idx[j]];
            for (int b = 0; b < k; b++)
                A[a][b] += w * x[a] * x[b], B[a][b] += w * w * x[a] * x[b];
        }
    }
    /* A^-1 by Gauss-Jordan elimination; a pivot that vanishes means the frames do not fix the fit. */
    double inv[3][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, M[3][3];
    memcpy(M, A, sizeof(M));
    for (int c = 0; c < k; c++) {
        if (!(M[c][c] > 1e-6 * A[c][c]))
            return -1;
        const double p = 1 / M[c][c];
        for (int b = 0; b < k; b++)
            M[c][b] *= p, inv[c][b] *= p;
        for (int a = 0; a < k; a++)
            if (a != c) {
                const double f = M[a][c];
                for (int b = 0; b < k; b++)
                    M[a][b] -= f * M[c][b], inv[a][b] -= f * inv[c][b];
            }
    }
    double beta[3] = { 0 };
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++)
            beta[a] += inv[a][b] * r[b];
    *val = beta[0];
    if (z) {
        /* The variance of the highest coefficient: sigma^2 (A^-1 B A^-1) on the diagonal. */
        double v = 0;
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                v += inv[deg][a] * B[a][b] * inv[b][deg];
        const double se = sigma * sqrt(v > 0 ? v : 0), c = fabs(beta[deg]);
        *z = se > 0 ? c / se : c > 1e-9 ? INFINITY : 0;
    }
    return 0;
}

/*
 * The target follows a parabola through the picked frames when its
 * curvature stands out of the flicker by DF_CURVE_Z standard errors (a
 * fade, a cloud's rise and fall), else a line when its slope stands out by
 * DF_SLOPE_Z (a ramp,
 * also at the ends of the shot and next to a step, where the frames lie on
 * one side of t), else their weighted mean: otherwise the flicker itself
 * would bend or tilt the model and a one-sided window would extrapolate it.
 */
#define DF_SLOPE_Z 2.5

/*
 * A curvature must stand out further: the flicker of film transferred with
 * repeated frames comes in runs, which bend a parabola more than
 * independent flicker would (at 2.5 the archive film's flicker index rose
 * from 3.26 to 3.38, at 4 to 3.32; a fade's curvature stands out by far
 * more, infinitely where there is no flicker).
 */
#define DF_CURVE_Z 6.0

static int model_degree(const double *y, const int *idx, int m, int t, int hw, double sigma)
{
    double v, z;
    if (!poly_fit(y, idx, m, t, hw, 2, sigma, &v, &z) && z > DF_CURVE_Z)
        return 2;
    if (!poly_fit(y, idx, m, t, hw, 1, sigma, &v, &z) && z > DF_SLOPE_Z)
        return 1;
    return 0;
}

/* The value at t of the model of degree deg, or of a lower one when the frames do not fix it. */
static double model_at(const double *y, const int *idx, int m, int t, int hw, int deg)
{
    double v = 0;
    while (deg >= 0 && poly_fit(y, idx, m, t, hw, deg, 0, &v, NULL) < 0)
        deg--;
    return v;
}

/*
 * When the window's trend leaves more than half of its frames out of the
 * flicker around it, what it missed is not a few wild frames but the
 * shape of the change itself: a fade whose curve no parabola over the
 * window follows, on a shot with little flicker (tau is then a fraction of
 * a level). Then t follows the parabola through the frames within DF_SG of
 * it in its segment, which follows the fade; flicker there is left to the
 * bound below. Returns their number; *hw and *deg receive the model's
 * half width and degree.
 */
static int near_frames(int first, int last, int t, int *idx, int *hw, int *deg)
{
    int m = 0;
    for (int i = t - DF_SG < first ? first : t - DF_SG; i <= t + DF_SG && i <= last; i++)
        idx[m++] = i;
    *hw = DF_SG;
    *deg = m >= 4 ? 2 : m >= 3 ? 1 : 0;
    return m;
}

/*
 * Flicker is fast and a fade is smooth. fast[t] receives how much the level
 * moves from frame to frame beyond a smooth curve around t: the RMS, over
 * the window of t within its segment, of each frame's distance from the
 * local quadratic through the 7 frames around it (the Savitzky-Golay
 * smoother, which follows a fade, its knee and an S-curve within a
 * fraction of a level), scaled to the standard deviation of independent
 * flicker (the residual keeps 2/3 of its variance). A correction larger
 * than DF_FAST_K times it would change the frame by more than any flicker
 * there: it is the window's model failing on a smooth change, not flicker.
 * Where the segment is too short to tell, fast[t] is infinite. The same
 * holds for the chroma levels.
 */
/* The quadratic through the 7 frames around t at t (Savitzky-Golay), NAN when they are not all in [first, last]. */
static double smooth_at(const double *lev, int t, int first, int last)
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
 * The value at t of the least-squares parabola through the 2 DF_SG + 1
 * frames of [first, last] nearest t (one-sided at its ends), when it
 * explains at least DF_SMOOTH_R2 of their variance: the level follows a
 * smooth curve there, a fade, which flicker does not. Flicker in runs of
 * repeated frames sometimes does over 7 frames: at 0.95 the archive film's
 * flicker index rose from 3.27 to 3.33, at 0.97 it stays (3.28), while a
 * fade under flicker keeps most of the gain (0.1 dB less than at 0.95;
 * at 0.98, 0.2 dB less). NAN otherwise, or when the segment is shorter.
 */
#define DF_SMOOTH_R2 0.97

static double smooth_curve(const double *lev, int t, int first, int last, int *idx)
{
    const int n = 2 * DF_SG + 1;
    if (last - first + 1 < n)
        return NAN;
    int a = t - DF_SG < first ? first : t + DF_SG > last ? last - n + 1 : t - DF_SG;
    double mean = 0, ss = 0, res = 0, v;
    for (int i = 0; i < n; i++)
        idx[i] = a + i, mean += lev[a + i] / n;
    /* Nearly equal weights: the half width is far beyond the frames. */
    if (poly_fit(lev, idx, n, a, 1 << 20, 2, 0, &v, NULL) < 0)
        return NAN;
    double c[3];
    for (int k = 0; k < 3; k++)
        poly_fit(lev, idx, n, a + k, 1 << 20, 2, 0, &c[k], NULL);
    /* The parabola through its values at a, a + 1, a + 2, evaluated anywhere. */
    for (int i = 0; i < n; i++) {
        const double x = i, p = c[0] + x * (c[1] - c[0]) + x * (x - 1) / 2 * (c[2] - 2 * c[1] + c[0]);
        ss += (lev[a + i] - mean) * (lev[a + i] - mean);
        res += (lev[a + i] - p) * (lev[a + i] - p);
    }
    if (!(res <= (1 - DF_SMOOTH_R2) * ss))
        return NAN;
    const double x = t - a;
    return c[0] + x * (c[1] - c[0]) + x * (x - 1) / 2 * (c[2] - 2 * c[1] + c[0]);
}

/*
 * A frame within half a window of a sustained change that its own window
 * leaves out (pick()) is either wild or on its way from one level to the
 * other: the middle of a fade, where the change was found, lies between
 * the levels on either side. It is on the way when it lies within
 * DF_STRAY_K times the flicker of the short smoother drawn across the
 * change; it then follows that smoother, which follows the fade. Returns
 * the smoother's value, or NAN.
 */
static double across_change(const double *lev, int n, int t, int first, int last, int h, const int *idx, int m,
                            double fast)
{
    if (!((first > 0 && t - first < h) || (last < n - 1 && last - t < h)))
        return NAN;
    for (int k = 0; k < m; k++)
        if (idx[k] == t)
            return NAN;
    const double sm = smooth_at(lev, t, 0, n - 1);
    return fabs(lev[t] - sm) <= DF_STRAY_K * fast ? sm : NAN;
}

static void fast_amplitude(const double *lev, int n, int h, const int *seg_lo, const int *seg_hi, double *r,
                           double *fast)
{
    for (int t = 0; t < n; t++)
        r[t] = lev[t] - smooth_at(lev, t, seg_lo[t], seg_hi[t]);
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

typedef struct Series {
    double *G, *O, *OC[2], *lev, *levc[2], *tmp, *scr, *fast[3];
    int *idx, *seg[3][2];
} Series;

/* The correction of region b for frames t0..t1: corr[((t - t0) * nb + b) * 4 + {a, b, bc0, bc1}]. */
static void plan_region(const DfCtx *c, const DfFit *fit, const double *mu, int n, int t0, int t1, int b,
                        Series *s, float *corr, RsDeflickerStats *st)
{
    const int h = c->s->window / 2;
    const double mu0 = mu[b];
    double muc0[2] = { mu[c->nb + b], mu[2 * c->nb + b] };
    s->G[0] = 1, s->O[0] = 0, s->OC[0][0] = s->OC[1][0] = 0;
    for (int t = 1; t < n; t++) {
        const DfFit *f = &fit[(size_t)t * c->nb + b];
        s->G[t] = f->g * s->G[t - 1];
        s->O[t] = f->g * s->O[t - 1] + f->o;
        for (int p = 0; p < 2; p++)
            s->OC[p][t] = f->g * s->OC[p][t - 1] + f->oc[p];
    }
    for (int t = 0; t < n; t++) {
        s->lev[t] = s->G[t] * mu0 + s->O[t];
        for (int p = 0; p < 2; p++)
            s->levc[p][t] = s->G[t] * muc0[p] + s->OC[p][t];
    }
    double sig = flicker_sigma(s->lev, n, h, s->tmp);
    segments(s->lev, n, h, s->seg[0][0], s->seg[0][1], s->scr);
    double sigc[2], tauc[2];
    for (int p = 0; p < 2; p++) {
        sigc[p] = flicker_sigma(s->levc[p], n, h, s->tmp);
        segments(s->levc[p], n, h, s->seg[p + 1][0], s->seg[p + 1][1], s->scr);
    }
    fast_amplitude(s->lev, n, h, s->seg[0][0], s->seg[0][1], s->tmp, s->fast[0]);
    sig = fmin(sig, DF_SIGMA_FAST * fast_sigma(s->tmp, n, s->scr));
    const double tau = fmax(DF_OUTLIER_SIGMAS * sig, DF_MIN_STEP);
    for (int p = 0; p < 2; p++) {
        fast_amplitude(s->levc[p], n, h, s->seg[p + 1][0], s->seg[p + 1][1], s->tmp, s->fast[p + 1]);
        sigc[p] = fmin(sigc[p], DF_SIGMA_FAST * fast_sigma(s->tmp, n, s->scr));
        tauc[p] = fmax(DF_OUTLIER_SIGMAS * sigc[p], DF_MIN_STEP);
    }
    const double mg = 1 + c->s->max_gain, D = c->s->max_offset;
    for (int t = t0; t <= t1; t++) {
        int lo, hi, hw;
        window_at(s->seg[0][0][t], s->seg[0][1][t], t, h, &lo, &hi, &hw);
        int m = pick(s->lev, lo, hi, tau, sig, s->idx, s->tmp);
        int deg = model_degree(s->lev, s->idx, m, t, hw, sig);
        if (2 * m < hi - lo + 1)
            m = near_frames(s->seg[0][0][t], s->seg[0][1][t], t, s->idx, &hw, &deg);
        const double tg = model_at(s->G, s->idx, m, t, hw, deg);
        double to = model_at(s->O, s->idx, m, t, hw, deg);
        double a = tg / s->G[t];
        const double lt = s->lev[t];
        /* Where the window's model strays from the smooth curve through the frames around t, it is the model that fails. */
        const double ac = across_change(s->lev, n, t, s->seg[0][0][t], s->seg[0][1][t], h, s->idx, m, s->fast[0][t]);
        const double sm = isnan(ac) ? smooth_curve(s->lev, t, s->seg[0][0][t], s->seg[0][1][t], s->idx) : ac;
        if (fabs(a * lt + (to - a * s->O[t]) - sm) > DF_STRAY_K * s->fast[0][t] &&
            fabs(lt - sm) <= DF_STRAY_K * s->fast[0][t] && lt >= 1)
            a = sm / lt, to = a * s->O[t];
        /* No more than the flicker around t could have moved it (see fast_amplitude()). */
        const double bound = fmax(DF_FAST_K * s->fast[0][t], DF_MIN_STEP);
        const double d0 = a * lt + (to - a * s->O[t]) - lt;
        if (fabs(d0) > bound)
            a = 1 + (a - 1) * bound / fabs(d0);
        int limited = 0;
        if (a > mg || a < 1 / mg) {
            a = a > mg ? mg : 1 / mg;
            limited = 1;
        }
        /* The change at the region's own level, limited, fixes the offset. */
        double d = a * lt + (to - a * s->O[t]) - lt;
        d = fabs(d) > bound ? (d > 0 ? bound : -bound) : d;
        if (fabs(d) > D) {
            d = d > 0 ? D : -D;
            limited = 1;
        }
        float *k = &corr[((size_t)(t - t0) * c->nb + b) * 4];
        k[0] = (float)a;
        k[1] = (float)(lt + d - a * lt);
        for (int p = 0; p < 2; p++) {
            k[2 + p] = 0;
            if (!c->s->chroma)
                continue;
            window_at(s->seg[p + 1][0][t], s->seg[p + 1][1][t], t, h, &lo, &hi, &hw);
            m = pick(s->levc[p], lo, hi, tauc[p], sigc[p], s->idx, s->tmp);
            int degc = model_degree(s->levc[p], s->idx, m, t, hw, sigc[p]);
            if (2 * m < hi - lo + 1)
                m = near_frames(s->seg[p + 1][0][t], s->seg[p + 1][1][t], t, s->idx, &hw, &degc);
            const double toc = model_at(s->OC[p], s->idx, m, t, hw, degc);
            const double lc = s->levc[p][t];
            double dc = a * lc + (toc - a * s->OC[p][t]) - lc;
            const double acc = across_change(s->levc[p], n, t, s->seg[p + 1][0][t], s->seg[p + 1][1][t], h, s->idx, m,
                                             s->fast[p + 1][t]);
            const double smc = isnan(acc) ? smooth_curve(s->levc[p], t, s->seg[p + 1][0][t], s->seg[p + 1][1][t], s->idx) : acc;
            if (fabs(lc + dc - smc) > DF_STRAY_K * s->fast[p + 1][t] && fabs(lc - smc) <= DF_STRAY_K * s->fast[p + 1][t])
                dc = smc - lc;
            const double bc = fmax(DF_FAST_K * s->fast[p + 1][t], DF_MIN_STEP);
            dc = fabs(dc) > bc ? (dc > 0 ? bc : -bc) : dc;
            if (fabs(dc) > D) {
                dc = dc > 0 ? D : -D;
                limited = 1;
            }
            k[2 + p] = (float)(lc + dc - a * lc);
        }
        st->limited += limited;
        st->max_level_change = fmax(st->max_level_change, fabs(d));
        st->max_gain_change = fmax(st->max_gain_change, fabs(a - 1));
    }
}

/* Where column (or row) i of a plane falls between region centres: region *k and the next, weight *f. */
static void grid_at(int i, int luma_side, int regions, int shift, int *k, float *f)
{
    const double pos = (i + 0.5) * (1 << shift) / ((double)luma_side / regions) - 0.5;
    int j = (int)floor(pos);
    double r = pos - j;
    if (j < 0) j = 0, r = 0;
    if (j >= regions - 1) j = regions - 1, r = 0;
    *k = j;
    *f = (float)r;
}

/* Correct one plane of a frame; returns the sum of |out - in| in 8-bit levels. */
static double apply_plane(const DfCtx *c, RsDeflickerFrame *f, int p, const float *k, int *ix, float *fx,
                          float *row)
{
    const int sx = p ? c->lcw : 0, sy = p ? c->lch : 0;
    const int pw = (c->w + (1 << sx) - 1) >> sx, ph = (c->h + (1 << sy) - 1) >> sy, bx = c->bx;
    const float inv = 1.0f / c->scale, maxv = (float)((1 << c->depth) - 1), max8 = maxv * inv;
    const float grey = p ? 128.0f : 0.0f;
    const int pk = p ? 1 + p : 1;
    for (int x = 0; x < pw; x++)
        grid_at(x, c->w, bx, sx, &ix[x], &fx[x]);
    double sum = 0;
    for (int y = 0; y < ph; y++) {
        int jy;
        float fy;
        grid_at(y, c->h, c->by, sy, &jy, &fy);
        const int jy1 = jy + 1 < c->by ? jy + 1 : jy;
        for (int i = 0; i < bx; i++) {
            const float *k0 = &k[(jy * bx + i) * 4], *k1 = &k[(jy1 * bx + i) * 4];
            row[2 * i] = k0[0] + (k1[0] - k0[0]) * fy;
            row[2 * i + 1] = k0[pk] + (k1[pk] - k0[pk]) * fy;
        }
        uint8_t *line = (uint8_t *)f->plane[p] + (ptrdiff_t)y * f->stride[p];
        for (int x = 0; x < pw; x++) {
            const int i = ix[x], i1 = i + 1 < bx ? i + 1 : i;
            const float a = row[2 * i] + (row[2 * i1] - row[2 * i]) * fx[x];
            const float o = row[2 * i + 1] + (row[2 * i1 + 1] - row[2 * i + 1]) * fx[x];
            const float v = c->depth == 8 ? line[x] : ((uint16_t *)line)[x];
            const float x8 = v * inv;
            float dl = a * (x8 - grey) + grey + o - x8;
            /* The change bends before black and white instead of clipping there. */
            const float hr = dl > 0 ? max8 - x8 : x8;
            if (fabsf(dl) > DF_KNEE * hr)
                dl = hr > 0 ? hr * tanhf(dl / hr) : 0;
            float out = rintf((x8 + dl) * c->scale);
            out = out < 0 ? 0 : out > maxv ? maxv : out;
            sum += fabsf(out - v) * inv;
            if (c->depth == 8)
                line[x] = (uint8_t)out;
            else
                ((uint16_t *)line)[x] = (uint16_t)out;
        }
    }
    return sum;
}

int rs_df_plan(const DfCtx *c, const DfFit *fit, const double *mu0, int n, int t0, int t1, float *corr,
               RsDeflickerStats *st)
{
    double *buf = malloc(sizeof(double) * 16 * (size_t)n);
    int *idx = malloc(sizeof(int) * 7 * (size_t)n);
    if (!buf || !idx) {
        free(buf);
        free(idx);
        return RS_ENOMEM;
    }
    Series s = { buf, buf + n, { buf + 2 * n, buf + 3 * n }, buf + 4 * n, { buf + 5 * n, buf + 6 * n },
                 buf + 7 * n, buf + 8 * n, { buf + 13 * n, buf + 14 * n, buf + 15 * n }, idx,
                 { { idx + n, idx + 2 * n }, { idx + 3 * n, idx + 4 * n }, { idx + 5 * n, idx + 6 * n } } };
    for (int b = 0; b < c->nb; b++)
        plan_region(c, fit, mu0, n, t0, t1, b, &s, corr, st);
    free(buf);
    free(idx);
    return 0;
}

int rs_df_apply(const DfCtx *c, RsDeflickerFrame *f, const float *corr, RsDeflickerStats *st)
{
    int *ix = malloc(sizeof(int) * (size_t)c->w);
    float *fx = malloc(sizeof(float) * ((size_t)c->w + 2 * (size_t)c->bx));
    if (!ix || !fx) {
        free(ix);
        free(fx);
        return RS_ENOMEM;
    }
    const int64_t cn = (int64_t)((c->w + (1 << c->lcw) - 1) >> c->lcw) * ((c->h + (1 << c->lch) - 1) >> c->lch);
    const double sl = apply_plane(c, f, 0, corr, ix, fx, fx + c->w);
    double sc = 0;
    for (int p = 1; p < 3; p++)
        sc += apply_plane(c, f, p, corr, ix, fx, fx + c->w);
    /* The means over all frames are kept as sums until the end of the shot (deflicker_stream.c). */
    st->samples += (int64_t)c->w * c->h;
    st->mean_change += sl;
    st->mean_chroma_change += sc / (2.0 * cn);
    free(ix);
    free(fx);
    return 0;
}
