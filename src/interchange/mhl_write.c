/*
 * Writing ASC MHL v2.0 generations and updating the chain. The text is
 * built in memory (so its C4 ID is computed over exactly the bytes that
 * reach the disk), written to a hidden temporary file in the ascmhl folder,
 * flushed, and renamed into place: readers see either the old history or a
 * complete new file, never half of one.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rushes/error.h"
#include "interchange/mhl_internal.h"

typedef struct Buf {
    char *s;
    size_t len, cap;
    int oom;
} Buf;

static void put(Buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->cap - b->len < n + 1) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap - b->len < n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(Buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void printf_(Buf *b, const char *fmt, ...) RS_PRINTF(2, 3);
static void printf_(Buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    put(b, tmp, n < 0 ? 0 : (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Escapes the characters XML gives meaning to; quotes only matter inside
 * attribute values but are escaped everywhere for simplicity. */
static void put_esc(Buf *b, const char *s)
{
    for (const char *r = s;; r++) {
        const char *ent = NULL;
        switch (*r) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&apos;"; break;
        case '\0': put(b, s, (size_t)(r - s)); return;
        default: continue;
        }
        put(b, s, (size_t)(r - s));
        puts_(b, ent);
        s = r + 1;
    }
}

void rs_mhl_format_date(int64_t t, char out[RS_MHL_DATE_MAX])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, RS_MHL_DATE_MAX, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

static int hash_cmp(const void *a, const void *b)
{
    return strcmp(rs_hash_algo_name(((const RsMhlHash *)a)->algo),
                  rs_hash_algo_name(((const RsMhlHash *)b)->algo));
}

static void put_entry(Buf *b, const RsMhlEntry *e)
{
    puts_(b, "    <hash>\n      <path");
    if (e->size >= 0)
        printf_(b, " size=\"%lld\"", (long long)e->size);
    if (e->lastmod[0]) {
        puts_(b, " lastmodificationdate=\"");
        put_esc(b, e->lastmod);
        puts_(b, "\"");
    }
    puts_(b, ">");
    put_esc(b, e->path);
    puts_(b, "</path>\n");
    /* The schema wants several formats in one <hash> sorted by name. */
    RsMhlHash hs[RS_HASH_COUNT];
    int n = e->nhashes < RS_HASH_COUNT ? e->nhashes : RS_HASH_COUNT;
    memcpy(hs, e->hashes, (size_t)n * sizeof(*hs));
    qsort(hs, (size_t)n, sizeof(*hs), hash_cmp);
    for (int i = 0; i < n; i++) {
        const char *fmt = rs_hash_algo_name(hs[i].algo);
        printf_(b, "      <%s", fmt);
        if (hs[i].action != RS_MHL_ACTION_NONE)
            printf_(b, " action=\"%s\"", rs_mhl_action_name(hs[i].action));
        if (hs[i].hashdate[0]) {
            puts_(b, " hashdate=\"");
            put_esc(b, hs[i].hashdate);
            puts_(b, "\"");
        }
        puts_(b, ">");
        put_esc(b, hs[i].hex);
        printf_(b, "</%s>\n", fmt);
    }
    puts_(b, "    </hash>\n");
}

