/*
 * Clean-up of project footage: the clean-up library (src/cleanup) knows
 * pixels; this file adds the project's rules around it: role and consent
 * before a frame is read, an audit entry after, a signed manifest on the
 * render.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_internal.h"
#include "cleanup/params.h"
#include "core/json.h"
#include "jobs/job_trust.h"
#include "rushes/cleanup.h"
#include "rushes/error.h"
#include "rushes/hash.h"
#include "rushes/jobs.h"

int rs_project_clip_by_path(RsCatalog *c, const char *path, int64_t *clip_id)
{
    char real[PATH_MAX];
    *clip_id = 0;
    if (!realpath(path, real))
        return rs_error(-errno, "%s: %s", path, strerror(errno));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT clip.id FROM clip JOIN file ON file.id = clip.file_id"
                                  " JOIN roll ON roll.id = file.roll_id"
                                  " WHERE roll.source_path || '/' || coalesce(clip.media_path, file.rel_path) = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return rs_catalog_error(c, "finding a clip by path");
    sqlite3_bind_text(st, 1, real, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        *clip_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int audit_render(RsCatalog *c, const RsActor *actor, int64_t clip_id, const RsCleanJob *job,
                        const RsConsentDecision *why, const char *out_hash, const char *result)
{
    RsJson o = { 0 };
    rs_json_begin_array(&o, NULL);
    if (out_hash) {
        rs_json_begin_object(&o, NULL);
        rs_json_string(&o, "path", job->output);
        rs_json_string(&o, "hash", out_hash);
        rs_json_end_object(&o);
    }
    rs_json_end_array(&o);
    char *outputs = rs_json_take(&o);
    int ret = rs_catalog_begin(c);
    if (ret >= 0)
        ret = rs_job_audit_clip(c, actor, "cleanup", clip_id, NULL, why, result);
    if (ret >= 0 && outputs && out_hash) {
        /* The render is a second entry so the first keeps the same shape as analysis entries. */
        RsAuditEntry e = { .action = "cleanup.render", .target = job->output, .outputs = outputs, .result = "ok" };
        ret = rs_audit_append(c, actor, &e);
    }
    if (ret >= 0)
        ret = rs_catalog_commit(c);
    else
        rs_catalog_rollback(c);
    free(outputs);
    return ret;
}

int rs_clean_project_file(RsCatalog *c, const RsActor *actor, const RsCleanJob *job, RsCleanStats *stats)
{
    if (!actor)
        return rs_error(RS_EDENIED, "%s: clean-up needs an actor", job->input);
    /* The signed manifest covers one output file; refused before any work rather than after the render. */
    if (job->output && strchr(job->output, '%'))
        return rs_error(RS_EUNSUP, "%s: a project render is signed as one file: write .mkv or .mov (picture "
                        "sequences are written by cleans outside a project)", job->output);
    int64_t clip_id;
    int ret = rs_project_clip_by_path(c, job->input, &clip_id);
    if (ret < 0)
        return ret;
    if (!clip_id)
        return rs_error(RS_EDENIED, "%s is not footage of the project in %s (ingest it first, or clean it outside "
                        "a project)", job->input, rs_catalog_dir(c));
    RsConsentDecision why;
    ret = rs_trust_authorize(c, actor, RS_USE_CLEANUP, clip_id, &why);
    if (ret < 0 || !why.allowed) {
        char reason[sizeof(why.reason)];
        snprintf(reason, sizeof(reason), "%s", why.reason[0] ? why.reason : rs_error_message());
        audit_render(c, actor, clip_id, job, &why, NULL, "refused");
        return rs_error(RS_EDENIED, "%s", reason);
    }
    ret = rs_clean_file(job, stats);
    if (ret < 0) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "failed: %s", rs_error_message());
        audit_render(c, actor, clip_id, job, &why, NULL, msg);
        return rs_error(ret, "%s", msg + 8);
    }

    /* Sign the render: the clip by its ingest hash and the mask by SHA-256 are its ingredients. */
    char out_hex[RS_HASH_HEX_MAX], in_hash[RS_HASH_HEX_MAX + 16] = "", out_hash[RS_HASH_HEX_MAX + 16];
    char mask_hex[RS_HASH_HEX_MAX], mask_hash[RS_HASH_HEX_MAX + 16];
    uint64_t size;
    if ((ret = rs_hash_file(job->output, RS_HASH_XXH64, out_hex, &size)) < 0)
        return ret;
    snprintf(out_hash, sizeof(out_hash), "xxh64:%s", out_hex);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT file.hash_algo || ':' || file.hash FROM clip JOIN file"
                                  " ON file.id = clip.file_id WHERE clip.id = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, clip_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(in_hash, sizeof(in_hash), "%s", sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    RsManifestItem items[2] = { { job->input, in_hash } };
    int nitems = 1;
    if (job->mask && rs_hash_file(job->mask, RS_HASH_SHA1, mask_hex, &size) >= 0) {
        snprintf(mask_hash, sizeof(mask_hash), "sha1:%s", mask_hex);
        items[nitems++] = (RsManifestItem){ job->mask, mask_hash };
    }
    RsJson p = { 0 };
    rs_json_begin_object(&p, NULL);
    /* The codec the job chose: the one asked for, else ProRes for .mov and FFV1 for .mkv. */
    const size_t olen = strlen(job->output);
    const char *codec = job->codec && *job->codec ? job->codec
                        : olen > 4 && !strcasecmp(job->output + olen - 4, ".mov") ? "prores" : "ffv1";
    rs_clean_write_parameters(&p, job, codec);
    rs_json_end_object(&p);
    char *params = rs_json_take(&p);
    RsManifestInfo mi = { .operation = "cleanup.render", .c2pa_action = "c2pa.edited", .params = params,
                          .inputs = items, .nb_inputs = nitems, .consents = why.records,
                          .nb_consents = why.nb_records };
    ret = params ? rs_manifest_write(c, actor, job->output, &mi) : RS_ENOMEM;
    free(params);
    if (ret >= 0)
        ret = audit_render(c, actor, clip_id, job, &why, out_hash, "ok");
    return ret;
}
