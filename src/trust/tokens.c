/*
 * API tokens for the HTTP server and scripts: 32 random bytes, shown once as
 * 64 hex digits, stored only as their SHA-256, so a copy of the store gives
 * nobody a usable token. A token has an owner, an optional expiry and can be
 * revoked; checking one says which of those refused it.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "rushes/error.h"
#include "trust/trust_internal.h"

int rs_token_create(RsCatalog *c, const RsActor *by, const char *user, const char *expires, char token[65],
                    int64_t *id)
{
    char exp[32] = "", digest[65], now[32], params[96];
    unsigned char raw[32];
    int64_t uid;
    int ret = rs_trust_sodium();
    if (ret < 0)
        return ret;
    /* Anyone may make a token for themselves; tokens for others are user management. */
    if (!by || !by->user[0])
        return rs_trust_require(by, RS_OP_USERS);
    if (strcmp(user, by->user) && (ret = rs_trust_require(by, RS_OP_USERS)) < 0)
        return ret;
    if ((ret = rs_trust_user_id(c, user, &uid, NULL)) < 0)
        return ret;
    if (expires && (ret = rs_trust_parse_time(expires, exp)) < 0)
        return ret;
    rs_utc_now(now);
    if (exp[0] && strcmp(exp, now) <= 0)
        return rs_error(RS_EINVAL, "expiry %s is in the past", expires);
    randombytes_buf(raw, sizeof(raw));
    rs_trust_hex(raw, sizeof(raw), token);
    sodium_memzero(raw, sizeof(raw));
    rs_trust_sha256_hex(token, 64, digest);
    if ((ret = rs_catalog_begin(c)) < 0)
        return ret;
    sqlite3_stmt *st;
    if ((ret = rs_trust_prepare(c, "INSERT INTO api_token (user_id, token_hash, created_at, expires_at)"
                                   " VALUES (?, ?, ?, ?)", &st)) < 0)
        goto fail;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (exp[0])
        sqlite3_bind_text(st, 4, exp, -1, SQLITE_STATIC);
    if ((ret = rs_trust_step_done(c, st, "creating a token")) < 0)
        goto fail;
    *id = sqlite3_last_insert_rowid(c->db);
    snprintf(params, sizeof(params), "{\"token_id\":%lld,\"expires\":%s%s%s}", (long long)*id,
             exp[0] ? "\"" : "", exp[0] ? exp : "null", exp[0] ? "\"" : "");
    if ((ret = rs_trust_audit_simple(c, by, "token.create", user, params, "ok")) < 0)
        goto fail;
    return rs_catalog_commit(c);
fail:
    rs_catalog_rollback(c);
    memset(token, 0, 65);
    return ret;
}

int rs_token_revoke(RsCatalog *c, const RsActor *by, int64_t id)
{
    sqlite3_stmt *st;
    char owner[64] = "", now[32], params[48];
    int ret = rs_trust_prepare(c, "SELECT user.name, api_token.revoked_at FROM api_token"
                                  " JOIN user ON user.id = api_token.user_id WHERE api_token.id = ?", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_int64(st, 1, id);
    int revoked = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(owner, sizeof(owner), "%s", (const char *)sqlite3_column_text(st, 0));
        revoked = sqlite3_column_type(st, 1) != SQLITE_NULL;
    }
    sqlite3_finalize(st);
    if (!owner[0])
        return rs_error(RS_ENOENT, "no token %lld (list them with: rushes token list)", (long long)id);
    if (!by || strcmp(owner, by->user))
        if ((ret = rs_trust_require(by, RS_OP_USERS)) < 0)
            return ret;
    if (revoked)
        return rs_error(RS_EEXIST, "token %lld was already revoked", (long long)id);
    rs_utc_now(now);
    if ((ret = rs_catalog_begin(c)) < 0)
        return ret;
    if ((ret = rs_trust_prepare(c, "UPDATE api_token SET revoked_at = ? WHERE id = ?", &st)) < 0)
        goto fail;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    if ((ret = rs_trust_step_done(c, st, "revoking a token")) < 0)
        goto fail;
    snprintf(params, sizeof(params), "{\"token_id\":%lld}", (long long)id);
    if ((ret = rs_trust_audit_simple(c, by, "token.revoke", owner, params, "ok")) < 0)
        goto fail;
    return rs_catalog_commit(c);
fail:
    rs_catalog_rollback(c);
    return ret;
}

int rs_token_check(RsCatalog *c, const char *token, RsActor *out)
{
    char digest[65], now[32], user[64] = "", expires[32] = "";
    int64_t id = 0;
    int revoked = 0;
    memset(out, 0, sizeof(*out));
    if (!token || strlen(token) != 64)
        return rs_error(RS_EDENIED, "not a rushes token (64 hex digits expected)");
    rs_trust_sha256_hex(token, 64, digest);
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT api_token.id, user.name, api_token.expires_at, api_token.revoked_at"
                                  " FROM api_token JOIN user ON user.id = api_token.user_id"
                                  " WHERE token_hash = ?", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        snprintf(user, sizeof(user), "%s", (const char *)sqlite3_column_text(st, 1));
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            snprintf(expires, sizeof(expires), "%s", (const char *)sqlite3_column_text(st, 2));
        revoked = sqlite3_column_type(st, 3) != SQLITE_NULL;
    }
    sqlite3_finalize(st);
    rs_utc_now(now);
    if (!id)
        return rs_error(RS_EDENIED, "unknown token");
    if (revoked)
        return rs_error(RS_EDENIED, "token %lld was revoked", (long long)id);
    if (expires[0] && strcmp(expires, now) <= 0)
        return rs_error(RS_EDENIED, "token %lld expired at %s", (long long)id, expires);
    return rs_actor_resolve(c, user, out);
}
