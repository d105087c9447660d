/* rushes clean: remove what should not be in a shot, with the shot's own pixels. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "rushes/jobs.h"
#include "core/json.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"

typedef struct CleanOpts {
    const char *mask;
    const char *out;
    const char *codec;
    int64_t prores_profile;
    int64_t max_distance;
    int64_t grow;
    int64_t patch;
    int64_t max_frames;
    int64_t max_memory;
    int64_t threads;
    int64_t seam;
    int64_t refine;
    int dust;
    int64_t dust_threshold;
    int deflicker;
    int64_t deflicker_window;
    const char *mask_out;
    const char *review;
    int track_only;
    int64_t track_margin;
    const char *track_model;
    int scratches;
    int64_t scratch_threshold;
    int64_t scratch_min_frames;
    double scratch_min_motion;
    int64_t scratch_min_crossings;
    double scratch_min_weave;
} CleanOpts;

static const RsOption clean_options[] = {
    { "mask", "what to remove: shapes.json, one PNG, or a folder of numbered PNGs (white = remove)",
      RS_OPT_STRING, offsetof(CleanOpts, mask), .metavar = "MASK", .short_name = 'm' },
    { "out", "output: .mkv (FFV1, lossless, source pixel format), .mov (ProRes), or pictures "
      "DIR/name_%06d.png (16-bit RGB) or .exr (half float)", RS_OPT_STRING, offsetof(CleanOpts, out),
      .metavar = "FILE", .short_name = 'o' },
    { "codec", "output codec (default: ffv1 for .mkv, prores for .mov)", RS_OPT_CHOICE,
      offsetof(CleanOpts, codec), .choices = "ffv1|prores" },
    { "prores-profile", "ProRes profile: 3 is 422 HQ, 4 is 4444", RS_OPT_INT,
      offsetof(CleanOpts, prores_profile), .def.i = 3, .min = 3, .max = 4 },
    { "max-distance", "frames searched each way for the background", RS_OPT_INT,
      offsetof(CleanOpts, max_distance), .def.i = 60, .min = 0, .max = 100000 },
    { "grow", "pixels around the mask not used as a source", RS_OPT_INT, offsetof(CleanOpts, grow),
      .def.i = 2, .min = 0, .max = 64 },
    { "patch", "patch side of the spatial synthesis (odd)", RS_OPT_INT, offsetof(CleanOpts, patch),
      .def.i = 7, .min = 3, .max = 15 },
    { "dust", "also repair one-frame defects (dust, sparkle) from motion-compensated neighbours", RS_OPT_BOOL,
      offsetof(CleanOpts, dust) },
    { "dust-threshold", "luma difference (8-bit levels) from both neighbours that makes a defect", RS_OPT_INT,
      offsetof(CleanOpts, dust_threshold), .def.i = 24, .min = 1, .max = 255 },
    { "deflicker", "first remove luminance and colour flicker, keeping sustained changes of light", RS_OPT_BOOL,
      offsetof(CleanOpts, deflicker) },
    { "deflicker-window", "frames over which flicker is smoothed (odd); longer changes are kept", RS_OPT_INT,
      offsetof(CleanOpts, deflicker_window), .def.i = 15, .min = 3, .max = 255 },
    { "seam", "1: spread the frame/fill difference at the mask edge over the fill; 0: off", RS_OPT_INT,
      offsetof(CleanOpts, seam), .def.i = 1, .min = 0, .max = 1 },
    { "refine", "passes that compute the flow again on the filled frames and fill along it (sharper thin masks; "
      "each costs about one more fill)", RS_OPT_INT, offsetof(CleanOpts, refine), .def.i = 1, .min = 0, .max = 3 },
    { "mask-out", "write the final mask of every frame (tracked shapes, dust, scratches) as DIR/mask_NNNNNN.png",
      RS_OPT_STRING, offsetof(CleanOpts, mask_out), .metavar = "DIR" },
    { "review", "write an .mkv of the source with the mask tinted red, to check it before the fill is trusted",
      RS_OPT_STRING, offsetof(CleanOpts, review), .metavar = "FILE" },
    { "track-only", "track the shapes and write --mask-out / --review only: no fill, no --out", RS_OPT_BOOL,
      offsetof(CleanOpts, track_only) },
    { "track-margin", "pixels the tracked shapes grow by", RS_OPT_INT, offsetof(CleanOpts, track_margin),
      .def.i = 0, .min = 0, .max = 64 },
    { "track-model", "motion a tracked shape follows", RS_OPT_CHOICE, offsetof(CleanOpts, track_model),
      .choices = "translation|similarity|affine" },
    { "scratches", "also repair vertical line scratches that stay while the picture moves under them",
      RS_OPT_BOOL, offsetof(CleanOpts, scratches) },
    { "scratch-threshold", "contrast of a scratch against both its sides (8-bit levels)", RS_OPT_INT,
      offsetof(CleanOpts, scratch_threshold), .def.i = 6, .min = 1, .max = 255 },
    { "scratch-min-frames", "frames a scratch persists", RS_OPT_INT, offsetof(CleanOpts, scratch_min_frames),
      .def.i = 5, .min = 2, .max = 100000 },
    { "scratch-min-motion", "pixels the picture must move relative to a line for it to be a scratch",
      RS_OPT_DOUBLE, offsetof(CleanOpts, scratch_min_motion), .def.d = 4, .min = 0, .max = 1000 },
    { "scratch-min-crossings", "on a still camera: things a line must stay on top of to be a scratch (0: off)",
      RS_OPT_INT, offsetof(CleanOpts, scratch_min_crossings), .def.i = 12, .min = 0, .max = 1000000 },
    { "scratch-min-weave", "on a weaving scan: rms pixels the whole picture jitters across, for a line that "
      "does not follow it to be a scratch (0: off)", RS_OPT_DOUBLE, offsetof(CleanOpts, scratch_min_weave),
      .def.d = 0.1, .min = 0, .max = 16 },
    { "max-frames", "frames held in memory at once; a longer shot is cleaned in overlapping windows",
      RS_OPT_INT, offsetof(CleanOpts, max_frames),
      .def.i = 900, .min = 1, .max = 1000000 },
    { "max-memory", "MB the shot may take in memory (0 = three quarters of the machine's)", RS_OPT_INT,
      offsetof(CleanOpts, max_memory), .min = 0, .max = INT64_MAX / 1000000 },
    { "threads", "flow, decoder and encoder threads (0 = automatic)", RS_OPT_INT, offsetof(CleanOpts, threads),
      .min = 0, .max = 64 },
    { NULL }
};

/* Ctrl-C or a kill during a clean stops it between frames: the job then removes what it wrote. */
static atomic_int stop_clean;

