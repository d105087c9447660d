/*
 * Image sequences: turn a folder or a printf pattern into what the image2
 * demuxer needs (a pattern and the first number). image2 itself only probes a
 * few numbers from start_number, so the first number must be found here.
 *
 * image2's "sequence" pattern type reads consecutive numbers and stops at the
 * first one missing, so a scan that kept every second frame (100, 102, ...)
 * is read instead through its "glob" pattern type, with a glob(3) pattern
 * built here. A glob lists names sorted as strings, which is number order
 * only among names of one length, so the pattern holds one brace alternative
 * per name length (glibc sorts each alternative's matches on its own and
 * keeps the alternatives in order), and, when files after a gap must be left
 * out, alternatives that match only numbers up to the last one read. The
 * list glob(3) gives is compared with the numbers found on disk before image2
 * is trusted with the pattern.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libavformat/avformat.h>

#include "rushes/error.h"
#include "rushes/log.h"
#include "media/sequence.h"

#define MAX_DIGITS 18

/* image2 copies the url into a buffer of this size and cuts what is longer. */
#define IMAGE2_MAX_PATH 1024

/* The flags image2 passes to glob(3) for pattern_type "glob". */
#define IMAGE2_GLOB_FLAGS (GLOB_NOCHECK | GLOB_BRACE | GLOB_NOMAGIC)

static const char *const image_exts[] = { "png", "tif", "tiff", "dpx", "exr", "jpg", "jpeg" };

typedef struct Group {
    char *prefix, *suffix;       /* name around the number; suffix holds the extension */
    int64_t *num;
    int *len;                    /* digits as written, to check the zero padding */
    int n, cap;
    int min_len;
} Group;

