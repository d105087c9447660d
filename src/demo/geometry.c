/* Ray casting against the set: axis-aligned boxes, planes and upright cylinders. */
#include <math.h>

#include "demo/set.h"

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

void demo_set_trace(const Ray *r, const DemoSet *set, Hit *h)
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

int demo_set_occluded(float px, float py, float pz, float lx, float ly, float lz, float dist,
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
