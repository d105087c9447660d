/*
 * Consent records: which use a subject (a person on screen) allowed, for
 * which scope and period, on which contract, recorded by whom. Values follow
 * the CAWG training-and-data-mining assertion (allowed, notAllowed,
 * constrained) so they can be carried in C2PA manifests. Records are never
 * deleted; a revocation is dated and stops every later use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "rushes/error.h"
#include "trust/trust_internal.h"

static int days_in_month(int y, int m)
{
    static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0) ? 29 : d[m - 1];
}

int rs_trust_parse_time(const char *s, char out[32])
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    size_t len = s ? strlen(s) : 0;
    int ok = len == 10 ? sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10
           : len == 20 ? sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) == 6 && n == 20
           : 0;
    if (ok)
        ok = y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) && h < 24 && mi < 60 &&
             se < 60 && h >= 0 && mi >= 0 && se >= 0;
    if (!ok)
        return rs_error(RS_EINVAL, "'%s' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)", s ? s : "");
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000u, (unsigned)mo % 100u,
             (unsigned)d % 100u, (unsigned)h % 100u, (unsigned)mi % 100u, (unsigned)se % 100u);
    return 0;
}

/* The clip named "ROLL/PATH" (as `rushes ls` prints it), or RS_ENOENT naming it. */
static int clip_by_name(RsCatalog *c, const char *name, int64_t *id)
{
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT clip.id FROM clip JOIN file ON file.id = clip.file_id"
                                  " JOIN roll ON roll.id = file.roll_id WHERE roll.name || '/' || file.rel_path = ?",
                               &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    *id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return *id ? 0 : rs_error(RS_ENOENT, "no clip '%s' in the project (clips are named ROLL/PATH as in rushes ls)",
                              name);
}

static int check_scope(RsCatalog *c, const char *scope)
{
    int64_t id;
    if (!scope || !strcmp(scope, "project"))
        return 0;
    if (!strncmp(scope, "clip:", 5))
        return clip_by_name(c, scope + 5, &id);
    if (!strncmp(scope, "roll:", 5)) {
        sqlite3_stmt *st;
        int ret = rs_trust_prepare(c, "SELECT 1 FROM roll WHERE name = ?", &st);
        if (ret < 0)
            return ret;
        sqlite3_bind_text(st, 1, scope + 5, -1, SQLITE_STATIC);
        int found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        return found ? 0 : rs_error(RS_ENOENT, "no roll '%s' in the project", scope + 5);
    }
    if (!strncmp(scope, "scene:", 6)) {
        /* Consent is often signed before the scene is shot: the label need not exist yet. */
        size_t n = strlen(scope + 6);
        if (n == 0 || n > 32 || strpbrk(scope + 6, " \t\r\n/"))
            return rs_error(RS_EINVAL, "scope '%s': a scene label is 1-32 characters without spaces or '/'", scope);
        return 0;
    }
    return rs_error(RS_EINVAL, "scope '%s': expected project, scene:SCENE, roll:ROLL or clip:ROLL/PATH", scope);
}

