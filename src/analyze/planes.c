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

static void accumulate_rows8(const uint8_t *row, uint32_t *acc, int n)
{
    for (int x = 0; x < n; x++)
        acc[x] += row[x];
}

static void accumulate_rows16(const uint16_t *row, uint32_t *acc, int n)
{
    for (int x = 0; x < n; x++)
        acc[x] += row[x];
}

void rs_plane_reduce(const RsPlane *src, int fx, int fy, int shift,
                     uint8_t *dst, ptrdiff_t dst_stride, int dst_w, int dst_h,
                     uint32_t *rowacc)
{
    const int used_w = dst_w * fx;
    const unsigned n = (unsigned)(fx * fy);
    /* rowacc holds used_w partial sums; the caller sized it for dst_w * 4 >= used_w. */
    for (int y = 0; y < dst_h; y++) {
        memset(rowacc, 0, (size_t)used_w * sizeof(*rowacc));
        for (int j = 0; j < fy; j++) {
            const uint8_t *row = src->data + (ptrdiff_t)(y * fy + j) * src->stride;
            if (src->bytes_per_sample == 2)
                accumulate_rows16((const uint16_t *)row, rowacc, used_w);
            else
                accumulate_rows8(row, rowacc, used_w);
        }
        uint8_t *out = dst + y * dst_stride;
        for (int x = 0; x < dst_w; x++) {
            uint32_t sum = 0;
            for (int i = 0; i < fx; i++)
                sum += rowacc[x * fx + i];
            uint32_t v = ((sum + n / 2) / n) >> shift;
            out[x] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
}
