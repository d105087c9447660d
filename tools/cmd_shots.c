/* rushes shots: shot boundaries of files, through the one-pass engine's shots analyzer alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/analyze.h"
#include "rushes/error.h"
#include "rushes/interchange.h"
#include "rushes/media.h"
#include "rushes/thumbs.h"

typedef struct ShotsCliOpts {
    const char *set;
    int64_t decode_threads;
    const char *format;
    const char *out_dir;
    const char *record_start;
    const char *reel;
    const char *thumbs;
} ShotsCliOpts;

static const RsOption shots_cli_options[] = {
    { "set", "comma-separated shots options, e.g. cut_threshold=0.3,flash_frames=4 (see analyze --list)",
      RS_OPT_STRING, offsetof(ShotsCliOpts, set), .metavar = "OPT=V,..." },
    { "decode-threads", "decoder threads (0 = one per core)", RS_OPT_INT,
      offsetof(ShotsCliOpts, decode_threads), .def.i = 0, .min = 0, .max = 64 },
    { "format", "output: the analyzer's summary (json), or a shot list as edl, otio, csv, ale or markers", RS_OPT_CHOICE,
      offsetof(ShotsCliOpts, format), .def.s = "json", .choices = "json|edl|otio|csv|ale|markers", .short_name = 'f' },
    { "out-dir", "write each file's list to DIR/<clip>.<format> instead of stdout", RS_OPT_STRING,
      offsetof(ShotsCliOpts, out_dir), .metavar = "DIR", .short_name = 'o' },
    { "record-start", "EDL/OTIO record timecode of the first event (in the clip's own format)", RS_OPT_STRING,
      offsetof(ShotsCliOpts, record_start), .def.s = "01:00:00:00", .metavar = "TC" },
    { "reel", "reel name for the EDL/OTIO (default: the media's reel metadata, else the clip name)",
      RS_OPT_STRING, offsetof(ShotsCliOpts, reel), .metavar = "NAME" },
    { "thumbs", "also write first/middle/last frame JPEGs of every shot and a contact sheet into DIR",
      RS_OPT_STRING, offsetof(ShotsCliOpts, thumbs), .metavar = "DIR" },
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

/* The shot list of one analysed clip in the asked format; the text is the caller's. */
static int export_list(const ShotsCliOpts *o, const char *path, const char *summary, char **text)
{
    const char *reel = o->reel;
    RsMediaInfo *info = NULL;
    if (rs_media_probe(path, &info) < 0)
        info = NULL;
    if (!reel && info && info->reel[0])
        reel = info->reel;
    RsShotList *l = NULL;
    RsEdit *e = NULL;
    int ret = rs_shotlist_from_summary(summary, path, reel, &l);
    if (ret >= 0 && info && info->nb_video > 0) {
        l->width = info->video[0].width;
        l->height = info->video[0].height;
    }
    if (ret >= 0 && !strcmp(o->format, "csv")) {
        ret = rs_shots_csv_write(l, text);
    } else if (ret >= 0 && !strcmp(o->format, "ale")) {
        ret = rs_ale_write(l, text);
    } else if (ret >= 0 && !strcmp(o->format, "markers")) {
        ret = rs_markers_write(l, NULL, text);
    } else if (ret >= 0) {
        /* A drop-frame clip is laid out on a drop-frame record: "01:00:00:00" is read either way. */
        char tc[RS_TC_BUFSZ];
        int64_t rec = 0;
        snprintf(tc, sizeof(tc), "%s", o->record_start);
        if (l->tc.drop && strlen(tc) == 11)
            tc[8] = ';';
        ret = rs_timecode_to_frames(&l->tc, tc, &rec);
        if (ret >= 0)
            ret = rs_edit_from_shots(l, NULL, rec, &e);
        if (ret >= 0)
            ret = !strcmp(o->format, "edl") ? rs_edl_write(e, text) : rs_otio_write(e, text);
    }
    rs_edit_free(&e);
    rs_shotlist_free(&l);
    rs_media_info_free(&info);
    return ret;
}

static int thumbnails(const ShotsCliOpts *o, const char *path, const char *summary)
{
    RsShotList *l = NULL;
    RsThumbSettings ts;
    rs_thumb_default_settings(&ts);
    int ret = rs_shotlist_from_summary(summary, path, NULL, &l);
    if (ret >= 0)
        ret = rs_shot_thumbnails(path, l, o->thumbs, &ts);
    rs_shotlist_free(&l);
    return ret;
}

static int emit(const ShotsCliOpts *o, const char *path, const char *text)
{
    if (!o->out_dir) {
        fputs(text, stdout);
        return 0;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(o->out_dir) + strlen(base) + 8;
    char *name = malloc(n);
    if (!name)
        return RS_ENOMEM;
    snprintf(name, n, "%s/%s.%s", o->out_dir, base, o->format);
    FILE *f = fopen(name, "wb");
    int ret = 0;
    if (!f || fputs(text, f) < 0)
        ret = rs_error(RS_EIO, "%s: cannot write", name);
    if (f && fclose(f) && !ret)
        ret = rs_error(RS_EIO, "%s: cannot write", name);
    free(name);
    return ret;
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
        if (opts->thumbs && (r = thumbnails(opts, argv[i], summary)) < 0) {
            cli_fail(r, argv[i]);
            failed++;
            ret = r;
        }
        if (strcmp(opts->format, "json")) {
            char *text = NULL;
            r = export_list(opts, argv[i], summary, &text);
            if (r >= 0)
                r = emit(opts, argv[i], text);
            free(text);
            if (r < 0) {
                cli_fail(r, argv[i]);
                failed++;
                ret = r;
            }
        } else if (g->json) {
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
    if (g->json && s && !strcmp(opts->format, "json"))
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
