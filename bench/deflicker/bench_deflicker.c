/*
 * Deflicker measurements on raw 8-bit yuv420p files (bench/deflicker/run.sh
 * makes them with ffmpeg):
 *
 *   bench_deflicker synth W H CLEAN.yuv TRUTH.yuv FLICKER.yuv STEP_FRAME SEED
 *       TRUTH = CLEAN with an intended change: from STEP_FRAME on, a light
 *       switched on over the left part of the picture (gain 1.25, soft edge);
 *       FLICKER = TRUTH with flicker: per frame a global gain (+-8 %) and
 *       offset (+-4 levels), a regional gain (a plane tilted by up to +-6 %
 *       at the edges, each way) and chroma offsets (+-3 levels).
 *   bench_deflicker fade W H CLEAN.yuv TRUTH.yuv FLICKER.yuv START_FRAME SEED
 *       The same with a fade instead of the light: TRUTH = CLEAN faded to
 *       black (luma 16, chroma grey) along a 12-frame S-curve from
 *       START_FRAME, held black 4 frames and faded back in over 12, as an
 *       editor's dissolve; FLICKER = TRUTH with the same flicker.
 *   bench_deflicker fadescore W H TRUTH.yuv TEST.yuv
 *       PSNR of luma and chroma, the flicker left, and the largest error
 *       of a frame's mean luma against TRUTH (8-bit levels).
 *   bench_deflicker score W H TRUTH.yuv TEST.yuv STEP_FRAME
 *       PSNR of luma and chroma against TRUTH; the flicker left (mean
 *       |second temporal difference| of the error's mean over a 8 x 4 grid
 *       of regions, 8-bit levels); how much of the intended step survives
 *       (the step of TEST over the lit area, five frames each side, in % of
 *       TRUTH's).
 *   bench_deflicker index W H TEST.yuv
 *       The flicker index with no truth: mean |second temporal difference|
 *       of region means over a 8 x 4 grid (motion raises it too, equally
 *       before and after a deflicker).
 *   bench_deflicker speed W H TEST.yuv WINDOW THREADS
 *       CPU seconds of rs_deflicker_frames() on the frames in memory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rushes/deflicker.h"
#include "rushes/error.h"

typedef struct Clip {
    int w, h, n;
    uint8_t *d;
} Clip;

static int load(Clip *c, const char *path, int w, int h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fprintf(stderr, "%s: cannot open\n", path), -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    const long fs = (long)w * h * 3 / 2;
    c->w = w, c->h = h, c->n = (int)(size / fs);
    c->d = malloc((size_t)c->n * fs);
    if (!c->d || fread(c->d, fs, c->n, f) != (size_t)c->n)
        return fclose(f), fprintf(stderr, "%s: short read\n", path), -1;
    fclose(f);
    return 0;
}

static uint8_t *plane(const Clip *c, int t, int p)
{
    uint8_t *f = c->d + (size_t)t * c->w * c->h * 3 / 2;
    return p == 0 ? f : f + c->w * c->h + (p - 1) * (c->w / 2) * (c->h / 2);
}

static double urand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (*s >> 8) / (double)(1 << 23) - 1;
}

static uint8_t clip8(double v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)lrint(v);
}

/* How lit the left part is by the intended light: 1 left of 45 % of the width, 0 right of 60 %. */
static double lit(int x, int w)
{
    double u = (double)x / w;
    return u < 0.45 ? 1 : u > 0.6 ? 0 : (0.6 - u) / 0.15;
}

/* How far into the fade frame t is: 0 before and after, 1 black; smoothstep out, hold, smoothstep back. */
static double fade_at(int t, int start)
{
    const int len = 12, hold = 4, a = start, b = a + len, c = b + hold, d = c + len;
    double u = t < a ? 0 : t < b ? (double)(t - a) / len : t < c ? 1 : t < d ? 1 - (double)(t - c) / len : 0;
    return u * u * (3 - 2 * u);
}

