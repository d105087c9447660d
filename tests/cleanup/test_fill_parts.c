/*
 * The parts of the fill on their own: completing a flow field inside a hole
 * when the camera zooms (the motion changes across the hole), keeping the
 * border's own motion across a thin hole, and the confidence blend of the
 * fill from other frames with a spatial interpolation.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "cleanup/fill.h"
#include "cleanup_fixtures.h"

#define FW 120
#define FH 80

/* Mean end-point error inside hole between (u, v) and the truth (tu, tv). */
static double epe(const float *u, const float *v, const float *tu, const float *tv, const uint8_t *hole)
{
    double s = 0;
    int n = 0;
    for (int i = 0; i < FW * FH; i++)
        if (hole[i]) {
            s += hypot(u[i] - tu[i], v[i] - tv[i]);
            n++;
        }
    return s / (n ? n : 1);
}

/*
 * A zoom about the picture's centre with a pan; a disc-shaped hole, and
 * beside it a square of something moving its own way (an outlier the fit
 * must not follow). Diffusing the border inwards misses the zoom inside.
 */
static void test_zoom(void)
{
    static float tu[FW * FH], tv[FW * FH], u[FW * FH], v[FW * FH], du[FW * FH], dv[FW * FH];
    static float u0[FW * FH], v0[FW * FH];
    static uint8_t hole[FW * FH], h2[FW * FH], keep[FW * FH];
    for (int y = 0; y < FH; y++)
        for (int x = 0; x < FW; x++) {
            const int i = y * FW + x;
            tu[i] = 0.06f * (x - 60) + 1.5f;
            tv[i] = 0.06f * (y - 40) - 0.5f;
            hole[i] = (x - 60) * (x - 60) + (y - 40) * (y - 40) < 26 * 26;
            const int other = x >= 84 && x < 96 && y >= 34 && y < 46;
            u[i] = hole[i] ? 99 : tu[i] + (other ? 6 : 0);
            v[i] = hole[i] ? -99 : tv[i];
        }
    memcpy(u0, u, sizeof(u));
    memcpy(v0, v, sizeof(v));
    memcpy(du, u, sizeof(u));
    memcpy(dv, v, sizeof(v));
    memcpy(h2, hole, sizeof(hole));
    memcpy(keep, hole, sizeof(hole));
    RS_CHECK_EQ_INT(rs_fill_complete_motion(u, v, FW, FH, hole), 0);
    RS_CHECK_EQ_INT(rs_fill_complete(du, dv, FW, FH, h2), 0);
    const double em = epe(u, v, tu, tv, keep), ed = epe(du, dv, tu, tv, keep);
    printf("zoom 1.06 in a disc of radius 26: mean EPE %.3f px (border diffusion: %.3f)\n", em, ed);
    fflush(stdout);
    /* The known samples are left as they were. */
    int changed = 0;
    for (int i = 0; i < FW * FH; i++)
        changed += !keep[i] && (u[i] != u0[i] || v[i] != v0[i]);
    RS_CHECK_EQ_INT(changed, 0);
    RS_CHECK(em < 0.25);
    RS_CHECK(em * 3 < ed);
}

/*
 * A thin vertical hole (a wire) across a field whose top half moves and
 * bottom half stands still (traffic behind the wire): both sides see the
 * same motion, which must be kept across the wire, not replaced by a fit.
 */
static void test_thin(void)
{
    static float tu[FW * FH], tv[FW * FH], u[FW * FH], v[FW * FH];
    static uint8_t hole[FW * FH], keep[FW * FH];
    for (int y = 0; y < FH; y++)
        for (int x = 0; x < FW; x++) {
            const int i = y * FW + x;
            tu[i] = y < FH / 2 ? 3.0f : 0.0f;
            tv[i] = 0;
            hole[i] = x >= 58 && x < 62;
            u[i] = hole[i] ? 50 : tu[i];
            v[i] = hole[i] ? 50 : tv[i];
        }
    memcpy(keep, hole, sizeof(hole));
    RS_CHECK_EQ_INT(rs_fill_complete_motion(u, v, FW, FH, hole), 0);
    /* Away from the rows where the two motions meet, the wire's motion is its rows'. */
    double worst = 0;
    for (int y = 0; y < FH; y++)
        for (int x = 58; x < 62; x++)
            if (abs(y - FH / 2) > 8)
                worst = fmax(worst, hypot(u[y * FW + x] - tu[y * FW + x], v[y * FW + x] - tv[y * FW + x]));
    printf("thin hole across two motions: worst EPE %.3f px away from their meeting\n", worst);
    fflush(stdout);
    RS_CHECK(worst < 0.2);
}

#define PW 64
#define PH 64

/*
 * The blend: on a smooth ramp the interpolation is right and a noisy fill
 * from other frames is pulled towards it; on a texture where the fill from
 * other frames is exact, that fill is kept as it is.
 */
static void test_blend(void)
{
    static uint8_t plane[PW * PH], msk[PW * PH], band[PW * PH];
    static float val[PW * PH], near[PW * PH], truth[PW * PH];
    for (int pass = 0; pass < 2; pass++) {
        for (int y = 0; y < PH; y++)
            for (int x = 0; x < PW; x++) {
                const int i = y * PW + x;
                truth[i] = pass ? (float)fx_clip(fx_texture(x, y)) : (float)(40 + 2 * x + y);
                msk[i] = x >= 20 && x < 44 && y >= 20 && y < 44;
                band[i] = !msk[i] && x >= 17 && x < 47 && y >= 17 && y < 47;
                plane[i] = msk[i] ? 0 : (uint8_t)truth[i];
                const float noise = pass ? 0 : ((x * 7 + y * 13) % 5 - 2) * 8.0f;
                val[i] = msk[i] || band[i] ? truth[i] + noise : -1;
                near[i] = 4;
            }
        double before = 0, after = 0;
        for (int i = 0; i < PW * PH; i++)
            if (msk[i])
                before += (val[i] - truth[i]) * (val[i] - truth[i]);
        RS_CHECK_EQ_INT(rs_fill_blend_spatial(plane, PW, 8, PW, PH, msk, band, val, near, NULL), 0);
        for (int i = 0; i < PW * PH; i++)
            if (msk[i])
                after += (val[i] - truth[i]) * (val[i] - truth[i]);
        printf("blend on a %s: squared error in the mask %.0f before, %.0f after\n", pass ? "texture" : "ramp",
               before, after);
        fflush(stdout);
        if (pass)
            RS_CHECK(after == 0);
        else
            RS_CHECK(after * 4 < before);
    }
}

int main(void)
{
    RS_RUN(test_zoom);
    RS_RUN(test_thin);
    RS_RUN(test_blend);
    return rs_test_end();
}
