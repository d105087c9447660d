/* Helpers for the trust tests: a fresh project with one clip, made without media. */
#ifndef RS_TRUST_TEST_H
#define RS_TRUST_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "../rs_test.h"
#include "rushes/error.h"
#include "rushes/trust.h"

/* A project in a new temporary folder, with admin "boss". */
static inline RsCatalog *tt_project(char dir[64])
{
    RsCatalog *c = NULL;
    snprintf(dir, 64, "/tmp/rs-trust.XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    char proj[96];
    snprintf(proj, sizeof(proj), "%s/p", dir);
    if (rs_catalog_create(proj, "Trust", &c) < 0 || rs_trust_init(c, "boss") < 0)
        return NULL;
    return c;
}

/*
 * A clip row named ROLL/PATH as an ingest would leave it (the rows only: the
 * trust code reads names and ids, never the media). Returns the clip id.
 */
static inline int64_t tt_clip(RsCatalog *c, const char *roll, const char *path)
{
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "INSERT OR IGNORE INTO shoot_day (title_id, number) VALUES (1, 1);"
             "INSERT OR IGNORE INTO roll (day_id, kind, name, source_path) VALUES (1, 'camera', '%s', '/cards/%s');"
             "INSERT OR IGNORE INTO ingest_run (id, roll_id, source_path, algo, started_at, status)"
             "  VALUES (1, 1, '/cards', 'xxh64', 'now', 'complete');"
             "INSERT INTO file (roll_id, rel_path, size, mtime_ns, hash_algo, hash, status, first_run, last_run)"
             "  VALUES ((SELECT id FROM roll WHERE name = '%s'), '%s', 1, 1, 'xxh64', '0123456789abcdef', 'ok', 1, 1);"
             "INSERT INTO clip (file_id, kind) VALUES (last_insert_rowid(), 'video');",
             roll, roll, roll, path);
    if (rs_catalog_exec(c, sql) < 0)
        return 0;
    return sqlite3_last_insert_rowid(c->db);
}

static inline void tt_cleanup(RsCatalog **c, const char *dir)
{
    rs_catalog_close(c);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static inline RsActor tt_actor(RsCatalog *c, const char *name)
{
    RsActor a;
    if (rs_actor_resolve(c, name, &a) < 0)
        memset(&a, 0, sizeof(a));
    return a;
}

#endif
