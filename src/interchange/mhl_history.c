/*
 * Reading a whole ASC MHL history from disk: the chain first, then every
 * generation it lists, each checked against the C4 ID the chain recorded
 * for it, and finally one merged view holding the latest hash per file.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rushes/error.h"
#include "rushes/log.h"
#include "interchange/mhl_internal.h"

int rs_mhl_errno_code(int e)
{
    switch (e) {
    case ENOENT: case ENOTDIR: return RS_ENOENT;
    case EACCES: case EPERM: case EROFS: return RS_EACCES;
    case ENOMEM: return RS_ENOMEM;
    case EEXIST: return RS_EEXIST;
    default: return RS_EIO;
    }
}

int rs_mhl_join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return rs_error(RS_ERANGE, "%s/%s: path too long", dir, name);
    return 0;
}

int rs_mhl_read_file(const char *path, char **buf, size_t *len)
{
    *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rs_error(rs_mhl_errno_code(errno), "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int ret = 0;
    if (fstat(fd, &st) < 0)
        ret = rs_error(rs_mhl_errno_code(errno), "%s: cannot stat: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        ret = rs_error(RS_EINVAL, "%s: not a regular file", path);
    else if ((uint64_t)st.st_size > RS_MHL_FILE_MAX)
        ret = rs_error(RS_ERANGE, "%s: %lld bytes, larger than any MHL file rushes reads",
                       path, (long long)st.st_size);
    if (ret < 0) {
        close(fd);
        return ret;
    }
    char *b = malloc((size_t)st.st_size + 1);
    if (!b) {
        close(fd);
        return rs_error(RS_ENOMEM, "%s: out of memory", path);
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, b + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            free(b);
            return rs_error(rs_mhl_errno_code(e), "%s: read failed: %s", path,
                            n < 0 ? strerror(e) : "file shrank while being read");
        }
        got += (size_t)n;
    }
    close(fd);
    b[got] = '\0';
    *buf = b;
    *len = got;
    return 0;
}

const char *rs_mhl_check_relpath(const char *path)
{
    const unsigned char *s = (const unsigned char *)path;
    if (!*s)
        return "empty path";
    if (*s == '/')
        return "absolute path";
    const unsigned char *comp = s;
    while (1) {
        unsigned c = *s;
        if (c == '/' || c == '\0') {
            size_t n = (size_t)(s - comp);
            if (n == 0)
                return "empty path component";
            if ((n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
                return "'.' or '..' path component";
            if (c == '\0')
                return NULL;
            comp = ++s;
            continue;
        }
        if (c < 0x20 || c == 0x7F)
            return "control character in the name";
        if (c < 0x80) {
            s++;
            continue;
        }
        int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        unsigned cp = c & (0x3F >> n);
        for (int i = 1; n > 0 && i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return "not valid UTF-8";
            cp = (cp << 6) | (s[i] & 0x3F);
        }
        static const unsigned min[4] = { 0, 0x80, 0x800, 0x10000 };
        if (n < 0 || cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
            cp == 0xFFFE || cp == 0xFFFF)
            return "not valid UTF-8";
        s += n + 1;
    }
}

int rs_mhl_file_seq(const char *name)
{
    int seq = 0, digits = 0;
    for (; *name >= '0' && *name <= '9' && digits < 7; name++, digits++)
        seq = seq * 10 + (*name - '0');
    return digits && *name == '_' ? seq : 0;
}

static int entry_cmp(const void *a, const void *b)
{
    const RsMhlEntry *x = *(const RsMhlEntry *const *)a, *y = *(const RsMhlEntry *const *)b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Merges all generations into one entry per path: newer generations win,
 * failed records never do. */
static int build_latest(RsMhlHistory *h)
{
    size_t total = 0;
    for (int i = 0; i < h->ngens; i++)
        total += h->gens[i]->nentries;
    if (!total)
        return 0;
    const RsMhlEntry **all = malloc(total * sizeof(*all));
    if (!all || !(h->latest = calloc(total, sizeof(*h->latest)))) {
        free(all);
        return rs_error(RS_ENOMEM, "%s: out of memory", h->dir);
    }
    size_t k = 0;
    for (int i = 0; i < h->ngens; i++)
        for (size_t j = 0; j < h->gens[i]->nentries; j++)
            all[k++] = &h->gens[i]->entries[j];
    qsort(all, total, sizeof(*all), entry_cmp);

    for (size_t i = 0; i < total;) {
        RsMhlEntry *m = &h->latest[h->nlatest];
        m->size = -1;
        size_t j = i;
        for (; j < total && !strcmp(all[j]->path, all[i]->path); j++) {
            const RsMhlEntry *e = all[j];
            int used = 0;
            for (int t = 0; t < e->nhashes; t++) {
                if (e->hashes[t].action == RS_MHL_FAILED)
                    continue;
                RsMhlHash *dst = (RsMhlHash *)rs_mhl_entry_hash(m, e->hashes[t].algo);
                *(dst ? dst : &m->hashes[m->nhashes++]) = e->hashes[t];
                used = 1;
            }
            if (used) {
                m->seq = e->seq;
                m->size = e->size;
                memcpy(m->lastmod, e->lastmod, sizeof(m->lastmod));
            }
        }
        if (m->nhashes) {
            if (!(m->path = strdup(all[i]->path))) {
                free(all);
                return rs_error(RS_ENOMEM, "%s: out of memory", h->dir);
            }
            h->nlatest++;
        }
        i = j;
    }
    free(all);
    return 0;
}

