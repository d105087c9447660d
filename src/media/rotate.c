/* Clockwise plane rotation over tiles; see rotate.h. */
#include <string.h>

#include "media/rotate.h"

#define TILE 32

#define ROW(T, base, stride, y) ((T *)((base) + (ptrdiff_t)(y) * (stride)))

/*
 * 90 degrees clockwise: source (x, y) lands at column h-1-y of row x. Each
 * tile's columns become rows of the destination; a tile's 32 source rows
 * stay in cache while its columns are read.
 */
#define DEFINE_ROTATE(T, sfx) \
static void rot90_##sfx(uint8_t *dst, ptrdiff_t ds, const uint8_t *src, ptrdiff_t ss, int w, int h) \
{ \
    for (int ty = 0; ty < h; ty += TILE) { \
        int ey = ty + TILE < h ? ty + TILE : h; \
        for (int tx = 0; tx < w; tx += TILE) { \
            int ex = tx + TILE < w ? tx + TILE : w; \
            for (int x = tx; x < ex; x++) { \
                T *d = ROW(T, dst, ds, x) + (h - 1); \
                for (int y = ty; y < ey; y++) \
                    d[-y] = ROW(const T, src, ss, y)[x]; \
            } \
        } \
    } \
} \
\
static void rot270_##sfx(uint8_t *dst, ptrdiff_t ds, const uint8_t *src, ptrdiff_t ss, int w, int h) \
{ \
    for (int ty = 0; ty < h; ty += TILE) { \
        int ey = ty + TILE < h ? ty + TILE : h; \
        for (int tx = 0; tx < w; tx += TILE) { \
            int ex = tx + TILE < w ? tx + TILE : w; \
            for (int x = tx; x < ex; x++) { \
                T *d = ROW(T, dst, ds, w - 1 - x); \
                for (int y = ty; y < ey; y++) \
                    d[y] = ROW(const T, src, ss, y)[x]; \
            } \
        } \
    } \
} \
\
static void rot180_##sfx(uint8_t *dst, ptrdiff_t ds, const uint8_t *src, ptrdiff_t ss, int w, int h) \
{ \
    for (int y = 0; y < h; y++) { \
        const T *s = ROW(const T, src, ss, y); \
        T *d = ROW(T, dst, ds, h - 1 - y) + (w - 1); \
        for (int x = 0; x < w; x++) \
            d[-x] = s[x]; \
    } \
}

DEFINE_ROTATE(uint8_t, 8)
DEFINE_ROTATE(uint16_t, 16)

void rs_rotate_plane(uint8_t *dst, ptrdiff_t dst_stride, const uint8_t *src,
                     ptrdiff_t src_stride, int w, int h, int bytes_per_sample, int rotation)
{
    int wide = bytes_per_sample == 2;
    switch (rotation) {
    case 90:
        (wide ? rot90_16 : rot90_8)(dst, dst_stride, src, src_stride, w, h);
        break;
    case 180:
        (wide ? rot180_16 : rot180_8)(dst, dst_stride, src, src_stride, w, h);
        break;
    case 270:
        (wide ? rot270_16 : rot270_8)(dst, dst_stride, src, src_stride, w, h);
        break;
    default:
        for (int y = 0; y < h; y++)
            memcpy(dst + y * dst_stride, src + y * src_stride, (size_t)w * bytes_per_sample);
        break;
    }
}
