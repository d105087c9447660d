#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"
#include "rushes/jobs.h"

typedef struct AnalyzeOpts {
    int64_t threads;
    int64_t decode_threads;
    const char *analyzers;
    const char *set;
    int force;
    int list;
    int series;
} AnalyzeOpts;

static const RsOption analyze_options[] = {
    { "threads", "analysis worker threads (0 = on the decoding thread)", RS_OPT_INT,
      offsetof(AnalyzeOpts, threads), .def.i = 2, .min = 0, .max = 16 },
    { "decode-threads", "decoder threads (0 = one per core)", RS_OPT_INT,
      offsetof(AnalyzeOpts, decode_threads), .def.i = 0, .min = 0, .max = 64 },
    { "analyzers", "comma-separated analyzers to run (default: all; see --list)", RS_OPT_STRING,
      offsetof(AnalyzeOpts, analyzers), .metavar = "A,B" },
    { "set", "comma-separated analyzer options, e.g. stats.black_pct=4,fingerprint.change_bits=20",
      RS_OPT_STRING, offsetof(AnalyzeOpts, set), .metavar = "A.OPT=V,..." },
    { "force", "redo clips that already have current results", RS_OPT_BOOL, offsetof(AnalyzeOpts, force) },
    { "list", "list the analyzers, their options and series, and exit", RS_OPT_BOOL,
      offsetof(AnalyzeOpts, list) },
    { "series", "with FILE arguments and --json: include every per-frame series", RS_OPT_BOOL,
      offsetof(AnalyzeOpts, series) },
    { NULL }
};

