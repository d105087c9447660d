/*
 * Plate rendering: a small ray caster over boxes, planes and upright
 * cylinders, with daylight through a window (sky, sun patch, window light),
 * or a table lamp at night. It runs once per camera set-up, so it may use
 * floats and libm freely; the per-frame path (render.c) does not.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rushes/error.h"
#include "demo/plate.h"

enum {
    M_NONE, M_FLOOR, M_WALL_BACK, M_WALL_LEFT, M_WALL_RIGHT, M_CEIL, M_OUTSIDE, M_WINFRAME,
    M_PIC_FRAME, M_PICTURE, M_DOOR, M_TABLE, M_CUP, M_CUP_INSIDE, M_BOTTLE, M_LAMP_BASE,
    M_LAMP_SHADE,
};

typedef struct Ray { float ox, oy, oz, dx, dy, dz; } Ray;
typedef struct Hit { float t, nx, ny, nz; int mat; } Hit;

/* Fixed furniture beside the moving cup. */
#define LAMP_X 1.3f
#define LAMP_Z 5.0f
#define LAMP_Y 1.09f
#define BOTTLE_X 0.88f
#define BOTTLE_Z 4.98f
#define PIC_X0 0.55f
#define PIC_X1 1.55f
#define PIC_Y0 1.25f
#define PIC_Y1 1.9f
#define DOOR_Z0 5.3f
#define DOOR_Z1 6.3f
#define DOOR_Y1 2.1f
#define CUP_R 0.045f
#define CUP_H 0.1f

/* Unit vector towards the sun: behind the back wall, high, a little left. */
static const float SUN[3] = { -0.2095f, 0.6704f, 0.7119f };

static void hit_box(const Ray *r, float x0, float y0, float z0, float x1, float y1, float z1,
                    int mat, Hit *h)
{
    const float o[3] = { r->ox, r->oy, r->oz }, d[3] = { r->dx, r->dy, r->dz };
    const float lo[3] = { x0, y0, z0 }, hi[3] = { x1, y1, z1 };
    float tmin = 1e-4f, tmax = h->t, sign = 0;
    int axis = -1;
    for (int a = 0; a < 3; a++) {
        if (fabsf(d[a]) < 1e-9f) {
            if (o[a] < lo[a] || o[a] > hi[a])
                return;
            continue;
        }
        float t0 = (lo[a] - o[a]) / d[a], t1 = (hi[a] - o[a]) / d[a];
        float s = -1.0f;
        if (t0 > t1) {
            float tt = t0; t0 = t1; t1 = tt;
            s = 1.0f;
        }
        if (t0 > tmin) {
            tmin = t0;
            axis = a;
            sign = s;
        }
        if (t1 < tmax)
            tmax = t1;
        if (tmin > tmax)
            return;
    }
    if (axis < 0)
        return;
    h->t = tmin;
    h->nx = axis == 0 ? sign : 0;
    h->ny = axis == 1 ? sign : 0;
    h->nz = axis == 2 ? sign : 0;
    h->mat = mat;
}

/* Upright cylinder with a top cap; top_mat may differ (the inside of a cup). */
static void hit_cyl(const Ray *r, float cx, float cz, float rad, float y0, float y1, int mat,
                    int top_mat, Hit *h)
{
    float ox = r->ox - cx, oz = r->oz - cz;
    float a = r->dx * r->dx + r->dz * r->dz;
    float b = r->dx * ox + r->dz * oz;
    float c = ox * ox + oz * oz - rad * rad;
    float disc = b * b - a * c;
    if (disc >= 0 && a > 1e-12f) {
        float t = (-b - sqrtf(disc)) / a;
        float y = r->oy + t * r->dy;
        if (t > 1e-4f && t < h->t && y >= y0 && y <= y1) {
            h->t = t;
            h->nx = (ox + t * r->dx) / rad;
            h->ny = 0;
            h->nz = (oz + t * r->dz) / rad;
            h->mat = mat;
        }
    }
    if (fabsf(r->dy) > 1e-9f) {
        float t = (y1 - r->oy) / r->dy;
        float x = ox + t * r->dx, z = oz + t * r->dz;
        if (t > 1e-4f && t < h->t && x * x + z * z <= rad * rad) {
            h->t = t;
            h->nx = 0; h->ny = 1; h->nz = 0;
            h->mat = top_mat;
        }
    }
}

