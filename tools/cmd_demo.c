#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/demo.h"
#include "rushes/error.h"

typedef struct DemoOpts {
    int64_t seed;
    const char *size;
    int64_t frames;
    int64_t threads;
} DemoOpts;

static const RsOption demo_options[] = {
    { "seed", "random seed: the same seed gives the same pictures and sounds", RS_OPT_INT,
      offsetof(DemoOpts, seed), .def.i = 1, .min = 0, .max = 4294967295.0 },
    { "size", "picture size", RS_OPT_STRING, offsetof(DemoOpts, size), .def.s = "1280x720", .metavar = "WxH" },
    { "frames", "frames per take (at least 48)", RS_OPT_INT, offsetof(DemoOpts, frames), .def.i = 96,
      .min = 48, .max = 100000 },
    { "threads", "codec threads per clip", RS_OPT_INT, offsetof(DemoOpts, threads), .def.i = 2, .min = 1,
      .max = 64 },
    { NULL }
};

typedef struct DemoCtx {
    CliProgress prog;
    int item;
} DemoCtx;

static int on_progress(void *opaque, int item, int nb_items, int64_t done, int64_t total)
{
    DemoCtx *x = opaque;
    static char label[64];
    if (item != x->item) {
        cli_progress_end(&x->prog);
        x->item = item;
        x->prog.start = cli_now();
        x->prog.last_draw = 0;
        x->prog.drawn = 0;
    }
    snprintf(label, sizeof(label), "demo %d/%d", item + 1, nb_items);
    x->prog.label = label;
    cli_progress_update(&x->prog, done, total);
    return 0;
}

static int run_demo(const RsGlobal *g, void *o, int argc, char **argv)
{
    const DemoOpts *opts = o;
    RsDemoSettings s;
    rs_demo_default_settings(&s);
    s.output_dir = argv[0];
    s.seed = (uint32_t)opts->seed;
    s.take_frames = (int)opts->frames;
    s.threads = (int)opts->threads;
    if (sscanf(opts->size, "%dx%d", &s.width, &s.height) != 2) {
        fprintf(stderr, "rushes demo: --size '%s' is not WIDTHxHEIGHT (e.g. 1920x1080)\n", opts->size);
        return 2;
    }
    DemoCtx x = { .item = -1 };
    cli_progress_init(&x.prog, g, "demo");
    s.progress = on_progress;
    s.opaque = &x;
    RsDemoReport *r = NULL;
    double t0 = cli_now();
    int ret = rs_demo_generate(&s, &r);
    cli_progress_end(&x.prog);
    if (ret < 0)
        return rs_error_exit_code(cli_fail(ret, "demo"));
    double secs = cli_now() - t0;
    if (g->json) {
        RsJson j = { .pretty = 1 };
        rs_json_begin_object(&j, NULL);
        rs_json_string(&j, "output", r->output_dir);
        rs_json_string(&j, "truth", r->truth_path);
        rs_json_int(&j, "clips", r->nb_clips);
        rs_json_int(&j, "sound_files", r->nb_sound_files);
        rs_json_int(&j, "video_frames", r->video_frames);
        rs_json_int(&j, "audio_samples", r->audio_samples);
        rs_json_end_object(&j);
        char *js = rs_json_take(&j);
        if (js)
            cli_print_json(js);
        free(js);
    } else if (!g->quiet) {
        printf("Demo shoot day in %s: %d clips (%lld frames), %d sound files, in %.1f s; truth in %s\n",
               r->output_dir, r->nb_clips, (long long)r->video_frames, r->nb_sound_files, secs, r->truth_path);
    }
    rs_demo_report_free(&r);
    return 0;
}

const RsVerb cli_verb_demo = {
    .name = "demo",
    .summary = "generate the demo shoot day (cards, sound, truth) into a folder",
    .usage = "OUT",
    .description = "Films a small shoot day with known truth: two camera cards, a film scan, a sound\n"
                   "recorder's BWF files and OUT/truth.json (doc/demo.md). Nothing is downloaded.",
    .options = demo_options,
    .options_size = sizeof(DemoOpts),
    .min_args = 1,
    .max_args = 1,
    .run = run_demo,
};
