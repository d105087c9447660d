/*
 * Anti-aliased drawing of the moving things onto a 4:2:0 frame: capsules
 * (limbs, boom pole), rotated rectangles with a pattern (slate, clapsticks),
 * shaded discs (a ball) and soft shadows. Coordinates are luma pixels with
 * (0, 0) at the top-left corner of the top-left pixel; each shape is drawn
 * into the chroma planes at half scale. Only the shape's bounding box is
 * visited, and the inner loops use no libm.
 */
#ifndef RS_DEMO_DRAW_H
#define RS_DEMO_DRAW_H

#include <stddef.h>
#include <stdint.h>

typedef struct DemoCanvas {
    uint8_t *p[3];
    ptrdiff_t stride[3];
    int w, h;                 /* luma size */
} DemoCanvas;

typedef struct DemoColor {
    float y, u, v;            /* limited-range Y'CbCr, 0..255 */
} DemoColor;

/* Colour from gamma-encoded R'G'B' in 0..1 (BT.709). */
DemoColor demo_color_rgb(float r, float g, float b);

/* Scale a colour's light: luma above black and chroma around grey. */
DemoColor demo_color_gain(DemoColor c, float gain);

/*
 * A capsule (segment a-b with radius r), shaded as a cylinder lit from the
 * screen direction (lx, ly) (unit vector; 0, 0 for flat) with strength k.
 */
void demo_draw_capsule(DemoCanvas *cv, float ax, float ay, float bx, float by, float r,
                       DemoColor c, float lx, float ly, float k);

/* Rectangle patterns. */
enum {
    DEMO_PAT_SOLID,
    DEMO_PAT_STRIPES,        /* diagonal stripes of c and c2, period in local units */
    DEMO_PAT_MASK,           /* a 1-bit mask (c2 where set) stretched over the rectangle */
};

typedef struct DemoRect {
    float cx, cy;             /* centre */
    float hw, hh;             /* half width and height */
    float cs, sn;             /* rotation: cos and sin of the angle */
    DemoColor c, c2;
    int pattern;
    float period;             /* stripes */
    const uint8_t *mask;      /* mask_w * mask_h bytes, 0 or 1 */
    int mask_w, mask_h;
} DemoRect;

void demo_draw_rect(DemoCanvas *cv, const DemoRect *r);

/* Darken an ellipse (radii rx, ry) by up to `strength` (0..1) with a soft edge. */
void demo_draw_shadow(DemoCanvas *cv, float cx, float cy, float rx, float ry, float strength);

/* A ball lit from (lx, ly) with a highlight. */
void demo_draw_ball(DemoCanvas *cv, float cx, float cy, float r, DemoColor c, float lx, float ly);

/*
 * Rasterise text with the 5x7 font into mask (w x h bytes, zeroed by the
 * caller) at cell (x, y); characters are 6 cells apart. Unknown characters
 * are blank.
 */
void demo_text_mask(uint8_t *mask, int w, int h, int x, int y, const char *text);

#endif /* RS_DEMO_DRAW_H */