/* An axis-aligned plane at coordinate `at` on axis 0, 1 or 2, facing n (+1 or -1). */
static void hit_plane(float o, float d, float at, float n, int mat, Hit *h, int axis)
{
    if (fabsf(d) < 1e-9f)
        return;
    float t = (at - o) / d;
    if (t <= 1e-4f || t >= h->t)
        return;
    h->t = t;
    h->nx = axis == 0 ? n : 0;
    h->ny = axis == 1 ? n : 0;
    h->nz = axis == 2 ? n : 0;
    h->mat = mat;
}

static void hit_table(const Ray *r, Hit *h)
{
    hit_box(r, TABLE_X0, TABLE_TOP - 0.04f, TABLE_Z0, TABLE_X1, TABLE_TOP, TABLE_Z1, M_TABLE, h);
    hit_box(r, TABLE_X0 + 0.05f, TABLE_TOP - 0.13f, TABLE_Z0 + 0.05f, TABLE_X1 - 0.05f,
            TABLE_TOP - 0.04f, TABLE_Z1 - 0.05f, M_TABLE, h);
    for (int i = 0; i < 4; i++) {
        float x = i & 1 ? TABLE_X1 - 0.11f : TABLE_X0 + 0.05f;
        float z = i & 2 ? TABLE_Z1 - 0.11f : TABLE_Z0 + 0.05f;
        hit_box(r, x, 0, z, x + 0.06f, TABLE_TOP - 0.04f, z + 0.06f, M_TABLE, h);
    }
}

static void trace(const Ray *r, const DemoSet *set, Hit *h)
{
    h->t = 1e9f;
    h->mat = M_NONE;
    hit_plane(r->oy, r->dy, 0.0f, 1.0f, M_FLOOR, h, 1);
    hit_plane(r->oy, r->dy, ROOM_CEIL, -1.0f, M_CEIL, h, 1);
    hit_plane(r->oz, r->dz, ROOM_BACK, -1.0f, M_WALL_BACK, h, 2);
    hit_plane(r->ox, r->dx, ROOM_LEFT, 1.0f, M_WALL_LEFT, h, 0);
    hit_plane(r->ox, r->dx, ROOM_RIGHT, -1.0f, M_WALL_RIGHT, h, 0);
    hit_table(r, h);
    hit_cyl(r, set->cup_x, set->cup_z, CUP_R, TABLE_TOP, TABLE_TOP + CUP_H, M_CUP, M_CUP_INSIDE, h);
    hit_box(r, set->cup_x + CUP_R - 0.005f, TABLE_TOP + 0.025f, set->cup_z - 0.007f,
            set->cup_x + CUP_R + 0.022f, TABLE_TOP + 0.08f, set->cup_z + 0.007f, M_CUP, h);
    hit_cyl(r, BOTTLE_X, BOTTLE_Z, 0.036f, TABLE_TOP, TABLE_TOP + 0.21f, M_BOTTLE, M_BOTTLE, h);
    hit_cyl(r, BOTTLE_X, BOTTLE_Z, 0.022f, TABLE_TOP, TABLE_TOP + 0.25f, M_BOTTLE, M_BOTTLE, h);
    hit_cyl(r, BOTTLE_X, BOTTLE_Z, 0.013f, TABLE_TOP, TABLE_TOP + 0.31f, M_BOTTLE, M_BOTTLE, h);
    hit_cyl(r, LAMP_X, LAMP_Z, 0.07f, TABLE_TOP, TABLE_TOP + 0.03f, M_LAMP_BASE, M_LAMP_BASE, h);
    hit_cyl(r, LAMP_X, LAMP_Z, 0.012f, TABLE_TOP, LAMP_Y + 0.02f, M_LAMP_BASE, M_LAMP_BASE, h);
    hit_cyl(r, LAMP_X, LAMP_Z, 0.13f, LAMP_Y - 0.07f, LAMP_Y + 0.11f, M_LAMP_SHADE, M_LAMP_SHADE, h);
}

