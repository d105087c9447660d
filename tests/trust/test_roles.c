/*
 * The role matrix, every role against every operation, through the library
 * calls that enforce it (not by reading the table back).
 */
#include <sys/stat.h>

#include "rushes/jobs.h"
#include "trust_test.h"

/* The matrix doc/trust.md promises; a change of policy must change this too. */
static const int expected[RS_ROLE_COUNT][RS_OP_COUNT] = {
    /*               read ingest analyze clean colour train export consent users audit */
    /* admin      */ { 1,   1,     1,      1,    1,     1,    1,     1,      1,    1 },
    /* supervisor */ { 1,   1,     1,      1,    1,     0,    1,     1,      0,    1 },
    /* editor     */ { 1,   1,     1,      0,    0,     0,    1,     0,      0,    0 },
    /* artist     */ { 1,   0,     1,      1,    1,     0,    0,     0,      0,    0 },
    /* vendor     */ { 1,   0,     0,      1,    1,     0,    0,     0,      0,    0 },
    /* viewer     */ { 1,   0,     0,      0,    0,     0,    0,     0,      0,    0 },
};

static int do_op(RsCatalog *c, const RsActor *a, RsOp op, int64_t clip, const char *card, int n)
{
    char name[32];
    switch (op) {
    case RS_OP_READ:
    case RS_OP_AUDIT:
        return rs_trust_require(a, op);
    case RS_OP_INGEST: {
        RsIngestSettings s;
        RsIngestReport rep;
        rs_ingest_default_settings(&s);
        s.source = card;
        s.camera = "A";
        s.write_mhl = 0;
        s.actor = a;
        return rs_ingest_job(c, &s, &rep);
    }
    case RS_OP_ANALYZE: return rs_trust_authorize(c, a, RS_USE_ANALYSIS, clip, NULL);
    case RS_OP_CLEAN:   return rs_trust_authorize(c, a, RS_USE_CLEANUP, clip, NULL);
    case RS_OP_COLOUR:  return rs_trust_authorize(c, a, RS_USE_COLOUR, clip, NULL);
    case RS_OP_TRAIN:   return rs_trust_authorize(c, a, RS_USE_TRAINING, clip, NULL);
    case RS_OP_EXPORT:  return rs_trust_authorize(c, a, RS_USE_EXPORT, clip, NULL);
    case RS_OP_CONSENT: {
        RsConsentRecord r = { .subject = "Actor 1", .use = RS_USE_ANALYSIS, .scope = "project" };
        int64_t id;
        return rs_consent_add(c, a, &r, &id);
    }
    case RS_OP_USERS:
        snprintf(name, sizeof(name), "new%d", n);
        return rs_user_add(c, a, name, RS_ROLE_VIEWER, NULL);
    default:
        return RS_EINVAL;
    }
}

static void test_matrix(void)
{
    char dir[64], card[96], file[128];
    RsCatalog *c = tt_project(dir);
    RS_CHECK(c != NULL);
    if (!c)
        return;
    snprintf(card, sizeof(card), "%s/CARD", dir);
    mkdir(card, 0755);
    snprintf(file, sizeof(file), "%s/notes.txt", card);
    FILE *f = fopen(file, "w");
    fputs("camera report\n", f);
    fclose(f);
    int64_t clip = tt_clip(c, "A001", "C001.mov");
    RsActor boss = tt_actor(c, "boss");
    for (int u = 0; u < RS_USE_COUNT; u++) {
        RsConsentRecord r = { .subject = "Actor 1", .use = (RsUse)u, .scope = "project", .contract = "C-1" };
        int64_t id;
        RS_CHECK_EQ_INT(rs_consent_add(c, &boss, &r, &id), 0);
    }
    int n = 0;
    for (int role = 0; role < RS_ROLE_COUNT; role++) {
        char name[32];
        snprintf(name, sizeof(name), "user_%s", rs_role_name((RsRole)role));
        RS_CHECK_EQ_INT(rs_user_add(c, &boss, name, (RsRole)role, NULL), 0);
        RsActor a = tt_actor(c, name);
        RS_CHECK_EQ_STR(a.user, name);
        if (role == RS_ROLE_VENDOR)
            RS_CHECK_EQ_INT(rs_vendor_assign(c, &boss, name, clip), 0);
        for (int op = 0; op < RS_OP_COUNT; op++) {
            int r = do_op(c, &a, (RsOp)op, clip, card, n++);
            int want = expected[role][op];
            RS_CHECK_EQ_INT(rs_role_allows((RsRole)role, (RsOp)op), want);
            if (want != (r >= 0))
                fprintf(stderr, "role %s, op %s: got %d (%s)\n", rs_role_name((RsRole)role), rs_op_name((RsOp)op),
                        r, rs_error_message());
            RS_CHECK_EQ_INT(r >= 0, want);
            if (!want)
                RS_CHECK_EQ_INT(r, RS_EDENIED);
        }
    }
    tt_cleanup(&c, dir);
}

