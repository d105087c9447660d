/* The analyze job: every clip that lacks current results, one decode each. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/engine_internal.h"
#include "catalog/catalog_internal.h"
#include "core/json.h"
#include "jobs/job_trust.h"
#include "rushes/error.h"
#include "rushes/jobs.h"
#include "rushes/log.h"

void rs_analyze_job_default_settings(RsAnalyzeJobSettings *s)
{
    memset(s, 0, sizeof(*s));
    rs_engine_default_settings(&s->engine);
}

static int put_series(RsCatalog *c, int64_t analysis_id, const RsSeries *se)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "INSERT INTO series VALUES (?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
        return rs_catalog_error(c, "storing a series");
    size_t el = se->desc->type == RS_SERIES_U64 ? 8 : 4;
    sqlite3_bind_int64(st, 1, analysis_id);
    sqlite3_bind_text(st, 2, se->desc->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, se->desc->type == RS_SERIES_U64 ? "u64" : "f32", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, se->count);
    sqlite3_bind_blob64(st, 5, se->data ? se->data : "", (sqlite3_uint64)(el * (size_t)se->count), SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : rs_catalog_error(c, "storing a series");
}

static char *decode_json(const RsDecodeStats *d)
{
    RsJson j = { 0 };
    rs_json_begin_object(&j, NULL);
    rs_json_int(&j, "video_frames", d->video_frames);
    rs_json_int(&j, "audio_samples", d->audio_samples);
    rs_json_int(&j, "decode_errors", d->decode_errors);
    rs_json_int(&j, "corrupt_frames", d->corrupt_frames);
    rs_json_bool(&j, "truncated", d->truncated);
    rs_json_end_object(&j);
    return rs_json_take(&j);
}

static int record_analysis(RsCatalog *c, int64_t clip_id, const char *analyzer, int version,
                           const char *params, const char *status, int64_t frames, const char *summary,
                           const char *error, int64_t *id)
{
    sqlite3_stmt *st;
    char now[32];
    rs_utc_now(now);
    if (sqlite3_prepare_v2(c->db, "DELETE FROM analysis WHERE clip_id = ? AND analyzer = ?", -1, &st, NULL) != SQLITE_OK)
        return rs_catalog_error(c, "replacing an analysis");
    sqlite3_bind_int64(st, 1, clip_id);
    sqlite3_bind_text(st, 2, analyzer, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return rs_catalog_error(c, "replacing an analysis");
    if (sqlite3_prepare_v2(c->db, "INSERT INTO analysis (clip_id, analyzer, version, params, status, frames,"
                                  " summary, error, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return rs_catalog_error(c, "storing an analysis");
    sqlite3_bind_int64(st, 1, clip_id);
    sqlite3_bind_text(st, 2, analyzer, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, version);
    sqlite3_bind_text(st, 4, params, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    if (frames >= 0)
        sqlite3_bind_int64(st, 6, frames);
    sqlite3_bind_text(st, 7, summary, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, error, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return rs_catalog_error(c, "storing an analysis");
    *id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

/* Write one clip's results inside the caller's transaction. */
static int store_analysis(RsCatalog *c, int64_t clip_id, const RsClipAnalysis *a)
{
    int ret = 0;
    sqlite3_stmt *st;
    char *dj = decode_json(&a->decode);
    if (!dj) {
        ret = RS_ENOMEM;
        goto fail;
    }
    if (sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO clip_frames VALUES (?, ?, ?, ?, ?, ?)", -1, &st,
                           NULL) != SQLITE_OK) {
        free(dj);
        ret = rs_catalog_error(c, "storing frame timestamps");
        goto fail;
    }
    sqlite3_bind_int64(st, 1, clip_id);
    sqlite3_bind_int64(st, 2, a->frames);
    sqlite3_bind_int64(st, 3, a->time_base.num);
    sqlite3_bind_int64(st, 4, a->time_base.den);
    sqlite3_bind_blob64(st, 5, a->pts ? (const void *)a->pts : "", (sqlite3_uint64)a->frames * 8, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, dj, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    free(dj);
    if (rc != SQLITE_DONE) {
        ret = rs_catalog_error(c, "storing frame timestamps");
        goto fail;
    }
    for (int i = 0; i < a->nb_results; i++) {
        const RsAnalyzerResult *r = &a->results[i];
        int64_t id;
        if ((ret = record_analysis(c, clip_id, r->analyzer->name, r->analyzer->version, r->params_json,
                                   "complete", a->frames, r->summary_json, NULL, &id)) < 0)
            goto fail;
        for (int k = 0; k < r->nb_series; k++)
            if ((ret = put_series(c, id, &r->series[k])) < 0)
                goto fail;
    }
fail:
    return ret;
}

