/*
 * The shot-boundary classifier. It reads the whole clip's features (see
 * shots.h) and finds, in this order:
 *
 *  1. Fades: runs of solid black or white frames, with the frames before
 *     them losing contrast or level toward the solid colour (fade out) and
 *     the frames after gaining it (fade in). A pair around a short solid run
 *     is one fade_out_in.
 *  2. Hard cuts: a cut distance (frame distance or layout change, see
 *     shots_compare.c) that is large in itself and several times the third
 *     largest distance around it (so fast pans, zooms and grain, which keep
 *     every distance high, do not cut), and that is not undone within
 *     flash_frames: when the picture after a short bright or blocked run
 *     matches the one before it, the run was a flash, a strobe or something
 *     passing the lens, not a cut.
 *  3. Dissolves and wipes: a frame that is a mix of the frames h before and
 *     h after it (a dissolve: every block on the line between the two ends;
 *     a wipe: every block equal to one end or the other), where the two ends
 *     differ. Camera motion moves blocks rather than mixing them, so it does
 *     not pass either test.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/shots.h"
#include "rushes/error.h"

const char *shots_type_name(ShotType t)
{
    static const char *const names[] = { "cut", "dissolve", "wipe", "fade_out", "fade_in", "fade_out_in" };
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

typedef struct List {
    ShotBoundary *v;
    int n, cap;
} List;

static int push(List *l, ShotBoundary b)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 16;
        ShotBoundary *v = realloc(l->v, (size_t)cap * sizeof(*v));
        if (!v)
            return RS_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = b;
    return 0;
}

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/*
 * 0 not solid, 1 black, 2 white: nearly every pixel (solid_fraction of them)
 * is dark or bright. A fraction rather than a spread, because black frames
 * often carry a burned-in caption, a logo or a timecode window.
 */
static int solid_kind(const ShotFeat *f, const ShotParams *p)
{
    int64_t dark = 0, black = 0, bright = 0;
    for (int i = 0; i < 5; i++)            /* luma < 40 */
        dark += f->hist[i];
    for (int i = 0; i < 3; i++)            /* luma < 24 */
        black += f->hist[i];
    for (int i = 25; i < SHOT_HY; i++)     /* luma >= 200 */
        bright += f->hist[i];
    /* Black itself, not a night scene: that has nearly all of its pixels under 40 too,
     * but most of them above black (24), where a black frame has nearly none. */
    if (dark >= p->solid_fraction * SHOT_HSCALE && black >= (p->solid_fraction - 0.1) * SHOT_HSCALE)
        return 1;
    if (bright >= p->solid_fraction * SHOT_HSCALE)
        return 2;
    return 0;
}

/*
 * Walk from the solid frame at edge away from it (step -1 for a fade out,
 * +1 for a fade in) while contrast keeps growing and the picture keeps
 * changing. Returns the frame farthest from the solid run that still belongs
 * to the fade, or edge itself when there is no fade.
 */
static int64_t walk_fade(const ShotFeat *f, int64_t n, int64_t edge, int step, int white, const ShotParams *p)
{
    int64_t k = edge + step, last = edge;
    int into_solid = 0;
    while (k >= 0 && k < n && llabs(k - edge) <= p->max_fade) {
        const ShotFeat *cur = &f[k], *near = &f[k - step];
        if (solid_kind(cur, p)) {
            into_solid = 1;
            break;
        }
        if (cur->y_sd + 0.25f < near->y_sd)
            break;
        /* The mean moves away from the solid colour as we leave it. */
        if (white ? cur->y_mean > near->y_mean + 0.5f : cur->y_mean + 0.5f < near->y_mean)
            break;
        /* Still moving: a held shot next to a cut to black has grain but no trend. */
        float grow = (cur->y_sd - near->y_sd) + (white ? near->y_mean - cur->y_mean : cur->y_mean - near->y_mean);
        if (grow < 0.25f)
            break;
        last = k;
        k += step;
    }
    if (last == edge)
        return edge;
    /* A cut into black leaves a frame of the picture's own contrast and level beside the
     * solid run; a fade, one that has lost much of either. A dark picture fading out loses
     * level more than contrast, a flat bright one only level. A ramp from one solid run
     * into another (black to white, as in a test pattern) has no shot to fade. */
    const ShotFeat *outer = &f[last], *inner = &f[edge + step];
    const float solid = white ? 235.f : 16.f;
    const float lo = fabsf(outer->y_mean - solid), li = fabsf(inner->y_mean - solid);
    if (llabs(last - edge) < 2 || (inner->y_sd > 0.6f * outer->y_sd && li > 0.6f * lo) ||
        (outer->y_sd < 8 && lo < 24) || into_solid)
        return edge;
    return last;
}

