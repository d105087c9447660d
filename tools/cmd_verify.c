/* rushes verify: check signed manifests of output files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"

typedef struct VerifyOpts {
    const char *key;
} VerifyOpts;

static const RsOption verify_options[] = {
    { "key", "a public key file from rushes key export (default: the project's keys)", RS_OPT_STRING,
      offsetof(VerifyOpts, key), .metavar = "FILE" },
    { NULL }
};

static int read_key(const char *path, char pub[65])
{
    FILE *f = fopen(path, "r");
    if (!f)
        return rs_error(RS_ENOENT, "%s: cannot read the public key file", path);
    int ok = fscanf(f, "%64s", pub) == 1 && strlen(pub) == 64;
    fclose(f);
    return ok ? 0 : rs_error(RS_EINVAL, "%s: not a public key (64 hex digits)", path);
}

static int run_verify(const RsGlobal *g, void *o, int argc, char **argv)
{
    const VerifyOpts *opts = o;
    RsCatalog *c = NULL;
    char pub[65];
    int ret, worst = 0;
    if (opts->key) {
        if ((ret = read_key(opts->key, pub)) < 0)
            return rs_error_exit_code(cli_fail(ret, "verify"));
    } else if ((ret = cli_open_project(g, &c)) < 0) {
        return rs_error_exit_code(ret);
    }
    for (int i = 0; i < argc; i++) {
        char detail[1024];
        int r = rs_manifest_verify(c, opts->key ? pub : NULL, argv[i], detail, sizeof(detail));
        if (g->json) {
            RsJson j = { 0 };
            rs_json_begin_object(&j, NULL);
            rs_json_string(&j, "file", argv[i]);
            rs_json_bool(&j, "ok", r >= 0);
            rs_json_string(&j, "detail", r < 0 ? rs_error_message() : detail);
            rs_json_end_object(&j);
            cli_emit_json(g, rs_json_take(&j));
        }
        if (r < 0) {
            cli_fail(r, "verify");
            if (!worst || rs_error_exit_code(r) > rs_error_exit_code(worst))
                worst = r;
        } else if (!g->quiet && !g->json) {
            printf("ok %s\n", detail);
        }
    }
    rs_catalog_close(&c);
    return rs_error_exit_code(worst);
}

const RsVerb cli_verb_verify = {
    .name = "verify",
    .summary = "check the signed manifest of output files",
    .usage = "FILE...",
    .description = "Checks FILE.rushes-manifest.json: the signature (by a key the project knows, or\n"
                   "--key FILE) and that FILE still has the hash it was signed with. Exit 4 when a file\n"
                   "or its manifest was modified.",
    .options = verify_options,
    .options_size = sizeof(VerifyOpts),
    .min_args = 1,
    .max_args = -1,
    .run = run_verify,
};