int rs_catalog_store_analysis(RsCatalog *c, int64_t clip_id, const RsClipAnalysis *a)
{
    int ret = rs_catalog_begin(c);
    if (ret < 0)
        return ret;
    if ((ret = store_analysis(c, clip_id, a)) < 0) {
        rs_catalog_rollback(c);
        return ret;
    }
    return rs_catalog_commit(c);
}

/*
 * The results and their audit entry in one transaction: a crash leaves
 * either both or neither, so the log never misses an analysis that happened.
 */
static int store_audited(RsCatalog *c, const RsActor *actor, int64_t clip_id, const RsClipAnalysis *a,
                         const char *analyzers, const RsConsentDecision *why)
{
    int ret = rs_catalog_begin(c);
    if (ret < 0)
        return ret;
    if ((ret = store_analysis(c, clip_id, a)) < 0 ||
        (ret = rs_job_audit_clip(c, actor, "analysis", clip_id, analyzers, why, "ok")) < 0) {
        rs_catalog_rollback(c);
        return ret;
    }
    return rs_catalog_commit(c);
}

typedef struct Todo {
    int64_t clip_id;
    char *path;
    int has_video, has_audio;
} Todo;

static int applicable(const RsAnalyzer *a, const Todo *t);

/* 1 when the clip already has a current complete result for every selected analyzer that applies to it. */
static int is_current(RsCatalog *c, const Todo *t, const RsAnalyzerSetup *setup, int n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT version, params FROM analysis WHERE clip_id = ? AND analyzer = ?"
                                  " AND status = 'complete'", -1, &st, NULL) != SQLITE_OK)
        return 0;
    int current = 1;
    for (int i = 0; i < n && current; i++) {
        if (!applicable(setup[i].analyzer, t))
            continue;
        char *params = rs_options_json(setup[i].analyzer->options, setup[i].opts);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, t->clip_id);
        sqlite3_bind_text(st, 2, setup[i].analyzer->name, -1, SQLITE_STATIC);
        current = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == setup[i].analyzer->version &&
                  params && !strcmp((const char *)sqlite3_column_text(st, 1), params);
        free(params);
    }
    sqlite3_finalize(st);
    return current;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int list_clips(RsCatalog *c, Todo **out, int *count)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT clip.id, roll.source_path || '/' || coalesce(clip.media_path, file.rel_path), clip.kind,"
                      " clip.audio_channels"
                      " FROM clip JOIN file ON file.id = clip.file_id JOIN roll ON roll.id = file.roll_id"
                      " WHERE file.status = 'ok' AND clip.kind != 'none' ORDER BY clip.id";
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        return rs_catalog_error(c, "listing clips");
    Todo *v = NULL;
    int n = 0, cap = 0, ret = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            Todo *nv = realloc(v, (size_t)cap * sizeof(*nv));
            if (!nv) {
                ret = RS_ENOMEM;
                break;
            }
            v = nv;
        }
        v[n].clip_id = sqlite3_column_int64(st, 0);
        v[n].path = strdup((const char *)sqlite3_column_text(st, 1));
        v[n].has_video = !strcmp((const char *)sqlite3_column_text(st, 2), "video");
        v[n].has_audio = sqlite3_column_int(st, 3) > 0;
        if (!v[n].path) {
            ret = RS_ENOMEM;
            break;
        }
        n++;
    }
    sqlite3_finalize(st);
    *out = v;
    *count = n;
    return ret;
}

/* The analyzers of the selection that apply to a clip: video analyzers need a picture, audio ones sound. */
static int applicable(const RsAnalyzer *a, const Todo *t)
{
    if (a->needs & (RS_NEED_LUMA | RS_NEED_CHROMA | RS_NEED_REDUCED))
        return t->has_video;
    if (a->needs & RS_NEED_AUDIO)
        return t->has_audio;
    return 1;
}

/* The analyzers run on a clip, as a JSON array for the audit log. */
static void analyzer_list(const char *const *names, int n, char *out, size_t size)
{
    RsJson j = { 0 };
    rs_json_begin_array(&j, NULL);
    for (int i = 0; i < n; i++)
        rs_json_string(&j, NULL, names[i]);
    rs_json_end_array(&j);
    char *s = rs_json_take(&j);
    snprintf(out, size, "%s", s ? s : "[]");
    free(s);
}

