/* Opening, creating and migrating the project store. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog_internal.h"
#include "core/json.h"
#include "rushes/error.h"

void rs_utc_now(char buf[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int rs_catalog_error(RsCatalog *c, const char *what)
{
    return rs_error(RS_ESTORE, "%s/%s: %s: %s", c->dir, RS_CATALOG_FILE, what,
                    c->db ? sqlite3_errmsg(c->db) : "not open");
}

int rs_catalog_exec(RsCatalog *c, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        int ret = rs_error(RS_ESTORE, "%s/%s: %s", c->dir, RS_CATALOG_FILE, err ? err : "error");
        sqlite3_free(err);
        return ret;
    }
    return 0;
}

int rs_catalog_begin(RsCatalog *c)
{
    return rs_catalog_exec(c, "BEGIN IMMEDIATE");
}

int rs_catalog_commit(RsCatalog *c)
{
    return rs_catalog_exec(c, "COMMIT");
}

void rs_catalog_rollback(RsCatalog *c)
{
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static int db_path(const char *dir, char *out, size_t n)
{
    if ((size_t)snprintf(out, n, "%s/%s", dir, RS_CATALOG_FILE) >= n)
        return rs_error(RS_EINVAL, "%s: project path too long", dir);
    return 0;
}

static int open_db(const char *dir, int create, RsCatalog **out)
{
    char path[PATH_MAX];
    int ret = db_path(dir, path, sizeof(path));
    if (ret < 0)
        return ret;
    RsCatalog *c = calloc(1, sizeof(*c));
    if (!c || !(c->dir = strdup(dir))) {
        free(c);
        return RS_ENOMEM;
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        ret = rs_catalog_error(c, "cannot open the project store");
        rs_catalog_close(&c);
        return ret;
    }
    sqlite3_busy_timeout(c->db, 30000);
    /*
     * WAL keeps readers (the review server, a second terminal) working during
     * an ingest; synchronous=FULL makes each committed file durable, which is
     * what lets a rerun trust what it finds.
     */
    if ((ret = rs_catalog_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                  "PRAGMA foreign_keys=ON;")) < 0) {
        rs_catalog_close(&c);
        return ret;
    }
    *out = c;
    return 0;
}

int rs_catalog_schema_version(RsCatalog *c, const char *domain)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT version FROM schema_migrations WHERE domain = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int rs_catalog_migrate(RsCatalog *c)
{
    int ret = rs_catalog_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 " domain TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
    if (ret < 0)
        return ret;
    for (int s = 0; rs_migration_sets[s]; s++) {
        const RsMigrationSet *set = rs_migration_sets[s];
        if ((ret = rs_catalog_begin(c)) < 0)
            return ret;
        int have = rs_catalog_schema_version(c, set->domain);
        if (have > set->count) {
            rs_catalog_rollback(c);
            return rs_error(RS_ESCHEMA, "%s/%s: the '%s' schema is at version %d, this rushes knows %d; "
                            "upgrade rushes", c->dir, RS_CATALOG_FILE, set->domain, have, set->count);
        }
        for (int v = have; v < set->count; v++)
            if ((ret = rs_catalog_exec(c, set->steps[v])) < 0) {
                rs_catalog_rollback(c);
                return ret;
            }
        if (have < set->count) {
            char now[32], sql[256];
            rs_utc_now(now);
            snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO schema_migrations VALUES ('%s', %d, '%s')",
                     set->domain, set->count, now);
            if ((ret = rs_catalog_exec(c, sql)) < 0) {
                rs_catalog_rollback(c);
                return ret;
            }
        }
        if ((ret = rs_catalog_commit(c)) < 0)
            return ret;
    }
    return 0;
}

int rs_catalog_create(const char *dir, const char *title, RsCatalog **out)
{
    char path[PATH_MAX];
    struct stat stt;
    int ret = db_path(dir, path, sizeof(path));
    if (ret < 0)
        return ret;
    if (!title || !*title)
        return rs_error(RS_EINVAL, "a project needs a title");
    if (!stat(path, &stt))
        return rs_error(RS_EEXIST, "%s: already a rushes project", dir);
    if (mkdir(dir, 0755) && errno != EEXIST)
        return rs_error(-errno, "%s: cannot create the project folder: %s", dir, strerror(errno));
    RsCatalog *c;
    if ((ret = open_db(dir, 1, &c)) < 0)
        return ret;
    if ((ret = rs_catalog_migrate(c)) < 0)
        goto fail;
    if ((ret = rs_catalog_begin(c)) < 0)
        goto fail;
    sqlite3_stmt *st;
    char now[32];
    unsigned char rnd[16];
    char id[40];
    rs_utc_now(now);
    FILE *ur = fopen("/dev/urandom", "rb");
    if (!ur || fread(rnd, 1, sizeof(rnd), ur) != sizeof(rnd)) {
        if (ur)
            fclose(ur);
        ret = rs_error(RS_EIO, "cannot read /dev/urandom for the project id");
        goto fail;
    }
    fclose(ur);
    for (int i = 0; i < 16; i++)
        snprintf(id + 2 * i, 3, "%02x", rnd[i]);
    const char *sql = "INSERT INTO project VALUES ('id', ?1), ('title', ?2), ('created_at', ?3);"
                      "INSERT INTO title (name) VALUES (?2);";
    const char *tail = sql;
    while (tail && *tail) {
        if (sqlite3_prepare_v2(c->db, tail, -1, &st, &tail) != SQLITE_OK) {
            ret = rs_catalog_error(c, "writing the project record");
            goto fail;
        }
        if (!st)
            break;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
        if (sqlite3_bind_parameter_count(st) >= 3)
            sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            ret = rs_catalog_error(c, "writing the project record");
            goto fail;
        }
    }
    if ((ret = rs_catalog_commit(c)) < 0)
        goto fail;
    *out = c;
    return 0;
