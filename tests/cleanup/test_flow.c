/*
 * Flow accuracy on generated known motion: a smooth texture translated by a
 * sub-pixel amount, with and without an exposure change, and a zoom (flow
 * that varies across the picture). The end-point error (EPE, the mean
 * distance between the estimated and the true motion vectors, in pixels) is
 * printed and bounded.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup_fixtures.h"
#include "../rs_test.h"
#include "rushes/error.h"
#include "rushes/flow.h"

#define W 160
#define H 120

/* b(x) = gain * a(x - motion(x)) + offset, so the flow a -> b is motion(x). */
static double run_case(const char *name, double tx, double ty, double zoom, double gain, double offset)
{
    static uint8_t a[W * H], b[W * H];
    static float u[W * H], v[W * H];
    const double cx = W / 2.0, cy = H / 2.0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            a[y * W + x] = fx_clip(fx_texture(x, y));
            /* Inverse of the forward map p' = c + zoom * (p - c) + t. */
            double sx = cx + (x - cx - tx) / zoom, sy = cy + (y - cy - ty) / zoom;
            b[y * W + x] = fx_clip(gain * fx_texture(sx, sy) + offset);
        }
    RsFlowSettings s;
    rs_flow_default_settings(&s);
    RS_CHECK_EQ_INT(rs_flow_compute(a, W, b, W, W, H, &s, u, v), 0);
    /* Score away from the border, where part of the patch leaves the picture. */
    double sum = 0;
    int n = 0;
    for (int y = 8; y < H - 8; y++)
        for (int x = 8; x < W - 8; x++) {
            double gu = (zoom - 1) * (x - cx) + tx, gv = (zoom - 1) * (y - cy) + ty;
            sum += hypot(u[y * W + x] - gu, v[y * W + x] - gv);
            n++;
        }
    double epe = sum / n;
    printf("%-30s EPE %.3f px\n", name, epe);
    fflush(stdout);
    return epe;
}

static void test_translation(void)
{
    RS_CHECK(run_case("translate (2.3, -1.6)", 2.3, -1.6, 1, 1, 0) < 0.15);
    RS_CHECK(run_case("translate (7.4, 5.2)", 7.4, 5.2, 1, 1, 0) < 0.25);
}

static void test_exposure(void)
{
    /* A brighter second picture must not bend the flow. */
    RS_CHECK(run_case("translate + exposure x1.15+12", 3.5, 1.25, 1, 1.15, 12) < 0.25);
}

static void test_zoom(void)
{
    RS_CHECK(run_case("zoom 1.04 + (1, 0.5)", 1, 0.5, 1.04, 1, 0) < 0.3);
}

/* The 3x3 median after each level keeps a smooth field as accurate. */
static void test_median(void)
{
    static uint8_t a[W * H], b[W * H];
    static float u[W * H], v[W * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            a[y * W + x] = fx_clip(fx_texture(x, y));
            b[y * W + x] = fx_clip(fx_texture(x - 2.3, y + 1.6));
        }
    RsFlowSettings s;
    rs_flow_default_settings(&s);
    s.median = 1;
    RS_CHECK_EQ_INT(rs_flow_compute(a, W, b, W, W, H, &s, u, v), 0);
    double sum = 0;
    int n = 0;
    for (int y = 8; y < H - 8; y++)
        for (int x = 8; x < W - 8; x++, n++)
            sum += hypot(u[y * W + x] - 2.3, v[y * W + x] + 1.6);
    printf("translate (2.3, -1.6), median  EPE %.3f px\n", sum / n);
    RS_CHECK(sum / n < 0.15);
    s.median = 2;
    RS_CHECK_EQ_INT(rs_flow_compute(a, W, b, W, W, H, &s, u, v), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "median 2");
}

static void test_errors(void)
{
    uint8_t p[64];
    float u[64], v[64];
    RsFlowSettings s;
    rs_flow_default_settings(&s);
    s.patch_size = 40;
    RS_CHECK_EQ_INT(rs_flow_compute(p, 8, p, 8, 8, 8, &s, u, v), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "patch_size 40");
    RS_CHECK_EQ_INT(rs_flow_compute(p, 8, p, 8, 4, 8, NULL, u, v), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "4x8");
}

int main(void)
{
    RS_RUN(test_translation);
    RS_RUN(test_exposure);
    RS_RUN(test_zoom);
    RS_RUN(test_median);
    RS_RUN(test_errors);
    return rs_test_end();
}