static int find_fades(const ShotFeat *f, int64_t n, const ShotParams *p, List *l, uint8_t *mask)
{
    int64_t j = 0;
    while (j < n) {
        int kind = solid_kind(&f[j], p);
        if (!kind) {
            j++;
            continue;
        }
        int64_t s = j, e = j;
        while (e + 1 < n && solid_kind(&f[e + 1], p) == kind)
            e++;
        j = e + 1;
        const int white = kind == 2;
        int64_t fo = walk_fade(f, n, s, -1, white, p), fi = walk_fade(f, n, e, +1, white, p);
        /* Something dark sweeping past the lens darkens the picture to black and gives the
         * same picture back within a few frames: that is no fade out and in. */
        if (fo < s && fi > e && fi - fo <= 2 * p->flash_frames && fo > 0 && fi + 1 < n &&
            shots_unchanged_share(&f[fo - 1], &f[fi + 1]) >= 0.5)
            continue;
        double co = fo < s ? clamp01(0.5 + 0.05 * (double)(s - fo)) : 0;
        double ci = fi > e ? clamp01(0.5 + 0.05 * (double)(fi - e)) : 0;
        int ret = 0;
        if (fo < s && fi > e && e - s < p->max_fade)
            ret = push(l, (ShotBoundary){ SHOT_FADE_OUT_IN, fo, fi, (s + e + 1) / 2, co < ci ? co : ci, white });
        else {
            if (fo < s)
                ret = push(l, (ShotBoundary){ SHOT_FADE_OUT, fo, s, s, co, white });
            if (ret >= 0 && fi > e)
                ret = push(l, (ShotBoundary){ SHOT_FADE_IN, e, fi, e + 1 > fi ? fi : e + 1, ci, white });
        }
        if (ret < 0)
            return ret;
        /* Solid runs and fades are no place for cuts or dissolves. */
        for (int64_t k = fo; k <= fi; k++)
            mask[k] = 1;
    }
    return 0;
}

