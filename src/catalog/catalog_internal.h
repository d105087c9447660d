/* The store as other library modules see it: the SQLite handle and helpers. */
#ifndef RS_CATALOG_INTERNAL_H
#define RS_CATALOG_INTERNAL_H

#include <sqlite3.h>

#include "rushes/catalog.h"

struct RsCatalog {
    sqlite3 *db;
    char *dir;
};

/*
 * A capability's migrations: steps[i] takes its schema from version i to
 * i + 1. Steps are only ever appended; a released step never changes.
 */
typedef struct RsMigrationSet {
    const char *domain;
    const char *const *steps;
    int count;
} RsMigrationSet;

/* Every migration set, NULL-terminated (migrations.c). */
extern const RsMigrationSet *const rs_migration_sets[];

int rs_catalog_migrate(RsCatalog *c);

/* Map an SQLite failure to RS_ESTORE with a message naming what was being done. */
int rs_catalog_error(RsCatalog *c, const char *what);

int rs_catalog_exec(RsCatalog *c, const char *sql);
int rs_catalog_begin(RsCatalog *c);    /* BEGIN IMMEDIATE: take the write lock up front */
int rs_catalog_commit(RsCatalog *c);
void rs_catalog_rollback(RsCatalog *c);

/* Current UTC time as ISO 8601 with Z. */
void rs_utc_now(char buf[32]);

#endif
