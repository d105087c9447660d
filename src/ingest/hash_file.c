/*
 * Hashing whole files. Reading is the cost that matters on set: a card
 * reader delivers 100 MB/s to 2 GB/s and the hash must never be what the
 * data manager waits for. So the file is read sequentially in large aligned
 * chunks (the kernel is told with POSIX_FADV_SEQUENTIAL and widens its
 * readahead), and for files bigger than two chunks a helper thread fills a
 * ring of buffers while this thread hashes the previous one.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rushes/error.h"
#include "rushes/hash.h"

/* 4 MiB chunks: big enough that each read() lets the kernel stream and the
 * per-call costs vanish, small enough that a ring of them stays in cache. */
#define CHUNK ((size_t)4 << 20)
#define NSLOTS 3

typedef struct Ring {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int fd;
    uint8_t *buf[NSLOTS];
    size_t len[NSLOTS];
    int full[NSLOTS];
    int last[NSLOTS]; /* this slot ends the file (EOF or error) */
    int err;          /* errno of the failed read, 0 when none */
    int stop;         /* the hashing side gave up: the reader must quit */
} Ring;

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

static int consume(Job *job, const uint8_t *data, size_t len)
{
    for (int i = 0; i < job->nh; i++)
        rs_hasher_update(job->h[i], data, len);
    job->total += len;
    if (job->progress && len)
        return job->progress(job->opaque, len);
    return 0;
}

static void *reader_main(void *arg)
{
    Ring *r = arg;
    for (int i = 0;; i = (i + 1) % NSLOTS) {
        pthread_mutex_lock(&r->lock);
        while (r->full[i] && !r->stop)
            pthread_cond_wait(&r->cond, &r->lock);
        int stop = r->stop;
        pthread_mutex_unlock(&r->lock);
        if (stop)
            break;

        int err;
        size_t n = read_full(r->fd, r->buf[i], CHUNK, &err);
        int last = err || n < CHUNK;

        pthread_mutex_lock(&r->lock);
        r->len[i] = n;
        r->last[i] = last;
        r->full[i] = 1;
        if (err)
            r->err = err;
        pthread_cond_broadcast(&r->cond);
        pthread_mutex_unlock(&r->lock);
        if (last)
            break;
    }
    return NULL;
}

/* The overlapped path: the helper thread reads, this thread hashes. */
static int hash_threaded(Job *job, int fd, uint8_t *mem, const char *path)
{
    Ring r = { .fd = fd };
    for (int i = 0; i < NSLOTS; i++)
        r.buf[i] = mem + (size_t)i * CHUNK;
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.cond, NULL);

    pthread_t tid;
    int ret = pthread_create(&tid, NULL, reader_main, &r);
    if (ret) {
        ret = rs_error(RS_ENOMEM, "%s: cannot start a reader thread: %s", path, strerror(ret));
        goto end;
    }
    for (int i = 0;; i = (i + 1) % NSLOTS) {
        pthread_mutex_lock(&r.lock);
        while (!r.full[i])
            pthread_cond_wait(&r.cond, &r.lock);
        size_t len = r.len[i];
        int last = r.last[i];
        pthread_mutex_unlock(&r.lock);

        ret = consume(job, r.buf[i], len);

        pthread_mutex_lock(&r.lock);
        r.full[i] = 0;
        if (ret < 0)
            r.stop = 1;
        pthread_cond_broadcast(&r.cond);
        pthread_mutex_unlock(&r.lock);
        if (ret < 0 || last)
            break;
    }
    pthread_join(tid, NULL);
    if (ret >= 0 && r.err)
        ret = rs_error(errno_code(r.err), "%s: read failed after %llu bytes: %s", path,
                       (unsigned long long)job->total, strerror(r.err));
end:
    pthread_cond_destroy(&r.cond);
    pthread_mutex_destroy(&r.lock);
    return ret;
}

/* Small files: one chunk buffer, no thread (starting one costs more than
 * the overlap would save). */
static int hash_simple(Job *job, int fd, uint8_t *buf, const char *path)
{
    for (;;) {
        int err;
        size_t n = read_full(fd, buf, CHUNK, &err);
        int ret = consume(job, buf, n);
        if (ret < 0)
            return ret;
        if (err)
            return rs_error(errno_code(err), "%s: read failed after %llu bytes: %s", path,
                            (unsigned long long)job->total, strerror(err));
        if (n < CHUNK)
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

    int threaded = S_ISBLK(st.st_mode) || (uint64_t)st.st_size > 2 * CHUNK;
    size_t bytes = threaded ? NSLOTS * CHUNK : CHUNK;
    if (posix_memalign((void **)&mem, 4096, bytes)) {
        mem = NULL;
        ret = rs_error(RS_ENOMEM, "%s: out of memory for read buffers", path);
        goto end;
    }
    ret = threaded ? hash_threaded(&job, fd, mem, path) : hash_simple(&job, fd, mem, path);
    if (ret < 0)
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
