/* The fast plane reduction is bit-exact with its C reference on random input. */
#include <stdint.h>

#include "../rs_test.h"
#include "analyze/planes.h"

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

static void test_bitexact(void)
{
    static const int fs[] = { 1, 2, 4 };
    for (int iter = 0; iter < 200; iter++) {
        int bps = iter & 1 ? 2 : 1;
        int depth = bps == 2 ? 10 + (iter % 3) * 2 : 8;
        int w = 1 + (int)(next() % 97), h = 1 + (int)(next() % 61);
        int fx = fs[next() % 3], fy = fs[next() % 3];
        ptrdiff_t stride = (ptrdiff_t)w * bps + (ptrdiff_t)(next() % 9) * bps;
        uint8_t *src = malloc((size_t)stride * h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint32_t v = next() % (1u << depth);
                if (bps == 2)
                    ((uint16_t *)(src + y * stride))[x] = (uint16_t)v;
                else
                    src[y * stride + x] = (uint8_t)v;
            }
        RsPlane p = { src, stride, w, h, bps };
        int dw = w / fx, dh = h / fy;
        uint8_t *a = calloc((size_t)(dw + 1) * (dh + 1), 1), *b = calloc((size_t)(dw + 1) * (dh + 1), 1);
        uint32_t *acc = calloc((size_t)(dw + 1) * 4, sizeof(uint32_t));
        int shift = depth - 8;
        rs_plane_reduce(&p, fx, fy, shift, a, dw, dw, dh, acc);
        rs_plane_reduce_ref(&p, fx, fy, shift, b, dw, dw, dh);
        RS_CHECK(memcmp(a, b, (size_t)dw * dh) == 0);
        free(src); free(a); free(b); free(acc);
    }
}

static void test_known_values(void)
{
    /* A 4x4 block averaging to 10.5 rounds to 11; 10-bit 1023 maps to 255. */
    uint8_t src[16];
    for (int i = 0; i < 16; i++)
        src[i] = (uint8_t)(i < 8 ? 10 : 11);
    RsPlane p = { src, 4, 4, 4, 1 };
    uint8_t out = 0;
    uint32_t acc[16];
    rs_plane_reduce(&p, 4, 4, 0, &out, 1, 1, 1, acc);
    RS_CHECK_EQ_INT(out, 11);
    uint16_t s16[4] = { 1023, 1023, 1023, 1023 };
    RsPlane q = { (const uint8_t *)s16, 4, 2, 2, 2 };
    rs_plane_reduce(&q, 2, 2, 2, &out, 1, 1, 1, acc);
    RS_CHECK_EQ_INT(out, 255);
}

int main(void)
{
    RS_RUN(test_bitexact);
    RS_RUN(test_known_values);
    return rs_test_end();
}
