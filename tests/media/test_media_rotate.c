/* The tiled rotation kernel against a per-sample reference, 8 and 16 bit, odd sizes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/rotate.h"
#include "../rs_test.h"

/* Where source sample (x, y) of a w x h plane lands after a clockwise turn. */
static void reference_dst(int x, int y, int w, int h, int rot, int *dx, int *dy)
{
    switch (rot) {
    case 90:  *dx = h - 1 - y; *dy = x;         break;
    case 180: *dx = w - 1 - x; *dy = h - 1 - y; break;
    case 270: *dx = y;         *dy = w - 1 - x; break;
    default:  *dx = x;         *dy = y;         break;
    }
}

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

static void check_case(int w, int h, int bps, int rot)
{
    int dw = (rot == 90 || rot == 270) ? h : w, dh = (rot == 90 || rot == 270) ? w : h;
    /* Strides wider than a row, so that a kernel ignoring them fails. */
    ptrdiff_t ss = (ptrdiff_t)(w + 3) * bps, ds = (ptrdiff_t)(dw + 5) * bps;
    uint8_t *src = malloc(ss * h), *dst = malloc(ds * dh);
    for (ptrdiff_t i = 0; i < ss * h; i++)
        src[i] = (uint8_t)next_rand();
    memset(dst, 0xAA, ds * dh);
    rs_rotate_plane(dst, ds, src, ss, w, h, bps, rot);

    int bad = 0;
    for (int y = 0; y < h && !bad; y++) {
        for (int x = 0; x < w; x++) {
            int dx, dy;
            reference_dst(x, y, w, h, rot, &dx, &dy);
            if (memcmp(dst + dy * ds + dx * bps, src + y * ss + x * bps, bps)) {
                bad = 1;
                fprintf(stderr, "w %d h %d bps %d rot %d: sample (%d,%d) misplaced\n",
                        w, h, bps, rot, x, y);
                break;
            }
        }
    }
    /* The padding after each destination row must be untouched. */
    for (int y = 0; y < dh && !bad; y++)
        for (ptrdiff_t i = (ptrdiff_t)dw * bps; i < ds; i++)
            if (dst[y * ds + i] != 0xAA) {
                bad = 1;
                fprintf(stderr, "w %d h %d bps %d rot %d: wrote past row %d\n", w, h, bps, rot, y);
                break;
            }
    RS_CHECK(!bad);
    free(src);
    free(dst);
}

static void test_kernel_matches_reference(void)
{
    static const int sizes[][2] = { { 1, 1 }, { 7, 5 }, { 5, 7 }, { 32, 32 }, { 33, 65 },
                                    { 100, 3 }, { 64, 48 }, { 97, 131 } };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        for (int bps = 1; bps <= 2; bps++)
            for (int rot = 0; rot < 360; rot += 90)
                check_case(sizes[i][0], sizes[i][1], bps, rot);
}

/* Four quarter turns give back the original plane. */
static void test_four_turns_are_identity(void)
{
    int w = 45, h = 38;
    uint8_t *a = malloc(w * h), *b = malloc(w * h), *orig = malloc(w * h);
    for (int i = 0; i < w * h; i++)
        orig[i] = a[i] = (uint8_t)next_rand();
    for (int k = 0; k < 4; k++) {
        int cw = k % 2 ? h : w, ch = k % 2 ? w : h;
        rs_rotate_plane(b, ch, a, cw, cw, ch, 1, 90);
        memcpy(a, b, w * h);
    }
    RS_CHECK(!memcmp(a, orig, w * h));
    free(a);
    free(b);
    free(orig);
}

int main(void)
{
    RS_RUN(test_kernel_matches_reference);
    RS_RUN(test_four_turns_are_identity);
    return rs_test_end();
}
