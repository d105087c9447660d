/*
 * The demo set: one room, in metres. X to the right, Y up, Z away from the
 * camera; the floor is Y = 0. Cameras have no rotation, only a shifted
 * principal point (like a shift lens), which keeps the projection a division
 * by depth and lets the plate renderer and the sprites agree exactly.
 */
#ifndef RS_DEMO_WORLD_H
#define RS_DEMO_WORLD_H

/* Room walls. */
#define ROOM_LEFT   (-2.4f)
#define ROOM_RIGHT  2.8f
#define ROOM_BACK   7.0f
#define ROOM_CEIL   3.0f

/* Window in the back wall and its cross bars. */
#define WIN_X0 (-1.9f)
#define WIN_X1 (-0.5f)
#define WIN_Y0 0.85f
#define WIN_Y1 2.35f

/* Table: top surface height and footprint. */
#define TABLE_TOP 0.75f
#define TABLE_X0  0.2f
#define TABLE_X1  1.5f
#define TABLE_Z0  4.4f
#define TABLE_Z1  5.2f

typedef struct DemoCamera {
    float x, y, z;        /* position */
    float f;              /* focal length in output pixels */
    float cx, cy;         /* principal point in output pixels; cy is the horizon row */
    float focus;          /* distance in focus, metres */
    float blur;           /* depth-of-field blur radius, fraction of the width; 0: sharp */
    float aperture;       /* how fast blur grows away from focus (per dioptre) */
} DemoCamera;

/* Project a world point to output pixels; returns the depth (<= 0: behind). */
static inline float demo_project(const DemoCamera *c, float X, float Y, float Z, float *sx, float *sy)
{
    float d = Z - c->z;
    if (d <= 1e-3f) {
        *sx = *sy = 0.0f;
        return d;
    }
    *sx = c->cx + c->f * (X - c->x) / d;
    *sy = c->cy - c->f * (Y - c->y) / d;
    return d;
}

#endif /* RS_DEMO_WORLD_H */