/* 1 when the segment from p towards a light at distance dist hits the table or lamp. */
static int occluded(float px, float py, float pz, float lx, float ly, float lz, float dist,
                    const DemoSet *set)
{
    Ray r = { px, py, pz, lx, ly, lz };
    Hit h = { dist, 0, 0, 0, M_NONE };
    hit_box(&r, TABLE_X0, TABLE_TOP - 0.04f, TABLE_Z0, TABLE_X1, TABLE_TOP, TABLE_Z1, M_TABLE, &h);
    if (h.mat == M_NONE)
        hit_cyl(&r, set->cup_x, set->cup_z, CUP_R, TABLE_TOP, TABLE_TOP + CUP_H, M_CUP, M_CUP, &h);
    if (h.mat == M_NONE)
        hit_cyl(&r, BOTTLE_X, BOTTLE_Z, 0.036f, TABLE_TOP, TABLE_TOP + 0.25f, M_BOTTLE, M_BOTTLE, &h);
    return h.mat != M_NONE;
}

static float smoothstep(float a, float b, float x)
{
    float t = (x - a) / (b - a);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return t * t * (3 - 2 * t);
}

/* How open the window is at (x, y) on the back wall: 1 glass, 0 frame or wall, soft by w. */
static float window_open(float x, float y, float w)
{
    float in = smoothstep(-w, w, x - (WIN_X0 + 0.06f)) * smoothstep(-w, w, (WIN_X1 - 0.06f) - x) *
               smoothstep(-w, w, y - (WIN_Y0 + 0.06f)) * smoothstep(-w, w, (WIN_Y1 - 0.06f) - y);
    float cx = 0.5f * (WIN_X0 + WIN_X1), cy = 0.5f * (WIN_Y0 + WIN_Y1) + 0.1f;
    in *= smoothstep(0.02f - w, 0.02f + w, fabsf(x - cx));
    in *= smoothstep(0.02f - w, 0.02f + w, fabsf(y - cy));
    return in;
}

/* Direct light reaching point p with normal n (n NULL: facing the camera). */
static void light_at(const DemoSet *set, float px, float py, float pz, const float *n, float out[3])
{
    float nx = n ? n[0] : 0, ny = n ? n[1] : 0, nz = n ? n[2] : -1;
    if (!set->night) {
        float amb = 0.16f + 0.06f * ny;
        out[0] = amb * 0.95f; out[1] = amb * 0.97f; out[2] = amb * 1.0f;
        /* Window light, an area light seen as a point a little inside the room. */
        float lx = -1.2f - px, ly = 1.6f - py, lz = ROOM_BACK - 0.4f - pz;
        float d2 = lx * lx + ly * ly + lz * lz, d = sqrtf(d2);
        float ndl = (nx * lx + ny * ly + nz * lz) / d;
        float wl = 0.5f * (ndl > 0 ? ndl : 0) + 0.25f; /* half wrap: an area light is wide */
        /* Shadows from four points across the window: soft, as from a big source. */
        float lit = 0.0f;
        for (int k = 0; k < 4; k++) {
            float sx = lx + (k & 1 ? 0.45f : -0.45f), sy = ly + (k & 2 ? 0.5f : -0.5f);
            float sd = sqrtf(sx * sx + sy * sy + lz * lz);
            lit += occluded(px, py, pz, sx / sd, sy / sd, lz / sd, sd, set) ? 0.0f : 0.25f;
        }
        wl *= 0.3f + 0.7f * lit;
        float wi = 6.0f * wl / (1.0f + 0.22f * d2);
        out[0] += wi * 0.95f; out[1] += wi * 1.0f; out[2] += wi * 1.08f;
        /* Sun through the window: a patch with soft edges and the bars' shadow. */
        float sdl = nx * SUN[0] + ny * SUN[1] + nz * SUN[2];
        if (!n)
            sdl = 0.6f;
        if (sdl > 0 && pz < ROOM_BACK) {
            float t = (ROOM_BACK - pz) / SUN[2];
            float wx = px + t * SUN[0], wy = py + t * SUN[1];
            float open = window_open(wx, wy, 0.004f + 0.012f * t);
            if (open > 0 && occluded(px, py, pz, SUN[0], SUN[1], SUN[2], t, set))
                open = 0;
            float s = 9.0f * open * sdl;
            out[0] += s * 1.0f; out[1] += s * 0.88f; out[2] += s * 0.72f;
        }
    } else {
        float amb = 0.025f;
        out[0] = amb * 0.6f; out[1] = amb * 0.75f; out[2] = amb * 1.2f;
        float lx = LAMP_X - px, ly = LAMP_Y - py, lz = LAMP_Z - pz;
        float d2 = lx * lx + ly * ly + lz * lz, d = sqrtf(d2);
        float ndl = n ? (nx * lx + ny * ly + nz * lz) / d : 0.5f;
        if (ndl > 0 && d > 0.14f) {
            /* The shade throws light down and up, less sideways. */
            float cone = 0.45f + 0.55f * fabsf(ly / d);
            if (occluded(px, py, pz, lx / d, ly / d, lz / d, d - 0.14f, set))
                cone *= 0.1f;
            float li = 0.55f * ndl * cone / (0.05f + d2);
            out[0] += li * 1.0f; out[1] += li * 0.68f; out[2] += li * 0.38f;
        }
        /* A little moonlight from the window. */
        float mx = -1.2f - px, my = 1.8f - py, mz = ROOM_BACK - pz;
        float md2 = mx * mx + my * my + mz * mz;
        float mdl = n ? (nx * mx + ny * my + nz * mz) / sqrtf(md2) : 0.4f;
        if (mdl > 0) {
            float mi = 0.5f * mdl / (1.0f + 0.3f * md2);
            out[0] += mi * 0.35f; out[1] += mi * 0.45f; out[2] += mi * 0.8f;
        }
    }
}

