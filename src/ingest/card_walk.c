/*
 * Walking a card. Folders are opened relative to their parent with
 * O_NOFOLLOW, so a symbolic link can never lead the walk out of the card or
 * into a loop; links to files are resolved explicitly and kept only when
 * they stay inside the root.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rushes/error.h"
#include "ingest/card_walk.h"

/* Deep enough for any camera layout; stops pathological trees. */
#define MAX_DEPTH 64

typedef struct Walker {
    const char *root;
    char *root_real;
    RsWalkItem *items;
    size_t n, cap;
} Walker;

/* Names operating systems create on mounted media (see card.h), written as
 * the ignore patterns an ASC MHL records; "._*" is the one wildcard. */
static const char *const junk[] = {
    ".DS_Store", "._*", ".Spotlight-V100", ".Trashes", ".fseventsd", ".TemporaryItems",
    ".DocumentRevisions-V100", "Thumbs.db", "desktop.ini", "System Volume Information",
    "$RECYCLE.BIN", "ascmhl", "ascmhl/",
};

const char *const *rs_card_ignore_patterns(size_t *n)
{
    *n = sizeof(junk) / sizeof(junk[0]);
    return junk;
}

static int is_junk(const char *name)
{
    if (!strncmp(name, "._", 2))
        return 1;
    /* The last two patterns name the history folder, handled by the walk. */
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]) - 2; i++)
        if (!strcmp(name, junk[i]))
            return 1;
    return 0;
}

int rs_card_path_skipped(const char *relpath)
{
    const char *s = relpath;
    for (;;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        char comp[NAME_MAX + 1];
        if (n <= NAME_MAX) {
            memcpy(comp, s, n);
            comp[n] = '\0';
            if (is_junk(comp) || (slash && !strcmp(comp, "ascmhl")))
                return 1;
        }
        if (!slash)
            return 0;
        s = slash + 1;
    }
}

static char *join(const char *dir, const char *name)
{
    char *r;
    if (asprintf(&r, "%s%s%s", dir ? dir : "", dir ? "/" : "", name) < 0)
        return NULL;
    return r;
}

static int add(Walker *w, char *path, const struct stat *st, int error, const char *fmt, ...)
    RS_PRINTF(5, 6);
static int add(Walker *w, char *path, const struct stat *st, int error, const char *fmt, ...)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 256;
        RsWalkItem *ni = realloc(w->items, cap * sizeof(*ni));
        if (!ni) {
            free(path);
            return rs_error(RS_ENOMEM, "%s: out of memory listing files", w->root);
        }
        w->items = ni;
        w->cap = cap;
    }
    RsWalkItem *it = &w->items[w->n++];
    memset(it, 0, sizeof(*it));
    it->path = path;
    if (st) {
        it->size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
        it->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    }
    it->error = error;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&it->message, fmt, ap);
        va_end(ap);
        if (r < 0) {
            it->message = NULL;
            return rs_error(RS_ENOMEM, "%s: out of memory listing files", w->root);
        }
    }
    return 0;
}

static int errno_code(int e)
{
    return e == EACCES || e == EPERM ? RS_EACCES : e == ENOENT ? RS_ENOENT :
           e == ENOMEM ? RS_ENOMEM : RS_EIO;
}

