/* The project store: create, reopen, find, refuse a newer schema, report errors. */
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../rs_test.h"
#include "rushes/catalog.h"
#include "rushes/error.h"

static char root[256];

static void test_create_open(void)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/proj with space é", root);
    RsCatalog *c = NULL;
    RS_CHECK_EQ_INT(rs_catalog_create(dir, "Feature", &c), 0);
    RS_CHECK(c != NULL);
    RS_CHECK(rs_catalog_schema_version(c, "catalog") >= 1);
    rs_catalog_close(&c);
    RS_CHECK(c == NULL);

    RS_CHECK_EQ_INT(rs_catalog_create(dir, "Again", &c), RS_EEXIST);
    RS_CHECK_CONTAINS(rs_error_message(), "already a rushes project");

    RS_CHECK_EQ_INT(rs_catalog_open(dir, &c), 0);
    char *json = NULL;
    RS_CHECK_EQ_INT(rs_catalog_query_json(c, "SELECT value FROM project WHERE key = 'title'", NULL, &json), 0);
    RS_CHECK_EQ_STR(json, "[{\"value\":\"Feature\"}]");
    free(json);
    rs_catalog_close(&c);

    /* Found from a folder below the project. */
    char sub[600], found[600];
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    mkdir(sub, 0755);
    RS_CHECK_EQ_INT(rs_catalog_find(sub, found, sizeof(found)), 0);
    char real[600];
    RS_CHECK(realpath(dir, real) != NULL);
    RS_CHECK_EQ_STR(found, real);
}

static void test_no_project(void)
{
    RsCatalog *c = NULL;
    RS_CHECK_EQ_INT(rs_catalog_open(root, &c), RS_ENOPROJ);
    RS_CHECK_CONTAINS(rs_error_message(), "not a rushes project");
    char found[600];
    RS_CHECK_EQ_INT(rs_catalog_find("/", found, sizeof(found)), RS_ENOPROJ);
    RS_CHECK_EQ_INT(rs_catalog_create(root, "", &c), RS_EINVAL);
}

static void test_newer_schema_refused(void)
{
    char dir[512], db[600];
    snprintf(dir, sizeof(dir), "%s/newer", root);
    RsCatalog *c = NULL;
    RS_CHECK_EQ_INT(rs_catalog_create(dir, "X", &c), 0);
    rs_catalog_close(&c);
    snprintf(db, sizeof(db), "%s/rushes.db", dir);
    sqlite3 *h;
    RS_CHECK_EQ_INT(sqlite3_open(db, &h), SQLITE_OK);
    RS_CHECK_EQ_INT(sqlite3_exec(h, "UPDATE schema_migrations SET version = 999 WHERE domain = 'catalog'",
                                 NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    RS_CHECK_EQ_INT(rs_catalog_open(dir, &c), RS_ESCHEMA);
    RS_CHECK_CONTAINS(rs_error_message(), "version 999");
}

static void test_garbage_store(void)
{
    char dir[512], db[600];
    snprintf(dir, sizeof(dir), "%s/garbage", root);
    mkdir(dir, 0755);
    snprintf(db, sizeof(db), "%s/rushes.db", dir);
    FILE *f = fopen(db, "w");
    fputs("this is not a database, it is a text file that is long enough to matter", f);
    fclose(f);
    RsCatalog *c = NULL;
    RS_CHECK_EQ_INT(rs_catalog_open(dir, &c), RS_ESTORE);
    RS_CHECK_CONTAINS(rs_error_message(), "rushes.db");
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/rs-catalog-XXXXXX");
    if (!mkdtemp(root))
        return 1;
    RS_RUN(test_create_open);
    RS_RUN(test_no_project);
    RS_RUN(test_newer_schema_refused);
    RS_RUN(test_garbage_store);
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd)) {}
    return rs_test_end();
}
