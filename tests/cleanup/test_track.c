/*
 * Mask tracking: a textured object moving on its own over a panning
 * textured background, keyed on its first frame by a polygon a little larger
 * than it (background shows through), is followed on every frame; with a
 * second key the keys are met exactly; a JSON shape marked "track": true is
 * drawn where it was tracked, grown by the margin.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "cleanup/flow_cache.h"
#include "cleanup/track_internal.h"
#include "cleanup_fixtures.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"
#include "rushes/track.h"

#define W 192
#define H 128
#define N 10

static uint8_t y[N][W * H], obj[N][W * H], m[W * H];

/* The object: a square of side 36 centred at (50 + 6t, 70 - 1.5t), turning 1 degree a frame. */
static void object_at(int t, double *cx, double *cy, double *ang)
{
    *cx = 50 + 6.0 * t;
    *cy = 70 - 1.5 * t;
    *ang = t * M_PI / 180;
}

static void make(void)
{
    for (int t = 0; t < N; t++) {
        double cx, cy, a;
        object_at(t, &cx, &cy, &a);
        for (int r = 0; r < H; r++)
            for (int x = 0; x < W; x++) {
                /* Object coordinates of this pixel's centre. */
                double dx = x + 0.5 - cx, dy = r + 0.5 - cy;
                double ox = cos(a) * dx + sin(a) * dy, oy = -sin(a) * dx + cos(a) * dy;
                int in = fabs(ox) < 18 && fabs(oy) < 18;
                obj[t][r * W + x] = (uint8_t)in;
                y[t][r * W + x] = in ? fx_clip(255 - fx_texture(1.7 * ox + 300, 1.7 * oy + 100))
                                     : fx_clip(fx_texture(x - 1.5 * t, r - 0.5 * t));
            }
    }
}

static double iou(const uint8_t *a, const uint8_t *b)
{
    int i = 0, u = 0;
    for (int k = 0; k < W * H; k++)
        i += a[k] && b[k], u += a[k] || b[k];
    return u ? (double)i / u : 1;
}

static double raster_iou(const double *poly, int t)
{
    /* Draw the polygon with the mask reader's own rasteriser: a one-key shape file. */
    char path[] = "/tmp/rs_test_track_XXXXXX.json";
    int fd = mkstemps(path, 5);
    RS_CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"shapes\":[{\"type\":\"polygon\",\"keys\":[{\"frame\":0,\"polygon\":[");
    for (int i = 0; i < 8; i++)
        fprintf(f, "%s%.6f", i ? "," : "", poly[i]);
    fprintf(f, "]}]}]}");
    fclose(f);
    RsMask *mk;
    RS_CHECK_EQ_INT(rs_mask_open(&mk, path, W, H), 0);
    RS_CHECK_EQ_INT(rs_mask_render(mk, 0, m, W), 0);
    rs_mask_close(&mk);
    remove(path);
    return iou(m, obj[t]);
}

static const uint8_t *const *planes(void)
{
    static const uint8_t *l[N];
    for (int t = 0; t < N; t++)
        l[t] = y[t];
    return l;
}

static void test_one_key(void)
{
    make();
    /* Two pixels larger than the object all round: the background shows inside. */
    const double key[8] = { 30, 50, 70, 50, 70, 90, 30, 90 };
    const int64_t frames[1] = { 0 };
    double out[N * 8];
    RsTrackShape sh = { 4, 1, frames, key, out };
    RS_CHECK_EQ_INT(rs_track_shapes(planes(), W, N, W, H, &sh, 1, NULL), 0);
    double worst = 1, still = 1;
    for (int t = 0; t < N; t++) {
        double q = raster_iou(out + 8 * t, t), s = raster_iou(key, t);
        worst = fmin(worst, q);
        still = fmin(still, s);
    }
    printf("one key: worst IoU tracked %.3f, the key held still %.3f\n", worst, still);
    fflush(stdout);
    RS_CHECK(worst > 0.75);
    RS_CHECK(still < 0.2);
    RS_CHECK(!memcmp(out, key, sizeof(key)));
}

static void test_two_keys(void)
{
    make();
    double cx, cy, a;
    object_at(N - 1, &cx, &cy, &a);
    const double keys[16] = { 30, 50, 70, 50, 70, 90, 30, 90,
                              cx - 20, cy - 20, cx + 20, cy - 20, cx + 20, cy + 20, cx - 20, cy + 20 };
    const int64_t frames[2] = { 0, N - 1 };
    double out[N * 8];
    RsTrackShape sh = { 4, 2, frames, keys, out };
    RsTrackSettings s;
    rs_track_default_settings(&s);
    s.model = RS_TRACK_AFFINE;
    RS_CHECK_EQ_INT(rs_track_shapes(planes(), W, N, W, H, &sh, 1, &s), 0);
    RS_CHECK(!memcmp(out, keys, 8 * sizeof(double)));
    RS_CHECK(!memcmp(out + 8 * (N - 1), keys + 8, 8 * sizeof(double)));
    double worst = 1;
    for (int t = 0; t < N; t++)
        worst = fmin(worst, raster_iou(out + 8 * t, t));
    printf("two keys, affine: worst IoU %.3f\n", worst);
    RS_CHECK(worst > 0.75);
}

