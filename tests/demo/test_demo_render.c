/*
 * The demo renderer without encoding: frames are a pure function of the seed
 * and the frame number (same bytes twice, whatever the thread count of the
 * plate), a different seed changes them, and the planted events the truth
 * file promises are really in the pictures.
 */
#include <stdlib.h>
#include <string.h>

#include "../rs_test.h"
#include "demo/plan.h"

#define W 320
#define H 180
#define T 48

typedef struct Rig {
    DemoDay day;
    DemoNoise noise;
    DemoPlate plate[2];
    uint8_t *buf;
    uint8_t *planes[3];
    ptrdiff_t strides[3];
} Rig;

static Rig *rig_new(uint32_t seed)
{
    Rig *r = calloc(1, sizeof(*r));
    RsDemoSettings s;
    rs_demo_default_settings(&s);
    s.seed = seed;
    s.width = W;
    s.height = H;
    s.take_frames = T;
    demo_plan(&r->day, &s);
    demo_noise_init(&r->noise, seed);
    r->buf = malloc(W * H * 3 / 2);
    r->planes[0] = r->buf;
    r->planes[1] = r->buf + W * H;
    r->planes[2] = r->buf + W * H * 5 / 4;
    r->strides[0] = W;
    r->strides[1] = r->strides[2] = W / 2;
    return r;
}

/* Render clip ci's plates (with `threads` threads) and point its shot at them. */
static DemoShot *rig_clip(Rig *r, int ci, int threads)
{
    DemoClip *c = &r->day.clips[ci];
    for (int k = 0; k < 2; k++) {
        demo_plate_free(&r->plate[k]);
        if (k == 1 && c->setup[1] == c->setup[0]) {
            c->shot.plate[1] = &r->plate[0]; /* no cut: the second plate is never read */
            break;
        }
        DemoCamera cam = demo_setup_camera(c->setup[k], W, H);
        int ret = demo_plate_render(&r->plate[k], &c->shot.set[k], &cam, W, H, r->day.margin, &r->noise,
                                    threads);
        RS_CHECK_EQ_INT(ret, 0);
        c->shot.plate[k] = &r->plate[k];
    }
    return &c->shot;
}

static void rig_free(Rig *r)
{
    demo_plate_free(&r->plate[0]);
    demo_plate_free(&r->plate[1]);
    free(r->buf);
    free(r);
}

static int find_clip(const Rig *r, char camera, int scene, int take)
{
    for (int i = 0; i < r->day.nb_clips; i++) {
        const DemoClip *c = &r->day.clips[i];
        if (c->camera == camera && (scene < 0 || (c->take >= 0 && r->day.takes[c->take].scene == scene &&
                                                   r->day.takes[c->take].take == take)))
            return i;
    }
    return -1;
}

static double mean_luma(const Rig *r)
{
    double sum = 0;
    for (int i = 0; i < W * H; i++)
        sum += r->buf[i];
    return sum / (W * H);
}

static void test_same_seed_same_bytes(void)
{
    Rig *a = rig_new(7), *b = rig_new(7);
    int ci = find_clip(a, 'A', 1, 1);
    RS_CHECK(ci >= 0);
    DemoShot *sa = rig_clip(a, ci, 1), *sb = rig_clip(b, ci, 2);
    size_t n = W * H * 3 / 2;
    uint8_t *first = malloc(n);
    for (int f = 0; f < T; f += 11) {
        demo_render_frame(sa, f, a->planes, a->strides);
        memcpy(first, a->buf, n);
        demo_render_frame(sa, f, a->planes, a->strides);
        RS_CHECK(!memcmp(first, a->buf, n));
        /* A separate plan and plates rendered on two threads: still the same. */
        demo_render_frame(sb, f, b->planes, b->strides);
        RS_CHECK(!memcmp(first, b->buf, n));
    }
    free(first);
    rig_free(a);
    rig_free(b);
}

static void test_other_seed_other_bytes(void)
{
    Rig *a = rig_new(7), *b = rig_new(8);
    int ci = find_clip(a, 'A', 1, 1);
    demo_render_frame(rig_clip(a, ci, 1), 5, a->planes, a->strides);
    demo_render_frame(rig_clip(b, ci, 1), 5, b->planes, b->strides);
    RS_CHECK(memcmp(a->buf, b->buf, W * H * 3 / 2) != 0);
    rig_free(a);
    rig_free(b);
}

static void test_flash_and_black(void)
{
    Rig *r = rig_new(1);
    int ci = find_clip(r, 'A', 2, 1);
    RS_CHECK(ci >= 0);
    DemoShot *s = rig_clip(r, ci, 1);
    RS_CHECK(s->flash_first > 1 && s->flash_last < T - 1);
    demo_render_frame(s, s->flash_first - 1, r->planes, r->strides);
    double before = mean_luma(r);
    demo_render_frame(s, s->flash_last + 1, r->planes, r->strides);
    double after = mean_luma(r);
    for (int f = s->flash_first; f <= s->flash_last; f++) {
        demo_render_frame(s, f, r->planes, r->strides);
        double m = mean_luma(r);
        RS_CHECK(m > before + 60 && m > after + 60);
    }

    ci = find_clip(r, 'A', 2, 2);
    s = rig_clip(r, ci, 1);
    RS_CHECK_EQ_INT(s->black_last, T - 1);
    demo_render_frame(s, s->black_first - 1, r->planes, r->strides);
    RS_CHECK(mean_luma(r) > 25);
    demo_render_frame(s, s->black_first, r->planes, r->strides);
    RS_CHECK(mean_luma(r) < 17.5);
    rig_free(r);
}