static int ndigits(int64_t v)
{
    int d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

static int is_image_ext(const char *ext)
{
    for (size_t i = 0; i < sizeof(image_exts) / sizeof(image_exts[0]); i++)
        if (!strcasecmp(ext, image_exts[i]))
            return 1;
    return 0;
}

static int group_add(Group *g, int64_t num, int len)
{
    if (g->n == g->cap) {
        int cap = g->cap ? 2 * g->cap : 64;
        int64_t *num2 = realloc(g->num, cap * sizeof(*num2));
        if (!num2)
            return RS_ENOMEM;
        g->num = num2;
        int *len2 = realloc(g->len, cap * sizeof(*len2));
        if (!len2)
            return RS_ENOMEM;
        g->len = len2;
        g->cap = cap;
    }
    g->num[g->n] = num;
    g->len[g->n] = len;
    g->n++;
    if (g->n == 1 || len < g->min_len)
        g->min_len = len;
    return 0;
}

static void group_free(Group *g)
{
    free(g->prefix);
    free(g->suffix);
    free(g->num);
    free(g->len);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/*
 * Sort the numbers and measure the run that will be read. The step is the
 * smallest difference on disk: a folder that holds 100, 101 and 104 is a
 * step-1 sequence with a gap, never a step-3 one, so a missing frame is
 * always reported rather than stepped over.
 */
static void fill_range(Group *g, RsSequence *seq)
{
    qsort(g->num, g->n, sizeof(*g->num), cmp_i64);
    seq->start = g->num[0];
    seq->total = g->n;
    seq->step = 0;
    for (int i = 1; i < g->n; i++) {
        int64_t d = g->num[i] - g->num[i - 1];
        if (d > 0 && (!seq->step || d < seq->step))
            seq->step = d;
    }
    if (!seq->step)
        seq->step = 1;
    seq->count = 1;
    while (seq->count < g->n && g->num[seq->count] == g->num[seq->count - 1] + seq->step)
        seq->count++;
}

/* Digits in the name of frame number v with zero padding to width. */
static int name_digits(int64_t v, int width)
{
    return ndigits(v) > width ? ndigits(v) : width;
}

static char *frame_name(const Group *g, int width, int64_t v)
{
    size_t size = strlen(g->prefix) + strlen(g->suffix) + MAX_DIGITS + 2;
    char *s = malloc(size);
    if (s)
        snprintf(s, size, "%s%0*lld%s", g->prefix, width, (long long)v, g->suffix);
    return s;
}

/* A growing string; an allocation failure is remembered and reported once at the end. */
typedef struct Str {
    char *s;
    size_t len, cap;
    int oom;
} Str;

static void str_add(Str *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = 2 * (b->len + n + 1) + 64;
        char *s2 = realloc(b->s, cap);
        if (!s2) {
            b->oom = 1;
            return;
        }
        b->s = s2;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void str_puts(Str *b, const char *s)
{
    str_add(b, s, strlen(s));
}

/* Append s with a backslash before every character glob(3) or its brace
 * expansion would read as special. */
static void str_add_glob_literal(Str *b, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\*?[]{},", *s))
            str_add(b, "\\", 1);
        str_add(b, s, 1);
    }
}

static void str_add_any_digits(Str *b, int n)
{
    for (int i = 0; i < n; i++)
        str_puts(b, "[0-9]");
}

/*
 * Alternatives matching the names of one length whose numbers are at most
 * the digits d (a number d[0] d[1] ... with smaller digits somewhere, then
 * anything; and d itself), smallest numbers first.
 */
static void str_add_at_most(Str *b, const char *d, int *sep)
{
    int n = (int)strlen(d);
    for (int i = 0; i < n; i++) {
        if (d[i] == '0')
            continue;
        if ((*sep)++)
            str_puts(b, ",");
        char cls[8] = { '[', '0', '-', (char)(d[i] - 1), ']', 0 };
        str_add(b, d, i);
        str_puts(b, cls);
        str_add_any_digits(b, n - 1 - i);
    }
    if ((*sep)++)
        str_puts(b, ",");
    str_puts(b, d);
}

/*
 * Build seq->glob for the count files from seq->start by seq->step in dir,
 * then list it with glob(3) as image2 will and check it names exactly those
 * files in that order.
 */
static int build_glob(RsSequence *seq, const Group *g, const char *dir, int width,
                      const char *what)
{
    int64_t last = seq->start + (seq->count - 1) * seq->step;
    int wa = name_digits(seq->start, width), wb = name_digits(last, width);
    /* Files after a gap are on disk: the longest names must stop at last. */
    int cut = seq->count < seq->total;
    Str b = { 0 };
    /* A relative folder such as "A001:C002" would be read as a protocol. */
    if (dir[0] != '/')
        str_puts(&b, "./");
    str_add_glob_literal(&b, dir);
    if (b.len && b.s[b.len - 1] != '/')
        str_puts(&b, "/");
    str_add_glob_literal(&b, g->prefix);
    int braces = wb > wa || cut, sep = 0;
    if (braces)
        str_puts(&b, "{");
    for (int w = wa; w <= wb; w++) {
        if (w == wb && cut) {
            /* The number as written in the names: wb digits, zero padded. */
            char d[MAX_DIGITS + 2];
            int64_t v = last;
            for (int i = wb - 1; i >= 0; i--, v /= 10)
                d[i] = (char)('0' + v % 10);
            d[wb] = '\0';
            str_add_at_most(&b, d, &sep);
        } else {
            if (sep++)
                str_puts(&b, ",");
            str_add_any_digits(&b, w);
        }
    }
    if (braces)
        str_puts(&b, "}");
    str_add_glob_literal(&b, g->suffix);
    if (b.oom) {
        free(b.s);
        return RS_ENOMEM;
    }
    seq->glob = b.s;
    if (b.len >= IMAGE2_MAX_PATH)
        return rs_error(RS_EINVAL, "%s: the frame numbers step by %lld and the folder's path "
                        "is too long to list them (%zu bytes of glob pattern; FFmpeg takes %d)",
                        what, (long long)seq->step, b.len, IMAGE2_MAX_PATH - 1);

    glob_t gl;
    memset(&gl, 0, sizeof(gl));
    int r = glob(seq->glob, IMAGE2_GLOB_FLAGS, NULL, &gl);
    int ok = r == 0 && (int64_t)gl.gl_pathc == seq->count;
    size_t plen = strlen(g->prefix), slen = strlen(g->suffix);
    for (size_t i = 0; ok && i < gl.gl_pathc; i++) {
        const char *p = gl.gl_pathv[i], *slash = strrchr(p, '/');
        const char *name = slash ? slash + 1 : p;
        size_t len = strlen(name);
        char *end;
        ok = len > plen + slen && !strncmp(name, g->prefix, plen) &&
             !strcmp(name + len - slen, g->suffix) && isdigit((unsigned char)name[plen]) &&
             strtoll(name + plen, &end, 10) == g->num[i] && end == name + len - slen;
    }
    /* glob(3) may have listed some names before it failed: free them in every case. */
    globfree(&gl);
    if (r == GLOB_NOSPACE)
        return RS_ENOMEM;
    if (!ok)
        return rs_error(RS_EMEDIA, "%s: the frame numbers step by %lld but the files %s#%s "
                        "could not be listed in number order (the folder changed, or names "
                        "that differ only in their digits sort apart here)", what,
                        (long long)seq->step, g->prefix, g->suffix);
    return 0;
}

/* Fill seq from the group found in dir: the run read, its end names, a glob when stepped. */
static int finish_sequence(RsSequence *seq, Group *g, const char *dir, int width,
                           const char *what)
{
    fill_range(g, seq);
    int64_t last = seq->start + (seq->count - 1) * seq->step;
    if (!(seq->first = frame_name(g, width, seq->start)) ||
        !(seq->last = frame_name(g, width, last)))
        return RS_ENOMEM;
    if (seq->step > 1 && seq->count > 1)
        return build_glob(seq, g, dir, width, what);
    return 0;
}

static int open_dir(const char *dir, const char *what, DIR **out)
{
    *out = opendir(dir);
    if (*out)
        return 0;
    int e = errno;
    if (e == ENOENT || e == ENOTDIR)
        return rs_error(RS_ENOENT, "%s: no such folder", what);
    if (e == EACCES)
        return rs_error(RS_EACCES, "%s: permission denied", what);
    return rs_error(RS_EIO, "%s: cannot list the folder (%s)", what, strerror(e));
}

/* Undo the doubling of '%' in place. */
static void unescape_percent(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '%' && s[1] == '%')
            s++;
        *o++ = *s;
    }
    *o = '\0';
}

