/* Consent: default deny, scopes, periods, notAllowed, revocation, subject links, bad input. */
#include "trust_test.h"

static int64_t add(RsCatalog *c, const RsActor *by, const char *subject, RsUse use, RsConsentValue v,
                   const char *scope, const char *from, const char *until)
{
    RsConsentRecord r = { .subject = subject, .use = use, .value = v, .scope = scope, .from = from, .until = until,
                          .constraint = v == RS_CONSENT_CONSTRAINED ? "no close-ups" : NULL };
    int64_t id = 0;
    return rs_consent_add(c, by, &r, &id) < 0 ? -1 : id;
}

static void test_refusals(void)
{
    char dir[64];
    RsCatalog *c = tt_project(dir);
    RS_CHECK(c != NULL);
    if (!c)
        return;
    int64_t c1 = tt_clip(c, "A001", "C001.mov"), c2 = tt_clip(c, "A001", "C002.mov");
    RsActor boss = tt_actor(c, "boss");
    RsConsentDecision why;
    /* Nobody recorded: refused, and the message says how to record it. */
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), RS_EDENIED);
    RS_CHECK_CONTAINS(rs_error_message(), "clip A001/C001.mov: no subject is recorded");
    RS_CHECK_CONTAINS(why.reason, "rushes consent add --subject NAME --use analysis --clip 'A001/C001.mov'");
    RS_CHECK_EQ_INT(rs_trust_authorize(c, NULL, RS_USE_ANALYSIS, c1, &why), RS_EDENIED);
    RS_CHECK_CONTAINS(why.reason, "no actor");

    /* Actor 1 allows analysis of the roll, not colour. */
    int64_t rec = add(c, &boss, "Actor 1", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "roll:A001", NULL, NULL);
    RS_CHECK(rec > 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), 0);
    RS_CHECK_EQ_INT(why.nb_records, 1);
    RS_CHECK_EQ_INT(why.records[0], rec);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_COLOUR, c1, &why), RS_EDENIED);
    RS_CHECK_CONTAINS(why.reason, "clip A001/C001.mov: no consent for colour from subject 'Actor 1' (record it with: "
                                  "rushes consent add --subject 'Actor 1' --use colour --clip 'A001/C001.mov')");

    /* A second subject appearing everywhere must consent too. */
    RS_CHECK(add(c, &boss, "Actor 2", RS_USE_TRAINING, RS_CONSENT_ALLOWED, "project", NULL, NULL) > 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), RS_EDENIED);
    RS_CHECK_EQ_STR(why.subject, "Actor 2");
    /* ...until Actor 2 is linked to the other clip only: then C001 needs Actor 1 alone. */
    RS_CHECK_EQ_INT(rs_subject_link(c, &boss, "Actor 2", "A001/C002.mov"), 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c2, &why), RS_EDENIED);
    RS_CHECK_EQ_INT(rs_subject_link(c, &boss, "Actor 2", "A001/nope.mov"), RS_ENOENT);

    /* A clip-scoped notAllowed overrides the roll's allowed. */
    int64_t no = add(c, &boss, "Actor 1", RS_USE_ANALYSIS, RS_CONSENT_NOT_ALLOWED, "clip:A001/C001.mov", NULL, NULL);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), RS_EDENIED);
    RS_CHECK_CONTAINS(why.reason, "did not allow analysis");
    RS_CHECK_EQ_INT(rs_consent_revoke(c, &boss, no, "signed in error"), 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), 0);

    /* Revocation stops later use. */
    RS_CHECK_EQ_INT(rs_consent_revoke(c, &boss, rec, "withdrawn by the actor"), 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), RS_EDENIED);
    RS_CHECK_CONTAINS(why.reason, "was revoked at");
    RS_CHECK_EQ_INT(rs_consent_revoke(c, &boss, rec, NULL), RS_EEXIST);
    RS_CHECK_EQ_INT(rs_consent_revoke(c, &boss, 999, NULL), RS_ENOENT);

    /* Constrained counts as allowed, with its constraint on record. */
    RS_CHECK(add(c, &boss, "Actor 1", RS_USE_ANALYSIS, RS_CONSENT_CONSTRAINED, "project", NULL, NULL) > 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), 0);
    tt_cleanup(&c, dir);
}

