/* API tokens: shown once, stored hashed, expiry and revocation refuse them. */
#include "trust_test.h"

static void test_tokens(void)
{
    char dir[64], tok[65], tok2[65];
    int64_t id, id2;
    RsCatalog *c = tt_project(dir);
    RS_CHECK(c != NULL);
    if (!c)
        return;
    RsActor boss = tt_actor(c, "boss"), who;
    RS_CHECK_EQ_INT(rs_user_add(c, &boss, "ed", RS_ROLE_EDITOR, NULL), 0);
    RsActor ed = tt_actor(c, "ed");
    RS_CHECK_EQ_INT(rs_token_create(c, &ed, "ed", "2999-01-01", tok, &id), 0);
    RS_CHECK_EQ_INT((int)strlen(tok), 64);
    RS_CHECK_EQ_INT(rs_token_check(c, tok, &who), 0);
    RS_CHECK_EQ_STR(who.user, "ed");
    RS_CHECK_EQ_INT(who.role, RS_ROLE_EDITOR);
    /* Only the hash is stored. */
    char sql[256];
    sqlite3_stmt *st;
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM api_token WHERE token_hash = '%s'", tok);
    sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
    RS_CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0);
    sqlite3_finalize(st);
    /* An editor may not make tokens for others; the admin may. */
    RS_CHECK_EQ_INT(rs_token_create(c, &ed, "boss", NULL, tok2, &id2), RS_EDENIED);
    RS_CHECK_EQ_INT(rs_token_create(c, &boss, "ed", NULL, tok2, &id2), 0);
    RS_CHECK(strcmp(tok, tok2));
    RS_CHECK_EQ_INT(rs_token_create(c, &boss, "ghost", NULL, tok2, &id2), RS_ENOENT);
    RS_CHECK_EQ_INT(rs_token_create(c, &boss, "ed", "2026-13-01", tok2, &id2), RS_EINVAL);
    RS_CHECK_EQ_INT(rs_token_create(c, &boss, "ed", "2001-01-01", tok2, &id2), RS_EINVAL);
    RS_CHECK_CONTAINS(rs_error_message(), "in the past");

    /* Expiry: the stored date passes (moved back, rather than waiting). */
    snprintf(sql, sizeof(sql), "UPDATE api_token SET expires_at = '2001-01-01T00:00:00Z' WHERE id = %lld",
             (long long)id);
    RS_CHECK_EQ_INT(rs_catalog_exec(c, sql), 0);
    RS_CHECK_EQ_INT(rs_token_check(c, tok, &who), RS_EDENIED);
    RS_CHECK_CONTAINS(rs_error_message(), "expired at 2001-01-01T00:00:00Z");

    /* Revocation. */
    RS_CHECK_EQ_INT(rs_token_check(c, tok2, &who), 0);
    RS_CHECK_EQ_INT(rs_token_revoke(c, &ed, id2), 0);
    RS_CHECK_EQ_INT(rs_token_check(c, tok2, &who), RS_EDENIED);
    RS_CHECK_CONTAINS(rs_error_message(), "was revoked");
    RS_CHECK_EQ_INT(rs_token_revoke(c, &boss, id2), RS_EEXIST);
    RS_CHECK_EQ_INT(rs_token_revoke(c, &boss, 12345), RS_ENOENT);

    /* Unknown and malformed tokens. */
    tok2[0] = tok2[0] == 'a' ? 'b' : 'a';
    RS_CHECK_EQ_INT(rs_token_check(c, tok2, &who), RS_EDENIED);
    RS_CHECK_CONTAINS(rs_error_message(), "unknown token");
    RS_CHECK_EQ_INT(rs_token_check(c, "abc", &who), RS_EDENIED);
    /* A removed user's token no longer acts. */
    RS_CHECK_EQ_INT(rs_token_create(c, &boss, "ed", NULL, tok2, &id2), 0);
    RS_CHECK_EQ_INT(rs_user_remove(c, &boss, "ed"), 0);
    RS_CHECK_EQ_INT(rs_token_check(c, tok2, &who), RS_EDENIED);
    tt_cleanup(&c, dir);
}

int main(void)
{
    RS_RUN(test_tokens);
    return rs_test_end();
}