/* Reads, checks and parses the generation a chain link names. */
static int read_generation(RsMhlHistory *h, const RsMhlLink *l)
{
    char path[4096];
    char *buf;
    size_t len;
    int ret = rs_mhl_join(path, sizeof(path), h->dir, l->file);
    if (ret < 0)
        return ret;
    ret = rs_mhl_read_file(path, &buf, &len);
    if (ret == RS_ENOENT)
        return rs_error(RS_ETAMPER, "%s: listed as generation %d in %s but missing",
                        path, l->seq, RS_MHL_CHAIN);
    if (ret < 0)
        return ret;
    char c4[RS_HASH_HEX_MAX];
    if ((ret = rs_hash_buffer(RS_HASH_C4, buf, len, c4)) < 0) {
        free(buf);
        return ret;
    }
    if (strcmp(c4, l->c4)) {
        free(buf);
        return rs_error(RS_ETAMPER, "%s: contents changed after it was written: its C4 ID is "
                        "%s but %s recorded %s for generation %d", path, c4, RS_MHL_CHAIN,
                        l->c4, l->seq);
    }
    RsMhlGeneration *g;
    ret = rs_mhl_generation_parse(path, buf, len, &g);
    free(buf);
    if (ret < 0)
        return ret;
    g->seq = l->seq;
    memcpy(g->c4, c4, sizeof(c4));
    free(g->file);
    if (!(g->file = strdup(l->file))) {
        rs_mhl_generation_free(&g);
        return rs_error(RS_ENOMEM, "%s: out of memory", path);
    }
    for (size_t i = 0; i < g->nentries; i++)
        g->entries[i].seq = g->seq;
    h->gens[h->ngens++] = g;
    return 0;
}

/* Names of the generation files present ("*.mhl", not hidden) in dir. */
static int list_generations(const char *dir, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return rs_error(rs_mhl_errno_code(errno), "%s: cannot list: %s", dir, strerror(errno));
    struct dirent *de;
    int ret = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".mhl"))
            continue;
        char **nn = realloc(*names, (*n + 1) * sizeof(*nn));
        if (!nn || !(nn[*n] = strdup(de->d_name))) {
            if (nn)
                *names = nn;
            ret = rs_error(RS_ENOMEM, "%s: out of memory", dir);
            break;
        }
        *names = nn;
        (*n)++;
    }
    closedir(d);
    return ret;
}

static int read_history(RsMhlHistory *h)
{
    struct stat st;
    if (stat(h->dir, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        return rs_error(rs_mhl_errno_code(errno), "%s: %s", h->dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return rs_error(RS_EINVAL, "%s: exists but is not a folder", h->dir);

    char **files = NULL;
    size_t nfiles = 0;
    RsMhlLink *links = NULL;
    size_t nlinks = 0;
    char *buf = NULL, chain[4096];
    size_t len;
    int ret = list_generations(h->dir, &files, &nfiles);
    if (ret < 0)
        goto end;
    if ((ret = rs_mhl_join(chain, sizeof(chain), h->dir, RS_MHL_CHAIN)) < 0)
        goto end;
    ret = rs_mhl_read_file(chain, &buf, &len);
    if (ret == RS_ENOENT) {
        ret = nfiles ? rs_error(RS_ETAMPER, "%s: missing, yet %zu generation file(s) such as "
                                "%s are present", chain, nfiles, files[0]) : 0;
        goto end;
    }
    if (ret < 0 || (ret = rs_mhl_chain_parse(chain, buf, len, &links, &nlinks)) < 0)
        goto end;
    if (nlinks && !(h->gens = calloc(nlinks, sizeof(*h->gens)))) {
        ret = rs_error(RS_ENOMEM, "%s: out of memory", chain);
        goto end;
    }
    for (size_t i = 0; i < nlinks && ret >= 0; i++)
        ret = read_generation(h, &links[i]);
    for (size_t i = 0; i < nfiles && ret >= 0; i++) {
        size_t j = 0;
        while (j < nlinks && strcmp(links[j].file, files[i]))
            j++;
        if (j == nlinks)
            rs_log(RS_LOG_WARNING, "%s/%s: generation file not listed in %s (an interrupted "
                   "write?); ignored", h->dir, files[i], RS_MHL_CHAIN);
    }
    if (ret >= 0)
        ret = build_latest(h);
end:
    free(buf);
    rs_mhl_chain_free(&links, nlinks);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    return ret;
}

int rs_mhl_history_read(const char *mhl_root, RsMhlHistory **out)
{
    *out = NULL;
    RsMhlHistory *h = calloc(1, sizeof(*h));
    if (!h || asprintf(&h->dir, "%s/%s", mhl_root, RS_MHL_DIR) < 0) {
        free(h);
        return rs_error(RS_ENOMEM, "%s: out of memory", mhl_root);
    }
    int ret = read_history(h);
    if (ret < 0) {
        rs_mhl_history_free(&h);
        return ret;
    }
    *out = h;
    return 0;
}

static int find_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const RsMhlEntry *)elem)->path);
}

const RsMhlEntry *rs_mhl_history_find(const RsMhlHistory *h, const char *path)
{
    if (!h || !h->nlatest)
        return NULL;
    return bsearch(path, h->latest, h->nlatest, sizeof(*h->latest), find_cmp);
}

void rs_mhl_history_free(RsMhlHistory **hp)
{
    RsMhlHistory *h = *hp;
    if (!h)
        return;
    for (int i = 0; i < h->ngens; i++)
        rs_mhl_generation_free(&h->gens[i]);
    for (size_t i = 0; i < h->nlatest; i++)
        free(h->latest[i].path);
    free(h->gens);
    free(h->latest);
    free(h->dir);
    free(h);
    *hp = NULL;
}
