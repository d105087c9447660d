/* rushes consent: what the people on screen allowed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "rushes/error.h"

typedef struct ConsentOpts {
    const char *subject;
    const char *use;
    const char *value;
    const char *constraint;
    const char *scene;
    const char *roll;
    const char *clip;
    const char *from;
    const char *until;
    const char *contract;
    const char *reason;
} ConsentOpts;

static const RsOption consent_options[] = {
    { "subject", "the person on screen", RS_OPT_STRING, offsetof(ConsentOpts, subject), .metavar = "NAME" },
    { "use", "comma-separated uses: analysis, cleanup, colour, training, export", RS_OPT_STRING,
      offsetof(ConsentOpts, use), .metavar = "USE,..." },
    { "value", "the CAWG value", RS_OPT_CHOICE, offsetof(ConsentOpts, value), .def.s = "allowed",
      .choices = "allowed|notAllowed|constrained" },
    { "constraint", "for constrained: the condition, in words", RS_OPT_STRING, offsetof(ConsentOpts, constraint),
      .metavar = "TEXT" },
    { "scene", "scope: one scene, as the slate and the sound report name it", RS_OPT_STRING,
      offsetof(ConsentOpts, scene), .metavar = "SCENE" },
    { "roll", "scope: one roll (default scope: the whole project)", RS_OPT_STRING, offsetof(ConsentOpts, roll),
      .metavar = "ROLL" },
    { "clip", "scope: one clip, ROLL/PATH as rushes ls names it", RS_OPT_STRING, offsetof(ConsentOpts, clip),
      .metavar = "ROLL/PATH" },
    { "from", "valid from (YYYY-MM-DD, UTC)", RS_OPT_STRING, offsetof(ConsentOpts, from), .metavar = "DATE" },
    { "until", "valid until, exclusive (YYYY-MM-DD, UTC)", RS_OPT_STRING, offsetof(ConsentOpts, until),
      .metavar = "DATE" },
    { "contract", "the contract or release reference", RS_OPT_STRING, offsetof(ConsentOpts, contract),
      .metavar = "REF" },
    { "reason", "why a record is revoked", RS_OPT_STRING, offsetof(ConsentOpts, reason), .metavar = "TEXT" },
    { NULL }
};

static int add(const RsGlobal *g, const ConsentOpts *o, RsCatalog *c, const RsActor *me)
{
    char scope[600] = "project";
    if (!o->subject || !o->use) {
        fprintf(stderr, "rushes consent: add needs --subject NAME and --use USE\n");
        return 2;
    }
    if (!!o->roll + !!o->clip + !!o->scene > 1) {
        fprintf(stderr, "rushes consent: say one of --scene, --roll or --clip\n");
        return 2;
    }
    if (o->scene)
        snprintf(scope, sizeof(scope), "scene:%s", o->scene);
    if (o->roll)
        snprintf(scope, sizeof(scope), "roll:%s", o->roll);
    if (o->clip)
        snprintf(scope, sizeof(scope), "clip:%s", o->clip);
    RsConsentRecord r = {
        .subject = o->subject, .constraint = o->constraint, .scope = scope, .from = o->from, .until = o->until,
        .contract = o->contract,
        .value = !strcmp(o->value, "notAllowed") ? RS_CONSENT_NOT_ALLOWED
               : !strcmp(o->value, "constrained") ? RS_CONSENT_CONSTRAINED : RS_CONSENT_ALLOWED,
    };
    char *copy = strdup(o->use), *save = NULL;
    int ret = copy ? 0 : RS_ENOMEM;
    for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && ret >= 0; tok = strtok_r(NULL, ",", &save)) {
        int64_t id;
        if ((ret = rs_use_from_name(tok, &r.use)) < 0 || (ret = rs_consent_add(c, me, &r, &id)) < 0)
            break;
        if (!g->quiet)
            printf("consent %lld: %s %s %s for %s\n", (long long)id, o->subject, o->value, tok, scope);
    }
    free(copy);
    return ret;
}

static int check(const RsGlobal *g, const ConsentOpts *o, RsCatalog *c, const RsActor *me)
{
    RsUse use = RS_USE_ANALYSIS;
    int ret = rs_use_from_name(o->use ? o->use : "analysis", &use);
    if (ret < 0)
        return ret;
    char *json = NULL;
    const char *params[] = { o->clip ? o->clip : "", NULL };
    if ((ret = rs_catalog_query_json(c, "SELECT clip.id FROM clip JOIN file ON file.id = clip.file_id JOIN roll"
                                        " ON roll.id = file.roll_id WHERE (?1 = '' OR roll.name || '/' ||"
                                        " file.rel_path = ?1) AND clip.kind != 'none' ORDER BY clip.id",
                                     params, &json)) < 0)
        return ret;
    int refused = 0, total = 0;
    RsJson j = { 0 };
    rs_json_begin_array(&j, NULL);
    for (const char *p = strstr(json, "\"id\":"); p; p = strstr(p + 1, "\"id\":")) {
        RsConsentDecision why;
        int r = rs_trust_authorize(c, me, use, strtoll(p + 5, NULL, 10), &why);
        if (r < 0 && r != RS_EDENIED) {
            ret = r;
            break;
        }
        total++;
        refused += r < 0;
        rs_json_begin_object(&j, NULL);
        rs_json_string(&j, "clip", why.clip);
        rs_json_string(&j, "use", rs_use_name(use));
        rs_json_bool(&j, "allowed", r >= 0);
        rs_json_string(&j, "reason", why.reason);
        rs_json_begin_array(&j, "consents");
        for (int k = 0; k < why.nb_records; k++)
            rs_json_int(&j, NULL, why.records[k]);
        rs_json_end_array(&j);
        rs_json_end_object(&j);
        if (!g->json && (!g->quiet || r < 0))
            printf("%s %s\n", r < 0 ? "refused" : "allowed", why.reason);
    }
    free(json);
    rs_json_end_array(&j);
    char *out = rs_json_take(&j);
    if (g->json && ret >= 0)
        cli_print_json(out);
    free(out);
    if (ret < 0)
        return ret;
    if (o->clip && !total)
        return rs_error(RS_ENOENT, "no clip '%s' in the project (clips are named ROLL/PATH as in rushes ls)", o->clip);
    return refused ? rs_error(RS_EDENIED, "%d of %d clip(s) refused for %s", refused, total, rs_use_name(use)) : 0;
}

static int run_consent(const RsGlobal *g, void *opts, int argc, char **argv)
{
    const ConsentOpts *o = opts;
    const char *cmd = argv[0];
    RsCatalog *c;
    RsActor me;
    int ret = cli_open_as(g, &c, &me);
    if (ret < 0)
        return rs_error_exit_code(ret);
    if (!strcmp(cmd, "add") && argc == 1) {
        ret = add(g, o, c, &me);
    } else if (!strcmp(cmd, "list") && argc == 1) {
        char *out = NULL;
        if ((ret = rs_trust_require(&me, RS_OP_READ)) >= 0 && (ret = rs_trust_list(c, "consent", g->json, &out)) >= 0)
            fputs(out, stdout);
        free(out);
    } else if (!strcmp(cmd, "subjects") && argc == 1) {
        char *out = NULL;
        if ((ret = rs_trust_list(c, "subjects", g->json, &out)) >= 0)
            fputs(out, stdout);
        free(out);
    } else if (!strcmp(cmd, "revoke") && argc == 2) {
        char *endp;
        long long id = strtoll(argv[1], &endp, 10);
        if (*endp || id <= 0) {
            fprintf(stderr, "rushes consent: '%s' is not a consent record id (see rushes consent list)\n", argv[1]);
            ret = 2;
            goto end;
        }
        if ((ret = rs_consent_revoke(c, &me, id, o->reason)) >= 0 && !g->quiet)
            printf("Revoked consent %lld: every later use it allowed is refused\n", id);
    } else if (!strcmp(cmd, "link") && argc == 1) {
        if (!o->subject || !o->clip) {
            fprintf(stderr, "rushes consent: link needs --subject NAME and --clip ROLL/PATH\n");
            ret = 2;
            goto end;
        }
        ret = rs_subject_link(c, &me, o->subject, o->clip);
    } else if (!strcmp(cmd, "check") && argc == 1) {
        ret = check(g, o, c, &me);
    } else {
        fprintf(stderr, "rushes consent: expected add | list | subjects | revoke ID | link | check\n");
        ret = 2;
        goto end;
    }
    if (ret >= 0 && ret != 2)
        ret = rs_audit_checkpoint(c);
    if (ret < 0 && ret != 2)
        cli_fail(ret, "consent");
end:
    rs_catalog_close(&c);
    return ret < 0 ? rs_error_exit_code(ret) : ret;
}

const RsVerb cli_verb_consent = {
    .name = "consent",
    .summary = "record, list, revoke and check the consent of the people on screen",
    .usage = "add | list | subjects | revoke ID | link | check",
    .description = "add --subject NAME --use USE[,USE] [--value allowed|notAllowed|constrained]\n"
                   "    [--roll ROLL | --clip ROLL/PATH] [--from DATE] [--until DATE] [--contract REF]\n"
                   "link --subject NAME --clip ROLL/PATH: the subject appears in that clip (a subject\n"
                   "    with no links is taken to appear in every clip)\n"
                   "check [--use USE] [--clip ROLL/PATH]: may the acting user use the clips? Exit 6\n"
                   "    when any is refused. Analysis, clean-up, colour, training and export need\n"
                   "    consent; ingest and checksum verification do not. Values follow the CAWG\n"
                   "    training-and-data-mining assertion.",
    .options = consent_options,
    .options_size = sizeof(ConsentOpts),
    .min_args = 1,
    .max_args = 2,
    .run = run_consent,
};
