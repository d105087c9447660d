/*
 * Users of a project and their roles. Passwords are stored as argon2id
 * strings (libsodium crypto_pwhash_str_alg); the command line acts as a named
 * local user without a password, the HTTP server will check passwords and
 * tokens. Every change is an audit entry written in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "rushes/error.h"
#include "trust/trust_internal.h"

int rs_trust_user_id(RsCatalog *c, const char *name, int64_t *id, RsRole *role)
{
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT id, role, removed_at FROM user WHERE name = ?", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rs_error(RS_ENOENT, "unknown user '%s' (list them with: rushes user list)", name);
    }
    int removed = sqlite3_column_type(st, 2) != SQLITE_NULL;
    *id = sqlite3_column_int64(st, 0);
    RsRole r = RS_ROLE_VIEWER;
    ret = rs_role_from_name((const char *)sqlite3_column_text(st, 1), &r);
    sqlite3_finalize(st);
    if (ret < 0)
        return ret;
    if (role)
        *role = r;
    return removed ? rs_error(RS_EDENIED, "user '%s' was removed from the project", name) : 0;
}

int rs_actor_resolve(RsCatalog *c, const char *name, RsActor *out)
{
    memset(out, 0, sizeof(*out));
    char first[64] = "";
    if (!name || !*name) {
        sqlite3_stmt *st;
        int ret = rs_trust_prepare(c, "SELECT name FROM user WHERE role = 'admin' AND removed_at IS NULL"
                                      " ORDER BY id LIMIT 1", &st);
        if (ret < 0)
            return ret;
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(first, sizeof(first), "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (!first[0])
            return rs_error(RS_EDENIED, "%s: the project has no admin user; name one with --user NAME",
                            rs_catalog_dir(c));
        name = first;
    }
    if (strlen(name) >= sizeof(out->user))
        return rs_error(RS_EINVAL, "user name '%.20s...' is too long (63 bytes at most)", name);
    int ret = rs_trust_user_id(c, name, &out->user_id, &out->role);
    if (ret < 0)
        return ret;
    snprintf(out->user, sizeof(out->user), "%s", name);
    return 0;
}

static int valid_name(const char *name)
{
    if (!name || !*name || strlen(name) > 63)
        return rs_error(RS_EINVAL, "a user name has 1 to 63 characters");
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
            return rs_error(RS_EINVAL, "user name '%s': no quotes, backslashes or control characters", name);
    return 0;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES])
{
    int ret = rs_trust_sodium();
    if (ret < 0)
        return ret;
    if (strlen(password) < 8)
        return rs_error(RS_EINVAL, "a password needs at least 8 characters");
    if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
        return rs_error(RS_ENOMEM, "argon2id: out of memory hashing the password");
    return 0;
}

/*
 * Run one statement on a user plus its audit entry in one transaction; ?1, ?2
 * and ?3 are bound to a, b and x, ?4 to the time. A statement without some of
 * those parameters ignores them (SQLite refuses the bind with SQLITE_RANGE).
 */
static int change(RsCatalog *c, const RsActor *by, const char *sql, const char *a, const char *b, const char *x,
                  const char *action, const char *params)
{
    int ret = rs_catalog_begin(c);
    if (ret < 0)
        return ret;
    sqlite3_stmt *st;
    char now[32];
    rs_utc_now(now);
    if ((ret = rs_trust_prepare(c, sql, &st)) < 0)
        goto fail;
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, x, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    if ((ret = rs_trust_step_done(c, st, action)) < 0)
        goto fail;
    if (!sqlite3_changes(c->db)) {
        ret = rs_error(RS_ENOENT, "unknown user '%s' (list them with: rushes user list)", a);
        goto fail;
    }
    if ((ret = rs_trust_audit_simple(c, by, action, a, params, "ok")) < 0)
        goto fail;
    return rs_catalog_commit(c);
fail:
    rs_catalog_rollback(c);
    return ret;
}

