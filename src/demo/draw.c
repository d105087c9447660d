/* Anti-aliased shapes over 4:2:0 frames; see draw.h. */
#include <math.h>
#include <string.h>

#include "demo/draw.h"

DemoColor demo_color_rgb(float r, float g, float b)
{
    float y = 0.2126f * r + 0.7152f * g + 0.0722f * b;
    return (DemoColor){ 16.0f + 219.0f * y, 128.0f + 224.0f * (b - y) / 1.8556f,
                        128.0f + 224.0f * (r - y) / 1.5748f };
}

DemoColor demo_color_gain(DemoColor c, float gain)
{
    return (DemoColor){ 16.0f + (c.y - 16.0f) * gain, 128.0f + (c.u - 128.0f) * gain,
                        128.0f + (c.v - 128.0f) * gain };
}

static inline float clamp01(float x)
{
    return x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x;
}

static inline void blend(uint8_t *d, float val, float cov)
{
    float o = (float)*d;
    float r = o + (val - o) * cov + 0.5f;
    *d = (uint8_t)(r < 0.0f ? 0.0f : r > 255.0f ? 255.0f : r);
}

/* The bounding box [x0, x1) x [y0, y1) of a plane, clipped; 0 when empty. */
static int clip_box(float minx, float miny, float maxx, float maxy, int pw, int ph,
                    int *x0, int *y0, int *x1, int *y1)
{
    if (maxx < 0 || maxy < 0 || minx >= (float)pw || miny >= (float)ph)
        return 0;
    *x0 = minx < 0 ? 0 : (int)minx;
    *y0 = miny < 0 ? 0 : (int)miny;
    *x1 = maxx + 1 >= (float)pw ? pw : (int)maxx + 1;
    *y1 = maxy + 1 >= (float)ph ? ph : (int)maxy + 1;
    return *x0 < *x1 && *y0 < *y1;
}

static float plane_value(DemoColor c, int p)
{
    return p == 0 ? c.y : p == 1 ? c.u : c.v;
}

void demo_draw_capsule(DemoCanvas *cv, float ax, float ay, float bx, float by, float r,
                       DemoColor c, float lx, float ly, float k)
{
    for (int p = 0; p < 3; p++) {
        float s = p ? 0.5f : 1.0f;
        int pw = p ? cv->w / 2 : cv->w, ph = p ? cv->h / 2 : cv->h;
        float Ax = ax * s, Ay = ay * s, Bx = bx * s, By = by * s, R = r * s;
        int x0, y0, x1, y1;
        if (!clip_box(fminf(Ax, Bx) - R - 1, fminf(Ay, By) - R - 1, fmaxf(Ax, Bx) + R + 1,
                      fmaxf(Ay, By) + R + 1, pw, ph, &x0, &y0, &x1, &y1))
            continue;
        float bax = Bx - Ax, bay = By - Ay, len2 = bax * bax + bay * bay;
        float inv = len2 > 1e-12f ? 1.0f / len2 : 0.0f;
        float base = plane_value(c, p), mid = p ? 128.0f : 16.0f;
        float rr = R * R, lim = (R + 0.5f) * (R + 0.5f), half = 0.5f / R, kr = k / R;
        for (int y = y0; y < y1; y++) {
            uint8_t *row = cv->p[p] + y * cv->stride[p];
            float pay = (float)y + 0.5f - Ay;
            for (int x = x0; x < x1; x++) {
                float pax = (float)x + 0.5f - Ax;
                float t = clamp01((pax * bax + pay * bay) * inv);
                float dx = pax - t * bax, dy = pay - t * bay, d2 = dx * dx + dy * dy;
                if (d2 >= lim)
                    continue;
                float cov = clamp01((rr - d2) * half + 0.5f);
                float shade = 1.0f + kr * (dx * lx + dy * ly);
                blend(row + x, mid + (base - mid) * shade, cov);
            }
        }
    }
}

