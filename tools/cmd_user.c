/* rushes user: the people of a project and their roles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rushes/error.h"

typedef struct UserOpts {
    const char *role;
    const char *password;
} UserOpts;

static const RsOption user_options[] = {
    { "role", "admin, supervisor, editor, artist, vendor or viewer", RS_OPT_STRING, offsetof(UserOpts, role),
      .metavar = "ROLE" },
    { "password", "password for the HTTP server (argon2id-hashed; prefer $RUSHES_PASSWORD, which ps cannot see)",
      RS_OPT_STRING, offsetof(UserOpts, password), .metavar = "PW" },
    { NULL }
};

static int usage_error(const char *msg)
{
    fprintf(stderr, "rushes user: %s\n", msg);
    return 2;
}

static int list_users(const RsGlobal *g, RsCatalog *c)
{
    char *out = NULL;
    int ret = rs_trust_list(c, "users", g->json, &out);
    if (ret < 0)
        return cli_fail(ret, NULL);
    fputs(out, stdout);
    free(out);
    return 0;
}

static int run_user(const RsGlobal *g, void *o, int argc, char **argv)
{
    const UserOpts *opts = o;
    const char *cmd = argv[0];
    const char *password = opts->password ? opts->password : getenv("RUSHES_PASSWORD");
    RsCatalog *c;
    RsActor me;
    RsRole role = RS_ROLE_VIEWER;
    int ret = cli_open_as(g, &c, &me);
    if (ret < 0)
        return rs_error_exit_code(ret);
    if (!strcmp(cmd, "list") && argc == 1) {
        ret = list_users(g, c);
        goto end;
    }
    if (argc < 2) {
        ret = usage_error("expected: list | add NAME --role ROLE | role NAME ROLE | passwd NAME | remove NAME"
                          " | assign VENDOR ROLL/PATH");
        goto end;
    }
    const char *name = argv[1];
    if (!strcmp(cmd, "add") && argc == 2) {
        if (!opts->role) {
            ret = usage_error("add needs --role ROLE");
            goto end;
        }
        if ((ret = rs_role_from_name(opts->role, &role)) < 0 ||
            (ret = rs_user_add(c, &me, name, role, password)) < 0)
            goto fail;
        if (!g->quiet)
            printf("Added user %s (%s)\n", name, opts->role);
    } else if (!strcmp(cmd, "role") && argc == 3) {
        if ((ret = rs_role_from_name(argv[2], &role)) < 0 || (ret = rs_user_set_role(c, &me, name, role)) < 0)
            goto fail;
        if (!g->quiet)
            printf("%s is now %s\n", name, argv[2]);
    } else if (!strcmp(cmd, "passwd") && argc == 2) {
        if (!password) {
            ret = usage_error("passwd needs --password PW or $RUSHES_PASSWORD");
            goto end;
        }
        if ((ret = rs_user_set_password(c, &me, name, password)) < 0)
            goto fail;
    } else if (!strcmp(cmd, "remove") && argc == 2) {
        if ((ret = rs_user_remove(c, &me, name)) < 0)
            goto fail;
        if (!g->quiet)
            printf("Removed user %s\n", name);
    } else if (!strcmp(cmd, "assign") && argc == 3) {
        char *json = NULL;
        const char *params[] = { argv[2], NULL };
        if ((ret = rs_catalog_query_json(c, "SELECT clip.id FROM clip JOIN file ON file.id = clip.file_id JOIN roll"
                                            " ON roll.id = file.roll_id WHERE roll.name || '/' || file.rel_path = ?",
                                         params, &json)) < 0)
            goto fail;
        const char *idp = strstr(json, "\"id\":");
        int64_t clip_id = idp ? strtoll(idp + 5, NULL, 10) : 0;
        free(json);
        if (!clip_id) {
            ret = rs_error(RS_ENOENT, "no clip '%s' in the project (clips are named ROLL/PATH as in rushes ls)",
                           argv[2]);
            goto fail;
        }
        if ((ret = rs_vendor_assign(c, &me, name, clip_id)) < 0)
            goto fail;
    } else {
        ret = usage_error("unknown subcommand or wrong arguments (see rushes user --help)");
        goto end;
    }
    ret = rs_audit_checkpoint(c);
    if (ret < 0)
        goto fail;
    goto end;
fail:
    cli_fail(ret, "user");
end:
    rs_catalog_close(&c);
    return ret < 0 ? rs_error_exit_code(ret) : ret;
}

const RsVerb cli_verb_user = {
    .name = "user",
    .summary = "manage the project's users and roles",
    .usage = "list | add NAME --role ROLE | role NAME ROLE | passwd NAME | remove NAME | assign VENDOR CLIP",
    .description = "Users belong to the project. Changing users needs the admin role; every change is\n"
                   "recorded in the audit log. A vendor sees and works on only the clips assigned to it\n"
                   "(assign VENDOR ROLL/PATH). The command line acts as --user, $RUSHES_USER or the\n"
                   "project's first admin, without a password; passwords are for the HTTP server.",
    .options = user_options,
    .options_size = sizeof(UserOpts),
    .min_args = 1,
    .max_args = 3,
    .run = run_user,
};
