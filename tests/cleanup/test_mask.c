/*
 * Masks: keyed JSON shapes (rasterised on pixel centres, interpolated
 * linearly, held outside their keys), their error messages, and picture
 * masks from the shared footage when it is there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rs_test.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"

#define W 64
#define H 48

static char path[256];

static void write_file(const char *text)
{
    snprintf(path, sizeof(path), "/tmp/rs_test_mask_%d.json", (int)getpid());
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static int count(const uint8_t *m)
{
    int n = 0;
    for (int i = 0; i < W * H; i++)
        n += m[i];
    return n;
}

static void test_shapes(void)
{
    write_file("{ \"shapes\": [\n"
               "  { \"type\": \"rect\", \"keys\": [ { \"frame\": 0, \"rect\": [2, 3, 10, 5] },\n"
               "                                  { \"frame\": 10, \"rect\": [22, 3, 10, 5] } ] },\n"
               "  { \"type\": \"ellipse\", \"keys\": [ { \"frame\": 4, \"ellipse\": [40, 30, 6, 4] } ] },\n"
               "  { \"type\": \"polygon\", \"keys\": [ { \"frame\": 0, \"polygon\": [0, 40, 8, 40, 0, 48] } ] }\n"
               "] }\n");
    RsMask *m;
    static uint8_t a[W * H];
    RS_CHECK_EQ_INT(rs_mask_open(&m, path, W, H), 0);
    RS_CHECK_EQ_INT(rs_mask_render(m, 0, a, W), 0);
    /* The rectangle covers x 2..11, y 3..7 exactly. */
    RS_CHECK(a[3 * W + 2] && a[7 * W + 11] && !a[3 * W + 12] && !a[8 * W + 2] && !a[2 * W + 2] && !a[3 * W + 1]);
    /* Halfway between keys: moved by 10. */
    RS_CHECK_EQ_INT(rs_mask_render(m, 5, a, W), 0);
    RS_CHECK(a[3 * W + 12] && a[3 * W + 21] && !a[3 * W + 11] && !a[3 * W + 22]);
    /* Held after the last key. */
    RS_CHECK_EQ_INT(rs_mask_render(m, 50, a, W), 0);
    RS_CHECK(a[3 * W + 22] && a[3 * W + 31] && !a[3 * W + 32]);
    /* The ellipse is held before and after its one key; its area is close to pi * 6 * 4. */
    RS_CHECK(a[30 * W + 40] && a[30 * W + 45] && !a[30 * W + 47] && !a[35 * W + 40]);
    /* The polygon (a right triangle of 8 x 8) holds about half of 64 pixels. */
    int before = count(a);
    RS_CHECK(before > 50 + 75 + 24 && before < 50 + 76 + 40);
    rs_mask_close(&m);
    RS_CHECK(m == NULL);
    unlink(path);
}

static void expect_error(const char *json, const char *needle)
{
    RsMask *m;
    write_file(json);
    RS_CHECK_EQ_INT(rs_mask_open(&m, path, W, H), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), needle);
    RS_CHECK_CONTAINS(rs_error_message(), path);
    RS_CHECK(m == NULL);
    unlink(path);
}

static void test_errors(void)
{
    expect_error("{ \"shapes\": [ { \"type\": \"star\", \"keys\": [] } ] }", "unknown type \"star\"");
    expect_error("{ \"shapes\": [ { \"type\": \"rect\", \"keys\": [ { \"frame\": 3, \"rect\": [1,2,3] } ] } ] }",
                 "shapes[0].keys[0]: \"rect\" has 3 numbers, expected 4");
    expect_error("{ \"shapes\": [ { \"type\": \"rect\", \"keys\": [ { \"frame\": 3, \"rect\": [1,2,3,4] },"
                 " { \"frame\": 2, \"rect\": [1,2,3,4] } ] } ] }", "frame 2 is not after frame 3");
    expect_error("{ \"shapes\": [ { \"type\": \"polygon\", \"keys\": [ { \"frame\": 0, \"polygon\": [0,0,5,0,5,5] },"
                 " { \"frame\": 2, \"polygon\": [0,0,5,0,5,5,0,5] } ] } ] }", "has 8 numbers, expected 6");
    expect_error("{ \"shapes\": [ { \"type\": \"rect\" ", "line 1, column 32");
    expect_error("[1, 2]", "no \"shapes\" array");
    expect_error("{ \"shapes\": [ { \"type\": \"rect\", \"keys\": [ { \"frame\": 0, \"rect\": [1e300,2,3,4] } ] } ] }",
                 "rect[0] is not a number within");
    expect_error("{ \"shapes\": [ { \"type\": \"rect\", \"keys\": [ { \"frame\": 1e999, \"rect\": [1,2,3,4] } ] } ] }",
                 "number out of range");
    expect_error("{ \"shapes\": [ { \"type\": \"rect\", \"keys\": [ { \"frame\": 0, \"rect\": [10,10,-5,20] } ] } ] }",
                 "shapes[0].keys[0]: the rect's width and height (-5, 20) must be more than 0");
    expect_error("{ \"shapes\": [ { \"type\": \"ellipse\", \"keys\": [ { \"frame\": 0, \"ellipse\": [9,9,4,4] },"
                 " { \"frame\": 5, \"ellipse\": [9,9,4,0] } ] } ] }",
                 "shapes[0].keys[1]: the ellipse's radii (4, 0) must be more than 0");
    RsMask *m;
    RS_CHECK_EQ_INT(rs_mask_open(&m, "/nonexistent/mask.json", W, H), RS_ENOENT);
    RS_CHECK_CONTAINS(rs_error_message(), "/nonexistent/mask.json");
}

static void test_pictures(void)
{
    const char *media = getenv("RS_SHARED_MEDIA");
    if (!media) {
        printf("RS_SHARED_MEDIA unset: picture masks not tested\n");
        return;
    }
    char p[512];
    RsMask *m;
    static uint8_t a[432 * 240], b[432 * 240];
    snprintf(p, sizeof(p), "%s/propainter/mask_square.png", media);
    RS_CHECK_EQ_INT(rs_mask_open(&m, p, 432, 240), 0);
    RS_CHECK_EQ_INT(rs_mask_render(m, 0, a, 432), 0);
    RS_CHECK_EQ_INT(rs_mask_render(m, 7, b, 432), 0);
    int n = 0;
    for (int i = 0; i < 432 * 240; i++)
        n += a[i];
    RS_CHECK(n > 100 && n < 432 * 240 / 2);
    RS_CHECK(!memcmp(a, b, sizeof(a)));
    rs_mask_close(&m);
    /* A sequence: one picture per frame, asked in order; the wrong size is refused. */
    snprintf(p, sizeof(p), "%s/propainter/tennis_mask", media);
    RS_CHECK_EQ_INT(rs_mask_open(&m, p, 432, 240), 0);
    RS_CHECK_EQ_INT(rs_mask_render(m, 0, a, 432), 0);
    RS_CHECK_EQ_INT(rs_mask_render(m, 30, b, 432), 0);
    RS_CHECK(memcmp(a, b, sizeof(a)) != 0);
    RS_CHECK_EQ_INT(rs_mask_render(m, 3, b, 432), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_mask_render(m, 70, b, 432), RS_EMEDIA);
    RS_CHECK_CONTAINS(rs_error_message(), "frame 70");
    rs_mask_close(&m);
    RS_CHECK_EQ_INT(rs_mask_open(&m, p, 400, 240), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "432x240");
}

int main(void)
{
    RS_RUN(test_shapes);
    RS_RUN(test_errors);
    RS_RUN(test_pictures);
    return rs_test_end();
}