static int ensure_subject(RsCatalog *c, const char *name, int64_t *id)
{
    sqlite3_stmt *st;
    char now[32];
    rs_utc_now(now);
    int ret = rs_trust_prepare(c, "INSERT OR IGNORE INTO subject (name, created_at) VALUES (?, ?)", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    if ((ret = rs_trust_step_done(c, st, "recording a subject")) < 0)
        return ret;
    if ((ret = rs_trust_prepare(c, "SELECT id FROM subject WHERE name = ?", &st)) < 0)
        return ret;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    *id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return *id ? 0 : rs_catalog_error(c, "recording a subject");
}

static const char *value_name(RsConsentValue v)
{
    return v == RS_CONSENT_ALLOWED ? "allowed" : v == RS_CONSENT_NOT_ALLOWED ? "notAllowed"
         : v == RS_CONSENT_CONSTRAINED ? "constrained" : NULL;
}

int rs_consent_add(RsCatalog *c, const RsActor *by, const RsConsentRecord *r, int64_t *id)
{
    char from[32] = "", until[32] = "";
    int64_t subject_id;
    int ret = rs_trust_require(by, RS_OP_CONSENT);
    if (ret < 0)
        return ret;
    if (!r->subject || !*r->subject)
        return rs_error(RS_EINVAL, "consent needs a subject (the person on screen)");
    if (!rs_use_name(r->use)[0] || !value_name(r->value))
        return rs_error(RS_EINVAL, "consent: use or value out of range");
    if (r->value == RS_CONSENT_CONSTRAINED && (!r->constraint || !*r->constraint))
        return rs_error(RS_EINVAL, "constrained consent needs the constraint (--constraint TEXT)");
    if ((r->from && (ret = rs_trust_parse_time(r->from, from)) < 0) ||
        (r->until && (ret = rs_trust_parse_time(r->until, until)) < 0))
        return ret;
    if (from[0] && until[0] && strcmp(from, until) >= 0)
        return rs_error(RS_EINVAL, "consent period: %s is not before %s", r->from, r->until);
    if ((ret = check_scope(c, r->scope)) < 0)
        return ret;
    if ((ret = rs_catalog_begin(c)) < 0)
        return ret;
    sqlite3_stmt *st;
    char now[32];
    rs_utc_now(now);
    if ((ret = ensure_subject(c, r->subject, &subject_id)) < 0 ||
        (ret = rs_trust_prepare(c, "INSERT INTO consent (subject_id, use, value, constraint_text, scope,"
                                   " valid_from, valid_until, contract, recorded_by, recorded_at)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
        goto fail;
    sqlite3_bind_int64(st, 1, subject_id);
    sqlite3_bind_text(st, 2, rs_use_name(r->use), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, value_name(r->value), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->constraint, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->scope ? r->scope : "project", -1, SQLITE_STATIC);
    if (from[0])
        sqlite3_bind_text(st, 6, from, -1, SQLITE_STATIC);
    if (until[0])
        sqlite3_bind_text(st, 7, until, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->contract, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, by->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
    if ((ret = rs_trust_step_done(c, st, "recording consent")) < 0)
        goto fail;
    *id = sqlite3_last_insert_rowid(c->db);
    RsJson j = { 0 };
    rs_json_begin_object(&j, NULL);
    rs_json_int(&j, "consent_id", *id);
    rs_json_string(&j, "use", rs_use_name(r->use));
    rs_json_string(&j, "value", value_name(r->value));
    rs_json_string(&j, "constraint", r->constraint);
    rs_json_string(&j, "scope", r->scope ? r->scope : "project");
    rs_json_string(&j, "from", from[0] ? from : NULL);
    rs_json_string(&j, "until", until[0] ? until : NULL);
    rs_json_string(&j, "contract", r->contract);
    rs_json_end_object(&j);
    char *params = rs_json_take(&j);
    ret = params ? rs_trust_audit_simple(c, by, "consent.add", r->subject, params, "ok") : RS_ENOMEM;
    free(params);
    if (ret < 0)
        goto fail;
    return rs_catalog_commit(c);
fail:
    rs_catalog_rollback(c);
    return ret;
}

int rs_consent_revoke(RsCatalog *c, const RsActor *by, int64_t id, const char *reason)
{
    int ret = rs_trust_require(by, RS_OP_CONSENT);
    if (ret < 0)
        return ret;
    sqlite3_stmt *st;
    char subject[128] = "", now[32];
    int revoked = 0;
    if ((ret = rs_trust_prepare(c, "SELECT subject.name, consent.revoked_at FROM consent JOIN subject"
                                   " ON subject.id = consent.subject_id WHERE consent.id = ?", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(subject, sizeof(subject), "%s", (const char *)sqlite3_column_text(st, 0));
        revoked = sqlite3_column_type(st, 1) != SQLITE_NULL;
    }
    sqlite3_finalize(st);
    if (!subject[0])
        return rs_error(RS_ENOENT, "no consent record %lld (list them with: rushes consent list)", (long long)id);
    if (revoked)
        return rs_error(RS_EEXIST, "consent record %lld was already revoked", (long long)id);
    rs_utc_now(now);
    if ((ret = rs_catalog_begin(c)) < 0)
        return ret;
    if ((ret = rs_trust_prepare(c, "UPDATE consent SET revoked_at = ?, revoked_by = ?, revoke_reason = ?"
                                   " WHERE id = ?", &st)) < 0)
        goto fail;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, by->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    if ((ret = rs_trust_step_done(c, st, "revoking consent")) < 0)
        goto fail;
    RsJson j = { 0 };
    rs_json_begin_object(&j, NULL);
    rs_json_int(&j, "consent_id", id);
    rs_json_string(&j, "reason", reason);
    rs_json_end_object(&j);
    char *params = rs_json_take(&j);
    ret = params ? rs_trust_audit_simple(c, by, "consent.revoke", subject, params, "ok") : RS_ENOMEM;
    free(params);
    if (ret < 0)
        goto fail;
    return rs_catalog_commit(c);
fail:
    rs_catalog_rollback(c);
    return ret;
}

int rs_subject_link(RsCatalog *c, const RsActor *by, const char *subject, const char *clip)
{
    int64_t clip_id, subject_id;
    int ret = rs_trust_require(by, RS_OP_CONSENT);
    if (ret < 0 || (ret = clip_by_name(c, clip, &clip_id)) < 0)
        return ret;
    if (!subject || !*subject)
        return rs_error(RS_EINVAL, "a link needs a subject");
    if ((ret = rs_catalog_begin(c)) < 0)
        return ret;
    sqlite3_stmt *st;
    if ((ret = ensure_subject(c, subject, &subject_id)) < 0 ||
        (ret = rs_trust_prepare(c, "INSERT OR IGNORE INTO subject_clip VALUES (?, ?)", &st)) < 0)
        goto fail;
    sqlite3_bind_int64(st, 1, subject_id);
    sqlite3_bind_int64(st, 2, clip_id);
    if ((ret = rs_trust_step_done(c, st, "linking a subject to a clip")) < 0)
        goto fail;
    RsJson j = { 0 };
    rs_json_begin_object(&j, NULL);
    rs_json_string(&j, "clip", clip);
    rs_json_end_object(&j);
    char *params = rs_json_take(&j);
    ret = params ? rs_trust_audit_simple(c, by, "subject.link", subject, params, "ok") : RS_ENOMEM;
    free(params);
    if (ret < 0)
        goto fail;
    return rs_catalog_commit(c);
fail:
    rs_catalog_rollback(c);
    return ret;
}