/* Split a comma list into a NULL-terminated array pointing into a copy. */
static char **split(const char *s, char **copy)
{
    if (!s || !*s)
        return NULL;
    *copy = strdup(s);
    if (!*copy)
        return NULL;
    int n = 2;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    char **v = calloc((size_t)n, sizeof(*v));
    if (!v)
        return NULL;
    int k = 0;
    for (char *save = NULL, *tok = strtok_r(*copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        v[k++] = tok;
    return v;
}

static int list_analyzers(const RsGlobal *g)
{
    const RsAnalyzer *const *all = rs_analyzers();
    RsJson j = { .pretty = 1 };
    rs_json_begin_array(&j, NULL);
    for (int i = 0; all[i]; i++) {
        const RsAnalyzer *a = all[i];
        if (!g->json) {
            printf("%-14s v%d  %s\n", a->name, a->version, a->help);
            for (const RsOption *o = a->options; o && o->name; o++)
                printf("    option %s.%s: %s\n", a->name, o->name, o->help);
            for (const RsSeriesDesc *s = a->series; s && s->name; s++)
                printf("    series %s: %s\n", s->name, s->help);
            continue;
        }
        rs_json_begin_object(&j, NULL);
        rs_json_string(&j, "name", a->name);
        rs_json_int(&j, "version", a->version);
        rs_json_string(&j, "help", a->help);
        rs_json_begin_array(&j, "options");
        for (const RsOption *o = a->options; o && o->name; o++) {
            rs_json_begin_object(&j, NULL);
            rs_json_string(&j, "name", o->name);
            rs_json_string(&j, "help", o->help);
            rs_json_end_object(&j);
        }
        rs_json_end_array(&j);
        rs_json_begin_array(&j, "series");
        for (const RsSeriesDesc *s = a->series; s && s->name; s++)
            rs_json_string(&j, NULL, s->name);
        rs_json_end_array(&j);
        rs_json_end_object(&j);
    }
    rs_json_end_array(&j);
    char *s = rs_json_take(&j);
    if (g->json)
        cli_print_json(s);
    free(s);
    return 0;
}

static void write_analysis(RsJson *j, const char *path, const RsClipAnalysis *a, int with_series)
{
    rs_json_begin_object(j, NULL);
    rs_json_string(j, "path", path);
    rs_json_int(j, "frames", a->frames);
    rs_json_begin_object(j, "decode");
    rs_json_int(j, "decode_errors", a->decode.decode_errors);
    rs_json_int(j, "corrupt_frames", a->decode.corrupt_frames);
    rs_json_bool(j, "truncated", a->decode.truncated);
    rs_json_end_object(j);
    rs_json_begin_object(j, "analyzers");
    for (int i = 0; i < a->nb_results; i++) {
        const RsAnalyzerResult *r = &a->results[i];
        rs_json_begin_object(j, r->analyzer->name);
        rs_json_int(j, "version", r->analyzer->version);
        rs_json_raw(j, "params", r->params_json);
        rs_json_raw(j, "summary", r->summary_json);
        if (with_series) {
            rs_json_begin_object(j, "series");
            for (int k = 0; k < r->nb_series; k++) {
                const RsSeries *s = &r->series[k];
                rs_json_begin_array(j, s->desc->name);
                for (int64_t f = 0; f < s->count; f++) {
                    if (s->desc->type == RS_SERIES_U64) {
                        char hex[20];
                        snprintf(hex, sizeof(hex), "%016" PRIx64, ((const uint64_t *)s->data)[f]);
                        rs_json_string(j, NULL, hex);
                    } else {
                        rs_json_double(j, NULL, ((const float *)s->data)[f]);
                    }
                }
                rs_json_end_array(j);
            }
            rs_json_end_object(j);
        }
        rs_json_end_object(j);
    }
    rs_json_end_object(j);
    rs_json_end_object(j);
}

static void on_clip(void *opaque, int i, int n, const char *path)
{
    CliProgress *p = opaque;
    static char label[128];
    const char *base = strrchr(path, '/');
    snprintf(label, sizeof(label), "%d/%d %s", i + 1, n, base ? base + 1 : path);
    p->label = label;
    p->start = cli_now();
    p->last_draw = 0;
    p->drawn = 0;
    if (!p->g->quiet && !p->g->json && !p->g->progress)
        fprintf(stderr, "[%d/%d] %s\n", i + 1, n, path);
}

static void on_clip_done(void *opaque, const char *path, int result, int64_t frames, double seconds)
{
    CliProgress *p = opaque;
    cli_progress_end(p);
    if (result < 0)
        fprintf(stderr, "rushes: analyze: %s\n", rs_error_message());
    else if (!p->g->quiet && !p->g->json && frames == 0)
        fprintf(stderr, "  %s: sound only, %.1f s\n", path, seconds);
    else if (!p->g->quiet && !p->g->json)
        fprintf(stderr, "  %s: %lld frames in %.1f s (%.1f fps)\n", path, (long long)frames, seconds,
                seconds > 0 ? frames / seconds : 0);
}

static int run_analyze(const RsGlobal *g, void *o, int argc, char **argv)
{
    const AnalyzeOpts *opts = o;
    if (opts->list)
        return list_analyzers(g);
    char *acopy = NULL, *scopy = NULL;
    char **names = split(opts->analyzers, &acopy);
    char **sets = split(opts->set, &scopy);
    CliProgress prog;
    cli_progress_init(&prog, g, "analyze");
    int ret = 0;

    RsEngineSettings es;
    rs_engine_default_settings(&es);
    es.threads = (int)opts->threads;
    es.decode_threads = (int)opts->decode_threads;
    es.analyzers = (const char *const *)names;
    es.options = (const char *const *)sets;
    es.progress = cli_progress_update;
    es.progress_opaque = &prog;
    if (rs_engine_check_settings(&es) < 0) {
        fprintf(stderr, "rushes analyze: %s\n", rs_error_message());
        ret = 2;
        goto end;
    }

    if (argc) {
        /* Files named on the command line: analyse them without a project. */
        RsJson j = { .pretty = 1 };
        int failed = 0;
        rs_json_begin_array(&j, NULL);
        for (int i = 0; i < argc; i++) {
            RsClipAnalysis *a = NULL;
            on_clip(&prog, i, argc, argv[i]);
            double t0 = cli_now();
            int r = rs_engine_analyze(argv[i], &es, &a);
            on_clip_done(&prog, argv[i], r, a ? a->frames : 0, cli_now() - t0);
            if (r < 0) {
                failed++;
                ret = r;
                continue;
            }
            write_analysis(&j, argv[i], a, opts->series);
            rs_clip_analysis_free(&a);
        }
        rs_json_end_array(&j);
        char *s = rs_json_take(&j);
        if (g->json && s)
            cli_print_json(s);
        free(s);
        ret = failed == 0 ? 0 : failed == argc ? (ret == RS_EINVAL ? 2 : rs_error_exit_code(ret)) : 1;
        goto end;
    }

    RsCatalog *c;
    if ((ret = cli_open_project(g, &c)) < 0) {
        ret = rs_error_exit_code(ret);
        goto end;
    }
    RsActor actor;
    if ((ret = cli_actor(g, c, &actor)) < 0) {
        rs_catalog_close(&c);
        ret = rs_error_exit_code(ret);
        goto end;
    }
    RsAnalyzeJobSettings js;
    rs_analyze_job_default_settings(&js);
    js.actor = &actor;
    js.engine = es;
    js.force = opts->force;
    js.on_clip = on_clip;
    js.on_clip_done = on_clip_done;
    js.opaque = &prog;
    RsAnalyzeJobReport rep;
    int r = rs_analyze_job(c, &js, &rep);
    if (r < 0 && r != RS_EPARTIAL && !(r == RS_EDENIED && rep.clips_refused))
        cli_fail(r, "analyze");
    if (g->json) {
        RsJson j = { .pretty = 1 };
        rs_json_begin_object(&j, NULL);
        rs_json_int(&j, "clips_analyzed", rep.clips_done);
        rs_json_int(&j, "clips_failed", rep.clips_failed);
        rs_json_int(&j, "clips_skipped", rep.clips_skipped);
        rs_json_int(&j, "clips_refused", rep.clips_refused);
        rs_json_int(&j, "frames", rep.frames);
        rs_json_end_object(&j);
        char *s = rs_json_take(&j);
        cli_print_json(s);
        free(s);
    } else if (!g->quiet) {
        printf("Analysed %d clips (%lld frames); %d already current; %d failed; %d refused\n", rep.clips_done,
               (long long)rep.frames, rep.clips_skipped, rep.clips_failed, rep.clips_refused);
    }
    rs_catalog_close(&c);
    ret = r < 0 ? rs_error_exit_code(r) : 0;
end:
    free(names);
    free(sets);
    free(acopy);
    free(scopy);
    return ret;
}

const RsVerb cli_verb_analyze = {
    .name = "analyze",
    .summary = "run every analyzer over the new clips in one decode pass",
    .usage = "[FILE...]",
    .description = "Without FILE: analyses every clip of the project that lacks current results and\n"
                   "stores them. With FILE arguments: analyses those files without a project and\n"
                   "prints the results (--json, --series for per-frame values).",
    .options = analyze_options,
    .options_size = sizeof(AnalyzeOpts),
    .min_args = 0,
    .max_args = -1,
    .run = run_analyze,
};
