/*
 * Plane reduction. The fast path accumulates whole rows vertically (a loop the
 * compiler vectorises) and then sums horizontal groups; the reference computes
 * each output pixel directly. Both round to nearest the same way, so they are
 * bit-exact, which tests/analyze/test_planes.c proves on random input.
 */
#include <string.h>

#include "analyze/planes.h"

static inline unsigned sample(const RsPlane *p, int x, int y)
{
    const uint8_t *row = p->data + (ptrdiff_t)y * p->stride;
    return p->bytes_per_sample == 2 ? ((const uint16_t *)row)[x] : row[x];
}

void rs_plane_reduce_ref(const RsPlane *src, int fx, int fy, int shift,
                         uint8_t *dst, ptrdiff_t dst_stride, int dst_w, int dst_h)
{
    const unsigned n = (unsigned)(fx * fy);
    for (int y = 0; y < dst_h; y++) {
        for (int x = 0; x < dst_w; x++) {
            uint32_t sum = 0;
            for (int j = 0; j < fy; j++)
                for (int i = 0; i < fx; i++)
                    sum += sample(src, x * fx + i, y * fy + j);
            uint32_t v = ((sum + n / 2) / n) >> shift;
            dst[y * dst_stride + x] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
}

/*
 * The fast path. Vertical sums go into a row of accumulators (uint16_t for
 * 8-bit samples: at most 4 * 255 per column, so twice as many lanes per
 * vector); the horizontal step is specialised for each factor so the
 * compiler sees constant strides; the division is a shift, as every factor
 * product is a power of two. Rounding is the reference's: (sum + n/2) / n.
 */
static inline int ilog2(unsigned n)
{
    return n >= 16 ? 4 : n >= 8 ? 3 : n >= 4 ? 2 : n >= 2 ? 1 : 0;
}

#define DEFINE_HSUM(T, FX)                                                              \
static void hsum_##T##_##FX(const T *acc, uint8_t *out, int dst_w, int lg, int shift)   \
{                                                                                       \
    const uint32_t half = (1u << lg) >> 1;                                              \
    for (int x = 0; x < dst_w; x++) {                                                   \
        uint32_t sum = 0;                                                               \
        for (int i = 0; i < FX; i++)                                                    \
            sum += acc[x * FX + i];                                                     \
        uint32_t v = ((sum + half) >> lg) >> shift;                                     \
        out[x] = (uint8_t)(v > 255 ? 255 : v);                                          \
    }                                                                                   \
}
DEFINE_HSUM(uint16_t, 1)
DEFINE_HSUM(uint16_t, 2)
DEFINE_HSUM(uint16_t, 4)
DEFINE_HSUM(uint32_t, 1)
DEFINE_HSUM(uint32_t, 2)
DEFINE_HSUM(uint32_t, 4)

static void reduce8(const RsPlane *src, int fx, int fy, int shift, uint8_t *dst, ptrdiff_t dst_stride,
                    int dst_w, int dst_h, uint16_t *acc)
{
    const int used_w = dst_w * fx, lg = ilog2((unsigned)(fx * fy));
    for (int y = 0; y < dst_h; y++) {
        const uint8_t *row = src->data + (ptrdiff_t)(y * fy) * src->stride;
        for (int x = 0; x < used_w; x++)
            acc[x] = row[x];
        for (int j = 1; j < fy; j++) {
            row += src->stride;
            for (int x = 0; x < used_w; x++)
                acc[x] += row[x];
        }
        uint8_t *out = dst + y * dst_stride;
        if (fx == 4)
            hsum_uint16_t_4(acc, out, dst_w, lg, shift);
        else if (fx == 2)
            hsum_uint16_t_2(acc, out, dst_w, lg, shift);
        else
            hsum_uint16_t_1(acc, out, dst_w, lg, shift);
    }
}

static void reduce16(const RsPlane *src, int fx, int fy, int shift, uint8_t *dst, ptrdiff_t dst_stride,
                     int dst_w, int dst_h, uint32_t *acc)
{
    const int used_w = dst_w * fx, lg = ilog2((unsigned)(fx * fy));
    for (int y = 0; y < dst_h; y++) {
        const uint16_t *row = (const uint16_t *)(src->data + (ptrdiff_t)(y * fy) * src->stride);
        for (int x = 0; x < used_w; x++)
            acc[x] = row[x];
        for (int j = 1; j < fy; j++) {
            row = (const uint16_t *)((const uint8_t *)row + src->stride);
            for (int x = 0; x < used_w; x++)
                acc[x] += row[x];
        }
        uint8_t *out = dst + y * dst_stride;
        if (fx == 4)
            hsum_uint32_t_4(acc, out, dst_w, lg, shift);
        else if (fx == 2)
            hsum_uint32_t_2(acc, out, dst_w, lg, shift);
        else
            hsum_uint32_t_1(acc, out, dst_w, lg, shift);
    }
}

void rs_plane_reduce(const RsPlane *src, int fx, int fy, int shift,
                     uint8_t *dst, ptrdiff_t dst_stride, int dst_w, int dst_h,
                     uint32_t *rowacc)
{
    /* rowacc has room for dst_w * 4 uint32_t, enough for either accumulator type. */
    if (src->bytes_per_sample == 2)
        reduce16(src, fx, fy, shift, dst, dst_stride, dst_w, dst_h, rowacc);
    else
        reduce8(src, fx, fy, shift, dst, dst_stride, dst_w, dst_h, (uint16_t *)rowacc);
}