float demo_set_light(const DemoSet *set, float x, float y, float z)
{
    float l[3];
    light_at(set, x, y, z, NULL, l);
    return 0.2126f * l[0] + 0.7152f * l[1] + 0.0722f * l[2];
}

static void outside(const DemoSet *set, const DemoNoise *nz, float x, float y, float c[3])
{
    float v = (y - WIN_Y0) / (WIN_Y1 - WIN_Y0);
    float tree = 0.42f + 0.28f * demo_fbm2(nz, x * 2.2f + 40.0f, 3.0f, 3) +
                 0.08f * demo_fbm2(nz, x * 14.0f, y * 14.0f, 2);
    if (!set->night) {
        if (v < tree) {
            float k = 0.7f + 0.5f * demo_fbm2(nz, x * 25.0f, y * 25.0f, 3);
            c[0] = 0.55f * k; c[1] = 0.85f * k; c[2] = 0.40f * k;
        } else {
            c[0] = 2.4f - 0.6f * v; c[1] = 2.7f - 0.5f * v; c[2] = 3.2f - 0.3f * v;
        }
    } else {
        float k = v < tree ? 0.1f : 1.0f;
        c[0] = 0.02f * k; c[1] = 0.035f * k; c[2] = 0.09f * k;
    }
}

/* Albedo (and emission) of the surface hit at p. */
static void shade(const DemoSet *set, const DemoNoise *nz, const Ray *r, const Hit *h, float rgb[3])
{
    float px = r->ox + h->t * r->dx, py = r->oy + h->t * r->dy, pz = r->oz + h->t * r->dz;
    float a[3] = { 0.5f, 0.5f, 0.5f }, emit[3] = { 0, 0, 0 };
    float n[3] = { h->nx, h->ny, h->nz };
    float ao = 1.0f, gloss = 0.0f;
    int mat = h->mat;

    if (mat == M_WALL_BACK) {
        float open = window_open(px, py, 0.002f);
        int in_win = px > WIN_X0 && px < WIN_X1 && py > WIN_Y0 && py < WIN_Y1;
        if (in_win && open > 0.5f)
            mat = M_OUTSIDE;
        else if (in_win)
            mat = M_WINFRAME;
        else if (px > PIC_X0 && px < PIC_X1 && py > PIC_Y0 && py < PIC_Y1)
            mat = px < PIC_X0 + 0.06f || px > PIC_X1 - 0.06f || py < PIC_Y0 + 0.06f ||
                  py > PIC_Y1 - 0.06f ? M_PIC_FRAME : M_PICTURE;
    } else if (mat == M_WALL_RIGHT && pz > DOOR_Z0 && pz < DOOR_Z1 && py < DOOR_Y1) {
        mat = M_DOOR;
    }

    switch (mat) {
    case M_FLOOR: {
        float plank = floorf(px / 0.17f), u = px / 0.17f - plank;
        float off = demo_hashf((uint32_t)(int32_t)plank * 7919u) * 0.65f;
        float row = floorf((pz + off) / 1.4f), v = (pz + off) / 1.4f - row;
        uint32_t id = demo_hash((uint32_t)(int32_t)plank * 131u + (uint32_t)(int32_t)row * 977u);
        float tone = 0.82f + 0.3f * (float)(id & 255) / 255.0f;
        float grain = 0.88f + 0.2f * demo_fbm2(nz, px * 34.0f + (float)(id & 63), pz * 1.7f, 4);
        float seam = smoothstep(0.0f, 0.035f, u) * smoothstep(0.0f, 0.006f, v) * 0.65f + 0.35f;
        a[0] = 0.50f * tone * grain * seam;
        a[1] = 0.30f * tone * grain * seam;
        a[2] = 0.16f * tone * grain * seam;
        float wall = fminf(fminf(px - ROOM_LEFT, ROOM_RIGHT - px), ROOM_BACK - pz);
        ao = 1.0f - 0.45f * (1.0f - smoothstep(0.0f, 0.5f, wall));
        if (px > TABLE_X0 - 0.2f && px < TABLE_X1 + 0.2f && pz > TABLE_Z0 - 0.2f && pz < TABLE_Z1 + 0.2f) {
            float dx = fminf(px - (TABLE_X0 - 0.2f), (TABLE_X1 + 0.2f) - px);
            float dz = fminf(pz - (TABLE_Z0 - 0.2f), (TABLE_Z1 + 0.2f) - pz);
            ao *= 1.0f - 0.45f * smoothstep(0.0f, 0.35f, fminf(dx, dz));
        }
        gloss = 0.05f;
        break;
    }
    case M_WALL_BACK: case M_WALL_LEFT: case M_WALL_RIGHT: case M_CEIL: {
        float u = mat == M_WALL_LEFT || mat == M_WALL_RIGHT ? pz : px;
        float plaster = 0.93f + 0.06f * demo_fbm2(nz, u * 5.0f, py * 5.0f, 4) +
                        0.05f * demo_fbm2(nz, u * 0.6f + 9.0f, py * 0.6f, 2);
        static const float base[4][3] = {
            { 0.72f, 0.63f, 0.5f }, { 0.5f, 0.56f, 0.52f }, { 0.7f, 0.6f, 0.48f }, { 0.8f, 0.8f, 0.78f },
        };
        const float *b = base[mat == M_WALL_BACK ? 0 : mat == M_WALL_LEFT ? 1 : mat == M_WALL_RIGHT ? 2 : 3];
        for (int i = 0; i < 3; i++)
            a[i] = b[i] * plaster;
        if (mat != M_CEIL && py < 0.12f) {
            float k = py > 0.105f ? 0.6f : 1.0f;
            a[0] = 0.82f * k; a[1] = 0.8f * k; a[2] = 0.75f * k;
        }
        float corner = mat == M_CEIL ? 1.0f : fminf(py, ROOM_CEIL - py);
        if (mat == M_WALL_BACK)
            corner = fminf(corner, fminf(px - ROOM_LEFT, ROOM_RIGHT - px));
        else if (mat != M_CEIL)
            corner = fminf(corner, ROOM_BACK - pz);
        ao = 1.0f - 0.5f * (1.0f - smoothstep(0.0f, 0.8f, corner));
        break;
    }
    case M_OUTSIDE:
        outside(set, nz, px, py, emit);
        a[0] = a[1] = a[2] = 0;
        break;
    case M_WINFRAME:
        a[0] = 0.85f; a[1] = 0.84f; a[2] = 0.8f;
        break;
    case M_PIC_FRAME:
        a[0] = 0.16f; a[1] = 0.09f; a[2] = 0.05f;
        break;
    case M_PICTURE: {
        float v = (py - PIC_Y0) / (PIC_Y1 - PIC_Y0);
        float hill = 0.45f + 0.15f * demo_fbm2(nz, px * 3.0f, 7.0f, 3);
        float k = 0.9f + 0.15f * demo_fbm2(nz, px * 30.0f, py * 30.0f, 2);
        if (v < hill) { a[0] = 0.22f * k; a[1] = 0.3f * k; a[2] = 0.12f * k; }
        else { a[0] = 0.45f * k; a[1] = 0.55f * k; a[2] = 0.7f * k; }
        break;
    }
    case M_DOOR: {
        float panel = fminf(fminf(pz - DOOR_Z0, DOOR_Z1 - pz), DOOR_Y1 - py);
        float frame = panel < 0.07f ? 1.0f : 0.0f;
        float inset = (fabsf(pz - 0.5f * (DOOR_Z0 + DOOR_Z1)) < 0.36f &&
                       (fabsf(py - 1.5f) < 0.4f || fabsf(py - 0.6f) < 0.4f)) ? 0.8f : 1.0f;
        float g = 0.9f + 0.15f * demo_fbm2(nz, pz * 3.0f, py * 40.0f, 3);
        if (frame > 0) { a[0] = 0.82f; a[1] = 0.8f; a[2] = 0.76f; }
        else { a[0] = 0.42f * g * inset; a[1] = 0.26f * g * inset; a[2] = 0.14f * g * inset; }
        break;
    }
    case M_TABLE: {
        float g = 0.85f + 0.25f * demo_fbm2(nz, px * 2.5f, (pz + py) * 45.0f, 4);
        a[0] = 0.36f * g; a[1] = 0.19f * g; a[2] = 0.09f * g;
        gloss = 0.08f;
        break;
    }
    case M_CUP:
        a[0] = 0.62f; a[1] = 0.07f; a[2] = 0.05f;
        gloss = 0.25f;
        break;
    case M_CUP_INSIDE:
        a[0] = 0.18f; a[1] = 0.06f; a[2] = 0.04f;
        break;
    case M_BOTTLE:
        a[0] = 0.05f; a[1] = 0.22f; a[2] = 0.09f;
        gloss = 0.5f;
        break;
    case M_LAMP_BASE:
        a[0] = 0.5f; a[1] = 0.38f; a[2] = 0.16f;
        gloss = 0.3f;
        break;
    case M_LAMP_SHADE:
        a[0] = 0.86f; a[1] = 0.8f; a[2] = 0.66f;
        if (set->night) { emit[0] = 2.6f; emit[1] = 1.75f; emit[2] = 0.9f; }
        break;
    default:
        a[0] = a[1] = a[2] = 0;
        break;
    }

    float l[3] = { 0, 0, 0 };
    if (a[0] + a[1] + a[2] > 0)
        light_at(set, px, py, pz, n, l);
    for (int i = 0; i < 3; i++)
        rgb[i] = a[i] * l[i] * ao + emit[i];

    /* A glossy surface shows a soft highlight from the window or the lamp. */
    if (gloss > 0) {
        float lx = set->night ? LAMP_X - px : -1.2f - px, ly = set->night ? LAMP_Y - py : 1.7f - py;
        float lz = set->night ? LAMP_Z - pz : ROOM_BACK - pz;
        float inv = 1.0f / sqrtf(lx * lx + ly * ly + lz * lz);
        float vinv = 1.0f / sqrtf(r->dx * r->dx + r->dy * r->dy + r->dz * r->dz);
        float hx = lx * inv - r->dx * vinv, hy = ly * inv - r->dy * vinv, hz = lz * inv - r->dz * vinv;
        float hinv = 1.0f / sqrtf(hx * hx + hy * hy + hz * hz);
        float s = (n[0] * hx + n[1] * hy + n[2] * hz) * hinv;
        if (s > 0) {
            s *= s; s *= s; s *= s; s *= s; s *= s; /* s^32 */
            float k = gloss * s * (set->night ? 3.0f : 6.0f);
            rgb[0] += k; rgb[1] += k * (set->night ? 0.75f : 1.0f); rgb[2] += k * (set->night ? 0.5f : 1.05f);
        }
    }
}

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
            Hit h;
            float rgb[3];
            trace(&r, j->set, &h);
            shade(j->set, j->noise, &r, &h, rgb);
            size_t i = (size_t)y * j->w + x;
            for (int k = 0; k < 3; k++)
                j->rgb[k][i] = rgb[k];
            j->depth[i] = h.mat == M_OUTSIDE ? 40.0f : h.t;
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
