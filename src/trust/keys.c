/*
 * The project's Ed25519 signing keys. The secret key lives in
 * PROJECT/keys/KEYID.sk (folder 0700, file 0600) and never enters the store;
 * every public key is kept in the store by key id, so a rotated key's
 * signatures (checkpoints, manifests) still verify after rotation.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "rushes/error.h"
#include "rushes/log.h"
#include "trust/trust_internal.h"

int rs_trust_sodium(void)
{
    if (sodium_init() < 0)
        return rs_error(RS_EIO, "libsodium could not be initialised");
    return 0;
}

void rs_trust_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int rs_trust_unhex(const char *hex, unsigned char *out, size_t n)
{
    size_t bin_len = 0;
    if (!hex || strlen(hex) != 2 * n ||
        sodium_hex2bin(out, n, hex, 2 * n, NULL, &bin_len, NULL) || bin_len != n)
        return RS_EINVAL;
    return 0;
}

void rs_trust_sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, data, n);
    rs_trust_hex(d, sizeof(d), out);
}

int rs_trust_prepare(RsCatalog *c, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(c->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : rs_catalog_error(c, sql);
}

int rs_trust_step_done(RsCatalog *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : rs_catalog_error(c, what);
}

static int key_path(RsCatalog *c, const char *key_id, char *out, size_t n)
{
    if ((size_t)snprintf(out, n, "%s/keys/%s.sk", rs_catalog_dir(c), key_id) >= n)
        return rs_error(RS_EINVAL, "%s: project path too long", rs_catalog_dir(c));
    return 0;
}

int rs_trust_key_create(RsCatalog *c, char key_id[17])
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char path[PATH_MAX], dir[PATH_MAX], sk_hex[2 * sizeof(sk) + 2], pk_hex[65], digest[65], now[32];
    int ret = rs_trust_sodium();
    if (ret < 0)
        return ret;
    crypto_sign_keypair(pk, sk);
    rs_trust_hex(pk, sizeof(pk), pk_hex);
    rs_trust_sha256_hex(pk, sizeof(pk), digest);
    memcpy(key_id, digest, 16);
    key_id[16] = '\0';
    snprintf(dir, sizeof(dir), "%s/keys", rs_catalog_dir(c));
    if (mkdir(dir, 0700) && errno != EEXIST)
        return rs_error(-errno, "%s: %s", dir, strerror(errno));
    if ((ret = key_path(c, key_id, path, sizeof(path))) < 0)
        return ret;
    /* Created with 0600 from the start: never a moment when others could read it. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return rs_error(-errno, "%s: cannot create the signing key: %s", path, strerror(errno));
    rs_trust_hex(sk, sizeof(sk), sk_hex);
    sodium_memzero(sk, sizeof(sk));
    size_t len = strlen(sk_hex);
    sk_hex[len++] = '\n';
    ssize_t w = write(fd, sk_hex, len);
    sodium_memzero(sk_hex, sizeof(sk_hex));
    if (w != (ssize_t)len || fsync(fd) || close(fd)) {
        unlink(path);
        return rs_error(RS_EIO, "%s: cannot write the signing key", path);
    }
    sqlite3_stmt *st;
    rs_utc_now(now);
    if ((ret = rs_trust_prepare(c, "INSERT INTO signing_key VALUES (?, ?, ?, NULL)", &st)) < 0)
        return ret;
    sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pk_hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return rs_trust_step_done(c, st, "recording the signing key");
}

int rs_key_active(RsCatalog *c, char key_id[17], char public_hex[65])
{
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT key_id, public_key FROM signing_key WHERE retired_at IS NULL"
                                  " ORDER BY rowid DESC LIMIT 1", &st);
    if (ret < 0)
        return ret;
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rs_error(RS_ENOENT, "%s: the project has no signing key (a project from before trust: "
                        "run 'rushes key rotate' as admin)", rs_catalog_dir(c));
    }
    snprintf(key_id, 17, "%s", (const char *)sqlite3_column_text(st, 0));
    if (public_hex)
        snprintf(public_hex, 65, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    return 0;
}

static int load_secret(RsCatalog *c, const char *key_id, unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
    char path[PATH_MAX], hex[2 * crypto_sign_SECRETKEYBYTES + 8];
    struct stat stt;
    int ret = key_path(c, key_id, path, sizeof(path));
    if (ret < 0)
        return ret;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return rs_error(errno == ENOENT ? RS_ENOENT : -errno, "%s: signing key %s missing: %s", path, key_id,
                        strerror(errno));
    /* A key others can read is no longer the project's alone: refuse to sign with it. */
    if (fstat(fd, &stt) || (stt.st_mode & 077)) {
        close(fd);
        return rs_error(RS_EACCES, "%s: the signing key is readable by others (mode %03o); chmod 600 it",
                        path, (unsigned)(stt.st_mode & 0777));
    }
    ssize_t n = read(fd, hex, sizeof(hex) - 1);
    close(fd);
    if (n < 2 * crypto_sign_SECRETKEYBYTES)
        return rs_error(RS_EINVAL, "%s: not a rushes signing key (too short)", path);
    hex[2 * crypto_sign_SECRETKEYBYTES] = '\0';
    ret = rs_trust_unhex(hex, sk, crypto_sign_SECRETKEYBYTES);
    sodium_memzero(hex, sizeof(hex));
    return ret < 0 ? rs_error(RS_EINVAL, "%s: not a rushes signing key (bad hex)", path) : 0;
}