static int find_cuts(const ShotFeat *f, int64_t n, const ShotParams *p, double *c, List *l,
                     const uint8_t *mask)
{
    for (int64_t j = 1; j < n; j++)
        c[j] = shots_cut_distance(&f[j - 1], &f[j]);
    const int64_t w = 6, r = p->flash_frames;
    for (int64_t j = 1; j < n; j++) {
        if (c[j] < p->cut_threshold || (mask[j] && mask[j - 1]))
            continue;
        /* A cut moves the block means or their layout. In a night scene, where every level
         * sits near one histogram bin edge, noise and a slight change of exposure can move
         * the histogram alone. */
        if (shots_grid_distance(&f[j - 1], &f[j]) < 1.5 && shots_layout_change(&f[j - 1], &f[j]) < 0.5)
            continue;
        /* A cut changes the whole picture; a muzzle flash or something in front of the lens leaves part of it. */
        if (shots_unchanged_share(&f[j - 1], &f[j]) >= 0.5 || shots_same_layout(&f[j - 1], &f[j]))
            continue;
        /* The third largest distance around it: fast motion, zooms and grain keep many
         * distances high, while a flash or another cut nearby adds only one or two. */
        double top[3] = { 0, 0, 0 };
        for (int64_t k = j - w; k <= j + w; k++) {
            if (k == j || k < 1 || k >= n)
                continue;
            double v = c[k];
            for (int t = 0; t < 3; t++)
                if (v > top[t]) {
                    double x = top[t];
                    top[t] = v;
                    v = x;
                }
        }
        const double around = top[2];
        if (c[j] < p->cut_ratio * around)
            continue;
        /* Undone within r frames, either way: a flash or something passing the lens. */
        int undone = 0;
        /* Most of the picture coming back counts too: the scene may have moved on behind the flash. */
        for (int64_t k = 1; k <= r && !undone; k++) {
            if (j + k < n && (shots_cut_distance(&f[j - 1], &f[j + k]) < 0.4 * c[j] ||
                              shots_unchanged_share(&f[j - 1], &f[j + k]) >= 0.5))
                undone = 1;
            if (j - 1 - k >= 0 && (shots_cut_distance(&f[j - 1 - k], &f[j]) < 0.4 * c[j] ||
                                   shots_unchanged_share(&f[j - 1 - k], &f[j]) >= 0.5))
                undone = 1;
        }
        if (undone)
            continue;
        double conf = 0.5 + 0.25 * clamp01((c[j] - p->cut_threshold) / p->cut_threshold) +
                      0.25 * clamp01(around > 0 ? (c[j] / around - p->cut_ratio) / p->cut_ratio : 1);
        int ret = push(l, (ShotBoundary){ SHOT_CUT, j, j, j, conf, 0 });
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* How frame m sits between a and b: the blend factor and the two fit errors, relative to |b - a|. */
typedef struct Mix {
    double alpha, blend_err, wipe_err, frac_b, dab, changed, uniform;
} Mix;

static Mix mix_fit(const ShotFeat *a, const ShotFeat *m, const ShotFeat *b)
{
    double xy = 0, yy = 0, ylen = 0;
    for (int pl = 0; pl < 3; pl++)
        for (int i = 0; i < SHOT_CELLS; i++) {
            double x = m->grid[pl][i] - a->grid[pl][i], y = b->grid[pl][i] - a->grid[pl][i];
            xy += x * y;
            yy += y * y;
            ylen += fabs(y);
        }
    Mix r = { 0, 1, 1, 0, ylen / (3.0 * SHOT_CELLS), 0, 0 };
    if (yy <= 0)
        return r;
    r.alpha = xy / yy;
    double be = 0, we = 0;
    int nb = 0, nc = 0;
    for (int i = 0; i < SHOT_CELLS; i++) {
        double da = 0, db = 0;
        for (int pl = 0; pl < 3; pl++) {
            double x = m->grid[pl][i] - a->grid[pl][i], y = b->grid[pl][i] - a->grid[pl][i];
            be += fabs(x - r.alpha * y);
            da += fabs(x);
            db += abs(m->grid[pl][i] - b->grid[pl][i]);
        }
        we += da < db ? da : db;
        nb += db < da;
        nc += abs(b->grid[0][i] - a->grid[0][i]) + abs(b->grid[1][i] - a->grid[1][i]) +
              abs(b->grid[2][i] - a->grid[2][i]) > 15;
    }
    r.changed = (double)nc / SHOT_CELLS;
    /* In a dissolve every block is the same way between its two ends; in motion some have
     * arrived and some not (luma blocks that change by 12 or more decide). */
    int strong = 0, agree = 0;
    for (int i = 0; i < SHOT_CELLS; i++) {
        int y = b->grid[0][i] - a->grid[0][i];
        if (abs(y) < 12)
            continue;
        strong++;
        agree += fabs((double)(m->grid[0][i] - a->grid[0][i]) / y - r.alpha) < 0.25;
    }
    r.uniform = strong ? (double)agree / strong : 0;
    r.blend_err = be / ylen;
    r.wipe_err = we / ylen;
    r.frac_b = (double)nb / SHOT_CELLS;
    return r;
}

static int overlaps(const List *l, int64_t s, int64_t e)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i].start <= e && s <= l->v[i].end)
            return 1;
    return 0;
}

static int has_cut(const List *l, int upto, int64_t a, int64_t b)
{
    for (int i = 0; i < upto; i++)
        if (l->v[i].type == SHOT_CUT && l->v[i].start > a && l->v[i].start <= b)
            return 1;
    return 0;
}

/* A wipe fits at least this closely at one of its scales (share of |b - a|). */
#define WIPE_ERR_CLOSE 0.18

