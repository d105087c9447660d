#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "cli.h"
#include "rushes/error.h"

typedef struct LsOpts {
    int files;
    int64_t day;
} LsOpts;

static const RsOption ls_options[] = {
    { "files", "list every file with its hash and verification state, not only clips", RS_OPT_BOOL,
      offsetof(LsOpts, files) },
    { "day", "only this shoot day", RS_OPT_INT, offsetof(LsOpts, day), .def.i = 0, .min = 0, .max = 100000 },
    { NULL }
};

static const char clips_sql[] =
    "SELECT d.number AS day, r.name AS roll, r.kind AS roll_kind, coalesce(c.media_path, f.rel_path) AS file,"
    " c.kind, c.codec,"
    " c.width, c.height, c.rate_num, c.rate_den, c.frames, c.duration_us, c.start_tc, c.reel, c.camera,"
    " c.audio_channels, c.sample_rate, c.bwf_time_reference, f.status AS file_status, c.probe_error,"
    " c.scene, c.take,"
    " (SELECT group_concat(a.analyzer || ':' || a.status, ' ') FROM analysis a WHERE a.clip_id = c.id) AS analysis"
    " FROM clip c JOIN file f ON f.id = c.file_id JOIN roll r ON r.id = f.roll_id"
    " JOIN shoot_day d ON d.id = r.day_id WHERE (?1 = '0' OR d.number = CAST(?1 AS INTEGER))"
    " AND (?2 = '0' OR c.id IN (SELECT clip_id FROM vendor_clip WHERE user_id = CAST(?2 AS INTEGER)))"
    " ORDER BY d.number, r.name, f.rel_path";

static const char files_sql[] =
    "SELECT d.number AS day, r.name AS roll, f.rel_path AS file, f.size, f.hash_algo, f.hash, f.status,"
    " f.duplicate_of FROM file f JOIN roll r ON r.id = f.roll_id JOIN shoot_day d ON d.id = r.day_id"
    " WHERE (?1 = '0' OR d.number = CAST(?1 AS INTEGER)) AND (?2 = '0' OR f.id IN (SELECT clip.file_id"
    " FROM vendor_clip JOIN clip ON clip.id = vendor_clip.clip_id WHERE user_id = CAST(?2 AS INTEGER)))"
    " ORDER BY d.number, r.name, f.rel_path";

static int run_ls(const RsGlobal *g, void *o, int argc, char **argv)
{
    const LsOpts *opts = o;
    RsCatalog *c;
    int ret = cli_open_project(g, &c);
    if (ret < 0)
        return rs_error_exit_code(ret);
    /* A vendor sees only the clips assigned to it (doc/trust.md). */
    RsActor me;
    if ((ret = cli_actor(g, c, &me)) < 0 || (ret = rs_trust_require(&me, RS_OP_READ)) < 0) {
        if (me.user[0])
            cli_fail(ret, "ls");
        rs_catalog_close(&c);
        return rs_error_exit_code(ret);
    }
    char day[24], vendor[24];
    snprintf(day, sizeof(day), "%lld", (long long)opts->day);
    snprintf(vendor, sizeof(vendor), "%lld", me.role == RS_ROLE_VENDOR ? (long long)me.user_id : 0LL);
    const char *params[] = { day, vendor, NULL };
    if (g->json) {
        char *json = NULL;
        ret = rs_catalog_query_json(c, opts->files ? files_sql : clips_sql, params, &json);
        if (ret >= 0)
            cli_print_json(json);
        free(json);
        rs_catalog_close(&c);
        return ret < 0 ? cli_fail(ret, NULL), rs_error_exit_code(ret) : 0;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, opts->files ? files_sql : clips_sql, -1, &st, NULL) != SQLITE_OK) {
        ret = cli_fail(rs_catalog_error(c, "ls"), NULL);
        rs_catalog_close(&c);
        return rs_error_exit_code(ret);
    }
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, vendor, -1, SQLITE_STATIC);
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        rows++;
        if (opts->files) {
            printf("day %-3d %-12s %-44s %12lld %s:%s %s%s%s\n", sqlite3_column_int(st, 0),
                   sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                   (long long)sqlite3_column_int64(st, 3), sqlite3_column_text(st, 4), sqlite3_column_text(st, 5),
                   sqlite3_column_text(st, 6), sqlite3_column_type(st, 7) != SQLITE_NULL ? " duplicate of " : "",
                   sqlite3_column_type(st, 7) != SQLITE_NULL ? (const char *)sqlite3_column_text(st, 7) : "");
            continue;
        }
        const char *kind = (const char *)sqlite3_column_text(st, 4);
        char desc[160] = "";
        if (!strcmp(kind, "video"))
            snprintf(desc, sizeof(desc), "%s %dx%d %.3f fps %lld fr", sqlite3_column_text(st, 5),
                     sqlite3_column_int(st, 6), sqlite3_column_int(st, 7),
                     sqlite3_column_int64(st, 9) ? (double)sqlite3_column_int64(st, 8) / sqlite3_column_int64(st, 9) : 0,
                     (long long)sqlite3_column_int64(st, 10));
        else if (!strcmp(kind, "audio"))
            snprintf(desc, sizeof(desc), "%s %d ch %d Hz", sqlite3_column_text(st, 5), sqlite3_column_int(st, 15),
                     sqlite3_column_int(st, 16));
        else
            snprintf(desc, sizeof(desc), "not media: %s",
                     sqlite3_column_text(st, 19) ? (const char *)sqlite3_column_text(st, 19) : "");
        const char *tc = (const char *)sqlite3_column_text(st, 12);
        const char *an = (const char *)sqlite3_column_text(st, 22);
        const char *scene = (const char *)sqlite3_column_text(st, 20), *take = (const char *)sqlite3_column_text(st, 21);
        char slate[48] = "";
        if (scene || take)
            snprintf(slate, sizeof(slate), "%s/%s", scene ? scene : "-", take ? take : "-");
        printf("day %-3d %-12s %-40s %-11s %-7s %-44s %s%s\n", sqlite3_column_int(st, 0), sqlite3_column_text(st, 1),
               sqlite3_column_text(st, 3), tc ? tc : "-", slate, desc, sqlite3_column_text(st, 18),
               an ? "" : ", not analysed");
    }
    sqlite3_finalize(st);
    if (!rows && !g->quiet)
        printf("(nothing ingested yet: rushes ingest CARD --day N --camera A)\n");
    rs_catalog_close(&c);
    return 0;
}

const RsVerb cli_verb_ls = {
    .name = "ls",
    .summary = "list the project's clips (or files with --files)",
    .options = ls_options,
    .options_size = sizeof(LsOpts),
    .min_args = 0,
    .max_args = 0,
    .run = run_ls,
};