/* step >= 0: a light switched on at frame step; fade: a fade to black from frame step instead. */
static int synth(int w, int h, const char *in, const char *truth, const char *out, int step, uint32_t seed, int fade)
{
    Clip c;
    if (load(&c, in, w, h) < 0)
        return 1;
    FILE *ft = fopen(truth, "wb"), *fo = fopen(out, "wb");
    if (!ft || !fo)
        return fprintf(stderr, "cannot create %s / %s\n", truth, out), 1;
    uint8_t *tb = malloc((size_t)w * h * 3 / 2), *ob = malloc((size_t)w * h * 3 / 2);
    for (int t = 0; t < c.n; t++) {
        const double gg = 0.08 * urand(&seed), off = 4 * urand(&seed), gx = 0.06 * urand(&seed);
        const double gy = 0.06 * urand(&seed), cu = 3 * urand(&seed), cv = 3 * urand(&seed);
        for (int p = 0; p < 3; p++) {
            const int pw = p ? w / 2 : w, ph = p ? h / 2 : h, sh = p ? 1 : 0;
            const uint8_t *s = plane(&c, t, p);
            uint8_t *tp = p ? tb + w * h + (p - 1) * pw * ph : tb, *op = p ? ob + w * h + (p - 1) * pw * ph : ob;
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    const int lx = x << sh, ly = y << sh;
                    const double light = !fade && t >= step ? 1 + 0.25 * lit(lx, w) : 1;
                    const double k = 1 - (fade ? fade_at(t, step) : 0);
                    double v = p ? 128 + light * (s[y * pw + x] - 128) : light * s[y * pw + x];
                    v = p ? 128 + k * (v - 128) : 16 + k * (v - 16);
                    const double g = 1 + gg + gx * (2.0 * lx / w - 1) + gy * (2.0 * ly / h - 1);
                    tp[y * pw + x] = clip8(v);
                    op[y * pw + x] = clip8(p ? 128 + g * (v - 128) + (p == 1 ? cu : cv) : g * v + off);
                }
        }
        fwrite(tb, (size_t)w * h * 3 / 2, 1, ft);
        fwrite(ob, (size_t)w * h * 3 / 2, 1, fo);
    }
    fclose(ft);
    fclose(fo);
    free(tb);
    free(ob);
    free(c.d);
    return 0;
}

/* Region means of luma (minus those of ref when given) on a gx x gy grid, for every frame. */
static double *region_means(const Clip *c, const Clip *ref, int gx, int gy)
{
    double *m = calloc((size_t)c->n * gx * gy, sizeof(double));
    for (int t = 0; t < c->n; t++) {
        const uint8_t *a = plane(c, t, 0), *b = ref ? plane(ref, t, 0) : NULL;
        double *r = m + (size_t)t * gx * gy;
        for (int y = 0; y < c->h; y++)
            for (int x = 0; x < c->w; x++)
                r[(y * gy / c->h) * gx + x * gx / c->w] += a[y * c->w + x] - (b ? b[y * c->w + x] : 0);
        for (int k = 0; k < gx * gy; k++)
            r[k] /= (double)c->w * c->h / (gx * gy);
    }
    return m;
}

static double flicker_index(const Clip *c, const Clip *ref)
{
    const int gx = 8, gy = 4, nr = gx * gy;
    double *m = region_means(c, ref, gx, gy), f = 0;
    for (int t = 1; t < c->n - 1; t++)
        for (int k = 0; k < nr; k++)
            f += fabs(m[(t + 1) * nr + k] - 2 * m[t * nr + k] + m[(t - 1) * nr + k]);
    free(m);
    return c->n > 2 ? f / ((double)(c->n - 2) * nr) : 0;
}

static double psnr(const Clip *a, const Clip *b, int chroma)
{
    double e = 0;
    long k = 0;
    for (int t = 0; t < a->n; t++)
        for (int p = chroma ? 1 : 0; p < (chroma ? 3 : 1); p++) {
            const int ns = p ? (a->w / 2) * (a->h / 2) : a->w * a->h;
            const uint8_t *x = plane(a, t, p), *y = plane(b, t, p);
            for (int i = 0; i < ns; i++, k++)
                e += (double)(x[i] - y[i]) * (x[i] - y[i]);
        }
    return 10 * log10(255.0 * 255.0 / (e / k + 1e-12));
}

/* Mean luma over the fully lit area, frames [t0, t1). */
static double lit_mean(const Clip *c, int t0, int t1)
{
    double s = 0;
    long k = 0;
    for (int t = t0; t < t1; t++)
        for (int y = 0; y < c->h; y++)
            for (int x = 0; x < c->w && lit(x, c->w) >= 1; x++, k++)
                s += plane(c, t, 0)[y * c->w + x];
    return s / k;
}