static void build_generation(Buf *b, const RsMhlWriteSettings *s, const char *date,
                             const RsMhlEntry *entries, size_t n)
{
    char host[256] = "unknown";
    if (gethostname(host, sizeof(host)) < 0 || !host[0])
        snprintf(host, sizeof(host), "unknown");
    host[sizeof(host) - 1] = '\0';

    puts_(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<hashlist version=\"2.0\" xmlns=\"" RS_MHL_NS "\">\n"
             "  <creatorinfo>\n    <creationdate>");
    puts_(b, date);
    puts_(b, "</creationdate>\n    <hostname>");
    put_esc(b, host);
    puts_(b, "</hostname>\n    <tool version=\"");
    put_esc(b, rs_version());
    puts_(b, "\">rushes</tool>\n  </creatorinfo>\n  <processinfo>\n    <process>");
    put_esc(b, s->process ? s->process : "in-place");
    puts_(b, "</process>\n");
    if (s->nignore) {
        puts_(b, "    <ignore>\n");
        for (size_t i = 0; i < s->nignore; i++) {
            puts_(b, "      <pattern>");
            put_esc(b, s->ignore[i]);
            puts_(b, "</pattern>\n");
        }
        puts_(b, "    </ignore>\n");
    }
    puts_(b, "  </processinfo>\n");
    /* The schema allows no empty <hashes>: leave it out instead. */
    if (n) {
        puts_(b, "  <hashes>\n");
        for (size_t i = 0; i < n; i++)
            put_entry(b, &entries[i]);
        puts_(b, "  </hashes>\n");
    }
    puts_(b, "</hashlist>\n");
}

static void build_chain(Buf *b, const RsMhlLink *links, size_t n)
{
    puts_(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<ascmhldirectory xmlns=\"" RS_MHL_CHAIN_NS "\">\n");
    for (size_t i = 0; i < n; i++) {
        printf_(b, "  <hashlist sequencenr=\"%d\">\n    <path>", links[i].seq);
        put_esc(b, links[i].file);
        printf_(b, "</path>\n    <c4>%s</c4>\n  </hashlist>\n", links[i].c4);
    }
    puts_(b, "</ascmhldirectory>\n");
}

static void sync_dir(const char *dir)
{
    /* Makes the renames durable; some file systems refuse fsync on a
     * directory, which costs durability there but is not an error. */
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int atomic_write(const char *dir, const char *name, const Buf *b, int no_replace)
{
    char tmp[4096], final[4096], tmpname[600];
    snprintf(tmpname, sizeof(tmpname), ".%s.XXXXXX", name);
    int ret = rs_mhl_join(final, sizeof(final), dir, name);
    if (ret < 0 || (ret = rs_mhl_join(tmp, sizeof(tmp), dir, tmpname)) < 0)
        return ret;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return rs_error(rs_mhl_errno_code(errno), "%s: cannot create: %s", tmp, strerror(errno));
    size_t done = 0;
    while (done < b->len && ret == 0) {
        ssize_t w = write(fd, b->s + done, b->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            ret = rs_error(rs_mhl_errno_code(errno), "%s: write failed: %s", tmp, strerror(errno));
        else
            done += (size_t)w;
    }
    fchmod(fd, 0644); /* mkstemp makes 0600; a history is for everyone to read */
    if (ret == 0 && fsync(fd) < 0)
        ret = rs_error(rs_mhl_errno_code(errno), "%s: fsync failed: %s", tmp, strerror(errno));
    if (close(fd) < 0 && ret == 0)
        ret = rs_error(rs_mhl_errno_code(errno), "%s: close failed: %s", tmp, strerror(errno));
    if (ret == 0) {
        int r = no_replace ? renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE)
                           : rename(tmp, final);
        if (r < 0 && no_replace && (errno == EINVAL || errno == ENOSYS)) {
            /* The file system cannot rename without replacing (FAT, exFAT
             * on some kernels): check first, accepting a tiny race. */
            r = access(final, F_OK) == 0 ? (errno = EEXIST, -1) : rename(tmp, final);
        }
        if (r < 0)
            ret = rs_error(rs_mhl_errno_code(errno), "%s: cannot rename into place: %s",
                           final, strerror(errno));
    }
    if (ret < 0)
        unlink(tmp);
    return ret;
}

/* The next sequence number: past every generation in the chain and every
 * generation file present, listed or not, so a name is never reused. */
static int next_seq(const char *dir, const RsMhlLink *links, size_t n)
{
    int seq = 0;
    for (size_t i = 0; i < n; i++)
        seq = links[i].seq > seq ? links[i].seq : seq;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        int s = rs_mhl_file_seq(de->d_name);
        seq = s > seq ? s : seq;
    }
    if (d)
        closedir(d);
    return seq + 1;
}