/* The slate's upper stick moves until the clap frame and not after it. */
static void test_clap_frame(void)
{
    Rig *r = rig_new(1);
    int ci = find_clip(r, 'A', 1, 1);
    const DemoClip *c = &r->day.clips[ci];
    DemoShot *s = rig_clip(r, ci, 1);
    RS_CHECK(c->clap_frame > 4);
    /* Render without grain so that only motion changes pixels. */
    s->grain = 0;
    s->shake = 0;
    s->actor = 0;
    size_t n = W * H;
    uint8_t *prev = malloc(n);
    demo_render_frame(s, c->clap_frame - 1, r->planes, r->strides);
    memcpy(prev, r->buf, n);
    demo_render_frame(s, c->clap_frame, r->planes, r->strides);
    int moved = 0;
    for (size_t i = 0; i < n; i++)
        moved += abs(prev[i] - r->buf[i]) > 20;
    RS_CHECK(moved > 50);
    memcpy(prev, r->buf, n);
    demo_render_frame(s, c->clap_frame + 1, r->planes, r->strides);
    /* The board sways a little but the stick no longer swings. */
    int after = 0;
    for (size_t i = 0; i < n; i++)
        after += abs(prev[i] - r->buf[i]) > 20;
    RS_CHECK(after < moved / 2);
    free(prev);
    rig_free(r);
}

static void test_boom_and_scan(void)
{
    Rig *r = rig_new(1);
    int ci = find_clip(r, 'A', 1, 3);
    DemoShot *s = rig_clip(r, ci, 1);
    RS_CHECK(s->boom_first > 0 && s->boom_last > s->boom_first);
    RS_CHECK(demo_shot_boom_depth(s, s->boom_first) > 1.0f);
    RS_CHECK(demo_shot_boom_depth(s, s->boom_last) > 1.0f);
    RS_CHECK(demo_shot_boom_depth(s, s->boom_first - 1) == 0.0f);
    RS_CHECK(demo_shot_boom_depth(s, s->boom_last + 1) == 0.0f);

    ci = find_clip(r, 'F', -1, 0);
    RS_CHECK(ci >= 0);
    s = rig_clip(r, ci, 1);
    RS_CHECK(s->cut_frame > 0 && s->nb_dust > 0);
    /* Sepia: chroma is nearly constant, unlike the colour camera's. */
    demo_render_frame(s, 2, r->planes, r->strides);
    int umin = 255, umax = 0;
    for (int i = 0; i < W * H / 4; i++) {
        umin = r->planes[1][i] < umin ? r->planes[1][i] : umin;
        umax = r->planes[1][i] > umax ? r->planes[1][i] : umax;
    }
    RS_CHECK(umax - umin < 40);
    RS_CHECK(umin < 128);
    rig_free(r);
}

static void test_plan(void)
{
    Rig *r = rig_new(1);
    const DemoDay *d = &r->day;
    RS_CHECK_EQ_INT(d->nb_takes, 6);
    RS_CHECK_EQ_INT(d->nb_clips, 9);
    RS_CHECK_EQ_STR(d->clips[0].timecode, "10:15:03:12");
    /* The 25 fps clip counts its own timecode. */
    for (int i = 0; i < d->nb_clips; i++)
        if (d->clips[i].rate.num == 25)
            RS_CHECK_EQ_INT(d->clips[i].tc_fps, 25);
    for (int i = 0; i < d->nb_takes; i++) {
        const DemoTake *tk = &d->takes[i];
        /* The recorder rolls first and covers every camera of its take. */
        for (int k = 0; k < d->nb_clips; k++) {
            const DemoClip *c = &d->clips[k];
            if (c->take != i)
                continue;
            RS_CHECK(c->shot.first_sample - tk->rec_start >= 2 * DEMO_SR);
            RS_CHECK(c->shot.first_sample + (int64_t)c->frames * c->shot.spf <= tk->rec_start + tk->rec_samples);
            RS_CHECK_EQ_INT(c->shot.first_sample + (int64_t)c->clap_frame * c->shot.spf, tk->origin);
        }
        RS_CHECK_EQ_INT(tk->time_reference - tk->rec_start, d->clock_error);
    }
    rig_free(r);
}

int main(void)
{
    RS_RUN(test_plan);
    RS_RUN(test_same_seed_same_bytes);
    RS_RUN(test_other_seed_other_bytes);
    RS_RUN(test_flash_and_black);
    RS_RUN(test_clap_frame);
    RS_RUN(test_boom_and_scan);
    return rs_test_end();
}
