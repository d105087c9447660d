/* Output helpers shared by the verbs: errors, project lookup, progress. */
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "rushes/error.h"

int cli_fail(int code, const char *context)
{
    const char *msg = rs_error_message();
    if (context && *msg)
        fprintf(stderr, "rushes: %s: %s\n", context, msg);
    else if (*msg)
        fprintf(stderr, "rushes: %s\n", msg);
    else
        fprintf(stderr, "rushes: %s%s%s\n", context ? context : "", context ? ": " : "", rs_strerror(code));
    return code;
}

int cli_open_project(const RsGlobal *g, RsCatalog **out)
{
    char dir[PATH_MAX];
    int ret;
    if (g->project)
        ret = rs_catalog_open(g->project, out);
    else if ((ret = rs_catalog_find(".", dir, sizeof(dir))) >= 0)
        ret = rs_catalog_open(dir, out);
    return ret < 0 ? cli_fail(ret, NULL) : 0;
}

int cli_actor(const RsGlobal *g, RsCatalog *c, RsActor *out)
{
    const char *name = g->user ? g->user : getenv("RUSHES_USER");
    /* A project from before trust is adopted by whoever runs the first command on it. */
    int ret = rs_trust_adopt(c, cli_init_user(g));
    if (ret >= 0)
        ret = rs_actor_resolve(c, name && *name ? name : NULL, out);
    return ret < 0 ? cli_fail(ret, NULL) : 0;
}

int cli_open_as(const RsGlobal *g, RsCatalog **c, RsActor *me)
{
    int ret = cli_open_project(g, c);
    if (ret >= 0 && (ret = cli_actor(g, *c, me)) < 0)
        rs_catalog_close(c);
    return ret;
}

const char *cli_init_user(const RsGlobal *g)
{
    const char *name = g->user ? g->user : getenv("RUSHES_USER");
    if (name && *name)
        return name;
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    name = getenv("USER");
    return name && *name ? name : "admin";
}

int cli_emit_json(const RsGlobal *g, char *json)
{
    if (json)
        cli_print_json(json);
    free(json);
    return 0;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void cli_progress_init(CliProgress *p, const RsGlobal *g, const char *label)
{
    memset(p, 0, sizeof(*p));
    p->g = g;
    p->label = label;
    p->unit = "frames";
    p->start = cli_now();
    p->is_tty = isatty(STDERR_FILENO);
}

static void fmt_eta(char *buf, size_t n, double s)
{
    if (s < 0 || s > 360000)
        snprintf(buf, n, "--:--");
    else if (s >= 3600)
        snprintf(buf, n, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
    else
        snprintf(buf, n, "%02d:%02d", (int)s / 60, (int)s % 60);
}

/*
 * On a terminal: one redrawn line with a bar, frames, rate and ETA, at most
 * ten times a second. Elsewhere (a log file, CI): a plain line every ten
 * percent, so logs stay readable.
 */
void cli_progress_update(void *opaque, int64_t done, int64_t total)
{
    CliProgress *p = opaque;
    if (!p->g->progress)
        return;
    double now = cli_now();
    double elapsed = now - p->start;
    double rate = elapsed > 0 ? done / elapsed : 0;
    char eta[32];
    fmt_eta(eta, sizeof(eta), rate > 0 && total > done ? (total - done) / rate : 0);
    if (p->is_tty) {
        if (now - p->last_draw < 0.1 && done < total)
            return;
        p->last_draw = now;
        int width = 30, fill = total > 0 ? (int)(width * done / total) : 0;
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r%-24.24s [%s] %6lld/%-6lld %s %7.1f %s/s  ETA %s ", p->label, bar,
                (long long)done, (long long)total, p->unit, rate, p->unit, eta);
        p->drawn = 1;
    } else {
        int decile = total > 0 && done <= total ? (int)(10 * done / total) : 0;
        if (decile <= p->drawn && now - p->last_draw < 10.0)
            return;
        p->drawn = decile > p->drawn ? decile : p->drawn;
        p->last_draw = now;
        fprintf(stderr, "%s: %lld/%lld %s, %.1f %s/s, ETA %s\n", p->label, (long long)done,
                (long long)total, p->unit, rate, p->unit, eta);
    }
}

void cli_progress_end(CliProgress *p)
{
    if (p->g->progress && p->is_tty && p->last_draw > 0)
        fputc('\n', stderr);
}

void cli_print_json(const char *json)
{
    fputs(json, stdout);
    size_t n = strlen(json);
    if (!n || json[n - 1] != '\n')
        fputc('\n', stdout);
}