static void test_periods(void)
{
    char dir[64];
    RsCatalog *c = tt_project(dir);
    RS_CHECK(c != NULL);
    if (!c)
        return;
    int64_t c1 = tt_clip(c, "A001", "C001.mov");
    RsActor boss = tt_actor(c, "boss");
    RsConsentDecision why;
    RS_CHECK(add(c, &boss, "Actor 1", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "project", "2019-01-01", "2020-01-01") > 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), RS_EDENIED);
    RS_CHECK_CONTAINS(why.reason, "valid only from 2019-01-01T00:00:00Z until 2020-01-01T00:00:00Z");
    RS_CHECK(add(c, &boss, "Actor 1", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "project", "9000-01-01", NULL) > 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), RS_EDENIED);
    RS_CHECK(add(c, &boss, "Actor 1", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "project", "2020-01-01", "9000-01-01") > 0);
    RS_CHECK_EQ_INT(rs_trust_authorize(c, &boss, RS_USE_ANALYSIS, c1, &why), 0);
    tt_cleanup(&c, dir);
}

static void test_bad_input(void)
{
    char dir[64], out[32];
    RsCatalog *c = tt_project(dir);
    RS_CHECK(c != NULL);
    if (!c)
        return;
    tt_clip(c, "A001", "C001.mov");
    RsActor boss = tt_actor(c, "boss");
    static const char *const bad[] = { "2026-13-01", "2026-02-30", "2026-1-1", "yesterday", "2026-01-01T25:00:00Z",
                                       "2026-01-01 10:00", "", NULL };
    for (int i = 0; bad[i]; i++) {
        RS_CHECK_EQ_INT(rs_trust_parse_time(bad[i], out), RS_EINVAL);
        RS_CHECK_CONTAINS(rs_error_message(), "is not a date");
    }
    RS_CHECK_EQ_INT(rs_trust_parse_time("2024-02-29", out), 0);
    RS_CHECK_EQ_STR(out, "2024-02-29T00:00:00Z");
    RS_CHECK_EQ_INT(rs_trust_parse_time("2023-02-29", out), RS_EINVAL);
    RS_CHECK_EQ_INT(add(c, &boss, "A", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "project", "2026-13-01", NULL), -1);
    RS_CHECK_CONTAINS(rs_error_message(), "'2026-13-01' is not a date");
    RS_CHECK_EQ_INT(add(c, &boss, "A", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "project", "2026-02-01", "2026-01-01"), -1);
    RS_CHECK_CONTAINS(rs_error_message(), "is not before");
    /* A scene label may be recorded before the scene is shot; a malformed one is refused. */
    RS_CHECK(add(c, &boss, "A", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "scene:12", NULL, NULL) > 0);
    RS_CHECK_EQ_INT(add(c, &boss, "A", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "scene:", NULL, NULL), -1);
    RS_CHECK_CONTAINS(rs_error_message(), "scope 'scene:'");
    RS_CHECK_EQ_INT(add(c, &boss, "A", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "scene:12/A", NULL, NULL), -1);
    RS_CHECK_CONTAINS(rs_error_message(), "scene label");
    RS_CHECK_EQ_INT(add(c, &boss, "A", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "clip:A001/none.mov", NULL, NULL), -1);
    RS_CHECK_CONTAINS(rs_error_message(), "no clip 'A001/none.mov'");
    RS_CHECK_EQ_INT(add(c, &boss, "A", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "roll:Z999", NULL, NULL), -1);
    RS_CHECK_EQ_INT(add(c, &boss, "", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "project", NULL, NULL), -1);
    RsConsentRecord r = { .subject = "A", .use = RS_USE_ANALYSIS, .value = RS_CONSENT_CONSTRAINED };
    int64_t id;
    RS_CHECK_EQ_INT(rs_consent_add(c, &boss, &r, &id), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "needs the constraint");
    RsUse u;
    RS_CHECK_EQ_INT(rs_use_from_name("dubbing", &u), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "unknown use 'dubbing'");
    /* An editor may not record consent. */
    RS_CHECK_EQ_INT(rs_user_add(c, &boss, "ed", RS_ROLE_EDITOR, NULL), 0);
    RsActor ed = tt_actor(c, "ed");
    RS_CHECK_EQ_INT(add(c, &ed, "A", RS_USE_ANALYSIS, RS_CONSENT_ALLOWED, "project", NULL, NULL), -1);
    RS_CHECK_CONTAINS(rs_error_message(), "may not manage consent");
    tt_cleanup(&c, dir);
}

int main(void)
{
    RS_RUN(test_refusals);
    RS_RUN(test_periods);
    RS_RUN(test_bad_input);
    return rs_test_end();
}