/* A symbolic link is kept only when it resolves to a regular file inside the root. */
static int add_link(Walker *w, char *rel)
{
    char *abs = join(w->root_real, rel);
    if (!abs) {
        free(rel);
        return rs_error(RS_ENOMEM, "%s: out of memory listing files", w->root);
    }
    char *target = realpath(abs, NULL);
    struct stat st;
    int ret;
    size_t rl = strlen(w->root_real);
    if (!target)
        ret = add(w, rel, NULL, RS_ENOENT, "%s/%s: dangling symbolic link: %s",
                  w->root, rel, strerror(errno));
    else if (strncmp(target, w->root_real, rl) ||
             (target[rl] != '/' && target[rl] != '\0' && rl > 1))
        ret = add(w, rel, NULL, RS_EUNSUP, "%s/%s: symbolic link leads out of the card (to %s); "
                  "not followed", w->root, rel, target);
    else if (stat(target, &st) < 0)
        ret = add(w, rel, NULL, errno_code(errno), "%s/%s: %s", w->root, rel, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        ret = add(w, rel, NULL, RS_EUNSUP, "%s/%s: symbolic link to something other than a "
                  "file; not followed", w->root, rel);
    else
        ret = add(w, rel, &st, 0, NULL);
    free(target);
    free(abs);
    return ret;
}

static int walk_dir(Walker *w, int parent_fd, const char *name, const char *rel, int depth)
{
    if (depth > MAX_DEPTH) {
        char *p = strdup(rel);
        return p ? add(w, p, NULL, RS_EUNSUP, "%s/%s: folders nested deeper than %d; not "
                       "walked", w->root, rel, MAX_DEPTH) : RS_ENOMEM;
    }
    int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (!rel)
            return rs_error(errno_code(e), "%s: cannot open the card: %s", w->root, strerror(e));
        char *p = strdup(rel);
        return p ? add(w, p, NULL, errno_code(e), "%s/%s: cannot open folder: %s",
                       w->root, rel, strerror(e)) : RS_ENOMEM;
    }
    int ret = 0;
    struct dirent *de;
    while (ret >= 0) {
        errno = 0;
        if (!(de = readdir(d))) {
            if (errno) {
                char *p = strdup(rel ? rel : ".");
                ret = p ? add(w, p, NULL, errno_code(errno), "%s/%s: listing failed: %s",
                              w->root, rel ? rel : ".", strerror(errno)) : RS_ENOMEM;
            }
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || is_junk(de->d_name))
            continue;
        char *child = join(rel, de->d_name);
        if (!child) {
            ret = RS_ENOMEM;
            break;
        }
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            ret = add(w, child, NULL, errno_code(errno), "%s/%s: cannot stat: %s",
                      w->root, child, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            if (strcmp(de->d_name, "ascmhl"))
                ret = walk_dir(w, dirfd(d), de->d_name, child, depth + 1);
            free(child);
        } else if (S_ISREG(st.st_mode)) {
            ret = add(w, child, &st, 0, NULL);
        } else if (S_ISLNK(st.st_mode)) {
            ret = add_link(w, child);
        } else {
            ret = add(w, child, &st, RS_EIO, "%s/%s: not a regular file (%s); not read",
                      w->root, child, S_ISFIFO(st.st_mode) ? "a FIFO" :
                      S_ISSOCK(st.st_mode) ? "a socket" : "a device");
        }
    }
    closedir(d);
    if (ret == RS_ENOMEM)
        ret = rs_error(RS_ENOMEM, "%s: out of memory listing files", w->root);
    return ret;
}

static int item_cmp(const void *a, const void *b)
{
    return strcmp(((const RsWalkItem *)a)->path, ((const RsWalkItem *)b)->path);
}

int rs_card_walk(const char *root, RsWalkItem **items, size_t *nitems)
{
    Walker w = { .root = root };
    *items = NULL;
    *nitems = 0;
    if (!(w.root_real = realpath(root, NULL)))
        return rs_error(errno_code(errno), "%s: cannot open the card: %s", root, strerror(errno));
    int ret = walk_dir(&w, AT_FDCWD, w.root_real, NULL, 0);
    free(w.root_real);
    if (ret < 0) {
        rs_card_walk_free(&w.items, w.n);
        return ret;
    }
    if (w.n)
        qsort(w.items, w.n, sizeof(*w.items), item_cmp);
    *items = w.items;
    *nitems = w.n;
    return 0;
}

void rs_card_walk_free(RsWalkItem **items, size_t nitems)
{
    for (size_t i = 0; *items && i < nitems; i++) {
        free((*items)[i].path);
        free((*items)[i].message);
    }
    free(*items);
    *items = NULL;
}