void demo_draw_rect(DemoCanvas *cv, const DemoRect *r)
{
    float ex = fabsf(r->cs) * r->hw + fabsf(r->sn) * r->hh;
    float ey = fabsf(r->sn) * r->hw + fabsf(r->cs) * r->hh;
    for (int p = 0; p < 3; p++) {
        float s = p ? 0.5f : 1.0f, inv_s = p ? 2.0f : 1.0f;
        int pw = p ? cv->w / 2 : cv->w, ph = p ? cv->h / 2 : cv->h;
        int x0, y0, x1, y1;
        if (!clip_box((r->cx - ex) * s - 1, (r->cy - ey) * s - 1, (r->cx + ex) * s + 1,
                      (r->cy + ey) * s + 1, pw, ph, &x0, &y0, &x1, &y1))
            continue;
        float v1 = plane_value(r->c, p), v2 = plane_value(r->c2, p);
        for (int y = y0; y < y1; y++) {
            uint8_t *row = cv->p[p] + y * cv->stride[p];
            float dy = ((float)y + 0.5f) * inv_s - r->cy;
            for (int x = x0; x < x1; x++) {
                float dx = ((float)x + 0.5f) * inv_s - r->cx;
                float u = dx * r->cs + dy * r->sn, v = -dx * r->sn + dy * r->cs;
                float cov = clamp01((r->hw - fabsf(u)) * s + 0.5f) * clamp01((r->hh - fabsf(v)) * s + 0.5f);
                if (cov <= 0.0f)
                    continue;
                float val = v1;
                if (r->pattern == DEMO_PAT_STRIPES) {
                    if ((int)((u + v) / r->period + 4096.0f) & 1)
                        val = v2;
                } else if (r->pattern == DEMO_PAT_MASK) {
                    int mx = (int)((u + r->hw) / (2.0f * r->hw) * (float)r->mask_w);
                    int my = (int)((v + r->hh) / (2.0f * r->hh) * (float)r->mask_h);
                    if (mx >= 0 && my >= 0 && mx < r->mask_w && my < r->mask_h &&
                        r->mask[my * r->mask_w + mx])
                        val = v2;
                }
                blend(row + x, val, cov);
            }
        }
    }
}

void demo_draw_shadow(DemoCanvas *cv, float cx, float cy, float rx, float ry, float strength)
{
    for (int p = 0; p < 3; p++) {
        float s = p ? 0.5f : 1.0f;
        int pw = p ? cv->w / 2 : cv->w, ph = p ? cv->h / 2 : cv->h;
        int x0, y0, x1, y1;
        if (!clip_box((cx - rx) * s, (cy - ry) * s, (cx + rx) * s, (cy + ry) * s, pw, ph,
                      &x0, &y0, &x1, &y1))
            continue;
        float irx = 1.0f / (rx * s), iry = 1.0f / (ry * s), mid = p ? 128.0f : 16.0f;
        for (int y = y0; y < y1; y++) {
            uint8_t *row = cv->p[p] + y * cv->stride[p];
            float ny = ((float)y + 0.5f - cy * s) * iry;
            for (int x = x0; x < x1; x++) {
                float nx = ((float)x + 0.5f - cx * s) * irx, d2 = nx * nx + ny * ny;
                if (d2 >= 1.0f)
                    continue;
                float f = 1.0f - strength * (1.0f - d2) * (1.0f - d2);
                blend(row + x, mid + ((float)row[x] - mid) * f, 1.0f);
            }
        }
    }
}

void demo_draw_ball(DemoCanvas *cv, float cx, float cy, float r, DemoColor c, float lx, float ly)
{
    /* Light direction in 3-D, towards the viewer a little. */
    float lz = 0.6f, ln = 1.0f / sqrtf(lx * lx + ly * ly + lz * lz);
    lx *= ln; ly *= ln; lz *= ln;
    for (int p = 0; p < 3; p++) {
        float s = p ? 0.5f : 1.0f;
        int pw = p ? cv->w / 2 : cv->w, ph = p ? cv->h / 2 : cv->h;
        int x0, y0, x1, y1;
        float R = r * s;
        if (!clip_box(cx * s - R - 1, cy * s - R - 1, cx * s + R + 1, cy * s + R + 1, pw, ph,
                      &x0, &y0, &x1, &y1))
            continue;
        float base = plane_value(c, p), mid = p ? 128.0f : 16.0f, ir = 1.0f / R;
        for (int y = y0; y < y1; y++) {
            uint8_t *row = cv->p[p] + y * cv->stride[p];
            float ny = ((float)y + 0.5f - cy * s) * ir;
            for (int x = x0; x < x1; x++) {
                float nx = ((float)x + 0.5f - cx * s) * ir, d2 = nx * nx + ny * ny;
                if (d2 >= (1.0f + 0.5f * ir) * (1.0f + 0.5f * ir))
                    continue;
                float cov = clamp01((1.0f - d2) * R * 0.5f + 0.5f);
                /* nz = sqrt(1 - d2), from two Newton steps: no libm per pixel. */
                float q = 1.0f - (d2 < 1.0f ? d2 : 1.0f), nz = 0.5f + 0.5f * q;
                nz = 0.5f * (nz + q / (nz + 1e-6f));
                nz = 0.5f * (nz + q / (nz + 1e-6f));
                float dif = nx * lx + ny * ly + nz * lz;
                dif = dif < 0.0f ? 0.0f : dif;
                float shade = 0.3f + 0.9f * dif;
                float v = mid + (base - mid) * shade;
                if (p == 0) {
                    float sp = dif * dif;
                    sp *= sp; sp *= sp; sp *= sp;
                    v += 120.0f * sp;
                }
                blend(row + x, v, cov);
            }
        }
    }
}

