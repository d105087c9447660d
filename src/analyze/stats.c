/*
 * stats: per-frame luma and chroma statistics on the reduced planes, and runs
 * of black and frozen frames in the summary. Values are 8-bit code values
 * whatever the source depth (10-bit sources are scaled by the reduction).
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "rushes/analyze.h"
#include "rushes/error.h"

typedef struct StatsOpts {
    double black_pct;       /* a frame is black when its 99th percentile is this close to black */
    int64_t min_black;      /* shortest run of black frames reported */
    double freeze_diff;     /* mean absolute difference below which a frame repeats the last */
    int64_t min_freeze;     /* shortest run of frozen frames reported */
} StatsOpts;

static const RsOption stats_options[] = {
    { "black_pct", "percent of the nominal luma range above black that still counts as black",
      RS_OPT_DOUBLE, offsetof(StatsOpts, black_pct), .def.d = 6.0, .min = 0, .max = 100 },
    { "min_black", "shortest run of black frames to report", RS_OPT_INT,
      offsetof(StatsOpts, min_black), .def.i = 1, .min = 1, .max = 1000000 },
    /* A still shot keeps sensor noise and grain; a repeated frame decodes (almost) identically. */
    { "freeze_diff", "mean absolute luma difference (8-bit) under which a frame is a repeat",
      RS_OPT_DOUBLE, offsetof(StatsOpts, freeze_diff), .def.d = 0.005, .min = 0, .max = 255 },
    { "min_freeze", "shortest run of repeated frames to report", RS_OPT_INT,
      offsetof(StatsOpts, min_freeze), .def.i = 12, .min = 2, .max = 1000000 },
    { NULL }
};

enum { S_YMEAN, S_YSD, S_YLO, S_YHI, S_CB, S_CR, S_SAT, S_DIFF, S_COUNT };

static const RsSeriesDesc stats_series[] = {
    { "y_mean", RS_SERIES_F32, "mean luma, 8-bit code value" },
    { "y_sd", RS_SERIES_F32, "standard deviation of luma" },
    { "y_p1", RS_SERIES_F32, "1st percentile of luma" },
    { "y_p99", RS_SERIES_F32, "99th percentile of luma" },
    { "cb_mean", RS_SERIES_F32, "mean Cb" },
    { "cr_mean", RS_SERIES_F32, "mean Cr" },
    { "sat_mean", RS_SERIES_F32, "mean chroma distance from neutral, |Cb-128|+|Cr-128|" },
    { "y_diff", RS_SERIES_F32, "mean absolute luma difference from the previous frame (NaN on the first)" },
    { NULL }
};

typedef struct Run {
    int64_t start, end;    /* inclusive frame numbers */
} Run;

typedef struct RunList {
    Run *v;
    int n, cap;
    int64_t open_start;    /* -1 when no run is open */
} RunList;

typedef struct Stats {
    uint8_t *prev;
    size_t prev_size;
    int have_prev;
    int64_t frames;
    double sum_mean;
    RunList black, freeze;
} Stats;

static int run_push(RunList *l, int64_t start, int64_t end)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        Run *v = realloc(l->v, (size_t)cap * sizeof(*v));
        if (!v)
            return RS_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (Run){ start, end };
    return 0;
}

/* Track a run of frames for which cond holds; close it when cond fails. */
static int run_track(RunList *l, int cond, int64_t frame, int64_t min_len)
{
    if (cond) {
        if (l->open_start < 0)
            l->open_start = frame;
        return 0;
    }
    if (l->open_start >= 0) {
        int64_t start = l->open_start;
        l->open_start = -1;
        if (frame - start >= min_len)
            return run_push(l, start, frame - 1);
    }
    return 0;
}

static int stats_init(RsAnalyzerCtx *ctx)
{
    Stats *s = ctx->priv;
    s->black.open_start = s->freeze.open_start = -1;
    return 0;
}

