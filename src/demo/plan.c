/*
 * The script of the demo day. Six takes of three scenes on camera A, two of
 * them also on camera B, a sound file per take, and a film scan:
 *
 *   S1 T1  wide + B medium, day          the reference take
 *   S1 T2  wide + B medium, day          the cup has moved (continuity error)
 *   S1 T3  wide, day                     the boom dips into the frame
 *   S2 T1  wide, night                   lightning flash
 *   S2 T2  wide, night                   the lens is capped before the cut: black tail
 *   S3 T1  close-up, day, 25 fps         a ball rolls on the table (camera set wrong)
 *   scan   wide | close-up, sepia        splice (hard cut), dust, scratch, weave, flicker
 *
 * Times are samples at 48 kHz since midnight; a frame's timecode counts
 * frames since midnight at the nominal rate, so a 23.976 frame N starts at
 * sample N * 2002, a 25 fps frame at N * 1920 (as a recorder's bext does).
 */
#include <stdio.h>
#include <string.h>

#include "demo/draw.h"
#include "demo/noise.h"
#include "demo/plan.h"
#include "rushes/timecode.h"

DemoCamera demo_setup_camera(int setup, int w, int h)
{
    float W = (float)w, H = (float)h;
    switch (setup) {
    case DEMO_SETUP_WIDE:
        return (DemoCamera){ 0.2f, 1.45f, 0.0f, 0.85f * W, 0.5f * W, 0.33f * H, 4.6f, 0.004f, 8.0f };
    case DEMO_SETUP_MEDIUM:
        return (DemoCamera){ 0.5f, 1.3f, 1.4f, 1.45f * W, 0.5f * W, 0.42f * H, 3.2f, 0.005f, 8.0f };
    default:
        return (DemoCamera){ 0.78f, 0.95f, 3.4f, 1.6f * W, 0.5f * W, 0.45f * H, 1.3f, 0.007f, 2.5f };
    }
}

static void slate_mask(uint8_t *m, int scene, int take, char cam, const char *roll)
{
    char buf[16];
    memset(m, 0, DEMO_SLATE_MW * DEMO_SLATE_MH);
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 3, 1, "RUSHES DEMO");
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 2, 13, "ROLL");
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 2, 22, roll);
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 39, 13, "SCENE");
    snprintf(buf, sizeof(buf), "%d", scene);
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 39, 22, buf);
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 2, 34, "TAKE");
    snprintf(buf, sizeof(buf), "%d", take);
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 2, 43, buf);
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 39, 34, "CAM");
    buf[0] = cam;
    buf[1] = '\0';
    demo_text_mask(m, DEMO_SLATE_MW, DEMO_SLATE_MH, 39, 43, buf);
    for (int x = 0; x < DEMO_SLATE_MW; x++)
        m[10 * DEMO_SLATE_MW + x] = m[31 * DEMO_SLATE_MW + x] = 1;
    for (int y = 10; y < DEMO_SLATE_MH; y++)
        m[y * DEMO_SLATE_MW + 36] = 1;
}

static void no_events(DemoShot *sh)
{
    sh->cut_frame = -1;
    sh->flash_first = sh->black_first = sh->boom_first = sh->scratch_first = 0;
    sh->flash_last = sh->black_last = sh->boom_last = sh->scratch_last = -1;
    sh->nb_dust = 0;
}