int rs_trust_sign(RsCatalog *c, const void *msg, size_t n, char key_id[17], char sig_hex[129])
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    int ret = rs_trust_sodium();
    if (ret < 0 || (ret = rs_key_active(c, key_id, NULL)) < 0 || (ret = load_secret(c, key_id, sk)) < 0)
        return ret;
    crypto_sign_detached(sig, NULL, msg, n, sk);
    sodium_memzero(sk, sizeof(sk));
    rs_trust_hex(sig, sizeof(sig), sig_hex);
    return 0;
}

int rs_trust_check_sig_pub(const char *public_hex, const void *msg, size_t n, const char *sig_hex)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    int ret = rs_trust_sodium();
    if (ret < 0)
        return ret;
    if (rs_trust_unhex(public_hex, pk, sizeof(pk)) < 0)
        return rs_error(RS_EINVAL, "not a public key (expected 64 hex digits)");
    if (rs_trust_unhex(sig_hex, sig, sizeof(sig)) < 0)
        return rs_error(RS_ETAMPER, "the signature is malformed");
    if (crypto_sign_verify_detached(sig, msg, n, pk))
        return rs_error(RS_ETAMPER, "the signature does not verify");
    return 0;
}

int rs_trust_check_sig(RsCatalog *c, const char *key_id, const void *msg, size_t n, const char *sig_hex)
{
    sqlite3_stmt *st;
    char pk_hex[65];
    int ret = rs_trust_prepare(c, "SELECT public_key FROM signing_key WHERE key_id = ?", &st);
    if (ret < 0)
        return ret;
    sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rs_error(RS_ETAMPER, "signed by key %s, which this project does not know", key_id);
    }
    snprintf(pk_hex, sizeof(pk_hex), "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rs_trust_check_sig_pub(pk_hex, msg, n, sig_hex);
}

int rs_key_rotate(RsCatalog *c, const RsActor *by, char key_id[17])
{
    int ret = rs_trust_require(by, RS_OP_USERS);
    if (ret < 0)
        return ret;
    char now[32], old[17] = "";
    rs_utc_now(now);
    rs_key_active(c, old, NULL);
    rs_error_clear();
    if ((ret = rs_catalog_begin(c)) < 0)
        return ret;
    sqlite3_stmt *st;
    if ((ret = rs_trust_prepare(c, "UPDATE signing_key SET retired_at = ? WHERE retired_at IS NULL", &st)) < 0 ||
        (sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC), ret = rs_trust_step_done(c, st, "retiring a key")) < 0 ||
        (ret = rs_trust_key_create(c, key_id)) < 0) {
        rs_catalog_rollback(c);
        return ret;
    }
    char params[96];
    snprintf(params, sizeof(params), "{\"old\":\"%s\",\"new\":\"%s\"}", old, key_id);
    if ((ret = rs_trust_audit_simple(c, by, "key.rotate", key_id, params, "ok")) < 0) {
        rs_catalog_rollback(c);
        return ret;
    }
    return rs_catalog_commit(c);
}

int rs_trust_adopt(RsCatalog *c, const char *admin)
{
    sqlite3_stmt *st;
    int ret = rs_trust_prepare(c, "SELECT (SELECT count(*) FROM user) + (SELECT count(*) FROM signing_key)", &st);
    if (ret < 0)
        return ret;
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (n != 0)
        return 0;
    rs_log(RS_LOG_WARNING, "%s: a project from before trust: '%s' becomes its admin and a signing key is made",
           rs_catalog_dir(c), admin);
    return (ret = rs_trust_init(c, admin)) < 0 ? ret : 1;
}

int rs_trust_init(RsCatalog *c, const char *admin)
{
    char key_id[17];
    if (!admin || !*admin)
        return rs_error(RS_EINVAL, "the project needs an admin user name");
    int ret = rs_catalog_begin(c);
    if (ret < 0)
        return ret;
    sqlite3_stmt *st;
    char now[32];
    rs_utc_now(now);
    if ((ret = rs_trust_key_create(c, key_id)) < 0 ||
        (ret = rs_trust_prepare(c, "INSERT INTO user (name, role, created_at) VALUES (?, 'admin', ?)", &st)) < 0)
        goto fail;
    sqlite3_bind_text(st, 1, admin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    if ((ret = rs_trust_step_done(c, st, "creating the admin user")) < 0)
        goto fail;
    RsActor a = { .role = RS_ROLE_ADMIN };
    snprintf(a.user, sizeof(a.user), "%s", admin);
    if ((ret = rs_trust_audit_simple(c, &a, "project.init", admin, NULL, "ok")) < 0)
        goto fail;
    if ((ret = rs_catalog_commit(c)) < 0)
        return ret;
    return rs_audit_checkpoint(c);
fail:
    rs_catalog_rollback(c);
    return ret;
}
