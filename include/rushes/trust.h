/*
 * rushes: trust. Who may do what (users and roles), what the people on screen
 * allowed (consent), what was done (a hash-chained, signed audit log), and
 * what was produced (signed sidecar manifests). doc/trust.md explains the
 * model, the role matrix and the mapping onto C2PA.
 *
 * Enforcement lives here, not in the command line: every operation on project
 * footage names an RsActor and an RsUse, and rs_trust_authorize() checks the
 * role and the consent of every clip and subject before a frame is read.
 *
 * Threading: like RsCatalog, one thread at a time per catalog.
 * Errors: RS_EDENIED for refusals (the message names the clip, the missing use
 * and the command that records it), RS_ETAMPER for a chain or signature that
 * does not verify, RS_ENOENT for unknown users/records, RS_EINVAL for
 * malformed input (naming the field).
 */
#ifndef RUSHES_TRUST_H
#define RUSHES_TRUST_H

#include <stdint.h>

#include "catalog.h"

/* ---- users and roles ---- */

typedef enum RsRole {
    RS_ROLE_ADMIN = 0,
    RS_ROLE_SUPERVISOR,
    RS_ROLE_EDITOR,
    RS_ROLE_ARTIST,
    RS_ROLE_VENDOR,      /* sees and works on only the clips assigned to it */
    RS_ROLE_VIEWER,
    RS_ROLE_COUNT,
} RsRole;

/* Operations the role matrix governs (doc/trust.md has the table). */
typedef enum RsOp {
    RS_OP_READ = 0,      /* list clips, read results */
    RS_OP_INGEST,        /* ingest and checksum verification */
    RS_OP_ANALYZE,
    RS_OP_CLEAN,
    RS_OP_COLOUR,
    RS_OP_TRAIN,
    RS_OP_EXPORT,
    RS_OP_CONSENT,       /* record and revoke consent */
    RS_OP_USERS,         /* manage users, roles, tokens, keys */
    RS_OP_AUDIT,         /* read and verify the audit log */
    RS_OP_COUNT,
} RsOp;

/* Uses of footage that need consent, CAWG training-and-data-mining style. */
typedef enum RsUse {
    RS_USE_ANALYSIS = 0,
    RS_USE_CLEANUP,
    RS_USE_COLOUR,
    RS_USE_TRAINING,
    RS_USE_EXPORT,
    RS_USE_COUNT,
} RsUse;

RS_API const char *rs_role_name(RsRole r);          /* "admin", ...; "" when out of range */
RS_API int rs_role_from_name(const char *name, RsRole *r);   /* RS_EINVAL naming the valid ones */
RS_API const char *rs_op_name(RsOp op);
RS_API int rs_op_from_name(const char *name, RsOp *op);
RS_API const char *rs_use_name(RsUse u);            /* "analysis", "cleanup", "colour", "training", "export" */
RS_API int rs_use_from_name(const char *name, RsUse *u);

/* 1 when the role matrix lets role do op (vendor: on its assigned clips only). */
RS_API int rs_role_allows(RsRole role, RsOp op);

/* Who acts. The command line acts as a named local user without a password. */
typedef struct RsActor {
    char user[64];
    RsRole role;
    int64_t user_id;
} RsActor;

/*
 * Resolve name (NULL = the project's first admin) to an actor.
 * RS_ENOENT when no such user, RS_EDENIED when the user was removed.
 */
RS_API int rs_actor_resolve(RsCatalog *c, const char *name, RsActor *out);

/*
 * Set up trust in a new project: the first signing key (PROJECT/keys/, mode
 * 0600) and the admin user named admin. Called once by `rushes init`.
 */
RS_API int rs_trust_init(RsCatalog *c, const char *admin);

/*
 * A project created before trust has no users and no key: make admin its
 * admin and create its key (logged as a warning). Returns 1 when it did so,
 * 0 when the project already had users or keys.
 */
