/* Helpers shared by the ingest tests: temporary folders and small files. */
#ifndef RS_INGEST_TEST_H
#define RS_INGEST_TEST_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh folder under /tmp; the caller frees the string after rmtree(). */
static inline char *tmpdir_make(const char *tag)
{
    char *t;
    if (asprintf(&t, "/tmp/rushes-%s.XXXXXX", tag) < 0 || !mkdtemp(t)) {
        perror("mkdtemp");
        exit(1);
    }
    return t;
}

static inline int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st; (void)flag; (void)f;
    return remove(p);
}

static inline void rmtree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes len bytes of data to dir/rel, creating parent folders. */
static inline void put_file(const char *dir, const char *rel, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(path, 0777);
        *s = '/';
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
        perror(path);
        exit(1);
    }
}

static inline void put_text(const char *dir, const char *rel, const char *text)
{
    put_file(dir, rel, text, strlen(text));
}

/* The patterned test buffer whose hashes test_hash.c knows. */
static inline unsigned char *pattern(size_t n)
{
    unsigned char *b = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(((uint64_t)i * 131 ^ (uint64_t)(i >> 9)) & 0xff);
    return b;
}

/* Reads a whole text file; the caller frees it. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(b);
        return NULL;
    }
    fclose(f);
    b[n] = '\0';
    if (len)
        *len = (size_t)n;
    return b;
}

#endif /* RS_INGEST_TEST_H */
