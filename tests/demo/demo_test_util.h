/*
 * Helpers for the demo tests: a temporary folder, reading truth.json by
 * string search (its layout is fixed and documented), and running the
 * ffprobe / ffmpeg command-line tools, which are optional: the checks that
 * need them skip when they are missing.
 */
#ifndef RS_DEMO_TEST_UTIL_H
#define RS_DEMO_TEST_UTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static inline void rm_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

static inline int have_tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "%s -version >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Run cmd and return its stdout (up to max bytes, NUL-terminated); *len gets the size. */
static inline char *run_capture(const char *cmd, size_t max, size_t *len)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max, p) : 0;
    pclose(p);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* The text of `"key": ` inside [obj, end): its integer value, or def. */
static inline long long json_int(const char *obj, const char *end, const char *key, long long def)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\": ", key);
    const char *at = strstr(obj, pat);
    if (!at || at >= end)
        return def;
    return strtoll(at + strlen(pat), NULL, 10);
}

/* Copy the string value of "key" inside [obj, end) into out; "" when absent. */
static inline void json_str(const char *obj, const char *end, const char *key, char *out, size_t size)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\": \"", key);
    const char *at = strstr(obj, pat);
    out[0] = '\0';
    if (!at || at >= end)
        return;
    at += strlen(pat);
    size_t n = 0;
    while (at[n] && at[n] != '"' && n + 1 < size) {
        out[n] = at[n];
        n++;
    }
    out[n] = '\0';
}

/* The value after `"key"=` in ffprobe's default output (key=value lines). */
static inline int probe_value(const char *text, const char *key, char *out, size_t size)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "%s=", key);
    for (const char *line = text; line && *line;) {
        if (!strncmp(line, pat, strlen(pat))) {
            const char *v = line + strlen(pat);
            size_t n = strcspn(v, "\n");
            if (n >= size)
                n = size - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return 1;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    out[0] = '\0';
    return 0;
}

#endif /* RS_DEMO_TEST_UTIL_H */