RS_API int rs_trust_adopt(RsCatalog *c, const char *admin);

/* Users. by is the acting user (needs RS_OP_USERS); each change is audited. */
RS_API int rs_user_add(RsCatalog *c, const RsActor *by, const char *name, RsRole role, const char *password);
RS_API int rs_user_set_role(RsCatalog *c, const RsActor *by, const char *name, RsRole role);
RS_API int rs_user_set_password(RsCatalog *c, const RsActor *by, const char *name, const char *password);
RS_API int rs_user_remove(RsCatalog *c, const RsActor *by, const char *name);
/* Check a password (argon2id); RS_EDENIED when wrong or the user is unknown. Every attempt is audited. */
RS_API int rs_user_login(RsCatalog *c, const char *name, const char *password, RsActor *out);
/* Assign a clip (by id) to a vendor user. */
RS_API int rs_vendor_assign(RsCatalog *c, const RsActor *by, const char *vendor, int64_t clip_id);

/*
 * API tokens: 32 random bytes shown once as 64 hex digits in token (65 bytes),
 * stored only as a SHA-256 hash. expires is ISO 8601 ("2026-12-31" or
 * "2026-12-31T18:00:00Z"), NULL = never. *id receives the token's id.
 */
RS_API int rs_token_create(RsCatalog *c, const RsActor *by, const char *user, const char *expires,
                           char token[65], int64_t *id);
RS_API int rs_token_revoke(RsCatalog *c, const RsActor *by, int64_t id);
/* Resolve a token to its user; RS_EDENIED when unknown, revoked or expired (saying which). */
RS_API int rs_token_check(RsCatalog *c, const char *token, RsActor *out);

/* ---- consent ---- */

typedef enum RsConsentValue {
    RS_CONSENT_ALLOWED = 0,     /* CAWG "allowed" */
    RS_CONSENT_NOT_ALLOWED,     /* CAWG "notAllowed" */
    RS_CONSENT_CONSTRAINED,     /* CAWG "constrained": allowed under the stated constraint */
} RsConsentValue;

typedef struct RsConsentRecord {
    const char *subject;        /* person on screen */
    RsUse use;
    RsConsentValue value;
    const char *constraint;     /* required for constrained, else NULL */
    const char *scope;          /* "project", "roll:ROLL" (e.g. "roll:A001"), or "clip:ROLL/PATH" */
    const char *from, *until;   /* ISO 8601 dates, NULL = open */
    const char *contract;       /* contract reference */
} RsConsentRecord;

/* Record consent (the subject is created when new). *id receives the record id. */
RS_API int rs_consent_add(RsCatalog *c, const RsActor *by, const RsConsentRecord *r, int64_t *id);
/* Revoke a record: every later use it allowed is refused. */
RS_API int rs_consent_revoke(RsCatalog *c, const RsActor *by, int64_t id, const char *reason);
/*
 * Say that subject appears in the clip named "ROLL/PATH". A subject with no
 * such links is taken to appear in every clip of the project.
 */
RS_API int rs_subject_link(RsCatalog *c, const RsActor *by, const char *subject, const char *clip);

/* Why an authorisation succeeded or failed. */
typedef struct RsConsentDecision {
    int allowed;
    char clip[512];             /* "ROLL/PATH" */
    char subject[128];          /* the subject at fault when refused */
    char reason[1024];          /* a sentence, with the command that fixes it when refused */
    int64_t records[16];        /* consent records relied on */
    int nb_records;
} RsConsentDecision;

/*
 * May actor perform use on the clip? Checks the role matrix (and a vendor's
 * assignment), then that every subject appearing in the clip has an
 * allowed or constrained record covering the clip, the use and the date, not
 * revoked and not overridden by a notAllowed one. No subject at all means no
 * consent. Returns 0, RS_EDENIED (message = why->reason) or RS_ENOENT for an
 * unknown clip; why may be NULL.
 */