/* 5x7 glyphs, one byte per row, bit 4 is the leftmost column. */
static const char glyph_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/.:";
static const uint8_t glyphs[][7] = {
    { 14, 17, 17, 31, 17, 17, 17 }, { 30, 17, 17, 30, 17, 17, 30 }, { 14, 17, 16, 16, 16, 17, 14 },
    { 30, 17, 17, 17, 17, 17, 30 }, { 31, 16, 16, 30, 16, 16, 31 }, { 31, 16, 16, 30, 16, 16, 16 },
    { 14, 17, 16, 23, 17, 17, 15 }, { 17, 17, 17, 31, 17, 17, 17 }, { 14, 4, 4, 4, 4, 4, 14 },
    { 7, 2, 2, 2, 2, 18, 12 },      { 17, 18, 20, 24, 20, 18, 17 }, { 16, 16, 16, 16, 16, 16, 31 },
    { 17, 27, 21, 21, 17, 17, 17 }, { 17, 17, 25, 21, 19, 17, 17 }, { 14, 17, 17, 17, 17, 17, 14 },
    { 30, 17, 17, 30, 16, 16, 16 }, { 14, 17, 17, 17, 21, 18, 13 }, { 30, 17, 17, 30, 20, 18, 17 },
    { 15, 16, 16, 14, 1, 1, 30 },   { 31, 4, 4, 4, 4, 4, 4 },       { 17, 17, 17, 17, 17, 17, 14 },
    { 17, 17, 17, 17, 17, 10, 4 },  { 17, 17, 17, 21, 21, 21, 10 }, { 17, 17, 10, 4, 10, 17, 17 },
    { 17, 17, 10, 4, 4, 4, 4 },     { 31, 1, 2, 4, 8, 16, 31 },     { 14, 17, 19, 21, 25, 17, 14 },
    { 4, 12, 4, 4, 4, 4, 14 },      { 14, 17, 1, 2, 4, 8, 31 },     { 31, 2, 4, 2, 1, 17, 14 },
    { 2, 6, 10, 18, 31, 2, 2 },     { 31, 16, 30, 1, 1, 17, 14 },   { 6, 8, 16, 30, 17, 17, 14 },
    { 31, 1, 2, 4, 8, 8, 8 },       { 14, 17, 17, 14, 17, 17, 14 }, { 14, 17, 17, 15, 1, 2, 12 },
    { 0, 0, 0, 31, 0, 0, 0 },       { 1, 2, 2, 4, 8, 8, 16 },       { 0, 0, 0, 0, 0, 12, 12 },
    { 0, 12, 12, 0, 12, 12, 0 },
};

void demo_text_mask(uint8_t *mask, int w, int h, int x, int y, const char *text)
{
    for (; *text; text++, x += 6) {
        const char *at = *text ? strchr(glyph_chars, *text) : NULL;
        if (!at)
            continue;
        const uint8_t *g = glyphs[at - glyph_chars];
        for (int r = 0; r < 7; r++)
            for (int c = 0; c < 5; c++)
                if ((g[r] >> (4 - c)) & 1 && x + c >= 0 && x + c < w && y + r >= 0 && y + r < h)
                    mask[(y + r) * w + x + c] = 1;
    }
}
