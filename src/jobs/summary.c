/* The project summary: what was shot, what was verified, what to look at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "core/json.h"
#include "rushes/error.h"
#include "rushes/jobs.h"

static int64_t scalar(RsCatalog *c, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = 0;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

#define FROM_CLIP " FROM clip c JOIN file f ON f.id = c.file_id JOIN roll r ON r.id = f.roll_id"

/*
 * Each finding query yields: severity, kind, roll, file, start frame, end
 * frame, message; they are listed most severe first.
 */
static const char *const finding_sql[] = {
    "SELECT 'error', 'checksum_' || f.status, r.name, f.rel_path, NULL, NULL,"
    " CASE f.status WHEN 'mismatch' THEN 'content changed since it was first hashed (' || f.hash_algo || ' '"
    "  || f.hash || ')' WHEN 'missing' THEN 'missing from the card since it was ingested'"
    "  ELSE 'could not be read' END"
    " FROM file f JOIN roll r ON r.id = f.roll_id WHERE f.status != 'ok'",
    "SELECT 'error', 'unreadable', r.name, coalesce(c.media_path, f.rel_path), NULL, NULL, c.probe_error" FROM_CLIP
    " WHERE c.kind = 'none' AND c.probe_error IS NOT NULL",
    "SELECT 'error', 'analysis_failed', r.name, coalesce(c.media_path, f.rel_path), NULL, NULL, a.analyzer || ': ' || a.error" FROM_CLIP
    " JOIN analysis a ON a.clip_id = c.id WHERE a.status = 'failed'",
    "SELECT 'warning', 'decode_damage', r.name, coalesce(c.media_path, f.rel_path), NULL, NULL,"
    " json_extract(cf.decode, '$.decode_errors') || ' damaged packets, ' ||"
    " json_extract(cf.decode, '$.corrupt_frames') || ' corrupt frames' ||"
    " CASE json_extract(cf.decode, '$.truncated') WHEN 1 THEN ', ends early (truncated)' ELSE '' END" FROM_CLIP
    " JOIN clip_frames cf ON cf.clip_id = c.id WHERE json_extract(cf.decode, '$.decode_errors') > 0"
    " OR json_extract(cf.decode, '$.corrupt_frames') > 0 OR json_extract(cf.decode, '$.truncated') = 1",
    "SELECT 'warning', 'silent_audio', r.name, coalesce(c.media_path, f.rel_path), NULL, NULL,"
    " 'silent channels: ' || (SELECT group_concat(value, ', ') FROM json_each(a.summary, '$.silent_channels'))"
    FROM_CLIP " JOIN analysis a ON a.clip_id = c.id WHERE a.analyzer = 'audio_levels'"
    " AND a.status = 'complete' AND json_array_length(a.summary, '$.silent_channels') > 0",
    "SELECT 'info', 'black', r.name, coalesce(c.media_path, f.rel_path), json_extract(b.value, '$.start'),"
    " json_extract(b.value, '$.end'), 'black frames'" FROM_CLIP
    " JOIN analysis a ON a.clip_id = c.id, json_each(a.summary, '$.black') b"
    " WHERE a.analyzer = 'stats' AND a.status = 'complete'",
    "SELECT 'info', 'frozen', r.name, coalesce(c.media_path, f.rel_path), json_extract(b.value, '$.start'),"
    " json_extract(b.value, '$.end'), 'repeated frames'" FROM_CLIP
    " JOIN analysis a ON a.clip_id = c.id, json_each(a.summary, '$.frozen') b"
    " WHERE a.analyzer = 'stats' AND a.status = 'complete'",
    NULL
};

static char *dup_col(sqlite3_stmt *st, int k)
{
    const char *v = (const char *)sqlite3_column_text(st, k);
    return strdup(v ? v : "");
}

static int collect_findings(RsCatalog *c, RsProjectSummary *s)
{
    int cap = 0;
    for (int q = 0; finding_sql[q]; q++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(c->db, finding_sql[q], -1, &st, NULL) != SQLITE_OK)
            return rs_catalog_error(c, "summary");
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (s->nb_findings == cap) {
                cap = cap ? cap * 2 : 32;
                RsFinding *v = realloc(s->findings, (size_t)cap * sizeof(*v));
                if (!v) {
                    sqlite3_finalize(st);
                    return RS_ENOMEM;
                }
                s->findings = v;
            }
            RsFinding *f = &s->findings[s->nb_findings++];
            memset(f, 0, sizeof(*f));
            snprintf(f->severity, sizeof(f->severity), "%s", sqlite3_column_text(st, 0));
            snprintf(f->kind, sizeof(f->kind), "%s", sqlite3_column_text(st, 1));
            f->roll = dup_col(st, 2);
            f->file = dup_col(st, 3);
            f->message = dup_col(st, 6);
            int whole = sqlite3_column_type(st, 4) == SQLITE_NULL;
            f->start_frame = whole ? -1 : sqlite3_column_int64(st, 4);
            f->end_frame = whole ? -1 : sqlite3_column_int64(st, 5);
            if (!f->roll || !f->file || !f->message) {
                sqlite3_finalize(st);
                return RS_ENOMEM;
            }
        }
        sqlite3_finalize(st);
    }
    return 0;
}

