/* The rushes command line: verbs, global options, output helpers. */
#ifndef RS_TOOLS_CLI_H
#define RS_TOOLS_CLI_H

#include <stdio.h>

#include "rushes/catalog.h"
#include "rushes/options.h"
#include "rushes/trust.h"

typedef struct RsGlobal {
    const char *project;     /* --project DIR, or NULL to search from the working directory */
    int json;                /* --json: machine-readable output on stdout */
    int quiet;
    int verbose;
    int progress;            /* draw progress (auto: only on a terminal) */
    const char *user;        /* --user NAME: who acts (else RUSHES_USER, else the project's first admin) */
} RsGlobal;

typedef struct RsVerb {
    const char *name;
    const char *summary;
    const char *usage;            /* positional arguments, e.g. "FILE..." */
    const char *description;      /* a paragraph for --help */
    const RsOption *options;      /* NULL-terminated, may be NULL */
    size_t options_size;
    int min_args, max_args;       /* positional count; max -1 = unbounded */
    int (*run)(const RsGlobal *g, void *opts, int argc, char **argv);
} RsVerb;

/* Print an error the library recorded, prefixed with "rushes: ", and return code. */
int cli_fail(int code, const char *context);

/* Open the project named by --project or found from the working directory. */
int cli_open_project(const RsGlobal *g, RsCatalog **out);

/*
 * The acting user: --user, else the RUSHES_USER environment variable, else
 * the project's first admin. The command line acts as a named local user
 * without a password (passwords and tokens are for the HTTP server). Prints
 * the error and returns it when the user is unknown or removed.
 */
int cli_actor(const RsGlobal *g, RsCatalog *c, RsActor *out);

/* Open the project and resolve who acts; on failure the project is closed again (*c NULL). */
int cli_open_as(const RsGlobal *g, RsCatalog **c, RsActor *me);

/* The user name `rushes init` makes admin: --user, RUSHES_USER, else the OS user. */
const char *cli_init_user(const RsGlobal *g);

/* Print a library JSON result or nothing; returns 0. */
int cli_emit_json(const RsGlobal *g, char *json);

/* Progress bar on a terminal, plain lines otherwise; a RsProgressCallback-compatible sink. */
typedef struct CliProgress {
    const RsGlobal *g;
    const char *label;
    const char *unit;        /* what done/total count: "frames" (default) or "MB" */
    double start;
    double last_draw;
    int drawn;
    int is_tty;
} CliProgress;

void cli_progress_init(CliProgress *p, const RsGlobal *g, const char *label);
void cli_progress_update(void *opaque, int64_t done, int64_t total);
void cli_progress_end(CliProgress *p);

double cli_now(void);

/* Print JSON text (already serialised) to stdout with a newline. */
void cli_print_json(const char *json);

extern const RsVerb cli_verb_init;
extern const RsVerb cli_verb_probe;
extern const RsVerb cli_verb_ingest;
extern const RsVerb cli_verb_ls;
extern const RsVerb cli_verb_analyze;
extern const RsVerb cli_verb_summary;
extern const RsVerb cli_verb_demo;
extern const RsVerb cli_verb_timecode;
extern const RsVerb cli_verb_user;
extern const RsVerb cli_verb_token;
extern const RsVerb cli_verb_consent;
extern const RsVerb cli_verb_audit;
extern const RsVerb cli_verb_verify;
extern const RsVerb cli_verb_key;
extern const RsVerb cli_verb_shots;
extern const RsVerb cli_verb_clean;

#endif
