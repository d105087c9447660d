/*
 * The schema, as migrations per capability. A new capability adds its own
 * set here; a change to a released schema is a new step at the end.
 */
#include "catalog/catalog_internal.h"

static const char *const catalog_steps[] = {
    /* 1: the foundation. */
    "CREATE TABLE project (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE title (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE episode (id INTEGER PRIMARY KEY, title_id INTEGER NOT NULL REFERENCES title(id),"
    "  name TEXT NOT NULL, UNIQUE (title_id, name));"
    "CREATE TABLE shoot_day (id INTEGER PRIMARY KEY, title_id INTEGER NOT NULL REFERENCES title(id),"
    "  episode_id INTEGER REFERENCES episode(id), number INTEGER NOT NULL, date TEXT,"
    "  UNIQUE (title_id, episode_id, number));"
    "CREATE TABLE roll (id INTEGER PRIMARY KEY, day_id INTEGER NOT NULL REFERENCES shoot_day(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('camera', 'sound')), name TEXT NOT NULL, camera TEXT,"
    "  source_path TEXT NOT NULL, UNIQUE (day_id, name));"
    "CREATE TABLE ingest_run (id INTEGER PRIMARY KEY, roll_id INTEGER NOT NULL REFERENCES roll(id),"
    "  source_path TEXT NOT NULL, algo TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),"
    "  mhl_path TEXT, report TEXT);"
    "CREATE TABLE file (id INTEGER PRIMARY KEY, roll_id INTEGER NOT NULL REFERENCES roll(id),"
    "  rel_path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    "  hash_algo TEXT NOT NULL, hash TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('ok', 'mismatch', 'missing', 'error')),"
    "  duplicate_of TEXT, first_run INTEGER NOT NULL REFERENCES ingest_run(id),"
    "  last_run INTEGER NOT NULL REFERENCES ingest_run(id), UNIQUE (roll_id, rel_path));"
    "CREATE TABLE file_event (id INTEGER PRIMARY KEY, file_id INTEGER REFERENCES file(id),"
    "  run_id INTEGER NOT NULL REFERENCES ingest_run(id), rel_path TEXT NOT NULL,"
    "  status TEXT NOT NULL, hash TEXT, detail TEXT, at TEXT NOT NULL);"
    "CREATE INDEX file_event_run ON file_event(run_id);"
    "CREATE TABLE clip (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL UNIQUE REFERENCES file(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('video', 'audio', 'none')), container TEXT,"
    "  codec TEXT, profile TEXT, pix_fmt TEXT, width INTEGER, height INTEGER, bit_depth INTEGER,"
    "  rate_num INTEGER, rate_den INTEGER, vfr INTEGER, sar_num INTEGER, sar_den INTEGER,"
    "  rotation INTEGER, frames INTEGER, duration_us INTEGER, start_tc TEXT, tc_drop INTEGER,"
    "  reel TEXT, camera TEXT, audio_codec TEXT, audio_channels INTEGER, audio_layout TEXT,"
    "  sample_rate INTEGER, bwf_time_reference INTEGER, probe_error TEXT, probe_json TEXT);"
    "CREATE TABLE analysis (id INTEGER PRIMARY KEY, clip_id INTEGER NOT NULL REFERENCES clip(id),"
    "  analyzer TEXT NOT NULL, version INTEGER NOT NULL, params TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('complete', 'failed')), frames INTEGER,"
    "  summary TEXT, error TEXT, finished_at TEXT NOT NULL, UNIQUE (clip_id, analyzer));"
    "CREATE TABLE series (analysis_id INTEGER NOT NULL REFERENCES analysis(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, type TEXT NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL,"
    "  PRIMARY KEY (analysis_id, name));"
    "CREATE TABLE clip_frames (clip_id INTEGER PRIMARY KEY REFERENCES clip(id),"
    "  frames INTEGER NOT NULL, tb_num INTEGER NOT NULL, tb_den INTEGER NOT NULL,"
    "  pts BLOB NOT NULL, decode TEXT NOT NULL);"
    "CREATE TABLE flag (id INTEGER PRIMARY KEY, clip_id INTEGER REFERENCES clip(id),"
    "  source TEXT NOT NULL, kind TEXT NOT NULL, start_frame INTEGER, end_frame INTEGER,"
    "  severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),"
    "  message TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open'"
    "  CHECK (status IN ('open', 'accepted', 'rejected', 'fixed')), created_at TEXT NOT NULL);"
    "CREATE TABLE decision (id INTEGER PRIMARY KEY, flag_id INTEGER NOT NULL REFERENCES flag(id),"
    "  actor TEXT NOT NULL, verdict TEXT NOT NULL, note TEXT, at TEXT NOT NULL);",
    /* 2: an image sequence is one clip whose media is a folder; the clip hangs on its first frame's file. */
    "ALTER TABLE clip ADD COLUMN media_path TEXT;",
    /* 3: the slate's scene and take, as the camera or the sound recorder wrote them. */
    "ALTER TABLE clip ADD COLUMN scene TEXT; ALTER TABLE clip ADD COLUMN take TEXT;",
};

static const RsMigrationSet catalog_migrations = {
    "catalog", catalog_steps, (int)(sizeof(catalog_steps) / sizeof(catalog_steps[0]))
};

/* Trust: users, tokens, consent, the audit chain and the signing keys (doc/trust.md). */
static const char *const trust_steps[] = {
    /* 1 */
    "CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
    "  password_hash TEXT, created_at TEXT NOT NULL, removed_at TEXT);"
    "CREATE TABLE api_token (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES user(id),"
    "  token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT);"
    "CREATE TABLE vendor_clip (user_id INTEGER NOT NULL REFERENCES user(id),"
    "  clip_id INTEGER NOT NULL REFERENCES clip(id), PRIMARY KEY (user_id, clip_id));"
    "CREATE TABLE subject (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);"
    "CREATE TABLE subject_clip (subject_id INTEGER NOT NULL REFERENCES subject(id),"
    "  clip_id INTEGER NOT NULL REFERENCES clip(id), PRIMARY KEY (subject_id, clip_id));"
    "CREATE TABLE consent (id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL REFERENCES subject(id),"
    "  use TEXT NOT NULL, value TEXT NOT NULL CHECK (value IN ('allowed', 'notAllowed', 'constrained')),"
    "  constraint_text TEXT, scope TEXT NOT NULL, valid_from TEXT, valid_until TEXT, contract TEXT,"
    "  recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, revoked_at TEXT, revoked_by TEXT,"
    "  revoke_reason TEXT);"
    "CREATE TABLE signing_key (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, retired_at TEXT);"
    "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
    "  role TEXT NOT NULL, action TEXT NOT NULL, target TEXT, inputs TEXT, outputs TEXT, params TEXT,"
    "  result TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TABLE audit_checkpoint (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, key_id TEXT NOT NULL,"
    "  signature TEXT NOT NULL, at TEXT NOT NULL);",
};

static const RsMigrationSet trust_migrations = {
    "trust", trust_steps, (int)(sizeof(trust_steps) / sizeof(trust_steps[0]))
};

const RsMigrationSet *const rs_migration_sets[] = {
    &catalog_migrations,
    &trust_migrations,
    NULL
};
