/*
 * Hashing whole files. Reading is the cost that matters on set: a card
 * reader delivers 100 MB/s to a few GB/s and the hash must never be what the
 * data manager waits for.
 *
 * The file is read sequentially, the kernel told so (POSIX_FADV_SEQUENTIAL
 * widens its readahead, which fetches the next part of the file in the
 * background while this thread hashes), in 1 MiB aligned reads hashed as
 * soon as they arrive. 1 MiB stays in the CPU's L2 cache, so the hash reads
 * what the copy out of the page cache just wrote. Alternatives were measured
 * with bench/hash/run.sh and rejected (figures in doc/mhl.md): 4 MiB reads
 * cost 15-20% more CPU per byte; a reader thread passing 4 MiB buffers to
 * the hashing thread cost 25-35% more CPU per byte (cross-core cache
 * traffic, wake-ups), a loss whenever the cores have other work, as they do
 * during an ingest that also transcodes; asking the kernel to read 16 MiB
 * ahead (POSIX_FADV_WILLNEED) made cold reads slower, not faster.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rushes/error.h"
#include "rushes/hash.h"

#define CHUNK ((size_t)1 << 20)

typedef struct Job {
    RsHasher *h[RS_HASH_COUNT];
    int nh;
    RsHashProgress progress;
    void *opaque;
    uint64_t total;
} Job;

static int errno_code(int e)
{
    switch (e) {
    case ENOENT: case ENOTDIR: case ELOOP: case ENAMETOOLONG: return RS_ENOENT;
    case EACCES: case EPERM: return RS_EACCES;
    case ENOMEM: return RS_ENOMEM;
    default: return RS_EIO;
    }
}

/* Reads until buf is full or the file ends; returns the bytes read and sets
 * *err to the errno of a failed read (what was read before it is kept). */
static size_t read_full(int fd, uint8_t *buf, size_t size, int *err)
{
    size_t got = 0;
    *err = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *err = errno;
            break;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return got;
}

static int hash_fd(Job *job, int fd, uint8_t *buf, size_t bufsize, const char *path)
{
    for (;;) {
        int err;
        size_t n = read_full(fd, buf, bufsize, &err);
        for (int i = 0; i < job->nh; i++)
            rs_hasher_update(job->h[i], buf, n);
        job->total += n;
        if (job->progress && n) {
            int ret = job->progress(job->opaque, n);
            if (ret < 0)
                return ret;
        }
        if (err)
            return rs_error(errno_code(err), "%s: read failed after %llu bytes: %s", path,
                            (unsigned long long)job->total, strerror(err));
        if (n < bufsize)
            return 0;
    }
}

/* Opens path for reading, refusing anything but a regular file or a block
 * device before a single byte is read (O_NONBLOCK keeps a FIFO from
 * blocking the open itself). */
static int open_for_hash(const char *path, int *fd_out, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return rs_error(errno_code(errno), "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, st) < 0) {
        int e = errno;
        close(fd);
        return rs_error(errno_code(e), "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode)) {
        close(fd);
        return rs_error(RS_EIO, "%s: not a regular file (%s)", path,
                        S_ISDIR(st->st_mode) ? "a directory" :
                        S_ISFIFO(st->st_mode) ? "a FIFO" :
                        S_ISSOCK(st->st_mode) ? "a socket" : "a device or special file");
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    *fd_out = fd;
    return 0;
}

int rs_hash_file_multi(const char *path, unsigned algos,
                       char hex[RS_HASH_COUNT][RS_HASH_HEX_MAX], uint64_t *size,
                       RsHashProgress progress, void *opaque)
{
    Job job = { .progress = progress, .opaque = opaque };
    uint8_t *mem = NULL;
    int fd = -1, ret = 0;
    int algo_of[RS_HASH_COUNT];

    if (!algos || (algos >> RS_HASH_COUNT))
        return rs_error(RS_EINVAL, "%s: invalid set of hash algorithms 0x%x", path, algos);
    for (int a = 0; a < RS_HASH_COUNT; a++) {
        if (!(algos & RS_HASH_BIT(a)))
            continue;
        if ((ret = rs_hasher_open(&job.h[job.nh], (RsHashAlgo)a)) < 0)
            goto end;
        algo_of[job.nh++] = a;
    }

    struct stat st;
    if ((ret = open_for_hash(path, &fd, &st)) < 0)
        goto end;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    /* A small file gets a buffer of its size (plus a page, so that EOF is
     * seen in one read): hashing many small files costs no big allocation. */
    size_t bufsize = S_ISBLK(st.st_mode) || (uint64_t)st.st_size >= CHUNK ? CHUNK
                   : (((size_t)st.st_size >> 12) + 1) << 12;
    if (posix_memalign((void **)&mem, 4096, bufsize)) {
        mem = NULL;
        ret = rs_error(RS_ENOMEM, "%s: out of memory for a read buffer", path);
        goto end;
    }
    if ((ret = hash_fd(&job, fd, mem, bufsize, path)) < 0)
        goto end;

    for (int i = 0; i < job.nh; i++)
        rs_hasher_final(job.h[i], hex[algo_of[i]]);
    if (size)
        *size = job.total;
end:
    if (fd >= 0)
        close(fd);
    free(mem);
    for (int i = 0; i < job.nh; i++)
        rs_hasher_close(&job.h[i]);
    return ret;
}

int rs_hash_file(const char *path, RsHashAlgo a, char hex[RS_HASH_HEX_MAX], uint64_t *size)
{
    if ((unsigned)a >= RS_HASH_COUNT)
        return rs_error(RS_EINVAL, "%s: hash algorithm %d out of range", path, (int)a);
    char all[RS_HASH_COUNT][RS_HASH_HEX_MAX];
    int ret = rs_hash_file_multi(path, RS_HASH_BIT(a), all, size, NULL, NULL);
    if (ret >= 0)
        memcpy(hex, all[a], RS_HASH_HEX_MAX);
    return ret;
}
