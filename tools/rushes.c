/*
 * rushes: the command line. Each verb is one file with one RsVerb; flags and
 * --help come from the verb's option table.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "rushes/error.h"
#include "rushes/log.h"

static const RsVerb *const verbs[] = {
    &cli_verb_init,
    &cli_verb_ingest,
    &cli_verb_analyze,
    &cli_verb_ls,
    &cli_verb_probe,
    &cli_verb_summary,
    &cli_verb_timecode,
    &cli_verb_shots,
    &cli_verb_demo,
    &cli_verb_user,
    &cli_verb_token,
    &cli_verb_consent,
    &cli_verb_audit,
    &cli_verb_verify,
    &cli_verb_key,
    &cli_verb_clean,
    NULL
};

static const RsOption global_options[] = {
    { "project", "project folder (default: the working directory or the nearest parent holding a project)",
      RS_OPT_STRING, offsetof(RsGlobal, project), .metavar = "DIR", .short_name = 'P' },
    { "json", "machine-readable JSON on stdout (see doc/json.md)", RS_OPT_BOOL, offsetof(RsGlobal, json) },
    { "quiet", "only errors", RS_OPT_BOOL, offsetof(RsGlobal, quiet), .short_name = 'q' },
    { "verbose", "also debug messages from the library", RS_OPT_BOOL, offsetof(RsGlobal, verbose),
      .short_name = 'v' },
    { "user", "act as this project user (default: $RUSHES_USER, else the project's first admin)",
      RS_OPT_STRING, offsetof(RsGlobal, user), .metavar = "NAME", .short_name = 'u' },
    { "progress", "progress display: 1 always, 0 never (default: on a terminal)", RS_OPT_BOOL,
      offsetof(RsGlobal, progress), .def.i = -1 },
    { NULL }
};

static void log_to_stderr(void *opaque, RsLogLevel level, const char *msg)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    fprintf(stderr, "rushes: %s: %s\n", names[level], msg);
}

static const char *metavar(const RsOption *o)
{
    if (o->metavar)
        return o->metavar;
    switch (o->type) {
    case RS_OPT_INT:    return "N";
    case RS_OPT_DOUBLE: return "X";
    case RS_OPT_CHOICE: return o->choices;
    default:            return "VALUE";
    }
}

static void print_options(FILE *f, const RsOption *t)
{
    for (; t && t->name; t++) {
        char left[96];
        if (t->type == RS_OPT_BOOL)
            snprintf(left, sizeof(left), "%s%c%s--%s", t->short_name ? "-" : "",
                     t->short_name ? t->short_name : ' ', t->short_name ? ", " : "  ", t->name);
        else
            snprintf(left, sizeof(left), "%s%c%s--%s %s", t->short_name ? "-" : "",
                     t->short_name ? t->short_name : ' ', t->short_name ? ", " : "  ", t->name, metavar(t));
        fprintf(f, "  %-30s %s", left, t->help);
        switch (t->type) {
        case RS_OPT_INT:    if (t->def.i) fprintf(f, " (default %lld)", (long long)t->def.i); break;
        case RS_OPT_DOUBLE: fprintf(f, " (default %g)", t->def.d); break;
        case RS_OPT_STRING:
        case RS_OPT_CHOICE: if (t->def.s) fprintf(f, " (default %s)", t->def.s); break;
        default: break;
        }
        fputc('\n', f);
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: rushes [GLOBAL OPTIONS] VERB [OPTIONS] [ARGS]\n\n"
               "rushes automates the repetitive work on film and TV dailies.\n\nverbs:\n");
    for (int i = 0; verbs[i]; i++)
        fprintf(f, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
    fprintf(f, "\nglobal options (before or after the verb):\n");
    print_options(f, global_options);
    fprintf(f, "\n'rushes VERB --help' describes a verb. Exit codes: doc/cli.md.\n");
}

static void verb_help(FILE *f, const RsVerb *v)
{
    fprintf(f, "usage: rushes %s [OPTIONS] %s\n\n%s\n", v->name, v->usage ? v->usage : "", v->summary);
    if (v->description)
        fprintf(f, "\n%s\n", v->description);
    if (v->options) {
        fprintf(f, "\noptions:\n");
        print_options(f, v->options);
    }
    fprintf(f, "\nglobal options:\n");
    print_options(f, global_options);
}

/* Try argv[*i] as an option of table; 1 when consumed, 0 when not its option, <0 on error. */
static int take_option(const RsOption *t, void *obj, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const RsOption *o = NULL;
    const char *value = NULL;
    char name[64];
    if (!t)
        return 0;
    if (arg[0] == '-' && arg[1] == '-') {
        const char *eq = strchr(arg + 2, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (len >= sizeof(name))
            return 0;
        memcpy(name, arg + 2, len);
        name[len] = '\0';
        o = rs_options_find(t, name);
        if (!o && !strncmp(name, "no-", 3) && (o = rs_options_find(t, name + 3)) && o->type == RS_OPT_BOOL)
            return rs_options_set(t, obj, o->name, "false") < 0 ? -1 : 1;
        if (!o)
            return 0;
        value = eq ? eq + 1 : NULL;
    } else if (arg[0] == '-' && arg[1] && !arg[2]) {
        for (const RsOption *p = t; p->name; p++)
            if (p->short_name == arg[1])
                o = p;
        if (!o)
            return 0;
    } else {
        return 0;
    }
    if (!value) {
        if (o->type == RS_OPT_BOOL)
            value = "true";
        else if (*i + 1 < argc)
            value = argv[++*i];
        else {
            fprintf(stderr, "rushes: option --%s needs a value (%s)\n", o->name, metavar(o));
            return -1;
        }
    }
    if (rs_options_set(t, obj, o->name, value) < 0) {
        fprintf(stderr, "rushes: %s\n", rs_error_message());
        return -1;
    }
    return 1;
}

int main(int argc, char **argv)
{
    RsGlobal g;
    rs_options_defaults(global_options, &g);
    int vi = 1;
    /* Global options may come before the verb. */
    for (; vi < argc && argv[vi][0] == '-'; vi++) {
        if (!strcmp(argv[vi], "--help") || !strcmp(argv[vi], "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(argv[vi], "--version")) {
            printf("rushes %s\n", rs_version());
            return 0;
        }
        int r = take_option(global_options, &g, argc, argv, &vi);
        if (r <= 0) {
            if (r == 0)
                fprintf(stderr, "rushes: unknown global option '%s' (see rushes --help)\n", argv[vi]);
            return 2;
        }
    }
    if (vi >= argc) {
        usage(stderr);
        return 2;
    }
    const RsVerb *v = NULL;
    for (int i = 0; verbs[i]; i++)
        if (!strcmp(verbs[i]->name, argv[vi]))
            v = verbs[i];
    if (!v) {
        fprintf(stderr, "rushes: unknown verb '%s' (see rushes --help)\n", argv[vi]);
        return 2;
    }

    void *opts = calloc(1, v->options_size ? v->options_size : 1);
    char **pos = calloc((size_t)argc + 1, sizeof(*pos));
    int npos = 0, ret = 2, only_args = 0;
    if (!opts || !pos)
        return 70;
    if (v->options)
        rs_options_defaults(v->options, opts);
    for (int i = vi + 1; i < argc; i++) {
        if (!only_args && !strcmp(argv[i], "--")) {
            only_args = 1;
            continue;
        }
        if (!only_args && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))) {
            verb_help(stdout, v);
            ret = 0;
            goto end;
        }
        if (!only_args && argv[i][0] == '-' && argv[i][1]) {
            int r = take_option(v->options, opts, argc, argv, &i);
            if (r == 0)
                r = take_option(global_options, &g, argc, argv, &i);
            if (r < 0)
                goto end;
            if (r == 0) {
                fprintf(stderr, "rushes %s: unknown option '%s' (see rushes %s --help)\n", v->name, argv[i], v->name);
                goto end;
            }
            continue;
        }
        pos[npos++] = argv[i];
    }
    if (npos < v->min_args || (v->max_args >= 0 && npos > v->max_args)) {
        fprintf(stderr, "rushes %s: expected %s\n", v->name, v->usage && *v->usage ? v->usage : "no arguments");
        goto end;
    }
    if (g.progress < 0)
        g.progress = !g.quiet && isatty(STDERR_FILENO);
    rs_log_set_callback(log_to_stderr, NULL,
                        g.verbose ? RS_LOG_DEBUG : g.quiet ? RS_LOG_ERROR : RS_LOG_WARNING);
    /* A closed pipe (rushes ls | head) is not an error worth a signal death. */
    signal(SIGPIPE, SIG_IGN);
#ifdef __GLIBC__
    /* The flow and the fill take scratch buffers of a few to a few tens of MB per field and per
     * frame, and free them after. With glibc's defaults those are mapped and unmapped, or the
     * heap is trimmed, each time, and every page is faulted in and zeroed again: an eighth of the
     * CPU of a 1080p clean went to the kernel. Kept in the heap, they are reused: 1.0 million
     * minor faults fell to 0.17 million, system time from 2.1 to 0.4 s, for 150 MB more at the
     * peak (doc/cleanup.md "Speed"). The CLI sets this for itself; the library does not touch
     * its host's allocator. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
    ret = v->run(&g, opts, npos, pos);
    ret = ret < 0 ? rs_error_exit_code(ret) : ret;
end:
    free(opts);
    free(pos);
    return ret;
}
