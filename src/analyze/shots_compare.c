/*
 * How two frames of the shots analyzer compare (shots.h): the frame
 * distance, and the block tests the classifier (shots_detect.c) asks of a
 * candidate boundary: how much of the picture stayed, whether the luma
 * layout is the same picture under other light, and how far the layout
 * moved. All work on the 16x9 block means and the histograms of ShotFeat,
 * and leave out blocks black in both frames (letterbox and pillarbox bars).
 */
#include <math.h>
#include <stdlib.h>

#include "analyze/shots.h"

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static double hist_distance(const ShotFeat *a, const ShotFeat *b)
{
    int64_t dy = 0, dc = 0;
    for (int i = 0; i < SHOT_HY; i++)
        dy += abs((int)a->hist[i] - (int)b->hist[i]);
    for (int i = SHOT_HY; i < SHOT_HBINS; i++)
        dc += abs((int)a->hist[i] - (int)b->hist[i]);
    /* Half the L1 distance of two normalised histograms is in [0, 1]. */
    return 0.5 * (0.5 * (double)dy + 0.25 * (double)dc) / SHOT_HSCALE;
}

/* Mean absolute difference of the block means, luma counted twice, 8-bit units. */
double shots_grid_distance(const ShotFeat *a, const ShotFeat *b)
{
    int64_t s = 0;
    for (int i = 0; i < SHOT_CELLS; i++)
        s += 2 * abs(a->grid[0][i] - b->grid[0][i]) + abs(a->grid[1][i] - b->grid[1][i]) +
             abs(a->grid[2][i] - b->grid[2][i]);
    return (double)s / (4.0 * SHOT_CELLS);
}

double shots_distance(const ShotFeat *a, const ShotFeat *b)
{
    /* Unrelated shots differ by 30-60 code values in block means; 40 saturates. */
    double g = shots_grid_distance(a, b) / 40.0;
    return 0.5 * hist_distance(a, b) + 0.5 * (g < 1 ? g : 1);
}

/* A block of a letterbox or pillarbox bar (or a black sky): near black with no colour. */
int shots_black_cell(const ShotFeat *f, int i)
{
    return f->grid[0][i] < 28 && abs(f->grid[1][i] - 128) < 6 && abs(f->grid[2][i] - 128) < 6;
}

/*
 * Share of the picture that did not change from a to b, allowing for a
 * change of overall brightness (an iris or auto-exposure move, a light
 * going on): blocks whose means differ by less than a tolerance (Y, Cb and
 * Cr together) once the mean luma difference is taken off, among the blocks
 * that are not black in both (letterbox bars and night skies say nothing).
 * The tolerance is 10 code values for pictures of ordinary brightness or
 * contrast and shrinks in dark, flat ones: in a night scene every block sits
 * within a few code values of black, and two different shots would
 * otherwise look the same.
 * 0 when every block is black.
 */
static int cmp_int(const void *x, const void *y)
{
    return *(const int *)x - *(const int *)y;
}

double shots_unchanged_share(const ShotFeat *a, const ShotFeat *b)
{
    int n = 0, sum = 0, sa = 0, sb = 0, d[SHOT_CELLS];
    for (int i = 0; i < SHOT_CELLS; i++) {
        if (shots_black_cell(a, i) && shots_black_cell(b, i))
            continue;
        d[n] = b->grid[0][i] - a->grid[0][i];
        sum += d[n++];
        sa += a->grid[0][i];
        sb += b->grid[0][i];
    }
    if (!n)
        return 0;
    /* Three guesses at the change of light: none, the mean change (something dark in
     * front of part of the picture moves it too) and the median change (a car crossing
     * an auto-exposed picture moves the mean, not the median). The best one counts. */
    qsort(d, (size_t)n, sizeof(*d), cmp_int);
    const int off[3] = { 0, sum / n, d[n / 2] };
    /* Brightness above black (16-80) or contrast (mean absolute deviation of the block
     * means, 6-24), whichever is larger, maps to a quarter to all of the tolerance. */
    double dev = 0;
    for (int i = 0; i < SHOT_CELLS; i++)
        if (!shots_black_cell(a, i) || !shots_black_cell(b, i))
            dev += fabs(a->grid[0][i] - (double)sa / n) + fabs(b->grid[0][i] - (double)sb / n);
    const double lift = ((double)(sa + sb) / (2.0 * n) - 16) / 64, spread = (dev / (2.0 * n) - 6) / 18 + 0.25;
    const double k = lift > spread ? lift : spread, tol = 10 * (k >= 1 ? 1 : k <= 0.25 ? 0.25 : k);
    int best = 0;
    for (int o = 0; o < 3; o++) {
        int same = 0;
        for (int i = 0; i < SHOT_CELLS; i++) {
            if (shots_black_cell(a, i) && shots_black_cell(b, i))
                continue;
            const int dc = abs(a->grid[1][i] - b->grid[1][i]) + abs(a->grid[2][i] - b->grid[2][i]);
            same += abs(a->grid[0][i] + off[o] - b->grid[0][i]) + dc < tol;
        }
        best = same > best ? same : best;
    }
    return (double)best / n;
}


