/*
 * shots: shot boundaries (cuts, dissolves, wipes, fades) on the reduced
 * planes. frame() keeps a small feature record per frame (block means and
 * histograms, see shots.h) and emits the distance to the previous frame;
 * finish() classifies the whole clip (shots_detect.c) and writes the typed
 * boundaries and the shot list with PTS and timecode.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/shots.h"
#include "core/json.h"
#include "rushes/analyze.h"
#include "rushes/error.h"
#include "rushes/timecode.h"

typedef struct ShotsOpts {
    double cut_threshold;
    double cut_ratio;
    int64_t flash_frames;
    double gradual_threshold;
    int64_t max_fade;
    double solid_fraction;
} ShotsOpts;

static const RsOption shots_options[] = {
    { "cut_threshold", "frame distance (0-1) a hard cut must reach", RS_OPT_DOUBLE,
      offsetof(ShotsOpts, cut_threshold), .def.d = 0.25, .min = 0.01, .max = 1 },
    { "cut_ratio", "a cut's distance over the largest within 6 frames of it", RS_OPT_DOUBLE,
      offsetof(ShotsOpts, cut_ratio), .def.d = 1.8, .min = 1, .max = 100 },
    { "flash_frames", "longest flash or occlusion that returns to the same picture (frames)", RS_OPT_INT,
      offsetof(ShotsOpts, flash_frames), .def.i = 10, .min = 0, .max = 100 },
    { "gradual_threshold", "distance (0-1) between the two ends of a dissolve or wipe", RS_OPT_DOUBLE,
      offsetof(ShotsOpts, gradual_threshold), .def.d = 0.25, .min = 0.01, .max = 1 },
    { "max_fade", "longest fade out or in (frames)", RS_OPT_INT, offsetof(ShotsOpts, max_fade),
      .def.i = 90, .min = 2, .max = 10000 },
    { "solid_fraction", "share of pixels under luma 40 (over 200) that makes a frame solid black (white); black also needs this less 0.1 under 24",
      RS_OPT_DOUBLE, offsetof(ShotsOpts, solid_fraction), .def.d = 0.97, .min = 0.5, .max = 1 },
    { NULL }
};

static const RsSeriesDesc shots_series[] = {
    { "shot_diff", RS_SERIES_F32, "distance (0-1) from the previous frame (NaN on the first)" },
    { NULL }
};

typedef struct Shots {
    ShotFeat *f;
    int64_t n, cap;
    int *col;               /* grid column of each reduced column */
    int col_w;
} Shots;

static int shots_frame(RsAnalyzerCtx *ctx, const RsFramePlanes *p, RsValue *out)
{
    Shots *s = ctx->priv;
    const RsPlane *pl = p->reduced;
    const int w = pl[0].width, h = pl[0].height;
    if (s->n == s->cap) {
        int64_t cap = s->cap ? 2 * s->cap : 1024;
        ShotFeat *nf = realloc(s->f, (size_t)cap * sizeof(*nf));
        if (!nf)
            return RS_ENOMEM;
        s->f = nf;
        s->cap = cap;
    }
    if (s->col_w != w) {
        int *c = realloc(s->col, (size_t)(w > 0 ? w : 1) * sizeof(*c));
        if (!c)
            return RS_ENOMEM;
        s->col = c;
        s->col_w = w;
        for (int i = 0; i < w; i++)
            s->col[i] = i * SHOT_GW / w;
    }
    ShotFeat *f = &s->f[s->n];
    memset(f, 0, sizeof(*f));
    f->pts = p->pts;
    if (w <= 0 || h <= 0) {
        out[0].f = NAN;
        s->n++;
        return 0;
    }
    uint32_t sum[3][SHOT_CELLS] = { { 0 } }, cnt[SHOT_CELLS] = { 0 }, hist[SHOT_HBINS] = { 0 };
    uint64_t ys = 0, yq = 0, npix = 0;
    /* Every other sample of every other row: a 1080p frame still gives 32400
     * samples, 225 per block, and the pass costs a quarter. */
    const int step = w >= 64 && h >= 36 ? 2 : 1;
    for (int j = 0; j < h; j += step) {
        const int row = j * SHOT_GH / h * SHOT_GW;
        const uint8_t *ry = pl[0].data + pl[0].stride * j;
        const uint8_t *rb = pl[1].data + pl[1].stride * j;
        const uint8_t *rr = pl[2].data + pl[2].stride * j;
        for (int i = 0; i < w; i += step) {
            const int cell = row + s->col[i];
            const unsigned y = ry[i], cb = rb[i], cr = rr[i];
            sum[0][cell] += y;
            sum[1][cell] += cb;
            sum[2][cell] += cr;
            cnt[cell]++;
            hist[y >> 3]++;
            hist[SHOT_HY + (cb >> 4)]++;
            hist[SHOT_HY + SHOT_HC + (cr >> 4)]++;
            ys += y;
            yq += y * y;
            npix++;
        }
    }
    for (int pc = 0; pc < 3; pc++)
        for (int c = 0; c < SHOT_CELLS; c++)
            f->grid[pc][c] = cnt[c] ? (uint8_t)((sum[pc][c] + cnt[c] / 2) / cnt[c]) : 0;
    for (int b = 0; b < SHOT_HBINS; b++)
        f->hist[b] = (uint16_t)((double)hist[b] * SHOT_HSCALE / (double)npix + 0.5);
    f->y_mean = (float)((double)ys / (double)npix);
    double var = (double)yq / (double)npix - f->y_mean * (double)f->y_mean;
    f->y_sd = (float)sqrt(var > 0 ? var : 0);
    out[0].f = s->n ? shots_distance(&s->f[s->n - 1], f) : NAN;
    s->n++;
    return 0;
}