static int score(int w, int h, const char *truth, const char *test, int step)
{
    Clip a, b;
    if (load(&a, truth, w, h) < 0 || load(&b, test, w, h) < 0)
        return 1;
    if (a.n != b.n)
        return fprintf(stderr, "%s has %d frames, %s %d\n", truth, a.n, test, b.n), 1;
    const double want = lit_mean(&a, step, step + 5) - lit_mean(&a, step - 5, step);
    const double got = lit_mean(&b, step, step + 5) - lit_mean(&b, step - 5, step);
    printf("%.2f %.2f %.3f %.0f\n", psnr(&a, &b, 0), psnr(&a, &b, 1), flicker_index(&b, &a), 100 * got / want);
    free(a.d);
    free(b.d);
    return 0;
}

static int fadescore(int w, int h, const char *truth, const char *test)
{
    Clip a, b;
    if (load(&a, truth, w, h) < 0 || load(&b, test, w, h) < 0)
        return 1;
    if (a.n != b.n)
        return fprintf(stderr, "%s has %d frames, %s %d\n", truth, a.n, test, b.n), 1;
    double worst = 0;
    for (int t = 0; t < a.n; t++) {
        double d = 0;
        for (int i = 0; i < w * h; i++)
            d += plane(&b, t, 0)[i] - plane(&a, t, 0)[i];
        worst = fmax(worst, fabs(d / (w * h)));
    }
    printf("%.2f %.2f %.3f %.2f\n", psnr(&a, &b, 0), psnr(&a, &b, 1), flicker_index(&b, &a), worst);
    free(a.d);
    free(b.d);
    return 0;
}

static int speed(int w, int h, const char *path, int window, int threads)
{
    Clip c;
    if (load(&c, path, w, h) < 0)
        return 1;
    RsDeflickerFrame *f = malloc(sizeof(*f) * c.n);
    for (int t = 0; t < c.n; t++)
        f[t] = (RsDeflickerFrame){ { plane(&c, t, 0), plane(&c, t, 1), plane(&c, t, 2) }, { w, w / 2, w / 2 } };
    RsDeflickerSettings s;
    rs_deflicker_default_settings(&s);
    s.window = window;
    s.threads = threads;
    struct timespec c0, c1, w0, w1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    clock_gettime(CLOCK_MONOTONIC, &w0);
    int ret = rs_deflicker_frames(f, c.n, w, h, 8, 1, 1, &s, NULL);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_MONOTONIC, &w1);
    if (ret < 0)
        return fprintf(stderr, "deflicker: %s\n", rs_error_message()), 1;
    const double cpu = c1.tv_sec - c0.tv_sec + (c1.tv_nsec - c0.tv_nsec) * 1e-9;
    const double wall = w1.tv_sec - w0.tv_sec + (w1.tv_nsec - w0.tv_nsec) * 1e-9;
    printf("%dx%d, %d frames, %d thread(s): cpu %.2f s (%.1f ms/frame), wall %.2f s (%.1f fps)\n", w, h, c.n,
           threads, cpu, 1000 * cpu / c.n, wall, c.n / wall);
    free(f);
    free(c.d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 8 && !strcmp(argv[1], "synth"))
        return synth(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5], argv[6], atoi(argv[7]),
                     argc > 8 ? (uint32_t)atol(argv[8]) : 1, 0);
    if (argc >= 8 && !strcmp(argv[1], "fade"))
        return synth(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5], argv[6], atoi(argv[7]),
                     argc > 8 ? (uint32_t)atol(argv[8]) : 1, 1);
    if (argc == 6 && !strcmp(argv[1], "fadescore"))
        return fadescore(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5]);
    if (argc == 7 && !strcmp(argv[1], "score"))
        return score(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5], atoi(argv[6]));
    if (argc == 5 && !strcmp(argv[1], "index")) {
        Clip c;
        if (load(&c, argv[4], atoi(argv[2]), atoi(argv[3])) < 0)
            return 1;
        printf("%.3f\n", flicker_index(&c, NULL));
        free(c.d);
        return 0;
    }
    if (argc == 7 && !strcmp(argv[1], "speed"))
        return speed(atoi(argv[2]), atoi(argv[3]), argv[4], atoi(argv[5]), atoi(argv[6]));
    fprintf(stderr, "usage: see the comment at the top of bench/deflicker/bench_deflicker.c\n");
    return 2;
}
