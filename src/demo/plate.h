/*
 * The plate: the still part of a shot (room, table, props, light), rendered
 * once per camera set-up by casting one ray per pixel, then blurred by depth
 * (lens depth of field), given a little bloom and tone-mapped to Y'CbCr.
 * Frames are later cut out of it with a sub-pixel offset (camera shake), so
 * the plate is larger than the frame by a margin on every side.
 */
#ifndef RS_DEMO_PLATE_H
#define RS_DEMO_PLATE_H

#include <stdint.h>

#include "demo/noise.h"
#include "demo/world.h"

/* What is on the set for one take. */
typedef struct DemoSet {
    int night;              /* lamp on, dark window; else daylight and sun */
    float cup_x, cup_z;     /* the cup on the table (continuity prop) */
} DemoSet;

typedef struct DemoPlate {
    int w, h;               /* output size + 2 * margin; even */
    int margin;             /* even */
    uint16_t *y;            /* luma * 16 (limited range), w * h */
    uint8_t *u, *v;         /* chroma, (w / 2) * (h / 2) */
} DemoPlate;

/*
 * Render the plate for set seen by cam at output size out_w x out_h. threads
 * splits the rows; the result does not depend on it. Returns 0 or RS_ENOMEM.
 */
int demo_plate_render(DemoPlate *p, const DemoSet *set, const DemoCamera *cam, int out_w, int out_h,
                      int margin, const DemoNoise *noise, int threads);

void demo_plate_free(DemoPlate *p);

/*
 * Light arriving at a point from the set's light sources, for shading moving
 * things (the actor) consistently with the plate: about 1 in the daylight
 * room, more in the sun patch, less at night.
 */
float demo_set_light(const DemoSet *set, float x, float y, float z);

#endif /* RS_DEMO_PLATE_H */
