/*
 * Deflicker, second pass, second step: the level one region should have at
 * frame t. Within the stretch of t without a sustained change, the frames
 * of the window that are flicker rather than wild are picked, and the
 * target follows the curve they fix: their mean, a line (a ramp) or a
 * parabola (a fade), whichever stands out of the flicker. Where the window
 * fails on the shape of a fade, a short smoother over the frames nearest t
 * takes over. This is the model of what the light was meant to do; how far
 * the correction may go towards it is deflicker_correct.c's business.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/deflicker_level.h"

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
        qsort(tmp, hi - lo - 1, sizeof(double), df_cmp_double);
        curv = tmp[(hi - lo - 2) / 2];
        /* Second differences of independent flicker have a variance of 6 sigma^2. */
        if (fabs(curv) < 3 * 1.2533 * sigma * sqrt(6.0 / (hi - lo - 1)))
            curv = 0;
    }
    if (hi > lo) {
        for (int i = lo; i < hi; i++)
            tmp[i - lo] = lev[i + 1] - lev[i];
        qsort(tmp, hi - lo, sizeof(double), df_cmp_double);
        slope = tmp[(hi - lo - 1) / 2];
        /* The median of m differences of variance 2 sigma^2 has a standard error of 1.25 sigma sqrt(2 / m). */
        if (fabs(slope) < 3 * 1.2533 * sigma * sqrt(2.0 / (hi - lo)))
            slope = 0;
    }
    for (int i = lo; i <= hi; i++)
        tmp[i - lo] = lev[i] - slope * (i - mid) - 0.5 * curv * (i - mid) * (i - mid);
    qsort(tmp, hi - lo + 1, sizeof(double), df_cmp_double);
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

double rs_df_model_at(const double *y, const int *idx, int m, int t, int hw, int deg)
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
 * bound of deflicker_correct.c. Returns their number; *hw and *deg receive
 * the model's half width and degree.
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
    const double sm = rs_df_smooth_at(lev, t, 0, n - 1);
    return fabs(lev[t] - sm) <= DF_STRAY_K * fast ? sm : NAN;
}

int rs_df_frames(const DfLevel *l, int t, int *idx, double *tmp, int *hw, int *deg)
{
    int lo, hi;
    window_at(l->seg_lo[t], l->seg_hi[t], t, l->h, &lo, &hi, hw);
    int m = pick(l->lev, lo, hi, l->tau, l->sigma, idx, tmp);
    *deg = model_degree(l->lev, idx, m, t, *hw, l->sigma);
    if (2 * m < hi - lo + 1)
        m = near_frames(l->seg_lo[t], l->seg_hi[t], t, idx, hw, deg);
    return m;
}

double rs_df_smooth_target(const DfLevel *l, int t, int *idx, int m)
{
    const double ac = across_change(l->lev, l->n, t, l->seg_lo[t], l->seg_hi[t], l->h, idx, m, l->fast[t]);
    return isnan(ac) ? smooth_curve(l->lev, t, l->seg_lo[t], l->seg_hi[t], idx) : ac;
}