/* Timecode labels need a rate with a timecode format and, for the start, the file's own label. */
typedef struct TcCtx {
    RsTimecodeFormat fmt;
    int ok;
    int64_t start;          /* frames of the first frame's label */
    int64_t pts0;
    RsRational tb;
} TcCtx;

static void tc_label(const TcCtx *t, int64_t pts, char buf[RS_TC_BUFSZ])
{
    buf[0] = 0;
    if (!t->ok)
        return;
    int64_t fr = rs_timecode_frame_from_pts(&t->fmt, pts - t->pts0, t->tb);
    if (fr != RS_TC_NO_FRAME)
        rs_timecode_from_frames(&t->fmt, t->start + fr, buf);
}

static void tc_init(TcCtx *t, const RsMediaInfo *info, const Shots *s)
{
    memset(t, 0, sizeof(*t));
    if (!info || info->nb_video < 1 || s->n < 1)
        return;
    const RsVideoInfo *v = &info->video[0];
    int drop = info->start_timecode[0] ? info->tc_drop : 0;
    if (rs_timecode_format_init(&t->fmt, v->frame_rate, drop) < 0)
        return;
    t->start = 0;
    if (info->start_timecode[0] && rs_timecode_to_frames(&t->fmt, info->start_timecode, &t->start) < 0)
        t->start = 0;
    t->pts0 = s->f[0].pts;
    t->tb = v->time_base;
    t->ok = t->tb.num > 0 && t->tb.den > 0;
}

static void frame_ref(RsJson *j, const char *key, const Shots *s, const TcCtx *t, int64_t fr)
{
    char k[32], tc[RS_TC_BUFSZ];
    rs_json_int(j, key, fr);
    snprintf(k, sizeof(k), "%s_pts", key);
    rs_json_int(j, k, s->f[fr].pts);
    snprintf(k, sizeof(k), "%s_tc", key);
    tc_label(t, s->f[fr].pts, tc);
    if (tc[0])
        rs_json_string(j, k, tc);
    else
        rs_json_null(j, k);
}

static int shots_finish(RsAnalyzerCtx *ctx, RsJson *j)
{
    Shots *s = ctx->priv;
    const ShotsOpts *o = ctx->opts;
    ShotParams prm = { o->cut_threshold, o->cut_ratio, o->flash_frames, o->gradual_threshold, o->max_fade,
                       o->solid_fraction };
    ShotBoundary *b = NULL;
    int nb = 0;
    int ret = shots_detect(s->f, s->n, &prm, &b, &nb);
    if (ret < 0)
        return ret;
    TcCtx t;
    tc_init(&t, ctx->info, s);
    rs_json_int(j, "frames", s->n);
    if (t.ok) {
        rs_json_rational(j, "rate", t.fmt.rate.num, t.fmt.rate.den);
        rs_json_bool(j, "drop_frame", t.fmt.drop);
        rs_json_string(j, "timecode_format", rs_timecode_format_name(&t.fmt));
        char tc[RS_TC_BUFSZ];
        rs_timecode_from_frames(&t.fmt, t.start, tc);
        rs_json_string(j, "start_timecode", tc);
    } else {
        rs_json_null(j, "rate");
        rs_json_null(j, "drop_frame");
        rs_json_null(j, "timecode_format");
        rs_json_null(j, "start_timecode");
    }
    rs_json_string(j, "reel", ctx->info && ctx->info->reel[0] ? ctx->info->reel : NULL);
    rs_json_begin_array(j, "boundaries");
    for (int i = 0; i < nb; i++) {
        rs_json_begin_object(j, NULL);
        rs_json_string(j, "type", shots_type_name(b[i].type));
        frame_ref(j, "start", s, &t, b[i].start);
        frame_ref(j, "end", s, &t, b[i].end);
        if (b[i].type >= SHOT_FADE_OUT)
            rs_json_string(j, "color", b[i].white ? "white" : "black");
        rs_json_double(j, "confidence", round(b[i].confidence * 1000) / 1000);
        rs_json_end_object(j);
    }
    rs_json_end_array(j);
    /* Shots split at a cut's first new frame and at the middle of a gradual transition. */
    rs_json_begin_array(j, "shots");
    int64_t in = 0;
    const char *via = NULL;
    int shot = 0;
    for (int i = 0; i <= nb && s->n > 0; i++) {
        int64_t next = i < nb ? b[i].cut : s->n;
        if (next <= in || next > s->n)
            continue;
        rs_json_begin_object(j, NULL);
        rs_json_int(j, "shot", ++shot);
        frame_ref(j, "in", s, &t, in);
        frame_ref(j, "out", s, &t, next - 1);
        rs_json_int(j, "frames", next - in);
        rs_json_string(j, "transition_in", via);
        rs_json_end_object(j);
        in = next;
        via = i < nb ? shots_type_name(b[i].type) : NULL;
    }
    rs_json_end_array(j);
    free(b);
    return 0;
}

static void shots_close(RsAnalyzerCtx *ctx)
{
    Shots *s = ctx->priv;
    free(s->f);
    free(s->col);
}

const RsAnalyzer rs_analyzer_shots = {
    .name = "shots",
    .help = "shot boundaries: cuts, dissolves, wipes, fades (flashes and fast motion rejected)",
    .version = 1,
    .needs = RS_NEED_REDUCED,
    .options = shots_options,
    .options_size = sizeof(ShotsOpts),
    .series = shots_series,
    .priv_size = sizeof(Shots),
    .frame = shots_frame,
    .finish = shots_finish,
    .close = shots_close,
};