/* Append s to dst (of size cap, at *pos) with every '%' doubled. */
static void append_escaped(char *dst, size_t cap, size_t *pos, const char *s)
{
    for (; *s && *pos + 2 < cap; s++) {
        if (*s == '%')
            dst[(*pos)++] = '%';
        dst[(*pos)++] = *s;
    }
    dst[*pos] = '\0';
}

static int find_group(Group **groups, int *nb, int *cap, const char *prefix, size_t plen,
                      const char *suffix)
{
    for (int i = 0; i < *nb; i++)
        if (strlen((*groups)[i].prefix) == plen && !strncmp((*groups)[i].prefix, prefix, plen) &&
            !strcmp((*groups)[i].suffix, suffix))
            return i;
    if (*nb == *cap) {
        int c = *cap ? 2 * *cap : 8;
        Group *g = realloc(*groups, c * sizeof(*g));
        if (!g)
            return RS_ENOMEM;
        *groups = g;
        *cap = c;
    }
    Group *g = &(*groups)[*nb];
    memset(g, 0, sizeof(*g));
    g->prefix = strndup(prefix, plen);
    g->suffix = strdup(suffix);
    (*nb)++;
    if (!g->prefix || !g->suffix)
        return RS_ENOMEM;
    return *nb - 1;
}

