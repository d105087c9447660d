#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"
#include "rushes/jobs.h"

typedef struct IngestOpts {
    int64_t day;
    const char *camera;
    int sound;
    const char *roll;
    const char *hash;
    int mhl;
} IngestOpts;

static const RsOption ingest_options[] = {
    { "day", "shoot day number", RS_OPT_INT, offsetof(IngestOpts, day), .def.i = 0, .min = 0, .max = 100000,
      .short_name = 'd' },
    { "camera", "the camera this card is from (A, B, ...)", RS_OPT_STRING, offsetof(IngestOpts, camera),
      .metavar = "NAME", .short_name = 'c' },
    { "sound", "this folder is from the sound recorder", RS_OPT_BOOL, offsetof(IngestOpts, sound) },
    { "roll", "roll name (default: the folder's name)", RS_OPT_STRING, offsetof(IngestOpts, roll),
      .metavar = "NAME" },
    { "hash", "checksum algorithm", RS_OPT_CHOICE, offsetof(IngestOpts, hash), .def.s = "xxh64",
      .choices = "xxh64|xxh3|xxh128|md5|sha1" },
    { "mhl", "write an ASC MHL generation (--no-mhl to skip)", RS_OPT_BOOL, offsetof(IngestOpts, mhl), .def.i = 1 },
    { NULL }
};

typedef struct IngestCtx {
    const RsGlobal *g;
    CliProgress prog;
    RsJson *json;
} IngestCtx;

static void on_file(void *opaque, const char *path, const char *status, const char *message)
{
    IngestCtx *x = opaque;
    int problem = strcmp(status, "new") && strcmp(status, "verified");
    if (x->json) {
        rs_json_begin_object(x->json, NULL);
        rs_json_string(x->json, "path", path);
        rs_json_string(x->json, "status", status);
        if (message && *message)
            rs_json_string(x->json, "message", message);
        rs_json_end_object(x->json);
    }
    if (problem) {
        if (x->prog.is_tty && x->g->progress)
            fputc('\n', stderr);
        fprintf(stderr, "rushes: ingest: %s: %s%s%s\n", status, path, message && *message ? ": " : "",
                message && *message ? message : "");
    } else if (x->g->verbose) {
        fprintf(stderr, "  %-8s %s\n", status, path);
    }
}

static void on_bytes(void *opaque, uint64_t done, uint64_t total)
{
    IngestCtx *x = opaque;
    /* Progress is shown in megabytes so the bar reads like a copy tool's. */
    cli_progress_update(&x->prog, (int64_t)(done >> 20), (int64_t)(total >> 20));
}

static int run_ingest(const RsGlobal *g, void *o, int argc, char **argv)
{
    const IngestOpts *opts = o;
    if (opts->day < 1) {
        fprintf(stderr, "rushes ingest: --day N is required (shoot days are numbered from 1)\n");
        return 2;
    }
    if (!!opts->sound == !!opts->camera) {
        fprintf(stderr, "rushes ingest: say either --camera NAME or --sound\n");
        return 2;
    }
    if (opts->roll && argc > 1) {
        fprintf(stderr, "rushes ingest: --roll names one card; ingest the cards one at a time to name each\n");
        return 2;
    }
    RsCatalog *c;
    int ret = cli_open_project(g, &c);
    if (ret < 0)
        return rs_error_exit_code(ret);
    RsActor actor;
    if ((ret = cli_actor(g, c, &actor)) < 0) {
        rs_catalog_close(&c);
        return rs_error_exit_code(ret);
    }
    RsJson j = { .pretty = 1 };
    IngestCtx x = { .g = g, .json = g->json ? &j : NULL };
    int worst = 0;
    if (g->json)
        rs_json_begin_array(&j, NULL);
    for (int i = 0; i < argc; i++) {
        RsIngestSettings s;
        rs_ingest_default_settings(&s);
        s.source = argv[i];
        s.day = opts->day;
        s.camera = opts->camera;
        s.sound = opts->sound;
        s.roll = opts->roll;
        s.algo = opts->hash;
        s.write_mhl = opts->mhl;
        s.on_file = on_file;
        s.progress = on_bytes;
        s.opaque = &x;
        s.actor = &actor;
        cli_progress_init(&x.prog, g, "ingest");
        x.prog.unit = "MB";
        if (g->json) {
            rs_json_begin_object(&j, NULL);
            rs_json_string(&j, "source", argv[i]);
            rs_json_begin_array(&j, "files");
        }
        RsIngestReport rep;
        int r = rs_ingest_job(c, &s, &rep);
        cli_progress_end(&x.prog);
        if (r < 0)
            cli_fail(r, "ingest");
        if (r < 0 && (worst == 0 || rs_error_exit_code(r) > rs_error_exit_code(worst)))
            worst = r;
        if (g->json) {
            rs_json_end_array(&j);
            rs_json_int(&j, "run", rep.run_id);
            rs_json_bool(&j, "resumed", rep.resumed);
            rs_json_int(&j, "files", rep.files);
            rs_json_int(&j, "new", rep.new_files);
            rs_json_int(&j, "verified", rep.verified);
            rs_json_int(&j, "mismatch", rep.mismatched);
            rs_json_int(&j, "missing", rep.missing);
            rs_json_int(&j, "error", rep.errors);
            rs_json_int(&j, "duplicates", rep.duplicates);
            rs_json_int(&j, "clips", rep.clips);
            rs_json_int(&j, "unreadable", rep.unreadable);
            rs_json_int(&j, "bytes_hashed", (int64_t)rep.bytes_hashed);
            rs_json_string(&j, "mhl", rep.mhl_path[0] ? rep.mhl_path : NULL);
            rs_json_int(&j, "exit_code", rs_error_exit_code(r));
            if (r < 0)
                rs_json_string(&j, "error", rs_error_message());
            rs_json_end_object(&j);
        } else if (!g->quiet) {
            printf("%s: %d files (%d new, %d verified, %d changed, %d missing, %d unreadable, %d duplicates), "
                   "%d clips%s%s\n",
                   argv[i], rep.files, rep.new_files, rep.verified, rep.mismatched, rep.missing, rep.errors,
                   rep.duplicates, rep.clips, rep.mhl_path[0] ? "; MHL " : "", rep.mhl_path);
            if (rep.resumed)
                printf("  resumed an interrupted ingest: %d files were already done\n", rep.resumed_files);
        }
    }
    if (g->json) {
        rs_json_end_array(&j);
        char *s = rs_json_take(&j);
        if (s)
            cli_print_json(s);
        free(s);
    }
    rs_catalog_close(&c);
    return rs_error_exit_code(worst);
}

const RsVerb cli_verb_ingest = {
    .name = "ingest",
    .summary = "register a shoot day's card or sound folder, verified by checksum (ASC MHL)",
    .usage = "CARD_OR_FOLDER...",
    .description = "Hashes every file, verifies it against the card's ASC MHL history and the project\n"
                   "store, writes a new MHL generation (on the card, or in the project when the card is\n"
                   "read-only) and reads each clip's metadata. Running it again on the same card verifies\n"
                   "it; a changed file is reported (exit 4), never replaced. A killed ingest resumes.",
    .options = ingest_options,
    .options_size = sizeof(IngestOpts),
    .min_args = 1,
    .max_args = -1,
    .run = run_ingest,
};