static DemoClip *new_clip(DemoDay *d, char camera, const char *dir, int number, RsRational rate,
                          int tc_fps, int64_t start_frame)
{
    DemoClip *c = &d->clips[d->nb_clips];
    memset(c, 0, sizeof(*c));
    uint32_t h = demo_hash3(d->seed, (uint32_t)d->nb_clips, 0xc11b);
    static const char codes[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    char tag[5] = { codes[h & 31], codes[(h >> 5) & 31], codes[(h >> 10) & 31], codes[(h >> 15) & 31], 0 };
    snprintf(c->dir, sizeof(c->dir), "%s", dir);
    snprintf(c->reel, sizeof(c->reel), "%s", dir);
    snprintf(c->name, sizeof(c->name), "%sC%03d_250612_%s.mov", dir, number, tag);
    c->camera = camera;
    c->rate = rate;
    c->tc_fps = tc_fps;
    c->frames = 0;
    c->start_frame = start_frame;
    /* Labels go through the one timecode module; the rates here all have one. */
    RsTimecodeFormat fmt;
    if (rs_timecode_format_init(&fmt, rate, 0) < 0 || rs_timecode_from_frames(&fmt, start_frame, c->timecode) < 0)
        c->timecode[0] = '\0';
    c->clap_frame = -1;
    c->take = -1;
    DemoShot *sh = &c->shot;
    sh->w = d->w;
    sh->h = d->h;
    sh->seed = demo_hash3(d->seed, (uint32_t)d->nb_clips, 0x5407);
    sh->spf = (int)(DEMO_SR * rate.den / rate.num);
    sh->first_sample = start_frame * sh->spf;
    sh->origin = sh->first_sample;
    no_events(sh);
    d->nb_clips++;
    return c;
}

/* A camera clip of take tk starting at start_frame; copies the action into its shot. */
static DemoClip *camera_clip(DemoDay *d, int ti, char camera, int number, int setup, RsRational rate,
                             int tc_fps, int64_t start_frame, int frames)
{
    const DemoTake *tk = &d->takes[ti];
    char dir[8];
    snprintf(dir, sizeof(dir), "%c001", camera);
    DemoClip *c = new_clip(d, camera, dir, number, rate, tc_fps, start_frame);
    c->take = ti;
    c->frames = frames;
    c->setup[0] = c->setup[1] = setup;
    c->codec = camera == 'A' ? "libx264" : "prores_aw";
    c->audio_channels = 2;
    c->audio_codec = camera == 'A' ? "pcm_s16le" : "pcm_s24le";
    DemoShot *sh = &c->shot;
    sh->look = DEMO_LOOK_DIGITAL;
    sh->cam[0] = sh->cam[1] = demo_setup_camera(setup, d->w, d->h);
    sh->set[0] = sh->set[1] = tk->set;
    sh->origin = tk->origin;
    /* Camera B is a cleaner cinema camera; night scenes are shot at a higher gain. */
    sh->grain = camera == 'B' ? 2.5f : tk->set.night ? 6.0f : 4.0f;
    sh->shake = camera == 'B' ? 0.8f : setup == DEMO_SETUP_CLOSE ? 1.5f : 2.5f;
    sh->slate = 1;
    slate_mask(sh->slate_mask, tk->scene, tk->take, camera, dir);
    sh->actor = tk->actor;
    sh->ax0 = tk->ax0; sh->az0 = tk->az0; sh->ax1 = tk->ax1; sh->az1 = tk->az1;
    sh->at0 = tk->walk_t0; sh->at1 = tk->walk_t1;
    sh->ball = tk->ball;
    sh->bx0 = tk->bx0; sh->bx1 = tk->bx1; sh->bz = tk->bz; sh->bt0 = tk->ball_t0; sh->bt1 = tk->ball_t1;
    /* Frames start on the same sample grid as the clap, so one frame shows
     * the sticks closed first; that frame is the truth. */
    c->clap_frame = (int)((tk->origin - sh->first_sample) / sh->spf);
    return c;
}

static const struct {
    int scene, take, night, moved, cam_b, pal, setup;
} script[] = {
    { 1, 1, 0, 0, 1, 0, DEMO_SETUP_WIDE },
    { 1, 2, 0, 1, 1, 0, DEMO_SETUP_WIDE },
    { 1, 3, 0, 0, 0, 0, DEMO_SETUP_WIDE },
    { 2, 1, 1, 0, 0, 0, DEMO_SETUP_WIDE },
    { 2, 2, 1, 0, 0, 0, DEMO_SETUP_WIDE },
    { 3, 1, 0, 0, 0, 1, DEMO_SETUP_CLOSE },
};

static float fminf_(float a, float b) { return a < b ? a : b; }
static float fmaxf_(float a, float b) { return a > b ? a : b; }

static void plan_scan(DemoDay *d, DemoRng *rng, int T)
{
    DemoClip *c = new_clip(d, 'F', "SCAN_001", 1, (RsRational){ 24, 1 }, 24, 3600 * 24);
    snprintf(c->name, sizeof(c->name), "R001_FILMSCAN_0001.mov");
    snprintf(c->reel, sizeof(c->reel), "R001");
    c->frames = T;
    c->setup[0] = DEMO_SETUP_WIDE;
    c->setup[1] = DEMO_SETUP_CLOSE;
    c->codec = "prores_aw";
    DemoShot *sh = &c->shot;
    sh->look = DEMO_LOOK_SCAN;
    sh->cam[0] = demo_setup_camera(DEMO_SETUP_WIDE, d->w, d->h);
    sh->cam[1] = demo_setup_camera(DEMO_SETUP_CLOSE, d->w, d->h);
    sh->set[0] = sh->set[1] = d->takes[0].set;
    sh->grain = 10.0f;
    sh->shake = 0.6f;
    sh->cut_frame = T / 2 + demo_rng_int(rng, -3, 3);
    float cut_s = (float)sh->cut_frame / 24.0f, len_s = (float)T / 24.0f;
    sh->actor = 1;
    sh->ax0 = -2.1f; sh->az0 = 3.6f; sh->ax1 = 0.0f; sh->az1 = 4.3f;
    sh->at0 = 0.0f; sh->at1 = fmaxf_(cut_s * 1.6f, 1.0f);
    sh->ball = 1;
    sh->bx0 = 1.3f; sh->bx1 = 0.62f; sh->bz = 4.8f;
    sh->bt0 = cut_s + 0.05f; sh->bt1 = cut_s + fmaxf_(0.8f * (len_s - cut_s), 0.5f);
    /* One-frame specks on distinct frames, none beside the splice. */
    sh->nb_dust = 6;
    for (int i = 0; i < sh->nb_dust; i++) {
        DemoDust *dd = &sh->dust[i];
        for (;;) {
            dd->frame = demo_rng_int(rng, 1, T - 2);
            int ok = dd->frame < sh->cut_frame - 1 || dd->frame > sh->cut_frame;
            for (int j = 0; j < i; j++)
                ok &= sh->dust[j].frame != dd->frame;
            if (ok)
                break;
        }
        dd->x = demo_rng_float(rng, 0.1f, 0.9f) * (float)d->w;
        dd->y = demo_rng_float(rng, 0.1f, 0.9f) * (float)d->h;
        dd->r = demo_rng_float(rng, 0.004f, 0.009f) * (float)d->w + 1.0f;
        dd->bright = i & 1;
    }
    sh->scratch_first = T / 5;
    sh->scratch_last = T / 5 + T / 4;
    sh->scratch_x = (float)(int)(demo_rng_float(rng, 0.55f, 0.75f) * (float)d->w) + 0.5f;
}

void demo_plan(DemoDay *d, const RsDemoSettings *s)
{
    memset(d, 0, sizeof(*d));
    d->w = s->width;
    d->h = s->height;
    d->margin = (s->width / 40) & ~1;
    if (d->margin < 8)
        d->margin = 8;
    d->seed = s->seed;
    DemoRng rng;
    demo_rng_init(&rng, s->seed, 1);
    int T = s->take_frames;
    d->clock_error = (demo_rng_int(&rng, 0, 1) ? 1 : -1) * (int64_t)demo_rng_int(&rng, 700, 2600);
    d->continuity_take[0] = 0;
    d->continuity_take[1] = 1;

    int64_t start_frame = ((10 * 3600 + 15 * 60 + 3) * 24) + 12; /* 10:15:03:12 */
    int64_t prev_start = 0;
    int a_number = 1, b_number = 1;
    for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
        DemoTake *tk = &d->takes[d->nb_takes];
        memset(tk, 0, sizeof(*tk));
        tk->scene = script[i].scene;
        tk->take = script[i].take;
        tk->set.night = script[i].night;
        tk->set.cup_x = script[i].moved ? 1.02f : 0.52f;
        tk->set.cup_z = script[i].moved ? 4.58f : 4.62f;
        RsRational rate = script[i].pal ? (RsRational){ 25, 1 } : (RsRational){ 24000, 1001 };
        int tc_fps = script[i].pal ? 25 : 24;
        int spf = (int)(DEMO_SR * rate.den / rate.num);
        if (i > 0) {
            /* A few minutes between takes; the next roll starts on a frame. */
            int64_t at = prev_start + (int64_t)demo_rng_int(&rng, 95, 260) * DEMO_SR +
                         demo_rng_int(&rng, 0, DEMO_SR - 1);
            start_frame = (at + spf - 1) / spf;
        }
        int64_t a_start = start_frame * spf;
        prev_start = a_start;
        int clap = T / 6 + demo_rng_int(&rng, 0, 3);
        tk->origin = a_start + (int64_t)clap * spf;
        float clap_s = (float)(clap * spf) / DEMO_SR, len_s = (float)(T * spf) / DEMO_SR;
        float after = len_s - clap_s;

        if (tk->scene == 1) {
            tk->actor = 1;
            tk->ax0 = -2.15f; tk->az0 = 3.5f; tk->ax1 = -0.3f; tk->az1 = 4.45f;
            tk->walk_t0 = 0.3f;
            tk->walk_t1 = tk->walk_t0 + fmaxf_(fminf_(0.7f * (after - 0.3f), 2.8f), 0.8f);
        } else if (tk->scene == 2) {
            tk->actor = 1;
            tk->ax0 = 0.05f; tk->az0 = 4.3f; tk->ax1 = -1.0f; tk->az1 = 5.7f;
            tk->walk_t0 = 0.45f;
            tk->walk_t1 = tk->walk_t0 + fmaxf_(fminf_(0.6f * (after - 0.45f), 2.4f), 0.8f);
        } else {
            tk->ball = 1;
            tk->bx0 = 1.3f; tk->bx1 = 0.66f; tk->bz = 4.8f;
            tk->ball_t0 = 0.35f;
            tk->ball_t1 = tk->ball_t0 + fmaxf_(0.8f * (after - 0.35f), 0.5f);
        }
        tk->voice_t0 = tk->actor ? tk->walk_t1 - 0.1f : 0.3f;
        tk->voice_t1 = tk->voice_t0 + 1.8f;
        tk->thunder_t = -1000.0f;

        DemoClip *a = camera_clip(d, d->nb_takes, 'A', a_number++, script[i].setup, rate, tc_fps,
                                  start_frame, T);
        int64_t end = a_start + (int64_t)T * spf;
        if (tk->scene == 1 && tk->take == 3) {
            a->shot.boom_first = T * 42 / 100;
            a->shot.boom_last = T * 68 / 100;
            a->shot.boom_x = 0.52f;
            a->shot.boom_depth = 0.13f * (float)d->h;
        } else if (tk->scene == 2 && tk->take == 1) {
            a->shot.flash_first = T * 55 / 100 + demo_rng_int(&rng, 0, 3);
            a->shot.flash_last = a->shot.flash_first + 2;
            tk->thunder_t = (float)((a_start + (int64_t)a->shot.flash_first * spf) - tk->origin) / DEMO_SR + 1.4f;
        } else if (tk->scene == 2 && tk->take == 2) {
            a->shot.black_first = T - (T / 8 > 4 ? T / 8 : 4);
            a->shot.black_last = T - 1;
        }
        if (script[i].cam_b) {
            /* B rolls a few frames after A but before the clap. */
            int late = demo_rng_int(&rng, 3, clap - 3);
            camera_clip(d, d->nb_takes, 'B', b_number++, DEMO_SETUP_MEDIUM, rate, tc_fps,
                        start_frame + late, T);
            end = a_start + (int64_t)(T + late) * spf;
        }

        /* The recorder rolls seconds before the cameras and stops after them. */
        tk->rec_channels = tk->scene == 1 ? 4 : 2;
        tk->rec_start = a_start - demo_rng_int(&rng, 2 * DEMO_SR, 4 * DEMO_SR);
        tk->rec_samples = end + demo_rng_int(&rng, DEMO_SR, 2 * DEMO_SR) - tk->rec_start;
        tk->time_reference = tk->rec_start + d->clock_error;
        snprintf(tk->wav_name, sizeof(tk->wav_name), "SC%02d_TK%02d.WAV", tk->scene, tk->take);
        d->nb_takes++;
    }
    plan_scan(d, &rng, T);
}

void demo_cup_box(const DemoDay *d, const DemoClip *c, int box[4])
{
    const DemoSet *set = &c->shot.set[0];
    float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
    for (int i = 0; i < 8; i++) {
        float X = set->cup_x + (i & 1 ? 0.067f : -0.045f);
        float Y = TABLE_TOP + (i & 2 ? 0.1f : 0.0f);
        float Z = set->cup_z + (i & 4 ? 0.045f : -0.045f), sx, sy;
        if (demo_project(&c->shot.cam[0], X, Y, Z, &sx, &sy) <= 0)
            continue;
        x0 = fminf_(x0, sx); y0 = fminf_(y0, sy); x1 = fmaxf_(x1, sx); y1 = fmaxf_(y1, sy);
    }
    (void)d;
    box[0] = (int)x0;
    box[1] = (int)y0;
    box[2] = (int)(x1 - x0 + 1.0f);
    box[3] = (int)(y1 - y0 + 1.0f);
}