int rs_sequence_from_dir(const char *dir, RsSequence *seq)
{
    memset(seq, 0, sizeof(*seq));
    DIR *d;
    int ret = open_dir(dir, dir, &d);
    if (ret < 0)
        return ret;

    Group *groups = NULL;
    int nb = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        const char *dot = strrchr(name, '.');
        if (name[0] == '.' || !dot || !is_image_ext(dot + 1))
            continue;
        /* The frame number is the last run of digits before the extension. */
        const char *end = dot;
        while (end > name && !isdigit((unsigned char)end[-1]))
            end--;
        const char *start = end;
        while (start > name && isdigit((unsigned char)start[-1]))
            start--;
        int len = (int)(end - start);
        if (len == 0 || len > MAX_DIGITS)
            continue;
        int gi = find_group(&groups, &nb, &cap, name, start - name, end);
        if (gi < 0) {
            ret = gi;
            goto done;
        }
        if ((ret = group_add(&groups[gi], strtoll(start, NULL, 10), len)) < 0)
            goto done;
    }

    if (nb == 0) {
        ret = rs_error(RS_EMEDIA, "%s: not an image sequence (no numbered png, tif, tiff, dpx, "
                       "exr or jpg files)", dir);
        goto done;
    }
    if (nb > 1) {
        ret = rs_error(RS_EMEDIA, "%s: holds %d numbered sequences (%s#%s, %s#%s, ...); "
                       "name one by its pattern", dir, nb, groups[0].prefix, groups[0].suffix,
                       groups[1].prefix, groups[1].suffix);
        goto done;
    }

    /* "%0Nd" with N the shortest number written must print every name back
     * exactly; otherwise the padding is mixed and no pattern fits. */
    Group *g = &groups[0];
    for (int i = 0; i < g->n; i++) {
        int want = ndigits(g->num[i]) > g->min_len ? ndigits(g->num[i]) : g->min_len;
        if (g->len[i] != want) {
            ret = rs_error(RS_EMEDIA, "%s: the sequence %s#%s mixes zero padded and unpadded "
                           "frame numbers", dir, g->prefix, g->suffix);
            goto done;
        }
    }

    size_t size = 2 * (strlen(dir) + strlen(g->prefix) + strlen(g->suffix)) + 16;
    seq->pattern = malloc(size);
    if (!seq->pattern) {
        ret = RS_ENOMEM;
        goto done;
    }
    size_t pos = 0;
    seq->pattern[0] = '\0';
    append_escaped(seq->pattern, size, &pos, dir);
    if (pos > 0 && seq->pattern[pos - 1] != '/')
        append_escaped(seq->pattern, size, &pos, "/");
    append_escaped(seq->pattern, size, &pos, g->prefix);
    if (g->min_len > 1)
        pos += snprintf(seq->pattern + pos, size - pos, "%%0%dd", g->min_len);
    else
        pos += snprintf(seq->pattern + pos, size - pos, "%%d");
    append_escaped(seq->pattern, size, &pos, g->suffix);
    ret = finish_sequence(seq, g, dir, g->min_len > 1 ? g->min_len : 0, dir);

done:
    for (int i = 0; i < nb; i++)
        group_free(&groups[i]);
    free(groups);
    closedir(d);
    if (ret < 0)
        rs_sequence_free(seq);
    return ret;
}

/*
 * Split a file-name pattern into its literal prefix and suffix (with "%%"
 * undone) and the zero padding width (0 for "%d"). Returns the number of
 * conversions found, or -1 for a conversion image2 does not accept.
 */
static int parse_pattern(const char *name, char *prefix, char *suffix, size_t cap, int *width)
{
    int conversions = 0;
    size_t np = 0, ns = 0;
    *width = 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (c == '%') {
            if (p[1] == '%') {
                p++;
            } else {
                const char *q = p + 1;
                int zero = *q == '0';
                int w = (int)strtol(q, (char **)&q, 10);
                if (*q != 'd' || (w && !zero) || w > MAX_DIGITS)
                    return -1;
                *width = w;
                conversions++;
                p = q;
                continue;
            }
        }
        if (conversions == 0 && np + 1 < cap)
            prefix[np++] = c;
        else if (conversions > 0 && ns + 1 < cap)
            suffix[ns++] = c;
    }
    prefix[np] = suffix[ns] = '\0';
    return conversions;
}

