/*
 * The shot classifier on feature records built by hand: each kind of
 * boundary, and each distractor that must not become one. Pictures are
 * pseudo-random block layouts (with a little noise per frame, as grain
 * gives) so that no two shots look alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/shots.h"
#include "shot_pics.h"
#include "../rs_test.h"

static const ShotParams params = { 0.25, 1.8, 6, 0.25, 90, 0.97 };

static int detect(const ShotFeat *f, int64_t n, ShotBoundary **b)
{
    int nb = -1;
    RS_CHECK_EQ_INT(shots_detect(f, n, &params, b, &nb), 0);
    return nb;
}

static void test_cut_and_flash(void)
{
    ShotFeat f[120];
    Pic a, b, fl;
    pic_random(&a);
    pic_random(&b);
    for (int i = 0; i < 120; i++) {
        const Pic *p = i < 60 ? &a : &b;
        if (i >= 20 && i < 22) {         /* a two-frame flash: brighter, then the same shot again */
            fl = a;
            for (int k = 0; k < SHOT_CELLS; k++)
                fl.v[0][k] = a.v[0][k] * 0.3 + 200;
            p = &fl;
        }
        if (i == 90) {                   /* a muzzle flash: part of the picture, one frame */
            fl = b;
            for (int k = 0; k < SHOT_CELLS / 3; k++)
                fl.v[0][k] = 250;
            p = &fl;
        }
        feat(&f[i], p, i);
    }
    ShotBoundary *bd = NULL;
    int nb = detect(f, 120, &bd);
    RS_CHECK_EQ_INT(nb, 1);
    if (nb == 1) {
        RS_CHECK_EQ_STR(shots_type_name(bd[0].type), "cut");
        RS_CHECK_EQ_INT(bd[0].start, 60);
        RS_CHECK_EQ_INT(bd[0].cut, 60);
        RS_CHECK(bd[0].confidence >= 0.5 && bd[0].confidence <= 1);
    }
    free(bd);
}

static void test_dissolve_and_wipe(void)
{
    ShotFeat f[200];
    Pic a, b, c, m;
    pic_random(&a);
    pic_random(&b);
    pic_random(&c);
    for (int i = 0; i < 200; i++) {
        if (i < 50)
            m = a;
        else if (i < 70)                 /* dissolve over frames 50-69 */
            mix(&m, &a, &b, (i - 49) / 21.0);
        else if (i < 130)
            m = b;
        else if (i < 140)                /* wipe over frames 130-139 */
            wipe(&m, &b, &c, (i - 129) / 11.0);
        else
            m = c;
        feat(&f[i], &m, i);
    }
    ShotBoundary *bd = NULL;
    int nb = detect(f, 200, &bd);
    RS_CHECK_EQ_INT(nb, 2);
    if (nb == 2) {
        RS_CHECK_EQ_STR(shots_type_name(bd[0].type), "dissolve");
        RS_CHECK(bd[0].start <= 69 && bd[0].end >= 50);
        RS_CHECK_EQ_STR(shots_type_name(bd[1].type), "wipe");
        RS_CHECK(bd[1].start <= 139 && bd[1].end >= 130);
    }
    free(bd);
}

static void test_fades(void)
{
    ShotFeat f[200];
    Pic a, b, black, m;
    pic_random(&a);
    pic_random(&b);
    pic_fill(&black, 16);
    for (int i = 0; i < 200; i++) {
        if (i < 60)
            m = a;
        else if (i < 75)                 /* fade out over 60-74, black 75-84, fade in 85-99 */
            mix(&m, &a, &black, (i - 59) / 15.0);
        else if (i < 85)
            m = black;
        else if (i < 100)
            mix(&m, &black, &b, (i - 84) / 15.0);
        else
            m = b;
        feat(&f[i], &m, i);
    }
    ShotBoundary *bd = NULL;
    int nb = detect(f, 200, &bd);
    RS_CHECK_EQ_INT(nb, 1);
    if (nb == 1) {
        RS_CHECK_EQ_STR(shots_type_name(bd[0].type), "fade_out_in");
        RS_CHECK(bd[0].start >= 58 && bd[0].start <= 66);
        RS_CHECK(bd[0].end >= 92 && bd[0].end <= 100);
        RS_CHECK_EQ_INT(bd[0].white, 0);
    }
    free(bd);
}

/* One held shot with grain: no boundary, and an empty list (UBSan saw a NULL list sorted once). */
static void test_none(void)
{
    ShotFeat f[50];
    Pic a;
    pic_random(&a);
    for (int i = 0; i < 50; i++)
        feat(&f[i], &a, i);
    ShotBoundary *bd = (ShotBoundary *)1;
    RS_CHECK_EQ_INT(detect(f, 50, &bd), 0);
    RS_CHECK(bd == NULL);
    RS_CHECK_EQ_INT(detect(f, 1, &bd), 0);
    RS_CHECK(bd == NULL);
}

int main(void)
{
    RS_RUN(test_none);
    RS_RUN(test_cut_and_flash);
    RS_RUN(test_dissolve_and_wipe);
    RS_RUN(test_fades);
    return rs_test_end();
}