int rs_project_summary(RsCatalog *c, RsProjectSummary **out)
{
    RsProjectSummary *s = calloc(1, sizeof(*s));
    if (!s)
        return RS_ENOMEM;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT value FROM project WHERE key = 'title'", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            s->title = dup_col(st, 0);
        sqlite3_finalize(st);
    }
    s->project = strdup(c->dir);
    s->shoot_days = scalar(c, "SELECT count(*) FROM shoot_day");
    s->camera_rolls = scalar(c, "SELECT count(*) FROM roll WHERE kind = 'camera'");
    s->sound_rolls = scalar(c, "SELECT count(*) FROM roll WHERE kind = 'sound'");
    s->files = scalar(c, "SELECT count(*) FROM file");
    s->bytes = scalar(c, "SELECT coalesce(sum(size), 0) FROM file");
    s->files_verified = scalar(c, "SELECT count(*) FROM file WHERE status = 'ok'");
    s->files_mismatched = scalar(c, "SELECT count(*) FROM file WHERE status = 'mismatch'");
    s->files_missing = scalar(c, "SELECT count(*) FROM file WHERE status = 'missing'");
    s->video_clips = scalar(c, "SELECT count(*) FROM clip WHERE kind = 'video'");
    s->audio_clips = scalar(c, "SELECT count(*) FROM clip WHERE kind = 'audio'");
    s->video_frames = scalar(c, "SELECT coalesce(sum(frames), 0) FROM clip WHERE kind = 'video'");
    s->duration_us = scalar(c, "SELECT coalesce(sum(duration_us), 0) FROM clip WHERE kind != 'none'");
    s->clips_analyzed = scalar(c, "SELECT count(DISTINCT clip_id) FROM analysis WHERE status = 'complete'");
    s->clips_not_analyzed = scalar(c, "SELECT count(*)" FROM_CLIP " WHERE c.kind != 'none' AND f.status = 'ok'"
                                      " AND NOT EXISTS (SELECT 1 FROM analysis a WHERE a.clip_id = c.id)");
    s->frames_analyzed = scalar(c, "SELECT coalesce(sum(frames), 0) FROM clip_frames");
    int ret = s->title && s->project ? collect_findings(c, s) : RS_ENOMEM;
    if (ret < 0) {
        rs_project_summary_free(&s);
        return ret;
    }
    *out = s;
    return 0;
}

char *rs_project_summary_json(const RsProjectSummary *s)
{
    RsJson j = { .pretty = 1 };
    rs_json_begin_object(&j, NULL);
    rs_json_string(&j, "title", s->title);
    rs_json_string(&j, "project", s->project);
#define N(f) rs_json_int(&j, #f, s->f)
    N(shoot_days); N(camera_rolls); N(sound_rolls); N(files); N(bytes); N(files_verified);
    N(files_mismatched); N(files_missing); N(video_clips); N(audio_clips); N(video_frames);
    N(duration_us); N(clips_analyzed); N(clips_not_analyzed); N(frames_analyzed);
#undef N
    rs_json_begin_array(&j, "findings");
    for (int i = 0; i < s->nb_findings; i++) {
        const RsFinding *f = &s->findings[i];
        rs_json_begin_object(&j, NULL);
        rs_json_string(&j, "severity", f->severity);
        rs_json_string(&j, "kind", f->kind);
        rs_json_string(&j, "roll", f->roll);
        rs_json_string(&j, "file", f->file);
        if (f->start_frame >= 0) {
            rs_json_int(&j, "start_frame", f->start_frame);
            rs_json_int(&j, "end_frame", f->end_frame);
        }
        rs_json_string(&j, "message", f->message);
        rs_json_end_object(&j);
    }
    rs_json_end_array(&j);
    rs_json_end_object(&j);
    return rs_json_take(&j);
}

void rs_project_summary_free(RsProjectSummary **ps)
{
    RsProjectSummary *s = *ps;
    if (!s)
        return;
    for (int i = 0; i < s->nb_findings; i++) {
        free(s->findings[i].roll);
        free(s->findings[i].file);
        free(s->findings[i].message);
    }
    free(s->findings);
    free(s->title);
    free(s->project);
    free(s);
    *ps = NULL;
}
