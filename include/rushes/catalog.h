/*
 * rushes: the project store. A project is a folder holding rushes.db, an
 * SQLite database in WAL mode with a versioned schema; each capability
 * (catalog, trust, ...) owns a numbered list of migrations applied in order.
 *
 * Crash safety: every unit of work (one file of an ingest, one clip of an
 * analysis) is committed in its own transaction, so a process killed at any
 * point leaves the store consistent and a rerun resumes after the last commit.
 *
 * One RsCatalog is used by one thread at a time; several processes may open
 * the same project (SQLite locking, with a busy timeout).
 */
#ifndef RUSHES_CATALOG_H
#define RUSHES_CATALOG_H

#include "common.h"

typedef struct RsCatalog RsCatalog;

#define RS_CATALOG_FILE "rushes.db"

/*
 * Create a new project in dir (created if missing) for the given title.
 * RS_EEXIST when dir already holds a project. *out is owned by the caller.
 */
RS_API int rs_catalog_create(const char *dir, const char *title, RsCatalog **out);

/*
 * Open the project in dir, applying pending migrations. RS_ENOPROJ when dir
 * holds no project; RS_ESCHEMA when the store was written by a newer rushes.
 */
RS_API int rs_catalog_open(const char *dir, RsCatalog **out);

/*
 * Find the project for a working directory: start itself or the nearest parent
 * holding rushes.db. Writes the folder into out. RS_ENOPROJ when none.
 */
RS_API int rs_catalog_find(const char *start, char *out, size_t out_size);

RS_API void rs_catalog_close(RsCatalog **c);

/* The project folder (borrowed, valid until close). */
RS_API const char *rs_catalog_dir(const RsCatalog *c);

/* Schema version of a domain ("catalog", "trust", ...), 0 when not applied. */
RS_API int rs_catalog_schema_version(RsCatalog *c, const char *domain);

/*
 * Run a read-only SQL query and write the rows as a JSON array of objects
 * into *json (caller frees). For reports and `rushes ls --json`; parameters
 * are bound as text in order from params (NULL-terminated, may be NULL).
 */
RS_API int rs_catalog_query_json(RsCatalog *c, const char *sql, const char *const *params, char **json);

#endif /* RUSHES_CATALOG_H */
