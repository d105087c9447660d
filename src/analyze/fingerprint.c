/*
 * fingerprint: a compact visual signature of every frame, for finding the
 * same shot, the same set-up or the same take later (continuity, conform).
 *
 * phash: the signs of the 63 lowest-frequency DCT coefficients (DC excluded)
 * of a 32x32 area-averaged luma thumbnail, against their median; robust to
 * recompression, scaling, grading and small shifts. Compare with the Hamming
 * distance: <= 10 of 64 bits is "the same picture".
 * grid: the 4x4 mean luma layout, 4 bits a cell, row-major from the top left
 * cell in the top nibble; it keeps the exposure that phash discards.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "rushes/analyze.h"
#include "rushes/error.h"

#define T 32

typedef struct FpOpts {
    int64_t change_bits;    /* phash distance from the last marked frame that marks a new look */
} FpOpts;

static const RsOption fp_options[] = {
    { "change_bits", "phash Hamming distance that starts a new entry in the summary's looks list",
      RS_OPT_INT, offsetof(FpOpts, change_bits), .def.i = 18, .min = 1, .max = 64 },
    { NULL }
};

static const RsSeriesDesc fp_series[] = {
    { "phash", RS_SERIES_U64, "64-bit DCT perceptual hash of the luma" },
    { "grid", RS_SERIES_U64, "4x4 mean luma layout, 4 bits per cell" },
    { NULL }
};

typedef struct Fp {
    double cosv[8][T];      /* DCT-II basis for the 8 lowest frequencies */
    int64_t *looks;
    int nlooks, cap;
    uint64_t last_look;
    int64_t frames;
} Fp;

static int fp_init(RsAnalyzerCtx *ctx)
{
    Fp *f = ctx->priv;
    for (int k = 0; k < 8; k++)
        for (int n = 0; n < T; n++)
            f->cosv[k][n] = cos(M_PI / T * (n + 0.5) * k);
    return 0;
}

/* Area-average the plane onto a T x T grid with integer bounds per cell. */
static void thumbnail(const RsPlane *p, double out[T][T])
{
    for (int j = 0; j < T; j++) {
        int y0 = j * p->height / T, y1 = (j + 1) * p->height / T;
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int i = 0; i < T; i++) {
            int x0 = i * p->width / T, x1 = (i + 1) * p->width / T;
            if (x1 <= x0)
                x1 = x0 + 1;
            uint32_t sum = 0, cnt = 0;
            for (int y = y0; y < y1 && y < p->height; y++) {
                const uint8_t *row = p->data + p->stride * y;
                for (int x = x0; x < x1 && x < p->width; x++, cnt++)
                    sum += row[x];
            }
            out[j][i] = cnt ? (double)sum / cnt : 0;
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int fp_frame(RsAnalyzerCtx *ctx, const RsFramePlanes *p, RsValue *out)
{
    Fp *f = ctx->priv;
    const FpOpts *o = ctx->opts;
    double th[T][T], rows[T][8], coef[64], sorted[64];

    thumbnail(&p->reduced[0], th);
    for (int y = 0; y < T; y++)
        for (int k = 0; k < 8; k++) {
            double s = 0;
            for (int x = 0; x < T; x++)
                s += th[y][x] * f->cosv[k][x];
            rows[y][k] = s;
        }
    for (int ky = 0; ky < 8; ky++)
        for (int kx = 0; kx < 8; kx++) {
            double s = 0;
            for (int y = 0; y < T; y++)
                s += rows[y][kx] * f->cosv[ky][y];
            coef[ky * 8 + kx] = s;
        }
    /* The median of the 63 AC coefficients splits the bits evenly. */
    memcpy(sorted, coef + 1, 63 * sizeof(double));
    qsort(sorted, 63, sizeof(double), cmp_double);
    const double med = sorted[31];
    uint64_t h = 0;
    for (int k = 1; k < 64; k++)
        h = (h << 1) | (coef[k] > med);
    out[0].u = h;

    uint64_t g = 0;
    for (int cy = 0; cy < 4; cy++)
        for (int cx = 0; cx < 4; cx++) {
            double s = 0;
            for (int y = 0; y < T / 4; y++)
                for (int x = 0; x < T / 4; x++)
                    s += th[cy * T / 4 + y][cx * T / 4 + x];
            unsigned q = (unsigned)(s / (T * T / 16) / 16.0);
            g = (g << 4) | (q > 15 ? 15 : q);
        }
    out[1].u = g;

    if (f->frames == 0 || __builtin_popcountll(h ^ f->last_look) >= o->change_bits) {
        if (f->nlooks == f->cap) {
            int cap = f->cap ? f->cap * 2 : 16;
            int64_t *v = realloc(f->looks, (size_t)cap * sizeof(*v));
            if (!v)
                return RS_ENOMEM;
            f->looks = v;
            f->cap = cap;
        }
        f->looks[f->nlooks++] = p->index;
        f->last_look = h;
    }
    f->frames++;
    return 0;
}

static int fp_finish(RsAnalyzerCtx *ctx, RsJson *j)
{
    Fp *f = ctx->priv;
    rs_json_int(j, "frames", f->frames);
    rs_json_begin_array(j, "looks");
    for (int i = 0; i < f->nlooks; i++)
        rs_json_int(j, NULL, f->looks[i]);
    rs_json_end_array(j);
    return 0;
}

static void fp_close(RsAnalyzerCtx *ctx)
{
    Fp *f = ctx->priv;
    free(f->looks);
}

const RsAnalyzer rs_analyzer_fingerprint = {
    .name = "fingerprint",
    .help = "per-frame perceptual hash and luma layout for matching shots and takes",
    .version = 1,
    .needs = RS_NEED_REDUCED,
    .options = fp_options,
    .options_size = sizeof(FpOpts),
    .series = fp_series,
    .priv_size = sizeof(Fp),
    .init = fp_init,
    .frame = fp_frame,
    .finish = fp_finish,
    .close = fp_close,
};