static int find_gradual(const ShotFeat *f, int64_t n, const ShotParams *p, List *l, const uint8_t *mask)
{
    static const int hs[] = { 2, 3, 4, 6, 8, 11, 15 };
    const int nh = (int)(sizeof(hs) / sizeof(hs[0]));
    const int fixed = l->n; /* fades and cuts found before */
    int64_t m = 0;
    while (m < n) {
        int best_h = 0, hits = 0, whits = 0;
        ShotType type = SHOT_DISSOLVE;
        double best_err = 1, min_werr = 1;
        for (int hi = 0; hi < nh; hi++) {
            int h = hs[hi];
            if (m - h < 0 || m + h >= n || mask[m - h] || mask[m + h] || mask[m])
                continue;
            const ShotFeat *a = &f[m - h], *b = &f[m + h];
            if (shots_distance(a, b) < p->gradual_threshold || has_cut(l, fixed, m - h, m + h))
                continue;
            Mix x = mix_fit(a, &f[m], b);
            /* Two shots differ nearly everywhere; something entering or
             * leaving a held shot changes only the part it covers. */
            if (x.dab < 8 || x.changed < 0.6)
                continue;
            int dis = x.alpha > 0.3 && x.alpha < 0.7 && x.blend_err < 0.3 && x.uniform >= 0.7;
            int wip = x.frac_b > 0.2 && x.frac_b < 0.8 && x.wipe_err < 0.25 && x.wipe_err < 0.6 * x.blend_err;
            if (wip && x.wipe_err < min_werr)
                min_werr = x.wipe_err;
            if (dis || wip) {
                hits += dis;
                whits += wip && !dis;
                best_h = h;
                type = dis ? SHOT_DISSOLVE : SHOT_WIPE;
                best_err = dis ? x.blend_err : x.wipe_err;
            }
        }
        /* A dissolve is a mix at every scale inside it; motion that happens to fit once is not. */
        /* So is a wipe: camera motion over a textured picture can put every block
         * near one end or the other at one scale, rarely at two and closely. */
        if (!best_h || (type == SHOT_DISSOLVE && hits < 2) ||
            (type == SHOT_WIPE && (whits < 2 || min_werr >= WIPE_ERR_CLOSE))) {
            m++;
            continue;
        }
        /* The span: where the mix leaves the first end and reaches the second. */
        int64_t a = m - best_h, b = m + best_h, s = m, e = m;
        for (int64_t k = a + 1; k < b; k++) {
            double al = mix_fit(&f[a], &f[k], &f[b]).alpha;
            if (al > 0.1 && s == m && k < m)
                s = k;
            if (al < 0.9)
                e = k;
        }
        if (s == m)
            s = a + 1 < m ? a + 1 : m;
        /* Something sweeping past the lens mixes two pictures too, but the
         * same shot is there before and after it: a transition joins two. */
        int64_t pa = s - 1 - p->flash_frames, pb = e + 1 + p->flash_frames;
        pa = pa < 0 ? 0 : pa;
        pb = pb >= n ? n - 1 : pb;
        int joins = shots_distance(&f[pa], &f[pb]) >= p->gradual_threshold && shots_unchanged_share(&f[pa], &f[pb]) < 0.3 &&
                    !shots_same_layout(&f[pa], &f[pb]) &&
                    !has_cut(l, fixed, pa, pb);
        if (joins && !overlaps(l, s, e)) {
            /* A cut found inside the span was the fast middle of this transition. */
            for (int i = 0; i < fixed && i < l->n; i++)
                if (l->v[i].type == SHOT_CUT && l->v[i].start > s && l->v[i].start < e)
                    l->v[i].confidence = -1;
            int ret = push(l, (ShotBoundary){ type, s, e, (s + e + 1) / 2, clamp01(1.0 - best_err), 0 });
            if (ret < 0)
                return ret;
        }
        m = e + 1 > m + 1 ? e + 1 : m + 1;
    }
    return 0;
}

static int by_start(const void *x, const void *y)
{
    const ShotBoundary *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

int shots_detect(const ShotFeat *f, int64_t n, const ShotParams *p, ShotBoundary **out, int *nb_out)
{
    List l = { 0 };
    *out = NULL;
    *nb_out = 0;
    if (n < 2)
        return 0;
    double *c = malloc((size_t)n * sizeof(*c));
    uint8_t *mask = calloc((size_t)n, 1);
    int ret = RS_ENOMEM;
    if (!c || !mask)
        goto end;
    c[0] = 0;
    if ((ret = find_fades(f, n, p, &l, mask)) < 0 || (ret = find_cuts(f, n, p, c, &l, mask)) < 0 ||
        (ret = find_gradual(f, n, p, &l, mask)) < 0)
        goto end;
    int k = 0;
    for (int i = 0; i < l.n; i++)
        if (l.v[i].confidence >= 0)
            l.v[k++] = l.v[i];
    l.n = k;
    if (l.n > 1)
        qsort(l.v, (size_t)l.n, sizeof(*l.v), by_start);
    /* One slow transition can pass the mix test in two pieces, its two ends (the middle needs
     * scales whose ends move on with the action); pieces up to 12 frames apart are one boundary. */
    k = 0;
    for (int i = 0; i < l.n; i++) {
        ShotBoundary *prev = k ? &l.v[k - 1] : NULL, *cur = &l.v[i];
        if (prev && (prev->type == SHOT_DISSOLVE || prev->type == SHOT_WIPE) && prev->type == cur->type &&
            cur->start <= prev->end + 12) {
            prev->end = cur->end > prev->end ? cur->end : prev->end;
            prev->cut = (prev->start + prev->end + 1) / 2;
            prev->confidence = prev->confidence < cur->confidence ? prev->confidence : cur->confidence;
            continue;
        }
        l.v[k++] = *cur;
    }
    l.n = k;
    *out = l.v;
    *nb_out = l.n;
    l.v = NULL;
    ret = 0;
end:
    free(l.v);
    free(c);
    free(mask);
    return ret;
}
