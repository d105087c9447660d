/*
 * Flow speed and accuracy on generated known motion at the sizes that
 * matter: a smooth texture with detail at three scales, shifted by (3.7, -2.2) pixels with a 10 %
 * exposure change. Prints the end-point error and the best-of-5 time per
 * field, default settings. Usage: bench_flow [WxH...]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rushes/error.h"
#include "rushes/flow.h"

static double octave(double x, double y)
{
    static const double k[][4] = {
        { 0.3, 31, 0.1, 30 }, { 1.4, 23, 2.0, 26 }, { 2.2, 17, 1.1, 22 }, { 2.9, 13, 0.7, 16 },
        { 0.9, 11, 2.9, 12 }, { 1.9, 9, 0.4, 10 }, { 2.6, 41, 1.7, 24 }, { 0.6, 7.5, 3.1, 8 },
    };
    double v = 0;
    for (int i = 0; i < 8; i++)
        v += k[i][3] * sin(2 * M_PI * (cos(k[i][0]) * x + sin(k[i][0]) * y) / k[i][1] + k[i][2]);
    return v;
}

/* Detail at every scale, as in real pictures (a single fine scale is
 * invisible to the coarse levels of any pyramid). */
static double texture(double x, double y)
{
    double v = 128 + 0.5 * octave(x, y) + 0.35 * octave(x / 4 + 7, y / 4 + 3) + 0.3 * octave(x / 16 + 1, y / 16 + 9);
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int run(int w, int h)
{
    const double tx = 3.7, ty = -2.2;
    uint8_t *a = malloc((size_t)w * h), *b = malloc((size_t)w * h);
    float *u = malloc(sizeof(float) * w * h), *v = malloc(sizeof(float) * w * h);
    if (!a || !b || !u || !v)
        return 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            a[(size_t)y * w + x] = (uint8_t)lrint(texture(x, y));
            double s = 1.1 * texture(x - tx, y - ty);
            b[(size_t)y * w + x] = (uint8_t)lrint(s > 255 ? 255 : s);
        }
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        if (rs_flow_compute(a, w, b, w, w, h, NULL, u, v) < 0) {
            fprintf(stderr, "bench_flow: %s\n", rs_error_message());
            return 1;
        }
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    double sum = 0;
    long n = 0;
    for (int y = 16; y < h - 16; y++)
        for (int x = 16; x < w - 16; x++, n++)
            sum += hypot(u[(size_t)y * w + x] - tx, v[(size_t)y * w + x] - ty);
    printf("flow %dx%d: EPE %.3f px, %.1f ms per field (%.1f fields/s), one thread\n", w, h, sum / n,
           best * 1e3, 1 / best);
    free(a);
    free(b);
    free(u);
    free(v);
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const def[] = { "432x240", "960x540", "1920x1080" };
    int n = argc > 1 ? argc - 1 : 3;
    for (int i = 0; i < n; i++) {
        int w, h;
        if (sscanf(argc > 1 ? argv[i + 1] : def[i], "%dx%d", &w, &h) != 2 || w < 16 || h < 16) {
            fprintf(stderr, "bench_flow: '%s' is not WxH\n", argv[i + 1]);
            return 2;
        }
        if (run(w, h))
            return 1;
    }
    return 0;
}
