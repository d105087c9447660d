/*
 * Per-frame composition; see render.h. The plate copy, vignette and grain
 * touch every pixel and are integer; shapes only visit their bounding boxes.
 * Trigonometry is evaluated a few times per frame, never per pixel.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "demo/draw.h"
#include "demo/noise.h"
#include "demo/render.h"

static float clampf(float x, float lo, float hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Ease in and out over [0, 1]. */
static float ease(float u)
{
    u = clampf(u, 0.0f, 1.0f);
    return u * u * (3.0f - 2.0f * u);
}

/*
 * Copy the plate into the frame, shifted by (ox, oy) plate pixels in 1/16:
 * bilinear with 4-bit weights on luma kept as Y * 16, so that every product
 * fits 16 bits and the loops vectorise 8 or 16 pixels wide.
 */
static void sample_plate(const DemoPlate *pl, int ox, int oy, uint8_t *const planes[3],
                         const ptrdiff_t strides[3], int w, int h)
{
    int ix = ox >> 4, iy = oy >> 4;
    uint16_t fx = (uint16_t)(ox & 15), fy = (uint16_t)(oy & 15), gx = 16 - fx, gy = 16 - fy;
    for (int y = 0; y < h; y++) {
        const uint16_t *r0 = pl->y + (size_t)(iy + y) * pl->w + ix, *r1 = r0 + pl->w;
        uint8_t *d = planes[0] + y * strides[0];
        for (int x = 0; x < w; x++) {
            uint16_t a = (uint16_t)((uint16_t)(r0[x] * gx + r0[x + 1] * fx) >> 4);
            uint16_t b = (uint16_t)((uint16_t)(r1[x] * gx + r1[x + 1] * fx) >> 4);
            uint16_t v = (uint16_t)((uint16_t)(a * gy + b * fy + 128) >> 8);
            d[x] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
    /* Chroma is half size: the same offset counts 1/32 of a chroma pixel. */
    ix = ox >> 5;
    iy = oy >> 5;
    fx = (uint16_t)((ox & 31) >> 1);
    fy = (uint16_t)((oy & 31) >> 1);
    gx = 16 - fx;
    gy = 16 - fy;
    int cw = pl->w / 2;
    for (int p = 1; p < 3; p++) {
        const uint8_t *src = p == 1 ? pl->u : pl->v;
        for (int y = 0; y < h / 2; y++) {
            const uint8_t *r0 = src + (size_t)(iy + y) * cw + ix, *r1 = r0 + cw;
            uint8_t *d = planes[p] + y * strides[p];
            for (int x = 0; x < w / 2; x++) {
                uint16_t a = (uint16_t)(r0[x] * gx + r0[x + 1] * fx);
                uint16_t b = (uint16_t)(r1[x] * gx + r1[x + 1] * fx);
                d[x] = (uint8_t)((uint16_t)(a * gy + b * fy + 128) >> 8);
            }
        }
    }
}

static void draw_slate(DemoCanvas *cv, const DemoShot *s, float t, float dx, float dy)
{
    float W = (float)s->w;
    float hw = 0.13f * W, hh = hw * DEMO_SLATE_MH / DEMO_SLATE_MW, th = 0.028f * W;
    /* The clapper loader's hands: a small sway, then a drop out of frame. */
    float sway = demo_noise1(s->seed ^ 0x51a7e, t * 1.3f) * 0.004f * W;
    float out = ease((t - 0.3f) / 0.45f);
    float cx = 0.44f * W + dx + sway + out * 0.25f * W;
    float cy = 0.56f * (float)s->h + dy + out * out * 1.3f * (float)s->h;
    if (cy - hh - 2 * th > (float)s->h)
        return;
    DemoColor board = demo_color_rgb(0.13f, 0.13f, 0.14f), chalk = demo_color_rgb(0.86f, 0.86f, 0.82f);
    DemoColor black = demo_color_rgb(0.05f, 0.05f, 0.05f), white = demo_color_rgb(0.9f, 0.9f, 0.88f);
    DemoRect r = { cx, cy, hw, hh, 1.0f, 0.0f, board, chalk, DEMO_PAT_MASK, 0,
                   s->slate_mask, DEMO_SLATE_MW, DEMO_SLATE_MH };
    demo_draw_rect(cv, &r);
    DemoRect lower = { cx, cy - hh - th * 0.5f, hw, th * 0.5f, 1.0f, 0.0f, black, white,
                       DEMO_PAT_STRIPES, th * 1.4f, NULL, 0, 0 };
    demo_draw_rect(cv, &lower);
    /* The upper stick hinges at the left; it is closed from action time 0. */
    float a = t >= 0.0f ? 0.0f : clampf(-t * 7.5f, 0.0f, 0.5f);
    float ca = cosf(a), sa = sinf(a);
    float hx = cx - hw, hy = cy - hh - th;
    DemoRect upper = { hx + hw * ca - th * 0.5f * sa, hy - hw * sa - th * 0.5f * ca, hw, th * 0.5f,
                       ca, -sa, black, white, DEMO_PAT_STRIPES, th * 1.4f, NULL, 0, 0 };
    demo_draw_rect(cv, &upper);
}

float demo_walk_phase(float len, float t0, float t1, float t)
{
    return len * ease((t - t0) / (t1 - t0)) / 1.4f * 6.2831853f;
}

static void draw_actor(DemoCanvas *cv, const DemoShot *s, const DemoCamera *cam, const DemoSet *set,
                       float t, float dx, float dy)
{
    float u = (t - s->at0) / (s->at1 - s->at0);
    float e = ease(u);
    float X = s->ax0 + (s->ax1 - s->ax0) * e, Z = s->az0 + (s->az1 - s->az0) * e;
    float sx, sy;
    float d = demo_project(cam, X, 0.0f, Z, &sx, &sy);
    if (d <= 0.3f)
        return;
    float k = cam->f / d; /* pixels per metre at the actor */
    sx -= dx;
    sy -= dy;
    if (sx < -1.2f * k || sx > (float)cv->w + 1.2f * k)
        return;
    /* Walk phase follows the distance covered: one cycle per 1.4 m. */
    float len = sqrtf((s->ax1 - s->ax0) * (s->ax1 - s->ax0) + (s->az1 - s->az0) * (s->az1 - s->az0));
    float ph = demo_walk_phase(len, s->at0, s->at1, t);
    float speed = (u > 0.0f && u < 1.0f) ? 6.0f * u * (1.0f - u) / 1.5f : 0.0f;
    float amp = 0.42f * clampf(speed, 0.0f, 1.0f);
    float bob = 0.025f * amp * fabsf(cosf(ph));
    float dir = s->ax1 >= s->ax0 ? 1.0f : -1.0f;
    float breathe = 0.006f * sinf(t * 1.7f);

    float light = demo_set_light(set, X, 1.2f, Z);
    float gain = clampf(powf(light / 1.1f, 0.45f), 0.2f, 1.6f);
    float lx = set->night ? 0.9f : -0.85f, ly = set->night ? -0.3f : -0.5f;
    DemoColor jacket = demo_color_gain(demo_color_rgb(0.50f, 0.22f, 0.14f), gain);
    DemoColor jeans = demo_color_gain(demo_color_rgb(0.16f, 0.2f, 0.32f), gain);
    DemoColor skin = demo_color_gain(demo_color_rgb(0.82f, 0.6f, 0.47f), gain);
    DemoColor hair = demo_color_gain(demo_color_rgb(0.14f, 0.09f, 0.06f), gain);
    DemoColor shoe = demo_color_gain(demo_color_rgb(0.07f, 0.06f, 0.06f), gain);

    demo_draw_shadow(cv, sx, sy, 0.38f * k, 0.07f * k, set->night ? 0.3f : 0.5f);

#define PX(bx) (sx + dir * (bx) * k)
#define PY(by) (sy - (by) * k)
    float hipy = 0.93f + bob, shx = 0.03f, shy = 1.43f + bob + breathe;
    /* The far limbs first and darker, then the torso, then the near limbs. */
    for (int leg = 0; leg < 2; leg++) {
        {
            float sw = sinf(ph + (float)leg * 3.14159265f);
            float th = amp * sw, bend = amp * 1.4f * (sw < 0 ? -sw : 0.15f * sw);
            float kx = 0.46f * sinf(th), ky = hipy - 0.46f * cosf(th);
            float fx = kx + 0.45f * sinf(th - bend), fy = ky - 0.45f * cosf(th - bend);
            float g = leg == 0 ? 0.72f : 1.0f;
            if (leg == 1) {
                demo_draw_capsule(cv, PX(0.0f), PY(hipy), PX(shx), PY(shy - 0.06f), 0.15f * k,
                                  jacket, lx * dir, ly, 0.35f);
            }
            demo_draw_capsule(cv, PX(0.0f), PY(hipy), PX(kx), PY(ky), 0.075f * k,
                              demo_color_gain(jeans, g), lx * dir, ly, 0.3f);
            demo_draw_capsule(cv, PX(kx), PY(ky), PX(fx), PY(fy), 0.062f * k,
                              demo_color_gain(jeans, g), lx * dir, ly, 0.3f);
            demo_draw_capsule(cv, PX(fx - 0.02f), PY(fy - 0.02f), PX(fx + 0.13f), PY(fy - 0.03f),
                              0.045f * k, demo_color_gain(shoe, g), lx * dir, ly, 0.2f);
            float asw = -0.8f * amp * sw + 0.05f;
            float ex = shx + 0.29f * sinf(asw), ey = shy - 0.29f * cosf(asw);
            float hx = ex + 0.27f * sinf(asw + 0.35f), hy = ey - 0.27f * cosf(asw + 0.35f);
            demo_draw_capsule(cv, PX(shx), PY(shy), PX(ex), PY(ey), 0.05f * k,
                              demo_color_gain(jacket, g * 0.92f), lx * dir, ly, 0.35f);
            demo_draw_capsule(cv, PX(ex), PY(ey), PX(hx), PY(hy), 0.043f * k,
                              demo_color_gain(jacket, g * 0.92f), lx * dir, ly, 0.35f);
            demo_draw_capsule(cv, PX(hx), PY(hy), PX(hx + 0.02f), PY(hy - 0.06f), 0.04f * k,
                              demo_color_gain(skin, g), lx * dir, ly, 0.3f);
        }
    }
    /* Neck, head (with a nose and an ear's worth of hair at the back). */
    demo_draw_capsule(cv, PX(0.035f), PY(shy - 0.03f), PX(0.045f), PY(shy + 0.09f), 0.045f * k, skin,
                      lx * dir, ly, 0.3f);
    demo_draw_capsule(cv, PX(0.0f), PY(shy - 0.02f), PX(0.07f), PY(shy), 0.06f * k, jacket, lx * dir, ly, 0.3f);
    demo_draw_capsule(cv, PX(0.055f), PY(shy + 0.17f), PX(0.065f), PY(shy + 0.2f), 0.1f * k, skin,
                      lx * dir, ly, 0.45f);
    demo_draw_capsule(cv, PX(0.15f), PY(shy + 0.18f), PX(0.163f), PY(shy + 0.165f), 0.022f * k, skin,
                      lx * dir, ly, 0.3f);
    demo_draw_capsule(cv, PX(0.03f), PY(shy + 0.24f), PX(0.07f), PY(shy + 0.26f), 0.085f * k, hair,
                      lx * dir, ly, 0.3f);
    demo_draw_capsule(cv, PX(-0.02f), PY(shy + 0.23f), PX(-0.005f), PY(shy + 0.15f), 0.065f * k, hair,
                      lx * dir, ly, 0.3f);
#undef PX
#undef PY
}

static void draw_ball(DemoCanvas *cv, const DemoShot *s, const DemoCamera *cam, float t, float dx, float dy)
{
    float u = clampf((t - s->bt0) / (s->bt1 - s->bt0), 0.0f, 1.0f);
    float e = 1.0f - (1.0f - u) * (1.0f - u); /* rolls to a stop */
    float X = s->bx0 + (s->bx1 - s->bx0) * e, rad = 0.045f, sx, sy, gx, gy;
    float d = demo_project(cam, X, TABLE_TOP + rad, s->bz, &sx, &sy);
    if (d <= 0.1f)
        return;
    demo_project(cam, X, TABLE_TOP, s->bz, &gx, &gy);
    float r = cam->f * rad / d;
    demo_draw_shadow(cv, gx - dx + 0.3f * r, gy - dy, 1.3f * r, 0.35f * r, 0.6f);
    demo_draw_ball(cv, sx - dx, sy - dy, r, demo_color_rgb(0.2f, 0.35f, 0.8f), -0.7f, -0.6f);
}

float demo_shot_boom_depth(const DemoShot *s, int frame)
{
    if (frame < s->boom_first || frame > s->boom_last)
        return 0.0f;
    /* Four frames in, hold, four frames out: every frame of the range shows it. */
    float in = (float)(frame - s->boom_first + 1) / 4.0f, out = (float)(s->boom_last - frame + 1) / 4.0f;
    return s->boom_depth * clampf(in < out ? in : out, 0.0f, 1.0f);
}

static void draw_boom(DemoCanvas *cv, const DemoShot *s, int frame)
{
    float depth = demo_shot_boom_depth(s, frame);
    if (depth <= 0.0f)
        return;
    float W = (float)s->w, R = 0.045f * W, bx = s->boom_x * W, cy = depth - R;
    DemoColor fur = demo_color_rgb(0.36f, 0.35f, 0.33f), pole = demo_color_rgb(0.1f, 0.1f, 0.11f);
    demo_draw_capsule(cv, bx + 0.07f * W, cy - 0.2f * R, bx + 0.5f * W, cy - 0.45f * W, 0.007f * W,
                      pole, -0.3f, -0.9f, 0.4f);
    demo_draw_capsule(cv, bx - 0.08f * W, cy, bx + 0.08f * W, cy, R, fur, -0.3f, -0.9f, 0.35f);
}

/*
 * Grain comes from one fixed tile of triangular noise, read from a random
 * place in every frame: white noise does not show its repeats, and adding a
 * tile row vectorises where hashing every pixel would not.
 */
#define GRAIN_W 8192
#define GRAIN_H 128

static int8_t grain_tile[GRAIN_W * GRAIN_H];
static pthread_once_t grain_once = PTHREAD_ONCE_INIT;

static void grain_init(void)
{
    for (uint32_t i = 0; i < GRAIN_W * GRAIN_H; i++) {
        uint32_t h = demo_hash(i ^ 0x6a09e667u);
        grain_tile[i] = (int8_t)(((int)(h & 255) + (int)((h >> 8) & 255) - 255) / 2);
    }
}

/* Add grain of amplitude amp (1/1024 code value per tile unit) to one row. */
static void grain_row(uint8_t *d, int w, const int8_t *t, int amp)
{
    int16_t a = (int16_t)amp; /* |t * a| <= 127 * 80 fits 16 bits */
    for (int x = 0; x < w; x++) {
        int16_t v = (int16_t)(d[x] + (int16_t)((int16_t)(t[x] * a) >> 10));
        d[x] = (uint8_t)(v < 1 ? 1 : v > 254 ? 254 : v);
    }
}

static const int8_t *grain_at(uint32_t *st, int w)
{
    uint32_t r = demo_hash(*st);
    *st = r;
    return grain_tile + (size_t)((r >> 8) % GRAIN_H) * GRAIN_W + (r % (uint32_t)(GRAIN_W - w));
}

/*
 * Vignette and global gain (gain in 1/256, at most 280), then grain of peak
 * grain_y / grain_c (in 1/8 code value). 16-bit arithmetic throughout, sized
 * so no product overflows, which lets the loops vectorise.
 */
static void finish(const DemoShot *s, int frame, uint8_t *const planes[3], const ptrdiff_t strides[3],
                   float vignette, int gain, int grain_y, int grain_c)
{
    int w = s->w, h = s->h;
    uint16_t vx[4096];
    for (int x = 0; x < w && x < 4096; x++) {
        float u = ((float)x + 0.5f) / (float)w * 2.0f - 1.0f;
        vx[x] = (uint16_t)(128.0f * (1.0f - vignette * u * u) + 0.5f); /* Q7 */
    }
    if (gain > 280)
        gain = 280;
    pthread_once(&grain_once, grain_init);
    uint32_t st = demo_hash(s->seed * 0x3c6ef372u + (uint32_t)frame);
    for (int y = 0; y < h; y++) {
        float v = ((float)y + 0.5f) / (float)h * 2.0f - 1.0f;
        uint16_t vy = (uint16_t)((float)gain * (1.0f - 0.8f * vignette * v * v) + 0.5f); /* Q8 */
        uint8_t *d = planes[0] + y * strides[0];
        if (vignette != 0.0f || gain != 256) {
            for (int x = 0; x < w; x++) {
                uint16_t g = (uint16_t)((uint16_t)(vx[x] * vy) >> 7);
                uint16_t l = d[x] > 16 ? (uint16_t)(d[x] - 16) : 0;
                uint16_t val = (uint16_t)(16 + ((uint16_t)(l * g) >> 8));
                d[x] = (uint8_t)(val > 255 ? 255 : val);
            }
        }
        grain_row(d, w, grain_at(&st, w), grain_y);
    }
    for (int p = 1; p < 3 && grain_c; p++)
        for (int y = 0; y < h / 2; y++)
            grain_row(planes[p] + y * strides[p], w / 2, grain_at(&st, w / 2), grain_c);
}

static void scan_look(const DemoShot *s, int frame, DemoCanvas *cv)
{
    /* Sepia print: chroma follows luma a little, as toned film does. */
    for (int p = 1; p < 3; p++) {
        for (int y = 0; y < s->h / 2; y++) {
            uint8_t *d = cv->p[p] + y * cv->stride[p];
            const uint8_t *l = cv->p[0] + 2 * y * cv->stride[0];
            for (int x = 0; x < s->w / 2; x++) {
                int tint = (l[2 * x] - 16) >> 4;
                d[x] = (uint8_t)(p == 1 ? 122 - tint / 2 : 134 + tint / 2);
            }
        }
    }
    DemoColor dark = demo_color_rgb(0.04f, 0.035f, 0.03f), light = demo_color_rgb(0.97f, 0.95f, 0.9f);
    for (int i = 0; i < s->nb_dust; i++) {
        const DemoDust *dd = &s->dust[i];
        if (dd->frame != frame)
            continue;
        /* A speck is a few overlapping blobs: irregular, like real dirt. */
        for (int b = 0; b < 3; b++) {
            uint32_t hsh = demo_hash(s->seed ^ (uint32_t)(i * 16 + b));
            float ox = demo_hashf(hsh) * dd->r * 0.6f, oy = demo_hashf(hsh >> 3) * dd->r * 0.6f;
            float ex = demo_hashf(hsh >> 7) * dd->r * 0.8f;
            demo_draw_capsule(cv, dd->x + ox, dd->y + oy, dd->x + ox + ex, dd->y + oy + ex * 0.5f,
                              dd->r * (b == 0 ? 0.7f : 0.45f), dd->bright ? light : dark, 0, 0, 0);
        }
    }
    if (frame >= s->scratch_first && frame <= s->scratch_last) {
        float wob = 0.8f * demo_noise1(s->seed ^ 0x5c4a7c, (float)frame * 0.7f) * (float)s->w / 1280.0f;
        float x = s->scratch_x + wob, r = 0.6f + 0.5f * (float)s->w / 1280.0f;
        demo_draw_capsule(cv, x, -4.0f, x + 0.4f * r, (float)s->h + 4.0f, r,
                          demo_color_rgb(0.9f, 0.88f, 0.83f), 0, 0, 0);
    }
}

void demo_render_frame(const DemoShot *s, int frame, uint8_t *const planes[3], const ptrdiff_t strides[3])
{
    DemoCanvas cv = { { planes[0], planes[1], planes[2] }, { strides[0], strides[1], strides[2] }, s->w, s->h };
    if (frame >= s->black_first && frame <= s->black_last) {
        /* Lens capped: black with the sensor's faint noise. */
        for (int p = 0; p < 3; p++)
            for (int y = 0; y < (p ? s->h / 2 : s->h); y++)
                memset(planes[p] + y * strides[p], p ? 128 : 16, p ? s->w / 2 : s->w);
        finish(s, frame, planes, strides, 0.0f, 256, 8, 0);
        return;
    }
    int shot = s->cut_frame >= 0 && frame >= s->cut_frame;
    const DemoPlate *pl = s->plate[shot];
    const DemoCamera *cam = &s->cam[shot];
    float scale = (float)s->w / 1280.0f;
    float ts = (float)frame * (float)s->spf / 48000.0f; /* seconds into the clip */
    float t = (float)(s->first_sample + (int64_t)frame * s->spf - s->origin) / 48000.0f;

    /* Handheld drift: a slow wander plus a faster tremble, sub-pixel. */
    float dx = s->shake * scale * (0.8f * demo_noise1(s->seed ^ 0xd1f7, ts * 0.6f) +
                                   0.3f * demo_noise1(s->seed ^ 0x7e3b, ts * 3.3f));
    float dy = s->shake * scale * (0.6f * demo_noise1(s->seed ^ 0x2c99, ts * 0.5f) +
                                   0.3f * demo_noise1(s->seed ^ 0x91d3, ts * 3.7f));
    if (s->look == DEMO_LOOK_SCAN) {
        /* Gate weave: the film settles a little differently in every frame. */
        dx += scale * 0.5f * demo_hashf(s->seed * 31u + (uint32_t)frame);
        dy += scale * 0.9f * demo_hashf(s->seed * 37u + (uint32_t)frame);
    }
    float lim = (float)pl->margin - 2.0f;
    dx = clampf(dx, -lim, lim);
    dy = clampf(dy, -lim, lim);
    int ox = (int)((dx + (float)pl->margin) * 16.0f), oy = (int)((dy + (float)pl->margin) * 16.0f);
    sample_plate(pl, ox, oy, planes, strides, s->w, s->h);
    /* Shapes follow the exact offset the plate got. */
    dx = (float)ox / 16.0f - (float)pl->margin;
    dy = (float)oy / 16.0f - (float)pl->margin;

    if (s->ball)
        draw_ball(&cv, s, cam, t, dx, dy);
    if (s->actor && !shot)
        draw_actor(&cv, s, cam, &s->set[shot], t, dx, dy);
    if (s->slate && t < 1.5f)
        draw_slate(&cv, s, t, -dx, -dy);
    draw_boom(&cv, s, frame);

    if (frame >= s->flash_first && frame <= s->flash_last) {
        /* Lightning: the whole room lit blue-white, strongest in the first frame. */
        int k = frame == s->flash_first ? 200 : frame == s->flash_last ? 150 : 175;
        for (int y = 0; y < s->h; y++) {
            uint8_t *d = planes[0] + y * strides[0];
            for (int x = 0; x < s->w; x++)
                d[x] = (uint8_t)(d[x] + (((235 - d[x]) * k) >> 8));
        }
        for (int p = 1; p < 3; p++)
            for (int y = 0; y < s->h / 2; y++) {
                uint8_t *d = planes[p] + y * strides[p];
                int target = p == 1 ? 140 : 122;
                for (int x = 0; x < s->w / 2; x++)
                    d[x] = (uint8_t)(d[x] + (((target - d[x]) * k) >> 9));
            }
    }

    if (s->look == DEMO_LOOK_SCAN) {
        scan_look(s, frame, &cv);
        float flick = 1.0f + 0.07f * demo_hashf(s->seed * 41u + (uint32_t)frame);
        finish(s, frame, planes, strides, 0.55f, (int)(256.0f * flick + 0.5f), (int)(s->grain * 8.0f),
               (int)(s->grain * 2.0f));
    } else {
        finish(s, frame, planes, strides, 0.3f, 256, (int)(s->grain * 8.0f), (int)(s->grain * 3.0f));
    }
}