int rs_mhl_write(const char *mhl_root, const RsMhlWriteSettings *s,
                 const RsMhlEntry *entries, size_t nentries, char **path_out)
{
    char dir[4096], chain[4096], name[512], date[RS_MHL_DATE_MAX];
    RsMhlLink *links = NULL;
    size_t nlinks = 0;
    Buf gen = { 0 }, ch = { 0 };
    char *cbuf = NULL;
    size_t clen;
    int ret;

    if (path_out)
        *path_out = NULL;
    for (size_t i = 0; i < nentries; i++) {
        const char *why = rs_mhl_check_relpath(entries[i].path);
        if (why)
            return rs_error(RS_EINVAL, "%s: cannot be recorded in an ASC MHL: %s",
                            entries[i].path, why);
        if (entries[i].nhashes < 1 || entries[i].nhashes > RS_HASH_COUNT)
            return rs_error(RS_EINVAL, "%s: no hash to record", entries[i].path);
    }
    if ((ret = rs_mhl_join(dir, sizeof(dir), mhl_root, RS_MHL_DIR)) < 0 ||
        (ret = rs_mhl_join(chain, sizeof(chain), dir, RS_MHL_CHAIN)) < 0)
        return ret;
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return rs_error(rs_mhl_errno_code(errno), "%s: cannot create: %s", dir, strerror(errno));

    ret = rs_mhl_read_file(chain, &cbuf, &clen);
    if (ret == RS_ENOENT)
        ret = 0;
    else if (ret == 0)
        ret = rs_mhl_chain_parse(chain, cbuf, clen, &links, &nlinks);
    if (ret < 0)
        goto end;
    RsMhlLink *nl = realloc(links, (nlinks + 1) * sizeof(*nl));
    if (!nl) {
        ret = rs_error(RS_ENOMEM, "%s: out of memory", chain);
        goto end;
    }
    links = nl;
    RsMhlLink *link = &links[nlinks];
    memset(link, 0, sizeof(*link));
    link->seq = next_seq(dir, links, nlinks);

    int64_t t = s->creation_time ? s->creation_time : (int64_t)time(NULL);
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    const char *root = s->root_name;
    if (!root || !*root || strchr(root, '/') || rs_mhl_check_relpath(root) || strlen(root) > 200)
        root = "root";
    snprintf(name, sizeof(name), "%04d_%s_%04d-%02d-%02d_%02d%02d%02dZ.mhl", link->seq, root,
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    rs_mhl_format_date(t, date);

    build_generation(&gen, s, date, entries, nentries);
    if (gen.oom || !(link->file = strdup(name))) {
        ret = rs_error(RS_ENOMEM, "%s: out of memory", dir);
        goto end;
    }
    nlinks++;
    if ((ret = rs_hash_buffer(RS_HASH_C4, gen.s, gen.len, link->c4)) < 0)
        goto end;
    build_chain(&ch, links, nlinks);
    if (ch.oom) {
        ret = rs_error(RS_ENOMEM, "%s: out of memory", chain);
        goto end;
    }
    if ((ret = atomic_write(dir, name, &gen, 1)) < 0)
        goto end;
    if ((ret = atomic_write(dir, RS_MHL_CHAIN, &ch, 0)) < 0)
        goto end;
    sync_dir(dir);
    ret = link->seq;
    if (path_out && asprintf(path_out, "%s/%s", dir, name) < 0) {
        *path_out = NULL;
        ret = rs_error(RS_ENOMEM, "%s: out of memory", dir);
    }
end:
    free(cbuf);
    free(gen.s);
    free(ch.s);
    rs_mhl_chain_free(&links, nlinks);
    return ret;
}