static void test_vendor_sees_only_assigned(void)
{
    char dir[64];
    RsCatalog *c = tt_project(dir);
    RS_CHECK(c != NULL);
    if (!c)
        return;
    int64_t mine = tt_clip(c, "A001", "C001.mov"), other = tt_clip(c, "A001", "C002.mov");
    RsActor boss = tt_actor(c, "boss");
    RsConsentRecord r = { .subject = "Actor 1", .use = RS_USE_CLEANUP, .scope = "project" };
    int64_t id;
    RS_CHECK_EQ_INT(rs_consent_add(c, &boss, &r, &id), 0);
    RS_CHECK_EQ_INT(rs_user_add(c, &boss, "vfx house", RS_ROLE_VENDOR, NULL), 0);
    RS_CHECK_EQ_INT(rs_vendor_assign(c, &boss, "vfx house", mine), 0);
    RsActor v = tt_actor(c, "vfx house");
    RsConsentDecision why;
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &v, RS_USE_CLEANUP, mine, &why), 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &v, RS_USE_CLEANUP, other, &why), RS_EDENIED);
    RS_CHECK_CONTAINS(why.reason, "clip A001/C002.mov: not assigned to vendor 'vfx house'");
    RS_CHECK_EQ_INT(rs_vendor_assign(c, &boss, "boss", mine), RS_EINVAL);
    tt_cleanup(&c, dir);
}

static void test_users_bad_input(void)
{
    char dir[64];
    RsCatalog *c = tt_project(dir);
    RS_CHECK(c != NULL);
    if (!c)
        return;
    RsActor boss = tt_actor(c, "boss"), a;
    RsRole role;
    RS_CHECK_EQ_INT(rs_actor_resolve(c, "nobody", &a), RS_ENOENT);
    RS_CHECK_CONTAINS(rs_error_message(), "unknown user 'nobody'");
    RS_CHECK_EQ_INT(rs_actor_resolve(c, NULL, &a), 0);
    RS_CHECK_EQ_STR(a.user, "boss");
    RS_CHECK_EQ_INT(rs_role_from_name("god", &role), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "unknown role 'god'");
    RS_CHECK_EQ_INT(rs_user_add(c, &boss, "boss", RS_ROLE_EDITOR, NULL), RS_EEXIST);
    RS_CHECK_EQ_INT(rs_user_add(c, &boss, "", RS_ROLE_EDITOR, NULL), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_user_add(c, &boss, "ed", RS_ROLE_EDITOR, "short"), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_user_add(c, NULL, "ed", RS_ROLE_EDITOR, NULL), RS_EDENIED);
    RS_CHECK_CONTAINS(rs_error_message(), "no actor");
    RS_CHECK_EQ_INT(rs_user_set_role(c, &boss, "ghost", RS_ROLE_EDITOR), RS_ENOENT);
    /* The last admin cannot step down or leave: nobody could manage the project after. */
    RS_CHECK_EQ_INT(rs_user_set_role(c, &boss, "boss", RS_ROLE_EDITOR), RS_EDENIED);
    RS_CHECK_EQ_INT(rs_user_remove(c, &boss, "boss"), RS_EDENIED);
    RS_CHECK_EQ_INT(rs_user_add(c, &boss, "ed", RS_ROLE_EDITOR, "correct horse"), 0);
    RS_CHECK_EQ_INT(rs_user_login(c, "ed", "correct horse", &a), 0);
    RS_CHECK_EQ_INT(a.role, RS_ROLE_EDITOR);
    RS_CHECK_EQ_INT(rs_user_login(c, "ed", "wrong horse", &a), RS_EDENIED);
    RS_CHECK_EQ_INT(rs_user_login(c, "mallory", "correct horse", &a), RS_EDENIED);
    RS_CHECK_CONTAINS(rs_error_message(), "unknown user 'mallory'");
    char *log = NULL;
    RS_CHECK_EQ_INT(rs_audit_export(c, 1, &log), 0);
    RS_CHECK_CONTAINS(log, "\"action\":\"login\",\"target\":\"ed\",\"inputs\":null,\"outputs\":null,\"params\":null,"
                           "\"result\":\"refused: wrong password\"");
    RS_CHECK_CONTAINS(log, "\"actor\":\"system\",\"role\":\"system\",\"action\":\"login\",\"target\":\"mallory\"");
    free(log);
    RS_CHECK_EQ_INT(rs_user_remove(c, &boss, "ed"), 0);
    RS_CHECK_EQ_INT(rs_actor_resolve(c, "ed", &a), RS_EDENIED);
    RS_CHECK_CONTAINS(rs_error_message(), "was removed");
    /* The password is stored as an argon2id string, never in clear. */
    sqlite3_stmt *st;
    sqlite3_prepare_v2(c->db, "SELECT password_hash FROM user WHERE name = 'ed'", -1, &st, NULL);
    RS_CHECK(sqlite3_step(st) == SQLITE_ROW);
    RS_CHECK(!strncmp((const char *)sqlite3_column_text(st, 0), "$argon2id$", 10));
    sqlite3_finalize(st);
    RsAuditReport rep;
    RS_CHECK_EQ_INT(rs_audit_verify(c, &rep), 0);
    tt_cleanup(&c, dir);
}

int main(void)
{
    RS_RUN(test_matrix);
    RS_RUN(test_vendor_sees_only_assigned);
    RS_RUN(test_users_bad_input);
    return rs_test_end();
}
