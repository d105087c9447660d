/* rushes audit: verify, show and export the hash-chained audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"

typedef struct AuditOpts {
    int64_t from;
} AuditOpts;

static const RsOption audit_options[] = {
    { "from", "first entry to show or export", RS_OPT_INT, offsetof(AuditOpts, from), .def.i = 1, .min = 1,
      .max = INT64_MAX },
    { NULL }
};

static int verify(const RsGlobal *g, RsCatalog *c)
{
    RsAuditReport r;
    int ret = rs_audit_verify(c, &r);
    if (ret < 0 && ret != RS_ETAMPER)
        return cli_fail(ret, "audit");
    if (g->json) {
        RsJson j = { 0 };
        rs_json_begin_object(&j, NULL);
        rs_json_bool(&j, "ok", ret >= 0);
        rs_json_int(&j, "entries", r.entries);
        rs_json_int(&j, "checkpoints", r.checkpoints);
        rs_json_int(&j, "unsigned_tail", r.unsigned_tail);
        if (r.first_bad)
            rs_json_int(&j, "first_bad", r.first_bad);
        else
            rs_json_null(&j, "first_bad");
        rs_json_string(&j, "message", r.message);
        rs_json_end_object(&j);
        cli_emit_json(g, rs_json_take(&j));
    }
    if (ret < 0)
        return cli_fail(ret, NULL);
    if (!g->json && !g->quiet)
        printf("audit log intact: %s\n", r.message);
    return 0;
}

/* Copy the JSON string value of key in line (escapes kept), "" when absent or null. */
static void field(const char *line, const char *key, char *out, size_t n)
{
    char pat[32];
    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    const char *p = strstr(line, pat);
    size_t k = 0;
    out[0] = '\0';
    if (!p)
        return;
    for (p += strlen(pat); *p && *p != '"' && k + 2 < n; p++) {
        if (*p == '\\' && p[1])
            out[k++] = *p++;
        out[k++] = *p;
    }
    out[k] = '\0';
}

/* One line per entry: seq, time, actor (role), action, target, result. */
static int show(RsCatalog *c, int64_t from)
{
    char *jsonl = NULL;
    int ret = rs_audit_export(c, from, &jsonl);
    if (ret < 0)
        return cli_fail(ret, "audit");
    printf("%-6s %-21s %-22s %-16s %s\n", "seq", "at", "actor", "action", "target / result");
    for (char *line = strtok(jsonl, "\n"); line; line = strtok(NULL, "\n")) {
        char at[32], actor[64], role[16], action[48], target[512], result[512], who[96];
        field(line, "at", at, sizeof(at));
        field(line, "actor", actor, sizeof(actor));
        field(line, "role", role, sizeof(role));
        field(line, "action", action, sizeof(action));
        field(line, "target", target, sizeof(target));
        field(line, "result", result, sizeof(result));
        snprintf(who, sizeof(who), "%s (%s)", actor, role);
        printf("%-6lld %-21s %-22s %-16s %s: %s\n", strtoll(line + 7, NULL, 10), at, who, action, target, result);
    }
    free(jsonl);
    return 0;
}

static int run_audit(const RsGlobal *g, void *o, int argc, char **argv)
{
    const AuditOpts *opts = o;
    RsCatalog *c;
    RsActor me;
    int ret = cli_open_as(g, &c, &me);
    if (ret < 0)
        return rs_error_exit_code(ret);
    if ((ret = rs_trust_require(&me, RS_OP_AUDIT)) < 0) {
        cli_fail(ret, "audit");
        goto end;
    }
    if (!strcmp(argv[0], "verify")) {
        ret = verify(g, c);
    } else if (!strcmp(argv[0], "show")) {
        ret = show(c, opts->from);
    } else if (!strcmp(argv[0], "export")) {
        char *jsonl = NULL;
        if ((ret = rs_audit_export(c, opts->from, &jsonl)) < 0)
            cli_fail(ret, "audit");
        else
            fputs(jsonl, stdout);
        free(jsonl);
    } else {
        fprintf(stderr, "rushes audit: expected verify | show | export\n");
        ret = 2;
    }
end:
    rs_catalog_close(&c);
    return ret < 0 ? rs_error_exit_code(ret) : ret;
}

const RsVerb cli_verb_audit = {
    .name = "audit",
    .summary = "verify, show or export the tamper-evident audit log",
    .usage = "verify | show | export",
    .description = "verify walks the hash chain and the signed checkpoints and names the first bad\n"
                   "entry (exit 4): an edited, deleted, inserted or reordered entry, or a tail\n"
                   "truncated after a signed checkpoint. export writes JSON lines. Needs the audit role.",
    .options = audit_options,
    .options_size = sizeof(AuditOpts),
    .min_args = 1,
    .max_args = 1,
    .run = run_audit,
};
