/*
 * The one gate before footage is read: the actor's role (and a vendor's
 * assignment), then the consent of every subject appearing in the clip.
 * Default deny: a clip nobody consented for is refused, and a notAllowed
 * record overrides any allowed one. Refusals name the clip, the subject, the
 * missing use and the command that records it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rushes/error.h"
#include "trust/trust_internal.h"

static const RsOp use_op[RS_USE_COUNT] = {
    RS_OP_ANALYZE, RS_OP_CLEAN, RS_OP_COLOUR, RS_OP_TRAIN, RS_OP_EXPORT,
};

static int refuse(RsConsentDecision *why, const char *fmt, ...) RS_PRINTF(2, 3);

static int refuse(RsConsentDecision *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->reason, sizeof(why->reason), fmt, ap);
    va_end(ap);
    why->allowed = 0;
    return rs_error(RS_EDENIED, "%s", why->reason);
}

static int vendor_assigned(RsCatalog *c, int64_t user_id, int64_t clip_id)
{
    sqlite3_stmt *st;
    if (rs_trust_prepare(c, "SELECT 1 FROM vendor_clip WHERE user_id = ? AND clip_id = ?", &st) < 0)
        return 0;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, clip_id);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* Judge one subject's records for the clip; 0 when covered. */
static int judge_subject(RsCatalog *c, int64_t subject_id, const char *subject, const char *roll,
                         const char *scene, RsUse use, const char *now, RsConsentDecision *why)
{
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT id, value, valid_from, valid_until, revoked_at FROM consent"
                                  " WHERE subject_id = ?1 AND use = ?2 AND (scope = 'project' OR scope = 'roll:' || ?3"
                                  " OR scope = 'clip:' || ?4 OR scope = 'scene:' || ?5) ORDER BY id", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_int64(st, 1, subject_id);
    sqlite3_bind_text(st, 2, rs_use_name(use), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, roll, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, why->clip, -1, SQLITE_STATIC);
    /* A clip whose scene is unknown matches no scene scope. */
    if (scene[0])
        sqlite3_bind_text(st, 5, scene, -1, SQLITE_STATIC);
    int64_t allowed[16], denied = 0;
    int nallowed = 0;
    char note[160] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *value = (const char *)sqlite3_column_text(st, 1);
        const char *from = (const char *)sqlite3_column_text(st, 2);
        const char *until = (const char *)sqlite3_column_text(st, 3);
        const char *revoked = (const char *)sqlite3_column_text(st, 4);
        if (revoked) {
            snprintf(note, sizeof(note), "; record %lld was revoked at %s", (long long)id, revoked);
            continue;
        }
        if ((from && strcmp(now, from) < 0) || (until && strcmp(now, until) >= 0)) {
            snprintf(note, sizeof(note), "; record %lld is valid only from %s until %s", (long long)id,
                     from ? from : "the start", until ? until : "open");
            continue;
        }
        if (!strcmp(value, "notAllowed"))
            denied = id;
        else if (nallowed < 16)
            allowed[nallowed++] = id;
    }
    sqlite3_finalize(st);
    snprintf(why->subject, sizeof(why->subject), "%s", subject);
    if (denied) {
        char rec[32];
        snprintf(rec, sizeof(rec), "%lld", (long long)denied);
        return refuse(why, "clip %s: subject '%s' did not allow %s (consent record %s says notAllowed)",
                      why->clip, subject, rs_use_name(use), rec);
    }
    if (!nallowed) {
        char fix[900];
        snprintf(fix, sizeof(fix), "rushes consent add --subject '%s' --use %s --clip '%s'", subject,
                 rs_use_name(use), why->clip);
        return refuse(why, "clip %s: no consent for %s from subject '%s'%s (record it with: %s)", why->clip,
                      rs_use_name(use), subject, note, fix);
    }
    for (int i = 0; i < nallowed && why->nb_records < 16; i++)
        why->records[why->nb_records++] = allowed[i];
    return 0;
}

int rs_trust_authorize(RsCatalog *c, const RsActor *actor, RsUse use, int64_t clip_id, RsConsentDecision *why)
{
    RsConsentDecision local;
    if (!why)
        why = &local;
    memset(why, 0, sizeof(*why));
    if ((unsigned)use >= RS_USE_COUNT)
        return rs_error(RS_EINVAL, "use %d is out of range", (int)use);
    int ret = rs_trust_require(actor, use_op[use]);
    if (ret < 0) {
        snprintf(why->reason, sizeof(why->reason), "%s", rs_error_message());
        return ret;
    }
    sqlite3_stmt *st;
    char roll[256] = "", scene[64] = "", now[32];
    if ((ret = rs_trust_prepare(c, "SELECT roll.name, file.rel_path, clip.scene FROM clip"
                                   " JOIN file ON file.id = clip.file_id"
                                   " JOIN roll ON roll.id = file.roll_id WHERE clip.id = ?", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, clip_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(roll, sizeof(roll), "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(why->clip, sizeof(why->clip), "%s/%s", roll, (const char *)sqlite3_column_text(st, 1));
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            snprintf(scene, sizeof(scene), "%s", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    if (!why->clip[0])
        return rs_error(RS_ENOENT, "no clip %lld in the project", (long long)clip_id);
    if (actor->role == RS_ROLE_VENDOR && !vendor_assigned(c, actor->user_id, clip_id))
        return refuse(why, "clip %s: not assigned to vendor '%s'", why->clip, actor->user);

    /* A subject with no clip links is taken to appear in every clip: the safe reading. */
    if ((ret = rs_trust_prepare(c, "SELECT id, name FROM subject s WHERE EXISTS (SELECT 1 FROM subject_clip l"
                                   " WHERE l.subject_id = s.id AND l.clip_id = ?1) OR NOT EXISTS (SELECT 1 FROM"
                                   " subject_clip l WHERE l.subject_id = s.id) ORDER BY id", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, clip_id);
    rs_utc_now(now);
    int subjects = 0;
    while (ret >= 0 && sqlite3_step(st) == SQLITE_ROW) {
        subjects++;
        char name[128];
        snprintf(name, sizeof(name), "%s", (const char *)sqlite3_column_text(st, 1));
        ret = judge_subject(c, sqlite3_column_int64(st, 0), name, roll, scene, use, now, why);
    }
    sqlite3_finalize(st);
    if (ret < 0)
        return ret;
    if (!subjects) {
        char fix[900];
        snprintf(fix, sizeof(fix), "rushes consent add --subject NAME --use %s --clip '%s'", rs_use_name(use),
                 why->clip);
        return refuse(why, "clip %s: no subject is recorded for it, so nobody consented to %s (record it with: "
                      "%s)", why->clip, rs_use_name(use), fix);
    }
    why->allowed = 1;
    snprintf(why->reason, sizeof(why->reason), "clip %s: %s allowed by %d consent record(s)", why->clip,
             rs_use_name(use), why->nb_records);
    return 0;
}
