#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"

typedef struct InitOpts {
    const char *title;
} InitOpts;

static const RsOption init_options[] = {
    { "title", "the production's title", RS_OPT_STRING, offsetof(InitOpts, title), .def.s = "Untitled",
      .metavar = "NAME" },
    { NULL }
};

static int run_init(const RsGlobal *g, void *o, int argc, char **argv)
{
    const InitOpts *opts = o;
    const char *dir = argc ? argv[0] : g->project ? g->project : ".";
    RsCatalog *c;
    int ret = rs_catalog_create(dir, opts->title, &c);
    if (ret < 0)
        return cli_fail(ret, NULL);
    /* The signing key and the first admin are made here, with the project. */
    const char *admin = cli_init_user(g);
    if ((ret = rs_trust_init(c, admin)) < 0) {
        rs_catalog_close(&c);
        return cli_fail(ret, "init");
    }
    char abs[PATH_MAX];
    if (!realpath(dir, abs))
        snprintf(abs, sizeof(abs), "%s", dir);
    if (g->json) {
        RsJson j = { 0 };
        rs_json_begin_object(&j, NULL);
        rs_json_string(&j, "project", abs);
        rs_json_string(&j, "title", opts->title);
        rs_json_int(&j, "schema", rs_catalog_schema_version(c, "catalog"));
        rs_json_string(&j, "admin", admin);
        rs_json_end_object(&j);
        char *s = rs_json_take(&j);
        cli_print_json(s);
        free(s);
    } else if (!g->quiet) {
        printf("Created project \"%s\" in %s (admin: %s)\n", opts->title, abs, admin);
    }
    rs_catalog_close(&c);
    return 0;
}

const RsVerb cli_verb_init = {
    .name = "init",
    .summary = "create a project (an embedded store in the folder)",
    .usage = "[DIR]",
    .description = "Creates DIR (default: --project or the working directory) and the project store\n"
                   "rushes.db in it, the project's Ed25519 signing key (DIR/keys/, owner-only) and\n"
                   "the admin user (--user, $RUSHES_USER, else the OS user name). Fails if DIR already\n"
                   "holds a project.",
    .options = init_options,
    .options_size = sizeof(InitOpts),
    .min_args = 0,
    .max_args = 1,
    .run = run_init,
};
