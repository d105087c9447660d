/*
 * truth.json: what the demo day planted, written from the plan that drove the
 * rendering. The layout is documented in doc/demo.md; keys are only added,
 * never renamed, so tests and tools can rely on them.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rushes/error.h"
#include "demo/truth.h"
#include "rs_config.h"

typedef struct Out {
    FILE *f;
} Out;

static void put(Out *o, const char *fmt, ...) RS_PRINTF(2, 3);

static void put(Out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(o->f, fmt, ap);
    va_end(ap);
}

static const char *setup_name(int setup)
{
    return setup == DEMO_SETUP_WIDE ? "wide" : setup == DEMO_SETUP_MEDIUM ? "medium" : "close-up";
}

static void clip_path(char *buf, size_t size, const DemoClip *c)
{
    snprintf(buf, size, "day01/%s/%s", c->dir, c->name);
}

static void write_events(Out *o, const DemoDay *d, const DemoClip *c)
{
    const DemoShot *s = &c->shot;
    const char *sep = "";
    put(o, "      \"events\": [");
    if (c->clap_frame >= 0) {
        put(o, "%s\n        {\"type\": \"slate_clap\", \"frame\": %d, \"sample_tod\": %" PRId64
            ", \"audio_sample\": %" PRId64 "}", sep, c->clap_frame, d->takes[c->take].origin,
            d->takes[c->take].origin - s->first_sample);
        sep = ",";
    }
    if (s->boom_first <= s->boom_last) {
        put(o, "%s\n        {\"type\": \"boom_in_frame\", \"first\": %d, \"last\": %d, \"max_rows\": %d, "
            "\"x\": %d}", sep, s->boom_first, s->boom_last, (int)(s->boom_depth + 0.5f),
            (int)(s->boom_x * (float)d->w));
        sep = ",";
    }
    if (s->flash_first <= s->flash_last) {
        put(o, "%s\n        {\"type\": \"flash\", \"first\": %d, \"last\": %d}", sep, s->flash_first,
            s->flash_last);
        sep = ",";
    }
    if (s->black_first <= s->black_last) {
        put(o, "%s\n        {\"type\": \"black\", \"first\": %d, \"last\": %d}", sep, s->black_first,
            s->black_last);
        sep = ",";
    }
    if (s->cut_frame >= 0) {
        put(o, "%s\n        {\"type\": \"hard_cut\", \"frame\": %d}", sep, s->cut_frame);
        sep = ",";
    }
    for (int i = 0; i < s->nb_dust; i++) {
        const DemoDust *dd = &s->dust[i];
        put(o, "%s\n        {\"type\": \"dust\", \"frame\": %d, \"x\": %d, \"y\": %d, \"radius\": %d, "
            "\"polarity\": \"%s\"}", sep, dd->frame, (int)dd->x, (int)dd->y, (int)(dd->r + 0.5f),
            dd->bright ? "bright" : "dark");
        sep = ",";
    }
    if (s->scratch_first <= s->scratch_last) {
        put(o, "%s\n        {\"type\": \"scratch\", \"first\": %d, \"last\": %d, \"x\": %d}", sep,
            s->scratch_first, s->scratch_last, (int)s->scratch_x);
        sep = ",";
    }
    put(o, "%s]", *sep ? "\n      " : "");
}

static void write_clip(Out *o, const DemoDay *d, const DemoClip *c)
{
    char path[96];
    clip_path(path, sizeof(path), c);
    int prores = !strncmp(c->codec, "prores", 6);
    put(o, "    {\n      \"path\": \"%s\",\n      \"camera\": \"%c\",\n      \"reel\": \"%s\",\n", path,
        c->camera, c->reel);
    put(o, "      \"codec\": \"%s\",\n      \"pix_fmt\": \"%s\",\n      \"bit_depth\": %d,\n",
        prores ? "prores" : "h264", prores ? "yuv422p10le" : "yuv420p", prores ? 10 : 8);
    put(o, "      \"width\": %d,\n      \"height\": %d,\n      \"frame_rate\": [%" PRId64 ", %" PRId64 "],\n",
        d->w, d->h, c->rate.num, c->rate.den);
    put(o, "      \"frames\": %d,\n      \"start_timecode\": \"%s\",\n      \"timecode_rate\": %d,\n",
        c->frames, c->timecode, c->tc_fps);
    put(o, "      \"start_frame_tod\": %" PRId64 ",\n      \"start_sample_tod\": %" PRId64 ",\n",
        c->start_frame, c->shot.first_sample);
    put(o, "      \"samples_per_frame\": %d,\n", c->shot.spf);
    put(o, "      \"audio_channels\": %d,\n      \"audio_codec\": \"%s\",\n", c->audio_channels,
        c->audio_channels ? c->audio_codec : "");
    if (c->take >= 0) {
        const DemoTake *tk = &d->takes[c->take];
        put(o, "      \"scene\": %d,\n      \"take\": %d,\n      \"night\": %d,\n", tk->scene, tk->take,
            tk->set.night);
    }
    put(o, "      \"setup\": \"%s\",\n      \"look\": \"%s\",\n", setup_name(c->setup[0]),
        c->shot.look == DEMO_LOOK_SCAN ? "film_scan" : "digital");
    if (c->take >= 0) {
        int box[4];
        demo_cup_box(d, c, box);
        put(o, "      \"cup_box\": [%d, %d, %d, %d],\n", box[0], box[1], box[2], box[3]);
    }
    write_events(o, d, c);
    put(o, "\n    }");
}

static void write_sound(Out *o, const DemoDay *d, int ti)
{
    const DemoTake *tk = &d->takes[ti];
    static const char *tracks4[] = { "BOOM", "LAV", "MIX L", "MIX R" };
    put(o, "    {\n      \"path\": \"day01/SOUND_001/%s\",\n      \"scene\": %d,\n      \"take\": %d,\n",
        tk->wav_name, tk->scene, tk->take);
    put(o, "      \"channels\": %d,\n      \"tracks\": [", tk->rec_channels);
    for (int c = 0; c < tk->rec_channels; c++)
        put(o, "%s\"%s\"", c ? ", " : "", tracks4[c]);
    put(o, "],\n      \"sample_rate\": %d,\n      \"bits\": 24,\n      \"samples\": %" PRId64 ",\n",
        DEMO_SR, tk->rec_samples);
    put(o, "      \"time_reference\": %" PRId64 ",\n      \"true_start_sample_tod\": %" PRId64 ",\n",
        tk->time_reference, tk->rec_start);
    put(o, "      \"clap_sample\": %" PRId64 ",\n      \"sync\": [", tk->origin - tk->rec_start);
    const char *sep = "";
    for (int i = 0; i < d->nb_clips; i++) {
        const DemoClip *c = &d->clips[i];
        if (c->take != ti)
            continue;
        char path[96];
        clip_path(path, sizeof(path), c);
        put(o, "%s\n        {\"clip\": \"%s\", \"true_offset_samples\": %" PRId64
            ", \"timecode_offset_samples\": %" PRId64 "}", sep, path, c->shot.first_sample - tk->rec_start,
            c->shot.first_sample - tk->time_reference);
        sep = ",";
    }
    put(o, "\n      ]\n    }");
}

static void write_continuity(Out *o, const DemoDay *d)
{
    const DemoTake *ta = &d->takes[d->continuity_take[0]], *tb = &d->takes[d->continuity_take[1]];
    const char *sep = "";
    for (char cam = 'A'; cam <= 'B'; cam++) {
        const DemoClip *ca = NULL, *cb = NULL;
        for (int i = 0; i < d->nb_clips; i++) {
            if (d->clips[i].camera != cam)
                continue;
            if (d->clips[i].take == d->continuity_take[0])
                ca = &d->clips[i];
            if (d->clips[i].take == d->continuity_take[1])
                cb = &d->clips[i];
        }
        if (!ca || !cb)
            continue;
        char pa[96], pb[96];
        int ba[4], bb[4];
        clip_path(pa, sizeof(pa), ca);
        clip_path(pb, sizeof(pb), cb);
        demo_cup_box(d, ca, ba);
        demo_cup_box(d, cb, bb);
        put(o, "%s\n    {\"scene\": %d, \"prop\": \"cup\", \"change\": \"moved\", \"camera\": \"%c\", "
            "\"take_a\": %d, \"take_b\": %d,\n     \"clip_a\": \"%s\",\n     \"clip_b\": \"%s\",\n"
            "     \"box_a\": [%d, %d, %d, %d], \"box_b\": [%d, %d, %d, %d],\n"
            "     \"set_position_a_m\": [%.3f, %.3f], \"set_position_b_m\": [%.3f, %.3f]\n    }",
            sep, ta->scene, cam, ta->take, tb->take, pa, pb, ba[0], ba[1], ba[2], ba[3], bb[0], bb[1],
            bb[2], bb[3], (double)ta->set.cup_x, (double)ta->set.cup_z, (double)tb->set.cup_x,
            (double)tb->set.cup_z);
        sep = ",";
    }
    put(o, "\n  ]");
}

int demo_truth_write(const DemoDay *d, const char *path)
{
    Out o = { fopen(path, "w") };
    if (!o.f)
        return rs_error(RS_EIO, "%s: cannot create: %s", path, strerror(errno));
    put(&o, "{\n  \"format\": \"rushes-demo-truth\",\n  \"version\": 1,\n  \"generator\": \"rushes %s\",\n",
        RS_VERSION);
    put(&o, "  \"seed\": %" PRIu32 ",\n  \"width\": %d,\n  \"height\": %d,\n", d->seed, d->w, d->h);
    put(&o, "  \"sample_rate\": %d,\n  \"shoot_date\": \"2025-06-12\",\n", DEMO_SR);
    put(&o, "  \"time_unit\": \"samples at 48 kHz since midnight\",\n");
    put(&o, "  \"recorder_clock_error_samples\": %" PRId64 ",\n", d->clock_error);
    put(&o, "  \"clips\": [\n");
    for (int i = 0; i < d->nb_clips; i++) {
        write_clip(&o, d, &d->clips[i]);
        put(&o, i + 1 < d->nb_clips ? ",\n" : "\n");
    }
    put(&o, "  ],\n  \"sound\": [\n");
    for (int i = 0; i < d->nb_takes; i++) {
        write_sound(&o, d, i);
        put(&o, i + 1 < d->nb_takes ? ",\n" : "\n");
    }
    put(&o, "  ],\n  \"continuity\": [");
    write_continuity(&o, d);
    put(&o, "\n}\n");
    int bad = ferror(o.f);
    if (fclose(o.f) || bad)
        return rs_error(RS_EIO, "%s: write failed", path);
    return 0;
}
