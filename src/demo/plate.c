/*
 * Plate rendering: one camera ray per pixel into the set (set.c), then the
 * lens (depth-of-field blur, bloom) and a filmic tone curve to BT.709
 * Y'CbCr. It runs once per camera set-up; the per-frame path is render.c.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rushes/error.h"
#include "demo/plate.h"
#include "demo/set.h"

typedef struct Job {
    const DemoSet *set;
    const DemoCamera *cam;
    const DemoNoise *noise;
    int w, h, margin, y0, y1;
    float *rgb[3], *depth;
} Job;

static void *render_rows(void *arg)
{
    Job *j = arg;
    const DemoCamera *c = j->cam;
    for (int y = j->y0; y < j->y1; y++) {
        for (int x = 0; x < j->w; x++) {
            float sx = (float)(x - j->margin) + 0.5f, sy = (float)(y - j->margin) + 0.5f;
            Ray r = { c->x, c->y, c->z, (sx - c->cx) / c->f, -(sy - c->cy) / c->f, 1.0f };
            float rgb[3], depth;
            demo_set_radiance(j->set, j->noise, &r, rgb, &depth);
            size_t i = (size_t)y * j->w + x;
            for (int k = 0; k < 3; k++)
                j->rgb[k][i] = rgb[k];
            j->depth[i] = depth;
        }
    }
    return NULL;
}

/* In-place box blur of radius r along rows (step 1) or columns (step w). */
static void box_pass(float *p, float *tmp, int n, int count, ptrdiff_t step, ptrdiff_t next, int r)
{
    float inv = 1.0f / (float)(2 * r + 1);
    for (int line = 0; line < count; line++) {
        float *s = p + line * next;
        for (int i = 0; i < n; i++)
            tmp[i] = s[i * step];
        float acc = 0;
        for (int i = -r; i <= r; i++)
            acc += tmp[i < 0 ? 0 : i >= n ? n - 1 : i];
        for (int i = 0; i < n; i++) {
            s[i * step] = acc * inv;
            int add = i + r + 1, sub = i - r;
            acc += tmp[add >= n ? n - 1 : add] - tmp[sub < 0 ? 0 : sub];
        }
    }
}

static void blur(float *p, float *tmp, int w, int h, int r)
{
    for (int it = 0; it < 2; it++) {
        box_pass(p, tmp, w, h, 1, w, r);
        box_pass(p, tmp, h, w, w, 1, r);
    }
}

/* Filmic curve (a rational fit of the ACES tone scale), then display gamma. */
static float tone(float x)
{
    x = x < 0 ? 0 : x * 0.7f;
    float t = (x * (2.51f * x + 0.03f)) / (x * (2.43f * x + 0.59f) + 0.14f);
    t = t > 1 ? 1 : t;
    return powf(t, 1.0f / 2.2f);
}

int demo_plate_render(DemoPlate *p, const DemoSet *set, const DemoCamera *cam, int out_w, int out_h,
                      int margin, const DemoNoise *noise, int threads)
{
    memset(p, 0, sizeof(*p));
    int w = out_w + 2 * margin, h = out_h + 2 * margin;
    size_t n = (size_t)w * h;
    float *buf = malloc(n * 6 * sizeof(float) + (size_t)(w > h ? w : h) * sizeof(float));
    p->y = malloc(n * sizeof(uint16_t));
    p->u = malloc(n / 4);
    p->v = malloc(n / 4);
    if (!buf || !p->y || !p->u || !p->v) {
        free(buf);
        demo_plate_free(p);
        return rs_error(RS_ENOMEM, "demo: out of memory for a %dx%d plate", w, h);
    }
    p->w = w;
    p->h = h;
    p->margin = margin;
    float *rgb[3] = { buf, buf + n, buf + 2 * n }, *depth = buf + 3 * n;
    float *soft = buf + 4 * n, *bloom = buf + 5 * n, *tmp = buf + 6 * n;

    if (threads < 1)
        threads = 1;
    if (threads > 8)
        threads = 8;
    Job jobs[8];
    pthread_t tid[8];
    int started = 0;
    for (int t = 0; t < threads; t++) {
        jobs[t] = (Job){ set, cam, noise, w, h, margin, h * t / threads, h * (t + 1) / threads,
                         { rgb[0], rgb[1], rgb[2] }, depth };
        if (t > 0 && pthread_create(&tid[t], NULL, render_rows, &jobs[t]) == 0)
            started |= 1 << t;
    }
    render_rows(&jobs[0]);
    for (int t = 1; t < threads; t++) {
        if (started & (1 << t))
            pthread_join(tid[t], NULL);
        else
            render_rows(&jobs[t]);
    }

    /* Depth of field: mix each pixel with a blurred copy by its distance from
     * the focus plane; bloom: highlights spread a little, as in a lens. */
    int r = (int)(cam->blur * (float)out_w + 0.5f);
    int rb = out_w / 90 + 1;
    for (int k = 0; k < 3; k++) {
        memcpy(soft, rgb[k], n * sizeof(float));
        if (r > 0)
            blur(soft, tmp, w, h, r);
        for (size_t i = 0; i < n; i++)
            bloom[i] = soft[i] > 1.2f ? soft[i] - 1.2f : 0;
        blur(bloom, tmp, w, h, rb);
        for (size_t i = 0; i < n; i++) {
            float wgt = cam->aperture * fabsf(1.0f / depth[i] - 1.0f / cam->focus);
            wgt = wgt > 1 ? 1 : wgt;
            if (r == 0)
                wgt = 0;
            rgb[k][i] = rgb[k][i] + (soft[i] - rgb[k][i]) * wgt + 0.35f * bloom[i];
        }
    }

    /* Tone map to BT.709 limited-range Y'CbCr; chroma averaged over 2x2. */
    for (int y = 0; y < h; y += 2) {
        for (int x = 0; x < w; x += 2) {
            float cb = 0, cr = 0;
            for (int k = 0; k < 4; k++) {
                size_t i = (size_t)(y + (k >> 1)) * w + x + (k & 1);
                float R = tone(rgb[0][i]), G = tone(rgb[1][i]), B = tone(rgb[2][i]);
                float Y = 0.2126f * R + 0.7152f * G + 0.0722f * B;
                p->y[i] = (uint16_t)((16.0f + 219.0f * Y) * 16.0f + 0.5f);
                cb += (B - Y) / 1.8556f;
                cr += (R - Y) / 1.5748f;
            }
            size_t c = (size_t)(y / 2) * (w / 2) + x / 2;
            p->u[c] = (uint8_t)(128.0f + 224.0f * cb * 0.25f + 0.5f);
            p->v[c] = (uint8_t)(128.0f + 224.0f * cr * 0.25f + 0.5f);
        }
    }
    free(buf);
    return 0;
}

void demo_plate_free(DemoPlate *p)
{
    free(p->y);
    free(p->u);
    free(p->v);
    memset(p, 0, sizeof(*p));
}