static int stats_frame(RsAnalyzerCtx *ctx, const RsFramePlanes *p, RsValue *out)
{
    Stats *s = ctx->priv;
    const StatsOpts *o = ctx->opts;
    const RsPlane *y = &p->reduced[0], *cb = &p->reduced[1], *cr = &p->reduced[2];
    const int w = y->width, h = y->height;
    const size_t n = (size_t)w * (size_t)h;
    uint32_t hist[256] = { 0 };
    uint64_t sum = 0, sq = 0, csum = 0, rsum = 0, sat = 0, diff = 0;

    for (int j = 0; j < h; j++) {
        const uint8_t *ry = y->data + y->stride * j;
        const uint8_t *rb = cb->data + cb->stride * j;
        const uint8_t *rr = cr->data + cr->stride * j;
        for (int i = 0; i < w; i++) {
            unsigned v = ry[i];
            hist[v]++;
            sum += v;
            sq += v * v;
            csum += rb[i];
            rsum += rr[i];
            sat += (unsigned)abs(rb[i] - 128) + (unsigned)abs(rr[i] - 128);
        }
        if (s->have_prev) {
            const uint8_t *py = s->prev + (size_t)w * (size_t)j;
            for (int i = 0; i < w; i++)
                diff += (unsigned)abs(ry[i] - py[i]);
        }
    }
    if (n == 0) {
        for (int k = 0; k < S_COUNT; k++)
            out[k].f = NAN;
        return 0;
    }
    const double mean = (double)sum / (double)n;
    double var = (double)sq / (double)n - mean * mean;
    size_t lo_rank = n / 100, hi_rank = n - 1 - n / 100, acc = 0;
    int lo = -1, hi = 255;
    for (int v = 0; v < 256; v++) {
        acc += hist[v];
        if (lo < 0 && acc > lo_rank)
            lo = v;
        if (acc > hi_rank) {
            hi = v;
            break;
        }
    }
    out[S_YMEAN].f = mean;
    out[S_YSD].f = sqrt(var > 0 ? var : 0);
    out[S_YLO].f = lo;
    out[S_YHI].f = hi;
    out[S_CB].f = (double)csum / (double)n;
    out[S_CR].f = (double)rsum / (double)n;
    out[S_SAT].f = (double)sat / (double)n;
    out[S_DIFF].f = s->have_prev ? (double)diff / (double)n : NAN;

    /* Black is measured from the nominal black level of the clip's range. */
    const double black = p->full_range ? 0 : 16, white = p->full_range ? 255 : 235;
    const int is_black = hi <= black + (white - black) * o->black_pct / 100.0;
    const int frozen = s->have_prev && (double)diff / (double)n < o->freeze_diff;
    int ret = run_track(&s->black, is_black, p->index, o->min_black);
    if (ret >= 0)
        ret = run_track(&s->freeze, frozen, p->index, o->min_freeze - 1);
    if (ret < 0)
        return ret;

    if (s->prev_size < n) {
        uint8_t *np = realloc(s->prev, n);
        if (!np)
            return RS_ENOMEM;
        s->prev = np;
        s->prev_size = n;
    }
    for (int j = 0; j < h; j++)
        memcpy(s->prev + (size_t)w * (size_t)j, y->data + y->stride * j, (size_t)w);
    s->have_prev = 1;
    s->frames++;
    s->sum_mean += mean;
    return 0;
}

static void write_runs(RsJson *j, const char *key, const RunList *l)
{
    rs_json_begin_array(j, key);
    for (int i = 0; i < l->n; i++) {
        rs_json_begin_object(j, NULL);
        rs_json_int(j, "start", l->v[i].start);
        rs_json_int(j, "end", l->v[i].end);
        rs_json_end_object(j);
    }
    rs_json_end_array(j);
}

static int stats_finish(RsAnalyzerCtx *ctx, RsJson *j)
{
    Stats *s = ctx->priv;
    const StatsOpts *o = ctx->opts;
    /* Close runs still open at the end of the clip. */
    int ret = run_track(&s->black, 0, s->frames, o->min_black);
    if (ret >= 0)
        ret = run_track(&s->freeze, 0, s->frames, o->min_freeze - 1);
    if (ret < 0)
        return ret;
    rs_json_int(j, "frames", s->frames);
    rs_json_double(j, "y_mean", s->frames ? s->sum_mean / (double)s->frames : NAN);
    write_runs(j, "black", &s->black);
    /* A freeze run starts at the first frame that repeats its predecessor; report the held frame too. */
    for (int i = 0; i < s->freeze.n; i++)
        s->freeze.v[i].start--;
    write_runs(j, "frozen", &s->freeze);
    return 0;
}

static void stats_close(RsAnalyzerCtx *ctx)
{
    Stats *s = ctx->priv;
    free(s->prev);
    free(s->black.v);
    free(s->freeze.v);
}

const RsAnalyzer rs_analyzer_stats = {
    .name = "stats",
    .help = "per-frame luma/chroma statistics; black and frozen runs",
    /* 2: frozen means a mean difference under 0.005 (was 0.05, which called a still, clean shot frozen). */
    .version = 2,
    .needs = RS_NEED_REDUCED,
    .options = stats_options,
    .options_size = sizeof(StatsOpts),
    .series = stats_series,
    .priv_size = sizeof(Stats),
    .init = stats_init,
    .frame = stats_frame,
    .finish = stats_finish,
    .close = stats_close,
};