/*
 * Pearson correlation of the luma block means of a and of b moved by (dx, dy)
 * blocks, where they overlap, leaving out blocks black in both. *flat is set
 * (and 0 returned) when either picture's block means vary by less than
 * min_var (a variance, code values squared).
 */
static double layout_corr(const ShotFeat *a, const ShotFeat *b, int dx, int dy, double min_var, int *flat)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    int n = 0;
    for (int y = 0; y < SHOT_GH; y++)
        for (int x = 0; x < SHOT_GW; x++) {
            const int xb = x + dx, yb = y + dy;
            if (xb < 0 || xb >= SHOT_GW || yb < 0 || yb >= SHOT_GH)
                continue;
            const int i = y * SHOT_GW + x, k = yb * SHOT_GW + xb;
            if (shots_black_cell(a, i) && shots_black_cell(b, k))
                continue;
            const double u = a->grid[0][i], v = b->grid[0][k];
            sa += u;
            sb += v;
            saa += u * u;
            sbb += v * v;
            sab += u * v;
            n++;
        }
    *flat = 1;
    if (n < 8)
        return 0;
    const double va = saa - sa * sa / n, vb = sbb - sb * sb / n;
    if (va < min_var * n || vb < min_var * n)
        return 0;
    *flat = 0;
    return (sab - sa * sb / n) / sqrt(va * vb);
}

/*
 * The same picture under other light: luma block means of a and b on one
 * line (Pearson correlation 0.9 or more). An exposure or lighting change
 * keeps the layout; a new shot does not. Blocks black in both (letterbox
 * bars) are left out: two letterboxed shots share their bars, and the bars
 * alone would put any two of them on one line. Flat pictures (block means
 * within 3 code values) say nothing (0).
 */
int shots_same_layout(const ShotFeat *a, const ShotFeat *b)
{
    int flat;
    const double r = layout_corr(a, b, 0, 0, 9, &flat);
    return !flat && r >= 0.9;
}

/*
 * How far b's block layout is from a's: 1 - the Pearson correlation of the
 * luma block means (blocks black in both left out), in [0, 1], at the best
 * of the shifts by up to one block each way, so that a pan, a tilt or a jolt
 * of the film in the gate is not a new layout. It ignores the histogram and
 * the contrast, so it sees a cut between two grey pictures or two night
 * scenes whose histograms match. Flat pictures (block means within 2 code
 * values) say nothing (0): their correlation is grain.
 */
double shots_layout_change(const ShotFeat *a, const ShotFeat *b)
{
    double best = -1;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int flat;
            const double r = layout_corr(a, b, dx, dy, 4, &flat);
            if (flat && !dx && !dy)
                return 0;
            if (!flat && r > best)
                best = r;
        }
    return clamp01(1 - best);
}

/* The distance cuts are found on: the frame distance, or half the layout change when that is larger. */
double shots_cut_distance(const ShotFeat *a, const ShotFeat *b)
{
    const double d = shots_distance(a, b), l = 0.5 * shots_layout_change(a, b);
    return d > l ? d : l;
}
