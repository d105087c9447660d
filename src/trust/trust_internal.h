/* Shared by the trust files: hashing, signing, statement helpers. */
#ifndef RS_TRUST_INTERNAL_H
#define RS_TRUST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog_internal.h"
#include "rushes/trust.h"

/* libsodium must be initialised before use; safe to call many times. */
int rs_trust_sodium(void);

void rs_trust_hex(const unsigned char *in, size_t n, char *out);
int rs_trust_unhex(const char *hex, unsigned char *out, size_t n);   /* 0 or RS_EINVAL */
/* SHA-256 of data as 64 hex digits. */
void rs_trust_sha256_hex(const void *data, size_t n, char out[65]);

/* "sha256:HEX" of a file and its size. */
int rs_trust_sha256_file(const char *path, char out[72], int64_t *size);

/* Sign msg with the project's active key: key id and 128-hex-digit signature. */
int rs_trust_sign(RsCatalog *c, const void *msg, size_t n, char key_id[17], char sig_hex[129]);
/* Verify a signature by a key the project knows (retired keys included). RS_ETAMPER when bad. */
int rs_trust_check_sig(RsCatalog *c, const char *key_id, const void *msg, size_t n, const char *sig_hex);
int rs_trust_check_sig_pub(const char *public_hex, const void *msg, size_t n, const char *sig_hex);
int rs_trust_key_create(RsCatalog *c, char key_id[17]);

/* sqlite3_prepare_v2 mapping failures to RS_ESTORE. */
int rs_trust_prepare(RsCatalog *c, const char *sql, sqlite3_stmt **st);
/* Step a statement expected to finish; finalizes it. */
int rs_trust_step_done(RsCatalog *c, sqlite3_stmt *st, const char *what);

/* A user id by name (RS_ENOENT naming it), active users only. */
int rs_trust_user_id(RsCatalog *c, const char *name, int64_t *id, RsRole *role);

/* Audit an administrative change as "by" with a one-field target and params. */
int rs_trust_audit_simple(RsCatalog *c, const RsActor *by, const char *action, const char *target,
                          const char *params, const char *result);

#endif