static void on_stop(int sig)
{
    (void)sig;
    atomic_store(&stop_clean, 1);
}

static int run_clean(const RsGlobal *g, void *o, int argc, char **argv)
{
    const CleanOpts *opts = o;
    if ((!opts->mask && !opts->dust && !opts->scratches && !opts->deflicker) ||
        (opts->track_only ? !opts->mask_out && !opts->review : !opts->out)) {
        fprintf(stderr, "rushes: clean: --out (or --track-only with --mask-out or --review) and --mask, --dust, "
                "--scratches or --deflicker are needed\n");
        return 2;
    }
    RsCleanJob job;
    rs_clean_job_default(&job);
    job.input = argv[0];
    job.mask = opts->mask;
    job.output = opts->out;
    job.codec = opts->codec;
    job.prores_profile = (int)opts->prores_profile;
    job.threads = (int)opts->threads;
    job.fill.threads = (int)opts->threads;
    job.max_frames = (int)opts->max_frames;
    job.max_memory = opts->max_memory * 1000000;
    job.fill.max_distance = (int)opts->max_distance;
    job.fill.grow = (int)opts->grow;
    job.fill.patch_size = (int)opts->patch;
    job.fill.seam = (int)opts->seam;
    job.fill.refine = (int)opts->refine;
    job.dust = opts->dust ? (int)opts->dust_threshold : 0;
    job.deflicker = opts->deflicker ? (int)opts->deflicker_window : 0;
    job.mask_out = opts->mask_out;
    job.review = opts->review;
    job.track_only = opts->track_only;
    job.track.margin = (int)opts->track_margin;
    if (opts->track_model)
        job.track.model = opts->track_model[0] == 't' ? RS_TRACK_TRANSLATION
                          : opts->track_model[0] == 's' ? RS_TRACK_SIMILARITY : RS_TRACK_AFFINE;
    job.scratches = opts->scratches;
    job.scratch.threshold = (int)opts->scratch_threshold;
    job.scratch.min_frames = (int)opts->scratch_min_frames;
    job.scratch.min_motion = opts->scratch_min_motion;
    job.scratch.min_crossings = (int)opts->scratch_min_crossings;
    job.scratch.min_weave = opts->scratch_min_weave;
    CliProgress prog;
    cli_progress_init(&prog, g, "clean");
    job.progress = cli_progress_update;
    job.opaque = &prog;
    RsCleanStats st;
    double start = cli_now();

    /*
     * Footage of a project (the one named by --project, or found from the
     * working directory) is cleaned under the project's rules: consent and
     * role first, then an audit entry and a signed manifest. A file of no
     * project is cleaned as a standalone tool, with an unsigned manifest.
     */
    RsCatalog *c = NULL;
    char dir[4096];
    int64_t clip_id = 0;
    int ret = 0;
    if (g->project || rs_catalog_find(".", dir, sizeof(dir)) >= 0) {
        if ((ret = cli_open_project(g, &c)) < 0)
            return rs_error_exit_code(ret);
        if ((ret = rs_project_clip_by_path(c, job.input, &clip_id)) < 0) {
            rs_catalog_close(&c);
            return rs_error_exit_code(cli_fail(ret, "clean"));
        }
    }
    if (clip_id && job.track_only) {
        /* The project path signs and audits a render; a review of the masks
         * alone has no render to sign yet, so it is not offered there. */
        rs_catalog_close(&c);
        cli_progress_end(&prog);
        fprintf(stderr, "rushes: clean: --track-only is for files outside a project for now; %s is project "
                "footage (run the clean itself, with --mask-out and --review)\n", job.input);
        return 2;
    }
    job.fill.cancel = &stop_clean;
    struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    if (clip_id) {
        RsActor actor;
        if ((ret = cli_actor(g, c, &actor)) >= 0)
            ret = rs_clean_project_file(c, &actor, &job, &st);
        rs_audit_checkpoint(c);
    } else {
        ret = rs_clean_file(&job, &st);
    }
    rs_catalog_close(&c);
    cli_progress_end(&prog);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (ret == RS_EINTR && job.output)
        rs_error(RS_EINTR, "cancelled: %s was not written (a file already there is as it was)", job.output);
    if (ret < 0) {
        cli_fail(ret, "clean");
        return ret == RS_EINVAL ? 2 : rs_error_exit_code(ret);
    }
    double secs = cli_now() - start;
    if (g->json) {
        RsJson j = { .pretty = 1 };
        rs_json_begin_object(&j, NULL);
        rs_json_string(&j, "input", job.input);
        rs_json_string(&j, "output", job.output);
        rs_json_int(&j, "masked_pixels", st.masked);
        rs_json_int(&j, "from_other_frames", st.from_time);
        rs_json_int(&j, "carried", st.carried);
        rs_json_int(&j, "synthesised", st.synthesised);
        rs_json_int(&j, "unfilled", st.unfilled);
        rs_json_int(&j, "dust_pixels", st.dust);
        rs_json_int(&j, "tracked_shapes", st.tracked);
        rs_json_int(&j, "scratches", st.scratches);
        rs_json_int(&j, "scratch_pixels", st.scratch_pixels);
        rs_json_int(&j, "windows", st.windows);
        rs_json_int(&j, "frames_held", st.held);
        rs_json_int(&j, "frames", st.frames);
        rs_json_bool(&j, "source_truncated", st.truncated);
        rs_json_int(&j, "source_damaged", st.damaged);
        if (job.deflicker)
            rs_json_double(&j, "deflicker_mean_change", st.deflicker.mean_change);
        rs_json_double(&j, "seconds", secs);
        rs_json_end_object(&j);
        char *s = rs_json_take(&j);
        cli_print_json(s);
        free(s);
    } else if (!g->quiet && job.track_only) {
        printf("%lld shapes tracked, %lld scratches found; %s%s%s\n", (long long)st.tracked,
               (long long)st.scratches, job.mask_out ? job.mask_out : "",
               job.mask_out && job.review ? " and " : "", job.review ? job.review : "");
    } else if (!g->quiet) {
        double m = st.masked ? 100.0 / st.masked : 0;
        if (job.mask || job.dust || job.scratches)
            printf("%s: %lld masked pixels: %.1f%% from other frames, %.1f%% carried, %.1f%% synthesised "
                   "(%.1f s)\n", job.output, (long long)st.masked, st.from_time * m, st.carried * m,
                   st.synthesised * m, secs);
        else
            printf("%s: deflickered (%.1f s)\n", job.output, secs);
        if (st.truncated || st.damaged)
            printf("%s: %lld frames cleaned; the source %s%s%s\n", job.input, (long long)st.frames,
                   st.truncated ? "ends before its declared end" : "", st.truncated && st.damaged ? " and " : "",
                   st.damaged ? "has damaged packets or frames, decoded as far as they go" : "");
        if (st.unfilled)
            printf("%lld masked pixels left as they were: their frames are masked whole\n",
                   (long long)st.unfilled);
        if (job.dust)
            printf("dust: %lld defect pixels found and repaired\n", (long long)st.dust);
        if (job.deflicker)
            printf("deflicker: mean luma change %.2f levels, largest region change %.1f levels, %lld limited\n",
                   st.deflicker.mean_change, st.deflicker.max_level_change, (long long)st.deflicker.limited);
        if (st.tracked)
            printf("%lld shapes tracked through the shot\n", (long long)st.tracked);
        if (st.windows)
            printf("cleaned in %lld windows of %lld frames, %lld read ahead of the frames written\n",
                   (long long)st.windows, (long long)st.window, (long long)st.context);
        if (job.scratches)
            printf("scratches: %lld found, %lld pixels repaired\n", (long long)st.scratches,
                   (long long)st.scratch_pixels);
        printf("%s.manifest.json%s\n", job.output, clip_id ? " and a signed " RS_MANIFEST_SUFFIX : "");
    }
    return 0;
}

const RsVerb cli_verb_clean = {
    .name = "clean",
    .summary = "remove a boom, a reflection, markers or a sign with the shot's own pixels",
    .usage = "IN",
    .description = "Fills the masked pixels of a shot from other frames where the background shows\n"
                   "(carried along the optical flow), or from the same frame where none does. Pixels\n"
                   "outside the mask are left exactly as decoded. Writes OUT and OUT.manifest.json\n"
                   "(inputs and output with their xxh64, parameters, version). See doc/cleanup.md.",
    .options = clean_options,
    .options_size = sizeof(CleanOpts),
    .min_args = 1,
    .max_args = 1,
    .run = run_clean,
};
