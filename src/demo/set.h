/*
 * The set as geometry and light, for the plate renderer: rays against the
 * room, the furniture and the props, the light reaching a point, and the
 * radiance a camera ray brings back. Internal to src/demo.
 */
#ifndef RS_DEMO_SET_H
#define RS_DEMO_SET_H

#include "demo/noise.h"
#include "demo/plate.h"
#include "demo/world.h"

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
static const float DEMO_SUN[3] = { -0.2095f, 0.6704f, 0.7119f };

/* The nearest surface along r (h->mat is M_NONE when the ray escapes). */
void demo_set_trace(const Ray *r, const DemoSet *set, Hit *h);

/* 1 when the segment from p towards a light at distance dist hits the table or a prop. */
int demo_set_occluded(float px, float py, float pz, float lx, float ly, float lz, float dist,
                      const DemoSet *set);

/* Linear RGB radiance back along ray r, and the depth of what it hit. */
void demo_set_radiance(const DemoSet *set, const DemoNoise *noise, const Ray *r, float rgb[3], float *depth);

#endif /* RS_DEMO_SET_H */