RS_API int rs_trust_authorize(RsCatalog *c, const RsActor *actor, RsUse use, int64_t clip_id,
                              RsConsentDecision *why);

/* Role only, for operations that are not about a clip's footage. */
RS_API int rs_trust_require(const RsActor *actor, RsOp op);

/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) into the second form; RS_EINVAL naming the text. */
RS_API int rs_trust_parse_time(const char *s, char out[32]);

/* ---- audit log ---- */

typedef struct RsAuditEntry {
    const char *action;         /* "ingest", "analysis", "consent.add", "user.role", "login", ... */
    const char *target;         /* what it was about: a clip, a user, a card */
    const char *inputs;         /* JSON array of {"path","hash"} or NULL */
    const char *outputs;        /* JSON array of {"path","hash"} or NULL */
    const char *params;         /* JSON object or NULL */
    const char *result;         /* "ok", "refused", "failed: ..." */
} RsAuditEntry;

/* Append an entry chained to the previous one. by may be NULL for "system". */
RS_API int rs_audit_append(RsCatalog *c, const RsActor *by, const RsAuditEntry *e);
/* Sign the current head with the active key (done at the end of each command). */
RS_API int rs_audit_checkpoint(RsCatalog *c);

typedef struct RsAuditReport {
    int64_t entries, checkpoints;
    int64_t first_bad;          /* sequence number of the first bad entry, 0 when all verify */
    int64_t unsigned_tail;      /* entries after the last signed checkpoint */
    char message[1024];
} RsAuditReport;

/* Walk the chain and the checkpoints. RS_ETAMPER with report->first_bad set when not intact. */
RS_API int rs_audit_verify(RsCatalog *c, RsAuditReport *report);

/* The log as JSON lines (one object per entry, caller frees). from_seq >= 1. */
RS_API int rs_audit_export(RsCatalog *c, int64_t from_seq, char **jsonl);

/*
 * A listing for the command line and the server: what is "users", "tokens",
 * "consent", "subjects" or "keys"; json = 1 gives a JSON array, 0 aligned text
 * lines. *out is the caller's. Token hashes and secrets are never listed.
 */
RS_API int rs_trust_list(RsCatalog *c, const char *what, int json, char **out);

/* ---- keys ---- */

/* Active key id (16 hex digits) and public key (64 hex digits). */
RS_API int rs_key_active(RsCatalog *c, char key_id[17], char public_hex[65]);
/* New key; the old one is retired but stays known, so its signatures still verify. */
RS_API int rs_key_rotate(RsCatalog *c, const RsActor *by, char key_id[17]);

/* ---- signed manifests ---- */

typedef struct RsManifestItem {
    const char *path;
    const char *hash;           /* "sha256:HEX" or an MHL algorithm name + ":" + hex */
} RsManifestItem;

typedef struct RsManifestInfo {
    const char *operation;      /* "ingest.mhl", "cleanup.render", ... */
    const char *c2pa_action;    /* "c2pa.created", "c2pa.edited", ... */
    const char *params;         /* JSON object or NULL */
    const RsManifestItem *inputs;
    int nb_inputs;
    const int64_t *consents;    /* consent records relied on */
    int nb_consents;
} RsManifestInfo;

#define RS_MANIFEST_SUFFIX ".rushes-manifest.json"

/* Write FILE.rushes-manifest.json beside output, signed by the active key. */
RS_API int rs_manifest_write(RsCatalog *c, const RsActor *by, const char *output, const RsManifestInfo *m);

/*
 * Check the sidecar of file: signature by a key the project knows (c may be
 * NULL when public_hex is given), and that file still has the recorded
 * hash. RS_ETAMPER naming what does not match; RS_ENOENT without a manifest.
 */
RS_API int rs_manifest_verify(RsCatalog *c, const char *public_hex, const char *file, char *detail,
                              size_t detail_size);

#endif /* RUSHES_TRUST_H */
