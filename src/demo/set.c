/*
 * Light and materials of the set: daylight through the window (sky, a sun
 * patch with the bars' shadow, the window as a wide soft source) or a table
 * lamp at night; plaster, floorboards, wood, a painted picture, glossy props.
 * Runs once per plate pixel, so it may use floats and libm freely.
 */
#include <math.h>
#include <stddef.h>

#include "demo/set.h"

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
            lit += demo_set_occluded(px, py, pz, sx / sd, sy / sd, lz / sd, sd, set) ? 0.0f : 0.25f;
        }
        wl *= 0.3f + 0.7f * lit;
        float wi = 6.0f * wl / (1.0f + 0.22f * d2);
        out[0] += wi * 0.95f; out[1] += wi * 1.0f; out[2] += wi * 1.08f;
        /* Sun through the window: a patch with soft edges and the bars' shadow. */
        float sdl = nx * DEMO_SUN[0] + ny * DEMO_SUN[1] + nz * DEMO_SUN[2];
        if (!n)
            sdl = 0.6f;
        if (sdl > 0 && pz < ROOM_BACK) {
            float t = (ROOM_BACK - pz) / DEMO_SUN[2];
            float wx = px + t * DEMO_SUN[0], wy = py + t * DEMO_SUN[1];
            float open = window_open(wx, wy, 0.004f + 0.012f * t);
            if (open > 0 && demo_set_occluded(px, py, pz, DEMO_SUN[0], DEMO_SUN[1], DEMO_SUN[2], t, set))
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
            if (demo_set_occluded(px, py, pz, lx / d, ly / d, lz / d, d - 0.14f, set))
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

void demo_set_radiance(const DemoSet *set, const DemoNoise *noise, const Ray *r, float rgb[3], float *depth)
{
    Hit h;
    demo_set_trace(r, set, &h);
    shade(set, noise, r, &h, rgb);
    /* The room is closed, so every ray hits something; the view through the
     * window is painted on the back wall and is as far as the wall. */
    *depth = h.t;
}