int rs_analyze_job(RsCatalog *c, const RsAnalyzeJobSettings *s, RsAnalyzeJobReport *report)
{
    RsAnalyzerSetup *setup = NULL;
    int nsetup = 0;
    memset(report, 0, sizeof(*report));
    int ret = rs_trust_require(s->actor, RS_OP_ANALYZE);
    if (ret < 0 || (ret = rs_engine_setup(&s->engine, &setup, &nsetup)) < 0)
        return ret;
    Todo *todo = NULL;
    int ntodo = 0;
    if ((ret = list_clips(c, &todo, &ntodo)) < 0)
        goto end;

    for (int i = 0; i < ntodo; i++) {
        const Todo *t = &todo[i];
        const char *names[64];
        const char **opts = NULL;
        int nnames = 0;
        for (int k = 0; k < nsetup && nnames < 63; k++)
            if (applicable(setup[k].analyzer, t))
                names[nnames++] = setup[k].analyzer->name;
        names[nnames] = NULL;
        if (!nnames || (!s->force && is_current(c, t, setup, nsetup))) {
            report->clips_skipped++;
            continue;
        }
        /* The gate: role, vendor assignment and every subject's consent, before a frame is read. */
        RsConsentDecision why;
        char anames[1024];
        analyzer_list(names, nnames, anames, sizeof(anames));
        int r = rs_trust_authorize(c, s->actor, RS_USE_ANALYSIS, t->clip_id, &why);
        if (r == RS_EDENIED) {
            char reason[1200];
            snprintf(reason, sizeof(reason), "refused: %s", why.reason);
            if ((ret = rs_job_audit_clip(c, s->actor, "analysis", t->clip_id, anames, &why, reason)) < 0)
                goto end;
            rs_error(RS_EDENIED, "%s", why.reason);
            if (s->on_clip_done)
                s->on_clip_done(s->opaque, t->path, RS_EDENIED, 0, 0);
            report->clips_refused++;
            continue;
        }
        if (r < 0) {
            ret = r;
            goto end;
        }
        /* Keep only the overrides that name an analyzer applicable to this clip. */
        int nopt = 0;
        while (s->engine.options && s->engine.options[nopt])
            nopt++;
        opts = calloc((size_t)nopt + 1, sizeof(*opts));
        if (!opts) {
            ret = RS_ENOMEM;
            goto end;
        }
        for (int k = 0, m = 0; k < nopt; k++)
            for (int a = 0; a < nnames; a++) {
                size_t len = strlen(names[a]);
                if (!strncmp(s->engine.options[k], names[a], len) && s->engine.options[k][len] == '.')
                    opts[m++] = s->engine.options[k];
            }
        RsEngineSettings es = s->engine;
        es.analyzers = names;
        es.options = opts;
        if (s->on_clip)
            s->on_clip(s->opaque, i, ntodo, t->path);
        double t0 = now_s();
        RsClipAnalysis *a = NULL;
        r = rs_engine_analyze(t->path, &es, &a);
        if (r >= 0)
            r = store_audited(c, s->actor, t->clip_id, a, anames, &why);
        if (r < 0 && r != RS_ESTORE) {
            /* Record the failure per analyzer so `rushes ls` shows it; the batch goes on. */
            char msg[1024];
            snprintf(msg, sizeof(msg), "%s", rs_error_message());
            if (rs_catalog_begin(c) >= 0) {
                int64_t id;
                int ok = 1;
                for (int k = 0; k < nnames && ok; k++) {
                    const RsAnalyzer *an = rs_analyzer_find(names[k]);
                    ok = record_analysis(c, t->clip_id, an->name, an->version, "{}", "failed", -1, NULL, msg,
                                         &id) >= 0;
                }
                if (ok)
                    rs_catalog_commit(c);
                else
                    rs_catalog_rollback(c);
            }
            rs_error(r, "%s", msg);
        }
        if (s->on_clip_done)
            s->on_clip_done(s->opaque, t->path, r, a ? a->frames : 0, now_s() - t0);
        if (r >= 0) {
            report->clips_done++;
            report->frames += a->frames;
        } else {
            report->clips_failed++;
            rs_log(RS_LOG_WARNING, "%s", rs_error_message());
        }
        rs_clip_analysis_free(&a);
        free(opts);
        if (r < 0 && r != RS_ESTORE) {
            char res[600];
            snprintf(res, sizeof(res), "failed: %s", rs_error_message());
            int ar = rs_job_audit_clip(c, s->actor, "analysis", t->clip_id, anames, &why, res);
            if (ar < 0)
                r = ar;
        }
        if (r == RS_ESTORE) {
            ret = r;
            goto end;
        }
    }
    ret = report->clips_failed ? rs_error(RS_EPARTIAL, "%d of %d clips failed to analyse", report->clips_failed,
                                          report->clips_failed + report->clips_done)
        : report->clips_refused ? rs_error(RS_EDENIED, "%d clip(s) refused for lack of consent or assignment",
                                           report->clips_refused)
                               : 0;
end:
    if (ntodo) {
        /* Sign what this job appended; keep the job's own error message. */
        char saved[1024];
        snprintf(saved, sizeof(saved), "%s", rs_error_message());
        int cr = rs_audit_checkpoint(c);
        if (cr < 0 && ret >= 0)
            ret = cr;
        else if (ret < 0)
            rs_error(ret, "%s", saved);
    }
    for (int i = 0; i < ntodo; i++)
        free(todo[i].path);
    free(todo);
    rs_engine_setup_free(&setup, nsetup);
    return ret;
}