static void test_json(void)
{
    make();
    char path[] = "/tmp/rs_test_track_XXXXXX.json";
    int fd = mkstemps(path, 5);
    RS_CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"shapes\":[{\"type\":\"rect\",\"track\":true,\"keys\":[{\"frame\":0,\"rect\":[30,50,40,40]}]},"
               "{\"type\":\"rect\",\"keys\":[{\"frame\":0,\"rect\":[0,0,4,4]}]}]}");
    fclose(f);
    RsMask *mk;
    RS_CHECK_EQ_INT(rs_mask_open(&mk, path, W, H), 0);
    RsTrackSettings s;
    rs_track_default_settings(&s);
    s.margin = 3;
    int tracked = 0;
    RS_CHECK_EQ_INT(rs_mask_track(mk, planes(), W, N, &s, &tracked), 0);
    RS_CHECK_EQ_INT(tracked, 1);
    RS_CHECK_EQ_INT(rs_mask_render(mk, N - 1, m, W), 0);
    int missed = 0, area = 0, objarea = 0;
    for (int k = 0; k < W * H; k++)
        missed += obj[N - 1][k] && !m[k], area += m[k], objarea += obj[N - 1][k];
    printf("json: last frame, %d object pixels missed, mask %d pixels for an object of %d\n", missed, area, objarea);
    RS_CHECK_EQ_INT(missed, 0);
    RS_CHECK(area < 2 * objarea);
    RS_CHECK(m[0] == 1);    /* the untracked shape is drawn where its key says, without the margin */
    RS_CHECK(m[5] == 0);
    rs_mask_close(&mk);
    /* "track" must be a boolean. */
    f = fopen(path, "w");
    fprintf(f, "{\"shapes\":[{\"type\":\"rect\",\"track\":1,\"keys\":[{\"frame\":0,\"rect\":[30,50,40,40]}]}]}");
    fclose(f);
    RS_CHECK_EQ_INT(rs_mask_open(&mk, path, W, H), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "shapes[0]: \"track\" is true or false");
    remove(path);
}

/*
 * Tracking on a flow cache made for the frames (as the clean job does, so
 * that the fill takes the fields over): the same masks as on the tracker's
 * own flows, and every field it read is left in the cache.
 */
static void test_cached(void)
{
    make();
    char path[] = "/tmp/rs_test_track_XXXXXX.json";
    int fd = mkstemps(path, 5);
    RS_CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"shapes\":[{\"type\":\"rect\",\"track\":true,\"keys\":[{\"frame\":0,\"rect\":[30,50,40,40]}]}]}");
    fclose(f);
    RsMask *a, *b;
    RS_CHECK_EQ_INT(rs_mask_open(&a, path, W, H), 0);
    RS_CHECK_EQ_INT(rs_mask_open(&b, path, W, H), 0);
    RS_CHECK_EQ_INT(rs_mask_tracked_shapes(a), 1);
    RsCleanFrame fr[N];
    for (int t = 0; t < N; t++)
        fr[t] = (RsCleanFrame){ .plane = { y[t] }, .stride = { W }, .bit_depth = 8 };
    RsFlowSettings fs;
    rs_flow_default_settings(&fs);
    RsFlowCache cache;
    RS_CHECK_EQ_INT(rs_flow_cache_init(&cache, fr, N, W, H, &fs, 2), 0);
    int ta = 0, tb = 0;
    RS_CHECK_EQ_INT(rs_mask_track(a, planes(), W, N, NULL, &ta), 0);
    RS_CHECK_EQ_INT(rs_mask_track_cached(b, planes(), W, N, NULL, &tb, &cache), 0);
    RS_CHECK(ta == 1 && tb == 1);
    static uint8_t ma[W * H], mb[W * H];
    int same = 1;
    for (int t = 0; t < N; t++) {
        RS_CHECK_EQ_INT(rs_mask_render(a, t, ma, W), 0);
        RS_CHECK_EQ_INT(rs_mask_render(b, t, mb, W), 0);
        same &= !memcmp(ma, mb, sizeof(ma));
    }
    RS_CHECK(same);
    /* Keyed on frame 0: forwards from every frame but the last, and no backward sweep. */
    int fwd = 0, bwd = 0;
    for (int t = 0; t < N; t++)
        fwd += rs_flow_cache_get(&cache, t, 0) != NULL, bwd += rs_flow_cache_get(&cache, t, 1) != NULL;
    RS_CHECK_EQ_INT(fwd, N - 1);
    RS_CHECK_EQ_INT(bwd, 0);
    rs_flow_cache_free(&cache);
    rs_mask_close(&a);
    rs_mask_close(&b);
    remove(path);
}

static void test_errors(void)
{
    const double key[6] = { 0, 0, 10, 0, 0, 10 };
    const int64_t frames[2] = { 3, 3 };
    double out[N * 6];
    RsTrackShape sh = { 3, 2, frames, key, out };
    RS_CHECK_EQ_INT(rs_track_shapes(planes(), W, N, W, H, &sh, 1, NULL), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "shape 0: key 1 at frame 3");
    RsTrackSettings s;
    rs_track_default_settings(&s);
    s.model = 7;
    sh.nkeys = 1;
    RS_CHECK_EQ_INT(rs_track_shapes(planes(), W, N, W, H, &sh, 1, &s), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "model 7");
}

int main(void)
{
    RS_RUN(test_one_key);
    RS_RUN(test_two_keys);
    RS_RUN(test_json);
    RS_RUN(test_cached);
    RS_RUN(test_errors);
    return rs_test_end();
}