fail:
    rs_catalog_rollback(c);
    rs_catalog_close(&c);
    unlink(path);
    return ret;
}

int rs_catalog_open(const char *dir, RsCatalog **out)
{
    char path[PATH_MAX];
    struct stat stt;
    int ret = db_path(dir, path, sizeof(path));
    if (ret < 0)
        return ret;
    if (stat(path, &stt))
        return rs_error(RS_ENOPROJ, "%s: not a rushes project (no %s; run 'rushes init')", dir, RS_CATALOG_FILE);
    RsCatalog *c;
    if ((ret = open_db(dir, 0, &c)) < 0)
        return ret;
    if ((ret = rs_catalog_migrate(c)) < 0) {
        rs_catalog_close(&c);
        return ret;
    }
    *out = c;
    return 0;
}

int rs_catalog_find(const char *start, char *out, size_t n)
{
    char cur[PATH_MAX];
    if (!realpath(start, cur))
        return rs_error(RS_ENOENT, "%s: %s", start, strerror(errno));
    for (;;) {
        char path[PATH_MAX + 16];
        struct stat stt;
        snprintf(path, sizeof(path), "%s/%s", cur, RS_CATALOG_FILE);
        if (!stat(path, &stt)) {
            if (strlen(cur) >= n)
                return rs_error(RS_EINVAL, "%s: project path too long", cur);
            strcpy(out, cur);
            return 0;
        }
        char *slash = strrchr(cur, '/');
        if (!slash || slash == cur)
            break;
        *slash = '\0';
    }
    return rs_error(RS_ENOPROJ, "no rushes project in %s or above it (run 'rushes init DIR' or pass --project DIR)",
                    start);
}

void rs_catalog_close(RsCatalog **pc)
{
    RsCatalog *c = *pc;
    if (!c)
        return;
    sqlite3_close_v2(c->db);
    free(c->dir);
    free(c);
    *pc = NULL;
}

const char *rs_catalog_dir(const RsCatalog *c)
{
    return c->dir;
}

int rs_catalog_query_json(RsCatalog *c, const char *sql, const char *const *params, char **json)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        return rs_catalog_error(c, "query");
    for (int i = 0; params && params[i]; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT);
    RsJson j = { 0 };
    rs_json_begin_array(&j, NULL);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rs_json_begin_object(&j, NULL);
        for (int k = 0; k < sqlite3_column_count(st); k++) {
            const char *name = sqlite3_column_name(st, k);
            switch (sqlite3_column_type(st, k)) {
            case SQLITE_INTEGER: rs_json_int(&j, name, sqlite3_column_int64(st, k)); break;
            case SQLITE_FLOAT:   rs_json_double(&j, name, sqlite3_column_double(st, k)); break;
            case SQLITE_NULL:    rs_json_null(&j, name); break;
            case SQLITE_BLOB:    rs_json_int(&j, name, sqlite3_column_bytes(st, k)); break;
            default: {
                const char *v = (const char *)sqlite3_column_text(st, k);
                /* Columns named *_json or summary/params/report hold JSON already. */
                size_t len = strlen(name);
                int is_json = (len > 5 && !strcmp(name + len - 5, "_json")) || !strcmp(name, "summary") ||
                              !strcmp(name, "params") || !strcmp(name, "report") || !strcmp(name, "decode");
                if (is_json)
                    rs_json_raw(&j, name, v);
                else
                    rs_json_string(&j, name, v);
            }
            }
        }
        rs_json_end_object(&j);
    }
    sqlite3_finalize(st);
    rs_json_end_array(&j);
    if (rc != SQLITE_DONE) {
        rs_strbuf_free(&j.buf);
        return rs_catalog_error(c, "query");
    }
    *json = rs_json_take(&j);
    return *json ? 0 : RS_ENOMEM;
}
