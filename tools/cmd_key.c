/* rushes key: the project's signing keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rushes/error.h"

static int run_key(const RsGlobal *g, void *o, int argc, char **argv)
{
    RsCatalog *c;
    RsActor me;
    char key_id[17], pub[65];
    int ret = cli_open_as(g, &c, &me);
    if (ret < 0)
        return rs_error_exit_code(ret);
    if (!strcmp(argv[0], "export")) {
        /* The public key alone: what a recipient needs for rushes verify --key. */
        if ((ret = rs_key_active(c, key_id, pub)) < 0)
            goto fail;
        printf("%s\n", pub);
    } else if (!strcmp(argv[0], "list")) {
        char *out = NULL;
        if ((ret = rs_trust_list(c, "keys", g->json, &out)) < 0)
            goto fail;
        fputs(out, stdout);
        free(out);
    } else if (!strcmp(argv[0], "rotate")) {
        if ((ret = rs_key_rotate(c, &me, key_id)) < 0 || (ret = rs_audit_checkpoint(c)) < 0)
            goto fail;
        if (!g->quiet)
            printf("New signing key %s; older signatures still verify\n", key_id);
    } else {
        fprintf(stderr, "rushes key: expected export | list | rotate\n");
        ret = 2;
    }
    goto end;
fail:
    cli_fail(ret, "key");
end:
    rs_catalog_close(&c);
    return ret < 0 ? rs_error_exit_code(ret) : ret;
}

const RsVerb cli_verb_key = {
    .name = "key",
    .summary = "export the public signing key, list keys, rotate the key",
    .usage = "export | list | rotate",
    .description = "The secret key lives in PROJECT/keys/ (owner-only). export prints the active\n"
                   "public key (64 hex digits) for rushes verify --key; rotate (admin) makes a new key\n"
                   "and retires the old one, whose signatures keep verifying.",
    .min_args = 1,
    .max_args = 1,
    .run = run_key,
};
