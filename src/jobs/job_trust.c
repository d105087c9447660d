/*
 * Trust records written by the jobs. An ingest run is one audit entry whose
 * inputs are the files it hashed and whose output is the ASC MHL generation
 * it wrote; that generation also gets a signed manifest. An analysed or
 * refused clip is one entry naming its file by hash and the consent relied on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "core/json.h"
#include "jobs/job_trust.h"
#include "trust/trust_internal.h"
#include "rushes/error.h"
#include "rushes/log.h"

int rs_job_audit_clip(RsCatalog *c, const RsActor *actor, const char *action, int64_t clip_id,
                      const char *analyzers_json, const RsConsentDecision *why, const char *result)
{
    sqlite3_stmt *st;
    RsJson in = { 0 }, par = { 0 };
    char target[600] = "";
    rs_json_begin_array(&in, NULL);
    if (sqlite3_prepare_v2(c->db, "SELECT roll.name || '/' || file.rel_path, file.hash_algo || ':' || file.hash"
                                  " FROM clip JOIN file ON file.id = clip.file_id JOIN roll ON roll.id = file.roll_id"
                                  " WHERE clip.id = ?", -1, &st, NULL) != SQLITE_OK)
        return rs_catalog_error(c, "auditing a clip");
    sqlite3_bind_int64(st, 1, clip_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(target, sizeof(target), "%s", (const char *)sqlite3_column_text(st, 0));
        rs_json_begin_object(&in, NULL);
        rs_json_string(&in, "path", target);
        rs_json_string(&in, "hash", (const char *)sqlite3_column_text(st, 1));
        rs_json_end_object(&in);
    }
    sqlite3_finalize(st);
    rs_json_end_array(&in);
    rs_json_begin_object(&par, NULL);
    rs_json_int(&par, "clip_id", clip_id);
    if (analyzers_json)
        rs_json_raw(&par, "analyzers", analyzers_json);
    rs_json_begin_array(&par, "consents");
    for (int i = 0; why && i < why->nb_records; i++)
        rs_json_int(&par, NULL, why->records[i]);
    rs_json_end_array(&par);
    rs_json_end_object(&par);
    char *inputs = rs_json_take(&in), *params = rs_json_take(&par);
    RsAuditEntry e = { .action = action, .target = target, .inputs = inputs, .params = params, .result = result };
    int ret = inputs && params ? rs_audit_append(c, actor, &e) : RS_ENOMEM;
    free(inputs);
    free(params);
    return ret;
}

/* The run's files as audit inputs (JSON into j) and manifest ingredients (*items, strings owned). */
static int run_inputs(RsCatalog *c, int64_t run_id, int64_t roll_id, RsJson *j, RsManifestItem **items, int *n)
{
    sqlite3_stmt *st;
    *items = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT rel_path, hash_algo || ':' || hash FROM file WHERE roll_id = ?"
                                  " AND last_run = ? ORDER BY rel_path", -1, &st, NULL) != SQLITE_OK)
        return rs_catalog_error(c, "listing the run's files");
    sqlite3_bind_int64(st, 1, roll_id);
    sqlite3_bind_int64(st, 2, run_id);
    int cap = 0, ret = 0;
    rs_json_begin_array(j, NULL);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0), *hash = (const char *)sqlite3_column_text(st, 1);
        rs_json_begin_object(j, NULL);
        rs_json_string(j, "path", path);
        rs_json_string(j, "hash", hash);
        rs_json_end_object(j);
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            RsManifestItem *v = realloc(*items, (size_t)cap * sizeof(*v));
            if (!v) {
                ret = RS_ENOMEM;
                break;
            }
            *items = v;
        }
        (*items)[*n].path = strdup(path);
        (*items)[*n].hash = strdup(hash);
        if (!(*items)[*n].path || !(*items)[*n].hash) {
            free((char *)(*items)[*n].path);
            free((char *)(*items)[*n].hash);
            ret = RS_ENOMEM;
            break;
        }
        (*n)++;
    }
    sqlite3_finalize(st);
    rs_json_end_array(j);
    return ret;
}

int rs_job_audit_ingest(RsCatalog *c, const RsIngestSettings *s, const char *root, int64_t run_id, int64_t roll_id,
                        const RsIngestReport *rep, int result)
{
    RsJson in = { 0 }, out = { 0 }, par = { 0 };
    RsManifestItem *items = NULL;
    int n = 0;
    int ret = run_inputs(c, run_id, roll_id, &in, &items, &n);
    rs_json_begin_object(&par, NULL);
    rs_json_int(&par, "run", run_id);
    rs_json_int(&par, "day", s->day);
    rs_json_string(&par, "camera", s->camera);
    rs_json_bool(&par, "sound", s->sound);
    rs_json_string(&par, "algo", s->algo ? s->algo : "xxh64");
    rs_json_int(&par, "files", rep->files);
    rs_json_int(&par, "new", rep->new_files);
    rs_json_int(&par, "verified", rep->verified);
    rs_json_int(&par, "mismatch", rep->mismatched);
    rs_json_int(&par, "missing", rep->missing);
    rs_json_end_object(&par);
    char *params = rs_json_take(&par);
    rs_json_begin_array(&out, NULL);
    if (ret >= 0 && rep->mhl_path[0] && params) {
        RsManifestInfo m = { .operation = "ingest.mhl", .c2pa_action = "c2pa.created", .params = params,
                             .inputs = items, .nb_inputs = n };
        ret = rs_manifest_write(c, s->actor, rep->mhl_path, &m);
        char hash[72];
        int64_t size;
        rs_json_begin_object(&out, NULL);
        rs_json_string(&out, "path", rep->mhl_path);
        rs_json_string(&out, "hash", ret >= 0 && rs_trust_sha256_file(rep->mhl_path, hash, &size) >= 0 ? hash : NULL);
        rs_json_end_object(&out);
    }
    rs_json_end_array(&out);
    char *inputs = rs_json_take(&in), *outputs = rs_json_take(&out);
    char res[300];
    snprintf(res, sizeof(res), "%s%s", result < 0 ? "failed: " : "ok", result < 0 ? rs_strerror(result) : "");
    RsAuditEntry e = { .action = "ingest", .target = root, .inputs = inputs, .outputs = outputs,
                       .params = params, .result = res };
    int aret = inputs && outputs && params ? rs_audit_append(c, s->actor, &e) : RS_ENOMEM;
    if (aret >= 0)
        aret = rs_audit_checkpoint(c);
    free(inputs);
    free(outputs);
    free(params);
    for (int i = 0; i < n; i++) {
        free((char *)items[i].path);
        free((char *)items[i].hash);
    }
    free(items);
    return ret < 0 ? ret : aret;
}