int rs_sequence_is_pattern(const char *path)
{
    for (const char *p = path; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        const char *q = p + 1;
        while (isdigit((unsigned char)*q))
            q++;
        if (*q == 'd')
            return 1;
    }
    return 0;
}

int rs_sequence_from_pattern(const char *pattern, RsSequence *seq)
{
    memset(seq, 0, sizeof(*seq));
    const char *slash = strrchr(pattern, '/');
    const char *name = slash ? slash + 1 : pattern;
    size_t cap = strlen(pattern) + 1;
    char *dir = slash ? strndup(pattern, slash == pattern ? 1 : (size_t)(slash - pattern))
                      : strdup(".");
    char *prefix = malloc(cap), *suffix = malloc(cap);
    Group g = { 0 };
    DIR *d = NULL;
    int width, ret;
    if (!dir || !prefix || !suffix) {
        ret = RS_ENOMEM;
        goto done;
    }
    if (parse_pattern(name, prefix, suffix, cap, &width) != 1) {
        ret = rs_error(RS_EINVAL, "%s: the file name needs one %%d or %%0Nd for the frame "
                       "number", pattern);
        goto done;
    }
    if (rs_sequence_is_pattern(dir)) {
        ret = rs_error(RS_EINVAL, "%s: the frame number must be in the file name, not the "
                       "folder", pattern);
        goto done;
    }
    /* image2 reads "%%" in the folder as '%'; so must the listing. */
    unescape_percent(dir);
    if ((ret = open_dir(dir, pattern, &d)) < 0)
        goto done;

    size_t plen = strlen(prefix), slen = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        if (len <= plen + slen || strncmp(n, prefix, plen) || strcmp(n + len - slen, suffix))
            continue;
        size_t digits = len - plen - slen;
        if (digits > MAX_DIGITS)
            continue;
        size_t i;
        for (i = 0; i < digits && isdigit((unsigned char)n[plen + i]); i++)
            ;
        if (i != digits)
            continue;
        int64_t v = strtoll(n + plen, NULL, 10);
        int want = ndigits(v) > width ? ndigits(v) : width;
        if ((int)digits != want)
            continue;
        if ((ret = group_add(&g, v, (int)digits)) < 0)
            goto done;
    }
    if (g.n == 0) {
        ret = rs_error(RS_ENOENT, "%s: no file matches the pattern", pattern);
        goto done;
    }
    if (!(seq->pattern = strdup(pattern))) {
        ret = RS_ENOMEM;
        goto done;
    }
    g.prefix = prefix;
    g.suffix = suffix;
    prefix = suffix = NULL;
    ret = finish_sequence(seq, &g, dir, width, pattern);

done:
    if (d)
        closedir(d);
    group_free(&g);
    free(dir);
    free(prefix);
    free(suffix);
    if (ret < 0)
        rs_sequence_free(seq);
    return ret;
}

void rs_sequence_free(RsSequence *seq)
{
    free(seq->pattern);
    free(seq->glob);
    free(seq->first);
    free(seq->last);
    seq->pattern = seq->glob = seq->first = seq->last = NULL;
}

int rs_sequence_path(char *buf, size_t size, const char *pattern, int64_t number)
{
    if (!pattern || number < 0 || number > INT_MAX || size > INT_MAX ||
        av_get_frame_filename2(buf, (int)size, pattern, (int)number, 0) < 0)
        return RS_EINVAL;
    return 0;
}

int rs_sequence_file(const RsSequence *seq, int64_t index, char *buf, size_t size)
{
    return rs_sequence_path(buf, size, seq->pattern, seq->start + seq->step * index);
}
