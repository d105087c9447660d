/* rushes token: API tokens for the HTTP server and scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"

typedef struct TokenOpts {
    const char *user;
    const char *expires;
} TokenOpts;

static const RsOption token_options[] = {
    { "for", "the user the token acts as (default: the acting user; others need the admin role)", RS_OPT_STRING,
      offsetof(TokenOpts, user), .metavar = "NAME" },
    { "expires", "expiry, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ in UTC (default: never)", RS_OPT_STRING,
      offsetof(TokenOpts, expires), .metavar = "DATE" },
    { NULL }
};

static int run_token(const RsGlobal *g, void *o, int argc, char **argv)
{
    const TokenOpts *opts = o;
    const char *cmd = argv[0];
    RsCatalog *c;
    RsActor me;
    int ret = cli_open_as(g, &c, &me);
    if (ret < 0)
        return rs_error_exit_code(ret);
    if (!strcmp(cmd, "create") && argc == 1) {
        char token[65];
        int64_t id;
        const char *user = opts->user ? opts->user : me.user;
        if ((ret = rs_token_create(c, &me, user, opts->expires, token, &id)) < 0)
            goto fail;
        if (g->json) {
            RsJson j = { 0 };
            rs_json_begin_object(&j, NULL);
            rs_json_int(&j, "id", id);
            rs_json_string(&j, "user", user);
            rs_json_string(&j, "token", token);
            rs_json_end_object(&j);
            cli_emit_json(g, rs_json_take(&j));
        } else {
            printf("%s\n", token);
            if (!g->quiet)
                fprintf(stderr, "token %lld for %s: shown once, stored only as a hash\n", (long long)id, user);
        }
    } else if (!strcmp(cmd, "list") && argc == 1) {
        char *out = NULL;
        if ((ret = rs_trust_require(&me, RS_OP_USERS)) < 0 || (ret = rs_trust_list(c, "tokens", g->json, &out)) < 0)
            goto fail;
        fputs(out, stdout);
        free(out);
        goto end;
    } else if (!strcmp(cmd, "revoke") && argc == 2) {
        char *endp;
        long long id = strtoll(argv[1], &endp, 10);
        if (*endp || id <= 0) {
            fprintf(stderr, "rushes token: '%s' is not a token id (see rushes token list)\n", argv[1]);
            ret = 2;
            goto end;
        }
        if ((ret = rs_token_revoke(c, &me, id)) < 0)
            goto fail;
        if (!g->quiet)
            printf("Revoked token %lld\n", id);
    } else if (!strcmp(cmd, "check") && argc == 2) {
        RsActor who;
        if ((ret = rs_token_check(c, argv[1], &who)) < 0)
            goto fail;
        printf("%s %s\n", who.user, rs_role_name(who.role));
        goto end;
    } else {
        fprintf(stderr, "rushes token: expected create [--for USER] [--expires DATE] | list | revoke ID | check TOKEN\n");
        ret = 2;
        goto end;
    }
    if ((ret = rs_audit_checkpoint(c)) < 0)
        goto fail;
    goto end;
fail:
    cli_fail(ret, "token");
end:
    rs_catalog_close(&c);
    return ret < 0 ? rs_error_exit_code(ret) : ret;
}

const RsVerb cli_verb_token = {
    .name = "token",
    .summary = "create, list, revoke and check API tokens",
    .usage = "create | list | revoke ID | check TOKEN",
    .description = "A token is 32 random bytes shown once (64 hex digits) and stored only as its\n"
                   "SHA-256. It acts as its user until it expires or is revoked.",
    .options = token_options,
    .options_size = sizeof(TokenOpts),
    .min_args = 1,
    .max_args = 2,
    .run = run_token,
};