int rs_user_add(RsCatalog *c, const RsActor *by, const char *name, RsRole role, const char *password)
{
    char hash[crypto_pwhash_STRBYTES], params[64];
    int64_t id;
    int ret = rs_trust_require(by, RS_OP_USERS);
    if (ret < 0 || (ret = valid_name(name)) < 0)
        return ret;
    if (!rs_role_name(role)[0])
        return rs_error(RS_EINVAL, "role %d is out of range", (int)role);
    if (rs_trust_user_id(c, name, &id, NULL) != RS_ENOENT)
        return rs_error(RS_EEXIST, "user '%s' already exists", name);
    rs_error_clear();
    if (password && (ret = hash_password(password, hash)) < 0)
        return ret;
    snprintf(params, sizeof(params), "{\"role\":\"%s\"}", rs_role_name(role));
    return change(c, by, "INSERT INTO user (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                  name, rs_role_name(role), password ? hash : NULL, "user.add", params);
}

/* The change must leave the project with an admin, or nobody could manage it any more. */
static int keeps_an_admin(RsCatalog *c, const char *name)
{
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT count(*) FROM user WHERE role = 'admin' AND removed_at IS NULL"
                                  " AND name != ?", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return n > 0 ? 0 : rs_error(RS_EDENIED, "'%s' is the last admin of the project; make another user admin first",
                                name);
}

int rs_user_set_role(RsCatalog *c, const RsActor *by, const char *name, RsRole role)
{
    char params[64];
    int64_t id;
    RsRole old;
    int ret = rs_trust_require(by, RS_OP_USERS);
    if (ret < 0 || (ret = rs_trust_user_id(c, name, &id, &old)) < 0)
        return ret;
    if (!rs_role_name(role)[0])
        return rs_error(RS_EINVAL, "role %d is out of range", (int)role);
    if (old == RS_ROLE_ADMIN && role != RS_ROLE_ADMIN && (ret = keeps_an_admin(c, name)) < 0)
        return ret;
    snprintf(params, sizeof(params), "{\"from\":\"%s\",\"to\":\"%s\"}", rs_role_name(old), rs_role_name(role));
    return change(c, by, "UPDATE user SET role = ?2 WHERE name = ?1", name,
                  rs_role_name(role), NULL, "user.role", params);
}

int rs_user_set_password(RsCatalog *c, const RsActor *by, const char *name, const char *password)
{
    char hash[crypto_pwhash_STRBYTES];
    int64_t id;
    int ret = rs_trust_require(by, RS_OP_USERS);
    if (ret < 0 || (ret = rs_trust_user_id(c, name, &id, NULL)) < 0 || (ret = hash_password(password, hash)) < 0)
        return ret;
    return change(c, by, "UPDATE user SET password_hash = ?2 WHERE name = ?1",
                  name, hash, NULL, "user.passwd", NULL);
}

int rs_user_remove(RsCatalog *c, const RsActor *by, const char *name)
{
    int64_t id;
    RsRole role;
    int ret = rs_trust_require(by, RS_OP_USERS);
    if (ret < 0 || (ret = rs_trust_user_id(c, name, &id, &role)) < 0)
        return ret;
    if (role == RS_ROLE_ADMIN && (ret = keeps_an_admin(c, name)) < 0)
        return ret;
    /* Users are marked removed, never deleted: the audit log keeps naming them. */
    return change(c, by, "UPDATE user SET removed_at = ?4 WHERE name = ?1", name,
                  NULL, NULL, "user.remove", NULL);
}

int rs_user_login(RsCatalog *c, const char *name, const char *password, RsActor *out)
{
    int ret = rs_trust_sodium();
    if (ret < 0)
        return ret;
    if (!name || !*name)
        return rs_error(RS_EDENIED, "a login needs a user name");
    if ((ret = rs_actor_resolve(c, name, out)) < 0) {
        /* Failed attempts on unknown or removed users are evidence too. */
        char saved[512];
        snprintf(saved, sizeof(saved), "%s", rs_error_message());
        rs_trust_audit_simple(c, NULL, "login", name, NULL, "refused: unknown or removed user");
        return rs_error(RS_EDENIED, "%s", saved);
    }
    sqlite3_stmt *st;
    if ((ret = rs_trust_prepare(c, "SELECT password_hash FROM user WHERE id = ?", &st)) < 0)
        return ret;
    sqlite3_bind_int64(st, 1, out->user_id);
    int ok = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        ok = !crypto_pwhash_str_verify((const char *)sqlite3_column_text(st, 0), password, strlen(password));
    sqlite3_finalize(st);
    rs_trust_audit_simple(c, out, "login", name, NULL, ok ? "ok" : "refused: wrong password");
    if (!ok) {
        memset(out, 0, sizeof(*out));
        return rs_error(RS_EDENIED, "user '%s': wrong password (or none set)", name);
    }
    return 0;
}

int rs_vendor_assign(RsCatalog *c, const RsActor *by, const char *vendor, int64_t clip_id)
{
    int64_t uid;
    RsRole role;
    char params[48];
    int ret = rs_trust_require(by, RS_OP_USERS);
    if (ret < 0 || (ret = rs_trust_user_id(c, vendor, &uid, &role)) < 0)
        return ret;
    if (role != RS_ROLE_VENDOR)
        return rs_error(RS_EINVAL, "user '%s' is %s, not a vendor: only vendors are assigned clips", vendor,
                        rs_role_name(role));
    sqlite3_stmt *st;
    if ((ret = rs_catalog_begin(c)) < 0)
        return ret;
    if ((ret = rs_trust_prepare(c, "INSERT OR IGNORE INTO vendor_clip VALUES (?, ?)", &st)) < 0)
        goto fail;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_int64(st, 2, clip_id);
    if ((ret = rs_trust_step_done(c, st, "assigning a clip")) < 0)
        goto fail;
    snprintf(params, sizeof(params), "{\"clip_id\":%lld}", (long long)clip_id);
    if ((ret = rs_trust_audit_simple(c, by, "vendor.assign", vendor, params, "ok")) < 0)
        goto fail;
    return rs_catalog_commit(c);
fail:
    rs_catalog_rollback(c);
    return ret;
}
