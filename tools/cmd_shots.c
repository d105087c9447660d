/* rushes shots: shot boundaries of files, through the one-pass engine's shots analyzer alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/analyze.h"
#include "rushes/error.h"

typedef struct ShotsCliOpts {
    const char *set;
    int64_t decode_threads;
} ShotsCliOpts;

static const RsOption shots_cli_options[] = {
    { "set", "comma-separated shots options, e.g. cut_threshold=0.3,flash_frames=4 (see analyze --list)",
      RS_OPT_STRING, offsetof(ShotsCliOpts, set), .metavar = "OPT=V,..." },
    { "decode-threads", "decoder threads (0 = one per core)", RS_OPT_INT,
      offsetof(ShotsCliOpts, decode_threads), .def.i = 0, .min = 0, .max = 64 },
    { NULL }
};

/* "a=1,b=2" -> {"shots.a=1", "shots.b=2", NULL}; one allocation holds it all. */
static char **prefixed_sets(const char *s)
{
    size_t n = 1, len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == ',';
    char **v = malloc((n + 1) * sizeof(*v) + len + 7 * n + 1);
    if (!v)
        return NULL;
    char *w = (char *)(v + n + 1);
    size_t k = 0;
    const char *p = s;
    while (p && *p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l) {
            v[k++] = w;
            memcpy(w, "shots.", 6);
            memcpy(w + 6, p, l);
            w[6 + l] = 0;
            w += 7 + l;
        }
        p = e ? e + 1 : NULL;
    }
    v[k] = NULL;
    return v;
}

static int run_shots(const RsGlobal *g, void *o, int argc, char **argv)
{
    const ShotsCliOpts *opts = o;
    static const char *const names[] = { "shots", NULL };
    char **sets = prefixed_sets(opts->set);
    if (!sets)
        return cli_fail(RS_ENOMEM, "shots") ? 1 : 1;
    RsEngineSettings es;
    rs_engine_default_settings(&es);
    es.threads = 0;
    es.decode_threads = (int)opts->decode_threads;
    es.analyzers = names;
    es.options = (const char *const *)sets;
    if (rs_engine_check_settings(&es) < 0) {
        fprintf(stderr, "rushes shots: %s\n", rs_error_message());
        free(sets);
        return 2;
    }
    RsJson j = { .pretty = 1 };
    int failed = 0, ret = 0;
    rs_json_begin_array(&j, NULL);
    for (int i = 0; i < argc; i++) {
        RsClipAnalysis *a = NULL;
        int r = rs_engine_analyze(argv[i], &es, &a);
        if (r < 0) {
            cli_fail(r, argv[i]);
            failed++;
            ret = r;
            continue;
        }
        const char *summary = a->nb_results ? a->results[0].summary_json : "{}";
        if (g->json) {
            rs_json_begin_object(&j, NULL);
            rs_json_string(&j, "file", argv[i]);
            rs_json_raw(&j, "shots", summary);
            rs_json_end_object(&j);
        } else if (!g->quiet) {
            /* Without --json the summary is still the most exact description; one line per file. */
            printf("%s\t%s\n", argv[i], summary);
        }
        rs_clip_analysis_free(&a);
    }
    rs_json_end_array(&j);
    char *s = rs_json_take(&j);
    if (g->json && s)
        cli_print_json(s);
    free(s);
    free(sets);
    return failed == 0 ? 0 : failed == argc ? rs_error_exit_code(ret) : 1;
}

const RsVerb cli_verb_shots = {
    .name = "shots",
    .summary = "find shot boundaries: cuts, dissolves, wipes, fades (doc/shots.md)",
    .usage = "FILE...",
    .description = "Runs the shots analyzer alone over each file and prints its boundaries (type, first and\n"
                   "last frame, PTS, timecode, confidence) and shot list. See doc/shots.md.",
    .options = shots_cli_options,
    .options_size = sizeof(ShotsCliOpts),
    .min_args = 1,
    .max_args = -1,
    .run = run_shots,
};
